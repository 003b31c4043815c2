// runtime/memory/memory.cpp - the task allocator: CoTaskMemAlloc/Realloc/
// Free, the process IMalloc from CoGetMalloc, and malloc spies
// (CoRegisterMallocSpy / CoRevokeMallocSpy).
//
// The block layout and the inline fast paths are in memory_internal.h. Only while
// a spy is registered (or a revoked spy still has blocks alive) do calls take
// the slow path, which serialises the spy's Pre/Post pairs under one
// recursive lock (recursive because a spy may allocate from its own hooks)
// and records which blocks were handed out under the spy (fSpyed).
#include <malloc.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <unordered_set>

#include "memory/memory_internal.h"
#include "runtime_internal.h"

namespace comkit::rt {
namespace {

void* raw_realloc(void* user, std::size_t cb) noexcept {
  if (cb > SIZE_MAX - sizeof(block_header)) return nullptr;
  auto* h = static_cast<block_header*>(std::realloc(header_of(user), cb + sizeof(block_header)));
  return h ? raw_finish(h, cb) : nullptr;
}

// Copies n bytes from addr without faulting when addr is not readable.
// process_vm_readv on our own process reports EFAULT instead of faulting;
// where it is not allowed, fall back to asking the kernel whether the pages
// are mapped.
__attribute__((no_sanitize("address"))) bool read_probe(std::uintptr_t addr, void* out, std::size_t n) noexcept {
  iovec local{out, n};
  iovec remote{reinterpret_cast<void*>(addr), n};
  const ssize_t r = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
  if (r == static_cast<ssize_t>(n)) return true;
  if (r >= 0 || (errno != ENOSYS && errno != EPERM)) return false;
  const long page = sysconf(_SC_PAGESIZE);
  const std::uintptr_t first = addr & ~static_cast<std::uintptr_t>(page - 1);
  const std::uintptr_t last = (addr + n - 1) & ~static_cast<std::uintptr_t>(page - 1);
  unsigned char vec[2];
  if (mincore(reinterpret_cast<void*>(first), last - first + static_cast<std::uintptr_t>(page), vec) != 0)
    return false;
  auto* dst = static_cast<volatile unsigned char*>(out);
  for (std::size_t i = 0; i < n; ++i) dst[i] = reinterpret_cast<const volatile unsigned char*>(addr)[i];
  return true;
}

int raw_did_alloc(const void* user) noexcept {
  const auto addr = reinterpret_cast<std::uintptr_t>(user);
  if (addr % alignof(block_header) != 0 || addr < 2 * sizeof(block_header)) return 0;
  block_header h{};
  if (!read_probe(addr - sizeof(block_header), &h, sizeof h)) return 0;
  return h.tag == (addr ^ block_tag_key) ? 1 : 0;
}

SIZE_T raw_size(void* user) noexcept { return user ? header_of(user)->size : static_cast<SIZE_T>(-1); }

// ---- Malloc spies ----------------------------------------------------------

struct spy_state {
  std::recursive_mutex lock;
  IMallocSpy* spy = nullptr;        // guarded by lock; the reference QueryInterface gave us
  bool revoke_pending = false;      // guarded by lock
  std::unordered_set<void*> spied;  // guarded by lock; live blocks handed out under the spy
};

// Never destroyed: blocks may be freed from other objects' static destructors.
spy_state& spies() noexcept {
  static spy_state* s = new spy_state;
  return *s;
}

bool spy_active(const spy_state& s) noexcept { return s.spy != nullptr && !s.revoke_pending; }

void release_spy_if_done(spy_state& s) noexcept {
  if (!s.revoke_pending || !s.spied.empty()) return;
  IMallocSpy* spy = s.spy;
  s.spy = nullptr;
  s.revoke_pending = false;
  g_spy_engaged.store(false, std::memory_order_release);
  spy->Release();
}

void remember_spied(spy_state& s, void* p) noexcept {
  try {
    s.spied.insert(p);
  } catch (...) {
    // Out of memory for the bookkeeping: the block is then treated as not
    // spied, which only affects the fSpyed flag the spy sees on free.
  }
}

}  // namespace

std::atomic<bool> g_spy_engaged{false};

void* spied_alloc(std::size_t cb) noexcept {
  spy_state& s = spies();
  std::lock_guard<std::recursive_mutex> guard(s.lock);
  if (!spy_active(s)) return raw_alloc(cb);
  const SIZE_T actual = s.spy->PreAlloc(cb);
  if (actual == 0 && cb != 0) return nullptr;  // the spy forces a failure; Post is not called
  void* r = s.spy->PostAlloc(raw_alloc(actual));
  if (r) remember_spied(s, r);
  return r;
}

void spied_free(void* pv) noexcept {
  spy_state& s = spies();
  std::lock_guard<std::recursive_mutex> guard(s.lock);
  const bool was_spied = s.spied.erase(pv) != 0;
  if (!was_spied && !spy_active(s)) {
    raw_free(pv);
    return;
  }
  if (void* actual = s.spy->PreFree(pv, was_spied)) raw_free(actual);
  s.spy->PostFree(was_spied);
  release_spy_if_done(s);
}

namespace {

void* spied_realloc(void* pv, std::size_t cb) noexcept {
  spy_state& s = spies();
  std::lock_guard<std::recursive_mutex> guard(s.lock);
  const bool was_spied = s.spied.count(pv) != 0;
  if (!was_spied && !spy_active(s)) return raw_realloc(pv, cb);
  void* actual = pv;
  const SIZE_T n = s.spy->PreRealloc(pv, cb, &actual, was_spied);
  if (n == 0) return nullptr;  // forced failure; the old block stays valid
  void* moved = actual ? raw_realloc(actual, n) : raw_alloc(n);
  void* r = s.spy->PostRealloc(moved, was_spied);
  if (r && was_spied) {
    s.spied.erase(pv);
    remember_spied(s, r);
  }
  return r;
}

SIZE_T spied_size(void* pv) noexcept {
  spy_state& s = spies();
  std::lock_guard<std::recursive_mutex> guard(s.lock);
  const bool was_spied = s.spied.count(pv) != 0;
  if (!was_spied && !spy_active(s)) return raw_size(pv);
  return s.spy->PostGetSize(raw_size(s.spy->PreGetSize(pv, was_spied)), was_spied);
}

int spied_did_alloc(void* pv) noexcept {
  spy_state& s = spies();
  std::lock_guard<std::recursive_mutex> guard(s.lock);
  const bool was_spied = s.spied.count(pv) != 0;
  if (!was_spied && !spy_active(s)) return raw_did_alloc(pv);
  return s.spy->PostDidAlloc(pv, was_spied, raw_did_alloc(s.spy->PreDidAlloc(pv, was_spied)));
}

bool spy_engaged() noexcept { return g_spy_engaged.load(std::memory_order_acquire); }

SIZE_T memory_size(void* pv) noexcept {
  if (!pv) return static_cast<SIZE_T>(-1);
  return spy_engaged() ? spied_size(pv) : raw_size(pv);
}

int memory_did_alloc(void* pv) noexcept {
  if (!pv) return -1;
  return spy_engaged() ? spied_did_alloc(pv) : raw_did_alloc(pv);
}

void memory_heap_minimize() noexcept {
  if (spy_engaged()) {
    spy_state& s = spies();
    std::lock_guard<std::recursive_mutex> guard(s.lock);
    if (spy_active(s)) {
      s.spy->PreHeapMinimize();
      malloc_trim(0);
      s.spy->PostHeapMinimize();
      return;
    }
  }
  malloc_trim(0);
}

// ---- The process IMalloc ---------------------------------------------------

class task_allocator final : public IMalloc {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    if (riid == IID_IUnknown || riid == IID_IMalloc) {
      *ppv = static_cast<IMalloc*>(this);
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  // The allocator lives as long as the process: counts are not kept.
  ULONG STDMETHODCALLTYPE AddRef() override { return 1; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  void* STDMETHODCALLTYPE Alloc(SIZE_T cb) override { return memory_alloc(cb); }
  void* STDMETHODCALLTYPE Realloc(void* pv, SIZE_T cb) override { return CoTaskMemRealloc(pv, cb); }
  void STDMETHODCALLTYPE Free(void* pv) override { memory_free(pv); }
  SIZE_T STDMETHODCALLTYPE GetSize(void* pv) override { return memory_size(pv); }
  int STDMETHODCALLTYPE DidAlloc(void* pv) override { return memory_did_alloc(pv); }
  void STDMETHODCALLTYPE HeapMinimize() override { memory_heap_minimize(); }
};

constinit task_allocator g_task_allocator;

}  // namespace

void* memory_realloc(void* pv, std::size_t cb) noexcept {
  if (spy_engaged()) [[unlikely]]
    return spied_realloc(pv, cb);
  return raw_realloc(pv, cb);
}

}  // namespace comkit::rt

using namespace comkit::rt;

LPVOID STDAPICALLTYPE CoTaskMemAlloc(SIZE_T cb) { return memory_alloc(cb); }

LPVOID STDAPICALLTYPE CoTaskMemRealloc(LPVOID pv, SIZE_T cb) {
  if (!pv) return memory_alloc(cb);
  if (cb == 0) {
    memory_free(pv);
    return nullptr;
  }
  return memory_realloc(pv, cb);
}

void STDAPICALLTYPE CoTaskMemFree(LPVOID pv) { memory_free(pv); }

HRESULT STDAPICALLTYPE CoGetMalloc(DWORD dwMemContext, LPMALLOC* ppMalloc) {
  if (!ppMalloc) return E_POINTER;
  if (dwMemContext != MEMCTX_TASK) {
    *ppMalloc = nullptr;
    return E_INVALIDARG;
  }
  *ppMalloc = &g_task_allocator;
  return S_OK;
}

HRESULT STDAPICALLTYPE CoRegisterMallocSpy(LPMALLOCSPY pMallocSpy) {
  if (!pMallocSpy) return E_INVALIDARG;
  spy_state& s = spies();
  std::lock_guard<std::recursive_mutex> guard(s.lock);
  if (s.spy) return CO_E_OBJISREG;
  IMallocSpy* spy = nullptr;
  if (FAILED(pMallocSpy->QueryInterface(IID_IMallocSpy, reinterpret_cast<void**>(&spy))) || !spy)
    return E_INVALIDARG;  // ABI: [out] IMallocSpy* as void**
  s.spy = spy;
  s.revoke_pending = false;
  g_spy_engaged.store(true, std::memory_order_release);
  return S_OK;
}

HRESULT STDAPICALLTYPE CoRevokeMallocSpy() {
  spy_state& s = spies();
  std::lock_guard<std::recursive_mutex> guard(s.lock);
  if (!s.spy) return CO_E_OBJNOTREG;
  s.revoke_pending = true;
  if (!s.spied.empty()) return E_ACCESSDENIED;  // released when the last spied block goes
  release_spy_if_done(s);
  return S_OK;
}
