/* comkit/abi/wtypes.h - the plain data types of Windows' <wtypes.h> that COM
 * code uses beside the base types: FILETIME, SYSTEMTIME, LARGE_INTEGER,
 * CY, DECIMAL, and the VARTYPE codes. Layouts are Windows'; sizes are pinned.
 * Part of the C-compatible ABI layer. */
#ifndef COMKIT_ABI_WTYPES_H
#define COMKIT_ABI_WTYPES_H

#include <comkit/abi/base.h>

/* Unions and structs that Windows declares with unnamed members; __extension__
 * keeps -pedantic quiet about them in C99 and C++. */
#if defined(__GNUC__) || defined(__clang__)
#define COMKIT_IMPL_ANON __extension__
#else
#define COMKIT_IMPL_ANON
#endif

typedef struct _FILETIME {
  DWORD dwLowDateTime;
  DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

typedef struct _SYSTEMTIME {
  WORD wYear;
  WORD wMonth;
  WORD wDayOfWeek;
  WORD wDay;
  WORD wHour;
  WORD wMinute;
  WORD wSecond;
  WORD wMilliseconds;
} SYSTEMTIME, *PSYSTEMTIME, *LPSYSTEMTIME;

typedef union _LARGE_INTEGER {
  COMKIT_IMPL_ANON struct {
    DWORD LowPart;
    LONG HighPart;
  };
  struct {
    DWORD LowPart;
    LONG HighPart;
  } u;
  LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
  COMKIT_IMPL_ANON struct {
    DWORD LowPart;
    DWORD HighPart;
  };
  struct {
    DWORD LowPart;
    DWORD HighPart;
  } u;
  ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

/* Currency: a 64-bit integer scaled by 10 000. */
typedef union tagCY {
  COMKIT_IMPL_ANON struct {
    ULONG Lo;
    LONG Hi;
  };
  LONGLONG int64;
} CY, *LPCY;

/* A 96-bit unsigned mantissa with a sign and a power-of-ten scale (0-28). */
typedef struct tagDEC {
  USHORT wReserved;
  COMKIT_IMPL_ANON union {
    COMKIT_IMPL_ANON struct {
      BYTE scale;
      BYTE sign;
    };
    USHORT signscale;
  };
  ULONG Hi32;
  COMKIT_IMPL_ANON union {
    COMKIT_IMPL_ANON struct {
      ULONG Lo32;
      ULONG Mid32;
    };
    ULONGLONG Lo64;
  };
} DECIMAL, *LPDECIMAL;
#define DECIMAL_NEG ((BYTE)0x80)
#define DECIMAL_SETZERO(dec) ((dec).Lo64 = 0, (dec).Hi32 = 0, (dec).signscale = 0)

COMKIT_IMPL_STATIC_ASSERT(sizeof(FILETIME) == 8, "FILETIME is 8 bytes");
COMKIT_IMPL_STATIC_ASSERT(sizeof(SYSTEMTIME) == 16, "SYSTEMTIME is 16 bytes");
COMKIT_IMPL_STATIC_ASSERT(sizeof(LARGE_INTEGER) == 8, "LARGE_INTEGER is 8 bytes");
COMKIT_IMPL_STATIC_ASSERT(sizeof(CY) == 8, "CY is 8 bytes");
COMKIT_IMPL_STATIC_ASSERT(sizeof(DECIMAL) == 16, "DECIMAL is 16 bytes");

/* ---- Variant types ------------------------------------------------------- */
typedef unsigned short VARTYPE;

enum VARENUM {
  VT_EMPTY = 0,
  VT_NULL = 1,
  VT_I2 = 2,
  VT_I4 = 3,
  VT_R4 = 4,
  VT_R8 = 5,
  VT_CY = 6,
  VT_DATE = 7,
  VT_BSTR = 8,
  VT_DISPATCH = 9,
  VT_ERROR = 10,
  VT_BOOL = 11,
  VT_VARIANT = 12,
  VT_UNKNOWN = 13,
  VT_DECIMAL = 14,
  VT_I1 = 16,
  VT_UI1 = 17,
  VT_UI2 = 18,
  VT_UI4 = 19,
  VT_I8 = 20,
  VT_UI8 = 21,
  VT_INT = 22,
  VT_UINT = 23,
  VT_VOID = 24,
  VT_HRESULT = 25,
  VT_PTR = 26,
  VT_SAFEARRAY = 27,
  VT_CARRAY = 28,
  VT_USERDEFINED = 29,
  VT_LPSTR = 30,
  VT_LPWSTR = 31,
  VT_RECORD = 36,
  VT_INT_PTR = 37,
  VT_UINT_PTR = 38,
  VT_FILETIME = 64,
  VT_BLOB = 65,
  VT_STREAM = 66,
  VT_STORAGE = 67,
  VT_STREAMED_OBJECT = 68,
  VT_STORED_OBJECT = 69,
  VT_BLOB_OBJECT = 70,
  VT_CF = 71,
  VT_CLSID = 72,
  VT_VERSIONED_STREAM = 73,
  VT_BSTR_BLOB = 0xfff,
  VT_VECTOR = 0x1000,
  VT_ARRAY = 0x2000,
  VT_BYREF = 0x4000,
  VT_RESERVED = 0x8000,
  VT_ILLEGAL = 0xffff,
  VT_ILLEGALMASKED = 0xfff,
  VT_TYPEMASK = 0xfff
};

#endif /* COMKIT_ABI_WTYPES_H */
