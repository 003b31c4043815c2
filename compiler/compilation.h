// compiler/compilation.h - the state of one IDL compilation, shared by the
// passes: sources, diagnostics, the syntax tree of the main file and of
// everything it imports, and the global symbol table.
//
// MIDL has one namespace for type names (typedefs, interfaces, coclasses)
// and a separate one for struct/union/enum tags, like C. Constants and
// enumerators share the value namespace.
#ifndef COMKIT_COMPILER_COMPILATION_H
#define COMKIT_COMPILER_COMPILATION_H

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ast.h"
#include "diagnostics.h"
#include "preprocessor.h"

namespace comkit::idl {

struct compile_limits {
  std::size_t nesting = 200;        // parser recursion (types, expressions)
  std::size_t import_depth = 64;
  pp_limits preprocessor;
};

/// What several compilations in one process share (`comkit idl a.idl
/// b.idl ...`): the files read, the syntax trees, and the imported files
/// already parsed. An imported file is preprocessed on its own, with the
/// same options for every input, so its declarations are the same whoever
/// imports it; it is parsed once per session and its declarations are
/// reused. Only imports that parsed without any diagnostic are reused (an
/// import with problems is parsed again, so every input reports them).
struct compile_session {
  struct cached_import {
    std::vector<decl*> items;          // the file's own top-level declarations
    std::vector<std::string> imports;  // the resolved paths it imports, in order
  };
  source_manager sources;
  ast_arena arena;
  std::deque<std::string> token_text;  // the preprocessors' text_store
  std::unordered_map<std::string, cached_import> imports;
};

struct compilation {
  compilation(compile_session& s, pp_options pp, file_reader read)
      : pp_opts(std::move(pp)), reader(std::move(read)), session(s), sources(s.sources), diags(s.sources), arena(s.arena),
        token_text(s.token_text) {}
  compilation(const compilation&) = delete;
  compilation& operator=(const compilation&) = delete;

  pp_options pp_opts;
  file_reader reader;
  compile_limits limits;
  compile_session& session;
  source_manager& sources;
  diagnostics diags;
  ast_arena& arena;
  std::deque<std::string>& token_text;
  std::uint32_t first_source = 1;  // the first file id this compilation read

  std::string main_path;
  std::vector<decl*> items;           // the main file's top-level declarations, in order
  std::vector<decl*> imported_items;  // every imported file's, in the order they finished
  std::unordered_map<std::string, bool> imports_done;  // resolved path -> finished

  // Names the parser has seen declared as types, so far (imports come
  // first): decides whether `(NAME)` starts a cast.
  std::unordered_set<std::string_view> parsed_type_names;

  // Symbol tables (first definition wins; forward declarations are
  // replaced by their definition).
  std::unordered_map<std::string_view, decl*> types;      // typedef, interface, coclass ...
  std::unordered_map<std::string_view, record*> tags;     // struct/union/enum tags
  std::unordered_map<std::string_view, decl*> consts;     // const declarations
  std::unordered_map<std::string_view, enumerator*> enumerators;
};

/// Parses `path` (and what it imports) into `c`. Errors go to c.diags.
/// (imports.cpp: the driver side of parsing.)
void parse_main_file(compilation& c, const std::string& path);
/// `import "file";` at `loc`, in a file imported `depth` levels deep:
/// finds the file (through pp's search path), and parses it into
/// c.imported_items unless this compilation has it already. Returns the
/// resolved path, or nullopt (reported) when the file cannot be found.
std::optional<std::string> import_file(compilation& c, preprocessor& pp, const std::string& file, location loc, std::size_t depth);
/// Parses the tokens of one file (parser.cpp) into `out`, handing each
/// import to import_file; returns the resolved paths it imported, in order.
std::vector<std::string> parse_tokens(compilation& c, preprocessor& pp, bool imported, std::size_t depth, std::vector<decl*>& out);
/// Resolves names and checks the semantic rules; errors go to c.diags.
void check(compilation& c);
/// Evaluates an integer constant expression; nullopt if it is not one.
std::optional<std::int64_t> evaluate(const compilation& c, const expr* e, int depth = 0);

}  // namespace comkit::idl

#endif  // COMKIT_COMPILER_COMPILATION_H
