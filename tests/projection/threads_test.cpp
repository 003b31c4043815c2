// tests/projection/threads_test.cpp - several threads hammering one object's
// QueryInterface, AddRef and Release (run under TSan by ./dev test).
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "test_interfaces.h"

namespace {

using comkit::com_ptr;
using namespace test;

std::atomic<int> g_alive{0};

struct shared_target : comkit::implements<shared_target, IGamma, IDelta> {
  shared_target() { ++g_alive; }
  ~shared_target() { --g_alive; }
  HRESULT STDMETHODCALLTYPE Alpha(int* o) noexcept override { return *o = 1, S_OK; }
  HRESULT STDMETHODCALLTYPE Beta(int* o) noexcept override { return *o = 2, S_OK; }
  HRESULT STDMETHODCALLTYPE Gamma(int* o) noexcept override { return *o = 3, S_OK; }
  HRESULT STDMETHODCALLTYPE Delta(int* o) noexcept override { return *o = 4, S_OK; }
};

TEST(Threads, QueryInterfaceAddRefReleaseFromManyThreads) {
  com_ptr<IGamma> obj = comkit::make<shared_target>();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([obj] {  // each thread holds its own reference
      for (int i = 0; i < 20000; ++i) {
        com_ptr<IDelta> d = obj.as<IDelta>();
        com_ptr<IAlpha> a = d.as<IAlpha>();
        com_ptr<IGamma> copy = obj;
        int v = 0;
        a->Alpha(&v);
        ASSERT_EQ(v, 1);
      }
    });
  for (auto& t : threads) t.join();
  obj->AddRef();
  EXPECT_EQ(obj->Release(), 1u);
  obj = nullptr;
  EXPECT_EQ(g_alive, 0);
}

TEST(Threads, LastReleaseOnAnotherThreadDestroysOnce) {
  for (int round = 0; round < 500; ++round) {
    com_ptr<IGamma> obj = comkit::make<shared_target>();
    com_ptr<IDelta> other = obj.as<IDelta>();
    std::thread t([o = std::move(other)]() mutable { o = nullptr; });
    obj = nullptr;
    t.join();
  }
  EXPECT_EQ(g_alive, 0);
}

}  // namespace
