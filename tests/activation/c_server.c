/* tests/activation/c_server.c - an in-process server in plain C: one class,
 * its class factory, the module lock, and self-registration. */
#define COBJMACROS
#include <objbase.h>
#include <comkit/abi/extensions.h>

#include <stdlib.h>

#include "test_server_interfaces.h"

const IID IID_ITestValue = {0x5E7C0A11, 0x2B3D, 0x4E5F, {0x8A, 0x9B, 0x0C, 0x1D, 0x2E, 0x3F, 0x4A, 0x5B}};
static const CLSID CLSID_CObject = {0x5E7C0A14, 0x2B3D, 0x4E5F, {0x8A, 0x9B, 0x0C, 0x1D, 0x2E, 0x3F, 0x4A, 0x5B}};

static volatile LONG g_locks = 0; /* live objects + LockServer locks */

typedef struct c_object {
  ITestValue iface;
  LONG refs;
} c_object;

static HRESULT STDMETHODCALLTYPE obj_QueryInterface(ITestValue *This, REFIID riid, void **ppv) {
  if (!ppv) return E_POINTER;
  if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ITestValue)) {
    *ppv = This;
    This->lpVtbl->AddRef(This);
    return S_OK;
  }
  *ppv = NULL;
  return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE obj_AddRef(ITestValue *This) {
  return (ULONG)__atomic_add_fetch(&((c_object *)This)->refs, 1, __ATOMIC_RELAXED);
}
static ULONG STDMETHODCALLTYPE obj_Release(ITestValue *This) {
  LONG left = __atomic_sub_fetch(&((c_object *)This)->refs, 1, __ATOMIC_ACQ_REL);
  if (left == 0) {
    free(This);
    __atomic_sub_fetch(&g_locks, 1, __ATOMIC_RELEASE);
  }
  return (ULONG)left;
}
static HRESULT STDMETHODCALLTYPE obj_Value(ITestValue *This, int *out) {
  (void)This;
  if (!out) return E_POINTER;
  *out = 99;
  return S_OK;
}
static const ITestValueVtbl obj_vtbl = {obj_QueryInterface, obj_AddRef, obj_Release, obj_Value};

static HRESULT STDMETHODCALLTYPE cf_QueryInterface(IClassFactory *This, REFIID riid, void **ppv) {
  if (!ppv) return E_POINTER;
  if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory)) {
    *ppv = This;
    return S_OK;
  }
  *ppv = NULL;
  return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE cf_AddRef(IClassFactory *This) {
  (void)This;
  return 2;
}
static ULONG STDMETHODCALLTYPE cf_Release(IClassFactory *This) {
  (void)This;
  return 1;
}
static HRESULT STDMETHODCALLTYPE cf_CreateInstance(IClassFactory *This, IUnknown *outer, REFIID riid, void **ppv) {
  c_object *o;
  HRESULT hr;
  (void)This;
  if (!ppv) return E_POINTER;
  *ppv = NULL;
  if (outer) return CLASS_E_NOAGGREGATION;
  o = (c_object *)malloc(sizeof *o);
  if (!o) return E_OUTOFMEMORY;
  o->iface.lpVtbl = &obj_vtbl;
  o->refs = 1;
  __atomic_add_fetch(&g_locks, 1, __ATOMIC_RELAXED);
  hr = obj_QueryInterface(&o->iface, riid, ppv);
  obj_Release(&o->iface);
  return hr;
}
static HRESULT STDMETHODCALLTYPE cf_LockServer(IClassFactory *This, BOOL lock) {
  (void)This;
  if (lock)
    __atomic_add_fetch(&g_locks, 1, __ATOMIC_RELAXED);
  else
    __atomic_sub_fetch(&g_locks, 1, __ATOMIC_RELEASE);
  return S_OK;
}
static const IClassFactoryVtbl cf_vtbl = {cf_QueryInterface, cf_AddRef, cf_Release, cf_CreateInstance,
                                          cf_LockServer};
static IClassFactory g_factory = {(IClassFactoryVtbl *)&cf_vtbl};

HRESULT STDAPICALLTYPE DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv) {
  if (!ppv) return E_POINTER;
  *ppv = NULL;
  if (!IsEqualCLSID(rclsid, &CLSID_CObject)) return CLASS_E_CLASSNOTAVAILABLE;
  return cf_QueryInterface(&g_factory, riid, ppv);
}

HRESULT STDAPICALLTYPE DllCanUnloadNow(void) { return __atomic_load_n(&g_locks, __ATOMIC_ACQUIRE) == 0 ? S_OK : S_FALSE; }

HRESULT STDAPICALLTYPE DllRegisterServer(void) {
  HRESULT hr;
  COMKIT_CLASS_REGISTRATION cls;
  cls.clsid = CLSID_CObject;
  cls.progid = "ComkitTest.CObject.1";
  cls.version_independent_progid = "ComkitTest.CObject";
  cls.threading_model = "Free";
  cls.description = "comkit test object written in C";
  hr = ComkitRegisterServer(NULL, &cls, 1, COMKIT_REGISTER_DEFAULT);
  return hr; /* not a tail call: cls lives on this frame */
}

HRESULT STDAPICALLTYPE DllUnregisterServer(void) {
  /* Looking at the result keeps this an ordinary call, so ComkitUnregisterServer
   * can tell which module called it. */
  HRESULT hr = ComkitUnregisterServer(NULL, COMKIT_REGISTER_DEFAULT);
  return hr == S_FALSE ? S_OK : hr;
}
