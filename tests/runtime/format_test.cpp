// tests/runtime/format_test.cpp - VarFormat and its family against
// Windows' observed results (the conformance record of native oleaut32,
// en-US user locale: this process runs under "C", which reads as en-US).
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <string>

namespace {

std::u16string str(BSTR b) { return b ? std::u16string(reinterpret_cast<const char16_t*>(b), SysStringLen(b)) : u"<null>"; }
LPOLESTR ole(const char16_t* s) { return const_cast<LPOLESTR>(reinterpret_cast<const OLECHAR*>(s)); }

VARIANT r8(double x) {
  VARIANT v;
  VariantInit(&v);
  v.vt = VT_R8;
  v.dblVal = x;
  return v;
}
VARIANT i4(LONG x) {
  VARIANT v;
  VariantInit(&v);
  v.vt = VT_I4;
  v.lVal = x;
  return v;
}
VARIANT date(double x) {
  VARIANT v = r8(x);
  v.vt = VT_DATE;
  return v;
}

std::u16string format(VARIANT v, const char16_t* fmt, int first_day = 0, int first_week = 0, ULONG flags = 0) {
  BSTR b = nullptr;
  const HRESULT hr = VarFormat(&v, ole(fmt), first_day, first_week, flags, &b);
  if (FAILED(hr)) return u"error";
  std::u16string s = str(b);
  SysFreeString(b);
  return s;
}

struct number_case {
  double value;
  const char16_t* fmt;
  const char16_t* text;
};

TEST(VarFormat, NumberPlaceholders) {
  const number_case cases[] = {
      {1, u"#", u"1"},
      {0, u"#", u""},
      {1, u"#.#", u"1."},
      {0, u"#.#", u"."},
      {0, u"0", u"0"},
      {1, u"00", u"01"},
      {1, u"0.0", u"1.0"},
      {1, u"00\\c\\o\\p\\y", u"01copy"},
      {1, u"#00000000", u"00000001"},
      {1, u"000###", u"000001"},
      {1, u"#00##00#0", u"00000001"},
      {1, u"1#####0000", u"10001"},
      {1, u"##abcdefghijklmnopqrstuvwxyz", u"1abcdefghijklmnopqrstuvwxyz"},
      {100000, u"#,###,###,###", u"100,000"},
      {1, u"0,000,000,000", u"0,000,000,001"},
      {123456789, u"#,#.#", u"123,456,789."},
      {123456789, u"###, ###, ###", u"123, 456, 789"},
      {1.23456789, u"0#.0#0#0#0#0", u"01.234567890"},
      {1.2, u"0#.0#0#0#0#0", u"01.200000000"},
      {9.87654321, u"#0.#0#0#0#0#", u"9.87654321"},
      {9.8, u"#0.#0#0#0#0#", u"9.80000000"},
      {0.00000008, u"#0.#0#0#0#0#0", u"0.0000000800"},
      {0.00010705, u"#0.##########", u"0.00010705"},
      {17, u"#000", u"017"},
      {17, u"#0000.00", u"0017.00"},
      {17, u"#.00", u"17.00"},
      {0.17, u"#.00", u".17"},
      {17, u"#3", u"173"},
      {17, u"#3333.33", u"173333.33"},
      {0.17, u"#.33", u".33"},
      {1.7, u"#0", u"2"},
      {1.7, u"#.33", u"2.33"},
      {9.9999999, u"#0.000000", u"10.000000"},
      {-1.57, u"0.00", u"-1.57"},
      {-1.57, u"#.##", u"-1.57"},
      {-0.1, u".#", u"-.1"},
      {0.099, u"#.#", u".1"},
      {0.0995, u"#.##", u".1"},
      {0.0994, u"#.##", u".1"},
      {0.0094, u"#.##", u".01"},
      {0.0049, u"#.##", u"."},
      {8.0995, u"#.##", u"8.1"},
      {1, u"#,##0.00", u"1.00"},
      {5459.4, u"##,##0.00", u"5,459.40"},
      {5, u"0.00%", u"500.00%"},
      {1234567, u"#,##0,", u"1,235"},  // a comma before the end divides by 1000
  };
  for (const auto& c : cases) EXPECT_EQ(format(r8(c.value), c.fmt), c.text) << c.value << " (case " << (&c - cases) << ")";
}

TEST(VarFormat, Scientific) {
  const number_case cases[] = {
      {1.7, u"0.0000E-000", u"1.7000E000"},
      {1.7, u"0.0000e-1", u"1.7000e01"},
      {86.936849, u"#0.000000000000e-000", u"86.936849000000e000"},
      {1.73245, u"0.0000E+000", u"1.7325E+000"},
      {1.7, u"0.0000e+0#", u"1.7000e+0"},
      {100.0001, u"0.0000E+0", u"1.0000E+2"},
      {1000001, u"0.0000e+1", u"1.0000e+61"},
      {100.0001e25, u"0.0000e+0", u"1.0000e+27"},
      {450.0001e43, u"#000.0000e+0", u"4500.0010e+42"},
      {0.0001e-11, u"##00.0000e-0", u"1000.0000e-18"},
      {0.0317e-11, u"0000.0000e-0", u"3170.0000e-16"},
      {47.11, u".0000E+0", u".4711E+2"},
      {3.0401e-13, u"#####.####e-0%", u"30401.e-15%"},
      {29.565331, u"0.#####E-#", u"2.95653E1"},
      {29.123456789, u"0.#####E-0#0#", u"2.91235E01"},
      {1, u"Scientific", u"1.00E+00"},
  };
  for (const auto& c : cases) EXPECT_EQ(format(r8(c.value), c.fmt), c.text) << c.value << " (case " << (&c - cases) << ")";
}

TEST(VarFormat, NamedNumberFormatsAndSections) {
  EXPECT_EQ(format(i4(1), u"General Number"), u"1");
  EXPECT_EQ(format(i4(1), u"Percent"), u"100.00%");
  EXPECT_EQ(format(i4(0), u"percent"), u"0.00%");
  EXPECT_EQ(format(i4(1), u"Standard"), u"1.00");
  EXPECT_EQ(format(i4(1234), u"Standard"), u"1,234.00");
  EXPECT_EQ(format(r8(2.5), u"Fixed"), u"2.50");
  EXPECT_EQ(format(i4(1), u"True/False"), u"True");
  EXPECT_EQ(format(i4(0), u"True/False"), u"False");
  EXPECT_EQ(format(i4(1), u"On/Off"), u"On");
  EXPECT_EQ(format(i4(0), u"Yes/No"), u"No");
  EXPECT_EQ(format(r8(-1234.5), u"Currency"), u"-$1,234.50");
  EXPECT_EQ(format(i4(1), u"\"pos\";\"neg\""), u"pos");
  EXPECT_EQ(format(i4(0), u"\"pos\";\"neg\""), u"pos");
  EXPECT_EQ(format(i4(-1), u"\"pos\";\"neg\""), u"neg");
  EXPECT_EQ(format(i4(0), u"\"pos\";\"neg\";\"zero\""), u"zero");
  EXPECT_EQ(format(i4(-1), u"#;-#"), u"-1");
  EXPECT_EQ(format(i4(-5), u"#;(#)"), u"(5)");  // no automatic '-' in a section of its own
  // Null: the fourth section, or a null BSTR.
  VARIANT null;
  VariantInit(&null);
  null.vt = VT_NULL;
  EXPECT_EQ(format(null, u"#;-#;0;\"nothing\""), u"nothing");
  BSTR b = reinterpret_cast<BSTR>(1);
  ASSERT_EQ(VarFormat(&null, nullptr, 0, 0, 0, &b), S_OK);
  EXPECT_EQ(b, nullptr);
}

TEST(VarFormat, GeneralFormatAndStrings) {
  EXPECT_EQ(format(i4(1), u""), u"1");
  EXPECT_EQ(format(r8(1.5), u""), u"1.5");
  VARIANT t;
  VariantInit(&t);
  t.vt = VT_BOOL;
  t.boolVal = VARIANT_TRUE;
  EXPECT_EQ(format(t, u""), u"True");
  EXPECT_EQ(format(t, u"True/False"), u"True");

  VARIANT s;
  VariantInit(&s);
  s.vt = VT_BSTR;
  s.bstrVal = SysAllocString(ole(u"testing"));
  const struct {
    const char16_t* fmt;
    const char16_t* text;
  } cases[] = {{u"", u"testing"},           {u"@", u"testing"},           {u"&", u"testing"},
               {u"\\x@\\x@", u"xtxesting"}, {u"@\\x", u"txesting"},       {u"@@@@@@@@", u" testing"},
               {u"@\\x@@@@@@@", u" xtesting"}, {u"&&&&&&&&", u"testing"}, {u"!&&&&&&&", u"testing"},
               {u">&&", u"TESTING"},       {u"<&&", u"testing"},         {u"<&>&", u"testing"}};
  for (const auto& c : cases) EXPECT_EQ(format(s, c.fmt), c.text);
  // A string that is not a number, under a number format: its own text,
  // or the error with VAR_FORMAT_NOSUBSTITUTE.
  EXPECT_EQ(format(s, u"General Number"), u"testing");
  BSTR b = nullptr;
  EXPECT_EQ(VarFormat(&s, ole(u"0.00"), 0, 0, VAR_FORMAT_NOSUBSTITUTE, &b), DISP_E_TYPEMISMATCH);
  VariantClear(&s);
  VARIANT n = i4(1);
  EXPECT_EQ(format(n, u"<&>&"), u"1");
}

TEST(VarFormat, Dates) {
  const double noon36 = 2.525;  // Monday 1 January 1900, 12:36:00
  const struct {
    const char16_t* fmt;
    const char16_t* text;
  } cases[] = {
      {u"am/pm", u"pm"},
      {u"AM/PM", u"PM"},
      {u"A/P", u"P"},
      {u"a/p", u"p"},
      {u"q", u"1"},
      {u"d", u"1"},
      {u"dd", u"01"},
      {u"ddd", u"Mon"},
      {u"dddd", u"Monday"},
      {u"mmm", u"Jan"},
      {u"mmmm", u"January"},
      {u"y", u"1"},
      {u"yy", u"00"},
      {u"yyy", u"001"},
      {u"yyyy", u"1900"},
      {u"dd mm yyyy hh:mm:ss", u"01 01 1900 12:36:00"},
      {u"dd mm yyyy mm", u"01 01 1900 01"},
      {u"dd mm yyyy :mm", u"01 01 1900 :01"},
      {u"dd mm yyyy hh:mm", u"01 01 1900 12:36"},
      {u"mm mm", u"01 01"},
      {u"mm :mm:ss", u"01 :01:00"},
      {u"mm :ss:mm", u"01 :00:01"},
      {u"hh:mm :ss:mm", u"12:36 :00:01"},
      {u"hh:dd :mm:mm", u"12:01 :01:01"},
      {u"dd:hh :mm:mm", u"01:12 :36:01"},
      {u"hh :mm:mm", u"12 :36:01"},
      {u"dd :mm:mm", u"01 :01:01"},
      {u"dd :mm:nn", u"01 :01:36"},
      {u"short time", u"12:36"},
      {u"medium time", u"12:36 PM"},
      {u"long time", u"12:36:00 PM"},
      {u"Short Date", u"1/1/1900"},
      {u"Long Date", u"Monday, January 1, 1900"},
      {u"General Date", u"1/1/1900 12:36:00 PM"},
      {u"c", u"1/1/1900 12:36:00 PM"},
      {u"ddddd", u"1/1/1900"},
      {u"ttttt", u"12:36:00 PM"},
      {u"m/d/yy", u"1/1/00"},
      {u"\"day\" d", u"day 1"},
  };
  for (const auto& c : cases) EXPECT_EQ(format(date(noon36), c.fmt), c.text) << "case " << (&c - cases);
  EXPECT_EQ(format(date(2.725), u"hh:nn:ss A/P"), u"05:24:00 P");
  EXPECT_EQ(format(date(40531.0), u"dddd"), u"Sunday");
  // 7 December 1958 20:50:35 (VB's documented examples).
  const double dec7 = 21526.0 + (20 * 3600 + 50 * 60 + 35) / 86400.0;
  EXPECT_EQ(format(date(dec7), u"d-mmmm-yy"), u"7-December-58");
  EXPECT_EQ(format(date(dec7), u"hh:mm AM/PM"), u"08:50 PM");
  EXPECT_EQ(format(date(dec7), u"h:mm:ss a/p"), u"8:50:35 p");
  EXPECT_EQ(format(date(dec7), u"m/d/yy h:mm"), u"12/7/58 20:50");
  // A string holding a number is a serial date.
  VARIANT s;
  VariantInit(&s);
  s.vt = VT_BSTR;
  s.bstrVal = SysAllocString(ole(u"39697.11"));
  EXPECT_EQ(format(s, u"hh:mm"), u"02:38");
  EXPECT_EQ(format(s, u"mm-dd-yy"), u"09-06-08");
  VariantClear(&s);
}

TEST(VarFormat, WeekdaysAndWeeksCountFromTheFirstDay) {
  // 30 December 1899 is a Saturday: "w" is 7 counted from Sunday, 1 from Saturday.
  const char16_t* expect[] = {u"7", u"6", u"5", u"4", u"3", u"2", u"1"};
  for (int fd = 1; fd <= 7; ++fd) EXPECT_EQ(format(date(0.0), u"w", fd, 1), expect[fd - 1]) << fd;
  // 1 January 2021 is a Friday; 4 January a Monday.
  const double jan1 = 44197.0, jan4 = 44200.0;
  EXPECT_EQ(format(date(jan1), u"ww", 1, 1), u"1");
  EXPECT_EQ(format(date(jan4), u"ww", 1, 1), u"2");  // Sunday weeks: 3 January starts week 2
  EXPECT_EQ(format(date(jan4), u"ww", 2, 2), u"1");  // ISO-like: the first four-day week
  EXPECT_EQ(format(date(jan1), u"ww", 2, 2), u"53");  // still 2020's last week
  EXPECT_EQ(format(date(jan4), u"ww", 2, 3), u"1");   // the first full week
  BSTR b = nullptr;
  VARIANT v = date(0);
  EXPECT_EQ(VarFormat(&v, ole(u"w"), -1, 0, 0, &b), E_INVALIDARG);
  EXPECT_EQ(VarFormat(&v, ole(u"w"), 8, 0, 0, &b), E_INVALIDARG);
  EXPECT_EQ(VarFormat(&v, ole(u"w"), 0, -1, 0, &b), E_INVALIDARG);
  EXPECT_EQ(VarFormat(&v, ole(u"w"), 0, 4, 0, &b), E_INVALIDARG);
  EXPECT_EQ(VarFormat(&v, ole(u"w"), 0, 0, 0, nullptr), E_INVALIDARG);
  EXPECT_EQ(VarFormat(nullptr, ole(u"w"), 0, 0, 0, &b), E_INVALIDARG);
}

TEST(VarFormat, ByrefValuesAreFollowed) {
  LONG x = 17;
  VARIANT v;
  VariantInit(&v);
  v.vt = VT_I4 | VT_BYREF;
  v.plVal = &x;
  EXPECT_EQ(format(v, u"#000"), u"017");
}

TEST(VarFormatTokens, TokensOfAFormatFormatWithIt) {
  BYTE tok[256];
  int used = 0;
  ASSERT_EQ(VarTokenizeFormatString(ole(u"###,##0.00"), tok, sizeof tok, 1, 1, 0x409, &used), S_OK);
  EXPECT_GT(used, 0);
  VARIANT s;
  VariantInit(&s);
  s.vt = VT_BSTR;
  s.bstrVal = SysAllocString(ole(u"6,90"));
  BSTR b = nullptr;
  ASSERT_EQ(VarFormatFromTokens(&s, ole(u"###,##0.00"), tok, 0, &b, 0x409), S_OK);
  EXPECT_EQ(str(b), u"690.00");
  SysFreeString(b);
  ASSERT_EQ(VarTokenizeFormatString(ole(u"###,##0.00"), tok, sizeof tok, 1, 1, 0x407, nullptr), S_OK);
  ASSERT_EQ(VarFormatFromTokens(&s, ole(u"###,##0.00"), tok, 0, &b, 0x407), S_OK);
  EXPECT_EQ(str(b), u"6,90");
  SysFreeString(b);
  VariantClear(&s);
  // The date "12-11" is day first in de-DE.
  s.vt = VT_BSTR;
  s.bstrVal = SysAllocString(ole(u"12-11"));
  ASSERT_EQ(VarTokenizeFormatString(ole(u"dd-mm"), tok, sizeof tok, 1, 1, 0x409, nullptr), S_OK);
  ASSERT_EQ(VarFormatFromTokens(&s, ole(u"dd-mm"), tok, 0, &b, 0x409), S_OK);
  EXPECT_EQ(str(b), u"11-12");
  SysFreeString(b);
  ASSERT_EQ(VarFormatFromTokens(&s, ole(u"dd-mm"), tok, 0, &b, 0x407), S_OK);
  EXPECT_EQ(str(b), u"12-11");
  SysFreeString(b);
  VariantClear(&s);
  VARIANT f;
  VariantInit(&f);
  f.vt = VT_R4;
  f.fltVal = 1.5f;
  ASSERT_EQ(VarTokenizeFormatString(ole(u"@"), tok, sizeof tok, 1, 1, 0x407, nullptr), S_OK);
  ASSERT_EQ(VarFormatFromTokens(&f, ole(u"@"), tok, 0, &b, 0x407), S_OK);
  EXPECT_EQ(str(b), u"1,5");
  SysFreeString(b);
  // Another format than the one tokenized, a short buffer, bad arguments.
  EXPECT_EQ(VarFormatFromTokens(&f, ole(u"@@"), tok, 0, &b, 0x407), E_INVALIDARG);
  EXPECT_EQ(VarTokenizeFormatString(ole(u"0.00"), tok, 4, 1, 1, 0x409, nullptr), DISP_E_BUFFERTOOSMALL);
  EXPECT_EQ(VarTokenizeFormatString(ole(u"0;0;0;0;0"), tok, sizeof tok, 1, 1, 0x409, nullptr), E_INVALIDARG);
  EXPECT_EQ(VarTokenizeFormatString(ole(u"0"), tok, sizeof tok, 8, 1, 0x409, nullptr), E_INVALIDARG);
}

TEST(VarFormatNumber, TriStateArguments) {
  auto number = [](double x, int dig, int lead, int parens, int group) {
    VARIANT v = r8(x);
    BSTR b = nullptr;
    if (FAILED(VarFormatNumber(&v, dig, lead, parens, group, 0, &b))) return std::u16string(u"error");
    std::u16string s = str(b);
    SysFreeString(b);
    return s;
  };
  EXPECT_EQ(number(20000, -1, -2, -2, -2), u"20,000.00");
  EXPECT_EQ(number(20000, 5, -2, -2, -2), u"20,000.00000");
  EXPECT_EQ(number(0.2, -1, 0, -2, -2), u".20");
  EXPECT_EQ(number(0.2, -1, -1, -2, -2), u"0.20");
  EXPECT_EQ(number(-50, -1, -2, 0, -2), u"-50.00");
  EXPECT_EQ(number(-50, -1, -2, -1, -2), u"(50.00)");
  EXPECT_EQ(number(1000000, -1, -2, -2, 0), u"1000000.00");
  EXPECT_EQ(number(1000000, -1, -2, -2, -1), u"1,000,000.00");
  EXPECT_EQ(number(8012.36, -1, -2, -2, -2), u"8,012.36");
  EXPECT_EQ(number(1, 2, 0, 0, 0), u"1.00");
  EXPECT_EQ(number(1.5, 0, -2, -2, -2), u"2");
  EXPECT_EQ(number(1, 10, -2, -2, -2), u"error");
  EXPECT_EQ(number(1, 2, 1, -2, -2), u"error");

  VARIANT s;
  VariantInit(&s);
  s.vt = VT_BSTR;
  s.bstrVal = SysAllocString(ole(u"-1"));
  BSTR b = nullptr;
  ASSERT_EQ(VarFormatNumber(&s, 2, 0, -1, 0, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"(1.00)");
  SysFreeString(b);
  VariantClear(&s);
  s.vt = VT_BSTR;
  s.bstrVal = SysAllocString(ole(u"test"));
  EXPECT_EQ(VarFormatCurrency(&s, 1, -2, -2, -2, 0, &b), DISP_E_TYPEMISMATCH);
  VariantClear(&s);
}

TEST(VarFormatCurrency, SymbolSignAndParentheses) {
  auto currency = [](double x, int dig, int lead, int parens, int group) {
    VARIANT v = r8(x);
    BSTR b = nullptr;
    EXPECT_EQ(VarFormatCurrency(&v, dig, lead, parens, group, 0, &b), S_OK);
    std::u16string s = str(b);
    SysFreeString(b);
    return s;
  };
  EXPECT_EQ(currency(20000, -1, -2, -2, -2), u"$20,000.00");
  EXPECT_EQ(currency(20000, 5, -2, -2, -2), u"$20,000.00000");
  EXPECT_EQ(currency(0.2, -1, 0, -2, -2), u"$.20");
  EXPECT_EQ(currency(0.2, -1, -1, -2, -2), u"$0.20");
  EXPECT_EQ(currency(-50, -1, -2, 0, -2), u"-$50.00");
  EXPECT_EQ(currency(-50, -1, -2, -1, -2), u"($50.00)");
  EXPECT_EQ(currency(1000000, -1, -2, -2, 0), u"$1000000.00");
  EXPECT_EQ(currency(10456.45, -1, -2, -2, -2), u"$10,456.45");
  // Its own output reads back as currency.
  VARIANT v;
  VariantInit(&v);
  v.vt = VT_BSTR;
  v.bstrVal = SysAllocString(ole(u"$1,234.567"));
  BSTR b = nullptr;
  ASSERT_EQ(VarFormatCurrency(&v, 1, -2, -2, -2, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"$1,234.6");
  SysFreeString(b);
  VariantClear(&v);
}

TEST(VarFormatPercent, TimesAHundredWithASign) {
  VARIANT v = r8(6.0 / 345.0);
  BSTR b = nullptr;
  ASSERT_EQ(VarFormatPercent(&v, -1, -2, -2, -2, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"1.74%");
  SysFreeString(b);
  ASSERT_EQ(VarFormatPercent(&v, 1, -2, -2, -2, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"1.7%");
  SysFreeString(b);
  v = r8(0.8);
  ASSERT_EQ(VarFormatPercent(&v, -1, -2, -2, -2, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"80.00%");
  SysFreeString(b);
}

TEST(VarFormatDateTime, NamedFormats) {
  const double may31 = 43616.0 + (13 * 3600 + 45 * 60) / 86400.0;  // Friday 31 May 2019 13:45
  const char16_t* expect[] = {u"5/31/2019 1:45:00 PM", u"Friday, May 31, 2019", u"5/31/2019", u"1:45:00 PM", u"13:45"};
  for (int k = 0; k <= 4; ++k) {
    VARIANT v = date(may31);
    BSTR b = nullptr;
    ASSERT_EQ(VarFormatDateTime(&v, k, 0, &b), S_OK) << k;
    EXPECT_EQ(str(b), expect[k]) << k;
    SysFreeString(b);
  }
  VARIANT v = date(may31);
  BSTR b = nullptr;
  EXPECT_EQ(VarFormatDateTime(&v, 5, 0, &b), E_INVALIDARG);
  EXPECT_EQ(VarFormatDateTime(&v, -1, 0, &b), E_INVALIDARG);
  EXPECT_EQ(VarFormatDateTime(&v, 0, 0, nullptr), E_INVALIDARG);
  VARIANT null;
  VariantInit(&null);
  null.vt = VT_NULL;
  b = reinterpret_cast<BSTR>(0xdeadbeef);
  ASSERT_EQ(VarFormatDateTime(&null, 0, 0, &b), S_OK);
  EXPECT_EQ(b, nullptr);
  VARIANT s;
  VariantInit(&s);
  s.vt = VT_BSTR;
  s.bstrVal = SysAllocString(ole(u"not a date"));
  EXPECT_EQ(VarFormatDateTime(&s, 0, 0, &b), DISP_E_TYPEMISMATCH);
  VariantClear(&s);
}

TEST(VarWeekdayName, CountsFromTheFirstDay) {
  auto name = [](int w, int abbrev, int first) {
    BSTR b = nullptr;
    if (FAILED(VarWeekdayName(w, abbrev, first, 0, &b))) return std::u16string(u"error");
    std::u16string s = str(b);
    SysFreeString(b);
    return s;
  };
  EXPECT_EQ(name(1, 0, 1), u"Sunday");
  EXPECT_EQ(name(3, 0, 1), u"Tuesday");
  EXPECT_EQ(name(7, 0, 1), u"Saturday");
  EXPECT_EQ(name(1, -1, 1), u"Sun");
  EXPECT_EQ(name(1, 10, 1), u"Sun");
  EXPECT_EQ(name(1, -1, 2), u"Mon");
  EXPECT_EQ(name(1, -1, 7), u"Sat");
  EXPECT_EQ(name(1, -1, 0), u"Sun");  // en-US weeks start on Sunday
  EXPECT_EQ(name(0, 0, 4), u"error");
  EXPECT_EQ(name(8, 0, 4), u"error");
  EXPECT_EQ(name(4, 0, -1), u"error");
  EXPECT_EQ(name(4, 0, 8), u"error");
  EXPECT_EQ(VarWeekdayName(1, 0, 0, 0, nullptr), E_INVALIDARG);
}

TEST(VarMonthName, FullAndAbbreviated) {
  auto name = [](int m, int abbrev) {
    BSTR b = nullptr;
    if (FAILED(VarMonthName(m, abbrev, 0, &b))) return std::u16string(u"error");
    std::u16string s = str(b);
    SysFreeString(b);
    return s;
  };
  EXPECT_EQ(name(1, 0), u"January");
  EXPECT_EQ(name(12, 0), u"December");
  EXPECT_EQ(name(1, 10), u"Jan");
  EXPECT_EQ(name(12, -1), u"Dec");
  EXPECT_EQ(name(0, 0), u"error");
  EXPECT_EQ(name(13, 0), u"error");
  EXPECT_EQ(VarMonthName(1, 0, 0, nullptr), E_INVALIDARG);
}

}  // namespace
