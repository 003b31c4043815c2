/* <rpc.h> - Windows-compatible name for the RPC UUID functions.
 * comkit's own headers hold the definitions; this one only includes them. */
#ifndef COMKIT_WIN_RPC_H
#define COMKIT_WIN_RPC_H
#include <rpcdce.h>
#endif
