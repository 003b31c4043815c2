// runtime/safearray/safearray.cpp - SAFEARRAY: creation, locking, element
// access, resizing and copying, with Windows' layout and codes.
//
// Layout (the descriptor is the ABI): bounds are stored in reverse, so
// SafeArrayCreate's rgsabound[0] is the descriptor's rgsabound[cDims-1];
// rgIndices[0] varies fastest in memory; GetLBound(nDim) reads
// rgsabound[cDims-nDim]; SafeArrayRedim changes rgsabound[0], the slowest.
// 16 bytes in front of every descriptor hold what the feature flags promise:
// the IID (FADF_HAVEIID) in all 16, the IRecordInfo* (FADF_RECORD) in the
// last pointer-sized slot, the VARTYPE (FADF_HAVEVARTYPE) in the last 4.
// Descriptors and data come from the task allocator (CoTaskMemAlloc), so
// malloc spies see them; a vector's data lives in its descriptor's block.
//
// How elements are copied and released follows the type flags, as on
// Windows: FADF_BSTR, FADF_VARIANT, FADF_UNKNOWN/FADF_DISPATCH, FADF_RECORD.
#include <cstring>
#include <new>

#include "variant/variant_internal.h"
#include "runtime_internal.h"

namespace comkit::rt {
namespace {

constexpr std::size_t hidden_size = 16;
constexpr USHORT FADF_CREATEVECTOR = 0x2000;  // Windows sets it on vectors (not in the SDK headers)
constexpr USHORT lifetime_flags = FADF_AUTO | FADF_STATIC | FADF_EMBEDDED;
constexpr ULONG max_locks = 0xffff;

std::size_t descriptor_size(UINT cDims) noexcept { return sizeof(SAFEARRAY) + (cDims - 1) * sizeof(SAFEARRAYBOUND); }
unsigned char* block_of(SAFEARRAY* psa) noexcept { return reinterpret_cast<unsigned char*>(psa) - hidden_size; }

// ABI: the hidden fields sit in the 16 bytes before the descriptor.
GUID* hidden_iid(SAFEARRAY* psa) noexcept { return reinterpret_cast<GUID*>(block_of(psa)); }
DWORD* hidden_vt(SAFEARRAY* psa) noexcept { return reinterpret_cast<DWORD*>(psa) - 1; }
IRecordInfo** hidden_record(SAFEARRAY* psa) noexcept { return reinterpret_cast<IRecordInfo**>(psa) - 1; }

bool data_is_inline(SAFEARRAY* psa) noexcept {
  return psa->pvData == reinterpret_cast<unsigned char*>(psa) + descriptor_size(psa->cDims);
}

// Elements in all dimensions; false when the count or byte size overflows.
bool cell_count(const SAFEARRAY* psa, std::size_t& cells, std::size_t& bytes) noexcept {
  cells = 1;
  for (USHORT i = 0; i < psa->cDims; ++i) {
    if (__builtin_mul_overflow(cells, static_cast<std::size_t>(psa->rgsabound[i].cElements), &cells)) return false;
  }
  return !__builtin_mul_overflow(cells, static_cast<std::size_t>(psa->cbElements), &bytes);
}

void* zeroed_alloc(std::size_t bytes) noexcept {
  void* p = CoTaskMemAlloc(bytes);
  if (p) std::memset(p, 0, bytes);
  return p;
}

// Releases `count` elements starting at `first`, as the type flags say.
void release_elements(SAFEARRAY* psa, void* first, std::size_t count) noexcept {
  auto* p = static_cast<unsigned char*>(first);
  const std::size_t cb = psa->cbElements;
  if (psa->fFeatures & FADF_BSTR) {
    for (std::size_t i = 0; i < count; ++i) SysFreeString(reinterpret_cast<BSTR*>(p)[i]);
  } else if (psa->fFeatures & (FADF_UNKNOWN | FADF_DISPATCH)) {
    for (std::size_t i = 0; i < count; ++i)
      if (IUnknown* u = reinterpret_cast<IUnknown**>(p)[i]) u->Release();
  } else if (psa->fFeatures & FADF_VARIANT) {
    for (std::size_t i = 0; i < count; ++i) VariantClear(reinterpret_cast<VARIANT*>(p) + i);
  } else if (psa->fFeatures & FADF_RECORD) {
    if (IRecordInfo* ri = *hidden_record(psa))
      for (std::size_t i = 0; i < count; ++i) ri->RecordClear(p + i * cb);
  }
}

// Copies one element from `from` (an element slot) to `to` (another slot,
// already empty), deeply.
HRESULT copy_element(SAFEARRAY* psa, const void* from, void* to) noexcept {
  if (psa->fFeatures & FADF_BSTR) {
    BSTR s = *static_cast<const BSTR*>(from);
    BSTR c = nullptr;
    if (s && !(c = SysAllocStringByteLen(reinterpret_cast<LPCSTR>(s), SysStringByteLen(s)))) return E_OUTOFMEMORY;
    *static_cast<BSTR*>(to) = c;
  } else if (psa->fFeatures & (FADF_UNKNOWN | FADF_DISPATCH)) {
    IUnknown* u = *static_cast<IUnknown* const*>(from);
    if (u) u->AddRef();
    *static_cast<IUnknown**>(to) = u;
  } else if (psa->fFeatures & FADF_VARIANT) {
    VARIANT* dst = static_cast<VARIANT*>(to);
    VariantInit(dst);
    return VariantCopy(dst, const_cast<VARIANT*>(static_cast<const VARIANT*>(from)));
  } else if (psa->fFeatures & FADF_RECORD) {
    IRecordInfo* ri = *hidden_record(psa);
    if (!ri) return E_INVALIDARG;
    return ri->RecordCopy(const_cast<void*>(from), to);
  } else {
    std::memcpy(to, from, psa->cbElements);
  }
  return S_OK;
}

// Type flags for `vt`: what SafeArrayAllocDescriptorEx sets (the hidden
// field's flag) and, for the SafeArrayCreate family, the element-kind flag.
void set_type_flags(SAFEARRAY* psa, VARTYPE vt, bool create) noexcept {
  switch (vt) {
    case VT_UNKNOWN:
    case VT_DISPATCH:
      psa->fFeatures |= FADF_HAVEIID;
      *hidden_iid(psa) = vt == VT_UNKNOWN ? IID_IUnknown : IID_IDispatch;
      if (create) psa->fFeatures |= vt == VT_UNKNOWN ? FADF_UNKNOWN : FADF_DISPATCH;
      break;
    case VT_RECORD:
      psa->fFeatures |= FADF_RECORD;
      break;
    default:
      psa->fFeatures |= FADF_HAVEVARTYPE;
      *hidden_vt(psa) = vt;
      if (create && vt == VT_BSTR) psa->fFeatures |= FADF_BSTR;
      if (create && vt == VT_VARIANT) psa->fFeatures |= FADF_VARIANT;
      break;
  }
}

HRESULT alloc_descriptor(UINT cDims, std::size_t extra, SAFEARRAY** out) noexcept {
  if (cDims == 0 || cDims > 0xffff) return E_INVALIDARG;
  const std::size_t size = hidden_size + descriptor_size(cDims);
  if (extra > SIZE_MAX - size) return E_OUTOFMEMORY;
  auto* block = static_cast<unsigned char*>(zeroed_alloc(size + extra));
  if (!block) return E_OUTOFMEMORY;
  auto* psa = reinterpret_cast<SAFEARRAY*>(block + hidden_size);  // ABI: the descriptor follows the hidden prefix
  psa->cDims = static_cast<USHORT>(cDims);
  *out = psa;
  return S_OK;
}

// Applies pvExtra (IRecordInfo* or IID*) and the element size for `vt`.
HRESULT apply_type(SAFEARRAY* psa, VARTYPE vt, void* pvExtra) noexcept {
  set_type_flags(psa, vt, true);
  if (vt == VT_RECORD) {
    auto* ri = static_cast<IRecordInfo*>(pvExtra);
    ri->AddRef();
    *hidden_record(psa) = ri;
    ULONG size = 0;
    ri->GetSize(&size);  // Windows creates the array even when GetSize fails
    psa->cbElements = size;
  } else {
    if (pvExtra && (vt == VT_UNKNOWN || vt == VT_DISPATCH)) *hidden_iid(psa) = *static_cast<const GUID*>(pvExtra);
    psa->cbElements = safearray_element_size(vt);
  }
  return S_OK;
}

bool create_vt_ok(VARTYPE vt, void* pvExtra) noexcept {
  if (vt == VT_RECORD) return pvExtra != nullptr;
  return safearray_element_size(vt) != 0;
}

// The address of the element at rgIndices, or nullptr when an index is out
// of range.
void* element_address(SAFEARRAY* psa, const LONG* rgIndices) noexcept {
  std::size_t cell = 0, stride = 1;
  for (USHORT i = 0; i < psa->cDims; ++i) {
    const SAFEARRAYBOUND& b = psa->rgsabound[psa->cDims - 1 - i];
    const long long rel = static_cast<long long>(rgIndices[i]) - b.lLbound;
    if (rel < 0 || rel >= static_cast<long long>(b.cElements)) return nullptr;
    cell += static_cast<std::size_t>(rel) * stride;
    stride *= b.cElements;
  }
  return static_cast<unsigned char*>(psa->pvData) + cell * psa->cbElements;
}

SAFEARRAY* create(VARTYPE vt, UINT cDims, const SAFEARRAYBOUND* rgsabound, void* pvExtra) noexcept {
  if (!rgsabound || !create_vt_ok(vt, pvExtra)) return nullptr;
  SAFEARRAY* psa = nullptr;
  if (FAILED(alloc_descriptor(cDims, 0, &psa))) return nullptr;
  for (UINT i = 0; i < cDims; ++i) psa->rgsabound[cDims - 1 - i] = rgsabound[i];
  apply_type(psa, vt, pvExtra);
  if (FAILED(SafeArrayAllocData(psa))) {
    SafeArrayDestroyDescriptor(psa);
    return nullptr;
  }
  return psa;
}

SAFEARRAY* create_vector(VARTYPE vt, LONG lLbound, ULONG cElements, void* pvExtra) noexcept {
  if (!create_vt_ok(vt, pvExtra)) return nullptr;
  // The element size is known up front except for records.
  ULONG cb = safearray_element_size(vt);
  if (vt == VT_RECORD && pvExtra) static_cast<IRecordInfo*>(pvExtra)->GetSize(&cb);
  std::size_t bytes = 0;
  if (__builtin_mul_overflow(static_cast<std::size_t>(cElements), static_cast<std::size_t>(cb), &bytes)) return nullptr;
  SAFEARRAY* psa = nullptr;
  if (FAILED(alloc_descriptor(1, bytes, &psa))) return nullptr;
  psa->rgsabound[0].cElements = cElements;
  psa->rgsabound[0].lLbound = lLbound;
  apply_type(psa, vt, pvExtra);
  psa->cbElements = cb;
  psa->fFeatures |= FADF_CREATEVECTOR;
  psa->pvData = reinterpret_cast<unsigned char*>(psa) + descriptor_size(1);
  return psa;
}

}  // namespace
}  // namespace comkit::rt

using namespace comkit::rt;

// ---- Creation and destruction --------------------------------------------------

COMKIT_STDAPI SafeArrayAllocDescriptor(UINT cDims, SAFEARRAY** ppsaOut) {
  if (!ppsaOut) return E_POINTER;
  return alloc_descriptor(cDims, 0, ppsaOut);
}

// Windows does not validate vt here (even 0xffff succeeds): it only picks
// the hidden field.
COMKIT_STDAPI SafeArrayAllocDescriptorEx(VARTYPE vt, UINT cDims, SAFEARRAY** ppsaOut) {
  if (!ppsaOut) return E_POINTER;
  HRESULT hr = alloc_descriptor(cDims, 0, ppsaOut);
  if (FAILED(hr)) return hr;
  set_type_flags(*ppsaOut, vt, false);
  (*ppsaOut)->cbElements = safearray_element_size(vt);
  return S_OK;
}

COMKIT_STDAPI SafeArrayAllocData(SAFEARRAY* psa) {
  if (!psa) return E_INVALIDARG;
  std::size_t cells = 0, bytes = 0;
  if (!cell_count(psa, cells, bytes)) return E_OUTOFMEMORY;
  void* data = zeroed_alloc(bytes);
  if (!data) return E_OUTOFMEMORY;
  psa->pvData = data;
  return S_OK;
}

COMKIT_STDAPI_(SAFEARRAY*) SafeArrayCreate(VARTYPE vt, UINT cDims, SAFEARRAYBOUND* rgsabound) {
  if (vt == VT_RECORD) return nullptr;  // needs an IRecordInfo: SafeArrayCreateEx
  return create(vt, cDims, rgsabound, nullptr);
}

COMKIT_STDAPI_(SAFEARRAY*) SafeArrayCreateEx(VARTYPE vt, UINT cDims, SAFEARRAYBOUND* rgsabound, PVOID pvExtra) {
  return create(vt, cDims, rgsabound, pvExtra);
}

COMKIT_STDAPI_(SAFEARRAY*) SafeArrayCreateVector(VARTYPE vt, LONG lLbound, ULONG cElements) {
  if (vt == VT_RECORD) return nullptr;
  return create_vector(vt, lLbound, cElements, nullptr);
}

COMKIT_STDAPI_(SAFEARRAY*) SafeArrayCreateVectorEx(VARTYPE vt, LONG lLbound, ULONG cElements, PVOID pvExtra) {
  return create_vector(vt, lLbound, cElements, pvExtra);
}

COMKIT_STDAPI SafeArrayDestroyData(SAFEARRAY* psa) {
  if (!psa) return E_INVALIDARG;
  if (psa->cLocks) return DISP_E_ARRAYISLOCKED;
  if (!psa->pvData) return S_OK;
  std::size_t cells = 0, bytes = 0;
  if (!cell_count(psa, cells, bytes)) return E_UNEXPECTED;
  release_elements(psa, psa->pvData, cells);
  if (psa->fFeatures & lifetime_flags) {
    // The caller owns the memory (FADF_STATIC ...): cleared, kept.
    std::memset(psa->pvData, 0, bytes);
    return S_OK;
  }
  if (data_is_inline(psa)) {
    psa->fFeatures &= static_cast<USHORT>(~FADF_CREATEVECTOR);  // as Windows does
  } else {
    CoTaskMemFree(psa->pvData);
  }
  psa->pvData = nullptr;
  return S_OK;
}

COMKIT_STDAPI SafeArrayDestroyDescriptor(SAFEARRAY* psa) {
  if (!psa) return E_INVALIDARG;
  if (psa->cLocks) return DISP_E_ARRAYISLOCKED;
  if (psa->fFeatures & FADF_RECORD) {
    if (IRecordInfo* ri = *hidden_record(psa)) ri->Release();
  }
  CoTaskMemFree(block_of(psa));
  return S_OK;
}

COMKIT_STDAPI SafeArrayDestroy(SAFEARRAY* psa) {
  if (!psa) return S_OK;  // Windows: nothing to do
  if (psa->cLocks) return DISP_E_ARRAYISLOCKED;
  HRESULT hr = SafeArrayDestroyData(psa);
  if (FAILED(hr)) return hr;
  return SafeArrayDestroyDescriptor(psa);
}

// ---- Locking ------------------------------------------------------------------------

COMKIT_STDAPI SafeArrayLock(SAFEARRAY* psa) {
  if (!psa) return E_INVALIDARG;
  // One locked add; the rare overflow is undone.
  if (__atomic_fetch_add(&psa->cLocks, 1, __ATOMIC_ACQ_REL) >= max_locks) {
    __atomic_fetch_sub(&psa->cLocks, 1, __ATOMIC_ACQ_REL);
    return E_UNEXPECTED;
  }
  return S_OK;
}

COMKIT_STDAPI SafeArrayUnlock(SAFEARRAY* psa) {
  if (!psa) return E_INVALIDARG;
  if (__atomic_fetch_sub(&psa->cLocks, 1, __ATOMIC_ACQ_REL) == 0) {
    __atomic_fetch_add(&psa->cLocks, 1, __ATOMIC_ACQ_REL);
    return E_UNEXPECTED;
  }
  return S_OK;
}

COMKIT_STDAPI SafeArrayAccessData(SAFEARRAY* psa, void** ppvData) {
  if (!psa || !ppvData) return E_INVALIDARG;
  HRESULT hr = SafeArrayLock(psa);
  if (FAILED(hr)) {
    *ppvData = nullptr;
    return hr;
  }
  *ppvData = psa->pvData;
  return S_OK;
}

COMKIT_STDAPI SafeArrayUnaccessData(SAFEARRAY* psa) { return SafeArrayUnlock(psa); }

// ---- Elements -------------------------------------------------------------------------

COMKIT_STDAPI SafeArrayPtrOfIndex(SAFEARRAY* psa, LONG* rgIndices, void** ppvData) {
  if (!psa || !rgIndices || !ppvData) return E_INVALIDARG;
  void* p = element_address(psa, rgIndices);
  if (!p) return DISP_E_BADINDEX;
  *ppvData = p;
  return S_OK;
}

// The destination is not cleared first: Windows writes a VARIANT element's
// copy over whatever pv holds (even a garbage vt).
COMKIT_STDAPI SafeArrayGetElement(SAFEARRAY* psa, LONG* rgIndices, void* pv) {
  if (!psa || !rgIndices || !pv) return E_INVALIDARG;
  HRESULT hr = SafeArrayLock(psa);
  if (FAILED(hr)) return hr;
  void* elem = element_address(psa, rgIndices);
  hr = elem ? copy_element(psa, elem, pv) : DISP_E_BADINDEX;
  SafeArrayUnlock(psa);
  return hr;
}

// pv is the value itself for BSTR and interface arrays (a BSTR, an
// IUnknown*), and a pointer to it for everything else. Windows crashes on a
// NULL pv; comkit returns E_INVALIDARG, except for BSTR arrays, where NULL
// is a valid (empty) BSTR.
COMKIT_STDAPI SafeArrayPutElement(SAFEARRAY* psa, LONG* rgIndices, void* pv) {
  if (!psa || !rgIndices) return E_INVALIDARG;
  if (!pv && !(psa->fFeatures & (FADF_BSTR | FADF_UNKNOWN | FADF_DISPATCH))) return E_INVALIDARG;
  HRESULT hr = SafeArrayLock(psa);
  if (FAILED(hr)) return hr;
  void* elem = element_address(psa, rgIndices);
  if (!elem) {
    SafeArrayUnlock(psa);
    return DISP_E_BADINDEX;
  }
  if (psa->fFeatures & FADF_BSTR) {
    BSTR copy = nullptr;
    if (pv && !(copy = SysAllocStringByteLen(static_cast<LPCSTR>(pv), SysStringByteLen(static_cast<BSTR>(pv))))) {
      hr = E_OUTOFMEMORY;
    } else {
      SysFreeString(*static_cast<BSTR*>(elem));
      *static_cast<BSTR*>(elem) = copy;
    }
  } else if (psa->fFeatures & (FADF_UNKNOWN | FADF_DISPATCH)) {
    auto* unk = static_cast<IUnknown*>(pv);
    if (unk) unk->AddRef();
    if (IUnknown* old = *static_cast<IUnknown**>(elem)) old->Release();
    *static_cast<IUnknown**>(elem) = unk;
  } else if (psa->fFeatures & FADF_VARIANT) {
    hr = VariantCopy(static_cast<VARIANT*>(elem), static_cast<VARIANT*>(pv));
  } else if (psa->fFeatures & FADF_RECORD) {
    IRecordInfo* ri = *hidden_record(psa);
    hr = ri ? ri->RecordCopy(pv, elem) : E_INVALIDARG;
  } else {
    std::memcpy(elem, pv, psa->cbElements);
  }
  SafeArrayUnlock(psa);
  return hr;
}

// ---- Queries ------------------------------------------------------------------------------

COMKIT_STDAPI_(UINT) SafeArrayGetDim(SAFEARRAY* psa) { return psa ? psa->cDims : 0; }
COMKIT_STDAPI_(UINT) SafeArrayGetElemsize(SAFEARRAY* psa) { return psa ? psa->cbElements : 0; }

COMKIT_STDAPI SafeArrayGetLBound(SAFEARRAY* psa, UINT nDim, LONG* plLbound) {
  if (!psa || !plLbound) return E_INVALIDARG;
  if (nDim == 0 || nDim > psa->cDims) return DISP_E_BADINDEX;
  *plLbound = psa->rgsabound[psa->cDims - nDim].lLbound;
  return S_OK;
}

COMKIT_STDAPI SafeArrayGetUBound(SAFEARRAY* psa, UINT nDim, LONG* plUbound) {
  if (!psa || !plUbound) return E_INVALIDARG;
  if (nDim == 0 || nDim > psa->cDims) return DISP_E_BADINDEX;
  const SAFEARRAYBOUND& b = psa->rgsabound[psa->cDims - nDim];
  *plUbound = static_cast<LONG>(static_cast<long long>(b.lLbound) + b.cElements - 1);
  return S_OK;
}

// Windows: an array from SafeArrayAllocDescriptorEx(VT_DISPATCH) has only
// FADF_HAVEIID and reads back as VT_UNKNOWN.
COMKIT_STDAPI SafeArrayGetVartype(SAFEARRAY* psa, VARTYPE* pvt) {
  if (!psa || !pvt) return E_INVALIDARG;
  const USHORT f = psa->fFeatures;
  if (f & FADF_HAVEVARTYPE) *pvt = static_cast<VARTYPE>(*hidden_vt(psa));
  else if (f & FADF_RECORD) *pvt = VT_RECORD;
  else if (f & FADF_DISPATCH) *pvt = VT_DISPATCH;
  else if (f & (FADF_UNKNOWN | FADF_HAVEIID)) *pvt = VT_UNKNOWN;
  else if (f & FADF_BSTR) *pvt = VT_BSTR;
  else if (f & FADF_VARIANT) *pvt = VT_VARIANT;
  else return E_INVALIDARG;
  return S_OK;
}

COMKIT_STDAPI SafeArrayGetIID(SAFEARRAY* psa, GUID* pguid) {
  if (!psa || !pguid || !(psa->fFeatures & FADF_HAVEIID)) return E_INVALIDARG;
  *pguid = *hidden_iid(psa);
  return S_OK;
}

COMKIT_STDAPI SafeArraySetIID(SAFEARRAY* psa, REFGUID guid) {
  const GUID* g = nullable(&guid);
  if (!psa || !g || !(psa->fFeatures & FADF_HAVEIID)) return E_INVALIDARG;
  *hidden_iid(psa) = *g;
  return S_OK;
}

COMKIT_STDAPI SafeArrayGetRecordInfo(SAFEARRAY* psa, IRecordInfo** prinfo) {
  if (!psa || !prinfo || !(psa->fFeatures & FADF_RECORD)) return E_INVALIDARG;
  *prinfo = *hidden_record(psa);
  if (*prinfo) (*prinfo)->AddRef();
  return S_OK;
}

COMKIT_STDAPI SafeArraySetRecordInfo(SAFEARRAY* psa, IRecordInfo* prinfo) {
  if (!psa || !(psa->fFeatures & FADF_RECORD)) return E_INVALIDARG;
  if (prinfo) prinfo->AddRef();
  if (IRecordInfo* old = *hidden_record(psa)) old->Release();
  *hidden_record(psa) = prinfo;
  return S_OK;
}

// ---- Resize and copy ---------------------------------------------------------------------

// Only the descriptor's rgsabound[0] (the slowest-varying dimension) can
// change; data stays where it is in memory, the growth is zeroed and the
// elements cut off are released.
COMKIT_STDAPI SafeArrayRedim(SAFEARRAY* psa, SAFEARRAYBOUND* psaboundNew) {
  if (!psa || !psaboundNew) return E_INVALIDARG;
  if (psa->cLocks || (psa->fFeatures & FADF_FIXEDSIZE)) return DISP_E_ARRAYISLOCKED;  // Windows' code for both
  std::size_t inner = 1;  // cells per step of the changing dimension
  for (USHORT i = 1; i < psa->cDims; ++i)
    if (__builtin_mul_overflow(inner, static_cast<std::size_t>(psa->rgsabound[i].cElements), &inner)) return E_OUTOFMEMORY;
  std::size_t old_cells = 0, new_cells = 0, old_bytes = 0, new_bytes = 0;
  if (__builtin_mul_overflow(inner, static_cast<std::size_t>(psa->rgsabound[0].cElements), &old_cells) ||
      __builtin_mul_overflow(inner, static_cast<std::size_t>(psaboundNew->cElements), &new_cells) ||
      __builtin_mul_overflow(old_cells, static_cast<std::size_t>(psa->cbElements), &old_bytes) ||
      __builtin_mul_overflow(new_cells, static_cast<std::size_t>(psa->cbElements), &new_bytes))
    return E_OUTOFMEMORY;
  if (psa->pvData && new_cells != old_cells) {
    void* data = zeroed_alloc(new_bytes);
    if (!data) return E_OUTOFMEMORY;
    if (new_cells < old_cells)
      release_elements(psa, static_cast<unsigned char*>(psa->pvData) + new_bytes, old_cells - new_cells);
    std::memcpy(data, psa->pvData, new_bytes < old_bytes ? new_bytes : old_bytes);
    if (!data_is_inline(psa) && !(psa->fFeatures & lifetime_flags)) CoTaskMemFree(psa->pvData);
    psa->pvData = data;
  }
  psa->rgsabound[0] = *psaboundNew;
  return S_OK;
}

// Same element count in every dimension, or E_INVALIDARG; the target keeps
// its memory and flags, its old elements are released (records are copied
// over, as Windows does, without RecordClear).
COMKIT_STDAPI SafeArrayCopyData(SAFEARRAY* psaSource, SAFEARRAY* psaTarget) {
  if (!psaSource || !psaTarget) return E_INVALIDARG;
  if (psaSource->cDims != psaTarget->cDims || psaSource->cbElements != psaTarget->cbElements) return E_INVALIDARG;
  for (USHORT i = 0; i < psaSource->cDims; ++i)
    if (psaSource->rgsabound[i].cElements != psaTarget->rgsabound[i].cElements) return E_INVALIDARG;
  std::size_t cells = 0, bytes = 0;
  if (!cell_count(psaSource, cells, bytes)) return E_INVALIDARG;
  if (cells == 0) return S_OK;
  if (!psaSource->pvData || !psaTarget->pvData) return E_INVALIDARG;
  if (!(psaTarget->fFeatures & FADF_RECORD)) release_elements(psaTarget, psaTarget->pvData, cells);
  auto* from = static_cast<unsigned char*>(psaSource->pvData);
  auto* to = static_cast<unsigned char*>(psaTarget->pvData);
  if (!(psaTarget->fFeatures & FADF_RECORD)) std::memset(to, 0, bytes);
  for (std::size_t i = 0; i < cells; ++i) {
    HRESULT hr = copy_element(psaSource, from + i * psaSource->cbElements, to + i * psaTarget->cbElements);
    if (FAILED(hr)) return hr;
  }
  return S_OK;
}

COMKIT_STDAPI SafeArrayCopy(SAFEARRAY* psa, SAFEARRAY** ppsaOut) {
  if (!ppsaOut) return E_INVALIDARG;
  *ppsaOut = nullptr;
  if (!psa) return S_OK;  // Windows: a NULL array copies to NULL
  if (psa->cbElements == 0) return E_INVALIDARG;
  SAFEARRAY* copy = nullptr;
  HRESULT hr = alloc_descriptor(psa->cDims, 0, &copy);
  if (FAILED(hr)) return hr;
  // The copy is an ordinary array: no lifetime, fixed-size or vector flags.
  copy->fFeatures = psa->fFeatures & static_cast<USHORT>(~(lifetime_flags | FADF_FIXEDSIZE | FADF_CREATEVECTOR));
  copy->cbElements = psa->cbElements;
  std::memcpy(copy->rgsabound, psa->rgsabound, psa->cDims * sizeof(SAFEARRAYBOUND));
  std::memcpy(block_of(copy), block_of(psa), hidden_size);
  if (copy->fFeatures & FADF_RECORD) {
    if (IRecordInfo* ri = *hidden_record(copy)) ri->AddRef();
  }
  if (psa->pvData) {
    hr = SafeArrayAllocData(copy);
    if (SUCCEEDED(hr)) hr = SafeArrayCopyData(psa, copy);
    if (FAILED(hr)) {
      SafeArrayDestroy(copy);
      return hr;
    }
  }
  *ppsaOut = copy;
  return S_OK;
}

// ---- Byte vectors and BSTRs -------------------------------------------------------

// The bytes of a one-dimensional VT_UI1 (or VT_I1) array as a BSTR, byte for
// byte (SysStringByteLen is the element count).
COMKIT_STDAPI BstrFromVector(SAFEARRAY* psa, BSTR* pbstr) {
  if (!psa || !pbstr) return E_INVALIDARG;
  *pbstr = nullptr;
  VARTYPE vt = VT_EMPTY;
  if (psa->cDims != 1 || psa->cbElements != 1 || (SUCCEEDED(SafeArrayGetVartype(psa, &vt)) && vt != VT_UI1 && vt != VT_I1))
    return DISP_E_TYPEMISMATCH;
  const ULONG count = psa->rgsabound[0].cElements;
  BSTR b = SysAllocStringByteLen(static_cast<const char*>(psa->pvData), count);
  if (!b) return E_OUTOFMEMORY;
  *pbstr = b;
  return S_OK;
}

// A VT_UI1 vector holding the BSTR's bytes.
COMKIT_STDAPI VectorFromBstr(BSTR bstr, SAFEARRAY** ppsa) {
  if (!ppsa) return E_INVALIDARG;
  *ppsa = nullptr;
  if (!bstr) return E_INVALIDARG;
  const UINT bytes = SysStringByteLen(bstr);
  SAFEARRAY* psa = SafeArrayCreateVector(VT_UI1, 0, bytes);
  if (!psa) return E_OUTOFMEMORY;
  if (bytes) std::memcpy(psa->pvData, bstr, bytes);
  *ppsa = psa;
  return S_OK;
}
