// comkit/bstr.h - comkit::bstr, an owning BSTR with value semantics. Part
// of the C++ projection (comkit::comkit).
//
// A bstr owns one BSTR (or none: a null bstr, which COM treats as the empty
// string). Copies are real copies of the same byte length (embedded NULs
// and odd byte counts survive); moves transfer ownership. It converts from
// and to UTF-16 and UTF-8, and hands its BSTR to COM as an [in] argument
// (get()), takes one from an [out] argument (put()), or gives it away
// (detach()). Running out of memory throws hresult_error(E_OUTOFMEMORY);
// without exceptions it terminates, as the standard containers do.
#ifndef COMKIT_BSTR_H
#define COMKIT_BSTR_H

#include <oleauto.h>

#include <comkit/abi/extensions.h>
#include <comkit/com_ptr.h>
#include <comkit/error.h>

#include <compare>
#include <cstdlib>
#include <string_view>  // std::hash (declared by every string header; <functional> would add ~0.1 s to each TU)
#include <string>
#include <string_view>
#include <utility>

namespace comkit {

namespace detail {
[[noreturn]] inline void out_of_memory() {
#if COMKIT_HAS_EXCEPTIONS
  throw_hresult(E_OUTOFMEMORY);
#else
  std::abort();
#endif
}
}  // namespace detail

class bstr {
 public:
  bstr() noexcept = default;
  /// A copy of `s` (UTF-16).
  explicit bstr(std::u16string_view s) : m_str(SysAllocStringLen(reinterpret_cast<const OLECHAR*>(s.data()), static_cast<UINT>(s.size()))) {
    if (!m_str) detail::out_of_memory();
  }
  explicit bstr(const char16_t* s) : bstr(std::u16string_view(s)) {}
  /// `s` converted from UTF-8 (invalid sequences become U+FFFD).
  static bstr from_utf8(std::string_view s) {
    BSTR b = nullptr;
    if (FAILED(ComkitBstrFromUtf8(s.data(), s.size(), &b))) detail::out_of_memory();
    return bstr(b, take_ownership);
  }
  /// Adopts `b` (the bstr frees it).
  bstr(BSTR b, take_ownership_t) noexcept : m_str(b) {}

  bstr(const bstr& o) : m_str(copy_of(o.m_str)) {}
  bstr(bstr&& o) noexcept : m_str(std::exchange(o.m_str, nullptr)) {}
  bstr& operator=(const bstr& o) {
    if (this != &o) attach(copy_of(o.m_str));
    return *this;
  }
  bstr& operator=(bstr&& o) noexcept {
    if (this != &o) attach(std::exchange(o.m_str, nullptr));
    return *this;
  }
  ~bstr() { SysFreeString(m_str); }

  /// The BSTR, still owned by this object (for [in] arguments); may be NULL.
  BSTR get() const noexcept { return m_str; }
  /// Frees the current string and returns the slot for an [out] BSTR*.
  BSTR* put() noexcept {
    attach(nullptr);
    return &m_str;
  }
  /// Gives up ownership: the caller frees the result.
  [[nodiscard]] BSTR detach() noexcept { return std::exchange(m_str, nullptr); }
  void attach(BSTR b) noexcept { SysFreeString(std::exchange(m_str, b)); }
  void reset() noexcept { attach(nullptr); }

  /// Characters (SysStringLen); 0 for a null bstr.
  std::size_t size() const noexcept { return SysStringLen(m_str); }
  bool empty() const noexcept { return size() == 0; }
  /// The characters; a null bstr reads as "".
  const char16_t* c_str() const noexcept { return m_str ? reinterpret_cast<const char16_t*>(m_str) : u""; }
  std::u16string_view view() const noexcept { return {c_str(), size()}; }
  operator std::u16string_view() const noexcept { return view(); }
  std::string to_utf8() const { return detail::utf8_of(m_str); }

  friend bool operator==(const bstr& a, const bstr& b) noexcept { return a.view() == b.view(); }
  friend bool operator==(const bstr& a, std::u16string_view b) noexcept { return a.view() == b; }
  friend std::strong_ordering operator<=>(const bstr& a, const bstr& b) noexcept { return a.view() <=> b.view(); }

 private:
  static BSTR copy_of(BSTR s) {
    if (!s) return nullptr;
    BSTR c = SysAllocStringByteLen(reinterpret_cast<LPCSTR>(s), SysStringByteLen(s));
    if (!c) detail::out_of_memory();
    return c;
  }
  BSTR m_str = nullptr;
};

}  // namespace comkit

template <>
struct std::hash<comkit::bstr> {
  std::size_t operator()(const comkit::bstr& b) const noexcept { return std::hash<std::u16string_view>{}(b.view()); }
};

#endif  // COMKIT_BSTR_H
