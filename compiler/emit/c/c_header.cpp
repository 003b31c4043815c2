// compiler/emit/c/c_header.cpp - the C/C++ header and the _i.c IID definitions.
//
// The header follows the layout the Windows SDK's MIDL-generated headers
// (and widl's) use, so code written against those compiles unchanged:
//   - an include guard __<base>_h__; __X_FWD_DEFINED__ forward declarations;
//     #include of each imported file's header;
//   - per [object] interface, an __X_INTERFACE_DEFINED__ block with the
//     interface's own typedefs, `EXTERN_C const IID IID_X;`, a C++ abstract
//     struct (one pure virtual per method, base interface first) and, for C,
//     the XVtbl struct (`This` first, every inherited slot) plus X_Method
//     macros under COBJMACROS;
//   - typedefs, structs, unions and enums declared exactly as written, with
//     `long` as LONG (32 bits on every platform) like widl;
//   - cpp_quote text where it stood.
// The C++ struct is also registered with comkit's projection
// (COMKIT_DECLARE_IID / COMKIT_DECLARE_INTERFACE) when comkit's headers are
// in use, so com_ptr, implements<> and QueryInterface know its IID.
#include <cctype>
#include <cstdio>
#include <unordered_set>

#include "emit/emit.h"
#include "guid_text.h"

namespace comkit::idl {
namespace {

std::string guard_name(std::string_view base) {
  std::string g = "__";
  for (char c : base) g += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return g + "_h__";
}

std::string record_keyword(record_kind k) {
  return k == record_kind::struct_ ? "struct" : k == record_kind::union_ ? "union" : "enum";
}

}  // namespace

// ---- expressions and declarators -------------------------------------------------

std::string c_expression(const expr* e) {
  if (!e) return {};
  std::string s;
  switch (e->kind) {
    case expr_kind::number:
    case expr_kind::string:
    case expr_kind::character:
    case expr_kind::identifier:
      s = std::string(e->text);
      break;
    case expr_kind::unary:
      s = e->text == "sizeof" ? "sizeof " + c_expression(e->a) : std::string(e->text) + c_expression(e->a);
      break;
    case expr_kind::binary:
      s = c_expression(e->a) + " " + std::string(e->text) + " " + c_expression(e->b);
      break;
    case expr_kind::ternary:
      s = c_expression(e->a) + " ? " + c_expression(e->b) + " : " + c_expression(e->c);
      break;
    case expr_kind::cast:
      s = "(" + c_declaration(e->ty, "") + ")" + c_expression(e->a);
      break;
    case expr_kind::sizeof_type:
      s = "sizeof(" + c_declaration(e->ty, "") + ")";
      break;
    case expr_kind::member:
      s = c_expression(e->a) + std::string(e->op) + std::string(e->text);
      break;
    case expr_kind::index:
      s = c_expression(e->a) + "[" + c_expression(e->b) + "]";
      break;
    case expr_kind::empty:
      break;
  }
  return e->parenthesized ? "(" + s + ")" : s;
}

namespace {

std::string base_spelling(const type* t) {
  std::string s = t->is_const ? "const " : "";
  switch (t->kind) {
    case type_kind::builtin:
      s += t->spelling;
      break;
    case type_kind::named:
      s += t->name;
      break;
    case type_kind::record: {
      const record* r = t->rec;
      if (r->tag.empty() && !r->typedef_name.empty()) s += r->typedef_name;
      else s += record_keyword(r->kind) + " " + std::string(r->tag);
      break;
    }
    default:
      break;
  }
  return s;
}

std::string params_text(const type* fn, const std::string& this_param, const std::string& sep) {
  std::string s;
  bool first = true;
  if (!this_param.empty()) {
    s += this_param;
    first = false;
  }
  for (const param* p : fn->params) {
    if (!first) s += sep;
    first = false;
    s += c_declaration(p->ty, std::string(p->name));
  }
  if (fn->varargs) s += first ? "..." : sep + "...";
  if (first && !fn->varargs) s += "void";
  return s;
}

std::string declarator(const type* t, std::string inner, bool in_record, const std::string* base_override) {
  for (int guard = 0; t && guard < 1024; ++guard) {
    switch (t->kind) {
      case type_kind::pointer: {
        std::string s = "*";
        if (t->is_const) s += inner.empty() ? "const" : "const ";
        s += inner;
        if (t->inner && (t->inner->kind == type_kind::array || t->inner->kind == type_kind::function)) {
          std::string cc = t->inner->kind == type_kind::function && !t->inner->callconv.empty() ? std::string(t->inner->callconv) + " " : "";
          s = "(" + cc + s + ")";
        }
        inner = s;
        t = t->inner;
        continue;
      }
      case type_kind::array:
        inner += "[" + (t->conformant ? std::string(in_record ? "1" : "") : c_expression(t->size)) + "]";
        t = t->inner;
        continue;
      case type_kind::function:
        inner += "(" + params_text(t, "", ",") + ")";
        t = t->inner;
        continue;
      default: {
        std::string base = base_override ? *base_override : base_spelling(t);
        return inner.empty() ? base : base + " " + inner;
      }
    }
  }
  return inner;
}

}  // namespace

std::string c_declaration(const type* t, const std::string& name, bool in_record) {
  return declarator(t, name, in_record, nullptr);
}

std::string spelling_unconst(const type* t) {
  if (!t || !t->is_const) return c_declaration(t, "");
  type copy = *t;
  copy.is_const = false;
  return c_declaration(&copy, "");
}

namespace {

// ---- the header writer ------------------------------------------------------------

class header_writer {
 public:
  header_writer(const model::model& m, const emit_options& o) : m_model(m), m_o(o) {}

  std::string run() {
    out("/*** Generated by comkit idl from " + m_o.input_name + " - do not edit ***/\n\n");
    out("#include <rpc.h>\n#include <rpcndr.h>\n\n");
    out("#if defined(_WIN32) && !defined(COM_NO_WINDOWS_H)\n#include <windows.h>\n#include <ole2.h>\n#endif\n\n");
    std::string guard = guard_name(m_o.base_name);
    out("#ifndef " + guard + "\n#define " + guard + "\n\n");
    out("/* Forward declarations */\n\n");
    for (const decl* d : m_model.items) forward_declare(d);
    out("/* Headers for imported files */\n\n");
    for (const decl* d : m_model.items) {
      if (d->kind != decl_kind::import) continue;
      for (const std::string& f : d->files) out("#include <" + header_for(f) + ">\n");
    }
    out("\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    for (const decl* d : m_model.items) item(d);
    out("#ifdef __cplusplus\n}\n#endif\n\n#endif /* " + guard + " */\n");
    return std::move(m_out);
  }

 private:
  void out(std::string_view s) { m_out += s; }

  static std::string header_for(const std::string& import) {
    std::string h = import;
    if (h.size() > 4 && h.compare(h.size() - 4, 4, ".idl") == 0) h.replace(h.size() - 4, 4, ".h");
    return h;
  }

  void forward_declare(const decl* d) {
    switch (d->kind) {
      case decl_kind::interface:
      case decl_kind::dispinterface: {
        if (d->kind == decl_kind::interface && !is_object_interface(*d) && !d->forward) break;
        if (!m_forwarded.insert(d->name).second) break;
        std::string n(d->name);
        out("#ifndef __" + n + "_FWD_DEFINED__\n#define __" + n + "_FWD_DEFINED__\ntypedef struct " + n + " " + n +
            ";\n#ifdef __cplusplus\nstruct " + n + ";\n#endif /* __cplusplus */\n#endif\n\n");
        break;
      }
      case decl_kind::coclass: {
        if (!m_forwarded.insert(d->name).second) break;
        std::string n(d->name);
        out("#ifndef __" + n + "_FWD_DEFINED__\n#define __" + n + "_FWD_DEFINED__\n#ifdef __cplusplus\ntypedef class " + n + " " + n +
            ";\n#else\ntypedef struct " + n + " " + n + ";\n#endif /* defined __cplusplus */\n#endif /* defined __" + n +
            "_FWD_DEFINED__ */\n\n");
        break;
      }
      case decl_kind::library:
        for (const decl* m : d->members) forward_declare(m);
        break;
      default:
        break;
    }
  }

  // ---- items --------------------------------------------------------------------
  void item(const decl* d) {
    switch (d->kind) {
      case decl_kind::cpp_quote:
        out(d->text + "\n");
        break;
      case decl_kind::typedef_:
        typedef_decl(d);
        break;
      case decl_kind::record:
        record_decl(d);
        break;
      case decl_kind::const_:
        out("#define " + std::string(d->name) + " (" + c_expression(d->value) + ")\n");
        break;
      case decl_kind::function:
        function_decl(d);
        break;
      case decl_kind::variable:
        out(std::string(d->is_extern ? "extern " : "") + c_declaration(d->ty, std::string(d->name)) + ";\n");
        break;
      case decl_kind::interface:
        if (d->forward) break;
        if (is_object_interface(*d)) object_interface(d);
        else rpc_interface(d);
        break;
      case decl_kind::dispinterface:
        if (!d->forward) dispinterface(d);
        break;
      case decl_kind::coclass:
        if (!d->forward) coclass(d);
        break;
      case decl_kind::library:
        library(d);
        break;
      case decl_kind::module:
        module(d);
        break;
      default:
        break;
    }
  }

  std::string record_body(const record* r, int indent) {
    std::string pad(static_cast<std::size_t>(indent) * 4, ' ');
    std::string s = record_keyword(r->kind);
    if (!r->tag.empty()) s += " " + std::string(r->tag);
    s += " {\n";
    std::string inner_pad = pad + "    ";
    if (r->kind == record_kind::enum_) {
      for (std::size_t i = 0; i < r->enumerators.size(); ++i) {
        const enumerator* e = r->enumerators[i];
        s += inner_pad + std::string(e->name);
        if (e->value) s += " = " + c_expression(e->value);
        else if (e->has_value) s += " = " + std::to_string(e->computed);
        s += i + 1 < r->enumerators.size() ? ",\n" : "\n";
      }
    } else if (r->switch_field) {
      // union U switch (T sw) arm { ... } is a struct of the switch and
      // a union of the arms.
      s = "struct";
      if (!r->tag.empty()) s += " " + std::string(r->tag);
      s += " {\n";
      s += inner_pad + c_declaration(r->switch_field->ty, std::string(r->switch_field->name)) + ";\n";
      s += inner_pad + "union {\n";
      for (field* f : r->fields) s += field_text(f, indent + 2);
      s += inner_pad + "} " + std::string(r->union_name.empty() ? "tagged_union" : r->union_name) + ";\n";
    } else {
      for (field* f : r->fields) s += field_text(f, indent + 1);
    }
    s += pad + "}";
    return s;
  }

  std::string field_text(field* f, int indent) {
    if (!f->ty) return {};  // an empty union arm
    std::string pad(static_cast<std::size_t>(indent) * 4, ' ');
    const type* base = f->ty;
    while (base->inner && (base->kind == type_kind::pointer || base->kind == type_kind::array || base->kind == type_kind::function))
      base = base->inner;
    if (base->kind == type_kind::record && base->rec->defined && !m_emitted.count(base->rec)) {
      const record* r = base->rec;
      m_emitted.insert(r);
      std::string body = record_body(r, indent);
      if (base->is_const) body = "const " + body;
      return pad + declarator(f->ty, std::string(f->name), true, &body) + ";\n";
    }
    std::string bits = f->bitfield ? " : " + c_expression(f->bitfield) : "";
    return pad + c_declaration(f->ty, std::string(f->name), true) + bits + ";\n";
  }

  // The record defined at the bottom of t, if its body has not been printed.
  const record* pending_record(const type* t) const {
    while (t && t->inner && (t->kind == type_kind::pointer || t->kind == type_kind::array || t->kind == type_kind::function)) t = t->inner;
    if (t && t->kind == type_kind::record && t->rec->defined && !m_emitted.count(t->rec)) return t->rec;
    return nullptr;
  }
  static const type* bottom(const type* t) {
    while (t && t->inner && (t->kind == type_kind::pointer || t->kind == type_kind::array || t->kind == type_kind::function)) t = t->inner;
    return t;
  }

  void typedef_decl(const decl* d) {
    if (const record* r = pending_record(d->ty)) {
      m_emitted.insert(r);
      std::string body = record_body(r, 0);
      if (bottom(d->ty)->is_const) body = "const " + body;
      out("typedef " + declarator(d->ty, std::string(d->name), false, &body) + ";\n");
      return;
    }
    out("typedef " + c_declaration(d->ty, std::string(d->name)) + ";\n");
  }

  void record_decl(const decl* d) {
    const record* r = d->ty->rec;
    if (r->defined && !m_emitted.count(r)) {
      m_emitted.insert(r);
      out(record_body(r, 0) + ";\n");
    } else if (!r->tag.empty()) {
      out(record_keyword(r->kind) + " " + std::string(r->tag) + ";\n");
    }
  }

  void function_decl(const decl* d) {
    const type* fn = d->ty;
    std::string cc = fn->callconv.empty() ? "" : std::string(fn->callconv) + " ";
    out(c_declaration(fn->inner, "") + " " + cc + std::string(d->name) + "(" + params_text(fn, "", ",\n    ") + ");\n");
  }

  // ---- interfaces ---------------------------------------------------------------
  static std::string method_name(const decl* m) {
    std::string n(m->name);
    if (m->attrs.has("propget")) return "get_" + n;
    if (m->attrs.has("propputref")) return "putref_" + n;
    if (m->attrs.has("propput")) return "put_" + n;
    return n;
  }

  // The interface's own vtable methods: [call_as] methods are not slots.
  static std::vector<const decl*> own_methods(const decl* d) {
    std::vector<const decl*> v;
    for (const decl* m : d->members)
      if (m->kind == decl_kind::function && !m->attrs.has("call_as") && m->ty && m->ty->kind == type_kind::function) v.push_back(m);
    return v;
  }

  // Root first.
  std::vector<const decl*> chain(const decl* d) {
    std::vector<const decl*> v;
    std::unordered_set<const decl*> seen;
    for (const decl* cur = d; cur && seen.insert(cur).second; cur = cur->base) {
      v.insert(v.begin(), cur->definition ? cur->definition : cur);
    }
    return v;
  }

  std::string iid_decl(std::string_view kind, std::string_view prefix, std::string_view name) {
    std::string api = m_o.iid_api.empty() ? "" : m_o.iid_api + " ";
    return "EXTERN_C " + api + "const " + std::string(kind) + " " + std::string(prefix) + std::string(name) + ";\n";
  }

  static std::string guid_args(const std::string& g) {
    guid_parts p = split_guid(g);
    char buf[160];
    std::snprintf(buf, sizeof buf, "0x%08x, 0x%04x, 0x%04x, 0x%02x,0x%02x, 0x%02x,0x%02x,0x%02x,0x%02x,0x%02x,0x%02x", p.data1, p.data2,
                  p.data3, p.data4[0], p.data4[1], p.data4[2], p.data4[3], p.data4[4], p.data4[5], p.data4[6], p.data4[7]);
    return buf;
  }

  void projection_association(const decl* d, std::string_view base) {
    if (!d->uuid_text) return;
    std::string n(d->name);
    out("#ifdef COMKIT_DECLARE_INTERFACE\nextern \"C++\" {\n");
    if (base.empty() || base == "IUnknown") out("COMKIT_DECLARE_IID(" + n + ", \"" + *d->uuid_text + "\")\n");
    else out("COMKIT_DECLARE_INTERFACE(" + n + ", " + std::string(base) + ", \"" + *d->uuid_text + "\")\n");
    out("}\n#endif\n");
    out("#ifdef __CRT_UUID_DECL\n__CRT_UUID_DECL(" + n + ", " + guid_args(*d->uuid_text) + ")\n#endif\n");
  }

  // A parameter named like a C++ keyword (Wine's comsvcs.idl has `typeid`,
  // mfplay.idl `protected`) is fine in C and in IDL; in the C++ declaration
  // it gets a trailing underscore (the name carries no meaning there).
  static std::string cpp_parameter_name(std::string_view name) {
    static constexpr std::string_view keywords[] = {
        "alignas", "alignof", "and", "and_eq", "asm", "bitand", "bitor", "bool", "catch", "char8_t", "char16_t",
        "char32_t", "class", "compl", "concept", "consteval", "constexpr", "constinit", "const_cast", "co_await",
        "co_return", "co_yield", "decltype", "delete", "dynamic_cast", "explicit", "export", "false", "friend",
        "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private",
        "protected", "public", "reinterpret_cast", "requires", "static_assert", "static_cast", "template", "this",
        "thread_local", "throw", "true", "try", "typeid", "typename", "using", "virtual", "wchar_t", "xor", "xor_eq"};
    for (std::string_view k : keywords)
      if (name == k) return std::string(name) + "_";
    return std::string(name);
  }

  void cpp_struct(const decl* d, std::string_view base, const std::vector<const decl*>& methods) {
    std::string n(d->name);
    // IUnknown's member template cannot have C linkage.
    const bool cxx_linkage = d->name == "IUnknown" && d->kind == decl_kind::interface;
    out("#if defined(__cplusplus) && !defined(CINTERFACE)\n");
    if (cxx_linkage) out("extern \"C++\" {\n");
    out("struct DECLSPEC_NOVTABLE " + n + (base.empty() ? "" : " : public " + std::string(base)) + "\n{\n");
    for (const decl* m : methods) {
      const type* fn = m->ty;
      out("    virtual " + c_declaration(fn->inner, "") + " STDMETHODCALLTYPE " + method_name(m) + "(\n");
      std::string ps;
      for (std::size_t i = 0; i < fn->params.size(); ++i) {
        ps += "        " + c_declaration(fn->params[i]->ty, cpp_parameter_name(fn->params[i]->name));
        if (i + 1 < fn->params.size() || fn->varargs) ps += ",\n";
      }
      if (fn->varargs) ps += "        ...";
      out(ps + ") = 0;\n\n");
    }
    if (d->name == "IUnknown" && d->kind == decl_kind::interface) {
      // As the Windows SDK's <unknwn.h> does for C++: QueryInterface(&p)
      // takes the IID from p's type.
      out("#ifdef COMKIT_DECLARE_IID\n    template <class Q>\n    HRESULT STDMETHODCALLTYPE QueryInterface(Q **pp)\n    {\n"
          "        return QueryInterface(::comkit::guid_of<Q>(), reinterpret_cast<void **>(pp));\n    }\n#endif\n\n");
    }
    out("};\n");
    if (cxx_linkage) out("}\n");
    projection_association(d, base);
  }

  // A method that reuses the name of a method of a base interface (a C++
  // overload, as in Wine's dwrite.idl and d2d1_1.idl) cannot have a C
  // vtable member of the same name: its slot is named
  // <DeclaringInterface>_<Method>, the SDK's convention, and the base
  // method it hides gets no COBJMACROS macro. groups run from the root down.
  void c_vtable(const decl* d, const std::vector<std::pair<const decl*, std::vector<const decl*>>>& groups) {
    std::string n(d->name);
    auto declared_in = [&](std::size_t from, std::size_t to, const std::string& mn) {
      for (std::size_t g = from; g < to; ++g)
        for (const decl* m : groups[g].second)
          if (method_name(m) == mn) return true;
      return false;
    };
    auto slot_name = [&](std::size_t g, const decl* m) {
      const std::string mn = method_name(m);
      return declared_in(0, g, mn) ? std::string(groups[g].first->name) + "_" + mn : mn;
    };
    out("#else\ntypedef struct " + n + "Vtbl {\n    BEGIN_INTERFACE\n\n");
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto& [owner, methods] = groups[g];
      out("    /*** " + std::string(owner->name) + " methods ***/\n");
      for (const decl* m : methods) {
        const type* fn = m->ty;
        out("    " + c_declaration(fn->inner, "") + " (STDMETHODCALLTYPE *" + slot_name(g, m) + ")(\n        " + n + " *This");
        for (const param* p : fn->params) out(",\n        " + c_declaration(p->ty, std::string(p->name)));
        if (fn->varargs) out(",\n        ...");
        out(");\n\n");
      }
    }
    out("    END_INTERFACE\n} " + n + "Vtbl;\n\n");
    out("struct " + n + " {\n    CONST_VTBL " + n + "Vtbl* lpVtbl;\n};\n\n");
    out("#ifdef COBJMACROS\n");
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto& [owner, methods] = groups[g];
      out("/*** " + std::string(owner->name) + " methods ***/\n");
      for (const decl* m : methods) {
        std::string mn = method_name(m);
        if (declared_in(g + 1, groups.size(), mn)) continue;  // hidden by a derived interface's method
        std::string args = "This";
        int k = 0;
        for (const param* p : m->ty->params) {
          ++k;
          args += ",";
          if (p->name.empty()) {
            args += 'p';
            args += std::to_string(k);
          } else {
            args += p->name;
          }
        }
        out("#define " + n + "_" + mn + "(" + args + ") (This)->lpVtbl->" + slot_name(g, m) + "(" + args + ")\n");
      }
    }
    out("#endif\n\n#endif\n\n");
  }

  void banner(std::string_view name, std::string_view what) {
    out("/*****************************************************************************\n * " + std::string(name) + " " + std::string(what) + "\n */\n");
  }

  void object_interface(const decl* d) {
    std::string n(d->name);
    banner(n, "interface");
    out("#ifndef __" + n + "_INTERFACE_DEFINED__\n#define __" + n + "_INTERFACE_DEFINED__\n\n");
    for (const decl* m : d->members)
      if (m->kind != decl_kind::function) item(m);
    if (d->uuid_text) out(iid_decl("IID", "IID_", n) + "\n");
    std::vector<const decl*> methods = own_methods(d);
    std::string_view base = d->base ? d->base->name : std::string_view(d->base_name);
    cpp_struct(d, base, methods);
    std::vector<std::pair<const decl*, std::vector<const decl*>>> groups;
    for (const decl* x : chain(d)) groups.emplace_back(x, own_methods(x));
    c_vtable(d, groups);
    call_as_prototypes(d);
    out("#endif  /* __" + n + "_INTERFACE_DEFINED__ */\n\n");
  }

  // [local] M with [call_as(M)] RemoteM: the proxy/stub pair the
  // marshalling code implements, with the local and remote signatures.
  void call_as_prototypes(const decl* d) {
    std::string n(d->name);
    for (const decl* remote : d->members) {
      const attribute* a = remote->attrs.find("call_as");
      if (!a || remote->kind != decl_kind::function || a->args.empty() || !a->args[0].value) continue;
      std::string local_name = c_expression(a->args[0].value);
      const decl* local = nullptr;
      for (const decl* m : d->members)
        if (m->kind == decl_kind::function && m->name == local_name && !m->attrs.has("call_as")) local = m;
      std::string rn(remote->name);
      const type* rfn = remote->ty;
      out(c_declaration(rfn->inner, "") + " STDMETHODCALLTYPE " + n + "_" + rn + "_Proxy(\n    " + n + "* This");
      for (const param* p : rfn->params) out(",\n    " + c_declaration(p->ty, std::string(p->name)));
      out(");\nvoid __RPC_STUB " + n + "_" + rn +
          "_Stub(\n    IRpcStubBuffer* This,\n    IRpcChannelBuffer* pRpcChannelBuffer,\n    PRPC_MESSAGE pRpcMessage,\n    DWORD* pdwStubPhase);\n");
      if (!local) continue;
      const type* lfn = local->ty;
      std::string ln = method_name(local);
      out(c_declaration(lfn->inner, "") + " CALLBACK " + n + "_" + ln + "_Proxy(\n    " + n + "* This");
      for (const param* p : lfn->params) out(",\n    " + c_declaration(p->ty, std::string(p->name)));
      out(");\n" + c_declaration(rfn->inner, "") + " __RPC_STUB " + n + "_" + ln + "_Stub(\n    " + n + "* This");
      for (const param* p : rfn->params) out(",\n    " + c_declaration(p->ty, std::string(p->name)));
      out(");\n");
    }
  }

  void rpc_interface(const decl* d) {
    std::string n(d->name);
    std::string version = "0_0";
    if (const attribute* v = d->attrs.find("version"); v && !v->args.empty() && v->args[0].value) {
      std::string t = c_expression(v->args[0].value);
      std::size_t dot = t.find('.');
      version = dot == std::string::npos ? t + "_0" : t.substr(0, dot) + "_" + t.substr(dot + 1);
    }
    banner(n, "interface (v" + std::string(version).replace(version.find('_'), 1, ".") + ")");
    out("#ifndef __" + n + "_INTERFACE_DEFINED__\n#define __" + n + "_INTERFACE_DEFINED__\n\n");
    if (!d->attrs.has("local")) {
      out("extern RPC_IF_HANDLE " + n + "_v" + version + "_c_ifspec;\n");
      out("extern RPC_IF_HANDLE " + n + "_v" + version + "_s_ifspec;\n");
    }
    for (const decl* m : d->members) item(m);
    out("\n#endif  /* __" + n + "_INTERFACE_DEFINED__ */\n\n");
  }

  void dispinterface(const decl* d) {
    std::string n(d->name);
    banner(n, "dispinterface");
    out("#ifndef __" + n + "_DISPINTERFACE_DEFINED__\n#define __" + n + "_DISPINTERFACE_DEFINED__\n\n");
    if (d->uuid_text) out(iid_decl("IID", "DIID_", n) + "\n");
    const model::interface_info* idispatch = m_model.find_interface("IDispatch");
    const decl* dispatch = idispatch ? idispatch->syntax : nullptr;
    cpp_struct(d, "IDispatch", {});
    std::vector<std::pair<const decl*, std::vector<const decl*>>> groups;
    if (dispatch)
      for (const decl* x : chain(dispatch)) groups.emplace_back(x, own_methods(x));
    c_vtable(d, groups);
    out("#endif  /* __" + n + "_DISPINTERFACE_DEFINED__ */\n\n");
  }

  void coclass(const decl* d) {
    std::string n(d->name);
    banner(n, "coclass");
    if (!d->uuid_text) return;
    out("\n" + iid_decl("CLSID", "CLSID_", n) + "\n");
    out("#ifdef __cplusplus\nclass DECLSPEC_UUID(\"" + *d->uuid_text + "\") " + n + ";\n");
    out("#ifdef __CRT_UUID_DECL\n__CRT_UUID_DECL(" + n + ", " + guid_args(*d->uuid_text) + ")\n#endif\n#endif\n\n");
  }

  void library(const decl* d) {
    std::string n(d->name);
    out("#ifndef __" + n + "_LIBRARY_DEFINED__\n#define __" + n + "_LIBRARY_DEFINED__\n\n");
    if (d->uuid_text) out(iid_decl("IID", "LIBID_", n) + "\n");
    for (const decl* m : d->members) item(m);
    out("#endif /* __" + n + "_LIBRARY_DEFINED__ */\n");
  }

  void module(const decl* d) {
    std::string n(d->name);
    banner(n, "module");
    out("#ifndef __" + n + "_MODULE_DEFINED__\n#define __" + n + "_MODULE_DEFINED__\n\n");
    for (const decl* m : d->members) item(m);
    out("\n#endif /* __" + n + "_MODULE_DEFINED__ */\n\n");
  }

  const model::model& m_model;
  std::unordered_set<const record*> m_emitted;  // record bodies printed in this output
  const emit_options& m_o;
  std::string m_out;
  std::unordered_set<std::string_view> m_forwarded;
};

// ---- _i.c ------------------------------------------------------------------------

template <typename Decls>  // the model's list (const decl*) or a declaration's members
void collect_guids(const Decls& items, std::vector<std::pair<std::string, const decl*>>& out) {
  for (const decl* d : items) {
    switch (d->kind) {
      case decl_kind::interface:
        if (!d->forward && d->uuid_text && is_object_interface(*d)) out.emplace_back("IID_", d);
        break;
      case decl_kind::dispinterface:
        if (!d->forward && d->uuid_text) out.emplace_back("DIID_", d);
        break;
      case decl_kind::coclass:
        if (!d->forward && d->uuid_text) out.emplace_back("CLSID_", d);
        break;
      case decl_kind::library:
        if (d->uuid_text) out.emplace_back("LIBID_", d);
        collect_guids(d->members, out);
        break;
      default:
        break;
    }
  }
}

}  // namespace

std::string emit_c_header(const model::model& m, const emit_options& o) { return header_writer(m, o).run(); }

std::string emit_iid_source(const model::model& m, const emit_options& o) {
  std::vector<std::pair<std::string, const decl*>> guids;
  collect_guids(m.items, guids);
  std::string s = "/*** Generated by comkit idl from " + o.input_name + " - do not edit ***/\n\n";
  s += "/* The IID, CLSID and LIBID constants that " + o.base_name + ".h declares. */\n\n";
  s += "#include <rpc.h>\n#include <rpcndr.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  std::string api = o.iid_api.empty() ? "" : o.iid_api + " ";
  for (const auto& [prefix, d] : guids) {
    guid_parts p = split_guid(*d->uuid_text);
    std::string kind = prefix == "CLSID_" ? "CLSID" : "IID";
    std::string name = prefix + std::string(d->name);
    char init[200];
    std::snprintf(init, sizeof init, "{0x%08x, 0x%04x, 0x%04x, {0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x}}", p.data1,
                  p.data2, p.data3, p.data4[0], p.data4[1], p.data4[2], p.data4[3], p.data4[4], p.data4[5], p.data4[6], p.data4[7]);
    s += "extern " + api + "const " + kind + " " + name + ";\n";
    s += "const " + kind + " " + name + " = " + init + ";\n\n";
  }
  s += "#ifdef __cplusplus\n}\n#endif\n";
  return s;
}

}  // namespace comkit::idl
