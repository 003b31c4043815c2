// runtime/activation/activation_internal.h - activation's internal entry points. Never installed.
#ifndef COMKIT_RUNTIME_ACTIVATION_INTERNAL_H
#define COMKIT_RUNTIME_ACTIVATION_INTERNAL_H

#include "apartment/apartment_internal.h"

namespace comkit::rt {

/// The CLSID of a ProgID or version-independent ProgID from the registry:
/// S_OK, or CO_E_CLASSSTRING with *out zeroed.
HRESULT activation_clsid_from_progid(LPCOLESTR progid, CLSID* out) noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_ACTIVATION_INTERNAL_H
