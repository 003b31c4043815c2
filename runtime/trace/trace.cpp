// runtime/trace/trace.cpp - the diagnostics channels (trace_internal.h).
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "trace/trace_internal.h"

namespace comkit::rt {
namespace {

const char* level_name(trace_level l) noexcept {
  switch (l) {
    case trace_level::err: return "err";
    case trace_level::warn: return "warn";
    case trace_level::fixme: return "fixme";
    case trace_level::trace: break;
  }
  return "trace";
}

// COMKIT_DEBUG: comma-separated "+channel", "-channel", "+all", "-warn".
bool debug_has(const char* token) noexcept {
  const char* env = std::getenv("COMKIT_DEBUG");
  if (!env) return false;
  const std::size_t n = std::strlen(token);
  for (const char* p = env; (p = std::strstr(p, token)) != nullptr; p += n)
    if ((p == env || p[-1] == ',') && (p[n] == 0 || p[n] == ',')) return true;
  return false;
}

}  // namespace

bool trace_enabled(trace_level level, const char* channel) noexcept {
  if (level == trace_level::trace) {
    char plus[64];
    std::snprintf(plus, sizeof plus, "+%s", channel);
    return debug_has("+all") || debug_has(plus);
  }
  return !debug_has("-warn");
}

void trace_print(trace_level level, const char* channel, const char* fmt, ...) noexcept {
  static std::mutex lock;  // one line at a time
  char line[1024];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(line, sizeof line, fmt, args);
  va_end(args);
  std::lock_guard<std::mutex> guard(lock);
  std::fprintf(stderr, "comkit:%s:%s: %s\n", channel, level_name(level), line);
}

}  // namespace comkit::rt
