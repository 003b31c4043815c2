// compiler/model/model.h - the resolved model: what the IDL means, between
// checking and emitting.
//
// The syntax tree says what was written; the model says what it means, in
// the terms every back-end needs: an interface's vtable slots and base
// chain, each parameter's direction and role ([retval], the count another
// parameter's size_is names, the IID an iid_is names), property accessors,
// a coclass's default and source interfaces, enum values and whether an
// enum is a flag set, and every attribute parsed into a typed field. The C
// and C++ emitters, and later the type library writer, the proxy/stub
// tables and the Rust and Python generators, read this and not the
// attribute lists.
//
// The model points into the syntax tree for types and expressions (a type
// stays a C declarator; the model does not re-describe it) and owns
// everything else. It is built once per compilation, after check(), by
// build_model, and is immutable afterwards.
#ifndef COMKIT_COMPILER_MODEL_H
#define COMKIT_COMPILER_MODEL_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ast.h"

namespace comkit::idl {

struct compilation;

namespace model {

struct interface_info;

/// Attributes most declarations may carry ([helpstring], [uuid] ...).
struct common_attributes {
  std::optional<std::string> uuid;  // normalised lower-case GUID text
  std::optional<std::string> helpstring;
  std::optional<std::uint32_t> helpcontext;
  std::optional<std::string> helpfile;
  std::optional<std::uint32_t> helpstringcontext;
  std::optional<std::pair<std::uint16_t, std::uint16_t>> version;  // major.minor
  std::optional<std::uint32_t> lcid;
  bool hidden = false, restricted = false;
  /// custom(guid, value): the GUID text and the value expression.
  std::vector<std::pair<std::string, const expr*>> custom;
};

enum class direction : std::uint8_t { in, out, in_out };
enum class pointer_kind : std::uint8_t { none, ref, unique, ptr };
enum class property_kind : std::uint8_t { none, get, put, putref };

/// An attribute argument that names a value, such as `n` in size_is(n) or
/// `*pcount` in size_is(, *pcount), bound to what it names.
struct bound_value {
  const expr* text = nullptr;  // as written; null when omitted
  /// The parameter (in a method) or field (in a struct) the expression
  /// names, or -1 for a constant or a more complex expression.
  int index = -1;
  bool dereferenced = false;                // `*n`: the value is behind the pointer
  std::optional<std::int64_t> constant;     // a constant expression's value
  bool present() const { return text != nullptr; }
};

struct parameter {
  const param* syntax = nullptr;
  std::string_view name;
  const type* ty = nullptr;
  direction dir = direction::in;
  bool retval = false;   // the last [out, retval]: the projected return value
  bool lcid = false;
  bool optional = false;
  bool string = false;   // [string]
  pointer_kind pointer = pointer_kind::none;  // the outer pointer's kind when stated
  const expr* default_value = nullptr;       // [defaultvalue(x)]
  /// size_is / length_is / max_is / first_is / last_is: one entry per
  /// pointer level, outermost first (size_is(, n) has an omitted first).
  std::vector<bound_value> size_is, length_is, max_is, first_is, last_is;
  bound_value iid_is, switch_is;
  const type* switch_type = nullptr;
  /// Parameters that name this one in their size_is/length_is (it is their
  /// count) and in iid_is (it is their IID).
  std::vector<int> counts_for, iid_for;
};

struct method {
  const decl* syntax = nullptr;
  std::string_view name;       // as declared: `Name` for [propget] Name
  std::string abi_name;        // the vtable member: `get_Name` for [propget]
  int slot = -1;               // vtable slot (IUnknown's QueryInterface is 0); -1 for [call_as] methods
  const type* result = nullptr;
  std::vector<parameter> params;
  int retval = -1;             // index of the [retval] parameter, or -1
  property_kind property = property_kind::none;
  std::optional<std::int32_t> dispid;  // [id(n)]
  bool local = false, vararg = false, source = false, call_as = false;
  std::string_view call_as_target;     // [call_as(M)]: the local method this one carries
  common_attributes attrs;
};

struct interface_info {
  const decl* syntax = nullptr;
  std::string_view name;
  bool dispinterface = false;
  bool imported = false;
  const interface_info* base = nullptr;  // null for IUnknown or an interface from nowhere
  std::string_view base_name;            // as written, even when not in the model
  int first_slot = 0;                    // the slot of the first own method (inherited slots before it)
  int slot_count = 0;                    // own + inherited
  std::vector<method> methods;           // own methods, declaration order
  bool dual = false, oleautomation = false, nonextensible = false, local = false, object = false;
  common_attributes attrs;
  /// The chain from this interface down to its root, this first.
  std::vector<const interface_info*> chain() const;
  /// True when the methods have IEnumXxx's shape: Next(ULONG, T*, ULONG*),
  /// Skip(ULONG), Reset(), Clone(I**).
  bool is_enumerator() const;
};

struct coclass_member {
  const interface_info* iface = nullptr;  // null when the name is not an interface in the model
  std::string_view name;
  bool is_default = false, source = false, restricted = false, default_vtable = false;
  /// custom(guid, value) on the member, as common_attributes::custom.
  std::vector<std::pair<std::string, const expr*>> custom;
};

struct coclass_info {
  const decl* syntax = nullptr;
  std::string_view name;
  bool imported = false;
  std::vector<coclass_member> members;
  std::optional<std::string> progid, version_independent_progid, threading;
  bool noncreatable = false, appobject = false, control = false, licensed = false, aggregatable = false;
  common_attributes attrs;
  /// [default] incoming interface, else the first non-source one (MIDL's
  /// rule); null when there is none.
  const coclass_member* default_interface() const;
  /// [default, source] interface, else the first source one.
  const coclass_member* default_source() const;
};

struct enum_value {
  std::string_view name;
  std::int64_t value = 0;
};

struct enum_info {
  const decl* syntax = nullptr;  // the typedef or record declaration
  std::string_view name;         // the typedef name, else the tag
  const record* rec = nullptr;
  bool imported = false;
  std::vector<enum_value> values;
  /// A flag set: every non-zero value is one bit or a combination of other
  /// values, with at least three distinct single bits. A heuristic (MIDL has
  /// no [flags]); it only adds bitmask operators to a projection.
  bool flags = false;
  bool v1_enum = false;
  common_attributes attrs;
};

struct library_info {
  const decl* syntax = nullptr;
  std::string_view name;
  common_attributes attrs;
  std::vector<const interface_info*> interfaces;
  std::vector<const coclass_info*> coclasses;
  std::vector<const enum_info*> enums;
};

/// The model of one compilation: everything declared in the main file and
/// in its imports (flagged `imported`), in declaration order.
struct model {
  /// The main file's top-level declarations, in order: what the C header
  /// prints, declarator by declarator (types and expressions stay syntax).
  std::vector<const decl*> items;
  std::vector<std::unique_ptr<interface_info>> interfaces;
  std::vector<std::unique_ptr<coclass_info>> coclasses;
  std::vector<std::unique_ptr<enum_info>> enums;
  std::vector<std::unique_ptr<library_info>> libraries;

  const interface_info* find_interface(std::string_view name) const;
  const enum_info* find_enum(std::string_view name) const;

  std::unordered_map<std::string_view, interface_info*> interface_by_name;
  std::unordered_map<std::string_view, enum_info*> enum_by_name;
};

/// Builds the model of a checked compilation (check() ran without errors).
/// Problems the checker leaves to the model (an iid_is naming a parameter
/// that is not a GUID, a defaultvalue on a non-trailing parameter ...) are
/// reported to c.diags as warnings.
std::unique_ptr<model> build_model(compilation& c);

/// The named interface behind a type, through typedefs and one pointer
/// level (`IFoo*` -> IFoo); null when the type is not an interface pointer.
const decl* interface_of_pointer(const type* t);
/// The type through its typedefs (the typedef's own type); never null for a
/// non-null input.
const type* resolve_typedefs(const type* t);
/// True when t, through its typedefs, is spelled `name` at some level
/// (`named(t, "BSTR")` for a BSTR or a typedef of one).
bool named(const type* t, std::string_view name);
/// OLECHAR, WCHAR or wchar_t, through typedefs.
bool is_wide_char(const type* t);
/// The pointee of a pointer type (through typedefs), or null.
const type* pointee(const type* t);

}  // namespace model
}  // namespace comkit::idl

#endif  // COMKIT_COMPILER_MODEL_H
