// compiler/emit/cpp/projection.cpp - the C++ projection header
// (<base>_projection.h), from the model.
//
// The C header already declares each interface's abstract struct and
// registers its IID. This header is the layer above it (STYLE.md:
// declarations, then interfaces, then projections). Per interface it
// checks the IID association at compile time, declares `IFooPtr`, and
// specializes comkit::consume<D, IFoo> (com_ptr.h) with one member per
// method in idiomatic form: [out] values returned, a failed HRESULT thrown
// (or returned as result<T> without exceptions) with the object's error
// information, strings, Booleans, interfaces and sized arrays in their
// C++ forms. Per coclass it specializes comkit::coclass_traits, so
// clsid_of<C>() and create_instance<C>() need no CLSID written twice.
//
// Every method is projected: a parameter with no idiomatic form passes
// through with its C type. The mapping table is docs/projection.md.
#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "emit/emit.h"
#include "model/model.h"

namespace comkit::idl {
namespace {

using namespace model;

// com_ptr's own members: a projected method of the same name would be
// hidden by them, so it gets a trailing underscore (docs/projection.md).
const std::set<std::string_view> reserved_names = {"as",       "attach", "copy_from", "copy_to", "detach", "get",
                                                   "put",      "put_void", "reset",   "swap",    "try_as", "type",
                                                   "add_ref",  "release", "m_ptr",   "consume"};

// Names the generated members use for their own locals and template
// parameters: a parameter spelled the same is renamed (another `_`).
const std::set<std::string_view> generated_names = {"self_", "hr_", "produced_", "rollback_", "Derived_", "D_", "J_"};

// C++ keywords that are not C's: legal parameter names in IDL.
const std::set<std::string_view> cpp_keywords = {
    "alignas", "alignof", "and", "and_eq", "asm", "bitand", "bitor", "bool", "catch", "char8_t", "char16_t", "char32_t", "class",
    "co_await", "co_return", "co_yield", "compl", "concept", "const_cast", "consteval", "constexpr", "constinit", "decltype",
    "delete", "dynamic_cast", "explicit", "export", "false", "friend", "mutable", "namespace", "new", "noexcept", "not",
    "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "reinterpret_cast", "requires",
    "static_assert", "static_cast", "template", "this", "thread_local", "throw", "true", "try", "typeid", "typename", "using",
    "virtual", "wchar_t", "xor", "xor_eq"};

// Parameter k's name in C++: as declared, `a<k>_` when unnamed, with `_`
// appended to a C++ keyword (IDL allows `protected` as a name).
std::string cpp_name(const parameter& p, std::size_t k) {
  std::string n = p.name.empty() ? "a" + std::to_string(k) + "_" : std::string(p.name);
  if (cpp_keywords.count(n)) n += "_";
  return n;
}

// True when t, through its typedefs, is spelled `name` at some level.
bool named(const type* t, std::string_view name) {
  for (int guard = 0; t && guard < 64; ++guard) {
    if (t->kind != type_kind::named) return false;
    if (t->name == name) return true;
    if (!t->target || t->target->kind != decl_kind::typedef_) return false;
    t = t->target->ty;
  }
  return false;
}

bool is_wide_char(const type* t) {
  return named(t, "OLECHAR") || named(t, "WCHAR") || named(t, "wchar_t") || (t && t->kind == type_kind::builtin && t->spelling == "wchar_t");
}

// The pointee of a pointer type (through typedefs), or null.
const type* pointee(const type* t) {
  t = resolve_typedefs(t);
  return t && t->kind == type_kind::pointer ? t->inner : nullptr;
}

std::string spelling(const type* t) { return c_declaration(t, ""); }

// The C spelling of t without a top-level const.
std::string spelling_unconst(const type* t) {
  if (!t || !t->is_const) return spelling(t);
  type copy = *t;
  copy.is_const = false;
  return c_declaration(&copy, "");
}

enum class shape {
  pass,         // the C type, as it is
  hidden,       // computed from another argument (a count, an IID)
  boolean,      // VARIANT_BOOL / BOOL as bool
  bstr,         // BSTR
  olestr,       // NUL-terminated const OLECHAR*
  iface,        // I* / I**
  variant,      // VARIANT
  span,         // [in, size_is(n)] T*
  vector,       // [out, size_is(, *n)] T**
  iid_template, // [out, iid_is(riid)] void**
  enumeration,  // an enum of this file: its enum class
  raw_out       // an [out] array the caller allocates: the C pointer, visible
};

struct projected_param {
  const parameter* p = nullptr;
  shape kind = shape::pass;
  std::string name;        // the C++ parameter or local name
  std::string value_type;  // out: the projected type; in: the element type for span
  std::string abi_type;    // out: the local's ABI type
  const decl* iface = nullptr;
  int count = -1;          // span/vector: the count parameter
  bool bool_is_variant = false;
};

// One method's projection, shared by the consuming and producing sides.
struct method_plan {
  std::vector<projected_param> v;
  std::vector<projected_param*> outs;  // the values that come back, in order
  projected_param* iid_out = nullptr;  // the [out, iid_is] of a template member
  std::string name;                    // the member's name
};

class projection_writer {
 public:
  projection_writer(const idl::model::model& m, const emit_options& o) : m_model(m), m_o(o) {}

  std::string run() {
    m_out += "// Generated by comkit idl from " + m_o.input_name + " - do not edit.\n";
    m_out += "// The C++ projection of " + m_o.base_name + ".idl (docs/projection.md): com_ptr<I> members, coclass traits.\n";
    m_out += "#pragma once\n\n#include \"" + m_o.base_name + ".h\"\n\n#include <concepts>\n#include <span>\n#include <type_traits>\n#include <vector>\n\n";
    m_out += "#include <comkit/com_ptr.h>\n#include <comkit/enumerator.h>\n#include <comkit/events.h>\n#include <comkit/produce.h>\n#include <comkit/projection.h>\n#include <comkit/variant.h>\n\n";
    // Every specialization is declared before any is defined, so a method
    // of one interface can return another declared later in the file.
    std::string fwd;
    for (const auto& i : m_model.interfaces)
      if (!i->imported && i->attrs.uuid && !i->dispinterface)
        fwd += "template <typename Derived_>\nstruct consume<Derived_, ::" + std::string(i->name) + ">;\n";
    if (!fwd.empty()) m_out += "namespace comkit {\n" + fwd + "}  // namespace comkit\n\n";
    enums_block();
    for (const auto& i : m_model.interfaces) {
      if (i->imported || !i->attrs.uuid) continue;
      interface_block(*i);
    }
    for (const auto& k : m_model.coclasses) {
      if (k->imported || !k->attrs.uuid) continue;
      coclass_block(*k);
    }
    return std::move(m_out);
  }

 private:
  void interface_block(const interface_info& i) {
    const std::string n(i.name);
    const std::string base = i.dispinterface ? "IDispatch" : i.syntax->base ? std::string(i.syntax->base->name) : std::string(i.base_name);
    m_out += "// ---- " + n + " ----\n";
    m_out += "static_assert(::comkit::guid_of<" + n + ">() == ::comkit::make_guid(\"" + *i.attrs.uuid + "\"), \"" + n +
             ": IID association differs from the IDL\");\n";
    if (!base.empty())
      m_out += "static_assert(std::is_same_v<::comkit::base_interface_t<" + n + ">, " + base + ">, \"" + n + ": base interface\");\n";
    m_out += "using " + n + "Ptr = ::comkit::com_ptr<" + n + ">;\n";
    if (i.dispinterface) {
      m_out += "\n";
      return;  // reached through IDispatch::Invoke, not projected as members
    }
    m_out += "namespace comkit {\ntemplate <typename Derived_>\nstruct consume<Derived_, ::" + n + ">";
    if (!base.empty()) m_out += " : consume<Derived_, ::" + base + ">";
    m_out += " {\n";
    for (const method& m : i.methods) {
      if (m.call_as || m.slot < 0) continue;
      method_block(i, m);
    }
    m_out += "};\n}  // namespace comkit\n\n";
    if (i.is_enumerator()) enumerator_block(i);
    produce_block(i);
  }

  // An IEnumXxx: what Next returns and how it is owned, for the range and
  // make_enumerator (comkit/enumerator.h).
  void enumerator_block(const interface_info& i) {
    const method* next = nullptr;
    for (const method& m : i.methods)
      if (m.name == "Next") next = &m;
    const type* e = next ? pointee(next->params[1].ty) : nullptr;
    if (!e) return;
    std::string kind = "value";
    if (named(e, "BSTR")) kind = "bstr";
    else if (named(e, "VARIANT")) kind = "variant";
    else if (named(e, "LPOLESTR") || named(e, "LPWSTR") || (pointee(e) && is_wide_char(pointee(e)))) kind = "olestr";
    else if (const decl* d = interface_of_pointer(e); d && d->kind == decl_kind::interface) kind = "object";
    m_out += "namespace comkit {\ntemplate <>\nstruct enumerator_traits<::" + std::string(i.name) + "> {\n  using element = " +
             spelling_unconst(e) + ";\n  static constexpr enum_kind kind = enum_kind::" + kind + ";\n};\n}  // namespace comkit\n\n";
  }

  // ---- The producing side: comkit::produce<D, I> ----

  // The ABI methods of I and of every base but IUnknown (and IDispatch,
  // which produce_dispatch answers), each calling D's raw method when it
  // has one, else its idiomatic member.
  void produce_block(const interface_info& i) {
    const std::string n(i.name);
    std::vector<const interface_info*> chain = i.chain();
    std::reverse(chain.begin(), chain.end());
    std::string base = "::comkit::detail::produce_base<D_, ::" + n + ">";
    std::vector<const interface_info*> own;
    for (const interface_info* c : chain) {
      if (c->name == "IUnknown") continue;
      if (c->name == "IDispatch") {
        base = "::comkit::detail::produce_dispatch<D_, ::" + n + ">";
        continue;
      }
      own.push_back(c);
    }
    m_out += "namespace comkit {\ntemplate <>\ninline constexpr bool is_produced<::" + n + "> = true;\n";
    m_out += "template <typename D_>\nstruct produce<D_, ::" + n + "> : " + base + " {\n";
    for (const interface_info* c : own)
      for (const method& m : c->methods)
        if (!m.call_as && m.slot >= 0) produce_method(*c, m);
    m_out += "};\n}  // namespace comkit\n\n";
  }

  // What D's member receives for parameter q: the expression (or, for the
  // requires-check, an expression of the same type) and a description for
  // the diagnostic. Empty when q is not an argument of the member.
  std::string produced_argument(const method_plan& pl, const projected_param& q, bool check, std::string* what) {
    const parameter& p = *q.p;
    auto say = [&](std::string t) {
      if (what) *what = std::move(t);
    };
    if (q.kind == shape::hidden) {
      if (!p.iid_for.empty()) return say("REFIID"), q.name;  // D chooses the object by IID
      return {};
    }
    if (p.dir == direction::out) {
      if (q.kind == shape::raw_out) return say(spelling(p.ty)), q.name;
      return {};
    }
    if (p.dir == direction::in_out) {
      const type* e = pointee(p.ty);
      if (!e) return say(spelling(p.ty)), q.name;
      if (q.kind == shape::bstr) return say("comkit::bstr&"), check ? "std::declval<::comkit::bstr&>()" : q.name + "_inout_.value()";
      if (named(e, "VARIANT")) return say("comkit::variant&"), check ? "std::declval<::comkit::variant&>()" : q.name + "_inout_.value()";
      return say(spelling_unconst(e) + "&"), "*" + q.name;
    }
    switch (q.kind) {
      case shape::boolean:
        return say("bool"), "(" + q.name + (q.bool_is_variant ? " != VARIANT_FALSE)" : " != FALSE)");
      case shape::enumeration: return say(q.value_type.substr(2)), "static_cast<" + q.value_type + ">(" + q.name + ")";
      case shape::bstr: return say("a string view"), "::comkit::detail::string_arg::of_bstr(" + q.name + ")";
      case shape::olestr: return say("a string view"), "::comkit::detail::string_arg::of_terminated(" + q.name + ")";
      case shape::iface: {
        const std::string j = "::" + std::string(q.iface->name);
        return say(std::string(q.iface->name) + "* or comkit::com_ptr<" + std::string(q.iface->name) + ">"),
               "::comkit::detail::interface_arg<" + j + ">(" + q.name + ")";
      }
      case shape::variant: return say("const VARIANT& or comkit::variant"), "::comkit::detail::variant_arg(" + q.name + ")";
      case shape::span: {
        const std::string count = pl.v[static_cast<std::size_t>(q.count)].name;
        return say("std::span<const " + q.value_type + ">"),
               "std::span<const " + q.value_type + ">(" + q.name + ", static_cast<std::size_t>(" + count + "))";
      }
      default: return say(spelling(p.ty)), q.name;
    }
  }

  // What undoes out q's store: free what it owns, or reset it.
  static std::string clear_statement(const method_plan& pl, const projected_param& q) {
    switch (q.kind) {
      case shape::bstr:
      case shape::variant:
      case shape::iface: return "::comkit::detail::clear_out(" + q.name + ")";
      case shape::vector:
        return "::comkit::detail::clear_out_array(" + q.name + "), ::comkit::detail::reset_out(" +
               pl.v[static_cast<std::size_t>(q.count)].name + ")";
      case shape::iid_template: return "::comkit::detail::clear_out_queried(" + q.name + ")";
      default: return "::comkit::detail::reset_out(" + q.name + ")";
    }
  }

  // The statement that stores value V for out q; an HRESULT expression.
  std::string produced_store(const method_plan& pl, const projected_param& q, const std::string& value) {
    switch (q.kind) {
      case shape::boolean:
        return "(*" + q.name + " = (" + value + ") ? " + (q.bool_is_variant ? "VARIANT_TRUE : VARIANT_FALSE" : "TRUE : FALSE") + ", S_OK)";
      case shape::enumeration: return "(*" + q.name + " = static_cast<" + q.abi_type + ">(" + value + "), S_OK)";
      case shape::bstr: return "::comkit::detail::store_bstr(" + q.name + ", " + value + ")";
      case shape::variant: return "::comkit::detail::store_variant(" + q.name + ", " + value + ")";
      case shape::iface: return "::comkit::detail::store_interface(" + q.name + ", " + value + ")";
      case shape::vector:
        return "::comkit::detail::store_array(" + q.name + ", " + pl.v[static_cast<std::size_t>(q.count)].name + ", " + value + ")";
      case shape::iid_template:
        return "::comkit::detail::store_queried(" + pl.v[static_cast<std::size_t>(q.p->iid_is.index)].name + ", " + q.name + ", " +
               value + ")";
      default: return "(*" + q.name + " = " + value + ", S_OK)";
    }
  }

  void produce_method(const interface_info& owner, const method& m) {
    method_plan pl = plan(owner, m);
    std::string params, names, types;
    for (std::size_t k = 0; k < pl.v.size(); ++k) {
      params += (k ? ", " : "") + c_declaration(pl.v[k].p->ty, pl.v[k].name);
      names += (k ? ", " : "") + pl.v[k].name;
      types += (k ? ", " : "") + spelling(pl.v[k].p->ty);
    }
    const std::string shim = "this->shim().";
    m_out += "  " + spelling(m.result) + " STDMETHODCALLTYPE " + m.abi_name + "(" + params + ") noexcept override {\n";
    if (!returns_hresult(m)) {  // no idiomatic form: D implements it as declared
      m_out += "    return " + shim + m.abi_name + "(" + names + ");\n  }\n";
      return;
    }
    std::string args, check_args, described;
    for (const projected_param& q : pl.v) {
      std::string what;
      const std::string a = produced_argument(pl, q, false, &what);
      if (a.empty()) continue;
      args += (args.empty() ? "" : ", ") + a;
      check_args += (check_args.empty() ? "" : ", ") + produced_argument(pl, q, true, nullptr);
      described += (described.empty() ? "" : ", ") + what;
    }
    // D needs one of the forms (an advise sink needs none): said first, so a
    // missing member is one clear error and every branch below returns.
    const std::string raw = "requires { { " + shim + m.abi_name + "(" + names + ") } -> std::same_as<HRESULT>; }";
    const std::string idiomatic = "requires { " + shim + pl.name + "(" + check_args + "); }";
    m_out += "    static_assert(" + raw + " ||\n                  " + idiomatic +
             " ||\n                  ::comkit::detail::is_event_sink<D_>,\n                  \"" + std::string(owner.name) + "::" +
             m.abi_name + ": the implementation needs " + pl.name + "(" + described + ") or the ABI method HRESULT " + m.abi_name +
             "(" + types + ") (docs/projection.md)\");\n";
    m_out += "    if constexpr (" + raw + ") {\n";
    m_out += "      return " + shim + m.abi_name + "(" + names + ");\n";
    m_out += "    } else if constexpr (" + idiomatic + ") {\n";
    const std::size_t prologue_at = m_out.size();
    // Out-pointers checked and cleared, [in, out] pointers checked, arrays
    // checked against their counts.
    for (const projected_param& q : pl.v) {
      const bool pointer = pointee(q.p->ty) != nullptr;
      if (q.p->dir == direction::out && pointer && q.kind != shape::raw_out)
        m_out += "      if (!" + q.name + ") return ::comkit::detail::shim_failure(E_POINTER);\n";
      else if (q.p->dir == direction::in_out && pointer)
        m_out += "      if (!" + q.name + ") return ::comkit::detail::shim_failure(E_POINTER);\n";
      else if (q.kind == shape::span)
        m_out += "      if (!" + q.name + " && " + pl.v[static_cast<std::size_t>(q.count)].name +
                 " != 0) return ::comkit::detail::shim_failure(E_POINTER);\n";
    }
    for (const projected_param& q : pl.v)
      if (q.p->dir == direction::out && pointee(q.p->ty) && q.kind != shape::raw_out)
        m_out += "      ::comkit::detail::init_out(" + q.name + ");\n";
    for (const projected_param& q : pl.v)
      if (q.p->dir == direction::in_out && q.kind == shape::bstr && pointee(q.p->ty))
        m_out += "      ::comkit::detail::inout_bstr " + q.name + "_inout_(" + q.name + ");\n";
      else if (q.p->dir == direction::in_out && named(pointee(q.p->ty), "VARIANT"))
        m_out += "      ::comkit::detail::inout_variant " + q.name + "_inout_(" + q.name + ");\n";
    std::string store;
    const std::vector<projected_param*> outs = pl.iid_out ? std::vector<projected_param*>{pl.iid_out} : pl.outs;
    if (outs.empty()) {
      store = "::comkit::detail::no_store{}";
    } else if (outs.size() == 1) {
      store = "[&](auto&& produced_) -> HRESULT { return " +
              produced_store(pl, *outs[0], "std::forward<decltype(produced_)>(produced_)") + "; }";
    } else {
      // Every out or none: a later store that fails, or a conversion that
      // throws, frees the earlier ones (the rollback runs unless dismissed).
      store = "[&](auto&& produced_) -> HRESULT {\n        auto rollback_ = ::comkit::detail::on_failure([&]() noexcept {\n";
      for (const projected_param* q : outs) store += "          " + clear_statement(pl, *q) + ";\n";
      store += "        });\n        HRESULT hr_ = S_OK;\n";
      for (const projected_param* q : outs)
        store += "        if (hr_ >= 0) hr_ = " + produced_store(pl, *q, "std::move(produced_." + std::string(q->p->name) + ")") + ";\n";
      store += "        if (hr_ >= 0) rollback_.dismiss();\n        return hr_;\n      }";
    }
    const std::string prologue = m_out.substr(prologue_at);
    m_out += "      return ::comkit::detail::produce_call([&]() -> decltype(auto) { return " + shim + pl.name + "(" + args + "); },\n";
    m_out += "                                          " + store + ");\n";
    // An advise sink without this member: its call operator, or nothing.
    m_out += "    } else {\n" + prologue;
    m_out += "      return ::comkit::detail::produce_event(this->shim()" + (args.empty() ? "" : ", " + args) + ");\n";
    m_out += "    }\n  }\n";
  }

  std::string projected_name(const interface_info& i, const method& m) {
    std::string n(m.name);
    if (m.property == property_kind::putref) {
      for (const method& o : i.methods)
        if (o.property == property_kind::put && o.name == m.name) n = "putref_" + n;
    }
    if (reserved_names.count(n)) n += "_";
    return n;
  }

  // Which parameters a span or vector absorbs as its count, and the IIDs an
  // iid_is template supplies.
  std::vector<projected_param> classify(const method& m) {
    std::vector<projected_param> v(m.params.size());
    for (std::size_t k = 0; k < m.params.size(); ++k) {
      const parameter& p = m.params[k];
      projected_param& q = v[k];
      q.p = &p;
      q.name = cpp_name(p, k);
      if (p.dir == direction::in) classify_in(m, p, q);
      else if (p.dir == direction::out) classify_out(m, p, q);
      else if (named(pointee(p.ty), "BSTR")) q.kind = shape::bstr;  // [in, out] BSTR*: through a local
      while (generated_names.count(q.name)) q.name += "_";  // `[out] IUnknown **self` must not meet the local self_
    }
    // A count is hidden only when everything that names it was projected
    // as a span or vector, and an IID only for an iid_is template.
    for (std::size_t k = 0; k < m.params.size(); ++k) {
      const parameter& p = m.params[k];
      if (!p.counts_for.empty()) {
        bool all = true;
        for (int user : p.counts_for) {
          const projected_param& u = v[static_cast<std::size_t>(user)];
          if (!((u.kind == shape::span || u.kind == shape::vector) && u.count == static_cast<int>(k))) all = false;
        }
        if (all) v[k].kind = shape::hidden;
        else {
          for (int user : p.counts_for) {  // demote the arrays: the count stays visible
            projected_param& u = v[static_cast<std::size_t>(user)];
            if (u.kind == shape::span || u.kind == shape::vector) {
              u.kind = shape::pass;
              u.count = -1;
            }
          }
        }
      }
      if (!p.iid_for.empty() && p.dir == direction::in) {
        bool all = true;
        for (int user : p.iid_for)
          if (v[static_cast<std::size_t>(user)].kind != shape::iid_template) all = false;
        if (all && p.iid_for.size() == 1) v[k].kind = shape::hidden;
        else
          for (int user : p.iid_for) v[static_cast<std::size_t>(user)].kind = shape::pass;
      }
    }
    return v;
  }

  void classify_in(const method& m, const parameter& p, projected_param& q) {
    const type* t = p.ty;
    if (named(t, "BSTR")) {
      q.kind = shape::bstr;
    } else if (named(t, "VARIANT_BOOL")) {
      q.kind = shape::boolean;
      q.bool_is_variant = true;
    } else if (named(t, "BOOL")) {
      q.kind = shape::boolean;
    } else if (named(t, "VARIANT")) {
      q.kind = shape::variant;
    } else if (named(t, "LPCOLESTR") || named(t, "LPCWSTR") || (p.string && pointee(t) && is_wide_char(pointee(t)) && pointee(t)->is_const)) {
      q.kind = shape::olestr;
    } else if (const enum_info* en = projected_enum(t)) {
      q.kind = shape::enumeration;
      q.value_type = enum_class_name(*en);
      q.abi_type = spelling_unconst(t);
    } else if (const decl* d = interface_of_pointer(t); d && d->kind == decl_kind::interface && !d->forward) {
      q.kind = shape::iface;
      q.iface = d;
    } else if (const type* e = pointee(t); e && p.size_is.size() == 1 && p.size_is[0].index >= 0 && !p.size_is[0].dereferenced &&
                                          m.params[static_cast<std::size_t>(p.size_is[0].index)].dir == direction::in &&
                                          spelling_unconst(e) != "void") {
      q.kind = shape::span;
      q.value_type = spelling_unconst(e);
      q.count = p.size_is[0].index;
    }
  }

  void classify_out(const method& m, const parameter& p, projected_param& q) {
    const type* e = pointee(p.ty);
    if (!e) return;  // the checker warned: nothing can come back
    const bool sized = !p.size_is.empty() || !p.length_is.empty() || !p.max_is.empty();
    if (sized && !(p.size_is.size() == 2 && !p.size_is[0].present())) {
      q.kind = shape::raw_out;  // size_is(n): a buffer of n the caller provides
      return;
    }
    q.name = q.name + "_";
    if (p.iid_is.index >= 0 && m.params[static_cast<std::size_t>(p.iid_is.index)].dir == direction::in &&
        (spelling(e) == "void *" || interface_of_pointer(e))) {
      q.kind = shape::iid_template;
      q.abi_type = spelling(p.ty);
      return;
    }
    if (named(e, "BSTR")) {
      q.kind = shape::bstr;
      q.value_type = "::comkit::bstr";
    } else if (named(e, "VARIANT_BOOL")) {
      q.kind = shape::boolean;
      q.bool_is_variant = true;
      q.value_type = "bool";
      q.abi_type = "VARIANT_BOOL";
    } else if (named(e, "BOOL")) {
      q.kind = shape::boolean;
      q.value_type = "bool";
      q.abi_type = "BOOL";
    } else if (named(e, "VARIANT")) {
      q.kind = shape::variant;
      q.value_type = "::comkit::variant";
    } else if (const enum_info* en = projected_enum(e)) {
      q.kind = shape::enumeration;
      q.value_type = enum_class_name(*en);
      q.abi_type = spelling_unconst(e);
    } else if (const decl* d = interface_of_pointer(e); d && d->kind == decl_kind::interface && !d->forward) {
      q.kind = shape::iface;
      q.iface = d;
      // Dependent on Derived_, so com_ptr<J> is instantiated only when the
      // method is used, after every consume specialization is defined.
      q.value_type = "::comkit::detail::ptr_t<::" + std::string(d->name) + ", Derived_>";
    } else if (const type* elem = pointee(e); elem && p.size_is.size() == 2 && !p.size_is[0].present() && p.size_is[1].index >= 0 &&
                                              p.size_is[1].dereferenced &&
                                              m.params[static_cast<std::size_t>(p.size_is[1].index)].dir == direction::out) {
      q.kind = shape::vector;
      q.value_type = "std::vector<" + spelling_unconst(elem) + ">";
      q.abi_type = spelling_unconst(elem) + "*";
      q.count = p.size_is[1].index;
    } else {
      q.kind = shape::pass;
      q.value_type = spelling_unconst(e);
      q.abi_type = q.value_type;
    }
  }

  method_plan plan(const interface_info& i, const method& m) {
    method_plan pl;
    pl.v = classify(m);
    std::vector<projected_param>& v = pl.v;
    for (projected_param& q : v) {
      if (q.p->dir != direction::out || q.kind == shape::hidden || q.kind == shape::raw_out) continue;
      if (!pointee(q.p->ty)) continue;
      if (q.kind == shape::iid_template) pl.iid_out = &q;
      else pl.outs.push_back(&q);
    }
    if (pl.iid_out && !pl.outs.empty()) {  // a template and other outs: keep it plain
      pl.iid_out->kind = shape::pass;
      pl.iid_out->value_type = spelling_unconst(pointee(pl.iid_out->p->ty));
      pl.iid_out->abi_type = pl.iid_out->value_type;
      for (projected_param& q : v)
        if (q.kind == shape::hidden && !q.p->iid_for.empty()) q.kind = shape::pass;
      pl.outs.push_back(pl.iid_out);
      pl.iid_out = nullptr;
    }
    pl.name = projected_name(i, m);
    return pl;
  }

  static bool returns_hresult(const method& m) { return named(m.result, "HRESULT"); }

  // ---- Enums: enum classes in the file's namespace ----

  // The namespace of this file's projected enums: the IDL file's base name
  // made an identifier (shop.idl -> shop).
  std::string enum_namespace() const {
    std::string n;
    for (char c : m_o.base_name) n += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) n = "_" + n;
    // A type of the same name (an interface, coclass or enum) would clash
    // with the namespace: then the namespace is NAME_idl.
    if (m_model.find_interface(n) || m_model.find_enum(n) || cpp_keywords.count(n) ||
        std::any_of(m_model.coclasses.begin(), m_model.coclasses.end(), [&](const auto& k) { return k->name == n; }))
      n += "_idl";
    return n;
  }
  std::string enum_class_name(const enum_info& e) const { return "::" + enum_namespace() + "::" + std::string(e.name); }

  // The enum of this file that t names (through one typedef name), if any.
  const enum_info* projected_enum(const type* t) const {
    if (!t || t->kind != type_kind::named || t->is_const) return nullptr;
    const enum_info* e = m_model.find_enum(t->name);
    return e && !e->imported && !e->name.empty() ? e : nullptr;
  }

  // enum class E : <the C enum's underlying type> { each enumerator = the C
  // one }, so values and size are the C enum's by construction; a flag set
  // gets the bitmask operators.
  void enums_block() {
    std::string body;
    for (const auto& e : m_model.enums) {
      if (e->imported || e->name.empty()) continue;
      const std::string n(e->name);
      body += "enum class " + n + " : std::underlying_type_t<::" + n + "> {";
      for (std::size_t k = 0; k < e->values.size(); ++k)
        body += std::string(k ? ", " : " ") + std::string(e->values[k].name) + " = ::" + std::string(e->values[k].name);
      body += " };\n";
      if (e->flags) {
        const std::string u = "std::underlying_type_t<" + n + ">";
        for (const char* op : {"|", "&", "^"}) {
          body += "constexpr " + n + " operator" + op + "(" + n + " a, " + n + " b) noexcept { return static_cast<" + n +
                  ">(static_cast<" + u + ">(a) " + op + " static_cast<" + u + ">(b)); }\n";
          body += "constexpr " + n + "& operator" + op + "=(" + n + "& a, " + n + " b) noexcept { return a = a " + op + " b; }\n";
        }
        body += "constexpr " + n + " operator~(" + n + " a) noexcept { return static_cast<" + n + ">(~static_cast<" + u + ">(a)); }\n";
        body += "/// True when any of `bits` is set in `value`.\nconstexpr bool any_of(" + n + " value, " + n +
                " bits) noexcept { return (value & bits) != " + n + "{}; }\n";
      }
    }
    if (body.empty()) return;
    m_out += "// ---- enums (enum classes; docs/projection.md) ----\nnamespace " + enum_namespace() + " {\n" + body + "}  // namespace " +
             enum_namespace() + "\n\n";
  }

  // A method that does not return HRESULT ([local] ones may return
  // anything): projected as it is, a plain forwarding member.
  void plain_member(const method& m) {
    std::string params, args;
    for (std::size_t k = 0; k < m.params.size(); ++k) {
      const std::string n = cpp_name(m.params[k], k);
      params += (k ? ", " : "") + c_declaration(m.params[k].ty, n);
      args += (k ? ", " : "") + n;
    }
    m_out += "  " + spelling(m.result) + " " + std::string(m.name) + "(" + params + ") const {\n";
    m_out += "    return static_cast<const Derived_*>(this)->get()->" + m.abi_name + "(" + args + ");\n  }\n";
  }

  void method_block(const interface_info& i, const method& m) {
    if (!returns_hresult(m)) return plain_member(m);
    method_plan pl = plan(i, m);
    std::vector<projected_param>& v = pl.v;
    std::vector<projected_param*>& outs = pl.outs;
    projected_param* iid_out = pl.iid_out;
    const std::string iface = "::" + std::string(i.name);
    const std::string& name = pl.name;
    std::string ret, result_struct;
    if (iid_out) {
      ret = "::comkit::com_ptr<J_>";
    } else if (outs.empty()) {
      ret = "void";
    } else if (outs.size() == 1) {
      ret = outs[0]->value_type;
    } else {
      result_struct = name + "_result";
      m_out += "  struct " + result_struct + " {\n";
      for (const projected_param* q : outs) m_out += "    " + q->value_type + " " + std::string(q->p->name) + ";\n";
      m_out += "  };\n";
      ret = result_struct;
    }

    // The signature: visible [in] and [in, out] parameters, with default
    // arguments for a trailing run of [defaultvalue]s and [optional]
    // VARIANTs (which default to the "missing" VARIANT COM passes for an
    // omitted argument).
    auto optional_variant = [](const projected_param& q) {
      return q.p->optional && !q.p->default_value && q.p->dir == direction::in && q.kind == shape::variant;
    };
    std::vector<std::string> params;
    std::size_t defaults_from = v.size();
    for (std::size_t k = v.size(); k-- > 0;) {
      const projected_param& q = v[k];
      if ((q.p->dir == direction::out && q.kind != shape::raw_out) || q.kind == shape::hidden) continue;
      if (!q.p->default_value && !optional_variant(q)) break;
      defaults_from = k;
    }
    for (std::size_t k = 0; k < v.size(); ++k) {
      const projected_param& q = v[k];
      if ((q.p->dir == direction::out && q.kind != shape::raw_out) || q.kind == shape::hidden) continue;
      std::string s = param_decl(q);
      if (k >= defaults_from && optional_variant(q)) {
        s += " = ::comkit::variant::missing()";
      } else if (k >= defaults_from) {
        const std::string value = c_expression(q.p->default_value);
        s += " = " + (q.kind == shape::enumeration ? "static_cast<" + q.value_type + ">(" + value + ")" : value);
      }
      params.push_back(s);
    }
    if (iid_out) m_out += "  template <typename J_>\n";
    m_out += "  auto " + name + "(";
    for (std::size_t k = 0; k < params.size(); ++k) m_out += (k ? ", " : "") + params[k];
    m_out += ") const -> ::comkit::detail::error_policy::wrap<" + ret + "> {\n";
    m_out += "    " + iface + "* const self_ = static_cast<const Derived_*>(this)->get();\n";
    // Locals for the outs.
    for (const projected_param& q : v) {
      if (q.p->dir != direction::out || !pointee(q.p->ty) || q.kind == shape::raw_out) continue;
      switch (q.kind) {
        case shape::bstr:
        case shape::variant:
        case shape::iface: m_out += "    " + q.value_type + " " + q.name + ";\n"; break;
        case shape::iid_template: m_out += "    ::comkit::com_ptr<J_> " + q.name + ";\n"; break;
        case shape::vector: m_out += "    " + q.abi_type + " " + q.name + " = nullptr;\n"; break;
        default: m_out += "    " + q.abi_type + " " + q.name + "{};\n"; break;
      }
    }
    // In/out BSTRs travel through a local.
    for (const projected_param& q : v)
      if (q.p->dir == direction::in_out && q.kind == shape::bstr) m_out += "    BSTR " + q.name + "_abi_ = " + q.name + ".detach();\n";
    // The call.
    std::string call = "self_->" + m.abi_name + "(";
    for (std::size_t k = 0; k < v.size(); ++k) {
      if (k) call += ", ";
      call += argument(v, k);
    }
    call += ")";
    m_out += "    const HRESULT hr_ = " + call + ";\n";
    for (const projected_param& q : v)
      if (q.p->dir == direction::in_out && q.kind == shape::bstr) m_out += "    " + q.name + ".attach(" + q.name + "_abi_);\n";
    m_out += "    if (hr_ < 0) [[unlikely]]\n      return ::comkit::detail::fail_call<" + ret + ">(hr_, self_, ::comkit::guid_of<" + iface + ">());\n";
    if (iid_out) {
      m_out += "    return " + iid_out->name + ";\n";
    } else if (outs.empty()) {
      m_out += "    return ::comkit::detail::succeed();\n";
    } else if (outs.size() == 1) {
      m_out += "    return " + out_value(v, *outs[0]) + ";\n";
    } else {
      m_out += "    return " + result_struct + "{";
      for (std::size_t k = 0; k < outs.size(); ++k) {
        const std::string value = out_value(v, *outs[k]);
        const bool owning = outs[k]->kind == shape::bstr || outs[k]->kind == shape::variant || outs[k]->kind == shape::iface;
        m_out += (k ? ", " : "") + (owning ? "std::move(" + value + ")" : value);
      }
      m_out += "};\n";
    }
    m_out += "  }\n";
  }

  std::string param_decl(const projected_param& q) {
    const parameter& p = *q.p;
    if (p.dir == direction::in_out) {
      const type* e = pointee(p.ty);
      if (!e) return c_declaration(p.ty, q.name);
      if (q.kind == shape::bstr || named(e, "BSTR")) return "::comkit::bstr& " + q.name;
      if (named(e, "VARIANT")) return "::comkit::variant& " + q.name;
      return spelling_unconst(e) + "& " + q.name;
    }
    switch (q.kind) {
      case shape::bstr: return "::comkit::bstr_in " + q.name;
      case shape::olestr: return "::comkit::olestr_in " + q.name;
      case shape::boolean: return "bool " + q.name;
      case shape::enumeration: return q.value_type + " " + q.name;
      case shape::variant: return "const ::comkit::variant& " + q.name;
      case shape::iface: return "::comkit::interface_in<::" + std::string(q.iface->name) + "> " + q.name;
      case shape::span: return "std::span<const " + q.value_type + "> " + q.name;
      default: return c_declaration(p.ty, q.name);
    }
  }

  std::string argument(const std::vector<projected_param>& v, std::size_t k) {
    const projected_param& q = v[k];
    const parameter& p = *q.p;
    if (q.kind == shape::hidden) {
      if (!p.iid_for.empty()) return "::comkit::guid_of<J_>()";
      // A count: the size of the span that names it, or the address of the
      // local a vector's count comes back in.
      for (int user : p.counts_for) {
        const projected_param& u = v[static_cast<std::size_t>(user)];
        if (u.kind == shape::span) return "static_cast<" + spelling(p.ty) + ">(" + u.name + ".size())";
      }
      return "&" + q.name;
    }
    if (p.dir == direction::in_out) {
      const type* e = pointee(p.ty);
      if (!e) return q.name;
      if (q.kind == shape::bstr || named(e, "BSTR")) return "&" + q.name + "_abi_";
      if (named(e, "VARIANT")) return q.name + ".get()";
      return "&" + q.name;
    }
    if (p.dir == direction::out) {
      if (!pointee(p.ty) || q.kind == shape::raw_out) return q.name;
      switch (q.kind) {
        case shape::bstr:
        case shape::variant: return q.name + ".put()";
        case shape::iface: return q.name + ".put()";
        case shape::iid_template: return "reinterpret_cast<" + q.abi_type + ">(" + q.name + ".put_void())";  // ABI: [iid_is] void**
        default: return "&" + q.name;
      }
    }
    switch (q.kind) {
      case shape::bstr:
      case shape::olestr:
      case shape::iface: return q.name + ".abi()";
      case shape::boolean: return q.bool_is_variant ? "(" + q.name + " ? VARIANT_TRUE : VARIANT_FALSE)" : "(" + q.name + " ? TRUE : FALSE)";
      case shape::enumeration: return "static_cast<" + q.abi_type + ">(" + q.name + ")";
      case shape::variant: return "*" + q.name + ".get()";
      case shape::span: return q.name + ".data()";
      default: return q.name;
    }
  }

  std::string out_value(const std::vector<projected_param>& v, const projected_param& q) {
    switch (q.kind) {
      case shape::boolean: return q.bool_is_variant ? q.name + " != VARIANT_FALSE" : q.name + " != FALSE";
      case shape::enumeration: return "static_cast<" + q.value_type + ">(" + q.name + ")";
      case shape::vector: {
        const projected_param& n = v[static_cast<std::size_t>(q.count)];
        return "::comkit::detail::take_array(" + q.name + ", static_cast<std::size_t>(" + n.name + "))";
      }
      default: return q.name;  // a local: moved implicitly
    }
  }

  void coclass_block(const coclass_info& k) {
    const std::string n(k.name);
    m_out += "// ---- coclass " + n + " ----\nnamespace comkit {\ntemplate <>\nstruct coclass_traits<::" + n + "> {\n";
    m_out += "  static constexpr GUID clsid = ::comkit::make_guid(\"" + *k.attrs.uuid + "\");\n";
    const idl::model::coclass_member* d = k.default_interface();
    if (d && d->iface && !d->iface->dispinterface) m_out += "  using default_interface = ::" + std::string(d->iface->name) + ";\n";
    const idl::model::coclass_member* s = k.default_source();
    if (s && s->iface) m_out += "  using default_source = ::" + std::string(s->iface->name) + ";\n";
    // The outgoing vtable interfaces, for comkit::coclass_event_source.
    std::string sources;
    for (const idl::model::coclass_member& mem : k.members)
      if (mem.source && mem.iface && !mem.iface->dispinterface)
        sources += (sources.empty() ? "::" : ", ::") + std::string(mem.iface->name);
    m_out += "  using source_interfaces = ::comkit::detail::type_list<" + sources + ">;\n";
    auto text = [](const std::optional<std::string>& t) { return t ? "\"" + *t + "\"" : std::string("nullptr"); };
    m_out += "  static constexpr const char* progid = " + text(k.progid) + ";\n";
    m_out += "  static constexpr const char* version_independent_progid = " + text(k.version_independent_progid) + ";\n";
    m_out += "  static constexpr const char* threading = " + text(k.threading) + ";\n";
    // The registry's ThreadingModel value for [threading(...)]; none for
    // `single` (the main STA) or when the IDL does not say.
    std::optional<std::string> model;
    if (k.threading) {
      if (*k.threading == "apartment") model = "Apartment";
      else if (*k.threading == "free") model = "Free";
      else if (*k.threading == "both") model = "Both";
      else if (*k.threading == "neutral") model = "Neutral";
    }
    m_out += "  static constexpr const char* threading_model = " + text(model) + ";\n";
    m_out += "  static constexpr const char* description = " + (k.attrs.helpstring ? "\"" + *k.attrs.helpstring + "\"" : std::string("nullptr")) + ";\n";
    m_out += "};\n}  // namespace comkit\n\n";
  }

  const idl::model::model& m_model;
  const emit_options& m_o;
  std::string m_out;
};

}  // namespace

std::string emit_cpp_projection(const idl::model::model& m, const emit_options& o) { return projection_writer(m, o).run(); }

}  // namespace comkit::idl
