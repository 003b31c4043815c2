// runtime/dispatch/dispatch_internal.h - late binding for the rest of
// libcomkit (the type library subsystem's ITypeInfo::Invoke). Never installed.
#ifndef COMKIT_RUNTIME_DISPATCH_INTERNAL_H
#define COMKIT_RUNTIME_DISPATCH_INTERNAL_H

#include <oaidl.h>

namespace comkit::rt {

/// ITypeInfo::Invoke for any type info, through its public methods: finds
/// the vtable function `memid` of the kind `flags` asks for (a dual
/// interface's dispatch view calls through its vtable view; a base's
/// functions are found too), converts DISPPARAMS to its parameters
/// (reverse order, DISPID_PROPERTYPUT, named arguments by position,
/// defaults and missing optionals, [lcid] and [retval]), calls it with
/// DispCallFunc, and turns a failure HRESULT into DISP_E_EXCEPTION with
/// EXCEPINFO filled from the thread's error object.
HRESULT typeinfo_invoke(ITypeInfo* self, void* instance, MEMBERID memid, WORD flags, DISPPARAMS* params, VARIANT* result,
                        EXCEPINFO* excepinfo, UINT* argerr);

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_DISPATCH_INTERNAL_H
