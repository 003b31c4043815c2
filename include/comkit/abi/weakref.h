/* comkit/abi/weakref.h - IWeakReference and IWeakReferenceSource (Windows'
 * <weakreference.h>). They are declared with the other core interfaces in
 * the header generated from idl/objidl.idl; this name stays for includers. */
#ifndef COMKIT_ABI_WEAKREF_H
#define COMKIT_ABI_WEAKREF_H

#include <comkit/abi/objidl.h>

#endif /* COMKIT_ABI_WEAKREF_H */
