// runtime/errorinfo/errorinfo.cpp - the error object (CreateErrorInfo) and
// the per-thread error slot (SetErrorInfo / GetErrorInfo).
//
// The slot is a plain thread_local pointer, so the hot round trip costs no
// TLS guard; a second thread_local with a destructor is touched only when a
// thread first stores an object, and releases what is left at thread exit.
#include <atomic>
#include <mutex>
#include <new>

#include "memory/memory_internal.h"
#include "runtime_internal.h"

namespace comkit::rt {
namespace {

// Answers IUnknown, IErrorInfo and ICreateErrorInfo (the set Windows' object
// answers). Fields may be set and read from several threads. Lives in task
// memory (CreateErrorInfo placement-news it).
class error_object final : public IErrorInfo, public ICreateErrorInfo {
 public:
  ~error_object() {
    SysFreeString(m_source);
    SysFreeString(m_description);
    SysFreeString(m_help_file);
  }

  // IUnknown, reached through either base.
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    if (riid == IID_IUnknown || riid == IID_IErrorInfo) {
      *ppv = static_cast<IErrorInfo*>(this);
    } else if (riid == IID_ICreateErrorInfo) {
      *ppv = static_cast<ICreateErrorInfo*>(this);
    } else {
      *ppv = nullptr;
      return E_NOINTERFACE;
    }
    AddRef();
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return m_refs.fetch_add(1, std::memory_order_relaxed) + 1; }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG left = m_refs.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if (left == 0) {
      this->~error_object();
      memory_free(this);
    }
    return left;
  }

  // IErrorInfo
  HRESULT STDMETHODCALLTYPE GetGUID(GUID* pGUID) override {
    if (!pGUID) return E_INVALIDARG;
    std::lock_guard<std::mutex> guard(m_lock);
    *pGUID = m_guid;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetSource(BSTR* out) override { return copy_out(m_source, out); }
  HRESULT STDMETHODCALLTYPE GetDescription(BSTR* out) override { return copy_out(m_description, out); }
  HRESULT STDMETHODCALLTYPE GetHelpFile(BSTR* out) override { return copy_out(m_help_file, out); }
  HRESULT STDMETHODCALLTYPE GetHelpContext(DWORD* out) override {
    if (!out) return E_INVALIDARG;
    std::lock_guard<std::mutex> guard(m_lock);
    *out = m_help_context;
    return S_OK;
  }

  // ICreateErrorInfo
  HRESULT STDMETHODCALLTYPE SetGUID(REFGUID rguid) override {
    const GUID* g = nullable(&rguid);
    std::lock_guard<std::mutex> guard(m_lock);
    m_guid = g ? *g : GUID_NULL;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE SetSource(LPOLESTR s) override { return replace(m_source, s); }
  HRESULT STDMETHODCALLTYPE SetDescription(LPOLESTR s) override { return replace(m_description, s); }
  HRESULT STDMETHODCALLTYPE SetHelpFile(LPOLESTR s) override { return replace(m_help_file, s); }
  HRESULT STDMETHODCALLTYPE SetHelpContext(DWORD context) override {
    std::lock_guard<std::mutex> guard(m_lock);
    m_help_context = context;
    return S_OK;
  }

 private:
  // A NULL field reads back as S_OK with a NULL BSTR, as on Windows.
  HRESULT copy_out(const BSTR& field, BSTR* out) {
    if (!out) return E_INVALIDARG;
    std::lock_guard<std::mutex> guard(m_lock);
    if (!field) {
      *out = nullptr;
      return S_OK;
    }
    *out = SysAllocStringLen(field, SysStringLen(field));
    return *out ? S_OK : E_OUTOFMEMORY;
  }
  HRESULT replace(BSTR& field, LPOLESTR s) {
    BSTR copy = nullptr;
    if (s && !(copy = SysAllocString(s))) return E_OUTOFMEMORY;
    {
      std::lock_guard<std::mutex> guard(m_lock);
      std::swap(field, copy);
    }
    SysFreeString(copy);
    return S_OK;
  }

  std::atomic<ULONG> m_refs{1};
  std::mutex m_lock;
  GUID m_guid = GUID_NULL;      // guarded by m_lock
  BSTR m_source = nullptr;      // guarded by m_lock
  BSTR m_description = nullptr;  // guarded by m_lock
  BSTR m_help_file = nullptr;   // guarded by m_lock
  DWORD m_help_context = 0;     // guarded by m_lock
};

// This thread's error object; owned (one reference).
thread_local IErrorInfo* t_error_info = nullptr;

// Releases whatever the slot holds when the thread ends.
struct slot_cleanup {
  ~slot_cleanup() {
    if (IErrorInfo* e = t_error_info) {
      t_error_info = nullptr;
      e->Release();
    }
  }
  void arm() noexcept {}
};
thread_local slot_cleanup t_cleanup;

}  // namespace
}  // namespace comkit::rt

using namespace comkit::rt;

HRESULT STDAPICALLTYPE CreateErrorInfo(ICreateErrorInfo** pperrinfo) {
  if (!pperrinfo) return E_INVALIDARG;
  // From the task allocator, so malloc spies see (and can fail) it.
  void* mem = memory_alloc(sizeof(error_object));
  if (!mem) {
    *pperrinfo = nullptr;
    return E_OUTOFMEMORY;
  }
  *pperrinfo = new (mem) error_object;
  return S_OK;
}

HRESULT STDAPICALLTYPE SetErrorInfo(ULONG dwReserved, IErrorInfo* perrinfo) {
  if (dwReserved != 0) return E_INVALIDARG;
  if (perrinfo) {
    t_cleanup.arm();  // first use on this thread registers the exit cleanup
    perrinfo->AddRef();
  }
  IErrorInfo* old = t_error_info;
  t_error_info = perrinfo;
  if (old) old->Release();
  return S_OK;
}

HRESULT STDAPICALLTYPE GetErrorInfo(ULONG dwReserved, IErrorInfo** pperrinfo) {
  if (dwReserved != 0 || !pperrinfo) return E_INVALIDARG;
  *pperrinfo = t_error_info;
  t_error_info = nullptr;
  return *pperrinfo ? S_OK : S_FALSE;
}
