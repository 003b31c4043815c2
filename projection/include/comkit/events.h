// comkit/events.h - COM events (connection points) on both sides: the
// raising side here (event_source, connection points, IConnectionPointContainer
// produced), the receiving side in <comkit/advise.h>, which this includes.
// Header-only. A generated projection header includes advise.h always and
// this one when its IDL has a coclass with [source] interfaces; an
// implementation raising events of other interfaces includes it itself.
//
// Raising: an implementation lists IConnectionPointContainer among its
// interfaces and derives from event_source<D, IEvents...>; it raises an
// event on every connected sink with the projection's typed members:
//
//   struct shop : comkit::implements<shop, IShop, IConnectionPointContainer>,
//                 comkit::event_source<shop, IShopEvents> {
//     void Sell() { raise<IShopEvents>([&](auto& sink) { sink.Sold(42); }); }
//   };
//
// Receiving: comkit::advise (advise.h).
#ifndef COMKIT_EVENTS_H
#define COMKIT_EVENTS_H

#include <comkit/abi/ocidl.h>
#include <comkit/advise.h>
#include <comkit/com_ptr.h>
#include <comkit/enumerator.h>
#include <comkit/error.h>
#include <comkit/implements.h>
#include <comkit/produce.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace comkit {

/// The connection point of outgoing interface I in an event_source. It is
/// part of its container object: AddRef and Release count on the container,
/// so a client holding the point keeps the object alive, and the point
/// never outlives it.
///
/// The sinks are one list under one mutex. Advise and Unadvise change it;
/// raising takes a snapshot under the lock and calls the sinks after
/// releasing it, so a sink may Advise or Unadvise (itself or others) from
/// inside an event without deadlock, and a sink unadvised during a raise may
/// still receive that one event (as on Windows). The states of one
/// connection: (not connected) -Advise-> (connected, cookie c) -Unadvise(c)->
/// (gone; c is never reused until the 32-bit counter wraps, and never 0).
template <typename I>
class connection_point final : public IConnectionPoint {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) noexcept override {
    return detail::query_single<IConnectionPoint>(this, riid, ppv);
  }
  ULONG STDMETHODCALLTYPE AddRef() noexcept override { return container()->AddRef(); }
  ULONG STDMETHODCALLTYPE Release() noexcept override { return container()->Release(); }

  HRESULT STDMETHODCALLTYPE GetConnectionInterface(IID* iid) noexcept override {
    if (!iid) return E_POINTER;
    *iid = guid_of<I>();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetConnectionPointContainer(IConnectionPointContainer** out) noexcept override {
    if (!out) return E_POINTER;
    *out = container();
    (*out)->AddRef();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Advise(IUnknown* sink, DWORD* cookie) noexcept override {
    if (!cookie) return E_POINTER;
    *cookie = 0;
    if (!sink) return E_POINTER;
    com_ptr<I> typed;
    if (FAILED(sink->QueryInterface(guid_of<I>(), typed.put_void())) || !typed) return CONNECT_E_CANNOTCONNECT;
#if COMKIT_HAS_EXCEPTIONS
    try {
#endif
      std::lock_guard<std::mutex> lock(m_lock);
      // 0 is never a cookie, and after the counter wraps a cookie still in
      // use is skipped.
      do {
        if (++m_next == 0) ++m_next;
      } while (std::any_of(m_sinks.begin(), m_sinks.end(), [&](const entry& e) { return e.cookie == m_next; }));
      m_sinks.push_back({std::move(typed), m_next});
      *cookie = m_next;
#if COMKIT_HAS_EXCEPTIONS
    } catch (...) {
      return E_OUTOFMEMORY;
    }
#endif
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Unadvise(DWORD cookie) noexcept override {
    com_ptr<I> gone;  // released after the lock: its Release may call back in
    {
      std::lock_guard<std::mutex> lock(m_lock);
      for (auto it = m_sinks.begin(); it != m_sinks.end(); ++it)
        if (it->cookie == cookie) {
          gone = std::move(it->sink);
          m_sinks.erase(it);
          break;
        }
    }
    return gone ? S_OK : CONNECT_E_NOCONNECTION;
  }
  HRESULT STDMETHODCALLTYPE EnumConnections(IEnumConnections** out) noexcept override {
    if (!out) return E_POINTER;
    *out = nullptr;
    return detail::hand_out(out, [&] {
      std::vector<connection> all;
      {
        std::lock_guard<std::mutex> lock(m_lock);
        for (const entry& e : m_sinks) all.push_back({com_ptr<IUnknown>(e.sink.get()), e.cookie});
      }
      return make_enumerator<IEnumConnections>(all);
    });
  }

  /// The connected sinks now, each held for the caller.
  std::vector<com_ptr<I>> sinks() const {
    std::lock_guard<std::mutex> lock(m_lock);
    std::vector<com_ptr<I>> v;
    v.reserve(m_sinks.size());
    for (const entry& e : m_sinks) v.push_back(e.sink);
    return v;
  }

  /// Set by event_source before the point is first handed out.
  void bind(IConnectionPointContainer* c) noexcept { m_container.store(c, std::memory_order_release); }
  bool has_container() const noexcept { return container() != nullptr; }

 private:
  struct entry {
    com_ptr<I> sink;
    DWORD cookie;
  };
  IConnectionPointContainer* container() const noexcept { return m_container.load(std::memory_order_acquire); }

  std::atomic<IConnectionPointContainer*> m_container{nullptr};  // the owner's; not a reference
  mutable std::mutex m_lock;
  std::vector<entry> m_sinks;
  DWORD m_next = 0;
};

/// Connection points for the outgoing interfaces Es of implementation D
/// (which lists IConnectionPointContainer): FindConnectionPoint and
/// EnumConnectionPoints for the container, sinks<E>() and raise<E>() for D.
template <typename D, typename... Es>
class event_source {
  static_assert(sizeof...(Es) > 0, "event_source needs at least one outgoing interface");

 public:
  HRESULT FindConnectionPoint(REFIID riid, IConnectionPoint** out) noexcept {
    if (!out) return E_POINTER;
    *out = nullptr;
    bind();
    IConnectionPoint* found = nullptr;
    (void)((riid == guid_of<Es>() ? (found = &std::get<connection_point<Es>>(m_points), true) : false) || ...);
    if (!found) return CONNECT_E_NOCONNECTION;
    if (!bound()) return E_UNEXPECTED;  // D does not answer for IConnectionPointContainer
    found->AddRef();
    *out = found;
    return S_OK;
  }
  HRESULT EnumConnectionPoints(IEnumConnectionPoints** out) noexcept {
    if (!out) return E_POINTER;
    *out = nullptr;
    bind();
    if (!bound()) return E_UNEXPECTED;
    return detail::hand_out(out, [&] {
      std::vector<com_ptr<IConnectionPoint>> all{com_ptr<IConnectionPoint>(&std::get<connection_point<Es>>(m_points))...};
      return make_enumerator<IEnumConnectionPoints>(all);
    });
  }

 protected:
  /// The sinks connected for E now.
  template <typename E>
  std::vector<com_ptr<E>> sinks() const {
    return std::get<connection_point<E>>(m_points).sinks();
  }
  /// Calls f(com_ptr<E>&) for each sink connected for E. A sink that fails
  /// (throws hresult_error, or returns a failed result) does not stop the
  /// others.
  template <typename E, typename F>
  void raise(F&& f) const {
    for (com_ptr<E>& sink : sinks<E>()) {
#if COMKIT_HAS_EXCEPTIONS
      try {
        f(sink);
      } catch (const hresult_error&) {
      }
#else
      f(sink);
#endif
    }
  }

 private:
  bool bound() const noexcept { return std::get<0>(m_points).has_container(); }

  // The container pointer the points answer with and count on: D's own
  // IConnectionPointContainer (queried once; the reference is dropped at
  // once, the object lives as long as any point is in use).
  void bind() noexcept {
    IConnectionPointContainer* c = nullptr;
    static_cast<D*>(this)->QueryInterface(guid_of<IConnectionPointContainer>(), reinterpret_cast<void**>(&c));  // ABI: [out, iid_is]
    if (!c) return;
    (std::get<connection_point<Es>>(m_points).bind(c), ...);
    c->Release();
  }

  std::tuple<connection_point<Es>...> m_points;
};

namespace detail {
template <typename D, typename L>
struct event_source_of;
template <typename D, typename... Es>
struct event_source_of<D, type_list<Es...>> {
  using type = event_source<D, Es...>;
};
}  // namespace detail

/// event_source for the outgoing interfaces of coclass C, as its IDL lists
/// them ([source] members; dispinterfaces excluded): `struct shelf :
/// implements<shelf, IShelf, IConnectionPointContainer>,
/// coclass_event_source<shelf, Bookshelf>`.
template <typename D, typename C>
using coclass_event_source = typename detail::event_source_of<D, typename coclass_traits<C>::source_interfaces>::type;

/// IConnectionPointContainer, produced for an implementation: its methods
/// are D's (event_source's, or D's own raw ones). (is_produced is set in
/// implements.h, so that every translation unit agrees.)
template <typename D>
struct produce<D, IConnectionPointContainer> : detail::produce_base<D, IConnectionPointContainer> {
  HRESULT STDMETHODCALLTYPE EnumConnectionPoints(IEnumConnectionPoints** out) noexcept override {
    return this->shim().EnumConnectionPoints(out);
  }
  HRESULT STDMETHODCALLTYPE FindConnectionPoint(REFIID riid, IConnectionPoint** out) noexcept override {
    return this->shim().FindConnectionPoint(riid, out);
  }
};

}  // namespace comkit

#endif  // COMKIT_EVENTS_H
