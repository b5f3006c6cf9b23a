#include "lint/tree.hpp"

#include <algorithm>

namespace slipway::lint {
namespace {

thread_local TreeArena* current_arena = nullptr;

// Deliberately never destroyed: function-local static trees (e.g. an empty list constant) live in
// it and are destroyed after thread-locals at exit.
TreeArena& thread_fallback_arena() {
  thread_local TreeArena* arena = new TreeArena;
  return *arena;
}

}  // namespace

void* TreeArena::allocate(std::size_t bytes) {
  constexpr std::size_t align = alignof(std::max_align_t);
  bytes = (bytes + align - 1) & ~(align - 1);
  if (used_ + bytes > capacity_) {
    capacity_ = std::max<std::size_t>(std::size_t{256} << 10, bytes);
    blocks_.emplace_back(new std::byte[capacity_]);
    used_ = 0;
  }
  void* p = blocks_.back().get() + used_;
  used_ += bytes;
  return p;
}

TreeArena::Scope::Scope(TreeArena& arena) : previous_(current_arena) { current_arena = &arena; }
TreeArena::Scope::~Scope() { current_arena = previous_; }

void* tree_allocate(std::size_t bytes) {
  return (current_arena ? *current_arena : thread_fallback_arena()).allocate(bytes);
}

}  // namespace slipway::lint
