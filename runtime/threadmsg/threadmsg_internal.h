// runtime/threadmsg/threadmsg_internal.h - each thread's queue and wake-up,
// and the one wait that everything blocking in libcomkit goes through.
// Base layer (below apartments); never installed.
//
// A thread_queue belongs to one thread and is made on its first use. It
// holds the thread's posted messages (the Win32 subset), the work other
// threads hand it (the calls for its single-threaded apartment), and an
// eventfd: the thread's only wake-up. Anything that may change what a
// waiting thread is waiting for (a posted message, queued work, a signalled
// event, a finished outgoing call) writes that eventfd.
//
// Why no wake-up is lost: a waiting thread first empties its eventfd, then
// looks at every condition, then polls the eventfd. A change made after the
// look also writes the eventfd after it, so the counter is non-zero and the
// poll returns at once; a change made before the look is seen by the look.
// Work runs before the look, and a nested wait inside that work may empty
// the eventfd for a change meant for this wait; the look that follows sees
// the change itself, so that is harmless.
#ifndef COMKIT_RUNTIME_THREADMSG_INTERNAL_H
#define COMKIT_RUNTIME_THREADMSG_INTERNAL_H

#include <atomic>
#include <cstdint>
#include <span>

#include <comkit/abi/threadmsg.h>

#include "runtime_internal.h"

namespace comkit::rt {

/// A unit of work for a thread (a call for its apartment). Exactly one of
/// run (on the owning thread, from inside a wait or a dispatch) or cancel
/// (the owning thread's queue is gone; on whichever thread noticed) is called.
struct queued_work {
  queued_work* next = nullptr;
  void (*run)(queued_work*) noexcept = nullptr;
  void (*cancel)(queued_work*) noexcept = nullptr;
};

class thread_queue;

/// The calling thread's queue, made on first use; nullptr only when the
/// system is out of file descriptors or memory. Owned by the thread.
thread_queue* thread_queue_current() noexcept;
/// The calling thread's queue, which from now on also takes posted thread
/// messages (a thread has a message queue once it used one).
thread_queue* thread_message_queue() noexcept;
/// The calling thread's queue if it has one.
thread_queue* thread_queue_if_any() noexcept;
void thread_queue_addref(thread_queue* q) noexcept;
void thread_queue_release(thread_queue* q) noexcept;
/// Hands work to q's thread; false (nothing queued) when that thread has
/// ended. May be called from any thread.
bool thread_queue_post_work(thread_queue* q, queued_work* work) noexcept;
/// Wakes q's thread without giving it anything (a condition it waits on
/// changed).
void thread_queue_wake(thread_queue* q) noexcept;
/// The eventfd, for a loop that serves the queue itself.
int thread_queue_fd(thread_queue* q) noexcept;
/// Empties the eventfd (before looking at what is pending, never after).
void thread_queue_drain(thread_queue* q) noexcept;
/// Runs the work queued so far (the owning thread only); how many ran.
unsigned thread_queue_run_work(thread_queue* q) noexcept;
/// The queue's owning thread id.
DWORD thread_queue_thread_id(const thread_queue* q) noexcept;
/// The input now in the queue is no longer new (a wait without any_input
/// ends only for input that arrives later).
void thread_queue_input_seen(thread_queue* q) noexcept;

/// What a wait waits for, besides its handles.
struct wait_options {
  bool run_work = false;        // run queued work while waiting (an STA)
  DWORD wake_mask = 0;          // QS_* input that ends the wait
  bool any_input = false;       // input already seen counts (MWMO_INPUTAVAILABLE)
  bool wait_all = false;        // every handle at once (and the input, if wake_mask)
  UINT filter_min = 0, filter_max = 0;       // the messages that count as input
  const std::atomic<bool>* done = nullptr;  // ends the wait when true
};

/// Index of the handle that ended the wait (WAIT_OBJECT_0 + i), or
/// WAIT_OBJECT_0 + handles.size() for input or `done`, or WAIT_TIMEOUT, or
/// WAIT_FAILED with the last error set. Handles are validated first.
DWORD thread_wait(thread_queue* q, std::span<const HANDLE> handles, DWORD timeout_ms,
                  const wait_options& options) noexcept;

void set_last_error(DWORD code) noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_THREADMSG_INTERNAL_H
