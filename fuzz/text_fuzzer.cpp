// fuzz/text_fuzzer.cpp - libFuzzer target over the parsers of outside text:
// CLSIDFromString / IIDFromString (bytes taken as UTF-16 units), the C++
// parse_guid, and the UTF-8/UTF-16 transcoders. Beyond "no crash", it checks
// round trips: a string that parses formats back to the same GUID, and valid
// UTF converts back to the same bytes. Replayed over its corpus by CTest.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <objbase.h>
#include <oleauto.h>

#include <comkit/abi/extensions.h>
#include <comkit/guid.h>

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void fuzz_guid_text(const std::u16string& s) {
  GUID clsid, iid;
  const HRESULT hc = CLSIDFromString(s.c_str(), &clsid);
  const HRESULT hi = IIDFromString(s.c_str(), &iid);
  require(hc == S_OK || hc == CO_E_CLASSSTRING);
  require(hi == S_OK || hi == E_INVALIDARG || hi == CO_E_IIDSTRING);
  // Both accept exactly the braced form (the only form without a registry).
  require((hc == S_OK) == (hi == S_OK));
  if (hc == S_OK) {
    require(clsid == iid);
    OLECHAR buf[39];
    require(StringFromGUID2(clsid, buf, 39) == 39);
    GUID back;
    require(CLSIDFromString(buf, &back) == S_OK && back == clsid);
  }
}

void fuzz_utf(const std::uint8_t* data, std::size_t size) {
  const char* s = reinterpret_cast<const char*>(data);
  std::size_t need = 0;
  const HRESULT hr = ComkitUtf8ToUtf16(s, size, nullptr, 0, &need);
  if (FAILED(hr)) {
    require(hr == HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION));
  } else {
    std::u16string w(need, u'\0');
    require(ComkitUtf8ToUtf16(s, size, w.data(), w.size(), &need) == S_OK && need == w.size());
    std::size_t need8 = 0;
    require(ComkitUtf16ToUtf8(w.data(), w.size(), nullptr, 0, &need8) == S_OK && need8 == size);
    std::string back(need8, '\0');
    require(ComkitUtf16ToUtf8(w.data(), w.size(), back.data(), back.size(), &need8) == S_OK);
    require(size == 0 || std::memcmp(back.data(), s, size) == 0);
  }
  // The same bytes as UTF-16 units.
  std::u16string units(size / 2, u'\0');
  if (!units.empty()) std::memcpy(units.data(), data, units.size() * 2);
  std::size_t need8 = 0;
  const HRESULT h16 = ComkitUtf16ToUtf8(units.data(), units.size(), nullptr, 0, &need8);
  require(SUCCEEDED(h16) || h16 == HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // As UTF-16 units, NUL-terminated (embedded NULs end the string early, as
  // they would for a C caller).
  std::u16string units(size / 2, u'\0');
  if (!units.empty()) std::memcpy(units.data(), data, units.size() * 2);
  fuzz_guid_text(units);
  // As ASCII widened to UTF-16, which reaches the parser's interesting paths
  // far more often than random UTF-16.
  std::u16string widened(data, data + size);
  fuzz_guid_text(widened);
  const auto parsed = comkit::parse_guid(std::string_view(reinterpret_cast<const char*>(data), size));
  if (parsed) require(comkit::parse_guid(comkit::to_string(*parsed)) == parsed);
  fuzz_utf(data, size);
  return 0;
}
