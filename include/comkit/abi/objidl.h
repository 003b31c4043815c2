/* comkit/abi/objidl.h - the COM core interfaces of Windows' <objidl.h> /
 * <objidlbase.h> that comkit provides: IMalloc, IMallocSpy, the streams,
 * enumerators, marshalling and persistence interfaces, the global interface
 * table, IAgileObject and the weak reference interfaces. Part of the
 * C-compatible ABI layer; the declarations are generated from
 * idl/objidl.idl (see comkit/abi/unknwn.h). */
#ifndef COMKIT_ABI_OBJIDL_H
#define COMKIT_ABI_OBJIDL_H

#include <comkit/abi/unknwn.h>
#include <comkit/abi/idl/objidl.h>

#endif /* COMKIT_ABI_OBJIDL_H */
