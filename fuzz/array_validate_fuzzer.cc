/// \file fuzz/array_validate_fuzzer.cc
/// \brief libFuzzer target: arrays from arbitrary bytes must validate or be rejected,
/// never crash. Seeds: `quire_fuzz_seeds` (tests/) writes them; crashers found go to
/// tests/data/fuzz/array_validate/ where columnar_test replays them.
#include <cstddef>
#include <cstdint>

#include "quire/columnar/fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)quire::columnar::FuzzValidateArray({data, size});
  return 0;
}
