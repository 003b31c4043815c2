// fuzz/typelib_fuzzer.cpp - libFuzzer target over type library images,
// which are untrusted input (LoadTypeLib reads any file it is given, and a
// server's embedded library). Each input goes through the MSFT reader;
// what it accepts must be complete enough to be written again (or refused
// by the writer with an exception, never a crash), and what the writer
// writes must read back. Replayed by CTest over fuzz/corpus/typelib_fuzzer
// (widl's and comkit's type libraries, and what fuzzing kept). An input
// that starts like an ELF file goes through the section-header reader and
// the comkit_typelib entry walker too (embedded.h), each entry then through
// the MSFT reader. The lazy reader LoadTypeLib uses must agree with it.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

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
  auto bad_file = [](HRESULT hr) { return hr == TYPE_E_CANTLOADLIBRARY || hr == TYPE_E_INVDATAREAD || hr == E_OUTOFMEMORY; };
  tl::library lib;
  const HRESULT hr = tl::read_msft({data, size}, lib);
  // LoadTypeLib's reader, which reads members on demand, reads the same:
  // all of it when read_msft does, and otherwise fails at open or at some
  // type's members with the same kind of error.
  tl::msft_reader lazy;
  tl::library lazy_lib;
  HRESULT lazy_hr = lazy.open(std::vector<std::uint8_t>(data, data + size), lazy_lib);
  for (std::uint32_t i = 0; SUCCEEDED(lazy_hr) && i < lazy_lib.types.size(); ++i) lazy_hr = lazy.members(i, lazy_lib.types[i]);
  if (SUCCEEDED(hr) != SUCCEEDED(lazy_hr) || (FAILED(lazy_hr) && !bad_file(lazy_hr))) std::abort();
  if (hr != S_OK) {
    if (!bad_file(hr)) std::abort();
    return 0;
  }
  // Compared as text: a constant may be a NaN, which equals nothing.
  const std::string text = tl::dump(lib);
  if (tl::dump(lazy_lib) != text) std::abort();
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
