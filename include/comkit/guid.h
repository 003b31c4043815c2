// comkit/guid.h - GUIDs in the C++ projection: the "..."_guid literal
// (checked at compile time), text conversion, and std::hash. Header-only;
// part of comkit::comkit.
#ifndef COMKIT_GUID_H
#define COMKIT_GUID_H

#include <comkit/abi/guid.h>
#include <comkit/detail/guid_text.h>

#include <cstring>
#include <string_view>  // std::hash (declared by every string header; <functional> would add ~0.1 s to each TU)
#include <optional>
#include <string>
#include <string_view>

namespace comkit {

namespace detail {
/// A string literal as a template argument, for the _guid literal operator.
template <std::size_t N>
struct guid_literal_text {
  char text[N];
  consteval guid_literal_text(const char (&s)[N]) {
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
};
}  // namespace detail

namespace literals {
/// `"6ba7b810-9dad-11d1-80b4-00c04fd430c8"_guid`, braces optional; a
/// malformed literal does not compile.
template <detail::guid_literal_text S>
consteval GUID operator""_guid() {
  return make_guid(S.text);
}
}  // namespace literals

/// The braced upper-case text form, "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}".
inline std::string to_string(const GUID& g) {
  detail::guid_fields f{g.Data1, g.Data2, g.Data3, {}};
  std::memcpy(f.data4, g.Data4, 8);
  std::string s(detail::guid_braced_len, '\0');
  detail::format_guid_braced(f, s.data());
  return s;
}

/// Parses the text form with or without braces (any case); empty on anything
/// else. Never throws.
inline std::optional<GUID> parse_guid(std::string_view s) noexcept {
  if (s.size() == detail::guid_braced_len) {
    if (s.front() != '{' || s.back() != '}') return std::nullopt;
    s = s.substr(1, detail::guid_text_len);
  }
  if (s.size() != detail::guid_text_len) return std::nullopt;
  detail::guid_fields f;
  if (!detail::parse_guid_fields(s.data(), f).ok) return std::nullopt;
  GUID g{f.data1, f.data2, f.data3, {}};
  std::memcpy(g.Data4, f.data4, 8);
  return g;
}

}  // namespace comkit

template <>
struct std::hash<GUID> {
  std::size_t operator()(const GUID& g) const noexcept {
    std::uint64_t a, b;
    std::memcpy(&a, &g, 8);
    std::memcpy(&b, reinterpret_cast<const char*>(&g) + 8, 8);  // ABI: GUID is 16 plain bytes
    return std::hash<std::uint64_t>{}(a ^ (b * 0x9E3779B97F4A7C15ull));
  }
};

#endif  // COMKIT_GUID_H
