// tests/consumer/main.cpp - a C++ user of an installed comkit.
#include <comkit/comkit.h>

#include <cstdio>

using namespace comkit::literals;

int main() {
  constexpr GUID id = "8A2F1C3E-0B5D-4E6F-9A1B-2C3D4E5F6071"_guid;
  OLECHAR text[39];
  if (StringFromGUID2(id, text, 39) != 39) return 1;
  GUID back;
  if (CLSIDFromString(text, &back) != S_OK || back != id) return 2;
  BSTR b = SysAllocString(u"installed");
  const bool ok = SysStringLen(b) == 9;
  SysFreeString(b);
  if (!ok) return 3;
  std::printf("consumer_cpp: %s, %s\n", comkit::to_string(id).c_str(), comkit::hresult_message(E_NOINTERFACE).c_str());
  return comkit::guid_of<IUnknown>() == IID_IUnknown ? 0 : 4;
}
