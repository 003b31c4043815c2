// compiler/lexer.h - IDL/C tokens, shared by the preprocessor and the parser.
//
// The lexer turns one source file into preprocessing tokens (C's pp-tokens:
// identifiers, pp-numbers, string and character literals, punctuators). A
// token's text points into the source file or into the preprocessor's
// arena, so tokens are cheap to copy.
#ifndef COMKIT_COMPILER_LEXER_H
#define COMKIT_COMPILER_LEXER_H

#include <cstdint>
#include <string_view>

#include "diagnostics.h"

namespace comkit::idl {

enum class tok : std::uint8_t { eof, identifier, number, string, character, punct };

struct token {
  tok kind = tok::eof;
  bool bol = false;       // first token on its line
  bool space = false;     // whitespace before it
  bool noexpand = false;  // an identifier that must not be macro-expanded again
  std::string_view text;
  location loc;

  bool is(std::string_view p) const { return (kind == tok::punct || kind == tok::identifier) && text == p; }
  bool is_punct(char c) const { return kind == tok::punct && text.size() == 1 && text[0] == c; }
};

/// Reads tokens from one buffer. Errors (an unterminated comment or
/// literal, a stray character) are reported and lexing continues.
class lexer {
 public:
  lexer(std::string_view text, std::uint32_t file, diagnostics& diags, std::uint32_t first_line = 1)
      : m_text(text), m_file(file), m_line(first_line), m_diags(diags) {}

  token next();
  /// Puts one token back; the next call to next() returns it.
  void unread(const token& t) {
    m_pending = t;
    m_has_pending = true;
  }
  /// Skips to the start of the next line (used for skipped #if groups and
  /// the rest of an unknown directive).
  void skip_line();
  /// Reads the rest of the line raw, e.g. for #error text; trims spaces.
  std::string_view rest_of_line();
  /// Moves the line counter (#line).
  void set_line(std::uint32_t line) { m_line_delta += static_cast<std::int64_t>(line) - (m_line + 1); }
  std::uint32_t file() const { return m_file; }

 private:
  bool skip_space(bool& newline);
  location here() const;

  std::string_view m_text;
  std::size_t m_pos = 0, m_line_start = 0;
  std::uint32_t m_file;
  std::uint32_t m_line;
  std::int64_t m_line_delta = 0;  // #line adjustments
  bool m_at_bol = true;
  bool m_has_pending = false;
  token m_pending;
  diagnostics& m_diags;
};

}  // namespace comkit::idl

#endif  // COMKIT_COMPILER_LEXER_H
