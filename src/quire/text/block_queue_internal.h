#pragma once

/// \file quire/text/block_queue_internal.h
/// \brief The consumer side shared by CsvReader and JsonlReader: blocks of input
/// parsed into batches, optionally one block ahead on a producer task.

#include <deque>
#include <functional>
#include <future>
#include <utility>
#include <vector>

#include "quire/columnar/record_batch.h"
#include "quire/util/result.h"

namespace quire::text::internal {

/// \brief The batches parsed from one block of input.
struct TextBlock {
  std::vector<columnar::RecordBatchPtr> batches;
  Status status;
  bool end = false;  ///< nothing follows
};

/// \brief Hands out the batches of successive blocks in order; with prefetch, the
/// next block is produced on another thread while the caller works on the
/// current one. Not thread-safe (one consumer).
class BlockQueue {
 public:
  explicit BlockQueue(std::function<TextBlock()> produce) : produce_(std::move(produce)) {}
  /// \brief Wait for a block being produced (its state belongs to the owner).
  ~BlockQueue() { Wait(); }

  /// \brief Start producing the first block ahead, and every next one after.
  void StartPrefetch() {
    prefetch_ = true;
    Launch();
  }
  void Wait() {
    if (inflight_.valid()) inflight_.wait();
  }

  /// \brief Return the next batch, nullptr after the last, or the first error (kept).
  Result<columnar::RecordBatchPtr> Next() {
    while (ready_.empty()) {
      if (!error_.ok()) return error_;
      if (finished_) return columnar::RecordBatchPtr(nullptr);
      TextBlock block;
      if (prefetch_) {
        if (!inflight_.valid()) Launch();
        block = inflight_.get();
      } else {
        block = produce_();
      }
      for (auto& b : block.batches) {
        rows_read_ += b->num_rows();
        ready_.push_back(std::move(b));
      }
      if (!block.status.ok()) {
        error_ = std::move(block.status);
      } else if (block.end) {
        finished_ = true;
      } else if (prefetch_) {
        Launch();
      }
    }
    auto batch = std::move(ready_.front());
    ready_.pop_front();
    return batch;
  }

  int64_t rows_read() const { return rows_read_; }

 private:
  void Launch() { inflight_ = std::async(std::launch::async, produce_); }

  std::function<TextBlock()> produce_;
  bool prefetch_ = false;
  std::future<TextBlock> inflight_;
  std::deque<columnar::RecordBatchPtr> ready_;
  Status error_;
  bool finished_ = false;
  int64_t rows_read_ = 0;
};

}  // namespace quire::text::internal
