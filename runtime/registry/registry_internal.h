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

#include <comkit/abi/guid.h>
#include <comkit/detail/guid_hash.h>
#include <comkit/detail/guid_string.h>

#include "sync/sync_internal.h"

namespace comkit::rt {

struct registered_class {
  GUID clsid{};
  std::string progid;
  std::string vi_progid;
  std::string threading_model;
  std::string description;
  std::string server_path;
  std::string manifest_path;
  bool local_server = false;  // server_path is an executable started with -Embedding
};

/// A registered type library ([typelib {LIBID}] in a manifest, written by
/// RegisterTypeLib): one version and locale of it.
struct registered_typelib {
  GUID libid{};
  std::uint16_t major = 0, minor = 0;
  std::uint32_t lcid = 0;
  std::uint32_t syskind = 3;  // SYS_WIN64
  std::string path;           // the file, absolute
  std::string name;           // the library's doc string
  std::uint32_t flags = 0;    // LIBFLAGS
  std::string helpdir;
  std::string manifest_path;
};

/// An interface a type library registered ([interface {IID}]).
struct registered_interface {
  GUID iid{};
  std::string name;
  GUID proxy_stub{};  // ProxyStubClsid32
  GUID typelib{};
  std::uint16_t typelib_major = 0, typelib_minor = 0;
  std::string manifest_path;
};

/// Every class of every readable manifest, first directory first. Immutable
/// once published; freed once replaced and no registry_view can see it.
class registry_snapshot {
 public:
  const registered_class* find(const GUID& clsid) const noexcept;
  /// By ProgID or version-independent ProgID, case-insensitively (ASCII).
  const registered_class* find_progid(std::string_view progid) const noexcept;
  const std::vector<registered_class>& classes() const noexcept { return m_classes; }
  /// Every registered version and locale of every type library, first
  /// directory first.
  const std::vector<registered_typelib>& typelibs() const noexcept { return m_typelibs; }
  const registered_interface* find_interface(const GUID& iid) const noexcept;
  std::uint64_t generation() const noexcept { return m_generation; }
  /// How many registry_invalidate calls had happened before it was read.
  std::uint64_t built_after() const noexcept { return m_built_after; }

 private:
  friend struct registry_loader;
  std::vector<registered_class> m_classes;
  std::vector<registered_typelib> m_typelibs;
  std::vector<registered_interface> m_interfaces;
  std::unordered_map<GUID, std::size_t, comkit::detail::guid_hash> m_by_iid;
  std::unordered_map<GUID, std::size_t, comkit::detail::guid_hash> m_by_clsid;
  std::unordered_map<std::string, std::size_t> m_by_progid;
  std::uint64_t m_generation = 0;
  std::uint64_t m_built_after = 0;
};

/// The current snapshot, held for as long as the view lives. A view is a
/// read section (sync/sync_internal.h): the snapshot it shows cannot be
/// freed before the view ends, though a newer one may be published
/// meanwhile. Constructing a view first re-reads the files when they may
/// have changed (at most every 200 ms, or after registry_invalidate), and
/// then frees the replaced snapshots no reader can still see (it never waits
/// for readers, so views may be taken anywhere).
/// Views nest; keep them short (a writer waits for them).
class registry_view {
 public:
  registry_view() noexcept;
  registry_view(const registry_view&) = delete;
  registry_view& operator=(const registry_view&) = delete;
  const registry_snapshot& operator*() const noexcept { return *m_snap; }
  const registry_snapshot* operator->() const noexcept { return m_snap; }

 private:
  struct refresh {
    refresh() noexcept;
  };
  refresh m_refresh;  // first: re-reads and reclaims before the section starts
  read_section m_section;
  const registry_snapshot* m_snap;
};

void registry_invalidate() noexcept;
/// Frees the replaced snapshots that no reader can still see. Never waits
/// (safe inside a read section); the others wait for a later call.
void registry_reclaim() noexcept;

/// Writes the manifest that registers one version/locale/syskind of a type
/// library and the interfaces it describes, in `scope`'s directory
/// (COMKIT_REGISTER_*), replacing an earlier registration of the same one.
HRESULT registry_write_typelib(const registered_typelib& lib, const std::vector<registered_interface>& interfaces, DWORD scope);
/// Removes that manifest: S_OK, S_FALSE when there was none.
HRESULT registry_remove_typelib(const GUID& libid, std::uint16_t major, std::uint16_t minor, std::uint32_t lcid, std::uint32_t syskind,
                                DWORD scope);

/// The directories searched, in order.
std::vector<std::string> registry_search_path();

/// Lower-cases ASCII letters (ProgIDs compare like registry keys do).
std::string ascii_lower(std::string_view s);

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_REGISTRY_INTERNAL_H
