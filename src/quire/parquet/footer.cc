/// \file quire/parquet/footer.cc
/// \brief Footer location and parsing.
#include "quire/parquet/footer.h"

#include <cstring>

#include "quire/util/macros.h"

namespace quire::parquet {

namespace {

bool HasMagic(std::span<const uint8_t> bytes, std::string_view magic) {
  return bytes.size() >= magic.size() &&
         std::memcmp(bytes.data(), magic.data(), magic.size()) == 0;
}

constexpr std::string_view kEncryptedMessage =
    "encrypted Parquet files are not supported";

}  // namespace

Result<FooterLocation> LocateFooter(std::span<const uint8_t> last_8_bytes,
                                    int64_t file_size,
                                    std::span<const uint8_t> first_4_bytes) {
  if (file_size < kMinFileSize) {
    return Status::Corrupt("{} bytes is too small for a Parquet file", file_size);
  }
  if (last_8_bytes.size() != static_cast<size_t>(kFooterTailSize)) {
    return Status::Invalid("LocateFooter needs the last {} bytes of the file, got {}",
                           kFooterTailSize, last_8_bytes.size());
  }
  const auto magic = last_8_bytes.subspan(4);
  if (HasMagic(magic, kEncryptedMagic)) {
    return Status::Unsupported("{} (the footer is encrypted: the file ends in \"PARE\")",
                               kEncryptedMessage);
  }
  if (!HasMagic(magic, kMagic)) {
    return Status::Corrupt(
        "not a Parquet file: it ends in bytes {:02x} {:02x} {:02x} {:02x}, not \"PAR1\"",
        magic[0], magic[1], magic[2], magic[3]);
  }
  if (!first_4_bytes.empty() && !HasMagic(first_4_bytes, kMagic)) {
    return Status::Corrupt("not a Parquet file: it does not start with \"PAR1\"");
  }
  const uint32_t length = uint32_t{last_8_bytes[0]} | uint32_t{last_8_bytes[1]} << 8 |
                          uint32_t{last_8_bytes[2]} << 16 |
                          uint32_t{last_8_bytes[3]} << 24;
  if (int64_t{length} > file_size - kMinFileSize) {
    return Status::Corrupt(
        "the footer claims {} bytes of metadata but the {}-byte file has room for at "
        "most {}",
        length, file_size, file_size - kMinFileSize);
  }
  return FooterLocation{file_size - kFooterTailSize - length, length};
}

Status CheckNotEncrypted(const FileMetaData& metadata) {
  if (metadata.encryption_algorithm) {
    return Status::Unsupported("{} (plaintext footer with an encryption algorithm)",
                               kEncryptedMessage);
  }
  for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
    const RowGroup& row_group = metadata.row_groups[g];
    for (size_t c = 0; c < row_group.columns.size(); ++c) {
      const ColumnChunk& chunk = row_group.columns[c];
      if (chunk.crypto_metadata || chunk.encrypted_column_metadata) {
        return Status::Unsupported("{} (column {} of row group {} is encrypted)",
                                   kEncryptedMessage, c, g);
      }
    }
  }
  return Status::OK();
}

Result<FileMetaData> ReadFileMetaData(std::span<const uint8_t> whole_file) {
  const auto size = static_cast<int64_t>(whole_file.size());
  if (size < kMinFileSize) {
    return Status::Corrupt("{} bytes is too small for a Parquet file", size);
  }
  QUIRE_ASSIGN_OR_RETURN(
      FooterLocation location,
      LocateFooter(whole_file.last(kFooterTailSize), size, whole_file.first(4)));
  auto metadata = ParseFileMetaData(
      whole_file.subspan(location.metadata_offset, location.metadata_length));
  if (!metadata.ok()) {
    return metadata.status().WithContext(fmt::format("footer of {} bytes at offset {}",
                                                     location.metadata_length,
                                                     location.metadata_offset));
  }
  QUIRE_RETURN_NOT_OK(CheckNotEncrypted(*metadata));
  return metadata;
}

}  // namespace quire::parquet
