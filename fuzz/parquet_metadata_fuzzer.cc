/// \file fuzz/parquet_metadata_fuzzer.cc
/// \brief libFuzzer target: Thrift footers and page headers must parse and round-trip or be rejected, never crash.
#include <cstddef>
#include <cstdint>

#include "quire/parquet/fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)quire::parquet::FuzzParquetMetadata({data, size});
  return 0;
}
