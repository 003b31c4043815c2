// runtime/memory/memory_internal.h - the task allocator's block layout and
// its inline fast paths, shared by memory.cpp and the subsystems that
// allocate from it (BSTR blocks come from here, so malloc spies see them).
// Never installed.
//
// Each block is malloc'd with a 16-byte header in front of what the caller
// gets: the requested size (IMalloc::GetSize must return exactly that) and a
// tag, the user address xor a constant, that IMalloc::DidAlloc checks. The
// header keeps the 16-byte alignment malloc gives. While no malloc spy is
// engaged the fast path is malloc plus two stores.
#ifndef COMKIT_RUNTIME_MEMORY_INTERNAL_H
#define COMKIT_RUNTIME_MEMORY_INTERNAL_H

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace comkit::rt {

struct block_header {
  std::size_t size;    // bytes the caller asked for
  std::uintptr_t tag;  // user address ^ block_tag_key while the block is live
};
static_assert(sizeof(block_header) == 16, "the header keeps malloc's 16-byte alignment");

inline constexpr std::uintptr_t block_tag_key = 0x636f6d6b69742a21u;  // "comkit*!"

inline block_header* header_of(void* user) noexcept { return static_cast<block_header*>(user) - 1; }

inline void* raw_finish(block_header* h, std::size_t cb) noexcept {
  h->size = cb;
  void* user = h + 1;
  h->tag = reinterpret_cast<std::uintptr_t>(user) ^ block_tag_key;
  return user;
}

inline void* raw_alloc(std::size_t cb) noexcept {
  if (cb > SIZE_MAX - sizeof(block_header)) [[unlikely]]
    return nullptr;
  auto* h = static_cast<block_header*>(std::malloc(cb + sizeof(block_header)));
  return h ? raw_finish(h, cb) : nullptr;
}

// free() reuses the header bytes for its own links, which also clears the
// tag for DidAlloc; nothing needs writing here.
inline void raw_free(void* user) noexcept { std::free(header_of(user)); }

// True while a spy is registered or a revoked spy still has live blocks.
extern std::atomic<bool> g_spy_engaged;

void* spied_alloc(std::size_t cb) noexcept;
void spied_free(void* pv) noexcept;
void* memory_realloc(void* pv, std::size_t cb) noexcept;

inline void* memory_alloc(std::size_t cb) noexcept {
  if (g_spy_engaged.load(std::memory_order_acquire)) [[unlikely]]
    return spied_alloc(cb);
  return raw_alloc(cb);
}

inline void memory_free(void* pv) noexcept {
  if (!pv) return;  // no spy call for NULL, as on Windows
  if (g_spy_engaged.load(std::memory_order_acquire)) [[unlikely]]
    return spied_free(pv);
  raw_free(pv);
}

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_MEMORY_INTERNAL_H
