// comkit/detail/sha1.h - a constexpr SHA-1 (FIPS 180-4), used only to derive
// name-based (version 5) GUIDs: at run time by ComkitGuidFromName and at
// compile time by the projection. Not a security primitive. Not for users.
#ifndef COMKIT_DETAIL_SHA1_H
#define COMKIT_DETAIL_SHA1_H

#include <array>
#include <cstddef>
#include <cstdint>

namespace comkit::detail {

/// Incremental SHA-1; feed bytes with update(), then finish() once.
class sha1 {
 public:
  constexpr void update(const std::uint8_t* data, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
      m_block[m_used++] = data[i];
      if (m_used == 64) {
        compress();
        m_used = 0;
      }
    }
    m_total += n;
  }

  constexpr std::array<std::uint8_t, 20> finish() noexcept {
    const std::uint64_t bits = m_total * 8;
    const std::uint8_t one = 0x80;
    update(&one, 1);
    const std::uint8_t zero = 0;
    while (m_used != 56) update(&zero, 1);
    for (int i = 7; i >= 0; --i) {
      const auto b = static_cast<std::uint8_t>(bits >> (8 * i));
      update(&b, 1);
    }
    std::array<std::uint8_t, 20> out{};
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<std::uint8_t>(m_h[i] >> (24 - 8 * j));
    return out;
  }

 private:
  static constexpr std::uint32_t rotl(std::uint32_t x, int n) noexcept { return (x << n) | (x >> (32 - n)); }

  constexpr void compress() noexcept {
    std::uint32_t w[80] = {};
    for (int i = 0; i < 16; ++i)
      w[i] = (std::uint32_t{m_block[4 * i]} << 24) | (std::uint32_t{m_block[4 * i + 1]} << 16) |
             (std::uint32_t{m_block[4 * i + 2]} << 8) | std::uint32_t{m_block[4 * i + 3]};
    for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    std::uint32_t a = m_h[0], b = m_h[1], c = m_h[2], d = m_h[3], e = m_h[4];
    for (int i = 0; i < 80; ++i) {
      std::uint32_t f = 0, k = 0;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6;
      }
      const std::uint32_t t = rotl(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = t;
    }
    m_h[0] += a;
    m_h[1] += b;
    m_h[2] += c;
    m_h[3] += d;
    m_h[4] += e;
  }

  std::uint32_t m_h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::uint8_t m_block[64] = {};
  std::size_t m_used = 0;
  std::uint64_t m_total = 0;
};

}  // namespace comkit::detail

#endif  // COMKIT_DETAIL_SHA1_H
