/// \file python/src/to_pandas.cc
/// \brief Arrow columns to NumPy arrays and Python objects: the C++ half of
/// quire._convert.to_pandas, which assembles pandas objects from what this returns.
///
/// Each column becomes a dict whose "kind" says how to wrap it:
///   numpy       {"values"}                      plain NumPy array (zero-copy when the
///                                               column is one chunk without nulls)
///   masked      {"values", "mask", "dtype"}     pandas nullable array (Int64, boolean...)
///   datetime    {"values", "tz"}                int64 nanoseconds (NaT for nulls)
///   timedelta   {"values"}                      int64 nanoseconds
///   categorical {"codes", "categories", "ordered"}
///   object      {"values"}                      NumPy object array of Python values
///   string      {"values"}                      the same, for pandas' string dtype

#include <pybind11/numpy.h>
#include <pybind11/stl.h>
// After pybind11, which includes Python.h first.
#include <datetime.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "pandas_internal.h"
#include "quire/columnar/array_internal.h"
#include "quire/columnar/builder.h"
#include "quire/columnar/decimal.h"
#include "quire/columnar/temporal.h"

namespace quire::python {
namespace {

using columnar::Array;
using columnar::ArrayPtr;
using columnar::ArrayVector;
using columnar::DataType;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;

struct ToPandasOptions {
  bool integer_nulls_as_float = false;  // else pandas nullable Int64...
  bool boolean_nulls_as_object = false;  // else pandas "boolean"
  bool strings_as_string_dtype = false;  // else object
  bool dates_as_datetime64 = false;      // else datetime.date objects
  bool timestamps_as_object = false;     // else datetime64[ns]
  bool decimals_as_float = false;        // else decimal.Decimal objects
  bool zero_copy = true;
};

int64_t TotalLength(const ArrayVector& chunks) {
  int64_t n = 0;
  for (const auto& c : chunks) n += c->length();
  return n;
}

bool AnyNulls(const ArrayVector& chunks) {
  for (const auto& c : chunks) {
    if (c->null_count() > 0) return true;
  }
  return false;
}

// A NumPy array viewing `count` values of type T at `data`, kept alive by `owner`.
template <typename T>
py::array ZeroCopy(const T* data, int64_t count, ArrayPtr owner) {
  auto* keep = new ArrayPtr(std::move(owner));
  py::capsule base(keep, [](void* p) { delete static_cast<ArrayPtr*>(p); });
  return py::array_t<T>({count}, {sizeof(T)}, data, base);
}

// Values of fixed-width chunks, copied into one array (nulls keep whatever bytes
// they hold; the mask says which they are).
template <typename T>
py::array_t<T> CopyValues(const ArrayVector& chunks) {
  py::array_t<T> out(TotalLength(chunks));
  T* dst = out.mutable_data();
  for (const auto& c : chunks) {
    const T* src = c->values<T>();
    if (c->length() > 0 && src != nullptr) std::memcpy(dst, src, sizeof(T) * size_t(c->length()));
    dst += c->length();
  }
  return out;
}

py::array_t<bool> NullMask(const ArrayVector& chunks) {
  py::array_t<bool> out(TotalLength(chunks));
  bool* dst = out.mutable_data();
  for (const auto& c : chunks) {
    const uint8_t* bits = c->validity();
    if (bits == nullptr) {
      std::memset(dst, 0, size_t(c->length()));
    } else {
      for (int64_t i = 0; i < c->length(); ++i) dst[i] = !util::GetBit(bits, c->offset() + i);
    }
    dst += c->length();
  }
  return out;
}

py::dict Kind(const char* kind) {
  py::dict d;
  d["kind"] = kind;
  return d;
}

template <typename T>
py::dict NumericColumn(const ArrayVector& chunks, const char* masked_dtype,
                       const ToPandasOptions& options) {
  const bool nulls = AnyNulls(chunks);
  py::dict d = Kind(nulls && !options.integer_nulls_as_float ? "masked" : "numpy");
  if (!nulls && chunks.size() == 1 && options.zero_copy) {
    d["values"] = ZeroCopy<T>(chunks[0]->values<T>(), chunks[0]->length(), chunks[0]);
    return d;
  }
  if (!nulls && chunks.empty()) {
    d["values"] = py::array_t<T>(0);
    return d;
  }
  py::array_t<T> values = CopyValues<T>(chunks);
  if (!nulls) {
    d["values"] = values;
    return d;
  }
  if constexpr (std::is_floating_point_v<T>) {
    // Floats: nulls become NaN.
    T* v = values.mutable_data();
    int64_t k = 0;
    for (const auto& c : chunks) {
      for (int64_t i = 0; i < c->length(); ++i, ++k) {
        if (c->IsNull(i)) v[k] = std::numeric_limits<T>::quiet_NaN();
      }
    }
    d["kind"] = "numpy";
    d["values"] = values;
    return d;
  } else {
    py::array_t<bool> mask = NullMask(chunks);
    if (options.integer_nulls_as_float) {
      py::array_t<double> f(values.size());
      double* out = f.mutable_data();
      const T* in = values.data();
      const bool* m = mask.data();
      for (py::ssize_t i = 0; i < values.size(); ++i) {
        out[i] = m[i] ? std::numeric_limits<double>::quiet_NaN() : double(in[i]);
      }
      d["values"] = f;
      return d;
    }
    // Null slots hold arbitrary bytes; pandas shows them only through the mask,
    // but zero them so that equal arrays compare equal value by value.
    T* v = values.mutable_data();
    const bool* m = mask.data();
    for (py::ssize_t i = 0; i < values.size(); ++i) {
      if (m[i]) v[i] = T(0);
    }
    d["values"] = values;
    d["mask"] = mask;
    d["dtype"] = masked_dtype;
    return d;
  }
}

py::dict BoolColumn(const ArrayVector& chunks, const ToPandasOptions& options) {
  py::array_t<bool> values(TotalLength(chunks));
  bool* dst = values.mutable_data();
  for (const auto& c : chunks) {
    columnar::BoolView view(*c);
    for (int64_t i = 0; i < c->length(); ++i) dst[i] = view.IsValid(i) && view.Value(i);
    dst += c->length();
  }
  if (!AnyNulls(chunks)) {
    py::dict d = Kind("numpy");
    d["values"] = values;
    return d;
  }
  py::array_t<bool> mask = NullMask(chunks);
  if (options.boolean_nulls_as_object) {
    py::array out(py::dtype("O"), std::vector<py::ssize_t>{values.size()});
    auto** objs = static_cast<PyObject**>(out.mutable_data());
    for (py::ssize_t i = 0; i < values.size(); ++i) {
      PyObject* o = mask.data()[i] ? Py_None : (values.data()[i] ? Py_True : Py_False);
      Py_INCREF(o);
      Py_XDECREF(objs[i]);
      objs[i] = o;
    }
    py::dict d = Kind("object");
    d["values"] = out;
    return d;
  }
  py::dict d = Kind("masked");
  d["values"] = values;
  d["mask"] = mask;
  d["dtype"] = "boolean";
  return d;
}

int64_t NanosPerTick(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond: return 1000000000;
    case TimeUnit::kMilli: return 1000000;
    case TimeUnit::kMicro: return 1000;
    case TimeUnit::kNano: return 1;
  }
  return 1;
}

constexpr int64_t kNaT = std::numeric_limits<int64_t>::min();

// Ticks of `unit` (int64 values, or int32 for date32 as days) to nanoseconds;
// nulls become NaT. Out of pandas' range (years 1677-2262) is an error.
py::array_t<int64_t> ToNanos(const ArrayVector& chunks, const std::string& column,
                             int64_t factor, bool int32_days) {
  py::array_t<int64_t> out(TotalLength(chunks));
  int64_t* dst = out.mutable_data();
  for (const auto& c : chunks) {
    for (int64_t i = 0; i < c->length(); ++i) {
      if (c->IsNull(i)) {
        dst[i] = kNaT;
        continue;
      }
      const int64_t v = int32_days ? int64_t(c->values<int32_t>()[i]) : c->values<int64_t>()[i];
      int64_t ns;
      if (__builtin_mul_overflow(v, factor, &ns) || ns == kNaT) {
        throw StatusError(Status::Invalid(
            "value {} is outside the range of pandas' datetime64[ns] "
            "(years 1677 to 2262); read it with timestamps='object'",
            v));
      }
      dst[i] = ns;
    }
    dst += c->length();
  }
  return out;
}

py::object TzInfo(const std::string& tz) { return Types().tzinfo_of(tz); }

// Python value of slot `i` of `array` (None for nulls).
py::object ValueToPy(const Array& array, int64_t i);

py::object DateToPy(int64_t days) {
  const auto civil = columnar::CivilFromDays(days);
  if (civil.year < 1 || civil.year > 9999) {
    throw StatusError(Status::Invalid("date {} is outside Python's datetime.date range",
                                      columnar::FormatDate(days)));
  }
  return py::reinterpret_steal<py::object>(
      PyDate_FromDate(int(civil.year), civil.month, civil.day));
}

// `ticks` of `unit` since the epoch as whole days, seconds into the day and
// microseconds into the second (Python's resolution: finer digits are dropped).
struct DaySecondMicro {
  int64_t days, seconds, micros;
};

DaySecondMicro SplitTicks(int64_t ticks, TimeUnit unit) {
  const int64_t per_second = columnar::TicksPerSecond(unit);
  const int64_t seconds = columnar::FloorDiv(ticks, per_second);
  const int64_t micros = (ticks - seconds * per_second) * 1000000 / per_second;
  const int64_t days = columnar::FloorDiv(seconds, 86400);
  return {days, seconds - days * 86400, micros};
}

py::object TimestampToPy(int64_t ticks, TimeUnit unit, const std::string& tz) {
  const auto [days, sod, micros] = SplitTicks(ticks, unit);
  const auto civil = columnar::CivilFromDays(days);
  if (civil.year < 1 || civil.year > 9999) {
    throw StatusError(Status::Invalid("timestamp {} is outside Python's datetime range",
                                      columnar::FormatTimestamp(ticks, unit)));
  }
  py::object dt = py::reinterpret_steal<py::object>(PyDateTime_FromDateAndTime(
      int(civil.year), civil.month, civil.day, int(sod / 3600), int(sod / 60 % 60),
      int(sod % 60), int(micros)));
  if (tz.empty()) return dt;
  py::object utc = TzInfo("UTC");
  py::object aware = dt.attr("replace")(py::arg("tzinfo") = utc);
  return aware.attr("astimezone")(TzInfo(tz));
}

py::object TimeToPy(int64_t ticks, TimeUnit unit) {
  const auto [days, sod, micros] = SplitTicks(ticks, unit);
  return py::reinterpret_steal<py::object>(PyTime_FromTime(
      int(sod / 3600), int(sod / 60 % 60), int(sod % 60), int(micros)));
}

py::object DurationToPy(int64_t ticks, TimeUnit unit) {
  const auto [days, sod, micros] = SplitTicks(ticks, unit);
  return py::reinterpret_steal<py::object>(PyDelta_FromDSU(int(days), int(sod), int(micros)));
}

// A str of UTF-8 `s`: ASCII (most data) copied straight into a compact string,
// anything else decoded.
PyObject* NewString(std::string_view s) {
  bool ascii = true;
  for (unsigned char c : s) {
    if (c & 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) return PyUnicode_DecodeUTF8(s.data(), py::ssize_t(s.size()), "replace");
  PyObject* o = PyUnicode_New(py::ssize_t(s.size()), 127);
  if (o != nullptr && !s.empty()) std::memcpy(PyUnicode_1BYTE_DATA(o), s.data(), s.size());
  return o;
}

py::object StringToPy(std::string_view s) {
  PyObject* o = NewString(s);
  if (o == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(o);
}

py::object BytesToPy(std::string_view s) { return py::bytes(s.data(), s.size()); }

py::object ValueToPy(const Array& array, int64_t i) {
  if (array.IsNull(i)) return py::none();
  const DataType& type = *array.type();
  switch (type.id()) {
    case TypeId::kNull: return py::none();
    case TypeId::kBool: return py::bool_(columnar::BoolView(array).Value(i));
    case TypeId::kInt8: return py::int_(array.values<int8_t>()[i]);
    case TypeId::kInt16: return py::int_(array.values<int16_t>()[i]);
    case TypeId::kInt32: return py::int_(array.values<int32_t>()[i]);
    case TypeId::kInt64: return py::int_(array.values<int64_t>()[i]);
    case TypeId::kUInt8: return py::int_(array.values<uint8_t>()[i]);
    case TypeId::kUInt16: return py::int_(array.values<uint16_t>()[i]);
    case TypeId::kUInt32: return py::int_(array.values<uint32_t>()[i]);
    case TypeId::kUInt64: return py::int_(array.values<uint64_t>()[i]);
    case TypeId::kFloat16: {
      uint16_t bits = array.values<uint16_t>()[i];
      // Half to double: sign, 5-bit exponent, 10-bit mantissa.
      const int sign = bits >> 15, exp = (bits >> 10) & 31, mant = bits & 1023;
      double v;
      if (exp == 0) {
        v = std::ldexp(mant, -24);
      } else if (exp == 31) {
        v = mant ? std::numeric_limits<double>::quiet_NaN()
                 : std::numeric_limits<double>::infinity();
      } else {
        v = std::ldexp(mant + 1024, exp - 25);
      }
      return py::float_(sign ? -v : v);
    }
    case TypeId::kFloat32: return py::float_(array.values<float>()[i]);
    case TypeId::kFloat64: return py::float_(array.values<double>()[i]);
    case TypeId::kDecimal128:
    case TypeId::kDecimal256: {
      const int32_t width = type.byte_width();
      const uint8_t* bytes = array.buffer(1)->data() + (array.offset() + i) * width;
      const std::string text = columnar::DecimalToString(bytes, width, type.scale());
      PyObject* str = PyUnicode_FromStringAndSize(text.data(), py::ssize_t(text.size()));
      if (str == nullptr) throw py::error_already_set();
      PyObject* value = PyObject_CallOneArg(Types().decimal.ptr(), str);
      Py_DECREF(str);
      if (value == nullptr) throw py::error_already_set();
      return py::reinterpret_steal<py::object>(value);
    }
    case TypeId::kDate32: return DateToPy(array.values<int32_t>()[i]);
    case TypeId::kDate64: {
      int64_t ms = array.values<int64_t>()[i];
      int64_t days = ms / 86400000;
      if (ms % 86400000 < 0) days -= 1;
      return DateToPy(days);
    }
    case TypeId::kTime32: return TimeToPy(array.values<int32_t>()[i], type.unit());
    case TypeId::kTime64: return TimeToPy(array.values<int64_t>()[i], type.unit());
    case TypeId::kTimestamp:
      return TimestampToPy(array.values<int64_t>()[i], type.unit(), type.timezone());
    case TypeId::kDuration: return DurationToPy(array.values<int64_t>()[i], type.unit());
    case TypeId::kIntervalMonthDayNano: {
      const uint8_t* p = array.buffer(1)->data() + (array.offset() + i) * 16;
      int32_t months, days;
      int64_t nanos;
      std::memcpy(&months, p, 4);
      std::memcpy(&days, p + 4, 4);
      std::memcpy(&nanos, p + 8, 8);
      return py::make_tuple(months, days, nanos);
    }
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kStringView: return StringToPy(columnar::GetBytes(array, i));
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kBinaryView:
    case TypeId::kFixedSizeBinary: return BytesToPy(columnar::GetBytes(array, i));
    case TypeId::kList:
    case TypeId::kLargeList:
    case TypeId::kFixedSizeList:
    case TypeId::kMap: {
      int64_t begin, end;
      if (type.id() == TypeId::kLargeList) {
        columnar::ListView<int64_t> v(array);
        begin = v.value_offset(i);
        end = begin + v.value_length(i);
      } else if (type.id() == TypeId::kFixedSizeList) {
        begin = (array.offset() + i) * type.list_size();
        end = begin + type.list_size();
      } else {
        columnar::ListView<int32_t> v(array);
        begin = v.value_offset(i);
        end = begin + v.value_length(i);
      }
      const Array& values = *array.child(0);
      py::list out;
      if (type.id() == TypeId::kMap) {
        auto keys = values.field(0);
        auto items = values.field(1);
        for (int64_t k = begin; k < end; ++k) {
          out.append(py::make_tuple(ValueToPy(*keys, k), ValueToPy(*items, k)));
        }
      } else {
        for (int64_t k = begin; k < end; ++k) out.append(ValueToPy(values, k));
      }
      return out;
    }
    case TypeId::kStruct: {
      py::dict out;
      for (int f = 0; f < type.num_fields(); ++f) {
        // Children are unsliced: index them with the parent's offset.
        out[py::str(type.field(f)->name())] =
            ValueToPy(*array.child(f), array.offset() + i);
      }
      return out;
    }
    case TypeId::kDictionary: {
      return ValueToPy(*array.dictionary(), columnar::internal::DictionaryIndex(array, i));
    }
  }
  throw StatusError(Status::Unsupported("no Python value for type {}", type.ToString()));
}

// Equal values share one Python object (pyarrow's deduplicate_objects): a column of
// few distinct strings, dates or decimals costs one object per distinct value, not
// per row. Columns that turn out mostly distinct stop the memo early.
class ObjectMemo {
 public:
  ~ObjectMemo() { Clear(); }
  // The object for `key`, or nullptr (the caller creates it and calls Add).
  PyObject* Find(std::string_view key) {
    if (!enabled_) return nullptr;
    ++lookups_;
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    Py_INCREF(it->second);
    return it->second;
  }
  void Add(std::string_view key, PyObject* value) {
    if (!enabled_) return;
    Py_INCREF(value);
    map_.emplace(key, value);
    if (lookups_ >= kProbe && map_.size() * 2 > size_t(lookups_)) {
      Clear();
      enabled_ = false;
    }
  }

 private:
  static constexpr int64_t kProbe = 1 << 16;
  void Clear() {
    for (auto& [k, v] : map_) Py_DECREF(v);
    map_.clear();
  }
  std::unordered_map<std::string_view, PyObject*> map_;
  int64_t lookups_ = 0;
  bool enabled_ = true;
};

// The bytes identifying slot `i` of `array` for the memo, or an empty view with
// `ok` false for types not memoised (nested, booleans, numbers).
std::string_view MemoKey(const Array& array, int64_t i, bool* ok) {
  const DataType& type = *array.type();
  *ok = true;
  switch (type.id()) {
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kStringView:
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kBinaryView:
    case TypeId::kFixedSizeBinary: return columnar::GetBytes(array, i);
    case TypeId::kDate32:
    case TypeId::kDate64:
    case TypeId::kTime32:
    case TypeId::kTime64:
    case TypeId::kTimestamp:
    case TypeId::kDecimal128:
    case TypeId::kDecimal256: {
      const int64_t width = type.id() == TypeId::kDecimal128 || type.id() == TypeId::kDecimal256
                                ? type.byte_width()
                                : type.bit_width() / 8;
      return {reinterpret_cast<const char*>(array.buffer(1)->data()) + (array.offset() + i) * width,
              size_t(width)};
    }
    default: *ok = false; return {};
  }
}

py::array ObjectValues(const ArrayVector& chunks) {
  py::array out(py::dtype("O"), std::vector<py::ssize_t>{TotalLength(chunks)});
  auto** objs = static_cast<PyObject**>(out.mutable_data());
  int64_t k = 0;
  ObjectMemo memo;  // keys point into the chunks, alive until this returns
  for (const auto& c : chunks) {
    const bool is_string = c->type()->id() == TypeId::kString;
    const bool is_binary = c->type()->id() == TypeId::kBinary;
    if (is_string || is_binary) {
      // The common case, without the per-value dispatch.
      columnar::OffsetBinaryView<int32_t> view(*c);
      for (int64_t i = 0; i < c->length(); ++i, ++k) {
        PyObject* o;
        if (view.IsNull(i)) {
          o = Py_None;
          Py_INCREF(o);
        } else {
          std::string_view s = view.Value(i);
          o = memo.Find(s);
          if (o == nullptr) {
            o = is_string ? NewString(s)
                          : PyBytes_FromStringAndSize(s.data(), py::ssize_t(s.size()));
            if (o == nullptr) throw py::error_already_set();
            memo.Add(s, o);
          }
        }
        Py_XDECREF(objs[k]);
        objs[k] = o;
      }
      continue;
    }
    for (int64_t i = 0; i < c->length(); ++i, ++k) {
      PyObject* o = nullptr;
      bool memoised = false;
      std::string_view key;
      if (c->IsValid(i)) {
        key = MemoKey(*c, i, &memoised);
        if (memoised) o = memo.Find(key);
      }
      if (o == nullptr) {
        o = ValueToPy(*c, i).release().ptr();
        if (memoised) memo.Add(key, o);
      }
      Py_XDECREF(objs[k]);
      objs[k] = o;
    }
  }
  return out;
}

py::dict ColumnToPandas(const std::string& name, const TypePtr& type, const ArrayVector& chunks,
                        const ToPandasOptions& options);

py::dict DictionaryColumn(const std::string& name, const TypePtr& type,
                          const ArrayVector& chunks, const ToPandasOptions& options) {
  // Categorical: one set of categories for all chunks (unified by value bytes when
  // the chunks' dictionaries differ), codes -1 for nulls.
  const TypePtr& value_type = type->dictionary_value_type();
  ArrayVector dictionaries;
  std::vector<std::vector<int64_t>> remap(chunks.size());
  std::unordered_map<std::string, int64_t> seen;
  columnar::ArrayVector unified_parts;
  const bool same = [&] {
    for (const auto& c : chunks) {
      if (c->dictionary() != chunks[0]->dictionary() &&
          !c->dictionary()->Equals(*chunks[0]->dictionary())) {
        return false;
      }
    }
    return true;
  }();
  ArrayPtr categories;
  if (chunks.empty()) {
    categories = Unwrap(columnar::MakeArrayOfNulls(value_type, 0));
  } else if (same) {
    categories = chunks[0]->dictionary();
  } else {
    std::vector<std::pair<size_t, int64_t>> picks;  // (chunk, dictionary index)
    for (size_t c = 0; c < chunks.size(); ++c) {
      const Array& dict = *chunks[c]->dictionary();
      for (int64_t j = 0; j < dict.length(); ++j) {
        std::string key = dict.IsNull(j) ? std::string("\0null", 5)
                                         : std::string(columnar::DictionaryKeyBytes(dict, j));
        auto [it, inserted] = seen.emplace(std::move(key), int64_t(picks.size()));
        if (inserted) picks.emplace_back(c, j);
        remap[c].push_back(it->second);
      }
    }
    ArrayVector pieces;
    for (auto [c, j] : picks) pieces.push_back(chunks[c]->dictionary()->Slice(j, 1));
    categories = Unwrap(columnar::Concatenate(pieces));
  }
  py::array_t<int32_t> codes(TotalLength(chunks));
  int32_t* dst = codes.mutable_data();
  for (size_t c = 0; c < chunks.size(); ++c) {
    const Array& a = *chunks[c];
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        dst[i] = -1;
        continue;
      }
      int64_t index = columnar::internal::DictionaryIndex(a, i);
      if (!same) index = remap[c][size_t(index)];
      dst[i] = int32_t(index);
    }
    dst += a.length();
  }
  py::dict d = Kind("categorical");
  d["codes"] = codes;
  d["categories"] = ColumnToPandas(name, value_type, {categories}, options);
  d["ordered"] = type->ordered();
  return d;
}

py::dict ColumnToPandas(const std::string& name, const TypePtr& type, const ArrayVector& chunks,
                        const ToPandasOptions& options) {
  switch (type->id()) {
    case TypeId::kInt8: return NumericColumn<int8_t>(chunks, "Int8", options);
    case TypeId::kInt16: return NumericColumn<int16_t>(chunks, "Int16", options);
    case TypeId::kInt32: return NumericColumn<int32_t>(chunks, "Int32", options);
    case TypeId::kInt64: return NumericColumn<int64_t>(chunks, "Int64", options);
    case TypeId::kUInt8: return NumericColumn<uint8_t>(chunks, "UInt8", options);
    case TypeId::kUInt16: return NumericColumn<uint16_t>(chunks, "UInt16", options);
    case TypeId::kUInt32: return NumericColumn<uint32_t>(chunks, "UInt32", options);
    case TypeId::kUInt64: return NumericColumn<uint64_t>(chunks, "UInt64", options);
    case TypeId::kFloat32: return NumericColumn<float>(chunks, "Float32", options);
    case TypeId::kFloat64: return NumericColumn<double>(chunks, "Float64", options);
    case TypeId::kFloat16: {
      // NumPy float16 shares the IEEE half layout.
      py::dict d = NumericColumn<uint16_t>(chunks, "UInt16", {.integer_nulls_as_float = false,
                                                              .zero_copy = options.zero_copy});
      py::array values = d["values"];
      d["values"] = values.attr("view")("float16");
      if (d.contains("mask")) {
        py::array v = d["values"].attr("copy")();
        v[py::array(d["mask"])] = py::float_(std::numeric_limits<double>::quiet_NaN());
        d = Kind("numpy");
        d["values"] = v;
      }
      return d;
    }
    case TypeId::kBool: return BoolColumn(chunks, options);
    case TypeId::kTimestamp: {
      if (options.timestamps_as_object) break;
      py::dict d = Kind("datetime");
      d["values"] = ToNanos(chunks, name, NanosPerTick(type->unit()), false);
      d["tz"] = type->timezone().empty() ? py::object(py::none()) : py::str(type->timezone());
      return d;
    }
    case TypeId::kDate32:
    case TypeId::kDate64: {
      if (!options.dates_as_datetime64) break;
      py::dict d = Kind("datetime");
      d["values"] = type->id() == TypeId::kDate32
                        ? ToNanos(chunks, name, int64_t(86400) * 1000000000, true)
                        : ToNanos(chunks, name, 1000000, false);
      d["tz"] = py::none();
      return d;
    }
    case TypeId::kDuration: {
      py::dict d = Kind("timedelta");
      d["values"] = ToNanos(chunks, name, NanosPerTick(type->unit()), false);
      return d;
    }
    case TypeId::kDictionary: return DictionaryColumn(name, type, chunks, options);
    case TypeId::kDecimal128: {
      if (!options.decimals_as_float) break;
      // Nearest double of each value (NaN for nulls): fast, but inexact past 15 digits.
      py::array_t<double> values(TotalLength(chunks));
      double* dst = values.mutable_data();
      const double scale = std::pow(10.0, type->scale());
      for (const auto& c : chunks) {
        const uint8_t* base = c->buffer(1) ? c->buffer(1)->data() : nullptr;
        for (int64_t i = 0; i < c->length(); ++i) {
          if (c->IsNull(i)) {
            dst[i] = std::numeric_limits<double>::quiet_NaN();
            continue;
          }
          __int128 v;
          std::memcpy(&v, base + (c->offset() + i) * 16, 16);
          dst[i] = double(v) / scale;
        }
        dst += c->length();
      }
      py::dict d = Kind("numpy");
      d["values"] = values;
      return d;
    }
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kStringView: {
      py::dict d = Kind(options.strings_as_string_dtype ? "string" : "object");
      d["values"] = ObjectValues(chunks);
      return d;
    }
    default: break;
  }
  py::dict d = Kind("object");
  d["values"] = ObjectValues(chunks);
  return d;
}

ToPandasOptions ParseOptions(const py::dict& o) {
  ToPandasOptions options;
  auto get = [&](const char* key, const char* value) {
    return o.contains(key) && py::str(o[key]).cast<std::string>() == value;
  };
  options.integer_nulls_as_float = get("integer_nulls", "float");
  options.boolean_nulls_as_object = get("boolean_nulls", "object");
  options.strings_as_string_dtype = get("strings", "string");
  options.dates_as_datetime64 = get("dates", "datetime64");
  options.timestamps_as_object = get("timestamps", "object");
  options.decimals_as_float = get("decimals", "float");
  if (o.contains("zero_copy")) options.zero_copy = o["zero_copy"].cast<bool>();
  return options;
}

}  // namespace

void RegisterToPandas(py::module_& m) {
  PyDateTime_IMPORT;
  m.def(
      "to_pandas_parts",
      [](const ArrowTable& table, const py::dict& options) {
        const ToPandasOptions o = ParseOptions(options);
        py::list columns;
        for (int c = 0; c < table.schema->num_fields(); ++c) {
          ArrayVector chunks;
          for (const auto& b : table.batches) chunks.push_back(b->column(c));
          const auto& f = table.schema->field(c);
          try {
            columns.append(ColumnToPandas(f->name(), f->type(), chunks, o));
          } catch (const StatusError& e) {
            throw StatusError(e.status().WithContext("column '" + f->name() + "'"));
          }
          CheckSignals();
        }
        return columns;
      },
      py::arg("table"), py::arg("options"));
  m.def(
      "column_buffer_address",
      [](const ArrowTable& table, int column) -> uintptr_t {
        if (table.batches.size() != 1) return 0;
        const auto& a = table.batches[0]->column(column);
        return a->buffer(1) ? reinterpret_cast<uintptr_t>(a->buffer(1)->data()) +
                                  uintptr_t(a->offset() * a->type()->bit_width() / 8)
                            : 0;
      },
      "Address of a one-batch column's values (tests check zero-copy with it).");
}

}  // namespace quire::python
