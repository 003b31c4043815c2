// tests/projection/com_ptr_test.cpp - com_ptr's ownership rules.
#include <gtest/gtest.h>

#include <unordered_set>

#include "test_interfaces.h"

namespace {

using comkit::com_ptr;
using test::counting_unknown;
using test::IDelta;

TEST(ComPtr, DefaultAndNullAreEmpty) {
  com_ptr<IDelta> a, b = nullptr;
  EXPECT_FALSE(a);
  EXPECT_EQ(a.get(), nullptr);
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(a == nullptr);
}

TEST(ComPtr, RawConstructorShares) {
  counting_unknown c;
  {
    com_ptr<IDelta> p(&c);
    EXPECT_EQ(c.refs, 2);
  }
  EXPECT_EQ(c.refs, 1);
  EXPECT_EQ(c.balance(), 0);
}

TEST(ComPtr, TakeOwnershipAdopts) {
  counting_unknown c;
  c.AddRef();
  { com_ptr<IDelta> p(&c, comkit::take_ownership); }
  EXPECT_EQ(c.refs, 1);
}

TEST(ComPtr, CopyAddsExactlyOneReference) {
  counting_unknown c;
  com_ptr<IDelta> a(&c);
  const long before = c.add_refs;
  com_ptr<IDelta> b = a;
  EXPECT_EQ(c.add_refs, before + 1);
  EXPECT_EQ(c.refs, 3);
  b = a;  // self-equal assignment keeps the count
  EXPECT_EQ(c.refs, 3);
  b = b;
  EXPECT_EQ(c.refs, 3);
}

TEST(ComPtr, MoveStealsWithoutCounting) {
  counting_unknown c;
  com_ptr<IDelta> a(&c);
  const long adds = c.add_refs, rels = c.releases;
  com_ptr<IDelta> b = std::move(a);
  EXPECT_FALSE(a);
  EXPECT_EQ(b.get(), &c);
  com_ptr<IDelta> d;
  d = std::move(b);
  EXPECT_EQ(c.add_refs, adds);
  EXPECT_EQ(c.releases, rels);
  d = std::move(d);  // self-move keeps the pointer
  EXPECT_EQ(d.get(), &c);
}

TEST(ComPtr, PutReleasesOldValueFirst) {
  counting_unknown c1, c2;
  com_ptr<IDelta> p(&c1);
  IDelta** slot = p.put();
  EXPECT_EQ(c1.refs, 1);
  EXPECT_EQ(*slot, nullptr);
  c2.QueryInterface(comkit::guid_of<IDelta>(), p.put_void());
  EXPECT_EQ(p.get(), &c2);
  EXPECT_EQ(c2.refs, 2);
}

TEST(ComPtr, AttachDetachCopyTo) {
  counting_unknown c;
  com_ptr<IDelta> p;
  c.AddRef();
  p.attach(&c);
  EXPECT_EQ(c.refs, 2);
  IDelta* out = nullptr;
  p.copy_to(&out);
  EXPECT_EQ(c.refs, 3);
  out->Release();
  IDelta* raw = p.detach();
  EXPECT_FALSE(p);
  EXPECT_EQ(c.refs, 2);
  raw->Release();
  p.copy_from(&c);
  EXPECT_EQ(c.refs, 2);
  p.reset();
  EXPECT_EQ(c.refs, 1);
  EXPECT_EQ(c.balance(), 0);
}

TEST(ComPtr, TryAsAndAs) {
  counting_unknown c;
  com_ptr<IDelta> p(&c);
  EXPECT_TRUE(p.try_as<IUnknown>());
  EXPECT_FALSE(p.try_as<test::INever>());
  com_ptr<IUnknown> unk = p.as<IUnknown>();
  EXPECT_EQ(static_cast<void*>(unk.get()), static_cast<void*>(&c));
  try {
    (void)p.as<test::INever>();
    ADD_FAILURE() << "as<> did not throw";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), E_NOINTERFACE);
  }
  com_ptr<IDelta> empty;
  EXPECT_FALSE(empty.try_as<IUnknown>());
  EXPECT_THROW((void)empty.as<IUnknown>(), comkit::hresult_error);
  unk = nullptr;
  p = nullptr;
  EXPECT_EQ(c.refs, 1);
  EXPECT_EQ(c.balance(), 0);
}

TEST(ComPtr, ConvertsToBaseInterfaceWithoutQueryInterface) {
  counting_unknown c;
  com_ptr<IDelta> d(&c);
  com_ptr<IUnknown> u = d;
  EXPECT_EQ(c.refs, 3);
  com_ptr<IUnknown> moved = std::move(d);
  EXPECT_EQ(c.refs, 3);
  EXPECT_FALSE(d);
}

TEST(ComPtr, IdentityComparisonAndHash) {
  counting_unknown c;
  com_ptr<IDelta> d(&c);
  com_ptr<IUnknown> u = d.as<IUnknown>();
  EXPECT_TRUE(d == u);
  counting_unknown other;
  com_ptr<IDelta> o(&other);
  EXPECT_FALSE(d == o);
  EXPECT_TRUE(d != o);
  std::unordered_set<com_ptr<IDelta>> set{d, d, o};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(std::hash<com_ptr<IDelta>>{}(d), std::hash<com_ptr<IUnknown>>{}(u));
  set.clear();
  u = nullptr;
  d = nullptr;
  o = nullptr;
  EXPECT_EQ(c.balance(), 0);
  EXPECT_EQ(other.balance(), 0);
}

TEST(ComPtr, IidPpvArgsWithComPtrAndRawPointers) {
  counting_unknown c;
  com_ptr<IDelta> src(&c);
  com_ptr<IUnknown> got;
  ASSERT_EQ(src->QueryInterface(IID_PPV_ARGS(&got)), S_OK);
  EXPECT_EQ(static_cast<void*>(got.get()), static_cast<void*>(&c));
  ASSERT_EQ(src->QueryInterface(IID_PPV_ARGS(&got)), S_OK);  // releases the old value first
  IDelta* raw = nullptr;
  ASSERT_EQ(src->QueryInterface(IID_PPV_ARGS(&raw)), S_OK);
  raw->Release();
  got = nullptr;
  src = nullptr;
  EXPECT_EQ(c.refs, 1);
  EXPECT_EQ(c.balance(), 0);
}

TEST(ComPtr, CallThroughIsTheRawCall) {
  counting_unknown c;
  com_ptr<IDelta> p(&c);
  int v = 0;
  EXPECT_EQ(p->Delta(&v), S_OK);
  EXPECT_EQ(v, 4);
  EXPECT_EQ(sizeof(com_ptr<IDelta>), sizeof(void*));
  static_assert(std::is_nothrow_move_constructible_v<com_ptr<IDelta>>);
}

}  // namespace
