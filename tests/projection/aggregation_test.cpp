// tests/projection/aggregation_test.cpp - COM aggregation: an outer object
// exposing an inner one's interfaces as its own.
#include <gtest/gtest.h>

#include "test_interfaces.h"

namespace {

using comkit::com_ptr;
using namespace test;

std::atomic<int> g_inner_alive{0};

struct inner : comkit::implements<inner, IEpsilon, comkit::aggregatable> {
  inner() { ++g_inner_alive; }
  ~inner() { --g_inner_alive; }
  HRESULT STDMETHODCALLTYPE Epsilon(int* out) noexcept override { return *out = 50, S_OK; }
};

struct outer : comkit::implements<outer, IDelta> {
  com_ptr<IUnknown> m_inner;
  outer() { m_inner = comkit::make_aggregated<inner>(controlling_unknown()); }
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = 4, S_OK; }
  HRESULT resolve_interface(REFIID riid, void** ppv) noexcept { return m_inner->QueryInterface(riid, ppv); }
};

ULONG ref_count(IUnknown* p) {
  p->AddRef();
  return p->Release();
}

TEST(Aggregation, OuterExposesInnerInterfaces) {
  com_ptr<IDelta> o = comkit::make<outer>();
  com_ptr<IEpsilon> e = o.as<IEpsilon>();
  int v = 0;
  EXPECT_EQ(e->Epsilon(&v), S_OK);
  EXPECT_EQ(v, 50);
  // Identity and the QI rules hold across outer and inner interfaces.
  EXPECT_TRUE(e == o);
  EXPECT_EQ(e.as<IUnknown>().get(), o.as<IUnknown>().get());
  EXPECT_TRUE(e.try_as<IDelta>());
  EXPECT_TRUE(e.try_as<IEpsilon>());
  EXPECT_FALSE(e.try_as<INever>());
}

TEST(Aggregation, InnerInterfacesCountOnTheOuter) {
  com_ptr<IDelta> o = comkit::make<outer>();
  EXPECT_EQ(ref_count(o.get()), 1u);
  com_ptr<IEpsilon> e = o.as<IEpsilon>();
  EXPECT_EQ(ref_count(o.get()), 2u);  // the inner's interface holds the outer
  EXPECT_EQ(g_inner_alive, 1);
  o = nullptr;
  EXPECT_EQ(g_inner_alive, 1);  // alive through e
  e = nullptr;
  EXPECT_EQ(g_inner_alive, 0);
}

TEST(Aggregation, NonDelegatingUnknownIsDistinct) {
  test::counting_unknown controlling;
  com_ptr<IUnknown> nd = comkit::make_aggregated<inner>(static_cast<IUnknown*>(static_cast<IDelta*>(&controlling)));
  // QI for IUnknown through the non-delegating unknown returns itself.
  com_ptr<IUnknown> again;
  ASSERT_EQ(nd->QueryInterface(IID_IUnknown, again.put_void()), S_OK);
  EXPECT_EQ(again.get(), nd.get());
  again = nullptr;
  // Other interfaces come back delegating: their AddRef went to the outer.
  const long outer_adds = controlling.add_refs;
  com_ptr<IEpsilon> e;
  ASSERT_EQ(nd->QueryInterface(comkit::guid_of<IEpsilon>(), e.put_void()), S_OK);
  EXPECT_EQ(controlling.add_refs, outer_adds + 1);
  // ... and so does their QueryInterface: IUnknown is the outer's.
  com_ptr<IUnknown> id;
  ASSERT_EQ(e->QueryInterface(IID_IUnknown, id.put_void()), S_OK);
  EXPECT_EQ(static_cast<void*>(id.get()), static_cast<void*>(static_cast<IDelta*>(&controlling)));
  id = nullptr;
  e = nullptr;
  EXPECT_EQ(controlling.balance(), 0);
  // Weak references belong to the outer: the inner does not offer them.
  void* out = reinterpret_cast<void*>(1);
  EXPECT_EQ(nd->QueryInterface(IID_IWeakReferenceSource, &out), E_NOINTERFACE);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(g_inner_alive, 1);
  nd = nullptr;
  EXPECT_EQ(g_inner_alive, 0);
}

TEST(Aggregation, CreateInstanceRules) {
  test::counting_unknown controlling;
  IUnknown* outer_unknown = static_cast<IDelta*>(&controlling);
  void* out = reinterpret_cast<void*>(1);
  // Aggregating asks for IUnknown only.
  EXPECT_EQ(comkit::create_instance_of<inner>(outer_unknown, comkit::guid_of<IEpsilon>(), &out), CLASS_E_NOAGGREGATION);
  EXPECT_EQ(out, nullptr);
  ASSERT_EQ(comkit::create_instance_of<inner>(outer_unknown, IID_IUnknown, &out), S_OK);
  static_cast<IUnknown*>(out)->Release();
  EXPECT_EQ(g_inner_alive, 0);
  // Without an outer it is an ordinary object.
  ASSERT_EQ(comkit::create_instance_of<inner>(nullptr, comkit::guid_of<IEpsilon>(), &out), S_OK);
  EXPECT_TRUE(comkit::com_ptr<IEpsilon>(static_cast<IEpsilon*>(out), comkit::take_ownership).try_as<IWeakReferenceSource>());
  EXPECT_EQ(controlling.balance(), 0);
  EXPECT_EQ(g_inner_alive, 0);
}

}  // namespace
