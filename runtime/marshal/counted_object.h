// runtime/marshal/counted_object.h - the IUnknown of libcomkit's own
// heap objects that implement one interface (the standard marshaler, the
// client side of a channel ...): QueryInterface for IUnknown and that
// interface, an atomic count, delete on the last Release. Never installed.
#ifndef COMKIT_RUNTIME_MARSHAL_COUNTED_OBJECT_H
#define COMKIT_RUNTIME_MARSHAL_COUNTED_OBJECT_H

#include <atomic>

#include "runtime_internal.h"

namespace comkit::rt {

template <typename Derived, typename Interface, const IID& Iid>
class counted_object : public Interface {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    const IID* iid = nullable(&riid);
    if (iid && (IsEqualIID(*iid, IID_IUnknown) || IsEqualIID(*iid, Iid))) {
      *ppv = static_cast<Interface*>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return refs_.fetch_add(1, std::memory_order_relaxed) + 1; }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG left = refs_.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if (left == 0) delete static_cast<Derived*>(this);
    return left;
  }

 private:
  std::atomic<ULONG> refs_{1};
};

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_MARSHAL_COUNTED_OBJECT_H
