// runtime/numeric/numtext.cpp - see numtext.h.
#include "numtext.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

namespace comkit::rt {
namespace {

bool white(OLECHAR c) noexcept { return c == u' ' || c == 0xA0 || (c >= 0x09 && c <= 0x0D); }
bool decimal_digit(OLECHAR c) noexcept { return c >= u'0' && c <= u'9'; }
bool space_like(OLECHAR c) noexcept { return c == u' ' || c == 0xA0 || c == 0x202F; }

/// The length of the locale's currency symbol at s, 0 when it is not there.
std::size_t currency_at(const OLECHAR* s, const locale_info& li) noexcept {
  const std::size_t n = li.currency.size();
  if (n == 0) return 0;
  for (std::size_t k = 0; k < n; ++k)
    if (s[k] != li.currency[k]) return 0;  // stops at the terminator: it differs from every symbol character
  return n;
}

/// A grouping separator of the locale at s[0] (s[1] is the next character).
bool grouping_at(const OLECHAR* s, const locale_info& li) noexcept {
  if (li.space_grouping) return space_like(s[0]) && decimal_digit(s[1]);
  return s[0] == li.thousands;
}
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

HRESULT scan_number(const OLECHAR* s, NUMPARSE& np, BYTE* rgbDig, const locale_info& li) noexcept {
  if (!s) return DISP_E_TYPEMISMATCH;
  const ULONG in = np.dwInFlags;
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
    } else if (const std::size_t n = (in & NUMPRS_CURRENCY) && !currency ? currency_at(s + i, li) : 0) {
      out |= NUMPRS_CURRENCY;
      currency = true;
      i += n;
      continue;
    } else {
      break;
    }
    ++i;
  }

  digit_sink sink{rgbDig, np.cDig < 0 ? 0 : np.cDig};
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
      } else if ((in & NUMPRS_THOUSANDS) && any_digit && !point && grouping_at(s + i, li)) {
        out |= NUMPRS_THOUSANDS;
      } else if (c == li.decimal && (in & NUMPRS_DECIMAL) && !point) {
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
    } else if (const std::size_t n = (in & NUMPRS_CURRENCY) ? currency_at(s + i, li) : 0) {
      out |= NUMPRS_CURRENCY;
      i += n;
      continue;
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
  np.cDig = sink.stored;
  np.dwOutFlags = out;
  np.cchUsed = static_cast<INT>(i);
  np.nBaseShift = shift;
  np.nPwr10 = shift ? 0 : static_cast<INT>(pwr);
  return S_OK;
}


HRESULT parsed_from_scan(const NUMPARSE& np, const BYTE* rgbDig, parsed_number& out) noexcept {
  out = parsed_number{};
  out.neg = (np.dwOutFlags & NUMPRS_NEG) != 0;
  if (np.nBaseShift) {
    const int shift = np.nBaseShift;
    if (shift != 3 && shift != 4) return E_INVALIDARG;
    std::uint64_t bits = 0;
    for (int k = 0; k < np.cDig; ++k) {
      if (rgbDig[k] >= (1u << shift)) return E_INVALIDARG;
      if (bits >> (64 - shift)) return DISP_E_OVERFLOW;  // more than 64 bits
      bits = (bits << shift) | rgbDig[k];
    }
    out.radix = true;
    out.bits = bits;
    return S_OK;
  }
  out.exponent = np.nPwr10;
  // The digits without leading zeros (zero has none) or trailing zeros
  // (which a caller's own rgbDig may hold).
  int first = 0, last = np.cDig;
  while (first < last && rgbDig[first] == 0) ++first;
  while (last > first && rgbDig[last - 1] == 0) {
    --last;
    ++out.exponent;
  }
  try {
    out.digits.resize(static_cast<std::size_t>(last - first));
  } catch (...) {
    return E_OUTOFMEMORY;
  }
  for (int k = first; k < last; ++k) {
    if (rgbDig[k] > 9) return E_INVALIDARG;
    out.digits[static_cast<std::size_t>(k - first)] = static_cast<char>('0' + rgbDig[k]);
  }
  return S_OK;
}

HRESULT parse_number(const OLECHAR* s, parsed_number& out, const locale_info& li) noexcept {
  // Digits go to a stack buffer; a text with more digits than that is read
  // again with room for all of them, up to 4096 (beyond that the digits
  // cannot change any result).
  BYTE stack_digits[256];
  NUMPARSE np{};
  np.cDig = sizeof stack_digits;
  np.dwInFlags = NUMPRS_STD;
  HRESULT hr = scan_number(s, np, stack_digits, li);
  if (FAILED(hr) || np.cDig < static_cast<INT>(sizeof stack_digits)) return FAILED(hr) ? hr : parsed_from_scan(np, stack_digits, out);
  std::size_t len = 0;
  while (s[len] && len < 4096) ++len;
  std::unique_ptr<BYTE[]> big(new (std::nothrow) BYTE[len]);
  if (!big) return E_OUTOFMEMORY;
  np = NUMPARSE{};
  np.cDig = static_cast<INT>(len);
  np.dwInFlags = NUMPRS_STD;
  hr = scan_number(s, np, big.get(), li);
  return FAILED(hr) ? hr : parsed_from_scan(np, big.get(), out);
}

bool parsed_round(const parsed_number& p, int k, i128& out) noexcept {
  const long long shift = p.exponent + k;  // value x 10^k = digits x 10^shift
  const long long n = static_cast<long long>(p.digits.size());
  if (n == 0) {
    out = 0;
    return true;
  }
  u128 m = 0;
  if (shift >= 0) {
    if (n + shift > 38) return false;
    for (char c : p.digits) m = m * 10 + static_cast<unsigned>(c - '0');
    for (long long i = 0; i < shift; ++i) m *= 10;
  } else {
    const long long keep = n + shift;  // digits before the point
    if (keep > 38) return false;
    int first_dropped = 0;
    bool sticky = false;
    for (long long i = 0; i < n; ++i) {
      int d = p.digits[static_cast<std::size_t>(i)] - '0';
      if (i < keep) m = m * 10 + static_cast<unsigned>(d);
      else if (i == keep) first_dropped = d;
      else if (d) sticky = true;
    }
    if (keep < 0) {
      first_dropped = 0;  // value < 0.1 x 10^-k: rounds to 0
      sticky = true;
    }
    if (first_dropped > 5 || (first_dropped == 5 && (sticky || (m & 1)))) ++m;
  }
  if (m > (u128(1) << 126)) return false;
  out = p.neg ? -static_cast<i128>(m) : static_cast<i128>(m);
  return true;
}

HRESULT parsed_to_double(const parsed_number& p, double& out) noexcept {
  if (p.radix) {
    out = static_cast<double>(p.bits);
    return S_OK;
  }
  if (p.digits.empty()) {
    out = 0;
    return S_OK;
  }
  if (p.exponent + static_cast<long long>(p.digits.size()) > 400) return DISP_E_OVERFLOW;
  if (p.exponent + static_cast<long long>(p.digits.size()) < -400) {
    out = 0;
    return S_OK;
  }
  // Exact fast path: up to 15 digits times an exact power of ten is one
  // correctly rounded operation.
  static constexpr double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                           1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (p.digits.size() <= 15 && p.exponent >= -22 && p.exponent <= 22) {
    std::uint64_t m = 0;
    for (char c : p.digits) m = m * 10 + static_cast<unsigned>(c - '0');
    double v = static_cast<double>(m);
    v = p.exponent >= 0 ? v * exact_pow10[p.exponent] : v / exact_pow10[-p.exponent];
    out = p.neg ? -v : v;
    return S_OK;
  }
  std::string text = p.digits + "e" + std::to_string(p.exponent);
  double v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec == std::errc::result_out_of_range) {
    // Overflow is an error; underflow is 0, as on Windows.
    if (p.exponent > 0) return DISP_E_OVERFLOW;
    v = 0;
  }
  if (std::isinf(v)) return DISP_E_OVERFLOW;
  out = p.neg ? -v : v;
  return S_OK;
}

HRESULT parsed_to_dec(const parsed_number& p, dec& out) noexcept {
  if (p.radix) {
    out = dec{p.bits, 0, false};
    return S_OK;
  }
  dec v;
  v.neg = p.neg;
  if (p.digits.empty()) {
    out = dec{};
    return S_OK;
  }
  long long scale = -p.exponent;
  if (scale < 0) {
    i128 iv;
    if (!parsed_round(p, 0, iv)) return DISP_E_OVERFLOW;
    v.m = p.neg ? u128(-iv) : u128(iv);
    v.scale = 0;
  } else {
    const int k = static_cast<int>(scale > 28 ? 28 : scale);
    i128 iv;
    if (!parsed_round(p, k, iv)) {
      // Too many digits for 128 bits at this scale: fewer decimals.
      int kk = k;
      while (kk > 0 && !parsed_round(p, kk, iv)) --kk;
      if (!parsed_round(p, kk, iv)) return DISP_E_OVERFLOW;
      v.m = p.neg ? u128(-iv) : u128(iv);
      v.scale = kk;
    } else {
      v.m = p.neg ? u128(-iv) : u128(iv);
      v.scale = k;
    }
  }
  if (!dec_fit(v)) return DISP_E_OVERFLOW;
  if (v.m == 0) v.neg = false;
  out = v;
  return S_OK;
}

// Windows rounds the printed digits half away from zero on the value's
// exact decimal expansion (654322.25f prints as "654322.3").
std::string format_real(double x, int digits) {
  if (std::isnan(x)) return "NaN";  // unverified: no Windows test covers it
  if (std::isinf(x)) return x < 0 ? "-Infinity" : "Infinity";
  if (x == 0) return "0";
  char buf[80];
  std::snprintf(buf, sizeof buf, "%.40e", std::fabs(x));
  // Collect the significant digits and the exponent.
  std::string all;
  const char* p = buf;
  for (; *p && *p != 'e'; ++p)
    if (*p >= '0' && *p <= '9') all.push_back(*p);
  int exp10 = std::atoi(p + 1);
  std::string d = all.substr(0, static_cast<std::size_t>(digits));
  if (all.size() > static_cast<std::size_t>(digits) && all[static_cast<std::size_t>(digits)] >= '5') {
    // Round up, carrying.
    int k = digits - 1;
    while (k >= 0 && d[static_cast<std::size_t>(k)] == '9') {
      d[static_cast<std::size_t>(k)] = '0';
      --k;
    }
    if (k < 0) {
      d.insert(d.begin(), '1');
      d.pop_back();
      ++exp10;
    } else {
      ++d[static_cast<std::size_t>(k)];
    }
  }
  while (d.size() > 1 && d.back() == '0') d.pop_back();
  std::string out = x < 0 ? "-" : "";
  const int frac_digits = static_cast<int>(d.size()) - 1 - exp10;  // digits after the point in fixed form
  if (exp10 >= digits || (exp10 < 0 && frac_digits > digits)) {
    out += d[0];
    if (d.size() > 1) {
      out += '.';
      out.append(d, 1, std::string::npos);
    }
    char e[16];
    std::snprintf(e, sizeof e, "E%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
    return out + e;
  }
  if (exp10 < 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exp10 - 1), '0');
    return out + d;
  }
  if (static_cast<int>(d.size()) <= exp10 + 1) {
    out += d;
    out.append(static_cast<std::size_t>(exp10 + 1 - static_cast<int>(d.size())), '0');
    return out;
  }
  out.append(d, 0, static_cast<std::size_t>(exp10 + 1));
  out += '.';
  out.append(d, static_cast<std::size_t>(exp10 + 1), std::string::npos);
  return out;
}

}  // namespace comkit::rt
