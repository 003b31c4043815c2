// comkit/com_ptr.h - comkit::com_ptr<I>, the owning interface pointer of the
// C++ projection. Header-only; part of comkit::comkit.
//
// A com_ptr owns one reference: copying AddRefs, moving steals, destruction
// Releases, so user code never calls AddRef or Release. It is exactly one
// pointer wide and calling through it costs what calling through the raw
// pointer costs.
#ifndef COMKIT_COM_PTR_H
#define COMKIT_COM_PTR_H

#include <comkit/abi/unknwn.h>
#include <comkit/detail/config.h>
#include <comkit/error.h>

#include <cstddef>
#include <string_view>  // std::hash (declared by every string header; <functional> would add ~0.1 s to each TU)
#include <type_traits>
#include <utility>

namespace comkit {

/// Tag: the com_ptr adopts a reference the caller already owns.
struct take_ownership_t {
  explicit take_ownership_t() = default;
};
inline constexpr take_ownership_t take_ownership{};

template <typename T>
class com_ptr;

/// The projected methods of interface I, as members of D (a com_ptr<I> or
/// a com_ptr to an interface derived from I). Empty unless a generated
/// projection header (`comkit idl`, <base>_projection.h) specializes it;
/// each specialization derives from its base interface's, and reaches the
/// object through `static_cast<const D*>(this)->get()`. It holds no data,
/// so com_ptr stays one pointer wide. Include the projection header in
/// every file that uses an interface's projected methods.
template <typename D, typename I>
struct consume {};

namespace detail {
template <typename T>
struct is_com_ptr : std::false_type {};
template <typename T>
struct is_com_ptr<com_ptr<T>> : std::true_type {};

/// The IUnknown of any interface or implementation pointer: the object
/// answers IUnknown with its identity. Null for null.
template <typename T>
IUnknown* identity_of(T* p) noexcept {
  if (!p) return nullptr;
  IUnknown* unk = nullptr;
  if (p->QueryInterface(guid_of<IUnknown>(), reinterpret_cast<void**>(&unk)) < 0) return nullptr;  // ABI: [out] void**
  unk->Release();  // the caller's reference keeps the object alive
  return unk;
}
}  // namespace detail

template <typename T>
class com_ptr : public consume<com_ptr<T>, T> {
 public:
  using type = T;

  com_ptr() noexcept = default;
  com_ptr(std::nullptr_t) noexcept {}
  /// Shares `p`: AddRefs it (like ATL's CComPtr).
  explicit com_ptr(T* p) noexcept : m_ptr(p) { add_ref(); }
  /// Adopts the reference the caller owns on `p`.
  com_ptr(T* p, take_ownership_t) noexcept : m_ptr(p) {}
  com_ptr(const com_ptr& o) noexcept : m_ptr(o.m_ptr) { add_ref(); }
  com_ptr(com_ptr&& o) noexcept : m_ptr(std::exchange(o.m_ptr, nullptr)) {}
  /// From a com_ptr to a derived interface (IDerived -> IBase), no QueryInterface.
  template <typename U>
    requires(!std::is_same_v<U, T> && std::is_convertible_v<U*, T*>)
  com_ptr(const com_ptr<U>& o) noexcept : m_ptr(o.get()) {
    add_ref();
  }
  template <typename U>
    requires(!std::is_same_v<U, T> && std::is_convertible_v<U*, T*>)
  com_ptr(com_ptr<U>&& o) noexcept : m_ptr(o.detach()) {}

  ~com_ptr() { release(); }

  com_ptr& operator=(const com_ptr& o) noexcept {
    copy_from(o.m_ptr);
    return *this;
  }
  com_ptr& operator=(com_ptr&& o) noexcept {
    if (this != &o) attach(o.detach());
    return *this;
  }
  template <typename U>
    requires(!std::is_same_v<U, T> && std::is_convertible_v<U*, T*>)
  com_ptr& operator=(const com_ptr<U>& o) noexcept {
    copy_from(o.get());
    return *this;
  }
  com_ptr& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }

  T* get() const noexcept { return m_ptr; }
  T* operator->() const noexcept { return m_ptr; }
  T& operator*() const noexcept { return *m_ptr; }
  explicit operator bool() const noexcept { return m_ptr != nullptr; }

  /// For an [out] T** parameter: releases what is held and returns the
  /// address to fill.
  T** put() noexcept {
    reset();
    return &m_ptr;
  }
  /// put() as void**, for QueryInterface-style [out, iid_is] parameters.
  void** put_void() noexcept { return reinterpret_cast<void**>(put()); }  // ABI: an interface pointer as void*

  /// Releases what is held and adopts `p` (no AddRef).
  void attach(T* p) noexcept {
    T* old = std::exchange(m_ptr, p);
    if (old) old->Release();
  }
  /// Gives up ownership without Release.
  [[nodiscard]] T* detach() noexcept { return std::exchange(m_ptr, nullptr); }
  void reset() noexcept { attach(nullptr); }
  /// Shares `p` (AddRef), releasing what was held.
  void copy_from(T* p) noexcept {
    if (p) p->AddRef();
    attach(p);
  }
  /// Writes an AddRef'd copy to *out (for returning through [out] T**).
  void copy_to(T** out) const noexcept {
    add_ref();
    *out = m_ptr;
  }
  void swap(com_ptr& o) noexcept { std::swap(m_ptr, o.m_ptr); }

  /// The object's J interface, or an empty com_ptr. Never throws.
  template <typename J>
  com_ptr<J> try_as() const noexcept {
    com_ptr<J> out;
    if (m_ptr) m_ptr->QueryInterface(guid_of<J>(), out.put_void());
    return out;
  }
  /// The object's J interface. With exceptions: throws hresult_error
  /// (E_NOINTERFACE, or E_POINTER when empty). Without: a result<com_ptr<J>>.
  template <typename J>
  auto as() const -> detail::error_policy::wrap<com_ptr<J>> {
    static_assert(has_iid<J>, "as<J>() needs an interface with an IID (COMKIT_DECLARE_IID)");
    com_ptr<J> out;
    const HRESULT hr = m_ptr ? m_ptr->QueryInterface(guid_of<J>(), out.put_void()) : E_POINTER;
    if (hr < 0) return detail::error_policy::fail<com_ptr<J>>(hr);
    return out;
  }

 private:
  void add_ref() const noexcept {
    if (m_ptr) m_ptr->AddRef();
  }
  void release() noexcept {
    if (m_ptr) std::exchange(m_ptr, nullptr)->Release();
  }

  T* m_ptr = nullptr;
};

/// Identity comparison: two com_ptrs are equal when they point at the same
/// object (the same IUnknown), whatever interfaces they hold.
template <typename T, typename U>
bool operator==(const com_ptr<T>& a, const com_ptr<U>& b) noexcept {
  if (static_cast<const void*>(a.get()) == static_cast<const void*>(b.get())) return true;
  if (!a || !b) return false;
  return detail::identity_of(a.get()) == detail::identity_of(b.get());
}
template <typename T>
bool operator==(const com_ptr<T>& a, std::nullptr_t) noexcept {
  return !a;
}

template <typename T>
void swap(com_ptr<T>& a, com_ptr<T>& b) noexcept {
  a.swap(b);
}

/// IID_PPV_ARGS(&p) for a com_ptr p: its IID and its put_void().
template <typename T>
void** IID_PPV_ARGS_Helper(com_ptr<T>* p) noexcept {
  return p->put_void();
}

namespace detail {
template <typename T>
struct ppv_target<com_ptr<T>*> {
  using type = T;
};
}  // namespace detail

}  // namespace comkit

/// Hashes by identity, consistently with operator==.
template <typename T>
struct std::hash<comkit::com_ptr<T>> {
  std::size_t operator()(const comkit::com_ptr<T>& p) const noexcept {
    return std::hash<const void*>{}(comkit::detail::identity_of(p.get()));
  }
};

#endif  // COMKIT_COM_PTR_H
