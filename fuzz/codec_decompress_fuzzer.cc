/// \file fuzz/codec_decompress_fuzzer.cc
/// \brief libFuzzer target: compressed pages of any codec must decompress or be rejected, never crash.
#include <cstddef>
#include <cstdint>

#include "quire/codec/fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)quire::codec::FuzzDecompress({data, size});
  return 0;
}
