// fuzz/variant_fuzzer.cpp - libFuzzer target over VariantChangeType and the
// text parsers (VarXxxFromStr, VarDateFromStr). The input is either text
// (parsed into every type) or a scalar VARIANT (type byte + value bytes,
// no pointer types) changed into every type. Beyond "no crash, no leak"
// it checks: VarParseNumFromStr + VarNumFromParseNum agree with
// VarI4FromStr and VarR8FromStr; the operators (VarAdd ... VarCat, VarCmp) leave their operands
// alone and write VT_EMPTY on failure; a failed change leaves the destination untouched, and what
// VarBstrFromXxx writes for an I4, I8 or R8 parses back to the same value.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include <objbase.h>
#include <oleauto.h>

namespace {

const VARTYPE targets[] = {VT_EMPTY, VT_NULL, VT_I2, VT_I4, VT_R4, VT_R8, VT_CY, VT_DATE, VT_BSTR, VT_ERROR, VT_BOOL, VT_DECIMAL,
                           VT_I1, VT_UI1, VT_UI2, VT_UI4, VT_I8, VT_UI8, VT_INT, VT_UINT, VT_UNKNOWN, VT_RECORD, 0x3847};
const VARTYPE scalars[] = {VT_I2, VT_I4, VT_R4, VT_R8, VT_CY, VT_DATE, VT_BOOL, VT_DECIMAL, VT_I1, VT_UI1, VT_UI2, VT_UI4, VT_I8, VT_UI8, VT_INT, VT_UINT, VT_EMPTY, VT_NULL, VT_ERROR};

void change_everywhere(const VARIANT& src) {
  for (VARTYPE t : targets) {
    VARIANT dst;
    VariantInit(&dst);
    dst.vt = VT_I2;
    dst.iVal = 0x1234;
    HRESULT hr = VariantChangeTypeEx(&dst, &src, 0x409, 0, t);
    if (FAILED(hr)) {
      if (dst.vt != VT_I2 || dst.iVal != 0x1234) std::abort();  // untouched on failure
      continue;
    }
    if (dst.vt != t) std::abort();  // exactly the type asked for (VT_INT stays VT_INT)
    VariantClear(&dst);
  }
}

using binary_fn = HRESULT(STDAPICALLTYPE*)(LPVARIANT, LPVARIANT, LPVARIANT);
using unary_fn = HRESULT(STDAPICALLTYPE*)(LPVARIANT, LPVARIANT);

// Every operator on the pair, both ways round: the operands stay as they
// were, a failure writes VT_EMPTY, a success leaves a clearable VARIANT.
void operate(const VARIANT& a, const VARIANT& b) {
  const binary_fn binary[] = {VarAdd, VarSub, VarMul, VarDiv, VarIdiv, VarMod, VarPow, VarAnd, VarOr, VarXor, VarEqv, VarImp, VarCat};
  const unary_fn unary[] = {VarNeg, VarAbs, VarFix, VarInt, VarNot};
  for (int swap = 0; swap < 2; ++swap) {
    VARIANT l = swap ? b : a, r = swap ? a : b;
    for (binary_fn f : binary) {
      VARIANT out;
      VariantInit(&out);
      out.vt = VT_I4;
      const HRESULT hr = f(&l, &r, &out);
      if (std::memcmp(&l, swap ? &b : &a, sizeof l) != 0 || std::memcmp(&r, swap ? &a : &b, sizeof r) != 0) std::abort();
      if (FAILED(hr) && out.vt != VT_EMPTY) std::abort();
      if (FAILED(VariantClear(&out))) std::abort();
    }
    for (unary_fn f : unary) {
      VARIANT out;
      VariantInit(&out);
      if (FAILED(f(&l, &out)) && out.vt != VT_EMPTY) std::abort();
      if (FAILED(VariantClear(&out))) std::abort();
    }
    VARIANT out;
    VariantInit(&out);
    VarRound(&l, 2, &out);
    if (FAILED(VariantClear(&out))) std::abort();
    if (VarCmp(&l, &r, 0x409, 0) == E_UNEXPECTED) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > 4096) return 0;
  if (data[0] & 1) {
    // Text: bytes as UTF-16 code units, low byte first.
    std::u16string text;
    for (std::size_t i = 1; i + 1 < size; i += 2) text.push_back(static_cast<char16_t>(data[i] | (data[i + 1] << 8)));
    BSTR b = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(text.c_str()), static_cast<UINT>(text.size()));
    if (!b) return 0;
    VARIANT v;
    VariantInit(&v);
    v.vt = VT_BSTR;
    v.bstrVal = b;
    change_everywhere(v);
    VARIANT two;
    VariantInit(&two);
    two.vt = VT_I4;
    two.lVal = 2;
    operate(v, two);
    // The two-step path must agree with VarI4FromStr and VarR8FromStr (one
    // scanner, two ways to turn its digits into a value).
    NUMPARSE np{};
    np.cDig = 64;
    np.dwInFlags = NUMPRS_STD;
    BYTE rgb[64];
    const bool parsed = SUCCEEDED(VarParseNumFromStr(b, 0x409, 0, &np, rgb));
    if (parsed && !(np.dwOutFlags & NUMPRS_INEXACT)) {
      VARIANT n;
      VariantInit(&n);
      LONG l = 0;
      const HRESULT a = VarNumFromParseNum(&np, rgb, VTBIT_I4, &n), c = VarI4FromStr(b, 0x409, 0, &l);
      if (a != c || (SUCCEEDED(a) && n.lVal != l)) std::abort();
      DOUBLE r = 0;
      const HRESULT a8 = VarNumFromParseNum(&np, rgb, VTBIT_R8, &n), c8 = VarR8FromStr(b, 0x409, 0, &r);
      if (a8 != c8 || (SUCCEEDED(a8) && n.dblVal != r)) std::abort();
    } else if (!parsed) {
      LONG l;
      if (SUCCEEDED(VarI4FromStr(b, 0x409, 0, &l))) std::abort();
    }
    DATE d;
    VarDateFromStr(b, 0x409, 0, &d);
    DECIMAL dec;
    VarDecFromStr(b, 0x409, 0, &dec);
    // The same text in another locale's symbols and names.
    static const LCID lcids[] = {0x0407, 0x040C, 0x0411, 0x0419, 0x0804};
    const LCID lcid = lcids[text.size() % (sizeof lcids / sizeof lcids[0])];
    double r;
    VarR8FromStr(b, lcid, 0, &r);
    VarDateFromStr(b, lcid, 0, &d);
    VARIANT_BOOL vb;
    VarBoolFromStr(b, lcid, VAR_LOCALBOOL, &vb);
    // The text as a format string, for a number, a date, a string and Null:
    // a result or a clean error, never a BSTR on failure.
    VARIANT values[4];
    for (VARIANT& x : values) VariantInit(&x);
    values[0].vt = VT_R8;
    values[0].dblVal = -1234.5678;
    values[1].vt = VT_DATE;
    values[1].date = 44260.588;
    values[2] = v;  // borrowed: VarFormat only reads it
    values[3].vt = VT_NULL;
    for (VARIANT& x : values) {
      BSTR out = reinterpret_cast<BSTR>(1);
      const HRESULT hr = VarFormat(&x, b, 0, 0, 0, &out);
      if (FAILED(hr) && out) std::abort();
      SysFreeString(out);
    }
    VariantClear(&v);
    return 0;
  }
  // A scalar VARIANT from the bytes.
  VARIANT v;
  std::memset(&v, 0, sizeof v);
  const VARTYPE vt = scalars[data[1 % size] % (sizeof scalars / sizeof scalars[0])];
  std::memcpy(reinterpret_cast<unsigned char*>(&v) + 8, data + 2 > data + size ? data : data + (size > 2 ? 2 : size),
              size > 2 ? (size - 2 < 16 ? size - 2 : 16) : 0);
  if (vt == VT_DECIMAL) std::memcpy(&v, data + (size > 2 ? 2 : 0), size > 18 ? 16 : 0);
  v.vt = vt;
  change_everywhere(v);
  // The operators, with a second scalar from the last bytes.
  VARIANT w;
  std::memset(&w, 0, sizeof w);
  if (size > 4) {
    std::memcpy(reinterpret_cast<unsigned char*>(&w) + 8, data + size - 4, 4);
    w.vt = scalars[data[size - 5 < 1 ? 0 : size - 5] % (sizeof scalars / sizeof scalars[0])];
    if (w.vt == VT_DECIMAL) std::memset(&w, 0, sizeof w), w.vt = VT_DECIMAL, w.decVal.Lo32 = data[size - 1];
  }
  operate(v, w);
  // Any type word at all with NULL pointers: every operator must refuse or
  // handle it without reading through them.
  if (size > 8) {
    VARIANT odd;
    std::memset(&odd, 0, sizeof odd);
    odd.vt = static_cast<VARTYPE>(data[size - 7] | (data[size - 8] << 8));
    if ((odd.vt & VT_TYPEMASK) != VT_DECIMAL) {
      operate(odd, v);
      operate(odd, odd);
    }
  }
  // Round trips through text.
  BSTR b = nullptr;
  if (vt == VT_I4 && SUCCEEDED(VarBstrFromI4(v.lVal, 0x409, 0, &b))) {
    LONG back = 0;
    if (FAILED(VarI4FromStr(b, 0x409, 0, &back)) || back != v.lVal) std::abort();
  } else if (vt == VT_I8 && SUCCEEDED(VarBstrFromI8(v.llVal, 0x409, 0, &b))) {
    LONG64 back = 0;
    if (FAILED(VarI8FromStr(b, 0x409, 0, &back)) || back != v.llVal) std::abort();
  } else if (vt == VT_R8 && std::isfinite(v.dblVal) && SUCCEEDED(VarBstrFromR8(v.dblVal, 0x409, 0, &b))) {
    DOUBLE back = 0;
    const HRESULT hr = VarR8FromStr(b, 0x409, 0, &back);
    // 15 significant digits round the largest doubles up past DBL_MAX
    // ("1.79769313486232E+308"), which then overflows, as on Windows.
    if (hr == DISP_E_OVERFLOW && std::fabs(v.dblVal) >= 1.797693134862315e308) {
      SysFreeString(b);
      return 0;
    }
    if (FAILED(hr)) std::abort();
    if (v.dblVal != 0 && std::fabs(back - v.dblVal) > std::fabs(v.dblVal) * 1e-14) std::abort();
  }
  SysFreeString(b);
  return 0;
}
