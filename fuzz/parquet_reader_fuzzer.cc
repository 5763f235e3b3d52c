/// \file fuzz/parquet_reader_fuzzer.cc
/// \brief libFuzzer target: whole Parquet files must read into valid arrays or be rejected, never crash.
#include <cstddef>
#include <cstdint>

#include "quire/parquet/reader_fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)quire::parquet::FuzzParquetFile({data, size});
  return 0;
}
