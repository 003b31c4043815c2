// compiler/emit/emit.h - the back-ends: each turns the model of a checked
// compilation into the text of one output file. One emitter per output
// kind (STYLE.md); they share the C declarator printer. They see the model
// only (not the compilation), and keep their own state: nothing emitted is
// written back to the syntax tree.
#ifndef COMKIT_COMPILER_EMIT_H
#define COMKIT_COMPILER_EMIT_H

#include <string>

#include "model/model.h"

namespace comkit::idl {

struct emit_options {
  std::string input_name;  // the IDL file's name as given (for the banner)
  std::string base_name;   // file name without directory and extension
  /// Placed before `const IID` declarations, e.g. COMKIT_API for the
  /// interfaces libcomkit itself exports. Empty for user IDL.
  std::string iid_api;
};

/// The C/C++ header (<base>.h): Windows SDK conventions, C vtables under
/// COBJMACROS, C++ abstract structs registered with the projection.
std::string emit_c_header(const model::model& m, const emit_options& o);
/// The IID/CLSID definitions (<base>_i.c).
std::string emit_iid_source(const model::model& m, const emit_options& o);
/// The C++ projection header (<base>_projection.h).
std::string emit_cpp_projection(const model::model& m, const emit_options& o);
/// The proxy/stub tables (<base>_p.c, <comkit/abi/proxytable.h>).
std::string emit_proxy_tables(const model::model& m, const emit_options& o);

/// C spelling of a declaration of `name` with type `t` (name may be empty).
/// `in_record`: conformant arrays print as [1], as in the SDK's structs.
std::string c_declaration(const type* t, const std::string& name, bool in_record = false);
std::string c_expression(const expr* e);
/// C spelling of type t alone, without a top-level const (`LONG` for `const LONG`).
std::string spelling_unconst(const type* t);

}  // namespace comkit::idl

#endif  // COMKIT_COMPILER_EMIT_H
