// tests/local/local_test_server.cpp - a local server for local_server_test,
// written as a Windows local server is: it registers its class object for
// CLSCTX_LOCAL_SERVER when started with -Embedding, counts its objects and
// locks with CoAddRefServerProcess, and exits when the count reaches 0.
//
//   local_test_server -Embedding            serve (how COM starts it)
//   local_test_server -RegServer|-UnregServer
//   local_test_server --client N            a client holding N objects of
//                                           the server until it is killed
//   local_test_server --calls MS            a client calling Nothing for MS
//                                           milliseconds; prints the count
// LOCAL_TEST_MODE chooses how it serves: "multi" (REGCLS_MULTIPLEUSE, the
// default), "single" (REGCLS_SINGLEUSE), "suspended" (registered suspended,
// never resumed), "sta" (an STA with a message loop), "exit" (exits with
// status 3 before registering), "linger" (never exits by itself).
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <comkit/abi/extensions.h>
#include <objbase.h>
#include <oleauto.h>
#include <windows.h>

#include "local_oa.h"
#include "local_test.h"

namespace {

// {7C3E5A2F-1B4D-4E6F-8A9B-0C1D2E3F4A50}
const CLSID clsid_local_test = {0x7c3e5a2f, 0x1b4d, 0x4e6f, {0x8a, 0x9b, 0x0c, 0x1d, 0x2e, 0x3f, 0x4a, 0x50}};

std::string mode() {
  const char* m = std::getenv("LOCAL_TEST_MODE");
  return m ? m : "multi";
}

std::atomic<long> g_live{0};
std::mutex g_lock;
std::condition_variable g_done;
bool g_finished = false;
DWORD g_main_thread = 0;

void server_released() {
  if (CoReleaseServerProcess() != 0 || mode() == "linger") return;
  if (mode() == "sta") {
    PostThreadMessageW(g_main_thread, WM_QUIT, 0, 0);
    return;
  }
  std::lock_guard g(g_lock);
  g_finished = true;
  g_done.notify_all();
}

DWORD tid() { return static_cast<DWORD>(::syscall(SYS_gettid)); }

// Late binding, by hand (no type library): IDispatch on the test object,
// for IDispatch::Invoke across processes. Members: 1 Sum(a, b); 2
// Swap([in, out] BSTR*, [in, out] LONG*, [in, out] VARIANT*); 3 Raise()
// (DISP_E_EXCEPTION, its EXCEPINFO filled in deferred); 4 Echo(v); 5 the
// property Value (LONG). GetTypeInfo answers ILocalOa's type info from the
// library $LOCAL_TEST_TLB names (for a type info crossing processes).
class test_dispatch : public IDispatch {
 public:
  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* count) override {
    if (!count) return E_INVALIDARG;
    *count = std::getenv("LOCAL_TEST_TLB") ? 1 : 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT index, LCID, ITypeInfo** info) override {
    if (!info) return E_INVALIDARG;
    *info = nullptr;
    const char* path = std::getenv("LOCAL_TEST_TLB");
    if (index != 0 || !path) return DISP_E_BADINDEX;
    const std::string p = path;
    const std::u16string wide(p.begin(), p.end());
    ITypeLib* lib = nullptr;
    if (const HRESULT hr = LoadTypeLib(reinterpret_cast<LPCOLESTR>(wide.c_str()), &lib); FAILED(hr)) return hr;
    const HRESULT hr = lib->GetTypeInfoOfGuid(IID_ILocalOa, info);
    lib->Release();
    return hr;
  }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR* names, UINT count, LCID, DISPID* ids) override {
    static const char16_t* const known[] = {u"Sum", u"Swap", u"Raise", u"Echo", u"Value"};
    HRESULT hr = S_OK;
    for (UINT i = 0; i < count; ++i) {
      ids[i] = DISPID_UNKNOWN;
      for (int k = 0; k < 5; ++k)
        if (i == 0 && std::u16string_view(names[i]) == known[k]) ids[i] = k + 1;
      if (ids[i] == DISPID_UNKNOWN) hr = DISP_E_UNKNOWNNAME;
    }
    return hr;
  }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID id, REFIID riid, LCID, WORD flags, DISPPARAMS* p, VARIANT* result,
                                   EXCEPINFO* excep, UINT* arg_err) override {
    if (!IsEqualIID(riid, IID_NULL)) return DISP_E_UNKNOWNINTERFACE;
    switch (id) {
      case 1: {
        if (p->cArgs != 2) return DISP_E_BADPARAMCOUNT;
        for (UINT k = 0; k < 2; ++k)
          if (p->rgvarg[k].vt != VT_I4) {
            if (arg_err) *arg_err = k;
            return DISP_E_TYPEMISMATCH;
          }
        if (result) {
          result->vt = VT_I4;
          result->lVal = p->rgvarg[1].lVal + p->rgvarg[0].lVal;  // arguments come last first
        }
        return S_OK;
      }
      case 2: {  // Swap(text, number, any): text = "<" + text + ">", number *= 2, any = 3.5
        if (p->cArgs != 3 || p->rgvarg[2].vt != (VT_BYREF | VT_BSTR) || p->rgvarg[1].vt != (VT_BYREF | VT_I4) ||
            p->rgvarg[0].vt != (VT_BYREF | VT_VARIANT))
          return DISP_E_TYPEMISMATCH;
        BSTR* text = p->rgvarg[2].pbstrVal;
        std::u16string changed = u"<" + std::u16string(*text, SysStringLen(*text)) + u">";
        SysFreeString(*text);
        *text = SysAllocStringLen(changed.data(), static_cast<UINT>(changed.size()));
        *p->rgvarg[1].plVal *= 2;
        VariantClear(p->rgvarg[0].pvarVal);
        p->rgvarg[0].pvarVal->vt = VT_R8;
        p->rgvarg[0].pvarVal->dblVal = 3.5;
        return S_OK;
      }
      case 3:
        if (excep) {
          excep->scode = E_ABORT;
          excep->pfnDeferredFillIn = [](EXCEPINFO* e) -> HRESULT {
            e->bstrSource = SysAllocString(u"LocalTest");
            e->bstrDescription = SysAllocString(u"deferred");
            e->dwHelpContext = 7;
            return S_OK;
          };
        }
        return DISP_E_EXCEPTION;
      case 4:
        if (p->cArgs != 1) return DISP_E_BADPARAMCOUNT;
        return result ? VariantCopy(result, &p->rgvarg[0]) : S_OK;
      case 5:
        if (flags & DISPATCH_PROPERTYPUT) {
          if (p->cArgs != 1 || p->cNamedArgs != 1 || p->rgdispidNamedArgs[0] != DISPID_PROPERTYPUT)
            return DISP_E_PARAMNOTOPTIONAL;
          if (p->rgvarg[0].vt != VT_I4) return DISP_E_TYPEMISMATCH;
          value_ = p->rgvarg[0].lVal;
          return S_OK;
        }
        if (result) {
          result->vt = VT_I4;
          result->lVal = value_;
        }
        return S_OK;
      default:
        return DISP_E_MEMBERNOTFOUND;
    }
  }

 private:
  LONG value_ = 0;
};

// ILocalOa has no tables (local_oa.idl is built NO_PROXY): it crosses only
// once its type library is registered (the universal marshaler).
class test_oa : public ILocalOa {
 public:
  HRESULT STDMETHODCALLTYPE Pid(LONG* pid) override {
    *pid = static_cast<LONG>(getpid());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Join(BSTR a, VARIANT b, BSTR* joined) override {
    VARIANT text;
    VariantInit(&text);
    if (const HRESULT hr = VariantChangeType(&text, &b, 0, VT_BSTR); FAILED(hr)) return hr;
    std::u16string all = std::u16string(a ? a : u"") + u"|" + text.bstrVal;
    VariantClear(&text);
    *joined = SysAllocString(all.c_str());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Again(ILocalOa** same) override {
    *same = this;
    AddRef();
    return S_OK;
  }
};

class test_object final : public ILocalTest, public test_dispatch, public test_oa {
 public:
  test_object() {
    ++g_live;
    CoAddRefServerProcess();
  }
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_ILocalTest)) {
      *ppv = static_cast<ILocalTest*>(this);
      AddRef();
      return S_OK;
    }
    if (IsEqualIID(riid, IID_IDispatch)) {
      *ppv = static_cast<IDispatch*>(this);
      AddRef();
      return S_OK;
    }
    if (IsEqualIID(riid, IID_ILocalOa)) {
      *ppv = static_cast<ILocalOa*>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs_; }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG n = --refs_;
    if (n == 0) {
      delete this;
      --g_live;
      server_released();
    }
    return n;
  }
  HRESULT STDMETHODCALLTYPE Nothing() override { return S_OK; }
  HRESULT STDMETHODCALLTYPE Add(LONG a, LONG b, LONG* sum) override {
    *sum = a + b;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Echo(BSTR text, BSTR* same) override {
    *same = SysAllocStringLen(text, SysStringLen(text));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Where(DWORD* pid, DWORD* thread) override {
    *pid = static_cast<DWORD>(::getpid());
    *thread = tid();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE CallBack(ILocalCallback* cb, LONG value, LONG* result) override {
    if (!cb) return E_POINTER;
    return cb->Ping(value, result);
  }
  HRESULT STDMETHODCALLTYPE Fail(BSTR description) override {
    ICreateErrorInfo* c = nullptr;
    CreateErrorInfo(&c);
    c->SetDescription(description);
    c->SetSource(const_cast<LPOLESTR>(u"LocalTest"));
    c->SetGUID(IID_ILocalTest);
    IErrorInfo* ei = nullptr;
    c->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&ei));
    SetErrorInfo(0, ei);
    ei->Release();
    c->Release();
    return E_ACCESSDENIED;
  }
  HRESULT STDMETHODCALLTYPE Sleep(ULONG ms) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Live(LONG* objects) override {
    *objects = g_live.load();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Make(ILocalTest** made) override {
    *made = new test_object;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Disconnect() override { return CoDisconnectObject(static_cast<ILocalTest*>(this), 0); }
  HRESULT STDMETHODCALLTYPE Blob(ULONG count, const BYTE* data, ULONG* sum) override {
    ULONG s = 0;
    for (ULONG i = 0; i < count; ++i) s += data[i];
    *sum = s;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Gather(LONG parties, ULONG timeout_ms) override {
    static std::mutex m;
    static std::condition_variable all_in;
    static LONG inside = 0;
    static unsigned long round = 0;
    std::unique_lock l(m);
    const unsigned long mine = round;
    if (++inside >= parties) {
      inside = 0;
      ++round;
      all_in.notify_all();
      return S_OK;
    }
    if (all_in.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return round != mine; })) return S_OK;
    --inside;
    return RPC_E_TIMEOUT;
  }
  HRESULT STDMETHODCALLTYPE PingLater(ILocalCallback* cb, ULONG ms, LONG times) override {
    if (!cb) return E_POINTER;
    cb->AddRef();
    CoAddRefServerProcess();
    std::thread([cb, ms, times] {
      CoInitializeEx(nullptr, COINIT_MULTITHREADED);
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      for (LONG i = 0; i < times; ++i) {
        LONG r = 0;
        if (FAILED(cb->Ping(i, &r))) break;
      }
      cb->Release();
      CoUninitialize();
      server_released();
    }).detach();
    return S_OK;
  }

 private:
  std::atomic<ULONG> refs_{1};
};

class factory final : public IClassFactory {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IClassFactory)) {
      *ppv = static_cast<IClassFactory*>(this);
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown* outer, REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    *ppv = nullptr;
    if (outer) return CLASS_E_NOAGGREGATION;
    auto* o = new test_object;
    const HRESULT hr = o->QueryInterface(riid, ppv);
    o->Release();
    return hr;
  }
  HRESULT STDMETHODCALLTYPE LockServer(BOOL lock) override {
    if (lock)
      CoAddRefServerProcess();
    else
      server_released();
    return S_OK;
  }
};

factory g_factory;

int serve() {
  const std::string m = mode();
  if (m == "exit") return 3;
  const bool sta = m == "sta";
  CoInitializeEx(nullptr, sta ? COINIT_APARTMENTTHREADED : COINIT_MULTITHREADED);
  g_main_thread = GetCurrentThreadId();
  if (sta) {
    MSG msg;
    PeekMessageW(&msg, nullptr, 0, 0, PM_NOREMOVE);  // this thread has a message queue now
  }
  DWORD flags = m == "single" ? REGCLS_SINGLEUSE : REGCLS_MULTIPLEUSE;
  if (m == "suspended") flags |= REGCLS_SUSPENDED;
  DWORD cookie = 0;
  if (FAILED(CoRegisterClassObject(clsid_local_test, &g_factory, CLSCTX_LOCAL_SERVER, flags, &cookie))) return 4;
  if (sta) {
    MSG msg;
    while (GetMessageW(&msg, nullptr, 0, 0) > 0) DispatchMessageW(&msg);
  } else if (m == "suspended" || m == "linger") {
    for (;;) ::pause();
  } else {
    std::unique_lock l(g_lock);
    // A server nobody connects to (single-use, already used) still ends.
    g_done.wait(l, [] { return g_finished; });
  }
  CoRevokeClassObject(cookie);
  CoUninitialize();
  return 0;
}

int client(int n) {
  CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  for (int i = 0; i < n; ++i) {
    ILocalTest* t = nullptr;
    if (FAILED(CoCreateInstance(clsid_local_test, nullptr, CLSCTX_LOCAL_SERVER, IID_ILocalTest,
                                reinterpret_cast<void**>(&t))))
      return 5;
    // Held until this process is killed.
  }
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) ::pause();
}

// Calls for ms milliseconds (local_bench's client processes); the count on
// stdout.
int caller(int ms) {
  CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  ILocalTest* t = nullptr;
  if (FAILED(CoCreateInstance(clsid_local_test, nullptr, CLSCTX_LOCAL_SERVER, IID_ILocalTest,
                              reinterpret_cast<void**>(&t))))
    return 5;
  long calls = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    for (int i = 0; i < 64; ++i)
      if (t->Nothing() != S_OK) return 6;
    calls += 64;
  }
  t->Release();
  std::printf("%ld\n", calls);
  CoUninitialize();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string a = argc > 1 ? argv[1] : "";
  if (a == "-RegServer" || a == "/RegServer" || a == "--register") {
    COMKIT_CLASS_REGISTRATION c{clsid_local_test, "LocalTest.Object.1", "LocalTest.Object", "Free", "local test"};
    return FAILED(ComkitRegisterLocalServer(nullptr, &c, 1, COMKIT_REGISTER_DEFAULT)) ? 1 : 0;
  }
  if (a == "-UnregServer" || a == "/UnregServer" || a == "--unregister") {
    char self[4096];
    const ssize_t k = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (k <= 0) return 1;
    self[k] = 0;
    return FAILED(ComkitUnregisterServer(self, COMKIT_REGISTER_DEFAULT)) ? 1 : 0;
  }
  if (a == "--client" && argc > 2) return client(std::atoi(argv[2]));
  if (a == "--calls" && argc > 2) return caller(std::atoi(argv[2]));
  return serve();  // -Embedding, or started by hand
}
