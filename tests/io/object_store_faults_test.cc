/// \file tests/io/object_store_faults_test.cc
/// \brief S3 and Azure through the fault-injecting proxy: transient failures
/// (500, 503 SlowDown/ServerBusy, 429, resets, truncated bodies) are retried
/// until reads and writes succeed; past the retry budget they fail with a
/// retryable kIOError naming the URL; permanent errors fail at once; and a write
/// that fails leaves no object behind.
#include <atomic>
#include <random>

#include "file_system_conformance.h"
#include "io/fault_proxy.h"
#include "io/test_servers.h"
#include "quire/io/file_system.h"
#include "store_test_util.h"
#include "quire/testing/matchers.h"

namespace quire::io {
namespace {

using quire::testing::ErrorDialect;
using quire::testing::FaultKind;
using quire::testing::FaultProxy;
using quire::testing::FaultSettings;
using quire::testing::RequestFilter;
using quire::testing::TestServer;
using quire::testing::TestServerKind;
using ::quire::testing::AsString;
using ::quire::testing::Bytes;
using ::quire::testing::IsError;
using ::quire::testing::RandomBytes;
using ::testing::HasSubstr;

class ObjectStoreFaultsTest : public ::testing::TestWithParam<TestServerKind> {
 protected:
  void SetUp() override {
    TestServer* server = &quire::testing::SharedTestServer(GetParam());
    ASSERT_OK_AND_ASSIGN(proxy_, FaultProxy::Start(server->port()));
    static std::atomic<int> n{0};
    bucket_ = fmt::format("faults-{}-{}", ::getpid(), n.fetch_add(1));
    ASSERT_OK(server->CreateBucket(bucket_));
    options_ = server->url_options(proxy_->endpoint());
    options_["max_retries"] = "8";
    options_["retry_base_delay_ms"] = "5";
    options_["part_size"] = std::to_string(1 << 20);
    // A fresh filesystem (not the factory's cached one): its own counters.
    options_["request_timeout_ms"] = "20000";
    ASSERT_OK_AND_ASSIGN(auto fp, FileSystemFromUrl(Url(""), options_));
    fs_ = fp.fs;
    FaultSettings settings;
    settings.dialect = IsS3() ? ErrorDialect::kS3 : ErrorDialect::kAzure;
    ASSERT_OK(proxy_->Configure(settings));
  }

  bool IsS3() const { return GetParam() == TestServerKind::kS3; }
  std::string Url(std::string_view path) const {
    return fmt::format("{}://{}/{}", IsS3() ? "s3" : "az", bucket_, path);
  }
  Status WithRetries(int n) {
    UrlOptions o = options_;
    o["max_retries"] = std::to_string(n);
    auto fp = FileSystemFromUrl(Url(""), o);
    if (!fp.ok()) return fp.status();
    fs_ = fp->fs;
    return Status::OK();
  }

  std::unique_ptr<FaultProxy> proxy_;
  std::string bucket_;
  UrlOptions options_;
  std::shared_ptr<FileSystem> fs_;
};

TEST_P(ObjectStoreFaultsTest, ReadsAndWritesSurviveRandomTransientFaults) {
  FaultSettings settings = proxy_->settings();
  settings.rates.status_500 = 0.08;
  settings.rates.status_503 = 0.08;
  settings.rates.status_429 = 0.04;
  settings.rates.reset_before_forward = 0.04;
  settings.rates.truncate_response = 0.08;
  ASSERT_OK(proxy_->Configure(settings));
  proxy_->Seed(42);

  std::vector<std::string> files;
  for (int i = 0; i < 12; ++i) files.push_back(RandomBytes(size_t(1000 + i * 777), uint32_t(i)));
  const std::string large = RandomBytes(size_t(3 << 20) + 12345, 99);  // 4 parts
  for (size_t i = 0; i < files.size(); ++i) {
    ASSERT_OK(fs_->WriteAll(fmt::format("d/f{:02}", i), files[i]));
  }
  ASSERT_OK(fs_->WriteAll("d/large.bin", large));

  ASSERT_OK_AND_ASSIGN(auto listed, fs_->ListAll("d", {.recursive = true, .page_size = 5}));
  EXPECT_EQ(listed.size(), files.size() + 1);
  for (size_t i = 0; i < files.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(auto got, fs_->ReadAll(fmt::format("d/f{:02}", i)));
    EXPECT_TRUE(AsString(got) == files[i]) << i << ": " << got->size() << " bytes";
  }
  ASSERT_OK_AND_ASSIGN(auto file, fs_->OpenRead("d/large.bin"));
  for (int64_t at = 0; at < int64_t(large.size()); at += 700000) {
    const int64_t n = std::min<int64_t>(700000, int64_t(large.size()) - at);
    ASSERT_OK_AND_ASSIGN(auto piece, file->ReadAt(at, n));
    EXPECT_EQ(AsString(piece), large.substr(size_t(at), size_t(n)));
  }
  std::vector<std::string> paths;
  for (const auto& info : listed) paths.push_back(info.path);
  ASSERT_OK(fs_->Delete(paths));
  ASSERT_OK_AND_ASSIGN(listed, fs_->ListAll("d", {.recursive = true}));
  EXPECT_TRUE(listed.empty());

  const auto proxy_stats = proxy_->stats();
  EXPECT_GT(proxy_stats.total_faults(), 5);
  // libcurl itself resends a request whose reused connection was reset before
  // any answer, so some faults cost no retry of quire's.
  EXPECT_GT(fs_->stats().Snapshot().retries, 0);
  EXPECT_LE(fs_->stats().Snapshot().retries, proxy_stats.total_faults())
      << fs_->stats().Snapshot().ToString();
}

TEST_P(ObjectStoreFaultsTest, TruncatedBodiesAreRetriedNotReturned) {
  const std::string data = RandomBytes(200000, 3);
  ASSERT_OK(fs_->WriteAll("t.bin", data));
  ASSERT_OK_AND_ASSIGN(auto file, fs_->OpenRead("t.bin", {.size = int64_t(data.size())}));
  proxy_->FailNext(FaultKind::kTruncateResponse, 2, RequestFilter{.method = "GET"});
  const int64_t retries_before = fs_->stats().Snapshot().retries;
  ASSERT_OK_AND_ASSIGN(auto got, file->ReadAt(1000, 150000));
  EXPECT_EQ(AsString(got), data.substr(1000, 150000));
  EXPECT_EQ(fs_->stats().Snapshot().retries - retries_before, 2);
  EXPECT_EQ(proxy_->pending_scripted_faults(), 0);
}

TEST_P(ObjectStoreFaultsTest, GivesUpAfterTheRetryBudgetWithARetryableError) {
  ASSERT_OK(fs_->WriteAll("k", "value"));
  ASSERT_OK(WithRetries(3));
  proxy_->ResetStats();
  proxy_->FailNext(FaultKind::kStatus503, 100, RequestFilter{.method = "GET"});
  ASSERT_OK_AND_ASSIGN(auto file, fs_->OpenRead("k", {.size = 5}));
  auto r = file->ReadAt(0, 5);
  EXPECT_THAT(r, IsError(ErrorCode::kIOError, HasSubstr(Url("k"))));
  EXPECT_TRUE(r.status().retryable());
  EXPECT_THAT(r.status().message(), HasSubstr(IsS3() ? "SlowDown" : "ServerBusy"));
  EXPECT_EQ(proxy_->stats().requests, 4);  // the first attempt and 3 retries
  proxy_->ClearFaults();
}

TEST_P(ObjectStoreFaultsTest, PermanentErrorsFailAtOnce) {
  proxy_->ResetStats();
  EXPECT_THAT(fs_->OpenRead("missing"), IsError(ErrorCode::kNotFound, HasSubstr(Url("missing"))));
  EXPECT_EQ(fs_->stats().Snapshot().retries, 0);
  // One HEAD, and for a missing key one listing to tell a folder from nothing.
  EXPECT_LE(proxy_->stats().requests, 2);
}

TEST_P(ObjectStoreFaultsTest, AFailedMultipartUploadLeavesNothing) {
  ASSERT_OK(WithRetries(1));
  // Every part upload fails: S3 UploadPart (?partNumber=) / Azure Put Block (comp=block).
  proxy_->FailNext(FaultKind::kStatus500, 1000,
                   RequestFilter{.method = "PUT",
                                 .target_contains = IsS3() ? "partNumber=" : "comp=block"});
  ASSERT_OK_AND_ASSIGN(auto out, fs_->OpenWrite("big/never.bin"));
  Status st;
  const std::string piece = RandomBytes(1 << 20, 5);
  for (int i = 0; i < 6 && st.ok(); ++i) st = out->Write(piece);
  if (st.ok()) st = out->Close();
  EXPECT_THAT(st, IsError(ErrorCode::kIOError));
  out.reset();
  proxy_->ClearFaults();
  EXPECT_THAT(fs_->Stat("big/never.bin"), IsError(ErrorCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(auto listed, fs_->ListAll("", {.recursive = true}));
  EXPECT_TRUE(listed.empty());
}

// Run where the store enforces If-None-Match (azurite; s3rver ignores it, see
// object_store_conformance_test.cc, so a retry there would overwrite, not be refused).
class ConditionalCreateFaultsTest : public ObjectStoreFaultsTest {};

TEST_P(ConditionalCreateFaultsTest, AnAmbiguousCreateThatLandedIsNotReportedAsLost) {
  // The create reaches the store but its answer is lost; the retry is refused
  // (the blob exists) and PutIfAbsent, finding its own bytes there, succeeds.
  proxy_->FailNext(FaultKind::kResetAfterForward, 1, RequestFilter{.method = "PUT"});
  const std::string v = "{\"commitInfo\":{}}";
  ASSERT_OK(fs_->PutIfAbsent("_delta_log/00000000000000000001.json",
                             {reinterpret_cast<const uint8_t*>(v.data()), v.size()}));
  EXPECT_EQ(proxy_->stats().count(FaultKind::kResetAfterForward), 1);
  // With someone else's bytes at the path the loss is real.
  ASSERT_OK(fs_->WriteAll("_delta_log/00000000000000000002.json", "winner"));
  const std::string other = "other";
  proxy_->FailNext(FaultKind::kResetAfterForward, 1, RequestFilter{.method = "PUT"});
  EXPECT_THAT(fs_->PutIfAbsent("_delta_log/00000000000000000002.json",
                               {reinterpret_cast<const uint8_t*>(other.data()), other.size()}),
              IsError(ErrorCode::kAlreadyExists));
  ASSERT_OK_AND_ASSIGN(auto kept, fs_->ReadAll("_delta_log/00000000000000000002.json"));
  EXPECT_EQ(AsString(kept), "winner");
}

INSTANTIATE_TEST_SUITE_P(Azurite, ConditionalCreateFaultsTest,
                         ::testing::Values(TestServerKind::kAzurite),
                         [](const auto&) { return std::string("azurite"); });

INSTANTIATE_TEST_SUITE_P(Stores, ObjectStoreFaultsTest,
                         ::testing::Values(TestServerKind::kS3, TestServerKind::kAzurite),
                         [](const auto& info) {
                           return info.param == TestServerKind::kS3 ? "s3rver" : "azurite";
                         });

}  // namespace
}  // namespace quire::io
