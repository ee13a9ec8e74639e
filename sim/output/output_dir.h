// The --out folder of a run, written safely: plumsim never deletes or
// overwrites anything it did not write.
//
//   - The path is normalised first (absolute, `..` and `.` folded, symlinks
//     resolved, trailing slashes dropped).
//   - Refused: the current folder or any of its parents, the root, the home
//     folder (or a parent of it), a folder that contains the scenario file,
//     an existing file, and a non-empty folder unless --overwrite and every
//     entry in it is one plumsim writes and its manifest.json is plumsim's.
//   - Outputs go to a hidden staging folder beside the target (same parent),
//     which is swapped into place when complete (renameat2 RENAME_EXCHANGE),
//     so the old output survives any failure; the staging folder is removed
//     on every exit path that unwinds (errors, Ctrl-C, SIGTERM, bad_alloc).
//   - A lock file beside the target makes a second run writing the same
//     folder at once fail cleanly instead of racing the first.
//   - Missing parent folders are created (mkdir -p); the ones created are
//     removed again if the run writes nothing.
//
// Errors: InvalidArgument (refused input, exit 2), Unavailable (another run
// holds the folder, exit 3), any other code is an I/O error (exit 3) naming
// the path and the OS error.
//
//   absl::StatusOr<OutputDir> dir = OutputDir::Open("out/run1", /*overwrite=*/false,
//                                                   "scenarios/quickstart.toml");
//   if (!dir.ok()) return dir.status();
//   if (absl::Status st = dir->WriteFile("metrics.json", json); !st.ok()) return st;
//   return dir->Commit();  // out/run1 now holds the whole run; before: as it was
#ifndef PLUMSIM_SIM_OUTPUT_OUTPUT_DIR_H_
#define PLUMSIM_SIM_OUTPUT_OUTPUT_DIR_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace plumsim {

// The names a run folder may hold: what plumsim writes. --overwrite refuses a
// folder holding anything else.
bool IsPlumsimOutputEntry(absl::string_view name);

// What a folder OutputDir writes holds, which decides what it may replace:
//   kRun: a run's folder (--out of run, replay): the entries above, with
//     trees/ holding only snapshot files (.json, .dot, .svg, .png) and
//     pictures/ being a kPictures folder; its manifest.json has "digest".
//   kPictures: `plumsim trees` pictures: .svg, .png, .dot, .gp files and a
//     manifest.json with "pictures_of".
//   kValidate: `plumsim validate`: manifest.json with "validate_of",
//     scenario.toml, sim_scenario.toml, validate.csv, validate.html, and
//     real/ (or real-2/, ... with --repeat) holding only the real run's
//     files (.events, .meta, .config, .log; erlang/ .erl, ebin/ .beam).
enum class OutputKind { kRun, kPictures, kValidate };

// Normalises `path` as described above (relative to the current folder).
std::filesystem::path NormaliseOutputPath(const std::string& path);

// Where a folder may be written at all: not the root, the current folder or
// a parent of it, the home folder or a parent of it, nor a folder holding
// `scenario_path` (may be empty). Nothing is created.
absl::Status CheckOutputLocation(const std::string& path, const std::string& scenario_path);

// Validation only (nothing is created): the checks above. `scenario_path`
// may be empty.
absl::Status CheckOutputTarget(const std::string& path, bool overwrite,
                               const std::string& scenario_path,
                               OutputKind kind = OutputKind::kRun);

class OutputDir {
 public:
  // Validates, creates missing parents, takes the lock and creates the
  // staging folder.
  static absl::StatusOr<OutputDir> Open(const std::string& path, bool overwrite,
                                        const std::string& scenario_path,
                                        OutputKind kind = OutputKind::kRun);

  OutputDir(OutputDir&&) noexcept = default;
  OutputDir& operator=(OutputDir&&) = delete;
  OutputDir(const OutputDir&) = delete;
  ~OutputDir();  // not committed: removes the staging folder, releases the lock

  const std::filesystem::path& target() const { return state_->target; }
  const std::filesystem::path& staging() const { return state_->staging; }

  // Writes `text` to staging()/relative, creating subfolders.
  absl::Status WriteFile(const std::string& relative, absl::string_view text) const;

  // Moves the staging folder into place atomically; an existing target (one
  // plumsim wrote, checked again now) is swapped out and then removed.
  absl::Status Commit();

  // For fatal paths that cannot unwind (out of memory: the new_handler of
  // cli/plumsim.cc): what Abandon() does, for every OutputDir still open.
  static void CleanUpAfterFatalError();

  // Everything an open OutputDir made, and so may remove: a staging folder
  // it created (mkdtemp), the lock file it holds, the parents it created.
  // Kept on the heap so that a registry can reach it for fatal errors.
  struct State {
    std::filesystem::path target;
    std::filesystem::path staging;  // empty once committed or removed
    std::filesystem::path lock;     // empty when no lock is held
    int lock_fd = -1;
    std::vector<std::filesystem::path> created_parents;  // shallowest first
    bool committed = false;
    OutputKind kind = OutputKind::kRun;
  };

 private:
  OutputDir();
  static void Abandon(State* state);
  static void ReleaseLock(State* state);

  std::unique_ptr<State> state_;
};

}  // namespace plumsim

#endif  // PLUMSIM_SIM_OUTPUT_OUTPUT_DIR_H_
