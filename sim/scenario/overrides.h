// Values set from the command line (--set, --seed, --duration) and how they
// are applied to a parsed scenario document before it is read, so that a
// bad value is reported like one in the file, named by its argument.
#ifndef PLUMSIM_SIM_SCENARIO_OVERRIDES_H_
#define PLUMSIM_SIM_SCENARIO_OVERRIDES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sim/scenario/reader.h"
#include "toml++/toml.h"

namespace plumsim {

// One value set from the command line: `path` = `value` (TOML text, or a
// plain string if it is not TOML). `argument` names it in error messages.
struct Override {
  std::string argument;  // e.g. "--set nodes.count=64", "--seed"
  std::string path;      // dotted; numbers index arrays: events.0.at
  std::string value;
  // From "dotted.path=value" (--set); an argument without '=' keeps an empty
  // path and is refused at load.
  static Override FromSet(const std::string& assignment);
};

// The overrides of `plumsim run`'s and `check`'s flags, in the order they
// apply (a later one wins): every --set in order, then --seed, then
// --duration (a duration string: "10s" becomes "\"10s\""). An empty `seed`
// or `duration` was not given. A bad value is reported when the scenario is
// loaded, named by its argument.
std::vector<Override> CommandLineOverrides(const std::vector<std::string>& sets,
                                           const std::string& seed, const std::string& duration);
// "--seed N" as `plumsim run` and `check` take it: digits only, at most
// 2^63-1 (OK if empty: not given). Checked before loading, with its own
// message, since a TOML value such as 0x10 or 1_000 would pass the loader.
absl::Status CheckSeedArgument(const std::string& seed);

// Each --set string ("dotted.path=value") as an Override.
std::vector<Override> OverridesFromSets(const std::vector<std::string>& sets);

// Applies `overrides` in order to a parsed document, marking what each one
// set as coming from its argument. The value is read as TOML ("32",
// "\"10s\"", "true", "[...]", "{...}"); if it is not valid TOML it is taken
// as a plain string, so --set name=foo works. Path segments that are
// numbers index arrays: events.0.at. Errors (a path through a value that is
// no table or array, an index out of range) are recorded in `reader`.
void ApplyOverrides(const std::vector<Override>& overrides, toml::table* root,
                    ScenarioReader* reader);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_SCENARIO_OVERRIDES_H_
