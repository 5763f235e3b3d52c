/// \file quire/parquet/page_reader.cc
#include "quire/parquet/page_reader.h"

#include <zlib.h>

#include <cstring>

#include "quire/parquet/encoding_bitpack.h"
#include "quire/parquet/encoding_rle.h"
#include "quire/util/macros.h"

namespace quire::parquet {

Result<std::unique_ptr<PageReader>> PageReader::Make(columnar::BufferPtr chunk,
                                                     const ColumnDescriptor& column,
                                                     const ColumnMetaData& metadata,
                                                     const PageReaderOptions& options) {
  const auto compression = codec::Compression(int32_t(metadata.codec));
  QUIRE_ASSIGN_OR_RETURN(auto codec, codec::MakeCodec(compression));
  return std::unique_ptr<PageReader>(
      new PageReader(std::move(chunk), column, std::move(codec), options));
}

Result<columnar::BufferPtr> PageReader::Decompress(std::span<const uint8_t> input,
                                                   int64_t size, bool reuse) {
  std::shared_ptr<columnar::MutableBuffer> out;
  if (reuse && scratch_ && scratch_.use_count() == 1) {
    // Nobody kept the previous data page: decompress into its memory, which is
    // already faulted in, instead of fresh pages.
    QUIRE_RETURN_NOT_OK(scratch_->Resize(size));
    out = scratch_;
  } else {
    QUIRE_ASSIGN_OR_RETURN(out, columnar::MutableBuffer::Allocate(size, options_.pool));
    if (reuse) scratch_ = out;
  }
  QUIRE_RETURN_NOT_OK(codec_->Decompress(std::as_bytes(input),
                                         std::as_writable_bytes(std::span(out->mutable_data(),
                                                                          size_t(size))))
                          .status()
                          .WithContext(fmt::format("column '{}' page at byte {} of its chunk",
                                                   column_.dotted_path(), pos_)));
  out->ZeroPadding();
  return columnar::BufferPtr(std::move(out));
}

namespace {

// v1 level streams: RLE ones have a 4-byte little-endian length prefix; the
// deprecated BIT_PACKED ones are ceil(num_values * bit_width / 8) bytes.
Result<std::span<const uint8_t>> TakeLevels(std::span<const uint8_t>* data, Encoding encoding,
                                            int16_t max_level, int64_t num_values,
                                            const char* what) {
  const int bw = BitWidthOf(uint64_t(max_level));
  int64_t length;
  if (encoding == Encoding::kRle) {
    if (data->size() < 4) return Status::Corrupt("{} levels: the length is cut off", what);
    uint32_t len;
    std::memcpy(&len, data->data(), 4);
    *data = data->subspan(4);
    length = len;
  } else if (encoding == Encoding::kBitPacked) {
    length = PackedBytes(num_values, bw);
  } else {
    return Status::Unsupported("{} levels in encoding {}", what, ToString(encoding));
  }
  if (length > int64_t(data->size())) {
    return Status::Corrupt("{} levels of {} bytes run past the {} bytes of the page", what,
                           length, data->size());
  }
  auto levels = data->subspan(0, size_t(length));
  *data = data->subspan(size_t(length));
  return levels;
}

}  // namespace

Status PageReader::SplitV1Levels(Page* page, std::span<const uint8_t> data) {
  if (column_.max_rep_level > 0) {
    QUIRE_ASSIGN_OR_RETURN(page->rep_levels,
                           TakeLevels(&data, page->level_encoding, column_.max_rep_level,
                                      page->num_values, "repetition"));
  }
  if (column_.max_def_level > 0) {
    QUIRE_ASSIGN_OR_RETURN(page->def_levels,
                           TakeLevels(&data, page->level_encoding, column_.max_def_level,
                                      page->num_values, "definition"));
  }
  page->values = data;
  return Status::OK();
}

Result<std::optional<Page>> PageReader::Next() {
  const std::span<const uint8_t> all(chunk_->data(), size_t(chunk_->size()));
  while (pos_ < int64_t(all.size())) {
    if (options_.num_values >= 0 && values_read_ >= options_.num_values) break;
    int64_t header_length = 0;
    auto parsed = ParsePageHeader(all.subspan(size_t(pos_)), &header_length);
    if (!parsed.ok()) {
      return parsed.status().WithContext(
          fmt::format("column '{}' page header at byte {} of its chunk", column_.dotted_path(),
                      pos_));
    }
    const PageHeader& h = *parsed;
    const int64_t body_at = pos_ + header_length;
    if (h.uncompressed_page_size > options_.max_page_bytes) {
      return Status::ResourceExhausted(
          "column '{}': page at byte {} decompresses to {} bytes, more than the reader's "
          "limit of {} (max_page_bytes)", column_.dotted_path(), pos_, h.uncompressed_page_size,
          options_.max_page_bytes);
    }
    if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0 ||
        h.compressed_page_size > int64_t(all.size()) - body_at) {
      return Status::Corrupt("column '{}': page at byte {} claims {} compressed and {} "
                             "uncompressed bytes, {} remain in the chunk",
                             column_.dotted_path(), pos_, h.compressed_page_size,
                             h.uncompressed_page_size, int64_t(all.size()) - body_at);
    }
    const auto body = all.subspan(size_t(body_at), size_t(h.compressed_page_size));
    if (options_.verify_crc && h.crc) {
      // Parquet PageHeader.crc: CRC-32 (zlib's polynomial) of the page bytes after
      // the header, as stored (compressed).
      const uint32_t crc = uint32_t(::crc32(0L, body.data(), uInt(body.size())));
      if (crc != uint32_t(*h.crc)) {
        return Status::Corrupt("column '{}': page at byte {} fails its CRC check (stored "
                               "{:08x}, computed {:08x})", column_.dotted_path(), pos_,
                               uint32_t(*h.crc), crc);
      }
    }
    const int64_t page_at = pos_;
    pos_ = body_at + h.compressed_page_size;
    Page page;
    page.type = h.type;
    switch (h.type) {
      case PageType::kDictionaryPage: {
        if (!h.dictionary_page_header) {
          return Status::Corrupt("column '{}': dictionary page at byte {} has no header",
                                 column_.dotted_path(), page_at);
        }
        const auto& d = *h.dictionary_page_header;
        if (d.num_values < 0) {
          return Status::Corrupt("column '{}': dictionary page with {} values",
                                 column_.dotted_path(), d.num_values);
        }
        page.num_values = d.num_values;
        page.encoding = d.encoding;
        QUIRE_ASSIGN_OR_RETURN(page.storage,
                               Decompress(body, h.uncompressed_page_size, /*reuse=*/false));
        page.values = {page.storage->data(), size_t(page.storage->size())};
        return page;
      }
      case PageType::kDataPage: {
        if (!h.data_page_header) {
          return Status::Corrupt("column '{}': data page at byte {} has no header",
                                 column_.dotted_path(), page_at);
        }
        const auto& d = *h.data_page_header;
        if (d.num_values < 0) {
          return Status::Corrupt("column '{}': data page with {} values",
                                 column_.dotted_path(), d.num_values);
        }
        page.num_values = d.num_values;
        values_read_ += d.num_values;
        page.encoding = d.encoding;
        page.level_encoding = d.definition_level_encoding;
        if (column_.max_rep_level > 0 && d.repetition_level_encoding != d.definition_level_encoding &&
            column_.max_def_level > 0) {
          return Status::Unsupported("column '{}': repetition levels in {} and definition "
                                     "levels in {}", column_.dotted_path(),
                                     ToString(d.repetition_level_encoding),
                                     ToString(d.definition_level_encoding));
        }
        if (column_.max_def_level == 0) page.level_encoding = d.repetition_level_encoding;
        if (page_filter_ && !page_filter_(page.num_values)) {
          page.skipped = true;
          return page;
        }
        QUIRE_ASSIGN_OR_RETURN(page.storage,
                               Decompress(body, h.uncompressed_page_size, /*reuse=*/true));
        QUIRE_RETURN_NOT_OK(SplitV1Levels(
            &page, {page.storage->data(), size_t(page.storage->size())}));
        return page;
      }
      case PageType::kDataPageV2: {
        if (!h.data_page_header_v2) {
          return Status::Corrupt("column '{}': v2 data page at byte {} has no header",
                                 column_.dotted_path(), page_at);
        }
        const auto& d = *h.data_page_header_v2;
        const int64_t levels = int64_t(d.repetition_levels_byte_length) +
                               d.definition_levels_byte_length;
        if (d.num_values < 0 || d.num_nulls < 0 || d.repetition_levels_byte_length < 0 ||
            d.definition_levels_byte_length < 0 || levels > h.compressed_page_size ||
            levels > h.uncompressed_page_size) {
          return Status::Corrupt("column '{}': v2 data page at byte {} has {} values and {} "
                                 "level bytes in {} bytes", column_.dotted_path(), page_at,
                                 d.num_values, levels, h.compressed_page_size);
        }
        page.num_values = d.num_values;
        values_read_ += d.num_values;
        page.encoding = d.encoding;
        page.level_encoding = Encoding::kRle;
        if (page_filter_ && !page_filter_(page.num_values)) {
          page.skipped = true;
          return page;
        }
        // Levels are never compressed in v2 pages; the values are unless
        // is_compressed is false.
        auto values = body.subspan(size_t(levels));
        const int64_t values_size = h.uncompressed_page_size - levels;
        if (d.is_compressed.value_or(true)) {
          QUIRE_ASSIGN_OR_RETURN(page.storage, Decompress(values, values_size, /*reuse=*/true));
          page.values = {page.storage->data(), size_t(values_size)};
        } else {
          if (int64_t(values.size()) != values_size) {
            return Status::Corrupt("column '{}': uncompressed v2 page sizes disagree ({} vs "
                                   "{})", column_.dotted_path(), values.size(), values_size);
          }
          page.storage = columnar::Buffer::Slice(chunk_, body_at + levels, values_size);
          page.values = values;
        }
        page.rep_levels = body.subspan(0, size_t(d.repetition_levels_byte_length));
        page.def_levels = body.subspan(size_t(d.repetition_levels_byte_length),
                                       size_t(d.definition_levels_byte_length));
        // The level spans point into the chunk, which the reader keeps alive; tie
        // them to the page too when the values were decompressed elsewhere.
        return page;
      }
      default:
        continue;  // index pages and future page types carry nothing to decode
    }
  }
  return std::optional<Page>();
}

}  // namespace quire::parquet
