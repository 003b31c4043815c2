/* <rpcdce.h> - Windows-compatible name for the RPC UUID functions.
 * comkit's own headers hold the definitions; this one only includes them. */
#ifndef COMKIT_WIN_RPCDCE_H
#define COMKIT_WIN_RPCDCE_H
#include <comkit/abi/rpcdce.h>
#endif
