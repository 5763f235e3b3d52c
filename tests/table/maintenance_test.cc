/// \file tests/table/maintenance_test.cc
/// \brief Vacuum, optimize and log cleanup on a local table whose files are made
/// old by setting their modification times.

#include "quire/table/maintenance.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "quire/columnar/json.h"
#include "quire/columnar/type_parse.h"
#include "quire/io/input_stream.h"
#include "quire/io/local_file_system.h"
#include "quire/table/log_segment.h"
#include "quire/table/scan.h"
#include "quire/text/jsonl_reader.h"
#include "quire/testing/matchers.h"

namespace quire::table {
namespace {

namespace fs = std::filesystem;
using ::quire::testing::IsError;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class MaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("quire-maintenance-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    table_ = Table::Open(io::LocalFileSystem::Default(), dir_.string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  CommitResult Write(const std::string& jsonl, WriteOptions options = {}) {
    text::JsonlReadOptions read;
    read.schema = *columnar::ParseSchema("id: int64, p: int64");
    auto rows = text::JsonlReader::Open(io::MakeStringInput(jsonl), read);
    EXPECT_TRUE(rows.ok());
    auto result = WriteTable(*table_, **rows, options);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : CommitResult{};
  }

  std::vector<std::string> Rows() {
    auto snap = table_->Latest();
    EXPECT_TRUE(snap.ok());
    auto data = ScanToTable(*snap, {});
    EXPECT_TRUE(data.ok());
    std::vector<std::string> rows;
    for (const auto& batch : (*data)->ToBatches()) {
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        rows.push_back(columnar::JsonValue(*batch->column(0), r) + "/" +
                       columnar::JsonValue(*batch->column(1), r));
      }
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  // Data files on disk (not under hidden folders), relative to the root.
  std::vector<std::string> DataFiles() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      const std::string rel = fs::relative(e.path(), dir_).string();
      if (e.is_regular_file() && rel.find("_delta_log") == std::string::npos &&
          rel.front() != '.') {
        out.push_back(rel);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // Make every file under `dir` `days` old.
  void Age(const fs::path& dir, int days) {
    const auto when = fs::file_time_type::clock::now() - std::chrono::hours(24 * days);
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) fs::last_write_time(e.path(), when);
    }
  }

  fs::path dir_;
  std::shared_ptr<Table> table_;
};

TEST(ParseIntervalMsTest, ReadsDeltaIntervals) {
  ASSERT_OK_AND_ASSIGN(int64_t ms, ParseIntervalMs("interval 7 days"));
  EXPECT_EQ(ms, int64_t(7) * 86400000);
  ASSERT_OK_AND_ASSIGN(ms, ParseIntervalMs("INTERVAL 168 HOURS"));
  EXPECT_EQ(ms, int64_t(168) * 3600000);
  ASSERT_OK_AND_ASSIGN(ms, ParseIntervalMs("1 week"));
  EXPECT_EQ(ms, int64_t(7) * 86400000);
  EXPECT_THAT(ParseIntervalMs("interval 3 fortnights"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("unknown unit")));
  EXPECT_THAT(ParseIntervalMs("soon"), IsError(ErrorCode::kInvalidArgument));
}

TEST_F(MaintenanceTest, VacuumDeletesOnlyOldUnreferencedFiles) {
  Write(R"({"id":1,"p":1})");
  WriteOptions overwrite;
  overwrite.mode = WriteMode::kOverwrite;
  Write(R"({"id":2,"p":1})", overwrite);
  ASSERT_OK_AND_ASSIGN(auto snap, table_->Latest());
  const std::string live = snap->files().front().path;
  const std::string removed = snap->tombstones().front().path;
  fs::create_directories(dir_ / ".hidden");
  std::ofstream(dir_ / "orphan.parquet") << "x";
  std::ofstream(dir_ / ".hidden" / "old.bin") << "x";
  Age(dir_, 10);
  // A writer's file not yet committed; dated ahead so that it stays younger than the
  // 10 ms retention used below, however slow this machine.
  std::ofstream(dir_ / "young.parquet") << "x";
  fs::last_write_time(dir_ / "young.parquet",
                      fs::file_time_type::clock::now() + std::chrono::hours(1));

  // Under 7 days is refused unless asked for.
  EXPECT_THAT(Vacuum(*table_, {.retention_ms = 1}),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("under 7 days")));
  // Default retention: the tombstone is younger than 7 days, so its file stays.
  ASSERT_OK_AND_ASSIGN(VacuumResult dry, Vacuum(*table_, {.dry_run = true}));
  EXPECT_THAT(dry.files, ElementsAre("orphan.parquet"));
  EXPECT_TRUE(fs::exists(dir_ / "orphan.parquet"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_OK_AND_ASSIGN(VacuumResult done,
                       Vacuum(*table_, {.retention_ms = 10, .enforce_retention = false}));
  EXPECT_THAT(done.files, ElementsAre("orphan.parquet", removed));
  EXPECT_THAT(DataFiles(), ElementsAre(live, "young.parquet"));
  EXPECT_TRUE(fs::exists(dir_ / ".hidden" / "old.bin"));
  EXPECT_THAT(Rows(), ElementsAre("2/1"));
}

TEST_F(MaintenanceTest, OptimizePacksSmallFilesWithoutChangingData) {
  WriteOptions create;
  create.create.partition_by = {"p"};
  Write(R"({"id":0,"p":1})", create);
  for (int i = 1; i < 5; ++i) Write(fmt::format(R"({{"id":{},"p":1}})", i));
  Write(R"({"id":9,"p":2})");
  const auto before = Rows();
  ASSERT_OK_AND_ASSIGN(CommitResult result, Optimize(*table_));
  EXPECT_EQ(result.version, 6);
  EXPECT_EQ(result.files_removed, 5);  // p=2 has one file: nothing to pack
  EXPECT_EQ(result.files_added, 1);
  ASSERT_OK_AND_ASSIGN(auto snap, table_->Latest());
  EXPECT_EQ(snap->files().size(), 2u);
  EXPECT_EQ(Rows(), before);
  // The packed file is an add with dataChange=false (no data changed).
  ASSERT_OK_AND_ASSIGN(auto history, table_->History(1));
  EXPECT_EQ(history[0].operation, "OPTIMIZE");
  for (const auto& f : snap->files()) {
    if (f.partition_values.at("p") == "1") EXPECT_FALSE(f.data_change);
  }
  ASSERT_OK_AND_ASSIGN(result, Optimize(*table_));
  EXPECT_TRUE(result.skipped);
}

TEST_F(MaintenanceTest, LogCleanupKeepsWhatRetainedVersionsNeed) {
  WriteOptions create;
  create.create.properties["delta.checkpointInterval"] = "10";
  Write(R"({"id":0,"p":1})", create);
  for (int i = 1; i < 25; ++i) Write(fmt::format(R"({{"id":{},"p":1}})", i));
  // Versions 0..14 are 40 days old; the retention is 30 days.
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(24 * 40);
  for (const auto& e : fs::directory_iterator(dir_ / "_delta_log")) {
    const std::string name = e.path().filename().string();
    if (name.size() > 20 && std::stoll(name.substr(0, 20)) <= 14) fs::last_write_time(e.path(), old);
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  ASSERT_OK_AND_ASSIGN(int64_t deleted, CleanupLog(*table_, now));
  // Version 15 is the oldest retained; it replays from checkpoint 10, so only
  // commits 0..9 go (checkpoint 10 and commits 10..14 stay).
  EXPECT_EQ(deleted, 10);
  EXPECT_FALSE(fs::exists(dir_ / "_delta_log" / "00000000000000000009.json"));
  EXPECT_TRUE(fs::exists(dir_ / "_delta_log" / "00000000000000000010.checkpoint.parquet"));
  EXPECT_THAT(table_->AtVersion(5), IsError(ErrorCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(auto v15, table_->AtVersion(15));
  EXPECT_EQ(v15->files().size(), 16u);
  EXPECT_EQ(Rows().size(), 25u);
}

}  // namespace
}  // namespace quire::table

namespace quire::table {
namespace {

TEST_F(MaintenanceTest, ConvertsAFolderOfParquetFilesInPlace) {
  WriteOptions create;
  create.create.partition_by = {"p"};
  Write(R"({"id":1,"p":1})"
        "\n"
        R"({"id":2,"p":2})",
        create);
  Write(R"({"id":3,"p":null})");
  const auto rows = Rows();
  const auto files = DataFiles();
  // A plain Hive layout: the same files without a log.
  fs::remove_all(dir_ / "_delta_log");
  ASSERT_OK_AND_ASSIGN(CommitResult result, ConvertToTable(*table_));
  EXPECT_EQ(result.version, 0);
  EXPECT_EQ(result.files_added, 3);
  EXPECT_EQ(DataFiles(), files);  // nothing rewritten
  EXPECT_EQ(Rows(), rows);
  ASSERT_OK_AND_ASSIGN(auto snap, table_->Latest());
  EXPECT_EQ(snap->metadata().partition_columns, std::vector<std::string>{"p"});
  EXPECT_EQ(snap->schema()->field(1)->type()->ToString(), "int64");  // inferred
  for (const auto& f : snap->files()) {
    ASSERT_TRUE(f.stats);
    EXPECT_THAT(*f.stats, HasSubstr("\"numRecords\":1"));
  }
  EXPECT_THAT(ConvertToTable(*table_), IsError(ErrorCode::kAlreadyExists));
  // Files whose columns differ are named.
  fs::remove_all(dir_ / "_delta_log");
  const auto other = dir_ / "p=9" / "other.parquet";
  fs::create_directories(other.parent_path());
  fs::copy_file(QUIRE_SOURCE_DIR "/tests/data/parquet/data/alltypes_plain.parquet", other);
  EXPECT_THAT(ConvertToTable(*table_),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("other.parquet: its columns")));
}

}  // namespace
}  // namespace quire::table
