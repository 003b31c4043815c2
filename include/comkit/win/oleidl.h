/* <oleidl.h> - Windows' name for comkit/abi/oleidl.h. */
#ifndef COMKIT_WIN_OLEIDL_H
#define COMKIT_WIN_OLEIDL_H
#include <objidl.h>
#include <comkit/abi/oleidl.h>
#endif
