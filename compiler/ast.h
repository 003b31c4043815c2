// compiler/ast.h - the IDL syntax tree.
//
// Nodes are owned by an ast_arena for the whole compilation and refer to
// each other with plain pointers. Names and literal spellings are
// string_views into the source files or the arena, which outlive the tree.
//
// Types follow C's structure: a base (builtin, named, struct/union/enum)
// wrapped by pointer, array and function layers, each layer with its own
// const. The back-ends print C declarators from that structure directly.
#ifndef COMKIT_COMPILER_AST_H
#define COMKIT_COMPILER_AST_H

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.h"

namespace comkit::idl {

struct type;
struct decl;

// ---- Expressions ---------------------------------------------------------------

enum class expr_kind : std::uint8_t {
  number,      // text: integer or floating spelling as written
  string,      // text: the literal with quotes and any L prefix
  character,   // text: the literal with quotes
  identifier,  // text: the name
  unary,       // text: operator; a: operand (includes * and & )
  binary,      // text: operator; a, b
  ternary,     // a ? b : c
  cast,        // (ty) a
  sizeof_type, // sizeof(ty)
  member,      // a . text  or  a -> text (op in `op`)
  index,       // a [ b ]
  empty,       // an omitted operand, as in size_is(, n)
};

struct expr {
  expr_kind kind = expr_kind::empty;
  location loc;
  std::string_view text;
  std::string_view op;  // member access operator
  expr* a = nullptr;
  expr* b = nullptr;
  expr* c = nullptr;
  type* ty = nullptr;
  bool parenthesized = false;
};

// ---- Attributes ------------------------------------------------------------------

struct attr_arg {
  expr* value = nullptr;  // most attributes
  type* ty = nullptr;     // switch_type, wire_marshal, transmit_as ...
  std::string raw;        // uuid text
};

struct attribute {
  std::string_view name;
  location loc;
  std::vector<attr_arg> args;
  bool has_parens = false;
};

struct attributes {
  std::vector<attribute> list;
  const attribute* find(std::string_view name) const {
    for (const attribute& a : list)
      if (a.name == name) return &a;
    return nullptr;
  }
  bool has(std::string_view name) const { return find(name) != nullptr; }
};

// ---- Types -------------------------------------------------------------------------

enum class type_kind : std::uint8_t { builtin, named, record, pointer, array, function };
enum class record_kind : std::uint8_t { struct_, union_, enum_ };

struct field {
  attributes attrs;
  type* ty = nullptr;  // nullptr for an empty union arm ([default] ;)
  std::string_view name;
  location loc;
  expr* bitfield = nullptr;   // `T name : width`
  std::vector<expr*> cases;  // encapsulated union: case labels
  bool is_default = false;    // encapsulated union: default:
};

struct enumerator {
  std::string_view name;
  location loc;
  expr* value = nullptr;
  std::int64_t computed = 0;
  bool has_value = false;  // computed is valid
};

struct record {
  record_kind kind = record_kind::struct_;
  std::string_view tag;  // may be empty (anonymous)
  location loc;
  bool defined = false;  // has a body
  std::vector<field*> fields;
  std::vector<enumerator*> enumerators;
  // An encapsulated union `union U switch (T name) arm { ... }`.
  field* switch_field = nullptr;
  std::string_view union_name;
  /// An anonymous record's name: the first typedef whose type it is the
  /// bottom of (`typedef struct { ... } POINT;`). Resolved by build_model,
  /// the same for every output; empty for a tagged record.
  std::string_view typedef_name;
};

struct param {
  attributes attrs;
  type* ty = nullptr;
  std::string_view name;
  location loc;
};

struct type {
  type_kind kind = type_kind::builtin;
  location loc;
  bool is_const = false;
  // builtin: the C spelling the header uses ("LONG", "unsigned char" ...)
  std::string_view spelling;
  // named: the name and what it resolved to (typedef, interface ...)
  std::string_view name;
  decl* target = nullptr;
  // record
  record* rec = nullptr;
  // pointer / array / function: the inner type (pointee, element, return)
  type* inner = nullptr;
  // array: the size; nullptr with `conformant` for [] / [*]
  expr* size = nullptr;
  bool conformant = false;
  // function
  std::vector<param*> params;
  bool varargs = false;
  std::string_view callconv;
};

// ---- Declarations ----------------------------------------------------------------

enum class decl_kind : std::uint8_t {
  typedef_,
  const_,
  function,
  variable,  // `extern const FMTID FMTID_X;`, copied to the header
  record,    // a struct/union/enum declared on its own
  interface,
  dispinterface,
  coclass,
  library,
  module,
  cpp_quote,
  import,
  importlib,
  midl_pragma,
};

struct coclass_member {
  attributes attrs;
  std::string_view name;
  location loc;
  decl* target = nullptr;
  bool dispinterface = false;
};

struct decl {
  decl_kind kind = decl_kind::typedef_;
  location loc;
  std::string_view name;
  attributes attrs;
  bool imported = false;  // declared in an imported file: visible, not emitted
  type* ty = nullptr;     // typedef/const/function: the type; record: the record type
  expr* value = nullptr;  // const
  // interface, dispinterface, library, module, coclass
  std::string_view base_name;
  location base_loc;
  decl* base = nullptr;
  bool forward = false;  // `interface IFoo;`
  decl* definition = nullptr;  // for a forward declaration, the definition if any
  std::vector<decl*> members;  // methods, typedefs, consts, nested items
  std::vector<field*> properties;  // dispinterface properties:
  decl* dispatch_of = nullptr;     // dispinterface D { interface I; }
  std::string_view dispatch_of_name;
  std::vector<coclass_member> coclass_members;
  // cpp_quote, import, importlib
  std::string text;
  std::vector<std::string> files;  // import: the names as written
  bool is_extern = false;          // variable: declared extern
  std::optional<std::string> uuid_text;  // normalised lower-case GUID text
};

/// Owns every node of one compilation.
class ast_arena {
 public:
  template <typename T>
  T* make() {
    auto& store = storage<T>();
    store.emplace_back();
    return &store.back();
  }
  std::string_view intern(std::string s) {
    m_strings.push_back(std::move(s));
    return m_strings.back();
  }

 private:
  template <typename T>
  std::deque<T>& storage();
  std::deque<expr> m_exprs;
  std::deque<type> m_types;
  std::deque<record> m_records;
  std::deque<field> m_fields;
  std::deque<enumerator> m_enumerators;
  std::deque<param> m_params;
  std::deque<decl> m_decls;
  std::deque<std::string> m_strings;
};

template <> inline std::deque<expr>& ast_arena::storage<expr>() { return m_exprs; }
template <> inline std::deque<type>& ast_arena::storage<type>() { return m_types; }
template <> inline std::deque<record>& ast_arena::storage<record>() { return m_records; }
template <> inline std::deque<field>& ast_arena::storage<field>() { return m_fields; }
template <> inline std::deque<enumerator>& ast_arena::storage<enumerator>() { return m_enumerators; }
template <> inline std::deque<param>& ast_arena::storage<param>() { return m_params; }
template <> inline std::deque<decl>& ast_arena::storage<decl>() { return m_decls; }

/// Helpers shared by the checker and the back-ends.
/// An interface with a vtable (as opposed to an RPC interface): [object],
/// [odl] or [dual], or one that derives from another interface.
inline bool is_object_interface(const decl& d) {
  return d.kind == decl_kind::interface &&
         (d.attrs.has("object") || d.attrs.has("odl") || d.attrs.has("dual") || !d.base_name.empty());
}

}  // namespace comkit::idl

#endif  // COMKIT_COMPILER_AST_H
