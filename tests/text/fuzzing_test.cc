/// \file tests/text/fuzzing_test.cc
/// \brief Replays the text fuzzer in every test run (Release and ASan+UBSan):
/// seeds under every option byte, deterministic mutations of them, random bytes.
#include "quire/text/fuzzing.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "quire/testing/matchers.h"

namespace quire::text {
namespace {

std::span<const uint8_t> AsInput(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::vector<std::string> Seeds() {
  return {
      "a,b,c\n1,x,2.5\n2,\"y,z\",3\n,,\n",
      "id;name\r\n1;\"q\"\"uote\"\r\n",
      "t,d,b\n2024-01-01T00:00:00Z,2024-02-29,true\n2024-01-01 10:00:00+05:30,1999-12-31,FALSE\n",
      "x\n\n1\nNULL\n\"\"\n",
      "\xEF\xBB\xBFs\n\"multi\nline\"\nü\n",
      "{\"a\":1,\"b\":\"x\",\"c\":[1,2],\"d\":{\"e\":true}}\n{\"a\":2.5,\"b\":null}\n",
      "{\"m\":1}\n{\"m\":\"s\"}\n{\"m\":[{}]}\n",
      "{\"ts\":\"2024-01-01T00:00:00+01:00\",\"d\":\"2024-01-01\"}\n\n{\"n\":-0}\n",
  };
}

TEST(FuzzTextReadersTest, SeedsReadAndRoundTripUnderEveryOptionByte) {
  for (const std::string& seed : Seeds()) {
    for (int flags = 0; flags < 256; ++flags) {
      std::string input = std::string(1, char(flags)) + seed;
      const Status st = FuzzTextReaders(AsInput(input));
      ASSERT_NE(st.code(), ErrorCode::kInternal) << "flags " << flags << ": " << st.ToString();
    }
  }
  // The seeds are valid: read as their own format, sampling 16 rows, no error.
  EXPECT_OK(FuzzTextReaders(AsInput(std::string(1, char(0xF0)) + Seeds()[0])));
  EXPECT_OK(FuzzTextReaders(AsInput(std::string(1, char(0xF1)) + Seeds()[5])));
  EXPECT_OK(FuzzTextReaders({}));
}

TEST(FuzzTextReadersTest, MutatedSeedsNeverBreakTheContract) {
  std::mt19937 rng(99);
  static constexpr std::string_view kBytes = ",\"\n\r{}[]:0.-eZT \\\xC3\xFF";
  for (const std::string& seed : Seeds()) {
    for (int round = 0; round < 200; ++round) {
      std::string input = std::string(1, char(rng())) + seed;
      const int edits = 1 + int(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const size_t at = 1 + rng() % input.size();
        switch (rng() % 3) {
          case 0: input.insert(at, 1, kBytes[rng() % kBytes.size()]); break;
          case 1:
            if (at < input.size()) input.erase(at, 1);
            break;
          default:
            if (at < input.size()) input[at] = kBytes[rng() % kBytes.size()];
        }
      }
      const Status st = FuzzTextReaders(AsInput(input));
      ASSERT_NE(st.code(), ErrorCode::kInternal) << st.ToString();
    }
  }
}

TEST(FuzzTextReadersTest, RandomBytesNeverBreakTheContract) {
  std::mt19937 rng(5);
  for (int round = 0; round < 500; ++round) {
    std::string input(rng() % 300, '\0');
    for (auto& c : input) c = char(rng());
    const Status st = FuzzTextReaders(AsInput(input));
    ASSERT_NE(st.code(), ErrorCode::kInternal) << st.ToString();
  }
}

}  // namespace
}  // namespace quire::text
