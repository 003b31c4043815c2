// tests/runtime/var_loops_test.cpp - every operator over every pair of
// VARTYPEs (0..82 and 4085..4095) with each of the 16 combinations of
// VT_VECTOR, VT_ARRAY, VT_BYREF and VT_RESERVED on both operands, operands
// zeroed (NULL pointers) except where noted: the HRESULT and result type
// Windows gives. Where Windows' recorded behaviour pins the exact code
// (VarSub, VarMod, VarCat, VarNot, VarAbs) the test does too; elsewhere it
// accepts DISP_E_TYPEMISMATCH or DISP_E_BADVARTYPE for a failure. Beyond
// the codes, this checks that no combination crashes or leaks.
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <cstring>
#include <initializer_list>
#include <vector>

namespace {

const VARTYPE extra_flags[] = {0,
                               VT_VECTOR,
                               VT_ARRAY,
                               VT_BYREF,
                               VT_RESERVED,
                               VT_VECTOR | VT_ARRAY,
                               VT_VECTOR | VT_BYREF,
                               VT_VECTOR | VT_RESERVED,
                               VT_VECTOR | VT_ARRAY | VT_BYREF,
                               VT_VECTOR | VT_ARRAY | VT_RESERVED,
                               VT_VECTOR | VT_BYREF | VT_RESERVED,
                               VT_VECTOR | VT_ARRAY | VT_BYREF | VT_RESERVED,
                               VT_ARRAY | VT_BYREF,
                               VT_ARRAY | VT_RESERVED,
                               VT_ARRAY | VT_BYREF | VT_RESERVED,
                               VT_BYREF | VT_RESERVED};

std::vector<VARTYPE> all_vts() {
  std::vector<VARTYPE> v;
  for (VARTYPE t = 0; t <= VT_CLSID + 10; ++t) v.push_back(t);
  for (VARTYPE t = VT_BSTR_BLOB - 10; t <= VT_BSTR_BLOB; ++t) v.push_back(t);
  return v;
}

// The VARIANT types VariantClear accepts, with these flags.
bool valid_for_clear(VARTYPE vt, VARTYPE flags) {
  if (!(vt <= 31 || vt == VT_RECORD || vt == VT_CLSID)) return false;
  if (vt == 15 || (vt >= 24 && vt <= 31)) return false;
  if ((flags & (VT_BYREF | VT_ARRAY)) && vt <= VT_NULL) return false;
  return flags == 0 || flags == VT_BYREF || flags == VT_ARRAY || flags == (VT_ARRAY | VT_BYREF);
}

bool any_of(VARTYPE vt, std::initializer_list<VARTYPE> list) {
  for (VARTYPE t : list) {
    if (vt == t) return true;
  }
  return false;
}
bool either(VARTYPE l, VARTYPE r, VARTYPE t) { return l == t || r == t; }

// Owns the BSTR it may hold.
struct operand {
  VARIANT v;
  operand(VARTYPE vt, VARTYPE flags, const char16_t* text = nullptr) {
    std::memset(&v, 0, sizeof v);
    v.vt = vt | flags;
    if (vt == VT_BSTR && text) v.bstrVal = SysAllocString(reinterpret_cast<const OLECHAR*>(text));
  }
  ~operand() {
    if ((v.vt & VT_TYPEMASK) == VT_BSTR) SysFreeString(v.bstrVal);
  }
  operand(const operand&) = delete;
  operand& operator=(const operand&) = delete;
};

struct expectation {
  bool fail = false;
  bool exact = false;  // fail with exactly `hr`
  HRESULT hr = S_OK;
  VARTYPE vt = VT_EMPTY;  // the result type on success
  HRESULT also[2] = {DISP_E_TYPEMISMATCH, DISP_E_TYPEMISMATCH};  // failures accepted beside the usual two
};

expectation fails() {
  expectation e;
  e.fail = true;
  return e;
}
expectation fails_with(HRESULT hr) {
  expectation e;
  e.fail = true;
  e.exact = true;
  e.hr = hr;
  return e;
}
expectation gives(VARTYPE vt) {
  expectation e;
  e.vt = vt;
  return e;
}

using binary_fn = HRESULT(STDAPICALLTYPE*)(LPVARIANT, LPVARIANT, LPVARIANT);

// Sets the operands' values once both are built (the loops with non-zero
// divisors); the default leaves them as built.
const auto keep_values = [](operand&, operand&, VARTYPE, VARTYPE, VARTYPE) {};

template <typename Expect, typename Skip, typename Values, typename Adjust = decltype(keep_values)>
void binary_loop(const char* name, binary_fn f, Expect expect, Skip skip, Values values, bool with_flags = true,
                 Adjust adjust = keep_values) {
  const std::vector<VARTYPE> vts = all_vts();
  int checked = 0;
  for (VARTYPE flags : extra_flags) {
    if (!with_flags && flags) continue;
    for (VARTYPE l : vts) {
      for (VARTYPE r : vts) {
        if (skip(l, r, flags)) continue;
        operand left(l, flags, values(l, true, flags)), right(r, flags, values(r, false, flags));
        adjust(left, right, l, r, flags);
        VARIANT res;
        VariantInit(&res);
        const expectation e = expect(l, r, flags);
        const HRESULT hr = f(&left.v, &right.v, &res);
        const auto where = [&] { return std::string(name) + " vt " + std::to_string(l) + ", " + std::to_string(r) + " flags 0x" + std::to_string(flags); };
        if (e.fail) {
          if (e.exact) {
            EXPECT_EQ(hr, e.hr) << where();
          } else {
            const bool ok = hr == DISP_E_TYPEMISMATCH || hr == DISP_E_BADVARTYPE || hr == e.also[0] || hr == e.also[1];
            EXPECT_TRUE(ok) << where() << " gave 0x" << std::hex << hr;
          }
          EXPECT_EQ(res.vt, VT_EMPTY) << where();
        } else {
          EXPECT_EQ(hr, S_OK) << where();
          if (hr == S_OK) {
            EXPECT_EQ(res.vt, e.vt) << where();
          }
        }
        if (SUCCEEDED(hr)) VariantClear(&res);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 1000) << name;
}

const auto no_skip = [](VARTYPE, VARTYPE, VARTYPE) { return false; };

// ---- VarSub: exact codes -------------------------------------------------------------

expectation sub_expect(VARTYPE l, VARTYPE r, VARTYPE flags) {
  if (flags && !(flags & VT_ARRAY)) return fails_with(DISP_E_BADVARTYPE);
  if (flags & VT_ARRAY) return fails_with(DISP_E_TYPEMISMATCH);
  const auto bad = [](VARTYPE t) {
    return !valid_for_clear(t, 0) ||
           any_of(t, {VT_CLSID, VT_VARIANT, VT_I1, VT_UI2, VT_UI4, VT_UI8, VT_INT, VT_UINT, VT_UNKNOWN, VT_RECORD});
  };
  if (bad(l) || bad(r)) {
    if (l == VT_RECORD && r == VT_I8) return fails_with(DISP_E_TYPEMISMATCH);
    if (r == VT_RECORD) return fails_with(DISP_E_TYPEMISMATCH);
    if (l == VT_RECORD && r <= VT_UI1) return fails_with(DISP_E_TYPEMISMATCH);
    return fails_with(DISP_E_BADVARTYPE);
  }
  if ((l == VT_NULL && r == VT_DISPATCH) || (l == VT_DISPATCH && r == VT_NULL)) return gives(VT_NULL);
  if (either(l, r, VT_DISPATCH) || either(l, r, VT_ERROR)) return fails_with(DISP_E_TYPEMISMATCH);
  if (either(l, r, VT_NULL)) return gives(VT_NULL);
  if ((l == VT_EMPTY && r == VT_BSTR) || (l == VT_BSTR && r == VT_EMPTY) || (l == VT_BSTR && r == VT_BSTR) || (l == VT_DATE && r == VT_DATE))
    return gives(VT_R8);
  if (either(l, r, VT_DECIMAL)) return gives(VT_DECIMAL);
  if (either(l, r, VT_DATE)) return gives(VT_DATE);
  if (either(l, r, VT_CY)) return gives(VT_CY);
  if (either(l, r, VT_R8)) return gives(VT_R8);
  if (either(l, r, VT_BSTR)) return gives(VT_R8);
  if (either(l, r, VT_R4)) return gives(either(l, r, VT_I4) || either(l, r, VT_I8) ? VARTYPE{VT_R8} : VARTYPE{VT_R4});
  if (either(l, r, VT_I8)) return gives(VT_I8);
  if (either(l, r, VT_I4)) return gives(VT_I4);
  if (either(l, r, VT_I2) || either(l, r, VT_BOOL) || (l == VT_EMPTY && r == VT_EMPTY)) return gives(VT_I2);
  return gives(VT_UI1);
}

TEST(OperatorLoops, VarSub) {
  binary_loop("VarSub", VarSub, sub_expect, no_skip, [](VARTYPE, bool, VARTYPE) { return u"12"; });
}

// ---- VarAdd, VarMul ---------------------------------------------------------------------

bool add_mul_fails(VARTYPE l, VARTYPE r, VARTYPE flags) {
  if (flags) return true;
  for (VARTYPE t : {l, r}) {
    if (!valid_for_clear(t, 0)) return true;
    if (any_of(t, {VT_CLSID, VT_RECORD, VT_VARIANT, VT_ERROR, VT_I1, VT_UI2, VT_UI4, VT_UI8, VT_INT, VT_UINT})) return true;
  }
  return false;
}

expectation add_expect(VARTYPE l, VARTYPE r, VARTYPE flags) {
  if (add_mul_fails(l, r, flags)) return fails();
  if (either(l, r, VT_NULL)) return gives(VT_NULL);
  if (either(l, r, VT_DISPATCH)) return fails();
  if (either(l, r, VT_DECIMAL)) return gives(VT_DECIMAL);
  if (either(l, r, VT_DATE)) return gives(VT_DATE);
  if (either(l, r, VT_CY)) return gives(VT_CY);
  if (either(l, r, VT_R8)) return gives(VT_R8);
  if (either(l, r, VT_BSTR)) {
    const bool text = (l == VT_BSTR || l == VT_EMPTY) && (r == VT_BSTR || r == VT_EMPTY);
    return gives(text ? VARTYPE{VT_BSTR} : VARTYPE{VT_R8});
  }
  if (either(l, r, VT_R4)) return gives(either(l, r, VT_I4) || either(l, r, VT_I8) ? VARTYPE{VT_R8} : VARTYPE{VT_R4});
  if (either(l, r, VT_I8)) return gives(VT_I8);
  if (either(l, r, VT_I4)) return gives(VT_I4);
  if (either(l, r, VT_I2) || either(l, r, VT_BOOL) || (l == VT_EMPTY && r == VT_EMPTY)) return gives(VT_I2);
  return gives(VT_UI1);
}

TEST(OperatorLoops, VarAdd) {
  binary_loop(
      "VarAdd", VarAdd, add_expect, [](VARTYPE l, VARTYPE r, VARTYPE) { return l == VT_UNKNOWN || r == VT_UNKNOWN; },
      [](VARTYPE, bool, VARTYPE) { return u"12"; });
}

expectation mul_expect(VARTYPE l, VARTYPE r, VARTYPE flags) {
  if (add_mul_fails(l, r, flags)) return fails();
  if (either(l, r, VT_NULL)) return gives(VT_NULL);
  if (either(l, r, VT_DECIMAL)) return gives(VT_DECIMAL);
  if (either(l, r, VT_R8) || either(l, r, VT_BSTR) || either(l, r, VT_DATE)) return gives(VT_R8);
  if (either(l, r, VT_R4))
    return gives(either(l, r, VT_I4) || either(l, r, VT_I8) || either(l, r, VT_CY) ? VARTYPE{VT_R8} : VARTYPE{VT_R4});
  if (either(l, r, VT_CY)) return gives(VT_CY);
  if (either(l, r, VT_I8)) return gives(VT_I8);
  if (either(l, r, VT_I4)) return gives(VT_I4);
  if (either(l, r, VT_I2) || either(l, r, VT_BOOL) || (l == VT_EMPTY && r == VT_EMPTY)) return gives(VT_I2);
  return gives(VT_UI1);
}

TEST(OperatorLoops, VarMul) {
  binary_loop(
      "VarMul", VarMul, mul_expect,
      [](VARTYPE l, VARTYPE r, VARTYPE) { return any_of(l, {VT_DISPATCH, VT_UNKNOWN}) || any_of(r, {VT_DISPATCH, VT_UNKNOWN}); },
      [](VARTYPE, bool, VARTYPE) { return u"12"; });
}

// ---- VarDiv, VarIdiv, VarPow, VarImp (plain VT_BYREF skipped: Windows dereferences it) ----

bool div_skip(VARTYPE l, VARTYPE r, VARTYPE flags) {
  if (flags == VT_BYREF) return true;
  for (VARTYPE t : {l, r}) {
    if (any_of(t, {VT_ERROR, VT_VARIANT, VT_DISPATCH, VT_UNKNOWN, VT_RECORD, 15, VT_I1, VT_UI8, VT_INT, VT_UINT, VT_UI2, VT_UI4}) || t > VT_UINT)
      return true;
  }
  return false;
}

expectation div_expect(VARTYPE l, VARTYPE r, VARTYPE flags) {
  expectation e;
  if (flags) e = fails();
  else if (r == VT_EMPTY) e = l == VT_NULL ? gives(VT_NULL) : fails();
  else if (either(l, r, VT_NULL)) e = gives(VT_NULL);
  else if (either(l, r, VT_DECIMAL)) e = gives(VT_DECIMAL);
  else if (l == VT_R4 || r == VT_R4) {
    const VARTYPE o = l == VT_R4 ? r : l;
    e = gives(any_of(o, {VT_UI1, VT_BOOL, VT_I2, VT_R4, VT_EMPTY}) ? VARTYPE{VT_R4} : VARTYPE{VT_R8});
  } else {
    e = gives(VT_R8);
  }
  e.also[0] = DISP_E_OVERFLOW;
  e.also[1] = DISP_E_DIVBYZERO;
  return e;
}

TEST(OperatorLoops, VarDiv) {
  // The divisor is non-zero: BSTR "2", BOOL TRUE, CY 0.0002, DECIMAL 2, the rest 2.
  binary_loop("VarDiv", VarDiv, div_expect, div_skip, [](VARTYPE, bool, VARTYPE) { return u"2"; }, true,
              [](operand& left, operand& right, VARTYPE l, VARTYPE r, VARTYPE flags) {
                if (flags) return;
                switch (r) {
                  case VT_BOOL: right.v.boolVal = VARIANT_TRUE; break;
                  case VT_I2: right.v.iVal = 2; break;
                  case VT_I4: right.v.lVal = 2; break;
                  case VT_R4: right.v.fltVal = 2; break;
                  case VT_R8: case VT_DATE: right.v.dblVal = 2; break;
                  case VT_UI1: right.v.bVal = 2; break;
                  case VT_I8: right.v.llVal = 2; break;
                  case VT_CY: right.v.cyVal.int64 = 2; break;
                  case VT_DECIMAL: right.v.decVal.Lo64 = 2; right.v.vt = VT_DECIMAL; break;
                  default: break;
                }
                if (l == VT_DECIMAL) {
                  left.v.decVal.Lo64 = 2;
                  left.v.vt = VT_DECIMAL;
                }
              });
}

bool idiv_skip(VARTYPE l, VARTYPE r, VARTYPE flags) {
  if (flags == VT_BYREF) return true;
  for (VARTYPE t : {l, r}) {
    if (any_of(t, {VT_ERROR, VT_VARIANT, VT_DISPATCH, VT_UNKNOWN, VT_RECORD, 15}) || t > VT_UINT) return true;
  }
  return false;
}

void set_two(operand& o, VARTYPE t) {
  switch (t) {
    case VT_BOOL: o.v.boolVal = VARIANT_TRUE; break;
    case VT_CY: o.v.cyVal.int64 = 100000000; break;  // 10000.0
    case VT_DECIMAL: o.v.decVal.Lo64 = 2; o.v.vt = VT_DECIMAL; break;
    case VT_R4: o.v.fltVal = 2; break;
    case VT_R8: case VT_DATE: o.v.dblVal = 2; break;
    case VT_I1: case VT_UI1: o.v.bVal = 2; break;
    case VT_I2: case VT_UI2: o.v.iVal = 2; break;
    case VT_I4: case VT_UI4: case VT_INT: case VT_UINT: o.v.lVal = 2; break;
    case VT_I8: case VT_UI8: o.v.llVal = 2; break;
    default: break;
  }
}

expectation idiv_expect(VARTYPE l, VARTYPE r, VARTYPE flags) {
  expectation e;
  const std::initializer_list<VARTYPE> wide = {VT_I4, VT_INT, VT_UINT, VT_UI8, VT_UI4, VT_UI2, VT_I1, VT_BSTR, VT_DATE, VT_CY, VT_DECIMAL, VT_R8, VT_R4};
  if ((l == VT_I8 && r == VT_INT) || (l == VT_INT && r == VT_I8) || (r == VT_EMPTY && l != VT_NULL) || flags) e = fails();
  else if (either(l, r, VT_NULL)) e = gives(VT_NULL);
  else if (either(l, r, VT_I8)) e = gives(VT_I8);
  else if (any_of(l, wide) || any_of(r, wide)) e = gives(VT_I4);
  else if (either(l, r, VT_I2) || either(l, r, VT_BOOL) || l == VT_EMPTY) e = gives(VT_I2);
  else e = gives(VT_UI1);
  e.also[0] = DISP_E_DIVBYZERO;
  return e;
}

TEST(OperatorLoops, VarIdiv) {
  binary_loop("VarIdiv", VarIdiv, idiv_expect, idiv_skip, [](VARTYPE, bool, VARTYPE) { return u"2"; }, true,
              [](operand& left, operand& right, VARTYPE l, VARTYPE r, VARTYPE flags) {
                if (flags) return;
                if (l == VT_DECIMAL) set_two(left, l);
                set_two(right, r);
              });
}

TEST(OperatorLoops, VarPow) {
  binary_loop(
      "VarPow", VarPow,
      [](VARTYPE l, VARTYPE r, VARTYPE flags) {
        if (flags) return fails();
        if (either(l, r, VT_NULL)) return gives(VT_NULL);
        return gives(VT_R8);
      },
      idiv_skip, [](VARTYPE, bool, VARTYPE) { return u"2"; });
}

// ---- VarMod: exact codes, no flags -------------------------------------------------------

TEST(OperatorLoops, VarMod) {
  const auto good = [](VARTYPE t) {
    return any_of(t, {VT_EMPTY, VT_NULL, VT_I1, VT_UI1, VT_I2, VT_UI2, VT_I4, VT_I8, VT_UI4, VT_UI8, VT_INT, VT_UINT, VT_R4, VT_R8,
                      VT_BOOL, VT_DATE, VT_CY, VT_DECIMAL});
  };
  const auto known_bad = [](VARTYPE t) { return any_of(t, {VT_ERROR, VT_VARIANT, VT_UNKNOWN, VT_RECORD}); };
  const std::vector<VARTYPE> vts = all_vts();
  VARIANT res;
  std::memset(&res, 0, sizeof res);
  res.vt = 15;  // never reset between calls, as on Windows' test: the function must not look at it
  for (VARTYPE l : vts) {
    for (VARTYPE r : vts) {
      if (l == VT_BSTR || r == VT_BSTR || l == VT_DISPATCH || r == VT_DISPATCH || l == VT_BSTR_BLOB || r == VT_BSTR_BLOB) continue;
      operand left(l, 0), right(r, 0);
      for (operand* o : {&left, &right}) {
        switch (o->v.vt) {
          case VT_CY: o->v.cyVal.int64 = o == &left ? 1000000 : 10000; break;
          case VT_R4: o->v.fltVal = 100; break;
          case VT_R8: o->v.dblVal = 100; break;
          case VT_DATE: o->v.dblVal = 1000; break;
          case VT_I8: case VT_UI8: o->v.llVal = 100; break;
          case VT_DECIMAL: o->v.decVal.Lo64 = 100; o->v.vt = VT_DECIMAL; break;
          default: o->v.lVal = 10000; break;
        }
      }
      HRESULT want;
      if ((l == VT_I8 && r == VT_INT) || (l == VT_INT && r == VT_I8)) want = DISP_E_TYPEMISMATCH;
      else if ((l == VT_EMPTY && r == VT_NULL) || (l == VT_NULL && r == VT_EMPTY)) want = S_OK;
      else if (!good(l) && !known_bad(l)) want = DISP_E_BADVARTYPE;
      else if (known_bad(l)) want = DISP_E_TYPEMISMATCH;
      else if (r == VT_EMPTY) want = DISP_E_DIVBYZERO;
      else if (known_bad(r)) want = DISP_E_TYPEMISMATCH;
      else if (!good(r)) want = DISP_E_BADVARTYPE;
      else want = S_OK;
      const HRESULT hr = VarMod(&left.v, &right.v, &res);
      EXPECT_EQ(hr, want) << "VarMod " << l << ", " << r;
      if (FAILED(hr)) {
        EXPECT_EQ(res.vt, VT_EMPTY);
      }
    }
  }
}

// ---- the logical operators --------------------------------------------------------------

TEST(OperatorLoops, VarAnd) {
  binary_loop(
      "VarAnd", VarAnd,
      [](VARTYPE l, VARTYPE r, VARTYPE flags) {
        if ((l == VT_I8 && r == VT_INT) || (l == VT_INT && r == VT_I8) || flags) return fails();
        if (either(l, r, VT_I8)) return gives(VT_I8);
        const std::initializer_list<VARTYPE> wide = {VT_I4, VT_UINT, VT_INT, VT_R4, VT_R8, VT_CY, VT_DATE, VT_I1, VT_UI2, VT_UI4, VT_UI8, VT_DECIMAL};
        if (any_of(l, wide) || any_of(r, wide)) return gives(VT_I4);
        if (either(l, r, VT_UI1) || either(l, r, VT_I2) || either(l, r, VT_EMPTY)) {
          const bool ui1 = (l == VT_NULL && r == VT_UI1) || (l == VT_UI1 && r == VT_NULL) || (l == VT_UI1 && r == VT_UI1);
          return gives(ui1 ? VARTYPE{VT_UI1} : VARTYPE{VT_I2});
        }
        if (either(l, r, VT_BOOL) || (l == VT_BSTR && r == VT_BSTR)) return gives(VT_BOOL);
        return gives(VT_NULL);
      },
      [](VARTYPE l, VARTYPE r, VARTYPE) {
        for (VARTYPE t : {l, r}) {
          if (any_of(t, {VT_ERROR, VT_VARIANT, VT_DISPATCH, VT_UNKNOWN, 15}) || t > VT_UINT) return true;
        }
        return false;
      },
      [](VARTYPE, bool, VARTYPE flags) { return flags ? nullptr : u"#TRUE#"; });
}

expectation xor_expect(VARTYPE l, VARTYPE r, VARTYPE flags) {
  if (flags) return fails();
  for (VARTYPE t : {l, r}) {
    if (!valid_for_clear(t, 0) || any_of(t, {VT_CLSID, VT_RECORD, VT_VARIANT, VT_ERROR})) return fails();
  }
  if (either(l, r, VT_EMPTY)) {
    const VARTYPE o = l == VT_EMPTY ? r : l;
    if (any_of(o, {VT_EMPTY, VT_I2, VT_UI1, VT_BOOL})) return gives(VT_I2);
    if (o == VT_NULL) return gives(VT_NULL);
    if (o == VT_I8) return gives(VT_I8);
    return gives(VT_I4);
  }
  if (either(l, r, VT_NULL)) return gives(VT_NULL);
  if (either(l, r, VT_UI1)) {
    const VARTYPE o = l == VT_UI1 ? r : l;
    if (o == VT_UI1) return gives(VT_UI1);
    if (any_of(o, {VT_I2, VT_BOOL})) return gives(VT_I2);
    if (o == VT_I8) return gives(VT_I8);
    return gives(VT_I4);
  }
  if (either(l, r, VT_I2)) {
    const VARTYPE o = l == VT_I2 ? r : l;
    if (any_of(o, {VT_I2, VT_BOOL})) return gives(VT_I2);
    if (o == VT_I8) return gives(VT_I8);
    return gives(VT_I4);
  }
  if (l == VT_BOOL && r == VT_BOOL) return gives(VT_BOOL);
  if (either(l, r, VT_I8)) return either(l, r, VT_INT) ? fails() : gives(VT_I8);
  return gives(VT_I4);
}

const auto xor_skip = [](VARTYPE l, VARTYPE r, VARTYPE) {
  return any_of(l, {VT_BSTR, VT_DISPATCH, VT_UNKNOWN}) || any_of(r, {VT_BSTR, VT_DISPATCH, VT_UNKNOWN});
};
const auto zero_values = [](VARTYPE, bool, VARTYPE) -> const char16_t* { return nullptr; };

TEST(OperatorLoops, VarOr) { binary_loop("VarOr", VarOr, xor_expect, xor_skip, zero_values); }
TEST(OperatorLoops, VarXor) { binary_loop("VarXor", VarXor, xor_expect, xor_skip, zero_values); }
TEST(OperatorLoops, VarEqv) { binary_loop("VarEqv", VarEqv, xor_expect, xor_skip, zero_values); }

expectation imp_expect(VARTYPE l, VARTYPE r, VARTYPE flags) {
  const std::initializer_list<VARTYPE> wide = {VT_I4, VT_INT, VT_UINT, VT_UI4, VT_UI8, VT_UI2, VT_DECIMAL, VT_DATE, VT_CY, VT_R8, VT_R4, VT_I1};
  if ((l == VT_I8 && r == VT_INT) || flags) return fails();
  if ((l == VT_BSTR && r == VT_NULL) || (l == VT_NULL && r == VT_NULL) || (l == VT_NULL && r == VT_EMPTY)) return gives(VT_NULL);
  if (either(l, r, VT_I8)) return gives(VT_I8);
  if (any_of(l, wide) || any_of(r, wide)) return gives(VT_I4);
  if ((l == VT_UI1 && r == VT_UI1) || (l == VT_UI1 && r == VT_NULL) || (l == VT_NULL && r == VT_UI1)) return gives(VT_UI1);
  if (either(l, r, VT_EMPTY) || either(l, r, VT_I2) || either(l, r, VT_UI1)) return gives(VT_I2);
  return gives(VT_BOOL);
}

TEST(OperatorLoops, VarImp) {
  // Left is zero (BSTR "#TRUE#"), right non-zero (CY 1.0, the rest 2).
  binary_loop(
      "VarImp", VarImp, imp_expect,
      [](VARTYPE l, VARTYPE r, VARTYPE flags) { return idiv_skip(l, r, flags) || ((l == VT_UI4 || l == VT_UI8) && r == VT_BSTR); },
      [](VARTYPE, bool, VARTYPE) { return u"#TRUE#"; }, true,
      [](operand&, operand& right, VARTYPE, VARTYPE r, VARTYPE flags) {
        if (flags) return;
        set_two(right, r);
        if (r == VT_CY) right.v.cyVal.int64 = 10000;
      });
}

// ---- VarCat: exact codes, no flags ---------------------------------------------------------

TEST(OperatorLoops, VarCat) {
  const auto in_g = [](VARTYPE t) {
    return any_of(t, {VT_I2, VT_I4, VT_R4, VT_R8, VT_CY, VT_BOOL, VT_BSTR, VT_I1, VT_UI1, VT_UI2, VT_UI4, VT_I8, VT_UI8, VT_INT, VT_UINT,
                      VT_EMPTY, VT_NULL, VT_DECIMAL, VT_DATE});
  };
  binary_loop(
      "VarCat", VarCat,
      [&](VARTYPE l, VARTYPE r, VARTYPE) {
        if (l == VT_NULL && r == VT_NULL) return gives(VT_NULL);
        if (l == VT_VARIANT && any_of(r, {VT_ERROR, VT_DATE, VT_DECIMAL})) return fails_with(DISP_E_TYPEMISMATCH);
        if (in_g(l) && in_g(r)) return gives(VT_BSTR);
        if (r == VT_ERROR && l < VT_VOID) return fails_with(DISP_E_TYPEMISMATCH);
        if (l == VT_ERROR && any_of(r, {VT_DATE, VT_ERROR, VT_DECIMAL})) return fails_with(DISP_E_TYPEMISMATCH);
        if (any_of(r, {VT_DATE, VT_ERROR, VT_DECIMAL})) return fails_with(DISP_E_BADVARTYPE);
        if (either(l, r, VT_ERROR)) return fails_with(DISP_E_TYPEMISMATCH);
        if (l == VT_VARIANT) return fails_with(DISP_E_TYPEMISMATCH);
        if (r == VT_VARIANT && in_g(l)) return fails_with(DISP_E_TYPEMISMATCH);
        return fails_with(DISP_E_BADVARTYPE);
      },
      [](VARTYPE l, VARTYPE r, VARTYPE) {
        return any_of(l, {VT_DISPATCH, VT_UNKNOWN, VT_RECORD, 15}) || any_of(r, {VT_DISPATCH, VT_UNKNOWN, VT_RECORD, 15});
      },
      [](VARTYPE, bool, VARTYPE) { return u""; }, false);
}

// ---- VarCmp ------------------------------------------------------------------------------

TEST(OperatorLoops, VarCmp) {
  const std::vector<VARTYPE> vts = all_vts();
  for (VARTYPE flags : extra_flags) {
    for (VARTYPE l : vts) {
      for (VARTYPE r : vts) {
        operand left(l, flags, u"-1"), right(r, flags, u"-1");
        const VARTYPE f = flags & static_cast<VARTYPE>(~VT_RESERVED);
        bool fail = (f & (VT_ARRAY | VT_BYREF)) || !valid_for_clear(l, f) || !valid_for_clear(r, f) || r == VT_INT;
        for (VARTYPE t : {l, r}) {
          if (any_of(t, {VT_CLSID, VT_DISPATCH, VT_ERROR, VT_RECORD, VT_UNKNOWN, VT_VARIANT, VT_I1, VT_UI2, VT_UI4, VT_UI8, VT_UINT})) fail = true;
        }
        HRESULT want;
        if (l == VT_ERROR && r == VT_ERROR && f == 0) want = VARCMP_EQ;
        else if (fail) want = E_FAIL;  // either code
        else if (either(l, r, VT_NULL)) want = VARCMP_NULL;
        else if (l == VT_BSTR && r == VT_BSTR) want = VARCMP_EQ;
        else if (l == VT_BSTR && r == VT_EMPTY) want = VARCMP_GT;
        else if (l == VT_EMPTY && r == VT_BSTR) want = VARCMP_LT;
        else if (l == VT_BSTR) want = (flags & VT_RESERVED) ? VARCMP_LT : VARCMP_GT;
        else if (r == VT_BSTR) want = (flags & VT_RESERVED) ? VARCMP_GT : VARCMP_LT;
        else want = VARCMP_EQ;
        const HRESULT hr = VarCmp(&left.v, &right.v, LOCALE_USER_DEFAULT, 0);
        if (want == E_FAIL) {
          EXPECT_TRUE(hr == DISP_E_TYPEMISMATCH || hr == DISP_E_BADVARTYPE) << "VarCmp " << l << ", " << r << " flags " << flags;
        } else {
          EXPECT_EQ(hr, want) << "VarCmp " << l << ", " << r << " flags " << flags;
        }
      }
    }
  }
}

// ---- unary ---------------------------------------------------------------------------------

using unary_fn = HRESULT(STDAPICALLTYPE*)(LPVARIANT, LPVARIANT);

template <typename Expect>
void unary_loop(const char* name, unary_fn f, Expect expect) {
  for (VARTYPE flags : extra_flags) {
    for (VARTYPE t : all_vts()) {
      operand in(t, flags);
      VARIANT res;
      VariantInit(&res);
      const expectation e = expect(t, flags);
      const HRESULT hr = f(&in.v, &res);
      if (e.fail) {
        if (e.exact) {
          EXPECT_EQ(hr, e.hr) << name << " vt " << t << " flags " << flags;
        } else {
          EXPECT_TRUE(hr == DISP_E_TYPEMISMATCH || hr == DISP_E_BADVARTYPE) << name << " vt " << t << " flags " << flags;
        }
      } else {
        EXPECT_EQ(hr, S_OK) << name << " vt " << t;
        VariantClear(&res);
      }
    }
  }
}

TEST(OperatorLoops, VarNegFixInt) {
  const auto expect = [](VARTYPE t, VARTYPE flags) {
    if (!flags && any_of(t, {VT_UI1, VT_I2, VT_I4, VT_R4, VT_R8, VT_DECIMAL, VT_BOOL, VT_NULL, VT_EMPTY, VT_DATE, VT_CY, VT_I8}))
      return gives(VT_EMPTY);
    return fails();
  };
  unary_loop("VarNeg", VarNeg, expect);
  unary_loop("VarFix", VarFix, expect);
  unary_loop("VarInt", VarInt, expect);
}

TEST(OperatorLoops, VarNot) {
  unary_loop("VarNot", VarNot, [](VARTYPE t, VARTYPE flags) {
    if (!flags && any_of(t, {VT_I1, VT_UI1, VT_I2, VT_UI2, VT_INT, VT_UINT, VT_I4, VT_UI4, VT_R4, VT_R8, VT_DECIMAL, VT_BOOL, VT_NULL,
                             VT_EMPTY, VT_DATE, VT_CY, VT_I8, VT_UI8}))
      return gives(VT_EMPTY);
    if (!flags && any_of(t, {VT_RECORD, VT_UNKNOWN, VT_BSTR, VT_DISPATCH, VT_ERROR})) return fails_with(DISP_E_TYPEMISMATCH);
    if (valid_for_clear(t, flags) && t != VT_CLSID) return fails_with(DISP_E_TYPEMISMATCH);
    return fails_with(DISP_E_BADVARTYPE);
  });
}

TEST(OperatorLoops, VarAbs) {
  const std::vector<VARTYPE> vts = all_vts();
  for (VARTYPE flags : extra_flags) {
    for (VARTYPE t : vts) {
      if (any_of(t, {VT_I8, VT_UI8, VT_INT, VT_UINT, VT_I1, VT_UI2, VT_UI4})) continue;  // not recorded
      operand in(t, flags);
      VARIANT res;
      VariantInit(&res);
      HRESULT want;
      if ((flags & VT_ARRAY) || (!flags && any_of(t, {VT_UNKNOWN, VT_BSTR, VT_DISPATCH, VT_ERROR, VT_RECORD}))) want = DISP_E_TYPEMISMATCH;
      else if (flags || t >= VT_CLSID || t == VT_VARIANT) want = DISP_E_BADVARTYPE;
      else if (valid_for_clear(t, 0)) want = S_OK;
      else want = DISP_E_BADVARTYPE;
      EXPECT_EQ(VarAbs(&in.v, &res), want) << "VarAbs vt " << t << " flags " << flags;
      if (want == S_OK) VariantClear(&res);
    }
  }
}

// ---- VariantChangeTypeEx from the special sources to every target ------------------------

// An IUnknown that also answers for IDispatch; its Invoke must never run
// (Windows does not read the value property of a VT_UNKNOWN source).
struct no_invoke_object : IDispatch {
  ULONG refs = 1;
  int invokes = 0;
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (riid == IID_IUnknown || riid == IID_IDispatch) {
      *ppv = this;
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR*, UINT, LCID, DISPID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID, REFIID, LCID, WORD, DISPPARAMS*, VARIANT*, EXCEPINFO*, UINT*) override {
    ++invokes;
    return E_FAIL;
  }
};

bool invalid_target(VARTYPE t) { return t == 15 || (t >= 24 && t <= 35) || t >= 37; }
bool value_target(VARTYPE t) {
  return any_of(t, {VT_I2, VT_I4, VT_R4, VT_R8, VT_CY, VT_DATE, VT_BSTR, VT_BOOL, VT_DECIMAL, VT_I1, VT_UI1, VT_UI2, VT_UI4, VT_I8, VT_UI8,
                    VT_INT, VT_UINT});
}

TEST(ChangeTypeLoops, SpecialSourcesToEveryTarget) {
  no_invoke_object obj;
  for (VARTYPE t = 0; t < 4096; ++t) {
    VARIANT src, dst;
    // VT_EMPTY
    VariantInit(&src);
    VariantInit(&dst);
    HRESULT want = invalid_target(t) ? DISP_E_BADVARTYPE
                   : (value_target(t) || t == VT_EMPTY || t == VT_NULL) ? S_OK
                                                                         : DISP_E_TYPEMISMATCH;
    EXPECT_EQ(VariantChangeTypeEx(&dst, &src, 0x409, 0, t), want) << "EMPTY to " << t;
    if (want == S_OK) {
      EXPECT_EQ(dst.vt, t);
    }
    VariantClear(&dst);
    // VT_NULL
    src.vt = VT_NULL;
    want = invalid_target(t) ? DISP_E_BADVARTYPE : t == VT_NULL ? S_OK : DISP_E_TYPEMISMATCH;
    EXPECT_EQ(VariantChangeTypeEx(&dst, &src, 0x409, 0, t), want) << "NULL to " << t;
    if (want != S_OK) {
      EXPECT_EQ(dst.vt, VT_EMPTY);
    }
    VariantClear(&dst);
    // VT_ERROR
    src.vt = VT_ERROR;
    src.scode = 1;
    want = invalid_target(t) ? DISP_E_BADVARTYPE : t == VT_ERROR ? S_OK : DISP_E_TYPEMISMATCH;
    EXPECT_EQ(VariantChangeTypeEx(&dst, &src, 0x409, 0, t), want) << "ERROR to " << t;
    VariantClear(&dst);
    // VT_UNKNOWN (an object that is also an IDispatch)
    VariantInit(&src);
    src.vt = VT_UNKNOWN;
    src.punkVal = static_cast<IUnknown*>(&obj);
    want = invalid_target(t) ? DISP_E_BADVARTYPE
           : any_of(t, {VT_EMPTY, VT_NULL, VT_DISPATCH, VT_UNKNOWN}) ? S_OK
                                                                     : DISP_E_TYPEMISMATCH;
    EXPECT_EQ(VariantChangeTypeEx(&dst, &src, 0x409, 0, t), want) << "UNKNOWN to " << t;
    VariantClear(&dst);
  }
  EXPECT_EQ(obj.invokes, 0);
  EXPECT_EQ(obj.refs, 1u);
}

TEST(ChangeTypeLoops, NumbersToEveryTarget) {
  const VARTYPE sources[] = {VT_I1, VT_UI1, VT_I2, VT_UI2, VT_I4, VT_UI4, VT_I8, VT_UI8, VT_R4, VT_R8, VT_DATE, VT_BOOL};
  VARIANT dst;
  VariantInit(&dst);  // reused and never cleared between calls, as in Windows' test
  for (VARTYPE s : sources) {
    for (VARTYPE t = 0; t <= VT_CLSID + 1; ++t) {
      VARIANT src;
      VariantInit(&src);
      src.vt = s;
      switch (s) {
        case VT_R4: src.fltVal = 1; break;
        case VT_R8: case VT_DATE: src.dblVal = 1; break;
        default: src.llVal = 1; break;
      }
      const HRESULT want = invalid_target(t) ? DISP_E_BADVARTYPE
                           : (value_target(t) || t == VT_EMPTY || t == VT_NULL) ? S_OK
                                                                                 : DISP_E_TYPEMISMATCH;
      const HRESULT hr = VariantChangeTypeEx(&dst, &src, 0x409, 0, t);
      EXPECT_EQ(hr, want) << s << " to " << t;
      if (hr != S_OK) continue;
      EXPECT_EQ(dst.vt, t);
      VARIANT as_r8;
      VariantInit(&as_r8);
      if (value_target(t) && t != VT_BOOL && !(s == VT_DATE && t == VT_BSTR)) {  // a DATE's text is a date
        ASSERT_EQ(VariantChangeTypeEx(&as_r8, &dst, 0x409, 0, VT_R8), S_OK) << s << " to " << t;
        EXPECT_EQ(as_r8.dblVal, 1.0) << s << " to " << t;
      }
    }
  }
  VariantClear(&dst);
}

}  // namespace
