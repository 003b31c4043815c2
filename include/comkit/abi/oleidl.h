/* comkit/abi/oleidl.h - OLE's window and verb interfaces (from Windows'
 * <oleidl.h>): IOleWindow, IOleInPlaceObject, IEnumOLEVERB with OLEVERB,
 * IContinue, IDropSource. Part of the C-compatible ABI layer; the
 * declarations are generated from idl/oleidl.idl (see comkit/abi/unknwn.h). */
#ifndef COMKIT_ABI_OLEIDL_H
#define COMKIT_ABI_OLEIDL_H

#include <comkit/abi/objidl.h>
#include <comkit/abi/idl/oleidl.h>

#endif /* COMKIT_ABI_OLEIDL_H */
