// runtime/marshal/typelib_ps.cpp - the universal marshaler: proxy/stub
// tables made from type information.
//
// RegisterTypeLib names PSOAInterface as the proxy/stub class of every
// [oleautomation] and [dual] interface of a library, and PSDispatch for
// its dispinterfaces (runtime/typeinfo/typelib.cpp). CoGetPSClsid finds that
// in the registry's [interface] entry, and the class object of both
// (typelib_ps_class_factory, table_ps.cpp) makes the same table-driven
// proxies and stubs the compiler's tables give, from a table this file
// makes out of the interface's ITypeInfo. So an interface described only by
// a type library (a Python or Rust component, a library without a _p.c)
// crosses apartments and processes by the one mechanism.
//
// A table is made once per IID and process and kept for the process's life
// (proxies and stubs hold pointers into it), like a compiled table.
//
// What a type library can describe and the tables carry: integers, enums,
// floats, VARIANT_BOOL, CY, DATE, HRESULT, BSTR, LPSTR/LPWSTR, VARIANT,
// interface pointers (IUnknown, IDispatch and the library's interfaces),
// records behind a pointer (those of numbers as their bytes, GUID ...;
// others field by field through their IRecordInfo), SAFEARRAY(T), one
// pointer level above a value ([out], [in, out]). A method with anything
// else (a record by value, void**) is left out: its proxy answers
// E_NOTIMPL. A type library has no size_is or iid_is, so none is assumed.
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <comkit/abi/oleauto.h>
#include <comkit/abi/proxytable.h>
#include <comkit/detail/guid_hash.h>
#include <comkit/detail/utf.h>

#include "marshal/marshal_internal.h"
#include "runtime_internal.h"

namespace comkit::rt {
namespace {

constexpr unsigned max_slots = 4096;
constexpr int max_depth = 32;  // base interfaces, aliases

// A table and everything it points to.
struct made_table {
  IID iid{};
  std::string name;
  COMKIT_PS_INTERFACE iface{};
  std::vector<COMKIT_PS_METHOD> methods;
  std::deque<std::string> names;  // the methods' names
  std::deque<std::vector<COMKIT_PS_PARAM>> params;
  std::deque<IID> iids;  // the interface parameters' IIDs
  // Records already judged by plain_record (false while being judged, so a
  // record that holds itself is not plain and nothing is judged twice).
  std::unordered_map<const ITypeInfo*, bool> plain_records;
  // Record parameters and their record infos (references), registered
  // only once this table is the one kept (typelib_table).
  std::vector<std::pair<const COMKIT_PS_PARAM*, IRecordInfo*>> records;

  made_table() = default;
  made_table(const made_table&) = delete;
  made_table& operator=(const made_table&) = delete;
  ~made_table() {
    for (auto& r : records) r.second->Release();
  }

  void finish() {
    iface.iid = &iid;
    iface.name = name.c_str();
    iface.slot_count = static_cast<unsigned>(methods.size() + 3);
    iface.local = 0;
    iface.methods = methods.data();
  }
};

// Owned references to a type info and its attributes.
class attr_ref {
 public:
  attr_ref() = default;
  attr_ref(const attr_ref&) = delete;
  attr_ref& operator=(const attr_ref&) = delete;
  ~attr_ref() { reset(); }
  HRESULT load(ITypeInfo* ti) {
    reset();
    if (const HRESULT hr = ti->GetTypeAttr(&attr_); FAILED(hr)) return hr;
    ti_ = ti;
    ti_->AddRef();
    return S_OK;
  }
  void reset() {
    if (ti_) {
      ti_->ReleaseTypeAttr(attr_);
      ti_->Release();
    }
    ti_ = nullptr;
    attr_ = nullptr;
  }
  const TYPEATTR* operator->() const { return attr_; }
  const TYPEATTR& operator*() const { return *attr_; }
  ITypeInfo* info() const { return ti_; }

 private:
  ITypeInfo* ti_ = nullptr;
  TYPEATTR* attr_ = nullptr;
};

HRESULT ref_info(ITypeInfo* ti, HREFTYPE href, attr_ref& out) {
  ITypeInfo* r = nullptr;
  if (const HRESULT hr = ti->GetRefTypeInfo(href, &r); FAILED(hr)) return hr;
  const HRESULT hr = out.load(r);
  r->Release();
  return hr;
}

// A record the tables can copy as bytes: its fields are numbers, or records
// of numbers, or fixed arrays of those (GUID, RECT, POINT ...).
bool plain_record(ITypeInfo* ti, const TYPEATTR& attr, made_table& table, int depth);

bool plain_type(ITypeInfo* ti, const TYPEDESC& t, made_table& table, int depth) {
  if (depth > max_depth) return false;
  switch (t.vt) {
    case VT_I1: case VT_UI1: case VT_I2: case VT_UI2: case VT_I4: case VT_UI4: case VT_INT: case VT_UINT:
    case VT_I8: case VT_UI8: case VT_R4: case VT_R8: case VT_CY: case VT_DATE: case VT_BOOL: case VT_ERROR:
    case VT_HRESULT: case VT_DECIMAL:
      return true;
    case VT_CARRAY:
      return t.lpadesc && plain_type(ti, t.lpadesc->tdescElem, table, depth + 1);
    case VT_USERDEFINED: {
      attr_ref r;
      if (FAILED(ref_info(ti, t.hreftype, r))) return false;
      if (r->typekind == TKIND_ENUM) return true;
      if (r->typekind == TKIND_ALIAS) return plain_type(r.info(), r->tdescAlias, table, depth + 1);
      return r->typekind == TKIND_RECORD && plain_record(r.info(), *r, table, depth + 1);
    }
    default:
      return false;
  }
}

bool plain_record(ITypeInfo* ti, const TYPEATTR& attr, made_table& table, int depth) {
  if (depth > max_depth || attr.cbSizeInstance == 0) return false;
  auto [at, fresh] = table.plain_records.try_emplace(ti, false);
  if (!fresh) return at->second;  // judged, or being judged (a record holding itself)
  bool ok = true;
  for (UINT i = 0; ok && i < attr.cVars; ++i) {
    VARDESC* v = nullptr;
    if (FAILED(ti->GetVarDesc(i, &v))) return false;
    ok = v->varkind != VAR_PERINSTANCE || plain_type(ti, v->elemdescVar.tdesc, table, depth + 1);
    ti->ReleaseVarDesc(v);
  }
  table.plain_records[ti] = ok;
  return ok;
}

// A field IRecordInfo::GetField and PutField carry as a VARIANT: numbers,
// strings, VARIANTs, interface pointers, enums (not nested records or
// arrays).
bool carriable_field(ITypeInfo* ti, const TYPEDESC& t, int depth) {
  if (depth > max_depth) return false;
  switch (t.vt) {
    case VT_I1: case VT_UI1: case VT_I2: case VT_UI2: case VT_I4: case VT_UI4: case VT_INT: case VT_UINT:
    case VT_I8: case VT_UI8: case VT_R4: case VT_R8: case VT_CY: case VT_DATE: case VT_BOOL: case VT_ERROR:
    case VT_HRESULT: case VT_DECIMAL: case VT_BSTR: case VT_VARIANT: case VT_UNKNOWN: case VT_DISPATCH:
      return true;
    case VT_PTR:
    case VT_USERDEFINED: {
      const TYPEDESC& named = t.vt == VT_PTR ? (t.lptdesc ? *t.lptdesc : t) : t;
      if (named.vt != VT_USERDEFINED) return false;
      attr_ref r;
      if (FAILED(ref_info(ti, named.hreftype, r))) return false;
      if (t.vt == VT_PTR) return r->typekind == TKIND_INTERFACE || r->typekind == TKIND_DISPATCH;
      if (r->typekind == TKIND_ENUM) return true;
      return r->typekind == TKIND_ALIAS && carriable_field(r.info(), r->tdescAlias, depth + 1);
    }
    default:
      return false;
  }
}

bool carriable_record(ITypeInfo* ti, const TYPEATTR& attr, int depth) {
  if (depth > max_depth) return false;
  for (UINT i = 0; i < attr.cVars; ++i) {
    VARDESC* v = nullptr;
    if (FAILED(ti->GetVarDesc(i, &v))) return false;
    const bool ok = v->varkind != VAR_PERINSTANCE || carriable_field(ti, v->elemdescVar.tdesc, depth + 1);
    ti->ReleaseVarDesc(v);
    if (!ok) return false;
  }
  return true;
}

// A coclass stands for its default interface (a `Widget*` parameter).
bool default_interface(ITypeInfo* ti, const TYPEATTR& attr, GUID& out) {
  for (UINT i = 0; i < attr.cImplTypes; ++i) {
    INT flags = 0;
    if (FAILED(ti->GetImplTypeFlags(i, &flags)) || !(flags & IMPLTYPEFLAG_FDEFAULT) || (flags & IMPLTYPEFLAG_FSOURCE)) continue;
    HREFTYPE href = 0;
    attr_ref iface;
    if (FAILED(ti->GetRefTypeOfImplType(i, &href)) || FAILED(ref_info(ti, href, iface))) return false;
    out = iface->guid;
    return true;
  }
  return false;
}

void set_int(COMKIT_PS_PARAM& p, unsigned size, bool is_signed) {
  p.kind = COMKIT_PS_INT;
  p.size = size;
  p.is_signed = is_signed;
}

// What a value of type `t` is, with `pointers` pointer levels above it
// (VT_PTR peeled off by the caller). Sets p.kind, size, is_signed and iid
// and returns the pointer levels above the value itself (an interface
// pointer's own level belongs to the value), or -1 when the tables cannot
// carry it.
// A record that is not plain gets its IRecordInfo in *record (a reference).
int describe(ITypeInfo* ti, const TYPEDESC& t, int pointers, COMKIT_PS_PARAM& p, made_table& table, IRecordInfo** record,
             int depth) {
  if (depth > max_depth) return -1;
  switch (t.vt) {
    case VT_I1: set_int(p, 1, true); return pointers;
    case VT_UI1: set_int(p, 1, false); return pointers;
    case VT_I2: case VT_BOOL: set_int(p, 2, t.vt == VT_I2 || t.vt == VT_BOOL); return pointers;
    case VT_UI2: set_int(p, 2, false); return pointers;
    case VT_I4: case VT_INT: case VT_ERROR: case VT_HRESULT: set_int(p, 4, true); return pointers;
    case VT_UI4: case VT_UINT: set_int(p, 4, false); return pointers;
    case VT_I8: case VT_CY: set_int(p, 8, true); return pointers;
    case VT_UI8: set_int(p, 8, false); return pointers;
    case VT_R4: p.kind = COMKIT_PS_FLOAT; p.size = 4; return pointers;
    case VT_R8: case VT_DATE: p.kind = COMKIT_PS_FLOAT; p.size = 8; return pointers;
    case VT_BSTR: p.kind = COMKIT_PS_BSTR; p.size = sizeof(void*); return pointers;
    case VT_LPWSTR: p.kind = COMKIT_PS_WSTR; p.size = sizeof(void*); return pointers;
    case VT_LPSTR: p.kind = COMKIT_PS_ASTR; p.size = sizeof(void*); return pointers;
    case VT_VARIANT: p.kind = COMKIT_PS_VARIANT; p.size = sizeof(VARIANT); return pointers;
    case VT_DECIMAL: p.kind = COMKIT_PS_FLAT; p.size = sizeof(DECIMAL); return pointers;
    case VT_SAFEARRAY: p.kind = COMKIT_PS_SAFEARRAY; p.size = sizeof(void*); return pointers;  // SAFEARRAY(T): the pointer
    case VT_UNKNOWN:
    case VT_DISPATCH:
      p.kind = COMKIT_PS_IFACE;
      p.size = sizeof(void*);
      p.iid = t.vt == VT_UNKNOWN ? &IID_IUnknown : &IID_IDispatch;
      return pointers;
    case VT_PTR:
      return t.lptdesc ? describe(ti, *t.lptdesc, pointers + 1, p, table, record, depth + 1) : -1;
    case VT_USERDEFINED: {
      attr_ref r;
      if (FAILED(ref_info(ti, t.hreftype, r))) return -1;
      switch (r->typekind) {
        case TKIND_ENUM: set_int(p, 4, true); return pointers;
        case TKIND_ALIAS: return describe(r.info(), r->tdescAlias, pointers, p, table, record, depth + 1);
        case TKIND_RECORD:
          p.size = r->cbSizeInstance;
          if (plain_record(r.info(), *r, table, depth + 1)) {
            p.kind = COMKIT_PS_FLAT;  // its bytes
            return pointers;
          }
          // Field by field, through its record info, when each field is
          // something a VARIANT carries (GetField/PutField).
          if (pointers < 1 || !record || *record || !carriable_record(r.info(), *r, depth + 1) ||
              FAILED(GetRecordInfoFromTypeInfo(r.info(), record)))
            return -1;
          p.kind = ps_kind_record;
          return pointers;
        case TKIND_INTERFACE:
        case TKIND_DISPATCH:
        case TKIND_COCLASS: {
          if (pointers < 1) return -1;  // an interface by value
          GUID iid = r->guid;
          if (r->typekind == TKIND_COCLASS && !default_interface(r.info(), *r, iid)) return -1;
          p.kind = COMKIT_PS_IFACE;
          p.size = sizeof(void*);
          table.iids.push_back(iid);
          p.iid = &table.iids.back();
          return pointers - 1;
        }
        default:
          return -1;  // a module, a union
      }
    }
    default:
      return -1;  // fixed arrays, void* ...
  }
}

// A parameter; false when the tables cannot carry it.
bool describe_param(ITypeInfo* ti, const ELEMDESC& e, made_table& table, COMKIT_PS_PARAM& p, IRecordInfo** record) {
  p = COMKIT_PS_PARAM{};
  p.iid_param = p.size_param = p.length_param = -1;
  const USHORT flags = e.paramdesc.wParamFlags;
  const bool out = (flags & PARAMFLAG_FOUT) != 0;
  const bool in = (flags & PARAMFLAG_FIN) != 0 || !out;  // neither: [in]
  const int levels = describe(ti, e.tdesc, 0, p, table, record, 0);
  if (levels < 0 || levels > 1) return false;
  if ((p.kind == COMKIT_PS_FLAT || p.kind == ps_kind_record) && levels != 1) return false;  // records travel behind a pointer
  if (out && levels != 1) return false;
  p.indirection = static_cast<unsigned char>(levels);
  p.flags = static_cast<unsigned char>((in ? COMKIT_PS_IN : 0) | (out ? COMKIT_PS_OUT : 0) |
                                       ((flags & PARAMFLAG_FRETVAL) ? COMKIT_PS_RETVAL : 0));
  // An [in] pointer may be null (an optional VARIANT*, a GUID*); [out] ones
  // are the caller's to give.
  if (!out && levels == 1) p.flags |= COMKIT_PS_UNIQUE;
  return true;
}

bool describe_result(ITypeInfo* ti, const TYPEDESC& t, made_table& table, COMKIT_PS_PARAM& p) {
  p = COMKIT_PS_PARAM{};
  p.iid_param = p.size_param = p.length_param = -1;
  if (t.vt == VT_VOID) {
    p.kind = COMKIT_PS_VOID;
    return true;
  }
  const int levels = describe(ti, t, 0, p, table, nullptr, 0);
  return levels == 0 && (p.kind == COMKIT_PS_INT || p.kind == COMKIT_PS_FLOAT);
}

std::string abi_name(const FUNCDESC& f, BSTR name) {
  std::string n = name ? comkit::detail::utf8_of(reinterpret_cast<const char16_t*>(name), SysStringLen(name)) : "";
  switch (f.invkind) {
    case INVOKE_PROPERTYGET: return "get_" + n;
    case INVOKE_PROPERTYPUT: return "put_" + n;
    case INVOKE_PROPERTYPUTREF: return "putref_" + n;
    default: return n;
  }
}

HRESULT make_table(ITypeInfo* ti, made_table& table, int depth);

// Slots 3.. of a base interface: its compiled table's, or made from its
// type information.
HRESULT add_base(ITypeInfo* ti, const TYPEATTR& attr, made_table& table, int depth) {
  if (attr.cImplTypes == 0) return S_OK;  // IUnknown itself
  HREFTYPE href = 0;
  if (const HRESULT hr = ti->GetRefTypeOfImplType(0, &href); FAILED(hr)) return hr;
  attr_ref base;
  if (const HRESULT hr = ref_info(ti, href, base); FAILED(hr)) return hr;
  if (IsEqualIID(base->guid, IID_IUnknown)) return S_OK;
  if (const COMKIT_PS_INTERFACE* known = compiled_proxy_table(base->guid)) {
    // IDispatch's, with Invoke carried by hand, or a compiled interface's.
    for (unsigned k = 0; k + 3 < known->slot_count; ++k) table.methods.push_back(known->methods[k]);
    return S_OK;
  }
  return make_table(base.info(), table, depth + 1);  // its slots first, in this table
}

HRESULT make_table(ITypeInfo* ti, made_table& table, int depth) {
  if (depth > max_depth) return E_FAIL;
  attr_ref attr;
  if (const HRESULT hr = attr.load(ti); FAILED(hr)) return hr;
  if (attr->typekind == TKIND_DISPATCH) {
    if (attr->wTypeFlags & TYPEFLAG_FDUAL) {
      // A dual interface: its vtable view.
      HREFTYPE href = 0;
      attr_ref view;
      if (const HRESULT hr = ti->GetRefTypeOfImplType(static_cast<UINT>(-1), &href); FAILED(hr)) return hr;
      if (const HRESULT hr = ref_info(ti, href, view); FAILED(hr)) return hr;
      if (view->typekind != TKIND_INTERFACE) return E_FAIL;
      return make_table(view.info(), table, depth + 1);
    }
    // A dispinterface: IDispatch's methods under its IID (PSDispatch). It
    // is never a vtable interface's base.
    const COMKIT_PS_INTERFACE* d = compiled_proxy_table(IID_IDispatch);
    if (!d || depth > 0) return E_FAIL;
    table.methods.assign(d->methods, d->methods + (d->slot_count - 3));
    return S_OK;
  }
  if (attr->typekind != TKIND_INTERFACE) return E_FAIL;
  // A type info reports vtable sizes and offsets for this platform's
  // pointers, whatever SYSKIND its library was written for.
  constexpr unsigned pointer = sizeof(void*);
  const unsigned slots = attr->cbSizeVft / pointer;
  if (slots < 3 || slots > max_slots) return E_FAIL;
  if (const HRESULT hr = add_base(ti, *attr, table, depth); FAILED(hr)) return hr;
  // Slots the base does not fill and no function names: not remotable.
  COMKIT_PS_METHOD none{};
  none.name = "";
  none.result.kind = COMKIT_PS_INT;
  none.result.size = 4;
  none.result.is_signed = 1;
  if (table.methods.size() > slots - 3) return E_FAIL;
  table.methods.resize(slots - 3, none);
  for (UINT i = 0; i < attr->cFuncs; ++i) {
    struct func_ref {
      ITypeInfo* ti;
      FUNCDESC* f = nullptr;
      BSTR name = nullptr;
      ~func_ref() {
        if (f) ti->ReleaseFuncDesc(f);
        SysFreeString(name);
      }
    } held{ti};
    if (const HRESULT hr = ti->GetFuncDesc(i, &held.f); FAILED(hr)) return hr;
    const FUNCDESC* f = held.f;
    const unsigned slot = static_cast<unsigned>(f->oVft) / pointer;
    if (f->oVft < 0 || slot < 3 || slot >= slots || f->funckind == FUNC_DISPATCH || f->cParams < 0) continue;
    COMKIT_PS_METHOD m{};
    UINT got = 0;
    ti->GetNames(f->memid, &held.name, 1, &got);
    table.names.push_back(abi_name(*f, held.name));
    m.name = table.names.back().c_str();
    std::vector<COMKIT_PS_PARAM> params(static_cast<std::size_t>(f->cParams));
    struct records_ref {
      std::vector<IRecordInfo*> v;
      ~records_ref() {
        for (IRecordInfo* r : v)
          if (r) r->Release();
      }
    } records{std::vector<IRecordInfo*>(params.size(), nullptr)};
    bool ok = describe_result(ti, f->elemdescFunc.tdesc, table, m.result);
    for (SHORT k = 0; ok && k < f->cParams; ++k) ok = describe_param(ti, f->lprgelemdescParam[k], table, params[k], &records.v[k]);
    if (!ok) {  // carried as "not remotable": E_NOTIMPL from its proxy
      m.remotable = 0;
      m.param_count = 0;
      m.result = none.result;
    } else {
      m.remotable = 1;
      m.param_count = static_cast<unsigned short>(params.size());
      table.params.push_back(std::move(params));
      m.params = table.params.back().data();
      for (std::size_t k = 0; k < records.v.size(); ++k)
        if (records.v[k]) {
          table.records.emplace_back(&m.params[k], records.v[k]);  // the table's reference now
          records.v[k] = nullptr;
        }
    }
    table.methods[slot - 3] = m;
  }
  return S_OK;
}

std::mutex g_made_lock;
// Never freed: proxies and stubs point into the tables for the process's life.
auto& g_made = *new std::unordered_map<IID, made_table*, comkit::detail::guid_hash>;

}  // namespace

const COMKIT_PS_INTERFACE* typelib_table(const IID& iid) noexcept {
  {
    std::lock_guard g(g_made_lock);
    if (auto it = g_made.find(iid); it != g_made.end()) return &it->second->iface;
  }
  try {
    attr_ref info;  // (only its type info is used: its attributes are read again below)
    {
      ITypeInfo* ti = nullptr;
      if (FAILED(ComkitGetTypeInfoOfGuid(iid, nullptr, 0, &ti))) return nullptr;
      const HRESULT hr = info.load(ti);
      ti->Release();
      if (FAILED(hr)) return nullptr;
    }
    auto t = std::make_unique<made_table>();
    t->iid = iid;
    BSTR name = nullptr;
    if (SUCCEEDED(info.info()->GetDocumentation(MEMBERID_NIL, &name, nullptr, nullptr, nullptr)) && name)
      t->name = comkit::detail::utf8_of(reinterpret_cast<const char16_t*>(name), SysStringLen(name));
    SysFreeString(name);
    if (FAILED(make_table(info.info(), *t, 0))) return nullptr;
    t->plain_records.clear();
    t->finish();
    std::lock_guard g(g_made_lock);
    auto [it, fresh] = g_made.try_emplace(iid, t.get());
    if (fresh) {
      // Kept for the process's life: its record parameters can be named
      // now (a table that lost, or failed, never was).
      for (auto& [param, record] : t->records) register_record_param(param, record);
      t.release();
    }
    return &it->second->iface;
  } catch (...) {
    return nullptr;
  }
}

}  // namespace comkit::rt
