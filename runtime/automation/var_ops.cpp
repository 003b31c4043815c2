// runtime/automation/var_ops.cpp - operations on whole VARIANTs: VarCmp
// (and, with it, the value model the arithmetic functions share).
//
// VarCmp: a VT_NULL operand gives VARCMP_NULL (after both types are
// checked); VT_EMPTY is 0 or "" as the other side needs; numbers compare by
// value, a DECIMAL at full precision, an R4 against an R8 or DATE at R4
// precision; a string compared with a number is always the greater; two
// strings compare as en-US text (letters alphabetically, lower case before
// upper case on a tie; NORM_IGNORECASE folds case). Interfaces, records,
// arrays and by-reference values are DISP_E_TYPEMISMATCH.
#include <cmath>
#include <cstring>

#include "automation_internal.h"
#include "decimal_math.h"

using namespace comkit::rt;

namespace {

constexpr ULONG norm_ignorecase = 0x00000001;

bool numeric(VARTYPE vt) noexcept {
  switch (vt) {
    case VT_I1: case VT_UI1: case VT_I2: case VT_UI2: case VT_I4: case VT_UI4: case VT_I8: case VT_UI8:
    case VT_INT: case VT_UINT: case VT_R4: case VT_R8: case VT_CY: case VT_DATE: case VT_BOOL: case VT_DECIMAL:
    case VT_EMPTY:
      return true;
    default:
      return false;
  }
}

int cmp_text(BSTR a, BSTR b, ULONG flags) noexcept {
  const UINT la = SysStringLen(a), lb = SysStringLen(b);
  auto fold = [](OLECHAR c) -> OLECHAR { return (c >= u'A' && c <= u'Z') ? static_cast<OLECHAR>(c - u'A' + u'a') : c; };
  int tie = 0;
  for (UINT i = 0; i < la && i < lb; ++i) {
    const OLECHAR ca = a[i], cb = b[i];
    const OLECHAR fa = fold(ca), fb = fold(cb);
    if (fa != fb) return fa < fb ? -1 : 1;
    if (!tie && ca != cb && !(flags & norm_ignorecase)) tie = ca > cb ? -1 : 1;  // lower case first
  }
  if (la != lb) return la < lb ? -1 : 1;
  return tie;
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

HRESULT result_of(int c) noexcept { return c < 0 ? VARCMP_LT : c > 0 ? VARCMP_GT : VARCMP_EQ; }

}  // namespace

COMKIT_STDAPI VarCmp(LPVARIANT pvarLeft, LPVARIANT pvarRight, LCID lcid, ULONG dwFlags) {
  (void)lcid;
  if (!pvarLeft || !pvarRight) return E_INVALIDARG;
  const VARTYPE lt = pvarLeft->vt & static_cast<VARTYPE>(~VT_RESERVED), rt = pvarRight->vt & static_cast<VARTYPE>(~VT_RESERVED);
  if (!variant_vt_valid(lt) || !variant_vt_valid(rt)) return DISP_E_BADVARTYPE;
  auto comparable = [](VARTYPE vt) { return numeric(vt) || vt == VT_BSTR || vt == VT_NULL || vt == VT_ERROR; };
  if (!comparable(lt) || !comparable(rt)) return DISP_E_TYPEMISMATCH;
  if (lt == VT_NULL || rt == VT_NULL) return VARCMP_NULL;
  if (lt == VT_ERROR || rt == VT_ERROR) {
    if (lt != rt) return DISP_E_TYPEMISMATCH;
    return result_of(pvarLeft->scode < pvarRight->scode ? -1 : pvarLeft->scode > pvarRight->scode ? 1 : 0);
  }
  const bool ls = lt == VT_BSTR || (lt == VT_EMPTY && rt == VT_BSTR);
  const bool rs = rt == VT_BSTR || (rt == VT_EMPTY && lt == VT_BSTR);
  if (ls && rs) return result_of(cmp_text(lt == VT_BSTR ? pvarLeft->bstrVal : nullptr, rt == VT_BSTR ? pvarRight->bstrVal : nullptr, dwFlags));
  if (ls) return VARCMP_GT;  // a string is greater than any number
  if (rs) return VARCMP_LT;
  // Two numbers.
  if (lt == VT_DECIMAL || rt == VT_DECIMAL || lt == VT_CY || rt == VT_CY) {
    dec a, b;
    if (to_dec_value(*pvarLeft, a) && to_dec_value(*pvarRight, b)) return result_of(dec_cmp(a, b));
  }
  if ((lt == VT_R4 && (rt == VT_R8 || rt == VT_DATE)) || (rt == VT_R4 && (lt == VT_R8 || lt == VT_DATE))) {
    // Windows compares an R4 with an R8 at R4 precision.
    double a, b;
    if (!to_r8(*pvarLeft, a) || !to_r8(*pvarRight, b)) return DISP_E_OVERFLOW;
    const float fa = static_cast<float>(a), fb = static_cast<float>(b);
    if (std::isfinite(a) && std::isfinite(b) && std::isfinite(fa) && std::isfinite(fb))
      return result_of(fa < fb ? -1 : fa > fb ? 1 : 0);
    return result_of(a < b ? -1 : a > b ? 1 : 0);
  }
  const bool integral_l = lt != VT_R4 && lt != VT_R8 && lt != VT_DATE, integral_r = rt != VT_R4 && rt != VT_R8 && rt != VT_DATE;
  if (integral_l && integral_r) {
    VARIANT a, b;
    VariantInit(&a);
    VariantInit(&b);
    // Through I8 and UI8 exactly: a negative value against a UI8 is less.
    auto as_i128 = [](const VARIANT& v, i128& out) {
      VARIANT t;
      VariantInit(&t);
      if (v.vt == VT_EMPTY) {
        out = 0;
        return true;
      }
      if (v.vt == VT_UI8 || v.vt == VT_UI4 || v.vt == VT_UINT) {
        if (FAILED(VariantChangeTypeEx(&t, &v, 0x409, 0, VT_UI8))) return false;
        out = t.ullVal;
        return true;
      }
      if (FAILED(VariantChangeTypeEx(&t, &v, 0x409, 0, VT_I8))) return false;
      out = t.llVal;
      return true;
    };
    i128 x, y;
    if (as_i128(*pvarLeft, x) && as_i128(*pvarRight, y)) return result_of(x < y ? -1 : x > y ? 1 : 0);
  }
  double a, b;
  if (!to_r8(*pvarLeft, a) || !to_r8(*pvarRight, b)) return DISP_E_OVERFLOW;
  return result_of(a < b ? -1 : a > b ? 1 : 0);
}
