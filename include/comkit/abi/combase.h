/* comkit/abi/combase.h - libcomkit's core C API with Windows' names and
 * semantics: GUID text and creation, the task allocator (CoTaskMem*,
 * CoGetMalloc, malloc spies). The content of Windows' <combaseapi.h> that
 * exists so far. Part of the C-compatible ABI layer. */
#ifndef COMKIT_ABI_COMBASE_H
#define COMKIT_ABI_COMBASE_H

#include <comkit/abi/objidl.h>

typedef enum tagMEMCTX {
  MEMCTX_TASK = 1,
  MEMCTX_SHARED = 2,
  MEMCTX_MACSYSTEM = 3,
  MEMCTX_UNKNOWN = -1,
  MEMCTX_SAME = -2
} MEMCTX;

/* ---- GUIDs --------------------------------------------------------------- */

/* Writes "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" (upper case, NUL-terminated)
 * and returns 39, the characters written including the NUL; returns 0 when
 * cchMax < 39 or lpsz is NULL. */
COMKIT_STDAPI_(int) StringFromGUID2(REFGUID rguid, LPOLESTR lpsz, int cchMax);
/* *lplpsz receives a CoTaskMemAlloc'd string. E_OUTOFMEMORY; E_INVALIDARG for
 * a NULL lplpsz (Windows crashes there). */
COMKIT_STDAPI StringFromCLSID(REFCLSID rclsid, LPOLESTR *lplpsz);
COMKIT_STDAPI StringFromIID(REFIID rclsid, LPOLESTR *lplpsz);
/* NULL lpsz gives CLSID_NULL and S_OK. A string that does not start with '{'
 * is a ProgID, looked up in the registry (unknown: CO_E_CLASSSTRING with
 * *pclsid zeroed). A malformed braced string is
 * CO_E_CLASSSTRING with the fields parsed before the bad character written,
 * as Windows does. E_INVALIDARG for a NULL pclsid. */
COMKIT_STDAPI CLSIDFromString(LPCOLESTR lpsz, LPCLSID pclsid);
/* NULL lpsz gives IID_NULL and S_OK; a string that is not exactly 38
 * characters is E_INVALIDARG (*lpiid untouched); 38 characters that are not a
 * braced GUID are CO_E_IIDSTRING (fields before the bad character written). */
COMKIT_STDAPI IIDFromString(LPCOLESTR lpsz, LPIID lpiid);
/* A random (version 4) GUID from the OS's entropy source. E_INVALIDARG for
 * NULL. */
COMKIT_STDAPI CoCreateGuid(GUID *pguid);

/* ---- Task memory ---------------------------------------------------------- */

/* Memory shared by caller and callee across interfaces ([out] strings and
 * arrays). 16-byte aligned; CoTaskMemAlloc(0) returns a unique non-NULL
 * block; CoTaskMemRealloc(p, 0) frees p and returns NULL; CoTaskMemFree(NULL)
 * does nothing. Thread-safe. */
COMKIT_STDAPI_(LPVOID) CoTaskMemAlloc(SIZE_T cb);
COMKIT_STDAPI_(LPVOID) CoTaskMemRealloc(LPVOID pv, SIZE_T cb);
COMKIT_STDAPI_(void) CoTaskMemFree(LPVOID pv);
/* The process's task allocator (the same IMalloc every call; its AddRef and
 * Release do not count). dwMemContext must be MEMCTX_TASK, else E_INVALIDARG
 * with *ppMalloc NULL; E_POINTER for a NULL ppMalloc. */
COMKIT_STDAPI CoGetMalloc(DWORD dwMemContext, LPMALLOC *ppMalloc);
/* Installs a spy that sees every task-allocator call (also the BSTR
 * allocations). E_INVALIDARG for NULL or an object without IMallocSpy,
 * CO_E_OBJISREG when one is registered. Revoking returns CO_E_OBJNOTREG when
 * none is registered, and E_ACCESSDENIED while blocks allocated under the spy
 * are alive: the spy is then released when the last of them is freed. */
COMKIT_STDAPI CoRegisterMallocSpy(LPMALLOCSPY pMallocSpy);
COMKIT_STDAPI CoRevokeMallocSpy(void);

#endif /* COMKIT_ABI_COMBASE_H */
