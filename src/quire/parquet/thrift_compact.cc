/// \file quire/parquet/thrift_compact.cc
/// \brief Thrift compact protocol codec (thrift-compact-protocol.md).
#include "quire/parquet/thrift_compact.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "quire/util/macros.h"

namespace quire::parquet {

namespace {

// Wire nibbles that differ from CompactType: a bool field header holding false.
constexpr uint8_t kWireBoolFalse = 2;

// Fewest bytes one value of `type` takes on the wire, to bound element counts by
// the bytes left: a struct is at least its stop byte, a varint at least one byte.
int MinEncodedSize(CompactType type) {
  switch (type) {
    case CompactType::kDouble: return 8;
    case CompactType::kUuid: return 16;
    default: return 1;
  }
}

uint64_t ZigZagEncode64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t ZigZagDecode64(uint64_t n) {
  return static_cast<int64_t>((n >> 1) ^ (~(n & 1) + 1));
}

}  // namespace

std::string_view CompactTypeName(CompactType type) {
  switch (type) {
    case CompactType::kStop: return "stop";
    case CompactType::kBool: return "bool";
    case CompactType::kI8: return "i8";
    case CompactType::kI16: return "i16";
    case CompactType::kI32: return "i32";
    case CompactType::kI64: return "i64";
    case CompactType::kDouble: return "double";
    case CompactType::kBinary: return "binary";
    case CompactType::kList: return "list";
    case CompactType::kSet: return "set";
    case CompactType::kMap: return "map";
    case CompactType::kStruct: return "struct";
    case CompactType::kUuid: return "uuid";
  }
  return "invalid type";
}

// ---------------------------------------------------------------------------
// CompactReader

Status CompactReader::Truncated(std::string_view what, size_t offset,
                                size_t needed) const {
  return Status::Corrupt(
      "Thrift compact protocol: truncated {} at offset {}: needs {} bytes, {} left", what,
      offset, needed, data_.size() - std::min(offset, data_.size()));
}

Result<uint64_t> CompactReader::ReadVarint(std::string_view what, int bits) {
  // Most varints in metadata are small values that take one byte.
  if (QUIRE_PREDICT_TRUE(pos_ < data_.size() && data_[pos_] < 0x80)) return data_[pos_++];
  // ULEB128: 7 bits per byte, least significant group first. A 64-bit value takes at
  // most 10 bytes and a 32-bit one 5; the last byte may only hold the remaining bits.
  const size_t start = pos_;
  uint64_t result = 0;
  for (int shift = 0; shift < bits; shift += 7) {
    if (QUIRE_PREDICT_FALSE(pos_ >= data_.size())) {
      return Status::Corrupt(
          "Thrift compact protocol: truncated {} varint at offset {}: input ends after "
          "{} bytes",
          what, start, pos_ - start);
    }
    const uint8_t byte = data_[pos_++];
    const uint64_t group = byte & 0x7f;
    if (shift + 7 > bits && (group >> (bits - shift)) != 0) {
      return Status::Corrupt(
          "Thrift compact protocol: {} varint at offset {} overflows {} bits", what,
          start, bits);
    }
    result |= group << shift;
    if ((byte & 0x80) == 0) return result;
  }
  return Status::Corrupt(
      "Thrift compact protocol: {} varint at offset {} is longer than {} bytes", what,
      start, (bits + 6) / 7);
}

Status CompactReader::EnterNesting(std::string_view what) {
  if (QUIRE_PREDICT_FALSE(depth_ >= kMaxNestingDepth)) {
    return Status::Corrupt(
        "Thrift compact protocol: {} at offset {} is nested deeper than {} levels", what,
        pos_, kMaxNestingDepth);
  }
  ++depth_;
  return Status::OK();
}

Status CompactReader::ReadStructBegin() {
  QUIRE_RETURN_NOT_OK(EnterNesting("struct"));
  field_id_stack_[struct_depth_++] = last_field_id_;
  last_field_id_ = 0;
  return Status::OK();
}

Status CompactReader::ReadStructEnd() {
  if (QUIRE_PREDICT_FALSE(struct_depth_ == 0)) {
    return Status::Internal("CompactReader::ReadStructEnd without ReadStructBegin");
  }
  last_field_id_ = field_id_stack_[--struct_depth_];
  --depth_;
  return Status::OK();
}

Result<FieldHeader> CompactReader::ReadFieldHeader() {
  pending_bool_ = -1;
  const size_t start = pos_;
  if (QUIRE_PREDICT_FALSE(pos_ >= data_.size())) {
    return Truncated("field header", start, 1);
  }
  const uint8_t byte = data_[pos_++];
  if (byte == 0) return FieldHeader{};
  const uint8_t type_nibble = byte & 0x0f;
  const int delta = byte >> 4;
  if (type_nibble == 0 || type_nibble > static_cast<uint8_t>(CompactType::kUuid)) {
    return Status::Corrupt(
        "Thrift compact protocol: field header at offset {} has invalid type {}", start,
        type_nibble);
  }
  FieldHeader header;
  if (type_nibble == static_cast<uint8_t>(CompactType::kBool) ||
      type_nibble == kWireBoolFalse) {
    header.type = CompactType::kBool;
  } else {
    header.type = static_cast<CompactType>(type_nibble);
  }
  if (delta != 0) {
    const int id = last_field_id_ + delta;
    if (id > std::numeric_limits<int16_t>::max()) {
      return Status::Corrupt(
          "Thrift compact protocol: field header at offset {} moves the field id past {}",
          start, std::numeric_limits<int16_t>::max());
    }
    header.id = static_cast<int16_t>(id);
  } else {
    QUIRE_ASSIGN_OR_RETURN(header.id, ReadI16());
  }
  last_field_id_ = header.id;
  if (header.type == CompactType::kBool) {
    pending_bool_ = type_nibble == static_cast<uint8_t>(CompactType::kBool) ? 1 : 0;
  }
  return header;
}

Result<bool> CompactReader::ReadBool() {
  if (pending_bool_ >= 0) {
    const bool value = pending_bool_ == 1;
    pending_bool_ = -1;
    return value;
  }
  if (QUIRE_PREDICT_FALSE(pos_ >= data_.size())) return Truncated("bool", pos_, 1);
  const uint8_t byte = data_[pos_];
  // The spec writes false as 0; the Apache Thrift libraries write 2. Accept both.
  if (byte > 2) {
    return Status::Corrupt("Thrift compact protocol: bool at offset {} has value {}",
                           pos_, byte);
  }
  ++pos_;
  return byte == 1;
}

Result<int8_t> CompactReader::ReadI8() {
  if (QUIRE_PREDICT_FALSE(pos_ >= data_.size())) return Truncated("i8", pos_, 1);
  return static_cast<int8_t>(data_[pos_++]);
}

Result<int16_t> CompactReader::ReadI16() {
  const size_t start = pos_;
  QUIRE_ASSIGN_OR_RETURN(uint64_t n, ReadVarint("i16", 32));
  const int64_t value = ZigZagDecode64(n);
  if (value < std::numeric_limits<int16_t>::min() ||
      value > std::numeric_limits<int16_t>::max()) {
    return Status::Corrupt("Thrift compact protocol: i16 at offset {} has value {}",
                           start, value);
  }
  return static_cast<int16_t>(value);
}

Result<int32_t> CompactReader::ReadI32() {
  QUIRE_ASSIGN_OR_RETURN(uint64_t n, ReadVarint("i32", 32));
  // n < 2^32, so the decoded value fits 32 bits.
  return static_cast<int32_t>(ZigZagDecode64(n));
}

Result<int64_t> CompactReader::ReadI64() {
  QUIRE_ASSIGN_OR_RETURN(uint64_t n, ReadVarint("i64", 64));
  return ZigZagDecode64(n);
}

Result<double> CompactReader::ReadDouble() {
  // Little endian, unlike the binary protocol (thrift-compact-protocol.md).
  if (QUIRE_PREDICT_FALSE(data_.size() - pos_ < 8)) return Truncated("double", pos_, 8);
  uint64_t bits = 0;
  for (int i = 7; i >= 0; --i) bits = (bits << 8) | data_[pos_ + i];
  pos_ += 8;
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

Result<std::string_view> CompactReader::ReadBinary() {
  const size_t start = pos_;
  QUIRE_ASSIGN_OR_RETURN(uint64_t length, ReadVarint("binary length", 32));
  if (QUIRE_PREDICT_FALSE(length > data_.size() - pos_)) {
    return Status::Corrupt(
        "Thrift compact protocol: binary at offset {} claims {} bytes but {} are left",
        start, length, data_.size() - pos_);
  }
  std::string_view value(reinterpret_cast<const char*>(data_.data() + pos_), length);
  pos_ += length;
  return value;
}

Result<CompactType> CompactReader::ElementType(uint8_t nibble, std::string_view what,
                                               size_t offset) {
  if (nibble == static_cast<uint8_t>(CompactType::kBool) || nibble == kWireBoolFalse) {
    return CompactType::kBool;
  }
  if (nibble < static_cast<uint8_t>(CompactType::kI8) ||
      nibble > static_cast<uint8_t>(CompactType::kUuid)) {
    return Status::Corrupt(
        "Thrift compact protocol: {} header at offset {} has invalid element type {}",
        what, offset, nibble);
  }
  return static_cast<CompactType>(nibble);
}

Result<ListHeader> CompactReader::ReadListOrSetHeader(std::string_view what) {
  const size_t start = pos_;
  if (QUIRE_PREDICT_FALSE(pos_ >= data_.size())) return Truncated(what, start, 1);
  const uint8_t byte = data_[pos_++];
  ListHeader header;
  uint64_t size = byte >> 4;
  if (size == 15) {
    QUIRE_ASSIGN_OR_RETURN(size, ReadVarint(what, 32));
    if (size > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      return Status::Corrupt(
          "Thrift compact protocol: {} at offset {} claims {} elements", what, start,
          size);
    }
  }
  header.size = static_cast<int32_t>(size);
  // The element type of an empty list is never used; some writers leave it 0.
  if (size == 0) return header;
  QUIRE_ASSIGN_OR_RETURN(header.element_type, ElementType(byte & 0x0f, what, start));
  const uint64_t min_size = MinEncodedSize(header.element_type);
  if (size > (data_.size() - pos_) / min_size) {
    return Status::Corrupt(
        "Thrift compact protocol: {} at offset {} claims {} {} elements, which need at "
        "least {} bytes, but {} are left",
        what, start, size, CompactTypeName(header.element_type), size * min_size,
        data_.size() - pos_);
  }
  return header;
}

Result<ListHeader> CompactReader::ReadListHeader() { return ReadListOrSetHeader("list"); }

Result<ListHeader> CompactReader::ReadSetHeader() { return ReadListOrSetHeader("set"); }

Result<MapHeader> CompactReader::ReadMapHeader() {
  const size_t start = pos_;
  QUIRE_ASSIGN_OR_RETURN(uint64_t size, ReadVarint("map size", 32));
  MapHeader header;
  if (size == 0) return header;
  if (size > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return Status::Corrupt("Thrift compact protocol: map at offset {} claims {} entries",
                           start, size);
  }
  if (QUIRE_PREDICT_FALSE(pos_ >= data_.size())) return Truncated("map types", pos_, 1);
  const uint8_t types = data_[pos_++];
  QUIRE_ASSIGN_OR_RETURN(header.key_type, ElementType(types >> 4, "map", start));
  QUIRE_ASSIGN_OR_RETURN(header.value_type, ElementType(types & 0x0f, "map", start));
  header.size = static_cast<int32_t>(size);
  const uint64_t min_size =
      MinEncodedSize(header.key_type) + MinEncodedSize(header.value_type);
  if (size > (data_.size() - pos_) / min_size) {
    return Status::Corrupt(
        "Thrift compact protocol: map at offset {} claims {} entries, which need at "
        "least "
        "{} bytes, but {} are left",
        start, size, size * min_size, data_.size() - pos_);
  }
  return header;
}

Status CompactReader::Skip(CompactType type) {
  switch (type) {
    case CompactType::kBool: return ReadBool().status();
    case CompactType::kI8: return ReadI8().status();
    case CompactType::kI16: return ReadI16().status();
    case CompactType::kI32: return ReadI32().status();
    case CompactType::kI64: return ReadI64().status();
    case CompactType::kDouble: return ReadDouble().status();
    case CompactType::kBinary: return ReadBinary().status();
    case CompactType::kUuid:
      if (data_.size() - pos_ < 16) return Truncated("uuid", pos_, 16);
      pos_ += 16;
      return Status::OK();
    case CompactType::kList:
    case CompactType::kSet: {
      const std::string_view what = type == CompactType::kList ? "list" : "set";
      QUIRE_RETURN_NOT_OK(EnterNesting(what));
      QUIRE_ASSIGN_OR_RETURN(ListHeader header, ReadListOrSetHeader(what));
      for (int32_t i = 0; i < header.size; ++i) {
        QUIRE_RETURN_NOT_OK(Skip(header.element_type));
      }
      --depth_;
      return Status::OK();
    }
    case CompactType::kMap: {
      QUIRE_RETURN_NOT_OK(EnterNesting("map"));
      QUIRE_ASSIGN_OR_RETURN(MapHeader header, ReadMapHeader());
      for (int32_t i = 0; i < header.size; ++i) {
        QUIRE_RETURN_NOT_OK(Skip(header.key_type));
        QUIRE_RETURN_NOT_OK(Skip(header.value_type));
      }
      --depth_;
      return Status::OK();
    }
    case CompactType::kStruct: {
      QUIRE_RETURN_NOT_OK(ReadStructBegin());
      for (;;) {
        QUIRE_ASSIGN_OR_RETURN(FieldHeader field, ReadFieldHeader());
        if (field.type == CompactType::kStop) break;
        QUIRE_RETURN_NOT_OK(Skip(field.type));
      }
      return ReadStructEnd();
    }
    case CompactType::kStop: break;
  }
  return Status::Corrupt(
      "Thrift compact protocol: cannot skip a value of type {} at offset {}",
      static_cast<int>(type), pos_);
}

// ---------------------------------------------------------------------------
// CompactWriter

void CompactWriter::WriteVarint(uint64_t value) {
  char bytes[10];
  int n = 0;
  while (value >= 0x80) {
    bytes[n++] = static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  bytes[n++] = static_cast<char>(value);
  out_->append(bytes, n);
}

void CompactWriter::WriteStructBegin() {
  field_id_stack_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void CompactWriter::WriteStructEnd() {
  QUIRE_DCHECK(!field_id_stack_.empty());
  out_->push_back(0);
  last_field_id_ = field_id_stack_.back();
  field_id_stack_.pop_back();
}

void CompactWriter::WriteFieldHeader(int16_t id, CompactType type) {
  QUIRE_DCHECK(type != CompactType::kStop);
  const uint8_t nibble = static_cast<uint8_t>(type);
  const int delta = id - last_field_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | nibble));
  } else {
    out_->push_back(static_cast<char>(nibble));
    WriteI16(id);
  }
  last_field_id_ = id;
}

void CompactWriter::WriteBoolField(int16_t id, bool value) {
  const uint8_t nibble =
      value ? static_cast<uint8_t>(CompactType::kBool) : kWireBoolFalse;
  const int delta = id - last_field_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | nibble));
  } else {
    out_->push_back(static_cast<char>(nibble));
    WriteI16(id);
  }
  last_field_id_ = id;
}

void CompactWriter::WriteI32(int32_t value) {
  WriteVarint(static_cast<uint32_t>(ZigZagEncode64(value)));
}

void CompactWriter::WriteI64(int64_t value) { WriteVarint(ZigZagEncode64(value)); }

void CompactWriter::WriteDouble(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(bits >> (8 * i));
  out_->append(bytes, 8);
}

void CompactWriter::WriteBinary(std::string_view value) {
  WriteVarint(value.size());
  out_->append(value);
}

void CompactWriter::WriteListHeader(CompactType element_type, int32_t size) {
  QUIRE_DCHECK(size >= 0);
  const uint8_t nibble = static_cast<uint8_t>(element_type);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | nibble));
  } else {
    out_->push_back(static_cast<char>(0xf0 | nibble));
    WriteVarint(static_cast<uint32_t>(size));
  }
}

void CompactWriter::WriteMapHeader(CompactType key_type, CompactType value_type,
                                   int32_t size) {
  QUIRE_DCHECK(size >= 0);
  WriteVarint(static_cast<uint32_t>(size));
  if (size == 0) return;
  out_->push_back(static_cast<char>((static_cast<uint8_t>(key_type) << 4) |
                                    static_cast<uint8_t>(value_type)));
}

}  // namespace quire::parquet
