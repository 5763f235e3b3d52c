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

// ---------------------------------------------------------------------------
// Row-group pruning

// The rows a read of the file `bytes` with `filter` returns, and what it pruned.
Result<std::string> FilteredRows(const std::string& bytes, const std::string& filter,
                                 ReadStats* stats, bool use_bloom_filters = true) {
  QUIRE_ASSIGN_OR_RETURN(auto reader, FileReader::Open(BufferFile(bytes)));
  QUIRE_ASSIGN_OR_RETURN(auto expr, compute::ParseExpression(filter));
  ReadOptions options;
  options.filter = expr;
  options.stats = stats;
  options.use_bloom_filters = use_bloom_filters;
  QUIRE_ASSIGN_OR_RETURN(auto table, reader->ReadTable(options));
  return columnar::RowsToJson(*table);
}

// The rows of an unpruned read of the whole file that `filter` keeps, row by row.
Result<std::string> ExpectedRows(const std::string& bytes, const std::string& filter) {
  QUIRE_ASSIGN_OR_RETURN(auto reader, FileReader::Open(BufferFile(bytes)));
  QUIRE_ASSIGN_OR_RETURN(auto expr, compute::ParseExpression(filter));
  QUIRE_ASSIGN_OR_RETURN(auto table, reader->ReadTable());
  std::vector<columnar::RecordBatchPtr> kept;
  for (const auto& b : table->ToBatches()) {
    QUIRE_ASSIGN_OR_RETURN(auto mask, compute::Evaluate(*expr, *b));
    QUIRE_ASSIGN_OR_RETURN(auto f, compute::Filter(*b, *mask));
    kept.push_back(std::move(f));
  }
  QUIRE_ASSIGN_OR_RETURN(auto out, columnar::Table::FromBatches(table->schema(), kept));
  return columnar::RowsToJson(*out);
}

template <typename T>
std::string Plain(T value) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &value, sizeof(T));
  return s;
}

// One required column of a synthetic file: its schema element and the PLAIN bytes
// of value number i.
struct TestColumn {
  SchemaElement element;
  std::function<std::string(int64_t)> plain;
  bool bloom = true;
  bool record_length = true;  // set ColumnMetaData::bloom_filter_length
  bool statistics = false;    // min/max from the first and last value (ascending)
};

SchemaElement Leaf(std::string name, Type type, std::optional<LogicalType> logical = {}) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = type;
  e.repetition_type = FieldRepetitionType::kRequired;
  e.logical_type = logical;
  return e;
}

LogicalType Logical(LogicalType::Kind kind) {
  LogicalType t;
  t.kind = kind;
  return t;
}

constexpr int kGroups = 4;
constexpr int kRowsPerGroup = 50;
constexpr int64_t kDay0 = 19000;
constexpr int64_t kEpochMicros = 1700000000LL * 1000000;

// Value number i sits in row group i % kGroups: every group spans nearly the whole
// range, so statistics prune little and bloom filters do the work.
std::vector<TestColumn> TypedColumns() {
  std::vector<TestColumn> c;
  c.push_back({Leaf("i32", Type::kInt32), [](int64_t i) { return Plain(int32_t(i)); }});
  c.back().statistics = true;
  c.push_back({Leaf("i64", Type::kInt64), [](int64_t i) { return Plain(i * 1000000007LL); }});
  c.push_back({Leaf("f64", Type::kDouble), [](int64_t i) { return Plain(double(i) + 0.5); }});
  c.push_back({Leaf("f32", Type::kFloat), [](int64_t i) { return Plain(float(i) + 0.25f); }});
  c.push_back({Leaf("s", Type::kByteArray, Logical(LogicalType::Kind::kString)),
               [](int64_t i) {
                 const std::string v = "value-" + std::to_string(i);
                 return Plain(int32_t(v.size())) + v;
               }});
  c.back().record_length = false;  // the speculative read
  c.push_back({Leaf("d", Type::kInt32, Logical(LogicalType::Kind::kDate)),
               [](int64_t i) { return Plain(int32_t(kDay0 + i)); }});
  LogicalType u32 = Logical(LogicalType::Kind::kInteger);
  u32.bit_width = 32;
  u32.is_signed = false;
  c.push_back({Leaf("u32", Type::kInt32, u32),
               [](int64_t i) { return Plain(uint32_t(4000000000U + uint32_t(i))); }});
  LogicalType dec = Logical(LogicalType::Kind::kDecimal);
  dec.precision = 9;
  dec.scale = 2;
  c.push_back({Leaf("dec", Type::kInt32, dec), [](int64_t i) { return Plain(int32_t(i * 100 + 5)); }});
  LogicalType ts = Logical(LogicalType::Kind::kTimestamp);
  ts.unit = TimeUnit::kMicros;
  ts.is_adjusted_to_utc = true;
  c.push_back({Leaf("ts", Type::kInt64, ts),
               [](int64_t i) { return Plain(kEpochMicros + i * 3600 * 1000000LL); }});
  c.push_back({Leaf("plain", Type::kInt32), [](int64_t i) { return Plain(int32_t(i)); }});
  c.back().bloom = false;
  return c;
}

struct FileEdits {
  std::function<void(FileMetaData&)> footer;      // applied before it is written
  BloomFilterAlgorithm algorithm = BloomFilterAlgorithm::kBlock;
};

// A Parquet file of kGroups row groups, uncompressed PLAIN v1 pages, and bloom
// filters (1024 bytes, every value inserted) after the data, as writers place them.
std::string BuildFile(const std::vector<TestColumn>& columns, const FileEdits& edits = {}) {
  std::string out = "PAR1";
  FileMetaData meta;
  SchemaElement root;
  root.name = "schema";
  root.num_children = int32_t(columns.size());
  meta.schema.push_back(root);
  for (const auto& c : columns) meta.schema.push_back(c.element);
  meta.num_rows = kGroups * kRowsPerGroup;
  for (int g = 0; g < kGroups; ++g) {
    RowGroup rg;
    rg.num_rows = kRowsPerGroup;
    for (const auto& c : columns) {
      std::string body;
      for (int64_t r = 0; r < kRowsPerGroup; ++r) body += c.plain(r * kGroups + g);
      PageHeader header;
      header.type = PageType::kDataPage;
      header.uncompressed_page_size = header.compressed_page_size = int32_t(body.size());
      header.data_page_header = DataPageHeader{kRowsPerGroup, Encoding::kPlain, Encoding::kRle,
                                               Encoding::kRle, std::nullopt};
      const std::string page = SerializePageHeader(header) + body;
      ColumnMetaData m;
      m.type = *c.element.type;
      m.encodings = {Encoding::kPlain};
      m.path_in_schema = {c.element.name};
      m.num_values = kRowsPerGroup;
      m.total_uncompressed_size = m.total_compressed_size = int64_t(page.size());
      m.data_page_offset = int64_t(out.size());
      if (c.statistics) {
        Statistics st;
        st.min_value = c.plain(g);
        st.max_value = c.plain((kRowsPerGroup - 1) * kGroups + g);
        st.null_count = 0;
        m.statistics = st;
      }
      ColumnChunk chunk;
      chunk.file_offset = int64_t(out.size());
      chunk.meta_data = m;
      rg.columns.push_back(chunk);
      rg.total_byte_size += int64_t(page.size());
      out += page;
    }
    meta.row_groups.push_back(rg);
  }
  for (int g = 0; g < kGroups; ++g) {
    for (size_t k = 0; k < columns.size(); ++k) {
      const TestColumn& c = columns[k];
      if (!c.bloom) continue;
      BloomFilter filter = BloomFilter::MakeEmpty(1024);
      for (int64_t r = 0; r < kRowsPerGroup; ++r) {
        const std::string v = c.plain(r * kGroups + g);
        // BYTE_ARRAY values are hashed without their length prefix.
        filter.InsertHash(BloomFilter::HashBytes(*c.element.type == Type::kByteArray
                                                     ? std::string_view(v).substr(4)
                                                     : std::string_view(v)));
      }
      const std::vector<uint8_t> bitset = filter.Bitset();
      const std::string bytes =
          Serialized(int32_t(bitset.size()), edits.algorithm) +
          std::string(bitset.begin(), bitset.end());
      ColumnMetaData& m = *meta.row_groups[size_t(g)].columns[k].meta_data;
      m.bloom_filter_offset = int64_t(out.size());
      if (c.record_length) m.bloom_filter_length = int32_t(bytes.size());
      out += bytes;
    }
  }
  if (edits.footer) edits.footer(meta);
  const std::string footer = SerializeFileMetaData(meta);
  out += footer + Plain(int32_t(footer.size())) + "PAR1";
  return out;
}

struct PruningCase {
  std::string filter;
  int64_t pruned;           // row groups pruned in all
  int64_t pruned_by_bloom;  // of which by bloom filters
};

TEST(BloomFilterPruningTest, PrunesRowGroupsWithoutChangingTheResult) {
  const std::string file = BuildFile(TypedColumns());
  const std::string day13 = columnar::FormatDate(kDay0 + 13);
  const std::string hour6 =
      columnar::FormatTimestamp(kEpochMicros + 6 * 3600 * 1000000LL, columnar::TimeUnit::kMicro);
  const std::vector<PruningCase> cases = {
      {"i32 = 5", 3, 3},
      {"5 = i32", 3, 3},
      {"i32 = 1000", 4, 0},  // statistics: above every max
      {"i32 = 2.5", 4, 3},   // no int32 equals 2.5; group 3's min is 3
      {"i32 = 7.0", 3, 3},
      {"i32 in (5, null)", 3, 3},
      {"i32 in (5, 6)", 2, 2},
      {"i32 != 5", 0, 0},
      {"i32 not in (5)", 0, 0},
      {"not i32 = 5", 0, 0},
      {"i32 = 5 or s = 'value-10'", 2, 2},
      {"i32 = 5 and s = 'value-10'", 4, 4},
      {"i32 > 100 and s = 'value-110'", 3, 3},
      {"s = 'value-10'", 3, 3},
      {"s = 'nope'", 4, 4},
      {"s in ('value-1', 'value-2')", 2, 2},
      {"i64 = 5000000035", 3, 3},
      {"f64 = 6.5", 3, 3},
      {"f64 = 6", 4, 4},
      {"f32 = 9.25", 3, 3},
      {"f32 = 9.1", 4, 4},
      {"d = '" + day13 + "'", 3, 3},
      {"u32 = 4000000005", 3, 3},
      {"u32 = -1", 4, 4},
      {"dec = 3.05", 3, 3},
      {"dec = 3", 4, 4},
      {"ts = '" + hour6 + "'", 3, 3},
      {"plain = 5", 0, 0},  // no bloom filter
      {"plain = 5 or i32 = 6", 0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.filter);
    ReadStats stats;
    ASSERT_OK_AND_ASSIGN(auto expected, ExpectedRows(file, c.filter));
    ASSERT_OK_AND_ASSIGN(auto actual, FilteredRows(file, c.filter, &stats));
    EXPECT_EQ(actual, expected);
    // Every case that keeps a row group finds rows there: no false positive kept it.
    EXPECT_EQ(expected == "[]", c.pruned == kGroups) << expected;
    EXPECT_EQ(stats.row_groups, kGroups);
    EXPECT_EQ(stats.row_groups_pruned, c.pruned);
    EXPECT_EQ(stats.row_groups_pruned_by_bloom, c.pruned_by_bloom);
    // Values no row of the type can equal (2.5 for INT32) prune without a read.
    const bool exact = c.filter != "i32 = 2.5" && c.filter != "u32 = -1" &&
                       c.filter != "f32 = 9.1";
    EXPECT_EQ(stats.bloom_filter_bytes_read > 0, c.pruned_by_bloom > 0 && exact)
        << "filters are read only when an equality needs them";
  }
}

TEST(BloomFilterPruningTest, ReadsOnlyTheFiltersOfTheColumnsAsked) {
  const std::string file = BuildFile(TypedColumns());
  const int64_t one_filter = int64_t(Serialized(1024).size()) + 1024;
  ReadStats stats;
  ASSERT_OK(FilteredRows(file, "i32 = 5", &stats));
  EXPECT_EQ(stats.bloom_filter_bytes_read, kGroups * one_filter);
  // Twice the same column: read once per row group.
  stats = {};
  ASSERT_OK(FilteredRows(file, "i32 = 5 or i32 = 6", &stats));
  EXPECT_EQ(stats.bloom_filter_bytes_read, kGroups * one_filter);
  // Without recorded lengths a window of up to kBloomFilterSpeculativeReadBytes is read.
  stats = {};
  ASSERT_OK(FilteredRows(file, "s = 'value-3'", &stats));
  EXPECT_GE(stats.bloom_filter_bytes_read, kGroups * one_filter);
  EXPECT_LE(stats.bloom_filter_bytes_read, kGroups * kBloomFilterSpeculativeReadBytes);
  // Statistics first: nothing is read for row groups they prune.
  stats = {};
  ASSERT_OK(FilteredRows(file, "i32 = 1000", &stats));
  EXPECT_EQ(stats.bloom_filter_bytes_read, 0);
  // And nothing at all when bloom filters are off.
  stats = {};
  ASSERT_OK_AND_ASSIGN(auto rows, FilteredRows(file, "s = 'nope'", &stats,
                                               /*use_bloom_filters=*/false));
  EXPECT_EQ(rows, "[]");
  EXPECT_EQ(stats.row_groups_pruned, 0);
  EXPECT_EQ(stats.bloom_filter_bytes_read, 0);
}

TEST(BloomFilterPruningTest, CorpusFilesPruneAbsentStringsOnly) {
  for (const char* name : {"data_index_bloom_encoding_stats.parquet",
                           "data_index_bloom_encoding_with_length.parquet"}) {
    SCOPED_TRACE(name);
    const std::string file = ReadFile(kCorpusData + name);
    ASSERT_FALSE(file.empty());
    // 'absent' lies between the minimum "Hello" and the maximum "today": only the
    // bloom filter can rule it out.
    for (const auto& c : std::vector<PruningCase>{{"String = 'absent'", 1, 1},
                                                  {"String = 'test'", 0, 0},
                                                  {"String = 'doing '", 0, 0},
                                                  {"String = 'doing'", 1, 1},
                                                  {"String in ('absent', 'missing')", 1, 1},
                                                  {"String in ('absent', 'dog')", 0, 0},
                                                  {"String = 'absent' or String = 'over'", 0, 0},
                                                  {"String = 'zzz'", 1, 0},
                                                  {"String != 'absent'", 0, 0}}) {
      SCOPED_TRACE(c.filter);
      ReadStats stats;
      ASSERT_OK_AND_ASSIGN(auto expected, ExpectedRows(file, c.filter));
      ASSERT_OK_AND_ASSIGN(auto actual, FilteredRows(file, c.filter, &stats));
      EXPECT_EQ(actual, expected);
      EXPECT_EQ(stats.row_groups_pruned, c.pruned);
      EXPECT_EQ(stats.row_groups_pruned_by_bloom, c.pruned_by_bloom);
    }
  }
}

TEST(BloomFilterPruningTest, CorruptFiltersFailTheReadAndUnknownOnesAreIgnored) {
  const auto columns = TypedColumns();
  // i32's filter of row group 1 points past the end of the file.
  const std::string bad_offset = BuildFile(columns, {.footer = [](FileMetaData& m) {
    m.row_groups[1].columns[0].meta_data->bloom_filter_offset = int64_t(1) << 40;
  }});
  ReadStats stats;
  EXPECT_THAT(FilteredRows(bad_offset, "i32 = 5", &stats),
              IsError(ErrorCode::kCorrupt, ::testing::AllOf(HasSubstr("row group 1"),
                                                            HasSubstr("column 'i32'"),
                                                            HasSubstr("outside the file"))));
  // Filters are read lazily: other columns, and reads without equalities, work.
  ASSERT_OK_AND_ASSIGN(auto rows, FilteredRows(bad_offset, "s = 'value-1'", &stats));
  ASSERT_OK_AND_ASSIGN(auto expected, ExpectedRows(bad_offset, "s = 'value-1'"));
  EXPECT_EQ(rows, expected);
  EXPECT_NE(rows, "[]");
  ASSERT_OK(FilteredRows(bad_offset, "i32 > 5", &stats));
  // A bitset cut short by its recorded length, and a garbage header.
  const std::string short_length = BuildFile(columns, {.footer = [](FileMetaData& m) {
    m.row_groups[0].columns[0].meta_data->bloom_filter_length = 100;
  }});
  EXPECT_THAT(FilteredRows(short_length, "i32 = 5", &stats),
              IsError(ErrorCode::kCorrupt, HasSubstr("column 'i32'")));
  const std::string garbage = BuildFile(columns, {.footer = [](FileMetaData& m) {
    auto& meta = *m.row_groups[2].columns[0].meta_data;
    meta.bloom_filter_offset = 0;  // the magic "PAR1" is no BloomFilterHeader
    meta.bloom_filter_length.reset();
  }});
  EXPECT_THAT(FilteredRows(garbage, "i32 = 5", &stats),
              IsError(ErrorCode::kCorrupt, HasSubstr("column 'i32'")));
  // An algorithm from the future is skipped: no pruning, the right rows.
  const std::string future = BuildFile(columns, {.algorithm = BloomFilterAlgorithm(9)});
  stats = {};
  ASSERT_OK_AND_ASSIGN(rows, FilteredRows(future, "s = 'nope'", &stats));
  EXPECT_EQ(rows, "[]");
  EXPECT_EQ(stats.row_groups_pruned, 0);
}

}  // namespace
}  // namespace quire::parquet
