/* <winuser.h> - Windows-compatible name: thread messages (PostThreadMessageW, GetMessageW ...), without windows.
 * comkit has only the subset COM code relies on (docs/apartments.md). */
#ifndef COMKIT_WIN_WINUSER_H
#define COMKIT_WIN_WINUSER_H
#include <objbase.h>
#include <comkit/abi/threadmsg.h>
#endif
