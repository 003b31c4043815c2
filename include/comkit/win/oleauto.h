/* <oleauto.h> - Windows-compatible name for BSTR and error-info functions.
 * comkit's own headers hold the definitions; this one only includes them. */
#ifndef COMKIT_WIN_OLEAUTO_H
#define COMKIT_WIN_OLEAUTO_H
#include <oaidl.h>
#include <comkit/abi/oleauto.h>
#endif
