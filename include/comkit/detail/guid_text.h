// comkit/detail/guid_text.h - constexpr parsing and formatting of the GUID
// text form, shared by the compile-time GUID literal (comkit/abi/iid.h) and
// the runtime's CLSIDFromString / StringFromGUID2, so both accept exactly the
// same strings. Not for users: include <comkit/guid.h> or <objbase.h>.
#ifndef COMKIT_DETAIL_GUID_TEXT_H
#define COMKIT_DETAIL_GUID_TEXT_H

#include <cstddef>
#include <cstdint>
#include <type_traits>

#if !defined(COMKIT_IMPL_HIDDEN)
#define COMKIT_IMPL_HIDDEN __attribute__((visibility("hidden")))
#endif

namespace comkit::detail {

/// The text form without braces has 36 characters, with braces 38, and 39
/// with the terminating NUL that StringFromGUID2 writes.
inline constexpr std::size_t guid_text_len = 36;
inline constexpr std::size_t guid_braced_len = 38;

/// Digit values of the 256 code units below U+0100; -1 for non-digits.
COMKIT_IMPL_HIDDEN inline constexpr auto hex_digit_table = [] {
  struct table {
    signed char v[256];
  } t{};
  for (int c = 0; c < 256; ++c)
    t.v[c] = static_cast<signed char>(c >= '0' && c <= '9'   ? c - '0'
                                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                             : -1);
  return t;
}();

/// Value of one hex digit, or -1. Case-insensitive.
template <typename Char>
constexpr int hex_value(Char c) noexcept {
  const auto u = static_cast<std::uint32_t>(static_cast<std::make_unsigned_t<Char>>(c));
  return u < 256 ? hex_digit_table.v[u] : -1;
}

/// Parsed fields of a GUID, independent of the C struct so this header needs
/// nothing from the ABI headers.
struct guid_fields {
  std::uint32_t data1 = 0;
  std::uint16_t data2 = 0;
  std::uint16_t data3 = 0;
  std::uint8_t data4[8] = {};
};

/// Result of parse_guid_fields: `touched` counts the fields (data1, data2,
/// data3, data4[0] ... data4[7]: 11 in all) that were written, the last of
/// them possibly only partly when `ok` is false.
struct guid_parse_result {
  bool ok;
  int touched;
};

/// Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" at `s` field by field, as
/// Windows does: each field is reset to 0 and then accumulates its digits, and
/// the scan stops at the first character that does not fit, so it never reads
/// past a NUL. Braces and what follows the 36 characters are the caller's.
template <typename Char>
constexpr guid_parse_result parse_guid_fields(const Char* s, guid_fields& out) noexcept {
  constexpr int width[11] = {8, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2};
  int pos = 0;
  for (int f = 0; f < 11; ++f) {
    if (f == 1 || f == 2 || f == 3 || f == 5) {
      if (s[pos] != '-') return {false, f};
      ++pos;
    }
    std::uint32_t v = 0;
    auto store = [&] {
      if (f == 0)
        out.data1 = v;
      else if (f == 1)
        out.data2 = static_cast<std::uint16_t>(v);
      else if (f == 2)
        out.data3 = static_cast<std::uint16_t>(v);
      else
        out.data4[f - 3] = static_cast<std::uint8_t>(v);
    };
    for (int i = 0; i < width[f]; ++i, ++pos) {
      const int d = hex_value(s[pos]);
      if (d < 0) {
        store();
        return {false, f + 1};
      }
      v = (v << 4) | static_cast<std::uint32_t>(d);
    }
    store();
  }
  return {true, 11};
}

/// Writes the 38-character braced, upper-case form (no NUL) to `out`.
template <typename Char>
constexpr void format_guid_braced(const guid_fields& g, Char* out) noexcept {
  constexpr char digits[] = "0123456789ABCDEF";
  auto put = [&](std::uint64_t v, int n, Char* at) {
    for (int i = n - 1; i >= 0; --i) {
      at[i] = static_cast<Char>(digits[v & 0xF]);
      v >>= 4;
    }
  };
  out[0] = '{';
  put(g.data1, 8, out + 1);
  out[9] = '-';
  put(g.data2, 4, out + 10);
  out[14] = '-';
  put(g.data3, 4, out + 15);
  out[19] = '-';
  put(g.data4[0], 2, out + 20);
  put(g.data4[1], 2, out + 22);
  out[24] = '-';
  for (int i = 0; i < 6; ++i) put(g.data4[2 + i], 2, out + 25 + 2 * i);
  out[37] = '}';
}

/// Not constexpr on purpose: reaching one of these during constant
/// evaluation is a compile error whose message names the problem (this works
/// with and without -fno-exceptions, unlike a throw).
inline void guid_literal_has_unbalanced_braces() noexcept {}
inline void guid_literal_must_look_like_xxxxxxxx_xxxx_xxxx_xxxx_xxxxxxxxxxxx() noexcept {}
inline void guid_literal_has_a_character_that_is_not_a_hex_digit_or_dash() noexcept {}

/// The parser behind the compile-time literal: accepts the plain 36-character
/// form or the 38-character braced form. Used from consteval code only.
constexpr guid_fields guid_from_text_or_fail(const char* s, std::size_t n) noexcept {
  guid_fields g{};
  if (n == guid_braced_len) {
    if (s[0] != '{' || s[37] != '}') guid_literal_has_unbalanced_braces();
    ++s;
  } else if (n != guid_text_len) {
    guid_literal_must_look_like_xxxxxxxx_xxxx_xxxx_xxxx_xxxxxxxxxxxx();
    return g;
  }
  if (!parse_guid_fields(s, g).ok) guid_literal_has_a_character_that_is_not_a_hex_digit_or_dash();
  return g;
}

}  // namespace comkit::detail

#endif  // COMKIT_DETAIL_GUID_TEXT_H
