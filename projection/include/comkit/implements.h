// comkit/implements.h - producing COM objects in C++: comkit::implements<>,
// make / make_self / make_aggregated, get_self, tear-offs. Header-only; part
// of comkit::comkit. docs/projection.md has the design in prose.
//
//   struct widget : comkit::implements<widget, IFoo, IBar> {
//     HRESULT STDMETHODCALLTYPE Foo() noexcept override { ... }
//     HRESULT STDMETHODCALLTYPE Bar() noexcept override { ... }
//   };
//   comkit::com_ptr<IFoo> p = comkit::make<widget>();
//
// Layout of one object, in one allocation made by make<>:
//   [reference counts][widget: vtable pointers..., implements' fields, widget's fields]
// The counts sit in front of the object (not inside it) so that memory can
// outlive the object while weak references to it exist.
#ifndef COMKIT_IMPLEMENTS_H
#define COMKIT_IMPLEMENTS_H

#include <comkit/abi/oaidl.h>
#include <comkit/abi/weakref.h>
#include <comkit/com_ptr.h>
#include <comkit/detail/config.h>
#include <comkit/detail/guid_name.h>
#include <comkit/detail/meta.h>
#include <comkit/detail/qi_table.h>
#include <comkit/detail/type_name.h>
#include <comkit/detail/typelib_dispatch.h>

#include <array>
#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <new>
#include <tuple>
#include <type_traits>
#include <utility>

struct IConnectionPointContainer;  // <comkit/abi/ocidl.h>

namespace comkit {

// ---- Options: marker types in the interface list ---------------------------

/// Non-atomic reference count: for objects used from one thread at a time.
struct single_threaded {};
/// No IWeakReferenceSource (saves one vtable pointer per object).
struct no_weak_ref {};
/// The class may be created inside an aggregate (make_aggregated,
/// create_instance_of with an outer unknown).
struct aggregatable {};
/// Answers ISupportErrorInfo: S_OK for each interface in the list.
struct support_error_info {};
/// Answers IDispatch for each dual interface in the list from its type
/// information (the type library embedded in the module by comkit_add_idl's
/// EMBED_TYPELIB, else the registered one), as ATL's IDispatchImpl does;
/// D's own IDispatch methods still win. docs/dispatch.md.
struct dispatch_from_typelib {};
/// Tear-off T (a comkit::tear_off<T, I, Owner>), created on first
/// QueryInterface for I and kept until the owner dies. Not thread-safe.
template <typename T>
struct cached_tear_off {
  using type = T;
  static constexpr int kind = 1;
};
/// Like cached_tear_off, safe under concurrent QueryInterface: racing
/// threads may each build one, exactly one wins and the others are deleted.
template <typename T>
struct atomic_tear_off {
  using type = T;
  static constexpr int kind = 2;
};
/// Tear-off T made anew on every QueryInterface for I, with its own count;
/// it holds its owner alive until released.
template <typename T>
struct disposable_tear_off {
  using type = T;
  static constexpr int kind = 3;
};

template <typename D, typename... Ts>
class implements;
template <typename D>
HRESULT create_instance_of(IUnknown* outer, REFIID riid, void** ppv) noexcept;

// ---- The produce hook (filled by generated projection headers) ----------------

/// The ABI side of interface I for implementation D: a class derived from I
/// whose virtual methods convert arguments, call D's idiomatic members
/// (`double Add(double, double)`) and turn results and exceptions into
/// HRESULTs. Declared here, specialized by each generated
/// <base>_projection.h, which also sets is_produced<I>.
template <typename D, typename I>
struct produce;
/// True for an interface whose generated projection header is included: an
/// implements<> class then holds produce<D, I> for it instead of deriving
/// from I, so D's members never override (or clash with) I's ABI methods.
template <typename I>
inline constexpr bool is_produced = false;
/// IConnectionPointContainer is produced (events.h defines its produce<>,
/// forwarding to D's event_source or D's own raw methods). Declared here,
/// with the primary template, so every translation unit sees the same
/// layout for a class that lists it; one that has not included events.h
/// gets producer<>'s "include the projection header" error instead.
template <>
inline constexpr bool is_produced<IConnectionPointContainer> = true;
/// What an IDL coclass says about itself; specialized by generated
/// projection headers (projection.h has the members).
template <typename C>
struct coclass_traits;
/// In an implements<> list: implement I the classic way (D derives from I
/// and overrides its ABI methods) even where a generated projection header
/// produces I; for code written before the header was included.
template <typename I>
struct raw {
  using type = I;
};

namespace detail {

template <typename T>
struct is_option
    : std::bool_constant<std::is_same_v<T, single_threaded> || std::is_same_v<T, no_weak_ref> ||
                         std::is_same_v<T, aggregatable> || std::is_same_v<T, support_error_info> ||
                         std::is_same_v<T, dispatch_from_typelib>> {};
template <typename T>
struct is_tear_off_marker : std::false_type {};
template <typename T>
struct is_tear_off_marker<cached_tear_off<T>> : std::true_type {};
template <typename T>
struct is_tear_off_marker<atomic_tear_off<T>> : std::true_type {};
template <typename T>
struct is_tear_off_marker<disposable_tear_off<T>> : std::true_type {};
template <typename T>
struct is_interface_arg : std::bool_constant<!is_option<T>::value && !is_tear_off_marker<T>::value> {};

// ---- Reference counts --------------------------------------------------------

/// The counts in front of every object. `strong` counts references to the
/// object; `weak` counts IWeakReference objects plus one unit held by all
/// strong references together. The object is destroyed when strong reaches
/// zero, the memory freed when weak does.
///
/// Both counts live in one 64-bit atomic word (strong in the low half, weak
/// in the high half), so one load sees both at the same instant. That is what
/// makes the sole-owner fast path in release_strong sound. The states, with
/// S = strong and W = weak:
///
///   (S>0, W>=1)  live. AddRef/QueryInterface: S+1. Release: S-1.
///                GetWeakReference (needs a strong reference): W+1.
///                IWeakReference::Resolve (needs a weak unit, so W>=2):
///                S+1 only while S>0 (CAS), else fails.
///   (0, W>=1)    destroyed, memory kept for weak references; S never
///                leaves 0 again (Resolve's CAS refuses 0).
///   (0, 0)       memory freed.
///
/// Fast path: a load that sees exactly (1, 1) proves the caller holds the only
/// strong reference and that no IWeakReference exists. Nobody else can then
/// add either: a new strong or weak reference needs an existing one. So the
/// caller may destroy without a read-modify-write. Reading the two halves
/// with two loads (as comkit once did) is not enough: between them another
/// thread could resolve a weak reference (S 1->2) and drop that weak
/// reference (W 2->1), and the pair (1, 1) would be seen although the object
/// has a second owner.
template <bool Atomic>
struct ref_counts {
  static constexpr std::uint64_t one_strong = 1;
  static constexpr std::uint64_t one_weak = std::uint64_t{1} << 32;
  std::atomic<std::uint64_t> word{one_strong | one_weak};  // strong | weak << 32

  static constexpr std::uint32_t strong_of(std::uint64_t w) noexcept { return static_cast<std::uint32_t>(w); }
  static constexpr std::uint32_t weak_of(std::uint64_t w) noexcept { return static_cast<std::uint32_t>(w >> 32); }

  std::uint32_t add_strong() noexcept { return strong_of(word.fetch_add(one_strong, std::memory_order_relaxed)) + 1; }
  std::uint32_t release_strong() noexcept {
    // acquire: orders the destruction after every other owner's release.
    if (word.load(std::memory_order_acquire) == (one_strong | one_weak)) {
      word.store(one_weak, std::memory_order_relaxed);  // (0, 1): destroy_now frees the memory
      return 0;
    }
    return strong_of(word.fetch_sub(one_strong, std::memory_order_acq_rel)) - 1;
  }
  /// AddRef unless the object is already gone (count zero).
  bool try_add_strong() noexcept {
    std::uint64_t w = word.load(std::memory_order_relaxed);
    while (strong_of(w) != 0)
      if (word.compare_exchange_weak(w, w + one_strong, std::memory_order_acquire, std::memory_order_relaxed))
        return true;
    return false;
  }
  void add_weak() noexcept { word.fetch_add(one_weak, std::memory_order_relaxed); }
  /// True when this was the last weak unit: free the memory. The caller
  /// holds one unit, so reading W == 1 means it is the only one, and with no
  /// unit left for the strong group S is 0 for good.
  bool release_weak() noexcept {
    return weak_of(word.load(std::memory_order_acquire)) == 1 ||
           weak_of(word.fetch_sub(one_weak, std::memory_order_acq_rel)) == 1;
  }
};

template <>
struct ref_counts<false> {
  std::uint32_t strong = 1;
  std::uint32_t weak = 1;

  std::uint32_t add_strong() noexcept { return ++strong; }
  std::uint32_t release_strong() noexcept { return --strong; }
  bool try_add_strong() noexcept { return strong != 0 && ++strong != 0; }
  void add_weak() noexcept { ++weak; }
  bool release_weak() noexcept { return --weak == 0; }
};

/// Where the counts and the object sit in their one allocation.
template <typename D, bool Atomic>
struct block_layout {
  using counts = ref_counts<Atomic>;
  static constexpr std::size_t align = alignof(D) > alignof(counts) ? alignof(D) : alignof(counts);
  static constexpr std::size_t offset = (sizeof(counts) + alignof(D) - 1) / alignof(D) * alignof(D);
  static constexpr std::size_t size = offset + sizeof(D);
  static constexpr bool over_aligned = align > __STDCPP_DEFAULT_NEW_ALIGNMENT__;

  /// With exceptions, throws std::bad_alloc (the nothrow form costs a
  /// try/catch inside the library on every call); without, returns null.
  static void* allocate() {
#if COMKIT_HAS_EXCEPTIONS
    if constexpr (over_aligned)
      return ::operator new(size, std::align_val_t{align});
    else
      return ::operator new(size);
#else
    if constexpr (over_aligned)
      return ::operator new(size, std::align_val_t{align}, std::nothrow);
    else
      return ::operator new(size, std::nothrow);
#endif
  }
  static void deallocate(void* block) noexcept {
    if constexpr (over_aligned)
      ::operator delete(block, std::align_val_t{align});
    else
      ::operator delete(block);
  }
  static counts* counts_of(const D* d) noexcept {
    return reinterpret_cast<counts*>(reinterpret_cast<char*>(const_cast<D*>(d)) - offset);  // ABI: make<> put them there
  }
};

/// QueryInterface of a small object that is one interface I and nothing
/// else (a weak reference, a connection point, a class factory): itself for
/// IUnknown and I, E_NOINTERFACE otherwise.
template <typename I>
HRESULT query_single(I* self, REFIID riid, void** ppv) noexcept {
  if (!ppv) return E_POINTER;
  if (riid == guid_of<IUnknown>() || riid == guid_of<I>()) {
    *ppv = self;
    self->AddRef();
    return S_OK;
  }
  *ppv = nullptr;
  return E_NOINTERFACE;
}

// ---- Weak references ----------------------------------------------------------

/// The IWeakReference handed out by GetWeakReference: it keeps the owner's
/// memory (not the object) alive and resurrects a strong reference only
/// while the object's count is above zero.
template <bool Atomic>
class weak_reference final : public IWeakReference {
 public:
  weak_reference(ref_counts<Atomic>* counts, IUnknown* identity, void (*free_block)(void*)) noexcept
      : m_counts(counts), m_identity(identity), m_free_block(free_block) {}

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) noexcept override {
    return query_single<IWeakReference>(this, riid, ppv);
  }
  ULONG STDMETHODCALLTYPE AddRef() noexcept override { return m_refs.fetch_add(1, std::memory_order_relaxed) + 1; }
  ULONG STDMETHODCALLTYPE Release() noexcept override {
    const ULONG left = m_refs.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if (left == 0) {
      if (m_counts->release_weak()) m_free_block(m_counts);
      delete this;
    }
    return left;
  }
  HRESULT STDMETHODCALLTYPE Resolve(REFIID riid, IUnknown** out) noexcept override {
    if (!out) return E_POINTER;
    *out = nullptr;
    if (!m_counts->try_add_strong()) return S_OK;  // gone: S_OK with NULL, as Windows
    const HRESULT hr = m_identity->QueryInterface(riid, reinterpret_cast<void**>(out));  // ABI: [out, iid_is]
    m_identity->Release();  // the strong reference try_add_strong took
    return hr;
  }

 private:
  std::atomic<ULONG> m_refs{1};
  ref_counts<Atomic>* m_counts;
  IUnknown* m_identity;  // valid while try_add_strong succeeds
  void (*m_free_block)(void*);
};

/// The IWeakReferenceSource of an implements<> class.
template <typename Impl>
struct weak_source_mixin : IWeakReferenceSource {
  HRESULT STDMETHODCALLTYPE GetWeakReference(IWeakReference** out) noexcept override {
    return static_cast<Impl*>(this)->get_weak_reference(out);
  }
};

/// The ISupportErrorInfo of an implements<> class with support_error_info.
template <typename Impl>
struct support_error_info_mixin : ISupportErrorInfo {
  HRESULT STDMETHODCALLTYPE InterfaceSupportsErrorInfo(REFIID riid) noexcept override {
    return static_cast<Impl*>(this)->supports_error_info(riid);
  }
};

template <typename L>
struct inherit;
template <typename... Bases>
struct inherit<type_list<Bases...>> : Bases... {};

/// What implements<D, ...> derives from for a produced interface I: one
/// vtable pointer, like I itself, but as a member, so I's ABI methods are
/// not members of D. C++/WinRT's producer, for classic COM.
template <typename D, typename I>
struct producer {
  static_assert(requires { sizeof(produce<D, I>); },
                "implements<>: this interface is produced, but its produce<> is not defined here: include its generated "
                "<base>_projection.h (<comkit/events.h> for IConnectionPointContainer), or list it as comkit::raw<I>");
  produce<D, I> m_abi;  // first and only member: its address is the interface pointer
};

/// The base of every generated produce<D, I>: IUnknown forwarded to the
/// object, and shim(), the D the vtable belongs to.
template <typename D, typename I>
struct produce_base : I {
  D& shim() noexcept {
    // ABI: m_abi is the first member of producer<D, I>, at its address (like direct_pointer)
    return *static_cast<D*>(reinterpret_cast<producer<D, I>*>(static_cast<produce<D, I>*>(this)));
  }
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) noexcept override {
    return shim().QueryInterface(riid, ppv);
  }
  ULONG STDMETHODCALLTYPE AddRef() noexcept override { return shim().AddRef(); }
  ULONG STDMETHODCALLTYPE Release() noexcept override { return shim().Release(); }
};

/// An interface as listed: I, or raw<I>.
template <typename I>
struct listed {
  using type = I;
  static constexpr bool produced = is_produced<I>;
};
template <typename I>
struct listed<raw<I>> {
  using type = I;
  static constexpr bool produced = false;
};

/// A raw dual interface I of a class with dispatch_from_typelib: I with its
/// IDispatch methods answered from I's type information. D derives from it
/// and overrides the rest (and may override these too).
template <typename D, typename I>
struct raw_dispatch : I {
  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* n) noexcept override { return typelib_dispatch<I>::count(n); }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT index, LCID, ITypeInfo** info) noexcept override {
    return typelib_dispatch<I>::type_info(index, info);
  }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID riid, LPOLESTR* names, UINT count, LCID, DISPID* ids) noexcept override {
    return typelib_dispatch<I>::ids(riid, names, count, ids);
  }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID id, REFIID riid, LCID, WORD flags, DISPPARAMS* params, VARIANT* result, EXCEPINFO* info,
                                   UINT* arg_err) noexcept override {
    return typelib_dispatch<I>::invoke(this, id, riid, flags, params, result, info, arg_err);
  }
};

/// The base standing for listed interface I in implements<D, ...>: the
/// producer of a produced interface, else I itself (or raw_dispatch when the
/// class answers IDispatch from type information and I is dual).
template <typename D, typename I, bool Dispatch>
using interface_slot = std::conditional_t<
    listed<I>::produced, producer<D, typename listed<I>::type>,
    std::conditional_t<Dispatch && std::is_base_of_v<IDispatch, typename listed<I>::type>, raw_dispatch<D, typename listed<I>::type>,
                       typename listed<I>::type>>;
template <typename D, typename L, bool Dispatch>
struct interface_slots;
template <typename D, typename... I, bool Dispatch>
struct interface_slots<D, type_list<I...>, Dispatch> {
  using type = type_list<interface_slot<D, I, Dispatch>...>;
};
template <typename L>
struct unwrap_listed;
template <typename... I>
struct unwrap_listed<type_list<I...>> {
  using type = type_list<typename listed<I>::type...>;
  static constexpr std::array<bool, sizeof...(I)> produced{listed<I>::produced...};
};

/// Everything implements<D, Ts...> derives from its argument list.
template <typename D, typename... Ts>
struct implements_traits {
  using all = type_list<Ts...>;
  using listed_interfaces = filter_t<is_interface_arg, Ts...>;  // as written: I or raw<I>
  using user_interfaces = typename unwrap_listed<listed_interfaces>::type;
  /// Which user interfaces a generated produce shim implements.
  static constexpr auto produced = unwrap_listed<listed_interfaces>::produced;
  using tear_off_markers = filter_t<is_tear_off_marker, Ts...>;
  static constexpr bool atomic = !contains_v<all, single_threaded>;
  static constexpr bool weak = !contains_v<all, no_weak_ref>;
  static constexpr bool aggregatable = contains_v<all, comkit::aggregatable>;
  static constexpr bool typelib_dispatch = contains_v<all, dispatch_from_typelib>;
  /// ISupportErrorInfo: on request, and always with a produced interface
  /// (its shim turns exceptions into IErrorInfo, so callers should look).
  static constexpr bool error_info_marker = contains_v<all, support_error_info>;
  static constexpr bool any_produced = [] {
    for (bool p : produced)
      if (p) return true;
    return false;
  }();
  /// (Not when the user lists ISupportErrorInfo: then D implements it.)
  static constexpr bool error_info = (error_info_marker || any_produced) && !contains_v<user_interfaces, ISupportErrorInfo>;
  static constexpr std::size_t user_count = user_interfaces::size;

  template <typename L, bool Add, typename T>
  using append_if = std::conditional_t<Add, typename push_back<L, T>::type, L>;
  /// What the object's vtable pointers are: the user's interfaces, then the
  /// optional ones, in this order (it is also the order of QI targets).
  using direct_interfaces =
      append_if<append_if<user_interfaces, weak, IWeakReferenceSource>, error_info, ISupportErrorInfo>;
  static constexpr std::size_t direct_count = direct_interfaces::size;
  static constexpr std::size_t self_target = direct_count;
  static constexpr std::size_t tear_off_target = direct_count + 1;
};

template <typename L, std::size_t I>
struct at;
template <typename T, typename... Ts>
struct at<type_list<T, Ts...>, 0> {
  using type = T;
};
template <typename T, typename... Ts, std::size_t I>
struct at<type_list<T, Ts...>, I> : at<type_list<Ts...>, I - 1> {};

// ---- The QI table of a class ---------------------------------------------------

template <typename I>
constexpr std::size_t chain_length() noexcept {
  return base_chain<I>::type::size;
}

/// The private IID by which an implements<> object of type D recognises
/// itself (try_get_self): a name-based GUID of D's type name.
template <typename D>
COMKIT_IMPL_HIDDEN inline constexpr GUID self_iid = [] {
  constexpr std::string_view name = type_name<D>();
  std::array<std::uint8_t, name.size()> bytes{};
  for (std::size_t i = 0; i < name.size(); ++i) bytes[i] = static_cast<std::uint8_t>(name[i]);
  // Namespace of comkit's private self IIDs.
  constexpr guid_fields ns{0x8e4a1d27, 0x3c6b, 0x4f0e, {0x9a, 0x51, 0x63, 0x6f, 0x6d, 0x6b, 0x69, 0x74}};
  const guid_fields f = guid_v5(ns, bytes.data(), bytes.size());
  return GUID{f.data1, f.data2, f.data3, {f.data4[0], f.data4[1], f.data4[2], f.data4[3], f.data4[4], f.data4[5], f.data4[6], f.data4[7]}};
}();

template <typename Traits, typename D>
struct COMKIT_IMPL_HIDDEN qi_entries {
  template <typename L>
  struct chains_length;
  template <typename... I>
  struct chains_length<type_list<I...>> : std::integral_constant<std::size_t, (chain_length<I>() + ... + 0)> {};
  template <typename L>
  struct tear_interfaces_length;
  template <typename... M>
  struct tear_interfaces_length<type_list<M...>>
      : std::integral_constant<std::size_t, (chain_length<typename M::type::interface_type>() + ... + 0)> {};

  static constexpr std::size_t capacity = 2 + chains_length<typename Traits::direct_interfaces>::value +
                                          tear_interfaces_length<typename Traits::tear_off_markers>::value;

  struct collected {
    std::array<qi_entry, capacity> entries{};
    std::size_t count = 0;
    constexpr void add(const GUID& iid, std::size_t target) {
      for (std::size_t i = 0; i < count; ++i)
        if (entries[i].iid == iid) return;  // first claim wins (a base shared by two interfaces)
      entries[count++] = qi_entry{iid, static_cast<std::uint8_t>(target)};
    }
    template <typename... I>
    constexpr void add_chain(type_list<I...>, std::size_t target) {
      (add(guid_of<I>(), target), ...);
    }
  };

  static constexpr collected collect() {
    collected c;
    c.add(guid_of<IUnknown>(), 0);  // identity: the first interface's vtable
    [&]<typename... I>(type_list<I...>) {
      std::size_t k = 0;
      (c.add_chain(typename base_chain<I>::type{}, k++), ...);
    }(typename Traits::direct_interfaces{});
    c.add(self_iid<D>, Traits::self_target);
    [&]<typename... M>(type_list<M...>) {
      std::size_t j = Traits::tear_off_target;
      (c.add_chain(typename base_chain<typename M::type::interface_type>::type{}, j++), ...);
    }(typename Traits::tear_off_markers{});
    return c;
  }

  static constexpr collected list = collect();
  static_assert(Traits::tear_off_target + Traits::tear_off_markers::size < qi_miss, "too many interfaces");
  static constexpr auto table = make_qi_table<qi_bucket_count(list.count)>(list.entries, list.count);
};

/// Set by make_aggregated for the constructor of the object it creates.
COMKIT_IMPL_HIDDEN inline thread_local IUnknown* pending_outer = nullptr;

/// Live objects of component classes plus IClassFactory::LockServer locks
/// in the module (program or shared library) this code is compiled into:
/// hidden, so every module has its own. DllCanUnloadNow reads it.
COMKIT_IMPL_HIDDEN inline std::atomic<long> module_lock_count{0};
/// Set by a local server (comkit::local_server): told of every change of
/// the count, so that the process counts its objects and locks with
/// CoAddRefServerProcess/CoReleaseServerProcess and ends with the last.
COMKIT_IMPL_HIDDEN inline std::atomic<void (*)(bool up) noexcept> module_count_changed{nullptr};
inline void module_lock() noexcept {
  module_lock_count.fetch_add(1, std::memory_order_relaxed);
  if (auto tell = module_count_changed.load(std::memory_order_acquire)) tell(true);
}
inline void module_unlock() noexcept {
  module_lock_count.fetch_sub(1, std::memory_order_release);
  if (auto tell = module_count_changed.load(std::memory_order_acquire)) tell(false);
}

/// Component classes count in the module lock: those that declare a CLSID,
/// or name their IDL coclass (`using coclass = Calculator;`).
template <typename D>
constexpr bool counts_in_module() {
  return requires { D::clsid; } || requires { typename D::coclass; };
}
/// A component class's CLSID: its own `clsid`, else its coclass's.
template <typename D>
constexpr GUID class_id() noexcept {
  if constexpr (requires { D::clsid; })
    return D::clsid;
  else
    return coclass_traits<typename D::coclass>::clsid;
}

template <typename D>
struct final_release_deleter {
  void operator()(D* p) const noexcept { D::implements_type::destroy_now(p); }
};

}  // namespace detail

/// What final_release receives: owning the object whose count reached zero.
/// Resetting (or destroying) it destroys the object; keeping it (moving it
/// somewhere) defers that. Move-only, with std::unique_ptr's members (get,
/// release, reset, ->, *, bool) but not one: implements.h, which every
/// generated header includes, then needs no <memory>.
template <typename D>
class final_release_ptr {
 public:
  constexpr final_release_ptr() noexcept = default;
  constexpr final_release_ptr(std::nullptr_t) noexcept {}
  explicit final_release_ptr(D* p) noexcept : m_p(p) {}
  final_release_ptr(final_release_ptr&& o) noexcept : m_p(std::exchange(o.m_p, nullptr)) {}
  final_release_ptr& operator=(final_release_ptr&& o) noexcept {
    reset(std::exchange(o.m_p, nullptr));
    return *this;
  }
  final_release_ptr& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  ~final_release_ptr() { reset(); }

  D* get() const noexcept { return m_p; }
  D* operator->() const noexcept { return m_p; }
  D& operator*() const noexcept { return *m_p; }
  explicit operator bool() const noexcept { return m_p != nullptr; }
  /// Gives up ownership: the caller destroys the object (reset on another
  /// final_release_ptr).
  D* release() noexcept { return std::exchange(m_p, nullptr); }
  void reset(D* p = nullptr) noexcept {
    if (D* old = std::exchange(m_p, p)) detail::final_release_deleter<D>{}(old);
  }

 private:
  D* m_p = nullptr;
};

namespace detail {
/// Deletes a tear-off of exactly type X, which need not have a virtual
/// destructor (tear-offs are created by exact type and never deleted through
/// a base).
template <typename X>
void delete_tear_off(X* x) noexcept {
  x->~X();
  ::operator delete(static_cast<void*>(x));
}

/// What a tear-off for listed interface I derives from: I itself (its ABI
/// methods overridden by the tear-off), or, when a generated projection
/// header produces I, its producer, so that the tear-off writes I's
/// idiomatic members as an implements<> class does.
template <typename Self, typename I>
using tear_off_base =
    std::conditional_t<listed<I>::produced, producer<Self, typename listed<I>::type>, typename listed<I>::type>;
}  // namespace detail

/// The base of a tear-off: an interface I implemented by a separate small
/// object Self that shares its Owner's identity. Self must be default
/// constructible; owner() reaches the object it belongs to. Self writes I's
/// idiomatic members when I's generated projection header is included
/// (raw ABI overrides still win, method by method), and I's ABI methods
/// otherwise, or always when I is listed as comkit::raw<I>.
template <typename Self, typename I, typename Owner>
class tear_off : public detail::tear_off_base<Self, I> {
 public:
  using listed_type = I;  // as written: I or raw<I>
  using interface_type = typename detail::listed<I>::type;
  static constexpr bool produced = detail::listed<I>::produced;

  // IUnknown: I's overrides for a raw tear-off; for a produced one, what
  // its produce shim forwards to (shim().QueryInterface ...).
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) noexcept {
    return m_owner->QueryInterface(riid, ppv);  // identity: the owner answers for the tear-off
  }
  ULONG STDMETHODCALLTYPE AddRef() noexcept {
    if (!m_disposable) return m_owner->AddRef();
    return m_refs.fetch_add(1, std::memory_order_relaxed) + 1;
  }
  ULONG STDMETHODCALLTYPE Release() noexcept {
    if (!m_disposable) return m_owner->Release();
    const ULONG left = m_refs.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if (left == 0) {
      Owner* owner = m_owner;
      detail::delete_tear_off(static_cast<Self*>(this));
      owner->Release();  // the reference a disposable tear-off holds on its owner
    }
    return left;
  }

 protected:
  Owner& owner() const noexcept { return *m_owner; }

 private:
  template <typename, typename...>
  friend class implements;
  // The interface pointer: the tear-off itself, or its producer's vtable.
  interface_type* abi() noexcept {
    if constexpr (produced)
      return &static_cast<detail::producer<Self, interface_type>*>(static_cast<Self*>(this))->m_abi;
    else
      return static_cast<Self*>(this);
  }
  Owner* m_owner = nullptr;
  std::atomic<ULONG> m_refs{1};
  bool m_disposable = false;
};

namespace detail {
/// The base classes of implements<D, Ts...>: the user's interfaces, then the
/// mixins that implement IWeakReferenceSource and ISupportErrorInfo.
template <typename D, typename... Ts>
using implements_slots = typename implements_traits<D, Ts...>::template append_if<
    typename implements_traits<D, Ts...>::template append_if<
        typename interface_slots<D, typename implements_traits<D, Ts...>::listed_interfaces,
                                 implements_traits<D, Ts...>::typelib_dispatch>::type,
        implements_traits<D, Ts...>::weak, weak_source_mixin<implements<D, Ts...>>>,
    implements_traits<D, Ts...>::error_info, support_error_info_mixin<implements<D, Ts...>>>;

/// The bases in the order they are declared: the polymorphic ones (the
/// interfaces D derives from, the mixins) first, then the producers. A
/// producer<D, I> holds its vtable pointer in its member, so the class is
/// not polymorphic; C++ ABIs lay polymorphic bases out ahead of others (the
/// Itanium ABI 2.4 puts its primary base, the first polymorphic one, at
/// offset 0; MSVC puts every base with a vfptr before those without). With
/// the polymorphic bases declared first, both lay every base out in
/// declaration order, one pointer each.
template <typename L>
struct polymorphic_first;
template <typename... S>
struct polymorphic_first<type_list<S...>> {
  template <typename T>
  struct is_dynamic : std::bool_constant<std::is_polymorphic_v<T>> {};
  template <typename T>
  struct is_static : std::bool_constant<!std::is_polymorphic_v<T>> {};
  template <typename A, typename B>
  struct concat;
  template <typename... A, typename... B>
  struct concat<type_list<A...>, type_list<B...>> {
    using type = type_list<A..., B...>;
  };
  using type = typename concat<filter_t<is_dynamic, S...>, filter_t<is_static, S...>>::type;

  /// Where slot k (in direct_interfaces order) sits, in pointers from the
  /// start of the bases.
  static constexpr std::array<std::uint8_t, sizeof...(S)> positions = [] {
    constexpr std::array<bool, sizeof...(S)> dynamic{std::is_polymorphic_v<S>...};
    std::size_t dynamic_count = 0;
    for (bool d : dynamic) dynamic_count += d;
    std::array<std::uint8_t, sizeof...(S)> pos{};
    std::size_t seen_dynamic = 0, seen_static = 0;
    for (std::size_t k = 0; k < sizeof...(S); ++k)
      pos[k] = static_cast<std::uint8_t>(dynamic[k] ? seen_dynamic++ : dynamic_count + seen_static++);
    return pos;
  }();
};
template <typename D, typename... Ts>
using implements_bases = inherit<typename polymorphic_first<implements_slots<D, Ts...>>::type>;
}  // namespace detail

template <typename D, typename... Ts>
class implements : public detail::implements_bases<D, Ts...> {
 public:
  using traits = detail::implements_traits<D, Ts...>;

 private:
  using user_interfaces = typename traits::user_interfaces;
  using direct_interfaces = typename traits::direct_interfaces;
  using tear_off_markers = typename traits::tear_off_markers;
  using layout = detail::block_layout<D, traits::atomic>;

  static_assert(traits::user_count > 0, "implements<> needs at least one interface");
  template <typename L>
  struct checks;
  template <typename... I>
  struct checks<detail::type_list<I...>> {
    static_assert(detail::all_distinct_v<I...>, "implements<>: an interface is listed twice");
    static_assert((std::is_base_of_v<IUnknown, I> && ...), "implements<>: every interface must derive from IUnknown");
    static_assert((!std::is_same_v<I, IUnknown> && ...), "implements<>: IUnknown is implied; do not list it");
    static_assert((has_iid<I> && ...), "implements<>: every interface needs an IID (COMKIT_DECLARE_IID)");
    static constexpr bool ok = true;
  };
  static_assert(checks<user_interfaces>::ok);

 public:
  using implements_type = implements;
  using first_interface = typename detail::front<user_interfaces>::type;

  // ---- IUnknown (for every interface of the object) ----

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) noexcept override {
    if constexpr (traits::aggregatable)
      if (m_outer) return m_outer->QueryInterface(riid, ppv);
    return query_non_delegating(riid, ppv);
  }
  ULONG STDMETHODCALLTYPE AddRef() noexcept override {
    if constexpr (traits::aggregatable)
      if (m_outer) return m_outer->AddRef();
    return counts().add_strong();
  }
  ULONG STDMETHODCALLTYPE Release() noexcept override {
    if constexpr (traits::aggregatable)
      if (m_outer) return m_outer->Release();
    return release_non_delegating();
  }
  /// QueryInterface(&p): the IID from p's type.
  template <typename Q>
  HRESULT QueryInterface(Q** pp) noexcept {
    return QueryInterface(guid_of<Q>(), reinterpret_cast<void**>(pp));  // ABI: [out] Q* as void**
  }

  /// The IUnknown that speaks for the object: the outer unknown when it is
  /// aggregated, else its own identity. Not AddRef'd.
  IUnknown* controlling_unknown() noexcept {
    if constexpr (traits::aggregatable)
      if (m_outer) return m_outer;
    return identity();
  }

 protected:
  implements() noexcept {
    if constexpr (traits::aggregatable) m_outer = std::exchange(detail::pending_outer, nullptr);
  }
  // Trivial unless there are tear-offs to delete, so that destroying an
  // object costs no more than its own fields' destructors.
  ~implements() = default;
  ~implements()
    requires(tear_off_markers::size > 0)
  {
    destroy_tear_offs(std::make_index_sequence<tear_off_markers::size>{});
  }
  implements(const implements&) = delete;
  implements& operator=(const implements&) = delete;

 private:
  template <typename>
  friend struct detail::weak_source_mixin;
  template <typename>
  friend struct detail::support_error_info_mixin;
  template <typename>
  friend struct detail::final_release_deleter;
  template <typename X>
  friend HRESULT create_instance_of(IUnknown* outer, REFIID riid, void** ppv) noexcept;

  using entries = detail::qi_entries<traits, D>;

  D* derived() noexcept { return static_cast<D*>(this); }
  IUnknown* identity() noexcept { return first_of(derived()); }
  typename layout::counts& counts() noexcept { return *layout::counts_of(derived()); }

  using bases = detail::implements_bases<D, Ts...>;
  // Every interface (and mixin) base is one vtable pointer, and bases are laid
  // out in declaration order (Itanium C++ ABI 2.4; MSVC agrees for
  // single-pointer bases), so the k-th interface is k pointers into `bases`.
  static_assert(sizeof(bases) == traits::direct_count * sizeof(void*),
                "implements<>: interfaces must be pure vtables (no data members)");

  // The pointer for direct target k: the k-th interface in direct_interfaces.
  static constexpr auto& positions = detail::polymorphic_first<detail::implements_slots<D, Ts...>>::positions;
  void* direct_pointer(std::size_t k) noexcept {
    // ABI: base k sits positions[k] vtable pointers into `bases` (checked in implements_test.cpp)
    return reinterpret_cast<void**>(static_cast<bases*>(this)) + positions[k];
  }

 public:
  /// The object's first interface: its identity (make<> hands it out).
  static first_interface* first_of(D* d) noexcept {
    return static_cast<first_interface*>(static_cast<implements*>(d)->direct_pointer(0));
  }
  /// The D an interface pointer of it points into: `p` is the pointer the
  /// object hands out for iid (unchecked). For get_self.
  static D* self_of(void* p, const GUID& iid) noexcept {
    const std::uint8_t k = iid == guid_of<IUnknown>() ? 0 : entries::table.find(iid);
    if (k >= traits::direct_count) return nullptr;  // not an interface D hands out directly
    // ABI: the reverse of direct_pointer
    return static_cast<D*>(reinterpret_cast<bases*>(static_cast<void**>(p) - positions[k]));
  }

  /// The interface pointer the object hands out for its k-th direct interface;
  /// exposed for the layout test only.
  template <std::size_t K>
  static bool layout_matches(D* d) noexcept {
    using slot = typename detail::at<detail::implements_slots<D, Ts...>, K>::type;
    void* actual;
    if constexpr (std::is_polymorphic_v<slot>)
      actual = static_cast<typename detail::at<direct_interfaces, K>::type*>(d);
    else
      actual = &static_cast<slot*>(d)->m_abi;  // a producer: the vtable is its member
    return d->direct_pointer(K) == actual;
  }

 private:
  void add_ref_handed_out() noexcept {
    if constexpr (traits::aggregatable)
      if (m_outer) {
        m_outer->AddRef();  // interfaces of an aggregated object count on the outer
        return;
      }
    counts().add_strong();
  }

  HRESULT query_non_delegating(REFIID riid, void** ppv) noexcept {
    if (!ppv) [[unlikely]]
      return E_POINTER;
    if constexpr (traits::aggregatable)
      if (m_outer && riid == guid_of<IUnknown>()) {  // the inner's own, non-delegating IUnknown
        *ppv = static_cast<IUnknown*>(&m_inner_unknown);
        counts().add_strong();
        return S_OK;
      }
    const std::uint8_t t = entries::table.find(riid);
    if (t < traits::direct_count) [[likely]] {
      if constexpr (traits::aggregatable && traits::weak)
        if (m_outer && t == traits::user_count) return miss(riid, ppv);  // weak references are the outer's
      *ppv = direct_pointer(t);
      add_ref_handed_out();
      return S_OK;
    }
    return query_special(t, riid, ppv);
  }

  /// QueryInterface that hands the caller the object's first reference
  /// instead of adding one: for a freshly created object. On failure the
  /// object is released (and so destroyed).
  HRESULT query_adopting(REFIID riid, void** ppv) noexcept {
    const std::uint8_t t = entries::table.find(riid);
    if (t < traits::direct_count) [[likely]] {
      *ppv = direct_pointer(t);
      return S_OK;
    }
    const HRESULT hr = QueryInterface(riid, ppv);
    Release();
    return hr;
  }

  HRESULT query_special(std::uint8_t t, REFIID riid, void** ppv) noexcept {
    if (t == traits::self_target) {
      *ppv = derived();  // only for try_get_self, which knows this is a D*
      add_ref_handed_out();
      return S_OK;
    }
    if constexpr (tear_off_markers::size > 0)
      if (t != detail::qi_miss)
        return query_tear_off(t - traits::tear_off_target, ppv, std::make_index_sequence<tear_off_markers::size>{});
    return miss(riid, ppv);
  }

  HRESULT miss(REFIID riid, void** ppv) noexcept {
    if constexpr (requires(D& d, const GUID& g, void** p) {
                    { d.resolve_interface(g, p) } -> std::same_as<HRESULT>;
                  }) {
      *ppv = nullptr;
      return derived()->resolve_interface(riid, ppv);
    } else {
      *ppv = nullptr;
      return E_NOINTERFACE;
    }
  }

  // ---- Tear-offs ----

  template <typename M>
  struct tear_slot {
    using type = typename M::type*;  // cached: plain pointer
  };
  template <typename T>
  struct tear_slot<atomic_tear_off<T>> {
    using type = std::atomic<T*>;
  };
  template <typename T>
  struct tear_slot<disposable_tear_off<T>> {
    struct type {};
  };
  template <typename L>
  struct tear_slots;
  template <typename... M>
  struct tear_slots<detail::type_list<M...>> {
    using type = std::tuple<typename tear_slot<M>::type...>;
  };

  template <typename X>
  X* new_tear_off(bool disposable) noexcept {
#if COMKIT_HAS_EXCEPTIONS
    void* mem = ::operator new(sizeof(X), std::nothrow);  // paired with delete_tear_off
    if (!mem) return nullptr;
    X* x = nullptr;
    try {
      x = ::new (mem) X;
    } catch (...) {
      ::operator delete(mem);
      return nullptr;
    }
#else
    void* mem = ::operator new(sizeof(X), std::nothrow);
    if (!mem) return nullptr;
    X* x = ::new (mem) X;
#endif
    x->m_owner = derived();
    x->m_disposable = disposable;
    return x;
  }

  template <std::size_t J>
  HRESULT query_tear_off_at(void** ppv) noexcept {
    using M = typename detail::at<tear_off_markers, J>::type;
    using X = typename M::type;
    static_assert(std::is_base_of_v<tear_off<X, typename X::listed_type, D>, X>,
                  "a tear-off derives from comkit::tear_off<Self, I, Owner>");
    X* x = nullptr;
    if constexpr (M::kind == 3) {
      x = new_tear_off<X>(true);
      if (!x) return *ppv = nullptr, E_OUTOFMEMORY;
      AddRef();  // held by the tear-off until its last Release
      *ppv = x->abi();
      return S_OK;
    } else if constexpr (M::kind == 1) {
      X*& slot = std::get<J>(m_tear_offs);
      if (!slot && !(slot = new_tear_off<X>(false))) return *ppv = nullptr, E_OUTOFMEMORY;
      x = slot;
    } else {
      std::atomic<X*>& slot = std::get<J>(m_tear_offs);
      x = slot.load(std::memory_order_acquire);
      if (!x) {
        X* fresh = new_tear_off<X>(false);
        if (!fresh) return *ppv = nullptr, E_OUTOFMEMORY;
        if (slot.compare_exchange_strong(x, fresh, std::memory_order_acq_rel, std::memory_order_acquire))
          x = fresh;
        else
          detail::delete_tear_off(fresh);  // another thread's won
      }
    }
    AddRef();  // a cached tear-off counts on its owner
    *ppv = x->abi();
    return S_OK;
  }

  template <std::size_t... J>
  HRESULT query_tear_off(std::size_t j, void** ppv, std::index_sequence<J...>) noexcept {
    HRESULT hr = E_NOINTERFACE;
    ((j == J ? (hr = query_tear_off_at<J>(ppv), 0) : 0), ...);
    return hr;
  }

  template <std::size_t... J>
  void destroy_tear_offs(std::index_sequence<J...>) noexcept {
    (
        [&] {
          using M = typename detail::at<tear_off_markers, J>::type;
          if constexpr (M::kind == 1) {
            if (auto* x = std::get<J>(m_tear_offs)) detail::delete_tear_off(x);
          } else if constexpr (M::kind == 2) {
            if (auto* x = std::get<J>(m_tear_offs).load(std::memory_order_acquire)) detail::delete_tear_off(x);
          }
        }(),
        ...);
  }

  // ---- Lifetime ----

  ULONG release_non_delegating() noexcept {
    const std::uint32_t left = counts().release_strong();
    if (left == 0) destroy();
    return left;
  }

  void destroy() noexcept {
    if constexpr (requires { D::final_release(std::declval<final_release_ptr<D>>()); })
      D::final_release(final_release_ptr<D>(derived()));
    else
      destroy_now(derived());
  }

  static void destroy_now(D* self) noexcept {
    auto* counts = layout::counts_of(self);
    self->D::~D();  // exactly a D (make<> built it): no virtual call
    if (counts->release_weak()) layout::deallocate(counts);
    if constexpr (detail::counts_in_module<D>()) detail::module_unlock();
  }

  HRESULT get_weak_reference(IWeakReference** out) noexcept {
    if (!out) return E_POINTER;
    auto* w = new (std::nothrow) detail::weak_reference<traits::atomic>(&counts(), identity(), &layout::deallocate);
    *out = w;
    if (!w) return E_OUTOFMEMORY;
    counts().add_weak();
    return S_OK;
  }

  HRESULT supports_error_info(REFIID riid) noexcept {
    if (riid == guid_of<IUnknown>()) return S_FALSE;
    // Which user interfaces say yes: all with the marker, else the produced.
    const std::uint8_t t = entries::table.find(riid);
    if (t < traits::user_count) return traits::error_info_marker || traits::produced[t] ? S_OK : S_FALSE;
    if constexpr (tear_off_markers::size > 0) {
      // A tear-off's interface: the same rule. (ISupportErrorInfo itself is
      // there when a direct interface is produced or the marker is listed.)
      constexpr auto tear_produced = []<typename... M>(detail::type_list<M...>) {
        return std::array<bool, sizeof...(M)>{M::type::produced...};
      }(tear_off_markers{});
      if (t >= traits::tear_off_target && t < traits::tear_off_target + tear_off_markers::size)
        return traits::error_info_marker || tear_produced[t - traits::tear_off_target] ? S_OK : S_FALSE;
    }
    return S_FALSE;
  }

  // The non-delegating IUnknown an aggregated object gives its outer.
  struct inner_unknown final : IUnknown {
    implements* self;
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) noexcept override {
      return self->query_non_delegating(riid, ppv);
    }
    ULONG STDMETHODCALLTYPE AddRef() noexcept override { return self->counts().add_strong(); }
    ULONG STDMETHODCALLTYPE Release() noexcept override { return self->release_non_delegating(); }
  };
  struct no_inner {};
  struct no_outer {};  // a type of its own: two empty members of one type cannot share an address

  [[no_unique_address]] std::conditional_t<traits::aggregatable, IUnknown*, no_outer> m_outer{};
  [[no_unique_address]] std::conditional_t<traits::aggregatable, inner_unknown, no_inner> m_inner_unknown = make_inner();
  [[no_unique_address]] typename tear_slots<tear_off_markers>::type m_tear_offs{};

  auto make_inner() noexcept {
    if constexpr (traits::aggregatable) {
      inner_unknown u;
      u.self = this;
      return u;
    } else {
      return no_inner{};
    }
  }

 public:
  /// For make_aggregated: the non-delegating IUnknown (not AddRef'd).
  IUnknown* non_delegating_unknown() noexcept
    requires traits::aggregatable
  {
    return &m_inner_unknown;
  }
};

// ---- Creation ------------------------------------------------------------------

/// Allocates counts and object in one block and constructs D. When memory
/// runs out: std::bad_alloc with exceptions, null without (constructor
/// exceptions propagate).
namespace detail {
template <typename D, typename... Args>
D* create_object(IUnknown* outer, Args&&... args) {
  using impl = typename D::implements_type;
  using layout = detail::block_layout<D, impl::traits::atomic>;
  void* block = layout::allocate();
  if (!block) return nullptr;
  new (block) typename layout::counts();
  void* at = static_cast<char*>(block) + layout::offset;
  if constexpr (impl::traits::aggregatable) detail::pending_outer = outer;
  D* d;
#if COMKIT_HAS_EXCEPTIONS
  try {
    d = new (at) D(std::forward<Args>(args)...);
  } catch (...) {
    if constexpr (impl::traits::aggregatable) detail::pending_outer = nullptr;
    layout::deallocate(block);
    throw;
  }
#else
  d = new (at) D(std::forward<Args>(args)...);
#endif
  // Counted only once the object exists (destroy_now uncounts it): a
  // constructor that throws leaves the module's count as it was.
  if constexpr (detail::counts_in_module<D>()) detail::module_lock();
  return d;
}
}  // namespace detail

namespace detail {
/// A com_ptr adopting an object fresh from create_object. With exceptions
/// it is never null (allocation threw std::bad_alloc); without, null means
/// E_OUTOFMEMORY.
template <typename I>
auto adopt_created(I* p) -> error_policy::wrap<com_ptr<I>> {
#if !COMKIT_HAS_EXCEPTIONS
  if (!p) return result<com_ptr<I>>::failure(E_OUTOFMEMORY);
#endif
  return com_ptr<I>(p, take_ownership);
}
}  // namespace detail

namespace detail {
/// Hands out through `out` the object `build()` makes: a com_ptr, or with
/// exceptions off a result<com_ptr>. Its failure (an exception, through
/// to_hresult, or the failed result) is the HRESULT. For ABI methods that
/// return a new object (Clone, EnumConnections ...).
template <typename I, typename F>
HRESULT hand_out(I** out, F&& build) noexcept {
#if COMKIT_HAS_EXCEPTIONS
  try {
    *out = com_ptr<I>(build()).detach();
  } catch (...) {
    return to_hresult();
  }
#else
  auto made = build();
  if (!made.ok()) return made.code();
  *out = com_ptr<I>(std::move(made).value()).detach();
#endif
  return S_OK;
}
}  // namespace detail

/// Creates a D and returns its first interface. Throws std::bad_alloc when
/// memory runs out, or what D's constructor throws (without exceptions: a
/// result, E_OUTOFMEMORY).
template <typename D, typename... Args>
auto make(Args&&... args) -> detail::error_policy::wrap<com_ptr<typename D::first_interface>> {
  D* d = detail::create_object<D>(nullptr, std::forward<Args>(args)...);
  return detail::adopt_created(d ? D::implements_type::first_of(d) : nullptr);
}

/// Creates a D and returns a com_ptr to the implementation itself.
template <typename D, typename... Args>
auto make_self(Args&&... args) -> detail::error_policy::wrap<com_ptr<D>> {
  return detail::adopt_created(detail::create_object<D>(nullptr, std::forward<Args>(args)...));
}

/// The implementation behind an interface pointer of a D (unchecked: `p` must
/// point into a D; for IUnknown, at its identity). Not AddRef'd.
template <typename D, typename I>
D* get_self(I* p) noexcept {
  if constexpr (std::is_same_v<I, IUnknown> || !std::is_base_of_v<I, D>)  // identity, or a produced interface
    return p ? D::implements_type::self_of(p, guid_of<I>()) : nullptr;
  else
    return static_cast<D*>(p);
}
template <typename D, typename I>
D* get_self(const com_ptr<I>& p) noexcept {
  return get_self<D>(p.get());
}

/// The implementation behind `p` if the object is a comkit D, else null.
/// Asks the object for D's private IID, so it works for any interface
/// pointer, also one that came through other code. Not AddRef'd.
template <typename D, typename I>
D* try_get_self(I* p) noexcept {
  if (!p) return nullptr;
  void* self = nullptr;
  if (p->QueryInterface(detail::self_iid<D>, &self) != S_OK || !self) return nullptr;
  p->Release();  // drop the reference the query added (same object); p's keeps it alive
  return static_cast<D*>(self);
}
template <typename D, typename I>
D* try_get_self(const com_ptr<I>& p) noexcept {
  return try_get_self<D>(p.get());
}

/// Creates a D inside the aggregate whose controlling unknown is `outer`
/// (not AddRef'd: the inner never holds its outer) and returns the inner's
/// non-delegating IUnknown, which the outer keeps and queries for the
/// interfaces it exposes. D must list comkit::aggregatable.
template <typename D, typename... Args>
auto make_aggregated(IUnknown* outer, Args&&... args) -> detail::error_policy::wrap<com_ptr<IUnknown>> {
  static_assert(D::implements_type::traits::aggregatable, "make_aggregated needs comkit::aggregatable in the list");
  D* d = detail::create_object<D>(outer, std::forward<Args>(args)...);
  return detail::adopt_created(d ? d->non_delegating_unknown() : nullptr);
}

/// What a class factory's CreateInstance does for D, with COM's rules: an
/// outer unknown needs an aggregatable D (else CLASS_E_NOAGGREGATION) and
/// riid IID_IUnknown (else CLASS_E_NOAGGREGATION); the object's exceptions and
/// allocation failure become HRESULTs. Never throws.
template <typename D>
HRESULT create_instance_of(IUnknown* outer, REFIID riid, void** ppv) noexcept {
  if (!ppv) return E_POINTER;
  *ppv = nullptr;
#if COMKIT_HAS_EXCEPTIONS
  try {
#endif
    if (outer) {
      if constexpr (!D::implements_type::traits::aggregatable) {
        return CLASS_E_NOAGGREGATION;
      } else {
        if (riid != guid_of<IUnknown>()) return CLASS_E_NOAGGREGATION;
        D* d = detail::create_object<D>(outer);
        if (!d) return E_OUTOFMEMORY;
        *ppv = d->non_delegating_unknown();
        return S_OK;
      }
    }
    D* d = detail::create_object<D>(nullptr);
    if (!d) return E_OUTOFMEMORY;
    return d->query_adopting(riid, ppv);
#if COMKIT_HAS_EXCEPTIONS
  } catch (...) {
    return detail::to_hresult();
  }
#endif
}

}  // namespace comkit

#endif  // COMKIT_IMPLEMENTS_H
