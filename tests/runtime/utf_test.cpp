// tests/runtime/utf_test.cpp - UTF-8 <-> UTF-16 conversion.
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <comkit/abi/extensions.h>

#include <string>
#include <string_view>

namespace {

const HRESULT ill_formed = HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION);
const HRESULT too_small = HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER);

HRESULT to16(std::string_view in, std::u16string& out) {
  size_t need = 0;
  HRESULT hr = ComkitUtf8ToUtf16(in.data(), in.size(), nullptr, 0, &need);
  if (FAILED(hr)) return hr;
  out.assign(need, u'\0');
  return ComkitUtf8ToUtf16(in.data(), in.size(), out.data(), out.size(), &need);
}

HRESULT to8(std::u16string_view in, std::string& out) {
  size_t need = 0;
  HRESULT hr = ComkitUtf16ToUtf8(in.data(), in.size(), nullptr, 0, &need);
  if (FAILED(hr)) return hr;
  out.assign(need, '\0');
  return ComkitUtf16ToUtf8(in.data(), in.size(), out.data(), out.size(), &need);
}

TEST(Utf8ToUtf16, AsciiBmpAndSupplementary) {
  std::u16string out;
  ASSERT_EQ(to16("plain", out), S_OK);
  EXPECT_EQ(out, u"plain");
  ASSERT_EQ(to16("\xC3\xA9t\xC3\xA9 \xE2\x82\xAC", out), S_OK);  // "été €"
  EXPECT_EQ(out, u"\u00E9t\u00E9 \u20AC");
  ASSERT_EQ(to16("\xF0\x9F\x98\x80", out), S_OK);  // U+1F600
  EXPECT_EQ(out, u"\xD83D\xDE00");
  ASSERT_EQ(to16("\xF4\x8F\xBF\xBF", out), S_OK);  // U+10FFFF
  EXPECT_EQ(out, u"\xDBFF\xDFFF");
  ASSERT_EQ(to16(std::string_view("a\0b", 3), out), S_OK);  // embedded NUL kept
  EXPECT_EQ(out, std::u16string(u"a\0b", 3));
  ASSERT_EQ(to16("", out), S_OK);
  EXPECT_TRUE(out.empty());
}

TEST(Utf8ToUtf16, RejectsIllFormedInput) {
  std::u16string out;
  for (const char* bad : {"\x80", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xF0\x80\x80\xAF",  // stray, overlong
                          "\xED\xA0\x80", "\xED\xBF\xBF",                                       // surrogates
                          "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\xFE",              // > U+10FFFF
                          "\xC3", "\xE2\x82", "\xF0\x9F\x98", "a\xC3", "\xE2\x28\xA1"}) {      // truncated
    size_t need = 99;
    EXPECT_EQ(ComkitUtf8ToUtf16(bad, std::char_traits<char>::length(bad), nullptr, 0, &need), ill_formed) << bad;
    EXPECT_EQ(need, 0u);
  }
}

TEST(Utf8ToUtf16, ShortBufferReportsNeed) {
  char16_t buf[2];
  size_t need = 0;
  EXPECT_EQ(ComkitUtf8ToUtf16("abc", 3, buf, 2, &need), too_small);
  EXPECT_EQ(need, 3u);
  EXPECT_EQ(ComkitUtf8ToUtf16("\xF0\x9F\x98\x80", 4, buf, 1, &need), too_small);
  EXPECT_EQ(need, 2u);
  EXPECT_EQ(ComkitUtf8ToUtf16("\xF0\x9F\x98\x80", 4, buf, 2, &need), S_OK);
}

TEST(Utf8ToUtf16, NullPointers) {
  size_t need = 5;
  EXPECT_EQ(ComkitUtf8ToUtf16(nullptr, 1, nullptr, 0, &need), E_POINTER);
  EXPECT_EQ(ComkitUtf8ToUtf16("a", 1, nullptr, 4, &need), E_POINTER);
  EXPECT_EQ(ComkitUtf8ToUtf16(nullptr, 0, nullptr, 0, &need), S_OK);
  EXPECT_EQ(need, 0u);
  EXPECT_EQ(ComkitUtf8ToUtf16("a", 1, nullptr, 0, nullptr), S_OK);
}

TEST(Utf16ToUtf8, AllLengthsAndSurrogatePairs) {
  std::string out;
  ASSERT_EQ(to8(u"A\u00E9\u20AC\U0001F600", out), S_OK);
  EXPECT_EQ(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  ASSERT_EQ(to8(std::u16string_view(u"\0", 1), out), S_OK);
  EXPECT_EQ(out, std::string("\0", 1));
}

TEST(Utf16ToUtf8, RejectsUnpairedSurrogates) {
  std::string out;
  for (std::u16string bad : {std::u16string(u"\xD800"), std::u16string(u"\xDC00"), std::u16string(u"a\xD83D"),
                             std::u16string(u"\xD83Dx"), std::u16string(u"\xDE00\xD83D")}) {
    EXPECT_EQ(to8(bad, out), ill_formed);
  }
}

TEST(Utf16ToUtf8, ShortBufferAndNulls) {
  char buf[3];
  size_t need = 0;
  EXPECT_EQ(ComkitUtf16ToUtf8(u"\u20AC!", 2, buf, 3, &need), too_small);
  EXPECT_EQ(need, 4u);
  EXPECT_EQ(ComkitUtf16ToUtf8(nullptr, 2, nullptr, 0, &need), E_POINTER);
  EXPECT_EQ(ComkitUtf16ToUtf8(u"x", 1, nullptr, 1, &need), E_POINTER);
}

TEST(Utf, RoundTripEveryScalarValue) {
  std::string all;
  for (char32_t cp = 1; cp <= 0x10FFFF; cp += (cp < 0x800 ? 1 : 61)) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    if (cp < 0x80) {
      all += static_cast<char>(cp);
    } else if (cp < 0x800) {
      all += static_cast<char>(0xC0 | (cp >> 6));
      all += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      all += static_cast<char>(0xE0 | (cp >> 12));
      all += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      all += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      all += static_cast<char>(0xF0 | (cp >> 18));
      all += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      all += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      all += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  std::u16string mid;
  ASSERT_EQ(to16(all, mid), S_OK);
  std::string back;
  ASSERT_EQ(to8(mid, back), S_OK);
  EXPECT_EQ(back, all);
}

TEST(ComkitBstrFromUtf8, MakesBstr) {
  BSTR b = nullptr;
  ASSERT_EQ(ComkitBstrFromUtf8("h\xC3\xA9llo", 6, &b), S_OK);
  EXPECT_EQ(std::u16string(b, SysStringLen(b)), u"h\u00E9llo");
  EXPECT_EQ(b[5], 0);
  SysFreeString(b);
  ASSERT_EQ(ComkitBstrFromUtf8("", 0, &b), S_OK);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(SysStringLen(b), 0u);
  SysFreeString(b);
  b = reinterpret_cast<BSTR>(1);
  EXPECT_EQ(ComkitBstrFromUtf8("\xC3", 1, &b), ill_formed);
  EXPECT_EQ(b, nullptr);
  EXPECT_EQ(ComkitBstrFromUtf8("a", 1, nullptr), E_POINTER);
  EXPECT_EQ(ComkitBstrFromUtf8(nullptr, 1, &b), E_POINTER);
}

}  // namespace
