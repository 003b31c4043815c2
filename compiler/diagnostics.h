// compiler/diagnostics.h - source files and diagnostics for the IDL compiler.
//
// Every file the compiler reads (the main IDL file, #include'd and imported
// files) is held by a source_manager for the whole compilation, so tokens and
// AST nodes can point into the text and every diagnostic can show the line
// it is about. Diagnostics are collected, never fatal: each pass keeps going
// after an error, and the driver decides at the end (STYLE.md: no exit in the
// middle of a pass).
#ifndef COMKIT_COMPILER_DIAGNOSTICS_H
#define COMKIT_COMPILER_DIAGNOSTICS_H

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace comkit::idl {

/// A position in a source file: 1-based line and column; file 0 means "no
/// position" (command line, internal).
struct location {
  std::uint32_t file = 0;
  std::uint32_t line = 0;
  std::uint32_t col = 0;
};

struct source_file {
  std::string path;  // as the user or the include search spelled it
  std::string text;
  std::vector<std::uint32_t> line_starts;  // offset of each line's first byte
};

/// Owns every file read during one compilation. File ids start at 1; the
/// objects never move, so string_views into their text stay valid.
class source_manager {
 public:
  std::uint32_t add(std::string path, std::string text);
  /// The id of the file read from `path`, or 0: a file is read once per
  /// source_manager (per session).
  std::uint32_t find(const std::string& path) const {
    auto it = m_by_path.find(path);
    return it == m_by_path.end() ? 0 : it->second;
  }
  const source_file& file(std::uint32_t id) const { return m_files[id - 1]; }
  std::size_t size() const { return m_files.size(); }
  /// The text of `loc`'s line, without its line break; empty if unknown.
  std::string_view line_text(location loc) const;
  /// Index of the line containing byte `offset` of file `id` (1-based).
  std::uint32_t line_of(std::uint32_t id, std::size_t offset) const;

 private:
  std::deque<source_file> m_files;
  std::unordered_map<std::string, std::uint32_t> m_by_path;
};

enum class severity : std::uint8_t { note, warning, error };

struct diagnostic {
  severity level;
  location loc;
  std::string message;
};

/// Collects diagnostics. After `max_errors` errors further errors are
/// counted but not stored, and one "too many errors" line is added.
class diagnostics {
 public:
  explicit diagnostics(const source_manager& sources, std::size_t max_errors = 200)
      : m_sources(sources), m_max_errors(max_errors) {}

  void error(location loc, std::string message) { add(severity::error, loc, std::move(message)); }
  void warning(location loc, std::string message) { add(severity::warning, loc, std::move(message)); }
  void note(location loc, std::string message) { add(severity::note, loc, std::move(message)); }

  std::size_t error_count() const { return m_errors; }
  std::size_t warning_count() const { return m_warnings; }
  const std::vector<diagnostic>& all() const { return m_list; }
  /// When set, warnings count as errors (the -Werror of `comkit idl`).
  void set_warnings_are_errors(bool on) { m_werror = on; }

  /// "file:line:col: error: message", then the source line and a caret
  /// under the column (when the location has a file).
  std::string render(const diagnostic& d, bool caret = true) const;
  std::string render_all(bool caret = true) const;

 private:
  void add(severity level, location loc, std::string message);

  const source_manager& m_sources;
  std::vector<diagnostic> m_list;
  std::size_t m_errors = 0, m_warnings = 0, m_max_errors;
  bool m_werror = false, m_truncated = false;
};

}  // namespace comkit::idl

#endif  // COMKIT_COMPILER_DIAGNOSTICS_H
