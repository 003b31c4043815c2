// comkit/detail/type_name.h - a type's name as a compile-time string (from
// the compiler's pretty function name; no RTTI), used to derive the private
// IID by which get_self's checked form recognises an implementation type.
// Not for users.
#ifndef COMKIT_DETAIL_TYPE_NAME_H
#define COMKIT_DETAIL_TYPE_NAME_H

#include <string_view>

namespace comkit::detail {

template <typename T>
constexpr std::string_view type_name() noexcept {
  // GCC: "... type_name() [with T = ns::widget; std::string_view = ...]"
  // Clang: "... type_name() [T = ns::widget]"
  constexpr std::string_view f = __PRETTY_FUNCTION__;
  constexpr std::size_t start = f.find("T = ") + 4;
  constexpr std::size_t end = f.find_first_of(";]", start);
  return f.substr(start, end - start);
}

}  // namespace comkit::detail

#endif  // COMKIT_DETAIL_TYPE_NAME_H
