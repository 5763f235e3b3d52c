/// \file quire/io/local_file_system.cc
#include "quire/io/local_file_system.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "quire/io/file_system_internal.h"
#include "quire/util/macros.h"

namespace quire::io {

namespace {

namespace stdfs = std::filesystem;

Status FromErrno(std::string_view what, std::string_view path, int err) {
  if (err == ENOENT || err == ENOTDIR) {
    return Status::NotFound("{}: {}: no such file or folder", path, what);
  }
  return Status::IOError("{}: {}: {}", path, what, std::strerror(err));
}

Status FromErrorCode(std::string_view what, std::string_view path, const std::error_code& ec) {
  return FromErrno(what, path, ec.value());
}

Status CheckPath(std::string_view path) {
  if (path.empty()) return Status::Invalid("an empty path is not a file or folder");
  if (path.find('\0') != std::string_view::npos) {
    return Status::Invalid("a path holds a NUL byte");
  }
  return Status::OK();
}

// The temporary files of OutputStreams in progress (output_stream.cc names them
// ".<name>.quire-<pid>-<n>.tmp"): not part of any listing.
bool IsTemporary(std::string_view name) {
  return name.starts_with('.') && name.ends_with(".tmp") &&
         name.find(".quire-") != std::string_view::npos;
}

FileInfo InfoFromStat(std::string path, const struct stat& st) {
  FileInfo info;
  info.path = std::move(path);
  info.type = S_ISDIR(st.st_mode) ? FileType::kDirectory : FileType::kFile;
  info.size = info.is_dir() ? -1 : int64_t(st.st_size);
  info.mtime = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
  return info;
}

Status ListInto(const std::string& dir, bool recursive, std::vector<FileInfo>* out,
                IoStats* stats) {
  stats->Count(RequestKind::kList);
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return FromErrno("cannot list", dir, errno);
  std::vector<std::string> subdirs;
  Status st;
  while (dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == ".." || IsTemporary(name)) continue;
    std::string path = JoinPath(dir, name);
    struct stat s;
    if (::stat(path.c_str(), &s) != 0) {
      if (errno == ENOENT) continue;  // deleted while we listed
      st = FromErrno("cannot stat", path, errno);
      break;
    }
    FileInfo info = InfoFromStat(std::move(path), s);
    if (info.is_dir() && recursive) {
      subdirs.push_back(std::move(info.path));
    } else {
      out->push_back(std::move(info));
    }
  }
  ::closedir(d);
  QUIRE_RETURN_NOT_OK(st);
  for (const auto& sub : subdirs) QUIRE_RETURN_NOT_OK(ListInto(sub, true, out, stats));
  return Status::OK();
}

Status MakeParents(std::string_view path) {
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return Status::OK();
  const std::string parent(path.substr(0, slash));
  std::error_code ec;
  stdfs::create_directories(parent, ec);
  if (ec) return FromErrorCode("cannot create the folder", parent, ec);
  return Status::OK();
}

}  // namespace

std::shared_ptr<LocalFileSystem> LocalFileSystem::Default() {
  static auto* fs = new std::shared_ptr<LocalFileSystem>(std::make_shared<LocalFileSystem>());
  return *fs;
}

Result<FileInfo> LocalFileSystem::Stat(std::string_view path) {
  QUIRE_RETURN_NOT_OK(CheckPath(path));
  stats_->Count(RequestKind::kStat);
  const std::string p(path);
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) return FromErrno("cannot stat", path, errno);
  return InfoFromStat(p, st);
}

Result<std::unique_ptr<FileLister>> LocalFileSystem::List(std::string_view path,
                                                          const ListOptions& options) {
  const std::string dir = path.empty() ? "." : std::string(path);
  std::vector<FileInfo> entries;
  QUIRE_RETURN_NOT_OK(ListInto(dir, options.recursive, &entries, stats_.get()));
  std::sort(entries.begin(), entries.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  internal::DropUpTo(options.start_after, &entries);
  return internal::MakeVectorLister(std::move(entries), options.page_size);
}

Result<std::unique_ptr<RandomAccessFile>> LocalFileSystem::OpenRead(std::string_view path,
                                                                    const ReadOptions&) {
  QUIRE_RETURN_NOT_OK(CheckPath(path));
  stats_->Count(RequestKind::kStat);  // the open and fstat
  QUIRE_ASSIGN_OR_RETURN(auto file, OpenLocalFile(std::string(path)));
  return internal::CountReads(std::move(file), stats_);
}

Result<std::unique_ptr<OutputStream>> LocalFileSystem::OpenWrite(std::string_view path,
                                                                 const WriteOptions& options) {
  QUIRE_RETURN_NOT_OK(CheckPath(path));
  QUIRE_RETURN_NOT_OK(MakeParents(path));
  LocalOutputOptions local;
  local.overwrite = options.overwrite;
  QUIRE_ASSIGN_OR_RETURN(auto stream, OpenLocalOutput(std::string(path), local));
  return internal::CountWrites(std::move(stream), stats_);
}

Status LocalFileSystem::PutIfAbsent(std::string_view path, std::span<const uint8_t> data) {
  WriteOptions options;
  options.overwrite = false;
  QUIRE_ASSIGN_OR_RETURN(auto out, OpenWrite(path, options));
  Status st = out->Write(data);
  if (!st.ok()) {
    out->Abort();
    return st;
  }
  return out->Close();
}

Status LocalFileSystem::Delete(std::span<const std::string> paths) {
  for (const auto& path : paths) {
    QUIRE_RETURN_NOT_OK(CheckPath(path));
    stats_->Count(RequestKind::kDelete);
    if (::unlink(path.c_str()) != 0) {
      const int err = errno;
      if (err == ENOENT) continue;
      if (err == EISDIR || err == EPERM) {
        struct stat st;
        if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
          return Status::Invalid("{}: is a folder (delete folders with DeleteDir)", path);
        }
      }
      return FromErrno("cannot delete", path, err);
    }
  }
  return Status::OK();
}

Status LocalFileSystem::DeleteDir(std::string_view path) {
  QUIRE_RETURN_NOT_OK(CheckPath(path));
  QUIRE_ASSIGN_OR_RETURN(FileInfo info, Stat(path));
  if (!info.is_dir()) return Status::Invalid("{}: is a file, not a folder", path);
  stats_->Count(RequestKind::kDelete);
  std::error_code ec;
  stdfs::remove_all(std::string(path), ec);
  if (ec) return FromErrorCode("cannot delete the folder", path, ec);
  return Status::OK();
}

Status LocalFileSystem::CreateDir(std::string_view path) {
  QUIRE_RETURN_NOT_OK(CheckPath(path));
  stats_->Count(RequestKind::kOther);
  std::error_code ec;
  stdfs::create_directories(std::string(path), ec);
  if (!ec && stdfs::is_directory(std::string(path), ec)) return Status::OK();
  // A file at the path or at one of its parents.
  for (stdfs::path p(path); !p.empty() && p != p.root_path(); p = p.parent_path()) {
    if (stdfs::is_regular_file(p, ec)) {
      return Status::AlreadyExists("{}: the file {} is in the way of the folder", path, p.string());
    }
  }
  return FromErrorCode("cannot create the folder", path, ec);
}

Status LocalFileSystem::Move(std::string_view from, std::string_view to) {
  QUIRE_RETURN_NOT_OK(CheckPath(from));
  QUIRE_RETURN_NOT_OK(CheckPath(to));
  const std::string f(from), t(to);
  struct stat st;
  if (::stat(f.c_str(), &st) != 0) return FromErrno("cannot move", from, errno);
  QUIRE_RETURN_NOT_OK(MakeParents(to));
  stats_->Count(RequestKind::kCopy);
  if (::rename(f.c_str(), t.c_str()) == 0) return Status::OK();
  const int err = errno;
  if (err == EXDEV && S_ISREG(st.st_mode)) return FileSystem::Move(from, to);
  return Status::IOError("{}: cannot move to {}: {}", from, to, std::strerror(err));
}

}  // namespace quire::io
