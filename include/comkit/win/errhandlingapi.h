/* <errhandlingapi.h> - Windows-compatible name: GetLastError, SetLastError.
 * comkit has only the subset COM code relies on (docs/apartments.md). */
#ifndef COMKIT_WIN_ERRHANDLINGAPI_H
#define COMKIT_WIN_ERRHANDLINGAPI_H
#include <objbase.h>
#include <comkit/abi/threadmsg.h>
#endif
