/// \file quire/cli/demo.cc
/// \brief `quire demo`: a tour of the columnar layer on generated data.

#include <cstdio>

#include <fmt/format.h>

#include "quire/cli/commands.h"
#include "quire/columnar/api.h"

namespace quire::cli {

namespace {

using namespace quire::columnar;  // NOLINT

Result<RecordBatchPtr> MakeEvents(int64_t rows, MemoryPool* pool) {
  auto type_of_event = dictionary(int8(), utf8());
  auto sch = schema({
      field("id", int64(), false),
      field("user", utf8()),
      field("kind", type_of_event),
      field("amount", decimal128(12, 2)),
      field("ts", timestamp(TimeUnit::kMicro, "UTC")),
      field("day", date32()),
      field("tags", list(utf8())),
      field("geo", struct_({field("lat", float64()), field("lon", float64())})),
  });
  QUIRE_ASSIGN_OR_RETURN(auto b, MakeBuilder(struct_(sch->fields()), pool));
  auto& sb = static_cast<StructBuilder&>(*b);
  auto& id = static_cast<Int64Builder&>(*sb.field_builder(0));
  auto& user = static_cast<StringBuilder&>(*sb.field_builder(1));
  auto& kind = static_cast<DictionaryBuilder&>(*sb.field_builder(2));
  auto& amount = static_cast<FixedSizeBinaryBuilder&>(*sb.field_builder(3));
  auto& ts = static_cast<Int64Builder&>(*sb.field_builder(4));
  auto& day = static_cast<Int32Builder&>(*sb.field_builder(5));
  auto& tags = static_cast<ListBuilder&>(*sb.field_builder(6));
  auto& tag = static_cast<StringBuilder&>(*tags.value_builder());
  auto& geo = static_cast<StructBuilder&>(*sb.field_builder(7));
  static const char* kUsers[] = {"ada", "grace", "linus", "barbara", "ken"};
  static const char* kKinds[] = {"view", "click", "purchase"};
  const int64_t t0 = 1714521600LL * 1000000;  // 2024-05-01T00:00:00Z
  for (int64_t i = 0; i < rows; ++i) {
    QUIRE_RETURN_NOT_OK(sb.Append());
    QUIRE_RETURN_NOT_OK(id.Append(i));
    if (i % 7 == 3) {
      QUIRE_RETURN_NOT_OK(user.AppendNull());
    } else {
      QUIRE_RETURN_NOT_OK(user.Append(kUsers[i % 5]));
    }
    QUIRE_RETURN_NOT_OK(kind.AppendBytes(kKinds[(i * 7) % 3]));
    QUIRE_RETURN_NOT_OK(amount.AppendDecimal(__int128((i * 1234) % 100000 - 2000)));
    QUIRE_RETURN_NOT_OK(ts.Append(t0 + i * 3600LL * 1000000 + 123456));
    QUIRE_RETURN_NOT_OK(day.Append(int32_t(19844 + i / 24)));
    QUIRE_RETURN_NOT_OK(tags.Append(i % 4 != 2));
    for (int64_t k = 0; i % 4 != 2 && k < i % 3; ++k) {
      QUIRE_RETURN_NOT_OK(tag.Append(k == 0 ? "mobile" : "promo"));
    }
    QUIRE_RETURN_NOT_OK(geo.Append());
    QUIRE_RETURN_NOT_OK(static_cast<DoubleBuilder&>(*geo.field_builder(0)).Append(double(5252 + i) / 100));
    QUIRE_RETURN_NOT_OK(static_cast<DoubleBuilder&>(*geo.field_builder(1)).Append(double(13405 - 10 * i) / 1000));
  }
  QUIRE_ASSIGN_OR_RETURN(auto array, b->Finish());
  QUIRE_ASSIGN_OR_RETURN(auto batch, RecordBatch::FromStructArray(array));
  return std::make_shared<const RecordBatch>(sch, batch->num_rows(), batch->columns());
}

Status Demo(int64_t rows) {
  TrackingMemoryPool pool;
  QUIRE_ASSIGN_OR_RETURN(auto batch, MakeEvents(rows, &pool));
  QUIRE_RETURN_NOT_OK(batch->ValidateFull());
  fmt::print("quire columnar demo: {} rows built with the builders, fully validated\n\n",
             batch->num_rows());
  fmt::print("{}\n", batch->schema()->ToString());

  // Hand the rows to a consumer through the Arrow C Stream Interface, in two
  // batches, and import them back: the buffers are shared, not copied.
  const int64_t half = batch->num_rows() / 2;
  auto reader = std::shared_ptr<RecordBatchReader>(MakeVectorReader(
      batch->schema(), {batch->Slice(0, half), batch->Slice(half, batch->num_rows() - half)}));
  ArrowArrayStream stream;
  QUIRE_RETURN_NOT_OK(ExportRecordBatchReader(std::move(reader), &stream));
  QUIRE_ASSIGN_OR_RETURN(auto imported, ImportRecordBatchReader(&stream));
  QUIRE_ASSIGN_OR_RETURN(auto table, Table::FromReader(*imported));
  QUIRE_RETURN_NOT_OK(table->ValidateFull());
  const bool same_values = table->Equals(*Table::FromBatches(batch->schema(), {batch}).ValueOrDie());
  const bool zero_copy = table->column(0)->chunks()[0]->buffer(1)->data() ==
                         batch->column(0)->buffer(1)->data();
  fmt::print("\nthrough the Arrow C Stream Interface: {} batches, {} rows, values {}, {}\n\n",
             table->column(0)->num_chunks(), table->num_rows(),
             same_values ? "identical" : "DIFFERENT", zero_copy ? "zero copy" : "copied");
  fmt::print("{}", PrettyPrint(*table));
  fmt::print("\ncanonical JSON of the first 3 rows:\n{}\n", RowsToJson(*batch->Slice(0, 3)));
  fmt::print("\nmemory pool: {} bytes in use, peak {} bytes, {} allocations\n",
             pool.bytes_allocated(), pool.max_memory(), pool.num_allocations());
  if (!same_values || !zero_copy) return Status::Internal("the C Stream round trip changed the data");
  return Status::OK();
}

}  // namespace

int RunDemo(int64_t rows) {
  Status st = Demo(rows);
  if (!st.ok()) {
    fmt::print(stderr, "quire demo: {}\n", st.ToString());
    return kExitError;
  }
  return kExitOk;
}

}  // namespace quire::cli
