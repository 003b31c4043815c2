// tests/projection/automation_test.cpp - comkit::bstr and comkit::safe_array.
#include <gtest/gtest.h>

#include <comkit/comkit.h>

#include <string>
#include <unordered_set>
#include <vector>

#include "../runtime/automation_fakes.h"

namespace {

TEST(Bstr, OwnsCopiesAndConverts) {
  comkit::bstr a(u"héllo");
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(a.to_utf8(), "h\xc3\xa9llo");
  comkit::bstr b = a;  // a real copy
  EXPECT_NE(a.get(), b.get());
  EXPECT_EQ(a, b);
  comkit::bstr c = std::move(b);
  EXPECT_EQ(b.get(), nullptr);
  EXPECT_EQ(c, u"héllo");
  comkit::bstr u = comkit::bstr::from_utf8("\xe2\x82\xac 5");
  EXPECT_EQ(u.view(), u"€ 5");
  comkit::bstr null;
  EXPECT_TRUE(null.empty());
  EXPECT_EQ(null.view(), u"");
  EXPECT_EQ(null, comkit::bstr(u""));
  EXPECT_LT(comkit::bstr(u"a"), comkit::bstr(u"b"));
  std::unordered_set<comkit::bstr> set{a, c, u};
  EXPECT_EQ(set.size(), 2u);
}

TEST(Bstr, OddByteLengthsSurviveCopies) {
  comkit::bstr odd(SysAllocStringByteLen("abc", 3), comkit::take_ownership);
  comkit::bstr copy = odd;
  EXPECT_EQ(SysStringByteLen(copy.get()), 3u);
}

TEST(Bstr, PutAndDetachForOutParameters) {
  comkit::bstr s(u"old");
  ICreateErrorInfo* create = nullptr;
  ASSERT_EQ(CreateErrorInfo(&create), S_OK);
  create->SetDescription(const_cast<LPOLESTR>(u"described"));
  IErrorInfo* info = nullptr;
  create->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&info));
  ASSERT_EQ(info->GetDescription(s.put()), S_OK);  // the old string is freed first
  EXPECT_EQ(s, u"described");
  BSTR raw = s.detach();
  EXPECT_EQ(s.get(), nullptr);
  SysFreeString(raw);
  info->Release();
  create->Release();
}

TEST(SafeArray, ContiguousRangeWithBoundsChecks) {
  comkit::safe_array<std::int32_t> a{1, 2, 3};
  EXPECT_EQ(a.size(), 3u);
  int sum = 0;
  for (int v : a) sum += v;
  EXPECT_EQ(sum, 6);
  a[1] = 20;
  EXPECT_EQ(a.at(1), 20);
  EXPECT_THROW(a.at(3), comkit::hresult_error);
  try {
    a.at(7);
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), DISP_E_BADINDEX);
  }
  EXPECT_EQ(a.to_vector(), (std::vector<std::int32_t>{1, 20, 3}));
  VARTYPE vt = 0;
  SafeArrayGetVartype(a.get(), &vt);
  EXPECT_EQ(vt, VT_I4);
  comkit::safe_array<std::int32_t> b = a.copy();
  b[0] = 9;
  EXPECT_EQ(a[0], 1);
  comkit::safe_array<double> offset(4, -2);
  EXPECT_EQ(offset.lower_bound(), -2);
  offset.put(3, 1.5);
  EXPECT_EQ(offset[3], 1.5);
}

TEST(SafeArray, AdoptsOnlyMatchingArrays) {
  SAFEARRAY* i4 = SafeArrayCreateVector(VT_I4, 0, 2);
  comkit::safe_array<std::int32_t> ok(i4, comkit::take_ownership);
  EXPECT_EQ(ok.get(), i4);
  comkit::safe_array<double> wrong;
  SAFEARRAY* other = SafeArrayCreateVector(VT_I4, 0, 2);
  EXPECT_EQ(wrong.attach(other), DISP_E_BADVARTYPE);
  EXPECT_EQ(wrong.get(), nullptr);
  SAFEARRAYBOUND b[2] = {{2, 0}, {2, 0}};
  SAFEARRAY* two = SafeArrayCreate(VT_R8, 2, b);
  EXPECT_EQ(wrong.attach(two), E_INVALIDARG);
  SafeArrayDestroy(other);
  SafeArrayDestroy(two);
  EXPECT_THROW((comkit::safe_array<double>(SafeArrayCreateVector(VT_I4, 0, 1), comkit::take_ownership)), comkit::hresult_error);
}

TEST(SafeArray, BstrAndInterfaceElementsAreOwnedByTheArray) {
  comkit::bstr one(u"one");
  comkit::safe_array<BSTR> names(2);
  names.put(0, one.get());
  names.put(1, comkit::bstr(u"two").get());
  std::vector<comkit::bstr> v = to_vector(names);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1], u"two");
  EXPECT_NE(names[0], one.get());

  comkit_test::counted_unknown obj;
  {
    comkit::safe_array<IUnknown*> objs(1);
    objs.put(0, &obj);
    EXPECT_EQ(obj.refs, 2u);
  }
  EXPECT_EQ(obj.refs, 1u);
}

}  // namespace

namespace {

TEST(Variant, ConstructorsPickTheVartype) {
  EXPECT_EQ(comkit::variant().vt(), VT_EMPTY);
  EXPECT_EQ(comkit::variant::null().vt(), VT_NULL);
  EXPECT_EQ(comkit::variant(true).vt(), VT_BOOL);
  EXPECT_EQ(comkit::variant(std::int8_t{1}).vt(), VT_I1);
  EXPECT_EQ(comkit::variant(std::uint8_t{1}).vt(), VT_UI1);
  EXPECT_EQ(comkit::variant(std::int16_t{1}).vt(), VT_I2);
  EXPECT_EQ(comkit::variant(1).vt(), VT_I4);
  EXPECT_EQ(comkit::variant(1u).vt(), VT_UI4);
  EXPECT_EQ(comkit::variant(std::int64_t{1}).vt(), VT_I8);
  EXPECT_EQ(comkit::variant(std::uint64_t{1}).vt(), VT_UI8);
  EXPECT_EQ(comkit::variant(1.0f).vt(), VT_R4);
  EXPECT_EQ(comkit::variant(1.0).vt(), VT_R8);
  EXPECT_EQ(comkit::variant(u"text").vt(), VT_BSTR);
  EXPECT_EQ(comkit::variant("utf-8 \xe2\x82\xac").get<std::u16string>(), u"utf-8 €");
  DECIMAL d{};
  d.Lo64 = 5;
  d.scale = 1;
  comkit::variant dv(d);
  EXPECT_EQ(dv.vt(), VT_DECIMAL);
  EXPECT_EQ(dv.get<double>(), 0.5);
  comkit::safe_array<double> arr{1.0, 2.0};
  comkit::variant av(std::move(arr));
  EXPECT_EQ(av.vt(), VT_ARRAY | VT_R8);
  EXPECT_EQ(arr.get(), nullptr);
}

TEST(Variant, GetConvertsWithWindowsRules) {
  comkit::variant s(u" 1,234 ");
  EXPECT_EQ(s.get<std::int32_t>(), 1234);
  EXPECT_EQ(comkit::variant(2.5).get<std::int32_t>(), 2);  // half to even
  EXPECT_EQ(comkit::variant(true).get<std::int32_t>(), -1);
  EXPECT_EQ(comkit::variant(1.5).get<std::string>(), "1.5");
  EXPECT_TRUE(comkit::variant(u"true").get<bool>());
  EXPECT_THROW(comkit::variant(300).get<std::uint8_t>(), comkit::hresult_error);
  try {
    (void)comkit::variant(u"abc").get<double>();
    ADD_FAILURE();
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), DISP_E_TYPEMISMATCH);
  }
  EXPECT_FALSE(comkit::variant(u"abc").try_get<double>().has_value());
  EXPECT_EQ(comkit::variant(7).try_get<double>(), 7.0);
  EXPECT_EQ(comkit::variant::null().try_get<std::int32_t>(), std::nullopt);
}

TEST(Variant, ValueSemanticsAndInterfaces) {
  comkit::variant a(u"shared?");
  comkit::variant b = a;  // deep copy
  EXPECT_NE(a.get()->bstrVal, b.get()->bstrVal);
  comkit::variant c = std::move(a);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(c.get<std::u16string>(), u"shared?");
  comkit_test::counted_unknown obj;
  {
    comkit::com_ptr<IUnknown> p(&obj);  // AddRef: 2
    comkit::variant v(p);               // 3
    EXPECT_EQ(v.vt(), VT_UNKNOWN);
    EXPECT_EQ(obj.refs, 3u);
    comkit::com_ptr<IUnknown> back = v.get<comkit::com_ptr<IUnknown>>();
    EXPECT_EQ(back.get(), static_cast<IUnknown*>(&obj));
    EXPECT_EQ(obj.refs, 4u);
  }
  EXPECT_EQ(obj.refs, 1u);
  VARIANT raw = comkit::variant(42).detach();
  EXPECT_EQ(raw.vt, VT_I4);
  comkit::variant wrapped(raw);
  EXPECT_EQ(wrapped.get<std::int64_t>(), 42);
}

TEST(Variant, ComparisonIsVarCmp) {
  EXPECT_EQ(comkit::variant(1), comkit::variant(1.0));
  EXPECT_LT(comkit::variant(1), comkit::variant(2.5));
  EXPECT_GT(comkit::variant(u"0"), comkit::variant(100));  // a string beats any number
  EXPECT_EQ(comkit::variant(u"abc"), comkit::variant(u"abc"));
  EXPECT_LT(comkit::variant(u"abc"), comkit::variant(u"ABD"));
  EXPECT_FALSE(comkit::variant::null() == comkit::variant::null());
  EXPECT_TRUE((comkit::variant::null() <=> comkit::variant(1)) == std::partial_ordering::unordered);
  EXPECT_EQ(comkit::variant(), comkit::variant(0));  // EMPTY is 0
  // Types VarCmp refuses are widened first.
  EXPECT_LT(comkit::variant(std::uint32_t{4000000000u}), comkit::variant(std::uint64_t{18000000000000000000u}));
  EXPECT_GT(comkit::variant(std::uint64_t{18000000000000000000u}), comkit::variant(std::int64_t{-1}));
  EXPECT_EQ(comkit::variant(std::int8_t{-5}), comkit::variant(std::int16_t{-5}));
  EXPECT_LT(comkit::variant(std::uint16_t{65535}), comkit::variant(std::uint32_t{65536}));
}

TEST(Variant, ArithmeticHasWindowsResultTypes) {
  comkit::variant sum = comkit::variant(1) + comkit::variant(2.5);
  EXPECT_EQ(sum.get()->vt, VT_R8);
  EXPECT_EQ(sum.get<double>(), 3.5);
  comkit::variant joined = comkit::variant(u"12") + comkit::variant(u"12");
  EXPECT_EQ(joined.get<std::u16string>(), u"1212");  // two strings concatenate
  comkit::variant wide = comkit::variant(std::uint8_t{255}) + comkit::variant(std::uint8_t{255});
  EXPECT_EQ(wide.get()->vt, VT_I2);
  EXPECT_EQ(wide.get<int>(), 510);
  EXPECT_TRUE((comkit::variant::null() * comkit::variant(3)).is_null());
  EXPECT_EQ((comkit::variant(7) % comkit::variant(4)).get<int>(), 3);
  EXPECT_EQ((comkit::variant(1) / comkit::variant(4)).get<double>(), 0.25);
  EXPECT_EQ((-comkit::variant(std::int16_t{-32768})).get()->vt, VT_I4);
  EXPECT_EQ((comkit::variant(12) & comkit::variant(10)).get<int>(), 8);
  EXPECT_EQ((comkit::variant(12) | comkit::variant(3)).get<int>(), 15);
  EXPECT_EQ((comkit::variant(12) ^ comkit::variant(4)).get<int>(), 8);
  EXPECT_EQ((~comkit::variant(true)).get<bool>(), false);
  EXPECT_EQ(concat(comkit::variant(12), comkit::variant(true)).get<std::u16string>(), u"12True");
  try {
    (void)(comkit::variant(1) / comkit::variant(0));
    ADD_FAILURE() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), DISP_E_DIVBYZERO);
  }
  EXPECT_THROW((void)(comkit::variant(u"abc") - comkit::variant(1)), comkit::hresult_error);
}

}  // namespace
