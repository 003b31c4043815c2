// runtime/marshal/objref.cpp - OBJREF bytes (objref.h has the layout).
#include "marshal/objref.h"

#include <bit>
#include <cstring>

namespace comkit::rt {
namespace {

template <typename T>
void put(std::vector<std::byte>& out, T value) {
  // Every field is little-endian, as is every platform comkit runs on.
  static_assert(std::endian::native == std::endian::little);
  const auto* p = reinterpret_cast<const std::byte*>(&value);
  out.insert(out.end(), p, p + sizeof value);
}

// A GUID's wire form is its little-endian in-memory layout.
static_assert(sizeof(GUID) == 16);
void put_guid(std::vector<std::byte>& out, const GUID& g) {
  const auto* p = reinterpret_cast<const std::byte*>(&g);
  out.insert(out.end(), p, p + sizeof g);
}

// Fields written into a fixed buffer, then appended at once (a marshal is
// on the hot path: one vector insert instead of a dozen).
struct field_writer {
  std::byte* at;
  template <typename T>
  void operator()(const T& value) noexcept {
    std::memcpy(at, &value, sizeof value);
    at += sizeof value;
  }
};

template <typename T>
bool get(std::span<const std::byte>& in, T* value) noexcept {
  if (in.size() < sizeof(T)) return false;
  std::memcpy(value, in.data(), sizeof(T));
  in = in.subspan(sizeof(T));
  return true;
}

bool get_guid(std::span<const std::byte>& in, GUID* g) noexcept {
  return get(in, &g->Data1) && get(in, &g->Data2) && get(in, &g->Data3) && get(in, &g->Data4);
}

}  // namespace

void objref_put_header(std::vector<std::byte>& out, const objref_header& h) {
  put(out, objref_signature);
  put(out, h.flags);
  put_guid(out, h.iid);
}

std::size_t objref_standard_size() noexcept { return objref_header_size + std_objref_size + 8; }

void objref_put_standard(std::vector<std::byte>& out, const IID& iid, const std_objref& s) {
  std::byte bytes[objref_header_size + std_objref_size + 8];
  field_writer w{bytes};
  w(objref_signature);
  w(static_cast<decltype(objref_header::flags)>(objref_standard));
  w(iid);
  w(s.flags);
  w(s.public_refs);
  w(s.oxid);
  w(s.oid);
  w(s.ipid);
  // An empty DUALSTRINGARRAY: no string bindings, no security bindings,
  // each list ended by its 0.
  w(USHORT{2});
  w(USHORT{1});
  w(USHORT{0});
  w(USHORT{0});
  out.insert(out.end(), bytes, w.at);
}

HRESULT objref_get_header(std::span<const std::byte>& in, objref_header* out) noexcept {
  DWORD signature = 0;
  if (!get(in, &signature)) return STG_E_READFAULT;
  if (signature != objref_signature) return RPC_E_INVALID_OBJREF;
  if (!get(in, &out->flags) || !get_guid(in, &out->iid)) return STG_E_READFAULT;
  switch (out->flags) {
    case objref_standard:
    case objref_custom:
      return S_OK;
    default:  // handler and extended forms are not produced by comkit, nor read yet
      return RPC_E_INVALID_OBJREF;
  }
}

HRESULT objref_get_standard(std::span<const std::byte>& in, std_objref* out) noexcept {
  if (!get(in, &out->flags) || !get(in, &out->public_refs) || !get(in, &out->oxid) || !get(in, &out->oid) ||
      !get_guid(in, &out->ipid))
    return STG_E_READFAULT;
  USHORT entries = 0, security_offset = 0;
  if (!get(in, &entries) || !get(in, &security_offset)) return STG_E_READFAULT;
  if (entries > max_string_array || security_offset > entries) return RPC_E_INVALID_OBJREF;
  if (in.size() < std::size_t{entries} * 2) return STG_E_READFAULT;
  in = in.subspan(std::size_t{entries} * 2);
  return S_OK;
}

HRESULT objref_get_custom(std::span<const std::byte>& in, CLSID* clsid, DWORD* size) noexcept {
  DWORD extension = 0;
  if (!get_guid(in, clsid) || !get(in, &extension) || !get(in, size)) return STG_E_READFAULT;
  if (in.size() < extension) return STG_E_READFAULT;
  in = in.subspan(extension);
  return S_OK;
}

}  // namespace comkit::rt
