#include "cli/validate_command.h"

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/exit_codes.h"
#include "cli/scenario_args.h"
#include "sim/run/runner.h"
#include "sim/validate/validate.h"

namespace plumsim {
namespace {

struct ValidateArgs {
  ScenarioArgs scenario;
  ValidateOptions options;
  std::vector<std::string> argv;  // as given, for the manifest
};

std::atomic<bool> g_stop{false};

void OnStop(int) {
  if (g_stop.exchange(true)) _exit(130);  // a second Ctrl-C: at once
}

int RunValidate(const ValidateArgs& args) {
  absl::StatusOr<Scenario> scenario = args.scenario.Load();
  if (!scenario.ok()) return Fail(scenario.status());
  ValidateOptions o = args.options;
  if (o.partisan_dir.empty() == o.recorded_dir.empty()) {
    return Fail(absl::InvalidArgumentError(
        "validate needs exactly one of --partisan DIR (a live real run) and --recorded DIR "
        "(an earlier validate folder's recordings)"));
  }
  o.on_progress = [](const std::string& line) {
    std::printf("%s\n", line.c_str()), fflush(stdout);
  };
  o.stop = [] { return g_stop.load(); };
  std::vector<std::string> words = {"plumsim", "validate"};
  for (const std::string& w : args.argv) words.push_back(ShellQuote(w));
  o.command = absl::StrJoin(words, " ");
  g_stop = false;
  signal(SIGINT, OnStop);
  signal(SIGTERM, OnStop);
  absl::StatusOr<ValidateResult> result = RunValidation(*scenario, o);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  if (!result.ok()) {
    if (absl::IsCancelled(result.status())) {
      std::printf("interrupted: nothing was written, every process started was stopped\n");
      return kExitIo;
    }
    return Fail(result.status());
  }
  std::printf("\none-hop latency measured: %lld samples, median %.3f ms\n\n%s",
              static_cast<long long>(result->one_hop_samples), result->one_hop_median_ms,
              result->table.c_str());
  for (const std::string& note : result->notes) std::printf("note: %s\n", note.c_str());
  std::printf("\n%s: wrote %s/validate.csv and validate.html\n",
              result->outside == 0 ? "every figure matches"
                                   : absl::StrCat(result->outside, " figure(s) outside").c_str(),
              o.out_dir.c_str());
  return result->outside == 0 ? kExitOk : kExitFailed;
}

}  // namespace

Command AddValidateCommand(CLI::App* app) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* c = app->add_subcommand(
      "validate",
      "Run a scenario on a real Partisan cluster on this machine (one Erlang VM per node, "
      "127.0.0.1 only) and put it beside the simulation over seeds (docs/validate.md)");
  args->scenario.AddTo(c, "SCENARIO");
  c->add_option("--partisan", args->options.partisan_dir,
                "A Partisan checkout: its _build/default/lib/*/ebin, or `rebar3 compile` there");
  c->add_option(
      "--recorded", args->options.recorded_dir,
      "Instead of a live run: compare an earlier validate folder's real recordings again");
  c->add_option("--out", args->options.out_dir, "The output folder (validate.csv, validate.html)")
      ->required();
  c->add_option("--seeds", args->options.seeds, "Simulated seeds (default 5)");
  c->add_option("--repeat", args->options.repeat, "Real runs (default 1)");
  c->add_flag("--overwrite", args->options.overwrite,
              "Replace an existing output folder that plumsim validate wrote");
  return Command{c, [c, args] {
                   // The command as given, for the manifest and report.
                   std::vector<std::string> given;
                   for (const CLI::Option* opt : c->get_options()) {
                     if (opt->count() == 0 || opt->get_name() == "--help") continue;
                     for (const std::string& v : opt->results()) {
                       if (opt->get_positional()) {
                         given.push_back(v);
                       } else {
                         given.push_back(opt->get_name());
                         if (opt->get_type_size() != 0) given.push_back(v);
                       }
                     }
                   }
                   args->argv = given;
                   return RunValidate(*args);
                 }};
}

}  // namespace plumsim
