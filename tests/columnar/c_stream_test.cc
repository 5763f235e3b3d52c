/// \file tests/columnar/c_stream_test.cc
/// \brief Record batches through the Arrow C Data Interface, and the C Stream
/// Interface: readers exported and imported, end of stream, producer errors with
/// their errno and message, schema mismatches.
#include "quire/columnar/c_data.h"

#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quire/columnar/array.h"
#include "quire/columnar/builder.h"
#include "quire/columnar/record_batch.h"
#include "quire/columnar/type.h"
#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"
#include "release_counter.h"

namespace quire::columnar {
namespace {

using ::quire::testing::EveryType;
using ::quire::testing::IsError;
using ::quire::testing::MakeRandomArray;
using ::quire::testing::RandomOptions;
using ::testing::HasSubstr;
using namespace ::quire::columnar::test;  // NOLINT: release counters


SchemaPtr StreamSchema() {
  return schema(
      {field("id", int64(), false), field("name", utf8()),
       field("tags", list(struct_({field("k", utf8_view()), field("v", float64())})))},
      KeyValueMetadata::Make({{"origin", "test"}}));
}

std::vector<RecordBatchPtr> StreamBatches(const SchemaPtr& s) {
  std::vector<RecordBatchPtr> batches;
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    const int64_t rows = 10 * seed;
    ArrayVector columns;
    for (const auto& f : s->fields()) {
      columns.push_back(MakeRandomArray(
          f->type(), rows, {.seed = seed, .null_probability = f->nullable() ? 0.2 : 0}));
    }
    batches.push_back(RecordBatch::Make(s, rows, std::move(columns)).ValueOrDie());
  }
  return batches;
}

TEST(CDataStreamTest, RoundTripsAReaderOfThreeBatches) {
  const SchemaPtr s = StreamSchema();
  const std::vector<RecordBatchPtr> batches = StreamBatches(s);
  ArrowArrayStream c_stream;
  ASSERT_OK(ExportRecordBatchReader(MakeVectorReader(s, batches), &c_stream));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RecordBatchReader> reader,
                       ImportRecordBatchReader(&c_stream, ImportValidation::kFull));
  EXPECT_EQ(c_stream.release, nullptr);
  EXPECT_TRUE(reader->schema()->Equals(*s, /*check_metadata=*/true));
  ASSERT_OK_AND_ASSIGN(std::vector<RecordBatchPtr> read, reader->ReadAll());
  ASSERT_EQ(read.size(), 3u);
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_TRUE(read[i]->Equals(*batches[i], /*check_metadata=*/true)) << "batch " << i;
  }
  // The end stays the end.
  ASSERT_OK_AND_ASSIGN(RecordBatchPtr after, reader->Next());
  EXPECT_EQ(after, nullptr);
  // Batches outlive the reader and its stream.
  reader.reset();
  EXPECT_OK(read[2]->ValidateFull());
}

TEST(CDataStreamTest, SignalsTheEndOfTheStreamWithAReleasedArray) {
  const SchemaPtr s = StreamSchema();
  UniqueStream c_stream;
  ASSERT_OK(
      ExportRecordBatchReader(MakeVectorReader(s, StreamBatches(s)), c_stream.get()));
  UniqueSchema c_schema;
  ASSERT_EQ(c_stream->get_schema(c_stream.get(), c_schema.get()), 0);
  EXPECT_STREQ(c_schema->format, "+s");
  EXPECT_EQ(c_schema->n_children, 3);
  for (int64_t rows : {10, 20, 30}) {
    UniqueArray c_array;
    ASSERT_EQ(c_stream->get_next(c_stream.get(), c_array.get()), 0);
    ASSERT_TRUE(c_array);
    EXPECT_EQ(c_array->length, rows);
    EXPECT_EQ(c_array->n_children, 3);
  }
  UniqueArray end;
  end->release = [](ArrowArray* a) { a->release = nullptr; };  // get_next must clear it
  ASSERT_EQ(c_stream->get_next(c_stream.get(), end.get()), 0);
  EXPECT_FALSE(end);
}

// A reader that yields one batch, then fails.
class FailingReader final : public RecordBatchReader {
 public:
  explicit FailingReader(Status error) : error_(std::move(error)) {}
  SchemaPtr schema() const override { return schema_; }
  Result<RecordBatchPtr> Next() override {
    if (calls_++ == 0) return StreamBatches(schema_)[0];
    return error_;
  }

 private:
  SchemaPtr schema_ = StreamSchema();
  Status error_;
  int calls_ = 0;
};

TEST(CDataStreamTest, PropagatesProducerErrorsWithTheirMessageAndErrno) {
  struct Case {
    Status error;
    int errno_value;
    ErrorCode imported_code;
  };
  const std::vector<Case> cases = {
      {Status::IOError("disk on fire"), EIO, ErrorCode::kIOError},
      {Status::Corrupt("page 3 is garbage"), EBADMSG, ErrorCode::kCorrupt},
      {Status::ResourceExhausted("pool limit"), ENOMEM, ErrorCode::kResourceExhausted},
      {Status::Invalid("bad option"), EINVAL, ErrorCode::kInvalidArgument},
      {Status::Unsupported("no zstd"), ENOSYS, ErrorCode::kUnsupported},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.error.ToString());
    // Raw C view.
    {
      UniqueStream c_stream;
      ASSERT_OK(ExportRecordBatchReader(std::make_shared<FailingReader>(c.error),
                                        c_stream.get()));
      UniqueArray first, second;
      ASSERT_EQ(c_stream->get_next(c_stream.get(), first.get()), 0);
      EXPECT_EQ(c_stream->get_next(c_stream.get(), second.get()), c.errno_value);
      EXPECT_EQ(c_stream->get_last_error(c_stream.get()), c.error.ToString());
    }
    // Through the importer.
    ArrowArrayStream c_stream;
    ASSERT_OK(
        ExportRecordBatchReader(std::make_shared<FailingReader>(c.error), &c_stream));
    ASSERT_OK_AND_ASSIGN(auto reader, ImportRecordBatchReader(&c_stream));
    ASSERT_OK_AND_ASSIGN(RecordBatchPtr first, reader->Next());
    ASSERT_NE(first, nullptr);
    const auto matches = IsError(
        c.imported_code, ::testing::AllOf(HasSubstr(c.error.message()),
                                          HasSubstr("get_next failed with errno")));
    EXPECT_THAT(reader->Next(), matches);
    EXPECT_THAT(reader->Next(), matches);  // sticky
  }
}

TEST(CDataStreamTest, CatchesABatchWhoseSchemaDiffersFromTheStream) {
  const SchemaPtr stream_schema = schema({field("a", int32())});
  const SchemaPtr other = schema({field("a", utf8())});
  auto batch = RecordBatch::Make(other, 2, {MakeRandomArray(utf8(), 2)}).ValueOrDie();
  ArrowArrayStream c_stream;
  ASSERT_OK(ExportRecordBatchReader(MakeVectorReader(stream_schema, {batch}), &c_stream));
  ASSERT_OK_AND_ASSIGN(auto reader, ImportRecordBatchReader(&c_stream));
  EXPECT_THAT(reader->Next(),
              IsError(ErrorCode::kInvalidArgument,
                      ::testing::AllOf(HasSubstr("batch 0 of the stream has schema"),
                                       HasSubstr("EINVAL"))));
}

// A foreign stream that lies: its schema has two int32 columns, its batches one.
struct LyingStream {
  static int GetSchema(ArrowArrayStream*, ArrowSchema* out) {
    return ExportSchema(*schema({field("a", int32()), field("b", int32())}), out).ok()
               ? 0
               : EIO;
  }
  static int GetNext(ArrowArrayStream*, ArrowArray* out) {
    auto batch = RecordBatch::Make(schema({field("a", int32())}), 1, {MakeRandomArray(int32(), 1)})
                     .ValueOrDie();
    return ExportRecordBatch(batch, out).ok() ? 0 : EIO;
  }
  static const char* GetLastError(ArrowArrayStream*) { return nullptr; }
  static void Release(ArrowArrayStream* s) { s->release = nullptr; }
  static ArrowArrayStream Make() {
    return {&GetSchema, &GetNext, &GetLastError, &Release, nullptr};
  }
};

TEST(CDataStreamTest, CatchesAForeignBatchThatDoesNotMatchTheStreamSchema) {
  ArrowArrayStream c_stream = LyingStream::Make();
  ASSERT_OK_AND_ASSIGN(auto reader, ImportRecordBatchReader(&c_stream));
  EXPECT_EQ(c_stream.release, nullptr);
  EXPECT_THAT(reader->Next(),
              IsError(ErrorCode::kCorrupt,
                      ::testing::AllOf(HasSubstr("batch 0 of the ArrowArrayStream"),
                                       HasSubstr("n_children is 1, expected 2"))));
}

TEST(CDataStreamTest, ReportsGetSchemaFailuresAndReleasedStreams) {
  ArrowArrayStream failing = LyingStream::Make();
  failing.get_schema = [](ArrowArrayStream*, ArrowSchema*) { return ENOMEM; };
  EXPECT_THAT(ImportRecordBatchReader(&failing),
              IsError(ErrorCode::kResourceExhausted,
                      ::testing::AllOf(HasSubstr("get_schema failed with errno"),
                                       HasSubstr("ENOMEM"),
                                       HasSubstr("no message from the producer"))));
  EXPECT_EQ(failing.release, nullptr);

  ArrowArrayStream released{};
  EXPECT_THAT(ImportRecordBatchReader(&released),
              IsError(ErrorCode::kCorrupt, HasSubstr("released")));
  EXPECT_THAT(ImportRecordBatchReader(nullptr), IsError(ErrorCode::kInvalidArgument));
  ArrowArrayStream out;
  EXPECT_THAT(ExportRecordBatchReader(nullptr, &out),
              IsError(ErrorCode::kInvalidArgument));
}

// --- Record batches --------------------------------------------------------------

TEST(CDataTest, RoundTripsRecordBatchesAsStructArrays) {
  const SchemaPtr s = StreamSchema();
  for (const RecordBatchPtr& original :
       {StreamBatches(s)[1], StreamBatches(s)[2]->Slice(7, 11)}) {
    ArrowArray c_array;
    ArrowSchema c_schema;
    ASSERT_OK(ExportRecordBatch(original, &c_array, &c_schema));
    EXPECT_STREQ(c_schema.format, "+s");
    EXPECT_EQ(c_array.n_buffers, 1);
    EXPECT_EQ(c_array.null_count, 0);
    EXPECT_EQ(c_array.length, original->num_rows());
    ASSERT_OK_AND_ASSIGN(RecordBatchPtr imported,
                         ImportRecordBatch(&c_array, &c_schema, ImportValidation::kFull));
    EXPECT_TRUE(imported->Equals(*original, /*check_metadata=*/true));
    EXPECT_OK(imported->ValidateFull());

    // With the schema already known.
    UniqueArray again;
    ASSERT_OK(ExportRecordBatch(original, again.get()));
    ASSERT_OK_AND_ASSIGN(RecordBatchPtr imported2, ImportRecordBatch(again.get(), s));
    EXPECT_TRUE(imported2->Equals(*original, /*check_metadata=*/true));
  }
}

TEST(CDataTest, RejectsRecordBatchesWithTopLevelNulls) {
  auto type = struct_({field("a", int32())});
  ArrayPtr with_nulls = MakeRandomArray(type, 20, {.null_probability = 0.5});
  ASSERT_GT(with_nulls->null_count(), 0);
  ArrowArray c_array;
  ASSERT_OK(ExportArray(with_nulls, &c_array));
  CountReleases(&c_array);
  EXPECT_THAT(ImportRecordBatch(&c_array, schema(type->fields())),
              IsError(ErrorCode::kCorrupt, HasSubstr("top-level nulls")));
  EXPECT_EQ(g_array_releases, 1);
}

}  // namespace
}  // namespace quire::columnar
