#pragma once

/// \file quire/io/memory_file_system.h
/// \brief Files in memory, for tests and for embedding.

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "quire/io/file_system.h"

namespace quire::io {

/// \brief Files held in memory, shaped like an object store: a file is a key, a
/// directory exists while a key is below it or CreateDir() made it.
///
/// Files are immutable once written: an open file keeps reading the bytes it was
/// opened on even if the path is replaced or deleted. A stream from OpenWrite()
/// keeps the store alive when it is held by a shared_ptr. Thread-safe.
class QUIRE_EXPORT MemoryFileSystem final
    : public FileSystem,
      public std::enable_shared_from_this<MemoryFileSystem> {
 public:
  MemoryFileSystem() = default;
  explicit MemoryFileSystem(std::string name) : name_(std::move(name)) {}

  /// \brief Return the process-wide store `name` (memory://name/... URLs), created
  /// on first use and kept until the process ends.
  static std::shared_ptr<MemoryFileSystem> Named(const std::string& name);

  std::string_view scheme() const override { return "memory"; }
  std::string Url(std::string_view path) const override;
  Result<FileInfo> Stat(std::string_view path) override;
  Result<std::unique_ptr<FileLister>> List(std::string_view path,
                                           const ListOptions& options = {}) override;
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(std::string_view path,
                                                     const ReadOptions& options = {}) override;
  Result<std::unique_ptr<OutputStream>> OpenWrite(std::string_view path,
                                                  const WriteOptions& options = {}) override;
  Status PutIfAbsent(std::string_view path, std::span<const uint8_t> data) override;
  Status Delete(std::span<const std::string> paths) override;
  Status DeleteDir(std::string_view path) override;
  Status CreateDir(std::string_view path) override;
  Status Copy(std::string_view from, std::string_view to) override;
  Status Move(std::string_view from, std::string_view to) override;

  /// \brief Store `data` at `path` (used by the streams OpenWrite() returns).
  /// \return kAlreadyExists when `overwrite` is false and the path exists.
  Status Put(const std::string& path, columnar::BufferPtr data, bool overwrite);

 private:
  struct File {
    columnar::BufferPtr data;
    std::chrono::system_clock::time_point mtime;
  };
  Result<std::string> Normalize(std::string_view path) const;
  bool IsDirLocked(const std::string& path) const;

  std::string name_;
  mutable std::mutex mutex_;
  std::map<std::string, File, std::less<>> files_;
  std::set<std::string, std::less<>> dirs_;
};

}  // namespace quire::io
