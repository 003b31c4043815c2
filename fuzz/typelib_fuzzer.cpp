// fuzz/typelib_fuzzer.cpp - libFuzzer target over type library images,
// which are untrusted input (LoadTypeLib reads any file it is given, and a
// server's embedded library). Each input goes through the MSFT reader;
// what it accepts must be complete enough to be written again (or refused
// by the writer with an exception, never a crash), and what the writer
// writes must read back. Replayed by CTest over fuzz/corpus/typelib_fuzzer
// (widl's and comkit's type libraries, and what fuzzing kept).
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include "typelib_data.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace tl = comkit::typelib;
  tl::library lib;
  const HRESULT hr = tl::read_msft({data, size}, lib);
  if (hr != S_OK) {
    if (hr != TYPE_E_CANTLOADLIBRARY && hr != TYPE_E_INVDATAREAD && hr != E_OUTOFMEMORY) std::abort();
    return 0;
  }
  (void)tl::dump(lib);
  std::vector<std::uint8_t> image;
  try {
    image = tl::write_msft(lib);
  } catch (const std::invalid_argument&) {
    return 0;  // read, but not writable as it stands (a dispinterface without IDispatch ...)
  } catch (const std::length_error&) {
    return 0;
  }
  tl::library again;
  if (tl::read_msft(image, again) != S_OK) std::abort();
  if (again.types.size() != lib.types.size()) std::abort();
  return 0;
}
