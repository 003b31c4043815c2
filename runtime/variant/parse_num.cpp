// runtime/variant/parse_num.cpp - VarParseNumFromStr, VarNumFromParseNum
// and VarR8Pow: the two halves of Windows' number reading, exposed.
//
// VarParseNumFromStr reads what NUMPRS_* allows: white space, one sign
// (leading or trailing), parentheses, the LCID's currency symbol (before
// once, after any number of times), its grouping separator after the first
// digit, its decimal separator, an exponent, &H/&O. A character
// it may not use ends the number: S_OK once a digit was read,
// DISP_E_TYPEMISMATCH before (or with NUMPRS_USE_ALL, when anything is
// left). Digits go to rgbDig without leading zeros and, for decimal
// numbers, without trailing zeros (they move into nPwr10); digits beyond
// cDig are dropped (NUMPRS_INEXACT when not zero) for VarNumFromParseNum to
// round.
//
// VarNumFromParseNum picks the smallest allowed integer type holding the
// value rounded half to even (I1, UI1, I2, UI2, I4, UI4, I8, UI8: signed
// first at each size), or for a fraction when R4/R8/CY/DECIMAL are allowed,
// the first of those that holds it; hex and octal pick by bit width and read
// the bits as two's complement.
#include <cfloat>
#include <cmath>
#include <cstring>

#include "variant/variant_internal.h"
#include "numeric/numtext.h"

using namespace comkit::rt;

COMKIT_STDAPI VarParseNumFromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, NUMPARSE* pnumprs, BYTE* rgbDig) {
  (void)dwFlags;  // LOCALE_NOUSEROVERRIDE: there are no user overrides to skip
  if (!pnumprs || !rgbDig) return E_INVALIDARG;
  return scan_number(strIn, *pnumprs, rgbDig, locale_of(lcid));
}

namespace {

struct int_type {
  VARTYPE vt;
  int bits;
  bool is_signed;
};
constexpr int_type int_types[] = {{VT_I1, 8, true},   {VT_UI1, 8, false},  {VT_I2, 16, true}, {VT_UI2, 16, false},
                                  {VT_I4, 32, true},  {VT_UI4, 32, false}, {VT_I8, 64, true}, {VT_UI8, 64, false}};

void store_integer(VARTYPE vt, i128 x, VARIANT& v) noexcept {
  const std::uint64_t bits = static_cast<std::uint64_t>(x);
  std::memcpy(&v.llVal, &bits, sizeof bits);  // little-endian: the low bytes are the narrow value
  v.vt = vt;
}

}  // namespace

COMKIT_STDAPI VarNumFromParseNum(NUMPARSE* pnumprs, BYTE* rgbDig, ULONG dwVtBits, VARIANT* pvar) {
  if (!pnumprs || !rgbDig || !pvar) return E_INVALIDARG;
  if (pnumprs->cDig < 0) return E_INVALIDARG;
  parsed_number p;
  if (const HRESULT hr = parsed_from_scan(*pnumprs, rgbDig, p); FAILED(hr)) return hr;
  const bool neg = p.neg;
  const ULONG int_bits = VTBIT_I1 | VTBIT_UI1 | VTBIT_I2 | VTBIT_UI2 | VTBIT_I4 | VTBIT_UI4 | VTBIT_I8 | VTBIT_UI8;

  if (p.radix) {
    // Hex or octal: the bits, into the narrowest allowed type, two's complement.
    const std::uint64_t bits = p.bits;
    int width = 0;
    while (width < 64 && (bits >> width)) ++width;
    for (const int_type& t : int_types) {
      if (!(dwVtBits & (1u << t.vt)) || width > t.bits) continue;
      i128 x = static_cast<i128>(bits);
      if (t.is_signed && ((bits >> (t.bits - 1)) & 1)) x -= static_cast<i128>(1) << t.bits;
      if (neg) x = -x;
      VARIANT v;
      VariantInit(&v);
      store_integer(t.vt, x, v);
      std::memcpy(pvar, &v, sizeof v);
      return S_OK;
    }
    const double d = static_cast<double>(bits) * (neg ? -1 : 1);
    if (dwVtBits & VTBIT_R4) {
      pvar->vt = VT_R4;
      pvar->fltVal = static_cast<float>(d);
      return S_OK;
    }
    if (dwVtBits & VTBIT_R8) {
      pvar->vt = VT_R8;
      pvar->dblVal = d;
      return S_OK;
    }
    if ((dwVtBits & VTBIT_CY) && bits <= 922337203685477u) {
      pvar->vt = VT_CY;
      pvar->cyVal.int64 = static_cast<std::int64_t>(bits) * 10000 * (neg ? -1 : 1);
      return S_OK;
    }
    if (dwVtBits & VTBIT_DECIMAL) {
      dec_store(dec{bits, 0, neg}, &pvar->decVal);
      pvar->vt = VT_DECIMAL;
      return S_OK;
    }
    return dwVtBits ? DISP_E_OVERFLOW : DISP_E_TYPEMISMATCH;
  }

  // Whole when no significant digit lies right of the point (the digits
  // carry no trailing zeros).
  const bool integral = p.exponent >= 0 || p.digits.empty();
  const bool fraction_types = dwVtBits & (VTBIT_R4 | VTBIT_R8 | VTBIT_CY | VTBIT_DECIMAL);
  if ((dwVtBits & int_bits) && (integral || !fraction_types)) {
    i128 x;
    if (parsed_round(p, 0, x)) {
      for (const int_type& t : int_types) {
        if (!(dwVtBits & (1u << t.vt))) continue;
        const i128 lo = t.is_signed ? -(static_cast<i128>(1) << (t.bits - 1)) : 0;
        const i128 hi = t.is_signed ? (static_cast<i128>(1) << (t.bits - 1)) - 1 : (static_cast<i128>(1) << t.bits) - 1;
        if (x < lo || x > hi) continue;
        VARIANT v;
        VariantInit(&v);
        store_integer(t.vt, x, v);
        std::memcpy(pvar, &v, sizeof v);
        return S_OK;
      }
    }
  }
  if (dwVtBits & (VTBIT_R4 | VTBIT_R8)) {
    double d;
    if (SUCCEEDED(parsed_to_double(p, d)) && std::isfinite(d)) {
      if ((dwVtBits & VTBIT_R4) && std::fabs(d) <= FLT_MAX) {
        pvar->vt = VT_R4;
        pvar->fltVal = static_cast<float>(d);
        return S_OK;
      }
      if (dwVtBits & VTBIT_R8) {
        pvar->vt = VT_R8;
        pvar->dblVal = d;
        return S_OK;
      }
    }
  }
  if (dwVtBits & VTBIT_CY) {
    i128 x;
    if (parsed_round(p, 4, x) && x >= INT64_MIN && x <= INT64_MAX) {
      pvar->vt = VT_CY;
      pvar->cyVal.int64 = static_cast<std::int64_t>(x);
      return S_OK;
    }
  }
  if (dwVtBits & VTBIT_DECIMAL) {
    dec d;
    if (SUCCEEDED(parsed_to_dec(p, d))) {
      dec_store(d, &pvar->decVal);
      pvar->vt = VT_DECIMAL;
      return S_OK;
    }
  }
  return dwVtBits ? DISP_E_OVERFLOW : DISP_E_TYPEMISMATCH;
}

COMKIT_STDAPI VarR8Pow(double dblLeft, double dblRight, double* pdblResult) {
  if (!pdblResult) return E_INVALIDARG;
  *pdblResult = std::pow(dblLeft, dblRight);
  return S_OK;
}
