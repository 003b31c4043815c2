// runtime/registry/registry.cpp - the class registry: manifest files found
// along a search path, parsed into immutable snapshots, and written
// atomically by ComkitRegisterServer. docs/activation.md has the format.
//
// Readers take the current snapshot through one atomic load inside a read
// section (registry_view); a reload builds a new snapshot under a mutex,
// publishes it and retires the old one, which is freed once every reader
// that might see it has left its section (sync/sync_internal.h).
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <comkit/abi/extensions.h>

#include "common/atomic_file.h"
#include "common/clock.h"
#include "registry/registry_internal.h"
#include "runtime_internal.h"
#include "trace/trace_internal.h"

namespace comkit::rt {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

const registered_class* registry_snapshot::find(const GUID& clsid) const noexcept {
  const auto it = m_by_clsid.find(clsid);
  return it == m_by_clsid.end() ? nullptr : &m_classes[it->second];
}

const registered_interface* registry_snapshot::find_interface(const GUID& iid) const noexcept {
  const auto it = m_by_iid.find(iid);
  return it == m_by_iid.end() ? nullptr : &m_interfaces[it->second];
}

const registered_class* registry_snapshot::find_progid(std::string_view progid) const noexcept {
  try {
    const auto it = m_by_progid.find(ascii_lower(progid));
    return it == m_by_progid.end() ? nullptr : &m_classes[it->second];
  } catch (...) {
    return nullptr;
  }
}

namespace {

constexpr std::size_t max_manifest_bytes = 1 << 20;
constexpr const char* manifest_suffix = ".manifest";
constexpr long long revalidate_ns = 200'000'000;

// ---- Where the files are -------------------------------------------------------

std::vector<std::string> split_path_list(const char* list) {
  std::vector<std::string> out;
  std::string cur;
  for (const char* p = list;; ++p) {
    if (*p == ':' || *p == 0) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      if (*p == 0) break;
    } else {
      cur += *p;
    }
  }
  return out;
}

std::string user_directory() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && xdg[0] == '/') return std::string(xdg) + "/comkit/registry";
  const char* home = std::getenv("HOME");
  return std::string(home && home[0] ? home : "/") + "/.local/share/comkit/registry";
}

constexpr const char* system_directory = "/etc/comkit/registry";

// ---- Parsing -----------------------------------------------------------------------

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool valid_progid(std::string_view p) {
  if (p.empty() || p.size() > 255) return false;
  for (char c : p)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '-'))
      return false;
  return !(p.front() >= '0' && p.front() <= '9');
}

bool valid_threading_model(std::string_view t) {
  return t.empty() || t == "Apartment" || t == "Free" || t == "Both" || t == "Neutral";
}

// "major.minor" (decimal, each at most 65535).
bool parse_version(std::string_view v, std::uint16_t& major, std::uint16_t& minor) {
  const std::size_t dot = v.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == v.size()) return false;
  auto number = [](std::string_view d, std::uint16_t& out) {
    if (d.empty() || d.size() > 5) return false;
    std::uint32_t n = 0;
    for (char c : d) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (n > 0xFFFF) return false;
    out = static_cast<std::uint16_t>(n);
    return true;
  };
  return number(v.substr(0, dot), major) && number(v.substr(dot + 1), minor);
}

// A number in decimal or 0x-prefixed hexadecimal, at most 32 bits.
bool parse_u32(std::string_view v, std::uint32_t& out) {
  if (v.empty() || v.size() > 10) return false;
  const bool hex = v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
  std::uint64_t n = 0;
  for (char c : hex ? v.substr(2) : v) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    n = n * (hex ? 16 : 10) + static_cast<std::uint64_t>(d);
    if (n > 0xFFFFFFFFu) return false;
  }
  out = static_cast<std::uint32_t>(n);
  return true;
}

}  // namespace

/// What one manifest registers.
struct manifest_contents {
  std::vector<registered_class> classes;
  std::vector<registered_typelib> typelibs;
  std::vector<registered_interface> interfaces;
};

namespace {

/// Parses one manifest. On a malformed file returns false with "line N:
/// message" in `error`; `out` then holds nothing from it. A manifest
/// registers a server's classes (it then needs [server] path), type
/// libraries, or both.
bool parse_manifest(const std::string& path, std::string_view text, manifest_contents& out, std::string& error) {
  enum class section { none, server, cls, typelib, iface, other } sec = section::none;
  std::string server_path;
  bool local_server = false;
  std::vector<registered_class> classes;
  std::vector<registered_typelib> typelibs;
  std::vector<registered_interface> interfaces;
  std::set<GUID, bool (*)(const GUID&, const GUID&)> seen(
      [](const GUID& a, const GUID& b) { return std::memcmp(&a, &b, sizeof(GUID)) < 0; });
  int line_no = 0;
  auto fail = [&](const std::string& msg) {
    error = "line " + std::to_string(line_no) + ": " + msg;
    return false;
  };
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return fail("section header without ']'");
      const std::string_view name = trim(line.substr(1, line.size() - 2));
      if (name == "server") {
        sec = section::server;
      } else if (name.substr(0, 6) == "class ") {
        const std::string_view id = trim(name.substr(6));
        const auto g = comkit::detail::guid_from_string(id);
        if (!g || id.front() != '{') return fail("class section needs a braced CLSID, not '" + std::string(id) + "'");
        if (!seen.insert(*g).second) return fail("class " + std::string(id) + " listed twice");
        registered_class c;
        c.clsid = *g;
        classes.push_back(std::move(c));
        sec = section::cls;
      } else if (name.substr(0, 8) == "typelib " || name.substr(0, 10) == "interface ") {
        const bool lib = name.front() == 't';
        const std::string_view id = trim(name.substr(lib ? 8 : 10));
        const auto g = comkit::detail::guid_from_string(id);
        if (!g || id.front() != '{') return fail(std::string(lib ? "typelib" : "interface") + " section needs a braced GUID, not '" + std::string(id) + "'");
        if (lib) {
          registered_typelib t;
          t.libid = *g;
          typelibs.push_back(std::move(t));
          sec = section::typelib;
        } else {
          registered_interface i;
          i.iid = *g;
          interfaces.push_back(std::move(i));
          sec = section::iface;
        }
      } else {
        sec = section::other;  // room for later sections
      }
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) return fail("expected 'key = value' or '[section]'");
    const std::string_view key = trim(line.substr(0, eq));
    const std::string value(trim(line.substr(eq + 1)));
    if (key.empty()) return fail("empty key");
    switch (sec) {
      case section::none: return fail("key '" + std::string(key) + "' outside any section");
      case section::other: break;
      case section::server:
        if (key == "path") {
          if (value.empty() || value.front() != '/') return fail("server path must be absolute");
          server_path = value;
        } else if (key == "kind") {
          if (value != "in-process" && value != "local-server") return fail("server kind must be in-process or local-server");
          local_server = value == "local-server";
        }
        break;
      case section::cls: {
        registered_class& c = classes.back();
        if (key == "progid" || key == "version-independent-progid") {
          if (!valid_progid(value)) return fail("invalid ProgID '" + value + "'");
          (key == "progid" ? c.progid : c.vi_progid) = value;
        } else if (key == "threading-model") {
          if (!valid_threading_model(value)) return fail("unknown threading model '" + value + "'");
          c.threading_model = value;
        } else if (key == "description") {
          c.description = value;
        }
        break;
      }
      case section::typelib: {
        registered_typelib& t = typelibs.back();
        if (key == "version") {
          if (!parse_version(value, t.major, t.minor)) return fail("version must be 'major.minor', not '" + value + "'");
        } else if (key == "lcid" || key == "flags") {
          if (!parse_u32(value, key == "lcid" ? t.lcid : t.flags)) return fail("invalid " + std::string(key) + " '" + value + "'");
        } else if (key == "syskind") {
          if (value != "win32" && value != "win64") return fail("syskind must be win32 or win64");
          t.syskind = value == "win32" ? 1 : 3;
        } else if (key == "path") {
          if (value.empty() || value.front() != '/') return fail("type library path must be absolute");
          t.path = value;
        } else if (key == "name") {
          t.name = value;
        } else if (key == "helpdir") {
          t.helpdir = value;
        }
        break;
      }
      case section::iface: {
        registered_interface& i = interfaces.back();
        if (key == "name") {
          i.name = value;
        } else if (key == "proxy-stub" || key == "typelib") {
          const auto g = comkit::detail::guid_from_string(value);
          if (!g || value.empty() || value.front() != '{') return fail(std::string(key) + " needs a braced GUID");
          (key == "typelib" ? i.typelib : i.proxy_stub) = *g;
        } else if (key == "typelib-version") {
          if (!parse_version(value, i.typelib_major, i.typelib_minor)) return fail("typelib-version must be 'major.minor'");
        }
        break;
      }
    }
  }
  if (server_path.empty() && (!classes.empty() || typelibs.empty())) return fail("no [server] path");
  for (const registered_typelib& t : typelibs)
    if (t.path.empty()) return fail("a typelib section without its path");
  for (registered_class& c : classes) {
    c.server_path = server_path;
    c.manifest_path = path;
    c.local_server = local_server;
  }
  for (registered_typelib& t : typelibs) t.manifest_path = path;
  for (registered_interface& i : interfaces) i.manifest_path = path;
  out.classes.insert(out.classes.end(), std::make_move_iterator(classes.begin()), std::make_move_iterator(classes.end()));
  out.typelibs.insert(out.typelibs.end(), std::make_move_iterator(typelibs.begin()), std::make_move_iterator(typelibs.end()));
  out.interfaces.insert(out.interfaces.end(), std::make_move_iterator(interfaces.begin()), std::make_move_iterator(interfaces.end()));
  return true;
}

// ---- Snapshots and change detection ------------------------------------------

struct stamp {
  std::string path;
  bool exists = false;
  long long mtime_ns = 0;
  long long size = 0;
  unsigned long long inode = 0;
  bool operator==(const stamp&) const = default;
};

stamp stamp_of(const std::string& path) {
  stamp s;
  s.path = path;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    s.exists = true;
    s.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    s.size = static_cast<long long>(st.st_size);
    s.inode = static_cast<unsigned long long>(st.st_ino);
  }
  return s;
}

std::vector<std::string> manifests_in(const std::string& dir) {
  std::vector<std::string> files;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return files;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() > std::strlen(manifest_suffix) && name.front() != '.' &&
        name.compare(name.size() - std::strlen(manifest_suffix), std::string::npos, manifest_suffix) == 0)
      files.push_back(dir + "/" + name);
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

bool read_file(const std::string& path, std::string& out, std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  char buf[8192];
  out.clear();
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_manifest_bytes) {
      error = "larger than 1 MiB";
      ::close(fd);
      return false;
    }
  }
  ::close(fd);
  return true;
}


struct registry_state {
  std::mutex lock;                                         // serialises reloads and writes
  struct retired_snapshot {
    const registry_snapshot* snapshot;
    grace_period readers;  // who might still see it
  };
  std::vector<retired_snapshot> retired;                   // guarded by lock; replaced, not yet freed
  std::vector<stamp> stamps;                               // guarded by lock; what the current one was read from
  std::set<std::string> reported;                          // guarded by lock; "path@mtime" already warned about
  std::atomic<const registry_snapshot*> current{nullptr};
  std::atomic<long long> checked_at{0};                    // monotonic ns of the last check
  std::atomic<std::uint64_t> invalidations{0};             // registry_invalidate calls so far
  std::uint64_t generation = 0;                            // guarded by lock
};

registry_state& state() noexcept {
  static registry_state* s = new registry_state;  // never destroyed: views may outlive static destructors
  return *s;
}

}  // namespace

/// Builds snapshots (a friend of registry_snapshot).
struct registry_loader {
  static void reload(registry_state& st, std::uint64_t built_after) {
    auto snap = std::make_unique<registry_snapshot>();
    snap->m_built_after = built_after;
    std::vector<stamp> stamps;
    for (const std::string& dir : registry_search_path()) {
      stamps.push_back(stamp_of(dir));
      for (const std::string& file : manifests_in(dir)) {
        stamp s = stamp_of(file);
        stamps.push_back(s);
        std::string text, error;
        manifest_contents contents;
        const bool ok = read_file(file, text, error) && parse_manifest(file, text, contents, error);
        if (!ok) {
          const std::string key = file + "@" + std::to_string(s.mtime_ns);
          if (st.reported.insert(key).second)
            COMKIT_WARN("registry", "%s: %s (manifest skipped)", file.c_str(), error.c_str());
          continue;
        }
        for (registered_class& c : contents.classes) {
          if (snap->m_by_clsid.count(c.clsid)) continue;  // an earlier directory registers it
          const std::size_t index = snap->m_classes.size();
          snap->m_by_clsid.emplace(c.clsid, index);
          if (!c.progid.empty()) snap->m_by_progid.emplace(ascii_lower(c.progid), index);
          if (!c.vi_progid.empty()) snap->m_by_progid.emplace(ascii_lower(c.vi_progid), index);
          snap->m_classes.push_back(std::move(c));
        }
        for (registered_typelib& t : contents.typelibs) snap->m_typelibs.push_back(std::move(t));
        for (registered_interface& i : contents.interfaces) {
          if (snap->m_by_iid.count(i.iid)) continue;
          snap->m_by_iid.emplace(i.iid, snap->m_interfaces.size());
          snap->m_interfaces.push_back(std::move(i));
        }
      }
    }
    snap->m_generation = ++st.generation;
    st.stamps = std::move(stamps);
    st.retired.reserve(st.retired.size() + 1);  // may throw: before anything is published
    if (const registry_snapshot* old = st.current.exchange(snap.release(), std::memory_order_seq_cst)) {
      // Without memory to list its readers, the old snapshot is left
      // allocated (never freed early).
      st.retired.push_back({old, grace_period::start()});  // capacity reserved above
    }
  }

  static bool changed(const registry_state& st) {
    std::size_t i = 0;
    for (const std::string& dir : registry_search_path()) {
      if (i >= st.stamps.size() || !(stamp_of(dir) == st.stamps[i])) return true;
      ++i;
      for (const std::string& file : manifests_in(dir)) {
        if (i >= st.stamps.size() || !(stamp_of(file) == st.stamps[i])) return true;
        ++i;
      }
    }
    return i != st.stamps.size();
  }
};

std::vector<std::string> registry_search_path() {
  if (const char* override_path = std::getenv("COMKIT_REGISTRY_PATH"); override_path && *override_path)
    return split_path_list(override_path);
  std::vector<std::string> dirs{user_directory()};
  const char* data_dirs = std::getenv("XDG_DATA_DIRS");
  for (const std::string& d : split_path_list(data_dirs && *data_dirs ? data_dirs : "/usr/local/share:/usr/share"))
    dirs.push_back(d + "/comkit/registry");
  dirs.push_back(system_directory);
  return dirs;
}

registry_view::refresh::refresh() noexcept {
  registry_state& st = state();
  const long long now = common::monotonic_ns(true);
  {
    // The fast path reads the current snapshot, so it is a read section of
    // its own: without one, another thread's reload and reclaim may free the
    // snapshot between this load and the read of built_after().
    const read_section section;
    const registry_snapshot* current = st.current.load(std::memory_order_seq_cst);
    if (current && current->built_after() == st.invalidations.load(std::memory_order_acquire) &&
        now - st.checked_at.load(std::memory_order_relaxed) < revalidate_ns)
      return;
  }
  try {
    std::lock_guard<std::mutex> guard(st.lock);
    // Under the lock the current snapshot cannot be retired, so no section.
    const registry_snapshot* snap = st.current.load(std::memory_order_acquire);
    // Read the count before the files: an invalidation during the reload
    // then leaves the counts unequal, and the next lookup reloads again.
    const std::uint64_t seen = st.invalidations.load(std::memory_order_acquire);
    if (!snap || snap->built_after() != seen || registry_loader::changed(st)) registry_loader::reload(st, seen);
    st.checked_at.store(now, std::memory_order_relaxed);
  } catch (...) {
    COMKIT_WARN("registry", "out of memory while reading the registry");
  }
  registry_reclaim();
}

registry_view::registry_view() noexcept {
  static const registry_snapshot empty;
  m_snap = state().current.load(std::memory_order_seq_cst);  // seq_cst: the read-section protocol
  if (!m_snap) m_snap = &empty;
}

void registry_reclaim() noexcept {
  registry_state& st = state();
  std::vector<const registry_snapshot*> garbage;
  try {
    std::lock_guard<std::mutex> guard(st.lock);
    std::erase_if(st.retired, [&](registry_state::retired_snapshot& r) {
      if (!r.readers.over()) return false;
      garbage.push_back(r.snapshot);
      return true;
    });
  } catch (...) {
    return;  // no memory for the list: a later call frees them
  }
  for (const registry_snapshot* s : garbage) delete s;
}

void registry_invalidate() noexcept { state().invalidations.fetch_add(1, std::memory_order_acq_rel); }

// ---- Writing -------------------------------------------------------------------------

namespace {

// The scope registrations go to when a caller does not say:
// $COMKIT_REGISTRATION_SCOPE ("system" or "user") when the library loads,
// else the user's; ComkitSetDefaultRegistrationScope changes it. (How
// `comkit register PROGRAM --system` tells a local server run with
// -RegServer where to register itself.)
DWORD initial_scope() noexcept {
  const char* s = std::getenv("COMKIT_REGISTRATION_SCOPE");
  return s && std::strcmp(s, "system") == 0 ? COMKIT_REGISTER_SYSTEM : COMKIT_REGISTER_USER;
}
std::atomic<DWORD> g_default_scope{initial_scope()};

HRESULT last_errno_hr() noexcept { return ComkitHResultFromErrno(errno); }

HRESULT make_directories(const std::string& dir) {
  std::string cur;
  for (std::size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      cur = dir.substr(0, i);
      if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return last_errno_hr();
    }
  }
  return S_OK;
}

HRESULT target_directory(DWORD scope, std::string& dir) {
  if (scope == COMKIT_REGISTER_DEFAULT) scope = g_default_scope.load();
  if (scope != COMKIT_REGISTER_USER && scope != COMKIT_REGISTER_SYSTEM) return E_INVALIDARG;
  if (const char* override_path = std::getenv("COMKIT_REGISTRY_PATH"); override_path && *override_path) {
    const auto dirs = split_path_list(override_path);
    if (dirs.empty()) return E_INVALIDARG;
    dir = dirs.front();
  } else {
    dir = scope == COMKIT_REGISTER_SYSTEM ? system_directory : user_directory();
  }
  return S_OK;
}

// "<file name>-<8 hex digits of a hash of the full path>.manifest", so two
// servers with one file name in different folders get different manifests.
std::string manifest_name(const std::string& server_path) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : server_path) h = (h ^ c) * 16777619u;
  const std::size_t slash = server_path.rfind('/');
  std::string base = server_path.substr(slash == std::string::npos ? 0 : slash + 1);
  for (char& c : base)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      c = '_';
  char hex[16];
  std::snprintf(hex, sizeof hex, "-%08x", h);
  return base + hex + manifest_suffix;
}

// Whether the module loaded at `base` defines DllGetClassObject itself.
bool module_is_server(const char* file, const void* base) {
  void* h = ::dlopen(file, RTLD_LAZY | RTLD_NOLOAD);
  if (!h) return false;
  void* sym = ::dlsym(h, "DllGetClassObject");
  Dl_info info{};
  const bool own = sym && ::dladdr(sym, &info) && info.dli_fbase == base;
  ::dlclose(h);
  return own;
}

HRESULT resolve_server_path(const char* given, const void* caller, std::string& out) {
  if (!given) {
    // The module the call came from. A tail call (`return Comkit...(NULL,
    // ...)`) hides it, so check that it really is a server.
    Dl_info info{};
    if (!caller || !::dladdr(caller, &info) || !info.dli_fname) return E_INVALIDARG;
    if (!module_is_server(info.dli_fname, info.dli_fbase)) {
      COMKIT_WARN("registry",
                  "server_path NULL but the caller (%s) does not export DllGetClassObject; pass the path, or do not "
                  "make the call a tail call",
                  info.dli_fname);
      return E_INVALIDARG;
    }
    given = info.dli_fname;
  }
  if (given[0] == 0) return E_INVALIDARG;
  char resolved[PATH_MAX];
  if (!::realpath(given, resolved)) return last_errno_hr();
  out = resolved;
  return S_OK;
}

std::string manifest_text(const std::string& server_path, const std::vector<registered_class>& classes, bool local) {
  std::string t = "# comkit server manifest; written by ComkitRegisterServer (docs/activation.md)\n[server]\npath = ";
  t += server_path;
  t += "\n";
  if (local) t += "kind = local-server\n";
  for (const registered_class& c : classes) {
    t += "\n[class " + comkit::detail::guid_to_string(c.clsid) + "]\n";
    if (!c.progid.empty()) t += "progid = " + c.progid + "\n";
    if (!c.vi_progid.empty()) t += "version-independent-progid = " + c.vi_progid + "\n";
    if (!c.threading_model.empty()) t += "threading-model = " + c.threading_model + "\n";
    if (!c.description.empty()) t += "description = " + c.description + "\n";
  }
  return t;
}

/// Writes a manifest atomically and durably (common/atomic_file.h).
HRESULT write_atomically(const std::string& path, const std::string& text) {
  const int err = common::write_file_atomically(path, text, true);
  return err ? ComkitHResultFromErrno(err) : S_OK;
}

bool has_newline(const char* s) { return s && std::strpbrk(s, "\r\n") != nullptr; }

// "typelib-{LIBID}-<major>.<minor>-<lcid>-<syskind>.manifest": one file per
// registered version, locale and target, as Windows has one key for each.
std::string typelib_manifest_name(const GUID& libid, std::uint16_t major, std::uint16_t minor, std::uint32_t lcid, std::uint32_t syskind) {
  char tail[64];
  std::snprintf(tail, sizeof tail, "-%u.%u-%x-%s.manifest", major, minor, lcid, syskind == 1 ? "win32" : "win64");
  return "typelib-" + comkit::detail::guid_to_string(libid) + tail;
}

bool one_line(const std::string& s) { return s.find_first_of("\r\n") == std::string::npos; }

}  // namespace

HRESULT registry_write_typelib(const registered_typelib& lib, const std::vector<registered_interface>& interfaces, DWORD scope) {
  try {
    if (lib.path.empty() || lib.path.front() != '/' || !one_line(lib.path) || !one_line(lib.name) || !one_line(lib.helpdir))
      return E_INVALIDARG;
    std::string dir;
    if (HRESULT hr = target_directory(scope, dir); FAILED(hr)) return hr;
    char number[32];
    std::string t = "# comkit type library manifest; written by RegisterTypeLib (docs/typelib.md)\n";
    t += "[typelib " + comkit::detail::guid_to_string(lib.libid) + "]\n";
    std::snprintf(number, sizeof number, "%u.%u", lib.major, lib.minor);
    t += std::string("version = ") + number + "\n";
    std::snprintf(number, sizeof number, "0x%x", lib.lcid);
    t += std::string("lcid = ") + number + "\n";
    t += std::string("syskind = ") + (lib.syskind == 1 ? "win32" : "win64") + "\n";
    t += "path = " + lib.path + "\n";
    if (!lib.name.empty()) t += "name = " + lib.name + "\n";
    t += "flags = " + std::to_string(lib.flags) + "\n";
    if (!lib.helpdir.empty()) t += "helpdir = " + lib.helpdir + "\n";
    for (const registered_interface& i : interfaces) {
      if (!one_line(i.name)) return E_INVALIDARG;
      t += "\n[interface " + comkit::detail::guid_to_string(i.iid) + "]\n";
      if (!i.name.empty()) t += "name = " + i.name + "\n";
      t += "proxy-stub = " + comkit::detail::guid_to_string(i.proxy_stub) + "\n";
      t += "typelib = " + comkit::detail::guid_to_string(i.typelib) + "\n";
      std::snprintf(number, sizeof number, "%u.%u", i.typelib_major, i.typelib_minor);
      t += std::string("typelib-version = ") + number + "\n";
    }
    if (HRESULT hr = make_directories(dir); FAILED(hr)) return hr;
    const HRESULT hr = write_atomically(dir + "/" + typelib_manifest_name(lib.libid, lib.major, lib.minor, lib.lcid, lib.syskind), t);
    registry_invalidate();
    return hr;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

HRESULT registry_remove_typelib(const GUID& libid, std::uint16_t major, std::uint16_t minor, std::uint32_t lcid, std::uint32_t syskind,
                                DWORD scope) {
  try {
    std::string dir;
    if (HRESULT hr = target_directory(scope, dir); FAILED(hr)) return hr;
    registry_invalidate();
    if (::unlink((dir + "/" + typelib_manifest_name(libid, major, minor, lcid, syskind)).c_str()) == 0) return S_OK;
    return errno == ENOENT ? S_FALSE : last_errno_hr();
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

}  // namespace comkit::rt

using namespace comkit::rt;

namespace comkit::rt {
namespace {

HRESULT register_server(const std::string& path, const COMKIT_CLASS_REGISTRATION* classes, ULONG count, DWORD scope,
                        bool local) {
  if (count > 0 && !classes) return E_INVALIDARG;
  try {
    std::string dir;
    if (HRESULT hr = target_directory(scope, dir); FAILED(hr)) return hr;
    std::vector<registered_class> list;
    for (ULONG i = 0; i < count; ++i) {
      const COMKIT_CLASS_REGISTRATION& in = classes[i];
      registered_class c;
      c.clsid = in.clsid;
      if (in.progid) c.progid = in.progid;
      if (in.version_independent_progid) c.vi_progid = in.version_independent_progid;
      if (in.threading_model) c.threading_model = in.threading_model;
      if (in.description) c.description = in.description;
      if ((!c.progid.empty() && !valid_progid(c.progid)) || (!c.vi_progid.empty() && !valid_progid(c.vi_progid)) ||
          !valid_threading_model(c.threading_model) || has_newline(in.description))
        return E_INVALIDARG;
      for (const registered_class& other : list)
        if (other.clsid == c.clsid) return E_INVALIDARG;
      list.push_back(std::move(c));
    }
    if (HRESULT hr = make_directories(dir); FAILED(hr)) return hr;
    const HRESULT hr = write_atomically(dir + "/" + manifest_name(path), manifest_text(path, list, local));
    registry_invalidate();
    return hr;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

}  // namespace
}  // namespace comkit::rt

HRESULT STDAPICALLTYPE ComkitRegisterServer(const char* server_path, const COMKIT_CLASS_REGISTRATION* classes,
                                            ULONG count, DWORD scope) {
  try {
    std::string path;
    if (HRESULT hr = resolve_server_path(server_path, __builtin_return_address(0), path); FAILED(hr)) return hr;
    return register_server(path, classes, count, scope, false);
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

HRESULT STDAPICALLTYPE ComkitRegisterLocalServer(const char* executable_path, const COMKIT_CLASS_REGISTRATION* classes,
                                                 ULONG count, DWORD scope) {
  try {
    std::string path;
    if (!executable_path) {
      char self[PATH_MAX];
      const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
      if (n <= 0) return E_FAIL;
      path.assign(self, static_cast<std::size_t>(n));
    } else if (HRESULT hr = resolve_server_path(executable_path, nullptr, path); FAILED(hr)) {
      return hr;
    }
    if (::access(path.c_str(), X_OK) != 0) return E_INVALIDARG;
    return register_server(path, classes, count, scope, true);
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

HRESULT STDAPICALLTYPE ComkitUnregisterServer(const char* server_path, DWORD scope) {
  try {
    std::string path, dir;
    if (HRESULT hr = resolve_server_path(server_path, __builtin_return_address(0), path); FAILED(hr)) {
      if (!server_path) return hr;
      path = server_path;  // the server may be gone already; its manifest still names it
    }
    if (HRESULT hr = target_directory(scope, dir); FAILED(hr)) return hr;
    registry_invalidate();
    if (::unlink((dir + "/" + manifest_name(path)).c_str()) == 0) return S_OK;
    return errno == ENOENT ? S_FALSE : last_errno_hr();
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

HRESULT STDAPICALLTYPE ComkitUnregisterClass(REFCLSID rclsid) {
  const GUID* clsid = nullable(&rclsid);
  if (!clsid) return E_INVALIDARG;
  try {
    registry_invalidate();
    std::string manifest;
    {
      const registry_view reg;
      const registered_class* c = reg->find(*clsid);
      if (!c) return REGDB_E_CLASSNOTREG;
      manifest = c->manifest_path;
    }
    std::string text, error;
    manifest_contents contents;
    if (!read_file(manifest, text, error) || !parse_manifest(manifest, text, contents, error)) return REGDB_E_READREGDB;
    std::vector<registered_class>& classes = contents.classes;
    const std::string server = classes.empty() ? std::string() : classes.front().server_path;
    const bool local = !classes.empty() && classes.front().local_server;
    std::erase_if(classes, [&](const registered_class& x) { return x.clsid == *clsid; });
    HRESULT hr = S_OK;
    if (classes.empty())
      hr = ::unlink(manifest.c_str()) == 0 ? S_OK : last_errno_hr();
    else
      hr = write_atomically(manifest, manifest_text(server, classes, local));
    registry_invalidate();
    return hr;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

HRESULT STDAPICALLTYPE ComkitSetDefaultRegistrationScope(DWORD scope) {
  if (scope != COMKIT_REGISTER_USER && scope != COMKIT_REGISTER_SYSTEM) return E_INVALIDARG;
  g_default_scope.store(scope);
  return S_OK;
}

HRESULT STDAPICALLTYPE ComkitRegistryRefresh() {
  registry_invalidate();
  return S_OK;
}

HRESULT STDAPICALLTYPE ComkitEnumRegisteredClasses(COMKIT_ENUM_CLASSES_CALLBACK callback, void* context) {
  if (!callback) return E_INVALIDARG;
  // A copy, so that the callback runs outside the read section (it may do
  // anything, wait for other threads included).
  std::vector<registered_class> classes;
  try {
    classes = registry_view()->classes();
  } catch (...) {
    return E_OUTOFMEMORY;
  }
  for (const registered_class& c : classes) {
    const COMKIT_REGISTERED_CLASS out{c.clsid,
                                      c.progid.c_str(),
                                      c.vi_progid.c_str(),
                                      c.threading_model.c_str(),
                                      c.description.c_str(),
                                      c.server_path.c_str(),
                                      c.manifest_path.c_str(),
                                      c.local_server ? "local-server" : "in-process"};
    if (!callback(&out, context)) break;
  }
  return S_OK;
}
