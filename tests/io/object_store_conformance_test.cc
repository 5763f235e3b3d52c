/// \file tests/io/object_store_conformance_test.cc
/// \brief The FileSystem conformance suite on S3 (s3rver) and Azure Blob
/// (azurite), each in a fresh bucket or container, with a small part size so
/// that the large-file tests go up as multipart uploads / block lists.
///
/// s3rver 3.7 ignores If-None-Match: * (s3_file_system_test.cc pins this), so its
/// instantiation runs without `conditional_writes`: PutIfAbsent's refusal and the
/// eight-writer race are asserted on azurite, which enforces the condition, and
/// S3's 412/409 answers are unit-tested on their documented form.
#include <atomic>

#include "file_system_conformance.h"
#include "io/test_servers.h"
#include "quire/io/azure_file_system.h"
#include "quire/io/s3_file_system.h"
#include "quire/testing/matchers.h"

namespace quire::io {
namespace {

using quire::testing::TestServer;
using testing::FileSystemConformance;
using testing::FileSystemUnderTest;

std::string FreshBucketName() {
  static std::atomic<int> n{0};
  return fmt::format("conformance-{}-{}", ::getpid(), n.fetch_add(1));
}

std::pair<std::shared_ptr<FileSystem>, std::string> MakeS3() {
  TestServer& server = quire::testing::SharedTestServer(quire::testing::TestServerKind::kS3);
  const std::string bucket = FreshBucketName();
  EXPECT_OK(server.CreateBucket(bucket));
  UrlOptions options = server.url_options();
  options["part_size"] = std::to_string(1 << 20);
  auto fs = FileSystemFromUrl("s3://" + bucket + "/", options);
  EXPECT_OK(fs.status());
  return {fs.ok() ? fs->fs : nullptr, "root"};
}

std::pair<std::shared_ptr<FileSystem>, std::string> MakeAzure() {
  TestServer& server =
      quire::testing::SharedTestServer(quire::testing::TestServerKind::kAzurite);
  const std::string container = FreshBucketName();
  EXPECT_OK(server.CreateBucket(container));
  UrlOptions options = server.url_options();
  options["part_size"] = std::to_string(1 << 20);
  auto fs = FileSystemFromUrl("az://" + container + "/", options);
  EXPECT_OK(fs.status());
  return {fs.ok() ? fs->fs : nullptr, ""};
}

INSTANTIATE_TEST_SUITE_P(
    ObjectStores, FileSystemConformance,
    ::testing::Values(FileSystemUnderTest{.name = "s3rver",
                                          .make = MakeS3,
                                          .conditional_writes = false},
                      FileSystemUnderTest{.name = "azurite", .make = MakeAzure}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace quire::io
