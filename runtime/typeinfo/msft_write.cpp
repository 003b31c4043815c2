// runtime/typeinfo/msft_write.cpp - a type library as an MSFT image.
//
// The image is a header, the typeinfo offsets, a directory of fifteen
// segments, the segments, and one member block per typeinfo with functions
// or variables (docs/typelib.md has the layout). Everything shared between
// typeinfos (GUIDs, names, strings, type descriptions, constants) is stored
// once in a segment and referred to by its offset there; the writer fills
// the segments as it meets things, in the order MIDL and widl do, so the
// offsets come out as theirs do.
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "typelib_data.h"
#include "msft_format.h"

namespace comkit::typelib {
namespace {

using namespace msft;

class bytes {
 public:
  std::vector<std::uint8_t> data;
  std::int32_t size() const { return static_cast<std::int32_t>(data.size()); }
  void u8(std::uint8_t v) { data.push_back(v); }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v));
    u8(static_cast<std::uint8_t>(v >> 8));
  }
  void i32(std::int32_t v) {
    const auto u = static_cast<std::uint32_t>(v);
    u16(static_cast<std::uint16_t>(u));
    u16(static_cast<std::uint16_t>(u >> 16));
  }
  void raw(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    data.insert(data.end(), b, b + n);
  }
  void pad4() {
    while (data.size() % 4) u8(pad_byte);
  }
  void put32(std::int32_t at, std::int32_t v) {
    const auto u = static_cast<std::uint32_t>(v);
    for (int i = 0; i < 4; ++i) data[static_cast<std::size_t>(at) + i] = static_cast<std::uint8_t>(u >> (8 * i));
  }
};

}  // namespace

std::string to_utf8(const std::u16string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::uint32_t c = s[i];
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] < 0xE000)
      c = 0x10000 + ((c - 0xD800) << 10) + (s[++i] - 0xDC00);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

namespace {

std::string fold(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

std::int32_t checked(std::size_t n) {
  if (n > 0x7FFFFFF0u) throw std::length_error("type library too large for the MSFT format");
  return static_cast<std::int32_t>(n);
}

class writer {
 public:
  explicit writer(const library& lib) : lib_(lib) {
    ptr_ = lib.syskind == SYS_WIN64 ? 8 : 4;
    hash_lcid_ = lib.lcid ? lib.lcid : 0x0409;
    std::memset(guid_hash_, 0xFF, sizeof guid_hash_);
    std::memset(name_hash_, 0xFF, sizeof name_hash_);
  }

  std::vector<std::uint8_t> run() {
    // The library's own entries first: MIDL's order (help file, doc string,
    // LIBID, name, help-string DLL, custom data).
    helpfile_ = opt_string(lib_.helpfile);
    docstring_ = opt_string(lib_.d.helpstring);
    if (lib_.guid != GUID{}) add_guid(lib_.guid, -2);  // a library without one has posguid -1, as Windows writes it
    lib_name_ = add_name(lib_.d.name, -1, 0);
    helpstringdll_ = opt_string(lib_.helpstringdll);
    lib_cust_ = add_cust(lib_.d.custom);

    infos_.resize(lib_.types.size());
    for (std::size_t i = 0; i < lib_.types.size(); ++i) add_type(i);
    return assemble();
  }

 private:
  // ---- shared segments ---------------------------------------------------
  std::int32_t add_guid(const GUID& g, std::int32_t href) {
    std::string key(reinterpret_cast<const char*>(&g), sizeof g);
    if (auto it = guid_at_.find(key); it != guid_at_.end()) {
      if (href != -1) guids_.put32(it->second + 16, href);
      return it->second;
    }
    const std::int32_t at = guids_.size();
    guids_.raw(&g, sizeof g);
    guids_.i32(href);
    const unsigned h = guid_hash_key(g);
    guids_.i32(guid_hash_[h]);
    guid_hash_[h] = at;
    guid_at_.emplace(std::move(key), at);
    return at;
  }

  // A name's entry: found again case-insensitively (the first spelling
  // wins, as in every MSFT writer). `owner` is the typeinfo offset it
  // belongs to, or -1.
  std::int32_t add_name(const std::u16string& name16, std::int32_t owner, std::uint8_t flags) {
    const std::string name = to_utf8(name16);
    if (name.empty()) return -1;
    if (name.size() > 255) throw std::invalid_argument("a name longer than 255 bytes: " + name.substr(0, 40) + "...");
    const std::string key = fold(name);
    if (auto it = name_at_.find(key); it != name_at_.end()) {
      const std::int32_t at = it->second;
      if (owner != -1 && (flags & name_type_flag) == name_type_flag) {  // a type's name always names the type
        names_.put32(at, owner);
        names_.data[static_cast<std::size_t>(at) + 9] = flags;
      } else if (owner != -1 && read32(names_, at) == -1) {
        names_.put32(at, owner);
        names_.data[static_cast<std::size_t>(at) + 9] = flags;
      }
      return at;
    }
    const std::int32_t at = names_.size();
    const ULONG hash = lhash_name(lib_.syskind, hash_lcid_, name.c_str());
    names_.i32(owner);
    const unsigned bucket = hash & (name_buckets - 1);
    names_.i32(name_hash_[bucket]);
    name_hash_[bucket] = at;
    names_.u8(static_cast<std::uint8_t>(name.size()));
    names_.u8(flags);
    names_.u16(static_cast<std::uint16_t>(hash));
    names_.raw(name.data(), name.size());
    names_.pad4();
    name_at_.emplace(key, at);
    ++name_count_;
    name_chars_ += static_cast<std::int32_t>(name.size());
    return at;
  }

  static std::int32_t read32(const bytes& b, std::int32_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | b.data[static_cast<std::size_t>(at) + i];
    return static_cast<std::int32_t>(v);
  }

  std::int32_t add_string(const std::u16string& s16) {
    const std::string s = to_utf8(s16);
    if (s.size() > 0xFFFF) throw std::length_error("a string longer than 65535 bytes");
    if (auto it = string_at_.find(s); it != string_at_.end()) return it->second;
    const std::int32_t at = strings_.size();
    strings_.u16(static_cast<std::uint16_t>(s.size()));
    strings_.raw(s.data(), s.size());
    strings_.pad4();
    while (strings_.size() - at < 8) strings_.u8(pad_byte);
    string_at_.emplace(s, at);
    return at;
  }
  std::int32_t opt_string(const std::u16string& s) { return s.empty() ? -1 : add_string(s); }

  // A value: inline when it fits (integers in 26 bits), else in CustData.
  std::int32_t add_value(const value& v) {
    const std::uint64_t bits = static_cast<std::uint64_t>(v.i);
    switch (v.vt) {
      case VT_I1: case VT_UI1:
        return inline_value(v.vt, bits & 0xFF);
      case VT_I2: case VT_UI2: case VT_BOOL:
        return inline_value(v.vt, bits & 0xFFFF);
      case VT_I4: case VT_UI4: case VT_INT: case VT_UINT: case VT_HRESULT: case VT_ERROR:
        if ((bits & 0xFFFFFFFFu) <= inline_max) return inline_value(v.vt, bits & 0xFFFFFFFFu);
        break;
      default: break;
    }
    const std::int32_t at = custdata_.size();
    custdata_.u16(v.vt);
    switch (v.vt) {
      case VT_I1: case VT_UI1: case VT_I2: case VT_UI2: case VT_BOOL:
      case VT_I4: case VT_UI4: case VT_INT: case VT_UINT: case VT_HRESULT: case VT_ERROR:
        custdata_.i32(static_cast<std::int32_t>(bits));
        break;
      case VT_R4: {
        const float f = static_cast<float>(v.r);
        std::int32_t b;
        std::memcpy(&b, &f, 4);
        custdata_.i32(b);
        break;
      }
      case VT_R8: case VT_DATE: {
        std::uint64_t b;
        std::memcpy(&b, &v.r, 8);
        custdata_.i32(static_cast<std::int32_t>(b));
        custdata_.i32(static_cast<std::int32_t>(b >> 32));
        break;
      }
      case VT_I8: case VT_UI8: case VT_CY:
        custdata_.i32(static_cast<std::int32_t>(bits));
        custdata_.i32(static_cast<std::int32_t>(bits >> 32));
        break;
      case VT_BSTR: {
        const std::string s = to_utf8(v.s);
        custdata_.i32(checked(s.size()));
        custdata_.raw(s.data(), s.size());
        break;
      }
      default:
        throw std::invalid_argument("a constant of a VARTYPE type libraries do not store");
    }
    custdata_.pad4();
    return at;
  }
  static std::int32_t inline_value(VARTYPE vt, std::uint64_t v) {
    return static_cast<std::int32_t>(0x80000000u | (static_cast<std::uint32_t>(vt) << 26) | static_cast<std::uint32_t>(v));
  }

  // A custom-data list: nodes in the list's order, each `next` to the one
  // after it. Returns the head, or -1.
  std::int32_t add_cust(const cust_data& items) {
    std::int32_t head = -1, previous = -1;
    for (const cust_item& c : items) {
      const std::int32_t g = add_guid(c.guid, -1);
      const std::int32_t v = add_value(c.val);
      const std::int32_t at = cdguids_.size();
      cdguids_.i32(g);
      cdguids_.i32(v);
      cdguids_.i32(-1);
      if (previous >= 0) cdguids_.put32(previous + 8, at);
      else head = at;
      previous = at;
    }
    return head;
  }

  // ---- types ---------------------------------------------------------------
  std::int32_t href_of(const href& r) {
    switch (r.kind) {
      case href::local:
        if (r.index >= lib_.types.size()) throw std::invalid_argument("a reference to a type that is not in the library");
        return static_cast<std::int32_t>(r.index) * typeinfo_size;
      case href::imported:
        return import_type(r.index) | 1;
      case href::none: break;
    }
    throw std::invalid_argument("an empty type reference");
  }

  std::int32_t import_file(std::uint32_t i) {
    if (i >= lib_.imports.size()) throw std::invalid_argument("a reference to an import that is not in the library");
    if (auto it = impfile_at_.find(i); it != impfile_at_.end()) return it->second;
    const typelib::import_file& f = lib_.imports[i];
    const std::int32_t at = impfiles_.size();
    impfiles_.i32(add_guid(f.guid, 2));
    impfiles_.i32(static_cast<std::int32_t>(lib_.lcid));
    impfiles_.i32(f.major | (f.minor << 16));
    const std::string name = to_utf8(f.filename);
    if (name.empty() || name.size() > 0x3FFF) throw std::invalid_argument("an imported library's file name is empty or too long");
    impfiles_.u16(static_cast<std::uint16_t>((name.size() << 2) | 1));
    impfiles_.raw(name.data(), name.size());
    impfiles_.pad4();
    impfile_at_.emplace(i, at);
    return at;
  }

  std::int32_t import_type(std::uint32_t i) {
    if (i >= lib_.imported_types.size()) throw std::invalid_argument("a reference to an imported type that is not in the library");
    if (auto it = impinfo_at_.find(i); it != impinfo_at_.end()) return it->second;
    const imported_type& t = lib_.imported_types[i];
    const std::int32_t file = import_file(t.file);
    const std::int32_t at = impinfo_.size();
    const bool by_guid = t.guid != GUID{};
    const std::int32_t sequence = at / impinfo_size;
    impinfo_.i32(sequence | (by_guid ? impinfo_by_guid : 0) | (static_cast<std::int32_t>(t.kind) << 24));
    impinfo_.i32(file);
    impinfo_.i32(by_guid ? add_guid(t.guid, at | 1) : t.index);
    impinfo_at_.emplace(i, at);
    if (t.guid == iid_dispatch) dispatchpos_ = at | 1;
    return at;
  }

  // The hint word of a DataType (bits 16-30 of an inline one, the second
  // word of a typedesc entry).
  struct encoded {
    std::int32_t data;
    std::uint16_t hint;
    std::int32_t nested;  // bytes of TYPEDESC this expands to beyond the first
  };

  encoded encode(const type_desc& t) {
    switch (t.vt) {
      case VT_PTR: case VT_SAFEARRAY: {
        if (!t.inner) throw std::invalid_argument("a VT_PTR or VT_SAFEARRAY without its element type");
        const encoded in = encode(*t.inner);
        const std::uint16_t flag = t.vt == VT_PTR ? 0x4000 : 0x2000;
        std::uint16_t hint;
        if (in.hint >= 0x7FFE) hint = in.hint;
        else if (in.hint & flag) hint = 0x7FFE;
        else hint = static_cast<std::uint16_t>(in.hint | flag);
        return {typedesc(t.vt, hint, in.data), hint, in.nested + 8};
      }
      case VT_CARRAY: {
        if (!t.inner || t.bounds.empty() || t.bounds.size() > 0xFFF) throw std::invalid_argument("a VT_CARRAY without its element type or bounds");
        const encoded in = encode(*t.inner);
        const std::int32_t at = arraydescs_.size();
        arraydescs_.i32(in.data);
        arraydescs_.i32(static_cast<std::int32_t>(t.bounds.size() | (t.bounds.size() * 8) << 16));
        for (const SAFEARRAYBOUND& b : t.bounds) {
          arraydescs_.i32(static_cast<std::int32_t>(b.cElements));
          arraydescs_.i32(b.lLbound);
        }
        const std::int32_t td = typedescs_.size();  // never shared
        typedescs_.u16(VT_CARRAY);
        typedescs_.u16(0x7FFE);
        typedescs_.i32(at);
        return {td, 0x7FFE, in.nested + 20 + 8 * static_cast<std::int32_t>(t.bounds.size() - 1)};
      }
      case VT_USERDEFINED:
        return {typedesc(VT_USERDEFINED, 0x7FFF, href_of(t.ref)), 0x7FFF, 0};
      default: {
        if (t.vt & 0xF000) throw std::invalid_argument("a type description with VT_BYREF/VT_ARRAY/VT_VECTOR bits");
        std::uint16_t hint = t.vt;
        if (t.vt == VT_INT) hint = VT_I4;
        else if (t.vt == VT_UINT) hint = VT_UI4;
        else if (t.vt == VT_VOID) hint = VT_EMPTY;
        else if (t.vt == VT_LPSTR || t.vt == VT_LPWSTR) hint = 0x7FFE;
        return {static_cast<std::int32_t>(0x80000000u | (static_cast<std::uint32_t>(hint) << 16) | t.vt), hint, 0};
      }
    }
  }

  std::int32_t typedesc(VARTYPE vt, std::uint16_t hint, std::int32_t ref) {
    const std::uint64_t key = (static_cast<std::uint64_t>(vt) << 48) | (static_cast<std::uint64_t>(hint) << 32) | static_cast<std::uint32_t>(ref);
    if (auto it = typedesc_at_.find(key); it != typedesc_at_.end()) return it->second;
    const std::int32_t at = typedescs_.size();
    typedescs_.u16(vt);
    typedescs_.u16(hint);
    typedescs_.i32(ref);
    typedesc_at_.emplace(key, at);
    return at;
  }

  struct info_record {
    std::int32_t fields[typeinfo_size / 4];
  };

  void add_type(std::size_t index) {
    const type_data& t = lib_.types[index];
    const std::int32_t self = static_cast<std::int32_t>(index) * typeinfo_size;
    info_record& r = infos_[index];
    std::memset(&r, 0, sizeof r);
    const std::int32_t name = add_name(t.d.name, self, name_type_flag);
    if (name < 0) throw std::invalid_argument("a type without a name");
    const std::int32_t guid = t.guid == GUID{} ? -1 : add_guid(t.guid, self);
    const std::int32_t doc = opt_string(t.d.helpstring);
    const std::int32_t cust = add_cust(t.d.custom);
    std::int32_t datatype1 = -1, datatype2 = 0, impl_count = static_cast<std::int32_t>(t.impls.size());

    const bool vtable_dispatch = t.kind == TKIND_DISPATCH && !t.impls.empty();
    switch (t.kind) {
      case TKIND_ALIAS: {
        const encoded e = encode(t.alias);
        datatype1 = e.data;
        datatype2 = e.nested;
        break;
      }
      case TKIND_MODULE:
        datatype1 = opt_string(t.dllname);
        break;
      case TKIND_INTERFACE:
      case TKIND_DISPATCH:
        if (t.impls.size() > 1) throw std::invalid_argument("an interface with more than one base");
        if (!t.impls.empty()) {
          datatype1 = href_of(t.impls[0].ref);
          const std::int32_t inherited = t.size_vft / ptr_ - static_cast<std::int32_t>(t.funcs.size());
          datatype2 = (std::max(inherited, 0) << 16) | ancestors(t);
        } else if (t.kind == TKIND_DISPATCH) {
          impl_count = 1;  // IDispatch, through the header's dispatchpos
          if (dispatchpos_ == -1) need_dispatch_ = true;
        }
        break;
      case TKIND_COCLASS:
        if (!t.impls.empty()) datatype1 = reftab_.size();
        for (std::size_t i = 0; i < t.impls.size(); ++i) {
          const std::int32_t ref = href_of(t.impls[i].ref);
          reftab_.i32(ref);
          reftab_.i32(t.impls[i].flags);
          reftab_.i32(add_cust(t.impls[i].custom));
          reftab_.i32(i + 1 < t.impls.size() ? reftab_.size() + 4 : -1);
        }
        datatype2 = 0;
        break;
      default: break;
    }

    const member_block block = members(t, self);
    std::int32_t kind_bits = t.kind | 0x20;
    if (vtable_dispatch) kind_bits |= 0x10;
    std::int32_t second_alignment;
    switch (t.kind) {
      case TKIND_ENUM: second_alignment = 4; break;
      case TKIND_RECORD: case TKIND_UNION: case TKIND_ALIAS: second_alignment = t.alignment; break;
      case TKIND_DISPATCH: second_alignment = vtable_dispatch ? 8 : ptr_; break;
      default: second_alignment = 8; break;
    }
    r.fields[0] = kind_bits | ((second_alignment & 0x1F) << 6) | ((t.alignment & 0x1F) << 11) | (static_cast<std::int32_t>(index) << 16);
    r.fields[1] = 0;  // memoffset: patched by assemble()
    r.fields[2] = block.res2;
    r.fields[3] = block.res3;
    r.fields[4] = 3;
    r.fields[6] = static_cast<std::int32_t>(t.funcs.size() | (t.vars.size() << 16));
    r.fields[11] = guid;
    r.fields[12] = t.flags;
    r.fields[13] = name;
    r.fields[14] = t.major | (t.minor << 16);
    r.fields[15] = doc;
    r.fields[16] = static_cast<std::int32_t>(t.d.helpstringcontext);
    r.fields[17] = static_cast<std::int32_t>(t.d.helpcontext);
    r.fields[18] = cust;
    r.fields[19] = (impl_count & 0xFFFF) | (static_cast<std::int32_t>(t.size_vft) << 16);
    r.fields[20] = static_cast<std::int32_t>(t.size);
    r.fields[21] = datatype1;
    r.fields[22] = datatype2;
    r.fields[23] = 0;
    r.fields[24] = -1;
    blocks_.push_back(std::move(block.data));
  }

  // The number of interfaces below t (IUnknown counts one).
  std::int32_t ancestors(const type_data& t) const {
    std::int32_t n = 0;
    const type_data* at = &t;
    while (at && !at->impls.empty() && n < 64) {
      ++n;
      const href& base = at->impls[0].ref;
      if (base.kind == href::local && base.index < lib_.types.size()) {
        at = &lib_.types[base.index];
      } else {
        if (base.kind == href::imported && base.index < lib_.imported_types.size() &&
            lib_.imported_types[base.index].guid == iid_dispatch)
          ++n;  // IDispatch : IUnknown
        break;
      }
    }
    return n;
  }

  struct member_block {
    std::vector<std::uint8_t> data;
    std::int32_t res2 = 0, res3 = -1;
  };

  member_block members(const type_data& t, std::int32_t self) {
    member_block out;
    const std::size_t count = t.funcs.size() + t.vars.size();
    if (count == 0) return out;
    const bool member_names_flagged = t.kind == TKIND_ENUM || t.kind == TKIND_RECORD || t.kind == TKIND_UNION || t.kind == TKIND_MODULE;
    bytes records;
    std::vector<std::int32_t> ids, names, offsets;
    out.res2 = t.funcs.empty() ? 0x1A : 0x20;
    out.res3 = 0;
    for (std::size_t i = 0; i < t.funcs.size(); ++i) {
      const func_data& f = t.funcs[i];
      offsets.push_back(records.size());
      ids.push_back(f.memid);
      names.push_back(add_name(f.d.name, self, member_names_flagged ? 0x30 : 0));
      function(records, t, i);
      out.res2 <<= 1;
      if (i < 2) out.res2 += static_cast<std::int32_t>(f.params.size()) * 16;
      bool defaults = false;
      for (const param_data& p : f.params) defaults |= (p.flags & PARAMFLAG_FHASDEFAULT) != 0;
      out.res3 += 0x38 + 0x10 * static_cast<std::int32_t>(f.params.size()) + (defaults ? 4 * static_cast<std::int32_t>(f.params.size()) : 0);
    }
    for (std::size_t i = 0; i < t.vars.size(); ++i) {
      const var_data& v = t.vars[i];
      offsets.push_back(records.size());
      ids.push_back(v.memid);
      variable(records, v, t.kind == TKIND_DISPATCH ? t.funcs.size() + i : i);
      const std::uint8_t flags = t.kind == TKIND_ENUM ? 0x30 : member_names_flagged ? 0x10 : 0;
      names.push_back(add_name(v.d.name, self, flags));
      if (i == 0 || i == 1 || i == 2 || i == 4 || i == 9) out.res2 <<= 1;
      out.res3 += 0x2C;
    }
    bytes b;
    b.i32(records.size());
    b.raw(records.data.data(), records.data.size());
    for (std::int32_t v : ids) b.i32(v);
    for (std::int32_t v : names) b.i32(v);
    for (std::int32_t v : offsets) b.i32(v);
    out.data = std::move(b.data);
    return out;
  }

  void function(bytes& out, const type_data& t, std::size_t index) {
    const func_data& f = t.funcs[index];
    const std::int32_t nparams = static_cast<std::int32_t>(f.params.size());
    if (nparams > 0x7FFF) throw std::length_error("a function with too many parameters");
    const encoded result = encode(f.result);
    std::vector<encoded> types;
    std::int32_t descsize = 52 + 16 * nparams + result.nested;
    bool any_default = false, any_cust = !f.d.custom.empty();
    int special = 0;
    for (const param_data& p : f.params) {
      types.push_back(encode(p.type));
      descsize += types.back().nested;
      if (p.flags & PARAMFLAG_FHASDEFAULT) {
        any_default = true;
        descsize += 24;
      }
      any_cust |= !p.custom.empty();
      if (p.flags & (PARAMFLAG_FLCID | PARAMFLAG_FRETVAL)) ++special;
    }
    // Optional fields: the shortest prefix holding everything set.
    const bool ordinal = f.entry.empty() && f.entry_ordinal != 0;
    int optional = 0;
    if (any_cust) optional = 7 + nparams;
    else if (f.d.helpstringcontext) optional = 6;
    else if (!f.entry.empty() || ordinal) optional = 3;
    else if (!f.d.helpstring.empty()) optional = 2;
    else if (f.d.helpcontext) optional = 1;
    std::vector<std::int32_t> opt(static_cast<std::size_t>(optional), 0);
    if (optional > 0) opt[0] = static_cast<std::int32_t>(f.d.helpcontext);
    if (optional > 1) opt[1] = opt_string(f.d.helpstring);
    if (optional > 2) opt[2] = ordinal ? f.entry_ordinal : opt_string(f.entry);
    if (optional > 3) opt[3] = -1;
    if (optional > 4) opt[4] = -1;
    if (optional > 5) opt[5] = static_cast<std::int32_t>(f.d.helpstringcontext);
    if (optional > 6) opt[6] = add_cust(f.d.custom);
    for (std::int32_t i = 0; i < nparams && optional > 6; ++i) opt[7 + static_cast<std::size_t>(i)] = add_cust(f.params[static_cast<std::size_t>(i)].custom);
    std::vector<std::int32_t> defaults;
    if (any_default)
      for (const param_data& p : f.params) defaults.push_back(p.flags & PARAMFLAG_FHASDEFAULT ? add_value(p.default_value) : -1);

    // The next function with the same memid (a circular list).
    std::size_t next = index;
    for (std::size_t k = 1; k < t.funcs.size(); ++k) {
      const std::size_t j = (index + k) % t.funcs.size();
      if (t.funcs[j].memid == f.memid) {
        next = j;
        break;
      }
    }
    std::int32_t fkccic = (f.funckind & 7) | ((f.invkind & 0xF) << 3) | ((f.callconv & 0xF) << 8);
    if (any_cust) fkccic |= 0x80;
    if (any_default) fkccic |= 0x1000;
    if (ordinal) fkccic |= 0x2000;
    fkccic |= (std::min(special, 2) & 3) << 14;
    fkccic |= static_cast<std::int32_t>(next & 0xFFFF) << 16;

    const std::int32_t size = 24 + 4 * optional + 4 * static_cast<std::int32_t>(defaults.size()) + 12 * nparams;
    if (size > 0xFFFF) throw std::length_error("a function record larger than 64 KiB");
    out.i32(size | static_cast<std::int32_t>(index << 16));
    out.i32(result.data);
    out.i32(f.flags);
    out.u16(static_cast<std::uint16_t>(f.ovft));
    out.u16(static_cast<std::uint16_t>(std::min(descsize, 0x7FFF)));
    out.i32(fkccic);
    out.u16(static_cast<std::uint16_t>(nparams));
    out.u16(static_cast<std::uint16_t>(f.params_opt));
    for (std::int32_t v : opt) out.i32(v);
    for (std::int32_t v : defaults) out.i32(v);
    for (std::size_t i = 0; i < f.params.size(); ++i) {
      const param_data& p = f.params[i];
      out.i32(types[i].data);
      out.i32(p.name.empty() ? -1 : add_name(p.name, -1, 0));
      out.i32(p.flags);
    }
  }

  void variable(bytes& out, const var_data& v, std::size_t index) {
    const encoded type = encode(v.type);
    const std::int32_t value = v.varkind == VAR_CONST ? add_value(v.constant) : static_cast<std::int32_t>(v.offset);
    int optional = 0;
    if (v.d.helpstringcontext) optional = 5;
    else if (!v.d.custom.empty()) optional = 4;
    else if (!v.d.helpstring.empty()) optional = 2;
    else if (v.d.helpcontext) optional = 1;
    out.i32((0x14 + 4 * optional) | static_cast<std::int32_t>(index << 16));
    out.i32(type.data);
    out.i32(v.flags);
    out.u16(static_cast<std::uint16_t>(v.varkind));
    out.u16(static_cast<std::uint16_t>(36 + type.nested + (v.varkind == VAR_CONST ? 16 : 0)));
    out.i32(value);
    if (optional > 0) out.i32(static_cast<std::int32_t>(v.d.helpcontext));
    if (optional > 1) out.i32(opt_string(v.d.helpstring));
    if (optional > 2) out.i32(-1);
    if (optional > 3) out.i32(add_cust(v.d.custom));
    if (optional > 4) out.i32(static_cast<std::int32_t>(v.d.helpstringcontext));
  }

  // ---- the image -----------------------------------------------------------
  std::vector<std::uint8_t> assemble() {
    if (need_dispatch_ && dispatchpos_ == -1) {
      // A dispinterface's impl type is IDispatch: find it among the imports,
      // or it is a local type (stdole2 itself).
      for (std::uint32_t i = 0; i < lib_.imported_types.size() && dispatchpos_ == -1; ++i)
        if (lib_.imported_types[i].guid == iid_dispatch) import_type(i);
      for (std::size_t i = 0; i < lib_.types.size() && dispatchpos_ == -1; ++i)
        if (lib_.types[i].guid == iid_dispatch) dispatchpos_ = static_cast<std::int32_t>(i) * typeinfo_size;
      if (dispatchpos_ == -1) throw std::invalid_argument("a dispinterface in a library that does not import IDispatch");
    }
    const std::int32_t ntypes = checked(lib_.types.size());
    const bool has_dll = helpstringdll_ != -1;
    const std::int32_t directory_at = header_size + (has_dll ? 4 : 0) + 4 * ntypes;
    std::int32_t at = directory_at + segment_count * 16;

    bytes typeinfos;
    for (const info_record& r : infos_)
      for (std::int32_t v : r.fields) typeinfos.i32(v);
    bytes guid_hash, name_hash;
    for (std::int32_t v : guid_hash_) guid_hash.i32(v);
    for (std::int32_t v : name_hash_) name_hash.i32(v);

    struct placed {
      int directory;
      const bytes* b;
      bool always;
    };
    const placed order[] = {
        {seg_typeinfo, &typeinfos, false}, {seg_guidhash, &guid_hash, true}, {seg_guid, &guids_, false},
        {seg_ref, &reftab_, false},        {seg_impinfo, &impinfo_, false},  {seg_impfiles, &impfiles_, false},
        {seg_namehash, &name_hash, true},  {seg_name, &names_, false},       {seg_string, &strings_, false},
        {seg_typedesc, &typedescs_, false}, {seg_arraydesc, &arraydescs_, false}, {seg_custdata, &custdata_, false},
        {seg_cdguids, &cdguids_, false},
    };
    std::int32_t seg_offset[segment_count], seg_length[segment_count];
    for (int i = 0; i < segment_count; ++i) seg_offset[i] = -1, seg_length[i] = 0;
    for (const placed& p : order) {
      if (p.b->data.empty() && !p.always) continue;
      seg_offset[p.directory] = at;
      seg_length[p.directory] = p.b->size();
      at = checked(static_cast<std::size_t>(at) + p.b->data.size());
    }
    // Member blocks follow; a typeinfo without one points where the next would start.
    std::vector<std::int32_t> memoffset(lib_.types.size());
    for (std::size_t i = 0; i < lib_.types.size(); ++i) {
      memoffset[i] = at;
      at = checked(static_cast<std::size_t>(at) + blocks_[i].size());
    }
    for (std::size_t i = 0; i < lib_.types.size(); ++i) typeinfos.put32(static_cast<std::int32_t>(i) * typeinfo_size + 4, memoffset[i]);

    bytes out;
    out.data.reserve(static_cast<std::size_t>(at));
    out.i32(static_cast<std::int32_t>(magic1));
    out.i32(magic2);
    out.i32(lib_.guid != GUID{} ? 0 : -1);  // the LIBID is the first GUID
    out.i32(static_cast<std::int32_t>(hash_lcid_));
    out.i32(static_cast<std::int32_t>(lib_.lcid));
    out.i32(lib_.syskind | varflags_always | (helpfile_ != -1 ? varflags_helpfile : 0) | (has_dll ? varflags_helpstringdll : 0));
    out.i32(lib_.major | (lib_.minor << 16));
    out.i32(lib_.flags & (LIBFLAG_FRESTRICTED | LIBFLAG_FCONTROL | LIBFLAG_FHIDDEN));
    out.i32(ntypes);
    out.i32(docstring_);
    out.i32(static_cast<std::int32_t>(lib_.d.helpstringcontext));
    out.i32(static_cast<std::int32_t>(lib_.d.helpcontext));
    out.i32(name_count_);
    out.i32(name_chars_);
    out.i32(lib_name_);
    out.i32(helpfile_);
    out.i32(lib_cust_);
    out.i32(guid_buckets);
    out.i32(name_buckets);
    out.i32(dispatchpos_);
    out.i32(impinfo_.size() / impinfo_size);
    if (has_dll) out.i32(helpstringdll_);
    for (std::int32_t i = 0; i < ntypes; ++i) out.i32(i * typeinfo_size);
    for (int i = 0; i < segment_count; ++i) {
      out.i32(seg_offset[i]);
      out.i32(seg_length[i]);
      out.i32(-1);
      out.i32(0x0F);
    }
    for (const placed& p : order) out.raw(p.b->data.data(), p.b->data.size());
    for (const auto& b : blocks_) out.raw(b.data(), b.size());
    return std::move(out.data);
  }

  const library& lib_;
  std::int32_t ptr_ = 8;
  LCID hash_lcid_ = 0x0409;
  bytes guids_, names_, strings_, typedescs_, arraydescs_, custdata_, cdguids_, impinfo_, impfiles_, reftab_;
  std::int32_t guid_hash_[guid_buckets];
  std::int32_t name_hash_[name_buckets];
  std::unordered_map<std::string, std::int32_t> guid_at_, name_at_, string_at_;
  std::unordered_map<std::uint64_t, std::int32_t> typedesc_at_;
  std::map<std::uint32_t, std::int32_t> impfile_at_, impinfo_at_;
  std::vector<info_record> infos_;
  std::vector<std::vector<std::uint8_t>> blocks_;
  std::int32_t helpfile_ = -1, docstring_ = -1, lib_name_ = -1, helpstringdll_ = -1, lib_cust_ = -1;
  std::int32_t dispatchpos_ = -1;
  bool need_dispatch_ = false;
  std::int32_t name_count_ = 0, name_chars_ = 0;
};

}  // namespace

std::vector<std::uint8_t> write_msft(const library& lib) { return writer(lib).run(); }

}  // namespace comkit::typelib
