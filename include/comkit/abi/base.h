/* comkit/abi/base.h - the Windows base types, calling conventions and the
 * interface-declaration macros, with Windows' names, sizes and layouts on
 * every OS. Part of the C-compatible ABI layer (comkit::abi); C99 and C++.
 *
 * Sizes are fixed by DESIGN.md: LONG/ULONG/HRESULT/BOOL are 32-bit (never
 * `long`), WCHAR/OLECHAR is a 16-bit UTF-16 unit (char16_t in C++, the same
 * unsigned 16-bit type in C), VARIANT_BOOL is a 16-bit -1/0. */
#ifndef COMKIT_ABI_BASE_H
#define COMKIT_ABI_BASE_H

#if defined(_WIN32) && !defined(COMKIT_NO_SDK)
#error "comkit/abi: on Windows include the SDK's own headers; the ABI layer is for other OSes"
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- Linkage and visibility ------------------------------------------ */

#ifdef __cplusplus
#define EXTERN_C extern "C"
#define COMKIT_EXTERN_C_BEGIN extern "C" {
#define COMKIT_EXTERN_C_END }
#else
#define EXTERN_C extern
#define COMKIT_EXTERN_C_BEGIN
#define COMKIT_EXTERN_C_END
#endif

/* COMKIT_API marks what libcomkit exports; everything else in it is hidden
 * (-fvisibility=hidden). */
#if defined(__GNUC__) || defined(__clang__)
#define COMKIT_API __attribute__((visibility("default")))
/* Header-defined objects (IID constants, tables, per-module counters) are
 * hidden: each module has its own copy, and none is a GNU "unique" symbol,
 * which would stop a server from ever being unloaded by dlclose. */
#define COMKIT_IMPL_HIDDEN __attribute__((visibility("hidden")))
#define DECLSPEC_SELECTANY __attribute__((weak))
#define DECLSPEC_NOTHROW
#define DECLSPEC_NOVTABLE
#else
#define COMKIT_API
#define COMKIT_IMPL_HIDDEN
#define DECLSPEC_SELECTANY
#define DECLSPEC_NOTHROW
#define DECLSPEC_NOVTABLE
#endif

/* ---- Calling conventions ---------------------------------------------- */
/* __stdcall only exists on 32-bit x86 Windows; everywhere else COM uses the
 * platform's C convention, so these expand to nothing. */
#define STDMETHODCALLTYPE
#define STDMETHODVCALLTYPE
#define STDAPICALLTYPE
#define STDAPIVCALLTYPE
#define WINAPI
#define WINAPIV
/* As MIDL-generated headers spell them (ctxtcall.h's PFNCONTEXTCALL ...). */
#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
#endif
#define APIENTRY
#define CALLBACK
#define RPC_ENTRY
#define __RPC_FAR
#define __RPC_API
#define __RPC_USER
#define __RPC_STUB

/* ---- Base types -------------------------------------------------------- */

typedef void VOID;
typedef void *PVOID, *LPVOID;
typedef const void *LPCVOID;
typedef char CHAR;
typedef signed char INT8;
typedef unsigned char UCHAR, BYTE, UINT8, BOOLEAN;
typedef int16_t SHORT, INT16;
typedef uint16_t USHORT, WORD, UINT16;
typedef int32_t INT, LONG, INT32, BOOL;
typedef uint32_t UINT, ULONG, DWORD, UINT32, ULONG32, DWORD32;
typedef int64_t LONGLONG, INT64, LONG64;
typedef uint64_t ULONGLONG, UINT64, ULONG64, DWORD64, DWORDLONG;
typedef float FLOAT;
typedef double DOUBLE;
typedef intptr_t INT_PTR, LONG_PTR, SSIZE_T;
typedef uintptr_t UINT_PTR, ULONG_PTR, DWORD_PTR;
typedef size_t SIZE_T;
typedef BYTE *PBYTE, *LPBYTE;
typedef WORD *PWORD, *LPWORD;
typedef DWORD *PDWORD, *LPDWORD;
typedef LONG *PLONG, *LPLONG;
typedef ULONG *PULONG;
typedef BOOL *PBOOL, *LPBOOL;
typedef INT *PINT, *LPINT;
typedef UINT *PUINT;
typedef void *HANDLE;
typedef HANDLE *PHANDLE, *LPHANDLE;
typedef void *HMODULE, *HINSTANCE;
typedef void *HTASK; /* IMessageFilter passes thread ids in it */

#ifdef __cplusplus
typedef char16_t WCHAR;
#else
typedef uint16_t WCHAR; /* == char16_t of <uchar.h> */
#endif
typedef WCHAR OLECHAR, *PWCHAR, *LPWCH, *PWCH;
typedef WCHAR *LPWSTR, *PWSTR, *LPOLESTR;
typedef const WCHAR *LPCWSTR, *PCWSTR, *LPCOLESTR, *LPCWCH;
typedef CHAR *LPSTR, *PSTR;
typedef const CHAR *LPCSTR, *PCSTR;

/* BSTR: points after a 4-byte byte-length prefix; NUL-terminated. */
typedef OLECHAR *BSTR;
typedef BSTR *LPBSTR;

typedef LONG HRESULT;
typedef LONG SCODE;
typedef SCODE *PSCODE;
typedef short VARIANT_BOOL;
typedef VARIANT_BOOL _VARIANT_BOOL;
typedef double DATE;
typedef DWORD LCID;
typedef WORD LANGID;
typedef LONG DISPID;
typedef DISPID MEMBERID;
typedef LONG RPC_STATUS;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#define VARIANT_TRUE ((VARIANT_BOOL)-1)
#define VARIANT_FALSE ((VARIANT_BOOL)0)

#define CONST const
#ifdef CONST_VTABLE
#define CONST_VTBL const
#else
#define CONST_VTBL
#endif

/* Wide literals are UTF-16 (u"..."), never wchar_t. */
#define OLESTR(str) u##str

/* ---- Interface declaration macros ---------------------------------------
 * In C++ an interface is an abstract struct whose vtable is the C Vtbl
 * struct slot for slot (single inheritance, declaration order, no virtual
 * destructor). In C it is a struct holding lpVtbl. */
#define BEGIN_INTERFACE
#define END_INTERFACE

#ifdef __cplusplus
#define STDMETHOD(method) virtual HRESULT STDMETHODCALLTYPE method
#define STDMETHOD_(type, method) virtual type STDMETHODCALLTYPE method
#define STDMETHODV(method) virtual HRESULT STDMETHODVCALLTYPE method
#define STDMETHODV_(type, method) virtual type STDMETHODVCALLTYPE method
#define PURE = 0
#define THIS_
#define THIS void
#define DECLARE_INTERFACE(iface) struct DECLSPEC_NOVTABLE iface
#define DECLARE_INTERFACE_(iface, baseiface) struct DECLSPEC_NOVTABLE iface : public baseiface
#define DECLARE_INTERFACE_IID(iface, iid) DECLARE_INTERFACE(iface)
#define DECLARE_INTERFACE_IID_(iface, baseiface, iid) DECLARE_INTERFACE_(iface, baseiface)
#define MIDL_INTERFACE(x) struct DECLSPEC_NOVTABLE
#else
#define STDMETHOD(method) HRESULT(STDMETHODCALLTYPE *method)
#define STDMETHOD_(type, method) type(STDMETHODCALLTYPE *method)
#define STDMETHODV(method) HRESULT(STDMETHODVCALLTYPE *method)
#define STDMETHODV_(type, method) type(STDMETHODVCALLTYPE *method)
#define PURE
#define THIS_ INTERFACE *This,
#define THIS INTERFACE *This
#define DECLARE_INTERFACE(iface)                                                      \
  typedef struct iface {                                                              \
    CONST_VTBL struct iface##Vtbl *lpVtbl;                                           \
  } iface;                                                                            \
  typedef CONST_VTBL struct iface##Vtbl iface##Vtbl;                                 \
  CONST_VTBL struct iface##Vtbl
#define DECLARE_INTERFACE_(iface, baseiface) DECLARE_INTERFACE(iface)
#define DECLARE_INTERFACE_IID(iface, iid) DECLARE_INTERFACE(iface)
#define DECLARE_INTERFACE_IID_(iface, baseiface, iid) DECLARE_INTERFACE(iface)
#endif

#define STDMETHODIMP HRESULT STDMETHODCALLTYPE
#define STDMETHODIMP_(type) type STDMETHODCALLTYPE
#define STDMETHODIMPV HRESULT STDMETHODVCALLTYPE
#define STDMETHODIMPV_(type) type STDMETHODVCALLTYPE
#define STDAPI EXTERN_C HRESULT STDAPICALLTYPE
#define STDAPI_(type) EXTERN_C type STDAPICALLTYPE
#define STDAPIV EXTERN_C HRESULT STDAPIVCALLTYPE
#define STDAPIV_(type) EXTERN_C type STDAPIVCALLTYPE

/* libcomkit's own declarations: STDAPI plus the export attribute. */
#define COMKIT_STDAPI EXTERN_C COMKIT_API HRESULT STDAPICALLTYPE
#define COMKIT_STDAPI_(type) EXTERN_C COMKIT_API type STDAPICALLTYPE

/* ---- Size pins ---------------------------------------------------------- */
#if defined(__cplusplus)
#define COMKIT_IMPL_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define COMKIT_IMPL_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#else /* C99: a negative array size fails to compile */
#define COMKIT_IMPL_CAT2(a, b) a##b
#define COMKIT_IMPL_CAT(a, b) COMKIT_IMPL_CAT2(a, b)
#define COMKIT_IMPL_STATIC_ASSERT(cond, msg) \
  typedef char COMKIT_IMPL_CAT(comkit_impl_static_assert_, __LINE__)[(cond) ? 1 : -1]
#endif
COMKIT_IMPL_STATIC_ASSERT(sizeof(BYTE) == 1, "BYTE is 8-bit");
COMKIT_IMPL_STATIC_ASSERT(sizeof(WORD) == 2, "WORD is 16-bit");
COMKIT_IMPL_STATIC_ASSERT(sizeof(DWORD) == 4 && sizeof(ULONG) == 4, "DWORD/ULONG are 32-bit");
COMKIT_IMPL_STATIC_ASSERT(sizeof(LONG) == 4 && sizeof(HRESULT) == 4, "LONG/HRESULT are 32-bit");
COMKIT_IMPL_STATIC_ASSERT(sizeof(BOOL) == 4, "BOOL is 32-bit");
COMKIT_IMPL_STATIC_ASSERT(sizeof(WCHAR) == 2 && sizeof(OLECHAR) == 2, "OLECHAR is UTF-16");
COMKIT_IMPL_STATIC_ASSERT(sizeof(VARIANT_BOOL) == 2, "VARIANT_BOOL is 16-bit");
COMKIT_IMPL_STATIC_ASSERT(sizeof(LONGLONG) == 8 && sizeof(ULONGLONG) == 8, "LONGLONG is 64-bit");
COMKIT_IMPL_STATIC_ASSERT(sizeof(DATE) == 8, "DATE is a double");
COMKIT_IMPL_STATIC_ASSERT(sizeof(ULONG_PTR) == sizeof(void *), "ULONG_PTR is pointer-sized");

#endif /* COMKIT_ABI_BASE_H */
