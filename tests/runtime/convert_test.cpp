// tests/runtime/convert_test.cpp - the VarXxxFromYyy matrix,
// VariantChangeType, the DATE functions and DECIMAL/CY arithmetic, against
// Windows' observed results (values from its documented behaviour and the
// conformance record of native oleaut32).
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <utility>
#include <limits>
#include <string>

namespace {

std::u16string str(BSTR b) { return b ? std::u16string(reinterpret_cast<const char16_t*>(b), SysStringLen(b)) : u"<null>"; }

DECIMAL make_dec(BYTE scale, BYTE sign, ULONG hi, ULONGLONG lo) {
  DECIMAL d{};
  d.scale = scale;
  d.sign = sign;
  d.Hi32 = hi;
  d.Lo64 = lo;
  return d;
}

CY cy(double v) {
  CY c;
  c.int64 = static_cast<LONGLONG>(std::llround(v * 10000));
  return c;
}

// ---- Rounding and range -----------------------------------------------------

TEST(Convert, FloatToIntegerRoundsHalfToEvenThenChecksTheRange) {
  BYTE b = 7;
  EXPECT_EQ(VarUI1FromR8(-0.5, &b), S_OK);
  EXPECT_EQ(b, 0);
  EXPECT_EQ(VarUI1FromR8(-0.51, &b), DISP_E_OVERFLOW);
  EXPECT_EQ(VarUI1FromR8(255.5, &b), DISP_E_OVERFLOW);
  EXPECT_EQ(VarUI1FromR8(255.49, &b), S_OK);
  EXPECT_EQ(b, 255);
  CHAR c = 0;
  EXPECT_EQ(VarI1FromR8(-128.5, &c), S_OK);
  EXPECT_EQ(c, -128);
  EXPECT_EQ(VarI1FromR8(127.5, &c), DISP_E_OVERFLOW);
  LONG l = 0;
  EXPECT_EQ(VarI4FromR8(2147483647.5, &l), DISP_E_OVERFLOW);
  EXPECT_EQ(VarI4FromR8(-2147483648.5, &l), S_OK);
  EXPECT_EQ(l, std::numeric_limits<LONG>::min());
  for (auto [in, want] : {std::pair{0.5, 0}, {1.5, 2}, {2.5, 2}, {-1.5, -2}, {-0.5, 0}, {0.6, 1}, {-0.6, -1}}) {
    EXPECT_EQ(VarI4FromR8(in, &l), S_OK);
    EXPECT_EQ(l, want) << in;
  }
  EXPECT_EQ(VarI4FromR8(std::numeric_limits<double>::infinity(), &l), DISP_E_OVERFLOW);
  ULONG u = 0;
  EXPECT_EQ(VarUI4FromR8(4294967295.5, &u), DISP_E_OVERFLOW);
  SHORT s = 0;
  EXPECT_EQ(VarI2FromCy(cy(1.5), &s), S_OK);
  EXPECT_EQ(s, 2);
  EXPECT_EQ(VarI2FromCy(cy(-0.5), &s), S_OK);
  EXPECT_EQ(s, 0);
  EXPECT_EQ(VarUI1FromI2(-1, &b), DISP_E_OVERFLOW);
  EXPECT_EQ(VarI1FromUI1(128, &c), DISP_E_OVERFLOW);
  EXPECT_EQ(VarUI4FromI8(4294967296LL, &u), DISP_E_OVERFLOW);
  EXPECT_EQ(VarI4FromR8(1.0, nullptr), E_INVALIDARG);
}

TEST(Convert, BoolPassesItsBitsThrough) {
  BYTE b;
  USHORT us;
  ULONG ul;
  ULONG64 ull;
  CHAR c;
  DOUBLE d;
  CY c4;
  DECIMAL dec;
  EXPECT_EQ(VarUI1FromBool(VARIANT_TRUE, &b), S_OK);
  EXPECT_EQ(b, 255);
  EXPECT_EQ(VarUI2FromBool(VARIANT_TRUE, &us), S_OK);
  EXPECT_EQ(us, 65535);
  EXPECT_EQ(VarUI4FromBool(VARIANT_TRUE, &ul), S_OK);
  EXPECT_EQ(ul, 0xFFFFFFFFu);
  EXPECT_EQ(VarUI8FromBool(VARIANT_TRUE, &ull), S_OK);
  EXPECT_EQ(ull, ~0ULL);
  EXPECT_EQ(VarI1FromBool(-129, &c), S_OK);
  EXPECT_EQ(c, 127);
  EXPECT_EQ(VarR8FromBool(VARIANT_TRUE, &d), S_OK);
  EXPECT_EQ(d, -1.0);
  EXPECT_EQ(VarCyFromBool(VARIANT_TRUE, &c4), S_OK);
  EXPECT_EQ(c4.int64, -10000);
  EXPECT_EQ(VarDecFromBool(1, &dec), S_OK);  // any non-zero is -1
  EXPECT_EQ(dec.sign, DECIMAL_NEG);
  EXPECT_EQ(dec.Lo64, 1u);
  VARIANT_BOOL v = 0;
  EXPECT_EQ(VarBoolFromR8(0.4, &v), S_OK);
  EXPECT_EQ(v, VARIANT_TRUE);
  EXPECT_EQ(VarBoolFromI4(0, &v), S_OK);
  EXPECT_EQ(v, VARIANT_FALSE);
}

TEST(Convert, WindowsQuirksAreKept) {
  LONG64 i8 = 0;
  EXPECT_EQ(VarI8FromCy(cy(-1.0), &i8), S_OK);
  EXPECT_EQ(i8, -2);  // truncate, then - 1
  EXPECT_EQ(VarI8FromCy(cy(-0.4), &i8), S_OK);
  EXPECT_EQ(i8, -1);
  EXPECT_EQ(VarI8FromCy(cy(-128.0), &i8), S_OK);
  EXPECT_EQ(i8, -129);
  EXPECT_EQ(VarI8FromCy(cy(1.5), &i8), S_OK);
  EXPECT_EQ(i8, 2);
  CY c;
  EXPECT_EQ(VarCyFromI8(922337203685476LL, &c), S_OK);
  EXPECT_EQ(VarCyFromI8(922337203685477LL, &c), DISP_E_OVERFLOW);
  EXPECT_EQ(VarCyFromUI8(922337203685477ULL, &c), S_OK);
  EXPECT_EQ(VarCyFromUI8(922337203685478ULL, &c), DISP_E_OVERFLOW);
  ULONG64 u8 = 0;
  DECIMAL minus_one = make_dec(0, DECIMAL_NEG, 0, 1);
  EXPECT_EQ(VarUI8FromDec(&minus_one, &u8), S_OK);  // the magnitude
  EXPECT_EQ(u8, 1u);
  DECIMAL minus_one_00 = make_dec(2, DECIMAL_NEG, 0, 100);
  EXPECT_EQ(VarUI8FromDec(&minus_one_00, &u8), DISP_E_OVERFLOW);
}

TEST(Convert, MalformedDecimalIsInvalidArg) {
  DECIMAL bad_scale = make_dec(29, 0, 0, 1), bad_sign = make_dec(0, 0x40, 0, 1);
  LONG l;
  DOUBLE d;
  CY c;
  VARIANT_BOOL b;
  EXPECT_EQ(VarI4FromDec(&bad_scale, &l), E_INVALIDARG);
  EXPECT_EQ(VarR8FromDec(&bad_sign, &d), E_INVALIDARG);
  EXPECT_EQ(VarCyFromDec(&bad_scale, &c), E_INVALIDARG);
  EXPECT_EQ(VarBoolFromDec(&bad_sign, &b), E_INVALIDARG);
  DECIMAL big = make_dec(0, 0, 1, 0);
  EXPECT_EQ(VarR8FromDec(&big, &d), S_OK);
  EXPECT_EQ(d, 18446744073709551616.0);
  DECIMAL scaled = make_dec(2, 0, 0, 999);
  EXPECT_EQ(VarCyFromDec(&scaled, &c), S_OK);
  EXPECT_EQ(c.int64, 99900);
}

TEST(Convert, DecimalFromFloatingPointKeepsItsSignificantDigits) {
  DECIMAL d;
  EXPECT_EQ(VarDecFromR4(0.6f, &d), S_OK);  // not 0.60000002384
  EXPECT_EQ(d.scale, 1);
  EXPECT_EQ(d.Lo64, 6u);
  EXPECT_EQ(VarDecFromR8(-0.5, &d), S_OK);
  EXPECT_EQ(d.scale, 1);
  EXPECT_EQ(d.sign, DECIMAL_NEG);
  EXPECT_EQ(d.Lo64, 5u);
  EXPECT_EQ(VarDecFromCy(cy(1.0), &d), S_OK);
  EXPECT_EQ(d.scale, 4);
  EXPECT_EQ(d.Lo64, 10000u);
}

// ---- Text ---------------------------------------------------------------------------

// A DECIMAL's wReserved is the VARIANT's vt: code that sets VT_DECIMAL first
// and then fills &V_DECIMAL(&v) must keep its type, with every writer.
TEST(Convert, DecimalWritersLeaveTheVariantTypeAlone) {
  DECIMAL one{}, two{};
  ASSERT_EQ(VarDecFromI4(1, &one), S_OK);
  ASSERT_EQ(VarDecFromI4(2, &two), S_OK);
  CY cy;
  cy.int64 = 25000;
  const std::pair<const char*, std::function<HRESULT(DECIMAL*)>> writers[] = {
      {"VarDecFromUI1", [](DECIMAL* d) { return VarDecFromUI1(7, d); }},
      {"VarDecFromI2", [](DECIMAL* d) { return VarDecFromI2(-7, d); }},
      {"VarDecFromI4", [](DECIMAL* d) { return VarDecFromI4(7, d); }},
      {"VarDecFromI8", [](DECIMAL* d) { return VarDecFromI8(7, d); }},
      {"VarDecFromI1", [](DECIMAL* d) { return VarDecFromI1(7, d); }},
      {"VarDecFromUI2", [](DECIMAL* d) { return VarDecFromUI2(7, d); }},
      {"VarDecFromUI4", [](DECIMAL* d) { return VarDecFromUI4(7, d); }},
      {"VarDecFromUI8", [](DECIMAL* d) { return VarDecFromUI8(7, d); }},
      {"VarDecFromR4", [](DECIMAL* d) { return VarDecFromR4(1.5f, d); }},
      {"VarDecFromR8", [](DECIMAL* d) { return VarDecFromR8(1.25, d); }},
      {"VarDecFromDate", [](DECIMAL* d) { return VarDecFromDate(2.5, d); }},
      {"VarDecFromCy", [&](DECIMAL* d) { return VarDecFromCy(cy, d); }},
      {"VarDecFromBool", [](DECIMAL* d) { return VarDecFromBool(VARIANT_TRUE, d); }},
      {"VarDecFromStr", [](DECIMAL* d) { return VarDecFromStr(u"12.5", 0x409, 0, d); }},
      {"VarDecAdd", [&](DECIMAL* d) { return VarDecAdd(&one, &two, d); }},
      {"VarDecSub", [&](DECIMAL* d) { return VarDecSub(&one, &two, d); }},
      {"VarDecMul", [&](DECIMAL* d) { return VarDecMul(&one, &two, d); }},
      {"VarDecDiv", [&](DECIMAL* d) { return VarDecDiv(&one, &two, d); }},
      {"VarDecRound", [&](DECIMAL* d) { return VarDecRound(&one, 0, d); }},
      {"VarDecFix", [&](DECIMAL* d) { return VarDecFix(&one, d); }},
      {"VarDecInt", [&](DECIMAL* d) { return VarDecInt(&one, d); }},
      {"VarDecNeg", [&](DECIMAL* d) { return VarDecNeg(&one, d); }},
      {"VarDecAbs", [&](DECIMAL* d) { return VarDecAbs(&one, d); }},
  };
  for (const auto& [name, write] : writers) {
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_DECIMAL;
    ASSERT_EQ(write(&V_DECIMAL(&v)), S_OK) << name;
    EXPECT_EQ(V_VT(&v), VT_DECIMAL) << name;
    // And the value is really there: compare with the same writer into a
    // fresh DECIMAL.
    DECIMAL expected{};
    ASSERT_EQ(write(&expected), S_OK) << name;
    EXPECT_EQ(VarDecCmp(&V_DECIMAL(&v), &expected), VARCMP_EQ) << name;
    EXPECT_EQ(VariantClear(&v), S_OK) << name;
  }
}

TEST(ConvertText, ParsingFollowsNumprsStd) {
  LONG l = 99;
  EXPECT_EQ(VarI4FromStr(nullptr, 0x409, 0, &l), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VarI4FromStr(const_cast<LPOLESTR>(u""), 0x409, 0, &l), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VarI4FromStr(const_cast<LPOLESTR>(u"   "), 0x409, 0, &l), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VarI4FromStr(const_cast<LPOLESTR>(u"0x10"), 0x409, 0, &l), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VarI4FromStr(const_cast<LPOLESTR>(u"12abc"), 0x409, 0, &l), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(l, 99);  // untouched on failure
  struct {
    const char16_t* text;
    LONG value;
  } ok[] = {{u" 42 ", 42},      {u"-7", -7},   {u"5-", -5},     {u"(5)", -5},     {u"$1,234", 1234},
            {u"1,,000", 1000}, {u"2.5", 2},   {u"1.5", 2},     {u"1e3", 1000},   {u"&H10", 16},
            {u"&o17", 15},     {u"+ 3", 3},   {u"$11$$", 11},  {u"-$11", -11},   {u"1.5e1", 15}};
  for (const auto& c : ok) {
    EXPECT_EQ(VarI4FromStr(const_cast<LPOLESTR>(c.text), 0x409, 0, &l), S_OK) << std::string(c.text, c.text + std::char_traits<char16_t>::length(c.text));
    EXPECT_EQ(l, c.value);
  }
  SHORT s;
  EXPECT_EQ(VarI2FromStr(const_cast<LPOLESTR>(u"&HFFFF"), 0x409, 0, &s), S_OK);  // fills the bits
  EXPECT_EQ(s, -1);
  BYTE b;
  EXPECT_EQ(VarUI1FromStr(const_cast<LPOLESTR>(u"256"), 0x409, 0, &b), DISP_E_OVERFLOW);
  EXPECT_EQ(VarUI1FromStr(const_cast<LPOLESTR>(u"-0.5"), 0x409, 0, &b), S_OK);
  EXPECT_EQ(b, 0);
  DOUBLE d;
  EXPECT_EQ(VarR8FromStr(const_cast<LPOLESTR>(u"1e-94938484"), 0x409, 0, &d), S_OK);
  EXPECT_EQ(d, 0.0);
  EXPECT_EQ(VarR8FromStr(const_cast<LPOLESTR>(u"$1,234.5"), LOCALE_USER_DEFAULT, 0, &d), S_OK);
  EXPECT_EQ(d, 1234.5);
  ULONG64 u8;
  EXPECT_EQ(VarUI8FromStr(const_cast<LPOLESTR>(u"18446744073709551615"), 0x409, 0, &u8), S_OK);
  EXPECT_EQ(VarUI8FromStr(const_cast<LPOLESTR>(u"18446744073709551616"), 0x409, 0, &u8), DISP_E_OVERFLOW);
  DECIMAL dec;
  EXPECT_EQ(VarDecFromStr(const_cast<LPOLESTR>(u"18446744073709551616.0"), 0x409, 0, &dec), S_OK);
  EXPECT_EQ(dec.Hi32, 1u);
  EXPECT_EQ(dec.scale, 0);
  CY c;
  EXPECT_EQ(VarCyFromStr(const_cast<LPOLESTR>(u"1.00005"), 0x409, 0, &c), S_OK);
  EXPECT_EQ(c.int64, 10000);  // half to even at the 4th decimal
}

TEST(ConvertText, BooleanWords) {
  VARIANT_BOOL b = 5;
  EXPECT_EQ(VarBoolFromStr(const_cast<LPOLESTR>(u"#TRUE#"), 0x409, 0, &b), S_OK);
  EXPECT_EQ(b, VARIANT_TRUE);
  EXPECT_EQ(VarBoolFromStr(const_cast<LPOLESTR>(u"#False#"), 0x409, 0, &b), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VarBoolFromStr(const_cast<LPOLESTR>(u"fAlSe"), 0x409, 0, &b), S_OK);
  EXPECT_EQ(b, VARIANT_FALSE);
  EXPECT_EQ(VarBoolFromStr(const_cast<LPOLESTR>(u"Yes"), 0x409, 0xffffffff, &b), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VarBoolFromStr(const_cast<LPOLESTR>(u"0.1"), 0x409, 0, &b), S_OK);
  EXPECT_EQ(b, VARIANT_TRUE);
  EXPECT_EQ(VarBoolFromStr(nullptr, 0x409, 0, &b), DISP_E_TYPEMISMATCH);
}

TEST(ConvertText, RealsFormatWithFifteenOrSevenDigits) {
  struct {
    double v;
    const char16_t* text;
  } r8[] = {{0.56789, u"0.56789"},
            {5.6789e-5, u"0.000056789"},
            {5.6789e-11, u"0.000000000056789"},
            {5.6789e-12, u"5.6789E-12"},
            {1e14, u"100000000000000"},
            {999999999999999.0, u"999999999999999"},
            {1e15, u"1E+15"},
            {1.2e15, u"1.2E+15"},
            {3.14159265359, u"3.14159265359"},
            {M_PI, u"3.14159265358979"},
            {12.345678901234567, u"12.3456789012346"},
            {-0.0, u"0"},
            {-42.25, u"-42.25"}};
  for (const auto& c : r8) {
    BSTR b = nullptr;
    ASSERT_EQ(VarBstrFromR8(c.v, 0x409, 0, &b), S_OK);
    EXPECT_EQ(str(b), c.text) << c.v;
    SysFreeString(b);
  }
  struct {
    float v;
    const char16_t* text;
  } r4[] = {{654322.23456f, u"654322.3"}, {0.000005f, u"0.000005"}, {1e8f, u"1E+08"}, {3.14159265f, u"3.141593"}, {1234.56789f, u"1234.568"}};
  for (const auto& c : r4) {
    BSTR b = nullptr;
    ASSERT_EQ(VarBstrFromR4(c.v, 0x409, 0, &b), S_OK);
    EXPECT_EQ(str(b), c.text) << c.v;
    SysFreeString(b);
  }
  BSTR b = nullptr;
  ASSERT_EQ(VarBstrFromCy(cy(1.5), 0x409, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"1.5");
  SysFreeString(b);
  CY max;
  max.int64 = std::numeric_limits<LONGLONG>::max();
  ASSERT_EQ(VarBstrFromCy(max, 0x409, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"922337203685477.5807");
  SysFreeString(b);
  DECIMAL d = make_dec(28, 0, 0xffffffff, ~0ULL);
  ASSERT_EQ(VarBstrFromDec(&d, 0x409, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"7.9228162514264337593543950335");
  SysFreeString(b);
  d = make_dec(7, 0, 0, 9000);
  ASSERT_EQ(VarBstrFromDec(&d, 0x409, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"0.0009");
  SysFreeString(b);
  ASSERT_EQ(VarBstrFromBool(VARIANT_TRUE, 0x409, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"True");
  SysFreeString(b);
  ASSERT_EQ(VarBstrFromI4(std::numeric_limits<LONG>::min(), 0x409, 0, &b), S_OK);
  EXPECT_EQ(str(b), u"-2147483648");
  SysFreeString(b);
}

TEST(ConvertText, DatesFormatAsEnUs) {
  struct {
    double v;
    const char16_t* text;
  } cases[] = {{0.0, u"12:00:00 AM"},
               {3.34, u"1/2/1900 8:09:36 AM"},
               {365.0, u"12/30/1900"},
               {365.25, u"12/30/1900 6:00:00 AM"},
               {1461.5, u"12/31/1903 12:00:00 PM"},
               {-49192.24, u"4/24/1765 5:45:36 AM"},
               {-657434.0, u"1/1/100"},
               {2958465.0, u"12/31/9999"},
               {0.25, u"6:00:00 AM"}};
  for (const auto& c : cases) {
    BSTR b = nullptr;
    ASSERT_EQ(VarBstrFromDate(c.v, 0x409, LOCALE_NOUSEROVERRIDE, &b), S_OK) << c.v;
    EXPECT_EQ(str(b), c.text) << c.v;
    SysFreeString(b);
  }
  BSTR b = nullptr;
  ASSERT_EQ(VarBstrFromDate(25570.0, 0x409, LOCALE_USE_NLS, &b), S_OK);
  EXPECT_EQ(str(b), u"1/2/1970 12:00:00 AM");
  SysFreeString(b);
  DATE d = 0;
  EXPECT_EQ(VarDateFromStr(const_cast<LPOLESTR>(u"1/2/1970"), 0x409, 0, &d), S_OK);
  EXPECT_EQ(d, 25570.0);
  EXPECT_EQ(VarDateFromStr(const_cast<LPOLESTR>(u"12/31/1903 12:00:00 PM"), 0x409, 0, &d), S_OK);
  EXPECT_EQ(d, 1461.5);
  EXPECT_EQ(VarDateFromStr(const_cast<LPOLESTR>(u"6:00:00 AM"), 0x409, 0, &d), S_OK);
  EXPECT_EQ(d, 0.25);
  EXPECT_EQ(VarDateFromStr(const_cast<LPOLESTR>(u"January 2, 1970"), 0x409, 0, &d), S_OK);
  EXPECT_EQ(d, 25570.0);
  EXPECT_EQ(VarDateFromStr(const_cast<LPOLESTR>(u"1970-01-02"), 0x409, 0, &d), S_OK);
  EXPECT_EQ(d, 25570.0);
  EXPECT_EQ(VarDateFromStr(const_cast<LPOLESTR>(u"2/30/2001"), 0x409, 0, &d), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VarDateFromStr(nullptr, 0x409, 0, &d), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VarDateFromStr(const_cast<LPOLESTR>(u"tomorrow"), 0x409, 0, &d), DISP_E_TYPEMISMATCH);
}

// ---- VariantChangeType ---------------------------------------------------------------

TEST(VariantChangeType, SpecialSourcesFollowWindowsTable) {
  VARIANT src, dst;
  VariantInit(&src);
  VariantInit(&dst);
  ASSERT_EQ(VariantChangeType(&dst, &src, 0, VT_BSTR), S_OK);  // EMPTY -> "" (not NULL)
  EXPECT_EQ(dst.vt, VT_BSTR);
  ASSERT_NE(dst.bstrVal, nullptr);
  EXPECT_EQ(SysStringLen(dst.bstrVal), 0u);
  VariantClear(&dst);
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_I4), S_OK);
  EXPECT_EQ(dst.lVal, 0);
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_NULL), S_OK);
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_DISPATCH), DISP_E_TYPEMISMATCH);
  src.vt = VT_NULL;
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_EMPTY), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_I4), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_NULL), S_OK);
  src.vt = VT_ERROR;
  src.scode = E_FAIL;
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_I4), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_ERROR), S_OK);
  src.vt = VT_I4;
  src.lVal = 1;
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_CLSID), DISP_E_BADVARTYPE);
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, 0x3847), DISP_E_BADVARTYPE);
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_UNKNOWN), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_I4 | VT_BYREF), DISP_E_TYPEMISMATCH);
}

TEST(VariantChangeType, ConversionsAndFlags) {
  VARIANT src, dst;
  VariantInit(&dst);
  src.vt = VT_I1;
  src.cVal = -1;
  ASSERT_EQ(VariantChangeType(&dst, &src, 0, VT_UI1), S_OK);  // no range check here
  EXPECT_EQ(dst.bVal, 255);
  src.vt = VT_UINT;
  src.uintVal = 0xFFFFFFFF;
  ASSERT_EQ(VariantChangeType(&dst, &src, 0, VT_I4), S_OK);
  EXPECT_EQ(dst.lVal, -1);
  src.vt = VT_R8;
  src.dblVal = 2.5;
  ASSERT_EQ(VariantChangeType(&dst, &src, 0, VT_INT), S_OK);
  EXPECT_EQ(dst.vt, VT_INT);  // not VT_I4
  EXPECT_EQ(dst.intVal, 2);
  src.vt = VT_BOOL;
  src.boolVal = VARIANT_TRUE;
  ASSERT_EQ(VariantChangeType(&dst, &src, 0, VT_BSTR), S_OK);
  EXPECT_EQ(str(dst.bstrVal), u"-1");
  VariantClear(&dst);
  ASSERT_EQ(VariantChangeType(&dst, &src, VARIANT_ALPHABOOL, VT_BSTR), S_OK);
  EXPECT_EQ(str(dst.bstrVal), u"True");
  VariantClear(&dst);
  src.vt = VT_I4;
  src.lVal = 300;
  dst.vt = VT_I2;
  dst.iVal = 5;
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_UI1), DISP_E_OVERFLOW);
  EXPECT_EQ(dst.vt, VT_I2);  // untouched
  EXPECT_EQ(dst.iVal, 5);
  ASSERT_EQ(VariantChangeType(&dst, &src, 0, VT_R8), S_OK);
  EXPECT_EQ(dst.dblVal, 300.0);
  ASSERT_EQ(VariantChangeType(&dst, &src, 0, VT_DECIMAL), S_OK);
  EXPECT_EQ(dst.vt, VT_DECIMAL);
  EXPECT_EQ(dst.decVal.Lo64, 300u);
  // In place: BSTR to I4 frees the string.
  VARIANT v;
  v.vt = VT_BSTR;
  v.bstrVal = SysAllocString(u" 1,234 ");
  ASSERT_EQ(VariantChangeType(&v, &v, 0, VT_I4), S_OK);
  EXPECT_EQ(v.vt, VT_I4);
  EXPECT_EQ(v.lVal, 1234);
  // A failed in-place change keeps the source.
  v.vt = VT_BSTR;
  v.bstrVal = SysAllocString(u"test");
  BSTR kept = v.bstrVal;
  EXPECT_EQ(VariantChangeType(&v, &v, 0, VT_INT), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(v.bstrVal, kept);
  VariantClear(&v);
  // By reference: dereferenced first.
  LONG l = 77;
  src.vt = VT_I4 | VT_BYREF;
  src.plVal = &l;
  ASSERT_EQ(VariantChangeType(&dst, &src, 0, VT_BSTR), S_OK);
  EXPECT_EQ(str(dst.bstrVal), u"77");
  VariantClear(&dst);
  src.vt = VT_VARIANT | VT_BYREF;
  src.pvarVal = nullptr;
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_I4), DISP_E_TYPEMISMATCH);
  // A destination that cannot be cleared.
  src.vt = VT_I4;
  src.lVal = 1;
  dst.vt = 0xff;
  EXPECT_EQ(VariantChangeType(&dst, &src, 0, VT_I2), DISP_E_BADVARTYPE);
  EXPECT_EQ(dst.vt, 0xff);
}

// ---- DATE ------------------------------------------------------------------------------

TEST(DateFunctions, BreakdownRoundsToTheSecondAndHandlesNegativeDates) {
  UDATE u;
  ASSERT_EQ(VarUdateFromDate(29221.7508765432, 0, &u), S_OK);  // 18:01:15.733
  EXPECT_EQ(u.st.wYear, 1980);
  EXPECT_EQ(u.st.wHour, 18);
  EXPECT_EQ(u.st.wMinute, 1);
  EXPECT_EQ(u.st.wSecond, 16);
  EXPECT_EQ(u.st.wMilliseconds, 0);
  EXPECT_EQ(u.st.wDayOfWeek, 2);
  EXPECT_EQ(u.wDayOfYear, 1);
  ASSERT_EQ(VarUdateFromDate(-5.25, 0, &u), S_OK);  // 25 Dec 1899 06:00
  EXPECT_EQ(u.st.wDay, 25);
  EXPECT_EQ(u.st.wHour, 6);
  EXPECT_EQ(u.st.wDayOfWeek, 1);
  EXPECT_EQ(u.wDayOfYear, 359);
  ASSERT_EQ(VarUdateFromDate(0.0, 0, &u), S_OK);
  EXPECT_EQ(u.st.wDayOfWeek, 6);
  EXPECT_EQ(VarUdateFromDate(-657435.0, 0, &u), E_INVALIDARG);
  EXPECT_EQ(VarUdateFromDate(2958466.0, VAR_VALIDDATE, &u), E_INVALIDARG);
  ASSERT_EQ(VarUdateFromDate(-657434.0, 0, &u), S_OK);
  EXPECT_EQ(u.st.wYear, 100);
  EXPECT_EQ(u.st.wDayOfWeek, 5);
}

TEST(DateFunctions, UdateFieldsAreNormalised) {
  auto date_of = [](int y, int m, int d, int h = 0, int mi = 0, int s = 0, ULONG flags = 0) {
    UDATE u{};
    u.st.wYear = static_cast<WORD>(y);
    u.st.wMonth = static_cast<WORD>(m);
    u.st.wDay = static_cast<WORD>(d);
    u.st.wHour = static_cast<WORD>(h);
    u.st.wMinute = static_cast<WORD>(mi);
    u.st.wSecond = static_cast<WORD>(s);
    u.st.wMilliseconds = 999;  // ignored
    DATE out = -1e9;
    HRESULT hr = VarDateFromUdate(&u, flags, &out);
    return hr == S_OK ? out : -1e9;
  };
  EXPECT_EQ(date_of(1980, 1, 1), 29221.0);
  EXPECT_EQ(date_of(1980, 13, 1), 29587.0);   // 1 Jan 1981
  EXPECT_EQ(date_of(1980, 0, 0), 29189.0);    // 30 Nov 1979
  EXPECT_EQ(date_of(1980, 1, 0), 29220.0);    // 31 Dec 1979
  EXPECT_EQ(date_of(1982, -23, 1), 29221.0);  // 1 Jan 1980
  EXPECT_EQ(date_of(1980, 3, -59), 29221.0);
  EXPECT_EQ(date_of(0, 1, 1), 36526.0);       // year 0 is 2000
  EXPECT_NEAR(date_of(1899, 12, 25, 6), -5.25, 1e-12);  // the time is subtracted below zero
  EXPECT_NEAR(date_of(1899, 12, 25, 6, 0, 0, VAR_TIMEVALUEONLY), 0.25, 1e-12);
  EXPECT_EQ(date_of(1899, 12, 25, 6, 0, 0, VAR_DATEVALUEONLY), -5.0);
  EXPECT_NEAR(date_of(1980, 1, 0, 42, 1, 16), 29221.0 + (18 * 3600 + 76) / 86400.0, 1e-9);
  EXPECT_EQ(date_of(10000, 1, 1), -1e9);  // E_INVALIDARG
  EXPECT_EQ(date_of(100, 1, 1), -657434.0);
  EXPECT_EQ(date_of(9999, 12, 31), 2958465.0);
}

TEST(DateFunctions, SystemTimeAndDosTime) {
  SYSTEMTIME st{};
  st.wYear = 1980;
  st.wMonth = 1;
  st.wDay = 1;
  double d = 0;
  EXPECT_EQ(SystemTimeToVariantTime(&st, &d), TRUE);
  EXPECT_EQ(d, 29221.0);
  st.wDay = 0;
  EXPECT_EQ(SystemTimeToVariantTime(&st, &d), TRUE);
  EXPECT_EQ(d, 29220.0);
  st.wMonth = 13;
  st.wDay = 1;
  EXPECT_EQ(SystemTimeToVariantTime(&st, &d), FALSE);
  st.wMonth = 1;
  st.wDay = 32;
  EXPECT_EQ(SystemTimeToVariantTime(&st, &d), FALSE);
  st.wDay = 1;
  st.wYear = 30;  // two-digit years 0..49 are 2000..2049
  EXPECT_EQ(SystemTimeToVariantTime(&st, &d), TRUE);
  EXPECT_EQ(d, 47484.0);
  st.wYear = 50;
  EXPECT_EQ(SystemTimeToVariantTime(&st, &d), TRUE);
  EXPECT_EQ(d, 18264.0);
  EXPECT_EQ(VariantTimeToSystemTime(29222.0, &st), TRUE);
  EXPECT_EQ(st.wDay, 2);
  EXPECT_EQ(VariantTimeToSystemTime(-657435.0, &st), FALSE);

  auto dos_date = [](int y, int m, int dd) { return static_cast<USHORT>(((y - 1980) << 9) | (m << 5) | dd); };
  auto dos_time = [](int h, int mi, int s2) { return static_cast<USHORT>((h << 11) | (mi << 5) | s2); };
  EXPECT_EQ(DosDateTimeToVariantTime(dos_date(1980, 1, 1), 0, &d), TRUE);
  EXPECT_EQ(d, 29221.0);
  EXPECT_EQ(DosDateTimeToVariantTime(dos_date(2099, 12, 31), 0, &d), TRUE);
  EXPECT_EQ(d, 73050.0);
  EXPECT_EQ(DosDateTimeToVariantTime(dos_date(2100, 12, 31), 0, &d), FALSE);
  EXPECT_EQ(DosDateTimeToVariantTime(dos_date(1980, 13, 1), 0, &d), FALSE);
  EXPECT_EQ(DosDateTimeToVariantTime(dos_date(1980, 1, 1), dos_time(24, 0, 0), &d), FALSE);
  EXPECT_EQ(DosDateTimeToVariantTime(dos_date(1980, 1, 1), dos_time(0, 0, 30), &d), FALSE);
  EXPECT_EQ(DosDateTimeToVariantTime(dos_date(1980, 0, 1), 0, &d), TRUE);  // month 0: December 1979
  EXPECT_EQ(d, 29190.0);
  EXPECT_EQ(DosDateTimeToVariantTime(dos_date(1981, 2, 29), 0, &d), TRUE);
  EXPECT_EQ(d, 29646.0);
  USHORT dd = 0, tt = 0;
  EXPECT_EQ(VariantTimeToDosDateTime(29221.00032407407, &dd, &tt), TRUE);  // 27.99 s: 28 s
  EXPECT_EQ(tt & 0x1f, 14);
  EXPECT_EQ(VariantTimeToDosDateTime(29220.0, &dd, &tt), FALSE);
  EXPECT_EQ(VariantTimeToDosDateTime(73415.0, &dd, &tt), FALSE);
}

// ---- DECIMAL and CY arithmetic ----------------------------------------------------------

TEST(DecimalArithmetic, ScalesRoundingAndOverflow) {
  DECIMAL a = make_dec(2, 0, 0, 100), b = make_dec(0, 0, 0, 1), r;
  ASSERT_EQ(VarDecAdd(&a, &b, &r), S_OK);  // 1.00 + 1 = 2.00
  EXPECT_EQ(r.scale, 2);
  EXPECT_EQ(r.Lo64, 200u);
  DECIMAL max = make_dec(0, 0, 0xffffffff, ~0ULL);
  EXPECT_EQ(VarDecAdd(&max, &b, &r), DISP_E_OVERFLOW);
  DECIMAL max1 = make_dec(1, 0, 0xffffffff, ~0ULL), tenth = make_dec(1, 0, 0, 1);
  ASSERT_EQ(VarDecAdd(&max1, &tenth, &r), S_OK);  // ...033.5 + 0.1: scale 0, ...034
  EXPECT_EQ(r.scale, 0);
  EXPECT_EQ(r.Lo64, 0x999999999999999AULL);
  EXPECT_EQ(r.Hi32, 0x19999999u);

  DECIMAL p = make_dec(4, 0, 0, 5), q = make_dec(3, 0, 0, 2);
  ASSERT_EQ(VarDecMul(&p, &q, &r), S_OK);  // (4,5) x (3,2) = (7,10)
  EXPECT_EQ(r.scale, 7);
  EXPECT_EQ(r.Lo64, 10u);
  DECIMAL big = make_dec(0, 0, 0, ~0ULL), twenty_billion = make_dec(0, 0, 0, 20000000000ULL);
  EXPECT_EQ(VarDecMul(&big, &twenty_billion, &r), DISP_E_OVERFLOW);

  DECIMAL two = make_dec(0, 0, 0, 2), three = make_dec(0, 0, 0, 3), zero = make_dec(0, 0, 0, 0);
  ASSERT_EQ(VarDecDiv(&two, &three, &r), S_OK);
  BSTR text = nullptr;
  VarBstrFromDec(&r, 0x409, 0, &text);
  EXPECT_EQ(str(text), u"0.6666666666666666666666666667");
  SysFreeString(text);
  EXPECT_EQ(VarDecDiv(&two, &zero, &r), DISP_E_DIVBYZERO);
  EXPECT_EQ(VarDecDiv(&zero, &zero, &r), DISP_E_DIVBYZERO);
  DECIMAL fortyfive = make_dec(0, 0, 0, 45), nine_tenths = make_dec(1, 0, 0, 9);
  ASSERT_EQ(VarDecDiv(&fortyfive, &nine_tenths, &r), S_OK);
  EXPECT_EQ(r.scale, 0);
  EXPECT_EQ(r.Lo64, 50u);

  DECIMAL neg_zero = make_dec(0, DECIMAL_NEG, 0, 0);
  EXPECT_EQ(VarDecCmp(&neg_zero, &zero), VARCMP_EQ);
  EXPECT_EQ(VarDecCmp(&two, &three), VARCMP_LT);
  EXPECT_EQ(VarDecCmpR8(&two, 0.1), VARCMP_GT);
  ASSERT_EQ(VarDecNeg(&zero, &r), S_OK);
  EXPECT_EQ(r.sign, DECIMAL_NEG);

  DECIMAL x = make_dec(2, 0, 0, 155);  // 1.55
  ASSERT_EQ(VarDecRound(&x, 1, &r), S_OK);
  EXPECT_EQ(r.Lo64, 16u);
  ASSERT_EQ(VarDecRound(&b, 3, &r), S_OK);  // no scale is added
  EXPECT_EQ(r.scale, 0);
  DECIMAL minus_tenth = make_dec(1, DECIMAL_NEG, 0, 1);
  ASSERT_EQ(VarDecRound(&minus_tenth, 0, &r), S_OK);
  EXPECT_EQ(r.sign, DECIMAL_NEG);
  EXPECT_EQ(r.Lo64, 0u);
  EXPECT_EQ(VarDecRound(&x, -1, &r), E_INVALIDARG);
  DECIMAL m15 = make_dec(1, DECIMAL_NEG, 0, 15);
  ASSERT_EQ(VarDecFix(&m15, &r), S_OK);
  EXPECT_EQ(r.Lo64, 1u);
  ASSERT_EQ(VarDecInt(&m15, &r), S_OK);
  EXPECT_EQ(r.Lo64, 2u);
  EXPECT_EQ(r.sign, DECIMAL_NEG);
}

TEST(CurrencyArithmetic, ExactWithOverflowAndBankersRounding) {
  CY r;
  ASSERT_EQ(VarCyAdd(cy(0.5), cy(-0.6), &r), S_OK);
  EXPECT_EQ(r.int64, -1000);
  CY big;
  big.int64 = 922337203685476LL * 10000;
  EXPECT_EQ(VarCyAdd(big, big, &r), DISP_E_OVERFLOW);
  ASSERT_EQ(VarCyMul(cy(0.5), cy(-0.4), &r), S_OK);
  EXPECT_EQ(r.int64, -2000);
  EXPECT_EQ(VarCyMulI4(big, 2, &r), DISP_E_OVERFLOW);
  ASSERT_EQ(VarCyMulI8(cy(0.5), 2, &r), S_OK);
  EXPECT_EQ(r.int64, 10000);
  ASSERT_EQ(VarCyFix(cy(-1.9999), &r), S_OK);
  EXPECT_EQ(r.int64, -10000);
  ASSERT_EQ(VarCyInt(cy(-1.0001), &r), S_OK);
  EXPECT_EQ(r.int64, -20000);
  ASSERT_EQ(VarCyInt(cy(-0.0001), &r), S_OK);
  EXPECT_EQ(r.int64, -10000);
  ASSERT_EQ(VarCyRound(cy(0.5), 0, &r), S_OK);
  EXPECT_EQ(r.int64, 0);
  ASSERT_EQ(VarCyRound(cy(1.5), 0, &r), S_OK);
  EXPECT_EQ(r.int64, 20000);
  ASSERT_EQ(VarCyRound(cy(0.5568), 2, &r), S_OK);
  EXPECT_EQ(r.int64, 5600);
  EXPECT_EQ(VarCyRound(cy(1), -1, &r), E_INVALIDARG);
  EXPECT_EQ(VarCyCmp(cy(-1), cy(0)), VARCMP_LT);
  EXPECT_EQ(VarCyCmpR8(cy(1), 1.0), VARCMP_EQ);
  double d;
  ASSERT_EQ(VarR8Round(0.5, 0, &d), S_OK);
  EXPECT_EQ(d, 0.0);
  ASSERT_EQ(VarR8Round(-1.5, 0, &d), S_OK);
  EXPECT_EQ(d, -2.0);
  EXPECT_EQ(VarR8Round(1.0, -1, &d), E_INVALIDARG);
  EXPECT_EQ(VarR4CmpR8(1.0f, 1.5), VARCMP_LT);
}

TEST(VarCmp, NullNumbersAndStrings) {
  VARIANT a, b;
  VariantInit(&a);
  VariantInit(&b);
  a.vt = VT_NULL;
  b.vt = VT_I4;
  b.lVal = 1;
  EXPECT_EQ(VarCmp(&a, &b, 0x409, 0), VARCMP_NULL);
  a.vt = VT_R4;
  a.fltVal = 1.0f;
  b.vt = VT_R8;
  b.dblVal = 1.0 + 1e-8;
  EXPECT_EQ(VarCmp(&a, &b, 0x409, 0), VARCMP_EQ);  // at R4 precision
  a.vt = VT_R8;
  a.dblVal = 1.0 + 1e-8;
  b.dblVal = 1.0;
  EXPECT_EQ(VarCmp(&a, &b, 0x409, 0), VARCMP_GT);
  a.vt = VT_BSTR;
  a.bstrVal = SysAllocString(u"0");
  b.vt = VT_UI1;
  b.bVal = 0;
  EXPECT_EQ(VarCmp(&a, &b, 0x409, 0), VARCMP_GT);  // a string beats a number
  EXPECT_EQ(VarCmp(&b, &a, 0x409, 0), VARCMP_LT);
  VARIANT e;
  VariantInit(&e);
  VARIANT empty_str;
  empty_str.vt = VT_BSTR;
  empty_str.bstrVal = nullptr;  // NULL BSTR equals ""
  EXPECT_EQ(VarCmp(&e, &empty_str, 0x409, 0), VARCMP_EQ);
  VARIANT upper;
  upper.vt = VT_BSTR;
  upper.bstrVal = SysAllocString(u"0");
  EXPECT_EQ(VarCmp(&a, &upper, 0x409, 0), VARCMP_EQ);
  SysFreeString(upper.bstrVal);
  upper.bstrVal = SysAllocString(u"A");
  VARIANT lower;
  lower.vt = VT_BSTR;
  lower.bstrVal = SysAllocString(u"a");
  EXPECT_EQ(VarCmp(&lower, &upper, 0x409, 0), VARCMP_LT);
  EXPECT_EQ(VarCmp(&lower, &upper, 0x409, 1 /* NORM_IGNORECASE */), VARCMP_EQ);
  VariantClear(&a);
  VariantClear(&upper);
  VariantClear(&lower);
  a.vt = VT_UNKNOWN;
  a.punkVal = nullptr;
  EXPECT_EQ(VarCmp(&a, &b, 0x409, 0), DISP_E_TYPEMISMATCH);
  a.vt = 15;
  EXPECT_EQ(VarCmp(&a, &b, 0x409, 0), DISP_E_BADVARTYPE);
  DECIMAL d{};
  d.scale = 20;
  d.Lo64 = 100000000000000000ULL;  // 1 + 1e-20 needs more: use 1e-20 + ...
  d.Hi32 = 0;
  a.decVal = d;
  a.vt = VT_DECIMAL;
  b.vt = VT_R8;
  b.dblVal = 0.001;
  EXPECT_EQ(VarCmp(&a, &b, 0x409, 0), VARCMP_EQ);
}

}  // namespace
