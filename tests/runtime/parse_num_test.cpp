// tests/runtime/parse_num_test.cpp - VarParseNumFromStr and
// VarNumFromParseNum against the results Windows gives (en-US): which
// NUMPRS_* features are read and reported, cchUsed, digits without leading
// and trailing zeros, nPwr10, hex and octal, and the type VarNumFromParseNum
// picks from VTBIT_* with half-to-even rounding.
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <cstring>
#include <initializer_list>
#include <vector>

namespace {

constexpr ULONG LW = NUMPRS_LEADING_WHITE, TW = NUMPRS_TRAILING_WHITE, LP = NUMPRS_LEADING_PLUS, TP = NUMPRS_TRAILING_PLUS,
                LM = NUMPRS_LEADING_MINUS, TM = NUMPRS_TRAILING_MINUS, HO = NUMPRS_HEX_OCT, PA = NUMPRS_PARENS,
                DE = NUMPRS_DECIMAL, TH = NUMPRS_THOUSANDS, CU = NUMPRS_CURRENCY, EX = NUMPRS_EXPONENT, UA = NUMPRS_USE_ALL,
                NEG = NUMPRS_NEG, INEXACT = NUMPRS_INEXACT;

struct parse_case {
  const char16_t* text;
  ULONG in;
  HRESULT hr;
  int digits;  // cDig out
  ULONG out;
  int used, shift, pwr10;
  std::vector<int> rgb;  // the first digits; -1 for "not written"
  int room = 128;
};

void check(const parse_case& c) {
  NUMPARSE np;
  std::memset(&np, 0xFF, sizeof np);
  np.cDig = c.room;
  np.dwInFlags = c.in;
  BYTE rgb[128];
  std::memset(rgb, 255, sizeof rgb);
  const HRESULT hr = VarParseNumFromStr(reinterpret_cast<const OLECHAR*>(c.text), 0x409, LOCALE_NOUSEROVERRIDE, &np, rgb);
  const std::string what = "\"" + std::string(c.text, c.text + std::char_traits<char16_t>::length(c.text)) + "\"";
  ASSERT_EQ(hr, c.hr) << what;
  if (FAILED(hr)) return;
  EXPECT_EQ(np.cDig, c.digits) << what;
  EXPECT_EQ(np.dwInFlags, c.in) << what;
  EXPECT_EQ(np.dwOutFlags, c.out) << what;
  EXPECT_EQ(np.cchUsed, c.used) << what;
  EXPECT_EQ(np.nBaseShift, c.shift) << what;
  EXPECT_EQ(np.nPwr10, c.pwr10) << what;
  for (std::size_t k = 0; k < c.rgb.size(); ++k) EXPECT_EQ(c.rgb[k] < 0 ? 255 : c.rgb[k], rgb[k]) << what << " digit " << k;
}

const HRESULT FAIL = DISP_E_TYPEMISMATCH;

TEST(VarParseNumFromStr, DigitsAndZeros) {
  for (const parse_case& c : std::initializer_list<parse_case>{
           {u"", 0, FAIL, 0, 0, 0, 0, 0, {}},
           {u"7", 0, S_OK, 1, 0, 1, 0, 0, {7, -1}},
           {u"10", 0, S_OK, 1, 0, 2, 0, 1, {1}},
           {u"11", 0, S_OK, 1, INEXACT, 2, 0, 1, {1, -1}, 1},
           {u"10", 0, S_OK, 1, 0, 2, 0, 1, {1, -1}, 1},
           {u"01", 0, S_OK, 1, 0, 2, 0, 0, {1, -1}},
           {u"01", 0, S_OK, 1, 0, 2, 0, 0, {1, -1}, 1},
           {u"a", 0, FAIL, 0, 0, 0, 0, 0, {}},
           {u"\u0660", NUMPRS_STD, FAIL, 0, 0, 0, 0, 0, {}},
       })
    check(c);
}

TEST(VarParseNumFromStr, WhiteSpaceSignsAndParens) {
  for (const parse_case& c : std::initializer_list<parse_case>{
           {u" 0", 0, FAIL, 0, 0, 0, 0, 0, {}},
           {u" 0", LW, S_OK, 1, LW, 2, 0, 0, {0, -1}},
           {u"\u00a00", LW, S_OK, 1, LW, 2, 0, 0, {0}},
           {u"\t0", LW, S_OK, 1, LW, 2, 0, 0, {0}},
           {u"\v0", LW, S_OK, 1, LW, 2, 0, 0, {0}},
           {u"0 ", 0, S_OK, 1, 0, 1, 0, 0, {0}},
           {u"0 ", TW, S_OK, 1, TW, 2, 0, 0, {0}},
           {u" 0 ", LW, S_OK, 1, LW, 2, 0, 0, {0}},
           {u" 0 ", LW | TW, S_OK, 1, LW | TW, 3, 0, 0, {0}},
           {u"0 ", UA, FAIL, 0, 0, 0, 0, 0, {}},
           {u"0 ", UA | TW, S_OK, 1, TW, 2, 0, 0, {0}},
           {u"+0", 0, FAIL, 0, 0, 0, 0, 0, {}},
           {u"-0", 0, FAIL, 0, 0, 0, 0, 0, {}},
           {u"+0", LP, S_OK, 1, LP, 2, 0, 0, {0}},
           {u"-0", LM, S_OK, 1, NEG | LM, 2, 0, 0, {0}},
           {u"0+", 0, S_OK, 1, 0, 1, 0, 0, {0}},
           {u"0-", 0, S_OK, 1, 0, 1, 0, 0, {0}},
           {u"0+", TP, S_OK, 1, TP, 2, 0, 0, {0}},
           {u"0-", TM, S_OK, 1, NEG | TM, 2, 0, 0, {0}},
           {u"+0+", LP | TP, S_OK, 1, LP, 2, 0, 0, {0}},
           {u"-0-", LM | TM, S_OK, 1, NEG | LM, 2, 0, 0, {0}},
           {u"()", PA, FAIL, 0, 0, 0, 0, 0, {}},
           {u"0()", PA, S_OK, 1, 0, 1, 0, 0, {0}},
           {u"(0)", PA, S_OK, 1, NEG | PA, 3, 0, 0, {0}},
           {u"(1", PA, FAIL, 0, 0, 0, 0, 0, {}},
           {u"+ 0 ", LP | LW, S_OK, 1, LP | LW, 3, 0, 0, {0}},
           {u" +0", LP | LW, S_OK, 1, LP | LW, 3, 0, 0, {0}},
           {u" + 0", LP | LW, S_OK, 1, LP | LW, 4, 0, 0, {0}},
           {u"+ +0", LP | LW, FAIL, 0, 0, 0, 0, 0, {}},
       })
    check(c);
}

TEST(VarParseNumFromStr, HexAndOctal) {
  for (const parse_case& c : std::initializer_list<parse_case>{
           {u"0", HO, S_OK, 1, 0, 1, 0, 0, {0, -1}},
           {u"0h", HO, S_OK, 1, 0, 1, 0, 0, {0}},
           {u"0x", HO, S_OK, 1, 0, 1, 0, 0, {0}},
           {u"0x0", HO, S_OK, 1, 0, 1, 0, 0, {0}},
           {u"FE", HO, FAIL, 0, 0, 0, 0, 0, {}},
           {u"0100", HO, S_OK, 1, 0, 4, 0, 2, {1}},
           {u"&HF800", HO, S_OK, 4, HO, 6, 4, 0, {15, 8, 0, 0, -1}},
           {u"&h0abcdef", HO, S_OK, 6, HO, 9, 4, 0, {10, 11, 12, 13, 14, 15, -1}},
           {u"&O300", HO, S_OK, 3, HO, 5, 3, 0, {3, 0, 0, -1}},
           {u"&o0777", HO, S_OK, 3, HO, 6, 3, 0, {7, 7, 7, -1}},
           {u"&o128", HO, S_OK, 2, HO, 4, 3, 0, {1, 2}},
           {u"&ha.2", HO | DE, S_OK, 1, HO, 3, 4, 0, {10, -1}},
           {u"01.2", HO | DE, S_OK, 2, DE, 4, 0, -1, {1, 2}},
           {u"&h1,000", HO | TH, S_OK, 1, HO, 3, 4, 0, {1, -1}},
           {u"&o1e1", HO | EX, S_OK, 1, HO, 3, 3, 0, {1, -1}},
           {u"&h1e2", HO | EX, S_OK, 3, HO, 5, 4, 0, {1, 14, 2}},
           {u"$&ha", HO | CU, FAIL, 0, 0, 0, 0, 0, {}},
           {u"&ha$", HO | CU, S_OK, 1, HO, 3, 4, 0, {10}},
       })
    check(c);
}

TEST(VarParseNumFromStr, ThousandsAndCurrency) {
  for (const parse_case& c : std::initializer_list<parse_case>{
           {u"0", TH, S_OK, 1, 0, 1, 0, 0, {0}},
           {u"1,000", 0, S_OK, 1, 0, 1, 0, 0, {1, -1}},
           {u"1,000", TH, S_OK, 1, TH, 5, 0, 3, {1}},
           {u"1,001.0", TH, S_OK, 4, TH, 5, 0, 0, {1, 0, 0, 1, -1}},
           {u"1,,000", TH, S_OK, 1, TH, 6, 0, 3, {1}},
           {u"1,00,0,,", TH, S_OK, 1, TH, 8, 0, 3, {1}},
           {u",1,000", TH, FAIL, 0, 0, 0, 0, 0, {}},
           {u"1,", TH, S_OK, 1, TH, 2, 0, 0, {1, -1}},
           {u"$11", 0, FAIL, 0, 0, 0, 0, 0, {}},
           {u"11", CU, S_OK, 2, 0, 2, 0, 0, {1, 1, -1}},
           {u"$", CU, FAIL, 0, 0, 0, 0, 0, {}},
           {u"$11", CU, S_OK, 2, CU, 3, 0, 0, {1, 1, -1}},
           {u"$$11", CU, FAIL, 0, 0, 0, 0, 0, {}},
           {u"$11$$", CU | UA, S_OK, 2, CU, 5, 0, 0, {1, 1}},
           {u"1\u00a3", CU | UA, FAIL, 0, 0, 0, 0, 0, {}},
           {u"$-11", CU | LM, S_OK, 2, CU | LM | NEG, 4, 0, 0, {1, 1}},
           {u"-$11", CU | LM, S_OK, 2, CU | LM | NEG, 4, 0, 0, {1, 1}},
           {u"$ 11", CU | UA, FAIL, 0, 0, 0, 0, 0, {}},
           {u"$ 11", CU | LW, S_OK, 2, CU | LW, 4, 0, 0, {1, 1}},
           {u"11 $", CU | UA, FAIL, 0, 0, 0, 0, 0, {}},
           {u"11 $", CU | TW | UA, S_OK, 2, CU | TW, 4, 0, 0, {1, 1}},
           {u"$11.1", CU, S_OK, 2, CU, 3, 0, 0, {1, 1, -1}},
           {u"$11.1", CU | DE, S_OK, 3, CU | DE, 5, 0, -1, {1, 1, 1, -1}},
           {u"1$99", CU | DE, S_OK, 1, CU, 2, 0, 0, {1, -1}},
           {u"$1,234", CU | TH, S_OK, 4, CU | TH, 6, 0, 0, {1, 2, 3, 4, -1}},
           {u"$1,234.5", CU | TH | DE, S_OK, 5, CU | TH | DE, 8, 0, -1, {1, 2, 3, 4, 5, -1}},
           {u"$.02", CU | DE, S_OK, 1, CU | DE, 4, 0, -2, {2, -1}},
       })
    check(c);
}

TEST(VarParseNumFromStr, DecimalPointAndExponent) {
  for (const parse_case& c : std::initializer_list<parse_case>{
           {u"1.1", DE, S_OK, 2, DE, 3, 0, -1, {1, 1, -1}},
           {u"1.", DE, S_OK, 1, DE, 2, 0, 0, {1, -1}},
           {u".2", DE, S_OK, 1, DE, 2, 0, -1, {2, -1}},
           {u".0", DE, S_OK, 1, DE, 2, 0, -1, {0, -1}},
           {u".000", DE, S_OK, 1, DE, 4, 0, -3, {0}},
           {u".001", DE, S_OK, 1, DE, 4, 0, -3, {1, -1}},
           {u".101", DE, S_OK, 3, DE, 4, 0, -3, {1, 0, 1, -1}},
           {u".30", DE, S_OK, 1, DE, 3, 0, -1, {3}},
           {u".", DE, FAIL, 0, 0, 0, 0, 0, {}},
           {u"1.1.", DE, S_OK, 2, DE, 3, 0, -1, {1, 1}},
           {u"1..1", DE, S_OK, 1, DE, 2, 0, 0, {1, -1}},
           {u"-0.51", NUMPRS_STD, S_OK, 2, NEG | DE | LM, 5, 0, -2, {5, 1}},
           {u"10.1", NUMPRS_STD, S_OK, 3, DE, 4, 0, -1, {1, 0, 1}},
           {u"0.01", NUMPRS_STD, S_OK, 1, DE, 4, 0, -2, {1, -1}},
           {u"0.10", NUMPRS_STD, S_OK, 1, DE, 4, 0, -1, {1}},
           {u"1e1", 0, S_OK, 1, 0, 1, 0, 0, {1}},
           {u"1e1", EX, S_OK, 1, EX, 3, 0, 1, {1}},
           {u"1e-1", EX, S_OK, 1, EX, 4, 0, -1, {1}},
           {u"1e+01", EX, S_OK, 1, EX, 5, 0, 1, {1}},
           {u"1e0", EX, S_OK, 1, EX, 3, 0, 0, {1}},
           {u"1e+0", EX, S_OK, 1, EX, 4, 0, 0, {1}},
           {u"1e-0", EX, S_OK, 1, EX, 4, 0, 0, {1}},
           {u"1e1.", EX, S_OK, 1, EX, 3, 0, 1, {1}},
           {u"1.5e20", EX | DE, S_OK, 2, EX | DE, 6, 0, 19, {1, 5}},
           {u"1.5e-20", EX | DE, S_OK, 2, EX | DE, 7, 0, -21, {1, 5}},
           {u"1 e1", EX | TW, S_OK, 1, TW, 2, 0, 0, {1}},
           {u"1 e1", EX | TW | UA, FAIL, 0, 0, 0, 0, 0, {}},
       })
    check(c);
}

TEST(VarParseNumFromStr, BadArguments) {
  NUMPARSE np{};
  np.cDig = 8;
  BYTE rgb[8];
  EXPECT_EQ(VarParseNumFromStr(nullptr, 0x409, 0, &np, rgb), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VarParseNumFromStr(u"1", 0x409, 0, nullptr, rgb), E_INVALIDARG);
  EXPECT_EQ(VarParseNumFromStr(u"1", 0x409, 0, &np, nullptr), E_INVALIDARG);
}

// ---- VarNumFromParseNum -------------------------------------------------------------

struct number {
  std::vector<BYTE> digits;
  ULONG flags = 0;
  int shift = 0, pwr10 = 0;
};

HRESULT from_parse(const number& n, ULONG bits, VARIANT& out) {
  NUMPARSE np{};
  np.cDig = static_cast<INT>(n.digits.size());
  np.dwOutFlags = n.flags;
  np.nBaseShift = n.shift;
  np.nPwr10 = n.pwr10;
  std::vector<BYTE> rgb = n.digits;
  VariantInit(&out);
  return VarNumFromParseNum(&np, rgb.data(), bits, &out);
}

constexpr ULONG all_ints = VTBIT_I1 | VTBIT_UI1 | VTBIT_I2 | VTBIT_UI2 | VTBIT_I4 | VTBIT_UI4 | VTBIT_I8 | VTBIT_UI8;

TEST(VarNumFromParseNum, SmallestIntegerTypeSignedFirst) {
  struct row {
    number n;
    ULONG bits;
    VARTYPE vt;
    LONG64 value;
  };
  const row rows[] = {
      {{{1}}, VTBIT_I1, VT_I1, 1},
      {{{1}}, VTBIT_UI1, VT_UI1, 1},
      {{{1}}, VTBIT_I1 | VTBIT_UI1, VT_I1, 1},
      {{{1}}, VTBIT_I2 | VTBIT_UI1, VT_UI1, 1},
      {{{1, 2, 7}}, all_ints, VT_I1, 127},
      {{{1, 2, 8}}, all_ints, VT_UI1, 128},
      {{{2, 5, 5}}, all_ints, VT_UI1, 255},
      {{{2, 5, 6}}, all_ints, VT_I2, 256},
      {{{3, 2, 7, 6, 7}}, all_ints, VT_I2, 32767},
      {{{3, 2, 7, 6, 8}}, all_ints, VT_UI2, 32768},
      {{{1, 2, 8}, NUMPRS_NEG}, all_ints, VT_I1, -128},
      {{{1, 2, 9}, NUMPRS_NEG}, all_ints, VT_I2, -129},
      {{{3, 2, 7, 6, 8}, NUMPRS_NEG}, all_ints, VT_I2, -32768},
      {{{3, 2, 7, 6, 9}, NUMPRS_NEG}, all_ints, VT_I4, -32769},
      {{{1}, 0, 0, 3}, all_ints, VT_I2, 1000},
      {{{5}, 0, 0, -1}, VTBIT_I4, VT_I4, 0},    // 0.5 to even
      {{{1, 5}, 0, 0, -1}, VTBIT_I4, VT_I4, 2},  // 1.5
      {{{2, 5}, 0, 0, -1}, VTBIT_I4, VT_I4, 2},  // 2.5
      {{{6}, NUMPRS_NEG, 0, -1}, VTBIT_I4, VT_I4, -1},
      {{{5}, NUMPRS_NEG, 0, -1}, VTBIT_UI1, VT_UI1, 0},  // rounds first, then the range
  };
  for (const row& r : rows) {
    VARIANT v;
    ASSERT_EQ(from_parse(r.n, r.bits, v), S_OK) << (&r - rows);
    EXPECT_EQ(v.vt, r.vt) << (&r - rows);
    LONG64 got = 0;
    switch (v.vt) {
      case VT_I1: got = v.cVal; break;
      case VT_UI1: got = v.bVal; break;
      case VT_I2: got = v.iVal; break;
      case VT_UI2: got = v.uiVal; break;
      case VT_I4: got = v.lVal; break;
      default: got = v.llVal; break;
    }
    EXPECT_EQ(got, r.value) << (&r - rows);
  }
  VARIANT v;
  EXPECT_EQ(from_parse({{1}, NUMPRS_NEG}, VTBIT_UI1, v), DISP_E_OVERFLOW);
  EXPECT_EQ(from_parse({{6}, NUMPRS_NEG, 0, -1}, VTBIT_UI1, v), DISP_E_OVERFLOW);
  EXPECT_EQ(from_parse({{1, 2, 8}}, VTBIT_I1, v), DISP_E_OVERFLOW);
}

TEST(VarNumFromParseNum, FloatsCurrencyDecimalAndUnderflow) {
  VARIANT v;
  ASSERT_EQ(from_parse({{1}}, VTBIT_R4, v), S_OK);
  EXPECT_EQ(v.vt, VT_R4);
  EXPECT_EQ(v.fltVal, 1.0f);
  ASSERT_EQ(from_parse({{1}}, VTBIT_R8, v), S_OK);
  EXPECT_EQ(v.vt, VT_R8);
  ASSERT_EQ(from_parse({{1}}, VTBIT_CY, v), S_OK);
  EXPECT_EQ(v.vt, VT_CY);
  EXPECT_EQ(v.cyVal.int64, 10000);
  ASSERT_EQ(from_parse({{1}}, VTBIT_R4 | VTBIT_R8, v), S_OK);
  EXPECT_EQ(v.vt, VT_R4);
  ASSERT_EQ(from_parse({{1}}, VTBIT_R8 | VTBIT_CY, v), S_OK);
  EXPECT_EQ(v.vt, VT_R8);
  ASSERT_EQ(from_parse({{1}}, VTBIT_CY | VTBIT_DECIMAL, v), S_OK);
  EXPECT_EQ(v.vt, VT_CY);
  ASSERT_EQ(from_parse({{1, 5}, NUMPRS_NEG, 0, -1}, VTBIT_DECIMAL, v), S_OK);
  EXPECT_EQ(v.vt, VT_DECIMAL);
  EXPECT_EQ(v.decVal.Lo64, 15u);
  EXPECT_EQ(v.decVal.scale, 1);
  EXPECT_EQ(v.decVal.sign, DECIMAL_NEG);
  ASSERT_EQ(from_parse({{0}, 0, 0, -8}, VTBIT_R8, v), S_OK);
  EXPECT_EQ(v.dblVal, 0.0);
  for (ULONG bits : {ULONG{VTBIT_R4}, ULONG{VTBIT_R8}, ULONG{VTBIT_CY}}) {
    ASSERT_EQ(from_parse({{1}, 0, 0, -94938484}, bits, v), S_OK);  // underflow is zero, not an error
    EXPECT_EQ(v.llVal, 0);
  }
  ASSERT_EQ(from_parse({{1, 5}, 0, 0, -1}, VTBIT_I4 | VTBIT_R8, v), S_OK);
  EXPECT_EQ(v.vt, VT_R8);  // a fraction prefers the floating types
  EXPECT_EQ(v.dblVal, 1.5);
  ASSERT_EQ(from_parse({{1}, 0, 0, 12}, VTBIT_I4 | VTBIT_R8, v), S_OK);
  EXPECT_EQ(v.vt, VT_R8);  // too big for I4
  EXPECT_EQ(from_parse({{1}, 0, 0, 400}, VTBIT_R8, v), DISP_E_OVERFLOW);
}

TEST(VarNumFromParseNum, HexFillsTheBits) {
  VARIANT v;
  ASSERT_EQ(from_parse({{7, 15}, 0, 4}, all_ints, v), S_OK);
  EXPECT_EQ(v.vt, VT_I1);
  EXPECT_EQ(v.cVal, 0x7f);
  ASSERT_EQ(from_parse({{8, 2}, 0, 4}, all_ints, v), S_OK);
  EXPECT_EQ(v.vt, VT_I1);
  EXPECT_EQ(v.cVal, -126);
  ASSERT_EQ(from_parse({{8, 0, 0, 2}, 0, 4}, VTBIT_I2, v), S_OK);
  EXPECT_EQ(v.vt, VT_I2);
  EXPECT_EQ(v.iVal, static_cast<SHORT>(0x8002));
  ASSERT_EQ(from_parse({{7, 15, 15, 15}, 0, 4}, all_ints, v), S_OK);
  EXPECT_EQ(v.vt, VT_I2);
  ASSERT_EQ(from_parse({{8, 0, 0, 0, 0, 0, 0, 2}, 0, 4}, all_ints, v), S_OK);
  EXPECT_EQ(v.vt, VT_I4);
  EXPECT_EQ(v.lVal, static_cast<LONG>(0x80000002u));
  ASSERT_EQ(from_parse({{8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 0, 4}, VTBIT_I8, v), S_OK);
  EXPECT_EQ(v.vt, VT_I8);
  EXPECT_EQ(static_cast<ULONG64>(v.llVal), 0x8000000000000002ull);
  ASSERT_EQ(from_parse({{7, 15}, 0, 4}, VTBIT_DECIMAL, v), S_OK);
  EXPECT_EQ(v.vt, VT_DECIMAL);
  EXPECT_EQ(v.decVal.Lo32, 0x7fu);
  ASSERT_EQ(from_parse({{3, 7, 7}, 0, 3}, VTBIT_I4, v), S_OK);  // &O377
  EXPECT_EQ(v.vt, VT_I4);
  EXPECT_EQ(v.lVal, 255);
  ASSERT_EQ(from_parse({{15, 15, 15, 15}, 0, 4}, VTBIT_I2, v), S_OK);  // &HFFFF is -1 in 16 bits
  EXPECT_EQ(v.iVal, -1);
  EXPECT_EQ(from_parse({{1, 0, 0, 0, 0}, 0, 4}, VTBIT_I2, v), DISP_E_OVERFLOW);  // 17 bits
}

TEST(VarNumFromParseNum, RoundTripThroughTheParser) {
  // What VarI1FromStr does, in two steps.
  struct row {
    const char16_t* text;
    HRESULT hr;
    int value;
  };
  const row rows[] = {{u"-1.5", S_OK, -2}, {u"-0.6", S_OK, -1}, {u"-0.5", S_OK, 0}, {u"-0.4", S_OK, 0}, {u"0.4", S_OK, 0},
                      {u"0.5", S_OK, 0},   {u"0.6", S_OK, 1},   {u"1.5", S_OK, 2},  {u"-129", DISP_E_OVERFLOW, 0},
                      {u"128", DISP_E_OVERFLOW, 0}};
  for (const row& r : rows) {
    NUMPARSE np{};
    np.cDig = 30;
    np.dwInFlags = NUMPRS_STD;
    BYTE rgb[30];
    ASSERT_EQ(VarParseNumFromStr(reinterpret_cast<const OLECHAR*>(r.text), 0x409, 0, &np, rgb), S_OK);
    VARIANT v;
    VariantInit(&v);
    ASSERT_EQ(VarNumFromParseNum(&np, rgb, VTBIT_I1, &v), r.hr) << (&r - rows);
    if (SUCCEEDED(r.hr)) {
      EXPECT_EQ(v.cVal, r.value) << (&r - rows);
    }
  }
  double d = 0;
  ASSERT_EQ(VarR8Pow(2.0, 10.0, &d), S_OK);
  EXPECT_EQ(d, 1024.0);
  EXPECT_EQ(VarR8Pow(2.0, 10.0, nullptr), E_INVALIDARG);
}

}  // namespace
