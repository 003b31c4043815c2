// comkit/detail/guid_name.h - constexpr name-based (version 5) GUIDs per
// RFC 9562 section 5.5: SHA-1 over the namespace UUID in network byte order
// followed by the name, truncated to 128 bits, with the version and variant
// bits set. Shared by ComkitGuidFromName and the projection. Not for users.
#ifndef COMKIT_DETAIL_GUID_NAME_H
#define COMKIT_DETAIL_GUID_NAME_H

#include <comkit/detail/guid_text.h>
#include <comkit/detail/sha1.h>

namespace comkit::detail {

constexpr guid_fields guid_v5(const guid_fields& ns, const std::uint8_t* name, std::size_t name_len) noexcept {
  std::uint8_t be[16] = {
      static_cast<std::uint8_t>(ns.data1 >> 24), static_cast<std::uint8_t>(ns.data1 >> 16),
      static_cast<std::uint8_t>(ns.data1 >> 8),  static_cast<std::uint8_t>(ns.data1),
      static_cast<std::uint8_t>(ns.data2 >> 8),  static_cast<std::uint8_t>(ns.data2),
      static_cast<std::uint8_t>(ns.data3 >> 8),  static_cast<std::uint8_t>(ns.data3)};
  for (int i = 0; i < 8; ++i) be[8 + i] = ns.data4[i];
  sha1 h;
  h.update(be, 16);
  h.update(name, name_len);
  const auto d = h.finish();
  guid_fields g{};
  g.data1 = (std::uint32_t{d[0]} << 24) | (std::uint32_t{d[1]} << 16) | (std::uint32_t{d[2]} << 8) | d[3];
  g.data2 = static_cast<std::uint16_t>((d[4] << 8) | d[5]);
  g.data3 = static_cast<std::uint16_t>(((d[6] << 8) | d[7]) & 0x0FFF) | 0x5000;  // version 5
  g.data4[0] = static_cast<std::uint8_t>((d[8] & 0x3F) | 0x80);                  // RFC variant 10xx
  for (int i = 1; i < 8; ++i) g.data4[i] = d[8 + i];
  return g;
}

}  // namespace comkit::detail

#endif  // COMKIT_DETAIL_GUID_NAME_H
