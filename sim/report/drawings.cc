#include "sim/report/drawings.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"

namespace plumsim {
namespace fs = std::filesystem;

namespace {

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

absl::Status CheckDrawingPrograms(const DrawingPrograms& programs, bool graphs, bool plots) {
  if (graphs && (!FindProgram(programs.twopi) || !FindProgram(programs.neato))) {
    return absl::FailedPreconditionError(
        absl::StrCat("Graphviz's ", programs.twopi, " and ", programs.neato,
                     " are needed and not both found on PATH (tools/setup installs graphviz)"));
  }
  if (plots && !FindProgram(programs.gnuplot)) {
    return absl::FailedPreconditionError(absl::StrCat(
        programs.gnuplot, " is needed and not found on PATH (tools/setup installs gnuplot-nox)"));
  }
  return absl::OkStatus();
}

Drawings::Drawings(fs::path dir, Options options, bool temporary)
    : dir_(std::move(dir)), options_(std::move(options)), temporary_(temporary) {}

Drawings::Drawings(fs::path dir, Options options) : Drawings(std::move(dir), options, false) {}

Drawings Drawings::Temporary(Options options) {
  std::string pattern = (fs::temp_directory_path() / "plumsim-drawings-XXXXXX").string();
  fs::path dir = mkdtemp(pattern.data()) != nullptr ? fs::path(pattern) : fs::path();
  return Drawings(std::move(dir), std::move(options), true);
}

Drawings::Drawings(Drawings&& other) noexcept
    : dir_(std::exchange(other.dir_, fs::path())),
      options_(std::move(other.options_)),
      temporary_(other.temporary_),
      written_(std::exchange(other.written_, {})),
      queued_(std::move(other.queued_)),
      order_(std::move(other.order_)),
      rings_(std::move(other.rings_)),
      errors_(std::move(other.errors_)) {}

Drawings::~Drawings() {
  std::error_code ec;
  for (const fs::path& f : written_) fs::remove(f, ec);
  if (temporary_ && !dir_.empty()) fs::remove(dir_, ec);  // only if empty: ours
}

fs::path Drawings::PathOf(const std::string& name, const char* suffix) const {
  return dir_ / (name + suffix);
}

void Drawings::Write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

void Drawings::Plot(const std::string& name, const std::string& script) {
  order_.push_back(name);
  if (dir_.empty()) {
    errors_[name] = "no temporary folder";
    return;
  }
  const fs::path source = PathOf(name, ".gp"), log = PathOf(name, ".log");
  Write(source, script);
  written_.push_back(log);
  if (temporary_) {
    for (const char* s : {".gp", ".svg", ".png"}) written_.push_back(PathOf(name, s));
  }
  queued_.push_back({name, ChildCommand{{options_.programs.gnuplot, "-e",
                                         absl::StrCat("cd '", dir_.string(), "'"), source.string()},
                                        log.string()}});
}

void Drawings::RadialTree(const std::string& name, const std::string& dot,
                          std::function<std::string(const std::string&)> rings) {
  order_.push_back(name);
  if (dir_.empty()) {
    errors_[name] = "no temporary folder";
    return;
  }
  const fs::path source = PathOf(name, ".dot"), layout = PathOf(name, ".layout.dot");
  const fs::path log = PathOf(name, ".log");
  Write(source, dot);
  written_.push_back(layout);
  written_.push_back(log);
  if (temporary_) {
    for (const char* s : {".dot", ".svg", ".png"}) written_.push_back(PathOf(name, s));
  }
  queued_.push_back({name, ChildCommand{{options_.programs.twopi, "-Tdot", "-o", layout.string(),
                                         source.string()},
                                        log.string()}});
  rings_[name] = std::move(rings);
}

void Drawings::RunSteps(const std::vector<Step>& steps, const std::function<void()>& on_step,
                        bool stop) {
  if (steps.empty()) return;
  std::vector<ChildCommand> commands;
  for (const Step& s : steps) commands.push_back(s.command);
  bool failed = false;
  RunChildren(
      commands, std::max(1, options_.jobs),
      [&](size_t i, const ChildOutcome& o) {
        if (!o.error.empty() || o.exit_code != 0) {
          failed = true;
          const std::string log = ReadText(commands[i].log_path);
          errors_[steps[i].name] = absl::StrCat(
              fs::path(commands[i].argv[0]).filename().string(), " failed on ", steps[i].name,
              o.error.empty() ? "" : ": " + o.error, log.empty() ? "" : ": " + log.substr(0, 300));
        }
        if (on_step) on_step();
      },
      [] {}, [&] { return stop && failed; });
  std::error_code ec;
  for (const ChildCommand& c : commands) fs::remove(c.log_path, ec);  // our own logs
}

std::vector<Drawings::Step> Drawings::DrawLaidOutTrees() {
  std::vector<Step> steps;
  for (const auto& [name, rings] : rings_) {
    if (errors_.contains(name)) continue;
    const fs::path source = PathOf(name, ".dot");
    const fs::path layout = PathOf(name, ".layout.dot");
    Write(source, rings(ReadText(layout)));
    std::error_code ec;
    fs::remove(layout, ec);  // twopi's output, which Drawings named
    std::vector<std::string> argv = {options_.programs.neato, "-n2", "-Tsvg", "-o",
                                     PathOf(name, ".svg").string()};
    if (options_.png) {
      for (const std::string& a :
           {std::string("-Tpng"), std::string("-o"), PathOf(name, ".png").string()}) {
        argv.push_back(a);
      }
    }
    argv.push_back(source.string());
    steps.push_back({name, ChildCommand{std::move(argv), PathOf(name, ".log").string()}});
  }
  return steps;
}

void Drawings::Run(const std::function<void()>& on_step, bool stop_at_first_failure) {
  RunSteps(queued_, on_step, stop_at_first_failure);
  queued_.clear();
  if (stop_at_first_failure && !errors_.empty()) return;
  RunSteps(DrawLaidOutTrees(), on_step, stop_at_first_failure);
  rings_.clear();
}

std::string Drawings::Svg(const std::string& name) const {
  if (errors_.contains(name)) return "";
  const std::string svg = ReadText(PathOf(name, ".svg"));
  const size_t start = svg.find("<svg");
  return start == std::string::npos ? std::string() : svg.substr(start);
}

std::string Drawings::Error(const std::string& name) const {
  auto it = errors_.find(name);
  return it == errors_.end() ? "" : it->second;
}

std::string Drawings::FirstError() const {
  for (const std::string& name : order_) {
    if (auto it = errors_.find(name); it != errors_.end()) return it->second;
  }
  return "";
}

}  // namespace plumsim
