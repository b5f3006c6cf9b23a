// The parse-tree type: nlohmann::basic_json over an arena. libpg_query's JSON trees have ~40
// nodes per statement; with the default allocator building and freeing them cost more than the
// PostgreSQL parser itself. Every node of one parse is bump-allocated from the arena of that
// parse (see TreeArena) and released with it at once.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace slipway::lint {

void* tree_allocate(std::size_t bytes);

// Stateless: allocates from the calling thread's current TreeArena; never frees (the arena does).
template <typename T>
struct TreeAllocator {
  using value_type = T;
  TreeAllocator() = default;
  template <typename U>
  TreeAllocator(const TreeAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(tree_allocate(n * sizeof(T))); }
  void deallocate(T*, std::size_t) {}
  template <typename U>
  bool operator==(const TreeAllocator<U>&) const { return true; }
  template <typename U>
  bool operator!=(const TreeAllocator<U>&) const { return false; }
};

using Json = nlohmann::basic_json<std::map, std::vector, std::string, bool, std::int64_t, std::uint64_t, double,
                                  TreeAllocator>;

// Memory for the trees of one parse. While a TreeArena::Scope is alive on a thread, trees built
// on that thread allocate from the arena; outside any scope they use a per-thread arena that
// lives as long as the thread (only tiny constants are built there).
class TreeArena {
 public:
  TreeArena() = default;
  TreeArena(const TreeArena&) = delete;
  TreeArena& operator=(const TreeArena&) = delete;
  void* allocate(std::size_t bytes);

  class Scope {
   public:
    explicit Scope(TreeArena& arena);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    TreeArena* previous_;
  };

 private:
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::size_t used_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace slipway::lint
