/// \file quire/columnar/buffer.cc
#include "quire/columnar/buffer.h"

#include <algorithm>
#include <cstdlib>
#include <new>

#include <sys/mman.h>

#include "quire/util/bit_util.h"

namespace quire::columnar {

namespace {

// Zero-size allocations return this aligned, never-written address, so that
// every non-null buffer has a valid data pointer (Arrow C Data requires that).
alignas(kBufferAlignment) uint8_t kZeroSizeArea[kBufferAlignment];

}  // namespace

Status TrackingMemoryPool::Reserve(int64_t delta) {
  const int64_t now = allocated_.fetch_add(delta) + delta;
  if (now > limit_) {
    allocated_.fetch_sub(delta);
    return Status::ResourceExhausted(
        "memory limit of {} bytes exceeded: {} bytes requested with {} in use", limit_,
        delta, now - delta);
  }
  int64_t peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
  }
  return Status::OK();
}

void TrackingMemoryPool::Release(int64_t delta) { allocated_.fetch_sub(delta); }

namespace {

// Large buffers (decoded columns) are mapped directly and populated with one
// madvise instead of one page fault per 4 KiB: faults were most of the kernel time
// when a whole file is decoded into memory. Mappings are rounded to whole pages
// only: rounding to 2 MiB wasted about 1 MiB of resident memory per buffer (100 MB
// of a decoded lineitem table). (Transparent huge pages were tried: on this
// kernel's "madvise" defrag setting, compaction stalls made runs vary between 1.4
// and 2.9 s.)
constexpr int64_t kMapGranule = 4096;
constexpr int64_t kMapThreshold = int64_t(4) << 20;
constexpr int64_t kMaxCachedBytes = int64_t(256) << 20;

int64_t MappedSize(int64_t size) { return (size + kMapGranule - 1) / kMapGranule * kMapGranule; }

uint8_t* MapLarge(int64_t size) {
  const size_t length = size_t(MappedSize(size));
  void* p = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
#ifdef MADV_POPULATE_WRITE
  // Fault the pages in with one call rather than one fault per page.
  madvise(p, length, MADV_POPULATE_WRITE);
#endif
  return static_cast<uint8_t*>(p);
}

}  // namespace

Status TrackingMemoryPool::Allocate(int64_t size, uint8_t** out) {
  if (size < 0) return Status::Invalid("negative allocation size {}", size);
  count_.fetch_add(1);
  if (size == 0) {
    *out = kZeroSizeArea;
    return Status::OK();
  }
  QUIRE_RETURN_NOT_OK(Reserve(size));
  if (size >= kMapThreshold) {
    {
      // The smallest cached mapping that fits and wastes at most half of itself.
      std::lock_guard<std::mutex> lock(cache_mutex_);
      const int64_t mapped = MappedSize(size);
      size_t best = cache_.size();
      for (size_t i = 0; i < cache_.size(); ++i) {
        const int64_t m = cache_[i].second;
        if (m >= mapped && m <= 2 * mapped && (best == cache_.size() || m < cache_[best].second)) {
          best = i;
        }
      }
      if (best < cache_.size()) {
        *out = cache_[best].first;
        const int64_t m = cache_[best].second;
        cached_bytes_ -= m;
        cache_.erase(cache_.begin() + int64_t(best));
        if (m != mapped) oversized_[*out] = m;
        return Status::OK();
      }
    }
    *out = MapLarge(size);
    if (*out == nullptr) {
      Release(size);
      return Status::ResourceExhausted("failed to map {} bytes", size);
    }
    return Status::OK();
  }
  void* p = nullptr;
  if (posix_memalign(&p, size_t(kBufferAlignment), size_t(size)) != 0) {
    Release(size);
    return Status::ResourceExhausted("failed to allocate {} bytes", size);
  }
  *out = static_cast<uint8_t*>(p);
  return Status::OK();
}

TrackingMemoryPool::~TrackingMemoryPool() {
  for (const auto& [p, mapped] : cache_) munmap(p, size_t(mapped));
}

Status TrackingMemoryPool::Reallocate(int64_t old_size, int64_t new_size, uint8_t** ptr) {
  if (new_size < 0) return Status::Invalid("negative allocation size {}", new_size);
  if (old_size >= kMapThreshold && new_size >= kMapThreshold) {
    // Grow or shrink the mapping in place or by moving pages: no copy.
    if (new_size > old_size) {
      QUIRE_RETURN_NOT_OK(Reserve(new_size - old_size));
    }
    int64_t old_mapped = MappedSize(old_size);
    {
      std::lock_guard<std::mutex> lock(cache_mutex_);
      if (auto it = oversized_.find(*ptr); it != oversized_.end()) {
        old_mapped = it->second;
        oversized_.erase(it);
      }
    }
    void* p = mremap(*ptr, size_t(old_mapped), size_t(MappedSize(new_size)), MREMAP_MAYMOVE);
    if (p == MAP_FAILED) {
      if (old_mapped != MappedSize(old_size)) {
        std::lock_guard<std::mutex> lock(cache_mutex_);
        oversized_[*ptr] = old_mapped;
      }
      if (new_size > old_size) Release(new_size - old_size);
      return Status::ResourceExhausted("failed to grow a mapping to {} bytes", new_size);
    }
    if (new_size < old_size) Release(old_size - new_size);
    count_.fetch_add(1);
    *ptr = static_cast<uint8_t*>(p);
    return Status::OK();
  }
  uint8_t* fresh = nullptr;
  QUIRE_RETURN_NOT_OK(Allocate(new_size, &fresh));
  if (old_size > 0) std::memcpy(fresh, *ptr, size_t(std::min(old_size, new_size)));
  Free(*ptr, old_size);
  *ptr = fresh;
  return Status::OK();
}

void TrackingMemoryPool::Free(uint8_t* ptr, int64_t size) {
  if (ptr == kZeroSizeArea || ptr == nullptr) return;
  if (size >= kMapThreshold) {
    int64_t mapped = MappedSize(size);
    std::unique_lock<std::mutex> lock(cache_mutex_);
    if (auto it = oversized_.find(ptr); it != oversized_.end()) {
      mapped = it->second;
      oversized_.erase(it);
    }
    if (cached_bytes_ + mapped <= kMaxCachedBytes) {
      cache_.emplace_back(ptr, mapped);
      cached_bytes_ += mapped;
    } else {
      lock.unlock();
      munmap(ptr, size_t(mapped));
    }
  } else {
    std::free(ptr);
  }
  Release(size);
}

MemoryPool* default_memory_pool() {
  static TrackingMemoryPool pool;
  return &pool;
}

BufferPtr Buffer::Slice(const BufferPtr& parent, int64_t offset, int64_t length) {
  QUIRE_DCHECK(offset >= 0 && length >= 0 && offset + length <= parent->size());
  return std::make_shared<Buffer>(parent->data() + offset, length, parent);
}

Result<BufferPtr> Buffer::Copy(std::span<const std::byte> bytes, MemoryPool* pool) {
  QUIRE_ASSIGN_OR_RETURN(auto buf, MutableBuffer::Allocate(int64_t(bytes.size()), pool));
  if (!bytes.empty()) std::memcpy(buf->mutable_data(), bytes.data(), bytes.size());
  buf->ZeroPadding();
  return BufferPtr(std::move(buf));
}

MutableBuffer::~MutableBuffer() {
  if (pool_) pool_->Free(mutable_data(), capacity_);
}

Result<std::shared_ptr<MutableBuffer>> MutableBuffer::Allocate(int64_t size,
                                                               MemoryPool* pool) {
  if (size < 0) return Status::Invalid("negative buffer size {}", size);
  const int64_t capacity = util::RoundUpPow2(size, kBufferAlignment);
  uint8_t* data = nullptr;
  QUIRE_RETURN_NOT_OK(pool->Allocate(capacity, &data));
  return std::make_shared<MutableBuffer>(pool, data, size, capacity);
}

Result<std::shared_ptr<MutableBuffer>> MutableBuffer::AllocateZeroed(int64_t size,
                                                                     MemoryPool* pool) {
  QUIRE_ASSIGN_OR_RETURN(auto buf, Allocate(size, pool));
  if (buf->capacity() > 0) std::memset(buf->mutable_data(), 0, size_t(buf->capacity()));
  return buf;
}

Status MutableBuffer::Reserve(int64_t capacity) {
  if (capacity <= capacity_) return Status::OK();
  const int64_t new_capacity =
      util::RoundUpPow2(std::max(capacity, capacity_ * 2), kBufferAlignment);
  uint8_t* data = mutable_data();
  QUIRE_RETURN_NOT_OK(pool_->Reallocate(capacity_, new_capacity, &data));
  data_ = data;
  capacity_ = new_capacity;
  return Status::OK();
}

Status MutableBuffer::Resize(int64_t size, bool shrink_to_fit) {
  if (size < 0) return Status::Invalid("negative buffer size {}", size);
  if (shrink_to_fit && size < capacity_) {
    const int64_t new_capacity = util::RoundUpPow2(size, kBufferAlignment);
    if (new_capacity < capacity_) {
      uint8_t* data = mutable_data();
      QUIRE_RETURN_NOT_OK(pool_->Reallocate(capacity_, new_capacity, &data));
      data_ = data;
      capacity_ = new_capacity;
    }
  } else {
    QUIRE_RETURN_NOT_OK(Reserve(size));
  }
  size_ = size;
  return Status::OK();
}

void MutableBuffer::ZeroPadding() {
  if (capacity_ > size_) std::memset(mutable_data() + size_, 0, size_t(capacity_ - size_));
}

Status BufferBuilder::Grow(int64_t min_capacity) {
  if (min_capacity < 0) return Status::ResourceExhausted("buffer size overflow");
  if (!buffer_) {
    QUIRE_ASSIGN_OR_RETURN(buffer_, MutableBuffer::Allocate(0, pool_));
  }
  return buffer_->Reserve(std::max<int64_t>(min_capacity, 64));
}

Result<BufferPtr> BufferBuilder::Finish() {
  if (!buffer_) {
    QUIRE_ASSIGN_OR_RETURN(buffer_, MutableBuffer::Allocate(0, pool_));
  }
  // Give back a reservation that was mostly unused (a builder reserved for a whole
  // chunk that kept few values), rather than holding and zeroing it.
  const bool shrink = buffer_->capacity() - length_ > std::max<int64_t>(length_, 64 * 1024);
  QUIRE_RETURN_NOT_OK(buffer_->Resize(length_, shrink));
  buffer_->ZeroPadding();
  BufferPtr out = std::move(buffer_);
  Reset();
  return out;
}

Status BitmapBuilder::Materialize(int64_t extra) {
  materialized_ = true;
  const int64_t bits = length_;
  length_ = 0;
  QUIRE_RETURN_NOT_OK(bytes_.Reserve((std::max(reserved_, bits + extra) + 7) / 8));
  reserved_ = 0;
  return AppendRun(true, bits);
}

void BitmapBuilder::MaterializeOrThrow() {
  if (!Materialize(1).ok()) throw std::bad_alloc();
}

Status BitmapBuilder::AppendRun(bool bit, int64_t count) {
  if (count <= 0) return Status::OK();
  if (Deferred()) {
    if (bit) {
      length_ += count;
      return Status::OK();
    }
    QUIRE_RETURN_NOT_OK(Materialize(count));
  }
  QUIRE_RETURN_NOT_OK(Reserve(count));
  const int64_t new_bytes = (length_ + count + 7) / 8 - bytes_.length();
  QUIRE_RETURN_NOT_OK(bytes_.AppendFill(0, new_bytes));
  util::SetBitsTo(bytes_.mutable_data(), length_, count, bit);
  length_ += count;
  if (!bit) false_count_ += count;
  return Status::OK();
}

Status BitmapBuilder::AppendBits(const uint8_t* bits, int64_t offset, int64_t length) {
  if (bits == nullptr) return AppendRun(true, length);
  if (length <= 0) return Status::OK();
  if (Deferred()) {
    const int64_t set = util::CountSetBits(bits, offset, length);
    if (set == length) return AppendRun(true, length);
    QUIRE_RETURN_NOT_OK(Materialize(length));
  }
  QUIRE_RETURN_NOT_OK(Reserve(length));
  const int64_t new_bytes = (length_ + length + 7) / 8 - bytes_.length();
  QUIRE_RETURN_NOT_OK(bytes_.AppendFill(0, new_bytes));
  util::CopyBitmap(bits, offset, length, bytes_.mutable_data(), length_);
  false_count_ += length - util::CountSetBits(bits, offset, length);
  length_ += length;
  return Status::OK();
}

Status BitmapBuilder::AppendBytes(const uint8_t* bytes, int64_t length) {
  if (Deferred()) QUIRE_RETURN_NOT_OK(Materialize(length));
  QUIRE_RETURN_NOT_OK(Reserve(length));
  for (int64_t i = 0; i < length; ++i) UnsafeAppend(bytes[i] != 0);
  return Status::OK();
}

Result<BufferPtr> BitmapBuilder::Finish() {
  if (Deferred()) QUIRE_RETURN_NOT_OK(Materialize(0));
  QUIRE_ASSIGN_OR_RETURN(auto out, bytes_.Finish());
  length_ = 0;
  false_count_ = 0;
  reserved_ = 0;
  materialized_ = false;
  return out;
}

}  // namespace quire::columnar
