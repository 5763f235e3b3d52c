#include "quire/table/deletion_vector.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "quire/io/local_file_system.h"
#include "quire/io/memory_file_system.h"
#include "quire/testing/matchers.h"

namespace quire::table {
namespace {

using ::quire::testing::IsError;
using ::quire::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string kDeltaCorpus = std::string(QUIRE_SOURCE_DIR) + "/tests/data/delta/";
constexpr uint64_t k2To32 = uint64_t{1} << 32;
using Rows = std::vector<uint64_t>;

std::span<const std::byte> Bytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

std::string ToString(const columnar::BufferPtr& buffer) {
  return std::string(reinterpret_cast<const char*>(buffer->data()),
                     size_t(buffer->size()));
}

void AppendBigEndian(std::string* out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(char(value >> shift));
}

/// A DV file made by hand: version 1, then one record (size, bitmap, CRC-32) at
/// offset 1. The CRC is given, so that tests can make it wrong.
std::string FileWithRecord(std::string_view bitmap, uint32_t crc) {
  std::string file(1, '\x01');
  AppendBigEndian(&file, uint32_t(bitmap.size()));
  file += bitmap;
  AppendBigEndian(&file, crc);
  return file;
}

// zlib's CRC-32 of the ASCII digits "123456789" is the standard check value;
// this bitwise version (reflected polynomial 0xEDB88320) stands apart from it.
uint32_t Crc32(std::string_view bytes) {
  uint32_t crc = 0xFFFFFFFF;
  for (char c : bytes) {
    crc ^= uint8_t(c);
    for (int i = 0; i < 8; ++i) crc = crc >> 1 ^ (0xEDB88320 & (0 - (crc & 1)));
  }
  return ~crc;
}

// ---------------------------------------------------------------------------
// Z85

TEST(DeletionVectorZ85Test, EncodesTheRfc32TestVector) {
  const std::string bytes = "\x86\x4F\xD2\x6F\xB5\x59\xF7\x5B";
  EXPECT_EQ(Z85Encode(Bytes(bytes)), "HelloWorld");
  ASSERT_OK_AND_ASSIGN(std::string decoded, Z85Decode("HelloWorld"));
  EXPECT_EQ(decoded, bytes);
}

TEST(DeletionVectorZ85Test, RoundTripsEveryByteValueAndPadsToWholeGroups) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(char(i));
  bytes += "xyz";  // 259 bytes: the last group is padded with one zero byte
  const std::string text = Z85Encode(Bytes(bytes));
  EXPECT_EQ(text.size(), 65u * 5);
  ASSERT_OK_AND_ASSIGN(std::string decoded, Z85Decode(text));
  EXPECT_EQ(decoded, bytes + std::string(1, '\0'));
}

TEST(DeletionVectorZ85Test, RejectsBadLengthCharactersAndOverflow) {
  EXPECT_THAT(Z85Decode("Hello1"),
              IsError(ErrorCode::kCorrupt, HasSubstr("multiple of 5")));
  EXPECT_THAT(Z85Decode("Hel\"o"),
              IsError(ErrorCode::kCorrupt, HasSubstr("0x22 at position 3")));
  // 85^5 - 1 is above 2^32 - 1.
  EXPECT_THAT(Z85Decode("#####"),
              IsError(ErrorCode::kCorrupt, HasSubstr("exceeds 32 bits")));
}

// ---------------------------------------------------------------------------
// Paths

TEST(DeletionVectorPathTest, ResolvesTheProtocolsExamples) {
  // PROTOCOL.md, "JSON Example 1" and "JSON Example 2".
  DeletionVectorDescriptor relative{.storage_type = "u",
                                    .path_or_inline_dv = "ab^-aqEH.-t@S}K{vb[*k^",
                                    .offset = 4,
                                    .size_in_bytes = 40,
                                    .cardinality = 6};
  ASSERT_OK_AND_ASSIGN(std::string relative_path,
                       DeletionVectorAbsolutePath(relative, "s3://mytable"));
  EXPECT_EQ(relative_path,
            "s3://mytable/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin");
  DeletionVectorDescriptor absolute = relative;
  absolute.storage_type = "p";
  absolute.path_or_inline_dv =
      "s3://mytable/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin";
  ASSERT_OK_AND_ASSIGN(std::string path,
                       DeletionVectorAbsolutePath(absolute, "elsewhere"));
  EXPECT_EQ(path, absolute.path_or_inline_dv);
}

TEST(DeletionVectorPathTest, NoPrefixPutsTheFileInTheTableRoot) {
  DeletionVectorDescriptor dv{.storage_type = "u",
                              .path_or_inline_dv = "vBn[lx{q8@P<9BNH/isA"};
  ASSERT_OK_AND_ASSIGN(std::string path, DeletionVectorAbsolutePath(dv, "t/"));
  EXPECT_EQ(path, "t/deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin");
}

TEST(DeletionVectorPathTest, RejectsInlineUnknownAndShortDescriptors) {
  EXPECT_THAT(DeletionVectorAbsolutePath({.storage_type = "i"}, "t"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("no file")));
  EXPECT_THAT(DeletionVectorAbsolutePath({.storage_type = "x"}, "t"),
              IsError(ErrorCode::kCorrupt, HasSubstr("storage type 'x'")));
  EXPECT_THAT(
      DeletionVectorAbsolutePath({.storage_type = "u", .path_or_inline_dv = "abc"}, "t"),
      IsError(ErrorCode::kCorrupt, HasSubstr("shorter than the 20 Z85 characters")));
}

// ---------------------------------------------------------------------------
// The set and its range queries

TEST(DeletionVectorTest, HoldsRowsOnBothSidesOfA32BitKey) {
  const std::vector<uint64_t> rows = {k2To32 + 2, 7, k2To32 - 1, k2To32, 7, 0};
  const DeletionVector dv = DeletionVector::FromRows(rows);
  EXPECT_EQ(dv.cardinality(), 5);
  EXPECT_EQ(dv.ToVector(), (Rows{0, 7, k2To32 - 1, k2To32, k2To32 + 2}));
  EXPECT_TRUE(dv.Contains(k2To32));
  EXPECT_FALSE(dv.Contains(k2To32 + 1));
  EXPECT_FALSE(dv.Contains(7 + k2To32 * 5));
  std::vector<uint64_t> seen;
  dv.ForEach([&](uint64_t row) { seen.push_back(row); });
  EXPECT_EQ(seen, dv.ToVector());
}

TEST(DeletionVectorTest, DeletedInRangeGivesOffsetsWithinTheBatch) {
  const DeletionVector dv =
      DeletionVector::FromRows(Rows{0, 9, k2To32 - 1, k2To32, k2To32 + 2});
  std::vector<int64_t> positions = {42};  // replaced, not appended to
  dv.DeletedInRange(0, 5, &positions);
  EXPECT_THAT(positions, ElementsAre(0));
  dv.DeletedInRange(5, 5, &positions);
  EXPECT_THAT(positions, ElementsAre(4));
  dv.DeletedInRange(1, 8, &positions);
  EXPECT_THAT(positions, IsEmpty());
  dv.DeletedInRange(k2To32 - 2, 5, &positions);
  EXPECT_THAT(positions, ElementsAre(1, 2, 4));
  dv.DeletedInRange(k2To32 + 3, 1000, &positions);
  EXPECT_THAT(positions, IsEmpty());
  dv.DeletedInRange(3, 0, &positions);
  EXPECT_THAT(positions, IsEmpty());
}

TEST(DeletionVectorTest, KeepBitmapClearsDeletedRowsAndPadBits) {
  const DeletionVector dv = DeletionVector::FromRows(Rows{0, 9, 12});
  uint8_t bits[2] = {0xAA, 0xAA};
  dv.FillKeepBitmap(0, 10, bits);
  EXPECT_EQ(bits[0], 0b11111110);
  EXPECT_EQ(bits[1], 0b00000001);  // row 9 deleted; bits past row 9 are 0
  dv.FillKeepBitmap(8, 8, bits);
  EXPECT_EQ(bits[0], 0b11101101);  // rows 9 and 12
}

TEST(DeletionVectorTest, AddRangeAndUnionSpanKeys) {
  DeletionVector dv;
  dv.AddRange(k2To32 - 3, k2To32 + 2);
  dv.AddRange(10, 10);  // empty
  EXPECT_EQ(dv.ToVector(),
            (Rows{k2To32 - 3, k2To32 - 2, k2To32 - 1, k2To32, k2To32 + 1}));
  DeletionVector other;
  other.Add(1);
  other.Add(k2To32);
  dv.Union(other);
  EXPECT_EQ(dv.cardinality(), 6);
  EXPECT_TRUE(dv.Contains(1));
  const DeletionVector copy = dv;
  EXPECT_EQ(copy, dv);
  other.Add(2);
  EXPECT_FALSE(copy == other);
}

// ---------------------------------------------------------------------------
// The bitmap format

TEST(DeletionVectorBitmapTest, SerializesAsDeltaDoes) {
  // The bitmap of table-with-dv-small's DV file, written by Delta (bytes 5 to
  // 40).
  ASSERT_OK_AND_ASSIGN(
      auto file,
      io::LocalFileSystem().ReadAll(
          kDeltaCorpus + "table-with-dv-small/"
                         "deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin"));
  const std::string delta_bitmap = ToString(file).substr(5, 36);
  const DeletionVector dv = DeletionVector::FromRows(Rows{0, 9});
  EXPECT_EQ(SerializeDeletionVectorBitmap(dv), delta_bitmap);
  ASSERT_OK_AND_ASSIGN(DeletionVector parsed,
                       ParseDeletionVectorBitmap(Bytes(delta_bitmap)));
  EXPECT_EQ(parsed, dv);
}

TEST(DeletionVectorBitmapTest, RejectsBadMagicAndNativeFormat) {
  std::string bitmap =
      SerializeDeletionVectorBitmap(DeletionVector::FromRows(Rows{1, 2}));
  bitmap[0] = '\xD2';
  EXPECT_THAT(ParseDeletionVectorBitmap(Bytes(bitmap)),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("magic number 1681511378 is not 1681511377")));
  bitmap[0] = '\xD0';
  EXPECT_THAT(ParseDeletionVectorBitmap(Bytes(bitmap)),
              IsError(ErrorCode::kUnsupported, HasSubstr("native RoaringBitmapArray")));
  EXPECT_THAT(ParseDeletionVectorBitmap(Bytes(bitmap.substr(0, 11))),
              IsError(ErrorCode::kCorrupt, HasSubstr("too small")));
}

TEST(DeletionVectorBitmapTest, TheProtocolsInlineExampleHasABigEndianMagicNumber) {
  // PROTOCOL.md's "JSON Example 3" encodes the magic number big-endian, against
  // the format it describes (delta-io/delta#1905); its bitmap is not the
  // portable one.
  const DeletionVectorDescriptor example{
      .storage_type = "i",
      .path_or_inline_dv = "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L",
      .size_in_bytes = 40,
      .cardinality = 6};
  io::MemoryFileSystem fs;
  EXPECT_THAT(
      ReadDeletionVector(fs, "", example),
      IsError(ErrorCode::kCorrupt,
              HasSubstr("inline deletion vector: deletion vector bitmap: magic number")));
  // The same rows as the protocol lists them, in the format it describes.
  const DeletionVector dv = DeletionVector::FromRows(Rows{3, 4, 7, 11, 18, 29});
  const DeletionVectorDescriptor inline_dv = InlineDeletionVector(dv);
  EXPECT_EQ(inline_dv.storage_type, "i");
  EXPECT_EQ(inline_dv.cardinality, 6);
  EXPECT_FALSE(inline_dv.offset.has_value());
  ASSERT_OK_AND_ASSIGN(std::string raw, Z85Decode(inline_dv.path_or_inline_dv));
  EXPECT_EQ(raw.substr(0, 4), "\xD1\xD3\x39\x64");
  ASSERT_OK_AND_ASSIGN(DeletionVector read, ReadDeletionVector(fs, "", inline_dv));
  EXPECT_EQ(read.ToVector(), (Rows{3, 4, 7, 11, 18, 29}));
}

TEST(DeletionVectorBitmapTest, InlineSizeNotAMultipleOfFourRoundTrips) {
  // An array container of an odd count makes a bitmap of 4k + 2 bytes.
  const DeletionVector dv = DeletionVector::FromRows(Rows{5});
  const DeletionVectorDescriptor inline_dv = InlineDeletionVector(dv);
  ASSERT_EQ(inline_dv.size_in_bytes % 4, 2);
  io::MemoryFileSystem fs;
  ASSERT_OK_AND_ASSIGN(DeletionVector read, ReadDeletionVector(fs, "", inline_dv));
  EXPECT_EQ(read, dv);
  DeletionVectorDescriptor wrong_size = inline_dv;
  wrong_size.size_in_bytes += 4;
  EXPECT_THAT(ReadDeletionVector(fs, "", wrong_size),
              IsError(ErrorCode::kCorrupt, HasSubstr("do not hold sizeInBytes")));
  DeletionVectorDescriptor wrong_cardinality = inline_dv;
  wrong_cardinality.cardinality = 2;
  EXPECT_THAT(ReadDeletionVector(fs, "", wrong_cardinality),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("holds 1 rows but the descriptor's cardinality is 2")));
}

TEST(DeletionVectorBitmapTest, RejectsMalformedBuckets) {
  const std::string low =
      SerializeDeletionVectorBitmap(DeletionVector::FromRows(Rows{5}));
  const std::string high =
      SerializeDeletionVectorBitmap(DeletionVector::FromRows(Rows{k2To32 + 5}));
  const std::string header = low.substr(0, 4);
  const std::string two = std::string("\x02\0\0\0\0\0\0\0", 8);
  // Keys out of order.
  EXPECT_THAT(
      ParseDeletionVectorBitmap(Bytes(header + two + high.substr(12) + low.substr(12))),
      IsError(ErrorCode::kCorrupt, HasSubstr("bucket 1 has key 0 after key 1")));
  // A key with its top bit set.
  std::string top = low;
  top[15] = '\x80';
  EXPECT_THAT(ParseDeletionVectorBitmap(Bytes(top)),
              IsError(ErrorCode::kCorrupt, HasSubstr("top bit must be 0")));
  // Truncated: the bucket's bitmap is cut short.
  EXPECT_THAT(
      ParseDeletionVectorBitmap(Bytes(low.substr(0, low.size() - 1))),
      IsError(ErrorCode::kCorrupt, HasSubstr("not a valid portable Roaring bitmap")));
  // More buckets announced than bytes could hold.
  std::string many = low;
  many[11] = '\x10';
  EXPECT_THAT(ParseDeletionVectorBitmap(Bytes(many)),
              IsError(ErrorCode::kCorrupt, HasSubstr("buckets cannot fit")));
  EXPECT_THAT(
      ParseDeletionVectorBitmap(Bytes(low + "xx")),
      IsError(ErrorCode::kCorrupt, HasSubstr("2 bytes follow the last of 1 buckets")));
}

TEST(DeletionVectorBitmapTest, RejectsMalformedContainersCRoaringWouldTake) {
  // One bucket (key 0) around a hand-made 32-bit portable bitmap.
  auto one_bucket = [](std::string_view roaring32) {
    return std::string("\xD1\xD3\x39\x64\x01\0\0\0\0\0\0\0\0\0\0\0", 16) +
           std::string(roaring32);
  };
  // Cookie 12347 with one container, flagged as runs: key 0, then 0 runs. CRoaring
  // 0.2.66 deserializes this and crashes iterating it.
  const std::string no_runs("\x3B\x30\0\0\x01\0\0\0\0\0\0", 11);
  EXPECT_THAT(ParseDeletionVectorBitmap(Bytes(one_bucket(no_runs))),
              IsError(ErrorCode::kCorrupt, HasSubstr("run container 0 has no runs")));
  // Runs [5, 7] and [6, 6] overlap.
  const std::string overlapping("\x3B\x30\0\0\x01\0\0\x03\0\x02\0\x05\0\x02\0\x06\0\0\0",
                                19);
  EXPECT_THAT(ParseDeletionVectorBitmap(Bytes(one_bucket(overlapping))),
              IsError(ErrorCode::kCorrupt, HasSubstr("overlapping or unordered runs")));
  // Cookie 12346, one array container of values 9 and 3.
  const std::string unsorted("\x3A\x30\0\0\x01\0\0\0\0\0\x01\0\x10\0\0\0\x09\0\x03\0",
                             20);
  EXPECT_THAT(
      ParseDeletionVectorBitmap(Bytes(one_bucket(unsorted))),
      IsError(ErrorCode::kCorrupt, HasSubstr("array container 0 is not strictly")));
  // The same with values 3 and 9 is fine.
  std::string sorted = unsorted;
  std::swap(sorted[16], sorted[18]);
  ASSERT_OK_AND_ASSIGN(DeletionVector dv,
                       ParseDeletionVectorBitmap(Bytes(one_bucket(sorted))));
  EXPECT_EQ(dv.ToVector(), (Rows{3, 9}));
}

// ---------------------------------------------------------------------------
// Files: the Delta corpus

TEST(DeletionVectorCorpusTest, ReadsTableWithDvSmall) {
  // The data file holds values 0..9 in rows 0..9; version 1 drops values 0 and
  // 9 (expected/v0.json and v1.json), so the DV holds rows 0 and 9.
  io::LocalFileSystem fs;
  const DeletionVectorDescriptor descriptor{.storage_type = "u",
                                            .path_or_inline_dv = "vBn[lx{q8@P<9BNH/isA",
                                            .offset = 1,
                                            .size_in_bytes = 36,
                                            .cardinality = 2};
  const std::string root = kDeltaCorpus + "table-with-dv-small";
  ASSERT_OK_AND_ASSIGN(DeletionVector dv, ReadDeletionVector(fs, root, descriptor));
  EXPECT_EQ(dv.ToVector(), (Rows{0, 9}));
  // The same file through an absolute ('p') path, as a plain path and a file
  // URI.
  ASSERT_OK_AND_ASSIGN(std::string path, DeletionVectorAbsolutePath(descriptor, root));
  for (const std::string& uri : {path, "file://" + path}) {
    DeletionVectorDescriptor absolute = descriptor;
    absolute.storage_type = "p";
    absolute.path_or_inline_dv = uri;
    ASSERT_OK_AND_ASSIGN(DeletionVector read,
                         ReadDeletionVector(fs, "ignored", absolute));
    EXPECT_EQ(read, dv) << uri;
  }
}

struct CorpusDv {
  std::string path_or_inline_dv;
  int32_t size_in_bytes;
  int64_t cardinality;
  int64_t num_records;  // of the data file, from the add's stats
};

void ExpectCorpusDvsRead(const std::string& table, const std::vector<CorpusDv>& dvs,
                         std::vector<DeletionVector>* out) {
  io::LocalFileSystem fs;
  for (const CorpusDv& c : dvs) {
    SCOPED_TRACE(c.path_or_inline_dv);
    const DeletionVectorDescriptor descriptor{.storage_type = "u",
                                              .path_or_inline_dv = c.path_or_inline_dv,
                                              .offset = 1,
                                              .size_in_bytes = c.size_in_bytes,
                                              .cardinality = c.cardinality};
    ASSERT_OK_AND_ASSIGN(DeletionVector dv,
                         ReadDeletionVector(fs, kDeltaCorpus + table, descriptor));
    EXPECT_EQ(dv.cardinality(), c.cardinality);
    const std::vector<uint64_t> rows = dv.ToVector();
    ASSERT_FALSE(rows.empty());
    EXPECT_LT(rows.back(), uint64_t(c.num_records));
    out->push_back(std::move(dv));
  }
}

bool IsSubset(const DeletionVector& a, const DeletionVector& b) {
  DeletionVector both = b;
  both.Union(a);
  return both == b;
}

TEST(DeletionVectorCorpusTest, ReadsTableWithDeletionLogs) {
  // Versions 3 and 4 delete one row, then one more, of the same data file.
  std::vector<DeletionVector> dvs;
  ExpectCorpusDvsRead(
      "table_with_deletion_logs",
      {{"J.Dy=B})x<YARTP5LcO1", 34, 1, 100}, {"Q6Kt3y1b)0MgZSWwPunr", 36, 2, 100}}, &dvs);
  ASSERT_EQ(dvs.size(), 2u);
  EXPECT_TRUE(IsSubset(dvs[0], dvs[1]));
}

TEST(DeletionVectorCorpusTest, ReadsDvPartitionedWithCheckpoint) {
  std::vector<DeletionVector> dvs;
  ExpectCorpusDvsRead("dv-partitioned-with-checkpoint",
                      {
                          {"0X9F0q2<2yJ-f)Gm2!e0", 34, 1, 3},  // part=0, version 1
                          {"Zcq?bs*HKQWCB[Sjf[.o", 36, 2, 3},  // part=0, version 6
                          {"]m5]-UtmB0Rl<C?0(qO5", 34, 1, 3},  // part=2, version 2
                          {"NZQXpd#3xxK!oBujr/=:", 36, 2, 3},  // part=2, version 7
                          {"SZYoUv7OW&PVt[Vm4y.s", 34, 1, 3},  // part=4, version 3
                          {"+V9Oq([R6mTaoM.}Isa)", 36, 2, 3},  // part=4, version 8
                          {"sl^HN8g+F2G%ix@bXmgx", 34, 1, 2},
                          {"TG?RwHuR9iGfiz)NQ>$j", 34, 1, 2},
                          {"]g#Gi8g29gLy&KMkGJr?", 34, 1, 3},
                          {"7NnC4LX-RqU.S:B4VD9n", 34, 1, 3},
                      },
                      &dvs);
  ASSERT_EQ(dvs.size(), 10u);
  for (int part = 0; part < 3; ++part) {
    EXPECT_TRUE(IsSubset(dvs[2 * part], dvs[2 * part + 1])) << "part=" << 2 * part;
  }
}

// ---------------------------------------------------------------------------
// Files: writing, and every way a record can be bad

constexpr std::string_view kRoot = "tables/t";

TEST(DeletionVectorFileTest, WritesWhatDeltaWrites) {
  // Byte for byte the file Delta wrote for table-with-dv-small.
  io::MemoryFileSystem fs;
  const DeletionVector dv = DeletionVector::FromRows(Rows{0, 9});
  ASSERT_OK_AND_ASSIGN(DeletionVectorDescriptor descriptor,
                       WriteDeletionVector(fs, kRoot, dv));
  EXPECT_EQ(descriptor.storage_type, "u");
  EXPECT_EQ(descriptor.path_or_inline_dv.size(), 20u);
  EXPECT_EQ(descriptor.offset, 1);
  EXPECT_EQ(descriptor.size_in_bytes, 36);
  EXPECT_EQ(descriptor.cardinality, 2);
  ASSERT_OK_AND_ASSIGN(std::string path, DeletionVectorAbsolutePath(descriptor, kRoot));
  ASSERT_OK_AND_ASSIGN(auto written, fs.ReadAll(path));
  ASSERT_OK_AND_ASSIGN(
      auto delta,
      io::LocalFileSystem().ReadAll(
          kDeltaCorpus + "table-with-dv-small/"
                         "deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin"));
  EXPECT_EQ(ToString(written), ToString(delta));
}

TEST(DeletionVectorFileTest, WritesVersion4UuidsUnderThePrefix) {
  io::MemoryFileSystem fs;
  const DeletionVector dv = DeletionVector::FromRows(Rows{1});
  ASSERT_OK_AND_ASSIGN(DeletionVectorDescriptor a,
                       WriteDeletionVector(fs, kRoot, dv, "xy"));
  ASSERT_OK_AND_ASSIGN(DeletionVectorDescriptor b,
                       WriteDeletionVector(fs, kRoot, dv, "xy"));
  EXPECT_NE(a.path_or_inline_dv, b.path_or_inline_dv);
  EXPECT_EQ(a.path_or_inline_dv.substr(0, 2), "xy");
  ASSERT_OK_AND_ASSIGN(std::string path, DeletionVectorAbsolutePath(a, kRoot));
  // tables/t/xy/deletion_vector_xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx.bin
  EXPECT_THAT(path,
              ::testing::MatchesRegex("tables/t/xy/"
                                      "deletion_vector_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{"
                                      "3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\.bin"));
  ASSERT_OK_AND_ASSIGN(DeletionVector read, ReadDeletionVector(fs, kRoot, a));
  EXPECT_EQ(read, dv);
}

TEST(DeletionVectorFileTest, RoundTripsAMillionRowsOverSeveralKeys) {
  DeletionVector dv;
  dv.AddRange(0, 400'000);                                        // key 0: run containers
  for (uint64_t i = 0; i < 300'000; ++i) dv.Add(k2To32 + 3 * i);  // key 1: bitmaps
  std::mt19937_64 random(42);
  std::vector<uint64_t> scattered;
  for (int i = 0; i < 300'000; ++i) scattered.push_back(7 * k2To32 + random() % k2To32);
  scattered.push_back((uint64_t{1} << 63) - 1);  // the largest row the protocol allows
  dv.Union(DeletionVector::FromRows(scattered));
  ASSERT_GT(dv.cardinality(), 999'000);

  io::MemoryFileSystem fs;
  ASSERT_OK_AND_ASSIGN(DeletionVectorDescriptor descriptor,
                       WriteDeletionVector(fs, kRoot, dv));
  EXPECT_EQ(descriptor.cardinality, dv.cardinality());
  ASSERT_OK_AND_ASSIGN(DeletionVector read, ReadDeletionVector(fs, kRoot, descriptor));
  EXPECT_EQ(read, dv);
  EXPECT_TRUE(read.Contains((uint64_t{1} << 63) - 1));
  EXPECT_TRUE(read.Contains(k2To32 + 299'999 * 3));
  EXPECT_FALSE(read.Contains(k2To32 + 1));
  std::vector<int64_t> positions;
  // Key 0 ends at row 399'999; key 1 holds 2^32 + 3i.
  read.DeletedInRange(k2To32 - 2, 8, &positions);
  EXPECT_THAT(positions, ElementsAre(2, 5));
  read.DeletedInRange(399'990, 20, &positions);
  EXPECT_EQ(positions.size(), 10u);
}

class DeletionVectorCorruptFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bitmap_ = SerializeDeletionVectorBitmap(dv_);
    ASSERT_OK_AND_ASSIGN(descriptor_, WriteDeletionVector(fs_, kRoot, dv_));
    ASSERT_OK_AND_ASSIGN(path_, DeletionVectorAbsolutePath(descriptor_, kRoot));
    ASSERT_OK_AND_ASSIGN(auto file, fs_.ReadAll(path_));
    ASSERT_EQ(ToString(file), FileWithRecord(bitmap_, Crc32(bitmap_)));
  }

  /// Replace the file with `file` and read it with `descriptor`.
  Result<DeletionVector> Read(const std::string& file,
                              const DeletionVectorDescriptor& descriptor) {
    EXPECT_OK(fs_.WriteAll(path_, file));
    return ReadDeletionVector(fs_, kRoot, descriptor);
  }
  Result<DeletionVector> ReadBitmap(const std::string& bitmap) {
    DeletionVectorDescriptor descriptor = descriptor_;
    descriptor.size_in_bytes = int32_t(bitmap.size());
    return Read(FileWithRecord(bitmap, Crc32(bitmap)), descriptor);
  }

  io::MemoryFileSystem fs_;
  const DeletionVector dv_ = DeletionVector::FromRows(Rows{3, 4, 7, 11, 18, 29});
  std::string bitmap_;
  DeletionVectorDescriptor descriptor_;
  std::string path_;
};

TEST_F(DeletionVectorCorruptFileTest, ReadsTheIntactFile) {
  ASSERT_OK_AND_ASSIGN(DeletionVector read, ReadDeletionVector(fs_, kRoot, descriptor_));
  EXPECT_EQ(read, dv_);
}

TEST_F(DeletionVectorCorruptFileTest, BadMagic) {
  std::string bitmap = bitmap_;
  bitmap[3] = 'X';
  EXPECT_THAT(
      ReadBitmap(bitmap),
      IsError(
          ErrorCode::kCorrupt,
          HasSubstr(
              "(deletion vector at offset 1): deletion vector bitmap: magic number")));
}

TEST_F(DeletionVectorCorruptFileTest, TruncatedBitmap) {
  EXPECT_THAT(
      ReadBitmap(bitmap_.substr(0, bitmap_.size() - 3)),
      IsError(ErrorCode::kCorrupt, HasSubstr("not a valid portable Roaring bitmap")));
}

TEST_F(DeletionVectorCorruptFileTest, WrongChecksum) {
  EXPECT_THAT(Read(FileWithRecord(bitmap_, Crc32(bitmap_) ^ 1), descriptor_),
              IsError(ErrorCode::kCorrupt, HasSubstr("CRC-32 mismatch")));
  std::string flipped = bitmap_;
  flipped.back() ^= 0x40;  // a changed row value, the stored checksum of the original
  EXPECT_THAT(Read(FileWithRecord(flipped, Crc32(bitmap_)), descriptor_),
              IsError(ErrorCode::kCorrupt, HasSubstr("CRC-32 mismatch")));
}

TEST_F(DeletionVectorCorruptFileTest, SizeMismatch) {
  DeletionVectorDescriptor descriptor = descriptor_;
  descriptor.size_in_bytes -= 2;
  EXPECT_THAT(
      Read(FileWithRecord(bitmap_, Crc32(bitmap_)), descriptor),
      IsError(ErrorCode::kCorrupt,
              HasSubstr(fmt::format(
                  "the record holds {} bytes but the descriptor's sizeInBytes is {}",
                  bitmap_.size(), bitmap_.size() - 2))));
}

TEST_F(DeletionVectorCorruptFileTest, CardinalityMismatch) {
  DeletionVectorDescriptor descriptor = descriptor_;
  descriptor.cardinality = 5;
  EXPECT_THAT(Read(FileWithRecord(bitmap_, Crc32(bitmap_)), descriptor),
              IsError(ErrorCode::kCorrupt,
                      HasSubstr("holds 6 rows but the descriptor's cardinality is 5")));
}

TEST_F(DeletionVectorCorruptFileTest, OffsetPastEndOfFile) {
  const std::string file = FileWithRecord(bitmap_, Crc32(bitmap_));
  for (int32_t offset : {int32_t(file.size()), 2, 100'000}) {
    DeletionVectorDescriptor descriptor = descriptor_;
    descriptor.offset = offset;
    EXPECT_THAT(Read(file, descriptor),
                IsError(ErrorCode::kCorrupt,
                        HasSubstr(fmt::format(
                            "extends past the end of the file ({} bytes)", file.size()))))
        << offset;
  }
  DeletionVectorDescriptor no_offset = descriptor_;
  no_offset.offset.reset();
  EXPECT_THAT(Read(file, no_offset),
              IsError(ErrorCode::kCorrupt, HasSubstr("offset (none)")));
}

TEST_F(DeletionVectorCorruptFileTest, NamesTheFileInErrors) {
  EXPECT_THAT(Read(FileWithRecord(bitmap_, 0), descriptor_),
              IsError(ErrorCode::kCorrupt, HasSubstr(path_)));
}

TEST_F(DeletionVectorCorruptFileTest, UnknownFormatVersionIsUnsupported) {
  std::string file = FileWithRecord(bitmap_, Crc32(bitmap_));
  file[0] = '\x02';
  EXPECT_THAT(Read(file, descriptor_),
              IsError(ErrorCode::kUnsupported, HasSubstr("format version 2")));
}

TEST_F(DeletionVectorCorruptFileTest, FarOffsetsReadTheVersionApart) {
  // A record past the first 4 KiB is read on its own, the version byte apart.
  std::string file = FileWithRecord(bitmap_, Crc32(bitmap_));
  const std::string padding(5000, '\0');
  file.insert(1, padding);
  DeletionVectorDescriptor descriptor = descriptor_;
  descriptor.offset = 5001;
  ASSERT_OK_AND_ASSIGN(DeletionVector read, Read(file, descriptor));
  EXPECT_EQ(read, dv_);
  file[0] = '\x03';
  EXPECT_THAT(Read(file, descriptor),
              IsError(ErrorCode::kUnsupported, HasSubstr("version 3")));
}

TEST_F(DeletionVectorCorruptFileTest, MissingFileIsNotFound) {
  DeletionVectorDescriptor descriptor = descriptor_;
  descriptor.path_or_inline_dv = "00000000000000000000";
  EXPECT_THAT(ReadDeletionVector(fs_, kRoot, descriptor), IsError(ErrorCode::kNotFound));
}

}  // namespace
}  // namespace quire::table
