// bench/eight_interfaces.h - a class with eight interfaces, implemented with
// comkit::implements<> and, as the baseline, by hand with the if-chain
// QueryInterface that ATL-style interface maps expand to. Shared by
// projection_bench (time) and projection_probe (instructions).
#ifndef COMKIT_BENCH_EIGHT_INTERFACES_H
#define COMKIT_BENCH_EIGHT_INTERFACES_H

#include <comkit/comkit.h>

#include <atomic>

namespace bench8 {

#define COMKIT_BENCH_IFACE(n, iid)                             \
  struct I##n : IUnknown {                                     \
    virtual HRESULT STDMETHODCALLTYPE M##n(int* out) = 0;      \
  };                                                           \
  COMKIT_DECLARE_IID(I##n, iid)
COMKIT_BENCH_IFACE(1, "3D1F5E01-6A2B-4C7D-8E9F-A0B1C2D3E4F5")
COMKIT_BENCH_IFACE(2, "3D1F5E02-6A2B-4C7D-8E9F-A0B1C2D3E4F5")
COMKIT_BENCH_IFACE(3, "3D1F5E03-6A2B-4C7D-8E9F-A0B1C2D3E4F5")
COMKIT_BENCH_IFACE(4, "3D1F5E04-6A2B-4C7D-8E9F-A0B1C2D3E4F5")
COMKIT_BENCH_IFACE(5, "3D1F5E05-6A2B-4C7D-8E9F-A0B1C2D3E4F5")
COMKIT_BENCH_IFACE(6, "3D1F5E06-6A2B-4C7D-8E9F-A0B1C2D3E4F5")
COMKIT_BENCH_IFACE(7, "3D1F5E07-6A2B-4C7D-8E9F-A0B1C2D3E4F5")
COMKIT_BENCH_IFACE(8, "3D1F5E08-6A2B-4C7D-8E9F-A0B1C2D3E4F5")
#undef COMKIT_BENCH_IFACE

struct INone : IUnknown {};
COMKIT_DECLARE_IID(INone, "3D1F5EFF-6A2B-4C7D-8E9F-A0B1C2D3E4F5")

#define COMKIT_BENCH_METHODS                                                        \
  HRESULT STDMETHODCALLTYPE M1(int* o) noexcept override { return *o = 1, S_OK; } \
  HRESULT STDMETHODCALLTYPE M2(int* o) noexcept override { return *o = 2, S_OK; } \
  HRESULT STDMETHODCALLTYPE M3(int* o) noexcept override { return *o = 3, S_OK; } \
  HRESULT STDMETHODCALLTYPE M4(int* o) noexcept override { return *o = 4, S_OK; } \
  HRESULT STDMETHODCALLTYPE M5(int* o) noexcept override { return *o = 5, S_OK; } \
  HRESULT STDMETHODCALLTYPE M6(int* o) noexcept override { return *o = 6, S_OK; } \
  HRESULT STDMETHODCALLTYPE M7(int* o) noexcept override { return *o = 7, S_OK; } \
  HRESULT STDMETHODCALLTYPE M8(int* o) noexcept override { return *o = 8, S_OK; }

struct eight : comkit::implements<eight, I1, I2, I3, I4, I5, I6, I7, I8> {
  COMKIT_BENCH_METHODS
};

struct eight_st : comkit::implements<eight_st, I1, I2, I3, I4, I5, I6, I7, I8, comkit::single_threaded> {
  COMKIT_BENCH_METHODS
};

/// The baseline: the QueryInterface an ATL-style interface map produces, an
/// if-chain of IID comparisons, with an atomic count.
struct eight_if_chain final : I1, I2, I3, I4, I5, I6, I7, I8 {
  std::atomic<ULONG> refs{1};
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) noexcept override {
    if (!ppv) return E_POINTER;
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, comkit::guid_of<I1>()))
      *ppv = static_cast<I1*>(this);
    else if (IsEqualIID(riid, comkit::guid_of<I2>()))
      *ppv = static_cast<I2*>(this);
    else if (IsEqualIID(riid, comkit::guid_of<I3>()))
      *ppv = static_cast<I3*>(this);
    else if (IsEqualIID(riid, comkit::guid_of<I4>()))
      *ppv = static_cast<I4*>(this);
    else if (IsEqualIID(riid, comkit::guid_of<I5>()))
      *ppv = static_cast<I5*>(this);
    else if (IsEqualIID(riid, comkit::guid_of<I6>()))
      *ppv = static_cast<I6*>(this);
    else if (IsEqualIID(riid, comkit::guid_of<I7>()))
      *ppv = static_cast<I7*>(this);
    else if (IsEqualIID(riid, comkit::guid_of<I8>()))
      *ppv = static_cast<I8*>(this);
    else {
      *ppv = nullptr;
      return E_NOINTERFACE;
    }
    refs.fetch_add(1, std::memory_order_relaxed);
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() noexcept override { return refs.fetch_add(1, std::memory_order_relaxed) + 1; }
  ULONG STDMETHODCALLTYPE Release() noexcept override {
    const ULONG left = refs.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if (left == 0) delete this;
    return left;
  }
  COMKIT_BENCH_METHODS
};

#undef COMKIT_BENCH_METHODS

/// The IIDs in list order, IUnknown first: what the QI benchmarks ask for.
inline const GUID* const iids[] = {&IID_IUnknown,           &comkit::guid_of<I1>(), &comkit::guid_of<I2>(),
                                   &comkit::guid_of<I3>(),  &comkit::guid_of<I4>(), &comkit::guid_of<I5>(),
                                   &comkit::guid_of<I6>(),  &comkit::guid_of<I7>(), &comkit::guid_of<I8>(),
                                   &comkit::guid_of<INone>()};

}  // namespace bench8

#endif
