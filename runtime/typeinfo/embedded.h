// runtime/typeinfo/embedded.h - type libraries embedded in ELF modules, the
// comkit counterpart of a Windows module's TYPELIB resources
// (docs/typelib.md, "Embedded type libraries").
//
// A module carries its type libraries in an allocated section named
// `comkit_typelib` (a C identifier, so the linker defines
// __start_comkit_typelib and __stop_comkit_typelib for the code of that
// module). The section is a sequence of entries, each starting on a 16-byte
// boundary:
//
//   offset 0   8 bytes  magic "CKTLB\x01\0\0"
//          8   u32 LE   the entry's id (Windows' resource id: 1 unless chosen)
//         12   u32 LE   size of the image
//         16   size     the MSFT image
//              ...      zero padding to the next 16-byte boundary
//
// The linker concatenates the entries of every object that defines one and
// may put zero bytes between them (each object's piece is 16-aligned); a
// reader skips zero 16-byte blocks. The compiler writes one entry per
// FILE_tlb.c (`comkit idl --embed-tlb`); LoadTypeLib finds them in a file by
// its section headers, the projection in memory by the linker's symbols.
#ifndef COMKIT_RUNTIME_TYPEINFO_EMBEDDED_H
#define COMKIT_RUNTIME_TYPEINFO_EMBEDDED_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace comkit::typelib {

inline constexpr char embedded_section[] = "comkit_typelib";
inline constexpr std::uint8_t embedded_magic[8] = {'C', 'K', 'T', 'L', 'B', 1, 0, 0};
inline constexpr std::size_t embedded_header_size = 16;
inline constexpr std::size_t embedded_alignment = 16;

struct embedded_entry {
  std::uint32_t id = 0;
  std::span<const std::uint8_t> image;
};

/// The entries of a comkit_typelib section, in order; nullopt when the
/// section is malformed (an entry running past the end, bytes that are
/// neither an entry nor padding).
std::optional<std::vector<embedded_entry>> embedded_entries(std::span<const std::uint8_t> section);

struct file_range {
  std::uint64_t offset = 0, size = 0;
};
/// Reads n bytes at offset `at` into out; false when it cannot.
using read_at = std::function<bool(std::uint64_t at, std::size_t n, std::uint8_t* out)>;

/// Where the section called `name` of an ELF file (32- or 64-bit,
/// little-endian) of `file_size` bytes lies, reading only its header,
/// section headers and names through `read`; nullopt when it is not such a
/// file, has no section of that name, or its headers point outside it.
std::optional<file_range> elf_section(std::uint64_t file_size, const read_at& read, std::string_view name);
/// The same over a file held in memory: the section's bytes.
std::optional<std::span<const std::uint8_t>> elf_section(std::span<const std::uint8_t> file, std::string_view name);

/// True when `file` starts like an ELF file.
bool looks_like_elf(std::span<const std::uint8_t> file);

/// The entry for `image` with id `id` as the compiler embeds it: header,
/// image, padding.
std::string embedded_entry_bytes(std::string_view image, std::uint32_t id);

}  // namespace comkit::typelib

#endif  // COMKIT_RUNTIME_TYPEINFO_EMBEDDED_H
