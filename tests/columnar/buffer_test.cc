#include "quire/columnar/buffer.h"

#include <cstring>

#include <gtest/gtest.h>

#include "quire/testing/matchers.h"
#include "quire/util/bit_util.h"

namespace quire::columnar {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

TEST(MemoryPoolTest, CountsBytesAndPeakAndAligns) {
  TrackingMemoryPool pool;
  uint8_t* a = nullptr;
  uint8_t* b = nullptr;
  ASSERT_OK(pool.Allocate(100, &a));
  ASSERT_OK(pool.Allocate(1000, &b));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % kBufferAlignment, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % kBufferAlignment, 0u);
  EXPECT_EQ(pool.bytes_allocated(), 1100);
  pool.Free(a, 100);
  EXPECT_EQ(pool.bytes_allocated(), 1000);
  ASSERT_OK(pool.Reallocate(1000, 5000, &b));
  EXPECT_EQ(pool.bytes_allocated(), 5000);
  EXPECT_EQ(pool.max_memory(), 6000) << "old and new block both live during a reallocation";
  pool.Free(b, 5000);
  EXPECT_EQ(pool.bytes_allocated(), 0);
  EXPECT_EQ(pool.num_allocations(), 3);
}

TEST(MemoryPoolTest, LimitGivesResourceExhaustedAndLeavesCountsUnchanged) {
  TrackingMemoryPool pool(4096);
  uint8_t* a = nullptr;
  ASSERT_OK(pool.Allocate(4000, &a));
  uint8_t* b = nullptr;
  EXPECT_THAT(pool.Allocate(200, &b), IsError(ErrorCode::kResourceExhausted, HasSubstr("4096")));
  EXPECT_EQ(pool.bytes_allocated(), 4000);
  pool.Free(a, 4000);
}

TEST(MemoryPoolTest, ZeroSizeAllocationsAreNonNullAndFree) {
  TrackingMemoryPool pool;
  uint8_t* p = nullptr;
  ASSERT_OK(pool.Allocate(0, &p));
  EXPECT_NE(p, nullptr);
  EXPECT_EQ(pool.bytes_allocated(), 0);
  pool.Free(p, 0);
}

TEST(BufferTest, SliceSharesMemoryAndKeepsTheParentAlive) {
  TrackingMemoryPool pool;
  BufferPtr slice;
  {
    ASSERT_OK_AND_ASSIGN(auto buf, Buffer::Copy(std::string_view("hello world"), &pool));
    slice = Buffer::Slice(buf, 6, 5);
    EXPECT_EQ(slice->data(), buf->data() + 6);
  }
  EXPECT_GT(pool.bytes_allocated(), 0) << "the slice holds the parent";
  EXPECT_EQ(slice->ToStringView(), "world");
  slice.reset();
  EXPECT_EQ(pool.bytes_allocated(), 0);
}

TEST(BufferTest, MutableBufferGrowsInMultiplesOf64AndZeroesPadding) {
  TrackingMemoryPool pool;
  ASSERT_OK_AND_ASSIGN(auto buf, MutableBuffer::Allocate(10, &pool));
  EXPECT_EQ(buf->capacity(), 64);
  std::memset(buf->mutable_data(), 0xFF, 64);
  buf->ZeroPadding();
  EXPECT_EQ(buf->data()[10], 0);
  EXPECT_EQ(buf->data()[63], 0);
  ASSERT_OK(buf->Resize(100));
  EXPECT_EQ(buf->capacity(), 128);
  EXPECT_EQ(buf->data()[5], 0xFF) << "contents survive growth";
  ASSERT_OK(buf->Resize(3, /*shrink_to_fit=*/true));
  EXPECT_EQ(buf->capacity(), 64);
}

TEST(BufferBuilderTest, AppendsAndFinishesWithExactSize) {
  BufferBuilder b;
  ASSERT_OK(b.Append("abc", 3));
  ASSERT_OK(b.AppendValue<int32_t>(7));
  ASSERT_OK(b.AppendFill('z', 2));
  ASSERT_OK_AND_ASSIGN(auto buf, b.Finish());
  EXPECT_EQ(buf->size(), 9);
  EXPECT_EQ(buf->ToStringView().substr(7), "zz");
  EXPECT_EQ(b.length(), 0);
}

TEST(BitmapBuilderTest, AppendsRunsBitsAndBytesAtAnyAlignment) {
  BitmapBuilder b;
  ASSERT_OK(b.Append(true));
  ASSERT_OK(b.AppendRun(false, 10));
  const uint8_t src[] = {0b1010'1010, 0xFF};
  ASSERT_OK(b.AppendBits(src, 1, 9));  // 1,0,1,0,1,0,1,1,1 from bit 1
  const uint8_t bytes[] = {0, 3};
  ASSERT_OK(b.AppendBytes(bytes, 2));
  EXPECT_EQ(b.length(), 22);
  EXPECT_EQ(b.false_count(), 10 + 3 + 1);
  ASSERT_OK_AND_ASSIGN(auto buf, b.Finish());
  std::string bits;
  for (int i = 0; i < 22; ++i) bits += util::GetBit(buf->data(), i) ? '1' : '0';
  EXPECT_EQ(bits, "1" "0000000000" "101010111" "01");
}

TEST(BitmapBuilderTest, LazyBuilderWritesTheTrueRunOnTheFirstFalseBit) {
  for (int mode = 0; mode < 4; ++mode) {
    BitmapBuilder lazy(default_memory_pool(), /*lazy=*/true);
    BitmapBuilder eager;
    ASSERT_TRUE(lazy.Reserve(100).ok());
    ASSERT_TRUE(eager.Reserve(100).ok());
    for (int i = 0; i < 50; ++i) {
      lazy.UnsafeAppend(true);
      eager.UnsafeAppend(true);
    }
    EXPECT_EQ(lazy.data(), nullptr) << "nothing is written while every bit is true";
    const uint8_t partial = 0b10110111;  // bits 3 and 6 false
    switch (mode) {
      case 0: lazy.UnsafeAppend(false); eager.UnsafeAppend(false); break;
      case 1: ASSERT_TRUE(lazy.AppendRun(false, 3).ok()); ASSERT_TRUE(eager.AppendRun(false, 3).ok()); break;
      case 2: ASSERT_TRUE(lazy.AppendBits(&partial, 0, 8).ok()); ASSERT_TRUE(eager.AppendBits(&partial, 0, 8).ok()); break;
      case 3: ASSERT_TRUE(lazy.Append(false).ok()); ASSERT_TRUE(eager.Append(false).ok()); break;
    }
    // The promised room still holds after materializing: no reallocation needed
    // for unchecked appends up to the reserved 100 bits (ASan would see overflow).
    while (lazy.length() < 100) {
      lazy.UnsafeAppend(true);
      eager.UnsafeAppend(true);
    }
    EXPECT_EQ(lazy.false_count(), eager.false_count());
    ASSERT_NE(lazy.data(), nullptr);
    for (int64_t i = 0; i < 100; ++i) {
      EXPECT_EQ(util::GetBit(lazy.data(), i), util::GetBit(eager.data(), i)) << mode << " " << i;
    }
  }
  BitmapBuilder all_true(default_memory_pool(), /*lazy=*/true);
  ASSERT_TRUE(all_true.AppendRun(true, 20).ok());
  ASSERT_OK_AND_ASSIGN(auto buffer, all_true.Finish());
  EXPECT_EQ(buffer->size(), 3);
  EXPECT_EQ(util::CountSetBits(buffer->data(), 0, 20), 20);
}

TEST(MemoryPoolTest, LargeBuffersAreMappedReusedAndGrownInPlace) {
  TrackingMemoryPool pool;
  const int64_t size = int64_t(6) << 20;
  uint8_t* a = nullptr;
  ASSERT_OK(pool.Allocate(size, &a));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 4096, 0u) << "page aligned (so 64-byte aligned)";
  std::memset(a, 7, size_t(size));
  EXPECT_EQ(pool.bytes_allocated(), size);
  pool.Free(a, size);
  EXPECT_EQ(pool.bytes_allocated(), 0);
  uint8_t* b = nullptr;
  ASSERT_OK(pool.Allocate(size, &b));
  EXPECT_EQ(a, b) << "a freed mapping of the same size is reused";
  // Growing keeps the contents (mremap) and the accounting.
  ASSERT_OK(pool.Reallocate(size, 3 * size, &b));
  EXPECT_EQ(pool.bytes_allocated(), 3 * size);
  EXPECT_EQ(b[size - 1], 7);
  ASSERT_OK(pool.Reallocate(3 * size, 16, &b));  // back below the mapping threshold
  EXPECT_EQ(pool.bytes_allocated(), 16);
  EXPECT_EQ(b[15], 7);
  pool.Free(b, 16);
  EXPECT_EQ(pool.bytes_allocated(), 0);
  // A smaller request may take a larger cached mapping (at most twice its size),
  // which is then freed and grown by its real size.
  const int64_t big = int64_t(8) << 20, small = int64_t(5) << 20;
  uint8_t* c = nullptr;
  ASSERT_OK(pool.Allocate(big, &c));
  pool.Free(c, big);
  uint8_t* d = nullptr;
  ASSERT_OK(pool.Allocate(small, &d));
  EXPECT_EQ(c, d);
  ASSERT_OK(pool.Reallocate(small, 2 * size, &d));
  std::memset(d, 1, size_t(2 * size));
  pool.Free(d, 2 * size);
  EXPECT_EQ(pool.bytes_allocated(), 0);
}

}  // namespace
}  // namespace quire::columnar
