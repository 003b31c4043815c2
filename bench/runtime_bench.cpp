// bench/runtime_bench.cpp - libcomkit's core C API against plain-C baselines
// measured in the same run (goals from the foundation issue).
#include <benchmark/benchmark.h>

#include <objbase.h>
#include <oleauto.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "operations.h"
#include "ratio_main.h"

namespace {

const OLECHAR k16[] = u"sixteen-chars-ok";  // 16 characters
static_assert(sizeof(k16) == 17 * sizeof(OLECHAR));

// ---- BSTR -----------------------------------------------------------------

void BM_SysAllocStringLen_Free_16(benchmark::State& s) {
  for (auto _ : s) {
    BSTR b = SysAllocStringLen(k16, 16);
    benchmark::DoNotOptimize(b);
    SysFreeString(b);
  }
}
BENCHMARK(BM_SysAllocStringLen_Free_16);

void BM_SysAllocString_Free_16(benchmark::State& s) {
  for (auto _ : s) {
    BSTR b = SysAllocString(k16);
    benchmark::DoNotOptimize(b);
    SysFreeString(b);
  }
}
BENCHMARK(BM_SysAllocString_Free_16);

// Baseline: the same 34 bytes (16 characters and the terminator) malloc'd,
// copied and freed.
void BM_Baseline_MallocCopyFree_34(benchmark::State& s) {
  for (auto _ : s) {
    void* p = std::malloc(sizeof k16);
    benchmark::DoNotOptimize(p);
    std::memcpy(p, k16, sizeof k16);
    benchmark::ClobberMemory();
    std::free(p);
  }
}
BENCHMARK(BM_Baseline_MallocCopyFree_34);

// Baseline for SysAllocString, which must find the length first.
void BM_Baseline_LengthMallocCopyFree_34(benchmark::State& s) {
  for (auto _ : s) {
    const OLECHAR* src = k16;
    benchmark::DoNotOptimize(src);
    const std::size_t n = (std::char_traits<OLECHAR>::length(src) + 1) * sizeof(OLECHAR);
    void* p = std::malloc(n);
    benchmark::DoNotOptimize(p);
    std::memcpy(p, src, n);
    benchmark::ClobberMemory();
    std::free(p);
  }
}
BENCHMARK(BM_Baseline_LengthMallocCopyFree_34);

// ---- Task memory ----------------------------------------------------------

void BM_CoTaskMemAlloc_Free(benchmark::State& s) {
  const auto n = static_cast<SIZE_T>(s.range(0));
  for (auto _ : s) {
    void* p = CoTaskMemAlloc(n);
    benchmark::DoNotOptimize(p);
    CoTaskMemFree(p);
  }
}
BENCHMARK(BM_CoTaskMemAlloc_Free)->Arg(16)->Arg(256);

void BM_Baseline_Malloc_Free(benchmark::State& s) {
  const auto n = static_cast<std::size_t>(s.range(0));
  for (auto _ : s) {
    void* p = std::malloc(n);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
}
BENCHMARK(BM_Baseline_Malloc_Free)->Arg(16)->Arg(256);

// ---- GUID text ------------------------------------------------------------

const GUID kGuid = {0x0BE35203, 0x8F91, 0x11CE, {0x9D, 0xE3, 0x00, 0xAA, 0x00, 0x4B, 0xB8, 0x51}};

void BM_StringFromGUID2(benchmark::State& s) {
  OLECHAR buf[39];
  for (auto _ : s) {
    benchmark::DoNotOptimize(StringFromGUID2(kGuid, buf, 39));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_StringFromGUID2);

// Baseline: formatting the same GUID with snprintf (8-bit characters).
void BM_Baseline_SnprintfGuid(benchmark::State& s) {
  char buf[40];
  const GUID& g = kGuid;
  for (auto _ : s) {
    benchmark::DoNotOptimize(std::snprintf(buf, sizeof buf, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
                                           g.Data1, g.Data2, g.Data3, g.Data4[0], g.Data4[1], g.Data4[2],
                                           g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Baseline_SnprintfGuid);

void BM_CLSIDFromString(benchmark::State& s) {
  const OLECHAR* text = u"{0BE35203-8F91-11CE-9DE3-00AA004BB851}";
  GUID g;
  for (auto _ : s) {
    benchmark::DoNotOptimize(CLSIDFromString(text, &g));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_CLSIDFromString);

// Baseline: sscanf of the same text (8-bit characters).
void BM_Baseline_SscanfGuid(benchmark::State& s) {
  const char* text = "{0BE35203-8F91-11CE-9DE3-00AA004BB851}";
  unsigned d1, d2, d3, b[8];
  for (auto _ : s) {
    benchmark::DoNotOptimize(std::sscanf(text, "{%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x}", &d1, &d2, &d3, &b[0],
                                         &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7]));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Baseline_SscanfGuid);

// ---- Error info -----------------------------------------------------------

void BM_ErrorInfo_RoundTrip(benchmark::State& s) {
  for (auto _ : s) comkit::bench::error_info_round_trip();
}
BENCHMARK(BM_ErrorInfo_RoundTrip);

// Baseline: new + delete of an object of the same size as the error object.
void BM_Baseline_NewDelete_ErrorObjectSize(benchmark::State& s) {
  struct same_size {
    void* vtables[2];
    unsigned refs;
    char lock[40];
    GUID guid;
    void* strings[3];
    unsigned context;
  };
  for (auto _ : s) {
    auto* p = new same_size{};
    benchmark::DoNotOptimize(p);
    delete p;
  }
}
BENCHMARK(BM_Baseline_NewDelete_ErrorObjectSize);

COMKIT_BENCH_PAIR("BM_SysAllocStringLen_Free_16", "BM_Baseline_MallocCopyFree_34", 1.1, 0);
COMKIT_BENCH_PAIR("BM_SysAllocString_Free_16", "BM_Baseline_LengthMallocCopyFree_34", 1.1, 0);
COMKIT_BENCH_PAIR("BM_CoTaskMemAlloc_Free/16", "BM_Baseline_Malloc_Free/16", 1.1, 0);
COMKIT_BENCH_PAIR("BM_CoTaskMemAlloc_Free/256", "BM_Baseline_Malloc_Free/256", 1.1, 0);
COMKIT_BENCH_PAIR("BM_StringFromGUID2", "BM_Baseline_SnprintfGuid", 0, 30);
COMKIT_BENCH_PAIR("BM_CLSIDFromString", "BM_Baseline_SscanfGuid", 0, 30);
COMKIT_BENCH_PAIR("BM_ErrorInfo_RoundTrip", "BM_Baseline_NewDelete_ErrorObjectSize", 0, 60);

}  // namespace
