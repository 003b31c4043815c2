// tests/apartment/threadmsg_test.cpp - the Win32 subset STA code is written
// against: thread ids and the last error, events and waits, thread messages.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <thread>
#include <vector>

#include <windows.h>

namespace {

using namespace std::chrono_literals;

// A thread that has a message queue and reports its id.
struct queue_thread {
  std::atomic<DWORD> id{0};
  std::thread thread;
  template <typename F>
  explicit queue_thread(F body)
      : thread([this, body] {
          MSG m;
          PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE);  // makes the queue, as on Windows
          id = GetCurrentThreadId();
          body();
        }) {
    while (id == 0) std::this_thread::yield();
  }
  ~queue_thread() { thread.join(); }
};

TEST(ThreadMessages, MsgHasWindowsX64Layout) {
  static_assert(sizeof(MSG) == 48);
  static_assert(offsetof(MSG, hwnd) == 0);
  static_assert(offsetof(MSG, message) == 8);
  static_assert(offsetof(MSG, wParam) == 16);
  static_assert(offsetof(MSG, lParam) == 24);
  static_assert(offsetof(MSG, time) == 32);
  static_assert(offsetof(MSG, pt) == 36);
  static_assert(offsetof(MSG, lPrivate) == 44);
  SUCCEED();
}

TEST(ThreadMessages, ThreadIdIsTheKernelsAndLastErrorIsPerThread) {
  EXPECT_EQ(GetCurrentThreadId(), static_cast<DWORD>(gettid()));
  SetLastError(1234);
  std::thread([] {
    EXPECT_EQ(GetLastError(), 0u);
    SetLastError(7);
    EXPECT_NE(GetCurrentThreadId(), static_cast<DWORD>(getpid()));
    EXPECT_EQ(GetCurrentThreadId(), static_cast<DWORD>(gettid()));
  }).join();
  EXPECT_EQ(GetLastError(), 1234u);
}

TEST(ThreadMessages, PostToAThreadWithoutAQueueFails) {
  SetLastError(0);
  EXPECT_FALSE(PostThreadMessageW(0, WM_USER, 0, 0));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_THREAD_ID));
  // A thread that only waited on an event has no message queue.
  std::atomic<DWORD> id{0};
  std::atomic<bool> go{false};
  std::thread t([&] {
    HANDLE e = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    WaitForSingleObject(e, 0);
    CloseHandle(e);
    id = GetCurrentThreadId();
    while (!go) std::this_thread::yield();
  });
  while (id == 0) std::this_thread::yield();
  SetLastError(0);
  EXPECT_FALSE(PostThreadMessageW(id, WM_USER, 0, 0));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_THREAD_ID));
  go = true;
  t.join();
  // Nor does a thread that has ended.
  DWORD gone = 0;
  std::thread([&] {
    MSG m;
    PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE);
    gone = GetCurrentThreadId();
  }).join();
  EXPECT_FALSE(PostThreadMessageW(gone, WM_USER, 0, 0));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_THREAD_ID));
}

TEST(ThreadMessages, GetMessageReturnsPostsInOrderThenQuit) {
  std::vector<MSG> got;
  BOOL last = -2;
  queue_thread t([&] {
    MSG m;
    BOOL r;
    while ((r = GetMessageW(&m, nullptr, 0, 0)) > 0) {
      TranslateMessage(&m);
      EXPECT_EQ(DispatchMessageW(&m), 0);
      got.push_back(m);
      if (m.message == WM_APP) PostQuitMessage(42);
    }
    last = r;
    EXPECT_EQ(m.message, static_cast<UINT>(WM_QUIT));
    EXPECT_EQ(m.wParam, 42u);
  });
  ASSERT_TRUE(PostThreadMessageW(t.id, WM_USER + 1, 10, -10));
  ASSERT_TRUE(PostThreadMessageW(t.id, WM_USER + 2, 20, -20));
  ASSERT_TRUE(PostThreadMessageW(t.id, WM_APP, 30, -30));
  t.thread.join();
  t.thread = std::thread([] {});
  EXPECT_EQ(last, 0);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].message, static_cast<UINT>(WM_USER + 1));
  EXPECT_EQ(got[0].wParam, 10u);
  EXPECT_EQ(got[0].lParam, -10);
  EXPECT_EQ(got[0].hwnd, nullptr);
  EXPECT_EQ(got[1].message, static_cast<UINT>(WM_USER + 2));
  EXPECT_EQ(got[2].message, static_cast<UINT>(WM_APP));
}

TEST(ThreadMessages, PeekFiltersRemovesAndLeaves) {
  std::thread([] {
    MSG m{};
    EXPECT_FALSE(PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));  // empty, and now a queue
    const DWORD me = GetCurrentThreadId();
    ASSERT_TRUE(PostThreadMessageW(me, WM_USER + 5, 5, 0));
    ASSERT_TRUE(PostThreadMessageW(me, WM_USER + 1, 1, 0));
    ASSERT_TRUE(PostThreadMessageW(me, WM_APP + 9, 9, 0));
    // In a range: the first matching one, left in place with PM_NOREMOVE.
    ASSERT_TRUE(PeekMessageW(&m, nullptr, WM_USER, WM_USER + 2, PM_NOREMOVE));
    EXPECT_EQ(m.wParam, 1u);
    ASSERT_TRUE(PeekMessageW(&m, nullptr, WM_USER, WM_USER + 2, PM_REMOVE));
    EXPECT_EQ(m.wParam, 1u);
    EXPECT_FALSE(PeekMessageW(&m, nullptr, WM_USER, WM_USER + 2, PM_REMOVE));
    // min > max: everything outside (max, min).
    ASSERT_TRUE(PeekMessageW(&m, nullptr, WM_APP, WM_USER, PM_REMOVE));
    EXPECT_EQ(m.wParam, 9u);
    ASSERT_TRUE(PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE | PM_NOYIELD));
    EXPECT_EQ(m.wParam, 5u);
    EXPECT_FALSE(PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
    // WM_QUIT passes every filter, after the posted messages in the filter.
    ASSERT_TRUE(PostThreadMessageW(me, WM_USER + 1, 1, 0));
    PostQuitMessage(3);
    ASSERT_TRUE(PeekMessageW(&m, nullptr, WM_USER, WM_USER + 1, PM_REMOVE));
    EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 1));
    ASSERT_TRUE(PeekMessageW(&m, nullptr, WM_APP, WM_APP, PM_NOREMOVE));
    EXPECT_EQ(m.message, static_cast<UINT>(WM_QUIT));
    ASSERT_TRUE(PeekMessageW(&m, nullptr, WM_APP, WM_APP, PM_REMOVE));
    EXPECT_EQ(m.message, static_cast<UINT>(WM_QUIT));
    EXPECT_EQ(m.wParam, 3u);
    EXPECT_FALSE(PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  }).join();
}

TEST(ThreadMessages, BadArguments) {
  std::thread([] {
    MSG m;
    const HWND window = reinterpret_cast<HWND>(0x1234);
    SetLastError(0);
    EXPECT_EQ(GetMessageW(&m, window, 0, 0), -1);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
    EXPECT_EQ(GetMessageW(nullptr, nullptr, 0, 0), -1);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_FALSE(PeekMessageW(&m, window, 0, 0, PM_REMOVE));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
    EXPECT_FALSE(PeekMessageW(nullptr, nullptr, 0, 0, PM_REMOVE));
    // (HWND)-1 means "thread messages only", which is all there is.
    EXPECT_FALSE(PeekMessageW(&m, reinterpret_cast<HWND>(-1), 0, 0, PM_REMOVE));
    EXPECT_EQ(DispatchMessageW(nullptr), 0);
    EXPECT_FALSE(TranslateMessage(nullptr));
    HANDLE h[MAXIMUM_WAIT_OBJECTS] = {};
    EXPECT_EQ(MsgWaitForMultipleObjectsEx(MAXIMUM_WAIT_OBJECTS, h, 0, QS_ALLINPUT, 0), WAIT_FAILED);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
    EXPECT_EQ(MsgWaitForMultipleObjectsEx(1, nullptr, 0, QS_ALLINPUT, 0), WAIT_FAILED);
    EXPECT_EQ(MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_ALLINPUT, 0x80), WAIT_FAILED);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  }).join();
}

TEST(ThreadMessages, QueueHasAQuota) {
  std::thread([] {
    MSG m;
    PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE);
    const DWORD me = GetCurrentThreadId();
    int posted = 0;
    while (posted < 20000 && PostThreadMessageW(me, WM_USER, 0, 0)) ++posted;
    EXPECT_EQ(posted, 10000);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NOT_ENOUGH_QUOTA));
    while (PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE)) --posted;
    EXPECT_EQ(posted, 0);
    EXPECT_TRUE(PostThreadMessageW(me, WM_USER, 0, 0));
  }).join();
}

TEST(ThreadMessages, MsgWaitSeesNewInputOnlyUnlessInputAvailable) {
  std::thread([] {
    MSG m;
    PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE);
    const DWORD me = GetCurrentThreadId();
    EXPECT_EQ(MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_ALLINPUT, 0), static_cast<DWORD>(WAIT_TIMEOUT));
    ASSERT_TRUE(PostThreadMessageW(me, WM_USER, 0, 0));
    EXPECT_EQ(MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_ALLINPUT, 0), WAIT_OBJECT_0);
    // Reported once: the wait itself makes it old (a loop calling it again
    // without looking at the queue does not spin).
    EXPECT_EQ(MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_ALLINPUT, 0), static_cast<DWORD>(WAIT_TIMEOUT));
    ASSERT_TRUE(PostThreadMessageW(me, WM_USER, 0, 0));
    // Looked at (not removed): no longer new.
    ASSERT_TRUE(PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE));
    EXPECT_EQ(MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_ALLINPUT, 0), static_cast<DWORD>(WAIT_TIMEOUT));
    EXPECT_EQ(MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_ALLINPUT, MWMO_INPUTAVAILABLE), WAIT_OBJECT_0);
    // A mask without posted messages ignores them.
    EXPECT_EQ(MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_KEY, MWMO_INPUTAVAILABLE),
              static_cast<DWORD>(WAIT_TIMEOUT));
    // Handles come first; input is index nCount.
    HANDLE e = CreateEventW(nullptr, TRUE, TRUE, nullptr);
    EXPECT_EQ(MsgWaitForMultipleObjects(1, &e, FALSE, 0, QS_ALLINPUT), WAIT_OBJECT_0);
    ResetEvent(e);
    EXPECT_EQ(MsgWaitForMultipleObjectsEx(1, &e, 0, QS_ALLINPUT, MWMO_INPUTAVAILABLE), WAIT_OBJECT_0 + 1);
    // MWMO_WAITALL: the handles and input at once.
    EXPECT_EQ(MsgWaitForMultipleObjectsEx(1, &e, 0, QS_ALLINPUT, MWMO_WAITALL | MWMO_INPUTAVAILABLE),
              static_cast<DWORD>(WAIT_TIMEOUT));
    SetEvent(e);
    EXPECT_EQ(MsgWaitForMultipleObjectsEx(1, &e, 0, QS_ALLINPUT, MWMO_WAITALL | MWMO_INPUTAVAILABLE), WAIT_OBJECT_0);
    CloseHandle(e);
  }).join();
}

TEST(ThreadMessages, MsgWaitWakesOnAPostFromAnotherThread) {
  std::atomic<DWORD> result{0};
  queue_thread t([&] { result = MsgWaitForMultipleObjectsEx(0, nullptr, 10000, QS_POSTMESSAGE, 0); });
  std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(PostThreadMessageW(t.id, WM_USER, 0, 0));
  t.thread.join();
  t.thread = std::thread([] {});
  EXPECT_EQ(result.load(), WAIT_OBJECT_0);
}

TEST(Events, AutoAndManualReset) {
  HANDLE a = CreateEventW(nullptr, FALSE, TRUE, nullptr);
  HANDLE m = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a) % 4, 0u);
  EXPECT_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
  EXPECT_EQ(WaitForSingleObject(a, 0), static_cast<DWORD>(WAIT_TIMEOUT));  // reset by the wait
  EXPECT_EQ(WaitForSingleObject(m, 0), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(SetEvent(m));
  EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
  EXPECT_EQ(WaitForSingleObjectEx(m, 0, TRUE), WAIT_OBJECT_0);  // stays signalled
  EXPECT_TRUE(ResetEvent(m));
  EXPECT_EQ(WaitForSingleObject(m, 1), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(CloseHandle(a));
  EXPECT_TRUE(CloseHandle(m));
}

TEST(Events, BadHandlesAndArguments) {
  HANDLE e = CreateEventW(nullptr, TRUE, TRUE, nullptr);
  ASSERT_TRUE(CloseHandle(e));
  SetLastError(0);
  EXPECT_FALSE(CloseHandle(e));  // stale
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_FALSE(SetEvent(e));
  EXPECT_FALSE(ResetEvent(nullptr));
  EXPECT_FALSE(SetEvent(INVALID_HANDLE_VALUE));
  EXPECT_EQ(WaitForSingleObject(e, 0), WAIT_FAILED);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_EQ(WaitForSingleObject(reinterpret_cast<HANDLE>(0x12345677), 0), WAIT_FAILED);
  EXPECT_EQ(WaitForMultipleObjects(0, &e, FALSE, 0), WAIT_FAILED);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(WaitForMultipleObjects(1, nullptr, FALSE, 0), WAIT_FAILED);
  HANDLE many[MAXIMUM_WAIT_OBJECTS + 1] = {};
  EXPECT_EQ(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, many, FALSE, 0), WAIT_FAILED);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  // The same handle twice in a wait for all.
  HANDLE f = CreateEventW(nullptr, TRUE, TRUE, nullptr);
  HANDLE twice[2] = {f, f};
  EXPECT_EQ(WaitForMultipleObjects(2, twice, TRUE, 0), WAIT_FAILED);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(WaitForMultipleObjects(2, twice, FALSE, 0), WAIT_OBJECT_0);
  // Names are not supported (events are process-local).
  EXPECT_EQ(CreateEventW(nullptr, TRUE, TRUE, u"Global\\x"), nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NOT_SUPPORTED));
  CloseHandle(f);
}

TEST(Events, WaitForAnyAndForAll) {
  HANDLE h[3] = {CreateEventW(nullptr, FALSE, FALSE, nullptr), CreateEventW(nullptr, FALSE, TRUE, nullptr),
                 CreateEventW(nullptr, FALSE, TRUE, nullptr)};
  // Any: the lowest signalled index, and only that one is reset.
  EXPECT_EQ(WaitForMultipleObjects(3, h, FALSE, 0), WAIT_OBJECT_0 + 1);
  EXPECT_EQ(WaitForMultipleObjects(3, h, FALSE, 0), WAIT_OBJECT_0 + 2);
  EXPECT_EQ(WaitForMultipleObjects(3, h, FALSE, 0), static_cast<DWORD>(WAIT_TIMEOUT));
  // All: nothing is consumed until every one is signalled at once.
  SetEvent(h[0]);
  SetEvent(h[1]);
  EXPECT_EQ(WaitForMultipleObjects(3, h, TRUE, 0), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(WaitForSingleObject(h[0], 0), WAIT_OBJECT_0);  // still set: the wait for all took nothing
  SetEvent(h[0]);
  SetEvent(h[2]);
  EXPECT_EQ(WaitForMultipleObjects(3, h, TRUE, 0), WAIT_OBJECT_0);
  for (HANDLE x : h) EXPECT_EQ(WaitForSingleObject(x, 0), static_cast<DWORD>(WAIT_TIMEOUT));
  for (HANDLE x : h) CloseHandle(x);
}

TEST(Events, TimeoutIsHonoured) {
  HANDLE e = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(WaitForSingleObject(e, 30), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  CloseHandle(e);
}

// One auto-reset event and many threads: every SetEvent releases exactly
// one waiter (a lost wake-up hangs the test; a double release over-counts).
TEST(Events, AutoResetReleasesOneWaiterPerSet) {
  HANDLE e = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  HANDLE stop = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  constexpr int threads = 4, sets = 2000;
  std::atomic<int> released{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < threads; ++i)
    waiters.emplace_back([&] {
      HANDLE both[2] = {e, stop};
      while (WaitForMultipleObjects(2, both, FALSE, INFINITE) == WAIT_OBJECT_0) released.fetch_add(1);
    });
  for (int i = 0; i < sets; ++i) {
    const int before = released.load();
    SetEvent(e);
    while (released.load() == before) std::this_thread::yield();
    EXPECT_EQ(released.load(), before + 1);
  }
  SetEvent(stop);
  for (auto& t : waiters) t.join();
  EXPECT_EQ(released.load(), sets);
  CloseHandle(e);
  CloseHandle(stop);
}

// CloseHandle while another thread waits on the handle: the wait goes on
// (the object lives while waited on) and can still be satisfied... by
// nobody, so it times out; nothing is freed under it.
TEST(Events, CloseDuringAWait) {
  HANDLE e = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  std::atomic<DWORD> r{0};
  std::thread t([&] { r = WaitForSingleObject(e, 100); });
  std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(CloseHandle(e));
  t.join();
  EXPECT_EQ(r.load(), static_cast<DWORD>(WAIT_TIMEOUT));
}

}  // namespace
