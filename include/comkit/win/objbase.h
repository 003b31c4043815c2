/* <objbase.h> - Windows-compatible name for the COM base API: everything in
 * <combaseapi.h> plus the automation error-info functions that objbase users
 * expect. Later issues add activation (CoInitializeEx, CoCreateInstance). */
#ifndef COMKIT_WIN_OBJBASE_H
#define COMKIT_WIN_OBJBASE_H
#include <combaseapi.h>
#include <objidl.h>
#include <oleauto.h>
#endif
