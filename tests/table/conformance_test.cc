/// \file tests/table/conformance_test.cc
/// \brief Every table of the Delta corpus (tests/data/delta, a copy of
/// ../shared/testdata/delta) reads as its expected/v<N>.json files say, for every
/// version listed: protocol, metadata, files, deletion vectors, app transactions,
/// domain metadata, row counts and the rows themselves (as a multiset).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "quire/columnar/json.h"
#include "quire/io/local_file_system.h"
#include "quire/table/scan.h"
#include "quire/table/table.h"
#include "quire/testing/matchers.h"

namespace quire::table {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kCorpus = QUIRE_SOURCE_DIR "/tests/data/delta";

// Tables quire refuses on purpose, with the reason (asserted below).
const std::map<std::string, std::string> kRefused = {
    // Declares the reader feature "blahabl", which no reader supports: a strict
    // reader must refuse it (delta/README.md, "Notes on particular tables").
    {"simple_table_features", "blahabl"},
};

struct Case {
  std::string table;
  int64_t version;
  std::string expected_path;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (const auto& table : fs::directory_iterator(kCorpus)) {
    if (!fs::is_directory(table.path() / "expected")) continue;
    for (const auto& e : fs::directory_iterator(table.path() / "expected")) {
      const std::string name = e.path().filename().string();
      if (!name.starts_with("v") || !name.ends_with(".json")) continue;
      cases.push_back({table.path().filename().string(),
                       std::stoll(name.substr(1, name.size() - 6)), e.path().string()});
    }
  }
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) {
    return std::tie(a.table, a.version) < std::tie(b.table, b.version);
  });
  return cases;
}

std::string Minify(simdjson::dom::element e) { return std::string(simdjson::minify(e)); }

std::vector<std::string> Strings(simdjson::dom::element e) {
  std::vector<std::string> out;
  for (auto item : e.get_array()) out.emplace_back(std::string_view(item.get_string()));
  return out;
}

// Our canonical row rendering, in the corpus's conventions (-0.0 is written 0).
std::string RowJson(const columnar::RecordBatch& batch, int64_t row) {
  std::string out = "[";
  for (int c = 0; c < batch.num_columns(); ++c) {
    if (c) out += ",";
    std::string value;
    columnar::AppendJsonValue(*batch.column(c), row, &value, batch.schema()->field(c).get());
    out += value;
  }
  out += "]";
  for (size_t at; (at = out.find("-0.0")) != std::string::npos;) {
    const bool digit_before = at > 0 && std::isdigit(uint8_t(out[at - 1]));
    const bool digit_after = at + 4 < out.size() && std::isdigit(uint8_t(out[at + 4]));
    if (digit_before || digit_after) break;
    out.replace(at, 4, "0");
  }
  return out;
}

class DeltaConformance : public ::testing::TestWithParam<Case> {};

TEST_P(DeltaConformance, ReadsAsExpected) {
  const Case& c = GetParam();
  simdjson::dom::parser parser;
  simdjson::dom::element expected;
  ASSERT_EQ(parser.load(c.expected_path).get(expected), simdjson::SUCCESS);
  auto table = Table::Open(io::LocalFileSystem::Default(), (kCorpus / c.table).string());
  auto snapshot = table->AtVersion(c.version);
  if (auto refused = kRefused.find(c.table); refused != kRefused.end()) {
    EXPECT_THAT(snapshot, testing::IsError(ErrorCode::kUnsupported, HasSubstr(refused->second)));
    return;
  }
  ASSERT_OK(snapshot.status());
  const Snapshot& snap = **snapshot;
  EXPECT_EQ(snap.version(), c.version);

  // Protocol.
  auto protocol = expected["protocol"];
  EXPECT_EQ(snap.protocol().min_reader_version, int64_t(protocol["minReaderVersion"]));
  EXPECT_EQ(snap.protocol().min_writer_version, int64_t(protocol["minWriterVersion"]));
  simdjson::dom::element features;
  if (!protocol["readerFeatures"].get(features)) {
    ASSERT_TRUE(snap.protocol().reader_features);
    auto mine = *snap.protocol().reader_features;
    std::sort(mine.begin(), mine.end());
    EXPECT_EQ(mine, Strings(features));
  }
  if (!protocol["writerFeatures"].get(features)) {
    ASSERT_TRUE(snap.protocol().writer_features);
    auto mine = *snap.protocol().writer_features;
    std::sort(mine.begin(), mine.end());
    EXPECT_EQ(mine, Strings(features));
  }
  // Metadata.
  EXPECT_EQ(snap.metadata().id, std::string_view(expected["metadata_id"].get_string()));
  EXPECT_EQ(snap.metadata().schema_string,
            std::string_view(expected["schema_string"].get_string()));
  EXPECT_EQ(snap.metadata().partition_columns, Strings(expected["partition_columns"]));
  std::map<std::string, std::string> configuration;
  for (auto [k, v] : expected["configuration"].get_object()) {
    configuration[std::string(k)] = std::string(std::string_view(v.get_string()));
  }
  EXPECT_EQ(snap.metadata().configuration, configuration);
  const std::string mode(std::string_view(expected["column_mapping_mode"].get_string()));
  EXPECT_EQ(snap.column_mapping_mode(),
            mode == "name" ? ColumnMappingMode::kName
                           : mode == "id" ? ColumnMappingMode::kId : ColumnMappingMode::kNone);
  // App transactions and domain metadata.
  std::map<std::string, int64_t> txns;
  for (auto [k, v] : expected["app_transactions"].get_object()) txns[std::string(k)] = int64_t(v);
  std::map<std::string, int64_t> mine_txns;
  for (const auto& [k, t] : snap.app_transactions()) mine_txns[k] = t.version;
  EXPECT_EQ(mine_txns, txns);
  std::map<std::string, std::string> domains, mine_domains;
  for (auto [k, v] : expected["domain_metadata"].get_object()) {
    domains[std::string(k)] = std::string(std::string_view(v.get_string()));
  }
  for (const auto& [k, d] : snap.domain_metadata()) mine_domains[k] = d.configuration;
  EXPECT_EQ(mine_domains, domains);
  // Files and deletion vectors.
  std::vector<std::string> files;
  std::map<std::string, std::pair<std::string, int64_t>> dvs;
  for (const auto& f : snap.files()) {
    files.push_back(f.path);
    if (f.deletion_vector) {
      dvs[f.path] = {f.deletion_vector->storage_type, f.deletion_vector->cardinality};
    }
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(int64_t(files.size()), int64_t(expected["num_files"]));
  EXPECT_EQ(files, Strings(expected["files"]));
  std::map<std::string, std::pair<std::string, int64_t>> expected_dvs;
  for (auto [k, v] : expected["deletion_vectors"].get_object()) {
    expected_dvs[std::string(k)] = {std::string(std::string_view(v["storageType"].get_string())),
                                    int64_t(v["cardinality"])};
  }
  EXPECT_EQ(dvs, expected_dvs);
  // Statistics.
  simdjson::dom::element stats_records = expected["stats_num_records"];
  if (stats_records.is_null()) {
    EXPECT_EQ(snap.NumRecordsFromStats(), std::nullopt);
  } else {
    EXPECT_EQ(snap.NumRecordsFromStats(), int64_t(stats_records));
  }
  // Rows.
  simdjson::dom::element num_rows = expected["num_rows"];
  if (num_rows.is_null()) return;  // data files missing (vacuumed)
  EXPECT_EQ(snap.schema()->num_fields(), int(expected["columns"].get_array().size()));
  std::vector<std::string> columns = Strings(expected["columns"]);
  ScanOptions options;
  options.columns = columns;
  ScanReport report;
  options.report = &report;
  auto rows = ScanToTable(*snapshot, options);
  ASSERT_OK(rows.status());
  EXPECT_EQ((*rows)->num_rows(), int64_t(num_rows));
  simdjson::dom::element expected_rows = expected["rows"];
  if (expected_rows.is_null()) return;  // too many to list
  std::vector<std::string> want, got;
  for (auto row : expected_rows.get_array()) want.push_back(Minify(row));
  for (const auto& batch : (*rows)->ToBatches()) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) got.push_back(RowJson(*batch, r));
  }
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
}

INSTANTIATE_TEST_SUITE_P(Corpus, DeltaConformance, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name = info.param.table + "_v" +
                                              std::to_string(info.param.version);
                           for (auto& ch : name) {
                             if (!std::isalnum(uint8_t(ch))) ch = '_';
                           }
                           return name;
                         });

// Every table of the corpus has expectations (so a table added to the corpus
// cannot go untested).
TEST(DeltaConformanceCompleteness, EveryTableHasExpectedFiles) {
  int tables = 0;
  for (const auto& table : fs::directory_iterator(kCorpus)) {
    if (!table.is_directory()) continue;
    ++tables;
    EXPECT_TRUE(fs::is_directory(table.path() / "expected")) << table.path();
  }
  EXPECT_EQ(tables, 33);
}

}  // namespace
}  // namespace quire::table
