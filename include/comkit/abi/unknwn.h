/* comkit/abi/unknwn.h - IUnknown and IClassFactory (the content of Windows'
 * <unknwn.h>). Part of the C-compatible ABI layer.
 *
 * Written by hand in the exact shape the IDL compiler emits for an [object]
 * interface, so that replacing this file with generated output from
 * idl/unknwn.idl changes nothing for users: a forward declaration, the C
 * Vtbl struct (This first, base slots first), the C++ abstract struct with
 * the same slot order plus its IID association, the C method macros under
 * COBJMACROS, and the exported IID constant. */
#ifndef COMKIT_ABI_UNKNWN_H
#define COMKIT_ABI_UNKNWN_H

#include <comkit/abi/base.h>
#include <comkit/abi/guid.h>
#include <comkit/abi/hresult.h>

/* ---- Forward declarations ---------------------------------------------- */
#ifndef __IUnknown_FWD_DEFINED__
#define __IUnknown_FWD_DEFINED__
typedef struct IUnknown IUnknown;
#endif
#ifndef __IClassFactory_FWD_DEFINED__
#define __IClassFactory_FWD_DEFINED__
typedef struct IClassFactory IClassFactory;
#endif

/* ---- IUnknown {00000000-0000-0000-C000-000000000046} ---------------------- */
#ifndef __IUnknown_INTERFACE_DEFINED__
#define __IUnknown_INTERFACE_DEFINED__

typedef IUnknown *LPUNKNOWN;
EXTERN_C COMKIT_API const IID IID_IUnknown;

#ifdef __cplusplus
struct DECLSPEC_NOVTABLE IUnknown {
  virtual HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppvObject) = 0;
  virtual ULONG STDMETHODCALLTYPE AddRef(void) = 0;
  virtual ULONG STDMETHODCALLTYPE Release(void) = 0;

  /* As in the Windows SDK: QueryInterface(&p) takes the IID from p's type. */
  template <class Q>
  HRESULT STDMETHODCALLTYPE QueryInterface(Q **pp) {
    return QueryInterface(::comkit::guid_of<Q>(), reinterpret_cast<void **>(pp));  // ABI: [out] void** of Q*
  }
};
COMKIT_DECLARE_IID(IUnknown, "00000000-0000-0000-C000-000000000046")
#else
typedef struct IUnknownVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IUnknown *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IUnknown *This);
  ULONG(STDMETHODCALLTYPE *Release)(IUnknown *This);
  END_INTERFACE
} IUnknownVtbl;
struct IUnknown {
  CONST_VTBL IUnknownVtbl *lpVtbl;
};
#ifdef COBJMACROS
#define IUnknown_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IUnknown_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IUnknown_Release(This) ((This)->lpVtbl->Release(This))
#endif
#endif
#endif /* __IUnknown_INTERFACE_DEFINED__ */

/* ---- IClassFactory {00000001-0000-0000-C000-000000000046} ----------------- */
#ifndef __IClassFactory_INTERFACE_DEFINED__
#define __IClassFactory_INTERFACE_DEFINED__

typedef IClassFactory *LPCLASSFACTORY;
EXTERN_C COMKIT_API const IID IID_IClassFactory;

#ifdef __cplusplus
struct DECLSPEC_NOVTABLE IClassFactory : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown *pUnkOuter, REFIID riid, void **ppvObject) = 0;
  virtual HRESULT STDMETHODCALLTYPE LockServer(BOOL fLock) = 0;
};
COMKIT_DECLARE_IID(IClassFactory, "00000001-0000-0000-C000-000000000046")
#else
typedef struct IClassFactoryVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(IClassFactory *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IClassFactory *This);
  ULONG(STDMETHODCALLTYPE *Release)(IClassFactory *This);
  HRESULT(STDMETHODCALLTYPE *CreateInstance)(IClassFactory *This, IUnknown *pUnkOuter, REFIID riid, void **ppvObject);
  HRESULT(STDMETHODCALLTYPE *LockServer)(IClassFactory *This, BOOL fLock);
  END_INTERFACE
} IClassFactoryVtbl;
struct IClassFactory {
  CONST_VTBL IClassFactoryVtbl *lpVtbl;
};
#ifdef COBJMACROS
#define IClassFactory_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IClassFactory_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IClassFactory_Release(This) ((This)->lpVtbl->Release(This))
#define IClassFactory_CreateInstance(This, pUnkOuter, riid, ppvObject) \
  ((This)->lpVtbl->CreateInstance(This, pUnkOuter, riid, ppvObject))
#define IClassFactory_LockServer(This, fLock) ((This)->lpVtbl->LockServer(This, fLock))
#endif
#endif
#endif /* __IClassFactory_INTERFACE_DEFINED__ */

#endif /* COMKIT_ABI_UNKNWN_H */
