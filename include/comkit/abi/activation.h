/* comkit/abi/activation.h - COM initialisation and activation with Windows'
 * names and semantics: CoInitializeEx, class objects (CoRegisterClassObject,
 * CoGetClassObject), CoCreateInstance(Ex), ProgIDs, in-process servers and
 * their entry points. Part of the C-compatible ABI layer; docs/activation.md
 * has the rules. */
#ifndef COMKIT_ABI_ACTIVATION_H
#define COMKIT_ABI_ACTIVATION_H

#include <comkit/abi/unknwn.h>

typedef enum tagCOINIT {
  COINIT_APARTMENTTHREADED = 0x2,
  COINIT_MULTITHREADED = 0x0,
  COINIT_DISABLE_OLE1DDE = 0x4,
  COINIT_SPEED_OVER_MEMORY = 0x8
} COINIT;

typedef enum tagCLSCTX {
  CLSCTX_INPROC_SERVER = 0x1,
  CLSCTX_INPROC_HANDLER = 0x2,
  CLSCTX_LOCAL_SERVER = 0x4,
  CLSCTX_INPROC_SERVER16 = 0x8,
  CLSCTX_REMOTE_SERVER = 0x10,
  CLSCTX_INPROC_HANDLER16 = 0x20,
  CLSCTX_RESERVED1 = 0x40,
  CLSCTX_RESERVED2 = 0x80,
  CLSCTX_RESERVED3 = 0x100,
  CLSCTX_RESERVED4 = 0x200,
  CLSCTX_NO_CODE_DOWNLOAD = 0x400,
  CLSCTX_RESERVED5 = 0x800,
  CLSCTX_NO_CUSTOM_MARSHAL = 0x1000,
  CLSCTX_ENABLE_CODE_DOWNLOAD = 0x2000,
  CLSCTX_NO_FAILURE_LOG = 0x4000,
  CLSCTX_DISABLE_AAA = 0x8000,
  CLSCTX_ENABLE_AAA = 0x10000,
  CLSCTX_FROM_DEFAULT_CONTEXT = 0x20000,
  CLSCTX_ACTIVATE_X86_SERVER = 0x40000,
  CLSCTX_ACTIVATE_32_BIT_SERVER = 0x40000,
  CLSCTX_ACTIVATE_64_BIT_SERVER = 0x80000,
  CLSCTX_ENABLE_CLOAKING = 0x100000,
  CLSCTX_APPCONTAINER = 0x400000,
  CLSCTX_ACTIVATE_AAA_AS_IU = 0x800000,
  CLSCTX_RESERVED6 = 0x1000000,
  CLSCTX_ACTIVATE_ARM32_SERVER = 0x2000000,
  CLSCTX_ALLOW_LOWER_TRUST_REGISTRATION = 0x4000000,
  CLSCTX_PS_DLL = (int)0x80000000
} CLSCTX;
#define CLSCTX_INPROC (CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER)
#define CLSCTX_ALL (CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER | CLSCTX_LOCAL_SERVER | CLSCTX_REMOTE_SERVER)
#define CLSCTX_SERVER (CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER | CLSCTX_REMOTE_SERVER)

typedef enum tagREGCLS {
  REGCLS_SINGLEUSE = 0,
  REGCLS_MULTIPLEUSE = 1,
  REGCLS_MULTI_SEPARATE = 2,
  REGCLS_SUSPENDED = 4,
  REGCLS_SURROGATE = 8,
  REGCLS_AGILE = 0x10
} REGCLS;

typedef struct tagMULTI_QI {
  const IID *pIID;
  IUnknown *pItf;
  HRESULT hr;
} MULTI_QI;

typedef struct _COAUTHIDENTITY COAUTHIDENTITY;
typedef struct _COAUTHINFO {
  DWORD dwAuthnSvc;
  DWORD dwAuthzSvc;
  LPWSTR pwszServerPrincName;
  DWORD dwAuthnLevel;
  DWORD dwImpersonationLevel;
  COAUTHIDENTITY *pAuthIdentityData;
  DWORD dwCapabilities;
} COAUTHINFO;

typedef struct _COSERVERINFO {
  DWORD dwReserved1;
  LPWSTR pwszName;
  COAUTHINFO *pAuthInfo;
  DWORD dwReserved2;
} COSERVERINFO;

/* ---- Initialisation ------------------------------------------------------ */
/* Per thread and counted: S_OK the first time, S_FALSE again with the same
 * model, RPC_E_CHANGED_MODE for the other model (not counted). */
COMKIT_STDAPI CoInitialize(LPVOID pvReserved);
COMKIT_STDAPI CoInitializeEx(LPVOID pvReserved, DWORD dwCoInit);
COMKIT_STDAPI_(void) CoUninitialize(void);

/* ---- Class objects and activation ----------------------------------------- */
COMKIT_STDAPI CoRegisterClassObject(REFCLSID rclsid, LPUNKNOWN pUnk, DWORD dwClsContext, DWORD flags,
                                    LPDWORD lpdwRegister);
COMKIT_STDAPI CoRevokeClassObject(DWORD dwRegister);
COMKIT_STDAPI CoResumeClassObjects(void);
COMKIT_STDAPI CoSuspendClassObjects(void);
/* The server process's count of what keeps it running (objects, locks):
 * starts at 0; CoReleaseServerProcess returns the new count, and at 0 it
 * suspends every class object, so that later activations fail with
 * CO_E_SERVER_STOPPING (or start a new server). */
COMKIT_STDAPI_(ULONG) CoAddRefServerProcess(void);
COMKIT_STDAPI_(ULONG) CoReleaseServerProcess(void);
COMKIT_STDAPI CoGetClassObject(REFCLSID rclsid, DWORD dwClsContext, LPVOID pvReserved, REFIID riid, LPVOID *ppv);
COMKIT_STDAPI CoCreateInstance(REFCLSID rclsid, LPUNKNOWN pUnkOuter, DWORD dwClsContext, REFIID riid, LPVOID *ppv);
COMKIT_STDAPI CoCreateInstanceEx(REFCLSID Clsid, IUnknown *punkOuter, DWORD dwClsCtx, COSERVERINFO *pServerInfo,
                                 DWORD dwCount, MULTI_QI *pResults);
COMKIT_STDAPI CLSIDFromProgID(LPCOLESTR lpszProgID, LPCLSID lpclsid);
COMKIT_STDAPI CLSIDFromProgIDEx(LPCOLESTR lpszProgID, LPCLSID lpclsid);
COMKIT_STDAPI ProgIDFromCLSID(REFCLSID clsid, LPOLESTR *lplpszProgID);
COMKIT_STDAPI_(DWORD) CoGetCurrentProcess(void);
COMKIT_STDAPI_(void) CoFreeUnusedLibraries(void);
COMKIT_STDAPI_(void) CoFreeUnusedLibrariesEx(DWORD dwUnloadDelay, DWORD dwReserved);
COMKIT_STDAPI CoLockObjectExternal(LPUNKNOWN pUnk, BOOL fLock, BOOL fLastUnlockReleases);

/* ---- What an in-process server exports (servers define these) ------------- */
/* Declared with default visibility, so a server built with
 * -fvisibility=hidden still exports its definitions. */
typedef HRESULT(STDAPICALLTYPE *LPFNGETCLASSOBJECT)(REFCLSID, REFIID, LPVOID *);
typedef HRESULT(STDAPICALLTYPE *LPFNCANUNLOADNOW)(void);
EXTERN_C COMKIT_API HRESULT STDAPICALLTYPE DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv);
EXTERN_C COMKIT_API HRESULT STDAPICALLTYPE DllCanUnloadNow(void);
EXTERN_C COMKIT_API HRESULT STDAPICALLTYPE DllRegisterServer(void);
EXTERN_C COMKIT_API HRESULT STDAPICALLTYPE DllUnregisterServer(void);

#endif /* COMKIT_ABI_ACTIVATION_H */
