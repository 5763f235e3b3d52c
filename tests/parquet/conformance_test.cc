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
///
/// shredded_variant/: the oracle is cases.json with the *.variant.bin files
/// (metadata then value, as written by parquet-java), compared value by value with
/// the physical Variant types kept (VariantDebugString). The DuckDB rows are
/// checked too, except where DuckDB disagrees with the specification
/// (VariantDuckDbDisagreements()).
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "quire/columnar/json.h"
#include "quire/columnar/variant.h"
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
    return gaps;
  }();
  return kGaps;
}

// shredded_variant/ files whose DuckDB rows disagree with cases.json and the
// specification, with the reason; only cases.json is checked for them.
const std::map<std::string, std::string>& VariantDuckDbDisagreements() {
  static const std::map<std::string, std::string> kFiles = {
      {"case-034.parquet", "DuckDB rounds nanosecond timestamps to microseconds; the value "
                           "is ...54.123456789, floored to ...54.123456"},
      {"case-078.parquet", "DuckDB rounds nanosecond timestamps (see case-034)"},
      {"case-120.parquet", "DuckDB rounds nanosecond timestamps (see case-034)"},
      {"case-040.parquet", "array element with both value and typed_value: must be rejected"},
      {"case-042.parquet", "value and typed_value both set for a primitive: must be rejected"},
      {"case-043-INVALID.parquet", "a shredded field also in value: the shredded column "
                                   "wins (the field is missing), DuckDB takes value's"},
      {"case-137.parquet", "FIXED_LEN_BYTE_ARRAY(4) typed_value is not a shredded type: "
                           "must be rejected, DuckDB reads null"},
      {"case-041.parquet", "valid (array without a value column); DuckDB failed"},
      {"case-088.parquet", "valid (array elements without value); DuckDB failed"},
      {"case-131.parquet", "valid (no value column); DuckDB failed"},
      {"case-132.parquet", "valid (shredded field without value); DuckDB failed"},
      {"case-138.parquet", "valid (shredded object without value); DuckDB failed"},
  };
  return kFiles;
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

// The physical rendering of the Variant in slot `row` of the variant struct
// `array`, or an error message.
std::string VariantSlotDebug(const columnar::Array& array, int64_t row) {
  if (array.IsNull(row)) return "<null row>";
  const std::string metadata(columnar::GetBytes(*array.field(0), row));
  const std::string value(columnar::GetBytes(*array.field(1), row));
  auto m = columnar::VariantMetadata::Make(test::Bytes(metadata));
  if (!m.ok()) return "invalid metadata: " + m.status().ToString();
  auto v = columnar::VariantValue::Make(*m, test::Bytes(value));
  if (!v.ok()) return "invalid value: " + v.status().ToString();
  return columnar::VariantDebugString(*v);
}

// The expected Variant of a .variant.bin file (metadata, then value).
std::string VariantFileDebug(const std::string& file) {
  const std::string bytes = test::ReadFile(CorpusRoot() / "shredded_variant" / file);
  if (bytes.empty()) return "missing oracle file " + file;
  auto m = columnar::VariantMetadata::Make(test::Bytes(bytes));
  if (!m.ok()) return "oracle metadata: " + m.status().ToString();
  auto v = columnar::VariantValue::Make(*m, test::Bytes(bytes).subspan(m->size_bytes()));
  if (!v.ok()) return "oracle value: " + v.status().ToString();
  return columnar::VariantDebugString(*v);
}

// Check a shredded_variant/ file against cases.json; nullopt when it agrees.
std::optional<std::string> CheckVariantCase(const std::string& relative,
                                            const ReadResult& read) {
  static const simdjson::padded_string cases_json =
      simdjson::padded_string::load((CorpusRoot() / "shredded_variant/cases.json").string())
          .value();
  static simdjson::dom::parser parser;
  static const simdjson::dom::array cases = parser.parse(cases_json).get_array().value();
  const std::string file = fs::path(relative).filename().string();
  for (element c : cases) {
    std::string_view parquet_file;
    if (c["parquet_file"].get(parquet_file) || parquet_file != file) continue;
    if (!read.status.ok() && read.status.code() == ErrorCode::kInternal) {
      return "internal error (a bug): " + read.status.ToString();
    }
    // "notes": the file is invalid and either an error or the value is right.
    const bool invalid = c["notes"].error() == simdjson::SUCCESS;
    if (c["error_message"].error() == simdjson::SUCCESS) {
      if (read.status.ok()) return "read a file that must be rejected";
      return std::nullopt;
    }
    if (!read.status.ok()) {
      if (invalid) return std::nullopt;
      return "failed: " + read.status.ToString();
    }
    std::vector<std::optional<std::string>> files;
    std::string_view one;
    simdjson::dom::array many;
    if (c["variant_file"].get(one) == simdjson::SUCCESS) {
      files.emplace_back(std::string(one));
    } else if (c["variant_files"].get(many) == simdjson::SUCCESS) {
      for (element f : many) {
        if (f.is_null()) files.emplace_back(); else files.emplace_back(std::string(f.get_string().value()));
      }
    }
    const int column = read.table->schema()->GetFieldIndex("var");
    if (column < 0) return "no column 'var'";
    const auto array = read.table->column(column)->chunks()[0];
    if (read.table->column(column)->num_chunks() != 1) return "expected one chunk";
    if (size_t(array->length()) != files.size()) {
      return "read " + std::to_string(array->length()) + " rows, cases.json has " +
             std::to_string(files.size());
    }
    for (size_t r = 0; r < files.size(); ++r) {
      const std::string ours = VariantSlotDebug(*array, int64_t(r));
      const std::string want = files[r] ? VariantFileDebug(*files[r]) : "<null row>";
      if (ours != want) return "row " + std::to_string(r) + ": expected " + want + ", read " + ours;
    }
    return std::nullopt;
  }
  return "no entry in cases.json";
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
  if (relative.starts_with("shredded_variant/")) {
    const auto oracle = CheckVariantCase(relative, read);
    EXPECT_FALSE(oracle.has_value()) << relative << " (cases.json): " << *oracle;
    const std::string file = fs::path(relative).filename().string();
    if (VariantDuckDbDisagreements().count(file)) {
      // The listing must stay true: DuckDB's expected file still disagrees.
      EXPECT_TRUE(Check(relative, expected, read).has_value())
          << relative << " now agrees with DuckDB: remove it from VariantDuckDbDisagreements()";
      return;
    }
  }
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
