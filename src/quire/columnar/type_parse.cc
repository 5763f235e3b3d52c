/// \file quire/columnar/type_parse.cc
#include "quire/columnar/type_parse.h"

#include <cctype>
#include <charconv>
#include <string>

#include "quire/util/macros.h"

namespace quire::columnar {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Recursive descent over the grammar of DataType::ToString(). Errors carry the
// position of the first character that does not fit.
class TypeParser {
 public:
  TypeParser(std::string_view text, std::string_view what) : text_(text), what_(what) {}

  Result<SchemaPtr> ParseSchemaAll() {
    FieldVector fields;
    while (true) {
      // Separators, blank lines and comments.
      while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
          ++pos_;
        } else if (c == '#') {
          while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
        } else {
          break;
        }
      }
      if (pos_ >= text_.size()) break;
      const size_t at = pos_;
      QUIRE_ASSIGN_OR_RETURN(FieldPtr f, ParseField());
      for (const auto& other : fields) {
        if (other->name() == f->name()) {
          pos_ = at;
          return Error("field '{}' appears twice", f->name());
        }
      }
      fields.push_back(std::move(f));
      SkipSpacesInLine();
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
          text_[pos_] != '\r' && text_[pos_] != '#') {
        return Error("expected ',' or a line end after a field");
      }
    }
    return schema(std::move(fields));
  }

  Result<TypePtr> ParseAll() {
    QUIRE_ASSIGN_OR_RETURN(TypePtr type, ParseType());
    SkipSpaces();
    if (pos_ != text_.size()) return Error("unexpected text after the type");
    return type;
  }

 private:
  template <typename... Args>
  Status Error(fmt::format_string<Args...> format, Args&&... args) const {
    return Status::Invalid("cannot parse {} '{}': at position {}: {}", what_, text_, pos_,
                           fmt::format(format, std::forward<Args>(args)...));
  }

  void SkipSpacesInLine() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  void SkipSpaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }
  // Whether `c` comes next (after spaces); the spaces are consumed only if so, so
  // that a look-ahead never runs past a line end between fields of a schema.
  bool Peek(char c) {
    const size_t at = pos_;
    SkipSpaces();
    if (pos_ < text_.size() && text_[pos_] == c) return true;
    pos_ = at;
    return false;
  }
  bool Accept(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  Status Expect(char c) {
    if (Accept(c)) return Status::OK();
    return Error("expected '{}'", c);
  }
  // A keyword: letters, digits and '_'.
  std::string_view Word() {
    SkipSpaces();
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }
  Result<int32_t> Integer() {
    SkipSpaces();
    int32_t value = 0;
    const char* begin = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    if (begin < end && *begin == '+') ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr == begin) return Error("expected an integer");
    pos_ = size_t(ptr - text_.data());
    return value;
  }
  Result<TimeUnit> Unit() {
    const size_t at = pos_;
    std::string_view w = Word();
    if (w == "s") return TimeUnit::kSecond;
    if (w == "ms") return TimeUnit::kMilli;
    if (w == "us") return TimeUnit::kMicro;
    if (w == "ns") return TimeUnit::kNano;
    pos_ = at;
    return Error("expected a time unit (s, ms, us or ns)");
  }
  Status Check(TypeId id, const TypeParams& params, size_t at) {
    Status st = DataType::CheckParams(id, params);
    if (st.ok()) return st;
    pos_ = at;
    return Error("{}", st.message());
  }

  // "name: type" with an optional " not null". The name runs to the first ':'.
  Result<FieldPtr> ParseField() {
    SkipSpaces();
    const size_t start = pos_;
    const size_t colon = text_.find(':', pos_);
    const size_t line_end = text_.find('\n', pos_);
    if (colon == std::string_view::npos || colon > line_end) {
      return Error("expected 'name: type'");
    }
    std::string name(text_.substr(start, colon - start));
    while (!name.empty() && name.back() == ' ') name.pop_back();
    pos_ = colon + 1;
    QUIRE_ASSIGN_OR_RETURN(TypePtr type, ParseType());
    bool nullable = true;
    const size_t at = pos_;
    SkipSpacesInLine();  // "not null" is on the field's line
    if (IEquals(Word(), "not")) {
      if (!IEquals(Word(), "null")) return Error("expected 'null' after 'not'");
      nullable = false;
    } else {
      pos_ = at;
    }
    return field(std::move(name), std::move(type), nullable);
  }

  Result<TypePtr> ParseDecimal(bool wide, bool alias) {
    const size_t at = pos_;
    int32_t precision = 0;
    int32_t scale = 0;
    if (alias && !Peek('(')) return Error("expected '(' and a precision");
    QUIRE_RETURN_NOT_OK(Expect('('));
    QUIRE_ASSIGN_OR_RETURN(precision, Integer());
    if (Accept(',')) {
      QUIRE_ASSIGN_OR_RETURN(scale, Integer());
    } else if (!alias) {
      return Error("expected ','");
    }
    QUIRE_RETURN_NOT_OK(Expect(')'));
    if (alias) wide = precision > 38;
    const TypeId id = wide ? TypeId::kDecimal256 : TypeId::kDecimal128;
    QUIRE_RETURN_NOT_OK(Check(id, {.precision = precision, .scale = scale}, at));
    return wide ? decimal256(precision, scale) : decimal128(precision, scale);
  }

  Result<TypePtr> ParseType() {
    SkipSpaces();
    const size_t start = pos_;
    const std::string_view w = Word();
    if (w.empty()) return Error("expected a type name");
    // Names printed by DataType::ToString(), matched exactly.
    if (w == "null") return null();
    if (w == "bool") return boolean();
    if (w == "int8") return int8();
    if (w == "int16") return int16();
    if (w == "int32") return int32();
    if (w == "int64") return int64();
    if (w == "uint8") return uint8();
    if (w == "uint16") return uint16();
    if (w == "uint32") return uint32();
    if (w == "uint64") return uint64();
    if (w == "halffloat") return float16();
    if (w == "float") return float32();
    if (w == "double") return float64();
    if (w == "decimal128") return ParseDecimal(false, false);
    if (w == "decimal256") return ParseDecimal(true, false);
    if (w == "date32" || w == "date64") {
      QUIRE_RETURN_NOT_OK(Expect('['));
      const size_t at = pos_;
      const std::string_view unit = Word();
      if (unit != (w == "date32" ? "day" : "ms")) {
        pos_ = at;
        return Error("expected '{}'", w == "date32" ? "day" : "ms");
      }
      QUIRE_RETURN_NOT_OK(Expect(']'));
      return w == "date32" ? date32() : date64();
    }
    if (w == "time32" || w == "time64" || w == "duration") {
      QUIRE_RETURN_NOT_OK(Expect('['));
      const size_t at = pos_;
      QUIRE_ASSIGN_OR_RETURN(TimeUnit unit, Unit());
      QUIRE_RETURN_NOT_OK(Expect(']'));
      if (w == "duration") return duration(unit);
      const TypeId id = w == "time32" ? TypeId::kTime32 : TypeId::kTime64;
      QUIRE_RETURN_NOT_OK(Check(id, {.unit = unit}, at));
      return w == "time32" ? time32(unit) : time64(unit);
    }
    if (w == "timestamp" && Peek('[')) {
      QUIRE_RETURN_NOT_OK(Expect('['));
      QUIRE_ASSIGN_OR_RETURN(TimeUnit unit, Unit());
      std::string tz;
      if (Accept(',')) {
        SkipSpaces();
        if (text_.substr(pos_, 3) != "tz=") return Error("expected 'tz='");
        pos_ += 3;
        const size_t close = text_.find(']', pos_);
        if (close == std::string_view::npos) return Error("expected ']'");
        tz = std::string(text_.substr(pos_, close - pos_));
        if (tz.empty()) return Error("expected a timezone");
        pos_ = close;
      }
      QUIRE_RETURN_NOT_OK(Expect(']'));
      return timestamp(unit, std::move(tz));
    }
    if (w == "month_day_nano_interval") return interval_month_day_nano();
    if (w == "binary") return binary();
    if (w == "string") return utf8();
    if (w == "large_binary") return large_binary();
    if (w == "large_string") return large_utf8();
    if (w == "binary_view") return binary_view();
    if (w == "string_view") return utf8_view();
    if (w == "fixed_size_binary") {
      QUIRE_RETURN_NOT_OK(Expect('['));
      const size_t at = pos_;
      QUIRE_ASSIGN_OR_RETURN(int32_t width, Integer());
      QUIRE_RETURN_NOT_OK(Check(TypeId::kFixedSizeBinary, {.width = width}, at));
      QUIRE_RETURN_NOT_OK(Expect(']'));
      return fixed_size_binary(width);
    }
    if (w == "list" || w == "large_list" || w == "fixed_size_list") {
      QUIRE_RETURN_NOT_OK(Expect('<'));
      QUIRE_ASSIGN_OR_RETURN(FieldPtr value, ParseField());
      QUIRE_RETURN_NOT_OK(Expect('>'));
      if (w == "list") return list(std::move(value));
      if (w == "large_list") return large_list(std::move(value));
      QUIRE_RETURN_NOT_OK(Expect('['));
      const size_t at = pos_;
      QUIRE_ASSIGN_OR_RETURN(int32_t size, Integer());
      QUIRE_RETURN_NOT_OK(
          Check(TypeId::kFixedSizeList, {.width = size, .fields = {value}}, at));
      QUIRE_RETURN_NOT_OK(Expect(']'));
      return fixed_size_list(std::move(value), size);
    }
    if (w == "struct") {
      QUIRE_RETURN_NOT_OK(Expect('<'));
      FieldVector fields;
      if (!Accept('>')) {
        do {
          QUIRE_ASSIGN_OR_RETURN(FieldPtr f, ParseField());
          fields.push_back(std::move(f));
        } while (Accept(','));
        QUIRE_RETURN_NOT_OK(Expect('>'));
      }
      return struct_(std::move(fields));
    }
    if (w == "map") {
      QUIRE_RETURN_NOT_OK(Expect('<'));
      QUIRE_ASSIGN_OR_RETURN(TypePtr key, ParseType());
      QUIRE_RETURN_NOT_OK(Expect(','));
      QUIRE_ASSIGN_OR_RETURN(TypePtr item, ParseType());
      bool sorted = false;
      if (Accept(',')) {
        const size_t at = pos_;
        if (Word() != "keys_sorted") {
          pos_ = at;
          return Error("expected 'keys_sorted'");
        }
        sorted = true;
      }
      QUIRE_RETURN_NOT_OK(Expect('>'));
      return map(std::move(key), std::move(item), sorted);
    }
    if (w == "dictionary") {
      QUIRE_RETURN_NOT_OK(Expect('<'));
      QUIRE_RETURN_NOT_OK(Keyword("values"));
      QUIRE_RETURN_NOT_OK(Expect('='));
      QUIRE_ASSIGN_OR_RETURN(TypePtr values, ParseType());
      QUIRE_RETURN_NOT_OK(Expect(','));
      QUIRE_RETURN_NOT_OK(Keyword("indices"));
      QUIRE_RETURN_NOT_OK(Expect('='));
      const size_t at = pos_;
      QUIRE_ASSIGN_OR_RETURN(TypePtr indices, ParseType());
      QUIRE_RETURN_NOT_OK(
          Check(TypeId::kDictionary, {.index_type = indices, .value_type = values}, at));
      bool ordered = false;
      if (Accept(',')) {
        QUIRE_RETURN_NOT_OK(Keyword("ordered"));
        QUIRE_RETURN_NOT_OK(Expect('='));
        QUIRE_ASSIGN_OR_RETURN(int32_t flag, Integer());
        ordered = flag != 0;
      }
      QUIRE_RETURN_NOT_OK(Expect('>'));
      return dictionary(std::move(indices), std::move(values), ordered);
    }
    // Aliases, case-insensitive.
    if (IEquals(w, "tinyint")) return int8();
    if (IEquals(w, "smallint")) return int16();
    if (IEquals(w, "int") || IEquals(w, "integer")) return int32();
    if (IEquals(w, "bigint") || IEquals(w, "long")) return int64();
    if (IEquals(w, "real") || IEquals(w, "float32")) return float32();
    if (IEquals(w, "float64") || IEquals(w, "double")) return float64();
    if (IEquals(w, "float") ) return float32();
    if (IEquals(w, "float16")) return float16();
    if (IEquals(w, "bool") || IEquals(w, "boolean")) return boolean();
    if (IEquals(w, "string") || IEquals(w, "utf8") || IEquals(w, "varchar") ||
        IEquals(w, "text")) {
      // varchar(n): the length limit is not part of the Arrow type.
      if (Accept('(')) {
        QUIRE_RETURN_NOT_OK(Integer().status());
        QUIRE_RETURN_NOT_OK(Expect(')'));
      }
      return utf8();
    }
    if (IEquals(w, "binary") || IEquals(w, "bytes") || IEquals(w, "blob")) return binary();
    if (IEquals(w, "date")) return date32();
    if (IEquals(w, "time")) return time64(TimeUnit::kMicro);
    if (IEquals(w, "timestamp") || IEquals(w, "datetime")) return timestamp(TimeUnit::kMicro);
    if (IEquals(w, "timestamptz")) return timestamp(TimeUnit::kMicro, "UTC");
    if (IEquals(w, "decimal") || IEquals(w, "numeric")) return ParseDecimal(false, true);
    if (IEquals(w, "null")) return null();
    pos_ = start;
    return Error("unknown type name '{}'", w);
  }

  Status Keyword(std::string_view expected) {
    const size_t at = pos_;
    if (Word() == expected) return Status::OK();
    pos_ = at;
    SkipSpaces();
    return Error("expected '{}'", expected);
  }

  std::string_view text_;
  std::string_view what_;  // "type" or "schema", for messages
  size_t pos_ = 0;
};

}  // namespace

Result<TypePtr> ParseType(std::string_view text) { return TypeParser(text, "type").ParseAll(); }

Result<SchemaPtr> ParseSchema(std::string_view text) {
  return TypeParser(text, "schema").ParseSchemaAll();
}

}  // namespace quire::columnar
