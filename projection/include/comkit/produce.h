// comkit/produce.h - what the producing half of a generated projection
// header (`comkit idl`, <base>_projection.h) is written against. Users
// include the generated header, not this one; docs/projection.md has the
// mapping.
//
// For each interface I, the generated header specializes
// comkit::produce<D, I> (declared in implements.h): a class derived from I
// whose ABI methods, one per vtable slot,
//   1. call D's raw ABI method instead when D has one (`HRESULT Add(double,
//      double, double*)`), method by method;
//   2. else check the out-pointers (E_POINTER) and clear them, wrap the [in]
//      arguments in the forms below, call D's idiomatic member (`double
//      Add(double, double)`), and store what it returns through produce_call.
// implements<D, I> then holds the produce object as a member (producer<D, I>)
// instead of deriving from I, so D's `void Reset()` never meets I's virtual
// `HRESULT Reset()`.
//
// What D's members receive for [in] parameters (each converts to the forms a
// user is likely to declare):
//   BSTR, LPCOLESTR, [string] const OLECHAR*  string_arg: std::u16string_view
//                                             (no copy), std::string_view
//                                             (UTF-8), std::u16string,
//                                             std::string, const OLECHAR*
//   I*                                        interface_arg<I>: I*, com_ptr<I>
//   VARIANT                                   variant_arg: const VARIANT&,
//                                             comkit::variant (a copy)
// and what they may return: T, or comkit::result<T> (for builds without
// exceptions, or to fail without throwing).
#ifndef COMKIT_PRODUCE_H
#define COMKIT_PRODUCE_H

#include <comkit/abi/combase.h>
#include <comkit/bstr.h>
#include <comkit/com_ptr.h>
#include <comkit/error.h>
#include <comkit/implements.h>
#include <comkit/result.h>
#include <comkit/variant.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace comkit::detail {

// ---- [in] arguments as D receives them ------------------------------------------

/// An [in] string: a view of the caller's UTF-16 (a BSTR by its length
/// prefix, a NUL-terminated string by its terminator; NULL is ""), converted
/// to what D's parameter asks for. The UTF-8 form is made once per call and
/// lives as long as this argument (the call's full expression).
class string_arg {
 public:
  string_arg(const OLECHAR* p, std::size_t n) noexcept : m_p(p), m_n(p ? n : 0) {}
  static string_arg of_bstr(BSTR b) noexcept { return string_arg(b, SysStringLen(b)); }
  static string_arg of_terminated(const OLECHAR* p) noexcept {
    return string_arg(p, p ? std::char_traits<char16_t>::length(reinterpret_cast<const char16_t*>(p)) : 0);
  }

  std::u16string_view view() const noexcept {
    return m_p ? std::u16string_view(reinterpret_cast<const char16_t*>(m_p), m_n) : std::u16string_view();  // ABI: OLECHAR is UTF-16
  }
  operator std::u16string_view() const noexcept { return view(); }
  operator std::u16string() const { return std::u16string(view()); }
  operator std::string_view() const {
    if (!m_utf8) m_utf8 = utf8_of(view().data(), view().size());
    return *m_utf8;
  }
  operator std::string() const { return std::string(static_cast<std::string_view>(*this)); }
  /// The caller's pointer (may be NULL).
  operator const OLECHAR*() const noexcept { return m_p; }
  operator bstr() const { return bstr(view()); }

 private:
  const OLECHAR* m_p;
  std::size_t m_n;
  mutable std::optional<std::string> m_utf8;
};

/// An [in] interface pointer, borrowed for the call: as I* (no AddRef) or
/// as a com_ptr<I> (one AddRef, to keep it).
template <typename I>
class interface_arg {
 public:
  explicit interface_arg(I* p) noexcept : m_p(p) {}
  operator I*() const noexcept { return m_p; }
  operator com_ptr<I>() const noexcept { return com_ptr<I>(m_p); }

 private:
  I* m_p;
};

/// An [in] VARIANT: the caller's, as const VARIANT& (no copy) or as a
/// comkit::variant (a deep copy).
class variant_arg {
 public:
  explicit variant_arg(const VARIANT& v) noexcept : m_v(v) {}
  operator const VARIANT&() const noexcept { return m_v; }
  operator variant() const { return variant(m_v); }

 private:
  const VARIANT& m_v;
};

/// Holds an [in, out] BSTR as a comkit::bstr for the call and writes it back
/// when the call ends, normally or by an exception, so the caller's
/// pointer is never left dangling.
class inout_bstr {
 public:
  explicit inout_bstr(BSTR* p) noexcept : m_p(p), m_value(*p, take_ownership) {}
  ~inout_bstr() { *m_p = m_value.detach(); }
  inout_bstr(const inout_bstr&) = delete;
  inout_bstr& operator=(const inout_bstr&) = delete;
  bstr& value() noexcept { return m_value; }

 private:
  BSTR* m_p;
  bstr m_value;
};

/// The same for an [in, out] VARIANT, held as a comkit::variant.
class inout_variant {
 public:
  explicit inout_variant(VARIANT* p) noexcept : m_p(p) {
    std::memcpy(m_value.put(), p, sizeof *p);  // ABI: a VARIANT moves by its bytes
    VariantInit(p);
  }
  ~inout_variant() { *m_p = m_value.detach(); }
  inout_variant(const inout_variant&) = delete;
  inout_variant& operator=(const inout_variant&) = delete;
  variant& value() noexcept { return m_value; }

 private:
  VARIANT* m_p;
  variant m_value;
};

// ---- [out] values ------------------------------------------------------------------

/// An [out] pointer cleared on entry, so a failure returns NULLs and zeros.
inline void init_out(VARIANT* p) noexcept { VariantInit(p); }
template <typename T>
void init_out(T* p) noexcept {
  *p = T{};
}

/// Frees what an [out] received, when a later store failed or threw: the
/// caller frees nothing after a failed call. One per shape; the generator
/// picks it (a plain pointer of unknown ownership is only reset).
inline void clear_out(BSTR* p) noexcept {
  SysFreeString(*p);
  *p = nullptr;
}
inline void clear_out(VARIANT* p) noexcept { VariantClear(p); }
template <typename I>
  requires std::is_base_of_v<IUnknown, I>
void clear_out(I** p) noexcept {
  if (*p) (*p)->Release();
  *p = nullptr;
}
/// An [out, iid_is] void**: an interface pointer of the IID asked for.
inline void clear_out_queried(void** p) noexcept {
  if (*p) static_cast<IUnknown*>(*p)->Release();  // ABI: every interface starts with IUnknown
  *p = nullptr;
}
/// An [out, size_is(, *n)] T**: the CoTaskMem block store_array made (its
/// elements are plain copies).
template <typename T>
void clear_out_array(T** p) noexcept {
  CoTaskMemFree(*p);
  *p = nullptr;
}
/// Any other [out]: reset to zero, nothing freed.
template <typename T>
void reset_out(T* p) noexcept {
  *p = T{};
}

/// Runs `undo` when it goes out of scope, unless dismissed: a multi-[out]
/// store uses it so that a store that fails, or a conversion that throws
/// after earlier outs were stored, leaves every out cleared.
template <typename F>
class [[nodiscard]] out_rollback {
 public:
  explicit out_rollback(F undo) noexcept : m_undo(std::move(undo)) {}
  ~out_rollback() {
    if (!m_dismissed) m_undo();
  }
  out_rollback(const out_rollback&) = delete;
  out_rollback& operator=(const out_rollback&) = delete;
  void dismiss() noexcept { m_dismissed = true; }

 private:
  F m_undo;
  bool m_dismissed = false;
};
template <typename F>
out_rollback<F> on_failure(F undo) noexcept {
  return out_rollback<F>(std::move(undo));
}

/// A failure the shim itself detects (a NULL out-pointer, an array without
/// its elements): the thread's error object is cleared first, so the
/// caller, whom ISupportErrorInfo tells to look, does not read a stale one.
inline HRESULT shim_failure(HRESULT hr) noexcept {
  SetErrorInfo(0, nullptr);
  return hr;
}

/// An [out] BSTR from what D returned: a comkit::bstr (moved), any UTF-16
/// view or any UTF-8 view.
template <typename V>
HRESULT store_bstr(BSTR* p, V&& v) {
  using T = std::remove_cvref_t<V>;
  if constexpr (std::is_same_v<T, bstr>) {
    *p = bstr(std::forward<V>(v)).detach();
    return S_OK;
  } else if constexpr (std::is_convertible_v<const T&, std::u16string_view>) {
    const std::u16string_view s(v);
    *p = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(s.data()), static_cast<UINT>(s.size()));  // ABI: OLECHAR is UTF-16
    return *p || s.empty() ? S_OK : E_OUTOFMEMORY;
  } else {
    static_assert(std::is_convertible_v<const T&, std::string_view>, "an [out] BSTR needs a comkit::bstr or a string");
    const std::u16string s = utf16_of(std::string_view(v));
    *p = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(s.data()), static_cast<UINT>(s.size()));  // ABI: OLECHAR is UTF-16
    return *p || s.empty() ? S_OK : E_OUTOFMEMORY;
  }
}

/// An [out] VARIANT from a comkit::variant (or anything it is made from).
template <typename V>
HRESULT store_variant(VARIANT* p, V&& v) {
  *p = variant(std::forward<V>(v)).detach();
  return S_OK;
}

/// An [out] I** from a com_ptr (to I or an interface derived from it).
template <typename I, typename V>
HRESULT store_interface(I** p, V&& v) noexcept {
  static_assert(std::is_convertible_v<V&&, com_ptr<I>>, "an [out] interface needs a com_ptr to it (moved or copied)");
  *p = com_ptr<I>(std::forward<V>(v)).detach();
  return S_OK;
}

/// An [out, iid_is(riid)] void** from a com_ptr to any interface: queried
/// for riid. An empty pointer gives E_NOINTERFACE.
template <typename V>
HRESULT store_queried(REFIID riid, void** p, V&& v) noexcept {
  if (!v) return E_NOINTERFACE;
  return v->QueryInterface(riid, p);
}

/// An [out, size_is(, *n)] T** with its [out] count, from any sized range of
/// T (a std::vector, a std::span ...): copied into one CoTaskMem block the
/// caller frees.
template <typename T, typename N, typename R>
HRESULT store_array(T** p, N* n, R&& r) {
  const auto size = std::size(r);
  if (static_cast<std::uintmax_t>(size) > static_cast<std::uintmax_t>(std::numeric_limits<N>::max()) ||
      static_cast<std::size_t>(size) > SIZE_MAX / sizeof(T))
    return E_OUTOFMEMORY;
  if (size == 0) return S_OK;
  T* block = static_cast<T*>(CoTaskMemAlloc(static_cast<std::size_t>(size) * sizeof(T)));
  if (!block) return E_OUTOFMEMORY;
  std::size_t k = 0;
  for (auto&& e : r) ::new (static_cast<void*>(block + k++)) T(e);
  *p = block;
  *n = static_cast<N>(size);
  return S_OK;
}

// ---- The call ------------------------------------------------------------------------

template <typename T>
struct result_traits {
  static constexpr bool is_result = false;
};
template <typename T>
struct result_traits<result<T>> {
  static constexpr bool is_result = true;
  using value_type = T;
};

/// Runs D's idiomatic member for a produce shim: `call()` returns void, a
/// value, or a comkit::result; `store(value)` writes the [out] parameters
/// and returns an HRESULT. An exception becomes an HRESULT with IErrorInfo
/// (to_hresult: hresult_error's own code, map_exception registrations, the
/// std:: mapping); a failed result is returned as it is (with whatever error
/// information D set).
template <typename Call, typename Store>
HRESULT produce_call(Call&& call, Store&& store) noexcept {
#if COMKIT_HAS_EXCEPTIONS
  try {
#endif
    using R = decltype(call());
    if constexpr (std::is_void_v<R>) {
      call();
      return S_OK;
    } else if constexpr (result_traits<std::remove_cvref_t<R>>::is_result) {
      auto r = call();
      if (!r.ok()) return r.code();
      if constexpr (std::is_void_v<typename result_traits<std::remove_cvref_t<R>>::value_type>)
        return S_OK;
      else
        return store(std::move(r).value());
    } else {
      return store(call());
    }
#if COMKIT_HAS_EXCEPTIONS
  } catch (...) {
    return to_hresult();
  }
#endif
}

/// The store of a method with no [out] values: what D returned, if
/// anything, is dropped.
struct no_store {
  template <typename V>
  HRESULT operator()(V&&) const noexcept {
    return S_OK;
  }
};

// ---- IDispatch ----------------------------------------------------------------------

/// The IDispatch part of a produced dual interface: D's raw IDispatch
/// methods when it has them; else, with dispatch_from_typelib, answers from
/// I's type information (detail/typelib_dispatch.h); else "no type
/// information" answers (GetTypeInfoCount 0, DISP_E_BADINDEX,
/// DISP_E_UNKNOWNNAME, DISP_E_MEMBERNOTFOUND).
template <typename D, typename I>
struct produce_dispatch : produce_base<D, I> {
  /// dispatch_from_typelib in D's implements<> list.
  static constexpr bool from_typelib() noexcept { return D::implements_type::traits::typelib_dispatch; }

  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* n) noexcept override {
    if constexpr (requires { this->shim().GetTypeInfoCount(n); }) {
      return this->shim().GetTypeInfoCount(n);
    } else if constexpr (from_typelib()) {
      return typelib_dispatch<I>::count(n);
    } else {
      if (!n) return E_INVALIDARG;
      *n = 0;
      return S_OK;
    }
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT index, LCID lcid, ITypeInfo** info) noexcept override {
    if constexpr (requires { this->shim().GetTypeInfo(index, lcid, info); }) {
      return this->shim().GetTypeInfo(index, lcid, info);
    } else if constexpr (from_typelib()) {
      return typelib_dispatch<I>::type_info(index, info);
    } else {
      if (!info) return E_INVALIDARG;
      *info = nullptr;
      return DISP_E_BADINDEX;
    }
  }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID riid, LPOLESTR* names, UINT count, LCID lcid, DISPID* ids) noexcept override {
    if constexpr (requires { this->shim().GetIDsOfNames(riid, names, count, lcid, ids); }) {
      return this->shim().GetIDsOfNames(riid, names, count, lcid, ids);
    } else if constexpr (from_typelib()) {
      return typelib_dispatch<I>::ids(riid, names, count, ids);
    } else {
      if (count && (!names || !ids)) return E_INVALIDARG;
      for (UINT k = 0; k < count; ++k) ids[k] = DISPID_UNKNOWN;
      return count ? DISP_E_UNKNOWNNAME : S_OK;
    }
  }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID id, REFIID riid, LCID lcid, WORD flags, DISPPARAMS* params, VARIANT* result,
                                   EXCEPINFO* info, UINT* arg_err) noexcept override {
    if constexpr (requires { this->shim().Invoke(id, riid, lcid, flags, params, result, info, arg_err); })
      return this->shim().Invoke(id, riid, lcid, flags, params, result, info, arg_err);
    else if constexpr (from_typelib())
      return typelib_dispatch<I>::invoke(this, id, riid, flags, params, result, info, arg_err);
    else
      return DISP_E_MEMBERNOTFOUND;
  }
};

}  // namespace comkit::detail

#endif  // COMKIT_PRODUCE_H
