/// \file tests/io/coalescing_file_test.cc
/// \brief Announced ranges are merged when close, fetched ahead concurrently, and
/// served from memory; everything else reads through.
#include "quire/io/coalescing_file.h"

#include <random>
#include <thread>

#include "quire/io/memory_file_system.h"
#include "quire/testing/matchers.h"

namespace quire::io {
namespace {

using ::quire::testing::IsError;
using ::testing::ElementsAre;
using ::testing::Pair;
using Ranges = std::vector<std::pair<int64_t, int64_t>>;

TEST(CoalesceRangesTest, MergesAcrossSmallHolesOnly) {
  CoalesceOptions o{.hole_size_limit = 10, .range_size_limit = 1000};
  EXPECT_THAT(CoalesceRanges({{100, 10}, {0, 10}, {15, 5}, {40, 5}}, o),
              ElementsAre(Pair(0, 20), Pair(40, 5), Pair(100, 10)));
  EXPECT_THAT(CoalesceRanges({{0, 10}, {5, 10}, {3, 2}, {20, 0}}, o), ElementsAre(Pair(0, 15)));
}

TEST(CoalesceRangesTest, StopsGrowingAtTheSizeLimit) {
  CoalesceOptions o{.hole_size_limit = 100, .range_size_limit = 50};
  EXPECT_THAT(CoalesceRanges({{0, 30}, {30, 30}, {60, 30}, {95, 200}}, o),
              ElementsAre(Pair(0, 30), Pair(30, 30), Pair(60, 30), Pair(95, 200)));
  // Overlapping ranges merge whatever their size.
  EXPECT_THAT(CoalesceRanges({{0, 40}, {20, 40}}, o), ElementsAre(Pair(0, 60)));
}

class CoalescingFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_.resize(1 << 20);
    std::mt19937 rng(7);
    for (auto& c : data_) c = char(rng());
    ASSERT_OK(fs_->WriteAll("f", data_));
    ASSERT_OK_AND_ASSIGN(auto inner, fs_->OpenRead("f"));
    file_ = MakeCoalescingFile(std::move(inner), {.hole_size_limit = 1000,
                                                  .range_size_limit = 100000,
                                                  .max_buffered_bytes = 300000});
    fs_->stats().Reset();
  }
  std::string Read(int64_t offset, int64_t length) {
    auto r = file_->ReadAt(offset, length);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    return std::string(reinterpret_cast<const char*>((*r)->data()), size_t((*r)->size()));
  }
  int64_t Reads() const { return fs_->stats().Snapshot().count(RequestKind::kRead); }

  std::shared_ptr<MemoryFileSystem> fs_ = std::make_shared<MemoryFileSystem>();
  std::string data_;
  std::unique_ptr<RandomAccessFile> file_;
};

TEST_F(CoalescingFileTest, CloseRangesCostOneRequest) {
  const Ranges ranges = {{1000, 500}, {1600, 300}, {2500, 100}, {50000, 10}};
  file_->WillNeed(ranges);
  for (const auto& [o, l] : ranges) EXPECT_EQ(Read(o, l), data_.substr(size_t(o), size_t(l)));
  EXPECT_EQ(Reads(), 2);  // [1000, 2600) and [50000, 50010)
  EXPECT_EQ(fs_->stats().Snapshot().bytes_read, 1600 + 10);
  // Fully read ranges are let go; reading again goes to the file.
  EXPECT_EQ(Read(1000, 500), data_.substr(1000, 500));
  EXPECT_EQ(Reads(), 3);
}

TEST_F(CoalescingFileTest, UnannouncedReadsGoStraightThrough) {
  file_->WillNeed(Ranges{{0, 100}});
  EXPECT_EQ(Read(500000, 20), data_.substr(500000, 20));
  EXPECT_EQ(Read(50, 20), data_.substr(50, 20));  // inside the announced range
  EXPECT_EQ(Reads(), 2);
  EXPECT_THAT(file_->ReadAt(int64_t(data_.size()) - 1, 2), IsError(ErrorCode::kInvalidArgument));
}

TEST_F(CoalescingFileTest, BufferLimitDropsHintsBeyondIt) {
  file_->WillNeed(Ranges{{0, 200000}, {400000, 200000}});
  EXPECT_EQ(Read(400000, 200000), data_.substr(400000, 200000));
  EXPECT_EQ(Read(0, 200000), data_.substr(0, 200000));
  EXPECT_EQ(Reads(), 2);  // the second hint was over the limit: read on demand
}

TEST_F(CoalescingFileTest, ConcurrentReadersShareTheFetches) {
  Ranges ranges;
  for (int i = 0; i < 40; ++i) ranges.emplace_back(i * 20000, 5000);
  file_->WillNeed(ranges);
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 40; i += 4) {
        if (Read(i * 20000, 5000) != data_.substr(size_t(i) * 20000, 5000)) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(Reads(), 40);  // 15 kB holes are above the limit: one request each
}

TEST_F(CoalescingFileTest, TailAndSizePassThrough) {
  ASSERT_OK_AND_ASSIGN(int64_t size, file_->Size());
  EXPECT_EQ(size, int64_t(data_.size()));
  ASSERT_OK_AND_ASSIGN(auto tail, file_->ReadTail(10));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(tail->data()), 10), data_.substr(data_.size() - 10));
}

}  // namespace
}  // namespace quire::io
