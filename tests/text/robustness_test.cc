/// \file tests/text/robustness_test.cc
/// \brief Random and hostile input: the readers return batches or typed errors,
/// never crash, and with a rejects stream account for every record.
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "quire/io/input_stream.h"
#include "quire/io/output_stream.h"
#include "quire/testing/matchers.h"
#include "quire/text/csv_reader.h"
#include "quire/text/jsonl_reader.h"

namespace quire::text {
namespace {

// Random text drawn mostly from the bytes CSV and JSON care about.
std::string RandomText(std::mt19937& rng, size_t size) {
  static constexpr std::string_view kAlphabet =
      ",,,\"\"\n\n\r{}[]:aZ0123456789.-+eE tnul\\\xC3\xA9\xFF";
  std::string out;
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kAlphabet[std::uniform_int_distribution<size_t>(0, kAlphabet.size() - 1)(rng)]);
  }
  return out;
}

template <typename Reader>
void Drain(Reader& reader) {
  for (int guard = 0; guard < 100000; ++guard) {
    auto batch = reader.Next();
    if (!batch.ok()) {
      EXPECT_TRUE(batch.status().code() == ErrorCode::kCorrupt) << batch.status().ToString();
      return;
    }
    if (*batch == nullptr) return;
    ASSERT_OK((*batch)->ValidateFull());
  }
  FAIL() << "the reader did not end";
}

TEST(RobustnessTest, CsvReaderSurvivesRandomInput) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    const std::string text = RandomText(rng, size_t(round * 7 % 900));
    for (bool rejects : {false, true}) {
      io::BufferOutputStream sink;
      CsvReadOptions options;
      options.block_size = 1 + round % 97;
      options.batch_rows = 1 + round % 13;
      options.infer_rows = 1 + round % 5;
      options.num_threads = 1 + round % 2;
      if (rejects) options.rejects = &sink;
      auto reader = CsvReader::Open(io::MakeStringInput(text), options);
      if (!reader.ok()) {
        EXPECT_EQ(reader.status().code(), ErrorCode::kCorrupt) << reader.status().ToString();
        continue;
      }
      Drain(**reader);
    }
  }
}

TEST(RobustnessTest, JsonlReaderSurvivesRandomInput) {
  std::mt19937 rng(11);
  const std::string valid = "{\"a\":1,\"b\":[1,2],\"c\":{\"d\":\"x\"}}\n";
  for (int round = 0; round < 300; ++round) {
    std::string text = valid + RandomText(rng, size_t(round * 5 % 700)) + "\n" + valid;
    for (bool rejects : {false, true}) {
      io::BufferOutputStream sink;
      JsonlReadOptions options;
      options.block_size = 1 + round % 61;
      options.batch_rows = 1 + round % 7;
      options.num_threads = 1 + round % 2;
      if (rejects) options.rejects = &sink;
      auto reader = JsonlReader::Open(io::MakeStringInput(text), options);
      ASSERT_OK(reader.status());
      Drain(**reader);
      if (rejects) {
        EXPECT_GE((*reader)->rows_read(), 2);
      }
    }
  }
}

}  // namespace
}  // namespace quire::text
