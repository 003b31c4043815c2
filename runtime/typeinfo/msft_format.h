// runtime/typeinfo/msft_format.h - constants of the MSFT type library format
// shared by its writer and its reader (docs/typelib.md describes the
// layout they name).
#ifndef COMKIT_RUNTIME_TYPEINFO_MSFT_FORMAT_H
#define COMKIT_RUNTIME_TYPEINFO_MSFT_FORMAT_H

#include <comkit/abi/guid.h>

#include <cstdint>

namespace comkit::typelib::msft {

constexpr std::uint32_t magic1 = 0x5446534D;  // "MSFT"
constexpr std::int32_t magic2 = 0x00010002;
constexpr std::int32_t header_size = 0x54;
constexpr std::int32_t typeinfo_size = 0x64;  // one TypeInfoTab record
constexpr std::int32_t impinfo_size = 12;
constexpr std::int32_t segment_count = 15;
constexpr std::uint8_t pad_byte = 0x57;       // 'W', between entries
constexpr int guid_buckets = 32;
constexpr int name_buckets = 128;

// The header's varflags: SYSKIND in bits 0-3, then these.
constexpr std::int32_t varflags_helpfile = 0x10;
constexpr std::int32_t varflags_always = 0x40;
constexpr std::int32_t varflags_helpstringdll = 0x100;

// The segment directory, in directory order.
enum segment : int {
  seg_typeinfo, seg_impinfo, seg_impfiles, seg_ref, seg_guidhash, seg_guid, seg_namehash,
  seg_name, seg_string, seg_typedesc, seg_arraydesc, seg_custdata, seg_cdguids,
};

constexpr std::uint8_t name_type_flag = 0x38;        // a name entry's flag byte for a type's name
constexpr std::uint32_t inline_max = 0x3FFFFFF;       // the largest value stored inline (26 bits)
constexpr std::int32_t impinfo_by_guid = 0x10000;     // ImpInfo: oGuid is a GUID offset, not an index

constexpr GUID iid_dispatch = {0x00020400, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
constexpr GUID iid_unknown = {0x00000000, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};

/// The GUID hash bucket: the XOR of the GUID's eight 16-bit words.
inline unsigned guid_hash_key(const GUID& g) {
  const auto* b = reinterpret_cast<const std::uint8_t*>(&g);
  unsigned h = 0;
  for (int i = 0; i < 16; i += 2) h ^= static_cast<unsigned>(b[i] | (b[i + 1] << 8));
  return h & (guid_buckets - 1);
}

}  // namespace comkit::typelib::msft

#endif  // COMKIT_RUNTIME_TYPEINFO_MSFT_FORMAT_H
