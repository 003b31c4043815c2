// compiler/preprocessor.cpp - directives, macro expansion and #if arithmetic.
//
// Expansion follows the C standard's model closely enough for real headers:
// a macro is disabled while the tokens of its own expansion are being read
// (its name inside them is marked noexpand for good, GCC's "painted blue"),
// arguments are fully expanded before substitution except next to # and ##,
// and the result is rescanned with the following input.
#include "preprocessor.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace comkit::idl {

std::optional<std::string> read_regular_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  if (st.st_size > (256 << 20)) return std::nullopt;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = std::fread(text.data(), 1, text.size(), f);
  std::fclose(f);
  text.resize(got);
  return text;
}

namespace {

std::string directory_of(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash + 1));
}

// ---- #if expressions --------------------------------------------------------

struct pp_value {
  std::int64_t v = 0;
  bool is_unsigned = false;
};

class if_parser {
 public:
  if_parser(const std::vector<token>& toks, diagnostics& diags, std::size_t max_depth)
      : m_toks(toks), m_diags(diags), m_max_depth(max_depth) {}

  bool ok() const { return !m_failed; }
  pp_value parse_all(location at) {
    pp_value v = conditional_expr();
    if (!m_failed && m_pos < m_toks.size()) fail(m_toks[m_pos].loc, "unexpected '" + std::string(m_toks[m_pos].text) + "' in #if expression");
    if (!m_failed && m_toks.empty()) fail(at, "#if with no expression");
    return v;
  }

 private:
  const token* peek() const { return m_pos < m_toks.size() ? &m_toks[m_pos] : nullptr; }
  bool accept(std::string_view p) {
    if (m_pos < m_toks.size() && m_toks[m_pos].kind == tok::punct && m_toks[m_pos].text == p) {
      ++m_pos;
      return true;
    }
    return false;
  }
  void fail(location loc, std::string msg) {
    if (!m_failed) m_diags.error(loc, std::move(msg));
    m_failed = true;
  }
  location here() const { return m_pos < m_toks.size() ? m_toks[m_pos].loc : (m_toks.empty() ? location{} : m_toks.back().loc); }

  struct depth_guard {
    if_parser& p;
    explicit depth_guard(if_parser& parser) : p(parser) {
      if (++p.m_depth > p.m_max_depth) p.fail(p.here(), "#if expression nested too deeply");
    }
    ~depth_guard() { --p.m_depth; }
  };

  static pp_value arith(pp_value a, pp_value b) {
    bool u = a.is_unsigned || b.is_unsigned;
    return {0, u};
  }

  pp_value conditional_expr() {
    depth_guard g(*this);
    if (m_failed) return {};
    pp_value c = binary(0);
    if (accept("?")) {
      pp_value a = conditional_expr();
      if (!accept(":")) fail(here(), "expected ':' in #if expression");
      pp_value b = conditional_expr();
      pp_value r = c.v != 0 ? a : b;
      r.is_unsigned = a.is_unsigned || b.is_unsigned;
      return r;
    }
    return c;
  }

  static int precedence(std::string_view op) {
    if (op == "||") return 1;
    if (op == "&&") return 2;
    if (op == "|") return 3;
    if (op == "^") return 4;
    if (op == "&") return 5;
    if (op == "==" || op == "!=") return 6;
    if (op == "<" || op == ">" || op == "<=" || op == ">=") return 7;
    if (op == "<<" || op == ">>") return 8;
    if (op == "+" || op == "-") return 9;
    if (op == "*" || op == "/" || op == "%") return 10;
    return 0;
  }

  pp_value binary(int min_prec) {
    depth_guard g(*this);
    pp_value lhs = unary();
    for (;;) {
      if (m_failed) return {};
      const token* t = peek();
      if (!t || t->kind != tok::punct) return lhs;
      int prec = precedence(t->text);
      if (prec == 0 || prec <= min_prec) return lhs;
      std::string_view op = t->text;
      location loc = t->loc;
      ++m_pos;
      pp_value rhs = binary(prec);
      lhs = apply(op, lhs, rhs, loc);
    }
  }

  pp_value apply(std::string_view op, pp_value a, pp_value b, location loc) {
    pp_value r = arith(a, b);
    const std::uint64_t ua = static_cast<std::uint64_t>(a.v), ub = static_cast<std::uint64_t>(b.v);
    if (op == "||" || op == "&&") {
      r.is_unsigned = false;
      r.v = op == "||" ? (a.v != 0 || b.v != 0) : (a.v != 0 && b.v != 0);
      return r;
    }
    if (op == "==" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=") {
      bool res;
      if (r.is_unsigned) {
        res = op == "==" ? ua == ub : op == "!=" ? ua != ub : op == "<" ? ua < ub : op == ">" ? ua > ub : op == "<=" ? ua <= ub : ua >= ub;
      } else {
        res = op == "==" ? a.v == b.v : op == "!=" ? a.v != b.v : op == "<" ? a.v < b.v : op == ">" ? a.v > b.v : op == "<=" ? a.v <= b.v : a.v >= b.v;
      }
      return {res ? 1 : 0, false};
    }
    if (op == "/" || op == "%") {
      if (b.v == 0) {
        fail(loc, "division by zero in #if expression");
        return {};
      }
      if (r.is_unsigned) r.v = static_cast<std::int64_t>(op == "/" ? ua / ub : ua % ub);
      else if (a.v == INT64_MIN && b.v == -1) r.v = op == "/" ? INT64_MIN : 0;
      else r.v = op == "/" ? a.v / b.v : a.v % b.v;
      return r;
    }
    if (op == "<<" || op == ">>") {
      unsigned s = static_cast<unsigned>(ub & 63);
      r.is_unsigned = a.is_unsigned;
      if (op == "<<") r.v = static_cast<std::int64_t>(ua << s);
      else r.v = a.is_unsigned ? static_cast<std::int64_t>(ua >> s) : (a.v >> s);
      return r;
    }
    std::uint64_t u = op == "+" ? ua + ub : op == "-" ? ua - ub : op == "*" ? ua * ub : op == "&" ? ua & ub : op == "|" ? ua | ub : ua ^ ub;
    r.v = static_cast<std::int64_t>(u);
    return r;
  }

  pp_value unary() {
    depth_guard g(*this);
    if (m_failed) return {};
    const token* t = peek();
    if (!t) {
      fail(here(), "#if expression ends too early");
      return {};
    }
    if (t->kind == tok::punct) {
      std::string_view op = t->text;
      if (op == "(") {
        ++m_pos;
        pp_value v = conditional_expr();
        if (!accept(")")) fail(here(), "expected ')' in #if expression");
        return v;
      }
      if (op == "-" || op == "+" || op == "~" || op == "!") {
        ++m_pos;
        pp_value v = unary();
        std::uint64_t u = static_cast<std::uint64_t>(v.v);
        if (op == "-") v.v = static_cast<std::int64_t>(0 - u);
        else if (op == "~") v.v = static_cast<std::int64_t>(~u);
        else if (op == "!") v = {v.v == 0 ? 1 : 0, false};
        return v;
      }
    }
    ++m_pos;
    if (t->kind == tok::number) return number(*t);
    if (t->kind == tok::character) return character(*t);
    if (t->kind == tok::identifier) return {0, false};  // an undefined name is 0
    fail(t->loc, "unexpected '" + std::string(t->text) + "' in #if expression");
    return {};
  }

  pp_value number(const token& t) {
    std::string s(t.text);
    std::size_t end = s.size();
    bool is_unsigned = false;
    while (end > 0 && (s[end - 1] == 'u' || s[end - 1] == 'U' || s[end - 1] == 'l' || s[end - 1] == 'L')) {
      if (s[end - 1] == 'u' || s[end - 1] == 'U') is_unsigned = true;
      --end;
    }
    s.resize(end);
    if (s.find_first_of(".eEpP") != std::string::npos && !(s.size() > 1 && (s[1] == 'x' || s[1] == 'X'))) {
      fail(t.loc, "floating-point number in #if expression");
      return {};
    }
    char* stop = nullptr;
    errno = 0;
    std::uint64_t v = std::strtoull(s.c_str(), &stop, 0);
    if (s.empty() || *stop != '\0') {
      fail(t.loc, "invalid number '" + std::string(t.text) + "' in #if expression");
      return {};
    }
    if (errno == ERANGE) fail(t.loc, "number '" + std::string(t.text) + "' is too large");
    if (v > static_cast<std::uint64_t>(INT64_MAX)) is_unsigned = true;
    return {static_cast<std::int64_t>(v), is_unsigned};
  }

  pp_value character(const token& t) {
    std::string_view s = t.text;
    std::size_t q = s.find('\'');
    s = s.substr(q + 1, s.size() >= q + 2 ? s.size() - q - 2 : 0);
    if (s.empty()) return {};
    if (s[0] != '\\') return {static_cast<unsigned char>(s[0]), false};
    if (s.size() < 2) return {};
    switch (s[1]) {
      case 'n': return {'\n', false};
      case 't': return {'\t', false};
      case 'r': return {'\r', false};
      case '0': return {std::strtol(std::string(s.substr(1)).c_str(), nullptr, 8), false};
      case 'x': return {std::strtol(std::string(s.substr(2)).c_str(), nullptr, 16), false};
      default: return {static_cast<unsigned char>(s[1]), false};
    }
  }

  const std::vector<token>& m_toks;
  diagnostics& m_diags;
  std::size_t m_pos = 0, m_depth = 0, m_max_depth;
  bool m_failed = false;
};

}  // namespace

// ---- Setup -------------------------------------------------------------------

preprocessor::preprocessor(source_manager& sources, diagnostics& diags, const pp_options& options, file_reader reader,
                           std::deque<std::string>& text_store, pp_limits limits)
    : m_sources(sources), m_diags(diags), m_options(options), m_reader(std::move(reader)), m_limits(limits), m_arena(text_store) {
  define_builtin("__midl", "501");
  // The largest public IDL corpus (Wine's) is written for widl and keeps C
  // and IDL forms of shared headers apart with #ifdef __WIDL__ (mmreg.h,
  // basetsd.h, guiddef.h): comkit reads the IDL forms, as widl does.
  // -U__WIDL__ turns this off.
  define_builtin("__WIDL__", "1");
  define_builtin("__comkit_idl__", "1");
  m_macros["__FILE__"].builtin = true;
  m_macros["__LINE__"].builtin = true;
  note_macro("__FILE__");
  note_macro("__LINE__");
  for (const pp_options::define& d : options.defines) {
    if (d.undefine) {
      m_macros.erase(d.name);
      continue;
    }
    define_builtin(d.name, d.value);
  }
}

void preprocessor::define_builtin(std::string_view name, std::string_view value) {
  std::string_view text = intern(std::string(value));
  std::uint32_t id = 0;  // command-line definitions have no file
  lexer lex(text, id, m_diags);
  macro m;
  for (token t = lex.next(); t.kind != tok::eof; t = lex.next()) m.body.push_back(t);
  if (!m.body.empty()) m.body.front().space = false;
  if (!name.empty()) note_macro(name);
  m_macros[std::string(name)] = std::move(m);
}

std::string_view preprocessor::intern(std::string s) {
  m_arena.push_back(std::move(s));
  return m_arena.back();
}

preprocessor::macro* preprocessor::find_macro(std::string_view name) {
  if (name.empty() || !maybe_macro(name)) return nullptr;
  auto it = m_macros.find(name);
  return it == m_macros.end() ? nullptr : &it->second;
}

std::uint32_t preprocessor::load(const std::string& path) {
  if (std::uint32_t id = m_sources.find(path)) return id;
  std::optional<std::string> text = m_reader(path);
  if (!text) return 0;
  return m_sources.add(path, std::move(*text));
}

std::optional<std::string> preprocessor::resolve(std::string_view name, bool quoted, std::uint32_t including_file) {
  if (name.empty()) return std::nullopt;
  // Found means readable through the file_reader; the text is kept, so
  // the file is read once however often it is looked up.
  auto exists = [&](const std::string& p) { return load(p) != 0; };
  if (name.front() == '/') {
    std::string p(name);
    return exists(p) ? std::optional<std::string>(p) : std::nullopt;
  }
  if (quoted && including_file != 0) {
    std::string p = directory_of(m_sources.file(including_file).path) + std::string(name);
    if (exists(p)) return p;
  }
  for (const std::string& dir : m_options.include_dirs) {
    std::string p = dir;
    if (!p.empty() && p.back() != '/') p += '/';
    p += name;
    if (exists(p)) return p;
  }
  return std::nullopt;
}

bool preprocessor::push_file(const std::string& path, location from) {
  if (m_files.size() >= m_limits.include_depth) {
    m_diags.error(from, "#include nested too deeply (more than " + std::to_string(m_limits.include_depth) + " levels)");
    return false;
  }
  if (m_once.count(path)) return true;
  if (++m_includes > m_limits.includes) {
    if (m_includes == m_limits.includes + 1)
      m_diags.error(from, "too many #include operations (more than " + std::to_string(m_limits.includes) + ")");
    return false;
  }
  std::uint32_t id = load(path);
  if (id == 0) {
    m_diags.error(from, "cannot read '" + path + "'");
    return false;
  }
  m_files.push_back({lexer(m_sources.file(id).text, id, m_diags), m_conds.size()});
  return true;
}

// ---- Reading -----------------------------------------------------------------

token preprocessor::raw_next() {
  for (;;) {
    if (!m_pushback.empty()) {
      token t = m_pushback.back();
      m_pushback.pop_back();
      return t;
    }
    if (!m_contexts.empty()) {
      context& c = m_contexts.back();
      if (c.pos < c.tokens.size()) return c.tokens[c.pos++];
      if (c.barrier) return token{};
      if (c.from) c.from->disabled = false;
      give_buffer(std::move(c.tokens));
      m_contexts.pop_back();
      continue;
    }
    if (m_files.empty()) return token{};
    include_frame& f = m_files.back();
    token t = f.lex.next();
    if (t.kind == tok::eof) {
      while (m_conds.size() > f.cond_base) {
        m_diags.error(m_conds.back().loc, "unterminated #if (no #endif before the end of the file)");
        m_conds.pop_back();
      }
      location end = t.loc;
      m_files.pop_back();
      if (m_files.empty()) {
        token e;
        e.loc = end;
        return e;
      }
      continue;
    }
    if (t.bol && t.is_punct('#')) {
      directive(t);
      continue;
    }
    if (skipping()) {
      m_files.back().lex.skip_line();
      continue;
    }
    return t;
  }
}

token preprocessor::next() {
  for (;;) {
    token t = raw_next();
    if (t.kind != tok::identifier || t.noexpand) return t;
    macro* m = find_macro(t.text);
    if (!m) return t;
    if (m->disabled) {
      t.noexpand = true;
      return t;
    }
    if (m->builtin) {
      token r = t;
      if (t.text == "__LINE__") {
        r.kind = tok::number;
        r.text = intern(std::to_string(t.loc.line));
      } else {
        r.kind = tok::string;
        std::string path = t.loc.file ? m_sources.file(t.loc.file).path : std::string();
        std::string q = "\"";
        for (char c : path) {
          if (c == '"' || c == '\\') q += '\\';
          q += c;
        }
        r.text = intern(q + "\"");
      }
      return r;
    }
    if (!m->function_like && m_contexts.empty() && m_pushback.empty()) {
      if (expand_cached(*m, t)) continue;
    }
    if (!expand(*m, t)) return t;
  }
}

// Header files use object-like macros in long chains (Wine's mshtml.idl:
// thousands of DISPID_X defined as (DISPID_Y + n), several levels deep).
// Outside any other expansion the result of expanding such a macro depends
// only on the macro table, so it is computed once and spliced in after
// that. Not cached: expansions whose last token is a function-like macro
// name (it could take arguments from the text that follows) and anything
// involving __LINE__/__FILE__.
bool preprocessor::expand_cached(macro& m, const token& name) {
  auto it = m_object_cache.find(&m);
  if (it == m_object_cache.end()) {
    std::vector<token> one{name};
    one.front().space = false;
    std::size_t before = m_expanded;
    std::vector<token> full = expand_list(std::move(one));
    bool cacheable = !m_expansion_overflow && !m_depth_overflow;
    for (const token& t : full) {
      if (t.kind == tok::identifier && !t.noexpand) {
        if (const macro* x = find_macro(t.text); x && (x->function_like || x->builtin)) cacheable = false;
      }
    }
    (void)before;
    if (!cacheable) {
      // Hand the already expanded tokens to the parser directly.
      for (token& t : full) t.loc = name.loc;
      if (!full.empty()) full.front().space = name.space;
      m_contexts.push_back({std::move(full), 0, nullptr, false});
      return true;
    }
    it = m_object_cache.emplace(&m, std::move(full)).first;
  }
  std::vector<token> copy = take_buffer();
  copy.assign(it->second.begin(), it->second.end());
  for (token& t : copy) t.loc = name.loc;
  if (!copy.empty()) copy.front().space = name.space;
  m_expanded += copy.size();
  if (m_expanded > m_limits.expansion_tokens) {
    if (!m_expansion_overflow) m_diags.error(name.loc, "macro expansion produces too many tokens (more than " + std::to_string(m_limits.expansion_tokens) + ")");
    m_expansion_overflow = true;
    give_buffer(std::move(copy));
    return true;
  }
  m_contexts.push_back({std::move(copy), 0, nullptr, false});
  return true;
}

// ---- Macro expansion -----------------------------------------------------------

bool preprocessor::expand(macro& m, const token& name) {
  std::vector<token> result = take_buffer();
  if (m.function_like) {
    token paren = raw_next();
    if (!paren.is_punct('(')) {
      if (paren.kind != tok::eof) m_pushback.push_back(paren);
      return false;
    }
    std::vector<std::vector<token>> args(1);
    int depth = 0;
    for (;;) {
      token t = raw_next();
      if (t.kind == tok::eof) {
        m_diags.error(name.loc, "unterminated argument list invoking macro '" + std::string(name.text) + "'");
        return true;
      }
      if (t.is_punct('(')) ++depth;
      else if (t.is_punct(')')) {
        if (depth == 0) break;
        --depth;
      } else if (t.is_punct(',') && depth == 0 && !(m.variadic && args.size() == m.params.size())) {
        args.emplace_back();
        continue;
      }
      if (t.kind == tok::identifier && !t.noexpand) {
        // A disabled macro's name read now stays unexpandable forever.
        if (macro* inner = find_macro(t.text); inner && inner->disabled) t.noexpand = true;
      }
      args.back().push_back(t);
    }
    if (args.size() == 1 && args[0].empty() && m.params.empty()) args.clear();
    if (m.variadic && args.size() + 1 == m.params.size()) args.emplace_back();
    if (args.size() != m.params.size()) {
      m_diags.error(name.loc, "macro '" + std::string(name.text) + "' takes " + std::to_string(m.params.size()) +
                                  " argument(s), " + std::to_string(args.size()) + " given");
      return true;
    }
    give_buffer(std::move(result));
    result = substitute(m, name, args);
  } else {
    result.assign(m.body.begin(), m.body.end());
  }
  m_expanded += result.size() + 1;
  if (m_expanded > m_limits.expansion_tokens) {
    if (!m_expansion_overflow) m_diags.error(name.loc, "macro expansion produces too many tokens (more than " + std::to_string(m_limits.expansion_tokens) + ")");
    m_expansion_overflow = true;
    return true;
  }
  if (m_contexts.size() >= m_limits.context_depth) {
    if (!m_depth_overflow) m_diags.error(name.loc, "macro expansion nested too deeply");
    m_depth_overflow = true;
    return true;
  }
  for (token& t : result) {
    t.loc = name.loc;
    t.bol = false;
  }
  if (!result.empty()) result.front().space = name.space;
  m.disabled = true;
  m_contexts.push_back({std::move(result), 0, &m, false});
  return true;
}

std::vector<token> preprocessor::expand_list(std::vector<token> tokens) {
  std::vector<token> saved_pushback;
  saved_pushback.swap(m_pushback);
  m_contexts.push_back({std::move(tokens), 0, nullptr, true});
  const std::size_t level = m_contexts.size();
  std::vector<token> out;
  for (;;) {
    token t = next();
    if (t.kind == tok::eof) break;
    out.push_back(t);
  }
  // Contexts above the barrier are exhausted here; unwind to it.
  while (m_contexts.size() > level) {
    if (m_contexts.back().from) m_contexts.back().from->disabled = false;
    m_contexts.pop_back();
  }
  m_contexts.pop_back();
  m_pushback.swap(saved_pushback);
  return out;
}

token preprocessor::stringify(const std::vector<token>& arg, location loc) {
  std::string s = "\"";
  for (std::size_t i = 0; i < arg.size(); ++i) {
    if (i != 0 && (arg[i].space || arg[i].bol)) s += ' ';
    if (arg[i].kind == tok::string || arg[i].kind == tok::character) {
      for (char c : arg[i].text) {
        if (c == '"' || c == '\\') s += '\\';
        s += c;
      }
    } else {
      s += arg[i].text;
    }
  }
  s += '"';
  token t;
  t.kind = tok::string;
  t.text = intern(std::move(s));
  t.loc = loc;
  return t;
}

std::vector<token> preprocessor::paste(const token& left, const token& right) {
  std::string_view text = intern(std::string(left.text) + std::string(right.text));
  lexer lex(text, 0, m_diags);
  std::vector<token> out;
  for (token t = lex.next(); t.kind != tok::eof; t = lex.next()) {
    t.loc = left.loc;
    out.push_back(t);
  }
  if (out.size() > 1)
    m_diags.error(left.loc, "pasting '" + std::string(left.text) + "' and '" + std::string(right.text) + "' does not give a valid token");
  if (!out.empty()) out.front().space = left.space;
  return out;
}

std::vector<token> preprocessor::substitute(macro& m, const token& name, std::vector<std::vector<token>>& args) {
  auto param_index = [&](const token& t) -> int {
    if (t.kind != tok::identifier) return -1;
    for (std::size_t i = 0; i < m.params.size(); ++i)
      if (m.params[i] == t.text) return static_cast<int>(i);
    return -1;
  };
  std::vector<std::optional<std::vector<token>>> expanded(args.size());
  std::vector<token> out = take_buffer();
  const std::vector<token>& body = m.body;
  bool placemarker = false;  // the last operand was an empty argument
  for (std::size_t i = 0; i < body.size(); ++i) {
    const token& t = body[i];
    if (t.is_punct('#') && i + 1 < body.size() && param_index(body[i + 1]) >= 0) {
      token s = stringify(args[static_cast<std::size_t>(param_index(body[i + 1]))], name.loc);
      s.space = t.space;
      out.push_back(s);
      ++i;
      placemarker = false;
      continue;
    }
    if (t.is("##") && i + 1 < body.size()) {
      const token& rhs_tok = body[++i];
      int p = param_index(rhs_tok);
      std::vector<token> rhs = p >= 0 ? args[static_cast<std::size_t>(p)] : std::vector<token>{rhs_tok};
      if (p >= 0 && m.variadic && static_cast<std::size_t>(p) + 1 == m.params.size() && !out.empty() && out.back().is_punct(',')) {
        // GNU: `, ## __VA_ARGS__` drops the comma when the variable
        // arguments are empty, and pastes nothing otherwise.
        if (rhs.empty()) out.pop_back();
        else out.insert(out.end(), rhs.begin(), rhs.end());
        placemarker = false;
        continue;
      }
      if (rhs.empty()) continue;
      if (placemarker || out.empty()) {
        out.insert(out.end(), rhs.begin(), rhs.end());
      } else {
        token left = out.back();
        out.pop_back();
        std::vector<token> pasted = paste(left, rhs.front());
        out.insert(out.end(), pasted.begin(), pasted.end());
        out.insert(out.end(), rhs.begin() + 1, rhs.end());
      }
      placemarker = false;
      continue;
    }
    if (int p = param_index(t); p >= 0) {
      auto idx = static_cast<std::size_t>(p);
      bool before_paste = i + 1 < body.size() && body[i + 1].is("##");
      const std::vector<token>* src;
      if (before_paste) {
        src = &args[idx];
      } else {
        if (!expanded[idx]) expanded[idx] = expand_list(args[idx]);
        src = &*expanded[idx];
      }
      placemarker = src->empty();
      std::size_t first = out.size();
      out.insert(out.end(), src->begin(), src->end());
      if (out.size() > first) out[first].space = t.space;
      continue;
    }
    out.push_back(t);
    placemarker = false;
  }
  return out;
}

// ---- Directives ---------------------------------------------------------------

std::vector<token> preprocessor::line_tokens() {
  std::vector<token> out;
  lexer& lex = m_files.back().lex;
  for (;;) {
    token t = lex.next();
    if (t.kind == tok::eof || t.bol) {
      lex.unread(t);
      break;
    }
    out.push_back(t);
  }
  return out;
}

void preprocessor::directive(const token& hash) {
  lexer& lex = m_files.back().lex;
  token name = lex.next();
  if (name.kind == tok::eof || name.bol) {  // a lone '#' is a null directive
    lex.unread(name);
    return;
  }
  std::string_view d = name.text;
  if (d == "if" || d == "ifdef" || d == "ifndef" || d == "elif" || d == "else" || d == "endif") {
    do_if(name, d);
    return;
  }
  if (skipping()) {
    lex.skip_line();
    return;
  }
  if (d == "define") return do_define(name);
  if (d == "include" || d == "import" || d == "include_next") return do_include(name);
  if (d == "undef") {
    std::vector<token> line = line_tokens();
    if (line.empty() || line[0].kind != tok::identifier) m_diags.error(name.loc, "#undef needs a macro name");
    else {
      m_macros.erase(std::string(line[0].text));
      m_object_cache.clear();
    }
    return;
  }
  if (d == "pragma") {
    std::vector<token> line = line_tokens();
    if (!line.empty() && line[0].text == "once") m_once.insert(m_sources.file(hash.loc.file).path);
    return;
  }
  if (d == "error" || d == "warning") {
    std::string text(lex.rest_of_line());
    if (d == "error") m_diags.error(hash.loc, "#error " + text);
    else m_diags.warning(hash.loc, "#warning " + text);
    return;
  }
  if (d == "line" || name.kind == tok::number) {
    std::vector<token> line = line_tokens();
    const token* num = name.kind == tok::number ? &name : (line.empty() ? nullptr : &line[0]);
    if (!num || num->kind != tok::number) {
      m_diags.error(name.loc, "#line needs a line number");
      return;
    }
    lex.set_line(static_cast<std::uint32_t>(std::strtoul(std::string(num->text).c_str(), nullptr, 10)));
    return;
  }
  if (d == "ident" || d == "sccs") {
    lex.skip_line();
    return;
  }
  m_diags.error(name.loc, "unknown directive '#" + std::string(d) + "'");
  lex.skip_line();
}

void preprocessor::do_define(const token& at) {
  lexer& lex = m_files.back().lex;
  token name = lex.next();
  if (name.kind != tok::identifier || name.bol) {
    m_diags.error(at.loc, "#define needs a macro name");
    if (name.bol || name.kind == tok::eof) lex.unread(name);
    else lex.skip_line();
    return;
  }
  if (name.text == "defined") {
    m_diags.error(name.loc, "'defined' cannot be used as a macro name");
    lex.skip_line();
    return;
  }
  macro m;
  m.loc = name.loc;
  std::vector<token> rest = line_tokens();
  std::size_t i = 0;
  if (!rest.empty() && rest[0].is_punct('(') && !rest[0].space) {
    m.function_like = true;
    i = 1;
    bool closed = false;
    while (i < rest.size()) {
      const token& t = rest[i++];
      if (t.is_punct(')')) {
        closed = true;
        break;
      }
      if (t.is_punct(',')) continue;
      if (t.is("...")) {
        m.variadic = true;
        m.params.push_back("__VA_ARGS__");
      } else if (t.kind == tok::identifier) {
        if (i < rest.size() && rest[i].is("...")) {  // GNU named variadic: args...
          m.variadic = true;
          ++i;
        }
        m.params.push_back(t.text);
      } else {
        m_diags.error(t.loc, "unexpected '" + std::string(t.text) + "' in macro parameter list");
        return;
      }
    }
    if (!closed) {
      m_diags.error(name.loc, "missing ')' in macro parameter list");
      return;
    }
  }
  m.body.assign(rest.begin() + static_cast<std::ptrdiff_t>(i), rest.end());
  if (!m.body.empty()) m.body.front().space = false;
  if (!m.body.empty() && (m.body.front().is("##") || m.body.back().is("##"))) {
    m_diags.error(m.body.front().loc, "'##' cannot appear at either end of a macro");
    return;
  }
  note_macro(name.text);
  m_macros[std::string(name.text)] = std::move(m);
  m_object_cache.clear();
}

void preprocessor::do_include(const token& at) {
  std::vector<token> line = line_tokens();
  std::uint32_t including = at.loc.file;
  if (!line.empty() && line[0].kind == tok::identifier) line = expand_list(std::move(line));
  std::string target;
  bool quoted = false;
  if (!line.empty() && line[0].kind == tok::string && line[0].text.front() == '"') {
    target = std::string(line[0].text.substr(1, line[0].text.size() - 2));
    quoted = true;
  } else if (!line.empty() && line[0].is_punct('<')) {
    std::size_t k = 1;
    for (; k < line.size() && !line[k].is_punct('>'); ++k) {
      if (k > 1 && line[k].space) target += ' ';
      target += line[k].text;
    }
    if (k == line.size()) {
      m_diags.error(at.loc, "missing '>' in #include");
      return;
    }
  } else {
    m_diags.error(at.loc, "#include expects \"FILE\" or <FILE>");
    return;
  }
  std::optional<std::string> path = resolve(target, quoted, including);
  if (!path) {
    m_diags.error(at.loc, "cannot find include file '" + target + "'");
    return;
  }
  push_file(*path, at.loc);
}

void preprocessor::do_if(const token& at, std::string_view kind) {
  if (kind == "if" || kind == "ifdef" || kind == "ifndef") {
    bool parent = !skipping();
    if (m_conds.size() >= m_limits.if_depth) {
      m_diags.error(at.loc, "#if nested too deeply (more than " + std::to_string(m_limits.if_depth) + " levels)");
      m_files.back().lex.skip_line();
      m_conds.push_back({at.loc, false, true, false, false});
      return;
    }
    conditional c{at.loc, false, false, false, parent};
    if (!parent) {
      m_files.back().lex.skip_line();
      c.taken = true;  // no group of a skipped #if is ever taken
    } else if (kind == "if") {
      c.taking = evaluate(at, line_tokens());
    } else {
      std::vector<token> line = line_tokens();
      if (line.empty() || line[0].kind != tok::identifier) {
        m_diags.error(at.loc, "#" + std::string(kind) + " needs a macro name");
      } else {
        bool def = find_macro(line[0].text) != nullptr;
        c.taking = kind == "ifdef" ? def : !def;
      }
    }
    c.taken = c.taken || c.taking;
    m_conds.push_back(c);
    return;
  }
  if (m_conds.size() <= m_files.back().cond_base) {
    m_diags.error(at.loc, "#" + std::string(kind) + " without #if");
    m_files.back().lex.skip_line();
    return;
  }
  conditional& c = m_conds.back();
  if (kind == "endif") {
    m_conds.pop_back();
    m_files.back().lex.skip_line();
    return;
  }
  if (c.seen_else) {
    m_diags.error(at.loc, "#" + std::string(kind) + " after #else");
    m_files.back().lex.skip_line();
    return;
  }
  if (kind == "else") {
    c.seen_else = true;
    c.taking = c.parent_active && !c.taken;
    c.taken = true;
    m_files.back().lex.skip_line();
    return;
  }
  // #elif
  if (!c.parent_active || c.taken) {
    c.taking = false;
    m_files.back().lex.skip_line();
    return;
  }
  c.taking = evaluate(at, line_tokens());
  c.taken = c.taking;
}

bool preprocessor::evaluate(const token& at, std::vector<token> line) {
  std::vector<token> resolved;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i].kind == tok::identifier && line[i].text == "defined") {
      bool paren = i + 1 < line.size() && line[i + 1].is_punct('(');
      std::size_t n = i + (paren ? 2 : 1);
      if (n >= line.size() || line[n].kind != tok::identifier || (paren && (n + 1 >= line.size() || !line[n + 1].is_punct(')')))) {
        m_diags.error(line[i].loc, "'defined' needs a macro name");
        return false;
      }
      token v = line[i];
      v.kind = tok::number;
      v.text = find_macro(line[n].text) ? "1" : "0";
      resolved.push_back(v);
      i = n + (paren ? 1 : 0);
      continue;
    }
    resolved.push_back(line[i]);
  }
  std::vector<token> expanded = expand_list(std::move(resolved));
  if_parser p(expanded, m_diags, m_limits.expression_depth);
  pp_value v = p.parse_all(at.loc);
  return p.ok() && v.v != 0;
}

}  // namespace comkit::idl
