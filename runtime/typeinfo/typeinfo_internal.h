// runtime/typeinfo/typeinfo_internal.h - what the type library subsystem
// offers the rest of libcomkit. Never installed.
#ifndef COMKIT_RUNTIME_TYPEINFO_INTERNAL_H
#define COMKIT_RUNTIME_TYPEINFO_INTERNAL_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <oaidl.h>

namespace comkit::typelib {
struct library;
}

namespace comkit::rt {

/// The HREFTYPEs a library's ITypeInfos give out, as Windows' loader gives
/// them (offsets into the file's type info and import tables): a local type
/// is index * typeinfo_stride, an imported one (index * impinfo_stride) | 1.
/// interface_view_bit asks for a dual's interface view; dual_twin_href is
/// GetRefTypeOfImplType(-1) of a dual.
constexpr HREFTYPE dual_twin_href = static_cast<HREFTYPE>(-2);
constexpr HREFTYPE interface_view_bit = 2;
constexpr std::uint32_t typeinfo_stride = 0x64;
constexpr std::uint32_t impinfo_stride = 12;

/// Whether a name of a type library equals a caller's NUL-terminated name:
/// case-insensitively (ASCII), as type libraries compare names.
inline bool same_name(std::u16string_view a, const OLECHAR* b) {
  if (!b) return false;
  std::size_t i = 0;
  for (; i < a.size(); ++i) {
    char16_t x = a[i], y = static_cast<char16_t>(b[i]);
    if (!y) return false;
    if (x >= 'a' && x <= 'z') x = static_cast<char16_t>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char16_t>(y - 32);
    if (x != y) return false;
  }
  return b[i] == 0;
}

/// Loads the type library `name`: an absolute path as it is; otherwise
/// looked for in `relative_to` (when not empty), the current directory,
/// $COMKIT_TYPELIB_PATH, beside libcomkit and in its ../share/comkit. The
/// same file loaded twice gives the same object while it lives.
HRESULT load_typelib(const std::string& name, const std::string& relative_to, ITypeLib** out);

/// An ITypeLib2 over `lib`, which no file holds (CreateTypeLib2's view of
/// the library it builds). Its imports are found by their file names as
/// LoadTypeLib finds a bare name.
HRESULT typelib_from_data(comkit::typelib::library lib, ITypeLib** out);

/// What every ITypeInfo of the loader (and typelib_from_data) gives back
/// to its ReleaseTypeAttr/ReleaseFuncDesc/ReleaseVarDesc: plain heap
/// blocks, freed without the type info.
void release_typeattr(TYPEATTR* p);
void release_funcdesc(FUNCDESC* p);
void release_vardesc(VARDESC* p);
/// The VARDESC ITypeComp::Bind gives for an [appobject] coclass
/// (DESCKIND_IMPLICITAPPOBJ): a static variable of the coclass's type,
/// `coclass` its handle in its library; freed by release_vardesc (the
/// ReleaseVarDesc of the loader's type infos). Null when out of memory.
VARDESC* new_appobject_vardesc(HREFTYPE coclass);

/// The file a library that LoadTypeLib loaded came from (canonical); false
/// for any other ITypeLib.
bool loaded_typelib_path(ITypeLib* lib, std::string& path);

/// The CLSID of the unmarshaler of type libraries and type infos passed
/// by value to another process (typelib_marshal.cpp).
inline constexpr GUID CLSID_ComkitTypeLibMarshal = {0x6d1e0a42, 0x3b5c, 0x4f7d, {0x8e, 0x91, 0x2a, 0x3b, 0x4c, 0x5d, 0x6e, 0x7f}};

/// A library of the loader (typelib.cpp).
class type_lib;

/// The MSFT image of `lib`: the bytes it was loaded from, or written from
/// the data it was made of.
HRESULT typelib_image(const type_lib& lib, std::vector<std::uint8_t>& out);

/// The IMarshal of a loaded library (index -1) or of its type info `index`
/// (twin: a dual's interface view), whose IUnknown is `owner` and whose
/// library `lib` stays alive while owner does: the free-threaded marshaler
/// within the process, a copy of the library to another.
HRESULT typelib_marshaler(IUnknown* owner, const type_lib& lib, std::int32_t index, bool twin, void** ppv) noexcept;
/// A CLSID_ComkitTypeLibMarshal object (its class object is one of
/// marshal.cpp's built-in factories).
HRESULT make_typelib_unmarshaler(IUnknown* outer, REFIID riid, void** ppv) noexcept;

/// ITypeComp over one type info (its members, then its base interface's)
/// and over a library (module and enum names, their members); both work
/// through the public ITypeInfo/ITypeLib methods (typecomp.cpp).
HRESULT make_typeinfo_comp(ITypeInfo* ti, ITypeComp** out);
/// What that ITypeComp's Bind and BindType answer, for a type info that is
/// its own ITypeComp (the loader's).
HRESULT typeinfo_bind(ITypeInfo* ti, const OLECHAR* name, WORD flags, ITypeInfo** info, DESCKIND* kind, BINDPTR* ptr);
HRESULT typeinfo_bind_type(const OLECHAR* name, ITypeInfo** info, ITypeComp** comp);
HRESULT make_typelib_comp(ITypeLib* lib, ITypeComp** out);

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_TYPEINFO_INTERNAL_H
