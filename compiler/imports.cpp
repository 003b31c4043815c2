// compiler/imports.cpp - the driver side of parsing: the main file, and
// every file it imports.
//
// `import "x.idl";` parses x.idl with a fresh preprocessor (MIDL
// preprocesses each imported file on its own), marks its declarations as
// imported (visible, not emitted) and records the import for the header's
// #include. A file is imported once per compilation; an import cycle is
// cut silently, as MIDL does, since each file is only ever parsed once.
// Across the inputs of one session an import that parsed without any
// diagnostic is reused (compile_session::imports): its own imports first,
// then its declarations, as a fresh parse would have added them.
#include "compilation.h"
#include "preprocessor.h"

namespace comkit::idl {
namespace {

// The type names a cached import's declarations add to parsed_type_names.
void note_type_names(compilation& c, const std::vector<decl*>& items) {
  for (const decl* d : items) {
    switch (d->kind) {
      case decl_kind::typedef_:
      case decl_kind::coclass:
        c.parsed_type_names.insert(d->name);
        break;
      case decl_kind::interface:
      case decl_kind::dispinterface:
        c.parsed_type_names.insert(d->name);
        note_type_names(c, d->members);
        break;
      case decl_kind::library:
      case decl_kind::module:
        note_type_names(c, d->members);
        break;
      default:
        break;
    }
  }
}

void parse_into(compilation& c, const std::string& path, location from, std::vector<decl*>& out, bool imported, std::size_t depth) {
  c.imports_done[path] = false;
  if (imported) {
    auto it = c.session.imports.find(path);
    if (it != c.session.imports.end()) {
      for (const std::string& nested : it->second.imports)
        if (!c.imports_done.count(nested)) parse_into(c, nested, from, out, true, depth + 1);
      out.insert(out.end(), it->second.items.begin(), it->second.items.end());
      note_type_names(c, it->second.items);
      c.imports_done[path] = true;
      return;
    }
  }
  const std::size_t diags_before = c.diags.all().size();
  preprocessor pp(c.sources, c.diags, c.pp_opts, c.reader, c.token_text, c.limits.preprocessor);
  if (!pp.push_file(path, from)) return;
  std::vector<decl*> items;
  std::vector<std::string> direct = parse_tokens(c, pp, imported, depth, items);
  out.insert(out.end(), items.begin(), items.end());
  c.imports_done[path] = true;
  if (imported && c.diags.all().size() == diags_before && c.diags.error_count() == 0)
    c.session.imports.emplace(path, compile_session::cached_import{std::move(items), std::move(direct)});
}

}  // namespace

std::optional<std::string> import_file(compilation& c, preprocessor& pp, const std::string& file, location loc, std::size_t depth) {
  std::optional<std::string> path = pp.resolve(file, true, loc.file);
  if (!path) {
    c.diags.error(loc, "cannot find imported file '" + file + "'");
    return std::nullopt;
  }
  if (c.imports_done.count(*path)) return path;
  if (depth + 1 > c.limits.import_depth) {
    c.diags.error(loc, "imports nested too deeply (limit " + std::to_string(c.limits.import_depth) + ")");
    return path;
  }
  parse_into(c, *path, loc, c.imported_items, true, depth + 1);
  return path;
}

void parse_main_file(compilation& c, const std::string& path) {
  c.main_path = path;
  parse_into(c, path, location{}, c.items, false, 0);
}

}  // namespace comkit::idl
