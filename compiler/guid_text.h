// compiler/guid_text.h - GUID text as IDL writes it, for [uuid(...)].
#ifndef COMKIT_COMPILER_GUID_TEXT_H
#define COMKIT_COMPILER_GUID_TEXT_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace comkit::idl {

/// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (any case, optional braces) to
/// lower case without braces; nullopt when malformed.
inline std::optional<std::string> normalize_guid(std::string_view s) {
  if (s.size() == 38 && s.front() == '{' && s.back() == '}') s = s.substr(1, 36);
  if (s.size() != 36) return std::nullopt;
  std::string out(s);
  for (std::size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return std::nullopt;
      continue;
    }
    if (c >= 'A' && c <= 'F') out[i] = static_cast<char>(c - 'A' + 'a');
    else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return out;
}

/// The 16 bytes of a normalised GUID, as Data1 (4), Data2, Data3, Data4[8].
struct guid_parts {
  std::uint32_t data1;
  std::uint16_t data2, data3;
  std::array<std::uint8_t, 8> data4;
};

inline guid_parts split_guid(std::string_view g) {
  auto hex = [&](std::size_t pos, std::size_t n) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      char c = g[pos + i];
      v = v * 16 + static_cast<std::uint32_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
  };
  guid_parts p{};
  p.data1 = hex(0, 8);
  p.data2 = static_cast<std::uint16_t>(hex(9, 4));
  p.data3 = static_cast<std::uint16_t>(hex(14, 4));
  p.data4[0] = static_cast<std::uint8_t>(hex(19, 2));
  p.data4[1] = static_cast<std::uint8_t>(hex(21, 2));
  for (std::size_t i = 0; i < 6; ++i) p.data4[2 + i] = static_cast<std::uint8_t>(hex(24 + 2 * i, 2));
  return p;
}

}  // namespace comkit::idl

#endif  // COMKIT_COMPILER_GUID_TEXT_H
