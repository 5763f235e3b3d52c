/// \file quire/columnar/fuzzing.cc
///
/// Input format of FuzzValidateArray, read front to back (missing bytes read as 0):
///   u8 type index; then an array node:
///     u16 length, u8 offset, u8 null count (255 = unknown),
///     u8 number of buffers, each: u8 present, u16 size, bytes;
///     children and dictionary as nodes, as many as the type has.
#include "quire/columnar/fuzzing.h"

#include <algorithm>
#include <cstring>

#include "quire/columnar/builder.h"
#include "quire/columnar/pretty_print.h"
#include "quire/util/macros.h"

namespace quire::columnar {

const std::vector<TypePtr>& FuzzTypes() {
  static const std::vector<TypePtr> kTypes = [] {
    auto point = struct_({field("x", float64()), field("s", utf8())});
    return std::vector<TypePtr>{
        null(), boolean(), int8(), uint16(), int32(), int64(), float16(), float32(), float64(),
        decimal128(10, 2), decimal256(40, 5), date32(), date64(), time32(TimeUnit::kMilli),
        time64(TimeUnit::kNano), timestamp(TimeUnit::kMicro, "UTC"), duration(TimeUnit::kSecond),
        interval_month_day_nano(), binary(), utf8(), large_binary(), large_utf8(), binary_view(),
        utf8_view(), fixed_size_binary(3), list(int32()), large_list(utf8()),
        fixed_size_list(int16(), 2), point, map(utf8(), int32()), dictionary(int8(), utf8()),
        dictionary(uint32(), int64()), list(point), map(int32(), list(utf8_view()))};
  }();
  return kTypes;
}

namespace {

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> d) : d_(d) {}
  uint8_t U8() { return pos_ < d_.size() ? d_[pos_++] : 0; }
  uint16_t U16() { return uint16_t(U8() | (U8() << 8)); }
  std::span<const uint8_t> Bytes(size_t n) {
    n = std::min(n, d_.size() - std::min(pos_, d_.size()));
    auto out = d_.subspan(std::min(pos_, d_.size()), n);
    pos_ += n;
    return out;
  }

 private:
  std::span<const uint8_t> d_;
  size_t pos_ = 0;
};

int ChildCount(const DataType& t) {
  switch (t.id()) {
    case TypeId::kList:
    case TypeId::kLargeList:
    case TypeId::kFixedSizeList:
    case TypeId::kMap: return 1;
    case TypeId::kStruct: return t.num_fields();
    default: return 0;
  }
}

// Nesting depth is bounded by the types, so recursion is bounded too.
ArrayPtr ReadNode(Reader& r, const TypePtr& type) {
  const int64_t length = r.U16() % 1024;
  const int64_t offset = r.U8() % 16;
  const uint8_t nulls = r.U8();
  const int num_buffers = r.U8() % 8;
  std::vector<BufferPtr> buffers;
  for (int b = 0; b < num_buffers; ++b) {
    const bool present = r.U8() & 1;
    const uint16_t size = r.U16();
    auto bytes = r.Bytes(size);
    // Copy into aligned pool memory, as a real producer's buffers would be.
    buffers.push_back(present ? Buffer::Copy(std::as_bytes(bytes)).ValueOrDie() : nullptr);
  }
  ArrayVector children;
  for (int c = 0; c < ChildCount(*type); ++c) children.push_back(ReadNode(r, type->field(c)->type()));
  ArrayPtr dictionary;
  if (type->id() == TypeId::kDictionary) dictionary = ReadNode(r, type->dictionary_value_type());
  return Array::Make(type, length, std::move(buffers), std::move(children), std::move(dictionary),
                     nulls == 255 ? kUnknownNullCount : int64_t(nulls), offset);
}

void WriteNode(const Array& a, std::string* out) {
  auto u8 = [&](uint8_t v) { out->push_back(char(v)); };
  auto u16 = [&](uint16_t v) {
    u8(uint8_t(v));
    u8(uint8_t(v >> 8));
  };
  u16(uint16_t(a.length()));
  u8(uint8_t(a.offset()));
  u8(a.null_count() < 255 ? uint8_t(a.null_count()) : 255);
  u8(uint8_t(a.num_buffers()));
  for (const auto& b : a.buffers()) {
    u8(b ? 1 : 0);
    const uint16_t size = b ? uint16_t(std::min<int64_t>(b->size(), 65535)) : 0;
    u16(size);
    if (b) out->append(reinterpret_cast<const char*>(b->data()), size);
  }
  for (const auto& c : a.children()) WriteNode(*c, out);
  if (a.dictionary()) WriteNode(*a.dictionary(), out);
}

}  // namespace

Status FuzzValidateArray(std::span<const uint8_t> data) {
  Reader r(data);
  const auto& types = FuzzTypes();
  const TypePtr& type = types[r.U8() % types.size()];
  ArrayPtr array = ReadNode(r, type);
  QUIRE_RETURN_NOT_OK(array->ValidateFull());
  // Accepted: everything must now be safe to read.
  size_t total = 0;
  for (int64_t i = 0; i < array->length(); ++i) total += FormatValue(*array, i).size();
  auto slice = array->Slice(array->length() / 3, array->length() / 2);
  QUIRE_RETURN_NOT_OK(slice->ValidateFull());
  QUIRE_ASSIGN_OR_RETURN(auto joined, Concatenate({array, slice}));
  QUIRE_RETURN_NOT_OK(joined->ValidateFull());
  if (!joined->Slice(0, array->length())->Equals(*array) || total == size_t(-1)) {
    return Status::Internal("concatenation changed the values of a {} array",
                            type->ToString());
  }
  return Status::OK();
}

std::string EncodeFuzzArray(const Array& array, uint8_t type_index) {
  std::string out(1, char(type_index));
  WriteNode(array, &out);
  return out;
}

}  // namespace quire::columnar
