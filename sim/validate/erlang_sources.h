// The project's own Erlang modules for real cluster runs (sim/validate/erlang/:
// the controller, the per-node recorder, the application handler), built
// into the binary so that `plumsim validate` can write them out and compile
// them with the user's erlc wherever it runs.
#ifndef PLUMSIM_SIM_VALIDATE_ERLANG_SOURCES_H_
#define PLUMSIM_SIM_VALIDATE_ERLANG_SOURCES_H_

#include <string>
#include <vector>

namespace plumsim {

struct ErlangSource {
  const char* file_name;  // "plumsim_recorder.erl"
  const char* text;
};

const std::vector<ErlangSource>& ErlangSources();

}  // namespace plumsim

#endif  // PLUMSIM_SIM_VALIDATE_ERLANG_SOURCES_H_
