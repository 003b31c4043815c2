// compiler/model/build.cpp - build_model: the syntax tree of a checked
// compilation turned into the resolved model (model.h).
//
// Three passes over the declarations, imports first so a base interface
// exists before what derives from it is linked: collect every interface,
// coclass, enum and library; link bases and number the vtable slots root
// first; then resolve each method's parameters (the attribute lists become
// typed fields, and the names in size_is, length_is, iid_is and switch_is
// become parameter indexes).
#include "model/model.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <set>
#include <unordered_set>

#include "compilation.h"
#include "guid_text.h"

namespace comkit::idl::model {

const type* resolve_typedefs(const type* t) {
  for (int guard = 0; t && guard < 256; ++guard) {
    if (t->kind != type_kind::named || !t->target || t->target->kind != decl_kind::typedef_ || !t->target->ty) return t;
    t = t->target->ty;
  }
  return t;
}

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
  return named(t, "OLECHAR") || named(t, "WCHAR") || named(t, "wchar_t") ||
         (t && t->kind == type_kind::builtin && t->spelling == "wchar_t");
}

const type* pointee(const type* t) {
  t = resolve_typedefs(t);
  return t && t->kind == type_kind::pointer ? t->inner : nullptr;
}

const decl* interface_of_pointer(const type* t) {
  t = resolve_typedefs(t);
  if (!t || t->kind != type_kind::pointer) return nullptr;
  const type* p = resolve_typedefs(t->inner);
  if (!p || p->kind != type_kind::named || !p->target) return nullptr;
  const decl* d = p->target->definition ? p->target->definition : p->target;
  return d->kind == decl_kind::interface || d->kind == decl_kind::dispinterface ? d : nullptr;
}

std::vector<const interface_info*> interface_info::chain() const {
  std::vector<const interface_info*> v;
  std::unordered_set<const interface_info*> seen;
  for (const interface_info* i = this; i && seen.insert(i).second; i = i->base) v.push_back(i);
  return v;
}

bool interface_info::is_enumerator() const {
  auto find = [&](std::string_view n) -> const method* {
    for (const method& m : methods)
      if (m.name == n) return &m;
    return nullptr;
  };
  const method* next = find("Next");
  const method* skip = find("Skip");
  const method* reset = find("Reset");
  const method* clone = find("Clone");
  if (!next || !skip || !reset || !clone) return false;
  return next->params.size() == 3 && next->params[1].dir == direction::out && next->params[2].dir == direction::out &&
         skip->params.size() == 1 && reset->params.empty() && clone->params.size() == 1 &&
         interface_of_pointer(clone->params[0].ty ? resolve_typedefs(clone->params[0].ty)->inner : nullptr) == syntax;
}

const coclass_member* coclass_info::default_interface() const {
  for (const coclass_member& m : members)
    if (m.is_default && !m.source) return &m;
  for (const coclass_member& m : members)
    if (!m.source) return &m;
  return nullptr;
}

const coclass_member* coclass_info::default_source() const {
  for (const coclass_member& m : members)
    if (m.is_default && m.source) return &m;
  for (const coclass_member& m : members)
    if (m.source) return &m;
  return nullptr;
}

const interface_info* model::find_interface(std::string_view name) const {
  auto it = interface_by_name.find(name);
  return it == interface_by_name.end() ? nullptr : it->second;
}

const enum_info* model::find_enum(std::string_view name) const {
  auto it = enum_by_name.find(name);
  return it == enum_by_name.end() ? nullptr : it->second;
}

namespace {

// The text of a string literal expression, without quotes or an L prefix;
// escapes are kept as written (MIDL passes them through to the outputs).
std::optional<std::string> string_value(const expr* e) {
  if (!e || e->kind != expr_kind::string) return std::nullopt;
  std::string_view s = e->text;
  if (!s.empty() && s.front() == 'L') s.remove_prefix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return std::string(s);
}

class builder {
 public:
  explicit builder(compilation& c) : m_c(c), m_model(std::make_unique<model>()) {}

  std::unique_ptr<model> run() {
    for (decl* d : m_c.imported_items) collect(d, true, nullptr);
    for (decl* d : m_c.items) collect(d, false, nullptr);
    for (decl* d : m_c.imported_items) name_records(d);
    for (decl* d : m_c.items) name_records(d);
    m_model->items.assign(m_c.items.begin(), m_c.items.end());
    for (auto& i : m_model->interfaces) link_base(*i);
    for (auto& i : m_model->interfaces) number_slots(*i, 0);
    for (auto& k : m_model->coclasses) link_members(*k);
    return std::move(m_model);
  }

 private:
  // ---- anonymous records: the typedef that names them --------------------------------
  // The first typedef, in declaration order, whose type bottoms out in an
  // anonymous defined record names it in every output (`typedef struct
  // {...} POINT, *PPOINT;` -> POINT). Idempotent, so a cached import
  // shared by the inputs of a session gets the same names each time.
  void name_records(decl* d) {
    if (d->kind == decl_kind::typedef_) {
      const type* t = d->ty;
      while (t && t->inner && (t->kind == type_kind::pointer || t->kind == type_kind::array || t->kind == type_kind::function))
        t = t->inner;
      if (t && t->kind == type_kind::record && t->rec && t->rec->defined && t->rec->tag.empty() && t->rec->typedef_name.empty())
        t->rec->typedef_name = d->name;
      return;
    }
    if (d->kind == decl_kind::interface || d->kind == decl_kind::dispinterface || d->kind == decl_kind::library ||
        d->kind == decl_kind::module)
      for (decl* m : d->members) name_records(m);
  }

  // ---- pass 1: collect ----------------------------------------------------------------
  void collect(decl* d, bool imported, library_info* lib) {
    switch (d->kind) {
      case decl_kind::library: {
        auto l = std::make_unique<library_info>();
        l->syntax = d;
        l->name = d->name;
        l->attrs = common(d->attrs, d);
        library_info* raw = l.get();
        m_model->libraries.push_back(std::move(l));
        for (decl* m : d->members) collect(m, imported || d->imported, raw);
        break;
      }
      case decl_kind::interface:
      case decl_kind::dispinterface:
        if (d->forward) break;
        if (d->kind == decl_kind::interface && !is_object_interface(*d)) break;  // an RPC interface has no vtable
        if (m_model->interface_by_name.count(d->name)) break;
        add_interface(d, imported || d->imported, lib);
        break;
      case decl_kind::coclass:
        if (d->forward || m_coclass_names.count(d->name)) break;
        add_coclass(d, imported || d->imported, lib);
        break;
      case decl_kind::typedef_:
      case decl_kind::record:
        add_enum(d, imported || d->imported, lib);
        break;
      default:
        break;
    }
  }

  void add_interface(decl* d, bool imported, library_info* lib) {
    auto i = std::make_unique<interface_info>();
    i->syntax = d;
    i->name = d->name;
    i->imported = imported;
    i->dispinterface = d->kind == decl_kind::dispinterface;
    i->base_name = i->dispinterface ? std::string_view("IDispatch") : d->base_name;
    const attributes& a = d->attrs;
    i->dual = a.has("dual");
    i->oleautomation = a.has("oleautomation");
    i->nonextensible = a.has("nonextensible");
    i->local = a.has("local");
    i->object = a.has("object");
    i->attrs = common(a, d);
    for (const decl* m : d->members) {
      if (m->kind != decl_kind::function || !m->ty || m->ty->kind != type_kind::function) continue;
      i->methods.push_back(make_method(*m, *i));
    }
    if (lib) lib->interfaces.push_back(i.get());
    m_model->interface_by_name.emplace(i->name, i.get());
    m_model->interfaces.push_back(std::move(i));
  }

  void add_coclass(decl* d, bool imported, library_info* lib) {
    auto k = std::make_unique<coclass_info>();
    k->syntax = d;
    k->name = d->name;
    k->imported = imported;
    const attributes& a = d->attrs;
    k->attrs = common(a, d);
    k->progid = text_attr(a, "progid");
    k->version_independent_progid = text_attr(a, "vi_progid");
    k->threading = threading(a);
    k->noncreatable = a.has("noncreatable");
    k->appobject = a.has("appobject");
    k->control = a.has("control");
    k->licensed = a.has("licensed");
    k->aggregatable = a.has("aggregatable");
    for (const idl::coclass_member& cm : d->coclass_members) {
      coclass_member m;
      m.name = cm.name;
      m.is_default = cm.attrs.has("default");
      m.source = cm.attrs.has("source");
      m.restricted = cm.attrs.has("restricted");
      m.default_vtable = cm.attrs.has("defaultvtable");
      m.custom = common(cm.attrs, nullptr).custom;
      k->members.push_back(std::move(m));
    }
    m_coclass_names.insert(k->name);
    if (lib) lib->coclasses.push_back(k.get());
    m_model->coclasses.push_back(std::move(k));
  }

  void add_enum(decl* d, bool imported, library_info* lib) {
    const type* t = d->ty;
    if (!t || t->kind != type_kind::record || !t->rec || t->rec->kind != record_kind::enum_ || !t->rec->defined) return;
    const record* r = t->rec;
    if (!m_enum_records.insert(r).second) return;  // typedef enum tagX {...} X, *PX: once
    auto e = std::make_unique<enum_info>();
    e->syntax = d;
    e->rec = r;
    e->name = d->kind == decl_kind::typedef_ ? d->name : r->tag;
    e->imported = imported;
    e->v1_enum = d->attrs.has("v1_enum");
    e->attrs = common(d->attrs, d);
    for (const enumerator* en : r->enumerators) e->values.push_back({en->name, en->computed});
    e->flags = looks_like_flags(e->values);
    if (lib) lib->enums.push_back(e.get());
    if (!e->name.empty()) m_model->enum_by_name.emplace(e->name, e.get());
    m_model->enums.push_back(std::move(e));
  }

  static bool looks_like_flags(const std::vector<enum_value>& values) {
    std::set<std::int64_t> bits;
    std::int64_t all = 0;
    for (const enum_value& v : values) {
      if (v.value < 0) return false;
      if (v.value != 0 && std::has_single_bit(static_cast<std::uint64_t>(v.value))) {
        bits.insert(v.value);
        all |= v.value;
      }
    }
    if (bits.size() < 3) return false;
    for (const enum_value& v : values) {
      if (v.value != 0 && (v.value & ~all) != 0) return false;  // a value that is not a combination of the bits
    }
    // Plain counting (0, 1, 2, 3, 4 ...) has values that are combinations too;
    // a flag set has no gaps filled by consecutive non-bit values.
    std::int64_t combos = 0;
    for (const enum_value& v : values)
      if (v.value != 0 && !std::has_single_bit(static_cast<std::uint64_t>(v.value))) ++combos;
    return combos * 2 <= static_cast<std::int64_t>(bits.size());
  }

  // ---- pass 2: bases and slots ---------------------------------------------------------
  void link_base(interface_info& i) {
    const decl* d = i.syntax;
    const decl* base = i.dispinterface ? nullptr : d->base;
    std::string_view name = base ? base->name : i.base_name;
    if (name.empty()) return;
    i.base = m_model->find_interface(name);
  }

  // A base outside the model (the checker reported it) counts as no slots.
  int number_slots(interface_info& i, int depth) {
    if (i.slot_count || depth > 256) return i.slot_count;
    int first = 0;
    if (i.dispinterface) first = 7;  // IDispatch's vtable; the methods are reached by DISPID
    else if (i.base) first = number_slots(*m_model->interface_by_name.at(i.base->name), depth + 1);
    i.first_slot = first;
    int slot = first;
    for (method& m : i.methods) {
      if (i.dispinterface || m.call_as) continue;
      m.slot = slot++;
    }
    i.slot_count = slot;
    return slot;
  }

  void link_members(coclass_info& k) {
    for (coclass_member& m : k.members) m.iface = m_model->find_interface(m.name);
  }

  // ---- pass 3: methods and parameters -------------------------------------------------
  method make_method(const decl& m, const interface_info& owner) {
    method out;
    out.syntax = &m;
    out.name = m.name;
    out.result = m.ty->inner;
    const attributes& a = m.attrs;
    if (a.has("propget")) out.property = property_kind::get;
    else if (a.has("propputref")) out.property = property_kind::putref;
    else if (a.has("propput")) out.property = property_kind::put;
    static constexpr std::string_view prefix[] = {"", "get_", "put_", "putref_"};
    out.abi_name = std::string(prefix[static_cast<int>(out.property)]) + std::string(m.name);
    if (const attribute* id = a.find("id"); id && !id->args.empty()) {
      if (auto v = evaluate(m_c, id->args[0].value)) out.dispid = static_cast<std::int32_t>(*v);
    }
    out.local = a.has("local");
    out.vararg = a.has("vararg");
    out.source = a.has("source");
    if (const attribute* ca = a.find("call_as"); ca && !ca->args.empty() && ca->args[0].value) {
      out.call_as = true;
      out.call_as_target = ca->args[0].value->text;
    }
    out.attrs = common(a, &m);
    const type* fn = m.ty;
    for (const param* p : fn->params) out.params.push_back(make_parameter(*p));
    bind_parameters(out, owner);
    return out;
  }

  parameter make_parameter(const param& p) {
    parameter out;
    out.syntax = &p;
    out.name = p.name;
    out.ty = p.ty;
    const attributes& a = p.attrs;
    const bool in = a.has("in"), o = a.has("out");
    out.dir = o ? (in ? direction::in_out : direction::out) : direction::in;
    out.retval = a.has("retval");
    out.lcid = a.has("lcid");
    out.optional = a.has("optional");
    out.string = a.has("string");
    if (a.has("ref")) out.pointer = pointer_kind::ref;
    else if (a.has("unique")) out.pointer = pointer_kind::unique;
    else if (a.has("ptr")) out.pointer = pointer_kind::ptr;
    if (const attribute* dv = a.find("defaultvalue"); dv && !dv->args.empty()) out.default_value = dv->args[0].value;
    if (const attribute* st = a.find("switch_type"); st && !st->args.empty()) out.switch_type = st->args[0].ty;
    return out;
  }

  // size_is(, *n) and friends, bound to the parameters they name.
  void bind_parameters(method& m, const interface_info& owner) {
    auto index_of = [&](std::string_view name) -> int {
      for (std::size_t i = 0; i < m.params.size(); ++i)
        if (m.params[i].name == name) return static_cast<int>(i);
      return -1;
    };
    auto bind = [&](const expr* e) {
      bound_value b;
      if (!e || e->kind == expr_kind::empty) return b;
      b.text = e;
      const expr* x = e;
      if (x->kind == expr_kind::unary && x->text == "*" && x->a) {
        b.dereferenced = true;
        x = x->a;
      }
      if (x->kind == expr_kind::identifier) b.index = index_of(x->text);
      if (b.index < 0) {
        b.dereferenced = false;
        b.constant = evaluate(m_c, e);
      }
      return b;
    };
    auto bind_list = [&](const attributes& a, std::string_view name) {
      std::vector<bound_value> v;
      if (const attribute* at = a.find(name))
        for (const attr_arg& arg : at->args) v.push_back(bind(arg.value));
      return v;
    };
    for (std::size_t i = 0; i < m.params.size(); ++i) {
      parameter& p = m.params[i];
      const attributes& a = p.syntax->attrs;
      p.size_is = bind_list(a, "size_is");
      p.length_is = bind_list(a, "length_is");
      p.max_is = bind_list(a, "max_is");
      p.first_is = bind_list(a, "first_is");
      p.last_is = bind_list(a, "last_is");
      if (const attribute* at = a.find("iid_is"); at && !at->args.empty()) p.iid_is = bind(at->args[0].value);
      if (const attribute* at = a.find("switch_is"); at && !at->args.empty()) p.switch_is = bind(at->args[0].value);
      // [retval] counts only where the checker said it does: the last
      // parameter, and [out] (otherwise it warned and it is ignored).
      if (p.retval && (p.dir == direction::in || i + 1 != m.params.size())) p.retval = false;
      if (p.retval) m.retval = static_cast<int>(i);
      if (p.default_value && p.dir != direction::in) {
        m_c.diags.warning(p.syntax->loc, "[defaultvalue] on [out] parameter '" + std::string(p.name) + "' of '" +
                                             std::string(owner.name) + "::" + std::string(m.name) + "' is ignored");
        p.default_value = nullptr;
      }
    }
    for (std::size_t i = 0; i < m.params.size(); ++i) {
      for (const auto* list : {&m.params[i].size_is, &m.params[i].length_is, &m.params[i].max_is}) {
        for (const bound_value& b : *list)
          if (b.index >= 0) add_unique(m.params[static_cast<std::size_t>(b.index)].counts_for, static_cast<int>(i));
      }
      if (m.params[i].iid_is.index >= 0) add_unique(m.params[static_cast<std::size_t>(m.params[i].iid_is.index)].iid_for, static_cast<int>(i));
    }
  }

  static void add_unique(std::vector<int>& v, int x) {
    if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
  }

  // ---- attributes ----------------------------------------------------------------------
  common_attributes common(const attributes& a, const decl* d) {
    common_attributes c;
    if (d && d->uuid_text) c.uuid = *d->uuid_text;
    c.helpstring = text_attr(a, "helpstring");
    c.helpfile = text_attr(a, "helpfile");
    c.helpcontext = number_attr(a, "helpcontext");
    c.helpstringcontext = number_attr(a, "helpstringcontext");
    c.lcid = number_attr(a, "lcid");
    c.hidden = a.has("hidden");
    c.restricted = a.has("restricted");
    if (const attribute* v = a.find("version"); v && !v->args.empty() && v->args[0].value) {
      const std::string_view t = v->args[0].value->text;
      const std::size_t dot = t.find('.');
      auto num = [](std::string_view s) {
        std::uint32_t n = 0;
        for (char ch : s) {
          if (ch < '0' || ch > '9') break;
          n = n * 10 + static_cast<std::uint32_t>(ch - '0');
          if (n > 0xFFFF) return std::uint16_t{0xFFFF};
        }
        return static_cast<std::uint16_t>(n);
      };
      c.version = {num(t.substr(0, dot)), dot == std::string_view::npos ? std::uint16_t{0} : num(t.substr(dot + 1))};
    }
    for (const attribute& at : a.list) {
      if (at.name != "custom" || at.args.size() < 2) continue;
      std::string g = at.args[0].raw;
      if (g.empty()) g = string_value(at.args[0].value).value_or("");
      if (auto norm = normalize_guid(g)) c.custom.emplace_back(*norm, at.args[1].value);
    }
    return c;
  }

  std::optional<std::string> text_attr(const attributes& a, std::string_view name) {
    const attribute* at = a.find(name);
    if (!at || at->args.empty()) return std::nullopt;
    return string_value(at->args[0].value);
  }

  std::optional<std::uint32_t> number_attr(const attributes& a, std::string_view name) {
    const attribute* at = a.find(name);
    if (!at || at->args.empty() || !at->args[0].value) return std::nullopt;
    auto v = evaluate(m_c, at->args[0].value);
    if (!v) return std::nullopt;
    return static_cast<std::uint32_t>(*v);
  }

  // threading(apartment) and friends: the word as written, lower case.
  static std::optional<std::string> threading(const attributes& a) {
    const attribute* at = a.find("threading");
    if (!at || at->args.empty() || !at->args[0].value) return std::nullopt;
    std::string s(at->args[0].value->text);
    if (auto str = string_value(at->args[0].value)) s = *str;
    for (char& ch : s)
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return s;
  }

  compilation& m_c;
  std::unique_ptr<model> m_model;
  std::unordered_set<std::string_view> m_coclass_names;
  std::unordered_set<const record*> m_enum_records;
};

}  // namespace

std::unique_ptr<model> build_model(compilation& c) { return builder(c).run(); }

}  // namespace comkit::idl::model
