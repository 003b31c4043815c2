// runtime/variant/vartype_table.h - the scalar VARTYPEs the conversions
// know, in one table, and the VarXxxFromYyy names Windows exports. The
// exported functions (convert.cpp), VariantChangeType's dispatch
// (change_type.cpp) and the conversion test grid
// (tests/runtime/convert_matrix_test.cpp) are all expanded from here, so a
// type or a pair is added in one place. Plain preprocessor data; never
// installed. `scalar<VT>` (C++) is the table as traits.
#ifndef COMKIT_RUNTIME_VARTYPE_TABLE_H
#define COMKIT_RUNTIME_VARTYPE_TABLE_H

// One row per scalar: X(Name, VARTYPE, C type, VARIANT member). Name is the
// spelling in VarNameFromYyy / VarXxxFromName. A DECIMAL travels by
// pointer, everything else by value. VT_BSTR (Str/Bstr) and IDispatch (Disp)
// are the text and object columns; they take an LCID and are not scalars.
#define COMKIT_IMPL_SCALAR_VARTYPES(X) \
  X(I1, VT_I1, CHAR, cVal)             \
  X(UI1, VT_UI1, BYTE, bVal)           \
  X(I2, VT_I2, SHORT, iVal)            \
  X(UI2, VT_UI2, USHORT, uiVal)        \
  X(I4, VT_I4, LONG, lVal)             \
  X(UI4, VT_UI4, ULONG, ulVal)         \
  X(I8, VT_I8, LONG64, llVal)          \
  X(UI8, VT_UI8, ULONG64, ullVal)      \
  X(R4, VT_R4, FLOAT, fltVal)          \
  X(R8, VT_R8, DOUBLE, dblVal)         \
  X(Cy, VT_CY, CY, cyVal)              \
  X(Date, VT_DATE, DATE, date)         \
  X(Bool, VT_BOOL, VARIANT_BOOL, boolVal) \
  X(Dec, VT_DECIMAL, DECIMAL, decVal)

// The scalar-to-scalar functions oleaut32 exports, X(Target, Source): every
// ordered pair of distinct scalars except VarI8FromI4, which Windows does
// not have (VarI4FromI4, VarUI4FromUI4, VarI8FromI8 and VarUI8FromUI8 are
// macros in oleauto.h; the other same-type names do not exist). Every
// scalar also has VarNameFromStr, VarNameFromDisp and VarBstrFromName.
#define COMKIT_IMPL_VAR_FROM_PAIRS(X)                                                                       \
  X(I1, UI1) X(I1, I2) X(I1, UI2) X(I1, I4) X(I1, UI4) X(I1, I8) X(I1, UI8) X(I1, R4) X(I1, R8)             \
  X(I1, Cy) X(I1, Date) X(I1, Bool) X(I1, Dec)                                                             \
  X(UI1, I1) X(UI1, I2) X(UI1, UI2) X(UI1, I4) X(UI1, UI4) X(UI1, I8) X(UI1, UI8) X(UI1, R4) X(UI1, R8)     \
  X(UI1, Cy) X(UI1, Date) X(UI1, Bool) X(UI1, Dec)                                                         \
  X(I2, I1) X(I2, UI1) X(I2, UI2) X(I2, I4) X(I2, UI4) X(I2, I8) X(I2, UI8) X(I2, R4) X(I2, R8)             \
  X(I2, Cy) X(I2, Date) X(I2, Bool) X(I2, Dec)                                                             \
  X(UI2, I1) X(UI2, UI1) X(UI2, I2) X(UI2, I4) X(UI2, UI4) X(UI2, I8) X(UI2, UI8) X(UI2, R4) X(UI2, R8)     \
  X(UI2, Cy) X(UI2, Date) X(UI2, Bool) X(UI2, Dec)                                                         \
  X(I4, I1) X(I4, UI1) X(I4, I2) X(I4, UI2) X(I4, UI4) X(I4, I8) X(I4, UI8) X(I4, R4) X(I4, R8)             \
  X(I4, Cy) X(I4, Date) X(I4, Bool) X(I4, Dec)                                                             \
  X(UI4, I1) X(UI4, UI1) X(UI4, I2) X(UI4, UI2) X(UI4, I4) X(UI4, I8) X(UI4, UI8) X(UI4, R4) X(UI4, R8)     \
  X(UI4, Cy) X(UI4, Date) X(UI4, Bool) X(UI4, Dec)                                                         \
  X(I8, I1) X(I8, UI1) X(I8, I2) X(I8, UI2) X(I8, UI4) X(I8, UI8) X(I8, R4) X(I8, R8)                       \
  X(I8, Cy) X(I8, Date) X(I8, Bool) X(I8, Dec)                                                             \
  X(UI8, I1) X(UI8, UI1) X(UI8, I2) X(UI8, UI2) X(UI8, I4) X(UI8, UI4) X(UI8, I8) X(UI8, R4) X(UI8, R8)     \
  X(UI8, Cy) X(UI8, Date) X(UI8, Bool) X(UI8, Dec)                                                         \
  X(R4, I1) X(R4, UI1) X(R4, I2) X(R4, UI2) X(R4, I4) X(R4, UI4) X(R4, I8) X(R4, UI8) X(R4, R8)             \
  X(R4, Cy) X(R4, Date) X(R4, Bool) X(R4, Dec)                                                             \
  X(R8, I1) X(R8, UI1) X(R8, I2) X(R8, UI2) X(R8, I4) X(R8, UI4) X(R8, I8) X(R8, UI8) X(R8, R4)             \
  X(R8, Cy) X(R8, Date) X(R8, Bool) X(R8, Dec)                                                             \
  X(Cy, I1) X(Cy, UI1) X(Cy, I2) X(Cy, UI2) X(Cy, I4) X(Cy, UI4) X(Cy, I8) X(Cy, UI8) X(Cy, R4)             \
  X(Cy, R8) X(Cy, Date) X(Cy, Bool) X(Cy, Dec)                                                             \
  X(Date, I1) X(Date, UI1) X(Date, I2) X(Date, UI2) X(Date, I4) X(Date, UI4) X(Date, I8) X(Date, UI8)       \
  X(Date, R4) X(Date, R8) X(Date, Cy) X(Date, Bool) X(Date, Dec)                                           \
  X(Bool, I1) X(Bool, UI1) X(Bool, I2) X(Bool, UI2) X(Bool, I4) X(Bool, UI4) X(Bool, I8) X(Bool, UI8)       \
  X(Bool, R4) X(Bool, R8) X(Bool, Cy) X(Bool, Date) X(Bool, Dec)                                           \
  X(Dec, I1) X(Dec, UI1) X(Dec, I2) X(Dec, UI2) X(Dec, I4) X(Dec, UI4) X(Dec, I8) X(Dec, UI8)               \
  X(Dec, R4) X(Dec, R8) X(Dec, Cy) X(Dec, Date) X(Dec, Bool)

#ifdef __cplusplus
#include <oleauto.h>

#include <type_traits>

namespace comkit::rt {

// A scalar as its VarXxxFromYyy parameter: a DECIMAL by pointer.
template <typename T>
T scalar_arg(const T& x) noexcept {
  return x;
}
inline const DECIMAL* scalar_arg(const DECIMAL& x) noexcept { return &x; }

template <VARTYPE VT>
struct scalar;
#define COMKIT_IMPL_SCALAR(Name, VT_, CType, member)                                                     \
  template <>                                                                                            \
  struct scalar<VT_> {                                                                                   \
    using type = CType;                                                                                  \
    using arg = std::conditional_t<std::is_same_v<CType, DECIMAL>, const DECIMAL*, CType>;               \
    static arg arg_of(const VARIANT& v) noexcept { return scalar_arg(v.member); }                              \
    static type* at(VARIANT& v) noexcept { return &v.member; }                                           \
  };                                                                                                     \
  namespace vt_name {                                                                                    \
  constexpr VARTYPE Name = VT_;                                                                          \
  }
COMKIT_IMPL_SCALAR_VARTYPES(COMKIT_IMPL_SCALAR)
#undef COMKIT_IMPL_SCALAR

template <VARTYPE VT>
using arg_t = typename scalar<VT>::arg;
template <VARTYPE VT>
using type_t = typename scalar<VT>::type;

}  // namespace comkit::rt
#endif

#endif  // COMKIT_RUNTIME_VARTYPE_TABLE_H
