/* comkit/abi/ocidl.h - connection points and IProvideClassInfo (from
 * Windows' <ocidl.h>). Part of the C-compatible ABI layer; the
 * declarations are generated from idl/ocidl.idl (see comkit/abi/unknwn.h). */
#ifndef COMKIT_ABI_OCIDL_H
#define COMKIT_ABI_OCIDL_H

#include <comkit/abi/oaidl.h>
#include <comkit/abi/idl/ocidl.h>

#endif /* COMKIT_ABI_OCIDL_H */
