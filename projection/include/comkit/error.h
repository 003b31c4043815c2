// comkit/error.h - errors at the surface of the C++ projection and at its
// boundary with the ABI. Header-only; part of comkit::comkit.
//
// Above the ABI, a failed HRESULT is a comkit::hresult_error exception (with
// the thread's IErrorInfo fields), or, in builds without exceptions, a
// comkit::result<T> failure. At the ABI nothing unwinds: every method that
// user code implements follows one pattern,
//
//   HRESULT STDMETHODCALLTYPE Method(...) noexcept try {
//     ...;
//     return S_OK;
//   } catch (...) {
//     return comkit::detail::to_hresult();
//   }
//
// and to_hresult maps the exception in flight to an HRESULT, leaving its
// message in the thread's IErrorInfo for the caller.
#ifndef COMKIT_ERROR_H
#define COMKIT_ERROR_H

#include <comkit/abi/iid.h>
#include <comkit/abi/oleauto.h>
#include <comkit/detail/config.h>
#include <comkit/detail/utf.h>
#include <comkit/hresult.h>
#include <comkit/result.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include <version>
#if COMKIT_HAS_EXCEPTIONS
#include <exception>
#include <new>
#include <stdexcept>
#endif
#if defined(__cpp_lib_source_location)
#include <source_location>
#endif

namespace comkit {

#if defined(__cpp_lib_source_location)
using source_location = std::source_location;
#else
/// std::source_location for standard libraries that lack it under this
/// compiler (libstdc++ 12 with clang 14): the same interface, from the
/// compiler's builtins.
struct source_location {
  static constexpr source_location current(const char* file = __builtin_FILE(), unsigned line = __builtin_LINE(),
                                           const char* function = __builtin_FUNCTION()) noexcept {
    source_location l;
    l.m_file = file;
    l.m_line = line;
    l.m_function = function;
    return l;
  }
  constexpr const char* file_name() const noexcept { return m_file; }
  constexpr const char* function_name() const noexcept { return m_function; }
  constexpr std::uint_least32_t line() const noexcept { return m_line; }
  constexpr std::uint_least32_t column() const noexcept { return 0; }

 private:
  const char* m_file = "";
  const char* m_function = "";
  std::uint_least32_t m_line = 0;
};
#endif

namespace detail {

/// UTF-8 of a BSTR (by its length prefix); ill-formed text gives "".
inline std::string utf8_of(BSTR b) { return utf8_of(b, SysStringLen(b)); }  // utf.h has the other forms

/// Replaces the thread's error object with one describing `message` (UTF-8).
/// Best effort: without memory the slot is simply cleared.
inline void set_error_info(std::string_view message, std::string_view source = {}) noexcept {
  ICreateErrorInfo* create = nullptr;
  if (FAILED(CreateErrorInfo(&create))) {
    SetErrorInfo(0, nullptr);
    return;
  }
  auto set_text = [&](std::string_view text, HRESULT (STDMETHODCALLTYPE ICreateErrorInfo::*setter)(LPOLESTR)) {
    if (text.empty()) return;
    BSTR b = nullptr;
    if (SUCCEEDED(ComkitBstrFromUtf8(text.data(), text.size(), &b))) (create->*setter)(b);
    SysFreeString(b);
  };
  set_text(message, &ICreateErrorInfo::SetDescription);
  set_text(source, &ICreateErrorInfo::SetSource);
  IErrorInfo* info = nullptr;
  if (SUCCEEDED(create->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&info)))) {  // ABI: [out] as void**
    SetErrorInfo(0, info);
    info->Release();
  }
  create->Release();
}

}  // namespace detail

#if COMKIT_HAS_EXCEPTIONS

/// A failed HRESULT as an exception. Carries the code and, when the failing
/// call left one, the thread's IErrorInfo (description, source, help file and
/// context); message() falls back to the standard text of the code.
class hresult_error : public std::exception {
 public:
  /// An error for `code` with the standard message; takes no IErrorInfo.
  explicit hresult_error(HRESULT code, comkit::source_location where = comkit::source_location::current())
      : m_code(code), m_where(where) {
    m_message = hresult_message(code);
  }
  /// An error for `code` with `message` (UTF-8).
  hresult_error(HRESULT code, std::string message, comkit::source_location where = comkit::source_location::current())
      : m_code(code), m_message(std::move(message)), m_where(where) {}

  /// An error for `code` that takes over `info` (may be null): its fields
  /// become the error's; the reference is released with the error.
  static hresult_error from_error_info(HRESULT code, IErrorInfo* info,
                                       comkit::source_location where = comkit::source_location::current()) {
    hresult_error e(code, where);
    if (!info) return e;
    e.m_info = info;
    BSTR b = nullptr;
    if (SUCCEEDED(info->GetDescription(&b)) && b && SysStringLen(b) > 0) e.m_message = detail::utf8_of(b);
    SysFreeString(b);
    b = nullptr;
    if (SUCCEEDED(info->GetSource(&b))) e.m_source = detail::utf8_of(b);
    SysFreeString(b);
    b = nullptr;
    if (SUCCEEDED(info->GetHelpFile(&b))) e.m_help_file = detail::utf8_of(b);
    SysFreeString(b);
    DWORD context = 0;
    if (SUCCEEDED(info->GetHelpContext(&context))) e.m_help_context = context;
    return e;
  }

  hresult_error(const hresult_error& o)
      : std::exception(o), m_code(o.m_code), m_message(o.m_message), m_source(o.m_source),
        m_help_file(o.m_help_file), m_help_context(o.m_help_context), m_info(o.m_info), m_where(o.m_where) {
    if (m_info) m_info->AddRef();
  }
  hresult_error& operator=(const hresult_error& o) {
    if (this != &o) {
      hresult_error copy(o);
      swap(copy);
    }
    return *this;
  }
  ~hresult_error() override {
    if (m_info) m_info->Release();
  }

  HRESULT code() const noexcept { return m_code; }
  /// UTF-8: the IErrorInfo description, else the standard text of code().
  const std::string& message() const noexcept { return m_message; }
  const char* what() const noexcept override { return m_message.c_str(); }
  const std::string& source() const noexcept { return m_source; }
  const std::string& help_file() const noexcept { return m_help_file; }
  DWORD help_context() const noexcept { return m_help_context; }
  /// The error object the failing call left, if any (not AddRef'd).
  IErrorInfo* error_info() const noexcept { return m_info; }
  /// Where the error was raised (check_hresult's caller).
  const comkit::source_location& location() const noexcept { return m_where; }

  /// Puts this error back in the thread's error slot (at an ABI boundary):
  /// the original IErrorInfo when there is one, else a new one with message().
  void set_error_info() const noexcept {
    if (m_info)
      SetErrorInfo(0, m_info);
    else
      detail::set_error_info(m_message, m_source);
  }

 private:
  void swap(hresult_error& o) noexcept {
    std::swap(m_code, o.m_code);
    m_message.swap(o.m_message);
    m_source.swap(o.m_source);
    m_help_file.swap(o.m_help_file);
    std::swap(m_help_context, o.m_help_context);
    std::swap(m_info, o.m_info);
    std::swap(m_where, o.m_where);
  }

  HRESULT m_code;
  std::string m_message;
  std::string m_source;
  std::string m_help_file;
  DWORD m_help_context = 0;
  IErrorInfo* m_info = nullptr;  // owned reference
  comkit::source_location m_where;
};

/// Throws hresult_error for `hr`, taking the thread's IErrorInfo.
[[noreturn]] inline void throw_hresult(HRESULT hr, comkit::source_location where = comkit::source_location::current()) {
  IErrorInfo* info = nullptr;
  if (GetErrorInfo(0, &info) != S_OK) info = nullptr;
  throw hresult_error::from_error_info(hr, info, where);
}

/// Throws hresult_error when `hr` is a failure; returns `hr` otherwise (so
/// S_FALSE stays visible). Takes whatever the thread's error slot holds: use
/// it for API functions; for a method of an object, use the overloads below,
/// which ask the object first.
inline HRESULT check_hresult(HRESULT hr, comkit::source_location where = comkit::source_location::current()) {
  if (hr < 0) [[unlikely]]
    throw_hresult(hr, where);
  return hr;
}

#endif  // COMKIT_HAS_EXCEPTIONS

/// After a method of `object` (called through the interface whose IID is
/// `iid`, the one that declares the method) failed: the thread's error
/// object, AddRef'd, if `object` says through
/// ISupportErrorInfo::InterfaceSupportsErrorInfo(iid) that it reports errors
/// that way; else null. COM's rule: an error object the callee did not
/// promise may be stale, left by an earlier call. The thread's slot is
/// emptied either way, so a stale object cannot surface later. Never throws.
inline IErrorInfo* take_error_info(IUnknown* object, REFIID iid) noexcept {
  IErrorInfo* info = nullptr;
  // Take the slot before asking: QueryInterface must not be able to touch it.
  if (GetErrorInfo(0, &info) != S_OK || !info) return nullptr;
  ISupportErrorInfo* support = nullptr;
  bool trusted = false;
  if (object && SUCCEEDED(object->QueryInterface(IID_ISupportErrorInfo, reinterpret_cast<void**>(&support))) &&
      support) {  // ABI: [out] as void**
    trusted = support->InterfaceSupportsErrorInfo(iid) == S_OK;
    support->Release();
  }
  if (!trusted) {
    info->Release();
    return nullptr;
  }
  return info;
}

#if COMKIT_HAS_EXCEPTIONS

/// Throws hresult_error for `hr`, a failure of a method of `object` declared
/// by interface `iid`: with the thread's IErrorInfo only when the object
/// supports error info for that interface (take_error_info).
[[noreturn]] inline void throw_hresult(HRESULT hr, IUnknown* object, REFIID iid,
                                       comkit::source_location where = comkit::source_location::current()) {
  throw hresult_error::from_error_info(hr, take_error_info(object, iid), where);
}

/// check_hresult for a method call: `hr` came from a method that `object`
/// implements for interface `iid`. Throws hresult_error on failure, with the
/// IErrorInfo fields only when the object vouches for them.
inline HRESULT check_hresult(HRESULT hr, IUnknown* object, REFIID iid,
                             comkit::source_location where = comkit::source_location::current()) {
  if (hr < 0) [[unlikely]]
    throw_hresult(hr, object, iid, where);
  return hr;
}

/// check_hresult(hr, object, guid_of<I>()): for a method declared by I itself
/// (for a method inherited from a base, name the base).
template <typename I>
  requires has_iid<I>
inline HRESULT check_hresult(HRESULT hr, I* object, comkit::source_location where = comkit::source_location::current()) {
  if (hr < 0) [[unlikely]]
    throw_hresult(hr, object, guid_of<I>(), where);
  return hr;
}

namespace detail {

/// One map_exception registration. The registrations of a module (program
/// or shared library: the head is hidden, like module_lock_count) form a
/// singly linked list that only grows: map_exception publishes a fully built
/// node with a release CAS on the head; to_hresult walks from an acquire load
/// of the head. Nodes are never changed or freed after publication, so a
/// reader sees either the list before a push or after it, never a torn node;
/// concurrent pushes retry the CAS and all land (tests/projection:
/// ExceptionMapping.ConcurrentRegistrationAndTranslation, under TSan).
struct exception_mapping {
  const exception_mapping* next = nullptr;
  /// Inside a catch: the mapped HRESULT (error info set) when the exception
  /// in flight is this node's type, else S_OK.
  HRESULT (*translate)(const exception_mapping&) noexcept = nullptr;
  HRESULT code = E_FAIL;
  void (*describe)() = nullptr;  // std::string (*)(const E&), or null
};
COMKIT_IMPL_HIDDEN inline std::atomic<const exception_mapping*> exception_mappings{nullptr};

template <typename E>
HRESULT translate_exception(const exception_mapping& m) noexcept {
  try {
    throw;
  } catch (const E& e) {
    try {
      if (m.describe)
        set_error_info(reinterpret_cast<std::string (*)(const E&)>(m.describe)(e));  // ABI: stored by map_exception<E>
      else if constexpr (std::is_base_of_v<std::exception, E>)
        set_error_info(e.what());
      else
        set_error_info(hresult_message(m.code));
    } catch (...) {
      SetErrorInfo(0, nullptr);  // the description could not be built; the code still stands
    }
    return m.code;
  } catch (...) {
    return S_OK;
  }
}

inline void push_exception_mapping(exception_mapping* m) noexcept {
  const exception_mapping* head = exception_mappings.load(std::memory_order_relaxed);
  do {
    m->next = head;
  } while (!exception_mappings.compare_exchange_weak(head, m, std::memory_order_release, std::memory_order_relaxed));
}

}  // namespace detail

/// Maps exception type E, thrown by an implementation, to `code` (a failing
/// HRESULT) when it crosses the ABI (produce shims, to_hresult), with E's
/// what() as the IErrorInfo description when E is a std::exception, else the
/// standard text of `code`. Register once per module, typically at startup;
/// the newest registration for a type wins, and a registered type wins over
/// the built-in mapping of its std:: bases. An hresult_error keeps its own
/// code.
template <typename E>
void map_exception(HRESULT code) {
  if (code >= 0) throw std::invalid_argument("comkit::map_exception: the code must be a failing HRESULT");
  detail::push_exception_mapping(new detail::exception_mapping{nullptr, &detail::translate_exception<E>, code, nullptr});
}
/// The same, with the description made by `describe(e)` (UTF-8).
template <typename E>
void map_exception(HRESULT code, std::string (*describe)(const E&)) {
  if (code >= 0) throw std::invalid_argument("comkit::map_exception: the code must be a failing HRESULT");
  detail::push_exception_mapping(new detail::exception_mapping{
      nullptr, &detail::translate_exception<E>, code, reinterpret_cast<void (*)()>(describe)});  // ABI: cast back in translate
}

namespace detail {

/// Call only inside catch (...): maps the exception in flight to an HRESULT
/// and leaves its message in the thread's IErrorInfo. hresult_error keeps its
/// code; then the module's map_exception registrations, newest first; then
/// std::bad_alloc is E_OUTOFMEMORY; std::invalid_argument E_INVALIDARG;
/// std::out_of_range E_BOUNDS; any other exception E_FAIL.
inline HRESULT to_hresult() noexcept {
  try {
    throw;
  } catch (const hresult_error& e) {
    e.set_error_info();
    return e.code() < 0 ? e.code() : E_UNEXPECTED;  // a thrown success code must not pass for success
  } catch (...) {
  }
  for (const exception_mapping* m = exception_mappings.load(std::memory_order_acquire); m; m = m->next)
    if (const HRESULT hr = m->translate(*m); hr != S_OK) return hr;
  try {
    throw;
  } catch (const std::bad_alloc&) {
    SetErrorInfo(0, nullptr);
    return E_OUTOFMEMORY;
  } catch (const std::invalid_argument& e) {
    set_error_info(e.what());
    return E_INVALIDARG;
  } catch (const std::out_of_range& e) {
    set_error_info(e.what());
    return E_BOUNDS;
  } catch (const std::exception& e) {
    set_error_info(e.what());
    return E_FAIL;
  } catch (...) {
    set_error_info("unknown exception");
    return E_FAIL;
  }
}

}  // namespace detail

#endif  // COMKIT_HAS_EXCEPTIONS

namespace detail {

/// How a projection call reports failure; exactly two policies. Projected
/// functions return `error_policy::wrap<T>`: T itself when exceptions are on
/// (failures throw hresult_error), result<T> when they are off.
struct throwing_policy {
  template <typename T>
  using wrap = T;
#if COMKIT_HAS_EXCEPTIONS
  template <typename T>
  [[noreturn]] static T fail(HRESULT hr) {
    throw_hresult(hr);
  }
#endif
};

struct returning_policy {
  template <typename T>
  using wrap = result<T>;
  template <typename T>
  static result<T> fail(HRESULT hr) noexcept {
    return result<T>::failure(hr);
  }
};

#if COMKIT_HAS_EXCEPTIONS
using error_policy = throwing_policy;
#else
using error_policy = returning_policy;
#endif

}  // namespace detail
}  // namespace comkit

#endif  // COMKIT_ERROR_H
