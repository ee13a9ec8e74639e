// The keepalive ping state of one end, rule by rule (Partisan v5.0.x,
// commit c5309d4: partisan_peer_service_client, _server, partisan_retry).
#include "sim/runtime/keepalive.h"

#include "gtest/gtest.h"

namespace plumsim {
namespace {

SimTime At(int64_t ms) { return SimTime::Zero() + SimDuration::Milliseconds(ms); }

// maybe_enable_ping/2 arms nothing: the first reset_ping/1 (hello) does.
TEST(KeepaliveTest, NoTimerUntilTheFirstReset) {
  const KeepaliveTimes times = KeepaliveTimes::Client(PartisanRuntimeConfig{});
  Keepalive client;
  EXPECT_FALSE(client.armed());
  client.Reset(At(10), times);
  EXPECT_EQ(client.deadline(), At(20'010));
}

// partisan_peer_service_server:reset_ping/1 uses IdleTimeout +
// trunc(IdleTimeout * 0.25): 25 s by default.
TEST(KeepaliveTest, ServerIdleTimeoutIsAQuarterLonger) {
  Keepalive server;
  server.Reset(At(0), KeepaliveTimes::Server(PartisanRuntimeConfig{}));
  EXPECT_EQ(server.deadline(), At(25'000));
  PartisanRuntimeConfig odd;
  odd.ping_idle_timeout = SimDuration::Milliseconds(1003);  // trunc(250.75) = 250
  Keepalive s;
  s.Reset(At(0), KeepaliveTimes::Server(odd));
  EXPECT_EQ(s.deadline(), At(1253));
}

// maybe_send_ping/1: the idle expiry is partisan_retry:fail/1's first
// failure; each retry after `timeout` sends a new ping; the fail after
// max_attempts unanswered pings returns max_retries ({shutdown,
// ping_timeout}) at idle_timeout + max_attempts * timeout.
TEST(KeepaliveTest, FivePingsThenPingTimeoutAtSeventySeconds) {
  const KeepaliveTimes times = KeepaliveTimes::Client(PartisanRuntimeConfig{});
  Keepalive client;
  client.Reset(At(0), times);
  uint32_t last = 0;
  for (int k = 0; k < 5; ++k) {
    const SimTime now = client.deadline();
    EXPECT_EQ(now, At(20'000 + 10'000 * k));
    const uint32_t id = client.Fire(now, times);
    ASSERT_NE(id, 0u);
    EXPECT_NE(id, last);  // send_ping/1: a new partisan:make_ref/0 each time
    last = id;
    EXPECT_EQ(client.unanswered(), k + 1);
  }
  EXPECT_EQ(client.deadline(), At(70'000));
  EXPECT_EQ(client.Fire(At(70'000), times), 0u);
}

// handle_inbound(#pong{id = Id}, #state{ping_id = Id}): only the latest
// ping's pong; reset_ping/1 keeps ping_id, so that pong stays valid after a
// reset, and an older one never is.
TEST(KeepaliveTest, OnlyTheLatestPingsPongIsValid) {
  const KeepaliveTimes times = KeepaliveTimes::Client(PartisanRuntimeConfig{});
  Keepalive client;
  EXPECT_FALSE(client.Accepts(0));  // no ping yet (the server's dummy ref)
  client.Reset(At(0), times);
  const uint32_t first = client.Fire(At(20'000), times);
  EXPECT_TRUE(client.Accepts(first));
  const uint32_t second = client.Fire(At(30'000), times);
  EXPECT_FALSE(client.Accepts(first));
  EXPECT_TRUE(client.Accepts(second));
  client.Reset(At(31'000), times);  // e.g. the server's ping
  EXPECT_TRUE(client.Accepts(second));
  EXPECT_EQ(client.unanswered(), 0);  // partisan_retry:succeed/1
  EXPECT_EQ(client.deadline(), At(51'000));
}

// partisan_retry:init/2 with backoff never enabled: the interval is
// constant.
TEST(KeepaliveTest, RetriesAreConstantWithoutBackoff) {
  const KeepaliveTimes times{SimDuration::Seconds(5), SimDuration::Seconds(30), 2};
  Keepalive k;
  k.Reset(At(0), times);
  ASSERT_NE(k.Fire(At(5'000), times), 0u);
  EXPECT_EQ(k.deadline(), At(35'000));
  ASSERT_NE(k.Fire(At(35'000), times), 0u);
  EXPECT_EQ(k.deadline(), At(65'000));
  EXPECT_EQ(k.Fire(At(65'000), times), 0u);
}

}  // namespace
}  // namespace plumsim
