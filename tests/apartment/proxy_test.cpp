// tests/apartment/proxy_test.cpp - calls between apartments through the
// standard marshaler's architecture: a proxy/stub factory the program
// registers (CoRegisterPSClsid), written by hand here as a MIDL-generated
// one would be, used exactly like comkit's own. Covers calls running on the
// STA's thread, COM identity, RPC_E_WRONG_THREAD, reentrant callbacks, an
// STA served from a poll loop, disconnection and exact reference counts.
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include <comkit/com_ptr.h>
#include <windows.h>

#include "calc_ps.h"

namespace {

using namespace calc_ps;

using namespace std::chrono_literals;

// The object: counts its references, knows its thread, may call back.
struct calc final : ICalcTest {
  std::atomic<ULONG> refs{1};
  ICalcTest* peer = nullptr;  // a proxy to call back through
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_ICalcTest)) {
      *ppv = static_cast<ICalcTest*>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
  HRESULT STDMETHODCALLTYPE Add(LONG a, LONG b, LONG* sum) override {
    *sum = a + b;
    if (a == wait_for_go) {  // waits (serving its apartment) until another call says go
      DWORD index;
      return CoWaitForMultipleHandles(0, 5000, 1, &go, &index);
    }
    if (a == say_go) return SetEvent(go) ? S_OK : E_FAIL;
    return a < 0 ? E_INVALIDARG : S_OK;
  }
  static constexpr LONG wait_for_go = 1000, say_go = 2000;
  HANDLE go = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  ~calc() { CloseHandle(go); }
  HRESULT STDMETHODCALLTYPE ThreadId(DWORD* tid) override {
    *tid = GetCurrentThreadId();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE CallBack(DWORD* tid) override { return peer ? peer->ThreadId(tid) : E_UNEXPECTED; }
};

// An STA thread hosting an object, serving calls with GetMessageW until
// told to quit; its marshalled object is handed out as a stream.
struct sta_host {
  calc object;
  std::atomic<DWORD> tid{0};
  IStream* marshalled = nullptr;
  std::thread thread;
  explicit sta_host(bool poll_loop = false, IStream* peer_stream = nullptr) {
    std::atomic<bool> ready{false};
    thread = std::thread([this, &ready, poll_loop, peer_stream] {
      EXPECT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
      EXPECT_TRUE(use_calc_proxies());
      if (peer_stream) {
        EXPECT_EQ(CoGetInterfaceAndReleaseStream(peer_stream, IID_ICalcTest, reinterpret_cast<void**>(&object.peer)),
                  S_OK);
      }
      EXPECT_EQ(CoMarshalInterface(stream(), IID_ICalcTest, static_cast<ICalcTest*>(&object), MSHCTX_INPROC, nullptr,
                                   MSHLFLAGS_TABLESTRONG),
                S_OK);
      tid = GetCurrentThreadId();
      ready = true;
      if (poll_loop) {
        // A plain poll loop serving the apartment: no Win32 message pump.
        int fd = -1;
        EXPECT_EQ(ComkitGetApartmentFd(&fd), S_OK);
        for (;;) {
          pollfd p{fd, POLLIN, 0};
          poll(&p, 1, 1000);
          ComkitDispatchPending(nullptr);
          MSG m;
          if (PeekMessageW(&m, nullptr, WM_QUIT, WM_QUIT, PM_REMOVE)) break;
        }
      } else {
        MSG m;
        while (GetMessageW(&m, nullptr, 0, 0) > 0) {
          if (m.message == busy) std::this_thread::sleep_for(std::chrono::milliseconds(m.wParam));  // not serving
          DispatchMessageW(&m);
        }
      }
      if (object.peer) object.peer->Release();
      object.peer = nullptr;
      CoUninitialize();
    });
    // Served meanwhile: the host may call this thread's apartment.
    while (!ready) {
      MSG m;
      PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE);
      std::this_thread::yield();
    }
  }
  IStream* stream() {
    if (!marshalled) {
      EXPECT_EQ(CreateStreamOnHGlobal(nullptr, TRUE, &marshalled), S_OK);
    }
    return marshalled;
  }
  // A proxy for the calling apartment (the table marshal stays usable).
  comkit::com_ptr<ICalcTest> proxy() {
    LARGE_INTEGER zero{};
    marshalled->Seek(zero, STREAM_SEEK_SET, nullptr);
    comkit::com_ptr<ICalcTest> p;
    EXPECT_EQ(CoUnmarshalInterface(marshalled, IID_ICalcTest, p.put_void()), S_OK);
    return p;
  }
  void stop() {
    if (!thread.joinable()) return;
    PostThreadMessageW(tid, WM_QUIT, 0, 0);
    thread.join();
    if (marshalled) marshalled->Release();
    marshalled = nullptr;
  }
  ~sta_host() { stop(); }
  static constexpr UINT busy = WM_USER + 1;  // wParam: milliseconds without serving calls
};

template <typename F>
void on_mta(F body) {
  std::thread([&] {
    EXPECT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
    body();
    CoUninitialize();
  }).join();
}

IStream* stream_for(IStream** s) {
  EXPECT_EQ(CreateStreamOnHGlobal(nullptr, TRUE, s), S_OK);
  return *s;
}

struct mta_scope {
  mta_scope() {
    EXPECT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
    EXPECT_TRUE(use_calc_proxies());
  }
  ~mta_scope() { CoUninitialize(); }
};

TEST(Proxy, CallsRunOnTheStaThread) {
  sta_host host;
  mta_scope mta;
  auto p = host.proxy();
  ASSERT_TRUE(p);
  EXPECT_NE(static_cast<void*>(p.get()), static_cast<void*>(&host.object));
  LONG sum = 0;
  EXPECT_EQ(p->Add(19, 23, &sum), S_OK);
  EXPECT_EQ(sum, 42);
  EXPECT_EQ(p->Add(-1, 1, &sum), E_INVALIDARG);  // the callee's HRESULT comes back
  DWORD tid = 0;
  EXPECT_EQ(p->ThreadId(&tid), S_OK);
  EXPECT_EQ(tid, host.tid.load());
  EXPECT_NE(tid, GetCurrentThreadId());
}

TEST(Proxy, OneIdentityPerObjectPerApartment) {
  sta_host host;
  mta_scope mta;
  auto a = host.proxy();
  auto b = host.proxy();
  EXPECT_EQ(a.get(), b.get());
  comkit::com_ptr<IUnknown> ua, ub;
  ASSERT_EQ(a->QueryInterface(IID_IUnknown, ua.put_void()), S_OK);
  ASSERT_EQ(b->QueryInterface(IID_IUnknown, ub.put_void()), S_OK);
  EXPECT_EQ(ua.get(), ub.get());
  comkit::com_ptr<IPersist> none;
  EXPECT_EQ(a->QueryInterface(IID_IPersist, none.put_void()), E_NOINTERFACE);
}

TEST(Proxy, UsedFromAnotherApartmentIsTheWrongThread) {
  sta_host host;
  comkit::com_ptr<ICalcTest> p;
  {
    mta_scope mta;
    p = host.proxy();
    // Another MTA thread is the same apartment.
    std::thread([&] {
      LONG sum = 0;
      EXPECT_EQ(p->Add(1, 2, &sum), S_OK);
    }).join();
    // An STA thread is not, an MTA proxy included.
    std::thread([&] {
      ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
      LONG sum = 0;
      EXPECT_EQ(p->Add(1, 2, &sum), RPC_E_WRONG_THREAD);
      comkit::com_ptr<IPersist> q;
      EXPECT_EQ(p->QueryInterface(IID_IPersist, q.put_void()), RPC_E_WRONG_THREAD);
      CoUninitialize();
    }).join();
    p = nullptr;  // Release is allowed from anywhere; here it is the MTA
  }
}

TEST(Proxy, ReentrantCallbackIntoTheCallingSta) {
  // This thread is an STA with an object of its own; host B gets a proxy to
  // it. B's CallBack calls that proxy while this thread waits for B, so this
  // thread must serve the call meanwhile (COM's reentrancy rule).
  ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
  ASSERT_TRUE(use_calc_proxies());
  calc mine;
  {
    IStream* to_b = nullptr;
    ASSERT_EQ(CoMarshalInterThreadInterfaceInStream(IID_ICalcTest, static_cast<ICalcTest*>(&mine), &to_b), S_OK);
    sta_host host(false, to_b);
    auto b = host.proxy();
    DWORD tid = 0;
    EXPECT_EQ(b->CallBack(&tid), S_OK);
    EXPECT_EQ(tid, GetCurrentThreadId());
    b = nullptr;
    host.stop();
  }
  // B's proxy to `mine` was released on B's thread; the release is served here.
  MSG m;
  PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE);
  EXPECT_EQ(mine.refs.load(), 1u);
  CoUninitialize();
}

TEST(Proxy, StaServedFromAPollLoop) {
  sta_host host(true);
  mta_scope mta;
  auto p = host.proxy();
  for (int i = 0; i < 20; ++i) {
    LONG sum = 0;
    ASSERT_EQ(p->Add(i, 1, &sum), S_OK);
    EXPECT_EQ(sum, i + 1);
  }
  DWORD tid = 0;
  EXPECT_EQ(p->ThreadId(&tid), S_OK);
  EXPECT_EQ(tid, host.tid.load());
}

TEST(Proxy, ReferenceCountsComeBack) {
  sta_host host;
  {
    mta_scope mta;
    auto p = host.proxy();
    LONG sum;
    EXPECT_EQ(p->Add(1, 1, &sum), S_OK);
    EXPECT_GT(host.object.refs.load(), 1u);
  }
  // The table marshal still holds the object; releasing it and the proxy's
  // hold (served by the host's loop) brings the count back.
  {
    mta_scope mta;
    LARGE_INTEGER zero{};
    host.marshalled->Seek(zero, STREAM_SEEK_SET, nullptr);
    EXPECT_EQ(CoReleaseMarshalData(host.marshalled), S_OK);
  }
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (host.object.refs.load() != 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(host.object.refs.load(), 1u);
}

TEST(Proxy, CallsFailAfterDisconnectOrTheHostsEnd) {
  sta_host host;
  mta_scope mta;
  auto p = host.proxy();
  LONG sum;
  ASSERT_EQ(p->Add(1, 1, &sum), S_OK);
  host.stop();  // CoUninitialize on the host thread
  const auto start = std::chrono::steady_clock::now();
  const HRESULT hr = p->Add(1, 1, &sum);
  EXPECT_TRUE(hr == RPC_E_DISCONNECTED || hr == CO_E_OBJNOTCONNECTED) << std::hex << hr;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(host.object.refs.load(), 1u);
}

TEST(Proxy, AWaitingCallServesTheCallsQueuedBehindIt) {
  // Both calls reach the STA while it is busy; the first waits (inside the
  // object) for the second, which its nested wait must serve.
  sta_host host;
  ASSERT_TRUE(PostThreadMessageW(host.tid, sta_host::busy, 200, 0));
  std::atomic<HRESULT> first{E_FAIL}, second{E_FAIL};
  std::thread waiter([&] {
    mta_scope mta;
    LONG sum;
    first = host.proxy()->Add(calc::wait_for_go, 0, &sum);
  });
  std::this_thread::sleep_for(50ms);
  std::thread sayer([&] {
    mta_scope mta;
    LONG sum;
    second = host.proxy()->Add(calc::say_go, 0, &sum);
  });
  waiter.join();
  sayer.join();
  EXPECT_EQ(first.load(), S_OK);
  EXPECT_EQ(second.load(), S_OK);
}

TEST(Proxy, UnmarshallingNeedsNoCallToTheObjectsApartment) {
  // This STA does not serve calls while the other thread unmarshals.
  ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
  ASSERT_TRUE(use_calc_proxies());
  calc mine;
  IStream* s = nullptr;
  ASSERT_EQ(CoMarshalInterThreadInterfaceInStream(IID_ICalcTest, static_cast<ICalcTest*>(&mine), &s), S_OK);
  std::atomic<HRESULT> hr{E_FAIL};
  std::thread([&] {
    mta_scope mta;
    ICalcTest* p = nullptr;
    hr = CoGetInterfaceAndReleaseStream(s, IID_ICalcTest, reinterpret_cast<void**>(&p));
    if (p) p->Release();  // sent home without waiting
  }).join();
  EXPECT_EQ(hr.load(), S_OK);
  MSG m;
  PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE);  // serves the release
  EXPECT_EQ(mine.refs.load(), 1u);
  CoUninitialize();
}

TEST(Proxy, ConcurrentCallsIntoTheMtaRunConcurrently) {
  // An MTA object whose first call waits for the second: the MTA must run
  // them on two threads.
  calc object;
  IStream* s = nullptr;
  std::atomic<bool> done{false};
  std::atomic<bool> ready{false};
  std::thread mta_host([&] {
    mta_scope mta;
    EXPECT_EQ(CoMarshalInterface(stream_for(&s), IID_ICalcTest, static_cast<ICalcTest*>(&object), MSHCTX_INPROC,
                                 nullptr, MSHLFLAGS_TABLESTRONG),
              S_OK);
    ready = true;
    while (!done) std::this_thread::sleep_for(1ms);
  });
  while (!ready) std::this_thread::yield();
  std::atomic<HRESULT> first{E_FAIL}, second{E_FAIL};
  auto caller = [&](LONG a, std::atomic<HRESULT>& out) {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    ASSERT_TRUE(use_calc_proxies());
    comkit::com_ptr<ICalcTest> p;
    {
      static std::mutex lock;
      std::lock_guard g(lock);
      LARGE_INTEGER zero{};
      s->Seek(zero, STREAM_SEEK_SET, nullptr);
      EXPECT_EQ(CoUnmarshalInterface(s, IID_ICalcTest, p.put_void()), S_OK);
    }
    LONG sum;
    if (p) out = p->Add(a, 0, &sum);
    p = nullptr;
    CoUninitialize();
  };
  // A first call leaves an idle pool thread behind; then both calls come at
  // once, and each must get a thread of its own.
  std::atomic<HRESULT> warm{E_FAIL};
  std::thread([&] { caller(1, warm); }).join();
  EXPECT_EQ(warm.load(), S_OK);
  std::thread a([&] { caller(calc::wait_for_go, first); });
  std::thread b([&] { caller(calc::say_go, second); });
  a.join();
  b.join();
  EXPECT_EQ(first.load(), S_OK);
  EXPECT_EQ(second.load(), S_OK);
  done = true;
  mta_host.join();
  s->Release();
}

TEST(Proxy, PsClsidRegistration) {
  on_mta([] {
    CLSID c;
    const IID unknown_iid = {0x11111111, 0x2222, 0x3333, {4, 4, 4, 4, 4, 4, 4, 4}};
    EXPECT_EQ(CoGetPSClsid(unknown_iid, &c), REGDB_E_IIDNOTREG);
    EXPECT_EQ(CoGetPSClsid(IID_ICalcTest, nullptr), E_INVALIDARG);
    ASSERT_EQ(CoRegisterPSClsid(IID_ICalcTest, CLSID_CalcTestPS), S_OK);
    ASSERT_EQ(CoGetPSClsid(IID_ICalcTest, &c), S_OK);
    EXPECT_TRUE(IsEqualGUID(c, CLSID_CalcTestPS));
  });
  std::thread([] {
    CLSID c;
    EXPECT_EQ(CoGetPSClsid(IID_ICalcTest, &c), CO_E_NOTINITIALIZED);
    EXPECT_EQ(CoRegisterPSClsid(IID_ICalcTest, CLSID_CalcTestPS), CO_E_NOTINITIALIZED);
  }).join();
}

// A factory whose stubs always fail (E_NOTIMPL), counting its CreateStub calls.
struct failing_ps final : IPSFactoryBuffer {
  std::atomic<int> creates{0};
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
  HRESULT STDMETHODCALLTYPE CreateProxy(IUnknown*, REFIID, IRpcProxyBuffer**, void**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE CreateStub(REFIID, IUnknown*, IRpcStubBuffer** stub) override {
    ++creates;
    *stub = nullptr;
    return E_NOTIMPL;
  }
};

// As on Windows, CoMarshalInterface makes the interface's stub: once per
// exported interface, and a factory's failure is the marshal's.
TEST(Proxy, TheStubIsMadeWhenTheInterfaceIsMarshalled) {
  on_mta([] {
    ASSERT_TRUE(use_calc_proxies());
    calc o;
    const int before = g_factory.stubs;
    IStream* s = nullptr;
    ASSERT_EQ(CreateStreamOnHGlobal(nullptr, TRUE, &s), S_OK);
    ASSERT_EQ(CoMarshalInterface(s, IID_ICalcTest, static_cast<ICalcTest*>(&o), MSHCTX_INPROC, nullptr,
                                 MSHLFLAGS_TABLESTRONG),
              S_OK);
    EXPECT_EQ(g_factory.stubs, before + 1) << "made by the marshal, before any call";
    ASSERT_EQ(CoMarshalInterface(s, IID_ICalcTest, static_cast<ICalcTest*>(&o), MSHCTX_INPROC, nullptr,
                                 MSHLFLAGS_TABLESTRONG),
              S_OK);
    EXPECT_EQ(g_factory.stubs, before + 1) << "one stub per exported interface";
    EXPECT_EQ(CoDisconnectObject(static_cast<ICalcTest*>(&o), 0), S_OK);
    EXPECT_EQ(o.refs.load(), 1u);

    // A factory that makes no stub: the marshal fails with its error and keeps nothing.
    static failing_ps failing;
    const CLSID clsid_failing = {0x3f0a6e11, 0x2b7c, 0x4d5e, {0x9a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71}};
    const IID iid_failing = {0x3f0a6e12, 0x2b7c, 0x4d5e, {0x9a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71}};
    DWORD cookie = 0;
    ASSERT_EQ(CoRegisterClassObject(clsid_failing, &failing, CLSCTX_INPROC_SERVER, REGCLS_MULTIPLEUSE, &cookie), S_OK);
    ASSERT_EQ(CoRegisterPSClsid(iid_failing, clsid_failing), S_OK);
    struct any_iid final : IUnknown {  // answers IUnknown and iid_failing with itself
      std::atomic<ULONG> refs{1};
      IID also;
      explicit any_iid(const IID& iid) : also(iid) {}
      HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
        if (!IsEqualIID(riid, IID_IUnknown) && !IsEqualIID(riid, also)) {
          *ppv = nullptr;
          return E_NOINTERFACE;
        }
        *ppv = this;
        AddRef();
        return S_OK;
      }
      ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
      ULONG STDMETHODCALLTYPE Release() override { return --refs; }
    } any(iid_failing);
    EXPECT_EQ(CoMarshalInterface(s, iid_failing, &any, MSHCTX_INPROC, nullptr, MSHLFLAGS_NORMAL), E_NOTIMPL);
    EXPECT_EQ(failing.creates, 1);
    EXPECT_EQ(any.refs.load(), 1u);
    EXPECT_EQ(CoRevokeClassObject(cookie), S_OK);
    s->Release();
  });
}

// Four MTA threads calling one STA object at once, releasing and
// unmarshalling proxies as they go; the STA runs every call on its thread.
TEST(ProxyThreads, ManyMtaCallersOneSta) {
  sta_host host;
  std::atomic<int> wrong{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&, t] {
      mta_scope mta;
      for (int round = 0; round < 5; ++round) {
        comkit::com_ptr<ICalcTest> p;
        {
          static std::mutex unmarshal_lock;  // the shared stream's seek position
          std::lock_guard g(unmarshal_lock);
          p = host.proxy();
        }
        for (int i = 0; i < 50; ++i) {
          LONG sum = 0;
          if (p->Add(t, i, &sum) != S_OK || sum != t + i) ++wrong;
          DWORD tid = 0;
          if (p->ThreadId(&tid) != S_OK || tid != host.tid.load()) ++wrong;
        }
      }
    });
  for (auto& c : callers) c.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
