// bench/generated_probe.cpp - fixed-count loops of calls through the generated
// projection and through the raw ABI, for callgrind (bench/callgrind.sh counts
// instructions per call from two loop lengths, so start-up cancels out).
//
// Usage: generated_probe MODE N, MODE one of
//   consume-raw         hr = p->Add(i, 1, &sum); if (FAILED(hr)) throw ...   (the hand-written call)
//   consume-projected   sum = p.Add(i, 1)                                      (the projection)
//   touch-raw / touch-projected   the same for a method with nothing out
//   produce-raw         the ABI call into an implementation written against the ABI
//   produce-idiomatic   the ABI call into `LONG Add(LONG, LONG)` through the produce shim
// Consumer modes call the idiomatic implementation; producer modes call
// through the raw ABI with an inline HRESULT check.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "bench_calc_projection.h"

namespace {

struct idiomatic_calc : comkit::implements<idiomatic_calc, IBenchCalc> {
  LONG Add(LONG a, LONG b) const { return a + b; }
  void Touch(LONG a) { m_last = a; }
  LONG m_last = 0;
};

struct raw_calc : comkit::implements<raw_calc, IBenchCalc> {
  HRESULT STDMETHODCALLTYPE Add(LONG a, LONG b, LONG* sum) noexcept {
    if (!sum) return E_POINTER;
    *sum = a + b;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Touch(LONG a) noexcept {
    m_last = a;
    return S_OK;
  }
  LONG m_last = 0;
};

// The calls, kept out of line so that each iteration is exactly one call
// site as user code would have it; all take the same arguments so the loop
// is the same for every mode.
using call = LONG (*)(const comkit::com_ptr<IBenchCalc>&, LONG);
[[gnu::noinline]] LONG consume_raw(const comkit::com_ptr<IBenchCalc>& p, LONG i) {
  LONG sum = 0;
  const HRESULT hr = p->Add(i, 1, &sum);
  if (FAILED(hr)) comkit::throw_hresult(hr, p.get(), IID_IBenchCalc);
  return sum;
}
[[gnu::noinline]] LONG consume_projected(const comkit::com_ptr<IBenchCalc>& p, LONG i) { return p.Add(i, 1); }
[[gnu::noinline]] LONG touch_raw(const comkit::com_ptr<IBenchCalc>& p, LONG i) {
  const HRESULT hr = p->Touch(i);
  if (FAILED(hr)) comkit::throw_hresult(hr, p.get(), IID_IBenchCalc);
  return 0;
}
[[gnu::noinline]] LONG touch_projected(const comkit::com_ptr<IBenchCalc>& p, LONG i) {
  p.Touch(i);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODE N\n", argv[0]);
    return 2;
  }
  const std::string_view mode = argv[1];
  const long n = std::atol(argv[2]);
  const bool raw_impl = mode == "produce-raw";
  comkit::com_ptr<IBenchCalc> p = raw_impl ? comkit::com_ptr<IBenchCalc>(comkit::make<raw_calc>())
                                           : comkit::com_ptr<IBenchCalc>(comkit::make<idiomatic_calc>());
  const call f = mode == "consume-projected" ? consume_projected
                 : mode == "touch-raw"       ? touch_raw
                 : mode == "touch-projected" ? touch_projected
                                             : consume_raw;  // consume-raw, produce-raw, produce-idiomatic
  LONG acc = 0;
  for (long i = 0; i < n; ++i) acc += f(p, static_cast<LONG>(i));
  std::printf("%ld\n", static_cast<long>(acc));
  return 0;
}
