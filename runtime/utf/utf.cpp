// runtime/utf/utf.cpp - the C face of the UTF-8/UTF-16 transcoder in
// comkit/detail/utf.h, and BSTRs made from UTF-8.
#include <comkit/abi/extensions.h>
#include <comkit/detail/utf.h>

#include "runtime_internal.h"

namespace comkit::rt {
namespace {

HRESULT to_hresult(detail::utf_status s) noexcept {
  switch (s) {
    case detail::utf_status::ok: return S_OK;
    case detail::utf_status::too_small: return HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER);
    case detail::utf_status::ill_formed: break;
  }
  return HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION);
}

}  // namespace
}  // namespace comkit::rt

using namespace comkit;
using namespace comkit::rt;

HRESULT STDAPICALLTYPE ComkitUtf8ToUtf16(const char* src, size_t src_len, OLECHAR* dst, size_t dst_len,
                                         size_t* needed) {
  if ((!src && src_len != 0) || (!dst && dst_len != 0)) return E_POINTER;
  const detail::utf_result r = detail::utf8_to_utf16(src, src_len, dst, dst_len);
  if (needed) *needed = r.status == detail::utf_status::ill_formed ? 0 : r.needed;
  // Measuring (no buffer at all) is not a short buffer.
  if (r.status == detail::utf_status::too_small && !dst) return S_OK;
  return to_hresult(r.status);
}

HRESULT STDAPICALLTYPE ComkitUtf16ToUtf8(const OLECHAR* src, size_t src_len, char* dst, size_t dst_len,
                                         size_t* needed) {
  if ((!src && src_len != 0) || (!dst && dst_len != 0)) return E_POINTER;
  const detail::utf_result r = detail::utf16_to_utf8(src, src_len, dst, dst_len);
  if (needed) *needed = r.status == detail::utf_status::ill_formed ? 0 : r.needed;
  if (r.status == detail::utf_status::too_small && !dst) return S_OK;
  return to_hresult(r.status);
}

HRESULT STDAPICALLTYPE ComkitBstrFromUtf8(const char* src, size_t src_len, BSTR* out) {
  if (!out) return E_POINTER;
  *out = nullptr;
  if (!src && src_len != 0) return E_POINTER;
  const detail::utf_result measure = detail::utf8_to_utf16(src, src_len, nullptr, 0);
  if (measure.status == detail::utf_status::ill_formed) return to_hresult(measure.status);
  if (measure.needed > 0x7FFFFFF0u) return E_OUTOFMEMORY;
  BSTR b = SysAllocStringLen(nullptr, static_cast<UINT>(measure.needed));
  if (!b) return E_OUTOFMEMORY;
  detail::utf8_to_utf16(src, src_len, b, measure.needed);
  *out = b;
  return S_OK;
}
