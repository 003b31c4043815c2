/* <rpcndr.h> - the NDR base types that MIDL-generated headers use: byte,
 * boolean, small, hyper, handle_t, error_status_t, the RPC stub types named
 * by [call_as] prototypes, and DECLSPEC_UUID. Every header `comkit idl`
 * writes includes <rpc.h> and <rpcndr.h> first, as MIDL's do; under C++
 * this also brings in comkit's IID association (COMKIT_DECLARE_INTERFACE),
 * so generated interfaces work with com_ptr and implements<> directly. */
#ifndef COMKIT_WIN_RPCNDR_H
#define COMKIT_WIN_RPCNDR_H

#include <comkit/abi/base.h>
#include <comkit/abi/guid.h>
#include <comkit/abi/hresult.h>
#ifdef __cplusplus
#include <comkit/abi/iid.h>
#endif

#ifndef __RPCNDR_H_VERSION__
#define __RPCNDR_H_VERSION__ 500
#endif

/* NDR types. small is a macro in the Windows SDK too (small is not a C
 * type name, and `unsigned small` must work). */
typedef unsigned char byte;
typedef unsigned char boolean;
#ifndef small
#define small char
#endif
typedef int64_t hyper;
typedef uint64_t MIDL_uhyper;
#ifndef __int3264
#define __int3264 long long
#endif
typedef void *handle_t;
typedef ULONG error_status_t;
typedef void *RPC_IF_HANDLE;

#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
#endif
#ifndef DECLSPEC_UUID
#define DECLSPEC_UUID(x)
#endif

/* The proxy/stub prototypes of [call_as] methods name these. */
#ifndef __IRpcStubBuffer_FWD_DEFINED__
#define __IRpcStubBuffer_FWD_DEFINED__
typedef struct IRpcStubBuffer IRpcStubBuffer;
#endif
#ifndef __IRpcChannelBuffer_FWD_DEFINED__
#define __IRpcChannelBuffer_FWD_DEFINED__
typedef struct IRpcChannelBuffer IRpcChannelBuffer;
#endif
typedef struct _RPC_MESSAGE *PRPC_MESSAGE;

#endif /* COMKIT_WIN_RPCNDR_H */
