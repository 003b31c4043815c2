/* comkit/abi/guid.h - GUID, IID and CLSID with Windows' 16-byte layout, the
 * REFxxx parameter types, IsEqualGUID and DEFINE_GUID; in C++ also GUID
 * comparison operators. Part of the C-compatible ABI layer. The string
 * functions (StringFromGUID2, CLSIDFromString ...) are declared in
 * comkit/abi/combase.h. */
#ifndef COMKIT_ABI_GUID_H
#define COMKIT_ABI_GUID_H

#include <comkit/abi/base.h>

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
  uint32_t Data1; /* unsigned long on Windows: always 32 bits */
  uint16_t Data2;
  uint16_t Data3;
  uint8_t Data4[8];
} GUID;
#endif
COMKIT_IMPL_STATIC_ASSERT(sizeof(GUID) == 16, "GUID is 16 bytes");

typedef GUID *LPGUID;
typedef const GUID *LPCGUID;
typedef GUID IID, CLSID, FMTID, UUID;
typedef IID *LPIID;
typedef CLSID *LPCLSID;
typedef FMTID *LPFMTID;

#ifdef __cplusplus
#define REFGUID const GUID &
#define REFIID const IID &
#define REFCLSID const IID &
#define REFFMTID const IID &
#else
#define REFGUID const GUID *
#define REFIID const IID *
#define REFCLSID const IID *
#define REFFMTID const IID *
#endif

/* DEFINE_GUID declares a GUID constant; with INITGUID defined before the
 * include it also defines it (weak, so several translation units may). */
#ifdef INITGUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
  EXTERN_C const GUID DECLSPEC_SELECTANY name = {l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) EXTERN_C const GUID name
#endif
#define DEFINE_OLEGUID(name, l, w1, w2) \
  DEFINE_GUID(name, l, w1, w2, 0xC0, 0, 0, 0, 0, 0, 0, 0x46)

/* GUID_NULL is exported data of libcomkit, as from Windows' uuid library. */
EXTERN_C COMKIT_API const GUID GUID_NULL;
#define IID_NULL GUID_NULL
#define CLSID_NULL GUID_NULL
#define FMTID_NULL GUID_NULL

#ifdef __cplusplus
/* constexpr, so GUID constants compare at compile time; at run time the
 * comparison is one 16-byte memcmp. */
constexpr bool IsEqualGUID(REFGUID a, REFGUID b) noexcept {
  if (!__builtin_is_constant_evaluated()) return memcmp(&a, &b, sizeof(GUID)) == 0;
  for (int i = 0; i < 8; ++i)
    if (a.Data4[i] != b.Data4[i]) return false;
  return a.Data1 == b.Data1 && a.Data2 == b.Data2 && a.Data3 == b.Data3;
}
constexpr bool IsEqualIID(REFIID a, REFIID b) noexcept { return IsEqualGUID(a, b); }
constexpr bool IsEqualCLSID(REFCLSID a, REFCLSID b) noexcept { return IsEqualGUID(a, b); }
constexpr bool IsEqualFMTID(REFFMTID a, REFFMTID b) noexcept { return IsEqualGUID(a, b); }
constexpr bool InlineIsEqualGUID(REFGUID a, REFGUID b) noexcept { return IsEqualGUID(a, b); }
constexpr bool operator==(REFGUID a, REFGUID b) noexcept { return IsEqualGUID(a, b); }
constexpr bool operator!=(REFGUID a, REFGUID b) noexcept { return !IsEqualGUID(a, b); }
#else
#define IsEqualGUID(rguid1, rguid2) (!memcmp((rguid1), (rguid2), sizeof(GUID)))
#define InlineIsEqualGUID(rguid1, rguid2) IsEqualGUID(rguid1, rguid2)
#define IsEqualIID(riid1, riid2) IsEqualGUID(riid1, riid2)
#define IsEqualCLSID(rclsid1, rclsid2) IsEqualGUID(rclsid1, rclsid2)
#define IsEqualFMTID(rfmtid1, rfmtid2) IsEqualGUID(rfmtid1, rfmtid2)
#endif

#ifdef __cplusplus
#include <comkit/abi/iid.h>
#endif

#endif /* COMKIT_ABI_GUID_H */
