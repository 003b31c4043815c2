// comkit/comkit.h - the umbrella header of the C++ projection (comkit::comkit):
// consuming (com_ptr, errors, result), producing (implements, tear-offs,
// aggregation, weak references), events, enumerators, late binding, GUIDs
// and HRESULTs.
#ifndef COMKIT_COMKIT_H
#define COMKIT_COMKIT_H

#include <objbase.h>
#include <comkit/abi/extensions.h>
#include <comkit/activation.h>
#include <comkit/bstr.h>
#include <comkit/dispatch.h>
#include <comkit/com_ptr.h>
#include <comkit/error.h>
#include <comkit/events.h>
#include <comkit/guid.h>
#include <comkit/hresult.h>
#include <comkit/implements.h>
#include <comkit/result.h>
#include <comkit/safe_array.h>
#include <comkit/variant.h>
#include <comkit/server.h>
#include <comkit/weak_ref.h>

#endif  // COMKIT_COMKIT_H
