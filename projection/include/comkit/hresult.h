// comkit/hresult.h - HRESULT in the C++ projection: a [[nodiscard]] value
// type and the message catalogue. Header-only over libcomkit's
// ComkitHResultMessage; part of comkit::comkit.
#ifndef COMKIT_HRESULT_H
#define COMKIT_HRESULT_H

#include <comkit/abi/extensions.h>

#include <cstdio>
#include <string>

namespace comkit {

/// The standard English text for hr (as Windows' FormatMessage gives it,
/// without the trailing newline), or "Unknown error 0x8XXXXXXX" for a code
/// the catalogue does not know.
inline std::string hresult_message(HRESULT hr) {
  if (const char* text = ComkitHResultMessage(hr)) return text;
  char buf[32];
  std::snprintf(buf, sizeof buf, "Unknown error 0x%08X", static_cast<unsigned>(hr));
  return buf;
}

/// An HRESULT that must be looked at: `if (!comkit::hresult{f()}.ok()) ...`.
struct [[nodiscard]] hresult {
  HRESULT value = S_OK;

  constexpr bool ok() const noexcept { return value >= 0; }
  constexpr explicit operator bool() const noexcept { return ok(); }
  std::string message() const { return hresult_message(value); }
  /// The symbolic name ("E_NOINTERFACE"), or empty when unknown.
  std::string name() const {
    const char* n = ComkitHResultName(value);
    return n ? n : "";
  }
  friend constexpr bool operator==(hresult a, hresult b) noexcept { return a.value == b.value; }
};

}  // namespace comkit

#endif  // COMKIT_HRESULT_H
