/// \file examples/export_to_c.cc
/// \brief Build record batches with quire and hand them, zero copy, to a consumer
/// written in C through the Arrow C Stream Interface.
#include <cstdio>

#include "quire/columnar/api.h"

extern "C" {
#include "c_stream_abi.h"
}

using namespace quire::columnar;  // NOLINT

int main() {
  auto sch = schema({field("id", int64()), field("name", utf8())});
  std::vector<RecordBatchPtr> batches;
  int64_t expected = 0;
  for (int b = 0; b < 3; ++b) {
    Int64Builder ids(int64());
    StringBuilder names(utf8());
    for (int64_t i = 0; i < 1000; ++i) {
      const int64_t id = b * 1000 + i;
      (void)(i % 10 == 0 ? ids.AppendNull() : ids.Append(id));
      if (i % 10 != 0) expected += id;
      (void)names.Append("row " + std::to_string(id));
    }
    batches.push_back(*RecordBatch::Make(sch, 1000, {*ids.Finish(), *names.Finish()}));
  }
  ArrowArrayStream stream;
  quire::Status st = ExportRecordBatchReader(MakeVectorReader(sch, batches), &stream);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  int64_t rows = 0, sum = 0;
  if (SumInt64Column(&stream, 0, &rows, &sum) != 0) return 1;
  std::printf("consumer read %lld rows, sum of ids %lld (expected %lld)\n", (long long)rows,
              (long long)sum, (long long)expected);
  return rows == 3000 && sum == expected ? 0 : 1;
}
