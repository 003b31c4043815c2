// runtime/typeinfo/typelib.cpp - LoadTypeLib and the ITypeLib2/ITypeInfo2
// objects over a loaded library (typelib_data.h).
//
// One type_lib object per loaded file holds the library's data and one
// type_info object per type info (and, for each dual interface, one for
// its TKIND_INTERFACE view). Type infos share their library's reference
// count, as on Windows: a type info keeps its library alive, and the
// library frees them all with itself.
//
// References (HREFTYPE) are Windows' own: a local type's TypeInfo offset in
// the file (index * 0x64), an imported type's ImpInfo offset with bit 0
// set, -2 for a dual interface's other view, bit 1 for "the interface view
// of what this names" (a base given by GetRefTypeOfImplType on an
// interface), and, in the dispatch view of a dual, level << 24 on a type a
// function inherited from `level` bases down uses.
//
// The cache of loaded libraries (path -> type_lib) hands out the same
// object for the same file while it lives. Its state machine, per entry:
// the library is in the map while its count is above zero; Release that
// takes the count to zero removes the entry (if it still names this
// object) under g_cache_lock before deleting. A lookup under the same lock
// takes a reference only by moving the count from n > 0 to n + 1
// (try_addref), so it never revives a library whose last Release has
// begun; it loads a new one instead, which replaces the entry, and the
// dying one's erase then finds another object there and leaves it. Two
// threads that miss at once both load; the first to publish wins and the
// other releases its copy, so every caller gets the published object.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <objbase.h>
#include <oleauto.h>

#include <comkit/abi/extensions.h>
#include <comkit/detail/utf.h>

#include "runtime_internal.h"
#include "embedded.h"
#include "typelib_data.h"
#include "typeinfo_internal.h"
#include "dispatch/dispatch_internal.h"
#include "registry/registry_internal.h"

namespace comkit::rt {
namespace {

namespace tl = comkit::typelib;


BSTR bstr_of(const std::u16string& s) { return SysAllocStringLen(reinterpret_cast<const OLECHAR*>(s.data()), static_cast<UINT>(s.size())); }


// A value of the library as a VARIANT (custom data, default values, constants).
HRESULT to_variant(const tl::value& v, VARIANT* out) {
  VariantInit(out);
  if (v.vt == VT_BSTR) {
    BSTR s = bstr_of(v.s);
    if (!s && !v.s.empty()) return E_OUTOFMEMORY;
    V_VT(out) = VT_BSTR;
    V_BSTR(out) = s;
    return S_OK;
  }
  V_VT(out) = v.vt;
  switch (v.vt) {
    case VT_R4: V_R4(out) = static_cast<float>(v.r); break;
    case VT_R8: case VT_DATE: V_R8(out) = v.r; break;
    default: out->llVal = v.i; break;  // the union's low bytes, little-endian: every integer width
  }
  return S_OK;
}

// The custom data item `guid` of a list (VT_EMPTY when there is none).
HRESULT cust(const tl::cust_data& items, const GUID* guid, VARIANT* out) {
  if (!guid || !out) return E_INVALIDARG;
  VariantInit(out);
  for (const tl::cust_item& c : items)
    if (c.guid == *guid) return to_variant(c.val, out);
  return S_OK;
}

// Every item of a list, as GetAll...CustData hands them out (ClearCustData frees).
HRESULT all_cust(const tl::cust_data& items, CUSTDATA* out) {
  if (!out) return E_INVALIDARG;
  out->cCustData = 0;
  out->prgCustData = nullptr;
  if (items.empty()) return S_OK;
  auto* a = static_cast<CUSTDATAITEM*>(CoTaskMemAlloc(items.size() * sizeof(CUSTDATAITEM)));
  if (!a) return E_OUTOFMEMORY;
  for (std::size_t i = 0; i < items.size(); ++i) {
    a[i].guid = items[i].guid;
    to_variant(items[i].val, &a[i].varValue);
  }
  out->cCustData = static_cast<DWORD>(items.size());
  out->prgCustData = a;
  return S_OK;
}

// ---- memory handed out (TYPEATTR, FUNCDESC, VARDESC) ---------------------------
// Each is one heap object whose first member is the Windows struct, so the
// Release* functions get back what they handed out.
struct desc_store {
  std::vector<std::unique_ptr<std::uint8_t[]>> blocks;
  void* alloc(std::size_t n) {
    blocks.emplace_back(new std::uint8_t[n]());
    return blocks.back().get();
  }
};

void fill_typedesc(TYPEDESC& out, const tl::type_desc& t, desc_store& store, HREFTYPE (*map_href)(const tl::href&, std::uint32_t),
                   std::uint32_t level) {
  out.vt = t.vt;
  switch (t.vt) {
    case VT_PTR: case VT_SAFEARRAY: {
      auto* inner = static_cast<TYPEDESC*>(store.alloc(sizeof(TYPEDESC)));
      if (t.inner) fill_typedesc(*inner, *t.inner, store, map_href, level);
      out.lptdesc = inner;
      break;
    }
    case VT_CARRAY: {
      const std::size_t dims = t.bounds.size();
      auto* a = static_cast<ARRAYDESC*>(store.alloc(sizeof(ARRAYDESC) + (dims ? dims - 1 : 0) * sizeof(SAFEARRAYBOUND)));
      if (t.inner) fill_typedesc(a->tdescElem, *t.inner, store, map_href, level);
      a->cDims = static_cast<USHORT>(dims);
      for (std::size_t d = 0; d < dims; ++d) a->rgbounds[d] = t.bounds[d];
      out.lpadesc = a;
      break;
    }
    case VT_USERDEFINED: out.hreftype = map_href(t.ref, level); break;
    default: break;
  }
}

HREFTYPE file_href(const tl::href& r, std::uint32_t level) {
  const HREFTYPE base = r.kind == tl::href::local ? r.index * typeinfo_stride : (r.index * impinfo_stride) | 1;
  return base + (level << 24);
}

struct typeattr_block {
  TYPEATTR attr;
  desc_store store;
};
struct funcdesc_block {
  FUNCDESC desc;
  desc_store store;
  std::vector<ELEMDESC> params;
  std::vector<PARAMDESCEX> defaults;  // their VARIANTs are owned here
  ~funcdesc_block() {
    for (PARAMDESCEX& d : defaults) VariantClear(&d.varDefaultValue);
  }
};
struct vardesc_block {
  VARDESC desc;
  desc_store store;
  VARIANT constant;  // owned; VT_EMPTY unless VAR_CONST
  ~vardesc_block() { VariantClear(&constant); }
};

}  // namespace

class type_lib;

// One view of one type info: `twin` is the TKIND_INTERFACE view of a dual
// interface (the stored type info is its dispatch view).
class type_info final : public ITypeInfo2, public ITypeComp {
 public:
  type_info(type_lib* lib, std::uint32_t index, bool twin) : lib_(lib), index_(index), twin_(twin) {}
  ~type_info();
  type_info(const type_info&) = delete;
  type_info& operator=(const type_info&) = delete;

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override;
  ULONG STDMETHODCALLTYPE AddRef() override;
  ULONG STDMETHODCALLTYPE Release() override;
  HRESULT STDMETHODCALLTYPE GetTypeAttr(TYPEATTR** out) override;
  // ITypeComp is this object's, as on Windows (QueryInterface and
  // GetTypeComp give the same pointer); Bind and BindType are typecomp.cpp's,
  // over the public methods.
  HRESULT STDMETHODCALLTYPE GetTypeComp(ITypeComp** out) override {
    if (!out) return E_INVALIDARG;
    *out = static_cast<ITypeComp*>(this);
    AddRef();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Bind(LPOLESTR name, ULONG, WORD flags, ITypeInfo** ti, DESCKIND* kind, BINDPTR* bound) override {
    return typeinfo_bind(this, name, flags, ti, kind, bound);
  }
  HRESULT STDMETHODCALLTYPE BindType(LPOLESTR name, ULONG, ITypeInfo** ti, ITypeComp** comp) override {
    return typeinfo_bind_type(name, ti, comp);
  }
  HRESULT STDMETHODCALLTYPE GetFuncDesc(UINT index, FUNCDESC** out) override;
  HRESULT STDMETHODCALLTYPE GetVarDesc(UINT index, VARDESC** out) override;
  HRESULT STDMETHODCALLTYPE GetNames(MEMBERID memid, BSTR* names, UINT max, UINT* count) override;
  HRESULT STDMETHODCALLTYPE GetRefTypeOfImplType(UINT index, HREFTYPE* out) override;
  HRESULT STDMETHODCALLTYPE GetImplTypeFlags(UINT index, INT* out) override;
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(LPOLESTR* names, UINT count, MEMBERID* ids) override;
  HRESULT STDMETHODCALLTYPE Invoke(PVOID instance, MEMBERID memid, WORD flags, DISPPARAMS* params, VARIANT* result, EXCEPINFO* excepinfo,
                                   UINT* argerr) override {
    return typeinfo_invoke(this, instance, memid, flags, params, result, excepinfo, argerr, &invoke_cache_);
  }
  HRESULT STDMETHODCALLTYPE GetDocumentation(MEMBERID memid, BSTR* name, BSTR* doc, DWORD* context, BSTR* helpfile) override;
  HRESULT STDMETHODCALLTYPE GetDllEntry(MEMBERID memid, INVOKEKIND kind, BSTR* dll, BSTR* name, WORD* ordinal) override;
  HRESULT STDMETHODCALLTYPE GetRefTypeInfo(HREFTYPE href, ITypeInfo** out) override;
  HRESULT STDMETHODCALLTYPE AddressOfMember(MEMBERID memid, INVOKEKIND kind, PVOID* out) override;
  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown* outer, REFIID riid, PVOID* out) override;
  HRESULT STDMETHODCALLTYPE GetMops(MEMBERID, BSTR* out) override {
    if (!out) return E_INVALIDARG;
    *out = nullptr;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetContainingTypeLib(ITypeLib** lib, UINT* index) override;
  void STDMETHODCALLTYPE ReleaseTypeAttr(TYPEATTR* p) override { delete reinterpret_cast<typeattr_block*>(p); }
  void STDMETHODCALLTYPE ReleaseFuncDesc(FUNCDESC* p) override { delete reinterpret_cast<funcdesc_block*>(p); }
  void STDMETHODCALLTYPE ReleaseVarDesc(VARDESC* p) override { delete reinterpret_cast<vardesc_block*>(p); }
  // ITypeInfo2
  HRESULT STDMETHODCALLTYPE GetTypeKind(TYPEKIND* out) override;
  HRESULT STDMETHODCALLTYPE GetTypeFlags(ULONG* out) override;
  HRESULT STDMETHODCALLTYPE GetFuncIndexOfMemId(MEMBERID memid, INVOKEKIND kind, UINT* out) override;
  HRESULT STDMETHODCALLTYPE GetVarIndexOfMemId(MEMBERID memid, UINT* out) override;
  HRESULT STDMETHODCALLTYPE GetCustData(REFGUID guid, VARIANT* out) override { return cust(data().d.custom, nullable(&guid), out); }
  HRESULT STDMETHODCALLTYPE GetFuncCustData(UINT index, REFGUID guid, VARIANT* out) override {
    if (index >= data().funcs.size()) return TYPE_E_ELEMENTNOTFOUND;
    return cust(data().funcs[index].d.custom, nullable(&guid), out);
  }
  HRESULT STDMETHODCALLTYPE GetParamCustData(UINT f, UINT p, REFGUID guid, VARIANT* out) override {
    if (f >= data().funcs.size() || p >= data().funcs[f].params.size()) return TYPE_E_ELEMENTNOTFOUND;
    return cust(data().funcs[f].params[p].custom, nullable(&guid), out);
  }
  HRESULT STDMETHODCALLTYPE GetVarCustData(UINT index, REFGUID guid, VARIANT* out) override {
    if (index >= data().vars.size()) return TYPE_E_ELEMENTNOTFOUND;
    return cust(data().vars[index].d.custom, nullable(&guid), out);
  }
  HRESULT STDMETHODCALLTYPE GetImplTypeCustData(UINT index, REFGUID guid, VARIANT* out) override {
    if (index >= data().impls.size()) return TYPE_E_ELEMENTNOTFOUND;
    return cust(data().impls[index].custom, nullable(&guid), out);
  }
  HRESULT STDMETHODCALLTYPE GetDocumentation2(MEMBERID memid, LCID, BSTR* help, DWORD* context, BSTR* dll) override;
  HRESULT STDMETHODCALLTYPE GetAllCustData(CUSTDATA* out) override { return all_cust(data().d.custom, out); }
  HRESULT STDMETHODCALLTYPE GetAllFuncCustData(UINT index, CUSTDATA* out) override {
    if (index >= data().funcs.size()) return TYPE_E_ELEMENTNOTFOUND;
    return all_cust(data().funcs[index].d.custom, out);
  }
  HRESULT STDMETHODCALLTYPE GetAllParamCustData(UINT f, UINT p, CUSTDATA* out) override {
    if (f >= data().funcs.size() || p >= data().funcs[f].params.size()) return TYPE_E_ELEMENTNOTFOUND;
    return all_cust(data().funcs[f].params[p].custom, out);
  }
  HRESULT STDMETHODCALLTYPE GetAllVarCustData(UINT index, CUSTDATA* out) override {
    if (index >= data().vars.size()) return TYPE_E_ELEMENTNOTFOUND;
    return all_cust(data().vars[index].d.custom, out);
  }
  HRESULT STDMETHODCALLTYPE GetAllImplTypeCustData(UINT index, CUSTDATA* out) override {
    if (index >= data().impls.size()) return TYPE_E_ELEMENTNOTFOUND;
    return all_cust(data().impls[index].custom, out);
  }

  const tl::type_data& data() const;
  bool is_dual() const { return data().kind == TKIND_DISPATCH && (data().flags & TYPEFLAG_FDUAL) && !data().impls.empty(); }
  bool dispatch_view() const { return is_dual() && !twin_; }

 private:

  // The dispatch view of a dual lists every function of its vtable: the
  // bases' (deepest first) and then its own.
  struct flat_func {
    type_info* owner;  // holds a reference while in the list
    std::uint32_t index;
    std::uint32_t level;
  };
  HRESULT flatten(std::vector<flat_func>& out, std::uint32_t level);
  HRESULT base_info(type_info** out);
  HRESULT make_funcdesc(const tl::func_data& f, std::uint32_t level, bool as_dispatch, FUNCDESC** out) const;
  std::uint32_t file_ptr() const;
  const tl::func_data* find_func(MEMBERID memid, INVOKEKIND kind, std::uint32_t* index) const;

  // GetIDsOfNames' index of the functions by name hash, built on first use
  // (published once by CAS; immutable after).
  struct name_index {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> funcs;  // (folded_hash of the name, function index), sorted
  };
  const name_index& names() const;
  mutable std::atomic<const name_index*> names_{nullptr};

  type_lib* lib_;
  // This view's own references: the first takes one on the library, the
  // last gives it back (whoever AddRefs it at 0 got it from something that
  // holds the library). Release returns this count, as Windows' does.
  std::atomic<ULONG> refs_{0};
  invoke_cache invoke_cache_;  // Invoke's resolved calls
  std::uint32_t index_;
  bool twin_;
};

class type_lib final : public ITypeLib2 {
 public:
  // A library held in full (typelib_from_data), or one `reader` has
  // opened into `data` whose types' members it reads on first use.
  type_lib(tl::library data, std::string path, std::unique_ptr<tl::msft_reader> reader = nullptr)
      : data_(std::move(data)), path_(std::move(path)), reader_(std::move(reader)),
        members_(std::make_unique<std::atomic<HRESULT>[]>(data_.types.size())) {
    for (std::size_t i = 0; i < data_.types.size(); ++i) members_[i].store(reader_ ? members_pending : S_OK, std::memory_order_relaxed);
    for (std::uint32_t i = 0; i < data_.types.size(); ++i) {
      infos_.push_back(std::make_unique<type_info>(this, i, false));
      twins_.push_back(infos_.back()->is_dual() ? std::make_unique<type_info>(this, i, true) : nullptr);
    }
  }
  ~type_lib() {
    for (ITypeLib* l : imports_)
      if (l) l->Release();
  }

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    const IID* iid = nullable(&riid);
    if (iid && (IsEqualIID(*iid, IID_IUnknown) || IsEqualIID(*iid, IID_ITypeLib) || IsEqualIID(*iid, IID_ITypeLib2))) {
      *ppv = static_cast<ITypeLib2*>(this);
      AddRef();
      return S_OK;
    }
    if (iid && IsEqualIID(*iid, IID_IMarshal))  // passed by value (typelib_marshal.cpp)
      return typelib_marshaler(static_cast<ITypeLib2*>(this), *this, -1, false, ppv);
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return refs_.fetch_add(1, std::memory_order_relaxed) + 1; }
  ULONG STDMETHODCALLTYPE Release() override;
  bool try_addref() {
    ULONG n = refs_.load(std::memory_order_relaxed);
    while (n != 0)
      if (refs_.compare_exchange_weak(n, n + 1, std::memory_order_acquire, std::memory_order_relaxed)) return true;
    return false;
  }

  UINT STDMETHODCALLTYPE GetTypeInfoCount() override { return static_cast<UINT>(infos_.size()); }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT index, ITypeInfo** out) override {
    if (!out) return E_INVALIDARG;
    *out = nullptr;
    if (index >= infos_.size()) return TYPE_E_ELEMENTNOTFOUND;
    if (const HRESULT hr = members(index); FAILED(hr)) return hr;
    *out = infos_[index].get();
    (*out)->AddRef();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfoType(UINT index, TYPEKIND* out) override {
    if (!out) return E_INVALIDARG;
    if (index >= infos_.size()) return TYPE_E_ELEMENTNOTFOUND;
    *out = data_.types[index].kind;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfoOfGuid(REFGUID guid, ITypeInfo** out) override {
    if (!out) return E_INVALIDARG;
    *out = nullptr;
    const GUID* g = nullable(&guid);
    if (!g) return E_INVALIDARG;
    for (std::size_t i = 0; i < data_.types.size(); ++i)
      if (data_.types[i].guid == *g) return GetTypeInfo(static_cast<UINT>(i), out);
    return TYPE_E_ELEMENTNOTFOUND;
  }
  HRESULT STDMETHODCALLTYPE GetLibAttr(TLIBATTR** out) override {
    if (!out) return E_INVALIDARG;
    auto* a = new (std::nothrow) TLIBATTR{};
    if (!a) return E_OUTOFMEMORY;
    a->guid = data_.guid;
    a->lcid = data_.lcid;
    a->syskind = data_.syskind;
    a->wMajorVerNum = data_.major;
    a->wMinorVerNum = data_.minor;
    a->wLibFlags = static_cast<WORD>(data_.flags | LIBFLAG_FHASDISKIMAGE);
    *out = a;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeComp(ITypeComp** out) override { return make_typelib_comp(this, out); }
  HRESULT STDMETHODCALLTYPE GetDocumentation(INT index, BSTR* name, BSTR* doc, DWORD* context, BSTR* helpfile) override {
    if (index < -1 || index >= static_cast<INT>(infos_.size())) return TYPE_E_ELEMENTNOTFOUND;
    const tl::doc& d = index == -1 ? data_.d : data_.types[static_cast<std::size_t>(index)].d;
    return put_doc(d, name, doc, context, helpfile);
  }
  HRESULT put_doc(const tl::doc& d, BSTR* name, BSTR* doc, DWORD* context, BSTR* helpfile) const {
    BSTR n = nullptr, s = nullptr, f = nullptr;
    // An unnamed item (a library or function made with ICreateTypeLib and
    // never named) answers a NULL name, as Windows does.
    if ((name && !d.name.empty() && !(n = bstr_of(d.name))) || (doc && !d.helpstring.empty() && !(s = bstr_of(d.helpstring))) ||
        (helpfile && !data_.helpfile.empty() && !(f = bstr_of(data_.helpfile)))) {
      SysFreeString(n);
      SysFreeString(s);
      return E_OUTOFMEMORY;
    }
    if (name) *name = n;
    if (doc) *doc = s;
    if (context) *context = d.helpcontext;
    if (helpfile) *helpfile = f;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE IsName(LPOLESTR name, ULONG, BOOL* found) override {
    if (!name || !found) return E_INVALIDARG;
    *found = FALSE;
    auto check = [&](const std::u16string& n) {
      if (*found || !same_name(n, name)) return;
      *found = TRUE;
      std::memcpy(name, n.data(), n.size() * sizeof(OLECHAR));  // the library's spelling
    };
    for (std::uint32_t i = 0; i < data_.types.size(); ++i) {
      if (const HRESULT hr = members(i); FAILED(hr)) return hr;
      const tl::type_data& t = data_.types[i];
      check(t.d.name);
      for (const tl::func_data& f : t.funcs) {
        check(f.d.name);
        for (const tl::param_data& p : f.params) check(p.name);
      }
      for (const tl::var_data& v : t.vars) check(v.d.name);
    }
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE FindName(LPOLESTR name, ULONG, ITypeInfo** infos, MEMBERID* ids, USHORT* count) override {
    if (!name || !infos || !ids || !count) return E_INVALIDARG;
    USHORT n = 0;
    for (std::uint32_t i = 0; i < data_.types.size() && n < *count; ++i) {
      if (const HRESULT hr = members(i); FAILED(hr)) {
        for (USHORT k = 0; k < n; ++k) infos[k]->Release(), infos[k] = nullptr;
        return hr;
      }
      const tl::type_data& t = data_.types[i];
      MEMBERID id = MEMBERID_NIL;
      bool hit = same_name(t.d.name, name);
      for (const tl::func_data& f : t.funcs)
        if (!hit && same_name(f.d.name, name)) hit = true, id = f.memid;
      for (const tl::var_data& v : t.vars)
        if (!hit && same_name(v.d.name, name)) hit = true, id = v.memid;
      if (!hit) continue;
      if (n == 0) {  // the library's spelling, as IsName gives it
        const std::u16string* spelled = &t.d.name;
        for (const tl::func_data& f : t.funcs)
          if (id != MEMBERID_NIL && f.memid == id && same_name(f.d.name, name)) spelled = &f.d.name;
        for (const tl::var_data& v : t.vars)
          if (id != MEMBERID_NIL && v.memid == id && same_name(v.d.name, name)) spelled = &v.d.name;
        std::memcpy(name, spelled->data(), spelled->size() * sizeof(OLECHAR));
      }
      infos[n] = infos_[i].get();
      infos[n]->AddRef();
      ids[n] = id;
      ++n;
    }
    *count = n;
    return S_OK;
  }
  void STDMETHODCALLTYPE ReleaseTLibAttr(TLIBATTR* a) override { delete a; }
  HRESULT STDMETHODCALLTYPE GetCustData(REFGUID guid, VARIANT* out) override { return cust(data_.d.custom, nullable(&guid), out); }
  HRESULT STDMETHODCALLTYPE GetLibStatistics(ULONG* names, ULONG* chars) override {
    if (!names) return E_INVALIDARG;
    std::unordered_map<std::u16string, int> unique;
    auto add = [&](const std::u16string& s) {
      if (s.empty()) return;
      std::u16string k = s;
      for (char16_t& c : k)
        if (c >= 'a' && c <= 'z') c = static_cast<char16_t>(c - 32);
      unique.emplace(std::move(k), 0);
    };
    add(data_.d.name);
    for (const tl::type_data& t : data_.types) {
      add(t.d.name);
      for (const tl::func_data& f : t.funcs) {
        add(f.d.name);
        for (const tl::param_data& p : f.params) add(p.name);
      }
      for (const tl::var_data& v : t.vars) add(v.d.name);
    }
    *names = static_cast<ULONG>(unique.size());
    if (chars) {
      ULONG total = 0;
      for (const auto& [k, v] : unique) total += static_cast<ULONG>(k.size());
      *chars = total;
    }
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetDocumentation2(INT index, LCID, BSTR* help, DWORD* context, BSTR* dll) override {
    if (index < -1 || index >= static_cast<INT>(infos_.size())) return TYPE_E_ELEMENTNOTFOUND;
    const tl::doc& d = index == -1 ? data_.d : data_.types[static_cast<std::size_t>(index)].d;
    return put_doc2(d, help, context, dll);
  }
  HRESULT put_doc2(const tl::doc& d, BSTR* help, DWORD* context, BSTR* dll) const {
    BSTR h = nullptr, l = nullptr;
    if ((help && !d.helpstring.empty() && !(h = bstr_of(d.helpstring))) || (dll && !data_.helpstringdll.empty() && !(l = bstr_of(data_.helpstringdll)))) {
      SysFreeString(h);
      return E_OUTOFMEMORY;
    }
    if (help) *help = h;
    if (context) *context = d.helpstringcontext;
    if (dll) *dll = l;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetAllCustData(CUSTDATA* out) override { return all_cust(data_.d.custom, out); }

  // The library. A type's funcs and vars are there once members() has
  // succeeded for it: every type info is handed out only after that.
  const tl::library& data() const { return data_; }
  type_info* info(std::uint32_t index, bool twin) const { return twin ? twins_[index].get() : infos_[index].get(); }
  // Reads type `index`'s members the first time (LoadTypeLib reads a
  // type's functions and variables only when it is first asked for);
  // what that gave, every time after.
  HRESULT members(std::uint32_t index);
  // The library's MSFT image (what it was loaded from, or written from its
  // data), to copy it to another process.
  HRESULT image(std::vector<std::uint8_t>& out) const;
  // The library an import names, loaded on first use (and kept).
  HRESULT imported(std::uint32_t file, ITypeLib** out);
  const std::string& path() const { return path_; }

 private:
  std::atomic<ULONG> refs_{1};
  tl::library data_;
  std::string path_;
  std::vector<std::unique_ptr<type_info>> infos_, twins_;
  // members_[i]: members_pending until type i's members are read, then
  // what reading them gave. States per type: pending -> S_OK or a failure,
  // written once under members_lock_ (release) after data_.types[i].funcs
  // and vars; read lock-free (acquire) first, so a reader that sees S_OK
  // sees the members. Nothing reads a type's members before its state
  // left pending (type infos are handed out after members()).
  static constexpr HRESULT members_pending = S_FALSE;
  std::unique_ptr<tl::msft_reader> reader_;
  std::unique_ptr<std::atomic<HRESULT>[]> members_;
  std::mutex members_lock_;
  std::mutex imports_lock_;
  std::vector<ITypeLib*> imports_;  // by import file index, guarded by imports_lock_
};

namespace {

std::mutex g_cache_lock;
auto& g_cache = *new std::unordered_map<std::string, type_lib*>;  // guarded; never destroyed (libraries may outlive statics)

}  // namespace

ULONG type_lib::Release() {
  const ULONG left = refs_.fetch_sub(1, std::memory_order_acq_rel) - 1;
  if (left == 0) {
    {
      std::lock_guard g(g_cache_lock);
      auto it = g_cache.find(path_);
      if (it != g_cache.end() && it->second == this) g_cache.erase(it);
    }
    delete this;
  }
  return left;
}

// ---- finding files -----------------------------------------------------------------

namespace {

bool readable(const std::string& p) { return access(p.c_str(), R_OK) == 0; }

std::string directory_of(const std::string& p) {
  const std::size_t slash = p.rfind('/');
  return slash == std::string::npos ? std::string(".") : p.substr(0, slash);
}

// Where a bare name is looked for: the current directory, each directory of
// $COMKIT_TYPELIB_PATH, then beside libcomkit and in its share/comkit
// (where comkit installs stdole2.tlb).
std::vector<std::string> search_path() {
  std::vector<std::string> dirs{"."};
  if (const char* env = std::getenv("COMKIT_TYPELIB_PATH")) {
    std::string s = env;
    for (std::size_t at = 0; at <= s.size();) {
      const std::size_t colon = std::min(s.find(':', at), s.size());
      if (colon > at) dirs.push_back(s.substr(at, colon - at));
      at = colon + 1;
    }
  }
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&search_path), &info) && info.dli_fname) {
    const std::string lib = directory_of(info.dli_fname);
    dirs.push_back(lib);
    dirs.push_back(lib + "/../share/comkit");
  }
  return dirs;
}

std::string utf8_path(const OLECHAR* p) { return comkit::detail::utf8_of(reinterpret_cast<const char16_t*>(p)); }

// Reads the MSFT image of the file open on fd into `image`: the file
// itself; entry `id` of an ELF module's comkit_typelib section (embedded.h),
// reading only the ELF headers and that section; or, for other files (a
// PE's TYPELIB resource), the first MSFT image found in them. The format is
// decided by the content, not the name.
bool image_of_file(int fd, std::uint32_t id, std::vector<std::uint8_t>& image) {
  struct stat st{};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  constexpr std::uint64_t limit = std::uint64_t{256} << 20;
  auto read = [fd](std::uint64_t at, std::size_t n, std::uint8_t* out) {
    while (n > 0) {
      const ssize_t got = pread(fd, out, n, static_cast<off_t>(at));
      if (got <= 0) return false;
      out += got;
      at += static_cast<std::uint64_t>(got);
      n -= static_cast<std::size_t>(got);
    }
    return true;
  };
  std::uint8_t head[16] = {};
  if (file_size < sizeof head || !read(0, sizeof head, head)) return false;
  if (tl::looks_like_elf(head)) {
    const auto range = tl::elf_section(file_size, read, tl::embedded_section);
    if (!range || range->size > limit) return false;
    std::vector<std::uint8_t> section(static_cast<std::size_t>(range->size));
    if (!read(range->offset, section.size(), section.data())) return false;
    const auto entries = tl::embedded_entries(section);
    if (!entries) return false;
    for (const tl::embedded_entry& e : *entries)
      if (e.id == id) {
        image.assign(e.image.begin(), e.image.end());
        return true;
      }
    return false;
  }
  if (file_size > limit) return false;
  image.resize(static_cast<std::size_t>(file_size));
  if (!read(0, image.size(), image.data())) return false;
  if (tl::looks_like_msft(image)) return true;
  const std::uint8_t magic[] = {'M', 'S', 'F', 'T', 0x02, 0x00, 0x01, 0x00};
  auto it = std::search(image.begin(), image.end(), std::begin(magic), std::end(magic));
  if (it == image.end()) return false;
  image.erase(image.begin(), it);
  return true;
}

HRESULT make_typelib(std::vector<std::uint8_t> image, const std::string& path, type_lib** out) {
  *out = nullptr;
  try {
    auto reader = std::make_unique<tl::msft_reader>();
    tl::library lib;
    if (const HRESULT hr = reader->open(std::move(image), lib); FAILED(hr)) return hr;
    *out = new type_lib(std::move(lib), path, std::move(reader));
    return S_OK;
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  }
}

// `path` is canonical; `id` picks the type library of a module (1 unless
// the name said "\\N"). The cache is keyed by both.
HRESULT load_file(const std::string& path, std::uint32_t id, ITypeLib** out) {
  const std::string key = id == 1 ? path : path + "\\" + std::to_string(id);
  {
    std::lock_guard g(g_cache_lock);
    auto it = g_cache.find(key);
    if (it != g_cache.end() && it->second->try_addref()) {
      *out = it->second;
      return S_OK;
    }
  }
  // Non-blocking: a FIFO named like a library must not hang the open
  // (image_of_file then refuses anything but a regular file).
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return TYPE_E_CANTLOADLIBRARY;
  std::vector<std::uint8_t> image;
  const bool found = image_of_file(fd, id, image);
  close(fd);
  if (!found) return TYPE_E_CANTLOADLIBRARY;
  type_lib* object = nullptr;
  if (const HRESULT hr = make_typelib(std::move(image), key, &object); FAILED(hr)) return hr;
  // Another thread may have loaded the same file meanwhile: the first one
  // published wins, and this copy goes (its Release finds another object
  // in the cache and leaves the entry).
  type_lib* winner = object;
  {
    std::lock_guard g(g_cache_lock);
    type_lib*& slot = g_cache[key];
    if (slot && slot != object && slot->try_addref()) winner = slot;
    else slot = object;
  }
  if (winner != object) object->Release();
  *out = winner;
  return S_OK;
}

// "module\\N" names type library N of a module, as on Windows: the suffix is
// taken off when no file has the whole name.
bool split_resource_suffix(const std::string& name, std::string& file, std::uint32_t& id) {
  const std::size_t slash = name.rfind('\\');
  if (slash == std::string::npos || slash + 1 == name.size() || name.size() - slash > 10) return false;
  std::uint32_t v = 0;
  for (std::size_t i = slash + 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<std::uint32_t>(name[i] - '0');
  }
  file = name.substr(0, slash);
  id = v;
  return true;
}

}  // namespace

void release_typeattr(TYPEATTR* p) { delete reinterpret_cast<typeattr_block*>(p); }
void release_funcdesc(FUNCDESC* p) { delete reinterpret_cast<funcdesc_block*>(p); }
void release_vardesc(VARDESC* p) { delete reinterpret_cast<vardesc_block*>(p); }

VARDESC* new_appobject_vardesc(HREFTYPE coclass) {
  auto* b = new (std::nothrow) vardesc_block{};
  if (!b) return nullptr;
  VariantInit(&b->constant);
  b->desc.memid = MEMBERID_NIL;
  b->desc.varkind = VAR_STATIC;
  b->desc.elemdescVar.tdesc.vt = VT_USERDEFINED;
  b->desc.elemdescVar.tdesc.hreftype = coclass;
  return &b->desc;
}

HRESULT typelib_from_data(tl::library lib, ITypeLib** out) {
  if (!out) return E_POINTER;
  try {
    *out = new type_lib(std::move(lib), std::string());
    return S_OK;
  } catch (const std::bad_alloc&) {
    *out = nullptr;
    return E_OUTOFMEMORY;
  }
}

bool loaded_typelib_path(ITypeLib* lib, std::string& path) {
  std::lock_guard g(g_cache_lock);
  for (const auto& [key, object] : g_cache)
    if (static_cast<ITypeLib*>(static_cast<ITypeLib2*>(object)) == lib) {
      path = key;
      return key.find('\\') == std::string::npos;  // not type library N of a module
    }
  return false;
}

HRESULT load_typelib(const std::string& name, const std::string& relative_to, ITypeLib** out) {
  std::vector<std::string> candidates;
  if (!name.empty() && name[0] == '/') {
    candidates.push_back(name);
  } else {
    if (!relative_to.empty()) candidates.push_back(relative_to + "/" + name);
    for (const std::string& d : search_path()) candidates.push_back(d + "/" + name);
  }
  for (const std::string& c : candidates) {
    std::string file = c;
    std::uint32_t id = 1;
    if (!readable(file) && !(split_resource_suffix(c, file, id) && readable(file))) continue;
    char* real = realpath(file.c_str(), nullptr);
    const std::string canonical = real ? real : file;
    std::free(real);
    return load_file(canonical, id, out);
  }
  return TYPE_E_CANTLOADLIBRARY;
}

HRESULT type_lib::members(std::uint32_t index) {
  HRESULT hr = members_[index].load(std::memory_order_acquire);
  if (hr != members_pending) return hr;
  std::lock_guard g(members_lock_);
  hr = members_[index].load(std::memory_order_relaxed);
  if (hr != members_pending) return hr;
  hr = reader_->members(index, data_.types[index]);
  members_[index].store(hr, std::memory_order_release);
  return hr;
}

HRESULT type_lib::image(std::vector<std::uint8_t>& out) const {
  try {
    if (reader_) {
      const auto bytes = reader_->image();
      out.assign(bytes.begin(), bytes.end());
    } else {
      out = tl::write_msft(data_);
    }
    return S_OK;
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  } catch (...) {
    return E_UNEXPECTED;
  }
}

HRESULT typelib_image(const type_lib& lib, std::vector<std::uint8_t>& out) { return lib.image(out); }

HRESULT type_lib::imported(std::uint32_t file, ITypeLib** out) {
  if (file >= data_.imports.size()) return TYPE_E_ELEMENTNOTFOUND;
  std::lock_guard g(imports_lock_);
  if (imports_.size() < data_.imports.size()) imports_.resize(data_.imports.size(), nullptr);
  if (!imports_[file]) {
    const tl::import_file& f = data_.imports[file];
    std::string name = tl::to_utf8(f.filename);
    if (path_.empty()) {
      // A library no file holds (a copy from another process, an embedded
      // one): its import names are not trusted to name files here. The
      // registered library first, else the bare name on the search path.
      if (SUCCEEDED(LoadRegTypeLib(f.guid, f.major, f.minor, f.lcid, &imports_[file]))) {
        *out = imports_[file];
        (*out)->AddRef();
        return S_OK;
      }
      imports_[file] = nullptr;
      if (const std::size_t slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
    }
    if (const HRESULT hr = load_typelib(name, path_.empty() ? std::string() : directory_of(path_), &imports_[file]); FAILED(hr))
      return hr;
  }
  *out = imports_[file];
  (*out)->AddRef();
  return S_OK;
}

// ---- type_info ---------------------------------------------------------------------

const tl::type_data& type_info::data() const { return lib_->data().types[index_]; }
std::uint32_t type_info::file_ptr() const { return lib_->data().syskind == SYS_WIN64 ? 8 : 4; }

HRESULT type_info::QueryInterface(REFIID riid, void** ppv) {
  if (!ppv) return E_POINTER;
  const IID* iid = nullable(&riid);
  if (iid && (IsEqualIID(*iid, IID_IUnknown) || IsEqualIID(*iid, IID_ITypeInfo) || IsEqualIID(*iid, IID_ITypeInfo2))) {
    *ppv = static_cast<ITypeInfo2*>(this);
    AddRef();
    return S_OK;
  }
  if (iid && IsEqualIID(*iid, IID_ITypeComp)) {
    *ppv = static_cast<ITypeComp*>(this);
    AddRef();
    return S_OK;
  }
  if (iid && IsEqualIID(*iid, IID_IMarshal))  // passed by value (typelib_marshal.cpp)
    return typelib_marshaler(static_cast<ITypeInfo2*>(this), *lib_, static_cast<std::int32_t>(index_), twin_, ppv);
  *ppv = nullptr;
  return E_NOINTERFACE;
}
ULONG type_info::AddRef() {
  const ULONG n = refs_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (n == 1) lib_->AddRef();
  return n;
}
ULONG type_info::Release() {
  const ULONG n = refs_.fetch_sub(1, std::memory_order_acq_rel) - 1;
  if (n == 0) lib_->Release();  // may destroy this view with its library
  return n;
}

HRESULT type_info::GetTypeAttr(TYPEATTR** out) {
  if (!out) return E_INVALIDARG;
  *out = nullptr;
  auto* b = new (std::nothrow) typeattr_block{};
  if (!b) return E_OUTOFMEMORY;
  const tl::type_data& t = data();
  TYPEATTR& a = b->attr;
  a.guid = t.guid;
  a.lcid = lib_->data().lcid;
  a.memidConstructor = MEMBERID_NIL;
  a.memidDestructor = MEMBERID_NIL;
  a.cbSizeInstance = t.size;
  a.typekind = t.kind;
  a.cFuncs = static_cast<WORD>(t.funcs.size());
  a.cVars = static_cast<WORD>(t.vars.size());
  a.cImplTypes = static_cast<WORD>(t.impls.size());
  a.cbSizeVft = t.size_vft;
  a.cbAlignment = t.alignment;
  a.wTypeFlags = t.flags;
  a.wMajorVerNum = t.major;
  a.wMinorVerNum = t.minor;
  const std::uint32_t ptr = file_ptr();
  const bool pointer_sized = t.kind == TKIND_INTERFACE || t.kind == TKIND_DISPATCH || t.kind == TKIND_COCLASS;
  if (pointer_sized) a.cbSizeInstance = sizeof(void*);
  if (t.kind == TKIND_INTERFACE || t.kind == TKIND_DISPATCH) a.cbAlignment = sizeof(void*);
  if (ptr != sizeof(void*)) a.cbSizeVft = static_cast<WORD>(t.size_vft / ptr * sizeof(void*));
  if (t.kind == TKIND_DISPATCH) {
    a.cImplTypes = 1;  // IDispatch
    if (dispatch_view()) {
      a.cFuncs = static_cast<WORD>(t.size_vft / ptr);
      a.wTypeFlags = static_cast<WORD>(t.flags & ~TYPEFLAG_FOLEAUTOMATION);
      a.cbSizeVft = 7 * sizeof(void*);
    } else if (twin_) {
      a.typekind = TKIND_INTERFACE;
    } else {
      a.cbSizeVft = 7 * sizeof(void*);
    }
  }
  if (t.kind == TKIND_ALIAS) {
    a.tdescAlias.vt = t.alias.vt;
    fill_typedesc(a.tdescAlias, t.alias, b->store, &file_href, 0);
    if (t.alias.vt == VT_PTR && ptr != sizeof(void*)) a.cbSizeInstance = a.cbAlignment = sizeof(void*);
  }
  *out = &b->attr;
  return S_OK;
}

HRESULT type_info::base_info(type_info** out) {
  *out = nullptr;
  const tl::type_data& t = data();
  if (t.impls.empty()) return TYPE_E_ELEMENTNOTFOUND;
  ITypeInfo* base = nullptr;
  if (const HRESULT hr = GetRefTypeInfo(file_href(t.impls[0].ref, 0) | interface_view_bit, &base); FAILED(hr)) return hr;
  // Every ITypeInfo this runtime hands out is a type_info.
  *out = static_cast<type_info*>(static_cast<ITypeInfo2*>(base));
  return S_OK;
}

HRESULT type_info::flatten(std::vector<flat_func>& out, std::uint32_t level) {
  type_info* base = nullptr;
  if (!data().impls.empty()) {
    if (const HRESULT hr = base_info(&base); FAILED(hr)) return hr;
    const HRESULT hr = base->flatten(out, level + 1);
    base->Release();
    if (FAILED(hr)) return hr;
  }
  for (std::uint32_t i = 0; i < data().funcs.size(); ++i) {
    AddRef();
    out.push_back({this, i, level});
  }
  return S_OK;
}

HRESULT type_info::make_funcdesc(const tl::func_data& f, std::uint32_t level, bool as_dispatch, FUNCDESC** out) const {
  auto* b = new (std::nothrow) funcdesc_block{};
  if (!b) return E_OUTOFMEMORY;
  FUNCDESC& d = b->desc;
  d.memid = f.memid;
  d.funckind = as_dispatch ? FUNC_DISPATCH : f.funckind;
  d.invkind = f.invkind;
  d.callconv = f.callconv;
  d.cParamsOpt = f.params_opt;
  d.oVft = static_cast<SHORT>(f.ovft / static_cast<int>(file_ptr()) * static_cast<int>(sizeof(void*)));
  d.wFuncFlags = f.flags;
  std::size_t count = f.params.size();
  const tl::type_desc* result = &f.result;
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < f.params.size(); ++i) kept.push_back(i);
  if (as_dispatch && f.funckind != FUNC_DISPATCH) {
    // The dispatch view of a vtable function: [lcid] goes, [retval] becomes
    // the result, and an HRESULT result becomes void.
    kept.clear();
    const tl::type_desc* retval = nullptr;
    for (std::size_t i = 0; i < f.params.size(); ++i) {
      const tl::param_data& p = f.params[i];
      if (p.flags & PARAMFLAG_FLCID) continue;
      if ((p.flags & PARAMFLAG_FRETVAL) && i + 1 == f.params.size() && p.type.vt == VT_PTR && p.type.inner) {
        retval = p.type.inner.get();
        continue;
      }
      kept.push_back(i);
    }
    static const tl::type_desc void_desc{VT_VOID, nullptr, {}, {}};
    if (retval) result = retval;
    else if (f.result.vt == VT_HRESULT) result = &void_desc;
    count = kept.size();
  }
  d.cParams = static_cast<SHORT>(count);
  fill_typedesc(d.elemdescFunc.tdesc, *result, b->store, &file_href, level);
  b->params.resize(count);
  b->defaults.resize(count);
  for (std::size_t k = 0; k < count; ++k) {
    const tl::param_data& p = f.params[kept[k]];
    ELEMDESC& e = b->params[k];
    fill_typedesc(e.tdesc, p.type, b->store, &file_href, level);
    e.paramdesc.wParamFlags = p.flags;
    if (p.flags & PARAMFLAG_FHASDEFAULT) {
      PARAMDESCEX& x = b->defaults[k];
      x.cBytes = sizeof(PARAMDESCEX);
      to_variant(p.default_value, &x.varDefaultValue);
      e.paramdesc.pparamdescex = &x;
    }
  }
  d.lprgelemdescParam = count ? b->params.data() : nullptr;
  *out = &b->desc;
  return S_OK;
}

HRESULT type_info::GetFuncDesc(UINT index, FUNCDESC** out) {
  if (!out) return E_INVALIDARG;
  *out = nullptr;
  if (dispatch_view()) {
    std::vector<flat_func> all;
    HRESULT hr = flatten(all, 0);
    if (SUCCEEDED(hr)) {
      if (index >= all.size()) hr = TYPE_E_ELEMENTNOTFOUND;
      else hr = all[index].owner->make_funcdesc(all[index].owner->data().funcs[all[index].index], all[index].level, true, out);
    }
    for (flat_func& f : all) f.owner->Release();
    return hr;
  }
  const tl::type_data& t = data();
  if (index >= t.funcs.size()) return TYPE_E_ELEMENTNOTFOUND;
  return make_funcdesc(t.funcs[index], 0, false, out);
}

HRESULT type_info::GetVarDesc(UINT index, VARDESC** out) {
  if (!out) return E_INVALIDARG;
  *out = nullptr;
  const tl::type_data& t = data();
  if (index >= t.vars.size()) return TYPE_E_ELEMENTNOTFOUND;
  const tl::var_data& v = t.vars[index];
  auto* b = new (std::nothrow) vardesc_block{};
  if (!b) return E_OUTOFMEMORY;
  VARDESC& d = b->desc;
  d.memid = v.memid;
  d.varkind = v.varkind;
  d.wVarFlags = v.flags;
  fill_typedesc(d.elemdescVar.tdesc, v.type, b->store, &file_href, 0);
  if (v.varkind == VAR_CONST) {
    to_variant(v.constant, &b->constant);
    d.lpvarValue = &b->constant;
  } else {
    d.oInst = v.offset;
  }
  *out = &b->desc;
  return S_OK;
}

const tl::func_data* type_info::find_func(MEMBERID memid, INVOKEKIND kind, std::uint32_t* index) const {
  const tl::type_data& t = data();
  for (std::uint32_t i = 0; i < t.funcs.size(); ++i)
    if (t.funcs[i].memid == memid && (kind == 0 || (t.funcs[i].invkind & kind))) {
      if (index) *index = i;
      return &t.funcs[i];
    }
  return nullptr;
}

HRESULT type_info::GetNames(MEMBERID memid, BSTR* names, UINT max, UINT* count) {
  if (!names || !count) return E_INVALIDARG;
  *count = 0;
  const tl::type_data& t = data();
  if (const tl::func_data* f = find_func(memid, static_cast<INVOKEKIND>(0), nullptr)) {
    // A property's accessors share the id: the one with the most named
    // parameters answers (propget's [retval] is named, propput's value is not).
    for (const tl::func_data& g : t.funcs)
      if (g.memid == memid && g.params.size() > f->params.size()) f = &g;
    std::vector<const std::u16string*> list{&f->d.name};
    for (const tl::param_data& p : f->params)
      if (!p.name.empty()) list.push_back(&p.name);
    UINT n = 0;
    for (; n < list.size() && n < max; ++n) names[n] = bstr_of(*list[n]);
    *count = n;
    return S_OK;
  }
  for (const tl::var_data& v : t.vars)
    if (v.memid == memid) {
      if (max) {
        names[0] = bstr_of(v.d.name);
        *count = 1;
      }
      return S_OK;
    }
  // An inherited member: ask the base.
  if ((t.kind == TKIND_INTERFACE || dispatch_view() || twin_) && !t.impls.empty()) {
    type_info* base = nullptr;
    if (SUCCEEDED(base_info(&base))) {
      const HRESULT hr = base->GetNames(memid, names, max, count);
      base->Release();
      return hr;
    }
  }
  return TYPE_E_ELEMENTNOTFOUND;
}

HRESULT type_info::GetRefTypeOfImplType(UINT index, HREFTYPE* out) {
  if (!out) return E_INVALIDARG;
  const tl::type_data& t = data();
  if (index == static_cast<UINT>(-1)) {
    if (!is_dual()) return TYPE_E_ELEMENTNOTFOUND;
    *out = dual_twin_href;
    return S_OK;
  }
  if (t.kind == TKIND_DISPATCH && !twin_) {
    if (index != 0) return TYPE_E_ELEMENTNOTFOUND;
    // IDispatch: this library's import of it, or its own (stdole2).
    const tl::library& lib = lib_->data();
    for (std::uint32_t i = 0; i < lib.imported_types.size(); ++i)
      if (lib.imported_types[i].guid == IID_IDispatch) return *out = file_href({tl::href::imported, i}, 0), S_OK;
    for (std::uint32_t i = 0; i < lib.types.size(); ++i)
      if (lib.types[i].guid == IID_IDispatch) return *out = file_href({tl::href::local, i}, 0), S_OK;
    return TYPE_E_ELEMENTNOTFOUND;
  }
  if (index >= t.impls.size()) return TYPE_E_ELEMENTNOTFOUND;
  *out = file_href(t.impls[index].ref, 0);
  if (t.kind == TKIND_INTERFACE || twin_) *out |= interface_view_bit;
  return S_OK;
}

HRESULT type_info::GetImplTypeFlags(UINT index, INT* out) {
  if (!out) return E_INVALIDARG;
  const tl::type_data& t = data();
  if (t.kind == TKIND_DISPATCH && !twin_) {
    if (index != 0) return TYPE_E_ELEMENTNOTFOUND;
    *out = 0;
    return S_OK;
  }
  if (index >= t.impls.size()) return TYPE_E_ELEMENTNOTFOUND;
  *out = t.kind == TKIND_COCLASS ? t.impls[index].flags : 0;
  return S_OK;
}

// The hash GetIDsOfNames' index uses: FNV-1a over the name with a-z folded
// to A-Z, the only folding same_name does, so equal names hash alike.
static std::uint32_t folded_hash(const char16_t* s, std::size_t n) {
  std::uint32_t h = 2166136261u;
  for (std::size_t i = 0; i < n; ++i) {
    char16_t c = s[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char16_t>(c - 32);
    h = (h ^ c) * 16777619u;
  }
  return h;
}

const type_info::name_index& type_info::names() const {
  if (const name_index* built = names_.load(std::memory_order_acquire)) return *built;
  auto* fresh = new name_index;
  const tl::type_data& t = data();
  fresh->funcs.reserve(t.funcs.size());
  for (std::uint32_t i = 0; i < t.funcs.size(); ++i)
    fresh->funcs.push_back({folded_hash(t.funcs[i].d.name.data(), t.funcs[i].d.name.size()), i});
  std::sort(fresh->funcs.begin(), fresh->funcs.end());  // by hash, then index: the first function of a name first
  // Racing builders: the first one published wins.
  const name_index* expected = nullptr;
  if (!names_.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel, std::memory_order_acquire)) {
    delete fresh;
    return *expected;
  }
  return *fresh;
}

type_info::~type_info() { delete names_.load(std::memory_order_relaxed); }

HRESULT type_info::GetIDsOfNames(LPOLESTR* names, UINT count, MEMBERID* ids) {
  if (!names || !ids || count == 0) return E_INVALIDARG;
  for (UINT i = 0; i < count; ++i) ids[i] = DISPID_UNKNOWN;
  if (!names[0]) return E_INVALIDARG;
  const tl::type_data& t = data();
  std::size_t length = 0;
  const auto* wanted = reinterpret_cast<const char16_t*>(names[0]);
  while (wanted[length]) ++length;
  const std::uint32_t hash = folded_hash(wanted, length);
  const name_index& index = this->names();
  for (auto it = std::lower_bound(index.funcs.begin(), index.funcs.end(), std::pair<std::uint32_t, std::uint32_t>{hash, 0});
       it != index.funcs.end() && it->first == hash; ++it) {
    const tl::func_data& f = t.funcs[it->second];
    if (!same_name(f.d.name, names[0])) continue;
    ids[0] = f.memid;
    HRESULT hr = S_OK;
    for (UINT n = 1; n < count; ++n) {
      bool found = false;
      for (std::size_t p = 0; p < f.params.size() && names[n]; ++p)
        if (same_name(f.params[p].name, names[n])) ids[n] = static_cast<MEMBERID>(p), found = true;
      if (!found) hr = DISP_E_UNKNOWNNAME;
    }
    return hr;
  }
  for (const tl::var_data& v : t.vars)
    if (same_name(v.d.name, names[0])) {
      ids[0] = v.memid;
      return count > 1 ? DISP_E_UNKNOWNNAME : S_OK;
    }
  // An interface's base; a coclass's first interface (as Windows looks a
  // coclass's members up: what CreateDispTypeInfo gives is a coclass).
  if ((t.kind == TKIND_INTERFACE || t.kind == TKIND_DISPATCH || t.kind == TKIND_COCLASS) && !t.impls.empty()) {
    type_info* base = nullptr;
    if (SUCCEEDED(base_info(&base))) {
      const HRESULT hr = base->GetIDsOfNames(names, count, ids);
      base->Release();
      return hr;
    }
  }
  return DISP_E_UNKNOWNNAME;
}

HRESULT type_info::GetDocumentation(MEMBERID memid, BSTR* name, BSTR* doc, DWORD* context, BSTR* helpfile) {
  const tl::type_data& t = data();
  if (memid == MEMBERID_NIL) return lib_->put_doc(t.d, name, doc, context, helpfile);
  if (const tl::func_data* f = find_func(memid, static_cast<INVOKEKIND>(0), nullptr)) return lib_->put_doc(f->d, name, doc, context, helpfile);
  for (const tl::var_data& v : t.vars)
    if (v.memid == memid) return lib_->put_doc(v.d, name, doc, context, helpfile);
  if (!t.impls.empty() && t.kind != TKIND_COCLASS) {
    type_info* base = nullptr;
    if (SUCCEEDED(base_info(&base))) {
      const HRESULT hr = base->GetDocumentation(memid, name, doc, context, helpfile);
      base->Release();
      return hr;
    }
  }
  return TYPE_E_ELEMENTNOTFOUND;
}

HRESULT type_info::GetDocumentation2(MEMBERID memid, LCID, BSTR* help, DWORD* context, BSTR* dll) {
  const tl::type_data& t = data();
  if (memid == MEMBERID_NIL) return lib_->put_doc2(t.d, help, context, dll);
  if (const tl::func_data* f = find_func(memid, static_cast<INVOKEKIND>(0), nullptr)) return lib_->put_doc2(f->d, help, context, dll);
  for (const tl::var_data& v : t.vars)
    if (v.memid == memid) return lib_->put_doc2(v.d, help, context, dll);
  return TYPE_E_ELEMENTNOTFOUND;
}

HRESULT type_info::GetDllEntry(MEMBERID memid, INVOKEKIND kind, BSTR* dll, BSTR* name, WORD* ordinal) {
  if (dll) *dll = nullptr;
  if (name) *name = nullptr;
  if (ordinal) *ordinal = 0;
  const tl::type_data& t = data();
  if (t.kind != TKIND_MODULE) return TYPE_E_BADMODULEKIND;
  const tl::func_data* f = find_func(memid, kind, nullptr);
  if (!f) return TYPE_E_ELEMENTNOTFOUND;
  if (dll && !t.dllname.empty()) *dll = bstr_of(t.dllname);
  if (!f->entry.empty()) {
    if (name) *name = bstr_of(f->entry);
  } else if (ordinal) {
    *ordinal = f->entry_ordinal;
  }
  return S_OK;
}

HRESULT type_info::AddressOfMember(MEMBERID memid, INVOKEKIND kind, PVOID* out) {
  if (!out) return E_INVALIDARG;
  *out = nullptr;
  const tl::type_data& t = data();
  if (t.kind != TKIND_MODULE) return TYPE_E_BADMODULEKIND;
  const tl::func_data* f = find_func(memid, kind, nullptr);
  if (!f) return TYPE_E_ELEMENTNOTFOUND;
  if (f->entry.empty()) return TYPE_E_DLLFUNCTIONNOTFOUND;  // ordinals name nothing in an ELF library
  void* module = dlopen(tl::to_utf8(t.dllname).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!module) return TYPE_E_CANTLOADLIBRARY;
  void* symbol = dlsym(module, tl::to_utf8(f->entry).c_str());
  // The module stays loaded: the address is handed out for good.
  if (!symbol) return TYPE_E_DLLFUNCTIONNOTFOUND;
  *out = symbol;
  return S_OK;
}

HRESULT type_info::CreateInstance(IUnknown* outer, REFIID riid, PVOID* out) {
  if (!out) return E_INVALIDARG;
  *out = nullptr;
  const tl::type_data& t = data();
  if (t.kind != TKIND_COCLASS) return TYPE_E_WRONGTYPEKIND;
  return CoCreateInstance(t.guid, outer, CLSCTX_SERVER, riid, out);
}

HRESULT type_info::GetRefTypeInfo(HREFTYPE href, ITypeInfo** out) {
  if (!out) return E_INVALIDARG;
  *out = nullptr;
  if (href == dual_twin_href) {
    if (!is_dual()) return TYPE_E_ELEMENTNOTFOUND;
    *out = lib_->info(index_, !twin_);
    (*out)->AddRef();
    return S_OK;
  }
  if (const std::uint32_t level = href >> 24; level != 0) {
    // A type an inherited function uses: resolve it in that base.
    type_info* at = this;
    at->AddRef();
    for (std::uint32_t i = 0; i < level; ++i) {
      type_info* next = nullptr;
      const HRESULT hr = at->base_info(&next);
      at->Release();
      if (FAILED(hr)) return hr;
      at = next;
    }
    const HRESULT hr = at->GetRefTypeInfo(href & 0x00FFFFFF, out);
    at->Release();
    return hr;
  }
  const bool want_interface = href & interface_view_bit;
  const tl::library& lib = lib_->data();
  ITypeInfo* found = nullptr;
  if (href & 1) {
    const std::uint32_t at = (href & ~3u) / impinfo_stride;
    if ((href & ~3u) % impinfo_stride || at >= lib.imported_types.size()) return TYPE_E_ELEMENTNOTFOUND;
    const tl::imported_type& it = lib.imported_types[at];
    ITypeLib* other = nullptr;
    if (const HRESULT hr = lib_->imported(it.file, &other); FAILED(hr)) return hr;
    const HRESULT hr = it.guid != GUID{} ? other->GetTypeInfoOfGuid(it.guid, &found) : other->GetTypeInfo(static_cast<UINT>(it.index), &found);
    other->Release();
    if (FAILED(hr)) return hr;
  } else {
    const std::uint32_t at = (href & ~3u) / typeinfo_stride;
    if ((href & ~3u) % typeinfo_stride || at >= lib.types.size()) return TYPE_E_ELEMENTNOTFOUND;
    if (const HRESULT hr = lib_->members(at); FAILED(hr)) return hr;
    found = lib_->info(at, false);
    found->AddRef();
  }
  auto* ti = static_cast<type_info*>(static_cast<ITypeInfo2*>(found));
  if (want_interface && ti->is_dual() && !ti->twin_) {
    *out = ti->lib_->info(ti->index_, true);
    (*out)->AddRef();
    found->Release();
    return S_OK;
  }
  *out = found;
  return S_OK;
}

HRESULT type_info::GetContainingTypeLib(ITypeLib** lib, UINT* index) {
  if (lib) {
    *lib = lib_;
    lib_->AddRef();
  }
  if (index) *index = index_;
  return S_OK;
}

HRESULT type_info::GetTypeKind(TYPEKIND* out) {
  if (!out) return E_INVALIDARG;
  *out = twin_ ? TKIND_INTERFACE : data().kind;
  return S_OK;
}

HRESULT type_info::GetTypeFlags(ULONG* out) {
  if (!out) return E_INVALIDARG;
  *out = dispatch_view() ? (data().flags & ~TYPEFLAG_FOLEAUTOMATION) : data().flags;
  return S_OK;
}

HRESULT type_info::GetFuncIndexOfMemId(MEMBERID memid, INVOKEKIND kind, UINT* out) {
  if (!out) return E_INVALIDARG;
  std::uint32_t index = 0;
  if (!find_func(memid, kind, &index)) return TYPE_E_ELEMENTNOTFOUND;
  *out = index;
  return S_OK;
}

HRESULT type_info::GetVarIndexOfMemId(MEMBERID memid, UINT* out) {
  if (!out) return E_INVALIDARG;
  const tl::type_data& t = data();
  for (UINT i = 0; i < t.vars.size(); ++i)
    if (t.vars[i].memid == memid) return *out = i, S_OK;
  return TYPE_E_ELEMENTNOTFOUND;
}

}  // namespace comkit::rt

// ---- the C API -----------------------------------------------------------------------

using comkit::rt::load_typelib;

namespace comkit::rt {
namespace {

std::string utf8_bstr(BSTR b) { return comkit::detail::utf8_of(reinterpret_cast<const char16_t*>(b), SysStringLen(b)); }

// PSDispatch and PSOAInterface: the proxy/stub classes Windows registers
// for dispinterfaces and for [oleautomation]/[dual] interfaces.
constexpr GUID clsid_ps_dispatch = {0x00020420, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
constexpr GUID clsid_ps_oa_interface = {0x00020424, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};

HRESULT register_typelib(ITypeLib* lib, const std::string& full_path, const std::string& help_dir, DWORD scope) {
  if (!lib) return E_INVALIDARG;
  registered_typelib entry;
  entry.path = full_path;
  if (entry.path.empty()) return E_INVALIDARG;
  if (entry.path.front() != '/') {  // Windows takes a relative path; it is kept as the absolute one it names now
    char* cwd = ::getcwd(nullptr, 0);
    if (!cwd) return E_INVALIDARG;
    entry.path = std::string(cwd) + "/" + entry.path;
    std::free(cwd);
  }
  entry.helpdir = help_dir;
  TLIBATTR* attr = nullptr;
  if (const HRESULT hr = lib->GetLibAttr(&attr); FAILED(hr)) return hr;
  entry.libid = attr->guid;
  entry.major = attr->wMajorVerNum;
  entry.minor = attr->wMinorVerNum;
  entry.lcid = attr->lcid;
  entry.syskind = attr->syskind == SYS_WIN32 ? 1 : 3;
  entry.flags = attr->wLibFlags & ~LIBFLAG_FHASDISKIMAGE;
  lib->ReleaseTLibAttr(attr);
  // The registered name is the library's doc string, else its name, as on
  // Windows.
  BSTR lib_name = nullptr, doc = nullptr;
  if (SUCCEEDED(lib->GetDocumentation(-1, &lib_name, &doc, nullptr, nullptr))) entry.name = utf8_bstr(doc && *doc ? doc : lib_name);
  SysFreeString(lib_name);
  SysFreeString(doc);
  // The interfaces automation marshals: dispinterfaces and duals, and
  // [oleautomation] interfaces.
  std::vector<registered_interface> interfaces;
  for (UINT i = 0; i < lib->GetTypeInfoCount(); ++i) {
    ITypeInfo* ti = nullptr;
    if (FAILED(lib->GetTypeInfo(i, &ti))) continue;
    TYPEATTR* a = nullptr;
    if (SUCCEEDED(ti->GetTypeAttr(&a))) {
      const bool dispatch = a->typekind == TKIND_DISPATCH;
      const bool automation = a->typekind == TKIND_INTERFACE && (a->wTypeFlags & (TYPEFLAG_FOLEAUTOMATION | TYPEFLAG_FDUAL));
      if (dispatch || automation) {
        registered_interface r;
        r.iid = a->guid;
        r.proxy_stub = dispatch && !(a->wTypeFlags & TYPEFLAG_FDUAL) ? clsid_ps_dispatch : clsid_ps_oa_interface;
        r.typelib = entry.libid;
        r.typelib_major = entry.major;
        r.typelib_minor = entry.minor;
        BSTR name = nullptr;
        if (SUCCEEDED(ti->GetDocumentation(MEMBERID_NIL, &name, nullptr, nullptr, nullptr))) r.name = utf8_bstr(name);
        SysFreeString(name);
        interfaces.push_back(std::move(r));
      }
      ti->ReleaseTypeAttr(a);
    }
    ti->Release();
  }
  const HRESULT hr = registry_write_typelib(entry, interfaces, scope);
  return FAILED(hr) && hr != E_INVALIDARG && hr != E_OUTOFMEMORY ? TYPE_E_REGISTRYACCESS : hr;
}

HRESULT unregister_typelib(const GUID* libid, WORD major, WORD minor, LCID lcid, SYSKIND syskind, DWORD scope) {
  if (!libid) return E_INVALIDARG;
  const HRESULT hr = registry_remove_typelib(*libid, major, minor, lcid, syskind == SYS_WIN32 ? 1 : 3, scope);
  if (hr == S_FALSE) return TYPE_E_REGISTRYACCESS;  // nothing registered there
  return FAILED(hr) ? TYPE_E_REGISTRYACCESS : S_OK;
}

// The registered path of libid: the same major version, the requested
// minor or else the nearest higher one; the lcid itself, else its primary
// language, else LANG_NEUTRAL (0); this process's syskind preferred.
HRESULT query_path(const GUID& libid, WORD major, WORD minor, LCID lcid, std::string& path) {
  const registry_view reg;
  const registered_typelib* best = nullptr;
  auto rank_lcid = [&](std::uint32_t l) { return l == lcid ? 0 : l == (lcid & 0x3FF) ? 1 : l == 0 ? 2 : 3; };
  for (const registered_typelib& t : reg->typelibs()) {
    if (t.libid != libid || t.major != major || t.minor < minor || rank_lcid(t.lcid) == 3) continue;
    if (!best) {
      best = &t;
      continue;
    }
    // Closer minor first, then the better lcid, then win64.
    if (t.minor != best->minor) {
      if (t.minor < best->minor) best = &t;
    } else if (rank_lcid(t.lcid) != rank_lcid(best->lcid)) {
      if (rank_lcid(t.lcid) < rank_lcid(best->lcid)) best = &t;
    } else if (t.syskind == 3 && best->syskind != 3) {
      best = &t;
    }
  }
  if (!best) return TYPE_E_LIBNOTREGISTERED;
  path = best->path;
  return S_OK;
}

}  // namespace
}  // namespace comkit::rt

COMKIT_STDAPI LoadTypeLibEx(LPCOLESTR file, REGKIND kind, ITypeLib** out) {
  if (!file || !out) return E_INVALIDARG;
  *out = nullptr;
  if (kind != REGKIND_DEFAULT && kind != REGKIND_REGISTER && kind != REGKIND_NONE) return E_INVALIDARG;
  const std::string path = comkit::rt::utf8_path(file);
  if (path.empty()) return TYPE_E_CANTLOADLIBRARY;
  HRESULT hr = load_typelib(path, std::string(), out);
  if (SUCCEEDED(hr) && kind == REGKIND_REGISTER) {
    // Registered under the file's full path, whatever name found it.
    char* real = realpath(path.c_str(), nullptr);
    std::string full = real ? real : path;
    std::free(real);
    if (full.front() != '/') {
      char cwd[PATH_MAX];
      if (getcwd(cwd, sizeof cwd)) full = std::string(cwd) + "/" + full;
    }
    hr = comkit::rt::register_typelib(*out, full, std::string(), COMKIT_REGISTER_DEFAULT);
    if (FAILED(hr)) {
      (*out)->Release();
      *out = nullptr;
    }
  }
  return hr;
}

COMKIT_STDAPI RegisterTypeLib(ITypeLib* ptlib, LPCOLESTR szFullPath, LPCOLESTR szHelpDir) {
  if (!ptlib || !szFullPath) return E_INVALIDARG;
  return comkit::rt::register_typelib(ptlib, comkit::rt::utf8_path(szFullPath), szHelpDir ? comkit::rt::utf8_path(szHelpDir) : std::string(),
                                      COMKIT_REGISTER_DEFAULT);
}

COMKIT_STDAPI RegisterTypeLibForUser(ITypeLib* ptlib, OLECHAR* szFullPath, OLECHAR* szHelpDir) {
  if (!ptlib || !szFullPath) return E_INVALIDARG;
  return comkit::rt::register_typelib(ptlib, comkit::rt::utf8_path(szFullPath), szHelpDir ? comkit::rt::utf8_path(szHelpDir) : std::string(),
                                      COMKIT_REGISTER_USER);
}

COMKIT_STDAPI UnRegisterTypeLib(REFGUID libID, WORD wVerMajor, WORD wVerMinor, LCID lcid, SYSKIND syskind) {
  return comkit::rt::unregister_typelib(comkit::rt::nullable(&libID), wVerMajor, wVerMinor, lcid, syskind, COMKIT_REGISTER_DEFAULT);
}

COMKIT_STDAPI UnRegisterTypeLibForUser(REFGUID libID, WORD wVerMajor, WORD wVerMinor, LCID lcid, SYSKIND syskind) {
  return comkit::rt::unregister_typelib(comkit::rt::nullable(&libID), wVerMajor, wVerMinor, lcid, syskind, COMKIT_REGISTER_USER);
}

COMKIT_STDAPI QueryPathOfRegTypeLib(REFGUID guid, USHORT wMaj, USHORT wMin, LCID lcid, LPBSTR lpbstrPathName) {
  const GUID* libid = comkit::rt::nullable(&guid);
  if (!libid || !lpbstrPathName) return E_INVALIDARG;
  *lpbstrPathName = nullptr;
  std::string path;
  if (const HRESULT hr = comkit::rt::query_path(*libid, wMaj, wMin, lcid, path); FAILED(hr)) return hr;
  const std::u16string wide = comkit::detail::utf16_of(path);
  *lpbstrPathName = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(wide.data()), static_cast<UINT>(wide.size()));
  return *lpbstrPathName ? S_OK : E_OUTOFMEMORY;
}

COMKIT_STDAPI LoadRegTypeLib(REFGUID rguid, WORD wVerMajor, WORD wVerMinor, LCID lcid, ITypeLib** pptlib) {
  const GUID* libid = comkit::rt::nullable(&rguid);
  if (!libid || !pptlib) return E_INVALIDARG;
  *pptlib = nullptr;
  std::string path;
  if (const HRESULT hr = comkit::rt::query_path(*libid, wVerMajor, wVerMinor, lcid, path); FAILED(hr)) return hr;
  return load_typelib(path, std::string(), pptlib);
}

COMKIT_STDAPI LoadTypeLib(LPCOLESTR file, ITypeLib** out) { return LoadTypeLibEx(file, REGKIND_DEFAULT, out); }

COMKIT_STDAPI_(ULONG) LHashValOfNameSysA(SYSKIND syskind, LCID lcid, LPCSTR name) {
  return comkit::typelib::lhash_name(syskind, lcid, name);
}

COMKIT_STDAPI_(ULONG) LHashValOfNameSys(SYSKIND syskind, LCID lcid, LPCOLESTR name) {
  if (!name) return 0;
  std::u16string s;
  for (const OLECHAR* p = name; *p; ++p) s += static_cast<char16_t>(*p);
  return comkit::typelib::lhash_name(syskind, lcid, comkit::typelib::to_utf8(s).c_str());
}

COMKIT_STDAPI_(void) ClearCustData(CUSTDATA* data) {
  if (!data) return;
  for (DWORD i = 0; i < data->cCustData; ++i) VariantClear(&data->prgCustData[i].varValue);
  CoTaskMemFree(data->prgCustData);
  data->cCustData = 0;
  data->prgCustData = nullptr;
}

COMKIT_STDAPI ComkitLoadTypeLibFromMemory(const void* image, SIZE_T size, ITypeLib** out) {
  if (!out) return E_POINTER;
  *out = nullptr;
  if (!image && size) return E_INVALIDARG;
  const std::span bytes(static_cast<const std::uint8_t*>(image), size);
  if (!comkit::typelib::looks_like_msft(bytes)) return TYPE_E_CANTLOADLIBRARY;
  comkit::rt::type_lib* lib = nullptr;
  HRESULT hr = E_OUTOFMEMORY;
  try {
    hr = comkit::rt::make_typelib(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), std::string(), &lib);
  } catch (const std::bad_alloc&) {
  }
  *out = lib;
  return hr;
}

COMKIT_STDAPI ComkitGetTypeInfoOfGuid(REFGUID guid, const void* section, SIZE_T size, ITypeInfo** out) {
  namespace tl = comkit::typelib;
  const GUID* wanted = comkit::rt::nullable(&guid);
  if (!out) return E_POINTER;
  *out = nullptr;
  if (!wanted || (!section && size)) return E_INVALIDARG;
  // The module's own libraries first, in section order.
  if (section && size) {
    const auto entries = tl::embedded_entries(std::span(static_cast<const std::uint8_t*>(section), size));
    if (!entries) return TYPE_E_CANTLOADLIBRARY;
    for (const tl::embedded_entry& e : *entries) {
      ITypeLib* lib = nullptr;
      if (FAILED(ComkitLoadTypeLibFromMemory(e.image.data(), e.image.size(), &lib))) continue;
      const HRESULT hr = lib->GetTypeInfoOfGuid(*wanted, out);
      lib->Release();
      if (SUCCEEDED(hr)) return hr;
    }
  }
  // Then the library the registry names for the interface.
  GUID libid{};
  WORD major = 0, minor = 0;
  {
    const comkit::rt::registry_view reg;
    const comkit::rt::registered_interface* r = reg->find_interface(*wanted);
    if (!r || r->typelib == GUID{}) return TYPE_E_ELEMENTNOTFOUND;
    libid = r->typelib;
    major = r->typelib_major;
    minor = r->typelib_minor;
  }
  ITypeLib* lib = nullptr;
  if (const HRESULT hr = LoadRegTypeLib(libid, major, minor, 0, &lib); FAILED(hr)) return hr;
  const HRESULT hr = lib->GetTypeInfoOfGuid(*wanted, out);
  lib->Release();
  return hr;
}
