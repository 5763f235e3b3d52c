/// \file tests/parquet/metadata_test.cc
/// \brief Metadata structs: round trips, forward compatibility, required fields, and
/// the footers, page headers, page indexes and bloom filter headers of the corpus.
#include "quire/parquet/metadata.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "quire/parquet/footer.h"
#include "quire/testing/matchers.h"

namespace quire::parquet {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every unencrypted *.parquet file of the corpus, sorted.
std::vector<fs::path> CorpusFiles() {
  std::vector<fs::path> files;
  for (const char* dir : {"tests/data/parquet/data", "tests/data/parquet/bad_data",
                          "tests/data/parquet/shredded_variant"}) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.path().extension() == ".parquet") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The footer bytes of a corpus file (which must have a plaintext footer).
std::string FooterBytes(const std::string& file) {
  const auto size = static_cast<int64_t>(file.size());
  auto location = LocateFooter(Bytes(file).last(kFooterTailSize), size);
  if (!location.ok()) return {};
  return file.substr(location->metadata_offset, location->metadata_length);
}

template <typename T>
T RoundTrip(const T& value) {
  std::string bytes;
  CompactWriter writer(&bytes);
  Serialize(value, writer);
  CompactReader reader(Bytes(bytes));
  T back;
  Status st = Parse(reader, &back);
  EXPECT_OK(st);
  EXPECT_EQ(reader.remaining(), 0);
  return back;
}

// ---------------------------------------------------------------------------
// Hand-built structures

LogicalType Logical(LogicalType::Kind kind) {
  LogicalType type;
  type.kind = kind;
  return type;
}

FileMetaData EverythingSet() {
  using Kind = LogicalType::Kind;
  FileMetaData meta;
  meta.version = 2;
  meta.schema.push_back({.name = "schema", .num_children = 20});
  std::vector<LogicalType> types;
  for (Kind kind :
       {Kind::kString, Kind::kMap, Kind::kList, Kind::kEnum, Kind::kDate, Kind::kNull,
        Kind::kJson, Kind::kBson, Kind::kUuid, Kind::kFloat16, Kind::kVector}) {
    types.push_back(Logical(kind));
  }
  LogicalType decimal = Logical(Kind::kDecimal);
  decimal.scale = 2;
  decimal.precision = 38;
  types.push_back(decimal);
  LogicalType time = Logical(Kind::kTime);
  time.is_adjusted_to_utc = true;
  time.unit = TimeUnit::kNanos;
  types.push_back(time);
  LogicalType timestamp = Logical(Kind::kTimestamp);
  timestamp.unit = TimeUnit::kMicros;
  types.push_back(timestamp);
  LogicalType integer = Logical(Kind::kInteger);
  integer.bit_width = 16;
  integer.is_signed = false;
  types.push_back(integer);
  LogicalType variant = Logical(Kind::kVariant);
  variant.specification_version = 1;
  types.push_back(variant);
  LogicalType geometry = Logical(Kind::kGeometry);
  geometry.crs = "EPSG:4326";
  types.push_back(geometry);
  LogicalType geography = Logical(Kind::kGeography);
  geography.algorithm = EdgeInterpolationAlgorithm::kKarney;
  types.push_back(geography);
  types.push_back(Logical(static_cast<Kind>(42)));  // a member from the future
  types.push_back(Logical(static_cast<Kind>(0)));   // an empty union
  for (size_t i = 0; i < types.size(); ++i) {
    meta.schema.push_back({.type = Type::kByteArray,
                           .type_length = 3,
                           .repetition_type = FieldRepetitionType::kOptional,
                           .name = "c" + std::to_string(i),
                           .converted_type = ConvertedType::kUtf8,
                           .scale = 1,
                           .precision = 2,
                           .field_id = static_cast<int32_t>(i),
                           .logical_type = types[i],
                           .vector_length = 4});
  }
  meta.num_rows = 1234567890123;
  ColumnMetaData column;
  column.type = static_cast<Type>(99);
  column.encodings = {Encoding::kPlain, Encoding::kRleDictionary,
                      static_cast<Encoding>(42)};
  column.path_in_schema = {"a", "b"};
  column.codec = static_cast<CompressionCodec>(77);
  column.num_values = -1;
  column.total_uncompressed_size = 1LL << 40;
  column.total_compressed_size = 7;
  column.key_value_metadata =
      std::vector<KeyValue>{{"k", "v"}, {"no value", std::nullopt}};
  column.data_page_offset = 4;
  column.index_page_offset = 5;
  column.dictionary_page_offset = 6;
  column.statistics =
      Statistics{"max", "min", 1, 2, "max_value", "min_value", true, false, 3};
  column.encoding_stats =
      std::vector<PageEncodingStats>{{PageType::kDictionaryPage, Encoding::kPlain, 1},
                                     {PageType::kDataPage, Encoding::kRleDictionary, 9}};
  column.bloom_filter_offset = 100;
  column.bloom_filter_length = 1056;
  column.size_statistics =
      SizeStatistics{10, std::vector<int64_t>{1, 2}, std::vector<int64_t>{}};
  GeospatialStatistics geo;
  geo.bbox = BoundingBox{
      -1,          1, -2, 2, std::nullopt, 5, std::numeric_limits<double>::quiet_NaN(),
      std::nullopt};
  geo.geospatial_types = std::vector<int32_t>{1, 1003};
  column.geospatial_statistics = geo;
  ColumnChunk chunk;
  chunk.file_path = "other.parquet";
  chunk.file_offset = 17;
  chunk.meta_data = column;
  chunk.offset_index_offset = 1000;
  chunk.offset_index_length = 20;
  chunk.column_index_offset = 1020;
  chunk.column_index_length = 30;
  chunk.crypto_metadata = ColumnCryptoMetaData{
      ColumnCryptoMetaData::Kind::kEncryptionWithColumnKey, {"a", "b"}, "key"};
  chunk.encrypted_column_metadata = std::string("\0\1\2", 3);
  RowGroup group;
  group.columns = {chunk, ColumnChunk{}};
  group.total_byte_size = 99;
  group.num_rows = 1234567890123;
  group.sorting_columns = std::vector<SortingColumn>{{0, true, false}, {1, false, true}};
  group.file_offset = 4;
  group.total_compressed_size = 98;
  group.ordinal = -2;
  meta.row_groups = {group, RowGroup{}};
  meta.key_value_metadata = std::vector<KeyValue>{{"ARROW:schema", "..."}};
  meta.created_by = "quire";
  meta.column_orders = std::vector<ColumnOrder>{{ColumnOrder::Kind::kTypeDefinedOrder},
                                                {ColumnOrder::Kind::kIeee754TotalOrder},
                                                {ColumnOrder::Kind::kInt96TimestampOrder},
                                                {static_cast<ColumnOrder::Kind>(9)}};
  meta.encryption_algorithm = EncryptionAlgorithm{EncryptionAlgorithm::Kind::kAesGcmCtrV1,
                                                  "prefix", "unique", true};
  meta.footer_signing_key_metadata = "signing key";
  return meta;
}

TEST(MetadataTest, RoundTripsAFileMetaDataWithEveryFieldSet) {
  const FileMetaData meta = EverythingSet();
  const std::string bytes = SerializeFileMetaData(meta);
  ASSERT_OK_AND_ASSIGN(FileMetaData back, ParseFileMetaData(Bytes(bytes)));
  EXPECT_EQ(back, meta);
  EXPECT_EQ(SerializeFileMetaData(back), bytes);
  // Trailing bytes (a plaintext footer's signature) are ignored.
  ASSERT_OK_AND_ASSIGN(FileMetaData with_trailer,
                       ParseFileMetaData(Bytes(bytes + std::string(28, '\x7f'))));
  EXPECT_EQ(with_trailer, meta);
}

TEST(MetadataTest, KeepsUnknownEnumValues) {
  ColumnMetaData column;
  column.type = static_cast<Type>(8);
  column.encodings = {static_cast<Encoding>(1), static_cast<Encoding>(10),
                      static_cast<Encoding>(-5)};
  column.codec = static_cast<CompressionCodec>(8);
  EXPECT_EQ(RoundTrip(column), column);
  EXPECT_EQ(ToString(Encoding::kRleDictionary), "RLE_DICTIONARY");
  EXPECT_EQ(ToString(static_cast<Encoding>(1)), "Encoding(1)");
  EXPECT_EQ(ToString(static_cast<Encoding>(42)), "Encoding(42)");
  EXPECT_EQ(ToString(static_cast<Type>(-1)), "Type(-1)");
  EXPECT_EQ(ToString(CompressionCodec::kLz4Raw), "LZ4_RAW");
  EXPECT_EQ(ToString(ConvertedType::kInterval), "INTERVAL");
  EXPECT_EQ(ToString(PageType::kDataPageV2), "DATA_PAGE_V2");
}

TEST(MetadataTest, KeepsUnrecognizedLogicalTypeMembersByFieldId) {
  // A SchemaElement whose logicalType union holds member 25, a struct with fields.
  std::string bytes;
  CompactWriter w(&bytes);
  w.WriteStructBegin();
  w.WriteFieldHeader(4, CompactType::kBinary);
  w.WriteBinary("col");
  w.WriteFieldHeader(10, CompactType::kStruct);
  w.WriteStructBegin();
  w.WriteFieldHeader(25, CompactType::kStruct);
  w.WriteStructBegin();
  w.WriteFieldHeader(1, CompactType::kBinary);
  w.WriteBinary("future parameter");
  w.WriteBoolField(2, true);
  w.WriteStructEnd();
  w.WriteStructEnd();
  w.WriteStructEnd();
  CompactReader reader(Bytes(bytes));
  SchemaElement element;
  ASSERT_OK(Parse(reader, &element));
  ASSERT_TRUE(element.logical_type.has_value());
  EXPECT_EQ(static_cast<int>(element.logical_type->kind), 25);
  EXPECT_FALSE(element.logical_type->is_recognized());
  EXPECT_EQ(ToString(*element.logical_type), "LogicalType(25)");
  // Written back as member 25 holding an empty struct.
  EXPECT_EQ(RoundTrip(element), element);
  LogicalType decimal = Logical(LogicalType::Kind::kDecimal);
  decimal.precision = 9;
  decimal.scale = 2;
  EXPECT_TRUE(decimal.is_recognized());
  EXPECT_EQ(ToString(decimal), "DECIMAL(precision=9, scale=2)");
}

TEST(MetadataTest, RejectsUnionsWithTwoMembers) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.WriteStructBegin();
  w.WriteFieldHeader(1, CompactType::kStruct);
  w.WriteStructBegin();
  w.WriteStructEnd();
  w.WriteFieldHeader(6, CompactType::kStruct);
  w.WriteStructBegin();
  w.WriteStructEnd();
  w.WriteStructEnd();
  CompactReader reader(Bytes(bytes));
  LogicalType type;
  EXPECT_THAT(Parse(reader, &type),
              IsError(ErrorCode::kCorrupt, HasSubstr("more than one member")));
}

TEST(MetadataTest, NamesTheStructAndFieldOfAMissingRequiredField) {
  const std::string bytes = SerializeFileMetaData(EverythingSet());
  {
    std::string custom;
    CompactWriter w(&custom);
    w.WriteStructBegin();
    w.WriteFieldHeader(1, CompactType::kI32);
    w.WriteI32(1);
    w.WriteFieldHeader(2, CompactType::kList);
    w.WriteListHeader(CompactType::kStruct, 1);
    w.WriteStructBegin();
    w.WriteFieldHeader(5, CompactType::kI32);
    w.WriteI32(0);
    w.WriteStructEnd();
    w.WriteStructEnd();
    EXPECT_THAT(ParseFileMetaData(Bytes(custom)),
                IsError(ErrorCode::kCorrupt,
                        HasSubstr("FileMetaData.schema[0]: SchemaElement: required field "
                                  "name (4) is missing")));
  }
  // A ColumnMetaData without num_values, deep inside.
  ColumnMetaData column;
  column.path_in_schema = {"x"};
  std::string column_bytes;
  {
    CompactWriter w(&column_bytes);
    w.WriteStructBegin();
    w.WriteFieldHeader(1, CompactType::kI32);
    w.WriteI32(1);
    w.WriteFieldHeader(2, CompactType::kList);
    w.WriteListHeader(CompactType::kI32, 0);
    w.WriteFieldHeader(3, CompactType::kList);
    w.WriteListHeader(CompactType::kBinary, 0);
    w.WriteFieldHeader(4, CompactType::kI32);
    w.WriteI32(0);
    w.WriteStructEnd();
  }
  CompactReader reader(Bytes(column_bytes));
  EXPECT_THAT(
      Parse(reader, &column),
      IsError(ErrorCode::kCorrupt,
              HasSubstr("ColumnMetaData: required field num_values (5) is missing")));
  // Every proper prefix of a serialized footer is corrupt.
  for (size_t n : {size_t{0}, size_t{1}, bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_THAT(ParseFileMetaData(Bytes(bytes.substr(0, n))),
                IsError(ErrorCode::kCorrupt));
  }
}

TEST(MetadataTest, SkipsKnownFieldsOfAnotherTypeLikeThriftDoes) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.WriteStructBegin();
  w.WriteFieldHeader(3, CompactType::kBinary);  // null_count is an i64
  w.WriteBinary("x");
  w.WriteFieldHeader(4, CompactType::kI16);  // distinct_count as i16: same varint
  w.WriteI16(-7);
  w.WriteStructEnd();
  CompactReader reader(Bytes(bytes));
  Statistics stats;
  ASSERT_OK(Parse(reader, &stats));
  EXPECT_FALSE(stats.null_count.has_value());
  EXPECT_EQ(stats.distinct_count, -7);
  // A required field of another type is reported as such.
  std::string key_value;
  CompactWriter kw(&key_value);
  kw.WriteStructBegin();
  kw.WriteFieldHeader(1, CompactType::kI32);
  kw.WriteI32(5);
  kw.WriteStructEnd();
  CompactReader key_reader(Bytes(key_value));
  KeyValue kv;
  EXPECT_THAT(Parse(key_reader, &kv),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("KeyValue: required field key (1) has the wrong type")));
  // An i64 that does not fit the i32 it is read into is corrupt.
  std::string big;
  CompactWriter bw(&big);
  bw.WriteStructBegin();
  bw.WriteFieldHeader(1, CompactType::kI64);
  bw.WriteI64(int64_t{1} << 40);
  bw.WriteStructEnd();
  CompactReader big_reader(Bytes(big));
  SortingColumn column;
  EXPECT_THAT(
      Parse(big_reader, &column),
      IsError(ErrorCode::kCorrupt,
              HasSubstr("SortingColumn.column_idx: the i64 1099511627776 at offset 1 "
                        "does not fit 32 bits")));
}

TEST(MetadataTest, SkipsUnknownFields) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.WriteStructBegin();
  w.WriteFieldHeader(3, CompactType::kI64);
  w.WriteI64(5);
  w.WriteFieldHeader(50, CompactType::kMap);
  w.WriteMapHeader(CompactType::kBinary, CompactType::kList, 1);
  w.WriteBinary("k");
  w.WriteListHeader(CompactType::kDouble, 1);
  w.WriteDouble(1);
  w.WriteFieldHeader(51, CompactType::kUuid);
  bytes.append(16, '\0');
  w.WriteStructEnd();
  CompactReader reader(Bytes(bytes));
  Statistics stats;
  ASSERT_OK(Parse(reader, &stats));
  EXPECT_EQ(stats.null_count, 5);
  EXPECT_EQ(reader.remaining(), 0);
}

TEST(MetadataTest, BoundsAllocationsByTheInputSize) {
  // FileMetaData whose schema list claims 2^31 - 1 elements in a few bytes.
  const std::string bytes =
      std::string("\x15\x02\x19\xfc\xff\xff\xff\x07", 8) + "\x00\x00";
  EXPECT_THAT(ParseFileMetaData(Bytes(bytes)),
              IsError(ErrorCode::kCorrupt, HasSubstr("FileMetaData.schema")));
  // Many empty structs: each is one byte, each fails its required fields quickly.
  std::string many = "\x15\x02\x19\xfc\xff\xff\x3f";
  many.append(1 << 20, '\0');
  EXPECT_THAT(ParseFileMetaData(Bytes(many)),
              IsError(ErrorCode::kCorrupt, HasSubstr("FileMetaData.schema[0]")));
}

// ---------------------------------------------------------------------------
// Page headers, page index, bloom filter headers

PageHeader DataPage(int32_t num_values) {
  PageHeader header;
  header.type = PageType::kDataPage;
  header.uncompressed_page_size = 100;
  header.compressed_page_size = 60;
  header.crc = -12345;
  header.data_page_header =
      DataPageHeader{num_values, Encoding::kRleDictionary, Encoding::kRle, Encoding::kRle,
                     Statistics{.null_count = 0}};
  return header;
}

TEST(PageHeaderTest, ReportsTheHeaderLengthInFrontOfThePage) {
  const PageHeader header = DataPage(10);
  const std::string bytes = SerializePageHeader(header);
  const std::string page = bytes + std::string(60, '\x55');
  int64_t length = 0;
  ASSERT_OK_AND_ASSIGN(PageHeader back, ParsePageHeader(Bytes(page), &length));
  EXPECT_EQ(back, header);
  EXPECT_EQ(length, static_cast<int64_t>(bytes.size()));
}

TEST(PageHeaderTest, RejectsNegativeCountsAndSizes) {
  int64_t length = 0;
  EXPECT_THAT(
      ParsePageHeader(Bytes(SerializePageHeader(DataPage(-1))), &length),
      IsError(ErrorCode::kCorrupt, HasSubstr("DataPageHeader.num_values is negative")));
  PageHeader negative_size = DataPage(1);
  negative_size.compressed_page_size = -7;
  EXPECT_THAT(
      ParsePageHeader(Bytes(SerializePageHeader(negative_size)), &length),
      IsError(ErrorCode::kCorrupt, HasSubstr("compressed_page_size is negative")));
  PageHeader dictionary;
  dictionary.type = PageType::kDictionaryPage;
  dictionary.dictionary_page_header = DictionaryPageHeader{-3, Encoding::kPlain, true};
  EXPECT_THAT(ParsePageHeader(Bytes(SerializePageHeader(dictionary)), &length),
              IsError(ErrorCode::kCorrupt, HasSubstr("DictionaryPageHeader.num_values")));
  PageHeader missing;
  missing.type = PageType::kDataPageV2;
  EXPECT_THAT(ParsePageHeader(Bytes(SerializePageHeader(missing)), &length),
              IsError(ErrorCode::kCorrupt, HasSubstr("without data_page_header_v2")));
  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.compressed_page_size = 10;
  v2.uncompressed_page_size = 20;
  v2.data_page_header_v2 = DataPageHeaderV2{5, 1, 5, Encoding::kPlain, 6, 6, false, {}};
  EXPECT_THAT(ParsePageHeader(Bytes(SerializePageHeader(v2)), &length),
              IsError(ErrorCode::kCorrupt, HasSubstr("12 bytes of levels do not fit")));
  v2.data_page_header_v2->repetition_levels_byte_length = 4;
  ASSERT_OK_AND_ASSIGN(PageHeader back,
                       ParsePageHeader(Bytes(SerializePageHeader(v2)), &length));
  EXPECT_EQ(back, v2);
  // Page types from the future parse; the page reader decides what to do with them.
  PageHeader future;
  future.type = static_cast<PageType>(7);
  EXPECT_OK(ParsePageHeader(Bytes(SerializePageHeader(future)), &length));
}

TEST(ColumnIndexTest, RequiresOneEntryPerPage) {
  ColumnIndex index;
  index.null_pages = {false, true, false};
  index.min_values = {"a", "", "c"};
  index.max_values = {"b", "", "d"};
  index.boundary_order = BoundaryOrder::kAscending;
  index.null_counts = std::vector<int64_t>{0, 5, 1};
  index.definition_level_histograms = std::vector<int64_t>{0, 1, 5, 0, 1, 2};
  ASSERT_OK_AND_ASSIGN(ColumnIndex back,
                       ParseColumnIndex(Bytes(SerializeColumnIndex(index))));
  EXPECT_EQ(back, index);
  index.max_values.pop_back();
  EXPECT_THAT(ParseColumnIndex(Bytes(SerializeColumnIndex(index))),
              IsError(ErrorCode::kCorrupt, HasSubstr("max_values has 2 entries")));
  index.max_values.push_back("d");
  index.nan_counts = std::vector<int64_t>{0};
  EXPECT_THAT(ParseColumnIndex(Bytes(SerializeColumnIndex(index))),
              IsError(ErrorCode::kCorrupt, HasSubstr("nan_counts has 1 entries")));
}

TEST(BloomFilterHeaderTest, RoundTripsAndKeepsUnknownAlgorithms) {
  BloomFilterHeader header{1024, BloomFilterAlgorithm::kBlock, BloomFilterHash::kXxHash,
                           BloomFilterCompression::kUncompressed};
  const std::string bytes = SerializeBloomFilterHeader(header);
  int64_t length = 0;
  ASSERT_OK_AND_ASSIGN(
      BloomFilterHeader back,
      ParseBloomFilterHeader(Bytes(bytes + std::string(1024, '\0')), &length));
  EXPECT_EQ(back, header);
  EXPECT_EQ(length, static_cast<int64_t>(bytes.size()));
  header.hash = static_cast<BloomFilterHash>(2);
  ASSERT_OK_AND_ASSIGN(
      back, ParseBloomFilterHeader(Bytes(SerializeBloomFilterHeader(header)), &length));
  EXPECT_EQ(static_cast<int>(back.hash), 2);
  header.num_bytes = -1;
  EXPECT_THAT(ParseBloomFilterHeader(Bytes(SerializeBloomFilterHeader(header)), &length),
              IsError(ErrorCode::kCorrupt, HasSubstr("numBytes is negative")));
}

TEST(BloomFilterHeaderTest, ParsesTheStandaloneCorpusBlob) {
  const std::string bytes = ReadFile("tests/data/parquet/data/bloom_filter.xxhash.bin");
  ASSERT_FALSE(bytes.empty());
  int64_t length = 0;
  ASSERT_OK_AND_ASSIGN(BloomFilterHeader header,
                       ParseBloomFilterHeader(Bytes(bytes), &length));
  EXPECT_EQ(header.algorithm, BloomFilterAlgorithm::kBlock);
  EXPECT_EQ(header.hash, BloomFilterHash::kXxHash);
  EXPECT_EQ(header.compression, BloomFilterCompression::kUncompressed);
  EXPECT_EQ(header.num_bytes, 1024);
  EXPECT_EQ(length + header.num_bytes, static_cast<int64_t>(bytes.size()));
  // bloom_filter.bin predates the Thrift header (three little-endian i32s, then the
  // bitset): as Thrift it is a struct without its required fields.
  const std::string legacy = ReadFile("tests/data/parquet/data/bloom_filter.bin");
  ASSERT_FALSE(legacy.empty());
  EXPECT_THAT(ParseBloomFilterHeader(Bytes(legacy), &length),
              IsError(ErrorCode::kCorrupt));
}

// ---------------------------------------------------------------------------
// The corpus

TEST(MetadataCorpusTest, FootersRoundTripToIdenticalBytes) {
  int files = 0;
  int identical_to_the_file = 0;
  for (const fs::path& path : CorpusFiles()) {
    SCOPED_TRACE(path.string());
    const std::string footer = FooterBytes(ReadFile(path));
    ASSERT_FALSE(footer.empty());
    ASSERT_OK_AND_ASSIGN(FileMetaData meta, ParseFileMetaData(Bytes(footer)));
    const std::string once = SerializeFileMetaData(meta);
    ASSERT_OK_AND_ASSIGN(FileMetaData again, ParseFileMetaData(Bytes(once)));
    EXPECT_EQ(again, meta);
    EXPECT_EQ(SerializeFileMetaData(again), once);
    identical_to_the_file += once == footer;
    ++files;
  }
  EXPECT_GT(files, 200);
  // Most writers use the Thrift libraries, whose output this codec reproduces.
  EXPECT_GT(identical_to_the_file, files / 2);
  RecordProperty("files", files);
  RecordProperty("identical_to_the_file", identical_to_the_file);
}

TEST(MetadataCorpusTest, ParsesTheUnknownLogicalTypeFile) {
  const std::string file =
      ReadFile("tests/data/parquet/data/unknown-logical-type.parquet");
  ASSERT_OK_AND_ASSIGN(FileMetaData meta, ReadFileMetaData(Bytes(file)));
  int unrecognized = 0;
  for (const SchemaElement& element : meta.schema) {
    if (element.logical_type && !element.logical_type->is_recognized()) ++unrecognized;
  }
  EXPECT_EQ(unrecognized, 1);
}

// Where the pages of a column chunk start: the dictionary page if there is one.
// Offsets inside the leading magic are placeholders, not offsets: some writers store
// dictionary_page_offset 0 for "none", and column_chunk_key_value_metadata.parquet
// has data_page_offset 0 above a dictionary page at 4.
int64_t ChunkStart(const ColumnMetaData& column) {
  const int64_t magic = static_cast<int64_t>(kMagic.size());
  int64_t start = column.data_page_offset;
  if (column.dictionary_page_offset && *column.dictionary_page_offset >= magic &&
      (start < magic || *column.dictionary_page_offset < start)) {
    start = *column.dictionary_page_offset;
  }
  return start;
}

// Walks the page headers of one column chunk; returns the first error.
Status WalkPages(const std::string& file, const ColumnMetaData& column, int* pages) {
  const int64_t start = ChunkStart(column);
  const int64_t end = start + column.total_compressed_size;
  if (start < 0 || end > static_cast<int64_t>(file.size()) || end < start) {
    return Status::Corrupt("chunk [{}, {}) is outside the file", start, end);
  }
  int64_t offset = start;
  int64_t values = 0;
  while (offset < end) {
    int64_t header_length = 0;
    auto header =
        ParsePageHeader(Bytes(file).subspan(offset, end - offset), &header_length);
    if (!header.ok()) {
      return header.status().WithContext(fmt::format("page at offset {}", offset));
    }
    if (header->data_page_header) values += header->data_page_header->num_values;
    if (header->data_page_header_v2) values += header->data_page_header_v2->num_values;
    offset += header_length + header->compressed_page_size;
    ++*pages;
  }
  if (offset != end) {
    return Status::Corrupt("the last page ends at {}, past the chunk end {}", offset,
                           end);
  }
  if (values != column.num_values) {
    return Status::Corrupt("pages hold {} values, the chunk {}", values,
                           column.num_values);
  }
  return Status::OK();
}

// Corpus files whose pages do not tile their column chunks, and the error each
// chunk that does not gives (one substring for all the file's failing chunks).
struct PageWalkException {
  const char* file;
  const char* error;
  const char* why;
};
constexpr PageWalkException kPageWalkExceptions[] = {
    {"nation.dict-malformed.parquet", "past the chunk end",
     "parquet-mr left the dictionary page header out of total_compressed_size "
     "(readers pad the chunk range, as Arrow does for PARQUET-816)"},
    {"ARROW-GH-41321.parquet", "", "fuzzed: truncated and negative-count page headers"},
    {"ARROW-RS-GH-6229-LEVELS.parquet", "pages hold 21 values, the chunk 1",
     "the data page claims 21 values, the chunk and the levels 1"},
    {"ARROW-RS-GH-6229-DICTHEADER.parquet", "",
     "see DictHeaderWithNegativeCountIsCorrupt"},
};

TEST(MetadataCorpusTest, PageHeadersTileEveryColumnChunk) {
  int pages = 0;
  int chunks = 0;
  int excepted_failures = 0;
  for (const fs::path& path : CorpusFiles()) {
    SCOPED_TRACE(path.string());
    const std::string file = ReadFile(path);
    ASSERT_OK_AND_ASSIGN(FileMetaData meta, ReadFileMetaData(Bytes(file)));
    const PageWalkException* exception = nullptr;
    for (const auto& e : kPageWalkExceptions) {
      if (path.filename() == e.file) exception = &e;
    }
    for (const RowGroup& group : meta.row_groups) {
      for (const ColumnChunk& chunk : group.columns) {
        Status st = WalkPages(file, *chunk.meta_data, &pages);
        ++chunks;
        if (exception != nullptr && !st.ok()) {
          EXPECT_THAT(st, IsError(ErrorCode::kCorrupt, HasSubstr(exception->error)))
              << exception->why;
          ++excepted_failures;
          continue;
        }
        EXPECT_OK(st) << "column " << chunk.meta_data->path_in_schema.back();
      }
    }
  }
  EXPECT_GT(chunks, 500);
  EXPECT_GE(excepted_failures, static_cast<int>(std::size(kPageWalkExceptions)));
  RecordProperty("chunks", chunks);
  RecordProperty("pages", pages);
}

TEST(MetadataCorpusTest, DictHeaderWithNegativeCountIsCorrupt) {
  // ARROW-RS-GH-6229-DICTHEADER: the footer is fine, but the dictionary page of the
  // second column claims -26 values. (The first data page header writes num_values
  // as an i16, read like the Thrift libraries read it; the last two chunks point past
  // the end of the 533-byte file.)
  const std::string file =
      ReadFile("tests/data/parquet/bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet");
  ASSERT_OK_AND_ASSIGN(FileMetaData meta, ReadFileMetaData(Bytes(file)));
  ASSERT_EQ(meta.row_groups.size(), 1u);
  const auto& columns = meta.row_groups[0].columns;
  ASSERT_EQ(columns.size(), 4u);
  int pages = 0;
  EXPECT_OK(WalkPages(file, *columns[0].meta_data, &pages));
  EXPECT_THAT(WalkPages(file, *columns[1].meta_data, &pages),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("DictionaryPageHeader.num_values is negative: -26")));
  EXPECT_THAT(WalkPages(file, *columns[2].meta_data, &pages),
              IsError(ErrorCode::kCorrupt, HasSubstr("outside the file")));
}

TEST(MetadataCorpusTest, PageIndexesParseAndPointIntoTheirChunks) {
  int column_indexes = 0;
  int offset_indexes = 0;
  for (const fs::path& path : CorpusFiles()) {
    SCOPED_TRACE(path.string());
    const std::string file = ReadFile(path);
    const auto size = static_cast<int64_t>(file.size());
    ASSERT_OK_AND_ASSIGN(FileMetaData meta, ReadFileMetaData(Bytes(file)));
    for (const RowGroup& group : meta.row_groups) {
      for (const ColumnChunk& chunk : group.columns) {
        if (chunk.column_index_offset && chunk.column_index_length) {
          ASSERT_GE(*chunk.column_index_offset, 0);
          ASSERT_LE(*chunk.column_index_offset + *chunk.column_index_length, size);
          const auto bytes =
              Bytes(file).subspan(*chunk.column_index_offset, *chunk.column_index_length);
          ASSERT_OK_AND_ASSIGN(ColumnIndex index, ParseColumnIndex(bytes));
          const std::string once = SerializeColumnIndex(index);
          ASSERT_OK_AND_ASSIGN(ColumnIndex again, ParseColumnIndex(Bytes(once)));
          EXPECT_EQ(again, index);
          EXPECT_EQ(SerializeColumnIndex(again), once);
          ++column_indexes;
        }
        if (chunk.offset_index_offset && chunk.offset_index_length) {
          ASSERT_GE(*chunk.offset_index_offset, 0);
          ASSERT_LE(*chunk.offset_index_offset + *chunk.offset_index_length, size);
          const auto bytes =
              Bytes(file).subspan(*chunk.offset_index_offset, *chunk.offset_index_length);
          ASSERT_OK_AND_ASSIGN(OffsetIndex index, ParseOffsetIndex(bytes));
          const ColumnMetaData& column = *chunk.meta_data;
          const int64_t chunk_end = ChunkStart(column) + column.total_compressed_size;
          int64_t previous_end = ChunkStart(column);
          int64_t previous_row = -1;
          for (const PageLocation& page : index.page_locations) {
            EXPECT_GE(page.offset, previous_end);
            EXPECT_GT(page.first_row_index, previous_row);
            EXPECT_LE(page.offset + page.compressed_page_size, chunk_end);
            // The location covers exactly one page header and its page.
            int64_t header_length = 0;
            ASSERT_OK_AND_ASSIGN(
                PageHeader header,
                ParsePageHeader(Bytes(file).subspan(page.offset), &header_length));
            EXPECT_EQ(header_length + header.compressed_page_size,
                      page.compressed_page_size);
            previous_end = page.offset + page.compressed_page_size;
            previous_row = page.first_row_index;
          }
          EXPECT_LT(previous_row, group.num_rows);
          const std::string once = SerializeOffsetIndex(index);
          ASSERT_OK_AND_ASSIGN(OffsetIndex again, ParseOffsetIndex(Bytes(once)));
          EXPECT_EQ(again, index);
          EXPECT_EQ(SerializeOffsetIndex(again), once);
          ++offset_indexes;
        }
      }
    }
  }
  EXPECT_GT(column_indexes, 20);
  EXPECT_GT(offset_indexes, 20);
  RecordProperty("column_indexes", column_indexes);
  RecordProperty("offset_indexes", offset_indexes);
}

TEST(MetadataCorpusTest, BloomFilterHeadersFitTheirLength) {
  int filters = 0;
  for (const fs::path& path : CorpusFiles()) {
    SCOPED_TRACE(path.string());
    const std::string file = ReadFile(path);
    ASSERT_OK_AND_ASSIGN(FileMetaData meta, ReadFileMetaData(Bytes(file)));
    for (const RowGroup& group : meta.row_groups) {
      for (const ColumnChunk& chunk : group.columns) {
        const ColumnMetaData& column = *chunk.meta_data;
        if (!column.bloom_filter_offset) continue;
        ASSERT_LT(*column.bloom_filter_offset, static_cast<int64_t>(file.size()));
        int64_t header_length = 0;
        ASSERT_OK_AND_ASSIGN(
            BloomFilterHeader header,
            ParseBloomFilterHeader(Bytes(file).subspan(*column.bloom_filter_offset),
                                   &header_length));
        EXPECT_EQ(header.algorithm, BloomFilterAlgorithm::kBlock);
        if (column.bloom_filter_length) {
          EXPECT_EQ(header_length + header.num_bytes, *column.bloom_filter_length);
        }
        ++filters;
      }
    }
  }
  EXPECT_GT(filters, 0);
  RecordProperty("filters", filters);
}

// The 20 corpus footers used for the exhaustive truncation and bit-flip tests: a few
// chosen for variety (page index, statistics, geospatial with NaN bounds, nested
// schemas, key/value metadata) and every 7th of the rest by footer size.
std::vector<fs::path> TwentyFiles() {
  auto files = CorpusFiles();
  std::vector<std::pair<size_t, fs::path>> by_size;
  for (const auto& path : files)
    by_size.emplace_back(FooterBytes(ReadFile(path)).size(), path);
  std::sort(by_size.begin(), by_size.end());
  std::vector<fs::path> chosen;
  for (const char* name :
       {"tests/data/parquet/data/alltypes_tiny_pages.parquet",
        "tests/data/parquet/data/geospatial/geospatial-with-nan.parquet",
        "tests/data/parquet/data/nested_maps.snappy.parquet",
        "tests/data/parquet/data/data_index_bloom_encoding_stats.parquet",
        "tests/data/parquet/data/column_chunk_key_value_metadata.parquet"}) {
    chosen.emplace_back(name);
  }
  for (size_t i = 0; chosen.size() < 20 && i < by_size.size(); i += 7) {
    chosen.push_back(by_size[i].second);
  }
  return chosen;
}

TEST(MetadataCorpusTest, EveryTruncatedFooterIsCorrupt) {
  int cuts = 0;
  for (const fs::path& path : TwentyFiles()) {
    SCOPED_TRACE(path.string());
    const std::string footer = FooterBytes(ReadFile(path));
    ASSERT_FALSE(footer.empty());
    for (size_t n = 0; n < footer.size(); ++n) {
      auto meta = ParseFileMetaData(Bytes(footer).first(n));
      ASSERT_THAT(meta, IsError(ErrorCode::kCorrupt)) << "cut at " << n;
      ++cuts;
    }
  }
  RecordProperty("cuts", cuts);
}

TEST(MetadataCorpusTest, BitFlippedFootersAreRejectedOrRoundTrip) {
  std::mt19937 rng(1481);
  int accepted = 0;
  int rejected = 0;
  for (const fs::path& path : TwentyFiles()) {
    SCOPED_TRACE(path.string());
    const std::string footer = FooterBytes(ReadFile(path));
    for (int flip = 0; flip < 200; ++flip) {
      std::string mutated = footer;
      const size_t at = rng() % mutated.size();
      mutated[at] = static_cast<char>(mutated[at] ^ (1u << (rng() % 8)));
      auto meta = ParseFileMetaData(Bytes(mutated));
      if (!meta.ok()) {
        EXPECT_THAT(meta.status().code(),
                    ::testing::AnyOf(ErrorCode::kCorrupt, ErrorCode::kUnsupported))
            << meta.status().ToString();
        ++rejected;
        continue;
      }
      ++accepted;
      const std::string once = SerializeFileMetaData(*meta);
      ASSERT_OK_AND_ASSIGN(FileMetaData again, ParseFileMetaData(Bytes(once)));
      EXPECT_EQ(SerializeFileMetaData(again), once) << "flip at " << at;
    }
  }
  EXPECT_GT(accepted, 100);
  EXPECT_GT(rejected, 100);
  RecordProperty("accepted", accepted);
  RecordProperty("rejected", rejected);
}

}  // namespace
}  // namespace quire::parquet
