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

/* ---- VARIANT (docs/automation.md) ------------------------------------------
 * A VARIANT owns its BSTR, interface reference, SAFEARRAY (VT_ARRAY) and
 * record (VT_RECORD); a VT_BYREF variant owns nothing. Valid types: VT_EMPTY
 * and VT_NULL alone; VT_I2..VT_DECIMAL, VT_I1..VT_UINT and VT_RECORD, each
 * also with VT_BYREF and/or VT_ARRAY; VT_CLSID. Anything else, or any
 * VT_VECTOR/VT_RESERVED bit, is DISP_E_BADVARTYPE. */

/* Sets vt to VT_EMPTY; touches nothing else, frees nothing. */
COMKIT_STDAPI_(void) VariantInit(VARIANTARG *pvarg);
/* Releases what the variant owns, then vt = VT_EMPTY (only vt is written).
 * DISP_E_BADVARTYPE (untouched) or DISP_E_ARRAYISLOCKED (for a locked
 * VT_ARRAY; untouched). NULL: E_INVALIDARG (Windows crashes). */
COMKIT_STDAPI VariantClear(VARIANTARG *pvarg);
/* Clears pvargDest, then copies pvargSrc into it: deep for BSTR (same byte
 * length; NULL becomes an empty BSTR), interfaces (AddRef), SAFEARRAYs and
 * records; a VT_BYREF source is copied as a pointer. DISP_E_BADVARTYPE for a
 * bad source or destination type (a VT_CLSID source too), E_OUTOFMEMORY. */
COMKIT_STDAPI VariantCopy(VARIANTARG *pvargDest, const VARIANTARG *pvargSrc);
/* VariantCopy, but a VT_BYREF source is dereferenced (through one
 * VT_VARIANT|VT_BYREF level); a bad by-reference type is E_INVALIDARG.
 * pvarDest may be pvargSrc. */
COMKIT_STDAPI VariantCopyInd(VARIANT *pvarDest, const VARIANTARG *pvargSrc);

/* ---- SAFEARRAY (docs/automation.md) -----------------------------------------
 * Bounds are stored in reverse: SafeArrayCreate's rgsabound[0] is the
 * descriptor's rgsabound[cDims-1]; rgIndices[0] varies fastest; nDim 1 is
 * the first dimension passed to SafeArrayCreate. Memory comes from the task
 * allocator. */

/* A zeroed descriptor for cDims (1..65535, else E_INVALIDARG) dimensions;
 * the caller sets cbElements and the bounds, then SafeArrayAllocData.
 * E_POINTER for a NULL ppsaOut, E_OUTOFMEMORY. */
COMKIT_STDAPI SafeArrayAllocDescriptor(UINT cDims, SAFEARRAY **ppsaOut);
/* The same, with the hidden field for vt: the IID (VT_UNKNOWN,
 * VT_DISPATCH), the IRecordInfo (VT_RECORD) or the VARTYPE (any other vt,
 * not validated, as on Windows). */
COMKIT_STDAPI SafeArrayAllocDescriptorEx(VARTYPE vt, UINT cDims, SAFEARRAY **ppsaOut);
/* Zeroed data for the descriptor's bounds and cbElements. */
COMKIT_STDAPI SafeArrayAllocData(SAFEARRAY *psa);
/* A new array of zeroed elements, or NULL for a NULL rgsabound, a vt arrays
 * cannot hold (VT_EMPTY, VT_NULL, VT_RECORD without an IRecordInfo ...) or
 * no memory. */
COMKIT_STDAPI_(SAFEARRAY *) SafeArrayCreate(VARTYPE vt, UINT cDims, SAFEARRAYBOUND *rgsabound);
/* pvExtra: the IRecordInfo for VT_RECORD (required, AddRef'd; the element
 * size is its GetSize), or the IID for VT_UNKNOWN/VT_DISPATCH. */
COMKIT_STDAPI_(SAFEARRAY *) SafeArrayCreateEx(VARTYPE vt, UINT cDims, SAFEARRAYBOUND *rgsabound, PVOID pvExtra);
/* A one-dimensional array whose data shares the descriptor's block
 * (FADF_CREATEVECTOR). */
COMKIT_STDAPI_(SAFEARRAY *) SafeArrayCreateVector(VARTYPE vt, LONG lLbound, ULONG cElements);
COMKIT_STDAPI_(SAFEARRAY *) SafeArrayCreateVectorEx(VARTYPE vt, LONG lLbound, ULONG cElements, PVOID pvExtra);
/* Releases the elements and frees data and descriptor. S_OK for NULL;
 * DISP_E_ARRAYISLOCKED while locked. */
COMKIT_STDAPI SafeArrayDestroy(SAFEARRAY *psa);
/* Releases the elements (BSTRs freed, interfaces released, variants and
 * records cleared) and frees the data; with FADF_STATIC/AUTO/EMBEDDED the
 * memory is zeroed and kept. DISP_E_ARRAYISLOCKED while locked. */
COMKIT_STDAPI SafeArrayDestroyData(SAFEARRAY *psa);
/* Frees the descriptor (and a vector's data), releasing its IRecordInfo;
 * call SafeArrayDestroyData first. DISP_E_ARRAYISLOCKED while locked. */
COMKIT_STDAPI SafeArrayDestroyDescriptor(SAFEARRAY *psa);

/* At most 65535 nested locks; one more, or an unlock at zero, is
 * E_UNEXPECTED. E_INVALIDARG for NULL. */
COMKIT_STDAPI SafeArrayLock(SAFEARRAY *psa);
COMKIT_STDAPI SafeArrayUnlock(SAFEARRAY *psa);
/* Lock and return pvData; SafeArrayUnaccessData unlocks. */
COMKIT_STDAPI SafeArrayAccessData(SAFEARRAY *psa, void **ppvData);
COMKIT_STDAPI SafeArrayUnaccessData(SAFEARRAY *psa);

/* A copy of the element (BSTRs copied, interfaces AddRef'd, variants and
 * records copied) into pv, which is not cleared first. DISP_E_BADINDEX for
 * an index outside its dimension's bounds. */
COMKIT_STDAPI SafeArrayGetElement(SAFEARRAY *psa, LONG *rgIndices, void *pv);
/* Replaces the element with a copy of pv, releasing the old one. For BSTR
 * and interface arrays pv is the BSTR or interface pointer itself. */
COMKIT_STDAPI SafeArrayPutElement(SAFEARRAY *psa, LONG *rgIndices, void *pv);
/* The element's address (no lock is taken). */
COMKIT_STDAPI SafeArrayPtrOfIndex(SAFEARRAY *psa, LONG *rgIndices, void **ppvData);

COMKIT_STDAPI_(UINT) SafeArrayGetDim(SAFEARRAY *psa);
COMKIT_STDAPI_(UINT) SafeArrayGetElemsize(SAFEARRAY *psa);
/* nDim is 1-based; DISP_E_BADINDEX outside 1..cDims. An empty dimension's
 * upper bound is its lower bound - 1. */
COMKIT_STDAPI SafeArrayGetLBound(SAFEARRAY *psa, UINT nDim, LONG *plLbound);
COMKIT_STDAPI SafeArrayGetUBound(SAFEARRAY *psa, UINT nDim, LONG *plUbound);
/* The stored VARTYPE, else what the flags say; E_INVALIDARG when they say
 * nothing. */
COMKIT_STDAPI SafeArrayGetVartype(SAFEARRAY *psa, VARTYPE *pvt);
/* E_INVALIDARG unless the array has FADF_HAVEIID. */
COMKIT_STDAPI SafeArrayGetIID(SAFEARRAY *psa, GUID *pguid);
COMKIT_STDAPI SafeArraySetIID(SAFEARRAY *psa, REFGUID guid);
/* E_INVALIDARG unless the array has FADF_RECORD; Get AddRefs, Set AddRefs
 * the new one and releases the old. */
COMKIT_STDAPI SafeArrayGetRecordInfo(SAFEARRAY *psa, IRecordInfo **prinfo);
COMKIT_STDAPI SafeArraySetRecordInfo(SAFEARRAY *psa, IRecordInfo *prinfo);

/* Changes the descriptor's rgsabound[0] (the last dimension passed to
 * SafeArrayCreate, the slowest-varying): data keeps its place, growth is
 * zeroed, dropped elements are released. DISP_E_ARRAYISLOCKED while locked
 * or for FADF_FIXEDSIZE. */
COMKIT_STDAPI SafeArrayRedim(SAFEARRAY *psa, SAFEARRAYBOUND *psaboundNew);
/* A deep copy (an ordinary array, without lifetime/fixed/vector flags).
 * S_OK with NULL for a NULL psa; E_INVALIDARG (and NULL) when psa has no
 * element size. */
COMKIT_STDAPI SafeArrayCopy(SAFEARRAY *psa, SAFEARRAY **ppsaOut);
/* Copies the elements into an array of the same shape (else E_INVALIDARG),
 * releasing the target's old elements. */
COMKIT_STDAPI SafeArrayCopyData(SAFEARRAY *psaSource, SAFEARRAY *psaTarget);

#endif /* COMKIT_ABI_OLEAUTO_H */
