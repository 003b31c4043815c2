// compiler/diagnostics.cpp - source files and diagnostic rendering.
#include "diagnostics.h"

#include <algorithm>

namespace comkit::idl {

std::uint32_t source_manager::add(std::string path, std::string text) {
  source_file f;
  f.path = std::move(path);
  f.text = std::move(text);
  f.line_starts.push_back(0);
  for (std::size_t i = 0; i < f.text.size(); ++i)
    if (f.text[i] == '\n') f.line_starts.push_back(static_cast<std::uint32_t>(i + 1));
  m_files.push_back(std::move(f));
  const auto id = static_cast<std::uint32_t>(m_files.size());
  m_by_path.emplace(m_files.back().path, id);
  return id;
}

std::uint32_t source_manager::line_of(std::uint32_t id, std::size_t offset) const {
  const auto& starts = file(id).line_starts;
  auto it = std::upper_bound(starts.begin(), starts.end(), static_cast<std::uint32_t>(offset));
  return static_cast<std::uint32_t>(it - starts.begin());
}

std::string_view source_manager::line_text(location loc) const {
  if (loc.file == 0 || loc.file > m_files.size()) return {};
  const source_file& f = file(loc.file);
  if (loc.line == 0 || loc.line > f.line_starts.size()) return {};
  std::size_t begin = f.line_starts[loc.line - 1];
  std::size_t end = loc.line < f.line_starts.size() ? f.line_starts[loc.line] : f.text.size();
  while (end > begin && (f.text[end - 1] == '\n' || f.text[end - 1] == '\r')) --end;
  return std::string_view(f.text).substr(begin, end - begin);
}

void diagnostics::add(severity level, location loc, std::string message) {
  if (level == severity::warning && m_werror) level = severity::error;
  if (level == severity::error) {
    if (++m_errors > m_max_errors) {
      if (!m_truncated) {
        m_truncated = true;
        m_list.push_back({severity::error, {}, "too many errors; stopping the report here"});
      }
      return;
    }
  } else if (level == severity::warning) {
    ++m_warnings;
  }
  if (m_truncated) return;
  m_list.push_back({level, loc, std::move(message)});
}

std::string diagnostics::render(const diagnostic& d, bool caret) const {
  std::string out;
  if (d.loc.file != 0 && d.loc.file <= m_sources.size()) {
    out += m_sources.file(d.loc.file).path;
    out += ':' + std::to_string(d.loc.line) + ':' + std::to_string(d.loc.col) + ": ";
  } else {
    out += "comkit idl: ";
  }
  out += d.level == severity::error ? "error: " : d.level == severity::warning ? "warning: " : "note: ";
  out += d.message;
  out += '\n';
  if (!caret) return out;
  std::string_view line = m_sources.line_text(d.loc);
  if (line.empty()) return out;
  out += "  ";
  out += line;
  out += "\n  ";
  // Tabs keep their width under the caret line.
  for (std::size_t i = 0; i + 1 < d.loc.col && i < line.size(); ++i) out += line[i] == '\t' ? '\t' : ' ';
  out += "^\n";
  return out;
}

std::string diagnostics::render_all(bool caret) const {
  std::string out;
  for (const diagnostic& d : m_list) out += render(d, caret);
  return out;
}

}  // namespace comkit::idl
