// compiler/check.cpp - name resolution and the semantic rules of MIDL.
//
// Runs after parsing, over the imported files' declarations first and then
// the main file's. Every rule reports its own error and checking goes on;
// nothing here stops at the first problem. Rules: undefined and duplicate
// names, malformed and duplicate IIDs, interface inheritance (bases exist,
// no cycles, [object] interfaces reach IUnknown), parameter attributes
// ([out] needs a pointer, [retval] is the last [out]), and the names that
// size_is and its relatives refer to.
#include <cstdlib>
#include <functional>
#include <unordered_set>

#include "compilation.h"
#include "guid_text.h"

namespace comkit::idl {
namespace {

const std::unordered_set<std::string_view>& known_attributes() {
  static const std::unordered_set<std::string_view> names = {
      "aggregatable", "annotation", "appobject", "async", "async_uuid", "auto_handle", "bindable", "broadcast",
      "byte_count", "call_as", "callback", "case", "code", "comm_status", "context_handle",
      "context_handle_noserialize", "context_handle_serialize", "control", "custom", "decode", "default",
      "defaultbind", "defaultcollelem", "defaultvalue", "defaultvtable", "disable_consistency_check",
      "displaybind", "dllname", "dual", "enable_allocate", "encode", "endpoint", "entry", "explicit_handle",
      "fault_status", "first_is", "force_allocate", "handle", "helpcontext", "helpfile", "helpstring",
      "helpstringcontext", "helpstringdll", "hidden", "id", "idempotent", "ignore", "iid_is", "immediatebind",
      "implicit_handle", "in", "lcid", "last_is", "length_is", "licensed", "local", "maybe", "max_is", "message",
      "min_is", "ms_union", "nocode", "nonbrowsable", "noncreatable", "nonextensible", "notify", "notify_flag",
      "object", "odl", "oleautomation", "optimize", "optional", "out", "partial_ignore", "pointer_default",
      "predeclid", "progid", "propget", "propput", "propputref", "proxy", "ptr", "public", "range", "readonly",
      "ref", "replaceable", "represent_as", "requestedit", "restricted", "retval", "size_is", "source",
      "strict_context_handle", "string", "switch_is", "switch_type", "threading", "transmit_as", "uidefault",
      "unique", "user_marshal", "usesgetlasterror", "uuid", "v1_enum", "vararg", "version", "vi_progid",
      "wire_marshal", "cpp_quote", "pragma",
  };
  return names;
}

class checker {
 public:
  explicit checker(compilation& c) : m_c(c) {}

  void run() {
    // Imported declarations may come from a session's cache and carry the
    // links an earlier compilation resolved; resolve them afresh.
    for (decl* d : m_c.imported_items) reset(d);
    for (decl* d : m_c.imported_items) declare(d);
    for (decl* d : m_c.items) declare(d);
    for (decl* d : m_c.imported_items) resolve(d, false);
    for (decl* d : m_c.items) resolve(d, true);
  }

 private:
  void error(location loc, std::string msg) { m_c.diags.error(loc, std::move(msg)); }

  void reset(decl* d) {
    d->definition = nullptr;
    d->base = nullptr;
    d->dispatch_of = nullptr;
    for (coclass_member& m : d->coclass_members) m.target = nullptr;
    reset_type(d->ty, 0);
    for (field* f : d->properties) reset_type(f->ty, 0);
    for (decl* m : d->members) reset(m);
  }
  void reset_type(type* t, int depth) {
    for (; t && depth < 512; t = t->inner, ++depth) {
      t->target = nullptr;
      if (t->kind == type_kind::function)
        for (param* p : t->params) reset_type(p->ty, depth + 1);
      if (t->kind == type_kind::record && t->rec->defined && m_reset_records.insert(t->rec).second) {
        if (t->rec->switch_field) reset_type(t->rec->switch_field->ty, depth + 1);
        for (field* f : t->rec->fields) reset_type(f->ty, depth + 1);
      }
    }
  }

  // ---- declaration: fill the symbol tables ------------------------------------
  void declare(decl* d) {
    switch (d->kind) {
      case decl_kind::typedef_:
        declare_type_records(d->ty);
        declare_type(d);
        break;
      case decl_kind::record:
      case decl_kind::const_:
      case decl_kind::function:
      case decl_kind::variable:
        if (d->ty) declare_type_records(d->ty);
        if (d->kind == decl_kind::const_) {
          auto [it, inserted] = m_c.consts.emplace(d->name, d);
          if (!inserted && !d->imported && !it->second->imported) {
            error(d->loc, "redefinition of constant '" + std::string(d->name) + "'");
            m_c.diags.note(it->second->loc, "previous definition is here");
          }
        }
        break;
      case decl_kind::interface:
      case decl_kind::dispinterface:
      case decl_kind::coclass:
        declare_type(d);
        for (decl* m : d->members) declare(m);
        for (field* f : d->properties) declare_type_records(f->ty);
        break;
      case decl_kind::library:
      case decl_kind::module:
        for (decl* m : d->members) declare(m);
        break;
      default:
        break;
    }
    check_uuid(d);
  }

  void declare_type(decl* d) {
    auto it = m_c.types.find(d->name);
    if (it == m_c.types.end()) {
      m_c.types.emplace(d->name, d);
      return;
    }
    decl* prev = it->second;
    if (prev == d) return;
    bool prev_forward = prev->forward, this_forward = d->forward;
    if (d->kind == prev->kind && (prev_forward || this_forward)) {
      if (prev_forward && !this_forward) {
        prev->definition = d;
        it->second = d;
      } else if (!prev_forward && this_forward) {
        d->definition = prev;
      }
      return;
    }
    if (d->kind == decl_kind::typedef_ && prev->kind == decl_kind::typedef_) {
      if (d->imported || prev->imported) return;  // system headers re-typedef freely
      error(d->loc, "redefinition of '" + std::string(d->name) + "'");
      m_c.diags.note(prev->loc, "previous definition is here");
      return;
    }
    if (d->imported && prev->imported) return;
    if ((d->kind == decl_kind::typedef_) != (prev->kind == decl_kind::typedef_) && (d->imported || prev->imported)) return;
    error(d->loc, "redefinition of '" + std::string(d->name) + "'");
    m_c.diags.note(prev->loc, "previous definition is here");
  }

  // Records defined inline (typedef struct tag {...} X) and their enumerators.
  void declare_type_records(type* t, int depth = 0) {
    for (; t && depth < 512; t = t->inner, ++depth) {
      if (t->kind == type_kind::function)
        for (param* p : t->params) declare_type_records(p->ty, depth + 1);
      if (t->kind != type_kind::record || !t->rec->defined) continue;
      record* r = t->rec;
      if (!r->tag.empty()) {
        auto [it, inserted] = m_c.tags.emplace(r->tag, r);
        if (!inserted && it->second != r && it->second->kind != r->kind)
          error(r->loc, std::string(r->tag).insert(0, 1, '\'') + "' was declared as a different kind of tag");
      }
      std::int64_t next = 0;
      bool next_known = true;
      for (enumerator* e : r->enumerators) {
        if (e->value) {
          std::optional<std::int64_t> v = evaluate(m_c, e->value);
          next_known = v.has_value();
          if (v) next = *v;
        }
        e->has_value = next_known;
        e->computed = next;
        ++next;
        auto [it, inserted] = m_c.enumerators.emplace(e->name, e);
        if (!inserted && it->second != e) {
          // Imported headers may repeat enumerators behind #ifdef guards.
        }
      }
      if (r->switch_field) declare_type_records(r->switch_field->ty, depth + 1);
      for (field* f : r->fields) declare_type_records(f->ty, depth + 1);
    }
  }

  void check_uuid(decl* d) {
    const attribute* a = d->attrs.find("uuid");
    if (!a) return;
    if (a->args.size() != 1 || a->args[0].raw.empty()) {
      error(a->loc, "[uuid] needs one GUID argument");
      return;
    }
    std::optional<std::string> norm = normalize_guid(a->args[0].raw);
    if (!norm) {
      error(a->loc, "malformed GUID '" + a->args[0].raw + "' in [uuid] (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
      return;
    }
    d->uuid_text = *norm;
  }

  // ---- resolution and rules ----------------------------------------------------
  void resolve(decl* d, bool main_file) {
    switch (d->kind) {
      case decl_kind::typedef_:
      case decl_kind::record:
      case decl_kind::variable:
        resolve_type(d->ty, d->loc);
        check_record_fields(d->ty);
        break;
      case decl_kind::const_:
        resolve_type(d->ty, d->loc);
        check_value_names(d->value, nullptr, nullptr, d->name);
        break;
      case decl_kind::function:
        resolve_type(d->ty, d->loc);
        check_method(d, nullptr);
        break;
      case decl_kind::interface:
        if (!d->forward) check_interface(d, main_file);
        break;
      case decl_kind::dispinterface:
        if (!d->forward) check_dispinterface(d, main_file);
        break;
      case decl_kind::coclass:
        for (coclass_member& m : d->coclass_members) {
          auto it = m_c.types.find(m.name);
          if (it == m_c.types.end()) {
            // widl accepts this and Wine's shobjidl.idl relies on it; the
            // CLSID is still right, only the interface list is unknown.
            m_c.diags.warning(m.loc, "coclass " + std::string(d->name) + " lists '" + std::string(m.name) + "', which is not declared");
            continue;
          }
          if (it->second->kind != decl_kind::interface && it->second->kind != decl_kind::dispinterface) {
            error(m.loc, "coclass " + std::string(d->name) + " lists '" + std::string(m.name) + "', which is not an interface");
            continue;
          }
          m.target = it->second;
        }
        if (!d->forward && !d->uuid_text && !d->attrs.has("uuid")) error(d->loc, "coclass '" + std::string(d->name) + "' has no [uuid]");
        break;
      case decl_kind::library:
      case decl_kind::module:
        for (decl* m : d->members) resolve(m, main_file);
        break;
      default:
        break;
    }
    if (main_file) check_attribute_names(d->attrs);
  }

  void check_attribute_names(const attributes& attrs) {
    for (const attribute& a : attrs.list) {
      if (!known_attributes().count(a.name))
        m_c.diags.warning(a.loc, "unknown attribute [" + std::string(a.name) + "] ignored");
    }
  }

  void resolve_type(type* t, location where, int depth = 0) {
    for (; t && depth < 512; t = t->inner, ++depth) {
      switch (t->kind) {
        case type_kind::named: {
          if (t->target) break;
          auto it = m_c.types.find(t->name);
          if (it == m_c.types.end()) {
            if (m_unknown_reported.insert(std::string(t->name) + "@" + std::to_string(t->loc.file) + ":" + std::to_string(t->loc.line)).second)
              error(t->loc.file ? t->loc : where, "unknown type '" + std::string(t->name) + "'");
          } else {
            t->target = it->second;
          }
          break;
        }
        case type_kind::record: {
          record* r = t->rec;
          if (!r->defined && !r->tag.empty()) {
            // A reference to a tag: nothing to resolve for C output.
          }
          if (r->defined && m_resolved_records.insert(r).second) {
            if (r->switch_field) resolve_type(r->switch_field->ty, r->switch_field->loc, depth + 1);
            for (field* f : r->fields) {
              resolve_type(f->ty, f->loc, depth + 1);
              check_attribute_names(f->attrs);
            }
            for (enumerator* e : r->enumerators) check_value_names(e->value, nullptr, nullptr, e->name);
          }
          break;
        }
        case type_kind::array:
          if (t->size) check_value_names(t->size, nullptr, nullptr, {});
          break;
        case type_kind::function:
          for (param* p : t->params) resolve_type(p->ty, p->loc, depth + 1);
          break;
        default:
          break;
      }
    }
  }

  // Struct fields: size_is(n) and friends must name a field of the struct.
  void check_record_fields(type* t, int depth = 0) {
    for (; t && depth < 512; t = t->inner, ++depth) {
      if (t->kind != type_kind::record || !t->rec->defined) continue;
      record* r = t->rec;
      if (!m_checked_fields.insert(r).second) continue;
      for (field* f : r->fields) {
        for (const attribute& a : f->attrs.list) {
          if (!is_reference_attribute(a.name)) continue;
          for (const attr_arg& arg : a.args) check_value_names(arg.value, r, nullptr, f->name, a.name);
        }
        check_record_fields(f->ty, depth + 1);
      }
    }
  }

  static bool is_reference_attribute(std::string_view n) {
    return n == "size_is" || n == "length_is" || n == "max_is" || n == "min_is" || n == "first_is" || n == "last_is" ||
           n == "switch_is" || n == "iid_is" || n == "byte_count";
  }

  // Identifiers in an expression must be constants, enumerators, or (for
  // the conformance attributes) fields of `rec` or parameters of `fn`.
  void check_value_names(const expr* e, const record* rec, const type* fn, std::string_view owner, std::string_view attr = {}, int depth = 0) {
    if (!e || depth > 256) return;
    switch (e->kind) {
      case expr_kind::identifier: {
        std::string_view n = e->text;
        if (m_c.consts.count(n) || m_c.enumerators.count(n) || n == "TRUE" || n == "FALSE" || n == "NULL") return;
        if (rec) {
          for (const field* f : rec->fields)
            if (f->name == n) return;
          if (rec->switch_field && rec->switch_field->name == n) return;
        }
        if (fn) {
          for (const param* p : fn->params)
            if (p->name == n) return;
        }
        // MIDL rejects these; widl only evaluates them when it writes
        // marshalling code, and real IDL has them (a typo in Wine's
        // wmsdkidl.idl, a C macro from cpp_quote in shdeprecated.idl): a
        // warning (an error with -Werror). The attribute is then unusable
        // for marshalling.
        if (!attr.empty() && fn)
          m_c.diags.warning(e->loc, "[" + std::string(attr) + "] refers to '" + std::string(n) + "', which is not a parameter of '" + std::string(owner) + "' (C macros from cpp_quote are not visible to IDL)");
        else if (!attr.empty() && rec)
          m_c.diags.warning(e->loc, "[" + std::string(attr) + "] refers to '" + std::string(n) + "', which is not a field of the structure");
        else if (!m_c.types.count(n))
          error(e->loc, "unknown name '" + std::string(n) + "' in expression");
        return;
      }
      case expr_kind::member:
        check_value_names(e->a, rec, fn, owner, attr, depth + 1);
        return;
      case expr_kind::sizeof_type:
        return;
      default:
        check_value_names(e->a, rec, fn, owner, attr, depth + 1);
        check_value_names(e->b, rec, fn, owner, attr, depth + 1);
        check_value_names(e->c, rec, fn, owner, attr, depth + 1);
    }
  }

  // Follows typedefs to the type that decides pointer-ness.
  const type* underlying(const type* t) {
    for (int i = 0; t && i < 256; ++i) {
      if (t->kind == type_kind::named && t->target && t->target->kind == decl_kind::typedef_ && t->target->ty) {
        t = t->target->ty;
        continue;
      }
      return t;
    }
    return t;
  }

  void check_method(decl* m, decl* iface) {
    type* fn = m->ty;
    if (!fn || fn->kind != type_kind::function) return;
    std::string owner = iface ? std::string(iface->name) + "::" + std::string(m->name) : std::string(m->name);
    check_attribute_names(m->attrs);
    for (std::size_t i = 0; i < fn->params.size(); ++i) {
      param* p = fn->params[i];
      check_attribute_names(p->attrs);
      bool out = p->attrs.has("out");
      if (out) {
        const type* u = underlying(p->ty);
        bool pointerish = u && (u->kind == type_kind::pointer || u->kind == type_kind::array ||
                                (u->kind == type_kind::builtin && u->spelling == "?"));
        // Interface pointers spelled through a typedef to an interface
        // (rare) and handles count as pointers too.
        if (u && u->kind == type_kind::named && u->target &&
            (u->target->kind == decl_kind::interface || u->target->kind == decl_kind::dispinterface))
          pointerish = false;
        // MIDL rejects this; widl accepts it and real IDL (Wine's mshtml.idl)
        // has it, so it is a warning: the value cannot reach the caller.
        if (!pointerish)
          m_c.diags.warning(p->loc, "[out] parameter '" + std::string(p->name) + "' of '" + owner +
                                        "' is not a pointer, so nothing can be returned through it");
      }
      // MIDL rejects a misplaced [retval]; widl accepts it and real IDL has it
      // (Wine's wmp.idl has two), so it is a warning (an error with -Werror):
      // the method then has no return value in a projection.
      if (p->attrs.has("retval")) {
        if (!out)
          m_c.diags.warning(p->loc, "[retval] parameter '" + std::string(p->name) + "' of '" + owner + "' is not [out]; [retval] ignored");
        if (i + 1 != fn->params.size())
          m_c.diags.warning(p->loc, "[retval] parameter '" + std::string(p->name) + "' of '" + owner + "' is not the last parameter; [retval] ignored");
      }
      for (const attribute& a : p->attrs.list) {
        if (!is_reference_attribute(a.name)) continue;
        for (const attr_arg& arg : a.args) check_value_names(arg.value, nullptr, fn, owner, a.name);
      }
    }
  }

  void check_interface(decl* d, bool main_file) {
    if (!d->base_name.empty()) {
      auto it = m_c.types.find(d->base_name);
      if (it == m_c.types.end()) {
        error(d->base_loc, "interface '" + std::string(d->name) + "' derives from unknown interface '" + std::string(d->base_name) + "'");
      } else if (it->second->kind != decl_kind::interface) {
        error(d->base_loc, "interface '" + std::string(d->name) + "' derives from '" + std::string(d->base_name) + "', which is not an interface");
      } else {
        d->base = it->second->definition ? it->second->definition : it->second;
        if (d->base->forward && main_file)
          error(d->base_loc, "base interface '" + std::string(d->base_name) + "' of '" + std::string(d->name) + "' is declared but never defined");
      }
    }
    // Cycles and the IUnknown root.
    if (d->base) {
      std::unordered_set<const decl*> seen{d};
      const decl* cur = d->base;
      bool cycle = false;
      const decl* last = d;
      while (cur) {
        if (!seen.insert(cur).second) {
          cycle = true;
          break;
        }
        last = cur;
        cur = cur->base;
        if (!cur && !last->base_name.empty() && last != d) {
          auto it = m_c.types.find(last->base_name);
          if (it != m_c.types.end() && it->second->kind == decl_kind::interface) cur = it->second->definition ? it->second->definition : it->second;
        }
      }
      if (cycle) {
        error(d->loc, "interface '" + std::string(d->name) + "' inherits from itself");
        d->base = nullptr;
      } else if (is_object_interface(*d) && last->name != "IUnknown" && main_file) {
        not_from_iunknown(d);
      }
    } else if (d->base_name.empty() && is_object_interface(*d) && d->name != "IUnknown" && main_file) {
      not_from_iunknown(d);
    }
    if (is_object_interface(*d)) {
      // Without a uuid there is no IID to declare; widl accepts it for
      // plain C++ callback classes (Wine's amvideo.idl), so: a warning.
      if (!d->attrs.has("uuid") && main_file)
        m_c.diags.warning(d->loc, "[object] interface '" + std::string(d->name) + "' has no [uuid]; no IID is declared for it");
      if (d->uuid_text) {
        auto [it, inserted] = m_iids.emplace(*d->uuid_text, d);
        if (!inserted && it->second != d) {
          // Versions of one interface sharing an IID (Wine's mshtml.idl,
          // xaudio2.idl): MIDL rejects it, widl accepts it, so a warning
          // (an error with -Werror).
          m_c.diags.warning(d->attrs.find("uuid")->loc, "interface '" + std::string(d->name) + "' has the same IID as '" + std::string(it->second->name) + "'");
          m_c.diags.note(it->second->loc, "'" + std::string(it->second->name) + "' is declared here");
        }
      }
    }
    for (decl* m : d->members) {
      if (m->kind == decl_kind::function) {
        resolve_type(m->ty, m->loc);
        check_method(m, d);
      } else {
        resolve(m, main_file);
      }
    }
  }

  // The SDK uses the form for abstract C++ callback classes without IUnknown
  // (ID3DInclude, Wine's roparameterizediid.idl) and widl accepts it for any
  // interface, writing a vtable without IUnknown's slots: a warning (an
  // error with -Werror).
  void not_from_iunknown(decl* d) {
    m_c.diags.warning(d->loc, "[object] interface '" + std::string(d->name) + "' does not derive from IUnknown; its vtable has no IUnknown slots");
  }

  void check_dispinterface(decl* d, bool main_file) {
    if (!d->dispatch_of_name.empty()) {
      auto it = m_c.types.find(d->dispatch_of_name);
      if (it == m_c.types.end() || it->second->kind != decl_kind::interface)
        error(d->base_loc, "dispinterface '" + std::string(d->name) + "' names '" + std::string(d->dispatch_of_name) + "', which is not an interface");
      else
        d->dispatch_of = it->second;
    }
    if (!d->attrs.has("uuid") && main_file) error(d->loc, "dispinterface '" + std::string(d->name) + "' has no [uuid]");
    if (d->uuid_text) {
      auto [it, inserted] = m_iids.emplace(*d->uuid_text, d);
      if (!inserted && it->second != d) {
        m_c.diags.warning(d->attrs.find("uuid")->loc, "dispinterface '" + std::string(d->name) + "' has the same IID as '" + std::string(it->second->name) + "'");
      }
    }
    auto it = m_c.types.find("IDispatch");
    if (it == m_c.types.end() && main_file)
      error(d->loc, "dispinterface '" + std::string(d->name) + "' needs IDispatch (import oaidl.idl)");
    for (field* f : d->properties) resolve_type(f->ty, f->loc);
    for (decl* m : d->members) {
      resolve_type(m->ty, m->loc);
      if (m->kind == decl_kind::function) check_method(m, d);
    }
  }

  compilation& m_c;
  std::unordered_map<std::string, decl*> m_iids;
  std::unordered_set<const record*> m_resolved_records, m_checked_fields, m_reset_records;
  std::unordered_set<std::string> m_unknown_reported;
};

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::string s(text);
  while (!s.empty() && (s.back() == 'u' || s.back() == 'U' || s.back() == 'l' || s.back() == 'L')) s.pop_back();
  if (s.empty() || s.find_first_of(".eEpP") != std::string::npos) {
    if (s.size() > 1 && (s[1] == 'x' || s[1] == 'X') && s.find('.') == std::string::npos) {
    } else {
      return std::nullopt;
    }
  }
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

}  // namespace

std::optional<std::int64_t> evaluate(const compilation& c, const expr* e, int depth) {
  if (!e || depth > 200) return std::nullopt;
  switch (e->kind) {
    case expr_kind::number:
      return parse_integer(e->text);
    case expr_kind::character:
      if (e->text.size() == 3) return static_cast<unsigned char>(e->text[1]);
      return std::nullopt;
    case expr_kind::identifier: {
      if (auto it = c.enumerators.find(e->text); it != c.enumerators.end())
        return it->second->has_value ? std::optional<std::int64_t>(it->second->computed) : std::nullopt;
      if (auto it = c.consts.find(e->text); it != c.consts.end()) return evaluate(c, it->second->value, depth + 1);
      if (e->text == "TRUE") return 1;
      if (e->text == "FALSE") return 0;
      return std::nullopt;
    }
    case expr_kind::unary: {
      auto a = evaluate(c, e->a, depth + 1);
      if (!a) return std::nullopt;
      auto u = static_cast<std::uint64_t>(*a);
      if (e->text == "-") return static_cast<std::int64_t>(0 - u);
      if (e->text == "+") return a;
      if (e->text == "~") return static_cast<std::int64_t>(~u);
      if (e->text == "!") return *a == 0 ? 1 : 0;
      return std::nullopt;
    }
    case expr_kind::cast:
      return evaluate(c, e->a, depth + 1);
    case expr_kind::ternary: {
      auto cond = evaluate(c, e->a, depth + 1);
      if (!cond) return std::nullopt;
      return evaluate(c, *cond ? e->b : e->c, depth + 1);
    }
    case expr_kind::binary: {
      auto a = evaluate(c, e->a, depth + 1);
      auto b = evaluate(c, e->b, depth + 1);
      if (!a || !b) return std::nullopt;
      auto ua = static_cast<std::uint64_t>(*a), ub = static_cast<std::uint64_t>(*b);
      std::string_view op = e->text;
      if (op == "+") return static_cast<std::int64_t>(ua + ub);
      if (op == "-") return static_cast<std::int64_t>(ua - ub);
      if (op == "*") return static_cast<std::int64_t>(ua * ub);
      if (op == "/" || op == "%") {
        if (*b == 0 || (*a == INT64_MIN && *b == -1)) return std::nullopt;
        return op == "/" ? *a / *b : *a % *b;
      }
      if (op == "<<") return static_cast<std::int64_t>(ua << (ub & 63));
      if (op == ">>") return *a >> (ub & 63);
      if (op == "&") return static_cast<std::int64_t>(ua & ub);
      if (op == "|") return static_cast<std::int64_t>(ua | ub);
      if (op == "^") return static_cast<std::int64_t>(ua ^ ub);
      if (op == "&&") return (*a && *b) ? 1 : 0;
      if (op == "||") return (*a || *b) ? 1 : 0;
      if (op == "==") return *a == *b ? 1 : 0;
      if (op == "!=") return *a != *b ? 1 : 0;
      if (op == "<") return *a < *b ? 1 : 0;
      if (op == ">") return *a > *b ? 1 : 0;
      if (op == "<=") return *a <= *b ? 1 : 0;
      if (op == ">=") return *a >= *b ? 1 : 0;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

void check(compilation& c) { checker(c).run(); }

}  // namespace comkit::idl
