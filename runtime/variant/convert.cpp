// runtime/variant/convert.cpp - the VarXxxFromYyy conversion matrix.
//
// Every conversion goes through one `value` (an integer, a double, a
// currency, a decimal or a VARIANT_BOOL) and one target function, so each
// rule is written once:
//   - to integers: half-to-even rounding, then the range check
//     (DISP_E_OVERFLOW; NaN and infinities overflow too);
//   - from BOOL: the bits pass through and never overflow (VarUI1FromBool
//     of VARIANT_TRUE is 255), R4/R8/DATE get -1.0, CY -1.0000, and
//     VarDecFromBool gives -1 for any non-zero value;
//   - Windows' own quirks are kept and named where they are implemented
//     (VarI8FromCy, VarCyFromI8's bounds, VarUI8FromDec).
// Strings parse with NUMPRS_STD rules (numtext.cpp); numbers format with 15
// (R8) or 7 (R4) significant digits. Text is in the LCID's symbols
// (locale.h): its decimal separator both ways, its grouping separator and
// currency symbol when reading, its date pictures and names, and its
// Boolean names with VAR_LOCALBOOL. Numbers are written without grouping or
// currency symbol, as Windows writes them.
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>

#include "variant/variant_internal.h"
#include "variant/vartype_table.h"
#include "numeric/date.h"
#include "numeric/decimal_math.h"
#include "numeric/numtext.h"

#include <unicode/uchar.h>
#include <unicode/ustring.h>

namespace comkit::rt {
namespace {

struct value {
  enum kind_t { integer, real, currency, decimal, boolean } kind = integer;
  i128 i = 0;
  double r = 0;
  std::int64_t cy = 0;
  dec d;
  short b = 0;
  bool is_r4 = false;  // a real that came from a float (DECIMAL keeps 7 digits)
};

value of_int(i128 x) noexcept {
  value v;
  v.i = x;
  return v;
}
value of_real(double x, bool r4 = false) noexcept {
  value v;
  v.kind = value::real;
  v.r = x;
  v.is_r4 = r4;
  return v;
}
value of_cy(CY c) noexcept {
  value v;
  v.kind = value::currency;
  v.cy = c.int64;
  return v;
}
value of_bool(VARIANT_BOOL b) noexcept {
  value v;
  v.kind = value::boolean;
  v.b = b;
  return v;
}
HRESULT of_dec(const DECIMAL* p, value& v) noexcept {
  if (!p) return E_INVALIDARG;
  v.kind = value::decimal;
  return dec_from_decimal(*p, v.d) ? S_OK : E_INVALIDARG;
}

double round_half_even(double x) noexcept {
  double f = std::floor(x), diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return std::fmod(f, 2.0) == 0 ? f : f + 1;
}

// round(cy / 10000) half to even.
i128 cy_round(std::int64_t cy) noexcept {
  i128 q = cy / 10000, r = cy % 10000;
  if (r < 0) {
    r = -r;
    if (r > 5000 || (r == 5000 && (q & 1))) --q;
  } else if (r > 5000 || (r == 5000 && (q & 1))) {
    ++q;
  }
  return q;
}

// ---- targets ----------------------------------------------------------------

template <typename T>
HRESULT to_integer(const value& v, T* out) noexcept {
  constexpr i128 lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  i128 x = 0;
  switch (v.kind) {
    case value::boolean:
      *out = static_cast<T>(v.b);  // the bits pass through, never an overflow
      return S_OK;
    case value::integer:
      x = v.i;
      break;
    case value::real: {
      if (!std::isfinite(v.r)) return DISP_E_OVERFLOW;  // unverified on Windows
      const double rr = round_half_even(v.r);
      if (rr < static_cast<double>(lo) || rr >= static_cast<double>(hi) + 1.0) return DISP_E_OVERFLOW;
      x = static_cast<i128>(rr);
      break;
    }
    case value::currency:
      x = cy_round(v.cy);
      break;
    case value::decimal:
      if (!dec_to_int(v.d, lo, hi, x)) return DISP_E_OVERFLOW;
      break;
  }
  if (x < lo || x > hi) return DISP_E_OVERFLOW;
  *out = static_cast<T>(x);
  return S_OK;
}

HRESULT to_double(const value& v, double& out) noexcept {
  switch (v.kind) {
    case value::boolean: out = v.b; break;
    case value::integer: out = static_cast<double>(v.i); break;
    case value::real: out = v.r; break;
    case value::currency: out = static_cast<double>(v.cy) / 10000.0; break;
    case value::decimal: out = dec_to_double(v.d); break;
  }
  return S_OK;
}

HRESULT to_r8(const value& v, DOUBLE* out) noexcept {
  double d = 0;
  to_double(v, d);
  *out = d;
  return S_OK;
}

HRESULT to_r4(const value& v, FLOAT* out) noexcept {
  if (v.kind == value::integer) {
    *out = static_cast<float>(v.i);
    return S_OK;
  }
  double d = 0;
  to_double(v, d);
  if (std::isfinite(d) && std::fabs(d) > FLT_MAX) return DISP_E_OVERFLOW;
  *out = static_cast<float>(d);
  return S_OK;
}

HRESULT to_date(const value& v, DATE* out) noexcept {
  if (v.kind == value::integer) {
    if (v.i < static_cast<i128>(date_min) || v.i > static_cast<i128>(date_max)) return DISP_E_OVERFLOW;
    *out = static_cast<double>(v.i);
    return S_OK;
  }
  double d = 0;
  to_double(v, d);
  if (std::isnan(d) || d <= date_min - 1 || d >= date_max + 1) return DISP_E_OVERFLOW;
  *out = d;
  return S_OK;
}

HRESULT to_cy(const value& v, CY* out) noexcept {
  switch (v.kind) {
    case value::boolean:
      out->int64 = static_cast<std::int64_t>(v.b) * 10000;
      return S_OK;
    case value::integer:
      if (v.i > 922337203685477 || v.i < -922337203685477) return DISP_E_OVERFLOW;
      out->int64 = static_cast<std::int64_t>(v.i * 10000);
      return S_OK;
    case value::real: {
      // Exact: the double is m * 2^e, so x * 10000 is m * 10000 * 2^e,
      // rounded half to even at the last place (multiplying in double would
      // lose the low digits of large amounts).
      if (!std::isfinite(v.r)) return DISP_E_OVERFLOW;
      int exp = 0;
      const double frac = std::frexp(v.r, &exp);
      i128 q = static_cast<i128>(std::ldexp(frac, 53)) * 10000;
      const int e = exp - 53;
      if (e > 0) {
        if (e > 60) return DISP_E_OVERFLOW;
        q <<= e;
      } else if (e < 0) {
        const int shift = -e > 100 ? 100 : -e;
        const i128 p = q;
        q = p >> shift;  // floor
        const i128 rest = p - (q << shift), half = static_cast<i128>(1) << (shift - 1);
        if (rest > half || (rest == half && (q & 1))) ++q;
      }
      if (q > INT64_MAX || q < INT64_MIN) return DISP_E_OVERFLOW;
      out->int64 = static_cast<std::int64_t>(q);
      return S_OK;
    }
    case value::currency:
      out->int64 = v.cy;
      return S_OK;
    case value::decimal: {
      std::int64_t c;
      if (!dec_to_cy(v.d, c)) return DISP_E_OVERFLOW;
      out->int64 = c;
      return S_OK;
    }
  }
  return E_UNEXPECTED;
}

HRESULT to_bool(const value& v, VARIANT_BOOL* out) noexcept {
  bool t = false;
  switch (v.kind) {
    case value::boolean: t = v.b != 0; break;
    case value::integer: t = v.i != 0; break;
    case value::real: t = v.r != 0; break;  // NaN is non-zero
    case value::currency: t = v.cy != 0; break;
    case value::decimal: t = v.d.m != 0; break;
  }
  *out = t ? VARIANT_TRUE : VARIANT_FALSE;
  return S_OK;
}

HRESULT to_dec(const value& v, DECIMAL* out) noexcept {
  dec d;
  switch (v.kind) {
    case value::boolean:
      d = v.b ? dec{1, 0, true} : dec{};  // Windows: any non-zero BOOL is -1
      break;
    case value::integer:
      d = dec_from_int(v.i);
      break;
    case value::real: {
      HRESULT hr = dec_from_double(v.r, v.is_r4 ? 7 : 15, d);
      if (FAILED(hr)) return hr;
      break;
    }
    case value::currency:
      d = dec_from_cy(v.cy);  // always scale 4
      break;
    case value::decimal:
      d = v.d;
      break;
  }
  dec_store(d, out);
  return S_OK;
}

/// ASCII number text (made by `text`, which may throw bad_alloc) as a BSTR
/// in the LCID's decimal separator.
template <typename F>
HRESULT number_text_to_bstr(F&& text, LCID lcid, BSTR* out) noexcept {
  try {
    const std::string s = text();
    const char16_t decimal = locale_of(lcid).decimal;
    BSTR b = SysAllocStringLen(nullptr, static_cast<UINT>(s.size()));
    if (!b) return E_OUTOFMEMORY;
    for (std::size_t i = 0; i < s.size(); ++i) b[i] = s[i] == '.' ? decimal : static_cast<OLECHAR>(static_cast<unsigned char>(s[i]));
    *out = b;
    return S_OK;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

HRESULT to_bstr(const value& v, LCID lcid, ULONG flags, BSTR* out) noexcept {
  if (!out) return E_INVALIDARG;
  switch (v.kind) {
    case value::boolean: {
      // English unless VAR_LOCALBOOL asks for the LCID's words.
      const locale_info& li = (flags & VAR_LOCALBOOL) ? locale_of(lcid) : locale_en_us();
      const std::u16string& name = v.b ? li.true_name : li.false_name;
      *out = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(name.data()), static_cast<UINT>(name.size()));
      return *out ? S_OK : E_OUTOFMEMORY;
    }
    case value::integer: {
      // Straight into the BSTR's characters: no intermediate string.
      OLECHAR buf[48];
      int pos = 48;
      const bool neg = v.i < 0;
      u128 m = neg ? static_cast<u128>(-v.i) : static_cast<u128>(v.i);
      if (m <= UINT64_MAX) {
        std::uint64_t m64 = static_cast<std::uint64_t>(m);
        do {
          buf[--pos] = static_cast<OLECHAR>(u'0' + m64 % 10);
          m64 /= 10;
        } while (m64);
      } else {
        do {
          buf[--pos] = static_cast<OLECHAR>(u'0' + static_cast<int>(m % 10));
          m /= 10;
        } while (m);
      }
      if (neg) buf[--pos] = u'-';
      *out = SysAllocStringLen(buf + pos, static_cast<UINT>(48 - pos));
      return *out ? S_OK : E_OUTOFMEMORY;
    }
    case value::real:
      if (flags & 0x40000000u) {  // internal: the value is a DATE
        std::u16string text;
        const HRESULT hr = date_to_text(v.r, flags & ~0x40000000u, locale_of(lcid), text);
        if (FAILED(hr)) return hr;
        *out = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(text.data()), static_cast<UINT>(text.size()));
        return *out ? S_OK : E_OUTOFMEMORY;
      }
      return number_text_to_bstr([&] { return format_real(v.r, v.is_r4 ? 7 : 15); }, lcid, out);
    case value::currency:
      return number_text_to_bstr([&] { return dec_to_string(dec_from_cy(v.cy)); }, lcid, out);
    case value::decimal:
      return number_text_to_bstr([&] { return dec_to_string(v.d); }, lcid, out);
  }
  return E_UNEXPECTED;
}

constexpr ULONG date_marker = 0x40000000u;  // to_bstr: format the real as a DATE

// ---- string sources -------------------------------------------------------------

template <typename T>
HRESULT str_to_integer(LPCOLESTR s, LCID lcid, T* out) noexcept {
  if (!out) return E_INVALIDARG;
  parsed_number p;
  HRESULT hr = parse_number(s, p, locale_of(lcid));
  if (FAILED(hr)) return hr;
  if (p.radix) {
    // &H/&O literals fill the target's bits: &HFFFF is -1 as an I2.
    using U = std::make_unsigned_t<T>;
    if (p.bits > static_cast<std::uint64_t>(std::numeric_limits<U>::max())) return DISP_E_OVERFLOW;
    *out = static_cast<T>(static_cast<U>(p.bits));
    return S_OK;
  }
  i128 x;
  if (!parsed_round(p, 0, x) || x < std::numeric_limits<T>::min() || x > std::numeric_limits<T>::max()) return DISP_E_OVERFLOW;
  *out = static_cast<T>(x);
  return S_OK;
}

HRESULT str_to_value(LPCOLESTR s, LCID lcid, value& v) noexcept {
  parsed_number p;
  HRESULT hr = parse_number(s, p, locale_of(lcid));
  if (FAILED(hr)) return hr;
  if (p.radix) {
    v = of_int(static_cast<i128>(p.bits));
    return S_OK;
  }
  double d = 0;
  hr = parsed_to_double(p, d);
  if (FAILED(hr)) return hr;
  v = of_real(d);
  return S_OK;
}

HRESULT str_to_r8(LPCOLESTR s, LCID lcid, DOUBLE* out) noexcept {
  if (!out) return E_INVALIDARG;
  value v;
  HRESULT hr = str_to_value(s, lcid, v);
  return FAILED(hr) ? hr : to_r8(v, out);
}
HRESULT str_to_r4(LPCOLESTR s, LCID lcid, FLOAT* out) noexcept {
  if (!out) return E_INVALIDARG;
  value v;
  HRESULT hr = str_to_value(s, lcid, v);
  return FAILED(hr) ? hr : to_r4(v, out);
}
HRESULT str_to_cy(LPCOLESTR s, LCID lcid, CY* out) noexcept {
  if (!out) return E_INVALIDARG;
  parsed_number p;
  HRESULT hr = parse_number(s, p, locale_of(lcid));
  if (FAILED(hr)) return hr;
  if (p.radix) return to_cy(of_int(static_cast<i128>(p.bits)), out);
  i128 x;
  if (!parsed_round(p, 4, x) || x > std::numeric_limits<std::int64_t>::max() || x < std::numeric_limits<std::int64_t>::min())
    return DISP_E_OVERFLOW;
  out->int64 = static_cast<std::int64_t>(x);
  return S_OK;
}
HRESULT str_to_dec(LPCOLESTR s, LCID lcid, DECIMAL* out) noexcept {
  if (!out) return E_INVALIDARG;
  parsed_number p;
  HRESULT hr = parse_number(s, p, locale_of(lcid));
  if (FAILED(hr)) return hr;
  dec d;
  hr = parsed_to_dec(p, d);
  if (FAILED(hr)) return hr;
  dec_store(d, out);
  return S_OK;
}
HRESULT str_to_date(LPCOLESTR s, LCID lcid, ULONG flags, DATE* out) noexcept {
  if (!out) return E_INVALIDARG;
  double d = 0;
  HRESULT hr = date_from_text(s, flags, locale_of(lcid), d);
  if (FAILED(hr)) return hr;
  *out = d;
  return S_OK;
}

// "#TRUE#"/"#FALSE#" (case-sensitive), "True"/"False" (any case), with
// VAR_LOCALBOOL also the LCID's names (any case), else a number in the
// LCID's symbols: non-zero is VARIANT_TRUE. "Yes" and "On" are not booleans.
HRESULT str_to_bool(LPCOLESTR s, LCID lcid, ULONG flags, VARIANT_BOOL* out) noexcept {
  if (!out) return E_INVALIDARG;
  if (!s) return DISP_E_TYPEMISMATCH;
  std::u16string_view sv(reinterpret_cast<const char16_t*>(s));
  if (sv == u"#TRUE#") {
    *out = VARIANT_TRUE;
    return S_OK;
  }
  if (sv == u"#FALSE#") {
    *out = VARIANT_FALSE;
    return S_OK;
  }
  auto is = [&](const std::u16string& name) {
    return u_strcasecmp(reinterpret_cast<const UChar*>(s), reinterpret_cast<const UChar*>(name.c_str()), U_FOLD_CASE_DEFAULT) == 0;
  };
  const locale_info& en = locale_en_us();
  const locale_info& li = (flags & VAR_LOCALBOOL) ? locale_of(lcid) : en;
  if (is(en.true_name) || is(li.true_name)) {
    *out = VARIANT_TRUE;
    return S_OK;
  }
  if (is(en.false_name) || is(li.false_name)) {
    *out = VARIANT_FALSE;
    return S_OK;
  }
  parsed_number p;
  HRESULT hr = parse_number(s, p, locale_of(lcid));
  if (FAILED(hr)) return hr;
  *out = (p.radix ? p.bits != 0 : !p.digits.empty()) ? VARIANT_TRUE : VARIANT_FALSE;
  return S_OK;
}

}  // namespace

HRESULT invoke_value(IDispatch* disp, LCID lcid, VARIANT& result) noexcept {
  DISPPARAMS none = {nullptr, nullptr, 0, 0};
  VariantInit(&result);
  const HRESULT hr = disp->Invoke(DISPID_VALUE, IID_NULL, lcid, DISPATCH_PROPERTYGET, &none, &result, nullptr, nullptr);
  if (FAILED(hr)) VariantClear(&result);
  return hr;
}

// A failing Invoke is DISP_E_TYPEMISMATCH in the conversions, as on Windows.
HRESULT dispatch_value(IDispatch* disp, LCID lcid, VARIANT& result) noexcept {
  if (!disp) return DISP_E_BADVARTYPE;
  return FAILED(invoke_value(disp, lcid, result)) ? DISP_E_TYPEMISMATCH : S_OK;
}

}  // namespace comkit::rt

using namespace comkit::rt;

namespace {

// A VarXxxFromDisp: the dispatch value, changed to `vt`, read out.
template <typename T>
HRESULT from_disp(IDispatch* disp, LCID lcid, VARTYPE vt, T* out) noexcept {
  if (!out) return E_INVALIDARG;
  VARIANT v, c;
  HRESULT hr = dispatch_value(disp, lcid, v);
  if (FAILED(hr)) return hr;
  VariantInit(&c);
  hr = VariantChangeTypeEx(&c, &v, lcid, 0, vt);
  VariantClear(&v);
  if (FAILED(hr)) return hr;
  if constexpr (std::is_same_v<T, DECIMAL>) {
    decimal_store(c.decVal, out);
  } else {
    std::memcpy(out, &c.llVal, sizeof(T));  // ABI: the value sits at offset 8
  }
  return S_OK;
}

// ---- The table, expanded ------------------------------------------------------------
//
// vartype_table.h names each scalar once, and its `scalar<VT>` gives the
// C type, how it is passed and where it sits in a VARIANT. A conversion is
// load<S> (the source into a `value`) followed by store<T>, parse<T> or
// format<S>; Windows' quirks are specializations of convert<T, S>, so
// VarXxxFromYyy and VariantChangeType share them.

template <VARTYPE S>
HRESULT load(arg_t<S> in, value& v) noexcept {
  if constexpr (S == VT_DECIMAL) {
    return of_dec(in, v);
  } else {
    if constexpr (S == VT_R4) v = of_real(in, true);
    else if constexpr (S == VT_R8 || S == VT_DATE) v = of_real(in);
    else if constexpr (S == VT_CY) v = of_cy(in);
    else if constexpr (S == VT_BOOL) v = of_bool(in);
    else v = of_int(in);
    return S_OK;
  }
}

template <VARTYPE T>
HRESULT store(const value& v, type_t<T>* out) noexcept {
  if constexpr (T == VT_R4) return to_r4(v, out);
  else if constexpr (T == VT_R8) return to_r8(v, out);
  else if constexpr (T == VT_DATE) return to_date(v, out);
  else if constexpr (T == VT_CY) return to_cy(v, out);
  else if constexpr (T == VT_BOOL) return to_bool(v, out);
  else if constexpr (T == VT_DECIMAL) return to_dec(v, out);
  else return to_integer(v, out);
}

// VarTFromStr.
template <VARTYPE T>
HRESULT parse(LPCOLESTR s, LCID lcid, ULONG flags, type_t<T>* out) noexcept {
  if constexpr (T == VT_R4) return str_to_r4(s, lcid, out);
  else if constexpr (T == VT_R8) return str_to_r8(s, lcid, out);
  else if constexpr (T == VT_DATE) return str_to_date(s, lcid, flags, out);
  else if constexpr (T == VT_CY) return str_to_cy(s, lcid, out);
  else if constexpr (T == VT_BOOL) return str_to_bool(s, lcid, flags, out);
  else if constexpr (T == VT_DECIMAL) return str_to_dec(s, lcid, out);
  else return str_to_integer(s, lcid, out);
}

// VarBstrFromS.
template <VARTYPE S>
HRESULT format(arg_t<S> in, LCID lcid, ULONG flags, BSTR* out) noexcept {
  value v;
  const HRESULT hr = load<S>(in, v);
  if (FAILED(hr)) return hr;
  if constexpr (S == VT_DATE) flags = (flags | date_marker) & ~VAR_FOURDIGITYEARS;
  return to_bstr(v, lcid, flags, out);
}

// VarTFromS.
template <VARTYPE T, VARTYPE S>
HRESULT convert(arg_t<S> in, type_t<T>* out) noexcept {
  value v;
  const HRESULT hr = load<S>(in, v);
  if (FAILED(hr)) return hr;
  return out ? store<T>(v, out) : E_INVALIDARG;
}

// Windows' VarI8FromCy truncates a negative value and then subtracts 1,
// even for whole numbers (-1.0 gives -2); positives round half to even.
// Programs depend on the exact results, so comkit gives the same.
template <>
HRESULT convert<VT_I8, VT_CY>(CY in, LONG64* out) noexcept {
  if (!out) return E_INVALIDARG;
  if (in.int64 < 0) {
    *out = in.int64 / 10000 - 1;
    return S_OK;
  }
  return to_integer(of_cy(in), out);
}

// Windows accepts only |x| <= 922337203685476 from an I8, one less than
// from a UI8 or a DECIMAL.
template <>
HRESULT convert<VT_CY, VT_I8>(LONG64 in, CY* out) noexcept {
  if (!out) return E_INVALIDARG;
  if (in > 922337203685476LL || in < -922337203685476LL) return DISP_E_OVERFLOW;
  return to_cy(of_int(in), out);
}

// Windows returns the magnitude of a negative DECIMAL of scale 0 instead
// of overflowing (-1 gives 1); with a fraction, negatives overflow.
template <>
HRESULT convert<VT_UI8, VT_DECIMAL>(const DECIMAL* in, ULONG64* out) noexcept {
  value v;
  HRESULT hr = of_dec(in, v);
  if (FAILED(hr)) return hr;
  if (!out) return E_INVALIDARG;
  if (v.d.neg && v.d.scale == 0) v.d.neg = false;
  return to_integer(v, out);
}

// VariantChangeType's dispatch: target T from whatever `from` is.
template <VARTYPE T>
HRESULT change_to(const VARIANT& src, VARTYPE from, LCID lcid, ULONG flags, VARIANT& out) noexcept {
  switch (from) {
#define COMKIT_IMPL_FROM(Name, VT_, CType, member) \
  case VT_: return convert<T, VT_>(scalar<VT_>::arg_of(src), scalar<T>::at(out));
    COMKIT_IMPL_SCALAR_VARTYPES(COMKIT_IMPL_FROM)
#undef COMKIT_IMPL_FROM
    case VT_BSTR: return parse<T>(src.bstrVal, lcid, flags, scalar<T>::at(out));
    default: return DISP_E_TYPEMISMATCH;
  }
}

}  // namespace

HRESULT comkit::rt::scalar_change(const VARIANT& src, VARTYPE from, VARTYPE to, LCID lcid, ULONG flags, VARIANT& out) noexcept {
  switch (to) {
#define COMKIT_IMPL_TO(Name, VT_, CType, member) \
  case VT_: return change_to<VT_>(src, from, lcid, flags, out);
    COMKIT_IMPL_SCALAR_VARTYPES(COMKIT_IMPL_TO)
#undef COMKIT_IMPL_TO
    case VT_BSTR:
      switch (from) {
#define COMKIT_IMPL_FROM(Name, VT_, CType, member) \
  case VT_: return format<VT_>(scalar<VT_>::arg_of(src), lcid, flags, &out.bstrVal);
        COMKIT_IMPL_SCALAR_VARTYPES(COMKIT_IMPL_FROM)
#undef COMKIT_IMPL_FROM
        default: return DISP_E_TYPEMISMATCH;
      }
    default:
      return DISP_E_TYPEMISMATCH;
  }
}

// ---- The exported functions -------------------------------------------------------------

#define COMKIT_IMPL_VAR_FROM(T, S)                                                               \
  COMKIT_STDAPI Var##T##From##S(arg_t<vt_name::S> in, type_t<vt_name::T>* out) {                 \
    return convert<vt_name::T, vt_name::S>(in, out);                                             \
  }
COMKIT_IMPL_VAR_FROM_PAIRS(COMKIT_IMPL_VAR_FROM)
#undef COMKIT_IMPL_VAR_FROM

#define COMKIT_IMPL_VAR_TEXT(Name, VT_, CType, member)                                               \
  COMKIT_STDAPI Var##Name##FromStr(LPCOLESTR s, LCID lcid, ULONG flags, CType* out) {              \
    return parse<VT_>(s, lcid, flags, out);                                                         \
  }                                                                                                 \
  COMKIT_STDAPI Var##Name##FromDisp(IDispatch* d, LCID lcid, CType* out) { return from_disp(d, lcid, VT_, out); } \
  COMKIT_STDAPI VarBstrFrom##Name(arg_t<VT_> in, LCID lcid, ULONG flags, BSTR* out) {              \
    return format<VT_>(in, lcid, flags, out);                                                       \
  }
COMKIT_IMPL_SCALAR_VARTYPES(COMKIT_IMPL_VAR_TEXT)
#undef COMKIT_IMPL_VAR_TEXT

COMKIT_STDAPI VarBstrFromDisp(IDispatch* d, LCID lcid, ULONG, BSTR* out) { return from_disp(d, lcid, VT_BSTR, out); }
