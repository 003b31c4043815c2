/* <guiddef.h> - Windows-compatible name for the GUID type and comparisons.
 * comkit's own headers hold the definitions; this one only includes them. */
#ifndef COMKIT_WIN_GUIDDEF_H
#define COMKIT_WIN_GUIDDEF_H
#include <comkit/abi/guid.h>
#endif
