// runtime/variant/var_ops.cpp - comparison: VarCmp, VarBstrCmp (and
// VarBstrCat).
//
// VarCmp: the types are checked first (Windows compares neither I1, UI2,
// UI4, UI8 and UINT nor an INT on the right), then VT_ERROR (equal only to
// another VT_ERROR), then VT_NULL gives VARCMP_NULL; VT_EMPTY is 0 or "" as
// the other side needs; numbers compare by value, a DECIMAL at full
// precision, an R4 at R4 precision; a string against a number follows the
// VT_RESERVED rules below; two strings compare with VarBstrCmp.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "variant/variant_internal.h"
#include "numeric/decimal_math.h"

using namespace comkit::rt;

namespace {

// ---- Word sort -------------------------------------------------------------------
//
// An approximation of Windows' "word sort" for en-US, in levels: first the
// base characters (symbols < digits < letters, letters case- and
// accent-blind), then accents, then case and width, then the hyphens and
// apostrophes, which word sort sets aside ("-1" sorts just after "1"). NUL
// has no weight at all.

struct sort_key {
  std::uint32_t primary;
  std::uint8_t accent;  // 0 for a plain letter
  std::uint8_t form;    // bit 0 upper case, bit 1 full width
};

// Latin-1 letters 0xC0..0xFF: base letter, or 0 for the two symbols.
constexpr char latin1_base[] = "aaaaaaaceeeeiiiidnooooo\0ouuuuyts" "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";

enum class char_class { ignored, special, symbol, key };

char_class classify(OLECHAR c, ULONG flags, sort_key& k) noexcept {
  k = {0, 0, 0};
  if (c >= 0xFF01 && c <= 0xFF5E) {  // full-width ASCII
    c = static_cast<OLECHAR>(c - 0xFF01 + 0x21);
    if (!(flags & NORM_IGNOREWIDTH)) k.form |= 2;
  }
  if (c == 0 || c == 0xAD) return char_class::ignored;
  if (c == u'-' || c == u'\'') return (flags & NORM_IGNORESYMBOLS) ? char_class::ignored : char_class::special;
  if (c >= u'0' && c <= u'9') {
    k.primary = 0x1000 + (c - u'0');
    return char_class::key;
  }
  char base = 0;
  bool upper = false;
  if (c >= u'a' && c <= u'z') {
    base = static_cast<char>(c);
  } else if (c >= u'A' && c <= u'Z') {
    base = static_cast<char>(c - u'A' + u'a');
    upper = true;
  } else if (c >= 0xC0 && c <= 0xFF && latin1_base[c - 0xC0]) {
    base = latin1_base[c - 0xC0];
    upper = c < 0xE0 && c != 0xDF;
    k.accent = static_cast<std::uint8_t>(1 + (c & 0x1F));
  }
  if (base) {
    k.primary = 0x2000 + static_cast<std::uint32_t>(base - 'a') * 2;
    if (upper && !(flags & NORM_IGNORECASE)) k.form |= 1;
    if (flags & NORM_IGNORENONSPACE) k.accent = 0;
    return char_class::key;
  }
  if (c < 0x80 || (c >= 0xA0 && c <= 0xBF) || c == 0xD7 || c == 0xF7) {
    if (flags & NORM_IGNORESYMBOLS) return char_class::ignored;
    k.primary = 0x100 + c;
    return char_class::symbol;
  }
  k.primary = 0x10000 + c;
  return char_class::key;
}

struct sort_keys {
  std::vector<sort_key> keys;
  std::vector<std::uint32_t> specials;  // position << 16 | character
};

sort_keys make_keys(const OLECHAR* s, UINT n, ULONG flags) {
  sort_keys out;
  out.keys.reserve(n);
  for (UINT i = 0; i < n; ++i) {
    sort_key k;
    switch (classify(s[i], flags, k)) {
      case char_class::ignored: break;
      case char_class::special: out.specials.push_back(static_cast<std::uint32_t>(out.keys.size()) << 16 | s[i]); break;
      case char_class::symbol:
      case char_class::key: out.keys.push_back(k); break;
    }
  }
  return out;
}

template <typename F>
int compare_level(const sort_keys& a, const sort_keys& b, F field) {
  const std::size_t n = std::min(a.keys.size(), b.keys.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = field(a.keys[i]), y = field(b.keys[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.keys.size() != b.keys.size()) return a.keys.size() < b.keys.size() ? -1 : 1;
  return 0;
}

int word_sort(const OLECHAR* a, UINT la, const OLECHAR* b, UINT lb, ULONG flags) {
  const sort_keys ka = make_keys(a, la, flags), kb = make_keys(b, lb, flags);
  if (int c = compare_level(ka, kb, [](const sort_key& k) { return k.primary; })) return c;
  if (int c = compare_level(ka, kb, [](const sort_key& k) { return k.accent; })) return c;
  if (int c = compare_level(ka, kb, [](const sort_key& k) { return k.form; })) return c;
  if (ka.specials != kb.specials) return ka.specials < kb.specials ? -1 : 1;
  return 0;
}

HRESULT result_of(int c) noexcept { return c < 0 ? VARCMP_LT : c > 0 ? VARCMP_GT : VARCMP_EQ; }

HRESULT bstr_cmp(BSTR l, BSTR r, LCID lcid, ULONG flags) noexcept {
  if (lcid == 0) {  // bytes
    const UINT la = SysStringByteLen(l), lb = SysStringByteLen(r);
    const int c = (la && lb) ? std::memcmp(l, r, std::min(la, lb)) : 0;
    if (c) return result_of(c);
    return result_of(la < lb ? -1 : la > lb ? 1 : 0);
  }
  const UINT la = SysStringLen(l), lb = SysStringLen(r);
  if (!la || !lb) return result_of(la ? 1 : lb ? -1 : 0);
  try {
    return result_of(word_sort(l, la, r, lb, flags));
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

// A numeric VARIANT as a DECIMAL-precision value (CY and DECIMAL exact).
bool to_dec_value(const VARIANT& v, dec& out) noexcept {
  DECIMAL d;
  VARIANT tmp;
  VariantInit(&tmp);
  if (v.vt == VT_EMPTY) {
    out = dec{};
    return true;
  }
  if (FAILED(VariantChangeTypeEx(&tmp, &v, 0x409, 0, VT_DECIMAL))) return false;
  d = tmp.decVal;
  return dec_from_decimal(d, out);
}

bool to_r8(const VARIANT& v, double& out) noexcept {
  if (v.vt == VT_EMPTY) {
    out = 0;
    return true;
  }
  VARIANT tmp;
  VariantInit(&tmp);
  if (FAILED(VariantChangeTypeEx(&tmp, &v, 0x409, 0, VT_R8))) return false;
  out = tmp.dblVal;
  return true;
}

}  // namespace

namespace {

// Two numbers (no BSTR, NULL or ERROR), coerced as Windows does: DECIMAL if
// either is one (R8 when that does not fit), else R4 when either is R4
// (R8 when the other does not fit in R4), else R8 for R8 or DATE, else CY,
// else the integers exactly.
HRESULT compare_numbers(const VARIANT& l, const VARIANT& r) noexcept {
  const VARTYPE lt = l.vt, rt = r.vt;
  auto either = [&](VARTYPE t) { return lt == t || rt == t; };
  if (either(VT_DECIMAL) || (either(VT_CY) && !either(VT_R4) && !either(VT_R8) && !either(VT_DATE))) {
    dec a, b;
    if (to_dec_value(l, a) && to_dec_value(r, b)) return result_of(dec_cmp(a, b));
  }
  double a, b;
  if (either(VT_R4) || either(VT_R8) || either(VT_DATE) || either(VT_DECIMAL) || either(VT_CY)) {
    if (!to_r8(l, a) || !to_r8(r, b)) return DISP_E_OVERFLOW;
    if (either(VT_R4) && !either(VT_DECIMAL)) {
      const float fa = static_cast<float>(a), fb = static_cast<float>(b);
      if (std::isfinite(a) && std::isfinite(b) && std::isfinite(fa) && std::isfinite(fb)) return result_of(fa < fb ? -1 : fa > fb ? 1 : 0);
    }
    return result_of(a < b ? -1 : a > b ? 1 : 0);
  }
  LONG64 x = 0, y = 0;
  VARIANT t;
  VariantInit(&t);
  if (lt != VT_EMPTY) {
    if (FAILED(VariantChangeTypeEx(&t, &l, 0x409, 0, VT_I8))) return DISP_E_OVERFLOW;
    x = t.llVal;
  }
  if (rt != VT_EMPTY) {
    if (FAILED(VariantChangeTypeEx(&t, &r, 0x409, 0, VT_I8))) return DISP_E_OVERFLOW;
    y = t.llVal;
  }
  return result_of(x < y ? -1 : x > y ? 1 : 0);
}

HRESULT invert(HRESULT c) noexcept { return c == VARCMP_LT ? VARCMP_GT : c == VARCMP_GT ? VARCMP_LT : c; }

// A string against a number, from the string's side. VT_RESERVED picks the
// rule: on neither, the string is greater; on the string only, the number
// becomes text and the two compare as text; on the number only, a string
// that reads as a number compares by value (any other string is greater);
// on both, a numeric string is greater when it is not negative and less
// when it is (the number's value plays no part), any other string greater.
HRESULT compare_string_number(const VARIANT& s, bool s_reserved, const VARIANT& n, bool n_reserved, LCID lcid, ULONG flags) noexcept {
  if (!s_reserved && !n_reserved) return VARCMP_GT;
  if (s_reserved && !n_reserved) {
    VARIANT text;
    VariantInit(&text);
    HRESULT hr = VariantChangeTypeEx(&text, &n, lcid ? lcid : 0x409, 0, VT_BSTR);
    if (FAILED(hr)) return hr;
    hr = bstr_cmp(s.bstrVal, text.bstrVal, lcid, flags);
    VariantClear(&text);
    return hr;
  }
  double value;
  if (!SysStringLen(s.bstrVal) || FAILED(VarR8FromStr(s.bstrVal, lcid ? lcid : 0x409, 0, &value))) return VARCMP_GT;
  if (s_reserved) return value < 0 ? VARCMP_LT : VARCMP_GT;
  VARIANT v;
  VariantInit(&v);
  v.vt = VT_R8;
  v.dblVal = value;
  if (n.vt == VT_DECIMAL) {  // compared at DECIMAL precision where the text allows
    DECIMAL d;
    if (SUCCEEDED(VarDecFromStr(s.bstrVal, lcid ? lcid : 0x409, 0, &d))) {
      v.decVal = d;
      v.vt = VT_DECIMAL;
    }
  }
  return compare_numbers(v, n);
}

}  // namespace

COMKIT_STDAPI VarCmp(LPVARIANT pvarLeft, LPVARIANT pvarRight, LCID lcid, ULONG dwFlags) {
  if (!pvarLeft || !pvarRight) return E_INVALIDARG;
  const VARTYPE reserved = VT_RESERVED;
  const bool lres = pvarLeft->vt & reserved, rres = pvarRight->vt & reserved;
  const VARTYPE lt = pvarLeft->vt & static_cast<VARTYPE>(~reserved), rt = pvarRight->vt & static_cast<VARTYPE>(~reserved);
  if (!variant_vt_valid(lt) || !variant_vt_valid(rt)) return DISP_E_BADVARTYPE;
  // The types Windows compares; INT only on the left.
  auto comparable = [](VARTYPE vt, bool left) {
    switch (vt) {
      case VT_EMPTY: case VT_NULL: case VT_I2: case VT_I4: case VT_R4: case VT_R8: case VT_CY: case VT_DATE: case VT_BSTR:
      case VT_ERROR: case VT_BOOL: case VT_DECIMAL: case VT_UI1: case VT_I8:
        return true;
      case VT_INT:
        return left;
      default:
        return false;
    }
  };
  if (!comparable(lt, true) || !comparable(rt, false)) return DISP_E_TYPEMISMATCH;
  if (lt == VT_ERROR || rt == VT_ERROR) return lt == rt ? VARCMP_EQ : DISP_E_TYPEMISMATCH;
  if (lt == VT_NULL || rt == VT_NULL) return VARCMP_NULL;
  VARIANT l = *pvarLeft, r = *pvarRight;
  l.vt = lt;
  r.vt = rt;
  if (lt == VT_BSTR && rt == VT_BSTR) return bstr_cmp(l.bstrVal, r.bstrVal, lcid, dwFlags);
  if (lt == VT_BSTR && rt == VT_EMPTY) return SysStringLen(l.bstrVal) ? VARCMP_GT : VARCMP_EQ;
  if (lt == VT_EMPTY && rt == VT_BSTR) return SysStringLen(r.bstrVal) ? VARCMP_LT : VARCMP_EQ;
  if (lt == VT_BSTR) return compare_string_number(l, lres, r, rres, lcid, dwFlags);
  if (rt == VT_BSTR) return invert(compare_string_number(r, rres, l, lres, lcid, dwFlags));
  return compare_numbers(l, r);
}

COMKIT_STDAPI VarBstrCmp(BSTR bstrLeft, BSTR bstrRight, LCID lcid, ULONG dwFlags) { return bstr_cmp(bstrLeft, bstrRight, lcid, dwFlags); }

COMKIT_STDAPI VarBstrCat(BSTR bstrLeft, BSTR bstrRight, LPBSTR pbstrResult) {
  if (!pbstrResult) return E_INVALIDARG;
  const UINT la = SysStringByteLen(bstrLeft), lb = SysStringByteLen(bstrRight);
  if (la > UINT32_MAX - lb) return E_OUTOFMEMORY;
  BSTR out = SysAllocStringByteLen(nullptr, la + lb);
  if (!out) return E_OUTOFMEMORY;
  char* bytes = reinterpret_cast<char*>(out);
  if (la) std::memcpy(bytes, bstrLeft, la);
  if (lb) std::memcpy(bytes + la, bstrRight, lb);
  *pbstrResult = out;
  return S_OK;
}
