/// \file tests/codec/corpus_test.cc
/// \brief Decompresses every page of the Parquet corpus (tests/data/parquet/data),
/// real bytes from parquet-mr, Arrow, arrow-rs and others, before the Parquet layer
/// exists: a minimal Thrift compact reader finds the pages.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "codec_test_util.h"
#include "quire/codec/codec.h"
#include "quire/testing/matchers.h"

namespace quire::codec {
namespace {

using ::quire::testing::IsError;
using test::Bytes;
using ::testing::HasSubstr;

/// Just enough of the Thrift compact protocol (thrift/doc/specs/thrift-compact-
/// protocol.md) to walk parquet.thrift's FileMetaData and PageHeader. Every read is
/// bounds-checked; a failure sets ok() to false.
class CompactReader {
 public:
  CompactReader(const Bytes& bytes, size_t pos) : bytes_(bytes), pos_(pos) {}

  bool ok() const { return ok_; }
  size_t pos() const { return pos_; }

  uint8_t Byte() {
    if (pos_ >= bytes_.size()) {
      ok_ = false;
      return 0;
    }
    return uint8_t(bytes_[pos_++]);
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && ok_; shift += 7) {
      const uint8_t b = Byte();
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    ok_ = false;
    return 0;
  }
  int64_t ZigZag() {
    const uint64_t v = Varint();
    return int64_t(v >> 1) ^ -int64_t(v & 1);
  }

  /// Call `field(id, type)` for each field of a struct; `field` reads or Skip()s it.
  template <typename F>
  void Struct(F&& field) {
    int16_t last = 0;
    while (ok_) {
      const uint8_t header = Byte();
      if (header == 0) return;  // STOP
      const int delta = header >> 4;
      const int16_t id = delta ? int16_t(last + delta) : int16_t(ZigZag());
      last = id;
      field(id, header & 0x0f);
    }
  }
  /// Call `element(type)` for each element of a list.
  template <typename F>
  void List(F&& element) {
    const uint8_t header = Byte();
    uint64_t size = header >> 4;
    if (size == 15) size = Varint();
    for (uint64_t i = 0; i < size && ok_; ++i) element(header & 0x0f);
  }
  void Skip(int type) {
    switch (type) {
      case 1:
      case 2: return;  // booleans live in the field header
      case 3: Byte(); return;
      case 4:
      case 5:
      case 6: Varint(); return;
      case 7: Advance(8); return;
      case 8: Advance(Varint()); return;
      case 9:
      case 10: List([this](int t) { t == 1 || t == 2 ? void(Byte()) : Skip(t); }); return;
      case 11: {
        const uint64_t size = Varint();
        if (size == 0) return;
        const uint8_t types = Byte();
        for (uint64_t i = 0; i < size && ok_; ++i) {
          SkipElement(types >> 4);
          SkipElement(types & 0x0f);
        }
        return;
      }
      case 12: Struct([this](int16_t, int t) { Skip(t); }); return;
      default: ok_ = false;
    }
  }

 private:
  void SkipElement(int type) { type == 1 || type == 2 ? void(Byte()) : Skip(type); }
  void Advance(uint64_t n) {
    if (n > bytes_.size() - pos_) {
      ok_ = false;
      return;
    }
    pos_ += size_t(n);
  }

  const Bytes& bytes_;
  size_t pos_;
  bool ok_ = true;
};

struct ColumnChunk {
  Compression codec = Compression::kUncompressed;
  int64_t start = 0;  // the dictionary page if there is one, else the first data page
  int64_t total_compressed_size = 0;
};

struct Page {
  int64_t offset = 0;  // of the compressed bytes
  int64_t compressed_size = 0;
  int64_t uncompressed_size = 0;
  bool compressed = true;  // false for a data page v2 with is_compressed = false
};

/// Return the column chunks of a plaintext-footer Parquet file, or nullopt.
std::optional<std::vector<ColumnChunk>> ReadColumnChunks(const Bytes& file) {
  if (file.size() < 12 || std::memcmp(file.data() + file.size() - 4, "PAR1", 4) != 0) {
    return std::nullopt;
  }
  uint32_t footer_length = 0;
  std::memcpy(&footer_length, file.data() + file.size() - 8, 4);  // little-endian hosts
  if (footer_length > file.size() - 12) return std::nullopt;
  CompactReader r(file, file.size() - 8 - footer_length);
  std::vector<ColumnChunk> chunks;
  r.Struct([&](int16_t id, int type) {
    if (id != 4 || type != 9) return r.Skip(type);  // FileMetaData.row_groups
    r.List([&](int) {
      r.Struct([&](int16_t id, int type) {
        if (id != 1 || type != 9) return r.Skip(type);  // RowGroup.columns
        r.List([&](int) {
          ColumnChunk chunk;
          int64_t data_page_offset = 0, dictionary_page_offset = 0;
          r.Struct([&](int16_t id, int type) {
            if (id != 3 || type != 12) return r.Skip(type);  // ColumnChunk.meta_data
            r.Struct([&](int16_t id, int type) {
              switch (id) {
                case 4: chunk.codec = Compression(r.ZigZag()); break;
                case 7: chunk.total_compressed_size = r.ZigZag(); break;
                case 9: data_page_offset = r.ZigZag(); break;
                case 11: dictionary_page_offset = r.ZigZag(); break;
                default: r.Skip(type);
              }
            });
          });
          // Some writers record a dictionary offset of 0 for chunks without one.
          chunk.start =
              dictionary_page_offset > 0 && dictionary_page_offset < data_page_offset
                  ? dictionary_page_offset
                  : data_page_offset;
          chunks.push_back(chunk);
        });
      });
    });
  });
  if (!r.ok()) return std::nullopt;
  return chunks;
}

/// Return the pages of `chunk`, or nullopt if a page header does not parse.
std::optional<std::vector<Page>> ReadPages(const Bytes& file, const ColumnChunk& chunk) {
  std::vector<Page> pages;
  int64_t pos = chunk.start;
  const int64_t end = chunk.start + chunk.total_compressed_size;
  while (pos < end) {
    if (pos < 0 || size_t(pos) >= file.size()) return std::nullopt;
    CompactReader r(file, size_t(pos));
    Page page;
    int64_t levels_size = 0;
    r.Struct([&](int16_t id, int type) {
      switch (id) {
        case 2: page.uncompressed_size = r.ZigZag(); break;
        case 3: page.compressed_size = r.ZigZag(); break;
        case 8:  // data_page_header_v2: levels come first and are never compressed
          r.Struct([&](int16_t id, int type) {
            if (id == 5 || id == 6) {
              levels_size += r.ZigZag();
            } else if (id == 7) {
              page.compressed = type == 1;
            } else {
              r.Skip(type);
            }
          });
          break;
        default: r.Skip(type);
      }
    });
    if (!r.ok() || page.compressed_size < levels_size ||
        page.uncompressed_size < levels_size) {
      return std::nullopt;
    }
    page.offset = int64_t(r.pos()) + levels_size;
    page.compressed_size -= levels_size;
    page.uncompressed_size -= levels_size;
    if (page.offset + page.compressed_size > int64_t(file.size())) return std::nullopt;
    pages.push_back(page);
    pos = page.offset + page.compressed_size;
  }
  return pages;
}

Bytes ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return test::ToBytes(s);
}

const std::filesystem::path kCorpus = "tests/data/parquet/data";

// Larger pages are skipped: large_string_map.brotli.parquet holds 1 GiB pages.
constexpr int64_t kMaxPageSize = 64 << 20;

TEST(CorpusTest, DecompressesEveryPageOfTheCorpus) {
  ASSERT_TRUE(std::filesystem::is_directory(kCorpus)) << "run from the project root";
  std::map<Compression, std::unique_ptr<Codec>> codecs;
  std::map<Compression, int> pages_per_codec;
  std::map<std::string, int> pages_per_file;
  int skipped_large = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kCorpus)) {
    if (entry.path().extension() != ".parquet") continue;
    const std::string name = std::filesystem::relative(entry.path(), kCorpus).string();
    const Bytes file = ReadFile(entry.path());
    const auto chunks = ReadColumnChunks(file);
    if (!chunks) {
      ADD_FAILURE() << name << ": the test's footer reader cannot parse it";
      continue;
    }
    for (const ColumnChunk& chunk : *chunks) {
      if (chunk.codec == Compression::kUncompressed) continue;
      const auto pages = ReadPages(file, chunk);
      ASSERT_TRUE(pages) << name << ": a page header at " << chunk.start
                         << " does not parse";
      auto& codec = codecs[chunk.codec];
      if (!codec) {
        ASSERT_OK_AND_ASSIGN(codec, MakeCodec(chunk.codec));
      }
      for (const Page& page : *pages) {
        if (!page.compressed) continue;
        if (page.uncompressed_size > kMaxPageSize) {
          ++skipped_large;
          continue;
        }
        Bytes output(size_t(page.uncompressed_size));
        EXPECT_OK(codec->Decompress(
            std::span(file).subspan(size_t(page.offset), size_t(page.compressed_size)),
            output))
            << name << ": page at " << page.offset;
        ++pages_per_codec[chunk.codec];
        ++pages_per_file[name];
      }
    }
  }
  for (Compression compression : test::SupportedCompressions()) {
    if (compression == Compression::kUncompressed) continue;
    EXPECT_GT(pages_per_codec[compression], 0) << CompressionName(compression);
    RecordProperty(std::string(CompressionName(compression)),
                   pages_per_codec[compression]);
  }
  for (const char* name :
       {"concatenated_gzip_members.parquet", "hadoop_lz4_compressed.parquet",
        "hadoop_lz4_compressed_larger.parquet", "non_hadoop_lz4_compressed.parquet",
        "lz4_raw_compressed_larger.parquet", "large_string_map.brotli.parquet",
        "datapage_v2_empty_datapage.snappy.parquet",
        "page_v2_empty_compressed.parquet"}) {
    EXPECT_GT(pages_per_file[name], 0) << name;
  }
  EXPECT_GT(skipped_large, 0);
}

TEST(CorpusTest, ConcatenatedGzipMembersFileHoldsSeveralMembers) {
  const Bytes file = ReadFile(kCorpus / "concatenated_gzip_members.parquet");
  const auto chunks = ReadColumnChunks(file);
  ASSERT_TRUE(chunks && chunks->size() == 1);
  const auto pages = ReadPages(file, chunks->at(0));
  ASSERT_TRUE(pages && pages->size() == 1);
  const Page& page = (*pages)[0];
  const auto input =
      std::span(file).subspan(size_t(page.offset), size_t(page.compressed_size));
  // More than one gzip header (RFC 1952 ID1 ID2 CM = 1f 8b 08) in the page.
  int headers = 0;
  for (size_t i = 0; i + 3 <= input.size(); ++i) {
    headers += input[i] == std::byte{0x1f} && input[i + 1] == std::byte{0x8b} &&
               input[i + 2] == std::byte{0x08};
  }
  EXPECT_GT(headers, 1);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kGzip));
  Bytes output(size_t(page.uncompressed_size));
  ASSERT_OK(codec->Decompress(input, output));
  // The page ends with the values 1..513 as PLAIN u64 (see its expected.json).
  uint64_t last = 0;
  std::memcpy(&last, output.data() + output.size() - 8, 8);
  EXPECT_EQ(last, 513u);
}

TEST(CorpusTest, AGibibytePageFailsFastIntoASmallOutput) {
  // large_string_map.brotli.parquet: 1.6 KB of brotli that expand to 1 GiB. Into a
  // 1 MiB output the decoder stops at the output's end with a typed error.
  const Bytes file = ReadFile(kCorpus / "large_string_map.brotli.parquet");
  const auto chunks = ReadColumnChunks(file);
  ASSERT_TRUE(chunks && !chunks->empty());
  const auto pages = ReadPages(file, chunks->at(0));
  ASSERT_TRUE(pages && !pages->empty());
  const Page& page = (*pages)[0];
  ASSERT_GT(page.uncompressed_size, int64_t(1) << 30);
  ASSERT_OK_AND_ASSIGN(auto codec, MakeCodec(Compression::kBrotli));
  Bytes output(1 << 20);
  EXPECT_THAT(
      codec->Decompress(
          std::span(file).subspan(size_t(page.offset), size_t(page.compressed_size)),
          output),
      IsError(ErrorCode::kCorrupt, HasSubstr("brotli: decompresses to more than")));
}

}  // namespace
}  // namespace quire::codec
