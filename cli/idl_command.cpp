// cli/idl_command.cpp - `comkit idl`: the IDL compiler's command line.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compilation.h"
#include "compiler.h"
#include "typelib_data.h"

namespace {

constexpr int exit_ok = 0, exit_failed = 1, exit_usage = 2;

std::optional<std::vector<std::uint8_t>> read_binary(const std::string& path) {
  const std::optional<std::string> text = comkit::idl::read_regular_file(path);
  if (!text) return std::nullopt;
  return std::vector<std::uint8_t>(text->begin(), text->end());
}

// `comkit idl --from-tlb FILE.tlb...`: each type library as FILE.idl in the
// output directory. The names of imported types come from the imported
// libraries, looked for beside the input and on the -I path.
int idl_from_typelibs(const std::vector<std::string>& inputs, const comkit::idl::compile_options& o) {
  namespace tl = comkit::typelib;
  int status = exit_ok;
  for (const std::string& input : inputs) {
    const auto image = read_binary(input);
    tl::library lib;
    if (!image || FAILED(tl::read_msft(*image, lib))) {
      std::fprintf(stderr, "comkit idl: %s: not a readable type library\n", input.c_str());
      status = exit_failed;
      continue;
    }
    std::vector<std::string> dirs{input.rfind('/') == std::string::npos ? std::string(".") : input.substr(0, input.rfind('/'))};
    dirs.insert(dirs.end(), o.pp.include_dirs.begin(), o.pp.include_dirs.end());
    std::vector<std::optional<tl::library>> imported(lib.imports.size());
    for (std::size_t i = 0; i < lib.imports.size(); ++i)
      for (const std::string& dir : dirs)
        if (const auto other = read_binary(dir + "/" + tl::to_utf8(lib.imports[i].filename))) {
          tl::library l;
          if (SUCCEEDED(tl::read_msft(*other, l))) {
            imported[i] = std::move(l);
            break;
          }
        }
    std::vector<std::string> names(lib.imported_types.size());
    for (std::size_t i = 0; i < lib.imported_types.size(); ++i) {
      const tl::imported_type& t = lib.imported_types[i];
      if (t.file >= imported.size() || !imported[t.file]) continue;
      for (std::size_t k = 0; k < imported[t.file]->types.size(); ++k) {
        const tl::type_data& candidate = imported[t.file]->types[k];
        if (t.guid != GUID{} ? candidate.guid == t.guid : static_cast<std::int32_t>(k) == t.index) names[i] = tl::to_utf8(candidate.d.name);
      }
    }
    std::string base = input.substr(input.rfind('/') == std::string::npos ? 0 : input.rfind('/') + 1);
    if (const std::size_t dot = base.rfind('.'); dot != std::string::npos) base = base.substr(0, dot);
    comkit::idl::compile_options out = o;
    comkit::idl::compile_result r;
    r.outputs[base + ".idl"] = tl::to_idl(lib, names);
    std::string error;
    if (!comkit::idl::write_outputs(out, r, error)) {
      std::fprintf(stderr, "comkit idl: %s\n", error.c_str());
      status = exit_failed;
    }
  }
  return status;
}

}  // namespace

extern const char* const idl_help_text;
const char* const idl_help_text =
    "usage: comkit idl FILE.idl... [-I DIR]... [-D NAME[=VALUE]]... [-U NAME]... [-o DIR]\n"
    "                  [--c-header] [--cpp-header] [--iid-source] [--proxy] [--tlb] [--embed-tlb[=ID]]\n"
    "                  [--win32|--win64] [--depfile FILE] [--iid-api MACRO] [-Werror] [--no-caret]\n"
    "Compiles MIDL into FILE.h (C and C++ declarations, Windows SDK layout), FILE_i.c\n"
    "(the IID/CLSID definitions), FILE_projection.h (the C++ projection), FILE_p.c\n"
    "(the proxy/stub tables) and, for a file with a library block, FILE.tlb (its type\n"
    "library, Windows' MSFT format). With none of --c-header, --cpp-header, --iid-source,\n"
    "--proxy and --tlb, all are written. Several\n"
    "FILE.idl are compiled one after the other with the same options, each imported\n"
    "file parsed once.\n"
    "  -I DIR           search DIR for #include and import (after the file's own directory)\n"
    "  -D NAME[=VALUE]  define a preprocessor macro; -U NAME removes one\n"
    "  -o DIR           write the outputs into DIR (default: the current directory)\n"
    "  --depfile FILE   write a make-style list of every file read (for build systems)\n"
    "  --iid-api MACRO  put MACRO before each IID declaration (e.g. an export attribute)\n"
    "  --win32, --win64 the type library's target (default: --win64); importlib() files are\n"
    "                   found beside FILE.idl, then on the -I path\n"
    "  --embed-tlb[=ID] also write FILE_tlb.c, which puts FILE.tlb into the module it is\n"
    "                   linked into as type library ID (default 1), found by LoadTypeLib\n"
    "                   (\"libfoo.so\" or \"libfoo.so\\ID\"); implies --tlb\n"
    "  --from-tlb       the inputs are type libraries: write each back as FILE.idl\n"
    "  -Werror          treat warnings as errors\n"
    "Diagnostics read FILE:LINE:COL: error: ...; every error is reported, and nothing is\n"
    "written unless the whole compilation succeeds. Exit codes: 0 success, 1 errors in\n"
    "the input or a file that cannot be written, 2 bad command line.\n";

int cmd_idl(const std::vector<std::string_view>& args) {
  comkit::idl::compile_options o;
  std::vector<std::string> inputs;
  bool from_tlb = false;
  auto value = [&](std::size_t& i, std::string_view flag, std::string& out) {
    std::string_view a = args[i];
    if (a.size() > flag.size() && a.substr(0, flag.size()) == flag && flag.size() == 2) {
      out = std::string(a.substr(2));
      return true;
    }
    if (i + 1 >= args.size()) {
      std::fprintf(stderr, "comkit idl: %.*s needs a value\n", static_cast<int>(flag.size()), flag.data());
      return false;
    }
    out = std::string(args[++i]);
    return true;
  };
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string_view a = args[i];
    std::string v;
    if (a.rfind("-I", 0) == 0) {
      if (!value(i, "-I", v)) return exit_usage;
      o.pp.include_dirs.push_back(v);
    } else if (a.rfind("-D", 0) == 0) {
      if (!value(i, "-D", v)) return exit_usage;
      std::size_t eq = v.find('=');
      comkit::idl::pp_options::define d;
      d.name = v.substr(0, eq);
      d.value = eq == std::string::npos ? "1" : v.substr(eq + 1);
      if (d.name.empty()) {
        std::fprintf(stderr, "comkit idl: -D needs a macro name\n");
        return exit_usage;
      }
      o.pp.defines.push_back(d);
    } else if (a.rfind("-U", 0) == 0) {
      if (!value(i, "-U", v)) return exit_usage;
      o.pp.defines.push_back({v, "", true});
    } else if (a == "-o") {
      if (!value(i, "-o", o.output_dir)) return exit_usage;
    } else if (a == "--depfile") {
      if (!value(i, "--depfile", o.depfile)) return exit_usage;
    } else if (a == "--iid-api") {
      if (!value(i, "--iid-api", o.iid_api)) return exit_usage;
    } else if (a == "--c-header") {
      o.c_header = true;
    } else if (a == "--cpp-header") {
      o.cpp_header = true;
    } else if (a == "--iid-source") {
      o.iid_source = true;
    } else if (a == "--proxy") {
      o.proxy = true;
    } else if (a == "--tlb") {
      o.typelib = o.typelib_required = true;
    } else if (a == "--embed-tlb" || a.rfind("--embed-tlb=", 0) == 0) {
      o.typelib = o.typelib_required = true;
      o.embed_typelib = 1;
      if (a.size() > 11) {
        const std::string_view id = a.substr(12);
        unsigned long n = 0;
        bool ok = !id.empty() && id.size() <= 5;
        for (char ch : id) ok = ok && ch >= '0' && ch <= '9' && (n = n * 10 + static_cast<unsigned long>(ch - '0'), true);
        if (!ok || n == 0 || n > 65535) {
          std::fprintf(stderr, "comkit idl: --embed-tlb=ID needs an ID from 1 to 65535\n");
          return exit_usage;
        }
        o.embed_typelib = static_cast<std::uint32_t>(n);
      }
    } else if (a == "--from-tlb") {
      from_tlb = true;
    } else if (a == "--win32") {
      o.win32 = true;
    } else if (a == "--win64") {
      o.win32 = false;
    } else if (a == "-Werror") {
      o.warnings_are_errors = true;
    } else if (a == "--no-caret") {
      o.caret = false;
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "comkit idl: unknown option '%.*s'\n%s", static_cast<int>(a.size()), a.data(), idl_help_text);
      return exit_usage;
    } else {
      inputs.emplace_back(a);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "comkit idl: no input file\n%s", idl_help_text);
    return exit_usage;
  }
  if (from_tlb) return idl_from_typelibs(inputs, o);
  if (!o.c_header && !o.cpp_header && !o.iid_source && !o.proxy && !o.typelib)
    o.c_header = o.cpp_header = o.iid_source = o.proxy = o.typelib = true;
  // Several inputs are compiled one after the other in this process, in one
  // session: a file imported by an earlier input is not parsed again. A
  // failed input writes nothing and the others go on.
  int status = exit_ok;
  comkit::idl::compile_session session;
  // One depfile for all inputs: every output depends on every file read.
  const std::string depfile = o.depfile;
  o.depfile.clear();
  std::vector<std::string> targets, dependencies;
  for (const std::string& input : inputs) {
    o.input = input;
    comkit::idl::compile_result r = comkit::idl::compile(session, o);
    for (std::string& p : comkit::idl::output_paths(o, r)) targets.push_back(std::move(p));
    dependencies.insert(dependencies.end(), r.dependencies.begin(), r.dependencies.end());
    std::fputs(r.diagnostics.c_str(), stderr);
    if (!r.ok) {
      std::fprintf(stderr, "comkit idl: %s: %zu error%s; nothing written\n", input.c_str(), r.errors, r.errors == 1 ? "" : "s");
      status = exit_failed;
      continue;
    }
    std::string error;
    if (!comkit::idl::write_outputs(o, r, error)) {
      std::fprintf(stderr, "comkit idl: %s\n", error.c_str());
      status = exit_failed;
    }
  }
  if (!depfile.empty() && status == exit_ok) {
    std::sort(dependencies.begin(), dependencies.end());
    dependencies.erase(std::unique(dependencies.begin(), dependencies.end()), dependencies.end());
    std::string error;
    if (!comkit::idl::write_depfile(depfile, targets, dependencies, error)) {
      std::fprintf(stderr, "comkit idl: %s\n", error.c_str());
      status = exit_failed;
    }
  }
  return status;
}
