// runtime/activation/activation_internal.h - activation's internal entry points. Never installed.
#ifndef COMKIT_RUNTIME_ACTIVATION_INTERNAL_H
#define COMKIT_RUNTIME_ACTIVATION_INTERNAL_H

#include "apartment/apartment_internal.h"

namespace comkit::rt {

/// The CLSID of a ProgID or version-independent ProgID from the registry:
/// S_OK, or CO_E_CLASSSTRING with *out zeroed.
HRESULT activation_clsid_from_progid(LPCOLESTR progid, CLSID* out) noexcept;

/// For an activation from another process: the class object registered
/// here for CLSCTX_LOCAL_SERVER (a reference) and its apartment (a
/// reference), a REGCLS_SINGLEUSE one marked used. REGDB_E_CLASSNOTREG when
/// none can be handed out, CO_E_SERVER_STOPPING once CoReleaseServerProcess
/// reached 0. Any thread; never calls the object.
HRESULT activation_local_class(const CLSID& clsid, IUnknown** object, apartment** home) noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_ACTIVATION_INTERNAL_H
