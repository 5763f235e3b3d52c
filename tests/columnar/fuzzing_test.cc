// Replays the array fuzzer in every test run (Release and ASan+UBSan): valid seeds,
// deterministic mutations of them, and committed crashers.
#include "quire/columnar/fuzzing.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"

namespace quire::columnar {
namespace {

std::vector<std::string> Seeds() {
  std::vector<std::string> seeds;
  const auto& types = FuzzTypes();
  for (size_t t = 0; t < types.size(); ++t) {
    for (uint32_t s = 0; s < 3; ++s) {
      auto a = quire::testing::MakeRandomArray(types[t], 5 + s * 11,
                                               {.seed = s, .null_probability = s * 0.3});
      seeds.push_back(EncodeFuzzArray(*a, uint8_t(t)));
    }
  }
  return seeds;
}

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(FuzzValidateArrayTest, AcceptsEncodedValidArraysOfEveryFuzzType) {
  for (const auto& seed : Seeds()) {
    EXPECT_OK(FuzzValidateArray(Bytes(seed))) << "type " << FuzzTypes()[uint8_t(seed[0])]->ToString();
  }
}

TEST(FuzzValidateArrayTest, MutatedInputsAreRejectedOrReadSafely) {
  std::mt19937 rng(2024);
  int accepted = 0, rejected = 0;
  for (const auto& seed : Seeds()) {
    for (int round = 0; round < 40; ++round) {
      std::string input = seed;
      const int flips = 1 + int(rng() % 4);
      for (int f = 0; f < flips && !input.empty(); ++f) {
        input[1 + rng() % (input.size() - 1 ? input.size() - 1 : 1)] ^= char(1u << (rng() % 8));
      }
      if (rng() % 8 == 0) input.resize(rng() % (input.size() + 1));
      Status st = FuzzValidateArray(Bytes(input));
      EXPECT_NE(st.code(), ErrorCode::kInternal) << st.ToString();
      (st.ok() ? accepted : rejected)++;
    }
  }
  // Both paths must be exercised for the test to mean anything.
  EXPECT_GT(accepted, 100);
  EXPECT_GT(rejected, 100);
}

TEST(FuzzValidateArrayTest, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string input(rng() % 300, '\0');
    for (auto& c : input) c = char(rng());
    Status st = FuzzValidateArray(Bytes(input));
    EXPECT_NE(st.code(), ErrorCode::kInternal) << st.ToString();
  }
}

TEST(FuzzValidateArrayTest, CommittedCrashersStayFixed) {
  const std::filesystem::path dir = "tests/data/fuzz/array_validate";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << "run from the project root";
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename() == "README.md") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Status st = FuzzValidateArray(Bytes(input));
    EXPECT_NE(st.code(), ErrorCode::kInternal) << entry.path() << ": " << st.ToString();
    ++replayed;
  }
  RecordProperty("replayed", replayed);
}

}  // namespace
}  // namespace quire::columnar
