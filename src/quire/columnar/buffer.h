#pragma once

/// \file quire/columnar/buffer.h
/// \brief Memory pools, reference-counted buffers, and growable buffer builders.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "quire/columnar/type_fwd.h"
#include "quire/util/macros.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::columnar {

/// \brief Alignment of every pool allocation, as the Arrow format recommends.
inline constexpr int64_t kBufferAlignment = 64;

/// \brief Source of aligned memory that counts what it hands out.
///
/// Thread-safe.
class QUIRE_EXPORT MemoryPool {
 public:
  virtual ~MemoryPool() = default;

  /// \brief Allocate `size` bytes aligned to kBufferAlignment.
  /// \return kResourceExhausted if the allocation fails or exceeds the pool's limit.
  virtual Status Allocate(int64_t size, uint8_t** out) = 0;
  /// \brief Grow or shrink an allocation, keeping min(old_size, new_size) bytes.
  virtual Status Reallocate(int64_t old_size, int64_t new_size, uint8_t** ptr) = 0;
  /// \brief Return memory from Allocate/Reallocate with the size it has now.
  virtual void Free(uint8_t* ptr, int64_t size) = 0;

  /// \brief Return the bytes currently allocated.
  virtual int64_t bytes_allocated() const = 0;
  /// \brief Return the highest value bytes_allocated() has reached.
  virtual int64_t max_memory() const = 0;
  /// \brief Return the number of Allocate and Reallocate calls so far.
  virtual int64_t num_allocations() const = 0;
};

/// \brief MemoryPool over the system allocator, with counters and an optional limit.
///
/// Thread-safe. Each instance counts only its own allocations, so a test or a
/// benchmark can measure one operation by giving it its own pool.
class QUIRE_EXPORT TrackingMemoryPool final : public MemoryPool {
 public:
  /// \param limit refuse allocations that would bring bytes_allocated() past this.
  explicit TrackingMemoryPool(int64_t limit = std::numeric_limits<int64_t>::max())
      : limit_(limit) {}
  ~TrackingMemoryPool() override;

  Status Allocate(int64_t size, uint8_t** out) override;
  Status Reallocate(int64_t old_size, int64_t new_size, uint8_t** ptr) override;
  void Free(uint8_t* ptr, int64_t size) override;
  int64_t bytes_allocated() const override { return allocated_.load(); }
  int64_t max_memory() const override { return peak_.load(); }
  int64_t num_allocations() const override { return count_.load(); }
  int64_t limit() const { return limit_; }

 private:
  Status Reserve(int64_t delta);
  void Release(int64_t delta);

  const int64_t limit_;
  std::atomic<int64_t> allocated_{0};
  std::atomic<int64_t> peak_{0};
  std::atomic<int64_t> count_{0};
  // Large mappings freed recently, kept (up to a bound) for allocations of the
  // same size: decoding row group after row group reuses faulted-in memory.
  std::mutex cache_mutex_;
  std::vector<std::pair<uint8_t*, int64_t>> cache_;  // address, mapped bytes
  int64_t cached_bytes_ = 0;
  // Live mappings handed out larger than their size asks for: their mapped bytes.
  std::unordered_map<uint8_t*, int64_t> oversized_;
};

/// \brief Return the process-wide pool used when a caller passes none.
QUIRE_EXPORT MemoryPool* default_memory_pool();

/// \brief Contiguous, immutable bytes with shared ownership.
///
/// A Buffer either owns pool memory (MutableBuffer), or views memory kept alive
/// by an owner (a parent buffer for a slice, or a foreign producer's release
/// callback for an imported Arrow C Data array). Thread-safe (immutable).
class QUIRE_EXPORT Buffer {
 public:
  /// \brief View `size` bytes at `data`, keeping `owner` alive as long as this buffer.
  Buffer(const uint8_t* data, int64_t size, std::shared_ptr<const void> owner = nullptr)
      : data_(data), size_(size), owner_(std::move(owner)) {}
  virtual ~Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  const uint8_t* data() const { return data_; }
  int64_t size() const { return size_; }
  template <typename T>
  const T* data_as() const {
    return reinterpret_cast<const T*>(data_);
  }
  std::span<const std::byte> span() const {
    return {reinterpret_cast<const std::byte*>(data_), size_t(size_)};
  }
  std::string_view ToStringView() const {
    return {reinterpret_cast<const char*>(data_), size_t(size_)};
  }
  /// \brief Return whether the bytes are equal (not the identity).
  bool Equals(const Buffer& other) const {
    return size_ == other.size_ &&
           (data_ == other.data_ || size_ == 0 || std::memcmp(data_, other.data_, size_t(size_)) == 0);
  }

  /// \brief Return a zero-copy view of `length` bytes from `offset` that keeps `parent` alive.
  static BufferPtr Slice(const BufferPtr& parent, int64_t offset, int64_t length);

  /// \brief Copy `bytes` into a new pool buffer.
  static Result<BufferPtr> Copy(std::span<const std::byte> bytes,
                                MemoryPool* pool = default_memory_pool());
  static Result<BufferPtr> Copy(std::string_view bytes, MemoryPool* pool = default_memory_pool()) {
    return Copy(std::as_bytes(std::span(bytes.data(), bytes.size())), pool);
  }

 protected:
  const uint8_t* data_;
  int64_t size_;
  std::shared_ptr<const void> owner_;
};

/// \brief Buffer that owns resizable pool memory; writable until shared.
///
/// Capacity is a multiple of 64 bytes and the bytes past size() up to the
/// capacity are zeroed by ZeroPadding(). Not thread-safe while being written.
class QUIRE_EXPORT MutableBuffer final : public Buffer {
 public:
  ~MutableBuffer() override;

  /// \brief Allocate `size` bytes (uninitialised) from `pool`.
  static Result<std::shared_ptr<MutableBuffer>> Allocate(
      int64_t size, MemoryPool* pool = default_memory_pool());
  /// \brief Allocate `size` zeroed bytes from `pool`.
  static Result<std::shared_ptr<MutableBuffer>> AllocateZeroed(
      int64_t size, MemoryPool* pool = default_memory_pool());

  uint8_t* mutable_data() { return const_cast<uint8_t*>(data_); }
  template <typename T>
  T* mutable_data_as() {
    return reinterpret_cast<T*>(mutable_data());
  }
  int64_t capacity() const { return capacity_; }

  /// \brief Ensure capacity for `capacity` bytes, growing geometrically.
  Status Reserve(int64_t capacity);
  /// \brief Set the size to `size` bytes, growing the capacity if needed.
  Status Resize(int64_t size, bool shrink_to_fit = false);
  /// \brief Zero the bytes between size() and capacity().
  void ZeroPadding();

  MutableBuffer(MemoryPool* pool, uint8_t* data, int64_t size, int64_t capacity)
      : Buffer(data, size), pool_(pool), capacity_(capacity) {}

 private:
  MemoryPool* pool_;
  int64_t capacity_;
};

/// \brief Append-only byte buffer used by builders and decoders.
///
/// Not thread-safe.
class QUIRE_EXPORT BufferBuilder {
 public:
  explicit BufferBuilder(MemoryPool* pool = default_memory_pool()) : pool_(pool) {}

  int64_t length() const { return length_; }
  int64_t capacity() const { return buffer_ ? buffer_->capacity() : 0; }
  uint8_t* mutable_data() { return buffer_ ? buffer_->mutable_data() : nullptr; }
  const uint8_t* data() const { return buffer_ ? buffer_->data() : nullptr; }

  /// \brief Make room for `additional` more bytes.
  Status Reserve(int64_t additional) {
    if (QUIRE_PREDICT_TRUE(length_ + additional <= capacity())) return Status::OK();
    return Grow(length_ + additional);
  }
  /// \brief Set the length, growing the buffer as needed (new bytes uninitialised).
  Status Resize(int64_t length) {
    QUIRE_RETURN_NOT_OK(Reserve(length - length_));
    length_ = length;
    return Status::OK();
  }
  Status Append(const void* data, int64_t size) {
    QUIRE_RETURN_NOT_OK(Reserve(size));
    UnsafeAppend(data, size);
    return Status::OK();
  }
  /// \brief Append `size` copies of `byte`.
  Status AppendFill(uint8_t byte, int64_t size) {
    QUIRE_RETURN_NOT_OK(Reserve(size));
    if (size > 0) std::memset(mutable_data() + length_, byte, size_t(size));
    length_ += size;
    return Status::OK();
  }
  void UnsafeAppend(const void* data, int64_t size) {
    if (size > 0) std::memcpy(mutable_data() + length_, data, size_t(size));
    length_ += size;
  }
  template <typename T>
  void UnsafeAppendValue(T value) {
    std::memcpy(mutable_data() + length_, &value, sizeof(T));
    length_ += int64_t(sizeof(T));
  }
  template <typename T>
  Status AppendValue(T value) {
    QUIRE_RETURN_NOT_OK(Reserve(int64_t(sizeof(T))));
    UnsafeAppendValue(value);
    return Status::OK();
  }
  /// \brief Drop the last `bytes` bytes.
  void Rewind(int64_t bytes) { length_ -= bytes; }
  /// \brief Count `bytes` more bytes, written by the caller at mutable_data() +
  /// length() after Reserve() made room for them.
  void UnsafeAdvance(int64_t bytes) { length_ += bytes; }

  /// \brief Return the bytes written so far as a buffer and reset the builder.
  Result<BufferPtr> Finish();
  void Reset() {
    buffer_.reset();
    length_ = 0;
  }

 private:
  Status Grow(int64_t min_capacity);

  MemoryPool* pool_;
  std::shared_ptr<MutableBuffer> buffer_;
  int64_t length_ = 0;
};

/// \brief Append-only bitmap (LSB first) used for validity and boolean values.
///
/// Not thread-safe.
class QUIRE_EXPORT BitmapBuilder {
 public:
  /// \brief A builder; with `lazy`, no bytes are kept while every bit is true (the
  /// validity of arrays without nulls costs nothing), and the first false bit
  /// writes out the run of true bits before it.
  explicit BitmapBuilder(MemoryPool* pool = default_memory_pool(), bool lazy = false)
      : bytes_(pool), lazy_(lazy) {}

  int64_t length() const { return length_; }
  /// \brief Number of false bits appended.
  int64_t false_count() const { return false_count_; }
  /// \brief The bytes written so far (nullptr while a lazy builder holds only true).
  const uint8_t* data() const { return bytes_.data(); }

  Status Reserve(int64_t additional_bits) {
    if (Deferred()) {
      // Remembered, so that materializing makes room for what was promised.
      reserved_ = std::max(reserved_, length_ + additional_bits);
      return Status::OK();
    }
    const int64_t need = (length_ + additional_bits + 7) / 8;
    if (need <= bytes_.capacity()) return Status::OK();
    return bytes_.Reserve(need - bytes_.length());
  }
  Status Append(bool bit) {
    if (Deferred() && !bit) QUIRE_RETURN_NOT_OK(Materialize(1));
    QUIRE_RETURN_NOT_OK(Reserve(1));
    UnsafeAppend(bit);
    return Status::OK();
  }
  /// \brief Append a bit after Reserve(); a lazy builder's first false bit may
  /// allocate (std::bad_alloc if that fails).
  void UnsafeAppend(bool bit) {
    if (Deferred()) {
      if (bit) {
        ++length_;
        return;
      }
      MaterializeOrThrow();
    }
    if ((length_ & 7) == 0) {
      bytes_.UnsafeAppendValue<uint8_t>(0);
    }
    if (bit) {
      bytes_.mutable_data()[length_ >> 3] |= uint8_t(1u << (length_ & 7));
    } else {
      ++false_count_;
    }
    ++length_;
  }
  /// \brief Append `count` copies of `bit`.
  Status AppendRun(bool bit, int64_t count);
  /// \brief Append `length` bits of `bits` starting at bit `offset`.
  /// A null `bits` means all true.
  Status AppendBits(const uint8_t* bits, int64_t offset, int64_t length);
  /// \brief Append one bit per byte of `bytes` (non-zero = true).
  Status AppendBytes(const uint8_t* bytes, int64_t length);

  /// \brief Return the bitmap and reset the builder.
  Result<BufferPtr> Finish();
  void Reset() {
    bytes_.Reset();
    length_ = 0;
    false_count_ = 0;
    reserved_ = 0;
    materialized_ = false;
  }

 private:
  bool Deferred() const { return lazy_ && !materialized_; }
  // Write out the deferred run of true bits, with room for `extra` more bits.
  Status Materialize(int64_t extra);
  void MaterializeOrThrow();

  BufferBuilder bytes_;
  int64_t length_ = 0;
  int64_t false_count_ = 0;
  int64_t reserved_ = 0;  // bits promised by Reserve() while deferred
  bool lazy_ = false;
  bool materialized_ = false;
};

}  // namespace quire::columnar
