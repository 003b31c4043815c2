// runtime/typeinfo/layout.cpp - sizes, alignments and field offsets of a
// type library's types: one rule for the IDL compiler and for
// ICreateTypeInfo::LayOut.
#include <algorithm>

#include "typelib_data.h"

namespace comkit::typelib {

std::pair<std::uint32_t, std::uint32_t> layout_of(const library& lib, const type_desc& t) {
  const std::uint32_t p = lib.syskind == SYS_WIN32 ? 4 : 8;
  switch (t.vt) {
    case VT_I1: case VT_UI1: return {1, 1};
    case VT_I2: case VT_UI2: case VT_BOOL: return {2, 2};
    case VT_I4: case VT_UI4: case VT_INT: case VT_UINT: case VT_R4: case VT_ERROR: case VT_HRESULT: return {4, 4};
    case VT_R8: case VT_I8: case VT_UI8: case VT_CY: case VT_DATE: return {8, 8};
    case VT_DECIMAL: return {16, 8};
    case VT_VARIANT: return {p == 8 ? 24u : 16u, 8};
    case VT_CARRAY: {
      auto [s, a] = t.inner ? layout_of(lib, *t.inner) : std::pair<std::uint32_t, std::uint32_t>{0, 1};
      for (const SAFEARRAYBOUND& b : t.bounds) s *= b.cElements;
      return {s, a};
    }
    case VT_USERDEFINED:
      if (t.ref.kind == href::local && t.ref.index < lib.types.size()) {
        const type_data& u = lib.types[t.ref.index];
        if (u.kind == TKIND_INTERFACE || u.kind == TKIND_DISPATCH || u.kind == TKIND_COCLASS) return {p, p};
        return {u.size, std::max<std::uint32_t>(u.alignment, 1)};
      }
      if (t.ref.kind == href::imported && t.ref.index < lib.imported_types.size()) {
        const imported_type& u = lib.imported_types[t.ref.index];
        if (u.kind == TKIND_INTERFACE || u.kind == TKIND_DISPATCH || u.kind == TKIND_COCLASS) return {p, p};
        if (u.size) return {u.size, std::max<std::uint32_t>(u.alignment, 1)};
      }
      return {4, 4};
    default: return {p, p};  // pointers, strings, interfaces, SAFEARRAY
  }
}

void lay_out(const library& lib, type_data& t) {
  switch (t.kind) {
    case TKIND_ENUM:
      t.size = 4;
      t.alignment = 4;
      return;
    case TKIND_ALIAS: {
      const auto [size, align] = layout_of(lib, t.alias);
      t.size = size;
      t.alignment = static_cast<WORD>(align);
      return;
    }
    case TKIND_RECORD:
    case TKIND_UNION: {
      std::uint32_t offset = 0, size = 0, align = 1;
      for (var_data& v : t.vars) {
        if (v.varkind != VAR_PERINSTANCE) continue;
        const auto [fs, fa] = layout_of(lib, v.type);
        align = std::max(align, fa);
        if (t.kind == TKIND_RECORD) {
          offset = (offset + fa - 1) / fa * fa;
          v.offset = offset;
          offset += fs;
          size = offset;
        } else {
          v.offset = 0;
          size = std::max(size, fs);
        }
      }
      t.size = (size + align - 1) / align * align;
      t.alignment = static_cast<WORD>(align);
      return;
    }
    default:
      return;
  }
}

}  // namespace comkit::typelib
