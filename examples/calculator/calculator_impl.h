// examples/calculator/calculator_impl.h - the calculator component, written
// once with the generated C++ projection and served two ways: in-process
// (server.cpp, libcalculator.so) and out of process (local_server.cpp, the
// calculator_server executable). Each method is plain C++ (values in, a
// value out, an exception to fail); the generated produce shim writes the
// ABI methods, turns the exception into an HRESULT with IErrorInfo, and
// answers ISupportErrorInfo. The CLSID, ProgIDs, threading model and
// description come from the coclass in calculator.idl; dispatch_from_typelib
// answers IDispatch (ICalculator is dual) from the type library embedded in
// the module, so late-bound clients call the same methods by name.
#ifndef CALCULATOR_IMPL_H
#define CALCULATOR_IMPL_H

#include <comkit/comkit.h>

#include <cstdio>
#include <string>

#include "calculator_projection.h"

namespace example {

struct calculator : comkit::implements<calculator, ICalculator, comkit::dispatch_from_typelib> {
  using coclass = Calculator;

  double Add(double a, double b) const { return a + b; }
  double Subtract(double a, double b) const { return a - b; }
  double Multiply(double a, double b) const { return a * b; }
  double Divide(double a, double b) const {
    if (b == 0) {
      char text[96];
      std::snprintf(text, sizeof text, "Cannot divide %g by zero", a);
      throw comkit::hresult_error(DISP_E_DIVBYZERO, text);  // the caller gets the code and this description
    }
    return a / b;
  }
  std::string Describe() { return "calculator with " + std::to_string(++m_calls) + " description(s) so far"; }

 private:
  int m_calls = 0;
};

}  // namespace example

#endif  // CALCULATOR_IMPL_H
