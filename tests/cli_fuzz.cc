// cli_fuzz: mutates scenario files and runs the real `plumsim run --out` on
// each mutant, as a hostile user would. A structured mutator of our own
// (values swapped for boundary values, lines deleted, duplicated, swapped or
// spliced from other files, bytes flipped, files truncated, --set flags
// added), drawn from plumsim's deterministic RandomStream: the same --seed
// gives the same mutants.
//
// Every run must end with exit code 0, 1, 2 or 3 (never a signal), leave no
// staging folder or lock beside its --out, leave no --out folder after exit
// 2 or 3, and a whole one (manifest.json) after 0 or 1. The bound on time: a
// run still going after --timeout seconds gets SIGTERM and must stop at an
// event boundary (exit 1, "complete": false) within --grace seconds; one that
// does not is a hang.
//
//   bazel build //tests:cli_fuzz //tools:plumsim
//   bazel-bin/tests/cli_fuzz --plumsim $PWD/bazel-bin/cli/plumsim
//       --seeds $PWD/scenarios --count 10000 --work /tmp/cli_fuzz --keep /tmp/findings
// (one command line; mutants come only from seeds of at most 100 nodes)
//
// Prints one line per finding and a summary; exits 1 if there were findings.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sim/kernel/random.h"

extern char** environ;

namespace plumsim {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::string plumsim, seeds, work, keep;
  int64_t count = 1000;
  uint64_t seed = 1;
  double timeout_s = 20, grace_s = 40;
};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const char* const kNumbers[] = {"0",
                                "-1",
                                "1",
                                "2",
                                "3",
                                "64",
                                "1000",
                                "10000000",
                                "10000001",
                                "9223372036854775807",
                                "-9223372036854775808",
                                "1e308",
                                "nan",
                                "inf",
                                "0.5",
                                "1.5",
                                "-0.0",
                                "0.001",
                                "18446744073709551616"};
const char* const kStrings[] = {"\"3000000h\"",
                                "\"2562048h\"",
                                "\"100000h\"",
                                "\"0s\"",
                                "\"1ns\"",
                                "\"1ms\"",
                                "\"all\"",
                                "\"n0..n9999999\"",
                                "\"\"",
                                "\"n-1\"",
                                "\"n0, n0\"",
                                "\"n5..n1\"",
                                "\"x\"",
                                "\"-5s\"",
                                "\"1e400s\"",
                                "\"hyparview\"",
                                "\"full\"",
                                "\"crash\"",
                                "\"restart\"",
                                "\"join\"",
                                "{ kind = \"pareto\", scale = \"1s\", alpha = 0.001 }",
                                "{ kind = \"lognormal\", median = \"1s\", sigma = 10 }",
                                "[]",
                                "[\"n0\"]",
                                "{}",
                                "true"};

class Mutator {
 public:
  Mutator(const std::vector<std::string>& seeds, uint64_t seed)
      : seeds_(seeds), rng_(seed, StreamDomain::kTest, 11) {}

  // A mutant and the --set flags to run it with.
  std::pair<std::string, std::vector<std::string>> Next() {
    std::vector<std::string> lines = absl::StrSplit(seeds_[Pick(seeds_.size())], '\n');
    const int mutations = 1 + static_cast<int>(Pick(4));
    for (int i = 0; i < mutations && !lines.empty(); ++i) Mutate(&lines);
    std::vector<std::string> sets;
    if (rng_.Bernoulli(0.2)) {
      sets.push_back(absl::StrCat(
          Pick(2) ? "nodes.count=" : "duration=",
          Pick(2) ? kNumbers[Pick(std::size(kNumbers))] : kStrings[Pick(std::size(kStrings))]));
    }
    return {absl::StrJoin(lines, "\n"), sets};
  }

 private:
  size_t Pick(size_t n) { return static_cast<size_t>(rng_.UniformInt(n)); }

  void Mutate(std::vector<std::string>* lines) {
    std::string& line = (*lines)[Pick(lines->size())];
    switch (Pick(8)) {
      case 0:
      case 1: {  // a value for a boundary value
        const size_t eq = line.find(" = ");
        if (eq == std::string::npos) break;
        line = absl::StrCat(line.substr(0, eq + 3), Pick(2) ? kNumbers[Pick(std::size(kNumbers))]
                                                            : kStrings[Pick(std::size(kStrings))]);
        break;
      }
      case 2:
        lines->erase(lines->begin() + static_cast<long>(Pick(lines->size())));
        break;
      case 3: {
        const std::string copy = line;
        lines->insert(lines->begin() + static_cast<long>(Pick(lines->size())), copy);
        break;
      }
      case 4:
        std::swap(line, (*lines)[Pick(lines->size())]);
        break;
      case 5: {  // splice a few lines of another file
        std::vector<std::string> other = absl::StrSplit(seeds_[Pick(seeds_.size())], '\n');
        const size_t from = Pick(other.size()), n = 1 + Pick(6);
        for (size_t i = from; i < other.size() && i < from + n; ++i) {
          lines->insert(lines->begin() + static_cast<long>(Pick(lines->size())), other[i]);
        }
        break;
      }
      case 6:
        if (!line.empty()) line[Pick(line.size())] = static_cast<char>(Pick(256));
        break;
      default:
        lines->resize(Pick(lines->size()) + 1);
        break;
    }
  }

  const std::vector<std::string>& seeds_;
  RandomStream rng_;
};

struct Outcome {
  int exit_code = -1;  // -1: signalled
  int signal = 0;
  bool terminated = false;  // we sent SIGTERM at the time bound
  bool hung = false;        // and it did not stop within the grace period
  double seconds = 0;
};

Outcome RunOne(const std::vector<std::string>& args, const fs::path& log, const Options& o) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid;
  const auto start = std::chrono::steady_clock::now();
  Outcome out;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    std::fprintf(stderr, "cli_fuzz: cannot start %s\n", argv[0]);
    std::exit(2);
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  for (;;) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r == pid) {
      out.seconds = elapsed;
      break;
    }
    if (!out.terminated && elapsed > o.timeout_s) {
      kill(pid, SIGTERM);
      out.terminated = true;
    } else if (out.terminated && elapsed > o.timeout_s + o.grace_s) {
      kill(pid, SIGKILL);
      out.hung = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status)) {
    out.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
  }
  return out;
}

// What is wrong with an outcome, or "".
std::string Judge(const Outcome& r, const fs::path& out_dir) {
  if (r.hung) return "hang: did not stop within the grace period after SIGTERM";
  if (r.exit_code < 0) return absl::StrCat("crash: killed by signal ", r.signal);
  if (r.exit_code > 3) return absl::StrCat("exit code ", r.exit_code);
  std::error_code ec;
  for (const fs::path& dir : {out_dir.parent_path(), out_dir.parent_path().parent_path()}) {
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.path().filename().string().find(".plumsim-") != std::string::npos) {
        return absl::StrCat("left behind ", e.path().string());
      }
    }
  }
  if ((r.exit_code == 2 || r.exit_code == 3) && fs::exists(out_dir.parent_path())) {
    return "a parent folder created for a run that wrote nothing";
  }
  const bool exists = fs::exists(out_dir);
  if ((r.exit_code == 2 || r.exit_code == 3) && exists) return "an output folder after exit 2/3";
  if (r.exit_code <= 1 && !fs::exists(out_dir / "manifest.json"))
    return "no manifest after exit 0/1";
  if (r.terminated && r.exit_code == 1 &&
      ReadAll(out_dir / "manifest.json").find("\"complete\": false") == std::string::npos) {
    return "stopped by SIGTERM but the manifest does not say complete=false";
  }
  return "";
}

int Main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--plumsim")
      o.plumsim = value;
    else if (flag == "--seeds")
      o.seeds = value;
    else if (flag == "--work")
      o.work = value;
    else if (flag == "--keep")
      o.keep = value;
    else if (flag == "--count")
      (void)absl::SimpleAtoi(value, &o.count);
    else if (flag == "--seed")
      (void)absl::SimpleAtoi(value, &o.seed);
    else if (flag == "--timeout")
      (void)absl::SimpleAtod(value, &o.timeout_s);
    else if (flag == "--grace")
      (void)absl::SimpleAtod(value, &o.grace_s);
    else {
      std::fprintf(stderr, "cli_fuzz: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (o.plumsim.empty() || o.seeds.empty() || o.work.empty()) {
    std::fprintf(stderr,
                 "usage: cli_fuzz --plumsim BIN --seeds DIR --work DIR [--keep DIR] "
                 "[--count N] [--seed S] [--timeout S] [--grace S]\n");
    return 2;
  }
  std::vector<std::string> seeds;
  // Seeds of at most 100 nodes: a mutant of a 10,000-node scenario is a
  // legitimately long run, and spends the campaign's time on one input.
  for (const auto& e : fs::directory_iterator(o.seeds)) {
    if (e.path().extension() != ".toml") continue;
    const std::string text = ReadAll(e.path());
    if (text.find("\n[study]") != std::string::npos) continue;  // study files are no scenarios
    int64_t count = 0;
    const size_t at = text.find("\ncount = ");
    if (at != std::string::npos)
      (void)absl::SimpleAtoi(text.substr(at + 9, text.find('\n', at + 1) - at - 9), &count);
    if (count <= 100) seeds.push_back(text);
  }
  if (seeds.empty()) return 2;
  fs::create_directories(o.work);
  if (!o.keep.empty()) fs::create_directories(o.keep);
  Mutator mutator(seeds, o.seed);
  std::map<std::string, int64_t> outcomes;
  int64_t findings = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < o.count; ++i) {
    auto [text, sets] = mutator.Next();
    const fs::path file = fs::path(o.work) / "mutant.toml";
    std::ofstream(file, std::ios::binary) << text;
    const fs::path out_dir = fs::path(o.work) / "out" / "run";
    fs::remove_all(fs::path(o.work) / "out");
    std::vector<std::string> args = {
        o.plumsim,      "run",   file.string(),
        "--quiet",      "--out", (i % 3 == 0 ? out_dir.string() + "/" : out_dir.string()),
        "--max-memory", "2G"};
    if (i % 4 == 0) args.push_back("--trace");
    for (const std::string& s : sets) {
      args.push_back("--set");
      args.push_back(s);
    }
    const Outcome r = RunOne(args, fs::path(o.work) / "log.txt", o);
    ++outcomes[r.terminated ? "stopped by SIGTERM" : absl::StrCat("exit ", r.exit_code)];
    const std::string problem = Judge(r, out_dir);
    if (problem.empty()) continue;
    ++findings;
    std::printf("finding %lld (mutant %lld): %s\n  %s\n", static_cast<long long>(findings),
                static_cast<long long>(i), problem.c_str(), absl::StrJoin(args, " ").c_str());
    if (!o.keep.empty()) {
      const fs::path base = fs::path(o.keep) / absl::StrCat("finding-", o.seed, "-", i);
      std::ofstream(base.string() + ".toml", std::ios::binary) << text;
      std::ofstream(base.string() + ".txt") << problem << "\n"
                                            << absl::StrJoin(args, " ") << "\n"
                                            << ReadAll(fs::path(o.work) / "log.txt");
    }
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<std::string> parts;
  for (const auto& [k, v] : outcomes) parts.push_back(absl::StrCat(k, ": ", v));
  std::printf("cli_fuzz: %lld mutants in %.0f s (%.1f/s); %s; %lld findings\n",
              static_cast<long long>(o.count), wall, static_cast<double>(o.count) / wall,
              absl::StrJoin(parts, ", ").c_str(), static_cast<long long>(findings));
  fs::remove_all(fs::path(o.work) / "out");
  return findings == 0 ? 0 : 1;
}

}  // namespace
}  // namespace plumsim

int main(int argc, char** argv) { return plumsim::Main(argc, argv); }
