/* <weakreference.h> - Windows-compatible name for IWeakReference and
 * IWeakReferenceSource. comkit's own headers hold the definitions. */
#ifndef COMKIT_WIN_WEAKREFERENCE_H
#define COMKIT_WIN_WEAKREFERENCE_H
#include <unknwn.h>
#include <comkit/abi/weakref.h>
#endif
