/* comkit/abi/rpcdce.h - the UUID functions of Windows' <rpcdce.h> that COM
 * code uses. Part of the C-compatible ABI layer. */
#ifndef COMKIT_ABI_RPCDCE_H
#define COMKIT_ABI_RPCDCE_H

#include <comkit/abi/guid.h>

#define RPC_S_OK 0L
#define RPC_S_INVALID_ARG 87L
#define RPC_S_OUT_OF_MEMORY 14L
#define RPC_S_UUID_NO_ADDRESS 1739L
/* The other process cannot be reached (a local server that died). */
#define RPC_S_SERVER_UNAVAILABLE 1722L
#define RPC_S_CALL_FAILED 1726L
/* Marshalling failures of proxies and stubs (Win32 codes: wrap with
 * HRESULT_FROM_WIN32). */
#define RPC_X_INVALID_BOUND 1734L
#define RPC_X_NULL_REF_POINTER 1780L
#define RPC_X_BAD_STUB_DATA 1783L
#define RPC_S_UUID_LOCAL_ONLY 1824L

/* Authentication services, authorization services, authentication and
 * impersonation levels (CoInitializeSecurity, proxy blankets). */
#define RPC_C_AUTHN_NONE 0
#define RPC_C_AUTHN_DCE_PRIVATE 1
#define RPC_C_AUTHN_DCE_PUBLIC 2
#define RPC_C_AUTHN_DEC_PUBLIC 4
#define RPC_C_AUTHN_GSS_NEGOTIATE 9
#define RPC_C_AUTHN_WINNT 10
#define RPC_C_AUTHN_GSS_SCHANNEL 14
#define RPC_C_AUTHN_GSS_KERBEROS 16
#define RPC_C_AUTHN_DEFAULT 0xFFFFFFFFL
#define RPC_C_AUTHZ_NONE 0
#define RPC_C_AUTHZ_NAME 1
#define RPC_C_AUTHZ_DCE 2
#define RPC_C_AUTHZ_DEFAULT 0xFFFFFFFFL
#define RPC_C_AUTHN_LEVEL_DEFAULT 0
#define RPC_C_AUTHN_LEVEL_NONE 1
#define RPC_C_AUTHN_LEVEL_CONNECT 2
#define RPC_C_AUTHN_LEVEL_CALL 3
#define RPC_C_AUTHN_LEVEL_PKT 4
#define RPC_C_AUTHN_LEVEL_PKT_INTEGRITY 5
#define RPC_C_AUTHN_LEVEL_PKT_PRIVACY 6
#define RPC_C_IMP_LEVEL_DEFAULT 0
#define RPC_C_IMP_LEVEL_ANONYMOUS 1
#define RPC_C_IMP_LEVEL_IDENTIFY 2
#define RPC_C_IMP_LEVEL_IMPERSONATE 3
#define RPC_C_IMP_LEVEL_DELEGATE 4
typedef void *RPC_AUTH_IDENTITY_HANDLE;

/* A random (version 4) UUID: RPC_S_OK, or RPC_S_INVALID_ARG for NULL. */
COMKIT_STDAPI_(RPC_STATUS) UuidCreate(UUID *Uuid);
/* The nil UUID: RPC_S_OK, or RPC_S_INVALID_ARG for NULL. */
COMKIT_STDAPI_(RPC_STATUS) UuidCreateNil(UUID *NilUuid);

#endif /* COMKIT_ABI_RPCDCE_H */
