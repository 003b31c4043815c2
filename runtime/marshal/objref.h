// runtime/marshal/objref.h - the OBJREF: Windows' marshalled interface
// reference ([MS-DCOM] 2.2.18), encoded and decoded as bytes. The decoder
// takes untrusted input: every length is checked against what is left and
// against explicit limits; it never allocates more than the limits allow.
// Never installed.
//
// Layout (little-endian):
//   DWORD signature 'MEOW' (0x574F454D); DWORD flags (1 standard, 2
//   handler, 4 custom, 8 extended); IID iid; then
//   standard:  STDOBJREF {DWORD flags; DWORD cPublicRefs; OXID oxid (8);
//              OID oid (8); IPID ipid (16)} and a DUALSTRINGARRAY
//              {USHORT wNumEntries; USHORT wSecurityOffset;
//              USHORT aStringArray[wNumEntries]}
//   custom:    CLSID clsid; DWORD cbExtension; DWORD size; then cbExtension
//              bytes of extension and the unmarshaler's data.
#ifndef COMKIT_RUNTIME_MARSHAL_OBJREF_H
#define COMKIT_RUNTIME_MARSHAL_OBJREF_H

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <comkit/abi/marshal.h>

namespace comkit::rt {

inline constexpr DWORD objref_signature = 0x574F454D;  // "MEOW"
inline constexpr DWORD objref_standard = 1, objref_handler = 2, objref_custom = 4, objref_extended = 8;
inline constexpr DWORD sorf_noping = 0x1000;
/// comkit's own STDOBJREF flag: a table-weak marshal (a table-strong one has
/// no flag), so releasing marshal data gives back the right kind.
inline constexpr DWORD sorf_comkit_table_weak = 0x2000;
/// A DUALSTRINGARRAY longer than this is refused (Windows' own are a few
/// hundred entries at most).
inline constexpr std::size_t max_string_array = 0x4000;
/// A custom OBJREF's extension longer than this is refused.
inline constexpr DWORD max_custom_extension = 0x10000;
/// Public references a normal marshal hands out (Windows' number).
inline constexpr DWORD normal_public_refs = 5;

struct std_objref {
  DWORD flags = 0;
  DWORD public_refs = 0;
  std::uint64_t oxid = 0;
  std::uint64_t oid = 0;
  GUID ipid{};
};

struct objref_header {
  DWORD flags = 0;
  IID iid{};
};

/// The fixed part: signature, flags, IID (24 bytes).
inline constexpr std::size_t objref_header_size = 24;
inline constexpr std::size_t std_objref_size = 40;
/// The custom form's fields after the header: CLSID, cbExtension, size.
inline constexpr std::size_t custom_fields_size = 24;

void objref_put_header(std::vector<std::byte>& out, const objref_header& h);
/// A whole standard OBJREF, with an empty string array.
void objref_put_standard(std::vector<std::byte>& out, const IID& iid, const std_objref& s);
std::size_t objref_standard_size() noexcept;

/// S_OK, RPC_E_INVALID_OBJREF for a bad signature or unknown flags, or
/// STG_E_READFAULT when the bytes end early. `in` advances past what was read.
HRESULT objref_get_header(std::span<const std::byte>& in, objref_header* out) noexcept;
/// The standard part after the header (STDOBJREF and string array).
HRESULT objref_get_standard(std::span<const std::byte>& in, std_objref* out) noexcept;
/// The custom part after the header: the CLSID and the data's declared
/// size; the extension is skipped.
HRESULT objref_get_custom(std::span<const std::byte>& in, CLSID* clsid, DWORD* size) noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_MARSHAL_OBJREF_H
