// runtime/marshal/rpc.cpp - calls between apartments of one process:
// proxy/stub factories (CoRegisterPSClsid, CoGetPSClsid), proxy managers
// (one per object per apartment: COM identity), channels
// (IRpcChannelBuffer) and the calls they carry to the object's apartment.
//
// A call's state machine (`call::state`), shared by the caller and the
// thread that runs it, each holding a reference:
//
//   pending --(home thread: run)--> running --(run finished)--> done
//   pending --(home thread gone: cancel)--> done, RPC_E_DISCONNECTED
//   pending --(caller: home apartment ended, call never started)--> abandoned
//   pending --(caller: its IMessageFilter::MessagePending cancelled)--> abandoned
//
// Every transition out of `pending` is a compare-exchange, so exactly one of
// run, cancel or abandon wins. The caller waits (serving its own STA's calls:
// COM's reentrancy rule) until `finished` is set, checking every 100 ms
// whether the home apartment still lives; once it has ended and the call has
// not started, the caller abandons it and returns RPC_E_DISCONNECTED. A call
// that is running is waited for (it ends when the object returns), except
// when MessagePending cancels: then the caller stops waiting and returns
// RPC_E_CALL_CANCELED while the home thread finishes the call, so anything
// the call reads (an invoke_call's request) becomes the call's to free.
// Whoever finishes the call copies the caller's queue, then sets `finished`,
// then wakes that queue, and never touches the call after setting it.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <new>
#include <optional>
#include <thread>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <comkit/detail/guid_hash.h>

#include "marshal/counted_object.h"
#include "marshal/marshal_internal.h"
#include "marshal/peer.h"
#include "activation/activation_internal.h"
#include "registry/registry_internal.h"
#include "runtime_internal.h"

namespace comkit::rt {
namespace {

// ---- Proxy/stub factories -------------------------------------------------------

std::mutex g_ps_lock;
auto& g_ps_registered = *new std::unordered_map<IID, CLSID, detail::guid_hash>;  // CoRegisterPSClsid, guarded by g_ps_lock; never destroyed
std::atomic<bool> g_any_ps_registered{false};  // set once anything is in g_ps_registered

// ---- Where calls run ----------------------------------------------------------------
// An STA's calls run on its thread (its queue); the MTA's on a pool of
// threads that belong to it implicitly, made as calls need them.

class mta_pool {
 public:
  void post(queued_work* w) noexcept {
    std::unique_lock l(lock_);
    try {
      work_.push_back(w);
    } catch (...) {
      l.unlock();
      w->cancel(w);
      return;
    }
    // A thread per item not yet taken by an idle one: a notified thread
    // counts as idle until it wakes, so idle_ alone would let two calls
    // share one thread (and a call waiting on the other would hang).
    if (work_.size() > static_cast<std::size_t>(idle_)) {
      try {
        std::thread([this] { serve(); }).detach();
        ++threads_;
      } catch (...) {
        if (threads_ == 0) {
          work_.pop_back();
          l.unlock();
          w->cancel(w);
          return;
        }
      }
    }
    ready_.notify_one();
  }

 private:
  void serve() noexcept {
    std::unique_lock l(lock_);
    for (;;) {
      ++idle_;
      const bool got = ready_.wait_for(l, std::chrono::seconds(10), [this] { return !work_.empty(); });
      --idle_;
      if (!got) {
        --threads_;
        return;
      }
      queued_work* w = work_.front();
      work_.pop_front();
      l.unlock();
      w->run(w);
      l.lock();
    }
  }

  std::mutex lock_;
  std::condition_variable ready_;
  std::deque<queued_work*> work_;  // guarded by lock_
  int idle_ = 0, threads_ = 0;     // guarded by lock_
};

// Never destroyed: its threads may outlive static destruction.
mta_pool& pool() {
  static mta_pool* p = new mta_pool;
  return *p;
}

// Hands w to the home apartment; false when it has no thread left to run it.
bool post_home(apartment* home, queued_work* w) noexcept {
  if (!apartment_alive(home)) return false;
  if (thread_queue* q = apartment_queue(home)) return thread_queue_post_work(q, w);
  pool().post(w);
  return true;
}

// ---- Causality, for the message filter -------------------------------------------
// A chain of calls (A calls B, B calls back into A ...) shares one id: a
// thread's top-level outgoing call takes the thread's own id, and an
// incoming call's id is carried by the calls it makes. An STA that waits
// for an outgoing call knows its id, so an incoming call with the same id is
// CALLTYPE_NESTED, one with another id CALLTYPE_TOPLEVEL_CALLPENDING.

std::atomic<std::uint64_t> g_next_causality{1};
thread_local std::uint64_t t_own_causality = 0;   // this thread's top-level id, made on first use
thread_local std::uint64_t t_incoming_causality = 0;  // the incoming call being run here, else 0
thread_local std::uint64_t t_waiting_causality = 0;   // the outgoing call this thread waits for, else 0

std::uint64_t outgoing_causality() noexcept {
  if (t_incoming_causality) return t_incoming_causality;
  if (!t_own_causality) t_own_causality = g_next_causality.fetch_add(1, std::memory_order_relaxed);
  return t_own_causality;
}

// IMessageFilter's HTASK: a thread id.
HTASK as_htask(DWORD thread_id) noexcept { return reinterpret_cast<HTASK>(static_cast<std::uintptr_t>(thread_id)); }
// The thread of an STA (0 for the MTA), as a filter is told it.
HTASK htask_of(const apartment* a) noexcept {
  const thread_queue* q = a ? apartment_queue(a) : nullptr;
  return as_htask(q ? thread_queue_thread_id(q) : 0);
}

DWORD elapsed_ms(std::chrono::steady_clock::time_point since) noexcept {
  return static_cast<DWORD>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count());
}

// The home STA's IMessageFilter::HandleInComingCall for one call (on the
// home thread): S_OK to run it, RPC_E_CALL_REJECTED (SERVERCALL_REJECTED)
// or RPC_E_SERVERCALL_RETRYLATER (SERVERCALL_RETRYLATER) to turn it away.
HRESULT filter_incoming(const remote_object& target, DWORD serial, ULONG method, DWORD caller_tid,
                        std::uint64_t causality, std::chrono::steady_clock::time_point sent) noexcept {
  if (!apartment_is_sta(target.home)) return S_OK;
  IMessageFilter* filter = apartment_message_filter(target.home);
  if (!filter) return S_OK;
  INTERFACEINFO info{};
  IUnknown* object = nullptr;
  if (SUCCEEDED(exporter_call_info(target, serial, &object, &info.iid))) info.pUnk = object;
  info.wMethod = static_cast<WORD>(method);
  const DWORD type = !t_waiting_causality              ? CALLTYPE_TOPLEVEL
                     : causality == t_waiting_causality ? CALLTYPE_NESTED
                                                        : CALLTYPE_TOPLEVEL_CALLPENDING;
  const DWORD answer = filter->HandleInComingCall(type, as_htask(caller_tid), elapsed_ms(sent), &info);
  if (object) object->Release();
  filter->Release();
  if (answer == SERVERCALL_REJECTED) return RPC_E_CALL_REJECTED;
  if (answer == SERVERCALL_RETRYLATER) return RPC_E_SERVERCALL_RETRYLATER;
  return S_OK;
}

// ---- Calls ------------------------------------------------------------------------

enum : int { pending, running, done, abandoned };

// A call to another process has the same states: its request is sent and
// its reply (or the connection's end) completes it on the thread reading the
// connection, which stands for the home thread (the peer's pending table
// holds that reference). That may be the caller itself (`reads`: an MTA
// caller reads its own reply while nobody else reads, peer.h), which then
// waits on `signal` rather than its queue: `finish` and the handing over of
// the reading each bump it. In the called process the same call type runs
// at home and `finish` sends the reply instead of waking a caller.
struct call : queued_work, reply_sink {
  std::atomic<int> refs{2};  // the caller's and the home thread's
  std::atomic<int> state{pending};
  std::atomic<bool> finished{false};
  std::atomic<std::uint32_t> signal{0};  // a `reads` caller's wake-ups
  thread_queue* caller = nullptr;  // one reference
  HRESULT hr = RPC_E_DISCONNECTED;
  peer* reply_to = nullptr;  // in the called process: who asked (one reference)
  std::uint32_t reply_id = 0;
  std::vector<std_objref> marshalled;  // in the called process: the normal marshals the reply carries
  apartment* held_home = nullptr;  // in the called process: the target's home (one reference)
  virtual ~call() {
    if (caller) thread_queue_release(caller);
    if (reply_to) peer_release(reply_to);
    if (held_home) apartment_release(held_home);
  }
  virtual HRESULT execute() noexcept = 0;
  /// The request frame's fields after the header (calls that cross processes).
  virtual void put_request(frame_writer&) {}
  /// The reply's body after a successful execute (in the called process),
  /// and its decoding (in the caller's; a failure is the call's result).
  virtual void put_reply(frame_writer&) {}
  virtual HRESULT take_reply(std::span<const std::byte>) noexcept { return S_OK; }
  virtual frame_type request_type() const noexcept { return frame_type::request; }
  /// The context marshal data made by execute is for.
  DWORD dest() const noexcept { return reply_to ? MSHCTX_LOCAL : MSHCTX_INPROC; }

  static void unref(call* c) noexcept {
    if (c->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete c;
  }
  void on_reply(HRESULT result, std::span<const std::byte> body, bool by_waiter) noexcept override {
    int expected = pending;
    if (state.compare_exchange_strong(expected, done, std::memory_order_acq_rel))
      finish(SUCCEEDED(result) ? take_reply(body) : result, by_waiter);
    unref(this);
  }
  void on_turn() noexcept override { bump(); }
  void bump() noexcept {
    signal.fetch_add(1, std::memory_order_release);
    signal.notify_one();
  }
  void on_lost(HRESULT result) noexcept override {
    int expected = pending;
    if (state.compare_exchange_strong(expected, done, std::memory_order_acq_rel)) finish(result);
    unref(this);
  }
  // The finisher holds a reference, so the call outlives this.
  void finish(HRESULT result, bool by_waiter = false) noexcept {
    hr = result;
    if (reply_to) {
      // The caller claims the marshals the reply carries; a failure carries
      // none, and a dead caller claims nothing.
      if (!marshalled.empty() && (FAILED(result) || !peer_expect_claims(reply_to, marshalled)))
        for (const std_objref& s : marshalled) exporter_release_unclaimed(s);
      try {
        frame_writer w(frame_type::reply, reply_id);
        w.u32(static_cast<std::uint32_t>(result));
        if (SUCCEEDED(result)) put_reply(w);
        peer_send(reply_to, w.done());
      } catch (...) {
        frame_writer w(frame_type::reply, reply_id);  // out of memory: the failure at least
        peer_send(reply_to, w.u32(static_cast<std::uint32_t>(E_OUTOFMEMORY)).done());
      }
      return;
    }
    if (reads) {
      finished.store(true, std::memory_order_release);
      if (!by_waiter) bump();
      return;
    }
    thread_queue* q = caller;
    thread_queue_addref(q);
    finished.store(true, std::memory_order_release);
    thread_queue_wake(q);
    thread_queue_release(q);
  }
  // Work handed to a queue is never null (the check keeps GCC from seeing a
  // null path through the base-class adjustment).
  static call* of(queued_work* w) noexcept {
    if (!w) __builtin_unreachable();
    return static_cast<call*>(w);
  }
  static void on_run(queued_work* w) noexcept {
    call* c = of(w);
    int expected = pending;
    if (c->state.compare_exchange_strong(expected, running, std::memory_order_acq_rel)) {
      HRESULT r;
      {
        marshal_list_scope listing(c->reply_to ? &c->marshalled : nullptr);
        r = c->execute();
      }
      c->state.store(done, std::memory_order_release);
      c->finish(r);
    }
    unref(c);
  }
  static void on_cancel(queued_work* w) noexcept {
    call* c = of(w);
    int expected = pending;
    if (c->state.compare_exchange_strong(expected, done, std::memory_order_acq_rel)) c->finish(RPC_E_DISCONNECTED);
    unref(c);
  }
};

bool target_alive(const remote_object& t) noexcept {
  return t.process ? peer_alive(t.process) : apartment_alive(t.home);
}

// Hands c to its target: the home apartment's queue, or the request frame
// to the other process (the pending table then holds the home reference).
HRESULT post_call(const remote_object& target, call* c) noexcept {
  if (!target.process) return post_home(target.home, c) ? S_OK : RPC_E_DISCONNECTED;
  try {
    frame_writer w(c->request_type(), 0);
    c->put_request(w);
    return peer_send_call(target.process, w.done(), c);
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

// Sends c to target and waits for it (serving the caller's STA meanwhile);
// the caller's reference is released here.
HRESULT send_and_wait(const remote_object& target, call* c) noexcept {
  c->run = &call::on_run;
  c->cancel = &call::on_cancel;
  // On failure before the call is posted, both references (the home
  // thread's and the caller's) go here.
  auto fail = [c](HRESULT hr) noexcept {
    c->hr = hr;
    call::unref(c);
    call::unref(c);
    return hr;
  };
  apartment* here = apartment_acquire_current();
  wait_options o;
  o.run_work = here && apartment_is_sta(here);
  // An MTA caller of another process reads its reply itself when it can
  // (and waits on the call's signal, not on its queue).
  c->reads = target.process && !o.run_work;
  if (c->reads) {
    if (here) apartment_release(here);
    if (HRESULT posted = post_call(target, c); FAILED(posted)) return fail(posted);
    // Its completion (or the connection's death) always comes: the reading
    // thread, or this one, delivers it.
    for (;;) {
      const std::uint32_t seen = c->signal.load(std::memory_order_acquire);
      if (c->finished.load(std::memory_order_acquire)) break;
      if (peer_read_for(target.process, c)) continue;
      c->signal.wait(seen, std::memory_order_acquire);
    }
    const HRESULT hr = c->hr;
    call::unref(c);
    return hr;
  }
  thread_queue* q = thread_queue_current();
  if (!q) {
    if (here) apartment_release(here);
    return fail(E_OUTOFMEMORY);
  }
  thread_queue_addref(q);
  c->caller = q;
  if (HRESULT posted = post_call(target, c); FAILED(posted)) {
    c->caller = nullptr;
    thread_queue_release(q);
    if (here) apartment_release(here);
    return fail(posted);
  }
  o.done = &c->finished;
  // An STA with a message filter is told of input (posted thread messages)
  // that arrives while it waits: MessagePending may cancel the call.
  IMessageFilter* filter = o.run_work ? apartment_message_filter(here) : nullptr;
  if (filter) o.wake_mask = QS_ALLINPUT;
  if (here) apartment_release(here);
  const auto sent = std::chrono::steady_clock::now();
  bool cancelled = false;
  while (!c->finished.load(std::memory_order_acquire)) {
    const DWORD woke = thread_wait(q, {}, 100, o);
    if (c->finished.load(std::memory_order_acquire)) break;
    if (filter && woke == WAIT_OBJECT_0) {
      thread_queue_input_seen(q);  // asked once per new input
      const DWORD answer = filter->MessagePending(htask_of(target.home), elapsed_ms(sent),
                                                  t_incoming_causality ? PENDINGTYPE_NESTED : PENDINGTYPE_TOPLEVEL);
      if (answer == PENDINGMSG_CANCELCALL) {
        // A call not started never runs; one under way finishes at home
        // and its reply is dropped (the call object outlives this wait).
        int expected = pending;
        c->state.compare_exchange_strong(expected, abandoned, std::memory_order_acq_rel);
        cancelled = true;
        break;
      }
    }
    if (!target_alive(target)) {
      int expected = pending;
      if (c->state.compare_exchange_strong(expected, abandoned, std::memory_order_acq_rel)) {
        c->hr = target.process ? RPC_E_SERVER_DIED : RPC_E_DISCONNECTED;
        break;
      }
    }
  }
  if (filter) filter->Release();
  const HRESULT hr = cancelled ? RPC_E_CALL_CANCELED : c->hr;
  call::unref(c);
  return hr;
}

// ---- A function run in another apartment (IContextCallback) -------------------------

struct function_call final : call {
  PFNCONTEXTCALL fn = nullptr;
  ComCallData* data = nullptr;
  HRESULT execute() noexcept override { return fn(data); }
};

HRESULT run_in_apartment(apartment* a, PFNCONTEXTCALL fn, ComCallData* data) noexcept {
  auto* c = new (std::nothrow) function_call;
  if (!c) return E_OUTOFMEMORY;
  c->fn = fn;
  c->data = data;
  c->refs.fetch_add(1, std::memory_order_relaxed);
  const HRESULT hr = send_and_wait(remote_object{0, 0, a, nullptr}, c);
  call::unref(c);
  return hr;
}

[[maybe_unused]] const bool runner_set = (apartment_set_runner(&run_in_apartment), true);

// ---- The server side of a channel: the stub's reply buffer --------------------------

class server_channel final : public IRpcChannelBuffer {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IRpcChannelBuffer)) {
      *ppv = static_cast<IRpcChannelBuffer*>(this);
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }  // lives for one call, on the stack
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  HRESULT STDMETHODCALLTYPE GetBuffer(RPCOLEMESSAGE* m, REFIID) override {
    if (!m) return E_INVALIDARG;
    void* b = CoTaskMemAlloc(m->cbBuffer ? m->cbBuffer : 1);
    if (!b) return E_OUTOFMEMORY;
    CoTaskMemFree(reply);
    reply = b;
    reply_size = m->cbBuffer;
    m->Buffer = b;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE SendReceive(RPCOLEMESSAGE*, ULONG*) override { return E_UNEXPECTED; }
  HRESULT STDMETHODCALLTYPE FreeBuffer(RPCOLEMESSAGE*) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE GetDestCtx(DWORD* ctx, void** pv) override {
    if (ctx) *ctx = dest;
    if (pv) *pv = nullptr;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE IsConnected() override { return S_OK; }

  void* reply = nullptr;  // CoTaskMem; handed to the caller
  ULONG reply_size = 0;
  DWORD dest = MSHCTX_INPROC;  // where the caller is
};

// The error object a call left on the server's thread, carried back by
// value (as Windows' error objects marshal themselves) and set on the
// caller's thread, so GetErrorInfo after a failed call across apartments or
// processes gives the server's description.
struct error_value {
  bool present = false;
  GUID guid{};
  DWORD help_context = 0;
  std::u16string source, description, help_file;

  // Takes the calling thread's error object, if any (clearing it).
  void capture() noexcept {
    IErrorInfo* ei = nullptr;
    if (GetErrorInfo(0, &ei) != S_OK || !ei) return;
    try {
      BSTR b = nullptr;
      auto take = [&b](std::u16string& to) {
        if (b) to.assign(b, SysStringLen(b));
        SysFreeString(b);
        b = nullptr;
      };
      if (SUCCEEDED(ei->GetSource(&b))) take(source);
      if (SUCCEEDED(ei->GetDescription(&b))) take(description);
      if (SUCCEEDED(ei->GetHelpFile(&b))) take(help_file);
      ei->GetGUID(&guid);
      ei->GetHelpContext(&help_context);
      present = true;
    } catch (...) {
    }
    ei->Release();
  }
  // Sets it as the calling thread's error object.
  void restore() const noexcept {
    if (!present) return;
    ICreateErrorInfo* c = nullptr;
    if (FAILED(CreateErrorInfo(&c)) || !c) return;
    c->SetGUID(guid);
    c->SetHelpContext(help_context);
    c->SetSource(const_cast<LPOLESTR>(source.c_str()));
    c->SetDescription(const_cast<LPOLESTR>(description.c_str()));
    c->SetHelpFile(const_cast<LPOLESTR>(help_file.c_str()));
    IErrorInfo* ei = nullptr;
    if (SUCCEEDED(c->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&ei))) && ei) {
      SetErrorInfo(0, ei);
      ei->Release();
    }
    c->Release();
  }
  void put(frame_writer& w) const {
    w.u8(present ? 1 : 0);
    if (!present) return;
    w.guid(guid).u32(help_context);
    for (const std::u16string* t : {&source, &description, &help_file})
      w.u32(static_cast<std::uint32_t>(t->size())).bytes(t->data(), t->size() * sizeof(char16_t));
  }
  // From untrusted bytes: false when they do not hold exactly one value.
  bool take(std::span<const std::byte> in) noexcept {
    if (in.empty()) return false;
    present = in[0] != std::byte{0};
    in = in.subspan(1);
    if (!present) return in.empty();
    if (in.size() < 20) return false;
    std::memcpy(&guid, in.data(), 16);
    std::memcpy(&help_context, in.data() + 16, 4);
    in = in.subspan(20);
    try {
      for (std::u16string* t : {&source, &description, &help_file}) {
        std::uint32_t n;
        if (in.size() < 4) return false;
        std::memcpy(&n, in.data(), 4);
        in = in.subspan(4);
        if (n > in.size() / 2) return false;
        t->resize(n);
        std::memcpy(t->data(), in.data(), std::size_t{n} * 2);
        in = in.subspan(std::size_t{n} * 2);
      }
    } catch (...) {
      return false;
    }
    return in.empty();
  }
};

struct invoke_call final : call {
  remote_object target;  // home not counted: the channel holds it
  DWORD serial = 0;
  DWORD caller_tid = 0;
  std::uint64_t causality = 0;
  std::chrono::steady_clock::time_point sent{};
  void* request = nullptr;
  ULONG request_size = 0;
  ULONG method = 0;
  void* reply = nullptr;
  ULONG reply_size = 0;
  // The request is the caller's until the caller stops waiting early
  // (MessagePending cancelled it): then the home thread may still be
  // reading it, and the call frees it when the last of the two lets go.
  bool owns_request = false;
  error_value error;  // what the call left on the server's thread
  // A small request from another process is kept here (it must outlive the
  // connection's read buffer, which the next reader reuses).
  alignas(16) unsigned char small_request[64];
  ~invoke_call() override {
    CoTaskMemFree(reply);
    if (owns_request) CoTaskMemFree(request);
  }
  HRESULT execute() noexcept override {
    if (!apartment_alive(target.home)) return RPC_E_DISCONNECTED;
    if (HRESULT refused = filter_incoming(target, serial, method, caller_tid, causality, sent); refused != S_OK)
      return refused;
    server_channel ch;
    ch.dest = dest();
    RPCOLEMESSAGE m{};
    m.Buffer = request;
    m.cbBuffer = request_size;
    m.iMethod = method;
    const std::uint64_t outer = std::exchange(t_incoming_causality, causality);
    SetErrorInfo(0, nullptr);  // only what this call sets goes back
    const HRESULT result = exporter_invoke(target, serial, &m, &ch);
    error.capture();
    t_incoming_causality = outer;
    if (FAILED(result)) {
      CoTaskMemFree(ch.reply);
      return result;
    }
    reply = ch.reply;
    reply_size = ch.reply_size;
    return S_OK;
  }
  void put_request(frame_writer& w) override {
    w.u64(target.oid).u32(serial).u32(method).u64(causality).u32(caller_tid).bytes(request, request_size);
  }
  // The reply: u32 size, the stub's reply, then the error value.
  void put_reply(frame_writer& w) override {
    w.u32(reply_size).bytes(reply, reply_size);
    error.put(w);
  }
  HRESULT take_reply(std::span<const std::byte> body) noexcept override {
    std::uint32_t n;
    if (body.size() < 4) return RPC_E_INVALID_DATA;
    std::memcpy(&n, body.data(), 4);
    body = body.subspan(4);
    if (n > body.size() || !error.take(body.subspan(n))) return RPC_E_INVALID_DATA;
    reply = CoTaskMemAlloc(n ? n : 1);
    if (!reply) return E_OUTOFMEMORY;
    if (n) std::memcpy(reply, body.data(), n);
    reply_size = n;
    return S_OK;
  }
};

struct qi_call final : call {
  remote_object target;
  IID iid{};
  DWORD serial = 0;
  HRESULT execute() noexcept override {
    if (!apartment_alive(target.home)) return RPC_E_DISCONNECTED;
    return exporter_remote_qi(target, iid, &serial);
  }
  frame_type request_type() const noexcept override { return frame_type::remqi; }
  void put_request(frame_writer& w) override { w.u64(target.oid).u32(target.anchor).guid(iid); }
  void put_reply(frame_writer& w) override { w.u32(serial); }
  HRESULT take_reply(std::span<const std::byte> body) noexcept override {
    if (body.size() != 4) return RPC_E_INVALID_DATA;
    std::memcpy(&serial, body.data(), 4);
    return S_OK;
  }
};

// A call whose reply is an OBJREF (or nothing).
struct objref_call : call {
  std::vector<std::byte> objref;
  void put_reply(frame_writer& w) override { w.bytes(objref.data(), objref.size()); }
  HRESULT take_reply(std::span<const std::byte> body) noexcept override {
    try {
      objref.assign(body.begin(), body.end());
    } catch (...) {
      return E_OUTOFMEMORY;
    }
    return S_OK;
  }
};

// IClassFactory::CreateInstance(NULL, iid) on class object `object` (or,
// with lock >= 0, LockServer(lock)); the new object marshalled for dest.
HRESULT run_factory(IUnknown* object, const IID& iid, std::int32_t lock, DWORD dest,
                    std::vector<std::byte>& objref) noexcept {
  IClassFactory* factory = nullptr;
  HRESULT result = object->QueryInterface(IID_IClassFactory, reinterpret_cast<void**>(&factory));
  if (FAILED(result) || !factory) return E_NOINTERFACE;
  if (lock >= 0) {
    result = factory->LockServer(lock ? TRUE : FALSE);
  } else {
    IUnknown* made = nullptr;
    result = factory->CreateInstance(nullptr, iid, reinterpret_cast<void**>(&made));
    if (SUCCEEDED(result) && !made) result = E_UNEXPECTED;
    if (SUCCEEDED(result)) {
      marshal_encoding_scope encoding;
      result = marshal_to_bytes(made, iid, dest, MSHLFLAGS_NORMAL, objref);
      made->Release();
    }
  }
  factory->Release();
  return result;
}

// What a class object does across apartments and processes: CreateInstance
// (its result marshalled back) or LockServer. IClassFactory::CreateInstance
// is [local] (its remote form differs), so proxies answer IClassFactory
// themselves and carry it as this call.
struct factory_call final : objref_call {
  remote_object target;
  IID iid{};
  std::int32_t lock = -1;  // -1 CreateInstance, else LockServer(lock)
  HRESULT execute() noexcept override {
    if (!apartment_alive(target.home)) return RPC_E_DISCONNECTED;
    IUnknown* identity = nullptr;
    if (HRESULT found = exporter_identity(target, &identity); FAILED(found)) return found;
    const HRESULT result = run_factory(identity, iid, lock, dest(), objref);
    identity->Release();
    return result;
  }
  frame_type request_type() const noexcept override { return frame_type::factory; }
  void put_request(frame_writer& w) override {
    w.u64(target.oid).u32(target.anchor).guid(iid).u32(static_cast<std::uint32_t>(lock));
  }
};

// Activation in another process (CLSCTX_LOCAL_SERVER): the class object
// registered there, or an instance it made, marshalled back.
struct activate_call final : objref_call {
  CLSID clsid{};
  IID iid{};
  DWORD mode = 0;              // 0 an instance, 1 the class object
  IUnknown* object = nullptr;  // in the server: the class object (one reference)
  ~activate_call() override {
    if (object) object->Release();
  }
  HRESULT execute() noexcept override {
    if (mode == 1) {
      marshal_encoding_scope encoding;
      return marshal_to_bytes(object, iid, dest(), MSHLFLAGS_NORMAL, objref);
    }
    return run_factory(object, iid, -1, dest(), objref);
  }
  frame_type request_type() const noexcept override { return frame_type::activate; }
  void put_request(frame_writer& w) override { w.guid(clsid).guid(iid).u32(mode); }
};

// A proxy manager's last release, sent home without waiting.
struct release_work final : queued_work {
  remote_object target;  // owns its home reference
  std::optional<std_objref> unclaimed;  // a marshal never claimed, else a proxy's hold
  static void on_run(queued_work* w) noexcept {
    auto* r = static_cast<release_work*>(w);
    if (r->unclaimed)
      exporter_release_unclaimed(*r->unclaimed);
    else
      exporter_proxy_released(r->target);
    apartment_release(r->target.home);
    delete r;
  }
  static void on_cancel(queued_work* w) noexcept {  // the home thread is gone, and its exports with it
    auto* r = static_cast<release_work*>(w);
    apartment_release(r->target.home);
    delete r;
  }
};

// Gives back, in its apartment, one proxy hold on target (or, with
// `unclaimed`, that marshal); takes over target's home reference.
void release_at_home(const remote_object& target, const std_objref* unclaimed) noexcept {
  auto* r = new (std::nothrow) release_work;
  if (!r) {
    apartment_release(target.home);  // the object stays held until its apartment ends
    return;
  }
  r->target = target;
  if (unclaimed) r->unclaimed = *unclaimed;
  r->run = &release_work::on_run;
  r->cancel = &release_work::on_cancel;
  if (!post_home(target.home, r)) release_work::on_cancel(r);
}

void release_remote(const remote_object& target) noexcept {
  if (target.process) {  // batched, and sent by the connection's own thread
    peer_queue_release(target.process, target.oid, target.anchor);
    peer_release(target.process);
    return;
  }
  release_at_home(target, nullptr);
}

// ---- The client side of a channel ------------------------------------------------------

class client_channel final : public counted_object<client_channel, IRpcChannelBuffer, IID_IRpcChannelBuffer> {
 public:
  client_channel(const remote_object& target, DWORD serial, apartment_id client) noexcept
      : target_(target), serial_(serial), client_(client) {
    if (target_.process) peer_addref(target_.process);
    else apartment_addref(target_.home);
  }
  ~client_channel() {
    if (target_.process) peer_release(target_.process);
    else apartment_release(target_.home);
  }

  HRESULT STDMETHODCALLTYPE GetBuffer(RPCOLEMESSAGE* m, REFIID) override {
    if (!m) return E_INVALIDARG;
    m->Buffer = CoTaskMemAlloc(m->cbBuffer ? m->cbBuffer : 1);
    return m->Buffer ? S_OK : E_OUTOFMEMORY;
  }
  HRESULT STDMETHODCALLTYPE SendReceive(RPCOLEMESSAGE* m, ULONG* status) override {
    if (status) *status = 0;
    if (!m) return E_INVALIDARG;
    HRESULT hr = send(m);
    if (status) *status = static_cast<ULONG>(hr);
    return hr;
  }
  HRESULT STDMETHODCALLTYPE FreeBuffer(RPCOLEMESSAGE* m) override {
    if (!m) return E_INVALIDARG;
    CoTaskMemFree(m->Buffer);
    m->Buffer = nullptr;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetDestCtx(DWORD* ctx, void** pv) override {
    if (ctx) *ctx = target_.process ? MSHCTX_LOCAL : MSHCTX_INPROC;
    if (pv) *pv = nullptr;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE IsConnected() override { return target_alive(target_) ? S_OK : S_FALSE; }

 private:
  // One call, sent again while the callee's message filter turns it away
  // and the caller's (an STA's) says to retry: RetryRejectedCall's -1
  // gives RPC_E_CALL_REJECTED, 0-99 retries at once, 100 and more waits that
  // many milliseconds (serving the caller's STA) first. Without a filter
  // the refusal is the result (RPC_E_CALL_REJECTED or
  // RPC_E_SERVERCALL_RETRYLATER), as on Windows.
  HRESULT send(RPCOLEMESSAGE* m) noexcept {
    // A proxy belongs to the apartment that unmarshalled it.
    if (apartment_check() != S_OK || apartment_current() != client_) return RPC_E_WRONG_THREAD;
    // The time a call was sent is for message filters: the home STA's (in
    // this process; the other process times its own), and the caller's on
    // a refusal.
    auto sent = target_.process ? std::chrono::steady_clock::time_point{} : std::chrono::steady_clock::now();
    for (;;) {
      const HRESULT hr = send_once(m, sent);
      if (sent == std::chrono::steady_clock::time_point{}) sent = std::chrono::steady_clock::now();
      if (hr != RPC_E_CALL_REJECTED && hr != RPC_E_SERVERCALL_RETRYLATER) return hr;
      apartment* here = apartment_acquire_current();
      IMessageFilter* filter = here && apartment_is_sta(here) ? apartment_message_filter(here) : nullptr;
      if (here) apartment_release(here);
      if (!filter) return hr;
      const DWORD answer = filter->RetryRejectedCall(htask_of(target_.home), elapsed_ms(sent),
                                                     hr == RPC_E_CALL_REJECTED ? SERVERCALL_REJECTED : SERVERCALL_RETRYLATER);
      filter->Release();
      if (answer == static_cast<DWORD>(-1)) return RPC_E_CALL_REJECTED;
      if (answer >= 100) {
        wait_options o;
        o.run_work = true;
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(answer);
        thread_queue* q = thread_queue_current();
        while (q && std::chrono::steady_clock::now() < until) {
          const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
          thread_wait(q, {}, static_cast<DWORD>(std::max<long long>(left.count(), 1)), o);
        }
      }
      if (!target_alive(target_)) return target_.process ? HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE) : RPC_E_DISCONNECTED;
    }
  }

  HRESULT send_once(RPCOLEMESSAGE* m, std::chrono::steady_clock::time_point sent) noexcept {
    auto* c = new (std::nothrow) invoke_call;
    if (!c) return E_OUTOFMEMORY;
    c->target = target_;
    c->serial = serial_;
    c->request = m->Buffer;
    c->request_size = m->cbBuffer;
    c->method = m->iMethod;
    c->caller_tid = GetCurrentThreadId();
    c->causality = outgoing_causality();
    c->sent = sent;
    // The marshals the request carries: the other process claims them as it
    // decodes it; those it never claims are given back when it ends.
    if (target_.process && t_request_marshals && !t_request_marshals->empty()) {
      if (!peer_expect_claims(target_.process, *t_request_marshals))
        for (const std_objref& s : *t_request_marshals) exporter_release_unclaimed(s);
      t_request_marshals->clear();
    }
    // The caller's reference keeps c alive past send_and_wait's wait; take
    // the reply before that reference goes.
    c->refs.fetch_add(1, std::memory_order_relaxed);
    const std::uint64_t outer = std::exchange(t_waiting_causality, c->causality);
    const HRESULT hr = send_and_wait(target_, c);
    t_waiting_causality = outer;
    if (hr == RPC_E_CALL_CANCELED) {
      c->owns_request = true;  // see invoke_call::owns_request
      m->Buffer = nullptr;
      m->cbBuffer = 0;
    }
    if (SUCCEEDED(hr)) {
      CoTaskMemFree(m->Buffer);  // the request, replaced by the reply
      m->Buffer = c->reply;
      m->cbBuffer = c->reply_size;
      c->reply = nullptr;
      c->error.restore();
    }
    call::unref(c);
    return hr;
  }

  remote_object target_;  // home counted by this channel
  DWORD serial_;
  apartment_id client_;
};

// ---- Proxy managers ----------------------------------------------------------------------

class proxy_manager;

// What proxy managers answer to QueryInterface only for libcomkit: the
// manager itself (never seen outside the library).
const IID iid_proxy_manager = {0x5f1c0a3e, 0x2d7b, 0x4c19, {0xa8, 0x6e, 0x0b, 0x3f, 0x91, 0xd4, 0x72, 0xc5}};

// Marshals the object behind a proxy in its own apartment: the OBJREF is
// the object's, so whoever unmarshals it talks to the object directly.
struct export_call final : call {
  remote_object target;
  IID iid{};
  DWORD flags = 0;
  std_objref result{};
  HRESULT execute() noexcept override {
    if (!apartment_alive(target.home)) return RPC_E_DISCONNECTED;
    return exporter_export(target, iid, flags, &result);
  }
  frame_type request_type() const noexcept override { return frame_type::exportt; }
  void put_request(frame_writer& w) override { w.u64(target.oid).u32(target.anchor).guid(iid).u32(flags); }
  void put_reply(frame_writer& w) override {
    w.u32(result.flags).u32(result.public_refs).u64(result.oxid).u64(result.oid).guid(result.ipid);
  }
  HRESULT take_reply(std::span<const std::byte> body) noexcept override {
    if (body.size() != std_objref_size) return RPC_E_INVALID_DATA;
    const std::byte* p = body.data();
    std::memcpy(&result.flags, p, 4);
    std::memcpy(&result.public_refs, p + 4, 4);
    std::memcpy(&result.oxid, p + 8, 8);
    std::memcpy(&result.oid, p + 16, 8);
    std::memcpy(&result.ipid, p + 24, 16);
    return S_OK;
  }
};

struct manager_key {
  apartment_id client;
  std::uint64_t oid;
  const peer* process;  // the object's process, null for this one (OIDs are per process)
  bool operator<(const manager_key& o) const noexcept {
    if (client != o.client) return client < o.client;
    if (oid != o.oid) return oid < o.oid;
    return std::less<const peer*>()(process, o.process);
  }
};

std::mutex g_manager_lock;
// Never destroyed (made with new): a pool thread may release a proxy while
// the process exits, after static destructors ran.
auto& g_managers = *new std::map<manager_key, proxy_manager*>;  // guarded by g_manager_lock

// Proxy managers alive in the process: while there are none, nothing being
// marshalled can be a proxy (proxy_export answers without asking).
std::atomic<long> g_live_managers{0};

class proxy_manager final : public IUnknown {
 public:
  proxy_manager(const remote_object& target, apartment_id client) noexcept : target_(target), client_(client) {
    g_live_managers.fetch_add(1, std::memory_order_relaxed);
  }
  ~proxy_manager() { g_live_managers.fetch_sub(1, std::memory_order_relaxed); }

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    *ppv = nullptr;
    const IID* iid = nullable(&riid);
    if (!iid) return E_INVALIDARG;
    if (IsEqualIID(*iid, IID_IUnknown) || IsEqualIID(*iid, iid_proxy_manager)) {
      *ppv = static_cast<IUnknown*>(this);
      AddRef();
      return S_OK;
    }
    if (apartment_check() != S_OK || apartment_current() != client_) return RPC_E_WRONG_THREAD;
    if (released_.load(std::memory_order_acquire)) return CO_E_OBJNOTCONNECTED;
    // Answered here, never asked of the object (Windows' proxy manager
    // does the same): marshalling the proxy, several QIs at once.
    if (IsEqualIID(*iid, IID_IMarshal)) {
      *ppv = static_cast<IMarshal*>(&marshal_);
      AddRef();
      return S_OK;
    }
    if (IsEqualIID(*iid, IID_IMultiQI)) {
      *ppv = static_cast<IMultiQI*>(&multi_qi_);
      AddRef();
      return S_OK;
    }
    if (IsEqualIID(*iid, IID_IClientSecurity)) {
      *ppv = static_cast<IClientSecurity*>(&security_);
      AddRef();
      return S_OK;
    }
    if (IsEqualIID(*iid, IID_IClassFactory)) {
      if (!has_factory_.load(std::memory_order_acquire)) {
        DWORD serial = 0;
        if (HRESULT hr = ask(*iid, &serial); FAILED(hr)) return hr;
        has_factory_.store(true, std::memory_order_release);
      }
      *ppv = static_cast<IClassFactory*>(&factory_);
      AddRef();
      return S_OK;
    }
    {
      std::lock_guard g(lock_);
      for (const auto& p : proxies_)
        if (IsEqualIID(p.iid, *iid)) {
          *ppv = p.pointer;
          AddRef();
          return S_OK;
        }
    }
    IPSFactoryBuffer* factory = nullptr;
    if (HRESULT hr = ps_factory_for(*iid, &factory); FAILED(hr)) return E_NOINTERFACE;
    DWORD serial = 0;
    HRESULT hr = ask(*iid, &serial);
    if (FAILED(hr)) {
      factory->Release();
      return hr;
    }
    IRpcProxyBuffer* buffer = nullptr;
    void* pointer = nullptr;
    hr = factory->CreateProxy(static_cast<IUnknown*>(this), *iid, &buffer, &pointer);
    factory->Release();
    if (FAILED(hr) || !buffer || !pointer) {
      if (buffer) buffer->Release();
      if (pointer) static_cast<IUnknown*>(pointer)->Release();
      return FAILED(hr) ? hr : E_NOINTERFACE;
    }
    auto* channel = new (std::nothrow) client_channel(target_, serial, client_);
    if (!channel || FAILED(hr = buffer->Connect(channel))) {
      if (channel) channel->Release();
      static_cast<IUnknown*>(pointer)->Release();
      buffer->Release();
      return channel ? hr : E_OUTOFMEMORY;
    }
    channel->Release();  // the proxy holds it
    return install(*iid, buffer, pointer, ppv);
  }

  // One round trip: does the object have iid, and under which IPID.
  HRESULT ask(const IID& iid, DWORD* serial) noexcept {
    auto* c = new (std::nothrow) qi_call;
    if (!c) return E_OUTOFMEMORY;
    c->target = target_;
    c->iid = iid;
    c->refs.fetch_add(1, std::memory_order_relaxed);
    const HRESULT hr = send_and_wait(target_, c);
    *serial = c->serial;
    call::unref(c);
    return hr;
  }

  // The class object's CreateInstance (lock < 0; its result unmarshalled
  // into *ppv) or LockServer(lock), in the object's apartment or process.
  HRESULT factory_request(const IID& iid, std::int32_t lock, void** ppv) noexcept {
    if (apartment_check() != S_OK || apartment_current() != client_) return RPC_E_WRONG_THREAD;
    if (released_.load(std::memory_order_acquire)) return CO_E_OBJNOTCONNECTED;
    auto* c = new (std::nothrow) factory_call;
    if (!c) return E_OUTOFMEMORY;
    c->target = target_;
    c->iid = iid;
    c->lock = lock;
    c->refs.fetch_add(1, std::memory_order_relaxed);
    HRESULT hr = send_and_wait(target_, c);
    if (SUCCEEDED(hr) && lock < 0) hr = unmarshal_from_bytes(c->objref, iid, ppv);
    call::unref(c);
    return hr;
  }

  // Keeps a new proxy, or hands out the one another call made meanwhile
  // (then drops the new one, outside the lock: its code may call back here).
  HRESULT install(const IID& iid, IRpcProxyBuffer* buffer, void* pointer, void** ppv) noexcept {
    HRESULT hr = S_OK;
    bool keep = false;
    {
      std::lock_guard g(lock_);
      for (const auto& p : proxies_)
        if (IsEqualIID(p.iid, iid)) {
          *ppv = p.pointer;
          AddRef();
          break;
        }
      if (!*ppv) {
        try {
          proxies_.push_back({iid, buffer, pointer});
          *ppv = pointer;  // CreateProxy's reference (on this manager) goes to the caller
          keep = true;
        } catch (...) {
          hr = E_OUTOFMEMORY;
        }
      }
    }
    if (!keep) {
      static_cast<IUnknown*>(pointer)->Release();
      buffer->Disconnect();
      buffer->Release();
    }
    return hr;
  }

  // The proxy for the interface the object was unmarshalled through: its
  // IPID is known, so no round trip (unmarshalling never waits for the
  // object's apartment, as on Windows).
  HRESULT connect_known(const IID& iid, DWORD serial) noexcept {
    {
      std::lock_guard g(lock_);
      for (const auto& p : proxies_)
        if (IsEqualIID(p.iid, iid)) return S_OK;
    }
    IPSFactoryBuffer* factory = nullptr;
    if (FAILED(ps_factory_for(iid, &factory))) return E_NOINTERFACE;
    IRpcProxyBuffer* buffer = nullptr;
    void* pointer = nullptr;
    HRESULT hr = factory->CreateProxy(static_cast<IUnknown*>(this), iid, &buffer, &pointer);
    factory->Release();
    if (FAILED(hr) || !buffer || !pointer) {
      if (buffer) buffer->Release();
      if (pointer) static_cast<IUnknown*>(pointer)->Release();
      return FAILED(hr) ? hr : E_NOINTERFACE;
    }
    auto* channel = new (std::nothrow) client_channel(target_, serial, client_);
    if (!channel || FAILED(hr = buffer->Connect(channel))) {
      if (channel) channel->Release();
      static_cast<IUnknown*>(pointer)->Release();
      buffer->Release();
      return channel ? hr : E_OUTOFMEMORY;
    }
    channel->Release();
    void* out = nullptr;
    hr = install(iid, buffer, pointer, &out);
    if (out) static_cast<IUnknown*>(out)->Release();  // the cache holds no reference
    return hr;
  }

  ULONG STDMETHODCALLTYPE AddRef() override { return refs_.fetch_add(1, std::memory_order_relaxed) + 1; }

  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG left = refs_.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if (left != 0) return left;
    {
      // Unmarshal may be reviving this manager (it only does so from a
      // count above zero, under this lock).
      std::lock_guard g(g_manager_lock);
      if (refs_.load(std::memory_order_acquire) != 0) return 0;
      auto it = g_managers.find({client_, target_.oid, target_.process});
      if (it != g_managers.end() && it->second == this) g_managers.erase(it);
    }
    for (auto& p : proxies_) {
      p.buffer->Disconnect();
      p.buffer->Release();
    }
    if (!released_.exchange(true, std::memory_order_acq_rel)) release_remote(target_);  // takes over the home reference
    delete this;
    return 0;
  }

  // The client apartment ended (on its thread, after it stopped taking
  // work, so no call of its is under way): the proxies are disconnected
  // (calls give CO_E_OBJNOTCONNECTED) and the object is let go now; the
  // manager itself lives until its last Release. Called with a reference.
  void detach() noexcept {
    std::vector<IRpcProxyBuffer*> buffers;
    {
      std::lock_guard g(lock_);
      if (released_.exchange(true, std::memory_order_acq_rel)) return;
      try {
        for (auto& p : proxies_) {
          p.buffer->AddRef();
          buffers.push_back(p.buffer);
        }
      } catch (...) {
      }
    }
    for (IRpcProxyBuffer* b : buffers) {
      b->Disconnect();
      b->Release();
    }
    release_remote(target_);
  }
  bool released() const noexcept { return released_.load(std::memory_order_acquire); }

  // Adds a reference unless the manager is already going (g_manager_lock held).
  bool revive() noexcept {
    ULONG n = refs_.load(std::memory_order_relaxed);
    while (n != 0)
      if (refs_.compare_exchange_weak(n, n + 1, std::memory_order_acq_rel)) return true;
    return false;
  }

  const remote_object& target() const noexcept { return target_; }
  apartment_id client() const noexcept { return client_; }

 private:
  // An interface the manager answers itself (never asked of the object):
  // IUnknown's methods are the manager's.
  template <typename I>
  struct face : I {
    proxy_manager& m;
    explicit face(proxy_manager& owner) : m(owner) {}
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override { return m.QueryInterface(riid, ppv); }
    ULONG STDMETHODCALLTYPE AddRef() override { return m.AddRef(); }
    ULONG STDMETHODCALLTYPE Release() override { return m.Release(); }
  };

  // IMarshal of the proxy: the standard marshaler's, whose marshal of a
  // proxy exports the object itself, at home (marshal_standard).
  struct marshal_face final : face<IMarshal> {
    using face::face;
    // The standard marshaler to forward to (a small object; null when out of memory).
    IMarshal* standard() noexcept {
      IMarshal* s = nullptr;
      if (FAILED(CoGetStandardMarshal(IID_IUnknown, &m, MSHCTX_INPROC, nullptr, MSHLFLAGS_NORMAL, &s))) return nullptr;
      return s;
    }
    HRESULT STDMETHODCALLTYPE GetUnmarshalClass(REFIID, void*, DWORD, void*, DWORD, CLSID* pCid) override {
      if (!pCid) return E_POINTER;
      *pCid = CLSID_StdMarshal;
      return S_OK;
    }
    HRESULT STDMETHODCALLTYPE GetMarshalSizeMax(REFIID riid, void* pv, DWORD dest, void* dc, DWORD flags,
                                                DWORD* pSize) override {
      IMarshal* s = standard();
      if (!s) return E_OUTOFMEMORY;
      const HRESULT hr = s->GetMarshalSizeMax(riid, pv, dest, dc, flags, pSize);
      s->Release();
      return hr;
    }
    HRESULT STDMETHODCALLTYPE MarshalInterface(IStream* pStm, REFIID riid, void* pv, DWORD dest, void* dc,
                                               DWORD flags) override {
      IMarshal* s = standard();
      if (!s) return E_OUTOFMEMORY;
      const HRESULT hr = s->MarshalInterface(pStm, riid, pv, dest, dc, flags);
      s->Release();
      return hr;
    }
    HRESULT STDMETHODCALLTYPE UnmarshalInterface(IStream* pStm, REFIID riid, void** ppv) override {
      IMarshal* s = standard();
      if (!s) return E_OUTOFMEMORY;
      const HRESULT hr = s->UnmarshalInterface(pStm, riid, ppv);
      s->Release();
      return hr;
    }
    HRESULT STDMETHODCALLTYPE ReleaseMarshalData(IStream* pStm) override { return CoReleaseMarshalData(pStm); }
    HRESULT STDMETHODCALLTYPE DisconnectObject(DWORD) override { return S_OK; }
  };
  // IClassFactory of the proxy: CreateInstance's remote form carries no
  // outer object, so aggregation is refused here, as Windows' proxy does.
  struct factory_face final : face<IClassFactory> {
    using face::face;
    HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown* outer, REFIID riid, void** ppv) override {
      if (!ppv) return E_POINTER;
      *ppv = nullptr;
      const IID* iid = nullable(&riid);
      if (!iid) return E_INVALIDARG;
      if (outer) return CLASS_E_NOAGGREGATION;
      return m.factory_request(*iid, -1, ppv);
    }
    HRESULT STDMETHODCALLTYPE LockServer(BOOL lock) override { return m.factory_request(IID_NULL, lock ? 1 : 0, nullptr); }
  };
  // IMultiQI of the proxy: each interface as QueryInterface gives it.
  struct multi_qi_face final : face<IMultiQI> {
    using face::face;
    HRESULT STDMETHODCALLTYPE QueryMultipleInterfaces(ULONG count, MULTI_QI* results) override {
      if (!results || count == 0) return E_INVALIDARG;
      ULONG found = 0;
      for (ULONG k = 0; k < count; ++k) {
        results[k].pItf = nullptr;
        results[k].hr = results[k].pIID ? m.QueryInterface(*results[k].pIID, reinterpret_cast<void**>(&results[k].pItf))
                                        : E_INVALIDARG;
        if (SUCCEEDED(results[k].hr)) ++found;
      }
      return found == count ? S_OK : found ? CO_S_NOTALLINTERFACES : E_NOINTERFACE;
    }
  };

  // IClientSecurity of the proxy: one blanket per manager, starting from the
  // process's defaults; kept and reported (nothing is enforced in-process).
  struct security_face final : face<IClientSecurity> {
    using face::face;
    HRESULT STDMETHODCALLTYPE QueryBlanket(IUnknown* pProxy, DWORD* pAuthnSvc, DWORD* pAuthzSvc,
                                           OLECHAR** pServerPrincName, DWORD* pAuthnLevel, DWORD* pImpLevel,
                                           void** pAuthInfo, DWORD* pCapabilites) override {
      if (!pProxy) return E_INVALIDARG;
      std::lock_guard g(m.lock_);
      if (pServerPrincName) {
        *pServerPrincName = nullptr;
        if (!m.principal_.empty()) {
          const std::size_t bytes = (m.principal_.size() + 1) * sizeof(OLECHAR);
          auto* copy = static_cast<OLECHAR*>(CoTaskMemAlloc(bytes));
          if (!copy) return E_OUTOFMEMORY;
          std::memcpy(copy, m.principal_.c_str(), bytes);
          *pServerPrincName = copy;
        }
      }
      if (pAuthnSvc) *pAuthnSvc = m.blanket_.authn_svc;
      if (pAuthzSvc) *pAuthzSvc = m.blanket_.authz_svc;
      if (pAuthnLevel) *pAuthnLevel = m.blanket_.authn_level;
      if (pImpLevel) *pImpLevel = m.blanket_.imp_level;
      if (pAuthInfo) *pAuthInfo = nullptr;
      if (pCapabilites) *pCapabilites = m.blanket_.capabilities;
      return S_OK;
    }
    HRESULT STDMETHODCALLTYPE SetBlanket(IUnknown* pProxy, DWORD dwAuthnSvc, DWORD dwAuthzSvc, OLECHAR* pServerPrincName,
                                         DWORD dwAuthnLevel, DWORD dwImpLevel, void*, DWORD dwCapabilities) override {
      if (!pProxy) return E_INVALIDARG;
      try {
        std::lock_guard g(m.lock_);
        blanket b = m.blanket_;
        if (HRESULT hr = blanket_set(b, dwAuthnSvc, dwAuthzSvc, dwAuthnLevel, dwImpLevel, dwCapabilities); FAILED(hr))
          return hr;
        if (pServerPrincName != COLE_DEFAULT_PRINCIPAL) m.principal_ = pServerPrincName ? pServerPrincName : u"";
        m.blanket_ = b;
      } catch (...) {
        return E_OUTOFMEMORY;
      }
      return S_OK;
    }
    HRESULT STDMETHODCALLTYPE CopyProxy(IUnknown* pProxy, IUnknown** ppCopy) override {
      if (ppCopy) *ppCopy = nullptr;
      if (!pProxy || !ppCopy) return E_INVALIDARG;
      pProxy->AddRef();
      *ppCopy = pProxy;  // the manager's one blanket serves the copy too
      return S_OK;
    }
  };

  struct proxy {
    IID iid;
    IRpcProxyBuffer* buffer;  // one reference
    void* pointer;            // not counted (its references are the manager's)
  };
  marshal_face marshal_{*this};
  security_face security_{*this};
  blanket blanket_ = security_defaults();  // guarded by lock_
  std::u16string principal_;               // guarded by lock_
  multi_qi_face multi_qi_{*this};
  factory_face factory_{*this};
  std::atomic<bool> has_factory_{false};  // the object answered IClassFactory
  std::atomic<ULONG> refs_{1};
  std::atomic<bool> released_{false};  // target_'s references given back (detach, or the last Release)
  remote_object target_;  // one proxy hold on the object, and its home
  apartment_id client_;
  std::mutex lock_;
  std::vector<proxy> proxies_;  // guarded by lock_
};

// A client apartment ended: its proxy managers let their objects go.
void client_apartment_gone(apartment_id a) noexcept {
  std::vector<proxy_manager*> mine;
  {
    std::lock_guard g(g_manager_lock);
    try {
      mine.reserve(g_managers.size());
    } catch (...) {
      return;  // out of memory: the objects stay held until the proxies' last Release
    }
    for (auto it = g_managers.lower_bound({a, 0, nullptr}); it != g_managers.end() && it->first.client == a;) {
      if (it->second->revive()) mine.push_back(it->second);
      it = g_managers.erase(it);  // a later apartment with this id (the next MTA) gets its own
    }
  }
  for (proxy_manager* m : mine) {
    m->detach();
    m->Release();
  }
}

[[maybe_unused]] const bool client_listening = (apartment_add_listener(&client_apartment_gone), true);

}  // namespace

HRESULT proxy_export(IUnknown* object, const IID& iid, DWORD mshlflags, std_objref* out) noexcept {
  // A proxy marshalled on this thread was made (by unmarshalling) before,
  // in this thread's apartment, so it is counted by now.
  if (g_live_managers.load(std::memory_order_relaxed) == 0) return S_FALSE;
  IUnknown* found = nullptr;
  if (FAILED(object->QueryInterface(iid_proxy_manager, reinterpret_cast<void**>(&found))) || !found) return S_FALSE;
  auto* m = static_cast<proxy_manager*>(found);
  HRESULT hr;
  if (apartment_check() != S_OK || apartment_current() != m->client()) {
    hr = RPC_E_WRONG_THREAD;
  } else if (m->released()) {
    hr = CO_E_OBJNOTCONNECTED;
  } else if (auto* c = new (std::nothrow) export_call) {
    c->target = m->target();
    c->iid = iid;
    c->flags = mshlflags;
    c->refs.fetch_add(1, std::memory_order_relaxed);
    hr = send_and_wait(m->target(), c);
    if (SUCCEEDED(hr)) *out = c->result;
    call::unref(c);
  } else {
    hr = E_OUTOFMEMORY;
  }
  m->Release();
  return hr;
}

// ---- Calls from other processes (peer.h) ------------------------------------------------

namespace {

// A call refused before it could start (its object is gone, no memory): the
// failure is written by a pool thread, never by the thread reading the
// connection, which must not block writing (peer.h).
struct refusal final : queued_work {
  peer* to = nullptr;  // one reference
  std::uint32_t call_id = 0;
  HRESULT hr = S_OK;
  static void send(peer* to, std::uint32_t call_id, HRESULT hr) noexcept {
    frame_writer w(frame_type::reply, call_id);
    peer_send(to, w.u32(static_cast<std::uint32_t>(hr)).done());
  }
  static void on_run(queued_work* w) noexcept {
    auto* r = static_cast<refusal*>(w);
    send(r->to, r->call_id, r->hr);
    peer_release(r->to);
    delete r;
  }
};

}  // namespace

queued_work* rpc_incoming(peer* p, const frame& f, bool may_run_here) noexcept {
  auto answer_now = [&](HRESULT hr) noexcept -> queued_work* {
    auto* r = new (std::nothrow) refusal;
    if (!r) {
      refusal::send(p, f.header.call, hr);  // the last resort: written here
      return nullptr;
    }
    peer_addref(p);
    r->to = p;
    r->call_id = f.header.call;
    r->hr = hr;
    r->run = r->cancel = &refusal::on_run;
    pool().post(r);
    return nullptr;
  };
  remote_object target{};
  apartment* home = nullptr;
  call* c = nullptr;
  if (f.header.type == frame_type::activate) {
    IUnknown* object = nullptr;
    if (HRESULT hr = activation_local_class(f.guid, &object, &home); FAILED(hr)) return answer_now(hr);
    auto* a = new (std::nothrow) activate_call;
    if (!a) {
      object->Release();
      apartment_release(home);
      return answer_now(E_OUTOFMEMORY);
    }
    a->clsid = f.guid;
    a->iid = f.guid2;
    a->mode = f.mode;
    a->object = object;
    c = a;
  } else {
    if (HRESULT hr = exporter_locate(f.oid, f.serial, &target); FAILED(hr)) return answer_now(hr);
    home = target.home;
    // A call of type T aimed at the located object.
    auto aimed = [&]<typename T>(T* made) -> T* {
      if (made) made->target = target;
      return made;
    };
    switch (f.header.type) {
      case frame_type::request:
        if (auto* i = aimed(new (std::nothrow) invoke_call)) {
          i->serial = f.serial;
          i->method = f.method;
          i->causality = f.causality;
          i->caller_tid = f.thread;
          if (apartment_is_sta(target.home)) i->sent = std::chrono::steady_clock::now();  // for its filter
          i->request_size = static_cast<ULONG>(f.body.size());
          if (f.body.size() <= sizeof i->small_request) {
            i->request = i->small_request;
          } else {
            i->owns_request = true;
            i->request = CoTaskMemAlloc(f.body.size());
          }
          if (!i->request) {
            delete i;
          } else {
            if (!f.body.empty()) std::memcpy(i->request, f.body.data(), f.body.size());
            c = i;
          }
        }
        break;
      case frame_type::remqi:
        if (auto* q = aimed(new (std::nothrow) qi_call)) {
          q->iid = f.guid;
          c = q;
        }
        break;
      case frame_type::exportt:
        if (auto* e = aimed(new (std::nothrow) export_call)) {
          e->iid = f.guid;
          e->flags = f.flags;
          c = e;
        }
        break;
      case frame_type::factory:
        if (auto* k = aimed(new (std::nothrow) factory_call)) {
          k->iid = f.guid;
          k->lock = f.value;
          c = k;
        }
        break;
      default:
        break;
    }
    if (!c) {
      apartment_release(home);
      return answer_now(E_OUTOFMEMORY);
    }
  }
  c->refs.store(1, std::memory_order_relaxed);  // only the home thread's: nobody here waits
  c->held_home = home;
  peer_addref(p);
  c->reply_to = p;
  c->reply_id = f.header.call;
  c->run = &call::on_run;
  c->cancel = &call::on_cancel;
  // The MTA's calls may run on the reading thread (any thread is the MTA's).
  if (may_run_here && !apartment_queue(home) && apartment_alive(home)) return c;
  if (!post_home(home, c)) call::on_cancel(c);  // answers RPC_E_DISCONNECTED
  return nullptr;
}

bool rpc_claim(peer*, const frame& f) noexcept { return exporter_claim(f.oid, f.serial, f.public_refs, f.flags); }

void rpc_unclaimed(const std_objref& s) noexcept {
  // At home: it may be the object's last reference.
  remote_object target{};
  if (SUCCEEDED(exporter_locate(s.oid, s.ipid.Data1, &target))) release_at_home(target, &s);  // else gone already
}

void rpc_released(std::uint64_t oid, DWORD anchor) noexcept {
  remote_object target{};
  if (SUCCEEDED(exporter_locate(oid, anchor, &target))) release_remote(target);  // at home
}

HRESULT remote_unmarshal(const std_objref& s, const IID& marshalled, const IID& iid, void** ppv,
                         bool release_only) noexcept {
  peer* p = nullptr;
  if (HRESULT hr = peer_connect(static_cast<std::uint32_t>(s.oxid >> 32), s.ipid.Data4, &p); FAILED(hr)) return hr;
  HRESULT hr;
  try {
    // The marshal's references become one hold of this process's there
    // (given back by the proxy manager's last release, or by this
    // process's end). Frames on a connection arrive in order, so the claim
    // is there before any call made through the proxy.
    frame_writer w(frame_type::claim, 0);
    hr = peer_send(p, w.u64(s.oid).u32(s.ipid.Data1).u32(s.public_refs).u32(s.flags).done());
  } catch (...) {
    hr = E_OUTOFMEMORY;
  }
  if (FAILED(hr)) {
    peer_release(p);
    return hr;
  }
  const remote_object remote{s.oid, s.ipid.Data1, nullptr, p};
  if (release_only) {
    release_remote(remote);
    return S_OK;
  }
  return proxy_unmarshal(remote, marshalled, iid, ppv);  // takes remote's reference on p
}

HRESULT remote_activate(peer* p, const CLSID& clsid, const IID& iid, DWORD mode, void** ppv) noexcept {
  auto* c = new (std::nothrow) activate_call;
  if (!c) return E_OUTOFMEMORY;
  c->clsid = clsid;
  c->iid = iid;
  c->mode = mode;
  c->refs.fetch_add(1, std::memory_order_relaxed);
  HRESULT hr = send_and_wait(remote_object{0, 0, nullptr, p}, c);
  if (SUCCEEDED(hr)) hr = unmarshal_from_bytes(c->objref, iid, ppv);
  call::unref(c);
  return hr;
}

HRESULT ps_factory_for(const IID& iid, IPSFactoryBuffer** out) noexcept {
  *out = nullptr;
  CLSID clsid;
  if (const HRESULT hr = CoGetPSClsid(iid, &clsid); FAILED(hr)) return hr == REGDB_E_IIDNOTREG ? hr : E_NOINTERFACE;
  const HRESULT hr =
      CoGetClassObject(clsid, CLSCTX_INPROC_SERVER, nullptr, IID_IPSFactoryBuffer, reinterpret_cast<void**>(out));
  if (FAILED(hr)) *out = nullptr;
  return FAILED(hr) ? E_NOINTERFACE : S_OK;
}

bool stub_from_compiled_table(const IID& iid) noexcept {
  if (g_any_ps_registered.load(std::memory_order_acquire)) {
    std::lock_guard g(g_ps_lock);
    if (g_ps_registered.count(iid)) return false;  // the program's own factory
  }
  const COMKIT_PS_INTERFACE* t = compiled_proxy_table(iid);
  return t && !t->local;
}

HRESULT proxy_unmarshal(remote_object remote, const IID& marshalled, const IID& iid, void** ppv) noexcept {
  const apartment_id here = apartment_current();
  proxy_manager* m = nullptr;
  bool fresh = false;
  {
    std::lock_guard g(g_manager_lock);
    if (auto it = g_managers.find({here, remote.oid, remote.process}); it != g_managers.end() && it->second->revive()) {
      m = it->second;
    } else {
      m = new (std::nothrow) proxy_manager(remote, here);
      if (m) {
        try {
          g_managers[{here, remote.oid, remote.process}] = m;
          fresh = true;
        } catch (...) {
          delete m;
          m = nullptr;
        }
      }
    }
  }
  if (!m) {
    release_remote(remote);
    return E_OUTOFMEMORY;
  }
  const DWORD anchor = remote.anchor;
  if (!fresh) release_remote(remote);  // the existing manager already holds the object
  // A factory that cannot make the marshalled interface's proxy leaves
  // QueryInterface to answer (E_NOINTERFACE, or another interface).
  if (!IsEqualIID(marshalled, IID_IUnknown)) m->connect_known(marshalled, anchor);
  const HRESULT hr = m->QueryInterface(iid, ppv);
  m->Release();
  return hr;
}

}  // namespace comkit::rt

using namespace comkit::rt;

HRESULT STDAPICALLTYPE CoRegisterPSClsid(REFIID riid, REFCLSID rclsid) {
  const IID* iid = nullable(&riid);
  const CLSID* clsid = nullable(&rclsid);
  if (!iid || !clsid) return E_INVALIDARG;
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  try {
    std::lock_guard g(g_ps_lock);
    g_ps_registered[*iid] = *clsid;
    g_any_ps_registered.store(true, std::memory_order_release);
  } catch (...) {
    return E_OUTOFMEMORY;
  }
  return S_OK;
}

HRESULT STDAPICALLTYPE CoGetPSClsid(REFIID riid, CLSID* pClsid) {
  const IID* iid = nullable(&riid);
  if (!iid || !pClsid) return E_INVALIDARG;
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  {
    std::lock_guard g(g_ps_lock);
    if (auto it = g_ps_registered.find(*iid); it != g_ps_registered.end()) {
      *pClsid = it->second;
      return S_OK;
    }
  }
  if (has_proxy_table(*iid)) {
    *pClsid = CLSID_PSFactoryBuffer;
    return S_OK;
  }
  // The registry's [interface] entry: what RegisterTypeLib wrote
  // (PSOAInterface, PSDispatch) or a registration naming a proxy/stub class.
  const registry_view reg;
  if (const registered_interface* r = reg->find_interface(*iid); r && r->proxy_stub != GUID{}) {
    *pClsid = r->proxy_stub;
    return S_OK;
  }
  return REGDB_E_IIDNOTREG;
}
