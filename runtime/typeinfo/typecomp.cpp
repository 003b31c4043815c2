// runtime/typeinfo/typecomp.cpp - ITypeComp, the binding interface
// compilers and script engines use to resolve a name: over one type info
// (its functions and variables, then its base interface's) or over a whole
// library (its enum constants, module members and application objects, and
// its type names). Written against the public ITypeInfo/ITypeLib methods,
// so it serves any implementation of them.
#include <atomic>
#include <new>
#include <string>

#include <objbase.h>
#include <oleauto.h>

#include "marshal/counted_object.h"
#include "runtime_internal.h"
#include "typeinfo_internal.h"

namespace comkit::rt {
namespace {


bool name_is(ITypeInfo* ti, MEMBERID memid, const OLECHAR* name) {
  BSTR n = nullptr;
  if (FAILED(ti->GetDocumentation(memid, &n, nullptr, nullptr, nullptr))) return false;
  const bool same = n && same_name(std::u16string_view(reinterpret_cast<const char16_t*>(n), SysStringLen(n)), name);
  SysFreeString(n);
  return same;
}

// The INVOKE_* kinds a Bind's wFlags allow (0: any).
bool kind_allowed(INVOKEKIND kind, WORD flags) {
  if (flags == 0) return true;
  return ((flags & INVOKE_FUNC) && kind == INVOKE_FUNC) || ((flags & INVOKE_PROPERTYGET) && kind == INVOKE_PROPERTYGET) ||
         ((flags & INVOKE_PROPERTYPUT) && kind == INVOKE_PROPERTYPUT) ||
         ((flags & INVOKE_PROPERTYPUTREF) && kind == INVOKE_PROPERTYPUTREF);
}

void clear_result(ITypeInfo** info, DESCKIND* kind, BINDPTR* ptr) {
  *info = nullptr;
  *kind = DESCKIND_NONE;
  ptr->lpfuncdesc = nullptr;
}

// A coclass's default incoming interface: the one marked [default] and not
// [source], else the first not [source]; `impls` when there is none.
UINT default_member(ITypeInfo* coclass, UINT impls) {
  UINT first = impls;
  for (UINT i = 0; i < impls; ++i) {
    INT f = 0;
    if (FAILED(coclass->GetImplTypeFlags(i, &f)) || (f & IMPLTYPEFLAG_FSOURCE)) continue;
    if (f & IMPLTYPEFLAG_FDEFAULT) return i;
    if (first == impls) first = i;
  }
  return first;
}

// Binds `name` in one type info: its functions, its variables, then (for an
// interface) its base's or (for a coclass) its default interface's.
HRESULT bind_in_typeinfo(ITypeInfo* ti, const OLECHAR* name, WORD flags, ITypeInfo** info, DESCKIND* kind, BINDPTR* ptr, int depth) {
  if (depth > 32) return S_OK;
  TYPEATTR* attr = nullptr;
  if (const HRESULT hr = ti->GetTypeAttr(&attr); FAILED(hr)) return hr;
  const WORD funcs = attr->cFuncs, vars = attr->cVars, impls = attr->cImplTypes;
  const TYPEKIND typekind = attr->typekind;
  ti->ReleaseTypeAttr(attr);
  bool name_matched = false;
  for (UINT i = 0; i < funcs; ++i) {
    FUNCDESC* f = nullptr;
    if (FAILED(ti->GetFuncDesc(i, &f))) continue;
    if (name_is(ti, f->memid, name)) {
      if (kind_allowed(f->invkind, flags)) {
        ti->AddRef();
        *info = ti;
        *kind = DESCKIND_FUNCDESC;
        ptr->lpfuncdesc = f;
        return S_OK;
      }
      name_matched = true;
    }
    ti->ReleaseFuncDesc(f);
  }
  for (UINT i = 0; i < vars; ++i) {
    VARDESC* v = nullptr;
    if (FAILED(ti->GetVarDesc(i, &v))) continue;
    if (name_is(ti, v->memid, name)) {
      ti->AddRef();
      *info = ti;
      *kind = DESCKIND_VARDESC;
      ptr->lpvardesc = v;
      return S_OK;
    }
    ti->ReleaseVarDesc(v);
  }
  // An interface goes on in its base; a coclass binds in its default
  // interface (its ITypeComp is that interface's).
  if ((typekind == TKIND_INTERFACE || typekind == TKIND_COCLASS) && impls > 0) {
    HREFTYPE href;
    ITypeInfo* base = nullptr;
    const UINT at = typekind == TKIND_COCLASS ? default_member(ti, impls) : 0;
    if (at < impls && SUCCEEDED(ti->GetRefTypeOfImplType(at, &href)) && SUCCEEDED(ti->GetRefTypeInfo(href, &base))) {
      const HRESULT hr = bind_in_typeinfo(base, name, flags, info, kind, ptr, depth + 1);
      base->Release();
      if (FAILED(hr) || *kind != DESCKIND_NONE) return hr;
    }
  }
  // The name exists, but not as the kind of member asked for.
  return name_matched ? TYPE_E_TYPEMISMATCH : S_OK;
}

class typeinfo_comp final : public counted_object<typeinfo_comp, ITypeComp, IID_ITypeComp> {
 public:
  explicit typeinfo_comp(ITypeInfo* ti) : ti_(ti) { ti_->AddRef(); }
  ~typeinfo_comp() { ti_->Release(); }

  HRESULT STDMETHODCALLTYPE Bind(LPOLESTR name, ULONG, WORD flags, ITypeInfo** info, DESCKIND* kind, BINDPTR* ptr) override {
    return typeinfo_bind(ti_, name, flags, info, kind, ptr);
  }
  HRESULT STDMETHODCALLTYPE BindType(LPOLESTR name, ULONG, ITypeInfo** info, ITypeComp** comp) override {
    return typeinfo_bind_type(name, info, comp);
  }

 private:
  ITypeInfo* ti_;
};

class typelib_comp final : public counted_object<typelib_comp, ITypeComp, IID_ITypeComp> {
 public:
  explicit typelib_comp(ITypeLib* lib) : lib_(lib) { lib_->AddRef(); }
  ~typelib_comp() { lib_->Release(); }


  // A library binds, in type info order (MS-OAUT's binding context of a
  // library): the name of a module or enum (its ITypeComp,
  // DESCKIND_TYPECOMP), a member of a module or an enum constant, and an
  // [appobject] coclass's name or a member of its default interface
  // (DESCKIND_IMPLICITAPPOBJ: the info is the coclass and the VARDESC a
  // static variable of its type, the application object through which the
  // member is reached). Other type names are BindType's.
  HRESULT STDMETHODCALLTYPE Bind(LPOLESTR name, ULONG, WORD flags, ITypeInfo** info, DESCKIND* kind, BINDPTR* ptr) override {
    if (!name || !info || !kind || !ptr) return E_INVALIDARG;
    clear_result(info, kind, ptr);
    const UINT count = lib_->GetTypeInfoCount();
    for (UINT i = 0; i < count; ++i) {
      ITypeInfo* ti = nullptr;
      if (FAILED(lib_->GetTypeInfo(i, &ti))) continue;
      TYPEATTR* attr = nullptr;
      if (FAILED(ti->GetTypeAttr(&attr))) {
        ti->Release();
        continue;
      }
      const TYPEKIND typekind = attr->typekind;
      const bool appobject = typekind == TKIND_COCLASS && (attr->wTypeFlags & TYPEFLAG_FAPPOBJECT);
      ti->ReleaseTypeAttr(attr);
      HRESULT hr = S_OK;
      if (appobject) {
        bool bound = name_is(ti, MEMBERID_NIL, name);
        if (!bound) {
          hr = bind_in_typeinfo(ti, name, flags, info, kind, ptr, 0);
          bound = SUCCEEDED(hr) && *kind != DESCKIND_NONE;
          if (*kind == DESCKIND_FUNCDESC) (*info)->ReleaseFuncDesc(ptr->lpfuncdesc);
          if (*kind == DESCKIND_VARDESC) (*info)->ReleaseVarDesc(ptr->lpvardesc);
          if (*info) (*info)->Release();
          clear_result(info, kind, ptr);
          if (FAILED(hr)) {
            ti->Release();
            return hr;
          }
        }
        if (bound) {
          UINT index = 0;
          if (FAILED(ti->GetContainingTypeLib(nullptr, &index))) index = i;
          VARDESC* v = new_appobject_vardesc(static_cast<HREFTYPE>(index * typeinfo_stride));
          if (!v) {
            ti->Release();
            return E_OUTOFMEMORY;
          }
          *info = ti;  // the reference taken by GetTypeInfo
          *kind = DESCKIND_IMPLICITAPPOBJ;
          ptr->lpvardesc = v;
          return S_OK;
        }
      }
      if ((typekind == TKIND_MODULE || typekind == TKIND_ENUM) && name_is(ti, MEMBERID_NIL, name)) {
        ITypeComp* comp = nullptr;
        hr = ti->GetTypeComp(&comp);
        ti->Release();
        if (FAILED(hr)) return hr;
        *kind = DESCKIND_TYPECOMP;
        ptr->lptcomp = comp;
        return S_OK;
      }
      if (typekind == TKIND_MODULE || typekind == TKIND_ENUM) {
        hr = bind_in_typeinfo(ti, name, flags, info, kind, ptr, 0);
        if (FAILED(hr) || *kind != DESCKIND_NONE) {
          ti->Release();
          return hr;
        }
      }
      ti->Release();
    }
    return S_OK;
  }

  HRESULT STDMETHODCALLTYPE BindType(LPOLESTR name, ULONG, ITypeInfo** info, ITypeComp** comp) override {
    if (!name || !info || !comp) return E_INVALIDARG;
    *info = nullptr;
    *comp = nullptr;
    const UINT count = lib_->GetTypeInfoCount();
    for (UINT i = 0; i < count; ++i) {
      ITypeInfo* ti = nullptr;
      if (FAILED(lib_->GetTypeInfo(i, &ti))) continue;
      if (name_is(ti, MEMBERID_NIL, name)) {
        *info = ti;
        return S_OK;
      }
      ti->Release();
    }
    return S_OK;
  }

 private:
  ITypeLib* lib_;
};

}  // namespace

HRESULT typeinfo_bind(ITypeInfo* ti, const OLECHAR* name, WORD flags, ITypeInfo** info, DESCKIND* kind, BINDPTR* ptr) {
  if (!name || !info || !kind || !ptr) return E_INVALIDARG;
  clear_result(info, kind, ptr);
  return bind_in_typeinfo(ti, name, flags, info, kind, ptr, 0);
}

HRESULT typeinfo_bind_type(const OLECHAR* name, ITypeInfo** info, ITypeComp** comp) {
  if (!name || !info || !comp) return E_INVALIDARG;
  *info = nullptr;  // a type info names no types
  *comp = nullptr;
  return S_OK;
}

HRESULT make_typeinfo_comp(ITypeInfo* ti, ITypeComp** out) {
  if (!out) return E_INVALIDARG;
  *out = new (std::nothrow) typeinfo_comp(ti);
  return *out ? S_OK : E_OUTOFMEMORY;
}

HRESULT make_typelib_comp(ITypeLib* lib, ITypeComp** out) {
  if (!out) return E_INVALIDARG;
  *out = new (std::nothrow) typelib_comp(lib);
  return *out ? S_OK : E_OUTOFMEMORY;
}

}  // namespace comkit::rt
