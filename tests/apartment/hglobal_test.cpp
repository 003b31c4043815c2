// tests/apartment/hglobal_test.cpp - global memory blocks and the stream
// over one (what marshal data is written into).
#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <vector>

#include <comkit/com_ptr.h>
#include <windows.h>

namespace {

TEST(GlobalMemory, FixedBlocks) {
  HGLOBAL h = GlobalAlloc(GPTR, 10);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(GlobalSize(h), 10u);
  EXPECT_EQ(GlobalLock(h), h);  // a fixed block's handle is its address
  const auto* bytes = static_cast<const unsigned char*>(h);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(bytes[i], 0);  // GMEM_ZEROINIT
  EXPECT_TRUE(GlobalUnlock(h));                          // not counted
  EXPECT_EQ(GlobalFlags(h), 0u);
  EXPECT_EQ(GlobalHandle(h), h);
  // Growing in place is refused without GMEM_MOVEABLE; shrinking works.
  EXPECT_EQ(GlobalReAlloc(h, 1 << 20, 0), nullptr);
  EXPECT_EQ(GlobalSize(h), 10u);
  EXPECT_EQ(GlobalReAlloc(h, 4, 0), h);
  EXPECT_EQ(GlobalSize(h), 4u);
  HGLOBAL moved = GlobalReAlloc(h, 1 << 20, GMEM_MOVEABLE | GMEM_ZEROINIT);
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(GlobalSize(moved), 1u << 20);
  EXPECT_EQ(static_cast<unsigned char*>(moved)[(1 << 20) - 1], 0);
  EXPECT_EQ(GlobalFree(moved), nullptr);
  HGLOBAL zero = GlobalAlloc(GMEM_FIXED, 0);
  ASSERT_NE(zero, nullptr);
  EXPECT_EQ(GlobalSize(zero), 0u);
  EXPECT_EQ(GlobalFree(zero), nullptr);
}

TEST(GlobalMemory, MoveableBlocksCountLocks) {
  HGLOBAL h = GlobalAlloc(GHND, 3);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(GlobalSize(h), 3u);
  void* p = GlobalLock(h);
  ASSERT_NE(p, nullptr);
  EXPECT_NE(p, static_cast<void*>(h));
  EXPECT_EQ(GlobalLock(h), p);
  EXPECT_EQ(GlobalFlags(h) & GMEM_LOCKCOUNT, 2u);
  EXPECT_EQ(GlobalHandle(p), h);
  // Locked: it does not move, so it cannot grow much.
  EXPECT_EQ(GlobalReAlloc(h, 1 << 20, GMEM_MOVEABLE), nullptr);
  EXPECT_TRUE(GlobalUnlock(h));
  SetLastError(99);
  EXPECT_FALSE(GlobalUnlock(h));
  EXPECT_EQ(GetLastError(), 0u);
  EXPECT_FALSE(GlobalUnlock(h));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NOT_LOCKED));
  EXPECT_EQ(GlobalReAlloc(h, 1 << 20, GMEM_MOVEABLE | GMEM_ZEROINIT), h);  // the handle stays
  EXPECT_EQ(GlobalSize(h), 1u << 20);
  EXPECT_EQ(GlobalReAlloc(h, 0, GMEM_MOVEABLE), h);
  EXPECT_EQ(GlobalSize(h), 0u);
  EXPECT_EQ(GlobalReAlloc(h, 0, GMEM_MODIFY | GMEM_MOVEABLE), h);
  EXPECT_EQ(GlobalFree(h), nullptr);
}

TEST(GlobalMemory, BadHandles) {
  HGLOBAL h = GlobalAlloc(GMEM_MOVEABLE, 8);
  ASSERT_EQ(GlobalFree(h), nullptr);
  SetLastError(0);
  EXPECT_EQ(GlobalFree(h), h);  // freed twice: handed back
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_EQ(GlobalFree(nullptr), nullptr);
  int local = 0;
  HGLOBAL bogus = &local;
  EXPECT_EQ(GlobalLock(bogus), nullptr);
  EXPECT_FALSE(GlobalUnlock(bogus));
  EXPECT_EQ(GlobalSize(bogus), 0u);
  EXPECT_EQ(GlobalFlags(bogus), static_cast<UINT>(GMEM_INVALID_HANDLE));
  EXPECT_EQ(GlobalHandle(&local), nullptr);
  EXPECT_EQ(GlobalReAlloc(bogus, 4, GMEM_MOVEABLE), nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_EQ(GlobalAlloc(GMEM_FIXED, static_cast<SIZE_T>(-1)), nullptr);
}

comkit::com_ptr<IStream> new_stream(HGLOBAL h = nullptr, BOOL owns = TRUE) {
  comkit::com_ptr<IStream> s;
  EXPECT_EQ(CreateStreamOnHGlobal(h, owns, s.put()), S_OK);
  return s;
}

ULONGLONG seek(IStream* s, LONGLONG to, DWORD origin) {
  LARGE_INTEGER move;
  move.QuadPart = to;
  ULARGE_INTEGER now{};
  EXPECT_EQ(s->Seek(move, origin, &now), S_OK);
  return now.QuadPart;
}

TEST(HGlobalStream, ReadWriteSeekKeepTheBlockExact) {
  auto s = new_stream();
  ULONG n = 0;
  ASSERT_EQ(s->Write("hello", 5, &n), S_OK);
  EXPECT_EQ(n, 5u);
  HGLOBAL h = nullptr;
  ASSERT_EQ(GetHGlobalFromStream(s.get(), &h), S_OK);
  EXPECT_EQ(GlobalSize(h), 5u);
  EXPECT_EQ(seek(s.get(), 0, STREAM_SEEK_CUR), 5u);
  EXPECT_EQ(seek(s.get(), 8, STREAM_SEEK_SET), 8u);  // past the end is allowed
  ASSERT_EQ(s->Write("!", 1, nullptr), S_OK);
  ASSERT_EQ(GetHGlobalFromStream(s.get(), &h), S_OK);
  EXPECT_EQ(GlobalSize(h), 9u);
  EXPECT_EQ(seek(s.get(), -9, STREAM_SEEK_END), 0u);
  char buf[16] = {};
  ASSERT_EQ(s->Read(buf, sizeof buf, &n), S_OK);
  EXPECT_EQ(n, 9u);
  EXPECT_EQ(std::memcmp(buf, "hello\0\0\0!", 9), 0);
  ASSERT_EQ(s->Read(buf, 4, &n), S_OK);  // at the end: nothing, and no error
  EXPECT_EQ(n, 0u);
  LARGE_INTEGER back;
  back.QuadPart = -100;
  EXPECT_EQ(s->Seek(back, STREAM_SEEK_CUR, nullptr), STG_E_SEEKERROR);
  EXPECT_EQ(s->Seek(back, 7, nullptr), STG_E_SEEKERROR);
  EXPECT_EQ(seek(s.get(), 0, STREAM_SEEK_CUR), 9u);  // unchanged by the failures
  ULARGE_INTEGER size;
  size.QuadPart = 2;
  ASSERT_EQ(s->SetSize(size), S_OK);
  ASSERT_EQ(GetHGlobalFromStream(s.get(), &h), S_OK);
  EXPECT_EQ(GlobalSize(h), 2u);
  STATSTG st;
  ASSERT_EQ(s->Stat(&st, STATFLAG_NONAME), S_OK);
  EXPECT_EQ(st.type, static_cast<DWORD>(STGTY_STREAM));
  EXPECT_EQ(st.cbSize.QuadPart, 2u);
  EXPECT_EQ(st.pwcsName, nullptr);
  EXPECT_EQ(s->Stat(nullptr, 0), STG_E_INVALIDPOINTER);
  EXPECT_EQ(s->Read(nullptr, 1, nullptr), STG_E_INVALIDPOINTER);
  EXPECT_EQ(s->Write(nullptr, 1, nullptr), STG_E_INVALIDPOINTER);
  EXPECT_EQ(s->LockRegion(size, size, LOCK_WRITE), STG_E_INVALIDFUNCTION);
  EXPECT_EQ(s->Commit(STGC_DEFAULT), S_OK);
}

TEST(HGlobalStream, OverAnExistingBlockAndOwnership) {
  HGLOBAL h = GlobalAlloc(GMEM_MOVEABLE, 4);
  std::memcpy(GlobalLock(h), "abcd", 4);
  GlobalUnlock(h);
  {
    auto s = new_stream(h, FALSE);
    char buf[4];
    ULONG n = 0;
    ASSERT_EQ(s->Read(buf, 4, &n), S_OK);  // the stream's size is the block's
    EXPECT_EQ(n, 4u);
    EXPECT_EQ(std::memcmp(buf, "abcd", 4), 0);
    comkit::com_ptr<IStream> clone;
    ASSERT_EQ(s->Clone(clone.put()), S_OK);
    EXPECT_EQ(seek(clone.get(), 0, STREAM_SEEK_CUR), 4u);  // the clone starts where the original is
    ASSERT_EQ(clone->Write("e", 1, nullptr), S_OK);     // and shares the block
    HGLOBAL via_clone = nullptr;
    ASSERT_EQ(GetHGlobalFromStream(clone.get(), &via_clone), S_OK);
    EXPECT_EQ(via_clone, h);
    EXPECT_EQ(GlobalSize(h), 5u);
  }
  EXPECT_EQ(GlobalSize(h), 5u);  // not freed: fDeleteOnRelease was FALSE
  {
    auto s = new_stream(h, TRUE);
  }
  EXPECT_EQ(GlobalFree(h), h);  // freed with the stream
}

TEST(HGlobalStream, BadArguments) {
  EXPECT_EQ(CreateStreamOnHGlobal(nullptr, TRUE, nullptr), E_INVALIDARG);
  int local = 0;
  IStream* s = reinterpret_cast<IStream*>(&local);
  EXPECT_EQ(CreateStreamOnHGlobal(&local, TRUE, &s), E_INVALIDARG);
  EXPECT_EQ(s, nullptr);
  HGLOBAL h = &local;
  EXPECT_EQ(GetHGlobalFromStream(nullptr, &h), E_INVALIDARG);
  EXPECT_EQ(h, nullptr);
  auto real = new_stream();
  EXPECT_EQ(GetHGlobalFromStream(real.get(), nullptr), E_INVALIDARG);
  // A stream that is not comkit's HGLOBAL stream.
  struct other_stream {
    const void* vtable;
  } other{&local};
  EXPECT_EQ(GetHGlobalFromStream(reinterpret_cast<IStream*>(&other), &h), E_INVALIDARG);
}

TEST(HGlobalStream, ClonesWrittenFromSeveralThreads) {
  auto s = new_stream();
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&, t] {
      comkit::com_ptr<IStream> mine;
      ASSERT_EQ(s->Clone(mine.put()), S_OK);
      const char c = static_cast<char>('a' + t);
      for (int i = 0; i < 1000; ++i) {
        seek(mine.get(), t * 1000 + i, STREAM_SEEK_SET);
        ASSERT_EQ(mine->Write(&c, 1, nullptr), S_OK);
      }
    });
  for (auto& w : writers) w.join();
  HGLOBAL h;
  ASSERT_EQ(GetHGlobalFromStream(s.get(), &h), S_OK);
  ASSERT_EQ(GlobalSize(h), 4000u);
  const char* p = static_cast<const char*>(GlobalLock(h));
  for (int i = 0; i < 4000; ++i) ASSERT_EQ(p[i], 'a' + i / 1000) << i;
  GlobalUnlock(h);
}

}  // namespace
