// compiler/lexer.cpp - pp-tokens from source text.
#include "lexer.h"

#include <cstring>

namespace comkit::idl {
namespace {

bool ident_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80; }
bool ident_char(unsigned char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
bool digit(unsigned char c) { return c >= '0' && c <= '9'; }

// Punctuators, longest first within each first character.
constexpr std::string_view punctuators[] = {
    "<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "*=", "/=",
    "%=",  "+=",  "-=",  "&=", "^=", "|=", "##", "::",
};

}  // namespace

location lexer::here() const {
  return {m_file, static_cast<std::uint32_t>(static_cast<std::int64_t>(m_line) + m_line_delta),
          static_cast<std::uint32_t>(m_pos - m_line_start + 1)};
}

// Skips whitespace, comments and line continuations. Returns false at the
// end of input; `newline` is set when a line break was crossed.
bool lexer::skip_space(bool& newline) {
  const std::size_t n = m_text.size();
  while (m_pos < n) {
    char c = m_text[m_pos];
    if (c == '\n') {
      newline = true;
      ++m_pos;
      ++m_line;
      m_line_start = m_pos;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++m_pos;
    } else if (c == '\\' && m_pos + 1 < n && (m_text[m_pos + 1] == '\n' || (m_text[m_pos + 1] == '\r' && m_pos + 2 < n && m_text[m_pos + 2] == '\n'))) {
      m_pos += m_text[m_pos + 1] == '\n' ? 2 : 3;
      ++m_line;
      m_line_start = m_pos;
    } else if (c == '/' && m_pos + 1 < n && m_text[m_pos + 1] == '/') {
      while (m_pos < n && m_text[m_pos] != '\n') ++m_pos;
    } else if (c == '/' && m_pos + 1 < n && m_text[m_pos + 1] == '*') {
      location start = here();
      m_pos += 2;
      for (;;) {
        if (m_pos >= n) {
          m_diags.error(start, "unterminated comment");
          return false;
        }
        if (m_text[m_pos] == '*' && m_pos + 1 < n && m_text[m_pos + 1] == '/') {
          m_pos += 2;
          break;
        }
        if (m_text[m_pos] == '\n') {
          ++m_line;
          m_line_start = m_pos + 1;
        }
        ++m_pos;
      }
    } else {
      return true;
    }
  }
  return false;
}

token lexer::next() {
  if (m_has_pending) {
    m_has_pending = false;
    return m_pending;
  }
  token t;
  bool newline = false;
  std::size_t before = m_pos;
  bool more = skip_space(newline);
  t.space = m_pos != before;
  t.bol = m_at_bol || newline;
  m_at_bol = false;
  t.loc = here();
  if (!more) {
    t.kind = tok::eof;
    t.bol = true;
    return t;
  }
  const std::size_t start = m_pos, n = m_text.size();
  unsigned char c = static_cast<unsigned char>(m_text[m_pos]);

  // Wide and UTF literals: L"..", u"..", U"..", u8"..".
  auto prefixed_literal = [&]() -> std::size_t {
    std::size_t p = m_pos;
    if (m_text[p] == 'u' && p + 1 < n && m_text[p + 1] == '8') p += 2;
    else if (m_text[p] == 'L' || m_text[p] == 'u' || m_text[p] == 'U') p += 1;
    else return 0;
    return p < n && (m_text[p] == '"' || m_text[p] == '\'') ? p - m_pos : 0;
  };

  if (std::size_t plen = ident_start(c) ? prefixed_literal() : 0; plen != 0 || c == '"' || c == '\'') {
    m_pos += plen;
    char quote = m_text[m_pos++];
    t.kind = quote == '"' ? tok::string : tok::character;
    for (;;) {
      if (m_pos >= n || m_text[m_pos] == '\n') {
        m_diags.error(t.loc, quote == '"' ? "unterminated string literal" : "unterminated character literal");
        break;
      }
      char d = m_text[m_pos++];
      if (d == '\\' && m_pos < n && m_text[m_pos] != '\n') ++m_pos;
      else if (d == quote) break;
    }
  } else if (ident_start(c)) {
    t.kind = tok::identifier;
    while (m_pos < n && ident_char(static_cast<unsigned char>(m_text[m_pos]))) ++m_pos;
  } else if (digit(c) || (c == '.' && m_pos + 1 < n && digit(static_cast<unsigned char>(m_text[m_pos + 1])))) {
    t.kind = tok::number;
    ++m_pos;
    while (m_pos < n) {
      char d = m_text[m_pos];
      if ((d == '+' || d == '-') && (m_text[m_pos - 1] == 'e' || m_text[m_pos - 1] == 'E' || m_text[m_pos - 1] == 'p' || m_text[m_pos - 1] == 'P')) {
        ++m_pos;
      } else if (ident_char(static_cast<unsigned char>(d)) || d == '.') {
        ++m_pos;
      } else {
        break;
      }
    }
  } else {
    t.kind = tok::punct;
    std::size_t len = 1;
    // Only these characters start a multi-character punctuator.
    if (std::strchr("<>.-+=!&|*/%^#:", c) != nullptr && m_pos + 1 < n) {
      for (std::string_view p : punctuators) {
        if (p[0] == static_cast<char>(c) && p[1] == m_text[m_pos + 1] && m_text.compare(m_pos, p.size(), p) == 0) {
          len = p.size();
          break;
        }
      }
    }
    if (len == 1 && std::strchr("{}[]()<>;:,.=+-*/%&|^!~?#", c) == nullptr) {
      m_diags.error(t.loc, c >= 0x20 && c < 0x7f ? std::string("stray '") + static_cast<char>(c) + "' in input"
                                                : "stray byte " + std::to_string(c) + " in input");
    }
    m_pos += len;
  }
  t.text = m_text.substr(start, m_pos - start);
  return t;
}

void lexer::skip_line() {
  const std::size_t n = m_text.size();
  // Comments and continuations may span lines; let skip_space handle them.
  while (m_pos < n) {
    bool newline = false;
    if (!skip_space(newline)) break;
    if (newline) break;
    char c = m_text[m_pos];
    if (c == '"' || c == '\'') {
      // Skip a literal so that a quote or "/*" inside it is not misread.
      char q = c;
      ++m_pos;
      while (m_pos < n && m_text[m_pos] != q && m_text[m_pos] != '\n') m_pos += m_text[m_pos] == '\\' && m_pos + 1 < n && m_text[m_pos + 1] != '\n' ? 2 : 1;
      if (m_pos < n && m_text[m_pos] == q) ++m_pos;
    } else {
      ++m_pos;
    }
  }
  m_at_bol = true;
}

std::string_view lexer::rest_of_line() {
  const std::size_t n = m_text.size();
  while (m_pos < n && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t')) ++m_pos;
  std::size_t start = m_pos;
  while (m_pos < n && m_text[m_pos] != '\n') ++m_pos;
  std::size_t end = m_pos;
  while (end > start && (m_text[end - 1] == ' ' || m_text[end - 1] == '\t' || m_text[end - 1] == '\r')) --end;
  m_at_bol = true;
  return m_text.substr(start, end - start);
}

}  // namespace comkit::idl
