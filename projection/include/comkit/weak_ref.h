// comkit/weak_ref.h - weak references in the C++ projection:
// comkit::make_weak(ptr) and comkit::weak_ref<I>. Header-only; part of
// comkit::comkit. Works with any object that answers IWeakReferenceSource
// (every implements<> class unless it lists comkit::no_weak_ref).
#ifndef COMKIT_WEAK_REF_H
#define COMKIT_WEAK_REF_H

#include <comkit/abi/weakref.h>
#include <comkit/com_ptr.h>

namespace comkit {

/// A reference that does not keep its object alive. get() returns a strong
/// com_ptr<I> while the object lives, and an empty one after.
template <typename I>
class weak_ref {
 public:
  weak_ref() noexcept = default;
  /// Adopts an IWeakReference (as GetWeakReference returns it).
  explicit weak_ref(com_ptr<IWeakReference> ref) noexcept : m_ref(std::move(ref)) {}

  /// The object's I interface, or empty once the object is gone (or when
  /// this weak_ref is empty). Never throws.
  com_ptr<I> get() const noexcept {
    com_ptr<I> out;
    if (m_ref) m_ref->Resolve(guid_of<I>(), reinterpret_cast<IUnknown**>(out.put()));  // ABI: [out, iid_is(riid)]
    return out;
  }
  /// False for a weak_ref that never referred to anything.
  explicit operator bool() const noexcept { return static_cast<bool>(m_ref); }
  const com_ptr<IWeakReference>& abi() const noexcept { return m_ref; }

 private:
  com_ptr<IWeakReference> m_ref;
};

/// A weak reference to the object behind `p`; empty when `p` is empty or
/// the object has no IWeakReferenceSource. Never throws.
template <typename I>
weak_ref<I> make_weak(const com_ptr<I>& p) noexcept {
  com_ptr<IWeakReference> ref;
  if (const auto source = p.template try_as<IWeakReferenceSource>()) source->GetWeakReference(ref.put());
  return weak_ref<I>(std::move(ref));
}

}  // namespace comkit

#endif  // COMKIT_WEAK_REF_H
