/* comkit/abi/weakref.h - IWeakReference and IWeakReferenceSource (from
 * Windows' <weakreference.h>). Part of the C-compatible ABI layer; same
 * generated-style shape as unknwn.h.
 *
 * On Windows, Resolve's out parameter is typed IInspectable**; outside the
 * Windows Runtime there is no IInspectable, so it is IUnknown** here. The
 * pointer returned is the interface named by riid either way, so the vtable
 * and the calling convention are the same. */
#ifndef COMKIT_ABI_WEAKREF_H
#define COMKIT_ABI_WEAKREF_H

#include <comkit/abi/unknwn.h>

#ifndef __IWeakReference_FWD_DEFINED__
#define __IWeakReference_FWD_DEFINED__
typedef struct IWeakReference IWeakReference;
#endif
#ifndef __IWeakReferenceSource_FWD_DEFINED__
#define __IWeakReferenceSource_FWD_DEFINED__
typedef struct IWeakReferenceSource IWeakReferenceSource;
#endif

/* ---- IWeakReference {00000037-0000-0000-C000-000000000046} ---------------- */
#ifndef __IWeakReference_INTERFACE_DEFINED__
#define __IWeakReference_INTERFACE_DEFINED__

EXTERN_C COMKIT_API const IID IID_IWeakReference;

#ifdef __cplusplus
struct DECLSPEC_NOVTABLE IWeakReference : public IUnknown {
  /* The object's riid interface (AddRef'd) while it lives: S_OK. Once it is
   * gone: S_OK with *objectReference NULL. */
  virtual HRESULT STDMETHODCALLTYPE Resolve(REFIID riid, IUnknown **objectReference) = 0;
};
COMKIT_DECLARE_IID(IWeakReference, "00000037-0000-0000-C000-000000000046")
#else
typedef struct IWeakReferenceVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IWeakReference *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IWeakReference *This);
  ULONG(STDMETHODCALLTYPE *Release)(IWeakReference *This);
  HRESULT(STDMETHODCALLTYPE *Resolve)(IWeakReference *This, REFIID riid, IUnknown **objectReference);
  END_INTERFACE
} IWeakReferenceVtbl;
struct IWeakReference {
  CONST_VTBL IWeakReferenceVtbl *lpVtbl;
};
#ifdef COBJMACROS
#define IWeakReference_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IWeakReference_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IWeakReference_Release(This) ((This)->lpVtbl->Release(This))
#define IWeakReference_Resolve(This, riid, objectReference) ((This)->lpVtbl->Resolve(This, riid, objectReference))
#endif
#endif
#endif /* __IWeakReference_INTERFACE_DEFINED__ */

/* ---- IWeakReferenceSource {00000038-0000-0000-C000-000000000046} ---------- */
#ifndef __IWeakReferenceSource_INTERFACE_DEFINED__
#define __IWeakReferenceSource_INTERFACE_DEFINED__

EXTERN_C COMKIT_API const IID IID_IWeakReferenceSource;

#ifdef __cplusplus
struct DECLSPEC_NOVTABLE IWeakReferenceSource : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE GetWeakReference(IWeakReference **weakReference) = 0;
};
COMKIT_DECLARE_IID(IWeakReferenceSource, "00000038-0000-0000-C000-000000000046")
#else
typedef struct IWeakReferenceSourceVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IWeakReferenceSource *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IWeakReferenceSource *This);
  ULONG(STDMETHODCALLTYPE *Release)(IWeakReferenceSource *This);
  HRESULT(STDMETHODCALLTYPE *GetWeakReference)(IWeakReferenceSource *This, IWeakReference **weakReference);
  END_INTERFACE
} IWeakReferenceSourceVtbl;
struct IWeakReferenceSource {
  CONST_VTBL IWeakReferenceSourceVtbl *lpVtbl;
};
#ifdef COBJMACROS
#define IWeakReferenceSource_QueryInterface(This, riid, ppvObject) \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IWeakReferenceSource_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IWeakReferenceSource_Release(This) ((This)->lpVtbl->Release(This))
#define IWeakReferenceSource_GetWeakReference(This, weakReference) \
  ((This)->lpVtbl->GetWeakReference(This, weakReference))
#endif
#endif
#endif /* __IWeakReferenceSource_INTERFACE_DEFINED__ */

#endif /* COMKIT_ABI_WEAKREF_H */
