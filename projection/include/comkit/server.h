// comkit/server.h - in-process servers in a few lines: class factories for
// implements<> classes that declare a CLSID, module lock counting, and one
// macro that exports DllGetClassObject, DllCanUnloadNow, DllRegisterServer
// and DllUnregisterServer for a list of classes. Header-only over libcomkit;
// part of comkit::comkit. docs/activation.md has a complete example.
//
//   struct calculator : comkit::implements<calculator, ICalculator> {
//     using coclass = Calculator;  // with a generated projection: all of the below from the IDL
//     // or, by hand:
//     static constexpr GUID clsid = comkit::make_guid("...");
//     static constexpr const char* progid = "Example.Calculator.1";               // optional
//     static constexpr const char* version_independent_progid = "Example.Calculator"; // optional
//     static constexpr const char* threading_model = "Both";                       // optional
//     static constexpr const char* description = "Example calculator";             // optional
//     ...
//   };
//   COMKIT_SERVER_EXPORTS(calculator)
#ifndef COMKIT_SERVER_H
#define COMKIT_SERVER_H

#include <comkit/abi/activation.h>
#include <comkit/abi/extensions.h>
#include <comkit/abi/oleauto.h>
#include <comkit/detail/utf.h>
#include <comkit/implements.h>

#include <climits>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

#if defined(__ELF__)
#include <dlfcn.h>
#endif

namespace comkit {

/// The class object of component class D: one static instance, whose
/// AddRef/Release do not count (so holding it does not keep the module
/// loaded: that is what LockServer is for).
template <typename D>
class COMKIT_IMPL_HIDDEN class_factory final : public IClassFactory {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) noexcept override {
    return detail::query_single<IClassFactory>(this, riid, ppv);  // its AddRef counts nothing
  }
  ULONG STDMETHODCALLTYPE AddRef() noexcept override { return 2; }
  ULONG STDMETHODCALLTYPE Release() noexcept override { return 1; }
  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown* outer, REFIID riid, void** ppv) noexcept override {
    return create_instance_of<D>(outer, riid, ppv);
  }
  HRESULT STDMETHODCALLTYPE LockServer(BOOL lock) noexcept override {
    if (lock)
      detail::module_lock();
    else
      detail::module_unlock();
    return S_OK;
  }

  static class_factory instance;
};
template <typename D>
class_factory<D> class_factory<D>::instance;

namespace detail {
/// A registration string of component class D: its own static member when
/// it has one, else what its IDL coclass says (which = 0 ProgID, 1
/// version-independent ProgID, 2 threading model, 3 description).
template <typename D>
constexpr const char* class_string(int which) {
  if (which == 0) {
    if constexpr (requires { D::progid; }) return D::progid;
    else if constexpr (requires { typename D::coclass; }) return coclass_traits<typename D::coclass>::progid;
  } else if (which == 1) {
    if constexpr (requires { D::version_independent_progid; }) return D::version_independent_progid;
    else if constexpr (requires { typename D::coclass; }) return coclass_traits<typename D::coclass>::version_independent_progid;
  } else if (which == 2) {
    if constexpr (requires { D::threading_model; }) return D::threading_model;
    else if constexpr (requires { typename D::coclass; }) return coclass_traits<typename D::coclass>::threading_model;
  } else {
    if constexpr (requires { D::description; }) return D::description;
    else if constexpr (requires { typename D::coclass; }) return coclass_traits<typename D::coclass>::description;
  }
  return nullptr;
}
/// The type library embedded in the module that contains `address`
/// (comkit_add_idl's EMBED_TYPELIB), and that module's full path; S_FALSE
/// when the module embeds none.
/// Hidden: each server's copy must read its own module's section.
COMKIT_IMPL_HIDDEN inline HRESULT module_typelib([[maybe_unused]] const void* address, ITypeLib** lib, [[maybe_unused]] std::u16string* path) noexcept {
  *lib = nullptr;
#if defined(__ELF__)
  if (!__start_comkit_typelib) return S_FALSE;
  Dl_info info{};
  if (!dladdr(address, &info) || !info.dli_fname) return E_FAIL;
  char full[PATH_MAX];
  if (!realpath(info.dli_fname, full)) return E_FAIL;
  *path = utf16_of(full);
  return LoadTypeLibEx(reinterpret_cast<LPCOLESTR>(path->c_str()), REGKIND_NONE, lib);
#else
  return S_FALSE;
#endif
}

/// Registers the type library embedded in the module containing `address`
/// under the module's path (S_OK when it embeds none), as ATL's servers do.
COMKIT_IMPL_HIDDEN inline HRESULT register_module_typelib(const void* address) noexcept {
  ITypeLib* lib = nullptr;
  std::u16string path;
  HRESULT hr = module_typelib(address, &lib, &path);
  if (hr == S_OK) {
    hr = RegisterTypeLib(lib, reinterpret_cast<LPCOLESTR>(path.c_str()), nullptr);
    lib->Release();
  }
  return FAILED(hr) ? hr : S_OK;
}
/// Removes that type library's registration (none is fine).
COMKIT_IMPL_HIDDEN inline void unregister_module_typelib(const void* address) noexcept {
  ITypeLib* lib = nullptr;
  std::u16string path;
  if (module_typelib(address, &lib, &path) != S_OK) return;
  TLIBATTR* attr = nullptr;
  if (SUCCEEDED(lib->GetLibAttr(&attr))) {
    (void)UnRegisterTypeLib(attr->guid, attr->wMajorVerNum, attr->wMinorVerNum, attr->lcid, attr->syskind);
    lib->ReleaseTLibAttr(attr);
  }
  lib->Release();
}
/// What ComkitRegisterServer/ComkitRegisterLocalServer are told of classes Ds.
template <typename... Ds>
struct class_registrations {
  COMKIT_CLASS_REGISTRATION entries[sizeof...(Ds)] = {
      {class_id<Ds>(), class_string<Ds>(0), class_string<Ds>(1), class_string<Ds>(2), class_string<Ds>(3)}...};
};

}  // namespace detail

/// The four entry points of an in-process server for classes Ds.
template <typename... Ds>
struct server {
  static_assert(sizeof...(Ds) > 0, "a server needs at least one class");
  static_assert((detail::counts_in_module<Ds>() && ...),
                "every server class declares `static constexpr GUID clsid` or names its coclass (`using coclass = C;`)");

  /// DllGetClassObject: the class object of clsid as riid, or
  /// CLASS_E_CLASSNOTAVAILABLE for a class this server does not have.
  static HRESULT get_class_object(REFCLSID clsid, REFIID riid, void** ppv) noexcept {
    if (!ppv) return E_POINTER;
    *ppv = nullptr;
    HRESULT hr = CLASS_E_CLASSNOTAVAILABLE;
    (void)((clsid == detail::class_id<Ds>() ? (hr = class_factory<Ds>::instance.QueryInterface(riid, ppv), true) : false) || ...);
    return hr;
  }
  /// DllCanUnloadNow: S_OK with no live component objects and no locks.
  static HRESULT can_unload_now() noexcept {
    return detail::module_lock_count.load(std::memory_order_acquire) == 0 ? S_OK : S_FALSE;
  }
  /// DllRegisterServer: writes this module's manifest (ComkitRegisterServer
  /// finds the module from its caller), and registers the type library the
  /// module embeds, if any (RegisterTypeLib under the module's path), as
  /// ATL's servers do.
  [[gnu::noinline]] static HRESULT register_server() noexcept {
    const detail::class_registrations<Ds...> classes;
    HRESULT hr = ComkitRegisterServer(nullptr, classes.entries, sizeof...(Ds), COMKIT_REGISTER_DEFAULT);
    __asm__ volatile("" ::: "memory");  // keeps the call above from becoming a tail call (see ComkitRegisterServer)
    if (FAILED(hr)) return hr;
    return detail::register_module_typelib(reinterpret_cast<const void*>(&get_class_object));
  }
  /// DllUnregisterServer: removes this module's manifest and its type
  /// library's registration.
  [[gnu::noinline]] static HRESULT unregister_server() noexcept {
    const HRESULT hr = ComkitUnregisterServer(nullptr, COMKIT_REGISTER_DEFAULT);
    __asm__ volatile("" ::: "memory");  // not a tail call, as above
    detail::unregister_module_typelib(reinterpret_cast<const void*>(&get_class_object));
    return hr == S_FALSE ? S_OK : hr;   // nothing registered is not an error
  }
};

/// main() of a local server (an executable serving classes Ds to other
/// processes, docs/local-servers.md):
///
///   int main(int argc, char** argv) { return comkit::local_server<calculator>::run(argc, argv); }
///
/// `-RegServer` (or `/RegServer`, `--register`) registers the executable
/// for Ds, and the type library it embeds; `-UnregServer` (`--unregister`)
/// removes both; anything else (`-Embedding`: COM started it) serves: the
/// class objects are registered for CLSCTX_LOCAL_SERVER (multiple use), and
/// run() returns 0 once the objects and locks the process handed out are all
/// gone (CoAddRefServerProcess/CoReleaseServerProcess count them). The
/// process's thread joins the multithreaded apartment; calls run on its
/// pool.
template <typename... Ds>
struct local_server {
  static_assert(sizeof...(Ds) > 0, "a server needs at least one class");
  static_assert((detail::counts_in_module<Ds>() && ...),
                "every server class declares `static constexpr GUID clsid` or names its coclass (`using coclass = C;`)");

  static int run(int argc, char** argv) noexcept {
    std::string_view a = argc > 1 && argv[1] ? argv[1] : "";
    while (!a.empty() && (a.front() == '-' || a.front() == '/')) a.remove_prefix(1);
    auto is = [&](std::string_view word) {
      if (a.size() != word.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i)
        if ((a[i] | 0x20) != word[i]) return false;
      return true;
    };
    if (is("regserver") || is("register")) return FAILED(register_server()) ? 1 : 0;
    if (is("unregserver") || is("unregister")) return FAILED(unregister_server()) ? 1 : 0;
    return serve();
  }

  static HRESULT register_server() noexcept {
    const detail::class_registrations<Ds...> classes;
    const HRESULT hr = ComkitRegisterLocalServer(nullptr, classes.entries, sizeof...(Ds), COMKIT_REGISTER_DEFAULT);
    if (FAILED(hr)) return hr;
    return detail::register_module_typelib(reinterpret_cast<const void*>(&serve));
  }

  static HRESULT unregister_server() noexcept {
    detail::unregister_module_typelib(reinterpret_cast<const void*>(&serve));
    // The manifest names this executable (ComkitRegisterLocalServer(NULL)
    // resolved /proc/self/exe too).
    char self[PATH_MAX];
    if (!realpath("/proc/self/exe", self)) return E_FAIL;
    const HRESULT hr = ComkitUnregisterServer(self, COMKIT_REGISTER_DEFAULT);
    return hr == S_FALSE ? S_OK : hr;
  }

 private:
  struct state {
    std::mutex lock;
    std::condition_variable idle;
    bool done = false;
  };
  static state& shared() noexcept {
    static state s;
    return s;
  }
  static void count_changed(bool up) noexcept {
    if (up) {
      CoAddRefServerProcess();
      return;
    }
    if (CoReleaseServerProcess() != 0) return;  // at 0 the class objects are suspended: no new activations
    state& s = shared();
    std::lock_guard g(s.lock);
    s.done = true;
    s.idle.notify_all();
  }
  static int serve() noexcept {
    if (FAILED(CoInitializeEx(nullptr, COINIT_MULTITHREADED))) return 1;
    detail::module_count_changed.store(&count_changed, std::memory_order_release);
    DWORD cookies[sizeof...(Ds)] = {};
    std::size_t n = 0;
    HRESULT hr = S_OK;
    // Suspended until all are registered, then published at once.
    ((SUCCEEDED(hr) ? (hr = CoRegisterClassObject(detail::class_id<Ds>(), &class_factory<Ds>::instance,
                                                  CLSCTX_LOCAL_SERVER, REGCLS_MULTIPLEUSE | REGCLS_SUSPENDED,
                                                  &cookies[n]),
                       SUCCEEDED(hr) ? ++n : n)
                    : n),
     ...);
    if (SUCCEEDED(hr)) hr = CoResumeClassObjects();
    if (SUCCEEDED(hr)) {
      state& s = shared();
      std::unique_lock l(s.lock);
      s.idle.wait(l, [&] { return s.done; });
    }
    for (std::size_t i = 0; i < n; ++i) CoRevokeClassObject(cookies[i]);
    CoUninitialize();
    return SUCCEEDED(hr) ? 0 : 1;
  }
};

}  // namespace comkit

/// Defines the four exported entry points of an in-process server for the
/// listed component classes. Use once per shared library, at global scope.
#define COMKIT_SERVER_EXPORTS(...)                                                                    \
  EXTERN_C COMKIT_API HRESULT STDAPICALLTYPE DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID* ppv) { \
    return ::comkit::server<__VA_ARGS__>::get_class_object(rclsid, riid, ppv);                       \
  }                                                                                                   \
  EXTERN_C COMKIT_API HRESULT STDAPICALLTYPE DllCanUnloadNow() {                                      \
    return ::comkit::server<__VA_ARGS__>::can_unload_now();                                          \
  }                                                                                                   \
  EXTERN_C COMKIT_API HRESULT STDAPICALLTYPE DllRegisterServer() {                                    \
    return ::comkit::server<__VA_ARGS__>::register_server();                                         \
  }                                                                                                   \
  EXTERN_C COMKIT_API HRESULT STDAPICALLTYPE DllUnregisterServer() {                                  \
    return ::comkit::server<__VA_ARGS__>::unregister_server();                                       \
  }

#endif  // COMKIT_SERVER_H
