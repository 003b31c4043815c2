/* tests/abi/c_abi.c - the C side of the ABI tests, compiled as C99 with
 * COBJMACROS exactly as a Windows C client would be.
 *
 * c_call_all_*: call every method of an interface through the C macros, in
 * declaration order; the C++ test passes a recording C++ object and checks
 * the order in which its virtual methods ran (so the C Vtbl and the C++
 * vtable agree slot for slot).
 * c_new_factory: a class factory implemented in C, consumed from C++.
 * c_runtime_*: the runtime's own C API exercised from C. */
#define COBJMACROS
#include <objbase.h>
#include <oleauto.h>
#include <comkit/abi/extensions.h>

#include <stdlib.h>

#include "c_abi.h"

void c_call_all_unknown(IUnknown *p) {
  void *out = NULL;
  IUnknown_QueryInterface(p, &IID_IUnknown, &out);
  IUnknown_AddRef(p);
  IUnknown_Release(p);
}

void c_call_all_class_factory(IClassFactory *p) {
  void *out = NULL;
  IClassFactory_QueryInterface(p, &IID_IClassFactory, &out);
  IClassFactory_AddRef(p);
  IClassFactory_Release(p);
  IClassFactory_CreateInstance(p, NULL, &IID_IUnknown, &out);
  IClassFactory_LockServer(p, TRUE);
}

void c_call_all_malloc(IMalloc *p) {
  void *out = NULL;
  IMalloc_QueryInterface(p, &IID_IMalloc, &out);
  IMalloc_AddRef(p);
  IMalloc_Release(p);
  IMalloc_Alloc(p, 1);
  IMalloc_Realloc(p, NULL, 2);
  IMalloc_Free(p, NULL);
  IMalloc_GetSize(p, NULL);
  IMalloc_DidAlloc(p, NULL);
  IMalloc_HeapMinimize(p);
}

void c_call_all_malloc_spy(IMallocSpy *p) {
  void *out = NULL;
  IMallocSpy_QueryInterface(p, &IID_IMallocSpy, &out);
  IMallocSpy_AddRef(p);
  IMallocSpy_Release(p);
  IMallocSpy_PreAlloc(p, 1);
  IMallocSpy_PostAlloc(p, NULL);
  IMallocSpy_PreFree(p, NULL, FALSE);
  IMallocSpy_PostFree(p, FALSE);
  IMallocSpy_PreRealloc(p, NULL, 1, &out, FALSE);
  IMallocSpy_PostRealloc(p, NULL, FALSE);
  IMallocSpy_PreGetSize(p, NULL, FALSE);
  IMallocSpy_PostGetSize(p, 0, FALSE);
  IMallocSpy_PreDidAlloc(p, NULL, FALSE);
  IMallocSpy_PostDidAlloc(p, NULL, FALSE, 0);
  IMallocSpy_PreHeapMinimize(p);
  IMallocSpy_PostHeapMinimize(p);
}

void c_call_all_error_info(IErrorInfo *p) {
  void *out = NULL;
  GUID g;
  BSTR b = NULL;
  DWORD ctx = 0;
  IErrorInfo_QueryInterface(p, &IID_IErrorInfo, &out);
  IErrorInfo_AddRef(p);
  IErrorInfo_Release(p);
  IErrorInfo_GetGUID(p, &g);
  IErrorInfo_GetSource(p, &b);
  IErrorInfo_GetDescription(p, &b);
  IErrorInfo_GetHelpFile(p, &b);
  IErrorInfo_GetHelpContext(p, &ctx);
}

void c_call_all_create_error_info(ICreateErrorInfo *p) {
  void *out = NULL;
  ICreateErrorInfo_QueryInterface(p, &IID_ICreateErrorInfo, &out);
  ICreateErrorInfo_AddRef(p);
  ICreateErrorInfo_Release(p);
  ICreateErrorInfo_SetGUID(p, &GUID_NULL);
  ICreateErrorInfo_SetSource(p, NULL);
  ICreateErrorInfo_SetDescription(p, NULL);
  ICreateErrorInfo_SetHelpFile(p, NULL);
  ICreateErrorInfo_SetHelpContext(p, 0);
}

void c_call_all_support_error_info(ISupportErrorInfo *p) {
  void *out = NULL;
  ISupportErrorInfo_QueryInterface(p, &IID_ISupportErrorInfo, &out);
  ISupportErrorInfo_AddRef(p);
  ISupportErrorInfo_Release(p);
  ISupportErrorInfo_InterfaceSupportsErrorInfo(p, &IID_IUnknown);
}

/* ---- A class factory written in C ------------------------------------- */

typedef struct c_factory {
  IClassFactory iface; /* first member: the object's address is the interface's */
  LONG refs;
  LONG locks;
} c_factory;

static HRESULT STDMETHODCALLTYPE cf_QueryInterface(IClassFactory *This, REFIID riid, void **ppv) {
  if (!ppv) return E_POINTER;
  if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory)) {
    *ppv = This;
    IClassFactory_AddRef(This);
    return S_OK;
  }
  *ppv = NULL;
  return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE cf_AddRef(IClassFactory *This) { return (ULONG)++((c_factory *)This)->refs; }
static ULONG STDMETHODCALLTYPE cf_Release(IClassFactory *This) {
  c_factory *f = (c_factory *)This;
  LONG left = --f->refs;
  if (left == 0) free(f);
  return (ULONG)left;
}
static HRESULT STDMETHODCALLTYPE cf_CreateInstance(IClassFactory *This, IUnknown *outer, REFIID riid, void **ppv) {
  if (!ppv) return E_POINTER;
  *ppv = NULL;
  if (outer) return CLASS_E_NOAGGREGATION;
  /* The factory hands out itself as the "instance": enough to test the call. */
  return cf_QueryInterface(This, riid, ppv);
}
static HRESULT STDMETHODCALLTYPE cf_LockServer(IClassFactory *This, BOOL lock) {
  ((c_factory *)This)->locks += lock ? 1 : -1;
  return S_OK;
}

static IClassFactoryVtbl c_factory_vtbl = {cf_QueryInterface, cf_AddRef, cf_Release, cf_CreateInstance,
                                           cf_LockServer};

IClassFactory *c_new_factory(void) {
  c_factory *f = (c_factory *)calloc(1, sizeof *f);
  if (!f) return NULL;
  f->iface.lpVtbl = &c_factory_vtbl;
  f->refs = 1;
  return &f->iface;
}

LONG c_factory_locks(IClassFactory *p) { return ((c_factory *)p)->locks; }

/* ---- The runtime from C ------------------------------------------------ */

int c_runtime_roundtrip(void) {
  static const OLECHAR text[] = {'{', '0', '0', '0', '0', '0', '0', '0', '0', '-', '0', '0', '0', '0', '-',
                                 '0', '0', '0', '0', '-', 'C', '0', '0', '0', '-', '0', '0', '0', '0', '0',
                                 '0', '0', '0', '0', '0', '4', '6', '}', 0};
  CLSID clsid;
  OLECHAR buf[39];
  IMalloc *m = NULL;
  ICreateErrorInfo *create = NULL;
  IErrorInfo *info = NULL, *got = NULL;
  BSTR b;
  void *p;
  int ok = 1;

  ok &= CLSIDFromString(text, &clsid) == S_OK && IsEqualCLSID(&clsid, &IID_IUnknown);
  ok &= StringFromGUID2(&clsid, buf, 39) == 39 && buf[0] == '{' && buf[38] == 0;
  ok &= StringFromGUID2(NULL, buf, 39) == 0;
  ok &= CoGetMalloc(MEMCTX_TASK, &m) == S_OK;
  p = IMalloc_Alloc(m, 10);
  ok &= p != NULL && IMalloc_GetSize(m, p) == 10 && IMalloc_DidAlloc(m, p) == 1;
  IMalloc_Free(m, p);
  IMalloc_Release(m);

  b = SysAllocStringLen(text, 5);
  ok &= SysStringLen(b) == 5 && SysStringByteLen(b) == 10 && b[5] == 0;
  SysFreeString(b);

  ok &= CreateErrorInfo(&create) == S_OK;
  ok &= ICreateErrorInfo_QueryInterface(create, &IID_IErrorInfo, (void **)&info) == S_OK;
  ok &= SetErrorInfo(0, info) == S_OK;
  ok &= GetErrorInfo(0, &got) == S_OK && got == info;
  ok &= GetErrorInfo(0, &got) == S_FALSE;
  IErrorInfo_Release(info);
  IErrorInfo_Release(info);
  ICreateErrorInfo_Release(create);

  ok &= SUCCEEDED(S_FALSE) && FAILED(E_FAIL) && HRESULT_FROM_WIN32(ERROR_OUTOFMEMORY) == E_OUTOFMEMORY;
  ok &= ComkitHResultMessage(E_NOINTERFACE) != NULL;
  return ok;
}
