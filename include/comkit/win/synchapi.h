/* <synchapi.h> - Windows-compatible name: events and waits (CreateEventW, WaitForMultipleObjects ...).
 * comkit has only the subset COM code relies on (docs/apartments.md). */
#ifndef COMKIT_WIN_SYNCHAPI_H
#define COMKIT_WIN_SYNCHAPI_H
#include <objbase.h>
#include <comkit/abi/threadmsg.h>
#endif
