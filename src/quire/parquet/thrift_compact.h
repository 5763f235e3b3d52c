#pragma once

/// \file quire/parquet/thrift_compact.h
/// \brief Reader and writer of the Thrift compact protocol, the encoding of all
/// Parquet metadata (footer, page headers, page index, bloom filter headers).
///
/// Written from apache/thrift doc/specs/thrift-compact-protocol.md. Only the parts
/// Parquet uses are here: structs, unions, lists, sets, maps and the base types; no
/// messages. The reader checks every length and count against the bytes that are
/// left, so hostile input gets a kCorrupt Status and never a crash, an unbounded
/// allocation or unbounded recursion.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quire/util/result.h"
#include "quire/util/status.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Type of a field or of list/set/map elements, as numbered on the wire.
///
/// The wire distinguishes a true from a false bool *field* (types 1 and 2: the value
/// lives in the field header). CompactReader reports both as kBool and keeps the
/// value for ReadBool(), and it also accepts 1 and 2 as the element type of bool
/// lists, so callers only ever see kBool.
enum class CompactType : uint8_t {
  kStop = 0,  ///< End of a struct (field headers only).
  kBool = 1,  ///< bool; wire type 1 (true field / element type) or 2 (false field).
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,  ///< binary and string.
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,  ///< structs and unions.
  kUuid = 13,    ///< 16 bytes, no length prefix.
};

/// \brief Return the protocol name of `type`, e.g. "i32", for messages.
QUIRE_EXPORT std::string_view CompactTypeName(CompactType type);

/// \brief Header of one struct field.
struct FieldHeader {
  int16_t id = 0;
  CompactType type = CompactType::kStop;  ///< kStop: the struct ends here (id is 0).
};

/// \brief Header of a list or set: element type and count.
struct ListHeader {
  CompactType element_type = CompactType::kStop;  ///< Only meaningful when size > 0.
  int32_t size = 0;
};

/// \brief Header of a map: key and value types and the number of pairs.
struct MapHeader {
  CompactType key_type = CompactType::kStop;    ///< Only meaningful when size > 0.
  CompactType value_type = CompactType::kStop;  ///< Only meaningful when size > 0.
  int32_t size = 0;
};

/// \brief Pull parser of compact-protocol bytes held in memory.
///
/// The caller drives it like generated Thrift code: ReadStructBegin(), then
/// ReadFieldHeader() until kStop, reading or Skip()ping each value, then
/// ReadStructEnd(). It borrows the bytes, which must outlive it and every
/// string_view it returns.
///
/// Errors are kCorrupt and name what was being read and its byte offset. Counts
/// are bounded by the bytes left (a count of n elements needs at least n times
/// the smallest encoding of one element), and nesting of structs and containers
/// is bounded by kMaxNestingDepth.
///
/// Not thread-safe.
class QUIRE_EXPORT CompactReader {
 public:
  /// \brief Deepest nesting of structs, lists, sets and maps accepted.
  static constexpr int kMaxNestingDepth = 64;

  explicit CompactReader(std::span<const uint8_t> data) : data_(data) {}

  /// \brief Enter a struct (or union): field-id deltas restart from 0.
  /// \return kCorrupt past kMaxNestingDepth.
  Status ReadStructBegin();
  /// \brief Leave the struct entered last, after its kStop field header was read.
  Status ReadStructEnd();

  /// \brief Read the next field header of the current struct.
  ///
  /// Short-form headers add their delta to the previous field id; long-form headers
  /// carry a zigzag i16 id. A bool field's value is kept for the next ReadBool().
  /// \return the header; type kStop at the end of the struct.
  Result<FieldHeader> ReadFieldHeader();

  /// \brief Read a bool: the value held by the bool field header just read, or else
  /// one element byte (1 is true; 0 and 2 are false, as Thrift libraries write 2).
  Result<bool> ReadBool();
  /// \brief Read an i8 (one byte).
  Result<int8_t> ReadI8();
  /// \brief Read an i16 (zigzag varint); kCorrupt if it does not fit 16 bits.
  Result<int16_t> ReadI16();
  /// \brief Read an i32 (zigzag varint of at most 5 bytes); kCorrupt on overflow.
  Result<int32_t> ReadI32();
  /// \brief Read an i64 (zigzag varint of at most 10 bytes); kCorrupt on overflow.
  Result<int64_t> ReadI64();
  /// \brief Read a double (8 bytes, little endian, bit exact).
  Result<double> ReadDouble();
  /// \brief Read a binary or string: varint length, then the bytes.
  /// \return a view into the input; kCorrupt if the length passes the end.
  Result<std::string_view> ReadBinary();

  /// \brief Read a list header; the count is checked against the bytes left.
  Result<ListHeader> ReadListHeader();
  /// \brief Read a set header (same encoding as a list header).
  Result<ListHeader> ReadSetHeader();
  /// \brief Read a map header; the count is checked against the bytes left.
  Result<MapHeader> ReadMapHeader();

  /// \brief Skip one value of `type`, recursing into structs and containers.
  ///
  /// Used for fields this code does not know (forward compatibility). For a bool
  /// field it consumes the value held by the field header.
  Status Skip(CompactType type);

  /// \brief Return the offset of the next byte to read.
  int64_t position() const { return static_cast<int64_t>(pos_); }
  /// \brief Return how many bytes are left.
  int64_t remaining() const { return static_cast<int64_t>(data_.size() - pos_); }
  /// \brief Return the current nesting depth (0 outside any struct).
  int depth() const { return depth_; }

 private:
  Result<uint64_t> ReadVarint(std::string_view what, int bits);
  Result<ListHeader> ReadListOrSetHeader(std::string_view what);
  Result<CompactType> ElementType(uint8_t nibble, std::string_view what, size_t offset);
  Status EnterNesting(std::string_view what);
  Status Truncated(std::string_view what, size_t offset, size_t needed) const;

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  int depth_ = 0;
  int struct_depth_ = 0;
  int16_t last_field_id_ = 0;
  // A bool field's value, from its header, until ReadBool() or Skip() takes it.
  int8_t pending_bool_ = -1;
  int16_t field_id_stack_[kMaxNestingDepth] = {};
};

/// \brief Writer of compact-protocol bytes, appending to a string.
///
/// Mirrors CompactReader: WriteStructBegin(), field headers and values,
/// WriteStructEnd() (which writes the stop field). Field headers use the short
/// form whenever the id delta is 1..15, like the Thrift libraries, so metadata
/// written here is byte-identical to what they write for the same fields in the
/// same order. Bool list elements are written as 1 (true) and 2 (false) with
/// element type 1, as the Apache Thrift C++ and Java libraries write them; every
/// compact reader accepts that form.
///
/// Writing cannot fail except by running out of memory. Not thread-safe.
class QUIRE_EXPORT CompactWriter {
 public:
  /// \brief Append to `*out`, which must outlive the writer.
  explicit CompactWriter(std::string* out) : out_(out) {}

  /// \brief Start a struct (or union): field-id deltas restart from 0.
  void WriteStructBegin();
  /// \brief Write the stop field and leave the struct.
  void WriteStructEnd();

  /// \brief Write the header of a field of `type` (not kBool: use WriteBoolField).
  void WriteFieldHeader(int16_t id, CompactType type);
  /// \brief Write a whole bool field; its value goes into the header.
  void WriteBoolField(int16_t id, bool value);

  /// \brief Write a bool list/set/map element.
  void WriteBool(bool value) { out_->push_back(value ? 1 : 2); }
  void WriteI8(int8_t value) { out_->push_back(static_cast<char>(value)); }
  void WriteI16(int16_t value) { WriteI32(value); }
  void WriteI32(int32_t value);
  void WriteI64(int64_t value);
  void WriteDouble(double value);
  void WriteBinary(std::string_view value);

  /// \brief Write a list header; `size` must be >= 0.
  void WriteListHeader(CompactType element_type, int32_t size);
  /// \brief Write a set header; `size` must be >= 0.
  void WriteSetHeader(CompactType element_type, int32_t size) {
    WriteListHeader(element_type, size);
  }
  /// \brief Write a map header; `size` must be >= 0.
  void WriteMapHeader(CompactType key_type, CompactType value_type, int32_t size);

  /// \brief Write an unsigned LEB128 varint.
  void WriteVarint(uint64_t value);

 private:
  std::string* out_;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> field_id_stack_;
};

}  // namespace quire::parquet
