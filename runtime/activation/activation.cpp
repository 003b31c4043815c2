// runtime/activation/activation.cpp - finding and creating objects by CLSID:
// class objects registered by the running program (CoRegisterClassObject),
// then in-process servers found through the registry and loaded with
// dlopen. Also the ProgID functions and CoFreeUnusedLibraries.
//
// Locking: the table of registered class objects has its own mutex and an
// atomic count, so activations skip it entirely while it is empty. Loaded
// servers and the cache of their class factories share one reader-writer
// lock: activations read, loading and unloading write, so no activation can
// be inside a server's code while it is unloaded.
#include <dlfcn.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <comkit/abi/extensions.h>
#include <comkit/detail/utf.h>

#include "activation/activation_internal.h"
#include "registry/registry_internal.h"
#include "trace/trace_internal.h"

namespace comkit::rt {
namespace {

constexpr DWORD server_contexts = CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER | CLSCTX_LOCAL_SERVER |
                                  CLSCTX_REMOTE_SERVER | CLSCTX_INPROC_SERVER16 | CLSCTX_INPROC_HANDLER16;
constexpr DWORD inproc_contexts = CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER | CLSCTX_INPROC_SERVER16 |
                                  CLSCTX_INPROC_HANDLER16;

// ---- Class objects registered by the program -------------------------------------

struct class_registration {
  DWORD cookie;
  GUID clsid;
  IUnknown* object;  // one reference, released when revoked
  DWORD contexts;
  DWORD flags;
  bool suspended;
  bool used;  // a REGCLS_SINGLEUSE object that has been handed out once
  apartment_id apartment;
};

struct class_table {
  std::mutex lock;
  std::vector<class_registration> entries;  // guarded by lock
  DWORD next_cookie = 1;                    // guarded by lock
  std::atomic<int> count{0};                // entries.size(), readable without the lock
};

class_table& classes() noexcept {
  static class_table* t = new class_table;  // never destroyed: revoked objects may be released late
  return *t;
}

/// Whether registration r serves a request for `contexts` from `apartment`:
/// in-process registrations serve their own apartment only, local-server
/// ones every thread (as Windows).
bool serves(const class_registration& r, DWORD contexts, apartment_id apartment) noexcept {
  const DWORD common = r.contexts & contexts;
  if (!common) return false;
  return (common & CLSCTX_LOCAL_SERVER) || r.apartment == apartment;
}

/// The registered class object for clsid in one of `contexts`, AddRef'd, or
/// null. Marks single-use objects used.
IUnknown* find_registered(const GUID& clsid, DWORD contexts) {
  class_table& t = classes();
  if (t.count.load(std::memory_order_acquire) == 0) return nullptr;
  const apartment_id here = apartment_current();
  std::lock_guard<std::mutex> guard(t.lock);
  for (class_registration& r : t.entries) {
    if (r.clsid != clsid || !serves(r, contexts, here) || r.suspended || r.used) continue;
    if ((r.flags & (REGCLS_MULTIPLEUSE | REGCLS_MULTI_SEPARATE)) == 0) r.used = true;  // REGCLS_SINGLEUSE
    r.object->AddRef();
    return r.object;
  }
  return nullptr;
}

void release_all(std::vector<IUnknown*>& objects) noexcept {
  for (IUnknown* o : objects) o->Release();  // outside the table lock: Release may call back into COM
}

// ---- In-process servers --------------------------------------------------------------

struct loaded_server {
  std::string path;
  void* handle = nullptr;
  LPFNGETCLASSOBJECT get_class_object = nullptr;
  LPFNCANUNLOADNOW can_unload_now = nullptr;
  long long idle_since_ns = -1;  // when DllCanUnloadNow first said S_OK, -1 if it has not
  bool free_threaded = false;    // its classes are Free, Both or Neutral: unloaded with a delay
  // Activations between taking a factory and returning from its
  // CreateInstance; a server is never unloaded while this is non-zero.
  std::atomic<int> in_flight{0};
};

struct cached_factory {
  IClassFactory* factory;  // one reference held by the cache
  loaded_server* server;
  std::uint64_t generation;  // the registry snapshot it was resolved from
};

struct server_table {
  std::shared_mutex lock;
  std::unordered_map<std::string, std::unique_ptr<loaded_server>> servers;  // guarded by lock
  std::unordered_map<GUID, cached_factory> factories;                       // guarded by lock
};

server_table& servers() noexcept {
  static server_table* t = new server_table;  // never destroyed: servers stay mapped until exit
  return *t;
}

HRESULT dl_error_hresult(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return HRESULT_FROM_WIN32(ERROR_MOD_NOT_FOUND);
  return HRESULT_FROM_WIN32(ERROR_BAD_EXE_FORMAT);
}

/// The loaded server at `path`, loading it if needed. Caller holds the
/// table's lock exclusively.
HRESULT load_server(server_table& t, const std::string& path, const std::string& threading_model,
                    loaded_server*& out) {
  if (auto it = t.servers.find(path); it != t.servers.end()) {
    out = it->second.get();
    return S_OK;
  }
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    COMKIT_WARN("activation", "cannot load in-process server %s: %s", path.c_str(), why ? why : "?");
    return dl_error_hresult(path);
  }
  auto s = std::make_unique<loaded_server>();
  s->path = path;
  s->handle = handle;
  s->free_threaded = threading_model == "Free" || threading_model == "Both" || threading_model == "Neutral";
  s->get_class_object = reinterpret_cast<LPFNGETCLASSOBJECT>(::dlsym(handle, "DllGetClassObject"));  // ABI: C entry point
  s->can_unload_now = reinterpret_cast<LPFNCANUNLOADNOW>(::dlsym(handle, "DllCanUnloadNow"));
  if (!s->get_class_object) {
    COMKIT_WARN("activation", "in-process server %s does not export DllGetClassObject", path.c_str());
    ::dlclose(handle);
    return CO_E_ERRORINDLL;
  }
  COMKIT_TRACE("activation", "loaded %s", path.c_str());
  out = s.get();
  t.servers.emplace(path, std::move(s));
  return S_OK;
}

/// The class factory of clsid from its registered in-process server,
/// AddRef'd, with the server pinned (in_flight) until the caller unpins it.
HRESULT server_factory(const GUID& clsid, const registered_class& reg, std::uint64_t generation,
                       IClassFactory** out, loaded_server** pinned) {
  server_table& t = servers();
  {
    std::shared_lock<std::shared_mutex> guard(t.lock);
    if (auto it = t.factories.find(clsid); it != t.factories.end() && it->second.generation == generation) {
      it->second.server->in_flight.fetch_add(1, std::memory_order_relaxed);
      it->second.factory->AddRef();
      *out = it->second.factory;
      *pinned = it->second.server;
      return S_OK;
    }
  }
  std::unique_lock<std::shared_mutex> guard(t.lock);
  if (auto it = t.factories.find(clsid); it != t.factories.end()) {
    if (it->second.generation == generation) {
      it->second.server->in_flight.fetch_add(1, std::memory_order_relaxed);
      it->second.factory->AddRef();
      *out = it->second.factory;
      *pinned = it->second.server;
      return S_OK;
    }
    it->second.factory->Release();  // resolved from an older registry
    t.factories.erase(it);
  }
  loaded_server* server = nullptr;
  if (HRESULT hr = load_server(t, reg.server_path, reg.threading_model, server); FAILED(hr)) return hr;
  IClassFactory* factory = nullptr;
  const HRESULT hr = server->get_class_object(clsid, IID_IClassFactory, reinterpret_cast<void**>(&factory));
  if (FAILED(hr) || !factory) {
    COMKIT_WARN("activation", "DllGetClassObject of %s failed for %s: 0x%08x", reg.server_path.c_str(),
                comkit::to_string(clsid).c_str(), static_cast<unsigned>(hr));
    return FAILED(hr) ? hr : E_UNEXPECTED;
  }
  server->idle_since_ns = -1;
  factory->AddRef();  // one for the cache, one for the caller
  t.factories.emplace(clsid, cached_factory{factory, server, generation});
  server->in_flight.fetch_add(1, std::memory_order_relaxed);
  *out = factory;
  *pinned = server;
  return S_OK;
}

void unpin(loaded_server* server) noexcept {
  if (server) server->in_flight.fetch_sub(1, std::memory_order_release);
}

long long monotonic_ns() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

HRESULT check_contexts(DWORD contexts) noexcept { return (contexts & server_contexts) ? S_OK : E_INVALIDARG; }

/// The class object of clsid for the given contexts, as the interface riid.
/// When it comes from an in-process server, the server stays pinned (cannot
/// be unloaded) until unpin(*pinned).
HRESULT get_class_object(const GUID& clsid, DWORD contexts, REFIID riid, void** ppv,
                         loaded_server** pinned) noexcept {
  *pinned = nullptr;
  try {
    if (IUnknown* registered = find_registered(clsid, contexts)) {
      const HRESULT hr = registered->QueryInterface(riid, ppv);
      registered->Release();
      return hr;
    }
    const registry_snapshot& reg = registry_current();
    const registered_class* c = reg.find(clsid);
    if (!c) return REGDB_E_CLASSNOTREG;
    if (!(contexts & inproc_contexts)) {
      COMKIT_FIXME("activation", "%s: local and remote servers are not supported yet",
                   comkit::to_string(clsid).c_str());
      return REGDB_E_CLASSNOTREG;
    }
    IClassFactory* factory = nullptr;
    if (HRESULT hr = server_factory(clsid, *c, reg.generation(), &factory, pinned); FAILED(hr)) return hr;
    const HRESULT hr = factory->QueryInterface(riid, ppv);
    factory->Release();
    if (FAILED(hr)) {
      unpin(*pinned);
      *pinned = nullptr;
    }
    return hr;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

std::string utf8_of(LPCOLESTR s) {
  const std::size_t n = std::char_traits<char16_t>::length(s);
  const auto need = detail::utf16_to_utf8(s, n, nullptr, 0);
  if (need.status == detail::utf_status::ill_formed) return {};
  std::string out(need.needed, '\0');
  detail::utf16_to_utf8(s, n, out.data(), out.size());
  return out;
}

}  // namespace

void activation_apartment_gone(apartment_id apartment) noexcept {
  std::vector<IUnknown*> revoked;
  try {
    class_table& t = classes();
    std::lock_guard<std::mutex> guard(t.lock);
    std::erase_if(t.entries, [&](const class_registration& r) {
      if (r.apartment != apartment) return false;
      revoked.push_back(r.object);
      return true;
    });
    t.count.store(static_cast<int>(t.entries.size()), std::memory_order_release);
  } catch (...) {
  }
  release_all(revoked);
}

/// CLSIDFromString's ProgID form (guid.cpp).
HRESULT activation_clsid_from_progid(LPCOLESTR progid, CLSID* out) noexcept {
  try {
    const std::string name = utf8_of(progid);
    const registered_class* c = name.empty() ? nullptr : registry_current().find_progid(name);
    if (!c) {
      *out = GUID_NULL;
      return CO_E_CLASSSTRING;
    }
    *out = c->clsid;
    return S_OK;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

}  // namespace comkit::rt

using namespace comkit::rt;

HRESULT STDAPICALLTYPE CoRegisterClassObject(REFCLSID rclsid, LPUNKNOWN pUnk, DWORD dwClsContext, DWORD flags,
                                             LPDWORD lpdwRegister) {
  const GUID* clsid = nullable(&rclsid);
  if (!clsid || !pUnk || !lpdwRegister) return E_INVALIDARG;
  *lpdwRegister = 0;
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  if (HRESULT hr = check_contexts(dwClsContext); FAILED(hr)) return hr;
  if (flags & ~DWORD{REGCLS_MULTIPLEUSE | REGCLS_MULTI_SEPARATE | REGCLS_SUSPENDED | REGCLS_SURROGATE | REGCLS_AGILE})
    return E_INVALIDARG;
  // REGCLS_MULTIPLEUSE for a local server also serves this process in-proc;
  // REGCLS_MULTI_SEPARATE keeps each context separate.
  DWORD contexts = dwClsContext;
  if ((flags & REGCLS_MULTIPLEUSE) && (contexts & CLSCTX_LOCAL_SERVER)) contexts |= CLSCTX_INPROC_SERVER;
  try {
    class_table& t = classes();
    const apartment_id here = apartment_current();
    std::lock_guard<std::mutex> guard(t.lock);
    for (const class_registration& r : t.entries)
      if (r.clsid == *clsid && r.apartment == here && (r.contexts & contexts)) return CO_E_OBJISREG;
    pUnk->AddRef();
    DWORD cookie = t.next_cookie++;
    if (cookie == 0) cookie = t.next_cookie++;  // wrapped: 0 is never a cookie
    t.entries.push_back(
        class_registration{cookie, *clsid, pUnk, contexts, flags, (flags & REGCLS_SUSPENDED) != 0, false, here});
    t.count.store(static_cast<int>(t.entries.size()), std::memory_order_release);
    *lpdwRegister = cookie;
    return S_OK;
  } catch (...) {
    pUnk->Release();
    return E_OUTOFMEMORY;
  }
}

HRESULT STDAPICALLTYPE CoRevokeClassObject(DWORD dwRegister) {
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  IUnknown* object = nullptr;
  {
    class_table& t = classes();
    std::lock_guard<std::mutex> guard(t.lock);
    const auto it = std::find_if(t.entries.begin(), t.entries.end(),
                                 [&](const class_registration& r) { return r.cookie == dwRegister; });
    if (it == t.entries.end()) return E_INVALIDARG;
    if (it->apartment != mta_apartment && it->apartment != apartment_current()) return RPC_E_WRONG_THREAD;
    object = it->object;
    t.entries.erase(it);
    t.count.store(static_cast<int>(t.entries.size()), std::memory_order_release);
  }
  object->Release();
  return S_OK;
}

HRESULT STDAPICALLTYPE CoResumeClassObjects() {
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  class_table& t = classes();
  std::lock_guard<std::mutex> guard(t.lock);
  for (class_registration& r : t.entries) r.suspended = false;
  return S_OK;
}

HRESULT STDAPICALLTYPE CoSuspendClassObjects() {
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  class_table& t = classes();
  std::lock_guard<std::mutex> guard(t.lock);
  for (class_registration& r : t.entries) r.suspended = true;
  return S_OK;
}

HRESULT STDAPICALLTYPE CoGetClassObject(REFCLSID rclsid, DWORD dwClsContext, LPVOID pvReserved, REFIID riid,
                                        LPVOID* ppv) {
  (void)pvReserved;  // COSERVERINFO: only meaningful for remote servers
  if (!ppv) return E_INVALIDARG;
  *ppv = nullptr;
  const GUID* clsid = nullable(&rclsid);
  if (!clsid) return E_INVALIDARG;
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  if (HRESULT hr = check_contexts(dwClsContext); FAILED(hr)) return hr;
  // Holding a class object does not keep its server loaded (that is what
  // IClassFactory::LockServer is for), so the pin ends here.
  loaded_server* pinned = nullptr;
  const HRESULT hr = get_class_object(*clsid, dwClsContext, riid, ppv, &pinned);
  unpin(pinned);
  return hr;
}

HRESULT STDAPICALLTYPE CoCreateInstance(REFCLSID rclsid, LPUNKNOWN pUnkOuter, DWORD dwClsContext, REFIID riid,
                                        LPVOID* ppv) {
  if (!ppv) return E_POINTER;
  *ppv = nullptr;
  const GUID* clsid = nullable(&rclsid);
  if (!clsid) return E_INVALIDARG;
  if (HRESULT hr = apartment_check(); FAILED(hr)) [[unlikely]]
    return hr;
  if (HRESULT hr = check_contexts(dwClsContext); FAILED(hr)) return hr;
  IClassFactory* factory = nullptr;
  loaded_server* pinned = nullptr;
  if (HRESULT hr = get_class_object(*clsid, dwClsContext, IID_IClassFactory, reinterpret_cast<void**>(&factory),
                                    &pinned);
      FAILED(hr))
    return hr;
  const HRESULT hr = factory->CreateInstance(pUnkOuter, riid, ppv);
  factory->Release();
  unpin(pinned);  // the new object (if any) now keeps its server loaded
  if (FAILED(hr)) *ppv = nullptr;
  return hr;
}

HRESULT STDAPICALLTYPE CoCreateInstanceEx(REFCLSID Clsid, IUnknown* punkOuter, DWORD dwClsCtx,
                                          COSERVERINFO* pServerInfo, DWORD dwCount, MULTI_QI* pResults) {
  (void)pServerInfo;  // only meaningful for remote servers
  if (dwCount == 0 || !pResults) return E_INVALIDARG;
  for (DWORD i = 0; i < dwCount; ++i)
    if (!pResults[i].pIID || pResults[i].pItf) return E_INVALIDARG;
  // The object is created for the first IID (as Windows does), then asked
  // for the others.
  IUnknown* first = nullptr;
  const HRESULT hr = CoCreateInstance(Clsid, punkOuter, dwClsCtx, *pResults[0].pIID, reinterpret_cast<void**>(&first));
  if (FAILED(hr)) {
    for (DWORD i = 0; i < dwCount; ++i) pResults[i].hr = hr;
    return hr;
  }
  pResults[0].pItf = first;
  pResults[0].hr = S_OK;
  DWORD got = 1;
  for (DWORD i = 1; i < dwCount; ++i) {
    pResults[i].hr = first->QueryInterface(*pResults[i].pIID, reinterpret_cast<void**>(&pResults[i].pItf));
    if (FAILED(pResults[i].hr)) {
      pResults[i].pItf = nullptr;
      pResults[i].hr = E_NOINTERFACE;
    } else {
      ++got;
    }
  }
  return got == dwCount ? S_OK : CO_S_NOTALLINTERFACES;
}

HRESULT STDAPICALLTYPE CLSIDFromProgID(LPCOLESTR lpszProgID, LPCLSID lpclsid) {
  if (!lpszProgID || !lpclsid) return E_INVALIDARG;
  return activation_clsid_from_progid(lpszProgID, lpclsid);
}

HRESULT STDAPICALLTYPE CLSIDFromProgIDEx(LPCOLESTR lpszProgID, LPCLSID lpclsid) {
  return CLSIDFromProgID(lpszProgID, lpclsid);
}

HRESULT STDAPICALLTYPE ProgIDFromCLSID(REFCLSID clsid, LPOLESTR* lplpszProgID) {
  const GUID* id = nullable(&clsid);
  if (!id || !lplpszProgID) return E_INVALIDARG;
  *lplpszProgID = nullptr;
  try {
    const registered_class* c = registry_current().find(*id);
    if (!c || c->progid.empty()) return REGDB_E_CLASSNOTREG;
    BSTR tmp = nullptr;
    if (FAILED(ComkitBstrFromUtf8(c->progid.data(), c->progid.size(), &tmp))) return E_OUTOFMEMORY;
    const UINT len = SysStringLen(tmp);
    auto* out = static_cast<LPOLESTR>(CoTaskMemAlloc((len + 1) * sizeof(OLECHAR)));
    if (out) {
      std::char_traits<char16_t>::copy(out, tmp, len + 1);
      *lplpszProgID = out;
    }
    SysFreeString(tmp);
    return out ? S_OK : E_OUTOFMEMORY;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

void STDAPICALLTYPE CoFreeUnusedLibrariesEx(DWORD dwUnloadDelay, DWORD dwReserved) {
  (void)dwReserved;
  // INFINITE asks for Windows' default: ten minutes for free-threaded servers
  // when called from the multithreaded apartment (a thread may still be
  // returning from the server's code after its last object's Release),
  // none otherwise.
  const bool from_mta = apartment_current() == mta_apartment;
  auto delay_for = [&](const loaded_server& s) -> long long {
    if (dwUnloadDelay != 0xFFFFFFFF) return static_cast<long long>(dwUnloadDelay) * 1'000'000;
    return from_mta && s.free_threaded ? 600'000'000'000ll : 0;
  };
  server_table& t = servers();
  // Drop the cache's factory references first (a server may count them),
  // outside the lock: Release may call back into COM.
  std::vector<IClassFactory*> released;
  {
    std::unique_lock<std::shared_mutex> guard(t.lock);
    for (auto& entry : t.factories) released.push_back(entry.second.factory);
    t.factories.clear();
  }
  for (IClassFactory* f : released) f->Release();
  std::vector<void*> unload;
  {
    std::unique_lock<std::shared_mutex> guard(t.lock);
    const long long now = monotonic_ns();
    for (auto it = t.servers.begin(); it != t.servers.end();) {
      loaded_server& s = *it->second;
      const long long delay_ns = delay_for(s);
      const bool cached = std::any_of(t.factories.begin(), t.factories.end(),
                                      [&](const auto& f) { return f.second.server == &s; });
      const bool idle = !cached && s.in_flight.load(std::memory_order_acquire) == 0 && s.can_unload_now &&
                        s.can_unload_now() == S_OK;
      if (!idle) {
        s.idle_since_ns = -1;
      } else if (s.idle_since_ns < 0 && delay_ns > 0) {
        s.idle_since_ns = now;  // unloads once it has been idle for the whole delay
      } else if (delay_ns == 0 || now - s.idle_since_ns >= delay_ns) {
        COMKIT_TRACE("activation", "unloading %s", s.path.c_str());
        unload.push_back(s.handle);
        it = t.servers.erase(it);
        continue;
      }
      ++it;
    }
  }
  for (void* h : unload) ::dlclose(h);
}

void STDAPICALLTYPE CoFreeUnusedLibraries() { CoFreeUnusedLibrariesEx(0xFFFFFFFF, 0); }

HRESULT STDAPICALLTYPE CoLockObjectExternal(LPUNKNOWN pUnk, BOOL fLock, BOOL fLastUnlockReleases) {
  (void)fLastUnlockReleases;  // in-process there is no stub whose references it could drop
  if (!pUnk) return E_INVALIDARG;
  if (fLock)
    pUnk->AddRef();
  else
    pUnk->Release();
  return S_OK;
}
