/// \file quire/text/jsonl_reader.cc
///
/// Blocks are read and cut at their last line end like CsvReader's (JSON strings
/// hold no raw line feeds, so every LF ends a line); each chunk of a block is
/// parsed line by line with simdjson's DOM parser. A line is first checked
/// against the plan of the schema (a dry run), then appended, so that a
/// malformed line never leaves half a row in the builders.
#include "quire/text/jsonl_reader.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <atomic>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <simdjson.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/decimal.h"
#include "quire/columnar/json.h"
#include "quire/io/input_stream.h"
#include "quire/io/output_stream.h"
#include "quire/text/block_queue_internal.h"
#include "quire/text/csv_scan_internal.h"
#include "quire/text/value_parse_internal.h"
#include "quire/util/macros.h"
#include "quire/util/thread_pool.h"

namespace quire::text {

namespace {

namespace dom = simdjson::dom;
using columnar::ArrayBuilder;
using columnar::DataType;
using columnar::FieldPtr;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;
using internal::Kind;

// Readable bytes after every line handed to simdjson.
constexpr size_t kPadding = std::max<size_t>(simdjson::SIMDJSON_PADDING, internal::kScanPadding);

std::string Excerpt(std::string_view value) {
  constexpr size_t kMax = 80;
  std::string out(value.substr(0, kMax));
  if (value.size() > kMax) out += "...";
  return out;
}

std::string JsonText(dom::element v) { return Excerpt(simdjson::minify(v)); }

bool IsJsonField(const columnar::Field& f) {
  if (!f.metadata()) return false;
  auto name = f.metadata()->Get(kExtensionNameKey);
  return name && *name == kJsonExtensionName;
}

// --- Inference --------------------------------------------------------------

struct InferNode {
  enum Tag : uint8_t { kNull, kBool, kInt, kFloat, kString, kStruct, kList, kMixed };
  Tag tag = kNull;
  Kind string_kind = Kind::kNull;
  std::vector<std::pair<std::string, std::unique_ptr<InferNode>>> fields;
  std::unordered_map<std::string, size_t> index;
  std::unique_ptr<InferNode> element;

  InferNode* Field(std::string_view key) {
    auto it = index.find(std::string(key));
    if (it != index.end()) return fields[it->second].second.get();
    index.emplace(std::string(key), fields.size());
    fields.emplace_back(std::string(key), std::make_unique<InferNode>());
    return fields.back().second.get();
  }

  void Become(Tag t) {
    if (tag == kNull) {
      tag = t;
    } else if (tag != t) {
      tag = kMixed;
    }
  }

  void Merge(dom::element v) {
    if (tag == kMixed) return;
    switch (v.type()) {
      case dom::element_type::NULL_VALUE: return;
      case dom::element_type::BOOL: Become(kBool); return;
      case dom::element_type::INT64:
        if (tag == kFloat) return;
        Become(kInt);
        return;
      case dom::element_type::UINT64:  // beyond int64
      case dom::element_type::DOUBLE:
        if (tag == kInt) tag = kFloat;
        Become(kFloat);
        return;
      case dom::element_type::STRING: {
        Become(kString);
        if (tag != kString) return;
        std::string_view s;
        if (v.get(s) != simdjson::SUCCESS) return;
        Kind k = Kind::kString;
        int64_t ticks;
        switch (internal::ParseTimestamp(s.data(), s.size(), TimeUnit::kMicro, &ticks)) {
          case internal::TimestampForm::kNaive:
            k = s.size() == 10 ? Kind::kDate : Kind::kTimestamp;
            break;
          case internal::TimestampForm::kWithOffset: k = Kind::kTimestampTz; break;
          case internal::TimestampForm::kInvalid: break;
        }
        string_kind = internal::JoinKinds(string_kind, k);
        return;
      }
      case dom::element_type::OBJECT: {
        Become(kStruct);
        if (tag != kStruct) return;
        dom::object obj;
        if (v.get(obj) != simdjson::SUCCESS) return;
        for (auto [key, value] : obj) Field(key)->Merge(value);
        return;
      }
      case dom::element_type::ARRAY: {
        Become(kList);
        if (tag != kList) return;
        if (!element) element = std::make_unique<InferNode>();
        dom::array arr;
        if (v.get(arr) != simdjson::SUCCESS) return;
        for (dom::element e : arr) element->Merge(e);
        return;
      }
    }
  }

  FieldPtr ToField(const std::string& name) const {
    switch (tag) {
      case kBool: return columnar::field(name, columnar::boolean());
      case kInt: return columnar::field(name, columnar::int64());
      case kFloat: return columnar::field(name, columnar::float64());
      case kString:
        return columnar::field(name, internal::KindType(string_kind == Kind::kNull
                                                            ? Kind::kString
                                                            : string_kind));
      case kStruct: {
        columnar::FieldVector children;
        for (const auto& [key, node] : fields) children.push_back(node->ToField(key));
        return columnar::field(name, columnar::struct_(std::move(children)));
      }
      case kList: {
        InferNode empty;
        const InferNode& e = element ? *element : empty;
        return columnar::field(name, columnar::list(e.ToField("item")));
      }
      case kMixed:
        return columnar::field(name, columnar::utf8(), true,
                               columnar::KeyValueMetadata::Make(
                                   {{kExtensionNameKey, kJsonExtensionName}}));
      case kNull: break;
    }
    return columnar::field(name, columnar::utf8());
  }
};

// --- Conversion plans -------------------------------------------------------

enum class Op : uint8_t {
  kNull,
  kBool,
  kInt,
  kUInt,
  kFloat32,
  kFloat64,
  kDecimal,
  kDate32,
  kDate64,
  kTime32,
  kTime64,
  kTimestamp,
  kString,
  kJsonText,
  kBinary,
  kList,
  kLargeList,
  kStruct,
};

struct Plan {
  Op op = Op::kNull;
  TypePtr type;
  bool nullable = true;
  int64_t min = 0;   // kInt
  uint64_t max = 0;  // kInt, kUInt
  std::vector<std::string> names;  // kStruct
  std::unordered_map<std::string_view, int> index;
  std::vector<std::unique_ptr<Plan>> children;
};

Result<std::unique_ptr<Plan>> MakePlan(const columnar::Field& field) {
  auto p = std::make_unique<Plan>();
  const DataType& t = *field.type();
  p->type = field.type();
  p->nullable = field.nullable();
  switch (t.id()) {
    case TypeId::kNull: p->op = Op::kNull; break;
    case TypeId::kBool: p->op = Op::kBool; break;
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      p->op = Op::kInt;
      const int bits = t.bit_width();
      p->min = bits == 64 ? std::numeric_limits<int64_t>::min() : -(int64_t(1) << (bits - 1));
      p->max = bits == 64 ? uint64_t(std::numeric_limits<int64_t>::max())
                          : (uint64_t(1) << (bits - 1)) - 1;
      break;
    }
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64: {
      p->op = Op::kUInt;
      const int bits = t.bit_width();
      p->max = bits == 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
      break;
    }
    case TypeId::kFloat32: p->op = Op::kFloat32; break;
    case TypeId::kFloat64: p->op = Op::kFloat64; break;
    case TypeId::kDecimal128:
    case TypeId::kDecimal256: p->op = Op::kDecimal; break;
    case TypeId::kDate32: p->op = Op::kDate32; break;
    case TypeId::kDate64: p->op = Op::kDate64; break;
    case TypeId::kTime32: p->op = Op::kTime32; break;
    case TypeId::kTime64: p->op = Op::kTime64; break;
    case TypeId::kTimestamp: p->op = Op::kTimestamp; break;
    case TypeId::kString:
    case TypeId::kLargeString: p->op = IsJsonField(field) ? Op::kJsonText : Op::kString; break;
    case TypeId::kBinary:
    case TypeId::kLargeBinary: p->op = Op::kBinary; break;
    case TypeId::kList:
    case TypeId::kLargeList: {
      p->op = t.id() == TypeId::kList ? Op::kList : Op::kLargeList;
      QUIRE_ASSIGN_OR_RETURN(auto child, MakePlan(*t.value_field()));
      p->children.push_back(std::move(child));
      break;
    }
    case TypeId::kStruct: {
      p->op = Op::kStruct;
      for (const auto& f : t.fields()) {
        QUIRE_ASSIGN_OR_RETURN(auto child, MakePlan(*f));
        p->names.push_back(f->name());
        p->children.push_back(std::move(child));
      }
      for (size_t i = 0; i < p->names.size(); ++i) p->index.emplace(p->names[i], int(i));
      break;
    }
    default:
      return Status::Unsupported(
          "field '{}': JSON Lines columns of type {} are not supported", field.name(),
          t.ToString());
  }
  return p;
}

// The field index of `key` in a struct plan, or -1. Keys mostly come in schema
// order, so the field after the previous key (`hint`) is tried before the hash map.
int FindKey(const Plan& p, std::string_view key, size_t* hint) {
  int k;
  if (*hint < p.names.size() && p.names[*hint] == key) {
    k = int(*hint);
  } else {
    auto it = p.index.find(key);
    if (it == p.index.end()) return -1;
    k = it->second;
  }
  *hint = size_t(k) + 1;
  return k;
}

bool ParseHex(std::string_view s, std::string* out) {
  if (s.size() < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || s.size() % 2 != 0) {
    return false;
  }
  out->clear();
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 2; i < s.size(); i += 2) {
    const int hi = nibble(s[i]), lo = nibble(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(char(hi << 4 | lo));
  }
  return true;
}

// Decimal bytes (16 or 32) from a JSON string or number. Numbers go through their
// shortest round-trip digits in fixed notation (0.1 is "0.1", 1e21 is
// "1000000000000000000000"), so that a double reads as the decimal it was written as.
bool DecimalFromJson(dom::element v, const DataType& type, uint8_t* out) {
  char buf[512];
  std::string_view s;
  int64_t i;
  uint64_t u;
  double d;
  if (v.get(s) == simdjson::SUCCESS) {
  } else if (v.get(i) == simdjson::SUCCESS) {
    s = {buf, size_t(std::to_chars(buf, buf + sizeof(buf), i).ptr - buf)};
  } else if (v.get(u) == simdjson::SUCCESS) {
    s = {buf, size_t(std::to_chars(buf, buf + sizeof(buf), u).ptr - buf)};
  } else if (v.get(d) == simdjson::SUCCESS) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
    if (ec != std::errc()) return false;
    s = {buf, size_t(end - buf)};
  } else {
    return false;
  }
  if (type.id() == TypeId::kDecimal128) {
    __int128 value;
    if (!internal::ParseDecimal128(s.data(), s.size(), type.precision(), type.scale(), &value)) {
      return false;
    }
    std::memcpy(out, &value, 16);
    return true;
  }
  return columnar::DecimalFromString(s, type.precision(), type.scale(), 32, out).ok();
}

// Check `v` against `p` and, when `b` is given, append it (the check has passed
// before). On failure set `why` and push the key path (innermost first).
bool Put(dom::element v, const Plan& p, ArrayBuilder* b, std::string* why,
         std::vector<std::string>* path, std::string* scratch) {
  if (v.is_null()) {
    if (!p.nullable) {
      *why = "null in a non-nullable field";
      return false;
    }
    if (b) (void)b->AppendNull();
    return true;
  }
  auto not_fit = [&] {
    *why = fmt::format("{} does not fit {}", JsonText(v), p.type->ToString());
    return false;
  };
  switch (p.op) {
    case Op::kNull: return not_fit();
    case Op::kBool: {
      bool x;
      if (v.get(x) != simdjson::SUCCESS) return not_fit();
      if (b) (void)static_cast<columnar::BooleanBuilder*>(b)->Append(x);
      return true;
    }
    case Op::kInt: {
      int64_t x;
      if (v.get(x) != simdjson::SUCCESS || x < p.min || x > int64_t(p.max)) return not_fit();
      if (b) {
        switch (p.type->id()) {
          case TypeId::kInt8: (void)static_cast<columnar::Int8Builder*>(b)->Append(int8_t(x)); break;
          case TypeId::kInt16: (void)static_cast<columnar::Int16Builder*>(b)->Append(int16_t(x)); break;
          case TypeId::kInt32: (void)static_cast<columnar::Int32Builder*>(b)->Append(int32_t(x)); break;
          default: (void)static_cast<columnar::Int64Builder*>(b)->Append(x); break;
        }
      }
      return true;
    }
    case Op::kUInt: {
      uint64_t x;
      if (v.get(x) != simdjson::SUCCESS || x > p.max) return not_fit();
      if (b) {
        switch (p.type->id()) {
          case TypeId::kUInt8: (void)static_cast<columnar::UInt8Builder*>(b)->Append(uint8_t(x)); break;
          case TypeId::kUInt16: (void)static_cast<columnar::UInt16Builder*>(b)->Append(uint16_t(x)); break;
          case TypeId::kUInt32: (void)static_cast<columnar::UInt32Builder*>(b)->Append(uint32_t(x)); break;
          default: (void)static_cast<columnar::UInt64Builder*>(b)->Append(x); break;
        }
      }
      return true;
    }
    case Op::kFloat32:
    case Op::kFloat64: {
      double x;
      int64_t i;
      uint64_t u;
      std::string_view s;
      if (v.get(x) == simdjson::SUCCESS) {
      } else if (v.get(i) == simdjson::SUCCESS) {
        x = double(i);
      } else if (v.get(u) == simdjson::SUCCESS) {
        x = double(u);
      } else if (v.get(s) == simdjson::SUCCESS &&
                 (s == "NaN" || s == "Infinity" || s == "-Infinity")) {
        x = s == "NaN" ? std::numeric_limits<double>::quiet_NaN()
                       : (s[0] == '-' ? -1.0 : 1.0) * std::numeric_limits<double>::infinity();
      } else {
        return not_fit();
      }
      if (b) {
        if (p.op == Op::kFloat32) {
          (void)static_cast<columnar::FloatBuilder*>(b)->Append(float(x));
        } else {
          (void)static_cast<columnar::DoubleBuilder*>(b)->Append(x);
        }
      }
      return true;
    }
    case Op::kDecimal: {
      uint8_t bytes[32];
      if (!DecimalFromJson(v, *p.type, bytes)) return not_fit();
      if (b) {
        (void)static_cast<columnar::FixedSizeBinaryBuilder*>(b)->Append(
            std::string_view(reinterpret_cast<const char*>(bytes), size_t(p.type->byte_width())));
      }
      return true;
    }
    case Op::kDate32:
    case Op::kDate64: {
      std::string_view s;
      int64_t days;
      if (v.get(s) != simdjson::SUCCESS || !internal::ParseDate(s.data(), s.size(), &days)) {
        return not_fit();
      }
      if (b) {
        if (p.op == Op::kDate32) {
          (void)static_cast<columnar::Int32Builder*>(b)->Append(int32_t(days));
        } else {
          (void)static_cast<columnar::Int64Builder*>(b)->Append(days * 86400000);
        }
      }
      return true;
    }
    case Op::kTime32:
    case Op::kTime64: {
      std::string_view s;
      int64_t t;
      if (v.get(s) != simdjson::SUCCESS ||
          !internal::ParseTimeOfDay(s.data(), s.size(), p.type->unit(), &t)) {
        return not_fit();
      }
      if (b) {
        if (p.op == Op::kTime32) {
          (void)static_cast<columnar::Int32Builder*>(b)->Append(int32_t(t));
        } else {
          (void)static_cast<columnar::Int64Builder*>(b)->Append(t);
        }
      }
      return true;
    }
    case Op::kTimestamp: {
      std::string_view s;
      int64_t t;
      if (v.get(s) != simdjson::SUCCESS) return not_fit();
      const auto form = internal::ParseTimestamp(s.data(), s.size(), p.type->unit(), &t);
      if (form == internal::TimestampForm::kInvalid ||
          (form == internal::TimestampForm::kWithOffset && p.type->timezone().empty())) {
        return not_fit();
      }
      if (b) (void)static_cast<columnar::Int64Builder*>(b)->Append(t);
      return true;
    }
    case Op::kString: {
      std::string_view s;
      if (v.get(s) != simdjson::SUCCESS) return not_fit();
      if (b) {
        if (p.type->id() == TypeId::kString) {
          (void)static_cast<columnar::StringBuilder*>(b)->Append(s);
        } else {
          (void)static_cast<columnar::LargeStringBuilder*>(b)->Append(s);
        }
      }
      return true;
    }
    case Op::kJsonText: {
      if (b) {
        const std::string text = simdjson::minify(v);
        if (p.type->id() == TypeId::kString) {
          (void)static_cast<columnar::StringBuilder*>(b)->Append(text);
        } else {
          (void)static_cast<columnar::LargeStringBuilder*>(b)->Append(text);
        }
      }
      return true;
    }
    case Op::kBinary: {
      std::string_view s;
      if (v.get(s) != simdjson::SUCCESS || !ParseHex(s, scratch)) return not_fit();
      if (b) {
        if (p.type->id() == TypeId::kBinary) {
          (void)static_cast<columnar::BinaryBuilder*>(b)->Append(*scratch);
        } else {
          (void)static_cast<columnar::LargeBinaryBuilder*>(b)->Append(*scratch);
        }
      }
      return true;
    }
    case Op::kList:
    case Op::kLargeList: {
      dom::array arr;
      if (v.get(arr) != simdjson::SUCCESS) return not_fit();
      ArrayBuilder* child = nullptr;
      if (b) {
        if (p.op == Op::kList) {
          auto* lb = static_cast<columnar::ListBuilder*>(b);
          (void)lb->Append(true);
          child = lb->value_builder();
        } else {
          auto* lb = static_cast<columnar::LargeListBuilder*>(b);
          (void)lb->Append(true);
          child = lb->value_builder();
        }
      }
      size_t k = 0;
      for (dom::element e : arr) {
        if (!Put(e, *p.children[0], child, why, path, scratch)) {
          path->push_back(fmt::format("[{}]", k));
          return false;
        }
        ++k;
      }
      return true;
    }
    case Op::kStruct: {
      dom::object obj;
      if (v.get(obj) != simdjson::SUCCESS) return not_fit();
      const size_t n = p.children.size();
      std::vector<dom::element> slots(n);
      std::vector<uint8_t> present(n, 0);
      size_t hint = 0;
      for (auto [key, value] : obj) {
        const int k = FindKey(p, key, &hint);
        if (k < 0) {
          *why = fmt::format("unknown key '{}'", Excerpt(key));
          return false;
        }
        slots[size_t(k)] = value;
        present[size_t(k)] = 1;
      }
      auto* sb = static_cast<columnar::StructBuilder*>(b);
      for (size_t i = 0; i < n; ++i) {
        if (!present[i] && !p.children[i]->nullable) {
          *why = "missing key of a non-nullable field";
          path->push_back(p.names[i]);
          return false;
        }
      }
      if (sb) (void)sb->Append(true);
      for (size_t i = 0; i < n; ++i) {
        ArrayBuilder* child = sb ? sb->field_builder(int(i)) : nullptr;
        if (!present[i]) {
          if (child) (void)child->AppendNull();
          continue;
        }
        if (!Put(slots[i], *p.children[i], child, why, path, scratch)) {
          path->push_back(p.names[i]);
          return false;
        }
      }
      return true;
    }
  }
  return not_fit();
}

std::string PathText(const std::vector<std::string>& reversed) {
  std::string out;
  for (size_t i = reversed.size(); i-- > 0;) {
    if (!out.empty() && reversed[i][0] != '[') out += '.';
    out += reversed[i];
  }
  return out;
}

struct LineIssue {
  size_t begin;  // line start, relative to the chunk
  size_t end;    // one past its line end
  std::string reason;
};

struct ChunkResult {
  std::vector<columnar::RecordBatchPtr> batches;
  std::vector<LineIssue> rejects;
  std::optional<LineIssue> error;
  Status status;
  size_t newlines = 0;
};

struct Shared {
  columnar::SchemaPtr schema;
  std::unique_ptr<Plan> row;  // a struct plan over the columns
  int64_t batch_rows = 0;
  bool collect_rejects = false;
  columnar::MemoryPool* pool = nullptr;
};

bool IsBlank(const char* s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return false;
  }
  return true;
}

class ChunkParser {
 public:
  explicit ChunkParser(const Shared* shared) : shared_(shared) {}

  void Parse(const char* data, size_t size, ChunkResult* result) {
    result->newlines = internal::CountByte(data, size, '\n');
    result->status = ParseImpl(data, size, result);
  }

 private:
  Status MakeBuilders() {
    builders_.clear();
    for (const auto& f : shared_->schema->fields()) {
      QUIRE_ASSIGN_OR_RETURN(auto b, columnar::MakeBuilder(f->type(), shared_->pool));
      builders_.push_back(std::move(b));
    }
    return Status::OK();
  }

  Status Flush(ChunkResult* result) {
    if (rows_ == 0) return Status::OK();
    columnar::ArrayVector columns;
    for (auto& b : builders_) {
      QUIRE_ASSIGN_OR_RETURN(auto array, b->Finish());
      columns.push_back(std::move(array));
    }
    result->batches.push_back(
        std::make_shared<columnar::RecordBatch>(shared_->schema, rows_, std::move(columns)));
    rows_ = 0;
    return Status::OK();
  }

  // Check a row, then append it; false with `why` if it is malformed.
  bool PutRow(dom::element v, std::string* why) {
    const Plan& row = *shared_->row;
    dom::object obj;
    if (v.get(obj) != simdjson::SUCCESS) {
      *why = fmt::format("expected a JSON object, found {}", JsonText(v));
      return false;
    }
    path_.clear();
    const size_t n = row.children.size();
    slots_.assign(n, dom::element());
    present_.assign(n, 0);
    size_t hint = 0;
    for (auto [key, value] : obj) {
      const int k = FindKey(row, key, &hint);
      if (k < 0) {
        *why = fmt::format("key '{}' is not a column", Excerpt(key));
        return false;
      }
      slots_[size_t(k)] = value;
      present_[size_t(k)] = 1;
    }
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t i = 0; i < n; ++i) {
        ArrayBuilder* b = pass == 1 ? builders_[i].get() : nullptr;
        if (!present_[i]) {
          if (!row.children[i]->nullable) {
            *why = fmt::format("key '{}': missing in a non-nullable column", row.names[i]);
            return false;
          }
          if (b) (void)b->AppendNull();
          continue;
        }
        if (!Put(slots_[i], *row.children[i], b, why, &path_, &scratch_)) {
          path_.push_back(row.names[i]);
          *why = fmt::format("key '{}': {}", PathText(path_), *why);
          return false;
        }
      }
    }
    return true;
  }

  Status ParseImpl(const char* data, size_t size, ChunkResult* result) {
    if (builders_.empty() && shared_->schema->num_fields() > 0) QUIRE_RETURN_NOT_OK(MakeBuilders());
    rows_ = 0;
    size_t pos = 0;
    std::string why;
    while (pos < size) {
      const void* nl = std::memchr(data + pos, '\n', size - pos);
      const size_t end = nl ? size_t(static_cast<const char*>(nl) - data) + 1 : size;
      const char* line = data + pos;
      const size_t len = end - pos;
      const size_t begin = pos;
      pos = end;
      if (IsBlank(line, len)) continue;
      dom::element doc;
      const auto error = parser_.parse(reinterpret_cast<const uint8_t*>(line), len, false).get(doc);
      bool ok;
      if (error != simdjson::SUCCESS) {
        why = fmt::format("invalid JSON: {}", simdjson::error_message(error));
        ok = false;
      } else {
        ok = PutRow(doc, &why);
      }
      if (!ok) {
        if (!shared_->collect_rejects) {
          result->error = LineIssue{begin, end, why};
          return Flush(result);
        }
        result->rejects.push_back({begin, end, why});
        continue;
      }
      if (++rows_ >= shared_->batch_rows) QUIRE_RETURN_NOT_OK(Flush(result));
    }
    return Flush(result);
  }

  const Shared* shared_;
  dom::parser parser_;
  std::vector<std::unique_ptr<ArrayBuilder>> builders_;
  int64_t rows_ = 0;
  std::vector<dom::element> slots_;
  std::vector<uint8_t> present_;
  std::vector<std::string> path_;
  std::string scratch_;
};

}  // namespace

class JsonlReader::Impl {
 public:
  Impl(std::unique_ptr<io::InputStream> input, JsonlReadOptions options)
      : input_(std::move(input)), options_(std::move(options)) {}

  ~Impl() {
    queue_.Wait();
    for (auto& f : pending_) {
      if (f.valid()) f.wait();
    }
  }

  Status Open();
  Result<columnar::RecordBatchPtr> Next();
  columnar::SchemaPtr schema() const { return shared_.schema; }
  int64_t rows_read() const { return queue_.rows_read(); }
  int64_t rows_rejected() const { return rows_rejected_; }
  int64_t bytes_read() const { return bytes_consumed_.load(); }

 private:
  const char* buf() const { return buffer_.data(); }

  Status Fill() {
    if (eof_) return Status::OK();
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    const size_t block = size_t(options_.block_size);
    const size_t need = end_ + block + kPadding;
    if (buffer_.size() < need) buffer_.resize(std::max(need, buffer_.size() * 2));
    size_t got = 0;
    while (got < block) {
      QUIRE_ASSIGN_OR_RETURN(
          int64_t n, input_->Read({reinterpret_cast<uint8_t*>(buffer_.data() + end_),
                                   block - got}));
      if (n == 0) {
        eof_ = true;
        break;
      }
      end_ += size_t(n);
      got += size_t(n);
    }
    std::memset(buffer_.data() + end_, 0, kPadding);
    return Status::OK();
  }

  // End of the last whole line in [begin_, end_) relative to begin_ (all at EOF).
  size_t RegionEnd() const {
    const size_t n = end_ - begin_;
    if (eof_) return n;
    const void* nl = memrchr(buf() + begin_, '\n', n);
    return nl ? size_t(static_cast<const char*>(nl) - (buf() + begin_)) + 1 : 0;
  }

  Status Infer();
  Status ParseNextBlock();
  Status Emit(const char* chunk, ChunkResult* result, int64_t first_line);

  // The batches of one block, or the error that ended it.
  internal::TextBlock Produce();

  std::unique_ptr<io::InputStream> input_;
  JsonlReadOptions options_;
  Shared shared_;
  std::vector<char> buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool done_ = false;      // producer: the input is used up
  int64_t next_line_ = 1;
  std::vector<std::unique_ptr<ChunkParser>> parsers_;
  std::vector<ChunkResult> results_;
  std::vector<std::future<void>> pending_;
  std::unique_ptr<util::ThreadPool> own_pool_;
  util::ThreadPool* pool_ = nullptr;
  // Consumer side: with more than one thread, the next block is parsed by a
  // producer task while the consumer works on the batches of the current one.
  bool prefetch_ = false;
  internal::BlockQueue queue_{[this] { return Produce(); }};
  // Producer side, read by the accessors.
  std::vector<columnar::RecordBatchPtr>* out_ = nullptr;  // batches of the block being made
  std::atomic<int64_t> rows_rejected_{0};
  std::atomic<int64_t> bytes_consumed_{0};
};

Status JsonlReader::Impl::Open() {
  const auto& o = options_;
  if (o.batch_rows <= 0 || o.block_size <= 0 || o.num_threads <= 0 || o.infer_rows < 0) {
    return Status::Invalid(
        "{}: batch_rows, block_size and num_threads must be positive, infer_rows not negative",
        input_->path());
  }
  if (!o.schema && o.infer_rows == 0) {
    return Status::Invalid("{}: infer_rows must be positive without a schema", input_->path());
  }
  QUIRE_RETURN_NOT_OK(Fill());
  if (end_ >= 3 && std::memcmp(buf(), "\xEF\xBB\xBF", 3) == 0) begin_ = 3;
  if (o.schema) {
    shared_.schema = o.schema;
  } else {
    QUIRE_RETURN_NOT_OK(Infer());
  }
  auto row = std::make_unique<Plan>();
  row->op = Op::kStruct;
  for (const auto& f : shared_.schema->fields()) {
    auto child = MakePlan(*f);
    if (!child.ok()) return child.status().WithContext(input_->path());
    row->names.push_back(f->name());
    row->children.push_back(std::move(*child));
  }
  for (size_t i = 0; i < row->names.size(); ++i) row->index.emplace(row->names[i], int(i));
  shared_.row = std::move(row);
  shared_.batch_rows = o.batch_rows;
  shared_.collect_rejects = o.rejects != nullptr;
  shared_.pool = o.memory_pool;
  if (o.num_threads > 1) {
    pool_ = o.thread_pool;
    if (pool_ == nullptr) {
      own_pool_ = std::make_unique<util::ThreadPool>(o.num_threads - 1);
      pool_ = own_pool_.get();
    }
    prefetch_ = true;
  }
  bytes_consumed_ = input_->position() - int64_t(end_ - begin_);
  if (prefetch_ && shared_.schema->num_fields() > 0) queue_.StartPrefetch();
  return Status::OK();
}

Status JsonlReader::Impl::Infer() {
  InferNode root;
  root.tag = InferNode::kStruct;
  dom::parser parser;
  int64_t sampled = 0;
  size_t scan = 0;  // relative to begin_
  while (sampled < options_.infer_rows) {
    const size_t region = RegionEnd();
    while (scan < region && sampled < options_.infer_rows) {
      const char* line = buf() + begin_ + scan;
      const void* nl = std::memchr(line, '\n', region - scan);
      const size_t len = nl ? size_t(static_cast<const char*>(nl) - line) + 1 : region - scan;
      scan += len;
      if (IsBlank(line, len)) continue;
      dom::element doc;
      if (parser.parse(reinterpret_cast<const uint8_t*>(line), len, false).get(doc) !=
              simdjson::SUCCESS ||
          !doc.is_object()) {
        continue;  // reported when the line is parsed for real
      }
      root.Merge(doc);
      ++sampled;
    }
    if (eof_) break;
    QUIRE_RETURN_NOT_OK(Fill());
  }
  columnar::FieldVector fields;
  for (const auto& [key, node] : root.fields) fields.push_back(node->ToField(key));
  shared_.schema = columnar::schema(std::move(fields));
  return Status::OK();
}

Status JsonlReader::Impl::Emit(const char* chunk, ChunkResult* result, int64_t first_line) {
  if (!result->status.ok()) return result->status.WithContext(input_->path());
  for (auto& b : result->batches) out_->push_back(std::move(b));
  size_t counted_to = 0;
  int64_t line = first_line;
  auto line_of = [&](size_t offset) {
    line += int64_t(internal::CountByte(chunk + counted_to, offset - counted_to, '\n'));
    counted_to = offset;
    return line;
  };
  for (const auto& r : result->rejects) {
    const int64_t at = line_of(r.begin);
    if (options_.reject_reasons) {
      QUIRE_RETURN_NOT_OK(
          options_.rejects->Write(fmt::format("# {}:{}: {}\n", input_->path(), at, r.reason)));
    }
    QUIRE_RETURN_NOT_OK(options_.rejects->Write(std::string_view(chunk + r.begin, r.end - r.begin)));
    if (r.end == r.begin || chunk[r.end - 1] != '\n') {
      QUIRE_RETURN_NOT_OK(options_.rejects->Write(std::string_view("\n")));
    }
    ++rows_rejected_;
  }
  if (result->error) {
    return Status::Corrupt("{}:{}: {}", input_->path(), line_of(result->error->begin),
                           result->error->reason);
  }
  return Status::OK();
}

Status JsonlReader::Impl::ParseNextBlock() {
  size_t region = 0;
  while (true) {
    if (begin_ == end_ && eof_) {
      done_ = true;
      return Status::OK();
    }
    QUIRE_RETURN_NOT_OK(Fill());
    region = RegionEnd();
    if (region > 0) break;
    if (eof_) {
      done_ = true;
      return Status::OK();
    }
  }
  const char* base = buf() + begin_;
  std::vector<size_t> cuts = {0};
  constexpr size_t kMinChunk = 256 * 1024;
  const int threads = options_.num_threads;
  if (threads > 1 && region >= 2 * kMinChunk) {
    const int n = int(std::min<size_t>(size_t(threads), region / kMinChunk));
    for (int k = 1; k < n; ++k) {
      const size_t target = region * size_t(k) / size_t(n);
      if (target <= cuts.back()) continue;
      const void* nl = std::memchr(base + target, '\n', region - target);
      if (!nl) break;
      const size_t e = size_t(static_cast<const char*>(nl) - base) + 1;
      if (e >= region) break;
      cuts.push_back(e);
    }
  }
  cuts.push_back(region);
  const size_t nchunks = cuts.size() - 1;
  while (parsers_.size() < nchunks) parsers_.push_back(std::make_unique<ChunkParser>(&shared_));
  results_.clear();
  results_.resize(nchunks);
  pending_.clear();
  for (size_t k = 1; k < nchunks; ++k) {
    ChunkParser* parser = parsers_[k].get();
    ChunkResult* result = &results_[k];
    const char* data = base + cuts[k];
    const size_t len = cuts[k + 1] - cuts[k];
    pending_.push_back(pool_->Submit([parser, result, data, len] { parser->Parse(data, len, result); }));
  }
  parsers_[0]->Parse(base, cuts[1], &results_[0]);
  for (auto& f : pending_) f.wait();
  pending_.clear();
  int64_t line = next_line_;
  Status st;
  for (size_t k = 0; k < nchunks && st.ok(); ++k) {
    st = Emit(base + cuts[k], &results_[k], line);
    line += int64_t(results_[k].newlines);
  }
  next_line_ = line;
  begin_ += region;
  return st;
}

internal::TextBlock JsonlReader::Impl::Produce() {
  internal::TextBlock block;
  out_ = &block.batches;
  block.status = ParseNextBlock();
  out_ = nullptr;
  block.end = done_;
  bytes_consumed_ = input_->position() - int64_t(end_ - begin_);
  return block;
}

Result<columnar::RecordBatchPtr> JsonlReader::Impl::Next() {
  if (shared_.schema->num_fields() == 0) return columnar::RecordBatchPtr(nullptr);
  return queue_.Next();
}

JsonlReader::JsonlReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonlReader::~JsonlReader() = default;

Result<std::unique_ptr<JsonlReader>> JsonlReader::Open(std::unique_ptr<io::InputStream> input,
                                                       JsonlReadOptions options) {
  if (!input) return Status::Invalid("JsonlReader::Open: no input");
  auto impl = std::make_unique<Impl>(std::move(input), std::move(options));
  QUIRE_RETURN_NOT_OK(impl->Open());
  return std::unique_ptr<JsonlReader>(new JsonlReader(std::move(impl)));
}

columnar::SchemaPtr JsonlReader::schema() const { return impl_->schema(); }
Result<columnar::RecordBatchPtr> JsonlReader::Next() { return impl_->Next(); }
int64_t JsonlReader::rows_read() const { return impl_->rows_read(); }
int64_t JsonlReader::rows_rejected() const { return impl_->rows_rejected(); }
int64_t JsonlReader::bytes_read() const { return impl_->bytes_read(); }

}  // namespace quire::text
