// runtime/runtime_internal.h - helpers shared by libcomkit's subsystems.
// Never installed.
#ifndef COMKIT_RUNTIME_INTERNAL_H
#define COMKIT_RUNTIME_INTERNAL_H

#include <objbase.h>
#include <weakreference.h>

namespace comkit::rt {

/// The address behind a REFGUID/REFIID parameter, which C callers pass as a
/// pointer that may be NULL: call as nullable(&rguid). In C++ the parameter
/// is a reference, and the compiler may assume a reference's address is never
/// null, so the address goes through an empty asm the optimiser cannot see
/// into (and is never bound to another reference, which UBSan would flag).
template <typename T>
inline const T* nullable(const T* p) noexcept {
  __asm__("" : "+r"(p));
  return p;
}

/// The class factory of one of comkit's own classes (the global interface
/// table, the standard and free-threaded marshalers), which need no
/// registration; nullptr for any other CLSID. The factories are static.
IClassFactory* builtin_class_factory(const GUID& clsid) noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_INTERNAL_H
