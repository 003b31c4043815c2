// comkit/apartment.h - apartments in the C++ projection:
//   apartment_context  an apartment to get back to (run a function there)
//   sta_thread         a thread that is a single-threaded apartment and serves calls
//   git_cookie<I>      a registration in the global interface table, revoked on destruction
//   agile_ref<I>       an interface pointer usable from any apartment
// Header-only; part of comkit::comkit. Awaiting an apartment from a
// coroutine is <comkit/coroutine.h>, so builds that do not use coroutines
// never include <coroutine>. docs/apartments.md has the rules.
#ifndef COMKIT_APARTMENT_H
#define COMKIT_APARTMENT_H

#include <comkit/abi/apartment.h>
#include <comkit/abi/marshal.h>
#include <comkit/abi/threadmsg.h>
#include <comkit/com_ptr.h>
#include <comkit/error.h>
#include <comkit/result.h>

#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <type_traits>
#include <utility>

namespace comkit {

/// The apartment of the thread that made it (its object context's
/// IContextCallback). run(f) runs f there: at once when the caller is in
/// that apartment, else as a call into it (an STA runs it from its queue,
/// the MTA on one of its threads) while the caller waits, serving its own
/// STA meanwhile. Copyable; usable from any thread.
class apartment_context {
 public:
  /// The calling thread's apartment; empty when the thread has none.
  apartment_context() noexcept { CoGetObjectContext(guid_of<IContextCallback>(), m_context.put_void()); }
  /// An empty context (run fails with CO_E_NOTINITIALIZED).
  explicit apartment_context(std::nullptr_t) noexcept {}

  explicit operator bool() const noexcept { return static_cast<bool>(m_context); }

  /// Runs f() in the apartment and waits for it. An exception f throws is
  /// thrown again here; a call that cannot reach the apartment (it ended:
  /// RPC_E_DISCONNECTED; an empty context: CO_E_NOTINITIALIZED) fails with
  /// its HRESULT (hresult_error, or the returned result<void> without
  /// exceptions).
  template <typename F>
  detail::error_policy::wrap<void> run(F&& f) const {
    struct state {
      std::remove_reference_t<F>* f = nullptr;
#if COMKIT_HAS_EXCEPTIONS
      std::exception_ptr error;
#endif
    } s;
    s.f = &f;
    ComCallData data{0, 0, &s};
    const HRESULT hr =
        m_context ? m_context->ContextCallback(&trampoline<state>, &data, guid_of<IContextCallback>(), 0, nullptr)
                  : CO_E_NOTINITIALIZED;
#if COMKIT_HAS_EXCEPTIONS
    if (s.error) std::rethrow_exception(s.error);
    check_hresult(hr);
#else
    return result<void>(hr);
#endif
  }

  const com_ptr<IContextCallback>& abi() const noexcept { return m_context; }

 private:
  template <typename State>
  static HRESULT STDMETHODCALLTYPE trampoline(ComCallData* data) {
    auto* s = static_cast<State*>(data->pUserDefined);
#if COMKIT_HAS_EXCEPTIONS
    try {
      (*s->f)();
    } catch (...) {
      s->error = std::current_exception();
    }
#else
    (*s->f)();
#endif
    return S_OK;
  }

  com_ptr<IContextCallback> m_context;
};

/// A thread that is a single-threaded apartment for as long as the object
/// lives, serving calls (and posted thread messages) with GetMessageW.
/// Objects made on it (through run) belong to it; hand them to other
/// apartments marshalled (agile_ref, git_cookie, or the object's proxy).
/// The destructor ends the loop with WM_QUIT and joins the thread.
class sta_thread {
 public:
  sta_thread() {
    std::atomic<int> ready{0};
    m_thread = std::thread([this, &ready] {
      const HRESULT hr = m_init = CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED);
      MSG m;
      PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE);  // the queue exists before anyone posts
      m_id = GetCurrentThreadId();
      if (hr >= 0) m_context = apartment_context();
      ready.store(hr >= 0 ? 1 : -1, std::memory_order_release);
      ready.notify_one();
      if (hr < 0) return;
      while (GetMessageW(&m, nullptr, 0, 0) > 0) {
        TranslateMessage(&m);
        DispatchMessageW(&m);
      }
      m_context = apartment_context{nullptr};
      CoUninitialize();
    });
    ready.wait(0, std::memory_order_acquire);
    if (ready.load(std::memory_order_acquire) < 0) {
      m_thread.join();
#if COMKIT_HAS_EXCEPTIONS
      throw_hresult(m_init);  // CoInitializeEx's failure; without exceptions, run() then fails
#endif
    }
  }
  sta_thread(const sta_thread&) = delete;
  sta_thread& operator=(const sta_thread&) = delete;
  ~sta_thread() {
    if (!m_thread.joinable()) return;
    PostThreadMessageW(m_id, WM_QUIT, 0, 0);
    m_thread.join();
  }

  /// The thread's id (GetCurrentThreadId on it).
  DWORD id() const noexcept { return m_id; }
  const apartment_context& context() const noexcept { return m_context; }
  /// Runs f() on the thread, in its apartment, and waits for it.
  template <typename F>
  detail::error_policy::wrap<void> run(F&& f) const {
    return m_context.run(std::forward<F>(f));
  }

 private:
  std::thread m_thread;
  DWORD m_id = 0;
  HRESULT m_init = S_OK;  // written by the thread before `ready`
  apartment_context m_context{nullptr};
};

/// A registration of an interface pointer in the global interface table,
/// revoked when the cookie is destroyed. Any apartment may get() the
/// interface (a proxy, or the object itself at home) and any may revoke.
template <typename I>
class git_cookie {
 public:
  git_cookie() noexcept = default;
  /// Registers p (throws hresult_error on failure; without exceptions the
  /// cookie stays empty).
  explicit git_cookie(const com_ptr<I>& p) {
    com_ptr<IGlobalInterfaceTable> git = table();
    HRESULT hr = git ? git->RegisterInterfaceInGlobal(reinterpret_cast<IUnknown*>(p.get()), guid_of<I>(), &m_cookie)
                     : CO_E_NOTINITIALIZED;
    if (hr < 0) m_cookie = 0;
#if COMKIT_HAS_EXCEPTIONS
    check_hresult(hr);
#endif
  }
  git_cookie(git_cookie&& o) noexcept : m_cookie(std::exchange(o.m_cookie, 0)) {}
  git_cookie& operator=(git_cookie&& o) noexcept {
    if (this != &o) {
      revoke();
      m_cookie = std::exchange(o.m_cookie, 0);
    }
    return *this;
  }
  ~git_cookie() { revoke(); }

  /// The interface in the calling apartment; empty when the cookie is empty
  /// or the table cannot give it (the object's apartment ended ...).
  com_ptr<I> get() const noexcept {
    com_ptr<I> out;
    if (!m_cookie) return out;
    if (com_ptr<IGlobalInterfaceTable> git = table())
      git->GetInterfaceFromGlobal(m_cookie, guid_of<I>(), out.put_void());
    return out;
  }
  void revoke() noexcept {
    if (!m_cookie) return;
    if (com_ptr<IGlobalInterfaceTable> git = table()) git->RevokeInterfaceFromGlobal(m_cookie);
    m_cookie = 0;
  }
  DWORD value() const noexcept { return m_cookie; }
  explicit operator bool() const noexcept { return m_cookie != 0; }

 private:
  static com_ptr<IGlobalInterfaceTable> table() noexcept {
    com_ptr<IGlobalInterfaceTable> git;
    CoCreateInstance(CLSID_StdGlobalInterfaceTable, nullptr, CLSCTX_INPROC_SERVER, guid_of<IGlobalInterfaceTable>(),
                     git.put_void());
    return git;
  }
  DWORD m_cookie = 0;
};

/// An interface pointer that any apartment may use: get() gives it in the
/// calling apartment. An agile object (IAgileObject, or one aggregating the
/// free-threaded marshaler) is kept as it is; any other goes through the
/// global interface table. Move-only.
template <typename I>
class agile_ref {
 public:
  agile_ref() noexcept = default;
  explicit agile_ref(const com_ptr<I>& p) {
    if (!p) return;
    if (p.template try_as<IAgileObject>() || is_free_threaded(p))
      m_direct = p;
    else
      m_cookie = git_cookie<I>(p);
  }
  /// The interface in the calling apartment; empty when there is none.
  com_ptr<I> get() const noexcept { return m_direct ? m_direct : m_cookie.get(); }
  explicit operator bool() const noexcept { return m_direct || m_cookie; }

 private:
  static bool is_free_threaded(const com_ptr<I>& p) noexcept {
    com_ptr<IMarshal> m = p.template try_as<IMarshal>();
    CLSID clsid{};
    return m && m->GetUnmarshalClass(guid_of<I>(), p.get(), MSHCTX_INPROC, nullptr, MSHLFLAGS_NORMAL, &clsid) >= 0 &&
           IsEqualGUID(clsid, CLSID_InProcFreeMarshaler);
  }
  com_ptr<I> m_direct;
  git_cookie<I> m_cookie;
};

/// agile_ref<I>(p).
template <typename I>
agile_ref<I> make_agile(const com_ptr<I>& p) {
  return agile_ref<I>(p);
}

}  // namespace comkit

#endif  // COMKIT_APARTMENT_H
