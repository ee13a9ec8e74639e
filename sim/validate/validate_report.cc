#include "sim/validate/validate_report.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace plumsim {
namespace {

std::string Escape(const std::string& s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

std::string Value(const std::optional<double>& x) {
  return x ? absl::StrFormat("%.6g", *x) : std::string("&ndash;");
}

constexpr int kWidth = 640, kHeight = 320, kLeft = 56, kBottom = 40, kTop = 28, kRight = 16;

std::string Polyline(const std::vector<int64_t>& us, double max_ms, const char* style) {
  if (us.empty()) return "";
  std::vector<int64_t> v = us;
  std::sort(v.begin(), v.end());
  const double w = kWidth - kLeft - kRight, h = kHeight - kTop - kBottom;
  std::string points;
  // At most ~400 points: every k-th sample, and the last.
  const size_t step = std::max<size_t>(1, v.size() / 400);
  for (size_t i = 0; i < v.size(); i += step) {
    const double x = kLeft + w * std::min(1.0, static_cast<double>(v[i]) / 1000.0 / max_ms);
    const double y = kTop + h * (1.0 - static_cast<double>(i + 1) / static_cast<double>(v.size()));
    absl::StrAppendFormat(&points, "%.1f,%.1f ", x, y);
  }
  const double x = kLeft + w * std::min(1.0, static_cast<double>(v.back()) / 1000.0 / max_ms);
  absl::StrAppendFormat(&points, "%.1f,%.1f", x, static_cast<double>(kTop));
  return absl::StrCat("<polyline fill=\"none\" ", style, " points=\"", points, "\"/>\n");
}

}  // namespace

std::string CdfSvg(const std::vector<std::vector<int64_t>>& real_us,
                   const std::vector<std::vector<int64_t>>& sim_us, const std::string& title) {
  // The x range: the 99th percentile of everything, so one outlier does not
  // squash the rest.
  std::vector<int64_t> all;
  for (const auto* side : {&real_us, &sim_us}) {
    for (const auto& v : *side) all.insert(all.end(), v.begin(), v.end());
  }
  std::sort(all.begin(), all.end());
  double max_ms = 1;
  if (!all.empty()) {
    max_ms = std::max(0.1, static_cast<double>(all[(all.size() - 1) * 99 / 100]) / 1000.0 * 1.05);
  }
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<text x=\"%d\" y=\"16\">%s</text>\n",
      kWidth, kHeight, kLeft, Escape(title));
  const int x0 = kLeft, x1 = kWidth - kRight, y0 = kHeight - kBottom, y1 = kTop;
  absl::StrAppendFormat(&svg,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                        "stroke=\"#888\"/>\n",
                        x0, y1, x1 - x0, y0 - y1);
  for (int k = 0; k <= 4; ++k) {
    const double x = x0 + (x1 - x0) * k / 4.0;
    const double y = y0 - (y0 - y1) * k / 4.0;
    absl::StrAppendFormat(&svg, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%.3g</text>\n", x,
                          y0 + 16, max_ms * k / 4.0);
    absl::StrAppendFormat(&svg, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\">%.2f</text>\n",
                          x0 - 6, y + 4, k / 4.0);
  }
  absl::StrAppendFormat(&svg, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">ms</text>\n",
                        (x0 + x1) / 2, kHeight - 6);
  for (const auto& v : sim_us) {
    svg += Polyline(v, max_ms, "stroke=\"#7aa6d6\" stroke-width=\"1\"");
  }
  for (const auto& v : real_us) {
    svg += Polyline(v, max_ms, "stroke=\"#c0392b\" stroke-width=\"2.5\"");
  }
  absl::StrAppendFormat(&svg,
                        "<text x=\"%d\" y=\"%d\" fill=\"#c0392b\">real cluster</text>\n"
                        "<text x=\"%d\" y=\"%d\" fill=\"#3b73b0\">simulation (one line per seed)"
                        "</text>\n</svg>\n",
                        x0 + 10, y1 + 18, x0 + 10, y1 + 34);
  return svg;
}

std::string ValidateHtml(const ValidateReportInputs& in) {
  int outside = 0;
  for (const auto& f : in.figures) outside += f.verdict == "outside";
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>plumsim validate: ",
      Escape(in.scenario_name),
      "</title>\n<style>body{font-family:sans-serif;max-width:980px;margin:2em auto}"
      "table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd;"
      "text-align:right}td:first-child,th:first-child{text-align:left}"
      ".match{color:#1e7b34}.outside{color:#b00020;font-weight:bold}.info,.na{color:#777}"
      "</style></head><body>\n<h1>",
      Escape(in.scenario_name), ": real Partisan beside plumsim</h1>\n<p>", Escape(in.partisan),
      "; ", in.repeats, " real run(s), ", in.seeds, " simulated seed(s). <b>",
      outside == 0 ? "Every figure matches."
                   : absl::StrCat(outside, " figure(s) outside the simulated range."),
      "</b></p>\n<p><code>", Escape(in.command), "</code></p>\n");
  for (const std::string& note : in.notes) absl::StrAppend(&html, "<p>", Escape(note), "</p>\n");
  html += CdfSvg(in.real_latencies_us, in.sim_latencies_us,
                 absl::StrCat("first-delivery latency of ", in.latency_handler,
                              " messages: share of deliveries within x"));
  html += CdfSvg({in.one_hop_us}, {},
                 absl::StrCat("one-hop latency measured on the real cluster (",
                              in.one_hop_us.size(), " samples): the simulation's latency"));
  html +=
      "<h2>Figures</h2>\n<table><tr><th>figure</th><th>real</th><th>simulated min</th>"
      "<th>mean</th><th>max</th><th>tolerance</th><th>verdict</th></tr>\n";
  for (const ComparedFigure& f : in.figures) {
    std::string real = Value(f.RealMin());
    if (f.RealMax() != f.RealMin()) real = absl::StrCat(real, " .. ", Value(f.RealMax()));
    const std::string css = f.verdict == "n/a" ? "na" : f.verdict;
    absl::StrAppend(&html, "<tr><td>", Escape(f.name), "</td><td>", real, "</td><td>",
                    Value(f.SimMin()), "</td><td>", Value(f.SimMean()), "</td><td>",
                    Value(f.SimMax()), "</td><td>", absl::StrFormat("%.4g", f.tolerance),
                    "</td><td class=\"", css, "\">", f.verdict, "</td></tr>\n");
  }
  html +=
      "</table>\n<p>docs/validate.md defines each figure, its tolerance, and what a real "
      "run on one machine cannot show.</p>\n</body></html>\n";
  return html;
}

}  // namespace plumsim
