// tests/runtime/locale_test.cpp - LCID-aware text: numbers, currency,
// booleans and dates, written and read, for the LCIDs a VB or scripting
// host commonly passes. Expected text is what Windows 10/11 NLS produces
// for each LCID (LOCALE_SDECIMAL, LOCALE_STHOUSAND, LOCALE_SCURRENCY,
// LOCALE_SSHORTDATE, LOCALE_STIMEFORMAT) and oleaut32's own Boolean names.
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <clocale>
#include <cstdlib>
#include <string>

namespace {

std::u16string str(BSTR b) { return b ? std::u16string(reinterpret_cast<const char16_t*>(b), SysStringLen(b)) : u"<null>"; }
LPOLESTR ole(const char16_t* s) { return const_cast<LPOLESTR>(reinterpret_cast<const OLECHAR*>(s)); }

struct locale_case {
  LCID lcid;
  const char* name;
  const char16_t* real;      // VarBstrFromR8(-1234.5)
  const char16_t* grouped;   // reads as 1234567.25
  const char16_t* money;     // reads as CY 1234.5, with the currency symbol
  const char16_t* true_name;  // VAR_LOCALBOOL
  const char16_t* false_name;
  const char16_t* afternoon;  // VarBstrFromDate(5 March 2021 14:07:09)
  const char16_t* morning;    // VarBstrFromDate(5 March 2021 09:05:03)
  const char16_t* long_date;  // reads as 5 March 2021 (a month name), or null
};

// 5 March 2021 is DATE 44260.
constexpr double march5 = 44260.0;
constexpr double afternoon = march5 + (14 * 3600 + 7 * 60 + 9) / 86400.0;
constexpr double morning = march5 + (9 * 3600 + 5 * 60 + 3) / 86400.0;

const locale_case cases[] = {
    {0x0409, "en-US", u"-1234.5", u"1,234,567.25", u"$1,234.50", u"True", u"False", u"3/5/2021 2:07:09 PM",
     u"3/5/2021 9:05:03 AM", u"March 5, 2021"},
    {0x0809, "en-GB", u"-1234.5", u"1,234,567.25", u"\u00A31,234.50", u"True", u"False", u"05/03/2021 14:07:09",
     u"05/03/2021 09:05:03", u"5 March 2021"},
    {0x0407, "de-DE", u"-1234,5", u"1.234.567,25", u"1.234,50 \u20AC", u"Wahr", u"Falsch", u"05.03.2021 14:07:09",
     u"05.03.2021 09:05:03", u"5. M\u00E4rz 2021"},
    {0x040C, "fr-FR", u"-1234,5", u"1\u202F234\u202F567,25", u"1\u00A0234,50 \u20AC", u"Vrai", u"Faux",
     u"05/03/2021 14:07:09", u"05/03/2021 09:05:03", u"5 mars 2021"},
    {0x0C0A, "es-ES", u"-1234,5", u"1.234.567,25", u"1.234,50 \u20AC", u"Verdadero", u"Falso", u"05/03/2021 14:07:09",
     u"05/03/2021 9:05:03", u"5 marzo 2021"},
    {0x0410, "it-IT", u"-1234,5", u"1.234.567,25", u"\u20AC 1.234,50", u"Vero", u"Falso", u"05/03/2021 14:07:09",
     u"05/03/2021 09:05:03", u"5 marzo 2021"},
    {0x0413, "nl-NL", u"-1234,5", u"1.234.567,25", u"\u20AC 1.234,50", u"Waar", u"Onwaar", u"5-3-2021 14:07:09",
     u"5-3-2021 09:05:03", u"5 maart 2021"},
    {0x0416, "pt-BR", u"-1234,5", u"1.234.567,25", u"R$ 1.234,50", u"Verdadeiro", u"Falso", u"05/03/2021 14:07:09",
     u"05/03/2021 09:05:03", u"5 mar\u00E7o 2021"},
    {0x0411, "ja-JP", u"-1234.5", u"1,234,567.25", u"\u00A51,234.50", u"True", u"False", u"2021/03/05 14:07:09",
     u"2021/03/05 9:05:03", nullptr},
    {0x0804, "zh-CN", u"-1234.5", u"1,234,567.25", u"\u00A51,234.50", u"\u771F", u"\u5047", u"2021/3/5 14:07:09",
     u"2021/3/5 9:05:03", nullptr},
    {0x0419, "ru-RU", u"-1234,5", u"1\u00A0234\u00A0567,25", u"1\u00A0234,50 \u20BD",
     u"\u0418\u0441\u0442\u0438\u043D\u0430", u"\u041B\u043E\u0436\u044C", u"05.03.2021 14:07:09",
     u"05.03.2021 9:05:03", u"5 \u043C\u0430\u0440\u0442\u0430 2021"},
};

class Locale : public ::testing::TestWithParam<locale_case> {};

TEST_P(Locale, NumbersUseItsDecimalSeparatorAndNoGrouping) {
  const locale_case& c = GetParam();
  BSTR b = nullptr;
  ASSERT_EQ(VarBstrFromR8(-1234.5, c.lcid, 0, &b), S_OK);
  EXPECT_EQ(str(b), c.real);
  SysFreeString(b);
  const std::u16string real = c.real;
  const char16_t sep = real[real.size() - 2];
  ASSERT_EQ(VarBstrFromR4(0.5f, c.lcid, 0, &b), S_OK);
  EXPECT_EQ(str(b), std::u16string(u"0") + sep + u"5");
  SysFreeString(b);
  // Currency and DECIMAL text: the separator, no symbol, no grouping.
  CY cy;
  cy.int64 = 12345000;
  ASSERT_EQ(VarBstrFromCy(cy, c.lcid, 0, &b), S_OK);
  EXPECT_EQ(str(b), std::u16string(u"1234") + sep + u"5");
  SysFreeString(b);
  DECIMAL d{};
  d.scale = 2;
  d.Lo64 = 123456;
  ASSERT_EQ(VarBstrFromDec(&d, c.lcid, 0, &b), S_OK);
  EXPECT_EQ(str(b), std::u16string(u"1234") + sep + u"56");
  SysFreeString(b);

  // Reading: the grouping and decimal separators, and the round trip.
  double r = 0;
  ASSERT_EQ(VarR8FromStr(ole(c.grouped), c.lcid, 0, &r), S_OK) << c.name;
  EXPECT_EQ(r, 1234567.25) << c.name;
  ASSERT_EQ(VarR8FromStr(ole(c.real), c.lcid, 0, &r), S_OK) << c.name;
  EXPECT_EQ(r, -1234.5) << c.name;
  DECIMAL dd{};
  ASSERT_EQ(VarDecFromStr(ole(c.grouped), c.lcid, 0, &dd), S_OK) << c.name;
  EXPECT_EQ(dd.Lo64, 123456725u);
  EXPECT_EQ(dd.scale, 2);
  LONG l = 0;
  ASSERT_EQ(VarI4FromStr(ole(c.grouped), c.lcid, 0, &l), S_OK) << c.name;
  EXPECT_EQ(l, 1234567);
}

TEST_P(Locale, CurrencyTextReadsWithItsSymbol) {
  const locale_case& c = GetParam();
  CY cy{};
  ASSERT_EQ(VarCyFromStr(ole(c.money), c.lcid, 0, &cy), S_OK) << c.name;
  EXPECT_EQ(cy.int64, 12345000) << c.name;
  double r = 0;
  ASSERT_EQ(VarR8FromStr(ole(c.money), c.lcid, 0, &r), S_OK) << c.name;
  EXPECT_EQ(r, 1234.5);
  // Another locale's symbol is not this one's.
  const char16_t* other = c.lcid == 0x0409 ? u"1234 \u20AC" : u"$1234";
  EXPECT_EQ(VarCyFromStr(ole(other), c.lcid, 0, &cy), DISP_E_TYPEMISMATCH) << c.name;
}

TEST_P(Locale, BooleansAreLocalOnlyWithVarLocalbool) {
  const locale_case& c = GetParam();
  BSTR b = nullptr;
  ASSERT_EQ(VarBstrFromBool(VARIANT_TRUE, c.lcid, VAR_LOCALBOOL, &b), S_OK);
  EXPECT_EQ(str(b), c.true_name);
  SysFreeString(b);
  ASSERT_EQ(VarBstrFromBool(VARIANT_FALSE, c.lcid, VAR_LOCALBOOL, &b), S_OK);
  EXPECT_EQ(str(b), c.false_name);
  SysFreeString(b);
  ASSERT_EQ(VarBstrFromBool(VARIANT_TRUE, c.lcid, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"True");
  SysFreeString(b);

  VARIANT_BOOL v = 7;
  ASSERT_EQ(VarBoolFromStr(ole(c.true_name), c.lcid, VAR_LOCALBOOL, &v), S_OK);
  EXPECT_EQ(v, VARIANT_TRUE);
  ASSERT_EQ(VarBoolFromStr(ole(c.false_name), c.lcid, VAR_LOCALBOOL, &v), S_OK);
  EXPECT_EQ(v, VARIANT_FALSE);
  // English is read everywhere.
  ASSERT_EQ(VarBoolFromStr(ole(u"FALSE"), c.lcid, VAR_LOCALBOOL, &v), S_OK);
  EXPECT_EQ(v, VARIANT_FALSE);
  if (std::u16string(c.true_name) != u"True") {
    EXPECT_EQ(VarBoolFromStr(ole(c.true_name), c.lcid, 0, &v), DISP_E_TYPEMISMATCH) << c.name;
  }

  // VariantChangeType: words only when asked, local only with LOCALBOOL.
  VARIANT src, dst;
  VariantInit(&src);
  VariantInit(&dst);
  src.vt = VT_BOOL;
  src.boolVal = VARIANT_TRUE;
  ASSERT_EQ(VariantChangeTypeEx(&dst, &src, c.lcid, VARIANT_LOCALBOOL, VT_BSTR), S_OK);
  EXPECT_EQ(str(dst.bstrVal), c.true_name);
  VariantClear(&dst);
  ASSERT_EQ(VariantChangeTypeEx(&dst, &src, c.lcid, VARIANT_ALPHABOOL, VT_BSTR), S_OK);
  EXPECT_EQ(str(dst.bstrVal), u"True");
  VariantClear(&dst);
  ASSERT_EQ(VariantChangeTypeEx(&dst, &src, c.lcid, 0, VT_BSTR), S_OK);
  EXPECT_EQ(str(dst.bstrVal), u"-1");
  VariantClear(&dst);
}

TEST_P(Locale, DatesWriteItsShortDateAndLongTime) {
  const locale_case& c = GetParam();
  BSTR b = nullptr;
  ASSERT_EQ(VarBstrFromDate(afternoon, c.lcid, 0, &b), S_OK);
  EXPECT_EQ(str(b), c.afternoon) << c.name;
  SysFreeString(b);
  ASSERT_EQ(VarBstrFromDate(morning, c.lcid, 0, &b), S_OK);
  EXPECT_EQ(str(b), c.morning) << c.name;
  SysFreeString(b);
  ASSERT_EQ(VarBstrFromDate(afternoon, c.lcid, VAR_DATEVALUEONLY, &b), S_OK);
  const std::u16string date_only = str(b);
  SysFreeString(b);
  EXPECT_EQ(date_only, std::u16string(c.afternoon).substr(0, date_only.size()));
  EXPECT_EQ(std::u16string(c.afternoon)[date_only.size()], u' ');
}

TEST_P(Locale, DatesReadInItsOrderAndNames) {
  const locale_case& c = GetParam();
  DATE d = 0;
  ASSERT_EQ(VarDateFromStr(ole(c.afternoon), c.lcid, 0, &d), S_OK) << c.name;
  EXPECT_NEAR(d, afternoon, 1e-9) << c.name;
  ASSERT_EQ(VarDateFromStr(ole(c.morning), c.lcid, 0, &d), S_OK) << c.name;
  EXPECT_NEAR(d, morning, 1e-9) << c.name;
  if (c.long_date) {
    ASSERT_EQ(VarDateFromStr(ole(c.long_date), c.lcid, 0, &d), S_OK) << c.name;
    EXPECT_EQ(d, march5) << c.name;
  }
  // The ISO form reads everywhere.
  ASSERT_EQ(VarDateFromStr(ole(u"2021-03-05"), c.lcid, 0, &d), S_OK) << c.name;
  EXPECT_EQ(d, march5);
  // Through VariantChangeType, both ways.
  VARIANT src, dst;
  VariantInit(&src);
  VariantInit(&dst);
  src.vt = VT_DATE;
  src.date = afternoon;
  ASSERT_EQ(VariantChangeTypeEx(&dst, &src, c.lcid, 0, VT_BSTR), S_OK);
  EXPECT_EQ(str(dst.bstrVal), c.afternoon);
  ASSERT_EQ(VariantChangeTypeEx(&src, &dst, c.lcid, 0, VT_DATE), S_OK);
  EXPECT_NEAR(src.date, afternoon, 1e-9);
  VariantClear(&dst);
}

INSTANTIATE_TEST_SUITE_P(Lcids, Locale, ::testing::ValuesIn(cases),
                         [](const ::testing::TestParamInfo<locale_case>& i) {
                           std::string n = i.param.name;
                           n.erase(n.find('-'), 1);
                           return n;
                         });

TEST(LocaleDates, DottedDatesAreDayFirstOnlyWhereTheLocaleWritesThem) {
  DATE d = 0;
  ASSERT_EQ(VarDateFromStr(ole(u"02.01.1970"), 0x0407, 0, &d), S_OK);
  EXPECT_EQ(d, 25570.0);  // 2 January
  ASSERT_EQ(VarDateFromStr(ole(u"02.13.1970"), 0x0407, 0, &d), S_OK);
  EXPECT_EQ(d, 25612.0);  // no 13th month: 13 February
  EXPECT_EQ(VarDateFromStr(ole(u"02.01.1970"), 0x0409, 0, &d), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VarDateFromStr(ole(u"02.01.1970"), 0x0C0A, 0, &d), DISP_E_TYPEMISMATCH);
  // Slashes follow the locale's order: day first in en-GB.
  ASSERT_EQ(VarDateFromStr(ole(u"02/01/1970"), 0x0809, 0, &d), S_OK);
  EXPECT_EQ(d, 25570.0);
  ASSERT_EQ(VarDateFromStr(ole(u"02/01/1970"), 0x0409, 0, &d), S_OK);
  EXPECT_EQ(d, 25600.0);  // 1 February
}

TEST(LocaleNumbers, GroupingSeparatorsAreTheLocales) {
  double r = 0;
  // In de-DE '.' groups, so "1.5" is fifteen; "1,5" is one and a half.
  ASSERT_EQ(VarR8FromStr(ole(u"1.5"), 0x0407, 0, &r), S_OK);
  EXPECT_EQ(r, 15.0);
  ASSERT_EQ(VarR8FromStr(ole(u"1,5"), 0x0407, 0, &r), S_OK);
  EXPECT_EQ(r, 1.5);
  // A French grouping space may be any of the three spaces, but only
  // between digits.
  ASSERT_EQ(VarR8FromStr(ole(u"1 234,5"), 0x040C, 0, &r), S_OK);
  EXPECT_EQ(r, 1234.5);
  ASSERT_EQ(VarR8FromStr(ole(u"1\u00A0234,5"), 0x040C, 0, &r), S_OK);
  EXPECT_EQ(r, 1234.5);
  ASSERT_EQ(VarR8FromStr(ole(u" 12,5 "), 0x040C, 0, &r), S_OK);
  EXPECT_EQ(r, 12.5);
  EXPECT_EQ(VarR8FromStr(ole(u"1 ,5"), 0x040C, 0, &r), DISP_E_TYPEMISMATCH);
  // VarParseNumFromStr reports the locale's symbols as NUMPRS flags.
  NUMPARSE np{};
  BYTE dig[32];
  np.cDig = 32;
  np.dwInFlags = NUMPRS_STD;
  ASSERT_EQ(VarParseNumFromStr(ole(u"1.234,5 \u20AC"), 0x0407, 0, &np, dig), S_OK);
  EXPECT_EQ(np.dwOutFlags & (NUMPRS_THOUSANDS | NUMPRS_DECIMAL | NUMPRS_CURRENCY),
            static_cast<ULONG>(NUMPRS_THOUSANDS | NUMPRS_DECIMAL | NUMPRS_CURRENCY));
  EXPECT_EQ(np.cDig, 5);
  EXPECT_EQ(np.nPwr10, -1);
  EXPECT_EQ(np.cchUsed, 9);
}

TEST(LocaleDefault, UserDefaultFollowsTheProcessLocale) {
  BSTR b = nullptr;
  ASSERT_EQ(VarBstrFromR8(1.5, LOCALE_USER_DEFAULT, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"1.5");  // "C": en-US
  SysFreeString(b);
  // The build generates de_DE.UTF-8 under COMKIT_TEST_LOCPATH when Debian's
  // locale sources are there (./dev test installs them).
  setenv("LOCPATH", COMKIT_TEST_LOCPATH, 1);
  const bool have_de = std::setlocale(LC_NUMERIC, "de_DE.UTF-8") != nullptr;
  unsetenv("LOCPATH");
  if (!have_de) GTEST_SKIP() << "de_DE.UTF-8 is neither installed nor generated";
  ASSERT_EQ(VarBstrFromR8(1.5, LOCALE_USER_DEFAULT, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"1,5");
  SysFreeString(b);
  ASSERT_EQ(VarBstrFromR8(1.5, 0x0409, 0, &b), S_OK);  // an explicit LCID is still itself
  EXPECT_EQ(str(b), u"1.5");
  SysFreeString(b);
  std::setlocale(LC_NUMERIC, "C");
}

}  // namespace
