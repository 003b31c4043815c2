/* <oaidl.h> - Windows-compatible name for the error-information interfaces.
 * comkit's own headers hold the definitions; this one only includes them. */
#ifndef COMKIT_WIN_OAIDL_H
#define COMKIT_WIN_OAIDL_H
#include <objidl.h>
#include <comkit/abi/oaidl.h>
#endif
