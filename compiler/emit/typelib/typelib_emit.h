// compiler/emit/typelib/typelib_emit.h - the type library back-end
// (<base>.tlb). Unlike the text emitters it reads files (the libraries
// importlib names) and can fail on input the other outputs accept (a type
// with no type library form), so it reports an error with a location.
#ifndef COMKIT_COMPILER_EMIT_TYPELIB_EMIT_H
#define COMKIT_COMPILER_EMIT_TYPELIB_EMIT_H

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <comkit/abi/oaidl.h>

#include "model/model.h"
#include "preprocessor.h"

namespace comkit::idl {

struct typelib_options {
  SYSKIND syskind = SYS_WIN64;
  /// Where importlib("x.tlb") is looked for, in order ("" is the current
  /// directory). stdole2.tlb and stdole32.tlb need no file: their identity
  /// and the types IDL names from them are known.
  std::vector<std::string> search_dirs;
  file_reader reader;
  /// The value of an integer constant expression (consts, enumerators,
  /// operators), from the checker; nullopt when it is not one.
  std::function<std::optional<std::int64_t>(const expr*)> evaluate;
};

struct typelib_error {
  location loc;
  std::string message;
};

/// True when the main file has a `library` block (it gets a .tlb).
bool has_library(const model::model& m);
/// The MSFT image of the main file's first library block, or nullopt with
/// `error` set. What it writes in a weaker form (a default value that is not
/// a constant, an interface that is only forward-declared) it reports in
/// `warnings`.
std::optional<std::string> emit_typelib(const model::model& m, const typelib_options& o, typelib_error& error,
                                        std::vector<typelib_error>& warnings);

/// FILE_tlb.c: a C source that puts `image` into the comkit_typelib
/// section of the module it is linked into, as type library `id`
/// (runtime/typeinfo/embedded.h has the format).
std::string emit_embedded_typelib(const std::string& image, std::uint32_t id, const std::string& base_name);

}  // namespace comkit::idl

#endif  // COMKIT_COMPILER_EMIT_TYPELIB_EMIT_H
