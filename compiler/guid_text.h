// compiler/guid_text.h - GUID text as IDL writes it, for [uuid(...)]. The
// parsing is the runtime's and the GUID literal's (comkit/detail/guid_text.h),
// so the compiler accepts exactly the strings CLSIDFromString does.
#ifndef COMKIT_COMPILER_GUID_TEXT_H
#define COMKIT_COMPILER_GUID_TEXT_H

#include <optional>
#include <string>
#include <string_view>

#include <comkit/detail/guid_text.h>

namespace comkit::idl {

using guid_parts = detail::guid_fields;

/// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (any case, optional braces) as
/// its fields; nullopt when malformed.
inline std::optional<guid_parts> parse_guid_text(std::string_view s) {
  if (s.size() == detail::guid_braced_len && s.front() == '{' && s.back() == '}') s = s.substr(1, detail::guid_text_len);
  if (s.size() != detail::guid_text_len) return std::nullopt;
  guid_parts p;
  if (!detail::parse_guid_fields(s.data(), p).ok) return std::nullopt;
  return p;
}

/// The same text in lower case without braces; nullopt when malformed.
inline std::optional<std::string> normalize_guid(std::string_view s) {
  const std::optional<guid_parts> p = parse_guid_text(s);
  if (!p) return std::nullopt;
  char braced[detail::guid_braced_len];
  detail::format_guid_braced(*p, braced);
  std::string out(braced + 1, detail::guid_text_len);
  for (char& c : out)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// The fields of a GUID already checked by normalize_guid.
inline guid_parts split_guid(std::string_view g) { return parse_guid_text(g).value_or(guid_parts{}); }

}  // namespace comkit::idl

#endif  // COMKIT_COMPILER_GUID_TEXT_H
