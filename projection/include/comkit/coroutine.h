// comkit/coroutine.h - apartments from coroutines: `co_await context` or
// `co_await comkit::resume_on(context)` continues in that apartment,
// `co_await comkit::resume_background()` on a new thread in the MTA, and
// comkit::fire_and_forget is the simplest coroutine type to use them in.
// Header-only; only this header includes <coroutine>.
//
// Resuming in an apartment is a call into it (apartment_context::run): the
// thread that awaits waits until the coroutine, now running in the target
// apartment, suspends again or ends, serving its own STA meanwhile (so a
// coroutine may hop back into it).
#ifndef COMKIT_COROUTINE_H
#define COMKIT_COROUTINE_H

#include <comkit/apartment.h>

#include <coroutine>
#include <exception>
#include <thread>

namespace comkit {

/// Awaiting it continues the coroutine in `context`'s apartment.
class apartment_awaiter {
 public:
  explicit apartment_awaiter(apartment_context context) noexcept : m_context(std::move(context)) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    m_result = S_OK;
    // The coroutine may end (and this awaiter with its frame) before run
    // returns: nothing of *this is touched after a successful run.
    const apartment_context context = m_context;
#if COMKIT_HAS_EXCEPTIONS
    try {
      context.run([h] { h.resume(); });
    } catch (const hresult_error& e) {
      m_result = e.code();  // the apartment is gone: continue here, and report it
      h.resume();
    }
#else
    result<void> r = context.run([h] { h.resume(); });
    if (!r.ok()) {
      m_result = r.code();
      h.resume();
    }
#endif
  }
  /// Throws hresult_error when the apartment could not be reached (the
  /// coroutine then continued where it was); without exceptions, returns
  /// the HRESULT.
#if COMKIT_HAS_EXCEPTIONS
  void await_resume() const { check_hresult(m_result); }
#else
  HRESULT await_resume() const noexcept { return m_result; }
#endif

 private:
  apartment_context m_context;
  HRESULT m_result = S_OK;
};

inline apartment_awaiter operator co_await(const apartment_context& context) noexcept { return apartment_awaiter(context); }
/// The coroutine continues in `context`'s apartment.
inline apartment_awaiter resume_on(const apartment_context& context) noexcept { return apartment_awaiter(context); }

/// Awaiting it continues the coroutine on a new thread in the MTA.
struct background_awaiter {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    std::thread([h] {
      const HRESULT hr = CoInitializeEx(nullptr, COINIT_MULTITHREADED);
      h.resume();
      if (hr >= 0) CoUninitialize();
    }).detach();
  }
  void await_resume() const noexcept {}
};
inline background_awaiter resume_background() noexcept { return {}; }

/// A coroutine that starts at once and that nobody awaits; an exception
/// escaping it ends the program.
struct fire_and_forget {
  struct promise_type {
    fire_and_forget get_return_object() const noexcept { return {}; }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }
  };
};

}  // namespace comkit

#endif  // COMKIT_COROUTINE_H
