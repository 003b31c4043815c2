/* examples/hello/hello.c - what comkit can do so far, end to end, in plain C
 * written exactly as for Windows: a COM object implemented in C that reports
 * a rich error through IErrorInfo, a client that calls it, GUID text, task
 * memory, BSTRs and UTF-8 conversion. Exits non-zero if anything is off.
 * (The activation issue replaces this with a real component scenario.) */
#define COBJMACROS
#include <objbase.h>
#include <oleauto.h>
#include <comkit/abi/extensions.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "hello.c:%d: check failed: %s\n", __LINE__, #cond); \
      ++failures;                                                       \
    }                                                                   \
  } while (0)

/* Prints a BSTR or OLECHAR string as UTF-8. */
static void print_olestr(const char *label, const OLECHAR *s, size_t len) {
  char buf[256];
  size_t need = 0;
  if (FAILED(ComkitUtf16ToUtf8(s, len, buf, sizeof buf - 1, &need))) {
    printf("%s<unprintable>\n", label);
    return;
  }
  buf[need] = 0;
  printf("%s%s\n", label, buf);
}

/* ---- A tiny object: IUnknown + ISupportErrorInfo, written in C --------- */

typedef struct thermostat {
  ISupportErrorInfo iface;
  LONG refs;
  double setpoint;
} thermostat;

static HRESULT STDMETHODCALLTYPE t_QueryInterface(ISupportErrorInfo *This, REFIID riid, void **ppv) {
  if (!ppv) return E_POINTER;
  if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISupportErrorInfo)) {
    *ppv = This;
    ISupportErrorInfo_AddRef(This);
    return S_OK;
  }
  *ppv = NULL;
  return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE t_AddRef(ISupportErrorInfo *This) { return (ULONG)++((thermostat *)This)->refs; }
static ULONG STDMETHODCALLTYPE t_Release(ISupportErrorInfo *This) {
  thermostat *t = (thermostat *)This;
  LONG left = --t->refs;
  if (left == 0) {
    printf("thermostat: destroyed\n");
    CoTaskMemFree(t);
  }
  return (ULONG)left;
}
static HRESULT STDMETHODCALLTYPE t_InterfaceSupportsErrorInfo(ISupportErrorInfo *This, REFIID riid) {
  (void)This;
  return IsEqualIID(riid, &IID_IUnknown) ? S_OK : S_FALSE;
}
static ISupportErrorInfoVtbl thermostat_vtbl = {t_QueryInterface, t_AddRef, t_Release,
                                                 t_InterfaceSupportsErrorInfo};

/* A "method" of the object: fails with a description through IErrorInfo. */
static HRESULT thermostat_set(thermostat *t, double celsius) {
  ICreateErrorInfo *create = NULL;
  IErrorInfo *info = NULL;
  HRESULT hr;
  if (celsius >= 5.0 && celsius <= 30.0) {
    t->setpoint = celsius;
    return S_OK;
  }
  hr = CreateErrorInfo(&create);
  if (FAILED(hr)) return hr;
  ICreateErrorInfo_SetSource(create, (LPOLESTR)OLESTR("Example.Thermostat"));
  ICreateErrorInfo_SetDescription(create, (LPOLESTR)OLESTR("Setpoint must be between 5 and 30 \u00B0C"));
  ICreateErrorInfo_SetGUID(create, &IID_IUnknown);
  if (SUCCEEDED(ICreateErrorInfo_QueryInterface(create, &IID_IErrorInfo, (void **)&info))) {
    SetErrorInfo(0, info);
    IErrorInfo_Release(info);
  }
  ICreateErrorInfo_Release(create);
  return E_INVALIDARG;
}

int main(void) {
  thermostat *t;
  ISupportErrorInfo *sei;
  IUnknown *unk = NULL;
  IErrorInfo *err = NULL;
  BSTR desc = NULL, source = NULL, greeting = NULL;
  OLECHAR text[39];
  LPOLESTR clsid_text = NULL;
  GUID id, parsed;
  HRESULT hr;
  IMalloc *malloc_ = NULL;

  /* A fresh identity for the object, in registry format. */
  CHECK(CoCreateGuid(&id) == S_OK);
  CHECK(StringFromCLSID(&id, &clsid_text) == S_OK);
  print_olestr("new CLSID:    ", clsid_text, 38);
  CHECK(CLSIDFromString(clsid_text, &parsed) == S_OK && IsEqualCLSID(&parsed, &id));
  CoTaskMemFree(clsid_text);
  CHECK(StringFromGUID2(&IID_IErrorInfo, text, 39) == 39);
  print_olestr("IID_IErrorInfo: ", text, 38);

  /* The object lives in task memory. */
  CHECK(CoGetMalloc(MEMCTX_TASK, &malloc_) == S_OK);
  t = (thermostat *)CoTaskMemAlloc(sizeof *t);
  if (!t) return 1;
  CHECK(IMalloc_GetSize(malloc_, t) == sizeof *t && IMalloc_DidAlloc(malloc_, t) == 1);
  t->iface.lpVtbl = &thermostat_vtbl;
  t->refs = 1;
  t->setpoint = 20.0;
  sei = &t->iface;

  CHECK(ISupportErrorInfo_QueryInterface(sei, &IID_IUnknown, (void **)&unk) == S_OK);
  CHECK((void *)unk == (void *)sei); /* one object, one identity */
  IUnknown_Release(unk);
  CHECK(ISupportErrorInfo_QueryInterface(sei, &IID_IClassFactory, (void **)&unk) == E_NOINTERFACE);

  /* A call that succeeds, then one that fails with rich error information. */
  CHECK(thermostat_set(t, 21.5) == S_OK);
  printf("setpoint:     %.1f\n", t->setpoint);
  hr = thermostat_set(t, 99.0);
  printf("set(99) ->    0x%08X %s: %s\n", (unsigned)hr, ComkitHResultName(hr), ComkitHResultMessage(hr));
  CHECK(hr == E_INVALIDARG);
  if (ISupportErrorInfo_InterfaceSupportsErrorInfo(sei, &IID_IUnknown) == S_OK &&
      GetErrorInfo(0, &err) == S_OK) {
    CHECK(IErrorInfo_GetSource(err, &source) == S_OK);
    CHECK(IErrorInfo_GetDescription(err, &desc) == S_OK);
    print_olestr("  source:     ", source, SysStringLen(source));
    print_olestr("  description: ", desc, SysStringLen(desc));
    SysFreeString(source);
    SysFreeString(desc);
    IErrorInfo_Release(err);
  } else {
    CHECK(!"no error info");
  }
  CHECK(GetErrorInfo(0, &err) == S_FALSE); /* the slot was handed over */

  /* BSTRs from UTF-8, with their length prefix. */
  CHECK(ComkitBstrFromUtf8("Gr\xC3\xBC\xC3\x9F dich, COM", 17, &greeting) == S_OK);
  printf("greeting:     %u characters, %u bytes\n", SysStringLen(greeting), SysStringByteLen(greeting));
  print_olestr("              ", greeting, SysStringLen(greeting));
  CHECK(SysReAllocString(&greeting, OLESTR("bye")) && SysStringLen(greeting) == 3);
  SysFreeString(greeting);

  CHECK(ISupportErrorInfo_Release(sei) == 0);
  IMalloc_Release(malloc_);
  printf(failures ? "hello: %d check(s) FAILED\n" : "hello: all checks passed\n", failures);
  return failures ? 1 : 0;
}
