// comkit/safe_array.h - comkit::safe_array<T>, an owning one-dimensional
// SAFEARRAY seen as a contiguous range of T. Part of the C++ projection.
//
// The element type picks the VARTYPE (element_vt<T>): the integer and
// floating types, VARIANT_BOOL needs the explicit safe_array<VARIANT_BOOL,
// VT_BOOL> (it is a short), DATE the same with VT_DATE, plus CY, DECIMAL,
// VARIANT, BSTR and IUnknown*/IDispatch*. Elements of the last four belong
// to the array: a BSTR read through operator[] is borrowed, not owned.
//
// A safe_array is move-only; copy() makes a deep copy (SafeArrayCopy).
// at() checks the index; operator[] does not. Wrapping a foreign array
// (attach, the take_ownership constructor) checks that it has one dimension
// and the right VARTYPE. Failures throw hresult_error; without exceptions
// they terminate, except where the function returns an HRESULT.
#ifndef COMKIT_SAFE_ARRAY_H
#define COMKIT_SAFE_ARRAY_H

#include <oleauto.h>

#include <comkit/bstr.h>
#include <comkit/com_ptr.h>
#include <comkit/error.h>

#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace comkit {

/// The VARTYPE of a SAFEARRAY holding T (a compile error for other T).
template <typename T>
struct element_vt;
template <> struct element_vt<std::int8_t> : std::integral_constant<VARTYPE, VT_I1> {};
template <> struct element_vt<std::uint8_t> : std::integral_constant<VARTYPE, VT_UI1> {};
template <> struct element_vt<std::int16_t> : std::integral_constant<VARTYPE, VT_I2> {};
template <> struct element_vt<std::uint16_t> : std::integral_constant<VARTYPE, VT_UI2> {};
template <> struct element_vt<std::int32_t> : std::integral_constant<VARTYPE, VT_I4> {};
template <> struct element_vt<std::uint32_t> : std::integral_constant<VARTYPE, VT_UI4> {};
template <> struct element_vt<std::int64_t> : std::integral_constant<VARTYPE, VT_I8> {};
template <> struct element_vt<std::uint64_t> : std::integral_constant<VARTYPE, VT_UI8> {};
template <> struct element_vt<float> : std::integral_constant<VARTYPE, VT_R4> {};
template <> struct element_vt<double> : std::integral_constant<VARTYPE, VT_R8> {};
template <> struct element_vt<CY> : std::integral_constant<VARTYPE, VT_CY> {};
template <> struct element_vt<DECIMAL> : std::integral_constant<VARTYPE, VT_DECIMAL> {};
template <> struct element_vt<VARIANT> : std::integral_constant<VARTYPE, VT_VARIANT> {};
template <> struct element_vt<BSTR> : std::integral_constant<VARTYPE, VT_BSTR> {};
template <> struct element_vt<IUnknown*> : std::integral_constant<VARTYPE, VT_UNKNOWN> {};
template <> struct element_vt<IDispatch*> : std::integral_constant<VARTYPE, VT_DISPATCH> {};

namespace detail {
inline void check_or_die(HRESULT hr) {
#if COMKIT_HAS_EXCEPTIONS
  check_hresult(hr);
#else
  if (FAILED(hr)) std::abort();
#endif
}
}  // namespace detail

template <typename T, VARTYPE VT = element_vt<T>::value>
class safe_array {
  static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8 || sizeof(T) == 16 || sizeof(T) == sizeof(VARIANT),
                "safe_array<T>: T must be an automation element type");

 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  /// No array (get() is NULL, size() 0).
  safe_array() noexcept = default;
  /// `count` zeroed elements indexed from `lower_bound`.
  explicit safe_array(std::size_t count, LONG lower_bound = 0)
      : m_psa(SafeArrayCreateVector(VT, lower_bound, static_cast<ULONG>(count))) {
    if (!m_psa) detail::out_of_memory();
  }
  /// A copy of the elements (BSTRs copied, interfaces AddRef'd, variants
  /// copied).
  safe_array(std::span<const T> items) : safe_array(items.size()) {
    for (std::size_t i = 0; i < items.size(); ++i) put(i, items[i]);
  }
  safe_array(std::initializer_list<T> items) : safe_array(std::span<const T>(items.begin(), items.size())) {}
  safe_array(const std::vector<T>& items) : safe_array(std::span<const T>(items.data(), items.size())) {}
  /// Takes ownership of `psa`, which must have one dimension of type VT.
  /// Otherwise the array is destroyed (it was handed over) and the
  /// constructor fails with E_INVALIDARG / DISP_E_BADVARTYPE.
  safe_array(SAFEARRAY* psa, take_ownership_t) {
    const HRESULT hr = attach(psa);
    if (FAILED(hr)) SafeArrayDestroy(psa);
    detail::check_or_die(hr);
  }

  safe_array(safe_array&& o) noexcept : m_psa(std::exchange(o.m_psa, nullptr)) {}
  safe_array& operator=(safe_array&& o) noexcept {
    if (this != &o) reset(std::exchange(o.m_psa, nullptr));
    return *this;
  }
  safe_array(const safe_array&) = delete;
  safe_array& operator=(const safe_array&) = delete;
  ~safe_array() { SafeArrayDestroy(m_psa); }

  /// A deep copy.
  safe_array copy() const {
    SAFEARRAY* c = nullptr;
    detail::check_or_die(SafeArrayCopy(m_psa, &c));
    safe_array r;
    r.m_psa = c;
    return r;
  }

  /// Adopts `psa` if it has one dimension of type VT; otherwise returns
  /// E_INVALIDARG or DISP_E_BADVARTYPE and keeps the current array.
  HRESULT attach(SAFEARRAY* psa) noexcept {
    if (psa) {
      if (SafeArrayGetDim(psa) != 1) return E_INVALIDARG;
      VARTYPE vt = VT_EMPTY;
      if (FAILED(SafeArrayGetVartype(psa, &vt)) || vt != VT || SafeArrayGetElemsize(psa) != sizeof(T)) return DISP_E_BADVARTYPE;
    }
    reset(psa);
    return S_OK;
  }
  [[nodiscard]] SAFEARRAY* detach() noexcept { return std::exchange(m_psa, nullptr); }
  SAFEARRAY* get() const noexcept { return m_psa; }
  /// Destroys the current array and returns the slot for an [out] SAFEARRAY**.
  /// The caller should attach() what it receives to have it checked.
  SAFEARRAY** put() noexcept {
    reset(nullptr);
    return &m_psa;
  }

  std::size_t size() const noexcept { return m_psa ? m_psa->rgsabound[0].cElements : 0; }
  bool empty() const noexcept { return size() == 0; }
  LONG lower_bound() const noexcept { return m_psa ? m_psa->rgsabound[0].lLbound : 0; }
  T* data() noexcept { return m_psa ? static_cast<T*>(m_psa->pvData) : nullptr; }
  const T* data() const noexcept { return m_psa ? static_cast<const T*>(m_psa->pvData) : nullptr; }
  iterator begin() noexcept { return data(); }
  iterator end() noexcept { return data() + size(); }
  const_iterator begin() const noexcept { return data(); }
  const_iterator end() const noexcept { return data() + size(); }

  /// Position i counts from 0, whatever the lower bound.
  T& operator[](std::size_t i) noexcept { return data()[i]; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }
  /// As operator[], but DISP_E_BADINDEX (thrown) outside 0..size()-1.
  T& at(std::size_t i) {
    if (i >= size()) detail::check_or_die(DISP_E_BADINDEX);
    return data()[i];
  }
  const T& at(std::size_t i) const { return const_cast<safe_array*>(this)->at(i); }

  /// Replaces element i with a copy of `value` (SafeArrayPutElement: BSTRs
  /// copied, interfaces AddRef'd, variants copied; the old one released).
  void put(std::size_t i, const T& value) {
    LONG index = lower_bound() + static_cast<LONG>(i);
    void* pv;
    if constexpr (VT == VT_BSTR || VT == VT_UNKNOWN || VT == VT_DISPATCH)
      pv = const_cast<void*>(static_cast<const void*>(value));  // ABI: these take the value itself
    else
      pv = const_cast<T*>(&value);
    detail::check_or_die(i < size() ? SafeArrayPutElement(m_psa, &index, pv) : DISP_E_BADINDEX);
  }

  /// The elements as a vector (trivially copyable element types only).
  std::vector<T> to_vector() const
    requires std::is_trivially_copyable_v<T> && (VT != VT_BSTR && VT != VT_UNKNOWN && VT != VT_DISPATCH)
  {
    return std::vector<T>(begin(), end());
  }

 private:
  void reset(SAFEARRAY* psa) noexcept { SafeArrayDestroy(std::exchange(m_psa, psa)); }
  SAFEARRAY* m_psa = nullptr;
};

/// The elements of a BSTR array as owning strings.
inline std::vector<bstr> to_vector(const safe_array<BSTR>& a) {
  std::vector<bstr> out;
  out.reserve(a.size());
  for (BSTR s : a) out.emplace_back(s ? bstr(std::u16string_view(reinterpret_cast<const char16_t*>(s), SysStringLen(s))) : bstr());
  return out;
}

}  // namespace comkit

#endif  // COMKIT_SAFE_ARRAY_H
