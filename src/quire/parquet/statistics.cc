/// \file quire/parquet/statistics.cc
#include "quire/parquet/statistics.h"

#include <cmath>
#include <cstring>

#include "quire/util/float16.h"

namespace quire::parquet {

using columnar::TypeId;

namespace {

template <typename T>
std::optional<T> Load(const std::string& raw) {
  if (raw.size() != sizeof(T)) return std::nullopt;
  T v;
  std::memcpy(&v, raw.data(), sizeof(T));
  return v;
}

// One statistics value (PLAIN bytes of the physical type) in the Arrow type's domain.
std::optional<compute::StatisticValue> Decode(const std::string& raw, const columnar::DataType& t) {
  const columnar::DataType& vt = t.id() == TypeId::kDictionary ? *t.dictionary_value_type() : t;
  switch (vt.id()) {
    case TypeId::kBool:
      if (raw.size() != 1) return std::nullopt;
      return compute::StatisticValue(raw[0] != 0);
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32:
      if (auto v = Load<int32_t>(raw)) return compute::StatisticValue(__int128(*v));
      return std::nullopt;
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
      if (auto v = Load<uint32_t>(raw)) return compute::StatisticValue(__int128(*v));
      return std::nullopt;
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp:
      if (auto v = Load<int64_t>(raw)) return compute::StatisticValue(__int128(*v));
      return std::nullopt;
    case TypeId::kUInt64:
      if (auto v = Load<uint64_t>(raw)) return compute::StatisticValue(__int128(*v));
      return std::nullopt;
    case TypeId::kFloat32:
      if (auto v = Load<float>(raw); v && !std::isnan(*v)) return compute::StatisticValue(double(*v));
      return std::nullopt;
    case TypeId::kFloat64:
      if (auto v = Load<double>(raw); v && !std::isnan(*v)) return compute::StatisticValue(*v);
      return std::nullopt;
    case TypeId::kString:
    case TypeId::kBinary:
      return compute::StatisticValue(raw);
    default:
      return std::nullopt;
  }
}

// Whether the deprecated min/max (signed order) may be used for this type.
bool LegacyOrderIsRight(const columnar::DataType& t) {
  switch (t.id()) {
    case TypeId::kBool:
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDate32:
    case TypeId::kTime32:
    case TypeId::kTime64:
    case TypeId::kTimestamp:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return true;
    default:
      return false;
  }
}

}  // namespace

compute::ColumnStatistics ChunkStatistics(const ColumnDescriptor& column,
                                          const ColumnMetaData& metadata,
                                          const columnar::TypePtr& type, int64_t num_rows,
                                          std::optional<ColumnOrder> order) {
  compute::ColumnStatistics out;
  out.type = type;
  out.num_rows = num_rows;
  if (!metadata.statistics) return out;
  const Statistics& s = *metadata.statistics;
  out.null_count = s.null_count;
  // A value count above the rows means repeated data: bounds still hold, but the
  // null count no longer counts rows.
  if (column.max_rep_level > 0) out.null_count.reset();
  const bool type_order = !order || order->kind == ColumnOrder::Kind::kTypeDefinedOrder;
  if (s.min_value && s.max_value && type_order) {
    out.min = Decode(*s.min_value, *type);
    out.max = Decode(*s.max_value, *type);
  } else if (s.min && s.max && LegacyOrderIsRight(*type)) {
    out.min = Decode(*s.min, *type);
    out.max = Decode(*s.max, *type);
  }
  if (!out.min || !out.max) {
    out.min.reset();
    out.max.reset();
  }
  return out;
}

}  // namespace quire::parquet
