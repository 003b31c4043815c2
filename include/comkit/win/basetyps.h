/* <basetyps.h> - Windows-compatible name for the interface-declaration
 * macros. As on Windows it also defines `interface` as `struct`; comkit's own
 * headers never rely on that, so code that does not include the Windows names
 * keeps `interface` as an ordinary identifier. */
#ifndef COMKIT_WIN_BASETYPS_H
#define COMKIT_WIN_BASETYPS_H
#include <comkit/abi/base.h>
#include <comkit/abi/guid.h>
#ifndef interface
#define interface struct
#endif
#endif
