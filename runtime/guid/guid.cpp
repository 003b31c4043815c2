// runtime/guid/guid.cpp - GUID text (StringFromGUID2, CLSIDFromString ...),
// random GUIDs (CoCreateGuid, UuidCreate) and name-based GUIDs
// (ComkitGuidFromName). The text parser and formatter are the constexpr ones
// in comkit/detail/guid_text.h, shared with the C++ GUID literal.
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <comkit/abi/extensions.h>
#include <comkit/detail/guid_name.h>
#include <comkit/detail/guid_text.h>

#include "activation/activation_internal.h"
#include "runtime_internal.h"

namespace comkit::rt {
namespace {

using detail::guid_fields;

guid_fields fields_of(const GUID& g) noexcept {
  guid_fields f;
  f.data1 = g.Data1;
  f.data2 = g.Data2;
  f.data3 = g.Data3;
  std::memcpy(f.data4, g.Data4, 8);
  return f;
}

// Copies the first `count` fields (in the order data1, data2, data3,
// data4[0..7]) of f into g, leaving the rest of g as it was.
void store_fields(const guid_fields& f, int count, GUID* g) noexcept {
  if (count > 0) g->Data1 = f.data1;
  if (count > 1) g->Data2 = f.data2;
  if (count > 2) g->Data3 = f.data3;
  for (int i = 3; i < count; ++i) g->Data4[i - 3] = f.data4[i - 3];
}

// Parses a braced GUID at s (s[0] == '{'), writing into *g the fields read
// before any bad character. True only for exactly "{...}" followed by NUL.
bool parse_braced(const OLECHAR* s, GUID* g) noexcept {
  guid_fields f;
  const detail::guid_parse_result r = detail::parse_guid_fields(s + 1, f);
  store_fields(f, r.touched, g);
  return r.ok && s[37] == u'}' && s[38] == 0;
}

// Fills 16 bytes from the kernel's entropy source.
HRESULT random_bytes(void* out, std::size_t n) noexcept {
  auto* p = static_cast<unsigned char*>(out);
  while (n > 0) {
    const ssize_t r = getrandom(p, n, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return ComkitHResultFromErrno(errno);
    }
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return S_OK;
}

HRESULT random_guid(GUID* g) noexcept {
  const HRESULT hr = random_bytes(g, sizeof(GUID));
  if (FAILED(hr)) return hr;
  g->Data3 = static_cast<uint16_t>((g->Data3 & 0x0FFF) | 0x4000);   // version 4
  g->Data4[0] = static_cast<uint8_t>((g->Data4[0] & 0x3F) | 0x80);  // RFC variant
  return S_OK;
}

HRESULT string_from_guid(const GUID* g, LPOLESTR* out) noexcept {
  if (!out) return E_INVALIDARG;
  *out = nullptr;
  if (!g) return E_INVALIDARG;
  auto* s = static_cast<LPOLESTR>(CoTaskMemAlloc((detail::guid_braced_len + 1) * sizeof(OLECHAR)));
  if (!s) return E_OUTOFMEMORY;
  detail::format_guid_braced(fields_of(*g), s);
  s[detail::guid_braced_len] = 0;
  *out = s;
  return S_OK;
}

}  // namespace
}  // namespace comkit::rt

using namespace comkit;
using namespace comkit::rt;

EXTERN_C COMKIT_API const GUID GUID_NULL = {0, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}};

int STDAPICALLTYPE StringFromGUID2(REFGUID rguid, LPOLESTR lpsz, int cchMax) {
  const GUID* g = nullable(&rguid);
  if (!g || !lpsz || cchMax < static_cast<int>(detail::guid_braced_len + 1)) return 0;
  detail::format_guid_braced(fields_of(*g), lpsz);
  lpsz[detail::guid_braced_len] = 0;
  return static_cast<int>(detail::guid_braced_len + 1);
}

HRESULT STDAPICALLTYPE StringFromCLSID(REFCLSID rclsid, LPOLESTR* lplpsz) {
  return string_from_guid(nullable(&rclsid), lplpsz);
}

HRESULT STDAPICALLTYPE StringFromIID(REFIID rclsid, LPOLESTR* lplpsz) {
  return string_from_guid(nullable(&rclsid), lplpsz);
}

HRESULT STDAPICALLTYPE CLSIDFromString(LPCOLESTR lpsz, LPCLSID pclsid) {
  if (!pclsid) return E_INVALIDARG;
  if (!lpsz) {
    *pclsid = GUID_NULL;
    return S_OK;
  }
  if (lpsz[0] != u'{') return activation_clsid_from_progid(lpsz, pclsid);  // a ProgID, as on Windows
  return parse_braced(lpsz, pclsid) ? S_OK : CO_E_CLASSSTRING;
}

HRESULT STDAPICALLTYPE IIDFromString(LPCOLESTR lpsz, LPIID lpiid) {
  if (!lpiid) return E_INVALIDARG;
  if (!lpsz) {
    *lpiid = GUID_NULL;
    return S_OK;
  }
  // Windows checks the length first: anything but 38 characters is
  // E_INVALIDARG with *lpiid untouched (ProgIDs are not looked up).
  std::size_t len = 0;
  while (len <= detail::guid_braced_len && lpsz[len] != 0) ++len;
  if (len != detail::guid_braced_len) return E_INVALIDARG;
  if (lpsz[0] != u'{') return CO_E_IIDSTRING;
  return parse_braced(lpsz, lpiid) ? S_OK : CO_E_IIDSTRING;
}

HRESULT STDAPICALLTYPE CoCreateGuid(GUID* pguid) {
  if (!pguid) return E_INVALIDARG;
  return random_guid(pguid);
}

RPC_STATUS STDAPICALLTYPE UuidCreate(UUID* Uuid) {
  if (!Uuid) return RPC_S_INVALID_ARG;
  return SUCCEEDED(random_guid(Uuid)) ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
}

RPC_STATUS STDAPICALLTYPE UuidCreateNil(UUID* NilUuid) {
  if (!NilUuid) return RPC_S_INVALID_ARG;
  *NilUuid = GUID_NULL;
  return RPC_S_OK;
}

HRESULT STDAPICALLTYPE ComkitGuidFromName(REFGUID namespace_guid, const void* name, size_t name_len, GUID* out) {
  const GUID* ns = nullable(&namespace_guid);
  if (!ns || !out || (!name && name_len != 0)) return E_POINTER;
  const detail::guid_fields f = detail::guid_v5(fields_of(*ns), static_cast<const std::uint8_t*>(name), name_len);
  out->Data1 = f.data1;
  out->Data2 = f.data2;
  out->Data3 = f.data3;
  std::memcpy(out->Data4, f.data4, 8);
  return S_OK;
}
