/* comkit/abi/objidl.h - IMalloc and IMallocSpy (from Windows' <objidl.h> /
 * <objidlbase.h>). Part of the C-compatible ABI layer; same generated-style
 * shape as comkit/abi/unknwn.h. */
#ifndef COMKIT_ABI_OBJIDL_H
#define COMKIT_ABI_OBJIDL_H

#include <comkit/abi/unknwn.h>

#ifndef __IMalloc_FWD_DEFINED__
#define __IMalloc_FWD_DEFINED__
typedef struct IMalloc IMalloc;
#endif
#ifndef __IMallocSpy_FWD_DEFINED__
#define __IMallocSpy_FWD_DEFINED__
typedef struct IMallocSpy IMallocSpy;
#endif

/* ---- IMalloc {00000002-0000-0000-C000-000000000046} ----------------------- */
#ifndef __IMalloc_INTERFACE_DEFINED__
#define __IMalloc_INTERFACE_DEFINED__

typedef IMalloc *LPMALLOC;
EXTERN_C COMKIT_API const IID IID_IMalloc;

#ifdef __cplusplus
struct DECLSPEC_NOVTABLE IMalloc : public IUnknown {
  virtual void *STDMETHODCALLTYPE Alloc(SIZE_T cb) = 0;
  virtual void *STDMETHODCALLTYPE Realloc(void *pv, SIZE_T cb) = 0;
  virtual void STDMETHODCALLTYPE Free(void *pv) = 0;
  virtual SIZE_T STDMETHODCALLTYPE GetSize(void *pv) = 0;
  virtual int STDMETHODCALLTYPE DidAlloc(void *pv) = 0;
  virtual void STDMETHODCALLTYPE HeapMinimize(void) = 0;
};
COMKIT_DECLARE_IID(IMalloc, "00000002-0000-0000-C000-000000000046")
#else
typedef struct IMallocVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IMalloc *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IMalloc *This);
  ULONG(STDMETHODCALLTYPE *Release)(IMalloc *This);
  void *(STDMETHODCALLTYPE *Alloc)(IMalloc *This, SIZE_T cb);
  void *(STDMETHODCALLTYPE *Realloc)(IMalloc *This, void *pv, SIZE_T cb);
  void(STDMETHODCALLTYPE *Free)(IMalloc *This, void *pv);
  SIZE_T(STDMETHODCALLTYPE *GetSize)(IMalloc *This, void *pv);
  int(STDMETHODCALLTYPE *DidAlloc)(IMalloc *This, void *pv);
  void(STDMETHODCALLTYPE *HeapMinimize)(IMalloc *This);
  END_INTERFACE
} IMallocVtbl;
struct IMalloc {
  CONST_VTBL IMallocVtbl *lpVtbl;
};
#ifdef COBJMACROS
#define IMalloc_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IMalloc_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IMalloc_Release(This) ((This)->lpVtbl->Release(This))
#define IMalloc_Alloc(This, cb) ((This)->lpVtbl->Alloc(This, cb))
#define IMalloc_Realloc(This, pv, cb) ((This)->lpVtbl->Realloc(This, pv, cb))
#define IMalloc_Free(This, pv) ((This)->lpVtbl->Free(This, pv))
#define IMalloc_GetSize(This, pv) ((This)->lpVtbl->GetSize(This, pv))
#define IMalloc_DidAlloc(This, pv) ((This)->lpVtbl->DidAlloc(This, pv))
#define IMalloc_HeapMinimize(This) ((This)->lpVtbl->HeapMinimize(This))
#endif
#endif
#endif /* __IMalloc_INTERFACE_DEFINED__ */

/* ---- IMallocSpy {0000001D-0000-0000-C000-000000000046} -------------------- */
#ifndef __IMallocSpy_INTERFACE_DEFINED__
#define __IMallocSpy_INTERFACE_DEFINED__

typedef IMallocSpy *LPMALLOCSPY;
EXTERN_C COMKIT_API const IID IID_IMallocSpy;

#ifdef __cplusplus
struct DECLSPEC_NOVTABLE IMallocSpy : public IUnknown {
  virtual SIZE_T STDMETHODCALLTYPE PreAlloc(SIZE_T cbRequest) = 0;
  virtual void *STDMETHODCALLTYPE PostAlloc(void *pActual) = 0;
  virtual void *STDMETHODCALLTYPE PreFree(void *pRequest, BOOL fSpyed) = 0;
  virtual void STDMETHODCALLTYPE PostFree(BOOL fSpyed) = 0;
  virtual SIZE_T STDMETHODCALLTYPE PreRealloc(void *pRequest, SIZE_T cbRequest, void **ppNewRequest, BOOL fSpyed) = 0;
  virtual void *STDMETHODCALLTYPE PostRealloc(void *pActual, BOOL fSpyed) = 0;
  virtual void *STDMETHODCALLTYPE PreGetSize(void *pRequest, BOOL fSpyed) = 0;
  virtual SIZE_T STDMETHODCALLTYPE PostGetSize(SIZE_T cbActual, BOOL fSpyed) = 0;
  virtual void *STDMETHODCALLTYPE PreDidAlloc(void *pRequest, BOOL fSpyed) = 0;
  virtual int STDMETHODCALLTYPE PostDidAlloc(void *pRequest, BOOL fSpyed, int fActual) = 0;
  virtual void STDMETHODCALLTYPE PreHeapMinimize(void) = 0;
  virtual void STDMETHODCALLTYPE PostHeapMinimize(void) = 0;
};
COMKIT_DECLARE_IID(IMallocSpy, "0000001D-0000-0000-C000-000000000046")
#else
typedef struct IMallocSpyVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IMallocSpy *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IMallocSpy *This);
  ULONG(STDMETHODCALLTYPE *Release)(IMallocSpy *This);
  SIZE_T(STDMETHODCALLTYPE *PreAlloc)(IMallocSpy *This, SIZE_T cbRequest);
  void *(STDMETHODCALLTYPE *PostAlloc)(IMallocSpy *This, void *pActual);
  void *(STDMETHODCALLTYPE *PreFree)(IMallocSpy *This, void *pRequest, BOOL fSpyed);
  void(STDMETHODCALLTYPE *PostFree)(IMallocSpy *This, BOOL fSpyed);
  SIZE_T(STDMETHODCALLTYPE *PreRealloc)(IMallocSpy *This, void *pRequest, SIZE_T cbRequest, void **ppNewRequest, BOOL fSpyed);
  void *(STDMETHODCALLTYPE *PostRealloc)(IMallocSpy *This, void *pActual, BOOL fSpyed);
  void *(STDMETHODCALLTYPE *PreGetSize)(IMallocSpy *This, void *pRequest, BOOL fSpyed);
  SIZE_T(STDMETHODCALLTYPE *PostGetSize)(IMallocSpy *This, SIZE_T cbActual, BOOL fSpyed);
  void *(STDMETHODCALLTYPE *PreDidAlloc)(IMallocSpy *This, void *pRequest, BOOL fSpyed);
  int(STDMETHODCALLTYPE *PostDidAlloc)(IMallocSpy *This, void *pRequest, BOOL fSpyed, int fActual);
  void(STDMETHODCALLTYPE *PreHeapMinimize)(IMallocSpy *This);
  void(STDMETHODCALLTYPE *PostHeapMinimize)(IMallocSpy *This);
  END_INTERFACE
} IMallocSpyVtbl;
struct IMallocSpy {
  CONST_VTBL IMallocSpyVtbl *lpVtbl;
};
#ifdef COBJMACROS
#define IMallocSpy_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IMallocSpy_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IMallocSpy_Release(This) ((This)->lpVtbl->Release(This))
#define IMallocSpy_PreAlloc(This, cbRequest) ((This)->lpVtbl->PreAlloc(This, cbRequest))
#define IMallocSpy_PostAlloc(This, pActual) ((This)->lpVtbl->PostAlloc(This, pActual))
#define IMallocSpy_PreFree(This, pRequest, fSpyed) ((This)->lpVtbl->PreFree(This, pRequest, fSpyed))
#define IMallocSpy_PostFree(This, fSpyed) ((This)->lpVtbl->PostFree(This, fSpyed))
#define IMallocSpy_PreRealloc(This, pRequest, cbRequest, ppNewRequest, fSpyed) \
  ((This)->lpVtbl->PreRealloc(This, pRequest, cbRequest, ppNewRequest, fSpyed))
#define IMallocSpy_PostRealloc(This, pActual, fSpyed) ((This)->lpVtbl->PostRealloc(This, pActual, fSpyed))
#define IMallocSpy_PreGetSize(This, pRequest, fSpyed) ((This)->lpVtbl->PreGetSize(This, pRequest, fSpyed))
#define IMallocSpy_PostGetSize(This, cbActual, fSpyed) ((This)->lpVtbl->PostGetSize(This, cbActual, fSpyed))
#define IMallocSpy_PreDidAlloc(This, pRequest, fSpyed) ((This)->lpVtbl->PreDidAlloc(This, pRequest, fSpyed))
#define IMallocSpy_PostDidAlloc(This, pRequest, fSpyed, fActual) \
  ((This)->lpVtbl->PostDidAlloc(This, pRequest, fSpyed, fActual))
#define IMallocSpy_PreHeapMinimize(This) ((This)->lpVtbl->PreHeapMinimize(This))
#define IMallocSpy_PostHeapMinimize(This) ((This)->lpVtbl->PostHeapMinimize(This))
#endif
#endif
#endif /* __IMallocSpy_INTERFACE_DEFINED__ */

#endif /* COMKIT_ABI_OBJIDL_H */
