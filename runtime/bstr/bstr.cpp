// runtime/bstr/bstr.cpp - BSTR allocation (SysAllocString and friends).
//
// A BSTR block comes from the task allocator, laid out as on 64-bit Windows:
//   [4 bytes padding][4-byte byte length][characters][2 zero bytes]
// and the BSTR points at the characters, 8 bytes into the block.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "memory/memory_internal.h"
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

// Stamps length and terminator on a block of block_size(bytes) bytes.
BSTR finish(void* block, std::uint32_t bytes) noexcept {
  auto* p = static_cast<char*>(block);
  std::memset(p, 0, 4);
  std::memcpy(p + 4, &bytes, sizeof(bytes));
  std::memset(p + prefix_bytes + bytes, 0, block_size(bytes) - prefix_bytes - bytes);
  return reinterpret_cast<BSTR>(p + prefix_bytes);  // ABI: characters follow the prefix
}

// A new BSTR of `bytes` bytes copied from src, or zeroed when src is null.
BSTR bstr_alloc(const void* src, std::size_t bytes) noexcept {
  if (bytes > max_byte_len) return nullptr;
  void* block = memory_alloc(block_size(bytes));
  if (!block) return nullptr;
  char* chars = static_cast<char*>(block) + prefix_bytes;
  if (src)
    std::memcpy(chars, src, bytes);
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
  if (bstrString) memory_free(block_of(bstrString));
}

UINT STDAPICALLTYPE SysStringLen(BSTR pbstr) { return pbstr ? byte_len(pbstr) / sizeof(OLECHAR) : 0; }

UINT STDAPICALLTYPE SysStringByteLen(BSTR bstr) { return bstr ? byte_len(bstr) : 0; }
