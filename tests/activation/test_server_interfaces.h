/* tests/activation/test_server_interfaces.h - the interface the test servers
 * implement (C and C++). */
#ifndef COMKIT_TESTS_TEST_SERVER_INTERFACES_H
#define COMKIT_TESTS_TEST_SERVER_INTERFACES_H

#include <objbase.h>

typedef struct ITestValue ITestValue;
EXTERN_C const IID IID_ITestValue;

#ifdef __cplusplus
struct ITestValue : IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Value(int *out) = 0;
};
COMKIT_DECLARE_IID(ITestValue, "5E7C0A11-2B3D-4E5F-8A9B-0C1D2E3F4A5B")
#else
typedef struct ITestValueVtbl {
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(ITestValue *This, REFIID riid, void **ppv);
  ULONG(STDMETHODCALLTYPE *AddRef)(ITestValue *This);
  ULONG(STDMETHODCALLTYPE *Release)(ITestValue *This);
  HRESULT(STDMETHODCALLTYPE *Value)(ITestValue *This, int *out);
} ITestValueVtbl;
struct ITestValue {
  const ITestValueVtbl *lpVtbl;
};
#endif

/* CLSIDs of the test classes. */
#define TEST_CLSID_CPP_OBJECT "{5E7C0A12-2B3D-4E5F-8A9B-0C1D2E3F4A5B}"
#define TEST_CLSID_CPP_PLAIN "{5E7C0A13-2B3D-4E5F-8A9B-0C1D2E3F4A5B}"
#define TEST_CLSID_C_OBJECT "{5E7C0A14-2B3D-4E5F-8A9B-0C1D2E3F4A5B}"

#endif
