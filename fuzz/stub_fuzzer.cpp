// fuzz/stub_fuzzer.cpp - libFuzzer target over the table-driven proxies' and
// stubs' wire format (runtime/marshal/table_ps.cpp), which is untrusted input:
// requests come from other apartments and, with local servers, other
// processes, and so do replies. The first byte picks a method and a side:
// the rest is a request given to the stub (which decodes it and calls a
// server object) or a reply given to a proxy (which decodes it into the
// caller's [out] values), IDispatch::Invoke's hand-made format included.
// Checked: no crash, no leak, the server's reference count back to one after
// every input. Replayed by CTest.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <comkit/abi/proxytable.h>
#include <objbase.h>

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

const IID IID_IFuzzPs = {0x7e3a9c10, 0x2b4d, 0x4e6f, {0x80, 0x91, 0xa2, 0xb3, 0xc4, 0xd5, 0xe6, 0xf7}};
const IID IID_IFuzzDisp = {0x7e3a9c11, 0x2b4d, 0x4e6f, {0x80, 0x91, 0xa2, 0xb3, 0xc4, 0xd5, 0xe6, 0xf7}};

// The interface, described as `comkit idl` would describe:
//   HRESULT Values([in] LONG a, [in] double b, [in] const GUID* g, [out] LONGLONG* sum, [out] GUID* back);
//   HRESULT Texts([in] BSTR b, [in, string] const OLECHAR* w, [in, string] const char* s,
//                 [out] BSTR* bo, [out, string] LPOLESTR* wo, [in, out] BSTR* both);
//   HRESULT Arrays([in] ULONG n, [in, size_is(n)] const BYTE* in, [in, out] ULONG* used,
//                  [out, size_is(n), length_is(*used)] LONG* out);
//   HRESULT Objects([in] REFIID riid, [in, iid_is(riid)] IUnknown* any, [in, unique] IUnknown* maybe,
//                   [out] IUnknown** back);
//   HRESULT Maybe([in, unique] LONG* v, [out] SHORT* s);
//   HRESULT Variants([in] VARIANT v, [in, out] VARIANT* both, [out] VARIANT* copy);
//   HRESULT Names([in] ULONG n, [in, size_is(n)] BSTR* names, [out] ULONG* made,
//                 [out, size_is(, *made)] BSTR** out);
//   HRESULT Safearrays([in] SAFEARRAY(VARIANT) a, [in, out] SAFEARRAY(BSTR)* b, [out] SAFEARRAY(LONG)* c);
using P = COMKIT_PS_PARAM;
constexpr unsigned char IN = COMKIT_PS_IN, OUT = COMKIT_PS_OUT;
constexpr P hr_result = {COMKIT_PS_INT, 0, 0, 1, 4, -1, -1, 0, -1, 0, {}, nullptr};
const P values_params[] = {
    {COMKIT_PS_INT, IN, 0, 1, 4, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_FLOAT, IN, 0, 0, 8, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_FLAT, IN, 1, 0, sizeof(GUID), -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_INT, OUT, 1, 1, 8, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_FLAT, OUT, 1, 0, sizeof(GUID), -1, -1, 0, -1, 0, {}, nullptr},
};
const P texts_params[] = {
    {COMKIT_PS_BSTR, IN, 0, 0, 0, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_WSTR, IN, 0, 0, 0, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_ASTR, IN, 0, 0, 0, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_BSTR, OUT, 1, 0, 0, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_WSTR, OUT, 1, 0, 0, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_BSTR, IN | OUT, 1, 0, 0, -1, -1, 0, -1, 0, {}, nullptr},
};
const P arrays_params[] = {
    {COMKIT_PS_INT, IN, 0, 0, 4, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_FLAT, IN | COMKIT_PS_ARRAY, 1, 0, 1, -1, 0, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_INT, IN | OUT, 1, 0, 4, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_FLAT, OUT | COMKIT_PS_ARRAY, 1, 0, 4, -1, 0, 0, 2, 1, {}, nullptr},
};
const P objects_params[] = {
    {COMKIT_PS_FLAT, IN, 1, 0, sizeof(IID), -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_IFACE, IN, 0, 0, 0, 0, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_IFACE, IN | COMKIT_PS_UNIQUE, 0, 0, 0, -1, -1, 0, -1, 0, {}, &IID_IUnknown},
    {COMKIT_PS_IFACE, OUT, 1, 0, 0, -1, -1, 0, -1, 0, {}, &IID_IUnknown},
};
const P maybe_params[] = {
    {COMKIT_PS_INT, IN | COMKIT_PS_UNIQUE, 1, 1, 4, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_INT, OUT, 1, 1, 2, -1, -1, 0, -1, 0, {}, nullptr},
};
const P variants_params[] = {
    {COMKIT_PS_VARIANT, IN, 0, 0, sizeof(VARIANT), -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_VARIANT, IN | OUT, 1, 0, sizeof(VARIANT), -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_VARIANT, OUT, 1, 0, sizeof(VARIANT), -1, -1, 0, -1, 0, {}, nullptr},
};
const P names_params[] = {
    {COMKIT_PS_INT, IN, 0, 0, 4, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_BSTR, IN | COMKIT_PS_ARRAY, 1, 0, sizeof(BSTR), -1, 0, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_INT, OUT, 1, 0, 4, -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_BSTR, OUT | COMKIT_PS_ALLOCATED, 1, 0, sizeof(BSTR), -1, 2, 1, -1, 0, {}, nullptr},
};
const P safearrays_params[] = {
    {COMKIT_PS_SAFEARRAY, IN, 0, 0, sizeof(void*), -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_SAFEARRAY, IN | OUT, 1, 0, sizeof(void*), -1, -1, 0, -1, 0, {}, nullptr},
    {COMKIT_PS_SAFEARRAY, OUT, 1, 0, sizeof(void*), -1, -1, 0, -1, 0, {}, nullptr},
};
const COMKIT_PS_METHOD methods[] = {
    {"Values", 5, 1, 0, hr_result, values_params},   {"Texts", 6, 1, 0, hr_result, texts_params},
    {"Arrays", 4, 1, 0, hr_result, arrays_params},   {"Objects", 4, 1, 0, hr_result, objects_params},
    {"Maybe", 2, 1, 0, hr_result, maybe_params},     {"Variants", 3, 1, 0, hr_result, variants_params},
    {"Names", 4, 1, 0, hr_result, names_params},     {"Safearrays", 3, 1, 0, hr_result, safearrays_params},
};
const COMKIT_PS_INTERFACE fuzz_interface = {&IID_IFuzzPs, "IFuzzPs", 11, 0, methods};

// A dual interface's IDispatch part: Invoke is carried by hand
// (table_ps.cpp's invoke_proxy/invoke_stub); the other three are not
// exercised here.
const COMKIT_PS_METHOD disp_methods[] = {
    {"GetTypeInfoCount", 0, 0, 0, hr_result, nullptr},
    {"GetTypeInfo", 0, 0, 0, hr_result, nullptr},
    {"GetIDsOfNames", 0, 0, 0, hr_result, nullptr},
    {"Invoke", 0, 0, 0, hr_result, nullptr},
};
const COMKIT_PS_INTERFACE disp_interface = {&IID_IFuzzDisp, "IFuzzDisp", 7, 0, disp_methods};
const COMKIT_PS_INTERFACE* const fuzz_interfaces[] = {&fuzz_interface, &disp_interface};
const COMKIT_PS_FILE fuzz_file = {COMKIT_PS_VERSION, 2, fuzz_interfaces};

// The server: a C vtable with those signatures.
struct server {
  void* const* vtbl;
  ULONG refs;
};
server* self(void* p) { return static_cast<server*>(p); }
HRESULT STDMETHODCALLTYPE s_query(void* p, REFIID riid, void** ppv) {
  if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IFuzzPs) || IsEqualIID(riid, IID_IFuzzDisp)) {
    *ppv = p;
    ++self(p)->refs;
    return S_OK;
  }
  *ppv = nullptr;
  return E_NOINTERFACE;
}
ULONG STDMETHODCALLTYPE s_addref(void* p) { return ++self(p)->refs; }
ULONG STDMETHODCALLTYPE s_release(void* p) { return --self(p)->refs; }
HRESULT STDMETHODCALLTYPE s_values(void*, LONG a, double, const GUID* g, LONGLONG* sum, GUID* back) {
  *sum = a;
  *back = *g;
  return S_OK;
}
HRESULT STDMETHODCALLTYPE s_texts(void*, BSTR b, const OLECHAR* w, const char* s, BSTR* bo, LPOLESTR* wo, BSTR* both) {
  *bo = SysAllocStringLen(b, b ? SysStringLen(b) : 0);
  std::size_t n = 0;
  while (w && w[n]) ++n;
  *wo = static_cast<LPOLESTR>(CoTaskMemAlloc((n + 1) * sizeof(OLECHAR)));
  if (*wo) {
    if (n) std::memcpy(*wo, w, n * sizeof(OLECHAR));
    (*wo)[n] = 0;
  }
  SysFreeString(*both);
  *both = SysAllocStringByteLen(s, s ? static_cast<UINT>(std::strlen(s)) : 0);
  return S_OK;
}
HRESULT STDMETHODCALLTYPE s_arrays(void*, ULONG n, const BYTE* in, ULONG* used, LONG* out) {
  for (ULONG k = 0; k < n; ++k) out[k] = in[k];
  if (*used > n) *used = n;
  return S_OK;
}
HRESULT STDMETHODCALLTYPE s_objects(void* p, REFIID, IUnknown* any, IUnknown* maybe, IUnknown** back) {
  *back = maybe ? maybe : any;
  if (*back) (*back)->AddRef();
  (void)p;
  return S_OK;
}
HRESULT STDMETHODCALLTYPE s_maybe(void*, LONG* v, SHORT* s) {
  *s = v ? static_cast<SHORT>(*v) : -1;
  return S_OK;
}
HRESULT STDMETHODCALLTYPE s_variants(void*, VARIANT v, VARIANT* both, VARIANT* copy) {
  if (v.vt == VT_UNKNOWN || v.vt == VT_DISPATCH) return S_OK;  // never handed back: the reply would hold it
  VariantCopy(copy, &v);
  VariantClear(both);
  return S_OK;
}
HRESULT STDMETHODCALLTYPE s_names(void*, ULONG n, BSTR* names, ULONG* made, BSTR** out) {
  *made = n;
  *out = static_cast<BSTR*>(CoTaskMemAlloc(n * sizeof(BSTR) + 1));
  for (ULONG k = 0; k < n; ++k) (*out)[k] = SysAllocStringLen(names[k], names[k] ? SysStringLen(names[k]) : 0);
  return S_OK;
}
HRESULT STDMETHODCALLTYPE s_safearrays(void*, SAFEARRAY* a, SAFEARRAY** b, SAFEARRAY** c) {
  *c = SafeArrayCreateVector(VT_I4, 0, a ? a->rgsabound[0].cElements % 16 : 0);
  if (*b) {
    SafeArrayDestroy(*b);
    *b = nullptr;
  }
  return S_OK;
}
// IDispatch::Invoke as a server sees it: changes a VT_BYREF BSTR, I4 or
// VARIANT argument, hands the first argument back as the result (not an
// interface: nobody would unmarshal it), and fails with a deferred
// EXCEPINFO for DISPID 3.
HRESULT STDMETHODCALLTYPE s_invoke(void*, DISPID id, REFIID, LCID, WORD, DISPPARAMS* p, VARIANT* result,
                                   EXCEPINFO* excep, UINT* arg_err) {
  for (UINT k = 0; k < p->cArgs; ++k) {
    VARIANT& a = p->rgvarg[k];
    if (a.vt == (VT_BYREF | VT_BSTR)) {
      SysFreeString(*a.pbstrVal);
      *a.pbstrVal = SysAllocString(u"changed");
    } else if (a.vt == (VT_BYREF | VT_I4)) {
      *a.plVal += 1;
    } else if (a.vt == (VT_BYREF | VT_VARIANT)) {
      VariantClear(a.pvarVal);
      a.pvarVal->vt = VT_R8;
      a.pvarVal->dblVal = 1.5;
    }
  }
  if (arg_err) *arg_err = p->cArgs;
  if (id == 3 && excep) {
    excep->pfnDeferredFillIn = [](EXCEPINFO* e) -> HRESULT {
      e->bstrDescription = SysAllocString(u"deferred");
      return S_OK;
    };
    return DISP_E_EXCEPTION;
  }
  if (result && p->cArgs && !(p->rgvarg[0].vt & VT_BYREF) && p->rgvarg[0].vt != VT_UNKNOWN &&
      p->rgvarg[0].vt != VT_DISPATCH)
    VariantCopy(result, &p->rgvarg[0]);
  return S_OK;
}
void* const disp_vtbl[] = {reinterpret_cast<void*>(&s_query), reinterpret_cast<void*>(&s_addref),
                           reinterpret_cast<void*>(&s_release), nullptr, nullptr, nullptr,
                           reinterpret_cast<void*>(&s_invoke)};

void* const server_vtbl[] = {reinterpret_cast<void*>(&s_query),  reinterpret_cast<void*>(&s_addref),
                             reinterpret_cast<void*>(&s_release), reinterpret_cast<void*>(&s_values),
                             reinterpret_cast<void*>(&s_texts),  reinterpret_cast<void*>(&s_arrays),
                             reinterpret_cast<void*>(&s_objects), reinterpret_cast<void*>(&s_maybe),
                             reinterpret_cast<void*>(&s_variants), reinterpret_cast<void*>(&s_names),
                             reinterpret_cast<void*>(&s_safearrays)};

// A channel: the stub's reply buffer, or the fuzz input as a proxy's reply.
struct channel final : IRpcChannelBuffer {
  const std::uint8_t* reply_data = nullptr;
  std::size_t reply_size = 0;
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID, void** ppv) override {
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  HRESULT STDMETHODCALLTYPE GetBuffer(RPCOLEMESSAGE* m, REFIID) override {
    m->Buffer = CoTaskMemAlloc(m->cbBuffer ? m->cbBuffer : 1);
    return m->Buffer ? S_OK : E_OUTOFMEMORY;
  }
  HRESULT STDMETHODCALLTYPE SendReceive(RPCOLEMESSAGE* m, ULONG*) override {
    CoTaskMemFree(m->Buffer);
    m->Buffer = CoTaskMemAlloc(reply_size ? reply_size : 1);
    if (reply_size) std::memcpy(m->Buffer, reply_data, reply_size);
    m->cbBuffer = static_cast<ULONG>(reply_size);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE FreeBuffer(RPCOLEMESSAGE* m) override {
    CoTaskMemFree(m->Buffer);
    m->Buffer = nullptr;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetDestCtx(DWORD* ctx, void** pv) override {
    *ctx = MSHCTX_INPROC;
    if (pv) *pv = nullptr;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE IsConnected() override { return S_OK; }
};

// The proxy's outer object: counts only.
struct outer final : IUnknown {
  ULONG refs = 1;
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID, void** ppv) override {
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
};

IPSFactoryBuffer* factory() {
  static IPSFactoryBuffer* f = [] {
    require(CoInitializeEx(nullptr, COINIT_MULTITHREADED) == S_OK);
    require(ComkitRegisterProxyFile(&fuzz_file) == S_OK);
    IPSFactoryBuffer* p = nullptr;
    require(CoGetClassObject(CLSID_PSFactoryBuffer, CLSCTX_INPROC_SERVER, nullptr, IID_IPSFactoryBuffer,
                             reinterpret_cast<void**>(&p)) == S_OK);
    return p;
  }();
  return f;
}

// `slot` is IFuzzPs's, or invoke_slot for IFuzzDisp's Invoke.
constexpr ULONG invoke_slot = 100;

void fuzz_stub(ULONG slot, const std::uint8_t* data, std::size_t size) {
  const bool disp = slot == invoke_slot;
  server s{disp ? disp_vtbl : server_vtbl, 1};
  IRpcStubBuffer* stub = nullptr;
  require(factory()->CreateStub(disp ? IID_IFuzzDisp : IID_IFuzzPs, reinterpret_cast<IUnknown*>(&s), &stub) == S_OK);
  if (disp) slot = 6;
  channel ch;
  std::vector<std::uint8_t> request(data, data + size);
  RPCOLEMESSAGE m{};
  m.Buffer = request.data();
  m.cbBuffer = static_cast<ULONG>(request.size());
  m.iMethod = slot;
  if (SUCCEEDED(stub->Invoke(&m, &ch)) && m.Buffer != request.data()) {
    // An interface in the reply is marshalled data nobody will unmarshal.
    CoTaskMemFree(m.Buffer);
  }
  stub->Release();
  require(s.refs == 1);
}

template <typename F>
void via_proxy(const std::uint8_t* data, std::size_t size, F&& call, const IID& iid = IID_IFuzzPs) {
  outer o;
  IRpcProxyBuffer* buffer = nullptr;
  void* face = nullptr;
  require(factory()->CreateProxy(&o, iid, &buffer, &face) == S_OK);
  channel ch;
  ch.reply_data = data;
  ch.reply_size = size;
  require(buffer->Connect(&ch) == S_OK);
  call(*static_cast<void* const* const*>(face), face);
  o.Release();  // the face's reference
  buffer->Disconnect();
  buffer->Release();
  require(o.refs == 1);
}

// IDispatch::Invoke through the proxy: arguments by value and by reference,
// a result, an EXCEPINFO and an argument index, whatever the reply says.
void fuzz_invoke_proxy(const std::uint8_t* data, std::size_t size) {
  via_proxy(
      data, size,
      [&](void* const* vtbl, void* face) {
        BSTR text = SysAllocString(u"abc");
        LONG number = 1;
        VARIANT any, args[4], result;
        VariantInit(&any);
        VariantInit(&result);
        for (auto& a : args) VariantInit(&a);
        any.vt = VT_BSTR;
        any.bstrVal = SysAllocString(u"any");
        args[0].vt = VT_BYREF | VT_BSTR;
        args[0].pbstrVal = &text;
        args[1].vt = VT_BYREF | VT_I4;
        args[1].plVal = &number;
        args[2].vt = VT_BYREF | VT_VARIANT;
        args[2].pvarVal = &any;
        args[3].vt = VT_I4;
        DISPID named = DISPID_PROPERTYPUT;
        DISPPARAMS params{args, &named, 4, 1};
        EXCEPINFO excep;
        UINT arg_err = 0;
        reinterpret_cast<decltype(&s_invoke)>(vtbl[6])(face, 1, IID_NULL, 0, DISPATCH_METHOD, &params, &result, &excep,
                                                        &arg_err);
        SysFreeString(text);
        VariantClear(&any);
        VariantClear(&result);
        SysFreeString(excep.bstrSource);
        SysFreeString(excep.bstrDescription);
        SysFreeString(excep.bstrHelpFile);
      },
      IID_IFuzzDisp);
}

void fuzz_proxy(ULONG slot, const std::uint8_t* data, std::size_t size) {
  if (slot == invoke_slot) return fuzz_invoke_proxy(data, size);
  via_proxy(data, size, [&](void* const* vtbl, void* face) {
    switch (slot) {
      case 3: {
        const GUID g = IID_IFuzzPs;
        LONGLONG sum;
        GUID back;
        reinterpret_cast<decltype(&s_values)>(vtbl[3])(face, 1, 2.0, &g, &sum, &back);
        break;
      }
      case 4: {
        BSTR bo = nullptr, both = SysAllocString(u"x");
        LPOLESTR wo = nullptr;
        reinterpret_cast<decltype(&s_texts)>(vtbl[4])(face, nullptr, u"w", "s", &bo, &wo, &both);
        SysFreeString(bo);
        SysFreeString(both);
        CoTaskMemFree(wo);
        break;
      }
      case 5: {
        BYTE in[4] = {1, 2, 3, 4};
        LONG out[4];
        ULONG used = 4;
        reinterpret_cast<decltype(&s_arrays)>(vtbl[5])(face, 4, in, &used, out);
        break;
      }
      case 6: {
        IUnknown* back = nullptr;
        reinterpret_cast<decltype(&s_objects)>(vtbl[6])(face, IID_IUnknown, nullptr, nullptr, &back);
        if (back) back->Release();
        break;
      }
      case 7: {
        LONG v = 3;
        SHORT s;
        reinterpret_cast<decltype(&s_maybe)>(vtbl[7])(face, &v, &s);
        break;
      }
      case 8: {
        VARIANT v, both, copy;
        VariantInit(&v);
        VariantInit(&both);
        VariantInit(&copy);
        v.vt = VT_I4;
        reinterpret_cast<decltype(&s_variants)>(vtbl[8])(face, v, &both, &copy);
        VariantClear(&both);
        VariantClear(&copy);
        break;
      }
      case 10: {
        SAFEARRAY* a = SafeArrayCreateVector(VT_VARIANT, 0, 1);
        SAFEARRAY* b = SafeArrayCreateVector(VT_BSTR, 2, 1);
        SAFEARRAY* c = nullptr;
        reinterpret_cast<decltype(&s_safearrays)>(vtbl[10])(face, a, &b, &c);
        SafeArrayDestroy(a);
        SafeArrayDestroy(b);
        SafeArrayDestroy(c);
        break;
      }
      default: {
        BSTR names[2] = {SysAllocString(u"a"), nullptr};
        ULONG made = 0;
        BSTR* out = nullptr;
        reinterpret_cast<decltype(&s_names)>(vtbl[9])(face, 2, names, &made, &out);
        for (ULONG k = 0; out && k < made; ++k) SysFreeString(out[k]);
        CoTaskMemFree(out);
        SysFreeString(names[0]);
        break;
      }
    }
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 4096) return 0;
  // 0-6: IFuzzPs's slots 3-9; 7: IFuzzDisp's Invoke; 8: IFuzzPs's slot 10.
  const ULONG pick = (data[0] & 0x7F) % 9;
  const ULONG slot = pick == 7 ? invoke_slot : pick == 8 ? 10 : 3 + pick;
  if (data[0] & 0x80) fuzz_proxy(slot, data + 1, size - 1);
  else fuzz_stub(slot, data + 1, size - 1);
  return 0;
}
