// comkit/projection.h - what the generated projection headers
// (`comkit idl`, <base>_projection.h) are written against: argument
// adapters that let an [in] string or interface be given in any natural
// form, and the cold path of a failed call. Users include the generated
// header, not this one; the mapping is in docs/projection.md.
//
// The hook itself, comkit::consume<D, I>, is declared in com_ptr.h: a
// generated header specializes it for each interface, and com_ptr<I>
// derives from it, so `calc.Add(1, 2)` is a member call. A consume
// specialization is empty of data, so com_ptr stays one pointer wide.
#ifndef COMKIT_PROJECTION_H
#define COMKIT_PROJECTION_H

#include <comkit/abi/activation.h>
#include <comkit/abi/combase.h>
#include <comkit/bstr.h>
#include <comkit/com_ptr.h>
#include <comkit/error.h>
#include <comkit/guid.h>
#include <comkit/result.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace comkit {

/// An [in] BSTR argument: a comkit::bstr is passed as it is (no copy);
/// anything that views as UTF-16 (u"..." literals, std::u16string and its
/// view) or as UTF-8 ("..." literals, std::string and its view) is copied
/// into a BSTR that lives until the end of the call's full expression,
/// since a callee may read the length prefix. nullptr passes a NULL BSTR,
/// which COM treats as "".
class bstr_in {
 public:
  bstr_in(const bstr& b) noexcept : m_abi(b.get()) {}
  bstr_in(std::nullptr_t) noexcept {}
  template <typename S>
    requires std::is_convertible_v<const S&, std::u16string_view> && (!std::is_same_v<S, bstr>)
  bstr_in(const S& s) : m_owned(std::u16string_view(s)), m_abi(m_owned.get()) {}
  template <typename S>
    requires std::is_convertible_v<const S&, std::string_view>
  bstr_in(const S& s) : m_owned(bstr::from_utf8(std::string_view(s))), m_abi(m_owned.get()) {}

  BSTR abi() const noexcept { return m_abi; }

 private:
  bstr m_owned;
  BSTR m_abi = nullptr;
};

/// An [in] LPCOLESTR / [string] const OLECHAR* argument: NUL-terminated
/// UTF-16. A u"..." literal or a comkit::bstr is passed as it is; a view
/// (which need not be terminated) or UTF-8 text is copied first.
class olestr_in {
 public:
  olestr_in(const bstr& b) noexcept : m_abi(b.c_str()) {}
  olestr_in(const char16_t* s) noexcept : m_abi(s) {}
  olestr_in(const std::u16string& s) noexcept : m_abi(s.c_str()) {}
  olestr_in(std::nullptr_t) noexcept {}
  template <typename S>
    requires std::is_convertible_v<const S&, std::u16string_view> && (!std::is_convertible_v<const S&, const char16_t*>) &&
             (!std::is_same_v<S, bstr>) && (!std::is_same_v<S, std::u16string>)
  olestr_in(const S& s) : m_copy(std::u16string_view(s)), m_abi(m_copy.c_str()) {}
  template <typename S>
    requires std::is_convertible_v<const S&, std::string_view>
  olestr_in(const S& s) : m_copy(detail::utf16_of(std::string_view(s))), m_abi(m_copy.c_str()) {}

  const OLECHAR* abi() const noexcept { return reinterpret_cast<const OLECHAR*>(m_abi); }  // ABI: OLECHAR is char16_t

 private:
  std::u16string m_copy;
  const char16_t* m_abi = nullptr;
};

/// An [in] interface argument: a com_ptr to I or to an interface derived
/// from it, a raw pointer, or nullptr. Borrowed for the call (no AddRef).
template <typename I>
class interface_in {
 public:
  interface_in(std::nullptr_t) noexcept {}
  interface_in(I* p) noexcept : m_abi(p) {}
  template <typename U>
    requires std::is_convertible_v<U*, I*>
  interface_in(const com_ptr<U>& p) noexcept : m_abi(p.get()) {}

  I* abi() const noexcept { return m_abi; }

 private:
  I* m_abi = nullptr;
};

/// What a coclass in IDL says about itself: `clsid`, `default_interface`
/// (the [default] incoming interface), `default_source`, `progid`,
/// `version_independent_progid`, `threading` and `description` (null when
/// the IDL does not say). Specialized by the generated header.
template <typename C>
struct coclass_traits;

/// The CLSID of coclass C, from its IDL.
template <typename C>
constexpr clsid clsid_of() noexcept {
  return clsid(coclass_traits<C>::clsid);
}

/// A new C object (CoCreateInstance), as its default interface.
template <typename C>
  requires requires { typename coclass_traits<C>::default_interface; }
auto create_instance(DWORD context = CLSCTX_ALL) {
  using I = typename coclass_traits<C>::default_interface;
  com_ptr<I> p;
  const HRESULT hr = CoCreateInstance(clsid_of<C>(), nullptr, context, guid_of<I>(), p.put_void());
  if (hr < 0) return detail::error_policy::fail<com_ptr<I>>(hr);
  return detail::error_policy::wrap<com_ptr<I>>(std::move(p));
}

namespace detail {

/// com_ptr<I>, spelled so that it depends on D: generated consume<D, J>
/// members name their interface results this way, so com_ptr<I> is
/// instantiated only when the member is used, by when every consume
/// specialization of the header is defined.
template <typename I, typename D>
struct ptr_of {
  using type = com_ptr<I>;
};
template <typename I, typename D>
using ptr_t = typename ptr_of<I, D>::type;

/// The cold path of a projected call that failed: throws hresult_error
/// with the object's error information for `iid` (take_error_info), or
/// without exceptions returns the failed result<T> (the thread's error
/// object stays where it is, for take_error_info).
#if COMKIT_HAS_EXCEPTIONS
template <typename T>
[[noreturn, gnu::cold, gnu::noinline]] error_policy::wrap<T> fail_call(HRESULT hr, IUnknown* object, REFIID iid) {
  throw_hresult(hr, object, iid);
}
#else
template <typename T>
error_policy::wrap<T> fail_call(HRESULT hr, IUnknown*, REFIID) noexcept {
  if constexpr (std::is_void_v<T>) return result<void>(hr);
  else return result<T>::failure(hr);
}
#endif

/// The success value of a projected call returning T: T itself, or a
/// result<T> without exceptions.
inline error_policy::wrap<void> succeed() noexcept { return error_policy::wrap<void>(); }

/// An [out, size_is(, *n)] T** array: the callee's CoTaskMem block, copied
/// into a vector and freed.
template <typename T>
std::vector<T> take_array(T* p, std::size_t n) {
  struct freer {
    T* p;
    ~freer() { CoTaskMemFree(p); }
  } f{p};
  return p ? std::vector<T>(p, p + n) : std::vector<T>();
}

}  // namespace detail
}  // namespace comkit

#endif  // COMKIT_PROJECTION_H
