// runtime/activation/activation.cpp - finding and creating objects by CLSID:
// class objects registered by the running program (CoRegisterClassObject),
// then in-process servers found through the registry and loaded with
// dlopen. Also the ProgID functions and CoFreeUnusedLibraries.
//
// Locking: the table of registered class objects has its own mutex and an
// atomic count, so activations skip it entirely while it is empty. The class
// factories of loaded servers are read without locks (read-copy-update,
// below): loading and unloading serialise on a mutex, and unloading waits
// until no activation can still be inside the server's code.
#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <unordered_map>
#include <vector>

#include <comkit/abi/extensions.h>
#include <comkit/detail/utf.h>

#include "activation/activation_internal.h"
#include "common/atomic_file.h"
#include "common/clock.h"
#include "marshal/marshal_internal.h"
#include "marshal/peer.h"
#include "registry/registry_internal.h"
#include "sync/sync_internal.h"
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
  ::comkit::rt::apartment* home;  // the registering apartment (one reference): where activations from other processes run
  bool published = false;         // its rendezvous file names this process
  apartment_id apartment() const noexcept { return apartment_id_of(home); }
};

struct class_table {
  std::recursive_mutex lock;
  std::vector<class_registration> entries;  // guarded by lock
  DWORD next_cookie = 1;                    // guarded by lock
  std::atomic<int> count{0};                // entries.size(), readable without the lock
};

class_table& classes() noexcept {
  static class_table* t = new class_table;  // never destroyed: revoked objects may be released late
  return *t;
}

// ---- Local servers: the rendezvous --------------------------------------------------------------
// A class object registered for CLSCTX_LOCAL_SERVER, while it can be handed
// out (not suspended, not a used single-use one, the process not stopping),
// is published as RENDEZVOUS/class-{CLSID} holding "PID NONCE\n" (the nonce
// in hex): other processes of the user read it and connect to PID. The
// file is replaced atomically; the last process to publish a CLSID wins, and
// a process removes only a file that still names it.

std::atomic<long> g_server_refs{0};     // CoAddRefServerProcess
std::atomic<bool> g_stopping{false};    // CoReleaseServerProcess reached 0

std::string class_file(const GUID& clsid) {
  const std::string& dir = rendezvous_dir();
  return dir.empty() ? std::string() : dir + "/class-" + comkit::detail::guid_to_string(clsid);
}

std::string nonce_text(const unsigned char* n) {
  char hex[17];
  for (int i = 0; i < 8; ++i) std::snprintf(hex + 2 * i, 3, "%02x", n[i]);
  return std::string(hex, 16);
}

// The process a class file names; false when there is none or it is not ours to read.
bool read_class_file(const std::string& path, std::uint32_t* pid, unsigned char* nonce) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  char text[64] = {};
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) return false;
  unsigned long p = 0;
  char hex[17] = {};
  if (std::sscanf(text, "%lu %16[0-9a-f]", &p, hex) != 2 || std::strlen(hex) != 16 || p == 0 || p > 0x7FFFFFFF) return false;
  for (int i = 0; i < 8; ++i) {
    unsigned v = 0;
    std::sscanf(hex + 2 * i, "%2x", &v);
    nonce[i] = static_cast<unsigned char>(v);
  }
  *pid = static_cast<std::uint32_t>(p);
  return true;
}

bool names_this_process(const std::string& path) {
  std::uint32_t pid = 0;
  unsigned char nonce[8];
  return read_class_file(path, &pid, nonce) && pid == static_cast<std::uint32_t>(::getpid()) &&
         std::memcmp(nonce, process_nonce(), 8) == 0;
}

// (table lock held)
void publish(class_registration& r) noexcept {
  if (r.published || !(r.contexts & CLSCTX_LOCAL_SERVER) || r.suspended || r.used || g_stopping.load()) return;
  try {
    const std::string path = class_file(r.clsid);
    if (path.empty() || FAILED(peer_listen())) return;
    const std::string text = std::to_string(::getpid()) + " " + nonce_text(process_nonce()) + "\n";
    if (common::write_file_atomically(path, text, false) == 0) r.published = true;
  } catch (...) {
  }
}

// (table lock held)
void unpublish(class_registration& r) noexcept {
  if (!r.published) return;
  r.published = false;
  try {
    const std::string path = class_file(r.clsid);
    if (names_this_process(path)) ::unlink(path.c_str());
  } catch (...) {
  }
}

/// Whether registration r serves a request for `contexts` from `apartment`:
/// in-process registrations serve their own apartment only, local-server
/// ones every thread (as Windows).
bool serves(const class_registration& r, DWORD contexts, apartment_id apartment) noexcept {
  const DWORD common = r.contexts & contexts;
  if (!common) return false;
  return (common & CLSCTX_LOCAL_SERVER) || r.apartment() == apartment;
}

/// The registered class object for clsid in one of `contexts`, AddRef'd, or
/// null. Marks single-use objects used.
IUnknown* find_registered(const GUID& clsid, DWORD contexts) {
  class_table& t = classes();
  if (t.count.load(std::memory_order_acquire) == 0) return nullptr;
  const apartment_id here = apartment_current();
  std::lock_guard<std::recursive_mutex> guard(t.lock);
  for (class_registration& r : t.entries) {
    if (r.clsid != clsid || !serves(r, contexts, here) || r.suspended || r.used) continue;
    if ((r.flags & (REGCLS_MULTIPLEUSE | REGCLS_MULTI_SEPARATE)) == 0) {  // REGCLS_SINGLEUSE
      r.used = true;
      unpublish(r);
    }
    r.object->AddRef();
    return r.object;
  }
  return nullptr;
}

void release_all(std::vector<IUnknown*>& objects) noexcept {
  for (IUnknown* o : objects) o->Release();  // outside the table lock: Release may call back into COM
}

// ---- Local servers: the client's side --------------------------------------------------------

constexpr HRESULT server_unavailable = HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE);

// Activation through the process the class's rendezvous file names.
HRESULT activate_running(const GUID& clsid, const IID& iid, DWORD mode, void** ppv) noexcept {
  std::uint32_t pid = 0;
  unsigned char nonce[8];
  try {
    const std::string path = class_file(clsid);
    if (path.empty() || !read_class_file(path, &pid, nonce)) return REGDB_E_CLASSNOTREG;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
  if (pid == static_cast<std::uint32_t>(::getpid())) return REGDB_E_CLASSNOTREG;  // ours, and not found above
  peer* p = nullptr;
  if (HRESULT hr = peer_connect(pid, nonce, &p); FAILED(hr)) return hr;
  const HRESULT hr = remote_activate(p, clsid, iid, mode, ppv);
  peer_release(p);
  return hr;
}

long long start_timeout_ms() noexcept {
  if (const char* t = std::getenv("COMKIT_SERVER_START_TIMEOUT_MS"); t && *t) {
    const long long v = std::atoll(t);
    if (v > 0) return v;
  }
  return 4000;
}

// Starts the class's registered local server (one launch at a time per
// class, across processes: a lock file) and waits until a process serves
// the class: S_OK, REGDB_E_CLASSNOTREG when no local server is registered,
// CO_E_SERVER_EXEC_FAILURE when it cannot be started, exits first or does
// not register the class in time.
HRESULT start_local_server(const GUID& clsid) noexcept {
  try {
    std::string exe;
    {
      const registry_view view;
      const registered_class* c = view->find(clsid);
      if (!c || !c->local_server) return REGDB_E_CLASSNOTREG;
      exe = c->server_path;
    }
    const std::string file = class_file(clsid);
    if (file.empty()) return CO_E_SERVER_EXEC_FAILURE;
    const std::string lock_path = rendezvous_dir() + "/launch-" + comkit::detail::guid_to_string(clsid) + ".lock";
    const int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock < 0) return CO_E_SERVER_EXEC_FAILURE;
    struct unlock_at_end {
      int fd;
      ~unlock_at_end() { ::close(fd); }  // closing drops the flock
    } unlock{lock};
    while (::flock(lock, LOCK_EX) != 0)
      if (errno != EINTR) return CO_E_SERVER_EXEC_FAILURE;
    // Another client may have started it while this one waited for the lock.
    auto reachable = [&] {
      std::uint32_t pid = 0;
      unsigned char nonce[8];
      if (!read_class_file(file, &pid, nonce)) return false;
      peer* p = nullptr;
      if (FAILED(peer_connect(pid, nonce, &p))) return false;
      peer_release(p);
      return true;
    };
    if (reachable()) return S_OK;
    std::string embedding = "-Embedding";
    char* argv[] = {exe.data(), embedding.data(), nullptr};
    pid_t child = 0;
    if (const int err = ::posix_spawn(&child, exe.c_str(), nullptr, nullptr, argv, environ); err != 0) {
      COMKIT_WARN("activation", "cannot start local server %s: %s", exe.c_str(), std::strerror(err));
      return CO_E_SERVER_EXEC_FAILURE;
    }
    COMKIT_TRACE("activation", "started local server %s -Embedding (pid %d)", exe.c_str(), static_cast<int>(child));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(start_timeout_ms());
    for (;;) {
      int status = 0;
      if (::waitpid(child, &status, WNOHANG) == child) {
        COMKIT_WARN("activation", "local server %s exited before registering %s (%s %d)", exe.c_str(),
                    comkit::detail::guid_to_string(clsid).c_str(), WIFEXITED(status) ? "status" : "signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return CO_E_SERVER_EXEC_FAILURE;
      }
      if (reachable()) break;
      if (std::chrono::steady_clock::now() >= deadline) {
        COMKIT_WARN("activation", "local server %s did not register %s in %lld ms", exe.c_str(),
                    comkit::detail::guid_to_string(clsid).c_str(), start_timeout_ms());
        std::thread([child] { ::waitpid(child, nullptr, 0); }).detach();
        return CO_E_SERVER_EXEC_FAILURE;
      }
      ::usleep(2000);
    }
    // The server is this process's child: reap it when it ends.
    std::thread([child] { ::waitpid(child, nullptr, 0); }).detach();
    return S_OK;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

/// Activation with CLSCTX_LOCAL_SERVER once nothing in this process serves
/// the class: a running server, else the registered one started now.
HRESULT activate_local_server(const GUID& clsid, const IID& iid, DWORD mode, void** ppv) noexcept {
  HRESULT hr = activate_running(clsid, iid, mode, ppv);
  if (hr != REGDB_E_CLASSNOTREG && hr != server_unavailable && hr != CO_E_SERVER_STOPPING) return hr;
  const HRESULT started = start_local_server(clsid);
  if (FAILED(started)) return started == REGDB_E_CLASSNOTREG && hr == CO_E_SERVER_STOPPING ? hr : started;
  hr = activate_running(clsid, iid, mode, ppv);
  return hr == server_unavailable ? CO_E_SERVER_EXEC_FAILURE : hr;
}

// ---- In-process servers --------------------------------------------------------------

struct loaded_server {
  std::string path;
  void* handle = nullptr;
  LPFNGETCLASSOBJECT get_class_object = nullptr;
  LPFNCANUNLOADNOW can_unload_now = nullptr;
  long long idle_since_ns = -1;  // when DllCanUnloadNow first said S_OK, -1 if it has not
  bool free_threaded = false;    // its classes are Free, Both or Neutral: unloaded with a delay
};

struct cached_factory {
  IClassFactory* factory;  // one reference held by the map
  loaded_server* server;
  std::uint64_t generation;  // the registry snapshot it was resolved from
};

/// The class factories of loaded servers by CLSID. Immutable once
/// published: a change publishes a new map (read-copy-update).
using factory_map = std::unordered_map<GUID, cached_factory, comkit::detail::guid_hash>;

// ---- Readers without locks -------------------------------------------------------------
//
// An activation reads the published factory map and calls CreateInstance
// inside a read section (sync_internal.h): nothing it reads can be freed,
// nor its server unloaded, until it leaves. A writer that replaces the map
// waits (sync_wait_for_readers) until every thread that might still hold the
// old map has left its section; only then does it release the old map's
// factories and unload servers.

struct server_table {
  std::recursive_mutex lock;  // serialises writers; recursive: DllGetClassObject may activate objects
  std::unordered_map<std::string, std::unique_ptr<loaded_server>> servers;  // guarded by lock
  std::atomic<const factory_map*> map{nullptr};                             // written under lock
  std::vector<const factory_map*> retired;  // guarded by lock; replaced maps, freed after a grace period
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

/// The class factory of clsid from the published map, valid until the
/// caller's read section ends (not AddRef'd); null if not there.
IClassFactory* cached_factory_for(const GUID& clsid, std::uint64_t generation) noexcept {
  const factory_map* m = servers().map.load(std::memory_order_seq_cst);  // seq_cst: the read-section protocol
  if (!m) return nullptr;
  const auto it = m->find(clsid);
  return it != m->end() && it->second.generation == generation ? it->second.factory : nullptr;
}

/// Loads clsid's server if needed, asks it for the class factory, publishes
/// a map that has it and returns it in *out. Called inside the caller's read
/// section, which keeps *out valid until the section ends (writers take this
/// lock only briefly and never wait for readers while holding it).
HRESULT publish_factory(const GUID& clsid, const registered_class& reg, std::uint64_t generation,
                        IClassFactory** out) {
  server_table& t = servers();
  std::lock_guard<std::recursive_mutex> guard(t.lock);
  const factory_map* old = t.map.load(std::memory_order_relaxed);
  if (old)
    if (auto it = old->find(clsid); it != old->end() && it->second.generation == generation) {
      *out = it->second.factory;  // another thread published it first
      return S_OK;
    }
  loaded_server* server = nullptr;
  if (HRESULT hr = load_server(t, reg.server_path, reg.threading_model, server); FAILED(hr)) return hr;
  IClassFactory* factory = nullptr;
  const HRESULT hr = server->get_class_object(clsid, IID_IClassFactory, reinterpret_cast<void**>(&factory));
  if (FAILED(hr) || !factory) {
    COMKIT_WARN("activation", "DllGetClassObject of %s failed for %s: 0x%08x", reg.server_path.c_str(),
                comkit::detail::guid_to_string(clsid).c_str(), static_cast<unsigned>(hr));
    return FAILED(hr) ? hr : E_UNEXPECTED;
  }
  server->idle_since_ns = -1;
  // DllGetClassObject may have activated objects itself and published maps
  // meanwhile (the lock is recursive): build on the current one.
  old = t.map.load(std::memory_order_relaxed);
  if (old)
    if (auto it = old->find(clsid); it != old->end() && it->second.generation == generation) {
      factory->Release();
      *out = it->second.factory;
      return S_OK;
    }
  auto next = std::make_unique<factory_map>(old ? *old : factory_map{});
  // An entry from an older registry snapshot stays referenced by `old`,
  // which keeps its factory until the retired maps are released.
  (*next)[clsid] = cached_factory{factory, server, generation};
  *out = factory;
  if (old) {
    for (auto& [id, entry] : *next)
      if (id != clsid) entry.factory->AddRef();  // the new map's own references
    t.retired.push_back(old);
  }
  t.map.store(next.release(), std::memory_order_seq_cst);
  return S_OK;
}


HRESULT check_contexts(DWORD contexts) noexcept { return (contexts & server_contexts) ? S_OK : E_INVALIDARG; }

/// The class object of clsid for the given contexts: a registered class
/// object, or the class factory of its in-process server. `use` is called
/// with it (not AddRef'd) inside a read section, so the server cannot be
/// unloaded until `use` returns.
template <typename Use>
HRESULT with_class_object(const GUID& clsid, DWORD contexts, Use&& use) noexcept {
  try {
    if (IUnknown* registered = find_registered(clsid, contexts)) {
      const HRESULT hr = use(registered, static_cast<IClassFactory*>(nullptr));
      registered->Release();
      return hr;
    }
    if (contexts & inproc_contexts)
      if (IClassFactory* builtin = builtin_class_factory(clsid)) return use(builtin, builtin);
    // One read section for the whole lookup, load included: the snapshot
    // stays valid, and once this thread has a factory from a published map,
    // no unload can release it before `use` returns.
    const registry_view view;
    const registry_snapshot& reg = *view;
    if (!(contexts & inproc_contexts)) return REGDB_E_CLASSNOTREG;  // a local server's (the caller's next step)
    if (IClassFactory* f = cached_factory_for(clsid, reg.generation())) return use(f, f);
    const registered_class* c = reg.find(clsid);
    if (!c || c->local_server) return REGDB_E_CLASSNOTREG;
    IClassFactory* f = nullptr;
    if (HRESULT hr = publish_factory(clsid, *c, reg.generation(), &f); FAILED(hr)) return hr;
    return use(f, f);
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}


// An apartment that ends takes its class objects with it.
void activation_apartment_gone(apartment_id apartment) noexcept {
  std::vector<IUnknown*> revoked;
  try {
    class_table& t = classes();
    std::lock_guard<std::recursive_mutex> guard(t.lock);
    std::erase_if(t.entries, [&](class_registration& r) {
      if (r.apartment() != apartment) return false;
      unpublish(r);
      revoked.push_back(r.object);
      apartment_release(r.home);
      return true;
    });
    t.count.store(static_cast<int>(t.entries.size()), std::memory_order_release);
  } catch (...) {
  }
  release_all(revoked);
}

[[maybe_unused]] const bool listening = (apartment_add_listener(&activation_apartment_gone), true);

}  // namespace

HRESULT activation_local_class(const CLSID& clsid, IUnknown** object, apartment** home) noexcept {
  class_table& t = classes();
  std::lock_guard<std::recursive_mutex> guard(t.lock);
  if (g_stopping.load(std::memory_order_acquire)) return CO_E_SERVER_STOPPING;
  for (class_registration& r : t.entries) {
    if (r.clsid != clsid || !(r.contexts & CLSCTX_LOCAL_SERVER) || r.suspended || r.used) continue;
    if ((r.flags & (REGCLS_MULTIPLEUSE | REGCLS_MULTI_SEPARATE)) == 0) {  // REGCLS_SINGLEUSE: this once
      r.used = true;
      unpublish(r);
    }
    r.object->AddRef();
    *object = r.object;
    apartment_addref(r.home);
    *home = r.home;
    return S_OK;
  }
  return REGDB_E_CLASSNOTREG;
}

/// CLSIDFromString's ProgID form (guid.cpp).
HRESULT activation_clsid_from_progid(LPCOLESTR progid, CLSID* out) noexcept {
  try {
    const std::string name = detail::utf8_of(progid);
    const registry_view reg;
    const registered_class* c = name.empty() ? nullptr : reg->find_progid(name);
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
    std::lock_guard<std::recursive_mutex> guard(t.lock);
    for (const class_registration& r : t.entries)
      if (r.clsid == *clsid && r.apartment() == here && (r.contexts & contexts)) return CO_E_OBJISREG;
    apartment* home = apartment_acquire_current();
    if (!home) return CO_E_NOTINITIALIZED;
    DWORD cookie = t.next_cookie++;
    if (cookie == 0) cookie = t.next_cookie++;  // wrapped: 0 is never a cookie
    try {
      t.entries.push_back(
          class_registration{cookie, *clsid, pUnk, contexts, flags, (flags & REGCLS_SUSPENDED) != 0, false, home});
    } catch (...) {
      apartment_release(home);
      throw;
    }
    pUnk->AddRef();
    publish(t.entries.back());
    t.count.store(static_cast<int>(t.entries.size()), std::memory_order_release);
    *lpdwRegister = cookie;
    return S_OK;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

HRESULT STDAPICALLTYPE CoRevokeClassObject(DWORD dwRegister) {
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  IUnknown* object = nullptr;
  {
    class_table& t = classes();
    std::lock_guard<std::recursive_mutex> guard(t.lock);
    const auto it = std::find_if(t.entries.begin(), t.entries.end(),
                                 [&](const class_registration& r) { return r.cookie == dwRegister; });
    if (it == t.entries.end()) return E_INVALIDARG;
    if (it->apartment() != mta_apartment && it->apartment() != apartment_current()) return RPC_E_WRONG_THREAD;
    object = it->object;
    unpublish(*it);
    apartment_release(it->home);
    t.entries.erase(it);
    t.count.store(static_cast<int>(t.entries.size()), std::memory_order_release);
  }
  object->Release();
  return S_OK;
}

HRESULT STDAPICALLTYPE CoResumeClassObjects() {
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  class_table& t = classes();
  std::lock_guard<std::recursive_mutex> guard(t.lock);
  for (class_registration& r : t.entries) {
    r.suspended = false;
    publish(r);
  }
  return S_OK;
}

HRESULT STDAPICALLTYPE CoSuspendClassObjects() {
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  class_table& t = classes();
  std::lock_guard<std::recursive_mutex> guard(t.lock);
  for (class_registration& r : t.entries) {
    r.suspended = true;
    unpublish(r);
  }
  return S_OK;
}

ULONG STDAPICALLTYPE CoAddRefServerProcess() {
  return static_cast<ULONG>(g_server_refs.fetch_add(1, std::memory_order_acq_rel) + 1);
}

ULONG STDAPICALLTYPE CoReleaseServerProcess() {
  long n = g_server_refs.load(std::memory_order_acquire);
  do {
    if (n == 0) return 0;  // unbalanced: stays at 0
  } while (!g_server_refs.compare_exchange_weak(n, n - 1, std::memory_order_acq_rel));
  if (n - 1 != 0) return static_cast<ULONG>(n - 1);
  // The last reference: no new activation may reach this process (Windows
  // suspends the class objects under the same lock as the count).
  class_table& t = classes();
  std::lock_guard<std::recursive_mutex> guard(t.lock);
  if (g_server_refs.load(std::memory_order_acquire) != 0) return static_cast<ULONG>(g_server_refs.load());
  g_stopping.store(true, std::memory_order_release);
  for (class_registration& r : t.entries) {
    r.suspended = true;
    unpublish(r);
  }
  return 0;
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
  // IClassFactory::LockServer is for), as on Windows.
  const IID* iid = nullable(&riid);
  if (!iid) return E_INVALIDARG;
  HRESULT hr = with_class_object(*clsid, dwClsContext,
                                 [&](IUnknown* object, IClassFactory*) { return object->QueryInterface(*iid, ppv); });
  if (hr == REGDB_E_CLASSNOTREG && (dwClsContext & CLSCTX_LOCAL_SERVER))
    hr = activate_local_server(*clsid, *iid, 1, ppv);
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
  HRESULT hr = with_class_object(*clsid, dwClsContext, [&](IUnknown* object, IClassFactory* factory) {
    if (factory) return factory->CreateInstance(pUnkOuter, riid, ppv);  // the server's cached class factory
    IClassFactory* f = nullptr;
    if (HRESULT qi = object->QueryInterface(IID_IClassFactory, reinterpret_cast<void**>(&f)); FAILED(qi)) return qi;
    const HRESULT created = f->CreateInstance(pUnkOuter, riid, ppv);
    f->Release();
    return created;
  });
  if (hr == REGDB_E_CLASSNOTREG && (dwClsContext & CLSCTX_LOCAL_SERVER)) {
    const IID* iid = nullable(&riid);
    if (!iid) return E_INVALIDARG;
    // An object in another process cannot be aggregated.
    hr = pUnkOuter ? CLASS_E_NOAGGREGATION : activate_local_server(*clsid, *iid, 0, ppv);
  }
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
    const registry_view reg;
    const registered_class* c = reg->find(*id);
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
  // Called from inside an activation (a CreateInstance), waiting for readers
  // would wait for this very thread: nothing can be unloaded now.
  if (sync_in_read_section()) return;
  server_table& t = servers();
  // 1. Publish an empty map, so new activations go back to DllGetClassObject.
  std::vector<const factory_map*> garbage;
  {
    std::lock_guard<std::recursive_mutex> guard(t.lock);
    if (const factory_map* old = t.map.exchange(nullptr, std::memory_order_seq_cst)) garbage.push_back(old);
    garbage.insert(garbage.end(), t.retired.begin(), t.retired.end());
    t.retired.clear();
  }
  // 2. Once no reader can still hold them, drop those maps' factory
  //    references (a server may count them). No lock: Release may call COM.
  sync_wait_for_readers();
  registry_reclaim();
  for (const factory_map* m : garbage) {
    for (const auto& entry : *m) entry.second.factory->Release();
    delete m;
  }
  // 3. Unload idle servers that no map published since step 1 refers to.
  std::vector<void*> unload;
  {
    std::lock_guard<std::recursive_mutex> guard(t.lock);
    const factory_map* now_map = t.map.load(std::memory_order_relaxed);
    const long long now = comkit::common::monotonic_ns();
    for (auto it = t.servers.begin(); it != t.servers.end();) {
      loaded_server& s = *it->second;
      const long long delay_ns = delay_for(s);
      const bool referenced = now_map && std::any_of(now_map->begin(), now_map->end(),
                                                     [&](const auto& f) { return f.second.server == &s; });
      const bool idle = !referenced && s.can_unload_now && s.can_unload_now() == S_OK;
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
