/// \file fuzz/text_reader_fuzzer.cc
/// \brief libFuzzer target: CSV and JSON Lines input must read or be rejected,
/// never crash, and what was read must survive a write and a read back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "quire/text/fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (quire::text::FuzzTextReaders({data, size}).code() == quire::ErrorCode::kInternal) {
    std::abort();
  }
  return 0;
}
