/// \file fuzz/codec_decompress_fuzzer.cc
/// \brief libFuzzer target: :codec::FuzzDecompress:compressed pages of any codec must decompress or be rejected, never crash.
#include <cstddef>
#include <cstdint>

#include "quire/codec/fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)quire({data, size});
  return 0;
}
