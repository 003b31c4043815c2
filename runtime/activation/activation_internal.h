// runtime/activation/activation_internal.h - what activation needs from the
// apartment bookkeeping (and the reverse). Never installed.
#ifndef COMKIT_RUNTIME_ACTIVATION_INTERNAL_H
#define COMKIT_RUNTIME_ACTIVATION_INTERNAL_H

#include <cstdint>

#include "runtime_internal.h"

namespace comkit::rt {

/// Which apartment a registration belongs to: 0 for the MTA, else the
/// token of the single-threaded apartment's thread.
using apartment_id = std::uint64_t;
inline constexpr apartment_id mta_apartment = 0;

/// S_OK when the calling thread may activate objects: it called
/// CoInitialize(Ex), or the process has a multithreaded apartment that
/// uninitialised threads implicitly belong to. Else CO_E_NOTINITIALIZED.
HRESULT apartment_check() noexcept;
/// The calling thread's apartment (the implicit MTA when uninitialised).
apartment_id apartment_current() noexcept;
/// Called when an apartment goes away: revokes its class objects.
void activation_apartment_gone(apartment_id apartment) noexcept;
/// The CLSID of a ProgID or version-independent ProgID from the registry:
/// S_OK, or CO_E_CLASSSTRING with *out zeroed.
HRESULT activation_clsid_from_progid(LPCOLESTR progid, CLSID* out) noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_ACTIVATION_INTERNAL_H
