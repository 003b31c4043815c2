/* <comkit/abi/proxytable.h> - the proxy/stub tables `comkit idl` writes
 * (FILE_p.c), and how they reach the runtime.
 *
 * comkit's proxies and stubs are table-driven: the compiler describes each
 * interface's methods (every parameter's direction, what its value is and
 * how many pointer levels are above it), and one IPSFactoryBuffer of
 * libcomkit, CLSID_PSFactoryBuffer, builds the proxy and the stub of any
 * described interface from its table (docs/marshalling.md, "Proxies and
 * stubs from tables"). Sizes are written as sizeof expressions, so the C
 * compiler that builds FILE_p.c decides them.
 *
 * A FILE_p.c registers its tables when the program or library holding it
 * is loaded (a constructor calling ComkitRegisterProxyFile); CoGetPSClsid
 * then answers CLSID_PSFactoryBuffer for its interfaces. The layout below
 * is versioned (COMKIT_PS_VERSION): the runtime refuses a file written for
 * another version. */
#ifndef COMKIT_ABI_PROXYTABLE_H
#define COMKIT_ABI_PROXYTABLE_H

#include <comkit/abi/base.h>
#include <comkit/abi/guid.h>

#define COMKIT_PS_VERSION 1u

/* What a value is (COMKIT_PS_PARAM.kind). */
#define COMKIT_PS_VOID 0u   /* a method's result only: void */
#define COMKIT_PS_INT 1u    /* an integer or enum of `size` bytes (1, 2, 4, 8); `is_signed` */
#define COMKIT_PS_FLOAT 2u  /* float (size 4) or double (size 8) */
#define COMKIT_PS_FLAT 3u   /* a struct without pointers (GUID, RECT ...), `size` bytes; behind a pointer only */
#define COMKIT_PS_BSTR 4u   /* BSTR */
#define COMKIT_PS_WSTR 5u   /* a NUL-terminated OLECHAR string ([string], LPOLESTR ...) */
#define COMKIT_PS_ASTR 6u   /* a NUL-terminated char string */
#define COMKIT_PS_IFACE 7u  /* an interface pointer: `iid`, or the IID in parameter `iid_param` (iid_is) */
#define COMKIT_PS_VARIANT 8u /* a VARIANT (`size` is sizeof(VARIANT)): empty, null, numbers, BOOL, CY, DATE,
                              * DECIMAL, ERROR, BSTR, UNKNOWN, DISPATCH, and SAFEARRAYs of those or of
                              * VARIANTs; others give DISP_E_BADVARTYPE */
#define COMKIT_PS_SAFEARRAY 9u /* a SAFEARRAY* (SAFEARRAY(T), LPSAFEARRAY): the array, its bounds and its
                                * elements, of the element types a VARIANT's array may have; NULL travels */

/* Parameter flags (COMKIT_PS_PARAM.flags). */
#define COMKIT_PS_IN 0x01u
#define COMKIT_PS_OUT 0x02u
#define COMKIT_PS_RETVAL 0x04u
#define COMKIT_PS_UNIQUE 0x08u  /* the outer pointer may be null ([unique], [ptr]) */
#define COMKIT_PS_ARRAY 0x10u   /* the outer pointer points at `size_param` values (size_is), the caller's memory */
#define COMKIT_PS_ALLOCATED 0x20u /* [out, size_is(, *n)] T**: the callee allocates the `*size_param` values
                                   * (CoTaskMemAlloc); the pointer's pointee is the array's address */

typedef struct COMKIT_PS_PARAM {
  unsigned char kind;
  unsigned char flags;
  /* Pointer levels above the value: 0 the value itself (an [in] LONG, BSTR
   * or IFoo*), 1 a pointer to it (an [out] LONG*, BSTR*, IFoo**; an array). */
  unsigned char indirection;
  unsigned char is_signed;
  unsigned int size;        /* sizeof the value (of one element of an array; sizeof(void*) for strings,
                             * BSTRs and interfaces) */
  signed char iid_param;    /* iid_is: the parameter holding the IID, or -1 */
  signed char size_param;   /* size_is: the parameter holding the count, or -1 */
  unsigned char size_deref; /* size_is(*n): the count is behind a pointer */
  signed char length_param; /* length_is: the parameter holding the length, or -1 */
  unsigned char length_deref;
  unsigned char reserved[3];
  const IID *iid;           /* COMKIT_PS_IFACE with a fixed IID; NULL otherwise */
} COMKIT_PS_PARAM;

typedef struct COMKIT_PS_METHOD {
  const char *name;         /* the ABI name (get_Name for a [propget]) */
  unsigned short param_count;
  /* 0: the tables cannot carry this method ([local], [call_as], or a type
   * they do not describe yet); its proxy returns E_NOTIMPL and its stub
   * RPC_E_INVALIDMETHOD. */
  unsigned char remotable;
  unsigned char reserved;
  COMKIT_PS_PARAM result;   /* COMKIT_PS_INT 4 signed for HRESULT; COMKIT_PS_VOID */
  const COMKIT_PS_PARAM *params;
} COMKIT_PS_METHOD;

typedef struct COMKIT_PS_INTERFACE {
  const IID *iid;
  const char *name;
  unsigned int slot_count;  /* vtable slots, IUnknown's three included */
  unsigned int local;       /* [local]: the interface is never remoted */
  /* Slots 3 .. slot_count-1, inherited ones included, in vtable order. */
  const COMKIT_PS_METHOD *methods;
} COMKIT_PS_INTERFACE;

typedef struct COMKIT_PS_FILE {
  unsigned int version;     /* COMKIT_PS_VERSION */
  unsigned int count;
  const COMKIT_PS_INTERFACE *const *interfaces;
} COMKIT_PS_FILE;

/* Makes a file's tables available to CLSID_PSFactoryBuffer in this process:
 * S_OK; E_INVALIDARG for NULL or a version the runtime does not read. A
 * file registered twice is used once; the tables must stay valid while the
 * process may marshal (a FILE_p.c's are static). An interface described by
 * several files: the first registration wins. */
COMKIT_STDAPI ComkitRegisterProxyFile(const COMKIT_PS_FILE *file);

#endif /* COMKIT_ABI_PROXYTABLE_H */
