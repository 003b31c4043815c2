// fuzz/typelib_fuzzer.cpp - libFuzzer target over type library images,
// which are untrusted input (LoadTypeLib reads any file it is given, and a
// server's embedded library). Each input goes through the MSFT reader;
// what it accepts must be complete enough to be written again (or refused
// by the writer with an exception, never a crash), and what the writer
// writes must read back. Replayed by CTest over fuzz/corpus/typelib_fuzzer
// (widl's and comkit's type libraries, and what fuzzing kept). An input
// that starts like an ELF file goes through the section-header reader and
// the comkit_typelib entry walker too (embedded.h), each entry then through
// the MSFT reader.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include "embedded.h"
#include "typelib_data.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace tl = comkit::typelib;
  const std::span<const std::uint8_t> input(data, size);
  if (tl::looks_like_elf(input)) {
    if (const auto section = tl::elf_section(input, tl::embedded_section)) {
      if (section->data() < data || section->data() + section->size() > data + size) std::abort();
      if (const auto entries = tl::embedded_entries(*section))
        for (const tl::embedded_entry& e : *entries) {
          tl::library inner;
          (void)tl::read_msft(e.image, inner);
        }
    }
    return 0;
  }
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
