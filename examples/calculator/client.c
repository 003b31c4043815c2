/* examples/calculator/client.c - a plain C client, Windows-style: ProgID to
 * CLSID, CoCreateInstance, vtable calls, and the IErrorInfo of a failure. */
#define COBJMACROS
#include <objbase.h>
#include <oleauto.h>
#include <comkit/abi/extensions.h>

#include <stdio.h>

#define COBJMACROS
#include "calculator.h"

static void print_bstr(const char *label, BSTR b) {
  char buf[256];
  size_t need = 0;
  if (b && SUCCEEDED(ComkitUtf16ToUtf8(b, SysStringLen(b), buf, sizeof buf - 1, &need))) {
    buf[need] = 0;
    printf("%s%s\n", label, buf);
  }
}

int main(void) {
  CLSID clsid;
  ICalculator *calc = NULL;
  IErrorInfo *info = NULL;
  BSTR text = NULL;
  double sum = 0, nothing = 0;
  HRESULT hr;
  int rc = 0;
  static const OLECHAR progid[] = {'E', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'C', 'a', 'l',
                                   'c', 'u', 'l', 'a', 't', 'o', 'r', 0};

  if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) return 1;
  hr = CLSIDFromProgID(progid, &clsid);
  if (SUCCEEDED(hr)) hr = CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_ICalculator, (void **)&calc);
  if (FAILED(hr)) {
    printf("c client: cannot create the calculator: 0x%08X %s\n", (unsigned)hr, ComkitHResultMessage(hr));
    CoUninitialize();
    return 1;
  }
  ICalculator_Add(calc, 40, 2, &sum);
  printf("c client: 40 + 2 = %g\n", sum);
  if (sum != 42) rc = 1;
  if (SUCCEEDED(ICalculator_Describe(calc, &text))) print_bstr("c client: ", text);
  SysFreeString(text);

  hr = ICalculator_Divide(calc, 7, 0, &nothing);
  printf("c client: 7 / 0 -> 0x%08X %s (%s)\n", (unsigned)hr, ComkitHResultName(hr), ComkitHResultMessage(hr));
  if (hr != DISP_E_DIVBYZERO) rc = 1;
  if (GetErrorInfo(0, &info) == S_OK) {
    BSTR description = NULL;
    IErrorInfo_GetDescription(info, &description);
    print_bstr("c client: error description: ", description);
    SysFreeString(description);
    IErrorInfo_Release(info);
  } else {
    printf("c client: no error information\n");
    rc = 1;
  }
  ICalculator_Release(calc);
  CoUninitialize();
  return rc;
}
