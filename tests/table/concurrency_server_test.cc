/// \file tests/table/concurrency_server_test.cc
/// \brief Several processes committing to one table in Azure Blob storage (azurite,
/// which enforces If-None-Match: the conditional write commits rely on).
///
/// Not on s3rver: it ignores If-None-Match (tests/io pins that), so two writers of
/// one version would both "win" there, as they would on any store without
/// conditional writes; S3 itself has honoured If-None-Match since 2024.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <map>

#include "io/test_servers.h"
#include "quire/columnar/json.h"
#include "quire/table/scan.h"
#include "quire/table/table.h"
#include "quire/testing/matchers.h"

extern char** environ;

namespace quire::table {
namespace {

std::string QueryEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(char(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

TEST(AzureConcurrencyTest, ProcessesAppendingToOneTableCommitEveryVersionOnce) {
  auto& server = quire::testing::SharedTestServer(quire::testing::TestServerKind::kAzurite);
  const Status created = server.CreateBucket("tables");
  ASSERT_TRUE(created.ok() || created.code() == ErrorCode::kAlreadyExists) << created.ToString();
  std::string url = "az://tables/concurrent";
  char separator = '?';
  for (const auto& [key, value] : server.url_options()) {
    url += separator + key + "=" + QueryEscape(value);
    separator = '&';
  }
  constexpr int kWriters = 3, kCommits = 8, kRows = 2;
  std::vector<pid_t> pids;
  for (int w = 0; w < kWriters; ++w) {
    std::vector<std::string> args = {QUIRE_TABLE_WRITER, url, std::to_string(w),
                                     std::to_string(kCommits), std::to_string(kRows)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(url));
  ASSERT_OK_AND_ASSIGN(auto snap, table->Latest());
  EXPECT_EQ(snap->version(), kWriters * kCommits - 1);
  ASSERT_OK_AND_ASSIGN(auto history, table->History());
  EXPECT_EQ(history.size(), size_t(kWriters * kCommits));
  ASSERT_OK_AND_ASSIGN(auto rows, ScanToTable(snap, {}));
  std::map<std::pair<std::string, std::string>, int> groups;
  for (const auto& batch : rows->ToBatches()) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      ++groups[{columnar::JsonValue(*batch->column(0), r),
                columnar::JsonValue(*batch->column(1), r)}];
    }
  }
  EXPECT_EQ(groups.size(), size_t(kWriters * kCommits));
  for (const auto& [key, n] : groups) EXPECT_EQ(n, kRows) << key.first << "/" << key.second;
}

}  // namespace
}  // namespace quire::table
