// runtime/typeinfo/typelib_dump.cpp - a library as readable text: what
// `comkit inspect foo.tlb` prints, and what the tests compare.
#include <cstdio>
#include <string>

#include "typelib_data.h"

namespace comkit::typelib {
namespace {

std::string utf8(const std::u16string& s) { return to_utf8(s); }

std::string hex(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

std::string guid_text(const GUID& g) {
  char b[40];
  std::snprintf(b, sizeof b, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", static_cast<unsigned>(g.Data1), g.Data2, g.Data3,
                g.Data4[0], g.Data4[1], g.Data4[2], g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
  return b;
}

const char* const kind_names[] = {"enum", "record", "module", "interface", "dispatch", "coclass", "alias", "union"};

class dumper {
 public:
  explicit dumper(const library& lib) : lib_(lib) {}

  std::string run() {
    out_ += "library " + utf8(lib_.d.name) + " {" + guid_text(lib_.guid) + "} " + std::to_string(lib_.major) + "." +
            std::to_string(lib_.minor) + " lcid=" + hex(lib_.lcid) + " syskind=" + std::to_string(lib_.syskind) +
            " flags=" + hex(lib_.flags) + "\n";
    doc_lines(lib_.d, "  ");
    if (!lib_.helpfile.empty()) out_ += "  helpfile \"" + utf8(lib_.helpfile) + "\"\n";
    if (!lib_.helpstringdll.empty()) out_ += "  helpstringdll \"" + utf8(lib_.helpstringdll) + "\"\n";
    for (const import_file& f : lib_.imports)
      out_ += "  importlib \"" + utf8(f.filename) + "\" {" + guid_text(f.guid) + "} " + std::to_string(f.major) + "." + std::to_string(f.minor) + "\n";
    for (const type_data& t : lib_.types) type(t);
    return std::move(out_);
  }

 private:
  std::string ref(const href& r) const {
    if (r.kind == href::local && r.index < lib_.types.size()) return utf8(lib_.types[r.index].d.name);
    if (r.kind == href::imported && r.index < lib_.imported_types.size()) {
      const imported_type& t = lib_.imported_types[r.index];
      std::string file = t.file < lib_.imports.size() ? utf8(lib_.imports[t.file].filename) : "?";
      return file + ":" + (t.guid == GUID{} ? "#" + std::to_string(t.index) : "{" + guid_text(t.guid) + "}");
    }
    return "?";
  }

  std::string desc(const type_desc& t) const {
    switch (t.vt) {
      case VT_PTR: return (t.inner ? desc(*t.inner) : "?") + "*";
      case VT_SAFEARRAY: return "SAFEARRAY(" + (t.inner ? desc(*t.inner) : "?") + ")";
      case VT_CARRAY: {
        std::string s = t.inner ? desc(*t.inner) : "?";
        for (const SAFEARRAYBOUND& b : t.bounds) s += "[" + std::to_string(b.cElements) + (b.lLbound ? "@" + std::to_string(b.lLbound) : "") + "]";
        return s;
      }
      case VT_USERDEFINED: return ref(t.ref);
      default: return "vt" + std::to_string(t.vt);
    }
  }

  static std::string val(const value& v) {
    switch (v.vt) {
      case VT_BSTR: return "\"" + utf8(v.s) + "\"";
      case VT_R4: case VT_R8: case VT_DATE: {
        char b[40];
        std::snprintf(b, sizeof b, "%g", v.r);
        return "vt" + std::to_string(v.vt) + ":" + b;
      }
      default: return "vt" + std::to_string(v.vt) + ":" + std::to_string(v.i);
    }
  }

  void doc_lines(const doc& d, const std::string& indent) {
    if (!d.helpstring.empty()) out_ += indent + "helpstring \"" + utf8(d.helpstring) + "\"\n";
    if (d.helpcontext) out_ += indent + "helpcontext " + std::to_string(d.helpcontext) + "\n";
    if (d.helpstringcontext) out_ += indent + "helpstringcontext " + std::to_string(d.helpstringcontext) + "\n";
    for (const cust_item& c : d.custom) out_ += indent + "custom {" + guid_text(c.guid) + "} " + val(c.val) + "\n";
  }

  void type(const type_data& t) {
    out_ += kind_names[t.kind < TKIND_MAX ? t.kind : 0];
    out_ += " " + utf8(t.d.name);
    if (t.guid != GUID{}) out_ += " {" + guid_text(t.guid) + "}";
    out_ += " flags=" + hex(t.flags) + " version=" + std::to_string(t.major) + "." + std::to_string(t.minor) + " size=" + std::to_string(t.size) +
            " align=" + std::to_string(t.alignment) + " vft=" + std::to_string(t.size_vft) + "\n";
    doc_lines(t.d, "  ");
    if (t.kind == TKIND_ALIAS) out_ += "  alias " + desc(t.alias) + "\n";
    if (!t.dllname.empty()) out_ += "  dllname \"" + utf8(t.dllname) + "\"\n";
    for (const impl_type& i : t.impls) {
      out_ += "  impl " + ref(i.ref) + " flags=" + hex(static_cast<unsigned>(i.flags)) + "\n";
      for (const cust_item& c : i.custom) out_ += "    custom {" + guid_text(c.guid) + "} " + val(c.val) + "\n";
    }
    for (const func_data& f : t.funcs) {
      out_ += "  func " + utf8(f.d.name) + " id=" + hex(static_cast<std::uint32_t>(f.memid)) + " kind=" + std::to_string(f.funckind) +
              " invoke=" + std::to_string(f.invkind) + " cc=" + std::to_string(f.callconv) + " ovft=" + std::to_string(f.ovft) +
              " flags=" + hex(f.flags) + " opt=" + std::to_string(f.params_opt) + " returns " + desc(f.result) + "\n";
      if (!f.entry.empty()) out_ += "    entry \"" + utf8(f.entry) + "\"\n";
      if (f.entry_ordinal) out_ += "    entry #" + std::to_string(f.entry_ordinal) + "\n";
      doc_lines(f.d, "    ");
      for (const param_data& p : f.params) {
        out_ += "    param " + (p.name.empty() ? std::string("-") : utf8(p.name)) + " " + desc(p.type) + " flags=" + hex(p.flags);
        if (p.flags & PARAMFLAG_FHASDEFAULT) out_ += " default=" + val(p.default_value);
        out_ += "\n";
        for (const cust_item& c : p.custom) out_ += "      custom {" + guid_text(c.guid) + "} " + val(c.val) + "\n";
      }
    }
    for (const var_data& v : t.vars) {
      out_ += "  var " + utf8(v.d.name) + " id=" + hex(static_cast<std::uint32_t>(v.memid)) + " kind=" + std::to_string(v.varkind) + " " +
              desc(v.type) + " flags=" + hex(v.flags) + (v.varkind == VAR_CONST ? " = " + val(v.constant) : " @" + std::to_string(v.offset)) + "\n";
      doc_lines(v.d, "    ");
    }
  }

  const library& lib_;
  std::string out_;
};

}  // namespace

std::string dump(const library& lib) { return dumper(lib).run(); }

}  // namespace comkit::typelib
