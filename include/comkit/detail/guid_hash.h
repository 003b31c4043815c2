// comkit/detail/guid_hash.h - the hash of a GUID, shared by the runtime's
// tables (CLSID -> class) and the projection's std::hash<GUID>. Not for users.
#ifndef COMKIT_DETAIL_GUID_HASH_H
#define COMKIT_DETAIL_GUID_HASH_H

#include <comkit/abi/guid.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace comkit::detail {

/// Mixes the GUID's two 64-bit halves; GUIDs are random enough that one
/// multiply spreads them well.
struct guid_hash {
  std::size_t operator()(const GUID& g) const noexcept {
    std::uint64_t a, b;
    std::memcpy(&a, &g, 8);
    std::memcpy(&b, reinterpret_cast<const char*>(&g) + 8, 8);  // ABI: GUID is 16 plain bytes
    const std::uint64_t h = a ^ (b * 0x9E3779B97F4A7C15ull);
    return static_cast<std::size_t>(h ^ (h >> 32));
  }
};

}  // namespace comkit::detail

#endif  // COMKIT_DETAIL_GUID_HASH_H
