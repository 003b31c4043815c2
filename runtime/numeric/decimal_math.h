// runtime/numeric/decimal_math.h - exact decimal arithmetic for DECIMAL
// (96-bit mantissa, scale 0..28) and CY, shared by the conversions, the
// VarDec*/VarCy* functions and formatting. Never installed.
//
// A `dec` holds the mantissa in an unsigned 128-bit integer (only 96 bits
// are valid at rest; intermediate results may use more) with its scale and
// sign. Rounding is half to even throughout, as OLE Automation does.
#ifndef COMKIT_RUNTIME_DECIMAL_MATH_H
#define COMKIT_RUNTIME_DECIMAL_MATH_H

#include <oleauto.h>

#include <cstdint>
#include <string>

namespace comkit::rt {

// GCC/Clang 128-bit integers (__extension__: not ISO C++, on purpose).
__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 i128;
inline constexpr u128 dec_max_mantissa = (u128(1) << 96) - 1;

struct dec {
  u128 m = 0;
  int scale = 0;
  bool neg = false;
};

/// 10^n for n in 0..38.
u128 pow10_u128(int n) noexcept;

/// DECIMAL -> dec; false for scale > 28 or a sign other than 0/0x80.
bool dec_from_decimal(const DECIMAL& d, dec& out) noexcept;
/// Stores dec (mantissa within 96 bits, scale 0..28) in *out: every field
/// but wReserved, which is the VARIANT's vt when `out` is &V_DECIMAL(&v).
/// Windows' DECIMAL writers leave it alone, so code that sets
/// V_VT(&v) = VT_DECIMAL before filling V_DECIMAL(&v) keeps its type.
void dec_store(const dec& v, DECIMAL* out) noexcept;
/// Copies the value fields of `from` into *out, wReserved excepted.
void decimal_store(const DECIMAL& from, DECIMAL* out) noexcept;

/// Divides the mantissa by 10^n rounding half to even (n >= 0).
u128 div_pow10_round(u128 m, int n) noexcept;
/// Brings `v` within 96 bits by lowering the scale with rounding; false
/// when that would need a negative scale (overflow).
bool dec_fit(dec& v) noexcept;
/// Lowers the scale to at most 28 with rounding.
void dec_clamp_scale(dec& v) noexcept;

HRESULT dec_add(const dec& a, const dec& b, dec& out) noexcept;
HRESULT dec_mul(const dec& a, const dec& b, dec& out) noexcept;
HRESULT dec_div(const dec& a, const dec& b, dec& out) noexcept;
/// -1, 0, 1 by value (-0 == +0).
int dec_cmp(const dec& a, const dec& b) noexcept;

/// The value rounded half to even to an integer: false when it does not
/// fit in [lo, hi].
bool dec_to_int(const dec& v, i128 lo, i128 hi, i128& out) noexcept;
double dec_to_double(const dec& v) noexcept;
/// A double kept to `digits` significant digits (15 for R8, 7 for R4),
/// rounded half to even, trailing zeros stripped: DISP_E_OVERFLOW beyond
/// the DECIMAL range or for NaN/Inf.
HRESULT dec_from_double(double x, int digits, dec& out) noexcept;
dec dec_from_int(i128 v) noexcept;

/// Digits with the scale's decimal point and a leading '-', trailing
/// fractional zeros removed ("1.5", "0.0009", "-2").
std::string dec_to_string(const dec& v);

/// CY (int64 scaled by 10^4) helpers.
inline dec dec_from_cy(std::int64_t cy) noexcept {
  dec v;
  v.neg = cy < 0;
  v.m = v.neg ? u128(-(static_cast<i128>(cy))) : u128(cy);
  v.scale = 4;
  return v;
}
/// The value rounded half to even to 4 decimals, as a CY; false if out of
/// range.
bool dec_to_cy(const dec& v, std::int64_t& out) noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_DECIMAL_MATH_H
