// runtime/numeric/decimal_ops.cpp - DECIMAL and CY arithmetic: VarDec*,
// VarCy*, VarR8Round, VarR4CmpR8. Exact (128-bit) integer arithmetic;
// rounding is half to even; comparisons return VARCMP_* as the HRESULT.
#include <cmath>

#include "decimal_math.h"

using namespace comkit::rt;

namespace {

HRESULT read2(const DECIMAL* a, const DECIMAL* b, DECIMAL* out, dec& x, dec& y) noexcept {
  if (!a || !b || !out) return E_INVALIDARG;
  if (!dec_from_decimal(*a, x) || !dec_from_decimal(*b, y)) return E_INVALIDARG;
  return S_OK;
}

HRESULT write(const dec& v, DECIMAL* out) noexcept {
  dec_store(v, out);
  return S_OK;
}

HRESULT cmp_result(int c) noexcept { return c < 0 ? VARCMP_LT : c > 0 ? VARCMP_GT : VARCMP_EQ; }

// Fix truncates toward zero, Int toward -infinity; the result has scale 0.
dec dec_integer_part(const dec& v, bool floor) noexcept {
  dec r = v;
  const u128 p = pow10_u128(v.scale);
  const bool fraction = v.m % p != 0;
  r.m = v.m / p;
  r.scale = 0;
  if (floor && v.neg && fraction) ++r.m;
  return r;
}

bool cy_checked(i128 x, CY* out) noexcept {
  if (x > INT64_MAX || x < INT64_MIN) return false;
  out->int64 = static_cast<std::int64_t>(x);
  return true;
}

// x / 10^k rounded half to even, for the currency products.
i128 round_div(i128 x, i128 d) noexcept {
  const bool neg = x < 0;
  u128 m = neg ? u128(-x) : u128(x);
  u128 q = m / u128(d), r = m % u128(d);
  if (2 * r > u128(d) || (2 * r == u128(d) && (q & 1))) ++q;
  return neg ? -static_cast<i128>(q) : static_cast<i128>(q);
}

}  // namespace

COMKIT_STDAPI VarDecAdd(const DECIMAL* pdecLeft, const DECIMAL* pdecRight, DECIMAL* pdecResult) {
  dec a, b, r;
  HRESULT hr = read2(pdecLeft, pdecRight, pdecResult, a, b);
  if (SUCCEEDED(hr)) hr = dec_add(a, b, r);
  return FAILED(hr) ? hr : write(r, pdecResult);
}

COMKIT_STDAPI VarDecSub(const DECIMAL* pdecLeft, const DECIMAL* pdecRight, DECIMAL* pdecResult) {
  dec a, b, r;
  HRESULT hr = read2(pdecLeft, pdecRight, pdecResult, a, b);
  b.neg = !b.neg;
  if (SUCCEEDED(hr)) hr = dec_add(a, b, r);
  return FAILED(hr) ? hr : write(r, pdecResult);
}

// The scale of a product is the sum of the scales, not normalised
// (0.0005 x 0.002 is 0.0000010); digits go only when 96 bits overflow.
COMKIT_STDAPI VarDecMul(const DECIMAL* pdecLeft, const DECIMAL* pdecRight, DECIMAL* pdecResult) {
  dec a, b, r;
  HRESULT hr = read2(pdecLeft, pdecRight, pdecResult, a, b);
  if (SUCCEEDED(hr)) hr = dec_mul(a, b, r);
  return FAILED(hr) ? hr : write(r, pdecResult);
}

// Up to 28 decimals, the last one rounded (2/3 = 0.6666666666666666666666666667);
// x/0 and 0/0 are DISP_E_DIVBYZERO.
COMKIT_STDAPI VarDecDiv(const DECIMAL* pdecLeft, const DECIMAL* pdecRight, DECIMAL* pdecResult) {
  dec a, b, r;
  HRESULT hr = read2(pdecLeft, pdecRight, pdecResult, a, b);
  if (SUCCEEDED(hr)) hr = dec_div(a, b, r);
  return FAILED(hr) ? hr : write(r, pdecResult);
}

COMKIT_STDAPI VarDecCmp(const DECIMAL* pdecLeft, const DECIMAL* pdecRight) {
  dec a, b;
  DECIMAL unused;
  HRESULT hr = read2(pdecLeft, pdecRight, &unused, a, b);
  return FAILED(hr) ? hr : cmp_result(dec_cmp(a, b));
}

COMKIT_STDAPI VarDecCmpR8(const DECIMAL* pdecLeft, double dblRight) {
  dec a, b;
  if (!pdecLeft || !dec_from_decimal(*pdecLeft, a)) return E_INVALIDARG;
  HRESULT hr = dec_from_double(dblRight, 15, b);
  return FAILED(hr) ? hr : cmp_result(dec_cmp(a, b));
}

// cDecimals at or above the scale returns the value unchanged; -0.1 rounds
// to -0, as Windows keeps the sign.
COMKIT_STDAPI VarDecRound(const DECIMAL* pdecIn, int cDecimals, DECIMAL* pdecResult) {
  dec a;
  if (!pdecIn || !pdecResult || cDecimals < 0) return E_INVALIDARG;
  if (!dec_from_decimal(*pdecIn, a)) return E_INVALIDARG;
  if (cDecimals >= a.scale) return write(a, pdecResult);
  a.m = div_pow10_round(a.m, a.scale - cDecimals);
  a.scale = cDecimals;
  return write(a, pdecResult);
}

COMKIT_STDAPI VarDecFix(const DECIMAL* pdecIn, DECIMAL* pdecResult) {
  dec a;
  if (!pdecIn || !pdecResult || !dec_from_decimal(*pdecIn, a)) return E_INVALIDARG;
  return write(dec_integer_part(a, false), pdecResult);
}

COMKIT_STDAPI VarDecInt(const DECIMAL* pdecIn, DECIMAL* pdecResult) {
  dec a;
  if (!pdecIn || !pdecResult || !dec_from_decimal(*pdecIn, a)) return E_INVALIDARG;
  return write(dec_integer_part(a, true), pdecResult);
}

// Neither validates: Neg flips the sign bit (Neg(0) is -0), Abs clears it.
COMKIT_STDAPI VarDecNeg(const DECIMAL* pdecIn, DECIMAL* pdecResult) {
  if (!pdecIn || !pdecResult) return E_INVALIDARG;
  decimal_store(*pdecIn, pdecResult);
  pdecResult->sign ^= DECIMAL_NEG;
  return S_OK;
}

COMKIT_STDAPI VarDecAbs(const DECIMAL* pdecIn, DECIMAL* pdecResult) {
  if (!pdecIn || !pdecResult) return E_INVALIDARG;
  decimal_store(*pdecIn, pdecResult);
  pdecResult->sign &= static_cast<BYTE>(~DECIMAL_NEG);
  return S_OK;
}

// ---- CY --------------------------------------------------------------------------

COMKIT_STDAPI VarCyAdd(CY cyLeft, CY cyRight, CY* pcyResult) {
  if (!pcyResult) return E_INVALIDARG;
  return cy_checked(static_cast<i128>(cyLeft.int64) + cyRight.int64, pcyResult) ? S_OK : DISP_E_OVERFLOW;
}

COMKIT_STDAPI VarCySub(CY cyLeft, CY cyRight, CY* pcyResult) {
  if (!pcyResult) return E_INVALIDARG;
  return cy_checked(static_cast<i128>(cyLeft.int64) - cyRight.int64, pcyResult) ? S_OK : DISP_E_OVERFLOW;
}

// The 8-decimal product rounded half to even back to 4 decimals.
COMKIT_STDAPI VarCyMul(CY cyLeft, CY cyRight, CY* pcyResult) {
  if (!pcyResult) return E_INVALIDARG;
  const i128 p = static_cast<i128>(cyLeft.int64) * cyRight.int64;
  return cy_checked(round_div(p, 10000), pcyResult) ? S_OK : DISP_E_OVERFLOW;
}

COMKIT_STDAPI VarCyMulI4(CY cyLeft, LONG lRight, CY* pcyResult) {
  if (!pcyResult) return E_INVALIDARG;
  return cy_checked(static_cast<i128>(cyLeft.int64) * lRight, pcyResult) ? S_OK : DISP_E_OVERFLOW;
}

COMKIT_STDAPI VarCyMulI8(CY cyLeft, LONG64 lRight, CY* pcyResult) {
  if (!pcyResult) return E_INVALIDARG;
  return cy_checked(static_cast<i128>(cyLeft.int64) * lRight, pcyResult) ? S_OK : DISP_E_OVERFLOW;
}

COMKIT_STDAPI VarCyAbs(CY cyIn, CY* pcyResult) {
  if (!pcyResult) return E_INVALIDARG;
  const i128 v = cyIn.int64 < 0 ? -static_cast<i128>(cyIn.int64) : cyIn.int64;
  return cy_checked(v, pcyResult) ? S_OK : DISP_E_OVERFLOW;
}

COMKIT_STDAPI VarCyNeg(CY cyIn, CY* pcyResult) {
  if (!pcyResult) return E_INVALIDARG;
  return cy_checked(-static_cast<i128>(cyIn.int64), pcyResult) ? S_OK : DISP_E_OVERFLOW;
}

// Fix truncates (-1.9999 gives -1), Int floors (-1.0001 gives -2).
COMKIT_STDAPI VarCyFix(CY cyIn, CY* pcyResult) {
  if (!pcyResult) return E_INVALIDARG;
  pcyResult->int64 = cyIn.int64 / 10000 * 10000;
  return S_OK;
}

COMKIT_STDAPI VarCyInt(CY cyIn, CY* pcyResult) {
  if (!pcyResult) return E_INVALIDARG;
  std::int64_t q = cyIn.int64 / 10000;
  if (cyIn.int64 % 10000 < 0) --q;
  return cy_checked(static_cast<i128>(q) * 10000, pcyResult) ? S_OK : DISP_E_OVERFLOW;
}

// Half to even: 0.5 to 0 decimals is 0, 1.5 is 2. Negative cDecimals is
// E_INVALIDARG; 4 or more returns the value.
COMKIT_STDAPI VarCyRound(CY cyIn, int cDecimals, CY* pcyResult) {
  if (!pcyResult || cDecimals < 0) return E_INVALIDARG;
  if (cDecimals >= 4) {
    *pcyResult = cyIn;
    return S_OK;
  }
  i128 unit = 1;
  for (int i = cDecimals; i < 4; ++i) unit *= 10;
  return cy_checked(round_div(cyIn.int64, unit) * unit, pcyResult) ? S_OK : DISP_E_OVERFLOW;
}

COMKIT_STDAPI VarCyCmp(CY cyLeft, CY cyRight) {
  return cyLeft.int64 < cyRight.int64 ? VARCMP_LT : cyLeft.int64 > cyRight.int64 ? VARCMP_GT : VARCMP_EQ;
}

COMKIT_STDAPI VarCyCmpR8(CY cyLeft, double dblRight) {
  CY right;
  HRESULT hr = VarCyFromR8(dblRight, &right);
  return FAILED(hr) ? hr : VarCyCmp(cyLeft, right);
}

// ---- R8 / R4 ------------------------------------------------------------------------

// Half to even at the given number of decimals; negative is E_INVALIDARG.
COMKIT_STDAPI VarR8Round(double dblIn, int cDecimals, double* pdblResult) {
  if (!pdblResult || cDecimals < 0) return E_INVALIDARG;
  if (!std::isfinite(dblIn)) {
    *pdblResult = dblIn;
    return S_OK;
  }
  const double scale = std::pow(10.0, cDecimals);
  const double x = dblIn * scale;
  double f = std::floor(x), diff = x - f;
  double r = diff > 0.5 ? f + 1 : diff < 0.5 ? f : (std::fmod(f, 2.0) == 0 ? f : f + 1);
  *pdblResult = r / scale;
  return S_OK;
}

// The float widened to double, compared: VARCMP_LT/EQ/GT.
COMKIT_STDAPI VarR4CmpR8(float fltLeft, double dblRight) {
  const double l = fltLeft;
  return l < dblRight ? VARCMP_LT : l > dblRight ? VARCMP_GT : VARCMP_EQ;
}
