// tests/runtime/bstr_test.cpp - BSTR allocation and its Windows layout.
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "spy_helpers.h"
#include <cstring>
#include <string>

namespace {

std::uint32_t prefix_of(BSTR b) {
  std::uint32_t n;
  std::memcpy(&n, reinterpret_cast<const char*>(b) - 4, 4);
  return n;
}

TEST(SysAllocString, NullGivesNull) { EXPECT_EQ(SysAllocString(nullptr), nullptr); }

TEST(SysAllocString, CopiesAndTerminates) {
  BSTR b = SysAllocString(u"hello");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(std::u16string(b), u"hello");
  EXPECT_EQ(SysStringLen(b), 5u);
  EXPECT_EQ(SysStringByteLen(b), 10u);
  EXPECT_EQ(prefix_of(b), 10u);
  EXPECT_EQ(b[5], 0);
  SysFreeString(b);
}

TEST(SysAllocString, EmptyStringIsNotNull) {
  BSTR b = SysAllocString(u"");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(SysStringLen(b), 0u);
  EXPECT_EQ(b[0], 0);
  SysFreeString(b);
}

TEST(BstrLayout, BlockComesFromTaskAllocatorEightBytesIn) {
  BSTR b = SysAllocString(u"layout");
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b) % 8, 0u);
  IMalloc* m = nullptr;
  ASSERT_EQ(CoGetMalloc(MEMCTX_TASK, &m), S_OK);
  void* block = reinterpret_cast<char*>(b) - 8;
  EXPECT_EQ(m->DidAlloc(block), 1);
  EXPECT_GE(m->GetSize(block), 8u + 12u + 2u);  // rounded up to a BSTR cache class
  SysFreeString(b);
}

TEST(SysAllocStringLen, NullSourceGivesZeroedString) {
  BSTR b = SysAllocStringLen(nullptr, 0);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(SysStringLen(b), 0u);
  EXPECT_EQ(b[0], 0);
  SysFreeString(b);
  b = SysAllocStringLen(nullptr, 100);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(SysStringLen(b), 100u);
  for (int i = 0; i <= 100; ++i) EXPECT_EQ(b[i], 0);
  SysFreeString(b);
}

TEST(SysAllocStringLen, KeepsEmbeddedNuls) {
  const OLECHAR src[] = {u'a', 0, u'b', 0, u'c'};
  BSTR b = SysAllocStringLen(src, 5);
  EXPECT_EQ(SysStringLen(b), 5u);
  EXPECT_EQ(std::memcmp(b, src, sizeof src), 0);
  EXPECT_EQ(b[5], 0);
  SysFreeString(b);
}

TEST(SysAllocStringLen, CopiesOnlyLenCharacters) {
  BSTR b = SysAllocStringLen(u"abcdef", 3);
  EXPECT_EQ(std::u16string(b), u"abc");
  SysFreeString(b);
}

TEST(SysAllocStringLen, OversizedLengthFails) {
  EXPECT_EQ(SysAllocStringLen(nullptr, 0xFFFFFFFFu), nullptr);
  EXPECT_EQ(SysAllocStringLen(nullptr, 0x80000000u), nullptr);
}

TEST(SysAllocStringByteLen, OddLengthsHaveTwoZeroBytes) {
  for (UINT len = 0; len < 64; ++len) {
    const char src[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    BSTR b = SysAllocStringByteLen(src, len);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(SysStringByteLen(b), len);
    EXPECT_EQ(SysStringLen(b), len / 2);
    const char* bytes = reinterpret_cast<const char*>(b);
    EXPECT_EQ(std::memcmp(bytes, src, len), 0);
    EXPECT_EQ(bytes[len], 0);
    EXPECT_EQ(bytes[len + 1], 0);
    EXPECT_EQ(b[(len + 1) / 2], 0);
    SysFreeString(b);
  }
}

TEST(SysAllocStringByteLen, NullSourceAndLimits) {
  BSTR b = SysAllocStringByteLen(nullptr, 0);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(SysStringByteLen(b), 0u);
  SysFreeString(b);
  b = SysAllocStringByteLen(nullptr, 5);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(SysStringByteLen(b), 5u);
  SysFreeString(b);
  EXPECT_EQ(SysAllocStringByteLen(nullptr, 0xFFFFFFFFu), nullptr);
  EXPECT_EQ(SysAllocStringByteLen("x", 0xFFFFFFFFu), nullptr);
}

TEST(SysFreeString, NullIsNoOp) { SysFreeString(nullptr); }

TEST(SysStringLen, NullIsZero) {
  EXPECT_EQ(SysStringLen(nullptr), 0u);
  EXPECT_EQ(SysStringByteLen(nullptr), 0u);
}

TEST(SysReAllocString, NullTargetFails) { EXPECT_EQ(SysReAllocString(nullptr, u"x"), FALSE); }

TEST(SysReAllocString, ReplacesContent) {
  BSTR b = SysAllocString(u"short");
  EXPECT_EQ(SysReAllocString(&b, u"a much longer string"), TRUE);
  EXPECT_EQ(std::u16string(b), u"a much longer string");
  EXPECT_EQ(SysStringLen(b), 20u);
  EXPECT_EQ(SysReAllocString(&b, u"x"), TRUE);
  EXPECT_EQ(std::u16string(b), u"x");
  SysFreeString(b);
}

TEST(SysReAllocString, FromNullBstrAllocates) {
  BSTR b = nullptr;
  EXPECT_EQ(SysReAllocString(&b, u"new"), TRUE);
  EXPECT_EQ(std::u16string(b), u"new");
  SysFreeString(b);
}

TEST(SysReAllocString, NullSourceFreesAndClears) {
  BSTR b = SysAllocString(u"gone");
  EXPECT_EQ(SysReAllocString(&b, nullptr), TRUE);
  EXPECT_EQ(b, nullptr);
}

TEST(SysReAllocString, SourceInsideTargetIsHandled) {
  BSTR b = SysAllocString(u"prefix-tail");
  EXPECT_EQ(SysReAllocString(&b, b + 7), TRUE);
  EXPECT_EQ(std::u16string(b), u"tail");
  SysFreeString(b);
}

TEST(SysReAllocStringLen, NullTargetFails) { EXPECT_EQ(SysReAllocStringLen(nullptr, u"x", 1), FALSE); }

TEST(SysReAllocStringLen, NullSourceKeepsOldCharacters) {
  BSTR b = SysAllocString(u"abcdef");
  EXPECT_EQ(SysReAllocStringLen(&b, nullptr, 3), TRUE);
  EXPECT_EQ(SysStringLen(b), 3u);
  EXPECT_EQ(std::u16string(b), u"abc");
  EXPECT_EQ(SysReAllocStringLen(&b, nullptr, 8), TRUE);
  EXPECT_EQ(SysStringLen(b), 8u);
  EXPECT_EQ(std::u16string(b, 3), u"abc");
  EXPECT_EQ(b[8], 0);
  SysFreeString(b);
}

TEST(SysReAllocStringLen, OverlappingSourceGrowAndShrink) {
  BSTR b = SysAllocString(u"some");
  EXPECT_EQ(SysReAllocStringLen(&b, b, 6), TRUE);
  EXPECT_EQ(SysStringLen(b), 6u);
  EXPECT_EQ(std::u16string(b, 4), u"some");
  // Applications do this: grow far past the old block with the old text.
  EXPECT_EQ(SysReAllocStringLen(&b, b, 1000000), TRUE);
  EXPECT_EQ(SysStringLen(b), 1000000u);
  EXPECT_EQ(std::u16string(b, 4), u"some");
  EXPECT_EQ(b[1000000], 0);
  // Shrink to a tail of itself.
  EXPECT_EQ(SysReAllocString(&b, u"0123456789"), TRUE);
  EXPECT_EQ(SysReAllocStringLen(&b, b + 6, 4), TRUE);
  EXPECT_EQ(std::u16string(b), u"6789");
  // A tail longer than what remains: the missing part reads as zeros.
  EXPECT_EQ(SysReAllocString(&b, u"0123456789"), TRUE);
  EXPECT_EQ(SysReAllocStringLen(&b, b + 8, 6), TRUE);
  EXPECT_EQ(SysStringLen(b), 6u);
  EXPECT_EQ(b[0], u'8');
  EXPECT_EQ(b[1], u'9');
  for (int i = 2; i <= 6; ++i) EXPECT_EQ(b[i], 0);
  SysFreeString(b);
}

TEST(SysReAllocStringLen, OversizedLengthFailsAndKeepsOld) {
  BSTR b = SysAllocString(u"keep");
  EXPECT_EQ(SysReAllocStringLen(&b, nullptr, 0xFFFFFFFFu), FALSE);
  EXPECT_EQ(std::u16string(b), u"keep");
  SysFreeString(b);
}

// ---- The BSTR cache (on unless OANOCACHE is set or a sanitizer is built in) --

constexpr bool sanitized =
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    true;
#else
    false;
#endif
bool cache_expected() { return !sanitized && std::getenv("OANOCACHE") == nullptr; }

TEST(BstrCache, ReusedBlocksAreFullyReinitialised) {
  // Fill the cache with dirty blocks of every small class, then allocate from it.
  for (int round = 0; round < 3; ++round) {
    std::vector<BSTR> dirty;
    for (UINT len = 0; len < 130; ++len) {
      BSTR b = SysAllocStringLen(nullptr, len);
      for (UINT i = 0; i < len; ++i) b[i] = u'X';
      dirty.push_back(b);
    }
    for (BSTR b : dirty) SysFreeString(b);
    for (UINT len = 0; len < 130; ++len) {
      BSTR z = SysAllocStringLen(nullptr, len);
      EXPECT_EQ(SysStringLen(z), len);
      for (UINT i = 0; i <= len; ++i) ASSERT_EQ(z[i], 0) << len << " " << i;
      BSTR odd = SysAllocStringByteLen("abcdefg", 7);
      EXPECT_EQ(SysStringByteLen(odd), 7u);
      EXPECT_EQ(reinterpret_cast<const char*>(odd)[7], 0);
      EXPECT_EQ(odd[4], 0);
      SysFreeString(odd);
      SysFreeString(z);
    }
  }
}

TEST(BstrCache, ThreadExitReturnsCachedBlocks) {
  // A thread caches a few freed BSTRs; a spy registered before the thread
  // ends sees exactly those blocks freed when the thread's cache is emptied.
  class free_counter final : public test::passthrough_spy {
   public:
    int frees = 0;
    void* STDMETHODCALLTYPE PreFree(void* p, BOOL) override { return ++frees, p; }
  } spy;
  std::mutex m;
  std::condition_variable cv;
  bool cached = false, go = false;
  std::thread t([&] {
    BSTR b[3] = {SysAllocString(u"one"), SysAllocString(u"two"), SysAllocString(u"three")};
    for (BSTR x : b) SysFreeString(x);
    std::unique_lock<std::mutex> lock(m);
    cached = true;
    cv.notify_all();
    cv.wait(lock, [&] { return go; });
  });
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return cached; });
    ASSERT_EQ(CoRegisterMallocSpy(&spy), S_OK);
    go = true;
    cv.notify_all();
  }
  t.join();
  EXPECT_EQ(CoRevokeMallocSpy(), S_OK);
  EXPECT_EQ(spy.frees, cache_expected() ? 3 : 0);
}

}  // namespace
