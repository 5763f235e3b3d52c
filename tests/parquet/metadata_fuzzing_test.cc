/// \file tests/parquet/metadata_fuzzing_test.cc
/// \brief Replays the metadata fuzzer in every test run (Release and ASan+UBSan):
/// corpus footers, page headers and page indexes as seeds, deterministic mutations
/// of them, random bytes, and committed crashers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "quire/parquet/footer.h"
#include "quire/parquet/fuzzing.h"
#include "quire/parquet/metadata.h"
#include "quire/testing/matchers.h"

namespace quire::parquet {
namespace {

namespace fs = std::filesystem;

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string Seed(FuzzMetadataTarget target, std::span<const uint8_t> bytes) {
  std::string seed(1, static_cast<char>(target));
  seed.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return seed;
}

// Seeds from the corpus: every footer, the first page header of every column chunk,
// the page indexes and bloom filter headers, and a FileCryptoMetaData.
std::vector<std::string> Seeds() {
  std::vector<std::string> seeds;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator("tests/data/parquet")) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".parquet") || name.ends_with(".parquet.encrypted")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    const std::string file = ReadFile(path);
    const auto bytes = Bytes(file);
    if (bytes.size() < static_cast<size_t>(kMinFileSize)) continue;
    const auto tail = bytes.last(kFooterTailSize);
    const uint32_t length =
        tail[0] | tail[1] << 8 | tail[2] << 16 | uint32_t{tail[3]} << 24;
    if (length > bytes.size() - kMinFileSize) continue;
    const auto footer = bytes.subspan(bytes.size() - kFooterTailSize - length, length);
    if (tail[4] == 'P' && tail[5] == 'A' && tail[6] == 'R' && tail[7] == 'E') {
      seeds.push_back(Seed(FuzzMetadataTarget::kFileCryptoMetaData, footer));
      continue;
    }
    seeds.push_back(Seed(FuzzMetadataTarget::kFileMetaData, footer));
    // The pages and page indexes of encrypted columns are encrypted too.
    auto meta = ParseFileMetaData(footer);
    if (!meta.ok() || path.extension() == ".encrypted") continue;
    for (const RowGroup& group : meta->row_groups) {
      for (const ColumnChunk& chunk : group.columns) {
        if (!chunk.meta_data) continue;
        const ColumnMetaData& column = *chunk.meta_data;
        // Some writers store dictionary_page_offset 0 for "no dictionary".
        const int64_t start = column.dictionary_page_offset.value_or(0) > 0
                                  ? *column.dictionary_page_offset
                                  : column.data_page_offset;
        if (start > 0 && start < static_cast<int64_t>(bytes.size())) {
          // Enough for any header in the corpus; the page bytes after it are ignored.
          // Only headers that parse are seeds (bad_data has some that do not).
          const auto page =
              bytes.subspan(start, std::min<size_t>(4096, bytes.size() - start));
          int64_t header_length = 0;
          if (ParsePageHeader(page, &header_length).ok()) {
            seeds.push_back(Seed(FuzzMetadataTarget::kPageHeader, page));
          }
        }
        auto slice = [&](std::optional<int64_t> offset, std::optional<int32_t> length,
                         FuzzMetadataTarget target) {
          if (offset && length && *offset >= 0 && *length >= 0 &&
              *offset + *length <= static_cast<int64_t>(bytes.size())) {
            seeds.push_back(Seed(target, bytes.subspan(*offset, *length)));
          }
        };
        slice(chunk.column_index_offset, chunk.column_index_length,
              FuzzMetadataTarget::kColumnIndex);
        slice(chunk.offset_index_offset, chunk.offset_index_length,
              FuzzMetadataTarget::kOffsetIndex);
        slice(column.bloom_filter_offset, 32, FuzzMetadataTarget::kBloomFilterHeader);
      }
    }
  }
  return seeds;
}

const std::vector<std::string>& CachedSeeds() {
  static const std::vector<std::string> seeds = Seeds();
  return seeds;
}

TEST(FuzzParquetMetadataTest, AcceptsEverySeed) {
  const auto& seeds = CachedSeeds();
  ASSERT_GT(seeds.size(), 500u) << "run from the project root";
  int per_target[kNumFuzzMetadataTargets] = {};
  for (const std::string& seed : seeds) {
    const auto target = static_cast<uint8_t>(seed[0]);
    ++per_target[target];
    EXPECT_OK(FuzzParquetMetadata(Bytes(seed))) << "target " << int{target};
  }
  for (int t = 0; t < kNumFuzzMetadataTargets; ++t) {
    EXPECT_GT(per_target[t], 0) << "no seed for target " << t;
  }
}

TEST(FuzzParquetMetadataTest, MutatedSeedsAreRejectedOrRoundTrip) {
  std::mt19937 rng(2025);
  int accepted = 0;
  int rejected = 0;
  const auto& seeds = CachedSeeds();
  for (size_t s = 0; s < seeds.size(); s += 3) {
    for (int round = 0; round < 8; ++round) {
      std::string input = seeds[s];
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && input.size() > 1; ++e) {
        const size_t at = 1 + rng() % (input.size() - 1);
        switch (rng() % 4) {
          case 0: input[at] = static_cast<char>(input[at] ^ (1u << (rng() % 8))); break;
          case 1: input[at] = static_cast<char>(rng()); break;
          case 2: input.erase(at, 1 + rng() % 4); break;
          case 3: input.insert(at, 1, static_cast<char>(rng())); break;
        }
      }
      if (rng() % 8 == 0) input.resize(1 + rng() % input.size());
      Status st = FuzzParquetMetadata(Bytes(input));
      EXPECT_NE(st.code(), ErrorCode::kInternal) << st.ToString();
      (st.ok() ? accepted : rejected)++;
    }
  }
  // Both paths must be exercised for the test to mean anything.
  EXPECT_GT(accepted, 200);
  EXPECT_GT(rejected, 200);
  RecordProperty("accepted", accepted);
  RecordProperty("rejected", rejected);
}

TEST(FuzzParquetMetadataTest, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string input(rng() % 200, '\0');
    for (auto& c : input) c = static_cast<char>(rng());
    // Bias towards well-formed openings: a struct's first field header.
    if (input.size() > 2 && i % 2 == 0) input[1] = static_cast<char>(0x15);
    Status st = FuzzParquetMetadata(Bytes(input));
    EXPECT_NE(st.code(), ErrorCode::kInternal) << st.ToString();
  }
}

TEST(FuzzParquetMetadataTest, CommittedCrashersStayFixed) {
  const fs::path dir = "tests/data/fuzz/parquet_metadata";
  ASSERT_TRUE(fs::is_directory(dir)) << dir << " is missing (run from the project's root)";
  int replayed = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename() == "README.md") continue;
    Status st = FuzzParquetMetadata(Bytes(ReadFile(entry.path())));
    EXPECT_NE(st.code(), ErrorCode::kInternal) << entry.path() << ": " << st.ToString();
    ++replayed;
  }
  RecordProperty("replayed", replayed);
}

}  // namespace
}  // namespace quire::parquet
