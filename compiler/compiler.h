// compiler/compiler.h - the IDL compiler as a library: what `comkit idl`
// runs, and what the tests and the fuzzer drive in-process.
#ifndef COMKIT_COMPILER_COMPILER_H
#define COMKIT_COMPILER_COMPILER_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "preprocessor.h"

namespace comkit::idl {

struct compile_options {
  std::string input;  // the .idl file
  pp_options pp;
  std::string output_dir = ".";
  bool c_header = false;
  bool cpp_header = false;
  bool iid_source = false;
  bool proxy = false;    // FILE_p.c: the proxy/stub tables
  bool typelib = false;  // FILE.tlb, when the file has a library block
  /// --tlb was asked for: a library the type library writer cannot write is
  /// an error (otherwise a warning, and no FILE.tlb).
  bool typelib_required = false;
  /// Non-zero: also FILE_tlb.c, embedding the type library as this id.
  std::uint32_t embed_typelib = 0;
  bool win32 = false;    // the type library's target: SYS_WIN32, else SYS_WIN64
  std::string depfile;   // make-style dependency file, written when set
  std::string iid_api;   // see emit_options::iid_api
  bool warnings_are_errors = false;
  bool caret = true;     // show the source line under each diagnostic
};

struct compile_result {
  bool ok = false;
  std::string diagnostics;                    // rendered, ready to print
  std::size_t errors = 0, warnings = 0;
  std::map<std::string, std::string> outputs;  // file name -> contents
  std::vector<std::string> dependencies;       // every file read
};

struct compile_session;

/// Compiles `o.input`. Nothing is written; see write_outputs.
compile_result compile(const compile_options& o, file_reader reader = read_regular_file);
/// The same within a session shared by several inputs (see
/// compilation.h): files imported by an earlier input are not parsed again.
compile_result compile(compile_session& session, const compile_options& o, file_reader reader = read_regular_file);

/// Writes each output (and the depfile) atomically: a temporary file in the
/// same directory renamed over the target, so a failed or interrupted run
/// never leaves a half-written header. Returns false with `error` set.
bool write_outputs(const compile_options& o, const compile_result& r, std::string& error);

/// Writes a make-style depfile: `targets: dependencies`, atomically.
bool write_depfile(const std::string& path, const std::vector<std::string>& targets, const std::vector<std::string>& dependencies,
                   std::string& error);
/// The paths write_outputs writes for `r` (the output directory joined
/// with each output's name).
std::vector<std::string> output_paths(const compile_options& o, const compile_result& r);

}  // namespace comkit::idl

#endif  // COMKIT_COMPILER_COMPILER_H
