// tests/projection/tear_off_test.cpp - cached, atomic and disposable tear-offs.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "test_interfaces.h"

namespace {

using comkit::com_ptr;
using namespace test;

std::atomic<int> g_tears_alive{0};

struct host;
struct disposable_host;

struct epsilon_tear : comkit::tear_off<epsilon_tear, IEpsilon, host> {
  epsilon_tear() { ++g_tears_alive; }
  ~epsilon_tear() { --g_tears_alive; }
  HRESULT STDMETHODCALLTYPE Epsilon(int* out) noexcept override;
};

struct beta_tear : comkit::tear_off<beta_tear, IBeta, host> {
  beta_tear() { ++g_tears_alive; }
  ~beta_tear() { --g_tears_alive; }
  HRESULT STDMETHODCALLTYPE Alpha(int* out) noexcept override { return *out = 1, S_OK; }
  HRESULT STDMETHODCALLTYPE Beta(int* out) noexcept override;
};

struct gamma_tear : comkit::tear_off<gamma_tear, IGamma, disposable_host> {
  gamma_tear() { ++g_tears_alive; }
  ~gamma_tear() { --g_tears_alive; }
  HRESULT STDMETHODCALLTYPE Alpha(int* out) noexcept override { return *out = 1, S_OK; }
  HRESULT STDMETHODCALLTYPE Beta(int* out) noexcept override { return *out = 2, S_OK; }
  HRESULT STDMETHODCALLTYPE Gamma(int* out) noexcept override { return *out = 3, S_OK; }
};

struct host : comkit::implements<host, IDelta, comkit::cached_tear_off<epsilon_tear>,
                                 comkit::atomic_tear_off<beta_tear>> {
  int secret = 42;
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = 4, S_OK; }
};

HRESULT STDMETHODCALLTYPE epsilon_tear::Epsilon(int* out) noexcept { return *out = owner().secret, S_OK; }
HRESULT STDMETHODCALLTYPE beta_tear::Beta(int* out) noexcept { return *out = owner().secret + 1, S_OK; }

struct disposable_host : comkit::implements<disposable_host, IDelta, comkit::disposable_tear_off<gamma_tear>> {
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = 4, S_OK; }
};

ULONG ref_count(IUnknown* p) {
  p->AddRef();
  return p->Release();
}

TEST(TearOff, CachedIsCreatedOnceAndSharesIdentity) {
  {
    com_ptr<IDelta> h = comkit::make<host>();
    EXPECT_EQ(g_tears_alive, 0);  // nothing until asked
    com_ptr<IEpsilon> e1 = h.as<IEpsilon>();
    com_ptr<IEpsilon> e2 = h.as<IEpsilon>();
    EXPECT_EQ(e1.get(), e2.get());
    EXPECT_EQ(g_tears_alive, 1);
    int v = 0;
    EXPECT_EQ(e1->Epsilon(&v), S_OK);
    EXPECT_EQ(v, 42);
    EXPECT_TRUE(e1 == h);  // IUnknown through the tear-off is the owner's
    EXPECT_EQ(e1.as<IDelta>().get(), h.get());
    EXPECT_EQ(ref_count(h.get()), 3u);  // the tear-off counts on its owner
    e1 = nullptr;
    e2 = nullptr;
    EXPECT_EQ(g_tears_alive, 1);  // kept until the owner goes
  }
  EXPECT_EQ(g_tears_alive, 0);
}

TEST(TearOff, BaseInterfacesOfATearOff) {
  com_ptr<IDelta> h = comkit::make<host>();
  com_ptr<IAlpha> a = h.as<IAlpha>();  // IAlpha is IBeta's base: answered by beta_tear
  com_ptr<IBeta> b = h.as<IBeta>();
  EXPECT_EQ(static_cast<void*>(a.get()), static_cast<void*>(b.get()));
  int v = 0;
  b->Beta(&v);
  EXPECT_EQ(v, 43);
}

TEST(TearOff, AtomicCachedUnderConcurrentQueryInterface) {
  for (int round = 0; round < 20; ++round) {
    com_ptr<IDelta> h = comkit::make<host>();
    std::vector<std::thread> threads;
    std::vector<IBeta*> seen(4, nullptr);
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        com_ptr<IBeta> b = h.as<IBeta>();
        seen[t] = b.get();
      });
    for (auto& t : threads) t.join();
    for (IBeta* p : seen) EXPECT_EQ(p, seen[0]);  // exactly one instance won
    EXPECT_EQ(ref_count(h.get()), 1u);
  }
  EXPECT_EQ(g_tears_alive, 0);  // the losers were deleted, the winner with its owner
}

TEST(TearOff, DisposableIsNewEachTimeAndHoldsItsOwner) {
  com_ptr<IDelta> h = comkit::make<disposable_host>();
  com_ptr<IGamma> g1 = h.as<IGamma>();
  com_ptr<IGamma> g2 = h.as<IGamma>();
  EXPECT_NE(g1.get(), g2.get());
  EXPECT_EQ(g_tears_alive, 2);
  EXPECT_TRUE(g1 == g2);  // same object identity all the same
  EXPECT_EQ(ref_count(h.get()), 3u);
  EXPECT_EQ(ref_count(g1.get()), 1u);  // its own count
  IDelta* raw = h.get();
  h = nullptr;
  int v = 0;
  EXPECT_EQ(raw->Delta(&v), S_OK);  // still alive: the tear-offs hold it
  g1 = nullptr;
  EXPECT_EQ(g_tears_alive, 1);
  g2 = nullptr;
  EXPECT_EQ(g_tears_alive, 0);
}

}  // namespace
