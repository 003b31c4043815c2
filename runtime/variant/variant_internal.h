// runtime/variant/variant_internal.h - what the VARIANT and SAFEARRAY
// code shares: which VARTYPEs are valid where, element sizes, and the deep
// copy and release of one element. Never installed.
#ifndef COMKIT_RUNTIME_VARIANT_INTERNAL_H
#define COMKIT_RUNTIME_VARIANT_INTERNAL_H

#include <oleauto.h>

#include <cstddef>

namespace comkit::rt {

/// The VARTYPEs a VARIANT may hold, as VariantClear checks them (Windows'
/// table, tests/runtime/variant_test.cpp): EMPTY and NULL without flags;
/// I2..DECIMAL, I1..UINT and RECORD with any of BYREF and ARRAY; CLSID;
/// nothing with VECTOR or RESERVED.
inline bool variant_vt_valid(VARTYPE vt) noexcept {
  const VARTYPE base = vt & VT_TYPEMASK;
  const VARTYPE flags = vt & static_cast<VARTYPE>(~VT_TYPEMASK);
  if (flags & (VT_VECTOR | VT_RESERVED)) return false;
  if (base == VT_EMPTY || base == VT_NULL) return flags == 0;
  return (base >= VT_I2 && base <= VT_DECIMAL) || (base >= VT_I1 && base <= VT_UINT) || base == VT_RECORD || base == VT_CLSID;
}

/// The element size of a SAFEARRAY of `vt`, or 0 when SafeArrayCreate does
/// not accept it (VT_RECORD's size comes from its IRecordInfo).
inline ULONG safearray_element_size(VARTYPE vt) noexcept {
  switch (vt) {
    case VT_I1:
    case VT_UI1:
      return 1;
    case VT_I2:
    case VT_UI2:
    case VT_BOOL:
      return 2;
    case VT_I4:
    case VT_UI4:
    case VT_R4:
    case VT_ERROR:
    case VT_INT:
    case VT_UINT:
      return 4;
    case VT_I8:
    case VT_UI8:
    case VT_R8:
    case VT_CY:
    case VT_DATE:
      return 8;
    case VT_DECIMAL:
      return sizeof(DECIMAL);
    case VT_BSTR:
    case VT_DISPATCH:
    case VT_UNKNOWN:
    case VT_INT_PTR:
    case VT_UINT_PTR:
      return sizeof(void *);
    case VT_VARIANT:
      return sizeof(VARIANT);
    default:
      return 0;
  }
}

/// A copy of `s` with the same byte length (odd lengths survive); a NULL
/// BSTR copies to an empty, non-NULL one, as VariantCopy does.
BSTR bstr_copy(BSTR s) noexcept;

/// The value behind an IDispatch: Invoke(DISPID_VALUE, property get, no
/// arguments) into `result` (VT_EMPTY on failure); Invoke's HRESULT.
HRESULT invoke_value(IDispatch* disp, LCID lcid, VARIANT& result) noexcept;
/// The same for the conversions: DISP_E_TYPEMISMATCH when Invoke fails,
/// DISP_E_BADVARTYPE for no object.
HRESULT dispatch_value(IDispatch* disp, LCID lcid, VARIANT& result) noexcept;

/// The value of `src`, read as the scalar or BSTR type `from` (VT_INT
/// already VT_I4), converted to `to` into the matching member of `out`
/// through the same code as VarXxxFromYyy (convert.cpp, expanded from
/// vartype_table.h); `flags` are the VarXxxFromStr flags. `out.vt` is not
/// written. DISP_E_TYPEMISMATCH for a pair outside the table.
HRESULT scalar_change(const VARIANT& src, VARTYPE from, VARTYPE to, LCID lcid, ULONG flags, VARIANT& out) noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_VARIANT_INTERNAL_H
