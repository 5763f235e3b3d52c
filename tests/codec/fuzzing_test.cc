/// \file tests/codec/fuzzing_test.cc
/// \brief Replays the codec fuzzer in every test run (Release and ASan+UBSan): valid
/// seeds of every codec, deterministic mutations of them, and random bytes.
#include <random>

#include <gtest/gtest.h>

#include "quire/codec/fuzzing.h"
#include "codec_test_util.h"
#include "quire/testing/matchers.h"

namespace quire::codec {
namespace {

std::span<const uint8_t> AsInput(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::vector<std::string> Seeds() {
  std::vector<std::string> seeds;
  for (Compression compression : test::SupportedCompressions()) {
    for (uint32_t s = 0; s < 4; ++s) {
      const size_t size = s == 0 ? 0 : size_t(1) << (4 * s);  // 0, 16, 256, 4096 bytes
      const test::Bytes data =
          s % 2 ? test::CompressibleBytes(size, s) : test::RandomBytes(size, s);
      seeds.push_back(EncodeFuzzDecompressInput(compression, int64_t(size),
                                                test::CompressWith(compression, data)));
    }
  }
  return seeds;
}

TEST(FuzzDecompressTest, AcceptsEncodedSeedsOfEveryCodec) {
  for (const std::string& seed : Seeds()) {
    EXPECT_OK(FuzzDecompress(AsInput(seed)))
        << CompressionName(Compression(seed[0])) << ", " << seed.size() << " bytes";
  }
  // Inputs shorter than the 4-byte header read the missing bytes as 0.
  EXPECT_OK(FuzzDecompress({}));
  EXPECT_THAT(FuzzDecompress(AsInput(std::string(1, char(3)))),
              ::quire::testing::IsError(ErrorCode::kUnsupported));
}

TEST(FuzzDecompressTest, MutatedSeedsAreRejectedOrRoundTrip) {
  std::mt19937 rng(2024);
  int accepted = 0, rejected = 0;
  for (const std::string& seed : Seeds()) {
    for (int round = 0; round < 60; ++round) {
      std::string input = seed;
      const int flips = 1 + int(rng() % 4);
      for (int f = 0; f < flips && input.size() > 4; ++f) {
        input[4 + rng() % (input.size() - 4)] ^= char(1u << (rng() % 8));
      }
      switch (rng() % 8) {
        case 0: input.resize(4 + rng() % (input.size() - 3)); break;  // truncate
        case 1:
          input[1] = char(input[1] + 1 - char(rng() % 3));
          break;                                              // size off by one
        case 2: input.append(rng() % 8, char(rng())); break;  // trailing bytes
        default: break;
      }
      Status st = FuzzDecompress(AsInput(input));
      EXPECT_NE(st.code(), ErrorCode::kInternal) << st.ToString();
      (st.ok() ? accepted : rejected)++;
    }
  }
  // Both paths must be exercised for the test to mean anything.
  EXPECT_GT(accepted, 50);
  EXPECT_GT(rejected, 500);
}

TEST(FuzzDecompressTest, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  for (int i = 0; i < 4000; ++i) {
    std::string input(rng() % 600, '\0');
    for (char& c : input) c = char(rng());
    // Small output sizes half of the time, so that codecs get past their headers.
    if (input.size() >= 4 && i % 2) input[3] = input[2] = 0;
    Status st = FuzzDecompress(AsInput(input));
    EXPECT_NE(st.code(), ErrorCode::kInternal) << st.ToString();
  }
}

}  // namespace
}  // namespace quire::codec
