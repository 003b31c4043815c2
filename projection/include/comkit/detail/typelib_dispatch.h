// comkit/detail/typelib_dispatch.h - IDispatch answered from type
// information, for implements<D, I, comkit::dispatch_from_typelib>: the four
// IDispatch methods of a dual interface I, over the ITypeInfo of I found in
// the type libraries embedded in this module (comkit_add_idl's
// EMBED_TYPELIB), else in the library the registry names for I. Not for
// users; docs/dispatch.md has the design.
#ifndef COMKIT_DETAIL_TYPELIB_DISPATCH_H
#define COMKIT_DETAIL_TYPELIB_DISPATCH_H

#include <comkit/abi/oleauto.h>
#include <comkit/abi/iid.h>

#include <atomic>
#include <cstddef>

#if defined(__ELF__)
// The bounds of this module's comkit_typelib section, defined by the linker
// when some object of the module puts an entry there; null otherwise (weak).
// Hidden, so each shared library sees its own section, not the program's.
extern "C" {
extern const unsigned char __start_comkit_typelib[] __attribute__((weak, visibility("hidden")));
extern const unsigned char __stop_comkit_typelib[] __attribute__((weak, visibility("hidden")));
}
#endif

namespace comkit::detail {

/// The type information of interface I (for a dual interface, its dispatch
/// view), borrowed. Looked up once per module and interface, then kept for
/// the life of the process; a failed lookup is not remembered, so a library
/// registered later is still found.
template <typename I>
COMKIT_IMPL_HIDDEN HRESULT type_info_of(ITypeInfo** out) noexcept {
  static std::atomic<ITypeInfo*> cached{nullptr};
  ITypeInfo* info = cached.load(std::memory_order_acquire);
  if (!info) {
    const void* section = nullptr;
    std::size_t size = 0;
#if defined(__ELF__)
    const unsigned char* start = __start_comkit_typelib;
    const unsigned char* stop = __stop_comkit_typelib;
    if (start && stop > start) {
      section = start;
      size = static_cast<std::size_t>(stop - start);
    }
#endif
    if (const HRESULT hr = ComkitGetTypeInfoOfGuid(guid_of<I>(), section, size, &info); FAILED(hr)) return hr;
    // Two threads may both look it up: the first one stored wins.
    ITypeInfo* expected = nullptr;
    if (!cached.compare_exchange_strong(expected, info, std::memory_order_acq_rel, std::memory_order_acquire)) {
      info->Release();
      info = expected;
    }
  }
  *out = info;
  return S_OK;
}

/// IDispatch for the vtable `self` of dual interface I, as Windows'
/// CreateStdDispatch gives it: one type info, IID_NULL only
/// (DISP_E_UNKNOWNINTERFACE otherwise), GetIDsOfNames and Invoke through
/// DispGetIDsOfNames and DispInvoke (so DISP_E_* codes, named arguments,
/// defaults and EXCEPINFO follow ITypeInfo::Invoke). Without type
/// information it answers within IDispatch's contract: no type info
/// (GetTypeInfoCount 0, DISP_E_BADINDEX), no names (DISP_E_UNKNOWNNAME),
/// no members (DISP_E_MEMBERNOTFOUND).
///
/// Hidden, like type_info_of: each module's copy must read that module's
/// own section, even where the compiler does not inline it.
template <typename I>
struct COMKIT_IMPL_HIDDEN typelib_dispatch {
  static HRESULT count(UINT* n) noexcept {
    if (!n) return E_INVALIDARG;
    ITypeInfo* info = nullptr;
    *n = SUCCEEDED(type_info_of<I>(&info)) ? 1 : 0;
    return S_OK;
  }
  static HRESULT type_info(UINT index, ITypeInfo** out) noexcept {
    if (!out) return E_INVALIDARG;
    *out = nullptr;
    ITypeInfo* info = nullptr;
    if (index != 0 || FAILED(type_info_of<I>(&info))) return DISP_E_BADINDEX;
    info->AddRef();
    *out = info;
    return S_OK;
  }
  static HRESULT ids(REFIID riid, LPOLESTR* names, UINT count, DISPID* ids) noexcept {
    if (riid != GUID{}) return DISP_E_UNKNOWNINTERFACE;
    ITypeInfo* info = nullptr;
    if (FAILED(type_info_of<I>(&info))) {
      if (count && (!names || !ids)) return E_INVALIDARG;
      for (UINT k = 0; k < count; ++k) ids[k] = DISPID_UNKNOWN;
      return DISP_E_UNKNOWNNAME;
    }
    return DispGetIDsOfNames(info, names, count, ids);
  }
  static HRESULT invoke(I* self, DISPID id, REFIID riid, WORD flags, DISPPARAMS* params, VARIANT* result, EXCEPINFO* excepinfo,
                        UINT* arg_err) noexcept {
    if (riid != GUID{}) return DISP_E_UNKNOWNINTERFACE;
    ITypeInfo* info = nullptr;
    if (FAILED(type_info_of<I>(&info))) return DISP_E_MEMBERNOTFOUND;
    return DispInvoke(self, info, id, flags, params, result, excepinfo, arg_err);
  }
};

}  // namespace comkit::detail

#endif  // COMKIT_DETAIL_TYPELIB_DISPATCH_H
