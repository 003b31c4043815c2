// bench/callgrind_probe.cpp - runs one operation a fixed number of times so
// `valgrind --tool=callgrind` gives exact instruction counts per call,
// independent of machine noise. Usage: callgrind_probe OPERATION [N]
// (bench/README.md has the command line and the latest counts).
#include <objbase.h>
#include <oleauto.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "operations.h"

namespace {

const OLECHAR k16[] = u"sixteen-chars-ok";
const GUID kGuid = {0x0BE35203, 0x8F91, 0x11CE, {0x9D, 0xE3, 0x00, 0xAA, 0x00, 0x4B, 0xB8, 0x51}};

// Keeps p (and the memory behind it) alive as far as the optimiser knows, so
// a malloc/free pair is not elided.
inline void escape(void* p) { __asm__ volatile("" : : "r"(p) : "memory"); }

void op_nothing() {}
void op_bstr() {
  BSTR b = SysAllocStringLen(k16, 16);
  escape(b);
  SysFreeString(b);
}
void op_bstr_baseline() {
  void* p = std::malloc(sizeof k16);
  std::memcpy(p, k16, sizeof k16);
  escape(p);
  std::free(p);
}
void op_taskmem() {
  void* p = CoTaskMemAlloc(16);
  escape(p);
  CoTaskMemFree(p);
}
void op_taskmem_baseline() {
  void* p = std::malloc(16);
  escape(p);
  std::free(p);
}
void op_guid2() {
  OLECHAR buf[39];
  escape(buf);
  StringFromGUID2(kGuid, buf, 39);
  escape(buf);
}
void op_clsid() {
  GUID g;
  CLSIDFromString(u"{0BE35203-8F91-11CE-9DE3-00AA004BB851}", &g);
  escape(&g);
}
void op_errorinfo() { comkit::bench::error_info_round_trip(); }

struct named_op {
  const char* name;
  void (*fn)();
};
const named_op ops[] = {{"nothing", op_nothing},
                        {"bstr", op_bstr},
                        {"bstr-baseline", op_bstr_baseline},
                        {"taskmem", op_taskmem},
                        {"taskmem-baseline", op_taskmem_baseline},
                        {"guid2", op_guid2},
                        {"clsid", op_clsid},
                        {"errorinfo", op_errorinfo}};

}  // namespace

int main(int argc, char** argv) {
  void (*fn)() = nullptr;
  for (const named_op& o : ops)
    if (argc > 1 && std::string_view(argv[1]) == o.name) fn = o.fn;
  if (!fn) {
    std::fprintf(stderr, "usage: %s OPERATION [N]; operations:", argv[0]);
    for (const named_op& o : ops) std::fprintf(stderr, " %s", o.name);
    std::fprintf(stderr, "\n");
    return 2;
  }
  const long n = argc > 2 ? std::atol(argv[2]) : 100000;
  for (long i = 0; i < n; ++i) fn();
  return 0;
}
