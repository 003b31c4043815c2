// comkit/enumerator.h - IEnumXxx both ways: any enumerator interface (the
// Next/Skip/Reset/Clone shape) as a C++ input range, and any C++ range as an
// enumerator object. Header-only; included by generated projection headers,
// which specialize enumerator_traits for the enumerators their IDL declares.
//
//   comkit::com_ptr<IEnumString> e = ...;
//   for (const std::u16string& s : e) ...          // fetched 16 at a time
//   comkit::com_ptr<IEnumString> mine = comkit::make_enumerator<IEnumString>(names);
//
// Ownership of what Next returns is COM's: each element belongs to the
// caller. The range hands out owning C++ values (com_ptr, bstr, variant,
// std::u16string for a CoTaskMem string, or the value itself), so nothing
// leaks and nothing is freed twice.
#ifndef COMKIT_ENUMERATOR_H
#define COMKIT_ENUMERATOR_H

#include <comkit/abi/combase.h>
#include <comkit/abi/ocidl.h>
#include <comkit/bstr.h>
#include <comkit/com_ptr.h>
#include <comkit/error.h>
#include <comkit/implements.h>
#include <comkit/variant.h>

#include <cstddef>
#include <cstring>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace comkit {

/// How an enumerator's elements are owned.
enum class enum_kind {
  value,      // a plain value (an enum, a number, a struct without owned pointers)
  object,     // J*, an interface pointer: one reference each
  bstr,       // BSTR: SysFreeString
  olestr,     // LPOLESTR: CoTaskMemFree (IEnumString)
  variant,    // VARIANT: VariantClear
  connection, // CONNECTDATA: its pUnk is one reference (IEnumConnections)
};

/// An element of IEnumConnections, owned.
struct connection {
  com_ptr<IUnknown> sink;
  DWORD cookie = 0;
};

/// What enumerator interface I enumerates: `element`, the type Next fills,
/// and `kind`. Specialized here for the system enumerators and by generated
/// projection headers for an IDL's own.
template <typename I>
struct enumerator_traits;

template <>
struct enumerator_traits<IEnumString> {
  using element = LPOLESTR;
  static constexpr enum_kind kind = enum_kind::olestr;
};
template <>
struct enumerator_traits<IEnumUnknown> {
  using element = IUnknown*;
  static constexpr enum_kind kind = enum_kind::object;
};
template <>
struct enumerator_traits<IEnumVARIANT> {
  using element = VARIANT;
  static constexpr enum_kind kind = enum_kind::variant;
};
template <>
struct enumerator_traits<IEnumConnections> {
  using element = CONNECTDATA;
  static constexpr enum_kind kind = enum_kind::connection;
};
template <>
struct enumerator_traits<IEnumConnectionPoints> {
  using element = IConnectionPoint*;
  static constexpr enum_kind kind = enum_kind::object;
};

template <typename I>
concept enumerator_interface = requires { enumerator_traits<I>::kind; };

namespace detail {

/// One element kind: `owned` (what the range yields), take (adopt what Next
/// returned) and give (a caller-owned copy for Next).
template <typename T, enum_kind K>
struct enum_element {
  using owned = T;
  static owned take(T& t) noexcept { return t; }
  static void discard(T&) noexcept {}
  static HRESULT give(const owned& v, T* out) noexcept {
    *out = v;
    return S_OK;
  }
};
template <typename T>
struct enum_element<T, enum_kind::object> {
  using J = std::remove_pointer_t<T>;
  using owned = com_ptr<J>;
  static owned take(T& t) noexcept { return owned(std::exchange(t, nullptr), take_ownership); }
  static void discard(T& t) noexcept {
    if (t) t->Release();
    t = nullptr;
  }
  static HRESULT give(const owned& v, T* out) noexcept {
    *out = v.get();
    if (*out) (*out)->AddRef();
    return S_OK;
  }
};
template <typename T>
struct enum_element<T, enum_kind::bstr> {
  using owned = bstr;
  static owned take(T& t) noexcept { return owned(std::exchange(t, nullptr), take_ownership); }
  static void discard(T& t) noexcept { SysFreeString(std::exchange(t, nullptr)); }
  static HRESULT give(const owned& v, T* out) noexcept {
    *out = v.get() ? SysAllocStringLen(v.get(), static_cast<UINT>(v.size())) : nullptr;
    return !v.get() || *out ? S_OK : E_OUTOFMEMORY;
  }
};
template <typename T>
struct enum_element<T, enum_kind::olestr> {
  using owned = std::u16string;
  static owned take(T& t) {
    struct freer {
      T p;
      ~freer() { CoTaskMemFree(p); }
    } f{std::exchange(t, nullptr)};
    return f.p ? owned(reinterpret_cast<const char16_t*>(f.p)) : owned();  // ABI: OLECHAR is UTF-16
  }
  static void discard(T& t) noexcept { CoTaskMemFree(std::exchange(t, nullptr)); }
  static HRESULT give(const owned& v, T* out) noexcept {
    auto* p = static_cast<OLECHAR*>(CoTaskMemAlloc((v.size() + 1) * sizeof(OLECHAR)));
    if (!p) return *out = nullptr, E_OUTOFMEMORY;
    std::memcpy(p, v.c_str(), (v.size() + 1) * sizeof(OLECHAR));
    *out = p;
    return S_OK;
  }
};
template <typename T>
struct enum_element<T, enum_kind::variant> {
  using owned = variant;
  static owned take(T& t) noexcept {
    owned v;
    std::memcpy(v.put(), &t, sizeof t);  // ABI: a VARIANT moves by its bytes
    VariantInit(&t);
    return v;
  }
  static void discard(T& t) noexcept { VariantClear(&t); }
  static HRESULT give(const owned& v, T* out) noexcept {
    VariantInit(out);
    return VariantCopy(out, v.get());
  }
};

template <typename T>
struct enum_element<T, enum_kind::connection> {
  using owned = connection;
  static owned take(T& t) noexcept { return {com_ptr<IUnknown>(std::exchange(t.pUnk, nullptr), take_ownership), t.dwCookie}; }
  static void discard(T& t) noexcept {
    if (t.pUnk) t.pUnk->Release();
    t.pUnk = nullptr;
  }
  static HRESULT give(const owned& v, T* out) noexcept {
    out->pUnk = v.sink.get();
    if (out->pUnk) out->pUnk->AddRef();
    out->dwCookie = v.cookie;
    return S_OK;
  }
};

template <typename I>
using element_of = enum_element<typename enumerator_traits<I>::element, enumerator_traits<I>::kind>;

struct enum_sentinel {};

/// The input iterator of an enumerator: asks Next for `batch` elements at a
/// time, from wherever the enumerator stands (call Reset to start over). A
/// failed Next throws hresult_error (without exceptions: ends the range).
template <typename I>
class enum_iterator {
 public:
  using element = typename enumerator_traits<I>::element;
  using value_type = typename element_of<I>::owned;
  using difference_type = std::ptrdiff_t;
  using reference = value_type&;
  static constexpr ULONG batch = 16;

  enum_iterator() = default;
  explicit enum_iterator(I* e) : m_enum(e) { fetch(); }

  reference operator*() const noexcept { return m_items->at_pos(); }
  enum_iterator& operator++() {
    if (++m_items->pos >= m_items->values.size()) fetch();
    return *this;
  }
  void operator++(int) { ++*this; }
  friend bool operator==(const enum_iterator& i, enum_sentinel) noexcept {
    return !i.m_items || (i.m_items->done && i.m_items->pos >= i.m_items->values.size());
  }

 private:
  struct state {
    std::vector<value_type> values;
    std::size_t pos = 0;
    bool done = false;
    value_type& at_pos() noexcept { return values[pos]; }
  };

  void fetch() {
    if (!m_items) m_items = std::make_shared<state>();
    state& s = *m_items;
    s.values.clear();
    s.pos = 0;
    if (s.done || !m_enum) {
      s.done = true;
      return;
    }
    element items[batch] = {};
    ULONG got = 0;
    const HRESULT hr = m_enum->Next(batch, items, &got);
    if (hr < 0) {
      s.done = true;
#if COMKIT_HAS_EXCEPTIONS
      throw_hresult(hr, m_enum.get(), guid_of<I>());
#else
      return;
#endif
    }
    if (got > batch) got = batch;  // a broken enumerator cannot make us read past the buffer
    s.values.reserve(got);
    std::size_t k = 0;
#if COMKIT_HAS_EXCEPTIONS
    try {
#endif
      for (; k < got; ++k) s.values.push_back(element_of<I>::take(items[k]));
#if COMKIT_HAS_EXCEPTIONS
    } catch (...) {
      for (; k < got; ++k) element_of<I>::discard(items[k]);  // the rest is ours to free, without allocating
      throw;
    }
#endif
    if (hr != S_OK || got < batch) s.done = true;  // S_FALSE: fewer than asked, the end
  }

  com_ptr<I> m_enum;
  std::shared_ptr<state> m_items;  // shared: an input iterator's copies see one position
};

}  // namespace detail

/// `for (auto&& x : e)` over an enumerator com_ptr.
template <enumerator_interface I>
detail::enum_iterator<I> begin(const com_ptr<I>& e) {
  return detail::enum_iterator<I>(e.get());
}
template <enumerator_interface I>
detail::enum_sentinel end(const com_ptr<I>&) noexcept {
  return {};
}

namespace detail {

/// The object make_enumerator returns: the values, shared with its clones,
/// and a position of its own. Next, Skip, Reset and Clone as documented for
/// IEnumXxx (S_FALSE when fewer than asked remain; pceltFetched may be NULL
/// only when celt is 1). The position is guarded by a mutex: an enumerator
/// may be called from any thread of the MTA.
template <typename I>
struct enumerator_object : implements<enumerator_object<I>, I> {
  using element = typename enumerator_traits<I>::element;
  using owned = typename element_of<I>::owned;

  enumerator_object(std::shared_ptr<const std::vector<owned>> values, std::size_t pos) noexcept
      : m_values(std::move(values)), m_pos(pos) {}

  HRESULT STDMETHODCALLTYPE Next(ULONG celt, element* out, ULONG* fetched) noexcept {
    if (fetched) *fetched = 0;
    if (!out) return E_POINTER;
    if (!fetched && celt != 1) return E_INVALIDARG;
    std::lock_guard<std::mutex> lock(m_lock);
    const std::size_t start = m_pos;
    ULONG n = 0;
    while (n < celt && m_pos < m_values->size()) {
      const HRESULT hr = element_of<I>::give((*m_values)[m_pos], out + n);
      if (hr < 0) {
        while (n > 0) element_of<I>::discard(out[--n]);  // nothing handed out on failure,
        m_pos = start;                                   // and nothing skipped
        return hr;
      }
      ++n;
      ++m_pos;
    }
    if (fetched) *fetched = n;
    return n == celt ? S_OK : S_FALSE;
  }
  HRESULT STDMETHODCALLTYPE Skip(ULONG celt) noexcept {
    std::lock_guard<std::mutex> lock(m_lock);
    const std::size_t left = m_values->size() - m_pos;
    m_pos += celt < left ? celt : left;
    return celt <= left ? S_OK : S_FALSE;
  }
  HRESULT STDMETHODCALLTYPE Reset() noexcept {
    std::lock_guard<std::mutex> lock(m_lock);
    m_pos = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Clone(I** out) noexcept {
    if (!out) return E_POINTER;
    *out = nullptr;
    std::size_t pos;
    {
      std::lock_guard<std::mutex> lock(m_lock);
      pos = m_pos;
    }
    return hand_out(out, [&] { return make<enumerator_object>(m_values, pos); });
  }

 private:
  std::shared_ptr<const std::vector<owned>> m_values;
  std::mutex m_lock;
  std::size_t m_pos;
};

}  // namespace detail

/// An IEnumXxx object over a copy of `range` (any range of values that
/// convert to the enumerator's C++ element: strings for IEnumString,
/// com_ptrs for IEnumUnknown, variants for IEnumVARIANT ...).
template <enumerator_interface I, typename R>
auto make_enumerator(R&& range) {
  using owned = typename detail::element_of<I>::owned;
  auto values = std::make_shared<std::vector<owned>>();
  for (auto&& v : range) values->push_back(owned(v));
  using object = detail::enumerator_object<I>;
#if COMKIT_HAS_EXCEPTIONS
  return com_ptr<I>(make<object>(std::shared_ptr<const std::vector<owned>>(std::move(values)), std::size_t{0}));
#else
  return make<object>(std::shared_ptr<const std::vector<owned>>(std::move(values)), std::size_t{0});
#endif
}

}  // namespace comkit

#endif  // COMKIT_ENUMERATOR_H
