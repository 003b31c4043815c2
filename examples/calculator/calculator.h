/* examples/calculator/calculator.h - the ICalculator interface, shared by the
 * server and both clients, usable from C and C++.
 *
 * Written by hand in the shape the IDL compiler generates; when `comkit idl`
 * lands this header comes from calculator.idl instead. */
#ifndef EXAMPLE_CALCULATOR_H
#define EXAMPLE_CALCULATOR_H

#include <objbase.h>
#include <oleauto.h>

/* {3F2A9C10-4B7D-4E21-9A6C-5D8E7F601A01} */
#define CALCULATOR_CLSID_TEXT "{3F2A9C10-4B7D-4E21-9A6C-5D8E7F601A01}"
#define CALCULATOR_PROGID "Example.Calculator"

typedef struct ICalculator ICalculator;

#ifdef __cplusplus
/* {3F2A9C11-4B7D-4E21-9A6C-5D8E7F601A01} */
struct ICalculator : IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Add(double a, double b, double *result) = 0;
  virtual HRESULT STDMETHODCALLTYPE Subtract(double a, double b, double *result) = 0;
  virtual HRESULT STDMETHODCALLTYPE Multiply(double a, double b, double *result) = 0;
  /* DISP_E_DIVBYZERO, with a description in IErrorInfo, when b is 0. */
  virtual HRESULT STDMETHODCALLTYPE Divide(double a, double b, double *result) = 0;
  /* A BSTR the caller frees with SysFreeString. */
  virtual HRESULT STDMETHODCALLTYPE Describe(BSTR *text) = 0;
};
COMKIT_DECLARE_IID(ICalculator, "3F2A9C11-4B7D-4E21-9A6C-5D8E7F601A01")
#else
typedef struct ICalculatorVtbl {
  HRESULT(STDMETHODCALLTYPE *QueryInterface)(ICalculator *This, REFIID riid, void **ppv);
  ULONG(STDMETHODCALLTYPE *AddRef)(ICalculator *This);
  ULONG(STDMETHODCALLTYPE *Release)(ICalculator *This);
  HRESULT(STDMETHODCALLTYPE *Add)(ICalculator *This, double a, double b, double *result);
  HRESULT(STDMETHODCALLTYPE *Subtract)(ICalculator *This, double a, double b, double *result);
  HRESULT(STDMETHODCALLTYPE *Multiply)(ICalculator *This, double a, double b, double *result);
  HRESULT(STDMETHODCALLTYPE *Divide)(ICalculator *This, double a, double b, double *result);
  HRESULT(STDMETHODCALLTYPE *Describe)(ICalculator *This, BSTR *text);
} ICalculatorVtbl;
struct ICalculator {
  const ICalculatorVtbl *lpVtbl;
};
#ifdef COBJMACROS
#define ICalculator_Release(This) ((This)->lpVtbl->Release(This))
#define ICalculator_Add(This, a, b, r) ((This)->lpVtbl->Add(This, a, b, r))
#define ICalculator_Divide(This, a, b, r) ((This)->lpVtbl->Divide(This, a, b, r))
#define ICalculator_Describe(This, t) ((This)->lpVtbl->Describe(This, t))
#endif
/* The IID for C code. */
static const IID IID_ICalculator = {0x3F2A9C11, 0x4B7D, 0x4E21, {0x9A, 0x6C, 0x5D, 0x8E, 0x7F, 0x60, 0x1A, 0x01}};
#endif

#endif
