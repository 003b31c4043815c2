// comkit/guid.h - GUIDs in the C++ projection: the "..."_guid literal
// (checked at compile time), text conversion, and std::hash. Header-only;
// part of comkit::comkit.
#ifndef COMKIT_GUID_H
#define COMKIT_GUID_H

#include <comkit/abi/guid.h>
#include <comkit/detail/guid_hash.h>
#include <comkit/detail/guid_string.h>
#include <comkit/detail/guid_text.h>

#include <cstring>
#include <optional>
#include <string>
#include <string_view>  // also std::hash (every string header declares it; <functional> would add ~0.1 s per TU)

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

/// A CLSID as a type of its own: what clsid_of<C>() returns and what
/// create_instance takes, so an IID cannot be passed where a class is
/// meant. It is a GUID (C APIs take it unchanged); a plain GUID still
/// converts where a CLSID is expected, for code that has only the C
/// constants.
struct clsid : GUID {
  constexpr clsid() noexcept : GUID{} {}
  constexpr explicit clsid(const GUID& g) noexcept : GUID(g) {}
};
/// An IID as a type of its own (iid_of<I>()); create_instance refuses it.
struct iid : GUID {
  constexpr iid() noexcept : GUID{} {}
  constexpr explicit iid(const GUID& g) noexcept : GUID(g) {}
};
/// The IID of interface I as a comkit::iid.
template <typename I>
constexpr iid iid_of() noexcept {
  return iid(guid_of<I>());
}

namespace literals {
/// `"6ba7b810-9dad-11d1-80b4-00c04fd430c8"_guid`, braces optional; a
/// malformed literal does not compile.
template <detail::guid_literal_text S>
consteval GUID operator""_guid() {
  return make_guid(S.text);
}
}  // namespace literals

/// The braced upper-case text form, "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}".
inline std::string to_string(const GUID& g) { return detail::guid_to_string(g); }

/// Parses the text form with or without braces (any case); empty on anything
/// else. Never throws.
inline std::optional<GUID> parse_guid(std::string_view s) noexcept { return detail::guid_from_string(s); }

}  // namespace comkit

template <>
struct std::hash<GUID> : comkit::detail::guid_hash {};

#endif  // COMKIT_GUID_H
