// comkit/comkit.h - the umbrella header of the C++ projection (comkit::comkit).
// It grows with the projection: com_ptr, implements<> and errors arrive with
// the projection issue.
#ifndef COMKIT_COMKIT_H
#define COMKIT_COMKIT_H

#include <objbase.h>
#include <comkit/abi/extensions.h>
#include <comkit/guid.h>
#include <comkit/hresult.h>

#endif  // COMKIT_COMKIT_H
