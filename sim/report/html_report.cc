#include "sim/report/html_report.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "base/child_processes.h"
#include "sim/metrics/tree_snapshot.h"
#include "sim/output/manifest.h"
#include "sim/report/drawings.h"
#include "sim/report/time_series.h"
#include "sim/report/tree_picture.h"
#include "sim/world/node_host.h"

namespace plumsim {

namespace fs = std::filesystem;

namespace {

std::string Html(absl::string_view text) {
  return absl::StrReplaceAll(text,
                             {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

double Seconds(SimTime t) { return static_cast<double>(t.ns()) / 1e9; }
std::string Num(double v) { return absl::StrFormat("%.6g", v); }
std::string Data(double v) { return std::isfinite(v) ? absl::StrFormat("%.9g", v) : "NaN"; }

std::string Preamble(const std::string& name, const std::string& title, const std::string& ylabel,
                     double end_s, const std::vector<FaultMark>& marks) {
  return absl::StrCat(
      "set terminal svg size 920,300 dynamic font \"Helvetica,12\" background \"#ffffff\"\n",
      "set output \"", name, ".svg\"\n", "set title \"", title, "\"\n",
      "set xlabel \"virtual time (s)\"\nset ylabel \"", ylabel, "\"\n",
      "set grid\nset key outside right top\nset xrange [0:", Data(end_s), "]\n",
      "set style data lines\n", FaultObjects(marks));
}

std::string Figure(const std::string& id, const std::string& caption, const std::string& svg,
                   const std::string& error) {
  if (svg.empty()) {
    return absl::StrCat("<figure id=\"", id, "\" class=\"missing\"><p>not drawn: ",
                        Html(error.empty() ? "no picture was drawn" : error), "</p><figcaption>",
                        caption, "</figcaption></figure>\n");
  }
  return absl::StrCat("<figure id=\"", id, "\">", svg, "<figcaption>", caption,
                      "</figcaption></figure>\n");
}

// One summary row: its path in metrics.json, shown and exact value.
std::string FigureRow(const std::string& path, const std::string& label,
                      const std::optional<double>& v, const std::string& shown) {
  return absl::StrCat("<tr><th>", Html(label), "</th><td data-figure=\"", path, "\"",
                      v ? absl::StrCat(" data-value=\"", absl::StrFormat("%.17g", *v), "\"")
                        : std::string(" data-value=\"null\""),
                      ">", Html(shown), "</td></tr>\n");
}

std::string TimeText(const std::optional<SimTime>& t) {
  return t ? absl::StrFormat("%.3f s", Seconds(*t)) : std::string("not reached");
}

constexpr char kStyle[] = R"(
body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1000px;color:#222}
h1{font-size:24px;margin-bottom:4px} h2{font-size:19px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
.meta{color:#555} table{border-collapse:collapse;margin:8px 0} th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}
td.ok{color:#1e7b34;font-weight:bold} td.fail{color:#b00020;font-weight:bold}
figure{margin:12px 0} figure svg{max-width:100%;height:auto} figcaption{color:#555;font-size:13px}
figure.missing{background:#fff4f4;padding:8px} .trees figure{display:inline-block;vertical-align:top;width:48%}
pre{background:#f6f6f6;padding:10px;overflow-x:auto;font-size:12px} .note{color:#555;font-size:13px}
)";

// Marks the page as loaded with the number of drawings that have a size:
// the browser test reads it.
constexpr char kLoadScript[] =
    "<script>window.addEventListener('load',function(){var n=0;"
    "document.querySelectorAll('figure svg').forEach(function(s){var r="
    "s.getBoundingClientRect();if(r.width>0&&r.height>0)n++;});"
    "document.body.setAttribute('data-drawn',String(n));"
    "document.body.setAttribute('data-loaded','yes');});</script>\n"
    "</body></html>\n";

// Builds the page: queues every drawing, runs them, then writes each
// section (one method per section).
class ReportBuilder {
 public:
  ReportBuilder(const ReportInputs& in, const ReportSettings& settings)
      : in_(in),
        settings_(settings),
        end_s_(Seconds(SimTime::Zero() + in.scenario.duration)),
        marks_(FaultMarks(in.scenario)),
        sum_(Summarize(in.metrics, std::nullopt)),
        series_(BinSeries(in.scenario, in.metrics, settings.max_points)),
        draw_(Drawings::Temporary({.programs = settings.programs, .jobs = settings.jobs})) {}

  std::string Build() {
    QueueTimePlots();
    QueueConvergencePlot();
    QueueConnectionsPlot();
    QueueTrees();
    draw_.Run();
    return absl::StrCat(HeadHtml(), SummaryHtml(), ExpectationsHtml(), OverTimeHtml(),
                        RuntimeHtml(), TreesHtml(), kLoadScript);
  }

 private:
  void QueueTimePlots();        // reliability, RMR, LDH, latency, traffic, eager changes
  void QueueConvergencePlot();  // the distribution over roots
  void QueueConnectionsPlot();  // tcp closes, when there are any
  void QueueTrees();            // the first snapshot roots at the end
  std::string HeadHtml();
  std::string SummaryHtml();
  std::string ExpectationsHtml();
  std::string OverTimeHtml();  // with control traffic and convergence
  std::string RuntimeHtml();
  std::string TreesHtml();  // with the run's text summary

  const ReportInputs& in_;
  const ReportSettings& settings_;
  const double end_s_;
  const std::vector<FaultMark> marks_;
  const MetricsSummary sum_;
  const Series series_;
  Drawings draw_;
  std::vector<const TreeShape*> drawn_;  // the trees drawn
};

void ReportBuilder::QueueTimePlots() {
  // --- Figures over time ---
  // $d: every bin's traffic; $m: the message figures of the bins that
  // have settled messages (so their line is not broken by empty bins).
  std::string data, message_data;
  for (const Bin& b : series_.bins) {
    const std::string mid = Data(b.start_s + series_.bin_s / 2);
    absl::StrAppend(&data, mid, " 0 0 0 0 0 ", b.prune, " ", b.i_have, " ", b.ignored_i_have, " ",
                    b.graft, " ", b.membership, " ", b.eager_changes, " ", b.payload, "\n");
    if (b.messages == 0) continue;
    absl::StrAppend(&message_data, mid, " ", Data(b.reliability_min), " ",
                    Data(b.with_rmr > 0 ? b.rmr_sum / b.with_rmr : NAN), " ", Data(b.rmr_max), " ",
                    Data(b.ldh_max), " ", Data(b.p99_max_ms), "\n");
  }
  if (message_data.empty()) message_data = "NaN NaN NaN NaN NaN NaN\n";
  const std::string block =
      absl::StrCat("$d << EOD\n", data, "EOD\n$m << EOD\n", message_data, "EOD\n");
  draw_.Plot("reliability",
             absl::StrCat(block,
                          Preamble("reliability", "reliability, worst message sent in each bin",
                                   "share of live nodes", end_s_, marks_),
                          "set yrange [0:1.05]\nplot $m using 1:2 with linespoints pt 7 ps 0.4 lw "
                          "2 lc rgb \"#2f5f8f\" title "
                          "\"reliability min\"\n"));
  draw_.Plot(
      "rmr",
      absl::StrCat(
          block,
          Preamble("rmr", "RMR of the messages sent in each bin", "redundant payloads per delivery",
                   end_s_, marks_),
          "plot $m using 1:3 with linespoints pt 7 ps 0.4 lw 2 lc rgb \"#2f5f8f\" title \"mean\", "
          "$m using 1:4 with linespoints pt 7 ps 0.4 lw 1 lc rgb \"#f39c12\" title \"max\"\n"));
  draw_.Plot("ldh", absl::StrCat(block,
                                 Preamble("ldh", "LDH: last delivery hop, worst message per bin",
                                          "hops", end_s_, marks_),
                                 "plot $m using 1:5 with linespoints pt 7 ps 0.4 lw 2 lc rgb "
                                 "\"#2f5f8f\" title \"ldh max\"\n"));
  draw_.Plot("latency",
             absl::StrCat(block,
                          Preamble("latency", "delivery latency p99, worst message per bin", "ms",
                                   end_s_, marks_),
                          "plot $m using 1:6 with linespoints pt 7 ps 0.4 lw 2 lc rgb \"#2f5f8f\" "
                          "title \"latency p99\"\n"));
  draw_.Plot(
      "traffic",
      absl::StrCat(
          block,
          Preamble("traffic", "messages received per bin, by type", "messages", end_s_, marks_),
          "set yrange [0:*]\n"
          "plot $d using 1:13 lw 2 title \"payload\", "
          "$d using 1:7 title \"prune\", $d using 1:8 title \"i\\\\_have\", "
          "$d using 1:9 title \"ignored\\\\_i\\\\_have\", $d using 1:10 title \"graft\", "
          "$d using 1:11 title \"membership\"\n"));
  draw_.Plot("eager_changes",
             absl::StrCat(block,
                          Preamble("eager_changes", "eager-set changes per bin (every root)",
                                   "changes", end_s_, marks_),
                          "plot $d using 1:12 lw 2 lc rgb \"#8e44ad\" title \"eager changes\"\n"));
}

void ReportBuilder::QueueConvergencePlot() {
  // --- Convergence per root: share of roots that reached each time ---
  auto cdf = [&](std::optional<SimTime> RootConvergence::*time) {
    std::vector<double> times;
    for (const RootConvergence& r : sum_.convergence.roots) {
      if (r.*time) times.push_back(Seconds(*(r.*time)));
    }
    std::sort(times.begin(), times.end());
    const double roots = std::max<double>(1, static_cast<double>(sum_.convergence.roots.size()));
    std::string out = "0 0\n";
    // At most 1,000 steps: every root when fewer, else evenly sampled.
    const size_t step = std::max<size_t>(1, times.size() / 1000);
    for (size_t i = 0; i < times.size(); i += step) {
      absl::StrAppend(&out, Data(times[i]), " ", Data(static_cast<double>(i + 1) / roots), "\n");
    }
    if (!times.empty()) {
      absl::StrAppend(&out, Data(times.back()), " ", Data(times.size() / roots), "\n");
    }
    absl::StrAppend(&out, Data(end_s_), " ", Data(times.size() / roots), "\n");
    return out;
  };
  draw_.Plot("convergence",
             absl::StrCat("$t << EOD\n", cdf(&RootConvergence::tree_stable_at), "EOD\n$r << EOD\n",
                          cdf(&RootConvergence::rmr_settled_at), "EOD\n$s << EOD\n",
                          cdf(&RootConvergence::converged_at), "EOD\n",
                          Preamble("convergence",
                                   absl::StrCat("share of the ", sum_.convergence.roots.size(),
                                                " roots converged by each time"),
                                   "share of roots", end_s_, marks_),
                          "set yrange [0:1.05]\n"
                          "plot $t using 1:2 with steps lw 2 title \"tree-stable\", "
                          "$r using 1:2 with steps lw 2 title \"RMR-settled\", "
                          "$s using 1:2 with steps lw 2 dt 2 title \"strict\"\n"));
}

void ReportBuilder::QueueConnectionsPlot() {
  // --- Connections (tcp) ---
  if (!in_.metrics.connection_closes().empty()) {
    std::map<std::string, std::vector<int64_t>> by_reason;
    for (const auto& c : in_.metrics.connection_closes()) {
      auto& v = by_reason[CloseReasonName(c.reason)];
      v.resize(series_.bins.size(), 0);
      ++v[std::min(series_.bins.size() - 1, static_cast<size_t>(Seconds(c.at) / series_.bin_s))];
    }
    std::string blocks, plots;
    int k = 0;
    for (const auto& [reason, counts] : by_reason) {
      absl::StrAppend(&blocks, "$c", k, " << EOD\n");
      for (size_t i = 0; i < counts.size(); ++i) {
        absl::StrAppend(&blocks, Data(series_.bins[i].start_s + series_.bin_s / 2), " ", counts[i],
                        "\n");
      }
      absl::StrAppend(&blocks, "EOD\n");
      absl::StrAppend(&plots, k == 0 ? "plot " : ", ", "$c", k,
                      " using 1:2 with impulses lw 3 title \"", reason, "\"");
      ++k;
    }
    draw_.Plot("connections",
               absl::StrCat(blocks,
                            Preamble("connections", "tcp connections closed per bin, by reason",
                                     "connections", end_s_, marks_),
                            plots, "\n"));
  }
}

void ReportBuilder::QueueTrees() {
  // --- Trees of the snapshot roots at the end ---
  for (const TreeShape& t : in_.final_trees) {
    if (static_cast<int>(drawn_.size()) >= settings_.max_tree_pictures) break;
    drawn_.push_back(&t);
  }
  const SimTime end = in_.result.reached;
  for (const TreeShape* t : drawn_) {
    absl::StatusOr<TreeSnapshot> snap =
        ParseTreeSnapshot(TreeJson(in_.simulation, *t, end), "tree");
    if (!snap.ok()) continue;
    const OrientedTree oriented = Orient(*snap);
    const std::string name = absl::StrCat("tree_n", t->root);
    if (static_cast<int64_t>(oriented.live.size()) <= settings_.max_tree_nodes) {
      draw_.RadialTree(name, RadialDot(*snap, oriented),
                       [s = *snap, oriented](const std::string& laid) {
                         return AddDepthRings(laid, s, oriented);
                       });
    } else {
      draw_.Plot(name, HistogramScript(*snap, oriented, name));
    }
  }
}

std::string ReportBuilder::HeadHtml() {
  std::string html;
  // --- The page ---
  html = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>plumsim: ",
      Html(in_.scenario.name), "</title>\n<style>", kStyle, "</style></head>\n<body>\n<h1>",
      Html(in_.scenario.name), "</h1>\n<p class=\"meta\">", Html(in_.scenario.description),
      "</p>\n<p class=\"meta\">seed ", in_.scenario.seed, " &middot; ", in_.scenario.node_count,
      " nodes &middot; ", Html(in_.scenario.membership), " membership &middot; ",
      TransportName(in_.scenario.network.transport), " &middot; ",
      Html(FormatSimDuration(in_.scenario.duration)), " of virtual time",
      in_.result.complete ? "" : " (stopped early)", " &middot; plumsim ", kPlumsimVersion,
      " &middot; trace digest <code>", in_.result.digest_hex, "</code></p>\n");

  return html;
}

std::string ReportBuilder::SummaryHtml() {
  std::string html;
  // Summary: the figures of metrics.json "summary", each with its path.
  absl::StrAppend(&html,
                  "<h2 id=\"summary\">Summary</h2>\n<p class=\"note\">Settled messages "
                  "(sent at least ",
                  Html(FormatSimDuration(in_.scenario.settle)),
                  " before the end) of every handler; docs/metrics.md defines each figure.</p>\n"
                  "<table class=\"figures\">\n");
  absl::StrAppend(
      &html, FigureRow("summary.messages", "messages", sum_.messages, absl::StrCat(sum_.messages)),
      FigureRow("summary.reliability_min", "reliability, worst message", sum_.reliability_min,
                Num(sum_.reliability_min)),
      FigureRow("summary.rmr_mean", "RMR, mean", sum_.rmr_mean, Num(sum_.rmr_mean)),
      FigureRow("summary.rmr_max", "RMR, worst", sum_.rmr_max, Num(sum_.rmr_max)),
      FigureRow("summary.ldh_max", "LDH, worst (hops)", sum_.ldh_max, absl::StrCat(sum_.ldh_max)),
      FigureRow("summary.latency_ns_max", "latency, worst",
                static_cast<double>(sum_.latency_ns_max),
                absl::StrFormat("%.3f ms", sum_.latency_ns_max / 1e6)));
  absl::StrAppend(
      &html,
      FigureRow("summary.converged_at_ns", "strict convergence (every root)",
                sum_.converged_at ? std::optional<double>(sum_.converged_at->ns()) : std::nullopt,
                TimeText(sum_.converged_at)),
      FigureRow("summary.payload_messages", "payload copies received", sum_.payload_messages,
                absl::StrCat(sum_.payload_messages)),
      FigureRow("summary.control_messages", "control messages received", sum_.control_messages,
                absl::StrCat(sum_.control_messages)),
      FigureRow("summary.redelivered", "re-deliveries", sum_.redelivered,
                absl::StrCat(sum_.redelivered)));
  for (const auto& [key, label, q] :
       {std::tuple<const char*, const char*, const ConvergenceQuantiles*>{
            "tree_stable", "tree-stable", &sum_.convergence.tree_stable},
        {"rmr_settled", "RMR-settled", &sum_.convergence.rmr_settled},
        {"strict", "strict", &sum_.convergence.strict}}) {
    const std::string p = absl::StrCat("summary.convergence.", key);
    absl::StrAppend(&html,
                    FigureRow(p + ".share", absl::StrCat("roots ", label), q->share(),
                              absl::StrCat(q->reached, " of ", q->roots, " (",
                                           absl::StrFormat("%.0f%%", q->share() * 100), ")")));
    for (const auto& [which, t] :
         {std::pair<const char*, SimTime>{"p50", q->p50}, {"p90", q->p90}, {"max", q->max}}) {
      absl::StrAppend(
          &html,
          FigureRow(absl::StrCat(p, ".", which, "_ns"), absl::StrCat(label, " time, ", which),
                    q->reached > 0 ? std::optional<double>(t.ns()) : std::nullopt,
                    q->reached > 0 ? TimeText(t) : "none reached"));
    }
  }
  absl::StrAppend(&html, "</table>\n");

  return html;
}

std::string ReportBuilder::ExpectationsHtml() {
  std::string html;
  // Expectations.
  absl::StrAppend(&html, "<h2 id=\"expectations\">Expectations</h2>\n");
  if (in_.verdicts.empty()) {
    absl::StrAppend(&html, "<p class=\"note\">The scenario has no [[expect]] entries.</p>\n");
  } else {
    absl::StrAppend(&html,
                    "<table><tr><th></th><th>line</th><th>expected</th><th>measured</th></tr>\n");
    for (const ExpectationResult& e : in_.verdicts) {
      absl::StrAppend(&html, "<tr><td class=\"", e.passed ? "ok\">ok" : "fail\">FAIL", "</td><td>",
                      e.line, "</td><td>", Html(e.description), "</td><td>", Html(e.measured),
                      "</td></tr>\n");
    }
    absl::StrAppend(&html, "</table>\n");
  }

  return html;
}

std::string ReportBuilder::OverTimeHtml() {
  std::string html;
  // Over time.
  std::string bins_note = absl::StrCat(
      "Each point is one bin of ", Num(series_.bin_s), " s of virtual time",
      series_.merged > 1 ? absl::StrCat(" (", series_.merged,
                                        " metrics windows merged to keep the "
                                        "plots under ",
                                        settings_.max_points, " points)")
                         : std::string(" (one metrics window)"),
      "; message figures are over the settled messages sent in the bin. Shaded: partitions "
      "(red), downed links (orange), churn (grey); dashed lines: crashes and leaves (red), "
      "restarts and joins (green).");
  absl::StrAppend(&html, "<h2 id=\"over-time\">Over time</h2>\n<p class=\"note\">", Html(bins_note),
                  "</p>\n");
  for (const auto& [name, caption] : std::vector<std::pair<std::string, std::string>>{
           {"reliability", "Reliability: the worst message sent in each bin."},
           {"rmr", "RMR: mean and worst over the messages sent in each bin."},
           {"ldh", "LDH: the largest hop count of a first delivery."},
           {"latency", "Latency p99 of a message's deliveries, worst message per bin."}}) {
    absl::StrAppend(&html, Figure(name, caption, draw_.Svg(name), draw_.Error(name)));
  }
  absl::StrAppend(&html, "<h2 id=\"traffic\">Control traffic</h2>\n",
                  Figure("traffic", "Messages received per bin, by type.", draw_.Svg("traffic"),
                         draw_.Error("traffic")),
                  Figure("eager_changes",
                         "Changes of eager sets: add_eager/add_lazy moves that changed one, "
                         "reset_peers, neighbors_down, crashes.",
                         draw_.Svg("eager_changes"), draw_.Error("eager_changes")));
  absl::StrAppend(
      &html, "<h2 id=\"convergence\">Convergence per root</h2>\n",
      Figure("convergence",
             absl::StrCat("The distribution over roots (", in_.scenario.convergence.stable_rounds,
                          " stable rounds, RMR epsilon ", Num(in_.scenario.convergence.rmr_epsilon),
                          "): the share of roots tree-stable, RMR-settled and "
                          "strictly converged by each time."),
             draw_.Svg("convergence"), draw_.Error("convergence")));
  if (sum_.convergence.obstacles.roots > 0) {
    std::vector<std::string> depths;
    for (size_t d = 1; d < sum_.convergence.obstacles.grafts_by_depth.size(); ++d) {
      if (sum_.convergence.obstacles.grafts_by_depth[d] > 0) {
        depths.push_back(absl::StrCat(d, ": ", sum_.convergence.obstacles.grafts_by_depth[d]));
      }
    }
    absl::StrAppend(&html, "<p>Not tree-stable: ", sum_.convergence.obstacles.roots, " roots; ",
                    sum_.convergence.obstacles.messages_with_grafts, " of their ",
                    sum_.convergence.obstacles.messages,
                    " messages were grafted (grafts by depth of the grafting node: ",
                    Html(depths.empty() ? "none" : absl::StrJoin(depths, ", ")), "); ",
                    Num(sum_.convergence.obstacles.eager_changes_per_message_late),
                    " eager-set changes per message in the second half of the run.</p>\n");
  }

  return html;
}

std::string ReportBuilder::RuntimeHtml() {
  std::string html;
  // Runtime model: mailboxes and connections.
  absl::StrAppend(&html,
                  "<h2 id=\"runtime\">Mailboxes and connections</h2>\n<table><tr><th>"
                  "process</th><th>inputs</th><th>waited</th><th>mailbox max</th><th>"
                  "mailbox p99</th><th>longest wait</th><th>blocked in calls</th></tr>\n");
  const ProcessStats& ps = in_.metrics.simulation().process_stats();
  for (int k = 0; k < kProcessKinds; ++k) {
    const ProcessKind kind = static_cast<ProcessKind>(k);
    absl::StrAppend(&html, "<tr><td>", ProcessKindName(kind), "</td><td>", ps.inputs(kind),
                    "</td><td>", ps.queued(kind), "</td><td>", ps.max_length(kind), "</td><td>",
                    ps.LengthQuantile(kind, 0.99), "</td><td>",
                    Html(FormatSimDuration(ps.max_wait(kind))), "</td><td>",
                    Html(FormatSimDuration(ps.blocked(kind))), "</td></tr>\n");
  }
  absl::StrAppend(&html, "<tr><td>connection servers</td><td>", ps.server_calls(),
                  "</td><td></td><td></td><td></td><td></td><td>",
                  Html(FormatSimDuration(ps.server_blocked())), "</td></tr>\n");
  absl::StrAppend(&html, "</table>\n");
  if (!in_.metrics.connection_closes().empty()) {
    absl::StrAppend(&html, Figure("connections", "TCP connections closed, by reason.",
                                  draw_.Svg("connections"), draw_.Error("connections")));
  } else {
    absl::StrAppend(
        &html, "<p class=\"note\">No connection closed",
        in_.scenario.network.transport == Transport::kTcp ? "." : " (datagram transport).",
        "</p>\n");
  }

  return html;
}

std::string ReportBuilder::TreesHtml() {
  std::string html;
  // Trees.
  absl::StrAppend(&html, "<h2 id=\"trees\">Trees at the end</h2>\n<p class=\"note\">",
                  drawn_.size(), " of ", in_.final_trees.size(),
                  " snapshot roots drawn (the first ", settings_.max_tree_pictures,
                  "; plumsim trees DIR draws them all). Radial: the root at the centre, each "
                  "ring one eager hop further; past ",
                  settings_.max_tree_nodes,
                  " live nodes, depth and fan-out histograms.</p>\n<div class=\"trees\">\n");
  for (const TreeShape* t : drawn_) {
    const std::string name = absl::StrCat("tree_n", t->root);
    absl::StrAppend(&html,
                    Figure(name,
                           absl::StrCat(NodeName(t->root), ": ", t->live_count, " live, depth ",
                                        t->depth, t->spanning ? ", spanning" : ", not spanning"),
                           draw_.Svg(name), draw_.Error(name)));
  }
  absl::StrAppend(&html, "</div>\n<h2 id=\"text\">The run's summary</h2>\n<pre>",
                  Html(in_.result.summary), "</pre>\n");
  return html;
}

}  // namespace

std::string MakeRunReport(const ReportInputs& in, const ReportSettings& settings) {
  return ReportBuilder(in, settings).Build();
}

}  // namespace plumsim
