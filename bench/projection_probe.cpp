// bench/projection_probe.cpp - fixed-count loops of projection operations for
// `valgrind --tool=callgrind --toggle-collect=...QueryInterface...`, which
// counts exactly the instructions of QueryInterface itself (bench/callgrind.sh).
// Usage: projection_probe comkit|ifchain INDEX N  (INDEX 0: IUnknown, 1-8:
// I1-I8, 9: a miss).
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "eight_interfaces.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s comkit|ifchain INDEX N\n", argv[0]);
    return 2;
  }
  IUnknown* obj = std::string_view(argv[1]) == "ifchain"
                      ? static_cast<IUnknown*>(static_cast<bench8::I1*>(new bench8::eight_if_chain))
                      : static_cast<IUnknown*>(comkit::make<bench8::eight>().detach());
  const GUID& iid = *bench8::iids[std::atoi(argv[2]) % 10];
  const long n = std::atol(argv[3]);
  for (long i = 0; i < n; ++i) {
    void* out = nullptr;
    obj->QueryInterface(iid, &out);
    if (out) static_cast<IUnknown*>(out)->Release();
  }
  obj->Release();
  return 0;
}
