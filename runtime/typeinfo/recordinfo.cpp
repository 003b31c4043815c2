// runtime/typeinfo/recordinfo.cpp - IRecordInfo over a record's type info
// (GetRecordInfoFromTypeInfo, GetRecordInfoFromGuids): what VT_RECORD in a
// VARIANT or a SAFEARRAY needs to create, copy, clear and reach the fields
// of a user-defined structure it knows only by its type description.
//
// The layout is read once, when the object is made: each field's offset and
// what kind of value it holds (plain bytes, a BSTR, a VARIANT, an interface,
// a SAFEARRAY, a nested record, a C array of any of these). Owning fields
// are copied deeply and released on clear, as Windows does.
#include <atomic>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <objbase.h>
#include <oleauto.h>

#include "marshal/counted_object.h"
#include "runtime_internal.h"
#include "typeinfo_internal.h"

namespace comkit::rt {
namespace {

class record_info;

// What a field (or a C array's element) holds.
struct field_kind {
  enum kind_t { bytes, bstr, variant, iface, array, record, carray } kind = bytes;
  VARTYPE vt = VT_EMPTY;   // as a VARIANT would carry it (VT_EMPTY: not representable)
  ULONG size = 0;          // bytes of one value
  record_info* nested = nullptr;  // record: owned reference
  std::shared_ptr<field_kind> element;  // carray
  ULONG count = 0;                      // carray: elements
};

struct field {
  std::u16string name;
  ULONG offset = 0;
  field_kind kind;
};


HRESULT describe(ITypeInfo* ti, const TYPEDESC& t, field_kind& out, int depth);

class record_info final : public counted_object<record_info, IRecordInfo, IID_IRecordInfo> {
 public:
  static HRESULT create(ITypeInfo* ti, record_info** out, int depth = 0) {
    *out = nullptr;
    if (depth > 16) return E_INVALIDARG;
    TYPEATTR* attr = nullptr;
    if (const HRESULT hr = ti->GetTypeAttr(&attr); FAILED(hr)) return hr;
    if (attr->typekind != TKIND_RECORD) {
      ti->ReleaseTypeAttr(attr);
      return E_INVALIDARG;
    }
    auto* r = new (std::nothrow) record_info(ti, attr->guid, attr->cbSizeInstance);
    const WORD vars = attr->cVars;
    ti->ReleaseTypeAttr(attr);
    if (!r) return E_OUTOFMEMORY;
    for (UINT i = 0; i < vars; ++i) {
      VARDESC* v = nullptr;
      HRESULT hr = ti->GetVarDesc(i, &v);
      if (FAILED(hr)) {
        r->Release();
        return hr;
      }
      field f;
      f.offset = v->oInst;
      BSTR name = nullptr;
      if (SUCCEEDED(ti->GetDocumentation(v->memid, &name, nullptr, nullptr, nullptr)) && name)
        f.name.assign(reinterpret_cast<const char16_t*>(name), SysStringLen(name));
      SysFreeString(name);
      hr = describe(ti, v->elemdescVar.tdesc, f.kind, depth + 1);
      ti->ReleaseVarDesc(v);
      if (FAILED(hr) || f.offset + f.kind.size > r->size_) {
        r->fields_.push_back(std::move(f));  // released with the object
        r->Release();
        return FAILED(hr) ? hr : E_INVALIDARG;
      }
      r->fields_.push_back(std::move(f));
    }
    BSTR name = nullptr;
    if (SUCCEEDED(ti->GetDocumentation(MEMBERID_NIL, &name, nullptr, nullptr, nullptr)) && name)
      r->name_.assign(reinterpret_cast<const char16_t*>(name), SysStringLen(name));
    SysFreeString(name);
    *out = r;
    return S_OK;
  }



  HRESULT STDMETHODCALLTYPE RecordInit(PVOID pvNew) override {
    if (!pvNew) return E_INVALIDARG;
    std::memset(pvNew, 0, size_);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE RecordClear(PVOID pvExisting) override {
    if (!pvExisting) return E_INVALIDARG;
    for (const field& f : fields_) clear_value(f.kind, static_cast<char*>(pvExisting) + f.offset);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE RecordCopy(PVOID pvExisting, PVOID pvNew) override {
    if (!pvExisting || !pvNew) return E_INVALIDARG;
    if (pvExisting == pvNew) return S_OK;
    std::memcpy(pvNew, pvExisting, size_);
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      const field& f = fields_[i];
      const HRESULT hr = copy_value(f.kind, static_cast<char*>(pvExisting) + f.offset, static_cast<char*>(pvNew) + f.offset);
      if (FAILED(hr)) {
        // Undo the deep copies made so far; the rest are shallow.
        for (std::size_t k = 0; k < i; ++k) clear_value(fields_[k].kind, static_cast<char*>(pvNew) + fields_[k].offset);
        std::memset(pvNew, 0, size_);
        return hr;
      }
    }
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetGuid(GUID* pguid) override {
    if (!pguid) return E_INVALIDARG;
    *pguid = guid_;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetName(BSTR* pbstrName) override {
    if (!pbstrName) return E_INVALIDARG;
    *pbstrName = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(name_.data()), static_cast<UINT>(name_.size()));
    return *pbstrName ? S_OK : E_OUTOFMEMORY;
  }
  HRESULT STDMETHODCALLTYPE GetSize(ULONG* pcbSize) override {
    if (!pcbSize) return E_INVALIDARG;
    *pcbSize = size_;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(ITypeInfo** ppTypeInfo) override {
    if (!ppTypeInfo) return E_INVALIDARG;
    *ppTypeInfo = ti_;
    ti_->AddRef();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetField(PVOID pvData, LPCOLESTR name, VARIANT* out) override {
    const field* f = find(name);
    if (!pvData || !name || !out) return E_INVALIDARG;
    if (!f) return DISP_E_UNKNOWNNAME;
    VARIANT view;
    if (const HRESULT hr = field_view(*f, pvData, view); FAILED(hr)) return hr;
    VariantClear(out);
    return VariantCopyInd(out, &view);
  }
  HRESULT STDMETHODCALLTYPE GetFieldNoCopy(PVOID pvData, LPCOLESTR name, VARIANT* out, PVOID* ppvDataCArray) override {
    const field* f = find(name);
    if (!pvData || !name || !out || !ppvDataCArray) return E_INVALIDARG;
    if (!f) return DISP_E_UNKNOWNNAME;
    VariantClear(out);
    if (const HRESULT hr = field_view(*f, pvData, *out); FAILED(hr)) return hr;
    *ppvDataCArray = static_cast<char*>(pvData) + f->offset;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE PutField(ULONG wFlags, PVOID pvData, LPCOLESTR name, VARIANT* in) override {
    return put(wFlags, pvData, name, in, true);
  }
  HRESULT STDMETHODCALLTYPE PutFieldNoCopy(ULONG wFlags, PVOID pvData, LPCOLESTR name, VARIANT* in) override {
    return put(wFlags, pvData, name, in, false);
  }
  HRESULT STDMETHODCALLTYPE GetFieldNames(ULONG* pcNames, BSTR* rgBstrNames) override {
    if (!pcNames) return E_INVALIDARG;
    if (!rgBstrNames) {
      *pcNames = static_cast<ULONG>(fields_.size());
      return S_OK;
    }
    const ULONG n = std::min<ULONG>(*pcNames, static_cast<ULONG>(fields_.size()));
    for (ULONG i = 0; i < n; ++i)
      rgBstrNames[i] = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(fields_[i].name.data()), static_cast<UINT>(fields_[i].name.size()));
    *pcNames = n;
    return S_OK;
  }
  BOOL STDMETHODCALLTYPE IsMatchingType(IRecordInfo* other) override {
    if (!other) return FALSE;
    GUID g{};
    if (FAILED(other->GetGuid(&g))) return FALSE;
    if (g != GUID{} || guid_ != GUID{}) return g == guid_;
    BSTR n = nullptr;
    const bool same = SUCCEEDED(other->GetName(&n)) && n && same_name(name_, n);
    SysFreeString(n);
    return same ? TRUE : FALSE;
  }
  PVOID STDMETHODCALLTYPE RecordCreate() override {
    void* p = CoTaskMemAlloc(size_ ? size_ : 1);
    if (p) RecordInit(p);
    return p;
  }
  HRESULT STDMETHODCALLTYPE RecordCreateCopy(PVOID pvSource, PVOID* ppvDest) override {
    if (!pvSource || !ppvDest) return E_INVALIDARG;
    *ppvDest = RecordCreate();
    if (!*ppvDest) return E_OUTOFMEMORY;
    const HRESULT hr = RecordCopy(pvSource, *ppvDest);
    if (FAILED(hr)) {
      CoTaskMemFree(*ppvDest);
      *ppvDest = nullptr;
    }
    return hr;
  }
  HRESULT STDMETHODCALLTYPE RecordDestroy(PVOID pvRecord) override {
    if (!pvRecord) return S_OK;
    RecordClear(pvRecord);
    CoTaskMemFree(pvRecord);
    return S_OK;
  }

  // Releases what a value of `k` at `at` owns, and zeroes it.
  static void clear_value(const field_kind& k, void* at) {
    switch (k.kind) {
      case field_kind::bytes: return;
      case field_kind::bstr: {
        BSTR* b = static_cast<BSTR*>(at);
        SysFreeString(*b);
        *b = nullptr;
        return;
      }
      case field_kind::variant: VariantClear(static_cast<VARIANT*>(at)); return;
      case field_kind::iface: {
        IUnknown** p = static_cast<IUnknown**>(at);
        if (*p) (*p)->Release();
        *p = nullptr;
        return;
      }
      case field_kind::array: {
        SAFEARRAY** p = static_cast<SAFEARRAY**>(at);
        SafeArrayDestroy(*p);
        *p = nullptr;
        return;
      }
      case field_kind::record: k.nested->RecordClear(at); return;
      case field_kind::carray:
        for (ULONG i = 0; i < k.count; ++i) clear_value(*k.element, static_cast<char*>(at) + i * k.element->size);
        return;
    }
  }

  // Deep-copies what `from` owns into `to`, which holds a shallow copy.
  static HRESULT copy_value(const field_kind& k, const void* from, void* to) {
    switch (k.kind) {
      case field_kind::bytes: return S_OK;
      case field_kind::bstr: {
        const BSTR src = *static_cast<const BSTR*>(from);
        BSTR* dst = static_cast<BSTR*>(to);
        *dst = src ? SysAllocStringByteLen(reinterpret_cast<LPCSTR>(src), SysStringByteLen(src)) : nullptr;
        return !src || *dst ? S_OK : E_OUTOFMEMORY;
      }
      case field_kind::variant: {
        VARIANT* dst = static_cast<VARIANT*>(to);
        VariantInit(dst);
        return VariantCopy(dst, static_cast<const VARIANT*>(from));
      }
      case field_kind::iface:
        if (IUnknown* p = *static_cast<IUnknown* const*>(from)) p->AddRef();
        return S_OK;
      case field_kind::array: {
        SAFEARRAY* const src = *static_cast<SAFEARRAY* const*>(from);
        SAFEARRAY** dst = static_cast<SAFEARRAY**>(to);
        *dst = nullptr;
        return src ? SafeArrayCopy(src, dst) : S_OK;
      }
      case field_kind::record: return k.nested->RecordCopy(const_cast<void*>(from), to);
      case field_kind::carray:
        for (ULONG i = 0; i < k.count; ++i) {
          const HRESULT hr = copy_value(*k.element, static_cast<const char*>(from) + i * k.element->size, static_cast<char*>(to) + i * k.element->size);
          if (FAILED(hr)) {
            for (ULONG j = 0; j < i; ++j) clear_value(*k.element, static_cast<char*>(to) + j * k.element->size);
            return hr;
          }
        }
        return S_OK;
    }
    return S_OK;
  }

 private:
  friend class counted_object<record_info, IRecordInfo, IID_IRecordInfo>;  // deletes it
  record_info(ITypeInfo* ti, const GUID& guid, ULONG size) : ti_(ti), guid_(guid), size_(size) { ti_->AddRef(); }
  ~record_info() {
    for (field& f : fields_) release_nested(f.kind);
    ti_->Release();
  }
  static void release_nested(field_kind& k) {
    if (k.nested) k.nested->Release();
    k.nested = nullptr;
    if (k.element) release_nested(*k.element);
  }

  const field* find(LPCOLESTR name) const {
    if (!name) return nullptr;
    for (const field& f : fields_)
      if (same_name(f.name, name)) return &f;
    return nullptr;
  }

  // The field as a by-reference VARIANT pointing into the record.
  HRESULT field_view(const field& f, void* data, VARIANT& out) const {
    VariantInit(&out);
    if (f.kind.vt == VT_EMPTY || f.kind.kind == field_kind::carray) return DISP_E_BADVARTYPE;
    void* at = static_cast<char*>(data) + f.offset;
    if (f.kind.kind == field_kind::record) {
      V_VT(&out) = VT_RECORD | VT_BYREF;
      out.pvRecord = at;
      out.pRecInfo = f.kind.nested;
      return S_OK;
    }
    V_VT(&out) = static_cast<VARTYPE>(f.kind.vt | VT_BYREF);
    out.byref = at;
    return S_OK;
  }

  HRESULT put(ULONG flags, void* data, LPCOLESTR name, VARIANT* in, bool copy) {
    if (!data || !name || !in) return E_INVALIDARG;
    if (!(flags & (INVOKE_PROPERTYPUT | INVOKE_PROPERTYPUTREF))) return E_INVALIDARG;
    const field* f = find(name);
    if (!f) return DISP_E_UNKNOWNNAME;
    if (f->kind.vt == VT_EMPTY || f->kind.kind == field_kind::carray || f->kind.kind == field_kind::record) return DISP_E_BADVARTYPE;
    void* at = static_cast<char*>(data) + f->offset;
    VARIANT value;
    VariantInit(&value);
    if (f->kind.kind == field_kind::variant) {
      HRESULT hr = copy ? VariantCopyInd(&value, in) : S_OK;
      if (FAILED(hr)) return hr;
      VariantClear(static_cast<VARIANT*>(at));
      std::memcpy(at, copy ? &value : in, sizeof(VARIANT));
      return S_OK;
    }
    if (copy || V_VT(in) != f->kind.vt) {
      if (const HRESULT hr = VariantChangeType(&value, in, 0, f->kind.vt); FAILED(hr)) return hr;
    } else {
      value = *in;  // taken as it is: the record owns it now
    }
    clear_value(f->kind, at);
    std::memcpy(at, &value.llVal, f->kind.size);
    return S_OK;
  }

  ITypeInfo* ti_;
  GUID guid_;
  ULONG size_;
  std::u16string name_;
  std::vector<field> fields_;
};

ULONG size_of(VARTYPE vt) {
  switch (vt) {
    case VT_I1: case VT_UI1: return 1;
    case VT_I2: case VT_UI2: case VT_BOOL: return 2;
    case VT_I4: case VT_UI4: case VT_INT: case VT_UINT: case VT_R4: case VT_ERROR: case VT_HRESULT: return 4;
    case VT_I8: case VT_UI8: case VT_R8: case VT_CY: case VT_DATE: return 8;
    case VT_DECIMAL: return 16;
    case VT_VARIANT: return sizeof(VARIANT);
    default: return sizeof(void*);
  }
}

HRESULT describe(ITypeInfo* ti, const TYPEDESC& t, field_kind& out, int depth) {
  if (depth > 16) return E_INVALIDARG;
  out = field_kind{};
  switch (t.vt) {
    case VT_BSTR: out.kind = field_kind::bstr; out.vt = VT_BSTR; break;
    case VT_VARIANT: out.kind = field_kind::variant; out.vt = VT_VARIANT; break;
    case VT_UNKNOWN: case VT_DISPATCH: out.kind = field_kind::iface; out.vt = t.vt; break;
    case VT_SAFEARRAY: out.kind = field_kind::array; out.vt = VT_EMPTY; break;
    case VT_PTR:
      // IFoo* owns a reference; any other pointer is plain bytes.
      if (t.lptdesc && t.lptdesc->vt == VT_USERDEFINED) {
        ITypeInfo* ref = nullptr;
        TYPEATTR* a = nullptr;
        if (SUCCEEDED(ti->GetRefTypeInfo(t.lptdesc->hreftype, &ref)) && SUCCEEDED(ref->GetTypeAttr(&a))) {
          if (a->typekind == TKIND_INTERFACE || a->typekind == TKIND_DISPATCH) {
            out.kind = field_kind::iface;
            out.vt = a->typekind == TKIND_DISPATCH ? VT_DISPATCH : VT_UNKNOWN;
          }
          ref->ReleaseTypeAttr(a);
        }
        if (ref) ref->Release();
      }
      if (out.kind == field_kind::bytes) out.vt = VT_EMPTY;
      out.size = sizeof(void*);
      return S_OK;
    case VT_CARRAY: {
      if (!t.lpadesc) return E_INVALIDARG;
      auto element = std::make_shared<field_kind>();
      if (const HRESULT hr = describe(ti, t.lpadesc->tdescElem, *element, depth + 1); FAILED(hr)) return hr;
      ULONG count = 1;
      for (USHORT d = 0; d < t.lpadesc->cDims; ++d) count *= t.lpadesc->rgbounds[d].cElements;
      out.kind = field_kind::carray;
      out.element = std::move(element);
      out.count = count;
      out.size = count * out.element->size;
      out.vt = VT_EMPTY;
      return S_OK;
    }
    case VT_USERDEFINED: {
      ITypeInfo* ref = nullptr;
      if (const HRESULT hr = ti->GetRefTypeInfo(t.hreftype, &ref); FAILED(hr)) return hr;
      TYPEATTR* a = nullptr;
      HRESULT hr = ref->GetTypeAttr(&a);
      if (SUCCEEDED(hr)) {
        switch (a->typekind) {
          case TKIND_ENUM: out.vt = VT_I4; out.size = 4; break;
          case TKIND_ALIAS: hr = describe(ref, a->tdescAlias, out, depth + 1); break;
          case TKIND_RECORD: {
            record_info* nested = nullptr;
            hr = record_info::create(ref, &nested, depth + 1);
            if (SUCCEEDED(hr)) {
              out.kind = field_kind::record;
              out.vt = VT_RECORD;
              out.nested = nested;
              out.size = a->cbSizeInstance;
            }
            break;
          }
          case TKIND_UNION: out.vt = VT_EMPTY; out.size = a->cbSizeInstance; break;  // bytes: no owner known
          default: hr = E_INVALIDARG; break;
        }
        ref->ReleaseTypeAttr(a);
      }
      ref->Release();
      return hr;
    }
    case VT_LPSTR: case VT_LPWSTR: case VT_INT_PTR: case VT_UINT_PTR: out.vt = VT_EMPTY; break;
    default: out.vt = t.vt; break;
  }
  if (!out.size) out.size = size_of(t.vt);
  return S_OK;
}

}  // namespace
}  // namespace comkit::rt

COMKIT_STDAPI GetRecordInfoFromTypeInfo(ITypeInfo* pTypeInfo, IRecordInfo** ppRecInfo) {
  if (!pTypeInfo || !ppRecInfo) return E_INVALIDARG;
  *ppRecInfo = nullptr;
  comkit::rt::record_info* r = nullptr;
  const HRESULT hr = comkit::rt::record_info::create(pTypeInfo, &r);
  if (SUCCEEDED(hr)) *ppRecInfo = r;
  return hr;
}

COMKIT_STDAPI GetRecordInfoFromGuids(REFGUID rGuidTypeLib, ULONG uVerMajor, ULONG uVerMinor, LCID lcid, REFGUID rGuidTypeInfo,
                                     IRecordInfo** ppRecInfo) {
  const GUID* lib_id = comkit::rt::nullable(&rGuidTypeLib);
  const GUID* type_id = comkit::rt::nullable(&rGuidTypeInfo);
  if (!lib_id || !type_id || !ppRecInfo) return E_INVALIDARG;
  *ppRecInfo = nullptr;
  ITypeLib* lib = nullptr;
  HRESULT hr = LoadRegTypeLib(*lib_id, static_cast<WORD>(uVerMajor), static_cast<WORD>(uVerMinor), lcid, &lib);
  if (FAILED(hr)) return hr;
  ITypeInfo* ti = nullptr;
  hr = lib->GetTypeInfoOfGuid(*type_id, &ti);
  lib->Release();
  if (FAILED(hr)) return hr;
  hr = GetRecordInfoFromTypeInfo(ti, ppRecInfo);
  ti->Release();
  return hr;
}
