#pragma once

/// \file quire/columnar/c_data_internal.h
/// \brief Helpers shared by the C Data Interface sources; not installed.

#include <cstdint>
#include <string>
#include <string_view>

#include "quire/columnar/type.h"

namespace quire::columnar::internal {

// Deepest nesting accepted on import; bounds the recursion on hostile (even cyclic)
// ArrowSchema trees.
constexpr int kMaxNestingDepth = 64;

inline bool IsView(TypeId id) { return id == TypeId::kBinaryView || id == TypeId::kStringView; }

inline bool IsOffsetBinary(TypeId id) {
  return id == TypeId::kBinary || id == TypeId::kString || id == TypeId::kLargeBinary ||
         id == TypeId::kLargeString;
}

// Children in the C struct: the value field of lists, the entries of a map, the
// members of a struct. A dictionary's values travel in `dictionary` instead.
inline int64_t CChildCount(const DataType& type) {
  return type.id() == TypeId::kDictionary ? 0 : type.num_fields();
}

/// \brief Return `what`, naming the child at `path` when it is not the root.
std::string Where(std::string_view what, const std::string& path);
/// \brief Return the path of child `name` (or "#index" when unnamed) under `parent`.
std::string ChildPath(const std::string& parent, std::string_view name, int64_t index);
/// \brief Return the path of the dictionary under `parent`.
std::string DictionaryPath(const std::string& parent);

}  // namespace quire::columnar::internal
