// runtime/marshal/table_ps.cpp - CLSID_PSFactoryBuffer: proxies and stubs
// built from the tables `comkit idl` writes (<comkit/abi/proxytable.h>).
//
// One factory serves every described interface. A proxy's vtable is made
// once per interface: slots 0-2 delegate to the proxy manager (the outer
// object), every other slot is a libffi closure that encodes the call's
// [in] values, sends them through the channel and decodes the [out] values
// and the result. The stub decodes the request, calls the server's vtable
// slot through ffi_call and encodes the reply. Both sides walk a method's
// parameters in the same three passes: plain values first, then arrays
// (whose counts the first pass carried), then interface pointers (whose
// iid_is IIDs the first pass carried).
//
// The wire format (docs/marshalling.md): little-endian, unaligned.
//   request: for each parameter with [in], or with a pointer level:
//     pointer level: u8 present (0: a null pointer, allowed for [unique])
//     array: u32 count, u32 length, then length elements ([in] only)
//     integer, float, flat struct: its bytes
//     BSTR: u32 byte length (0xFFFFFFFF: null), the bytes
//     string: u32 characters without the NUL (0xFFFFFFFF: null), the characters
//     interface: u32 OBJREF size (0: null), the OBJREF
//   reply: each [out] value whose pointer was present, in the same order
//     (arrays: u32 length, the elements), then the result.
// Every length is checked against the bytes left and explicit limits;
// bad data gives HRESULT_FROM_WIN32(RPC_X_BAD_STUB_DATA), never a crash.
#include <ffi.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <unordered_map>
#include <utility>
#include <vector>

#include <comkit/abi/oleauto.h>
#include <comkit/abi/proxytable.h>
#include <comkit/abi/rpcdce.h>
#include <comkit/detail/guid_hash.h>

#include "marshal/counted_object.h"
#include "marshal/marshal_internal.h"
#include "marshal/small_bytes.h"
#include "runtime_internal.h"

extern "C" {
extern const COMKIT_PS_FILE unknwn_ProxyFileInfo;
extern const COMKIT_PS_FILE objidl_ProxyFileInfo;
extern const COMKIT_PS_FILE oaidl_ProxyFileInfo;
extern const COMKIT_PS_FILE ocidl_ProxyFileInfo;
extern const COMKIT_PS_FILE oleidl_ProxyFileInfo;
}

namespace comkit::rt {
namespace {

constexpr HRESULT bad_stub_data = HRESULT_FROM_WIN32(RPC_X_BAD_STUB_DATA);
constexpr HRESULT null_ref_pointer = HRESULT_FROM_WIN32(RPC_X_NULL_REF_POINTER);
constexpr HRESULT invalid_bound = HRESULT_FROM_WIN32(RPC_X_INVALID_BOUND);
constexpr std::uint32_t null_length = 0xFFFFFFFFu;
constexpr std::size_t max_value_bytes = 64u << 20;  // one array, string or OBJREF
constexpr unsigned max_slots = 4096, max_params = 64;

// ---- The tables this process knows ----------------------------------------------------------

struct table_registry {
  std::mutex lock;
  std::vector<const COMKIT_PS_FILE*> files;
  std::unordered_map<GUID, const COMKIT_PS_INTERFACE*, comkit::detail::guid_hash> by_iid;

  // Under lock.
  void add(const COMKIT_PS_FILE* f) {
    for (const COMKIT_PS_FILE* known : files)
      if (known == f) return;
    files.push_back(f);
    for (unsigned k = 0; k < f->count; ++k) {
      const COMKIT_PS_INTERFACE* t = f->interfaces[k];
      if (t && t->iid) by_iid.emplace(*t->iid, t);
    }
  }
};

table_registry& registry() {
  static table_registry* r = [] {
    auto* reg = new table_registry;  // lives as long as the process: proxies outlive static destruction
    for (const COMKIT_PS_FILE* f : {&unknwn_ProxyFileInfo, &objidl_ProxyFileInfo, &oaidl_ProxyFileInfo, &ocidl_ProxyFileInfo,
                                   &oleidl_ProxyFileInfo})
      reg->add(f);
    return reg;
  }();
  return *r;
}

const COMKIT_PS_INTERFACE* table_for(const IID& iid) {
  table_registry& r = registry();
  std::lock_guard g(r.lock);
  auto it = r.by_iid.find(iid);
  return it == r.by_iid.end() ? nullptr : it->second;
}

// ---- One interface's proxy vtable and call descriptions ----------------------------------

struct method_rt {
  ~method_rt() {
    if (closure) ffi_closure_free(closure);  // only when building the interface failed: built ones live on
  }
  const COMKIT_PS_METHOD* m = nullptr;
  unsigned slot = 0;
  bool remotable = false;
  bool dispatch_invoke = false;  // IDispatch::Invoke ([call_as]): carried by hand (invoke_proxy, invoke_stub)
  ffi_cif cif{};
  std::vector<ffi_type*> args;
  ffi_closure* closure = nullptr;
  void* code = nullptr;
};

struct iface_rt {
  const COMKIT_PS_INTERFACE* t = nullptr;
  std::vector<void*> vtbl;
  std::unique_ptr<method_rt[]> methods;  // slot - 3
};

// The record infos of ps_kind_record parameters (typelib_ps.cpp registers
// them; never freed: the tables live as long).
std::mutex g_record_lock;
std::unordered_map<const COMKIT_PS_PARAM*, IRecordInfo*>* g_records;  // guarded by g_record_lock

IRecordInfo* record_of(const COMKIT_PS_PARAM& p) noexcept {
  std::lock_guard g(g_record_lock);
  if (!g_records) return nullptr;
  auto it = g_records->find(&p);
  return it == g_records->end() ? nullptr : it->second;
}

bool valid_value(const COMKIT_PS_PARAM& p, bool result) {
  switch (p.kind) {
    case ps_kind_record:
      return !result && p.indirection == 1 && p.size > 0 && p.size <= max_value_bytes && record_of(p);
    case COMKIT_PS_VOID:
      return result;
    case COMKIT_PS_INT:
      return p.size == 1 || p.size == 2 || p.size == 4 || p.size == 8;
    case COMKIT_PS_FLOAT:
      return p.size == 4 || p.size == 8;
    case COMKIT_PS_FLAT:
      return !result && p.size > 0 && p.size <= max_value_bytes && p.indirection == 1;
    case COMKIT_PS_VARIANT:
      return !result && p.size == sizeof(VARIANT);
    case COMKIT_PS_BSTR:
    case COMKIT_PS_WSTR:
    case COMKIT_PS_ASTR:
    case COMKIT_PS_IFACE:
    case COMKIT_PS_SAFEARRAY:
      return !result;
    default:
      return false;
  }
}

// VARIANT by value: 24 bytes, passed in memory on x86-64 (three words).
ffi_type* variant_ffi_elements[] = {&ffi_type_uint64, &ffi_type_uint64, &ffi_type_uint64, nullptr};
ffi_type variant_ffi = {0, 0, FFI_TYPE_STRUCT, variant_ffi_elements};
static_assert(sizeof(VARIANT) == 24, "VARIANT's x64 layout");

ffi_type* ffi_of(const COMKIT_PS_PARAM& p) {
  if (p.indirection > 0) return &ffi_type_pointer;
  switch (p.kind) {
    case COMKIT_PS_VOID:
      return &ffi_type_void;
    case COMKIT_PS_INT:
      switch (p.size) {
        case 1: return p.is_signed ? &ffi_type_sint8 : &ffi_type_uint8;
        case 2: return p.is_signed ? &ffi_type_sint16 : &ffi_type_uint16;
        case 4: return p.is_signed ? &ffi_type_sint32 : &ffi_type_uint32;
        default: return p.is_signed ? &ffi_type_sint64 : &ffi_type_uint64;
      }
    case COMKIT_PS_FLOAT:
      return p.size == 4 ? &ffi_type_float : &ffi_type_double;
    case COMKIT_PS_VARIANT:
      return &variant_ffi;
    default:
      return &ffi_type_pointer;
  }
}

// A value's size in memory: an element of an array, a parameter's storage.
std::size_t value_size(const COMKIT_PS_PARAM& p) {
  switch (p.kind) {
    case COMKIT_PS_INT:
    case COMKIT_PS_FLOAT:
    case COMKIT_PS_FLAT:
    case COMKIT_PS_VARIANT:
    case ps_kind_record:
      return p.size;
    default:
      return sizeof(void*);
  }
}

// Values whose memory is owned (freed when done): strings, interfaces, VARIANTs.
bool owns_memory(const COMKIT_PS_PARAM& p) {
  return p.kind == COMKIT_PS_BSTR || p.kind == COMKIT_PS_WSTR || p.kind == COMKIT_PS_ASTR || p.kind == COMKIT_PS_IFACE ||
         p.kind == COMKIT_PS_VARIANT || p.kind == COMKIT_PS_SAFEARRAY || p.kind == ps_kind_record;
}

bool is_array(const COMKIT_PS_PARAM& p) { return (p.flags & (COMKIT_PS_ARRAY | COMKIT_PS_ALLOCATED)) != 0; }

// A method the runtime can carry: its table is consistent.
bool valid_method(const COMKIT_PS_METHOD& m) {
  if (!m.remotable || m.param_count > max_params || (m.param_count && !m.params)) return false;
  if (!valid_value(m.result, true) || m.result.indirection != 0) return false;
  const int n = m.param_count;
  for (int i = 0; i < n; ++i) {
    const COMKIT_PS_PARAM& p = m.params[i];
    if (!valid_value(p, false) || p.indirection > 1) return false;
    if (!(p.flags & (COMKIT_PS_IN | COMKIT_PS_OUT))) return false;
    if ((p.flags & COMKIT_PS_OUT) && p.indirection == 0) return false;
    if (p.kind == COMKIT_PS_IFACE && !p.iid && (p.iid_param < 0 || p.iid_param >= n)) return false;
    if (p.iid_param >= n) return false;
    if (p.iid_param >= 0) {
      const COMKIT_PS_PARAM& q = m.params[p.iid_param];
      if (q.kind != COMKIT_PS_FLAT || q.size != sizeof(IID) || !(q.flags & COMKIT_PS_IN) || is_array(q)) return false;
    }
    if (is_array(p)) {
      if ((p.flags & COMKIT_PS_ARRAY) && (p.flags & COMKIT_PS_ALLOCATED)) return false;
      if (p.indirection != 1 || p.size_param < 0 || p.size_param >= n || p.size == 0 || p.size > max_value_bytes) return false;
      if (value_size(p) != p.size) return false;
      for (auto [index, deref] : {std::pair{p.size_param, p.size_deref}, std::pair{p.length_param, p.length_deref}}) {
        if (index < 0) continue;
        if (index >= n) return false;
        const COMKIT_PS_PARAM& c = m.params[index];
        if (c.kind != COMKIT_PS_INT || is_array(c) || c.indirection != (deref ? 1 : 0)) return false;
      }
      if (p.flags & COMKIT_PS_ALLOCATED) {
        // Callee-allocated ([out, size_is(, *n)] T**): the count comes back.
        if ((p.flags & COMKIT_PS_IN) || !p.size_deref || !(m.params[p.size_param].flags & COMKIT_PS_OUT) ||
            p.length_param >= 0)
          return false;
      } else if (!(m.params[p.size_param].flags & COMKIT_PS_IN)) {
        return false;  // the count travels with the request: it must be known before the call
      }
    }
  }
  return true;
}

void proxy_dispatch(ffi_cif*, void* ret, void** args, void* user) noexcept;

// Slot 6 of an interface whose first methods are IDispatch's: Invoke, which
// the tables cannot describe (DISPPARAMS, EXCEPINFO; its remote form is
// [call_as] RemoteInvoke), so it is carried by invoke_proxy/invoke_stub.
bool is_dispatch_invoke(const COMKIT_PS_INTERFACE* t, unsigned k) {
  static constexpr const char* names[] = {"GetTypeInfoCount", "GetTypeInfo", "GetIDsOfNames", "Invoke"};
  if (k != 3 || t->slot_count < 7 || t->methods[3].remotable) return false;
  for (unsigned i = 0; i < 4; ++i)
    if (!t->methods[i].name || std::strcmp(t->methods[i].name, names[i]) != 0) return false;
  const COMKIT_PS_PARAM& result = t->methods[3].result;
  return result.kind == COMKIT_PS_INT && result.size == 4;
}

iface_rt* build(const COMKIT_PS_INTERFACE* t) {
  if (t->slot_count < 3 || t->slot_count > max_slots) return nullptr;
  auto r = std::make_unique<iface_rt>();
  r->t = t;
  const unsigned n = t->slot_count - 3;
  r->methods = std::make_unique<method_rt[]>(n);
  r->vtbl.assign(t->slot_count, nullptr);
  for (unsigned k = 0; k < n; ++k) {
    method_rt& mr = r->methods[k];
    mr.m = &t->methods[k];
    mr.slot = k + 3;
    mr.remotable = valid_method(*mr.m);
    mr.dispatch_invoke = is_dispatch_invoke(t, k);
    mr.args.push_back(&ffi_type_pointer);  // this
    if (mr.remotable)
      for (unsigned i = 0; i < mr.m->param_count; ++i) mr.args.push_back(ffi_of(mr.m->params[i]));
    if (mr.dispatch_invoke)  // DISPID, REFIID, LCID, WORD, DISPPARAMS*, VARIANT*, EXCEPINFO*, UINT*
      mr.args.insert(mr.args.end(), {&ffi_type_sint32, &ffi_type_pointer, &ffi_type_uint32, &ffi_type_uint16,
                                     &ffi_type_pointer, &ffi_type_pointer, &ffi_type_pointer, &ffi_type_pointer});
    // A method the tables cannot carry still answers: its closure takes
    // only `this` (the caller's further arguments are ignored) and returns
    // E_NOTIMPL.
    ffi_type* result = valid_value(mr.m->result, true) ? ffi_of(mr.m->result) : &ffi_type_sint32;
    if (ffi_prep_cif(&mr.cif, FFI_DEFAULT_ABI, static_cast<unsigned>(mr.args.size()), result, mr.args.data()) != FFI_OK)
      return nullptr;
    mr.closure = static_cast<ffi_closure*>(ffi_closure_alloc(sizeof(ffi_closure), &mr.code));
    if (!mr.closure) return nullptr;
    if (ffi_prep_closure_loc(mr.closure, &mr.cif, proxy_dispatch, &mr, mr.code) != FFI_OK) return nullptr;
    r->vtbl[k + 3] = mr.code;
  }
  return r.release();
}

// ---- Wire encoding ------------------------------------------------------------------------------

struct writer {
  small_bytes<256> b;
  void bytes(const void* p, std::size_t n) { b.append(p, n); }
  void u32(std::uint32_t v) { bytes(&v, 4); }
  void u16(std::uint16_t v) { bytes(&v, 2); }
  void u8(std::uint8_t v) { b.push_back(std::byte{v}); }
};

struct reader {
  const unsigned char* p;
  std::size_t left;
  bool bytes(void* out, std::size_t n) {
    if (n > left) return false;
    if (n) std::memcpy(out, p, n);
    p += n;
    left -= n;
    return true;
  }
  bool u32(std::uint32_t& v) { return bytes(&v, 4); }
  bool u16(std::uint16_t& v) { return bytes(&v, 2); }
  bool u8(std::uint8_t& v) { return bytes(&v, 1); }
  const unsigned char* take(std::size_t n) {
    if (n > left) return nullptr;
    const unsigned char* at = p;
    p += n;
    left -= n;
    return at;
  }
};

std::uint64_t read_int(const void* at, unsigned size, bool is_signed) {
  switch (size) {
    case 1: { std::int8_t v; std::memcpy(&v, at, 1); return is_signed ? static_cast<std::uint64_t>(static_cast<std::int64_t>(v)) : static_cast<std::uint8_t>(v); }
    case 2: { std::int16_t v; std::memcpy(&v, at, 2); return is_signed ? static_cast<std::uint64_t>(static_cast<std::int64_t>(v)) : static_cast<std::uint16_t>(v); }
    case 4: { std::int32_t v; std::memcpy(&v, at, 4); return is_signed ? static_cast<std::uint64_t>(static_cast<std::int64_t>(v)) : static_cast<std::uint32_t>(v); }
    default: { std::uint64_t v; std::memcpy(&v, at, 8); return v; }
  }
}

void* load_pointer(const void* at) {
  void* v;
  std::memcpy(&v, at, sizeof v);
  return v;
}
void store_pointer(void* at, void* v) { std::memcpy(at, &v, sizeof v); }

// The OBJREF of unk as iid, appended to w (u32 size, bytes); 0 for null.
HRESULT write_interface(writer& w, IUnknown* unk, const IID& iid, DWORD dest) {
  if (!unk) {
    w.u32(0);
    return S_OK;
  }
  std::vector<std::byte> objref;
  if (HRESULT hr = marshal_to_bytes(unk, iid, dest, MSHLFLAGS_NORMAL, objref); FAILED(hr)) return hr;
  w.u32(static_cast<std::uint32_t>(objref.size()));
  w.bytes(objref.data(), objref.size());
  return S_OK;
}

// Reads an OBJREF and unmarshals it; *out is null for a null pointer.
HRESULT read_interface(reader& r, const IID& iid, void** out) {
  *out = nullptr;
  std::uint32_t n;
  if (!r.u32(n)) return bad_stub_data;
  if (n == 0) return S_OK;
  const unsigned char* data = r.take(n);
  if (!data) return bad_stub_data;
  return unmarshal_from_bytes({reinterpret_cast<const std::byte*>(data), n}, iid, out);
}

// A string or BSTR: u32 units (0xFFFFFFFF: null), the units.
void write_text(writer& w, unsigned kind, const void* s) {
  if (!s) {
    w.u32(null_length);
    return;
  }
  std::size_t n = 0;
  if (kind == COMKIT_PS_BSTR) {
    n = SysStringByteLen(static_cast<BSTR>(const_cast<void*>(s)));
  } else if (kind == COMKIT_PS_WSTR) {
    for (const auto* c = static_cast<const OLECHAR*>(s); c[n];) ++n;
    n *= sizeof(OLECHAR);
  } else {
    n = std::strlen(static_cast<const char*>(s));
  }
  const std::size_t unit = kind == COMKIT_PS_WSTR ? sizeof(OLECHAR) : 1;
  w.u32(static_cast<std::uint32_t>(n / unit));
  w.bytes(s, n);
}

// Reads a string or BSTR into new memory (SysAlloc for a BSTR, CoTaskMem
// for a string); null for null.
HRESULT read_text(reader& r, unsigned kind, void** out) {
  *out = nullptr;
  std::uint32_t n;
  if (!r.u32(n)) return bad_stub_data;
  if (n == null_length) return S_OK;
  const std::size_t unit = kind == COMKIT_PS_WSTR ? sizeof(OLECHAR) : 1;
  if (n > max_value_bytes / unit) return bad_stub_data;
  const unsigned char* data = r.take(n * unit);
  if (!data) return bad_stub_data;
  void* s;
  if (kind == COMKIT_PS_BSTR) {
    s = SysAllocStringByteLen(reinterpret_cast<const char*>(data), n);
  } else {
    s = CoTaskMemAlloc((n + 1) * unit);
    if (s) {
      std::memcpy(s, data, n * unit);
      std::memset(static_cast<char*>(s) + n * unit, 0, unit);
    }
  }
  if (!s) return E_OUTOFMEMORY;
  *out = s;
  return S_OK;
}

// A VARIANT: u16 vt, then its value. Carried: VT_EMPTY, VT_NULL, the
// numeric types, VT_BOOL, VT_ERROR, VT_CY, VT_DATE, VT_DECIMAL, VT_BSTR,
// VT_UNKNOWN and VT_DISPATCH, and SAFEARRAYs of those or of VARIANTs
// (VT_ARRAY | vt: u32 dimensions, each dimension's u32 count and i32 lower
// bound in SafeArrayGetLBound's order, then the elements in memory order);
// anything else (VT_BYREF, records) gives DISP_E_BADVARTYPE.
std::size_t variant_value_size(VARTYPE vt) {
  switch (vt) {
    case VT_EMPTY: case VT_NULL: return 0;
    case VT_I1: case VT_UI1: return 1;
    case VT_I2: case VT_UI2: case VT_BOOL: return 2;
    case VT_I4: case VT_UI4: case VT_INT: case VT_UINT: case VT_R4: case VT_ERROR: return 4;
    case VT_I8: case VT_UI8: case VT_R8: case VT_CY: case VT_DATE: return 8;
    default: return SIZE_MAX;
  }
}

constexpr unsigned max_array_dims = 64;  // what SafeArrayCreate accepts
constexpr int max_variant_depth = 16;    // arrays of VARIANTs holding arrays ...

// The size of one element of a SAFEARRAY of `base` carried here; 0 for a
// base that is not.
std::size_t array_element_size(VARTYPE base) {
  switch (base) {
    case VT_BSTR: case VT_UNKNOWN: case VT_DISPATCH: return sizeof(void*);
    case VT_VARIANT: return sizeof(VARIANT);
    case VT_DECIMAL: return sizeof(DECIMAL);
    default: {
      const std::size_t n = variant_value_size(base);
      return n == SIZE_MAX || n == 0 ? 0 : n;
    }
  }
}

HRESULT write_variant_at(writer& w, const VARIANT* v, DWORD dest, int depth);
// A record's identity: its library (GUID, version, lcid) and its type's GUID,
// what GetRecordInfoFromGuids finds it by on the other side.
struct record_identity {
  GUID lib{};
  std::uint16_t major = 0, minor = 0;
  std::uint32_t lcid = 0;
  GUID type{};
};
HRESULT identity_of(IRecordInfo* ri, record_identity& id);
void write_identity(writer& w, const record_identity& id);
HRESULT write_record_fields(writer& w, IRecordInfo* ri, const void* data, DWORD dest, int depth);

// A SAFEARRAY of records (FADF_RECORD) carries, after its bounds, its
// records' identity (as a VT_RECORD VARIANT's) and then each record's
// fields (write_record_fields), in memory order.
HRESULT write_array(writer& w, SAFEARRAY* a, VARTYPE base, DWORD dest, int depth) {
  const UINT dims = SafeArrayGetDim(a);
  std::size_t size = array_element_size(base);
  IRecordInfo* ri = nullptr;  // a SAFEARRAY of records: its record info, referenced
  if (base == VT_RECORD) {
    ULONG record_size = 0;
    if (FAILED(SafeArrayGetRecordInfo(a, &ri)) || !ri) return DISP_E_BADVARTYPE;
    if (SUCCEEDED(ri->GetSize(&record_size))) size = record_size;
  }
  struct release_record_info {
    IRecordInfo* p;
    ~release_record_info() {
      if (p) p->Release();
    }
  } hold{ri};
  if (dims == 0 || dims > max_array_dims || size == 0 || SafeArrayGetElemsize(a) != size) return DISP_E_BADVARTYPE;
  w.u32(dims);
  std::uint64_t count = 1;
  for (UINT d = 1; d <= dims; ++d) {
    LONG lower = 0, upper = 0;
    if (FAILED(SafeArrayGetLBound(a, d, &lower)) || FAILED(SafeArrayGetUBound(a, d, &upper))) return DISP_E_BADVARTYPE;
    const std::uint64_t n = static_cast<std::uint64_t>(static_cast<std::int64_t>(upper) - lower + 1);
    w.u32(static_cast<std::uint32_t>(n));
    w.u32(static_cast<std::uint32_t>(lower));
    count *= n;
  }
  if (count * size > max_value_bytes) return invalid_bound;
  if (ri) {
    record_identity id;
    if (const HRESULT hr = identity_of(ri, id); FAILED(hr)) return hr;
    write_identity(w, id);
  }
  void* data = nullptr;
  if (FAILED(SafeArrayAccessData(a, &data))) return DISP_E_BADVARTYPE;
  HRESULT hr = S_OK;
  const auto* at = static_cast<const unsigned char*>(data);
  if (ri) {
    for (std::uint64_t k = 0; k < count && SUCCEEDED(hr); ++k) hr = write_record_fields(w, ri, at + k * size, dest, depth + 1);
  } else if (base == VT_BSTR) {
    for (std::uint64_t k = 0; k < count; ++k) write_text(w, COMKIT_PS_BSTR, load_pointer(at + k * size));
  } else if (base == VT_UNKNOWN || base == VT_DISPATCH) {
    for (std::uint64_t k = 0; k < count && SUCCEEDED(hr); ++k)
      hr = write_interface(w, static_cast<IUnknown*>(load_pointer(at + k * size)),
                           base == VT_DISPATCH ? IID_IDispatch : IID_IUnknown, dest);
  } else if (base == VT_VARIANT) {
    for (std::uint64_t k = 0; k < count && SUCCEEDED(hr); ++k)
      hr = write_variant_at(w, reinterpret_cast<const VARIANT*>(at + k * size), dest, depth + 1);
  } else {
    w.bytes(at, static_cast<std::size_t>(count * size));
  }
  SafeArrayUnaccessData(a);
  return hr;
}

HRESULT identity_of(IRecordInfo* ri, record_identity& id) {
  if (FAILED(ri->GetGuid(&id.type)) || id.type == GUID{}) return DISP_E_BADVARTYPE;  // found by GUID only
  ITypeInfo* ti = nullptr;
  if (FAILED(ri->GetTypeInfo(&ti))) return DISP_E_BADVARTYPE;
  ITypeLib* lib = nullptr;
  UINT index = 0;
  HRESULT hr = ti->GetContainingTypeLib(&lib, &index);
  ti->Release();
  if (FAILED(hr)) return DISP_E_BADVARTYPE;
  TLIBATTR* a = nullptr;
  hr = lib->GetLibAttr(&a);
  if (SUCCEEDED(hr)) {
    id.lib = a->guid;
    id.major = a->wMajorVerNum;
    id.minor = a->wMinorVerNum;
    id.lcid = a->lcid;
    lib->ReleaseTLibAttr(a);
  }
  lib->Release();
  return FAILED(hr) ? DISP_E_BADVARTYPE : S_OK;
}

void write_identity(writer& w, const record_identity& id) {
  w.bytes(&id.lib, sizeof id.lib);
  w.u16(id.major);
  w.u16(id.minor);
  w.u32(id.lcid);
  w.bytes(&id.type, sizeof id.type);
}

// The record info a record_identity names (its library must be registered
// here too); false when the bytes are short.
bool read_identity(reader& r, record_identity& id) {
  return r.bytes(&id.lib, sizeof id.lib) && r.u16(id.major) && r.u16(id.minor) && r.u32(id.lcid) && r.bytes(&id.type, sizeof id.type);
}

// The names of a record's fields, in its order.
struct field_names {
  std::vector<BSTR> names;
  ~field_names() {
    for (BSTR b : names) SysFreeString(b);
  }
  HRESULT load(IRecordInfo* ri) noexcept {
    ULONG n = 0;
    if (FAILED(ri->GetFieldNames(&n, nullptr)) || n > max_params * 64) return DISP_E_BADVARTYPE;
    try {
      names.assign(n, nullptr);
    } catch (const std::bad_alloc&) {
      return E_OUTOFMEMORY;
    }
    if (n && FAILED(ri->GetFieldNames(&n, names.data()))) return DISP_E_BADVARTYPE;
    names.resize(std::min<std::size_t>(n, names.size()));
    return S_OK;
  }
};

HRESULT write_variant_at(writer& w, const VARIANT* v, DWORD dest, int depth);

// A record's fields: u32 count, then each as a VARIANT (GetField), in the
// record's order.
HRESULT write_record_fields(writer& w, IRecordInfo* ri, const void* data, DWORD dest, int depth) {
  field_names f;
  if (const HRESULT hr = f.load(ri); FAILED(hr)) return hr;
  w.u32(static_cast<std::uint32_t>(f.names.size()));
  for (BSTR name : f.names) {
    VARIANT value;
    VariantInit(&value);
    HRESULT hr = ri->GetField(const_cast<void*>(data), name, &value);
    if (SUCCEEDED(hr)) hr = write_variant_at(w, &value, dest, depth + 1);
    VariantClear(&value);
    if (FAILED(hr)) return hr;
  }
  return S_OK;
}

// A VT_RECORD VARIANT's value: its identity, u8 present (0: no record),
// u32 field count, then each field as a VARIANT (IRecordInfo::GetField), in
// the record's order.
HRESULT write_record(writer& w, const VARIANT* v, DWORD dest, int depth) {
  IRecordInfo* ri = v->pRecInfo;
  if (!ri) return DISP_E_BADVARTYPE;
  record_identity id;
  if (const HRESULT hr = identity_of(ri, id); FAILED(hr)) return hr;
  write_identity(w, id);
  if (!v->pvRecord) {
    w.u8(0);
    return S_OK;
  }
  w.u8(1);
  return write_record_fields(w, ri, v->pvRecord, dest, depth);
}

HRESULT write_variant_at(writer& w, const VARIANT* v, DWORD dest, int depth) {
  const VARTYPE vt = v->vt;
  if (depth > max_variant_depth) return DISP_E_BADVARTYPE;
  if (vt == VT_RECORD) {
    w.u16(vt);
    return write_record(w, v, dest, depth);
  }
  if (vt & VT_ARRAY) {
    if (vt & VT_BYREF) return DISP_E_BADVARTYPE;
    w.u16(vt);
    if (!v->parray) {
      w.u32(0);  // a null array
      return S_OK;
    }
    return write_array(w, v->parray, vt & ~VT_ARRAY, dest, depth);
  }
  w.u16(vt);
  if (vt == VT_DECIMAL) {
    w.bytes(v, sizeof(DECIMAL));
    return S_OK;
  }
  if (vt == VT_BSTR) {
    write_text(w, COMKIT_PS_BSTR, v->bstrVal);
    return S_OK;
  }
  if (vt == VT_UNKNOWN || vt == VT_DISPATCH)
    return write_interface(w, v->punkVal, vt == VT_DISPATCH ? IID_IDispatch : IID_IUnknown, dest);
  const std::size_t n = variant_value_size(vt);
  if (n == SIZE_MAX) return DISP_E_BADVARTYPE;
  w.bytes(reinterpret_cast<const unsigned char*>(v) + 8, n);
  return S_OK;
}

HRESULT write_variant(writer& w, const VARIANT* v, DWORD dest) { return write_variant_at(w, v, dest, 0); }

HRESULT read_variant_at(reader& r, VARIANT* v, int depth);

// Reads a SAFEARRAY of `base` (after its vt); *out is null for a null array.
HRESULT read_record_fields(reader& r, IRecordInfo* ri, void* data, int depth);

HRESULT read_array(reader& r, VARTYPE base, SAFEARRAY** out, int depth) {
  *out = nullptr;
  std::uint32_t dims;
  if (!r.u32(dims)) return bad_stub_data;
  if (dims == 0) return S_OK;
  // The size of an element; a record's is known once its identity (after
  // the bounds) is read, and at least 1 until then.
  std::size_t size = base == VT_RECORD ? 1 : array_element_size(base);
  if (dims > max_array_dims || size == 0) return bad_stub_data;
  SAFEARRAYBOUND bounds[max_array_dims];
  std::uint64_t count = 1;
  for (std::uint32_t d = 0; d < dims; ++d) {
    std::uint32_t n, lower;
    if (!r.u32(n) || !r.u32(lower)) return bad_stub_data;
    bounds[d].cElements = n;
    bounds[d].lLbound = static_cast<LONG>(lower);
    count *= n;
    if (count * size > max_value_bytes) return bad_stub_data;
  }
  IRecordInfo* ri = nullptr;
  if (base == VT_RECORD) {
    record_identity id;
    if (!read_identity(r, id)) return bad_stub_data;
    if (const HRESULT hr = GetRecordInfoFromGuids(id.lib, id.major, id.minor, id.lcid, id.type, &ri); FAILED(hr)) return hr;
    ULONG record_size = 0;
    if (FAILED(ri->GetSize(&record_size)) || record_size == 0 || count * record_size > max_value_bytes) {
      ri->Release();
      return bad_stub_data;
    }
    size = record_size;
  }
  struct release_record_info {
    IRecordInfo* p;
    ~release_record_info() {
      if (p) p->Release();
    }
  } hold{ri};
  // What the elements take at least must be there before anything is
  // allocated (a BSTR, an interface or a record at least its u32, a
  // VARIANT its vt).
  const std::size_t least = base == VT_VARIANT                                                              ? 2
                            : base == VT_BSTR || base == VT_UNKNOWN || base == VT_DISPATCH || base == VT_RECORD ? 4
                                                                                                               : size;
  if (r.left < count * least) return bad_stub_data;
  SAFEARRAY* a = ri ? SafeArrayCreateEx(VT_RECORD, dims, bounds, ri) : SafeArrayCreate(base, dims, bounds);
  if (!a) return E_OUTOFMEMORY;
  void* data = nullptr;
  if (FAILED(SafeArrayAccessData(a, &data))) {
    SafeArrayDestroy(a);
    return E_OUTOFMEMORY;
  }
  auto* at = static_cast<unsigned char*>(data);
  HRESULT hr = S_OK;
  for (std::uint64_t k = 0; k < count && SUCCEEDED(hr); ++k) {
    unsigned char* e = at + k * size;
    if (ri) {
      hr = read_record_fields(r, ri, e, depth + 1);
    } else if (base == VT_BSTR) {
      void* s = nullptr;
      if (SUCCEEDED(hr = read_text(r, COMKIT_PS_BSTR, &s))) store_pointer(e, s);
    } else if (base == VT_UNKNOWN || base == VT_DISPATCH) {
      void* unk = nullptr;
      if (SUCCEEDED(hr = read_interface(r, base == VT_DISPATCH ? IID_IDispatch : IID_IUnknown, &unk)))
        store_pointer(e, unk);
    } else if (base == VT_VARIANT) {
      hr = read_variant_at(r, reinterpret_cast<VARIANT*>(e), depth + 1);
    } else {
      if (!r.bytes(at, static_cast<std::size_t>(count * size))) hr = bad_stub_data;
      break;
    }
  }
  SafeArrayUnaccessData(a);
  if (FAILED(hr)) {
    SafeArrayDestroy(a);  // frees what was read (the rest is zero)
    return hr;
  }
  *out = a;
  return S_OK;
}

// Reads a record's fields (write_record_fields) into `data`, an initialized
// record of ri's type.
HRESULT read_record_fields(reader& r, IRecordInfo* ri, void* data, int depth) {
  field_names f;
  std::uint32_t count;
  if (const HRESULT hr = f.load(ri); FAILED(hr)) return hr;
  if (!r.u32(count) || count != f.names.size()) return bad_stub_data;  // another version of the record
  for (BSTR name : f.names) {
    VARIANT value;
    if (const HRESULT hr = read_variant_at(r, &value, depth + 1); FAILED(hr)) return hr;
    const HRESULT hr = ri->PutField(INVOKE_PROPERTYPUT, data, name, &value);
    VariantClear(&value);
    if (FAILED(hr)) return hr;
  }
  return S_OK;
}

// Reads a VT_RECORD VARIANT's value (write_record): the record info is
// found by its GUIDs (its library must be registered here too), the record
// made and each field put.
HRESULT read_record(reader& r, VARIANT* v, int depth) {
  record_identity id;
  std::uint8_t present;
  if (!read_identity(r, id) || !r.u8(present) || present > 1) return bad_stub_data;
  IRecordInfo* ri = nullptr;
  if (const HRESULT hr = GetRecordInfoFromGuids(id.lib, id.major, id.minor, id.lcid, id.type, &ri); FAILED(hr)) return hr;
  void* data = nullptr;
  HRESULT hr = S_OK;
  if (present) {
    if (!(data = ri->RecordCreate())) hr = E_OUTOFMEMORY;
    else hr = read_record_fields(r, ri, data, depth);
  }
  if (FAILED(hr)) {
    if (data) ri->RecordDestroy(data);
    ri->Release();
    return hr;
  }
  v->vt = VT_RECORD;
  v->pvRecord = data;
  v->pRecInfo = ri;
  return S_OK;
}

HRESULT read_variant_at(reader& r, VARIANT* v, int depth) {
  VariantInit(v);
  std::uint16_t vt;
  if (!r.u16(vt)) return bad_stub_data;
  if (depth > max_variant_depth) return bad_stub_data;
  if (vt == VT_RECORD) return read_record(r, v, depth);
  if (vt & VT_ARRAY) {
    if (vt & (VT_BYREF | VT_VECTOR | VT_RESERVED)) return bad_stub_data;
    SAFEARRAY* a = nullptr;
    if (HRESULT hr = read_array(r, vt & ~VT_ARRAY, &a, depth); FAILED(hr)) return hr;
    v->vt = vt;
    v->parray = a;
    return S_OK;
  }
  if (vt == VT_DECIMAL) {
    if (!r.bytes(v, sizeof(DECIMAL))) return bad_stub_data;
    v->vt = VT_DECIMAL;
    return S_OK;
  }
  if (vt == VT_BSTR) {
    void* s = nullptr;
    if (HRESULT hr = read_text(r, COMKIT_PS_BSTR, &s); FAILED(hr)) return hr;
    v->vt = VT_BSTR;
    v->bstrVal = static_cast<BSTR>(s);
    return S_OK;
  }
  if (vt == VT_UNKNOWN || vt == VT_DISPATCH) {
    void* unk = nullptr;
    if (HRESULT hr = read_interface(r, vt == VT_DISPATCH ? IID_IDispatch : IID_IUnknown, &unk); FAILED(hr)) return hr;
    v->vt = vt;
    v->punkVal = static_cast<IUnknown*>(unk);
    return S_OK;
  }
  const std::size_t n = variant_value_size(vt);
  if (n == SIZE_MAX) return bad_stub_data;
  if (!r.bytes(reinterpret_cast<unsigned char*>(v) + 8, n)) return bad_stub_data;
  v->vt = vt;
  return S_OK;
}

HRESULT read_variant(reader& r, VARIANT* v) { return read_variant_at(r, v, 0); }

// A SAFEARRAY parameter: as a VARIANT holding it would travel (u16
// VT_ARRAY | its element type, then the array), VT_EMPTY for NULL.
HRESULT write_safearray(writer& w, SAFEARRAY* a, DWORD dest) {
  if (!a) {
    w.u16(VT_EMPTY);
    return S_OK;
  }
  VARTYPE base = VT_EMPTY;
  if (FAILED(SafeArrayGetVartype(a, &base)) || (base & (VT_ARRAY | VT_BYREF))) return DISP_E_BADVARTYPE;
  w.u16(static_cast<std::uint16_t>(VT_ARRAY | base));
  return write_array(w, a, base, dest, 0);
}

HRESULT read_safearray(reader& r, SAFEARRAY** out) {
  *out = nullptr;
  std::uint16_t vt;
  if (!r.u16(vt)) return bad_stub_data;
  if (vt == VT_EMPTY) return S_OK;
  if (!(vt & VT_ARRAY) || (vt & (VT_BYREF | VT_VECTOR | VT_RESERVED))) return bad_stub_data;
  return read_array(r, static_cast<VARTYPE>(vt & ~VT_ARRAY), out, 0);
}

// One value at `at` (not an array), of p's kind.
HRESULT write_one(writer& w, const COMKIT_PS_PARAM& p, const void* at, const IID* iid, DWORD dest) {
  switch (p.kind) {
    case COMKIT_PS_INT:
    case COMKIT_PS_FLOAT:
    case COMKIT_PS_FLAT:
      w.bytes(at, p.size);
      return S_OK;
    case COMKIT_PS_BSTR:
    case COMKIT_PS_WSTR:
    case COMKIT_PS_ASTR:
      write_text(w, p.kind, load_pointer(at));
      return S_OK;
    case COMKIT_PS_IFACE:
      return iid ? write_interface(w, static_cast<IUnknown*>(load_pointer(at)), *iid, dest) : null_ref_pointer;
    case COMKIT_PS_VARIANT:
      return write_variant(w, static_cast<const VARIANT*>(at), dest);
    case COMKIT_PS_SAFEARRAY:
      return write_safearray(w, static_cast<SAFEARRAY*>(load_pointer(at)), dest);
    case ps_kind_record: {
      IRecordInfo* ri = record_of(p);
      return ri ? write_record_fields(w, ri, at, dest, 0) : E_UNEXPECTED;
    }
    default:
      return E_UNEXPECTED;
  }
}

void free_one(const COMKIT_PS_PARAM& p, void* at);

// Reads one value into `at`, whose old content is not looked at (owned
// memory there must have been freed or moved).
HRESULT read_one(reader& r, const COMKIT_PS_PARAM& p, void* at, const IID* iid) {
  switch (p.kind) {
    case COMKIT_PS_INT:
    case COMKIT_PS_FLOAT:
    case COMKIT_PS_FLAT:
      return r.bytes(at, p.size) ? S_OK : bad_stub_data;
    case COMKIT_PS_BSTR:
    case COMKIT_PS_WSTR:
    case COMKIT_PS_ASTR: {
      void* s = nullptr;
      const HRESULT hr = read_text(r, p.kind, &s);
      store_pointer(at, s);
      return hr;
    }
    case COMKIT_PS_IFACE: {
      void* unk = nullptr;
      const HRESULT hr = iid ? read_interface(r, *iid, &unk) : bad_stub_data;
      store_pointer(at, unk);
      return hr;
    }
    case COMKIT_PS_VARIANT:
      return read_variant(r, static_cast<VARIANT*>(at));
    case COMKIT_PS_SAFEARRAY: {
      SAFEARRAY* a = nullptr;
      const HRESULT hr = read_safearray(r, &a);
      store_pointer(at, a);
      return hr;
    }
    case ps_kind_record: {
      IRecordInfo* ri = record_of(p);
      if (!ri) return bad_stub_data;
      std::memset(at, 0, p.size);  // an empty record, then its fields put
      const HRESULT hr = read_record_fields(r, ri, at, 0);
      if (FAILED(hr)) free_one(p, at);
      return hr;
    }
    default:
      return bad_stub_data;
  }
}

// Frees the owned value at `at` (a BSTR, a CoTaskMem string, an interface
// reference, a VARIANT's content) and leaves it empty.
void free_one(const COMKIT_PS_PARAM& p, void* at) {
  if (p.kind == COMKIT_PS_VARIANT) {
    VariantClear(static_cast<VARIANT*>(at));
    return;
  }
  if (p.kind == ps_kind_record) {
    if (IRecordInfo* ri = record_of(p)) ri->RecordClear(at);
    std::memset(at, 0, p.size);
    return;
  }
  void* v = load_pointer(at);
  if (!v) return;
  switch (p.kind) {
    case COMKIT_PS_BSTR: SysFreeString(static_cast<BSTR>(v)); break;
    case COMKIT_PS_WSTR:
    case COMKIT_PS_ASTR: CoTaskMemFree(v); break;
    case COMKIT_PS_IFACE: static_cast<IUnknown*>(v)->Release(); break;
    case COMKIT_PS_SAFEARRAY: SafeArrayDestroy(static_cast<SAFEARRAY*>(v)); break;
    default: return;
  }
  store_pointer(at, nullptr);
}

void free_elements(const COMKIT_PS_PARAM& p, void* base, std::uint32_t count) {
  if (!owns_memory(p) || !base) return;
  for (std::uint32_t k = 0; k < count; ++k) free_one(p, static_cast<unsigned char*>(base) + std::size_t{k} * p.size);
}

HRESULT write_elements(writer& w, const COMKIT_PS_PARAM& p, const void* base, std::uint32_t n, const IID* iid, DWORD dest) {
  if (!owns_memory(p)) {
    w.bytes(base, std::size_t{n} * p.size);
    return S_OK;
  }
  for (std::uint32_t k = 0; k < n; ++k)
    if (HRESULT hr = write_one(w, p, static_cast<const unsigned char*>(base) + std::size_t{k} * p.size, iid, dest); FAILED(hr))
      return hr;
  return S_OK;
}

// Reads n elements into base (whose owned elements are empty); on failure
// the ones read are freed.
HRESULT read_elements(reader& r, const COMKIT_PS_PARAM& p, void* base, std::uint32_t n, const IID* iid) {
  if (!owns_memory(p)) return r.bytes(base, std::size_t{n} * p.size) ? S_OK : bad_stub_data;
  for (std::uint32_t k = 0; k < n; ++k)
    if (HRESULT hr = read_one(r, p, static_cast<unsigned char*>(base) + std::size_t{k} * p.size, iid); FAILED(hr)) {
      free_elements(p, base, k + 1);
      return hr;
    }
  return S_OK;
}

// The three passes over a method's parameters, in order: plain values,
// arrays (their counts are plain values), interfaces (their iid_is IIDs are
// plain values).
int pass_of(const COMKIT_PS_PARAM& p) {
  if (p.kind == COMKIT_PS_IFACE) return 2;
  if (is_array(p)) return 1;
  return 0;
}

template <typename F>
HRESULT for_each_param(const COMKIT_PS_METHOD& m, F&& f) {
  for (int pass = 0; pass < 3; ++pass)
    for (unsigned i = 0; i < m.param_count; ++i)
      if (pass_of(m.params[i]) == pass)
        if (HRESULT hr = f(i, m.params[i]); FAILED(hr)) return hr;
  return S_OK;
}

// ---- Arguments, as the caller passed them or as the stub holds them ------------------------------

void* arg_at(void** args, unsigned i) { return args[i + 1]; }
void* arg_pointer(void** args, unsigned i) { return load_pointer(args[i + 1]); }

// The count or length parameter `index` names. A length behind a null
// pointer ([unique], as a local IEnumXxx::Next allows for pceltFetched) is
// `all`; a count behind one is an error.
HRESULT count_of(const COMKIT_PS_METHOD& m, void** args, int index, bool deref, std::uint32_t& out,
                 const std::uint32_t* all = nullptr) {
  const COMKIT_PS_PARAM& c = m.params[index];
  const void* at = deref ? arg_pointer(args, static_cast<unsigned>(index)) : arg_at(args, static_cast<unsigned>(index));
  if (!at) {
    if (!all) return null_ref_pointer;
    out = *all;
    return S_OK;
  }
  const std::uint64_t v = read_int(at, c.size, c.is_signed);
  if ((c.is_signed && static_cast<std::int64_t>(v) < 0) || v > 0xFFFFFFFFu) return invalid_bound;
  out = static_cast<std::uint32_t>(v);
  return S_OK;
}

const IID* iid_of(const COMKIT_PS_PARAM& p, void** args) {
  if (p.kind != COMKIT_PS_IFACE) return nullptr;
  if (p.iid) return p.iid;
  return static_cast<const IID*>(arg_pointer(args, static_cast<unsigned>(p.iid_param)));
}

// ---- The proxy ----------------------------------------------------------------------------------

class table_proxy;

struct proxy_face {  // what callers hold: the vtable pointer first
  void* const* vtbl;
  table_proxy* self;
};

class table_proxy final : public counted_object<table_proxy, IRpcProxyBuffer, IID_IRpcProxyBuffer> {
 public:
  table_proxy(const iface_rt* rt, IUnknown* outer) : outer_(outer), rt_(rt) {
    face_.vtbl = rt->vtbl.data();
    face_.self = this;
  }
  ~table_proxy() {
    if (channel_) channel_->Release();
  }
  // IUnknown and IRpcProxyBuffer are the buffer's own; the interface is the
  // face, counted by the outer object (the proxy manager).
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (ppv && IsEqualIID(riid, *rt_->t->iid)) {
      *ppv = &face_;
      outer_->AddRef();
      return S_OK;
    }
    return counted_object::QueryInterface(riid, ppv);
  }
  HRESULT STDMETHODCALLTYPE Connect(IRpcChannelBuffer* c) override {
    if (!c) return E_INVALIDARG;
    if (channel_) return E_UNEXPECTED;
    c->AddRef();
    channel_ = c;
    return S_OK;
  }
  void STDMETHODCALLTYPE Disconnect() override {
    if (channel_) channel_->Release();
    channel_ = nullptr;
  }

  proxy_face* face() { return &face_; }
  IUnknown* outer() const { return outer_; }
  IRpcChannelBuffer* channel() const { return channel_; }
  const IID& iid() const { return *rt_->t->iid; }

 private:
  proxy_face face_;
  IUnknown* outer_;  // not counted: it owns this
  IRpcChannelBuffer* channel_ = nullptr;
  const iface_rt* rt_;
};

HRESULT STDMETHODCALLTYPE face_query(proxy_face* f, REFIID riid, void** ppv) { return f->self->outer()->QueryInterface(riid, ppv); }
ULONG STDMETHODCALLTYPE face_addref(proxy_face* f) { return f->self->outer()->AddRef(); }
ULONG STDMETHODCALLTYPE face_release(proxy_face* f) { return f->self->outer()->Release(); }

// counts[i]: array i's element count as sent (or as received, for a
// callee-allocated one), so the reply is read into the caller's buffer even
// when the callee changes an [in, out] count.
HRESULT encode_request(const COMKIT_PS_METHOD& m, void** args, writer& w, DWORD dest, std::uint32_t* counts) {
  return for_each_param(m, [&](unsigned i, const COMKIT_PS_PARAM& p) -> HRESULT {
    const bool in = p.flags & COMKIT_PS_IN;
    const void* at = arg_at(args, i);
    if (p.indirection == 1) {
      at = arg_pointer(args, i);
      if (!at && !(p.flags & COMKIT_PS_UNIQUE)) return null_ref_pointer;
      w.u8(at ? 1 : 0);
      if (!at || (p.flags & COMKIT_PS_ALLOCATED)) return S_OK;
      if (p.flags & COMKIT_PS_ARRAY) {
        std::uint32_t count = 0, length;
        if (HRESULT hr = count_of(m, args, p.size_param, p.size_deref, count); FAILED(hr)) return hr;
        length = count;
        if (in && p.length_param >= 0)
          if (HRESULT hr = count_of(m, args, p.length_param, p.length_deref, length, &count); FAILED(hr)) return hr;
        if (length > count || static_cast<std::uint64_t>(count) * p.size > max_value_bytes) return invalid_bound;
        counts[i] = count;
        w.u32(count);
        w.u32(in ? length : 0);
        return in ? write_elements(w, p, at, length, iid_of(p, args), dest) : S_OK;
      }
    }
    if (!in) return S_OK;
    return write_one(w, p, at, iid_of(p, args), dest);
  });
}

// Empties the caller's [out]-only values before the call, as MIDL's proxies
// do, so a failure leaves nulls and zeros; after a failed reply
// (free_owned), frees what was decoded into them first.
void clear_outs(const COMKIT_PS_METHOD& m, void** args, bool free_owned, const std::uint32_t* counts) {
  for (unsigned i = 0; i < m.param_count; ++i) {
    const COMKIT_PS_PARAM& p = m.params[i];
    if ((p.flags & (COMKIT_PS_IN | COMKIT_PS_OUT)) != COMKIT_PS_OUT) continue;
    void* at = arg_pointer(args, i);
    if (!at) continue;
    if (p.flags & COMKIT_PS_ALLOCATED) {
      if (free_owned) {
        void* array = load_pointer(at);
        free_elements(p, array, counts[i]);
        CoTaskMemFree(array);
      }
      store_pointer(at, nullptr);
    } else if (p.flags & COMKIT_PS_ARRAY) {
      // The caller's buffer: owned elements are emptied, so none is freed
      // that the caller did not give.
      if (!owns_memory(p)) continue;
      if (free_owned) free_elements(p, at, counts[i]);
      std::memset(at, 0, std::size_t{counts[i]} * p.size);
    } else {
      if (free_owned && owns_memory(p)) free_one(p, at);
      std::memset(at, 0, value_size(p));
    }
  }
}

HRESULT decode_reply(const COMKIT_PS_METHOD& m, void** args, reader& r, std::uint32_t* counts) {
  return for_each_param(m, [&](unsigned i, const COMKIT_PS_PARAM& p) -> HRESULT {
    if (!(p.flags & COMKIT_PS_OUT)) return S_OK;
    void* at = arg_pointer(args, i);
    if (!at) return S_OK;
    const IID* iid = iid_of(p, args);
    if (p.flags & COMKIT_PS_ALLOCATED) {
      std::uint8_t present;
      if (!r.u8(present) || present > 1) return bad_stub_data;
      if (!present) return S_OK;
      std::uint32_t n, expected = 0;
      if (!r.u32(n) || FAILED(count_of(m, args, p.size_param, p.size_deref, expected)) || n != expected ||
          static_cast<std::uint64_t>(n) * p.size > max_value_bytes)
        return bad_stub_data;
      void* array = CoTaskMemAlloc(n ? std::size_t{n} * p.size : 1);
      if (!array) return E_OUTOFMEMORY;
      std::memset(array, 0, n ? std::size_t{n} * p.size : 1);
      if (HRESULT hr = read_elements(r, p, array, n, iid); FAILED(hr)) {
        CoTaskMemFree(array);
        return hr;
      }
      counts[i] = n;
      store_pointer(at, array);
      return S_OK;
    }
    if (p.flags & COMKIT_PS_ARRAY) {
      std::uint32_t length;
      if (!r.u32(length) || length > counts[i]) return bad_stub_data;
      if (p.flags & COMKIT_PS_IN) free_elements(p, at, length);  // [in, out]: the callee's values replace the caller's
      return read_elements(r, p, at, length, iid);
    }
    if (!owns_memory(p)) return read_one(r, p, at, iid);
    // Read aside, then replace: an [in, out] value's old content is freed
    // only once the new one arrived. (A record may be bigger than a VARIANT.)
    alignas(16) unsigned char inline_value[sizeof(VARIANT)] = {};
    std::vector<unsigned char> big;
    unsigned char* fresh = inline_value;
    if (value_size(p) > sizeof inline_value) {
      try {
        big.assign(value_size(p), 0);
      } catch (const std::bad_alloc&) {
        return E_OUTOFMEMORY;
      }
      fresh = big.data();
    }
    if (HRESULT hr = read_one(r, p, fresh, iid); FAILED(hr)) return hr;
    if (p.flags & COMKIT_PS_IN) free_one(p, at);
    std::memcpy(at, fresh, value_size(p));
    return S_OK;
  });
}

// The marshals a request to another process carries (docs/local-servers.md,
// "Lifetimes"): listed while it is encoded, handed to the channel with it
// (t_request_marshals), which has the connection expect them; given back
// here if the request is never sent.
class request_marshals {
 public:
  explicit request_marshals(DWORD dest) noexcept : listed_(dest != MSHCTX_INPROC) {}
  request_marshals(const request_marshals&) = delete;
  request_marshals& operator=(const request_marshals&) = delete;
  ~request_marshals() {
    if (!sent_)
      for (const std_objref& s : list_) exporter_release_unclaimed(s);
  }
  std::vector<std_objref>* list() noexcept { return listed_ ? &list_ : nullptr; }
  HRESULT send(IRpcChannelBuffer* ch, RPCOLEMESSAGE* msg, ULONG* status) {
    sent_ = true;  // from here on, the channel's (ours empties the list)
    std::vector<std_objref>* outer = std::exchange(t_request_marshals, list_.empty() ? nullptr : &list_);
    const HRESULT hr = ch->SendReceive(msg, status);
    t_request_marshals = outer;
    return hr;
  }

 private:
  bool listed_, sent_ = false;
  std::vector<std_objref> list_;  // emptied by the channel once the connection expects them
};

HRESULT proxy_call(table_proxy* self, const COMKIT_PS_METHOD& m, unsigned slot, void** args, void* result) {
  IRpcChannelBuffer* ch = self->channel();
  if (!ch) return CO_E_OBJNOTCONNECTED;
  std::uint32_t counts[max_params];
  std::fill_n(counts, m.param_count, 0u);
  DWORD dest = MSHCTX_INPROC;
  ch->GetDestCtx(&dest, nullptr);
  writer w;
  request_marshals marshals(dest);
  HRESULT hr;
  try {
    marshal_list_scope listing(marshals.list());
    marshal_encoding_scope encoding;
    hr = encode_request(m, args, w, dest, counts);
  } catch (const std::bad_alloc&) {
    hr = E_OUTOFMEMORY;
  }
  if (FAILED(hr)) return hr;  // what was marshalled is given back (~request_marshals)
  clear_outs(m, args, false, counts);
  RPCOLEMESSAGE msg{};
  msg.cbBuffer = static_cast<ULONG>(w.b.size());
  msg.iMethod = slot;
  if (FAILED(hr = ch->GetBuffer(&msg, self->iid()))) return hr;
  if (!w.b.empty()) std::memcpy(msg.Buffer, w.b.data(), w.b.size());
  ULONG status = 0;
  hr = marshals.send(ch, &msg, &status);
  if (SUCCEEDED(hr)) {
    reader r{static_cast<const unsigned char*>(msg.Buffer), msg.cbBuffer};
    hr = decode_reply(m, args, r, counts);
    if (SUCCEEDED(hr)) {
      if (m.result.kind != COMKIT_PS_VOID && !r.bytes(result, m.result.size)) hr = bad_stub_data;
      else if (r.left != 0) hr = bad_stub_data;
    }
    if (FAILED(hr)) clear_outs(m, args, true, counts);
  }
  ch->FreeBuffer(&msg);
  return hr;
}

// ---- IDispatch::Invoke, carried by hand ---------------------------------------------------
// Request: i32 dispid, IID riid, u32 lcid, u16 flags, u32 cArgs, u32
// cNamedArgs, the named DISPIDs, then each argument: u8 how (0 by value, 1
// VT_BYREF to the value carried, 2 VT_BYREF|VT_VARIANT) and a VARIANT; then
// u8 x 3: pVarResult, pExcepInfo, puArgErr given. Reply: i32 the result of
// Invoke, the result VARIANT, u8 0/1 and the EXCEPINFO (wCode, scode,
// source, description, help file, help context), u32 argErr (each only if
// asked), then the new value of each VT_BYREF argument, in order. Values a
// VARIANT cannot carry (see write_variant) give DISP_E_BADVARTYPE.

constexpr std::uint32_t max_invoke_args = 4096;
enum : std::uint8_t { arg_by_value = 0, arg_by_ref = 1, arg_by_ref_variant = 2 };

// The value a VT_BYREF argument points at, as a VARIANT that owns nothing;
// false for a VARTYPE a reference cannot carry.
bool byref_peek(const VARIANT& a, VARIANT* out) {
  VariantInit(out);
  const VARTYPE base = a.vt & ~VT_BYREF;
  if (!a.byref) return false;
  switch (base) {
    case VT_DECIMAL:
      std::memcpy(out, a.pdecVal, sizeof(DECIMAL));
      out->vt = VT_DECIMAL;
      return true;
    case VT_BSTR:
      out->vt = VT_BSTR;
      out->bstrVal = *a.pbstrVal;
      return true;
    case VT_UNKNOWN:
    case VT_DISPATCH:
      out->vt = base;
      out->punkVal = *a.ppunkVal;
      return true;
    default: {
      const std::size_t n = variant_value_size(base);
      if (n == SIZE_MAX || n == 0) return false;
      std::memcpy(reinterpret_cast<unsigned char*>(out) + 8, a.byref, n);
      out->vt = base;
      return true;
    }
  }
}

// Stores `fresh` (decoded: it owns its value) where VT_BYREF argument `a`
// points, freeing what was there; the caller's VARTYPE must come back.
HRESULT byref_store(const VARIANT& a, VARIANT& fresh) {
  const VARTYPE base = a.vt & ~VT_BYREF;
  if (base == VT_VARIANT) {
    VariantClear(a.pvarVal);
    *a.pvarVal = fresh;
    return S_OK;
  }
  if (fresh.vt != base) {
    VariantClear(&fresh);
    return bad_stub_data;
  }
  switch (base) {
    case VT_DECIMAL: {
      DECIMAL d;
      std::memcpy(&d, &fresh, sizeof d);
      d.wReserved = 0;
      *a.pdecVal = d;
      return S_OK;
    }
    case VT_BSTR:
      SysFreeString(*a.pbstrVal);
      *a.pbstrVal = fresh.bstrVal;
      return S_OK;
    case VT_UNKNOWN:
    case VT_DISPATCH:
      if (*a.ppunkVal) (*a.ppunkVal)->Release();
      *a.ppunkVal = fresh.punkVal;
      return S_OK;
    default:
      std::memcpy(a.byref, reinterpret_cast<const unsigned char*>(&fresh) + 8, variant_value_size(base));
      return S_OK;
  }
}

HRESULT invoke_proxy(table_proxy* self, unsigned slot, void** args) {
  IRpcChannelBuffer* ch = self->channel();
  if (!ch) return CO_E_OBJNOTCONNECTED;
  DISPID dispid;
  LCID lcid;
  WORD flags;
  std::memcpy(&dispid, args[1], sizeof dispid);
  const auto* riid = static_cast<const IID*>(load_pointer(args[2]));
  std::memcpy(&lcid, args[3], sizeof lcid);
  std::memcpy(&flags, args[4], sizeof flags);
  auto* params = static_cast<DISPPARAMS*>(load_pointer(args[5]));
  auto* result = static_cast<VARIANT*>(load_pointer(args[6]));
  auto* excep = static_cast<EXCEPINFO*>(load_pointer(args[7]));
  auto* arg_err = static_cast<UINT*>(load_pointer(args[8]));
  if (excep) std::memset(excep, 0, sizeof *excep);
  if (!riid || !params) return E_INVALIDARG;
  if ((params->cArgs && !params->rgvarg) || (params->cNamedArgs && !params->rgdispidNamedArgs) ||
      params->cNamedArgs > params->cArgs || params->cArgs > max_invoke_args)
    return E_INVALIDARG;
  DWORD dest = MSHCTX_INPROC;
  ch->GetDestCtx(&dest, nullptr);
  writer w;
  request_marshals marshals(dest);
  try {
    marshal_list_scope listing(marshals.list());
    marshal_encoding_scope encoding;
    w.u32(static_cast<std::uint32_t>(dispid));
    w.bytes(riid, sizeof(IID));
    w.u32(lcid);
    w.u16(flags);
    w.u32(params->cArgs);
    w.u32(params->cNamedArgs);
    for (UINT k = 0; k < params->cNamedArgs; ++k) w.u32(static_cast<std::uint32_t>(params->rgdispidNamedArgs[k]));
    for (UINT k = 0; k < params->cArgs; ++k) {
      const VARIANT& a = params->rgvarg[k];
      HRESULT hr;
      if (!(a.vt & VT_BYREF)) {
        w.u8(arg_by_value);
        hr = write_variant(w, &a, dest);
      } else if ((a.vt & ~VT_BYREF) == VT_VARIANT) {
        w.u8(arg_by_ref_variant);
        hr = a.pvarVal && !(a.pvarVal->vt & VT_BYREF) ? write_variant(w, a.pvarVal, dest) : DISP_E_BADVARTYPE;
      } else {
        VARIANT peek;
        w.u8(arg_by_ref);
        hr = byref_peek(a, &peek) ? write_variant(w, &peek, dest) : DISP_E_BADVARTYPE;
      }
      if (FAILED(hr)) {
        if (arg_err) *arg_err = k;
        return hr;  // what was marshalled is given back (~request_marshals)
      }
    }
    w.u8(result ? 1 : 0);
    w.u8(excep ? 1 : 0);
    w.u8(arg_err ? 1 : 0);
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  }
  RPCOLEMESSAGE msg{};
  msg.cbBuffer = static_cast<ULONG>(w.b.size());
  msg.iMethod = slot;
  HRESULT hr = ch->GetBuffer(&msg, self->iid());
  if (FAILED(hr)) return hr;
  std::memcpy(msg.Buffer, w.b.data(), w.b.size());
  ULONG status = 0;
  hr = marshals.send(ch, &msg, &status);
  if (FAILED(hr)) {
    ch->FreeBuffer(&msg);
    return hr;
  }
  reader r{static_cast<const unsigned char*>(msg.Buffer), msg.cbBuffer};
  std::uint32_t invoked = 0;
  HRESULT decoded = r.u32(invoked) ? S_OK : bad_stub_data;
  if (SUCCEEDED(decoded) && result) {
    VARIANT v;
    decoded = read_variant(r, &v);
    *result = v;  // VT_EMPTY when it did not decode
  }
  if (SUCCEEDED(decoded) && excep) {
    std::uint8_t has = 0;
    if (!r.u8(has) || has > 1) {
      decoded = bad_stub_data;
    } else if (has) {
      std::uint16_t code = 0;
      std::uint32_t scode = 0, context = 0;
      void* texts[3] = {};
      decoded = r.u16(code) && r.u32(scode) ? S_OK : bad_stub_data;
      for (void*& t : texts)
        if (SUCCEEDED(decoded)) decoded = read_text(r, COMKIT_PS_BSTR, &t);
      if (SUCCEEDED(decoded) && !r.u32(context)) decoded = bad_stub_data;
      if (SUCCEEDED(decoded)) {
        excep->wCode = code;
        excep->scode = static_cast<SCODE>(scode);
        excep->bstrSource = static_cast<BSTR>(texts[0]);
        excep->bstrDescription = static_cast<BSTR>(texts[1]);
        excep->bstrHelpFile = static_cast<BSTR>(texts[2]);
        excep->dwHelpContext = context;
      } else {
        for (void* t : texts) SysFreeString(static_cast<BSTR>(t));
      }
    }
  }
  if (SUCCEEDED(decoded) && arg_err) {
    std::uint32_t at;
    if (r.u32(at))
      *arg_err = at;
    else
      decoded = bad_stub_data;
  }
  for (UINT k = 0; SUCCEEDED(decoded) && k < params->cArgs; ++k) {
    const VARIANT& a = params->rgvarg[k];
    if (!(a.vt & VT_BYREF)) continue;
    VARIANT fresh;
    decoded = read_variant(r, &fresh);
    if (SUCCEEDED(decoded)) decoded = byref_store(a, fresh);
  }
  if (SUCCEEDED(decoded) && r.left != 0) decoded = bad_stub_data;
  ch->FreeBuffer(&msg);
  if (FAILED(decoded)) {
    if (result) VariantClear(result);  // [out]: empty on failure
    return decoded;
  }
  return static_cast<HRESULT>(invoked);
}

// The server's half: decodes the request, calls Invoke on the object (any
// interface deriving from IDispatch has it in slot 6), encodes the reply.
HRESULT invoke_stub(IUnknown* server, RPCOLEMESSAGE* msg, IRpcChannelBuffer* ch, const IID& iid) {
  DWORD dest = MSHCTX_INPROC;
  ch->GetDestCtx(&dest, nullptr);
  reader r{static_cast<const unsigned char*>(msg->Buffer), msg->cbBuffer};
  std::uint32_t dispid, lcid, count, named_count;
  std::uint16_t flags;
  IID riid;
  if (!r.u32(dispid) || !r.bytes(&riid, sizeof riid) || !r.u32(lcid) || !r.u16(flags) || !r.u32(count) ||
      !r.u32(named_count) || count > max_invoke_args || named_count > count)
    return bad_stub_data;
  std::vector<DISPID> named(named_count);
  for (auto& d : named) {
    std::uint32_t v;
    if (!r.u32(v)) return bad_stub_data;
    d = static_cast<DISPID>(v);
  }
  // Arguments by value live in `values` (DISPPARAMS' array); what a
  // VT_BYREF argument points at lives in `targets` (a DECIMAL in `decimals`).
  std::vector<VARIANT> values(count), targets(count);
  std::vector<DECIMAL> decimals(count);
  std::vector<std::uint8_t> how(count, arg_by_value);
  for (auto& v : values) VariantInit(&v);
  for (auto& v : targets) VariantInit(&v);
  auto clear = [&] {
    for (auto& v : values)
      if (!(v.vt & VT_BYREF)) VariantClear(&v);
    for (auto& v : targets) VariantClear(&v);
  };
  HRESULT hr = S_OK;
  for (std::uint32_t k = 0; k < count && SUCCEEDED(hr); ++k) {
    if (!r.u8(how[k]) || how[k] > arg_by_ref_variant) {
      hr = bad_stub_data;
      break;
    }
    if (how[k] == arg_by_value) {
      hr = read_variant(r, &values[k]);
      continue;
    }
    if (FAILED(hr = read_variant(r, &targets[k]))) break;
    VARIANT& v = values[k];
    if (how[k] == arg_by_ref_variant) {
      v.vt = VT_BYREF | VT_VARIANT;
      v.pvarVal = &targets[k];
      continue;
    }
    const VARTYPE base = targets[k].vt;
    // A record by reference has no form a callee's Invoke could use here
    // (its VARIANT would need both pvRecord and pRecInfo).
    if (base == VT_EMPTY || base == VT_NULL || base == VT_RECORD) {
      hr = bad_stub_data;
      break;
    }
    v.vt = VT_BYREF | base;
    if (base == VT_DECIMAL) {
      std::memcpy(&decimals[k], &targets[k], sizeof(DECIMAL));
      decimals[k].wReserved = 0;
      v.pdecVal = &decimals[k];
    } else if (base == VT_BSTR) {
      v.pbstrVal = &targets[k].bstrVal;
    } else if (base == VT_UNKNOWN || base == VT_DISPATCH) {
      v.ppunkVal = &targets[k].punkVal;
    } else {
      v.byref = reinterpret_cast<unsigned char*>(&targets[k]) + 8;
    }
  }
  std::uint8_t want[3] = {};
  if (SUCCEEDED(hr) && (!r.u8(want[0]) || !r.u8(want[1]) || !r.u8(want[2]) || want[0] > 1 || want[1] > 1 ||
                        want[2] > 1 || r.left != 0))
    hr = bad_stub_data;
  if (FAILED(hr)) {
    clear();
    return hr;
  }
  DISPPARAMS params{count ? values.data() : nullptr, named_count ? named.data() : nullptr, count, named_count};
  VARIANT result;
  VariantInit(&result);
  EXCEPINFO excep{};
  UINT arg_err = 0;
  auto* target = reinterpret_cast<IDispatch*>(server);
  const HRESULT invoked = target->Invoke(static_cast<DISPID>(dispid), riid, lcid, flags, &params,
                                         want[0] ? &result : nullptr, want[1] ? &excep : nullptr,
                                         want[2] ? &arg_err : nullptr);
  if (invoked == DISP_E_EXCEPTION && excep.pfnDeferredFillIn) {
    excep.pfnDeferredFillIn(&excep);
    excep.pfnDeferredFillIn = nullptr;
  }
  writer w;
  try {
    marshal_encoding_scope encoding;  // the marshals in it are the caller's to claim (not Invoke's own)
    w.u32(static_cast<std::uint32_t>(invoked));
    if (want[0]) hr = write_variant(w, &result, dest);
    if (SUCCEEDED(hr) && want[1]) {
      w.u8(invoked == DISP_E_EXCEPTION ? 1 : 0);
      if (invoked == DISP_E_EXCEPTION) {
        w.u16(excep.wCode);
        w.u32(static_cast<std::uint32_t>(excep.scode));
        write_text(w, COMKIT_PS_BSTR, excep.bstrSource);
        write_text(w, COMKIT_PS_BSTR, excep.bstrDescription);
        write_text(w, COMKIT_PS_BSTR, excep.bstrHelpFile);
        w.u32(excep.dwHelpContext);
      }
    }
    if (SUCCEEDED(hr) && want[2]) w.u32(arg_err);
    for (std::uint32_t k = 0; SUCCEEDED(hr) && k < count; ++k) {
      if (how[k] == arg_by_ref_variant) {
        hr = write_variant(w, &targets[k], dest);
      } else if (how[k] == arg_by_ref) {
        VARIANT peek;
        hr = byref_peek(values[k], &peek) ? write_variant(w, &peek, dest) : DISP_E_BADVARTYPE;
      }
    }
  } catch (const std::bad_alloc&) {
    hr = E_OUTOFMEMORY;
  }
  VariantClear(&result);
  SysFreeString(excep.bstrSource);
  SysFreeString(excep.bstrDescription);
  SysFreeString(excep.bstrHelpFile);
  clear();
  if (FAILED(hr)) return hr;
  msg->cbBuffer = static_cast<ULONG>(w.b.size());
  if (FAILED(hr = ch->GetBuffer(msg, iid))) return hr;
  std::memcpy(msg->Buffer, w.b.data(), w.b.size());
  return S_OK;
}

void proxy_dispatch(ffi_cif*, void* ret, void** args, void* user) noexcept {
  auto* mr = static_cast<method_rt*>(user);
  proxy_face* face;
  std::memcpy(&face, args[0], sizeof face);
  std::uint64_t value = 0;
  HRESULT hr = E_NOTIMPL;
  if (mr->dispatch_invoke) {
    hr = invoke_proxy(face->self, mr->slot, args);
    value = static_cast<std::uint32_t>(hr);
  } else if (mr->remotable) {
    hr = proxy_call(face->self, *mr->m, mr->slot, args, &value);
  }
  const COMKIT_PS_PARAM& res = mr->m->result;
  if (res.kind == COMKIT_PS_VOID) return;
  // A transport failure is the result when the method returns an HRESULT
  // (a signed 4-byte integer); other results read 0.
  if (FAILED(hr)) value = (res.kind == COMKIT_PS_INT && res.size == 4 && res.is_signed) ? static_cast<std::uint32_t>(hr) : 0;
  if (res.kind == COMKIT_PS_FLOAT) {
    std::memcpy(ret, &value, res.size);  // the closure's return slot holds the float itself
    return;
  }
  const std::uint64_t widened = read_int(&value, res.size, res.is_signed);
  std::memcpy(ret, &widened, sizeof(ffi_arg));  // integers come back widened to ffi_arg
}

// ---- The stub -----------------------------------------------------------------------------------

class table_stub final : public counted_object<table_stub, IRpcStubBuffer, IID_IRpcStubBuffer> {
 public:
  explicit table_stub(const iface_rt* rt) : rt_(rt) {}
  ~table_stub() { Disconnect(); }

  HRESULT STDMETHODCALLTYPE Connect(IUnknown* unk) override {
    if (!unk) return E_INVALIDARG;
    if (server_) return E_UNEXPECTED;
    return unk->QueryInterface(*rt_->t->iid, reinterpret_cast<void**>(&server_));
  }
  void STDMETHODCALLTYPE Disconnect() override {
    if (server_) server_->Release();
    server_ = nullptr;
  }
  HRESULT STDMETHODCALLTYPE Invoke(RPCOLEMESSAGE* msg, IRpcChannelBuffer* ch) override;
  IRpcStubBuffer* STDMETHODCALLTYPE IsIIDSupported(REFIID riid) override {
    return IsEqualIID(riid, *rt_->t->iid) ? this : nullptr;
  }
  ULONG STDMETHODCALLTYPE CountRefs() override { return server_ ? 1 : 0; }
  HRESULT STDMETHODCALLTYPE DebugServerQueryInterface(void** ppv) override {
    if (!ppv) return E_POINTER;
    *ppv = server_;
    return server_ ? S_OK : E_UNEXPECTED;
  }
  void STDMETHODCALLTYPE DebugServerRelease(void*) override {}

 private:
  IUnknown* server_ = nullptr;
  const iface_rt* rt_;
};

// One call's decoded arguments: per parameter, the storage of its value
// (what a pointer parameter points at: a value, an array, or a
// callee-allocated array's pointer), the pointer to it, and the argument
// pointers ffi_call reads.
// A parameter's storage: zeroed bytes, inline when small (a value, a
// pointer), on the heap otherwise (an array).
class param_store {
 public:
  param_store() noexcept = default;
  param_store(const param_store&) = delete;
  param_store& operator=(const param_store&) = delete;
  void assign(std::size_t n, unsigned char zero) {
    if (n <= sizeof inline_) {
      std::memset(inline_, zero, n);
      p_ = inline_;
    } else {
      heap_.assign(n, zero);
      p_ = heap_.data();
    }
    size_ = n;
  }
  unsigned char* data() noexcept { return p_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  alignas(16) unsigned char inline_[16];
  std::vector<unsigned char> heap_;
  unsigned char* p_ = inline_;
  std::size_t size_ = 0;
};

// One call's decoded arguments: per parameter, the storage of its value
// (what a pointer parameter points at: a value, an array, or a
// callee-allocated array's pointer), the pointer to it, and the argument
// pointers ffi_call reads. Methods of up to 8 parameters need no heap.
struct stub_frame {
  static constexpr unsigned inline_params = 8;
  explicit stub_frame(unsigned n) {
    if (n > inline_params) {
      big_store = std::make_unique<param_store[]>(n);
      big_pointers = std::make_unique<void*[]>(n);
      big_present = std::make_unique<unsigned char[]>(n);
      big_counts = std::make_unique<std::uint32_t[]>(n);
      big_args = std::make_unique<void*[]>(n + 1);
      store = big_store.get();
      pointers = big_pointers.get();
      present = big_present.get();
      counts = big_counts.get();
      args = big_args.get();
    }
    for (unsigned i = 0; i < n; ++i) {
      pointers[i] = nullptr;
      present[i] = 0;
      counts[i] = 0;
      args[i + 1] = nullptr;
    }
    args[0] = nullptr;
  }
  param_store small_store[inline_params];
  void* small_pointers[inline_params];
  unsigned char small_present[inline_params];
  std::uint32_t small_counts[inline_params];
  void* small_args[inline_params + 1];
  std::unique_ptr<param_store[]> big_store;
  std::unique_ptr<void*[]> big_pointers, big_args;
  std::unique_ptr<unsigned char[]> big_present;
  std::unique_ptr<std::uint32_t[]> big_counts;
  param_store* store = small_store;
  void** pointers = small_pointers;
  unsigned char* present = small_present;
  std::uint32_t* counts = small_counts;
  void** args = small_args;
};

HRESULT decode_request(const COMKIT_PS_METHOD& m, reader& r, stub_frame& f) {
  return for_each_param(m, [&](unsigned i, const COMKIT_PS_PARAM& p) -> HRESULT {
    const bool in = p.flags & COMKIT_PS_IN;
    if (p.indirection == 1) {
      std::uint8_t present;
      if (!r.u8(present) || present > 1) return bad_stub_data;
      if (!present && !(p.flags & COMKIT_PS_UNIQUE)) return bad_stub_data;
      f.present[i] = present;
      f.args[i + 1] = &f.pointers[i];
      if (!present) return S_OK;
      if (p.flags & COMKIT_PS_ARRAY) {
        std::uint32_t count, length;
        if (!r.u32(count) || !r.u32(length) || length > count || static_cast<std::uint64_t>(count) * p.size > max_value_bytes)
          return bad_stub_data;
        // The count the callee sees is its own size parameter's: it must
        // be the one the array came with.
        std::uint32_t own = 0;
        if (FAILED(count_of(m, f.args, p.size_param, p.size_deref, own)) || own != count) return bad_stub_data;
        f.counts[i] = count;
        f.store[i].assign(std::size_t{count} * p.size + 1, 0);
        f.pointers[i] = f.store[i].data();
        return in ? read_elements(r, p, f.store[i].data(), length, iid_of(p, f.args)) : S_OK;
      }
      // A value behind the pointer, or a callee-allocated array's pointer.
      f.store[i].assign((p.flags & COMKIT_PS_ALLOCATED) ? sizeof(void*) : std::max<std::size_t>(value_size(p), 8), 0);
      f.pointers[i] = f.store[i].data();
    } else {
      f.store[i].assign(std::max<std::size_t>(value_size(p), 8), 0);
      f.args[i + 1] = f.store[i].data();
    }
    if (!in) return S_OK;
    return read_one(r, p, f.store[i].data(), iid_of(p, f.args));
  });
}

HRESULT encode_reply(const COMKIT_PS_METHOD& m, stub_frame& f, writer& w, DWORD dest) {
  return for_each_param(m, [&](unsigned i, const COMKIT_PS_PARAM& p) -> HRESULT {
    if (!(p.flags & COMKIT_PS_OUT) || !f.present[i]) return S_OK;
    const IID* iid = iid_of(p, f.args);
    if (p.flags & COMKIT_PS_ALLOCATED) {
      void* array = load_pointer(f.store[i].data());
      w.u8(array ? 1 : 0);
      if (!array) return S_OK;
      std::uint32_t n = 0;
      if (HRESULT hr = count_of(m, f.args, p.size_param, p.size_deref, n); FAILED(hr)) return hr;
      if (static_cast<std::uint64_t>(n) * p.size > max_value_bytes) return invalid_bound;
      f.counts[i] = n;
      w.u32(n);
      return write_elements(w, p, array, n, iid, dest);
    }
    if (p.flags & COMKIT_PS_ARRAY) {
      std::uint32_t length = f.counts[i];
      if (p.length_param >= 0) {
        if (HRESULT hr = count_of(m, f.args, p.length_param, p.length_deref, length, &f.counts[i]); FAILED(hr))
          return hr;
        if (length > f.counts[i]) return invalid_bound;
      }
      w.u32(length);
      return write_elements(w, p, f.store[i].data(), length, iid, dest);
    }
    return write_one(w, p, f.store[i].data(), iid, dest);
  });
}

// Frees every value the stub or the callee left in the frame.
void release_frame(const COMKIT_PS_METHOD& m, stub_frame& f) {
  for (unsigned i = 0; i < m.param_count; ++i) {
    const COMKIT_PS_PARAM& p = m.params[i];
    if (f.store[i].empty()) continue;
    if (p.flags & COMKIT_PS_ALLOCATED) {
      void* array = load_pointer(f.store[i].data());
      if (!array) continue;
      std::uint32_t n = f.counts[i];
      if (n == 0 && FAILED(count_of(m, f.args, p.size_param, p.size_deref, n))) n = 0;
      free_elements(p, array, n);
      CoTaskMemFree(array);
    } else if (p.flags & COMKIT_PS_ARRAY) {
      free_elements(p, f.store[i].data(), f.counts[i]);
    } else if (owns_memory(p)) {
      free_one(p, f.store[i].data());
    }
  }
}

HRESULT table_stub::Invoke(RPCOLEMESSAGE* msg, IRpcChannelBuffer* ch) {
  if (!msg || !ch) return E_INVALIDARG;
  if (!server_) return CO_E_OBJNOTCONNECTED;
  const ULONG slot = msg->iMethod;
  if (slot < 3 || slot >= rt_->t->slot_count) return RPC_E_INVALIDMETHOD;
  const method_rt& mr = rt_->methods[slot - 3];
  if (mr.dispatch_invoke) {
    try {
      return invoke_stub(server_, msg, ch, *rt_->t->iid);
    } catch (const std::bad_alloc&) {
      return E_OUTOFMEMORY;
    }
  }
  if (!mr.remotable) return RPC_E_INVALIDMETHOD;
  const COMKIT_PS_METHOD& m = *mr.m;
  DWORD dest = MSHCTX_INPROC;
  ch->GetDestCtx(&dest, nullptr);
  try {
    stub_frame f(m.param_count);
    f.args[0] = &server_;
    reader r{static_cast<const unsigned char*>(msg->Buffer), msg->cbBuffer};
    HRESULT hr = decode_request(m, r, f);
    if (SUCCEEDED(hr) && r.left != 0) hr = bad_stub_data;
    if (FAILED(hr)) {
      // What was decoded is freed; an OBJREF after the bad data keeps its
      // references until its object's apartment ends.
      release_frame(m, f);
      return hr;
    }
    void* const* vtbl = *reinterpret_cast<void* const* const*>(server_);
    std::uint64_t result = 0;
    ffi_call(const_cast<ffi_cif*>(&mr.cif), FFI_FN(vtbl[slot]), &result, f.args);
    writer w;
    {
      marshal_encoding_scope encoding;  // the marshals in it are the caller's to claim
      hr = encode_reply(m, f, w, dest);
    }
    if (SUCCEEDED(hr) && m.result.kind != COMKIT_PS_VOID) w.bytes(&result, m.result.size);
    release_frame(m, f);
    if (FAILED(hr)) return hr;
    msg->cbBuffer = static_cast<ULONG>(w.b.size());
    if (FAILED(hr = ch->GetBuffer(msg, *rt_->t->iid))) return hr;
    if (!w.b.empty()) std::memcpy(msg->Buffer, w.b.data(), w.b.size());
    return S_OK;
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  }
}

// ---- The factory ------------------------------------------------------------------------------

std::mutex g_rt_lock;
std::unordered_map<const COMKIT_PS_INTERFACE*, iface_rt*>* g_rts;  // never freed: proxies may outlive statics

// The runtime form of a table; null when there is none, it is [local], or
// it is unusable.
const iface_rt* runtime_for(const COMKIT_PS_INTERFACE* t) {
  if (!t || t->local) return nullptr;
  std::lock_guard g(g_rt_lock);
  if (!g_rts) g_rts = new std::unordered_map<const COMKIT_PS_INTERFACE*, iface_rt*>;
  auto it = g_rts->find(t);
  if (it != g_rts->end()) return it->second;
  iface_rt* rt = build(t);  // null on failure: tried again next time
  if (!rt) return nullptr;
  rt->vtbl[0] = reinterpret_cast<void*>(&face_query);
  rt->vtbl[1] = reinterpret_cast<void*>(&face_addref);
  rt->vtbl[2] = reinterpret_cast<void*>(&face_release);
  g_rts->emplace(t, rt);
  return rt;
}

// One factory per source of tables: the compiled ones (CLSID_PSFactoryBuffer)
// and those made from type information (PSOAInterface, PSDispatch).
class table_factory final : public IPSFactoryBuffer, public IClassFactory {
 public:
  using find_fn = const COMKIT_PS_INTERFACE* (*)(const IID&) noexcept;
  constexpr explicit table_factory(find_fn find) : find_(find) {}

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (!ppv) return E_POINTER;
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IPSFactoryBuffer)) {
      *ppv = static_cast<IPSFactoryBuffer*>(this);
    } else if (IsEqualIID(riid, IID_IClassFactory)) {
      *ppv = static_cast<IClassFactory*>(this);
    } else {
      *ppv = nullptr;
      return E_NOINTERFACE;
    }
    return S_OK;  // static: not counted
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }

  HRESULT STDMETHODCALLTYPE CreateProxy(IUnknown* outer, REFIID riid, IRpcProxyBuffer** proxy, void** ppv) override {
    if (proxy) *proxy = nullptr;
    if (ppv) *ppv = nullptr;
    if (!outer || !proxy || !ppv) return E_INVALIDARG;
    const iface_rt* rt = runtime_for(find_(riid));
    if (!rt) return E_NOINTERFACE;
    auto* p = new (std::nothrow) table_proxy(rt, outer);
    if (!p) return E_OUTOFMEMORY;
    *proxy = p;
    *ppv = p->face();
    outer->AddRef();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE CreateStub(REFIID riid, IUnknown* server, IRpcStubBuffer** stub) override {
    if (!stub) return E_INVALIDARG;
    *stub = nullptr;
    const iface_rt* rt = runtime_for(find_(riid));
    if (!rt) return E_NOINTERFACE;
    auto* s = new (std::nothrow) table_stub(rt);
    if (!s) return E_OUTOFMEMORY;
    if (server) {
      if (HRESULT hr = s->Connect(server); FAILED(hr)) {
        s->Release();
        return hr;
      }
    }
    *stub = s;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown*, REFIID, void** ppv) override {
    if (ppv) *ppv = nullptr;
    return CLASS_E_CLASSNOTAVAILABLE;
  }
  HRESULT STDMETHODCALLTYPE LockServer(BOOL) override { return S_OK; }

 private:
  find_fn find_;
};

table_factory g_factory{&compiled_proxy_table};
table_factory g_typelib_factory{&typelib_table};

}  // namespace

IClassFactory* standard_ps_class_factory() noexcept { return &g_factory; }
IClassFactory* typelib_ps_class_factory() noexcept { return &g_typelib_factory; }

const COMKIT_PS_INTERFACE* compiled_proxy_table(const IID& iid) noexcept {
  try {
    return table_for(iid);
  } catch (...) {
    return nullptr;
  }
}

bool has_proxy_table(const IID& iid) noexcept { return compiled_proxy_table(iid) != nullptr; }

void register_record_param(const COMKIT_PS_PARAM* param, IRecordInfo* info) noexcept {
  try {
    std::lock_guard g(g_record_lock);
    if (!g_records) g_records = new std::unordered_map<const COMKIT_PS_PARAM*, IRecordInfo*>;
    if (g_records->emplace(param, info).second) info->AddRef();
  } catch (...) {
    // Unregistered: the parameter's method is not carried (E_NOTIMPL).
  }
}

}  // namespace comkit::rt

using namespace comkit::rt;

extern "C" const CLSID CLSID_PSFactoryBuffer = {0x00000320, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};

HRESULT STDAPICALLTYPE ComkitRegisterProxyFile(const COMKIT_PS_FILE* file) {
  if (!file || file->version != COMKIT_PS_VERSION || (file->count && !file->interfaces)) return E_INVALIDARG;
  try {
    table_registry& r = registry();
    std::lock_guard g(r.lock);
    r.add(file);
    return S_OK;
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  }
}
