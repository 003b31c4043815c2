// comkit/variant.h - comkit::variant, a VARIANT with value semantics. Part
// of the C++ projection (comkit::comkit).
//
// Construction picks the VARTYPE from the C++ type: bool is VT_BOOL, the
// fixed-width integers VT_I1..VT_UI8 (int is VT_I4), float VT_R4, double
// VT_R8, strings VT_BSTR (UTF-16 as is, UTF-8 converted), com_ptr<I>
// VT_DISPATCH when I derives from IDispatch and VT_UNKNOWN otherwise,
// safe_array<T> VT_ARRAY | its element type, CY and DECIMAL themselves.
// Copies are VariantCopy (deep), moves transfer the value.
//
// get<T>() converts with VariantChangeType, Windows' rules (rounding,
// overflow, "1,234" to 1234 ...); a failed conversion throws hresult_error,
// or, without exceptions, returns comkit::result<T>. try_get<T>() never
// throws. Comparison is VarCmp's: values of different types compare by
// value (1 == 1.0), a string is greater than any number, and a VT_NULL
// operand makes every comparison false. The arithmetic and bitwise
// operators are VarAdd ... VarNot, with Windows' result types.
#ifndef COMKIT_VARIANT_H
#define COMKIT_VARIANT_H

#include <oleauto.h>

#include <comkit/bstr.h>
#include <comkit/com_ptr.h>
#include <comkit/error.h>
#include <comkit/result.h>
#include <comkit/safe_array.h>

#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace comkit {

namespace detail {
// The VARTYPE that get<T>() converts to.
template <typename T>
struct variant_target;
template <> struct variant_target<bool> : std::integral_constant<VARTYPE, VT_BOOL> {};
template <> struct variant_target<std::int8_t> : std::integral_constant<VARTYPE, VT_I1> {};
template <> struct variant_target<std::uint8_t> : std::integral_constant<VARTYPE, VT_UI1> {};
template <> struct variant_target<std::int16_t> : std::integral_constant<VARTYPE, VT_I2> {};
template <> struct variant_target<std::uint16_t> : std::integral_constant<VARTYPE, VT_UI2> {};
template <> struct variant_target<std::int32_t> : std::integral_constant<VARTYPE, VT_I4> {};
template <> struct variant_target<std::uint32_t> : std::integral_constant<VARTYPE, VT_UI4> {};
template <> struct variant_target<std::int64_t> : std::integral_constant<VARTYPE, VT_I8> {};
template <> struct variant_target<std::uint64_t> : std::integral_constant<VARTYPE, VT_UI8> {};
template <> struct variant_target<float> : std::integral_constant<VARTYPE, VT_R4> {};
template <> struct variant_target<double> : std::integral_constant<VARTYPE, VT_R8> {};
template <> struct variant_target<CY> : std::integral_constant<VARTYPE, VT_CY> {};
template <> struct variant_target<DECIMAL> : std::integral_constant<VARTYPE, VT_DECIMAL> {};
template <> struct variant_target<bstr> : std::integral_constant<VARTYPE, VT_BSTR> {};
template <> struct variant_target<std::u16string> : std::integral_constant<VARTYPE, VT_BSTR> {};
template <> struct variant_target<std::string> : std::integral_constant<VARTYPE, VT_BSTR> {};
template <> struct variant_target<com_ptr<IUnknown>> : std::integral_constant<VARTYPE, VT_UNKNOWN> {};
template <> struct variant_target<com_ptr<IDispatch>> : std::integral_constant<VARTYPE, VT_DISPATCH> {};
}  // namespace detail

class variant {
 public:
  variant() noexcept { VariantInit(&m_v); }
  /// VT_NULL.
  static variant null() noexcept {
    variant v;
    v.m_v.vt = VT_NULL;
    return v;
  }
  /// An omitted [optional] argument: VT_ERROR with DISP_E_PARAMNOTFOUND,
  /// what COM passes for an optional VARIANT the caller left out.
  static variant missing() noexcept {
    variant v;
    v.m_v.vt = VT_ERROR;
    v.m_v.scode = DISP_E_PARAMNOTFOUND;
    return v;
  }
  /// True for an omitted [optional] argument (see missing()).
  bool is_missing() const noexcept { return m_v.vt == VT_ERROR && m_v.scode == DISP_E_PARAMNOTFOUND; }
  /// A deep copy of `v`.
  explicit variant(const VARIANT& v) : variant() { detail::check_or_die(VariantCopy(&m_v, &v)); }

  variant(bool b) noexcept : variant() { set(VT_BOOL, b ? VARIANT_TRUE : VARIANT_FALSE); }
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> && !std::is_same_v<T, char16_t> &&
             sizeof(T) <= 8)
  variant(T x) noexcept : variant() {
    constexpr VARTYPE vts[2][9] = {{0, VT_UI1, VT_UI2, 0, VT_UI4, 0, 0, 0, VT_UI8}, {0, VT_I1, VT_I2, 0, VT_I4, 0, 0, 0, VT_I8}};
    set(vts[std::is_signed_v<T> ? 1 : 0][sizeof(T)], x);
  }
  variant(float x) noexcept : variant() { set(VT_R4, x); }
  variant(double x) noexcept : variant() { set(VT_R8, x); }
  variant(CY x) noexcept : variant() { set(VT_CY, x); }
  variant(const DECIMAL& x) noexcept : variant() {
    m_v.decVal = x;
    m_v.vt = VT_DECIMAL;  // after: decVal overlays vt
  }
  variant(std::u16string_view s) : variant() { take(bstr(s)); }
  variant(const char16_t* s) : variant(std::u16string_view(s)) {}
  /// A UTF-8 string.
  variant(std::string_view s) : variant() { take(bstr::from_utf8(s)); }
  variant(const char* s) : variant(std::string_view(s)) {}
  variant(bstr s) noexcept : variant() { take(std::move(s)); }
  template <typename I>
  variant(const com_ptr<I>& p) noexcept : variant() {
    if constexpr (std::is_base_of_v<IDispatch, I>) {
      m_v.vt = VT_DISPATCH;
      m_v.pdispVal = p.get();
    } else {
      m_v.vt = VT_UNKNOWN;
      m_v.punkVal = p.get();
    }
    if (p) p->AddRef();
  }
  template <typename T, VARTYPE VT>
  variant(safe_array<T, VT>&& a) noexcept : variant() {
    m_v.vt = VT_ARRAY | VT;
    m_v.parray = a.detach();
  }

  variant(const variant& o) : variant() { detail::check_or_die(VariantCopy(&m_v, &o.m_v)); }
  variant(variant&& o) noexcept {
    std::memcpy(&m_v, &o.m_v, sizeof m_v);  // ABI: a VARIANT moves by its bytes
    VariantInit(&o.m_v);
  }
  variant& operator=(const variant& o) {
    if (this != &o) detail::check_or_die(VariantCopy(&m_v, &o.m_v));
    return *this;
  }
  variant& operator=(variant&& o) noexcept {
    if (this != &o) {
      VariantClear(&m_v);
      std::memcpy(&m_v, &o.m_v, sizeof m_v);
      VariantInit(&o.m_v);
    }
    return *this;
  }
  ~variant() { VariantClear(&m_v); }

  VARTYPE vt() const noexcept { return m_v.vt; }
  bool empty() const noexcept { return m_v.vt == VT_EMPTY; }
  bool is_null() const noexcept { return m_v.vt == VT_NULL; }

  /// The VARIANT, still owned (for [in] arguments).
  const VARIANT* get() const noexcept { return &m_v; }
  VARIANT* get() noexcept { return &m_v; }
  /// Clears the value and returns the VARIANT for an [out] argument.
  VARIANT* put() noexcept {
    VariantClear(&m_v);
    return &m_v;
  }
  /// Gives up the value: the caller clears the result.
  [[nodiscard]] VARIANT detach() noexcept {
    VARIANT v;
    std::memcpy(&v, &m_v, sizeof v);
    VariantInit(&m_v);
    return v;
  }

  /// The value converted to T (VariantChangeType); the failure's HRESULT
  /// otherwise (DISP_E_TYPEMISMATCH, DISP_E_OVERFLOW ...).
  template <typename T>
  detail::error_policy::wrap<T> get() const {
    T out{};
    const HRESULT hr = convert_to(out);
    if (FAILED(hr)) return detail::error_policy::fail<T>(hr);
    return out;
  }
  template <typename T>
  std::optional<T> try_get() const noexcept {
    T out{};
    if (FAILED(convert_to(out))) return std::nullopt;
    return out;
  }

  /// VarCmp, en-US: less, equivalent, greater, or unordered when either is
  /// VT_NULL or the types cannot be compared. The integer types VarCmp
  /// refuses (I1, UI2, UI4, UINT, UI8, INT on the right) are widened first,
  /// so every pair of numbers is ordered.
  friend std::partial_ordering operator<=>(const variant& a, const variant& b) noexcept {
    VARIANT wa, wb;
    switch (VarCmp(widened(a.m_v, wa), widened(b.m_v, wb), 0x0409, 0)) {
      case VARCMP_LT: return std::partial_ordering::less;
      case VARCMP_EQ: return std::partial_ordering::equivalent;
      case VARCMP_GT: return std::partial_ordering::greater;
      default: return std::partial_ordering::unordered;
    }
  }
  friend bool operator==(const variant& a, const variant& b) noexcept { return (a <=> b) == 0; }

  /// Arithmetic with Windows' result types (VarAdd, VarSub, VarMul, VarDiv,
  /// VarMod, VarNeg): 1 + 2.5 is VT_R8 3.5, "12" + "12" is "1212", UI1 255
  /// + 255 is VT_I2 510, anything with VT_NULL is VT_NULL. The bitwise
  /// operators are VarAnd, VarOr, VarXor and VarNot (Visual Basic's And, Or,
  /// Xor, Not); concat() is VarCat. Failures (DISP_E_TYPEMISMATCH,
  /// DISP_E_OVERFLOW, DISP_E_DIVBYZERO ...) throw, or without exceptions
  /// come back in result<variant>.
  friend auto operator+(const variant& a, const variant& b) { return apply(VarAdd, a, b); }
  friend auto operator-(const variant& a, const variant& b) { return apply(VarSub, a, b); }
  friend auto operator*(const variant& a, const variant& b) { return apply(VarMul, a, b); }
  friend auto operator/(const variant& a, const variant& b) { return apply(VarDiv, a, b); }
  friend auto operator%(const variant& a, const variant& b) { return apply(VarMod, a, b); }
  friend auto operator&(const variant& a, const variant& b) { return apply(VarAnd, a, b); }
  friend auto operator|(const variant& a, const variant& b) { return apply(VarOr, a, b); }
  friend auto operator^(const variant& a, const variant& b) { return apply(VarXor, a, b); }
  friend auto concat(const variant& a, const variant& b) { return apply(VarCat, a, b); }
  auto operator-() const { return apply(VarNeg, *this); }
  auto operator~() const { return apply(VarNot, *this); }

 private:
  using binary_op = HRESULT(STDAPICALLTYPE*)(LPVARIANT, LPVARIANT, LPVARIANT);
  using unary_op = HRESULT(STDAPICALLTYPE*)(LPVARIANT, LPVARIANT);
  static detail::error_policy::wrap<variant> apply(binary_op f, const variant& a, const variant& b) {
    variant r;
    const HRESULT hr = f(const_cast<VARIANT*>(&a.m_v), const_cast<VARIANT*>(&b.m_v), &r.m_v);
    if (FAILED(hr)) return detail::error_policy::fail<variant>(hr);
    return r;
  }
  static detail::error_policy::wrap<variant> apply(unary_op f, const variant& a) {
    variant r;
    const HRESULT hr = f(const_cast<VARIANT*>(&a.m_v), &r.m_v);
    if (FAILED(hr)) return detail::error_policy::fail<variant>(hr);
    return r;
  }

  static VARIANT* widened(const VARIANT& v, VARIANT& tmp) noexcept {
    tmp = v;
    switch (v.vt) {
      case VT_I1: tmp.vt = VT_I2; tmp.iVal = v.cVal; break;
      case VT_UI2: tmp.vt = VT_I4; tmp.lVal = v.uiVal; break;
      case VT_INT: tmp.vt = VT_I4; break;
      case VT_UI4: case VT_UINT: tmp.vt = VT_I8; tmp.llVal = v.ulVal; break;
      case VT_UI8: VarDecFromUI8(v.ullVal, &tmp.decVal); tmp.vt = VT_DECIMAL; break;
      default: break;
    }
    return &tmp;
  }
  template <typename V>
  void set(VARTYPE vt, V x) noexcept {
    std::memcpy(&m_v.llVal, &x, sizeof x);  // ABI: every scalar sits at offset 8
    m_v.vt = vt;
  }
  void take(bstr s) noexcept {
    m_v.vt = VT_BSTR;
    m_v.bstrVal = s.detach();
    if (!m_v.bstrVal) m_v.bstrVal = SysAllocStringLen(nullptr, 0);
  }

  template <typename T>
  HRESULT convert_to(T& out) const noexcept {
    VARIANT c;
    VariantInit(&c);
    const HRESULT hr = VariantChangeTypeEx(&c, &m_v, 0x0409, 0, detail::variant_target<T>::value);
    if (FAILED(hr)) return hr;
    if constexpr (std::is_same_v<T, bool>) {
      out = c.boolVal != VARIANT_FALSE;
    } else if constexpr (std::is_same_v<T, DECIMAL>) {
      out = c.decVal;
    } else if constexpr (std::is_same_v<T, bstr>) {
      out = bstr(c.bstrVal, take_ownership);
      return S_OK;
    } else if constexpr (std::is_same_v<T, std::u16string>) {
      out.assign(reinterpret_cast<const char16_t*>(c.bstrVal ? c.bstrVal : u""), SysStringLen(c.bstrVal));
    } else if constexpr (std::is_same_v<T, std::string>) {
      out = detail::utf8_of(c.bstrVal);
    } else if constexpr (std::is_same_v<T, com_ptr<IUnknown>> || std::is_same_v<T, com_ptr<IDispatch>>) {
      out = T(static_cast<typename T::type*>(c.punkVal), take_ownership);
      return S_OK;
    } else {
      std::memcpy(&out, &c.llVal, sizeof out);  // ABI: the value at offset 8
    }
    VariantClear(&c);
    return S_OK;
  }

  VARIANT m_v;
};

}  // namespace comkit

#endif  // COMKIT_VARIANT_H
