/// \file tests/parquet/robustness_test.cc
/// \brief Truncated and bit-flipped variants of the corpus files, and the bad_data
/// files, give typed errors or valid data, never a crash, a hang or an internal
/// error (the ASan+UBSan run checks memory safety).
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "quire/parquet/reader_fuzzing.h"
#include "quire/testing/matchers.h"
#include "corpus.h"

namespace quire::parquet {
namespace {

namespace fs = std::filesystem;

Status Fuzz(const std::string& bytes) {
  return FuzzParquetFile({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

std::vector<fs::path> SmallFiles(const char* folder, size_t max_bytes) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(test::CorpusRoot() / folder)) {
    if (e.path().extension() == ".parquet" && e.file_size() <= max_bytes) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ParquetRobustnessTest, BadDataFilesGiveTypedErrors) {
  const auto files = SmallFiles("bad_data", 1 << 20);
  ASSERT_GE(files.size(), 8u);
  for (const auto& f : files) {
    Status st = Fuzz(test::ReadFile(f));
    EXPECT_NE(st.code(), ErrorCode::kInternal) << f << ": " << st.ToString();
  }
}

TEST(ParquetRobustnessTest, TruncatedFilesGiveTypedErrors) {
  const auto files = SmallFiles("data", 64 << 10);
  ASSERT_GE(files.size(), 40u);
  int rejected = 0;
  for (size_t i = 0; i < files.size(); i += 2) {
    const std::string bytes = test::ReadFile(files[i]);
    for (size_t cut : {size_t(0), size_t(3), size_t(11), bytes.size() / 3, bytes.size() / 2,
                       bytes.size() - 9, bytes.size() - 1}) {
      if (cut >= bytes.size()) continue;
      Status st = Fuzz(bytes.substr(0, cut));
      EXPECT_FALSE(st.ok()) << files[i] << " cut at " << cut;
      EXPECT_NE(st.code(), ErrorCode::kInternal) << files[i] << ": " << st.ToString();
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 100);
}

TEST(ParquetRobustnessTest, BitFlippedFilesGiveTypedErrorsOrValidData) {
  const auto files = SmallFiles("data", 32 << 10);
  std::mt19937 rng(20261121);
  int runs = 0, accepted = 0;
  for (size_t i = 0; i < files.size(); i += 2) {
    const std::string bytes = test::ReadFile(files[i]);
    for (int round = 0; round < 24; ++round) {
      std::string mutated = bytes;
      // Half of the flips land in the footer, where they do the most damage.
      const size_t footer = std::min<size_t>(bytes.size(), 600);
      for (int k = 0; k < 1 + round % 3; ++k) {
        const size_t at = round % 2 ? bytes.size() - 1 - rng() % footer : rng() % bytes.size();
        mutated[at] = char(mutated[at] ^ (1 << (rng() % 8)));
      }
      Status st = Fuzz(mutated);
      EXPECT_NE(st.code(), ErrorCode::kInternal) << files[i] << " round " << round << ": "
                                                 << st.ToString();
      ++runs;
      accepted += st.ok();
    }
  }
  EXPECT_GT(runs, 500);
  RecordProperty("accepted", accepted);
}

}  // namespace
}  // namespace quire::parquet

#include "quire/codec/fuzzing.h"
#include "quire/parquet/fuzzing.h"

namespace quire::parquet {
namespace {

TEST(ParquetRobustnessTest, CommittedCrashersStayFixed) {
  const fs::path root = fs::path(QUIRE_SOURCE_DIR) / "tests/data/fuzz";
  const std::vector<std::pair<std::string, Status (*)(std::span<const uint8_t>)>> targets = {
      {"codec_decompress", &codec::FuzzDecompress},
      {"parquet_metadata", &FuzzParquetMetadata},
      {"parquet_reader", &FuzzParquetFile}};
  int replayed = 0;
  for (const auto& [name, fn] : targets) {
    ASSERT_TRUE(fs::is_directory(root / name)) << root / name;
    for (const auto& e : fs::directory_iterator(root / name)) {
      if (e.path().filename() == "README.md") continue;
      const std::string bytes = test::ReadFile(e.path());
      Status st = fn({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
      EXPECT_NE(st.code(), ErrorCode::kInternal) << e.path() << ": " << st.ToString();
      ++replayed;
    }
  }
  RecordProperty("replayed", replayed);
}

}  // namespace
}  // namespace quire::parquet
