// tests/typeinfo/msft_image.h - finding a spot in an MSFT image, for tests
// that damage one on purpose.
#ifndef COMKIT_TESTS_TYPEINFO_MSFT_IMAGE_H
#define COMKIT_TESTS_TYPEINFO_MSFT_IMAGE_H

#include <cstdint>
#include <cstring>
#include <vector>

namespace comkit::test {

/// The image offset of type `index`'s first function record, found from
/// the header and the segment directory (docs/typelib.md). The image must
/// be a good one and the type must have members.
inline std::size_t first_function_at(const std::vector<std::uint8_t>& image, std::uint32_t index) {
  auto i32 = [&](std::size_t at) {
    std::int32_t v;
    std::memcpy(&v, image.data() + at, 4);
    return v;
  };
  const std::int32_t ntypes = i32(0x20);
  const std::size_t directory = 0x54 + ((i32(0x14) & 0x100) ? 4 : 0) + 4 * static_cast<std::size_t>(ntypes);
  const auto typeinfo = static_cast<std::size_t>(i32(directory));  // segment 0: the type info records
  const auto block = static_cast<std::size_t>(i32(typeinfo + 0x64 * index + 4));
  return block + 4;  // after the block's length
}

}  // namespace comkit::test

#endif  // COMKIT_TESTS_TYPEINFO_MSFT_IMAGE_H
