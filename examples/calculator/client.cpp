// examples/calculator/client.cpp - a C++ client: finds the calculator by
// ProgID through the registry and calls it through the generated
// projection (methods are members of com_ptr; a failure is an exception
// carrying the server's error description), then late bound through
// comkit::dispatch. With --local it asks for the calculator in its own
// process (CLSCTX_LOCAL_SERVER, the one line that differs) and calls it
// through proxies the same way.
#include <comkit/comkit.h>

#include <cstdio>
#include <cstring>

#include "calculator_projection.h"

int main(int argc, char** argv) {
  const bool local = argc > 1 && std::strcmp(argv[1], "--local") == 0;
  if (FAILED(CoInitializeEx(nullptr, COINIT_MULTITHREADED))) return 1;
  int rc = 0;
  try {
    // By ProgID, as a script would; comkit::create_instance<Calculator>() uses the IDL's CLSID.
    auto calc = comkit::create_instance<ICalculator>(u"Example.Calculator", local ? CLSCTX_LOCAL_SERVER : CLSCTX_ALL);
    const double sum = calc.Add(19, 23);
    const double quotient = calc.Divide(1, 8);
    std::printf("c++ client: 19 + 23 = %g, 1 / 8 = %g\n", sum, quotient);
    std::printf("c++ client: %s\n", calc.Describe().to_utf8().c_str());
    if (sum != 42 || quotient != 0.125) rc = 1;
    try {
      calc.Divide(7, 0);
      std::printf("c++ client: dividing by zero did not fail\n");
      rc = 1;
    } catch (const comkit::hresult_error& e) {
      std::printf("c++ client: 7 / 0 failed as expected: 0x%08X %s: %s\n", static_cast<unsigned>(e.code()),
                  comkit::hresult{e.code()}.name().c_str(), e.message().c_str());
      if (e.code() != DISP_E_DIVBYZERO || e.message() != "Cannot divide 7 by zero") rc = 1;
    }
    // A calculator late bound, as a script sees it (in the other process
    // too: IDispatch::Invoke crosses it).
    comkit::dispatch late = comkit::dispatch::create("Example.Calculator", local ? CLSCTX_LOCAL_SERVER : CLSCTX_ALL);
    const double product = late.call("Multiply", 6, 7);
    std::printf("c++ client, late bound: Multiply(6, 7) = %g\n", product);
    if (product != 42) rc = 1;
    try {
      late.call("Divide", 1, 0);
      rc = 1;
    } catch (const comkit::hresult_error& e) {
      std::printf("c++ client, late bound: Divide(1, 0) failed as expected: %s\n", e.message().c_str());
      if (e.code() != DISP_E_DIVBYZERO) rc = 1;
    }
  } catch (const comkit::hresult_error& e) {
    std::printf("c++ client: failed: 0x%08X %s\n", static_cast<unsigned>(e.code()), e.message().c_str());
    rc = 1;
  }
  CoUninitialize();
  return rc;
}
