// bench/activation_bench.cpp - CoCreateInstance of a registered in-process
// class (after its first load) against make<T>() of the same class, and the
// first activation (dlopen included) on its own.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench_object.h"
#include "ratio_main.h"

namespace {

using namespace benchsrv;

// A registry of its own with the bench server in it, and the MTA.
struct environment {
  std::string dir;
  environment() {
    char tmpl[] = "/tmp/comkit-bench-XXXXXX";
    dir = mkdtemp(tmpl);
    setenv("COMKIT_REGISTRY_PATH", dir.c_str(), 1);
    CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    const COMKIT_CLASS_REGISTRATION cls{bench_object::clsid, bench_object::progid, nullptr, "Both", nullptr};
    if (FAILED(ComkitRegisterServer(COMKIT_BENCH_SERVER, &cls, 1, COMKIT_REGISTER_USER))) std::abort();
  }
  ~environment() {
    CoUninitialize();
    std::filesystem::remove_all(dir);
  }
};
environment& env() {
  static environment e;
  return e;
}

void BM_CoCreateInstance(benchmark::State& s) {
  env();
  void* warm = nullptr;
  CoCreateInstance(bench_object::clsid, nullptr, CLSCTX_INPROC_SERVER, comkit::guid_of<IBenchValue>(), &warm);
  static_cast<IUnknown*>(warm)->Release();
  for (auto _ : s) {
    void* out = nullptr;
    CoCreateInstance(bench_object::clsid, nullptr, CLSCTX_INPROC_SERVER, comkit::guid_of<IBenchValue>(), &out);
    benchmark::DoNotOptimize(out);
    static_cast<IUnknown*>(out)->Release();
  }
}
BENCHMARK(BM_CoCreateInstance);

void BM_Baseline_Make(benchmark::State& s) {
  for (auto _ : s) {
    comkit::com_ptr<IBenchValue> p = comkit::make<bench_object>();
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_Baseline_Make);

// The first activation: each iteration unloads the idle server and loads it
// again (dlopen, DllGetClassObject, CreateInstance).
void BM_FirstActivation(benchmark::State& s) {
  env();
  for (auto _ : s) {
    s.PauseTiming();
    CoFreeUnusedLibrariesEx(0, 0);
    s.ResumeTiming();
    void* out = nullptr;
    CoCreateInstance(bench_object::clsid, nullptr, CLSCTX_INPROC_SERVER, comkit::guid_of<IBenchValue>(), &out);
    benchmark::DoNotOptimize(out);
    static_cast<IUnknown*>(out)->Release();
  }
}
BENCHMARK(BM_FirstActivation)->Unit(benchmark::kMicrosecond);

COMKIT_BENCH_PAIR("BM_CoCreateInstance", "BM_Baseline_Make", 2.0, 40);
COMKIT_BENCH_PAIR("BM_FirstActivation", "", 0, 0);

}  // namespace
