/// \file tests/io/azure_file_system_test.cc
/// \brief The Azure Blob filesystem against azurite 3.37 on loopback
/// (devstoreaccount1, path-style endpoint), which verifies Shared Key signatures
/// and enforces If-None-Match on Put Blob and Put Block List, so the commit race
/// runs here for real.
#include "quire/io/azure_file_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <random>

#include "io/test_servers.h"
#include "store_test_util.h"
#include "quire/testing/matchers.h"

namespace quire::io {
namespace {

using ::quire::testing::AsString;
using ::quire::testing::Bytes;
using ::quire::testing::IsError;
using ::quire::testing::RandomBytes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class AzureFileSystemTest : public ::testing::Test {
 protected:
  static quire::testing::TestServer& Server() {
    return quire::testing::SharedTestServer(quire::testing::TestServerKind::kAzurite);
  }

  AzureOptions Options() const {
    AzureOptions o;
    o.account = std::string(kAzuriteAccount);
    o.account_key = std::string(kAzuriteAccountKey);
    o.endpoint = Server().endpoint() + "/" + std::string(kAzuriteAccount);
    o.remote.max_retries = 2;
    o.remote.retry_timeout_ms = 5000;
    return o;
  }

  std::shared_ptr<FileSystem> MakeFs(AzureOptions options) {
    static std::atomic<int> counter{0};
    container_ = "quire-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    EXPECT_OK(CreateAzureContainer(options, container_));
    auto fs = MakeAzureFileSystem(container_, std::move(options));
    EXPECT_OK(fs);
    return fs.ok() ? *fs : nullptr;
  }

  void SetUp() override {
    fs_ = MakeFs(Options());
    ASSERT_NE(fs_, nullptr);
  }

  std::vector<std::string> Paths(std::string_view dir, bool recursive, int page_size = 1000) {
    return quire::testing::ListPaths(*fs_, dir, recursive, page_size);
  }

  std::string container_;
  std::shared_ptr<FileSystem> fs_;
};

TEST_F(AzureFileSystemTest, WritesASmallBlobInOnePutAndReadsRanges) {
  const std::string data = RandomBytes(10000, 1);
  const IoStatsSnapshot before = fs_->stats().Snapshot();
  ASSERT_OK(fs_->WriteAll("dir/a.bin", data));
  const IoStatsSnapshot w = fs_->stats().Snapshot() - before;
  EXPECT_EQ(w.count(RequestKind::kWrite), 1);
  EXPECT_EQ(w.bytes_written, 10000);
  ASSERT_OK_AND_ASSIGN(FileInfo info, fs_->Stat("dir/a.bin"));
  EXPECT_TRUE(info.is_file());
  EXPECT_EQ(info.size, 10000);
  EXPECT_FALSE(info.etag.empty());
  EXPECT_TRUE(info.mtime.has_value());

  ASSERT_OK_AND_ASSIGN(auto file, fs_->OpenRead("dir/a.bin"));
  EXPECT_EQ(file->path(), "az://" + container_ + "/dir/a.bin");
  ASSERT_OK_AND_ASSIGN(auto head, file->ReadAt(0, 10));
  ASSERT_OK_AND_ASSIGN(auto mid, file->ReadAt(4321, 1234));
  ASSERT_OK_AND_ASSIGN(auto tail, file->ReadAt(9999, 1));
  EXPECT_EQ(AsString(head), data.substr(0, 10));
  EXPECT_EQ(AsString(mid), data.substr(4321, 1234));
  EXPECT_EQ(AsString(tail), data.substr(9999, 1));
  ASSERT_OK(fs_->WriteAll("empty", ""));
  ASSERT_OK_AND_ASSIGN(FileInfo empty, fs_->Stat("empty"));
  EXPECT_EQ(empty.size, 0);
}

TEST_F(AzureFileSystemTest, LargeWritesGoUpAsBlocksCommittedByOneBlockList) {
  AzureOptions options = Options();
  options.remote.part_size = 1000;
  options.remote.concurrency = 3;
  auto fs = MakeFs(options);
  const std::string data = RandomBytes(10'500, 3);
  const IoStatsSnapshot before = fs->stats().Snapshot();
  ASSERT_OK_AND_ASSIGN(auto out, fs->OpenWrite("big/file.bin"));
  for (size_t pos = 0; pos < data.size();) {
    const size_t n = std::min<size_t>(777, data.size() - pos);
    ASSERT_OK(out->Write(std::string_view(data).substr(pos, n)));
    pos += n;
  }
  // Blocks are up, but nothing is visible before Put Block List.
  EXPECT_THAT(fs->Stat("big/file.bin"), IsError(ErrorCode::kNotFound));
  ASSERT_OK(out->Close());
  const IoStatsSnapshot d = fs->stats().Snapshot() - before;
  EXPECT_EQ(d.count(RequestKind::kPutPart), 11);
  EXPECT_EQ(d.count(RequestKind::kComplete), 1);
  EXPECT_EQ(d.bytes_written, 10'500);
  ASSERT_OK_AND_ASSIGN(auto back, fs->ReadAll("big/file.bin"));
  EXPECT_EQ(AsString(back), data);

  {
    ASSERT_OK_AND_ASSIGN(auto dropped, fs->OpenWrite("dropped.bin"));
    ASSERT_OK(dropped->Write(RandomBytes(5000, 4)));
  }
  EXPECT_THAT(fs->Stat("dropped.bin"), IsError(ErrorCode::kNotFound));
}

TEST_F(AzureFileSystemTest, ListsPageByPageWithAndWithoutDelimiter) {
  for (const char* p : {"t/a.txt", "t/b.txt", "t/sub/c.txt", "t/sub/deep/d.txt", "t2/x", "top"}) {
    ASSERT_OK(fs_->WriteAll(p, "x"));
  }
  const IoStatsSnapshot before = fs_->stats().Snapshot();
  EXPECT_THAT(Paths("t", false, 1), ElementsAre("t/a.txt", "t/b.txt", "t/sub/"));
  EXPECT_EQ((fs_->stats().Snapshot() - before).count(RequestKind::kList), 3);
  EXPECT_THAT(Paths("t", true, 3),
              ElementsAre("t/a.txt", "t/b.txt", "t/sub/c.txt", "t/sub/deep/d.txt"));
  EXPECT_THAT(Paths("", false), ElementsAre("t/", "t2/", "top"));
  EXPECT_THAT(Paths("nothing", true), ::testing::IsEmpty());
  ASSERT_OK_AND_ASSIGN(FileInfo dir, fs_->Stat("t/sub"));
  EXPECT_TRUE(dir.is_dir());
  EXPECT_THAT(fs_->Stat("t/none"),
              IsError(ErrorCode::kNotFound, HasSubstr("az://" + container_ + "/t/none")));
  EXPECT_THAT(fs_->OpenRead("t/none"), IsError(ErrorCode::kNotFound, HasSubstr("t/none")));
}

// PutIfAbsent's refusal and the eight-writer race: the conformance suite on
// azurite (object_store_conformance_test.cc).

TEST_F(AzureFileSystemTest, NoOverwriteStreamsFailAtCloseWhenTheBlobAppeared) {
  AzureOptions options = Options();
  options.remote.part_size = 100;
  auto fs = MakeFs(options);
  ASSERT_OK_AND_ASSIGN(auto small, fs->OpenWrite("x", {.overwrite = false}));
  ASSERT_OK_AND_ASSIGN(auto large, fs->OpenWrite("y", {.overwrite = false}));
  ASSERT_OK(small->Write("small"));
  ASSERT_OK(large->Write(RandomBytes(1000, 5)));
  ASSERT_OK(fs->WriteAll("x", "there first"));
  ASSERT_OK(fs->WriteAll("y", "there first"));
  EXPECT_THAT(small->Close(), IsError(ErrorCode::kAlreadyExists));  // Put Blob
  EXPECT_THAT(large->Close(), IsError(ErrorCode::kAlreadyExists));  // Put Block List
  ASSERT_OK_AND_ASSIGN(auto y, fs->ReadAll("y"));
  EXPECT_EQ(AsString(y), "there first");
  ASSERT_OK_AND_ASSIGN(auto fresh, fs->OpenWrite("z", {.overwrite = false}));
  ASSERT_OK(fresh->Write(RandomBytes(1000, 6)));
  EXPECT_OK(fresh->Close());
}

TEST_F(AzureFileSystemTest, DeletesInParallelAndDeleteDirStaysBelow) {
  std::vector<std::string> paths;
  for (int i = 0; i < 40; ++i) paths.push_back("del/" + std::to_string(i) + " & x");
  for (const auto& p : paths) ASSERT_OK(fs_->WriteAll(p, "x"));
  for (const char* p : {"dd/a", "dd/b/c", "dd2/a", "keep"}) ASSERT_OK(fs_->WriteAll(p, "x"));
  paths.push_back("del/never-existed");
  const IoStatsSnapshot before = fs_->stats().Snapshot();
  ASSERT_OK(fs_->Delete(paths));
  EXPECT_EQ((fs_->stats().Snapshot() - before).count(RequestKind::kDelete), 41);
  ASSERT_OK(fs_->DeleteDir("dd"));
  EXPECT_THAT(Paths("", true), ElementsAre("dd2/a", "keep"));
}

TEST_F(AzureFileSystemTest, CopiesServerSideAndMoves) {
  const std::string data = RandomBytes(3000, 7);
  ASSERT_OK(fs_->WriteAll("src dir/a+b.bin", data));
  const IoStatsSnapshot before = fs_->stats().Snapshot();
  ASSERT_OK(fs_->Copy("src dir/a+b.bin", "copies/c.bin"));
  EXPECT_EQ((fs_->stats().Snapshot() - before).bytes_read, 0);
  ASSERT_OK_AND_ASSIGN(auto copy, fs_->ReadAll("copies/c.bin"));
  EXPECT_EQ(AsString(copy), data);
  ASSERT_OK(fs_->Move("copies/c.bin", "moved/m.bin"));
  EXPECT_THAT(fs_->Stat("copies/c.bin"), IsError(ErrorCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(auto moved, fs_->ReadAll("moved/m.bin"));
  EXPECT_EQ(AsString(moved), data);
  EXPECT_THAT(fs_->Copy("nothing", "x"),
              IsError(ErrorCode::kNotFound, HasSubstr("az://" + container_ + "/nothing")));
}

TEST_F(AzureFileSystemTest, AwkwardNamesRoundTrip) {
  for (const std::string name : {"sp ace/file name.txt", "ü/ñ€.bin", "a+b=c&d?e#f",
                                 "quote\"'<>%20"}) {
    ASSERT_OK(fs_->WriteAll(name, name)) << name;
    ASSERT_OK_AND_ASSIGN(auto back, fs_->ReadAll(name));
    EXPECT_EQ(AsString(back), name);
  }
  EXPECT_EQ(Paths("", true).size(), 4u);
}

TEST_F(AzureFileSystemTest, BadKeysAndSasTokensFailWithoutShowingThem) {
  AzureOptions options = Options();
  options.account_key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";
  ASSERT_OK_AND_ASSIGN(auto bad_key, MakeAzureFileSystem(container_, options));
  Status put = bad_key->WriteAll("f", "x");
  EXPECT_THAT(put, IsError(ErrorCode::kIOError, HasSubstr("403")));
  EXPECT_THAT(put.message(), HasSubstr("AuthorizationFailure"));
  EXPECT_FALSE(put.retryable());
  EXPECT_THAT(put.message(), Not(HasSubstr("AAAAAAAA")));

  AzureOptions sas = Options();
  sas.account_key.clear();
  sas.sas_token = "?sv=2021-08-06&ss=b&srt=sco&sp=rwdlac&se=2099-01-01T00:00:00Z&sig=TopSecretSig%3D";
  ASSERT_OK_AND_ASSIGN(auto bad_sas, MakeAzureFileSystem(container_, sas));
  Status sas_put = bad_sas->WriteAll("f", "x");
  EXPECT_THAT(sas_put, IsError(ErrorCode::kIOError, HasSubstr("403")));
  EXPECT_THAT(sas_put.message(), Not(HasSubstr("TopSecretSig")));

  options.account_key = "not base64!";
  EXPECT_THAT(MakeAzureFileSystem(container_, options),
              IsError(ErrorCode::kInvalidArgument, Not(HasSubstr("not base64!"))));
}

TEST_F(AzureFileSystemTest, OpensThroughTheUrlFactory) {
  ASSERT_OK(fs_->WriteAll("via/url.txt", "hello"));
  UrlOptions options{{"account", std::string(kAzuriteAccount)},
                     {"account_key", std::string(kAzuriteAccountKey)},
                     {"endpoint", Server().endpoint() + "/" + std::string(kAzuriteAccount)}};
  ASSERT_OK_AND_ASSIGN(FileSystemAndPath fp,
                       FileSystemFromUrl("az://" + container_ + "/via/url.txt", options));
  EXPECT_EQ(fp.fs->scheme(), "az");
  ASSERT_OK_AND_ASSIGN(auto data, fp.fs->ReadAll(fp.path));
  EXPECT_EQ(AsString(data), "hello");
  // abfss://container@account.dfs.core.windows.net names the account in the host.
  options.erase("account");
  ASSERT_OK_AND_ASSIGN(
      FileSystemAndPath abfs,
      FileSystemFromUrl("abfss://" + container_ + "@devstoreaccount1.dfs.core.windows.net/via/url.txt",
                        options));
  ASSERT_OK_AND_ASSIGN(data, abfs.fs->ReadAll(abfs.path));
  EXPECT_EQ(AsString(data), "hello");
}

}  // namespace
}  // namespace quire::io
