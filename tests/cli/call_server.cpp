// tests/cli/call_server.cpp - the in-process server `comkit call` drives in
// cli_test.sh: ICallTest written against the raw ABI, IDispatch from the
// type library embedded in this module (dispatch_from_typelib).
#include <comkit/comkit.h>

#include "call_test_projection.h"

namespace {

struct call_test : comkit::implements<call_test, comkit::raw<ICallTest>, comkit::dispatch_from_typelib> {
  using coclass = CallTestObject;

  HRESULT STDMETHODCALLTYPE Sum(LONG a, LONG b, LONG* r) noexcept override {
    *r = a + b;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Echo(BSTR s, BSTR* r) noexcept override {
    *r = SysAllocStringLen(s, SysStringLen(s));
    return *r || !s ? S_OK : E_OUTOFMEMORY;
  }
  HRESULT STDMETHODCALLTYPE Negate(VARIANT_BOOL b, VARIANT_BOOL* r) noexcept override {
    *r = b ? VARIANT_FALSE : VARIANT_TRUE;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Moment(LONG with_time, DATE* d) noexcept override {
    *d = with_time ? 46024.5 : 46024.0;  // 2026-01-02, at noon
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Squares(LONG n, SAFEARRAY** r) noexcept override {
    *r = SafeArrayCreateVector(VT_I4, 0, static_cast<ULONG>(n));
    if (!*r) return E_OUTOFMEMORY;
    for (LONG i = 0; i < n; ++i) {
      LONG v = (i + 1) * (i + 1);
      SafeArrayPutElement(*r, &i, &v);
    }
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_Label(BSTR* r) noexcept override {
    *r = SysAllocString(reinterpret_cast<const OLECHAR*>(u"label"));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_Label(BSTR v) noexcept override {
    // Refuses one value, so the test can see the value arrive.
    if (comkit::detail::utf8_of(v) == "refused") {
      comkit::detail::set_error_info("this label is refused");
      return E_INVALIDARG;
    }
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Fail(BSTR why) noexcept override {
    comkit::detail::set_error_info(comkit::detail::utf8_of(why));
    return E_ACCESSDENIED;
  }
  HRESULT STDMETHODCALLTYPE Nothing() noexcept override { return S_OK; }
  HRESULT STDMETHODCALLTYPE Scaled(double x, LONG by, double* r) noexcept override {
    *r = x * by;
    return S_OK;
  }
};

}  // namespace

COMKIT_SERVER_EXPORTS(call_test)
