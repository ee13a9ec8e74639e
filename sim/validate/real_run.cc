#include "sim/validate/real_run.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/files.h"

namespace plumsim {
namespace {

using Kind = ClusterRecord::ReceiptKind;

// One file's lines, split at tabs, with their numbers for errors.
class LineReader {
 public:
  LineReader(std::string path, const std::string& text) : path_(std::move(path)) {
    for (absl::string_view line : absl::StrSplit(text, '\n')) lines_.push_back(line);
  }
  template <typename F>
  absl::Status ForEach(F f) {
    for (size_t i = 0; i < lines_.size(); ++i) {
      line_ = static_cast<int>(i + 1);
      if (lines_[i].empty() || absl::StartsWith(lines_[i], "#")) continue;
      std::vector<absl::string_view> fields = absl::StrSplit(lines_[i], '\t');
      if (absl::Status st = f(fields); !st.ok()) return st;
    }
    return absl::OkStatus();
  }
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(path_, ":", line_, ": ", what));
  }

 private:
  std::string path_;
  int line_ = 0;
  std::vector<absl::string_view> lines_;
};

struct Meta {
  int64_t t0_us = 0;
  bool has_t0 = false;
  // Stops of incarnations: (node name, os time) of crashes and leaves.
  std::vector<std::pair<std::string, int64_t>> stops;
};

absl::Status ReadMeta(const std::string& dir, RealRun* run, Meta* meta) {
  const std::string path = dir + "/run.meta";
  absl::StatusOr<std::string> text = ReadInputFile(path, "recording");
  if (!text.ok()) return text.status();
  LineReader lines(path, *text);
  bool has_status = false;
  absl::Status st = lines.ForEach([&](const std::vector<absl::string_view>& f) -> absl::Status {
    if (f[0] == "t0_us" && f.size() >= 2) {
      if (!absl::SimpleAtoi(f[1], &meta->t0_us)) return lines.Error("t0_us: not a number");
      meta->has_t0 = true;
    } else if (f[0] == "otp_release" && f.size() >= 2) {
      run->otp_release = std::string(f[1]);
    } else if (f[0] == "partisan_vsn" && f.size() >= 2) {
      run->partisan_vsn = std::string(f[1]);
    } else if (f[0] == "applied" && f.size() >= 5) {
      int64_t at_ms, actual_us;
      if (!absl::SimpleAtoi(f[1], &at_ms) || !absl::SimpleAtoi(f[2], &actual_us)) {
        return lines.Error("applied: expected <ms> <us> <what> <node>");
      }
      if (f[3] == "crash" || f[3] == "leave") {
        meta->stops.emplace_back(std::string(f[4]), actual_us);
      }
      const int64_t late_ms = (actual_us - meta->t0_us) / 1000 - at_ms;
      if (meta->has_t0 && late_ms > 100) {
        run->late.push_back(absl::StrCat(f[3], " ", f[4], ": ", late_ms, " ms late"));
      }
    } else if (f[0] == "status" && f.size() >= 2) {
      if (f[1] != "ok") {
        return absl::FailedPreconditionError(
            absl::StrCat(path, ": the real run did not complete: ", absl::StrJoin(f, " ")));
      }
      has_status = true;
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (!meta->has_t0) return absl::InvalidArgumentError(absl::StrCat(path, ": no t0_us line"));
  if (!has_status) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": the real run did not complete: no status line (its controller was killed?)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int>> Peers(const ClusterRecord& r, absl::string_view text) {
  std::vector<int> out;
  if (text == "-" || text.empty()) return out;
  for (absl::string_view name : absl::StrSplit(text, ',')) {
    std::optional<int> i = r.NodeIndex(std::string(name));
    if (!i) return absl::InvalidArgumentError(absl::StrCat("unknown node \"", name, "\""));
    out.push_back(*i);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<Kind> ReceiptKindOf(absl::string_view name) {
  for (Kind k : {Kind::kBroadcast, Kind::kIHave, Kind::kIgnoredIHave, Kind::kGraft, Kind::kPrune}) {
    if (name == ReceiptKindName(k)) return k;
  }
  return std::nullopt;
}

// One node's events file.
class EventsReader {
 public:
  EventsReader(RealRun* run, const Meta& meta, int node, LineReader* lines)
      : r_(&run->record), meta_(meta), node_(node), lines_(lines) {}

  absl::Status Line(const std::vector<absl::string_view>& f) {
    int64_t os_us;
    if (f.size() < 2 || !absl::SimpleAtoi(f[0], &os_us)) {
      return lines_->Error("expected <time us> <what> ...");
    }
    at_ = os_us - meta_.t0_us;
    // The simulation ends at the scenario's end; so does the comparison
    // (the controller's stopping the VMs closes every connection after it).
    if (at_ >= r_->end_us) return absl::OkStatus();
    const absl::string_view what = f[1];
    if (what == "start") return Start();
    if (what == "originate") return Originate(f);
    if (what == "recv") return Receive(f);
    if (what == "eager" || what == "lazy") return PeerSet(f, what == "eager");
    if (what == "conn_up") return ConnectionUp(f);
    if (what == "disconnect") return Disconnect(f);
    if (what == "conn_down") return ConnectionDown(f);
    if (what == "tick") return Tick(f);
    return absl::OkStatus();  // members, and later additions: not compared
  }

 private:
  absl::Status Need(const std::vector<absl::string_view>& f, size_t n) const {
    if (f.size() >= n) return absl::OkStatus();
    return lines_->Error(absl::StrCat(f[1], ": expected ", n, " fields, got ", f.size()));
  }
  absl::StatusOr<int> Node(absl::string_view name) const {
    std::optional<int> i = r_->NodeIndex(std::string(name));
    if (!i) return lines_->Error(absl::StrCat("unknown node \"", name, "\""));
    return *i;
  }
  absl::Status Start() {
    r_->incarnations.push_back({node_, at_, std::nullopt});
    return absl::OkStatus();
  }
  absl::Status Originate(const std::vector<absl::string_view>& f) {
    if (absl::Status st = Need(f, 4); !st.ok()) return st;
    r_->originations.push_back(
        {at_, node_, r_->HandlerIndex(std::string(f[2])), std::string(f[3])});
    return absl::OkStatus();
  }
  absl::Status Receive(const std::vector<absl::string_view>& f) {
    if (absl::Status st = Need(f, 8); !st.ok()) return st;
    std::optional<Kind> kind = ReceiptKindOf(f[2]);
    if (!kind) return lines_->Error(absl::StrCat("unknown message kind \"", f[2], "\""));
    ClusterRecord::Receipt x;
    x.at_us = at_;
    x.node = node_;
    x.kind = *kind;
    absl::StatusOr<int> from = Node(f[3]), root = Node(f[6]);
    if (!from.ok()) return from.status();
    if (!root.ok()) return root.status();
    x.from = *from;
    x.root = *root;
    if (*kind != Kind::kPrune) {
      x.handler = r_->HandlerIndex(std::string(f[4]));
      x.id = std::string(f[5]);
      if (!absl::SimpleAtoi(f[7], &x.round)) return lines_->Error("round: not a number");
    }
    r_->receipts.push_back(std::move(x));
    return absl::OkStatus();
  }
  absl::Status PeerSet(const std::vector<absl::string_view>& f, bool eager) {
    if (absl::Status st = Need(f, 4); !st.ok()) return st;
    if (f[2] == "*") return absl::OkStatus();  // the common sets: in every effective set
    absl::StatusOr<int> root = Node(f[2]);
    if (!root.ok()) return root.status();
    absl::StatusOr<std::vector<int>> peers = Peers(*r_, f[3]);
    if (!peers.ok()) return lines_->Error(peers.status().message());
    r_->peer_sets.push_back({at_, node_, *root, eager, std::move(*peers)});
    return absl::OkStatus();
  }
  // The PEER field (the third) of a line of at least `fields` fields.
  absl::StatusOr<int> Peer(const std::vector<absl::string_view>& f, size_t fields) const {
    if (absl::Status st = Need(f, fields); !st.ok()) return st;
    return Node(f[2]);
  }
  absl::Status ConnectionUp(const std::vector<absl::string_view>& f) {
    absl::StatusOr<int> peer = Peer(f, 4);
    if (!peer.ok()) return peer.status();
    disconnecting_.erase(*peer);
    return absl::OkStatus();
  }
  // The peer service pruned the peer's connections (disconnect/1): their
  // processes now exit `normal` because they were stopped, not because their
  // sockets closed.
  absl::Status Disconnect(const std::vector<absl::string_view>& f) {
    absl::StatusOr<int> peer = Peer(f, 3);
    if (!peer.ok()) return peer.status();
    disconnecting_.insert(*peer);
    return absl::OkStatus();
  }
  absl::Status ConnectionDown(const std::vector<absl::string_view>& f) {
    absl::StatusOr<int> peer = Peer(f, 5);
    if (!peer.ok()) return peer.status();
    std::string reason = RealCloseReason(f[4]);
    if (f[4] == "normal" && disconnecting_.contains(*peer)) reason = "disconnect";
    r_->closes.push_back({at_, node_, *peer, std::move(reason)});
    return absl::OkStatus();
  }
  absl::Status Tick(const std::vector<absl::string_view>& f) {
    if (absl::Status st = Need(f, 3); !st.ok()) return st;
    using T = ClusterRecord::TickKind;
    if (f[2] == "lazy") {
      r_->ticks.push_back({at_, node_, T::kLazy});
    } else if (f[2] == "exchange") {
      r_->ticks.push_back({at_, node_, T::kExchange});
    } else if (f[2] == "heartbeat") {
      r_->ticks.push_back({at_, node_, T::kHeartbeat});
    }
    return absl::OkStatus();
  }

  ClusterRecord* r_;
  const Meta& meta_;
  const int node_;
  LineReader* lines_;
  int64_t at_ = 0;
  absl::flat_hash_set<int> disconnecting_;  // peers pruned since their last conn_up
};

// Closes each incarnation at the next start of its node, or at a crash or
// leave the controller applied while it ran.
void CloseIncarnations(const Meta& meta, ClusterRecord* r) {
  r->SortByTime();
  for (size_t i = 0; i < r->incarnations.size(); ++i) {
    ClusterRecord::Incarnation& inc = r->incarnations[i];
    std::optional<int64_t> stop;
    for (size_t j = i + 1; j < r->incarnations.size() && !stop; ++j) {
      if (r->incarnations[j].node == inc.node) stop = r->incarnations[j].start_us;
    }
    for (const auto& [name, os_us] : meta.stops) {
      const int64_t at = os_us - meta.t0_us;
      if (name == r->nodes[inc.node] && at >= inc.start_us && (!stop || at < *stop)) stop = at;
    }
    inc.stop_us = stop;
  }
}

}  // namespace

std::string RealCloseReason(absl::string_view erlang_reason) {
  if (absl::StrContains(erlang_reason, "invalid_ping_response")) return "invalid_ping_response";
  if (absl::StrContains(erlang_reason, "ping_timeout")) return "ping_timeout";
  for (const char* closed : {"tcp_closed", "closed", "econnreset", "normal", "noconnection"}) {
    if (absl::StrContains(erlang_reason, closed)) return "peer_closed";
  }
  return "other";
}

absl::StatusOr<RealRun> ReadRealRun(const std::string& dir, const std::vector<std::string>& nodes,
                                    int64_t end_us) {
  RealRun run;
  run.record.nodes = nodes;
  run.record.end_us = end_us;
  run.record.HandlerIndex("heartbeat");
  Meta meta;
  if (absl::Status st = ReadMeta(dir, &run, &meta); !st.ok()) return st;
  for (size_t node = 0; node < nodes.size(); ++node) {
    const std::string path = absl::StrCat(dir, "/", nodes[node], ".events");
    if (!std::filesystem::exists(path)) continue;  // a node that never ran
    absl::StatusOr<std::string> text = ReadInputFile(path, "recording");
    if (!text.ok()) return text.status();
    LineReader lines(path, *text);
    EventsReader reader(&run, meta, static_cast<int>(node), &lines);
    absl::Status st =
        lines.ForEach([&](const std::vector<absl::string_view>& f) { return reader.Line(f); });
    if (!st.ok()) return st;
  }
  CloseIncarnations(meta, &run.record);
  run.record.SortByTime();
  return run;
}

}  // namespace plumsim
