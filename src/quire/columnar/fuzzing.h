#pragma once

/// \file quire/columnar/fuzzing.h
/// \brief Fuzz entry points of the columnar layer (called by fuzz/ and replayed by tests).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/util/status.h"
#include "quire/util/visibility.h"

namespace quire::columnar {

/// \brief Types the array fuzzer draws from (the first input byte picks one).
QUIRE_EXPORT const std::vector<TypePtr>& FuzzTypes();

/// \brief Build an array of a fuzz type from arbitrary bytes, validate it, and,
/// if ValidateFull() accepts it, read every value, slice it and concatenate it.
///
/// The contract under test: no input crashes, hangs or reads out of bounds;
/// validation either rejects the array with a Status or makes it safe to read.
/// \return the validation status (OK when the array was accepted and read).
QUIRE_EXPORT Status FuzzValidateArray(std::span<const uint8_t> data);

/// \brief Encode `array` (whose type is FuzzTypes()[type_index]) in the input
/// format of FuzzValidateArray, to generate seeds.
QUIRE_EXPORT std::string EncodeFuzzArray(const Array& array, uint8_t type_index);

}  // namespace quire::columnar
