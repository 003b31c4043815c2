/* comkit/abi/threadmsg.h - the small Win32 subset that single-threaded
 * apartment code is written against: thread messages without windows
 * (PostThreadMessageW, GetMessageW, PeekMessageW, DispatchMessageW,
 * TranslateMessage, PostQuitMessage, MsgWaitForMultipleObjectsEx), event
 * objects and the waits on them (CreateEventW, SetEvent, ResetEvent,
 * WaitForSingleObject(Ex), WaitForMultipleObjects(Ex), CloseHandle), and the
 * thread's id and last error. It exists so that existing STA code compiles and
 * runs; Linux-native code serves an apartment from its own loop instead
 * (comkit/abi/apartment.h). docs/apartments.md says exactly what is there.
 *
 * Rules that differ from a full Win32: there are no windows (every HWND
 * argument must be NULL, or (HWND)-1 where Windows accepts it), so
 * DispatchMessageW has no window procedure to call, and a message is only
 * ever a thread message; a thread has a message queue from its first call to
 * one of the message functions, or from CoInitializeEx into a single-threaded
 * apartment; events are process-local (a name gives ERROR_NOT_SUPPORTED). */
#ifndef COMKIT_ABI_THREADMSG_H
#define COMKIT_ABI_THREADMSG_H

#include <comkit/abi/base.h>

/* ---- Last error and thread ids ------------------------------------------- */
/* Thread ids are the kernel's (what gettid() returns). */
COMKIT_STDAPI_(DWORD) GetCurrentThreadId(void);
COMKIT_STDAPI_(DWORD) GetLastError(void);
COMKIT_STDAPI_(void) SetLastError(DWORD dwErrCode);

#ifndef ERROR_SUCCESS
#define ERROR_SUCCESS 0L
#endif
#define ERROR_INVALID_HANDLE 6L
#define ERROR_NOT_ENOUGH_MEMORY 8L
#define ERROR_OUTOFMEMORY 14L
#define ERROR_NOT_SUPPORTED 50L
#define ERROR_INVALID_PARAMETER 87L
#define ERROR_INVALID_WINDOW_HANDLE 1400L
#define ERROR_INVALID_THREAD_ID 1444L
#define ERROR_NOT_ENOUGH_QUOTA 1816L

/* ---- Handles, events and waits ------------------------------------------- */
typedef struct _SECURITY_ATTRIBUTES {
  DWORD nLength;
  LPVOID lpSecurityDescriptor;
  BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#define INFINITE 0xFFFFFFFFu
#define MAXIMUM_WAIT_OBJECTS 64
#define STATUS_WAIT_0 ((DWORD)0x00000000L)
#define STATUS_ABANDONED_WAIT_0 ((DWORD)0x00000080L)
#define STATUS_USER_APC ((DWORD)0x000000C0L)
#define STATUS_TIMEOUT ((DWORD)0x00000102L)
#define WAIT_OBJECT_0 (STATUS_WAIT_0 + 0)
#define WAIT_ABANDONED (STATUS_ABANDONED_WAIT_0 + 0)
#define WAIT_ABANDONED_0 (STATUS_ABANDONED_WAIT_0 + 0)
#define WAIT_IO_COMPLETION STATUS_USER_APC
#define WAIT_TIMEOUT 258L
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)

/* Events only: bManualReset events stay signalled until ResetEvent; the
 * others release one waiter and reset. A name is not supported (NULL,
 * ERROR_NOT_SUPPORTED); lpEventAttributes is accepted and ignored. */
COMKIT_STDAPI_(HANDLE) CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                                    LPCWSTR lpName);
COMKIT_STDAPI_(BOOL) SetEvent(HANDLE hEvent);
COMKIT_STDAPI_(BOOL) ResetEvent(HANDLE hEvent);
COMKIT_STDAPI_(BOOL) CloseHandle(HANDLE hObject);
/* WAIT_OBJECT_0 (+ index), WAIT_TIMEOUT, or WAIT_FAILED with the last error
 * set (ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER). bAlertable is accepted;
 * comkit has no APCs, so WAIT_IO_COMPLETION never comes. */
COMKIT_STDAPI_(DWORD) WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
COMKIT_STDAPI_(DWORD) WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable);
COMKIT_STDAPI_(DWORD) WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                             DWORD dwMilliseconds);
COMKIT_STDAPI_(DWORD) WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                               DWORD dwMilliseconds, BOOL bAlertable);

/* ---- Thread messages ----------------------------------------------------- */
typedef struct HWND__ *HWND;
typedef UINT_PTR WPARAM;
typedef LONG_PTR LPARAM;
typedef LONG_PTR LRESULT;

typedef struct tagPOINT {
  LONG x;
  LONG y;
} POINT, *PPOINT, *LPPOINT;

/* Windows' x64 layout: 48 bytes. */
typedef struct tagMSG {
  HWND hwnd;
  UINT message;
  WPARAM wParam;
  LPARAM lParam;
  DWORD time;
  POINT pt;
  DWORD lPrivate;
} MSG, *PMSG, *LPMSG;

#define WM_NULL 0x0000
#define WM_QUIT 0x0012
#define WM_TIMER 0x0113
#define WM_USER 0x0400
#define WM_APP 0x8000

#define PM_NOREMOVE 0x0000
#define PM_REMOVE 0x0001
#define PM_NOYIELD 0x0002

#define QS_KEY 0x0001
#define QS_MOUSEMOVE 0x0002
#define QS_MOUSEBUTTON 0x0004
#define QS_POSTMESSAGE 0x0008
#define QS_TIMER 0x0010
#define QS_PAINT 0x0020
#define QS_SENDMESSAGE 0x0040
#define QS_HOTKEY 0x0080
#define QS_ALLPOSTMESSAGE 0x0100
#define QS_RAWINPUT 0x0400
#define QS_TOUCH 0x0800
#define QS_POINTER 0x1000
#define QS_MOUSE (QS_MOUSEMOVE | QS_MOUSEBUTTON)
#define QS_INPUT (QS_MOUSE | QS_KEY | QS_RAWINPUT | QS_TOUCH | QS_POINTER)
#define QS_ALLEVENTS (QS_INPUT | QS_POSTMESSAGE | QS_TIMER | QS_PAINT | QS_HOTKEY)
#define QS_ALLINPUT (QS_INPUT | QS_POSTMESSAGE | QS_TIMER | QS_PAINT | QS_HOTKEY | QS_SENDMESSAGE)

#define MWMO_WAITALL 0x0001
#define MWMO_ALERTABLE 0x0002
#define MWMO_INPUTAVAILABLE 0x0004

/* FALSE with ERROR_INVALID_THREAD_ID when the thread has no message queue. */
COMKIT_STDAPI_(BOOL) PostThreadMessageW(DWORD idThread, UINT Msg, WPARAM wParam, LPARAM lParam);
/* Nonzero for a message, 0 for WM_QUIT, -1 with the last error set for bad
 * arguments. While it waits, an STA thread serves incoming COM calls. */
COMKIT_STDAPI_(BOOL) GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
COMKIT_STDAPI_(BOOL) PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg);
COMKIT_STDAPI_(LRESULT) DispatchMessageW(const MSG *lpMsg);
COMKIT_STDAPI_(BOOL) TranslateMessage(const MSG *lpMsg);
COMKIT_STDAPI_(void) PostQuitMessage(int nExitCode);
/* WAIT_OBJECT_0 + nCount when input matching dwWakeMask arrived (new since
 * the queue was last looked at, or any with MWMO_INPUTAVAILABLE). */
COMKIT_STDAPI_(DWORD) MsgWaitForMultipleObjectsEx(DWORD nCount, const HANDLE *pHandles, DWORD dwMilliseconds,
                                                  DWORD dwWakeMask, DWORD dwFlags);
COMKIT_STDAPI_(DWORD) MsgWaitForMultipleObjects(DWORD nCount, const HANDLE *pHandles, BOOL fWaitAll,
                                                DWORD dwMilliseconds, DWORD dwWakeMask);

#endif /* COMKIT_ABI_THREADMSG_H */
