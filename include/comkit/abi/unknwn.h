/* comkit/abi/unknwn.h - IUnknown, IClassFactory and IClassFactory2 (the
 * content of Windows' <unknwn.h>). Part of the C-compatible ABI layer.
 *
 * The declarations are generated from idl/unknwn.idl by comkit's own IDL
 * compiler into comkit/abi/idl/unknwn.h (checked in, like the Windows SDK's
 * generated headers; tools/regen_idl.sh rewrites it and the test
 * abi.generated_headers fails when it is stale). */
#ifndef COMKIT_ABI_UNKNWN_H
#define COMKIT_ABI_UNKNWN_H

#include <comkit/abi/base.h>
#include <comkit/abi/guid.h>
#include <comkit/abi/hresult.h>
#include <comkit/abi/idl/unknwn.h>

#endif /* COMKIT_ABI_UNKNWN_H */
