#pragma once

/// \file tests/parquet/writer_test_util.h
/// \brief Tables of random data for the writer tests.

#include <memory>
#include <string>

#include "quire/columnar/record_batch.h"
#include "quire/testing/random_arrays.h"

namespace quire::parquet::test {

/// \brief A table of one column `name` holding `length` random values of `type`,
/// a share `nulls` of them null.
inline std::shared_ptr<const columnar::Table> OneColumn(const std::string& name,
                                                        const columnar::TypePtr& type,
                                                        int64_t length, double nulls,
                                                        uint32_t seed) {
  testing::RandomOptions o;
  o.seed = seed;
  o.null_probability = nulls;
  auto a = testing::MakeRandomArray(type, length, o);
  auto schema = columnar::schema({columnar::field(name, type)});
  return std::make_shared<const columnar::Table>(
      schema,
      std::vector<columnar::ChunkedArrayPtr>{
          std::make_shared<columnar::ChunkedArray>(type, columnar::ArrayVector{a})},
      length);
}

}  // namespace quire::parquet::test
