// compiler/emit/typelib/typelib.cpp - the type library (<base>.tlb) of a
// `library` block: the model turned into comkit::typelib::library and
// written by the runtime's one MSFT writer.
//
// What goes in, and in which order, follows MIDL as widl documents it: the
// library block's statements in order; an interface's local base before it;
// a coclass before the interfaces it lists; a type a signature names when
// it is first met. A name found in an importlib'd library is imported from
// it (by GUID); anything else the library uses that an imported IDL file
// defines becomes a type of this library.
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>

#include "emit/emit.h"
#include "emit/typelib/typelib_emit.h"
#include "guid_text.h"
#include "embedded.h"
#include "typelib_data.h"

namespace comkit::idl {
namespace {

namespace tl = comkit::typelib;
using model::direction;
using model::property_kind;

// A string literal's body with its C escapes resolved (\n, \t, \\, \",
// octal and \x): a type library stores the text itself. Names have none.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'x': {
        unsigned v = 0;
        int digits = 0;
        while (i + 1 < s.size() && digits < 2 && std::isxdigit(static_cast<unsigned char>(s[i + 1]))) {
          const char h = s[++i];
          v = v * 16 + static_cast<unsigned>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
          ++digits;
        }
        out += static_cast<char>(v);
        break;
      }
      default:
        if (c >= '0' && c <= '7') {
          unsigned v = static_cast<unsigned>(c - '0');
          for (int k = 0; k < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++k) v = v * 8 + static_cast<unsigned>(s[++i] - '0');
          out += static_cast<char>(v);
        } else {
          out += c;  // \\, \", \' and anything else: the character itself
        }
    }
  }
  return out;
}

std::u16string u16(std::string_view text) {  // a name, or a string literal's body (escapes resolved)
  const std::string s = unescape(text);
  std::u16string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char16_t>(c);
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
      out += static_cast<char16_t>(((c & 0x1F) << 6) | (s[++i] & 0x3F));
    } else if ((c & 0xF0) == 0xE0 && i + 2 < s.size()) {
      const unsigned v = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
      out += static_cast<char16_t>(v);
      i += 2;
    } else {
      out += static_cast<char16_t>(c);
    }
  }
  return out;
}

GUID guid_of(const std::string& text) {
  GUID g{};
  if (const auto p = parse_guid_text(text)) {
    g.Data1 = p->data1;
    g.Data2 = p->data2;
    g.Data3 = p->data3;
    std::memcpy(g.Data4, p->data4, 8);
  }
  return g;
}

struct import_entry {
  std::uint32_t file;
  GUID guid;
  std::int32_t index;
  TYPEKIND kind;
};

// stdole2.tlb's identity and the types of it an IDL refers to by name,
// when no stdole2.tlb file is on the search path.
constexpr GUID stdole2_libid = {0x00020430, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
struct known_type {
  const char* name;
  GUID guid;
  TYPEKIND kind;
};
const known_type stdole2_types[] = {
    {"IUnknown", {0x00000000, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}}, TKIND_INTERFACE},
    {"IDispatch", {0x00020400, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}}, TKIND_INTERFACE},
    {"IEnumVARIANT", {0x00020404, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}}, TKIND_INTERFACE},
    {"IFont", {0xBEF6E002, 0xA874, 0x101A, {0x8B, 0xBA, 0x00, 0xAA, 0x00, 0x30, 0x0C, 0xAB}}, TKIND_INTERFACE},
    {"IPicture", {0x7BF80980, 0xBF32, 0x101A, {0x8B, 0xBB, 0x00, 0xAA, 0x00, 0x30, 0x0C, 0xAB}}, TKIND_INTERFACE},
    {"Font", {0xBEF6E003, 0xA874, 0x101A, {0x8B, 0xBA, 0x00, 0xAA, 0x00, 0x30, 0x0C, 0xAB}}, TKIND_DISPATCH},
    {"Picture", {0x7BF80981, 0xBF32, 0x101A, {0x8B, 0xBB, 0x00, 0xAA, 0x00, 0x30, 0x0C, 0xAB}}, TKIND_DISPATCH},
    {"StdFont", {0x0BE35203, 0x8F91, 0x11CE, {0x9D, 0xE3, 0x00, 0xAA, 0x00, 0x4B, 0xB8, 0x51}}, TKIND_COCLASS},
    {"StdPicture", {0x0BE35204, 0x8F91, 0x11CE, {0x9D, 0xE3, 0x00, 0xAA, 0x00, 0x4B, 0xB8, 0x51}}, TKIND_COCLASS},
};

class builder {
 public:
  builder(const model::model& m, const typelib_options& o) : m_(m), o_(o) {
    ptr_ = o.syskind == SYS_WIN64 ? 8 : 4;
    lib_.syskind = o.syskind;
  }

  tl::library run(const model::library_info& L) {
    const decl& d = *L.syntax;
    lib_.d.name = u16(L.name);
    if (L.attrs.uuid) lib_.guid = guid_of(*L.attrs.uuid);
    if (L.attrs.version) lib_.major = L.attrs.version->first, lib_.minor = L.attrs.version->second;
    lib_.lcid = L.attrs.lcid.value_or(0);
    doc(lib_.d, L.attrs);
    if (L.attrs.helpfile) lib_.helpfile = u16(*L.attrs.helpfile);
    if (auto s = text(d.attrs, "helpstringdll")) lib_.helpstringdll = u16(*s);
    if (d.attrs.has("restricted")) lib_.flags |= LIBFLAG_FRESTRICTED;
    if (d.attrs.has("control")) lib_.flags |= LIBFLAG_FCONTROL;
    if (d.attrs.has("hidden")) lib_.flags |= LIBFLAG_FHIDDEN;
    for (const decl* s : d.members)
      if (s->kind == decl_kind::importlib) importlib(*s);
    for (const decl* s : d.members) statement(*s);
    return std::move(lib_);
  }

 private:
  [[noreturn]] void fail(location loc, std::string message) { throw typelib_error{loc, std::move(message)}; }

  static std::optional<std::string> text(const attributes& a, std::string_view name) {
    const attribute* at = a.find(name);
    if (!at || at->args.empty() || !at->args[0].value || at->args[0].value->kind != expr_kind::string) return std::nullopt;
    std::string_view s = at->args[0].value->text;
    if (!s.empty() && s.front() == 'L') s.remove_prefix(1);
    if (s.size() >= 2) s = s.substr(1, s.size() - 2);
    return std::string(s);
  }

  void doc(tl::doc& out, const model::common_attributes& a) {
    if (a.helpstring) out.helpstring = u16(*a.helpstring);
    out.helpcontext = a.helpcontext.value_or(0);
    out.helpstringcontext = a.helpstringcontext.value_or(0);
    for (const auto& [g, e] : a.custom) {
      tl::cust_item c;
      c.guid = guid_of(g);
      c.val = constant(e, VT_I4);
      out.custom.push_back(std::move(c));
    }
  }

  // ---- constants -----------------------------------------------------------
  std::optional<double> number(const expr* e) {
    if (!e) return std::nullopt;
    switch (e->kind) {
      case expr_kind::number: {
        const std::string t(e->text);
        char* end = nullptr;
        if (t.find_first_of(".eE") != std::string::npos && t.rfind("0x", 0) != 0) return std::strtod(t.c_str(), &end);
        return static_cast<double>(std::strtoull(t.c_str(), &end, 0));
      }
      case expr_kind::unary: {
        auto v = number(e->a);
        if (!v) return std::nullopt;
        if (e->text == "-") return -*v;
        if (e->text == "+") return *v;
        if (e->text == "~") return static_cast<double>(~static_cast<std::int64_t>(*v));
        return std::nullopt;
      }
      case expr_kind::cast: return number(e->a);
      case expr_kind::character:
        return e->text.size() >= 3 ? static_cast<double>(static_cast<unsigned char>(e->text[1])) : 0.0;
      default: {
        // Consts, enumerators and operators, as the checker evaluates them.
        if (o_.evaluate)
          if (const auto v = o_.evaluate(e)) return static_cast<double>(*v);
        if (e->kind == expr_kind::identifier) {
          for (const auto& en : m_.enums)
            for (const model::enum_value& v : en->values)
              if (v.name == e->text) return static_cast<double>(v.value);
          if (e->text == "NULL" || e->text == "FALSE") return 0.0;
          if (e->text == "TRUE") return 1.0;
        }
        return std::nullopt;
      }
    }
  }

  tl::value constant(const expr* e, VARTYPE integer_vt) {
    tl::value v;
    if (e && e->kind == expr_kind::string) {
      std::string_view s = e->text;
      if (!s.empty() && s.front() == 'L') s.remove_prefix(1);
      if (s.size() >= 2) s = s.substr(1, s.size() - 2);
      v.vt = VT_BSTR;
      v.s = u16(s);
      return v;
    }
    const auto n = number(e);
    if (!n) fail(e ? e->loc : location{}, "a type library needs a constant here");
    const bool real = e->kind == expr_kind::number && std::string_view(e->text).find_first_of(".eE") != std::string_view::npos &&
                      std::string_view(e->text).rfind("0x", 0) != 0;
    if (integer_vt == VT_R4 || integer_vt == VT_R8 || real) {
      v.vt = integer_vt == VT_R8 ? VT_R8 : VT_R4;
      v.r = *n;
    } else {
      v.vt = integer_vt;
      v.i = static_cast<std::int64_t>(*n);
    }
    return v;
  }

  // A default value that is not a constant the library can store is left
  // out (the parameter stays optional), with a warning.
  std::optional<tl::value> try_constant(const expr* e, VARTYPE vt) {
    try {
      return constant(e, vt);
    } catch (const typelib_error& error) {
      warnings_.push_back({error.loc, "the type library leaves this default value out: it is not a constant it can store"});
      return std::nullopt;
    }
  }

 public:
  std::vector<typelib_error> warnings_;

 private:
  // ---- imports -------------------------------------------------------------
  void importlib(const decl& s) {
    tl::library imported;
    bool found = false;
    for (const std::string& dir : o_.search_dirs) {
      const std::string path = (dir.empty() ? std::string() : dir + "/") + s.text;
      if (auto data = o_.reader ? o_.reader(path) : std::nullopt) {
        const auto* p = reinterpret_cast<const std::uint8_t*>(data->data());
        if (tl::read_msft({p, data->size()}, imported) != S_OK) fail(s.loc, "'" + path + "' is not a type library comkit can read");
        found = true;
        break;
      }
    }
    const std::uint32_t file = static_cast<std::uint32_t>(lib_.imports.size());
    tl::import_file f;
    f.filename = u16(s.text);
    f.lcid = lib_.lcid;
    if (found) {
      f.guid = imported.guid;
      f.major = imported.major;
      f.minor = imported.minor;
      for (std::size_t i = 0; i < imported.types.size(); ++i) {
        const tl::type_data& t = imported.types[i];
        importable_.emplace(tl::to_utf8(t.d.name), import_entry{file, t.guid, static_cast<std::int32_t>(i), t.kind});
      }
    } else if (s.text == "stdole2.tlb" || s.text == "stdole32.tlb") {
      f.guid = stdole2_libid;
      f.major = s.text == "stdole2.tlb" ? 2 : 1;
      for (const known_type& k : stdole2_types) importable_.emplace(k.name, import_entry{file, k.guid, -1, k.kind});
    } else {
      fail(s.loc, "cannot find the type library '" + s.text + "' (importlib): add its directory with -I");
    }
    lib_.imports.push_back(std::move(f));
  }

  std::optional<tl::href> imported_ref(std::string_view name) {
    auto it = importable_.find(std::string(name));
    if (it == importable_.end()) return std::nullopt;
    const import_entry& e = it->second;
    for (std::uint32_t i = 0; i < lib_.imported_types.size(); ++i) {
      const tl::imported_type& t = lib_.imported_types[i];
      if (t.file == e.file && t.guid == e.guid && (e.guid != GUID{} || t.index == e.index)) return tl::href{tl::href::imported, i};
    }
    tl::imported_type t;
    t.file = e.file;
    t.guid = e.guid;
    t.index = e.index;
    t.kind = e.kind;
    lib_.imported_types.push_back(t);
    return tl::href{tl::href::imported, static_cast<std::uint32_t>(lib_.imported_types.size() - 1)};
  }

  // IDispatch as this library refers to it (a dispinterface's base).
  tl::href dispatch_ref(location loc) {
    if (auto local = local_index.find("IDispatch"); local != local_index.end()) return {tl::href::local, local->second};
    if (auto r = imported_ref("IDispatch")) return *r;
    fail(loc, "a dispinterface or dual interface needs importlib(\"stdole2.tlb\")");
  }

  // ---- statements ------------------------------------------------------------
  void statement(const decl& s) {
    switch (s.kind) {
      // `interface I;` in a library block asks for I in the library (MIDL
      // and widl include its definition, wherever it is).
      case decl_kind::interface:
      case decl_kind::dispinterface:
        interface(s.name, s.loc);
        break;
      case decl_kind::coclass:
        if (!s.forward) coclass(s);
        else if (s.definition) coclass(*s.definition);
        break;
      case decl_kind::typedef_:
        typedef_decl(s);
        break;
      case decl_kind::record:
        if (s.ty && s.ty->rec) record_type(s.ty->rec, s.ty->rec->tag, nullptr);
        break;
      case decl_kind::module:
        module(s);
        break;
      default:
        break;
    }
  }

  // A new type slot, reserved before its contents are built (they may add
  // more types, which come after it).
  std::uint32_t reserve(std::string_view name) {
    const auto index = static_cast<std::uint32_t>(lib_.types.size());
    lib_.types.emplace_back();
    lib_.types.back().d.name = u16(name);
    local_index.emplace(std::string(name), index);
    return index;
  }

  WORD type_flags(const attributes& a) {
    WORD f = 0;
    if (a.has("hidden")) f |= TYPEFLAG_FHIDDEN;
    if (a.has("restricted")) f |= TYPEFLAG_FRESTRICTED;
    if (a.has("nonextensible")) f |= TYPEFLAG_FNONEXTENSIBLE;
    if (a.has("oleautomation")) f |= TYPEFLAG_FOLEAUTOMATION;
    if (a.has("dual")) f |= TYPEFLAG_FDUAL | TYPEFLAG_FOLEAUTOMATION;
    if (a.has("appobject")) f |= TYPEFLAG_FAPPOBJECT;
    if (a.has("licensed")) f |= TYPEFLAG_FLICENSED;
    if (a.has("control")) f |= TYPEFLAG_FCONTROL;
    if (a.has("aggregatable")) f |= TYPEFLAG_FAGGREGATABLE;
    if (a.has("replaceable")) f |= TYPEFLAG_FREPLACEABLE;
    if (a.has("proxy")) f |= TYPEFLAG_FPROXY;
    if (a.has("predeclid")) f |= TYPEFLAG_FPREDECLID;
    return f;
  }

  // The vtable slots of an interface and everything below it: the methods a
  // type info lists (not [local] ones) for this library's own, every slot
  // for an imported base.
  int vtable_count(const model::interface_info* i) {
    int n = 0;
    for (; i; i = i->base) {
      if (i->imported) return n + i->slot_count;  // an imported base counts every slot its objects have
      for (const model::method& m : i->methods) n += !m.local && !m.call_as;
    }
    return n;
  }
  int inherited_count(const model::interface_info& i) {
    // An imported base counts every slot (its [local] methods are in the
    // vtable the object has); a base of this library counts what its
    // type info lists.
    if (i.base && i.base->imported) return i.first_slot;
    if (i.base) return vtable_count(i.base);
    if (i.base_name == "IDispatch") return 7;
    if (i.base_name == "IUnknown") return 3;
    return 0;
  }
  int levels(const model::interface_info& i) {
    int n = 0;
    for (const model::interface_info* b = i.base; b; b = b->base) ++n;
    if (!i.base && !i.base_name.empty()) n = i.base_name == "IDispatch" ? 2 : 1;
    else if (n && !i.base->base && i.base->base_name == "IDispatch") ++n;
    return n;
  }

  // An interface by name: local (added now if need be) or imported.
  tl::href interface(std::string_view name, location loc) {
    if (auto it = local_index.find(std::string(name)); it != local_index.end()) return {tl::href::local, it->second};
    const model::interface_info* i = m_.find_interface(name);
    const bool from_imported_idl = !i || i->imported;
    if (from_imported_idl)
      if (auto r = imported_ref(name)) return *r;
    if (!i) {
      // Only forward-declared here (defined in a file this one does not
      // import): an empty interface of that name stands for it.
      warnings_.push_back({loc, "the type library describes '" + std::string(name) + "' as an empty interface: it is not defined here"});
      const std::uint32_t index = reserve(name);
      tl::type_data& t = lib_.types[index];
      t.kind = TKIND_INTERFACE;
      t.size = static_cast<std::uint32_t>(ptr_);
      t.alignment = static_cast<WORD>(ptr_);
      return {tl::href::local, index};
    }
    // A local base comes first.
    if (!i->dispinterface && i->base && !(i->base->imported && importable_.count(std::string(i->base->name)))) interface(i->base->name, loc);
    const std::uint32_t index = reserve(name);
    tl::type_data t;
    t.d.name = u16(name);
    const attributes& a = i->syntax->attrs;
    if (i->attrs.uuid) t.guid = guid_of(*i->attrs.uuid);
    if (i->attrs.version) t.major = i->attrs.version->first, t.minor = i->attrs.version->second;
    doc(t.d, i->attrs);
    t.flags = type_flags(a);
    t.size = static_cast<std::uint32_t>(ptr_);
    t.alignment = static_cast<WORD>(ptr_);
    bool dispatchable = i->dispinterface;
    for (const model::interface_info* b = i; b; b = b->base)
      if (b->base_name == "IDispatch") dispatchable = true;
    if (dispatchable) t.flags |= TYPEFLAG_FDISPATCHABLE;
    if (i->dispinterface) {
      t.kind = TKIND_DISPATCH;
      if (i->syntax->dispatch_of || !i->syntax->dispatch_of_name.empty()) {
        // dispinterface D { interface I; }: I's methods through IDispatch.
        const std::string_view of = i->syntax->dispatch_of ? i->syntax->dispatch_of->name : i->syntax->dispatch_of_name;
        t.impls.push_back({interface(of, loc), 0});
        const model::interface_info* wrapped = m_.find_interface(of);
        const int own = wrapped ? vtable_count(wrapped) - vtable_count(wrapped->base) : 0;
        t.size_vft = static_cast<WORD>(((wrapped ? inherited_count(*wrapped) : 7) + own) * ptr_);
      } else {
        dispatch_ref(loc);
        dispinterface_members(*i, t);
      }
    } else {
      t.kind = i->dual ? TKIND_DISPATCH : TKIND_INTERFACE;
      if (i->dual) dispatch_ref(loc);
      if (i->base) t.impls.push_back({interface(i->base->name, loc), 0});
      else if (!i->base_name.empty()) t.impls.push_back({interface(i->base_name, loc), 0});
      const int inherited = inherited_count(*i);
      const int level = levels(*i);
      int n = 0;
      for (const model::method& m : i->methods) {
        if (m.local || m.call_as) continue;
        tl::func_data f = function(m, t, FUNC_PUREVIRTUAL, 0x60000000 | (level << 16) | n);
        f.ovft = static_cast<SHORT>((inherited + n) * ptr_);
        t.funcs.push_back(std::move(f));
        ++n;
      }
      t.size_vft = static_cast<WORD>((inherited + n) * ptr_);
    }
    lib_.types[index] = std::move(t);
    return {tl::href::local, index};
  }

  void dispinterface_members(const model::interface_info& i, tl::type_data& t) {
    int index = 0;
    for (const field* p : i.syntax->properties) {
      tl::var_data v;
      v.d.name = u16(p->name);
      v.varkind = VAR_DISPATCH;
      v.type = desc(p->ty, p->loc);
      const attribute* id = p->attrs.find("id");
      v.memid = id && !id->args.empty() ? static_cast<MEMBERID>(number(id->args[0].value).value_or(0)) : 0x40000000 + index;
      if (p->attrs.has("readonly")) v.flags |= VARFLAG_FREADONLY;
      if (p->attrs.has("hidden")) v.flags |= VARFLAG_FHIDDEN;
      if (p->attrs.has("restricted")) v.flags |= VARFLAG_FRESTRICTED;
      if (p->attrs.has("bindable")) v.flags |= VARFLAG_FBINDABLE;
      if (p->attrs.has("source")) v.flags |= VARFLAG_FSOURCE;
      if (auto h = text(p->attrs, "helpstring")) v.d.helpstring = u16(*h);
      t.vars.push_back(std::move(v));
      ++index;
    }
    int n = 0;
    for (const model::method& m : i.methods) {
      tl::func_data f = function(m, t, FUNC_DISPATCH, 0x60000000 | n);
      f.ovft = static_cast<SHORT>(n * ptr_);
      t.funcs.push_back(std::move(f));
      ++n;
    }
    t.size_vft = static_cast<WORD>(n * ptr_);
  }

  WORD func_flags(const attributes& a) {
    WORD f = 0;
    const std::pair<const char*, WORD> names[] = {
        {"restricted", FUNCFLAG_FRESTRICTED}, {"source", FUNCFLAG_FSOURCE}, {"bindable", FUNCFLAG_FBINDABLE},
        {"requestedit", FUNCFLAG_FREQUESTEDIT}, {"displaybind", FUNCFLAG_FDISPLAYBIND}, {"defaultbind", FUNCFLAG_FDEFAULTBIND},
        {"hidden", FUNCFLAG_FHIDDEN}, {"usesgetlasterror", FUNCFLAG_FUSESGETLASTERROR}, {"defaultcollelem", FUNCFLAG_FDEFAULTCOLLELEM},
        {"uidefault", FUNCFLAG_FUIDEFAULT}, {"nonbrowsable", FUNCFLAG_FNONBROWSABLE}, {"replaceable", FUNCFLAG_FREPLACEABLE},
        {"immediatebind", FUNCFLAG_FIMMEDIATEBIND}};
    for (const auto& [name, bit] : names)
      if (a.has(name)) f |= bit;
    return f;
  }

  tl::func_data function(const model::method& m, const tl::type_data& owner, FUNCKIND kind, MEMBERID default_id) {
    tl::func_data f;
    f.d.name = u16(m.name);
    f.funckind = kind;
    f.callconv = CC_STDCALL;
    f.invkind = m.property == property_kind::get ? INVOKE_PROPERTYGET
                : m.property == property_kind::put ? INVOKE_PROPERTYPUT
                : m.property == property_kind::putref ? INVOKE_PROPERTYPUTREF
                : INVOKE_FUNC;
    f.memid = m.dispid ? *m.dispid : default_id;
    if (!m.dispid)
      for (const tl::func_data& other : owner.funcs)
        if (other.d.name == f.d.name) f.memid = other.memid;  // a property's accessors share one id
    f.flags = func_flags(m.syntax->attrs);
    doc(f.d, m.attrs);
    f.result = desc(m.result, m.syntax->loc);
    for (std::size_t k = 0; k < m.params.size(); ++k) {
      const model::parameter& p = m.params[k];
      tl::param_data pd;
      const bool last_put = k + 1 == m.params.size() && (m.property == property_kind::put || m.property == property_kind::putref);
      if (!last_put) pd.name = u16(p.name);
      pd.type = desc(p.ty, p.syntax->loc);
      // As MIDL writes them: only the directions written ([in] is not
      // implied in a type library).
      if (p.syntax->attrs.has("in")) pd.flags |= PARAMFLAG_FIN;
      if (p.syntax->attrs.has("out")) pd.flags |= PARAMFLAG_FOUT;
      if (p.lcid) pd.flags |= PARAMFLAG_FLCID;
      if (p.syntax->attrs.has("retval")) pd.flags |= PARAMFLAG_FRETVAL;
      if (p.optional) {
        pd.flags |= PARAMFLAG_FOPT;
        if (!p.default_value) ++f.params_opt;  // cParamsOpt counts the optional parameters without a default
      }
      if (p.default_value) {
        if (auto v = try_constant(p.default_value, default_vt(pd.type))) {
          pd.flags |= PARAMFLAG_FOPT | PARAMFLAG_FHASDEFAULT;
          pd.default_value = std::move(*v);
        } else {
          pd.flags |= PARAMFLAG_FOPT;
        }
      }
      for (const attribute& at : p.syntax->attrs.list) {
        if (at.name != "custom" || at.args.size() < 2) continue;
        tl::cust_item c;
        std::string g = at.args[0].raw;
        if (g.empty()) g = text(p.syntax->attrs, "custom").value_or("");
        c.guid = guid_of(g);
        c.val = constant(at.args[1].value, VT_I4);
        pd.custom.push_back(std::move(c));
      }
      f.params.push_back(std::move(pd));
    }
    if (m.vararg) f.params_opt = -1;
    return f;
  }

  // The VARTYPE a default value is stored as (widl's choice).
  VARTYPE default_vt(const tl::type_desc& t) {
    const tl::type_desc* at = &t;
    if (at->vt == VT_PTR && at->inner) at = at->inner.get();
    switch (at->vt) {
      case VT_I1: case VT_I2: case VT_I4: case VT_UI1: case VT_UI2: case VT_UI4: case VT_INT: case VT_UINT:
      case VT_BOOL: case VT_HRESULT: case VT_R4: case VT_R8: case VT_I8: case VT_UI8: case VT_ERROR:
        return at->vt == VT_I8 || at->vt == VT_UI8 ? VARTYPE{VT_I4} : at->vt;
      default: return VT_I4;
    }
  }

  // ---- coclasses ---------------------------------------------------------------
  void coclass(const decl& s) {
    if (local_index.count(std::string(s.name))) return;
    const model::coclass_info* k = nullptr;
    for (const auto& c : m_.coclasses)
      if (c->syntax == &s || c->name == s.name) k = c.get();
    if (!k) return;
    const std::uint32_t index = reserve(s.name);
    tl::type_data t;
    t.kind = TKIND_COCLASS;
    t.d.name = u16(s.name);
    if (k->attrs.uuid) t.guid = guid_of(*k->attrs.uuid);
    if (k->attrs.version) t.major = k->attrs.version->first, t.minor = k->attrs.version->second;
    doc(t.d, k->attrs);
    t.flags = type_flags(s.attrs);
    if (!k->noncreatable) t.flags |= TYPEFLAG_FCANCREATE;
    t.size = static_cast<std::uint32_t>(ptr_);
    t.alignment = 4;
    bool default_in = false, default_out = false;
    for (const model::coclass_member& cm : k->members) {
      if (cm.is_default && cm.source) default_out = true;
      if (cm.is_default && !cm.source) default_in = true;
    }
    for (const model::coclass_member& cm : k->members) {
      tl::impl_type it;
      it.ref = interface(cm.name, s.loc);
      if (cm.is_default) it.flags |= IMPLTYPEFLAG_FDEFAULT;
      if (cm.source) it.flags |= IMPLTYPEFLAG_FSOURCE;
      if (cm.restricted) it.flags |= IMPLTYPEFLAG_FRESTRICTED;
      if (cm.default_vtable) it.flags |= IMPLTYPEFLAG_FDEFAULTVTABLE;
      for (const auto& [g, e] : cm.custom) it.custom.push_back({guid_of(g), constant(e, VT_I4)});
      // MIDL's default: the first listed that is neither restricted nor
      // [default] elsewhere, incoming and outgoing separately.
      if (!cm.restricted && !cm.source && !default_in) it.flags |= IMPLTYPEFLAG_FDEFAULT, default_in = true;
      if (!cm.restricted && cm.source && !default_out) it.flags |= IMPLTYPEFLAG_FDEFAULT, default_out = true;
      t.impls.push_back(it);
    }
    lib_.types[index] = std::move(t);
  }

  // ---- typedefs, records, enums, aliases -------------------------------------------
  void typedef_decl(const decl& s) {
    if (local_index.count(std::string(s.name))) return;
    const type* ty = s.ty;
    if (!s.attrs.has("public") && ty && ty->kind == type_kind::record && ty->rec) {
      record_type(ty->rec, s.name, &s);
      return;
    }
    if (!s.attrs.has("public") && !s.uuid_text) return;  // used through what it names
    if (ty && ty->kind == type_kind::record && ty->rec && (ty->rec->tag == s.name || ty->rec->tag.empty())) {
      record_type(ty->rec, s.name, &s);
      return;
    }
    alias(s);
  }

  tl::href alias(const decl& s) {
    const std::uint32_t index = reserve(s.name);
    tl::type_data t;
    t.kind = TKIND_ALIAS;
    t.d.name = u16(s.name);
    if (s.uuid_text) t.guid = guid_of(*s.uuid_text);
    if (auto h = text(s.attrs, "helpstring")) t.d.helpstring = u16(*h);
    t.alias = desc(s.ty, s.loc);
    tl::lay_out(lib_, t);
    t.flags = type_flags(s.attrs);
    lib_.types[index] = std::move(t);
    return {tl::href::local, index};
  }

  tl::href record_type(const record* r, std::string_view name, const decl* named_by) {
    if (name.empty()) name = r->typedef_name;
    std::string generated;
    if (name.empty()) {
      // An anonymous struct or union (a field's nested one): named once,
      // by its place in the file.
      auto [it, added] = anonymous_.emplace(r, "");
      if (added) it->second = "__comkit_anonymous_" + std::to_string(anonymous_.size() - 1);
      generated = it->second;
      name = generated;
    }
    if (auto it = local_index.find(std::string(name)); it != local_index.end()) return {tl::href::local, it->second};
    const std::uint32_t index = reserve(name);
    tl::type_data t;
    t.d.name = u16(name);
    t.kind = r->kind == record_kind::enum_ ? TKIND_ENUM : r->kind == record_kind::union_ ? TKIND_UNION : TKIND_RECORD;
    if (named_by) {
      if (named_by->uuid_text) t.guid = guid_of(*named_by->uuid_text);
      if (auto h = text(named_by->attrs, "helpstring")) t.d.helpstring = u16(*h);
      t.flags = type_flags(named_by->attrs);
    }
    if (t.kind == TKIND_ENUM) {
      t.size = 4;
      t.alignment = 4;
      int i = 0;
      for (const enumerator* e : r->enumerators) {
        tl::var_data v;
        v.d.name = u16(e->name);
        v.varkind = VAR_CONST;
        v.memid = 0x40000000 + i++;
        v.type.vt = VT_INT;
        v.constant.vt = VT_I4;
        v.constant.i = static_cast<std::int32_t>(e->computed);
        t.vars.push_back(std::move(v));
      }
    } else {
      int i = 0;
      for (const field* f : r->fields) {
        if (!f->ty) continue;
        tl::var_data v;
        v.d.name = u16(f->name);
        v.memid = 0x40000000 + i++;
        v.type = desc(f->ty, f->loc);
        t.vars.push_back(std::move(v));
      }
      tl::lay_out(lib_, t);  // offsets, size and alignment (shared with ICreateTypeInfo::LayOut)
    }
    lib_.types[index] = std::move(t);
    return {tl::href::local, index};
  }

  void module(const decl& s) {
    const std::uint32_t index = reserve(s.name);
    tl::type_data t;
    t.kind = TKIND_MODULE;
    t.d.name = u16(s.name);
    if (s.uuid_text) t.guid = guid_of(*s.uuid_text);
    if (auto h = text(s.attrs, "helpstring")) t.d.helpstring = u16(*h);
    if (auto dll = text(s.attrs, "dllname")) t.dllname = u16(*dll);
    if (const attribute* hc = s.attrs.find("helpcontext"); hc && !hc->args.empty())
      t.d.helpcontext = static_cast<std::uint32_t>(number(hc->args[0].value).value_or(0));
    t.alignment = 1;
    int n = 0;
    for (const decl* m : s.members) {
      if (m->kind == decl_kind::function && m->ty) {
        tl::func_data f;
        f.d.name = u16(m->name);
        f.funckind = FUNC_STATIC;
        f.callconv = CC_STDCALL;
        f.memid = 0x60000000 | n++;
        f.flags = func_flags(m->attrs);
        if (auto h = text(m->attrs, "helpstring")) f.d.helpstring = u16(*h);
        if (const attribute* hc = m->attrs.find("helpcontext"); hc && !hc->args.empty())
          f.d.helpcontext = static_cast<std::uint32_t>(number(hc->args[0].value).value_or(0));
        if (const attribute* en = m->attrs.find("entry"); en && !en->args.empty() && en->args[0].value) {
          if (en->args[0].value->kind == expr_kind::string) f.entry = u16(*text(m->attrs, "entry"));
          else f.entry_ordinal = static_cast<std::uint16_t>(number(en->args[0].value).value_or(0));
        }
        f.result = desc(m->ty->inner, m->loc);
        for (const param* p : m->ty->params) {
          if (!p->ty || (p->ty->kind == type_kind::builtin && p->ty->name == "void" && p->name.empty())) continue;
          tl::param_data pd;
          pd.name = u16(p->name);
          pd.type = desc(p->ty, p->loc);
          if (p->attrs.has("in")) pd.flags |= PARAMFLAG_FIN;
          if (p->attrs.has("out")) pd.flags |= PARAMFLAG_FOUT;
          if (p->attrs.has("retval")) pd.flags |= PARAMFLAG_FRETVAL;
          if (p->attrs.has("lcid")) pd.flags |= PARAMFLAG_FLCID;
          const attribute* def = p->attrs.find("defaultvalue");
          if (p->attrs.has("optional")) {
            pd.flags |= PARAMFLAG_FOPT;
            if (!def) ++f.params_opt;
          }
          if (def && !def->args.empty()) {
            pd.flags |= PARAMFLAG_FOPT;
            if (auto v = try_constant(def->args[0].value, default_vt(pd.type))) {
              pd.flags |= PARAMFLAG_FHASDEFAULT;
              pd.default_value = std::move(*v);
            }
          }
          f.params.push_back(std::move(pd));
        }
        t.funcs.push_back(std::move(f));
      } else if (m->kind == decl_kind::const_ && m->value) {
        tl::var_data v;
        v.d.name = u16(m->name);
        v.varkind = VAR_CONST;
        v.memid = 0x40000000 + static_cast<MEMBERID>(t.vars.size());
        v.type = desc(m->ty, m->loc);
        v.constant = constant(m->value, v.type.vt == VT_BSTR || v.type.vt == VT_LPWSTR || v.type.vt == VT_LPSTR ? VARTYPE{VT_BSTR} : default_vt(v.type));
        t.vars.push_back(std::move(v));
      }
    }
    t.size = static_cast<std::uint32_t>(t.funcs.size());
    lib_.types[index] = std::move(t);
  }

  // ---- types -------------------------------------------------------------------
  static tl::type_desc base(VARTYPE vt) {
    tl::type_desc t;
    t.vt = vt;
    return t;
  }
  static tl::type_desc wrap(VARTYPE vt, tl::type_desc inner) {
    tl::type_desc t;
    t.vt = vt;
    t.inner = std::make_shared<const tl::type_desc>(std::move(inner));
    return t;
  }

  std::optional<VARTYPE> builtin_vt(std::string_view n) {
    static const std::map<std::string_view, VARTYPE> names = {
        {"BSTR", VT_BSTR}, {"VARIANT", VT_VARIANT}, {"VARIANTARG", VT_VARIANT}, {"VARIANT_BOOL", VT_BOOL}, {"_VARIANT_BOOL", VT_BOOL},
        {"HRESULT", VT_HRESULT}, {"SCODE", VT_ERROR}, {"CY", VT_CY}, {"CURRENCY", VT_CY}, {"DATE", VT_DATE},
        {"DECIMAL", VT_DECIMAL}, {"LPSTR", VT_LPSTR}, {"LPCSTR", VT_LPSTR}, {"LPWSTR", VT_LPWSTR}, {"LPCWSTR", VT_LPWSTR},
        {"LPOLESTR", VT_LPWSTR}, {"LPCOLESTR", VT_LPWSTR}, {"BYTE", VT_UI1}, {"UCHAR", VT_UI1}, {"WORD", VT_UI2},
        {"USHORT", VT_UI2}, {"DWORD", VT_UI4}, {"ULONG", VT_UI4}, {"LONG", VT_I4}, {"SHORT", VT_I2}, {"CHAR", VT_I1},
        {"INT", VT_INT}, {"UINT", VT_UINT}, {"FLOAT", VT_R4}, {"DOUBLE", VT_R8}, {"LONGLONG", VT_I8}, {"ULONGLONG", VT_UI8},
        {"LONG64", VT_I8}, {"ULONG64", VT_UI8}, {"INT64", VT_I8}, {"UINT64", VT_UI8}, {"LCID", VT_UI4}, {"BOOL", VT_I4},
        {"WCHAR", VT_UI2}, {"OLECHAR", VT_UI2}, {"DISPID", VT_I4}, {"MEMBERID", VT_I4}, {"HREFTYPE", VT_UI4},
        {"boolean", VT_UI1}, {"byte", VT_UI1}, {"wchar_t", VT_UI2}, {"float", VT_R4}, {"double", VT_R8}, {"void", VT_VOID},
        {"hyper", VT_I8}, {"__int64", VT_I8}, {"int", VT_INT}, {"long", VT_I4}, {"short", VT_I2}, {"char", VT_I1},
        {"small", VT_I1}, {"__int32", VT_I4}, {"__int8", VT_I1}, {"__int16", VT_I2}, {"error_status_t", VT_UI4},
        {"IUnknown", VT_UNKNOWN}, {"IDispatch", VT_DISPATCH}};
    if (auto it = names.find(n); it != names.end()) return it->second;
    return std::nullopt;
  }

  static VARTYPE unsigned_of(VARTYPE vt) {
    switch (vt) {
      case VT_I1: return VT_UI1;
      case VT_I2: return VT_UI2;
      case VT_I4: return VT_UI4;
      case VT_INT: return VT_UINT;
      case VT_I8: return VT_UI8;
      default: return vt;
    }
  }

  tl::type_desc desc(const type* t, location loc) {
    if (!t) return base(VT_VOID);
    switch (t->kind) {
      case type_kind::builtin: {
        std::string_view n = t->name.empty() ? t->spelling : t->name;
        bool is_unsigned = false;
        // "unsigned long", "signed char", "long long" ...
        std::string words(n);
        if (words.rfind("unsigned", 0) == 0) is_unsigned = true, words = words.size() > 9 ? words.substr(9) : "int";
        if (words.rfind("signed ", 0) == 0) words = words.substr(7);
        if (words == "long long" || words == "long int") words = words == "long long" ? "hyper" : "long";
        if (words == "short int") words = "short";
        if (words == "__int3264") return base(ptr_ == 8 ? (is_unsigned ? VT_UI8 : VT_I8) : (is_unsigned ? VT_UI4 : VT_I4));
        if (auto vt = builtin_vt(words)) return base(is_unsigned ? unsigned_of(*vt) : *vt);
        fail(loc, "the type '" + std::string(n) + "' has no type library equivalent");
      }
      case type_kind::named: {
        if (t->name == "SAFEARRAY" && t->inner) return wrap(VT_SAFEARRAY, desc(t->inner, loc));
        if (auto vt = builtin_vt(t->name); vt && *vt != VT_UNKNOWN && *vt != VT_DISPATCH) return base(*vt);
        return named(t, loc);
      }
      case type_kind::record:
        if (t->rec) return user(record_type(t->rec, t->rec->tag, nullptr));
        break;
      case type_kind::pointer: {
        const type* in = t->inner;
        if (!in) break;
        if (in->kind == type_kind::named && in->name == "SAFEARRAY" && in->inner) return wrap(VT_SAFEARRAY, desc(in->inner, loc));
        // An interface pointer: IUnknown* and IDispatch* are VT_UNKNOWN and
        // VT_DISPATCH; IFoo* is a pointer to the interface type.
        if (in->kind == type_kind::named) {
          if (in->name == "IUnknown") return base(VT_UNKNOWN);
          if (in->name == "IDispatch") return base(VT_DISPATCH);
          const model::interface_info* i = m_.find_interface(in->name);
          if (i) return wrap(VT_PTR, user(interface(i->name, loc)));
          if (importable_.count(std::string(in->name))) {
            const auto r = imported_ref(in->name);
            return wrap(VT_PTR, user(*r));
          }
        }
        // char* / wchar_t* strings
        const type* pt = model::resolve_typedefs(in);
        if (pt && pt->kind == type_kind::builtin && (pt->name == "char" || pt->spelling == "char")) return base(VT_LPSTR);
        if (model::is_wide_char(in) && t->is_const) return base(VT_LPWSTR);
        return wrap(VT_PTR, desc(in, loc));
      }
      case type_kind::array: {
        std::vector<SAFEARRAYBOUND> bounds;
        const type* at = t;
        while (at && at->kind == type_kind::array) {
          // A conformant array ([] or a size that is not a constant) takes
          // no room in its record: no elements.
          const auto n = at->conformant ? std::nullopt : number(at->size);
          bounds.push_back({n ? static_cast<ULONG>(*n) : 0u, 0});
          at = at->inner;
        }
        tl::type_desc d = wrap(VT_CARRAY, desc(at, loc));
        d.bounds = std::move(bounds);
        return d;
      }
      default: break;
    }
    fail(loc, "this type has no type library equivalent");
  }

  static tl::type_desc user(tl::href r) {
    tl::type_desc t;
    t.vt = VT_USERDEFINED;
    t.ref = r;
    return t;
  }

  // A type named by a typedef or an interface name.
  tl::type_desc named(const type* t, location loc) {
    const std::string name(t->name);
    if (auto it = local_index.find(name); it != local_index.end()) return user({tl::href::local, it->second});
    const decl* d = t->target;
    if (d && d->kind == decl_kind::typedef_) {
      const bool public_alias = d->attrs.has("public") || d->uuid_text;
      if ((!d->imported || !importable_.count(name)) && public_alias) {
        if (d->ty && d->ty->kind == type_kind::record && d->ty->rec && (d->ty->rec->tag == d->name || d->ty->rec->tag.empty()))
          return user(record_type(d->ty->rec, d->name, d));
        return user(alias(*d));
      }
      if (importable_.count(name)) return user(*imported_ref(name));
      if (d->ty && d->ty->kind == type_kind::record && d->ty->rec) return user(record_type(d->ty->rec, d->name, d));
      return desc(d->ty, loc);  // a plain typedef: what it names
    }
    if (importable_.count(name)) return user(*imported_ref(name));
    if (d && (d->kind == decl_kind::interface || d->kind == decl_kind::dispinterface || d->kind == decl_kind::coclass))
      return user(interface(d->name, loc));
    fail(loc, "the type '" + name + "' has no type library equivalent");
  }

  const model::model& m_;
  const typelib_options& o_;
  int ptr_ = 8;
  tl::library lib_;
  std::map<std::string, import_entry> importable_;
  std::map<std::string, std::uint32_t> local_index;
  std::map<const record*, std::string> anonymous_;
};

}  // namespace

std::optional<std::string> emit_typelib(const model::model& m, const typelib_options& o, typelib_error& error,
                                        std::vector<typelib_error>& warnings) {
  for (const auto& l : m.libraries) {
    if (l->syntax->imported) continue;
    try {
      builder b(m, o);
      const tl::library lib = b.run(*l);
      warnings = std::move(b.warnings_);
      const std::vector<std::uint8_t> image = tl::write_msft(lib);
      return std::string(image.begin(), image.end());
    } catch (const typelib_error& e) {
      error = e;
      return std::nullopt;
    } catch (const std::exception& e) {
      error = {l->syntax->loc, std::string("cannot write the type library: ") + e.what()};
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool has_library(const model::model& m) {
  for (const auto& l : m.libraries)
    if (!l->syntax->imported) return true;
  return false;
}

std::string emit_embedded_typelib(const std::string& image, std::uint32_t id, const std::string& base_name) {
  const std::string entry = tl::embedded_entry_bytes(image, id);
  std::string out;
  out.reserve(entry.size() * 5 + 1024);
  out += "/* " + base_name + "_tlb.c - generated by comkit idl: " + base_name + ".tlb as type library " + std::to_string(id) +
         " of the module this\n * object is linked into (docs/typelib.md, \"Embedded type libraries\"). Do not edit. */\n";
  out += "#if defined(__has_attribute)\n#if __has_attribute(retain)\n#define COMKIT_TLB_RETAIN_ __attribute__((retain))\n#endif\n#endif\n";
  out += "#ifndef COMKIT_TLB_RETAIN_\n#define COMKIT_TLB_RETAIN_\n#endif\n";
  out += "__attribute__((section(\"" + std::string(tl::embedded_section) + "\"), used, aligned(" +
         std::to_string(tl::embedded_alignment) + "))) COMKIT_TLB_RETAIN_\nstatic const unsigned char comkit_typelib_" +
         std::to_string(id) + "_[" + std::to_string(entry.size()) + "] = {";
  static const char digits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < entry.size(); ++i) {
    if (i % 16 == 0) out += "\n ";
    const auto b = static_cast<unsigned char>(entry[i]);
    out += " 0x";
    out += digits[b >> 4];
    out += digits[b & 15];
    out += ',';
  }
  out += "\n};\n";
  return out;
}

}  // namespace comkit::idl
