/* comkit/abi/marshal.h - memory streams and the global memory functions
 * they rest on (GlobalAlloc ..., CreateStreamOnHGlobal), with Windows'
 * names and semantics. Part of the C-compatible ABI layer;
 * docs/marshalling.md has the rules. */
#ifndef COMKIT_ABI_MARSHAL_H
#define COMKIT_ABI_MARSHAL_H

#include <comkit/abi/objidl.h>
#include <comkit/abi/rpcdce.h>
#include <comkit/abi/threadmsg.h>

/* ---- Global memory ----------------------------------------------------------- */
/* A fixed block's handle is its address; a moveable block's handle is
 * not, and GlobalLock gives the address (counting locks). GlobalSize is
 * exactly the size asked for. A handle that is not a live block gives the
 * documented failure with ERROR_INVALID_HANDLE, never a crash. */
typedef HANDLE HGLOBAL;
typedef HANDLE HLOCAL;

#define GMEM_FIXED 0x0000
#define GMEM_MOVEABLE 0x0002
#define GMEM_NOCOMPACT 0x0010
#define GMEM_NODISCARD 0x0020
#define GMEM_ZEROINIT 0x0040
#define GMEM_MODIFY 0x0080
#define GMEM_DISCARDABLE 0x0100
#define GMEM_SHARE 0x2000
#define GMEM_DDESHARE 0x2000
#define GMEM_DISCARDED 0x4000
#define GMEM_LOCKCOUNT 0x00FF
#define GMEM_INVALID_HANDLE 0x8000
#define GHND (GMEM_MOVEABLE | GMEM_ZEROINIT)
#define GPTR (GMEM_FIXED | GMEM_ZEROINIT)
#define ERROR_NOT_LOCKED 158L

COMKIT_STDAPI_(HGLOBAL) GlobalAlloc(UINT uFlags, SIZE_T dwBytes);
COMKIT_STDAPI_(HGLOBAL) GlobalReAlloc(HGLOBAL hMem, SIZE_T dwBytes, UINT uFlags);
COMKIT_STDAPI_(LPVOID) GlobalLock(HGLOBAL hMem);
COMKIT_STDAPI_(BOOL) GlobalUnlock(HGLOBAL hMem);
COMKIT_STDAPI_(SIZE_T) GlobalSize(HGLOBAL hMem);
COMKIT_STDAPI_(UINT) GlobalFlags(HGLOBAL hMem);
COMKIT_STDAPI_(HGLOBAL) GlobalHandle(LPCVOID pMem);
/* NULL on success; the handle back on failure. */
COMKIT_STDAPI_(HGLOBAL) GlobalFree(HGLOBAL hMem);

/* ---- Streams on global memory ------------------------------------------------- */
#define STATFLAG_DEFAULT 0
#define STATFLAG_NONAME 1
#define STATFLAG_NOOPEN 2
#define STGM_READ 0x00000000L
#define STGM_WRITE 0x00000001L
#define STGM_READWRITE 0x00000002L
#define STGC_DEFAULT 0

/* A stream over hGlobal (a new, empty moveable block when NULL) whose size
 * starts as GlobalSize(hGlobal) and which keeps the block exactly the
 * stream's size. fDeleteOnRelease frees the block with the last stream
 * (clones share it). */
COMKIT_STDAPI CreateStreamOnHGlobal(HGLOBAL hGlobal, BOOL fDeleteOnRelease, LPSTREAM *ppstm);
/* The block under a stream CreateStreamOnHGlobal made; E_INVALIDARG for
 * any other stream. */
COMKIT_STDAPI GetHGlobalFromStream(LPSTREAM pstm, HGLOBAL *phglobal);

/* ---- Marshalling interfaces ------------------------------------------------------ */
typedef enum tagMSHLFLAGS {
  MSHLFLAGS_NORMAL = 0,
  MSHLFLAGS_TABLESTRONG = 1,
  MSHLFLAGS_TABLEWEAK = 2,
  MSHLFLAGS_NOPING = 4
} MSHLFLAGS;

typedef enum tagMSHCTX {
  MSHCTX_LOCAL = 0,
  MSHCTX_NOSHAREDMEM = 1,
  MSHCTX_DIFFERENTMACHINE = 2,
  MSHCTX_INPROC = 3,
  MSHCTX_CROSSCTX = 4,
  MSHCTX_CONTAINER = 5
} MSHCTX;

/* comkit's own classes, creatable with no registration. */
EXTERN_C COMKIT_API const CLSID CLSID_StdGlobalInterfaceTable; /* 00000323-0000-0000-C000-000000000046 */
EXTERN_C COMKIT_API const CLSID CLSID_InProcFreeMarshaler;     /* 0000033A-0000-0000-C000-000000000046 */
EXTERN_C COMKIT_API const CLSID CLSID_StdMarshal;              /* 00000017-0000-0000-C000-000000000046 */
/* The proxy/stub factory of every interface described by tables
 * (<comkit/abi/proxytable.h>): comkit's own and those of a FILE_p.c. */
EXTERN_C COMKIT_API const CLSID CLSID_PSFactoryBuffer;         /* 00000320-0000-0000-C000-000000000046 */

/* The OBJREF written is Windows' (docs/marshalling.md): the standard form
 * (flags 1) for objects without IMarshal, the custom form (flags 4) for
 * objects with one. E_INVALIDARG for NULL or unknown flags, E_NOINTERFACE
 * when the object lacks riid, CO_E_NOTINITIALIZED outside any apartment. */
COMKIT_STDAPI CoMarshalInterface(LPSTREAM pStm, REFIID riid, LPUNKNOWN pUnk, DWORD dwDestContext,
                                 LPVOID pvDestContext, DWORD mshlflags);
COMKIT_STDAPI CoGetMarshalSizeMax(ULONG *pulSize, REFIID riid, LPUNKNOWN pUnk, DWORD dwDestContext,
                                  LPVOID pvDestContext, DWORD mshlflags);
/* In the object's own apartment, the original pointer; STG_E_READFAULT for
 * a short stream, RPC_E_INVALID_OBJREF for bytes that are not an OBJREF,
 * CO_E_OBJNOTCONNECTED for an object no longer exported. */
COMKIT_STDAPI CoUnmarshalInterface(LPSTREAM pStm, REFIID riid, LPVOID *ppv);
COMKIT_STDAPI CoReleaseMarshalData(LPSTREAM pStm);
COMKIT_STDAPI CoDisconnectObject(LPUNKNOWN pUnk, DWORD dwReserved);
COMKIT_STDAPI CoGetStandardMarshal(REFIID riid, LPUNKNOWN pUnk, DWORD dwDestContext, LPVOID pvDestContext,
                                   DWORD mshlflags, LPMARSHAL *ppMarshal);
COMKIT_STDAPI CoMarshalInterThreadInterfaceInStream(REFIID riid, LPUNKNOWN pUnk, LPSTREAM *ppStm);
COMKIT_STDAPI CoGetInterfaceAndReleaseStream(LPSTREAM pStm, REFIID iid, LPVOID *ppv);
/* Proxy/stub factories: the CLSID whose IPSFactoryBuffer makes the proxy
 * and stub of riid. A registration is per process and wins over any other;
 * then CLSID_PSFactoryBuffer for an interface a table describes (every
 * interface of comkit's idl/, and those of each FILE_p.c linked in);
 * REGDB_E_IIDNOTREG for the others. */
COMKIT_STDAPI CoRegisterPSClsid(REFIID riid, REFCLSID rclsid);
COMKIT_STDAPI CoGetPSClsid(REFIID riid, CLSID *pClsid);

/* ---- Security ------------------------------------------------------------------ */
/* The process's security defaults, once: RPC_E_TOO_LATE after an earlier
 * call or after the first marshal or unmarshal (which fixes the defaults,
 * as on Windows). comkit keeps the values (they become every new proxy's
 * blanket) but enforces nothing within a process; E_INVALIDARG for levels
 * out of range or cAuthSvc < -1 (or -1 with a list). */
#ifndef COMKIT_PSECURITY_DESCRIPTOR_DEFINED
#define COMKIT_PSECURITY_DESCRIPTOR_DEFINED
typedef void *PSECURITY_DESCRIPTOR;
#endif
COMKIT_STDAPI CoInitializeSecurity(PSECURITY_DESCRIPTOR pSecDesc, LONG cAuthSvc, SOLE_AUTHENTICATION_SERVICE *asAuthSvc,
                                   void *pReserved1, DWORD dwAuthnLevel, DWORD dwImpLevel, void *pAuthList,
                                   DWORD dwCapabilities, void *pReserved3);
/* A proxy's authentication blanket, through its IClientSecurity:
 * E_NOINTERFACE for an object that is not a proxy (an in-apartment
 * pointer). CoCopyProxy gives the same proxy (comkit's proxies share one
 * blanket per proxy manager). */
COMKIT_STDAPI CoQueryProxyBlanket(IUnknown *pProxy, DWORD *pwAuthnSvc, DWORD *pAuthzSvc, LPOLESTR *pServerPrincName,
                                  DWORD *pAuthnLevel, DWORD *pImpLevel, RPC_AUTH_IDENTITY_HANDLE *pAuthInfo,
                                  DWORD *pCapabilites);
COMKIT_STDAPI CoSetProxyBlanket(IUnknown *pProxy, DWORD dwAuthnSvc, DWORD dwAuthzSvc, OLECHAR *pServerPrincName,
                                DWORD dwAuthnLevel, DWORD dwImpLevel, RPC_AUTH_IDENTITY_HANDLE pAuthInfo,
                                DWORD dwCapabilities);
COMKIT_STDAPI CoCopyProxy(IUnknown *pProxy, IUnknown **ppCopy);
/* The free-threaded marshaler, aggregated into punkOuter: its marshal data
 * in-process is the object's address (custom OBJREF naming
 * CLSID_InProcFreeMarshaler); other destinations get the standard form. */
COMKIT_STDAPI CoCreateFreeThreadedMarshaler(LPUNKNOWN punkOuter, LPUNKNOWN *ppunkMarshal);

#endif /* COMKIT_ABI_MARSHAL_H */
