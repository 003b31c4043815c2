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

/* ---- VARIANT accessors, as Windows' oleauto.h names them ------------------- */

#if defined(NONAMELESSUNION) || (!defined(__cplusplus) && (!defined(__STDC_VERSION__) || __STDC_VERSION__ < 201112L))
#define V_UNION(X, Y) ((X)->n1.n2.n3.Y)
#define V_VT(X) ((X)->n1.n2.vt)
#define V_RECORDINFO(X) ((X)->n1.n2.n3.brecVal.pRecInfo)
#define V_RECORD(X) ((X)->n1.n2.n3.brecVal.pvRecord)
#define V_DECIMAL(X) ((X)->n1.decVal)
#else
#define V_UNION(X, Y) ((X)->Y)
#define V_VT(X) ((X)->vt)
#define V_RECORDINFO(X) ((X)->pRecInfo)
#define V_RECORD(X) ((X)->pvRecord)
#define V_DECIMAL(X) ((X)->decVal)
#endif
#define V_ISBYREF(X) (V_VT(X) & VT_BYREF)
#define V_ISARRAY(X) (V_VT(X) & VT_ARRAY)
#define V_ISVECTOR(X) (V_VT(X) & VT_VECTOR)
#define V_NONE(X) V_I2(X)
#define V_UI1(X) V_UNION(X, bVal)
#define V_UI1REF(X) V_UNION(X, pbVal)
#define V_I2(X) V_UNION(X, iVal)
#define V_I2REF(X) V_UNION(X, piVal)
#define V_I4(X) V_UNION(X, lVal)
#define V_I4REF(X) V_UNION(X, plVal)
#define V_I8(X) V_UNION(X, llVal)
#define V_I8REF(X) V_UNION(X, pllVal)
#define V_R4(X) V_UNION(X, fltVal)
#define V_R4REF(X) V_UNION(X, pfltVal)
#define V_R8(X) V_UNION(X, dblVal)
#define V_R8REF(X) V_UNION(X, pdblVal)
#define V_I1(X) V_UNION(X, cVal)
#define V_I1REF(X) V_UNION(X, pcVal)
#define V_UI2(X) V_UNION(X, uiVal)
#define V_UI2REF(X) V_UNION(X, puiVal)
#define V_UI4(X) V_UNION(X, ulVal)
#define V_UI4REF(X) V_UNION(X, pulVal)
#define V_UI8(X) V_UNION(X, ullVal)
#define V_UI8REF(X) V_UNION(X, pullVal)
#define V_INT(X) V_UNION(X, intVal)
#define V_INTREF(X) V_UNION(X, pintVal)
#define V_UINT(X) V_UNION(X, uintVal)
#define V_UINTREF(X) V_UNION(X, puintVal)
#define V_CY(X) V_UNION(X, cyVal)
#define V_CYREF(X) V_UNION(X, pcyVal)
#define V_DATE(X) V_UNION(X, date)
#define V_DATEREF(X) V_UNION(X, pdate)
#define V_BSTR(X) V_UNION(X, bstrVal)
#define V_BSTRREF(X) V_UNION(X, pbstrVal)
#define V_DISPATCH(X) V_UNION(X, pdispVal)
#define V_DISPATCHREF(X) V_UNION(X, ppdispVal)
#define V_ERROR(X) V_UNION(X, scode)
#define V_ERRORREF(X) V_UNION(X, pscode)
#define V_BOOL(X) V_UNION(X, boolVal)
#define V_BOOLREF(X) V_UNION(X, pboolVal)
#define V_UNKNOWN(X) V_UNION(X, punkVal)
#define V_UNKNOWNREF(X) V_UNION(X, ppunkVal)
#define V_VARIANTREF(X) V_UNION(X, pvarVal)
#define V_ARRAY(X) V_UNION(X, parray)
#define V_ARRAYREF(X) V_UNION(X, pparray)
#define V_BYREF(X) V_UNION(X, byref)
#define V_DECIMALREF(X) V_UNION(X, pdecVal)

/* ---- Constants -------------------------------------------------------------- */

/* LCIDs. comkit formats and parses every LCID as en-US (0x0409): it has no
 * locale data (docs/automation.md). */
#define LOCALE_USER_DEFAULT 0x0400
#define LOCALE_SYSTEM_DEFAULT 0x0800
#define LOCALE_INVARIANT 0x007f
#define LOCALE_NEUTRAL 0x0000
#define LOCALE_NOUSEROVERRIDE 0x80000000
#define LOCALE_USE_NLS 0x10000000

/* VariantChangeType(Ex) flags. */
#define VARIANT_NOVALUEPROP 0x01
#define VARIANT_ALPHABOOL 0x02
#define VARIANT_NOUSEROVERRIDE 0x04
#define VARIANT_CALENDAR_HIJRI 0x08
#define VARIANT_LOCALBOOL 0x10
#define VARIANT_CALENDAR_THAI 0x20
#define VARIANT_CALENDAR_GREGORIAN 0x40
#define VARIANT_USE_NLS 0x80

/* dwFlags of the VarXxxFromStr / VarBstrFromXxx / date functions. */
#define VAR_TIMEVALUEONLY 0x00000001
#define VAR_DATEVALUEONLY 0x00000002
#define VAR_VALIDDATE 0x00000004
#define VAR_CALENDAR_HIJRI 0x00000008
#define VAR_LOCALBOOL 0x00000010
#define VAR_FORMAT_NOSUBSTITUTE 0x00000020
#define VAR_FOURDIGITYEARS 0x00000040
#define VAR_CALENDAR_THAI 0x00000080
#define VAR_CALENDAR_GREGORIAN 0x00000100

/* Comparison results, returned as the HRESULT. */
#define VARCMP_LT 0
#define VARCMP_EQ 1
#define VARCMP_GT 2
#define VARCMP_NULL 3

/* Number parsing (VarParseNumFromStr, VarNumFromParseNum). */
typedef struct tagNUMPARSE {
  INT cDig;         /* in: room in rgbDig; out: significant digits written */
  ULONG dwInFlags;  /* NUMPRS_* the text may use */
  ULONG dwOutFlags; /* NUMPRS_* the text did use, plus NEG and INEXACT */
  INT cchUsed;      /* characters consumed */
  INT nBaseShift;   /* 0 decimal, 3 octal (&O), 4 hex (&H) */
  INT nPwr10;       /* value = digits x 10^nPwr10 */
} NUMPARSE;

#define NUMPRS_LEADING_WHITE 0x0001
#define NUMPRS_TRAILING_WHITE 0x0002
#define NUMPRS_LEADING_PLUS 0x0004
#define NUMPRS_TRAILING_PLUS 0x0008
#define NUMPRS_LEADING_MINUS 0x0010
#define NUMPRS_TRAILING_MINUS 0x0020
#define NUMPRS_HEX_OCT 0x0040
#define NUMPRS_PARENS 0x0080
#define NUMPRS_DECIMAL 0x0100
#define NUMPRS_THOUSANDS 0x0200
#define NUMPRS_CURRENCY 0x0400
#define NUMPRS_EXPONENT 0x0800
#define NUMPRS_USE_ALL 0x1000
#define NUMPRS_STD 0x1FFF
#define NUMPRS_NEG 0x10000
#define NUMPRS_INEXACT 0x20000

#define VTBIT_I1 (1 << VT_I1)
#define VTBIT_UI1 (1 << VT_UI1)
#define VTBIT_I2 (1 << VT_I2)
#define VTBIT_UI2 (1 << VT_UI2)
#define VTBIT_I4 (1 << VT_I4)
#define VTBIT_UI4 (1 << VT_UI4)
#define VTBIT_I8 (1 << VT_I8)
#define VTBIT_UI8 (1 << VT_UI8)
#define VTBIT_R4 (1 << VT_R4)
#define VTBIT_R8 (1 << VT_R8)
#define VTBIT_CY (1 << VT_CY)
#define VTBIT_DECIMAL (1 << VT_DECIMAL)

/* String comparison flags (winnls.h on Windows) for VarCmp and VarBstrCmp. */
#ifndef NORM_IGNORECASE
#define NORM_IGNORECASE 0x00000001
#define NORM_IGNORENONSPACE 0x00000002
#define NORM_IGNORESYMBOLS 0x00000004
#define NORM_IGNOREWIDTH 0x00000008
#define NORM_IGNOREKANATYPE 0x00000040
#define NORM_IGNOREKASHIDA 0x00040000
#endif

/* IDispatch::Invoke wFlags. */
#define DISPATCH_METHOD 0x1
#define DISPATCH_PROPERTYGET 0x2
#define DISPATCH_PROPERTYPUT 0x4
#define DISPATCH_PROPERTYPUTREF 0x8

#ifndef DECIMAL_NEG
#define DECIMAL_NEG ((BYTE)0x80)
#endif

/* A SYSTEMTIME with the day of the year (1-based). */
typedef struct {
  SYSTEMTIME st;
  USHORT wDayOfYear;
} UDATE;

/* ---- VARIANT (docs/automation.md) ------------------------------------------
 * A VARIANT owns its BSTR, interface reference, SAFEARRAY (VT_ARRAY) and
 * record (VT_RECORD); a VT_BYREF variant owns nothing. Valid types: VT_EMPTY
 * and VT_NULL alone; VT_I2..VT_DECIMAL, VT_I1..VT_UINT and VT_RECORD, each
 * also with VT_BYREF and/or VT_ARRAY; VT_CLSID. Anything else, or any
 * VT_VECTOR/VT_RESERVED bit, is DISP_E_BADVARTYPE. */

/* Zeroes the VARIANT (vt = VT_EMPTY), as Windows 8 and later do; frees nothing. */
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
/* A one-dimensional byte array as a BSTR, byte for byte (E_INVALIDARG for
 * NULL, DISP_E_TYPEMISMATCH for anything but a byte vector), and a BSTR's
 * bytes as a VT_UI1 vector (E_INVALIDARG for a NULL BSTR, as documented). */
COMKIT_STDAPI BstrFromVector(SAFEARRAY *psa, BSTR *pbstr);
COMKIT_STDAPI VectorFromBstr(BSTR bstr, SAFEARRAY **ppsa);
/* Copies the elements into an array of the same shape (else E_INVALIDARG),
 * releasing the target's old elements. */
COMKIT_STDAPI SafeArrayCopyData(SAFEARRAY *psaSource, SAFEARRAY *psaTarget);

/* ---- Conversions (docs/automation.md) ----------------------------------------
 * VarXxxFromYyy: S_OK, DISP_E_OVERFLOW when the value does not fit (after
 * rounding half to even to an integer), DISP_E_TYPEMISMATCH for text that is
 * not a number (NULL and "" included), E_INVALIDARG for a malformed DECIMAL.
 * From BOOL the bits pass through (VarUI1FromBool(VARIANT_TRUE) is 255).
 * Text is en-US for every LCID. VarIntFrom.../VarUintFrom... are the I4/UI4
 * functions, as in the Windows SDK. */
/* to UI1 (BYTE) */
COMKIT_STDAPI VarUI1FromI2(SHORT in, BYTE *pOut);
COMKIT_STDAPI VarUI1FromI4(LONG in, BYTE *pOut);
COMKIT_STDAPI VarUI1FromI8(LONG64 in, BYTE *pOut);
COMKIT_STDAPI VarUI1FromR4(FLOAT in, BYTE *pOut);
COMKIT_STDAPI VarUI1FromR8(DOUBLE in, BYTE *pOut);
COMKIT_STDAPI VarUI1FromCy(CY in, BYTE *pOut);
COMKIT_STDAPI VarUI1FromDate(DATE in, BYTE *pOut);
COMKIT_STDAPI VarUI1FromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, BYTE *pOut);
COMKIT_STDAPI VarUI1FromDisp(IDispatch *pdispIn, LCID lcid, BYTE *pOut);
COMKIT_STDAPI VarUI1FromBool(VARIANT_BOOL in, BYTE *pOut);
COMKIT_STDAPI VarUI1FromI1(CHAR in, BYTE *pOut);
COMKIT_STDAPI VarUI1FromUI2(USHORT in, BYTE *pOut);
COMKIT_STDAPI VarUI1FromUI4(ULONG in, BYTE *pOut);
COMKIT_STDAPI VarUI1FromUI8(ULONG64 in, BYTE *pOut);
COMKIT_STDAPI VarUI1FromDec(const DECIMAL *pdecIn, BYTE *pOut);
/* to I2 (SHORT) */
COMKIT_STDAPI VarI2FromUI1(BYTE in, SHORT *pOut);
COMKIT_STDAPI VarI2FromI4(LONG in, SHORT *pOut);
COMKIT_STDAPI VarI2FromI8(LONG64 in, SHORT *pOut);
COMKIT_STDAPI VarI2FromR4(FLOAT in, SHORT *pOut);
COMKIT_STDAPI VarI2FromR8(DOUBLE in, SHORT *pOut);
COMKIT_STDAPI VarI2FromCy(CY in, SHORT *pOut);
COMKIT_STDAPI VarI2FromDate(DATE in, SHORT *pOut);
COMKIT_STDAPI VarI2FromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, SHORT *pOut);
COMKIT_STDAPI VarI2FromDisp(IDispatch *pdispIn, LCID lcid, SHORT *pOut);
COMKIT_STDAPI VarI2FromBool(VARIANT_BOOL in, SHORT *pOut);
COMKIT_STDAPI VarI2FromI1(CHAR in, SHORT *pOut);
COMKIT_STDAPI VarI2FromUI2(USHORT in, SHORT *pOut);
COMKIT_STDAPI VarI2FromUI4(ULONG in, SHORT *pOut);
COMKIT_STDAPI VarI2FromUI8(ULONG64 in, SHORT *pOut);
COMKIT_STDAPI VarI2FromDec(const DECIMAL *pdecIn, SHORT *pOut);
/* to I4 (LONG) */
COMKIT_STDAPI VarI4FromUI1(BYTE in, LONG *pOut);
COMKIT_STDAPI VarI4FromI2(SHORT in, LONG *pOut);
COMKIT_STDAPI VarI4FromI8(LONG64 in, LONG *pOut);
COMKIT_STDAPI VarI4FromR4(FLOAT in, LONG *pOut);
COMKIT_STDAPI VarI4FromR8(DOUBLE in, LONG *pOut);
COMKIT_STDAPI VarI4FromCy(CY in, LONG *pOut);
COMKIT_STDAPI VarI4FromDate(DATE in, LONG *pOut);
COMKIT_STDAPI VarI4FromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, LONG *pOut);
COMKIT_STDAPI VarI4FromDisp(IDispatch *pdispIn, LCID lcid, LONG *pOut);
COMKIT_STDAPI VarI4FromBool(VARIANT_BOOL in, LONG *pOut);
COMKIT_STDAPI VarI4FromI1(CHAR in, LONG *pOut);
COMKIT_STDAPI VarI4FromUI2(USHORT in, LONG *pOut);
COMKIT_STDAPI VarI4FromUI4(ULONG in, LONG *pOut);
COMKIT_STDAPI VarI4FromUI8(ULONG64 in, LONG *pOut);
COMKIT_STDAPI VarI4FromDec(const DECIMAL *pdecIn, LONG *pOut);
/* to I8 (LONG64) */
COMKIT_STDAPI VarI8FromUI1(BYTE in, LONG64 *pOut);
COMKIT_STDAPI VarI8FromI2(SHORT in, LONG64 *pOut);
COMKIT_STDAPI VarI8FromR4(FLOAT in, LONG64 *pOut);
COMKIT_STDAPI VarI8FromR8(DOUBLE in, LONG64 *pOut);
COMKIT_STDAPI VarI8FromCy(CY in, LONG64 *pOut);
COMKIT_STDAPI VarI8FromDate(DATE in, LONG64 *pOut);
COMKIT_STDAPI VarI8FromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, LONG64 *pOut);
COMKIT_STDAPI VarI8FromDisp(IDispatch *pdispIn, LCID lcid, LONG64 *pOut);
COMKIT_STDAPI VarI8FromBool(VARIANT_BOOL in, LONG64 *pOut);
COMKIT_STDAPI VarI8FromI1(CHAR in, LONG64 *pOut);
COMKIT_STDAPI VarI8FromUI2(USHORT in, LONG64 *pOut);
COMKIT_STDAPI VarI8FromUI4(ULONG in, LONG64 *pOut);
COMKIT_STDAPI VarI8FromUI8(ULONG64 in, LONG64 *pOut);
COMKIT_STDAPI VarI8FromDec(const DECIMAL *pdecIn, LONG64 *pOut);
/* to R4 (FLOAT) */
COMKIT_STDAPI VarR4FromUI1(BYTE in, FLOAT *pOut);
COMKIT_STDAPI VarR4FromI2(SHORT in, FLOAT *pOut);
COMKIT_STDAPI VarR4FromI4(LONG in, FLOAT *pOut);
COMKIT_STDAPI VarR4FromI8(LONG64 in, FLOAT *pOut);
COMKIT_STDAPI VarR4FromR8(DOUBLE in, FLOAT *pOut);
COMKIT_STDAPI VarR4FromCy(CY in, FLOAT *pOut);
COMKIT_STDAPI VarR4FromDate(DATE in, FLOAT *pOut);
COMKIT_STDAPI VarR4FromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, FLOAT *pOut);
COMKIT_STDAPI VarR4FromDisp(IDispatch *pdispIn, LCID lcid, FLOAT *pOut);
COMKIT_STDAPI VarR4FromBool(VARIANT_BOOL in, FLOAT *pOut);
COMKIT_STDAPI VarR4FromI1(CHAR in, FLOAT *pOut);
COMKIT_STDAPI VarR4FromUI2(USHORT in, FLOAT *pOut);
COMKIT_STDAPI VarR4FromUI4(ULONG in, FLOAT *pOut);
COMKIT_STDAPI VarR4FromUI8(ULONG64 in, FLOAT *pOut);
COMKIT_STDAPI VarR4FromDec(const DECIMAL *pdecIn, FLOAT *pOut);
/* to R8 (DOUBLE) */
COMKIT_STDAPI VarR8FromUI1(BYTE in, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromI2(SHORT in, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromI4(LONG in, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromI8(LONG64 in, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromR4(FLOAT in, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromCy(CY in, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromDate(DATE in, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromDisp(IDispatch *pdispIn, LCID lcid, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromBool(VARIANT_BOOL in, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromI1(CHAR in, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromUI2(USHORT in, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromUI4(ULONG in, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromUI8(ULONG64 in, DOUBLE *pOut);
COMKIT_STDAPI VarR8FromDec(const DECIMAL *pdecIn, DOUBLE *pOut);
/* to Date (DATE) */
COMKIT_STDAPI VarDateFromUI1(BYTE in, DATE *pOut);
COMKIT_STDAPI VarDateFromI2(SHORT in, DATE *pOut);
COMKIT_STDAPI VarDateFromI4(LONG in, DATE *pOut);
COMKIT_STDAPI VarDateFromI8(LONG64 in, DATE *pOut);
COMKIT_STDAPI VarDateFromR4(FLOAT in, DATE *pOut);
COMKIT_STDAPI VarDateFromR8(DOUBLE in, DATE *pOut);
COMKIT_STDAPI VarDateFromCy(CY in, DATE *pOut);
COMKIT_STDAPI VarDateFromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, DATE *pOut);
COMKIT_STDAPI VarDateFromDisp(IDispatch *pdispIn, LCID lcid, DATE *pOut);
COMKIT_STDAPI VarDateFromBool(VARIANT_BOOL in, DATE *pOut);
COMKIT_STDAPI VarDateFromI1(CHAR in, DATE *pOut);
COMKIT_STDAPI VarDateFromUI2(USHORT in, DATE *pOut);
COMKIT_STDAPI VarDateFromUI4(ULONG in, DATE *pOut);
COMKIT_STDAPI VarDateFromUI8(ULONG64 in, DATE *pOut);
COMKIT_STDAPI VarDateFromDec(const DECIMAL *pdecIn, DATE *pOut);
/* to Cy (CY) */
COMKIT_STDAPI VarCyFromUI1(BYTE in, CY *pOut);
COMKIT_STDAPI VarCyFromI2(SHORT in, CY *pOut);
COMKIT_STDAPI VarCyFromI4(LONG in, CY *pOut);
COMKIT_STDAPI VarCyFromI8(LONG64 in, CY *pOut);
COMKIT_STDAPI VarCyFromR4(FLOAT in, CY *pOut);
COMKIT_STDAPI VarCyFromR8(DOUBLE in, CY *pOut);
COMKIT_STDAPI VarCyFromDate(DATE in, CY *pOut);
COMKIT_STDAPI VarCyFromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, CY *pOut);
COMKIT_STDAPI VarCyFromDisp(IDispatch *pdispIn, LCID lcid, CY *pOut);
COMKIT_STDAPI VarCyFromBool(VARIANT_BOOL in, CY *pOut);
COMKIT_STDAPI VarCyFromI1(CHAR in, CY *pOut);
COMKIT_STDAPI VarCyFromUI2(USHORT in, CY *pOut);
COMKIT_STDAPI VarCyFromUI4(ULONG in, CY *pOut);
COMKIT_STDAPI VarCyFromUI8(ULONG64 in, CY *pOut);
COMKIT_STDAPI VarCyFromDec(const DECIMAL *pdecIn, CY *pOut);
/* to Bool (VARIANT_BOOL) */
COMKIT_STDAPI VarBoolFromUI1(BYTE in, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromI2(SHORT in, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromI4(LONG in, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromI8(LONG64 in, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromR4(FLOAT in, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromR8(DOUBLE in, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromCy(CY in, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromDate(DATE in, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromDisp(IDispatch *pdispIn, LCID lcid, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromI1(CHAR in, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromUI2(USHORT in, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromUI4(ULONG in, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromUI8(ULONG64 in, VARIANT_BOOL *pOut);
COMKIT_STDAPI VarBoolFromDec(const DECIMAL *pdecIn, VARIANT_BOOL *pOut);
/* to I1 (CHAR) */
COMKIT_STDAPI VarI1FromUI1(BYTE in, CHAR *pOut);
COMKIT_STDAPI VarI1FromI2(SHORT in, CHAR *pOut);
COMKIT_STDAPI VarI1FromI4(LONG in, CHAR *pOut);
COMKIT_STDAPI VarI1FromI8(LONG64 in, CHAR *pOut);
COMKIT_STDAPI VarI1FromR4(FLOAT in, CHAR *pOut);
COMKIT_STDAPI VarI1FromR8(DOUBLE in, CHAR *pOut);
COMKIT_STDAPI VarI1FromCy(CY in, CHAR *pOut);
COMKIT_STDAPI VarI1FromDate(DATE in, CHAR *pOut);
COMKIT_STDAPI VarI1FromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, CHAR *pOut);
COMKIT_STDAPI VarI1FromDisp(IDispatch *pdispIn, LCID lcid, CHAR *pOut);
COMKIT_STDAPI VarI1FromBool(VARIANT_BOOL in, CHAR *pOut);
COMKIT_STDAPI VarI1FromUI2(USHORT in, CHAR *pOut);
COMKIT_STDAPI VarI1FromUI4(ULONG in, CHAR *pOut);
COMKIT_STDAPI VarI1FromUI8(ULONG64 in, CHAR *pOut);
COMKIT_STDAPI VarI1FromDec(const DECIMAL *pdecIn, CHAR *pOut);
/* to UI2 (USHORT) */
COMKIT_STDAPI VarUI2FromUI1(BYTE in, USHORT *pOut);
COMKIT_STDAPI VarUI2FromI2(SHORT in, USHORT *pOut);
COMKIT_STDAPI VarUI2FromI4(LONG in, USHORT *pOut);
COMKIT_STDAPI VarUI2FromI8(LONG64 in, USHORT *pOut);
COMKIT_STDAPI VarUI2FromR4(FLOAT in, USHORT *pOut);
COMKIT_STDAPI VarUI2FromR8(DOUBLE in, USHORT *pOut);
COMKIT_STDAPI VarUI2FromCy(CY in, USHORT *pOut);
COMKIT_STDAPI VarUI2FromDate(DATE in, USHORT *pOut);
COMKIT_STDAPI VarUI2FromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, USHORT *pOut);
COMKIT_STDAPI VarUI2FromDisp(IDispatch *pdispIn, LCID lcid, USHORT *pOut);
COMKIT_STDAPI VarUI2FromBool(VARIANT_BOOL in, USHORT *pOut);
COMKIT_STDAPI VarUI2FromI1(CHAR in, USHORT *pOut);
COMKIT_STDAPI VarUI2FromUI4(ULONG in, USHORT *pOut);
COMKIT_STDAPI VarUI2FromUI8(ULONG64 in, USHORT *pOut);
COMKIT_STDAPI VarUI2FromDec(const DECIMAL *pdecIn, USHORT *pOut);
/* to UI4 (ULONG) */
COMKIT_STDAPI VarUI4FromUI1(BYTE in, ULONG *pOut);
COMKIT_STDAPI VarUI4FromI2(SHORT in, ULONG *pOut);
COMKIT_STDAPI VarUI4FromI4(LONG in, ULONG *pOut);
COMKIT_STDAPI VarUI4FromI8(LONG64 in, ULONG *pOut);
COMKIT_STDAPI VarUI4FromR4(FLOAT in, ULONG *pOut);
COMKIT_STDAPI VarUI4FromR8(DOUBLE in, ULONG *pOut);
COMKIT_STDAPI VarUI4FromCy(CY in, ULONG *pOut);
COMKIT_STDAPI VarUI4FromDate(DATE in, ULONG *pOut);
COMKIT_STDAPI VarUI4FromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, ULONG *pOut);
COMKIT_STDAPI VarUI4FromDisp(IDispatch *pdispIn, LCID lcid, ULONG *pOut);
COMKIT_STDAPI VarUI4FromBool(VARIANT_BOOL in, ULONG *pOut);
COMKIT_STDAPI VarUI4FromI1(CHAR in, ULONG *pOut);
COMKIT_STDAPI VarUI4FromUI2(USHORT in, ULONG *pOut);
COMKIT_STDAPI VarUI4FromUI8(ULONG64 in, ULONG *pOut);
COMKIT_STDAPI VarUI4FromDec(const DECIMAL *pdecIn, ULONG *pOut);
/* to UI8 (ULONG64) */
COMKIT_STDAPI VarUI8FromUI1(BYTE in, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromI2(SHORT in, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromI4(LONG in, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromI8(LONG64 in, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromR4(FLOAT in, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromR8(DOUBLE in, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromCy(CY in, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromDate(DATE in, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromDisp(IDispatch *pdispIn, LCID lcid, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromBool(VARIANT_BOOL in, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromI1(CHAR in, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromUI2(USHORT in, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromUI4(ULONG in, ULONG64 *pOut);
COMKIT_STDAPI VarUI8FromDec(const DECIMAL *pdecIn, ULONG64 *pOut);
/* to Dec (DECIMAL) */
COMKIT_STDAPI VarDecFromUI1(BYTE in, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromI2(SHORT in, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromI4(LONG in, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromI8(LONG64 in, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromR4(FLOAT in, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromR8(DOUBLE in, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromCy(CY in, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromDate(DATE in, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromDisp(IDispatch *pdispIn, LCID lcid, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromBool(VARIANT_BOOL in, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromI1(CHAR in, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromUI2(USHORT in, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromUI4(ULONG in, DECIMAL *pOut);
COMKIT_STDAPI VarDecFromUI8(ULONG64 in, DECIMAL *pOut);
/* to BSTR */
COMKIT_STDAPI VarBstrFromUI1(BYTE in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromI2(SHORT in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromI4(LONG in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromI8(LONG64 in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromR4(FLOAT in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromR8(DOUBLE in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromCy(CY in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromDate(DATE in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromDisp(IDispatch *pdispIn, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromBool(VARIANT_BOOL in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromI1(CHAR in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromUI2(USHORT in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromUI4(ULONG in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromUI8(ULONG64 in, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarBstrFromDec(const DECIMAL *pdecIn, LCID lcid, ULONG dwFlags, BSTR *pbstrOut);
/* As in the Windows SDK: assignments, not functions. */
#define VarI4FromI4(in, pOut) (*(pOut) = (in))
#define VarUI4FromUI4(in, pOut) (*(pOut) = (in))
#define VarI8FromI8(in, pOut) (*(pOut) = (in))
#define VarUI8FromUI8(in, pOut) (*(pOut) = (in))
#define VarIntFromUI1 VarI4FromUI1
#define VarIntFromI2 VarI4FromI2
#define VarIntFromR4 VarI4FromR4
#define VarIntFromR8 VarI4FromR8
#define VarIntFromCy VarI4FromCy
#define VarIntFromDate VarI4FromDate
#define VarIntFromStr VarI4FromStr
#define VarIntFromDisp VarI4FromDisp
#define VarIntFromBool VarI4FromBool
#define VarIntFromI1 VarI4FromI1
#define VarIntFromUI2 VarI4FromUI2
#define VarIntFromUI4 VarI4FromUI4
#define VarIntFromI8 VarI4FromI8
#define VarIntFromUI8 VarI4FromUI8
#define VarIntFromDec VarI4FromDec
#define VarUintFromUI1 VarUI4FromUI1
#define VarUintFromI2 VarUI4FromI2
#define VarUintFromI4 VarUI4FromI4
#define VarUintFromR4 VarUI4FromR4
#define VarUintFromR8 VarUI4FromR8
#define VarUintFromCy VarUI4FromCy
#define VarUintFromDate VarUI4FromDate
#define VarUintFromStr VarUI4FromStr
#define VarUintFromDisp VarUI4FromDisp
#define VarUintFromBool VarUI4FromBool
#define VarUintFromI1 VarUI4FromI1
#define VarUintFromUI2 VarUI4FromUI2
#define VarUintFromI8 VarUI4FromI8
#define VarUintFromUI8 VarUI4FromUI8
#define VarUintFromDec VarUI4FromDec
#define VarUI1FromInt VarUI1FromI4
#define VarI2FromInt VarI2FromI4
#define VarR4FromInt VarR4FromI4
#define VarR8FromInt VarR8FromI4
#define VarCyFromInt VarCyFromI4
#define VarDateFromInt VarDateFromI4
#define VarBstrFromInt VarBstrFromI4
#define VarBoolFromInt VarBoolFromI4
#define VarDecFromInt VarDecFromI4
#define VarI1FromInt VarI1FromI4
#define VarUI2FromInt VarUI2FromI4
#define VarUI4FromInt VarUI4FromI4
#define VarUI8FromInt VarUI8FromI4
#define VarUI1FromUint VarUI1FromUI4
#define VarI2FromUint VarI2FromUI4
#define VarI4FromUint VarI4FromUI4
#define VarI8FromUint VarI8FromUI4
#define VarR4FromUint VarR4FromUI4
#define VarR8FromUint VarR8FromUI4
#define VarCyFromUint VarCyFromUI4
#define VarDateFromUint VarDateFromUI4
#define VarBstrFromUint VarBstrFromUI4
#define VarBoolFromUint VarBoolFromUI4
#define VarDecFromUint VarDecFromUI4
#define VarI1FromUint VarI1FromUI4
#define VarUI2FromUint VarUI2FromUI4
#define VarUI8FromUint VarUI8FromUI4

/* Converts pvarSrc to vt into pvargDest (which may be pvarSrc): a by-reference
 * source is dereferenced first; on failure the destination is untouched.
 * DISP_E_BADVARTYPE for an unknown vt, DISP_E_TYPEMISMATCH for a conversion
 * that does not exist (VT_NULL to anything but VT_NULL ...), plus the codes of
 * the VarXxxFromYyy functions. wFlags: VARIANT_NOVALUEPROP, VARIANT_ALPHABOOL,
 * VARIANT_LOCALBOOL, VARIANT_NOUSEROVERRIDE, VARIANT_USE_NLS. */
COMKIT_STDAPI VariantChangeType(VARIANTARG *pvargDest, const VARIANTARG *pvarSrc, USHORT wFlags, VARTYPE vt);
COMKIT_STDAPI VariantChangeTypeEx(VARIANTARG *pvargDest, const VARIANTARG *pvarSrc, LCID lcid, USHORT wFlags, VARTYPE vt);

/* ---- DATE (docs/automation.md) -------------------------------------------------
 * Days since 30 Dec 1899 (proleptic Gregorian), years 100..9999; for a
 * negative DATE the fraction's magnitude is the time of day. */

/* TRUE with the time rounded to the second (wMilliseconds 0); FALSE outside
 * 1 Jan 100 .. 31 Dec 9999. */
COMKIT_STDAPI_(INT) VariantTimeToSystemTime(DOUBLE vtime, LPSYSTEMTIME lpSystemTime);
/* FALSE for a month above 12, a day above 31 or a year above 9999; years
 * 0..49 are 2000..2049 and 50..99 are 1950..1999; milliseconds are ignored. */
COMKIT_STDAPI_(INT) SystemTimeToVariantTime(LPSYSTEMTIME lpSystemTime, DOUBLE *pvtime);
/* Out-of-range fields are normalised (month 13 is January of the next year,
 * day 0 the last day of the previous month); E_INVALIDARG outside the DATE
 * range. dwFlags: VAR_TIMEVALUEONLY, VAR_DATEVALUEONLY. */
COMKIT_STDAPI VarDateFromUdate(UDATE *pudateIn, ULONG dwFlags, DATE *pdateOut);
COMKIT_STDAPI VarDateFromUdateEx(UDATE *pudateIn, LCID lcid, ULONG dwFlags, DATE *pdateOut);
/* The broken-down date, rounded to the second, with wDayOfWeek and
 * wDayOfYear; E_INVALIDARG outside the DATE range. */
COMKIT_STDAPI VarUdateFromDate(DATE dateIn, ULONG dwFlags, UDATE *pudateOut);
/* MS-DOS (FAT) date and time, years 1980..2099; 2-second resolution. */
COMKIT_STDAPI_(INT) DosDateTimeToVariantTime(USHORT wDosDate, USHORT wDosTime, DOUBLE *pvtime);
COMKIT_STDAPI_(INT) VariantTimeToDosDateTime(DOUBLE vtime, USHORT *pwDosDate, USHORT *pwDosTime);

/* ---- DECIMAL and CY arithmetic (docs/automation.md) --------------------------
 * Exact; rounding is half to even; DISP_E_OVERFLOW when the result does not
 * fit; comparisons return VARCMP_LT/EQ/GT as the HRESULT. A DECIMAL with a
 * scale above 28 or a sign other than 0/DECIMAL_NEG is E_INVALIDARG (except
 * for VarDecNeg and VarDecAbs, which only flip or clear the sign bit). */
COMKIT_STDAPI VarDecAdd(const DECIMAL *pdecLeft, const DECIMAL *pdecRight, DECIMAL *pdecResult);
COMKIT_STDAPI VarDecSub(const DECIMAL *pdecLeft, const DECIMAL *pdecRight, DECIMAL *pdecResult);
COMKIT_STDAPI VarDecMul(const DECIMAL *pdecLeft, const DECIMAL *pdecRight, DECIMAL *pdecResult);
COMKIT_STDAPI VarDecDiv(const DECIMAL *pdecLeft, const DECIMAL *pdecRight, DECIMAL *pdecResult);
COMKIT_STDAPI VarDecCmp(const DECIMAL *pdecLeft, const DECIMAL *pdecRight);
COMKIT_STDAPI VarDecCmpR8(const DECIMAL *pdecLeft, double dblRight);
COMKIT_STDAPI VarDecRound(const DECIMAL *pdecIn, int cDecimals, DECIMAL *pdecResult);
COMKIT_STDAPI VarDecFix(const DECIMAL *pdecIn, DECIMAL *pdecResult);
COMKIT_STDAPI VarDecInt(const DECIMAL *pdecIn, DECIMAL *pdecResult);
COMKIT_STDAPI VarDecNeg(const DECIMAL *pdecIn, DECIMAL *pdecResult);
COMKIT_STDAPI VarDecAbs(const DECIMAL *pdecIn, DECIMAL *pdecResult);
COMKIT_STDAPI VarCyAdd(CY cyLeft, CY cyRight, CY *pcyResult);
COMKIT_STDAPI VarCySub(CY cyLeft, CY cyRight, CY *pcyResult);
COMKIT_STDAPI VarCyMul(CY cyLeft, CY cyRight, CY *pcyResult);
COMKIT_STDAPI VarCyMulI4(CY cyLeft, LONG lRight, CY *pcyResult);
COMKIT_STDAPI VarCyMulI8(CY cyLeft, LONG64 lRight, CY *pcyResult);
COMKIT_STDAPI VarCyAbs(CY cyIn, CY *pcyResult);
COMKIT_STDAPI VarCyNeg(CY cyIn, CY *pcyResult);
COMKIT_STDAPI VarCyFix(CY cyIn, CY *pcyResult);
COMKIT_STDAPI VarCyInt(CY cyIn, CY *pcyResult);
COMKIT_STDAPI VarCyRound(CY cyIn, int cDecimals, CY *pcyResult);
COMKIT_STDAPI VarCyCmp(CY cyLeft, CY cyRight);
COMKIT_STDAPI VarCyCmpR8(CY cyLeft, double dblRight);
COMKIT_STDAPI VarR8Round(double dblIn, int cDecimals, double *pdblResult);
COMKIT_STDAPI VarR4CmpR8(float fltLeft, double dblRight);

/* Reads a number's text (en-US symbols for every LCID) into digits and
 * flags: what dwInFlags allows, stopping at the first character it does not
 * (S_OK once a digit was read; DISP_E_TYPEMISMATCH before that or, with
 * NUMPRS_USE_ALL, when anything is left). */
COMKIT_STDAPI VarParseNumFromStr(LPCOLESTR strIn, LCID lcid, ULONG dwFlags, NUMPARSE *pnumprs, BYTE *rgbDig);
/* The smallest type dwVtBits allows that holds the parsed number (I1, UI1,
 * I2 ... UI8, then R4, R8, CY, DECIMAL), rounded half to even;
 * DISP_E_OVERFLOW when none does. Hex and octal fill the type's bits. */
COMKIT_STDAPI VarNumFromParseNum(NUMPARSE *pnumprs, BYTE *rgbDig, ULONG dwVtBits, VARIANT *pvar);
COMKIT_STDAPI VarR8Pow(double dblLeft, double dblRight, double *pdblResult);

/* Formatting with VB's format-string language (VarFormat), and the
 * locale's own number, currency, percent and date forms. iFirstDay: 0 the
 * locale's, 1 Sunday .. 7 Saturday; iFirstWeek: 0 the locale's, 1 the week
 * of 1 January, 2 the first week of four days, 3 the first full week.
 * The tri-state arguments: -2 the locale's, -1 yes, 0 no. */
#define VARFORMAT_NAMED_FORMAT_GENERALDATE 0
#define VARFORMAT_NAMED_FORMAT_LONGDATE 1
#define VARFORMAT_NAMED_FORMAT_SHORTDATE 2
#define VARFORMAT_NAMED_FORMAT_LONGTIME 3
#define VARFORMAT_NAMED_FORMAT_SHORTTIME 4
COMKIT_STDAPI VarFormat(LPVARIANT pvarIn, LPOLESTR pstrFormat, int iFirstDay, int iFirstWeek, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarFormatDateTime(LPVARIANT pvarIn, int iNamedFormat, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarFormatNumber(LPVARIANT pvarIn, int iNumDig, int iIncLead, int iUseParens, int iGroup, ULONG dwFlags,
                              BSTR *pbstrOut);
COMKIT_STDAPI VarFormatPercent(LPVARIANT pvarIn, int iNumDig, int iIncLead, int iUseParens, int iGroup, ULONG dwFlags,
                               BSTR *pbstrOut);
COMKIT_STDAPI VarFormatCurrency(LPVARIANT pvarIn, int iNumDig, int iIncLead, int iUseParens, int iGroup, ULONG dwFlags,
                                BSTR *pbstrOut);
COMKIT_STDAPI VarWeekdayName(int iWeekday, int fAbbrev, int iFirstDay, ULONG dwFlags, BSTR *pbstrOut);
COMKIT_STDAPI VarMonthName(int iMonth, int fAbbrev, ULONG dwFlags, BSTR *pbstrOut);
/* Checks a format once; VarFormatFromTokens then formats with it, given the
 * same format string. The token layout is comkit's own. */
COMKIT_STDAPI VarTokenizeFormatString(LPOLESTR pstrFormat, LPBYTE rgbTok, int cbTok, int iFirstDay, int iFirstWeek,
                                      LCID lcid, int *pcbActual);
COMKIT_STDAPI VarFormatFromTokens(LPVARIANT pvarIn, LPOLESTR pstrFormat, LPBYTE pbTokCur, ULONG dwFlags, BSTR *pbstrOut,
                                  LCID lcid);

/* ---- Operations on VARIANTs (docs/automation.md) ------------------------------- */

/* VARCMP_LT/EQ/GT, or VARCMP_NULL when either side is VT_NULL. A string is
 * greater than any number unless VT_RESERVED is set on an operand (then the
 * number is compared as text, or the text as a number); two strings compare
 * with VarBstrCmp. DISP_E_TYPEMISMATCH for interfaces, records, arrays and
 * the types Windows does not compare (I1, UI2, UI4, UI8, UINT; INT on the
 * right). */
COMKIT_STDAPI VarCmp(LPVARIANT pvarLeft, LPVARIANT pvarRight, LCID lcid, ULONG dwFlags);
/* VARCMP_LT/EQ/GT. A NULL BSTR is "". With lcid 0 the bytes are compared
 * (SysStringByteLen); otherwise en-US word sort: case and accents decide only
 * a tie, '-' and '\'' count last, NUL is ignored; dwFlags NORM_IGNORECASE,
 * NORM_IGNORENONSPACE, NORM_IGNORESYMBOLS, NORM_IGNOREWIDTH. */
COMKIT_STDAPI VarBstrCmp(BSTR bstrLeft, BSTR bstrRight, LCID lcid, ULONG dwFlags);
/* A new BSTR holding both (bytes, so odd byte lengths survive); NULL is "". */
COMKIT_STDAPI VarBstrCat(BSTR bstrLeft, BSTR bstrRight, LPBSTR pbstrResult);

/* Arithmetic and logic on VARIANTs, with Windows' result types
 * (docs/automation.md): NULL in, NULL out (VB's rules for the logical
 * operators); BSTR + BSTR concatenates; integer results that overflow move
 * to the next wider type. On failure only pvarResult->vt is written
 * (VT_EMPTY). */
COMKIT_STDAPI VarAdd(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarSub(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarMul(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarDiv(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarIdiv(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarMod(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarPow(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarAnd(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarOr(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarXor(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarEqv(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarImp(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarCat(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult);
COMKIT_STDAPI VarNeg(LPVARIANT pvarIn, LPVARIANT pvarResult);
COMKIT_STDAPI VarAbs(LPVARIANT pvarIn, LPVARIANT pvarResult);
COMKIT_STDAPI VarFix(LPVARIANT pvarIn, LPVARIANT pvarResult);
COMKIT_STDAPI VarInt(LPVARIANT pvarIn, LPVARIANT pvarResult);
COMKIT_STDAPI VarNot(LPVARIANT pvarIn, LPVARIANT pvarResult);
COMKIT_STDAPI VarRound(LPVARIANT pvarIn, int cDecimals, LPVARIANT pvarResult);

/* ---- Type libraries (docs/typelib.md) ----------------------------------- */

typedef enum tagREGKIND {
    REGKIND_DEFAULT = 0,
    REGKIND_REGISTER = 1,
    REGKIND_NONE = 2
} REGKIND;

/* Loads a type library: an MSFT image, or a file with one inside (an ELF
 * module's comkit_typelib section, docs/typelib.md; the first MSFT image
 * of any other file, such as a PE). The format is decided by the content,
 * not the name. "module\\N" names the module's type library N (1 without
 * the suffix), as on Windows, when no file has the whole name. An
 * absolute path is used as it is; a bare name is looked for in the current
 * directory, each directory of $COMKIT_TYPELIB_PATH, beside libcomkit and
 * in its ../share/comkit (where stdole2.tlb is). The same file gives the
 * same ITypeLib while it lives. TYPE_E_CANTLOADLIBRARY when it cannot be
 * found or is not a type library, TYPE_E_INVDATAREAD when it is damaged,
 * E_INVALIDARG for NULL arguments or an unknown REGKIND. REGKIND_REGISTER
 * also registers it (RegisterTypeLib, under the file's full path);
 * REGKIND_DEFAULT and REGKIND_NONE do not. */
COMKIT_STDAPI LoadTypeLib(LPCOLESTR szFile, ITypeLib **pptlib);
COMKIT_STDAPI LoadTypeLibEx(LPCOLESTR szFile, REGKIND regkind, ITypeLib **pptlib);

/* Type library registration, in comkit's registry (docs/typelib.md): one
 * manifest per library version, locale and SYSKIND, with the path, the
 * library's doc string, flags and help directory, and an entry for each
 * dispinterface, dual and [oleautomation] interface (proxy/stub class
 * PSDispatch or PSOAInterface). RegisterTypeLib writes to the default
 * scope (ComkitSetDefaultRegistrationScope), the ...ForUser forms to the
 * user's. szFullPath must be absolute (E_INVALIDARG). A registration that
 * cannot be written, or an unregistration of nothing, gives
 * TYPE_E_REGISTRYACCESS. QueryPathOfRegTypeLib and LoadRegTypeLib take the
 * same major version and the requested minor or else the nearest higher
 * one, and the lcid itself, else its primary language, else 0;
 * TYPE_E_LIBNOTREGISTERED when none matches. */
COMKIT_STDAPI RegisterTypeLib(ITypeLib *ptlib, LPCOLESTR szFullPath, LPCOLESTR szHelpDir);
COMKIT_STDAPI RegisterTypeLibForUser(ITypeLib *ptlib, OLECHAR *szFullPath, OLECHAR *szHelpDir);
COMKIT_STDAPI UnRegisterTypeLib(REFGUID libID, WORD wVerMajor, WORD wVerMinor, LCID lcid, SYSKIND syskind);
COMKIT_STDAPI UnRegisterTypeLibForUser(REFGUID libID, WORD wVerMajor, WORD wVerMinor, LCID lcid, SYSKIND syskind);
COMKIT_STDAPI QueryPathOfRegTypeLib(REFGUID guid, USHORT wMaj, USHORT wMin, LCID lcid, LPBSTR lpbstrPathName);
COMKIT_STDAPI LoadRegTypeLib(REFGUID rguid, WORD wVerMajor, WORD wVerMinor, LCID lcid, ITypeLib **pptlib);

/* Building a type library call by call (docs/typelib.md, "Building type
 * libraries"): CreateTypeLib2 gives an ICreateTypeLib2 for a library of
 * the given SYSKIND (SYS_WIN32 or SYS_WIN64) that SaveAllChanges writes to
 * szFile in the MSFT format, with the same writer the IDL compiler uses.
 * The object also answers ITypeLib2, and each ICreateTypeInfo2 answers
 * ITypeInfo2, describing the library as it stands. CreateTypeLib gives the
 * same object as ICreateTypeLib (comkit writes no older format).
 * E_INVALIDARG for NULL arguments or another SYSKIND. */
COMKIT_STDAPI CreateTypeLib2(SYSKIND syskind, LPCOLESTR szFile, ICreateTypeLib2 **ppctlib);
COMKIT_STDAPI CreateTypeLib(SYSKIND syskind, LPCOLESTR szFile, ICreateTypeLib **ppctlib);

/* CreateDispTypeInfo's description of an object's methods. */
typedef struct tagPARAMDATA {
  OLECHAR *szName;
  VARTYPE vt;
} PARAMDATA, *LPPARAMDATA;

typedef struct tagMETHODDATA {
  OLECHAR *szName;
  PARAMDATA *ppdata;  /* cArgs parameters */
  DISPID dispid;
  UINT iMeth;         /* the vtable slot */
  CALLCONV cc;
  UINT cArgs;
  WORD wFlags;        /* DISPATCH_METHOD, DISPATCH_PROPERTYGET ... */
  VARTYPE vtReturn;
} METHODDATA, *LPMETHODDATA;

typedef struct tagINTERFACEDATA {
  METHODDATA *pmethdata;
  UINT cMembers;
} INTERFACEDATA, *LPINTERFACEDATA;

/* Type information for an object described by an INTERFACEDATA, for
 * CreateStdDispatch: a TKIND_COCLASS whose one implemented interface (handle
 * 0) is a TKIND_INTERFACE with a FUNC_VIRTUAL function per method (memid the
 * dispid, invkind wFlags, oVft iMeth * sizeof(void *), parameters with no
 * flags), as Windows makes it. E_INVALIDARG for NULL arguments. */
COMKIT_STDAPI CreateDispTypeInfo(INTERFACEDATA *pidata, LCID lcid, ITypeInfo **pptinfo);

/* The name hash type libraries store (case-insensitive; the high word names
 * the lcid's character table). A NULL name hashes to 0. */
COMKIT_STDAPI_(ULONG) LHashValOfNameSysA(SYSKIND syskind, LCID lcid, LPCSTR szName);
COMKIT_STDAPI_(ULONG) LHashValOfNameSys(SYSKIND syskind, LCID lcid, LPCOLESTR szName);
#define LHashValOfName(lcid, szName) LHashValOfNameSys(SYS_WIN32, lcid, szName)
#define WHashValOfLHashVal(lhashval) ((USHORT)(0x0000ffff & (lhashval)))
#define IsHashValCompatible(lhashval1, lhashval2) ((BOOL)((0x00ff0000 & (lhashval1)) == (0x00ff0000 & (lhashval2))))

/* ---- Late binding -------------------------------------------------------- */

/* Calls the function at vtable byte offset oVft of pvInstance (with
 * pvInstance first), or, with a NULL pvInstance, the function at address
 * oVft, with cActuals arguments of the types prgvt taken from prgpvarg;
 * the result, of type vtReturn, goes to pvargResult. On x86-64 every
 * CALLCONV is the platform's C convention (CC_PASCAL and unknown ones give
 * E_INVALIDARG). DISP_E_BADVARTYPE for a type that cannot be passed. */
COMKIT_STDAPI DispCallFunc(void *pvInstance, ULONG_PTR oVft, CALLCONV cc, VARTYPE vtReturn, UINT cActuals, VARTYPE *prgvt,
                           VARIANTARG **prgpvarg, VARIANT *pvargResult);
/* IDispatch implemented from type information (ITypeInfo::Invoke over
 * pvThis), aggregated by punkOuter when it is not NULL; *ppunkStdDisp is
 * the object's own IUnknown. */
COMKIT_STDAPI CreateStdDispatch(IUnknown *punkOuter, void *pvThis, ITypeInfo *ptinfo, IUnknown **ppunkStdDisp);
COMKIT_STDAPI DispGetIDsOfNames(ITypeInfo *ptinfo, OLECHAR **rgszNames, UINT cNames, DISPID *rgdispid);
/* Argument `position` of an Invoke: the named argument whose DISPID is
 * position, else positional argument `position` (0 is the last element of
 * rgvarg), coerced to vtTarg into *pvarResult (which must hold a valid
 * VARIANT: VariantChangeType clears it first, so a value left in it is
 * freed).
 * DISP_E_PARAMNOTFOUND when there is none; the coercion's
 * DISP_E_TYPEMISMATCH or DISP_E_OVERFLOW with *puArgErr (may be NULL) set
 * to the argument's index in rgvarg; DISP_E_BADVARTYPE for an unsupported
 * vtTarg; E_INVALIDARG for NULL pointers. */
COMKIT_STDAPI DispGetParam(DISPPARAMS *pdispparams, UINT position, VARTYPE vtTarg, VARIANT *pvarResult, UINT *puArgErr);
COMKIT_STDAPI DispInvoke(void *_this, ITypeInfo *ptinfo, DISPID dispidMember, WORD wFlags, DISPPARAMS *pparams, VARIANT *pvarResult,
                         EXCEPINFO *pexcepinfo, UINT *puArgErr);

/* IRecordInfo for a TKIND_RECORD type info (E_INVALIDARG for any other
 * kind): creates, copies (deeply: BSTRs, VARIANTs, interfaces, SAFEARRAYs,
 * nested records and C arrays of them) and clears the record, and reaches
 * its fields by name as VARIANTs. Records are allocated from the task
 * allocator, as VARIANT and SAFEARRAY expect. ...FromGuids loads the
 * registered library (LoadRegTypeLib) first. */
COMKIT_STDAPI GetRecordInfoFromTypeInfo(ITypeInfo *pTypeInfo, IRecordInfo **ppRecInfo);
COMKIT_STDAPI GetRecordInfoFromGuids(REFGUID rGuidTypeLib, ULONG uVerMajor, ULONG uVerMinor, LCID lcid, REFGUID rGuidTypeInfo,
                                     IRecordInfo **ppRecInfo);

/* comkit extensions. A type library from an MSFT image in memory (copied;
 * its imports are looked for as LoadTypeLib looks for bare names):
 * TYPE_E_CANTLOADLIBRARY or TYPE_E_INVDATAREAD for bad bytes. */
COMKIT_STDAPI ComkitLoadTypeLibFromMemory(const void *image, SIZE_T size, ITypeLib **pptlib);
/* The type information of interface or class `guid` (for a dual interface
 * its dispatch view, as ITypeLib::GetTypeInfoOfGuid gives it): from the
 * type libraries in `section`, a module's comkit_typelib section (NULL
 * with size 0 for none), else from the library the registry names for
 * interface `guid` (RegisterTypeLib's [interface] entry, LoadRegTypeLib).
 * TYPE_E_ELEMENTNOTFOUND when neither knows it; what LoadRegTypeLib gives
 * when the registered library cannot be loaded. */
COMKIT_STDAPI ComkitGetTypeInfoOfGuid(REFGUID guid, const void *section, SIZE_T size, ITypeInfo **ppTInfo);

/* Frees what ITypeInfo2/ITypeLib2::GetAll...CustData filled in. */
COMKIT_STDAPI_(void) ClearCustData(LPCUSTDATA pCustData);

#endif /* COMKIT_ABI_OLEAUTO_H */
