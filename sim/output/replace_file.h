// Replacing a file plumsim wrote earlier (study.csv, explore's tables), and
// nothing else: the file is recognised by the start of its first line.
//
//   // Writes DIR/study.csv unless a file there does not start "run,point,".
//   absl::Status st = ReplaceOwnFile(dir, "study.csv", csv, "run,point,");
#ifndef PLUMSIM_SIM_OUTPUT_REPLACE_FILE_H_
#define PLUMSIM_SIM_OUTPUT_REPLACE_FILE_H_

#include <string>

#include "absl/status/status.h"

namespace plumsim {

// Writes DIR/relative through a temporary file and a rename, so a reader
// sees the old file or the new one; creates its missing folders. Refuses
// (InvalidArgument) a symlink, a folder, or a file whose text does not start
// with `header_prefix` (then plumsim did not write it); an empty prefix
// replaces nothing that exists.
absl::Status ReplaceOwnFile(const std::string& dir, const std::string& relative,
                            const std::string& text, const std::string& header_prefix);

}  // namespace plumsim

#endif  // PLUMSIM_SIM_OUTPUT_REPLACE_FILE_H_
