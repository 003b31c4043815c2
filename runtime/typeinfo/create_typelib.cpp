// runtime/typeinfo/create_typelib.cpp - CreateTypeLib2: ICreateTypeLib2
// and ICreateTypeInfo2 build a type library call by call into the plain
// data of typelib_data.h (what the IDL compiler builds from IDL), and
// SaveAllChanges writes it with the one MSFT writer (write_msft).
//
// The library object also answers ITypeLib2, and each type info being built
// answers ITypeInfo2 (Windows' do too: AddRefTypeInfo takes the ITypeInfo of
// a type of the same library). Those read a snapshot: an ordinary ITypeLib
// over a copy of the data (typelib_from_data), made again on the first read
// after a change. What the snapshot allocates (TYPEATTR, FUNCDESC ...) is a
// plain heap block any snapshot frees, so a description taken before a
// change is released correctly after it.
//
// HREFTYPEs are the loader's (typeinfo_internal.h): a type of this library
// is index * typeinfo_stride, an imported type (index * impinfo_stride) | 1,
// so a handle AddRefTypeInfo gives means the same in the snapshot. (The
// saved file numbers its imports in the order they are used: a loaded
// library's import handles may differ, but name the same types.)
//
// Lifetimes: the library owns its type infos. Each info counts its own
// references, as Windows' do, and holds one reference on the library while
// it has any. One mutex guards everything a creator touches: a creator is
// meant for one thread at a time, and sharing one is safe.
//
// Layout: LayOut (or SaveAllChanges) computes vtable offsets, memids and
// record layouts; any change to the library marks every type to be laid
// out again, since a type's layout depends on its bases' and fields'.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include <objbase.h>
#include <oleauto.h>

#include <comkit/detail/utf.h>

#include "runtime_internal.h"
#include "typeinfo_internal.h"
#include "typelib_data.h"

namespace comkit::rt {
namespace {

namespace tl = comkit::typelib;

// The private IID by which a creator recognises its own type infos (never
// answered by other objects).
constexpr GUID iid_create_info = {0x5c0e3a91, 0x7b2d, 0x4f61, {0x9e, 0x04, 0x63, 0x6f, 0x6d, 0x6b, 0x69, 0x74}};

constexpr int max_typedesc_depth = 32;

std::u16string text(const OLECHAR* s) { return s ? std::u16string(reinterpret_cast<const char16_t*>(s)) : std::u16string(); }

bool same(const std::u16string& a, const std::u16string& b) {
  return a.size() == b.size() && same_name(a, reinterpret_cast<const OLECHAR*>(b.c_str()));
}

// A VARIANT as a stored constant: the kinds a type library keeps.
HRESULT value_of(const VARIANT* v, tl::value& out) {
  if (!v) return E_INVALIDARG;
  out = tl::value{};
  out.vt = V_VT(v);
  switch (V_VT(v)) {
    case VT_I1: out.i = V_I1(v); return S_OK;
    case VT_UI1: out.i = V_UI1(v); return S_OK;
    case VT_I2: out.i = V_I2(v); return S_OK;
    case VT_UI2: out.i = V_UI2(v); return S_OK;
    case VT_BOOL: out.i = V_BOOL(v); return S_OK;
    case VT_I4: out.i = V_I4(v); return S_OK;
    case VT_UI4: out.i = V_UI4(v); return S_OK;
    case VT_INT: out.i = V_INT(v); return S_OK;
    case VT_UINT: out.i = V_UINT(v); return S_OK;
    case VT_ERROR: out.i = V_ERROR(v); return S_OK;
    case VT_HRESULT: out.i = V_I4(v); return S_OK;
    case VT_I8: out.i = V_I8(v); return S_OK;
    case VT_UI8: out.i = static_cast<std::int64_t>(V_UI8(v)); return S_OK;
    case VT_CY: out.i = V_CY(v).int64; return S_OK;
    case VT_R4: out.r = V_R4(v); return S_OK;
    case VT_R8: out.r = V_R8(v); return S_OK;
    case VT_DATE: out.r = V_DATE(v); return S_OK;
    case VT_BSTR:
      if (V_BSTR(v)) out.s.assign(reinterpret_cast<const char16_t*>(V_BSTR(v)), SysStringLen(V_BSTR(v)));
      return S_OK;
    default: return DISP_E_BADVARTYPE;  // VT_EMPTY and VT_NULL too: nothing a library stores
  }
}

void set_cust(tl::cust_data& items, const GUID& guid, const tl::value& v) {
  for (tl::cust_item& c : items)
    if (c.guid == guid) {
      c.val = v;
      return;
    }
  items.push_back({guid, v});
}

class create_lib;

// One type info being built.
class create_info final : public ICreateTypeInfo2, public ITypeInfo2 {
 public:
  create_info(create_lib* lib, std::uint32_t index, TYPEKIND created) : lib_(lib), index_(index), created_(created) {}
  create_info(const create_info&) = delete;
  create_info& operator=(const create_info&) = delete;

  // IUnknown (both interfaces): the library's count.
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override;
  ULONG STDMETHODCALLTYPE AddRef() override;
  ULONG STDMETHODCALLTYPE Release() override;

  // ICreateTypeInfo
  HRESULT STDMETHODCALLTYPE SetGuid(REFGUID guid) override;
  HRESULT STDMETHODCALLTYPE SetTypeFlags(UINT flags) override;
  HRESULT STDMETHODCALLTYPE SetDocString(LPOLESTR doc) override;
  HRESULT STDMETHODCALLTYPE SetHelpContext(DWORD context) override;
  HRESULT STDMETHODCALLTYPE SetVersion(WORD major, WORD minor) override;
  HRESULT STDMETHODCALLTYPE AddRefTypeInfo(ITypeInfo* info, HREFTYPE* href) override;
  HRESULT STDMETHODCALLTYPE AddFuncDesc(UINT index, FUNCDESC* desc) override;
  HRESULT STDMETHODCALLTYPE AddImplType(UINT index, HREFTYPE href) override;
  HRESULT STDMETHODCALLTYPE SetImplTypeFlags(UINT index, INT flags) override;
  HRESULT STDMETHODCALLTYPE SetAlignment(WORD alignment) override;
  HRESULT STDMETHODCALLTYPE SetSchema(LPOLESTR) override { return S_OK; }  // not stored (nor by Windows' format)
  HRESULT STDMETHODCALLTYPE AddVarDesc(UINT index, VARDESC* desc) override;
  HRESULT STDMETHODCALLTYPE SetFuncAndParamNames(UINT index, LPOLESTR* names, UINT count) override;
  HRESULT STDMETHODCALLTYPE SetVarName(UINT index, LPOLESTR name) override;
  HRESULT STDMETHODCALLTYPE SetTypeDescAlias(TYPEDESC* alias) override;
  HRESULT STDMETHODCALLTYPE DefineFuncAsDllEntry(UINT index, LPOLESTR dll, LPOLESTR proc) override;
  HRESULT STDMETHODCALLTYPE SetFuncDocString(UINT index, LPOLESTR doc) override;
  HRESULT STDMETHODCALLTYPE SetVarDocString(UINT index, LPOLESTR doc) override;
  HRESULT STDMETHODCALLTYPE SetFuncHelpContext(UINT index, DWORD context) override;
  HRESULT STDMETHODCALLTYPE SetVarHelpContext(UINT index, DWORD context) override;
  HRESULT STDMETHODCALLTYPE SetMops(UINT, BSTR) override { return S_OK; }  // not stored (nor by Windows' format)
  HRESULT STDMETHODCALLTYPE SetTypeIdldesc(IDLDESC*) override { return S_OK; }  // not stored
  HRESULT STDMETHODCALLTYPE LayOut() override;
  // ICreateTypeInfo2
  HRESULT STDMETHODCALLTYPE DeleteFuncDesc(UINT index) override;
  HRESULT STDMETHODCALLTYPE DeleteFuncDescByMemId(MEMBERID memid, INVOKEKIND kind) override;
  HRESULT STDMETHODCALLTYPE DeleteVarDesc(UINT index) override;
  HRESULT STDMETHODCALLTYPE DeleteVarDescByMemId(MEMBERID memid) override;
  HRESULT STDMETHODCALLTYPE DeleteImplType(UINT index) override;
  HRESULT STDMETHODCALLTYPE SetCustData(REFGUID guid, VARIANT* value) override;
  HRESULT STDMETHODCALLTYPE SetFuncCustData(UINT index, REFGUID guid, VARIANT* value) override;
  HRESULT STDMETHODCALLTYPE SetParamCustData(UINT func, UINT param, REFGUID guid, VARIANT* value) override;
  HRESULT STDMETHODCALLTYPE SetVarCustData(UINT index, REFGUID guid, VARIANT* value) override;
  // The MSFT format comkit reads and writes keeps no custom data on impl types.
  HRESULT STDMETHODCALLTYPE SetImplTypeCustData(UINT index, REFGUID guid, VARIANT* value) override;
  HRESULT STDMETHODCALLTYPE SetHelpStringContext(ULONG context) override;
  HRESULT STDMETHODCALLTYPE SetFuncHelpStringContext(UINT index, ULONG context) override;
  HRESULT STDMETHODCALLTYPE SetVarHelpStringContext(UINT index, ULONG context) override;
  HRESULT STDMETHODCALLTYPE Invalidate() override { return E_NOTIMPL; }  // "reserved for future use" (docs/typelib.md)
  HRESULT STDMETHODCALLTYPE SetName(LPOLESTR name) override;

  // ITypeInfo2, over the snapshot's type info of the same index.
#define COMKIT_SNAPSHOT(call)                                      \
  ITypeInfo2* s = nullptr;                                         \
  if (const HRESULT hr_ = snapshot(&s); FAILED(hr_)) return hr_;   \
  const HRESULT r_ = s->call;                                      \
  s->Release();                                                    \
  return r_;
  HRESULT STDMETHODCALLTYPE GetTypeAttr(TYPEATTR** out) override { COMKIT_SNAPSHOT(GetTypeAttr(out)) }
  HRESULT STDMETHODCALLTYPE GetTypeComp(ITypeComp** out) override { return make_typeinfo_comp(this, out); }
  HRESULT STDMETHODCALLTYPE GetFuncDesc(UINT i, FUNCDESC** out) override { COMKIT_SNAPSHOT(GetFuncDesc(i, out)) }
  HRESULT STDMETHODCALLTYPE GetVarDesc(UINT i, VARDESC** out) override { COMKIT_SNAPSHOT(GetVarDesc(i, out)) }
  HRESULT STDMETHODCALLTYPE GetNames(MEMBERID m, BSTR* n, UINT max, UINT* c) override { COMKIT_SNAPSHOT(GetNames(m, n, max, c)) }
  HRESULT STDMETHODCALLTYPE GetRefTypeOfImplType(UINT i, HREFTYPE* out) override { COMKIT_SNAPSHOT(GetRefTypeOfImplType(i, out)) }
  HRESULT STDMETHODCALLTYPE GetImplTypeFlags(UINT i, INT* out) override { COMKIT_SNAPSHOT(GetImplTypeFlags(i, out)) }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(LPOLESTR* n, UINT c, MEMBERID* ids) override { COMKIT_SNAPSHOT(GetIDsOfNames(n, c, ids)) }
  HRESULT STDMETHODCALLTYPE Invoke(PVOID p, MEMBERID m, WORD f, DISPPARAMS* d, VARIANT* r, EXCEPINFO* e, UINT* a) override {
    COMKIT_SNAPSHOT(Invoke(p, m, f, d, r, e, a))
  }
  HRESULT STDMETHODCALLTYPE GetDocumentation(MEMBERID m, BSTR* n, BSTR* d, DWORD* c, BSTR* h) override {
    COMKIT_SNAPSHOT(GetDocumentation(m, n, d, c, h))
  }
  HRESULT STDMETHODCALLTYPE GetDllEntry(MEMBERID m, INVOKEKIND k, BSTR* d, BSTR* n, WORD* o) override {
    COMKIT_SNAPSHOT(GetDllEntry(m, k, d, n, o))
  }
  HRESULT STDMETHODCALLTYPE GetRefTypeInfo(HREFTYPE href, ITypeInfo** out) override;
  HRESULT STDMETHODCALLTYPE AddressOfMember(MEMBERID m, INVOKEKIND k, PVOID* out) override { COMKIT_SNAPSHOT(AddressOfMember(m, k, out)) }
  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown* o, REFIID riid, PVOID* out) override { COMKIT_SNAPSHOT(CreateInstance(o, riid, out)) }
  HRESULT STDMETHODCALLTYPE GetMops(MEMBERID m, BSTR* out) override { COMKIT_SNAPSHOT(GetMops(m, out)) }
  HRESULT STDMETHODCALLTYPE GetContainingTypeLib(ITypeLib** lib, UINT* index) override;
  // The snapshot's blocks, freed without it (a newer snapshot may stand now).
  void STDMETHODCALLTYPE ReleaseTypeAttr(TYPEATTR* p) override { release_typeattr(p); }
  void STDMETHODCALLTYPE ReleaseFuncDesc(FUNCDESC* p) override { release_funcdesc(p); }
  void STDMETHODCALLTYPE ReleaseVarDesc(VARDESC* p) override { release_vardesc(p); }
  HRESULT STDMETHODCALLTYPE GetTypeKind(TYPEKIND* out) override { COMKIT_SNAPSHOT(GetTypeKind(out)) }
  HRESULT STDMETHODCALLTYPE GetTypeFlags(ULONG* out) override { COMKIT_SNAPSHOT(GetTypeFlags(out)) }
  HRESULT STDMETHODCALLTYPE GetFuncIndexOfMemId(MEMBERID m, INVOKEKIND k, UINT* out) override { COMKIT_SNAPSHOT(GetFuncIndexOfMemId(m, k, out)) }
  HRESULT STDMETHODCALLTYPE GetVarIndexOfMemId(MEMBERID m, UINT* out) override { COMKIT_SNAPSHOT(GetVarIndexOfMemId(m, out)) }
  HRESULT STDMETHODCALLTYPE GetCustData(REFGUID g, VARIANT* out) override { COMKIT_SNAPSHOT(GetCustData(g, out)) }
  HRESULT STDMETHODCALLTYPE GetFuncCustData(UINT i, REFGUID g, VARIANT* out) override { COMKIT_SNAPSHOT(GetFuncCustData(i, g, out)) }
  HRESULT STDMETHODCALLTYPE GetParamCustData(UINT f, UINT p, REFGUID g, VARIANT* out) override { COMKIT_SNAPSHOT(GetParamCustData(f, p, g, out)) }
  HRESULT STDMETHODCALLTYPE GetVarCustData(UINT i, REFGUID g, VARIANT* out) override { COMKIT_SNAPSHOT(GetVarCustData(i, g, out)) }
  HRESULT STDMETHODCALLTYPE GetImplTypeCustData(UINT i, REFGUID g, VARIANT* out) override { COMKIT_SNAPSHOT(GetImplTypeCustData(i, g, out)) }
  HRESULT STDMETHODCALLTYPE GetDocumentation2(MEMBERID m, LCID l, BSTR* h, DWORD* c, BSTR* d) override {
    COMKIT_SNAPSHOT(GetDocumentation2(m, l, h, c, d))
  }
  HRESULT STDMETHODCALLTYPE GetAllCustData(CUSTDATA* out) override { COMKIT_SNAPSHOT(GetAllCustData(out)) }
  HRESULT STDMETHODCALLTYPE GetAllFuncCustData(UINT i, CUSTDATA* out) override { COMKIT_SNAPSHOT(GetAllFuncCustData(i, out)) }
  HRESULT STDMETHODCALLTYPE GetAllParamCustData(UINT f, UINT p, CUSTDATA* out) override { COMKIT_SNAPSHOT(GetAllParamCustData(f, p, out)) }
  HRESULT STDMETHODCALLTYPE GetAllVarCustData(UINT i, CUSTDATA* out) override { COMKIT_SNAPSHOT(GetAllVarCustData(i, out)) }
  HRESULT STDMETHODCALLTYPE GetAllImplTypeCustData(UINT i, CUSTDATA* out) override { COMKIT_SNAPSHOT(GetAllImplTypeCustData(i, out)) }
#undef COMKIT_SNAPSHOT

  create_lib* owner() const { return lib_; }
  std::uint32_t index() const { return index_; }
  // Under the library's lock: whether anyone holds this info, and its new
  // index once an earlier type was deleted.
  bool held() const { return refs_.load(std::memory_order_acquire) != 0; }
  void renumber(std::uint32_t index) { index_ = index; }
  TYPEKIND created_kind() const { return created_; }
  bool laid_out = false;  // guarded by the library's lock
  bool fixed = false;     // made by CreateDispTypeInfo: never laid out again

 private:
  HRESULT snapshot(ITypeInfo2** out);
  // Runs f(type) under the library's lock and marks the library changed.
  template <typename F>
  HRESULT change(F f);

  std::atomic<ULONG> refs_{0};
  create_lib* lib_;
  std::uint32_t index_;
  TYPEKIND created_;  // as CreateTypeInfo made it (a dual interface is stored as TKIND_DISPATCH)
};

// The library being built.
class create_lib final : public ICreateTypeLib2, public ITypeLib2 {
 public:
  create_lib(SYSKIND syskind, std::string path) : path_(std::move(path)) { lib_.syskind = syskind; }
  ~create_lib() {
    if (snapshot_) snapshot_->Release();
  }
  create_lib(const create_lib&) = delete;
  create_lib& operator=(const create_lib&) = delete;

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    *ppv = nullptr;
    const IID* iid = nullable(&riid);
    if (!iid) return E_NOINTERFACE;
    if (IsEqualIID(*iid, IID_IUnknown) || IsEqualIID(*iid, IID_ICreateTypeLib) || IsEqualIID(*iid, IID_ICreateTypeLib2))
      *ppv = static_cast<ICreateTypeLib2*>(this);
    else if (IsEqualIID(*iid, IID_ITypeLib) || IsEqualIID(*iid, IID_ITypeLib2))
      *ppv = static_cast<ITypeLib2*>(this);
    else
      return E_NOINTERFACE;
    AddRef();
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return refs_.fetch_add(1, std::memory_order_relaxed) + 1; }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG left = refs_.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if (left == 0) delete this;
    return left;
  }

  // ICreateTypeLib
  HRESULT STDMETHODCALLTYPE CreateTypeInfo(LPOLESTR name, TYPEKIND kind, ICreateTypeInfo** out) override {
    if (!out) return E_INVALIDARG;
    *out = nullptr;
    if (!name || !*name || kind < TKIND_ENUM || kind >= TKIND_MAX) return E_INVALIDARG;
    std::lock_guard g(lock_);
    const std::u16string n = text(name);
    for (const tl::type_data& t : lib_.types)
      if (same(t.d.name, n)) return TYPE_E_NAMECONFLICT;
    try {
      tl::type_data t;
      t.d.name = n;
      t.kind = kind;
      const auto ptr = pointer_size();
      switch (kind) {
        case TKIND_INTERFACE:
          t.size = ptr;
          t.alignment = static_cast<WORD>(ptr);
          break;
        case TKIND_COCLASS:  // as MIDL and widl write them
          t.size = ptr;
          t.alignment = 4;
          break;
        case TKIND_DISPATCH:
          t.size = ptr;
          t.alignment = static_cast<WORD>(ptr);
          t.size_vft = static_cast<WORD>(7 * ptr);  // IDispatch's
          break;
        case TKIND_ENUM: t.size = t.alignment = 4; break;
        case TKIND_MODULE: t.size = 2; t.alignment = 4; break;
        default: t.size = 0; t.alignment = 4; break;
      }
      infos_.push_back(std::make_unique<create_info>(this, static_cast<std::uint32_t>(lib_.types.size()), kind));
      lib_.types.push_back(std::move(t));
    } catch (const std::bad_alloc&) {
      if (infos_.size() > lib_.types.size()) infos_.pop_back();
      return E_OUTOFMEMORY;
    }
    changed();
    *out = infos_.back().get();
    (*out)->AddRef();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE SetName(LPOLESTR name) override { return set([&] { lib_.d.name = text(name); }, name); }
  HRESULT STDMETHODCALLTYPE SetVersion(WORD major, WORD minor) override { return set([&] { lib_.major = major, lib_.minor = minor; }); }
  HRESULT STDMETHODCALLTYPE SetGuid(REFGUID guid) override {
    const GUID* g = nullable(&guid);
    if (!g) return E_INVALIDARG;
    return set([&] { lib_.guid = *g; });
  }
  HRESULT STDMETHODCALLTYPE SetDocString(LPOLESTR doc) override { return set([&] { lib_.d.helpstring = text(doc); }, doc); }
  HRESULT STDMETHODCALLTYPE SetHelpFileName(LPOLESTR file) override { return set([&] { lib_.helpfile = text(file); }, file); }
  HRESULT STDMETHODCALLTYPE SetHelpContext(DWORD context) override { return set([&] { lib_.d.helpcontext = context; }); }
  HRESULT STDMETHODCALLTYPE SetLcid(LCID lcid) override { return set([&] { lib_.lcid = lcid; }); }
  HRESULT STDMETHODCALLTYPE SetLibFlags(UINT flags) override {
    if (flags & ~static_cast<UINT>(LIBFLAG_FRESTRICTED | LIBFLAG_FCONTROL | LIBFLAG_FHIDDEN | LIBFLAG_FHASDISKIMAGE))
      return E_INVALIDARG;
    return set([&] { lib_.flags = static_cast<WORD>(flags & ~static_cast<UINT>(LIBFLAG_FHASDISKIMAGE)); });
  }
  HRESULT STDMETHODCALLTYPE SaveAllChanges() override;
  // ICreateTypeLib2
  // Deleting would renumber every later type and invalidate the handles
  // given out for them; comkit does not support it (nor does Wine).
  HRESULT STDMETHODCALLTYPE DeleteTypeInfo(LPOLESTR name) override;
  HRESULT STDMETHODCALLTYPE SetCustData(REFGUID guid, VARIANT* value) override {
    const GUID* g = nullable(&guid);
    tl::value v;
    if (!g) return E_INVALIDARG;
    if (const HRESULT hr = value_of(value, v); FAILED(hr)) return hr;
    return set([&] { set_cust(lib_.d.custom, *g, v); });
  }
  HRESULT STDMETHODCALLTYPE SetHelpStringContext(ULONG context) override { return set([&] { lib_.d.helpstringcontext = context; }); }
  HRESULT STDMETHODCALLTYPE SetHelpStringDll(LPOLESTR file) override { return set([&] { lib_.helpstringdll = text(file); }, file); }

  // ITypeLib2: this library's type infos themselves, the rest from the snapshot.
  UINT STDMETHODCALLTYPE GetTypeInfoCount() override {
    std::lock_guard g(lock_);
    return static_cast<UINT>(lib_.types.size());
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT index, ITypeInfo** out) override {
    if (!out) return E_INVALIDARG;
    *out = nullptr;
    std::lock_guard g(lock_);
    if (index >= infos_.size()) return TYPE_E_ELEMENTNOTFOUND;
    *out = infos_[index].get();
    (*out)->AddRef();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfoType(UINT index, TYPEKIND* out) override {
    if (!out) return E_INVALIDARG;
    std::lock_guard g(lock_);
    if (index >= lib_.types.size()) return TYPE_E_ELEMENTNOTFOUND;
    *out = lib_.types[index].kind;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfoOfGuid(REFGUID guid, ITypeInfo** out) override {
    if (!out) return E_INVALIDARG;
    *out = nullptr;
    const GUID* wanted = nullable(&guid);
    if (!wanted) return E_INVALIDARG;
    std::lock_guard g(lock_);
    for (std::size_t i = 0; i < lib_.types.size(); ++i)
      if (lib_.types[i].guid == *wanted) {
        *out = infos_[i].get();
        (*out)->AddRef();
        return S_OK;
      }
    return TYPE_E_ELEMENTNOTFOUND;
  }
#define COMKIT_SNAPSHOT(call)                                         \
  ITypeLib2* s = nullptr;                                             \
  if (const HRESULT hr_ = snapshot_lib(&s); FAILED(hr_)) return hr_;  \
  const HRESULT r_ = s->call;                                         \
  s->Release();                                                       \
  return r_;
  HRESULT STDMETHODCALLTYPE GetLibAttr(TLIBATTR** out) override {
    ITypeLib2* s = nullptr;
    if (const HRESULT hr = snapshot_lib(&s); FAILED(hr)) return hr;
    const HRESULT hr = s->GetLibAttr(out);
    s->Release();
    if (SUCCEEDED(hr)) (*out)->wLibFlags &= static_cast<WORD>(~LIBFLAG_FHASDISKIMAGE);  // not saved yet, as far as it knows
    return hr;
  }
  HRESULT STDMETHODCALLTYPE GetTypeComp(ITypeComp** out) override { return make_typelib_comp(this, out); }
  HRESULT STDMETHODCALLTYPE GetDocumentation(INT index, BSTR* name, BSTR* doc, DWORD* context, BSTR* helpfile) override {
    COMKIT_SNAPSHOT(GetDocumentation(index, name, doc, context, helpfile))
  }
  HRESULT STDMETHODCALLTYPE IsName(LPOLESTR name, ULONG hash, BOOL* found) override { COMKIT_SNAPSHOT(IsName(name, hash, found)) }
  HRESULT STDMETHODCALLTYPE FindName(LPOLESTR name, ULONG hash, ITypeInfo** infos, MEMBERID* ids, USHORT* count) override;
  void STDMETHODCALLTYPE ReleaseTLibAttr(TLIBATTR* a) override { delete a; }  // the loader's TLIBATTRs are plain blocks
  HRESULT STDMETHODCALLTYPE GetCustData(REFGUID guid, VARIANT* out) override { COMKIT_SNAPSHOT(GetCustData(guid, out)) }
  HRESULT STDMETHODCALLTYPE GetLibStatistics(ULONG* names, ULONG* chars) override { COMKIT_SNAPSHOT(GetLibStatistics(names, chars)) }
  HRESULT STDMETHODCALLTYPE GetDocumentation2(INT index, LCID lcid, BSTR* help, DWORD* context, BSTR* dll) override {
    COMKIT_SNAPSHOT(GetDocumentation2(index, lcid, help, context, dll))
  }
  HRESULT STDMETHODCALLTYPE GetAllCustData(CUSTDATA* out) override { COMKIT_SNAPSHOT(GetAllCustData(out)) }
#undef COMKIT_SNAPSHOT

  // For the type infos (under lock() unless said otherwise).
  std::mutex& lock() { return lock_; }
  tl::library& data() { return lib_; }
  std::uint32_t pointer_size() const { return lib_.syskind == SYS_WIN32 ? 4 : 8; }
  void changed() { ++generation_; }
  /// A change that may move any type's layout: every type is laid out again.
  void relayout() {
    changed();
    for (auto& i : infos_)
      if (!i->fixed) i->laid_out = false;
  }
  create_info* info(std::uint32_t index) { return infos_[index].get(); }
  /// The snapshot (made again when anything changed); takes the lock.
  HRESULT snapshot_lib(ITypeLib2** out);
  /// The handle for `info` in this library: its own type, or an import
  /// (added once). Takes the lock.
  HRESULT reference(ITypeInfo* info, HREFTYPE* out);
  /// The library's handle decoded; false when it names nothing.
  bool decode(HREFTYPE handle, tl::href& out) const;
  HRESULT desc_of(const TYPEDESC& in, tl::type_desc& out, int depth = 0) const;
  /// Lays out type `index` (its local bases and fields first). `depth`
  /// guards against cycles.
  HRESULT lay_out(std::uint32_t index, int depth = 0);
  /// The id a function added with MEMBERID_NIL at `at` of type t (already
  /// inserted there) gets when it is added. Under the lock.
  MEMBERID new_memid(const tl::type_data& t, std::uint32_t at);
  /// Gives every dispinterface and dual that names no base stdole2's
  /// IDispatch, as the format requires. Takes the lock.
  HRESULT ensure_dispatch_bases();
  /// Adds a type made elsewhere (CreateDispTypeInfo), already laid out.
  void add_made(tl::type_data t) {
    std::lock_guard g(lock_);
    infos_.push_back(std::make_unique<create_info>(this, static_cast<std::uint32_t>(lib_.types.size()), t.kind));
    infos_.back()->laid_out = true;
    infos_.back()->fixed = true;
    lib_.types.push_back(std::move(t));
    changed();
  }
  void set_lcid(LCID lcid) { lib_.lcid = lcid; }

 private:
  template <typename F>
  HRESULT set(F f, const OLECHAR* required = reinterpret_cast<const OLECHAR*>(u"")) {
    if (!required) return E_INVALIDARG;
    std::lock_guard g(lock_);
    try {
      f();
    } catch (const std::bad_alloc&) {
      return E_OUTOFMEMORY;
    }
    relayout();
    return S_OK;
  }
  HRESULT vft_of_base(const tl::type_data& t, int depth, std::uint32_t& vft, std::uint32_t& level);

  std::atomic<ULONG> refs_{1};
  std::mutex lock_;
  tl::library lib_;
  std::string path_;
  std::vector<std::unique_ptr<create_info>> infos_;  // parallel to lib_.types
  std::uint64_t generation_ = 0;
  ITypeLib* snapshot_ = nullptr;
  std::uint64_t snapshot_generation_ = ~std::uint64_t{0};
};

// ---- create_lib ------------------------------------------------------------------

HRESULT create_lib::snapshot_lib(ITypeLib2** out) {
  *out = nullptr;
  std::lock_guard g(lock_);
  if (!snapshot_ || snapshot_generation_ != generation_) {
    // The views show each type laid out as far as it can be now, as
    // Windows' do before LayOut (slots, vtable sizes, record and alias
    // sizes); what fails is LayOut's and SaveAllChanges' to report.
    ITypeLib* fresh = nullptr;
    try {
      for (std::uint32_t i = 0; i < lib_.types.size(); ++i)
        if (!infos_[i]->laid_out) (void)lay_out(i);
      if (const HRESULT hr = typelib_from_data(lib_, &fresh); FAILED(hr)) return hr;
    } catch (const std::bad_alloc&) {
      return E_OUTOFMEMORY;
    }
    if (snapshot_) snapshot_->Release();
    snapshot_ = fresh;
    snapshot_generation_ = generation_;
  }
  return snapshot_->QueryInterface(IID_ITypeLib2, reinterpret_cast<void**>(out));
}

namespace {

// After type `gone` left a library: references to later types move down
// one; references to it name nothing (saving such a library fails).
void renumber_after_delete(tl::type_desc& d, std::uint32_t gone) {
  if (d.ref.kind == tl::href::local) {
    if (d.ref.index == gone) d.ref = tl::href{};
    else if (d.ref.index > gone) --d.ref.index;
  }
  if (d.inner) {
    auto copy = std::make_shared<tl::type_desc>(*d.inner);
    renumber_after_delete(*copy, gone);
    d.inner = std::move(copy);
  }
}

}  // namespace

// Windows refuses while the type's ICreateTypeInfo is held (E_FAIL). The
// handles of later types, given out before, then name the type after them,
// as on Windows (handles are positions).
HRESULT create_lib::DeleteTypeInfo(LPOLESTR name) {
  if (!name) return E_INVALIDARG;
  std::lock_guard g(lock_);
  const std::u16string wanted = text(name);
  for (std::uint32_t gone = 0; gone < lib_.types.size(); ++gone) {
    if (!same(lib_.types[gone].d.name, wanted)) continue;
    if (infos_[gone]->held()) return E_FAIL;
    try {
      // Renumbered on a copy, so that running out of memory changes nothing.
      std::vector<tl::type_data> types = lib_.types;
      types.erase(types.begin() + gone);
      for (tl::type_data& t : types) {
        for (tl::impl_type& im : t.impls) {
          tl::type_desc d;
          d.vt = VT_USERDEFINED;
          d.ref = im.ref;
          renumber_after_delete(d, gone);
          im.ref = d.ref;
        }
        renumber_after_delete(t.alias, gone);
        for (tl::func_data& f : t.funcs) {
          renumber_after_delete(f.result, gone);
          for (tl::param_data& p : f.params) renumber_after_delete(p.type, gone);
        }
        for (tl::var_data& v : t.vars) renumber_after_delete(v.type, gone);
      }
      lib_.types = std::move(types);
    } catch (const std::bad_alloc&) {
      return E_OUTOFMEMORY;
    }
    infos_.erase(infos_.begin() + gone);
    for (std::uint32_t i = gone; i < infos_.size(); ++i) infos_[i]->renumber(i);
    relayout();
    return S_OK;
  }
  return TYPE_E_ELEMENTNOTFOUND;
}

HRESULT create_lib::FindName(LPOLESTR name, ULONG hash, ITypeInfo** infos, MEMBERID* ids, USHORT* count) {
  ITypeLib2* s = nullptr;
  if (const HRESULT hr = snapshot_lib(&s); FAILED(hr)) return hr;
  const HRESULT hr = s->FindName(name, hash, infos, ids, count);
  s->Release();
  if (FAILED(hr) || !infos || !count) return hr;
  // The snapshot's infos stand for this library's own.
  for (USHORT i = 0; i < *count; ++i) {
    UINT index = 0;
    ITypeLib* containing = nullptr;
    if (SUCCEEDED(infos[i]->GetContainingTypeLib(&containing, &index))) {
      containing->Release();
      infos[i]->Release();
      GetTypeInfo(index, &infos[i]);
    }
  }
  return hr;
}

bool create_lib::decode(HREFTYPE handle, tl::href& out) const {
  handle &= ~interface_view_bit;  // the loader's GetRefTypeOfImplType marks an interface view so
  if (handle & 1) {
    const std::uint32_t at = (handle & ~3u) / impinfo_stride;
    if ((handle & ~3u) % impinfo_stride || at >= lib_.imported_types.size()) return false;
    out = {tl::href::imported, at};
    return true;
  }
  const std::uint32_t at = handle / typeinfo_stride;
  if (handle % typeinfo_stride || at >= lib_.types.size()) return false;
  out = {tl::href::local, at};
  return true;
}

HRESULT create_lib::desc_of(const TYPEDESC& in, tl::type_desc& out, int depth) const {
  if (depth > max_typedesc_depth) return E_INVALIDARG;
  out = tl::type_desc{};
  out.vt = in.vt;
  switch (in.vt) {
    case VT_PTR:
    case VT_SAFEARRAY: {
      if (!in.lptdesc) return E_INVALIDARG;
      auto inner = std::make_shared<tl::type_desc>();
      if (const HRESULT hr = desc_of(*in.lptdesc, *inner, depth + 1); FAILED(hr)) return hr;
      out.inner = std::move(inner);
      return S_OK;
    }
    case VT_CARRAY: {
      if (!in.lpadesc || in.lpadesc->cDims == 0) return E_INVALIDARG;
      auto inner = std::make_shared<tl::type_desc>();
      if (const HRESULT hr = desc_of(in.lpadesc->tdescElem, *inner, depth + 1); FAILED(hr)) return hr;
      out.inner = std::move(inner);
      out.bounds.assign(in.lpadesc->rgbounds, in.lpadesc->rgbounds + in.lpadesc->cDims);
      return S_OK;
    }
    case VT_USERDEFINED:
      return decode(in.hreftype, out.ref) ? S_OK : TYPE_E_ELEMENTNOTFOUND;
    default:
      // The base types a type library stores (VT_EMPTY .. VT_LPWSTR, VT_RECORD,
      // VT_INT_PTR, VT_UINT_PTR); flags are no type.
      if (in.vt > VT_LPWSTR && in.vt != VT_RECORD && in.vt != VT_INT_PTR && in.vt != VT_UINT_PTR)
        return E_INVALIDARG;
      return S_OK;
  }
}

HRESULT create_lib::reference(ITypeInfo* info, HREFTYPE* out) {
  // One of this library's own.
  ICreateTypeInfo2* own = nullptr;
  if (SUCCEEDED(info->QueryInterface(iid_create_info, reinterpret_cast<void**>(&own)))) {
    auto* mine = static_cast<create_info*>(own);
    const bool here = mine->owner() == this;
    const std::uint32_t index = mine->index();
    mine->Release();
    if (!here) return TYPE_E_ELEMENTNOTFOUND;  // another library being built: it has no file to import yet
    *out = index * typeinfo_stride;
    return S_OK;
  }
  ITypeLib* other = nullptr;
  UINT index = 0;
  if (const HRESULT hr = info->GetContainingTypeLib(&other, &index); FAILED(hr)) return hr;
  {
    // One of this library's snapshot (a dual's other view, a type FindName
    // gave): the type itself.
    std::lock_guard g(lock_);
    if (snapshot_ && other == snapshot_ && index < lib_.types.size()) {
      other->Release();
      *out = index * typeinfo_stride;
      return S_OK;
    }
  }
  // A type of another library: an import of its file.
  TLIBATTR* la = nullptr;
  HRESULT hr = other->GetLibAttr(&la);
  std::string path;
  tl::import_file file;
  if (SUCCEEDED(hr)) {
    file.guid = la->guid;
    file.lcid = la->lcid;
    file.major = la->wMajorVerNum;
    file.minor = la->wMinorVerNum;
    other->ReleaseTLibAttr(la);
    if (!loaded_typelib_path(other, path)) {
      BSTR registered = nullptr;
      hr = QueryPathOfRegTypeLib(file.guid, file.major, file.minor, file.lcid, &registered);
      if (SUCCEEDED(hr)) path = comkit::detail::utf8_of(reinterpret_cast<const char16_t*>(registered), SysStringLen(registered));
      SysFreeString(registered);
      if (FAILED(hr)) hr = TYPE_E_CANTLOADLIBRARY;  // a library no file holds cannot be imported
    }
  }
  other->Release();
  if (FAILED(hr)) return hr;
  TYPEATTR* ta = nullptr;
  if (const HRESULT h = info->GetTypeAttr(&ta); FAILED(h)) return h;
  const GUID type_guid = ta->guid;
  const TYPEKIND kind = ta->typekind;
  const std::uint32_t type_size = ta->cbSizeInstance;
  const WORD type_alignment = ta->cbAlignment;
  info->ReleaseTypeAttr(ta);
  // As MIDL and widl write it: the bare name when that finds the same file.
  const std::size_t slash = path.rfind('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  ITypeLib* by_name = nullptr;
  if (SUCCEEDED(load_typelib(base, std::string(), &by_name))) {
    std::string found;
    if (loaded_typelib_path(by_name, found) && found == path) path = base;
    by_name->Release();
  }
  std::lock_guard g(lock_);
  try {
    const std::u16string name = comkit::detail::utf16_of(path);
    std::uint32_t f = 0;
    while (f < lib_.imports.size() && !(lib_.imports[f].guid == file.guid && lib_.imports[f].filename == name)) ++f;
    if (f == lib_.imports.size()) {
      file.filename = name;
      lib_.imports.push_back(file);
    }
    tl::imported_type t;
    t.file = f;
    t.guid = type_guid;
    t.index = static_cast<std::int32_t>(index);
    t.kind = kind;
    t.size = type_size;
    t.alignment = type_alignment;
    std::uint32_t k = 0;
    while (k < lib_.imported_types.size() &&
           !(lib_.imported_types[k].file == f && lib_.imported_types[k].guid == t.guid && lib_.imported_types[k].index == t.index))
      ++k;
    if (k == lib_.imported_types.size()) {
      lib_.imported_types.push_back(t);
      changed();
    } else if (!lib_.imported_types[k].size) {
      lib_.imported_types[k].size = t.size;
      lib_.imported_types[k].alignment = t.alignment;
    }
    *out = (k * impinfo_stride) | 1;
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  }
  return S_OK;
}

// The vtable size of t's base interface and the base's depth (IUnknown's
// is 0; a type's functions get MIDL's memids 0x60000000 | (depth + 1) << 16
// | index).
HRESULT create_lib::vft_of_base(const tl::type_data& t, int depth, std::uint32_t& vft, std::uint32_t& level) {
  vft = 0;
  level = 0;
  if (t.impls.empty()) return S_OK;  // IUnknown itself
  const tl::href& base = t.impls[0].ref;
  if (base.kind == tl::href::local) {
    if (base.index >= lib_.types.size()) return TYPE_E_ELEMENTNOTFOUND;
    if (const HRESULT hr = lay_out(base.index, depth + 1); FAILED(hr)) return hr;
    const tl::type_data& b = lib_.types[base.index];
    vft = b.size_vft;
    // Its depth: one more than its own base's.
    std::uint32_t ignored = 0, below = 0;
    if (const HRESULT hr = vft_of_base(b, depth + 1, ignored, below); FAILED(hr)) return hr;
    level = b.impls.empty() ? 0 : below + 1;
    return S_OK;
  }
  // An imported base: asked of its type information, in its own library
  // (loaded by the name the import records, as the saved file will find it).
  if (base.index >= lib_.imported_types.size()) return TYPE_E_ELEMENTNOTFOUND;
  const tl::imported_type& it = lib_.imported_types[base.index];
  ITypeLib* other = nullptr;
  try {
    if (const HRESULT hr = load_typelib(tl::to_utf8(lib_.imports[it.file].filename), std::string(), &other); FAILED(hr)) return hr;
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  }
  ITypeInfo* at = nullptr;
  HRESULT hr = it.guid != GUID{} ? other->GetTypeInfoOfGuid(it.guid, &at) : other->GetTypeInfo(static_cast<UINT>(it.index), &at);
  other->Release();
  if (FAILED(hr)) return hr;
  TYPEATTR* a = nullptr;
  hr = at->GetTypeAttr(&a);
  if (SUCCEEDED(hr)) {
    vft = a->cbSizeVft;
    // A dual's vtable is its interface view's.
    if (a->typekind == TKIND_DISPATCH && (a->wTypeFlags & TYPEFLAG_FDUAL)) {
      HREFTYPE twin = 0;
      ITypeInfo* view = nullptr;
      if (SUCCEEDED(at->GetRefTypeOfImplType(static_cast<UINT>(-1), &twin)) && SUCCEEDED(at->GetRefTypeInfo(twin, &view))) {
        TYPEATTR* va = nullptr;
        if (SUCCEEDED(view->GetTypeAttr(&va))) {
          vft = va->cbSizeVft;
          view->ReleaseTypeAttr(va);
        }
        view->Release();
      }
    }
    at->ReleaseTypeAttr(a);
    // Type infos report this platform's pointers; this library counts its own.
    vft = vft / static_cast<std::uint32_t>(sizeof(void*)) * pointer_size();
  }
  // Its depth: the length of its chain of bases.
  ITypeInfo* walk = at;
  walk->AddRef();
  for (int i = 0; i < 64; ++i) {
    HREFTYPE h = 0;
    ITypeInfo* next = nullptr;
    if (FAILED(walk->GetRefTypeOfImplType(0, &h)) || FAILED(walk->GetRefTypeInfo(h, &next))) break;
    walk->Release();
    walk = next;
    ++level;
  }
  walk->Release();
  at->Release();
  return hr;
}

// Windows gives a function added without an id its id when it is added,
// and keeps it: 0x60000000 | (depth of the bases + 1) << 16 | its index,
// or, when another function has that, | the number of functions (the next
// free one after). (Wine's conformance tests record the ids Windows gives.)
MEMBERID create_lib::new_memid(const tl::type_data& t, std::uint32_t at) {
  std::uint32_t vft = 0, level = 0, own_depth = 0;
  if (!t.impls.empty()) own_depth = SUCCEEDED(vft_of_base(t, 0, vft, level)) ? level + 1 : 1;
  const std::uint32_t prefix = 0x60000000u | (own_depth & 0xFFF) << 16;
  auto taken = [&](std::uint32_t id) {
    for (std::size_t i = 0; i < t.funcs.size(); ++i)
      if (i != at && t.funcs[i].memid == static_cast<MEMBERID>(id)) return true;
    return false;
  };
  std::uint32_t id = prefix | (at & 0xFFFF);
  if (taken(id)) {
    id = prefix | (static_cast<std::uint32_t>(t.funcs.size()) & 0xFFFF);
    while (taken(id)) id = prefix | ((id + 1) & 0xFFFF);
  }
  return static_cast<MEMBERID>(id);
}

HRESULT create_lib::lay_out(std::uint32_t index, int depth) {
  if (depth > max_typedesc_depth) return TYPE_E_CIRCULARTYPE;
  if (infos_[index]->laid_out) return S_OK;
  tl::type_data& t = lib_.types[index];
  const std::uint32_t ptr = pointer_size();
  switch (t.kind) {
    case TKIND_INTERFACE:
    case TKIND_DISPATCH: {
      const bool vtable = t.kind == TKIND_INTERFACE || (t.flags & TYPEFLAG_FDUAL);
      if (!vtable) {  // a dispinterface: IDispatch's vtable; its members are dispatched
        t.size_vft = static_cast<WORD>(7 * ptr);
        for (std::size_t i = 0; i < t.funcs.size(); ++i) t.funcs[i].ovft = static_cast<SHORT>(i * ptr);
        break;
      }
      std::uint32_t base = 0, level = 0;
      if (const HRESULT hr = vft_of_base(t, depth, base, level); FAILED(hr)) return hr;
      if (t.kind == TKIND_DISPATCH && base == 0) {  // (ensure_dispatch_bases names IDispatch: not reached)
        base = 7 * ptr;
        level = 1;
      }
      tl::type_data& self = lib_.types[index];  // (vft_of_base may lay out others: t is still valid, types do not move)
      const std::uint32_t own_depth = self.impls.empty() ? 0 : level + 1;
      // Each function's slot follows the bases' in order, except those the
      // caller placed; the vtable reaches past the last slot either way.
      std::uint32_t vft = base + static_cast<std::uint32_t>(self.funcs.size()) * ptr;
      for (std::size_t i = 0; i < self.funcs.size(); ++i) {
        tl::func_data& f = self.funcs[i];
        if (f.ovft_given) vft = std::max<std::uint32_t>(vft, static_cast<std::uint16_t>(f.ovft) + ptr);
        else f.ovft = static_cast<SHORT>(base + i * ptr);
        if (f.memid == MEMBERID_NIL) f.memid = static_cast<MEMBERID>(0x60000000u | own_depth << 16 | static_cast<std::uint32_t>(i));
      }
      if (vft > 0xFFFF) return TYPE_E_SIZETOOBIG;
      self.size_vft = static_cast<WORD>(vft);
      self.size = ptr;
      self.alignment = static_cast<WORD>(ptr);
      break;
    }
    case TKIND_RECORD:
    case TKIND_UNION:
    case TKIND_ALIAS: {
      // Local records and aliases it holds by value first.
      auto prepare = [&](const tl::type_desc& d) -> HRESULT {
        const tl::type_desc* at = &d;
        while (at->vt == VT_CARRAY && at->inner) at = at->inner.get();
        if (at->vt == VT_USERDEFINED && at->ref.kind == tl::href::local && at->ref.index < lib_.types.size())
          return lay_out(at->ref.index, depth + 1);
        return S_OK;
      };
      if (t.kind == TKIND_ALIAS) {
        if (const HRESULT hr = prepare(t.alias); FAILED(hr)) return hr;
      } else {
        for (std::size_t i = 0; i < lib_.types[index].vars.size(); ++i)
          if (const HRESULT hr = prepare(lib_.types[index].vars[i].type); FAILED(hr)) return hr;
      }
      tl::lay_out(lib_, lib_.types[index]);
      std::int32_t k = 0;
      for (tl::var_data& v : lib_.types[index].vars) {
        if (v.memid == MEMBERID_NIL) v.memid = 0x40000000 + k;
        ++k;
      }
      break;
    }
    case TKIND_ENUM: {
      tl::lay_out(lib_, t);
      std::int32_t k = 0;
      for (tl::var_data& v : t.vars) {
        if (v.memid == MEMBERID_NIL) v.memid = 0x40000000 + k;
        ++k;
      }
      break;
    }
    default:
      break;
  }
  infos_[index]->laid_out = true;
  changed();
  return S_OK;
}

HRESULT create_lib::ensure_dispatch_bases() {
  {
    std::lock_guard g(lock_);
    bool any = false;
    for (const tl::type_data& t : lib_.types) any |= t.kind == TKIND_DISPATCH && t.impls.empty();
    if (!any) return S_OK;
  }
  ITypeLib* stdole = nullptr;
  if (const HRESULT hr = load_typelib("stdole2.tlb", std::string(), &stdole); FAILED(hr)) return hr;
  ITypeInfo* dispatch = nullptr;
  HRESULT hr = stdole->GetTypeInfoOfGuid(IID_IDispatch, &dispatch);
  stdole->Release();
  if (FAILED(hr)) return hr;
  HREFTYPE href = 0;
  hr = reference(dispatch, &href);
  dispatch->Release();
  if (FAILED(hr)) return hr;
  std::lock_guard g(lock_);
  tl::href base;
  if (!decode(href, base)) return E_UNEXPECTED;
  try {
    for (tl::type_data& t : lib_.types)
      if (t.kind == TKIND_DISPATCH && t.impls.empty()) t.impls.push_back(tl::impl_type{base, 0});
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  }
  relayout();
  return S_OK;
}

HRESULT create_lib::SaveAllChanges() {
  if (const HRESULT hr = ensure_dispatch_bases(); FAILED(hr)) return hr;
  std::vector<std::uint8_t> image;
  {
    std::lock_guard g(lock_);
    for (std::uint32_t i = 0; i < lib_.types.size(); ++i)
      if (const HRESULT hr = lay_out(i); FAILED(hr)) return hr;
    try {
      image = tl::write_msft(lib_);
    } catch (const std::invalid_argument&) {
      return TYPE_E_ELEMENTNOTFOUND;
    } catch (const std::length_error&) {
      return TYPE_E_SIZETOOBIG;
    } catch (const std::bad_alloc&) {
      return E_OUTOFMEMORY;
    }
  }
  FILE* f = std::fopen(path_.c_str(), "wb");
  if (!f) return STG_E_ACCESSDENIED;
  const bool ok = std::fwrite(image.data(), 1, image.size(), f) == image.size();
  const bool closed = std::fclose(f) == 0;
  return ok && closed ? S_OK : TYPE_E_IOERROR;
}

// ---- create_info -----------------------------------------------------------------

HRESULT create_info::QueryInterface(REFIID riid, void** ppv) {
  if (!ppv) return E_POINTER;
  *ppv = nullptr;
  const IID* iid = nullable(&riid);
  if (!iid) return E_NOINTERFACE;
  if (IsEqualIID(*iid, IID_IUnknown) || IsEqualIID(*iid, IID_ICreateTypeInfo) || IsEqualIID(*iid, IID_ICreateTypeInfo2) ||
      IsEqualIID(*iid, iid_create_info))
    *ppv = static_cast<ICreateTypeInfo2*>(this);
  else if (IsEqualIID(*iid, IID_ITypeInfo) || IsEqualIID(*iid, IID_ITypeInfo2))
    *ppv = static_cast<ITypeInfo2*>(this);
  else
    return E_NOINTERFACE;
  AddRef();
  return S_OK;
}

// An info's first reference takes one on the library, its last gives it
// back (the library, and so the info, may go then). Whoever AddRefs an
// info at 0 holds the library already (it got the info from it).
ULONG create_info::AddRef() {
  const ULONG n = refs_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (n == 1) lib_->AddRef();
  return n;
}
ULONG create_info::Release() {
  const ULONG n = refs_.fetch_sub(1, std::memory_order_acq_rel) - 1;
  if (n == 0) lib_->Release();
  return n;
}

template <typename F>
HRESULT create_info::change(F f) {
  std::lock_guard g(lib_->lock());
  HRESULT hr;
  try {
    hr = f(lib_->data().types[index_]);
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  }
  if (SUCCEEDED(hr)) lib_->relayout();
  return hr;
}

HRESULT create_info::snapshot(ITypeInfo2** out) {
  *out = nullptr;
  ITypeLib2* s = nullptr;
  if (const HRESULT hr = lib_->snapshot_lib(&s); FAILED(hr)) return hr;
  ITypeInfo* ti = nullptr;
  HRESULT hr = s->GetTypeInfo(index_, &ti);
  s->Release();
  if (FAILED(hr)) return hr;
  // An interface made dual is stored as its dispatch view; the info shows
  // the interface view it was made as (its -2 twin is the dispatch view).
  TYPEKIND kind = TKIND_MAX;
  {
    std::lock_guard g(lib_->lock());
    kind = lib_->data().types[index_].kind;
  }
  if (created_ == TKIND_INTERFACE && kind == TKIND_DISPATCH) {
    HREFTYPE twin = 0;
    ITypeInfo* view = nullptr;
    if (SUCCEEDED(ti->GetRefTypeOfImplType(static_cast<UINT>(-1), &twin)) && SUCCEEDED(ti->GetRefTypeInfo(twin, &view))) {
      ti->Release();
      ti = view;
    }
  }
  hr = ti->QueryInterface(IID_ITypeInfo2, reinterpret_cast<void**>(out));
  ti->Release();
  return hr;
}

HRESULT create_info::GetRefTypeInfo(HREFTYPE href, ITypeInfo** out) {
  if (!out) return E_INVALIDARG;
  *out = nullptr;
  // This library's own types are its own type infos.
  if (!(href & 1) && href < 0x01000000) {
    std::lock_guard g(lib_->lock());
    const std::uint32_t at = (href & ~3u) / typeinfo_stride;
    if ((href & ~3u) % typeinfo_stride == 0 && at < lib_->data().types.size()) {
      const tl::type_data& t = lib_->data().types[at];
      const bool dual_view = (href & interface_view_bit) && t.kind == TKIND_DISPATCH && (t.flags & TYPEFLAG_FDUAL);
      if (!dual_view) {
        *out = static_cast<ITypeInfo2*>(lib_->info(at));
        (*out)->AddRef();
        return S_OK;
      }
    }
  }
  ITypeInfo2* s = nullptr;
  if (const HRESULT hr = snapshot(&s); FAILED(hr)) return hr;
  const HRESULT hr = s->GetRefTypeInfo(href, out);
  s->Release();
  return hr;
}

HRESULT create_info::GetContainingTypeLib(ITypeLib** lib, UINT* index) {
  if (lib) {  // either may be NULL, as on Windows
    *lib = static_cast<ITypeLib2*>(lib_);
    lib_->AddRef();
  }
  if (index) *index = index_;
  return S_OK;
}

HRESULT create_info::SetGuid(REFGUID guid) {
  const GUID* g = nullable(&guid);
  if (!g) return E_INVALIDARG;
  return change([&](tl::type_data& t) {
    t.guid = *g;
    return S_OK;
  });
}

HRESULT create_info::SetTypeFlags(UINT flags) {
  if (flags & ~0xFFFFu) return E_INVALIDARG;
  return change([&](tl::type_data& t) {
    t.flags = static_cast<WORD>(flags);
    // A dual interface is stored as its dispatch view (typelib_data.h); an
    // interface made dual, and made plain again, goes back.
    if (created_ == TKIND_INTERFACE) {
      if (flags & TYPEFLAG_FDUAL) {
        t.kind = TKIND_DISPATCH;
        t.flags |= TYPEFLAG_FDISPATCHABLE;
      } else {
        t.kind = TKIND_INTERFACE;
      }
    }
    return S_OK;
  });
}

HRESULT create_info::SetDocString(LPOLESTR doc) {
  if (!doc) return E_INVALIDARG;
  return change([&](tl::type_data& t) {
    t.d.helpstring = text(doc);
    return S_OK;
  });
}

HRESULT create_info::SetHelpContext(DWORD context) {
  return change([&](tl::type_data& t) {
    t.d.helpcontext = context;
    return S_OK;
  });
}

HRESULT create_info::SetVersion(WORD major, WORD minor) {
  return change([&](tl::type_data& t) {
    t.major = major;
    t.minor = minor;
    return S_OK;
  });
}

HRESULT create_info::SetName(LPOLESTR name) {
  if (!name || !*name) return E_INVALIDARG;
  return change([&](tl::type_data& t) {
    const std::u16string n = text(name);
    const auto& types = lib_->data().types;
    for (std::size_t i = 0; i < types.size(); ++i)
      if (i != index_ && same(types[i].d.name, n)) return TYPE_E_NAMECONFLICT;
    t.d.name = n;
    return S_OK;
  });
}

HRESULT create_info::AddRefTypeInfo(ITypeInfo* info, HREFTYPE* href) {
  if (!info || !href) return E_INVALIDARG;
  return lib_->reference(info, href);
}

HRESULT create_info::AddFuncDesc(UINT index, FUNCDESC* desc) {
  if (!desc || (desc->cParams > 0 && !desc->lprgelemdescParam) || desc->cParams < 0) return E_INVALIDARG;
  if (desc->invkind != INVOKE_FUNC && desc->invkind != INVOKE_PROPERTYGET && desc->invkind != INVOKE_PROPERTYPUT &&
      desc->invkind != INVOKE_PROPERTYPUTREF)
    return E_INVALIDARG;
  // A property put takes the value it puts.
  if ((desc->invkind & (INVOKE_PROPERTYPUT | INVOKE_PROPERTYPUTREF)) && desc->cParams == 0) return TYPE_E_INCONSISTENTPROPFUNCS;
  return change([&](tl::type_data& t) -> HRESULT {
    if (index > t.funcs.size()) return TYPE_E_ELEMENTNOTFOUND;
    if (t.kind != TKIND_INTERFACE && t.kind != TKIND_DISPATCH && t.kind != TKIND_MODULE) return TYPE_E_BADMODULEKIND;
    if ((t.kind == TKIND_MODULE) != (desc->funckind == FUNC_STATIC)) return TYPE_E_BADMODULEKIND;
    tl::func_data f;
    f.memid = desc->memid;
    f.funckind = desc->funckind;
    f.invkind = desc->invkind;
    f.callconv = desc->callconv;
    // A slot the caller chooses is kept (LayOut places only the others);
    // it must be a whole pointer from the vtable's start.
    if (desc->oVft != 0) {
      if (static_cast<std::uint16_t>(desc->oVft) % lib_->pointer_size() != 0) return E_INVALIDARG;
      f.ovft = desc->oVft;
      f.ovft_given = true;
    }
    f.flags = desc->wFuncFlags;
    f.params_opt = desc->cParamsOpt;
    if (const HRESULT hr = lib_->desc_of(desc->elemdescFunc.tdesc, f.result); FAILED(hr)) return hr;
    for (SHORT i = 0; i < desc->cParams; ++i) {
      const ELEMDESC& e = desc->lprgelemdescParam[i];
      tl::param_data p;
      if (const HRESULT hr = lib_->desc_of(e.tdesc, p.type); FAILED(hr)) return hr;
      p.flags = e.paramdesc.wParamFlags;
      if (p.flags & PARAMFLAG_FHASDEFAULT) {
        if (!e.paramdesc.pparamdescex) return E_INVALIDARG;
        if (const HRESULT hr = value_of(&e.paramdesc.pparamdescex->varDefaultValue, p.default_value); FAILED(hr)) return hr;
        // An INT parameter's INT default is kept as an I4 (Windows reports
        // it so, before and after saving); other parameters keep VT_INT.
        if (p.type.vt == VT_INT && p.default_value.vt == VT_INT) p.default_value.vt = VT_I4;
      }
      f.params.push_back(std::move(p));
    }
    // MIDL's interfaces call with the platform's convention: what the
    // loader reports for them too.
    const bool nil = f.memid == MEMBERID_NIL;
    t.funcs.insert(t.funcs.begin() + index, std::move(f));
    if (nil) t.funcs[index].memid = lib_->new_memid(t, index);
    return S_OK;
  });
}

HRESULT create_info::AddImplType(UINT index, HREFTYPE href) {
  return change([&](tl::type_data& t) -> HRESULT {
    tl::href ref;
    if (!lib_->decode(href, ref)) return TYPE_E_ELEMENTNOTFOUND;
    switch (t.kind) {
      case TKIND_COCLASS:
        if (index != t.impls.size()) return TYPE_E_ELEMENTNOTFOUND;  // appended only
        break;
      case TKIND_INTERFACE:
      case TKIND_DISPATCH:
        if (index > t.impls.size()) return TYPE_E_ELEMENTNOTFOUND;
        if (!t.impls.empty()) return TYPE_E_BADMODULEKIND;  // one base
        if (ref.kind == tl::href::local && ref.index == index_) return TYPE_E_CIRCULARTYPE;
        break;
      default:
        return TYPE_E_BADMODULEKIND;
    }
    t.impls.insert(t.impls.begin() + index, tl::impl_type{ref, 0});
    // An interface based on IDispatch (or on a dispatchable interface of
    // this library) is dispatchable, and stays so if its base goes again,
    // as on Windows.
    if (t.kind == TKIND_INTERFACE) {
      const tl::library& lib = lib_->data();
      const bool dispatch =
          ref.kind == tl::href::imported ? lib.imported_types[ref.index].guid == IID_IDispatch
                                         : lib.types[ref.index].guid == IID_IDispatch || (lib.types[ref.index].flags & TYPEFLAG_FDISPATCHABLE);
      if (dispatch) t.flags |= TYPEFLAG_FDISPATCHABLE;
    }
    return S_OK;
  });
}

HRESULT create_info::SetImplTypeFlags(UINT index, INT flags) {
  return change([&](tl::type_data& t) -> HRESULT {
    if (t.kind != TKIND_COCLASS) return TYPE_E_BADMODULEKIND;  // only a coclass's members have flags
    if (index >= t.impls.size()) return TYPE_E_ELEMENTNOTFOUND;
    t.impls[index].flags = flags;
    return S_OK;
  });
}

HRESULT create_info::SetAlignment(WORD alignment) {
  if (alignment == 0 || alignment > 16 || (alignment & (alignment - 1))) return E_INVALIDARG;
  return change([&](tl::type_data& t) {
    t.alignment = alignment;
    return S_OK;
  });
}

HRESULT create_info::AddVarDesc(UINT index, VARDESC* desc) {
  if (!desc) return E_INVALIDARG;
  return change([&](tl::type_data& t) -> HRESULT {
    if (index > t.vars.size()) return TYPE_E_ELEMENTNOTFOUND;
    switch (t.kind) {
      case TKIND_ENUM:
        if (desc->varkind != VAR_CONST) return TYPE_E_BADMODULEKIND;
        break;
      case TKIND_RECORD:
      case TKIND_UNION:
        if (desc->varkind != VAR_PERINSTANCE) return TYPE_E_BADMODULEKIND;
        break;
      case TKIND_MODULE:
        if (desc->varkind != VAR_CONST && desc->varkind != VAR_STATIC) return TYPE_E_BADMODULEKIND;
        break;
      case TKIND_DISPATCH:
        if (desc->varkind != VAR_DISPATCH) return TYPE_E_BADMODULEKIND;
        break;
      default:
        return TYPE_E_BADMODULEKIND;
    }
    tl::var_data v;
    v.memid = desc->memid;
    v.varkind = desc->varkind;
    v.flags = desc->wVarFlags;
    if (const HRESULT hr = lib_->desc_of(desc->elemdescVar.tdesc, v.type); FAILED(hr)) return hr;
    if (desc->varkind == VAR_CONST) {
      if (!desc->lpvarValue) return E_INVALIDARG;
      if (const HRESULT hr = value_of(desc->lpvarValue, v.constant); FAILED(hr)) return hr;
    } else if (desc->varkind == VAR_PERINSTANCE) {
      v.offset = desc->oInst;  // LayOut computes it
    }
    t.vars.insert(t.vars.begin() + index, std::move(v));
    return S_OK;
  });
}

HRESULT create_info::SetFuncAndParamNames(UINT index, LPOLESTR* names, UINT count) {
  if (!names) return E_INVALIDARG;
  if (count > 0 && !names[0]) return E_INVALIDARG;  // a parameter's name may be NULL (left unnamed), the function's not
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.funcs.size() || count == 0) return TYPE_E_ELEMENTNOTFOUND;
    tl::func_data& f = t.funcs[index];
    // A property put's value parameter has no name.
    const bool put = f.invkind & (INVOKE_PROPERTYPUT | INVOKE_PROPERTYPUTREF);
    const std::size_t most = f.params.size() + (put ? 0 : 1);
    if (count > most) return TYPE_E_ELEMENTNOTFOUND;
    const std::u16string name = text(names[0]);
    for (std::size_t j = 0; j < t.funcs.size(); ++j) {
      const tl::func_data& other = t.funcs[j];
      if (j == index || !same(other.d.name, name)) continue;
      // Only the accessors of one property share a name.
      const bool accessors = other.invkind != f.invkind && other.invkind != INVOKE_FUNC && f.invkind != INVOKE_FUNC &&
                             other.memid == f.memid;
      if (!accessors) return TYPE_E_AMBIGUOUSNAME;
    }
    f.d.name = name;
    for (UINT i = 1; i < count; ++i) f.params[i - 1].name = names[i] ? text(names[i]) : std::u16string();
    return S_OK;
  });
}

HRESULT create_info::SetVarName(UINT index, LPOLESTR name) {
  if (!name) return E_INVALIDARG;
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.vars.size()) return TYPE_E_ELEMENTNOTFOUND;
    t.vars[index].d.name = text(name);
    return S_OK;
  });
}

HRESULT create_info::SetTypeDescAlias(TYPEDESC* alias) {
  if (!alias) return E_INVALIDARG;
  return change([&](tl::type_data& t) -> HRESULT {
    if (t.kind != TKIND_ALIAS) return TYPE_E_BADMODULEKIND;
    return lib_->desc_of(*alias, t.alias);
  });
}

HRESULT create_info::DefineFuncAsDllEntry(UINT index, LPOLESTR dll, LPOLESTR proc) {
  if (!dll || !proc) return E_INVALIDARG;
  return change([&](tl::type_data& t) -> HRESULT {
    if (t.kind != TKIND_MODULE) return TYPE_E_BADMODULEKIND;
    if (index >= t.funcs.size()) return TYPE_E_ELEMENTNOTFOUND;
    t.dllname = text(dll);
    const auto ordinal = reinterpret_cast<std::uintptr_t>(proc);
    if (ordinal <= 0xFFFF) {  // MAKEINTRESOURCE: an ordinal
      t.funcs[index].entry.clear();
      t.funcs[index].entry_ordinal = static_cast<std::uint16_t>(ordinal);
    } else {
      t.funcs[index].entry = text(proc);
      t.funcs[index].entry_ordinal = 0;
    }
    return S_OK;
  });
}

HRESULT create_info::SetFuncDocString(UINT index, LPOLESTR doc) {
  if (!doc) return E_INVALIDARG;
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.funcs.size()) return TYPE_E_ELEMENTNOTFOUND;
    t.funcs[index].d.helpstring = text(doc);
    return S_OK;
  });
}

HRESULT create_info::SetVarDocString(UINT index, LPOLESTR doc) {
  if (!doc) return E_INVALIDARG;
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.vars.size()) return TYPE_E_ELEMENTNOTFOUND;
    t.vars[index].d.helpstring = text(doc);
    return S_OK;
  });
}

HRESULT create_info::SetFuncHelpContext(UINT index, DWORD context) {
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.funcs.size()) return TYPE_E_ELEMENTNOTFOUND;
    t.funcs[index].d.helpcontext = context;
    return S_OK;
  });
}

HRESULT create_info::SetVarHelpContext(UINT index, DWORD context) {
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.vars.size()) return TYPE_E_ELEMENTNOTFOUND;
    t.vars[index].d.helpcontext = context;
    return S_OK;
  });
}

HRESULT create_info::LayOut() {
  if (const HRESULT hr = lib_->ensure_dispatch_bases(); FAILED(hr)) return hr;
  std::lock_guard g(lib_->lock());
  laid_out = false;
  return lib_->lay_out(index_);
}

HRESULT create_info::DeleteFuncDesc(UINT index) {
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.funcs.size()) return TYPE_E_ELEMENTNOTFOUND;
    t.funcs.erase(t.funcs.begin() + index);
    return S_OK;
  });
}

HRESULT create_info::DeleteFuncDescByMemId(MEMBERID memid, INVOKEKIND kind) {
  return change([&](tl::type_data& t) -> HRESULT {
    for (auto it = t.funcs.begin(); it != t.funcs.end(); ++it)
      if (it->memid == memid && it->invkind == kind) {
        t.funcs.erase(it);
        return S_OK;
      }
    return TYPE_E_ELEMENTNOTFOUND;
  });
}

HRESULT create_info::DeleteVarDesc(UINT index) {
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.vars.size()) return TYPE_E_ELEMENTNOTFOUND;
    t.vars.erase(t.vars.begin() + index);
    return S_OK;
  });
}

HRESULT create_info::DeleteVarDescByMemId(MEMBERID memid) {
  return change([&](tl::type_data& t) -> HRESULT {
    for (auto it = t.vars.begin(); it != t.vars.end(); ++it)
      if (it->memid == memid) {
        t.vars.erase(it);
        return S_OK;
      }
    return TYPE_E_ELEMENTNOTFOUND;
  });
}

HRESULT create_info::DeleteImplType(UINT index) {
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.impls.size()) return TYPE_E_ELEMENTNOTFOUND;
    t.impls.erase(t.impls.begin() + index);
    return S_OK;
  });
}

HRESULT create_info::SetCustData(REFGUID guid, VARIANT* value) {
  const GUID* g = nullable(&guid);
  tl::value v;
  if (!g) return E_INVALIDARG;
  if (const HRESULT hr = value_of(value, v); FAILED(hr)) return hr;
  return change([&](tl::type_data& t) {
    set_cust(t.d.custom, *g, v);
    return S_OK;
  });
}

// Kept for any implemented type; the file keeps it for a coclass's
// members only (an interface's base has no place for it).
HRESULT create_info::SetImplTypeCustData(UINT index, REFGUID guid, VARIANT* value) {
  const GUID* g = nullable(&guid);
  tl::value v;
  if (!g) return E_INVALIDARG;
  if (const HRESULT hr = value_of(value, v); FAILED(hr)) return hr;
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.impls.size()) return TYPE_E_ELEMENTNOTFOUND;
    set_cust(t.impls[index].custom, *g, v);
    return S_OK;
  });
}

HRESULT create_info::SetFuncCustData(UINT index, REFGUID guid, VARIANT* value) {
  const GUID* g = nullable(&guid);
  tl::value v;
  if (!g) return E_INVALIDARG;
  if (const HRESULT hr = value_of(value, v); FAILED(hr)) return hr;
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.funcs.size()) return TYPE_E_ELEMENTNOTFOUND;
    set_cust(t.funcs[index].d.custom, *g, v);
    return S_OK;
  });
}

HRESULT create_info::SetParamCustData(UINT func, UINT param, REFGUID guid, VARIANT* value) {
  const GUID* g = nullable(&guid);
  tl::value v;
  if (!g) return E_INVALIDARG;
  if (const HRESULT hr = value_of(value, v); FAILED(hr)) return hr;
  return change([&](tl::type_data& t) -> HRESULT {
    if (func >= t.funcs.size() || param >= t.funcs[func].params.size()) return TYPE_E_ELEMENTNOTFOUND;
    set_cust(t.funcs[func].params[param].custom, *g, v);
    return S_OK;
  });
}

HRESULT create_info::SetVarCustData(UINT index, REFGUID guid, VARIANT* value) {
  const GUID* g = nullable(&guid);
  tl::value v;
  if (!g) return E_INVALIDARG;
  if (const HRESULT hr = value_of(value, v); FAILED(hr)) return hr;
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.vars.size()) return TYPE_E_ELEMENTNOTFOUND;
    set_cust(t.vars[index].d.custom, *g, v);
    return S_OK;
  });
}

HRESULT create_info::SetHelpStringContext(ULONG context) {
  return change([&](tl::type_data& t) {
    t.d.helpstringcontext = context;
    return S_OK;
  });
}

HRESULT create_info::SetFuncHelpStringContext(UINT index, ULONG context) {
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.funcs.size()) return TYPE_E_ELEMENTNOTFOUND;
    t.funcs[index].d.helpstringcontext = context;
    return S_OK;
  });
}

HRESULT create_info::SetVarHelpStringContext(UINT index, ULONG context) {
  return change([&](tl::type_data& t) -> HRESULT {
    if (index >= t.vars.size()) return TYPE_E_ELEMENTNOTFOUND;
    t.vars[index].d.helpstringcontext = context;
    return S_OK;
  });
}

}  // namespace
}  // namespace comkit::rt

using namespace comkit::rt;

COMKIT_STDAPI CreateTypeLib2(SYSKIND syskind, LPCOLESTR szFile, ICreateTypeLib2** ppctlib) {
  if (!ppctlib) return E_INVALIDARG;
  *ppctlib = nullptr;
  if (!szFile || !*szFile || (syskind != SYS_WIN32 && syskind != SYS_WIN64)) return E_INVALIDARG;
  try {
    *ppctlib = new create_lib(syskind, comkit::detail::utf8_of(reinterpret_cast<const char16_t*>(szFile)));
    return S_OK;
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  }
}

// A library of two types, never saved: the interface INTERFACEDATA
// describes and a coclass implementing it, which is what the caller gets.
COMKIT_STDAPI CreateDispTypeInfo(INTERFACEDATA* pidata, LCID lcid, ITypeInfo** pptinfo) {
  namespace tl = comkit::typelib;
  if (!pptinfo) return E_INVALIDARG;
  *pptinfo = nullptr;
  if (!pidata || (pidata->cMembers && !pidata->pmethdata)) return E_INVALIDARG;
  create_lib* lib = nullptr;
  try {
    tl::type_data iface;
    iface.kind = TKIND_INTERFACE;
    iface.size = iface.alignment = sizeof(void*);
    UINT slots = 0;
    for (UINT i = 0; i < pidata->cMembers; ++i) {
      const METHODDATA& m = pidata->pmethdata[i];
      if (m.cArgs && !m.ppdata) return E_INVALIDARG;
      if (m.iMeth > 0x7FFF / sizeof(void*) || m.cArgs > 0x7FFF) return E_INVALIDARG;
      tl::func_data f;
      f.d.name = text(m.szName);
      f.memid = m.dispid;
      f.funckind = FUNC_VIRTUAL;
      f.invkind = static_cast<INVOKEKIND>(m.wFlags);
      f.callconv = m.cc;
      f.ovft = static_cast<SHORT>(m.iMeth * sizeof(void*));
      f.result.vt = m.vtReturn;
      for (UINT k = 0; k < m.cArgs; ++k) {
        tl::param_data p;
        p.name = text(m.ppdata[k].szName);
        p.type.vt = m.ppdata[k].vt;
        p.flags = PARAMFLAG_NONE;
        f.params.push_back(std::move(p));
      }
      iface.funcs.push_back(std::move(f));
      slots = std::max(slots, m.iMeth + 1);
    }
    iface.size_vft = static_cast<WORD>(slots * sizeof(void*));
    tl::type_data coclass;
    coclass.kind = TKIND_COCLASS;
    coclass.size = sizeof(void*);
    coclass.alignment = 4;
    coclass.impls.push_back(tl::impl_type{{tl::href::local, 0}, IMPLTYPEFLAG_FDEFAULT});
    lib = new create_lib(sizeof(void*) == 8 ? SYS_WIN64 : SYS_WIN32, std::string());
    lib->set_lcid(lcid);
    lib->add_made(std::move(iface));
    lib->add_made(std::move(coclass));
  } catch (const std::bad_alloc&) {
    if (lib) lib->Release();
    return E_OUTOFMEMORY;
  }
  const HRESULT hr = lib->GetTypeInfo(1, pptinfo);
  lib->Release();
  return hr;
}

COMKIT_STDAPI CreateTypeLib(SYSKIND syskind, LPCOLESTR szFile, ICreateTypeLib** ppctlib) {
  if (!ppctlib) return E_INVALIDARG;
  ICreateTypeLib2* lib = nullptr;
  const HRESULT hr = CreateTypeLib2(syskind, szFile, &lib);
  *ppctlib = lib;
  return hr;
}
