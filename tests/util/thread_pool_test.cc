#include "quire/util/thread_pool.h"

#include <atomic>

#include <gtest/gtest.h>

namespace quire::util {
namespace {

TEST(ThreadPoolTest, RunsEveryTaskAndReturnsResults) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.size(), 3);
  std::vector<std::future<int>> results;
  for (int i = 0; i < 100; ++i) results.push_back(pool.Submit([i] { return i * i; }));
  int sum = 0;
  for (auto& r : results) sum += r.get();
  EXPECT_EQ(sum, 328350);
}

TEST(ThreadPoolTest, DestructorDrainsTheQueue) {
  std::atomic<int> done{0};
  {
    ThreadPool pool(2);
    for (int i = 0; i < 50; ++i) pool.Submit([&] { ++done; });
  }
  EXPECT_EQ(done.load(), 50);
}

TEST(ThreadPoolTest, ExceptionsReachTheFuture) {
  ThreadPool pool(1);
  auto f = pool.Submit([]() -> int { throw std::bad_alloc(); });
  EXPECT_THROW(f.get(), std::bad_alloc);
  EXPECT_EQ(pool.Submit([] { return 7; }).get(), 7) << "the worker survives";
}

}  // namespace
}  // namespace quire::util
