/* <objidlbase.h> - Windows-compatible name for IMalloc and IMallocSpy.
 * comkit's own headers hold the definitions; this one only includes them. */
#ifndef COMKIT_WIN_OBJIDLBASE_H
#define COMKIT_WIN_OBJIDLBASE_H
#include <unknwn.h>
#include <comkit/abi/objidl.h>
#endif
