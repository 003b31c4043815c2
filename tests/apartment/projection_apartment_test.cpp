// tests/apartment/projection_apartment_test.cpp - the C++ projection's
// apartment helpers (comkit/apartment.h, comkit/coroutine.h) and the
// IContextCallback beneath them: running code in another apartment,
// sta_thread, git_cookie, agile_ref, and coroutines hopping apartments.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include <comkit/apartment.h>
#include <comkit/coroutine.h>
#include <windows.h>

#include "ps_test.h"

namespace {

APTTYPE apartment_type() {
  APTTYPE t{};
  APTTYPEQUALIFIER q{};
  return CoGetApartmentType(&t, &q) == S_OK ? t : static_cast<APTTYPE>(-1);
}

// An object that says where it runs.
struct where final : IPsCallback {
  std::atomic<ULONG> refs{1};
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IPsCallback)) {
      *ppv = static_cast<IPsCallback*>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
  HRESULT STDMETHODCALLTYPE Ping(LONG value, LONG* result) override {
    *result = value;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Where(DWORD* tid) override {
    *tid = GetCurrentThreadId();
    return S_OK;
  }
};

class Apartments : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK); }
  void TearDown() override { CoUninitialize(); }
};

HRESULT STDMETHODCALLTYPE record_thread(ComCallData* data) {
  *static_cast<DWORD*>(data->pUserDefined) = GetCurrentThreadId();
  return S_FALSE;  // a distinct success code: it must come back as it is
}

TEST_F(Apartments, ContextCallbackRunsInTheContextsApartment) {
  comkit::com_ptr<IContextCallback> sta_context;
  std::atomic<DWORD> sta_tid{0};
  std::atomic<bool> ready{false}, quit{false};
  std::thread sta([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    ASSERT_EQ(CoGetObjectContext(IID_IContextCallback, sta_context.put_void()), S_OK);
    sta_tid = GetCurrentThreadId();
    // In its own apartment the function runs at once.
    DWORD tid = 0;
    ComCallData d{0, 0, &tid};
    EXPECT_EQ(sta_context->ContextCallback(&record_thread, &d, IID_IContextCallback, 0, nullptr), S_FALSE);
    EXPECT_EQ(tid, GetCurrentThreadId());
    ready = true;
    HANDLE never = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    while (!quit) {
      DWORD index;
      CoWaitForMultipleHandles(0, 10, 1, &never, &index);  // serves calls while it waits
    }
    CloseHandle(never);
    CoUninitialize();
  });
  while (!ready) std::this_thread::yield();
  DWORD tid = 0;
  ComCallData d{0, 0, &tid};
  EXPECT_EQ(sta_context->ContextCallback(&record_thread, &d, IID_IContextCallback, 0, nullptr), S_FALSE);
  EXPECT_EQ(tid, sta_tid.load());
  EXPECT_EQ(sta_context->ContextCallback(nullptr, &d, IID_IContextCallback, 0, nullptr), E_INVALIDARG);
  quit = true;
  sta.join();
  // The apartment has ended: nothing runs, the caller hears it.
  tid = 0;
  EXPECT_EQ(sta_context->ContextCallback(&record_thread, &d, IID_IContextCallback, 0, nullptr), RPC_E_DISCONNECTED);
  EXPECT_EQ(tid, 0u);
}

TEST_F(Apartments, StaThreadRunsCodeInItsApartment) {
  comkit::sta_thread sta;
  EXPECT_NE(sta.id(), GetCurrentThreadId());
  DWORD tid = 0;
  APTTYPE type{};
  sta.run([&] {
    tid = GetCurrentThreadId();
    type = apartment_type();
  });
  EXPECT_EQ(tid, sta.id());
  EXPECT_TRUE(type == APTTYPE_STA || type == APTTYPE_MAINSTA);
  int runs = 0;
  const auto count = [&] { ++runs; };  // an lvalue callable works too
  sta.run(count);
  sta.context().run(count);
  EXPECT_EQ(runs, 2);
  // An exception thrown there is thrown here.
  EXPECT_THROW(sta.run([] { throw std::runtime_error("thrown in the STA"); }), std::runtime_error);
  // And back into the MTA from the STA.
  comkit::apartment_context mta;
  DWORD back = 0;
  sta.run([&] { mta.run([&] { back = GetCurrentThreadId(); }); });
  EXPECT_NE(back, sta.id());
  EXPECT_THROW(comkit::apartment_context(nullptr).run([] {}), comkit::hresult_error);
}

TEST_F(Apartments, AgileRefAndGitCookieGiveTheObjectInAnyApartment) {
  where w;
  {
    comkit::sta_thread sta;
    comkit::agile_ref<IPsCallback> agile;
    comkit::git_cookie<IPsCallback> cookie;
    sta.run([&] {
      comkit::com_ptr<IPsCallback> p(static_cast<IPsCallback*>(&w));
      agile = comkit::make_agile(p);
      cookie = comkit::git_cookie<IPsCallback>(p);
    });
    ASSERT_TRUE(agile);
    ASSERT_TRUE(cookie);
    comkit::com_ptr<IPsCallback> here = agile.get();
    ASSERT_TRUE(here);
    EXPECT_NE(static_cast<void*>(here.get()), static_cast<void*>(static_cast<IPsCallback*>(&w)));  // a proxy
    DWORD tid = 0;
    EXPECT_EQ(here->Where(&tid), S_OK);
    EXPECT_EQ(tid, sta.id());
    comkit::com_ptr<IPsCallback> again = cookie.get();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->Where(&tid), S_OK);
    EXPECT_EQ(tid, sta.id());
    // At home, the object itself.
    sta.run([&] { EXPECT_EQ(static_cast<void*>(agile.get().get()), static_cast<void*>(static_cast<IPsCallback*>(&w))); });
    here = nullptr;
    again = nullptr;
    cookie.revoke();
    EXPECT_FALSE(cookie);
    agile = comkit::agile_ref<IPsCallback>();
  }
  for (int k = 0; k < 2000 && w.refs != 1; ++k) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(w.refs.load(), 1u);
}

comkit::fire_and_forget hop(const comkit::sta_thread& sta, DWORD* in_sta, DWORD* in_background, DWORD* home,
                            const comkit::apartment_context& back, std::atomic<bool>* done) {
  co_await comkit::resume_on(sta.context());
  *in_sta = GetCurrentThreadId();
  co_await comkit::resume_background();
  *in_background = GetCurrentThreadId();
  co_await back;
  *home = GetCurrentThreadId();
  done->store(true);
  done->notify_all();
}

TEST_F(Apartments, CoroutinesHopBetweenApartments) {
  comkit::sta_thread sta, home;
  DWORD in_sta = 0, in_background = 0, at_home = 0;
  std::atomic<bool> done{false};
  hop(sta, &in_sta, &in_background, &at_home, home.context(), &done);
  done.wait(false);
  EXPECT_EQ(in_sta, sta.id());
  EXPECT_NE(in_background, 0u);
  EXPECT_NE(in_background, sta.id());
  EXPECT_NE(in_background, GetCurrentThreadId());
  EXPECT_EQ(at_home, home.id());
}

}  // namespace
