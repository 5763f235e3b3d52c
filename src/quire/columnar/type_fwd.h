#pragma once

/// \file quire/columnar/type_fwd.h
/// \brief Forward declarations of the columnar layer's types.

#include <cstdint>
#include <memory>
#include <vector>

namespace quire::columnar {

class DataType;
class Field;
class Schema;
class KeyValueMetadata;
class Buffer;
class MutableBuffer;
class MemoryPool;
class Array;
class ArrayBuilder;
class RecordBatch;
class RecordBatchReader;
class ChunkedArray;
class Table;

using TypePtr = std::shared_ptr<const DataType>;
using FieldPtr = std::shared_ptr<const Field>;
using SchemaPtr = std::shared_ptr<const Schema>;
using MetadataPtr = std::shared_ptr<const KeyValueMetadata>;
using BufferPtr = std::shared_ptr<Buffer>;
using ArrayPtr = std::shared_ptr<const Array>;
using RecordBatchPtr = std::shared_ptr<const RecordBatch>;
using FieldVector = std::vector<FieldPtr>;
using ArrayVector = std::vector<ArrayPtr>;

}  // namespace quire::columnar
