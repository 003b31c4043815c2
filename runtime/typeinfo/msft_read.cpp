// runtime/typeinfo/msft_read.cpp - an MSFT image back into a library.
//
// The image comes from outside (a file, a resource in a server): every
// offset, length and count is checked against the image before it is
// followed, chains are walked with a bound, and nested type descriptions
// with a depth limit, so any input gives a library or an error and never a
// read out of bounds, a hang or unbounded memory. fuzz/typelib_fuzzer.cpp
// drives it.
#include <cstring>
#include <map>

#include "msft_format.h"
#include "typelib_data.h"

namespace comkit::typelib {
namespace {

using namespace msft;

struct bad_image {
  HRESULT hr;
};

[[noreturn]] void fail(HRESULT hr = TYPE_E_CANTLOADLIBRARY) { throw bad_image{hr}; }

std::u16string widen(const std::uint8_t* p, std::size_t n) {  // UTF-8, else each byte as Latin-1
  std::u16string out;
  out.reserve(n);
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t b = p[i];
    std::uint32_t c = b;
    std::size_t len = 1;
    if (b >= 0xC2 && b < 0xE0) len = 2, c = b & 0x1F;
    else if (b >= 0xE0 && b < 0xF0) len = 3, c = b & 0x0F;
    else if (b >= 0xF0 && b < 0xF5) len = 4, c = b & 0x07;
    bool ok = len == 1 || i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) ok = false;
      else c = (c << 6) | (p[i + k] & 0x3F);
    }
    if (ok && len > 1 && ((len == 3 && (c < 0x800 || (c >= 0xD800 && c < 0xE000))) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)))) ok = false;
    if (!ok) len = 1, c = b;
    if (c >= 0x10000) {
      out += static_cast<char16_t>(0xD800 + ((c - 0x10000) >> 10));
      out += static_cast<char16_t>(0xDC00 + ((c - 0x10000) & 0x3FF));
    } else {
      out += static_cast<char16_t>(c);
    }
    i += len;
  }
  return out;
}

class reader {
 public:
  explicit reader(std::span<const std::uint8_t> image) : img_(image), text_budget_(16 * image.size() + (1u << 20)) {}

  void run(library& lib) {
    if (img_.size() < static_cast<std::size_t>(header_size)) fail(TYPE_E_INVDATAREAD);
    if (u32(0) != magic1) fail();
    const std::int32_t varflags = i32(0x14);
    if ((varflags & 0xF) > SYS_WIN64) fail();
    lib.syskind = static_cast<SYSKIND>(varflags & 0xF);
    lib.lcid = static_cast<LCID>(i32(0x10));
    const std::int32_t version = i32(0x18);
    lib.major = static_cast<WORD>(version);
    lib.minor = static_cast<WORD>(version >> 16);
    lib.flags = static_cast<WORD>(i32(0x1C) & 0xFFFF);
    const std::int32_t ntypes = i32(0x20);
    if (ntypes < 0 || static_cast<std::size_t>(ntypes) > img_.size() / typeinfo_size) fail();
    std::int32_t at = header_size;
    std::int32_t helpstringdll = -1;
    if (varflags & varflags_helpstringdll) {
      helpstringdll = i32(at);
      at += 4;
    }
    at += 4 * ntypes;
    for (int s = 0; s < segment_count; ++s, at += 16) {
      const std::int32_t offset = i32(at), length = i32(at + 4);
      if (s <= seg_impinfo && i32(at + 12) != 0x0F) fail();
      if (offset == -1 || length <= 0) continue;
      if (offset < 0 || static_cast<std::size_t>(offset) + static_cast<std::size_t>(length) > img_.size()) fail(TYPE_E_INVDATAREAD);
      seg_[s] = img_.subspan(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
    }

    read_imports(lib);
    if (i32(0x08) != -1) lib.guid = guid(i32(0x08));
    lib.d.name = name(i32(0x38));
    lib.d.helpstring = string(i32(0x24));
    lib.d.helpstringcontext = static_cast<std::uint32_t>(i32(0x28));
    lib.d.helpcontext = static_cast<std::uint32_t>(i32(0x2C));
    lib.helpfile = string(i32(0x3C));
    lib.helpstringdll = string(helpstringdll);
    lib.d.custom = cust(i32(0x40));

    ntypes_ = ntypes;
    if (static_cast<std::size_t>(ntypes) * typeinfo_size > seg_[seg_typeinfo].size()) fail(TYPE_E_INVDATAREAD);
    lib.types.resize(static_cast<std::size_t>(ntypes));
    for (std::int32_t i = 0; i < ntypes; ++i) read_type(lib.types[static_cast<std::size_t>(i)], i);
  }

  // The functions and variables of type `index` (open has read its own
  // record). Their block's bounds were checked by open.
  void members(type_data& t, std::int32_t index) const {
    if (index < 0 || index >= ntypes_) fail();
    const auto s = seg_[seg_typeinfo];
    const std::size_t base = static_cast<std::size_t>(index) * typeinfo_size;
    const std::int32_t elements = i32(s, base + 24);
    const std::size_t nfuncs = static_cast<std::uint16_t>(elements), nvars = static_cast<std::uint16_t>(elements >> 16);
    t.funcs.clear();
    t.vars.clear();
    if (nfuncs + nvars) read_members(t, offset(i32(s, base + 4)), nfuncs, nvars);
  }

 private:
  // ---- raw access ----------------------------------------------------------
  std::uint32_t u32(std::size_t at) const { return u32(img_, at); }
  std::int32_t i32(std::size_t at) const { return static_cast<std::int32_t>(u32(at)); }
  static std::uint32_t u32(std::span<const std::uint8_t> s, std::size_t at) {
    if (at > s.size() || s.size() - at < 4) fail(TYPE_E_INVDATAREAD);
    return static_cast<std::uint32_t>(s[at]) | static_cast<std::uint32_t>(s[at + 1]) << 8 | static_cast<std::uint32_t>(s[at + 2]) << 16 |
           static_cast<std::uint32_t>(s[at + 3]) << 24;
  }
  static std::uint16_t u16(std::span<const std::uint8_t> s, std::size_t at) {
    if (at > s.size() || s.size() - at < 2) fail(TYPE_E_INVDATAREAD);
    return static_cast<std::uint16_t>(s[at] | s[at + 1] << 8);
  }
  static std::int32_t i32(std::span<const std::uint8_t> s, std::size_t at) { return static_cast<std::int32_t>(u32(s, at)); }
  static std::size_t offset(std::int32_t v) {
    if (v < 0) fail(TYPE_E_INVDATAREAD);
    return static_cast<std::size_t>(v);
  }

  GUID guid(std::int32_t at) const {
    const auto s = seg_[seg_guid];
    const std::size_t o = offset(at);
    if (o > s.size() || s.size() - o < 16) fail(TYPE_E_INVDATAREAD);
    GUID g;
    std::memcpy(&g, s.data() + o, sizeof g);
    return g;
  }

  std::u16string name(std::int32_t at) const {
    if (at == -1) return {};
    const auto s = seg_[seg_name];
    const std::size_t o = offset(at);
    if (o > s.size() || s.size() - o < 12) fail(TYPE_E_INVDATAREAD);
    const std::size_t n = s[o + 8];
    if (s.size() - o - 12 < n) fail(TYPE_E_INVDATAREAD);
    charge(n);
    return widen(s.data() + o + 12, n);
  }

  std::u16string string(std::int32_t at) const {
    if (at == -1) return {};
    const auto s = seg_[seg_string];
    const std::size_t o = offset(at);
    const std::size_t n = u16(s, o);
    if (s.size() - o - 2 < n) fail(TYPE_E_INVDATAREAD);
    charge(n);
    return widen(s.data() + o + 2, n);
  }

  value read_value(std::int32_t v) const {
    value out;
    if (v < 0) {
      const auto u = static_cast<std::uint32_t>(v);
      out.vt = static_cast<VARTYPE>((u >> 26) & 0x1F);
      const std::uint32_t bits = u & inline_max;
      switch (out.vt) {
        case VT_I1: out.i = static_cast<std::int8_t>(bits); break;
        case VT_I2: case VT_BOOL: out.i = static_cast<std::int16_t>(bits); break;
        case VT_R4: {
          float f;
          std::memcpy(&f, &bits, 4);
          out.r = f;
          break;
        }
        default: out.i = bits; break;
      }
      return out;
    }
    const auto s = seg_[seg_custdata];
    const std::size_t o = offset(v);
    out.vt = u16(s, o);
    switch (out.vt) {
      case VT_I1: out.i = static_cast<std::int8_t>(u32(s, o + 2)); break;
      case VT_I2: case VT_BOOL: out.i = static_cast<std::int16_t>(u32(s, o + 2)); break;
      case VT_UI1: out.i = static_cast<std::uint8_t>(u32(s, o + 2)); break;
      case VT_UI2: out.i = static_cast<std::uint16_t>(u32(s, o + 2)); break;
      case VT_I4: case VT_INT: case VT_HRESULT: case VT_ERROR: out.i = i32(s, o + 2); break;
      case VT_UI4: case VT_UINT: out.i = u32(s, o + 2); break;
      case VT_R4: {
        const std::uint32_t bits = u32(s, o + 2);
        float f;
        std::memcpy(&f, &bits, 4);
        out.r = f;
        break;
      }
      case VT_R8: case VT_DATE: {
        const std::uint64_t bits = u32(s, o + 2) | static_cast<std::uint64_t>(u32(s, o + 6)) << 32;
        std::memcpy(&out.r, &bits, 8);
        break;
      }
      case VT_I8: case VT_UI8: case VT_CY:
        out.i = static_cast<std::int64_t>(u32(s, o + 2) | static_cast<std::uint64_t>(u32(s, o + 6)) << 32);
        break;
      case VT_BSTR: {
        const std::int32_t n = i32(s, o + 2);
        if (n == -1) break;  // a NULL BSTR
        if (n < 0 || s.size() - (o + 6) < static_cast<std::size_t>(n)) fail(TYPE_E_INVDATAREAD);
        charge(static_cast<std::size_t>(n));
        out.s = widen(s.data() + o + 6, static_cast<std::size_t>(n));
        break;
      }
      default: fail();  // not a kind a type library stores
    }
    return out;
  }

  cust_data cust(std::int32_t head) const {
    cust_data out;
    const auto s = seg_[seg_cdguids];
    for (std::int32_t at = head; at != -1; at = i32(s, offset(at) + 8)) {
      // Each node belongs to one list in a real file: more nodes read than
      // there are is a cycle or lists sharing nodes, which would multiply.
      if (++cust_read_ > s.size() / 12) fail();
      out.push_back({guid(i32(s, offset(at))), read_value(i32(s, offset(at) + 4))});
    }
    return out;
  }

  // ---- imports -------------------------------------------------------------
  void read_imports(library& lib) {
    const auto files = seg_[seg_impfiles];
    std::map<std::int32_t, std::uint32_t> file_at;
    for (std::size_t at = 0; at + 14 <= files.size();) {
      import_file f;
      f.guid = guid(i32(files, at));
      f.lcid = static_cast<LCID>(i32(files, at + 4));
      const std::int32_t version = i32(files, at + 8);
      f.major = static_cast<WORD>(version);
      f.minor = static_cast<WORD>(version >> 16);
      const std::size_t n = u16(files, at + 12) >> 2;
      if (files.size() - at - 14 < n) fail(TYPE_E_INVDATAREAD);
      f.filename = widen(files.data() + at + 14, n);
      file_at.emplace(static_cast<std::int32_t>(at), static_cast<std::uint32_t>(lib.imports.size()));
      lib.imports.push_back(std::move(f));
      at += (14 + n + 3) & ~std::size_t{3};
    }
    const auto infos = seg_[seg_impinfo];
    for (std::size_t at = 0; at + impinfo_size <= infos.size(); at += impinfo_size) {
      const std::int32_t flags = i32(infos, at);
      const auto file = file_at.find(i32(infos, at + 4));
      if (file == file_at.end()) fail();
      imported_type t;
      t.file = file->second;
      const std::int32_t target = i32(infos, at + 8);
      if (flags & impinfo_by_guid) t.guid = guid(target);
      else t.index = target;
      const int kind = (flags >> 24) & 0xFF;
      t.kind = kind < TKIND_MAX ? static_cast<TYPEKIND>(kind) : TKIND_INTERFACE;
      lib.imported_types.push_back(t);
    }
  }

  href read_href(std::int32_t v) const {
    href r;
    if (v & 1) {
      const std::size_t at = offset(v & ~3);
      if (at % impinfo_size || at / impinfo_size >= seg_[seg_impinfo].size() / impinfo_size) fail();
      r.kind = href::imported;
      r.index = static_cast<std::uint32_t>(at / impinfo_size);
    } else {
      const std::size_t at = offset(v & ~3);
      if (at % typeinfo_size || at / typeinfo_size >= static_cast<std::size_t>(ntypes_)) fail();
      r.kind = href::local;
      r.index = static_cast<std::uint32_t>(at / typeinfo_size);
    }
    return r;
  }

  type_desc read_type_desc(std::int32_t v, int depth = 0) const {
    if (depth > 32) fail();  // deeper than any real type, or a cycle
    type_desc t;
    if (v < 0) {
      t.vt = static_cast<VARTYPE>(v & 0x0FFF);
      return t;
    }
    const auto s = seg_[seg_typedesc];
    const std::size_t at = offset(v);
    const VARTYPE vt = u16(s, at);
    const std::int32_t ref = i32(s, at + 4);
    t.vt = vt;
    switch (vt) {
      case VT_PTR: case VT_SAFEARRAY:
        t.inner = std::make_shared<type_desc>(read_type_desc(ref, depth + 1));
        break;
      case VT_CARRAY: {
        const auto a = seg_[seg_arraydesc];
        const std::size_t o = offset(ref);
        const std::int32_t element = i32(a, o);
        const std::size_t dims = u16(a, o + 4);
        if (dims == 0 || (a.size() - o - 8) / 8 < dims) fail(TYPE_E_INVDATAREAD);
        for (std::size_t d = 0; d < dims; ++d)
          t.bounds.push_back({u32(a, o + 8 + 8 * d), i32(a, o + 12 + 8 * d)});
        t.inner = std::make_shared<type_desc>(read_type_desc(element, depth + 1));
        break;
      }
      case VT_USERDEFINED:
        t.ref = read_href(ref);
        break;
      default: fail();
    }
    return t;
  }

  // ---- typeinfos -----------------------------------------------------------
  void read_type(type_data& t, std::int32_t index) const {
    const auto s = seg_[seg_typeinfo];
    const std::size_t base = static_cast<std::size_t>(index) * typeinfo_size;
    auto field = [&](int k) { return i32(s, base + 4 * static_cast<std::size_t>(k)); };
    const std::int32_t typekind = field(0);
    if ((typekind & 0xF) >= TKIND_MAX) fail();
    t.kind = static_cast<TYPEKIND>(typekind & 0xF);
    t.alignment = static_cast<WORD>((typekind >> 11) & 0x1F);
    const std::int32_t elements = field(6);
    const std::size_t nfuncs = static_cast<std::uint16_t>(elements), nvars = static_cast<std::uint16_t>(elements >> 16);
    if (field(11) != -1) t.guid = guid(field(11));
    t.flags = static_cast<WORD>(field(12));
    t.d.name = name(field(13));
    t.major = static_cast<WORD>(field(14));
    t.minor = static_cast<WORD>(field(14) >> 16);
    t.d.helpstring = string(field(15));
    t.d.helpstringcontext = static_cast<std::uint32_t>(field(16));
    t.d.helpcontext = static_cast<std::uint32_t>(field(17));
    t.d.custom = cust(field(18));
    const std::size_t nimpls = static_cast<std::uint16_t>(field(19));
    t.size_vft = static_cast<WORD>(static_cast<std::uint32_t>(field(19)) >> 16);
    t.size = static_cast<std::uint32_t>(field(20));
    const std::int32_t datatype1 = field(21);
    switch (t.kind) {
      case TKIND_ALIAS: t.alias = read_type_desc(datatype1); break;
      case TKIND_MODULE: t.dllname = string(datatype1); break;
      case TKIND_INTERFACE: case TKIND_DISPATCH:
        if (nimpls > 0 && datatype1 != -1) t.impls.push_back({read_href(datatype1), 0});
        break;
      case TKIND_COCLASS: {
        const auto refs = seg_[seg_ref];
        std::int32_t at = nimpls ? datatype1 : -1;
        for (std::size_t k = 0; k < nimpls && at != -1; ++k) {
          const std::size_t o = offset(at);
          t.impls.push_back({read_href(i32(refs, o)), i32(refs, o + 4), cust(i32(refs, o + 8))});
          at = i32(refs, o + 12);
        }
        break;
      }
      default: break;
    }
    // The members are read on demand (members()); that their block lies
    // in the image is checked now, so a truncated file fails to load.
    if (nfuncs + nvars) member_block(offset(field(1)), nfuncs + nvars);
  }

  // The length of the member block at `at`, checked: its records, then
  // three arrays of `count` words (memids, names, record offsets).
  std::size_t member_block(std::size_t at, std::size_t count) const {
    const std::size_t length = offset(i32(at));
    if (img_.size() - at - 4 < length || (img_.size() - at - 4 - length) / 12 < count) fail(TYPE_E_INVDATAREAD);
    return length;
  }

  void read_members(type_data& t, std::size_t at, std::size_t nfuncs, std::size_t nvars) const {
    const std::size_t count = nfuncs + nvars;
    const std::size_t length = member_block(at, count);
    const auto records = img_.subspan(at + 4, length);
    const std::size_t arrays = at + 4 + length;
    auto memid = [&](std::size_t k) { return i32(arrays + 4 * k); };
    auto name_of = [&](std::size_t k) { return i32(arrays + 4 * (count + k)); };
    auto record_at = [&](std::size_t k) { return i32(arrays + 4 * (2 * count + k)); };

    std::u16string previous;
    std::size_t o = 0;
    for (std::size_t k = 0; k < nfuncs; ++k) {
      func_data f;
      const std::size_t size = u16(records, o);
      if (size < 24 || size > records.size() - o) fail(TYPE_E_INVDATAREAD);
      const auto r = records.subspan(o, size);
      f.result = read_type_desc(i32(r, 4));
      f.flags = static_cast<WORD>(i32(r, 8));
      f.ovft = static_cast<SHORT>(u16(r, 12) & ~1);
      const std::int32_t fkccic = i32(r, 16);
      f.funckind = static_cast<FUNCKIND>(fkccic & 7);
      f.invkind = static_cast<INVOKEKIND>((fkccic >> 3) & 0xF);
      f.callconv = static_cast<CALLCONV>((fkccic >> 8) & 0xF);
      const std::size_t nparams = u16(r, 20);
      f.params_opt = static_cast<SHORT>(u16(r, 22));
      const bool has_defaults = fkccic & 0x1000;
      const std::size_t fixed = 24 + 12 * nparams + (has_defaults ? 4 * nparams : 0);
      if (fixed > size) fail(TYPE_E_INVDATAREAD);
      const std::size_t optional = (size - fixed) / 4;
      auto opt = [&](std::size_t i, std::int32_t otherwise) { return i < optional ? i32(r, 24 + 4 * i) : otherwise; };
      f.d.helpcontext = static_cast<std::uint32_t>(opt(0, 0));
      f.d.helpstring = string(opt(1, -1));
      const std::int32_t entry = opt(2, -1);
      if (fkccic & 0x2000) f.entry_ordinal = static_cast<std::uint16_t>(entry);
      else f.entry = string(entry);
      f.d.helpstringcontext = static_cast<std::uint32_t>(opt(5, 0));
      const bool has_cust = fkccic & 0x80;
      if (has_cust) f.d.custom = cust(opt(6, -1));
      const std::size_t params_at = size - 12 * nparams;
      const std::size_t defaults_at = params_at - (has_defaults ? 4 * nparams : 0);
      for (std::size_t p = 0; p < nparams; ++p) {
        param_data pd;
        pd.type = read_type_desc(i32(r, params_at + 12 * p));
        pd.name = name(i32(r, params_at + 12 * p + 4));
        pd.flags = static_cast<USHORT>(i32(r, params_at + 12 * p + 8));
        if (has_defaults && (pd.flags & PARAMFLAG_FHASDEFAULT)) {
          const std::int32_t v = i32(r, defaults_at + 4 * p);
          if (v != -1) pd.default_value = read_value(v);
        }
        if (has_cust) pd.custom = cust(opt(7 + p, -1));
        f.params.push_back(std::move(pd));
      }
      f.memid = memid(k);
      f.d.name = name_of(k) == -1 ? previous : name(name_of(k));
      previous = f.d.name;
      t.funcs.push_back(std::move(f));
      o += size;
    }
    if (nvars) o = offset(record_at(nfuncs));
    for (std::size_t k = 0; k < nvars; ++k) {
      var_data v;
      if (o > records.size()) fail(TYPE_E_INVDATAREAD);
      const std::size_t size = u16(records, o) & 0xFF;
      if (size < 0x14 || size > records.size() - o) fail(TYPE_E_INVDATAREAD);
      const auto r = records.subspan(o, size);
      v.type = read_type_desc(i32(r, 4));
      v.flags = static_cast<WORD>(i32(r, 8));
      const unsigned varkind = u16(r, 12);
      if (varkind > VAR_DISPATCH) fail();
      v.varkind = static_cast<VARKIND>(varkind);
      if (v.varkind == VAR_CONST) v.constant = read_value(i32(r, 16));
      else v.offset = u32(r, 16);
      const std::size_t optional = (size - 0x14) / 4;
      if (optional > 0) v.d.helpcontext = u32(r, 0x14);
      if (optional > 1) v.d.helpstring = string(i32(r, 0x18));
      if (optional > 3) v.d.custom = cust(i32(r, 0x20));
      if (optional > 4) v.d.helpstringcontext = u32(r, 0x24);
      v.memid = memid(nfuncs + k);
      v.d.name = name(name_of(nfuncs + k));
      t.vars.push_back(std::move(v));
      o += size;
    }
  }

  // Decoded text is bounded by a multiple of the image: many references to
  // one long string must not multiply into gigabytes.
  void charge(std::size_t n) const {
    if (n > text_budget_) fail();
    text_budget_ -= n;
  }

  std::span<const std::uint8_t> img_;
  mutable std::size_t text_budget_;
  mutable std::size_t cust_read_ = 0;
  std::span<const std::uint8_t> seg_[segment_count];
  std::int32_t ntypes_ = 0;
};

}  // namespace

bool looks_like_msft(std::span<const std::uint8_t> image) {
  return image.size() >= 4 && image[0] == 'M' && image[1] == 'S' && image[2] == 'F' && image[3] == 'T';
}

namespace {

template <class F>
HRESULT guarded(F&& f) noexcept {
  try {
    f();
    return S_OK;
  } catch (const bad_image& e) {
    return e.hr;
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  } catch (const std::length_error&) {
    return E_OUTOFMEMORY;
  }
}

}  // namespace

HRESULT read_msft(std::span<const std::uint8_t> image, library& out) {
  return guarded([&] {
    out = library{};
    reader r(image);
    r.run(out);
    for (std::size_t i = 0; i < out.types.size(); ++i) r.members(out.types[i], static_cast<std::int32_t>(i));
  });
}

struct msft_reader::state {
  explicit state(std::vector<std::uint8_t> bytes) : image(std::move(bytes)), r(image) {}
  std::vector<std::uint8_t> image;  // r's spans point into it
  reader r;
};

msft_reader::msft_reader() = default;
msft_reader::~msft_reader() = default;

HRESULT msft_reader::open(std::vector<std::uint8_t> image, library& out) {
  s_.reset();
  return guarded([&] {
    auto s = std::make_unique<state>(std::move(image));
    out = library{};
    s->r.run(out);
    s_ = std::move(s);
  });
}

HRESULT msft_reader::members(std::uint32_t index, type_data& t) {
  if (!s_) return E_UNEXPECTED;
  const HRESULT hr = guarded([&] { s_->r.members(t, static_cast<std::int32_t>(index)); });
  if (FAILED(hr)) t.funcs.clear(), t.vars.clear();
  return hr;
}

std::span<const std::uint8_t> msft_reader::image() const {
  return s_ ? std::span<const std::uint8_t>(s_->image) : std::span<const std::uint8_t>();
}

bool type_desc::operator==(const type_desc& o) const {
  if (vt != o.vt || bounds.size() != o.bounds.size() || !(ref == o.ref)) return false;
  for (std::size_t i = 0; i < bounds.size(); ++i)
    if (bounds[i].cElements != o.bounds[i].cElements || bounds[i].lLbound != o.bounds[i].lLbound) return false;
  if (!inner || !o.inner) return !inner && !o.inner;
  return *inner == *o.inner;
}

}  // namespace comkit::typelib
