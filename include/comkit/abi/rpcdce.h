/* comkit/abi/rpcdce.h - the UUID functions of Windows' <rpcdce.h> that COM
 * code uses. Part of the C-compatible ABI layer. */
#ifndef COMKIT_ABI_RPCDCE_H
#define COMKIT_ABI_RPCDCE_H

#include <comkit/abi/guid.h>

#define RPC_S_OK 0L
#define RPC_S_INVALID_ARG 87L
#define RPC_S_OUT_OF_MEMORY 14L
#define RPC_S_UUID_NO_ADDRESS 1739L
/* Marshalling failures of proxies and stubs (Win32 codes: wrap with
 * HRESULT_FROM_WIN32). */
#define RPC_X_INVALID_BOUND 1734L
#define RPC_X_NULL_REF_POINTER 1780L
#define RPC_X_BAD_STUB_DATA 1783L
#define RPC_S_UUID_LOCAL_ONLY 1824L

/* A random (version 4) UUID: RPC_S_OK, or RPC_S_INVALID_ARG for NULL. */
COMKIT_STDAPI_(RPC_STATUS) UuidCreate(UUID *Uuid);
/* The nil UUID: RPC_S_OK, or RPC_S_INVALID_ARG for NULL. */
COMKIT_STDAPI_(RPC_STATUS) UuidCreateNil(UUID *NilUuid);

#endif /* COMKIT_ABI_RPCDCE_H */
