#pragma once

/// \file quire/parquet/footer.h
/// \brief Finding and reading the footer: the file ends with the FileMetaData, its
/// length as 4 little-endian bytes, and the magic "PAR1".
///
/// Layout (parquet-format README, "File Format"):
///   "PAR1" | column chunks ... | FileMetaData | u32le length | "PAR1"
/// An encrypted footer ends in "PARE" instead and starts with a FileCryptoMetaData.
///
/// Reading a footer takes at most two range reads: one speculative read of the last
/// kFooterSpeculativeReadSize bytes (or the whole file when smaller), and only when
/// the footer is longer than that tail, a second read of exactly what is missing.

#include <cstdint>
#include <span>
#include <string_view>

#include "quire/parquet/metadata.h"
#include "quire/util/result.h"
#include "quire/util/status.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Magic at the start and end of a Parquet file.
inline constexpr std::string_view kMagic = "PAR1";
/// \brief Magic at the end of a Parquet file whose footer is encrypted.
inline constexpr std::string_view kEncryptedMagic = "PARE";
/// \brief Bytes after the FileMetaData: its length (u32le) and the magic.
inline constexpr int64_t kFooterTailSize = 8;
/// \brief Smallest possible file: leading magic, metadata length and trailing magic.
inline constexpr int64_t kMinFileSize = 4 + kFooterTailSize;
/// \brief Bytes a reader fetches from the end of a file in its first request. Most
/// footers are far smaller, so one request usually covers the tail and the metadata;
/// larger ones take a second request sized from FooterLocation.
inline constexpr int64_t kFooterSpeculativeReadSize = 64 * 1024;

/// \brief Where the FileMetaData is in the file.
struct FooterLocation {
  int64_t metadata_offset = 0;  ///< Offset of the serialized FileMetaData.
  int64_t metadata_length = 0;  ///< Its length in bytes.
};

/// \brief Decode the last 8 bytes of a file of `file_size` bytes.
///
/// \param last_8_bytes the file's final kFooterTailSize bytes.
/// \param first_4_bytes the file's first 4 bytes, checked for "PAR1" when given
///   (readers that fetch them anyway pass them; others check them later or not).
/// \return kCorrupt if the file is smaller than kMinFileSize ("N bytes is too small
///   for a Parquet file"), the trailing or leading magic is wrong, or the length does
///   not fit between the leading magic and the tail; kUnsupported for an encrypted
///   footer ("PARE").
QUIRE_EXPORT Result<FooterLocation> LocateFooter(
    std::span<const uint8_t> last_8_bytes, int64_t file_size,
    std::span<const uint8_t> first_4_bytes = {});

/// \brief Return kUnsupported if `metadata` describes an encrypted file (a plaintext
/// footer with an encryption algorithm, or a column chunk with crypto metadata or
/// encrypted column metadata).
QUIRE_EXPORT Status CheckNotEncrypted(const FileMetaData& metadata);

/// \brief Locate, parse and check the footer of a whole file held in memory.
///
/// For tests and small files; readers of large or remote files use LocateFooter()
/// and ParseFileMetaData() on the bytes they fetched. Checks both magics and
/// rejects encrypted files with kUnsupported.
QUIRE_EXPORT Result<FileMetaData> ReadFileMetaData(std::span<const uint8_t> whole_file);

}  // namespace quire::parquet
