#include "quire/util/bit_util.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace quire::util {
namespace {

std::vector<uint8_t> RandomBits(size_t bytes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(bytes);
  for (auto& b : v) b = uint8_t(rng());
  return v;
}

TEST(BitUtilTest, CountSetBitsMatchesBitByBitCountAtEveryOffset) {
  auto bits = RandomBits(64, 1);
  for (int64_t offset = 0; offset < 70; offset += 3) {
    for (int64_t length = 0; offset + length <= 512; length += 37) {
      int64_t expected = 0;
      for (int64_t i = offset; i < offset + length; ++i) expected += GetBit(bits.data(), i);
      EXPECT_EQ(CountSetBits(bits.data(), offset, length), expected) << offset << "+" << length;
    }
  }
}

TEST(BitUtilTest, CopyBitmapCopiesUnalignedRangesAndPreservesNeighbours) {
  auto src = RandomBits(40, 2);
  for (int64_t src_off : {0, 1, 5, 8, 13}) {
    for (int64_t dst_off : {0, 3, 8, 11}) {
      for (int64_t len : {0, 1, 7, 8, 9, 64, 200}) {
        std::vector<uint8_t> dst(40, 0xA5), expect = dst;
        for (int64_t i = 0; i < len; ++i) {
          SetBitTo(expect.data(), dst_off + i, GetBit(src.data(), src_off + i));
        }
        CopyBitmap(src.data(), src_off, len, dst.data(), dst_off);
        ASSERT_EQ(dst, expect) << src_off << " " << dst_off << " " << len;
      }
    }
  }
}

TEST(BitUtilTest, SetBitsToSetsExactlyTheRange) {
  std::vector<uint8_t> v(8, 0);
  SetBitsTo(v.data(), 3, 20, true);
  EXPECT_EQ(CountSetBits(v.data(), 0, 64), 20);
  EXPECT_FALSE(GetBit(v.data(), 2));
  EXPECT_TRUE(GetBit(v.data(), 3));
  EXPECT_TRUE(GetBit(v.data(), 22));
  EXPECT_FALSE(GetBit(v.data(), 23));
  SetBitsTo(v.data(), 4, 10, false);
  EXPECT_EQ(CountSetBits(v.data(), 0, 64), 10);
}

TEST(BitUtilTest, LoadBitsReturnsExactlyTheRange) {
  auto bits = RandomBits(24, 3);
  for (int64_t offset = 0; offset < 80; ++offset) {
    for (int64_t count = 0; count <= 64; ++count) {
      uint64_t expected = 0;
      for (int64_t i = 0; i < count; ++i) {
        expected |= uint64_t(GetBit(bits.data(), offset + i)) << i;
      }
      ASSERT_EQ(LoadBits(bits.data(), offset, count), expected) << offset << "+" << count;
    }
  }
}

}  // namespace
}  // namespace quire::util
