/* <ocidl.h> - Windows' name for comkit/abi/ocidl.h. */
#ifndef COMKIT_WIN_OCIDL_H
#define COMKIT_WIN_OCIDL_H
#include <oaidl.h>
#include <comkit/abi/ocidl.h>
#endif
