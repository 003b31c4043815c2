// runtime/marshal/marshal.cpp - CoMarshalInterface and its family: the
// object exporter (which objects each apartment has handed out, under which
// OID and IPIDs, with how many references), the standard and custom OBJREF
// paths, the free-threaded marshaler, the global interface table, and
// CoLockObjectExternal with IExternalConnection.
//
// The exporter's state machine, per exported object (all under g_export_lock):
//
//   (not exported) --marshal/lock--> exported: holds one reference on the
//       object's identity and one per exported interface, and counts what
//       keeps it exported: `normal` (normal marshals not yet unmarshalled or
//       released, with `public_refs` between them), `strong`/`weak` table
//       marshals per interface, and `locks` (CoLockObjectExternal).
//   exported --unmarshal (normal), CoReleaseMarshalData, unlock--> exported
//       while any count is non-zero; at zero --> (not exported): the
//       references are released, outside the lock.
//   exported --CoDisconnectObject, the apartment ends--> (not exported) at
//       once; marshal data still around then fails with CO_E_OBJNOTCONNECTED.
//
// References go back outside the lock (Release runs the object's code, which
// may marshal again); IExternalConnection is called outside it too, after
// the count it reflects changed.
//
// Calls across apartments need proxies; until the proxy/stub layer lands,
// unmarshalling a standard OBJREF in another apartment fails with
// E_NOINTERFACE (no proxy for the interface), as Windows does for an
// interface without a registered proxy. Agile objects (the free-threaded
// marshaler) cross apartments already.
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <random>
#include <unordered_map>
#include <utility>
#include <vector>

#include <unistd.h>

#include <comkit/detail/guid_hash.h>

#include "apartment/apartment_internal.h"
#include "marshal/counted_object.h"
#include "marshal/marshal_internal.h"
#include "marshal/objref.h"
#include "marshal/peer.h"
#include "runtime_internal.h"
#include "typeinfo/typeinfo_internal.h"

extern "C" {
const CLSID CLSID_StdGlobalInterfaceTable = {0x00000323, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
const CLSID CLSID_InProcFreeMarshaler = {0x0000033A, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
const CLSID CLSID_StdMarshal = {0x00000017, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
}

namespace comkit::rt {
namespace {

constexpr DWORD known_mshlflags = MSHLFLAGS_TABLESTRONG | MSHLFLAGS_TABLEWEAK | MSHLFLAGS_NOPING;

bool valid_flags(DWORD mshlflags, DWORD dest) noexcept {
  if (mshlflags & ~known_mshlflags) return false;
  if ((mshlflags & MSHLFLAGS_TABLESTRONG) && (mshlflags & MSHLFLAGS_TABLEWEAK)) return false;
  return dest <= MSHCTX_CONTAINER;
}

// ---- Streams ------------------------------------------------------------------

HRESULT write_all(IStream* s, const std::vector<std::byte>& bytes) noexcept {
  ULONG written = 0;
  const HRESULT hr = s->Write(bytes.data(), static_cast<ULONG>(bytes.size()), &written);
  if (FAILED(hr)) return hr;
  return written == bytes.size() ? S_OK : STG_E_MEDIUMFULL;
}

HRESULT read_exact(IStream* s, void* to, std::size_t n) noexcept {
  ULONG got = 0;
  const HRESULT hr = s->Read(to, static_cast<ULONG>(n), &got);
  if (FAILED(hr)) return hr;
  return got == n ? S_OK : STG_E_READFAULT;
}

// Reads an OBJREF's header, and for the standard form the rest of it (the
// custom form's data is the unmarshaler's to read).
struct read_objref {
  objref_header header;
  std_objref standard;  // the standard form
  CLSID clsid{};        // the custom form
  DWORD custom_size = 0;
};

HRESULT read_from(IStream* s, read_objref* out) noexcept {
  std::byte buffer[objref_header_size + std_objref_size + 4];
  if (HRESULT hr = read_exact(s, buffer, objref_header_size); FAILED(hr)) return hr;
  std::span<const std::byte> in(buffer, objref_header_size);
  if (HRESULT hr = objref_get_header(in, &out->header); FAILED(hr)) return hr;
  if (out->header.flags == objref_custom) {
    if (HRESULT hr = read_exact(s, buffer, custom_fields_size); FAILED(hr)) return hr;
    DWORD extension;
    std::memcpy(&extension, buffer + 16, 4);
    if (extension > max_custom_extension) return RPC_E_INVALID_OBJREF;
    for (DWORD left = extension; left > 0;) {  // skipped: comkit knows no extensions
      const DWORD n = left < sizeof buffer ? left : static_cast<DWORD>(sizeof buffer);
      std::byte skip[sizeof buffer];
      if (HRESULT hr = read_exact(s, skip, n); FAILED(hr)) return hr;
      left -= n;
    }
    std::memset(buffer + 16, 0, 4);  // decoded as having none: it was read above
    std::span<const std::byte> fixed(buffer, custom_fields_size);
    return objref_get_custom(fixed, &out->clsid, &out->custom_size);
  }
  if (HRESULT hr = read_exact(s, buffer, std_objref_size + 4); FAILED(hr)) return hr;
  USHORT entries;
  std::memcpy(&entries, buffer + std_objref_size, 2);
  // The string array: on the stack when small (comkit's own is 2 entries).
  constexpr std::size_t fixed_part = std_objref_size + 4;
  std::byte on_stack[fixed_part + 64];
  std::vector<std::byte> large;
  std::byte* whole = on_stack;
  const std::size_t array_bytes = entries <= max_string_array ? std::size_t{entries} * 2 : 0;
  if (fixed_part + array_bytes > sizeof on_stack) {
    try {
      large.resize(fixed_part + array_bytes);
    } catch (...) {
      return E_OUTOFMEMORY;
    }
    whole = large.data();
  }
  std::memcpy(whole, buffer, fixed_part);
  if (array_bytes)
    if (HRESULT hr = read_exact(s, whole + fixed_part, array_bytes); FAILED(hr)) return hr;
  std::span<const std::byte> rest(whole, fixed_part + array_bytes);
  return objref_get_standard(rest, &out->standard);
}

// ---- The exporter ---------------------------------------------------------------

struct exported_interface {
  IID iid;
  DWORD ipid_serial;  // the IPID's Data1
  IUnknown* pointer;  // one reference
  long table_strong = 0;
  long table_weak = 0;
  IRpcStubBuffer* stub = nullptr;  // made when first marshalled, or a compiled table's on the first call (one reference)
};

// A vector whose first N items live inline: an exported object's
// interfaces (most objects are marshalled through one) and a release
// batch's references allocate nothing in the common case. Contiguous;
// growth invalidates pointers, as a vector's does.
template <typename T, std::size_t N>
class small_vector {
 public:
  T* begin() noexcept { return heap_.empty() ? inline_ : heap_.data(); }
  T* end() noexcept { return begin() + count_; }
  const T* begin() const noexcept { return heap_.empty() ? inline_ : heap_.data(); }
  const T* end() const noexcept { return begin() + count_; }
  T& back() noexcept { return *(end() - 1); }
  void push_back(const T& v) {
    if (heap_.empty() && count_ < N) {
      inline_[count_++] = v;
      return;
    }
    if (heap_.empty()) {
      heap_.reserve(2 * N + 2);
      heap_.assign(inline_, inline_ + count_);
    }
    heap_.push_back(v);
    ++count_;
  }

 private:
  T inline_[N] = {};
  std::vector<T> heap_;
  std::size_t count_ = 0;
};

struct exported_object {
  std::uint64_t oid;
  apartment_id apartment;
  ::comkit::rt::apartment* home;        // the same apartment (one reference): where calls go
  IUnknown* identity;                   // one reference
  IExternalConnection* external;        // one reference, or nullptr
  small_vector<exported_interface, 1> interfaces;
  long normal = 0;       // normal marshals outstanding
  long public_refs = 0;  // their public references
  long locks = 0;        // CoLockObjectExternal
  long proxies = 0;      // proxy managers in other apartments

  bool held() const noexcept {
    if (normal || locks || proxies) return true;
    for (const auto& i : interfaces)
      if (i.table_strong || i.table_weak) return true;
    return false;
  }
};

struct identity_key {
  apartment_id apartment;
  IUnknown* identity;
  bool operator==(const identity_key&) const = default;
};
struct identity_hash {
  std::size_t operator()(const identity_key& k) const noexcept {
    return std::hash<const void*>()(k.identity) ^ (k.apartment * 0x9E3779B97F4A7C15ull);
  }
};

// The exporter's state is never destroyed (each object below is made with
// new and only referred to): an MTA pool thread may still be running a
// proxy's release when the process exits, after static destructors ran.
std::mutex g_export_lock;
using identity_map = std::unordered_map<identity_key, exported_object*, identity_hash>;
using ipid_map = std::unordered_map<DWORD, exported_object*>;
auto& g_by_identity = *new identity_map;  // guarded
auto& g_by_ipid = *new ipid_map;          // IPID Data1 -> object, guarded

// Nodes of those maps kept for reuse (guarded): an object exported and
// released over and over (the GIT, a marshal round trip) allocates no map
// node after the first time. Each pool's capacity is reserved up front, so
// recycling never allocates (it runs where nothing may throw).
template <typename Map>
class node_pool {
 public:
  node_pool() { nodes_.reserve(limit); }
  void recycle(typename Map::node_type&& n) noexcept {
    if (n && nodes_.size() < limit) nodes_.push_back(std::move(n));  // else n frees itself
  }
  // m.emplace(k, v), reusing a node when there is one.
  void emplace(Map& m, const typename Map::key_type& k, exported_object* v) {
    if (nodes_.empty()) {
      m.emplace(k, v);
      return;
    }
    typename Map::node_type n = std::move(nodes_.back());
    nodes_.pop_back();
    n.key() = k;
    n.mapped() = v;
    m.insert(std::move(n));  // keys are unique here
  }

 private:
  static constexpr std::size_t limit = 64;
  std::vector<typename Map::node_type> nodes_;
};
auto& g_identity_nodes = *new node_pool<identity_map>;  // guarded by g_export_lock
auto& g_ipid_nodes = *new node_pool<ipid_map>;          // guarded by g_export_lock
std::uint64_t g_next_oid = 1;                                                    // guarded
DWORD g_next_ipid = 1;                                                           // guarded

// What identifies this process in OXIDs and IPIDs.
struct process_tag {
  std::uint32_t pid = static_cast<std::uint32_t>(::getpid());
  unsigned char nonce[8]{};
  unsigned char secret[16]{};  // proves free-threaded marshal data came from this process
  process_tag() {
    std::random_device rd;
    for (auto& b : nonce) b = static_cast<unsigned char>(rd());
    for (auto& b : secret) b = static_cast<unsigned char>(rd());
  }
};
const process_tag& tag() {
  static const process_tag t;
  return t;
}

std::uint64_t oxid_of(apartment_id a) noexcept { return (std::uint64_t{tag().pid} << 32) | (a & 0xFFFFFFFFu); }

GUID ipid_of(DWORD serial, apartment_id a) noexcept {
  GUID g{};
  g.Data1 = serial;
  g.Data2 = static_cast<WORD>(tag().pid);
  g.Data3 = static_cast<WORD>(a);
  std::memcpy(g.Data4, tag().nonce, 8);
  return g;
}

bool ours(const GUID& ipid) noexcept {
  return ipid.Data2 == static_cast<WORD>(tag().pid) && std::memcmp(ipid.Data4, tag().nonce, 8) == 0;
}

// References to give back once the lock is released.
struct releases {
  small_vector<IUnknown*, 6> refs;
  small_vector<apartment*, 2> homes;
  IExternalConnection* external = nullptr;
  DWORD connections_released = 0;
  bool last_closes = true;
  ~releases() {
    for (DWORD i = 0; i < connections_released && external; ++i)
      external->ReleaseConnection(EXTCONN_STRONG, 0, last_closes);
    if (external) external->Release();
    for (IUnknown* p : refs) p->Release();
    for (apartment* a : homes) apartment_release(a);
  }
  void take(exported_object* o) {  // g_export_lock held; o leaves every table
    g_identity_nodes.recycle(g_by_identity.extract({o->apartment, o->identity}));
    for (auto& i : o->interfaces) {
      g_ipid_nodes.recycle(g_by_ipid.extract(i.ipid_serial));
      if (i.stub) refs.push_back(i.stub);
      refs.push_back(i.pointer);
    }
    refs.push_back(o->identity);
    homes.push_back(o->home);
    if (external) external->Release();  // one object per batch (see callers)
    external = o->external;
    delete o;
  }
};

void release_if_unheld(exported_object* o, releases& r) {
  if (!o->held()) r.take(o);
}

// The object behind an IPID of this process, checked against the OID.
exported_object* find(const std_objref& s) noexcept {
  if (!ours(s.ipid)) return nullptr;
  auto it = g_by_ipid.find(s.ipid.Data1);
  if (it == g_by_ipid.end() || it->second->oid != s.oid) return nullptr;
  return it->second;
}

exported_interface* interface_of(exported_object* o, DWORD serial) noexcept {
  for (auto& i : o->interfaces)
    if (i.ipid_serial == serial) return &i;
  return nullptr;
}

// Whether `identity`'s interface iid, exported from apartment `here`, has
// its stub already.
bool has_stub(apartment_id here, IUnknown* identity, const IID& iid) noexcept {
  std::lock_guard g(g_export_lock);
  auto it = g_by_identity.find({here, identity});
  if (it == g_by_identity.end()) return false;
  for (const exported_interface& i : it->second->interfaces)
    if (IsEqualIID(i.iid, iid)) return i.stub != nullptr;
  return false;
}

// The stub of `pointer` (iid) from iid's proxy/stub factory; with
// `compiled`, from the compiled tables' factory (what the marshal chose).
HRESULT make_stub(const IID& iid, IUnknown* pointer, IRpcStubBuffer** out, bool compiled = false) noexcept {
  *out = nullptr;
  IPSFactoryBuffer* factory = nullptr;
  HRESULT hr = compiled ? standard_ps_class_factory()->QueryInterface(IID_IPSFactoryBuffer, reinterpret_cast<void**>(&factory))
                        : ps_factory_for(iid, &factory);
  if (SUCCEEDED(hr)) {
    hr = factory->CreateStub(iid, pointer, out);
    factory->Release();
  }
  if (SUCCEEDED(hr) && !*out) hr = E_NOINTERFACE;
  return hr;
}

// The list a message to another process collects its marshals into
// (marshal_list_scope), and whether the message is being encoded now.
thread_local std::vector<std_objref>* t_listed_marshals = nullptr;
thread_local bool t_encoding_message = false;

// Exports (or finds) `object`'s interface `iid` in the calling apartment and
// accounts for one marshal of it; fills the STDOBJREF.
HRESULT export_interface(IUnknown* object, const IID& iid, DWORD mshlflags, std_objref* out) noexcept {
  IUnknown* identity = nullptr;
  if (FAILED(object->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(&identity))) || !identity)
    return E_NOINTERFACE;
  IUnknown* pointer = nullptr;
  if (FAILED(object->QueryInterface(iid, reinterpret_cast<void**>(&pointer))) || !pointer) {
    identity->Release();
    return E_NOINTERFACE;
  }
  IExternalConnection* external = nullptr;
  const apartment_id here = apartment_current();
  const bool strong = !(mshlflags & MSHLFLAGS_TABLEWEAK);
  // As on Windows, the interface's stub is made when it is first
  // marshalled: an interface nothing can marshal fails here
  // (REGDB_E_IIDNOTREG), and so does one whose factory makes no stub.
  // IUnknown has none: its calls are the exporter's own (IRemUnknown). A
  // compiled table's stub cannot fail: it is made on the first call, so
  // that a marshal that is never called (the GIT, a same-apartment round
  // trip) makes none.
  struct stub_ref {
    IRpcStubBuffer* p = nullptr;
    ~stub_ref() {
      if (p) p->Release();  // another marshal made the entry's first, or this one failed
    }
  } stub;
  if (!IsEqualIID(iid, IID_IUnknown) && !stub_from_compiled_table(iid) && !has_stub(here, identity, iid)) {
    HRESULT hr = make_stub(iid, pointer, &stub.p);
    if (FAILED(hr)) {
      identity->Release();
      pointer->Release();
      return hr;
    }
  }
  // Asked before taking the lock (the object's code never runs under it);
  // used only if this marshal exports the object, else released below.
  IExternalConnection* candidate = nullptr;
  if (FAILED(identity->QueryInterface(IID_IExternalConnection, reinterpret_cast<void**>(&candidate))))
    candidate = nullptr;
  struct drop {
    IExternalConnection*& p;
    apartment*& home;
    ~drop() {
      if (p) p->Release();
      if (home) apartment_release(home);
    }
  };
  apartment* home = apartment_acquire_current();
  if (!home) {
    if (candidate) candidate->Release();
    identity->Release();
    pointer->Release();
    return CO_E_NOTINITIALIZED;
  }
  drop drop_candidate{candidate, home};
  releases r;
  bool add_connection = false;
  try {
    std::lock_guard g(g_export_lock);
    exported_object* o;
    if (auto it = g_by_identity.find({here, identity}); it != g_by_identity.end()) {
      o = it->second;
      r.refs.push_back(identity);  // the table already holds one
    } else {
      o = new exported_object{g_next_oid++, here, home, identity, candidate, {}};
      candidate = nullptr;  // the object holds these now
      home = nullptr;
      try {
        g_identity_nodes.emplace(g_by_identity, identity_key{here, identity}, o);
      } catch (...) {
        if (o->external) o->external->Release();
        apartment_release(o->home);
        delete o;
        identity->Release();
        pointer->Release();
        return E_OUTOFMEMORY;
      }
    }
    exported_interface* entry = nullptr;
    for (auto& i : o->interfaces)
      if (IsEqualIID(i.iid, iid)) entry = &i;
    if (entry) {
      r.refs.push_back(pointer);
    } else {
      o->interfaces.push_back({iid, g_next_ipid++, pointer});
      entry = &o->interfaces.back();
      g_ipid_nodes.emplace(g_by_ipid, entry->ipid_serial, o);
    }
    if (stub.p && !entry->stub) {
      entry->stub = stub.p;  // the entry's reference
      stub.p = nullptr;
    }
    if (mshlflags & MSHLFLAGS_TABLESTRONG)
      ++entry->table_strong;
    else if (mshlflags & MSHLFLAGS_TABLEWEAK)
      ++entry->table_weak;
    else {
      ++o->normal;
      o->public_refs += normal_public_refs;
    }
    if (strong && o->external) {
      o->external->AddRef();
      external = o->external;
      add_connection = true;
    } else {
      external = nullptr;
    }
    out->flags = ((mshlflags & MSHLFLAGS_NOPING) ? sorf_noping : 0) |
                 ((mshlflags & MSHLFLAGS_TABLEWEAK) ? sorf_comkit_table_weak : 0);
    out->public_refs = (mshlflags & (MSHLFLAGS_TABLESTRONG | MSHLFLAGS_TABLEWEAK)) ? 0 : normal_public_refs;
    out->oxid = oxid_of(here);
    out->oid = o->oid;
    out->ipid = ipid_of(entry->ipid_serial, here);
  } catch (...) {
    return E_OUTOFMEMORY;
  }
  if (add_connection) {
    external->AddConnection(EXTCONN_STRONG, 0);
    external->Release();
  }
  if (t_encoding_message && t_listed_marshals && out->public_refs > 0) {
    try {
      t_listed_marshals->push_back(*out);
    } catch (...) {
      // Unlisted: kept until its apartment ends if the reply is never claimed.
    }
  }
  return S_OK;
}

// Gives back what one marshal of `s` accounted for (a normal marshal's
// public references, or one table marshal, the strong one first).
void release_marshal(const std_objref& s, releases& r) noexcept {
  exported_object* o = find(s);
  if (!o) return;
  exported_interface* i = interface_of(o, s.ipid.Data1);
  if (!i) return;
  bool strong = false;
  if (s.public_refs > 0) {
    if (o->normal > 0) {
      --o->normal;
      o->public_refs -= std::min<long>(o->public_refs, s.public_refs);
      strong = true;
    }
  } else if (s.flags & sorf_comkit_table_weak) {
    if (i->table_weak > 0) --i->table_weak;
  } else if (i->table_strong > 0) {
    --i->table_strong;
    strong = true;
  }
  if (strong && o->external) {
    o->external->AddRef();
    if (r.external) r.external->Release();
    r.external = o->external;
    r.connections_released = 1;
  }
  release_if_unheld(o, r);
}

HRESULT unmarshal_standard(const objref_header& h, const std_objref& s, const IID& riid, void** ppv) noexcept {
  const apartment_id here = apartment_current();
  IUnknown* pointer = nullptr;
  remote_object remote{};
  HRESULT hr;
  {
    releases r;
    std::lock_guard g(g_export_lock);
    exported_object* o = find(s);
    exported_interface* i = o ? interface_of(o, s.ipid.Data1) : nullptr;
    if (!i && !ours(s.ipid)) {
      hr = S_FALSE;  // another process's object: the peer layer's
    } else if (!i) {
      hr = CO_E_OBJNOTCONNECTED;
    } else if (o->apartment != here) {
      // Another apartment: a proxy, which holds the object from now on.
      ++o->proxies;
      remote.oid = o->oid;
      remote.anchor = s.ipid.Data1;
      remote.home = o->home;
      apartment_addref(remote.home);
      hr = S_FALSE;
    } else {
      pointer = i->pointer;
      pointer->AddRef();
      hr = S_OK;
    }
    // A normal marshal is used up by its unmarshal, succeeded or not.
    if (s.public_refs > 0 && i) release_marshal(s, r);
    // (r releases when this block ends, after the lock guard: declared first)
  }
  if (FAILED(hr)) return hr;
  const IID& want = IsEqualIID(riid, GUID_NULL) ? h.iid : riid;
  if (hr == S_FALSE && !remote.home) return remote_unmarshal(s, h.iid, want, ppv, false);
  if (hr == S_FALSE) return proxy_unmarshal(remote, h.iid, want, ppv);  // takes remote's references
  hr = pointer->QueryInterface(want, ppv);
  pointer->Release();
  return hr;
}

// The object behind a proxy's anchor, if still exported and at home here
// (g_export_lock held).
exported_object* find_remote(const remote_object& r) noexcept {
  auto it = g_by_ipid.find(r.anchor);
  if (it == g_by_ipid.end() || it->second->oid != r.oid) return nullptr;
  return it->second;
}

void apartment_gone(apartment_id a) noexcept {
  std::vector<releases> all;
  try {
    std::lock_guard g(g_export_lock);
    std::vector<exported_object*> mine;
    for (auto& [key, o] : g_by_identity)
      if (key.apartment == a) mine.push_back(o);
    all.resize(mine.size());
    for (std::size_t k = 0; k < mine.size(); ++k) all[k].take(mine[k]);
  } catch (...) {
  }
  // `all` gives the references back here, outside the lock.
}

[[maybe_unused]] const bool listening = (apartment_add_listener(&apartment_gone), true);

// ---- Custom marshalling ----------------------------------------------------------

HRESULT custom_marshaler_of(IUnknown* object, IMarshal** out) noexcept {
  *out = nullptr;
  if (FAILED(object->QueryInterface(IID_IMarshal, reinterpret_cast<void**>(out))) || !*out) {
    *out = nullptr;
    return S_FALSE;
  }
  return S_OK;
}

HRESULT new_free_threaded_marshaler(IUnknown* outer, IUnknown** out) noexcept;

HRESULT unmarshaler_for(const CLSID& clsid, IMarshal** out) noexcept {
  *out = nullptr;
  if (IsEqualGUID(clsid, CLSID_InProcFreeMarshaler)) {
    IUnknown* ftm = nullptr;
    if (HRESULT hr = new_free_threaded_marshaler(nullptr, &ftm); FAILED(hr)) return hr;
    const HRESULT hr = ftm->QueryInterface(IID_IMarshal, reinterpret_cast<void**>(out));
    ftm->Release();
    return hr;
  }
  return CoCreateInstance(clsid, nullptr, CLSCTX_INPROC_SERVER, IID_IMarshal, reinterpret_cast<void**>(out));
}

HRESULT marshal_standard(IStream* stm, const IID& iid, IUnknown* object, DWORD dest, DWORD mshlflags) noexcept {
  // Marshal data for another process names this one: it must be reachable.
  if (dest != MSHCTX_INPROC && dest != MSHCTX_CROSSCTX)
    if (HRESULT hr = peer_listen(); FAILED(hr)) return hr;
  std_objref s;
  // A proxy is marshalled as the object it stands for.
  HRESULT exported = proxy_export(object, iid, mshlflags, &s);
  if (exported == S_FALSE) exported = export_interface(object, iid, mshlflags, &s);
  if (FAILED(exported)) return exported;
  try {
    // Reused per thread: a marshal allocates nothing once warm.
    thread_local std::vector<std::byte> bytes;
    bytes.clear();
    objref_put_standard(bytes, iid, s);
    if (HRESULT hr = write_all(stm, bytes); FAILED(hr)) {
      releases r;
      std::lock_guard g(g_export_lock);
      release_marshal(s, r);
      return hr;
    }
  } catch (...) {
    releases r;
    std::lock_guard g(g_export_lock);
    release_marshal(s, r);
    return E_OUTOFMEMORY;
  }
  return S_OK;
}

// ---- The free-threaded marshaler ---------------------------------------------------
// Its in-process data: DWORD mshlflags, the interface pointer, and 16
// bytes of this process's secret (28 bytes), so that bytes from anywhere
// else never become a pointer. A normal or table-strong marshal carries a
// reference.

constexpr DWORD ftm_data_size = 4 + sizeof(void*) + 16;

// Every free-threaded marshal not yet used up, by pointer and kind (normal,
// table-strong, table-weak), so that data naming anything else is refused
// before the pointer in it is touched: the secret alone can be learnt by a
// fuzzer watching memcmp, and a copy of used-up data must not release twice.
std::mutex g_ftm_lock;
auto& g_ftm_outstanding = *new std::unordered_map<std::uint64_t, long>;  // guarded by g_ftm_lock; never destroyed
std::uint64_t ftm_key(const void* pointer, DWORD mshlflags) noexcept {
  const DWORD kind = mshlflags & (MSHLFLAGS_TABLESTRONG | MSHLFLAGS_TABLEWEAK);
  return (static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(pointer)) << 2) ^ kind;
}

class free_threaded_marshaler final : public IMarshal {
 public:
  explicit free_threaded_marshaler(IUnknown* outer) noexcept : inner_(*this), outer_(outer ? outer : &inner_) {}

  // The non-delegating IUnknown the aggregator holds.
  struct inner final : IUnknown {
    explicit inner(free_threaded_marshaler& owner) noexcept : owner_(owner) {}
    free_threaded_marshaler& owner_;
    free_threaded_marshaler& self() noexcept { return owner_; }
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
      if (!ppv) return E_POINTER;
      if (IsEqualIID(riid, IID_IUnknown)) {
        *ppv = static_cast<IUnknown*>(this);
      } else if (IsEqualIID(riid, IID_IMarshal)) {
        *ppv = static_cast<IMarshal*>(&self());
      } else {
        *ppv = nullptr;
        return E_NOINTERFACE;
      }
      static_cast<IUnknown*>(*ppv)->AddRef();
      return S_OK;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return ++self().refs_; }
    ULONG STDMETHODCALLTYPE Release() override {
      free_threaded_marshaler& s = self();
      const ULONG left = --s.refs_;
      if (left == 0) delete &s;
      return left;
    }
  };

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override { return outer_->QueryInterface(riid, ppv); }
  ULONG STDMETHODCALLTYPE AddRef() override { return outer_->AddRef(); }
  ULONG STDMETHODCALLTYPE Release() override { return outer_->Release(); }

  HRESULT STDMETHODCALLTYPE GetUnmarshalClass(REFIID, void*, DWORD dest, void*, DWORD, CLSID* pCid) override {
    if (!pCid) return E_POINTER;
    *pCid = in_process(dest) ? CLSID_InProcFreeMarshaler : CLSID_StdMarshal;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetMarshalSizeMax(REFIID, void*, DWORD dest, void*, DWORD, DWORD* pSize) override {
    if (!pSize) return E_POINTER;
    *pSize = in_process(dest) ? ftm_data_size : static_cast<DWORD>(objref_standard_size());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE MarshalInterface(IStream* pStm, REFIID riid, void* pv, DWORD dest, void*,
                                             DWORD mshlflags) override {
    if (!pStm || !pv) return E_INVALIDARG;
    IUnknown* object = static_cast<IUnknown*>(pv);
    if (!in_process(dest)) return marshal_standard(pStm, riid, object, dest, mshlflags);
    IUnknown* pointer = nullptr;
    if (FAILED(object->QueryInterface(riid, reinterpret_cast<void**>(&pointer))) || !pointer) return E_NOINTERFACE;
    std::byte data[ftm_data_size] = {};
    std::memcpy(data, &mshlflags, 4);
    std::memcpy(data + 4, &pointer, sizeof pointer);
    std::memcpy(data + 4 + sizeof pointer, tag().secret, 16);
    try {
      std::lock_guard g(g_ftm_lock);
      ++g_ftm_outstanding[ftm_key(pointer, mshlflags)];
    } catch (...) {
      pointer->Release();
      return E_OUTOFMEMORY;
    }
    ULONG written = 0;
    HRESULT hr = pStm->Write(data, sizeof data, &written);
    if (SUCCEEDED(hr) && written != sizeof data) hr = STG_E_MEDIUMFULL;
    if (FAILED(hr)) forget(pointer, mshlflags);
    // A table-weak marshal holds no reference; the others keep the QI's.
    if (FAILED(hr) || (mshlflags & MSHLFLAGS_TABLEWEAK)) pointer->Release();
    return hr;
  }
  HRESULT STDMETHODCALLTYPE UnmarshalInterface(IStream* pStm, REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    *ppv = nullptr;
    DWORD flags;
    IUnknown* pointer;
    if (HRESULT hr = read_data(pStm, &flags, &pointer); FAILED(hr)) return hr;
    const bool normal = !(flags & (MSHLFLAGS_TABLESTRONG | MSHLFLAGS_TABLEWEAK));
    // A normal marshal's reference is this unmarshal's; a table marshal's
    // stays with the table, and known() took one for this unmarshal.
    if (!(normal ? forget(pointer, flags) : known(pointer, flags))) return RPC_E_INVALID_OBJREF;
    const HRESULT hr = pointer->QueryInterface(riid, ppv);
    pointer->Release();
    return hr;
  }
  HRESULT STDMETHODCALLTYPE ReleaseMarshalData(IStream* pStm) override {
    DWORD flags;
    IUnknown* pointer;
    if (HRESULT hr = read_data(pStm, &flags, &pointer); FAILED(hr)) return hr;
    if (!forget(pointer, flags)) return RPC_E_INVALID_OBJREF;
    if (!(flags & MSHLFLAGS_TABLEWEAK)) pointer->Release();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE DisconnectObject(DWORD) override { return S_OK; }

  inner inner_;

 private:
  static bool in_process(DWORD dest) noexcept { return dest == MSHCTX_INPROC || dest == MSHCTX_CROSSCTX; }
  // Whether a marshal of `pointer` of this kind is outstanding; if so, a
  // reference is taken under the lock (a concurrent ReleaseMarshalData may
  // otherwise drop the last one before the caller's QueryInterface).
  static bool known(IUnknown* pointer, DWORD flags) noexcept {
    std::lock_guard g(g_ftm_lock);
    if (g_ftm_outstanding.count(ftm_key(pointer, flags)) == 0) return false;
    pointer->AddRef();
    return true;
  }
  // Uses one up: false if there was none.
  static bool forget(IUnknown* pointer, DWORD flags) noexcept {
    std::lock_guard g(g_ftm_lock);
    auto it = g_ftm_outstanding.find(ftm_key(pointer, flags));
    if (it == g_ftm_outstanding.end()) return false;
    if (--it->second == 0) g_ftm_outstanding.erase(it);
    return true;
  }
  static HRESULT read_data(IStream* s, DWORD* flags, IUnknown** pointer) noexcept {
    if (!s) return E_INVALIDARG;
    std::byte data[ftm_data_size];
    if (HRESULT hr = read_exact(s, data, sizeof data); FAILED(hr)) return hr;
    std::memcpy(flags, data, 4);
    std::memcpy(pointer, data + 4, sizeof *pointer);
    if (!*pointer || std::memcmp(data + 4 + sizeof *pointer, tag().secret, 16) != 0) return RPC_E_INVALID_OBJREF;
    return S_OK;
  }

  std::atomic<ULONG> refs_{1};
  IUnknown* outer_;
};

HRESULT new_free_threaded_marshaler(IUnknown* outer, IUnknown** out) noexcept {
  auto* m = new (std::nothrow) free_threaded_marshaler(outer);
  if (!m) return E_OUTOFMEMORY;
  *out = &m->inner_;
  return S_OK;
}

}  // namespace
}  // namespace comkit::rt

namespace comkit::rt {
namespace {

// ---- The standard marshaler object (CoGetStandardMarshal, CLSID_StdMarshal) ----------
// Writes and reads the whole standard OBJREF.

class standard_marshaler final : public counted_object<standard_marshaler, IMarshal, IID_IMarshal> {
 public:
  HRESULT STDMETHODCALLTYPE GetUnmarshalClass(REFIID, void*, DWORD, void*, DWORD, CLSID* pCid) override {
    if (!pCid) return E_POINTER;
    *pCid = CLSID_StdMarshal;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetMarshalSizeMax(REFIID, void*, DWORD, void*, DWORD, DWORD* pSize) override {
    if (!pSize) return E_POINTER;
    *pSize = static_cast<DWORD>(objref_standard_size());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE MarshalInterface(IStream* pStm, REFIID riid, void* pv, DWORD dest, void*,
                                             DWORD mshlflags) override {
    if (!pStm || !pv || !valid_flags(mshlflags, dest)) return E_INVALIDARG;
    return marshal_standard(pStm, riid, static_cast<IUnknown*>(pv), dest, mshlflags);
  }
  HRESULT STDMETHODCALLTYPE UnmarshalInterface(IStream* pStm, REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    *ppv = nullptr;
    if (!pStm) return E_INVALIDARG;
    read_objref o;
    if (HRESULT hr = read_from(pStm, &o); FAILED(hr)) return hr;
    if (o.header.flags != objref_standard) return RPC_E_INVALID_OBJREF;
    return unmarshal_standard(o.header, o.standard, riid, ppv);
  }
  HRESULT STDMETHODCALLTYPE ReleaseMarshalData(IStream* pStm) override {
    if (!pStm) return E_INVALIDARG;
    read_objref o;
    if (HRESULT hr = read_from(pStm, &o); FAILED(hr)) return hr;
    if (o.header.flags != objref_standard) return RPC_E_INVALID_OBJREF;
    if (!ours(o.standard.ipid)) return remote_unmarshal(o.standard, o.header.iid, o.header.iid, nullptr, true);
    releases r;
    std::lock_guard g(g_export_lock);
    if (!find(o.standard)) return CO_E_OBJNOTCONNECTED;
    release_marshal(o.standard, r);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE DisconnectObject(DWORD) override { return S_OK; }
};

HRESULT marshal_any(IStream* stm, const IID& iid, IUnknown* object, DWORD dest, void* dest_context,
                    DWORD mshlflags) noexcept {
  IMarshal* custom = nullptr;
  custom_marshaler_of(object, &custom);
  if (!custom) return marshal_standard(stm, iid, object, dest, mshlflags);
  CLSID clsid{};
  DWORD size = 0;
  HRESULT hr = custom->GetUnmarshalClass(iid, object, dest, dest_context, mshlflags, &clsid);
  if (SUCCEEDED(hr) && IsEqualGUID(clsid, CLSID_StdMarshal)) {
    custom->Release();
    return marshal_standard(stm, iid, object, dest, mshlflags);
  }
  if (SUCCEEDED(hr)) hr = custom->GetMarshalSizeMax(iid, object, dest, dest_context, mshlflags, &size);
  if (SUCCEEDED(hr)) {
    try {
      std::vector<std::byte> bytes;
      objref_put_header(bytes, {objref_custom, iid});
      const std::size_t at = bytes.size();
      bytes.resize(at + custom_fields_size);
      std::memcpy(bytes.data() + at, &clsid, sizeof clsid);  // GUID's in-memory layout is its wire layout (LE)
      std::memset(bytes.data() + at + 16, 0, 4);
      std::memcpy(bytes.data() + at + 20, &size, 4);
      hr = write_all(stm, bytes);
    } catch (...) {
      hr = E_OUTOFMEMORY;
    }
  }
  if (SUCCEEDED(hr)) hr = custom->MarshalInterface(stm, iid, object, dest, dest_context, mshlflags);
  custom->Release();
  return hr;
}

HRESULT unmarshal_any(IStream* stm, const IID& riid, void** ppv, bool release_only) noexcept {
  read_objref o;
  if (HRESULT hr = read_from(stm, &o); FAILED(hr)) return hr;
  if (o.header.flags == objref_standard) {
    if (!release_only) return unmarshal_standard(o.header, o.standard, riid, ppv);
    if (!ours(o.standard.ipid)) return remote_unmarshal(o.standard, o.header.iid, o.header.iid, nullptr, true);
    releases r;
    std::lock_guard g(g_export_lock);
    if (!find(o.standard)) return CO_E_OBJNOTCONNECTED;
    release_marshal(o.standard, r);
    return S_OK;
  }
  IMarshal* unmarshaler = nullptr;
  if (HRESULT hr = unmarshaler_for(o.clsid, &unmarshaler); FAILED(hr)) return hr;
  const IID& want = IsEqualIID(riid, GUID_NULL) ? o.header.iid : riid;
  const HRESULT hr = release_only ? unmarshaler->ReleaseMarshalData(stm) : unmarshaler->UnmarshalInterface(stm, want, ppv);
  unmarshaler->Release();
  return hr;
}

}  // namespace
}  // namespace comkit::rt

using namespace comkit::rt;

HRESULT STDAPICALLTYPE CoMarshalInterface(LPSTREAM pStm, REFIID riid, LPUNKNOWN pUnk, DWORD dwDestContext,
                                          LPVOID pvDestContext, DWORD mshlflags) {
  const IID* iid = nullable(&riid);
  if (!pStm || !pUnk || !iid || !valid_flags(mshlflags, dwDestContext)) return E_INVALIDARG;
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  security_fix_defaults();
  return marshal_any(pStm, *iid, pUnk, dwDestContext, pvDestContext, mshlflags);
}

HRESULT STDAPICALLTYPE CoGetMarshalSizeMax(ULONG* pulSize, REFIID riid, LPUNKNOWN pUnk, DWORD dwDestContext,
                                           LPVOID pvDestContext, DWORD mshlflags) {
  const IID* iid = nullable(&riid);
  if (!pulSize) return E_INVALIDARG;
  *pulSize = 0;
  if (!pUnk || !iid || !valid_flags(mshlflags, dwDestContext)) return E_INVALIDARG;
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  IMarshal* custom = nullptr;
  custom_marshaler_of(pUnk, &custom);
  if (!custom) {
    *pulSize = static_cast<ULONG>(objref_standard_size());
    return S_OK;
  }
  DWORD size = 0;
  const HRESULT hr = custom->GetMarshalSizeMax(*iid, pUnk, dwDestContext, pvDestContext, mshlflags, &size);
  custom->Release();
  if (FAILED(hr)) return hr;
  *pulSize = static_cast<ULONG>(objref_header_size + custom_fields_size + size);
  return S_OK;
}

HRESULT STDAPICALLTYPE CoUnmarshalInterface(LPSTREAM pStm, REFIID riid, LPVOID* ppv) {
  const IID* iid = nullable(&riid);
  if (!ppv) return E_INVALIDARG;
  *ppv = nullptr;
  if (!pStm || !iid) return E_INVALIDARG;
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  security_fix_defaults();
  const HRESULT hr = unmarshal_any(pStm, *iid, ppv, false);
  if (FAILED(hr)) *ppv = nullptr;
  return hr;
}

HRESULT STDAPICALLTYPE CoReleaseMarshalData(LPSTREAM pStm) {
  if (!pStm) return E_INVALIDARG;
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  return unmarshal_any(pStm, GUID_NULL, nullptr, true);
}

HRESULT STDAPICALLTYPE CoDisconnectObject(LPUNKNOWN pUnk, DWORD dwReserved) {
  (void)dwReserved;
  if (!pUnk) return E_INVALIDARG;
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  IMarshal* custom = nullptr;
  custom_marshaler_of(pUnk, &custom);
  if (custom) {
    const HRESULT hr = custom->DisconnectObject(0);
    custom->Release();
    return hr;
  }
  IUnknown* identity = nullptr;
  if (FAILED(pUnk->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(&identity))) || !identity) return S_OK;
  {
    releases r;
    std::lock_guard g(g_export_lock);
    if (auto it = g_by_identity.find({apartment_current(), identity}); it != g_by_identity.end()) r.take(it->second);
  }
  identity->Release();
  return S_OK;
}

HRESULT STDAPICALLTYPE CoGetStandardMarshal(REFIID riid, LPUNKNOWN pUnk, DWORD dwDestContext, LPVOID pvDestContext,
                                            DWORD mshlflags, LPMARSHAL* ppMarshal) {
  (void)riid;
  (void)pUnk;
  (void)pvDestContext;
  if (!ppMarshal) return E_INVALIDARG;
  *ppMarshal = nullptr;
  if (!valid_flags(mshlflags, dwDestContext)) return E_INVALIDARG;
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  auto* m = new (std::nothrow) standard_marshaler;
  if (!m) return E_OUTOFMEMORY;
  *ppMarshal = m;
  return S_OK;
}

HRESULT STDAPICALLTYPE CoMarshalInterThreadInterfaceInStream(REFIID riid, LPUNKNOWN pUnk, LPSTREAM* ppStm) {
  if (!ppStm) return E_INVALIDARG;
  *ppStm = nullptr;
  if (!pUnk) return E_INVALIDARG;
  IStream* s = nullptr;
  if (HRESULT hr = CreateStreamOnHGlobal(nullptr, TRUE, &s); FAILED(hr)) return hr;
  HRESULT hr = CoMarshalInterface(s, riid, pUnk, MSHCTX_INPROC, nullptr, MSHLFLAGS_NORMAL);
  if (SUCCEEDED(hr)) {
    LARGE_INTEGER zero{};
    hr = s->Seek(zero, STREAM_SEEK_SET, nullptr);
  }
  if (FAILED(hr)) {
    s->Release();
    return hr;
  }
  *ppStm = s;
  return S_OK;
}

HRESULT STDAPICALLTYPE CoGetInterfaceAndReleaseStream(LPSTREAM pStm, REFIID iid, LPVOID* ppv) {
  if (!pStm) {
    if (ppv) *ppv = nullptr;
    return E_INVALIDARG;
  }
  const HRESULT hr = CoUnmarshalInterface(pStm, iid, ppv);
  pStm->Release();  // whatever the outcome, as documented
  return hr;
}

HRESULT STDAPICALLTYPE CoCreateFreeThreadedMarshaler(LPUNKNOWN punkOuter, LPUNKNOWN* ppunkMarshal) {
  if (!ppunkMarshal) return E_INVALIDARG;
  *ppunkMarshal = nullptr;
  return new_free_threaded_marshaler(punkOuter, ppunkMarshal);
}

HRESULT STDAPICALLTYPE CoLockObjectExternal(LPUNKNOWN pUnk, BOOL fLock, BOOL fLastUnlockReleases) {
  if (!pUnk) return E_INVALIDARG;
  if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
  IUnknown* identity = nullptr;
  if (FAILED(pUnk->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(&identity))) || !identity)
    return E_NOINTERFACE;
  const apartment_id here = apartment_current();
  if (fLock) {
    // Exported like a table-weak marshal of IUnknown, then held by the lock.
    std_objref s;
    HRESULT hr = export_interface(identity, IID_IUnknown, MSHLFLAGS_TABLEWEAK, &s);
    IExternalConnection* external = nullptr;
    if (SUCCEEDED(hr)) {
      releases r;
      std::lock_guard g(g_export_lock);
      exported_object* o = find(s);
      if (o) {
        ++o->locks;
        if ((external = o->external)) external->AddRef();
        // The weak table marshal made above: the lock holds the object now.
        if (exported_interface* i = interface_of(o, s.ipid.Data1); i && i->table_weak > 0) --i->table_weak;
      }
    }
    identity->Release();
    if (external) {
      external->AddConnection(EXTCONN_STRONG, 0);
      external->Release();
    }
    return hr;
  }
  {
    releases r;
    std::lock_guard g(g_export_lock);
    if (auto it = g_by_identity.find({here, identity}); it != g_by_identity.end() && it->second->locks > 0) {
      exported_object* o = it->second;
      --o->locks;
      if (o->external) {
        o->external->AddRef();
        r.external = o->external;
        r.connections_released = 1;
        r.last_closes = fLastUnlockReleases != FALSE;
      }
      release_if_unheld(o, r);
    }
  }
  identity->Release();
  return S_OK;
}

// ---- The global interface table -----------------------------------------------------
// Each entry is a table-strong marshal of the interface, made in the
// registering apartment; any apartment unmarshals from it and any may revoke
// it. An agile object (IAgileObject) is kept as a plain reference and handed
// out as is.

namespace comkit::rt {

// ---- Marshal data as bytes (the GIT's custom entries, the tables' interface values) ----

HRESULT marshal_to_bytes(IUnknown* object, const IID& iid, DWORD dest, DWORD mshlflags,
                         std::vector<std::byte>& out) noexcept {
  IStream* s = nullptr;
  if (HRESULT hr = CreateStreamOnHGlobal(nullptr, TRUE, &s); FAILED(hr)) return hr;
  HRESULT hr = CoMarshalInterface(s, iid, object, dest, nullptr, mshlflags);
  HGLOBAL h = nullptr;
  ULARGE_INTEGER size{};
  const LARGE_INTEGER zero{};
  if (SUCCEEDED(hr) && SUCCEEDED(hr = s->Seek(zero, STREAM_SEEK_CUR, &size)) && SUCCEEDED(hr = GetHGlobalFromStream(s, &h))) {
    const auto* p = static_cast<const std::byte*>(GlobalLock(h));
    try {
      out.insert(out.end(), p, p + size.QuadPart);
    } catch (...) {
      hr = E_OUTOFMEMORY;
    }
    GlobalUnlock(h);
    if (FAILED(hr)) {  // the data was written: give back what it holds
      s->Seek(zero, STREAM_SEEK_SET, nullptr);
      CoReleaseMarshalData(s);
    }
  }
  s->Release();
  return hr;
}

HRESULT unmarshal_from_bytes(std::span<const std::byte> bytes, const IID& iid, void** ppv) noexcept {
  *ppv = nullptr;
  HGLOBAL h = GlobalAlloc(GMEM_MOVEABLE, bytes.size());
  if (!h) return E_OUTOFMEMORY;
  if (!bytes.empty()) std::memcpy(GlobalLock(h), bytes.data(), bytes.size());
  GlobalUnlock(h);
  IStream* s = nullptr;
  if (FAILED(CreateStreamOnHGlobal(h, TRUE, &s))) {
    GlobalFree(h);
    return E_OUTOFMEMORY;
  }
  const HRESULT hr = CoUnmarshalInterface(s, iid, ppv);
  s->Release();
  return hr;
}

}  // namespace comkit::rt

namespace comkit::rt {
namespace {

struct git_entry {
  std::uint32_t generation = 0;
  bool used = false;
  IUnknown* agile = nullptr;      // an agile object's interface (one reference)
  bool standard = false;          // or a table-strong standard marshal, kept decoded
  IID iid{};
  std_objref objref;
  std::vector<std::byte> marshal;  // or a table-strong custom OBJREF
};

// Cookies: (generation << 20) | (slot + 1), never 0; a revoked cookie
// stays invalid until its slot has been reused 4095 times.
constexpr std::uint32_t git_slot_bits = 20;

class global_interface_table final : public IGlobalInterfaceTable {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IGlobalInterfaceTable) ||
        IsEqualIID(riid, IID_IAgileObject)) {
      *ppv = static_cast<IGlobalInterfaceTable*>(this);
      return S_OK;  // a process-wide singleton: not counted
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }

  HRESULT STDMETHODCALLTYPE RegisterInterfaceInGlobal(IUnknown* pUnk, REFIID riid, DWORD* pdwCookie) override {
    if (!pdwCookie) return E_INVALIDARG;
    *pdwCookie = 0;
    const IID* iid = nullable(&riid);
    if (!pUnk || !iid) return E_INVALIDARG;
    if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
    git_entry e;
    IAgileObject* agile = nullptr;
    if (SUCCEEDED(pUnk->QueryInterface(IID_IAgileObject, reinterpret_cast<void**>(&agile))) && agile) {
      agile->Release();
      if (FAILED(pUnk->QueryInterface(*iid, reinterpret_cast<void**>(&e.agile))) || !e.agile) return E_NOINTERFACE;
    } else if (IMarshal* custom = nullptr; custom_marshaler_of(pUnk, &custom) == S_FALSE) {
      // The standard form needs no bytes: the exporter's ids are kept as they are.
      if (HRESULT hr = export_interface(pUnk, *iid, MSHLFLAGS_TABLESTRONG, &e.objref); FAILED(hr)) return hr;
      e.standard = true;
      e.iid = *iid;
    } else {
      custom->Release();
      if (HRESULT hr = marshal_to_bytes(pUnk, *iid, MSHCTX_INPROC, MSHLFLAGS_TABLESTRONG, e.marshal); FAILED(hr))
        return hr;
    }
    std::lock_guard g(lock_);
    try {
      std::uint32_t slot;
      if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
      } else {
        if (entries_.size() + 1 >= (1u << git_slot_bits)) throw std::bad_alloc();
        slot = static_cast<std::uint32_t>(entries_.size());
        entries_.emplace_back();
        free_.reserve(entries_.size());  // Revoke never allocates
      }
      git_entry& to = entries_[slot];
      e.generation = to.generation;
      e.used = true;
      to = std::move(e);
      *pdwCookie = (to.generation << git_slot_bits) | (slot + 1);
      return S_OK;
    } catch (...) {
      discard(e);
      return E_OUTOFMEMORY;
    }
  }

  HRESULT STDMETHODCALLTYPE RevokeInterfaceFromGlobal(DWORD dwCookie) override {
    if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
    git_entry e;
    {
      std::lock_guard g(lock_);
      git_entry* at = lookup(dwCookie);
      if (!at) return E_INVALIDARG;
      e = std::move(*at);
      *at = git_entry{};
      at->generation = (e.generation + 1) & ((1u << (32 - git_slot_bits)) - 1);
      free_.push_back((dwCookie & ((1u << git_slot_bits) - 1)) - 1);
    }
    discard(e);
    return S_OK;
  }

  HRESULT STDMETHODCALLTYPE GetInterfaceFromGlobal(DWORD dwCookie, REFIID riid, void** ppv) override {
    if (!ppv) return E_INVALIDARG;
    *ppv = nullptr;
    const IID* iid = nullable(&riid);
    if (!iid) return E_INVALIDARG;
    if (HRESULT hr = apartment_check(); FAILED(hr)) return hr;
    IUnknown* agile = nullptr;
    std::vector<std::byte> marshal;
    objref_header header{objref_standard, {}};
    std_objref standard;
    bool is_standard = false;
    {
      std::lock_guard g(lock_);
      git_entry* at = lookup(dwCookie);
      if (!at) return E_INVALIDARG;
      if ((agile = at->agile)) {
        agile->AddRef();
      } else if ((is_standard = at->standard)) {
        header.iid = at->iid;
        standard = at->objref;
      } else {
        try {
          marshal = at->marshal;
        } catch (...) {
          return E_OUTOFMEMORY;
        }
      }
    }
    if (agile) {
      const HRESULT hr = agile->QueryInterface(*iid, ppv);
      agile->Release();
      return hr;
    }
    if (is_standard) return unmarshal_standard(header, standard, *iid, ppv);
    return unmarshal_from_bytes(marshal, *iid, ppv);
  }

 private:
  git_entry* lookup(DWORD cookie) noexcept {
    const std::uint32_t slot = cookie & ((1u << git_slot_bits) - 1);
    if (slot == 0 || slot > entries_.size()) return nullptr;
    git_entry& e = entries_[slot - 1];
    if (!e.used || e.generation != cookie >> git_slot_bits) return nullptr;
    return &e;
  }
  static void discard(git_entry& e) noexcept {
    if (e.agile) e.agile->Release();
    if (e.standard) {
      releases r;
      std::lock_guard g(g_export_lock);
      release_marshal(e.objref, r);
    }
    if (!e.marshal.empty()) {
      IStream* s = nullptr;
      HGLOBAL h = GlobalAlloc(GMEM_MOVEABLE, e.marshal.size());
      if (h) {
        std::memcpy(GlobalLock(h), e.marshal.data(), e.marshal.size());
        GlobalUnlock(h);
        if (SUCCEEDED(CreateStreamOnHGlobal(h, TRUE, &s))) {
          unmarshal_any(s, GUID_NULL, nullptr, true);
          s->Release();
        } else {
          GlobalFree(h);
        }
      }
    }
    e = git_entry{};
  }

  std::mutex lock_;
  std::vector<git_entry> entries_;   // guarded by lock_
  std::vector<std::uint32_t> free_;  // guarded by lock_
};

// ---- comkit's own class objects ---------------------------------------------------------

template <typename Make>
class builtin_factory final : public IClassFactory {
 public:
  explicit constexpr builtin_factory(Make make) noexcept : make_(make) {}
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IClassFactory)) {
      *ppv = static_cast<IClassFactory*>(this);
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown* outer, REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    *ppv = nullptr;
    return make_(outer, riid, ppv);
  }
  HRESULT STDMETHODCALLTYPE LockServer(BOOL) override { return S_OK; }

 private:
  Make make_;
};

HRESULT make_git(IUnknown* outer, REFIID riid, void** ppv) noexcept {
  if (outer) return CLASS_E_NOAGGREGATION;
  static global_interface_table git;
  return git.QueryInterface(riid, ppv);
}

HRESULT make_ftm(IUnknown* outer, REFIID riid, void** ppv) noexcept {
  if (outer && !IsEqualIID(riid, IID_IUnknown)) return CLASS_E_NOAGGREGATION;
  IUnknown* inner = nullptr;
  if (HRESULT hr = new_free_threaded_marshaler(outer, &inner); FAILED(hr)) return hr;
  const HRESULT hr = inner->QueryInterface(riid, ppv);
  inner->Release();
  return hr;
}

HRESULT make_std_marshal(IUnknown* outer, REFIID riid, void** ppv) noexcept {
  if (outer) return CLASS_E_NOAGGREGATION;
  auto* m = new (std::nothrow) standard_marshaler;
  if (!m) return E_OUTOFMEMORY;
  const HRESULT hr = m->QueryInterface(riid, ppv);
  m->Release();
  return hr;
}

using make_fn = HRESULT (*)(IUnknown*, REFIID, void**) noexcept;
builtin_factory<make_fn> git_factory{&make_git};
builtin_factory<make_fn> ftm_factory{&make_ftm};
builtin_factory<make_fn> std_marshal_factory{&make_std_marshal};
builtin_factory<make_fn> typelib_unmarshal_factory{&make_typelib_unmarshaler};

}  // namespace

IClassFactory* builtin_class_factory(const GUID& clsid) noexcept {
  if (IsEqualGUID(clsid, CLSID_ComkitTypeLibMarshal)) return &typelib_unmarshal_factory;
  if (clsid.Data2 != 0 || clsid.Data3 != 0 || clsid.Data4[0] != 0xC0 || clsid.Data4[7] != 0x46) return nullptr;
  if (IsEqualGUID(clsid, CLSID_StdGlobalInterfaceTable)) return &git_factory;
  if (IsEqualGUID(clsid, CLSID_InProcFreeMarshaler)) return &ftm_factory;
  if (IsEqualGUID(clsid, CLSID_StdMarshal)) return &std_marshal_factory;
  if (IsEqualGUID(clsid, CLSID_PSFactoryBuffer)) return standard_ps_class_factory();
  // PSDispatch and PSOAInterface, which RegisterTypeLib names for
  // dispinterfaces and [oleautomation]/[dual] interfaces.
  static constexpr GUID ps_dispatch = {0x00020420, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
  static constexpr GUID ps_oa_interface = {0x00020424, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
  if (IsEqualGUID(clsid, ps_dispatch) || IsEqualGUID(clsid, ps_oa_interface)) return typelib_ps_class_factory();
  return nullptr;
}

}  // namespace comkit::rt

// ---- What the call layer asks of the exporter (marshal_internal.h) -----------------------

namespace comkit::rt {

HRESULT exporter_remote_qi(const remote_object& remote, const IID& iid, DWORD* serial) noexcept {
  IUnknown* identity = nullptr;
  {
    std::lock_guard g(g_export_lock);
    exported_object* o = find_remote(remote);
    if (!o) return CO_E_OBJNOTCONNECTED;
    for (const auto& i : o->interfaces)
      if (IsEqualIID(i.iid, iid)) {
        *serial = i.ipid_serial;
        return S_OK;
      }
    identity = o->identity;
    identity->AddRef();
  }
  IUnknown* pointer = nullptr;
  const HRESULT qi = identity->QueryInterface(iid, reinterpret_cast<void**>(&pointer));
  identity->Release();
  if (FAILED(qi) || !pointer) return E_NOINTERFACE;
  releases r;
  std::lock_guard g(g_export_lock);
  exported_object* o = find_remote(remote);
  if (!o) {
    r.refs.push_back(pointer);
    return CO_E_OBJNOTCONNECTED;
  }
  for (const auto& i : o->interfaces)
    if (IsEqualIID(i.iid, iid)) {  // another thread exported it meanwhile
      r.refs.push_back(pointer);
      *serial = i.ipid_serial;
      return S_OK;
    }
  try {
    o->interfaces.push_back({iid, g_next_ipid++, pointer});
    g_ipid_nodes.emplace(g_by_ipid, o->interfaces.back().ipid_serial, o);
  } catch (...) {
    r.refs.push_back(pointer);
    return E_OUTOFMEMORY;
  }
  *serial = o->interfaces.back().ipid_serial;
  return S_OK;
}

HRESULT exporter_invoke(const remote_object& remote, DWORD serial, RPCOLEMESSAGE* message,
                        IRpcChannelBuffer* channel) noexcept {
  IUnknown* pointer = nullptr;
  IRpcStubBuffer* stub = nullptr;
  IID iid;
  {
    std::lock_guard g(g_export_lock);
    exported_object* o = find_remote(remote);
    exported_interface* i = o ? interface_of(o, serial) : nullptr;
    if (!i) return CO_E_OBJNOTCONNECTED;
    iid = i->iid;
    pointer = i->pointer;
    pointer->AddRef();
    if ((stub = i->stub)) stub->AddRef();
  }
  if (!stub) {  // a compiled table's (made on the first call), or one whose marshal lost a race with its unexport
    // A compiled table's, as the marshal decided, even if a CoRegisterPSClsid came since.
    const COMKIT_PS_INTERFACE* t = compiled_proxy_table(iid);
    if (const HRESULT hr = make_stub(iid, pointer, &stub, t && !t->local); FAILED(hr)) {
      pointer->Release();
      return hr;
    }
    releases r;
    std::lock_guard g(g_export_lock);
    exported_object* o = find_remote(remote);
    exported_interface* i = o ? interface_of(o, serial) : nullptr;
    if (i && !i->stub) {
      i->stub = stub;
      stub->AddRef();
    }
  }
  const HRESULT hr = stub->Invoke(message, channel);
  stub->Release();
  pointer->Release();
  return hr;
}

HRESULT exporter_call_info(const remote_object& remote, DWORD serial, IUnknown** object, IID* iid) noexcept {
  *object = nullptr;
  std::lock_guard g(g_export_lock);
  exported_object* o = find_remote(remote);
  exported_interface* i = o ? interface_of(o, serial) : nullptr;
  if (!i) return CO_E_OBJNOTCONNECTED;
  *iid = i->iid;
  *object = o->identity;
  o->identity->AddRef();
  return S_OK;
}

HRESULT exporter_export(const remote_object& remote, const IID& iid, DWORD mshlflags, std_objref* out) noexcept {
  IUnknown* identity = nullptr;
  {
    std::lock_guard g(g_export_lock);
    exported_object* o = find_remote(remote);
    if (!o) return CO_E_OBJNOTCONNECTED;
    identity = o->identity;
    identity->AddRef();
  }
  const HRESULT hr = export_interface(identity, iid, mshlflags, out);
  identity->Release();
  return hr;
}

const unsigned char* process_nonce() noexcept { return tag().nonce; }

HRESULT exporter_identity(const remote_object& remote, IUnknown** out) noexcept {
  std::lock_guard g(g_export_lock);
  exported_object* o = find_remote(remote);
  if (!o) return CO_E_OBJNOTCONNECTED;
  *out = o->identity;
  o->identity->AddRef();
  return S_OK;
}

HRESULT exporter_locate(std::uint64_t oid, DWORD serial, remote_object* out) noexcept {
  std::lock_guard g(g_export_lock);
  exported_object* o = find_remote({oid, serial, nullptr, nullptr});
  if (!o || !apartment_alive(o->home)) return RPC_E_DISCONNECTED;
  out->oid = oid;
  out->anchor = serial;
  out->home = o->home;
  out->process = nullptr;
  apartment_addref(o->home);
  return S_OK;
}

bool exporter_claim(std::uint64_t oid, DWORD serial, DWORD public_refs, DWORD flags) noexcept {
  releases r;
  std::lock_guard g(g_export_lock);
  exported_object* o = find_remote({oid, serial, nullptr, nullptr});
  if (!o) return false;
  ++o->proxies;
  if (public_refs > 0) {
    std_objref s;
    s.flags = flags;
    s.public_refs = public_refs;
    s.oxid = oxid_of(o->apartment);
    s.oid = oid;
    s.ipid = ipid_of(serial, o->apartment);
    release_marshal(s, r);
  }
  return true;
}

void exporter_release_unclaimed(const std_objref& s) noexcept {
  releases r;
  std::lock_guard g(g_export_lock);
  release_marshal(s, r);
}

marshal_list_scope::marshal_list_scope(std::vector<std_objref>* into) noexcept
    : outer_(std::exchange(t_listed_marshals, into)), outer_encoding_(std::exchange(t_encoding_message, false)) {}
marshal_list_scope::~marshal_list_scope() {
  t_listed_marshals = outer_;
  t_encoding_message = outer_encoding_;
}
marshal_encoding_scope::marshal_encoding_scope() noexcept : outer_(std::exchange(t_encoding_message, true)) {}
marshal_encoding_scope::~marshal_encoding_scope() { t_encoding_message = outer_; }
thread_local std::vector<std_objref>* t_request_marshals = nullptr;

void exporter_proxy_released(const remote_object& remote) noexcept {
  releases r;
  std::lock_guard g(g_export_lock);
  exported_object* o = find_remote(remote);
  if (!o || o->proxies == 0) return;
  --o->proxies;
  release_if_unheld(o, r);
}

}  // namespace comkit::rt
