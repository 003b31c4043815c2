// comkit/dispatch.h - late binding from C++: comkit::dispatch, a client of
// any IDispatch object by member name, and `for` over collections. Part of
// the C++ projection (comkit::comkit); docs/dispatch.md has the design.
//
//   comkit::dispatch calc = comkit::dispatch::create("Comkit.Calculator");
//   double sum = calc.call("Add", 19, 23);        // DISPATCH_METHOD
//   calc.put("Name", "x");                         // DISPATCH_PROPERTYPUT
//   std::string name = calc.get("Name");           // DISPATCH_PROPERTYGET
//   calc.call("Scale", 2.0, comkit::named("factor", 3));
//   for (comkit::variant item : calc.get("Items")) ...   // DISPID_NEWENUM
//
// Arguments are anything comkit::variant is built from. Results are
// late_value: a comkit::variant that also converts implicitly to what
// variant::get<T> converts to (double, bool, std::string, comkit::bstr ...)
// and to comkit::dispatch. A failure throws hresult_error: for
// DISP_E_EXCEPTION its code is the EXCEPINFO's (deferred fill-in honoured)
// and its message, source and help file are the EXCEPINFO's. Without
// exceptions, every call returns comkit::result<variant> instead, and the
// thread's error object holds the description.
//
// The producing side, IDispatch answered from a type library, is the
// comkit::dispatch_from_typelib marker of implements<> (implements.h).
#ifndef COMKIT_DISPATCH_H
#define COMKIT_DISPATCH_H

#include <comkit/abi/activation.h>
#include <comkit/com_ptr.h>
#include <comkit/enumerator.h>
#include <comkit/error.h>
#include <comkit/variant.h>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace comkit {

/// A named argument: `obj.call("Scale", 2.0, comkit::named("factor", 3))`.
/// Named arguments follow the positional ones, as in Visual Basic.
struct named_arg {
  std::string_view name;
  variant value;
};
template <typename V>
named_arg named(std::string_view name, V&& value) {
  return named_arg{name, variant(std::forward<V>(value))};
}

class dispatch;

#if COMKIT_HAS_EXCEPTIONS
/// What a late-bound call returns: a variant that converts to the value
/// the caller asks for (variant::get<T>, throwing on a failed conversion).
class late_value : public variant {
 public:
  late_value() noexcept = default;
  late_value(variant v) noexcept : variant(std::move(v)) {}
  template <typename T>
    requires requires { detail::variant_target<T>::value; }
  operator T() const {
    return get<T>();
  }
};
#endif

namespace detail {

#if COMKIT_HAS_EXCEPTIONS
using late_result = late_value;
#else
using late_result = result<variant>;
#endif

/// The arguments of one Invoke, as written: positional ones and named ones
/// apart (run() lays them out as DISPPARAMS wants them).
struct invoke_args {
  std::vector<variant> positional;      // in call order
  std::vector<variant> named;           // in call order
  std::vector<std::string_view> names;  // of the named ones

  void add(named_arg a) {
    names.push_back(a.name);
    named.push_back(std::move(a.value));
  }
  template <typename A>
  void add(A&& a) {
    positional.emplace_back(std::forward<A>(a));
  }
};

template <typename A>
inline constexpr bool is_named = std::is_same_v<std::remove_cvref_t<A>, named_arg>;
/// No positional argument after a named one (Visual Basic's rule; writing
/// one there would bind it to the wrong parameter).
template <typename... A>
constexpr bool named_last() {
  constexpr bool named[] = {is_named<A>..., false};  // the last is a sentinel
  bool seen = false;
  for (std::size_t i = 0; i + 1 < std::size(named); ++i) {
    if (named[i]) seen = true;
    else if (seen) return false;
  }
  return true;
}

/// UTF-16 copies of a member name and its named arguments' names.
inline std::vector<std::u16string> names_of(std::string_view member, const std::vector<std::string_view>& args) {
  std::vector<std::u16string> out;
  out.push_back(utf16_of(member));
  for (std::string_view a : args) out.push_back(utf16_of(a));
  return out;
}

/// HRESULT of an EXCEPINFO: its scode, else its wCode as Windows' tools map
/// it (0x80040200 + wCode), else DISP_E_EXCEPTION itself.
inline HRESULT excepinfo_code(const EXCEPINFO& e) noexcept {
  if (e.scode) return e.scode;
  if (e.wCode) return static_cast<HRESULT>(0x80040200u + (e.wCode < 0xFE00 ? e.wCode : 0xFDFF));
  return DISP_E_EXCEPTION;
}

}  // namespace detail

/// A late-bound reference to an object's IDispatch (a com_ptr<IDispatch>
/// that calls members by name).
class dispatch {
 public:
  dispatch() noexcept = default;
  dispatch(com_ptr<IDispatch> p) noexcept : m_ptr(std::move(p)) {}
#if COMKIT_HAS_EXCEPTIONS
  /// The object a VT_DISPATCH or VT_UNKNOWN value holds (by reference
  /// too); DISP_E_TYPEMISMATCH otherwise, E_NOINTERFACE without IDispatch.
  dispatch(const variant& v) : dispatch(from(v)) {}
#endif

  /// QueryInterface for IDispatch.
  template <typename I>
  static detail::error_policy::wrap<dispatch> from(const com_ptr<I>& p) {
    com_ptr<IDispatch> d;
    const HRESULT hr = p ? p->QueryInterface(guid_of<IDispatch>(), d.put_void()) : E_POINTER;
    if (FAILED(hr)) return detail::error_policy::fail<dispatch>(hr);
    return dispatch(std::move(d));
  }
  static detail::error_policy::wrap<dispatch> from(const variant& v) {
    VARIANT plain;
    VariantInit(&plain);
    HRESULT hr = VariantCopyInd(&plain, v.get());
    com_ptr<IDispatch> d;
    if (SUCCEEDED(hr)) {
      if ((plain.vt == VT_DISPATCH || plain.vt == VT_UNKNOWN) && plain.punkVal)
        hr = plain.punkVal->QueryInterface(guid_of<IDispatch>(), d.put_void());
      else
        hr = DISP_E_TYPEMISMATCH;
      VariantClear(&plain);
    }
    if (FAILED(hr)) return detail::error_policy::fail<dispatch>(hr);
    return dispatch(std::move(d));
  }
  /// CoCreateInstance of a ProgID or a "{CLSID}", for IDispatch.
  static detail::error_policy::wrap<dispatch> create(std::string_view progid_or_clsid, DWORD context = CLSCTX_ALL) {
    const std::u16string name = detail::utf16_of(progid_or_clsid);
    CLSID clsid;
    HRESULT hr = name.starts_with(u'{') ? CLSIDFromString(reinterpret_cast<LPCOLESTR>(name.c_str()), &clsid)
                                        : CLSIDFromProgID(reinterpret_cast<LPCOLESTR>(name.c_str()), &clsid);
    com_ptr<IDispatch> d;
    if (SUCCEEDED(hr)) hr = CoCreateInstance(clsid, nullptr, context, guid_of<IDispatch>(), d.put_void());
    if (FAILED(hr)) return detail::error_policy::fail<dispatch>(hr);
    return dispatch(std::move(d));
  }

  IDispatch* get() const noexcept { return m_ptr.get(); }
  const com_ptr<IDispatch>& ptr() const noexcept { return m_ptr; }
  explicit operator bool() const noexcept { return static_cast<bool>(m_ptr); }

  /// The DISPID of a member (GetIDsOfNames); DISP_E_UNKNOWNNAME.
  detail::error_policy::wrap<DISPID> id_of(std::string_view name) const {
    const auto names = detail::names_of(name, {});
    LPOLESTR p = reinterpret_cast<LPOLESTR>(const_cast<char16_t*>(names[0].c_str()));  // ABI: [in] LPOLESTR*
    DISPID id = DISPID_UNKNOWN;
    const HRESULT hr = m_ptr ? m_ptr->GetIDsOfNames(GUID{}, &p, 1, LOCALE_USER_DEFAULT, &id) : E_POINTER;
    if (FAILED(hr)) return fail<DISPID>(hr, name);
    return id;
  }

  /// Calls method `name` (DISPATCH_METHOD) with `args`.
  template <typename... A>
  detail::late_result call(std::string_view name, A&&... args) const {
    return invoke_named(name, DISPATCH_METHOD, std::forward<A>(args)...);
  }
  /// Reads property `name` (DISPATCH_PROPERTYGET), with index arguments.
  template <typename... A>
  detail::late_result get(std::string_view name, A&&... args) const {
    return invoke_named(name, DISPATCH_PROPERTYGET, std::forward<A>(args)...);
  }
  /// Writes property `name` (DISPATCH_PROPERTYPUT): `value` goes last,
  /// after any index arguments.
  template <typename... A>
  detail::error_policy::wrap<void> put(std::string_view name, A&&... index_then_value) const {
    return put_as(name, DISPATCH_PROPERTYPUT, std::forward<A>(index_then_value)...);
  }
  /// Sets an object-valued property by reference (DISPATCH_PROPERTYPUTREF,
  /// Visual Basic's Set).
  template <typename... A>
  detail::error_policy::wrap<void> put_ref(std::string_view name, A&&... index_then_value) const {
    return put_as(name, DISPATCH_PROPERTYPUTREF, std::forward<A>(index_then_value)...);
  }
  /// Member `name` with `flags` and arguments chosen at run time (a
  /// command line, a script): positional ones, then named ones.
  detail::late_result call_list(std::string_view name, WORD flags, std::vector<variant> positional,
                                std::vector<named_arg> named_args = {}) const {
    detail::invoke_args a;
    a.positional = std::move(positional);
    for (named_arg& n : named_args) a.add(std::move(n));
    return lookup_and_run(name, flags, a);
  }
  /// Property put with index arguments and the value last, chosen at run
  /// time.
  detail::error_policy::wrap<void> put_list(std::string_view name, std::vector<variant> index_then_value,
                                            WORD flags = DISPATCH_PROPERTYPUT) const {
    detail::invoke_args a;
    if (index_then_value.empty()) {
#if COMKIT_HAS_EXCEPTIONS
      fail<variant>(E_INVALIDARG, name);
#else
      return result<void>(E_INVALIDARG);
#endif
    }
    a.positional = std::move(index_then_value);
    return put_run(name, flags, a);
  }
  /// Invoke by DISPID with any flags (DISPATCH_METHOD | DISPATCH_PROPERTYGET
  /// ...), positional arguments only.
  template <typename... A>
  detail::late_result invoke(DISPID id, WORD flags, A&&... args) const {
    static_assert((!detail::is_named<A> && ...), "invoke by DISPID takes positional arguments only (named ones need their names looked up)");
    detail::invoke_args a;
    (a.add(std::forward<A>(args)), ...);
    return run(id, {}, flags, a, {});
  }

 private:
  // A failure of `member`: the thread's error object describes it ("Add:
  // Unknown name."), replacing whatever an earlier call left there.
  template <typename T>
  static detail::error_policy::wrap<T> fail(HRESULT hr, std::string_view member) {
    std::string text(member);
    text += ": ";
    const char* standard = ComkitHResultMessage(hr);
    text += standard ? standard : "failed";
    detail::set_error_info(text);
    return detail::error_policy::fail<T>(hr);
  }

  template <typename... A>
  detail::late_result invoke_named(std::string_view name, WORD flags, A&&... args) const {
    static_assert(detail::named_last<A...>(), "named arguments go after the positional ones");
    detail::invoke_args a;
    (a.add(std::forward<A>(args)), ...);
    return lookup_and_run(name, flags, a);
  }

  template <typename... A>
  detail::error_policy::wrap<void> put_as(std::string_view name, WORD flags, A&&... args) const {
    static_assert(sizeof...(A) >= 1, "put needs a value");
    static_assert((!detail::is_named<A> && ...), "put takes index arguments and the value, none of them named");
    detail::invoke_args a;
    (a.add(std::forward<A>(args)), ...);
    return put_run(name, flags, a);
  }

  // A put's outcome: nothing, or the failure.
  detail::error_policy::wrap<void> put_run(std::string_view name, WORD flags, detail::invoke_args& a) const {
#if COMKIT_HAS_EXCEPTIONS
    lookup_and_run(name, flags, a, true);
#else
    auto r = lookup_and_run(name, flags, a, true);
    return result<void>(r.code());
#endif
  }

  detail::late_result lookup_and_run(std::string_view name, WORD flags, detail::invoke_args& a, bool put = false) const {
    if (!m_ptr) return fail<variant>(E_POINTER, name);
    const auto names = detail::names_of(name, a.names);
    std::vector<LPOLESTR> raw;
    for (const std::u16string& n : names) raw.push_back(reinterpret_cast<LPOLESTR>(const_cast<char16_t*>(n.c_str())));  // ABI: [in]
    std::vector<DISPID> ids(names.size(), DISPID_UNKNOWN);
    const HRESULT hr = m_ptr->GetIDsOfNames(GUID{}, raw.data(), static_cast<UINT>(raw.size()), LOCALE_USER_DEFAULT, ids.data());
    if (FAILED(hr)) return fail<variant>(hr, name);
    std::vector<DISPID> named(ids.begin() + 1, ids.end());
    return run(ids[0], name, flags, a, std::move(named), put);
  }

  detail::late_result run(DISPID id, std::string_view name, WORD flags, detail::invoke_args& a, std::vector<DISPID> named_ids,
                          bool put = false) const {
    if (!m_ptr) return fail<variant>(E_POINTER, name);
    // rgvarg: [put value][named ...][positional, last first]; bitwise
    // copies (Invoke does not free [in] arguments). A put's value is the
    // last positional one.
    if (named_ids.size() != a.named.size() || (put && a.positional.empty())) return fail<variant>(E_INVALIDARG, name);
    std::vector<VARIANTARG> args;
    std::vector<DISPID> ids;
    const std::size_t positional = put ? a.positional.size() - 1 : a.positional.size();
    if (put) {
      args.push_back(*a.positional.back().get());
      ids.push_back(DISPID_PROPERTYPUT);
    }
    for (std::size_t k = 0; k < a.named.size(); ++k) {
      args.push_back(*a.named[k].get());
      ids.push_back(named_ids[k]);
    }
    for (std::size_t k = positional; k-- > 0;) args.push_back(*a.positional[k].get());
    DISPPARAMS params{args.data(), ids.data(), static_cast<UINT>(args.size()), static_cast<UINT>(ids.size())};
    variant result;
    EXCEPINFO e{};
    UINT arg_err = 0;
    HRESULT hr = m_ptr->Invoke(id, GUID{}, LOCALE_USER_DEFAULT, flags, &params, put ? nullptr : result.put(), &e, &arg_err);
    if (hr == DISP_E_EXCEPTION) {
      if (e.pfnDeferredFillIn) e.pfnDeferredFillIn(&e);
      hr = detail::excepinfo_code(e);
      // The strings are ours to free, whatever the conversions below do.
      const bstr description_b(e.bstrDescription, take_ownership), source_b(e.bstrSource, take_ownership),
          help_b(e.bstrHelpFile, take_ownership);
      const std::string description = description_b.get() ? detail::utf8_of(description_b.get()) : std::string();
      const std::string source = source_b.get() ? detail::utf8_of(source_b.get()) : std::string();
      if (!description.empty()) {
        detail::set_error_info(description, source);
        return detail::error_policy::fail<variant>(hr);
      }
    }
    if (FAILED(hr)) {
      std::string where(name.empty() ? std::string("DISPID ") + std::to_string(id) : std::string(name));
      if ((hr == DISP_E_TYPEMISMATCH || hr == DISP_E_PARAMNOTFOUND) && arg_err < args.size()) {
        // arg_err indexes rgvarg: name the argument as the caller wrote it.
        const std::size_t first_positional = args.size() - positional;
        if (arg_err >= first_positional) where += ": argument " + std::to_string(args.size() - arg_err);
        else if (!put || arg_err > 0) where += ": argument '" + std::string(a.names[arg_err - (put ? 1 : 0)]) + "'";
        else where += ": the value";
      }
      return fail<variant>(hr, where);
    }
    return result;
  }

  com_ptr<IDispatch> m_ptr;
};

namespace detail {

/// An IEnumVARIANT over a copy of a SAFEARRAY's elements, in memory order
/// (For Each over an array). Each element is read as a VT_BYREF reference
/// and copied with VariantCopyInd.
inline HRESULT enumerate_array(SAFEARRAY* a, VARTYPE vt, com_ptr<IEnumVARIANT>& out) {
  if (!a) return E_INVALIDARG;
  if (vt == VT_RECORD) return DISP_E_TYPEMISMATCH;  // needs the array's IRecordInfo; not enumerated
  std::size_t n = a->cDims ? 1 : 0;
  for (USHORT d = 0; d < a->cDims; ++d) n *= a->rgsabound[d].cElements;
  std::vector<variant> values;
  values.reserve(n);
  if (const HRESULT hr = SafeArrayLock(a); FAILED(hr)) return hr;
  HRESULT hr = S_OK;
  for (std::size_t i = 0; i < n && SUCCEEDED(hr); ++i) {
    VARIANT ref;
    VariantInit(&ref);
    ref.vt = static_cast<VARTYPE>(VT_BYREF | vt);
    ref.byref = static_cast<char*>(a->pvData) + i * a->cbElements;
    variant v;
    hr = VariantCopyInd(v.put(), &ref);
    if (SUCCEEDED(hr)) values.push_back(std::move(v));
  }
  SafeArrayUnlock(a);
  if (FAILED(hr)) return hr;
#if COMKIT_HAS_EXCEPTIONS
  out = make_enumerator<IEnumVARIANT>(values);
#else
  auto made = make_enumerator<IEnumVARIANT>(values);
  if (!made) return made.code();
  out = std::move(made.value());
#endif
  return S_OK;
}

/// The IEnumVARIANT `for` walks for a value: the enumerator itself, an
/// object's DISPID_NEWENUM member, or an array's elements.
inline HRESULT enumerator_of(const VARIANT& value, com_ptr<IEnumVARIANT>& out) {
  VARIANT v;
  VariantInit(&v);
  if (const HRESULT hr = VariantCopyInd(&v, &value); FAILED(hr)) return hr;
  HRESULT hr = DISP_E_TYPEMISMATCH;
  if (v.vt & VT_ARRAY) {
    hr = enumerate_array(v.parray, static_cast<VARTYPE>(v.vt & VT_TYPEMASK), out);
  } else if ((v.vt == VT_UNKNOWN || v.vt == VT_DISPATCH) && v.punkVal) {
    hr = v.punkVal->QueryInterface(guid_of<IEnumVARIANT>(), out.put_void());
    if (FAILED(hr)) {
      com_ptr<IDispatch> d;
      hr = v.punkVal->QueryInterface(guid_of<IDispatch>(), d.put_void());
      if (SUCCEEDED(hr)) {
        DISPPARAMS none{};
        VARIANT e;
        VariantInit(&e);
        hr = d->Invoke(DISPID_NEWENUM, GUID{}, LOCALE_USER_DEFAULT, DISPATCH_METHOD | DISPATCH_PROPERTYGET, &none, &e, nullptr, nullptr);
        if (SUCCEEDED(hr)) {
          hr = (e.vt == VT_UNKNOWN || e.vt == VT_DISPATCH) && e.punkVal
                   ? e.punkVal->QueryInterface(guid_of<IEnumVARIANT>(), out.put_void())
                   : DISP_E_TYPEMISMATCH;
          VariantClear(&e);
        }
      }
    }
  }
  VariantClear(&v);
  return hr;
}

inline enum_iterator<IEnumVARIANT> begin_of(const VARIANT& v) {
  com_ptr<IEnumVARIANT> e;
  if (const HRESULT hr = enumerator_of(v, e); FAILED(hr)) {
#if COMKIT_HAS_EXCEPTIONS
    throw_hresult(hr);
#else
    return enum_iterator<IEnumVARIANT>();
#endif
  }
  return enum_iterator<IEnumVARIANT>(e.get());
}

}  // namespace detail

/// `for (comkit::variant item : value)`: the items of a collection object
/// (its IEnumVARIANT or DISPID_NEWENUM member) or of an array. Anything
/// else throws hresult_error(DISP_E_TYPEMISMATCH) (without exceptions: an
/// empty range).
inline detail::enum_iterator<IEnumVARIANT> begin(const variant& v) { return detail::begin_of(*v.get()); }
inline detail::enum_sentinel end(const variant&) noexcept { return {}; }
inline detail::enum_iterator<IEnumVARIANT> begin(const dispatch& d) {
  variant v(com_ptr<IDispatch>(d.ptr()));
  return detail::begin_of(*v.get());
}
inline detail::enum_sentinel end(const dispatch&) noexcept { return {}; }

}  // namespace comkit

#endif  // COMKIT_DISPATCH_H
