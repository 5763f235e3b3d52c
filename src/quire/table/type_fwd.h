#pragma once

/// \file quire/table/type_fwd.h
/// \brief Forward declarations of the table layer.

#include <memory>

namespace quire::table {
struct Protocol;
struct Metadata;
struct AddFile;
struct RemoveFile;
struct DeletionVectorDescriptor;
class Snapshot;
class Table;
using SnapshotPtr = std::shared_ptr<const Snapshot>;
}  // namespace quire::table
