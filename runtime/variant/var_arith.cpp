// runtime/variant/var_arith.cpp - arithmetic and logic on VARIANTs:
// VarAdd, VarSub, VarMul, VarDiv, VarIdiv, VarMod, VarPow, VarNeg, VarAbs,
// VarFix, VarInt, VarRound, VarNot, VarAnd, VarOr, VarXor, VarEqv, VarImp,
// VarCat.
//
// Result types follow Windows' tables (docs/automation.md): the "highest"
// operand decides (NULL, then DECIMAL, DATE, CY, R8 ... down to UI1), with
// the exceptions Windows has - BSTR + BSTR concatenates, a BSTR with a
// number is R8, R4 with I4/I8 is R8, DATE - DATE and DATE * x are R8,
// integer results that overflow move up (UI1 -> I2 -> I4 -> R8). VarAdd,
// VarSub and VarMul refuse I1, UI2, UI4, UI8, INT and UINT, as Windows
// does; the integer and logical operators accept them. The logical
// operators are bitwise, with Visual Basic's NULL rules. On failure the
// result's vt becomes VT_EMPTY and nothing else is written. Inputs are
// never modified; a by-reference operand is read through its pointer and an
// IDispatch through its value property.
#include <cfloat>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <type_traits>

#include "variant/variant_internal.h"
#include "numeric/decimal_math.h"

using namespace comkit::rt;

namespace {

constexpr LCID en_us = 0x409;

// An operand read for arithmetic, after its type was checked: by-reference
// values dereferenced where the function follows them, IDispatch replaced
// by its value. Owns what it holds.
// An operand, read once. Strings are borrowed, not copied: callers routinely
// pass a NUL-terminated OLECHAR array as VT_BSTR (no length prefix), and
// Windows' operators only read string operands, so nothing here may depend
// on the prefix (VariantCopy would copy by it). Borrowed strings are read as
// NUL-terminated text by the conversions (VarXxxFromStr).
struct operand {
  VARIANT v;
  operand() noexcept { VariantInit(&v); }
  operand(const operand&) = delete;
  operand& operator=(const operand&) = delete;
  ~operand() {
    if (!m_borrowed) VariantClear(&v);
  }
  VARTYPE vt() const noexcept { return v.vt; }

  HRESULT read(const VARIANT* in, bool byref_ok) noexcept {
    const VARTYPE vt = in->vt;
    if (!variant_vt_valid(vt)) return DISP_E_BADVARTYPE;
    if (vt & VT_ARRAY) return DISP_E_TYPEMISMATCH;
    if (vt & VT_BYREF) {
      if (!byref_ok || !in->byref) return DISP_E_TYPEMISMATCH;
      if (vt == (VT_BYREF | VT_BSTR)) return borrow_string(*in->pbstrVal);
      if (vt == (VT_BYREF | VT_VARIANT) && in->pvarVal->vt == VT_BSTR) return borrow_string(in->pvarVal->bstrVal);
      if (FAILED(VariantCopyInd(&v, in))) return DISP_E_TYPEMISMATCH;
      return v.vt == VT_DISPATCH ? read_dispatch(v.pdispVal) : S_OK;
    }
    if (vt == VT_DISPATCH) return read_dispatch(in->pdispVal);
    if (vt == VT_RECORD || vt == VT_UNKNOWN || vt == VT_CLSID) return DISP_E_TYPEMISMATCH;  // never operands
    if (vt == VT_BSTR) return borrow_string(in->bstrVal);
    std::memcpy(&v, in, sizeof v);  // a scalar: nothing to own
    return S_OK;
  }

 private:
  HRESULT read_dispatch(IDispatch* disp) noexcept {
    if (!disp) return DISP_E_TYPEMISMATCH;
    // Unlike the conversions, the operators pass Invoke's failure on.
    VARIANT value;
    const HRESULT r = invoke_value(disp, en_us, value);
    if (FAILED(r)) return r;
    VariantClear(&v);
    std::memcpy(&v, &value, sizeof v);
    return S_OK;
  }
  HRESULT borrow_string(BSTR s) noexcept {
    VariantClear(&v);
    v.vt = VT_BSTR;
    v.bstrVal = s;
    m_borrowed = true;
    return S_OK;
  }
  bool m_borrowed = false;  // v.bstrVal belongs to the caller
};

HRESULT fail(VARIANT* result, HRESULT hr) noexcept {
  if (result) result->vt = VT_EMPTY;  // Windows writes only the type
  return hr;
}

VARTYPE base_of(const VARIANT& v) noexcept { return v.vt & VT_TYPEMASK; }
VARTYPE flags_of(const VARIANT& v) noexcept { return v.vt & static_cast<VARTYPE>(~VT_TYPEMASK); }
bool is_one_of(VARTYPE vt, std::initializer_list<VARTYPE> list) noexcept {
  for (VARTYPE t : list)
    if (vt == t) return true;
  return false;
}

// What each function checks before it reads a value, in Windows' order
// (tests/runtime/var_loops_test.cpp). S_OK: go on; S_FALSE: the result is
// VT_NULL without reading the operands; a failure: return it.
using precheck_fn = HRESULT (*)(const VARIANT& l, const VARIANT& r) noexcept;

// The integer types VarAdd, VarSub and VarMul refuse, and the types no
// operator takes.
bool wide_integer(VARTYPE t) noexcept { return is_one_of(t, {VT_I1, VT_UI2, VT_UI4, VT_UI8, VT_INT, VT_UINT}); }
bool never_operand(VARTYPE t) noexcept { return is_one_of(t, {VT_CLSID, VT_RECORD, VT_VARIANT, VT_UNKNOWN}); }

// VarSub: flags first (any without VT_ARRAY: BADVARTYPE; with it:
// TYPEMISMATCH), then the refused types (BADVARTYPE, TYPEMISMATCH where a
// VT_RECORD meets certain types), then NULL with IDispatch (NULL), then an
// IDispatch without an object or VT_ERROR (TYPEMISMATCH).
HRESULT sub_check(const VARIANT& l, const VARIANT& r) noexcept {
  const VARTYPE f = flags_of(l) | flags_of(r);
  if (f) return (f & VT_ARRAY) ? DISP_E_TYPEMISMATCH : DISP_E_BADVARTYPE;
  const VARTYPE lt = l.vt, rt = r.vt;
  auto bad = [](VARTYPE t) { return !variant_vt_valid(t) || never_operand(t) || wide_integer(t); };
  if (bad(lt) || bad(rt)) {
    if (rt == VT_RECORD || (lt == VT_RECORD && (rt == VT_I8 || rt <= VT_UI1))) return DISP_E_TYPEMISMATCH;
    return DISP_E_BADVARTYPE;
  }
  if ((lt == VT_NULL && rt == VT_DISPATCH) || (lt == VT_DISPATCH && rt == VT_NULL)) return S_FALSE;
  if ((lt == VT_DISPATCH && !l.pdispVal) || (rt == VT_DISPATCH && !r.pdispVal) || lt == VT_ERROR || rt == VT_ERROR) return DISP_E_TYPEMISMATCH;
  return S_OK;
}

// VarAdd, VarMul: no flags at all, none of the refused types (even beside
// VT_NULL), then NULL wins.
HRESULT add_mul_check(const VARIANT& l, const VARIANT& r) noexcept {
  const VARTYPE f = flags_of(l) | flags_of(r);
  if (f) return (f & (VT_VECTOR | VT_RESERVED)) ? DISP_E_BADVARTYPE : DISP_E_TYPEMISMATCH;
  const VARTYPE lt = l.vt, rt = r.vt;
  if (!variant_vt_valid(lt) || !variant_vt_valid(rt)) return DISP_E_BADVARTYPE;
  for (VARTYPE t : {lt, rt})
    if (never_operand(t) || wide_integer(t) || t == VT_ERROR) return DISP_E_TYPEMISMATCH;
  if (lt == VT_NULL || rt == VT_NULL) return S_FALSE;
  return S_OK;
}

// The logical operators: valid types only, none of the types that are
// never operands, VT_ERROR refused - before the NULL rules.
HRESULT logic_check(const VARIANT& l, const VARIANT& r) noexcept {
  for (const VARIANT* v : {&l, &r}) {
    if (!variant_vt_valid(v->vt)) return DISP_E_BADVARTYPE;
    if (v->vt & VT_ARRAY) return DISP_E_TYPEMISMATCH;
    const VARTYPE t = base_of(*v);
    if (never_operand(t) || t == VT_ERROR) return DISP_E_TYPEMISMATCH;
  }
  return S_OK;
}

// VarMod, in Windows' order: I8 with INT; EMPTY with NULL; the left
// operand's type; a zero (EMPTY) divisor; the right operand's type.
HRESULT mod_check(const VARIANT& l, const VARIANT& r) noexcept {
  const VARTYPE lt = base_of(l), rt = base_of(r);
  if ((lt == VT_I8 && rt == VT_INT) || (lt == VT_INT && rt == VT_I8)) return DISP_E_TYPEMISMATCH;
  if ((l.vt == VT_EMPTY && r.vt == VT_NULL) || (l.vt == VT_NULL && r.vt == VT_EMPTY)) return S_FALSE;
  auto known_bad = [](VARTYPE t) { return is_one_of(t, {VT_ERROR, VT_VARIANT, VT_UNKNOWN, VT_RECORD}); };
  auto good = [](VARTYPE t) {
    return is_one_of(t, {VT_EMPTY, VT_NULL, VT_I1, VT_UI1, VT_I2, VT_UI2, VT_I4, VT_I8, VT_UI4, VT_UI8, VT_INT, VT_UINT, VT_R4, VT_R8,
                         VT_BOOL, VT_DATE, VT_CY, VT_DECIMAL, VT_BSTR, VT_DISPATCH});
  };
  if (!variant_vt_valid(l.vt) || (!good(lt) && !known_bad(lt))) return DISP_E_BADVARTYPE;
  if (known_bad(lt)) return DISP_E_TYPEMISMATCH;
  if (r.vt == VT_EMPTY) return DISP_E_DIVBYZERO;
  if (!variant_vt_valid(r.vt)) return DISP_E_BADVARTYPE;
  if (known_bad(rt)) return DISP_E_TYPEMISMATCH;
  if (!good(rt)) return DISP_E_BADVARTYPE;
  return S_OK;
}

// VarCat, in Windows' order; `text` is what becomes text.
HRESULT cat_check(const VARIANT& l, const VARIANT& r) noexcept {
  for (const VARIANT* v : {&l, &r}) {
    if (flags_of(*v) && !variant_vt_valid(v->vt)) return DISP_E_BADVARTYPE;
    if (v->vt & VT_ARRAY) return DISP_E_TYPEMISMATCH;
  }
  const VARTYPE lt = base_of(l), rt = base_of(r);
  auto text = [](VARTYPE t) {
    return is_one_of(t, {VT_I2, VT_I4, VT_R4, VT_R8, VT_CY, VT_BOOL, VT_BSTR, VT_I1, VT_UI1, VT_UI2, VT_UI4, VT_I8, VT_UI8, VT_INT, VT_UINT,
                         VT_EMPTY, VT_NULL, VT_DECIMAL, VT_DATE, VT_DISPATCH});
  };
  const bool r_odd = is_one_of(rt, {VT_DATE, VT_ERROR, VT_DECIMAL});
  if (lt == VT_NULL && rt == VT_NULL) return S_FALSE;
  if (lt == VT_VARIANT && r_odd) return DISP_E_TYPEMISMATCH;
  if (text(lt) && text(rt)) return S_OK;
  if (rt == VT_ERROR && lt < VT_VOID) return DISP_E_TYPEMISMATCH;
  if (lt == VT_ERROR && r_odd) return DISP_E_TYPEMISMATCH;
  if (r_odd) return DISP_E_BADVARTYPE;
  if (lt == VT_ERROR || rt == VT_ERROR || lt == VT_VARIANT || (rt == VT_VARIANT && text(lt))) return DISP_E_TYPEMISMATCH;
  return DISP_E_BADVARTYPE;
}

HRESULT no_check(const VARIANT&, const VARIANT&) noexcept { return S_OK; }

// Both operands checked and read. done(): the function returns status()
// now - a failure (the result's vt already VT_EMPTY), or S_OK with a
// VT_NULL result.
struct operand_pair {
  operand l, r;
  HRESULT hr;
  operand_pair(const VARIANT* left, const VARIANT* right, VARIANT* result, precheck_fn check = no_check, bool byref_ok = true) noexcept {
    if (!result) {
      hr = E_INVALIDARG;
      return;
    }
    if (!left || !right) {
      hr = fail(result, E_INVALIDARG);
      return;
    }
    hr = check(*left, *right);
    if (hr == S_FALSE) {
      result->vt = VT_NULL;
      return;
    }
    if (FAILED(hr) || FAILED(hr = l.read(left, byref_ok)) || FAILED(hr = r.read(right, byref_ok))) fail(result, hr);
  }
  bool done() const noexcept { return hr != S_OK; }
  HRESULT status() const noexcept { return hr == S_FALSE ? S_OK : hr; }
};

HRESULT change(const VARIANT& in, VARTYPE vt, VARIANT& out) noexcept {
  VariantInit(&out);
  return VariantChangeTypeEx(&out, &in, en_us, 0, vt);
}

// The operand's value as T through VariantChangeType (VT_EMPTY is 0). The
// value sits at offset 8 for scalars; a DECIMAL is the whole VARIANT.
template <typename T>
HRESULT as(const VARIANT& v, VARTYPE vt, T& out) noexcept {
  VARIANT t;
  const HRESULT hr = change(v, vt, t);
  if (SUCCEEDED(hr)) {
    if constexpr (std::is_same_v<T, DECIMAL>) out = t.decVal;
    else std::memcpy(&out, &t.llVal, sizeof out);
  }
  return hr;
}
HRESULT as_r8(const VARIANT& v, double& d) noexcept { return as(v, VT_R8, d); }
HRESULT as_dec(const VARIANT& v, DECIMAL& d) noexcept { return as(v, VT_DECIMAL, d); }
HRESULT as_cy(const VARIANT& v, CY& c) noexcept { return as(v, VT_CY, c); }
HRESULT as_i8(const VARIANT& v, LONG64& i) noexcept {
  if (v.vt == VT_UI8) {  // VariantChangeType would keep the bits
    if (v.ullVal > static_cast<ULONG64>(INT64_MAX)) return DISP_E_OVERFLOW;
    i = static_cast<LONG64>(v.ullVal);
    return S_OK;
  }
  return as(v, VT_I8, i);
}

bool add_sub_mul_type_ok(VARTYPE vt) noexcept {
  switch (vt) {
    case VT_EMPTY: case VT_NULL: case VT_I2: case VT_I4: case VT_R4: case VT_R8: case VT_CY: case VT_DATE: case VT_BSTR:
    case VT_BOOL: case VT_DECIMAL: case VT_UI1: case VT_I8:
      return true;
    default:
      return false;
  }
}

// Stores an integer in the smallest of the allowed types at or above
// `start`: UI1 -> I2 -> I4 -> (I8 when start is I8) -> R8.
void store_integer(i128 x, VARTYPE start, VARIANT& out) noexcept {
  const VARTYPE chain[] = {VT_UI1, VT_I2, VT_I4, VT_I8};
  int k = start == VT_UI1 ? 0 : start == VT_I2 ? 1 : start == VT_I4 ? 2 : 3;
  for (; k < 4; ++k) {
    const VARTYPE t = chain[k];
    if (t == VT_I8 && start != VT_I8) break;  // I4 overflows straight to R8
    if (t == VT_UI1 && x >= 0 && x <= 255) {
      out.vt = VT_UI1;
      out.bVal = static_cast<BYTE>(x);
      return;
    }
    if (t == VT_I2 && x >= INT16_MIN && x <= INT16_MAX) {
      out.vt = VT_I2;
      out.iVal = static_cast<SHORT>(x);
      return;
    }
    if (t == VT_I4 && x >= INT32_MIN && x <= INT32_MAX) {
      out.vt = VT_I4;
      out.lVal = static_cast<LONG>(x);
      return;
    }
    if (t == VT_I8 && x >= INT64_MIN && x <= INT64_MAX) {
      out.vt = VT_I8;
      out.llVal = static_cast<LONG64>(x);
      return;
    }
  }
  out.vt = VT_R8;
  out.dblVal = static_cast<double>(x);
}

enum class op { add, sub, mul };

HRESULT arith(const VARIANT* left, const VARIANT* right, VARIANT* result, op o) {
  // Windows follows no VT_BYREF here: a reference is refused, not read.
  operand_pair ops(left, right, result, o == op::sub ? sub_check : add_mul_check, false);
  if (ops.done()) return ops.status();
  const operand &l = ops.l, &r = ops.r;
  const VARTYPE lt = l.vt(), rt = r.vt();
  if (!add_sub_mul_type_ok(lt) || !add_sub_mul_type_ok(rt)) return fail(result, DISP_E_TYPEMISMATCH);
  auto either = [&](VARTYPE t) { return lt == t || rt == t; };
  VARIANT out;
  VariantInit(&out);
  HRESULT hr = S_OK;
  if (either(VT_NULL)) {
    out.vt = VT_NULL;
  } else if (o == op::add && ((lt == VT_BSTR && (rt == VT_BSTR || rt == VT_EMPTY)) || (rt == VT_BSTR && lt == VT_EMPTY))) {
    // BSTR + BSTR concatenates.
    hr = VarCat(const_cast<VARIANT*>(&l.v), const_cast<VARIANT*>(&r.v), &out);
  } else if (either(VT_DECIMAL)) {
    DECIMAL a, b;
    hr = as_dec(l.v, a);
    if (SUCCEEDED(hr)) hr = as_dec(r.v, b);
    if (SUCCEEDED(hr)) {
      DECIMAL d;
      hr = o == op::add ? VarDecAdd(&a, &b, &d) : o == op::sub ? VarDecSub(&a, &b, &d) : VarDecMul(&a, &b, &d);
      if (SUCCEEDED(hr)) {
        out.decVal = d;
        out.vt = VT_DECIMAL;
      }
    }
  } else if (o != op::mul && either(VT_DATE) && !(o == op::sub && lt == VT_DATE && rt == VT_DATE) &&
             !(o == op::sub && ((lt == VT_BSTR && rt == VT_EMPTY) || (lt == VT_EMPTY && rt == VT_BSTR)))) {
    double a, b;
    hr = as_r8(l.v, a);
    if (SUCCEEDED(hr)) hr = as_r8(r.v, b);
    if (SUCCEEDED(hr)) {
      out.vt = VT_DATE;
      out.date = o == op::add ? a + b : a - b;
    }
  } else if (either(VT_CY) && !(o == op::mul && either(VT_R4)) && !(o == op::mul && (either(VT_R8) || either(VT_BSTR) || either(VT_DATE))) &&
             !(o != op::mul && (either(VT_DATE)))) {
    CY a, b, c;
    hr = as_cy(l.v, a);
    if (SUCCEEDED(hr)) hr = as_cy(r.v, b);
    if (SUCCEEDED(hr)) hr = o == op::add ? VarCyAdd(a, b, &c) : o == op::sub ? VarCySub(a, b, &c) : VarCyMul(a, b, &c);
    if (SUCCEEDED(hr)) {
      out.vt = VT_CY;
      out.cyVal = c;
    }
  } else if (either(VT_R8) || either(VT_BSTR) || either(VT_DATE) || either(VT_CY) ||
             (either(VT_R4) && (either(VT_I4) || either(VT_I8)))) {
    double a, b;
    hr = as_r8(l.v, a);
    if (SUCCEEDED(hr)) hr = as_r8(r.v, b);
    if (SUCCEEDED(hr)) {
      out.vt = VT_R8;
      out.dblVal = o == op::add ? a + b : o == op::sub ? a - b : a * b;
    }
  } else if (either(VT_R4)) {
    double a, b;
    hr = as_r8(l.v, a);
    if (SUCCEEDED(hr)) hr = as_r8(r.v, b);
    if (SUCCEEDED(hr)) {
      const double x = o == op::add ? a + b : o == op::sub ? a - b : a * b;
      if (std::fabs(x) > FLT_MAX && std::isfinite(x)) {  // an R4 overflow moves up to R8
        out.vt = VT_R8;
        out.dblVal = x;
      } else {
        out.vt = VT_R4;
        out.fltVal = static_cast<float>(x);
      }
    }
  } else {
    // Integers: I8, I4, I2 (BOOL, EMPTY+EMPTY) or UI1.
    VARTYPE start = either(VT_I8) ? VT_I8 : either(VT_I4) ? VT_I4 : (either(VT_I2) || either(VT_BOOL) || (lt == VT_EMPTY && rt == VT_EMPTY)) ? VT_I2 : VT_UI1;
    LONG64 a, b;
    hr = as_i8(l.v, a);
    if (SUCCEEDED(hr)) hr = as_i8(r.v, b);
    if (SUCCEEDED(hr)) {
      const i128 x = o == op::add ? i128(a) + b : o == op::sub ? i128(a) - b : i128(a) * b;
      store_integer(x, start, out);
    }
  }
  if (FAILED(hr)) return fail(result, hr);
  std::memcpy(result, &out, sizeof out);
  return S_OK;
}

// The integer operators' result type (VarIdiv, VarMod): I8 if either is
// I8; I4 for any "wide" type; I2 for UI1/I2/BOOL mixes (and a left EMPTY);
// UI1 for UI1 with UI1.
VARTYPE integer_op_type(VARTYPE lt, VARTYPE rt) noexcept {
  auto either = [&](VARTYPE t) { return lt == t || rt == t; };
  if (either(VT_I8)) return VT_I8;
  auto narrow = [](VARTYPE t) { return t == VT_UI1 || t == VT_I2 || t == VT_BOOL || t == VT_EMPTY || t == VT_NULL; };
  if (!narrow(lt) || !narrow(rt)) return VT_I4;
  if (lt == VT_UI1 && rt == VT_UI1) return VT_UI1;
  return VT_I2;
}

bool integer_op_type_ok(VARTYPE vt) noexcept {
  return vt != VT_ERROR && vt != VT_VARIANT && vt != VT_UNKNOWN && vt != VT_RECORD && vt != VT_CLSID;
}

void store_as(VARTYPE vt, LONG64 x, VARIANT& out) noexcept {
  out.vt = vt;
  switch (vt) {
    case VT_UI1: out.bVal = static_cast<BYTE>(x); break;
    case VT_I2: out.iVal = static_cast<SHORT>(x); break;
    case VT_I4: out.lVal = static_cast<LONG>(x); break;
    case VT_BOOL: out.boolVal = static_cast<VARIANT_BOOL>(x); break;
    default: out.llVal = x; break;
  }
}

bool fits(VARTYPE vt, LONG64 x) noexcept {
  switch (vt) {
    case VT_UI1: return x >= 0 && x <= 255;
    case VT_I2: case VT_BOOL: return x >= INT16_MIN && x <= INT16_MAX;
    case VT_I4: return x >= INT32_MIN && x <= INT32_MAX;
    default: return true;
  }
}

HRESULT int_divmod(const VARIANT* left, const VARIANT* right, VARIANT* result, bool mod) {
  operand_pair ops(left, right, result, mod ? mod_check : no_check);
  if (ops.done()) return ops.status();
  const operand &l = ops.l, &r = ops.r;
  const VARTYPE lt = l.vt(), rt = r.vt();
  if (!integer_op_type_ok(lt) || !integer_op_type_ok(rt)) return fail(result, DISP_E_TYPEMISMATCH);
  if ((lt == VT_I8 && rt == VT_INT) || (lt == VT_INT && rt == VT_I8)) return fail(result, DISP_E_TYPEMISMATCH);
  if (lt == VT_NULL || rt == VT_NULL) {
    if (rt == VT_EMPTY && lt != VT_NULL) return fail(result, DISP_E_DIVBYZERO);
    result->vt = VT_NULL;
    return S_OK;
  }
  if (rt == VT_EMPTY) return fail(result, DISP_E_DIVBYZERO);
  LONG64 a, b;
  HRESULT hr = as_i8(l.v, a);
  if (SUCCEEDED(hr)) hr = as_i8(r.v, b);
  if (FAILED(hr)) return fail(result, hr);
  if (b == 0) return fail(result, DISP_E_DIVBYZERO);
  if (a == INT64_MIN && b == -1) return fail(result, DISP_E_OVERFLOW);
  const LONG64 x = mod ? a % b : a / b;  // the quotient truncates; the remainder takes the dividend's sign
  const VARTYPE t = integer_op_type(lt, rt);
  if (!fits(t, x)) return fail(result, DISP_E_OVERFLOW);
  store_as(t, x, *result);
  return S_OK;
}

// ---- logic -------------------------------------------------------------------------

bool is_bool_text(const VARIANT& v, bool& value) noexcept {
  if (v.vt != VT_BSTR || !v.bstrVal) return false;
  const std::u16string_view s(v.bstrVal);  // NUL-terminated: the operand may have no length prefix
  if (s == u"#TRUE#") value = true;
  else if (s == u"#FALSE#") value = false;
  else return false;
  return true;
}

// A BSTR holding #TRUE#/#FALSE# acts as a VT_BOOL; other text as I4.
VARTYPE logic_kind(const VARIANT& v) noexcept {
  bool b;
  if (v.vt == VT_BSTR) return is_bool_text(v, b) ? VT_BOOL : VT_I4;
  return v.vt;
}

VARTYPE logic_type(VARTYPE lt, VARTYPE rt) noexcept {
  auto either = [&](VARTYPE t) { return lt == t || rt == t; };
  if (either(VT_I8)) return VT_I8;
  auto narrow = [](VARTYPE t) { return t == VT_UI1 || t == VT_I2 || t == VT_BOOL || t == VT_EMPTY || t == VT_NULL; };
  if (!narrow(lt) || !narrow(rt)) return VT_I4;
  if ((lt == VT_BOOL || lt == VT_NULL) && (rt == VT_BOOL || rt == VT_NULL)) return VT_BOOL;
  if ((lt == VT_UI1 || lt == VT_NULL) && (rt == VT_UI1 || rt == VT_NULL)) return VT_UI1;
  return VT_I2;
}

HRESULT logic_value(const VARIANT& v, VARTYPE result_type, LONG64& out) noexcept {
  bool b;
  if (is_bool_text(v, b)) {
    out = b ? -1 : 0;
    return S_OK;
  }
  switch (v.vt) {
    case VT_EMPTY: out = 0; return S_OK;
    case VT_BOOL: out = v.boolVal; return S_OK;
    case VT_UI1: out = v.bVal; return S_OK;
    case VT_I1: out = v.cVal; return S_OK;
    case VT_I2: out = v.iVal; return S_OK;
    case VT_UI2: out = v.uiVal; return S_OK;
    case VT_I4: case VT_INT: out = v.lVal; return S_OK;
    case VT_UI4: case VT_UINT:
      // Reinterpreted as I4 for an I4 result, by value for an I8 result.
      out = result_type == VT_I8 ? static_cast<LONG64>(v.ulVal) : static_cast<LONG64>(static_cast<LONG>(v.ulVal));
      return S_OK;
    case VT_I8: out = v.llVal; return S_OK;
    case VT_UI8:
      if (result_type == VT_I8) {
        out = static_cast<LONG64>(v.ullVal);
        return S_OK;
      } else {
        LONG l;
        HRESULT hr = VarI4FromUI8(v.ullVal, &l);
        out = l;
        return hr;
      }
    default: {
      VARIANT t;
      HRESULT hr = change(v, result_type == VT_I8 ? VT_I8 : VT_I4, t);
      if (FAILED(hr)) return hr;
      out = result_type == VT_I8 ? t.llVal : t.lVal;
      return S_OK;
    }
  }
}

enum class lop { and_, or_, xor_, eqv, imp };

HRESULT logic(const VARIANT* left, const VARIANT* right, VARIANT* result, lop o) {
  operand_pair ops(left, right, result, logic_check);
  if (ops.done()) return ops.status();
  const operand &l = ops.l, &r = ops.r;
  const VARTYPE lk = logic_kind(l.v), rk = logic_kind(r.v);
  if (!integer_op_type_ok(lk) || !integer_op_type_ok(rk)) return fail(result, DISP_E_TYPEMISMATCH);
  if ((lk == VT_I8 && rk == VT_INT) || (lk == VT_INT && rk == VT_I8 && o != lop::imp)) return fail(result, DISP_E_TYPEMISMATCH);
  VARTYPE t = logic_type(lk, rk);
  if (o == lop::and_ && (lk == VT_EMPTY || rk == VT_EMPTY) && t == VT_BOOL) t = VT_I2;
  LONG64 a = 0, b = 0;
  HRESULT hr = S_OK;
  if (lk != VT_NULL) hr = logic_value(l.v, t, a);
  if (SUCCEEDED(hr) && rk != VT_NULL) hr = logic_value(r.v, t, b);
  if (FAILED(hr)) return fail(result, hr);
  const bool ln = lk == VT_NULL, rn = rk == VT_NULL;
  if (ln || rn) {
    // Visual Basic's three-valued logic.
    const LONG64 other = ln ? b : a;
    const VARTYPE other_kind = ln ? rk : lk;
    const VARTYPE ot = logic_type(other_kind, VT_NULL);
    switch (o) {
      case lop::xor_:
      case lop::eqv:
        result->vt = VT_NULL;
        return S_OK;
      case lop::and_:
        if ((ln && rn) || other != 0) {
          if (other_kind == VT_EMPTY) {
            store_as(VT_I2, 0, *result);
            return S_OK;
          }
          result->vt = VT_NULL;
          return S_OK;
        }
        store_as(other_kind == VT_EMPTY ? VARTYPE{VT_I2} : ot, 0, *result);
        return S_OK;
      case lop::or_:
        if ((ln && rn) || other == 0) {
          result->vt = VT_NULL;
          return S_OK;
        }
        store_as(ot, other, *result);
        return S_OK;
      case lop::imp:
        if (ln) {  // NULL imp x: x unless it is 0
          if (rn || other == 0) {
            result->vt = VT_NULL;
            return S_OK;
          }
          store_as(ot, other, *result);
          return S_OK;
        }
        // x imp NULL: NOT x unless that is 0.
        {
          const VARTYPE xt = other_kind == VT_EMPTY ? VARTYPE{VT_I2} : ot;
          LONG64 nx = ~other;
          if (xt == VT_UI1) nx &= 0xff;
          if (nx == 0) {
            result->vt = VT_NULL;
            return S_OK;
          }
          store_as(xt, nx, *result);
          return S_OK;
        }
    }
  }
  LONG64 x = 0;
  switch (o) {
    case lop::and_: x = a & b; break;
    case lop::or_: x = a | b; break;
    case lop::xor_: x = a ^ b; break;
    case lop::eqv: x = ~(a ^ b); break;
    case lop::imp: x = ~a | b; break;
  }
  if (t == VT_UI1) x &= 0xff;
  store_as(t, x, *result);
  return S_OK;
}

// ---- unary --------------------------------------------------------------------------

bool unary_type_ok(VARTYPE vt) noexcept {
  switch (vt) {
    case VT_EMPTY: case VT_NULL: case VT_UI1: case VT_I2: case VT_I4: case VT_I8: case VT_R4: case VT_R8: case VT_DATE:
    case VT_CY: case VT_DECIMAL: case VT_BOOL: case VT_BSTR:
      return true;
    default:
      return false;
  }
}

enum class uop { neg, abs, fix, int_ };

// Windows' unary operators look at the whole VARTYPE: any flag fails.
// VarAbs has its own order of codes.
HRESULT unary_check(const VARIANT& in, uop o) noexcept {
  const VARTYPE vt = in.vt, flags = flags_of(in);
  if (o == uop::abs) {
    if ((flags & VT_ARRAY) || (!flags && is_one_of(vt, {VT_UNKNOWN, VT_ERROR, VT_RECORD}))) return DISP_E_TYPEMISMATCH;
    if ((!flags && vt == VT_DISPATCH && !in.pdispVal)) return DISP_E_TYPEMISMATCH;
    if (flags || vt >= VT_CLSID || vt == VT_VARIANT || !variant_vt_valid(vt)) return DISP_E_BADVARTYPE;
  }
  if (!variant_vt_valid(vt)) return DISP_E_BADVARTYPE;
  if (flags) return DISP_E_TYPEMISMATCH;
  if (vt == VT_DISPATCH) return S_OK;
  if (!unary_type_ok(vt) || (o == uop::abs && vt == VT_I8)) return DISP_E_TYPEMISMATCH;
  return S_OK;
}

HRESULT unary(const VARIANT* in, VARIANT* result, uop o) {
  if (!result) return E_INVALIDARG;
  if (!in) return fail(result, E_INVALIDARG);
  operand v;
  HRESULT check = unary_check(*in, o);
  if (FAILED(check) || FAILED(check = v.read(in, false))) return fail(result, check);
  const VARTYPE vt = v.vt();
  if (!unary_type_ok(vt) || (o == uop::abs && vt == VT_I8)) return fail(result, DISP_E_TYPEMISMATCH);
  VARIANT out;
  VariantInit(&out);
  HRESULT hr = S_OK;
  switch (vt) {
    case VT_NULL: out.vt = VT_NULL; break;
    case VT_EMPTY: store_as(VT_I2, 0, out); break;
    case VT_BOOL:
      // Neg and Abs give I2 1 for TRUE; Fix and Int keep -1.
      store_as(VT_I2, o == uop::neg ? -static_cast<LONG64>(v.v.boolVal) : o == uop::abs ? std::llabs(v.v.boolVal) : v.v.boolVal, out);
      break;
    case VT_UI1:
      if (o == uop::neg) store_as(VT_I2, -static_cast<LONG64>(v.v.bVal), out);
      else store_as(VT_UI1, v.v.bVal, out);
      break;
    case VT_I2: case VT_I4: case VT_I8: {
      LONG64 x = vt == VT_I2 ? v.v.iVal : vt == VT_I4 ? v.v.lVal : v.v.llVal;
      if (o == uop::neg || (o == uop::abs && x < 0)) {
        if (vt == VT_I8 && x == INT64_MIN) {
          out.vt = VT_R8;
          out.dblVal = 9223372036854775808.0;
          break;
        }
        store_integer(-static_cast<i128>(x), vt, out);
      } else {
        store_as(vt, x, out);
      }
      break;
    }
    case VT_R4: case VT_R8: case VT_DATE: case VT_BSTR: {
      double x = vt == VT_R4 ? v.v.fltVal : vt == VT_BSTR ? 0 : v.v.dblVal;
      if (vt == VT_BSTR) {
        hr = as_r8(v.v, x);
        if (FAILED(hr)) break;
      }
      x = o == uop::neg ? -x : o == uop::abs ? std::fabs(x) : o == uop::fix ? std::trunc(x) : std::floor(x);
      const VARTYPE t = vt == VT_BSTR ? VARTYPE{VT_R8} : vt;
      out.vt = t;
      if (t == VT_R4) out.fltVal = static_cast<float>(x);
      else out.dblVal = x;
      break;
    }
    case VT_CY: {
      CY c;
      hr = o == uop::neg ? VarCyNeg(v.v.cyVal, &c) : o == uop::abs ? VarCyAbs(v.v.cyVal, &c) : o == uop::fix ? VarCyFix(v.v.cyVal, &c) : VarCyInt(v.v.cyVal, &c);
      if (SUCCEEDED(hr)) {
        out.vt = VT_CY;
        out.cyVal = c;
      }
      break;
    }
    case VT_DECIMAL: {
      DECIMAL d;
      hr = o == uop::neg ? VarDecNeg(&v.v.decVal, &d) : o == uop::abs ? VarDecAbs(&v.v.decVal, &d) : o == uop::fix ? VarDecFix(&v.v.decVal, &d) : VarDecInt(&v.v.decVal, &d);
      if (SUCCEEDED(hr)) {
        out.decVal = d;
        out.vt = VT_DECIMAL;
      }
      break;
    }
    default:
      hr = DISP_E_TYPEMISMATCH;
  }
  if (FAILED(hr)) return fail(result, hr);
  std::memcpy(result, &out, sizeof out);
  return S_OK;
}

}  // namespace

COMKIT_STDAPI VarAdd(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) { return arith(pvarLeft, pvarRight, pvarResult, op::add); }
COMKIT_STDAPI VarSub(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) { return arith(pvarLeft, pvarRight, pvarResult, op::sub); }
COMKIT_STDAPI VarMul(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) { return arith(pvarLeft, pvarRight, pvarResult, op::mul); }

// R4 stays R4 with R4, I2, BOOL, UI1 or EMPTY; everything else is R8 (or
// DECIMAL). x/0 is DISP_E_DIVBYZERO, 0/0 DISP_E_OVERFLOW.
COMKIT_STDAPI VarDiv(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) {
  operand_pair ops(pvarLeft, pvarRight, pvarResult);
  if (ops.done()) return ops.status();
  const operand &l = ops.l, &r = ops.r;
  const VARTYPE lt = l.vt(), rt = r.vt();
  if (!add_sub_mul_type_ok(lt) || !add_sub_mul_type_ok(rt)) {
    // Windows divides the wider integer types too (as R8).
    auto wide_ok = [](VARTYPE t) { return t == VT_I1 || t == VT_UI2 || t == VT_UI4 || t == VT_UI8 || t == VT_INT || t == VT_UINT; };
    if (!(add_sub_mul_type_ok(lt) || wide_ok(lt)) || !(add_sub_mul_type_ok(rt) || wide_ok(rt))) return fail(pvarResult, DISP_E_TYPEMISMATCH);
  }
  if (lt == VT_NULL || rt == VT_NULL) {
    pvarResult->vt = VT_NULL;
    return S_OK;
  }
  if (lt == VT_DECIMAL || rt == VT_DECIMAL) {
    DECIMAL a, b, d;
    HRESULT hr = as_dec(l.v, a);
    if (SUCCEEDED(hr)) hr = as_dec(r.v, b);
    if (SUCCEEDED(hr)) hr = VarDecDiv(&a, &b, &d);
    if (FAILED(hr)) return fail(pvarResult, hr);
    pvarResult->decVal = d;
    pvarResult->vt = VT_DECIMAL;
    return S_OK;
  }
  double a, b;
  HRESULT hr = as_r8(l.v, a);
  if (SUCCEEDED(hr)) hr = as_r8(r.v, b);
  if (FAILED(hr)) return fail(pvarResult, hr);
  if (b == 0) return fail(pvarResult, a == 0 ? DISP_E_OVERFLOW : DISP_E_DIVBYZERO);
  auto narrow = [](VARTYPE t) { return t == VT_R4 || t == VT_I2 || t == VT_BOOL || t == VT_UI1 || t == VT_EMPTY; };
  if ((lt == VT_R4 || rt == VT_R4) && narrow(lt) && narrow(rt)) {
    pvarResult->vt = VT_R4;
    pvarResult->fltVal = static_cast<float>(a / b);
  } else {
    pvarResult->vt = VT_R8;
    pvarResult->dblVal = a / b;
  }
  return S_OK;
}

COMKIT_STDAPI VarIdiv(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) { return int_divmod(pvarLeft, pvarRight, pvarResult, false); }
COMKIT_STDAPI VarMod(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) { return int_divmod(pvarLeft, pvarRight, pvarResult, true); }

// Always R8 (0^0 is 1), NULL with NULL.
COMKIT_STDAPI VarPow(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) {
  operand_pair ops(pvarLeft, pvarRight, pvarResult);
  if (ops.done()) return ops.status();
  const operand &l = ops.l, &r = ops.r;
  if (!integer_op_type_ok(l.vt()) || !integer_op_type_ok(r.vt())) return fail(pvarResult, DISP_E_TYPEMISMATCH);
  if (l.vt() == VT_NULL || r.vt() == VT_NULL) {
    pvarResult->vt = VT_NULL;
    return S_OK;
  }
  double a, b;
  HRESULT hr = as_r8(l.v, a);
  if (SUCCEEDED(hr)) hr = as_r8(r.v, b);
  if (FAILED(hr)) return fail(pvarResult, hr);
  pvarResult->vt = VT_R8;
  pvarResult->dblVal = std::pow(a, b);
  return S_OK;
}

COMKIT_STDAPI VarNeg(LPVARIANT pvarIn, LPVARIANT pvarResult) { return unary(pvarIn, pvarResult, uop::neg); }
COMKIT_STDAPI VarAbs(LPVARIANT pvarIn, LPVARIANT pvarResult) { return unary(pvarIn, pvarResult, uop::abs); }
COMKIT_STDAPI VarFix(LPVARIANT pvarIn, LPVARIANT pvarResult) { return unary(pvarIn, pvarResult, uop::fix); }
COMKIT_STDAPI VarInt(LPVARIANT pvarIn, LPVARIANT pvarResult) { return unary(pvarIn, pvarResult, uop::int_); }

// Half to even at cDecimals; integers and BOOL (TRUE stays -1) unchanged.
COMKIT_STDAPI VarRound(LPVARIANT pvarIn, int cDecimals, LPVARIANT pvarResult) {
  if (!pvarResult) return E_INVALIDARG;
  if (!pvarIn) return fail(pvarResult, E_INVALIDARG);
  operand v;
  HRESULT check = unary_check(*pvarIn, uop::neg);
  if (FAILED(check) || FAILED(check = v.read(pvarIn, false))) return fail(pvarResult, check);
  if (cDecimals < 0) return fail(pvarResult, E_INVALIDARG);
  VARIANT out;
  VariantInit(&out);
  HRESULT hr = S_OK;
  switch (v.vt()) {
    case VT_NULL: out.vt = VT_NULL; break;
    case VT_EMPTY: store_as(VT_I2, 0, out); break;
    case VT_BOOL: store_as(VT_I2, v.v.boolVal, out); break;
    case VT_UI1: case VT_I2: case VT_I4: hr = VariantCopy(&out, &v.v); break;
    case VT_R4: case VT_R8: case VT_DATE: case VT_BSTR: {
      double x;
      hr = as_r8(v.v, x);
      if (SUCCEEDED(hr)) hr = VarR8Round(x, cDecimals, &x);
      if (SUCCEEDED(hr)) {
        const VARTYPE t = v.vt() == VT_BSTR ? VARTYPE{VT_R8} : v.vt();
        out.vt = t;
        if (t == VT_R4) out.fltVal = static_cast<float>(x);
        else out.dblVal = x;
      }
      break;
    }
    case VT_CY: hr = VarCyRound(v.v.cyVal, cDecimals, &out.cyVal); if (SUCCEEDED(hr)) out.vt = VT_CY; break;
    case VT_DECIMAL: {
      DECIMAL d;
      hr = VarDecRound(&v.v.decVal, cDecimals, &d);
      if (SUCCEEDED(hr)) {
        out.decVal = d;
        out.vt = VT_DECIMAL;
      }
      break;
    }
    default: hr = DISP_E_BADVARTYPE;
  }
  if (FAILED(hr)) return fail(pvarResult, hr);
  std::memcpy(pvarResult, &out, sizeof out);
  return S_OK;
}

// Bitwise complement: BOOL stays BOOL, UI1 UI1, I2 I2, I8 I8; NOT EMPTY is
// I2 -1; every other type (floating point rounded) becomes I4.
COMKIT_STDAPI VarNot(LPVARIANT pvarIn, LPVARIANT pvarResult) {
  if (!pvarResult) return E_INVALIDARG;
  if (!pvarIn) return fail(pvarResult, E_INVALIDARG);
  // Windows' order: the types it complements; then TYPEMISMATCH for what a
  // VARIANT may hold (records, interfaces, errors, references, arrays) and
  // BADVARTYPE for the rest.
  const VARTYPE in_vt = pvarIn->vt;
  const bool complement = is_one_of(in_vt, {VT_I1, VT_UI1, VT_I2, VT_UI2, VT_INT, VT_UINT, VT_I4, VT_UI4, VT_R4, VT_R8, VT_DECIMAL,
                                            VT_BOOL, VT_NULL, VT_EMPTY, VT_DATE, VT_CY, VT_I8, VT_UI8, VT_BSTR, VT_DISPATCH});
  if (!complement) return fail(pvarResult, variant_vt_valid(in_vt) && base_of(*pvarIn) != VT_CLSID ? DISP_E_TYPEMISMATCH : DISP_E_BADVARTYPE);
  operand v;
  if (const HRESULT hr = v.read(pvarIn, false); FAILED(hr)) return fail(pvarResult, hr);
  const VARTYPE k = logic_kind(v.v);
  if (!integer_op_type_ok(k)) return fail(pvarResult, DISP_E_TYPEMISMATCH);
  if (k == VT_NULL) {
    pvarResult->vt = VT_NULL;
    return S_OK;
  }
  const VARTYPE t = k == VT_BOOL ? VT_BOOL : k == VT_UI1 ? VT_UI1 : (k == VT_I2 || k == VT_EMPTY) ? VT_I2 : k == VT_I8 ? VT_I8 : VT_I4;
  LONG64 x;
  HRESULT hr = logic_value(v.v, t, x);
  if (FAILED(hr)) return fail(pvarResult, hr);
  x = ~x;
  if (t == VT_UI1) x &= 0xff;
  store_as(t, x, *pvarResult);
  return S_OK;
}

COMKIT_STDAPI VarAnd(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) { return logic(pvarLeft, pvarRight, pvarResult, lop::and_); }
COMKIT_STDAPI VarOr(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) { return logic(pvarLeft, pvarRight, pvarResult, lop::or_); }
COMKIT_STDAPI VarXor(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) { return logic(pvarLeft, pvarRight, pvarResult, lop::xor_); }
COMKIT_STDAPI VarEqv(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) { return logic(pvarLeft, pvarRight, pvarResult, lop::eqv); }
COMKIT_STDAPI VarImp(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) { return logic(pvarLeft, pvarRight, pvarResult, lop::imp); }

// Text of both sides joined; NULL counts as "" (NULL & NULL is NULL); BOOL
// is "True"/"False"; VT_ERROR is DISP_E_TYPEMISMATCH.
COMKIT_STDAPI VarCat(LPVARIANT pvarLeft, LPVARIANT pvarRight, LPVARIANT pvarResult) {
  operand_pair ops(pvarLeft, pvarRight, pvarResult, cat_check);
  if (ops.done()) return ops.status();
  const operand &l = ops.l, &r = ops.r;
  const VARTYPE lt = l.vt(), rt = r.vt();
  if (lt == VT_ERROR || rt == VT_ERROR || lt == VT_VARIANT || rt == VT_VARIANT) return fail(pvarResult, DISP_E_TYPEMISMATCH);
  if (lt == VT_UNKNOWN || rt == VT_UNKNOWN || lt == VT_RECORD || rt == VT_RECORD || lt == VT_CLSID || rt == VT_CLSID)
    return fail(pvarResult, DISP_E_BADVARTYPE);
  if (lt == VT_NULL && rt == VT_NULL) {
    pvarResult->vt = VT_NULL;
    return S_OK;
  }
  BSTR parts[2] = {nullptr, nullptr};
  const VARIANT* sides[2] = {&l.v, &r.v};
  for (int i = 0; i < 2; ++i) {
    const VARIANT& s = *sides[i];
    if (s.vt == VT_NULL || s.vt == VT_EMPTY) continue;
    if (s.vt == VT_BSTR) {
      parts[i] = s.bstrVal;
      continue;
    }
    VARIANT t;
    HRESULT hr = s.vt == VT_BOOL ? (VariantInit(&t), t.vt = VT_BSTR, VarBstrFromBool(s.boolVal, en_us, VAR_LOCALBOOL, &t.bstrVal))
                                 : change(s, VT_BSTR, t);
    if (FAILED(hr)) {
      if (i == 1) SysFreeString(sides[0]->vt == VT_BSTR ? nullptr : parts[0]);
      return fail(pvarResult, hr);
    }
    parts[i] = t.bstrVal;
  }
  const UINT la = SysStringLen(parts[0]), lb = SysStringLen(parts[1]);
  BSTR joined = SysAllocStringLen(nullptr, la + lb);
  if (joined) {
    if (la) std::memcpy(joined, parts[0], la * sizeof(OLECHAR));
    if (lb) std::memcpy(joined + la, parts[1], lb * sizeof(OLECHAR));
  }
  for (int i = 0; i < 2; ++i)
    if (sides[i]->vt != VT_BSTR) SysFreeString(parts[i]);
  if (!joined) return fail(pvarResult, E_OUTOFMEMORY);
  pvarResult->vt = VT_BSTR;
  pvarResult->bstrVal = joined;
  return S_OK;
}
