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
