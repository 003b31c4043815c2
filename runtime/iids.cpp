// runtime/iids.cpp - the IID constants exported as data, as Windows' uuid
// library provides them. Their values come from the interfaces' own
// COMKIT_DECLARE_IID declarations, so each IID is written once.
#include "runtime_internal.h"

#define COMKIT_IMPL_EXPORT_IID(iface) EXTERN_C COMKIT_API const IID IID_##iface = ::comkit::guid_of<iface>()

COMKIT_IMPL_EXPORT_IID(IUnknown);
COMKIT_IMPL_EXPORT_IID(IClassFactory);
COMKIT_IMPL_EXPORT_IID(IMalloc);
COMKIT_IMPL_EXPORT_IID(IMallocSpy);
COMKIT_IMPL_EXPORT_IID(IErrorInfo);
COMKIT_IMPL_EXPORT_IID(ICreateErrorInfo);
COMKIT_IMPL_EXPORT_IID(ISupportErrorInfo);
COMKIT_IMPL_EXPORT_IID(IWeakReference);
COMKIT_IMPL_EXPORT_IID(IWeakReferenceSource);
