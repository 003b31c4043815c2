// compiler/compiler.cpp - the driver: parse, check, emit, write.
#include "compiler.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/atomic_file.h"
#include "compilation.h"
#include "emit/emit.h"
#include "emit/typelib/typelib_emit.h"

namespace comkit::idl {
namespace {

std::string base_name_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  std::string b = slash == std::string::npos ? path : path.substr(slash + 1);
  std::size_t dot = b.rfind('.');
  if (dot != std::string::npos && dot != 0) b.resize(dot);
  return b;
}

bool write_atomically(const std::string& path, const std::string& text, std::string& error) {
  if (const int err = common::write_file_atomically(path, text, false)) {
    error = "cannot write '" + path + "': " + std::strerror(err);
    return false;
  }
  return true;
}

std::string make_escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == ' ' || c == '#') r += '\\';
    if (c == '$') r += '$';
    r += c;
  }
  return r;
}

}  // namespace

compile_result compile(const compile_options& o, file_reader reader) {
  compile_session session;
  return compile(session, o, std::move(reader));
}

compile_result compile(compile_session& session, const compile_options& o, file_reader reader) {
  compile_result r;
  compilation c(session, o.pp, reader);
  c.first_source = static_cast<std::uint32_t>(session.sources.size()) + 1;
  c.diags.set_warnings_are_errors(o.warnings_are_errors);
  parse_main_file(c, o.input);
  if (c.items.empty() && c.diags.error_count() == 0 && !c.sources.find(o.input)) {
    c.diags.error({}, "cannot read '" + o.input + "'");
  }
  if (c.diags.error_count() == 0 || true) check(c);
  // The resolved model, for the emitters that read it; it may add warnings.
  std::unique_ptr<model::model> m;
  if (c.diags.error_count() == 0) m = model::build_model(c);
  r.errors = c.diags.error_count();
  r.warnings = c.diags.warning_count();
  r.diagnostics = c.diags.render_all(o.caret);
  // Every file this input depends on: what it read itself, and what its
  // cached imports read earlier in the session.
  for (std::uint32_t i = 1; i <= c.sources.size(); ++i) {
    const std::string& path = c.sources.file(i).path;
    if (i >= c.first_source || c.imports_done.count(path) || path == o.input) r.dependencies.push_back(path);
  }
  if (r.errors != 0) return r;

  emit_options eo;
  eo.input_name = o.input;
  eo.base_name = base_name_of(o.input);
  eo.iid_api = o.iid_api;
  if (o.c_header) r.outputs[eo.base_name + ".h"] = emit_c_header(*m, eo);
  if (o.iid_source) r.outputs[eo.base_name + "_i.c"] = emit_iid_source(*m, eo);
  if (o.cpp_header) r.outputs[eo.base_name + "_projection.h"] = emit_cpp_projection(*m, eo);
  if (o.proxy) r.outputs[eo.base_name + "_p.c"] = emit_proxy_tables(*m, eo);
  if (o.typelib && has_library(*m)) {
    // importlib("x.tlb") is looked for beside the input, then on the -I path.
    typelib_options to;
    to.syskind = o.win32 ? SYS_WIN32 : SYS_WIN64;
    const std::size_t slash = o.input.rfind('/');
    to.search_dirs.push_back(slash == std::string::npos ? std::string() : o.input.substr(0, slash));
    to.search_dirs.insert(to.search_dirs.end(), o.pp.include_dirs.begin(), o.pp.include_dirs.end());
    to.reader = reader;
    to.evaluate = [&c](const expr* e) { return evaluate(c, e); };
    typelib_error error;
    std::vector<typelib_error> warnings;
    auto image = emit_typelib(*m, to, error, warnings);
    for (const typelib_error& w : warnings) c.diags.warning(w.loc, w.message);
    if (image) {
      if (o.embed_typelib) r.outputs[eo.base_name + "_tlb.c"] = emit_embedded_typelib(*image, o.embed_typelib, eo.base_name);
      r.outputs[eo.base_name + ".tlb"] = std::move(*image);
    } else if (o.typelib_required) {
      c.diags.error(error.loc, error.message);
    } else {
      c.diags.warning(error.loc, error.message + "; " + eo.base_name + ".tlb is not written");
    }
    r.errors = c.diags.error_count();
    r.warnings = c.diags.warning_count();
    r.diagnostics = c.diags.render_all(o.caret);
    if (r.errors != 0) {
      r.outputs.clear();
      return r;
    }
  }
  r.ok = true;
  return r;
}

std::vector<std::string> output_paths(const compile_options& o, const compile_result& r) {
  std::string dir = o.output_dir.empty() ? "." : o.output_dir;
  if (dir.back() != '/') dir += '/';
  std::vector<std::string> paths;
  for (const auto& [name, text] : r.outputs) paths.push_back(dir + name);
  return paths;
}

bool write_depfile(const std::string& path, const std::vector<std::string>& targets, const std::vector<std::string>& dependencies,
                   std::string& error) {
  std::string d;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (i) d += ' ';
    d += make_escape(targets[i]);
  }
  d += ":";
  for (const std::string& dep : dependencies) {
    d += " \\\n  ";
    d += make_escape(dep);
  }
  d += "\n";
  return write_atomically(path, d, error);
}

bool write_outputs(const compile_options& o, const compile_result& r, std::string& error) {
  std::vector<std::string> paths = output_paths(o, r);
  std::vector<std::string> written;
  std::size_t i = 0;
  for (const auto& [name, text] : r.outputs) {
    if (!write_atomically(paths[i], text, error)) {
      for (const std::string& w : written) ::unlink(w.c_str());
      return false;
    }
    written.push_back(paths[i++]);
  }
  if (!o.depfile.empty()) return write_depfile(o.depfile, written, r.dependencies, error);
  return true;
}

}  // namespace comkit::idl
