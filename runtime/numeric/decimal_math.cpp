// runtime/numeric/decimal_math.cpp - see decimal_math.h.
#include "decimal_math.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace comkit::rt {

u128 pow10_u128(int n) noexcept {
  static const u128* table = [] {
    static u128 t[39];
    t[0] = 1;
    for (int i = 1; i < 39; ++i) t[i] = t[i - 1] * 10;
    return t;
  }();
  return table[n < 0 ? 0 : (n > 38 ? 38 : n)];
}

bool dec_from_decimal(const DECIMAL& d, dec& out) noexcept {
  if (d.scale > 28 || (d.sign != 0 && d.sign != DECIMAL_NEG)) return false;
  out.m = (u128(d.Hi32) << 64) | d.Lo64;
  out.scale = d.scale;
  out.neg = d.sign == DECIMAL_NEG;
  return true;
}

void dec_store(const dec& v, DECIMAL* out) noexcept {
  out->scale = static_cast<BYTE>(v.scale);
  out->sign = v.neg ? DECIMAL_NEG : 0;
  out->Hi32 = static_cast<ULONG>(v.m >> 64);
  out->Lo64 = static_cast<ULONGLONG>(v.m);
}

void decimal_store(const DECIMAL& from, DECIMAL* out) noexcept {
  out->scale = from.scale;
  out->sign = from.sign;
  out->Hi32 = from.Hi32;
  out->Lo64 = from.Lo64;
}

u128 div_pow10_round(u128 m, int n) noexcept {
  if (n <= 0) return m;
  if (n > 38) return 0;
  const u128 p = pow10_u128(n);
  u128 q = m / p, r = m % p;
  const u128 half = p / 2;
  if (r > half || (r == half && (q & 1))) ++q;
  return q;
}

bool dec_fit(dec& v) noexcept {
  while (v.m > dec_max_mantissa) {
    if (v.scale == 0) return false;
    // Drop one digit at a time, rounding once on the final step: find how
    // many digits must go, then divide with one rounding.
    int drop = 0;
    u128 t = v.m;
    while (t > dec_max_mantissa && drop < v.scale) {
      t /= 10;
      ++drop;
    }
    v.m = div_pow10_round(v.m, drop);
    v.scale -= drop;
  }
  return true;
}

void dec_clamp_scale(dec& v) noexcept {
  if (v.scale > 28) {
    v.m = div_pow10_round(v.m, v.scale - 28);
    v.scale = 28;
  }
}

// a·10^k without overflowing 128 bits? Returns false if it would.
static bool mul_pow10(u128 a, int k, u128& out) noexcept {
  u128 r = a;
  for (int i = 0; i < k; ++i) {
    if (r > (~u128(0)) / 10) return false;
    r *= 10;
  }
  out = r;
  return true;
}

HRESULT dec_add(const dec& a, const dec& b, dec& out) noexcept {
  // Align to the larger scale; mantissas are < 2^96 and scales <= 28, so a
  // 10^28 factor fits easily in 128 bits... except 2^96 * 10^28 does not:
  // fall back to lowering the larger scale when alignment overflows.
  dec x = a, y = b;
  int scale = x.scale > y.scale ? x.scale : y.scale;
  u128 xm, ym;
  while (!mul_pow10(x.m, scale - x.scale, xm) || !mul_pow10(y.m, scale - y.scale, ym)) {
    // Too wide: round the finer operand down one digit.
    if (x.scale >= y.scale && x.scale > 0) {
      x.m = div_pow10_round(x.m, 1);
      --x.scale;
    } else if (y.scale > 0) {
      y.m = div_pow10_round(y.m, 1);
      --y.scale;
    }
    scale = x.scale > y.scale ? x.scale : y.scale;
  }
  dec r;
  r.scale = scale;
  if (x.neg == y.neg) {
    // Both < 2^(96+94): the sum fits in 128 bits.
    r.m = xm + ym;
    r.neg = x.neg;
  } else if (xm >= ym) {
    r.m = xm - ym;
    r.neg = x.neg;
  } else {
    r.m = ym - xm;
    r.neg = y.neg;
  }
  if (!dec_fit(r)) return DISP_E_OVERFLOW;
  out = r;
  return S_OK;
}

HRESULT dec_mul(const dec& a, const dec& b, dec& out) noexcept {
  // 96 x 96 bits can need 192: multiply in pieces of 64 bits into a
  // 256-bit accumulator, then drop decimal digits until it fits.
  const std::uint64_t a0 = static_cast<std::uint64_t>(a.m), a1 = static_cast<std::uint64_t>(a.m >> 64);
  const std::uint64_t b0 = static_cast<std::uint64_t>(b.m), b1 = static_cast<std::uint64_t>(b.m >> 64);
  // words w[0..3] little-endian
  u128 p00 = u128(a0) * b0, p01 = u128(a0) * b1, p10 = u128(a1) * b0, p11 = u128(a1) * b1;
  std::uint64_t w[4] = {0, 0, 0, 0};
  auto add_at = [&](int i, u128 v) {
    u128 cur = v;
    for (int k = i; k < 4 && cur; ++k) {
      u128 s = u128(w[k]) + static_cast<std::uint64_t>(cur);
      w[k] = static_cast<std::uint64_t>(s);
      cur = (cur >> 64) + (s >> 64);
    }
  };
  add_at(0, p00);
  add_at(1, p01);
  add_at(1, p10);
  add_at(2, p11);
  int scale = a.scale + b.scale;
  const bool neg = a.neg != b.neg;
  // Divide the 256-bit value by 10 (tracking the remainder digits for a
  // half-even decision) while it exceeds 128 bits or the scale exceeds 28.
  bool sticky = false;
  int last_digit = 0;
  int dropped = 0;
  auto div10 = [&]() {
    u128 rem = 0;
    for (int k = 3; k >= 0; --k) {
      u128 cur = (rem << 64) | w[k];
      w[k] = static_cast<std::uint64_t>(cur / 10);
      rem = cur % 10;
    }
    if (dropped > 0 && last_digit != 0) sticky = true;
    last_digit = static_cast<int>(rem);
    ++dropped;
  };
  while ((w[3] || w[2]) || scale > 28) {
    if (scale == 0) return DISP_E_OVERFLOW;
    div10();
    --scale;
  }
  u128 m = (u128(w[1]) << 64) | w[0];
  if (dropped) {
    // Round on the most recently dropped digit, with the lower ones sticky.
    if (last_digit > 5 || (last_digit == 5 && (sticky || (m & 1)))) ++m;
  }
  dec r{m, scale, neg};
  if (!dec_fit(r)) return DISP_E_OVERFLOW;
  if (r.m == 0) r.neg = false;  // 0 x anything is +0
  out = r;
  return S_OK;
}

HRESULT dec_div(const dec& a, const dec& b, dec& out) noexcept {
  if (b.m == 0) return DISP_E_DIVBYZERO;
  const bool neg = a.neg != b.neg;
  if (a.m == 0) {
    out = dec{0, 0, false};
    return S_OK;
  }
  // Long division in base 10: scale the dividend up as far as 128 bits
  // allow, divide, and continue digit by digit until the quotient has 29
  // significant digits or the scale reaches 28, then round.
  u128 num = a.m, den = b.m;
  int scale = a.scale - b.scale;
  u128 q = num / den, r = num % den;
  // Bring the scale to >= 0 first (an exact quotient with negative scale).
  while (scale < 0) {
    if (q > dec_max_mantissa / 10) return DISP_E_OVERFLOW;
    // q*10 + (r*10)/den
    u128 r10 = r * 10;  // r < den < 2^96, so r*10 fits
    q = q * 10 + r10 / den;
    r = r10 % den;
    ++scale;
  }
  if (q > dec_max_mantissa) return DISP_E_OVERFLOW;
  bool exact = r == 0;
  while (r != 0 && scale < 28) {
    u128 r10 = r * 10;
    u128 digit = r10 / den;
    if (q > (dec_max_mantissa - digit) / 10) break;  // no room for another digit
    q = q * 10 + digit;
    r = r10 % den;
    ++scale;
  }
  if (r != 0) {
    // Round on the remainder: compare 2r with den.
    u128 twice = r * 2;
    if (twice > den || (twice == den && (q & 1))) ++q;
    if (q > dec_max_mantissa) {
      q = div_pow10_round(q, 1);
      --scale;
    }
  }
  dec res{q, scale, neg};
  if (!exact) {
    // Inexact quotients drop their trailing zeros.
    while (res.scale > 0 && res.m % 10 == 0) {
      res.m /= 10;
      --res.scale;
    }
  }
  out = res;
  return S_OK;
}

int dec_cmp(const dec& a, const dec& b) noexcept {
  if (a.m == 0 && b.m == 0) return 0;
  if (a.neg != b.neg) return a.neg ? -1 : 1;
  // Compare magnitudes at a common scale (256-bit safe via long division).
  dec x = a, y = b;
  int c;
  int s = x.scale > y.scale ? x.scale : y.scale;
  u128 xm, ym;
  if (mul_pow10(x.m, s - x.scale, xm) && mul_pow10(y.m, s - y.scale, ym)) {
    c = xm < ym ? -1 : (xm > ym ? 1 : 0);
  } else {
    // Integer parts first, then the fractions aligned to the common scale
    // (each below 10^28, so they fit).
    const u128 px = pow10_u128(x.scale), py = pow10_u128(y.scale);
    const u128 xi = x.m / px, yi = y.m / py;
    if (xi != yi) {
      c = xi < yi ? -1 : 1;
    } else {
      const u128 fx = (x.m % px) * pow10_u128(s - x.scale), fy = (y.m % py) * pow10_u128(s - y.scale);
      c = fx < fy ? -1 : (fx > fy ? 1 : 0);
    }
  }
  return a.neg ? -c : c;
}

bool dec_to_int(const dec& v, i128 lo, i128 hi, i128& out) noexcept {
  u128 mag = div_pow10_round(v.m, v.scale);
  if (mag > (u128(1) << 100)) return false;
  i128 val = v.neg ? -static_cast<i128>(mag) : static_cast<i128>(mag);
  if (val < lo || val > hi) return false;
  out = val;
  return true;
}

double dec_to_double(const dec& v) noexcept {
  // As OLE Automation does: the mantissa as a double, divided by 10^scale.
  double m = static_cast<double>(static_cast<std::uint64_t>(v.m >> 64)) * 18446744073709551616.0 +
             static_cast<double>(static_cast<std::uint64_t>(v.m));
  double r = m / std::pow(10.0, v.scale);
  return v.neg ? -r : r;
}

HRESULT dec_from_double(double x, int digits, dec& out) noexcept {
  if (std::isnan(x) || std::isinf(x)) return DISP_E_OVERFLOW;  // unverified on Windows
  if (x == 0) {
    out = dec{};
    return S_OK;
  }
  if (std::fabs(x) >= 79228162514264337593543950335.0) return DISP_E_OVERFLOW;
  // The shortest correct route to `digits` significant digits is the
  // library's own decimal conversion: %.*e gives them rounded to nearest.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", digits - 1, std::fabs(x));
  // buf: d.ddddde[+-]XX
  u128 m = 0;
  int ndig = 0;
  const char* p = buf;
  for (; *p && *p != 'e'; ++p) {
    if (*p >= '0' && *p <= '9') {
      m = m * 10 + static_cast<unsigned>(*p - '0');
      ++ndig;
    }
  }
  int exp10 = std::atoi(p + 1);
  // value = m * 10^(exp10 - (ndig-1))
  int scale = (ndig - 1) - exp10;
  while (scale < 0) {
    m *= 10;
    ++scale;
  }
  while (scale > 0 && m % 10 == 0) {
    m /= 10;
    --scale;
  }
  if (scale > 28) {
    m = div_pow10_round(m, scale - 28);
    scale = 28;
  }
  dec r{m, scale, x < 0};
  if (!dec_fit(r)) return DISP_E_OVERFLOW;
  if (r.m == 0) r.neg = false;
  out = r;
  return S_OK;
}

dec dec_from_int(i128 v) noexcept {
  dec r;
  r.neg = v < 0;
  r.m = r.neg ? u128(-v) : u128(v);
  return r;
}

std::string dec_to_string(const dec& v) {
  std::string digits;
  u128 m = v.m;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m);
  int scale = v.scale;
  // Strip trailing fractional zeros.
  while (scale > 0 && digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
    --scale;
  }
  if (scale > 0 && digits == "0") scale = 0;
  std::string s;
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) digits.insert(0, static_cast<std::size_t>(scale - static_cast<int>(digits.size()) + 1), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(scale), 1, '.');
  }
  if (v.neg && v.m != 0) s.push_back('-');
  s.append(digits);
  return s;
}

bool dec_to_cy(const dec& v, std::int64_t& out) noexcept {
  dec x = v;
  u128 m;
  if (x.scale > 4) {
    m = div_pow10_round(x.m, x.scale - 4);
  } else if (!mul_pow10(x.m, 4 - x.scale, m)) {
    return false;
  }
  if (x.neg) {
    if (m > (u128(1) << 63)) return false;
    out = static_cast<std::int64_t>(-static_cast<i128>(m));
  } else {
    if (m > u128(INT64_MAX)) return false;
    out = static_cast<std::int64_t>(m);
  }
  return true;
}

}  // namespace comkit::rt
