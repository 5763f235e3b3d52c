/// \file quire/io/file_system_internal.cc
#include "quire/io/file_system_internal.h"

#include <algorithm>

namespace quire::io::internal {

namespace {

class CountingFile final : public ForwardingFile {
 public:
  CountingFile(std::unique_ptr<RandomAccessFile> file, std::shared_ptr<IoStats> stats)
      : ForwardingFile(std::move(file)), stats_(std::move(stats)) {}
  Result<columnar::BufferPtr> ReadAt(int64_t offset, int64_t length) const override {
    return Counted(file_->ReadAt(offset, length));
  }
  Result<columnar::BufferPtr> ReadTail(int64_t length) const override {
    return Counted(file_->ReadTail(length));
  }

 private:
  Result<columnar::BufferPtr> Counted(Result<columnar::BufferPtr> r) const {
    stats_->Count(RequestKind::kRead);
    if (r.ok()) stats_->AddRead((*r)->size());
    return r;
  }
  std::shared_ptr<IoStats> stats_;
};

class CountingStream final : public ForwardingStream {
 public:
  CountingStream(std::unique_ptr<OutputStream> stream, std::shared_ptr<IoStats> stats)
      : ForwardingStream(std::move(stream)), stats_(std::move(stats)) {}
  Status Write(std::span<const uint8_t> data) override {
    QUIRE_RETURN_NOT_OK(stream_->Write(data));
    stats_->AddWritten(int64_t(data.size()));
    return Status::OK();
  }
  using OutputStream::Write;
  Status Close() override {
    QUIRE_RETURN_NOT_OK(stream_->Close());
    stats_->Count(RequestKind::kWrite);
    return Status::OK();
  }

 private:
  std::shared_ptr<IoStats> stats_;
};

class VectorLister final : public FileLister {
 public:
  VectorLister(std::vector<FileInfo> entries, int page_size)
      : entries_(std::move(entries)), page_size_(size_t(std::max(page_size, 1))) {}
  Result<std::vector<FileInfo>> Next() override {
    const size_t n = std::min(page_size_, entries_.size() - at_);
    std::vector<FileInfo> page(std::make_move_iterator(entries_.begin() + at_),
                               std::make_move_iterator(entries_.begin() + at_ + n));
    at_ += n;
    return page;
  }

 private:
  std::vector<FileInfo> entries_;
  size_t page_size_;
  size_t at_ = 0;
};

}  // namespace

std::unique_ptr<RandomAccessFile> CountReads(std::unique_ptr<RandomAccessFile> file,
                                             std::shared_ptr<IoStats> stats) {
  return std::make_unique<CountingFile>(std::move(file), std::move(stats));
}

std::unique_ptr<OutputStream> CountWrites(std::unique_ptr<OutputStream> stream,
                                          std::shared_ptr<IoStats> stats) {
  return std::make_unique<CountingStream>(std::move(stream), std::move(stats));
}

void DropUpTo(std::string_view start_after, std::vector<FileInfo>* entries) {
  if (start_after.empty()) return;
  auto end = std::upper_bound(
      entries->begin(), entries->end(), start_after,
      [](std::string_view key, const FileInfo& e) { return key < std::string_view(e.path); });
  entries->erase(entries->begin(), end);
}

std::unique_ptr<FileLister> MakeVectorLister(std::vector<FileInfo> entries, int page_size) {
  return std::make_unique<VectorLister>(std::move(entries), page_size);
}

}  // namespace quire::io::internal
