/// \file quire/io/memory_file_system.cc
#include "quire/io/memory_file_system.h"

#include <algorithm>
#include <cstring>

#include "quire/io/file_system_internal.h"
#include "quire/util/macros.h"

namespace quire::io {

namespace {

// Everything written is kept by reference until Close() puts it in the store.
class MemoryOutput final : public OutputStream {
 public:
  MemoryOutput(MemoryFileSystem* fs, std::shared_ptr<FileSystem> keep, std::string path,
               bool overwrite)
      : fs_(fs), keep_(std::move(keep)), path_(std::move(path)), overwrite_(overwrite),
        bytes_(path_) {}
  ~MemoryOutput() override { Abort(); }

  Status Write(std::span<const uint8_t> data) override {
    if (done_) return Status::Invalid("memory://{}: write after the stream was closed", path_);
    return bytes_.Write(data);
  }
  using OutputStream::Write;
  int64_t position() const override { return bytes_.position(); }
  Status Close() override {
    if (done_) return Status::Invalid("memory://{}: the stream is already closed", path_);
    done_ = true;
    QUIRE_RETURN_NOT_OK(bytes_.Close());
    return fs_->Put(path_, bytes_.buffer(), overwrite_);
  }
  void Abort() override {
    if (done_) return;
    done_ = true;
    bytes_.Abort();
  }
  const std::string& path() const override { return path_; }

 private:
  MemoryFileSystem* fs_;
  std::shared_ptr<FileSystem> keep_;
  std::string path_;
  bool overwrite_;
  BufferOutputStream bytes_;
  bool done_ = false;
};

std::mutex named_mutex;

}  // namespace

std::shared_ptr<MemoryFileSystem> MemoryFileSystem::Named(const std::string& name) {
  static auto* stores = new std::map<std::string, std::shared_ptr<MemoryFileSystem>>();
  std::lock_guard<std::mutex> lock(named_mutex);
  auto& fs = (*stores)[name];
  if (!fs) fs = std::make_shared<MemoryFileSystem>(name);
  return fs;
}

std::string MemoryFileSystem::Url(std::string_view path) const {
  return fmt::format("memory://{}/{}", name_, path);
}

Result<std::string> MemoryFileSystem::Normalize(std::string_view path) const {
  while (path.starts_with('/')) path.remove_prefix(1);
  while (path.ends_with('/')) path.remove_suffix(1);
  if (path.find('\0') != std::string_view::npos) {
    return Status::Invalid("a path holds a NUL byte");
  }
  return std::string(path);
}

bool MemoryFileSystem::IsDirLocked(const std::string& path) const {
  if (path.empty() || dirs_.contains(path)) return true;
  const std::string prefix = path + "/";
  auto f = files_.lower_bound(prefix);
  if (f != files_.end() && f->first.starts_with(prefix)) return true;
  auto d = dirs_.lower_bound(prefix);
  return d != dirs_.end() && d->starts_with(prefix);
}

Result<FileInfo> MemoryFileSystem::Stat(std::string_view path) {
  QUIRE_ASSIGN_OR_RETURN(std::string p, Normalize(path));
  stats_->Count(RequestKind::kStat);
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = files_.find(p); it != files_.end()) {
    return FileInfo{p, FileType::kFile, it->second.data->size(), it->second.mtime, {}};
  }
  if (IsDirLocked(p)) return FileInfo{p, FileType::kDirectory, -1, std::nullopt, {}};
  return Status::NotFound("{}: no such file or folder", Url(p));
}

Result<std::unique_ptr<FileLister>> MemoryFileSystem::List(std::string_view path,
                                                           const ListOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(std::string dir, Normalize(path));
  stats_->Count(RequestKind::kList);
  const std::string prefix = dir.empty() ? "" : dir + "/";
  std::vector<FileInfo> entries;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!dir.empty() && files_.contains(dir)) {
    return Status::Invalid("{}: is a file, not a folder", Url(dir));
  }
  std::set<std::string> subdirs;
  auto child_dir = [&](const std::string& key) {
    const auto slash = key.find('/', prefix.size());
    if (slash != std::string::npos) subdirs.insert(key.substr(0, slash));
    return slash != std::string::npos;
  };
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.starts_with(prefix);
       ++it) {
    if (!options.recursive && child_dir(it->first)) continue;
    entries.push_back({it->first, FileType::kFile, it->second.data->size(), it->second.mtime, {}});
  }
  if (!options.recursive) {
    for (auto it = dirs_.lower_bound(prefix); it != dirs_.end() && it->starts_with(prefix); ++it) {
      if (!child_dir(*it)) subdirs.insert(*it);
    }
    for (const auto& d : subdirs) entries.push_back({d, FileType::kDirectory, -1, {}, {}});
  }
  std::sort(entries.begin(), entries.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  internal::DropUpTo(options.start_after, &entries);
  return internal::MakeVectorLister(std::move(entries), options.page_size);
}

Result<std::unique_ptr<RandomAccessFile>> MemoryFileSystem::OpenRead(std::string_view path,
                                                                     const ReadOptions&) {
  QUIRE_ASSIGN_OR_RETURN(std::string p, Normalize(path));
  columnar::BufferPtr data;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = files_.find(p);
    if (it == files_.end()) {
      if (IsDirLocked(p)) return Status::Invalid("{}: is a folder, not a file", Url(p));
      return Status::NotFound("{}: no such file", Url(p));
    }
    data = it->second.data;
  }
  return internal::CountReads(MakeBufferFile(std::move(data), Url(p)), stats_);
}

Result<std::unique_ptr<OutputStream>> MemoryFileSystem::OpenWrite(std::string_view path,
                                                                  const WriteOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(std::string p, Normalize(path));
  if (p.empty()) return Status::Invalid("{}: is not a file path", Url(p));
  return internal::CountWrites(std::make_unique<MemoryOutput>(this, weak_from_this().lock(), std::move(p),
                                                              options.overwrite),
                               stats_);
}

Status MemoryFileSystem::Put(const std::string& path, columnar::BufferPtr data, bool overwrite) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (IsDirLocked(path)) return Status::AlreadyExists("{}: a folder is in the way", Url(path));
  auto [it, inserted] = files_.try_emplace(path);
  if (!inserted && !overwrite) {
    return Status::AlreadyExists("{}: the file already exists", Url(path));
  }
  it->second = File{std::move(data), std::chrono::system_clock::now()};
  return Status::OK();
}

Status MemoryFileSystem::PutIfAbsent(std::string_view path, std::span<const uint8_t> data) {
  QUIRE_ASSIGN_OR_RETURN(std::string p, Normalize(path));
  if (p.empty()) return Status::Invalid("{}: is not a file path", Url(p));
  stats_->Count(RequestKind::kWrite);
  QUIRE_ASSIGN_OR_RETURN(auto buffer, columnar::MutableBuffer::Allocate(int64_t(data.size())));
  if (!data.empty()) std::memcpy(buffer->mutable_data(), data.data(), data.size());
  QUIRE_RETURN_NOT_OK(Put(p, std::move(buffer), /*overwrite=*/false));
  stats_->AddWritten(int64_t(data.size()));
  return Status::OK();
}

Status MemoryFileSystem::Delete(std::span<const std::string> paths) {
  stats_->Count(RequestKind::kDelete);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& path : paths) {
    QUIRE_ASSIGN_OR_RETURN(std::string p, Normalize(path));
    if (!files_.contains(p) && IsDirLocked(p)) {
      return Status::Invalid("{}: is a folder (delete folders with DeleteDir)", Url(p));
    }
    files_.erase(p);
  }
  return Status::OK();
}

Status MemoryFileSystem::DeleteDir(std::string_view path) {
  QUIRE_ASSIGN_OR_RETURN(std::string p, Normalize(path));
  stats_->Count(RequestKind::kDelete);
  std::lock_guard<std::mutex> lock(mutex_);
  if (files_.contains(p)) return Status::Invalid("{}: is a file, not a folder", Url(p));
  const std::string prefix = p.empty() ? "" : p + "/";
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.starts_with(prefix);) {
    it = files_.erase(it);
  }
  for (auto it = dirs_.lower_bound(prefix); it != dirs_.end() && it->starts_with(prefix);) {
    it = dirs_.erase(it);
  }
  dirs_.erase(p);
  return Status::OK();
}

Status MemoryFileSystem::CreateDir(std::string_view path) {
  QUIRE_ASSIGN_OR_RETURN(std::string p, Normalize(path));
  stats_->Count(RequestKind::kOther);
  std::lock_guard<std::mutex> lock(mutex_);
  // The folder and every parent of it are folders, so none may be a file.
  for (size_t end = p.find('/');; end = p.find('/', end + 1)) {
    const std::string_view folder = std::string_view(p).substr(0, end);
    if (files_.contains(folder)) {
      return Status::AlreadyExists("{}: a file is in the way of the folder", Url(folder));
    }
    if (end == std::string::npos) break;
  }
  if (!p.empty()) dirs_.insert(p);
  return Status::OK();
}

Status MemoryFileSystem::Copy(std::string_view from, std::string_view to) {
  QUIRE_ASSIGN_OR_RETURN(std::string f, Normalize(from));
  QUIRE_ASSIGN_OR_RETURN(std::string t, Normalize(to));
  stats_->Count(RequestKind::kCopy);
  columnar::BufferPtr data;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = files_.find(f);
    if (it == files_.end()) return Status::NotFound("{}: no such file", Url(f));
    data = it->second.data;
  }
  return Put(t, std::move(data), /*overwrite=*/true);
}

Status MemoryFileSystem::Move(std::string_view from, std::string_view to) {
  QUIRE_ASSIGN_OR_RETURN(std::string f, Normalize(from));
  QUIRE_ASSIGN_OR_RETURN(std::string t, Normalize(to));
  stats_->Count(RequestKind::kCopy);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = files_.find(f);
  if (it == files_.end()) return Status::NotFound("{}: no such file", Url(f));
  if (f == t) return Status::OK();
  if (IsDirLocked(t)) return Status::AlreadyExists("{}: a folder is in the way", Url(t));
  File file = std::move(it->second);
  files_.erase(it);
  files_[t] = std::move(file);
  return Status::OK();
}

}  // namespace quire::io
