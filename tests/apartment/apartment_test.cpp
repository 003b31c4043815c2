// tests/apartment/apartment_test.cpp - apartment types, the MTA usage count,
// the context object, OleInitialize, message filters, CoWaitFor*, and the
// descriptor an event loop serves an STA with. Every test runs its COM work
// on threads of its own, so the process's apartments start empty.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <comkit/com_ptr.h>
#include <windows.h>

namespace {

using namespace std::chrono_literals;

template <typename F>
void on_thread(F body) {
  std::thread(body).join();
}

struct apartment_type {
  HRESULT hr;
  APTTYPE type;
  APTTYPEQUALIFIER qualifier;
};

apartment_type current_type() {
  apartment_type t{E_FAIL, static_cast<APTTYPE>(99), static_cast<APTTYPEQUALIFIER>(99)};
  t.hr = CoGetApartmentType(&t.type, &t.qualifier);
  return t;
}

TEST(ApartmentType, EachKind) {
  on_thread([] {
    const apartment_type none = current_type();
    EXPECT_EQ(none.hr, CO_E_NOTINITIALIZED);
    EXPECT_EQ(none.type, APTTYPE_CURRENT);
    EXPECT_EQ(none.qualifier, APTTYPEQUALIFIER_NONE);
    APTTYPE t;
    APTTYPEQUALIFIER q;
    EXPECT_EQ(CoGetApartmentType(nullptr, &q), E_INVALIDARG);
    EXPECT_EQ(CoGetApartmentType(&t, nullptr), E_INVALIDARG);

    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    const apartment_type main = current_type();
    EXPECT_EQ(main.hr, S_OK);
    EXPECT_EQ(main.type, APTTYPE_MAINSTA);
    EXPECT_EQ(main.qualifier, APTTYPEQUALIFIER_NONE);
    on_thread([] {  // a second STA while the first lives
      ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
      EXPECT_EQ(current_type().type, APTTYPE_STA);
      CoUninitialize();
    });
    on_thread([] {
      ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
      const apartment_type mta = current_type();
      EXPECT_EQ(mta.hr, S_OK);
      EXPECT_EQ(mta.type, APTTYPE_MTA);
      EXPECT_EQ(mta.qualifier, APTTYPEQUALIFIER_NONE);
      std::thread([] {  // never initialised, while the MTA exists
        const apartment_type implicit = current_type();
        EXPECT_EQ(implicit.hr, S_OK);
        EXPECT_EQ(implicit.type, APTTYPE_MTA);
        EXPECT_EQ(implicit.qualifier, APTTYPEQUALIFIER_IMPLICIT_MTA);
      }).join();
      CoUninitialize();
      EXPECT_EQ(current_type().hr, CO_E_NOTINITIALIZED);
    });
    CoUninitialize();
    EXPECT_EQ(current_type().hr, CO_E_NOTINITIALIZED);
  });
  // The main STA ended: the next STA is the main one.
  on_thread([] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    EXPECT_EQ(current_type().type, APTTYPE_MAINSTA);
    CoUninitialize();
  });
}

TEST(ApartmentType, ThreadEndingWithoutUninitializeLeaves) {
  on_thread([] { ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK); });
  on_thread([] { EXPECT_EQ(current_type().hr, CO_E_NOTINITIALIZED); });  // the MTA went with it
  on_thread([] { ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK); });
  on_thread([] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    EXPECT_EQ(current_type().type, APTTYPE_MAINSTA);
    CoUninitialize();
  });
}

TEST(MtaUsage, KeepsTheImplicitMtaAlive) {
  on_thread([] {
    CO_MTA_USAGE_COOKIE cookie = nullptr;
    EXPECT_EQ(CoIncrementMTAUsage(nullptr), E_INVALIDARG);
    EXPECT_EQ(CoDecrementMTAUsage(nullptr), E_INVALIDARG);
    ASSERT_EQ(CoIncrementMTAUsage(&cookie), S_OK);
    ASSERT_NE(cookie, nullptr);
    const apartment_type t = current_type();
    EXPECT_EQ(t.hr, S_OK);
    EXPECT_EQ(t.type, APTTYPE_MTA);
    EXPECT_EQ(t.qualifier, APTTYPEQUALIFIER_IMPLICIT_MTA);
    // A thread that joins and leaves the MTA does not end it.
    on_thread([] {
      ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
      CoUninitialize();
    });
    EXPECT_EQ(current_type().hr, S_OK);
    // Activation works from the implicit MTA (CoCreateInstance only checks).
    IUnknown* unk = nullptr;
    EXPECT_EQ(CoCreateInstance(GUID_NULL, nullptr, CLSCTX_INPROC_SERVER, IID_IUnknown,
                               reinterpret_cast<void**>(&unk)),
              REGDB_E_CLASSNOTREG);
    ASSERT_EQ(CoDecrementMTAUsage(cookie), S_OK);
    EXPECT_EQ(current_type().hr, CO_E_NOTINITIALIZED);
    EXPECT_EQ(CoCreateInstance(GUID_NULL, nullptr, CLSCTX_INPROC_SERVER, IID_IUnknown,
                               reinterpret_cast<void**>(&unk)),
              CO_E_NOTINITIALIZED);
  });
}

TEST(ObjectContext, ThreadingInfoAndTokens) {
  on_thread([] {
    ULONG_PTR token = 1;
    EXPECT_EQ(CoGetContextToken(&token), CO_E_NOTINITIALIZED);
    EXPECT_EQ(token, 0u);
    EXPECT_EQ(CoGetContextToken(nullptr), E_POINTER);
    void* p = &token;
    EXPECT_EQ(CoGetObjectContext(IID_IComThreadingInfo, &p), CO_E_NOTINITIALIZED);
    EXPECT_EQ(p, nullptr);

    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    comkit::com_ptr<IComThreadingInfo> info;
    ASSERT_EQ(CoGetObjectContext(IID_IComThreadingInfo, info.put_void()), S_OK);
    EXPECT_EQ(CoGetObjectContext(IID_IDispatch, &p), E_NOINTERFACE);
    EXPECT_EQ(CoGetObjectContext(IID_IUnknown, nullptr), E_INVALIDARG);
    APTTYPE t;
    ASSERT_EQ(info->GetCurrentApartmentType(&t), S_OK);
    EXPECT_EQ(t, APTTYPE_MAINSTA);
    THDTYPE thd;
    ASSERT_EQ(info->GetCurrentThreadType(&thd), S_OK);
    EXPECT_EQ(thd, THDTYPE_PROCESSMESSAGES);
    EXPECT_EQ(info->GetCurrentThreadType(nullptr), E_INVALIDARG);
    GUID id1, id2;
    ASSERT_EQ(info->GetCurrentLogicalThreadId(&id1), S_OK);
    ASSERT_EQ(info->GetCurrentLogicalThreadId(&id2), S_OK);
    EXPECT_TRUE(IsEqualGUID(id1, id2));
    EXPECT_FALSE(IsEqualGUID(id1, GUID_NULL));
    const GUID chosen = {0x12345678, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
    ASSERT_EQ(info->SetCurrentLogicalThreadId(chosen), S_OK);
    ASSERT_EQ(info->GetCurrentLogicalThreadId(&id2), S_OK);
    EXPECT_TRUE(IsEqualGUID(id2, chosen));
    // The token is the context object, not counted.
    ASSERT_EQ(CoGetContextToken(&token), S_OK);
    EXPECT_EQ(token, reinterpret_cast<ULONG_PTR>(info.get()));
    comkit::com_ptr<IAgileObject> agile;
    EXPECT_EQ(info->QueryInterface(IID_IAgileObject, agile.put_void()), S_OK);

    // Another STA has another context; MTA threads share one.
    std::atomic<ULONG_PTR> other{0}, mta1{0}, mta2{0};
    on_thread([&] {
      CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED);
      ULONG_PTR x;
      CoGetContextToken(&x);
      other = x;
      CoUninitialize();
    });
    EXPECT_NE(other.load(), token);
    on_thread([&] {
      CoInitializeEx(nullptr, COINIT_MULTITHREADED);
      ULONG_PTR x;
      CoGetContextToken(&x);
      mta1 = x;
      comkit::com_ptr<IComThreadingInfo> mta_info;
      ASSERT_EQ(CoGetObjectContext(IID_IComThreadingInfo, mta_info.put_void()), S_OK);
      THDTYPE kind;
      mta_info->GetCurrentThreadType(&kind);
      EXPECT_EQ(kind, THDTYPE_BLOCKMESSAGES);
      on_thread([&] {
        CoGetContextToken(&x);  // the implicit MTA's
        mta2 = x;
      });
      CoUninitialize();
    });
    EXPECT_NE(mta1.load(), 0u);
    EXPECT_EQ(mta1.load(), mta2.load());
    // The context object outlives the apartment when held.
    CoUninitialize();
    EXPECT_EQ(info->GetCurrentApartmentType(&t), CO_E_NOTINITIALIZED);
  });
}

TEST(OleInitialize, IsAnSta) {
  on_thread([] {
    EXPECT_EQ(OleInitialize(reinterpret_cast<void*>(1)), E_INVALIDARG);
    ASSERT_EQ(OleInitialize(nullptr), S_OK);
    EXPECT_EQ(OleInitialize(nullptr), S_FALSE);
    EXPECT_EQ(current_type().type, APTTYPE_MAINSTA);
    OleUninitialize();
    OleUninitialize();
    EXPECT_EQ(current_type().hr, CO_E_NOTINITIALIZED);
  });
  on_thread([] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
    EXPECT_EQ(OleInitialize(nullptr), RPC_E_CHANGED_MODE);
    OleUninitialize();  // not counted by the failed call: the MTA stays
    EXPECT_EQ(current_type().type, APTTYPE_MTA);
    CoUninitialize();
  });
}

struct counting_filter final : IMessageFilter {
  std::atomic<ULONG> refs{1};
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IMessageFilter)) {
      *ppv = this;
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
  DWORD STDMETHODCALLTYPE HandleInComingCall(DWORD, HTASK, DWORD, LPINTERFACEINFO) override {
    return SERVERCALL_ISHANDLED;
  }
  DWORD STDMETHODCALLTYPE RetryRejectedCall(HTASK, DWORD, DWORD) override { return static_cast<DWORD>(-1); }
  DWORD STDMETHODCALLTYPE MessagePending(HTASK, DWORD, DWORD) override { return PENDINGMSG_WAITDEFPROCESS; }
};

TEST(MessageFilter, RegisteredPerStaAndReleasedWithIt) {
  counting_filter a, b;
  on_thread([&] {
    IMessageFilter* old = &b;
    EXPECT_EQ(CoRegisterMessageFilter(&a, &old), CO_E_NOTINITIALIZED);
    EXPECT_EQ(old, nullptr);
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
    EXPECT_EQ(CoRegisterMessageFilter(&a, nullptr), CO_E_NOT_SUPPORTED);
    CoUninitialize();
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    ASSERT_EQ(CoRegisterMessageFilter(&a, &old), S_OK);
    EXPECT_EQ(old, nullptr);
    EXPECT_EQ(a.refs.load(), 2u);
    ASSERT_EQ(CoRegisterMessageFilter(&b, &old), S_OK);
    EXPECT_EQ(old, &a);  // handed back with its reference
    EXPECT_EQ(a.refs.load(), 2u);
    old->Release();
    ASSERT_EQ(CoRegisterMessageFilter(&a, nullptr), S_OK);  // the old one released
    EXPECT_EQ(b.refs.load(), 1u);
    EXPECT_EQ(a.refs.load(), 2u);
    CoUninitialize();
    EXPECT_EQ(a.refs.load(), 1u);
  });
}

TEST(CoWait, ArgumentsAndTimeout) {
  on_thread([] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    HANDLE e = CreateEventW(nullptr, FALSE, FALSE, nullptr);
    DWORD index = 77;
    EXPECT_EQ(CoWaitForMultipleHandles(0, 0, 1, &e, nullptr), E_INVALIDARG);
    EXPECT_EQ(CoWaitForMultipleHandles(0, 0, 1, nullptr, &index), E_INVALIDARG);
    EXPECT_EQ(CoWaitForMultipleHandles(0, 0, 0, &e, &index), RPC_E_NO_SYNC);
    EXPECT_EQ(CoWaitForMultipleHandles(0x100, 0, 1, &e, &index), E_INVALIDARG);
    HANDLE many[MAXIMUM_WAIT_OBJECTS + 1] = {};
    EXPECT_EQ(CoWaitForMultipleHandles(0, 0, MAXIMUM_WAIT_OBJECTS + 1, many, &index), E_INVALIDARG);
    EXPECT_EQ(CoWaitForMultipleObjects(0, 0, CWMO_MAX_HANDLES + 1, many, &index), E_INVALIDARG);
    EXPECT_EQ(CoWaitForMultipleObjects(4, 0, 1, &e, &index), E_INVALIDARG);
    EXPECT_EQ(CoWaitForMultipleObjects(0, 0, 0, &e, &index), RPC_E_NO_SYNC);
    EXPECT_EQ(CoWaitForMultipleHandles(0, 20, 1, &e, &index), RPC_S_CALLPENDING);
    EXPECT_EQ(CoWaitForMultipleObjects(CWMO_DISPATCH_CALLS, 0, 1, &e, &index), RPC_S_CALLPENDING);
    HANDLE bad = reinterpret_cast<HANDLE>(0x40);
    EXPECT_EQ(CoWaitForMultipleHandles(0, 0, 1, &bad, &index), HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE));
    SetEvent(e);
    index = 77;
    EXPECT_EQ(CoWaitForMultipleHandles(0, INFINITE, 1, &e, &index), S_OK);
    EXPECT_EQ(index, 0u);
    CloseHandle(e);
    CoUninitialize();
  });
}

TEST(CoWait, IndexWaitAllAndInput) {
  on_thread([] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    HANDLE h[2] = {CreateEventW(nullptr, TRUE, FALSE, nullptr), CreateEventW(nullptr, TRUE, TRUE, nullptr)};
    DWORD index = 0;
    EXPECT_EQ(CoWaitForMultipleHandles(0, 0, 2, h, &index), S_OK);
    EXPECT_EQ(index, 1u);
    EXPECT_EQ(CoWaitForMultipleHandles(COWAIT_WAITALL, 0, 2, h, &index), RPC_S_CALLPENDING);
    SetEvent(h[0]);
    EXPECT_EQ(CoWaitForMultipleHandles(COWAIT_WAITALL, 0, 2, h, &index), S_OK);
    EXPECT_EQ(index, 0u);
    ResetEvent(h[0]);
    ResetEvent(h[1]);
    // A posted message ends the wait only with COWAIT_INPUTAVAILABLE, and
    // stays queued for the thread's loop either way.
    ASSERT_TRUE(PostThreadMessageW(GetCurrentThreadId(), WM_USER, 5, 0));
    EXPECT_EQ(CoWaitForMultipleHandles(0, 10, 2, h, &index), RPC_S_CALLPENDING);
    EXPECT_EQ(CoWaitForMultipleHandles(COWAIT_INPUTAVAILABLE, 10, 2, h, &index), S_OK);
    EXPECT_EQ(index, 2u);
    MSG m;
    ASSERT_TRUE(PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE));
    EXPECT_EQ(m.wParam, 5u);
    // COWAIT_DISPATCH_WINDOW_MESSAGES dispatches it (a thread message goes
    // nowhere), and WM_QUIT is kept for the thread's own loop.
    PostQuitMessage(9);
    EXPECT_EQ(CoWaitForMultipleHandles(COWAIT_DISPATCH_WINDOW_MESSAGES, 20, 2, h, &index), RPC_S_CALLPENDING);
    ASSERT_TRUE(PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
    EXPECT_EQ(m.message, static_cast<UINT>(WM_QUIT));
    EXPECT_EQ(m.wParam, 9u);
    EXPECT_FALSE(PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
    for (HANDLE x : h) CloseHandle(x);
    CoUninitialize();
  });
}

TEST(CoWait, WakesOnAnEventSetByAnotherThread) {
  on_thread([] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
    HANDLE e = CreateEventW(nullptr, FALSE, FALSE, nullptr);
    std::thread setter([&] {
      std::this_thread::sleep_for(20ms);
      SetEvent(e);
    });
    DWORD index = 5;
    EXPECT_EQ(CoWaitForMultipleHandles(0, 10000, 1, &e, &index), S_OK);
    EXPECT_EQ(index, 0u);
    setter.join();
    CloseHandle(e);
    CoUninitialize();
  });
}

TEST(ApartmentFd, OnlyInAnStaAndCloseOnExec) {
  on_thread([] {
    int fd = 5;
    EXPECT_EQ(ComkitGetApartmentFd(&fd), CO_E_NOTINITIALIZED);
    EXPECT_EQ(fd, -1);
    EXPECT_EQ(ComkitGetApartmentFd(nullptr), E_INVALIDARG);
    ULONG served = 7;
    EXPECT_EQ(ComkitDispatchPending(&served), CO_E_NOTINITIALIZED);
    EXPECT_EQ(served, 0u);
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
    EXPECT_EQ(ComkitGetApartmentFd(&fd), CO_E_NOTINITIALIZED);
    CoUninitialize();
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    ASSERT_EQ(ComkitGetApartmentFd(&fd), S_OK);
    ASSERT_GE(fd, 0);
    EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    EXPECT_EQ(ComkitDispatchPending(&served), S_OK);
    EXPECT_EQ(served, 0u);
    EXPECT_EQ(ComkitDispatchPending(nullptr), S_OK);
    CoUninitialize();
  });
}

}  // namespace

namespace {

// An object whose last external Release joins and leaves the MTA, as a
// destructor calling COM may: the MTA's end must not deadlock on it.
struct joins_on_release final : IPersist {
  std::atomic<ULONG> refs{1};
  std::atomic<HRESULT> joined{E_FAIL};
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IPersist)) {
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
    if (left == 1) {
      joined = CoInitializeEx(nullptr, COINIT_MULTITHREADED);
      if (SUCCEEDED(joined.load())) CoUninitialize();
    }
    return left;
  }
  HRESULT STDMETHODCALLTYPE GetClassID(CLSID* id) override {
    *id = GUID_NULL;
    return S_OK;
  }
};

TEST(ApartmentType, ReleaseAtTheMtasEndMayJoinTheMta) {
  joins_on_release o;
  on_thread([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
    comkit::com_ptr<IStream> s;
    ASSERT_EQ(CreateStreamOnHGlobal(nullptr, TRUE, s.put()), S_OK);
    ASSERT_EQ(CoMarshalInterface(s.get(), IID_IPersist, &o, MSHCTX_INPROC, nullptr, MSHLFLAGS_TABLESTRONG), S_OK);
    CoUninitialize();  // the MTA ends; the exporter releases the object
  });
  EXPECT_EQ(o.refs.load(), 1u);
  EXPECT_EQ(o.joined.load(), S_OK);
  on_thread([] { EXPECT_EQ(current_type().hr, CO_E_NOTINITIALIZED); });
}

}  // namespace
