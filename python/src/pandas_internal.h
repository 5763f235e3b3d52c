#pragma once

/// \file python/src/pandas_internal.h
/// \brief What the two halves of the pandas conversion share: to_pandas.cc
/// (Arrow columns to NumPy arrays and Python objects) and from_pandas.cc (NumPy
/// buffers and Python objects to Arrow arrays).

#include <pybind11/pybind11.h>

#include "common.h"
#include "quire/columnar/array.h"

namespace quire::python {

/// \brief An Arrow array handed to Python while a column is being built.
struct ArrayHandle {
  columnar::ArrayPtr array;
};

/// \brief Python types the conversion needs, fetched once (with the GIL).
struct PyTypes {
  py::object decimal;    ///< decimal.Decimal
  py::object tzinfo_of;  ///< quire._convert.tzinfo(str)
  py::object pd_na;      ///< pandas.NA
  py::object nat;        ///< pandas.NaT
};

inline PyTypes& Types() {
  static PyTypes* types = [] {
    auto* t = new PyTypes();
    t->decimal = py::module_::import("decimal").attr("Decimal");
    t->tzinfo_of = py::module_::import("quire._convert").attr("tzinfo");
    t->pd_na = py::module_::import("pandas").attr("NA");
    t->nat = py::module_::import("pandas").attr("NaT");
    return t;
  }();
  return *types;
}

}  // namespace quire::python
