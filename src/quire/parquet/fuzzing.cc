/// \file quire/parquet/fuzzing.cc
/// \brief Metadata fuzz entry point: parse, then serialize/parse/serialize round trip.
#include "quire/parquet/fuzzing.h"

#include <string>

#include "quire/parquet/metadata.h"
#include "quire/util/macros.h"

namespace quire::parquet {

namespace {

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Adapters giving every target the same shape: parse from bytes, serialize to bytes.
template <typename T>
struct Target;

template <>
struct Target<FileMetaData> {
  static Result<FileMetaData> Parse(std::span<const uint8_t> b) {
    return ParseFileMetaData(b);
  }
  static std::string Serialize(const FileMetaData& v) { return SerializeFileMetaData(v); }
};

template <>
struct Target<PageHeader> {
  static Result<PageHeader> Parse(std::span<const uint8_t> b) {
    int64_t length = 0;
    return ParsePageHeader(b, &length);
  }
  static std::string Serialize(const PageHeader& v) { return SerializePageHeader(v); }
};

template <>
struct Target<ColumnIndex> {
  static Result<ColumnIndex> Parse(std::span<const uint8_t> b) {
    return ParseColumnIndex(b);
  }
  static std::string Serialize(const ColumnIndex& v) { return SerializeColumnIndex(v); }
};

template <>
struct Target<OffsetIndex> {
  static Result<OffsetIndex> Parse(std::span<const uint8_t> b) {
    return ParseOffsetIndex(b);
  }
  static std::string Serialize(const OffsetIndex& v) { return SerializeOffsetIndex(v); }
};

template <>
struct Target<BloomFilterHeader> {
  static Result<BloomFilterHeader> Parse(std::span<const uint8_t> b) {
    int64_t length = 0;
    return ParseBloomFilterHeader(b, &length);
  }
  static std::string Serialize(const BloomFilterHeader& v) {
    return SerializeBloomFilterHeader(v);
  }
};

template <>
struct Target<FileCryptoMetaData> {
  static Result<FileCryptoMetaData> Parse(std::span<const uint8_t> b) {
    return ParseFileCryptoMetaData(b);
  }
  static std::string Serialize(const FileCryptoMetaData& v) {
    return SerializeFileCryptoMetaData(v);
  }
};

template <typename T>
Status RoundTrip(std::span<const uint8_t> data, const char* name) {
  QUIRE_ASSIGN_OR_RETURN(T first, Target<T>::Parse(data));
  const std::string bytes = Target<T>::Serialize(first);
  auto second = Target<T>::Parse(AsBytes(bytes));
  if (!second.ok()) {
    return Status::Internal("{} serialized from a parsed value does not parse: {}", name,
                            second.status().ToString());
  }
  if (!(*second == first)) {
    return Status::Internal("{} changed in a serialize/parse round trip", name);
  }
  if (Target<T>::Serialize(*second) != bytes) {
    return Status::Internal("{} serializes differently after a round trip", name);
  }
  return Status::OK();
}

}  // namespace

Status FuzzParquetMetadata(std::span<const uint8_t> data) {
  if (data.empty()) return Status::OK();
  const auto target = static_cast<FuzzMetadataTarget>(data[0] % kNumFuzzMetadataTargets);
  const auto bytes = data.subspan(1);
  switch (target) {
    case FuzzMetadataTarget::kFileMetaData:
      return RoundTrip<FileMetaData>(bytes, "FileMetaData");
    case FuzzMetadataTarget::kPageHeader:
      return RoundTrip<PageHeader>(bytes, "PageHeader");
    case FuzzMetadataTarget::kColumnIndex:
      return RoundTrip<ColumnIndex>(bytes, "ColumnIndex");
    case FuzzMetadataTarget::kOffsetIndex:
      return RoundTrip<OffsetIndex>(bytes, "OffsetIndex");
    case FuzzMetadataTarget::kBloomFilterHeader:
      return RoundTrip<BloomFilterHeader>(bytes, "BloomFilterHeader");
    case FuzzMetadataTarget::kFileCryptoMetaData:
      return RoundTrip<FileCryptoMetaData>(bytes, "FileCryptoMetaData");
  }
  return Status::OK();
}

}  // namespace quire::parquet
