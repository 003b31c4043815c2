/* <winerror.h> - Windows-compatible name for HRESULT macros and the standard status codes.
 * comkit's own headers hold the definitions; this one only includes them. */
#ifndef COMKIT_WIN_WINERROR_H
#define COMKIT_WIN_WINERROR_H
#include <comkit/abi/hresult.h>
#endif
