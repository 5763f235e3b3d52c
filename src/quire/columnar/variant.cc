/// \file quire/columnar/variant.cc
/// \brief Variant binary encoding (parquet-format VariantEncoding.md).
#include "quire/columnar/variant.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "quire/util/macros.h"
#include "quire/util/utf8.h"

namespace quire::columnar {

namespace {

// Basic types (VariantEncoding.md, "Encoding types").
constexpr uint8_t kPrimitive = 0;
constexpr uint8_t kShortString = 1;
constexpr uint8_t kObjectBasic = 2;
constexpr uint8_t kArrayBasic = 3;

uint32_t ReadLE(const uint8_t* p, int width) {
  uint32_t v = 0;
  for (int b = 0; b < width; ++b) v |= uint32_t(p[b]) << (8 * b);
  return v;
}

int64_t ReadSigned(const uint8_t* p, int width) {
  uint64_t v = 0;
  for (int b = 0; b < width; ++b) v |= uint64_t(p[b]) << (8 * b);
  if (width < 8) {
    const uint64_t sign = uint64_t(1) << (8 * width - 1);
    v = (v ^ sign) - sign;
  }
  return int64_t(v);
}

// Bytes of value data after the header byte for fixed-size primitive types, or -1.
int FixedPrimitiveSize(uint8_t id) {
  switch (VariantType(id)) {
    case VariantType::kNull:
    case VariantType::kBooleanTrue:
    case VariantType::kBooleanFalse: return 0;
    case VariantType::kInt8: return 1;
    case VariantType::kInt16: return 2;
    case VariantType::kInt32:
    case VariantType::kDate:
    case VariantType::kFloat: return 4;
    case VariantType::kInt64:
    case VariantType::kDouble:
    case VariantType::kTimestampMicros:
    case VariantType::kTimestampNtzMicros:
    case VariantType::kTimeNtzMicros:
    case VariantType::kTimestampNanos:
    case VariantType::kTimestampNtzNanos: return 8;
    case VariantType::kDecimal4: return 5;
    case VariantType::kDecimal8: return 9;
    case VariantType::kDecimal16: return 17;
    case VariantType::kUuid: return 16;
    default: return -1;
  }
}

bool IsDecimal(VariantType t) {
  return t == VariantType::kDecimal4 || t == VariantType::kDecimal8 ||
         t == VariantType::kDecimal16;
}

}  // namespace

std::string_view VariantTypeName(VariantType type) {
  switch (type) {
    case VariantType::kNull: return "null";
    case VariantType::kBooleanTrue: return "boolean_true";
    case VariantType::kBooleanFalse: return "boolean_false";
    case VariantType::kInt8: return "int8";
    case VariantType::kInt16: return "int16";
    case VariantType::kInt32: return "int32";
    case VariantType::kInt64: return "int64";
    case VariantType::kDouble: return "double";
    case VariantType::kDecimal4: return "decimal4";
    case VariantType::kDecimal8: return "decimal8";
    case VariantType::kDecimal16: return "decimal16";
    case VariantType::kDate: return "date";
    case VariantType::kTimestampMicros: return "timestamp_micros";
    case VariantType::kTimestampNtzMicros: return "timestamp_ntz_micros";
    case VariantType::kFloat: return "float";
    case VariantType::kBinary: return "binary";
    case VariantType::kString: return "string";
    case VariantType::kTimeNtzMicros: return "time_ntz_micros";
    case VariantType::kTimestampNanos: return "timestamp_nanos";
    case VariantType::kTimestampNtzNanos: return "timestamp_ntz_nanos";
    case VariantType::kUuid: return "uuid";
    case VariantType::kObject: return "object";
    case VariantType::kArray: return "array";
  }
  return "unknown";
}

// --- Metadata ---------------------------------------------------------------

Result<VariantMetadata> VariantMetadata::Make(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return Status::Corrupt("variant metadata is empty");
  const uint8_t header = bytes[0];
  if ((header & 0x0F) != 1) {
    return Status::Corrupt("variant metadata has version {} (only 1 is defined)",
                           header & 0x0F);
  }
  VariantMetadata m;
  m.data_ = bytes.data();
  m.sorted_ = (header >> 4) & 1;
  m.offset_size_ = uint8_t(((header >> 6) & 3) + 1);
  const size_t w = m.offset_size_;
  if (bytes.size() < 1 + w) return Status::Corrupt("variant metadata is truncated");
  m.size_ = ReadLE(bytes.data() + 1, int(w));
  // Check the count against the bytes left before multiplying.
  if ((bytes.size() - 1 - w) / w < size_t(m.size_) + 1) {
    return Status::Corrupt("variant metadata announces {} keys in {} bytes", m.size_,
                           bytes.size());
  }
  m.offsets_ = bytes.data() + 1 + w;
  m.strings_ = m.offsets_ + (size_t(m.size_) + 1) * w;
  const size_t available = size_t(bytes.data() + bytes.size() - m.strings_);
  uint32_t previous = 0;
  std::string_view previous_key;
  for (uint32_t i = 0; i <= m.size_; ++i) {
    const uint32_t offset = ReadLE(m.offsets_ + size_t(i) * w, int(w));
    if ((i == 0 && offset != 0) || offset < previous || offset > available) {
      return Status::Corrupt("variant metadata offset {} of key {} is out of order or past "
                             "the end ({} bytes)", offset, i, available);
    }
    if (i > 0) {
      std::string_view key(reinterpret_cast<const char*>(m.strings_) + previous,
                           offset - previous);
      if (!util::IsValidUtf8(key)) {
        return Status::Corrupt("variant metadata key {} is not UTF-8", i - 1);
      }
      if (m.sorted_ && i > 1 && !(previous_key < key)) {
        return Status::Corrupt("variant metadata says its keys are sorted and unique, "
                               "but key {} does not follow key {}", i - 1, i - 2);
      }
      previous_key = key;
    }
    previous = offset;
  }
  m.size_bytes_ = size_t(m.strings_ - m.data_) + previous;
  return m;
}

std::string_view VariantMetadata::key(uint32_t id) const {
  const uint32_t begin = ReadLE(offsets_ + size_t(id) * offset_size_, offset_size_);
  const uint32_t end = ReadLE(offsets_ + size_t(id + 1) * offset_size_, offset_size_);
  return {reinterpret_cast<const char*>(strings_) + begin, end - begin};
}

std::optional<uint32_t> VariantMetadata::Find(std::string_view name) const {
  if (sorted_) {
    uint32_t lo = 0, hi = size_;
    while (lo < hi) {
      const uint32_t mid = lo + (hi - lo) / 2;
      const std::string_view k = key(mid);
      if (k == name) return mid;
      if (k < name) lo = mid + 1; else hi = mid;
    }
    return std::nullopt;
  }
  for (uint32_t i = 0; i < size_; ++i) {
    if (key(i) == name) return i;
  }
  return std::nullopt;
}

// --- Values -----------------------------------------------------------------

Status VariantValue::Parse(const VariantMetadata& metadata, std::span<const uint8_t> bytes,
                           int depth, bool deep, VariantValue* out) {
  if (bytes.empty()) return Status::Corrupt("variant value is empty");
  if (depth > kMaxVariantDepth) {
    return Status::Corrupt("variant value nests deeper than {} levels", kMaxVariantDepth);
  }
  const uint8_t header = bytes[0];
  const uint8_t basic = header & 3;
  const uint8_t info = header >> 2;
  VariantValue v;
  v.metadata_ = &metadata;
  v.data_ = bytes.data();
  switch (basic) {
    case kPrimitive: {
      if (info == uint8_t(VariantType::kBinary) || info == uint8_t(VariantType::kString)) {
        if (bytes.size() < 5) return Status::Corrupt("variant string/binary is truncated");
        const uint32_t length = ReadLE(bytes.data() + 1, 4);
        if (length > bytes.size() - 5) {
          return Status::Corrupt("variant string/binary of {} bytes overruns its {} bytes",
                                 length, bytes.size() - 5);
        }
        v.size_ = 5 + size_t(length);
        v.type_ = VariantType(info);
        if (v.type_ == VariantType::kString &&
            !util::IsValidUtf8(bytes.data() + 5, int64_t(length))) {
          return Status::Corrupt("variant string is not UTF-8");
        }
        break;
      }
      const int size = FixedPrimitiveSize(info);
      if (size < 0) {
        return Status::Unsupported("variant primitive type id {} is not defined", info);
      }
      if (bytes.size() < size_t(1 + size)) {
        return Status::Corrupt("variant {} is truncated", VariantTypeName(VariantType(info)));
      }
      v.type_ = VariantType(info);
      v.size_ = size_t(1 + size);
      if (IsDecimal(v.type_) && bytes[1] > 38) {
        return Status::Corrupt("variant decimal has scale {} (at most 38)", bytes[1]);
      }
      break;
    }
    case kShortString: {
      if (bytes.size() < size_t(1 + info)) return Status::Corrupt("variant short string is truncated");
      v.type_ = VariantType::kString;
      v.size_ = size_t(1 + info);
      if (!util::IsValidUtf8(bytes.data() + 1, info)) {
        return Status::Corrupt("variant string is not UTF-8");
      }
      break;
    }
    case kObjectBasic:
    case kArrayBasic: {
      const bool is_object = basic == kObjectBasic;
      v.type_ = is_object ? VariantType::kObject : VariantType::kArray;
      v.offset_size_ = uint8_t((info & 3) + 1);
      v.id_size_ = is_object ? uint8_t(((info >> 2) & 3) + 1) : 0;
      const bool is_large = is_object ? (info >> 4) & 1 : (info >> 2) & 1;
      const size_t count_size = is_large ? 4 : 1;
      if (bytes.size() < 1 + count_size) return Status::Corrupt("variant {} is truncated", VariantTypeName(v.type_));
      v.num_elements_ = ReadLE(bytes.data() + 1, int(count_size));
      const size_t n = v.num_elements_;
      const size_t left = bytes.size() - 1 - count_size;
      // ids and offsets must fit in the bytes left: check without overflow.
      const size_t per = size_t(v.id_size_) + v.offset_size_;
      if (n > left / per || n * per + v.offset_size_ > left) {
        return Status::Corrupt("variant {} announces {} elements in {} bytes",
                               VariantTypeName(v.type_), n, bytes.size());
      }
      v.ids_ = bytes.data() + 1 + count_size;
      v.offsets_ = v.ids_ + n * v.id_size_;
      v.values_ = v.offsets_ + (n + 1) * v.offset_size_;
      const size_t available = size_t(bytes.data() + bytes.size() - v.values_);
      const uint32_t total = ReadLE(v.offsets_ + n * v.offset_size_, v.offset_size_);
      if (total > available) {
        return Status::Corrupt("variant {} of {} bytes overruns its {} bytes",
                               VariantTypeName(v.type_), total, available);
      }
      v.size_ = size_t(v.values_ - v.data_) + total;
      std::string_view previous_key;
      for (uint32_t i = 0; deep && i < n; ++i) {
        const uint32_t begin = ReadLE(v.offsets_ + size_t(i) * v.offset_size_, v.offset_size_);
        if (begin >= total) {
          return Status::Corrupt("variant {} element {} starts at {}, past its {} bytes",
                                 VariantTypeName(v.type_), i, begin, total);
        }
        // Arrays store elements in order; an object's values may be in any order,
        // so each value ends where its own encoding says, within the object.
        std::span<const uint8_t> rest(v.values_ + begin, total - begin);
        if (!is_object) {
          const uint32_t end = ReadLE(v.offsets_ + size_t(i + 1) * v.offset_size_, v.offset_size_);
          if (end < begin || end > total) {
            return Status::Corrupt("variant array offsets decrease at element {}", i);
          }
          rest = rest.first(end - begin);
        }
        VariantValue child;
        QUIRE_RETURN_NOT_OK(Parse(metadata, rest, depth + 1, true, &child));
        if (!is_object && child.size_ != rest.size()) {
          return Status::Corrupt("variant array element {} has {} bytes after its value", i,
                                 rest.size() - child.size_);
        }
        if (is_object) {
          const uint32_t id = ReadLE(v.ids_ + size_t(i) * v.id_size_, v.id_size_);
          if (id >= metadata.size()) {
            return Status::Corrupt("variant object key id {} is not in the metadata ({} keys)",
                                   id, metadata.size());
          }
          const std::string_view key = metadata.key(id);
          if (i > 0 && !(previous_key < key)) {
            return Status::Corrupt("variant object keys are not sorted and unique at '{}'",
                                   key);
          }
          previous_key = key;
        }
      }
      break;
    }
  }
  *out = v;
  return Status::OK();
}

Result<VariantValue> VariantValue::Make(const VariantMetadata& metadata,
                                        std::span<const uint8_t> bytes, bool allow_trailing) {
  VariantValue v;
  QUIRE_RETURN_NOT_OK(Parse(metadata, bytes, 0, true, &v));
  if (!allow_trailing && v.size_ != bytes.size()) {
    return Status::Corrupt("variant value has {} bytes after its end", bytes.size() - v.size_);
  }
  return v;
}

int64_t VariantValue::integer() const {
  switch (type_) {
    case VariantType::kInt8: return ReadSigned(data_ + 1, 1);
    case VariantType::kInt16: return ReadSigned(data_ + 1, 2);
    case VariantType::kInt32:
    case VariantType::kDate: return ReadSigned(data_ + 1, 4);
    default: return ReadSigned(data_ + 1, 8);
  }
}

double VariantValue::float64() const {
  double d;
  std::memcpy(&d, data_ + 1, 8);
  return d;
}

float VariantValue::float32() const {
  float f;
  std::memcpy(&f, data_ + 1, 4);
  return f;
}

__int128 VariantValue::decimal_unscaled() const {
  if (type_ == VariantType::kDecimal4) return ReadSigned(data_ + 2, 4);
  if (type_ == VariantType::kDecimal8) return ReadSigned(data_ + 2, 8);
  unsigned __int128 v = 0;
  for (int b = 0; b < 16; ++b) v |= (unsigned __int128)data_[2 + b] << (8 * b);
  return (__int128)v;
}

int32_t VariantValue::decimal_scale() const { return data_[1]; }

std::string_view VariantValue::bytes_value() const {
  const char* p = reinterpret_cast<const char*>(data_);
  if ((data_[0] & 3) == kShortString) return {p + 1, size_ - 1};
  if (type_ == VariantType::kUuid) return {p + 1, 16};
  return {p + 5, size_ - 5};
}

VariantValue VariantValue::element(uint32_t i) const {
  const uint32_t begin = ReadLE(offsets_ + size_t(i) * offset_size_, offset_size_);
  const uint32_t total = ReadLE(offsets_ + size_t(num_elements_) * offset_size_, offset_size_);
  VariantValue child;
  // Validated at Make: parsing the header again cannot fail.
  (void)Parse(*metadata_, {values_ + begin, total - begin}, 0, /*deep=*/false, &child);
  return child;
}

uint32_t VariantValue::field_id(uint32_t i) const {
  return ReadLE(ids_ + size_t(i) * id_size_, id_size_);
}

std::optional<VariantValue> VariantValue::Field(std::string_view name) const {
  uint32_t lo = 0, hi = num_elements_;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    const std::string_view k = field_name(mid);
    if (k == name) return element(mid);
    if (k < name) lo = mid + 1; else hi = mid;
  }
  return std::nullopt;
}

Status ValidateVariant(std::span<const uint8_t> metadata, std::span<const uint8_t> value) {
  QUIRE_ASSIGN_OR_RETURN(auto m, VariantMetadata::Make(metadata));
  if (m.size_bytes() != metadata.size()) {
    return Status::Corrupt("variant metadata has {} bytes after its end",
                           metadata.size() - m.size_bytes());
  }
  return VariantValue::Make(m, value).status();
}

// --- Builder ----------------------------------------------------------------

void VariantBuilder::BeginValue() {
  if (stack_.empty()) {
    ++top_values_;
    return;
  }
  Frame& f = stack_.back();
  f.starts.push_back(out_.size() - f.start);
}

void VariantBuilder::AppendLE(uint64_t value, int width) {
  for (int b = 0; b < width; ++b) out_.push_back(char((value >> (8 * b)) & 0xFF));
}

void VariantBuilder::Null() {
  BeginValue();
  out_.push_back(char(uint8_t(VariantType::kNull) << 2));
}

void VariantBuilder::Boolean(bool value) {
  BeginValue();
  const auto t = value ? VariantType::kBooleanTrue : VariantType::kBooleanFalse;
  out_.push_back(char(uint8_t(t) << 2));
}

void VariantBuilder::Integer(VariantType type, int64_t value) {
  BeginValue();
  out_.push_back(char(uint8_t(type) << 2));
  AppendLE(uint64_t(value), FixedPrimitiveSize(uint8_t(type)));
}

void VariantBuilder::Float(float value) {
  BeginValue();
  out_.push_back(char(uint8_t(VariantType::kFloat) << 2));
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  AppendLE(bits, 4);
}

void VariantBuilder::Double(double value) {
  BeginValue();
  out_.push_back(char(uint8_t(VariantType::kDouble) << 2));
  uint64_t bits;
  std::memcpy(&bits, &value, 8);
  AppendLE(bits, 8);
}

void VariantBuilder::Decimal(VariantType type, __int128 unscaled, int32_t scale) {
  BeginValue();
  out_.push_back(char(uint8_t(type) << 2));
  out_.push_back(char(uint8_t(scale)));
  const int width = FixedPrimitiveSize(uint8_t(type)) - 1;
  const auto u = (unsigned __int128)unscaled;
  for (int b = 0; b < width; ++b) out_.push_back(char(uint8_t(u >> (8 * b))));
}

void VariantBuilder::Temporal(VariantType type, int64_t value) { Integer(type, value); }

void VariantBuilder::String(std::string_view utf8) {
  BeginValue();
  if (utf8.size() < 64) {
    out_.push_back(char(kShortString | (utf8.size() << 2)));
  } else {
    out_.push_back(char(uint8_t(VariantType::kString) << 2));
    AppendLE(utf8.size(), 4);
  }
  out_.append(utf8);
}

void VariantBuilder::Binary(std::string_view bytes) {
  BeginValue();
  out_.push_back(char(uint8_t(VariantType::kBinary) << 2));
  AppendLE(bytes.size(), 4);
  out_.append(bytes);
}

void VariantBuilder::Uuid(std::string_view bytes16) {
  BeginValue();
  out_.push_back(char(uint8_t(VariantType::kUuid) << 2));
  out_.append(bytes16.substr(0, 16));
}

void VariantBuilder::Encoded(std::span<const uint8_t> value) {
  BeginValue();
  out_.append(reinterpret_cast<const char*>(value.data()), value.size());
}

void VariantBuilder::BeginArray() {
  BeginValue();
  stack_.push_back(Frame{false, out_.size(), {}, {}});
}

void VariantBuilder::BeginObject() {
  BeginValue();
  stack_.push_back(Frame{true, out_.size(), {}, {}});
}

void VariantBuilder::Key(uint32_t id) { stack_.back().keys.push_back(id); }

namespace {

int BytesFor(uint64_t max_value) {
  if (max_value <= 0xFF) return 1;
  if (max_value <= 0xFFFF) return 2;
  if (max_value <= 0xFFFFFF) return 3;
  return 4;
}

}  // namespace

Status VariantBuilder::EndArray() {
  Frame f = std::move(stack_.back());
  stack_.pop_back();
  const size_t total = out_.size() - f.start;
  if (total > 0xFFFFFFFFu || f.starts.size() > 0xFFFFFFFFu) {
    return Status::Invalid("variant array of {} bytes is too large", total);
  }
  const size_t n = f.starts.size();
  const int offset_size = BytesFor(total);
  const bool large = n > 255;
  std::string head;
  head.push_back(char(kArrayBasic | (((large ? 4 : 0) | (offset_size - 1)) << 2)));
  for (int b = 0; b < (large ? 4 : 1); ++b) head.push_back(char((n >> (8 * b)) & 0xFF));
  auto put = [&](uint64_t v, int w) {
    for (int b = 0; b < w; ++b) head.push_back(char((v >> (8 * b)) & 0xFF));
  };
  for (size_t s : f.starts) put(s, offset_size);
  put(total, offset_size);
  out_.insert(f.start, head);
  return Status::OK();
}

Status VariantBuilder::EndObject() {
  Frame f = std::move(stack_.back());
  stack_.pop_back();
  const size_t total = out_.size() - f.start;
  const size_t n = f.starts.size();
  if (f.keys.size() != n) {
    return Status::Internal("variant object has {} keys for {} values", f.keys.size(), n);
  }
  if (total > 0xFFFFFFFFu || n > 0xFFFFFFFFu) {
    return Status::Invalid("variant object of {} bytes is too large", total);
  }
  // Fields are listed in key order (VariantEncoding.md, "Object field ID order and
  // uniqueness"); values stay where they were written.
  std::vector<uint32_t> order(n);
  for (uint32_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return metadata_->key(f.keys[a]) < metadata_->key(f.keys[b]);
  });
  uint32_t max_id = 0;
  for (size_t i = 0; i < n; ++i) {
    max_id = std::max(max_id, f.keys[i]);
    if (i > 0 && metadata_->key(f.keys[order[i]]) == metadata_->key(f.keys[order[i - 1]])) {
      return Status::Corrupt("variant object has the key '{}' twice",
                             metadata_->key(f.keys[order[i]]));
    }
  }
  const int offset_size = BytesFor(total);
  const int id_size = BytesFor(max_id);
  const bool large = n > 255;
  std::string head;
  head.push_back(char(kObjectBasic |
                      (((large ? 16 : 0) | ((id_size - 1) << 2) | (offset_size - 1)) << 2)));
  auto put = [&](uint64_t v, int w) {
    for (int b = 0; b < w; ++b) head.push_back(char((v >> (8 * b)) & 0xFF));
  };
  put(n, large ? 4 : 1);
  for (uint32_t i : order) put(f.keys[i], id_size);
  for (uint32_t i : order) put(f.starts[i], offset_size);
  put(total, offset_size);
  out_.insert(f.start, head);
  return Status::OK();
}

Result<std::string> VariantBuilder::Finish() {
  if (!stack_.empty() || top_values_ != 1) {
    return Status::Internal("variant builder finished with {} open containers and {} values",
                            stack_.size(), top_values_);
  }
  top_values_ = 0;
  return std::move(out_);
}

std::string MakeVariantMetadata(const std::vector<std::string>& keys) {
  size_t bytes = 0;
  bool sorted = true;
  for (size_t i = 0; i < keys.size(); ++i) {
    bytes += keys[i].size();
    if (i > 0 && !(keys[i - 1] < keys[i])) sorted = false;
  }
  const int w = BytesFor(std::max<uint64_t>(bytes, keys.size()));
  std::string out;
  out.push_back(char(1 | (sorted ? 0x10 : 0) | ((w - 1) << 6)));
  auto put = [&](uint64_t v) {
    for (int b = 0; b < w; ++b) out.push_back(char((v >> (8 * b)) & 0xFF));
  };
  put(keys.size());
  size_t offset = 0;
  put(0);
  for (const auto& k : keys) put(offset += k.size());
  for (const auto& k : keys) out.append(k);
  return out;
}

}  // namespace quire::columnar
