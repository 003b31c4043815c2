// comkit/detail/utf.h - strict UTF-8 <-> UTF-16 transcoding shared by the
// runtime's C functions (ComkitUtf8ToUtf16 ...) and the projection's string
// types. Ill-formed input (overlong forms, encoded surrogates, values above
// U+10FFFF, truncated sequences, unpaired UTF-16 surrogates) is rejected,
// never replaced. Not for users.
#ifndef COMKIT_DETAIL_UTF_H
#define COMKIT_DETAIL_UTF_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace comkit::detail {

enum class utf_status { ok, ill_formed, too_small };

struct utf_result {
  utf_status status;
  std::size_t needed;  // output units the whole input needs (valid when not ill_formed)
};

/// Transcodes n bytes; writes at most cap units to dst (dst may be null when
/// cap is 0). Reports too_small when the output did not fit.
constexpr utf_result utf8_to_utf16(const char* src, std::size_t n, char16_t* dst, std::size_t cap) noexcept {
  std::size_t out = 0;
  auto emit = [&](char16_t u) {
    if (out < cap) dst[out] = u;
    ++out;
  };
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t b0 = static_cast<std::uint8_t>(src[i]);
    if (b0 < 0x80) {
      emit(b0);
      ++i;
      continue;
    }
    int extra = 0;
    std::uint32_t cp = 0, min = 0;
    if ((b0 & 0xE0) == 0xC0) {
      extra = 1;
      cp = b0 & 0x1F;
      min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      extra = 2;
      cp = b0 & 0x0F;
      min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      extra = 3;
      cp = b0 & 0x07;
      min = 0x10000;
    } else {
      return {utf_status::ill_formed, 0};
    }
    if (n - i <= static_cast<std::size_t>(extra)) return {utf_status::ill_formed, 0};
    for (int k = 1; k <= extra; ++k) {
      const std::uint8_t b = static_cast<std::uint8_t>(src[i + k]);
      if ((b & 0xC0) != 0x80) return {utf_status::ill_formed, 0};
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {utf_status::ill_formed, 0};
    if (cp >= 0x10000) {
      cp -= 0x10000;
      emit(static_cast<char16_t>(0xD800 + (cp >> 10)));
      emit(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      emit(static_cast<char16_t>(cp));
    }
    i += static_cast<std::size_t>(extra) + 1;
  }
  return {out <= cap ? utf_status::ok : utf_status::too_small, out};
}

/// Transcodes n UTF-16 units; same contract as utf8_to_utf16.
constexpr utf_result utf16_to_utf8(const char16_t* src, std::size_t n, char* dst, std::size_t cap) noexcept {
  std::size_t out = 0;
  auto emit = [&](std::uint32_t b) {
    if (out < cap) dst[out] = static_cast<char>(static_cast<std::uint8_t>(b));
    ++out;
  };
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t cp = src[i];
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (i + 1 >= n || src[i + 1] < 0xDC00 || src[i + 1] > 0xDFFF) return {utf_status::ill_formed, 0};
      cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(src[i + 1]) - 0xDC00);
      ++i;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return {utf_status::ill_formed, 0};
    }
    if (cp < 0x80) {
      emit(cp);
    } else if (cp < 0x800) {
      emit(0xC0 | (cp >> 6));
      emit(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      emit(0xE0 | (cp >> 12));
      emit(0x80 | ((cp >> 6) & 0x3F));
      emit(0x80 | (cp & 0x3F));
    } else {
      emit(0xF0 | (cp >> 18));
      emit(0x80 | ((cp >> 12) & 0x3F));
      emit(0x80 | ((cp >> 6) & 0x3F));
      emit(0x80 | (cp & 0x3F));
    }
  }
  return {out <= cap ? utf_status::ok : utf_status::too_small, out};
}

/// UTF-8 of len UTF-16 units at s (null or empty gives ""); ill-formed text
/// gives "". The one helper for this in comkit: the runtime and the
/// projection both call it.
inline std::string utf8_of(const char16_t* s, std::size_t len) {
  if (!s || len == 0) return {};
  const utf_result need = utf16_to_utf8(s, len, nullptr, 0);
  if (need.status == utf_status::ill_formed) return {};
  std::string out(need.needed, '\0');
  utf16_to_utf8(s, len, out.data(), out.size());
  return out;
}
/// UTF-8 of a NUL-terminated UTF-16 string.
inline std::string utf8_of(const char16_t* s) {
  return s ? utf8_of(s, std::char_traits<char16_t>::length(s)) : std::string();
}

/// UTF-16 of UTF-8 text; ill-formed text gives u"".
inline std::u16string utf16_of(std::string_view s) {
  const utf_result need = utf8_to_utf16(s.data(), s.size(), nullptr, 0);
  if (need.status == utf_status::ill_formed) return {};
  std::u16string out(need.needed, u'\0');
  utf8_to_utf16(s.data(), s.size(), out.data(), out.size());
  return out;
}

}  // namespace comkit::detail

#endif  // COMKIT_DETAIL_UTF_H
