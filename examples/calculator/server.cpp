// examples/calculator/server.cpp - an in-process COM server written with the
// C++ projection: the whole server is this file.
#include <comkit/comkit.h>

#include <cstdio>
#include <string>

#include "calculator_projection.h"

namespace {

struct calculator : comkit::implements<calculator, ICalculator, comkit::support_error_info> {
  static constexpr GUID clsid = comkit::make_guid(CALCULATOR_CLSID_TEXT);
  static constexpr const char* progid = CALCULATOR_PROGID ".1";
  static constexpr const char* version_independent_progid = CALCULATOR_PROGID;
  static constexpr const char* threading_model = "Both";
  static constexpr const char* description = "comkit example calculator";

  HRESULT STDMETHODCALLTYPE Add(double a, double b, double* result) noexcept override { return put(a + b, result); }
  HRESULT STDMETHODCALLTYPE Subtract(double a, double b, double* result) noexcept override { return put(a - b, result); }
  HRESULT STDMETHODCALLTYPE Multiply(double a, double b, double* result) noexcept override { return put(a * b, result); }

  HRESULT STDMETHODCALLTYPE Divide(double a, double b, double* result) noexcept override try {
    if (b == 0) {
      char text[96];
      std::snprintf(text, sizeof text, "Cannot divide %g by zero", a);
      throw comkit::hresult_error(DISP_E_DIVBYZERO, text);  // becomes the HRESULT and the caller's IErrorInfo
    }
    return put(a / b, result);
  } catch (...) {
    return comkit::detail::to_hresult();
  }

  HRESULT STDMETHODCALLTYPE Describe(BSTR* text) noexcept override {
    if (!text) return E_POINTER;
    const std::string s = "calculator with " + std::to_string(++m_calls) + " description(s) so far";
    return ComkitBstrFromUtf8(s.data(), s.size(), text);
  }

 private:
  static HRESULT put(double value, double* result) noexcept {
    if (!result) return E_POINTER;
    *result = value;
    return S_OK;
  }
  int m_calls = 0;
};

}  // namespace

COMKIT_SERVER_EXPORTS(calculator)
