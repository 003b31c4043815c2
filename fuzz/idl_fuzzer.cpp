// fuzz/idl_fuzzer.cpp - libFuzzer target over the IDL compiler's front end
// and back-ends: the input is the main .idl file (and also what
// #include "self.h" / import "self.idl" read, so include and import paths
// are reachable). Beyond "no crash, no hang, no leak" it checks the driver's
// contract: a compilation that succeeds has produced all four outputs, and
// one that fails has reported an error and produced none.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "compiler.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  comkit::idl::compile_options o;
  o.input = "/fuzz/main.idl";
  o.c_header = o.cpp_header = o.iid_source = o.proxy = true;
  o.pp.include_dirs = {"/fuzz/inc"};
  // Smaller limits than the defaults keep each input fast to run.
  auto reader = [&](const std::string& path) -> std::optional<std::string> {
    if (path == "/fuzz/main.idl" || path == "/fuzz/self.h" || path == "/fuzz/self.idl" || path == "/fuzz/inc/sys.h") return text;
    return std::nullopt;
  };
  comkit::idl::compile_result r = comkit::idl::compile(o, reader);
  if (r.ok && (r.outputs.size() != 4 || r.errors != 0)) std::abort();
  if (!r.ok && (r.errors == 0 || !r.outputs.empty())) std::abort();
  return 0;
}
