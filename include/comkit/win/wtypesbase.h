/* <wtypesbase.h> - Windows-compatible name for the base types.
 * comkit's own headers hold the definitions; this one only includes them. */
#ifndef COMKIT_WIN_WTYPESBASE_H
#define COMKIT_WIN_WTYPESBASE_H
#include <comkit/abi/base.h>
#include <comkit/abi/guid.h>
#endif
