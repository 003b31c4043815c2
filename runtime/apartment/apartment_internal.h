// runtime/apartment/apartment_internal.h - apartments as objects: what the
// layers above (activation, marshalling) ask of them. Never installed.
//
// An apartment owns its state: its kind, its threads (the one thread of an
// STA, the members of the MTA), its call queue (an STA's is its thread's
// queue, runtime/threadmsg), its message filter and its context object.
// Subsystems that keep per-apartment state (activation's class objects, the
// marshalling layer's exported objects) register a listener and are told
// when an apartment goes away; the apartment never calls into them by name.
//
// Lifetime: an STA lives from its thread's first successful CoInitializeEx
// to the matching last CoUninitialize (or the thread's end); the MTA from
// its first member or usage count to its last. The object itself is
// reference counted: a proxy or a queued call may hold it past its end, and
// then sees `alive == false`.
#ifndef COMKIT_RUNTIME_APARTMENT_INTERNAL_H
#define COMKIT_RUNTIME_APARTMENT_INTERNAL_H

#include <atomic>
#include <cstdint>

#include <comkit/abi/apartment.h>

#include "threadmsg/threadmsg_internal.h"

namespace comkit::rt {

/// Which apartment something belongs to: 0 for the MTA, else the STA's
/// token (never reused within a process).
using apartment_id = std::uint64_t;
inline constexpr apartment_id mta_apartment = 0;

class apartment;

/// S_OK when the calling thread may use COM: it called CoInitialize(Ex), or
/// the process has an MTA that uninitialised threads implicitly belong to.
/// Else CO_E_NOTINITIALIZED.
HRESULT apartment_check() noexcept;
/// The calling thread's apartment id (the implicit MTA when uninitialised).
apartment_id apartment_current() noexcept;
/// The calling thread's apartment with a reference (the MTA for an
/// uninitialised thread while the MTA exists), or nullptr.
apartment* apartment_acquire_current() noexcept;
void apartment_addref(apartment* a) noexcept;
void apartment_release(apartment* a) noexcept;
apartment_id apartment_id_of(const apartment* a) noexcept;
bool apartment_is_sta(const apartment* a) noexcept;
/// False once the apartment has ended (CoUninitialize, thread exit).
bool apartment_alive(const apartment* a) noexcept;
/// The STA's thread queue (nullptr for the MTA).
thread_queue* apartment_queue(const apartment* a) noexcept;
/// The STA's message filter with a reference, or nullptr.
IMessageFilter* apartment_message_filter(apartment* a) noexcept;

/// Told once for every apartment that ends, on the thread that ended it,
/// after the apartment stopped taking new work. At most 4 listeners.
using apartment_listener = void (*)(apartment_id) noexcept;
void apartment_add_listener(apartment_listener listener) noexcept;
/// Runs fn(data) in apartment a from another apartment and waits for it;
/// the call layer provides it (IContextCallback::ContextCallback uses it).
using apartment_runner = HRESULT (*)(apartment* a, PFNCONTEXTCALL fn, ComCallData* data) noexcept;
void apartment_set_runner(apartment_runner runner) noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_APARTMENT_INTERNAL_H
