// tests/projection/generated_test.cpp - the generated C++ projection
// (comkit idl, shop_projection.h) used the way a client uses it: projected
// members on com_ptr, through the dot only. The objects are implemented
// against the raw ABI, so every conversion the projection makes is checked
// at the boundary.
#include <gtest/gtest.h>

#include "shop_projection.h"

#include <comkit/implements.h>

#include <string>
#include <vector>

namespace {

struct item : comkit::implements<item, IItem> {
  std::u16string name = u"apple";
  HRESULT STDMETHODCALLTYPE get_Name(BSTR* out) override {
    if (!out) return E_POINTER;
    *out = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(name.data()), static_cast<UINT>(name.size()));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_Name(BSTR in) override {
    name.assign(reinterpret_cast<const char16_t*>(in ? in : u""), SysStringLen(in));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_Price(double* out) override {
    *out = 1.25;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_InStock(VARIANT_BOOL* out) override {
    *out = VARIANT_TRUE;
    return S_OK;
  }
};

struct shop : comkit::implements<shop, IShop2, ISupportErrorInfo> {
  bool vouch = true;  // ISupportErrorInfo's answer for IShop
  HRESULT STDMETHODCALLTYPE Add(LONG a, LONG b, LONG* sum) override {
    *sum = a + b;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE DivMod(LONG a, LONG b, LONG* q, LONG* r) override {
    if (b == 0) return DISP_E_DIVBYZERO;
    *q = a / b;
    *r = a % b;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Greet(BSTR who, BSTR* text) override {
    last_greet_arg = who;
    std::u16string s = u"hello, " + std::u16string(reinterpret_cast<const char16_t*>(who ? who : u""), SysStringLen(who));
    *text = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(s.data()), static_cast<UINT>(s.size()));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Length(const OLECHAR* text, ULONG* n) override {
    *n = static_cast<ULONG>(std::char_traits<char16_t>::length(reinterpret_cast<const char16_t*>(text)));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Sum(ULONG count, const LONG* values, LONGLONG* total) override {
    *total = 0;
    for (ULONG i = 0; i < count; ++i) *total += values[i];
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Range(LONG first, LONG n, ULONG* count, LONG** values) override {
    *values = static_cast<LONG*>(CoTaskMemAlloc(sizeof(LONG) * static_cast<std::size_t>(n)));
    for (LONG i = 0; i < n; ++i) (*values)[i] = first + i;
    *count = static_cast<ULONG>(n);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Find(BSTR name, IItem** out) override {
    *out = nullptr;
    if (SysStringLen(name) == 0) return E_INVALIDARG;
    comkit::com_ptr<IItem> it = comkit::make<item>();
    it.copy_to(out);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Query(REFIID riid, void** out) override { return QueryInterface(riid, out); }
  HRESULT STDMETHODCALLTYPE Reset() override {
    ++resets;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Scale(double x, double factor, double* r) override {
    *r = x * factor;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Fail(HRESULT code) override {
    comkit::detail::set_error_info("the shop is closed", "shop");
    return code;
  }
  HRESULT STDMETHODCALLTYPE Swap(LONG* a, BSTR* s) override {
    *a = -*a;
    SysFreeString(*s);
    *s = SysAllocString(reinterpret_cast<const OLECHAR*>(u"swapped"));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get(LONG* v) override {
    *v = 7;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE IsEven(LONG v, VARIANT_BOOL* even) override {
    *even = v % 2 == 0 ? VARIANT_TRUE : VARIANT_FALSE;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Echo(VARIANT v, VARIANT* r) override { return VariantCopy(r, &v); }
  HRESULT STDMETHODCALLTYPE Accept(IItem* it, VARIANT_BOOL upper, BSTR* name) override {
    if (!it) return E_POINTER;
    HRESULT hr = it->get_Name(name);
    if (SUCCEEDED(hr) && upper)
      for (UINT i = 0; i < SysStringLen(*name); ++i) (*name)[i] = static_cast<OLECHAR>(std::toupper((*name)[i]));
    return hr;
  }
  HRESULT STDMETHODCALLTYPE Paint(Color color, Access access, LONG* code) override {
    *code = static_cast<LONG>(color) * 100 + static_cast<LONG>(access);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Version(LONG* v) override {
    *v = 2;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE InterfaceSupportsErrorInfo(REFIID riid) override {
    return vouch && riid == IID_IShop ? S_OK : S_FALSE;
  }
  BSTR last_greet_arg = nullptr;
  int resets = 0;
};

TEST(GeneratedProjection, MethodsAreMembersOfComPtr) {
  comkit::com_ptr<IShop> s = comkit::make<shop>();
  EXPECT_EQ(s.Add(19, 23), 42);
  auto [q, r] = s.DivMod(17, 5);
  EXPECT_EQ(q, 3);
  EXPECT_EQ(r, 2);
  EXPECT_EQ(s.get_(), 7);  // `get` is com_ptr's: renamed
  s.Reset();
  EXPECT_EQ(s.Scale(3), 6);  // [defaultvalue(2)]
  EXPECT_EQ(s.Scale(3, 5), 15);
  EXPECT_TRUE(s.IsEven(4));
  EXPECT_FALSE(s.IsEven(5));
  EXPECT_EQ(s.Paint(Blue, AccessRead), 201);
  static_assert(sizeof(comkit::com_ptr<IShop2>) == sizeof(void*), "the consume base holds no data");
}

TEST(GeneratedProjection, DerivedInterfaceReachesBaseMethods) {
  comkit::com_ptr<IShop2> s = comkit::make<shop>();
  EXPECT_EQ(s.Version(), 2);
  EXPECT_EQ(s.Add(1, 2), 3);
}

TEST(GeneratedProjection, StringsInEveryForm) {
  comkit::com_ptr<IShop> s = comkit::make<shop>();
  shop* impl = comkit::get_self<shop>(s);
  EXPECT_EQ(s.Greet(u"world"), u"hello, world");
  EXPECT_EQ(s.Greet("wörld").to_utf8(), "hello, wörld");
  EXPECT_EQ(s.Greet(std::u16string(u"x")), u"hello, x");
  EXPECT_EQ(s.Greet(std::string("utf8")), u"hello, utf8");
  comkit::bstr mine(u"mine");
  EXPECT_EQ(s.Greet(mine), u"hello, mine");
  EXPECT_EQ(impl->last_greet_arg, mine.get()) << "a bstr argument is passed without a copy";
  EXPECT_EQ(s.Length(u"four"), 4u);
  EXPECT_EQ(s.Length("three"), 5u);
  std::u16string_view part = std::u16string_view(u"abcdef").substr(0, 2);
  EXPECT_EQ(s.Length(part), 2u) << "a view is terminated before the call";
  EXPECT_EQ(s.Length(mine), 4u);
}

TEST(GeneratedProjection, ArraysBothWays) {
  comkit::com_ptr<IShop> s = comkit::make<shop>();
  const std::vector<LONG> v = {1, 2, 3, 4};
  EXPECT_EQ(s.Sum(v), 10);
  EXPECT_EQ(s.Sum({}), 0);
  const std::vector<LONG> r = s.Range(5, 3);  // the callee's CoTaskMem block is freed (ASan checks)
  EXPECT_EQ(r, (std::vector<LONG>{5, 6, 7}));
  EXPECT_TRUE(s.Range(0, 0).empty());
}

TEST(GeneratedProjection, InterfacesPropertiesAndIidIs) {
  comkit::com_ptr<IShop> s = comkit::make<shop>();
  comkit::com_ptr<IItem> it = s.Find("apple");
  ASSERT_TRUE(it);
  EXPECT_EQ(it.Name(), u"apple");
  it.Name("pear");
  EXPECT_EQ(it.Name(), u"pear");
  EXPECT_EQ(it.Price(), 1.25);
  EXPECT_TRUE(it.InStock());
  EXPECT_EQ(s.Accept(it, true), u"PEAR");
  EXPECT_EQ(s.Accept(it.get(), false), u"pear");
  comkit::com_ptr<IShop2> two = s.Query<IShop2>();
  EXPECT_EQ(two.Version(), 2);
  EXPECT_THROW(s.Query<IItem>(), comkit::hresult_error);
}

TEST(GeneratedProjection, InOutAndVariant) {
  comkit::com_ptr<IShop> s = comkit::make<shop>();
  LONG a = 5;
  comkit::bstr text(u"before");
  s.Swap(a, text);
  EXPECT_EQ(a, -5);
  EXPECT_EQ(text, u"swapped");
  comkit::variant v(42);
  comkit::variant back = s.Echo(v);
  EXPECT_EQ(back.get()->vt, VT_I4);
  EXPECT_EQ(back.get()->lVal, 42);
}

TEST(GeneratedProjection, FailureThrowsWithTheObjectsErrorInfo) {
  comkit::com_ptr<IShop> s = comkit::make<shop>();
  shop* impl = comkit::get_self<shop>(s);
  try {
    s.Fail(E_ACCESSDENIED);
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), E_ACCESSDENIED);
    EXPECT_EQ(e.message(), "the shop is closed");
    EXPECT_EQ(e.source(), "shop");
  }
  // An object that does not vouch for its error object: the description is
  // not trusted (it could be stale), only the code comes through.
  impl->vouch = false;
  try {
    s.Fail(E_ACCESSDENIED);
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), E_ACCESSDENIED);
    EXPECT_NE(e.message(), "the shop is closed");
  }
  EXPECT_THROW(s.DivMod(1, 0), comkit::hresult_error);
  EXPECT_THROW(s.Find(""), comkit::hresult_error);
}

TEST(GeneratedProjection, CoclassTraitsComeFromTheIdl) {
  static_assert(comkit::clsid_of<Shop>() == comkit::make_guid("8d1e2a40-1c2b-4e5f-9a01-000000000010"));
  static_assert(std::is_same_v<comkit::coclass_traits<Shop>::default_interface, IShop2>);
  EXPECT_EQ(std::u16string_view(comkit::coclass_traits<Shop>::progid), u"Test.Shop.1");
  EXPECT_EQ(std::string_view(comkit::coclass_traits<Shop>::threading), "both");
  EXPECT_EQ(comkit::clsid_of<Shop>(), CLSID_Shop);
  // Not registered: CoCreateInstance's error comes back as an exception.
  EXPECT_THROW(comkit::create_instance<Shop>(), comkit::hresult_error);
}

}  // namespace
