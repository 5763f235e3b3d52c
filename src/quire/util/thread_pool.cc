/// \file quire/util/thread_pool.cc
#include "quire/util/thread_pool.h"

#include <algorithm>

namespace quire::util {

ThreadPool::ThreadPool(int threads) {
  threads = std::max(1, threads);
  workers_.reserve(size_t(threads));
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::Work() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

ThreadPool* ThreadPool::Default() {
  static ThreadPool pool(int(std::max(1u, std::thread::hardware_concurrency())));
  return &pool;
}

void RunWorkers(ThreadPool* pool, int workers, const std::function<void(int worker)>& work) {
  struct Helpers {
    std::mutex mutex;
    std::condition_variable idle;
    bool closed = false;
    int running = 0;
  };
  auto helpers = std::make_shared<Helpers>();
  for (int w = 1; w < workers && pool != nullptr; ++w) {
    pool->Submit([helpers, &work, w] {
      {
        std::lock_guard<std::mutex> lock(helpers->mutex);
        if (helpers->closed) return;
        ++helpers->running;
      }
      work(w);
      std::lock_guard<std::mutex> lock(helpers->mutex);
      if (--helpers->running == 0) helpers->idle.notify_all();
    });
  }
  work(0);
  std::unique_lock<std::mutex> lock(helpers->mutex);
  helpers->closed = true;
  helpers->idle.wait(lock, [&] { return helpers->running == 0; });
}

}  // namespace quire::util
