// tests/projection/generated_test.cpp - the generated C++ projection
// (comkit idl, shop_projection.h) used the way a client uses it: projected
// members on com_ptr, through the dot only. Every test runs against two
// implementations of the same interfaces: raw_shop writes the raw ABI
// methods (which the generated produce shim calls as they are), so every
// conversion the consuming side makes is checked at the boundary;
// idiomatic_shop writes plain C++ members (values in and out, exceptions to
// fail), so the produce shim's conversions are checked by the same
// expectations.
#include <gtest/gtest.h>

#include "shop_projection.h"

#include <comkit/implements.h>

#include <cctype>
#include <iterator>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct raw_item : comkit::implements<raw_item, IItem> {
  std::u16string name = u"apple";
  HRESULT STDMETHODCALLTYPE get_Name(BSTR* out) {
    if (!out) return E_POINTER;
    *out = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(name.data()), static_cast<UINT>(name.size()));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_Name(BSTR in) {
    name.assign(reinterpret_cast<const char16_t*>(in ? in : u""), SysStringLen(in));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_Price(double* out) {
    *out = 1.25;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_InStock(VARIANT_BOOL* out) {
    *out = VARIANT_TRUE;
    return S_OK;
  }
};

struct raw_shop : comkit::implements<raw_shop, IShop2, ISupportErrorInfo, IConnectionPointContainer>,
                  comkit::event_source<raw_shop, IShopEvents> {
  bool vouch = true;  // ISupportErrorInfo's answer for IShop
  HRESULT STDMETHODCALLTYPE Add(LONG a, LONG b, LONG* sum) {
    *sum = a + b;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE DivMod(LONG a, LONG b, LONG* q, LONG* r) {
    if (b == 0) return DISP_E_DIVBYZERO;
    *q = a / b;
    *r = a % b;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Greet(BSTR who, BSTR* text) {
    last_greet_arg = who;
    std::u16string s = u"hello, " + std::u16string(reinterpret_cast<const char16_t*>(who ? who : u""), SysStringLen(who));
    *text = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(s.data()), static_cast<UINT>(s.size()));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Length(const OLECHAR* text, ULONG* n) {
    *n = static_cast<ULONG>(std::char_traits<char16_t>::length(reinterpret_cast<const char16_t*>(text)));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Sum(ULONG count, const LONG* values, LONGLONG* total) {
    *total = 0;
    for (ULONG i = 0; i < count; ++i) *total += values[i];
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Range(LONG first, LONG n, ULONG* count, LONG** values) {
    *values = static_cast<LONG*>(CoTaskMemAlloc(sizeof(LONG) * static_cast<std::size_t>(n)));
    for (LONG i = 0; i < n; ++i) (*values)[i] = first + i;
    *count = static_cast<ULONG>(n);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Find(BSTR name, IItem** out) {
    *out = nullptr;
    if (SysStringLen(name) == 0) return E_INVALIDARG;
    comkit::com_ptr<IItem> it = comkit::make<raw_item>();
    it.copy_to(out);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Query(REFIID riid, void** out) { return QueryInterface(riid, out); }
  HRESULT STDMETHODCALLTYPE Reset() {
    ++resets;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Scale(double x, double factor, double* r) {
    *r = x * factor;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Fail(HRESULT code) {
    comkit::detail::set_error_info("the shop is closed", "shop");
    return code;
  }
  HRESULT STDMETHODCALLTYPE Swap(LONG* a, BSTR* s) {
    *a = -*a;
    SysFreeString(*s);
    *s = SysAllocString(reinterpret_cast<const OLECHAR*>(u"swapped"));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get(LONG* v) {
    *v = 7;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE IsEven(LONG v, VARIANT_BOOL* even) {
    *even = v % 2 == 0 ? VARIANT_TRUE : VARIANT_FALSE;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Echo(VARIANT v, VARIANT* r) { return VariantCopy(r, &v); }
  HRESULT STDMETHODCALLTYPE Accept(IItem* it, VARIANT_BOOL upper, BSTR* name) {
    if (!it) return E_POINTER;
    HRESULT hr = it->get_Name(name);
    if (SUCCEEDED(hr) && upper)
      for (UINT i = 0; i < SysStringLen(*name); ++i) (*name)[i] = static_cast<OLECHAR>(std::toupper((*name)[i]));
    return hr;
  }
  HRESULT STDMETHODCALLTYPE Paint(Color color, Access access, LONG* code) {
    *code = static_cast<LONG>(color) * 100 + static_cast<LONG>(access);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Version(LONG* v) {
    *v = 2;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Items(ULONG count, IEnumItem** out) {
    std::vector<comkit::com_ptr<IItem>> v;
    for (ULONG k = 0; k < count; ++k) v.push_back(comkit::make<raw_item>());
    *out = comkit::make_enumerator<IEnumItem>(v).detach();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Sell(BSTR item, LONG count) {
    for (const comkit::com_ptr<IShopEvents>& sink : sinks<IShopEvents>()) {  // raw calls on each sink
      (void)sink->Sold(item, count);
      if (count == 0) (void)sink->Closed();
    }
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Identity(Color color, IUnknown** self, LONG* hr) {
    *hr = static_cast<LONG>(color);
    return QueryInterface(IID_IUnknown, reinterpret_cast<void**>(self));
  }
  HRESULT STDMETHODCALLTYPE IsOmitted(VARIANT extra, VARIANT_BOOL* omitted) {
    *omitted = extra.vt == VT_ERROR && extra.scode == DISP_E_PARAMNOTFOUND ? VARIANT_TRUE : VARIANT_FALSE;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Mirror(Point p, Point* out) {
    *out = Point{-p.x, -p.y};
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Centroid(ULONG count, const Point* points, Point* c) {
    if (count == 0) return E_INVALIDARG;
    LONG x = 0, y = 0;
    for (ULONG k = 0; k < count; ++k) x += points[k].x, y += points[k].y;
    *c = Point{x / static_cast<LONG>(count), y / static_cast<LONG>(count)};
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Bump(VARIANT* v) {
    if (v->vt != VT_I4) return DISP_E_TYPEMISMATCH;
    ++v->lVal;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Names(ULONG count, IEnumString** out) {
    std::vector<std::u16string> v;
    for (ULONG k = 0; k < count; ++k) v.push_back(u"name " + comkit::detail::utf16_of(std::to_string(k)));
    *out = comkit::make_enumerator<IEnumString>(v).detach();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE InterfaceSupportsErrorInfo(REFIID riid) noexcept override {
    return vouch && riid == IID_IShop ? S_OK : S_FALSE;
  }
  BSTR last_greet_arg = nullptr;
  int resets = 0;
};

// The same behaviour, written the idiomatic way.
struct idiomatic_item : comkit::implements<idiomatic_item, IItem> {
  std::u16string name = u"apple";
  comkit::bstr Name() const { return comkit::bstr(name); }
  void Name(std::u16string_view n) { name = n; }
  double Price() const { return 1.25; }
  bool InStock() const { return true; }
};

struct idiomatic_shop : comkit::implements<idiomatic_shop, IShop2, IConnectionPointContainer>,
                        comkit::coclass_event_source<idiomatic_shop, Shop> {  // the coclass's [source] interfaces
  LONG Add(LONG a, LONG b) const { return a + b; }
  IShop2Ptr::DivMod_result DivMod(LONG a, LONG b) const {
    if (b == 0) throw comkit::hresult_error(DISP_E_DIVBYZERO);
    return {a / b, a % b};
  }
  std::u16string Greet(std::u16string_view who) {
    last_greet_arg = reinterpret_cast<BSTR>(const_cast<char16_t*>(who.data()));  // ABI: the caller's BSTR, seen through the view
    return u"hello, " + std::u16string(who);
  }
  ULONG Length(std::string_view text) const {  // UTF-8 on request; the shim converts
    return static_cast<ULONG>(comkit::detail::utf16_of(text).size());
  }
  LONGLONG Sum(std::span<const LONG> values) const {
    LONGLONG total = 0;
    for (LONG v : values) total += v;
    return total;
  }
  std::vector<LONG> Range(LONG first, LONG n) const {
    std::vector<LONG> v;
    for (LONG i = 0; i < n; ++i) v.push_back(first + i);
    return v;
  }
  comkit::com_ptr<IItem> Find(const std::string& name) const {
    if (name.empty()) throw std::invalid_argument("no name");  // E_INVALIDARG
    return comkit::make<idiomatic_item>();
  }
  comkit::com_ptr<IUnknown> Query(REFIID) { return comkit::com_ptr<IUnknown>(comkit::make_self<idiomatic_shop>().as<IUnknown>()); }
  void Reset() { ++resets; }  // the ABI's HRESULT Reset() has the same parameters: no clash
  double Scale(double x, double factor) const { return x * factor; }
  comkit::result<void> Fail(HRESULT code) const {  // failing without throwing, with its own error object
    comkit::detail::set_error_info("the shop is closed", "shop");
    return code;
  }
  void Swap(LONG& a, comkit::bstr& s) const {
    a = -a;
    s = comkit::bstr(u"swapped");
  }
  LONG get_() const { return 7; }  // `get` is renamed on both sides
  bool IsEven(LONG v) const { return v % 2 == 0; }
  comkit::variant Echo(const comkit::variant& v) const { return v; }
  std::string Accept(const comkit::com_ptr<IItem>& it, bool upper) const {
    if (!it) throw comkit::hresult_error(E_POINTER);
    std::string n = it.Name().to_utf8();
    if (upper)
      for (char& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return n;
  }
  LONG Paint(shop::Color color, shop::Access access) const {
    return static_cast<LONG>(color) * 100 + static_cast<LONG>(access);
  }
  LONG Version() const { return 2; }
  comkit::com_ptr<IEnumItem> Items(ULONG count) const {
    std::vector<comkit::com_ptr<IItem>> v;
    for (ULONG k = 0; k < count; ++k) v.push_back(comkit::make<idiomatic_item>());
    return comkit::make_enumerator<IEnumItem>(v);
  }
  void Sell(std::u16string_view item, LONG count) {
    raise<IShopEvents>([&](comkit::com_ptr<IShopEvents>& sink) {  // the projection's members on each sink
      sink.Sold(item, count);
      if (count == 0) sink.Closed();
    });
  }
  IShop2Ptr::Identity_result Identity(shop::Color color) {
    return {this_unknown(), static_cast<LONG>(color)};
  }
  comkit::com_ptr<IUnknown> this_unknown() {
    comkit::com_ptr<IUnknown> u;
    QueryInterface(IID_IUnknown, u.put_void());
    return u;
  }
  bool IsOmitted(const comkit::variant& extra) const { return extra.is_missing(); }
  Point Mirror(Point p) const { return {-p.x, -p.y}; }
  Point Centroid(std::span<const Point> points) const {
    if (points.empty()) throw std::invalid_argument("no points");
    LONG x = 0, y = 0;
    for (const Point& p : points) x += p.x, y += p.y;
    return {x / static_cast<LONG>(points.size()), y / static_cast<LONG>(points.size())};
  }
  void Bump(comkit::variant& v) const {
    if (v.vt() != VT_I4) throw comkit::hresult_error(DISP_E_TYPEMISMATCH);
    v = comkit::variant(v.get()->lVal + 1);
  }
  comkit::com_ptr<IEnumString> Names(ULONG count) const {
    std::vector<std::u16string> v;
    for (ULONG k = 0; k < count; ++k) v.push_back(u"name " + comkit::detail::utf16_of(std::to_string(k)));
    return comkit::make_enumerator<IEnumString>(v);
  }

  BSTR last_greet_arg = nullptr;
  int resets = 0;
};

template <typename Shop>
class GeneratedProjection : public ::testing::Test {};
using shops = ::testing::Types<raw_shop, idiomatic_shop>;
TYPED_TEST_SUITE(GeneratedProjection, shops);

TYPED_TEST(GeneratedProjection, MethodsAreMembersOfComPtr) {
  comkit::com_ptr<IShop> s = comkit::make<TypeParam>();
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
  EXPECT_EQ(s.Paint(shop::Color::Blue, shop::Access::AccessRead), 201);  // enums are enum classes in namespace shop
  EXPECT_EQ(s.Paint(shop::Color::Green, shop::Access::AccessRead | shop::Access::AccessExec), 105);  // a flag set
  static_assert(sizeof(comkit::com_ptr<IShop2>) == sizeof(void*), "the consume base holds no data");
}

template <typename E>
concept has_bit_or = requires(E e) { e | e; };

TEST(GeneratedProjectionEnums, EnumClassesMirrorTheCEnums) {
  static_assert(sizeof(shop::Color) == sizeof(::Color) && sizeof(shop::Access) == sizeof(::Access));
  static_assert(static_cast<int>(shop::Color::Blue) == Blue);
  static_assert(!std::is_convertible_v<shop::Color, int>, "scoped");
  // Access is a flag set (MIDL has no [flags]: powers of two and their
  // unions), so it has the bitmask operators; Color has none.
  constexpr shop::Access rw = shop::Access::AccessRead | shop::Access::AccessWrite;
  static_assert(static_cast<int>(rw) == 3);
  static_assert((rw & shop::Access::AccessWrite) == shop::Access::AccessWrite);
  static_assert(shop::any_of(rw, shop::Access::AccessRead) && !shop::any_of(rw, shop::Access::AccessExec));
  static_assert((~shop::Access::AccessNone & shop::Access::AccessAll) == shop::Access::AccessAll);
  shop::Access a = shop::Access::AccessRead;
  a |= shop::Access::AccessExec;
  a ^= shop::Access::AccessRead;
  EXPECT_EQ(a, shop::Access::AccessExec);
  static_assert(!has_bit_or<shop::Color> && has_bit_or<shop::Access>, "only the flag set has the operators");
}

TYPED_TEST(GeneratedProjection, EnumeratorsAreRanges) {
  comkit::com_ptr<IShop2> s = comkit::make<TypeParam>();
  int n = 0;
  for (comkit::com_ptr<IItem>& it : s.Items(40)) {  // three batches of Next
    EXPECT_EQ(it.Name(), u"apple");
    ++n;
  }
  EXPECT_EQ(n, 40);
  std::vector<std::u16string> names;
  for (const std::u16string& name : s.Names(17)) names.push_back(name);  // IEnumString: CoTaskMem strings, freed
  ASSERT_EQ(names.size(), 17u);
  EXPECT_EQ(names[0], u"name 0");
  EXPECT_EQ(names[16], u"name 16");
  n = 0;
  for (auto&& it : s.Items(0)) n += it ? 1 : 1;
  EXPECT_EQ(n, 0);
  // The range goes on from where the enumerator stands.
  comkit::com_ptr<IEnumString> e = s.Names(5);
  ASSERT_EQ(e->Skip(3), S_OK);  // IEnumString is not from this IDL: the raw ABI
  names.clear();
  for (const std::u16string& name : e) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::u16string>{u"name 3", u"name 4"}));
  static_assert(std::input_iterator<decltype(begin(e))>);
}

// A sink object with idiomatic members, handling both events.
struct shop_watcher {
  std::vector<std::string>* log;
  void Sold(std::string_view item, LONG count) { log->push_back(std::string(item) + " x" + std::to_string(count)); }
  void Closed() { log->push_back("closed"); }
};

TYPED_TEST(GeneratedProjection, EventsReachEverySinkUntilTheTokenGoes) {
  comkit::com_ptr<IShop2> s = comkit::make<TypeParam>();
  std::vector<std::string> log;
  std::vector<LONG> counts;
  {
    comkit::event_token watcher = comkit::advise<IShopEvents>(s, shop_watcher{&log});
    // A callable gets the events whose arguments it takes (Sold), and
    // Closed, which it cannot take, is ignored.
    comkit::event_token lambda = comkit::advise<IShopEvents>(s, [&](std::u16string_view, LONG n) { counts.push_back(n); });
    EXPECT_NE(watcher.cookie(), lambda.cookie());
    s.Sell(u"pear", 3);
    s.Sell(u"fig", 0);
    lambda.revoke();
    s.Sell(u"plum", 1);
  }
  s.Sell(u"kiwi", 2);  // both tokens gone: nobody listens
  EXPECT_EQ(log, (std::vector<std::string>{"pear x3", "fig x0", "closed", "plum x1"}));
  EXPECT_EQ(counts, (std::vector<LONG>{3, 0}));
}

TYPED_TEST(GeneratedProjection, OptionalVariantsDefaultToMissing) {
  comkit::com_ptr<IShop2> s = comkit::make<TypeParam>();
  EXPECT_TRUE(s.IsOmitted());
  EXPECT_FALSE(s.IsOmitted(comkit::variant(3)));
  EXPECT_FALSE(s.IsOmitted(comkit::variant()));  // VT_EMPTY is a value, not an omission
  EXPECT_TRUE(s.IsOmitted(comkit::variant::missing()));
}

TYPED_TEST(GeneratedProjection, StructsAndInOutVariants) {
  comkit::com_ptr<IShop2> s = comkit::make<TypeParam>();
  const Point m = s.Mirror(Point{3, -4});
  EXPECT_EQ(m.x, -3);
  EXPECT_EQ(m.y, 4);
  const std::vector<Point> pts = {{0, 0}, {4, 2}, {8, 4}};
  const Point c = s.Centroid(pts);
  EXPECT_EQ(c.x, 4);
  EXPECT_EQ(c.y, 2);
  try {
    s.Centroid({});
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), E_INVALIDARG);
  }
  comkit::variant v(41);
  s.Bump(v);
  EXPECT_EQ(v.get()->lVal, 42);
  comkit::variant text(u"x");
  EXPECT_THROW(s.Bump(text), comkit::hresult_error);
  EXPECT_EQ(text.vt(), VT_BSTR) << "a failed call leaves the [in, out] value in place";
}

TYPED_TEST(GeneratedProjection, ParameterNamesDoNotMeetGeneratedLocals) {
  comkit::com_ptr<IShop2> s = comkit::make<TypeParam>();
  auto [self, hr] = s.Identity();  // color defaults to Blue (2)
  EXPECT_EQ(hr, 2);
  EXPECT_EQ(static_cast<void*>(self.get()), static_cast<void*>(s.get()));
  EXPECT_EQ(s.Identity(shop::Color::Green).hr, 1);
}

TYPED_TEST(GeneratedProjection, DerivedInterfaceReachesBaseMethods) {
  comkit::com_ptr<IShop2> s = comkit::make<TypeParam>();
  EXPECT_EQ(s.Version(), 2);
  EXPECT_EQ(s.Add(1, 2), 3);
}

TYPED_TEST(GeneratedProjection, StringsInEveryForm) {
  comkit::com_ptr<IShop> s = comkit::make<TypeParam>();
  TypeParam* impl = comkit::get_self<TypeParam>(s);
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

TYPED_TEST(GeneratedProjection, ArraysBothWays) {
  comkit::com_ptr<IShop> s = comkit::make<TypeParam>();
  const std::vector<LONG> v = {1, 2, 3, 4};
  EXPECT_EQ(s.Sum(v), 10);
  EXPECT_EQ(s.Sum({}), 0);
  const std::vector<LONG> r = s.Range(5, 3);  // the callee's CoTaskMem block is freed (ASan checks)
  EXPECT_EQ(r, (std::vector<LONG>{5, 6, 7}));
  EXPECT_TRUE(s.Range(0, 0).empty());
}

TYPED_TEST(GeneratedProjection, InterfacesPropertiesAndIidIs) {
  comkit::com_ptr<IShop> s = comkit::make<TypeParam>();
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

TYPED_TEST(GeneratedProjection, InOutAndVariant) {
  comkit::com_ptr<IShop> s = comkit::make<TypeParam>();
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

TYPED_TEST(GeneratedProjection, FailureThrowsWithTheObjectsErrorInfo) {
  comkit::com_ptr<IShop> s = comkit::make<TypeParam>();
  TypeParam* impl = comkit::get_self<TypeParam>(s);
  try {
    s.Fail(E_ACCESSDENIED);
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), E_ACCESSDENIED);
    EXPECT_EQ(e.message(), "the shop is closed");
    EXPECT_EQ(e.source(), "shop");
  }
  if constexpr (requires { impl->vouch; }) {
    // An object that does not vouch for its error object: the description
    // is not trusted (it could be stale), only the code comes through.
    impl->vouch = false;
    try {
      s.Fail(E_ACCESSDENIED);
      FAIL() << "no exception";
    } catch (const comkit::hresult_error& e) {
      EXPECT_EQ(e.code(), E_ACCESSDENIED);
      EXPECT_NE(e.message(), "the shop is closed");
    }
  } else {
    // The produce shim answers ISupportErrorInfo for what it implements.
    comkit::com_ptr<ISupportErrorInfo> sei = s.as<ISupportErrorInfo>();
    EXPECT_EQ(sei->InterfaceSupportsErrorInfo(IID_IShop), S_OK);
    EXPECT_EQ(sei->InterfaceSupportsErrorInfo(IID_IShop2), S_OK);
    EXPECT_EQ(sei->InterfaceSupportsErrorInfo(IID_IItem), S_FALSE);
    EXPECT_EQ(sei->InterfaceSupportsErrorInfo(IID_IUnknown), S_FALSE);
  }
  try {
    s.DivMod(1, 0);
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), DISP_E_DIVBYZERO);
  }
  try {
    s.Find("");
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), E_INVALIDARG);
    if (std::is_same_v<TypeParam, idiomatic_shop>) {
      EXPECT_EQ(e.message(), "no name") << "what() reaches the caller";
    }
  }
}

TEST(GeneratedProjectionCoclass, CoclassTraitsComeFromTheIdl) {
  static_assert(comkit::clsid_of<Shop>() == comkit::make_guid("8d1e2a40-1c2b-4e5f-9a01-000000000010"));
  static_assert(std::is_same_v<comkit::coclass_traits<Shop>::default_interface, IShop2>);
  static_assert(std::is_same_v<comkit::coclass_traits<Shop>::default_source, IShopEvents>);
  static_assert(std::is_same_v<decltype(comkit::clsid_of<Shop>()), comkit::clsid>, "a CLSID is its own type");
  EXPECT_EQ(comkit::iid_of<IShop>(), IID_IShop);
  static_assert(std::is_same_v<comkit::coclass_traits<Shop>::source_interfaces, comkit::detail::type_list<IShopEvents>>);
  EXPECT_EQ(std::string_view(comkit::coclass_traits<Shop>::progid), "Test.Shop.1");
  EXPECT_EQ(std::string_view(comkit::coclass_traits<Shop>::version_independent_progid), "Test.Shop");
  EXPECT_EQ(std::string_view(comkit::coclass_traits<Shop>::threading), "both");
  EXPECT_EQ(std::string_view(comkit::coclass_traits<Shop>::threading_model), "Both");
  EXPECT_EQ(std::string_view(comkit::coclass_traits<Shop>::description), "A shop for the projection tests");
  EXPECT_EQ(comkit::clsid_of<Shop>(), CLSID_Shop);
  // Not registered: CoCreateInstance's error comes back as an exception.
  EXPECT_THROW(comkit::create_instance<Shop>(), comkit::hresult_error);
}

}  // namespace
