// tests/projection/test_interfaces.h - interfaces and a counting fake shared
// by the projection tests.
#ifndef COMKIT_TESTS_TEST_INTERFACES_H
#define COMKIT_TESTS_TEST_INTERFACES_H

#include <comkit/comkit.h>

#include <atomic>

namespace test {

struct IAlpha : IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Alpha(int* out) = 0;
};
COMKIT_DECLARE_IID(IAlpha, "6C1A0001-7D2B-4C3E-8F40-5A6B7C8D9E01")

struct IBeta : IAlpha {
  virtual HRESULT STDMETHODCALLTYPE Beta(int* out) = 0;
};
COMKIT_DECLARE_INTERFACE(IBeta, IAlpha, "6C1A0002-7D2B-4C3E-8F40-5A6B7C8D9E02")

struct IGamma : IBeta {
  virtual HRESULT STDMETHODCALLTYPE Gamma(int* out) = 0;
};
COMKIT_DECLARE_INTERFACE(IGamma, IBeta, "6C1A0003-7D2B-4C3E-8F40-5A6B7C8D9E03")

struct IDelta : IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Delta(int* out) = 0;
};
COMKIT_DECLARE_IID(IDelta, "6C1A0004-7D2B-4C3E-8F40-5A6B7C8D9E04")

struct IEpsilon : IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Epsilon(int* out) = 0;
};
COMKIT_DECLARE_IID(IEpsilon, "6C1A0005-7D2B-4C3E-8F40-5A6B7C8D9E05")

struct INever : IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Never() = 0;
};
COMKIT_DECLARE_IID(INever, "6C1A00FF-7D2B-4C3E-8F40-5A6B7C8D9EFF")

/// A hand-written IUnknown that counts AddRef/Release, for checking that the
/// projection balances them.
struct counting_unknown final : IDelta {
  std::atomic<long> refs{1};
  std::atomic<long> add_refs{0}, releases{0};
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (riid == IID_IUnknown || riid == comkit::guid_of<IDelta>()) {
      *ppv = static_cast<IDelta*>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override {
    ++add_refs;
    return static_cast<ULONG>(++refs);
  }
  ULONG STDMETHODCALLTYPE Release() override {
    ++releases;
    return static_cast<ULONG>(--refs);
  }
  HRESULT STDMETHODCALLTYPE Delta(int* out) override {
    *out = 4;
    return S_OK;
  }
  long balance() const { return add_refs - releases; }
};

}  // namespace test

#endif
