/* <windows.h> - for code being ported: the COM base API and the Win32
 * subset comkit provides (thread messages, events and waits, the thread id
 * and last error; docs/apartments.md). Nothing else of Win32 is here. */
#ifndef COMKIT_WIN_WINDOWS_H
#define COMKIT_WIN_WINDOWS_H
#include <objbase.h>
#include <ole2.h>
#include <comkit/abi/threadmsg.h>
#endif
