#include "sim/output_dir.h"

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

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace plumsim {
namespace fs = std::filesystem;

namespace {

// What a run folder holds (runner.cc writes exactly these).
constexpr absl::string_view kOutputEntries[] = {
    "manifest.json", "scenario.toml",  "metrics.json", "messages.csv",
    "timeseries.csv", "trace.jsonl", "trees"};

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

// Why a folder is not one plumsim wrote, or "" if it is.
std::string NotOurs(const fs::path& dir) {
  std::error_code ec;
  std::vector<std::string> foreign;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!IsPlumsimOutputEntry(name)) foreign.push_back(name);
  }
  if (ec) return absl::StrCat("cannot list it: ", ec.message());
  if (!foreign.empty()) {
    std::sort(foreign.begin(), foreign.end());
    if (foreign.size() > 5) foreign.resize(5), foreign.push_back("...");
    return absl::StrCat("it holds files plumsim does not write (",
                        absl::StrJoin(foreign, ", "), ")");
  }
  std::ifstream in(dir / "manifest.json");
  if (!in) return "it has no manifest.json of a plumsim run";
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json manifest = nlohmann::json::parse(text.str(), nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object() ||
      !manifest.contains("plumsim_version") || !manifest.contains("digest")) {
    return "its manifest.json is not one plumsim wrote";
  }
  return "";
}

absl::Status Refuse(const std::string& path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("--out ", path, ": ", why));
}

}  // namespace

struct OutputDir::Pending {
  fs::path staging, lock;
  std::vector<fs::path> created_parents;
};

namespace {

// The open OutputDirs' cleanup records (one per run in practice).
std::vector<OutputDir::Pending*>& PendingRegistry() {
  static auto* registry = [] {
    auto* r = new std::vector<OutputDir::Pending*>();
    r->reserve(16);
    return r;
  }();
  return *registry;
}

}  // namespace

OutputDir::OutputDir() : pending_(std::make_unique<Pending>()) {
  PendingRegistry().push_back(pending_.get());
}

void OutputDir::Register() {
  pending_->staging = staging_;
  pending_->lock = lock_fd_ >= 0 ? lock_path_ : fs::path();
  pending_->created_parents = created_parents_;
}

void OutputDir::CleanUpAfterFatalError() {
  std::error_code ec;
  for (Pending* p : PendingRegistry()) {
    if (!p->staging.empty()) fs::remove_all(p->staging, ec);
    if (!p->lock.empty()) unlink(p->lock.c_str());
    for (auto it = p->created_parents.rbegin(); it != p->created_parents.rend(); ++it) {
      rmdir(it->c_str());
    }
  }
}

absl::Status IoError(const fs::path& path, absl::string_view what, int err) {
  return absl::InternalError(
      absl::StrCat(path.string(), ": ", what, ": ", std::strerror(err)));
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

absl::Status CheckOutputTarget(const std::string& path, bool overwrite,
                               const std::string& scenario_path) {
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
    return Refuse(path, absl::StrCat("is the home folder or one of its parents (",
                                     target.string(), ")"));
  }
  if (const fs::path scenario = CanonicalOrEmpty(scenario_path.c_str());
      !scenario.empty() && IsSameOrAncestor(target, scenario.parent_path())) {
    return Refuse(path, absl::StrCat("contains the scenario file ", scenario_path));
  }
  const fs::file_status st = fs::symlink_status(target, ec);
  if (!fs::exists(st)) return absl::OkStatus();
  if (!fs::is_directory(st)) return Refuse(path, "exists and is not a folder");
  if (fs::is_empty(target, ec)) return absl::OkStatus();
  if (!overwrite) {
    return Refuse(path, "folder exists and is not empty; pass --overwrite to replace "
                        "an earlier plumsim run's folder");
  }
  if (const std::string why = NotOurs(target); !why.empty()) {
    return Refuse(path, absl::StrCat("--overwrite replaces only a folder plumsim wrote, and ",
                                     why, "; nothing was changed"));
  }
  return absl::OkStatus();
}

absl::StatusOr<OutputDir> OutputDir::Open(const std::string& path, bool overwrite,
                                          const std::string& scenario_path) {
  if (absl::Status st = CheckOutputTarget(path, overwrite, scenario_path); !st.ok()) return st;
  OutputDir out;
  out.target_ = NormaliseOutputPath(path);
  const fs::path parent = out.target_.parent_path();
  const std::string name = out.target_.filename().string();

  // mkdir -p, remembering what we made.
  std::vector<fs::path> missing;
  for (fs::path p = parent; !fs::exists(p) && p.has_relative_path(); p = p.parent_path()) {
    missing.push_back(p);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (mkdir(it->c_str(), 0777) != 0 && errno != EEXIST) {
      const int err = errno;
      out.Abandon();
      return IoError(*it, "cannot create folder", err);
    }
    out.created_parents_.push_back(*it);
  }

  // The lock: a file beside the target, flock'ed for the whole run. A lock
  // file unlinked by its previous holder between our open and flock is
  // stale: open again.
  out.lock_path_ = parent / absl::StrCat(".", name, ".plumsim-lock");
  for (;;) {
    const int fd = open(out.lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      const int err = errno;
      out.Abandon();
      return IoError(out.lock_path_, "cannot create the lock file", err);
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      close(fd);
      out.lock_path_.clear();  // not ours: leave it
      out.Abandon();
      if (err == EWOULDBLOCK) {
        return absl::UnavailableError(absl::StrCat(
            "--out ", path, ": another plumsim run is writing this folder now; "
            "nothing was changed"));
      }
      return IoError(parent / absl::StrCat(".", name, ".plumsim-lock"), "cannot lock", err);
    }
    struct stat held, named;
    if (fstat(fd, &held) == 0 && stat(out.lock_path_.c_str(), &named) == 0 &&
        held.st_ino == named.st_ino && held.st_dev == named.st_dev) {
      out.lock_fd_ = fd;
      break;
    }
    close(fd);
  }
  // Under the lock, the target may have changed since the first check.
  if (absl::Status st = CheckOutputTarget(path, overwrite, scenario_path); !st.ok()) {
    out.Abandon();
    return st;
  }
  out.staging_ = parent / absl::StrCat(".", name, ".plumsim-staging-", getpid());
  std::error_code ec;
  fs::remove_all(out.staging_, ec);  // our own pid's leftover, if any
  if (mkdir(out.staging_.c_str(), 0777) != 0) {
    const int err = errno;
    out.staging_.clear();
    out.Abandon();
    return IoError(parent, "cannot create the staging folder", err);
  }
  out.Register();
  return out;
}

OutputDir::OutputDir(OutputDir&& o) noexcept
    : target_(std::move(o.target_)),
      staging_(std::move(o.staging_)),
      lock_path_(std::move(o.lock_path_)),
      created_parents_(std::move(o.created_parents_)),
      lock_fd_(std::exchange(o.lock_fd_, -1)),
      committed_(o.committed_),
      pending_(std::move(o.pending_)) {
  o.staging_.clear();
  o.lock_path_.clear();
  o.created_parents_.clear();
  o.committed_ = true;
}

OutputDir::~OutputDir() {
  Abandon();
  if (pending_ != nullptr) {
    auto& registry = PendingRegistry();
    registry.erase(std::remove(registry.begin(), registry.end(), pending_.get()), registry.end());
  }
}

void OutputDir::ReleaseLock() {
  if (pending_ != nullptr) *pending_ = Pending{};  // committed or abandoned
  if (lock_fd_ < 0) return;
  unlink(lock_path_.c_str());
  close(lock_fd_);
  lock_fd_ = -1;
  lock_path_.clear();
}

void OutputDir::Abandon() {
  if (pending_ != nullptr) *pending_ = Pending{};
  std::error_code ec;
  if (!committed_ && !staging_.empty()) fs::remove_all(staging_, ec);
  staging_.clear();
  ReleaseLock();
  if (!committed_) {
    // rmdir removes only empty folders: never anything of the user's.
    for (auto it = created_parents_.rbegin(); it != created_parents_.rend(); ++it) {
      rmdir(it->c_str());
    }
  }
  created_parents_.clear();
}

absl::Status OutputDir::WriteFile(const std::string& relative, absl::string_view text) const {
  const fs::path path = staging_ / relative;
  if (path.has_parent_path() && path.parent_path() != staging_) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return IoError(target_ / fs::path(relative).parent_path(), "cannot create folder",
                           ec.value());
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return IoError(target_ / relative, "cannot write", errno);
  const size_t written = std::fwrite(text.data(), 1, text.size(), f);
  int err = written == text.size() ? 0 : errno;
  if (std::fclose(f) != 0 && err == 0) err = errno;
  if (err != 0 || written != text.size()) {
    return IoError(target_ / relative, "write failed", err != 0 ? err : EIO);
  }
  return absl::OkStatus();
}

absl::Status OutputDir::Commit() {
  std::error_code ec;
  const bool exists = fs::exists(fs::symlink_status(target_, ec));
  if (exists) {
    // Checked again: replace only an empty folder or a run folder of ours.
    const bool empty = fs::is_directory(target_, ec) && fs::is_empty(target_, ec);
    if (!empty) {
      if (const std::string why = NotOurs(target_); !why.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(target_.string(), ": changed during the run and ", why,
                         "; left as it was"));
      }
    }
    if (renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) ==
        0) {
      committed_ = true;
      fs::remove_all(staging_, ec);  // the old output, swapped out
      staging_.clear();
      ReleaseLock();
      return absl::OkStatus();
    }
    if (errno != EINVAL && errno != ENOSYS) {
      return IoError(target_, "cannot swap in the new output", errno);
    }
    // No RENAME_EXCHANGE on this file system: move the old one aside first.
    const fs::path old = target_.parent_path() /
                         absl::StrCat(".", target_.filename().string(), ".plumsim-old-", getpid());
    if (rename(target_.c_str(), old.c_str()) != 0) {
      return IoError(target_, "cannot move the old output aside", errno);
    }
    if (rename(staging_.c_str(), target_.c_str()) != 0) {
      const int err = errno;
      rename(old.c_str(), target_.c_str());
      return IoError(target_, "cannot move the new output in", err);
    }
    committed_ = true;
    fs::remove_all(old, ec);
    staging_.clear();
    ReleaseLock();
    return absl::OkStatus();
  }
  if (rename(staging_.c_str(), target_.c_str()) != 0) {
    return IoError(target_, "cannot move the new output in", errno);
  }
  committed_ = true;
  staging_.clear();
  ReleaseLock();
  return absl::OkStatus();
}

}  // namespace plumsim
