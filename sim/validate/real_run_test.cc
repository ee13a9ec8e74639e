// Reading a real cluster's recordings: run.meta and the per-node events
// files (docs/validate.md, "Recordings"), and errors that name file:line.
#include "sim/validate/real_run.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace plumsim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Kind = ClusterRecord::ReceiptKind;

class RealRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / "real_run_test";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Write("run.meta",
          "format\t1\notp_release\t25\npartisan_vsn\t5.0.3\n"
          "t0_us\t1000000000\n"
          "applied\t0\t1000000100\tstart\tn0\n"
          "applied\t5000\t1005000300\tcrash\tn1\n"
          "applied\t7000\t1007400000\trestart\tn1\n"
          "end_us\t1020000000\nstatus\tok\n");
    Write("n0.events",
          "1000000200\tstart\t1\n"
          "1000000300\teager\t*\tn1\n"
          "1000000300\teager\tn0\tn1\n"
          "1000000300\tlazy\tn0\t-\n"
          "1001000000\ttick\tlazy\n"
          "1002000000\toriginate\theartbeat\tab12\n"
          "1002000900\trecv\tprune\tn1\t-\t-\tn0\t-\n"
          "1003000000\tconn_down\tn1\tundefined\t{shutdown,ping_timeout}\n"
          "1003000001\tmembers\tn0,n1\n"
          "1020000000\tconn_down\tn1\tundefined\tnormal\n");  // at the end: left out
    Write("n1.events",
          "1000000400\tstart\t1\n"
          "1002000700\trecv\tbroadcast\tn0\theartbeat\tab12\tn0\t0\n"
          "1007400100\tstart\t2\n");
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  fs::path dir_;
};

TEST_F(RealRunTest, ReadsEveryKindOfLineInScenarioTime) {
  absl::StatusOr<RealRun> run = ReadRealRun(dir_.string(), {"n0", "n1"}, 20'000'000);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->otp_release, "25");
  EXPECT_EQ(run->partisan_vsn, "5.0.3");
  const ClusterRecord& r = run->record;
  ASSERT_EQ(r.originations.size(), 1u);
  EXPECT_EQ(r.originations[0].at_us, 2'000'000);
  EXPECT_EQ(r.handlers[r.originations[0].handler], "heartbeat");
  ASSERT_EQ(r.receipts.size(), 2u);
  EXPECT_EQ(r.receipts[0].kind, Kind::kBroadcast);
  EXPECT_EQ(r.receipts[0].at_us, 2'000'700);
  EXPECT_EQ(r.receipts[0].node, 1);
  EXPECT_EQ(r.receipts[0].id, "ab12");
  EXPECT_EQ(r.receipts[1].kind, Kind::kPrune);
  ASSERT_EQ(r.peer_sets.size(), 2u);  // the common set (*) is not a root's
  EXPECT_EQ(r.peer_sets[0].peers, std::vector<int>{1});
  ASSERT_EQ(r.closes.size(), 1u);
  EXPECT_EQ(r.closes[0].reason, "ping_timeout");
  ASSERT_EQ(r.ticks.size(), 1u);
  // n1 ran from its start to the crash the controller applied, and again
  // from its second start.
  ASSERT_EQ(r.incarnations.size(), 3u);
  EXPECT_EQ(r.incarnations[1].node, 1);
  EXPECT_EQ(r.incarnations[1].stop_us, std::optional<int64_t>(5'000'300));
  EXPECT_EQ(r.incarnations[2].start_us, 7'400'100);
  EXPECT_EQ(r.incarnations[2].stop_us, std::nullopt);
  EXPECT_THAT(run->late, ::testing::ElementsAre("restart n1: 400 ms late"));
}

TEST_F(RealRunTest, ABadLineIsNamedByFileAndLine) {
  Write("n1.events", "1000000400\tstart\t1\n1000000500\trecv\tbroadcast\tn0\n");
  absl::StatusOr<RealRun> run = ReadRealRun(dir_.string(), {"n0", "n1"}, 20'000'000);
  ASSERT_FALSE(run.ok());
  EXPECT_THAT(run.status().message(), HasSubstr("n1.events:2: recv: expected 8 fields, got 4"));
  Write("n1.events", "1000000400\tstart\t1\n1000000500\teager\tn0\tn1,n9\n");
  run = ReadRealRun(dir_.string(), {"n0", "n1"}, 20'000'000);
  ASSERT_FALSE(run.ok());
  EXPECT_THAT(run.status().message(), HasSubstr("n1.events:2: unknown node \"n9\""));
}

TEST_F(RealRunTest, ARunThatDidNotCompleteIsRefused) {
  Write("run.meta", "format\t1\nt0_us\t1000000000\nstatus\tboot failed: n3\n");
  absl::StatusOr<RealRun> run = ReadRealRun(dir_.string(), {"n0", "n1"}, 20'000'000);
  ASSERT_FALSE(run.ok());
  EXPECT_THAT(run.status().message(), HasSubstr("did not complete: status boot failed: n3"));
}

// A connection process exits `normal` whether its socket closed or the peer
// service stopped it: those after a `disconnect` of their peer (and before
// the peer's next conn_up) are disconnects.
TEST_F(RealRunTest, ANormalExitAfterADisconnectIsADisconnect) {
  Write("n1.events",
        "1000000400\tstart\t1\n"
        "1001000000\tconn_up\tn0\tundefined\n"
        "1002000000\tdisconnect\tn0\n"
        "1002000100\tconn_down\tn0\tundefined\tnormal\n"
        "1003000000\tconn_up\tn0\tundefined\n"
        "1004000000\tconn_down\tn0\tundefined\tnormal\n");
  absl::StatusOr<RealRun> run = ReadRealRun(dir_.string(), {"n0", "n1"}, 20'000'000);
  ASSERT_TRUE(run.ok()) << run.status();
  std::vector<std::string> n1;
  for (const auto& c : run->record.closes) {
    if (c.node == 1) n1.push_back(c.reason);
  }
  EXPECT_THAT(n1, ::testing::ElementsAre("disconnect", "peer_closed"));
}

// A controller killed outright writes no status: the run is not taken as
// complete.
TEST_F(RealRunTest, ARunWithoutAStatusLineIsRefused) {
  Write("run.meta", "format\t1\nt0_us\t1000000000\nend_us\t1020000000\n");
  absl::StatusOr<RealRun> run = ReadRealRun(dir_.string(), {"n0", "n1"}, 20'000'000);
  ASSERT_FALSE(run.ok());
  EXPECT_THAT(run.status().message(), HasSubstr("did not complete: no status line"));
}

TEST(RealCloseReasonTest, ErlangExitReasonsMapToPlumsimsCloseReasons) {
  EXPECT_EQ(RealCloseReason("{shutdown,ping_timeout}"), "ping_timeout");
  EXPECT_EQ(RealCloseReason("{invalid_ping_response,{pong,3}}"), "invalid_ping_response");
  EXPECT_EQ(RealCloseReason("normal"), "peer_closed");
  EXPECT_EQ(RealCloseReason("{shutdown,tcp_closed}"), "peer_closed");
  EXPECT_EQ(RealCloseReason("killed"), "other");
}

}  // namespace
}  // namespace plumsim
