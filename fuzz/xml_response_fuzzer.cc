/// \file fuzz/xml_response_fuzzer.cc
/// \brief libFuzzer target: any bytes a remote service sends as an XML body are
/// parsed or refused with a typed error, never crash or recurse without bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "quire/io/fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (quire::io::FuzzServiceResponse({data, size}).code() == quire::ErrorCode::kInternal) {
    std::abort();
  }
  return 0;
}
