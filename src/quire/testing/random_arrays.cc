/// \file quire/testing/random_arrays.cc
#include "quire/testing/random_arrays.h"

#include <random>

#include "quire/columnar/builder.h"
#include "quire/util/float16.h"

namespace quire::testing {

using namespace quire::columnar;  // NOLINT

namespace {

class Generator {
 public:
  explicit Generator(const RandomOptions& o) : o_(o), rng_(o.seed) {}

  bool Null() { return std::uniform_real_distribution<double>(0, 1)(rng_) < o_.null_probability; }
  int64_t Int(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }

  std::string Bytes(bool utf8) {
    const int64_t n = Int(0, o_.max_binary_length);
    std::string s;
    static const char* kPieces[] = {"a", "b", "z", "é", "日", "€", " ", "7", "\xF0\x9F\x98\x80"};
    while (int64_t(s.size()) < n) {
      if (utf8) {
        s += kPieces[Int(0, 8)];
      } else {
        s.push_back(char(Int(0, 255)));
      }
    }
    return s;
  }

  // `nullable` false: the field is declared non-nullable, so no nulls at its level.
  Status Fill(ArrayBuilder& b, int64_t length, bool nullable = true) {
    for (int64_t i = 0; i < length; ++i) QUIRE_RETURN_NOT_OK(AppendOne(b, nullable));
    return Status::OK();
  }

  Status AppendOne(ArrayBuilder& b, bool nullable = true) {
    const DataType& t = *b.type();
    if (t.id() == TypeId::kNull || (nullable && Null())) return b.AppendNull();
    switch (t.id()) {
      case TypeId::kBool: return static_cast<BooleanBuilder&>(b).Append(Int(0, 1));
      case TypeId::kInt8: return static_cast<Int8Builder&>(b).Append(int8_t(Int(-128, 127)));
      case TypeId::kInt16: return static_cast<Int16Builder&>(b).Append(int16_t(Int(-32768, 32767)));
      case TypeId::kInt32: return static_cast<Int32Builder&>(b).Append(int32_t(Int(INT32_MIN, INT32_MAX)));
      case TypeId::kInt64: return static_cast<Int64Builder&>(b).Append(Int(INT64_MIN, INT64_MAX));
      case TypeId::kUInt8: return static_cast<UInt8Builder&>(b).Append(uint8_t(Int(0, 255)));
      case TypeId::kUInt16: return static_cast<UInt16Builder&>(b).Append(uint16_t(Int(0, 65535)));
      case TypeId::kUInt32: return static_cast<UInt32Builder&>(b).Append(uint32_t(Int(0, UINT32_MAX)));
      case TypeId::kUInt64: return static_cast<UInt64Builder&>(b).Append(uint64_t(Int(INT64_MIN, INT64_MAX)));
      case TypeId::kFloat16:
        return static_cast<HalfFloatBuilder&>(b).Append(util::FloatToHalf(float(Int(-4000, 4000)) / 8));
      case TypeId::kFloat32: return static_cast<FloatBuilder&>(b).Append(float(Int(-1000000, 1000000)) / 64);
      case TypeId::kFloat64: return static_cast<DoubleBuilder&>(b).Append(double(Int(-1000000000, 1000000000)) / 1000);
      case TypeId::kDecimal128:
      case TypeId::kDecimal256: {
        // Up to min(precision, 18) digits so the value always fits.
        int64_t limit = 1;
        for (int d = 0; d < std::min(t.precision(), 18); ++d) limit *= 10;
        return static_cast<FixedSizeBinaryBuilder&>(b).AppendDecimal(__int128(Int(-(limit - 1), limit - 1)));
      }
      case TypeId::kDate32: return static_cast<Int32Builder&>(b).Append(int32_t(Int(-100000, 100000)));
      case TypeId::kDate64: return static_cast<Int64Builder&>(b).Append(Int(-100000, 100000) * 86400000);
      case TypeId::kTime32:
        return static_cast<Int32Builder&>(b).Append(
            int32_t(Int(0, t.unit() == TimeUnit::kSecond ? 86399 : 86399999)));
      case TypeId::kTime64:
        return static_cast<Int64Builder&>(b).Append(
            Int(0, t.unit() == TimeUnit::kMicro ? 86399999999LL : 86399999999999LL));
      case TypeId::kTimestamp: {
        // Within +-250e9 s of 1970 (about +-8000 years), so that every reader's
        // calendar holds them (DuckDB refuses timestamps past year 294247).
        const int64_t per_second = t.unit() == TimeUnit::kSecond  ? 1
                                   : t.unit() == TimeUnit::kMilli ? 1000
                                   : t.unit() == TimeUnit::kMicro ? 1000000
                                                                  : 1000000000;
        const int64_t limit =
            per_second == 1000000000 ? 4000000000000000000LL : 250000000000LL * per_second;
        return static_cast<Int64Builder&>(b).Append(Int(-limit, limit));
      }
      case TypeId::kDuration:
        return static_cast<Int64Builder&>(b).Append(Int(-4000000000000000000LL, 4000000000000000000LL));
      case TypeId::kIntervalMonthDayNano:
        return static_cast<MonthDayNanoBuilder&>(b).Append(
            {int32_t(Int(-100, 100)), int32_t(Int(-100, 100)), Int(-1000000000000, 1000000000000)});
      case TypeId::kBinary:
      case TypeId::kString:
        return static_cast<BinaryBuilder&>(b).Append(Bytes(t.is_string()));
      case TypeId::kLargeBinary:
      case TypeId::kLargeString:
        return static_cast<LargeBinaryBuilder&>(b).Append(Bytes(t.is_string()));
      case TypeId::kBinaryView:
      case TypeId::kStringView:
        return static_cast<BinaryViewBuilder&>(b).Append(Bytes(t.is_string()));
      case TypeId::kFixedSizeBinary: {
        std::string s;
        for (int k = 0; k < t.byte_width(); ++k) s.push_back(char(Int(0, 255)));
        return static_cast<FixedSizeBinaryBuilder&>(b).Append(s);
      }
      case TypeId::kList: {
        auto& lb = static_cast<ListBuilder&>(b);
        QUIRE_RETURN_NOT_OK(lb.Append());
        return Fill(*lb.value_builder(), Int(0, o_.max_list_length), t.value_field()->nullable());
      }
      case TypeId::kLargeList: {
        auto& lb = static_cast<LargeListBuilder&>(b);
        QUIRE_RETURN_NOT_OK(lb.Append());
        return Fill(*lb.value_builder(), Int(0, o_.max_list_length), t.value_field()->nullable());
      }
      case TypeId::kFixedSizeList: {
        auto& lb = static_cast<FixedSizeListBuilder&>(b);
        QUIRE_RETURN_NOT_OK(lb.Append());
        return Fill(*lb.value_builder(), t.list_size(), t.value_field()->nullable());
      }
      case TypeId::kMap: {
        auto& mb = static_cast<MapBuilder&>(b);
        QUIRE_RETURN_NOT_OK(mb.Append());
        const int64_t n = Int(0, o_.max_list_length);
        // Keys are never null.
        const double saved = o_.null_probability;
        o_.null_probability = 0;
        Status st = Fill(*mb.key_builder(), n);
        o_.null_probability = saved;
        QUIRE_RETURN_NOT_OK(st);
        return Fill(*mb.item_builder(), n, t.value_type()->field(1)->nullable());
      }
      case TypeId::kStruct: {
        auto& sb = static_cast<StructBuilder&>(b);
        QUIRE_RETURN_NOT_OK(sb.Append());
        for (int c = 0; c < sb.num_fields(); ++c) {
          QUIRE_RETURN_NOT_OK(AppendOne(*sb.field_builder(c), t.field(c)->nullable()));
        }
        return Status::OK();
      }
      case TypeId::kDictionary: {
        // Draw from a small set of values so that indices repeat.
        auto& db = static_cast<DictionaryBuilder&>(b);
        auto value_builder = MakeBuilder(t.dictionary_value_type()).ValueOrDie();
        RandomOptions o = o_;
        o.seed = uint32_t(Int(0, 4));
        o.null_probability = 0;
        Generator g(o);
        QUIRE_RETURN_NOT_OK(g.AppendOne(*value_builder));
        QUIRE_ASSIGN_OR_RETURN(auto one, value_builder->Finish());
        return db.AppendFrom(*one, 0);
      }
      default:
        return Status::Unsupported("no random values for {}", t.ToString());
    }
  }

 private:
  RandomOptions o_;
  std::mt19937_64 rng_;
};

}  // namespace

ArrayPtr MakeRandomArray(const TypePtr& type, int64_t length, const RandomOptions& options) {
  auto builder = MakeBuilder(type).ValueOrDie();
  Generator g(options);
  Status st = g.Fill(*builder, length);
  if (!st.ok()) internal::DieOnError(st);
  return builder->Finish().ValueOrDie();
}

std::vector<std::pair<std::string, TypePtr>> EveryType() {
  auto point = struct_({field("x", float64()), field("y", float64(), false)});
  return {
      {"null", null()},
      {"bool", boolean()},
      {"int8", int8()},
      {"int16", int16()},
      {"int32", int32()},
      {"int64", int64()},
      {"uint8", uint8()},
      {"uint16", uint16()},
      {"uint32", uint32()},
      {"uint64", uint64()},
      {"float16", float16()},
      {"float32", float32()},
      {"float64", float64()},
      {"decimal128", decimal128(20, 4)},
      {"decimal128_neg_scale", decimal128(5, -2)},
      {"decimal256", decimal256(60, 10)},
      {"date32", date32()},
      {"date64", date64()},
      {"time32_s", time32(TimeUnit::kSecond)},
      {"time32_ms", time32(TimeUnit::kMilli)},
      {"time64_us", time64(TimeUnit::kMicro)},
      {"time64_ns", time64(TimeUnit::kNano)},
      {"timestamp_s", timestamp(TimeUnit::kSecond)},
      {"timestamp_ms_utc", timestamp(TimeUnit::kMilli, "UTC")},
      {"timestamp_us_tz", timestamp(TimeUnit::kMicro, "Europe/Berlin")},
      {"timestamp_ns", timestamp(TimeUnit::kNano)},
      {"duration_us", duration(TimeUnit::kMicro)},
      {"interval_mdn", interval_month_day_nano()},
      {"binary", binary()},
      {"string", utf8()},
      {"large_binary", large_binary()},
      {"large_string", large_utf8()},
      {"binary_view", binary_view()},
      {"string_view", utf8_view()},
      {"fixed_size_binary", fixed_size_binary(5)},
      {"list_int32", list(int32())},
      {"large_list_string", large_list(utf8())},
      {"fixed_size_list_float", fixed_size_list(float32(), 3)},
      {"struct", point},
      {"map_string_int", map(utf8(), int64())},
      {"dictionary_string", dictionary(int32(), utf8())},
      {"dictionary_int8_int64", dictionary(int8(), int64())},
      {"list_of_struct", list(point)},
      {"map_of_list", map(int32(), list(utf8()))},
      {"struct_of_list_and_map",
       struct_({field("l", list(list(int16()))), field("m", map(utf8(), point)),
                field("d", dictionary(uint16(), utf8_view()))})},
      {"list_of_dictionary", list(dictionary(int16(), utf8()))},
  };
}

}  // namespace quire::testing
