// tests/apartment/calc_ps.h - a test interface with a proxy/stub factory
// written by hand, as MIDL-generated code would be: ICalcTest, its proxy
// (aggregated by the proxy manager), its stub, and the IPSFactoryBuffer that
// makes them. Shared by proxy_test.cpp and bench/marshal_bench.cpp.
#ifndef COMKIT_TESTS_APARTMENT_CALC_PS_H
#define COMKIT_TESTS_APARTMENT_CALC_PS_H

#include <atomic>
#include <cstring>

#include <windows.h>

namespace calc_ps {

// ---- The interface and its proxy/stub, as generated code would be -------------

inline const IID IID_ICalcTest = {0x6d1f2e3a, 0x1b2c, 0x4d5e, {0x8f, 0x90, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6}};
inline const CLSID CLSID_CalcTestPS = {0x6d1f2e3b, 0x1b2c, 0x4d5e, {0x8f, 0x90, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6}};

struct ICalcTest : IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Add(LONG a, LONG b, LONG* sum) = 0;      // slot 3
  virtual HRESULT STDMETHODCALLTYPE ThreadId(DWORD* tid) = 0;                // slot 4
  virtual HRESULT STDMETHODCALLTYPE CallBack(DWORD* tid) = 0;                // slot 5
};

// The proxy: ICalcTest delegating to the proxy manager, and a
// non-delegating IRpcProxyBuffer that owns it.
struct calc_proxy final : ICalcTest {
  struct buffer final : IRpcProxyBuffer {
    calc_proxy& owner;
    explicit buffer(calc_proxy& o) : owner(o) {}
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
      if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IRpcProxyBuffer)) {
        *ppv = this;
        AddRef();
        return S_OK;
      }
      if (IsEqualIID(riid, IID_ICalcTest)) {
        *ppv = static_cast<ICalcTest*>(&owner);
        owner.AddRef();
        return S_OK;
      }
      *ppv = nullptr;
      return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return ++owner.refs; }
    ULONG STDMETHODCALLTYPE Release() override {
      const ULONG left = --owner.refs;
      if (left == 0) delete &owner;
      return left;
    }
    HRESULT STDMETHODCALLTYPE Connect(IRpcChannelBuffer* c) override {
      if (owner.channel) return E_UNEXPECTED;
      owner.channel = c;
      c->AddRef();
      return S_OK;
    }
    void STDMETHODCALLTYPE Disconnect() override {
      if (owner.channel) owner.channel->Release();
      owner.channel = nullptr;
    }
  };

  std::atomic<ULONG> refs{1};
  IUnknown* outer;
  IRpcChannelBuffer* channel = nullptr;
  buffer inner{*this};
  explicit calc_proxy(IUnknown* o) : outer(o) {}
  ~calc_proxy() {
    if (channel) channel->Release();
  }

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override { return outer->QueryInterface(riid, ppv); }
  ULONG STDMETHODCALLTYPE AddRef() override { return outer->AddRef(); }
  ULONG STDMETHODCALLTYPE Release() override { return outer->Release(); }

  // Sends `in` to method `slot` and reads back `out_size` bytes and the HRESULT.
  HRESULT call(ULONG slot, const void* in, ULONG in_size, void* out, ULONG out_size) {
    if (!channel) return CO_E_OBJNOTCONNECTED;
    RPCOLEMESSAGE m{};
    m.cbBuffer = in_size;
    m.iMethod = slot;
    if (HRESULT hr = channel->GetBuffer(&m, IID_ICalcTest); FAILED(hr)) return hr;
    if (in_size) std::memcpy(m.Buffer, in, in_size);
    ULONG status = 0;
    HRESULT hr = channel->SendReceive(&m, &status);
    if (SUCCEEDED(hr)) {
      if (m.cbBuffer != out_size + 4) {
        hr = RPC_E_INVALID_DATA;
      } else {
        std::memcpy(out, m.Buffer, out_size);
        std::memcpy(&hr, static_cast<char*>(m.Buffer) + out_size, 4);
      }
    }
    channel->FreeBuffer(&m);
    return hr;
  }
  HRESULT STDMETHODCALLTYPE Add(LONG a, LONG b, LONG* sum) override {
    const LONG in[2] = {a, b};
    return call(3, in, sizeof in, sum, sizeof *sum);
  }
  HRESULT STDMETHODCALLTYPE ThreadId(DWORD* tid) override { return call(4, nullptr, 0, tid, sizeof *tid); }
  HRESULT STDMETHODCALLTYPE CallBack(DWORD* tid) override { return call(5, nullptr, 0, tid, sizeof *tid); }
};

struct calc_stub final : IRpcStubBuffer {
  std::atomic<ULONG> refs{1};
  ICalcTest* server = nullptr;
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IRpcStubBuffer)) {
      *ppv = this;
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG left = --refs;
    if (left == 0) {
      Disconnect();
      delete this;
    }
    return left;
  }
  HRESULT STDMETHODCALLTYPE Connect(IUnknown* unk) override {
    return unk->QueryInterface(IID_ICalcTest, reinterpret_cast<void**>(&server));
  }
  void STDMETHODCALLTYPE Disconnect() override {
    if (server) server->Release();
    server = nullptr;
  }
  HRESULT STDMETHODCALLTYPE Invoke(RPCOLEMESSAGE* m, IRpcChannelBuffer* channel) override {
    if (!server) return CO_E_OBJNOTCONNECTED;
    LONG value = 0;
    HRESULT result;
    switch (m->iMethod) {
      case 3: {
        if (m->cbBuffer != 8) return RPC_E_INVALID_DATA;
        LONG in[2];
        std::memcpy(in, m->Buffer, 8);
        result = server->Add(in[0], in[1], &value);
        break;
      }
      case 4:
        result = server->ThreadId(reinterpret_cast<DWORD*>(&value));
        break;
      case 5:
        result = server->CallBack(reinterpret_cast<DWORD*>(&value));
        break;
      default:
        return RPC_E_INVALIDMETHOD;
    }
    m->cbBuffer = 8;
    if (HRESULT hr = channel->GetBuffer(m, IID_ICalcTest); FAILED(hr)) return hr;
    std::memcpy(m->Buffer, &value, 4);
    std::memcpy(static_cast<char*>(m->Buffer) + 4, &result, 4);
    return S_OK;
  }
  IRpcStubBuffer* STDMETHODCALLTYPE IsIIDSupported(REFIID riid) override {
    return IsEqualIID(riid, IID_ICalcTest) ? this : nullptr;
  }
  ULONG STDMETHODCALLTYPE CountRefs() override { return server ? 1 : 0; }
  HRESULT STDMETHODCALLTYPE DebugServerQueryInterface(void** ppv) override {
    *ppv = server;
    return server ? S_OK : E_UNEXPECTED;
  }
  void STDMETHODCALLTYPE DebugServerRelease(void*) override {}
};

struct calc_ps_factory final : IPSFactoryBuffer {
  std::atomic<int> proxies{0}, stubs{0};
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IPSFactoryBuffer)) {
      *ppv = this;
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  HRESULT STDMETHODCALLTYPE CreateProxy(IUnknown* outer, REFIID riid, IRpcProxyBuffer** proxy, void** ppv) override {
    if (!IsEqualIID(riid, IID_ICalcTest)) return E_NOINTERFACE;
    auto* p = new calc_proxy(outer);
    *proxy = &p->inner;
    *ppv = static_cast<ICalcTest*>(p);
    outer->AddRef();
    ++proxies;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE CreateStub(REFIID riid, IUnknown* server, IRpcStubBuffer** stub) override {
    if (!IsEqualIID(riid, IID_ICalcTest)) return E_NOINTERFACE;
    auto* s = new calc_stub;
    if (server) s->Connect(server);
    *stub = s;
    ++stubs;
    return S_OK;
  }
};
inline calc_ps_factory g_factory;

// Makes the factory available to the calling apartment.
inline bool use_calc_proxies() {
  if (CoRegisterPSClsid(IID_ICalcTest, CLSID_CalcTestPS) != S_OK) return false;
  DWORD cookie;
  const HRESULT hr = CoRegisterClassObject(CLSID_CalcTestPS, &g_factory, CLSCTX_INPROC_SERVER, REGCLS_MULTIPLEUSE,
                                           &cookie);
  return hr == S_OK || hr == CO_E_OBJISREG;
}

}  // namespace calc_ps

#endif  // COMKIT_TESTS_APARTMENT_CALC_PS_H
