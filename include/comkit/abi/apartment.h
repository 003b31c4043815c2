/* comkit/abi/apartment.h - apartments with Windows' names and semantics
 * (CoGetApartmentType, CoWaitForMultipleHandles, the MTA usage count, the
 * object context, OleInitialize, message filters), and comkit's two
 * functions for serving a single-threaded apartment from any event loop.
 * Part of the C-compatible ABI layer; docs/apartments.md has the rules. */
#ifndef COMKIT_ABI_APARTMENT_H
#define COMKIT_ABI_APARTMENT_H

#include <comkit/abi/objidl.h>
#include <comkit/abi/threadmsg.h>

/* ---- What kind of apartment the thread is in ------------------------------- */
/* S_OK with the type (APTTYPE_MAINSTA for the process's first STA still
 * alive, APTTYPE_STA for later ones, APTTYPE_MTA, or APTTYPE_MTA with
 * APTTYPEQUALIFIER_IMPLICIT_MTA for a thread that never initialised while
 * the MTA exists); CO_E_NOTINITIALIZED with APTTYPE_CURRENT and
 * APTTYPEQUALIFIER_NONE otherwise; E_INVALIDARG for a NULL argument. */
COMKIT_STDAPI CoGetApartmentType(APTTYPE *pAptType, APTTYPEQUALIFIER *pAptQualifier);

/* Keeps the MTA alive (and uninitialised threads implicitly in it) without
 * a thread in it, until the matching CoDecrementMTAUsage. */
typedef struct CO_MTA_USAGE_COOKIE__ *CO_MTA_USAGE_COOKIE;
COMKIT_STDAPI CoIncrementMTAUsage(CO_MTA_USAGE_COOKIE *pCookie);
COMKIT_STDAPI CoDecrementMTAUsage(CO_MTA_USAGE_COOKIE Cookie);

/* The apartment's context object: IComThreadingInfo (and IUnknown); the
 * token is its address, not counted. */
COMKIT_STDAPI CoGetObjectContext(REFIID riid, LPVOID *ppv);
COMKIT_STDAPI CoGetContextToken(ULONG_PTR *pToken);

/* OleInitialize joins (or makes) an STA: CoInitializeEx(NULL,
 * COINIT_APARTMENTTHREADED), RPC_E_CHANGED_MODE from an MTA thread. */
COMKIT_STDAPI OleInitialize(LPVOID pvReserved);
COMKIT_STDAPI_(void) OleUninitialize(void);

/* The calling STA's message filter; CO_E_NOT_SUPPORTED outside an STA. */
COMKIT_STDAPI CoRegisterMessageFilter(LPMESSAGEFILTER lpMessageFilter, LPMESSAGEFILTER *lplpMessageFilter);

/* ---- Waiting while serving the apartment ------------------------------------ */
typedef enum tagCOWAIT_FLAGS {
  COWAIT_DEFAULT = 0,
  COWAIT_WAITALL = 1,
  COWAIT_ALERTABLE = 2,
  COWAIT_INPUTAVAILABLE = 4,
  COWAIT_DISPATCH_CALLS = 8,
  COWAIT_DISPATCH_WINDOW_MESSAGES = 0x10
} COWAIT_FLAGS;

typedef enum CWMO_FLAGS {
  CWMO_DEFAULT = 0,
  CWMO_DISPATCH_CALLS = 1,
  CWMO_DISPATCH_WINDOW_MESSAGES = 2
} CWMO_FLAGS;
#define CWMO_MAX_HANDLES 56

/* S_OK with *lpdwindex the signalled handle's index; RPC_S_CALLPENDING when
 * dwTimeout passed; E_INVALIDARG for NULL pHandles or lpdwindex, unknown
 * flags or too many handles; RPC_E_NO_SYNC for no handles. In an STA the
 * apartment's incoming calls are served while waiting. */
COMKIT_STDAPI CoWaitForMultipleHandles(DWORD dwFlags, DWORD dwTimeout, ULONG cHandles, LPHANDLE pHandles,
                                       LPDWORD lpdwindex);
COMKIT_STDAPI CoWaitForMultipleObjects(DWORD dwFlags, DWORD dwTimeout, ULONG cHandles, const HANDLE *pHandles,
                                       LPDWORD lpdwindex);

/* ---- Serving a single-threaded apartment from your own loop ----------------- */
/* The calling STA thread's wake-up descriptor: it becomes readable when a
 * call (or a thread message) is waiting. Poll it in any loop (poll, epoll,
 * GLib, Qt) and call ComkitDispatchPending when it is readable. The
 * descriptor belongs to comkit: do not read, write or close it.
 * CO_E_NOTINITIALIZED outside an STA, E_INVALIDARG for NULL. */
COMKIT_STDAPI ComkitGetApartmentFd(int *pFd);
/* Serves the calls waiting for the calling STA thread, in arrival order,
 * and re-arms the descriptor; *pcServed (may be NULL) gets how many ran.
 * Thread messages stay queued for PeekMessageW/GetMessageW.
 * CO_E_NOTINITIALIZED outside an STA. */
COMKIT_STDAPI ComkitDispatchPending(ULONG *pcServed);

#endif /* COMKIT_ABI_APARTMENT_H */
