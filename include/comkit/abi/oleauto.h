/* comkit/abi/oleauto.h - BSTR allocation and the per-thread error object
 * (from Windows' <oleauto.h>). Part of the C-compatible ABI layer.
 *
 * BSTR layout, as on 64-bit Windows: the block comes from the task allocator
 * (so malloc spies see it); 4 bytes of padding, the 4-byte byte length, the
 * characters, and a 2-byte NUL. The BSTR points at the characters, so it is
 * 8-byte aligned with its length at bstr - 4. Embedded NULs are kept. */
#ifndef COMKIT_ABI_OLEAUTO_H
#define COMKIT_ABI_OLEAUTO_H

#include <comkit/abi/oaidl.h>

/* NULL for a NULL psz or when memory runs out. */
COMKIT_STDAPI_(BSTR) SysAllocString(const OLECHAR *psz);
/* len characters copied from strIn; a NULL strIn gives len zeroed characters.
 * NULL when memory runs out or len is too large for the 32-bit prefix. */
COMKIT_STDAPI_(BSTR) SysAllocStringLen(const OLECHAR *strIn, UINT len);
/* len bytes (any length, odd too) from psz, or zeroed when psz is NULL,
 * followed by two zero bytes. */
COMKIT_STDAPI_(BSTR) SysAllocStringByteLen(LPCSTR psz, UINT len);
/* Replaces *pbstr with a copy of psz (NULL psz frees it and stores NULL).
 * Returns FALSE for a NULL pbstr or on failure, with *pbstr unchanged. */
COMKIT_STDAPI_(INT) SysReAllocString(BSTR *pbstr, const OLECHAR *psz);
/* Resizes *pbstr to len characters copied from psz, which may point into
 * *pbstr itself; a NULL psz keeps the old characters (up to len). Returns
 * FALSE for a NULL pbstr, an oversized len, or when memory runs out, with
 * *pbstr unchanged. */
COMKIT_STDAPI_(INT) SysReAllocStringLen(BSTR *pbstr, const OLECHAR *psz, unsigned int len);
COMKIT_STDAPI_(void) SysFreeString(BSTR bstrString);
/* Characters (byte length / 2) and bytes; 0 for NULL. */
COMKIT_STDAPI_(UINT) SysStringLen(BSTR pbstr);
COMKIT_STDAPI_(UINT) SysStringByteLen(BSTR bstr);

/* A new error object (answers IErrorInfo and ICreateErrorInfo); E_INVALIDARG
 * for NULL, E_OUTOFMEMORY. */
COMKIT_STDAPI CreateErrorInfo(ICreateErrorInfo **pperrinfo);
/* Replaces this thread's error object (AddRef's the new one, releases the
 * old; NULL clears). dwReserved must be 0, else E_INVALIDARG. Needs no
 * CoInitialize. */
COMKIT_STDAPI SetErrorInfo(ULONG dwReserved, IErrorInfo *perrinfo);
/* Hands this thread's error object to the caller (no extra AddRef) and
 * clears the slot: S_OK, or S_FALSE with *pperrinfo NULL when there is none.
 * E_INVALIDARG for a non-zero dwReserved or a NULL pperrinfo. */
COMKIT_STDAPI GetErrorInfo(ULONG dwReserved, IErrorInfo **pperrinfo);

#endif /* COMKIT_ABI_OLEAUTO_H */
