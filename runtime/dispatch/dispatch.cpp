// runtime/dispatch/dispatch.cpp - late binding from type information:
// DispCallFunc (a call through a vtable slot or to an address, with
// libffi), ITypeInfo::Invoke's engine (typeinfo_invoke), DispInvoke,
// DispGetIDsOfNames and CreateStdDispatch.
//
// On x86-64 every calling convention a type library names (CC_STDCALL,
// CC_CDECL ...) is the platform's C convention; VARIANT and DECIMAL by value
// are passed as the structs they are.
#include <ffi.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include <objbase.h>
#include <oleauto.h>

#include "dispatch_internal.h"
#include "runtime_internal.h"

namespace comkit::rt {
namespace {

// VARIANT (24 bytes) and DECIMAL (16) as libffi structs of 64-bit words,
// which classifies them as the C ABI does.
ffi_type* words_type(std::size_t words) {
  static ffi_type* two[] = {&ffi_type_uint64, &ffi_type_uint64, nullptr};
  static ffi_type* three[] = {&ffi_type_uint64, &ffi_type_uint64, &ffi_type_uint64, nullptr};
  static ffi_type decimal{0, 0, FFI_TYPE_STRUCT, two};
  static ffi_type variant{0, 0, FFI_TYPE_STRUCT, three};
  return words == 2 ? &decimal : &variant;
}
static_assert(sizeof(VARIANT) == 24 && sizeof(DECIMAL) == 16, "x86-64 layouts");

// The libffi type of a value of `vt`, and where its bytes are in a VARIANT.
ffi_type* ffi_of(VARTYPE vt) {
  if (vt & (VT_BYREF | VT_ARRAY)) return &ffi_type_pointer;
  switch (vt) {
    case VT_I1: return &ffi_type_sint8;
    case VT_UI1: return &ffi_type_uint8;
    case VT_I2: case VT_BOOL: return &ffi_type_sint16;
    case VT_UI2: return &ffi_type_uint16;
    case VT_I4: case VT_INT: case VT_ERROR: case VT_HRESULT: return &ffi_type_sint32;
    case VT_UI4: case VT_UINT: return &ffi_type_uint32;
    case VT_I8: case VT_CY: return &ffi_type_sint64;
    case VT_UI8: return &ffi_type_uint64;
    case VT_R4: return &ffi_type_float;
    case VT_R8: case VT_DATE: return &ffi_type_double;
    case VT_BSTR: case VT_UNKNOWN: case VT_DISPATCH: case VT_PTR: case VT_LPSTR: case VT_LPWSTR: case VT_SAFEARRAY:
    case VT_INT_PTR: case VT_UINT_PTR:
      return &ffi_type_pointer;
    case VT_VARIANT: return words_type(3);
    case VT_DECIMAL: return words_type(2);
    default: return nullptr;
  }
}

}  // namespace
}  // namespace comkit::rt

COMKIT_STDAPI DispCallFunc(void* pvInstance, ULONG_PTR oVft, CALLCONV cc, VARTYPE vtReturn, UINT cActuals, VARTYPE* prgvt,
                           VARIANTARG** prgpvarg, VARIANT* pvargResult) {
  using namespace comkit::rt;
  if (cActuals && (!prgvt || !prgpvarg)) return E_INVALIDARG;
  if (cc != CC_STDCALL && cc != CC_CDECL && cc != CC_FASTCALL && cc != CC_SYSCALL && cc != CC_MPWCDECL) return E_INVALIDARG;
  void* function;
  if (pvInstance) {
    if (oVft % sizeof(void*)) return E_INVALIDARG;
    void* const* vtable = *static_cast<void* const* const*>(pvInstance);
    function = vtable[oVft / sizeof(void*)];
  } else {
    function = reinterpret_cast<void*>(oVft);
  }
  if (!function) return E_INVALIDARG;
  const UINT count = cActuals + (pvInstance ? 1 : 0);
  std::vector<ffi_type*> types(count);
  std::vector<void*> values(count);
  UINT at = 0;
  if (pvInstance) {
    types[0] = &ffi_type_pointer;
    values[0] = &pvInstance;
    at = 1;
  }
  for (UINT i = 0; i < cActuals; ++i, ++at) {
    types[at] = ffi_of(prgvt[i]);
    if (!types[at] || !prgpvarg[i]) return DISP_E_BADVARTYPE;
    // A VARIANT passed by value is the whole struct; anything else is the
    // value in its union, which starts 8 bytes in.
    values[at] = prgvt[i] == VT_VARIANT ? static_cast<void*>(prgpvarg[i]) : static_cast<void*>(&prgpvarg[i]->llVal);
  }
  const bool no_result = vtReturn == VT_EMPTY || vtReturn == VT_VOID;
  ffi_type* result_type = no_result ? &ffi_type_void : ffi_of(vtReturn);
  if (!result_type) return DISP_E_BADVARTYPE;
  ffi_cif cif;
  if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, count, result_type, types.data()) != FFI_OK) return E_INVALIDARG;
  // libffi widens small integer results to a full register.
  alignas(16) unsigned char result[sizeof(VARIANT) + 16] = {};
  ffi_call(&cif, FFI_FN(function), result, values.data());
  if (pvargResult) {
    VariantInit(pvargResult);
    if (vtReturn == VT_VARIANT) {
      std::memcpy(pvargResult, result, sizeof(VARIANT));
    } else if (!no_result) {
      V_VT(pvargResult) = vtReturn;
      const std::size_t size = result_type->size;
      if (result_type == &ffi_type_sint8 || result_type == &ffi_type_uint8 || result_type == &ffi_type_sint16 ||
          result_type == &ffi_type_uint16 || result_type == &ffi_type_sint32 || result_type == &ffi_type_uint32) {
        ffi_arg widened;
        std::memcpy(&widened, result, sizeof widened);
        const auto narrow = static_cast<std::uint64_t>(widened);
        std::memcpy(&pvargResult->llVal, &narrow, size);
      } else {
        std::memcpy(&pvargResult->llVal, result, size);
      }
    }
  }
  return S_OK;
}

namespace comkit::rt {
namespace {

struct scoped_funcdesc {
  ITypeInfo* owner = nullptr;
  FUNCDESC* desc = nullptr;
  ~scoped_funcdesc() {
    if (desc) owner->ReleaseFuncDesc(desc);
    if (owner) owner->Release();
  }
};

// The function `memid` of the kind the flags ask for, in ti or its bases
// (a method call may also reach a property get, as VB's `x.Value` does).
HRESULT find_function(ITypeInfo* ti, MEMBERID memid, WORD flags, scoped_funcdesc& out, int depth = 0) {
  if (depth > 32) return DISP_E_MEMBERNOTFOUND;
  TYPEATTR* attr = nullptr;
  if (FAILED(ti->GetTypeAttr(&attr))) return DISP_E_MEMBERNOTFOUND;
  const WORD funcs = attr->cFuncs, impls = attr->cImplTypes;
  const TYPEKIND kind = attr->typekind;
  ti->ReleaseTypeAttr(attr);
  for (UINT i = 0; i < funcs; ++i) {
    FUNCDESC* f = nullptr;
    if (FAILED(ti->GetFuncDesc(i, &f))) continue;
    const bool kind_ok = (f->invkind == INVOKE_FUNC && (flags & DISPATCH_METHOD)) ||
                         (f->invkind == INVOKE_PROPERTYGET && (flags & DISPATCH_PROPERTYGET)) ||
                         (f->invkind == INVOKE_PROPERTYPUT && (flags & DISPATCH_PROPERTYPUT)) ||
                         (f->invkind == INVOKE_PROPERTYPUTREF && (flags & DISPATCH_PROPERTYPUTREF));
    if (f->memid == memid && kind_ok && f->funckind != FUNC_DISPATCH) {
      ti->AddRef();
      out.owner = ti;
      out.desc = f;
      return S_OK;
    }
    ti->ReleaseFuncDesc(f);
  }
  if (kind == TKIND_INTERFACE && impls > 0) {
    HREFTYPE href;
    ITypeInfo* base = nullptr;
    if (SUCCEEDED(ti->GetRefTypeOfImplType(0, &href)) && SUCCEEDED(ti->GetRefTypeInfo(href, &base))) {
      const HRESULT hr = find_function(base, memid, flags, out, depth + 1);
      base->Release();
      return hr;
    }
  }
  return DISP_E_MEMBERNOTFOUND;
}

// What a parameter's TYPEDESC is as a VARTYPE to convert to: aliases and
// enums resolved, interfaces as VT_UNKNOWN/VT_DISPATCH. VT_EMPTY when the
// type cannot travel in a VARIANT.
VARTYPE value_vt(ITypeInfo* ti, const TYPEDESC& t, int depth = 0) {
  if (depth > 16) return VT_EMPTY;
  switch (t.vt) {
    case VT_USERDEFINED: {
      ITypeInfo* ref = nullptr;
      if (FAILED(ti->GetRefTypeInfo(t.hreftype, &ref))) return VT_EMPTY;
      TYPEATTR* a = nullptr;
      VARTYPE vt = VT_EMPTY;
      if (SUCCEEDED(ref->GetTypeAttr(&a))) {
        switch (a->typekind) {
          case TKIND_ENUM: vt = VT_I4; break;
          case TKIND_ALIAS: vt = value_vt(ref, a->tdescAlias, depth + 1); break;
          case TKIND_DISPATCH: vt = VT_DISPATCH; break;
          case TKIND_INTERFACE: vt = VT_UNKNOWN; break;
          default: break;
        }
        ref->ReleaseTypeAttr(a);
      }
      ref->Release();
      return vt;
    }
    case VT_PTR:
      // IFoo* is an interface value; anything else behind a pointer is by reference.
      if (t.lptdesc && t.lptdesc->vt == VT_USERDEFINED) {
        const VARTYPE inner = value_vt(ti, *t.lptdesc, depth + 1);
        if (inner == VT_UNKNOWN || inner == VT_DISPATCH) return inner;
      }
      if (t.lptdesc) {
        const VARTYPE inner = value_vt(ti, *t.lptdesc, depth + 1);
        return inner == VT_EMPTY ? VARTYPE{VT_EMPTY} : static_cast<VARTYPE>(inner | VT_BYREF);
      }
      return VT_EMPTY;
    case VT_SAFEARRAY:
      if (t.lptdesc) {
        const VARTYPE inner = value_vt(ti, *t.lptdesc, depth + 1);
        return inner == VT_EMPTY ? VARTYPE{VT_EMPTY} : static_cast<VARTYPE>(inner | VT_ARRAY);
      }
      return VT_EMPTY;
    case VT_INT: return VT_I4;
    case VT_UINT: return VT_UI4;
    case VT_HRESULT: return VT_ERROR;
    case VT_CARRAY: case VT_VOID: case VT_LPSTR: case VT_LPWSTR: return VT_EMPTY;
    default: return t.vt;
  }
}

void fill_excepinfo(EXCEPINFO* e, HRESULT hr) {
  std::memset(e, 0, sizeof *e);
  e->scode = hr;
  IErrorInfo* info = nullptr;
  if (GetErrorInfo(0, &info) == S_OK && info) {
    info->GetSource(&e->bstrSource);
    info->GetDescription(&e->bstrDescription);
    info->GetHelpFile(&e->bstrHelpFile);
    info->GetHelpContext(&e->dwHelpContext);
    info->Release();
  }
}

}  // namespace

HRESULT typeinfo_invoke(ITypeInfo* self, void* instance, MEMBERID memid, WORD flags, DISPPARAMS* params, VARIANT* result,
                        EXCEPINFO* excepinfo, UINT* argerr) {
  if (!instance || !params) return E_INVALIDARG;
  if (params->cArgs && !params->rgvarg) return E_INVALIDARG;
  if (params->cNamedArgs > params->cArgs || (params->cNamedArgs && !params->rgdispidNamedArgs)) return E_INVALIDARG;
  if (result && (flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF))) result = nullptr;  // a put returns nothing
  // A dual interface's dispatch view: call through its vtable view.
  ITypeInfo* ti = self;
  ti->AddRef();
  TYPEATTR* attr = nullptr;
  if (SUCCEEDED(ti->GetTypeAttr(&attr))) {
    const bool dispatch = attr->typekind == TKIND_DISPATCH;
    const bool dual = dispatch && (attr->wTypeFlags & TYPEFLAG_FDUAL);
    ti->ReleaseTypeAttr(attr);
    if (dispatch && !dual) {
      ti->Release();
      return DISP_E_MEMBERNOTFOUND;  // a pure dispinterface has no vtable to call
    }
    HREFTYPE twin;
    ITypeInfo* vtable = nullptr;
    if (dual && SUCCEEDED(ti->GetRefTypeOfImplType(static_cast<UINT>(-1), &twin)) && SUCCEEDED(ti->GetRefTypeInfo(twin, &vtable))) {
      ti->Release();
      ti = vtable;
    }
  }
  scoped_funcdesc fd;
  HRESULT hr = find_function(ti, memid, flags, fd);
  if (FAILED(hr)) {
    ti->Release();
    return hr;
  }
  const FUNCDESC& f = *fd.desc;
  ITypeInfo* owner = fd.owner;

  // The parameters a caller supplies: all but [lcid] and [retval].
  const UINT nparams = static_cast<UINT>(f.cParams);
  std::vector<VARIANTARG> slots(nparams);     // what each parameter receives
  std::vector<VARIANTARG*> pointers(nparams);
  std::vector<VARTYPE> vts(nparams);
  std::vector<VARIANT> owned;                 // converted values, cleared after the call
  owned.reserve(nparams);
  VARIANT retval;
  VariantInit(&retval);
  int retval_index = -1;
  UINT visible = 0;
  for (UINT i = 0; i < nparams; ++i) {
    const USHORT pf = f.lprgelemdescParam[i].paramdesc.wParamFlags;
    if (pf & PARAMFLAG_FRETVAL) retval_index = static_cast<int>(i);
    else if (!(pf & PARAMFLAG_FLCID)) ++visible;
  }
  const bool is_put = flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF);
  UINT positional = params->cArgs - params->cNamedArgs;
  if (is_put && (params->cNamedArgs != 1 || params->rgdispidNamedArgs[0] != DISPID_PROPERTYPUT)) hr = DISP_E_PARAMNOTOPTIONAL;
  if (!is_put && params->cNamedArgs && SUCCEEDED(hr)) {
    for (UINT n = 0; n < params->cNamedArgs; ++n)
      if (params->rgdispidNamedArgs[n] < 0 || static_cast<UINT>(params->rgdispidNamedArgs[n]) >= nparams) hr = DISP_E_PARAMNOTFOUND;
  }
  if (SUCCEEDED(hr) && positional + params->cNamedArgs > visible) hr = DISP_E_BADPARAMCOUNT;

  UINT next_positional = 0;
  for (UINT i = 0; i < nparams && SUCCEEDED(hr); ++i) {
    const ELEMDESC& e = f.lprgelemdescParam[i];
    const USHORT pf = e.paramdesc.wParamFlags;
    VARIANTARG& slot = slots[i];
    VariantInit(&slot);
    pointers[i] = &slot;
    const VARTYPE target = value_vt(owner, e.tdesc);
    if (pf & PARAMFLAG_FLCID) {
      V_VT(&slot) = VT_I4;
      V_I4(&slot) = LOCALE_USER_DEFAULT;
      vts[i] = VT_I4;
      continue;
    }
    if (static_cast<int>(i) == retval_index) {
      if (!(target & VT_BYREF)) {
        hr = DISP_E_BADVARTYPE;
        break;
      }
      V_VT(&retval) = static_cast<VARTYPE>(target & ~VT_BYREF);
      V_VT(&slot) = target;
      slot.byref = V_VT(&retval) == VT_VARIANT ? static_cast<void*>(&retval) : static_cast<void*>(&retval.llVal);
      if (V_VT(&retval) == VT_VARIANT) V_VT(&retval) = VT_EMPTY;
      vts[i] = target;
      continue;
    }
    // Which argument, if any, is this parameter's.
    VARIANTARG* arg = nullptr;
    UINT arg_index = 0;
    if (is_put && i + 1 == nparams - (retval_index >= 0 ? 1 : 0)) {
      arg = &params->rgvarg[0], arg_index = 0;
    } else {
      for (UINT n = 0; n < params->cNamedArgs && !is_put; ++n)
        if (static_cast<UINT>(params->rgdispidNamedArgs[n]) == i) arg = &params->rgvarg[n], arg_index = n;
      if (!arg && next_positional < positional && !(is_put && i + 1 >= nparams)) {
        arg_index = params->cArgs - 1 - next_positional++;
        arg = &params->rgvarg[arg_index];
      }
    }
    if (target == VT_EMPTY) {
      hr = DISP_E_BADVARTYPE;
      break;
    }
    const bool missing = !arg || (V_VT(arg) == VT_ERROR && V_ERROR(arg) == DISP_E_PARAMNOTFOUND && (pf & (PARAMFLAG_FOPT | PARAMFLAG_FHASDEFAULT)));
    if (missing) {
      if ((pf & PARAMFLAG_FHASDEFAULT) && e.paramdesc.pparamdescex) {
        owned.emplace_back();
        VARIANT& v = owned.back();
        VariantInit(&v);
        if (FAILED(VariantChangeType(&v, &e.paramdesc.pparamdescex->varDefaultValue, 0, target))) {
          hr = DISP_E_TYPEMISMATCH;
          break;
        }
        slot = v;
      } else if (pf & PARAMFLAG_FOPT) {
        if (target != VT_VARIANT) {
          hr = DISP_E_PARAMNOTOPTIONAL;
          break;
        }
        V_VT(&slot) = VT_ERROR;
        V_ERROR(&slot) = DISP_E_PARAMNOTFOUND;
      } else {
        hr = DISP_E_PARAMNOTOPTIONAL;
        break;
      }
    } else if (target == VT_VARIANT) {
      slot = *arg;  // passed as it is, by value
    } else if (target == (VT_VARIANT | VT_BYREF)) {
      if (V_VT(arg) == (VT_VARIANT | VT_BYREF)) {
        V_VT(&slot) = target;
        slot.byref = V_VARIANTREF(arg);
      } else {
        V_VT(&slot) = target;
        slot.byref = arg;  // the caller's VARIANT itself
      }
    } else if (target & VT_BYREF) {
      if (V_VT(arg) != target) {
        hr = DISP_E_TYPEMISMATCH;
        if (argerr) *argerr = arg_index;
        break;
      }
      slot = *arg;
    } else {
      owned.emplace_back();
      VARIANT& v = owned.back();
      VariantInit(&v);
      if (FAILED(VariantChangeType(&v, arg, 0, target))) {
        hr = DISP_E_TYPEMISMATCH;
        if (argerr) *argerr = arg_index;
        break;
      }
      slot = v;
    }
    vts[i] = target;
  }

  VARIANT ret;
  VariantInit(&ret);
  if (SUCCEEDED(hr)) {
    VARTYPE return_vt = value_vt(owner, f.elemdescFunc.tdesc);  // HRESULT comes back as VT_ERROR
    if (f.elemdescFunc.tdesc.vt == VT_VOID) return_vt = VT_EMPTY;
    SetErrorInfo(0, nullptr);
    hr = DispCallFunc(instance, static_cast<ULONG_PTR>(f.oVft), f.callconv, return_vt, nparams, vts.data(), pointers.data(), &ret);
    if (SUCCEEDED(hr)) {
      if (f.elemdescFunc.tdesc.vt == VT_HRESULT && FAILED(V_ERROR(&ret))) {
        const HRESULT called = V_ERROR(&ret);
        VariantClear(&retval);
        if (excepinfo) {
          fill_excepinfo(excepinfo, called);
          hr = DISP_E_EXCEPTION;
        } else {
          hr = called;
        }
      } else if (result) {
        if (retval_index >= 0) {
          *result = retval;  // moved
          VariantInit(&retval);
        } else if (f.elemdescFunc.tdesc.vt != VT_HRESULT && f.elemdescFunc.tdesc.vt != VT_VOID) {
          *result = ret;
        } else {
          VariantInit(result);
        }
      }
    }
  }
  VariantClear(&retval);
  for (VARIANT& v : owned) VariantClear(&v);
  ti->Release();
  return hr;
}

namespace {

// CreateStdDispatch's object: IDispatch over a type info and an instance,
// aggregatable (its IUnknown is the inner, non-delegating one).
class std_dispatch final : public IDispatch {
 public:
  std_dispatch(IUnknown* outer, void* instance, ITypeInfo* ti) : outer_(outer ? outer : &inner_), instance_(instance), ti_(ti) {
    inner_.owner = this;
    ti_->AddRef();
  }
  ~std_dispatch() { ti_->Release(); }
  IUnknown* inner() { return &inner_; }

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override { return outer_->QueryInterface(riid, ppv); }
  ULONG STDMETHODCALLTYPE AddRef() override { return outer_->AddRef(); }
  ULONG STDMETHODCALLTYPE Release() override { return outer_->Release(); }
  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* count) override {
    if (!count) return E_INVALIDARG;
    *count = 1;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT index, LCID, ITypeInfo** out) override {
    if (!out) return E_INVALIDARG;
    *out = nullptr;
    if (index != 0) return DISP_E_BADINDEX;
    *out = ti_;
    ti_->AddRef();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID riid, LPOLESTR* names, UINT count, LCID, DISPID* ids) override {
    const IID* iid = nullable(&riid);
    if (!iid || !IsEqualIID(*iid, IID_NULL)) return DISP_E_UNKNOWNINTERFACE;
    return ti_->GetIDsOfNames(names, count, ids);
  }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID id, REFIID riid, LCID, WORD flags, DISPPARAMS* params, VARIANT* result, EXCEPINFO* excepinfo,
                                   UINT* argerr) override {
    const IID* iid = nullable(&riid);
    if (!iid || !IsEqualIID(*iid, IID_NULL)) return DISP_E_UNKNOWNINTERFACE;
    return ti_->Invoke(instance_, id, flags, params, result, excepinfo, argerr);
  }

 private:
  struct inner_unknown final : IUnknown {
    std_dispatch* self() { return owner; }
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
      if (!ppv) return E_POINTER;
      const IID* iid = nullable(&riid);
      if (iid && IsEqualIID(*iid, IID_IUnknown)) {
        *ppv = this;
      } else if (iid && IsEqualIID(*iid, IID_IDispatch)) {
        *ppv = static_cast<IDispatch*>(self());
      } else {
        *ppv = nullptr;
        return E_NOINTERFACE;
      }
      static_cast<IUnknown*>(*ppv)->AddRef();
      return S_OK;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return refs.fetch_add(1, std::memory_order_relaxed) + 1; }
    ULONG STDMETHODCALLTYPE Release() override {
      const ULONG left = refs.fetch_sub(1, std::memory_order_acq_rel) - 1;
      if (left == 0) delete self();
      return left;
    }
    std::atomic<ULONG> refs{1};
    std_dispatch* owner = nullptr;
  };

  inner_unknown inner_;
  IUnknown* outer_;
  void* instance_;
  ITypeInfo* ti_;
};

}  // namespace
}  // namespace comkit::rt

COMKIT_STDAPI CreateStdDispatch(IUnknown* punkOuter, void* pvThis, ITypeInfo* ptinfo, IUnknown** ppunkStdDisp) {
  if (!ppunkStdDisp) return E_INVALIDARG;
  *ppunkStdDisp = nullptr;
  if (!pvThis || !ptinfo) return E_INVALIDARG;
  auto* d = new (std::nothrow) comkit::rt::std_dispatch(punkOuter, pvThis, ptinfo);
  if (!d) return E_OUTOFMEMORY;
  *ppunkStdDisp = d->inner();
  return S_OK;
}

COMKIT_STDAPI DispGetIDsOfNames(ITypeInfo* ptinfo, OLECHAR** rgszNames, UINT cNames, DISPID* rgdispid) {
  if (!ptinfo) return E_INVALIDARG;
  return ptinfo->GetIDsOfNames(rgszNames, cNames, rgdispid);
}

COMKIT_STDAPI DispInvoke(void* _this, ITypeInfo* ptinfo, DISPID dispidMember, WORD wFlags, DISPPARAMS* pparams, VARIANT* pvarResult,
                         EXCEPINFO* pexcepinfo, UINT* puArgErr) {
  if (!ptinfo) return E_INVALIDARG;
  return ptinfo->Invoke(_this, dispidMember, wFlags, pparams, pvarResult, pexcepinfo, puArgErr);
}
