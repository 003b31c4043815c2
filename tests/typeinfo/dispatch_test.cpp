// tests/typeinfo/dispatch_test.cpp - DispCallFunc, ITypeInfo::Invoke and
// CreateStdDispatch: a C++ object with a dual interface, called late-bound
// through the type library the compiler wrote for its IDL.
#include <gtest/gtest.h>

#include <string>

#include <comkit/com_ptr.h>
#include <objbase.h>
#include <oleauto.h>

#include "dispatch_test.h"
#include "type_named.h"

namespace {

// The object, written against the raw ABI so that only the runtime's late
// binding is under test.
struct calc final : ICalcDisp {
  ULONG refs = 1;
  std::u16string name = u"calc";
  VARIANT seen{};  // what Describe received
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IDispatch) || IsEqualIID(riid, IID_ICalcDisp)) {
      *ppv = this;
      ++refs;
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR*, UINT, LCID, DISPID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID, REFIID, LCID, WORD, DISPPARAMS*, VARIANT*, EXCEPINFO*, UINT*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Add(LONG a, LONG b, LONG* sum) override {
    *sum = a + b;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_Name(BSTR* out) override {
    *out = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(name.data()), static_cast<UINT>(name.size()));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_Name(BSTR in) override {
    name.assign(reinterpret_cast<const char16_t*>(in), SysStringLen(in));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Scale(double x, LONG factor, double* result) override {
    *result = x * factor;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Fail() override {
    ICreateErrorInfo* create = nullptr;
    CreateErrorInfo(&create);
    create->SetDescription(const_cast<LPOLESTR>(reinterpret_cast<const OLECHAR*>(u"it failed")));
    create->SetSource(const_cast<LPOLESTR>(reinterpret_cast<const OLECHAR*>(u"calc")));
    IErrorInfo* info = nullptr;
    create->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&info));
    SetErrorInfo(0, info);
    info->Release();
    create->Release();
    return E_ACCESSDENIED;
  }
  HRESULT STDMETHODCALLTYPE Swap(LONG* a, LONG* b) override {
    std::swap(*a, *b);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Describe(VARIANT v, BSTR* text) override {
    VariantClear(&seen);
    VariantCopy(&seen, &v);
    *text = SysAllocString(reinterpret_cast<const OLECHAR*>(V_VT(&v) == VT_ERROR ? u"missing" : u"given"));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Mix(signed char c, short s, float f, LONGLONG h, VARIANT_BOOL flag, double* r) override {
    *r = c + s + f + static_cast<double>(h) + (flag ? 1000 : 0);
    return S_OK;
  }
};

// The type library comkit_add_idl(... TYPELIB) built for the IDL.
comkit::com_ptr<ITypeInfo> calc_typeinfo() {
  const std::string path = COMKIT_DISPATCH_TLB;
  const std::u16string wide(path.begin(), path.end());
  comkit::com_ptr<ITypeLib> lib;
  EXPECT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(wide.c_str()), lib.put()), S_OK) << path;
  comkit::com_ptr<ITypeInfo> ti;
  if (lib) {
    EXPECT_EQ(lib->GetTypeInfoOfGuid(IID_ICalcDisp, ti.put()), S_OK);
  }
  return ti;
}

struct args {
  std::vector<VARIANT> v;  // in DISPPARAMS order: last argument first
  std::vector<DISPID> named;
  DISPPARAMS p{};
  explicit args(std::vector<VARIANT> reversed, std::vector<DISPID> n = {}) : v(std::move(reversed)), named(std::move(n)) {
    p.rgvarg = v.data();
    p.cArgs = static_cast<UINT>(v.size());
    p.rgdispidNamedArgs = named.empty() ? nullptr : named.data();
    p.cNamedArgs = static_cast<UINT>(named.size());
  }
  ~args() {
    for (VARIANT& x : v) VariantClear(&x);
  }
};

VARIANT i4(LONG x) {
  VARIANT v;
  VariantInit(&v);
  V_VT(&v) = VT_I4;
  V_I4(&v) = x;
  return v;
}
VARIANT text(const char16_t* s) {
  VARIANT v;
  VariantInit(&v);
  V_VT(&v) = VT_BSTR;
  V_BSTR(&v) = SysAllocString(reinterpret_cast<const OLECHAR*>(s));
  return v;
}

TEST(DispCallFunc, CallsAFunctionWithMixedArguments) {
  struct f {
    static double call(signed char c, double d, float x, LONGLONG h, const char* p, VARIANT v) {
      return c + d + x + static_cast<double>(h) + (p ? p[0] : 0) + V_I4(&v);
    }
  };
  VARIANT a[6];
  for (VARIANT& x : a) VariantInit(&x);
  V_VT(&a[0]) = VT_I1, a[0].cVal = -3;
  V_VT(&a[1]) = VT_R8, V_R8(&a[1]) = 0.5;
  V_VT(&a[2]) = VT_R4, V_R4(&a[2]) = 0.25f;
  V_VT(&a[3]) = VT_I8, a[3].llVal = 1000000000000LL;
  static const char letter[] = "A";
  V_VT(&a[4]) = VT_BYREF | VT_I1, a[4].byref = const_cast<char*>(letter);
  a[5] = i4(7);
  VARTYPE vts[] = {VT_I1, VT_R8, VT_R4, VT_I8, VT_BYREF | VT_I1, VT_VARIANT};
  VARIANTARG* ptrs[] = {&a[0], &a[1], &a[2], &a[3], &a[4], &a[5]};
  VARIANT r;
  ASSERT_EQ(DispCallFunc(nullptr, reinterpret_cast<ULONG_PTR>(&f::call), CC_CDECL, VT_R8, 6, vts, ptrs, &r), S_OK);
  EXPECT_EQ(V_VT(&r), VT_R8);
  EXPECT_DOUBLE_EQ(V_R8(&r), -3 + 0.5 + 0.25 + 1e12 + 'A' + 7);
  EXPECT_EQ(DispCallFunc(nullptr, reinterpret_cast<ULONG_PTR>(&f::call), CC_PASCAL, VT_R8, 6, vts, ptrs, &r), E_INVALIDARG);
  VARTYPE bad[] = {VT_RECORD};
  EXPECT_EQ(DispCallFunc(nullptr, reinterpret_cast<ULONG_PTR>(&f::call), CC_CDECL, VT_R8, 1, bad, ptrs, &r), DISP_E_BADVARTYPE);
}

TEST(DispCallFunc, CallsThroughAVtableSlot) {
  calc object;
  VARIANT a = i4(40), b = i4(2), out;
  LONG sum = 0;
  VariantInit(&out);
  V_VT(&out) = VT_BYREF | VT_I4;
  out.byref = &sum;
  VARTYPE vts[] = {VT_I4, VT_I4, VT_BYREF | VT_I4};
  VARIANTARG* ptrs[] = {&a, &b, &out};
  VARIANT r;
  // Add is slot 7 (IUnknown 3 + IDispatch 4).
  ASSERT_EQ(DispCallFunc(static_cast<ICalcDisp*>(&object), 7 * sizeof(void*), CC_STDCALL, VT_ERROR, 3, vts, ptrs, &r), S_OK);
  EXPECT_EQ(V_VT(&r), VT_ERROR);
  EXPECT_EQ(V_ERROR(&r), S_OK);
  EXPECT_EQ(sum, 42);
}

TEST(TypeInfoInvoke, MethodsPropertiesDefaultsAndByRef) {
  auto ti = calc_typeinfo();
  ASSERT_TRUE(ti);
  calc object;
  VARIANT result;
  VariantInit(&result);
  {
    args a({text(u"23"), i4(19)});  // Add(19, "23"): the string converts
    ASSERT_EQ(ti->Invoke(&object, 1, DISPATCH_METHOD, &a.p, &result, nullptr, nullptr), S_OK);
    EXPECT_EQ(V_VT(&result), VT_I4);
    EXPECT_EQ(V_I4(&result), 42);
  }
  {
    args a({text(u"renamed")}, {DISPID_PROPERTYPUT});
    ASSERT_EQ(ti->Invoke(&object, 2, DISPATCH_PROPERTYPUT, &a.p, nullptr, nullptr, nullptr), S_OK);
    EXPECT_EQ(object.name, u"renamed");
    args none({});
    ASSERT_EQ(ti->Invoke(&object, 2, DISPATCH_PROPERTYGET, &none.p, &result, nullptr, nullptr), S_OK);
    ASSERT_EQ(V_VT(&result), VT_BSTR);
    EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(V_BSTR(&result))), u"renamed");
    VariantClear(&result);
    // A put without DISPID_PROPERTYPUT is refused.
    args unnamed({text(u"x")});
    EXPECT_EQ(ti->Invoke(&object, 2, DISPATCH_PROPERTYPUT, &unnamed.p, nullptr, nullptr, nullptr), DISP_E_PARAMNOTOPTIONAL);
  }
  {
    VARIANT x;
    VariantInit(&x);
    V_VT(&x) = VT_R8;
    V_R8(&x) = 1.5;
    args a({x});  // Scale(1.5): factor defaults to 2
    ASSERT_EQ(ti->Invoke(&object, 3, DISPATCH_METHOD, &a.p, &result, nullptr, nullptr), S_OK);
    EXPECT_EQ(V_VT(&result), VT_R8);
    EXPECT_DOUBLE_EQ(V_R8(&result), 3.0);
    args named({i4(10), x}, {1});  // factor by name (its position), x positional
    ASSERT_EQ(ti->Invoke(&object, 3, DISPATCH_METHOD, &named.p, &result, nullptr, nullptr), S_OK);
    EXPECT_DOUBLE_EQ(V_R8(&result), 15.0);
  }
  {
    LONG first = 1, second = 2;
    VARIANT a, b;
    VariantInit(&a);
    VariantInit(&b);
    V_VT(&a) = VT_BYREF | VT_I4, a.byref = &first;
    V_VT(&b) = VT_BYREF | VT_I4, b.byref = &second;
    DISPPARAMS p{};
    VARIANT list[] = {b, a};
    p.rgvarg = list;
    p.cArgs = 2;
    ASSERT_EQ(ti->Invoke(&object, 5, DISPATCH_METHOD, &p, nullptr, nullptr, nullptr), S_OK);
    EXPECT_EQ(first, 2);
    EXPECT_EQ(second, 1);
    // By reference needs the exact type.
    LONG wrong_storage = 0;
    V_VT(&list[0]) = VT_BYREF | VT_I2, list[0].byref = &wrong_storage;
    UINT argerr = 99;
    EXPECT_EQ(ti->Invoke(&object, 5, DISPATCH_METHOD, &p, nullptr, nullptr, &argerr), DISP_E_TYPEMISMATCH);
    EXPECT_EQ(argerr, 0u);
  }
  {
    args none({});
    ASSERT_EQ(ti->Invoke(&object, 6, DISPATCH_METHOD, &none.p, &result, nullptr, nullptr), S_OK);
    EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(V_BSTR(&result))), u"missing");
    EXPECT_EQ(V_VT(&object.seen), VT_ERROR);
    EXPECT_EQ(V_ERROR(&object.seen), DISP_E_PARAMNOTFOUND);
    VariantClear(&result);
    VariantClear(&object.seen);
  }
  {
    VARIANT c, s, f, h, flag;
    for (VARIANT* v : {&c, &s, &f, &h, &flag}) VariantInit(v);
    V_VT(&c) = VT_I4, V_I4(&c) = -1;
    V_VT(&s) = VT_I2, V_I2(&s) = 300;
    V_VT(&f) = VT_R4, V_R4(&f) = 0.5f;
    V_VT(&h) = VT_I8, h.llVal = 5000000000LL;
    V_VT(&flag) = VT_BOOL, V_BOOL(&flag) = VARIANT_TRUE;
    args a({flag, h, f, s, c});
    ASSERT_EQ(ti->Invoke(&object, 7, DISPATCH_METHOD, &a.p, &result, nullptr, nullptr), S_OK);
    EXPECT_DOUBLE_EQ(V_R8(&result), -1 + 300 + 0.5 + 5e9 + 1000);
  }
}

TEST(TypeInfoInvoke, ErrorsAreWindows) {
  auto ti = calc_typeinfo();
  ASSERT_TRUE(ti);
  calc object;
  VARIANT result;
  VariantInit(&result);
  EXCEPINFO e{};
  args none({});
  ASSERT_EQ(ti->Invoke(&object, 4, DISPATCH_METHOD, &none.p, &result, &e, nullptr), DISP_E_EXCEPTION);
  EXPECT_EQ(e.scode, E_ACCESSDENIED);
  ASSERT_NE(e.bstrDescription, nullptr);
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(e.bstrDescription)), u"it failed");
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(e.bstrSource)), u"calc");
  SysFreeString(e.bstrDescription);
  SysFreeString(e.bstrSource);
  SysFreeString(e.bstrHelpFile);
  EXPECT_EQ(ti->Invoke(&object, 4, DISPATCH_METHOD, &none.p, &result, nullptr, nullptr), E_ACCESSDENIED) << "no EXCEPINFO: the code itself";

  EXPECT_EQ(ti->Invoke(&object, 99, DISPATCH_METHOD, &none.p, &result, nullptr, nullptr), DISP_E_MEMBERNOTFOUND);
  args three({i4(1), i4(2), i4(3)});
  EXPECT_EQ(ti->Invoke(&object, 1, DISPATCH_METHOD, &three.p, &result, nullptr, nullptr), DISP_E_BADPARAMCOUNT);
  args one({i4(1)});
  EXPECT_EQ(ti->Invoke(&object, 1, DISPATCH_METHOD, &one.p, &result, nullptr, nullptr), DISP_E_PARAMNOTOPTIONAL);
  args bad({text(u"not a number"), i4(1)});
  UINT argerr = 99;
  EXPECT_EQ(ti->Invoke(&object, 1, DISPATCH_METHOD, &bad.p, &result, nullptr, &argerr), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(argerr, 0u);
  EXPECT_EQ(ti->Invoke(nullptr, 1, DISPATCH_METHOD, &one.p, &result, nullptr, nullptr), E_INVALIDARG);
}

TEST(CreateStdDispatch, IDispatchFromTypeInformation) {
  auto ti = calc_typeinfo();
  ASSERT_TRUE(ti);
  calc object;
  comkit::com_ptr<IUnknown> inner;
  ASSERT_EQ(CreateStdDispatch(nullptr, static_cast<ICalcDisp*>(&object), ti.get(), inner.put()), S_OK);
  comkit::com_ptr<IDispatch> d;
  ASSERT_EQ(inner->QueryInterface(IID_IDispatch, d.put_void()), S_OK);
  UINT count = 0;
  EXPECT_EQ(d->GetTypeInfoCount(&count), S_OK);
  EXPECT_EQ(count, 1u);
  LPOLESTR names[] = {const_cast<LPOLESTR>(reinterpret_cast<const OLECHAR*>(u"add"))};
  DISPID id = 0;
  ASSERT_EQ(d->GetIDsOfNames(IID_NULL, names, 1, LOCALE_USER_DEFAULT, &id), S_OK);
  EXPECT_EQ(id, 1);
  args a({i4(2), i4(3)});
  VARIANT result;
  VariantInit(&result);
  ASSERT_EQ(d->Invoke(id, IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &a.p, &result, nullptr, nullptr), S_OK);
  EXPECT_EQ(V_I4(&result), 5);
  EXPECT_EQ(d->Invoke(id, IID_IUnknown, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &a.p, &result, nullptr, nullptr), DISP_E_UNKNOWNINTERFACE);
  EXPECT_EQ(CreateStdDispatch(nullptr, nullptr, ti.get(), inner.put()), E_INVALIDARG);
}

}  // namespace

namespace {

TEST(DispGetParam, PositionalNamedCoercionAndErrors) {
  // Invoke's view of Foo(10, "2.5", flag := TRUE): named first, then the
  // positional ones last to first.
  VARIANT args[3];
  for (VARIANT& v : args) VariantInit(&v);
  V_VT(&args[0]) = VT_BOOL;
  V_BOOL(&args[0]) = VARIANT_TRUE;  // named, DISPID 5
  V_VT(&args[1]) = VT_BSTR;
  V_BSTR(&args[1]) = SysAllocString(reinterpret_cast<const OLECHAR*>(u"2.5"));  // positional 1
  V_VT(&args[2]) = VT_I4;
  V_I4(&args[2]) = 10;  // positional 0
  DISPID named[] = {5};
  DISPPARAMS p{args, named, 3, 1};
  VARIANT out;
  VariantInit(&out);
  UINT err = 99;
  ASSERT_EQ(DispGetParam(&p, 0, VT_I2, &out, &err), S_OK);
  EXPECT_EQ(V_VT(&out), VT_I2);
  EXPECT_EQ(V_I2(&out), 10);
  ASSERT_EQ(DispGetParam(&p, 1, VT_R8, &out, &err), S_OK) << "the text coerced";
  EXPECT_EQ(V_R8(&out), 2.5);
  ASSERT_EQ(DispGetParam(&p, 5, VT_I4, &out, &err), S_OK) << "DISPID 5 is the named one";
  EXPECT_EQ(V_I4(&out), -1);
  EXPECT_EQ(DispGetParam(&p, 2, VT_I4, &out, &err), DISP_E_PARAMNOTFOUND) << "two positional arguments only";
  EXPECT_EQ(err, 99u) << "puArgErr untouched";
  ASSERT_EQ(DispGetParam(&p, 1, VT_BSTR, &out, nullptr), S_OK) << "puArgErr is optional";
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(V_BSTR(&out))), u"2.5");
  ASSERT_EQ(DispGetParam(&p, 0, VT_I4, &out, nullptr), S_OK) << "the BSTR it held is freed (LSan would see a leak)";
  EXPECT_EQ(V_VT(&out), VT_I4);
  EXPECT_EQ(DispGetParam(&p, 1, VT_DISPATCH, &out, &err), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(err, 1u) << "the index in rgvarg";
  V_I4(&args[2]) = 100000;
  EXPECT_EQ(DispGetParam(&p, 0, VT_I2, &out, &err), DISP_E_OVERFLOW);
  EXPECT_EQ(err, 2u);
  EXPECT_EQ(DispGetParam(nullptr, 0, VT_I4, &out, &err), E_INVALIDARG);
  EXPECT_EQ(DispGetParam(&p, 0, VT_I4, nullptr, &err), E_INVALIDARG);
  DISPPARAMS none{};
  EXPECT_EQ(DispGetParam(&none, 0, VT_I4, &out, &err), DISP_E_PARAMNOTFOUND);
  VariantClear(&args[1]);
}

}  // namespace

namespace {

DECIMAL doubled(DECIMAL d) {
  d.Lo64 *= 2;
  return d;
}

// DECIMAL by value and as the result: the whole 16 bytes, which start where
// the VARIANT does (decVal overlays vt).
TEST(DispCallFunc, DecimalByValue) {
  VARIANT arg;
  VariantInit(&arg);
  DECIMAL d{};
  d.scale = 2;
  d.Lo64 = 12345;  // 123.45
  arg.decVal = d;
  V_VT(&arg) = VT_DECIMAL;
  VARTYPE vts[] = {VT_DECIMAL};
  VARIANTARG* args[] = {&arg};
  VARIANT result;
  VariantInit(&result);
  ASSERT_EQ(DispCallFunc(nullptr, reinterpret_cast<ULONG_PTR>(&doubled), CC_CDECL, VT_DECIMAL, 1, vts, args, &result), S_OK);
  EXPECT_EQ(V_VT(&result), VT_DECIMAL);
  EXPECT_EQ(result.decVal.scale, 2);
  EXPECT_EQ(result.decVal.Lo64, 24690u);
}

}  // namespace

namespace {

// [vararg]: the arguments after the fixed ones, in a SAFEARRAY of VARIANTs.
struct varargs final : IVarargs {
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    *ppv = IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IDispatch) || IsEqualIID(riid, IID_IVarargs) ? this : nullptr;
    return *ppv ? S_OK : E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR*, UINT, LCID, DISPID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID, REFIID, LCID, WORD, DISPPARAMS*, VARIANT*, EXCEPINFO*, UINT*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Join(BSTR sep, SAFEARRAY* rest, BSTR* joined) override {
    std::u16string out;
    LONG lower = 0, upper = -1;
    if (SafeArrayGetLBound(rest, 1, &lower) != S_OK || SafeArrayGetUBound(rest, 1, &upper) != S_OK) return E_UNEXPECTED;
    for (LONG i = lower; i <= upper; ++i) {
      VARIANT v, s;
      VariantInit(&v);
      VariantInit(&s);
      SafeArrayGetElement(rest, &i, &v);
      if (VariantChangeType(&s, &v, 0, VT_BSTR) == S_OK) out += (i > lower ? std::u16string(sep) : u"") + s.bstrVal;
      VariantClear(&v);
      VariantClear(&s);
    }
    *joined = SysAllocString(out.c_str());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Label(Inner* item, BSTR* text) override {
    const std::u16string s = std::u16string(item->label ? item->label : u"") + u"#" + std::u16string(1, static_cast<char16_t>(u'0' + item->id));
    *text = SysAllocString(s.c_str());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Fill(Inner* item) override {
    item->id = 7;
    SysFreeString(item->label);
    item->label = SysAllocString(u"filled");
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Plain(Pair2* pair) override {
    std::swap(pair->x, pair->y);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Count(SAFEARRAY** rest, LONG* n) override {
    *n = static_cast<LONG>((*rest)->rgsabound[0].cElements);
    // Replaced by the callee: the caller's side clears the new one.
    SafeArrayDestroy(*rest);
    *rest = SafeArrayCreateVector(VT_VARIANT, 0, 7);
    return S_OK;
  }
};

comkit::com_ptr<ITypeInfo> varargs_typeinfo() {
  const std::string path = COMKIT_DISPATCH_TLB;
  const std::u16string wide(path.begin(), path.end());
  comkit::com_ptr<ITypeLib> lib;
  EXPECT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(wide.c_str()), lib.put()), S_OK);
  comkit::com_ptr<ITypeInfo> ti;
  if (lib) {
    EXPECT_EQ(lib->GetTypeInfoOfGuid(IID_IVarargs, ti.put()), S_OK);
  }
  return ti;
}

TEST(TypeInfoInvoke, VarargCollectsTheArgumentsLeftIntoASafeArray) {
  auto ti = varargs_typeinfo();
  ASSERT_TRUE(ti);
  varargs o;
  VARIANT result;
  VariantInit(&result);
  {
    args a({i4(3), text(u"two"), i4(1), text(u", ")});  // Join(", ", 1, "two", 3)
    ASSERT_EQ(ti->Invoke(static_cast<IVarargs*>(&o), 1, DISPATCH_METHOD, &a.p, &result, nullptr, nullptr), S_OK);
    ASSERT_EQ(V_VT(&result), VT_BSTR);
    EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(V_BSTR(&result))), u"1, two, 3");
    VariantClear(&result);
  }
  {
    args a({text(u"-")});  // none left over: an empty array
    ASSERT_EQ(ti->Invoke(static_cast<IVarargs*>(&o), 1, DISPATCH_METHOD, &a.p, &result, nullptr, nullptr), S_OK);
    EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(V_BSTR(&result))), u"");
    VariantClear(&result);
  }
  {
    args a({i4(5), i4(6)});  // by reference: the callee may replace the array
    ASSERT_EQ(ti->Invoke(static_cast<IVarargs*>(&o), 2, DISPATCH_METHOD, &a.p, &result, nullptr, nullptr), S_OK);
    EXPECT_EQ(V_VT(&result), VT_I4);
    EXPECT_EQ(V_I4(&result), 2);
  }
  {
    DISPID named = 1;  // the [vararg] parameter takes positional arguments only
    args a({i4(5), text(u",")}, {named});
    EXPECT_EQ(ti->Invoke(static_cast<IVarargs*>(&o), 1, DISPATCH_METHOD, &a.p, &result, nullptr, nullptr), DISP_E_PARAMNOTFOUND);
  }
  {
    args none({});  // the fixed parameter is still required
    EXPECT_EQ(ti->Invoke(static_cast<IVarargs*>(&o), 1, DISPATCH_METHOD, &none.p, &result, nullptr, nullptr),
              DISP_E_PARAMNOTOPTIONAL);
  }
}

TEST(TypeInfoInvoke, RecordsByPointerComeFromVtRecordVariants) {
  auto ti = varargs_typeinfo();
  ASSERT_TRUE(ti);
  comkit::com_ptr<ITypeLib> lib;
  UINT index = 0;
  ASSERT_EQ(ti->GetContainingTypeLib(lib.put(), &index), S_OK);
  const GUID inner_guid = {0x5f1c2a32, 0x7d4e, 0x4b1a, {0x9c, 0x2d, 0x3e, 0x4f, 0x5a, 0x6b, 0x7c, 0x80}};
  const GUID rich_guid = {0x5f1c2a33, 0x7d4e, 0x4b1a, {0x9c, 0x2d, 0x3e, 0x4f, 0x5a, 0x6b, 0x7c, 0x80}};
  comkit::com_ptr<ITypeInfo> inner_ti, rich_ti;
  ASSERT_EQ(lib->GetTypeInfoOfGuid(inner_guid, inner_ti.put()), S_OK);
  ASSERT_EQ(lib->GetTypeInfoOfGuid(rich_guid, rich_ti.put()), S_OK);
  comkit::com_ptr<IRecordInfo> inner_ri, rich_ri;
  ASSERT_EQ(GetRecordInfoFromTypeInfo(inner_ti.get(), inner_ri.put()), S_OK);
  ASSERT_EQ(GetRecordInfoFromTypeInfo(rich_ti.get(), rich_ri.put()), S_OK);
  varargs o;
  Inner item{4, SysAllocString(u"box")};
  VARIANT result;
  VariantInit(&result);
  {
    VARIANT arg;
    arg.vt = VT_RECORD;
    arg.pvRecord = &item;
    arg.pRecInfo = inner_ri.get();
    DISPPARAMS p{&arg, nullptr, 1, 0};
    ASSERT_EQ(ti->Invoke(static_cast<IVarargs*>(&o), 3, DISPATCH_METHOD, &p, &result, nullptr, nullptr), S_OK);
    EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(V_BSTR(&result))), u"box#4");
    VariantClear(&result);
    // [out]: the callee fills the caller's record.
    arg.vt = VT_RECORD | VT_BYREF;
    ASSERT_EQ(ti->Invoke(static_cast<IVarargs*>(&o), 4, DISPATCH_METHOD, &p, nullptr, nullptr, nullptr), S_OK);
    EXPECT_EQ(item.id, 7);
    EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(item.label)), u"filled");
    // A record of another type, or something else, is a type mismatch.
    arg.vt = VT_RECORD;
    arg.pRecInfo = rich_ri.get();
    UINT bad = 99;
    EXPECT_EQ(ti->Invoke(static_cast<IVarargs*>(&o), 3, DISPATCH_METHOD, &p, &result, nullptr, &bad), DISP_E_TYPEMISMATCH);
    EXPECT_EQ(bad, 0u);
    arg.vt = VT_I4;
    arg.lVal = 1;
    EXPECT_EQ(ti->Invoke(static_cast<IVarargs*>(&o), 3, DISPATCH_METHOD, &p, &result, nullptr, &bad), DISP_E_TYPEMISMATCH);
    // A record without a GUID is matched by name and size: Inner (16 bytes,
    // another record) is refused where a Pair2 (8) is wanted, so the callee
    // never writes past it.
    arg.vt = VT_RECORD;
    arg.pvRecord = &item;
    arg.pRecInfo = inner_ri.get();
    EXPECT_EQ(ti->Invoke(static_cast<IVarargs*>(&o), 5, DISPATCH_METHOD, &p, nullptr, nullptr, &bad), DISP_E_TYPEMISMATCH);
    comkit::com_ptr<ITypeInfo> pair_ti = comkit_test::type_named(lib.get(), u"Pair2");
    ASSERT_TRUE(pair_ti);
    comkit::com_ptr<IRecordInfo> pair_ri;
    ASSERT_EQ(GetRecordInfoFromTypeInfo(pair_ti.get(), pair_ri.put()), S_OK);
    Pair2 pair{1, 2};
    arg.pvRecord = &pair;
    arg.pRecInfo = pair_ri.get();
    ASSERT_EQ(ti->Invoke(static_cast<IVarargs*>(&o), 5, DISPATCH_METHOD, &p, nullptr, nullptr, nullptr), S_OK);
    EXPECT_EQ(pair.x, 2);
    EXPECT_EQ(pair.y, 1);
  }
  SysFreeString(item.label);
}

}  // namespace
