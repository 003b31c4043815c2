// runtime/automation/parse_num.cpp - VarParseNumFromStr, VarNumFromParseNum
// and VarR8Pow: the two halves of Windows' number reading, exposed.
//
// VarParseNumFromStr reads what NUMPRS_* allows: white space, one sign
// (leading or trailing), parentheses, '$' (before once, after any number of
// times), ',' after the first digit, '.', an exponent, &H/&O. A character
// it may not use ends the number: S_OK once a digit was read,
// DISP_E_TYPEMISMATCH before (or with NUMPRS_USE_ALL, when anything is
// left). Digits go to rgbDig without leading zeros and, for decimal
// numbers, without trailing zeros (they move into nPwr10); digits beyond
// cDig are dropped (NUMPRS_INEXACT when not zero) for VarNumFromParseNum to
// round. Every LCID reads as en-US.
//
// VarNumFromParseNum picks the smallest allowed integer type holding the
// value rounded half to even (I1, UI1, I2, UI2, I4, UI4, I8, UI8: signed
// first at each size), or for a fraction when R4/R8/CY/DECIMAL are allowed,
// the first of those that holds it; hex and octal pick by bit width and read
// the bits as two's complement.
#include <cfloat>
#include <cmath>
#include <cstring>

#include "automation_internal.h"
#include "numtext.h"

using namespace comkit::rt;

namespace {

bool white(OLECHAR c) noexcept { return c == u' ' || c == 0xA0 || (c >= 0x09 && c <= 0x0D); }
bool decimal_digit(OLECHAR c) noexcept { return c >= u'0' && c <= u'9'; }
int radix_digit(OLECHAR c, int shift) noexcept {
  if (c >= u'0' && c <= u'7') return c - u'0';
  if (shift == 3) return -1;
  if (c >= u'8' && c <= u'9') return c - u'0';
  if (c >= u'a' && c <= u'f') return c - u'a' + 10;
  if (c >= u'A' && c <= u'F') return c - u'A' + 10;
  return -1;
}

// Writes digits into rgbDig as they come, dropping what does not fit.
struct digit_sink {
  BYTE* rgb;
  int room;
  int stored = 0;
  bool significant = false;  // a non-zero digit has been seen
  bool inexact = false;
  // Returns false when the digit did not fit (it was dropped).
  bool put(int d) noexcept {
    if (!significant && d == 0) return true;  // leading zero
    significant = true;
    if (stored < room) {
      rgb[stored++] = static_cast<BYTE>(d);
      return true;
    }
    if (d) inexact = true;
    return false;
  }
};

}  // namespace

COMKIT_STDAPI VarParseNumFromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, NUMPARSE* pnumprs, BYTE* rgbDig) {
  (void)lcid;
  (void)dwFlags;
  if (!pnumprs || !rgbDig) return E_INVALIDARG;
  if (!strIn) return DISP_E_TYPEMISMATCH;
  const ULONG in = pnumprs->dwInFlags;
  const OLECHAR* s = strIn;
  ULONG out = 0;
  std::size_t i = 0;
  bool sign = false, paren = false, currency = false;

  // Before the digits.
  for (;;) {
    const OLECHAR c = s[i];
    if (white(c) && (in & NUMPRS_LEADING_WHITE)) {
      out |= NUMPRS_LEADING_WHITE;
    } else if (c == u'+' && (in & NUMPRS_LEADING_PLUS) && !sign) {
      out |= NUMPRS_LEADING_PLUS;
      sign = true;
    } else if (c == u'-' && (in & NUMPRS_LEADING_MINUS) && !sign) {
      out |= NUMPRS_LEADING_MINUS | NUMPRS_NEG;
      sign = true;
    } else if (c == u'(' && (in & NUMPRS_PARENS) && !paren) {
      paren = true;
    } else if (c == u'$' && (in & NUMPRS_CURRENCY) && !currency) {
      out |= NUMPRS_CURRENCY;
      currency = true;
    } else {
      break;
    }
    ++i;
  }

  digit_sink sink{rgbDig, pnumprs->cDig < 0 ? 0 : pnumprs->cDig};
  long long pwr = 0;
  int shift = 0;
  bool any_digit = false;
  // &H/&O only on its own: not after '$' (as Windows), nor after a sign or
  // '(' (unconfirmed; the same in VarXxxFromStr).
  if ((in & NUMPRS_HEX_OCT) && !currency && !sign && !paren && s[i] == u'&' &&
      (s[i + 1] == u'h' || s[i + 1] == u'H' || s[i + 1] == u'o' || s[i + 1] == u'O')) {
    const int k = (s[i + 1] == u'h' || s[i + 1] == u'H') ? 4 : 3;
    if (radix_digit(s[i + 2], k) >= 0) {
      shift = k;
      i += 2;
      for (int d; (d = radix_digit(s[i], shift)) >= 0; ++i) {
        if (!sink.put(d)) return DISP_E_OVERFLOW;  // no room for every bit
        any_digit = true;
      }
      out |= NUMPRS_HEX_OCT;
      if (!sink.significant) {  // "&H0"
        if (sink.room > 0) rgbDig[0] = 0;
        sink.stored = 1;
      }
    }
  }
  if (!shift) {
    bool point = false;
    for (;; ++i) {
      const OLECHAR c = s[i];
      if (decimal_digit(c)) {
        any_digit = true;
        const int d = c - u'0';
        // After the point every digit kept (or a leading zero) moves the
        // point; before it, every digit dropped for lack of room does.
        if (sink.put(d)) {
          if (point) --pwr;
        } else if (!point) {
          ++pwr;
        }
      } else if (c == u',' && (in & NUMPRS_THOUSANDS) && any_digit && !point) {
        out |= NUMPRS_THOUSANDS;
      } else if (c == u'.' && (in & NUMPRS_DECIMAL) && !point) {
        point = true;
        out |= NUMPRS_DECIMAL;
      } else {
        break;
      }
    }
    if (!any_digit) return DISP_E_TYPEMISMATCH;
    // An exponent: e or E, an optional sign, at least one digit.
    const OLECHAR e = s[i];
    if ((in & NUMPRS_EXPONENT) && (e == u'e' || e == u'E')) {
      std::size_t j = i + 1;
      bool neg = false;
      if (s[j] == u'+' || s[j] == u'-') neg = s[j++] == u'-';
      if (decimal_digit(s[j])) {
        long long x = 0;
        for (; decimal_digit(s[j]); ++j)
          if (x < 0x7FFFFFF) x = x * 10 + (s[j] - u'0');  // saturates: zero stays zero, the rest overflows later
        pwr += neg ? -x : x;
        out |= NUMPRS_EXPONENT;
        i = j;
      }
    }
    if (!sink.significant) {
      // Zero: one digit, keeping the precision it was written with.
      if (sink.room > 0) rgbDig[0] = 0;
      sink.stored = 1;
    } else {
      while (sink.stored > 1 && rgbDig[sink.stored - 1] == 0) {  // trailing zeros become the exponent
        --sink.stored;
        ++pwr;
      }
    }
  } else if (!any_digit) {
    return DISP_E_TYPEMISMATCH;
  }
  if (!any_digit) return DISP_E_TYPEMISMATCH;

  // After the digits (after hex or octal, only white space).
  for (;;) {
    const OLECHAR c = s[i];
    if (white(c) && (in & NUMPRS_TRAILING_WHITE)) {
      out |= NUMPRS_TRAILING_WHITE;
    } else if (shift) {
      break;
    } else if (c == u'+' && (in & NUMPRS_TRAILING_PLUS) && !sign) {
      out |= NUMPRS_TRAILING_PLUS;
      sign = true;
    } else if (c == u'-' && (in & NUMPRS_TRAILING_MINUS) && !sign) {
      out |= NUMPRS_TRAILING_MINUS | NUMPRS_NEG;
      sign = true;
    } else if (c == u')' && paren) {
      out |= NUMPRS_PARENS | NUMPRS_NEG;
      paren = false;
    } else if (c == u'$' && (in & NUMPRS_CURRENCY) && !shift) {
      out |= NUMPRS_CURRENCY;
    } else {
      break;
    }
    ++i;
  }
  if (paren) return DISP_E_TYPEMISMATCH;  // "(1" without its ")"
  if ((in & NUMPRS_USE_ALL) && s[i]) return DISP_E_TYPEMISMATCH;
  if (pwr > 0x7FFFFFF) pwr = 0x7FFFFFF;
  if (pwr < -0x7FFFFFF) pwr = -0x7FFFFFF;
  if (sink.inexact) out |= NUMPRS_INEXACT;
  pnumprs->cDig = sink.stored;
  pnumprs->dwOutFlags = out;
  pnumprs->cchUsed = static_cast<INT>(i);
  pnumprs->nBaseShift = shift;
  pnumprs->nPwr10 = shift ? 0 : static_cast<INT>(pwr);
  return S_OK;
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
  const int n = pnumprs->cDig;
  if (n < 0) return E_INVALIDARG;
  const bool neg = pnumprs->dwOutFlags & NUMPRS_NEG;
  const ULONG int_bits = VTBIT_I1 | VTBIT_UI1 | VTBIT_I2 | VTBIT_UI2 | VTBIT_I4 | VTBIT_UI4 | VTBIT_I8 | VTBIT_UI8;

  if (pnumprs->nBaseShift) {
    // Hex or octal: the bits, into the narrowest allowed type, two's complement.
    const int shift = pnumprs->nBaseShift;
    if (shift != 3 && shift != 4) return E_INVALIDARG;
    u128 bits = 0;
    for (int k = 0; k < n; ++k) {
      if (rgbDig[k] >= (1u << shift)) return E_INVALIDARG;
      bits = (bits << shift) | rgbDig[k];
      if (bits >> 64) return DISP_E_OVERFLOW;
    }
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
      pvar->decVal = dec_to_decimal(dec{bits, 0, neg});
      pvar->vt = VT_DECIMAL;
      return S_OK;
    }
    return dwVtBits ? DISP_E_OVERFLOW : DISP_E_TYPEMISMATCH;
  }

  parsed_number p;
  p.neg = neg;
  p.exponent = pnumprs->nPwr10;
  for (int k = 0; k < n; ++k) {
    if (rgbDig[k] > 9) return E_INVALIDARG;
    if (p.digits.empty() && rgbDig[k] == 0) continue;
    p.digits.push_back(static_cast<char>('0' + rgbDig[k]));
  }
  // Whole when every digit right of the point is zero.
  bool integral = true;
  if (p.exponent < 0) {
    const std::size_t frac = static_cast<std::size_t>(-p.exponent);
    for (std::size_t k = 0; k < frac && k < p.digits.size(); ++k)
      if (p.digits[p.digits.size() - 1 - k] != '0') integral = false;
  }
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
      pvar->decVal = dec_to_decimal(d);
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
