/* tests/abi/generated_layout.c - the headers generated from idl/ have
 * Windows' 64-bit layouts and vtable slot orders, checked at compile time
 * in C99 (where VARIANT's unions carry the names n1, n2, n3). */
#define COBJMACROS
#include <stddef.h>

#include <objbase.h>
#include <ocidl.h>

/* C99 has no _Static_assert; a negative array size fails the build. Named
 * by __COUNTER__ so that no two checks in this file (or the headers'
 * own, named by __LINE__) collide. */
#define CHECK_CAT2(a, b) a##b
#define CHECK_CAT(a, b) CHECK_CAT2(a, b)
#define CHECK(cond, msg) typedef char CHECK_CAT(layout_check_, __COUNTER__)[(cond) ? 1 : -1]
#define SLOT(vtbl, method, n) CHECK(offsetof(vtbl, method) == (n) * sizeof(void *), #vtbl "." #method " is slot " #n)

SLOT(IUnknownVtbl, Release, 2);
SLOT(IClassFactoryVtbl, LockServer, 4);
SLOT(IClassFactory2Vtbl, CreateInstanceLic, 7);
SLOT(IMallocVtbl, HeapMinimize, 8);
SLOT(IMallocSpyVtbl, PostHeapMinimize, 14);
SLOT(ISequentialStreamVtbl, Write, 4);
SLOT(IStreamVtbl, Seek, 5);
SLOT(IStreamVtbl, Clone, 13);
SLOT(IEnumUnknownVtbl, Clone, 6);
SLOT(IEnumStringVtbl, Next, 3);
SLOT(IMarshalVtbl, DisconnectObject, 8);
SLOT(IStdMarshalInfoVtbl, GetClassForHandler, 3);
SLOT(IExternalConnectionVtbl, ReleaseConnection, 4);
SLOT(IPersistStreamVtbl, GetSizeMax, 7);
SLOT(IRunnableObjectVtbl, SetContainedObject, 7);
SLOT(IGlobalInterfaceTableVtbl, GetInterfaceFromGlobal, 5);
SLOT(IWeakReferenceVtbl, Resolve, 3);
SLOT(IWeakReferenceSourceVtbl, GetWeakReference, 3);
SLOT(IDispatchVtbl, Invoke, 6);
SLOT(IEnumVARIANTVtbl, Clone, 6);
SLOT(ITypeCompVtbl, BindType, 4);
SLOT(ITypeInfoVtbl, GetDocumentation, 12);
SLOT(ITypeInfoVtbl, ReleaseVarDesc, 21);
SLOT(ITypeInfo2Vtbl, GetTypeKind, 22);
SLOT(ITypeInfo2Vtbl, GetAllImplTypeCustData, 36);
SLOT(ITypeLibVtbl, ReleaseTLibAttr, 12);
SLOT(ITypeLib2Vtbl, GetAllCustData, 16);
SLOT(IRecordInfoVtbl, RecordDestroy, 18);
SLOT(IErrorInfoVtbl, GetHelpContext, 7);
SLOT(ICreateErrorInfoVtbl, SetHelpContext, 7);
SLOT(ISupportErrorInfoVtbl, InterfaceSupportsErrorInfo, 3);
SLOT(IEnumConnectionsVtbl, Clone, 6);
SLOT(IConnectionPointVtbl, EnumConnections, 7);
SLOT(IEnumConnectionPointsVtbl, Clone, 6);
SLOT(IConnectionPointContainerVtbl, FindConnectionPoint, 4);
SLOT(IProvideClassInfoVtbl, GetClassInfo, 3);

/* Windows x64 layouts. */
CHECK(sizeof(VARIANT) == 24, "VARIANT is 24 bytes");
CHECK(offsetof(VARIANT, n1.n2.vt) == 0, "vt first");
CHECK(offsetof(VARIANT, n1.n2.n3.lVal) == 8, "the value at 8");
CHECK(offsetof(VARIANT, n1.n2.n3.brecVal.pRecInfo) == 16, "BRECORD's second pointer at 16");
CHECK(offsetof(VARIANT, n1.decVal) == 0 && sizeof(DECIMAL) == 16, "DECIMAL overlays the variant");
CHECK(sizeof(SAFEARRAYBOUND) == 8, "SAFEARRAYBOUND");
CHECK(sizeof(SAFEARRAY) == 32 && offsetof(SAFEARRAY, pvData) == 16 && offsetof(SAFEARRAY, rgsabound) == 24,
                          "SAFEARRAY: one bound inline");
CHECK(sizeof(DISPPARAMS) == 24, "DISPPARAMS");
CHECK(sizeof(EXCEPINFO) == 64 && offsetof(EXCEPINFO, scode) == 56, "EXCEPINFO");
CHECK(sizeof(TYPEDESC) == 16 && offsetof(TYPEDESC, vt) == 8, "TYPEDESC");
CHECK(sizeof(ELEMDESC) == 32, "ELEMDESC");
CHECK(sizeof(STATSTG) == 80, "STATSTG");
CHECK(sizeof(CONNECTDATA) == 16, "CONNECTDATA");
CHECK(sizeof(TLIBATTR) == 32, "TLIBATTR");

/* The C method macros reach the right slots. */
HRESULT generated_layout_invoke(IDispatch *d, VARIANT *result);
HRESULT generated_layout_invoke(IDispatch *d, VARIANT *result) {
  DISPPARAMS none = {NULL, NULL, 0, 0};
  return IDispatch_Invoke(d, DISPID_VALUE, &IID_NULL, 0, 1 /* DISPATCH_METHOD */, &none, result, NULL, NULL);
}

/* The V_ accessors reach the same fields as in C++ (nameless unions) and
 * V_DECIMAL's first field is V_VT. */
#include <oleauto.h>
CHECK(sizeof(V_VT((VARIANT *)0)) == 2, "V_VT is the VARTYPE");
CHECK(offsetof(VARIANT, n1.n2.n3.bstrVal) == 8, "V_BSTR at offset 8");
CHECK(sizeof(V_DECIMAL((VARIANT *)0)) == 16, "V_DECIMAL spans the VARIANT's first 16 bytes");
CHECK(sizeof(V_RECORDINFO((VARIANT *)0)) == sizeof(void *), "V_RECORDINFO");
