// runtime/variant/variant.cpp - VARIANT lifetime: VariantInit,
// VariantClear, VariantCopy and VariantCopyInd, with Windows' rules for
// which types are valid, what is released, and what is copied deeply.
//
// Ownership: a VARIANT owns its BSTR, its interface reference, its SAFEARRAY
// (VT_ARRAY) and its record (VT_RECORD: the buffer, allocated from the task
// allocator, and the IRecordInfo reference). A VT_BYREF variant owns
// nothing: clearing it releases nothing and copying it copies the pointer.
#include <cstring>

#include "variant/variant_internal.h"
#include "runtime_internal.h"

namespace comkit::rt {

BSTR bstr_copy(BSTR s) noexcept {
  if (!s) return SysAllocStringLen(nullptr, 0);
  return SysAllocStringByteLen(reinterpret_cast<LPCSTR>(s), SysStringByteLen(s));
}

namespace {

// A record copied into a new buffer from the task allocator.
HRESULT copy_record(const VARIANT& from, VARIANT& to) noexcept {
  IRecordInfo* ri = from.pRecInfo;
  if (!ri) {
    // An empty record (no IRecordInfo, no buffer) copies as one, as on
    // Windows; a buffer without its IRecordInfo cannot be copied.
    if (from.pvRecord) return E_INVALIDARG;
    to.pvRecord = nullptr;
    to.pRecInfo = nullptr;
    return S_OK;
  }
  ULONG size = 0;
  HRESULT hr = ri->GetSize(&size);
  if (FAILED(hr)) return hr;
  void* buffer = CoTaskMemAlloc(size ? size : 1);
  if (!buffer) return E_OUTOFMEMORY;
  std::memset(buffer, 0, size);
  hr = ri->RecordCopy(from.pvRecord, buffer);
  if (FAILED(hr)) {
    CoTaskMemFree(buffer);
    return hr;
  }
  ri->AddRef();
  to.pvRecord = buffer;
  to.pRecInfo = ri;
  return S_OK;
}

// Copies src's value into dst (which holds nothing to release): the shallow
// bytes, then a deep copy of what src owns. On failure dst is VT_EMPTY.
HRESULT copy_value(VARIANT* dst, const VARIANT* src) noexcept {
  std::memcpy(dst, src, sizeof(VARIANT));
  const VARTYPE vt = src->vt;
  if (vt & VT_BYREF) return S_OK;  // the pointer only
  HRESULT hr = S_OK;
  if (vt & VT_ARRAY) {
    hr = SafeArrayCopy(src->parray, &dst->parray);
  } else {
    switch (vt) {
      case VT_BSTR:
        dst->bstrVal = bstr_copy(src->bstrVal);
        if (!dst->bstrVal) hr = E_OUTOFMEMORY;
        break;
      case VT_UNKNOWN:
      case VT_DISPATCH:
        if (src->punkVal) src->punkVal->AddRef();
        break;
      case VT_RECORD:
        hr = copy_record(*src, *dst);
        break;
      default:
        break;
    }
  }
  if (FAILED(hr)) dst->vt = VT_EMPTY;
  return hr;
}

}  // namespace
}  // namespace comkit::rt

using namespace comkit::rt;

// Only vt is written, to VT_EMPTY; the rest is left as it was.
COMKIT_STDAPI_(void) VariantInit(VARIANTARG* pvarg) {
  if (pvarg) std::memset(pvarg, 0, sizeof *pvarg);  // Windows 8 and later clear it all; vt is VT_EMPTY (0)
}

// Releases what the variant owns and sets vt to VT_EMPTY, writing nothing
// else (Windows leaves the old value bits in place). DISP_E_BADVARTYPE
// leaves the variant untouched. Windows crashes on NULL; comkit returns
// E_INVALIDARG.
COMKIT_STDAPI VariantClear(VARIANTARG* pvarg) {
  if (!pvarg) return E_INVALIDARG;
  const VARTYPE vt = pvarg->vt;
  if (!variant_vt_valid(vt)) return DISP_E_BADVARTYPE;
  if (!(vt & VT_BYREF)) {
    if (vt & VT_ARRAY) {
      HRESULT hr = SafeArrayDestroy(pvarg->parray);
      if (FAILED(hr)) return hr;  // DISP_E_ARRAYISLOCKED: the variant keeps its array
    } else {
      switch (vt) {
        case VT_BSTR:
          SysFreeString(pvarg->bstrVal);
          break;
        case VT_UNKNOWN:
        case VT_DISPATCH:
          if (pvarg->punkVal) pvarg->punkVal->Release();
          break;
        case VT_RECORD:
          if (IRecordInfo* ri = pvarg->pRecInfo) {
            if (pvarg->pvRecord) {
              ri->RecordClear(pvarg->pvRecord);
              CoTaskMemFree(pvarg->pvRecord);
            }
            ri->Release();
          }
          break;
        default:
          break;
      }
    }
  }
  pvarg->vt = VT_EMPTY;
  return S_OK;
}

// Clears the destination first (a destination with a bad vt fails), then
// copies: deep for BSTR, interfaces (AddRef), arrays and records; a VT_BYREF
// source is copied as the pointer it is. A NULL BSTR copies to an empty one.
// Windows rejects a VT_CLSID source, though VariantClear accepts VT_CLSID.
COMKIT_STDAPI VariantCopy(VARIANTARG* pvargDest, const VARIANTARG* pvargSrc) {
  if (!pvargDest || !pvargSrc) return E_INVALIDARG;
  const VARTYPE vt = pvargSrc->vt;
  if (!variant_vt_valid(vt) || (vt & VT_TYPEMASK) == VT_CLSID) return DISP_E_BADVARTYPE;
  if (pvargDest == pvargSrc) return S_OK;
  HRESULT hr = VariantClear(pvargDest);
  if (FAILED(hr)) return hr;
  return copy_value(pvargDest, pvargSrc);
}

// VariantCopy, except that a VT_BYREF source is dereferenced: the copy holds
// the value (deeply copied) and the type without VT_BYREF. A VT_VARIANT
// reference is followed through one more reference, but not to a second
// VT_VARIANT reference (E_INVALIDARG). A bad by-reference type is
// E_INVALIDARG, not DISP_E_BADVARTYPE. Source and destination may be the
// same variant.
COMKIT_STDAPI VariantCopyInd(VARIANT* pvarDest, const VARIANTARG* pvargSrc) {
  if (!pvarDest || !pvargSrc) return E_INVALIDARG;
  const VARTYPE vt = pvargSrc->vt;
  if (!(vt & VT_BYREF)) return VariantCopy(pvarDest, pvargSrc);

  VARIANT value;
  VariantInit(&value);
  HRESULT hr = S_OK;
  if (vt & VT_ARRAY) {
    // Windows accepts any base type here (and keeps the other flag bits).
    SAFEARRAY* const* pp = pvargSrc->pparray;
    hr = SafeArrayCopy(pp ? *pp : nullptr, &value.parray);
    if (SUCCEEDED(hr)) value.vt = static_cast<VARTYPE>(vt & ~VT_BYREF);
  } else {
    const VARTYPE base = vt & VT_TYPEMASK;
    if (!variant_vt_valid(vt) || base == VT_EMPTY || base == VT_NULL || base == VT_CLSID || !pvargSrc->byref) return E_INVALIDARG;
    if (base == VT_VARIANT) {
      const VARIANT* inner = pvargSrc->pvarVal;
      if (inner->vt == (VT_VARIANT | VT_BYREF)) return E_INVALIDARG;
      hr = (inner->vt & VT_BYREF) ? VariantCopyInd(&value, inner) : VariantCopy(&value, inner);
    } else {
      VARIANT shallow;
      std::memset(&shallow, 0, sizeof shallow);
      shallow.vt = base;
      switch (base) {
        case VT_DECIMAL:
          shallow.decVal = *pvargSrc->pdecVal;
          shallow.vt = VT_DECIMAL;  // decVal overlays vt
          break;
        case VT_RECORD:
          shallow.pvRecord = pvargSrc->pvRecord;
          shallow.pRecInfo = pvargSrc->pRecInfo;
          break;
        case VT_VARIANT:
          break;
        default: {
          std::size_t size = safearray_element_size(base);
          if (base == VT_BOOL) size = sizeof(VARIANT_BOOL);
          std::memcpy(&shallow.llVal, pvargSrc->byref, size);
          break;
        }
      }
      hr = copy_value(&value, &shallow);
    }
  }
  if (FAILED(hr)) return hr;
  hr = VariantClear(pvarDest);
  if (FAILED(hr)) {
    VariantClear(&value);
    return hr;
  }
  std::memcpy(pvarDest, &value, sizeof(VARIANT));
  return S_OK;
}
