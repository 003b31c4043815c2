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
#include <cstdint>
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
  // Size and alignment filled in here, not left to ffi_prep_cif (which
  // would write them on first use, racing between threads).
  static ffi_type decimal{16, 8, FFI_TYPE_STRUCT, two};
  static ffi_type variant{24, 8, FFI_TYPE_STRUCT, three};
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

// Where a value of `vt` is in a VARIANT, for passing it by value: a VARIANT
// is the whole struct, and so is a DECIMAL (decVal overlays the VARIANT from
// its start, its first word sharing vt's place); anything else is the value
// in the union, 8 bytes in.
bool by_whole_variant(VARTYPE vt) { return vt == VT_VARIANT || vt == VT_DECIMAL; }

// What a call through libffi left in `raw` as a VARIANT of type vt (VT_EMPTY
// for a void function). libffi widens small integer results to a register.
void store_call_result(ffi_type* type, VARTYPE vt, const unsigned char* raw, VARIANT* out) {
  VariantInit(out);
  if (vt == VT_VARIANT) {
    std::memcpy(out, raw, sizeof(VARIANT));
    return;
  }
  if (vt == VT_DECIMAL) {
    std::memcpy(&out->decVal, raw, sizeof(DECIMAL));
    V_VT(out) = VT_DECIMAL;  // after: decVal's first word overlays vt
    return;
  }
  if (vt == VT_EMPTY || vt == VT_VOID) return;
  V_VT(out) = vt;
  if (type == &ffi_type_sint8 || type == &ffi_type_uint8 || type == &ffi_type_sint16 || type == &ffi_type_uint16 ||
      type == &ffi_type_sint32 || type == &ffi_type_uint32) {
    ffi_arg widened;
    std::memcpy(&widened, raw, sizeof widened);
    const auto narrow = static_cast<std::uint64_t>(widened);
    std::memcpy(&out->llVal, &narrow, type->size);
  } else {
    std::memcpy(&out->llVal, raw, type->size);
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
    values[at] = by_whole_variant(prgvt[i]) ? static_cast<void*>(prgpvarg[i]) : static_cast<void*>(&prgpvarg[i]->llVal);
  }
  const bool no_result = vtReturn == VT_EMPTY || vtReturn == VT_VOID;
  ffi_type* result_type = no_result ? &ffi_type_void : ffi_of(vtReturn);
  if (!result_type) return DISP_E_BADVARTYPE;
  ffi_cif cif;
  if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, count, result_type, types.data()) != FFI_OK) return E_INVALIDARG;
  // libffi widens small integer results to a full register.
  alignas(16) unsigned char result[sizeof(VARIANT) + 16] = {};
  ffi_call(&cif, FFI_FN(function), result, values.data());
  if (pvargResult) store_call_result(result_type, vtReturn, result, pvargResult);
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
// A dual interface's dispatch view replaced by its vtable view (a reference
// the caller releases, ti itself otherwise); null when the view would not
// load.
ITypeInfo* vtable_view(ITypeInfo* ti) {
  TYPEATTR* attr = nullptr;
  if (FAILED(ti->GetTypeAttr(&attr))) return nullptr;
  const bool dual = attr->typekind == TKIND_DISPATCH && (attr->wTypeFlags & TYPEFLAG_FDUAL);
  ti->ReleaseTypeAttr(attr);
  if (!dual) {
    ti->AddRef();
    return ti;
  }
  HREFTYPE twin;
  ITypeInfo* view = nullptr;
  if (FAILED(ti->GetRefTypeOfImplType(static_cast<UINT>(-1), &twin)) || FAILED(ti->GetRefTypeInfo(twin, &view))) return nullptr;
  return view;
}

HRESULT find_function(ITypeInfo* ti, MEMBERID memid, WORD flags, scoped_funcdesc& out, bool& unsure, int depth = 0) {
  if (depth > 32) return DISP_E_MEMBERNOTFOUND;
  TYPEATTR* attr = nullptr;
  if (FAILED(ti->GetTypeAttr(&attr))) return unsure = true, DISP_E_MEMBERNOTFOUND;
  const WORD funcs = attr->cFuncs, impls = attr->cImplTypes;
  const TYPEKIND kind = attr->typekind;
  ti->ReleaseTypeAttr(attr);
  for (UINT i = 0; i < funcs; ++i) {
    FUNCDESC* f = nullptr;
    if (FAILED(ti->GetFuncDesc(i, &f))) {
      unsure = true;
      continue;
    }
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
  // An interface's base; a coclass's first interface (what CreateDispTypeInfo
  // gives is a coclass), through its vtable view if it is a dual.
  if ((kind == TKIND_INTERFACE || kind == TKIND_COCLASS) && impls > 0) {
    HREFTYPE href;
    ITypeInfo* base = nullptr;
    if (SUCCEEDED(ti->GetRefTypeOfImplType(0, &href)) && SUCCEEDED(ti->GetRefTypeInfo(href, &base))) {
      ITypeInfo* view = vtable_view(base);
      base->Release();
      if (view) {
        const HRESULT hr = find_function(view, memid, flags, out, unsure, depth + 1);
        view->Release();
        return hr;
      }
    }
    unsure = true;  // a base that would not load (an import not found ...)
  }
  return DISP_E_MEMBERNOTFOUND;
}

// What a parameter's TYPEDESC is as a VARTYPE to convert to: aliases and
// enums resolved, interfaces as VT_UNKNOWN/VT_DISPATCH. VT_EMPTY when the
// type cannot travel in a VARIANT.
VARTYPE value_vt(ITypeInfo* ti, const TYPEDESC& t, bool& unsure, int depth = 0) {
  if (depth > 16) return VT_EMPTY;
  switch (t.vt) {
    case VT_USERDEFINED: {
      ITypeInfo* ref = nullptr;
      if (FAILED(ti->GetRefTypeInfo(t.hreftype, &ref))) return unsure = true, VARTYPE{VT_EMPTY};
      TYPEATTR* a = nullptr;
      VARTYPE vt = VT_EMPTY;
      if (FAILED(ref->GetTypeAttr(&a))) unsure = true;
      else {
        switch (a->typekind) {
          case TKIND_ENUM: vt = VT_I4; break;
          case TKIND_RECORD: vt = VT_RECORD; break;  // by pointer: a VT_RECORD VARIANT's pvRecord
          case TKIND_ALIAS: vt = value_vt(ref, a->tdescAlias, unsure, depth + 1); break;
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
        const VARTYPE inner = value_vt(ti, *t.lptdesc, unsure, depth + 1);
        if (inner == VT_UNKNOWN || inner == VT_DISPATCH) return inner;
      }
      if (t.lptdesc) {
        const VARTYPE inner = value_vt(ti, *t.lptdesc, unsure, depth + 1);
        // One level of reference only: a T** has no VARIANT form.
        return inner == VT_EMPTY || (inner & VT_BYREF) ? VARTYPE{VT_EMPTY} : static_cast<VARTYPE>(inner | VT_BYREF);
      }
      return VT_EMPTY;
    case VT_SAFEARRAY:
      if (t.lptdesc) {
        const VARTYPE inner = value_vt(ti, *t.lptdesc, unsure, depth + 1);
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

// The record info of the record a parameter of type t points at (through
// aliases), or null.
IRecordInfo* record_info_of(ITypeInfo* ti, const TYPEDESC& t, int depth = 0) {
  if (depth > 16) return nullptr;
  if (t.vt == VT_PTR && t.lptdesc) return record_info_of(ti, *t.lptdesc, depth + 1);
  if (t.vt != VT_USERDEFINED) return nullptr;
  ITypeInfo* ref = nullptr;
  if (FAILED(ti->GetRefTypeInfo(t.hreftype, &ref))) return nullptr;
  IRecordInfo* out = nullptr;
  TYPEATTR* a = nullptr;
  if (SUCCEEDED(ref->GetTypeAttr(&a))) {
    if (a->typekind == TKIND_RECORD && FAILED(GetRecordInfoFromTypeInfo(ref, &out))) out = nullptr;
    else if (a->typekind == TKIND_ALIAS) out = record_info_of(ref, a->tdescAlias, depth + 1);
    ref->ReleaseTypeAttr(a);
  }
  ref->Release();
  return out;
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

// ---- ITypeInfo::Invoke ---------------------------------------------------------
//
// A call is resolved once into an invoke_plan (the vtable function the
// member and flags name, each parameter's VARTYPE and flags, its default
// value, the libffi call interface), which depends only on the type
// information, and then run against DISPPARAMS. Our own type infos keep
// their plans in an invoke_cache, so a repeated Invoke skips the resolution.

struct plan_param {
  USHORT flags = 0;
  VARTYPE target = VT_EMPTY;  // what the parameter receives; VT_EMPTY: cannot travel in a VARIANT
  IRecordInfo* record = nullptr;  // target VT_RECORD | VT_BYREF: the parameter's record (owned)
  bool has_default = false;
  VARIANT default_value;      // owned when has_default
};

struct invoke_plan {
  MEMBERID memid = 0;
  WORD flags = 0;
  HRESULT found = S_OK;  // find_function's result: a failure is remembered too
  ULONG_PTR offset = 0;  // vtable byte offset
  std::vector<plan_param> params;
  int retval_index = -1;
  int vararg_index = -1;         // [vararg]: the SAFEARRAY(VARIANT) parameter that takes the arguments left over
  UINT visible = 0;              // parameters a caller supplies: all but [lcid] and [retval]
  VARTYPE declared_return = VT_EMPTY;  // the function's own return TYPEDESC vt (VT_HRESULT ...)
  VARTYPE return_vt = VT_EMPTY;  // as DispCallFunc returns it
  std::vector<ffi_type*> types;  // the instance, then each parameter
  ffi_type* result_type = nullptr;
  ffi_cif cif{};
  bool callable = false;         // every type has a libffi form and cif is prepared
  bool known_convention = true;  // a CALLCONV DispCallFunc accepts
  bool unsure = false;           // something failed that may not fail next time: not cached

  invoke_plan() = default;
  invoke_plan(const invoke_plan&) = delete;
  invoke_plan& operator=(const invoke_plan&) = delete;
  ~invoke_plan() {
    for (plan_param& p : params) {
      if (p.has_default) VariantClear(&p.default_value);
      if (p.record) p.record->Release();
    }
  }
};

invoke_cache::~invoke_cache() {
  slot_array* table = table_.load(std::memory_order_acquire);
  if (!table) return;
  for (auto& s : table->slots) delete s.load(std::memory_order_relaxed);
  delete table;
}

std::size_t invoke_cache::start(MEMBERID memid, WORD flags) noexcept {
  const auto key = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(memid)) << 4) ^ flags;
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 56) % capacity;
}

const invoke_plan* invoke_cache::find(MEMBERID memid, WORD flags) const noexcept {
  const slot_array* table = table_.load(std::memory_order_acquire);
  if (!table) return nullptr;
  for (std::size_t i = 0, at = start(memid, flags); i < capacity; ++i, at = (at + 1) % capacity) {
    const invoke_plan* p = table->slots[at].load(std::memory_order_acquire);
    if (!p) return nullptr;  // slots fill in probe order and are never emptied
    if (p->memid == memid && p->flags == flags) return p;
  }
  return nullptr;
}

const invoke_plan* invoke_cache::add(invoke_plan* plan) noexcept {
  slot_array* table = table_.load(std::memory_order_acquire);
  if (!table) {
    auto* fresh = new (std::nothrow) slot_array();
    if (!fresh) return nullptr;
    if (table_.compare_exchange_strong(table, fresh, std::memory_order_acq_rel, std::memory_order_acquire)) table = fresh;
    else delete fresh;  // another thread's table won; `table` now holds it
  }
  for (std::size_t i = 0, at = start(plan->memid, plan->flags); i < capacity; ++i, at = (at + 1) % capacity) {
    invoke_plan* expected = nullptr;
    if (table->slots[at].compare_exchange_strong(expected, plan, std::memory_order_acq_rel, std::memory_order_acquire)) return plan;
    if (expected->memid == plan->memid && expected->flags == plan->flags) return expected;  // the same plan, resolved by another thread
  }
  return nullptr;  // full
}

namespace {

// Resolves member `memid` of the kind `flags` names, over the public
// methods of `self` (so any ITypeInfo works).
std::unique_ptr<invoke_plan> resolve_plan(ITypeInfo* self, MEMBERID memid, WORD flags) {
  auto plan = std::unique_ptr<invoke_plan>(new (std::nothrow) invoke_plan);
  if (!plan) return plan;
  plan->memid = memid;
  plan->flags = flags;
  // A dual interface's dispatch view: call through its vtable view. A pure
  // dispinterface has no vtable to call.
  TYPEATTR* attr = nullptr;
  if (SUCCEEDED(self->GetTypeAttr(&attr))) {
    const bool dispinterface = attr->typekind == TKIND_DISPATCH && !(attr->wTypeFlags & TYPEFLAG_FDUAL);
    self->ReleaseTypeAttr(attr);
    if (dispinterface) {
      plan->found = DISP_E_MEMBERNOTFOUND;
      return plan;
    }
  }
  ITypeInfo* ti = vtable_view(self);
  if (!ti) {
    plan->unsure = true;
    ti = self;
    ti->AddRef();
  }
  scoped_funcdesc fd;
  plan->found = find_function(ti, memid, flags, fd, plan->unsure);
  ti->Release();
  if (FAILED(plan->found)) return plan;
  const FUNCDESC& f = *fd.desc;
  ITypeInfo* owner = fd.owner;
  plan->offset = static_cast<ULONG_PTR>(f.oVft);
  const bool slot_ok = f.oVft >= 0 && f.oVft % static_cast<SHORT>(sizeof(void*)) == 0;  // as DispCallFunc requires
  plan->known_convention = f.callconv == CC_STDCALL || f.callconv == CC_CDECL || f.callconv == CC_FASTCALL ||
                           f.callconv == CC_SYSCALL || f.callconv == CC_MPWCDECL;
  plan->declared_return = f.elemdescFunc.tdesc.vt;
  plan->return_vt = f.elemdescFunc.tdesc.vt == VT_VOID ? VARTYPE{VT_EMPTY} : value_vt(owner, f.elemdescFunc.tdesc, plan->unsure);  // HRESULT: VT_ERROR
  plan->params.resize(static_cast<std::size_t>(f.cParams));
  plan->types.push_back(&ffi_type_pointer);  // the instance
  bool typed = true;
  for (UINT i = 0; i < plan->params.size(); ++i) {
    const ELEMDESC& e = f.lprgelemdescParam[i];
    plan_param& p = plan->params[i];
    p.flags = e.paramdesc.wParamFlags;
    p.target = (p.flags & PARAMFLAG_FLCID) ? VARTYPE{VT_I4} : value_vt(owner, e.tdesc, plan->unsure);
    if (p.target == (VT_RECORD | VT_BYREF) && !(p.record = record_info_of(owner, e.tdesc)))
      p.target = VT_EMPTY;  // a record that cannot be described is not passed
    if (p.flags & PARAMFLAG_FRETVAL) plan->retval_index = static_cast<int>(i);
    else if (!(p.flags & PARAMFLAG_FLCID)) ++plan->visible;
    VariantInit(&p.default_value);
    if ((p.flags & PARAMFLAG_FHASDEFAULT) && e.paramdesc.pparamdescex && p.target != VT_EMPTY) {
      // Converted once here; a default that does not convert fails each call.
      p.has_default = SUCCEEDED(VariantChangeType(&p.default_value, &e.paramdesc.pparamdescex->varDefaultValue, 0, p.target));
      if (!p.has_default) p.flags = static_cast<USHORT>(p.flags | 0x8000);  // marks "default present but unusable"
    }
    ffi_type* t = p.target == VT_EMPTY ? nullptr : ffi_of(p.target);
    typed = typed && t;
    plan->types.push_back(t);
  }
  // [vararg] (cParamsOpt -1): the last parameter before [retval], a
  // SAFEARRAY of VARIANTs, gets the arguments the others leave.
  if (f.cParamsOpt == -1 && !(f.invkind & (INVOKE_PROPERTYPUT | INVOKE_PROPERTYPUTREF)))
    for (int i = static_cast<int>(plan->params.size()) - 1; i >= 0; --i) {
      const plan_param& p = plan->params[static_cast<std::size_t>(i)];
      if (i == plan->retval_index || (p.flags & PARAMFLAG_FLCID)) continue;
      if ((p.target & ~VT_BYREF) == (VT_ARRAY | VT_VARIANT)) plan->vararg_index = i;
      break;
    }
  const bool no_result = plan->return_vt == VT_EMPTY || plan->return_vt == VT_VOID;
  plan->result_type = no_result ? &ffi_type_void : ffi_of(plan->return_vt);
  plan->known_convention = plan->known_convention && slot_ok;
  plan->callable = typed && plan->result_type &&
                   ffi_prep_cif(&plan->cif, FFI_DEFAULT_ABI, static_cast<unsigned>(plan->types.size()), plan->result_type,
                                plan->types.data()) == FFI_OK;
  return plan;
}

// A fixed buffer for the common case, the heap beyond it.
template <typename T, std::size_t N>
struct scratch {
  explicit scratch(std::size_t n) : data(n <= N ? inline_items : (heap.resize(n), heap.data())) {}
  T inline_items[N];
  std::vector<T> heap;
  T* data;
};

// Runs a resolved call: DISPPARAMS to parameters (reverse order,
// DISPID_PROPERTYPUT, named arguments by position, defaults and missing
// optionals, [lcid] and [retval]), the call, and the result.
HRESULT run_plan(const invoke_plan& plan, void* instance, WORD flags, DISPPARAMS* params, VARIANT* result, EXCEPINFO* excepinfo,
                 UINT* argerr) {
  if (FAILED(plan.found)) return plan.found;
  const UINT nparams = static_cast<UINT>(plan.params.size());
  scratch<VARIANTARG, 8> slots(nparams);  // what each parameter receives
  scratch<VARIANT, 8> owned(nparams);     // converted values, cleared after the call
  UINT owned_count = 0;
  VARIANT retval;
  VariantInit(&retval);
  HRESULT hr = S_OK;
  const bool is_put = flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF);
  const UINT positional = params->cArgs - params->cNamedArgs;
  if (is_put && (params->cNamedArgs != 1 || params->rgdispidNamedArgs[0] != DISPID_PROPERTYPUT)) hr = DISP_E_PARAMNOTOPTIONAL;
  if (!is_put && params->cNamedArgs && SUCCEEDED(hr)) {
    for (UINT n = 0; n < params->cNamedArgs; ++n)
      if (params->rgdispidNamedArgs[n] < 0 || static_cast<UINT>(params->rgdispidNamedArgs[n]) >= nparams ||
          params->rgdispidNamedArgs[n] == plan.vararg_index)  // [vararg] takes positional arguments only
        hr = DISP_E_PARAMNOTFOUND;
  }
  if (SUCCEEDED(hr) && positional + params->cNamedArgs > plan.visible && plan.vararg_index < 0) hr = DISP_E_BADPARAMCOUNT;

  UINT next_positional = 0;
  for (UINT i = 0; i < nparams && SUCCEEDED(hr); ++i) {
    const plan_param& pp = plan.params[i];
    const USHORT pf = pp.flags;
    const VARTYPE target = pp.target;
    VARIANTARG& slot = slots.data[i];
    VariantInit(&slot);
    if (pf & PARAMFLAG_FLCID) {
      V_VT(&slot) = VT_I4;
      V_I4(&slot) = LOCALE_USER_DEFAULT;
      continue;
    }
    if (static_cast<int>(i) == plan.vararg_index) {
      // The positional arguments left, first to last, copied into a new
      // array (zero of them: an empty one), cleared after the call.
      const UINT count = positional > next_positional ? positional - next_positional : 0;
      SAFEARRAY* rest = SafeArrayCreateVector(VT_VARIANT, 0, count);
      if (!rest) {
        hr = E_OUTOFMEMORY;
        break;
      }
      VARIANT* elements = static_cast<VARIANT*>(rest->pvData);
      for (UINT k = 0; k < count && SUCCEEDED(hr); ++k)
        if (FAILED(hr = VariantCopy(&elements[k], &params->rgvarg[params->cArgs - 1 - (next_positional + k)])) && argerr)
          *argerr = params->cArgs - 1 - (next_positional + k);
      next_positional = positional;
      VARIANT& v = owned.data[owned_count++];
      V_VT(&v) = VT_ARRAY | VT_VARIANT;
      V_ARRAY(&v) = rest;
      if (target & VT_BYREF) {
        V_VT(&slot) = target;
        V_ARRAYREF(&slot) = &V_ARRAY(&v);  // the callee may replace it: the owned VARIANT clears what is there after
      } else {
        slot = v;
      }
      continue;
    }
    if (static_cast<int>(i) == plan.retval_index) {
      if (!(target & VT_BYREF) || target == (VT_RECORD | VT_BYREF)) {  // a record needs the caller's storage
        hr = DISP_E_BADVARTYPE;
        break;
      }
      V_VT(&retval) = static_cast<VARTYPE>(target & ~VT_BYREF);
      V_VT(&slot) = target;
      slot.byref = V_VT(&retval) == VT_VARIANT ? static_cast<void*>(&retval) : static_cast<void*>(&retval.llVal);
      if (V_VT(&retval) == VT_VARIANT) V_VT(&retval) = VT_EMPTY;
      continue;
    }
    // Which argument, if any, is this parameter's.
    VARIANTARG* arg = nullptr;
    UINT arg_index = 0;
    if (is_put && i + 1 == nparams - (plan.retval_index >= 0 ? 1 : 0)) {
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
      if (pp.has_default) {
        VARIANT& v = owned.data[owned_count];
        VariantInit(&v);
        if (FAILED(VariantCopy(&v, &pp.default_value))) {
          hr = E_OUTOFMEMORY;
          break;
        }
        ++owned_count;
        slot = v;
      } else if (pf & 0x8000) {
        hr = DISP_E_TYPEMISMATCH;  // a default value that does not convert to the parameter's type
        break;
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
    } else if (target == (VT_RECORD | VT_BYREF)) {
      // A record by pointer: the VARIANT's record itself, if it is one of
      // the parameter's type.
      // Its record info must describe the parameter's record, of the same
      // size (so the callee never writes past the caller's record).
      ULONG given = 0, wanted = 0;
      const bool record = (V_VT(arg) & ~VT_BYREF) == VT_RECORD && arg->pvRecord && arg->pRecInfo &&
                          (arg->pRecInfo == pp.record || pp.record->IsMatchingType(arg->pRecInfo)) &&
                          SUCCEEDED(arg->pRecInfo->GetSize(&given)) && SUCCEEDED(pp.record->GetSize(&wanted)) &&
                          given == wanted;
      if (!record) {
        hr = DISP_E_TYPEMISMATCH;
        if (argerr) *argerr = arg_index;
        break;
      }
      V_VT(&slot) = target;
      slot.byref = arg->pvRecord;
    } else if (target == (VT_VARIANT | VT_BYREF)) {
      V_VT(&slot) = target;
      slot.byref = V_VT(arg) == (VT_VARIANT | VT_BYREF) ? static_cast<void*>(V_VARIANTREF(arg)) : static_cast<void*>(arg);
    } else if (target & VT_BYREF) {
      if (V_VT(arg) != target) {
        hr = DISP_E_TYPEMISMATCH;
        if (argerr) *argerr = arg_index;
        break;
      }
      slot = *arg;
    } else if (V_VT(arg) == target) {
      slot = *arg;  // already the parameter's type: passed without a copy, as an [in] value is not the callee's to free
    } else {
      VARIANT& v = owned.data[owned_count];
      VariantInit(&v);
      if (FAILED(VariantChangeType(&v, arg, 0, target))) {
        hr = DISP_E_TYPEMISMATCH;
        if (argerr) *argerr = arg_index;
        break;
      }
      ++owned_count;
      slot = v;
    }
  }

  if (SUCCEEDED(hr) && !plan.known_convention) hr = E_INVALIDARG;  // as DispCallFunc answers it
  if (SUCCEEDED(hr) && !plan.callable) hr = DISP_E_BADVARTYPE;
  if (SUCCEEDED(hr)) {
    void* function = (*static_cast<void* const* const*>(instance))[plan.offset / sizeof(void*)];
    if (!function) hr = E_INVALIDARG;  // as DispCallFunc answers an empty slot
  }
  if (SUCCEEDED(hr)) {
    void* function = (*static_cast<void* const* const*>(instance))[plan.offset / sizeof(void*)];
    scratch<void*, 9> values(nparams + 1);
    values.data[0] = &instance;
    for (UINT i = 0; i < nparams; ++i)
      values.data[i + 1] = by_whole_variant(plan.params[i].target) ? static_cast<void*>(&slots.data[i]) : static_cast<void*>(&slots.data[i].llVal);
    SetErrorInfo(0, nullptr);
    alignas(16) unsigned char raw[sizeof(VARIANT) + 16] = {};
    ffi_call(const_cast<ffi_cif*>(&plan.cif), FFI_FN(function), raw, values.data);
    VARIANT ret;
    store_call_result(plan.result_type, plan.return_vt, raw, &ret);
    if (plan.declared_return == VT_HRESULT && FAILED(V_ERROR(&ret))) {
      const HRESULT called = V_ERROR(&ret);
      VariantClear(&retval);
      if (excepinfo) {
        fill_excepinfo(excepinfo, called);
        hr = DISP_E_EXCEPTION;
      } else {
        hr = called;
      }
    } else if (result) {
      if (plan.retval_index >= 0) {
        *result = retval;  // moved
        VariantInit(&retval);
      } else if (plan.declared_return != VT_HRESULT && plan.declared_return != VT_VOID) {
        *result = ret;
      } else {
        VariantInit(result);
      }
    } else if (plan.retval_index < 0 && plan.declared_return != VT_HRESULT) {
      VariantClear(&ret);  // a value nobody asked for
    }
  }
  VariantClear(&retval);
  for (UINT i = 0; i < owned_count; ++i) VariantClear(&owned.data[i]);
  return hr;
}

}  // namespace

HRESULT typeinfo_invoke(ITypeInfo* self, void* instance, MEMBERID memid, WORD flags, DISPPARAMS* params, VARIANT* result,
                        EXCEPINFO* excepinfo, UINT* argerr, invoke_cache* cache) {
  if (!instance || !params) return E_INVALIDARG;
  if (params->cArgs && !params->rgvarg) return E_INVALIDARG;
  if (params->cNamedArgs > params->cArgs || (params->cNamedArgs && !params->rgdispidNamedArgs)) return E_INVALIDARG;
  if (result && (flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF))) result = nullptr;  // a put returns nothing
  const WORD kind = flags & (DISPATCH_METHOD | DISPATCH_PROPERTYGET | DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF);
  if (const invoke_plan* known = cache ? cache->find(memid, kind) : nullptr)
    return run_plan(*known, instance, flags, params, result, excepinfo, argerr);
  std::unique_ptr<invoke_plan> plan = resolve_plan(self, memid, kind);
  if (!plan) return E_OUTOFMEMORY;
  if (cache && !plan->unsure && SUCCEEDED(plan->found))  // only members that exist: a prober cannot fill the table
    if (const invoke_plan* kept = cache->add(plan.get())) {
      if (kept == plan.get()) plan.release();  // the cache owns it now
      return run_plan(*kept, instance, flags, params, result, excepinfo, argerr);
    }
  return run_plan(*plan, instance, flags, params, result, excepinfo, argerr);
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

COMKIT_STDAPI DispGetParam(DISPPARAMS* pdispparams, UINT position, VARTYPE vtTarg, VARIANT* pvarResult, UINT* puArgErr) {
  if (!pdispparams || !pvarResult) return E_INVALIDARG;
  if (pdispparams->cArgs && !pdispparams->rgvarg) return E_INVALIDARG;
  if (pdispparams->cNamedArgs > pdispparams->cArgs || (pdispparams->cNamedArgs && !pdispparams->rgdispidNamedArgs)) return E_INVALIDARG;
  // A named argument for `position` first; else the positional one, counted
  // from the end of rgvarg (position 0 is the last element).
  UINT index = pdispparams->cArgs;
  for (UINT n = 0; n < pdispparams->cNamedArgs && index == pdispparams->cArgs; ++n)
    if (pdispparams->rgdispidNamedArgs[n] == static_cast<DISPID>(position)) index = n;
  const UINT positional = pdispparams->cArgs - pdispparams->cNamedArgs;
  if (index == pdispparams->cArgs) {
    if (position >= positional) return DISP_E_PARAMNOTFOUND;
    index = pdispparams->cArgs - 1 - position;
  }
  // Into the caller's VARIANT, which VariantChangeType clears first (so it
  // must hold a valid VARIANT, as on Windows).
  const HRESULT hr = VariantChangeType(pvarResult, &pdispparams->rgvarg[index], 0, vtTarg);
  if (FAILED(hr)) {
    if (puArgErr && (hr == DISP_E_TYPEMISMATCH || hr == DISP_E_OVERFLOW)) *puArgErr = index;
    return hr;
  }
  return S_OK;
}
