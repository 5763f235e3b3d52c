/// \file tests/parquet/bloom_filter_test.cc
/// \brief Split-block bloom filters: the hash against known vectors, the blobs and
/// files of the corpus, insert/lookup against the false positive rate they are sized
/// for, row-group pruning that never changes a result, and corrupt filters.
#include "quire/parquet/bloom_filter.h"

#include <bit>
#include <cstring>
#include <functional>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "corpus.h"
#include "quire/columnar/json.h"
#include "quire/columnar/temporal.h"
#include "quire/compute/expression.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/testing/matchers.h"

namespace quire::parquet {
namespace {

using ::testing::HasSubstr;
using quire::testing::IsError;
using test::Bytes;
using test::ReadFile;

const std::string kCorpusData = std::string(QUIRE_SOURCE_DIR) + "/tests/data/parquet/data/";

int64_t CountSetBits(const BloomFilter& filter) {
  int64_t bits = 0;
  for (uint8_t b : filter.Bitset()) bits += std::popcount(b);
  return bits;
}

std::unique_ptr<io::RandomAccessFile> BufferFile(const std::string& bytes,
                                                 std::string path = "test.parquet") {
  return io::MakeBufferFile(columnar::Buffer::Copy(std::string_view(bytes)).ValueOrDie(),
                            std::move(path));
}

// ---------------------------------------------------------------------------
// The hash

TEST(BloomFilterTest, HashIsXxHash64WithSeedZero) {
  // Reference vectors of XXH64 with seed 0.
  EXPECT_EQ(BloomFilter::HashBytes(""), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(BloomFilter::HashBytes("a"), 0xD24EC4F1A98C6E5BULL);
  EXPECT_EQ(BloomFilter::HashBytes("abc"), 0x44BC2CF5AD770999ULL);
  EXPECT_EQ(BloomFilter::HashBytes("bloom"), 0x50C8FB9E62DBC53CULL);
  EXPECT_EQ(BloomFilter::HashBytes("filter"), 0x2A5736CDFCD7A9A1ULL);
}

TEST(BloomFilterTest, TypedHashesHashThePlainEncoding) {
  const uint8_t i32[4] = {0x78, 0x56, 0x34, 0x12};
  EXPECT_EQ(BloomFilter::HashInt32(0x12345678), BloomFilter::Hash(i32));
  const uint8_t i64[8] = {0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01};
  EXPECT_EQ(BloomFilter::HashInt64(0x0123456789ABCDEFLL), BloomFilter::Hash(i64));
  const uint8_t one_f[4] = {0x00, 0x00, 0x80, 0x3F};  // 1.0f
  EXPECT_EQ(BloomFilter::HashFloat(1.0f), BloomFilter::Hash(one_f));
  const uint8_t one_d[8] = {0, 0, 0, 0, 0, 0, 0xF0, 0x3F};  // 1.0
  EXPECT_EQ(BloomFilter::HashDouble(1.0), BloomFilter::Hash(one_d));
  EXPECT_NE(BloomFilter::HashDouble(0.0), BloomFilter::HashDouble(-0.0));
  EXPECT_NE(BloomFilter::HashInt32(1), BloomFilter::HashInt64(1));
}

// ---------------------------------------------------------------------------
// The filter

TEST(BloomFilterTest, MakeChecksTheBitsetSize) {
  EXPECT_THAT(BloomFilter::Make({}), IsError(ErrorCode::kCorrupt, HasSubstr("multiple of 32")));
  const std::vector<uint8_t> odd(33);
  EXPECT_THAT(BloomFilter::Make(odd), IsError(ErrorCode::kCorrupt));
  const std::vector<uint8_t> big(size_t(kMaxBloomFilterBytes) + 32);
  EXPECT_THAT(BloomFilter::Make(big), IsError(ErrorCode::kCorrupt, HasSubstr("larger than")));
  // Any number of blocks works, not only powers of two (multiply-shift block index).
  const std::vector<uint8_t> three_blocks(96);
  ASSERT_OK_AND_ASSIGN(BloomFilter f, BloomFilter::Make(three_blocks));
  EXPECT_EQ(f.num_bytes(), 96);
  EXPECT_EQ(f.num_blocks(), 3);
}

TEST(BloomFilterTest, MakeEmptyRoundsAndClamps) {
  EXPECT_EQ(BloomFilter::MakeEmpty(0).num_bytes(), 32);
  EXPECT_EQ(BloomFilter::MakeEmpty(33).num_bytes(), 64);
  EXPECT_EQ(BloomFilter::MakeEmpty(1024).num_bytes(), 1024);
  EXPECT_EQ(CountSetBits(BloomFilter::MakeEmpty(1024)), 0);
}

TEST(BloomFilterTest, OptimalNumBytesFollowsTheSpecFormula) {
  // BloomFilter.md: about 11.54 bits per value at fpp 0.005; 1M values at 1% in ~1.2MB.
  const double bits = -8.0 / std::log(1.0 - std::pow(0.01, 1.0 / 8.0));
  const int64_t bytes = BloomFilter::OptimalNumBytes(1000000, 0.01);
  EXPECT_GE(bytes, int64_t(1000000 * bits / 8));
  EXPECT_EQ(bytes, 2 << 20);  // 1.2 MB rounded up to a power of two
  EXPECT_TRUE(std::has_single_bit(uint64_t(BloomFilter::OptimalNumBytes(12345, 0.001))));
  EXPECT_EQ(BloomFilter::OptimalNumBytes(0, 0.01), 32);
  EXPECT_EQ(BloomFilter::OptimalNumBytes(1, 0.5), 32);
  EXPECT_EQ(BloomFilter::OptimalNumBytes(int64_t(1) << 40, 0.01), kMaxBloomFilterBytes);
  EXPECT_EQ(BloomFilter::OptimalNumBytes(100, std::nan("")), BloomFilter::OptimalNumBytes(100, 1e-9));
  EXPECT_LE(BloomFilter::OptimalNumBytes(1000, 0.1), BloomFilter::OptimalNumBytes(1000, 0.01));
}

TEST(BloomFilterTest, InsertedValuesAreFoundAndOthersMostlyNotAtTheSizedRate) {
  std::mt19937_64 rng(42);
  for (const auto& [ndv, fpp] : {std::pair<int64_t, double>{1000, 0.01},
                                 {10000, 0.01},
                                 {20000, 0.05},
                                 {5000, 0.001}}) {
    BloomFilter filter = BloomFilter::MakeEmpty(BloomFilter::OptimalNumBytes(ndv, fpp));
    std::vector<uint64_t> inserted;
    for (int64_t i = 0; i < ndv; ++i) {
      inserted.push_back(BloomFilter::HashInt64(int64_t(rng())));
      filter.InsertHash(inserted.back());
    }
    for (uint64_t h : inserted) ASSERT_TRUE(filter.MayContainHash(h));
    const int probes = 100000;
    int false_positives = 0;
    for (int i = 0; i < probes; ++i) {
      false_positives += filter.MayContainHash(BloomFilter::HashInt64(int64_t(rng())));
    }
    // Power-of-two rounding only makes the filter larger: the rate stays under fpp,
    // with slack for sampling noise.
    EXPECT_LE(double(false_positives) / probes, fpp * 1.5 + 0.0005)
        << ndv << " values at fpp " << fpp;
  }
}

TEST(BloomFilterTest, BitsetRoundTripsThroughMake) {
  BloomFilter filter = BloomFilter::MakeEmpty(256);
  for (int i = 0; i < 20; ++i) filter.InsertHash(BloomFilter::HashInt32(i));
  ASSERT_OK_AND_ASSIGN(BloomFilter back, BloomFilter::Make(filter.Bitset()));
  EXPECT_EQ(back.Bitset(), filter.Bitset());
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(back.MayContainHash(BloomFilter::HashInt32(i)));
  // Each insert sets one bit in each of the eight words of one block.
  EXPECT_LE(CountSetBits(back), 20 * 8);
}

// ---------------------------------------------------------------------------
// The corpus: standalone blobs (parquet-testing data/README.md) and files

TEST(BloomFilterCorpusTest, XxHashBlobHoldsTheFourStringsParquetMrInserted) {
  // parquet-mr wrote a 1024-byte filter after inserting these four strings.
  const std::string blob = ReadFile(kCorpusData + "bloom_filter.xxhash.bin");
  ASSERT_EQ(blob.size(), 1040u);
  int64_t length = 0;
  ASSERT_OK_AND_ASSIGN(BloomFilter filter,
                       ParseBloomFilter(Bytes(blob), kMaxBloomFilterBytes, &length));
  EXPECT_EQ(length, 1040);
  EXPECT_EQ(filter.num_bytes(), 1024);
  EXPECT_LE(CountSetBits(filter), 4 * 8);
  for (const char* s : {"hello", "parquet", "bloom", "filter"}) {
    EXPECT_TRUE(filter.MayContainHash(BloomFilter::HashBytes(s))) << s;
  }
  std::mt19937_64 rng(7);
  int false_positives = 0;
  const int probes = 10000;
  for (int i = 0; i < probes; ++i) {
    const std::string s = "absent-" + std::to_string(rng());
    false_positives += filter.MayContainHash(BloomFilter::HashBytes(s));
  }
  // Four values in 32 blocks: a false positive needs eight chosen bits of one block.
  EXPECT_LE(false_positives, probes / 1000);
}

TEST(BloomFilterCorpusTest, LegacyMurmurBlobIsRejectedButItsBitsetIsWellFormed) {
  // bloom_filter.bin predates the Thrift header and XXHASH: three little-endian
  // int32 (bitset size, algorithm, hash = murmur3), then the bitset. Its hash is not
  // in the specification, so only the shape is checked.
  const std::string blob = ReadFile(kCorpusData + "bloom_filter.bin");
  ASSERT_EQ(blob.size(), 1036u);
  EXPECT_THAT(ParseBloomFilter(Bytes(blob)), IsError(ErrorCode::kCorrupt));
  int32_t num_bytes = 0;
  std::memcpy(&num_bytes, blob.data(), 4);
  EXPECT_EQ(num_bytes, 1024);
  ASSERT_OK_AND_ASSIGN(BloomFilter filter, BloomFilter::Make(Bytes(blob).subspan(12)));
  EXPECT_EQ(filter.num_blocks(), 32);
  EXPECT_GT(CountSetBits(filter), 0);
  EXPECT_LE(CountSetBits(filter), 4 * 8);
}

// Reads the single String column of a corpus file and its bloom filter.
void CheckCorpusFileFilter(const std::string& name, bool has_length) {
  SCOPED_TRACE(name);
  ASSERT_OK_AND_ASSIGN(auto file, io::OpenLocalFile(kCorpusData + name));
  ASSERT_OK_AND_ASSIGN(auto reader, FileReader::Open(std::move(file)));
  ASSERT_EQ(reader->num_row_groups(), 1);
  const ColumnMetaData& meta = *reader->metadata().row_groups[0].columns[0].meta_data;
  EXPECT_EQ(meta.bloom_filter_length.has_value(), has_length);
  int64_t bytes_read = 0;
  ASSERT_OK_AND_ASSIGN(auto bloom,
                       ReadBloomFilter(reader->file(), meta, kMaxBloomFilterBytes, &bytes_read));
  ASSERT_TRUE(bloom.has_value());
  EXPECT_GE(bytes_read, bloom->num_bytes());
  if (has_length) {
    EXPECT_EQ(bytes_read, *meta.bloom_filter_length);
  }
  ASSERT_OK_AND_ASSIGN(auto table, reader->ReadTable());
  ASSERT_OK_AND_ASSIGN(auto combined, table->CombineChunks());
  const auto& strings = *combined->column(0)->chunks()[0];
  ASSERT_EQ(strings.length(), 14);
  for (int64_t i = 0; i < strings.length(); ++i) {
    const std::string_view v = columnar::GetBytes(strings, i);
    EXPECT_TRUE(bloom->MayContainHash(BloomFilter::HashBytes(v))) << v;
  }
  int false_positives = 0;
  for (int i = 0; i < 10000; ++i) {
    false_positives += bloom->MayContainHash(BloomFilter::HashBytes("not-there-" + std::to_string(i)));
  }
  EXPECT_LE(false_positives, 100) << "14 values in " << bloom->num_bytes() << " bytes";
}

TEST(BloomFilterCorpusTest, EveryValueOfTheBloomCorpusFilesIsInTheirFilters) {
  CheckCorpusFileFilter("data_index_bloom_encoding_stats.parquet", /*has_length=*/false);
  CheckCorpusFileFilter("data_index_bloom_encoding_with_length.parquet", /*has_length=*/true);
}

// ---------------------------------------------------------------------------
// Corrupt and unusable filters

std::string Serialized(int32_t num_bytes, BloomFilterAlgorithm algorithm = BloomFilterAlgorithm::kBlock,
                       BloomFilterHash hash = BloomFilterHash::kXxHash,
                       BloomFilterCompression compression = BloomFilterCompression::kUncompressed) {
  BloomFilterHeader header{num_bytes, algorithm, hash, compression};
  return SerializeBloomFilterHeader(header);
}

ColumnMetaData ChunkWithFilter(int64_t offset, std::optional<int32_t> length) {
  ColumnMetaData meta;
  meta.path_in_schema = {"a", "b"};
  meta.bloom_filter_offset = offset;
  meta.bloom_filter_length = length;
  return meta;
}

TEST(BloomFilterCorruptTest, ParseRejectsWhatTheSpecDoesNotDescribe) {
  const std::string bitset(64, '\0');
  EXPECT_THAT(ParseBloomFilter(Bytes(Serialized(64, BloomFilterAlgorithm(2)) + bitset)),
              IsError(ErrorCode::kUnsupported, HasSubstr("algorithm")));
  EXPECT_THAT(ParseBloomFilter(Bytes(Serialized(64, BloomFilterAlgorithm::kBlock,
                                                BloomFilterHash(2)) + bitset)),
              IsError(ErrorCode::kUnsupported, HasSubstr("hash")));
  EXPECT_THAT(ParseBloomFilter(Bytes(Serialized(64, BloomFilterAlgorithm::kBlock,
                                                BloomFilterHash::kXxHash,
                                                BloomFilterCompression(2)) + bitset)),
              IsError(ErrorCode::kUnsupported, HasSubstr("compression")));
  EXPECT_THAT(ParseBloomFilter(Bytes(Serialized(63) + bitset)),
              IsError(ErrorCode::kCorrupt, HasSubstr("multiple of 32")));
  EXPECT_THAT(ParseBloomFilter(Bytes(Serialized(0) + bitset)), IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(ParseBloomFilter(Bytes(Serialized(128) + bitset)),
              IsError(ErrorCode::kCorrupt, HasSubstr("64 bytes follow")));
  EXPECT_THAT(ParseBloomFilter(Bytes(Serialized(64) + bitset), /*max_bytes=*/32),
              IsError(ErrorCode::kResourceExhausted));
  EXPECT_THAT(ParseBloomFilter(Bytes(std::string("\xff\xff\xff\xff garbage"))),
              IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(ParseBloomFilter({}), IsError(ErrorCode::kCorrupt));
  int64_t length = 0;
  ASSERT_OK(ParseBloomFilter(Bytes(Serialized(64) + bitset + "trailing"), kMaxBloomFilterBytes,
                             &length));
  EXPECT_EQ(length, int64_t(Serialized(64).size()) + 64);
}

TEST(BloomFilterCorruptTest, ReadChecksOffsetsAndLengthsAgainstTheFile) {
  const std::string filter = Serialized(64) + std::string(64, '\0');
  const std::string bytes = "PAR1" + filter + "tail";
  auto file = BufferFile(bytes, "t.parquet");
  const int32_t n = int32_t(filter.size());
  ColumnMetaData none;
  ASSERT_OK_AND_ASSIGN(auto absent, ReadBloomFilter(*file, none));
  EXPECT_FALSE(absent.has_value());
  ASSERT_OK_AND_ASSIGN(auto with_length, ReadBloomFilter(*file, ChunkWithFilter(4, n)));
  EXPECT_TRUE(with_length.has_value());
  ASSERT_OK_AND_ASSIGN(auto without_length, ReadBloomFilter(*file, ChunkWithFilter(4, {})));
  EXPECT_TRUE(without_length.has_value());

  auto corrupt = [&](int64_t offset, std::optional<int32_t> length, const char* what) {
    SCOPED_TRACE(what);
    EXPECT_THAT(ReadBloomFilter(*file, ChunkWithFilter(offset, length)),
                IsError(ErrorCode::kCorrupt,
                        ::testing::AllOf(HasSubstr("t.parquet"), HasSubstr("column 'a.b'"))));
  };
  corrupt(int64_t(bytes.size()), {}, "offset at the end of the file");
  corrupt(1 << 30, n, "offset beyond the file");
  corrupt(-1, {}, "negative offset");
  corrupt(4, int32_t(bytes.size()), "length beyond the file");
  corrupt(4, 0, "zero length");
  corrupt(4, -5, "negative length");
  corrupt(4, n - 1, "length cutting the bitset");
  corrupt(5, {}, "offset inside the header");
  // A bitset running past the end of the file, with and without a length.
  const std::string cut = "PAR1" + filter.substr(0, filter.size() - 10);
  auto short_file = BufferFile(cut, "t.parquet");
  EXPECT_THAT(ReadBloomFilter(*short_file, ChunkWithFilter(4, {})),
              IsError(ErrorCode::kCorrupt, HasSubstr("column 'a.b'")));
  EXPECT_THAT(ReadBloomFilter(*short_file, ChunkWithFilter(4, n - 10)),
              IsError(ErrorCode::kCorrupt, HasSubstr("column 'a.b'")));
  // Unknown algorithms are kUnsupported, and too large filters kResourceExhausted.
  auto other = BufferFile("PAR1" + Serialized(64, BloomFilterAlgorithm(7)) +
                          std::string(64, '\0'));
  EXPECT_THAT(ReadBloomFilter(*other, ChunkWithFilter(4, {})),
              IsError(ErrorCode::kUnsupported, HasSubstr("column 'a.b'")));
  EXPECT_THAT(ReadBloomFilter(*file, ChunkWithFilter(4, n), /*max_bytes=*/32),
              IsError(ErrorCode::kResourceExhausted));
  EXPECT_THAT(ReadBloomFilter(*file, ChunkWithFilter(4, {}), /*max_bytes=*/32),
              IsError(ErrorCode::kResourceExhausted));
}

TEST(BloomFilterCorruptTest, ReadsFiltersLargerThanTheSpeculativeWindow) {
  BloomFilter filter = BloomFilter::MakeEmpty(3 * kBloomFilterSpeculativeReadBytes);
  for (int i = 0; i < 1000; ++i) filter.InsertHash(BloomFilter::HashInt32(i));
  const std::vector<uint8_t> bitset = filter.Bitset();
  const std::string bytes = "PAR1" + Serialized(int32_t(bitset.size())) +
                            std::string(bitset.begin(), bitset.end()) + "tail";
  auto file = BufferFile(bytes);
  int64_t bytes_read = 0;
  ASSERT_OK_AND_ASSIGN(auto back, ReadBloomFilter(*file, ChunkWithFilter(4, {}),
                                                  kMaxBloomFilterBytes, &bytes_read));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->Bitset(), bitset);
  EXPECT_EQ(bytes_read, int64_t(Serialized(int32_t(bitset.size())).size() + bitset.size()));
}

TEST(BloomFilterCorruptTest, MutatedFiltersGiveResultsOrTypedErrorsNeverCrashes) {
  const std::string valid = Serialized(128) + std::string(128, '\x5a');
  std::mt19937_64 rng(1234);
  int ok = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = valid;
    const int edits = 1 + int(rng() % 4);
    for (int e = 0; e < edits; ++e) bytes[rng() % bytes.size()] = char(rng());
    if (rng() % 3 == 0) bytes.resize(rng() % bytes.size());
    auto parsed = ParseBloomFilter(Bytes(bytes));
    if (parsed.ok()) {
      ++ok;
      parsed->MayContainHash(rng());
    } else {
      const ErrorCode code = parsed.status().code();
      EXPECT_TRUE(code == ErrorCode::kCorrupt || code == ErrorCode::kUnsupported ||
                  code == ErrorCode::kResourceExhausted)
          << parsed.status().ToString();
    }
    auto file = BufferFile("PAR1" + bytes);
    const int64_t offset = int64_t(rng() % (bytes.size() + 8));
    std::optional<int32_t> length;
    if (rng() % 2) length = int32_t(rng() % (bytes.size() + 8)) - 2;
    auto read = ReadBloomFilter(*file, ChunkWithFilter(offset, length));
    if (!read.ok()) {
      EXPECT_NE(read.status().code(), ErrorCode::kInternal);
    }
  }
  EXPECT_GT(ok, 0);
}

// ---------------------------------------------------------------------------
// Probes: literals mapped onto the values a column stores

ColumnDescriptor Column(Type type, int32_t type_length = 0) {
  ColumnDescriptor c;
  c.physical_type = type;
  c.type_length = type_length;
  return c;
}

using Kind = BloomFilterProbe::Kind;
using compute::StatisticValue;

TEST(BloomFilterProbeTest, IntegersHashTheirPhysicalValueOrAreAbsentOutsideTheType) {
  const auto i32 = Column(Type::kInt32);
  auto probe = BloomFilterProbeFor(i32, *columnar::int32(), StatisticValue(__int128(7)));
  EXPECT_EQ(probe.kind, Kind::kHash);
  EXPECT_EQ(probe.hash, BloomFilter::HashInt32(7));
  // 7.0 equals 7; 7.5 and 2^40 equal no int32.
  EXPECT_EQ(BloomFilterProbeFor(i32, *columnar::int32(), StatisticValue(7.0)).hash,
            BloomFilter::HashInt32(7));
  EXPECT_EQ(BloomFilterProbeFor(i32, *columnar::int32(), StatisticValue(7.5)).kind, Kind::kAbsent);
  EXPECT_EQ(BloomFilterProbeFor(i32, *columnar::int32(), StatisticValue(__int128(1) << 40)).kind,
            Kind::kAbsent);
  EXPECT_EQ(BloomFilterProbeFor(i32, *columnar::int8(), StatisticValue(__int128(200))).kind,
            Kind::kAbsent);
  EXPECT_EQ(BloomFilterProbeFor(i32, *columnar::int32(), StatisticValue(std::nan(""))).kind,
            Kind::kUnknown);
  // Unsigned values are stored with the same bits in a signed physical type.
  EXPECT_EQ(BloomFilterProbeFor(i32, *columnar::uint32(), StatisticValue(__int128(4294967295))).hash,
            BloomFilter::HashInt32(-1));
  EXPECT_EQ(BloomFilterProbeFor(i32, *columnar::uint32(), StatisticValue(__int128(-1))).kind,
            Kind::kAbsent);
  const auto i64 = Column(Type::kInt64);
  EXPECT_EQ(BloomFilterProbeFor(i64, *columnar::uint64(),
                                StatisticValue(__int128(UINT64_MAX))).hash,
            BloomFilter::HashInt64(-1));
  EXPECT_EQ(BloomFilterProbeFor(i64, *columnar::timestamp(columnar::TimeUnit::kMicro, "UTC"),
                                StatisticValue(__int128(5))).hash,
            BloomFilter::HashInt64(5));
  // INT96 timestamps have no exact mapping.
  EXPECT_EQ(BloomFilterProbeFor(Column(Type::kInt96),
                                *columnar::timestamp(columnar::TimeUnit::kMicro),
                                StatisticValue(__int128(5))).kind,
            Kind::kUnknown);
}

TEST(BloomFilterProbeTest, FloatsHashOnlyValuesWithOneEncoding) {
  const auto f64 = Column(Type::kDouble), f32 = Column(Type::kFloat);
  EXPECT_EQ(BloomFilterProbeFor(f64, *columnar::float64(), StatisticValue(2.5)).hash,
            BloomFilter::HashDouble(2.5));
  EXPECT_EQ(BloomFilterProbeFor(f64, *columnar::float64(), StatisticValue(__int128(3))).hash,
            BloomFilter::HashDouble(3.0));
  EXPECT_EQ(BloomFilterProbeFor(f32, *columnar::float32(), StatisticValue(2.5)).hash,
            BloomFilter::HashFloat(2.5f));
  EXPECT_EQ(BloomFilterProbeFor(f32, *columnar::float32(), StatisticValue(0.1)).kind,
            Kind::kAbsent);  // no float widens to the double 0.1
  for (double d : {0.0, -0.0, std::nan("")}) {
    EXPECT_EQ(BloomFilterProbeFor(f64, *columnar::float64(), StatisticValue(d)).kind,
              Kind::kUnknown);
    EXPECT_EQ(BloomFilterProbeFor(f32, *columnar::float32(), StatisticValue(d)).kind,
              Kind::kUnknown);
  }
  EXPECT_EQ(BloomFilterProbeFor(Column(Type::kFixedLenByteArray, 2), *columnar::float16(),
                                StatisticValue(1.0)).kind,
            Kind::kUnknown);
}

TEST(BloomFilterProbeTest, DecimalsOnIntegersHashTheirUnscaledValue) {
  const auto i32 = Column(Type::kInt32), i64 = Column(Type::kInt64);
  const auto dec = columnar::decimal128(9, 2);
  EXPECT_EQ(BloomFilterProbeFor(i32, *dec, StatisticValue(3.05)).hash, BloomFilter::HashInt32(305));
  EXPECT_EQ(BloomFilterProbeFor(i32, *dec, StatisticValue(-3.0)).hash, BloomFilter::HashInt32(-300));
  EXPECT_EQ(BloomFilterProbeFor(i64, *columnar::decimal128(18, 4), StatisticValue(12.3456)).hash,
            BloomFilter::HashInt64(123456));
  // More fraction digits than the scale: no decimal(9, 2) compares equal, but that
  // is not proven here.
  EXPECT_EQ(BloomFilterProbeFor(i32, *dec, StatisticValue(3.051)).kind, Kind::kUnknown);
  EXPECT_EQ(BloomFilterProbeFor(i64, *columnar::decimal128(18, 0), StatisticValue(1e17)).kind,
            Kind::kUnknown);  // 18 digits: more than one decimal near the same double
  EXPECT_EQ(BloomFilterProbeFor(Column(Type::kFixedLenByteArray, 8), *dec, StatisticValue(3.05)).kind,
            Kind::kUnknown);
}

TEST(BloomFilterProbeTest, BytesHashWithoutALengthPrefix) {
  const auto ba = Column(Type::kByteArray);
  EXPECT_EQ(BloomFilterProbeFor(ba, *columnar::utf8(), StatisticValue(std::string("hello"))).hash,
            BloomFilter::HashBytes("hello"));
  EXPECT_EQ(BloomFilterProbeFor(ba, *columnar::dictionary(columnar::int32(), columnar::utf8()),
                                StatisticValue(std::string("x"))).hash,
            BloomFilter::HashBytes("x"));
  const auto flba = Column(Type::kFixedLenByteArray, 3);
  EXPECT_EQ(BloomFilterProbeFor(flba, *columnar::fixed_size_binary(3),
                                StatisticValue(std::string("abc"))).hash,
            BloomFilter::HashBytes("abc"));
  EXPECT_EQ(BloomFilterProbeFor(flba, *columnar::fixed_size_binary(3),
                                StatisticValue(std::string("abcd"))).kind,
            Kind::kAbsent);
  EXPECT_EQ(BloomFilterProbeFor(Column(Type::kBoolean), *columnar::boolean(),
                                StatisticValue(true)).kind,
            Kind::kUnknown);
}

}  // namespace
}  // namespace quire::parquet
