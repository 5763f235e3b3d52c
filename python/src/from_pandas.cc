/// \file python/src/from_pandas.cc
/// \brief NumPy buffers and Python objects to Arrow arrays: the C++ half of
/// quire._convert.from_pandas. Python picks each column's kind and hands its
/// buffers or object array to an array_from_* function, which builds the Arrow
/// array in quire's memory (a copy: no Python-owned memory reaches worker threads).

#include <pybind11/numpy.h>
#include <pybind11/stl.h>
// After pybind11, which includes Python.h first.
#include <datetime.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "pandas_internal.h"
#include "quire/columnar/decimal.h"
#include "quire/columnar/temporal.h"
#include "quire/columnar/type_parse.h"
#include "quire/util/bit_util.h"

namespace quire::python {
namespace {

using columnar::Array;
using columnar::ArrayPtr;
using columnar::ArrayVector;
using columnar::DataType;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;

columnar::BufferPtr ValidityFromMask(const py::object& mask, int64_t length,
                                     int64_t* null_count) {
  *null_count = 0;
  if (mask.is_none()) return nullptr;
  auto m = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(mask);
  if (!m || m.size() != length) {
    throw StatusError(Status::Invalid("mask must be a boolean array of {} values", length));
  }
  auto bits = Unwrap(columnar::MutableBuffer::AllocateZeroed((length + 7) / 8));
  const bool* src = m.data();
  for (int64_t i = 0; i < length; ++i) {
    if (!src[i]) {
      util::SetBit(bits->mutable_data(), i);
    } else {
      ++*null_count;
    }
  }
  if (*null_count == 0) return nullptr;
  return bits;
}

ArrayHandle ArrayFromFixed(const std::string& type_text, const py::buffer& data,
                           const py::object& mask) {
  TypePtr type = Unwrap(columnar::ParseType(type_text));
  const int width = type->bit_width();
  if (width < 8 || width % 8 != 0) {
    throw StatusError(Status::Invalid("array_from_fixed: {} is not a fixed-width type", type_text));
  }
  py::buffer_info info = data.request();
  const int64_t bytes = info.size * info.itemsize;
  const int64_t length = bytes / (width / 8);
  if (length * (width / 8) != bytes) {
    throw StatusError(Status::Invalid("array_from_fixed: {} bytes do not hold whole {} values",
                                      bytes, type_text));
  }
  int64_t null_count = 0;
  auto validity = ValidityFromMask(mask, length, &null_count);
  auto values = Unwrap(columnar::Buffer::Copy(
      std::string_view(static_cast<const char*>(info.ptr), size_t(bytes))));
  return {columnar::Array::Make(type, length, {validity, values}, {}, nullptr, null_count)};
}

ArrayHandle ArrayFromBool(const py::array_t<bool, py::array::c_style | py::array::forcecast>& values,
                          const py::object& mask) {
  const int64_t length = values.size();
  int64_t null_count = 0;
  auto validity = ValidityFromMask(mask, length, &null_count);
  auto bits = Unwrap(columnar::MutableBuffer::AllocateZeroed((length + 7) / 8));
  const bool* src = values.data();
  for (int64_t i = 0; i < length; ++i) {
    if (src[i]) util::SetBit(bits->mutable_data(), i);
  }
  return {columnar::Array::Make(columnar::boolean(), length, {validity, bits}, {}, nullptr,
                                null_count)};
}

bool IsMissing(PyObject* o) {
  if (o == Py_None || o == Types().pd_na.ptr()) return true;
  if (PyFloat_Check(o) && std::isnan(PyFloat_AS_DOUBLE(o))) return true;
  return false;
}

// Strings or bytes from an object array: kind "string" takes str only, "binary"
// bytes (and bytearray/memoryview), None/NaN/pd.NA are nulls.
ArrayHandle ArrayFromObjects(const py::array& values, const std::string& kind,
                             const std::string& column) {
  if (values.dtype().kind() != 'O') {
    throw StatusError(Status::Invalid("array_from_objects needs an object array"));
  }
  const bool binary = kind == "binary";
  const int64_t length = values.size();
  py::array contiguous = py::array::ensure(values, py::array::c_style);
  auto** objs = static_cast<PyObject**>(const_cast<void*>(contiguous.data()));
  auto validity = Unwrap(columnar::MutableBuffer::AllocateZeroed((length + 7) / 8));
  auto offsets = Unwrap(columnar::MutableBuffer::Allocate((length + 1) * 8));
  auto* off = reinterpret_cast<int64_t*>(offsets->mutable_data());
  std::string data;
  int64_t nulls = 0;
  off[0] = 0;
  for (int64_t i = 0; i < length; ++i) {
    PyObject* o = objs[i];
    if (IsMissing(o)) {
      ++nulls;
    } else if (!binary && PyUnicode_Check(o)) {
      Py_ssize_t n;
      const char* s = PyUnicode_AsUTF8AndSize(o, &n);
      if (s == nullptr) throw py::error_already_set();
      data.append(s, size_t(n));
      util::SetBit(validity->mutable_data(), i);
    } else if (binary && PyBytes_Check(o)) {
      data.append(PyBytes_AS_STRING(o), size_t(PyBytes_GET_SIZE(o)));
      util::SetBit(validity->mutable_data(), i);
    } else if (binary && (PyByteArray_Check(o) || PyMemoryView_Check(o))) {
      py::bytes b = py::reinterpret_borrow<py::object>(o).attr("__bytes__")();
      std::string_view sv = b;
      data.append(sv);
      util::SetBit(validity->mutable_data(), i);
    } else {
      throw StatusError(Status::SchemaMismatch(
          "column '{}': row {} holds a {} where {} values were expected", column, i,
          Py_TYPE(o)->tp_name, binary ? "bytes" : "str"));
    }
    off[i + 1] = int64_t(data.size());
  }
  const bool large = data.size() > size_t(std::numeric_limits<int32_t>::max());
  columnar::BufferPtr offsets_out;
  if (large) {
    offsets_out = offsets;
  } else {
    auto narrow = Unwrap(columnar::MutableBuffer::Allocate((length + 1) * 4));
    auto* o32 = reinterpret_cast<int32_t*>(narrow->mutable_data());
    for (int64_t i = 0; i <= length; ++i) o32[i] = int32_t(off[i]);
    offsets_out = narrow;
  }
  TypePtr type = binary ? (large ? columnar::large_binary() : columnar::binary())
                        : (large ? columnar::large_utf8() : columnar::utf8());
  auto data_buffer = Unwrap(columnar::Buffer::Copy(data));
  return {columnar::Array::Make(type, length,
                                {nulls ? columnar::BufferPtr(validity) : nullptr, offsets_out,
                                 data_buffer},
                                {}, nullptr, nulls)};
}

// Fixed-width values from an object array of Python scalars, typed by `kind`:
// "bool", "int" (int64), "float" (double), "date" (date32), "time" (time64[us]),
// "datetime" (naive datetime.datetime, timestamp[us]) or "decimal" (Decimal;
// decimal128/256 with the precision and scale the values need). None, NaN,
// pd.NA and NaT are nulls; any other type is a SchemaMismatch naming the row.
ArrayHandle ArrayFromScalars(const py::array& values, const std::string& kind,
                             const std::string& column) {
  if (values.dtype().kind() != 'O') {
    throw StatusError(Status::Invalid("array_from_scalars needs an object array"));
  }
  py::array contiguous = py::array::ensure(values, py::array::c_style);
  auto** objs = static_cast<PyObject**>(const_cast<void*>(contiguous.data()));
  const int64_t length = contiguous.size();
  auto validity = Unwrap(columnar::MutableBuffer::AllocateZeroed((length + 7) / 8));
  int64_t nulls = 0;
  auto wrong = [&](int64_t i, const char* expected) {
    return StatusError(Status::SchemaMismatch(
        "column '{}': row {} holds a {} where {} values were expected", column, i,
        Py_TYPE(objs[i])->tp_name, expected));
  };
  auto valid = [&](int64_t i) {
    if (IsMissing(objs[i]) || objs[i] == Types().nat.ptr()) {
      ++nulls;
      return false;
    }
    util::SetBit(validity->mutable_data(), i);
    return true;
  };
  TypePtr type;
  columnar::BufferPtr data;
  if (kind == "bool") {
    auto bits = Unwrap(columnar::MutableBuffer::AllocateZeroed((length + 7) / 8));
    for (int64_t i = 0; i < length; ++i) {
      if (!valid(i)) continue;
      const int truth = PyObject_IsTrue(objs[i]);
      if (truth < 0) throw py::error_already_set();
      if (truth) util::SetBit(bits->mutable_data(), i);
    }
    type = columnar::boolean();
    data = bits;
  } else if (kind == "int" || kind == "float" || kind == "date" || kind == "time" ||
             kind == "datetime") {
    auto out = Unwrap(columnar::MutableBuffer::AllocateZeroed(
        length * (kind == "date" ? 4 : 8)));
    for (int64_t i = 0; i < length; ++i) {
      if (!valid(i)) continue;
      PyObject* o = objs[i];
      if (kind == "int") {
        if (!PyLong_Check(o) && !PyIndex_Check(o)) throw wrong(i, "int");
        int overflow = 0;
        const long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
        if (overflow) {
          throw StatusError(Status::SchemaMismatch(
              "column '{}': row {} holds an integer outside int64", column, i));
        }
        reinterpret_cast<int64_t*>(out->mutable_data())[i] = v;
      } else if (kind == "float") {
        const double v = PyFloat_AsDouble(o);
        if (v == -1.0 && PyErr_Occurred()) {
          PyErr_Clear();
          throw wrong(i, "float");
        }
        reinterpret_cast<double*>(out->mutable_data())[i] = v;
      } else if (kind == "date") {
        if (!PyDate_Check(o) || PyDateTime_Check(o)) throw wrong(i, "datetime.date");
        reinterpret_cast<int32_t*>(out->mutable_data())[i] = int32_t(columnar::DaysFromCivil(
            PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o)));
      } else if (kind == "time") {
        if (!PyTime_Check(o)) throw wrong(i, "datetime.time");
        reinterpret_cast<int64_t*>(out->mutable_data())[i] =
            ((int64_t(PyDateTime_TIME_GET_HOUR(o)) * 60 + PyDateTime_TIME_GET_MINUTE(o)) * 60 +
             PyDateTime_TIME_GET_SECOND(o)) * 1000000 + PyDateTime_TIME_GET_MICROSECOND(o);
      } else {
        if (!PyDateTime_Check(o)) throw wrong(i, "datetime.datetime");
        if (reinterpret_cast<PyDateTime_DateTime*>(o)->hastzinfo &&
            PyDateTime_DATE_GET_TZINFO(o) != Py_None) {
          throw wrong(i, "naive datetime.datetime");
        }
        const int64_t days = columnar::DaysFromCivil(
            PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o));
        reinterpret_cast<int64_t*>(out->mutable_data())[i] =
            ((days * 24 + PyDateTime_DATE_GET_HOUR(o)) * 60 + PyDateTime_DATE_GET_MINUTE(o)) *
                    60000000 +
                int64_t(PyDateTime_DATE_GET_SECOND(o)) * 1000000 +
                PyDateTime_DATE_GET_MICROSECOND(o);
      }
    }
    type = kind == "int"      ? columnar::int64()
           : kind == "float"  ? columnar::float64()
           : kind == "date"   ? columnar::date32()
           : kind == "time"   ? columnar::time64(TimeUnit::kMicro)
                              : columnar::timestamp(TimeUnit::kMicro);
    data = out;
  } else if (kind == "decimal") {
    // First pass: each value as coefficient and exponent (parsed from str(),
    // which uses exponents for some values: "1E+3", "0E-7"), and the scale and
    // precision they need.
    std::vector<__int128> coefficients(static_cast<size_t>(length));
    std::vector<int32_t> exponents(static_cast<size_t>(length));
    int32_t scale = 0, integer_digits = 1;
    constexpr __int128 kLimit = (__int128(1) << 120);
    for (int64_t i = 0; i < length; ++i) {
      if (!valid(i)) continue;
      PyObject* o = objs[i];
      if (!PyObject_TypeCheck(o, reinterpret_cast<PyTypeObject*>(Types().decimal.ptr()))) {
        throw wrong(i, "decimal.Decimal");
      }
      PyObject* str = PyObject_Str(o);
      if (str == nullptr) throw py::error_already_set();
      Py_ssize_t n;
      const char* t = PyUnicode_AsUTF8AndSize(str, &n);
      std::string_view text(t, size_t(n));
      bool negative = false, ok = !text.empty();
      size_t p = 0;
      if (ok && (text[0] == '-' || text[0] == '+')) negative = text[p++] == '-';
      __int128 coefficient = 0;
      int32_t frac = 0, digits = 0;
      bool seen_dot = false;
      for (; ok && p < text.size() && text[p] != 'E' && text[p] != 'e'; ++p) {
        const char c = text[p];
        if (c == '.' && !seen_dot) {
          seen_dot = true;
        } else if (c >= '0' && c <= '9') {
          if (coefficient >= kLimit / 10) ok = false;
          coefficient = coefficient * 10 + (c - '0');
          if (coefficient != 0 || digits) ++digits;
          if (seen_dot) ++frac;
        } else {
          ok = false;
        }
      }
      int64_t exponent = 0;
      if (ok && p < text.size()) {
        ++p;
        bool exp_negative = false;
        if (p < text.size() && (text[p] == '-' || text[p] == '+')) exp_negative = text[p++] == '-';
        if (p == text.size()) ok = false;
        for (; ok && p < text.size(); ++p) {
          if (text[p] < '0' || text[p] > '9' || exponent > 100000) {
            ok = false;
          } else {
            exponent = exponent * 10 + (text[p] - '0');
          }
        }
        if (exp_negative) exponent = -exponent;
      }
      if (!ok) {
        std::string shown(text);
        Py_DECREF(str);
        throw StatusError(Status::SchemaMismatch(
            "column '{}': row {} holds Decimal('{}'), which a decimal128 column cannot hold "
            "(not finite, or over 36 digits)", column, i, shown));
      }
      Py_DECREF(str);
      const int64_t e = exponent - frac;  // value = coefficient * 10^e
      if (e > 38 || e < -38) {
        throw StatusError(Status::SchemaMismatch(
            "column '{}': row {} holds a Decimal with exponent {}, out of decimal128's range",
            column, i, e));
      }
      coefficients[size_t(i)] = negative ? -coefficient : coefficient;
      exponents[size_t(i)] = int32_t(e);
      scale = std::max(scale, int32_t(-e));
      integer_digits = std::max(integer_digits, int32_t(digits + e));
    }
    const int32_t precision = std::max(integer_digits + scale, 1);
    if (precision > 38) {
      throw StatusError(Status::SchemaMismatch(
          "column '{}': its Decimals need {} digits, more than decimal128's 38", column,
          precision));
    }
    auto out = Unwrap(columnar::MutableBuffer::AllocateZeroed(length * 16));
    for (int64_t i = 0; i < length; ++i) {
      __int128 v = coefficients[size_t(i)];
      for (int32_t k = exponents[size_t(i)] + scale; k > 0; --k) v *= 10;
      columnar::DecimalFromInt128(v, 16, out->mutable_data() + i * 16);
    }
    type = columnar::decimal128(precision, scale);
    data = out;
  } else {
    throw StatusError(Status::Invalid("array_from_scalars: unknown kind '{}'", kind));
  }
  return {columnar::Array::Make(type, length,
                                {nulls ? columnar::BufferPtr(validity) : nullptr, data}, {},
                                nullptr, nulls)};
}

// A nested array from parts built in Python: "list" or "large_list" (offsets + one
// child), "struct" (children named by `names`), "map" (offsets + a struct child of
// keys and values). The type comes from the children's types.
ArrayHandle ArrayFromParts(const std::string& kind, int64_t length, const py::object& mask,
                           const py::object& offsets, const std::vector<ArrayHandle>& children,
                           const std::vector<std::string>& names) {
  int64_t null_count = 0;
  auto validity = ValidityFromMask(mask, length, &null_count);
  ArrayVector kids;
  for (const auto& c : children) kids.push_back(c.array);
  std::vector<columnar::BufferPtr> buffers{validity};
  if (!offsets.is_none()) {
    auto o = py::array::ensure(offsets, py::array::c_style);
    if (!o) throw py::error_already_set();
    buffers.push_back(Unwrap(columnar::Buffer::Copy(std::string_view(
        static_cast<const char*>(o.data()), size_t(o.size() * o.itemsize())))));
  }
  TypePtr type;
  if (kind == "list" || kind == "large_list") {
    if (kids.size() != 1) throw StatusError(Status::Invalid("a list has one child"));
    type = kind == "list" ? columnar::list(kids[0]->type()) : columnar::large_list(kids[0]->type());
  } else if (kind == "struct") {
    if (names.size() != kids.size()) {
      throw StatusError(Status::Invalid("{} names for {} struct children", names.size(), kids.size()));
    }
    columnar::FieldVector fields;
    for (size_t i = 0; i < kids.size(); ++i) {
      fields.push_back(columnar::field(names[i], kids[i]->type()));
    }
    type = columnar::struct_(fields);
  } else if (kind == "map") {
    if (kids.size() != 1 || kids[0]->type_id() != TypeId::kStruct ||
        kids[0]->num_children() != 2) {
      throw StatusError(Status::Invalid("a map has one struct child of keys and values"));
    }
    const ArrayPtr& entries = kids[0];
    type = columnar::map(entries->type()->field(0)->type(), entries->type()->field(1)->type());
    kids[0] = columnar::Array::Make(type->field(0)->type(), entries->length(), entries->buffers(),
                                    entries->children(), nullptr, entries->null_count(),
                                    entries->offset());
  } else {
    throw StatusError(Status::Invalid("array_from_parts: unknown kind '{}'", kind));
  }
  ArrayPtr array = columnar::Array::Make(type, length, std::move(buffers), std::move(kids),
                                         nullptr, null_count);
  Check(array->ValidateFull());
  return {array};
}

// A record batch of named arrays, with schema metadata (str to str).
ArrowTable BatchFromArrays(const std::vector<std::string>& names,
                           const std::vector<ArrayHandle>& arrays,
                           const std::map<std::string, std::string>& metadata,
                           const std::vector<bool>& nullable) {
  if (names.size() != arrays.size()) {
    throw StatusError(Status::Invalid("{} names for {} arrays", names.size(), arrays.size()));
  }
  columnar::FieldVector fields;
  ArrayVector columns;
  int64_t rows = arrays.empty() ? 0 : arrays[0].array->length();
  for (size_t i = 0; i < names.size(); ++i) {
    if (arrays[i].array->length() != rows) {
      throw StatusError(Status::Invalid("column '{}' has {} rows, the first {}", names[i],
                                        arrays[i].array->length(), rows));
    }
    const bool is_nullable = i < nullable.size() ? bool(nullable[i]) : true;
    fields.push_back(columnar::field(names[i], arrays[i].array->type(), is_nullable));
    columns.push_back(arrays[i].array);
  }
  std::vector<std::pair<std::string, std::string>> pairs(metadata.begin(), metadata.end());
  auto schema = columnar::schema(fields, pairs.empty() ? nullptr
                                                       : columnar::KeyValueMetadata::Make(pairs));
  ArrowTable out;
  out.schema = schema;
  out.batches.push_back(Unwrap(columnar::RecordBatch::Make(schema, rows, columns)));
  return out;
}

}  // namespace

void RegisterFromPandas(py::module_& m) {
  PyDateTime_IMPORT;
  py::class_<ArrayHandle>(m, "Array", "One Arrow array being assembled into a batch.")
      .def_property_readonly("type",
                             [](const ArrayHandle& a) { return a.array->type()->ToString(); })
      .def("__len__", [](const ArrayHandle& a) { return a.array->length(); })
      .def_property_readonly("null_count",
                             [](const ArrayHandle& a) { return a.array->null_count(); });

  m.def("array_from_fixed", &ArrayFromFixed, py::arg("type"), py::arg("data"),
        py::arg("mask") = py::none());
  m.def("array_from_bool", &ArrayFromBool, py::arg("values"), py::arg("mask") = py::none());
  m.def("array_from_objects", &ArrayFromObjects, py::arg("values"), py::arg("kind"),
        py::arg("column") = "");
  m.def("array_from_scalars", &ArrayFromScalars, py::arg("values"), py::arg("kind"),
        py::arg("column") = "");
  m.def("array_from_parts", &ArrayFromParts, py::arg("kind"), py::arg("length"),
        py::arg("mask"), py::arg("offsets"), py::arg("children"),
        py::arg("names") = std::vector<std::string>{});
  m.def("array_of_nulls", [](const std::string& type_text, int64_t length) {
    return ArrayHandle{
        Unwrap(columnar::MakeArrayOfNulls(Unwrap(columnar::ParseType(type_text)), length))};
  });
  m.def("batch_from_arrays", &BatchFromArrays, py::arg("names"), py::arg("arrays"),
        py::arg("metadata") = std::map<std::string, std::string>{},
        py::arg("nullable") = std::vector<bool>{});
}

}  // namespace quire::python
