/// \file quire/cli/fs.cc
/// \brief `quire fs`: ls, du, stat, cat, cp, mv, rm and mkdir over every store
/// quire reaches (local paths, file://, memory://, s3://, az://), with globs.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <thread>

#include "quire/cli/commands.h"
#include "quire/cli/output.h"
#include "quire/io/file_system.h"
#include "quire/util/macros.h"
#include "quire/util/progress.h"

namespace quire::cli {

namespace {

using io::FileInfo;
using io::FileSystem;

// One argument resolved: its filesystem, and the entries it names (a glob names
// any number; a plain path one, which may not exist yet).
struct Target {
  std::string url;
  std::shared_ptr<FileSystem> fs;
  std::string path;
  bool glob = false;
};

// Filesystems used by the command, for --stats.
class FsRegistry {
 public:
  Result<Target> Resolve(const std::string& url) {
    QUIRE_ASSIGN_OR_RETURN(auto fp, io::FileSystemFromUrl(url));
    used_.emplace(fp.fs->Url(""), fp.fs);
    const bool glob = io::HasGlob(fp.path);
    return Target{url, std::move(fp.fs), std::move(fp.path), glob};
  }
  void PrintStats() const {
    for (const auto& [name, fs] : used_) {
      std::fprintf(stderr, "%s: %s\n", fs->scheme() == "file" ? "local" : name.c_str(),
                   fs->stats().Snapshot().ToString().c_str());
    }
  }

 private:
  std::map<std::string, std::shared_ptr<FileSystem>> used_;
};

// The entries a target names; a plain path that does not exist is kNotFound.
Result<std::vector<FileInfo>> Expand(const Target& t) {
  if (t.glob) {
    QUIRE_ASSIGN_OR_RETURN(auto matches, io::Glob(*t.fs, t.path));
    if (matches.empty()) return Status::NotFound("{}: no match", t.url);
    return matches;
  }
  if (t.path.empty() || t.path == "/") {
    return std::vector<FileInfo>{{t.path, io::FileType::kDirectory, -1, {}, {}}};
  }
  QUIRE_ASSIGN_OR_RETURN(FileInfo info, t.fs->Stat(t.path));
  return std::vector<FileInfo>{std::move(info)};
}

std::string HumanSize(int64_t n) {
  const char* units[] = {"B", "K", "M", "G", "T", "P"};
  double v = double(n);
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{}", n) : fmt::format("{:.1f}{}", v, units[u]);
}

std::string Size(int64_t n, bool human) { return human ? HumanSize(n) : fmt::format("{}", n); }

std::string Time(const std::optional<std::chrono::system_clock::time_point>& t) {
  if (!t) return "-                  ";
  const std::time_t secs = std::chrono::system_clock::to_time_t(*t);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string Name(const FileSystem& fs, const FileInfo& info) {
  std::string url = fs.Url(info.path);
  if (info.is_dir() && !url.ends_with('/')) url += '/';
  return url;
}

void PrintEntry(const FileSystem& fs, const FileInfo& info, const FsOptions& o) {
  if (!o.long_format) {
    std::printf("%s\n", Name(fs, info).c_str());
    return;
  }
  const std::string size = info.is_dir() ? "DIR" : Size(info.size, o.human);
  std::printf("%12s  %s  %s\n", size.c_str(), Time(info.mtime).c_str(), Name(fs, info).c_str());
}

Status Ls(FsRegistry& reg, const FsOptions& o) {
  for (const auto& url : o.paths) {
    QUIRE_ASSIGN_OR_RETURN(Target t, reg.Resolve(url));
    QUIRE_ASSIGN_OR_RETURN(auto entries, Expand(t));
    for (const auto& e : entries) {
      if (e.is_file() || (t.glob && !o.recursive)) {
        PrintEntry(*t.fs, e, o);
        continue;
      }
      io::ListOptions lo;
      lo.recursive = o.recursive;
      QUIRE_ASSIGN_OR_RETURN(auto lister, t.fs->List(e.path, lo));
      for (;;) {
        QUIRE_ASSIGN_OR_RETURN(auto page, lister->Next());
        if (page.empty()) break;
        for (const auto& info : page) PrintEntry(*t.fs, info, o);
      }
    }
  }
  return Status::OK();
}

// Bytes of the files below a folder (or of a file).
Result<int64_t> TotalBytes(FileSystem& fs, const FileInfo& e) {
  if (e.is_file()) return e.size;
  io::ListOptions lo;
  lo.recursive = true;
  QUIRE_ASSIGN_OR_RETURN(auto lister, fs.List(e.path, lo));
  int64_t total = 0;
  for (;;) {
    QUIRE_ASSIGN_OR_RETURN(auto page, lister->Next());
    if (page.empty()) return total;
    for (const auto& info : page) total += std::max<int64_t>(info.size, 0);
  }
}

Status Du(FsRegistry& reg, const FsOptions& o) {
  for (const auto& url : o.paths) {
    QUIRE_ASSIGN_OR_RETURN(Target t, reg.Resolve(url));
    QUIRE_ASSIGN_OR_RETURN(auto entries, Expand(t));
    for (const auto& e : entries) {
      if (o.summarize || e.is_file()) {
        QUIRE_ASSIGN_OR_RETURN(int64_t n, TotalBytes(*t.fs, e));
        std::printf("%s\t%s\n", Size(n, o.human).c_str(), Name(*t.fs, e).c_str());
        continue;
      }
      // Each child with its total, then the folder's.
      QUIRE_ASSIGN_OR_RETURN(auto children, t.fs->ListAll(e.path));
      int64_t total = 0;
      for (const auto& child : children) {
        QUIRE_ASSIGN_OR_RETURN(int64_t n, TotalBytes(*t.fs, child));
        total += n;
        std::printf("%s\t%s\n", Size(n, o.human).c_str(), Name(*t.fs, child).c_str());
      }
      std::printf("%s\t%s\n", Size(total, o.human).c_str(), Name(*t.fs, e).c_str());
    }
  }
  return Status::OK();
}

Status StatCommand(FsRegistry& reg, const FsOptions& o) {
  for (const auto& url : o.paths) {
    QUIRE_ASSIGN_OR_RETURN(Target t, reg.Resolve(url));
    QUIRE_ASSIGN_OR_RETURN(auto entries, Expand(t));
    for (const auto& e : entries) {
      std::printf("url: %s\ntype: %s\n", Name(*t.fs, e).c_str(), e.is_dir() ? "directory" : "file");
      if (e.is_file()) std::printf("size: %lld\n", static_cast<long long>(e.size));
      if (e.mtime) std::printf("modified: %sZ\n", Time(e.mtime).c_str());
      if (!e.etag.empty()) std::printf("etag: %s\n", e.etag.c_str());
    }
  }
  return Status::OK();
}

Status Cat(FsRegistry& reg, const FsOptions& o) {
  std::fflush(stdout);
  auto out = io::OpenStdout();
  for (const auto& url : o.paths) {
    QUIRE_ASSIGN_OR_RETURN(Target t, reg.Resolve(url));
    QUIRE_ASSIGN_OR_RETURN(auto entries, Expand(t));
    for (const auto& e : entries) {
      if (e.is_dir()) return Status::Invalid("{}: is a folder", Name(*t.fs, e));
      QUIRE_ASSIGN_OR_RETURN(auto file, t.fs->OpenRead(e.path, {.size = e.size}));
      constexpr int64_t kPiece = int64_t(4) << 20;
      for (int64_t at = 0; at < e.size; at += kPiece) {
        QUIRE_ASSIGN_OR_RETURN(auto piece, file->ReadAt(at, std::min(kPiece, e.size - at)));
        QUIRE_RETURN_NOT_OK(out->Write({piece->data(), size_t(piece->size())}));
      }
    }
  }
  return Status::OK();
}

std::string_view BaseName(std::string_view path) {
  while (path.size() > 1 && path.ends_with('/')) path.remove_suffix(1);
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// One file to copy or move.
struct Job {
  std::shared_ptr<FileSystem> from_fs;
  std::string from;
  std::string to;
  int64_t size = 0;
};

// The files that `cp`/`mv` SRC... DST handle, after cp(1): DST is a folder when
// it exists as one, ends in "/", or several sources are given; a folder source
// needs -R and lands below DST (or as DST when DST does not exist).
using SourceDirs = std::vector<std::pair<std::shared_ptr<FileSystem>, std::string>>;

Result<std::vector<Job>> PlanCopies(FsRegistry& reg, const FsOptions& o, const Target& dst,
                                    SourceDirs* source_dirs) {
  std::vector<Target> sources;
  for (size_t i = 0; i + 1 < o.paths.size(); ++i) {
    QUIRE_ASSIGN_OR_RETURN(Target s, reg.Resolve(o.paths[i]));
    sources.push_back(std::move(s));
  }
  auto dst_info = dst.fs->Stat(dst.path);
  if (!dst_info.ok() && dst_info.status().code() != ErrorCode::kNotFound) {
    return dst_info.status();
  }
  const bool dst_is_dir = dst.path.empty() || dst.url.ends_with('/') ||
                          (dst_info.ok() && dst_info->is_dir());
  std::vector<Job> jobs;
  size_t named = 0;
  for (const auto& s : sources) {
    QUIRE_ASSIGN_OR_RETURN(auto entries, Expand(s));
    named += entries.size();
    for (const auto& e : entries) {
      const std::string name(BaseName(e.path));
      if (e.is_file()) {
        jobs.push_back({s.fs, e.path, dst_is_dir || sources.size() > 1 || s.glob
                                          ? io::JoinPath(dst.path, name)
                                          : dst.path,
                        e.size});
        continue;
      }
      if (!o.recursive) {
        return Status::Invalid("{}: is a folder (use -R to copy folders)", s.fs->Url(e.path));
      }
      const std::string root = dst_is_dir || sources.size() > 1 || s.glob
                                   ? io::JoinPath(dst.path, name)
                                   : dst.path;
      io::ListOptions lo;
      lo.recursive = true;
      QUIRE_ASSIGN_OR_RETURN(auto below, s.fs->ListAll(e.path, lo));
      const size_t skip = e.path.empty() ? 0 : e.path.size() + (e.path.ends_with('/') ? 0 : 1);
      for (const auto& f : below) {
        jobs.push_back({s.fs, f.path, io::JoinPath(root, f.path.substr(skip)), f.size});
      }
      source_dirs->emplace_back(s.fs, e.path);
    }
  }
  if (named > 1 && !dst_is_dir && dst_info.ok()) {
    return Status::Invalid("{}: copying several sources needs a folder as the target", dst.url);
  }
  for (const auto& j : jobs) {
    if (j.from_fs == dst.fs && j.from == j.to) {
      return Status::Invalid("{}: source and target are the same file", j.from_fs->Url(j.from));
    }
  }
  return jobs;
}

// Run `fn` over the jobs on `parallel` threads with a progress bar over their
// bytes; stop at the first error and return it.
Status RunJobs(const std::vector<Job>& jobs, const FsOptions& o, std::string_view label,
               const std::function<Status(const Job&, const std::function<void(int64_t)>&)>& fn) {
  int64_t total = 0;
  for (const auto& j : jobs) total += j.size;
  auto bar = MakeProgress(o.progress, fmt::format("{} {} files", label, jobs.size()), total);
  std::atomic<int64_t> done{0};
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  Status error;
  auto work = [&] {
    for (size_t i = next++; i < jobs.size() && !failed; i = next++) {
      Status st = fn(jobs[i], [&](int64_t n) {
        const int64_t now = done.fetch_add(n) + n;
        if (bar) bar->Update(now);
      });
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (error.ok()) error = std::move(st);
        failed = true;
      }
    }
  };
  const int threads = std::max(1, std::min<int>(o.parallel, int(jobs.size())));
  std::vector<std::thread> helpers;
  for (int t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (auto& h : helpers) h.join();
  if (bar) bar->Finish();
  return error;
}

Status Cp(FsRegistry& reg, const FsOptions& o, bool move) {
  if (o.paths.size() < 2) return Status::Invalid("{} needs SRC... DST", move ? "mv" : "cp");
  QUIRE_ASSIGN_OR_RETURN(Target dst, reg.Resolve(o.paths.back()));
  if (dst.glob) return Status::Invalid("{}: the target cannot be a pattern", dst.url);
  SourceDirs source_dirs;
  QUIRE_ASSIGN_OR_RETURN(auto jobs, PlanCopies(reg, o, dst, &source_dirs));
  QUIRE_RETURN_NOT_OK(RunJobs(jobs, o, move ? "mv" : "cp",
                              [&](const Job& j, const std::function<void(int64_t)>& on_bytes) {
    if (move && j.from_fs == dst.fs) {
      QUIRE_RETURN_NOT_OK(dst.fs->Move(j.from, j.to));
      on_bytes(j.size);
      return Status::OK();
    }
    QUIRE_RETURN_NOT_OK(io::CopyFile(*j.from_fs, j.from, *dst.fs, j.to, on_bytes));
    if (!move) return Status::OK();
    return j.from_fs->Delete({&j.from, 1});
  }));
  if (move) {
    // The folders moved are empty now, but local ones outlive their files.
    for (const auto& [fs, dir] : source_dirs) {
      Status st = fs->DeleteDir(dir);
      if (!st.ok() && st.code() != ErrorCode::kNotFound) return st;
    }
  }
  return Status::OK();
}

Status Rm(FsRegistry& reg, const FsOptions& o) {
  for (const auto& url : o.paths) {
    QUIRE_ASSIGN_OR_RETURN(Target t, reg.Resolve(url));
    auto entries = Expand(t);
    if (!entries.ok()) {
      if (o.force && entries.status().code() == ErrorCode::kNotFound) continue;
      return entries.status();
    }
    std::vector<std::string> files;
    for (const auto& e : *entries) {
      if (e.is_file()) {
        files.push_back(e.path);
      } else if (!o.recursive) {
        return Status::Invalid("{}: is a folder (use -R to delete it and everything below)",
                               Name(*t.fs, e));
      } else {
        QUIRE_RETURN_NOT_OK(t.fs->DeleteDir(e.path));
      }
    }
    QUIRE_RETURN_NOT_OK(t.fs->Delete(files));
  }
  return Status::OK();
}

Status Mkdir(FsRegistry& reg, const FsOptions& o) {
  for (const auto& url : o.paths) {
    QUIRE_ASSIGN_OR_RETURN(Target t, reg.Resolve(url));
    QUIRE_RETURN_NOT_OK(t.fs->CreateDir(t.path));
  }
  return Status::OK();
}

}  // namespace

int RunFs(const FsOptions& o) {
  FsRegistry reg;
  Status st;
  if (o.command == "ls") {
    st = Ls(reg, o);
  } else if (o.command == "du") {
    st = Du(reg, o);
  } else if (o.command == "stat") {
    st = StatCommand(reg, o);
  } else if (o.command == "cat") {
    st = Cat(reg, o);
  } else if (o.command == "cp") {
    st = Cp(reg, o, /*move=*/false);
  } else if (o.command == "mv") {
    st = Cp(reg, o, /*move=*/true);
  } else if (o.command == "rm") {
    st = Rm(reg, o);
  } else if (o.command == "mkdir") {
    st = Mkdir(reg, o);
  } else {
    st = Status::Invalid("unknown fs command '{}'", o.command);
  }
  std::fflush(stdout);
  if (o.stats) reg.PrintStats();
  if (!st.ok()) {
    std::fprintf(stderr, "quire fs %s: %s\n", o.command.c_str(), st.ToString().c_str());
    return ExitCodeFor(st);
  }
  return kExitOk;
}

}  // namespace quire::cli
