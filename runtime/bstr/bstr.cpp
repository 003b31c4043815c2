// runtime/bstr/bstr.cpp - BSTR allocation (SysAllocString and friends).
//
// A BSTR block comes from the task allocator, laid out as on 64-bit Windows:
//   [4 bytes padding][4-byte byte length][characters][2 zero bytes]
// and the BSTR points at the characters, 8 bytes into the block.
//
// Like Windows, each thread keeps a few freed blocks per size class (the BSTR
// cache) and hands them out again without going to the allocator. OANOCACHE
// in the environment turns it off, as on Windows; so do sanitizer builds (so
// a use after SysFreeString is still caught), and an engaged malloc spy
// bypasses it (so the spy sees every allocation).
#include <pthread.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "memory/memory_internal.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the BSTR prefix store assumes little-endian");
#include "runtime_internal.h"

namespace comkit::rt {
namespace {

constexpr std::size_t prefix_bytes = 8;  // padding + length
constexpr std::size_t nul_bytes = sizeof(OLECHAR);
// The byte length must fit the 32-bit prefix with room for the terminator.
constexpr std::uint32_t max_byte_len = 0xFFFFFFFFu - prefix_bytes - 2 * nul_bytes;

char* block_of(BSTR b) noexcept { return reinterpret_cast<char*>(b) - prefix_bytes; }  // ABI: BSTR layout above

std::uint32_t byte_len(BSTR b) noexcept {
  std::uint32_t n;
  std::memcpy(&n, reinterpret_cast<const char*>(b) - sizeof(n), sizeof(n));
  return n;
}

// The block size for `bytes` bytes of characters. An odd byte length still
// ends in a whole zero OLECHAR (Windows: byte[len] and WCHAR[(len+1)/2] are
// both zero), so the terminator starts at the next even offset.
std::size_t block_size(std::size_t bytes) noexcept { return prefix_bytes + ((bytes + 1) & ~std::size_t{1}) + nul_bytes; }

// Copies n bytes. BSTRs are mostly short, and a libc memcpy of unknown size
// is a call through the PLT; up to 64 bytes, two overlapping fixed-size
// copies (which the compiler inlines) do it without a call.
inline void copy_bytes(char* dst, const char* src, std::size_t n) noexcept {
  if (n >= 16 && n <= 32) {
    std::memcpy(dst, src, 16);
    std::memcpy(dst + n - 16, src + n - 16, 16);
  } else if (n > 32 && n <= 64) {
    std::memcpy(dst, src, 32);
    std::memcpy(dst + n - 32, src + n - 32, 32);
  } else if (n >= 8 && n < 16) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else {
    std::memcpy(dst, src, n);
  }
}

// Stamps padding, length and terminator on a block of block_size(bytes).
BSTR finish(void* block, std::uint32_t bytes) noexcept {
  auto* p = static_cast<char*>(block);
  const std::uint64_t prefix = std::uint64_t{bytes} << 32;  // 4 zero bytes, then the length (little-endian)
  std::memcpy(p, &prefix, sizeof prefix);
  char* end = p + prefix_bytes + bytes;
  const std::uint16_t zero = 0;
  std::memcpy(end, &zero, 2);
  if (bytes & 1) end[2] = 0;  // odd length: the OLECHAR at (len+1)/2 is zero too
  return reinterpret_cast<BSTR>(p + prefix_bytes);  // ABI: characters follow the prefix
}

// ---- The BSTR cache ---------------------------------------------------------

constexpr std::size_t cache_granule = 32;  // cached blocks are whole multiples of this...
constexpr std::size_t cache_classes = 8;   // ...up to 8 * 32 = 256 bytes
constexpr unsigned cache_depth = 4;        // blocks kept per class and thread

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool cache_built_in = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool cache_built_in = false;
#else
constexpr bool cache_built_in = true;
#endif
#else
constexpr bool cache_built_in = true;
#endif

const bool g_cache_enabled = cache_built_in && std::getenv("OANOCACHE") == nullptr;  // immutable after load

// Trivially destructible, so access needs no guard; the free lists are linked
// through the cached blocks' first bytes.
struct bstr_cache {
  void* head[cache_classes];
  unsigned char count[cache_classes];
  bool cleanup_armed;
};
thread_local bstr_cache t_cache;

pthread_key_t g_cache_key;

void cache_release_all(void* arg) noexcept {
  auto* c = static_cast<bstr_cache*>(arg);
  for (std::size_t i = 0; i < cache_classes; ++i) {
    while (void* b = c->head[i]) {
      std::memcpy(&c->head[i], b, sizeof(void*));
      memory_free(b);
    }
    c->count[i] = 0;
  }
}

// The first time a thread caches a block, arrange for its cache to be
// emptied when the thread ends. False if that cannot be arranged.
[[gnu::noinline, gnu::cold]] bool cache_arm_cleanup(bstr_cache& c) noexcept {
  static const bool key_ok = pthread_key_create(&g_cache_key, cache_release_all) == 0;
  c.cleanup_armed = key_ok && pthread_setspecific(g_cache_key, &c) == 0;
  return c.cleanup_armed;
}

bool cache_usable() noexcept { return g_cache_enabled && !g_spy_engaged.load(std::memory_order_acquire); }

void* block_alloc(std::size_t size) noexcept {
  const std::size_t c = (size - 1) / cache_granule;  // size class; size > 0
  if (c >= cache_classes) return memory_alloc(size);
  if (cache_usable()) {
    bstr_cache& cache = t_cache;
    if (void* b = cache.head[c]) {
      std::memcpy(&cache.head[c], b, sizeof(void*));
      --cache.count[c];
      return b;
    }
  }
  // Whole classes only, so any cached block of class c fits any request of it.
  return memory_alloc((c + 1) * cache_granule);
}

void block_free(void* block) noexcept {
  const std::size_t capacity = header_of(block)->size;
  const std::size_t c = capacity / cache_granule - 1;  // huge for capacity 0
  if (capacity % cache_granule == 0 && c < cache_classes && cache_usable()) {
    bstr_cache& cache = t_cache;
    if (cache.count[c] < cache_depth && (cache.cleanup_armed || cache_arm_cleanup(cache))) {
      std::memcpy(block, &cache.head[c], sizeof(void*));
      cache.head[c] = block;
      ++cache.count[c];
      return;
    }
  }
  memory_free(block);
}

// ---- Allocation ------------------------------------------------------------

// A new BSTR of `bytes` bytes copied from src, or zeroed when src is null.
BSTR bstr_alloc(const void* src, std::size_t bytes) noexcept {
  if (bytes > max_byte_len) return nullptr;
  void* block = block_alloc(block_size(bytes));
  if (!block) return nullptr;
  char* chars = static_cast<char*>(block) + prefix_bytes;
  if (src)
    copy_bytes(chars, static_cast<const char*>(src), bytes);
  else
    std::memset(chars, 0, bytes);
  return finish(block, static_cast<std::uint32_t>(bytes));
}

std::size_t olestr_len(const OLECHAR* s) noexcept { return std::char_traits<OLECHAR>::length(s); }

}  // namespace
}  // namespace comkit::rt

using namespace comkit::rt;

BSTR STDAPICALLTYPE SysAllocString(const OLECHAR* psz) {
  if (!psz) return nullptr;
  return bstr_alloc(psz, olestr_len(psz) * sizeof(OLECHAR));
}

BSTR STDAPICALLTYPE SysAllocStringLen(const OLECHAR* strIn, UINT len) {
  return bstr_alloc(strIn, std::size_t{len} * sizeof(OLECHAR));
}

BSTR STDAPICALLTYPE SysAllocStringByteLen(LPCSTR psz, UINT len) { return bstr_alloc(psz, len); }

INT STDAPICALLTYPE SysReAllocStringLen(BSTR* pbstr, const OLECHAR* psz, unsigned int len) {
  if (!pbstr) return FALSE;
  const std::size_t bytes = std::size_t{len} * sizeof(OLECHAR);
  if (bytes > max_byte_len) return FALSE;
  BSTR old = *pbstr;
  if (!old) {
    BSTR b = bstr_alloc(psz, bytes);
    if (!b) return FALSE;
    *pbstr = b;
    return TRUE;
  }
  // psz may point into the old string: remember where, since the block can move.
  const char* old_begin = reinterpret_cast<const char*>(old);
  const char* old_end = old_begin + byte_len(old) + nul_bytes;
  const char* src = reinterpret_cast<const char*>(psz);
  const bool inside = src && src >= old_begin && src < old_end;
  const std::size_t src_offset = inside ? static_cast<std::size_t>(src - old_begin) : 0;
  const std::size_t old_bytes = byte_len(old);

  const std::size_t new_block = block_size(bytes);
  void* block = nullptr;
  if (inside) {
    // Only the bytes that existed in the old string are meaningful. When the
    // string shrinks, move them before the block does; when it grows, after.
    const std::size_t avail = old_bytes + nul_bytes - src_offset;
    const std::size_t keep = std::min(bytes, avail);
    if (bytes <= old_bytes) {
      char* old_chars = reinterpret_cast<char*>(old);
      std::memmove(old_chars, old_chars + src_offset, keep);
      std::memset(old_chars + keep, 0, bytes - keep);
      block = memory_realloc(block_of(old), new_block);
      if (!block) return FALSE;
    } else {
      block = memory_realloc(block_of(old), new_block);
      if (!block) return FALSE;
      char* chars = static_cast<char*>(block) + prefix_bytes;
      std::memmove(chars, chars + src_offset, keep);
      std::memset(chars + keep, 0, bytes - keep);
    }
  } else {
    block = memory_realloc(block_of(old), new_block);
    if (!block) return FALSE;
    char* chars = static_cast<char*>(block) + prefix_bytes;
    if (src)
      std::memcpy(chars, src, bytes);
    else if (bytes > old_bytes)
      std::memset(chars + old_bytes, 0, bytes - old_bytes);  // new tail of a grown string
  }
  *pbstr = finish(block, static_cast<std::uint32_t>(bytes));
  return TRUE;
}

INT STDAPICALLTYPE SysReAllocString(BSTR* pbstr, const OLECHAR* psz) {
  if (!pbstr) return FALSE;
  if (!psz) {
    SysFreeString(*pbstr);
    *pbstr = nullptr;
    return TRUE;
  }
  const std::size_t len = olestr_len(psz);
  if (len > max_byte_len / sizeof(OLECHAR)) return FALSE;
  return SysReAllocStringLen(pbstr, psz, static_cast<unsigned int>(len));
}

void STDAPICALLTYPE SysFreeString(BSTR bstrString) {
  if (bstrString) block_free(block_of(bstrString));
}

UINT STDAPICALLTYPE SysStringLen(BSTR pbstr) { return pbstr ? byte_len(pbstr) / sizeof(OLECHAR) : 0; }

UINT STDAPICALLTYPE SysStringByteLen(BSTR bstr) { return bstr ? byte_len(bstr) : 0; }
