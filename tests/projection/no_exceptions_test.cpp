// tests/projection/no_exceptions_test.cpp - the same projection built with
// -fno-exceptions -fno-rtti: failures come back as comkit::result<T>.
#include <gtest/gtest.h>

#include "test_interfaces.h"

#include "shop_projection.h"

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

}  // namespace
