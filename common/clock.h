// common/clock.h - the monotonic clock libcomkit's subsystems share (unload
// delays, registry revalidation). Header-only; never installed.
#ifndef COMKIT_COMMON_CLOCK_H
#define COMKIT_COMMON_CLOCK_H

#include <time.h>

namespace comkit::common {

/// Nanoseconds of CLOCK_MONOTONIC (CLOCK_MONOTONIC_COARSE with `coarse`:
/// a few ms of resolution, no system call on hot paths).
inline long long monotonic_ns(bool coarse = false) noexcept {
  timespec ts;
  clock_gettime(coarse ? CLOCK_MONOTONIC_COARSE : CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace comkit::common

#endif  // COMKIT_COMMON_CLOCK_H
