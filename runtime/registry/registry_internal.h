// runtime/registry/registry_internal.h - the class registry as the rest of
// libcomkit sees it: an immutable snapshot of every manifest, replaced when
// the files change. Never installed; docs/activation.md describes the files.
#ifndef COMKIT_RUNTIME_REGISTRY_INTERNAL_H
#define COMKIT_RUNTIME_REGISTRY_INTERNAL_H

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <comkit/guid.h>

namespace comkit::rt {

struct registered_class {
  GUID clsid{};
  std::string progid;
  std::string vi_progid;
  std::string threading_model;
  std::string description;
  std::string server_path;
  std::string manifest_path;
};

/// Every class of every readable manifest, first directory first. Immutable
/// once published; never freed while the process runs, so a pointer to one
/// stays valid without locking.
class registry_snapshot {
 public:
  const registered_class* find(const GUID& clsid) const noexcept;
  /// By ProgID or version-independent ProgID, case-insensitively (ASCII).
  const registered_class* find_progid(std::string_view progid) const noexcept;
  const std::vector<registered_class>& classes() const noexcept { return m_classes; }
  std::uint64_t generation() const noexcept { return m_generation; }
  /// How many registry_invalidate calls had happened before it was read.
  std::uint64_t built_after() const noexcept { return m_built_after; }

 private:
  friend struct registry_loader;
  std::vector<registered_class> m_classes;
  std::unordered_map<GUID, std::size_t> m_by_clsid;
  std::unordered_map<std::string, std::size_t> m_by_progid;
  std::uint64_t m_generation = 0;
  std::uint64_t m_built_after = 0;
};

/// The current snapshot, re-read first when the files may have changed (at
/// most every 200 ms, or after registry_invalidate).
const registry_snapshot& registry_current() noexcept;
void registry_invalidate() noexcept;

/// The directories searched, in order.
std::vector<std::string> registry_search_path();

/// Lower-cases ASCII letters (ProgIDs compare like registry keys do).
std::string ascii_lower(std::string_view s);

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_REGISTRY_INTERNAL_H
