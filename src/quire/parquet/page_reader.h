#pragma once

/// \file quire/parquet/page_reader.h
/// \brief Pages of one column chunk: headers parsed, CRCs checked on request, data
/// decompressed and split into repetition levels, definition levels and values.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "quire/codec/codec.h"
#include "quire/columnar/buffer.h"
#include "quire/parquet/metadata.h"
#include "quire/parquet/schema.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Default for PageReaderOptions::max_page_bytes.
inline constexpr int64_t kDefaultMaxPageBytes = int64_t(1) << 30;

/// \brief A decoded-enough page: its kind, counts and the byte ranges to decode.
struct Page {
  PageType type = PageType::kDataPage;
  /// Level entries in a data page (values including nulls); values of a dictionary.
  int64_t num_values = 0;
  /// Encoding of the values (data pages) or of the dictionary (dictionary pages).
  Encoding encoding = Encoding::kPlain;
  /// Encoding of the level streams: RLE, or the deprecated BIT_PACKED (v1 only).
  Encoding level_encoding = Encoding::kRle;
  /// The level streams without their length prefixes; empty when the column has no
  /// such levels.
  std::span<const uint8_t> rep_levels;
  std::span<const uint8_t> def_levels;
  /// The encoded values.
  std::span<const uint8_t> values;
  /// Keeps the decompressed bytes alive as long as the page.
  columnar::BufferPtr storage;
  /// A data page the page filter did not want: its counts are set, its bytes were
  /// neither decompressed nor split (the spans are empty).
  bool skipped = false;
};

/// \brief Options of PageReader.
struct PageReaderOptions {
  /// Check the CRC-32 of every page that has one (kCorrupt on mismatch).
  bool verify_crc = false;
  /// Largest decompressed page accepted (kResourceExhausted above it): bounds what a
  /// header can make the reader allocate.
  int64_t max_page_bytes = kDefaultMaxPageBytes;
  /// Level entries of the chunk (ColumnMetaData.num_values): reading stops there,
  /// so padding read after the chunk is never taken for pages. -1: read to the end.
  int64_t num_values = -1;
  /// Largest number of level entries decoded from one column chunk
  /// (kResourceExhausted above it); bounds memory when a page claims many values.
  int64_t max_chunk_entries = int64_t(1) << 31;
  columnar::MemoryPool* pool = columnar::default_memory_pool();
};

/// \brief Reads the pages of one column chunk held in memory. Not thread-safe.
class QUIRE_EXPORT PageReader {
 public:
  /// \brief Read pages from `chunk`, the bytes of the column chunk from its first
  /// page (dictionary page when there is one) to its end.
  static Result<std::unique_ptr<PageReader>> Make(columnar::BufferPtr chunk,
                                                  const ColumnDescriptor& column,
                                                  const ColumnMetaData& metadata,
                                                  const PageReaderOptions& options = {});

  /// \brief Level entries the chunk announces (ColumnMetaData.num_values), or -1.
  int64_t expected_values() const { return options_.num_values; }

  /// \brief Return the next dictionary or data page, or nullopt after the last.
  /// Index pages and pages of unknown type are skipped. A data page's memory is
  /// reused for the next one if the caller no longer holds its `storage`.
  Result<std::optional<Page>> Next();

  /// \brief Ask, before each data page is decompressed, whether it is wanted:
  /// `wanted(num_values)` is called once per data page, in order; a page it
  /// declines comes back from Next() with `skipped` set and nothing decoded.
  void set_page_filter(std::function<bool(int64_t num_values)> wanted) {
    page_filter_ = std::move(wanted);
  }

 private:
  PageReader(columnar::BufferPtr chunk, const ColumnDescriptor& column,
             std::unique_ptr<codec::Codec> codec, const PageReaderOptions& options)
      : chunk_(std::move(chunk)), column_(column), codec_(std::move(codec)), options_(options) {}
  // Decompress into a new buffer, or with `reuse` (data pages) into the previous
  // data page's buffer when the caller has released it.
  Result<columnar::BufferPtr> Decompress(std::span<const uint8_t> input, int64_t size,
                                         bool reuse);
  Status SplitV1Levels(Page* page, std::span<const uint8_t> data);

  columnar::BufferPtr chunk_;
  const ColumnDescriptor& column_;
  std::unique_ptr<codec::Codec> codec_;
  PageReaderOptions options_;
  int64_t pos_ = 0;
  int64_t values_read_ = 0;
  int64_t chunk_end_ = 0;
  std::shared_ptr<columnar::MutableBuffer> scratch_;
  std::function<bool(int64_t)> page_filter_;
};

}  // namespace quire::parquet
