// common/atomic_file.h - writing a whole file so that readers see the old
// contents or the new, never a part: shared by the IDL compiler (its outputs)
// and the runtime (registry manifests). Header-only, POSIX; never installed.
#ifndef COMKIT_COMMON_ATOMIC_FILE_H
#define COMKIT_COMMON_ATOMIC_FILE_H

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>

namespace comkit::common {

/// Writes `text` to `path` through a unique temporary file in the same
/// folder and a rename. The file gets mode 0644 (mkstemp makes 0600, which
/// is widened; the umask does not apply). With `durable`, the
/// data reaches the disk before the rename. Returns 0, or the errno of the
/// step that failed (the temporary file is removed then).
inline int write_file_atomically(const std::string& path, std::string_view text, bool durable) {
  std::string tmp = path + ".XXXXXX";
  const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return errno;
  auto fail = [&](int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return err;
  };
  if (::fchmod(fd, 0644) != 0) return fail(errno);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno);
    }
    done += static_cast<std::size_t>(n);
  }
  if (durable && ::fsync(fd) != 0) return fail(errno);
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return err;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return err;
  }
  return 0;
}

}  // namespace comkit::common

#endif  // COMKIT_COMMON_ATOMIC_FILE_H
