// tests/runtime/var_arith_test.cpp - VarAdd ... VarCat: result types,
// promotion on overflow, NULL and EMPTY rules, zero divisors and the
// error codes, with the values Windows gives (docs/automation.md).
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstring>
#include <string>

namespace {

// ---- building operands --------------------------------------------------------------

VARIANT empty() {
  VARIANT v;
  VariantInit(&v);
  return v;
}
// A scalar VARIANT: the value's bytes at offset 8, as the ABI lays them out.
template <typename T>
VARIANT scalar(VARTYPE vt, T x) {
  VARIANT v = empty();
  std::memcpy(&v.llVal, &x, sizeof x);
  v.vt = vt;
  return v;
}
VARIANT null() { return scalar<LONG>(VT_NULL, 0); }
VARIANT ui1(BYTE x) { return scalar(VT_UI1, x); }
VARIANT i1(signed char x) { return scalar(VT_I1, x); }
VARIANT i2(SHORT x) { return scalar(VT_I2, x); }
VARIANT ui2(USHORT x) { return scalar(VT_UI2, x); }
VARIANT i4(LONG x, VARTYPE vt = VT_I4) { return scalar(vt, x); }
VARIANT ui4(ULONG x, VARTYPE vt = VT_UI4) { return scalar(vt, x); }
VARIANT i8(LONG64 x) { return scalar(VT_I8, x); }
VARIANT ui8(ULONG64 x) { return scalar(VT_UI8, x); }
VARIANT r4(float x) { return scalar(VT_R4, x); }
VARIANT r8(double x, VARTYPE vt = VT_R8) { return scalar(vt, x); }
VARIANT date(double x) { return r8(x, VT_DATE); }
VARIANT boolean(SHORT x) { return scalar(VT_BOOL, x); }
VARIANT cy(LONG64 scaled) { return scalar(VT_CY, scaled); }
VARIANT dec(ULONG64 mantissa, BYTE scale, bool negative = false) {
  VARIANT v = empty();
  v.decVal.Lo64 = mantissa;
  v.decVal.Hi32 = 0;
  v.decVal.scale = scale;
  v.decVal.sign = negative ? DECIMAL_NEG : 0;
  v.vt = VT_DECIMAL;
  return v;
}

// Owns a BSTR operand.
struct text {
  VARIANT v;
  explicit text(const char16_t* s) {
    VariantInit(&v);
    v.vt = VT_BSTR;
    v.bstrVal = s ? SysAllocString(reinterpret_cast<const OLECHAR*>(s)) : nullptr;
  }
  ~text() { VariantClear(&v); }
  operator VARIANT() const { return v; }
};

// Owns a result.
struct res {
  VARIANT v;
  res() {
    VariantInit(&v);
    v.vt = VT_I4;
    v.lVal = 1231;
  }
  ~res() { VariantClear(&v); }
  VARIANT* operator&() { return &v; }
};

using binary_fn = HRESULT(STDAPICALLTYPE*)(LPVARIANT, LPVARIANT, LPVARIANT);
using unary_fn = HRESULT(STDAPICALLTYPE*)(LPVARIANT, LPVARIANT);

// Calls f and checks that neither operand changed.
HRESULT call(binary_fn f, VARIANT l, VARIANT r, res& out) {
  VARIANT l0 = l, r0 = r;
  const HRESULT hr = f(&l, &r, &out);
  EXPECT_EQ(std::memcmp(&l, &l0, sizeof l), 0);
  EXPECT_EQ(std::memcmp(&r, &r0, sizeof r), 0);
  return hr;
}

std::u16string str(BSTR b) { return b ? std::u16string(reinterpret_cast<const char16_t*>(b), SysStringLen(b)) : std::u16string(); }

// Expectation helpers: the result's type and value.
::testing::AssertionResult is(const VARIANT& v, VARTYPE vt, double value) {
  if (v.vt != vt) return ::testing::AssertionFailure() << "vt " << v.vt << ", expected " << vt;
  double got = 0;
  switch (vt) {
    case VT_UI1: got = v.bVal; break;
    case VT_I2: got = v.iVal; break;
    case VT_BOOL: got = v.boolVal; break;
    case VT_I4: got = v.lVal; break;
    case VT_I8: got = static_cast<double>(v.llVal); break;
    case VT_R4: got = v.fltVal; break;
    case VT_R8: case VT_DATE: got = v.dblVal; break;
    case VT_CY: got = static_cast<double>(v.cyVal.int64) / 10000; break;
    case VT_DECIMAL: {
      double m = static_cast<double>(v.decVal.Lo64);
      for (int i = 0; i < v.decVal.scale; ++i) m /= 10;
      got = v.decVal.sign ? -m : m;
      break;
    }
    case VT_NULL: case VT_EMPTY: return ::testing::AssertionSuccess();
    default: return ::testing::AssertionFailure() << "unexpected vt " << vt;
  }
  const bool exact = vt != VT_R4 && vt != VT_R8 && vt != VT_DATE && vt != VT_DECIMAL;
  const bool ok = exact ? got == value : std::fabs(got - value) <= 1e-7 * std::max(1.0, std::fabs(value));
  if (!ok) return ::testing::AssertionFailure() << "value " << got << ", expected " << value;
  return ::testing::AssertionSuccess();
}

// ---- VarAdd ------------------------------------------------------------------------

// A string passed as VT_BSTR that is not a real BSTR: a NUL-terminated array
// whose "length prefix" is garbage (here a huge value). Read-only operators
// and conversions must not depend on the prefix, as on Windows.
struct fake_bstr {
  std::uint32_t garbage_prefix = 0xFFFFFFF0u;
  char16_t text[8] = {};
  explicit fake_bstr(std::u16string_view s) { std::copy(s.begin(), s.end(), text); }
  BSTR get() { return text; }
};

TEST(Operators, StringOperandsNeedNoLengthPrefix) {
  fake_bstr minus12(u"-12"), twelve(u"12"), t(u"#TRUE#");
  VARIANT s = empty(), r = empty();
  s.vt = VT_BSTR;
  s.bstrVal = minus12.get();
  ASSERT_EQ(VarAbs(&s, &r), S_OK);
  EXPECT_EQ(r.vt, VT_R8);
  EXPECT_EQ(r.dblVal, 12.0);
  ASSERT_EQ(VarNeg(&s, &r), S_OK);
  EXPECT_EQ(r.dblVal, 12.0);
  ASSERT_EQ(VarFix(&s, &r), S_OK);
  EXPECT_EQ(r.dblVal, -12.0);
  s.bstrVal = twelve.get();
  ASSERT_EQ(VarNot(&s, &r), S_OK);
  EXPECT_EQ(r.vt, VT_I4);
  EXPECT_EQ(r.lVal, ~12);
  VARIANT one = i4(1);
  ASSERT_EQ(VarAdd(&s, &one, &r), S_OK);
  EXPECT_EQ(r.vt, VT_R8);
  EXPECT_EQ(r.dblVal, 13.0);
  ASSERT_EQ(VarMul(&one, &s, &r), S_OK);
  EXPECT_EQ(r.dblVal, 12.0);
  ASSERT_EQ(VarAnd(&s, &one, &r), S_OK);
  EXPECT_EQ(r.lVal, 0);
  s.bstrVal = t.get();
  ASSERT_EQ(VarNot(&s, &r), S_OK);
  EXPECT_EQ(r.vt, VT_BOOL);
  EXPECT_EQ(r.boolVal, VARIANT_FALSE);
  // By reference, and through VariantChangeType to a number.
  BSTR ref = twelve.get();
  VARIANT byref = empty();
  byref.vt = VT_BYREF | VT_BSTR;
  byref.pbstrVal = &ref;
  ASSERT_EQ(VarDiv(&byref, &one, &r), S_OK);  // VarDiv follows references (the unary operators refuse them)
  EXPECT_EQ(r.dblVal, 12.0);
  VARIANT out = empty();
  ASSERT_EQ(VariantChangeType(&out, &byref, 0, VT_I4), S_OK);
  EXPECT_EQ(out.lVal, 12);
  s.bstrVal = minus12.get();
  ASSERT_EQ(VariantChangeType(&out, &s, 0, VT_R8), S_OK);
  EXPECT_EQ(out.dblVal, -12.0);
  // The operands were not consumed.
  EXPECT_EQ(std::u16string_view(twelve.text), u"12");
}

TEST(VarAdd, ResultTypesAndValues) {
  res r;
  ASSERT_EQ(call(VarAdd, i4(4), i4(2), r), S_OK);
  EXPECT_TRUE(is(r.v, VT_I4, 6));
  res r2;
  ASSERT_EQ(call(VarAdd, i2(4), i2(2), r2), S_OK);
  EXPECT_TRUE(is(r2.v, VT_I2, 6));
  res r3;
  ASSERT_EQ(call(VarAdd, i2(-13), i4(5), r3), S_OK);
  EXPECT_TRUE(is(r3.v, VT_I4, -8));
  res r4_;
  ASSERT_EQ(call(VarAdd, i2(7), r4(0.5f), r4_), S_OK);
  EXPECT_TRUE(is(r4_.v, VT_R4, 7.5));
  res r5;
  ASSERT_EQ(call(VarAdd, r4(0.5f), i4(5), r5), S_OK);
  EXPECT_TRUE(is(r5.v, VT_R8, 5.5));
  res r6;
  ASSERT_EQ(call(VarAdd, r8(7.1), boolean(0), r6), S_OK);
  EXPECT_TRUE(is(r6.v, VT_R8, 7.1));
  res r7;
  ASSERT_EQ(call(VarAdd, boolean(VARIANT_TRUE), boolean(VARIANT_TRUE), r7), S_OK);
  EXPECT_TRUE(is(r7.v, VT_I2, -2));
  res r8_;
  ASSERT_EQ(call(VarAdd, empty(), empty(), r8_), S_OK);
  EXPECT_TRUE(is(r8_.v, VT_I2, 0));
  res r9;
  ASSERT_EQ(call(VarAdd, empty(), ui1(3), r9), S_OK);
  EXPECT_TRUE(is(r9.v, VT_UI1, 3));
}

TEST(VarAdd, StringsConcatenateOrAddAsDouble) {
  text twelve(u"12");
  res cat;
  ASSERT_EQ(call(VarAdd, twelve, twelve, cat), S_OK);
  ASSERT_EQ(cat.v.vt, VT_BSTR);
  EXPECT_EQ(str(cat.v.bstrVal), u"1212");
  res with_empty;
  ASSERT_EQ(call(VarAdd, empty(), twelve, with_empty), S_OK);
  ASSERT_EQ(with_empty.v.vt, VT_BSTR);
  EXPECT_EQ(str(with_empty.v.bstrVal), u"12");
  res n;
  ASSERT_EQ(call(VarAdd, twelve, i2(4), n), S_OK);
  EXPECT_TRUE(is(n.v, VT_R8, 16));
  res b;
  ASSERT_EQ(call(VarAdd, twelve, boolean(1), b), S_OK);
  EXPECT_TRUE(is(b.v, VT_R8, 13));
  res f;
  ASSERT_EQ(call(VarAdd, r4(0.2f), twelve, f), S_OK);
  EXPECT_EQ(f.v.vt, VT_R8);
  EXPECT_NEAR(f.v.dblVal, 12.2, 1e-6);
  text bad(u"twelve");
  res e;
  EXPECT_EQ(call(VarAdd, bad, i2(1), e), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(e.v.vt, VT_EMPTY);
}

TEST(VarAdd, DateCurrencyDecimal) {
  res d;
  ASSERT_EQ(call(VarAdd, date(2.25), i4(7), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_DATE, 9.25));
  res d2;
  ASSERT_EQ(call(VarAdd, date(1.25), r4(-1.7f), d2), S_OK);
  EXPECT_TRUE(is(d2.v, VT_DATE, -0.45));
  res c;
  ASSERT_EQ(call(VarAdd, cy(47110000), ui1(9), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_CY, 4720));
  res cr;
  ASSERT_EQ(call(VarAdd, cy(10000), r8(0.5), cr), S_OK);
  EXPECT_TRUE(is(cr.v, VT_CY, 1.5));
  res dc;
  ASSERT_EQ(call(VarAdd, date(1), cy(10000), dc), S_OK);
  EXPECT_TRUE(is(dc.v, VT_DATE, 2));
  res m;
  ASSERT_EQ(call(VarAdd, i4(-11), dec(42, 1, true), m), S_OK);
  ASSERT_EQ(m.v.vt, VT_DECIMAL);
  EXPECT_EQ(m.v.decVal.Lo64, 152u);
  EXPECT_EQ(m.v.decVal.scale, 1);
  EXPECT_EQ(m.v.decVal.sign, DECIMAL_NEG);
}

TEST(VarAdd, IntegerOverflowMovesUp) {
  res a;
  ASSERT_EQ(call(VarAdd, ui1(255), ui1(255), a), S_OK);
  EXPECT_TRUE(is(a.v, VT_I2, 510));
  res b;
  ASSERT_EQ(call(VarAdd, i2(32767), i2(32767), b), S_OK);
  EXPECT_TRUE(is(b.v, VT_I4, 65534));
  res c;
  ASSERT_EQ(call(VarAdd, i2(SHRT_MIN), i2(SHRT_MIN), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_I4, -65536));
  res d;
  ASSERT_EQ(call(VarAdd, i2(SHRT_MAX), i2(SHRT_MIN), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_I2, -1));
  res e;
  ASSERT_EQ(call(VarAdd, i4(INT_MAX), i4(INT_MAX), e), S_OK);
  EXPECT_TRUE(is(e.v, VT_R8, 4294967294.0));  // skips I8
  res f;
  ASSERT_EQ(call(VarAdd, i4(INT_MAX), i4(INT_MIN), f), S_OK);
  EXPECT_TRUE(is(f.v, VT_I4, -1));
  res g;
  ASSERT_EQ(call(VarAdd, r4(FLT_MAX), r4(FLT_MAX), g), S_OK);
  EXPECT_EQ(g.v.vt, VT_R8);
  EXPECT_DOUBLE_EQ(g.v.dblVal, 2.0 * FLT_MAX);
}

TEST(VarAdd, NullAndRejectedTypes) {
  res n;
  ASSERT_EQ(call(VarAdd, null(), i4(1), n), S_OK);
  EXPECT_EQ(n.v.vt, VT_NULL);
  res n2;
  ASSERT_EQ(call(VarAdd, dec(1, 0), null(), n2), S_OK);
  EXPECT_EQ(n2.v.vt, VT_NULL);
  // Windows' VarAdd, VarSub and VarMul do not take the "unusual" integers.
  const VARIANT rejected[] = {i1(1), ui2(1), ui4(1), ui8(1), i4(1, VT_INT), ui4(1, VT_UINT)};
  for (const VARIANT& x : rejected) {
    for (binary_fn f : {VarAdd, VarSub, VarMul}) {
      res r;
      const HRESULT hr = call(f, x, i4(1), r);
      EXPECT_TRUE(hr == DISP_E_TYPEMISMATCH || hr == DISP_E_BADVARTYPE) << x.vt;
      EXPECT_EQ(r.v.vt, VT_EMPTY);
      EXPECT_EQ(r.v.lVal, 1231) << "only vt is written on failure";
    }
  }
  VARIANT array = empty();
  array.vt = VT_ARRAY | VT_I4;
  res a;
  EXPECT_EQ(call(VarAdd, array, i4(1), a), DISP_E_TYPEMISMATCH);
  VARIANT bad = empty();
  bad.vt = 15;
  res b;
  EXPECT_EQ(call(VarAdd, bad, i4(1), b), DISP_E_BADVARTYPE);
  VARIANT one = i4(1);
  EXPECT_EQ(VarAdd(&one, &one, nullptr), E_INVALIDARG);
}

// Windows' VarAdd, VarSub and VarMul refuse references without reading
// them; VarDiv, VarIdiv, VarPow and VarImp follow them.
TEST(VarAdd, ReferencesAreRefusedButDivisionFollowsThem) {
  LONG x = 40;
  VARIANT ref = empty();
  ref.vt = VT_I4 | VT_BYREF;
  ref.plVal = &x;
  res r;
  EXPECT_EQ(call(VarAdd, ref, i2(2), r), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(r.v.vt, VT_EMPTY);
  res s;
  EXPECT_EQ(call(VarSub, ref, i2(2), s), DISP_E_BADVARTYPE);
  res d;
  ASSERT_EQ(call(VarDiv, ref, i2(2), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_R8, 20));
  res p;
  ASSERT_EQ(call(VarPow, i2(2), ref, p), S_OK);
  EXPECT_TRUE(is(p.v, VT_R8, 1099511627776.0));
  VARIANT null_ref = empty();
  null_ref.vt = VT_I4 | VT_BYREF;
  null_ref.byref = nullptr;
  res n;
  EXPECT_TRUE(FAILED(call(VarDiv, null_ref, i2(2), n)));
}

// ---- VarSub, VarMul ------------------------------------------------------------------

TEST(VarSub, ResultTypesAndValues) {
  text twelve(u"12");
  res a;
  ASSERT_EQ(call(VarSub, twelve, twelve, a), S_OK);
  EXPECT_TRUE(is(a.v, VT_R8, 0));  // never concatenation
  res b;
  ASSERT_EQ(call(VarSub, date(2.25), i4(7), b), S_OK);
  EXPECT_TRUE(is(b.v, VT_DATE, -4.75));
  res c;
  ASSERT_EQ(call(VarSub, date(3.5), date(1.25), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_R8, 2.25));  // DATE - DATE is a number of days
  res d;
  ASSERT_EQ(call(VarSub, i2(-13), i4(5), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_I4, -18));
  res e;
  ASSERT_EQ(call(VarSub, r4(0.5f), i4(5), e), S_OK);
  EXPECT_TRUE(is(e.v, VT_R8, -4.5));
  res f;
  ASSERT_EQ(call(VarSub, cy(47110000), ui1(9), f), S_OK);
  EXPECT_TRUE(is(f.v, VT_CY, 4702));
  res g;
  ASSERT_EQ(call(VarSub, i4(-11), dec(42, 1, true), g), S_OK);
  EXPECT_TRUE(is(g.v, VT_DECIMAL, -6.8));
  res h;
  ASSERT_EQ(call(VarSub, ui1(255), ui1(255), h), S_OK);
  EXPECT_TRUE(is(h.v, VT_UI1, 0));
  res i;
  ASSERT_EQ(call(VarSub, ui1(0), ui1(1), i), S_OK);
  EXPECT_TRUE(is(i.v, VT_I2, -1));
  res j;
  ASSERT_EQ(call(VarSub, empty(), twelve, j), S_OK);
  EXPECT_TRUE(is(j.v, VT_R8, -12));
}

TEST(VarMul, ResultTypesAndValues) {
  text twelve(u"12");
  res a;
  ASSERT_EQ(call(VarMul, twelve, twelve, a), S_OK);
  EXPECT_TRUE(is(a.v, VT_R8, 144));
  res b;
  ASSERT_EQ(call(VarMul, date(2.25), i4(7), b), S_OK);
  EXPECT_TRUE(is(b.v, VT_R8, 15.75));  // DATE * x is R8
  res c;
  ASSERT_EQ(call(VarMul, cy(47110000), ui1(9), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_CY, 42399));
  res d;
  ASSERT_EQ(call(VarMul, r4(2), cy(20000), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_R8, 4));  // R4 with CY is R8
  res e;
  ASSERT_EQ(call(VarMul, i4(-11), dec(42, 1, true), e), S_OK);
  EXPECT_TRUE(is(e.v, VT_DECIMAL, 46.2));
  res f;
  ASSERT_EQ(call(VarMul, ui1(255), ui1(255), f), S_OK);
  EXPECT_TRUE(is(f.v, VT_I4, 65025));  // past I2 straight to I4
  res g;
  ASSERT_EQ(call(VarMul, i4(INT_MAX), i4(INT_MAX), g), S_OK);
  EXPECT_TRUE(is(g.v, VT_R8, 4611686014132420609.0));
  res h;
  ASSERT_EQ(call(VarMul, i2(7), r4(0.5f), h), S_OK);
  EXPECT_TRUE(is(h.v, VT_R4, 3.5));
  res i;
  ASSERT_EQ(call(VarMul, i8(1LL << 40), i8(1LL << 40), i), S_OK);
  EXPECT_TRUE(is(i.v, VT_R8, 1208925819614629174706176.0));
}

// ---- VarDiv, VarIdiv, VarMod, VarPow ---------------------------------------------------

TEST(VarDiv, KeepsR4OnlyWithNarrowTypes) {
  res a;
  ASSERT_EQ(call(VarDiv, i2(1), i2(2), a), S_OK);
  EXPECT_TRUE(is(a.v, VT_R8, 0.5));
  res b;
  ASSERT_EQ(call(VarDiv, i2(1), r4(2), b), S_OK);
  EXPECT_TRUE(is(b.v, VT_R4, 0.5));
  res c;
  ASSERT_EQ(call(VarDiv, i4(1), r4(2), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_R8, 0.5));
  res d;
  ASSERT_EQ(call(VarDiv, r4(1), boolean(VARIANT_TRUE), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_R4, -1));
  res e;
  ASSERT_EQ(call(VarDiv, cy(10000), cy(10000), e), S_OK);
  EXPECT_TRUE(is(e.v, VT_R8, 1));
  res f;
  ASSERT_EQ(call(VarDiv, i4(100), dec(2, 0), f), S_OK);
  EXPECT_TRUE(is(f.v, VT_DECIMAL, 50));
  res g;
  ASSERT_EQ(call(VarDiv, empty(), r4(2), g), S_OK);
  EXPECT_TRUE(is(g.v, VT_R4, 0));
  res h;
  ASSERT_EQ(call(VarDiv, date(1), date(2), h), S_OK);
  EXPECT_TRUE(is(h.v, VT_R8, 0.5));
  res n;
  ASSERT_EQ(call(VarDiv, null(), empty(), n), S_OK);
  EXPECT_EQ(n.v.vt, VT_NULL);
}

TEST(VarDiv, ZeroDivisors) {
  res a;
  EXPECT_EQ(call(VarDiv, r8(1), r8(0), a), DISP_E_DIVBYZERO);
  EXPECT_EQ(a.v.vt, VT_EMPTY);
  res b;
  EXPECT_EQ(call(VarDiv, r8(0), r8(0), b), DISP_E_OVERFLOW);
  EXPECT_EQ(b.v.vt, VT_EMPTY);
  res c;
  EXPECT_EQ(call(VarDiv, i4(3), empty(), c), DISP_E_DIVBYZERO);
  res d;
  EXPECT_EQ(call(VarDiv, empty(), empty(), d), DISP_E_OVERFLOW);
  res e;
  EXPECT_EQ(call(VarDiv, dec(1, 0), dec(0, 0), e), DISP_E_DIVBYZERO);
}

TEST(VarIdiv, TypesValuesAndZero) {
  res a;
  ASSERT_EQ(call(VarIdiv, i2(2), boolean(VARIANT_TRUE), a), S_OK);
  EXPECT_TRUE(is(a.v, VT_I2, -2));
  res b;
  ASSERT_EQ(call(VarIdiv, r4(2), boolean(VARIANT_TRUE), b), S_OK);
  EXPECT_TRUE(is(b.v, VT_I4, -2));
  res c;
  ASSERT_EQ(call(VarIdiv, ui1(7), ui1(2), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_UI1, 3));
  res d;
  ASSERT_EQ(call(VarIdiv, empty(), ui1(1), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_I2, 0));  // a left EMPTY makes it I2
  res e;
  ASSERT_EQ(call(VarIdiv, cy(100000000), i8(2), e), S_OK);
  EXPECT_TRUE(is(e.v, VT_I8, 5000));
  res f;
  ASSERT_EQ(call(VarIdiv, i4(100), dec(2, 0), f), S_OK);
  EXPECT_TRUE(is(f.v, VT_I4, 50));
  res g;
  ASSERT_EQ(call(VarIdiv, i4(-7), i4(2), g), S_OK);
  EXPECT_TRUE(is(g.v, VT_I4, -3));  // truncates
  res z;
  EXPECT_EQ(call(VarIdiv, i4(0, VT_INT), i4(0, VT_INT), z), DISP_E_DIVBYZERO);  // not OVERFLOW as in VarDiv
  res z2;
  EXPECT_EQ(call(VarIdiv, i4(1), empty(), z2), DISP_E_DIVBYZERO);
  res n;
  ASSERT_EQ(call(VarIdiv, null(), empty(), n), S_OK);
  EXPECT_EQ(n.v.vt, VT_NULL);
  res t;
  EXPECT_EQ(call(VarIdiv, i8(1), i4(1, VT_INT), t), DISP_E_TYPEMISMATCH);
}

TEST(VarMod, TypesAndEmptyRules) {
  res a;
  ASSERT_EQ(call(VarMod, ui1(100), ui1(30), a), S_OK);
  EXPECT_TRUE(is(a.v, VT_UI1, 10));
  res b;
  ASSERT_EQ(call(VarMod, ui1(100), boolean(VARIANT_TRUE), b), S_OK);
  EXPECT_TRUE(is(b.v, VT_I2, 0));
  res c;
  ASSERT_EQ(call(VarMod, i2(100), i1(30), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_I4, 10));
  text t125(u"125"), t10(u"10");
  res d;
  ASSERT_EQ(call(VarMod, t125, t10, d), S_OK);
  EXPECT_TRUE(is(d.v, VT_I4, 5));
  res e;
  ASSERT_EQ(call(VarMod, t125, i8(10), e), S_OK);
  EXPECT_TRUE(is(e.v, VT_I8, 5));
  res f;
  ASSERT_EQ(call(VarMod, i4(-7), i4(2), f), S_OK);
  EXPECT_TRUE(is(f.v, VT_I4, -1));  // the dividend's sign
  res g;
  ASSERT_EQ(call(VarMod, empty(), i4(3), g), S_OK);
  EXPECT_TRUE(is(g.v, VT_I4, 0));
  res h;
  EXPECT_EQ(call(VarMod, i4(3), empty(), h), DISP_E_DIVBYZERO);
  EXPECT_EQ(h.v.vt, VT_EMPTY);
  EXPECT_EQ(h.v.lVal, 1231);
  res i;
  EXPECT_EQ(call(VarMod, i4(100), i4(0), i), DISP_E_DIVBYZERO);
  res j;
  ASSERT_EQ(call(VarMod, null(), i4(3), j), S_OK);
  EXPECT_EQ(j.v.vt, VT_NULL);
  res k;
  EXPECT_EQ(call(VarMod, i8(5), i4(3, VT_INT), k), DISP_E_TYPEMISMATCH);
  VARIANT err = i4(0, VT_ERROR);
  res l;
  EXPECT_EQ(call(VarMod, err, i4(3), l), DISP_E_TYPEMISMATCH);
  VARIANT vd = empty();
  vd.vt = VT_VOID;
  res m;
  EXPECT_EQ(call(VarMod, vd, i4(3), m), DISP_E_BADVARTYPE);
}

TEST(VarPow, AlwaysDouble) {
  res a;
  ASSERT_EQ(call(VarPow, empty(), empty(), a), S_OK);
  EXPECT_TRUE(is(a.v, VT_R8, 1));
  res b;
  ASSERT_EQ(call(VarPow, empty(), i4(3), b), S_OK);
  EXPECT_TRUE(is(b.v, VT_R8, 0));
  res c;
  ASSERT_EQ(call(VarPow, boolean(VARIANT_TRUE), i2(3), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_R8, -1));
  res d;
  ASSERT_EQ(call(VarPow, cy(20000), cy(20000), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_R8, 4));
  res e;
  ASSERT_EQ(call(VarPow, ui4(2), ui8(3), e), S_OK);
  EXPECT_TRUE(is(e.v, VT_R8, 8));
  text two(u"2");
  res f;
  ASSERT_EQ(call(VarPow, two, i1(3), f), S_OK);
  EXPECT_TRUE(is(f.v, VT_R8, 8));
  res n;
  ASSERT_EQ(call(VarPow, empty(), null(), n), S_OK);
  EXPECT_EQ(n.v.vt, VT_NULL);
}

// ---- unary ---------------------------------------------------------------------------

struct unary_case {
  VARIANT in;
  VARTYPE vt;
  double value;
};

void check_unary(unary_fn f, const char* name, std::initializer_list<unary_case> cases) {
  for (const unary_case& c : cases) {
    VARIANT in = c.in;
    res r;
    ASSERT_EQ(f(&in, &r.v), S_OK) << name << " of vt " << c.in.vt;
    EXPECT_TRUE(is(r.v, c.vt, c.value)) << name << " of vt " << c.in.vt;
    EXPECT_EQ(std::memcmp(&in, &c.in, sizeof in), 0);
  }
}

TEST(VarNeg, Table) {
  check_unary(VarNeg, "VarNeg",
              {{boolean(VARIANT_TRUE), VT_I2, 1},
               {boolean(0), VT_I2, 0},
               {boolean(1), VT_I2, -1},
               {ui1(1), VT_I2, -1},
               {ui1(254), VT_I2, -254},
               {i2(SHRT_MIN), VT_I4, 32768},
               {i2(1), VT_I2, -1},
               {i4(INT_MIN), VT_R8, 2147483648.0},
               {i4(-1), VT_I4, 1},
               {i8(1), VT_I8, -1},
               {r4(1.5f), VT_R4, -1.5},
               {date(2), VT_DATE, -2},
               {empty(), VT_I2, 0},
               {null(), VT_NULL, 0},
               {cy(-10000), VT_CY, 1},
               {dec(15, 1), VT_DECIMAL, -1.5}});
  text minus_one(u"-1");
  res r;
  ASSERT_EQ(VarNeg(&minus_one.v, &r), S_OK);
  EXPECT_TRUE(is(r.v, VT_R8, 1));
  for (VARIANT bad : {i1(1), ui2(1), ui4(1), ui8(1), i4(1, VT_INT)}) {
    res e;
    EXPECT_TRUE(FAILED(VarNeg(&bad, &e))) << bad.vt;
    EXPECT_EQ(e.v.vt, VT_EMPTY);
  }
}

TEST(VarAbs, Table) {
  check_unary(VarAbs, "VarAbs",
              {{boolean(VARIANT_TRUE), VT_I2, 1},
               {boolean(0), VT_I2, 0},
               {ui1(7), VT_UI1, 7},
               {i2(-5), VT_I2, 5},
               {i4(-5), VT_I4, 5},
               {r8(-2.5), VT_R8, 2.5},
               {date(-2), VT_DATE, 2},
               {cy(-10000), VT_CY, 1},
               {null(), VT_NULL, 0},
               {empty(), VT_I2, 0}});
  text s(u"-1.1");
  res r;
  ASSERT_EQ(VarAbs(&s.v, &r), S_OK);
  EXPECT_TRUE(is(r.v, VT_R8, 1.1));
  VARIANT big = i8(-1);
  res e;
  EXPECT_TRUE(FAILED(VarAbs(&big, &e)));
  VARIANT nullstr = empty();
  nullstr.vt = VT_BSTR;
  nullstr.bstrVal = nullptr;
  res e2;
  EXPECT_EQ(VarAbs(&nullstr, &e2), DISP_E_TYPEMISMATCH);
}

TEST(VarFixVarInt, TruncateAndFloor) {
  check_unary(VarFix, "VarFix",
              {{boolean(VARIANT_TRUE), VT_I2, -1},
               {r4(1.6f), VT_R4, 1},
               {r4(-1.6f), VT_R4, -1},
               {r8(-1.5), VT_R8, -1},
               {cy(-16000), VT_CY, -1},
               {i8(-1), VT_I8, -1},
               {empty(), VT_I2, 0},
               {dec(15, 1, true), VT_DECIMAL, -1}});
  check_unary(VarInt, "VarInt",
              {{boolean(VARIANT_TRUE), VT_I2, -1},
               {r4(1.6f), VT_R4, 1},
               {r4(-1.4f), VT_R4, -2},
               {r8(-1.5), VT_R8, -2},
               {cy(-11000), VT_CY, -2},
               {date(-0.25), VT_DATE, -1},
               {null(), VT_NULL, 0},
               {dec(15, 1, true), VT_DECIMAL, -2}});
}

TEST(VarRound, Places) {
  VARIANT in = r8(1.23456);
  const double expected[] = {1.0, 1.2, 1.23, 1.235, 1.2346};
  for (int places = 0; places < 5; ++places) {
    res r;
    ASSERT_EQ(VarRound(&in, places, &r), S_OK);
    EXPECT_TRUE(is(r.v, VT_R8, expected[places])) << places;
  }
  VARIANT f = r4(-1.23456f);
  res rf;
  ASSERT_EQ(VarRound(&f, 2, &rf), S_OK);
  EXPECT_TRUE(is(rf.v, VT_R4, -1.23));
  VARIANT d = date(1.451);
  res rd;
  ASSERT_EQ(VarRound(&d, 1, &rd), S_OK);
  EXPECT_TRUE(is(rd.v, VT_DATE, 1.5));
  text s(u"-1.449");
  res rs;
  ASSERT_EQ(VarRound(&s.v, 1, &rs), S_OK);
  EXPECT_TRUE(is(rs.v, VT_R8, -1.4));
  VARIANT t = boolean(VARIANT_TRUE);
  res rt;
  ASSERT_EQ(VarRound(&t, 0, &rt), S_OK);
  EXPECT_TRUE(is(rt.v, VT_I2, -1));  // unlike VarNeg and VarAbs
  VARIANT m = i2(SHRT_MIN);
  res rm;
  ASSERT_EQ(VarRound(&m, 0, &rm), S_OK);
  EXPECT_TRUE(is(rm.v, VT_I2, SHRT_MIN));
  VARIANT x = dec(155, 2);
  res rx;
  ASSERT_EQ(VarRound(&x, 1, &rx), S_OK);
  EXPECT_TRUE(is(rx.v, VT_DECIMAL, 1.6));
  VARIANT y = dec(199, 2, true);
  res ry;
  ASSERT_EQ(VarRound(&y, 1, &ry), S_OK);
  EXPECT_TRUE(is(ry.v, VT_DECIMAL, -2.0));
  VARIANT c = cy(10000);
  res rc;
  ASSERT_EQ(VarRound(&c, 0, &rc), S_OK);
  EXPECT_TRUE(is(rc.v, VT_CY, 1));
  VARIANT n = null();
  res rn;
  ASSERT_EQ(VarRound(&n, 2, &rn), S_OK);
  EXPECT_EQ(rn.v.vt, VT_NULL);
}

TEST(VarNot, Table) {
  check_unary(VarNot, "VarNot",
              {{empty(), VT_I2, -1},
               {null(), VT_NULL, 0},
               {boolean(VARIANT_TRUE), VT_BOOL, 0},
               {boolean(0), VT_BOOL, -1},
               {i1(-1), VT_I4, 0},
               {i2(5), VT_I2, -6},
               {ui1(1), VT_UI1, 254},
               {ui1(0), VT_UI1, 255},
               {ui2(1), VT_I4, -2},
               {ui4(0), VT_I4, -1},
               {ui8(1), VT_I4, -2},
               {i8(0), VT_I8, -1},
               {r8(1), VT_I4, -2},
               {date(0), VT_I4, -1},
               {cy(10000), VT_I4, -2},
               {cy(-1), VT_I4, -1},
               {dec(1, 0, true), VT_I4, 0}});
  text zero(u"0"), t(u"#TRUE#");
  res a;
  ASSERT_EQ(VarNot(&zero.v, &a), S_OK);
  EXPECT_TRUE(is(a.v, VT_I4, -1));
  res b;
  ASSERT_EQ(VarNot(&t.v, &b), S_OK);
  EXPECT_TRUE(is(b.v, VT_BOOL, 0));
  VARIANT err = i4(0, VT_ERROR);
  res c;
  EXPECT_EQ(VarNot(&err, &c), DISP_E_TYPEMISMATCH);
  VARIANT clsid = empty();
  clsid.vt = VT_CLSID;
  res d;
  EXPECT_EQ(VarNot(&clsid, &d), DISP_E_BADVARTYPE);
}

// ---- logical ---------------------------------------------------------------------------

TEST(VarAnd, NullRulesAndTypes) {
  res a;
  ASSERT_EQ(call(VarAnd, null(), i2(0), a), S_OK);
  EXPECT_TRUE(is(a.v, VT_I2, 0));
  res b;
  ASSERT_EQ(call(VarAnd, null(), i2(5), b), S_OK);
  EXPECT_EQ(b.v.vt, VT_NULL);
  res c;
  ASSERT_EQ(call(VarAnd, empty(), null(), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_I2, 0));
  res d;
  ASSERT_EQ(call(VarAnd, null(), boolean(0), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_BOOL, 0));
  res e;
  ASSERT_EQ(call(VarAnd, null(), i1(0), e), S_OK);
  EXPECT_TRUE(is(e.v, VT_I4, 0));
  res f;
  ASSERT_EQ(call(VarAnd, null(), ui1(0), f), S_OK);
  EXPECT_TRUE(is(f.v, VT_UI1, 0));
  res g;
  ASSERT_EQ(call(VarAnd, boolean(VARIANT_TRUE), ui1(255), g), S_OK);
  EXPECT_TRUE(is(g.v, VT_I2, 255));
  res h;
  ASSERT_EQ(call(VarAnd, i1(-1), ui1(255), h), S_OK);
  EXPECT_TRUE(is(h.v, VT_I4, 255));
  res i;
  ASSERT_EQ(call(VarAnd, ui4(0xFFFFFFFF), ui4(0xFFFFFFFF), i), S_OK);
  EXPECT_TRUE(is(i.v, VT_I4, -1));
  res j;
  ASSERT_EQ(call(VarAnd, i8(-1), cy(10000), j), S_OK);
  EXPECT_TRUE(is(j.v, VT_I8, 1));
  text t(u"#TRUE#"), fa(u"#FALSE#");
  res k;
  ASSERT_EQ(call(VarAnd, t, cy(10000), k), S_OK);
  EXPECT_TRUE(is(k.v, VT_I4, 1));
  res l;
  ASSERT_EQ(call(VarAnd, null(), fa, l), S_OK);
  EXPECT_TRUE(is(l.v, VT_BOOL, 0));
  res m;
  EXPECT_EQ(call(VarAnd, i8(1), i4(1, VT_INT), m), DISP_E_TYPEMISMATCH);
}

TEST(VarOr, NullRules) {
  res a;
  ASSERT_EQ(call(VarOr, null(), i2(0), a), S_OK);
  EXPECT_EQ(a.v.vt, VT_NULL);
  res b;
  ASSERT_EQ(call(VarOr, null(), ui1(1), b), S_OK);
  EXPECT_TRUE(is(b.v, VT_UI1, 1));
  res c;
  ASSERT_EQ(call(VarOr, null(), boolean(1), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_BOOL, 1));
  res d;
  ASSERT_EQ(call(VarOr, null(), r8(1), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_I4, 1));
  res e;
  ASSERT_EQ(call(VarOr, empty(), null(), e), S_OK);
  EXPECT_EQ(e.v.vt, VT_NULL);
  res f;
  ASSERT_EQ(call(VarOr, ui2(65535), ui2(65535), f), S_OK);
  EXPECT_TRUE(is(f.v, VT_I4, 65535));
  res g;
  ASSERT_EQ(call(VarOr, ui4(0xFFFFFFFF), i8(0), g), S_OK);
  EXPECT_TRUE(is(g.v, VT_I8, 4294967295.0));
  res h;
  EXPECT_EQ(call(VarOr, boolean(VARIANT_TRUE), ui8(~0ULL), h), DISP_E_OVERFLOW);
}

TEST(VarXor, Values) {
  res a;
  ASSERT_EQ(call(VarXor, null(), i2(0), a), S_OK);
  EXPECT_EQ(a.v.vt, VT_NULL);
  res b;
  ASSERT_EQ(call(VarXor, boolean(VARIANT_TRUE), ui1(255), b), S_OK);
  EXPECT_TRUE(is(b.v, VT_I2, -256));
  res c;
  ASSERT_EQ(call(VarXor, i1(-1), ui1(255), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_I4, -256));
  res d;
  ASSERT_EQ(call(VarXor, ui1(255), ui4(0xFFFFFFFF), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_I4, -256));
  res e;
  ASSERT_EQ(call(VarXor, ui8(0xFFFF), i4(-1, VT_INT), e), S_OK);
  EXPECT_TRUE(is(e.v, VT_I4, -65536));
  text t(u"#TRUE#"), f(u"#FALSE#");
  res g;
  ASSERT_EQ(call(VarXor, f, t, g), S_OK);
  EXPECT_TRUE(is(g.v, VT_BOOL, -1));
  res h;
  ASSERT_EQ(call(VarXor, empty(), t, h), S_OK);
  EXPECT_TRUE(is(h.v, VT_I2, -1));
  res i;
  ASSERT_EQ(call(VarXor, t, cy(10000), i), S_OK);
  EXPECT_TRUE(is(i.v, VT_I4, -2));
}

TEST(VarEqv, BitwiseNotOfXor) {
  res a;
  ASSERT_EQ(call(VarEqv, boolean(1), boolean(0), a), S_OK);
  EXPECT_TRUE(is(a.v, VT_BOOL, -2));
  res b;
  ASSERT_EQ(call(VarEqv, boolean(6), boolean(6), b), S_OK);
  EXPECT_TRUE(is(b.v, VT_BOOL, -1));
  res c;
  ASSERT_EQ(call(VarEqv, ui1(1), ui1(1), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_UI1, 255));
  res d;
  ASSERT_EQ(call(VarEqv, boolean(6), i2(7), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_I2, -2));
  res e;
  ASSERT_EQ(call(VarEqv, ui4(5), i8(19), e), S_OK);
  EXPECT_TRUE(is(e.v, VT_I8, -23));
  res f;
  ASSERT_EQ(call(VarEqv, empty(), null(), f), S_OK);
  EXPECT_EQ(f.v.vt, VT_NULL);
}

TEST(VarImp, NullRulesAndValues) {
  res a;
  ASSERT_EQ(call(VarImp, boolean(VARIANT_TRUE), null(), a), S_OK);
  EXPECT_EQ(a.v.vt, VT_NULL);  // not TRUE, whatever the documentation's table says
  res b;
  ASSERT_EQ(call(VarImp, i4(2), null(), b), S_OK);
  EXPECT_TRUE(is(b.v, VT_I4, -3));
  res c;
  ASSERT_EQ(call(VarImp, ui1(0), null(), c), S_OK);
  EXPECT_TRUE(is(c.v, VT_UI1, 255));
  res d;
  ASSERT_EQ(call(VarImp, empty(), null(), d), S_OK);
  EXPECT_TRUE(is(d.v, VT_I2, -1));
  res e;
  ASSERT_EQ(call(VarImp, null(), ui1(1), e), S_OK);
  EXPECT_TRUE(is(e.v, VT_UI1, 1));
  res f;
  ASSERT_EQ(call(VarImp, null(), boolean(0), f), S_OK);
  EXPECT_EQ(f.v.vt, VT_NULL);
  res g;
  ASSERT_EQ(call(VarImp, ui1(0), ui1(1), g), S_OK);
  EXPECT_TRUE(is(g.v, VT_UI1, 255));
  res h;
  ASSERT_EQ(call(VarImp, i4(-1, VT_INT), i8(1), h), S_OK);  // INT imp I8 works, I8 imp INT does not
  EXPECT_TRUE(is(h.v, VT_I8, 1));
  res i;
  EXPECT_EQ(call(VarImp, i8(1), i4(-1, VT_INT), i), DISP_E_TYPEMISMATCH);
  res j;
  ASSERT_EQ(call(VarImp, cy(10000), i8(0), j), S_OK);
  EXPECT_TRUE(is(j.v, VT_I8, -2));
  res k;
  ASSERT_EQ(call(VarImp, boolean(VARIANT_TRUE), boolean(0), k), S_OK);
  EXPECT_TRUE(is(k.v, VT_BOOL, 0));
}

// ---- VarCat -----------------------------------------------------------------------------

// An IDispatch whose value property is a fixed VARIANT (or a failure).
struct value_dispatch : IDispatch {
  VARIANT value;
  HRESULT result = S_OK;
  ULONG refs = 1;
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (riid == IID_IUnknown || riid == IID_IDispatch) {
      *ppv = this;
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR*, UINT, LCID, DISPID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID id, REFIID, LCID, WORD flags, DISPPARAMS* params, VARIANT* out, EXCEPINFO*, UINT*) override {
    EXPECT_EQ(id, DISPID_VALUE);
    EXPECT_TRUE(flags & DISPATCH_PROPERTYGET);
    EXPECT_EQ(params->cArgs, 0u);
    if (FAILED(result)) return result;
    return VariantCopy(out, &value);
  }
};

TEST(VarCat, JoinsText) {
  text a(u"12"), b(u"34"), none(u"");
  res r;
  ASSERT_EQ(call(VarCat, a, b, r), S_OK);
  EXPECT_EQ(str(r.v.bstrVal), u"1234");
  res r2;
  ASSERT_EQ(call(VarCat, i4(12, VT_INT), b, r2), S_OK);
  EXPECT_EQ(str(r2.v.bstrVal), u"1234");
  res r3;
  ASSERT_EQ(call(VarCat, i4(12, VT_INT), boolean(1), r3), S_OK);
  EXPECT_EQ(str(r3.v.bstrVal), u"12True");  // any nonzero BOOL is True
  res r4_;
  ASSERT_EQ(call(VarCat, boolean(VARIANT_TRUE), boolean(0), r4_), S_OK);
  EXPECT_EQ(str(r4_.v.bstrVal), u"TrueFalse");
  res r5;
  ASSERT_EQ(call(VarCat, a, date(29494.0), r5), S_OK);
  EXPECT_EQ(str(r5.v.bstrVal), u"129/30/1980");
  res r6;
  ASSERT_EQ(call(VarCat, null(), a, r6), S_OK);
  ASSERT_EQ(r6.v.vt, VT_BSTR);
  EXPECT_EQ(str(r6.v.bstrVal), u"12");
  res r7;
  ASSERT_EQ(call(VarCat, null(), null(), r7), S_OK);
  EXPECT_EQ(r7.v.vt, VT_NULL);
  res r8_;
  ASSERT_EQ(call(VarCat, empty(), empty(), r8_), S_OK);
  ASSERT_EQ(r8_.v.vt, VT_BSTR);
  EXPECT_EQ(SysStringLen(r8_.v.bstrVal), 0u);
  res r9;
  ASSERT_EQ(call(VarCat, none, none, r9), S_OK);
  EXPECT_EQ(SysStringLen(r9.v.bstrVal), 0u);
  res r10;
  ASSERT_EQ(call(VarCat, r8(1.5), cy(25000), r10), S_OK);
  EXPECT_EQ(str(r10.v.bstrVal), u"1.52.5");
}

TEST(VarCat, ErrorsAndDispatch) {
  text a(u"12");
  res e;
  EXPECT_EQ(call(VarCat, i4(0, VT_ERROR), a, e), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(e.v.vt, VT_EMPTY);
  res e2;
  EXPECT_EQ(call(VarCat, a, i4(0, VT_ERROR), e2), DISP_E_TYPEMISMATCH);

  value_dispatch d;
  d.value = ui1(34);
  VARIANT dv = empty();
  dv.vt = VT_DISPATCH;
  dv.pdispVal = &d;
  res r;
  ASSERT_EQ(call(VarCat, a, dv, r), S_OK);
  EXPECT_EQ(str(r.v.bstrVal), u"1234");
  d.value = null();
  res r2;
  ASSERT_EQ(call(VarCat, dv, empty(), r2), S_OK);
  ASSERT_EQ(r2.v.vt, VT_BSTR);
  EXPECT_EQ(SysStringLen(r2.v.bstrVal), 0u);
  d.result = E_OUTOFMEMORY;
  res r3;
  EXPECT_EQ(call(VarCat, a, dv, r3), E_OUTOFMEMORY);
  EXPECT_EQ(r3.v.vt, VT_EMPTY);
  EXPECT_EQ(d.refs, 1u);
}

// ---- VarCmp, VarBstrCmp, VarBstrCat ---------------------------------------------------

HRESULT cmp(VARIANT l, VARIANT r, ULONG flags = 0, LCID lcid = 0x409) {
  VARIANT l0 = l, r0 = r;
  const HRESULT hr = VarCmp(&l, &r, lcid, flags);
  EXPECT_EQ(std::memcmp(&l, &l0, sizeof l), 0);
  EXPECT_EQ(std::memcmp(&r, &r0, sizeof r), 0);
  return hr;
}

VARIANT reserved(VARIANT v) {
  v.vt |= VT_RESERVED;
  return v;
}

// Windows' results for a string against a number with VT_RESERVED on
// neither, the left, the right and both operands.
TEST(VarCmp, StringAgainstNumberFollowsReservedFlag) {
  struct row {
    const char16_t* text;  // nullptr: a NULL BSTR
    bool text_left;
    VARIANT number;
    HRESULT none, left, right, both;
  };
  const HRESULT LT = VARCMP_LT, EQ = VARCMP_EQ, GT = VARCMP_GT;
  const row rows[] = {
      {u"0", true, ui1(0), GT, EQ, EQ, GT},
      {u"1", true, i4(INT_MAX), GT, LT, LT, GT},
      {u"7", true, i4(42), GT, GT, LT, GT},
      {u"42", true, i4(7), GT, LT, GT, GT},
      {u"-1", true, i4(1), GT, GT, LT, LT},
      {u"-1", true, i4(-1), GT, EQ, EQ, LT},
      {u"-666", true, i4(-666), GT, EQ, EQ, LT},
      {u"2cents", true, i4(42), GT, LT, GT, GT},
      {u"2cents", true, i4(2), GT, GT, GT, GT},
      {u"huh?", true, i4(INT_MAX), GT, GT, GT, GT},
      {u"", true, ui1(0), GT, LT, GT, GT},
      {u"", false, i4(0), LT, LT, GT, LT},
      {u"0", false, i2(0), LT, EQ, EQ, LT},
      {u"0", false, dec(0, 0), LT, EQ, EQ, LT},
      {u"7", true, r8(7.0), GT, EQ, EQ, GT},
      {nullptr, false, r8(3.141592), LT, LT, GT, LT},
  };
  for (const row& w : rows) {
    text t(w.text);
    const VARIANT s = t;
    const VARIANT l = w.text_left ? s : w.number, r = w.text_left ? w.number : s;
    EXPECT_EQ(cmp(l, r), w.none) << "row " << (&w - rows);
    EXPECT_EQ(cmp(reserved(l), r), w.left) << "row " << (&w - rows);
    EXPECT_EQ(cmp(l, reserved(r)), w.right) << "row " << (&w - rows);
    EXPECT_EQ(cmp(reserved(l), reserved(r)), w.both) << "row " << (&w - rows);
  }
}

TEST(VarCmp, TypesErrorsAndNull) {
  // Checked before NULL: Windows does not compare these.
  for (VARIANT bad : {i1(0), ui2(0), ui4(0), ui8(0), ui4(0, VT_UINT)}) {
    EXPECT_EQ(cmp(bad, i4(0)), DISP_E_TYPEMISMATCH) << bad.vt;
    EXPECT_EQ(cmp(null(), bad), DISP_E_TYPEMISMATCH) << bad.vt;
  }
  EXPECT_EQ(cmp(i4(4711, VT_INT), i2(4711)), VARCMP_EQ);  // INT on the left only
  EXPECT_EQ(cmp(i4(4711, VT_INT), i2(-4711)), VARCMP_GT);
  EXPECT_EQ(cmp(i2(4711), i4(4711, VT_INT)), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(cmp(i4(1, VT_ERROR), i4(2, VT_ERROR)), VARCMP_EQ);
  EXPECT_EQ(cmp(i4(1, VT_ERROR), ui1(1)), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(cmp(null(), i4(1)), VARCMP_NULL);
  EXPECT_EQ(cmp(date(1), null()), VARCMP_NULL);
  EXPECT_EQ(cmp(empty(), i2(0)), VARCMP_EQ);
  EXPECT_EQ(cmp(i2(2), empty()), VARCMP_GT);
  EXPECT_EQ(cmp(date(1), empty()), VARCMP_GT);
  VARIANT array = empty();
  array.vt = VT_ARRAY | VT_I4;
  EXPECT_TRUE(FAILED(cmp(array, i4(0))));
  VARIANT vector = empty();
  vector.vt = VT_VECTOR | VT_I4;
  EXPECT_EQ(cmp(vector, i4(0)), DISP_E_BADVARTYPE);
}

TEST(VarCmp, NumbersAtTheRightPrecision) {
  EXPECT_EQ(cmp(r4(1), r8(1 + 1e-8)), VARCMP_EQ);
  EXPECT_EQ(cmp(r8(1 + 1e-8), r4(1)), VARCMP_EQ);
  EXPECT_EQ(cmp(r4(1), date(1 + 1e-8)), VARCMP_EQ);
  EXPECT_EQ(cmp(r8(1 + 1e-8), r8(1)), VARCMP_GT);
  EXPECT_EQ(cmp(r8(FLT_MAX * 1.1), r4(FLT_MAX)), VARCMP_GT);
  EXPECT_EQ(cmp(r4(FLT_MAX), r8(DBL_MAX)), VARCMP_LT);
  EXPECT_EQ(cmp(r4(1), dec(100000001, 8)), VARCMP_LT);  // DECIMAL keeps its digits
  VARIANT max = dec(~0ULL, 0);
  max.decVal.Hi32 = 0xFFFFFFFF;
  EXPECT_EQ(cmp(max, r8(DBL_MAX)), VARCMP_LT);
  EXPECT_EQ(cmp(date(1), date(1 + 1e-15)), VARCMP_LT);
  EXPECT_EQ(cmp(i4(1), r8(1.0)), VARCMP_EQ);
  EXPECT_EQ(cmp(cy(10000), i8(1)), VARCMP_EQ);
  EXPECT_EQ(cmp(cy(10001), i8(1)), VARCMP_GT);
  EXPECT_EQ(cmp(i8(LLONG_MAX), i8(LLONG_MAX - 1)), VARCMP_GT);
}

TEST(VarCmp, Strings) {
  text zero(u"0"), none(u""), seven(u"7"), minus1(u"-1"), fortytwo(u"42"), nul(nullptr);
  EXPECT_EQ(cmp(zero, zero), VARCMP_EQ);
  EXPECT_EQ(cmp(none, zero), VARCMP_LT);
  EXPECT_EQ(cmp(seven, zero), VARCMP_GT);
  EXPECT_EQ(cmp(seven, minus1), VARCMP_GT);
  EXPECT_EQ(cmp(seven, fortytwo), VARCMP_GT);
  EXPECT_EQ(cmp(nul, none), VARCMP_EQ);
  EXPECT_EQ(cmp(zero, nul), VARCMP_GT);
  EXPECT_EQ(cmp(nul, empty()), VARCMP_EQ);
  EXPECT_EQ(cmp(zero, empty()), VARCMP_GT);
  EXPECT_EQ(cmp(empty(), fortytwo), VARCMP_LT);
}

BSTR bytes(const char* p, UINT n) { return SysAllocStringByteLen(p, n); }

TEST(VarBstrCmp, NullsCaseAndLengths) {
  const LCID en = 0x409;
  BSTR w = SysAllocString(u"Wurscht"), e = SysAllocString(u"");
  EXPECT_EQ(VarBstrCmp(nullptr, nullptr, en, 0), VARCMP_EQ);
  EXPECT_EQ(VarBstrCmp(w, nullptr, en, 0), VARCMP_GT);
  EXPECT_EQ(VarBstrCmp(nullptr, w, en, 0), VARCMP_LT);
  EXPECT_EQ(VarBstrCmp(e, nullptr, en, 0), VARCMP_EQ);
  EXPECT_EQ(VarBstrCmp(nullptr, e, en, 0), VARCMP_EQ);
  BSTR a = SysAllocString(u"a"), A = SysAllocString(u"A");
  EXPECT_EQ(VarBstrCmp(a, A, en, 0), VARCMP_LT);
  EXPECT_EQ(VarBstrCmp(a, A, en, NORM_IGNORECASE), VARCMP_EQ);
  const OLECHAR a_nul[] = {u'a', 0}, a_nul_b[] = {u'a', 0, u'b'};
  BSTR a0 = SysAllocStringLen(a_nul, 2), a0b = SysAllocStringLen(a_nul_b, 3);
  EXPECT_EQ(VarBstrCmp(a, a0, en, 0), VARCMP_EQ);  // NUL has no weight
  EXPECT_EQ(VarBstrCmp(a, a0b, en, 0), VARCMP_LT);
  const char z2[] = {0, 0}, z3[] = {0, 0, 0}, s1[] = {1, 0, 1}, s2[] = {1, 0, 2};
  BSTR nul1 = bytes(z2, 2), nul1b = bytes(z3, 3);
  EXPECT_EQ(VarBstrCmp(nul1, e, en, 0), VARCMP_GT);
  EXPECT_EQ(VarBstrCmp(e, nul1, en, 0), VARCMP_LT);
  EXPECT_EQ(VarBstrCmp(nul1b, nul1, en, 0), VARCMP_EQ);
  // LCID 0 compares the bytes, odd byte counts included.
  BSTR b1 = bytes(s1, 3), b2 = bytes(s2, 3);
  EXPECT_EQ(VarBstrCmp(b1, b2, 0, 0), VARCMP_LT);
  EXPECT_EQ(VarBstrCmp(nul1b, nul1, 0, 0), VARCMP_GT);
  EXPECT_EQ(VarBstrCmp(nul1, e, 0, 0), VARCMP_GT);
  for (BSTR b : {w, e, a, A, a0, a0b, nul1, nul1b, b1, b2}) SysFreeString(b);
}

TEST(VarBstrCmp, WordSort) {
  struct row {
    const char16_t *l, *r;
    ULONG flags;
    HRESULT expected;
  };
  const row rows[] = {
      {u"1", u"-1", 0, VARCMP_LT},          // the hyphen counts last
      {u"-1", u"1", 0, VARCMP_GT},
      {u"2cents", u"-666", 0, VARCMP_LT},  // as against "666"
      {u"co-op", u"coop", 0, VARCMP_GT},
      {u"co-op", u"cop", 0, VARCMP_LT},
      {u"it's", u"its", 0, VARCMP_GT},
      {u"apple", u"Apple", 0, VARCMP_LT},
      {u"apple", u"Banana", 0, VARCMP_LT},  // letters before case
      {u"9", u"a", 0, VARCMP_LT},           // digits before letters
      {u"!", u"0", 0, VARCMP_LT},           // symbols before digits
      {u"{", u"0", 0, VARCMP_LT},
      {u"resume", u"r\u00e9sum\u00e9", 0, VARCMP_LT},  // accents decide a tie
      {u"r\u00e9sum\u00e9", u"resumes", 0, VARCMP_LT},
      {u"resume", u"r\u00e9sum\u00e9", NORM_IGNORENONSPACE, VARCMP_EQ},
      {u"a.b", u"ab", NORM_IGNORESYMBOLS, VARCMP_EQ},
      {u"\uff21", u"A", NORM_IGNOREWIDTH, VARCMP_EQ},  // full-width A
      {u"\uff21", u"A", 0, VARCMP_GT},
      {u"\u00c4", u"\u00e4", NORM_IGNORECASE, VARCMP_EQ},
  };
  for (const row& w : rows) {
    BSTR l = SysAllocString(reinterpret_cast<const OLECHAR*>(w.l)), r = SysAllocString(reinterpret_cast<const OLECHAR*>(w.r));
    EXPECT_EQ(VarBstrCmp(l, r, 0x409, w.flags), w.expected) << "row " << (&w - rows);
    SysFreeString(l);
    SysFreeString(r);
  }
}

TEST(VarBstrCat, JoinsBytes) {
  BSTR out = nullptr;
  BSTR a = SysAllocString(u"ab"), c = SysAllocString(u"cd");
  ASSERT_EQ(VarBstrCat(a, c, &out), S_OK);
  EXPECT_EQ(str(out), u"abcd");
  SysFreeString(out);
  ASSERT_EQ(VarBstrCat(nullptr, nullptr, &out), S_OK);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(SysStringByteLen(out), 0u);
  SysFreeString(out);
  const char odd[] = {'x', 'y', 'z'};
  BSTR o = SysAllocStringByteLen(odd, 3);
  ASSERT_EQ(VarBstrCat(o, o, &out), S_OK);
  EXPECT_EQ(SysStringByteLen(out), 6u);
  EXPECT_EQ(std::memcmp(out, "xyzxyz", 6), 0);
  SysFreeString(out);
  EXPECT_EQ(VarBstrCat(a, c, nullptr), E_INVALIDARG);
  for (BSTR b : {a, c, o}) SysFreeString(b);
}

}  // namespace
