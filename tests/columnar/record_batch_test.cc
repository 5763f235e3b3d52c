#include "quire/columnar/record_batch.h"

#include <gtest/gtest.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/pretty_print.h"
#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"

namespace quire::columnar {
namespace {

using ::quire::testing::IsError;
using ::quire::testing::MakeRandomArray;
using ::testing::HasSubstr;

SchemaPtr TwoColumns() { return schema({field("id", int64(), false), field("name", utf8())}); }

RecordBatchPtr MakeBatch(int64_t rows, uint32_t seed) {
  auto s = TwoColumns();
  return RecordBatch::Make(s, rows,
                           {MakeRandomArray(int64(), rows, {.seed = seed, .null_probability = 0}),
                            MakeRandomArray(utf8(), rows, {.seed = seed + 1})})
      .ValueOrDie();
}

TEST(RecordBatchTest, MakeChecksColumnsAgainstTheSchema) {
  auto s = TwoColumns();
  auto ids = MakeRandomArray(int64(), 3);
  auto names = MakeRandomArray(utf8(), 3);
  EXPECT_OK(RecordBatch::Make(s, 3, {ids, names}));
  EXPECT_THAT(RecordBatch::Make(s, 3, {ids}), IsError(ErrorCode::kInvalidArgument, HasSubstr("1 columns")));
  EXPECT_THAT(RecordBatch::Make(s, 4, {ids, names}),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("column 'id' has 3 rows")));
  EXPECT_THAT(RecordBatch::Make(s, 3, {names, ids}),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("column 'id' holds string")));
}

TEST(RecordBatchTest, SliceSelectAndStructRoundTrip) {
  auto batch = MakeBatch(10, 1);
  auto slice = batch->Slice(2, 5);
  EXPECT_EQ(slice->num_rows(), 5);
  EXPECT_TRUE(slice->column(1)->ValueEquals(0, *batch->column(1), 2));
  ASSERT_OK_AND_ASSIGN(auto names, batch->SelectColumns({1}));
  EXPECT_EQ(names->schema()->ToString(), "name: string");
  EXPECT_THAT(batch->SelectColumns({2}), IsError(ErrorCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(auto back, RecordBatch::FromStructArray(slice->ToStructArray()));
  EXPECT_TRUE(back->Equals(*slice));
  EXPECT_EQ(batch->GetColumnByName("name"), batch->column(1));
  EXPECT_EQ(batch->GetColumnByName("nope"), nullptr);
  ASSERT_OK_AND_ASSIGN(auto with_nulls, MakeArrayOfNulls(struct_(TwoColumns()->fields()), 2));
  EXPECT_THAT(RecordBatch::FromStructArray(with_nulls),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("2 null rows")));
}

TEST(TableTest, FromBatchesChunksColumnsAndSlicesAcrossChunks) {
  auto s = TwoColumns();
  ASSERT_OK_AND_ASSIGN(auto table, Table::FromBatches(s, {MakeBatch(4, 1), MakeBatch(6, 2)}));
  EXPECT_EQ(table->num_rows(), 10);
  EXPECT_EQ(table->column(0)->num_chunks(), 2);
  auto slice = table->Slice(3, 4);
  EXPECT_EQ(slice->column(1)->num_chunks(), 2);
  EXPECT_EQ(slice->num_rows(), 4);
  ASSERT_OK_AND_ASSIGN(auto combined, slice->CombineChunks());
  EXPECT_EQ(combined->column(1)->num_chunks(), 1);
  EXPECT_TRUE(combined->Equals(*slice));
  EXPECT_OK(combined->ValidateFull());
  auto batches = table->ToBatches(3);
  ASSERT_EQ(batches.size(), 4u) << "4 rows -> 3+1, 6 rows -> 3+3";
  EXPECT_EQ(batches[1]->num_rows(), 1);
  ASSERT_OK_AND_ASSIGN(auto again, Table::FromBatches(s, batches));
  EXPECT_TRUE(again->Equals(*table));
}

TEST(TableTest, FromBatchesRejectsOtherSchemas) {
  auto other = RecordBatch::Make(schema({field("x", int8())}), 1, {MakeRandomArray(int8(), 1)});
  EXPECT_THAT(Table::FromBatches(TwoColumns(), {*other}),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("schema differs")));
}

TEST(RecordBatchReaderTest, VectorReaderStreamsThenEnds) {
  auto reader = MakeVectorReader(TwoColumns(), {MakeBatch(2, 1), MakeBatch(3, 2)});
  ASSERT_OK_AND_ASSIGN(auto table, Table::FromReader(*reader));
  EXPECT_EQ(table->num_rows(), 5);
  ASSERT_OK_AND_ASSIGN(auto next, reader->Next());
  EXPECT_EQ(next, nullptr);
}

TEST(ChunkedArrayTest, EqualityIgnoresChunking) {
  auto a = MakeRandomArray(utf8(), 10, {.seed = 5});
  ChunkedArray one(utf8(), {a});
  ChunkedArray three(utf8(), {a->Slice(0, 2), a->Slice(2, 5), a->Slice(7)});
  EXPECT_TRUE(one.Equals(three));
  EXPECT_EQ(one.null_count(), three.null_count());
  ChunkedArray shorter(utf8(), {a->Slice(0, 9)});
  EXPECT_FALSE(one.Equals(shorter));
}

TEST(PrettyPrintTest, PrintsAnAlignedTableWithTypesAndRowCount) {
  Int32Builder ids(int32());
  StringBuilder names(utf8());
  for (int i = 0; i < 3; ++i) ASSERT_OK(ids.Append(i * 100));
  ASSERT_OK(names.Append("ada"));
  ASSERT_OK(names.AppendNull());
  ASSERT_OK(names.Append("grüße"));
  auto batch = RecordBatch::Make(schema({field("id", int32()), field("name", utf8())}), 3,
                                 {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie()})
                   .ValueOrDie();
  EXPECT_EQ(PrettyPrint(*batch),
            "id    | name\n"
            "int32 | string\n"
            "------+-------\n"
            "0     | ada\n"
            "100   | null\n"
            "200   | grüße\n"
            "(3 rows)\n");
}

TEST(PrettyPrintTest, ElidesMiddleRowsAndLongCells) {
  auto batch = RecordBatch::Make(schema({field("v", int64())}), 100,
                                 {MakeRandomArray(int64(), 100, {.null_probability = 0})})
                   .ValueOrDie();
  std::string out = PrettyPrint(*batch, {.max_rows = 4, .show_types = false});
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2 + 5 + 1);
  EXPECT_THAT(out, HasSubstr("...\n"));
  EXPECT_THAT(out, HasSubstr("(100 rows)"));
  StringBuilder b(utf8());
  ASSERT_OK(b.Append(std::string(100, 'x')));
  auto wide = RecordBatch::Make(schema({field("s", utf8())}), 1, {b.Finish().ValueOrDie()});
  EXPECT_THAT(PrettyPrint(**wide, {.max_cell_width = 10}), HasSubstr("xxxxxxx...\n"));
}

}  // namespace
}  // namespace quire::columnar
