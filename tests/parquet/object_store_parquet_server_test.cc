/// \file tests/parquet/object_store_parquet_server_test.cc
/// \brief Parquet on S3 (s3rver) and Azure Blob (azurite): a file written through
/// the store (a multipart upload) is byte for byte the file written locally and
/// reads back equal; remote reads fetch the footer in one request and then only
/// the chunks or pages asked for, coalesced, with the counts asserted exactly.
#include <atomic>

#include <gtest/gtest.h>

#include "io/test_servers.h"
#include "quire/columnar/json.h"
#include "quire/io/file_system.h"
#include "quire/parquet/file_reader.h"
#include "quire/parquet/file_writer.h"
#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"
#include "remote_read_check.h"

namespace quire::parquet {
namespace {

using quire::testing::TestServer;
using quire::testing::TestServerKind;

class ObjectStoreParquetTest : public ::testing::TestWithParam<TestServerKind> {
 protected:
  // A filesystem on a fresh bucket, with `extra` URL options.
  std::shared_ptr<io::FileSystem> MakeFs(io::UrlOptions extra = {}) {
    TestServer* server = &quire::testing::SharedTestServer(GetParam());
    static std::atomic<int> n{0};
    const std::string bucket = fmt::format("parquet-{}-{}", ::getpid(), n.fetch_add(1));
    EXPECT_OK(server->CreateBucket(bucket));
    io::UrlOptions options = server->url_options();
    for (auto& [k, v] : extra) options[k] = v;
    const bool s3 = GetParam() == TestServerKind::kS3;
    auto fp = io::FileSystemFromUrl(fmt::format("{}://{}/", s3 ? "s3" : "az", bucket), options);
    EXPECT_OK(fp.status());
    return fp.ok() ? fp->fs : nullptr;
  }
};

TEST_P(ObjectStoreParquetTest, AFileWrittenToTheStoreIsTheLocalFileAndReadsBackEqual) {
  auto fs = MakeFs({{"part_size", std::to_string(1 << 20)}});
  ASSERT_NE(fs, nullptr);
  // Every type the writer takes, nested ones included, in several row groups.
  columnar::FieldVector fields;
  std::vector<columnar::ChunkedArrayPtr> columns;
  uint32_t seed = 5;
  for (const auto& [name, type] : quire::testing::EveryType()) {
    if (type->id() == columnar::TypeId::kIntervalMonthDayNano) continue;  // negative parts
    if (type->is_decimal() && type->scale() < 0) continue;
    fields.push_back(columnar::field(name, type));
    columns.push_back(std::make_shared<columnar::ChunkedArray>(
        type, columnar::ArrayVector{quire::testing::MakeRandomArray(
                  type, 30000, {.seed = seed++, .null_probability = 0.1})}));
  }
  auto schema = columnar::schema(fields);
  auto table = std::make_shared<const columnar::Table>(schema, columns, 30000);
  WriterProperties props;
  props.max_row_group_rows = 10000;
  ASSERT_OK_AND_ASSIGN(auto local, WriteParquetBuffer(*table, props));

  ASSERT_OK_AND_ASSIGN(auto sink, fs->OpenWrite("tables/t/part-0.parquet"));
  ASSERT_OK_AND_ASSIGN(auto writer, FileWriter::Open(std::move(sink), schema, props));
  ASSERT_OK(writer->Write(*table));
  ASSERT_OK_AND_ASSIGN(auto summary, writer->Close());
  EXPECT_EQ(summary.file_bytes, local->size());
  ASSERT_GT(local->size(), 1 << 20) << "the test wants a multipart upload";

  ASSERT_OK_AND_ASSIGN(auto remote, fs->ReadAll("tables/t/part-0.parquet"));
  EXPECT_TRUE(remote->Equals(*local));
  ASSERT_OK_AND_ASSIGN(auto file, fs->OpenRead("tables/t/part-0.parquet"));
  ASSERT_OK_AND_ASSIGN(auto reader, FileReader::Open(std::move(file)));
  ASSERT_OK_AND_ASSIGN(auto back, reader->ReadTable());
  ASSERT_OK_AND_ASSIGN(auto from_local, FileReader::Open(io::MakeBufferFile(local)));
  ASSERT_OK_AND_ASSIGN(auto expected, from_local->ReadTable());
  EXPECT_EQ(columnar::RowsToJson(*back), columnar::RowsToJson(*expected));
  EXPECT_EQ(back->num_rows(), 30000);
}

TEST_P(ObjectStoreParquetTest, RemoteReadsFetchOnlyWhatIsAsked) {
  auto fs = MakeFs();
  ASSERT_NE(fs, nullptr);
  CheckRemoteReads(*fs, "lineitem/part-0.parquet", {}, /*wrap=*/false);
}

TEST_P(ObjectStoreParquetTest, WithoutCoalescingEveryChunkIsARequest) {
  auto fs = MakeFs({{"hole_size_limit", "0"}});
  ASSERT_NE(fs, nullptr);
  CheckRemoteReads(*fs, "lineitem/part-0.parquet", {.hole_size_limit = 0}, /*wrap=*/false);
}

INSTANTIATE_TEST_SUITE_P(Stores, ObjectStoreParquetTest,
                         ::testing::Values(TestServerKind::kS3, TestServerKind::kAzurite),
                         [](const auto& info) {
                           return info.param == TestServerKind::kS3 ? "s3rver" : "azurite";
                         });

}  // namespace
}  // namespace quire::parquet
