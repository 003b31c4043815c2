// runtime/dispatch/dispatch_internal.h - late binding for the rest of
// libcomkit (the type library subsystem's ITypeInfo::Invoke). Never installed.
#ifndef COMKIT_RUNTIME_DISPATCH_INTERNAL_H
#define COMKIT_RUNTIME_DISPATCH_INTERNAL_H

#include <oaidl.h>

#include <atomic>
#include <cstddef>

namespace comkit::rt {

/// ITypeInfo::Invoke for any type info, through its public methods: finds
/// the vtable function `memid` of the kind `flags` asks for (a dual
/// interface's dispatch view calls through its vtable view; a base's
/// functions are found too), converts DISPPARAMS to its parameters
/// (reverse order, DISPID_PROPERTYPUT, named arguments by position,
/// defaults and missing optionals, [lcid] and [retval]), calls it with
/// DispCallFunc, and turns a failure HRESULT into DISP_E_EXCEPTION with
/// EXCEPINFO filled from the thread's error object.
struct invoke_plan;

/// The resolved calls of one type info, for typeinfo_invoke: an insert-only
/// open-addressing table of plans keyed by (memid, invoke kind), made on
/// first use. Plans depend only on the (immutable) type information, so a
/// plan once published stays valid until the cache is destroyed with its
/// type info.
///
/// Concurrency: each slot goes from null to a plan exactly once, by CAS
/// (acq_rel), and is never cleared; the table pointer likewise. A reader
/// that loads a plan (acquire) sees it fully built. Two threads resolving
/// the same member both build a plan; the CAS decides, the loser finds the
/// winner's plan in the slot (same key) and frees its own. A full table
/// (more than `capacity` distinct calls) is not an error: the plan is used
/// for that call and freed. Only members that were found, with nothing
/// failing on the way (an import that would not load ...), are cached.
class invoke_cache {
 public:
  invoke_cache() = default;
  invoke_cache(const invoke_cache&) = delete;
  invoke_cache& operator=(const invoke_cache&) = delete;
  ~invoke_cache();
  const invoke_plan* find(MEMBERID memid, WORD flags) const noexcept;
  /// Publishes `plan` and returns it (the cache owns it then), or another
  /// thread's plan for the same key (the caller keeps and frees `plan`),
  /// or null when the table is full.
  const invoke_plan* add(invoke_plan* plan) noexcept;

 private:
  static constexpr std::size_t capacity = 256;
  static std::size_t start(MEMBERID memid, WORD flags) noexcept;
  struct slot_array {
    std::atomic<invoke_plan*> slots[capacity] = {};
  };
  std::atomic<slot_array*> table_{nullptr};
};

HRESULT typeinfo_invoke(ITypeInfo* self, void* instance, MEMBERID memid, WORD flags, DISPPARAMS* params, VARIANT* result,
                        EXCEPINFO* excepinfo, UINT* argerr, invoke_cache* cache = nullptr);

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_DISPATCH_INTERNAL_H
