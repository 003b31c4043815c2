// comkit/advise.h - receiving COM events: advise connects a sink to an
// object's connection point and returns a token that disconnects it when it
// goes (the raising side is <comkit/events.h>). The sink is a com_ptr, or
// any C++ object: one with members named like the event methods (as an
// implementation writes them), or a callable, which receives every event
// whose arguments it accepts. Events a sink object does not handle are
// ignored (S_OK).
//
//   comkit::event_token t = comkit::advise<IShopEvents>(shop, [&](LONG n) { ... });
//
// Header-only and light (no <mutex>, <memory> or <algorithm>): every
// generated projection header includes it, since every produced method asks
// whether its implementation is such a sink (detail::is_event_sink).
// Dispinterface events (sinks called through IDispatch::Invoke) need type
// information and are not covered here.
#ifndef COMKIT_ADVISE_H
#define COMKIT_ADVISE_H

#include <comkit/abi/ocidl.h>
#include <comkit/com_ptr.h>
#include <comkit/error.h>
#include <comkit/implements.h>
#include <comkit/produce.h>

#include <type_traits>
#include <utility>

namespace comkit {

/// A connection made by advise: disconnects (Unadvise) when it is
/// destroyed or revoked. Move-only.
class event_token {
 public:
  event_token() noexcept = default;
  event_token(com_ptr<IConnectionPoint> point, DWORD cookie) noexcept : m_point(std::move(point)), m_cookie(cookie) {}
  event_token(event_token&& o) noexcept : m_point(std::move(o.m_point)), m_cookie(std::exchange(o.m_cookie, 0)) {}
  event_token& operator=(event_token&& o) noexcept {
    if (this != &o) {
      revoke();
      m_point = std::move(o.m_point);
      m_cookie = std::exchange(o.m_cookie, 0);
    }
    return *this;
  }
  ~event_token() { revoke(); }

  /// Disconnects now; the Unadvise result (a source that is gone already
  /// answers with an error, which is dropped).
  HRESULT revoke() noexcept {
    if (!m_point) return S_FALSE;
    const HRESULT hr = m_point->Unadvise(m_cookie);
    m_point.reset();
    m_cookie = 0;
    return hr;
  }
  explicit operator bool() const noexcept { return static_cast<bool>(m_point); }
  DWORD cookie() const noexcept { return m_cookie; }

 private:
  com_ptr<IConnectionPoint> m_point;
  DWORD m_cookie = 0;
};

namespace detail {

/// An advise sink made from a C++ object H: H's members (or its call
/// operator) receive E's events through E's produce shim.
template <typename E, typename H>
struct event_sink final : implements<event_sink<E, H>, E, no_weak_ref>, H {
  static constexpr bool comkit_event_sink = true;
  explicit event_sink(H h) : H(std::move(h)) {}
};

template <typename D>
concept is_event_sink = requires { D::comkit_event_sink; };

/// An event method of a sink without a member of that name: the sink's
/// call operator when it accepts the arguments, else ignored.
template <typename D, typename... A>
HRESULT produce_event(D& d, A&&... args) noexcept {
  if constexpr (std::is_invocable_v<D&, A...>)
    return produce_call([&]() -> decltype(auto) { return d(std::forward<A>(args)...); }, no_store{});
  else
    return S_OK;
}

template <typename E, typename S>
auto connect(IUnknown* source, IUnknown* sink) -> error_policy::wrap<event_token> {
  com_ptr<IConnectionPointContainer> container;
  HRESULT hr = source ? source->QueryInterface(guid_of<IConnectionPointContainer>(), container.put_void()) : E_POINTER;
  com_ptr<IConnectionPoint> point;
  if (SUCCEEDED(hr)) hr = container->FindConnectionPoint(guid_of<E>(), point.put());
  DWORD cookie = 0;
  if (SUCCEEDED(hr)) hr = point->Advise(sink, &cookie);
  if (FAILED(hr)) return error_policy::fail<event_token>(hr);
  return error_policy::wrap<event_token>(event_token(std::move(point), cookie));
}

}  // namespace detail

/// Connects `sink` to the E events of `source` (a com_ptr or interface
/// pointer to any interface of the object). The sink is a com_ptr or
/// interface pointer (asked for E by the source), or a C++ object (members
/// named like E's methods, or a callable), which becomes a small COM object
/// kept alive by the connection. Fails with what the source answers
/// (E_NOINTERFACE without IConnectionPointContainer, CONNECT_E_NOCONNECTION
/// for an interface it does not source ...).
///
/// Revoking (or destroying the token) stops later events, but an event
/// another thread is raising at that moment may still reach the sink once
/// (raise works on a snapshot, as COM sources do): what a handler captures
/// by reference must outlive the source's in-flight raises, not only the
/// token.
template <typename E, typename S, typename H>
auto advise(const S& source, H&& sink) -> detail::error_policy::wrap<event_token> {
  IUnknown* src;
  if constexpr (requires { source.get(); })
    src = source.get();
  else
    src = source;
  using Hd = std::decay_t<H>;
  if constexpr (std::is_convertible_v<Hd, IUnknown*>) {
    return detail::connect<E, S>(src, sink);
  } else if constexpr (requires { static_cast<IUnknown*>(sink.get()); }) {
    return detail::connect<E, S>(src, sink.get());
  } else {
    static_assert(is_produced<E>, "advise with a C++ handler needs E's generated projection header");
    static_assert(!std::is_final_v<Hd>, "advise: the handler type must not be final");
#if COMKIT_HAS_EXCEPTIONS
    com_ptr<E> object = make<detail::event_sink<E, Hd>>(std::forward<H>(sink));
#else
    auto made = make<detail::event_sink<E, Hd>>(std::forward<H>(sink));
    if (!made.ok()) return result<event_token>::failure(made.code());
    com_ptr<E> object = std::move(made).value();
#endif
    return detail::connect<E, S>(src, object.get());
  }
}

}  // namespace comkit

#endif  // COMKIT_ADVISE_H
