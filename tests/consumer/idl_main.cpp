// tests/consumer/idl_main.cpp - a consumer's IDL interface (greeter.idl,
// compiled at build time by comkit_add_idl) implemented with the installed
// projection, both ways: idiomatically through the generated produce shim,
// and the classic way (comkit::raw<I>: D overrides the ABI methods), then
// called through the projection and through the vtable.
#include <cstdio>

#include <comkit/comkit.h>

#include "greeter_projection.h"

namespace {
struct greeter : comkit::implements<greeter, IGreeter> {
  LONG Greet(LONG times) const { return times * 2; }
};
struct classic_greeter : comkit::implements<classic_greeter, comkit::raw<IGreeter>> {
  HRESULT STDMETHODCALLTYPE Greet(LONG times, LONG* greetings) noexcept override {
    if (!greetings) return E_POINTER;
    *greetings = times * 2;
    return S_OK;
  }
};
}  // namespace

int main() {
  IGreeterPtr g = comkit::make<greeter>();
  IGreeterPtr c = comkit::make<classic_greeter>();
  LONG n = 0;
  if (g->Greet(21, &n) != S_OK || n != 42) return std::puts("Greet failed"), 1;
  if (g.Greet(21) != 42 || c.Greet(21) != 42) return std::puts("projected Greet failed"), 1;
  if (g->Greet(1, nullptr) != E_POINTER) return std::puts("the shim's out-pointer check failed"), 1;
  if (!IsEqualGUID(IID_IGreeter, comkit::guid_of<IGreeter>())) return std::puts("IID mismatch"), 1;
  if (!g.try_as<IUnknown>() || !c.try_as<IUnknown>()) return std::puts("QueryInterface failed"), 1;
  std::puts("consumer: greeter.idl compiled and used");
  return 0;
}
