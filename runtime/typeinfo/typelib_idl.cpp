// runtime/typeinfo/typelib_idl.cpp - a library as MIDL source (what
// `comkit idl --from-tlb` writes, as OleView does): compiled again, it gives
// a type library with the same content.
#include <cstdio>
#include <map>
#include <string>

#include "msft_format.h"
#include "typelib_data.h"

namespace comkit::typelib {
namespace {

std::string guid_text(const GUID& g) {
  char b[40];
  std::snprintf(b, sizeof b, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", static_cast<unsigned>(g.Data1), g.Data2, g.Data3, g.Data4[0],
                g.Data4[1], g.Data4[2], g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
  return b;
}

std::string quoted(const std::u16string& s) {
  std::string out = "\"";
  for (char c : to_utf8(s)) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      char octal[8];  // three octal digits: unambiguous whatever follows
      std::snprintf(octal, sizeof octal, "\\%03o", static_cast<unsigned char>(c));
      out += octal;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string hex(std::uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

// Names of stdole2's types, for references to them from another library.
const std::map<std::string, const char*>& stdole2_names() {
  static const std::map<std::string, const char*> names = {
      {guid_text(msft::iid_unknown), "IUnknown"},
      {guid_text(msft::iid_dispatch), "IDispatch"},
      {"00020404-0000-0000-C000-000000000046", "IEnumVARIANT"},
      {"BEF6E002-A874-101A-8BBA-00AA00300CAB", "IFont"},
      {"BEF6E003-A874-101A-8BBA-00AA00300CAB", "Font"},
      {"7BF80980-BF32-101A-8BBB-00AA00300CAB", "IPicture"},
      {"7BF80981-BF32-101A-8BBB-00AA00300CAB", "Picture"},
      {"66504301-BE0F-101A-8BBB-00AA00300CAB", "OLE_COLOR"},
      {"0BE35203-8F91-11CE-9DE3-00AA004BB851", "StdFont"},
      {"0BE35204-8F91-11CE-9DE3-00AA004BB851", "StdPicture"},
  };
  return names;
}

class idl_writer {
 public:
  idl_writer(const library& lib, const std::vector<std::string>& imported_names) : lib_(lib), imported_names_(imported_names) {}

  std::string run() {
    out_ += "// Written by comkit idl --from-tlb: the type library " + to_utf8(lib_.d.name) + " as MIDL.\n";
    out_ += "import \"oaidl.idl\";\n\n";
    std::vector<std::string> attrs{"uuid(" + guid_text(lib_.guid) + ")", "version(" + std::to_string(lib_.major) + "." + std::to_string(lib_.minor) + ")"};
    if (lib_.lcid) attrs.push_back("lcid(" + hex(lib_.lcid) + ")");
    doc_attrs(lib_.d, attrs);
    if (!lib_.helpfile.empty()) attrs.push_back("helpfile(" + quoted(lib_.helpfile) + ")");
    if (!lib_.helpstringdll.empty()) attrs.push_back("helpstringdll(" + quoted(lib_.helpstringdll) + ")");
    if (lib_.flags & LIBFLAG_FRESTRICTED) attrs.push_back("restricted");
    if (lib_.flags & LIBFLAG_FCONTROL) attrs.push_back("control");
    if (lib_.flags & LIBFLAG_FHIDDEN) attrs.push_back("hidden");
    // Interfaces may refer to each other in any order: declared first,
    // outside the library (inside, `interface I;` would place I there).
    bool forward = false;
    for (const type_data& t : lib_.types) {
      if (t.kind == TKIND_INTERFACE || (t.kind == TKIND_DISPATCH && !t.impls.empty() && (t.flags & TYPEFLAG_FDUAL))) {
        out_ += "interface " + to_utf8(t.d.name) + ";\n";
        forward = true;
      } else if (t.kind == TKIND_DISPATCH) {
        out_ += "dispinterface " + to_utf8(t.d.name) + ";\n";
        forward = true;
      }
    }
    if (forward) out_ += "\n";
    attribute_block(attrs, "");
    out_ += "library " + to_utf8(lib_.d.name) + "\n{\n";
    for (const import_file& f : lib_.imports) out_ += "    importlib(" + quoted(f.filename) + ");\n";
    for (const type_data& t : lib_.types) type(t);
    out_ += "}\n";
    return std::move(out_);
  }

 private:
  void doc_attrs(const doc& d, std::vector<std::string>& attrs) {
    if (!d.helpstring.empty()) attrs.push_back("helpstring(" + quoted(d.helpstring) + ")");
    if (d.helpcontext) attrs.push_back("helpcontext(" + hex(d.helpcontext) + ")");
    if (d.helpstringcontext) attrs.push_back("helpstringcontext(" + hex(d.helpstringcontext) + ")");
    for (const cust_item& c : d.custom) attrs.push_back("custom(" + guid_text(c.guid) + ", " + constant(c.val) + ")");
  }

  void attribute_block(const std::vector<std::string>& attrs, const std::string& indent) {
    if (attrs.empty()) return;
    out_ += indent + "[\n";
    for (std::size_t i = 0; i < attrs.size(); ++i) out_ += indent + "    " + attrs[i] + (i + 1 < attrs.size() ? ",\n" : "\n");
    out_ += indent + "]\n";
  }

  static std::string constant(const value& v) {
    switch (v.vt) {
      case VT_BSTR: return quoted(v.s);
      case VT_R4: case VT_R8: case VT_DATE: {
        char b[48];
        std::snprintf(b, sizeof b, "%.17g", v.r);
        std::string s = b;
        if (s.find_first_of(".eE") == std::string::npos) s += ".0";
        return s;
      }
      default: return std::to_string(v.i);
    }
  }

  std::string ref_name(const href& r) const {
    if (r.kind == href::local && r.index < lib_.types.size()) return to_utf8(lib_.types[r.index].d.name);
    if (r.kind == href::imported && r.index < imported_names_.size() && !imported_names_[r.index].empty()) return imported_names_[r.index];
    return "IUnknown";  // unresolvable: the safest interface
  }

  // A declaration of `name` with type t, in C declarator syntax.
  std::string declare(const type_desc& t, const std::string& name) const {
    switch (t.vt) {
      case VT_PTR: return t.inner ? declare(*t.inner, "*" + name) : "void *" + name;
      case VT_SAFEARRAY: return "SAFEARRAY(" + (t.inner ? declare(*t.inner, "") : std::string("VARIANT")) + ")" + (name.empty() ? "" : " " + name);
      case VT_CARRAY: {
        std::string dims;
        for (const SAFEARRAYBOUND& b : t.bounds) dims += "[" + std::to_string(b.cElements) + "]";
        std::string inner_name = name;
        if (!inner_name.empty() && inner_name.front() == '*') inner_name = "(" + inner_name + ")";
        return t.inner ? declare(*t.inner, inner_name + dims) : "char " + inner_name + dims;
      }
      case VT_USERDEFINED: return ref_name(t.ref) + (name.empty() ? "" : " " + name);
      default: return base_name(t.vt) + (name.empty() ? "" : " " + name);
    }
  }

  static std::string base_name(VARTYPE vt) {
    switch (vt) {
      case VT_I1: return "signed char";
      case VT_UI1: return "unsigned char";
      case VT_I2: return "short";
      case VT_UI2: return "unsigned short";
      case VT_I4: return "long";
      case VT_UI4: return "unsigned long";
      case VT_INT: return "int";
      case VT_UINT: return "unsigned int";
      case VT_I8: return "hyper";
      case VT_UI8: return "unsigned hyper";
      case VT_R4: return "float";
      case VT_R8: return "double";
      case VT_CY: return "CURRENCY";
      case VT_DATE: return "DATE";
      case VT_BSTR: return "BSTR";
      case VT_DISPATCH: return "IDispatch*";
      case VT_ERROR: return "SCODE";
      case VT_BOOL: return "VARIANT_BOOL";
      case VT_VARIANT: return "VARIANT";
      case VT_UNKNOWN: return "IUnknown*";
      case VT_DECIMAL: return "DECIMAL";
      case VT_VOID: return "void";
      case VT_HRESULT: return "HRESULT";
      case VT_LPSTR: return "LPSTR";
      case VT_LPWSTR: return "LPWSTR";
      default: return "VARIANT";
    }
  }

  void type_header(const type_data& t, std::vector<std::string> attrs) {
    if (t.guid != GUID{}) attrs.insert(attrs.begin(), "uuid(" + guid_text(t.guid) + ")");
    if (t.major || t.minor) attrs.push_back("version(" + std::to_string(t.major) + "." + std::to_string(t.minor) + ")");
    doc_attrs(t.d, attrs);
    const std::pair<WORD, const char*> flags[] = {{TYPEFLAG_FHIDDEN, "hidden"},         {TYPEFLAG_FRESTRICTED, "restricted"},
                                                  {TYPEFLAG_FNONEXTENSIBLE, "nonextensible"}, {TYPEFLAG_FAPPOBJECT, "appobject"},
                                                  {TYPEFLAG_FLICENSED, "licensed"},     {TYPEFLAG_FCONTROL, "control"},
                                                  {TYPEFLAG_FAGGREGATABLE, "aggregatable"}, {TYPEFLAG_FREPLACEABLE, "replaceable"},
                                                  {TYPEFLAG_FPROXY, "proxy"},           {TYPEFLAG_FPREDECLID, "predeclid"}};
    for (const auto& [bit, name] : flags)
      if (t.flags & bit) attrs.push_back(name);
    attribute_block(attrs, "    ");
  }

  void type(const type_data& t) {
    const std::string name = to_utf8(t.d.name);
    switch (t.kind) {
      case TKIND_ENUM: {
        out_ += "    typedef ";
        std::vector<std::string> attrs;
        if (t.guid != GUID{}) attrs.push_back("uuid(" + guid_text(t.guid) + ")");
        doc_attrs(t.d, attrs);
        inline_attrs(t, attrs);
        out_ += "enum " + name + " {\n";
        for (std::size_t i = 0; i < t.vars.size(); ++i)
          out_ += "        " + to_utf8(t.vars[i].d.name) + " = " + constant(t.vars[i].constant) + (i + 1 < t.vars.size() ? ",\n" : "\n");
        out_ += "    } " + name + ";\n\n";
        break;
      }
      case TKIND_RECORD: case TKIND_UNION: {
        out_ += "    typedef ";
        std::vector<std::string> attrs;
        if (t.guid != GUID{}) attrs.push_back("uuid(" + guid_text(t.guid) + ")");
        doc_attrs(t.d, attrs);
        inline_attrs(t, attrs);
        out_ += std::string(t.kind == TKIND_RECORD ? "struct " : "union ") + name + " {\n";
        for (const var_data& v : t.vars) out_ += "        " + declare(v.type, to_utf8(v.d.name)) + ";\n";
        out_ += "    } " + name + ";\n\n";
        break;
      }
      case TKIND_ALIAS: {
        std::vector<std::string> attrs;
        if (t.guid != GUID{}) attrs.push_back("uuid(" + guid_text(t.guid) + ")");
        doc_attrs(t.d, attrs);
        attrs.push_back("public");
        out_ += "    typedef ";
        inline_attrs(t, attrs);
        out_ += declare(t.alias, name) + ";\n\n";
        break;
      }
      case TKIND_MODULE: {
        std::vector<std::string> attrs;
        if (!t.dllname.empty()) attrs.push_back("dllname(" + quoted(t.dllname) + ")");
        type_header(t, attrs);
        out_ += "    module " + name + "\n    {\n";
        for (const func_data& f : t.funcs) function(t, f, true);
        for (const var_data& v : t.vars)
          out_ += "        const " + declare(v.type, to_utf8(v.d.name)) + " = " + constant(v.constant) + ";\n";
        out_ += "    }\n\n";
        break;
      }
      case TKIND_INTERFACE: {
        std::vector<std::string> attrs{"odl"};
        if (t.flags & TYPEFLAG_FOLEAUTOMATION) attrs.push_back("oleautomation");
        if (t.flags & TYPEFLAG_FDUAL) attrs.push_back("dual");
        type_header(t, attrs);
        out_ += "    interface " + name + (t.impls.empty() ? "" : " : " + ref_name(t.impls[0].ref)) + "\n    {\n";
        for (const func_data& f : t.funcs) function(t, f, false);
        out_ += "    }\n\n";
        break;
      }
      case TKIND_DISPATCH: {
        if (!t.impls.empty() && (t.flags & TYPEFLAG_FDUAL)) {  // a dual interface: its vtable view
          std::vector<std::string> attrs{"odl", "dual"};
          if (t.flags & TYPEFLAG_FOLEAUTOMATION) attrs.push_back("oleautomation");
          type_header(t, attrs);
          out_ += "    interface " + name + " : " + ref_name(t.impls[0].ref) + "\n    {\n";
          for (const func_data& f : t.funcs) function(t, f, false);
          out_ += "    }\n\n";
          break;
        }
        type_header(t, {});
        out_ += "    dispinterface " + name + "\n    {\n";
        if (!t.impls.empty()) {
          out_ += "        interface " + ref_name(t.impls[0].ref) + ";\n";
        } else {
          out_ += "    properties:\n";
          for (const var_data& v : t.vars) {
            std::vector<std::string> attrs{"id(" + hex(static_cast<std::uint32_t>(v.memid)) + ")"};
            if (v.flags & VARFLAG_FREADONLY) attrs.push_back("readonly");
            var_flags(v.flags, attrs);
            doc_attrs(v.d, attrs);
            out_ += "        [" + join(attrs) + "] " + declare(v.type, to_utf8(v.d.name)) + ";\n";
          }
          out_ += "    methods:\n";
          for (const func_data& f : t.funcs) function(t, f, false);
        }
        out_ += "    }\n\n";
        break;
      }
      case TKIND_COCLASS: {
        std::vector<std::string> attrs;
        if (!(t.flags & TYPEFLAG_FCANCREATE)) attrs.push_back("noncreatable");
        type_header(t, attrs);
        out_ += "    coclass " + name + "\n    {\n";
        for (const impl_type& i : t.impls) {
          std::vector<std::string> a;
          if (i.flags & IMPLTYPEFLAG_FDEFAULT) a.push_back("default");
          if (i.flags & IMPLTYPEFLAG_FSOURCE) a.push_back("source");
          if (i.flags & IMPLTYPEFLAG_FRESTRICTED) a.push_back("restricted");
          if (i.flags & IMPLTYPEFLAG_FDEFAULTVTABLE) a.push_back("defaultvtable");
          for (const cust_item& c : i.custom) a.push_back("custom(" + guid_text(c.guid) + ", " + constant(c.val) + ")");
          const bool dispinterface = i.ref.kind == href::local && i.ref.index < lib_.types.size() &&
                                     lib_.types[i.ref.index].kind == TKIND_DISPATCH && !(lib_.types[i.ref.index].flags & TYPEFLAG_FDUAL);
          out_ += "        " + (a.empty() ? std::string() : "[" + join(a) + "] ") + (dispinterface ? "dispinterface " : "interface ") +
                  ref_name(i.ref) + ";\n";
        }
        out_ += "    }\n\n";
        break;
      }
      default: break;
    }
  }

  void inline_attrs(const type_data& t, std::vector<std::string>& attrs) {
    if (t.flags & TYPEFLAG_FHIDDEN) attrs.push_back("hidden");
    if (t.flags & TYPEFLAG_FRESTRICTED) attrs.push_back("restricted");
    if (!attrs.empty()) out_ += "[" + join(attrs) + "] ";
  }

  static std::string join(const std::vector<std::string>& parts) {
    std::string s;
    for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i];
    return s;
  }

  static void var_flags(WORD flags, std::vector<std::string>& attrs) {
    const std::pair<WORD, const char*> names[] = {{VARFLAG_FSOURCE, "source"}, {VARFLAG_FBINDABLE, "bindable"}, {VARFLAG_FHIDDEN, "hidden"},
                                                  {VARFLAG_FRESTRICTED, "restricted"}};
    for (const auto& [bit, name] : names)
      if (flags & bit) attrs.push_back(name);
  }

  void function(const type_data& owner, const func_data& f, bool module) {
    std::vector<std::string> attrs;
    // MIDL's default ids (0x6000xxxx and up) come back by themselves; a
    // dispinterface's are written out.
    const bool plain_dispinterface = owner.kind == TKIND_DISPATCH && owner.impls.empty();
    const bool write_id = plain_dispinterface || (!module && (f.memid & 0xFF000000) != 0x60000000);
    if (write_id) attrs.push_back("id(" + hex(static_cast<std::uint32_t>(f.memid)) + ")");
    if (module) {
      if (!f.entry.empty()) attrs.push_back("entry(" + quoted(f.entry) + ")");
      else if (f.entry_ordinal) attrs.push_back("entry(" + std::to_string(f.entry_ordinal) + ")");
    }
    if (f.invkind == INVOKE_PROPERTYGET) attrs.push_back("propget");
    if (f.invkind == INVOKE_PROPERTYPUT) attrs.push_back("propput");
    if (f.invkind == INVOKE_PROPERTYPUTREF) attrs.push_back("propputref");
    if (f.params_opt == -1) attrs.push_back("vararg");
    const std::pair<WORD, const char*> names[] = {{FUNCFLAG_FRESTRICTED, "restricted"}, {FUNCFLAG_FSOURCE, "source"}, {FUNCFLAG_FBINDABLE, "bindable"},
                                                  {FUNCFLAG_FREQUESTEDIT, "requestedit"}, {FUNCFLAG_FDISPLAYBIND, "displaybind"},
                                                  {FUNCFLAG_FDEFAULTBIND, "defaultbind"}, {FUNCFLAG_FHIDDEN, "hidden"},
                                                  {FUNCFLAG_FUSESGETLASTERROR, "usesgetlasterror"}, {FUNCFLAG_FDEFAULTCOLLELEM, "defaultcollelem"},
                                                  {FUNCFLAG_FUIDEFAULT, "uidefault"}, {FUNCFLAG_FNONBROWSABLE, "nonbrowsable"},
                                                  {FUNCFLAG_FREPLACEABLE, "replaceable"}, {FUNCFLAG_FIMMEDIATEBIND, "immediatebind"}};
    for (const auto& [bit, name] : names)
      if (f.flags & bit) attrs.push_back(name);
    doc_attrs(f.d, attrs);
    out_ += "        " + (attrs.empty() ? std::string() : "[" + join(attrs) + "] ");
    out_ += declare(f.result, "") + (module ? " __stdcall " : " ") + to_utf8(f.d.name) + "(";
    for (std::size_t i = 0; i < f.params.size(); ++i) {
      const param_data& p = f.params[i];
      std::vector<std::string> pa;
      if (p.flags & PARAMFLAG_FIN) pa.push_back("in");
      if (p.flags & PARAMFLAG_FOUT) pa.push_back("out");
      if (p.flags & PARAMFLAG_FLCID) pa.push_back("lcid");
      if (p.flags & PARAMFLAG_FRETVAL) pa.push_back("retval");
      if ((p.flags & PARAMFLAG_FOPT) && !(p.flags & PARAMFLAG_FHASDEFAULT)) pa.push_back("optional");
      if (p.flags & PARAMFLAG_FHASDEFAULT) pa.push_back("defaultvalue(" + constant(p.default_value) + ")");
      for (const cust_item& c : p.custom) pa.push_back("custom(" + guid_text(c.guid) + ", " + constant(c.val) + ")");
      // A propput's value is unnamed in the library; IDL needs a name.
      const std::string pname = p.name.empty() ? "value" + std::to_string(i) : to_utf8(p.name);
      out_ += (i ? ", " : "") + (pa.empty() ? std::string() : "[" + join(pa) + "] ") + declare(p.type, pname);
    }
    out_ += ");\n";
  }

  const library& lib_;
  const std::vector<std::string>& imported_names_;
  std::string out_;
};

}  // namespace

std::string to_idl(const library& lib, const std::vector<std::string>& imported_names) {
  std::vector<std::string> names = imported_names;
  names.resize(lib.imported_types.size());
  for (std::size_t i = 0; i < lib.imported_types.size(); ++i) {
    if (!names[i].empty()) continue;
    const auto it = stdole2_names().find(guid_text(lib.imported_types[i].guid));
    if (it != stdole2_names().end()) names[i] = it->second;
  }
  return idl_writer(lib, names).run();
}

}  // namespace comkit::typelib
