#pragma once

/// \file quire/table/deletion_vector.h
/// \brief Deletion vectors: the rows of a data file that are logically deleted
/// (PROTOCOL.md, "Deletion Vectors" and the appendix "Deletion Vector Format").
///
/// A descriptor (DeletionVectorDescriptor, in actions.h) says where a vector
/// is: inline in the log as Z85 text ('i'), in a file named after a UUID below
/// the table root ('u'), or in a file at an absolute URI ('p').
/// ReadDeletionVector() follows it and checks the record's size, CRC-32 and
/// cardinality; WriteDeletionVector() and InlineDeletionVector() make
/// descriptors for new ones.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quire/table/actions.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::io {
class FileSystem;
}  // namespace quire::io

namespace quire::table {

/// \brief The set of deleted rows of one data file, as a 64-bit Roaring bitmap
/// (32-bit Roaring bitmaps keyed by the rows' high 32 bits).
///
/// Rows are 0-based positions in the data file and must be below 2^63: the
/// protocol requires every key's top bit to be 0. Thread-compatible: const
/// methods may run concurrently. Copies are deep.
class QUIRE_EXPORT DeletionVector {
 public:
  DeletionVector();
  ~DeletionVector();
  DeletionVector(const DeletionVector& other);
  DeletionVector& operator=(const DeletionVector& other);
  DeletionVector(DeletionVector&& other) noexcept;
  DeletionVector& operator=(DeletionVector&& other) noexcept;

  /// \brief Make a vector of `rows`, in any order; duplicates count once.
  static DeletionVector FromRows(std::span<const uint64_t> rows);

  /// \brief Mark `row` deleted.
  void Add(uint64_t row);
  /// \brief Mark the rows [begin, end) deleted.
  void AddRange(uint64_t begin, uint64_t end);
  /// \brief Mark every row of `other` deleted.
  void Union(const DeletionVector& other);

  /// \brief Return the number of deleted rows.
  int64_t cardinality() const;
  bool empty() const;
  /// \brief Return whether `row` is deleted.
  bool Contains(uint64_t row) const;

  /// \brief Call `fn` with each deleted row, ascending.
  void ForEach(const std::function<void(uint64_t row)>& fn) const;
  /// \brief Return the deleted rows, ascending.
  std::vector<uint64_t> ToVector() const;

  /// \brief Replace `positions` with the deleted rows of [first, first + n), as
  /// offsets from `first`, ascending: the rows a scan drops from a batch.
  ///
  /// Costs O(log(containers) + rows found); what a scan calls once per batch.
  void DeletedInRange(uint64_t first, int64_t n, std::vector<int64_t>* positions) const;

  /// \brief Write a keep-mask of the rows [first, first + n) to `bits`: bit i
  /// (LSB-first, as Arrow validity bitmaps) is 0 when row first + i is deleted
  /// and 1 otherwise. Writes (n + 7) / 8 bytes; the pad bits of the last are 0.
  void FillKeepBitmap(uint64_t first, int64_t n, uint8_t* bits) const;

  bool operator==(const DeletionVector& other) const;

 private:
  friend struct DeletionVectorCodec;  // the serialized form, in the .cc

  struct Bucket;  // one 32-bit Roaring bitmap and its key
  Bucket& MutableBucket(uint32_t key);
  template <typename Fn>
  void ForEachBetween(uint64_t first, uint64_t last, Fn&& fn) const;

  std::vector<Bucket> buckets_;  // keys ascending; no bucket is empty
};

/// \brief Encode `bytes` as Z85 (ZeroMQ RFC 32), the Base85 variant of the protocol.
/// Like Delta, pad the input with zero bytes to a multiple of 4 first, so the text
/// has 5 characters for every 4 bytes, rounded up.
QUIRE_EXPORT std::string Z85Encode(std::span<const std::byte> bytes);

/// \brief Decode Z85 text: 4 bytes for every 5 characters (padding included).
/// \return kCorrupt if the length is not a multiple of 5, a character is not in the
/// Z85 alphabet, or a group exceeds 32 bits.
QUIRE_EXPORT Result<std::string> Z85Decode(std::string_view text);

/// \brief Parse a serialized deletion vector: the magic number 1681511377 and a
/// 64-bit Roaring bitmap in the portable format (PROTOCOL.md, "Deletion Vector
/// Format"). Every length and container is checked before CRoaring reads it.
/// \return kCorrupt for a wrong magic number, a malformed or truncated bitmap, keys
/// that are not ascending or have their top bit set, or trailing bytes;
/// kUnsupported for Delta's native RoaringBitmapArray format (magic 1681511376).
QUIRE_EXPORT Result<DeletionVector> ParseDeletionVectorBitmap(
    std::span<const std::byte> bytes);

/// \brief Serialize `dv` as ParseDeletionVectorBitmap() reads it.
QUIRE_EXPORT std::string SerializeDeletionVectorBitmap(const DeletionVector& dv);

/// \brief Return the path of the file holding an on-disk deletion vector.
///
/// For 'u', `<table_root>/<random prefix>/deletion_vector_<uuid>.bin`, the UUID
/// being the last 20 characters of path_or_inline_dv decoded from Z85 (an empty
/// prefix adds no folder); for 'p', path_or_inline_dv as given (an absolute URI).
/// \return kInvalidArgument for inline ('i') descriptors, which have no file;
/// kCorrupt for an unknown storage type or a malformed 'u' path.
QUIRE_EXPORT Result<std::string> DeletionVectorAbsolutePath(
    const DeletionVectorDescriptor& descriptor, std::string_view table_root);

/// \brief Read the deletion vector `descriptor` describes.
///
/// 'u' files are read from `fs` below `table_root`; 'p' URIs with
/// io::OpenReadUrl(), as they name their own store (percent-escapes are not
/// decoded); 'i' vectors are decoded from the descriptor. A file's record at
/// `offset` is a big-endian int32 size, the serialized bitmap and a big-endian
/// CRC-32 of the bitmap; the file starts with the format version 1 (PROTOCOL.md,
/// "Deletion Vector File Storage Format").
/// \return kCorrupt, naming the file, when the record lies past the end of the
/// file, its size differs from size_in_bytes, the checksum or the bitmap is bad, or
/// the cardinality differs from the descriptor's; kUnsupported for another file
/// format version; the filesystem's errors (kNotFound, kIOError) as they are.
QUIRE_EXPORT Result<DeletionVector> ReadDeletionVector(
    io::FileSystem& fs, std::string_view table_root,
    const DeletionVectorDescriptor& descriptor);

/// \brief Write `dv` to a new file `<table_root>/<prefix>/deletion_vector_<uuid>.bin`
/// (a random version 4 UUID) holding the format version and one record at offset
/// 1, and return its 'u' descriptor.
///
/// `prefix` is the protocol's optional random prefix, a folder name (Delta uses a
/// few alphanumeric characters); empty puts the file in the table root.
/// \return the filesystem's errors; kAlreadyExists should the UUID be taken.
QUIRE_EXPORT Result<DeletionVectorDescriptor> WriteDeletionVector(
    io::FileSystem& fs, std::string_view table_root, const DeletionVector& dv,
    std::string_view prefix = "");

/// \brief Return the inline ('i') descriptor of `dv`: its serialized bitmap as Z85.
QUIRE_EXPORT DeletionVectorDescriptor InlineDeletionVector(const DeletionVector& dv);

}  // namespace quire::table
