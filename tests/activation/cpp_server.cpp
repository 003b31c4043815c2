// tests/activation/cpp_server.cpp - an in-process server written with the
// C++ projection: two classes, one aggregatable.
#include <comkit/comkit.h>

#include "test_server_interfaces.h"

namespace {

struct test_object : comkit::implements<test_object, ITestValue, comkit::aggregatable> {
  static constexpr GUID clsid = comkit::make_guid(TEST_CLSID_CPP_OBJECT);
  static constexpr const char* progid = "ComkitTest.Object.1";
  static constexpr const char* version_independent_progid = "ComkitTest.Object";
  static constexpr const char* threading_model = "Both";
  static constexpr const char* description = "comkit test object";
  HRESULT STDMETHODCALLTYPE Value(int* out) noexcept override {
    if (!out) return E_POINTER;
    *out = 42;
    return S_OK;
  }
};

struct plain_object : comkit::implements<plain_object, ITestValue> {
  static constexpr GUID clsid = comkit::make_guid(TEST_CLSID_CPP_PLAIN);
  HRESULT STDMETHODCALLTYPE Value(int* out) noexcept override try {
    if (!out) throw comkit::hresult_error(E_POINTER, "Value needs somewhere to write");
    *out = 7;
    return S_OK;
  } catch (...) {
    return comkit::detail::to_hresult();
  }
};

}  // namespace

COMKIT_SERVER_EXPORTS(test_object, plain_object)
