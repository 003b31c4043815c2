// comkit/detail/meta.h - the few type-list tools implements<> needs: lists,
// filtering, membership, concatenation and the interface closure (each
// interface with its base chain). Not for users.
#ifndef COMKIT_DETAIL_META_H
#define COMKIT_DETAIL_META_H

#include <cstddef>
#include <type_traits>

#include <comkit/abi/iid.h>

namespace comkit::detail {

template <typename... Ts>
struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

template <typename L, typename T>
struct push_back;
template <typename... Ts, typename T>
struct push_back<type_list<Ts...>, T> {
  using type = type_list<Ts..., T>;
};

template <typename L, typename T>
inline constexpr bool contains_v = false;
template <typename... Ts, typename T>
inline constexpr bool contains_v<type_list<Ts...>, T> = (std::is_same_v<Ts, T> || ...);

/// Keeps the types of Ts for which Pred<T>::value holds, in order.
template <template <typename> class Pred, typename Acc, typename... Ts>
struct filter_impl {
  using type = Acc;
};
template <template <typename> class Pred, typename Acc, typename T, typename... Ts>
struct filter_impl<Pred, Acc, T, Ts...>
    : filter_impl<Pred, std::conditional_t<Pred<T>::value, typename push_back<Acc, T>::type, Acc>, Ts...> {};
template <template <typename> class Pred, typename... Ts>
using filter_t = typename filter_impl<Pred, type_list<>, Ts...>::type;

/// First type of a non-empty list.
template <typename L>
struct front;
template <typename T, typename... Ts>
struct front<type_list<T, Ts...>> {
  using type = T;
};

/// Index of T in the list; a compile error when absent.
template <typename L, typename T>
struct index_of;
template <typename T, typename... Ts>
struct index_of<type_list<T, Ts...>, T> : std::integral_constant<std::size_t, 0> {};
template <typename U, typename... Ts, typename T>
struct index_of<type_list<U, Ts...>, T> : std::integral_constant<std::size_t, 1 + index_of<type_list<Ts...>, T>::value> {};

/// Interface I and its bases up to, not including, IUnknown: I, base of I, ...
template <typename I, typename Acc = type_list<>>
struct base_chain {
  using next = base_interface_t<I>;
  using type = typename std::conditional_t<std::is_same_v<next, IUnknown> || std::is_void_v<next>,
                                           std::type_identity<typename push_back<Acc, I>::type>,
                                           base_chain<next, typename push_back<Acc, I>::type>>::type;
};

/// Duplicate-free check of a parameter pack.
template <typename... Ts>
inline constexpr bool all_distinct_v = true;
template <typename T, typename... Ts>
inline constexpr bool all_distinct_v<T, Ts...> = (!std::is_same_v<T, Ts> && ...) && all_distinct_v<Ts...>;

}  // namespace comkit::detail

#endif  // COMKIT_DETAIL_META_H
