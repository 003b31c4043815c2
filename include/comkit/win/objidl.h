/* <objidl.h> - Windows-compatible name for the objidl interfaces.
 * comkit's own headers hold the definitions; this one only includes them. */
#ifndef COMKIT_WIN_OBJIDL_H
#define COMKIT_WIN_OBJIDL_H
#include <objidlbase.h>
#endif
