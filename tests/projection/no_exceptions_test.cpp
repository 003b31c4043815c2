// tests/projection/no_exceptions_test.cpp - the same projection built with
// -fno-exceptions -fno-rtti: failures come back as comkit::result<T>.
#include <gtest/gtest.h>

#include "test_interfaces.h"

#include "shop_projection.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

static_assert(COMKIT_HAS_EXCEPTIONS == 0, "this file must be built without exceptions");

namespace {

using comkit::com_ptr;
using namespace test;

struct plain : comkit::implements<plain, IDelta, IEpsilon> {
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = 4, S_OK; }
  HRESULT STDMETHODCALLTYPE Epsilon(int* out) noexcept override { return *out = 5, S_OK; }
};

struct part : comkit::implements<part, IEpsilon, comkit::aggregatable> {
  HRESULT STDMETHODCALLTYPE Epsilon(int* out) noexcept override { return *out = 6, S_OK; }
};

TEST(NoExceptions, MakeAndAsReturnResults) {
  comkit::result<com_ptr<IDelta>> made = comkit::make<plain>();
  ASSERT_TRUE(made.ok());
  com_ptr<IDelta> d = std::move(made).value();
  comkit::result<com_ptr<IEpsilon>> e = d.as<IEpsilon>();
  ASSERT_TRUE(e.ok());
  int v = 0;
  EXPECT_EQ(e.value()->Epsilon(&v), S_OK);
  EXPECT_EQ(v, 5);
  comkit::result<com_ptr<INever>> missing = d.as<INever>();
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.code(), E_NOINTERFACE);
  EXPECT_FALSE(d.try_as<INever>());
}

TEST(NoExceptions, ResultBasics) {
  comkit::result<int> good = 7;
  EXPECT_TRUE(good);
  EXPECT_EQ(good.code(), S_OK);
  EXPECT_EQ(*good, 7);
  comkit::result<int> bad = comkit::result<int>::failure(E_ACCESSDENIED);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(std::move(bad).value_or(3), 3);
  comkit::result<void> r(S_FALSE);
  EXPECT_TRUE(r.ok());
  comkit::result<int> moved = std::move(good);
  EXPECT_EQ(moved.value(), 7);
}

TEST(NoExceptions, CreateInstanceAndAggregation) {
  void* out = nullptr;
  EXPECT_EQ(comkit::create_instance_of<plain>(nullptr, comkit::guid_of<IEpsilon>(), &out), S_OK);
  static_cast<IEpsilon*>(out)->Release();
  comkit::result<com_ptr<IDelta>> host = comkit::make<plain>();
  ASSERT_TRUE(host.ok());
  comkit::result<com_ptr<IUnknown>> inner = comkit::make_aggregated<part>(host.value().get());
  ASSERT_TRUE(inner.ok());
  com_ptr<IEpsilon> e;
  ASSERT_EQ(inner.value()->QueryInterface(comkit::guid_of<IEpsilon>(), e.put_void()), S_OK);
  int v = 0;
  e->Epsilon(&v);
  EXPECT_EQ(v, 6);
}

TEST(NoExceptions, WeakReferences) {
  comkit::result<com_ptr<IDelta>> made = comkit::make<plain>();
  ASSERT_TRUE(made.ok());
  auto weak = comkit::make_weak(made.value());
  EXPECT_TRUE(weak.get());
  made.value() = nullptr;
  EXPECT_FALSE(weak.get());
}

TEST(NoExceptions, VariantArithmeticReturnsResults) {
  comkit::result<comkit::variant> sum = comkit::variant(40) + comkit::variant(2);
  ASSERT_TRUE(sum.ok());
  comkit::result<int> value = sum.value().get<int>();
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value.value(), 42);
  comkit::result<comkit::variant> bad = comkit::variant(1) / comkit::variant(0);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), DISP_E_DIVBYZERO);
}

// The generated projection, same header: result<T> instead of throwing.
// Implemented idiomatically through the generated produce shim, failing
// with comkit::result as a build without exceptions must.
struct item : comkit::implements<item, IItem> {
  comkit::result<comkit::bstr> Name() const { return comkit::bstr(u"plum"); }
  comkit::result<void> Name(std::u16string_view in) { return in.empty() ? E_INVALIDARG : S_OK; }
  comkit::result<double> Price() const { return comkit::result<double>::failure(E_NOTIMPL); }  // the failure under test
  bool InStock() const { return false; }
};

TEST(NoExceptions, GeneratedProjectionReturnsResults) {
  com_ptr<IItem> it = comkit::make<item>().value();
  comkit::result<comkit::bstr> name = it.Name();
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name.value(), u"plum");
  comkit::result<void> put = it.Name("");
  EXPECT_EQ(put.code(), E_INVALIDARG);
  comkit::result<void> put_ok = it.Name("x");
  EXPECT_TRUE(put_ok.ok());
  comkit::result<double> price = it.Price();
  EXPECT_EQ(price.code(), E_NOTIMPL);
  comkit::result<bool> stock = it.InStock();
  ASSERT_TRUE(stock.ok());
  EXPECT_FALSE(stock.value());
  // The raw ABI sees what the shim made of it.
  double raw = 9;
  EXPECT_EQ(it->get_Price(&raw), E_NOTIMPL);
  EXPECT_EQ(raw, 0) << "an [out] is cleared before the implementation runs";
  EXPECT_EQ(it->get_Price(nullptr), E_POINTER);
}

// ---- The shop IDL through the projection only, without exceptions ----------
// The same interfaces as generated_test.cpp, implemented idiomatically (a
// failure is a returned comkit::result, since nothing can throw) and
// consumed through results.

struct nx_item : comkit::implements<nx_item, IItem> {
  std::u16string name = u"apple";
  comkit::bstr Name() const { return comkit::bstr(name); }
  void Name(std::u16string_view n) { name = n; }
  double Price() const { return 1.25; }
  bool InStock() const { return true; }
};

struct nx_shop : comkit::implements<nx_shop, IShop2, IConnectionPointContainer>,
                 comkit::coclass_event_source<nx_shop, Shop> {
  LONG Add(LONG a, LONG b) const { return a + b; }
  comkit::result<IShop2Ptr::DivMod_result> DivMod(LONG a, LONG b) const {
    if (b == 0) return comkit::result<IShop2Ptr::DivMod_result>::failure(DISP_E_DIVBYZERO);
    return IShop2Ptr::DivMod_result{a / b, a % b};
  }
  std::u16string Greet(std::u16string_view who) const { return u"hello, " + std::u16string(who); }
  ULONG Length(std::string_view text) const { return static_cast<ULONG>(comkit::detail::utf16_of(text).size()); }
  LONGLONG Sum(std::span<const LONG> values) const {
    LONGLONG t = 0;
    for (LONG v : values) t += v;
    return t;
  }
  std::vector<LONG> Range(LONG first, LONG n) const {
    std::vector<LONG> v;
    for (LONG i = 0; i < n; ++i) v.push_back(first + i);
    return v;
  }
  comkit::result<com_ptr<IItem>> Find(std::u16string_view name) const {
    if (name.empty()) return comkit::result<com_ptr<IItem>>::failure(E_INVALIDARG);
    comkit::result<com_ptr<IItem>> made = comkit::make<nx_item>();
    if (!made.ok()) return comkit::result<com_ptr<IItem>>::failure(made.code());
    return std::move(made).value();
  }
  com_ptr<IUnknown> Query(REFIID) {
    com_ptr<IUnknown> u;
    QueryInterface(IID_IUnknown, u.put_void());
    return u;
  }
  void Reset() { ++resets; }
  double Scale(double x, double factor) const { return x * factor; }
  comkit::result<void> Fail(HRESULT code) const {
    comkit::detail::set_error_info("the shop is closed", "shop");
    return code;
  }
  void Swap(LONG& a, comkit::bstr& s) const {
    a = -a;
    s = comkit::bstr(u"swapped");
  }
  LONG get_() const { return 7; }
  bool IsEven(LONG v) const { return v % 2 == 0; }
  comkit::variant Echo(const comkit::variant& v) const { return v; }
  comkit::result<comkit::bstr> Accept(const com_ptr<IItem>& it, bool upper) const {
    if (!it) return comkit::result<comkit::bstr>::failure(E_POINTER);
    comkit::result<comkit::bstr> n = it.Name();
    if (!n.ok() || !upper) return n;
    std::u16string s(n.value().view());
    for (char16_t& c : s)
      if (c >= u'a' && c <= u'z') c = static_cast<char16_t>(c - u'a' + u'A');
    return comkit::bstr(s);
  }
  LONG Paint(shop::Color color, shop::Access access) const { return static_cast<LONG>(color) * 100 + static_cast<LONG>(access); }
  LONG Version() const { return 2; }
  comkit::result<com_ptr<IEnumItem>> Items(ULONG count) const {
    std::vector<com_ptr<IItem>> v;
    for (ULONG k = 0; k < count; ++k) {
      comkit::result<com_ptr<IItem>> made = comkit::make<nx_item>();
      if (!made.ok()) return comkit::result<com_ptr<IEnumItem>>::failure(made.code());
      v.push_back(std::move(made).value());
    }
    return comkit::make_enumerator<IEnumItem>(v);
  }
  comkit::result<com_ptr<IEnumString>> Names(ULONG count) const {
    std::vector<std::u16string> v;
    for (ULONG k = 0; k < count; ++k) v.push_back(u"name " + comkit::detail::utf16_of(std::to_string(k)));
    return comkit::make_enumerator<IEnumString>(v);
  }
  void Sell(std::u16string_view item, LONG count) {
    raise<IShopEvents>([&](com_ptr<IShopEvents>& sink) {
      (void)sink.Sold(item, count).ok();
      if (count == 0) (void)sink.Closed().ok();
    });
  }
  IShop2Ptr::Identity_result Identity(shop::Color color) {
    com_ptr<IUnknown> u;
    QueryInterface(IID_IUnknown, u.put_void());
    return {std::move(u), static_cast<LONG>(color)};
  }
  bool IsOmitted(const comkit::variant& extra) const { return extra.is_missing(); }
  Point Mirror(Point p) const { return {-p.x, -p.y}; }
  comkit::result<Point> Centroid(std::span<const Point> points) const {
    if (points.empty()) return comkit::result<Point>::failure(E_INVALIDARG);
    LONG x = 0, y = 0;
    for (const Point& p : points) x += p.x, y += p.y;
    return Point{x / static_cast<LONG>(points.size()), y / static_cast<LONG>(points.size())};
  }
  comkit::result<void> Bump(comkit::variant& v) const {
    if (v.vt() != VT_I4) return DISP_E_TYPEMISMATCH;
    v = comkit::variant(v.get()->lVal + 1);
    return S_OK;
  }
  int resets = 0;
};

com_ptr<IShop2> new_shop() { return comkit::make<nx_shop>().value(); }

TEST(NoExceptionsShop, ValuesOutFailuresAsResults) {
  com_ptr<IShop2> s = new_shop();
  EXPECT_EQ(s.Add(19, 23).value(), 42);
  comkit::result<IShop2Ptr::DivMod_result> dm = s.DivMod(17, 5);
  ASSERT_TRUE(dm.ok());
  EXPECT_EQ(dm.value().quotient, 3);
  EXPECT_EQ(dm.value().remainder, 2);
  EXPECT_EQ(s.DivMod(1, 0).code(), DISP_E_DIVBYZERO);
  EXPECT_EQ(s.get_().value(), 7);
  EXPECT_TRUE(s.Reset().ok());
  EXPECT_EQ(comkit::get_self<nx_shop>(s)->resets, 1);
  EXPECT_EQ(s.Scale(3).value(), 6);
  EXPECT_EQ(s.Scale(3, 5).value(), 15);
  EXPECT_TRUE(s.IsEven(4).value());
  EXPECT_EQ(s.Paint(shop::Color::Green, shop::Access::AccessRead | shop::Access::AccessExec).value(), 105);
  EXPECT_EQ(s.Version().value(), 2);
  EXPECT_TRUE(s.IsOmitted().value());
  EXPECT_FALSE(s.IsOmitted(comkit::variant(3)).value());
  comkit::result<IShop2Ptr::Identity_result> id = s.Identity();
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id.value().hr, 2);
}

TEST(NoExceptionsShop, StringsArraysInterfaces) {
  com_ptr<IShop2> s = new_shop();
  EXPECT_EQ(s.Greet(u"world").value(), u"hello, world");
  EXPECT_EQ(s.Greet("w\xc3\xb6rld").value().to_utf8(), "hello, w\xc3\xb6rld");
  EXPECT_EQ(s.Length("three").value(), 5u);
  const std::vector<LONG> v = {1, 2, 3, 4};
  EXPECT_EQ(s.Sum(v).value(), 10);
  EXPECT_EQ(s.Range(5, 3).value(), (std::vector<LONG>{5, 6, 7}));
  comkit::result<com_ptr<IItem>> it = s.Find("apple");
  ASSERT_TRUE(it.ok());
  EXPECT_TRUE(it.value().Name("pear").ok());
  EXPECT_EQ(it.value().Name().value(), u"pear");
  EXPECT_EQ(s.Accept(it.value(), true).value(), u"PEAR");
  EXPECT_EQ(s.Find(u"").code(), E_INVALIDARG);
  comkit::result<com_ptr<IShop2>> two = s.Query<IShop2>();
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two.value().Version().value(), 2);
  EXPECT_EQ(s.Query<IItem>().code(), E_NOINTERFACE);
  LONG a = 5;
  comkit::bstr text(u"before");
  EXPECT_TRUE(s.Swap(a, text).ok());
  EXPECT_EQ(a, -5);
  EXPECT_EQ(text, u"swapped");
  const std::vector<Point> pts = {{0, 0}, {4, 2}};
  EXPECT_EQ(s.Centroid(pts).value().x, 2);
  EXPECT_EQ(s.Centroid({}).code(), E_INVALIDARG);
  EXPECT_EQ(s.Mirror(Point{1, 2}).value().y, -2);
  comkit::variant bumped(1);
  EXPECT_TRUE(s.Bump(bumped).ok());
  EXPECT_EQ(bumped.get()->lVal, 2);
  comkit::result<comkit::variant> back = s.Echo(comkit::variant(42));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value().get()->lVal, 42);
}

TEST(NoExceptionsShop, FailuresKeepTheErrorObjectForTheCaller) {
  com_ptr<IShop2> s = new_shop();
  EXPECT_EQ(s.Fail(E_ACCESSDENIED).code(), E_ACCESSDENIED);
  // Without exceptions the error object stays in the thread's slot.
  com_ptr<IErrorInfo> info;
  ASSERT_EQ(GetErrorInfo(0, info.put()), S_OK);
  BSTR d = nullptr;
  info->GetDescription(&d);
  EXPECT_EQ(comkit::detail::utf8_of(d), "the shop is closed");
  SysFreeString(d);
  com_ptr<ISupportErrorInfo> sei = s.as<ISupportErrorInfo>().value();
  EXPECT_EQ(sei->InterfaceSupportsErrorInfo(IID_IShop), S_OK);
}

TEST(NoExceptionsShop, EnumeratorsAndEvents) {
  com_ptr<IShop2> s = new_shop();
  comkit::result<com_ptr<IEnumItem>> items = s.Items(20);
  ASSERT_TRUE(items.ok());
  int n = 0;
  for (com_ptr<IItem>& it : items.value()) n += it.Name().value() == u"apple";
  EXPECT_EQ(n, 20);
  std::vector<std::u16string> names;
  com_ptr<IEnumString> three = s.Names(3).value();  // not `: s.Names(3).value()`: the result would die first
  for (const std::u16string& name : three) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::u16string>{u"name 0", u"name 1", u"name 2"}));

  std::vector<LONG> counts;
  comkit::result<comkit::event_token> token = comkit::advise<IShopEvents>(s, [&](std::u16string_view, LONG c) { counts.push_back(c); });
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(s.Sell(u"pear", 3).ok());
  EXPECT_EQ(token.value().revoke(), S_OK);
  EXPECT_TRUE(s.Sell(u"fig", 1).ok());
  EXPECT_EQ(counts, (std::vector<LONG>{3}));
  comkit::result<com_ptr<IItem>> plain_item = comkit::make<nx_item>();
  EXPECT_EQ(comkit::advise<IShopEvents>(plain_item.value(), [](LONG) {}).code(), E_NOINTERFACE);
}
}  // namespace

namespace {

// comkit::dispatch without exceptions: every call is a result, failures
// carry their code (here: no object, an unknown class, a wrong type).
TEST(NoExceptions, LateBoundClientReturnsResults) {
  comkit::dispatch empty;
  auto r = empty.call("Add", 1, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), E_POINTER);
  auto g = empty.get("Name");
  EXPECT_EQ(g.code(), E_POINTER);
  auto p = empty.put("Name", "x");
  EXPECT_EQ(p.code(), E_POINTER);
  auto l = empty.put_list("Name", {});
  EXPECT_EQ(l.code(), E_INVALIDARG);
  auto c = comkit::dispatch::create("Comkit.NoSuchClass.Anywhere");
  EXPECT_EQ(c.code(), CO_E_CLASSSTRING);
  auto v = comkit::dispatch::from(comkit::variant(3));
  EXPECT_EQ(v.code(), DISP_E_TYPEMISMATCH);
  comkit::variant number(5);
  int items = 0;
  for (comkit::variant item : number) (void)item, ++items;  // not a collection: an empty range
  EXPECT_EQ(items, 0);
}

}  // namespace
