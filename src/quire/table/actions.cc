/// \file quire/table/actions.cc
/// \brief Actions of the Delta log: helpers, JSON parsing and rendering.

#include "quire/table/actions.h"

#include <algorithm>

namespace quire::table {

namespace {
bool Contains(const std::optional<std::vector<std::string>>& list, std::string_view name) {
  return list && std::find(list->begin(), list->end(), name) != list->end();
}
}  // namespace

bool Protocol::HasReaderFeature(std::string_view name) const {
  return Contains(reader_features, name);
}

bool Protocol::HasWriterFeature(std::string_view name) const {
  return Contains(writer_features, name);
}

std::string DeletionVectorDescriptor::UniqueId() const {
  // PROTOCOL.md, "Deletion Vector Descriptor Schema": storageType, pathOrInlineDv
  // and "@offset" when there is one.
  std::string id = storage_type + path_or_inline_dv;
  if (offset) id += "@" + std::to_string(*offset);
  return id;
}

}  // namespace quire::table
