/// \file tests/parquet/conformance_test.cc
/// \brief Reads every file of the Parquet corpus (tests/data/parquet, a copy of
/// ../shared/testdata/parquet) and compares it value by value with its
/// <file>.expected.json, with the two normalizations of the corpus README:
/// timestamps compare as instants floored to microseconds, and the trailing 'Z' of
/// columns annotated only with the legacy TIMESTAMP_MILLIS/MICROS converted types
/// is ignored (the specification makes them UTC-adjusted; DuckDB does not).
///
/// Where the reference reader failed on a valid file, the expected rows come from
/// Arrow C++ (the "reader" field says so). Files whose expected outcome is an error
/// (bad_data/, encrypted files, files with "lenient_rows") must give a typed error.
/// Known gaps are listed in KnownGaps() with the reason; a listed file that starts
/// passing fails the test, so the list cannot go stale.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "quire/columnar/json.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/testing/matchers.h"
#include "corpus.h"

namespace quire::parquet {
namespace {

namespace fs = std::filesystem;
using simdjson::dom::element;
using simdjson::dom::element_type;

using test::CorpusRoot;

// Corpus files relative to the corpus folder (they name the tests).
std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  for (const auto& p : test::CorpusFiles()) files.push_back(fs::relative(p, CorpusRoot()).string());
  return files;
}

// Files quire cannot read correctly yet, with the reason.
const std::map<std::string, std::string>& KnownGaps() {
  static const std::map<std::string, std::string> kGaps = [] {
    std::map<std::string, std::string> gaps = {
        {"data/large_string_map.brotli.parquet",
         "1 GiB strings: pages above the reader's default max_page_bytes (1 GiB), and "
         "more than 2 GiB of string data per column needs large_binary or chunked output"},
    };
    for (const auto& f : CorpusFiles()) {
      if (f.starts_with("shredded_variant/")) {
        gaps[f] = "VARIANT columns are read as their physical struct; variant decoding "
                  "(shredded and unshredded) is not implemented yet";
      }
    }
    return gaps;
  }();
  return kGaps;
}

// --- value comparison -----------------------------------------------------------

struct Timestamp {
  std::string seconds;  // "YYYY-MM-DDTHH:MM:SS"
  std::string micros;   // fraction floored to 6 digits
  bool zone;
};

std::optional<Timestamp> ParseTimestamp(std::string_view s) {
  const size_t t = s.find('T');
  const size_t dot = s.find('.', t == std::string_view::npos ? 0 : t);
  if (t == std::string_view::npos || dot == std::string_view::npos || t < 10 || dot != t + 9) {
    return std::nullopt;
  }
  Timestamp ts;
  ts.zone = s.ends_with("Z");
  const std::string_view fraction = s.substr(dot + 1, s.size() - dot - 1 - (ts.zone ? 1 : 0));
  if (fraction.size() != 6 && fraction.size() != 9) return std::nullopt;
  ts.seconds = std::string(s.substr(0, dot));
  ts.micros = std::string(fraction.substr(0, 6));  // floor for non-negative fractions
  return ts;
}

struct Comparison {
  bool legacy_timestamps = false;  // the column has TIMESTAMP_MILLIS/MICROS annotations
};

bool IsNumber(element_type t) {
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

std::optional<std::string> Compare(element expected, element ours, const Comparison& c,
                                   const std::string& where) {
  const auto et = expected.type(), ot = ours.type();
  if (IsNumber(et) && IsNumber(ot)) {
    if (et != element_type::DOUBLE && ot != element_type::DOUBLE) {
      const __int128 a = et == element_type::INT64 ? __int128(int64_t(expected))
                                                   : __int128(uint64_t(expected));
      const __int128 b = ot == element_type::INT64 ? __int128(int64_t(ours))
                                                   : __int128(uint64_t(ours));
      if (a == b) return std::nullopt;
    } else if (double(expected) == double(ours) &&
               std::signbit(double(expected)) == std::signbit(double(ours))) {
      return std::nullopt;
    }
    return where + ": expected " + simdjson::to_string(expected) + ", read " +
           simdjson::to_string(ours);
  }
  if (et != ot) {
    return where + ": expected " + simdjson::to_string(expected) + ", read " +
           simdjson::to_string(ours);
  }
  switch (et) {
    case element_type::NULL_VALUE:
      return std::nullopt;
    case element_type::BOOL:
      if (bool(expected) == bool(ours)) return std::nullopt;
      break;
    case element_type::STRING: {
      const std::string_view a = expected, b = ours;
      if (a == b) return std::nullopt;
      const auto ta = ParseTimestamp(a), tb = ParseTimestamp(b);
      if (ta && tb && ta->seconds == tb->seconds && ta->micros == tb->micros &&
          (ta->zone == tb->zone || c.legacy_timestamps)) {
        return std::nullopt;
      }
      break;
    }
    case element_type::ARRAY: {
      simdjson::dom::array a = expected, b = ours;
      if (a.size() != b.size()) {
        return where + ": expected " + std::to_string(a.size()) + " elements, read " +
               std::to_string(b.size());
      }
      size_t i = 0;
      for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib, ++i) {
        if (auto d = Compare(*ia, *ib, c, where + "[" + std::to_string(i) + "]")) return d;
      }
      return std::nullopt;
    }
    case element_type::OBJECT: {
      simdjson::dom::object a = expected, b = ours;
      if (a.size() != b.size()) break;
      for (auto [key, value] : a) {
        element other;
        if (b.at_key(key).get(other)) return where + ": key '" + std::string(key) + "' is missing";
        if (auto d = Compare(value, other, c, where + "." + std::string(key))) return d;
      }
      return std::nullopt;
    }
    default:
      break;
  }
  return where + ": expected " + simdjson::to_string(expected) + ", read " +
         simdjson::to_string(ours);
}

struct ReadResult {
  Status status;
  std::unique_ptr<FileReader> reader;
  columnar::TablePtr table;
};

ReadResult ReadCorpusFile(const std::string& relative, bool verify_crc = false) {
  ReadResult r;
  auto file = io::OpenLocalFile((CorpusRoot() / relative).string());
  if (!file.ok()) return {file.status()};
  auto reader = FileReader::Open(std::move(*file));
  if (!reader.ok()) return {reader.status()};
  ReadOptions options;
  options.verify_crc = verify_crc;
  auto table = (*reader)->ReadTable(options);
  if (!table.ok()) return {table.status()};
  r.reader = std::move(*reader);
  r.table = std::move(*table);
  return r;
}

// Returns the first difference between the file's expected contents and what quire
// read, or nullopt when they agree.
std::optional<std::string> Check(const std::string& relative, element expected,
                                 const ReadResult& read) {
  const bool lenient = expected["lenient_rows"].error() == simdjson::SUCCESS;
  element error_value;
  const bool expected_error = expected["error"].get(error_value) == simdjson::SUCCESS &&
                              !error_value.is_null();
  element rows;
  const bool has_rows = expected["rows"].get(rows) == simdjson::SUCCESS;
  bool error_acceptable = false;
  if (expected["error_acceptable"].get(error_acceptable) != simdjson::SUCCESS) {
    error_acceptable = false;
  }
  if (!read.status.ok() && read.status.code() == ErrorCode::kInternal) {
    return "internal error (a bug): " + read.status.ToString();
  }
  // Invalid files: a typed error is the answer.
  if (lenient || (expected_error && !has_rows)) {
    if (read.status.ok()) return "read an invalid file without an error";
    return std::nullopt;
  }
  if (!read.status.ok()) {
    if (error_acceptable) return std::nullopt;
    return "failed: " + read.status.ToString();
  }
  int64_t num_rows = 0;
  if (expected["num_rows"].get(num_rows) == simdjson::SUCCESS &&
      read.table->num_rows() != num_rows) {
    return "read " + std::to_string(read.table->num_rows()) + " rows, expected " +
           std::to_string(num_rows);
  }
  const auto& table = *read.table;
  std::vector<Comparison> columns(size_t(table.num_columns()));
  const SchemaDescriptor& schema = read.reader->schema_descriptor();
  for (int c = 0; c < table.num_columns(); ++c) {
    columns[size_t(c)].legacy_timestamps = test::HasLegacyTimestamp(schema, schema.root().children[size_t(c)]);
  }
  simdjson::dom::parser parser;
  if (has_rows) {
    const std::string ours = columnar::RowsToJson(table);
    element ours_rows;
    if (auto err = parser.parse(ours).get(ours_rows)) {
      return std::string("quire's rows are not JSON: ") + simdjson::error_message(err);
    }
    simdjson::dom::array a = rows, b = ours_rows;
    if (a.size() != b.size()) return "row counts differ";
    size_t r = 0;
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib, ++r) {
      simdjson::dom::array ea = *ia, eb = *ib;
      if (ea.size() != eb.size()) return "row " + std::to_string(r) + ": column counts differ";
      size_t c = 0;
      for (auto ja = ea.begin(), jb = eb.begin(); ja != ea.end(); ++ja, ++jb, ++c) {
        const std::string where = "row " + std::to_string(r) + " column '" +
                                  table.schema()->field(int(c))->name() + "'";
        if (auto d = Compare(*ja, *jb, columns[c], where)) return d;
      }
    }
    return std::nullopt;
  }
  // Large files: compare the per-column null counts of the summaries.
  simdjson::dom::array summaries;
  if (expected["summaries"].get(summaries) == simdjson::SUCCESS) {
    for (element s : summaries) {
      std::string_view name;
      int64_t null_count = 0;
      if (s["name"].get(name) || s["null_count"].get(null_count)) continue;
      const int i = table.schema()->GetFieldIndex(name);
      if (i < 0) return "no column '" + std::string(name) + "'";
      if (table.column(i)->null_count() != null_count) {
        return "column '" + std::string(name) + "': " +
               std::to_string(table.column(i)->null_count()) + " nulls, expected " +
               std::to_string(null_count);
      }
    }
  }
  return std::nullopt;
}

class ConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ConformanceTest, MatchesTheExpectedFile) {
  const std::string& relative = GetParam();
  simdjson::dom::parser parser;
  simdjson::padded_string json;
  ASSERT_EQ(simdjson::padded_string::load((CorpusRoot() / (relative + ".expected.json")).string())
                .get(json),
            simdjson::SUCCESS)
      << relative << ": no expected file";
  element expected;
  ASSERT_EQ(parser.parse(json).get(expected), simdjson::SUCCESS);
  const ReadResult read = ReadCorpusFile(relative);
  const auto difference = Check(relative, expected, read);
  const auto gap = KnownGaps().find(relative);
  if (gap != KnownGaps().end()) {
    EXPECT_TRUE(difference.has_value())
        << relative << " now reads as expected: remove it from KnownGaps() (" << gap->second
        << ")";
    EXPECT_FALSE(!read.status.ok() && read.status.code() == ErrorCode::kInternal)
        << read.status.ToString();
    return;
  }
  EXPECT_FALSE(difference.has_value()) << relative << ": " << *difference;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char ch : info.param) name.push_back(std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, ConformanceTest, ::testing::ValuesIn(CorpusFiles()), TestName);

TEST(ConformanceCorpusTest, TheCorpusIsComplete) {
  // Every data file has an expected file, and the copy holds the whole corpus.
  const auto files = CorpusFiles();
  EXPECT_GE(files.size(), 233u);
  for (const auto& f : files) {
    EXPECT_TRUE(fs::exists(CorpusRoot() / (f + ".expected.json"))) << f;
  }
}

// DuckDB does not verify page CRCs; with verification on, the corrupt-checksum
// files must fail and the ones with good checksums must still read.
TEST(ConformanceChecksumTest, VerifiedChecksumsRejectOnlyTheCorruptFiles) {
  for (const char* good : {"data/datapage_v1-snappy-compressed-checksum.parquet",
                           "data/datapage_v1-uncompressed-checksum.parquet",
                           "data/rle-dict-snappy-checksum.parquet"}) {
    EXPECT_OK(ReadCorpusFile(good, /*verify_crc=*/true).status) << good;
  }
  for (const char* bad : {"data/datapage_v1-corrupt-checksum.parquet",
                          "data/rle-dict-uncompressed-corrupt-checksum.parquet"}) {
    EXPECT_THAT(ReadCorpusFile(bad, /*verify_crc=*/true).status,
                ::quire::testing::IsError(ErrorCode::kCorrupt, ::testing::HasSubstr("CRC")))
        << bad;
    EXPECT_OK(ReadCorpusFile(bad, /*verify_crc=*/false).status) << bad;
  }
}

}  // namespace
}  // namespace quire::parquet

namespace quire::parquet {
namespace {

// With read_dictionary, string and binary columns come back as dictionary arrays
// whose values must render exactly as the materialised read does.
TEST(ConformanceDictionaryTest, DictionaryArraysHoldTheSameValues) {
  int files = 0, dictionary_columns = 0, compact = 0;
  for (const auto& relative : CorpusFiles()) {
    if (KnownGaps().count(relative)) continue;
    const ReadResult plain = ReadCorpusFile(relative);
    if (!plain.status.ok()) continue;
    auto file = io::OpenLocalFile((CorpusRoot() / relative).string());
    ASSERT_OK(file.status());
    ArrowSchemaOptions arrow;
    arrow.read_dictionary = true;
    ASSERT_OK_AND_ASSIGN(auto reader, FileReader::Open(std::move(*file), arrow));
    ASSERT_OK_AND_ASSIGN(auto table, reader->ReadTable());
    ASSERT_OK(table->ValidateFull()) << relative;
    EXPECT_EQ(columnar::RowsToJson(*table), columnar::RowsToJson(*plain.table)) << relative;
    ++files;
    for (int c = 0; c < table->num_columns(); ++c) {
      for (const auto& chunk : table->column(c)->chunks()) {
        if (chunk->type_id() != columnar::TypeId::kDictionary) continue;
        ++dictionary_columns;
        compact += chunk->dictionary()->length() < chunk->length();
      }
    }
  }
  EXPECT_GT(files, 60);
  EXPECT_GT(dictionary_columns, 50);
  EXPECT_GT(compact, 20) << "dictionary-encoded chunks should keep small dictionaries";
}

}  // namespace
}  // namespace quire::parquet
