// bench/projection_bench.cpp - the C++ projection's hot paths against their
// baselines in the same run (goals from the projection issue).
#include <benchmark/benchmark.h>

#include <memory>
#include <thread>

#include "eight_interfaces.h"
#include "ratio_main.h"

namespace {

using comkit::com_ptr;
using namespace bench8;

// ---- Method call -----------------------------------------------------------------

// Glibc lets libstdc++'s shared_ptr skip atomics while a process has never
// started a thread; COM objects are shared across threads, so the reference
// counting baselines run in a process that has.
const bool g_threaded = [] {
  std::thread([] {}).join();
  return true;
}();

struct plain_base {
  virtual int call(int* out) = 0;
  virtual ~plain_base() = default;
};
struct plain : plain_base {
  int call(int* out) override { return *out = 1, 0; }
};
// A second implementation, so the compiler cannot guess the target of the
// baseline's call (speculative devirtualisation) any more than the COM one's.
struct plain_other : plain_base {
  int call(int* out) override { return *out = 2, 0; }
};
plain_other g_other;

void BM_Baseline_VirtualCall(benchmark::State& s) {
  std::unique_ptr<plain_base> p = std::make_unique<plain>();
  int v = 0;
  for (auto _ : s) {
    benchmark::DoNotOptimize(p);
    benchmark::DoNotOptimize(p->call(&v));
  }
}
BENCHMARK(BM_Baseline_VirtualCall);

void BM_ComPtrCall(benchmark::State& s) {
  com_ptr<I1> p = comkit::make<eight>();
  int v = 0;
  benchmark::DoNotOptimize(g_other.call(&v));
  for (auto _ : s) {
    benchmark::DoNotOptimize(p);
    benchmark::DoNotOptimize(p->M1(&v));
  }
}
BENCHMARK(BM_ComPtrCall);

// ---- QueryInterface (each iteration: QI + Release of what it returned) -----------

template <typename T>
void query_loop(benchmark::State& s, IUnknown* obj) {
  const GUID& iid = *iids[s.range(0)];
  for (auto _ : s) {
    void* out = nullptr;
    benchmark::DoNotOptimize(obj->QueryInterface(iid, &out));
    if (out) static_cast<IUnknown*>(out)->Release();
  }
}

void BM_QI_Atomic(benchmark::State& s) {
  com_ptr<I1> p = comkit::make<eight>();
  query_loop<eight>(s, p.get());
}
BENCHMARK(BM_QI_Atomic)->DenseRange(0, 9);  // 0: IUnknown, 1-8: I1-I8, 9: a miss

void BM_QI_SingleThreaded(benchmark::State& s) {
  com_ptr<I1> p = comkit::make<eight_st>();
  query_loop<eight_st>(s, p.get());
}
BENCHMARK(BM_QI_SingleThreaded)->DenseRange(0, 9);

void BM_Baseline_IfChainQI(benchmark::State& s) {
  com_ptr<I1> p(static_cast<I1*>(new eight_if_chain), comkit::take_ownership);
  query_loop<eight_if_chain>(s, p.get());
}
BENCHMARK(BM_Baseline_IfChainQI)->DenseRange(0, 9);

// ---- Reference counting -----------------------------------------------------------

void BM_AddRefRelease_Atomic(benchmark::State& s) {
  com_ptr<I1> p = comkit::make<eight>();
  for (auto _ : s) {
    com_ptr<I1> copy = p;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_AddRefRelease_Atomic);

void BM_AddRefRelease_SingleThreaded(benchmark::State& s) {
  com_ptr<I1> p = comkit::make<eight_st>();
  for (auto _ : s) {
    com_ptr<I1> copy = p;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_AddRefRelease_SingleThreaded);

// Through a com_ptr to the (final) implementation type, where the compiler
// sees the count and inlines it.
struct eight_st_final final : comkit::implements<eight_st_final, I1, comkit::single_threaded> {
  HRESULT STDMETHODCALLTYPE M1(int* o) noexcept override { return *o = 1, S_OK; }
};

void BM_AddRefRelease_SingleThreaded_Self(benchmark::State& s) {
  com_ptr<eight_st_final> p = comkit::make_self<eight_st_final>();
  for (auto _ : s) {
    com_ptr<eight_st_final> copy = p;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_AddRefRelease_SingleThreaded_Self);

void BM_Baseline_SharedPtrCopy(benchmark::State& s) {
  auto p = std::make_shared<int>(1);
  for (auto _ : s) {
    std::shared_ptr<int> copy = p;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_Baseline_SharedPtrCopy);

// ---- Creation ---------------------------------------------------------------------

void BM_Make(benchmark::State& s) {
  for (auto _ : s) {
    com_ptr<I1> p = comkit::make<eight>();
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_Make);

struct same_size_as_eight {
  char bytes[sizeof(eight)];
};

void BM_Baseline_NewDelete(benchmark::State& s) {
  for (auto _ : s) {
    auto* p = new same_size_as_eight;
    benchmark::DoNotOptimize(p);
    delete p;
  }
}
BENCHMARK(BM_Baseline_NewDelete);

COMKIT_BENCH_PAIR("BM_ComPtrCall", "BM_Baseline_VirtualCall", 1.02, 0);
COMKIT_BENCH_PAIR("BM_QI_Atomic/0", "BM_Baseline_IfChainQI/0", 0, 0);
COMKIT_BENCH_PAIR("BM_QI_Atomic/8", "BM_Baseline_IfChainQI/8", 0, 0);
COMKIT_BENCH_PAIR("BM_QI_Atomic/9", "BM_Baseline_IfChainQI/9", 0, 0);
COMKIT_BENCH_PAIR("BM_QI_SingleThreaded/0", "BM_AddRefRelease_SingleThreaded", 0, 0);
COMKIT_BENCH_PAIR("BM_QI_SingleThreaded/8", "BM_AddRefRelease_SingleThreaded", 0, 0);
COMKIT_BENCH_PAIR("BM_AddRefRelease_Atomic", "BM_Baseline_SharedPtrCopy", 1.0, 0);
COMKIT_BENCH_PAIR("BM_AddRefRelease_SingleThreaded", "", 0, 1);
COMKIT_BENCH_PAIR("BM_AddRefRelease_SingleThreaded_Self", "", 0, 1);
COMKIT_BENCH_PAIR("BM_Make", "BM_Baseline_NewDelete", 1.1, 0);

}  // namespace
