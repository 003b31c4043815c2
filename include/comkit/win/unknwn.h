/* <unknwn.h> - Windows-compatible name for IUnknown and IClassFactory.
 * comkit's own headers hold the definitions; this one only includes them. */
#ifndef COMKIT_WIN_UNKNWN_H
#define COMKIT_WIN_UNKNWN_H
#include <wtypes.h>
#include <comkit/abi/unknwn.h>
#endif
