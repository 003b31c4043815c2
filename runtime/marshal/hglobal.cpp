// runtime/marshal/hglobal.cpp - global memory blocks (GlobalAlloc and
// friends) and the IStream over one (CreateStreamOnHGlobal), which
// marshalling writes its OBJREFs into.
//
// Every live block is in one table, so a handle or address that is not a
// live block is refused with ERROR_INVALID_HANDLE instead of being
// dereferenced. A fixed block's handle is its address; a moveable block's
// handle is the address of its table entry, which never moves.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <unordered_map>

#include <comkit/abi/marshal.h>

#include "runtime_internal.h"
#include "threadmsg/threadmsg_internal.h"

namespace comkit::rt {
namespace {

struct block {
  void* data = nullptr;  // malloc'd; nullptr only for a zero-size moveable block
  SIZE_T size = 0;
  unsigned locks = 0;    // moveable blocks only
  bool moveable = false;
};

// Never destroyed (made with new): a stream may be released by a thread
// still running when the process exits, after static destructors ran.
std::mutex g_global_lock;                                                    // guards both maps
auto& g_by_handle = *new std::unordered_map<HGLOBAL, block*>;               // every live block
auto& g_handle_of_data = *new std::unordered_map<const void*, HGLOBAL>;     // a block's address -> its handle

block* find(HGLOBAL h) noexcept {
  auto it = g_by_handle.find(h);
  return it == g_by_handle.end() ? nullptr : it->second;
}

// malloc(0) may give NULL; a block's address must be unique and non-NULL.
void* allocate(SIZE_T n, bool zero) noexcept { return zero ? std::calloc(n ? n : 1, 1) : std::malloc(n ? n : 1); }

}  // namespace
}  // namespace comkit::rt

using namespace comkit::rt;

HGLOBAL STDAPICALLTYPE GlobalAlloc(UINT uFlags, SIZE_T dwBytes) {
  if (dwBytes > static_cast<SIZE_T>(std::numeric_limits<std::ptrdiff_t>::max())) {
    set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  auto* b = new (std::nothrow) block;
  if (!b) {
    set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  b->moveable = (uFlags & GMEM_MOVEABLE) != 0;
  b->size = dwBytes;
  b->data = allocate(dwBytes, (uFlags & GMEM_ZEROINIT) != 0);
  if (!b->data) {
    delete b;
    set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  const HGLOBAL h = b->moveable ? static_cast<HGLOBAL>(b) : static_cast<HGLOBAL>(b->data);
  try {
    std::lock_guard g(g_global_lock);
    g_by_handle.emplace(h, b);
    try {
      g_handle_of_data.emplace(b->data, h);
    } catch (...) {
      g_by_handle.erase(h);
      throw;
    }
  } catch (...) {
    std::free(b->data);
    delete b;
    set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  return h;
}

HGLOBAL STDAPICALLTYPE GlobalFree(HGLOBAL hMem) {
  if (!hMem) return nullptr;
  block* b;
  {
    std::lock_guard g(g_global_lock);
    b = find(hMem);
    if (!b) {
      set_last_error(ERROR_INVALID_HANDLE);
      return hMem;
    }
    g_by_handle.erase(hMem);
    g_handle_of_data.erase(b->data);
  }
  std::free(b->data);
  delete b;
  return nullptr;
}

LPVOID STDAPICALLTYPE GlobalLock(HGLOBAL hMem) {
  std::lock_guard g(g_global_lock);
  block* b = find(hMem);
  if (!b) {
    set_last_error(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  if (b->moveable && b->locks < GMEM_LOCKCOUNT) ++b->locks;
  return b->data;
}

BOOL STDAPICALLTYPE GlobalUnlock(HGLOBAL hMem) {
  std::lock_guard g(g_global_lock);
  block* b = find(hMem);
  if (!b) {
    set_last_error(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  if (!b->moveable) return TRUE;  // fixed blocks are not counted
  if (b->locks == 0) {
    set_last_error(ERROR_NOT_LOCKED);
    return FALSE;
  }
  if (--b->locks > 0) return TRUE;
  set_last_error(ERROR_SUCCESS);
  return FALSE;
}

SIZE_T STDAPICALLTYPE GlobalSize(HGLOBAL hMem) {
  std::lock_guard g(g_global_lock);
  block* b = find(hMem);
  if (!b) {
    set_last_error(ERROR_INVALID_HANDLE);
    return 0;
  }
  return b->size;
}

UINT STDAPICALLTYPE GlobalFlags(HGLOBAL hMem) {
  std::lock_guard g(g_global_lock);
  block* b = find(hMem);
  if (!b) {
    set_last_error(ERROR_INVALID_HANDLE);
    return GMEM_INVALID_HANDLE;
  }
  return b->locks;
}

HGLOBAL STDAPICALLTYPE GlobalHandle(LPCVOID pMem) {
  std::lock_guard g(g_global_lock);
  auto it = g_handle_of_data.find(pMem);
  if (it == g_handle_of_data.end()) {
    set_last_error(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  return it->second;
}

HGLOBAL STDAPICALLTYPE GlobalReAlloc(HGLOBAL hMem, SIZE_T dwBytes, UINT uFlags) {
  std::lock_guard g(g_global_lock);
  block* b = find(hMem);
  if (!b) {
    set_last_error(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  if (uFlags & GMEM_MODIFY) return hMem;  // only attributes change, and comkit has none to change
  if (dwBytes > static_cast<SIZE_T>(std::numeric_limits<std::ptrdiff_t>::max())) {
    set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  // A fixed block moves only with GMEM_MOVEABLE (and then gets a new
  // handle, its new address); a locked moveable block does not move.
  const bool may_move = b->moveable ? b->locks == 0 : (uFlags & GMEM_MOVEABLE) != 0;
  if (!may_move && dwBytes > b->size) {
    set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  void* data = b->data;
  if (may_move) {
    data = std::realloc(b->data, dwBytes ? dwBytes : 1);
    if (!data) {
      set_last_error(ERROR_NOT_ENOUGH_MEMORY);
      return nullptr;
    }
  }
  if ((uFlags & GMEM_ZEROINIT) && dwBytes > b->size) std::memset(static_cast<char*>(data) + b->size, 0, dwBytes - b->size);
  b->size = dwBytes;
  if (data == b->data) return hMem;
  // The block moved: the tables follow (erasing first, so the emplaces
  // below reuse nodes and a fixed block's new handle is its new address).
  g_handle_of_data.erase(b->data);
  b->data = data;
  HGLOBAL h = hMem;
  if (!b->moveable) {
    g_by_handle.erase(hMem);
    h = data;
  }
  try {
    g_by_handle.emplace(h, b);
    g_handle_of_data.emplace(data, h);
  } catch (...) {
    // Out of memory for a map node: the block is lost to the table but
    // stays allocated, which is the least harmful outcome left.
    set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  return h;
}

// ---- The stream ------------------------------------------------------------------

namespace comkit::rt {
namespace {

// The block a stream and its clones share.
struct shared_block {
  std::atomic<long> refs{1};
  HGLOBAL handle;
  bool delete_on_release;
  std::mutex lock;  // the block's size and bytes, for clones used on several threads
  ~shared_block() {
    if (delete_on_release) GlobalFree(handle);
  }
};

class hglobal_stream final : public IStream {
 public:
  explicit hglobal_stream(shared_block* b) noexcept : block_(b) {}
  ~hglobal_stream() {
    if (block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete block_;
  }
  shared_block* block_;

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    const IID* iid = nullable(&riid);
    if (iid && (IsEqualIID(*iid, IID_IUnknown) || IsEqualIID(*iid, IID_ISequentialStream) ||
                IsEqualIID(*iid, IID_IStream))) {
      *ppv = static_cast<IStream*>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return refs_.fetch_add(1, std::memory_order_relaxed) + 1; }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG left = refs_.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if (left == 0) delete this;
    return left;
  }

  HRESULT STDMETHODCALLTYPE Read(void* pv, ULONG cb, ULONG* pcbRead) override {
    if (pcbRead) *pcbRead = 0;
    if (!pv) return STG_E_INVALIDPOINTER;
    std::lock_guard g(block_->lock);
    SIZE_T n = 0;
    {
      // One look-up for the whole copy (the block cannot move meanwhile).
      std::lock_guard global(g_global_lock);
      const block* b = find(block_->handle);
      if (!b) return STG_E_INVALIDHANDLE;  // the block was freed under the stream
      n = pos_ >= b->size ? 0 : std::min<SIZE_T>(cb, b->size - pos_);
      if (n) std::memcpy(pv, static_cast<const char*>(b->data) + pos_, n);
    }
    pos_ += n;
    if (pcbRead) *pcbRead = static_cast<ULONG>(n);
    return S_OK;
  }

  HRESULT STDMETHODCALLTYPE Write(const void* pv, ULONG cb, ULONG* pcbWritten) override {
    if (pcbWritten) *pcbWritten = 0;
    if (!pv) return STG_E_INVALIDPOINTER;
    if (cb == 0) return S_OK;
    std::lock_guard g(block_->lock);
    const std::uint64_t end = pos_ + cb;
    if (end > GlobalSize(block_->handle))
      if (HRESULT hr = resize(end); FAILED(hr)) return hr;
    {
      std::lock_guard global(g_global_lock);
      const block* b = find(block_->handle);
      if (!b || b->size < end) return STG_E_INVALIDHANDLE;  // freed or shrunk under the stream
      std::memcpy(static_cast<char*>(b->data) + pos_, pv, cb);
    }
    pos_ = end;
    if (pcbWritten) *pcbWritten = cb;
    return S_OK;
  }

  HRESULT STDMETHODCALLTYPE Seek(LARGE_INTEGER dlibMove, DWORD dwOrigin, ULARGE_INTEGER* plibNewPosition) override {
    std::lock_guard g(block_->lock);
    std::int64_t base;
    switch (dwOrigin) {
      case STREAM_SEEK_SET: base = 0; break;
      case STREAM_SEEK_CUR: base = static_cast<std::int64_t>(pos_); break;
      case STREAM_SEEK_END: base = static_cast<std::int64_t>(GlobalSize(block_->handle)); break;
      default: return STG_E_SEEKERROR;
    }
    // A position before the start is refused; one after the end is fine
    // (a Write there grows the stream).
    std::int64_t to;
    if (__builtin_add_overflow(base, dlibMove.QuadPart, &to) || to < 0) return STG_E_SEEKERROR;
    pos_ = static_cast<std::uint64_t>(to);
    if (plibNewPosition) plibNewPosition->QuadPart = pos_;
    return S_OK;
  }

  HRESULT STDMETHODCALLTYPE SetSize(ULARGE_INTEGER libNewSize) override {
    std::lock_guard g(block_->lock);
    return resize(libNewSize.QuadPart);
  }

  HRESULT STDMETHODCALLTYPE CopyTo(IStream* pstm, ULARGE_INTEGER cb, ULARGE_INTEGER* pcbRead,
                                   ULARGE_INTEGER* pcbWritten) override {
    if (pcbRead) pcbRead->QuadPart = 0;
    if (pcbWritten) pcbWritten->QuadPart = 0;
    if (!pstm) return STG_E_INVALIDPOINTER;
    std::uint64_t left = cb.QuadPart, read_total = 0, written_total = 0;
    char buffer[4096];
    HRESULT hr = S_OK;
    while (left > 0) {
      ULONG got = 0;
      if (hr = Read(buffer, static_cast<ULONG>(std::min<std::uint64_t>(left, sizeof buffer)), &got);
          FAILED(hr) || got == 0)
        break;
      read_total += got;
      left -= got;
      ULONG put = 0;
      hr = pstm->Write(buffer, got, &put);
      written_total += put;
      if (FAILED(hr)) break;
    }
    if (pcbRead) pcbRead->QuadPart = read_total;
    if (pcbWritten) pcbWritten->QuadPart = written_total;
    return hr;
  }

  HRESULT STDMETHODCALLTYPE Commit(DWORD) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE Revert() override { return S_OK; }
  HRESULT STDMETHODCALLTYPE LockRegion(ULARGE_INTEGER, ULARGE_INTEGER, DWORD) override { return STG_E_INVALIDFUNCTION; }
  HRESULT STDMETHODCALLTYPE UnlockRegion(ULARGE_INTEGER, ULARGE_INTEGER, DWORD) override { return STG_E_INVALIDFUNCTION; }

  HRESULT STDMETHODCALLTYPE Stat(STATSTG* pstatstg, DWORD grfStatFlag) override {
    if (!pstatstg) return STG_E_INVALIDPOINTER;
    if (grfStatFlag & ~DWORD{STATFLAG_NONAME | STATFLAG_NOOPEN}) return STG_E_INVALIDFLAG;
    std::lock_guard g(block_->lock);
    *pstatstg = STATSTG{};
    pstatstg->type = STGTY_STREAM;
    pstatstg->cbSize.QuadPart = GlobalSize(block_->handle);
    pstatstg->grfMode = STGM_READWRITE;
    return S_OK;
  }

  HRESULT STDMETHODCALLTYPE Clone(IStream** ppstm) override {
    if (!ppstm) return STG_E_INVALIDPOINTER;
    block_->refs.fetch_add(1, std::memory_order_relaxed);
    auto* c = new (std::nothrow) hglobal_stream(block_);
    if (!c) {
      block_->refs.fetch_sub(1, std::memory_order_relaxed);
      *ppstm = nullptr;
      return E_OUTOFMEMORY;
    }
    std::lock_guard g(block_->lock);
    c->pos_ = pos_;
    *ppstm = c;
    return S_OK;
  }

 private:
  // The block becomes exactly `size` bytes, new bytes zeroed (lock held).
  HRESULT resize(std::uint64_t size) noexcept {
    if (size > 0xFFFFFFFFull) return STG_E_MEDIUMFULL;  // ULONG-counted, as on Windows
    const HGLOBAL h = GlobalReAlloc(block_->handle, static_cast<SIZE_T>(size), GMEM_MOVEABLE | GMEM_ZEROINIT);
    if (!h) return E_OUTOFMEMORY;
    block_->handle = h;  // a fixed block moves and gets a new handle
    return S_OK;
  }

  std::atomic<ULONG> refs_{1};
  std::uint64_t pos_ = 0;  // guarded by block_->lock
};

// The vtable of hglobal_stream: GetHGlobalFromStream recognises comkit's
// own streams by it (a stream from elsewhere may have no RTTI to cast with).
std::atomic<const void*> g_stream_vtable{nullptr};

const void* vtable_of(const void* object) noexcept {
  const void* v;
  std::memcpy(&v, object, sizeof v);
  return v;
}

}  // namespace
}  // namespace comkit::rt

HRESULT STDAPICALLTYPE CreateStreamOnHGlobal(HGLOBAL hGlobal, BOOL fDeleteOnRelease, LPSTREAM* ppstm) {
  if (!ppstm) return E_INVALIDARG;
  *ppstm = nullptr;
  const bool made = !hGlobal;
  if (made) {
    hGlobal = GlobalAlloc(GMEM_MOVEABLE | GMEM_NODISCARD, 0);
    if (!hGlobal) return E_OUTOFMEMORY;
  } else if (GlobalFlags(hGlobal) == GMEM_INVALID_HANDLE) {
    return E_INVALIDARG;
  }
  auto* b = new (std::nothrow) shared_block;
  auto* s = b ? new (std::nothrow) hglobal_stream(b) : nullptr;
  if (!s) {
    delete b;
    if (made) GlobalFree(hGlobal);
    return E_OUTOFMEMORY;
  }
  b->handle = hGlobal;
  b->delete_on_release = fDeleteOnRelease != FALSE;
  g_stream_vtable.store(vtable_of(s), std::memory_order_release);
  *ppstm = s;
  return S_OK;
}

HRESULT STDAPICALLTYPE GetHGlobalFromStream(LPSTREAM pstm, HGLOBAL* phglobal) {
  if (!phglobal) return E_INVALIDARG;
  *phglobal = nullptr;
  if (!pstm) return E_INVALIDARG;
  // Only comkit's own streams qualify.
  if (vtable_of(pstm) != g_stream_vtable.load(std::memory_order_acquire)) return E_INVALIDARG;
  auto* s = static_cast<hglobal_stream*>(pstm);
  std::lock_guard g(s->block_->lock);
  *phglobal = s->block_->handle;
  return S_OK;
}
