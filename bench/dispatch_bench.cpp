// bench/dispatch_bench.cpp - late binding against early binding in one run:
// IDispatch::GetIDsOfNames for one name of a 50-method dual interface
// (goal: 40 ns), IDispatch::Invoke of a two-VT_I4 method through
// CreateStdDispatch (goal: 150 ns) against the direct vtable call, the same
// through comkit::dispatch by name and by DISPID, and LoadTypeLib of
// stdole2.tlb and of a 200-interface library (reported; each iteration is a
// fresh load, the cache being empty once the last reference goes).
#include <benchmark/benchmark.h>

#include <comkit/comkit.h>
#include <comkit/dispatch.h>

#include <string>

#include "dispatch_bench_projection.h"
#include "ratio_main.h"

namespace {

#define COMKIT_BENCH_METHOD(n)                                                   \
  HRESULT STDMETHODCALLTYPE M##n(LONG a, LONG b, LONG* r) noexcept override {   \
    *r = a + b + n;                                                              \
    return S_OK;                                                                 \
  }
#define COMKIT_BENCH_TEN(t)                                                                        \
  COMKIT_BENCH_METHOD(t##0) COMKIT_BENCH_METHOD(t##1) COMKIT_BENCH_METHOD(t##2) COMKIT_BENCH_METHOD(t##3) \
  COMKIT_BENCH_METHOD(t##4) COMKIT_BENCH_METHOD(t##5) COMKIT_BENCH_METHOD(t##6) COMKIT_BENCH_METHOD(t##7) \
  COMKIT_BENCH_METHOD(t##8) COMKIT_BENCH_METHOD(t##9)

// IFifty, written against the ABI; its IDispatch comes from CreateStdDispatch
// (the baseline Windows programs use) or from dispatch_from_typelib.
struct fifty : comkit::implements<fifty, comkit::raw<IFifty>, comkit::dispatch_from_typelib> {
  COMKIT_BENCH_METHOD(0) COMKIT_BENCH_METHOD(1) COMKIT_BENCH_METHOD(2) COMKIT_BENCH_METHOD(3) COMKIT_BENCH_METHOD(4)
  COMKIT_BENCH_METHOD(5) COMKIT_BENCH_METHOD(6) COMKIT_BENCH_METHOD(7) COMKIT_BENCH_METHOD(8) COMKIT_BENCH_METHOD(9)
  COMKIT_BENCH_TEN(1) COMKIT_BENCH_TEN(2) COMKIT_BENCH_TEN(3) COMKIT_BENCH_TEN(4)
};

struct fixture {
  comkit::com_ptr<IFifty> object;
  comkit::com_ptr<ITypeInfo> info;
  comkit::com_ptr<IDispatch> std_dispatch;  // CreateStdDispatch over object
  fixture() {
    object = comkit::make<fifty>();
    comkit::com_ptr<IDispatch> d = object.as<IDispatch>();
    d->GetTypeInfo(0, 0, info.put());
    comkit::com_ptr<IUnknown> unknown;
    CreateStdDispatch(nullptr, object.get(), info.get(), unknown.put());
    std_dispatch = unknown.as<IDispatch>();
  }
};
fixture& f() {
  static fixture* x = new fixture;
  return *x;
}

// The early-bound call a client compiles: through the vtable slot, which the
// compiler cannot see into (the slot is read from the object each time).
void BM_Direct_M49(benchmark::State& state) {
  IFifty* p = f().object.get();
  using method = HRESULT(STDMETHODCALLTYPE*)(IFifty*, LONG, LONG, LONG*);
  constexpr std::size_t slot = 7 + 49;  // IUnknown 3, IDispatch 4, then M0...
  LONG r = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(p);
    auto fn = reinterpret_cast<method>((*reinterpret_cast<void* const* const*>(p))[slot]);  // ABI: the vtable
    benchmark::DoNotOptimize(fn);
    fn(p, 19, 23, &r);
    benchmark::DoNotOptimize(r);
  }
  if (r != 19 + 23 + 49) state.SkipWithError("wrong result");
}
BENCHMARK(BM_Direct_M49);

void BM_GetIDsOfNames_M49(benchmark::State& state) {
  IDispatch* d = f().std_dispatch.get();
  std::u16string name = u"M49";
  LPOLESTR names[] = {reinterpret_cast<LPOLESTR>(name.data())};
  DISPID id = 0;
  for (auto _ : state) {
    d->GetIDsOfNames(IID_NULL, names, 1, 0, &id);
    benchmark::DoNotOptimize(id);
  }
  if (id != 50) state.SkipWithError("wrong DISPID");
}
BENCHMARK(BM_GetIDsOfNames_M49);

void invoke_m49(benchmark::State& state, IDispatch* d) {
  VARIANT args[2];
  args[0].vt = args[1].vt = VT_I4;
  args[0].lVal = 23;
  args[1].lVal = 19;
  DISPPARAMS p{args, nullptr, 2, 0};
  VARIANT result;
  VariantInit(&result);
  for (auto _ : state) {
    d->Invoke(50, IID_NULL, 0, DISPATCH_METHOD, &p, &result, nullptr, nullptr);
    benchmark::DoNotOptimize(result.lVal);
  }
  if (result.vt != VT_I4 || result.lVal != 19 + 23 + 49) state.SkipWithError("wrong result");
}
void BM_Invoke_StdDispatch_M49(benchmark::State& state) { invoke_m49(state, f().std_dispatch.get()); }
BENCHMARK(BM_Invoke_StdDispatch_M49);
void BM_Invoke_FromTypelib_M49(benchmark::State& state) { invoke_m49(state, f().object.as<IDispatch>().get()); }
BENCHMARK(BM_Invoke_FromTypelib_M49);

void BM_LateBound_ByName_M49(benchmark::State& state) {
  comkit::dispatch d(f().object.as<IDispatch>());
  LONG r = 0;
  for (auto _ : state) {
    r = d.call("M49", 19, 23);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_LateBound_ByName_M49);

void BM_LateBound_ById_M49(benchmark::State& state) {
  comkit::dispatch d(f().object.as<IDispatch>());
  LONG r = 0;
  for (auto _ : state) {
    r = d.invoke(50, DISPATCH_METHOD, 19, 23);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_LateBound_ById_M49);

void load(benchmark::State& state, const char* path) {
  const std::u16string p = comkit::detail::utf16_of(path);
  for (auto _ : state) {
    ITypeLib* lib = nullptr;
    if (LoadTypeLib(reinterpret_cast<LPCOLESTR>(p.c_str()), &lib) != S_OK) {
      state.SkipWithError("cannot load");
      break;
    }
    benchmark::DoNotOptimize(lib);
    lib->Release();
  }
}
// The load, then the first use of one of its types (its members are read
// then): what a client that needs one interface of a big library pays.
void BM_LoadTypeLib_200_types_then_one(benchmark::State& state) {
  const std::u16string p = comkit::detail::utf16_of(COMKIT_BENCH_TWO_HUNDRED_TLB);
  for (auto _ : state) {
    ITypeLib* lib = nullptr;
    ITypeInfo* ti = nullptr;
    FUNCDESC* f = nullptr;
    if (LoadTypeLib(reinterpret_cast<LPCOLESTR>(p.c_str()), &lib) != S_OK || lib->GetTypeInfo(100, &ti) != S_OK ||
        ti->GetFuncDesc(0, &f) != S_OK) {
      state.SkipWithError("cannot load");
      break;
    }
    benchmark::DoNotOptimize(f);
    ti->ReleaseFuncDesc(f);
    ti->Release();
    lib->Release();
  }
}
BENCHMARK(BM_LoadTypeLib_200_types_then_one);

void BM_LoadTypeLib_stdole2(benchmark::State& state) { load(state, "stdole2.tlb"); }
BENCHMARK(BM_LoadTypeLib_stdole2);
void BM_LoadTypeLib_200_types(benchmark::State& state) { load(state, COMKIT_BENCH_TWO_HUNDRED_TLB); }
BENCHMARK(BM_LoadTypeLib_200_types);

}  // namespace

COMKIT_BENCH_PAIR("BM_GetIDsOfNames_M49", "BM_Direct_M49", 0, 40);
COMKIT_BENCH_PAIR("BM_Invoke_StdDispatch_M49", "BM_Direct_M49", 0, 150);
COMKIT_BENCH_PAIR("BM_Invoke_FromTypelib_M49", "BM_Direct_M49", 0, 150);
COMKIT_BENCH_PAIR("BM_LateBound_ByName_M49", "BM_Direct_M49", 0, 0);
COMKIT_BENCH_PAIR("BM_LateBound_ById_M49", "BM_Direct_M49", 0, 0);
COMKIT_BENCH_PAIR("BM_LoadTypeLib_stdole2", "", 0, 0);
COMKIT_BENCH_PAIR("BM_LoadTypeLib_200_types", "", 0, 0);
COMKIT_BENCH_PAIR("BM_LoadTypeLib_200_types_then_one", "", 0, 0);
