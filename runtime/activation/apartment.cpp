// runtime/activation/apartment.cpp - CoInitialize(Ex) / CoUninitialize:
// each thread's apartment model and init count. Apartments themselves
// (message loops, marshalling between them) come with the apartments issue;
// this records the model and enforces the rules that need no marshalling.
#include <atomic>

#include "activation/activation_internal.h"

namespace comkit::rt {
namespace {

enum class model : std::uint8_t { none, sta, mta };

struct thread_state {
  model kind = model::none;
  unsigned count = 0;       // successful CoInitialize(Ex) calls not yet undone
  apartment_id token = 0;   // this thread's STA id, when it has one
};

thread_local thread_state t_state;

std::atomic<long> g_mta_members{0};     // threads initialised into the MTA
std::atomic<apartment_id> g_next_token{1};

void leave_apartment(thread_state& s) noexcept {
  const model was = s.kind;
  s.kind = model::none;
  s.count = 0;
  if (was == model::mta) {
    if (g_mta_members.fetch_sub(1, std::memory_order_acq_rel) == 1) activation_apartment_gone(mta_apartment);
  } else if (was == model::sta) {
    activation_apartment_gone(s.token);
  }
}

// A thread that ends without CoUninitialize leaves its apartment anyway.
struct exit_cleanup {
  ~exit_cleanup() {
    if (t_state.count > 0) leave_apartment(t_state);
  }
  void arm() noexcept {}
};
thread_local exit_cleanup t_cleanup;

}  // namespace

HRESULT apartment_check() noexcept {
  if (t_state.count > 0 || g_mta_members.load(std::memory_order_acquire) > 0) [[likely]]
    return S_OK;
  return CO_E_NOTINITIALIZED;
}

apartment_id apartment_current() noexcept { return t_state.kind == model::sta ? t_state.token : mta_apartment; }

}  // namespace comkit::rt

using namespace comkit::rt;

HRESULT STDAPICALLTYPE CoInitializeEx(LPVOID pvReserved, DWORD dwCoInit) {
  if (pvReserved) return E_INVALIDARG;
  if (dwCoInit & ~DWORD{COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE | COINIT_SPEED_OVER_MEMORY})
    return E_INVALIDARG;
  const model wanted = (dwCoInit & COINIT_APARTMENTTHREADED) ? model::sta : model::mta;
  thread_state& s = t_state;
  if (s.count > 0) {
    if (s.kind != wanted) return RPC_E_CHANGED_MODE;  // not counted: needs no CoUninitialize
    ++s.count;
    return S_FALSE;
  }
  t_cleanup.arm();
  s.kind = wanted;
  s.count = 1;
  if (wanted == model::mta)
    g_mta_members.fetch_add(1, std::memory_order_acq_rel);
  else if (s.token == 0)
    s.token = g_next_token.fetch_add(1, std::memory_order_relaxed);
  return S_OK;
}

HRESULT STDAPICALLTYPE CoInitialize(LPVOID pvReserved) { return CoInitializeEx(pvReserved, COINIT_APARTMENTTHREADED); }

void STDAPICALLTYPE CoUninitialize() {
  thread_state& s = t_state;
  if (s.count == 0) return;  // unbalanced: ignored
  if (--s.count == 0) leave_apartment(s);
}

DWORD STDAPICALLTYPE CoGetCurrentProcess() {
  // Documented as a value unique to the calling thread (thread IDs get
  // reused; this does not): a counter, taken on first use.
  static std::atomic<DWORD> next{1};
  thread_local DWORD mine = 0;
  if (mine == 0) mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine;
}
