// runtime/typeinfo/lhash.cpp - LHashValOfNameSysA, the name hash stored in
// type libraries (and used by ITypeLib::IsName/FindName and ITypeComp).
//
// The high word names the character table chosen by the lcid's primary
// language (plus 1 for SYS_MAC); the low word is a multiplicative hash of
// the name's bytes through that table, modulo 65599. The tables fold case
// and accents, so the hash is case-insensitive as type library look-ups
// are.
#include "typelib_data.h"

namespace comkit::typelib {
namespace {

#include "lhash_tables.inc"

// The table number for an lcid's primary language.
unsigned table_id(LCID lcid) {
  const unsigned language = lcid & 0x3FF;
  switch (language) {
    case 0x05: case 0x0E: case 0x15: case 0x1B: case 0x0A:  // Czech, Hungarian, Polish, Slovak, Spanish
      return 32;
    case 0x0D: return 48;   // Hebrew
    case 0x11: return 64;   // Japanese
    case 0x12: return 80;   // Korean
    case 0x04: return 112;  // Chinese
    case 0x08: return 128;  // Greek
    case 0x0F: return 144;  // Icelandic
    case 0x1F: return 160;  // Turkish
    case 0x14: return ((lcid >> 10) & 0x3F) == 2 ? 176 : 16;  // Norwegian: Nynorsk has its own
    case 0x01: case 0x29: return 208;  // Arabic, Farsi
    case 0x19: return 224;  // Russian
    default: return 16;
  }
}

}  // namespace

ULONG lhash_name(SYSKIND syskind, LCID lcid, const char* name) {
  if (!name) return 0;
  const unsigned id = table_id(lcid);
  int t = 0;
  while (t < lhash_table_count && lhash_table_ids[t] != id) ++t;
  const unsigned char* table = lhash_tables[t];
  const bool mac = syskind == SYS_MAC;
  std::uint32_t acc = 0x0DEADBEE;
  for (const unsigned char* p = reinterpret_cast<const unsigned char*>(name); *p; ++p) {
    const unsigned index = mac && *p > 0x7F ? *p + 0x80u : *p;
    acc = acc * 37 + table[index];
  }
  const ULONG low = (acc % 65599) & 0xFFFF;
  return ((id | (mac ? 1u : 0u)) << 16) | low;
}

}  // namespace comkit::typelib
