/* <processthreadsapi.h> - Windows-compatible name: GetCurrentThreadId.
 * comkit has only the subset COM code relies on (docs/apartments.md). */
#ifndef COMKIT_WIN_PROCESSTHREADSAPI_H
#define COMKIT_WIN_PROCESSTHREADSAPI_H
#include <objbase.h>
#include <comkit/abi/threadmsg.h>
#endif
