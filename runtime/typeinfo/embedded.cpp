// runtime/typeinfo/embedded.cpp - the comkit_typelib section and the ELF
// section headers that locate it (embedded.h has the format). Every
// offset read from the file is checked against it before use.
#include "embedded.h"

#include <algorithm>
#include <cstring>

namespace comkit::typelib {
namespace {

std::uint64_t read_le(std::span<const std::uint8_t> b, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v |= static_cast<std::uint64_t>(b[at + i]) << (8 * i);
  return v;
}

}  // namespace

std::optional<std::vector<embedded_entry>> embedded_entries(std::span<const std::uint8_t> section) {
  std::vector<embedded_entry> out;
  std::size_t at = 0;
  while (at < section.size()) {
    const std::size_t left = section.size() - at;
    if (left >= embedded_header_size && std::memcmp(section.data() + at, embedded_magic, sizeof embedded_magic) == 0) {
      const auto id = static_cast<std::uint32_t>(read_le(section, at + 8, 4));
      const auto size = static_cast<std::size_t>(read_le(section, at + 12, 4));
      if (size > left - embedded_header_size) return std::nullopt;
      out.push_back({id, section.subspan(at + embedded_header_size, size)});
      const std::size_t used = embedded_header_size + size;
      at += std::min(left, (used + embedded_alignment - 1) / embedded_alignment * embedded_alignment);
      continue;
    }
    // Padding the linker put between two objects' pieces: zero bytes up to
    // the next entry (or the end).
    const std::size_t block = std::min(left, embedded_alignment);
    if (std::any_of(section.begin() + static_cast<std::ptrdiff_t>(at), section.begin() + static_cast<std::ptrdiff_t>(at + block),
                    [](std::uint8_t b) { return b != 0; }))
      return std::nullopt;
    at += block;
  }
  return out;
}

bool looks_like_elf(std::span<const std::uint8_t> file) {
  return file.size() >= 16 && file[0] == 0x7F && file[1] == 'E' && file[2] == 'L' && file[3] == 'F';
}

std::optional<file_range> elf_section(std::uint64_t file_size, const read_at& read, std::string_view name) {
  std::uint8_t ident[64];
  if (file_size < 52 || !read(0, std::min<std::uint64_t>(file_size, 64), ident)) return std::nullopt;
  const std::span<const std::uint8_t> head(ident, static_cast<std::size_t>(std::min<std::uint64_t>(file_size, 64)));
  if (!looks_like_elf(head)) return std::nullopt;
  const bool wide = head[4] == 2;  // ELFCLASS64
  if ((head[4] != 1 && !wide) || head[5] != 1) return std::nullopt;  // ELFCLASS32/64, little-endian only
  if (head.size() < (wide ? 64u : 52u)) return std::nullopt;
  const std::size_t word = wide ? 8 : 4;
  const std::uint64_t shoff = read_le(head, wide ? 40 : 32, word);
  const std::uint64_t shentsize = read_le(head, wide ? 58 : 46, 2);
  std::uint64_t shnum = read_le(head, wide ? 60 : 48, 2);
  std::uint64_t shstrndx = read_le(head, wide ? 62 : 50, 2);
  const std::size_t entry = wide ? 64 : 40;
  if (shoff == 0 || shentsize < entry || shoff > file_size) return std::nullopt;
  std::uint8_t sh[64];
  const std::span<const std::uint8_t> header(sh, entry);
  // Reads section header `index` into sh.
  auto section = [&](std::uint64_t index) {
    if (index > (file_size - shoff) / shentsize) return false;
    const std::uint64_t at = shoff + index * shentsize;
    return at + entry <= file_size && read(at, entry, sh);
  };
  auto range_of = [&]() -> std::optional<file_range> {
    if (read_le(header, 4, 4) == 8) return std::nullopt;  // SHT_NOBITS: nothing in the file
    const std::uint64_t offset = read_le(header, wide ? 24 : 16, word);
    const std::uint64_t size = read_le(header, wide ? 32 : 20, word);
    if (offset > file_size || size > file_size - offset) return std::nullopt;
    return file_range{offset, size};
  };
  // More than 0xff00 sections: the real count and string table index sit
  // in section 0 (sh_size and sh_link).
  if (!section(0)) return std::nullopt;
  if (shnum == 0) shnum = read_le(header, wide ? 32 : 20, word);
  if (shstrndx == 0xFFFF) shstrndx = read_le(header, wide ? 40 : 24, 4);
  // Every header must lie in the file, and no real module has a million
  // sections: a crafted count cannot make the loop below run long.
  if (shnum > (file_size - shoff) / shentsize || shnum > (std::uint64_t{1} << 20)) return std::nullopt;
  if (shstrndx >= shnum || !section(shstrndx)) return std::nullopt;
  const auto strtab = range_of();
  if (!strtab) return std::nullopt;
  std::vector<char> wanted_name(name.size() + 1);
  for (std::uint64_t i = 1; i < shnum; ++i) {
    if (!section(i)) return std::nullopt;
    const std::uint64_t name_at = read_le(header, 0, 4);
    // The name must be exactly `name` followed by its NUL.
    if (name_at >= strtab->size || strtab->size - name_at < wanted_name.size()) continue;
    if (!read(strtab->offset + name_at, wanted_name.size(), reinterpret_cast<std::uint8_t*>(wanted_name.data()))) return std::nullopt;
    if (wanted_name.back() != '\0' || std::string_view(wanted_name.data(), name.size()) != name) continue;
    return range_of();
  }
  return std::nullopt;
}

std::optional<std::span<const std::uint8_t>> elf_section(std::span<const std::uint8_t> file, std::string_view name) {
  const auto range = elf_section(
      file.size(),
      [&](std::uint64_t at, std::size_t n, std::uint8_t* out) {
        if (at > file.size() || n > file.size() - at) return false;
        std::memcpy(out, file.data() + at, n);
        return true;
      },
      name);
  if (!range) return std::nullopt;
  return file.subspan(static_cast<std::size_t>(range->offset), static_cast<std::size_t>(range->size));
}

std::string embedded_entry_bytes(std::string_view image, std::uint32_t id) {
  std::string out(reinterpret_cast<const char*>(embedded_magic), sizeof embedded_magic);
  for (std::uint32_t v : {id, static_cast<std::uint32_t>(image.size())})
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
  out += image;
  out.append((embedded_alignment - out.size() % embedded_alignment) % embedded_alignment, '\0');
  return out;
}

}  // namespace comkit::typelib
