// runtime/trace/trace_internal.h - libcomkit's diagnostics, by channel
// ("registry", "activation" ...) and level. Errors and warnings go to stderr
// unless COMKIT_DEBUG says "-warn"; traces only when COMKIT_DEBUG names their
// channel ("+registry") or "+all". fixme marks a known gap. Never installed.
#ifndef COMKIT_RUNTIME_TRACE_INTERNAL_H
#define COMKIT_RUNTIME_TRACE_INTERNAL_H

namespace comkit::rt {

enum class trace_level { err, warn, fixme, trace };

bool trace_enabled(trace_level level, const char* channel) noexcept;
[[gnu::format(printf, 3, 4)]] void trace_print(trace_level level, const char* channel, const char* fmt, ...) noexcept;

}  // namespace comkit::rt

#define COMKIT_IMPL_TRACE(level, channel, ...)                                    \
  do {                                                                            \
    if (::comkit::rt::trace_enabled(::comkit::rt::trace_level::level, channel))   \
      ::comkit::rt::trace_print(::comkit::rt::trace_level::level, channel, __VA_ARGS__); \
  } while (0)
#define COMKIT_WARN(channel, ...) COMKIT_IMPL_TRACE(warn, channel, __VA_ARGS__)
#define COMKIT_TRACE(channel, ...) COMKIT_IMPL_TRACE(trace, channel, __VA_ARGS__)
#define COMKIT_FIXME(channel, ...) COMKIT_IMPL_TRACE(fixme, channel, __VA_ARGS__)

#endif
