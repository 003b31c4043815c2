// comkit/detail/guid_string.h - a GUID to and from its text as std::string,
// shared by the runtime (registry files, traces) and the projection
// (comkit::to_string, comkit::parse_guid in <comkit/guid.h>). Not for users.
#ifndef COMKIT_DETAIL_GUID_STRING_H
#define COMKIT_DETAIL_GUID_STRING_H

#include <comkit/abi/guid.h>
#include <comkit/detail/guid_text.h>

#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace comkit::detail {

/// The braced upper-case text form, "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}".
inline std::string guid_to_string(const GUID& g) {
  guid_fields f{g.Data1, g.Data2, g.Data3, {}};
  std::memcpy(f.data4, g.Data4, 8);
  std::string s(guid_braced_len, '\0');
  format_guid_braced(f, s.data());
  return s;
}

/// The text form with or without braces (any case); empty on anything else.
inline std::optional<GUID> guid_from_string(std::string_view s) noexcept {
  if (s.size() == guid_braced_len) {
    if (s.front() != '{' || s.back() != '}') return std::nullopt;
    s = s.substr(1, guid_text_len);
  }
  if (s.size() != guid_text_len) return std::nullopt;
  guid_fields f;
  if (!parse_guid_fields(s.data(), f).ok) return std::nullopt;
  GUID g{f.data1, f.data2, f.data3, {}};
  std::memcpy(g.Data4, f.data4, 8);
  return g;
}

}  // namespace comkit::detail

#endif  // COMKIT_DETAIL_GUID_STRING_H
