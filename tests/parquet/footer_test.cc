/// \file tests/parquet/footer_test.cc
/// \brief Footer location and the footers of every file of the Parquet corpus.
#include "quire/parquet/footer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "quire/testing/matchers.h"

namespace quire::parquet {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every *.parquet and *.parquet.encrypted file of the corpus, sorted.
std::vector<fs::path> CorpusFiles() {
  std::vector<fs::path> files;
  for (const char* dir : {"tests/data/parquet/data", "tests/data/parquet/bad_data",
                          "tests/data/parquet/shredded_variant"}) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (name.ends_with(".parquet") || name.ends_with(".parquet.encrypted")) {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// "num_rows" of <file>.expected.json: a number, or nullopt when null or absent.
std::optional<int64_t> ExpectedNumRows(const fs::path& file) {
  const std::string json = ReadFile(file.string() + ".expected.json");
  const size_t key = json.find("\"num_rows\"");
  if (key == std::string::npos) return std::nullopt;
  size_t at = json.find_first_not_of(" \t\n:", key + 10);
  if (at == std::string::npos || !(std::isdigit(json[at]) || json[at] == '-')) {
    return std::nullopt;  // null
  }
  return std::stoll(json.substr(at));
}

std::string Tail(int64_t metadata_length, std::string_view magic) {
  std::string tail(4, '\0');
  for (int i = 0; i < 4; ++i) tail[i] = static_cast<char>(metadata_length >> (8 * i));
  return tail + std::string(magic);
}

TEST(LocateFooterTest, FindsTheMetadataBeforeTheTail) {
  const std::string tail = Tail(100, "PAR1");
  ASSERT_OK_AND_ASSIGN(FooterLocation location, LocateFooter(Bytes(tail), 1000));
  EXPECT_EQ(location.metadata_offset, 1000 - 8 - 100);
  EXPECT_EQ(location.metadata_length, 100);
  // The largest metadata that fits leaves room for the leading magic only.
  const std::string full = Tail(1000 - 12, "PAR1");
  ASSERT_OK_AND_ASSIGN(location, LocateFooter(Bytes(full), 1000));
  EXPECT_EQ(location.metadata_offset, 4);
}

TEST(LocateFooterTest, RejectsFilesTooSmallForMagicAndLength) {
  const std::string tail = Tail(0, "PAR1");
  EXPECT_THAT(LocateFooter(Bytes(tail), 11),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("11 bytes is too small for a Parquet file")));
  EXPECT_THAT(
      ReadFileMetaData(Bytes("PAR1PAR1")),
      IsError(ErrorCode::kCorrupt, HasSubstr("8 bytes is too small for a Parquet file")));
}

TEST(LocateFooterTest, RejectsLengthsPastTheStartOfTheFile) {
  const std::string tail = Tail(989, "PAR1");
  EXPECT_THAT(LocateFooter(Bytes(tail), 1000),
              IsError(ErrorCode::kCorrupt, HasSubstr("claims 989 bytes of metadata")));
  const std::string huge = Tail(0xffffffffLL, "PAR1");
  EXPECT_THAT(LocateFooter(Bytes(huge), 1000), IsError(ErrorCode::kCorrupt));
}

TEST(LocateFooterTest, RejectsWrongMagicAndEncryptedFooters) {
  const std::string wrong = Tail(10, "PAR2");
  EXPECT_THAT(LocateFooter(Bytes(wrong), 100),
              IsError(ErrorCode::kCorrupt, HasSubstr("not \"PAR1\"")));
  const std::string encrypted = Tail(10, "PARE");
  EXPECT_THAT(LocateFooter(Bytes(encrypted), 100),
              IsError(ErrorCode::kUnsupported,
                      HasSubstr("encrypted Parquet files are not supported")));
  const std::string tail = Tail(10, "PAR1");
  const std::string head = "PAR0";
  EXPECT_THAT(LocateFooter(Bytes(tail), 100, Bytes(head)),
              IsError(ErrorCode::kCorrupt, HasSubstr("does not start with \"PAR1\"")));
  EXPECT_OK(LocateFooter(Bytes(tail), 100, Bytes(std::string("PAR1"))));
}

TEST(ReadFileMetaDataTest, ReadsAFileItWrote) {
  FileMetaData metadata;
  metadata.schema.push_back({.name = "schema", .num_children = 1});
  metadata.schema.push_back({.type = Type::kInt32,
                             .repetition_type = FieldRepetitionType::kRequired,
                             .name = "x"});
  metadata.num_rows = 0;
  const std::string footer = SerializeFileMetaData(metadata);
  const std::string file =
      "PAR1" + footer + Tail(static_cast<int64_t>(footer.size()), "PAR1");
  ASSERT_OK_AND_ASSIGN(FileMetaData back, ReadFileMetaData(Bytes(file)));
  EXPECT_EQ(back, metadata);
  EXPECT_THAT(ReadFileMetaData(Bytes("XXXX" + file.substr(4))),
              IsError(ErrorCode::kCorrupt, HasSubstr("does not start with")));
  // A footer one byte short of its length fails to parse, naming where it is.
  const std::string short_file = "PAR1" + footer.substr(0, footer.size() - 1) +
                                 Tail(static_cast<int64_t>(footer.size() - 1), "PAR1");
  EXPECT_THAT(ReadFileMetaData(Bytes(short_file)),
              IsError(ErrorCode::kCorrupt, HasSubstr("at offset 4")));
}

TEST(ReadFileMetaDataTest, RejectsPlaintextFootersOfEncryptedFiles) {
  FileMetaData metadata;
  metadata.schema.push_back({.name = "schema"});
  metadata.encryption_algorithm = EncryptionAlgorithm{};
  EXPECT_THAT(CheckNotEncrypted(metadata),
              IsError(ErrorCode::kUnsupported, HasSubstr("encrypted Parquet files")));
  metadata.encryption_algorithm.reset();
  EXPECT_OK(CheckNotEncrypted(metadata));
  metadata.row_groups.emplace_back().columns.emplace_back().crypto_metadata =
      ColumnCryptoMetaData{};
  EXPECT_THAT(CheckNotEncrypted(metadata),
              IsError(ErrorCode::kUnsupported, HasSubstr("column 0 of row group 0")));
}

TEST(ReadFileMetaDataTest, ReadsTheFooterOfEveryCorpusFile) {
  const auto files = CorpusFiles();
  ASSERT_GT(files.size(), 200u) << "run from the project root";
  int plain = 0;
  int encrypted = 0;
  int with_expected_rows = 0;
  for (const fs::path& path : files) {
    SCOPED_TRACE(path.string());
    const std::string bytes = ReadFile(path);
    auto metadata = ReadFileMetaData(Bytes(bytes));
    if (path.extension() == ".encrypted") {
      // All but encrypt_columns_plaintext_footer end in "PARE"; that one has a
      // plaintext footer whose columns are encrypted. Both are typed errors.
      EXPECT_THAT(metadata,
                  IsError(ErrorCode::kUnsupported, HasSubstr("encrypted Parquet files")));
      const bool plaintext_footer =
          path.filename().string().starts_with("encrypt_columns_plaintext_footer");
      EXPECT_EQ(bytes.substr(bytes.size() - 4), plaintext_footer ? "PAR1" : "PARE");
      ++encrypted;
      continue;
    }
    ASSERT_OK(metadata);
    ++plain;
    const FileMetaData& meta = *metadata;
    EXPECT_GE(meta.schema.size(), 1u);
    int64_t rows = 0;
    for (const RowGroup& group : meta.row_groups) {
      rows += group.num_rows;
      for (const ColumnChunk& chunk : group.columns)
        EXPECT_TRUE(chunk.meta_data.has_value());
    }
    // parquet-rs 0.3.0 wrote FileMetaData.num_rows 0 above a row group of 6 rows;
    // readers (DuckDB included) count the row groups' rows.
    if (path.filename() == "repeated_no_annotation.parquet") {
      EXPECT_EQ(meta.num_rows, 0);
    } else {
      EXPECT_EQ(rows, meta.num_rows);
    }
    if (auto expected = ExpectedNumRows(path)) {
      EXPECT_EQ(rows, *expected);
      ++with_expected_rows;
    }
  }
  EXPECT_EQ(encrypted, 13);
  EXPECT_EQ(plain + encrypted, static_cast<int>(files.size()));
  EXPECT_GT(with_expected_rows, 200);
  RecordProperty("plain", plain);
  RecordProperty("with_expected_rows", with_expected_rows);
}

TEST(ReadFileMetaDataTest, PlaintextFooterOfAnEncryptedFileStillParses) {
  // The reader can tell the user which columns are encrypted: the footer parses,
  // and CheckNotEncrypted() is what rejects it.
  const std::string bytes = ReadFile(
      "tests/data/parquet/data/encrypt_columns_plaintext_footer.parquet.encrypted");
  ASSERT_FALSE(bytes.empty());
  ASSERT_OK_AND_ASSIGN(FooterLocation location,
                       LocateFooter(Bytes(bytes).last(kFooterTailSize),
                                    static_cast<int64_t>(bytes.size())));
  ASSERT_OK_AND_ASSIGN(FileMetaData meta,
                       ParseFileMetaData(Bytes(bytes).subspan(location.metadata_offset,
                                                              location.metadata_length)));
  ASSERT_TRUE(meta.encryption_algorithm.has_value());
  bool any_encrypted_column = false;
  for (const RowGroup& group : meta.row_groups) {
    for (const ColumnChunk& chunk : group.columns) {
      any_encrypted_column |= chunk.crypto_metadata.has_value();
    }
  }
  EXPECT_TRUE(any_encrypted_column);
}

TEST(ReadFileMetaDataTest, EncryptedFooterStartsWithFileCryptoMetaData) {
  const std::string bytes =
      ReadFile("tests/data/parquet/data/uniform_encryption.parquet.encrypted");
  ASSERT_FALSE(bytes.empty());
  const std::string tail = bytes.substr(bytes.size() - 8);
  const int64_t length = static_cast<uint8_t>(tail[0]) |
                         static_cast<uint8_t>(tail[1]) << 8 |
                         static_cast<uint8_t>(tail[2]) << 16;
  const auto footer = Bytes(bytes).subspan(bytes.size() - 8 - length, length);
  int64_t crypto_length = 0;
  ASSERT_OK_AND_ASSIGN(FileCryptoMetaData crypto,
                       ParseFileCryptoMetaData(footer, &crypto_length));
  EXPECT_EQ(crypto.encryption_algorithm.kind, EncryptionAlgorithm::Kind::kAesGcmV1);
  EXPECT_LT(crypto_length, length);
}

TEST(ReadFileMetaDataTest, KeepsTheInvalidPhysicalTypeOfParquet1481) {
  // PARQUET-1481: a schema element's type is out of range. The Thrift is well
  // formed, so the footer parses and keeps the raw value; the schema builder is
  // the one to reject it.
  const std::string bytes = ReadFile("tests/data/parquet/bad_data/PARQUET-1481.parquet");
  ASSERT_OK_AND_ASSIGN(FileMetaData meta, ReadFileMetaData(Bytes(bytes)));
  bool found = false;
  for (const SchemaElement& element : meta.schema) {
    if (element.type && (static_cast<int32_t>(*element.type) < 0 ||
                         static_cast<int32_t>(*element.type) > 7)) {
      found = true;
      EXPECT_THAT(ToString(*element.type), HasSubstr("Type("));
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace quire::parquet
