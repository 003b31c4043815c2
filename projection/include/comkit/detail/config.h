// comkit/detail/config.h - what the projection adapts to: exceptions on or
// off. Not for users.
#ifndef COMKIT_DETAIL_CONFIG_H
#define COMKIT_DETAIL_CONFIG_H

/// 1 when the translation unit has C++ exceptions (the throwing projection),
/// 0 under -fno-exceptions (the result<T> projection).
#if defined(__cpp_exceptions) && __cpp_exceptions
#define COMKIT_HAS_EXCEPTIONS 1
#else
#define COMKIT_HAS_EXCEPTIONS 0
#endif

#endif  // COMKIT_DETAIL_CONFIG_H
