#pragma once

/// \file quire/util/scratch_vector.h
/// \brief std::vector whose resize() leaves new elements of trivial types
/// uninitialised: for scratch arrays that are always written before being read
/// (dictionary indices, levels), where zeroing megabytes per page is wasted work.

#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace quire::util {

/// \brief An allocator that default-initialises where std::allocator
/// value-initialises (construct() with no arguments), and is otherwise `A`.
template <typename T, typename A = std::allocator<T>>
class DefaultInitAllocator : public A {
  using Traits = std::allocator_traits<A>;

 public:
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U, typename Traits::template rebind_alloc<U>>;
  };

  using A::A;

  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    Traits::construct(static_cast<A&>(*this), p, std::forward<Args>(args)...);
  }
};

/// \brief A vector for scratch values: resize() does not zero what it adds.
template <typename T>
using ScratchVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace quire::util
