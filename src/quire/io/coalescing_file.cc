/// \file quire/io/coalescing_file.cc
#include "quire/io/coalescing_file.h"

#include <algorithm>
#include <future>
#include <list>
#include <mutex>

#include "quire/io/file_system.h"
#include "quire/util/macros.h"
#include "quire/util/thread_pool.h"

namespace quire::io {

std::vector<std::pair<int64_t, int64_t>> CoalesceRanges(
    std::vector<std::pair<int64_t, int64_t>> ranges, const CoalesceOptions& options) {
  std::erase_if(ranges, [](const auto& r) { return r.second <= 0 || r.first < 0; });
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const auto& [offset, length] : ranges) {
    if (!out.empty()) {
      auto& [start, size] = out.back();
      const int64_t end = start + size;
      const int64_t new_end = std::max(end, offset + length);
      if (offset <= end + options.hole_size_limit &&
          (new_end - start <= options.range_size_limit || offset < end)) {
        size = new_end - start;
        continue;
      }
    }
    out.emplace_back(offset, length);
  }
  return out;
}

namespace {

class CoalescingFile final : public RandomAccessFile {
 public:
  CoalescingFile(std::unique_ptr<RandomAccessFile> file, const CoalesceOptions& options)
      : file_(std::move(file)), options_(options) {}

  ~CoalescingFile() override {
    // Fetches still running read through file_: wait for them.
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& e : entries_) e->data.wait();
  }

  Result<int64_t> Size() const override { return file_->Size(); }
  Result<columnar::BufferPtr> ReadTail(int64_t length) const override {
    return file_->ReadTail(length);
  }
  const std::string& path() const override { return file_->path(); }

  void WillNeed(std::span<const std::pair<int64_t, int64_t>> ranges) const override {
    std::vector<std::pair<int64_t, int64_t>> wanted(ranges.begin(), ranges.end());
    std::lock_guard<std::mutex> lock(mutex_);
    // Leave out what is fetched already.
    std::erase_if(wanted, [&](const auto& r) { return Find(r.first, r.second) != nullptr; });
    for (const auto& range : CoalesceRanges(wanted, options_)) {
      // Plain variables: clang 14 (the fuzz build) cannot capture structured bindings.
      const int64_t offset = range.first, length = range.second;
      if (buffered_ + length > options_.max_buffered_bytes) break;
      auto entry = std::make_shared<Entry>();
      entry->offset = offset;
      entry->length = length;
      for (const auto& [o, l] : wanted) {
        if (o >= offset && o + l <= offset + length) entry->announced += l;
      }
      const RandomAccessFile* file = file_.get();
      entry->data = IoThreadPool()->Submit([file, offset, length] {
        return file->ReadAt(offset, length);
      }).share();
      buffered_ += length;
      entries_.push_back(std::move(entry));
    }
  }

  Result<columnar::BufferPtr> ReadAt(int64_t offset, int64_t length) const override {
    std::shared_ptr<Entry> entry;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      entry = Find(offset, length);
      if (entry) {
        entry->served += length;
        if (entry->served >= entry->announced) Drop(entry.get());
      }
    }
    if (!entry) return file_->ReadAt(offset, length);
    const Result<columnar::BufferPtr>& data = entry->data.get();
    if (!data.ok()) return data.status();
    return columnar::Buffer::Slice(*data, offset - entry->offset, length);
  }

 private:
  struct Entry {
    int64_t offset = 0;
    int64_t length = 0;
    int64_t announced = 0;  // bytes of hinted ranges inside
    int64_t served = 0;     // bytes read from it so far
    std::shared_future<Result<columnar::BufferPtr>> data;
  };

  std::shared_ptr<Entry> Find(int64_t offset, int64_t length) const {
    for (const auto& e : entries_) {
      if (offset >= e->offset && offset + length <= e->offset + e->length) return e;
    }
    return nullptr;
  }

  void Drop(const Entry* entry) const {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->get() != entry) continue;
      buffered_ -= entry->length;
      entries_.erase(it);
      return;
    }
  }

  std::unique_ptr<RandomAccessFile> file_;
  CoalesceOptions options_;
  mutable std::mutex mutex_;
  mutable std::list<std::shared_ptr<Entry>> entries_;
  mutable int64_t buffered_ = 0;
};

}  // namespace

std::unique_ptr<RandomAccessFile> MakeCoalescingFile(std::unique_ptr<RandomAccessFile> file,
                                                     const CoalesceOptions& options) {
  return std::make_unique<CoalescingFile>(std::move(file), options);
}

}  // namespace quire::io
