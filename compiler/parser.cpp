// compiler/parser.cpp - MIDL syntax to the tree in ast.h.
//
// A hand-written recursive-descent parser over the preprocessor's tokens.
// It recovers from a syntax error by skipping to the end of the current
// declaration (a ';' or the '}' that closes the current body) and goes on,
// so one run reports every independent error. Recursion (nested types,
// parenthesised declarators, expressions) is capped by limits.nesting.
//
// Imports: `import "x.idl";` is handed to the driver (import_file in
// imports.cpp), which finds, parses and caches x.idl before the parse of
// this file goes on (its type names decide how the rest parses); the
// parser records the resolved path for the header's #include.
#include <cstring>

#include "compilation.h"

namespace comkit::idl {
namespace {

bool is_builtin_word(std::string_view w) {
  static constexpr std::string_view words[] = {
      "signed", "unsigned", "short",   "long",      "int",       "char",      "small",          "hyper",
      "__int8", "__int16",  "__int32", "__int64",   "__int3264", "float",     "double",         "void",
      "byte",   "boolean",  "wchar_t", "handle_t",  "error_status_t",
  };
  for (std::string_view x : words)
    if (x == w) return true;
  return false;
}

bool is_callconv(std::string_view w) {
  return w == "__stdcall" || w == "_stdcall" || w == "__cdecl" || w == "_cdecl" || w == "__fastcall" || w == "_fastcall" ||
         w == "__pascal" || w == "pascal" || w == "_pascal" || w == "__thiscall" || w == "STDMETHODCALLTYPE" ||
         w == "WINAPI" || w == "CALLBACK" || w == "APIENTRY" || w == "STDAPICALLTYPE" || w == "RPC_ENTRY" ||
         w == "__RPC_USER" || w == "__RPC_API" || w == "__RPC_STUB";
}

// Attributes whose arguments are types rather than expressions.
bool attribute_takes_type(std::string_view name) {
  return name == "switch_type" || name == "wire_marshal" || name == "user_marshal" || name == "transmit_as" ||
         name == "represent_as";
}

bool attribute_takes_guid(std::string_view name) { return name == "uuid" || name == "async_uuid"; }

class parser {
 public:
  parser(compilation& c, preprocessor& pp, bool imported) : m_c(c), m_pp(pp), m_imported(imported), m_arena(c.arena) {}

  void parse_file(std::vector<decl*>& out) {
    while (!at_eof()) parse_item(out, scope::global);
  }

 private:
  enum class scope { global, interface, library, module, rpc_interface };

  // ---- tokens -------------------------------------------------------------
  // Lookahead is a ring of `ring_size` tokens. peek returns by value: a
  // reference into the ring would dangle once the slot is refilled.
  static constexpr std::size_t ring_size = 128;  // > the deepest peek (64)
  token peek(std::size_t k = 0) {
    while (m_count <= k) {
      m_ring[(m_head + m_count) % ring_size] = m_pp.next();
      ++m_count;
    }
    return m_ring[(m_head + k) % ring_size];
  }
  // For checks that do not outlive the next take().
  const token& look(std::size_t k = 0) {
    while (m_count <= k) {
      m_ring[(m_head + m_count) % ring_size] = m_pp.next();
      ++m_count;
    }
    return m_ring[(m_head + k) % ring_size];
  }
  token take() {
    if (m_count == 0) peek();
    token t = m_ring[m_head];
    m_head = (m_head + 1) % ring_size;
    --m_count;
    m_last = t.loc;
    return t;
  }
  bool at_eof() { return look().kind == tok::eof; }
  bool is_punct(char ch, std::size_t k = 0) { return look(k).is_punct(ch); }
  bool is_word(std::string_view w, std::size_t k = 0) {
    const token& t = look(k);
    return t.kind == tok::identifier && t.text == w;
  }
  bool accept_punct(char ch) {
    if (!is_punct(ch)) return false;
    take();
    return true;
  }
  bool accept_word(std::string_view w) {
    if (!is_word(w)) return false;
    take();
    return true;
  }
  std::string describe(const token& t) {
    if (t.kind == tok::eof) return "end of file";
    return "'" + std::string(t.text) + "'";
  }
  bool expect_punct(char ch, const char* context) {
    if (accept_punct(ch)) return true;
    error(peek().loc, std::string("expected '") + ch + "' " + context + ", found " + describe(peek()));
    return false;
  }
  void error(location loc, std::string msg) {
    // One error per token position: recovery must not repeat itself.
    if (m_failed_at.file == loc.file && m_failed_at.line == loc.line && m_failed_at.col == loc.col) return;
    m_failed_at = loc;
    m_c.diags.error(loc, std::move(msg));
  }
  bool expect_identifier(std::string_view& out, const char* what) {
    if (peek().kind == tok::identifier) {
      out = take().text;
      return true;
    }
    error(peek().loc, std::string("expected ") + what + ", found " + describe(peek()));
    return false;
  }
  // Skips to the end of the current declaration: past the next ';' at this
  // nesting level, or up to (not past) a '}' that closes an outer body.
  void recover() {
    int depth = 0;
    while (!at_eof()) {
      const token& t = peek();
      if (t.is_punct('{') || t.is_punct('(') || t.is_punct('[')) ++depth;
      if (t.is_punct('}') || t.is_punct(')') || t.is_punct(']')) {
        if (depth == 0) {
          if (t.is_punct('}')) return;
          take();
          continue;
        }
        --depth;
        if (depth == 0 && t.is_punct('}')) {
          take();
          accept_punct(';');
          return;
        }
      }
      if (t.is_punct(';') && depth == 0) {
        take();
        return;
      }
      take();
    }
  }

  struct nest_guard {
    parser& p;
    bool ok;
    explicit nest_guard(parser& parser) : p(parser) {
      ok = ++p.m_depth <= p.m_c.limits.nesting;
      if (!ok && !p.m_nest_reported) {
        p.m_nest_reported = true;
        p.m_c.diags.error(p.peek().loc, "declarations or expressions nested too deeply (limit " +
                                            std::to_string(p.m_c.limits.nesting) + ")");
      }
    }
    ~nest_guard() { --p.m_depth; }
  };

  decl* new_decl(decl_kind kind, location loc) {
    decl* d = m_arena.make<decl>();
    d->kind = kind;
    d->loc = loc;
    d->imported = m_imported;
    return d;
  }

  // ---- attributes -----------------------------------------------------------
  // One or more adjacent lists, `[case(1)][string]`, merge into one.
  attributes parse_attributes() {
    attributes attrs;
    while (is_punct('[')) {
      attributes more = parse_attribute_list();
      if (attrs.list.empty()) {
        attrs = std::move(more);
        continue;
      }
      for (attribute& a : more.list) attrs.list.push_back(std::move(a));
    }
    return attrs;
  }
  attributes parse_attribute_list() {
    attributes attrs;
    take();
    nest_guard g(*this);
    if (!g.ok) {
      recover();
      return attrs;
    }
    while (!at_eof()) {
      if (accept_punct(']')) return attrs;
      if (is_punct(',')) {  // `[ , object ]`: widl accepts an empty entry
        m_c.diags.warning(take().loc, "empty attribute in attribute list");
        continue;
      }
      attribute a;
      a.loc = peek().loc;
      if (peek().kind != tok::identifier) {
        error(peek().loc, "expected an attribute name, found " + describe(peek()));
        skip_to_attribute_end();
        return attrs;
      }
      a.name = take().text;
      if (accept_punct('(')) {
        a.has_parens = true;
        parse_attribute_args(a);
      }
      attrs.list.push_back(std::move(a));
      if (accept_punct(',')) continue;
      if (accept_punct(']')) return attrs;
      error(peek().loc, "expected ',' or ']' in attribute list, found " + describe(peek()));
      skip_to_attribute_end();
      return attrs;
    }
    error(peek().loc, "unterminated attribute list");
    return attrs;
  }
  void skip_to_attribute_end() {
    int depth = 0;
    while (!at_eof()) {
      token t = take();
      if (t.is_punct('[') || t.is_punct('(')) ++depth;
      else if (t.is_punct(')')) --depth;
      else if (t.is_punct(']')) {
        if (depth == 0) return;
        --depth;
      }
    }
  }
  void parse_attribute_args(attribute& a) {
    if (attribute_takes_guid(a.name)) {
      attr_arg arg;
      if (peek().kind == tok::string) {
        std::string_view s = take().text;
        arg.raw = std::string(s.substr(1, s.size() >= 2 ? s.size() - 2 : 0));
      } else {
        location last{};
        while (!at_eof() && !is_punct(')')) {
          const token& t = peek();
          if (!arg.raw.empty() && t.space) break;
          (void)last;
          arg.raw += take().text;
        }
      }
      a.args.push_back(std::move(arg));
      expect_punct(')', "after the GUID");
      return;
    }
    if (accept_punct(')')) return;
    for (;;) {
      attr_arg arg;
      if (is_punct(',') || is_punct(')')) {
        arg.value = m_arena.make<expr>();  // omitted: size_is(, n)
        arg.value->loc = peek().loc;
      } else if (attribute_takes_type(a.name)) {
        arg.ty = parse_type_name();
      } else if (a.name == "custom" && a.args.empty() && peek().kind != tok::string) {
        // custom(GUID, value): the GUID is bare.
        while (!at_eof() && !is_punct(',') && !is_punct(')')) arg.raw += take().text;
      } else {
        arg.value = parse_expr();
      }
      a.args.push_back(std::move(arg));
      if (accept_punct(',')) continue;
      if (accept_punct(')')) return;
      error(peek().loc, "expected ',' or ')' in the arguments of [" + std::string(a.name) + "], found " + describe(peek()));
      while (!at_eof() && !is_punct(')') && !is_punct(']')) take();
      accept_punct(')');
      return;
    }
  }

  // ---- items ----------------------------------------------------------------
  void parse_item(std::vector<decl*>& out, scope where) {
    nest_guard g(*this);
    if (!g.ok) {
      while (!at_eof()) take();
      return;
    }
    const token& t = peek();
    location loc = t.loc;
    if (t.is_punct(';')) {
      take();
      return;
    }
    if (t.kind == tok::identifier) {
      std::string_view w = t.text;
      if (w == "import") return parse_import(out);
      if (w == "importlib") return parse_importlib(out);
      if (w == "cpp_quote") return parse_cpp_quote(out);
      if (w == "midl_pragma") return parse_midl_pragma(out);
    }
    attributes attrs = parse_attributes();
    const token& k = peek();
    if (k.kind == tok::identifier) {
      std::string_view w = k.text;
      if (w == "interface") return parse_interface(out, std::move(attrs), where);
      if (w == "dispinterface") return parse_dispinterface(out, std::move(attrs));
      if (w == "coclass") return parse_coclass(out, std::move(attrs));
      if (w == "library") return parse_library(out, std::move(attrs));
      if (w == "module") return parse_module(out, std::move(attrs));
      if (w == "typedef") return parse_typedef(out, std::move(attrs));
      if (w == "const" && looks_like_const_decl()) return parse_const(out);
      if (w == "declare_guid" || w == "apicontract" || w == "runtimeclass" || w == "delegate" || w == "namespace") {
        error(k.loc, "'" + std::string(w) + "' is not supported (Windows Runtime IDL)");
        recover();
        return;
      }
    }
    if (k.kind == tok::eof) {
      if (!attrs.list.empty()) error(k.loc, "attributes at the end of the file");
      return;
    }
    if (k.is_punct('}')) {
      error(k.loc, "unexpected '}'");
      take();
      return;
    }
    parse_declaration(out, std::move(attrs), loc, where);
  }

  // `const T NAME = value;` as opposed to a declaration starting with const
  // (`const char *f(void);`): a const declaration has '=' before ';'.
  bool looks_like_const_decl() {
    for (std::size_t k = 1; k < 64; ++k) {
      const token& t = peek(k);
      if (t.kind == tok::eof || t.is_punct(';') || t.is_punct('(')) return false;
      if (t.is_punct('=')) return true;
    }
    return false;
  }

  void parse_import(std::vector<decl*>& out) {
    location loc = take().loc;
    decl* d = new_decl(decl_kind::import, loc);
    for (;;) {
      if (peek().kind != tok::string) {
        error(peek().loc, "expected a file name in quotes after 'import', found " + describe(peek()));
        recover();
        return;
      }
      token name = take();
      std::string file(name.text.substr(1, name.text.size() - 2));
      d->files.push_back(file);
      do_import(file, name.loc);
      if (accept_punct(',')) continue;
      break;
    }
    expect_punct(';', "after import");
    out.push_back(d);
  }

  void do_import(const std::string& file, location loc);

  void parse_importlib(std::vector<decl*>& out) {
    location loc = take().loc;
    decl* d = new_decl(decl_kind::importlib, loc);
    if (expect_punct('(', "after 'importlib'")) {
      if (peek().kind == tok::string) {
        std::string_view s = take().text;
        d->text = std::string(s.substr(1, s.size() - 2));
      } else {
        error(peek().loc, "expected a type library name in quotes");
      }
      expect_punct(')', "after the type library name");
    }
    expect_punct(';', "after importlib(...)");
    out.push_back(d);
  }

  void parse_cpp_quote(std::vector<decl*>& out) {
    location loc = take().loc;
    decl* d = new_decl(decl_kind::cpp_quote, loc);
    if (!expect_punct('(', "after 'cpp_quote'")) {
      recover();
      return;
    }
    if (peek().kind != tok::string) {
      error(peek().loc, "cpp_quote expects a string, found " + describe(peek()));
      recover();
      return;
    }
    // Adjacent literals concatenate, as in C.
    while (peek().kind == tok::string) {
      std::string_view s = take().text;
      std::size_t q = s.find('"');
      d->text += unescape_quote(s.substr(q + 1, s.size() - q - 2));
    }
    expect_punct(')', "after the cpp_quote string");
    accept_punct(';');
    out.push_back(d);
  }
  // cpp_quote text is C source; MIDL writes it out with \" and \\ undone.
  static std::string unescape_quote(std::string_view s) {
    std::string r;
    r.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) ++i;
      r += s[i];
    }
    return r;
  }

  void parse_midl_pragma(std::vector<decl*>& out) {
    location loc = take().loc;
    decl* d = new_decl(decl_kind::midl_pragma, loc);
    if (!accept_word("warning")) {
      error(peek().loc, "expected 'warning' after 'midl_pragma'");
      recover();
      return;
    }
    if (!expect_punct('(', "after 'midl_pragma warning'")) {
      recover();
      return;
    }
    int depth = 1;
    while (!at_eof() && depth > 0) {
      token t = take();
      if (t.is_punct('(')) ++depth;
      else if (t.is_punct(')') && --depth == 0) break;
      if (!d->text.empty() && t.space) d->text += ' ';
      d->text += t.text;
    }
    accept_punct(';');
    out.push_back(d);
  }

  // interface NAME [: BASE] { ... } | interface NAME;
  void parse_interface(std::vector<decl*>& out, attributes attrs, scope where) {
    location loc = take().loc;
    decl* d = new_decl(decl_kind::interface, loc);
    d->attrs = std::move(attrs);
    if (!expect_identifier(d->name, "an interface name")) {
      recover();
      return;
    }
    d->loc = m_last;
    m_c.parsed_type_names.insert(d->name);
    if (accept_punct(';')) {
      d->forward = true;
      out.push_back(d);
      return;
    }
    if (accept_punct(':')) {
      d->base_loc = peek().loc;
      if (!expect_identifier(d->base_name, "a base interface name")) {
        recover();
        return;
      }
    }
    if (!expect_punct('{', "to open the interface body")) {
      recover();
      return;
    }
    out.push_back(d);
    scope inner = is_object_interface(*d) ? scope::interface : scope::rpc_interface;
    (void)where;
    while (!at_eof() && !is_punct('}')) parse_item(d->members, inner);
    expect_punct('}', "to close the interface body");
    accept_punct(';');
  }

  // `KEYWORD NAME ;` (a forward declaration, when allowed) or `KEYWORD NAME {`:
  // returns the new declaration with its body open, or nullptr when there is
  // no body to parse (forward declaration, or an error already reported).
  decl* open_body(std::vector<decl*>& out, decl_kind kind, attributes attrs, const char* what, bool forward_allowed) {
    take();
    decl* d = new_decl(kind, peek().loc);
    d->attrs = std::move(attrs);
    if (!expect_identifier(d->name, what)) {
      recover();
      return nullptr;
    }
    if (forward_allowed && accept_punct(';')) {
      d->forward = true;
      out.push_back(d);
      return nullptr;
    }
    if (!expect_punct('{', "to open the body")) {
      recover();
      return nullptr;
    }
    out.push_back(d);
    return d;
  }
  void close_body(const char* what) {
    expect_punct('}', what);
    accept_punct(';');
  }

  void parse_dispinterface(std::vector<decl*>& out, attributes attrs) {
    decl* d = open_body(out, decl_kind::dispinterface, std::move(attrs), "a dispinterface name", true);
    if (!d) return;
    if (is_word("interface")) {  // dispinterface D { interface I; }
      take();
      d->base_loc = peek().loc;
      expect_identifier(d->dispatch_of_name, "an interface name");
      expect_punct(';', "after the interface name");
      close_body("to close the dispinterface body");
      return;
    }
    enum { none, props, methods } section = none;
    while (!at_eof() && !is_punct('}')) {
      if (is_word("properties") && is_punct(':', 1)) {
        take();
        take();
        section = props;
        continue;
      }
      if (is_word("methods") && is_punct(':', 1)) {
        take();
        take();
        section = methods;
        continue;
      }
      if (section == none) {
        error(peek().loc, "expected 'properties:' or 'methods:' in dispinterface " + std::string(d->name));
        section = methods;
      }
      if (section == props) {
        location at = peek().loc;
        attributes fa = parse_attributes();
        std::vector<field*> fields;
        parse_field_declarators(fields, std::move(fa), at);
        d->properties.insert(d->properties.end(), fields.begin(), fields.end());
      } else {
        parse_item(d->members, scope::interface);
      }
    }
    close_body("to close the dispinterface body");
  }

  void parse_coclass(std::vector<decl*>& out, attributes attrs) {
    decl* d = open_body(out, decl_kind::coclass, std::move(attrs), "a coclass name", true);
    if (!d) return;
    while (!at_eof() && !is_punct('}')) {
      coclass_member m;
      m.attrs = parse_attributes();
      m.loc = peek().loc;
      if (accept_word("interface")) {
      } else if (accept_word("dispinterface")) {
        m.dispinterface = true;
      } else {
        error(peek().loc, "expected 'interface' or 'dispinterface' in coclass " + std::string(d->name) + ", found " + describe(peek()));
        recover();
        continue;
      }
      m.loc = peek().loc;
      if (!expect_identifier(m.name, "an interface name")) {
        recover();
        continue;
      }
      expect_punct(';', "after the coclass member");
      d->coclass_members.push_back(std::move(m));
    }
    close_body("to close the coclass body");
  }

  void parse_library(std::vector<decl*>& out, attributes attrs) {
    decl* d = open_body(out, decl_kind::library, std::move(attrs), "a library name", false);
    if (!d) return;
    while (!at_eof() && !is_punct('}')) parse_item(d->members, scope::library);
    close_body("to close the library body");
  }

  void parse_module(std::vector<decl*>& out, attributes attrs) {
    decl* d = open_body(out, decl_kind::module, std::move(attrs), "a module name", false);
    if (!d) return;
    while (!at_eof() && !is_punct('}')) parse_item(d->members, scope::module);
    close_body("to close the module body");
  }

  // typedef [attrs] TYPE declarator, declarator ... ;
  void parse_typedef(std::vector<decl*>& out, attributes pre) {
    location loc = take().loc;
    attributes attrs = parse_attributes();
    for (attribute& a : pre.list) attrs.list.push_back(std::move(a));
    type* base = parse_decl_specifiers();
    if (!base) {
      recover();
      return;
    }
    bool first = true;
    const attributes* shared_attrs = nullptr;
    for (;;) {
      std::string_view name;
      location nloc = peek().loc;
      type* t = parse_declarator(base, &name, nloc);
      if (!t) {
        recover();
        return;
      }
      if (name.empty()) {
        // `typedef struct tag { ... };` declares only the tag.
        if (first && base->kind == type_kind::record && is_punct(';')) {
          decl* d = new_decl(decl_kind::record, loc);
          d->ty = base;
          d->attrs = attrs;
          out.push_back(d);
          break;
        }
        error(nloc, "expected a name in typedef");
        recover();
        return;
      }
      decl* d = new_decl(decl_kind::typedef_, nloc);
      d->name = name;
      m_c.parsed_type_names.insert(name);
      d->ty = t;
      // The first declarator takes the list, later ones copy it.
      d->attrs = shared_attrs ? *shared_attrs : std::move(attrs);
      shared_attrs = &d->attrs;
      out.push_back(d);
      first = false;
      if (accept_punct(',')) continue;
      break;
    }
    if (!expect_punct(';', "after typedef")) recover();
  }

  void parse_const(std::vector<decl*>& out) {
    take();  // const
    type* base = parse_decl_specifiers();
    if (!base) {
      recover();
      return;
    }
    base = with_const(base);
    std::string_view name;
    location nloc = peek().loc;
    type* t = parse_declarator(base, &name, nloc);
    if (!t || name.empty()) {
      if (t) error(nloc, "expected a name in const declaration");
      recover();
      return;
    }
    decl* d = new_decl(decl_kind::const_, nloc);
    d->name = name;
    d->ty = t;
    if (!expect_punct('=', "in const declaration")) {
      recover();
      return;
    }
    d->value = parse_expr();
    if (!expect_punct(';', "after const declaration")) recover();
    out.push_back(d);
  }

  type* with_const(type* t) {
    // `const T x` : the const applies to the base, which may be shared.
    type* c = m_arena.make<type>();
    *c = *t;
    c->is_const = true;
    return c;
  }

  // A declaration: a function (method), a variable, or a lone
  // struct/union/enum.
  void parse_declaration(std::vector<decl*>& out, attributes attrs, location loc, scope where) {
    bool is_extern = false;
    while (is_word("extern") || is_word("static") || is_word("inline") || is_word("__inline")) {
      if (peek().text == "extern") is_extern = true;
      take();
    }
    type* base = parse_decl_specifiers();
    if (!base) {
      recover();
      return;
    }
    if (accept_punct(';')) {
      if (base->kind == type_kind::record) {
        decl* d = new_decl(decl_kind::record, loc);
        d->ty = base;
        d->attrs = std::move(attrs);
        out.push_back(d);
      } else {
        error(loc, "declaration declares nothing");
      }
      return;
    }
    const attributes* shared_attrs = nullptr;
    for (;;) {
      std::string_view name;
      location nloc = peek().loc;
      type* t = parse_declarator(base, &name, nloc);
      if (!t) {
        recover();
        return;
      }
      if (name.empty()) {
        error(nloc, "expected a name in declaration");
        recover();
        return;
      }
      decl* d = new_decl(t->kind == type_kind::function ? decl_kind::function : decl_kind::variable, nloc);
      d->name = name;
      d->ty = t;
      d->attrs = shared_attrs ? *shared_attrs : std::move(attrs);
      shared_attrs = &d->attrs;
      d->is_extern = is_extern;
      if (d->kind == decl_kind::variable && (where == scope::interface)) {
        error(nloc, "expected a method declaration in the interface; '" + std::string(name) + "' is not a function");
      }
      out.push_back(d);
      if (accept_punct(',')) continue;
      break;
    }
    if (!expect_punct(';', "after declaration")) recover();
  }

  // ---- types ------------------------------------------------------------------
  type* parse_type_name() {
    type* base = parse_decl_specifiers();
    if (!base) return nullptr;
    std::string_view name;
    return parse_declarator(base, &name, peek().loc, /*abstract_only=*/true);
  }

  bool starts_type() {
    const token& t = peek();
    if (t.kind != tok::identifier) return false;
    return true;
  }

  type* parse_decl_specifiers() {
    nest_guard g(*this);
    if (!g.ok) return nullptr;
    location loc = peek().loc;
    bool is_const = false;
    int sign = 0;  // -1 signed, 1 unsigned
    int longs = 0;
    std::string_view word;  // the base keyword (int, char, hyper ...)
    type* result = nullptr;
    bool any = false;
    for (;;) {
      const token& t = peek();
      if (t.kind != tok::identifier) break;
      std::string_view w = t.text;
      if (w == "const" || w == "volatile") {
        take();
        if (w == "const") is_const = true;
        continue;
      }
      if (w == "signed" || w == "unsigned") {
        if (result) break;
        take();
        sign = w == "signed" ? -1 : 1;
        any = true;
        continue;
      }
      if (w == "long") {
        if (result) break;
        take();
        ++longs;
        any = true;
        continue;
      }
      if (is_builtin_word(w)) {
        if (result) break;
        if (!word.empty() && !(word == "short" && w == "int") && !(w == "short" && word == "int")) break;
        take();
        if (word.empty() || w == "short") word = w;
        any = true;
        continue;
      }
      if (w == "struct" || w == "union" || w == "enum") {
        if (result || any) break;
        result = parse_record_type();
        if (!result) return nullptr;
        any = true;
        continue;
      }
      if (w == "interface" || w == "dispinterface") {  // `interface IFoo *p`
        if (result || any) break;
        take();
        std::string_view n;
        if (!expect_identifier(n, "an interface name")) return nullptr;
        result = m_arena.make<type>();
        result->kind = type_kind::named;
        result->name = n;
        result->loc = m_last;
        any = true;
        continue;
      }
      if (is_callconv(w) || w == "__RPC_FAR") break;
      if (result || any) break;
      if (w == "SAFEARRAY" && is_punct('(', 1)) {
        // SAFEARRAY(T) is a SAFEARRAY* whose elements are T.
        location sloc = take().loc;
        take();
        type* element = parse_type_name();
        if (!element || !expect_punct(')', "after the SAFEARRAY element type")) return nullptr;
        type* sa = m_arena.make<type>();
        sa->kind = type_kind::named;
        sa->name = "SAFEARRAY";
        sa->loc = sloc;
        sa->inner = element;
        result = m_arena.make<type>();
        result->kind = type_kind::pointer;
        result->inner = sa;
        result->loc = sloc;
        any = true;
        continue;
      }
      // A type name.
      take();
      result = m_arena.make<type>();
      result->kind = type_kind::named;
      result->name = w;
      result->loc = t.loc;
      any = true;
    }
    if (!any) {
      error(peek().loc, "expected a type, found " + describe(peek()));
      return nullptr;
    }
    if (!result) {
      result = m_arena.make<type>();
      result->kind = type_kind::builtin;
      result->loc = loc;
      result->spelling = builtin_spelling(sign, longs, word, loc);
    }
    if (is_const) {
      if (result->kind == type_kind::record) result = with_const(result);
      else result->is_const = true;
    }
    return result;
  }

  std::string_view builtin_spelling(int sign, int longs, std::string_view word, location loc) {
    auto signed_form = [&](std::string_view plain, std::string_view u) -> std::string_view {
      if (sign > 0) return u;
      if (sign < 0) return m_arena.intern("signed " + std::string(plain));
      return plain;
    };
    if (longs >= 2) return sign > 0 ? "ULONGLONG" : "LONGLONG";
    if (longs == 1) {
      if (!word.empty() && word != "int") {
        if (word == "double") return "long double";
        error(loc, "'long " + std::string(word) + "' is not a type");
      }
      return sign > 0 ? "ULONG" : "LONG";
    }
    if (word.empty()) return sign > 0 ? "unsigned int" : "signed int";
    if (word == "int") return signed_form("int", "unsigned int");
    if (word == "short") return signed_form("short", "unsigned short");
    if (word == "char") return signed_form("char", "unsigned char");
    if (word == "small") return signed_form("small", "unsigned small");
    if (word == "hyper") return sign > 0 ? "MIDL_uhyper" : "hyper";
    if (word == "__int64") return sign > 0 ? "UINT64" : "INT64";
    if (word == "__int32") return sign > 0 ? "UINT32" : "INT32";
    if (word == "__int16") return sign > 0 ? "UINT16" : "INT16";
    if (word == "__int8") return sign > 0 ? "UINT8" : "INT8";
    if (word == "__int3264") return sign > 0 ? "unsigned __int3264" : "__int3264";
    if (sign != 0) error(loc, "'" + std::string(sign > 0 ? "unsigned " : "signed ") + std::string(word) + "' is not a type");
    if (word == "float") return "float";
    if (word == "double") return "double";
    if (word == "void") return "void";
    if (word == "byte") return "byte";
    if (word == "boolean") return "boolean";
    if (word == "wchar_t") return "wchar_t";
    if (word == "handle_t") return "handle_t";
    if (word == "error_status_t") return "error_status_t";
    return m_arena.intern(std::string(word));
  }

  record* find_or_make_tag(std::string_view tag, record_kind kind, location loc) {
    record* r = m_arena.make<record>();
    r->kind = kind;
    r->tag = tag;
    r->loc = loc;
    return r;
  }

  // struct/union/enum [TAG] [{ body }] ; encapsulated union:
  // union [TAG] switch (TYPE NAME) [ARM] { case X: ... }
  type* parse_record_type() {
    token kw = take();
    record_kind kind = kw.text == "struct" ? record_kind::struct_ : kw.text == "union" ? record_kind::union_ : record_kind::enum_;
    std::string_view tag;
    if (peek().kind == tok::identifier && !is_word("switch")) tag = take().text;
    record* r = find_or_make_tag(tag, kind, kw.loc);
    type* t = m_arena.make<type>();
    t->kind = type_kind::record;
    t->rec = r;
    t->loc = kw.loc;
    if (kind == record_kind::union_ && is_word("switch")) {
      take();
      if (!expect_punct('(', "after 'switch'")) return nullptr;
      field* sw = m_arena.make<field>();
      type* st = parse_decl_specifiers();
      if (!st) return nullptr;
      sw->loc = peek().loc;
      std::string_view swname;
      sw->ty = parse_declarator(st, &swname, sw->loc);
      sw->name = swname;
      if (!sw->ty || !expect_punct(')', "after the union's switch")) return nullptr;
      r->switch_field = sw;
      if (peek().kind == tok::identifier) r->union_name = take().text;
      if (!is_punct('{')) {
        error(peek().loc, "expected '{' to open the union body");
        return nullptr;
      }
    }
    if (!accept_punct('{')) {
      if (tag.empty()) {
        error(peek().loc, "expected a tag or '{' after '" + std::string(kw.text) + "'");
        return nullptr;
      }
      return t;
    }
    r->defined = true;
    if (kind == record_kind::enum_) {
      parse_enum_body(r);
    } else if (r->switch_field) {
      parse_encapsulated_union_body(r);
    } else {
      while (!at_eof() && !is_punct('}')) {
        location at = peek().loc;
        attributes fa = parse_attributes();
        parse_field_declarators(r->fields, std::move(fa), at);
      }
    }
    expect_punct('}', "to close the body");
    return t;
  }

  void parse_enum_body(record* r) {
    while (!at_eof() && !is_punct('}')) {
      parse_attributes();  // [helpstring] etc. on enumerators are allowed
      enumerator* e = m_arena.make<enumerator>();
      e->loc = peek().loc;
      if (!expect_identifier(e->name, "an enumerator name")) {
        while (!at_eof() && !is_punct('}') && !is_punct(',')) take();
        accept_punct(',');
        continue;
      }
      if (accept_punct('=')) e->value = parse_expr();
      r->enumerators.push_back(e);
      if (accept_punct(',')) continue;
      if (!is_punct('}')) {
        error(peek().loc, "expected ',' or '}' after enumerator, found " + describe(peek()));
        while (!at_eof() && !is_punct('}')) take();
      }
    }
  }

  void parse_encapsulated_union_body(record* r) {
    std::vector<expr*> cases;
    bool is_default = false;
    while (!at_eof() && !is_punct('}')) {
      if (accept_word("case")) {
        cases.push_back(parse_expr());
        expect_punct(':', "after the case label");
        continue;
      }
      if (accept_word("default")) {
        is_default = true;
        expect_punct(':', "after 'default'");
        continue;
      }
      location at = peek().loc;
      attributes fa = parse_attributes();
      std::vector<field*> fields;
      if (is_punct(';')) {  // an empty arm
        take();
        field* f = m_arena.make<field>();
        f->loc = at;
        fields.push_back(f);
      } else {
        parse_field_declarators(fields, std::move(fa), at);
      }
      for (field* f : fields) {
        f->cases = cases;
        f->is_default = is_default;
        r->fields.push_back(f);
      }
      cases.clear();
      is_default = false;
    }
  }

  // [attrs] TYPE declarator, ... ;  (struct fields, union arms, properties)
  void parse_field_declarators(std::vector<field*>& out, attributes attrs, location at) {
    if (is_punct(';')) {  // an empty union arm: [default] ;
      take();
      field* f = m_arena.make<field>();
      f->attrs = std::move(attrs);
      f->loc = at;
      out.push_back(f);
      return;
    }
    type* base = parse_decl_specifiers();
    if (!base) {
      recover();
      return;
    }
    if (is_punct(';')) {  // an anonymous struct/union member
      take();
      field* f = m_arena.make<field>();
      f->attrs = std::move(attrs);
      f->ty = base;
      f->loc = at;
      out.push_back(f);
      return;
    }
    const attributes* shared_attrs = nullptr;
    for (;;) {
      field* f = m_arena.make<field>();
      f->attrs = shared_attrs ? *shared_attrs : std::move(attrs);
      shared_attrs = &f->attrs;
      f->loc = peek().loc;
      std::string_view name;
      f->ty = parse_declarator(base, &name, f->loc);
      if (!f->ty) {
        recover();
        return;
      }
      f->name = name;
      if (name.empty()) error(f->loc, "expected a field name");
      if (accept_punct(':')) f->bitfield = parse_expr();
      out.push_back(f);
      if (accept_punct(',')) continue;
      break;
    }
    if (!expect_punct(';', "after the field")) recover();
  }

  // Declarators, built inside out: pointers wrap the base first, then the
  // suffixes of the direct declarator. A parenthesised inner declarator is
  // parsed against a placeholder node, which is overwritten afterwards with
  // what the outer suffixes produced. A calling convention written inside
  // the parentheses, `(__stdcall *pfn)(...)`, belongs to the function type.
  type* parse_declarator(type* base, std::string_view* name, location loc, bool abstract_only = false,
                         std::string_view* callconv_out = nullptr) {
    nest_guard g(*this);
    if (!g.ok) return nullptr;
    type* t = base;
    std::string_view callconv;
    for (;;) {
      if (is_punct('*') || is_punct('&')) {
        location ploc = take().loc;
        type* p = m_arena.make<type>();
        p->kind = type_kind::pointer;
        p->inner = t;
        p->loc = ploc;
        while (is_word("const") || is_word("volatile") || is_word("__RPC_FAR")) {
          if (take().text == "const") p->is_const = true;
        }
        t = p;
        continue;
      }
      if (peek().kind == tok::identifier && (is_callconv(peek().text) || peek().text == "__RPC_FAR")) {
        std::string_view w = take().text;
        if (w != "__RPC_FAR") callconv = w;
        continue;
      }
      break;
    }
    type* placeholder = nullptr;
    type* chain = nullptr;
    std::string_view inner_callconv;
    if (is_punct('(') && !looks_like_params()) {
      take();
      placeholder = m_arena.make<type>();
      chain = parse_declarator(placeholder, name, loc, abstract_only, &inner_callconv);
      if (!chain || !expect_punct(')', "to close the declarator")) return nullptr;
    } else if (peek().kind == tok::identifier && !abstract_only) {
      *name = take().text;
    }
    // Suffixes apply left to right: a[2][3] is an array of 2 arrays of 3.
    std::vector<type*> suffixes;
    for (;;) {
      if (is_punct('[')) {
        location aloc = take().loc;
        type* a = m_arena.make<type>();
        a->kind = type_kind::array;
        a->loc = aloc;
        if (accept_punct(']')) {
          a->conformant = true;
        } else if (is_punct('*') && is_punct(']', 1)) {
          take();
          take();
          a->conformant = true;
        } else {
          a->size = parse_expr();
          if (!expect_punct(']', "to close the array size")) return nullptr;
        }
        suffixes.push_back(a);
        continue;
      }
      if (is_punct('(')) {
        location floc = take().loc;
        type* f = m_arena.make<type>();
        f->kind = type_kind::function;
        f->loc = floc;
        f->callconv = !inner_callconv.empty() ? inner_callconv : callconv;
        if (!parse_params(f)) return nullptr;
        suffixes.push_back(f);
        continue;
      }
      break;
    }
    for (auto it = suffixes.rbegin(); it != suffixes.rend(); ++it) {
      (*it)->inner = t;
      t = *it;
    }
    if (callconv_out) *callconv_out = callconv;
    if (placeholder) {
      *placeholder = *t;
      return chain;
    }
    return t;
  }

  // After a declarator's base, '(' starts a parameter list (not a nested
  // declarator) when what follows is ')', a type, '[' attributes, or void.
  bool looks_like_params() {
    const token& n = peek(1);
    if (n.is_punct(')') || n.is_punct('[') || n.is("...")) return true;
    if (n.is_punct('*') || n.is_punct('(')) return false;
    if (n.kind == tok::identifier) {
      if (is_callconv(n.text) || n.text == "__RPC_FAR") return false;
      return true;
    }
    return false;
  }

  bool parse_params(type* f) {
    if (accept_punct(')')) return true;
    if (is_word("void") && is_punct(')', 1)) {
      take();
      take();
      return true;
    }
    for (;;) {
      if (peek().is("...")) {
        take();
        f->varargs = true;
        return expect_punct(')', "after '...'");
      }
      param* p = m_arena.make<param>();
      p->attrs = parse_attributes();
      p->loc = peek().loc;
      type* base = parse_decl_specifiers();
      if (!base) return false;
      std::string_view name;
      p->ty = parse_declarator(base, &name, p->loc);
      if (!p->ty) return false;
      p->name = name;
      if (!name.empty()) p->loc = m_last;
      f->params.push_back(p);
      if (accept_punct(',')) continue;
      return expect_punct(')', "to close the parameter list");
    }
  }

  // ---- expressions ----------------------------------------------------------------
  expr* make_expr(expr_kind k, location loc) {
    expr* e = m_arena.make<expr>();
    e->kind = k;
    e->loc = loc;
    return e;
  }

  expr* parse_expr() {
    nest_guard g(*this);
    if (!g.ok) return make_expr(expr_kind::empty, peek().loc);
    expr* c = parse_binary(0);
    if (is_punct('?')) {
      location loc = take().loc;
      expr* e = make_expr(expr_kind::ternary, loc);
      e->a = c;
      e->b = parse_expr();
      expect_punct(':', "in conditional expression");
      e->c = parse_expr();
      return e;
    }
    return c;
  }

  // Binary operator precedence (0: not a binary operator). Switches on the
  // spelling rather than comparing strings: this runs for every operand.
  static int precedence(const token& t) {
    if (t.kind != tok::punct) return 0;
    const std::string_view op = t.text;
    if (op.size() == 1) {
      switch (op[0]) {
        case '|': return 3;
        case '^': return 4;
        case '&': return 5;
        case '<': case '>': return 7;
        case '+': case '-': return 9;
        case '*': case '/': case '%': return 10;
        default: return 0;
      }
    }
    if (op.size() != 2) return 0;
    switch (op[0]) {
      case '|': return op[1] == '|' ? 1 : 0;
      case '&': return op[1] == '&' ? 2 : 0;
      case '=': return op[1] == '=' ? 6 : 0;
      case '!': return op[1] == '=' ? 6 : 0;
      case '<': return op[1] == '=' ? 7 : op[1] == '<' ? 8 : 0;
      case '>': return op[1] == '=' ? 7 : op[1] == '>' ? 8 : 0;
      default: return 0;
    }
  }

  expr* parse_binary(int min_prec) {
    nest_guard g(*this);
    if (!g.ok) return make_expr(expr_kind::empty, peek().loc);
    expr* lhs = parse_unary();
    for (;;) {
      int prec = precedence(peek());
      if (prec == 0 || prec <= min_prec) return lhs;
      token op = take();
      expr* e = make_expr(expr_kind::binary, op.loc);
      e->text = op.text;
      e->a = lhs;
      e->b = parse_binary(prec);
      lhs = e;
    }
  }

  expr* parse_unary() {
    nest_guard g(*this);
    if (!g.ok) return make_expr(expr_kind::empty, peek().loc);
    const token& t = peek();
    if (t.kind == tok::punct && t.text.size() == 1 && std::strchr("-+~!*&", t.text[0]) != nullptr) {
      token op = take();
      expr* e = make_expr(expr_kind::unary, op.loc);
      e->text = op.text;
      e->a = parse_unary();
      return e;
    }
    if (t.is("sizeof")) {
      location loc = take().loc;
      if (is_punct('(') && peek(1).kind == tok::identifier) {
        take();
        expr* e = make_expr(expr_kind::sizeof_type, loc);
        e->ty = parse_type_name();
        expect_punct(')', "after sizeof's type");
        return e;
      }
      expr* e = make_expr(expr_kind::unary, loc);
      e->text = "sizeof";
      e->a = parse_unary();
      return e;
    }
    if (t.is_punct('(') && is_cast()) {
      location loc = take().loc;
      expr* e = make_expr(expr_kind::cast, loc);
      e->ty = parse_type_name();
      expect_punct(')', "after the cast's type");
      e->a = parse_unary();
      return e;
    }
    return parse_postfix(parse_primary());
  }

  // '(' starts a cast when a type follows: a builtin word, or a name
  // followed by '*' or ')' and then something that can start an operand.
  // A name counts as a type when it was declared as one before this point
  // (imports are parsed first) or, failing that, when `(NAME)` is directly
  // followed by an operand.
  bool is_cast() {
    const token& n = peek(1);
    if (n.kind != tok::identifier) return false;
    if (is_builtin_word(n.text) || n.text == "const" || n.text == "struct" || n.text == "enum" || n.text == "union") return true;
    std::size_t k = 2;
    while (peek(k).is_punct('*')) ++k;
    if (!peek(k).is_punct(')')) return false;
    if (m_c.parsed_type_names.count(n.text)) return true;
    const token& after = peek(k + 1);
    return after.kind == tok::number || after.kind == tok::identifier || after.is_punct('(') || after.kind == tok::character;
  }

  expr* parse_postfix(expr* e) {
    for (;;) {
      if (is_punct('.') || is("->")) {
        token op = take();
        expr* m = make_expr(expr_kind::member, op.loc);
        m->op = op.text;
        m->a = e;
        if (peek().kind == tok::identifier) m->text = take().text;
        else error(peek().loc, "expected a member name after '" + std::string(op.text) + "'");
        e = m;
        continue;
      }
      if (is_punct('[')) {
        location loc = take().loc;
        expr* x = make_expr(expr_kind::index, loc);
        x->a = e;
        x->b = parse_expr();
        expect_punct(']', "to close the index");
        e = x;
        continue;
      }
      return e;
    }
  }
  bool is(std::string_view p) { return peek().is(p); }

  expr* parse_primary() {
    const token& t = peek();
    location loc = t.loc;
    switch (t.kind) {
      case tok::number: {
        expr* e = make_expr(expr_kind::number, loc);
        e->text = take().text;
        return e;
      }
      case tok::string: {
        expr* e = make_expr(expr_kind::string, loc);
        std::string text(take().text);
        while (peek().kind == tok::string) {  // "a" "b"
          std::string_view next = take().text;
          std::size_t q = next.find('"');
          text.pop_back();
          text += next.substr(q + 1);
        }
        e->text = m_arena.intern(std::move(text));
        return e;
      }
      case tok::character: {
        expr* e = make_expr(expr_kind::character, loc);
        e->text = take().text;
        return e;
      }
      case tok::identifier: {
        expr* e = make_expr(expr_kind::identifier, loc);
        e->text = take().text;
        return e;
      }
      case tok::punct:
        if (t.is_punct('(')) {
          take();
          expr* e = parse_expr();
          e->parenthesized = true;
          expect_punct(')', "to close the parenthesis");
          return e;
        }
        break;
      case tok::eof:
        break;
    }
    error(loc, "expected an expression, found " + describe(t));
    return make_expr(expr_kind::empty, loc);
  }

  compilation& m_c;
  preprocessor& m_pp;
  bool m_imported;
  ast_arena& m_arena;
  token m_ring[ring_size];
  std::size_t m_head = 0, m_count = 0;
  location m_last{};
  location m_failed_at{};
  std::size_t m_depth = 0;
  bool m_nest_reported = false;

 public:
  std::size_t import_depth = 0;
  std::vector<std::string> direct_imports;  // resolved, in order
};

void parser::do_import(const std::string& file, location loc) {
  // Finding, parsing and caching the file is the driver's (imports.cpp);
  // the parser only records what this file imports, for the #include.
  if (std::optional<std::string> path = import_file(m_c, m_pp, file, loc, import_depth)) direct_imports.push_back(std::move(*path));
}

}  // namespace

std::vector<std::string> parse_tokens(compilation& c, preprocessor& pp, bool imported, std::size_t depth, std::vector<decl*>& out) {
  parser p(c, pp, imported);
  p.import_depth = depth;
  p.parse_file(out);
  return std::move(p.direct_imports);
}

}  // namespace comkit::idl
