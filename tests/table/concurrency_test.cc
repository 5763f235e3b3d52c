/// \file tests/table/concurrency_test.cc
/// \brief Several processes committing to one table on the local filesystem at
/// once (quire_table_writer), and writers killed (SIGKILL) midway.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "quire/columnar/json.h"
#include "quire/table/maintenance.h"
#include "quire/table/scan.h"
#include "quire/table/table.h"
#include "quire/testing/matchers.h"

extern char** environ;

namespace quire::table {
namespace {

namespace fs = std::filesystem;

pid_t Spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("quire-concurrency-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // (writer, seq) -> rows seen, from a scan of the latest version.
  std::map<std::pair<int64_t, int64_t>, int64_t> Groups(const SnapshotPtr& snap) {
    std::map<std::pair<int64_t, int64_t>, int64_t> groups;
    auto table = ScanToTable(snap, {});
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    if (!table.ok()) return groups;
    for (const auto& batch : (*table)->ToBatches()) {
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        const int64_t w = std::stoll(columnar::JsonValue(*batch->column(0), r));
        const int64_t s = std::stoll(columnar::JsonValue(*batch->column(1), r));
        ++groups[{w, s}];
      }
    }
    return groups;
  }

  fs::path dir_;
};

TEST_F(ConcurrencyTest, ConcurrentAppendsAllLandOnceWithContiguousVersions) {
  constexpr int kWriters = 4, kCommits = 12, kRows = 3;
  std::vector<pid_t> pids;
  for (int w = 0; w < kWriters; ++w) {
    pids.push_back(Spawn({QUIRE_TABLE_WRITER, dir_.string(), std::to_string(w),
                          std::to_string(kCommits), std::to_string(kRows)}));
  }
  for (pid_t pid : pids) {
    const int status = Wait(pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  auto table = Table::Open(dir_.string());
  ASSERT_OK(table.status());
  ASSERT_OK_AND_ASSIGN(auto snap, (*table)->Latest());
  // One version per commit, none missing: 0 .. writers * commits - 1.
  EXPECT_EQ(snap->version(), kWriters * kCommits - 1);
  ASSERT_OK_AND_ASSIGN(auto history, (*table)->History());
  ASSERT_EQ(history.size(), size_t(kWriters * kCommits));
  for (size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(history[i].version, int64_t(history.size() - 1 - i));
  }
  auto groups = Groups(snap);
  EXPECT_EQ(groups.size(), size_t(kWriters * kCommits));
  for (const auto& [key, rows] : groups) EXPECT_EQ(rows, kRows) << key.first << "/" << key.second;
}

TEST_F(ConcurrencyTest, KilledWritersLeaveACommittedVersionAndNoPartialData) {
  std::mt19937 rng(20261122);
  size_t commits = 0;
  for (int round = 0; round < 3; ++round) {
    std::vector<pid_t> pids;
    for (int w = 0; w < 2; ++w) {
      pids.push_back(Spawn({QUIRE_TABLE_WRITER, dir_.string(), std::to_string(round * 10 + w),
                            "200", "20000"}));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 400));
    for (pid_t pid : pids) kill(pid, SIGKILL);
    for (pid_t pid : pids) Wait(pid);
    auto table = Table::Open(dir_.string());
    ASSERT_OK(table.status());
    auto snap = (*table)->Latest();
    if (!snap.ok() && snap.status().code() == ErrorCode::kNotFound) continue;  // killed first
    ASSERT_OK(snap.status());
    // Every commit in the log is whole; nothing of an unfinished one is visible.
    auto groups = Groups(*snap);
    ASSERT_OK_AND_ASSIGN(auto history, (*table)->History());
    EXPECT_EQ(groups.size(), history.size());
    commits = history.size();
    for (const auto& [key, rows] : groups) EXPECT_EQ(rows, 20000) << key.first << "/" << key.second;
  }
  // The kills came while writers were committing, not before the first commit.
  EXPECT_GT(commits, 0u);
  // Files of commits that never landed are orphans: vacuum removes them once they
  // are older than the retention, and only them.
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(24 * 30);
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    if (e.is_regular_file() && e.path().string().find("_delta_log") == std::string::npos) {
      fs::last_write_time(e.path(), old);
    }
  }
  auto table = Table::Open(dir_.string());
  ASSERT_OK(table.status());
  ASSERT_OK_AND_ASSIGN(auto snap, (*table)->Latest());
  ASSERT_OK(Vacuum(**table, {}).status());
  size_t data_files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    const std::string rel = fs::relative(e.path(), dir_).string();
    // Hidden files are a killed writer's temporary files, which vacuum leaves alone
    // (as it does every hidden path).
    if (e.is_regular_file() && rel.find("_delta_log") == std::string::npos &&
        e.path().filename().string().front() != '.') {
      ++data_files;
    }
  }
  EXPECT_EQ(data_files, snap->files().size());
  EXPECT_EQ(Groups(snap).size(), commits);
}

}  // namespace
}  // namespace quire::table
