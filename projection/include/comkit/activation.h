// comkit/activation.h - creating objects by CLSID or ProgID from C++:
// comkit::create_instance<I> and comkit::class_object_registration.
// Header-only over libcomkit; part of comkit::comkit.
#ifndef COMKIT_ACTIVATION_H
#define COMKIT_ACTIVATION_H

#include <comkit/abi/activation.h>
#include <comkit/com_ptr.h>
#include <comkit/guid.h>

#include <utility>

namespace comkit {

/// CoCreateInstance for interface I: the object of class `clsid`. Throws
/// hresult_error (without exceptions: returns a result) on failure.
template <typename I>
auto create_instance(const GUID& clsid, DWORD context = CLSCTX_ALL, IUnknown* outer = nullptr)
    -> detail::error_policy::wrap<com_ptr<I>> {
  com_ptr<I> p;
  const HRESULT hr = CoCreateInstance(clsid, outer, context, guid_of<I>(), p.put_void());
  if (hr < 0) return detail::error_policy::fail<com_ptr<I>>(hr);
  return p;
}

/// An IID where a CLSID belongs: does not compile.
template <typename I>
auto create_instance(const iid&, DWORD = CLSCTX_ALL, IUnknown* = nullptr) = delete;

/// The same by ProgID (or version-independent ProgID).
template <typename I>
auto create_instance(const char16_t* progid, DWORD context = CLSCTX_ALL, IUnknown* outer = nullptr)
    -> detail::error_policy::wrap<com_ptr<I>> {
  CLSID clsid;
  const HRESULT hr = CLSIDFromProgID(progid, &clsid);
  if (hr < 0) return detail::error_policy::fail<com_ptr<I>>(hr);
  return create_instance<I>(clsid, context, outer);
}

/// A CoRegisterClassObject registration, revoked when destroyed.
class class_object_registration {
 public:
  class_object_registration() noexcept = default;
  /// Registers `object` (kept alive by the registration) for `clsid`;
  /// check code() for the outcome.
  class_object_registration(const GUID& clsid, IUnknown* object, DWORD context = CLSCTX_INPROC_SERVER,
                            DWORD flags = REGCLS_MULTIPLEUSE) noexcept
      : m_code(CoRegisterClassObject(clsid, object, context, flags, &m_cookie)) {}
  class_object_registration(class_object_registration&& o) noexcept
      : m_cookie(std::exchange(o.m_cookie, 0)), m_code(o.m_code) {}
  class_object_registration& operator=(class_object_registration&& o) noexcept {
    if (this != &o) {
      revoke();
      m_cookie = std::exchange(o.m_cookie, 0);
      m_code = o.m_code;
    }
    return *this;
  }
  ~class_object_registration() { revoke(); }

  HRESULT code() const noexcept { return m_code; }
  DWORD cookie() const noexcept { return m_cookie; }
  /// Revokes now (CoRevokeClassObject's result; S_FALSE if nothing to revoke).
  HRESULT revoke() noexcept { return m_cookie ? CoRevokeClassObject(std::exchange(m_cookie, 0)) : S_FALSE; }

 private:
  DWORD m_cookie = 0;
  HRESULT m_code = S_FALSE;
};

}  // namespace comkit

#endif  // COMKIT_ACTIVATION_H
