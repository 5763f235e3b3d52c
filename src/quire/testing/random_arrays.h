#pragma once

/// \file quire/testing/random_arrays.h
/// \brief Seeded random arrays of any type, and a list covering every type
/// (tests, benchmarks and fuzz seeds).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/columnar/type.h"
#include "quire/util/result.h"

namespace quire::testing {

/// \brief Options of MakeRandomArray.
struct RandomOptions {
  uint32_t seed = 42;
  /// Probability that a slot is null (0 gives arrays without a validity bitmap).
  double null_probability = 0.2;
  /// Maximum elements of a list and bytes of a binary value.
  int max_list_length = 4;
  int max_binary_length = 20;
};

/// \brief Make an array of `length` random values of `type` (any type), built
/// through the builders, so that its layout is what quire produces.
columnar::ArrayPtr MakeRandomArray(const columnar::TypePtr& type, int64_t length,
                                   const RandomOptions& options = {});

/// \brief Return one type of every kind quire supports, named for test output,
/// including nested combinations (lists of structs, maps of lists, ...).
std::vector<std::pair<std::string, columnar::TypePtr>> EveryType();

}  // namespace quire::testing
