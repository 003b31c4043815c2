// runtime/automation/numtext.cpp - see numtext.h.
#include "numtext.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace comkit::rt {
namespace {

bool is_blank(char16_t c) noexcept { return c == u' ' || c == 0xa0 || (c >= 0x09 && c <= 0x0d); }
bool is_digit(char16_t c) noexcept { return c >= u'0' && c <= u'9'; }

}  // namespace

HRESULT parse_number(const OLECHAR* s, parsed_number& out) noexcept {
  if (!s) return DISP_E_TYPEMISMATCH;
  out = parsed_number{};
  std::size_t i = 0;
  auto at = [&](std::size_t k) -> char16_t { return s[k]; };
  bool sign_seen = false, paren = false, currency = false;
  // Leading part: blanks, one sign, one '(', a '$', in the orders Windows
  // accepts ("$-11", "-$11", "+ 0", "($5)").
  for (;;) {
    char16_t c = at(i);
    if (is_blank(c)) {
      ++i;
    } else if ((c == u'+' || c == u'-') && !sign_seen && !paren) {
      sign_seen = true;
      out.neg = c == u'-';
      ++i;
    } else if (c == u'(' && !paren && !sign_seen) {
      paren = true;
      out.neg = true;
      ++i;
    } else if (c == u'$' && !currency) {
      currency = true;
      ++i;
    } else {
      break;
    }
  }
  // VB radix literals, on their own (no sign, '(' or '$' before them).
  if (!sign_seen && !paren && !currency && at(i) == u'&' && (at(i + 1) == u'H' || at(i + 1) == u'h' || at(i + 1) == u'O' || at(i + 1) == u'o')) {
    const bool hex = at(i + 1) == u'H' || at(i + 1) == u'h';
    i += 2;
    std::size_t start = i;
    std::uint64_t v = 0;
    bool overflow = false;
    for (;; ++i) {
      char16_t c = at(i);
      unsigned d;
      if (is_digit(c)) d = static_cast<unsigned>(c - u'0');
      else if (hex && c >= u'a' && c <= u'f') d = static_cast<unsigned>(c - u'a' + 10);
      else if (hex && c >= u'A' && c <= u'F') d = static_cast<unsigned>(c - u'A' + 10);
      else break;
      if (!hex && d > 7) break;
      if (v >> (hex ? 60 : 61)) overflow = true;  // more than 64 bits
      v = hex ? (v << 4) | d : (v << 3) | d;
    }
    if (i == start) return DISP_E_TYPEMISMATCH;
    while (is_blank(at(i))) ++i;
    if (at(i) != 0) return DISP_E_TYPEMISMATCH;
    if (overflow) return DISP_E_OVERFLOW;
    out.radix = true;
    out.bits = v;
    return S_OK;
  }
  // Mantissa: digits with ',' after the first digit, one '.'.
  bool any_digit = false, point = false;
  long long frac_digits = 0;
  for (;; ++i) {
    char16_t c = at(i);
    if (is_digit(c)) {
      any_digit = true;
      if (c == u'0' && out.digits.empty()) {
        if (point) ++frac_digits;
        continue;
      }
      if (out.digits.size() < 4096) {
        out.digits.push_back(static_cast<char>(c));
        if (point) ++frac_digits;
      } else if (!point) {
        ++out.exponent;  // digits beyond what we keep still count
      }
    } else if (c == u',' && any_digit && !point) {
      continue;
    } else if (c == u'.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any_digit) return DISP_E_TYPEMISMATCH;
  out.exponent -= frac_digits;
  // Exponent.
  if (at(i) == u'e' || at(i) == u'E') {
    std::size_t j = i + 1;
    bool eneg = false;
    if (at(j) == u'+' || at(j) == u'-') {
      eneg = at(j) == u'-';
      ++j;
    }
    if (!is_digit(at(j))) return DISP_E_TYPEMISMATCH;
    long long e = 0;
    for (; is_digit(at(j)); ++j)
      if (e < 100000000) e = e * 10 + (at(j) - u'0');
    out.exponent += eneg ? -e : e;
    i = j;
  }
  // Trailing part: '$' (repeatable), a sign if none led, ')', blanks.
  for (;;) {
    char16_t c = at(i);
    if (is_blank(c)) {
      ++i;
    } else if (c == u'$') {
      ++i;
    } else if ((c == u'+' || c == u'-') && !sign_seen && !paren) {
      sign_seen = true;
      out.neg = c == u'-';
      ++i;
    } else if (c == u')' && paren) {
      paren = false;
      ++i;
    } else {
      break;
    }
  }
  if (paren || at(i) != 0) return DISP_E_TYPEMISMATCH;
  // Normalise: drop trailing zeros into the exponent.
  while (!out.digits.empty() && out.digits.back() == '0') {
    out.digits.pop_back();
    ++out.exponent;
  }
  return S_OK;
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

HRESULT bstr_from_ascii(const std::string& s, BSTR* out) noexcept {
  BSTR b = SysAllocStringLen(nullptr, static_cast<UINT>(s.size()));
  if (!b) return E_OUTOFMEMORY;
  for (std::size_t i = 0; i < s.size(); ++i) b[i] = static_cast<OLECHAR>(static_cast<unsigned char>(s[i]));
  *out = b;
  return S_OK;
}

}  // namespace comkit::rt
