// runtime/typeinfo/typeinfo_internal.h - what the type library subsystem
// offers the rest of libcomkit. Never installed.
#ifndef COMKIT_RUNTIME_TYPEINFO_INTERNAL_H
#define COMKIT_RUNTIME_TYPEINFO_INTERNAL_H

#include <string>

#include <oaidl.h>

namespace comkit::rt {

/// Loads the type library `name`: an absolute path as it is; otherwise
/// looked for in `relative_to` (when not empty), the current directory,
/// $COMKIT_TYPELIB_PATH, beside libcomkit and in its ../share/comkit. The
/// same file loaded twice gives the same object while it lives.
HRESULT load_typelib(const std::string& name, const std::string& relative_to, ITypeLib** out);

/// ITypeComp over one type info (its members, then its base interface's)
/// and over a library (module and enum names, their members); both work
/// through the public ITypeInfo/ITypeLib methods (typecomp.cpp).
HRESULT make_typeinfo_comp(ITypeInfo* ti, ITypeComp** out);
HRESULT make_typelib_comp(ITypeLib* lib, ITypeComp** out);

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_TYPEINFO_INTERNAL_H
