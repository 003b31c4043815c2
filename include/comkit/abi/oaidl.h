/* comkit/abi/oaidl.h - the error-information interfaces IErrorInfo,
 * ICreateErrorInfo and ISupportErrorInfo (from Windows' <oaidl.h>). Part of
 * the C-compatible ABI layer; same generated-style shape as unknwn.h. The
 * automation types (VARIANT, SAFEARRAY ...) join this header with the
 * automation issue. */
#ifndef COMKIT_ABI_OAIDL_H
#define COMKIT_ABI_OAIDL_H

#include <comkit/abi/unknwn.h>

#ifndef __IErrorInfo_FWD_DEFINED__
#define __IErrorInfo_FWD_DEFINED__
typedef struct IErrorInfo IErrorInfo;
#endif
#ifndef __ICreateErrorInfo_FWD_DEFINED__
#define __ICreateErrorInfo_FWD_DEFINED__
typedef struct ICreateErrorInfo ICreateErrorInfo;
#endif
#ifndef __ISupportErrorInfo_FWD_DEFINED__
#define __ISupportErrorInfo_FWD_DEFINED__
typedef struct ISupportErrorInfo ISupportErrorInfo;
#endif

/* ---- IErrorInfo {1CF2B120-547D-101B-8E65-08002B2BD119} -------------------- */
#ifndef __IErrorInfo_INTERFACE_DEFINED__
#define __IErrorInfo_INTERFACE_DEFINED__

typedef IErrorInfo *LPERRORINFO;
EXTERN_C COMKIT_API const IID IID_IErrorInfo;

#ifdef __cplusplus
struct DECLSPEC_NOVTABLE IErrorInfo : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE GetGUID(GUID *pGUID) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetSource(BSTR *pBstrSource) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetDescription(BSTR *pBstrDescription) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetHelpFile(BSTR *pBstrHelpFile) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetHelpContext(DWORD *pdwHelpContext) = 0;
};
COMKIT_DECLARE_IID(IErrorInfo, "1CF2B120-547D-101B-8E65-08002B2BD119")
#else
typedef struct IErrorInfoVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IErrorInfo *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IErrorInfo *This);
  ULONG(STDMETHODCALLTYPE *Release)(IErrorInfo *This);
  HRESULT(STDMETHODCALLTYPE *GetGUID)(IErrorInfo *This, GUID *pGUID);
  HRESULT(STDMETHODCALLTYPE *GetSource)(IErrorInfo *This, BSTR *pBstrSource);
  HRESULT(STDMETHODCALLTYPE *GetDescription)(IErrorInfo *This, BSTR *pBstrDescription);
  HRESULT(STDMETHODCALLTYPE *GetHelpFile)(IErrorInfo *This, BSTR *pBstrHelpFile);
  HRESULT(STDMETHODCALLTYPE *GetHelpContext)(IErrorInfo *This, DWORD *pdwHelpContext);
  END_INTERFACE
} IErrorInfoVtbl;
struct IErrorInfo {
  CONST_VTBL IErrorInfoVtbl *lpVtbl;
};
#ifdef COBJMACROS
#define IErrorInfo_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IErrorInfo_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IErrorInfo_Release(This) ((This)->lpVtbl->Release(This))
#define IErrorInfo_GetGUID(This, pGUID) ((This)->lpVtbl->GetGUID(This, pGUID))
#define IErrorInfo_GetSource(This, pBstrSource) ((This)->lpVtbl->GetSource(This, pBstrSource))
#define IErrorInfo_GetDescription(This, pBstrDescription) ((This)->lpVtbl->GetDescription(This, pBstrDescription))
#define IErrorInfo_GetHelpFile(This, pBstrHelpFile) ((This)->lpVtbl->GetHelpFile(This, pBstrHelpFile))
#define IErrorInfo_GetHelpContext(This, pdwHelpContext) ((This)->lpVtbl->GetHelpContext(This, pdwHelpContext))
#endif
#endif
#endif /* __IErrorInfo_INTERFACE_DEFINED__ */

/* ---- ICreateErrorInfo {22F03340-547D-101B-8E65-08002B2BD119} -------------- */
#ifndef __ICreateErrorInfo_INTERFACE_DEFINED__
#define __ICreateErrorInfo_INTERFACE_DEFINED__

typedef ICreateErrorInfo *LPCREATEERRORINFO;
EXTERN_C COMKIT_API const IID IID_ICreateErrorInfo;

#ifdef __cplusplus
struct DECLSPEC_NOVTABLE ICreateErrorInfo : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE SetGUID(REFGUID rguid) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetSource(LPOLESTR szSource) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetDescription(LPOLESTR szDescription) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetHelpFile(LPOLESTR szHelpFile) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetHelpContext(DWORD dwHelpContext) = 0;
};
COMKIT_DECLARE_IID(ICreateErrorInfo, "22F03340-547D-101B-8E65-08002B2BD119")
#else
typedef struct ICreateErrorInfoVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(ICreateErrorInfo *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(ICreateErrorInfo *This);
  ULONG(STDMETHODCALLTYPE *Release)(ICreateErrorInfo *This);
  HRESULT(STDMETHODCALLTYPE *SetGUID)(ICreateErrorInfo *This, REFGUID rguid);
  HRESULT(STDMETHODCALLTYPE *SetSource)(ICreateErrorInfo *This, LPOLESTR szSource);
  HRESULT(STDMETHODCALLTYPE *SetDescription)(ICreateErrorInfo *This, LPOLESTR szDescription);
  HRESULT(STDMETHODCALLTYPE *SetHelpFile)(ICreateErrorInfo *This, LPOLESTR szHelpFile);
  HRESULT(STDMETHODCALLTYPE *SetHelpContext)(ICreateErrorInfo *This, DWORD dwHelpContext);
  END_INTERFACE
} ICreateErrorInfoVtbl;
struct ICreateErrorInfo {
  CONST_VTBL ICreateErrorInfoVtbl *lpVtbl;
};
#ifdef COBJMACROS
#define ICreateErrorInfo_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define ICreateErrorInfo_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define ICreateErrorInfo_Release(This) ((This)->lpVtbl->Release(This))
#define ICreateErrorInfo_SetGUID(This, rguid) ((This)->lpVtbl->SetGUID(This, rguid))
#define ICreateErrorInfo_SetSource(This, szSource) ((This)->lpVtbl->SetSource(This, szSource))
#define ICreateErrorInfo_SetDescription(This, szDescription) ((This)->lpVtbl->SetDescription(This, szDescription))
#define ICreateErrorInfo_SetHelpFile(This, szHelpFile) ((This)->lpVtbl->SetHelpFile(This, szHelpFile))
#define ICreateErrorInfo_SetHelpContext(This, dwHelpContext) ((This)->lpVtbl->SetHelpContext(This, dwHelpContext))
#endif
#endif
#endif /* __ICreateErrorInfo_INTERFACE_DEFINED__ */

/* ---- ISupportErrorInfo {DF0B3D60-548F-101B-8E65-08002B2BD119} ------------- */
#ifndef __ISupportErrorInfo_INTERFACE_DEFINED__
#define __ISupportErrorInfo_INTERFACE_DEFINED__

typedef ISupportErrorInfo *LPSUPPORTERRORINFO;
EXTERN_C COMKIT_API const IID IID_ISupportErrorInfo;

#ifdef __cplusplus
struct DECLSPEC_NOVTABLE ISupportErrorInfo : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE InterfaceSupportsErrorInfo(REFIID riid) = 0;
};
COMKIT_DECLARE_IID(ISupportErrorInfo, "DF0B3D60-548F-101B-8E65-08002B2BD119")
#else
typedef struct ISupportErrorInfoVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(ISupportErrorInfo *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(ISupportErrorInfo *This);
  ULONG(STDMETHODCALLTYPE *Release)(ISupportErrorInfo *This);
  HRESULT(STDMETHODCALLTYPE *InterfaceSupportsErrorInfo)(ISupportErrorInfo *This, REFIID riid);
  END_INTERFACE
} ISupportErrorInfoVtbl;
struct ISupportErrorInfo {
  CONST_VTBL ISupportErrorInfoVtbl *lpVtbl;
};
#ifdef COBJMACROS
#define ISupportErrorInfo_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define ISupportErrorInfo_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define ISupportErrorInfo_Release(This) ((This)->lpVtbl->Release(This))
#define ISupportErrorInfo_InterfaceSupportsErrorInfo(This, riid) \
  ((This)->lpVtbl->InterfaceSupportsErrorInfo(This, riid))
#endif
#endif
#endif /* __ISupportErrorInfo_INTERFACE_DEFINED__ */

#endif /* COMKIT_ABI_OAIDL_H */
