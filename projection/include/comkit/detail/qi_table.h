// comkit/detail/qi_table.h - the compile-time QueryInterface table of
// implements<>. Not for users; docs/projection.md explains the design.
//
// An object's table maps every IID it answers to a small "target" number
// (which interface pointer to hand out). It is a perfect hash built at compile
// time: the IID's two 64-bit halves are xor'ed, multiplied by a constant and
// shifted to index a power-of-two array of buckets; the constant is searched
// at compile time until every IID of the class lands in its own bucket. A
// lookup is then two loads of the IID, one multiply, one bucket load and a
// 16-byte compare, hit or miss, however many interfaces the class has.
#ifndef COMKIT_DETAIL_QI_TABLE_H
#define COMKIT_DETAIL_QI_TABLE_H

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <comkit/abi/guid.h>

namespace comkit::detail {

inline constexpr std::uint8_t qi_miss = 0xFF;

struct qi_entry {
  GUID iid;
  std::uint8_t target;
};

struct qi_bucket {
  std::uint64_t lo = 0, hi = 0;    // the IID as two little-endian 64-bit halves
  std::uint8_t target = qi_miss;  // qi_miss: empty (an empty bucket holds GUID_NULL, which never matches)
};

/// Buckets for n IIDs: a power of two, at least 4n, so a collision-free
/// multiplier turns up within a few tries.
constexpr std::size_t qi_bucket_count(std::size_t n) noexcept { return std::bit_ceil(n < 2 ? std::size_t{8} : 4 * n); }

template <std::size_t Buckets>
struct qi_table {
  std::uint64_t multiplier = 0;
  std::array<qi_bucket, Buckets> buckets{};

  static constexpr int shift = 64 - std::countr_zero(Buckets);

  /// The target for riid, or qi_miss.
  std::uint8_t find(const GUID& riid) const noexcept {
    std::uint64_t lo, hi;
    std::memcpy(&lo, &riid, 8);
    std::memcpy(&hi, reinterpret_cast<const char*>(&riid) + 8, 8);  // ABI: GUID is 16 plain bytes
    const qi_bucket& b = buckets[((lo ^ hi) * multiplier) >> shift];
    return (b.lo == lo && b.hi == hi) ? b.target : qi_miss;
  }
};

constexpr std::array<std::uint64_t, 2> iid_halves(const GUID& g) noexcept {
  return std::bit_cast<std::array<std::uint64_t, 2>>(g);
}

inline void no_perfect_hash_found_for_this_classs_iids() noexcept {}

/// Builds the table for the first n of `entries` (distinct IIDs). Fails to
/// compile if no multiplier separates them, which does not happen for any
/// set of real IIDs tried, but is reported rather than mis-answered.
template <std::size_t Buckets, std::size_t Max>
constexpr qi_table<Buckets> make_qi_table(const std::array<qi_entry, Max>& entries, std::size_t n) {
  constexpr int shift = qi_table<Buckets>::shift;
  for (std::uint64_t attempt = 0; attempt < 100000; ++attempt) {
    const std::uint64_t multiplier = 0x9E3779B97F4A7C15ull + attempt * 0xD1B54A32D192ED04ull;  // stays odd
    std::array<bool, Buckets> used{};
    bool ok = true;
    for (std::size_t i = 0; i < n && ok; ++i) {
      const auto h = iid_halves(entries[i].iid);
      const std::size_t b = ((h[0] ^ h[1]) * multiplier) >> shift;
      ok = !used[b];
      used[b] = true;
    }
    if (!ok) continue;
    qi_table<Buckets> t;
    t.multiplier = multiplier;
    for (std::size_t i = 0; i < n; ++i) {
      const auto h = iid_halves(entries[i].iid);
      qi_bucket& b = t.buckets[((h[0] ^ h[1]) * multiplier) >> shift];
      b.lo = h[0];
      b.hi = h[1];
      b.target = entries[i].target;
    }
    return t;
  }
  no_perfect_hash_found_for_this_classs_iids();  // not constexpr: a compile error
  return {};
}

}  // namespace comkit::detail

#endif  // COMKIT_DETAIL_QI_TABLE_H
