// runtime/variant/change_type.cpp - VariantChangeType(Ex).
//
// The result is built in a temporary and only then moved into the
// destination, so a failure leaves the destination untouched (in place
// too), and a destination whose old value cannot be cleared fails with
// DISP_E_BADVARTYPE. The special sources follow Windows' table:
// VT_EMPTY converts to every value type (0, "", FALSE) and to VT_NULL;
// VT_NULL only to VT_NULL; VT_ERROR only to VT_ERROR; interfaces to each
// other (IDispatch by QueryInterface) and to VT_EMPTY/VT_NULL; an IDispatch
// to anything else through its value property (Invoke, DISPID_VALUE) unless
// VARIANT_NOVALUEPROP. Between same-size signed and unsigned integers the
// bits are kept without a range check (VT_I1 -1 becomes VT_UI1 255), as
// Windows does, unlike the VarXxxFromYyy functions.
#include <cstring>

#include "variant/variant_internal.h"
#include "variant/vartype_table.h"

using namespace comkit::rt;

namespace {

// The scalars of vartype_table.h, VT_INT/VT_UINT (as I4/UI4) and BSTR.
bool value_type(VARTYPE vt) noexcept {
  switch (vt) {
#define COMKIT_IMPL_CASE(Name, VT_, CType, member) case VT_:
    COMKIT_IMPL_SCALAR_VARTYPES(COMKIT_IMPL_CASE)
#undef COMKIT_IMPL_CASE
    case VT_INT: case VT_UINT: case VT_BSTR:
      return true;
    default:
      return false;
  }
}

// Types VariantChangeType knows as targets; the rest is DISP_E_BADVARTYPE.
bool known_target(VARTYPE vt) noexcept {
  return value_type(vt) || vt == VT_EMPTY || vt == VT_NULL || vt == VT_DISPATCH || vt == VT_UNKNOWN || vt == VT_ERROR ||
         vt == VT_VARIANT || vt == VT_RECORD;
}

VARTYPE canonical(VARTYPE vt) noexcept {
  if (vt == VT_INT) return VT_I4;
  if (vt == VT_UINT) return VT_UI4;
  return vt;
}

int int_size(VARTYPE vt) noexcept {
  switch (vt) {
    case VT_I1: case VT_UI1: return 1;
    case VT_I2: case VT_UI2: return 2;
    case VT_I4: case VT_UI4: case VT_INT: case VT_UINT: return 4;
    case VT_I8: case VT_UI8: return 8;
    default: return 0;
  }
}

// A scalar source converted to `to` by the code behind VarXxxFromYyy.
HRESULT coerce_value(const VARIANT& src, VARTYPE to, LCID lcid, USHORT flags, VARIANT& out) noexcept {
  const VARTYPE from = canonical(src.vt);
  const VARTYPE requested = to;  // VT_INT stays VT_INT in the result
  to = canonical(to);
  std::memset(&out, 0, sizeof out);
  HRESULT hr = E_UNEXPECTED;

  // Same size, other signedness: the bits as they are.
  if (int_size(from) && int_size(from) == int_size(to)) {
    std::memcpy(&out.llVal, &src.llVal, static_cast<std::size_t>(int_size(to)));
    out.vt = requested;
    return S_OK;
  }
  // A BOOL converts as the I2 it is, to text as "-1"/"0" unless asked for
  // words: English with VARIANT_ALPHABOOL, the LCID's with VARIANT_LOCALBOOL.
  if (from == VT_BOOL && to == VT_BSTR) {
    if (flags & (VARIANT_ALPHABOOL | VARIANT_LOCALBOOL))
      hr = VarBstrFromBool(src.boolVal, lcid, (flags & VARIANT_LOCALBOOL) ? VAR_LOCALBOOL : 0, &out.bstrVal);
    else hr = VarBstrFromI2(src.boolVal, lcid, 0, &out.bstrVal);
    if (SUCCEEDED(hr)) out.vt = VT_BSTR;
    return hr;
  }
  if (from == VT_BOOL && to == VT_DECIMAL) {
    hr = VarDecFromI2(src.boolVal, &out.decVal);
    if (SUCCEEDED(hr)) out.vt = VT_DECIMAL;
    return hr;
  }
  ULONG str_flags = 0;
  if (flags & VARIANT_NOUSEROVERRIDE) str_flags |= LOCALE_NOUSEROVERRIDE;
  if (flags & VARIANT_USE_NLS) str_flags |= LOCALE_USE_NLS;
  if (flags & VARIANT_LOCALBOOL) str_flags |= VAR_LOCALBOOL;

  hr = scalar_change(src, from, to, lcid, str_flags, out);
  if (FAILED(hr)) return hr;
  // decVal overlays vt: write the type after the value.
  out.vt = requested;
  return S_OK;
}

}  // namespace

COMKIT_STDAPI VariantChangeTypeEx(VARIANTARG* pvargDest, const VARIANTARG* pvarSrc, LCID lcid, USHORT wFlags, VARTYPE vt) {
  if (!pvargDest || !pvarSrc) return E_INVALIDARG;
  if (vt & VT_BYREF) return DISP_E_TYPEMISMATCH;
  if ((vt & (VT_VECTOR | VT_RESERVED)) || ((vt & VT_ARRAY) && !variant_vt_valid(vt))) return DISP_E_BADVARTYPE;
  if (!variant_vt_valid(pvarSrc->vt)) return DISP_E_BADVARTYPE;

  // Dereference a by-reference source first.
  VARIANT src;
  VariantInit(&src);
  HRESULT hr;
  bool owned = false;
  if (pvarSrc->vt & VT_BYREF) {
    if (!pvarSrc->byref) return (vt & VT_ARRAY) || known_target(vt) ? DISP_E_TYPEMISMATCH : DISP_E_BADVARTYPE;
    if (pvarSrc->vt == (VT_BYREF | VT_BSTR) && vt != VT_BSTR) {
      // Read, not copied: the string may be a plain NUL-terminated array
      // without a BSTR prefix, and only a copy would read the prefix.
      src.vt = VT_BSTR;
      src.bstrVal = *pvarSrc->pbstrVal;
    } else {
      hr = VariantCopyInd(&src, pvarSrc);
      if (FAILED(hr)) return hr;
      owned = true;
    }
  } else {
    std::memcpy(&src, pvarSrc, sizeof src);  // borrowed: not cleared below
  }
  auto finish = [&](HRESULT result) {
    if (owned) VariantClear(&src);
    return result;
  };

  VARIANT res;
  VariantInit(&res);
  const VARTYPE from = src.vt;
  if (vt & VT_ARRAY) {
    // Arrays convert only to the same array type; a BSTR becomes the byte
    // vector of its bytes.
    if (from == VT_BSTR && vt == (VT_ARRAY | VT_UI1)) {
      hr = VectorFromBstr(src.bstrVal, &res.parray);
      if (SUCCEEDED(hr)) res.vt = vt;
    } else if (from != vt) {
      return finish(DISP_E_TYPEMISMATCH);
    } else {
      hr = VariantCopy(&res, &src);
    }
  } else if (from == (VT_ARRAY | VT_UI1) && vt == VT_BSTR) {
    hr = BstrFromVector(src.parray, &res.bstrVal);  // the bytes, not widened
    if (SUCCEEDED(hr)) res.vt = VT_BSTR;
    else hr = DISP_E_TYPEMISMATCH;
  } else if (!known_target(vt)) {
    return finish(DISP_E_BADVARTYPE);
  } else if (from == vt) {
    hr = VariantCopy(&res, &src);
  } else if (from & VT_ARRAY) {
    hr = DISP_E_TYPEMISMATCH;
  } else if (from == VT_EMPTY) {
    if (vt == VT_NULL) {
      res.vt = VT_NULL;
      hr = S_OK;
    } else if (vt == VT_BSTR) {
      res.bstrVal = SysAllocStringLen(nullptr, 0);
      hr = res.bstrVal ? S_OK : E_OUTOFMEMORY;
      if (SUCCEEDED(hr)) res.vt = VT_BSTR;
    } else if (value_type(vt)) {
      std::memset(&res, 0, sizeof res);  // 0, 0.0, FALSE, 0 DECIMAL
      res.vt = vt;
      hr = S_OK;
    } else {
      hr = DISP_E_TYPEMISMATCH;
    }
  } else if (from == VT_NULL || from == VT_ERROR || vt == VT_ERROR || vt == VT_VARIANT || vt == VT_RECORD) {
    hr = DISP_E_TYPEMISMATCH;
  } else if (from == VT_UNKNOWN || from == VT_DISPATCH) {
    if (vt == VT_EMPTY || vt == VT_NULL) {
      res.vt = vt;
      hr = S_OK;
    } else if (vt == VT_UNKNOWN) {
      res.vt = VT_UNKNOWN;
      res.punkVal = src.punkVal;
      if (res.punkVal) res.punkVal->AddRef();
      hr = S_OK;
    } else if (vt == VT_DISPATCH) {
      res.vt = VT_DISPATCH;
      res.pdispVal = nullptr;
      hr = src.punkVal ? src.punkVal->QueryInterface(IID_IDispatch, reinterpret_cast<void**>(&res.pdispVal)) : S_OK;
      if (FAILED(hr)) {
        res.vt = VT_EMPTY;
        hr = DISP_E_TYPEMISMATCH;
      }
    } else if (from == VT_DISPATCH && !(wFlags & VARIANT_NOVALUEPROP)) {
      VARIANT value;
      hr = dispatch_value(src.pdispVal, lcid, value);
      if (SUCCEEDED(hr)) {
        hr = VariantChangeTypeEx(&res, &value, lcid, wFlags, vt);
        VariantClear(&value);
      }
    } else {
      hr = DISP_E_TYPEMISMATCH;
    }
  } else if (vt == VT_EMPTY || vt == VT_NULL) {
    res.vt = vt;  // the value is dropped
    hr = S_OK;
  } else if (vt == VT_UNKNOWN || vt == VT_DISPATCH) {
    hr = DISP_E_TYPEMISMATCH;
  } else {
    hr = coerce_value(src, vt, lcid, wFlags, res);
  }
  if (FAILED(hr)) return finish(hr);

  // Success: the destination's old value goes, the result moves in.
  if (pvargDest != pvarSrc || owned) {
    HRESULT cleared = VariantClear(pvargDest);
    if (FAILED(cleared)) {
      VariantClear(&res);
      return finish(cleared == DISP_E_ARRAYISLOCKED ? cleared : DISP_E_BADVARTYPE);
    }
  } else {
    VariantClear(pvargDest);  // in place: the source's own value is freed
  }
  std::memcpy(pvargDest, &res, sizeof res);
  return finish(S_OK);
}

COMKIT_STDAPI VariantChangeType(VARIANTARG* pvargDest, const VARIANTARG* pvarSrc, USHORT wFlags, VARTYPE vt) {
  return VariantChangeTypeEx(pvargDest, pvarSrc, LOCALE_USER_DEFAULT, wFlags, vt);
}
