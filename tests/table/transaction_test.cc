/// \file tests/table/transaction_test.cc
/// \brief Writing tables: create, append, overwrite, delete, time travel,
/// idempotent writes, schema enforcement and evolution, conflicts, checkpoints and
/// the cost of opening a long history.

#include "quire/table/transaction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "quire/columnar/c_data.h"
#include "quire/columnar/json.h"
#include "quire/columnar/type_parse.h"
#include "quire/io/input_stream.h"
#include "quire/io/memory_file_system.h"
#include "quire/table/checkpoint.h"
#include "quire/table/scan.h"
#include "quire/text/jsonl_reader.h"
#include "quire/testing/matchers.h"

namespace quire::table {
namespace {

using ::quire::testing::IsError;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

columnar::SchemaPtr Schema(std::string_view text) {
  auto schema = columnar::ParseSchema(text);
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return *schema;
}

// Rows given as JSON Lines, in `schema`.
std::unique_ptr<columnar::RecordBatchReader> Rows(const std::string& jsonl,
                                                  const columnar::SchemaPtr& schema) {
  text::JsonlReadOptions options;
  options.schema = schema;
  auto reader = text::JsonlReader::Open(io::MakeStringInput(jsonl), options);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  return std::move(*reader);
}

// The table's rows at `snapshot`, canonical JSON, sorted.
std::vector<std::string> Read(const SnapshotPtr& snapshot, ScanOptions options = {}) {
  auto table = ScanToTable(snapshot, options);
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  std::vector<std::string> rows;
  if (!table.ok()) return rows;
  for (const auto& batch : (*table)->ToBatches()) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      std::string row = "[";
      for (int c = 0; c < batch->num_columns(); ++c) {
        if (c) row += ",";
        columnar::AppendJsonValue(*batch->column(c), r, &row);
      }
      rows.push_back(row + "]");
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

class TransactionTest : public ::testing::Test {
 protected:
  std::shared_ptr<io::MemoryFileSystem> fs_ = std::make_shared<io::MemoryFileSystem>();
  std::shared_ptr<Table> table_ = Table::Open(fs_, "t");
  columnar::SchemaPtr schema_ = Schema("id: int64, name: string, day: date32[day]");

  CommitResult Write(const std::string& jsonl, WriteOptions options = {}) {
    auto rows = Rows(jsonl, schema_);
    auto result = WriteTable(*table_, *rows, options);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : CommitResult{};
  }
};

TEST_F(TransactionTest, AppendsAndTravelsInTime) {
  WriteOptions create;
  create.create.partition_by = {"day"};
  EXPECT_EQ(Write(R"({"id":1,"name":"a","day":"2024-05-01"})"
                  "\n"
                  R"({"id":2,"name":"b","day":"2024-05-02"})",
                  create)
                .version,
            0);
  EXPECT_EQ(Write(R"({"id":3,"name":null,"day":null})").version, 1);
  ASSERT_OK_AND_ASSIGN(auto latest, table_->Latest());
  EXPECT_EQ(latest->version(), 1);
  EXPECT_EQ(latest->metadata().partition_columns, std::vector<std::string>{"day"});
  EXPECT_EQ(latest->files().size(), 3u);
  // Hive layout, with the null partition in its default folder.
  std::vector<std::string> paths;
  for (const auto& f : latest->files()) paths.push_back(f.path.substr(0, f.path.find('/')));
  std::sort(paths.begin(), paths.end());
  EXPECT_THAT(paths, ElementsAre("day=2024-05-01", "day=2024-05-02",
                                 "day=__HIVE_DEFAULT_PARTITION__"));
  EXPECT_THAT(Read(latest), ElementsAre(R"([1,"a","2024-05-01"])", R"([2,"b","2024-05-02"])",
                                        R"([3,null,null])"));
  ASSERT_OK_AND_ASSIGN(auto v0, table_->AtVersion(0));
  EXPECT_EQ(Read(v0).size(), 2u);
  EXPECT_THAT(table_->AtVersion(2), IsError(ErrorCode::kNotFound, HasSubstr("versions 0 to 1")));
  // Every add carries statistics.
  for (const auto& f : latest->files()) {
    ASSERT_TRUE(f.stats);
    EXPECT_THAT(*f.stats, HasSubstr("\"numRecords\":1"));
  }
  ASSERT_OK_AND_ASSIGN(auto history, table_->History());
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].version, 1);
  EXPECT_EQ(history[0].operation, "WRITE");
  EXPECT_THAT(history[0].commit_info, HasSubstr("\"numOutputRows\":\"1\""));
}

TEST_F(TransactionTest, ScansPruneByPartitionAndStatistics) {
  WriteOptions create;
  create.create.partition_by = {"day"};
  Write(R"({"id":1,"name":"a","day":"2024-05-01"})"
        "\n"
        R"({"id":2,"name":"b","day":"2024-05-02"})",
        create);
  Write(R"({"id":30,"name":"c","day":"2024-05-02"})");
  ASSERT_OK_AND_ASSIGN(auto snap, table_->Latest());
  ScanReport report;
  ScanOptions options;
  ASSERT_OK_AND_ASSIGN(options.filter, compute::ParseExpression("day = '2024-05-02' and id > 10"));
  options.report = &report;
  EXPECT_THAT(Read(snap, options), ElementsAre(R"([30,"c","2024-05-02"])"));
  EXPECT_EQ(report.files, 3);
  EXPECT_EQ(report.files_pruned_by_partition, 1);
  EXPECT_EQ(report.files_pruned_by_stats, 1);
  EXPECT_EQ(report.files_scanned, 1);
  EXPECT_EQ(report.rows_returned, 1);
  // Projection, partition column only.
  options = {};
  options.columns = {"day"};
  EXPECT_THAT(Read(snap, options),
              ElementsAre(R"(["2024-05-01"])", R"(["2024-05-02"])", R"(["2024-05-02"])"));
  options.columns = {"nope"};
  EXPECT_THAT(Scan(snap, options), IsError(ErrorCode::kNotFound, HasSubstr("nope")));
}

TEST_F(TransactionTest, OverwritesAllOrMatchingPartitions) {
  WriteOptions create;
  create.create.partition_by = {"day"};
  Write(R"({"id":1,"name":"a","day":"2024-05-01"})"
        "\n"
        R"({"id":2,"name":"b","day":"2024-05-02"})",
        create);
  WriteOptions replace;
  replace.mode = WriteMode::kOverwrite;
  ASSERT_OK_AND_ASSIGN(replace.replace_where, compute::ParseExpression("day = '2024-05-02'"));
  Write(R"({"id":20,"name":"B","day":"2024-05-02"})", replace);
  ASSERT_OK_AND_ASSIGN(auto snap, table_->Latest());
  EXPECT_THAT(Read(snap), ElementsAre(R"([1,"a","2024-05-01"])", R"([20,"B","2024-05-02"])"));
  // Rows outside replace_where are refused, before anything is committed.
  auto rows = Rows(R"({"id":9,"name":"x","day":"2024-05-09"})", schema_);
  EXPECT_THAT(WriteTable(*table_, *rows, replace),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("does not match replace_where")));
  WriteOptions all;
  all.mode = WriteMode::kOverwrite;
  Write(R"({"id":7,"name":"z","day":"2024-06-01"})", all);
  ASSERT_OK_AND_ASSIGN(snap, table_->Latest());
  EXPECT_EQ(snap->version(), 2);
  EXPECT_THAT(Read(snap), ElementsAre(R"([7,"z","2024-06-01"])"));
  EXPECT_EQ(snap->tombstones().size(), 3u);  // one at version 1, two at 2
}

TEST_F(TransactionTest, DeletesWholeFilesOrRewritesThem) {
  Write(R"({"id":1,"name":"a","day":"2024-05-01"})"
        "\n"
        R"({"id":2,"name":"b","day":"2024-05-01"})");
  Write(R"({"id":10,"name":"c","day":"2024-05-01"})");
  ASSERT_OK_AND_ASSIGN(auto predicate, compute::ParseExpression("id >= 2"));
  ASSERT_OK_AND_ASSIGN(CommitResult result, DeleteRows(*table_, predicate));
  EXPECT_EQ(result.version, 2);
  EXPECT_EQ(result.files_removed, 2);  // one dropped whole, one rewritten
  EXPECT_EQ(result.files_added, 1);
  ASSERT_OK_AND_ASSIGN(auto snap, table_->Latest());
  EXPECT_THAT(Read(snap), ElementsAre(R"([1,"a","2024-05-01"])"));
  ASSERT_OK_AND_ASSIGN(predicate, compute::ParseExpression("id = 99"));
  ASSERT_OK_AND_ASSIGN(result, DeleteRows(*table_, predicate));
  EXPECT_TRUE(result.skipped);
}

TEST_F(TransactionTest, EnforcesTheSchemaAndEvolvesItOnRequest) {
  Write(R"({"id":1,"name":"a","day":"2024-05-01"})");
  auto wrong = Rows(R"({"id":"x","name":"a","day":"2024-05-01"})",
                    Schema("id: string, name: string, day: date32[day]"));
  EXPECT_THAT(WriteTable(*table_, *wrong),
              IsError(ErrorCode::kSchemaMismatch,
                      HasSubstr("column 'id': the table has type int64, the data has string")));
  auto extra = Rows(R"({"id":2,"name":"b","day":"2024-05-01","score":1.5})",
                    Schema("id: int64, name: string, day: date32[day], score: double"));
  EXPECT_THAT(WriteTable(*table_, *extra),
              IsError(ErrorCode::kSchemaMismatch, HasSubstr("column 'score'")));
  // Narrower types are widened losslessly on write.
  auto narrow = Rows(R"({"id":3,"name":"c","day":"2024-05-01"})",
                     Schema("id: int32, name: string, day: date32[day]"));
  ASSERT_OK(WriteTable(*table_, *narrow).status());
  extra = Rows(R"({"id":2,"name":"b","day":"2024-05-01","score":1.5})",
               Schema("id: int64, name: string, day: date32[day], score: double"));
  WriteOptions evolve;
  evolve.schema_evolution = true;
  ASSERT_OK(WriteTable(*table_, *extra, evolve).status());
  ASSERT_OK_AND_ASSIGN(auto snap, table_->Latest());
  EXPECT_EQ(snap->schema()->num_fields(), 4);
  EXPECT_THAT(Read(snap), ElementsAre(R"([1,"a","2024-05-01",null])",
                                      R"([2,"b","2024-05-01",1.5])",
                                      R"([3,"c","2024-05-01",null])"));
}

TEST_F(TransactionTest, IdempotentWritesAreSkipped) {
  WriteOptions options;
  options.app_id = "pipeline";
  options.app_version = 7;
  EXPECT_FALSE(Write(R"({"id":1,"name":"a","day":"2024-05-01"})", options).skipped);
  CommitResult again = Write(R"({"id":1,"name":"a","day":"2024-05-01"})", options);
  EXPECT_TRUE(again.skipped);
  EXPECT_EQ(again.version, 0);
  ASSERT_OK_AND_ASSIGN(auto snap, table_->Latest());
  EXPECT_EQ(Read(snap).size(), 1u);
  EXPECT_EQ(snap->app_transactions().at("pipeline").version, 7);
}

TEST_F(TransactionTest, BlindAppendsRetryPastConcurrentCommits) {
  Write(R"({"id":1,"name":"a","day":"2024-05-01"})");
  ASSERT_OK_AND_ASSIGN(auto base, table_->Latest());
  // Another writer commits version 1 first.
  Write(R"({"id":2,"name":"b","day":"2024-05-01"})");
  PendingCommit pending;
  pending.read_snapshot = base;
  AddFile add = base->files().front();
  add.path = "copy.parquet";
  ASSERT_OK(fs_->WriteAll("t/copy.parquet",
                          std::string_view(reinterpret_cast<const char*>(
                                               fs_->ReadAll("t/" + base->files()[0].path)
                                                   .ValueOrDie()
                                                   ->data()),
                                           size_t(base->files()[0].size))));
  pending.actions.push_back(add);
  ASSERT_OK_AND_ASSIGN(CommitResult result, Commit(*table_, pending));
  EXPECT_EQ(result.version, 2);
  EXPECT_EQ(result.attempts, 2);
  // A delete that read version 0 conflicts with the concurrent append.
  PendingCommit remove;
  remove.read_snapshot = base;
  remove.blind_append = false;
  remove.read_files.insert(base->files()[0].path);
  RemoveFile r;
  r.path = base->files()[0].path;
  remove.actions.push_back(r);
  EXPECT_THAT(Commit(*table_, remove),
              IsError(ErrorCode::kCommitConflict, HasSubstr("version 1 (WRITE) added")));
  // Metadata changes conflict with everything.
  PendingCommit meta;
  meta.read_snapshot = base;
  meta.actions.push_back(base->metadata());
  ASSERT_OK(Commit(*table_, meta).status());
  EXPECT_THAT(Commit(*table_, pending),
              IsError(ErrorCode::kCommitConflict, HasSubstr("changed the table's metadata")));
}

TEST_F(TransactionTest, CheckpointsEveryIntervalAndOpensInFewRequests) {
  WriteOptions create;
  create.create.properties["delta.checkpointInterval"] = "10";
  Write(R"({"id":0,"name":"a","day":"2024-05-01"})", create);
  for (int i = 1; i <= 1000; ++i) {
    auto rows = Rows(fmt::format(R"({{"id":{},"name":"a","day":"2024-05-01"}})", i), schema_);
    ASSERT_OK_AND_ASSIGN(CommitResult r, WriteTable(*table_, *rows));
    ASSERT_EQ(r.version, i);
    EXPECT_EQ(r.checkpoint_written, i % 10 == 0) << i;
  }
  ASSERT_OK_AND_ASSIGN(auto last, ReadLastCheckpoint(*fs_, "t/_delta_log"));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->version, 1000);
  const auto before = fs_->stats().Snapshot();
  ASSERT_OK_AND_ASSIGN(auto snap, table_->Latest());
  const auto cost = fs_->stats().Snapshot() - before;
  EXPECT_EQ(snap->version(), 1000);
  EXPECT_EQ(snap->files().size(), 1001u);
  // _last_checkpoint, one listing page, the checkpoint (footer and data): a bounded
  // number however long the history.
  EXPECT_LE(cost.total_requests(), 8) << cost.ToString();
  EXPECT_EQ(cost.count(io::RequestKind::kList), 1);
  EXPECT_EQ(snap->replay().checkpoint_version, 1000);
  ASSERT_OK_AND_ASSIGN(auto old, table_->AtVersion(995));
  EXPECT_EQ(old->replay().checkpoint_version, 990);
  EXPECT_EQ(old->files().size(), 996u);
}

TEST_F(TransactionTest, CreatingTwiceFails) {
  ASSERT_OK(CreateTable(*table_, schema_).status());
  EXPECT_THAT(CreateTable(*table_, schema_), IsError(ErrorCode::kAlreadyExists));
  ASSERT_OK_AND_ASSIGN(auto snap, table_->Latest());
  EXPECT_EQ(snap->version(), 0);
  EXPECT_TRUE(snap->files().empty());
  EXPECT_EQ(Read(snap).size(), 0u);
}

}  // namespace
}  // namespace quire::table

namespace quire::table {
namespace {

TEST_F(TransactionTest, UpdatesMatchingRowsAndMovesPartitions) {
  WriteOptions create;
  create.create.partition_by = {"day"};
  Write(R"({"id":1,"name":"a","day":"2024-05-01"})"
        "\n"
        R"({"id":2,"name":"b","day":"2024-05-01"})"
        "\n"
        R"({"id":3,"name":"c","day":"2024-05-02"})",
        create);
  ASSERT_OK_AND_ASSIGN(auto predicate, compute::ParseExpression("id >= 2"));
  std::map<std::string, compute::Literal> values;
  values["name"] = compute::Literal{.kind = compute::Literal::Kind::kString,
                                    .string_value = "z"};
  values["day"] = compute::Literal{.kind = compute::Literal::Kind::kString,
                                   .string_value = "2024-06-01"};
  ASSERT_OK_AND_ASSIGN(CommitResult result, UpdateRows(*table_, predicate, values));
  EXPECT_EQ(result.version, 1);
  EXPECT_EQ(result.files_removed, 2);
  ASSERT_OK_AND_ASSIGN(auto snap, table_->Latest());
  EXPECT_THAT(Read(snap), ElementsAre(R"([1,"a","2024-05-01"])", R"([2,"z","2024-06-01"])",
                                      R"([3,"z","2024-06-01"])"));
  ASSERT_OK_AND_ASSIGN(auto history, table_->History(1));
  EXPECT_EQ(history[0].operation, "UPDATE");
  EXPECT_THAT(history[0].commit_info, HasSubstr("\"numUpdatedRows\":\"2\""));
  // Values the column cannot hold, and unknown columns, are refused.
  values.clear();
  values["id"] = compute::Literal{.kind = compute::Literal::Kind::kString, .string_value = "x"};
  EXPECT_THAT(UpdateRows(*table_, predicate, values),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("column 'id' (int64) cannot hold")));
  values.clear();
  values["nope"] = compute::Literal{.kind = compute::Literal::Kind::kInt, .int_value = 1};
  EXPECT_THAT(UpdateRows(*table_, predicate, values), IsError(ErrorCode::kNotFound));
}

}  // namespace
}  // namespace quire::table

namespace quire::table {
namespace {

// A scan leaves through the Arrow C Stream Interface as any RecordBatchReader does:
// a consumer (pyarrow, DuckDB, Polars) gets the same rows.
TEST_F(TransactionTest, ScansExportThroughTheArrowCStream) {
  WriteOptions create;
  create.create.partition_by = {"day"};
  Write(R"({"id":1,"name":"a","day":"2024-05-01"})"
        "\n"
        R"({"id":2,"name":"b","day":"2024-05-02"})",
        create);
  ASSERT_OK_AND_ASSIGN(auto snap, table_->Latest());
  ScanOptions options;
  options.columns = {"day", "id"};
  ASSERT_OK_AND_ASSIGN(auto scan, Scan(snap, options));
  ArrowArrayStream stream;
  ASSERT_OK(columnar::ExportRecordBatchReader(std::move(scan), &stream));
  ASSERT_OK_AND_ASSIGN(auto imported, columnar::ImportRecordBatchReader(&stream));
  EXPECT_EQ(imported->schema()->ToString(), "day: date32[day]\nid: int64");
  ASSERT_OK_AND_ASSIGN(auto table, columnar::Table::FromReader(*imported));
  std::vector<std::string> rows;
  for (const auto& batch : table->ToBatches()) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      rows.push_back(columnar::JsonValue(*batch->column(0), r) + " " +
                     columnar::JsonValue(*batch->column(1), r));
    }
  }
  std::sort(rows.begin(), rows.end());
  EXPECT_THAT(rows, ElementsAre("\"2024-05-01\" 1", "\"2024-05-02\" 2"));
}

}  // namespace
}  // namespace quire::table
