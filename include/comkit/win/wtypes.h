/* <wtypes.h> - Windows-compatible name for the base and plain data types.
 * comkit's own headers hold the definitions; this one only includes them. */
#ifndef COMKIT_WIN_WTYPES_H
#define COMKIT_WIN_WTYPES_H
#include <wtypesbase.h>
#include <comkit/abi/wtypes.h>
#endif
