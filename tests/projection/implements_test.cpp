// tests/projection/implements_test.cpp - implements<>: QueryInterface rules
// for every pair, counting, make/make_self/get_self, hooks and options.
#include <gtest/gtest.h>

#include <vector>

#include "test_interfaces.h"

namespace {

using comkit::com_ptr;
using namespace test;

std::atomic<int> g_alive{0};

struct widget : comkit::implements<widget, IGamma, IDelta, IEpsilon> {
  int value;
  explicit widget(int v = 1) : value(v) { ++g_alive; }
  ~widget() { --g_alive; }
  HRESULT STDMETHODCALLTYPE Alpha(int* out) noexcept override { return *out = value, S_OK; }
  HRESULT STDMETHODCALLTYPE Beta(int* out) noexcept override { return *out = value * 2, S_OK; }
  HRESULT STDMETHODCALLTYPE Gamma(int* out) noexcept override { return *out = value * 3, S_OK; }
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = value * 4, S_OK; }
  HRESULT STDMETHODCALLTYPE Epsilon(int* out) noexcept override { return *out = value * 5, S_OK; }
};

ULONG ref_count(IUnknown* p) {
  p->AddRef();
  return p->Release();
}

// Every IID the widget answers, and what it must not.
const GUID* const answered[] = {&IID_IUnknown, &comkit::guid_of<IAlpha>(), &comkit::guid_of<IBeta>(),
                                &comkit::guid_of<IGamma>(), &comkit::guid_of<IDelta>(),
                                &comkit::guid_of<IEpsilon>(), &IID_IWeakReferenceSource};

IUnknown* query(IUnknown* p, const GUID& iid) {
  void* out = nullptr;
  const HRESULT hr = p->QueryInterface(iid, &out);
  EXPECT_EQ(hr, S_OK);
  return static_cast<IUnknown*>(out);
}

TEST(Implements, QueryInterfaceRulesHoldForEveryPair) {
  com_ptr<IGamma> obj = comkit::make<widget>();
  IUnknown* identity = query(obj.get(), IID_IUnknown);
  for (const GUID* a : answered) {
    IUnknown* pa = query(obj.get(), *a);
    ASSERT_NE(pa, nullptr);
    // Identity: IUnknown from any interface is the same pointer.
    IUnknown* id = query(pa, IID_IUnknown);
    EXPECT_EQ(id, identity);
    id->Release();
    // Reflexive.
    IUnknown* self = query(pa, *a);
    EXPECT_EQ(self, pa);
    self->Release();
    for (const GUID* b : answered) {
      // Symmetric and transitive: a -> b -> a gives a back, b -> a -> b gives b.
      IUnknown* pb = query(pa, *b);
      IUnknown* back = query(pb, *a);
      EXPECT_EQ(back, pa);
      IUnknown* via = query(back, *b);
      EXPECT_EQ(via, pb);
      via->Release();
      back->Release();
      pb->Release();
    }
    pa->Release();
  }
  identity->Release();
  EXPECT_EQ(ref_count(obj.get()), 1u);
}

TEST(Implements, BaseInterfacesReturnTheDerivedVtable) {
  com_ptr<IGamma> obj = comkit::make<widget>(7);
  com_ptr<IAlpha> alpha = obj.as<IAlpha>();
  com_ptr<IBeta> beta = obj.as<IBeta>();
  EXPECT_EQ(static_cast<void*>(alpha.get()), static_cast<void*>(obj.get()));
  EXPECT_EQ(static_cast<void*>(beta.get()), static_cast<void*>(obj.get()));
  int v = 0;
  alpha->Alpha(&v);
  EXPECT_EQ(v, 7);
  beta->Beta(&v);
  EXPECT_EQ(v, 14);
}

TEST(Implements, MissesAreENoInterfaceWithNullOut) {
  com_ptr<IGamma> obj = comkit::make<widget>();
  void* out = reinterpret_cast<void*>(1);
  EXPECT_EQ(obj->QueryInterface(comkit::guid_of<INever>(), &out), E_NOINTERFACE);
  EXPECT_EQ(out, nullptr);
  out = reinterpret_cast<void*>(1);
  EXPECT_EQ(obj->QueryInterface(GUID_NULL, &out), E_NOINTERFACE);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(obj->QueryInterface(IID_IClassFactory, &out), E_NOINTERFACE);
  EXPECT_EQ(obj->QueryInterface(IID_ISupportErrorInfo, &out), E_NOINTERFACE);  // not opted in
  EXPECT_EQ(obj->QueryInterface(IID_IUnknown, nullptr), E_POINTER);
  // Thousands of random IIDs: none is answered.
  for (int i = 0; i < 5000; ++i) {
    GUID g;
    ASSERT_EQ(CoCreateGuid(&g), S_OK);
    ASSERT_EQ(obj->QueryInterface(g, &out), E_NOINTERFACE);
  }
  EXPECT_EQ(ref_count(obj.get()), 1u);
}

TEST(Implements, LifetimeAndCounts) {
  const int before = g_alive;
  {
    com_ptr<IGamma> obj = comkit::make<widget>();
    EXPECT_EQ(g_alive, before + 1);
    EXPECT_EQ(obj->AddRef(), 2u);
    EXPECT_EQ(obj->Release(), 1u);
    com_ptr<IDelta> d = obj.as<IDelta>();
    EXPECT_EQ(ref_count(obj.get()), 2u);
  }
  EXPECT_EQ(g_alive, before);
}

TEST(Implements, MakeSelfAndGetSelf) {
  com_ptr<widget> self = comkit::make_self<widget>(3);
  EXPECT_EQ(self->value, 3);
  com_ptr<IDelta> d = self.as<IDelta>();
  widget* back = comkit::get_self<widget>(d.get());
  EXPECT_EQ(back, self.get());
  com_ptr<IUnknown> unk = self.as<IUnknown>();
  EXPECT_EQ(comkit::get_self<widget>(unk.get()), self.get());
  int v = 0;
  EXPECT_EQ(self->Delta(&v), S_OK);
  EXPECT_EQ(v, 12);
}

struct other : comkit::implements<other, IDelta> {
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = 0, S_OK; }
};

TEST(Implements, TryGetSelfRecognisesOnlyItsOwnType) {
  com_ptr<IGamma> w = comkit::make<widget>();
  com_ptr<IDelta> o = comkit::make<other>();
  EXPECT_EQ(comkit::try_get_self<widget>(w.as<IEpsilon>()), comkit::get_self<widget>(w.get()));
  EXPECT_EQ(comkit::try_get_self<widget>(o), nullptr);
  EXPECT_EQ(comkit::try_get_self<other>(w), nullptr);
  EXPECT_NE(comkit::try_get_self<other>(o), nullptr);
  test::counting_unknown foreign;
  EXPECT_EQ(comkit::try_get_self<widget>(static_cast<IDelta*>(&foreign)), nullptr);
  EXPECT_EQ(foreign.balance(), 0);
  EXPECT_EQ(comkit::try_get_self<widget>(static_cast<IDelta*>(nullptr)), nullptr);
  EXPECT_EQ(ref_count(w.get()), 1u);
  EXPECT_EQ(ref_count(o.get()), 1u);
}

TEST(Implements, LayoutOfInterfacePointers) {
  com_ptr<widget> w = comkit::make_self<widget>();
  using impl = widget::implements_type;
  EXPECT_TRUE(impl::layout_matches<0>(w.get()));
  EXPECT_TRUE(impl::layout_matches<1>(w.get()));
  EXPECT_TRUE(impl::layout_matches<2>(w.get()));
  EXPECT_TRUE(impl::layout_matches<3>(w.get()));  // IWeakReferenceSource
}

// ---- Options and hooks ------------------------------------------------------

struct lean : comkit::implements<lean, IDelta, comkit::no_weak_ref, comkit::single_threaded> {
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = 1, S_OK; }
};

TEST(Implements, OptionsShapeTheObject) {
  EXPECT_EQ(sizeof(lean), sizeof(void*));  // one vtable pointer, nothing else
  com_ptr<IDelta> p = comkit::make<lean>();
  void* out = nullptr;
  EXPECT_EQ(p->QueryInterface(IID_IWeakReferenceSource, &out), E_NOINTERFACE);
  EXPECT_EQ(p->AddRef(), 2u);
  EXPECT_EQ(p->Release(), 1u);
}

struct reporting : comkit::implements<reporting, IDelta, IEpsilon, comkit::support_error_info> {
  HRESULT STDMETHODCALLTYPE Delta(int*) noexcept override { return E_FAIL; }
  HRESULT STDMETHODCALLTYPE Epsilon(int*) noexcept override { return E_FAIL; }
};

TEST(Implements, SupportErrorInfoOptIn) {
  com_ptr<IDelta> p = comkit::make<reporting>();
  com_ptr<ISupportErrorInfo> sei = p.as<ISupportErrorInfo>();
  EXPECT_EQ(sei->InterfaceSupportsErrorInfo(comkit::guid_of<IDelta>()), S_OK);
  EXPECT_EQ(sei->InterfaceSupportsErrorInfo(comkit::guid_of<IEpsilon>()), S_OK);
  EXPECT_EQ(sei->InterfaceSupportsErrorInfo(comkit::guid_of<INever>()), S_FALSE);
  EXPECT_EQ(sei->InterfaceSupportsErrorInfo(IID_IUnknown), S_FALSE);
  EXPECT_EQ(sei->InterfaceSupportsErrorInfo(IID_ISupportErrorInfo), S_FALSE);
  EXPECT_TRUE(p == sei);
}

// The part of `conditional` that implements IEpsilon, aggregated on demand.
struct epsilon_part : comkit::implements<epsilon_part, IEpsilon, comkit::aggregatable, comkit::no_weak_ref> {
  HRESULT STDMETHODCALLTYPE Epsilon(int* out) noexcept override { return *out = 5, S_OK; }
};

// Answers IEpsilon only while `enabled` (a conditional interface), through an
// aggregated part so that COM's identity rules still hold.
struct conditional : comkit::implements<conditional, IDelta> {
  bool enabled = false;
  com_ptr<IUnknown> part;
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = 2, S_OK; }
  HRESULT resolve_interface(REFIID riid, void** ppv) noexcept {
    if (!enabled) return E_NOINTERFACE;
    if (!part) part = comkit::make_aggregated<epsilon_part>(controlling_unknown());
    return part->QueryInterface(riid, ppv);
  }
};

TEST(Implements, ResolverAnswersAtRunTime) {
  com_ptr<conditional> c = comkit::make_self<conditional>();
  EXPECT_FALSE(c.try_as<IEpsilon>());
  c->enabled = true;
  com_ptr<IEpsilon> e = c.try_as<IEpsilon>();
  ASSERT_TRUE(e);
  int v = 0;
  EXPECT_EQ(e->Epsilon(&v), S_OK);
  EXPECT_EQ(v, 5);
  EXPECT_TRUE(e == c);  // same identity
  EXPECT_TRUE(e.try_as<IDelta>());
  void* out = reinterpret_cast<void*>(1);
  EXPECT_EQ(c->QueryInterface(comkit::guid_of<INever>(), &out), E_NOINTERFACE);
  EXPECT_EQ(out, nullptr);
  e = nullptr;
  EXPECT_EQ(ref_count(static_cast<IDelta*>(c.get())), 1u);
}

struct deferred : comkit::implements<deferred, IDelta> {
  static comkit::final_release_ptr<deferred> parked;
  bool* destroyed;
  explicit deferred(bool* d) : destroyed(d) {}
  ~deferred() { *destroyed = true; }
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = 3, S_OK; }
  static void final_release(comkit::final_release_ptr<deferred> self) noexcept { parked = std::move(self); }
};
comkit::final_release_ptr<deferred> deferred::parked;

TEST(Implements, FinalReleaseMayDeferDestruction) {
  bool destroyed = false;
  com_ptr<IDelta> p = comkit::make<deferred>(&destroyed);
  p = nullptr;
  EXPECT_FALSE(destroyed);
  ASSERT_TRUE(deferred::parked);
  // It moves as std::unique_ptr does; release and reset hand it on.
  comkit::final_release_ptr<deferred> moved = std::move(deferred::parked);
  EXPECT_FALSE(deferred::parked);
  EXPECT_EQ(moved->destroyed, &destroyed);
  deferred* raw = moved.release();
  EXPECT_FALSE(moved);
  EXPECT_FALSE(destroyed);
  deferred::parked.reset(raw);
  EXPECT_FALSE(destroyed);
  deferred::parked = nullptr;
  EXPECT_TRUE(destroyed);
}

struct throws_in_ctor : comkit::implements<throws_in_ctor, IDelta> {
  throws_in_ctor() { throw std::runtime_error("no"); }
  HRESULT STDMETHODCALLTYPE Delta(int*) noexcept override { return S_OK; }
};

TEST(Implements, ConstructorExceptionsFreeTheBlock) {
  EXPECT_THROW(comkit::make<throws_in_ctor>(), std::runtime_error);  // LSan reports a leak otherwise
  void* out = reinterpret_cast<void*>(1);
  EXPECT_EQ(comkit::create_instance_of<throws_in_ctor>(nullptr, IID_IUnknown, &out), E_FAIL);
  EXPECT_EQ(out, nullptr);
}

TEST(Implements, CreateInstanceFollowsFactoryRules) {
  void* out = nullptr;
  EXPECT_EQ(comkit::create_instance_of<widget>(nullptr, comkit::guid_of<IDelta>(), &out), S_OK);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(ref_count(static_cast<IDelta*>(out)), 1u);
  static_cast<IDelta*>(out)->Release();
  out = reinterpret_cast<void*>(1);
  EXPECT_EQ(comkit::create_instance_of<widget>(nullptr, comkit::guid_of<INever>(), &out), E_NOINTERFACE);
  EXPECT_EQ(out, nullptr);
  test::counting_unknown outer;
  EXPECT_EQ(comkit::create_instance_of<widget>(&outer, IID_IUnknown, &out), CLASS_E_NOAGGREGATION);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(comkit::create_instance_of<widget>(nullptr, IID_IUnknown, nullptr), E_POINTER);
  EXPECT_EQ(outer.balance(), 0);
}

// A class that declares a CLSID counts in the module lock (DllCanUnloadNow);
// one whose constructor throws must leave the count as it was.
struct throws_with_clsid : comkit::implements<throws_with_clsid, IDelta> {
  static constexpr GUID clsid = comkit::make_guid("6C1A0100-7D2B-4C3E-8F40-5A6B7C8D9E10");
  explicit throws_with_clsid(bool fail) {
    if (fail) throw std::runtime_error("no");
  }
  HRESULT STDMETHODCALLTYPE Delta(int*) noexcept override { return S_OK; }
};

TEST(Implements, ThrowingConstructorLeavesModuleLockAlone) {
  const long before = comkit::detail::module_lock_count.load();
  EXPECT_THROW(comkit::make<throws_with_clsid>(true), std::runtime_error);
  EXPECT_EQ(comkit::detail::module_lock_count.load(), before);
  {
    com_ptr<IDelta> live = comkit::make<throws_with_clsid>(false);
    EXPECT_EQ(comkit::detail::module_lock_count.load(), before + 1);
  }
  EXPECT_EQ(comkit::detail::module_lock_count.load(), before);
}

// Hand-written interfaces declared with COMKIT_DECLARE_IID only (no
// COMKIT_DECLARE_INTERFACE): the object still answers for the bases, and
// an undeclared class in the middle of the chain is skipped.
struct IPlainBase : IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Base(int* out) = 0;
};
COMKIT_DECLARE_IID(IPlainBase, "6C1A0101-7D2B-4C3E-8F40-5A6B7C8D9E11")
struct IPlainUndeclared : IPlainBase {
  virtual HRESULT STDMETHODCALLTYPE Middle(int* out) = 0;
};
struct IPlainDerived : IPlainUndeclared {
  virtual HRESULT STDMETHODCALLTYPE Derived(int* out) = 0;
};
COMKIT_DECLARE_IID(IPlainDerived, "6C1A0102-7D2B-4C3E-8F40-5A6B7C8D9E12")

static_assert(std::is_same_v<comkit::base_interface_t<IPlainDerived>, IPlainBase>);
static_assert(std::is_same_v<comkit::base_interface_t<IPlainBase>, IUnknown>);
static_assert(std::is_same_v<comkit::base_interface_t<IGamma>, IBeta>);  // COMKIT_DECLARE_INTERFACE still wins
static_assert(std::is_void_v<comkit::base_interface_t<IUnknown>>);
static_assert(std::is_same_v<comkit::base_interface_t<IClassFactory>, IUnknown>);

struct plain : comkit::implements<plain, IPlainDerived> {
  HRESULT STDMETHODCALLTYPE Base(int* out) noexcept override { return *out = 1, S_OK; }
  HRESULT STDMETHODCALLTYPE Middle(int* out) noexcept override { return *out = 2, S_OK; }
  HRESULT STDMETHODCALLTYPE Derived(int* out) noexcept override { return *out = 3, S_OK; }
};

TEST(Implements, BaseInterfacesDeclaredWithIidOnlyAreAnswered) {
  com_ptr<IPlainDerived> obj = comkit::make<plain>();
  com_ptr<IPlainBase> base = obj.try_as<IPlainBase>();
  ASSERT_TRUE(base);
  int v = 0;
  EXPECT_EQ(base->Base(&v), S_OK);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(static_cast<void*>(base.get()), static_cast<void*>(obj.get()));  // the derived vtable
  EXPECT_EQ(obj.try_as<IUnknown>().get(), base.try_as<IUnknown>().get());
}

struct alignas(64) wide : comkit::implements<wide, IDelta> {
  char data[100] = {};
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = data[0], S_OK; }
};

TEST(Implements, OverAlignedClasses) {
  com_ptr<wide> w = comkit::make_self<wide>();
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(w.get()) % 64, 0u);
  auto weak = comkit::make_weak(w.as<IDelta>());
  EXPECT_TRUE(weak.get());
  w = nullptr;
  EXPECT_FALSE(weak.get());
}

}  // namespace
