// compiler/emit/proxy/proxy_tables.cpp - FILE_p.c: the proxy/stub tables of
// the file's interfaces (<comkit/abi/proxytable.h>), which libcomkit's one
// table-driven IPSFactoryBuffer turns into proxies and stubs.
//
// Each interface gets one method entry per vtable slot from 3 on, inherited
// slots included, so the runtime never walks base chains. A parameter is
// described by what its value is (an integer, a BSTR, an interface pointer
// ...) and how many pointer levels sit above the value; sizes and
// signedness are sizeof/cast expressions, left to the C compiler that
// builds the file. A [local] method is described through its [call_as]
// form when that has the same parameters. A method the tables cannot
// describe (another [local] or [call_as] method, a struct with pointers or
// unions, a multi-level array ...) is emitted with remotable = 0
// and the reason in a comment; its proxy answers E_NOTIMPL.
#include <algorithm>
#include <string>
#include <vector>

#include "emit/emit.h"

namespace comkit::idl {
namespace {

using model::direction;
using model::interface_info;
using model::method;
using model::parameter;

using model::is_wide_char;
using model::named;
using model::pointee;

bool is_narrow_char(const type* t) {
  t = model::resolve_typedefs(t);
  return t && t->kind == type_kind::builtin &&
         (t->spelling == "char" || t->spelling == "CHAR" || t->spelling == "unsigned char" || t->spelling == "byte");
}

bool is_pointer(const type* t) {
  t = model::resolve_typedefs(t);
  return t && t->kind == type_kind::pointer;
}

// The defined record behind t (through typedefs), or null.
const record* record_of(const type* t) {
  t = model::resolve_typedefs(t);
  if (!t || t->kind != type_kind::record || !t->rec) return nullptr;
  return t->rec;
}

// A value that is bytes only: an arithmetic type, an enum, or a struct of
// such (fixed arrays included). `depth` stops pathological nesting.
bool is_flat(const type* t, int depth = 0) {
  if (depth > 32) return false;
  t = model::resolve_typedefs(t);
  if (!t) return false;
  switch (t->kind) {
    case type_kind::builtin:
      return t->spelling != "void" && t->spelling != "handle_t";
    case type_kind::array:
      return !t->conformant && t->size && is_flat(t->inner, depth + 1);
    case type_kind::record: {
      const record* r = t->rec;
      if (!r || !r->defined) return false;
      if (r->kind == record_kind::enum_) return true;
      if (r->kind != record_kind::struct_) return false;
      for (const field* f : r->fields)
        if (!f->ty || f->bitfield || !is_flat(f->ty, depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

struct value_desc {
  const char* kind = nullptr;  // COMKIT_PS_* name; null: not describable
  std::string size = "0";      // C expression
  std::string is_signed = "0";
  std::string iid = "NULL";
  std::string why;             // when not describable
};

std::string iid_name_of(const decl* d) {
  return (d->kind == decl_kind::dispinterface ? "DIID_" : "IID_") + std::string(d->name);
}

// What a value of type t is, when it is a number, an enum, a struct of one
// arithmetic field, a string, a BSTR, a VARIANT or an interface pointer (at
// indirection 0); otherwise why not. `string`: the parameter is [string].
value_desc scalar_value(const type* t, bool string) {
  value_desc v;
  if (named(t, "BSTR")) {
    v.kind = "COMKIT_PS_BSTR";
    return v;
  }
  if (named(t, "VARIANT") || named(t, "VARIANTARG")) {
    v.kind = "COMKIT_PS_VARIANT";
    v.size = "sizeof(VARIANT)";
    return v;
  }
  // SAFEARRAY(T) and LPSAFEARRAY: the array pointer, carried with its elements.
  if (const type* r = model::resolve_typedefs(t); r && r->kind == type_kind::pointer && r->inner && named(r->inner, "SAFEARRAY")) {
    v.kind = "COMKIT_PS_SAFEARRAY";
    v.size = "sizeof(SAFEARRAY *)";
    return v;
  }
  if (const decl* d = model::interface_of_pointer(t); d && is_pointer(t)) {
    if (!d->uuid_text) {
      v.why = "an interface declared without its uuid";
      return v;
    }
    v.kind = "COMKIT_PS_IFACE";
    v.iid = "&" + iid_name_of(d);
    return v;
  }
  if (const type* p = pointee(t)) {
    if ((string || named(t, "LPOLESTR") || named(t, "LPCOLESTR") || named(t, "LPWSTR") || named(t, "LPCWSTR")) && is_wide_char(p)) {
      v.kind = "COMKIT_PS_WSTR";
      return v;
    }
    if ((string || named(t, "LPSTR") || named(t, "LPCSTR")) && is_narrow_char(p)) {
      v.kind = "COMKIT_PS_ASTR";
      return v;
    }
    v.why = "a pointer";
    return v;
  }
  const type* r = model::resolve_typedefs(t);
  if (!r) {
    v.why = "an unknown type";
    return v;
  }
  const std::string spelled = spelling_unconst(t);
  if (r->kind == type_kind::builtin) {
    if (r->spelling == "void" || r->spelling == "handle_t") {
      v.why = "void";
      return v;
    }
    if (r->spelling == "float" || r->spelling == "double") {
      v.kind = "COMKIT_PS_FLOAT";
      v.size = "sizeof(" + spelled + ")";
      return v;
    }
    v.kind = "COMKIT_PS_INT";
    v.size = "sizeof(" + spelled + ")";
    v.is_signed = "((" + spelled + ")-1 < (" + spelled + ")1)";
    return v;
  }
  if (r->kind == type_kind::record && r->rec && r->rec->kind == record_kind::enum_) {
    v.kind = "COMKIT_PS_INT";
    v.size = "sizeof(" + spelled + ")";
    v.is_signed = "1";
    return v;
  }
  // A struct of one arithmetic field (ULARGE_INTEGER, CY ...) is passed as
  // that field is, and carried as its bytes.
  if (r->kind == type_kind::record && r->rec && r->rec->defined && r->rec->kind == record_kind::struct_ &&
      r->rec->fields.size() == 1 && r->rec->fields[0]->ty && !r->rec->fields[0]->bitfield) {
    const type* f = model::resolve_typedefs(r->rec->fields[0]->ty);
    if (f && f->kind == type_kind::builtin && f->spelling != "void") {
      value_desc inner = scalar_value(r->rec->fields[0]->ty, false);
      if (inner.kind) {
        inner.size = "sizeof(" + spelled + ")";
        return inner;
      }
    }
  }
  v.why = "a struct or union passed by value";
  return v;
}

struct param_desc {
  value_desc value;
  int indirection = 0;
  std::vector<std::string> flags;
  int iid_param = -1, size_param = -1, length_param = -1;
  bool size_deref = false, length_deref = false;
};

// An array's element type e: a flat value (its bytes), or a BSTR, string,
// interface pointer or VARIANT (one by one). Sizes are sizeof(e).
bool element(const type* e, const parameter& p, param_desc& d) {
  if (is_flat(e) && !is_pointer(e)) {
    d.value.kind = "COMKIT_PS_FLAT";
    d.value.size = "sizeof(" + spelling_unconst(e) + ")";
    return true;
  }
  value_desc v = scalar_value(e, p.string);
  if (!v.kind) {
    d.value.why = "an array of " + v.why;
    return false;
  }
  if (p.iid_is.present()) {
    if (std::string_view(v.kind) != "COMKIT_PS_IFACE" || p.iid_is.index < 0) {
      d.value.why = "an iid_is the tables do not carry";
      return false;
    }
    v.iid = "NULL";
    d.iid_param = p.iid_is.index;
  }
  v.size = "sizeof(" + spelling_unconst(e) + ")";
  d.value = v;
  return true;
}

// [unique] and [ptr] outer pointers may be null.
void add_unique(const parameter& p, param_desc& d) {
  if (p.pointer == model::pointer_kind::unique || p.pointer == model::pointer_kind::ptr) d.flags.push_back("COMKIT_PS_UNIQUE");
}

// Describes parameter p, or says why it cannot be described.
param_desc describe(const method& m, const parameter& p) {
  param_desc d;
  if (p.dir != direction::out) d.flags.push_back("COMKIT_PS_IN");
  if (p.dir != direction::in) d.flags.push_back("COMKIT_PS_OUT");
  if (p.retval) d.flags.push_back("COMKIT_PS_RETVAL");
  if (p.length_is.size() > 1 || !p.max_is.empty() || !p.first_is.empty() || !p.last_is.empty()) {
    d.value.why = "a multi-level or bounded array";
    return d;
  }
  // [out, size_is(, *n)] T**: n values the callee allocates.
  if (p.size_is.size() == 2 && !p.size_is[0].present() && p.size_is[1].present()) {
    const type* e = pointee(pointee(p.ty));
    const auto& sz = p.size_is[1];
    if (p.dir != direction::out || !e || sz.index < 0 || !sz.dereferenced || m.params[sz.index].dir == direction::in ||
        !p.length_is.empty()) {
      d.value.why = "a callee-allocated array the tables do not carry";
      return d;
    }
    if (!element(e, p, d)) return d;
    d.indirection = 1;
    d.flags.push_back("COMKIT_PS_ALLOCATED");
    d.size_param = sz.index;
    d.size_deref = true;
    add_unique(p, d);
    return d;
  }
  if (p.size_is.size() > 1) {
    d.value.why = "a multi-level array";
    return d;
  }
  const bool sized = !p.size_is.empty() && p.size_is[0].present();
  if (sized || (!p.length_is.empty() && p.length_is[0].present())) {
    // [size_is(n)] T*: n values, the caller's memory.
    const type* e = pointee(p.ty);
    if (!sized || !e || p.size_is[0].index < 0) {
      d.value.why = "an array the tables do not carry";
      return d;
    }
    const auto& sz = p.size_is[0];
    if (m.params[sz.index].dir == direction::out && !sz.dereferenced) {
      d.value.why = "an array sized by an [out] value";
      return d;
    }
    if (!element(e, p, d)) return d;
    d.indirection = 1;
    d.flags.push_back("COMKIT_PS_ARRAY");
    d.size_param = sz.index;
    d.size_deref = sz.dereferenced;
    if (!p.length_is.empty() && p.length_is[0].present()) {
      if (p.length_is[0].index < 0) {
        d.value.why = "a length_is the tables do not carry";
        return d;
      }
      d.length_param = p.length_is[0].index;
      d.length_deref = p.length_is[0].dereferenced;
    }
    add_unique(p, d);
    return d;
  }
  const bool iid_is = p.iid_is.present();
  if (iid_is && p.iid_is.index < 0) {
    d.value.why = "an iid_is the tables do not carry";
    return d;
  }
  // The value itself, for an [in] parameter.
  if (p.dir == direction::in) {
    if (iid_is && is_pointer(p.ty) && !pointee(pointee(p.ty))) {
      d.value.kind = "COMKIT_PS_IFACE";  // [in, iid_is(riid)] IUnknown* or void*
    } else {
      d.value = scalar_value(p.ty, p.string);
    }
    if (d.value.kind) {
      d.iid_param = iid_is ? p.iid_is.index : -1;
      if (iid_is) d.value.iid = "NULL";
      return d;
    }
  }
  // One pointer level above the value.
  const type* inner = pointee(p.ty);
  if (!inner) {
    if (!d.value.kind && d.value.why.empty()) d.value.why = "an [out] value that is not a pointer";
    return d;
  }
  d.value = value_desc{};
  d.indirection = 1;
  if (iid_is) {
    if (!is_pointer(inner) || pointee(inner) == nullptr) {
      d.value.why = "an iid_is on something else than an interface pointer";
      return d;
    }
    d.value.kind = "COMKIT_PS_IFACE";
    d.iid_param = p.iid_is.index;
  } else if (value_desc v = scalar_value(inner, p.string); v.kind) {
    d.value = v;
  } else if (const record* r = record_of(inner); r && r->kind == record_kind::struct_ && is_flat(inner)) {
    d.value.kind = "COMKIT_PS_FLAT";  // REFIID, [out] RECT*
    d.value.size = "sizeof(" + spelling_unconst(inner) + ")";
  } else {
    d.value.why = r ? "a struct with pointers or unions" : v.why;
    return d;
  }
  add_unique(p, d);
  return d;
}

std::string join_flags(const std::vector<std::string>& f) {
  if (f.empty()) return "0";
  std::string s;
  for (const auto& x : f) s += (s.empty() ? "" : " | ") + x;
  return s;
}

std::string param_initializer(const param_desc& d) {
  return "{" + std::string(d.value.kind ? d.value.kind : "COMKIT_PS_VOID") + ", " + join_flags(d.flags) + ", " +
         std::to_string(d.indirection) + ", " + d.value.is_signed + ", " + d.value.size + ", " + std::to_string(d.iid_param) + ", " +
         std::to_string(d.size_param) + ", " + (d.size_deref ? "1" : "0") + ", " + std::to_string(d.length_param) + ", " +
         (d.length_deref ? "1" : "0") + ", {0, 0, 0}, " + d.value.iid + "}";
}

class proxy_writer {
 public:
  proxy_writer(const model::model& m, const emit_options& o) : m_(m), o_(o) {}

  std::string run() {
    out_ += "/*** Generated by comkit idl from " + o_.input_name + " - do not edit ***/\n\n";
    out_ += "/* The proxy/stub tables of " + o_.base_name + ".idl's interfaces (<comkit/abi/proxytable.h>). */\n\n";
    out_ += "#include \"" + o_.base_name + ".h\"\n\n#include <comkit/abi/proxytable.h>\n\n";
    std::vector<std::string> names;
    for (const auto& i : m_.interfaces) {
      if (i->imported || i->dispinterface || !i->attrs.uuid || !i->object) continue;
      if (interface_block(*i)) names.push_back(std::string(i->name));
    }
    out_ += "static const COMKIT_PS_INTERFACE *const " + o_.base_name + "_ProxyInterfaces[] = {\n";
    for (const auto& n : names) out_ += "    &" + n + "_ProxyInfo,\n";
    if (names.empty()) out_ += "    NULL\n";
    out_ += "};\n\n";
    out_ += "const COMKIT_PS_FILE " + o_.base_name + "_ProxyFileInfo = {COMKIT_PS_VERSION, " + std::to_string(names.size()) + ", " +
            o_.base_name + "_ProxyInterfaces};\n\n";
    out_ += "/* Registered when the program or library is loaded, if libcomkit is linked\n"
            " * in (the reference is weak); define COMKIT_PROXY_NO_AUTOREGISTER to call\n"
            " * ComkitRegisterProxyFile yourself. */\n";
    out_ += "#ifndef COMKIT_PROXY_NO_AUTOREGISTER\n#pragma weak ComkitRegisterProxyFile\n__attribute__((constructor)) static void " +
            o_.base_name + "_RegisterProxies(void) {\n  if (ComkitRegisterProxyFile) ComkitRegisterProxyFile(&" + o_.base_name +
            "_ProxyFileInfo);\n}\n#endif\n";
    return std::move(out_);
  }

 private:
  bool interface_block(const interface_info& i) {
    std::vector<const interface_info*> chain = i.chain();
    if (chain.empty() || chain.back()->name != "IUnknown") return false;  // a base outside the model: slots unknown
    const std::string n(i.name);
    std::string methods;
    int count = 0;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if ((*it)->name == "IUnknown") continue;
      for (const method& m : (*it)->methods) {
        if (m.slot < 0) continue;
        methods += method_entry(n, **it, m, (*it)->local || i.local);
        ++count;
      }
    }
    // IUnknown itself has no methods of its own: the proxy manager answers
    // them, and its table only says that the factory knows it.
    if (count) out_ += "static const COMKIT_PS_METHOD " + n + "_ProxyMethods[] = {\n" + methods + "};\n";
    out_ += "static const COMKIT_PS_INTERFACE " + n + "_ProxyInfo = {&IID_" + n + ", \"" + n + "\", " +
            std::to_string(3 + count) + ", " + (i.local ? "1" : "0") + ", " + (count ? n + "_ProxyMethods" : "NULL") + "};\n\n";
    return true;
  }

  // A [local] method's [call_as] counterpart in the same interface, when it
  // has the same parameters (as IEnumXxx::Next and RemoteNext do): its
  // attributes (size_is, length_is ...) describe what the local one carries.
  static const method* remote_form(const interface_info& owner, const method& m) {
    for (const method& r : owner.methods)
      if (r.call_as && r.call_as_target == m.name && r.params.size() == m.params.size()) return &r;
    return nullptr;
  }

  std::string method_entry(const std::string& iface, const interface_info& owner, const method& m, bool local) {
    std::string why;
    const method* described = &m;
    bool via_call_as = false;
    if (local) {
      why = "[local] interface";
    } else if (m.local) {
      if (const method* r = remote_form(owner, m)) {
        described = r;
        via_call_as = true;
      } else {
        why = "[local]";
      }
    } else if (m.vararg) {
      why = "[vararg]";
    }
    std::vector<param_desc> ps;
    for (const parameter& p : described->params) {
      ps.push_back(describe(*described, p));
      // A local caller may pass null for an [out] pointer the remote form
      // requires (IEnumXxx::Next's pceltFetched when celt is 1): the null
      // is carried, and the object's own method sees it.
      if (via_call_as && p.dir == direction::out && ps.back().indirection == 1 && ps.back().size_param < 0) {
        auto& f = ps.back().flags;
        if (std::find(f.begin(), f.end(), "COMKIT_PS_UNIQUE") == f.end()) f.push_back("COMKIT_PS_UNIQUE");
      }
      if (why.empty() && !ps.back().value.kind) why = std::string(p.name) + ": " + ps.back().value.why;
    }
    value_desc result;
    if (const type* r = model::resolve_typedefs(m.result); r && r->kind == type_kind::builtin && r->spelling == "void") {
      result.kind = "COMKIT_PS_VOID";
    } else {
      result = scalar_value(m.result, false);
      if (why.empty() && (!result.kind || std::string_view(result.kind) != "COMKIT_PS_INT")) why = "its result";
    }
    // The slot keeps the name unique where a method repeats a base's name.
    const std::string tag = iface + "_" + m.abi_name + (m.slot >= 0 ? "_" + std::to_string(m.slot) : std::string());
    std::string params_name = "NULL";
    if (!m.params.empty() && why.empty()) {
      params_name = tag + "_ProxyParams";
      out_ += "static const COMKIT_PS_PARAM " + params_name + "[] = {\n";
      for (const param_desc& d : ps) out_ += "    " + param_initializer(d) + ",\n";
      out_ += "};\n";
    }
    param_desc rd;
    rd.value = result.kind ? result : value_desc{};
    std::string e = "    {\"" + m.abi_name + "\", " + std::to_string(why.empty() ? m.params.size() : 0) + ", " + (why.empty() ? "1" : "0") +
                    ", 0, " + param_initializer(rd) + ", " + params_name + "},";
    if (!why.empty()) e += " /* not remotable: " + why + " */";
    return e + "\n";
  }

  const model::model& m_;
  const emit_options& o_;
  std::string out_;
};

}  // namespace

std::string emit_proxy_tables(const model::model& m, const emit_options& o) { return proxy_writer(m, o).run(); }

}  // namespace comkit::idl
