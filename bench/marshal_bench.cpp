// bench/marshal_bench.cpp - the global interface table (register + get +
// revoke) and a same-apartment CoMarshalInterface + CoUnmarshalInterface,
// each against an AddRef/Release pair and a malloc/free pair as baselines
// (what a minimal table must at least do), and the event wake-up round trip
// between two threads that cross-apartment calls will ride on.
#include <benchmark/benchmark.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <comkit/apartment.h>

#include <comkit/com_ptr.h>
#include <windows.h>

#include "../tests/apartment/calc_ps.h"
#include "oa_bench.h"
#include "ps_test.h"
#include "ratio_main.h"

namespace {

struct object final : IPersist {
  std::atomic<ULONG> refs{1};
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
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
  HRESULT STDMETHODCALLTYPE GetClassID(CLSID* id) override {
    *id = GUID_NULL;
    return S_OK;
  }
};

struct mta {
  mta() { CoInitializeEx(nullptr, COINIT_MULTITHREADED); }
};

void BM_GitRegisterGetRevoke(benchmark::State& s) {
  static mta m;
  comkit::com_ptr<IGlobalInterfaceTable> git;
  CoCreateInstance(CLSID_StdGlobalInterfaceTable, nullptr, CLSCTX_INPROC_SERVER, IID_IGlobalInterfaceTable,
                   git.put_void());
  object o;
  for (auto _ : s) {
    DWORD cookie = 0;
    git->RegisterInterfaceInGlobal(&o, IID_IPersist, &cookie);
    IPersist* p = nullptr;
    git->GetInterfaceFromGlobal(cookie, IID_IPersist, reinterpret_cast<void**>(&p));
    p->Release();
    git->RevokeInterfaceFromGlobal(cookie);
  }
  if (o.refs != 1) std::abort();
}
BENCHMARK(BM_GitRegisterGetRevoke);

void BM_MarshalUnmarshalSameApartment(benchmark::State& s) {
  static mta m;
  object o;
  comkit::com_ptr<IStream> stream;
  CreateStreamOnHGlobal(nullptr, TRUE, stream.put());
  for (auto _ : s) {
    LARGE_INTEGER zero{};
    stream->Seek(zero, STREAM_SEEK_SET, nullptr);
    CoMarshalInterface(stream.get(), IID_IPersist, &o, MSHCTX_INPROC, nullptr, MSHLFLAGS_NORMAL);
    stream->Seek(zero, STREAM_SEEK_SET, nullptr);
    IPersist* p = nullptr;
    CoUnmarshalInterface(stream.get(), IID_IPersist, reinterpret_cast<void**>(&p));
    p->Release();
  }
  if (o.refs != 1) std::abort();
}
BENCHMARK(BM_MarshalUnmarshalSameApartment);

void BM_Baseline_MallocFree(benchmark::State& s) {
  for (auto _ : s) {
    void* p = std::malloc(64);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
}
BENCHMARK(BM_Baseline_MallocFree);

// Two threads bouncing two auto-reset events: the wake-up an STA call will
// use, measured through the public wait functions.
void BM_EventPingPong(benchmark::State& s) {
  HANDLE ping = CreateEventW(nullptr, FALSE, FALSE, nullptr), pong = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  std::atomic<bool> stop{false};
  std::thread peer([&] {
    while (WaitForSingleObject(ping, INFINITE) == WAIT_OBJECT_0 && !stop) SetEvent(pong);
  });
  for (auto _ : s) {
    SetEvent(ping);
    WaitForSingleObject(pong, INFINITE);
  }
  stop = true;
  SetEvent(ping);
  peer.join();
  CloseHandle(ping);
  CloseHandle(pong);
}
BENCHMARK(BM_EventPingPong)->UseRealTime();

// A benchmark object implementing I alone (QueryInterface answers Iid and
// IUnknown), not counted: it lives as long as the benchmark.
template <typename I, const IID& Iid>
struct uncounted : I {
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, Iid)) {
      *ppv = static_cast<I*>(this);
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
};

// ---- Calls between apartments ------------------------------------------------------
// An object in an STA thread served by GetMessageW, called through a proxy
// from the MTA: the whole path (proxy, channel, queue, wake-up, stub, reply).

struct empty_calc final : uncounted<calc_ps::ICalcTest, calc_ps::IID_ICalcTest> {
  HRESULT STDMETHODCALLTYPE Add(LONG a, LONG b, LONG* sum) override {
    *sum = a + b;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE ThreadId(DWORD* tid) override {
    *tid = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE CallBack(DWORD* tid) override { return ThreadId(tid); }
};

// An STA thread hosts `object`; the benchmark calls it through a proxy for
// iid from the MTA with `call(proxy)`.
template <typename I, typename Call>
void cross_apartment(benchmark::State& s, I* object, const IID& iid, Call call) {
  IStream* stream = nullptr;
  std::atomic<DWORD> sta{0};
  std::thread host([&] {
    CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED);
    calc_ps::use_calc_proxies();
    CoMarshalInterThreadInterfaceInStream(iid, object, &stream);
    sta = GetCurrentThreadId();
    MSG m;
    while (GetMessageW(&m, nullptr, 0, 0) > 0) {
    }
    CoUninitialize();
  });
  while (!sta) std::this_thread::yield();
  {
    static mta m;
    calc_ps::use_calc_proxies();
    I* proxy = nullptr;
    if (FAILED(CoGetInterfaceAndReleaseStream(stream, iid, reinterpret_cast<void**>(&proxy)))) std::abort();
    for (auto _ : s) call(proxy);
    proxy->Release();
  }
  PostThreadMessageW(sta, WM_QUIT, 0, 0);
  host.join();
}

// The hand-written proxy/stub pair (tests/apartment/calc_ps.h).
void BM_CrossApartmentCall(benchmark::State& s) {
  empty_calc object;
  cross_apartment(s, static_cast<calc_ps::ICalcTest*>(&object), calc_ps::IID_ICalcTest, [](calc_ps::ICalcTest* p) {
    DWORD out;
    p->ThreadId(&out);
  });
}
BENCHMARK(BM_CrossApartmentCall)->UseRealTime();

// The same call shape through the table-driven proxy and stub
// (ps_test.idl's IPsCallback::Where: one [out] DWORD).
struct empty_callback final : uncounted<IPsCallback, IID_IPsCallback> {
  HRESULT STDMETHODCALLTYPE Ping(LONG value, LONG* result) override {
    *result = value;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Where(DWORD* tid) override {
    *tid = 0;
    return S_OK;
  }
};

void BM_CrossApartmentCallTables(benchmark::State& s) {
  empty_callback object;
  cross_apartment(s, static_cast<IPsCallback*>(&object), IID_IPsCallback, [](IPsCallback* p) {
    DWORD out;
    p->Where(&out);
  });
}
BENCHMARK(BM_CrossApartmentCallTables)->UseRealTime();

// The same call through the universal marshaler: IOaWhere has no compiled
// tables, only its type library, registered in a private registry here.
struct empty_where final : uncounted<IOaWhere, IID_IOaWhere> {
  HRESULT STDMETHODCALLTYPE Where(ULONG* tid) override {
    *tid = 0;
    return S_OK;
  }
};

// A registry of the benchmark's own, removed when the process ends.
struct private_registry {
  char dir[40] = "/tmp/comkit-bench-registry-XXXXXX";
  bool made = mkdtemp(dir) != nullptr;
  ~private_registry() {
    std::error_code ignored;
    if (made) std::filesystem::remove_all(dir, ignored);
  }
};

void BM_CrossApartmentCallTypelib(benchmark::State& s) {
  static private_registry registry;
  static const bool registered = [] {
    if (!registry.made) return false;
    setenv("COMKIT_REGISTRY_PATH", registry.dir, 1);
    ComkitRegistryRefresh();
    const std::string path = COMKIT_BENCH_OA_TLB;
    const std::u16string wide(path.begin(), path.end());
    ITypeLib* lib = nullptr;
    if (FAILED(LoadTypeLib(reinterpret_cast<LPCOLESTR>(wide.c_str()), &lib))) return false;
    const bool ok = SUCCEEDED(RegisterTypeLib(lib, reinterpret_cast<LPCOLESTR>(wide.c_str()), nullptr));
    lib->Release();
    ComkitRegistryRefresh();
    return ok;
  }();
  if (!registered) {
    s.SkipWithError("the type library could not be registered");
    return;
  }
  empty_where object;
  cross_apartment(s, static_cast<IOaWhere*>(&object), IID_IOaWhere, [](IOaWhere* p) {
    ULONG out;
    p->Where(&out);
  });
}
BENCHMARK(BM_CrossApartmentCallTypelib)->UseRealTime();

// Four MTA threads calling one STA object at once (the STA serves them one
// at a time). One iteration: each of the 4 callers makes 25 calls; the
// figure per call is the iteration's time / 100 (items_per_second).
void BM_FourCallersOneSta(benchmark::State& s) {
  static mta m;
  empty_callback object;
  comkit::sta_thread sta;
  comkit::agile_ref<IPsCallback> shared;
  sta.run([&] { shared = comkit::make_agile(comkit::com_ptr<IPsCallback>(static_cast<IPsCallback*>(&object))); });
  constexpr int callers = 4, calls = 25;
  std::atomic<bool> stop{false};
  std::barrier start(callers + 1), end(callers + 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < callers; ++t)
    threads.emplace_back([&] {
      comkit::com_ptr<IPsCallback> p = shared.get();
      for (;;) {
        start.arrive_and_wait();
        if (stop) break;
        for (int k = 0; k < calls; ++k) {
          DWORD out;
          p->Where(&out);
        }
        end.arrive_and_wait();
      }
    });
  for (auto _ : s) {
    start.arrive_and_wait();
    end.arrive_and_wait();
  }
  stop = true;
  start.arrive_and_wait();
  for (auto& t : threads) t.join();
  s.SetItemsProcessed(s.iterations() * callers * calls);
  shared = comkit::agile_ref<IPsCallback>();
}
BENCHMARK(BM_FourCallersOneSta)->UseRealTime();

// A call from one STA to an object in another that calls back into the
// first (which serves the callback while it waits): two round trips.
void BM_ReentrantCallback(benchmark::State& s) {
  static mta m;
  empty_calc a_object;
  struct calling_back final : uncounted<calc_ps::ICalcTest, calc_ps::IID_ICalcTest> {
    calc_ps::ICalcTest* peer = nullptr;
    HRESULT STDMETHODCALLTYPE Add(LONG x, LONG y, LONG* sum) override {
      *sum = x + y;
      return S_OK;
    }
    HRESULT STDMETHODCALLTYPE ThreadId(DWORD* tid) override {
      *tid = 0;
      return S_OK;
    }
    HRESULT STDMETHODCALLTYPE CallBack(DWORD* tid) override { return peer->ThreadId(tid); }
  } b_object;
  comkit::sta_thread a, b;
  a.run([] { calc_ps::use_calc_proxies(); });
  b.run([] { calc_ps::use_calc_proxies(); });
  IStream* to_b = nullptr;  // A's object, for B to call back
  IStream* to_a = nullptr;  // B's object, for A to call
  a.run([&] { CoMarshalInterThreadInterfaceInStream(calc_ps::IID_ICalcTest, &a_object, &to_b); });
  b.run([&] {
    CoGetInterfaceAndReleaseStream(to_b, calc_ps::IID_ICalcTest, reinterpret_cast<void**>(&b_object.peer));
    CoMarshalInterThreadInterfaceInStream(calc_ps::IID_ICalcTest, &b_object, &to_a);
  });
  calc_ps::ICalcTest* proxy = nullptr;
  a.run([&] { CoGetInterfaceAndReleaseStream(to_a, calc_ps::IID_ICalcTest, reinterpret_cast<void**>(&proxy)); });
  constexpr int calls = 50;  // per iteration, on A: the hop into A is 1/50 of it
  for (auto _ : s)
    a.run([&] {
      for (int k = 0; k < calls; ++k) {
        DWORD tid;
        proxy->CallBack(&tid);
      }
    });
  s.SetItemsProcessed(s.iterations() * calls);
  a.run([&] { proxy->Release(); });
  b.run([&] { b_object.peer->Release(); });
}
BENCHMARK(BM_ReentrantCallback)->UseRealTime();

// The same round trip over two bare eventfds (write, poll, read): the
// mechanism the events and thread queues are built on.
void BM_Baseline_EventfdPingPong(benchmark::State& s) {
  const int ping = eventfd(0, EFD_CLOEXEC), pong = eventfd(0, EFD_CLOEXEC);
  std::atomic<bool> stop{false};
  auto signal = [](int fd) {
    const std::uint64_t one = 1;
    if (write(fd, &one, sizeof one) < 0) std::abort();
  };
  auto wait = [](int fd) {
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, -1);
    std::uint64_t v;
    if (read(fd, &v, sizeof v) < 0) std::abort();
  };
  std::thread peer([&] {
    for (;;) {
      wait(ping);
      if (stop) break;
      signal(pong);
    }
  });
  for (auto _ : s) {
    signal(ping);
    wait(pong);
  }
  stop = true;
  signal(ping);
  peer.join();
  close(ping);
  close(pong);
}
BENCHMARK(BM_Baseline_EventfdPingPong)->UseRealTime();

}  // namespace

COMKIT_BENCH_PAIR("BM_EventPingPong/real_time", "BM_Baseline_EventfdPingPong/real_time", 0, 0);
COMKIT_BENCH_PAIR("BM_CrossApartmentCall/real_time", "BM_Baseline_EventfdPingPong/real_time", 1.3, 0);
COMKIT_BENCH_PAIR("BM_CrossApartmentCallTables/real_time", "BM_Baseline_EventfdPingPong/real_time", 1.3, 0);
COMKIT_BENCH_PAIR("BM_CrossApartmentCallTables/real_time", "BM_CrossApartmentCall/real_time", 0, 0);
COMKIT_BENCH_PAIR("BM_CrossApartmentCallTypelib/real_time", "BM_CrossApartmentCallTables/real_time", 0, 0);
COMKIT_BENCH_PAIR("BM_GitRegisterGetRevoke", "", 0, 200);
COMKIT_BENCH_PAIR("BM_MarshalUnmarshalSameApartment", "", 0, 300);
COMKIT_BENCH_PAIR("BM_GitRegisterGetRevoke", "BM_Baseline_MallocFree", 0, 0);
COMKIT_BENCH_PAIR("BM_MarshalUnmarshalSameApartment", "BM_Baseline_MallocFree", 0, 0);
