/* <ole2.h> - Windows-compatible name: OleInitialize, OleUninitialize.
 * comkit has only the subset COM code relies on (docs/apartments.md). */
#ifndef COMKIT_WIN_OLE2_H
#define COMKIT_WIN_OLE2_H
#include <objbase.h>
#include <oleidl.h>
#include <comkit/abi/apartment.h>
#endif
