/* <handleapi.h> - Windows-compatible name: CloseHandle.
 * comkit has only the subset COM code relies on (docs/apartments.md). */
#ifndef COMKIT_WIN_HANDLEAPI_H
#define COMKIT_WIN_HANDLEAPI_H
#include <objbase.h>
#include <comkit/abi/threadmsg.h>
#endif
