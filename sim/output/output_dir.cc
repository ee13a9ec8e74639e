#include "sim/output/output_dir.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/files.h"
#include "sim/output/manifest.h"

namespace plumsim {
namespace fs = std::filesystem;

namespace {

// What a run folder holds (runner.cc writes exactly these).
constexpr absl::string_view kOutputEntries[] = {
    "manifest.json", "scenario.toml",   "metrics.json", "messages.csv", "timeseries.csv",
    "trace.jsonl",   "trace.jsonl.zst", "trees",        "pictures",     "report.html"};

// True when `a` is `b` or one of its parents (both normalised and absolute).
bool IsSameOrAncestor(const fs::path& a, const fs::path& b) {
  auto ai = a.begin(), bi = b.begin();
  for (; ai != a.end(); ++ai, ++bi) {
    if (ai->empty()) continue;  // a trailing "" component
    if (bi == b.end() || *ai != *bi) return false;
  }
  return true;
}

fs::path CanonicalOrEmpty(const char* path) {
  if (path == nullptr || *path == '\0') return {};
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? fs::path() : p;
}

bool IsRegularFile(const fs::directory_entry& e) {
  std::error_code ec;
  return fs::is_regular_file(e.symlink_status(ec));
}

bool HasSuffix(absl::string_view name, std::initializer_list<absl::string_view> suffixes) {
  for (absl::string_view s : suffixes) {
    if (absl::EndsWith(name, s)) return true;
  }
  return false;
}

std::string NotOurs(const fs::path& dir, OutputKind kind);

// A validate folder's real/ (real-2/, ...): the real run's files only.
std::string ForeignRealRunEntry(const fs::directory_entry& e, const std::string& prefix) {
  const std::string name = prefix + e.path().filename().string();
  std::error_code ec;
  if (IsRegularFile(e)) {
    return HasSuffix(name, {".events", ".meta", ".config", ".log", ".erl", ".beam"}) ? "" : name;
  }
  const std::string leaf = e.path().filename().string();
  if (!fs::is_directory(e.symlink_status(ec)) || (leaf != "erlang" && leaf != "ebin") ||
      absl::StrContains(prefix, "/erlang/") || absl::StrContains(prefix, "/ebin/")) {
    return name;
  }
  for (const fs::directory_entry& x : fs::directory_iterator(e.path(), ec)) {
    if (std::string why = ForeignRealRunEntry(x, name + "/"); !why.empty()) return why;
  }
  return ec ? name : "";
}

std::string ForeignValidateEntry(const fs::directory_entry& e) {
  const std::string name = e.path().filename().string();
  for (const char* ours :
       {"manifest.json", "scenario.toml", "sim_scenario.toml", "validate.csv", "validate.html"}) {
    if (name == ours) return IsRegularFile(e) ? "" : name;
  }
  std::error_code ec;
  int repeat = 0;
  const bool real = name == "real" ||
                    (absl::StartsWith(name, "real-") && absl::SimpleAtoi(name.substr(5), &repeat));
  if (!real || !fs::is_directory(e.symlink_status(ec))) return name;
  for (const fs::directory_entry& x : fs::directory_iterator(e.path(), ec)) {
    if (std::string why = ForeignRealRunEntry(x, name + "/"); !why.empty()) return why;
  }
  return ec ? name : "";
}

// Why `e`, an entry of a folder of `kind`, is not one plumsim writes there
// ("" if it is).
std::string ForeignEntry(const fs::directory_entry& e, OutputKind kind) {
  const std::string name = e.path().filename().string();
  std::error_code ec;
  if (kind == OutputKind::kValidate) return ForeignValidateEntry(e);
  if (kind == OutputKind::kPictures) {
    if (IsRegularFile(e) &&
        (name == "manifest.json" || HasSuffix(name, {".svg", ".png", ".dot", ".gp"}))) {
      return "";
    }
    return name;
  }
  if (!IsPlumsimOutputEntry(name)) return name;
  if (name == "trees") {
    if (!fs::is_directory(e.symlink_status(ec))) return name;
    for (const fs::directory_entry& t : fs::directory_iterator(e.path(), ec)) {
      if (!IsRegularFile(t) ||
          !HasSuffix(t.path().filename().string(), {".json", ".dot", ".svg", ".png"})) {
        return absl::StrCat("trees/", t.path().filename().string());
      }
    }
    if (ec) return name;
    return "";
  }
  if (name == "pictures") {
    if (!fs::is_directory(e.symlink_status(ec))) return name;
    if (const std::string why = NotOurs(e.path(), OutputKind::kPictures); !why.empty()) {
      return absl::StrCat("pictures/ (", why, ")");
    }
    return "";
  }
  return IsRegularFile(e) ? "" : name;
}

// Why a folder is not one plumsim wrote, or "" if it is.
std::string NotOurs(const fs::path& dir, OutputKind kind) {
  std::error_code ec;
  std::vector<std::string> foreign;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (std::string why = ForeignEntry(e, kind); !why.empty()) foreign.push_back(why);
  }
  if (ec) return absl::StrCat("cannot list it: ", ec.message());
  if (!foreign.empty()) {
    std::sort(foreign.begin(), foreign.end());
    if (foreign.size() > 5) foreign.resize(5), foreign.push_back("...");
    return absl::StrCat("it holds files plumsim does not write (", absl::StrJoin(foreign, ", "),
                        ")");
  }
  const char* what = kind == OutputKind::kRun        ? "a plumsim run"
                     : kind == OutputKind::kPictures ? "plumsim trees pictures"
                                                     : "plumsim validate";
  absl::StatusOr<Manifest> manifest = ReadManifest(dir);
  if (absl::IsNotFound(manifest.status())) return absl::StrCat("it has no manifest.json of ", what);
  const ManifestKind wanted = kind == OutputKind::kRun        ? ManifestKind::kRun
                              : kind == OutputKind::kPictures ? ManifestKind::kPictures
                                                              : ManifestKind::kValidate;
  if (!manifest.ok() || manifest->kind != wanted) {
    return absl::StrCat("its manifest.json is not one plumsim wrote for ", what);
  }
  return "";
}

absl::Status Refuse(const std::string& path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("--out ", path, ": ", why));
}

}  // namespace

namespace {

// The State of every open OutputDir (one per run in practice), for
// CleanUpAfterFatalError.
std::vector<OutputDir::State*>& OpenStates() {
  static auto* open = [] {
    auto* v = new std::vector<OutputDir::State*>();
    v->reserve(16);
    return v;
  }();
  return *open;
}

}  // namespace

OutputDir::OutputDir() : state_(std::make_unique<State>()) { OpenStates().push_back(state_.get()); }

OutputDir::~OutputDir() {
  if (state_ == nullptr) return;  // moved from
  Abandon(state_.get());
  auto& open = OpenStates();
  open.erase(std::remove(open.begin(), open.end(), state_.get()), open.end());
}

void OutputDir::CleanUpAfterFatalError() {
  for (State* s : OpenStates()) Abandon(s);
}

void OutputDir::ReleaseLock(State* s) {
  if (s->lock_fd < 0) return;
  unlink(s->lock.c_str());  // the file we hold the flock on (never a symlink: O_NOFOLLOW)
  close(s->lock_fd);
  s->lock_fd = -1;
  s->lock.clear();
}

// Removes only what this OutputDir made: its mkdtemp staging folder, its
// lock, and (rmdir: only if still empty) the parents it created.
void OutputDir::Abandon(State* s) {
  std::error_code ec;
  if (!s->committed && !s->staging.empty()) fs::remove_all(s->staging, ec);
  s->staging.clear();
  ReleaseLock(s);
  if (!s->committed) {
    for (auto it = s->created_parents.rbegin(); it != s->created_parents.rend(); ++it) {
      rmdir(it->c_str());
    }
  }
  s->created_parents.clear();
}

bool IsPlumsimOutputEntry(absl::string_view name) {
  for (absl::string_view e : kOutputEntries) {
    if (name == e) return true;
  }
  return false;
}

fs::path NormaliseOutputPath(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) p = fs::absolute(path).lexically_normal();
  while (!p.has_filename() && p.has_relative_path()) p = p.parent_path();  // "x/"
  return p;
}

absl::Status CheckOutputLocation(const std::string& path, const std::string& scenario_path) {
  if (path.empty()) return Refuse(path, "empty path");
  const fs::path target = NormaliseOutputPath(path);
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (target == target.root_path()) return Refuse(path, "is the root folder");
  if (!ec && IsSameOrAncestor(target, fs::weakly_canonical(cwd, ec))) {
    return Refuse(path, absl::StrCat("is the current folder or one of its parents (",
                                     target.string(), "); name a new folder"));
  }
  if (const fs::path home = CanonicalOrEmpty(std::getenv("HOME"));
      !home.empty() && IsSameOrAncestor(target, home)) {
    return Refuse(path,
                  absl::StrCat("is the home folder or one of its parents (", target.string(), ")"));
  }
  if (const fs::path scenario = CanonicalOrEmpty(scenario_path.c_str());
      !scenario.empty() && IsSameOrAncestor(target, scenario.parent_path())) {
    return Refuse(path, absl::StrCat("contains the scenario file ", scenario_path));
  }
  return absl::OkStatus();
}

absl::Status CheckOutputTarget(const std::string& path, bool overwrite,
                               const std::string& scenario_path, OutputKind kind) {
  if (absl::Status st = CheckOutputLocation(path, scenario_path); !st.ok()) return st;
  const fs::path target = NormaliseOutputPath(path);
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(target, ec);
  if (!fs::exists(st)) return absl::OkStatus();
  if (!fs::is_directory(st)) return Refuse(path, "exists and is not a folder");
  if (fs::is_empty(target, ec)) return absl::OkStatus();
  if (!overwrite) {
    return Refuse(path, kind == OutputKind::kRun
                            ? "folder exists and is not empty; pass --overwrite to replace "
                              "an earlier plumsim run's folder"
                            : "folder exists and is not empty; pass --overwrite to replace "
                              "pictures plumsim drew earlier");
  }
  if (const std::string why = NotOurs(target, kind); !why.empty()) {
    return Refuse(path, absl::StrCat("--overwrite replaces only a folder plumsim wrote, and ", why,
                                     "; nothing was changed"));
  }
  return absl::OkStatus();
}

absl::StatusOr<OutputDir> OutputDir::Open(const std::string& path, bool overwrite,
                                          const std::string& scenario_path, OutputKind kind) {
  if (absl::Status st = CheckOutputTarget(path, overwrite, scenario_path, kind); !st.ok()) {
    return st;
  }
  OutputDir out;
  State& s = *out.state_;
  s.kind = kind;
  s.target = NormaliseOutputPath(path);
  const fs::path parent = s.target.parent_path();
  const std::string name = s.target.filename().string();

  // mkdir -p, remembering only the folders this call created.
  std::vector<fs::path> missing;
  for (fs::path p = parent; !fs::exists(p) && p.has_relative_path(); p = p.parent_path()) {
    missing.push_back(p);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (mkdir(it->c_str(), 0777) == 0) {
      s.created_parents.push_back(*it);
    } else if (errno != EEXIST) {
      return IoError(*it, "cannot create folder", errno);  // ~OutputDir undoes the rest
    }
  }

  // The lock: a file beside the target, flock'ed for the whole run. A lock
  // file unlinked by its previous holder between our open and flock is
  // stale: open again. O_NOFOLLOW: a symlink there is refused, never followed.
  const fs::path lock = parent / absl::StrCat(".", name, ".plumsim-lock");
  for (;;) {
    const int fd = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return IoError(lock, "cannot create the lock file", errno);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      close(fd);
      if (err == EWOULDBLOCK) {
        return absl::UnavailableError(
            absl::StrCat("--out ", path,
                         ": another plumsim run is writing this folder now; "
                         "nothing was changed"));
      }
      return IoError(lock, "cannot lock", err);
    }
    struct stat held, named;
    if (fstat(fd, &held) == 0 && lstat(lock.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev) {
      s.lock = lock;
      s.lock_fd = fd;
      break;
    }
    close(fd);
  }
  // Under the lock, the target may have changed since the first check.
  if (absl::Status st = CheckOutputTarget(path, overwrite, scenario_path, kind); !st.ok())
    return st;
  // A new folder of our own, whatever else lies beside the target.
  std::string staging = (parent / absl::StrCat(".", name, ".plumsim-staging-XXXXXX")).string();
  if (mkdtemp(staging.data()) == nullptr) {
    return IoError(parent, "cannot create the staging folder", errno);
  }
  s.staging = staging;
  return out;
}

absl::Status OutputDir::WriteFile(const std::string& relative, absl::string_view text) const {
  const fs::path& staging = state_->staging;
  const fs::path& target = state_->target;
  const fs::path path = staging / relative;
  if (path.has_parent_path() && path.parent_path() != staging) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec)
      return IoError(target / fs::path(relative).parent_path(), "cannot create folder", ec.value());
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return IoError(target / relative, "cannot write", errno);
  const size_t written = std::fwrite(text.data(), 1, text.size(), f);
  int err = written == text.size() ? 0 : errno;
  if (std::fclose(f) != 0 && err == 0) err = errno;
  if (err != 0 || written != text.size()) {
    return IoError(target / relative, "write failed", err != 0 ? err : EIO);
  }
  return absl::OkStatus();
}

absl::Status OutputDir::Commit() {
  State& s = *state_;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(s.target, ec))) {
    if (rename(s.staging.c_str(), s.target.c_str()) != 0) {
      return IoError(s.target, "cannot move the new output in", errno);
    }
    s.committed = true;
    s.staging.clear();
    ReleaseLock(&s);
    return absl::OkStatus();
  }
  // Checked again: replace only an empty folder or a run folder of ours.
  const bool empty = fs::is_directory(s.target, ec) && fs::is_empty(s.target, ec);
  if (!empty) {
    if (const std::string why = NotOurs(s.target, s.kind); !why.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          s.target.string(), ": changed during the run and ", why, "; left as it was"));
    }
  }
  if (renameat2(AT_FDCWD, s.staging.c_str(), AT_FDCWD, s.target.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS) {
      return IoError(s.target, "cannot swap in the new output", errno);
    }
    // No RENAME_EXCHANGE on this file system: move the old run aside into a
    // fresh folder of our own first, then the new one in.
    std::string aside = (s.target.parent_path() /
                         absl::StrCat(".", s.target.filename().string(), ".plumsim-old-XXXXXX"))
                            .string();
    if (mkdtemp(aside.data()) == nullptr) {
      return IoError(s.target.parent_path(), "cannot create a folder", errno);
    }
    const fs::path old = fs::path(aside) / "run";
    if (rename(s.target.c_str(), old.c_str()) != 0) {
      const int err = errno;
      rmdir(aside.c_str());
      return IoError(s.target, "cannot move the old output aside", err);
    }
    if (rename(s.staging.c_str(), s.target.c_str()) != 0) {
      const int err = errno;
      rename(old.c_str(), s.target.c_str());
      rmdir(aside.c_str());
      return IoError(s.target, "cannot move the new output in", err);
    }
    s.staging = aside;  // now holds the old run, removed below
  }
  // The staging name now holds the old run (checked above): remove it.
  s.committed = true;
  fs::remove_all(s.staging, ec);
  s.staging.clear();
  ReleaseLock(&s);
  return absl::OkStatus();
}

}  // namespace plumsim
