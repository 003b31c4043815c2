// compiler/preprocessor.h - the IDL compiler's built-in C preprocessor.
//
// MIDL runs the C preprocessor over IDL; comkit has its own so that it needs
// no external cpp and every diagnostic keeps its file:line:col. Supported:
// #include with the including file's directory and -I search, object- and
// function-like #define (variadic, # and ##, GNU's `, ## __VA_ARGS__`),
// #undef, #if/#ifdef/#ifndef/#elif/#else/#endif with defined() and integer
// expressions, #pragma (once; others ignored), #error, #warning and #line.
//
// Limits keep hostile input finite: include depth, #if nesting, expression
// depth and the total number of tokens macro expansion may produce each
// have a cap that ends in a clear error, never a crash or a hang.
#ifndef COMKIT_COMPILER_PREPROCESSOR_H
#define COMKIT_COMPILER_PREPROCESSOR_H

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "diagnostics.h"
#include "lexer.h"

namespace comkit::idl {

/// Reads a file for the compiler; nullopt when it does not exist or is not
/// a readable regular file. Tests and the fuzzer substitute their own.
using file_reader = std::function<std::optional<std::string>(const std::string& path)>;

/// The default reader: regular files only, at most 256 MiB.
std::optional<std::string> read_regular_file(const std::string& path);

struct pp_options {
  std::vector<std::string> include_dirs;
  /// -D NAME or -D NAME=VALUE, in order; `-U NAME` is a define with
  /// `undefine` set.
  struct define {
    std::string name;
    std::string value;
    bool undefine = false;
  };
  std::vector<define> defines;
};

struct pp_limits {
  std::size_t include_depth = 200;
  std::size_t includes = 256;  // files entered in all, so `a` including `a` twice stays finite
  std::size_t if_depth = 512;
  std::size_t expression_depth = 256;
  std::size_t expansion_tokens = 2'000'000;
  std::size_t context_depth = 4096;
};

class preprocessor {
 public:
  /// Text the preprocessor makes (pasted tokens, stringified arguments,
  /// command-line macros) is kept in `text_store`, which must outlive every
  /// token handed out: the parser's tree points into it.
  preprocessor(source_manager& sources, diagnostics& diags, const pp_options& options, file_reader reader,
               std::deque<std::string>& text_store, pp_limits limits = {});
  preprocessor(const preprocessor&) = delete;
  preprocessor& operator=(const preprocessor&) = delete;

  /// Starts preprocessing `path` (already resolved). Returns false, with
  /// an error at `from`, when it cannot be read.
  bool push_file(const std::string& path, location from);
  /// The next fully expanded token; tok::eof at the end of all input.
  token next();

  /// Finds `name` for #include/import: first next to `including_file` (for
  /// the quoted form), then in each -I directory.
  std::optional<std::string> resolve(std::string_view name, bool quoted, std::uint32_t including_file);
  /// Reads and registers a file with the source manager (0 on failure).
  std::uint32_t load(const std::string& path);

 private:
  struct macro {
    std::vector<std::string_view> params;
    std::vector<token> body;
    location loc;
    bool function_like = false;
    bool variadic = false;
    bool disabled = false;
    bool builtin = false;  // __FILE__, __LINE__
  };
  struct context {
    std::vector<token> tokens;
    std::size_t pos = 0;
    macro* from = nullptr;  // re-enabled when the context is exhausted
    bool barrier = false;   // expand_list: report eof instead of popping
  };
  struct conditional {
    location loc;
    bool taking = false;   // this group is being emitted
    bool taken = false;    // some group of this #if was taken
    bool seen_else = false;
    bool parent_active = true;
  };
  struct include_frame {
    lexer lex;
    std::size_t cond_base;
  };
  // FNV-1a, inline: every identifier is looked up, most are short.
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      std::uint64_t h = 14695981039346656037ull;
      for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
      return static_cast<std::size_t>(h);
    }
  };
  std::vector<token> take_buffer() {
    if (m_spare.empty()) return {};
    std::vector<token> v = std::move(m_spare.back());
    m_spare.pop_back();
    return v;
  }
  void give_buffer(std::vector<token>&& v) {
    v.clear();
    if (m_spare.size() < 64) m_spare.push_back(std::move(v));
  }

  token raw_next();
  bool skipping() const { return !m_conds.empty() && !m_conds.back().taking; }
  void directive(const token& hash);
  std::vector<token> line_tokens();
  void do_define(const token& at);
  void do_include(const token& at);
  void do_if(const token& at, std::string_view kind);
  bool evaluate(const token& at, std::vector<token> line);
  bool expand(macro& m, const token& name);
  std::vector<token> expand_list(std::vector<token> tokens);
  std::vector<token> substitute(macro& m, const token& name, std::vector<std::vector<token>>& args);
  token stringify(const std::vector<token>& arg, location loc);
  std::vector<token> paste(const token& left, const token& right);
  std::string_view intern(std::string s);
  macro* find_macro(std::string_view name);
  // A one-sided filter in front of the macro table: most identifiers are
  // not macros, and this answers that in a few instructions. Bits are set
  // by every definition and never cleared (a stale bit only costs a lookup).
  static std::size_t filter_bit(std::string_view name) {
    return (name.size() * 131u + static_cast<unsigned char>(name.front()) * 31u + static_cast<unsigned char>(name.back())) & 0xffff;
  }
  bool maybe_macro(std::string_view name) const {
    std::size_t b = filter_bit(name);
    return (m_filter[b >> 6] >> (b & 63)) & 1;
  }
  void note_macro(std::string_view name) {
    std::size_t b = filter_bit(name);
    m_filter[b >> 6] |= std::uint64_t{1} << (b & 63);
  }
  std::uint64_t m_filter[1024] = {};
  void define_builtin(std::string_view name, std::string_view value);

  source_manager& m_sources;
  diagnostics& m_diags;
  const pp_options& m_options;
  file_reader m_reader;
  pp_limits m_limits;
  std::unordered_map<std::string, macro, string_hash, std::equal_to<>> m_macros;
  std::vector<include_frame> m_files;
  std::vector<context> m_contexts;
  std::vector<token> m_pushback;
  std::vector<conditional> m_conds;
  std::unordered_set<std::string> m_once;
  std::deque<std::string>& m_arena;
  std::vector<std::vector<token>> m_spare;  // emptied context buffers, reused
  // The full expansion of object-like macros used outside any other
  // expansion (see expand_cached); cleared by every #define and #undef.
  std::unordered_map<const macro*, std::vector<token>> m_object_cache;
  bool expand_cached(macro& m, const token& name);
  std::size_t m_expanded = 0;
  std::size_t m_includes = 0;
  bool m_expansion_overflow = false;
  bool m_depth_overflow = false;
};

}  // namespace comkit::idl

#endif  // COMKIT_COMPILER_PREPROCESSOR_H
