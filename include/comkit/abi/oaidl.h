/* comkit/abi/oaidl.h - OLE Automation (Windows' <oaidl.h>): SAFEARRAY,
 * VARIANT, the type description structures, IDispatch, ITypeInfo(2),
 * ITypeLib(2), ITypeComp, IRecordInfo, IEnumVARIANT and the error
 * information interfaces. Part of the C-compatible ABI layer; the
 * declarations are generated from idl/oaidl.idl (see comkit/abi/unknwn.h). */
#ifndef COMKIT_ABI_OAIDL_H
#define COMKIT_ABI_OAIDL_H

#include <comkit/abi/objidl.h>
#include <comkit/abi/idl/oaidl.h>

#endif /* COMKIT_ABI_OAIDL_H */
