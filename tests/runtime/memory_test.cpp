// tests/runtime/memory_test.cpp - the task allocator, CoGetMalloc's IMalloc
// and malloc spies.
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

IMalloc* task_malloc() {
  IMalloc* m = nullptr;
  EXPECT_EQ(CoGetMalloc(MEMCTX_TASK, &m), S_OK);
  return m;
}

TEST(CoTaskMem, AllocIsAlignedWritableAndSized) {
  IMalloc* m = task_malloc();
  for (SIZE_T n : {SIZE_T{1}, SIZE_T{7}, SIZE_T{16}, SIZE_T{100}, SIZE_T{4096}, SIZE_T{1} << 20}) {
    void* p = CoTaskMemAlloc(n);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u);
    std::memset(p, 0x5A, n);
    EXPECT_EQ(m->GetSize(p), n);
    EXPECT_EQ(m->DidAlloc(p), 1);
    CoTaskMemFree(p);
  }
}

TEST(CoTaskMem, ZeroSizeGivesUniqueBlocks) {
  void* a = CoTaskMemAlloc(0);
  void* b = CoTaskMemAlloc(0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_EQ(task_malloc()->GetSize(a), 0u);
  CoTaskMemFree(a);
  CoTaskMemFree(b);
}

TEST(CoTaskMem, FreeNullIsNoOp) { CoTaskMemFree(nullptr); }

TEST(CoTaskMem, HugeRequestsFailWithNull) {
  EXPECT_EQ(CoTaskMemAlloc(SIZE_MAX), nullptr);
  EXPECT_EQ(CoTaskMemAlloc(SIZE_MAX - 8), nullptr);
  void* p = CoTaskMemAlloc(8);
  EXPECT_EQ(CoTaskMemRealloc(p, SIZE_MAX), nullptr);
  EXPECT_EQ(task_malloc()->GetSize(p), 8u);  // the block survives a failed realloc
  CoTaskMemFree(p);
}

TEST(CoTaskMemRealloc, NullActsAsAlloc) {
  void* p = CoTaskMemRealloc(nullptr, 24);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(task_malloc()->GetSize(p), 24u);
  CoTaskMemFree(p);
}

TEST(CoTaskMemRealloc, ZeroSizeFreesAndReturnsNull) {
  void* p = CoTaskMemAlloc(24);
  EXPECT_EQ(CoTaskMemRealloc(p, 0), nullptr);  // ASan reports a leak if p survived
}

TEST(CoTaskMemRealloc, KeepsContentsAndUpdatesSize) {
  auto* p = static_cast<unsigned char*>(CoTaskMemAlloc(16));
  for (int i = 0; i < 16; ++i) p[i] = static_cast<unsigned char>(i);
  p = static_cast<unsigned char*>(CoTaskMemRealloc(p, 100000));
  ASSERT_NE(p, nullptr);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(p[i], i);
  EXPECT_EQ(task_malloc()->GetSize(p), 100000u);
  p = static_cast<unsigned char*>(CoTaskMemRealloc(p, 4));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(p[i], i);
  EXPECT_EQ(task_malloc()->GetSize(p), 4u);
  EXPECT_EQ(task_malloc()->DidAlloc(p), 1);
  CoTaskMemFree(p);
}

TEST(CoGetMalloc, OnlyTaskContext) {
  for (DWORD ctx : {DWORD{0}, DWORD{MEMCTX_SHARED}, DWORD{MEMCTX_MACSYSTEM}, static_cast<DWORD>(MEMCTX_UNKNOWN),
                    static_cast<DWORD>(MEMCTX_SAME)}) {
    IMalloc* m = reinterpret_cast<IMalloc*>(1);
    EXPECT_EQ(CoGetMalloc(ctx, &m), E_INVALIDARG) << ctx;
    EXPECT_EQ(m, nullptr);
  }
  EXPECT_EQ(CoGetMalloc(MEMCTX_TASK, nullptr), E_POINTER);
}

TEST(CoGetMalloc, SameObjectEveryTimeAndQueryInterface) {
  IMalloc* a = task_malloc();
  IMalloc* b = task_malloc();
  EXPECT_EQ(a, b);
  IUnknown* unk = nullptr;
  ASSERT_EQ(a->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(&unk)), S_OK);
  EXPECT_EQ(static_cast<void*>(unk), static_cast<void*>(a));
  unk->Release();
  void* none = reinterpret_cast<void*>(1);
  EXPECT_EQ(a->QueryInterface(IID_IErrorInfo, &none), E_NOINTERFACE);
  EXPECT_EQ(none, nullptr);
  EXPECT_EQ(a->QueryInterface(IID_IMalloc, nullptr), E_POINTER);
  EXPECT_NE(a->AddRef(), 0u);
  EXPECT_NE(a->Release(), 0u);
}

TEST(IMalloc, AllocReallocFreeThroughInterface) {
  IMalloc* m = task_malloc();
  void* p = m->Alloc(10);
  ASSERT_NE(p, nullptr);
  p = m->Realloc(p, 20);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(m->GetSize(p), 20u);
  EXPECT_EQ(m->Realloc(p, 0), nullptr);
  void* q = m->Realloc(nullptr, 5);
  EXPECT_EQ(m->GetSize(q), 5u);
  m->Free(q);
  m->Free(nullptr);
  m->HeapMinimize();
}

TEST(IMalloc, GetSizeAndDidAllocOfNull) {
  IMalloc* m = task_malloc();
  EXPECT_EQ(m->GetSize(nullptr), static_cast<SIZE_T>(-1));
  EXPECT_EQ(m->DidAlloc(nullptr), -1);
}

TEST(IMalloc, DidAllocRejectsForeignAndInteriorPointers) {
  IMalloc* m = task_malloc();
  void* p = m->Alloc(64);
  EXPECT_EQ(m->DidAlloc(p), 1);
  EXPECT_EQ(m->DidAlloc(static_cast<char*>(p) + 4), 0);
  EXPECT_EQ(m->DidAlloc(static_cast<char*>(p) + 16), 0);
  EXPECT_EQ(m->DidAlloc(reinterpret_cast<void*>(1)), 0);
  EXPECT_EQ(m->DidAlloc(reinterpret_cast<void*>(16)), 0);  // unmapped page
  int on_stack[8] = {};
  EXPECT_EQ(m->DidAlloc(on_stack), 0);
  void* from_malloc = std::malloc(64);
  EXPECT_EQ(m->DidAlloc(from_malloc), 0);
  std::free(from_malloc);
  static const char in_rodata[64] = "x";
  EXPECT_EQ(m->DidAlloc(const_cast<char*>(in_rodata)), 0);
  m->Free(p);
}

TEST(CoTaskMem, ConcurrentUseIsSafe) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([] {
      for (int i = 0; i < 5000; ++i) {
        void* p = CoTaskMemAlloc(static_cast<SIZE_T>(i % 200));
        ASSERT_NE(p, nullptr);
        p = CoTaskMemRealloc(p, static_cast<SIZE_T>(i % 300 + 1));
        CoTaskMemFree(p);
      }
    });
  for (auto& t : threads) t.join();
}

// ---- Malloc spies ---------------------------------------------------------

// A spy that puts its own 16-byte header in front of every block it sees (so
// pointer translation is exercised), logs every call, and can force
// failures. Its QueryInterface counts references like a real object.
class test_spy : public IMallocSpy {
 public:
  std::vector<std::string> log;
  bool fail_allocs = false;
  ULONG refs = 1;
  static constexpr SIZE_T extra = 16;

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (riid == IID_IUnknown || riid == IID_IMallocSpy) {
      *ppv = static_cast<IMallocSpy*>(this);
      ++refs;
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }

  SIZE_T STDMETHODCALLTYPE PreAlloc(SIZE_T cb) override {
    log.push_back("PreAlloc");
    return fail_allocs ? 0 : cb + extra;
  }
  void* STDMETHODCALLTYPE PostAlloc(void* actual) override {
    log.push_back("PostAlloc");
    return actual ? static_cast<char*>(actual) + extra : nullptr;
  }
  void* STDMETHODCALLTYPE PreFree(void* request, BOOL spyed) override {
    log.push_back(spyed ? "PreFree(spied)" : "PreFree");
    return spyed ? static_cast<char*>(request) - extra : request;
  }
  void STDMETHODCALLTYPE PostFree(BOOL) override { log.push_back("PostFree"); }
  SIZE_T STDMETHODCALLTYPE PreRealloc(void* request, SIZE_T cb, void** actual, BOOL spyed) override {
    log.push_back(spyed ? "PreRealloc(spied)" : "PreRealloc");
    *actual = spyed ? static_cast<char*>(request) - extra : request;
    if (fail_allocs) return 0;
    return spyed ? cb + extra : cb;
  }
  void* STDMETHODCALLTYPE PostRealloc(void* actual, BOOL spyed) override {
    log.push_back("PostRealloc");
    return actual && spyed ? static_cast<char*>(actual) + extra : actual;
  }
  void* STDMETHODCALLTYPE PreGetSize(void* request, BOOL spyed) override {
    log.push_back("PreGetSize");
    return spyed ? static_cast<char*>(request) - extra : request;
  }
  SIZE_T STDMETHODCALLTYPE PostGetSize(SIZE_T actual, BOOL spyed) override {
    log.push_back("PostGetSize");
    return spyed ? actual - extra : actual;
  }
  void* STDMETHODCALLTYPE PreDidAlloc(void* request, BOOL spyed) override {
    log.push_back("PreDidAlloc");
    return spyed ? static_cast<char*>(request) - extra : request;
  }
  int STDMETHODCALLTYPE PostDidAlloc(void*, BOOL, int actual) override {
    log.push_back("PostDidAlloc");
    return actual;
  }
  void STDMETHODCALLTYPE PreHeapMinimize() override { log.push_back("PreHeapMinimize"); }
  void STDMETHODCALLTYPE PostHeapMinimize() override { log.push_back("PostHeapMinimize"); }
};

using log_t = std::vector<std::string>;

TEST(MallocSpy, RegisterErrors) {
  test_spy spy;
  EXPECT_EQ(CoRegisterMallocSpy(nullptr), E_INVALIDARG);
  EXPECT_EQ(CoRevokeMallocSpy(), CO_E_OBJNOTREG);
  ASSERT_EQ(CoRegisterMallocSpy(&spy), S_OK);
  EXPECT_EQ(spy.refs, 2u);  // the QueryInterface reference
  test_spy other;
  EXPECT_EQ(CoRegisterMallocSpy(&other), CO_E_OBJISREG);
  EXPECT_EQ(CoRegisterMallocSpy(nullptr), E_INVALIDARG);
  EXPECT_EQ(CoRevokeMallocSpy(), S_OK);
  EXPECT_EQ(spy.refs, 1u);
  EXPECT_EQ(CoRevokeMallocSpy(), CO_E_OBJNOTREG);
  EXPECT_EQ(other.refs, 1u);
}

TEST(MallocSpy, ObjectWithoutIMallocSpyIsRejected) {
  class not_a_spy final : public test_spy {
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID, void** ppv) override {
      *ppv = nullptr;
      return E_NOINTERFACE;
    }
  } fake;
  EXPECT_EQ(CoRegisterMallocSpy(&fake), E_INVALIDARG);
  EXPECT_EQ(CoRevokeMallocSpy(), CO_E_OBJNOTREG);
}

TEST(MallocSpy, SeesAllocGetSizeDidAllocFreeWithTranslatedPointers) {
  test_spy spy;
  ASSERT_EQ(CoRegisterMallocSpy(&spy), S_OK);
  IMalloc* m = task_malloc();
  void* p = CoTaskMemAlloc(10);
  ASSERT_NE(p, nullptr);
  std::memset(p, 1, 10);
  EXPECT_EQ(m->GetSize(p), 10u);
  EXPECT_EQ(m->DidAlloc(p), 1);
  CoTaskMemFree(p);
  m->HeapMinimize();
  CoTaskMemFree(nullptr);  // no spy calls for NULL, as on Windows
  EXPECT_EQ(CoRevokeMallocSpy(), S_OK);
  EXPECT_EQ(spy.log, (log_t{"PreAlloc", "PostAlloc", "PreGetSize", "PostGetSize", "PreDidAlloc", "PostDidAlloc",
                            "PreFree(spied)", "PostFree", "PreHeapMinimize", "PostHeapMinimize"}));
}

TEST(MallocSpy, ForcedFailureSkipsPostAlloc) {
  test_spy spy;
  spy.fail_allocs = true;
  ASSERT_EQ(CoRegisterMallocSpy(&spy), S_OK);
  EXPECT_EQ(CoTaskMemAlloc(10), nullptr);
  EXPECT_EQ(SysAllocString(u"abc"), nullptr);  // BSTRs come from the task allocator
  EXPECT_EQ(SysAllocStringLen(nullptr, 3), nullptr);
  spy.fail_allocs = false;
  EXPECT_EQ(CoRevokeMallocSpy(), S_OK);
  EXPECT_EQ(spy.log, (log_t{"PreAlloc", "PreAlloc", "PreAlloc"}));
}

TEST(MallocSpy, ForcedFailureOfReallocKeepsTheBlock) {
  test_spy spy;
  ASSERT_EQ(CoRegisterMallocSpy(&spy), S_OK);
  auto* p = static_cast<char*>(CoTaskMemAlloc(4));
  std::memcpy(p, "abc", 4);
  spy.fail_allocs = true;
  EXPECT_EQ(CoTaskMemRealloc(p, 100), nullptr);
  spy.fail_allocs = false;
  EXPECT_STREQ(p, "abc");
  p = static_cast<char*>(CoTaskMemRealloc(p, 100));
  ASSERT_NE(p, nullptr);
  EXPECT_STREQ(p, "abc");
  EXPECT_EQ(task_malloc()->GetSize(p), 100u);
  CoTaskMemFree(p);
  EXPECT_EQ(CoRevokeMallocSpy(), S_OK);
}

TEST(MallocSpy, BlocksFromBeforeRegistrationAreNotSpied) {
  void* before = CoTaskMemAlloc(8);
  test_spy spy;
  ASSERT_EQ(CoRegisterMallocSpy(&spy), S_OK);
  EXPECT_EQ(task_malloc()->GetSize(before), 8u);
  CoTaskMemFree(before);
  EXPECT_EQ(CoRevokeMallocSpy(), S_OK);
  EXPECT_EQ(spy.log, (log_t{"PreGetSize", "PostGetSize", "PreFree", "PostFree"}));
}

TEST(MallocSpy, RevokeWithLiveBlocksIsDeferred) {
  test_spy spy;
  ASSERT_EQ(CoRegisterMallocSpy(&spy), S_OK);
  void* p = CoTaskMemAlloc(8);
  BSTR b = SysAllocString(u"spied");
  EXPECT_EQ(CoRevokeMallocSpy(), E_ACCESSDENIED);
  EXPECT_EQ(spy.refs, 2u);  // still held
  // New allocations are no longer spied.
  void* after = CoTaskMemAlloc(8);
  CoTaskMemFree(after);
  CoTaskMemFree(p);
  EXPECT_EQ(spy.refs, 2u);
  EXPECT_EQ(std::u16string(b), u"spied");
  SysFreeString(b);  // the last spied block: the spy is released now
  EXPECT_EQ(spy.refs, 1u);
  EXPECT_EQ(CoRevokeMallocSpy(), CO_E_OBJNOTREG);
  test_spy next;
  EXPECT_EQ(CoRegisterMallocSpy(&next), S_OK);
  EXPECT_EQ(CoRevokeMallocSpy(), S_OK);
}

// A spy that only counts; its hooks run under the allocator's lock, as
// Windows serialises each Pre/Post pair.
class counting_spy final : public test_spy {
 public:
  long allocs = 0, frees = 0;
  SIZE_T STDMETHODCALLTYPE PreAlloc(SIZE_T cb) override { return ++allocs, cb; }
  void* STDMETHODCALLTYPE PostAlloc(void* actual) override { return actual; }
  void* STDMETHODCALLTYPE PreFree(void* request, BOOL) override { return ++frees, request; }
  void STDMETHODCALLTYPE PostFree(BOOL) override {}
  SIZE_T STDMETHODCALLTYPE PreRealloc(void* request, SIZE_T cb, void** actual, BOOL) override {
    *actual = request;
    return cb;
  }
  void* STDMETHODCALLTYPE PostRealloc(void* actual, BOOL) override { return actual; }
};

TEST(MallocSpy, RegisterAndRevokeWhileOtherThreadsAllocate) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&] {
      while (!stop.load()) {
        void* p = CoTaskMemAlloc(32);
        p = CoTaskMemRealloc(p, 64);
        BSTR b = SysAllocString(u"thread");
        SysFreeString(b);
        CoTaskMemFree(p);
      }
    });
  counting_spy spy;
  for (int round = 0; round < 50; ++round) {
    ASSERT_EQ(CoRegisterMallocSpy(&spy), S_OK);
    std::this_thread::yield();
    const HRESULT hr = CoRevokeMallocSpy();
    ASSERT_TRUE(hr == S_OK || hr == E_ACCESSDENIED) << hr;
    if (hr == E_ACCESSDENIED) {
      // Pending: released once the other threads free what they hold.
      HRESULT again;
      while ((again = CoRevokeMallocSpy()) == E_ACCESSDENIED) std::this_thread::yield();
      ASSERT_EQ(again, CO_E_OBJNOTREG);
    }
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(spy.refs, 1u);
  EXPECT_EQ(CoRevokeMallocSpy(), CO_E_OBJNOTREG);
}

}  // namespace
