// runtime/apartment/apartment.cpp - apartments: CoInitializeEx and
// CoUninitialize, the MTA and its usage count, apartment types, the
// context object, message filters, and the waits that serve an STA.
//
// Per thread: the apartment it joined and how many CoInitializeEx calls are
// not yet undone. The MTA: one object while it has members (threads that
// joined it) or usage counts (CoIncrementMTAUsage); g_mta_lock guards its
// creation and end, so a thread joining while the last one leaves gets a
// new MTA object only after the old one's listeners ran (and those never see
// the new MTA's state).
#include <atomic>
#include <mutex>
#include <new>

#include "apartment/apartment_internal.h"
#include "common/clock.h"

namespace comkit::rt {

class apartment {
 public:
  apartment(apartment_id id, thread_queue* queue, bool main) noexcept
      : id_(id), queue_(queue), main_(main), context_(*this) {
    if (queue_) thread_queue_addref(queue_);
  }
  ~apartment() {
    if (filter_) filter_->Release();
    if (queue_) thread_queue_release(queue_);
  }

  std::atomic<long> refs{1};
  const apartment_id id_;
  thread_queue* const queue_;  // an STA's thread queue; nullptr for the MTA
  const bool main_;            // the process's main STA
  std::atomic<bool> alive{true};
  IMessageFilter* filter_ = nullptr;  // an STA's; only its own thread touches it

  // The context object (CoGetObjectContext): part of the apartment, counted
  // with it.
  struct context final : IComThreadingInfo, IContextCallback {
    explicit context(apartment& owner) noexcept : owner_(owner) {}
    apartment& owner_;
    apartment& owner() noexcept { return owner_; }
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override;
    ULONG STDMETHODCALLTYPE AddRef() override {
      return static_cast<ULONG>(owner().refs.fetch_add(1, std::memory_order_relaxed) + 1);
    }
    ULONG STDMETHODCALLTYPE Release() override {
      apartment& a = owner();
      const long left = a.refs.fetch_sub(1, std::memory_order_acq_rel) - 1;
      if (left == 0) delete &a;
      return static_cast<ULONG>(left);
    }
    HRESULT STDMETHODCALLTYPE GetCurrentApartmentType(APTTYPE* pAptType) override;
    HRESULT STDMETHODCALLTYPE GetCurrentThreadType(THDTYPE* pThreadType) override;
    HRESULT STDMETHODCALLTYPE GetCurrentLogicalThreadId(GUID* pguidLogicalThreadId) override;
    HRESULT STDMETHODCALLTYPE SetCurrentLogicalThreadId(REFGUID rguid) override;
    HRESULT STDMETHODCALLTYPE ContextCallback(PFNCONTEXTCALL pfnCallback, ComCallData* pParam, REFIID riid, int iMethod,
                                              IUnknown* pUnk) override;
  } context_;
};

namespace {

struct thread_state {
  apartment* apt = nullptr;  // the apartment this thread joined (one reference)
  unsigned count = 0;        // successful CoInitialize(Ex) calls not yet undone
  GUID logical_thread{};     // IComThreadingInfo's logical thread id, made on first use
};
thread_local thread_state t_state;

std::atomic<apartment_id> g_next_sta{1};
std::atomic<apartment_runner> g_runner{nullptr};  // the call layer's (apartment_set_runner)
std::atomic<apartment_id> g_main_sta{0};  // the main STA's id while it lives, else 0

// Guards g_mta's creation and end. Recursive: the listeners run under it,
// and an object they release may join the MTA on this very thread (it then
// gets a new MTA, as g_mta is already cleared).
std::recursive_mutex g_mta_lock;
apartment* g_mta = nullptr;     // guarded by g_mta_lock (one reference while it lives)
long g_mta_users = 0;           // members + usage counts, guarded by g_mta_lock
std::atomic<long> g_mta_live{0};  // g_mta_users, readable without the lock

constinit std::atomic<apartment_listener> g_listeners[4]{};

void notify_gone(apartment_id id) noexcept {
  for (auto& l : g_listeners)
    if (apartment_listener fn = l.load(std::memory_order_acquire)) fn(id);
}

// The MTA with a reference, making it if `join`; nullptr if it does not exist.
apartment* mta_acquire(bool join) noexcept {
  std::lock_guard g(g_mta_lock);
  if (!g_mta) {
    if (!join) return nullptr;
    g_mta = new (std::nothrow) apartment(mta_apartment, nullptr, false);
    if (!g_mta) return nullptr;
  }
  if (join) {
    ++g_mta_users;
    g_mta_live.store(g_mta_users, std::memory_order_release);
  }
  apartment_addref(g_mta);
  return g_mta;
}

// Drops one member or usage count; the last one ends the MTA.
void mta_leave() noexcept {
  apartment* ended = nullptr;
  {
    std::lock_guard g(g_mta_lock);
    if (--g_mta_users == 0) {
      ended = g_mta;
      g_mta = nullptr;
      ended->alive.store(false, std::memory_order_release);
      // Listeners run under the lock: a thread joining now waits for them,
      // so they never see (and revoke) the next MTA's state.
      notify_gone(mta_apartment);
    }
    g_mta_live.store(g_mta_users, std::memory_order_release);
  }
  if (ended) apartment_release(ended);
}

void leave_apartment(thread_state& s) noexcept {
  apartment* a = s.apt;
  s.apt = nullptr;
  s.count = 0;
  if (!a) return;
  if (a->queue_) {
    a->alive.store(false, std::memory_order_release);
    if (IMessageFilter* f = a->filter_) {
      a->filter_ = nullptr;
      f->Release();
    }
    apartment_id expected = a->id_;
    g_main_sta.compare_exchange_strong(expected, 0, std::memory_order_acq_rel);
    notify_gone(a->id_);
  } else {
    mta_leave();
  }
  apartment_release(a);
}

// A thread that ends without CoUninitialize leaves its apartment anyway.
struct exit_cleanup {
  ~exit_cleanup() {
    if (t_state.count > 0) leave_apartment(t_state);
  }
  void arm() noexcept {}
};
thread_local exit_cleanup t_cleanup;

APTTYPE type_of(const apartment* a) noexcept {
  if (!a->queue_) return APTTYPE_MTA;
  return g_main_sta.load(std::memory_order_acquire) == a->id_ ? APTTYPE_MAINSTA : APTTYPE_STA;
}

}  // namespace

// ---- Internal interface ---------------------------------------------------------

HRESULT apartment_check() noexcept {
  if (t_state.count > 0 || g_mta_live.load(std::memory_order_acquire) > 0) [[likely]]
    return S_OK;
  return CO_E_NOTINITIALIZED;
}

apartment_id apartment_current() noexcept { return t_state.apt ? t_state.apt->id_ : mta_apartment; }

apartment* apartment_acquire_current() noexcept {
  if (apartment* a = t_state.apt) {
    apartment_addref(a);
    return a;
  }
  return mta_acquire(false);
}

void apartment_addref(apartment* a) noexcept { a->refs.fetch_add(1, std::memory_order_relaxed); }
void apartment_release(apartment* a) noexcept { a->context_.Release(); }
apartment_id apartment_id_of(const apartment* a) noexcept { return a->id_; }
bool apartment_is_sta(const apartment* a) noexcept { return a->queue_ != nullptr; }
bool apartment_alive(const apartment* a) noexcept { return a->alive.load(std::memory_order_acquire); }
thread_queue* apartment_queue(const apartment* a) noexcept { return a->queue_; }

IMessageFilter* apartment_message_filter(apartment* a) noexcept {
  IMessageFilter* f = a->filter_;
  if (f) f->AddRef();
  return f;
}

void apartment_add_listener(apartment_listener listener) noexcept {
  for (auto& l : g_listeners) {
    apartment_listener none = nullptr;
    if (l.compare_exchange_strong(none, listener, std::memory_order_acq_rel)) return;
  }
}

void apartment_set_runner(apartment_runner runner) noexcept { g_runner.store(runner, std::memory_order_release); }

// ---- The context object -----------------------------------------------------------

HRESULT STDMETHODCALLTYPE apartment::context::QueryInterface(REFIID riid, void** ppv) {
  if (!ppv) return E_POINTER;
  const IID* iid = nullable(&riid);
  if (!iid) {
    *ppv = nullptr;
    return E_INVALIDARG;
  }
  if (IsEqualIID(*iid, IID_IUnknown) || IsEqualIID(*iid, IID_IComThreadingInfo) ||
      IsEqualIID(*iid, IID_IAgileObject)) {
    *ppv = static_cast<IComThreadingInfo*>(this);
    AddRef();
    return S_OK;
  }
  if (IsEqualIID(*iid, IID_IContextCallback)) {
    *ppv = static_cast<IContextCallback*>(this);
    AddRef();
    return S_OK;
  }
  *ppv = nullptr;
  return E_NOINTERFACE;
}

HRESULT STDMETHODCALLTYPE apartment::context::GetCurrentApartmentType(APTTYPE* pAptType) {
  APTTYPEQUALIFIER qualifier;
  return CoGetApartmentType(pAptType, &qualifier);
}

HRESULT STDMETHODCALLTYPE apartment::context::GetCurrentThreadType(THDTYPE* pThreadType) {
  if (!pThreadType) return E_INVALIDARG;
  const apartment* a = t_state.apt;
  *pThreadType = a && a->queue_ ? THDTYPE_PROCESSMESSAGES : THDTYPE_BLOCKMESSAGES;
  return S_OK;
}

HRESULT STDMETHODCALLTYPE apartment::context::GetCurrentLogicalThreadId(GUID* pguidLogicalThreadId) {
  if (!pguidLogicalThreadId) return E_INVALIDARG;
  GUID& mine = t_state.logical_thread;
  if (IsEqualGUID(mine, GUID_NULL))
    if (HRESULT hr = CoCreateGuid(&mine); FAILED(hr)) return hr;
  *pguidLogicalThreadId = mine;
  return S_OK;
}

// In the context's own apartment the function runs at once; from elsewhere
// the call layer carries it there (as a call: an STA runs it from its
// queue, the MTA on one of its threads) and the caller waits, serving its
// own STA meanwhile. The function's HRESULT is the result.
HRESULT STDMETHODCALLTYPE apartment::context::ContextCallback(PFNCONTEXTCALL pfnCallback, ComCallData* pParam, REFIID,
                                                              int, IUnknown*) {
  if (!pfnCallback) return E_INVALIDARG;
  apartment& a = owner();
  if (apartment_check() != S_OK) return CO_E_NOTINITIALIZED;
  if (apartment_current() == a.id_) return pfnCallback(pParam);
  if (!a.alive.load(std::memory_order_acquire)) return RPC_E_DISCONNECTED;
  apartment_runner run = g_runner.load(std::memory_order_acquire);
  return run ? run(&a, pfnCallback, pParam) : E_UNEXPECTED;
}

HRESULT STDMETHODCALLTYPE apartment::context::SetCurrentLogicalThreadId(REFGUID rguid) {
  const GUID* g = nullable(&rguid);
  if (!g) return E_INVALIDARG;
  t_state.logical_thread = *g;
  return S_OK;
}

}  // namespace comkit::rt

using namespace comkit::rt;

// ---- Initialisation ------------------------------------------------------------------

HRESULT STDAPICALLTYPE CoInitializeEx(LPVOID pvReserved, DWORD dwCoInit) {
  if (pvReserved) return E_INVALIDARG;
  if (dwCoInit & ~DWORD{COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE | COINIT_SPEED_OVER_MEMORY})
    return E_INVALIDARG;
  const bool sta = (dwCoInit & COINIT_APARTMENTTHREADED) != 0;
  thread_state& s = t_state;
  if (s.count > 0) {
    if ((s.apt->queue_ != nullptr) != sta) return RPC_E_CHANGED_MODE;  // not counted: needs no CoUninitialize
    ++s.count;
    return S_FALSE;
  }
  // The thread's queue first, for either model, so that it outlives the
  // apartment at thread exit (thread_local objects end in the reverse order
  // of their making): leaving the apartment may release objects that wait.
  if (!thread_queue_current()) return E_OUTOFMEMORY;
  apartment* a;
  if (sta) {
    thread_queue* q = thread_message_queue();
    if (!q) return E_OUTOFMEMORY;
    const apartment_id id = g_next_sta.fetch_add(1, std::memory_order_relaxed);
    apartment_id no_main = 0;
    const bool main = g_main_sta.compare_exchange_strong(no_main, id, std::memory_order_acq_rel);
    a = new (std::nothrow) apartment(id, q, main);
    if (!a) {
      if (main) g_main_sta.store(0, std::memory_order_release);
      return E_OUTOFMEMORY;
    }
  } else {
    a = mta_acquire(true);
    if (!a) return E_OUTOFMEMORY;
  }
  t_cleanup.arm();
  s.apt = a;
  s.count = 1;
  return S_OK;
}

HRESULT STDAPICALLTYPE CoInitialize(LPVOID pvReserved) { return CoInitializeEx(pvReserved, COINIT_APARTMENTTHREADED); }

void STDAPICALLTYPE CoUninitialize() {
  thread_state& s = t_state;
  if (s.count == 0) return;  // unbalanced: ignored
  if (--s.count == 0) leave_apartment(s);
}

HRESULT STDAPICALLTYPE OleInitialize(LPVOID pvReserved) {
  if (pvReserved) return E_INVALIDARG;
  return CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED);
}

void STDAPICALLTYPE OleUninitialize() {
  const apartment* a = t_state.apt;
  if (a && a->queue_) CoUninitialize();
}

DWORD STDAPICALLTYPE CoGetCurrentProcess() {
  // Documented as a value unique to the calling thread (thread IDs get
  // reused; this does not): a counter, taken on first use.
  static std::atomic<DWORD> next{1};
  thread_local DWORD mine = 0;
  if (mine == 0) mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine;
}

// ---- Apartment types, the MTA usage count, the context ---------------------------------

HRESULT STDAPICALLTYPE CoGetApartmentType(APTTYPE* pAptType, APTTYPEQUALIFIER* pAptQualifier) {
  if (!pAptType || !pAptQualifier) return E_INVALIDARG;
  *pAptQualifier = APTTYPEQUALIFIER_NONE;
  if (const apartment* a = t_state.apt) {
    *pAptType = type_of(a);
    return S_OK;
  }
  if (g_mta_live.load(std::memory_order_acquire) > 0) {
    *pAptType = APTTYPE_MTA;
    *pAptQualifier = APTTYPEQUALIFIER_IMPLICIT_MTA;
    return S_OK;
  }
  *pAptType = APTTYPE_CURRENT;
  return CO_E_NOTINITIALIZED;
}

HRESULT STDAPICALLTYPE CoIncrementMTAUsage(CO_MTA_USAGE_COOKIE* pCookie) {
  if (!pCookie) return E_INVALIDARG;
  *pCookie = nullptr;
  apartment* a = mta_acquire(true);
  if (!a) return E_OUTOFMEMORY;
  // The cookie is the MTA object itself, holding the reference just taken.
  *pCookie = reinterpret_cast<CO_MTA_USAGE_COOKIE>(a);
  return S_OK;
}

HRESULT STDAPICALLTYPE CoDecrementMTAUsage(CO_MTA_USAGE_COOKIE Cookie) {
  if (!Cookie) return E_INVALIDARG;
  // A cookie is only ever one CoIncrementMTAUsage's; using it twice is a
  // caller bug Windows does not detect either.
  apartment* a = reinterpret_cast<apartment*>(Cookie);
  mta_leave();
  apartment_release(a);
  return S_OK;
}

HRESULT STDAPICALLTYPE CoGetObjectContext(REFIID riid, LPVOID* ppv) {
  if (!ppv) return E_INVALIDARG;
  *ppv = nullptr;
  const IID* iid = nullable(&riid);
  if (!iid) return E_INVALIDARG;
  apartment* a = apartment_acquire_current();
  if (!a) return CO_E_NOTINITIALIZED;
  const HRESULT hr = a->context_.QueryInterface(*iid, ppv);
  apartment_release(a);
  return hr;
}

HRESULT STDAPICALLTYPE CoGetContextToken(ULONG_PTR* pToken) {
  if (!pToken) return E_POINTER;
  *pToken = 0;
  apartment* a = apartment_acquire_current();
  if (!a) return CO_E_NOTINITIALIZED;
  // Not counted (as on Windows): valid while the thread stays in the apartment.
  *pToken = reinterpret_cast<ULONG_PTR>(static_cast<IComThreadingInfo*>(&a->context_));
  apartment_release(a);
  return S_OK;
}

HRESULT STDAPICALLTYPE CoRegisterMessageFilter(LPMESSAGEFILTER lpMessageFilter, LPMESSAGEFILTER* lplpMessageFilter) {
  if (lplpMessageFilter) *lplpMessageFilter = nullptr;
  apartment* a = t_state.apt;
  if (!a) return CO_E_NOTINITIALIZED;
  if (!a->queue_) return CO_E_NOT_SUPPORTED;
  if (lpMessageFilter) lpMessageFilter->AddRef();
  IMessageFilter* old = a->filter_;
  a->filter_ = lpMessageFilter;
  if (lplpMessageFilter)
    *lplpMessageFilter = old;
  else if (old)
    old->Release();
  return S_OK;
}

// ---- Waits that serve the apartment ---------------------------------------------------

namespace {

HRESULT co_wait(DWORD timeout, ULONG count, const HANDLE* handles, LPDWORD index, bool wait_all, bool input,
                bool dispatch_messages) noexcept {
  const apartment* a = t_state.apt;
  const bool sta = a && a->queue_;
  thread_queue* q = sta ? a->queue_ : thread_queue_current();
  wait_options o;
  o.run_work = sta;
  o.wait_all = wait_all;
  if (sta && (input || dispatch_messages)) {
    o.wake_mask = QS_ALLPOSTMESSAGE;
    o.any_input = true;
  }
  const long long start = comkit::common::monotonic_ns();
  for (;;) {
    DWORD left = timeout;
    if (timeout != INFINITE) {
      const long long spent = (comkit::common::monotonic_ns() - start) / 1'000'000;
      left = spent >= timeout ? 0 : static_cast<DWORD>(timeout - spent);
    }
    const DWORD r = thread_wait(q, {handles, count}, left, o);
    if (r == WAIT_FAILED) return HRESULT_FROM_WIN32(GetLastError());
    if (r == WAIT_TIMEOUT) return RPC_S_CALLPENDING;
    if (r == WAIT_OBJECT_0 + count && !wait_all) {
      if (input) {
        *index = count;
        return S_OK;
      }
      // COWAIT_DISPATCH_WINDOW_MESSAGES: thread messages have no window
      // procedure, so dispatching one removes it; then wait on.
      // WM_QUIT stays for the thread's own loop. Looking at the queue
      // makes what is left old, so the wait goes on until new input.
      MSG m;
      while (PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE) && m.message != WM_QUIT) {
        PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE);
        DispatchMessageW(&m);
      }
      o.any_input = false;
      continue;
    }
    *index = r - WAIT_OBJECT_0;
    return S_OK;
  }
}

}  // namespace

HRESULT STDAPICALLTYPE CoWaitForMultipleHandles(DWORD dwFlags, DWORD dwTimeout, ULONG cHandles, LPHANDLE pHandles,
                                                LPDWORD lpdwindex) {
  if (!lpdwindex) return E_INVALIDARG;
  *lpdwindex = 0;
  if (!pHandles) return E_INVALIDARG;
  if (cHandles == 0) return RPC_E_NO_SYNC;
  if (cHandles > MAXIMUM_WAIT_OBJECTS) return E_INVALIDARG;
  if (dwFlags & ~DWORD{COWAIT_WAITALL | COWAIT_ALERTABLE | COWAIT_INPUTAVAILABLE | COWAIT_DISPATCH_CALLS |
                       COWAIT_DISPATCH_WINDOW_MESSAGES})
    return E_INVALIDARG;
  return co_wait(dwTimeout, cHandles, pHandles, lpdwindex, (dwFlags & COWAIT_WAITALL) != 0,
                 (dwFlags & COWAIT_INPUTAVAILABLE) != 0, (dwFlags & COWAIT_DISPATCH_WINDOW_MESSAGES) != 0);
}

HRESULT STDAPICALLTYPE CoWaitForMultipleObjects(DWORD dwFlags, DWORD dwTimeout, ULONG cHandles,
                                                const HANDLE* pHandles, LPDWORD lpdwindex) {
  if (!lpdwindex) return E_INVALIDARG;
  *lpdwindex = 0;
  if (!pHandles) return E_INVALIDARG;
  if (cHandles == 0) return RPC_E_NO_SYNC;
  if (cHandles > CWMO_MAX_HANDLES) return E_INVALIDARG;
  if (dwFlags & ~DWORD{CWMO_DISPATCH_CALLS | CWMO_DISPATCH_WINDOW_MESSAGES}) return E_INVALIDARG;
  return co_wait(dwTimeout, cHandles, pHandles, lpdwindex, false, false,
                 (dwFlags & CWMO_DISPATCH_WINDOW_MESSAGES) != 0);
}

// ---- Serving an STA from another loop --------------------------------------------------

HRESULT STDAPICALLTYPE ComkitGetApartmentFd(int* pFd) {
  if (!pFd) return E_INVALIDARG;
  *pFd = -1;
  const apartment* a = t_state.apt;
  if (!a || !a->queue_) return CO_E_NOTINITIALIZED;
  *pFd = thread_queue_fd(a->queue_);
  return S_OK;
}

HRESULT STDAPICALLTYPE ComkitDispatchPending(ULONG* pcServed) {
  if (pcServed) *pcServed = 0;
  const apartment* a = t_state.apt;
  if (!a || !a->queue_) return CO_E_NOTINITIALIZED;
  thread_queue_drain(a->queue_);
  const unsigned served = thread_queue_run_work(a->queue_);
  if (pcServed) *pcServed = served;
  return S_OK;
}
