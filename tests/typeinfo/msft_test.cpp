// tests/typeinfo/msft_test.cpp - the MSFT reader and writer, against type
// libraries widl 8.0 wrote for tests/typeinfo/data/*.idl (win32 and win64).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

#include "msft_image.h"
#include "typelib_data.h"

namespace {

using namespace comkit::typelib;

std::vector<std::uint8_t> load(const char* name) {
  std::ifstream f(std::string(COMKIT_TYPEINFO_DATA) + "/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

library read(const char* name) {
  const auto image = load(name);
  EXPECT_FALSE(image.empty()) << name;
  library lib;
  EXPECT_EQ(read_msft(image, lib), S_OK) << name;
  return lib;
}

const type_data* find(const library& lib, std::u16string_view name) {
  for (const type_data& t : lib.types)
    if (t.d.name == name) return &t;
  return nullptr;
}

TEST(Msft, NameHashesAreWindows) {
  // Stored beside each name in widl's files (and Wine's own stdole2).
  EXPECT_EQ(lhash_name(SYS_WIN64, 0x407, "Sample2"), 0x00109737u);
  EXPECT_EQ(lhash_name(SYS_WIN64, 0x407, "MYLONG"), 0x00109816u);
  EXPECT_EQ(lhash_name(SYS_WIN32, 0x407, "PBOOLALIAS"), 0x0010c56bu);
  EXPECT_EQ(lhash_name(SYS_WIN64, 0x409, "mylong"), lhash_name(SYS_WIN64, 0x409, "MYLONG")) << "case-insensitive";
  EXPECT_EQ(lhash_name(SYS_MAC, 0x409, "MYLONG") >> 16, 0x11u);
  EXPECT_EQ(lhash_name(SYS_WIN32, 0x0419, "x") >> 16, 224u) << "Russian has its own table";
  EXPECT_EQ(lhash_name(SYS_WIN32, 0x409, nullptr), 0u);
}

TEST(Msft, ReadsWhatWidlWrites) {
  const library lib = read("s2_64.tlb");
  EXPECT_EQ(lib.d.name, u"Sample2");
  EXPECT_EQ(lib.syskind, SYS_WIN64);
  EXPECT_EQ(lib.lcid, 0x407u);
  EXPECT_EQ(lib.major, 3);
  EXPECT_EQ(lib.minor, 4);
  EXPECT_EQ(lib.flags, LIBFLAG_FCONTROL);
  EXPECT_EQ(lib.helpfile, u"sample2.hlp");
  EXPECT_EQ(lib.helpstringdll, u"sample2.dll");
  EXPECT_EQ(lib.d.helpcontext, 55u);
  // custom(9d6b4e2f-...) "libcustom", beside widl's own three items.
  const GUID libcustom = {0x9d6b4e2f, 0x2c3d, 0x4e4f, {0xa0, 0x51, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}};
  int found = 0;
  for (const cust_item& c : lib.d.custom)
    if (c.guid == libcustom) found += c.val.vt == VT_BSTR && c.val.s == u"libcustom";
  EXPECT_EQ(found, 1);
  ASSERT_EQ(lib.imports.size(), 1u);
  EXPECT_EQ(lib.imports[0].filename, u"stdole2.tlb");
  EXPECT_EQ(lib.imports[0].major, 2);

  ASSERT_EQ(lib.types.size(), 9u);
  const char16_t* names[] = {u"MYLONG", u"PBOOLALIAS", u"U", u"Mod", u"IBase", u"IDerived", u"ILocalChild", u"DWrap", u"C2"};
  const TYPEKIND kinds[] = {TKIND_ALIAS, TKIND_ALIAS, TKIND_UNION, TKIND_MODULE, TKIND_INTERFACE, TKIND_DISPATCH, TKIND_INTERFACE, TKIND_DISPATCH, TKIND_COCLASS};
  for (std::size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(lib.types[i].d.name, names[i]);
    EXPECT_EQ(lib.types[i].kind, kinds[i]) << i;
  }
  EXPECT_EQ(lib.types[0].alias.vt, VT_I4);
  ASSERT_EQ(lib.types[1].alias.vt, VT_PTR);
  EXPECT_EQ(lib.types[1].alias.inner->vt, VT_BOOL);

  const type_data& mod = lib.types[3];
  EXPECT_EQ(mod.dllname, u"sample2.dll");
  ASSERT_EQ(mod.funcs.size(), 2u);
  EXPECT_EQ(mod.funcs[1].entry_ordinal, 42);
  EXPECT_EQ(mod.funcs[1].d.helpstring, u"ordinal function");
  EXPECT_EQ(mod.funcs[1].d.helpcontext, 7u);
  EXPECT_EQ(mod.funcs[0].funckind, FUNC_STATIC);

  const type_data& base = lib.types[4];
  EXPECT_EQ(base.size_vft, 32);
  ASSERT_EQ(base.impls.size(), 1u);
  EXPECT_EQ(base.impls[0].ref.kind, href::imported);
  ASSERT_EQ(base.funcs.size(), 1u);
  const func_data& m = base.funcs[0];
  EXPECT_EQ(m.d.name, u"BaseMethod");
  EXPECT_EQ(m.memid, 0x60010000);
  EXPECT_EQ(m.ovft, 24);
  EXPECT_EQ(m.params_opt, 1);
  ASSERT_EQ(m.params.size(), 3u);
  EXPECT_EQ(m.params[0].flags, PARAMFLAG_FIN | PARAMFLAG_FOPT);
  EXPECT_EQ(m.params[1].flags, PARAMFLAG_FIN | PARAMFLAG_FLCID);
  EXPECT_EQ(m.params[2].flags, PARAMFLAG_FOUT | PARAMFLAG_FRETVAL);
  ASSERT_EQ(m.params[2].type.vt, VT_PTR);
  EXPECT_EQ(m.params[2].type.inner->vt, VT_USERDEFINED);
  EXPECT_EQ(m.params[2].type.inner->ref, (href{href::local, 0}));  // MYLONG

  const type_data& dual = lib.types[5];
  EXPECT_EQ(dual.flags, TYPEFLAG_FDUAL | TYPEFLAG_FOLEAUTOMATION | TYPEFLAG_FDISPATCHABLE | TYPEFLAG_FHIDDEN);
  EXPECT_EQ(dual.size_vft, 88);
  ASSERT_EQ(dual.funcs.size(), 4u);
  EXPECT_EQ(dual.funcs[0].invkind, INVOKE_PROPERTYPUTREF);
  EXPECT_EQ(dual.funcs[1].params_opt, -1) << "vararg";
  const func_data& arr = dual.funcs[2];
  ASSERT_EQ(arr.params.size(), 3u);
  EXPECT_EQ(arr.params[1].default_value.vt, VT_BSTR);
  EXPECT_EQ(arr.params[1].default_value.s, u"dflt");
  EXPECT_EQ(arr.params[2].default_value.vt, VT_I2);
  EXPECT_EQ(arr.params[2].default_value.i, -1);
  ASSERT_EQ(arr.params[0].type.vt, VT_PTR);
  EXPECT_EQ(arr.params[0].type.inner->vt, VT_SAFEARRAY);
  EXPECT_EQ(arr.params[0].type.inner->inner->vt, VT_BSTR);
  const func_data& cust = dual.funcs[3];
  ASSERT_EQ(cust.d.custom.size(), 1u);
  EXPECT_EQ(cust.d.custom[0].val.i, 99);
  ASSERT_EQ(cust.params[0].custom.size(), 1u);
  EXPECT_EQ(cust.params[0].custom[0].val.i, 5);

  const func_data& child = lib.types[6].funcs[0];
  ASSERT_EQ(child.params[1].type.vt, VT_CARRAY);
  ASSERT_EQ(child.params[1].type.bounds.size(), 2u);
  EXPECT_EQ(child.params[1].type.bounds[0].cElements, 2u);
  EXPECT_EQ(child.params[1].type.bounds[1].cElements, 3u);
  EXPECT_EQ(child.params[1].type.inner->vt, VT_R4);

  const type_data& co = lib.types[8];
  ASSERT_EQ(co.impls.size(), 2u);
  EXPECT_EQ(co.impls[0].ref, (href{href::local, 6}));
  EXPECT_EQ(co.impls[1].flags, IMPLTYPEFLAG_FDEFAULT);
  EXPECT_EQ(co.flags, TYPEFLAG_FAPPOBJECT);
}

TEST(Msft, EnumsRecordsAndDispinterfaces) {
  const library lib = read("sample64.tlb");
  const type_data* color = find(lib, u"Color");
  ASSERT_NE(color, nullptr);
  ASSERT_EQ(color->vars.size(), 3u);
  EXPECT_EQ(color->vars[2].varkind, VAR_CONST);
  EXPECT_EQ(color->vars[2].constant.i, -5) << "an out-of-line constant";
  const type_data* point = find(lib, u"Point");
  ASSERT_NE(point, nullptr);
  ASSERT_EQ(point->vars.size(), 4u);
  EXPECT_EQ(point->vars[2].offset, 16u);
  EXPECT_EQ(point->vars[3].offset, 24u);
  EXPECT_EQ(point->size, 32u);
  const type_data* events = find(lib, u"DEvents");
  ASSERT_NE(events, nullptr);
  EXPECT_EQ(events->kind, TKIND_DISPATCH);
  EXPECT_TRUE(events->impls.empty()) << "a plain dispinterface has no vtable base";
  ASSERT_EQ(events->vars.size(), 1u);
  EXPECT_EQ(events->vars[0].memid, 5);
  EXPECT_EQ(events->vars[0].varkind, VAR_DISPATCH);
  ASSERT_EQ(events->funcs.size(), 1u);
  EXPECT_EQ(events->funcs[0].funckind, FUNC_DISPATCH);
  EXPECT_EQ(events->funcs[0].memid, 10);
  const type_data* plain = find(lib, u"IPlain");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->funcs[1].params[1].default_value.i, 7);
}

// Whatever the reader makes of a file, the writer writes it back so that
// reading that gives the same library.
TEST(Msft, ReadWriteReadIsStable) {
  for (const char* name : {"sample32.tlb", "sample64.tlb", "s2_32.tlb", "s2_64.tlb"}) {
    const library first = read(name);
    const std::vector<std::uint8_t> image = write_msft(first);
    library second;
    ASSERT_EQ(read_msft(image, second), S_OK) << name;
    EXPECT_EQ(dump(first), dump(second)) << name;
    EXPECT_TRUE(first == second) << name;
    // And a second write is byte-identical to the first.
    EXPECT_EQ(write_msft(second), image) << name;
  }
}

// The image the writer makes has the layout Windows' reader relies on: the
// same header constants, directory order and name hashes as widl's.
TEST(Msft, WrittenHeaderMatchesWidls) {
  const auto widl = load("s2_64.tlb");
  library lib;
  ASSERT_EQ(read_msft(widl, lib), S_OK);
  const auto ours = write_msft(lib);
  ASSERT_GE(ours.size(), 0x58u);
  auto at = [](const std::vector<std::uint8_t>& v, std::size_t o) { return v[o] | v[o + 1] << 8 | v[o + 2] << 16 | v[o + 3] << 24; };
  for (std::size_t o : {0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18, 0x1C, 0x20, 0x2C, 0x44, 0x48, 0x4C, 0x50, 0x54})
    EXPECT_EQ(at(ours, o), at(widl, o)) << "header field at " << o;
}

TEST(Msft, DamagedImagesGiveErrors) {
  const auto good = load("s2_64.tlb");
  library lib;
  EXPECT_EQ(read_msft({}, lib), TYPE_E_INVDATAREAD);
  std::vector<std::uint8_t> bad = good;
  bad[0] = 'X';
  EXPECT_EQ(read_msft(bad, lib), TYPE_E_CANTLOADLIBRARY);
  // Every truncation is refused or read, never a crash (ASan checks).
  int refused = 0;
  for (std::size_t n = 0; n < good.size(); n += 3) {
    const HRESULT hr = read_msft(std::span(good.data(), n), lib);
    EXPECT_TRUE(hr == S_OK || hr == TYPE_E_INVDATAREAD || hr == TYPE_E_CANTLOADLIBRARY) << n;
    refused += FAILED(hr);
  }
  EXPECT_GT(refused, 0);
  // Random damage: the same.
  std::mt19937 rng(12345);
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::uint8_t> damaged = good;
    for (int k = 0; k < 4; ++k) damaged[rng() % damaged.size()] = static_cast<std::uint8_t>(rng());
    const HRESULT hr = read_msft(damaged, lib);
    EXPECT_TRUE(hr == S_OK || hr == TYPE_E_INVDATAREAD || hr == TYPE_E_CANTLOADLIBRARY) << round;
  }
}

TEST(Msft, TheLazyReaderReadsWhatReadMsftReads) {
  for (const char* name : {"s2_64.tlb", "s2_32.tlb", "sample64.tlb", "sample32.tlb"}) {
    const library whole = read(name);
    msft_reader reader;
    library lazy;
    ASSERT_EQ(reader.open(load(name), lazy), S_OK) << name;
    ASSERT_EQ(lazy.types.size(), whole.types.size());
    bool some_members = false;
    for (std::uint32_t i = 0; i < lazy.types.size(); ++i) {
      // open() leaves the members; everything else is read.
      EXPECT_TRUE(lazy.types[i].funcs.empty() && lazy.types[i].vars.empty()) << name << " " << i;
      some_members |= !whole.types[i].funcs.empty() || !whole.types[i].vars.empty();
      EXPECT_EQ(reader.members(i, lazy.types[i]), S_OK);
    }
    EXPECT_TRUE(some_members) << name;
    EXPECT_TRUE(lazy == whole) << name;
    EXPECT_TRUE(std::ranges::equal(reader.image(), load(name)));
  }
}

TEST(Msft, TheLazyReaderRefusesEveryTruncationAtOpen) {
  // The member blocks' bounds are checked by open: a truncated file fails
  // to load, as with read_msft, rather than at first use.
  const auto good = load("s2_64.tlb");
  for (std::size_t n = 0; n < good.size(); ++n) {
    library eager, lazy;
    const HRESULT whole = read_msft(std::span(good.data(), n), eager);
    msft_reader reader;
    const HRESULT opened = reader.open(std::vector<std::uint8_t>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)), lazy);
    ASSERT_EQ(FAILED(opened), FAILED(whole)) << n;
    for (std::uint32_t i = 0; SUCCEEDED(opened) && i < lazy.types.size(); ++i) ASSERT_EQ(reader.members(i, lazy.types[i]), S_OK) << n;
  }
}

TEST(Msft, ADamagedFunctionRecordFailsItsTypeOnly) {
  auto image = load("s2_64.tlb");
  const library whole = read("s2_64.tlb");
  std::uint32_t victim = 0;
  while (victim < whole.types.size() && whole.types[victim].funcs.empty()) ++victim;
  ASSERT_LT(victim, whole.types.size());
  const std::int32_t far = 0x7FFFFFF0;  // the first function's result type, far outside
  std::memcpy(image.data() + comkit::test::first_function_at(image, victim) + 4, &far, 4);
  library damaged;
  EXPECT_EQ(read_msft(image, damaged), TYPE_E_INVDATAREAD);
  msft_reader reader;
  library lazy;
  ASSERT_EQ(reader.open(image, lazy), S_OK);
  for (std::uint32_t i = 0; i < lazy.types.size(); ++i) {
    if (i == victim) {
      EXPECT_EQ(reader.members(i, lazy.types[i]), TYPE_E_INVDATAREAD);
      EXPECT_TRUE(lazy.types[i].funcs.empty());  // nothing half read is left
    } else {
      EXPECT_EQ(reader.members(i, lazy.types[i]), S_OK);
      EXPECT_TRUE(lazy.types[i] == whole.types[i]) << i;
    }
  }
  EXPECT_EQ(reader.members(static_cast<std::uint32_t>(lazy.types.size()), lazy.types[0]), TYPE_E_CANTLOADLIBRARY);
}

TEST(Msft, ALibraryWithoutAGuidHasNone) {
  library lib;
  lib.d.name = u"NoGuid";
  const std::vector<std::uint8_t> image = write_msft(lib);
  ASSERT_GE(image.size(), 12u);
  std::int32_t posguid = 0;
  std::memcpy(&posguid, image.data() + 8, 4);
  EXPECT_EQ(posguid, -1) << "as Windows writes it";
  library back;
  ASSERT_EQ(read_msft(image, back), S_OK);
  EXPECT_TRUE(back.guid == GUID{});
  EXPECT_EQ(back.d.name, u"NoGuid");
}

TEST(Msft, WriterRefusesDanglingReferences) {
  library lib;
  lib.d.name = u"L";
  type_data t;
  t.d.name = u"A";
  t.kind = TKIND_ALIAS;
  t.alias.vt = VT_USERDEFINED;
  t.alias.ref = {href::local, 7};
  lib.types.push_back(t);
  EXPECT_THROW(write_msft(lib), std::invalid_argument);
  lib.types[0].alias.ref = {href::imported, 0};
  EXPECT_THROW(write_msft(lib), std::invalid_argument);
  lib.types[0].alias.ref = {href::local, 0};
  EXPECT_NO_THROW(write_msft(lib));
}

}  // namespace

// ---- the compiler's type libraries -------------------------------------------------
#include "compiler.h"

namespace {

// A library's dump without the items only widl writes: its three custom
// data items (its version and a timestamp, GUIDs DE77BA63-65).
std::string without_widl_stamps(library lib) {
  auto& c = lib.d.custom;
  std::erase_if(c, [](const cust_item& i) { return i.guid.Data1 >= 0xDE77BA63 && i.guid.Data1 <= 0xDE77BA65 && i.guid.Data2 == 0x517C; });
  return dump(lib);
}

library compile_tlb(const char* idl, bool win32) {
  comkit::idl::compile_options o;
  o.input = std::string(COMKIT_TYPEINFO_DATA) + "/" + idl;
  o.pp.include_dirs.push_back(COMKIT_IDL_DIR);
  o.typelib = true;
  o.win32 = win32;
  const comkit::idl::compile_result r = comkit::idl::compile(o);
  EXPECT_TRUE(r.ok) << r.diagnostics;
  std::string base = idl;
  base = base.substr(0, base.size() - 4) + ".tlb";
  library lib;
  const auto it = r.outputs.find(base);
  if (it == r.outputs.end()) {
    ADD_FAILURE() << "no " << base;
    return lib;
  }
  EXPECT_EQ(read_msft({reinterpret_cast<const std::uint8_t*>(it->second.data()), it->second.size()}, lib), S_OK);
  return lib;
}

// The compiler's type library has widl's content for the same IDL: the
// same type infos in the same order, names, GUIDs, flags, sizes, vtable
// offsets, member ids, parameter flags, defaults and custom data.
TEST(CompilerTypelib, SameContentAsWidl) {
  EXPECT_EQ(dump(compile_tlb("sample.idl", false)), without_widl_stamps(read("sample64.tlb")));
  EXPECT_EQ(dump(compile_tlb("sample.idl", true)), without_widl_stamps(read("sample32.tlb")));
}

TEST(CompilerTypelib, SameContentAsWidlWhereWidlIsRight) {
  // widl 8.0 stores "#" for [entry("RealFunc")] and drops a module's
  // constants; the rest must match.
  for (bool win32 : {false, true}) {
    library widl = read(win32 ? "s2_32.tlb" : "s2_64.tlb");
    library ours = compile_tlb("sample2.idl", win32);
    type_data* mod = nullptr;
    for (type_data& t : ours.types)
      if (t.d.name == u"Mod") mod = &t;
    ASSERT_NE(mod, nullptr);
    EXPECT_EQ(mod->funcs[0].entry, u"RealFunc");
    ASSERT_EQ(mod->vars.size(), 1u);
    EXPECT_EQ(mod->vars[0].d.name, u"MODCONST");
    EXPECT_EQ(mod->vars[0].constant.i, 0x12345678);
    mod->funcs[0].entry = u"#";
    mod->vars.clear();
    EXPECT_EQ(dump(ours), without_widl_stamps(widl)) << (win32 ? "win32" : "win64");
  }
}

TEST(CompilerTypelib, BadInputIsAnErrorWithALocation) {
  comkit::idl::compile_options o;
  o.input = "bad.idl";
  o.typelib = o.typelib_required = true;  // --tlb
  auto reader = [](const std::string& path) -> std::optional<std::string> {
    if (path == "bad.idl") return std::string("[uuid(11111111-2222-3333-4444-555555555555)] library L { importlib(\"nowhere.tlb\"); }\n");
    return std::nullopt;
  };
  const comkit::idl::compile_result r = comkit::idl::compile(o, reader);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.diagnostics.find("bad.idl:1:"), std::string::npos) << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("nowhere.tlb"), std::string::npos) << r.diagnostics;
  EXPECT_TRUE(r.outputs.empty());
}

}  // namespace

namespace {

// comkit's stdole2.tlb (idl/stdole2.idl) against Wine's, read in place from
// Debian's libwine when it is installed: the same content but for widl's
// stamps, widl importing stdole2 into itself, and the entry names widl
// does not store.
TEST(CompilerTypelib, Stdole2MatchesWines) {
  std::ifstream f("/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/stdole2.tlb", std::ios::binary);
  if (!f) GTEST_SKIP() << "libwine is not installed";
  const std::vector<std::uint8_t> pe{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  const std::uint8_t magic[] = {'M', 'S', 'F', 'T', 2, 0, 1, 0};
  const auto at = std::search(pe.begin(), pe.end(), std::begin(magic), std::end(magic));
  ASSERT_NE(at, pe.end());
  library wine;
  ASSERT_EQ(read_msft(std::span(pe).subspan(static_cast<std::size_t>(at - pe.begin())), wine), S_OK);
  wine.imports.clear();
  wine.imported_types.clear();

  comkit::idl::compile_options o;
  o.input = std::string(COMKIT_IDL_DIR) + "/stdole2.idl";
  o.pp.include_dirs.push_back(COMKIT_IDL_DIR);
  o.typelib = true;
  const comkit::idl::compile_result r = comkit::idl::compile(o);
  ASSERT_TRUE(r.ok) << r.diagnostics;
  const std::string& image = r.outputs.at("stdole2.tlb");
  library ours;
  ASSERT_EQ(read_msft({reinterpret_cast<const std::uint8_t*>(image.data()), image.size()}, ours), S_OK);
  for (type_data& t : ours.types)
    for (func_data& fn : t.funcs)
      if (!fn.entry.empty()) {
        EXPECT_TRUE(fn.entry == u"OleLoadPictureFile" || fn.entry == u"OleSavePictureFile");
        fn.entry = u"#";
      }
  EXPECT_EQ(dump(ours), without_widl_stamps(wine));
}

}  // namespace

namespace {

// A library as IDL (to_idl), compiled again in-process.
library recompile(const library& lib, bool win32) {
  const std::string idl = to_idl(lib);
  comkit::idl::compile_options o;
  o.input = "roundtrip.idl";
  o.pp.include_dirs.push_back(COMKIT_IDL_DIR);
  o.typelib = true;
  o.win32 = win32;
  auto reader = [&](const std::string& path) -> std::optional<std::string> {
    if (path == "roundtrip.idl") return idl;
    return comkit::idl::read_regular_file(path);
  };
  const comkit::idl::compile_result r = comkit::idl::compile(o, reader);
  EXPECT_TRUE(r.ok) << r.diagnostics << "\n" << idl;
  library out;
  const auto it = r.outputs.find("roundtrip.tlb");
  if (it == r.outputs.end()) return out;
  EXPECT_EQ(read_msft({reinterpret_cast<const std::uint8_t*>(it->second.data()), it->second.size()}, out), S_OK);
  return out;
}

// tlb -> IDL -> tlb gives the same content, and a second round changes
// nothing (the round trip is stable).
TEST(FromTlb, RoundTripKeepsTheContent) {
  for (const char* name : {"sample64.tlb", "s2_64.tlb", "sample32.tlb"}) {
    const bool win32 = std::string(name).find("32") != std::string::npos;
    library original = read(name);
    library once = recompile(original, win32);
    library twice = recompile(once, win32);
    EXPECT_EQ(dump(once), dump(twice)) << name;
    // And against the original, but for widl's stamps (library custom data
    // items DE77BA63-65, which are written back as custom() like any other).
    std::erase_if(original.d.custom, [](const cust_item& i) { return i.guid.Data1 >= 0xDE77BA63 && i.guid.Data1 <= 0xDE77BA65; });
    std::erase_if(once.d.custom, [](const cust_item& i) { return i.guid.Data1 >= 0xDE77BA63 && i.guid.Data1 <= 0xDE77BA65; });
    EXPECT_EQ(dump(once), dump(original)) << name << "\n" << to_idl(original);
  }
}

}  // namespace

namespace {

// Without --tlb, a library the writer cannot write costs only its .tlb: the
// other outputs are written, and a warning says why.
TEST(CompilerTypelib, WithoutTlbAFailureIsAWarning) {
  comkit::idl::compile_options o;
  o.input = "bad.idl";
  o.typelib = o.c_header = true;
  auto reader = [](const std::string& path) -> std::optional<std::string> {
    if (path == "bad.idl") return std::string("[uuid(11111111-2222-3333-4444-555555555555)] library L { importlib(\"nowhere.tlb\"); }\n");
    return std::nullopt;
  };
  const comkit::idl::compile_result r = comkit::idl::compile(o, reader);
  EXPECT_TRUE(r.ok) << r.diagnostics;
  EXPECT_EQ(r.warnings, 1u);
  EXPECT_NE(r.diagnostics.find("bad.tlb is not written"), std::string::npos) << r.diagnostics;
  EXPECT_EQ(r.outputs.count("bad.tlb"), 0u);
  EXPECT_EQ(r.outputs.count("bad.h"), 1u);
}

// What real IDL does that a type library stores in a weaker form: constants
// and enumerators in defaults and array sizes, NULL and TRUE, conformant
// arrays, nested anonymous records, pointer-sized integers, interfaces that
// are only forward-declared.
TEST(CompilerTypelib, RealWorldConstructs) {
  comkit::idl::compile_options o;
  o.input = "real.idl";
  o.typelib = o.typelib_required = true;
  o.pp.include_dirs.push_back(COMKIT_IDL_DIR);
  auto reader = [](const std::string& path) -> std::optional<std::string> {
    if (path == "real.idl")
      return std::string(R"IDL(
import "oaidl.idl";
const LONG WIDTH = 2 * 4;
interface IElsewhere;
[uuid(11111111-2222-3333-4444-555555555555)] library L {
  importlib("stdole2.tlb");
  typedef enum Mode { ModeA = 1, ModeB = ModeA + 1 } Mode;
  typedef struct Holder {
    LONG fixed[WIDTH];
    union { LONG i; double d; } either;
    __int3264 handle;
    LONG count;
    [size_is(count)] BYTE data[];
  } Holder;
  [object, uuid(11111111-2222-3333-4444-555555555556), oleautomation]
  interface IUser : IUnknown {
    HRESULT M([in, defaultvalue(ModeB)] Mode m, [in, defaultvalue(NULL)] IUnknown *p, [in, defaultvalue(TRUE)] VARIANT_BOOL b,
              [in, defaultvalue(WIDTH + 1)] LONG n, [in] IElsewhere *e);
  }
  [uuid(11111111-2222-3333-4444-555555555557)]
  coclass Made { [default, custom(11111111-2222-3333-4444-555555555558, 42)] interface IUser; }
}
)IDL");
    return comkit::idl::read_regular_file(path);
  };
  const comkit::idl::compile_result r = comkit::idl::compile(o, reader);
  ASSERT_TRUE(r.ok) << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("IElsewhere"), std::string::npos) << "a warning names the forward-declared interface";
  library lib;
  const std::string& image = r.outputs.at("real.tlb");
  ASSERT_EQ(read_msft({reinterpret_cast<const std::uint8_t*>(image.data()), image.size()}, lib), S_OK);
  const std::string text = dump(lib);
  EXPECT_NE(text.find("var fixed id=0x40000000 kind=0 vt3[8]"), std::string::npos) << text;
  EXPECT_NE(text.find("var handle id=0x40000002 kind=0 vt20"), std::string::npos) << text;
  EXPECT_NE(text.find("vt17[0]"), std::string::npos) << "a conformant array" << text;
  EXPECT_NE(text.find("  impl IUser flags=0x1\n    custom {11111111-2222-3333-4444-555555555558} vt3:42"), std::string::npos)
      << "a coclass member's custom data" << text;
  // `m` is spelled as the method M: names are stored once, case-insensitively.
  EXPECT_NE(text.find("param M Mode flags=0x31 default=vt3:2"), std::string::npos) << text;
  EXPECT_NE(text.find("param p vt13 flags=0x31 default=vt3:0"), std::string::npos) << text;
  EXPECT_NE(text.find("param b vt11 flags=0x31 default=vt11:1"), std::string::npos) << text;
  EXPECT_NE(text.find("param n vt3 flags=0x31 default=vt3:9"), std::string::npos) << text;
  EXPECT_NE(text.find("interface IElsewhere flags=0x0"), std::string::npos) << text;
  EXPECT_NE(text.find("union __comkit_anonymous_0"), std::string::npos) << text;
}

}  // namespace

// ---- ITypeComp and [appobject] ------------------------------------------------------
#include <comkit/com_ptr.h>
#include <oleauto.h>

#include "type_named.h"

namespace {

// A library's ITypeComp binds an [appobject] coclass's name and the members
// of its default interface as the application object
// (DESCKIND_IMPLICITAPPOBJ, MS-OAUT 3.5.4.1.1.1); a coclass's own ITypeComp
// binds its default interface's members.
TEST(TypeComp, AnAppObjectsNameAndMembersBindImplicitly) {
  comkit::idl::compile_options o;
  o.input = "app.idl";
  o.typelib = o.typelib_required = true;
  o.pp.include_dirs.push_back(COMKIT_IDL_DIR);
  auto reader = [](const std::string& path) -> std::optional<std::string> {
    if (path == "app.idl")
      return std::string(R"IDL(
import "oaidl.idl";
[uuid(21111111-2222-3333-4444-555555555555)] library AppLib {
  importlib("stdole2.tlb");
  [object, uuid(21111111-2222-3333-4444-555555555556), dual] interface IApp : IDispatch {
    HRESULT Beep([in] LONG times);
    [propget] HRESULT Volume([out, retval] LONG *v);
  }
  [object, uuid(21111111-2222-3333-4444-555555555557), dual] interface IEvents : IDispatch { HRESULT Rang(); }
  [uuid(21111111-2222-3333-4444-555555555558), appobject] coclass Application {
    [default, source] interface IEvents;
    [default] interface IApp;
  }
  [uuid(21111111-2222-3333-4444-555555555559)] coclass Plain { [default] interface IEvents; }
}
)IDL");
    return comkit::idl::read_regular_file(path);
  };
  const comkit::idl::compile_result r = comkit::idl::compile(o, reader);
  ASSERT_TRUE(r.ok) << r.diagnostics;
  const std::string& image = r.outputs.at("app.tlb");
  comkit::com_ptr<ITypeLib> lib;
  ASSERT_EQ(ComkitLoadTypeLibFromMemory(image.data(), image.size(), lib.put()), S_OK);
  comkit::com_ptr<ITypeComp> comp;
  ASSERT_EQ(lib->GetTypeComp(comp.put()), S_OK);
  auto bind = [&](const char16_t* text, WORD flags, DESCKIND& kind, BINDPTR& ptr) {
    std::u16string name(text);
    ITypeInfo* info = nullptr;
    EXPECT_EQ(comp->Bind(reinterpret_cast<LPOLESTR>(name.data()), 0, flags, &info, &kind, &ptr), S_OK) << "binding";
    return comkit::com_ptr<ITypeInfo>(info, comkit::take_ownership);
  };
  for (const char16_t* name : {u"Application", u"beep", u"Volume"}) {
    DESCKIND kind = DESCKIND_NONE;
    BINDPTR ptr{};
    auto info = bind(name, 0, kind, ptr);
    ASSERT_EQ(kind, DESCKIND_IMPLICITAPPOBJ) << std::string(name, name + std::char_traits<char16_t>::length(name));
    ASSERT_TRUE(info);
    EXPECT_EQ(comkit_test::name_of(info.get()), u"Application");
    ASSERT_NE(ptr.lpvardesc, nullptr);
    EXPECT_EQ(ptr.lpvardesc->varkind, VAR_STATIC);
    ASSERT_EQ(ptr.lpvardesc->elemdescVar.tdesc.vt, VT_USERDEFINED);
    comkit::com_ptr<ITypeInfo> type;
    ASSERT_EQ(info->GetRefTypeInfo(ptr.lpvardesc->elemdescVar.tdesc.hreftype, type.put()), S_OK);
    EXPECT_EQ(type.get(), info.get()) << "a variable of the application object's coclass";
    info->ReleaseVarDesc(ptr.lpvardesc);
  }
  // Names the library does not bind: a coclass that is no application
  // object, the source interface's members, an interface's name.
  for (const char16_t* name : {u"Plain", u"Rang", u"IApp"}) {
    DESCKIND kind = DESCKIND_MAX;
    BINDPTR ptr{};
    auto info = bind(name, 0, kind, ptr);
    EXPECT_EQ(kind, DESCKIND_NONE);
    EXPECT_FALSE(info);
  }
  // The coclass's own ITypeComp is its default interface's.
  comkit::com_ptr<ITypeInfo> app;
  ASSERT_EQ(lib->GetTypeInfoOfGuid({0x21111111, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x58}}, app.put()), S_OK);
  comkit::com_ptr<ITypeComp> app_comp;
  ASSERT_EQ(app->GetTypeComp(app_comp.put()), S_OK);
  std::u16string beep = u"Beep";
  ITypeInfo* where = nullptr;
  DESCKIND kind = DESCKIND_NONE;
  BINDPTR ptr{};
  ASSERT_EQ(app_comp->Bind(reinterpret_cast<LPOLESTR>(beep.data()), 0, 0, &where, &kind, &ptr), S_OK);
  ASSERT_EQ(kind, DESCKIND_FUNCDESC);
  EXPECT_EQ(comkit_test::name_of(where), u"IApp");
  where->ReleaseFuncDesc(ptr.lpfuncdesc);
  where->Release();
}

}  // namespace
