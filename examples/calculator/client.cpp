// examples/calculator/client.cpp - a C++ client: finds the calculator by
// ProgID through the registry, calls it, and handles its error.
#include <comkit/comkit.h>

#include <cstdio>

#include "calculator_projection.h"

int main() {
  if (FAILED(CoInitializeEx(nullptr, COINIT_MULTITHREADED))) return 1;
  int rc = 0;
  try {
    auto calc = comkit::create_instance<ICalculator>(u"" CALCULATOR_PROGID);
    double sum = 0, quotient = 0;
    comkit::check_hresult(calc->Add(19, 23, &sum));
    comkit::check_hresult(calc->Divide(1, 8, &quotient));
    std::printf("c++ client: 19 + 23 = %g, 1 / 8 = %g\n", sum, quotient);
    BSTR text = nullptr;
    comkit::check_hresult(calc->Describe(&text));
    std::printf("c++ client: %s\n", comkit::detail::utf8_of(text).c_str());
    SysFreeString(text);
    if (sum != 42 || quotient != 0.125) rc = 1;
    try {
      double never = 0;
      comkit::check_hresult(calc->Divide(7, 0, &never));
      std::printf("c++ client: dividing by zero did not fail\n");
      rc = 1;
    } catch (const comkit::hresult_error& e) {
      std::printf("c++ client: 7 / 0 failed as expected: 0x%08X %s: %s\n", static_cast<unsigned>(e.code()),
                  comkit::hresult{e.code()}.name().c_str(), e.message().c_str());
      if (e.code() != DISP_E_DIVBYZERO || e.message() != "Cannot divide 7 by zero") rc = 1;
    }
  } catch (const comkit::hresult_error& e) {
    std::printf("c++ client: failed: 0x%08X %s\n", static_cast<unsigned>(e.code()), e.message().c_str());
    rc = 1;
  }
  CoUninitialize();
  return rc;
}
