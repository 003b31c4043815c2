// bench/bench_object.h - the class activation_bench creates, compiled both
// into bench_server.so (for CoCreateInstance) and into the benchmark itself
// (for make<T>, the baseline).
#ifndef COMKIT_BENCH_BENCH_OBJECT_H
#define COMKIT_BENCH_BENCH_OBJECT_H

#include <comkit/comkit.h>

namespace benchsrv {

struct IBenchValue : IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Value(int* out) = 0;
};
COMKIT_DECLARE_IID(IBenchValue, "7B0E5A21-3C4D-4E5F-9A0B-1C2D3E4F5A6B")

struct bench_object : comkit::implements<bench_object, IBenchValue> {
  static constexpr GUID clsid = comkit::make_guid("7B0E5A22-3C4D-4E5F-9A0B-1C2D3E4F5A6B");
  static constexpr const char* progid = "ComkitBench.Object";
  static constexpr const char* threading_model = "Both";
  HRESULT STDMETHODCALLTYPE Value(int* out) noexcept override { return *out = 1, S_OK; }
};

}  // namespace benchsrv

#endif
