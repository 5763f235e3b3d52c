#pragma once

/// \file quire/util/thread_pool.h
/// \brief A fixed set of worker threads running submitted tasks.

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "quire/util/visibility.h"

namespace quire::util {

/// \brief Runs tasks on `size()` worker threads, in submission order.
///
/// Thread-safe. The destructor runs the tasks already submitted, then joins.
class QUIRE_EXPORT ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return int(workers_.size()); }

  /// \brief Run `fn` on a worker; the future holds its result.
  template <typename F>
  auto Submit(F&& fn) -> std::future<std::invoke_result_t<F>> {
    using R = std::invoke_result_t<F>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(fn));
    std::future<R> result = task->get_future();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.emplace_back([task] { (*task)(); });
    }
    cv_.notify_one();
    return result;
  }

  /// \brief Return the pool shared by the process, with one thread per core.
  /// Created on first use; its threads are joined at exit.
  static ThreadPool* Default();

 private:
  void Work();

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

/// \brief Run `work(w)` for workers w = 0 .. workers - 1: the caller runs worker 0,
/// and up to `workers - 1` helpers are submitted to `pool` (which may be null when
/// `workers` is 1).
///
/// Returns when the caller's worker and every helper that started have finished.
/// A helper that starts only after that (every pool thread was busy, e.g. when
/// called from the pool's own tasks) returns at once without calling `work`, so
/// `work` must be written so that worker 0 alone finishes the job (workers take
/// tasks from a shared counter). Never deadlocks on a busy pool.
QUIRE_EXPORT void RunWorkers(ThreadPool* pool, int workers,
                             const std::function<void(int worker)>& work);

}  // namespace quire::util
