/* <objbase.h> - Windows-compatible name for the COM base API: everything in
 * <combaseapi.h>, activation (CoInitializeEx, CoCreateInstance ...) and the
 * automation error-info functions that objbase users expect. */
#ifndef COMKIT_WIN_OBJBASE_H
#define COMKIT_WIN_OBJBASE_H
#include <combaseapi.h>
#include <objidl.h>
#include <oleauto.h>
#include <comkit/abi/activation.h>
#include <comkit/abi/apartment.h>
#include <comkit/abi/marshal.h>
#endif
