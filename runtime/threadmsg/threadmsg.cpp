// runtime/threadmsg/threadmsg.cpp - thread queues, event handles, the one
// wait, and the Win32 thread-message subset on top of them
// (threadmsg_internal.h has the wake-up protocol).
#include "threadmsg/threadmsg_internal.h"

#include "common/clock.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <deque>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace comkit::rt {
namespace {

thread_local DWORD t_last_error = 0;

// GetTickCount's milliseconds, as MSG::time has them.
DWORD tick_count() noexcept { return static_cast<DWORD>(common::monotonic_ns(true) / 1'000'000); }

// Windows refuses to post to a queue holding this many messages.
constexpr std::size_t posted_limit = 10000;

}  // namespace

void set_last_error(DWORD code) noexcept { t_last_error = code; }

// ---- Thread queues -----------------------------------------------------------

class thread_queue {
 public:
  thread_queue(int fd, DWORD tid) noexcept : fd_(fd), tid_(tid) {}
  ~thread_queue() { ::close(fd_); }

  std::atomic<long> refs{1};  // the owning thread's, plus one per holder
  const int fd_;
  const DWORD tid_;

  std::mutex lock;               // guards everything below
  bool alive = true;             // false once the owning thread has ended
  queued_work* work_head = nullptr;
  queued_work* work_tail = nullptr;
  std::deque<MSG> posted;
  bool quit = false;             // PostQuitMessage was called
  int quit_code = 0;
  bool new_input = false;        // input arrived since the queue was last looked at
  bool accepts_messages = false; // a message function or an STA made it a message queue

  void wake() noexcept {
    const std::uint64_t one = 1;
    // EAGAIN means the counter is already non-zero: the wake-up is pending.
    while (::write(fd_, &one, sizeof one) < 0 && errno == EINTR) {
    }
  }
  void drain() noexcept {
    std::uint64_t value;
    while (::read(fd_, &value, sizeof value) < 0 && errno == EINTR) {
    }
  }
};

namespace {

std::mutex g_queues_lock;                          // guards g_queues
auto& g_queues = *new std::unordered_map<DWORD, thread_queue*>;  // live queues by thread id (each holds a reference); never destroyed

// The thread's queue: made on first use, retired when the thread ends (its
// pending work cancelled, so no caller waits for a thread that is gone).
struct queue_holder {
  thread_queue* q = nullptr;
  ~queue_holder() {
    if (!q) return;
    {
      std::lock_guard g(g_queues_lock);
      g_queues.erase(q->tid_);
    }
    queued_work* pending;
    {
      std::lock_guard g(q->lock);
      q->alive = false;
      pending = q->work_head;
      q->work_head = q->work_tail = nullptr;
    }
    while (pending) {
      queued_work* next = pending->next;
      pending->cancel(pending);
      pending = next;
    }
    thread_queue_release(q);  // the map's reference
    thread_queue_release(q);  // the thread's
    q = nullptr;  // code running later in this thread's exit makes a new one
  }
};
thread_local queue_holder t_queue;

}  // namespace

thread_queue* thread_queue_if_any() noexcept { return t_queue.q; }

thread_queue* thread_queue_current() noexcept {
  if (t_queue.q) [[likely]]
    return t_queue.q;
  const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) return nullptr;
  auto* q = new (std::nothrow) thread_queue(fd, GetCurrentThreadId());
  if (!q) {
    ::close(fd);
    return nullptr;
  }
  try {
    std::lock_guard g(g_queues_lock);
    g_queues[q->tid_] = q;
  } catch (...) {
    delete q;
    return nullptr;
  }
  q->refs.fetch_add(1, std::memory_order_relaxed);  // the map's
  t_queue.q = q;
  return q;
}

void thread_queue_addref(thread_queue* q) noexcept { q->refs.fetch_add(1, std::memory_order_relaxed); }

void thread_queue_release(thread_queue* q) noexcept {
  if (q->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete q;
}

bool thread_queue_post_work(thread_queue* q, queued_work* work) noexcept {
  work->next = nullptr;
  {
    std::lock_guard g(q->lock);
    if (!q->alive) return false;
    if (q->work_tail)
      q->work_tail->next = work;
    else
      q->work_head = work;
    q->work_tail = work;
    // Once the lock is let go, the thread may end and cancel the work, and
    // the work may hold the last reference the caller relied on (an
    // apartment's): the queue and its eventfd must outlive the wake-up.
    thread_queue_addref(q);
  }
  q->wake();
  thread_queue_release(q);
  return true;
}

void thread_queue_wake(thread_queue* q) noexcept { q->wake(); }
void thread_queue_drain(thread_queue* q) noexcept { q->drain(); }

thread_queue* thread_message_queue() noexcept {
  thread_queue* q = thread_queue_current();
  if (q) {
    std::lock_guard g(q->lock);
    q->accepts_messages = true;
  }
  return q;
}
int thread_queue_fd(thread_queue* q) noexcept { return q->fd_; }
DWORD thread_queue_thread_id(const thread_queue* q) noexcept { return q->tid_; }

unsigned thread_queue_run_work(thread_queue* q) noexcept {
  // One item at a time, taken under the lock: a call that waits inside
  // itself serves the items behind it from its nested wait, in arrival
  // order (a batch taken whole would hide them from that wait).
  unsigned ran = 0;
  for (;;) {
    queued_work* item;
    {
      std::lock_guard g(q->lock);
      item = q->work_head;
      if (!item) return ran;
      q->work_head = item->next;
      if (!q->work_head) q->work_tail = nullptr;
    }
    item->run(item);
    ++ran;
  }
}

void thread_queue_input_seen(thread_queue* q) noexcept {
  std::lock_guard g(q->lock);
  q->new_input = false;
}

// ---- Handles and events ------------------------------------------------------
//
// One lock, g_wait_lock, guards the handle table, every event's state and
// every event's list of waiting queues. A wait holds a reference on each
// event it waits on, so CloseHandle during a wait leaves the wait valid (as
// on Windows, the wait goes on; the object dies with its last reference).

namespace {

struct event_object {
  long refs = 1;         // the handle's, plus one per wait in progress
  bool manual = false;
  bool signalled = false;
  std::vector<thread_queue*> waiters;  // queues to wake on SetEvent
};

struct handle_slot {
  event_object* object = nullptr;
  std::uint32_t generation = 0;
};

std::mutex g_wait_lock;
// Never destroyed (made with new): threads may wait or close handles while
// the process exits, after static destructors ran.
auto& g_handles = *new std::vector<handle_slot>;         // guarded by g_wait_lock
auto& g_free_slots = *new std::vector<std::uint32_t>;    // guarded by g_wait_lock

// A handle is ((generation << 32) | (slot + 1)) << 2: never NULL, never
// INVALID_HANDLE_VALUE, a multiple of 4 as Windows' are, and stale once the
// slot's generation moves on.
HANDLE handle_of(std::uint32_t slot, std::uint32_t generation) noexcept {
  const std::uint64_t value = ((std::uint64_t{generation} << 32) | (std::uint64_t{slot} + 1)) << 2;
  return reinterpret_cast<HANDLE>(static_cast<std::uintptr_t>(value));
}

// The event behind h, or nullptr (g_wait_lock held).
event_object* lookup(HANDLE h, std::uint32_t* slot_out = nullptr) noexcept {
  const auto value = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(h));
  if (value & 3) return nullptr;
  const std::uint64_t low = (value >> 2) & 0xFFFFFFFFu;
  const auto generation = static_cast<std::uint32_t>(value >> 34);
  if (low == 0 || low > g_handles.size()) return nullptr;
  const handle_slot& s = g_handles[low - 1];
  if (!s.object || s.generation != generation) return nullptr;
  if (slot_out) *slot_out = static_cast<std::uint32_t>(low - 1);
  return s.object;
}

void unref(event_object* e) noexcept {
  if (--e->refs == 0) delete e;
}

void remove_waiter(event_object* e, thread_queue* q) noexcept {
  auto& w = e->waiters;
  for (std::size_t i = 0; i < w.size(); ++i)
    if (w[i] == q) {
      w[i] = w.back();
      w.pop_back();
      return;
    }
}

// Windows' filter: both zero take everything; min > max takes what lies
// outside (max, min).
bool in_filter(UINT message, UINT min, UINT max) noexcept {
  if (min == 0 && max == 0) return true;
  if (min <= max) return message >= min && message <= max;
  return message >= min || message <= max;
}

bool input_matches(thread_queue* q, const wait_options& o) noexcept {
  if (!(o.wake_mask & (QS_POSTMESSAGE | QS_ALLPOSTMESSAGE))) return false;
  std::lock_guard g(q->lock);
  bool any = q->quit;
  for (const MSG& m : q->posted) {
    if (any) break;
    any = in_filter(m.message, o.filter_min, o.filter_max);
  }
  return o.any_input ? any : (any && q->new_input);
}

}  // namespace

DWORD thread_wait(thread_queue* q, std::span<const HANDLE> handles, DWORD timeout_ms,
                  const wait_options& o) noexcept {
  event_object* objects[MAXIMUM_WAIT_OBJECTS];
  if (handles.size() > MAXIMUM_WAIT_OBJECTS) {
    set_last_error(ERROR_INVALID_PARAMETER);
    return WAIT_FAILED;
  }
  const std::size_t n = handles.size();
  {
    std::lock_guard g(g_wait_lock);
    for (std::size_t i = 0; i < n; ++i) {
      objects[i] = lookup(handles[i]);
      bool duplicate = false;
      for (std::size_t j = 0; o.wait_all && j < i; ++j) duplicate |= objects[j] == objects[i];
      if (!objects[i] || duplicate) {
        for (std::size_t j = 0; j < i; ++j) unref(objects[j]);
        set_last_error(objects[i] ? ERROR_INVALID_PARAMETER : ERROR_INVALID_HANDLE);
        return WAIT_FAILED;
      }
      ++objects[i]->refs;
    }
  }
  const bool has_input = o.wake_mask != 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool registered = false;
  DWORD result = WAIT_TIMEOUT;
  for (;;) {
    if (q) {
      q->drain();
      if (o.run_work) thread_queue_run_work(q);
    }
    bool handles_ready = false;
    std::size_t ready_index = 0;
    const bool input = has_input && q && input_matches(q, o);
    {
      std::lock_guard g(g_wait_lock);
      if (o.wait_all) {
        handles_ready = true;
        for (std::size_t i = 0; i < n; ++i) handles_ready &= objects[i]->signalled;
        // MWMO_WAITALL: the handles and the input at the same time.
        if (handles_ready && (!has_input || input)) {
          for (std::size_t i = 0; i < n; ++i)
            if (!objects[i]->manual) objects[i]->signalled = false;
          result = WAIT_OBJECT_0;
          break;
        }
      } else {
        for (std::size_t i = 0; i < n; ++i)
          if (objects[i]->signalled) {
            if (!objects[i]->manual) objects[i]->signalled = false;
            handles_ready = true;
            ready_index = i;
            break;
          }
        if (handles_ready) {
          result = static_cast<DWORD>(WAIT_OBJECT_0 + ready_index);
          break;
        }
      }
      if (!registered && q) {
        try {
          for (std::size_t i = 0; i < n; ++i) objects[i]->waiters.push_back(q);
        } catch (...) {
          for (std::size_t i = 0; i < n; ++i) remove_waiter(objects[i], q);
          set_last_error(ERROR_NOT_ENOUGH_MEMORY);
          result = WAIT_FAILED;
          break;
        }
        registered = true;
      }
    }
    if (!o.wait_all && input) {
      result = static_cast<DWORD>(WAIT_OBJECT_0 + n);
      break;
    }
    if (o.done && o.done->load(std::memory_order_acquire)) {
      result = static_cast<DWORD>(WAIT_OBJECT_0 + n);
      break;
    }
    int poll_ms = -1;
    if (timeout_ms != INFINITE) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      poll_ms = left.count() > 0x7FFFFFFF ? 0x7FFFFFFF : static_cast<int>(left.count());
    }
    if (!q) {
      // Only a thread without a queue (out of descriptors) gets here.
      ::poll(nullptr, 0, poll_ms < 0 ? 10 : (poll_ms < 10 ? poll_ms : 10));
      continue;
    }
    pollfd p{q->fd_, POLLIN, 0};
    ::poll(&p, 1, poll_ms);
  }
  std::lock_guard g(g_wait_lock);
  for (std::size_t i = 0; i < n; ++i) {
    if (registered) remove_waiter(objects[i], q);
    unref(objects[i]);
  }
  return result;
}

}  // namespace comkit::rt

using namespace comkit::rt;

// ---- Last error and thread ids -----------------------------------------------

DWORD STDAPICALLTYPE GetCurrentThreadId() {
  thread_local const DWORD tid = static_cast<DWORD>(::gettid());
  return tid;
}

DWORD STDAPICALLTYPE GetLastError() { return t_last_error; }
void STDAPICALLTYPE SetLastError(DWORD dwErrCode) { t_last_error = dwErrCode; }

// ---- Events --------------------------------------------------------------------

HANDLE STDAPICALLTYPE CreateEventW(LPSECURITY_ATTRIBUTES, BOOL bManualReset, BOOL bInitialState, LPCWSTR lpName) {
  if (lpName && lpName[0]) {
    set_last_error(ERROR_NOT_SUPPORTED);
    return nullptr;
  }
  auto* e = new (std::nothrow) event_object;
  if (!e) {
    set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  e->manual = bManualReset != FALSE;
  e->signalled = bInitialState != FALSE;
  std::lock_guard g(g_wait_lock);
  try {
    std::uint32_t slot;
    if (!g_free_slots.empty()) {
      slot = g_free_slots.back();
      g_free_slots.pop_back();
    } else {
      if (g_handles.size() >= 0xFFFFFFFEu) throw std::bad_alloc();
      slot = static_cast<std::uint32_t>(g_handles.size());
      g_handles.emplace_back();
      g_free_slots.reserve(g_handles.size());  // CloseHandle never allocates
    }
    g_handles[slot].object = e;
    set_last_error(ERROR_SUCCESS);
    return handle_of(slot, g_handles[slot].generation);
  } catch (...) {
    delete e;
    set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
}

namespace {

BOOL set_state(HANDLE h, bool signalled) noexcept {
  thread_queue* to_wake[MAXIMUM_WAIT_OBJECTS];
  std::vector<thread_queue*> more;
  std::size_t count = 0;
  {
    std::lock_guard g(g_wait_lock);
    event_object* e = lookup(h);
    if (!e) {
      set_last_error(ERROR_INVALID_HANDLE);
      return FALSE;
    }
    e->signalled = signalled;
    if (!signalled) return TRUE;
    // Waiters stay registered (and their queues alive) only while this lock
    // is held; take a reference on each before letting go of it.
    for (thread_queue* q : e->waiters) {
      thread_queue_addref(q);
      if (count < MAXIMUM_WAIT_OBJECTS) {
        to_wake[count++] = q;
      } else {
        try {
          more.push_back(q);
        } catch (...) {
          q->wake();  // under the lock: slower, but no wake-up is lost
          thread_queue_release(q);
        }
      }
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    to_wake[i]->wake();
    thread_queue_release(to_wake[i]);
  }
  for (thread_queue* q : more) {
    q->wake();
    thread_queue_release(q);
  }
  return TRUE;
}

}  // namespace

BOOL STDAPICALLTYPE SetEvent(HANDLE hEvent) { return set_state(hEvent, true); }
BOOL STDAPICALLTYPE ResetEvent(HANDLE hEvent) { return set_state(hEvent, false); }

BOOL STDAPICALLTYPE CloseHandle(HANDLE hObject) {
  std::lock_guard g(g_wait_lock);
  std::uint32_t slot = 0;
  event_object* e = lookup(hObject, &slot);
  if (!e) {
    set_last_error(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  g_handles[slot].object = nullptr;
  g_handles[slot].generation = (g_handles[slot].generation + 1) & 0x3FFFFFFFu;  // what a handle can carry
  g_free_slots.push_back(slot);  // capacity reserved when the slot was made
  unref(e);
  return TRUE;
}

DWORD STDAPICALLTYPE WaitForMultipleObjectsEx(DWORD nCount, const HANDLE* lpHandles, BOOL bWaitAll,
                                              DWORD dwMilliseconds, BOOL) {
  if (nCount == 0 || nCount > MAXIMUM_WAIT_OBJECTS || !lpHandles) {
    set_last_error(ERROR_INVALID_PARAMETER);
    return WAIT_FAILED;
  }
  wait_options o;
  o.wait_all = bWaitAll != FALSE;
  return thread_wait(thread_queue_current(), {lpHandles, nCount}, dwMilliseconds, o);
}

DWORD STDAPICALLTYPE WaitForMultipleObjects(DWORD nCount, const HANDLE* lpHandles, BOOL bWaitAll,
                                            DWORD dwMilliseconds) {
  return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}

DWORD STDAPICALLTYPE WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable) {
  return WaitForMultipleObjectsEx(1, &hHandle, FALSE, dwMilliseconds, bAlertable);
}

DWORD STDAPICALLTYPE WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds) {
  return WaitForMultipleObjectsEx(1, &hHandle, FALSE, dwMilliseconds, FALSE);
}

// ---- Thread messages -------------------------------------------------------------

namespace {

bool window_ok(HWND hWnd) noexcept {
  if (!hWnd || hWnd == reinterpret_cast<HWND>(static_cast<LONG_PTR>(-1))) return true;
  set_last_error(ERROR_INVALID_WINDOW_HANDLE);
  return false;
}

// Takes (or copies) the first message in the filter; WM_QUIT, which passes
// every filter, once the posted messages in the filter are gone.
bool take_message(thread_queue* q, MSG* out, UINT min, UINT max, bool remove) noexcept {
  std::lock_guard g(q->lock);
  q->new_input = false;
  for (auto it = q->posted.begin(); it != q->posted.end(); ++it) {
    if (!in_filter(it->message, min, max) && it->message != WM_QUIT) continue;
    *out = *it;
    if (remove) q->posted.erase(it);
    return true;
  }
  if (q->quit) {
    *out = MSG{};
    out->message = WM_QUIT;
    out->wParam = static_cast<WPARAM>(static_cast<LONG_PTR>(q->quit_code));
    out->time = tick_count();
    if (remove) q->quit = false;
    return true;
  }
  return false;
}

}  // namespace

BOOL STDAPICALLTYPE PostThreadMessageW(DWORD idThread, UINT Msg, WPARAM wParam, LPARAM lParam) {
  thread_queue* q = nullptr;
  {
    std::lock_guard g(g_queues_lock);
    if (auto it = g_queues.find(idThread); it != g_queues.end()) {
      q = it->second;
      thread_queue_addref(q);
    }
  }
  if (!q) {
    set_last_error(ERROR_INVALID_THREAD_ID);
    return FALSE;
  }
  BOOL ok = FALSE;
  {
    std::lock_guard g(q->lock);
    if (!q->alive || !q->accepts_messages) {
      set_last_error(ERROR_INVALID_THREAD_ID);
    } else if (q->posted.size() >= posted_limit) {
      set_last_error(ERROR_NOT_ENOUGH_QUOTA);
    } else {
      try {
        MSG m{};
        m.message = Msg;
        m.wParam = wParam;
        m.lParam = lParam;
        m.time = tick_count();
        q->posted.push_back(m);
        q->new_input = true;
        ok = TRUE;
      } catch (...) {
        set_last_error(ERROR_NOT_ENOUGH_MEMORY);
      }
    }
  }
  if (ok) q->wake();
  thread_queue_release(q);
  return ok;
}

void STDAPICALLTYPE PostQuitMessage(int nExitCode) {
  thread_queue* q = thread_message_queue();
  if (!q) return;
  {
    std::lock_guard g(q->lock);
    q->quit = true;
    q->quit_code = nExitCode;
    q->new_input = true;
  }
  q->wake();
}

BOOL STDAPICALLTYPE PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg) {
  if (!lpMsg) {
    set_last_error(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  if (!window_ok(hWnd)) return FALSE;
  thread_queue* q = thread_message_queue();
  if (!q) {
    set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return FALSE;
  }
  q->drain();
  thread_queue_run_work(q);
  // The eventfd was emptied: leave it set if something is still pending for
  // a loop that polls it.
  if (take_message(q, lpMsg, wMsgFilterMin, wMsgFilterMax, (wRemoveMsg & PM_REMOVE) != 0)) {
    q->wake();
    return TRUE;
  }
  return FALSE;
}

BOOL STDAPICALLTYPE GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax) {
  if (!lpMsg) {
    set_last_error(ERROR_INVALID_PARAMETER);
    return -1;
  }
  if (!window_ok(hWnd)) return -1;
  thread_queue* q = thread_message_queue();
  if (!q) {
    set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return -1;
  }
  wait_options o;
  o.run_work = true;
  o.wake_mask = QS_ALLINPUT;
  o.any_input = true;
  o.filter_min = wMsgFilterMin;
  o.filter_max = wMsgFilterMax;
  for (;;) {
    if (take_message(q, lpMsg, wMsgFilterMin, wMsgFilterMax, true)) return lpMsg->message != WM_QUIT;
    thread_wait(q, {}, INFINITE, o);
  }
}

LRESULT STDAPICALLTYPE DispatchMessageW(const MSG* lpMsg) {
  // No windows, so no window procedure: a thread message goes nowhere, as
  // on Windows. COM's calls never come through here; they are served inside
  // the waits.
  (void)lpMsg;
  return 0;
}

BOOL STDAPICALLTYPE TranslateMessage(const MSG* lpMsg) {
  (void)lpMsg;  // only keyboard messages translate, and there are none
  return FALSE;
}

DWORD STDAPICALLTYPE MsgWaitForMultipleObjectsEx(DWORD nCount, const HANDLE* pHandles, DWORD dwMilliseconds,
                                                 DWORD dwWakeMask, DWORD dwFlags) {
  if (nCount > MAXIMUM_WAIT_OBJECTS - 1 || (nCount && !pHandles) ||
      (dwFlags & ~DWORD{MWMO_WAITALL | MWMO_ALERTABLE | MWMO_INPUTAVAILABLE})) {
    set_last_error(ERROR_INVALID_PARAMETER);
    return WAIT_FAILED;
  }
  thread_queue* q = thread_message_queue();
  if (!q) {
    set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return WAIT_FAILED;
  }
  wait_options o;
  o.run_work = true;
  o.wake_mask = dwWakeMask;
  o.any_input = (dwFlags & MWMO_INPUTAVAILABLE) != 0;
  o.wait_all = (dwFlags & MWMO_WAITALL) != 0 && nCount > 0;
  const DWORD r = thread_wait(q, {pHandles, nCount}, dwMilliseconds, o);
  if (r == WAIT_OBJECT_0 + nCount || (o.wait_all && r == WAIT_OBJECT_0 && dwWakeMask)) {
    // As documented: the input it reported is no longer new.
    std::lock_guard g(q->lock);
    q->new_input = false;
  }
  return r;
}

DWORD STDAPICALLTYPE MsgWaitForMultipleObjects(DWORD nCount, const HANDLE* pHandles, BOOL fWaitAll,
                                               DWORD dwMilliseconds, DWORD dwWakeMask) {
  return MsgWaitForMultipleObjectsEx(nCount, pHandles, dwMilliseconds, dwWakeMask, fWaitAll ? MWMO_WAITALL : 0);
}
