#pragma once

/// \file quire/io/file_system_internal.h
/// \brief Pieces the filesystems share: wrappers of files and streams (counting,
/// keeping a filesystem alive) and listings in memory.

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "quire/io/file_system.h"

namespace quire::io::internal {

/// \brief A file that passes every call to `file_`; wrappers override what they add to.
class ForwardingFile : public RandomAccessFile {
 public:
  explicit ForwardingFile(std::unique_ptr<RandomAccessFile> file) : file_(std::move(file)) {}
  Result<int64_t> Size() const override { return file_->Size(); }
  Result<columnar::BufferPtr> ReadAt(int64_t offset, int64_t length) const override {
    return file_->ReadAt(offset, length);
  }
  Result<columnar::BufferPtr> ReadTail(int64_t length) const override {
    return file_->ReadTail(length);
  }
  void WillNeed(std::span<const std::pair<int64_t, int64_t>> ranges) const override {
    file_->WillNeed(ranges);
  }
  const std::string& path() const override { return file_->path(); }

 protected:
  std::unique_ptr<RandomAccessFile> file_;
};

/// \brief A stream that passes every call to `stream_`; wrappers override what they add to.
class ForwardingStream : public OutputStream {
 public:
  explicit ForwardingStream(std::unique_ptr<OutputStream> stream) : stream_(std::move(stream)) {}
  Status Write(std::span<const uint8_t> data) override { return stream_->Write(data); }
  using OutputStream::Write;
  int64_t position() const override { return stream_->position(); }
  Status Close() override { return stream_->Close(); }
  void Abort() override { stream_->Abort(); }
  const std::string& path() const override { return stream_->path(); }

 protected:
  std::unique_ptr<OutputStream> stream_;
};

/// \brief Count each ReadAt/ReadTail as one kRead request, with its bytes.
std::unique_ptr<RandomAccessFile> CountReads(std::unique_ptr<RandomAccessFile> file,
                                             std::shared_ptr<IoStats> stats);

/// \brief Count the bytes written, and a successful Close() as one kWrite request.
std::unique_ptr<OutputStream> CountWrites(std::unique_ptr<OutputStream> stream,
                                          std::shared_ptr<IoStats> stats);

/// \brief A listing already read whole (local folders, memory), handed out in
/// pages of `page_size` entries.
std::unique_ptr<FileLister> MakeVectorLister(std::vector<FileInfo> entries, int page_size);

/// \brief Drop the entries of sorted `entries` whose path is not after
/// `start_after` (ListOptions::start_after); nothing when it is empty.
void DropUpTo(std::string_view start_after, std::vector<FileInfo>* entries);

}  // namespace quire::io::internal
