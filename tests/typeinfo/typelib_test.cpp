// tests/typeinfo/typelib_test.cpp - LoadTypeLib, ITypeLib2 and ITypeInfo2
// over widl's type libraries (tests/typeinfo/data) and comkit's stdole2.tlb.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <comkit/com_ptr.h>
#include <objbase.h>
#include <oleauto.h>

#include "msft_image.h"

namespace {

std::u16string path_of(const char* name) {
  const std::string p = std::string(COMKIT_TYPEINFO_DATA) + "/" + name;
  return std::u16string(p.begin(), p.end());
}

comkit::com_ptr<ITypeLib> load(const char* name) {
  comkit::com_ptr<ITypeLib> lib;
  EXPECT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(path_of(name).c_str()), lib.put()), S_OK) << name;
  return lib;
}

std::u16string str(BSTR b) {
  std::u16string s = b ? std::u16string(reinterpret_cast<const char16_t*>(b), SysStringLen(b)) : std::u16string();
  SysFreeString(b);
  return s;
}

comkit::com_ptr<ITypeInfo> info(ITypeLib* lib, UINT index) {
  comkit::com_ptr<ITypeInfo> ti;
  EXPECT_EQ(lib->GetTypeInfo(index, ti.put()), S_OK);
  return ti;
}

std::u16string name_of(ITypeInfo* ti) {
  BSTR name = nullptr;
  EXPECT_EQ(ti->GetDocumentation(MEMBERID_NIL, &name, nullptr, nullptr, nullptr), S_OK);
  return str(name);
}

TEST(TypeLib, LibraryAttributesAndDocumentation) {
  auto lib = load("s2_64.tlb");
  ASSERT_TRUE(lib);
  EXPECT_EQ(lib->GetTypeInfoCount(), 9u);
  TLIBATTR* attr = nullptr;
  ASSERT_EQ(lib->GetLibAttr(&attr), S_OK);
  const GUID libid = {0x9d6b4e20, 0x2c3d, 0x4e4f, {0xa0, 0x51, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}};
  EXPECT_TRUE(IsEqualGUID(attr->guid, libid));
  EXPECT_EQ(attr->lcid, 0x407u);
  EXPECT_EQ(attr->syskind, SYS_WIN64);
  EXPECT_EQ(attr->wMajorVerNum, 3);
  EXPECT_EQ(attr->wMinorVerNum, 4);
  EXPECT_EQ(attr->wLibFlags, LIBFLAG_FCONTROL | LIBFLAG_FHASDISKIMAGE);
  lib->ReleaseTLibAttr(attr);
  BSTR name = nullptr, doc = nullptr, file = nullptr;
  DWORD context = 0;
  ASSERT_EQ(lib->GetDocumentation(-1, &name, &doc, &context, &file), S_OK);
  EXPECT_EQ(str(name), u"Sample2");
  EXPECT_EQ(doc, nullptr);
  EXPECT_EQ(context, 55u);
  EXPECT_EQ(str(file), u"sample2.hlp");
  EXPECT_EQ(lib->GetDocumentation(9, &name, nullptr, nullptr, nullptr), TYPE_E_ELEMENTNOTFOUND);
  TYPEKIND kind;
  EXPECT_EQ(lib->GetTypeInfoType(8, &kind), S_OK);
  EXPECT_EQ(kind, TKIND_COCLASS);
  comkit::com_ptr<ITypeInfo> ti;
  EXPECT_EQ(lib->GetTypeInfo(9, ti.put()), TYPE_E_ELEMENTNOTFOUND);
  EXPECT_EQ(lib->GetTypeInfo(0, nullptr), E_INVALIDARG);
}

TEST(TypeLib, TheSameFileGivesTheSameObject) {
  auto a = load("sample64.tlb");
  auto b = load("sample64.tlb");
  EXPECT_EQ(a.get(), b.get());
  ITypeLib* raw = a.get();
  auto ti = info(raw, 0);
  comkit::com_ptr<ITypeLib> owner;
  UINT index = 99;
  EXPECT_EQ(ti->GetContainingTypeLib(owner.put(), &index), S_OK);
  EXPECT_EQ(owner.get(), raw);
  EXPECT_EQ(index, 0u);
}

TEST(TypeLib, BadFiles) {
  comkit::com_ptr<ITypeLib> lib;
  EXPECT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(u"/nonexistent/x.tlb"), lib.put()), TYPE_E_CANTLOADLIBRARY);
  EXPECT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(path_of("sample.idl").c_str()), lib.put()), TYPE_E_CANTLOADLIBRARY);
  EXPECT_EQ(LoadTypeLib(nullptr, lib.put()), E_INVALIDARG);
  EXPECT_EQ(LoadTypeLibEx(reinterpret_cast<LPCOLESTR>(path_of("s2_64.tlb").c_str()), static_cast<REGKIND>(7), lib.put()), E_INVALIDARG);
}

TEST(TypeLib, InterfaceAndItsImportedBase) {
  auto lib = load("s2_64.tlb");
  auto base = info(lib.get(), 4);  // IBase : IUnknown (imported from stdole2)
  TYPEATTR* a = nullptr;
  ASSERT_EQ(base->GetTypeAttr(&a), S_OK);
  EXPECT_EQ(a->typekind, TKIND_INTERFACE);
  EXPECT_EQ(a->cFuncs, 1);
  EXPECT_EQ(a->cImplTypes, 1);
  EXPECT_EQ(a->cbSizeVft, 32);
  EXPECT_EQ(a->wTypeFlags, TYPEFLAG_FOLEAUTOMATION);
  base->ReleaseTypeAttr(a);
  HREFTYPE href = 0;
  ASSERT_EQ(base->GetRefTypeOfImplType(0, &href), S_OK);
  comkit::com_ptr<ITypeInfo> unknown;
  ASSERT_EQ(base->GetRefTypeInfo(href, unknown.put()), S_OK) << "stdole2.tlb is found by its bare name";
  EXPECT_EQ(name_of(unknown.get()), u"IUnknown");

  FUNCDESC* f = nullptr;
  ASSERT_EQ(base->GetFuncDesc(0, &f), S_OK);
  EXPECT_EQ(f->memid, 0x60010000);
  EXPECT_EQ(f->funckind, FUNC_PUREVIRTUAL);
  EXPECT_EQ(f->oVft, 24);
  EXPECT_EQ(f->cParams, 3);
  EXPECT_EQ(f->cParamsOpt, 1);
  EXPECT_EQ(f->elemdescFunc.tdesc.vt, VT_HRESULT);
  EXPECT_EQ(f->lprgelemdescParam[0].paramdesc.wParamFlags, PARAMFLAG_FIN | PARAMFLAG_FOPT);
  ASSERT_EQ(f->lprgelemdescParam[2].tdesc.vt, VT_PTR);
  ASSERT_EQ(f->lprgelemdescParam[2].tdesc.lptdesc->vt, VT_USERDEFINED);
  comkit::com_ptr<ITypeInfo> mylong;
  ASSERT_EQ(base->GetRefTypeInfo(f->lprgelemdescParam[2].tdesc.lptdesc->hreftype, mylong.put()), S_OK);
  EXPECT_EQ(name_of(mylong.get()), u"MYLONG");
  base->ReleaseFuncDesc(f);
  EXPECT_EQ(base->GetFuncDesc(1, &f), TYPE_E_ELEMENTNOTFOUND);

  BSTR names[5] = {};
  UINT count = 0;
  ASSERT_EQ(base->GetNames(0x60010000, names, 5, &count), S_OK);
  ASSERT_EQ(count, 4u);
  EXPECT_EQ(str(names[0]), u"BaseMethod");
  EXPECT_EQ(str(names[1]), u"v");
  EXPECT_EQ(str(names[2]), u"l");
  EXPECT_EQ(str(names[3]), u"r");
  ASSERT_EQ(base->GetNames(0x60000001, names, 5, &count), S_OK) << "an inherited member";
  EXPECT_EQ(str(names[0]), u"AddRef");
  EXPECT_EQ(base->GetNames(0x12345, names, 5, &count), TYPE_E_ELEMENTNOTFOUND);
}

TEST(TypeLib, DualInterfaceHasBothViews) {
  auto lib = load("s2_64.tlb");
  auto dual = info(lib.get(), 5);  // IDerived, [dual] : IDispatch
  TYPEATTR* a = nullptr;
  ASSERT_EQ(dual->GetTypeAttr(&a), S_OK);
  EXPECT_EQ(a->typekind, TKIND_DISPATCH);
  EXPECT_EQ(a->cFuncs, 11) << "IUnknown's, IDispatch's and its own";
  EXPECT_EQ(a->cbSizeVft, 7 * sizeof(void*));
  EXPECT_EQ(a->wTypeFlags, TYPEFLAG_FDUAL | TYPEFLAG_FDISPATCHABLE | TYPEFLAG_FHIDDEN);
  dual->ReleaseTypeAttr(a);

  FUNCDESC* f = nullptr;
  ASSERT_EQ(dual->GetFuncDesc(0, &f), S_OK);
  EXPECT_EQ(f->funckind, FUNC_DISPATCH);
  EXPECT_EQ(f->elemdescFunc.tdesc.vt, VT_VOID);
  BSTR n = nullptr;
  ASSERT_EQ(dual->GetDocumentation(f->memid, &n, nullptr, nullptr, nullptr), S_OK);
  EXPECT_EQ(str(n), u"QueryInterface");
  dual->ReleaseFuncDesc(f);
  ASSERT_EQ(dual->GetFuncDesc(9, &f), S_OK);  // Arr(p, [defaultvalue("dflt")] s, [defaultvalue(-1)] n)
  EXPECT_EQ(f->memid, 0x60020002);
  EXPECT_EQ(f->funckind, FUNC_DISPATCH);
  EXPECT_EQ(f->elemdescFunc.tdesc.vt, VT_VOID) << "HRESULT becomes void in the dispatch view";
  ASSERT_EQ(f->cParams, 3);
  const PARAMDESCEX* def = f->lprgelemdescParam[1].paramdesc.pparamdescex;
  ASSERT_NE(def, nullptr);
  ASSERT_EQ(V_VT(&def->varDefaultValue), VT_BSTR);
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(V_BSTR(&def->varDefaultValue))), u"dflt");
  ASSERT_NE(f->lprgelemdescParam[2].paramdesc.pparamdescex, nullptr);
  EXPECT_EQ(V_VT(&f->lprgelemdescParam[2].paramdesc.pparamdescex->varDefaultValue), VT_I2);
  EXPECT_EQ(V_I2(&f->lprgelemdescParam[2].paramdesc.pparamdescex->varDefaultValue), -1);
  dual->ReleaseFuncDesc(f);

  HREFTYPE href = 0;
  ASSERT_EQ(dual->GetRefTypeOfImplType(0, &href), S_OK);
  comkit::com_ptr<ITypeInfo> dispatch;
  ASSERT_EQ(dual->GetRefTypeInfo(href, dispatch.put()), S_OK);
  EXPECT_EQ(name_of(dispatch.get()), u"IDispatch");

  ASSERT_EQ(dual->GetRefTypeOfImplType(static_cast<UINT>(-1), &href), S_OK);
  EXPECT_EQ(href, static_cast<HREFTYPE>(-2));
  comkit::com_ptr<ITypeInfo> vtable;
  ASSERT_EQ(dual->GetRefTypeInfo(href, vtable.put()), S_OK);
  ASSERT_EQ(vtable->GetTypeAttr(&a), S_OK);
  EXPECT_EQ(a->typekind, TKIND_INTERFACE);
  EXPECT_EQ(a->cFuncs, 4);
  EXPECT_EQ(a->cbSizeVft, 88);
  EXPECT_EQ(a->wTypeFlags, TYPEFLAG_FDUAL | TYPEFLAG_FOLEAUTOMATION | TYPEFLAG_FDISPATCHABLE | TYPEFLAG_FHIDDEN);
  vtable->ReleaseTypeAttr(a);
  ASSERT_EQ(vtable->GetFuncDesc(2, &f), S_OK);
  EXPECT_EQ(f->funckind, FUNC_PUREVIRTUAL);
  EXPECT_EQ(f->oVft, 72);
  EXPECT_EQ(f->elemdescFunc.tdesc.vt, VT_HRESULT);
  vtable->ReleaseFuncDesc(f);

  // Names resolve through the whole dispatch view, parameters by position.
  LPOLESTR names[] = {const_cast<LPOLESTR>(reinterpret_cast<const OLECHAR*>(u"arr")),
                      const_cast<LPOLESTR>(reinterpret_cast<const OLECHAR*>(u"N")),
                      const_cast<LPOLESTR>(reinterpret_cast<const OLECHAR*>(u"s"))};
  MEMBERID ids[3] = {};
  ASSERT_EQ(dual->GetIDsOfNames(names, 3, ids), S_OK);
  EXPECT_EQ(ids[0], 0x60020002);
  EXPECT_EQ(ids[1], 2);
  EXPECT_EQ(ids[2], 1);
  LPOLESTR qi[] = {const_cast<LPOLESTR>(reinterpret_cast<const OLECHAR*>(u"QueryInterface"))};
  ASSERT_EQ(dual->GetIDsOfNames(qi, 1, ids), S_OK);
  EXPECT_EQ(ids[0], 0x60000000);
  LPOLESTR bad[] = {const_cast<LPOLESTR>(reinterpret_cast<const OLECHAR*>(u"Arr")),
                    const_cast<LPOLESTR>(reinterpret_cast<const OLECHAR*>(u"nope"))};
  EXPECT_EQ(dual->GetIDsOfNames(bad, 2, ids), DISP_E_UNKNOWNNAME);
  EXPECT_EQ(ids[0], 0x60020002);
  EXPECT_EQ(ids[1], DISPID_UNKNOWN);
}

TEST(TypeLib, CustomDataModulesCoclassesAndConstants) {
  auto lib = load("s2_64.tlb");
  comkit::com_ptr<ITypeInfo2> dual;
  ASSERT_EQ(info(lib.get(), 5)->QueryInterface(IID_ITypeInfo2, dual.put_void()), S_OK);
  const GUID func_cust = {0x9d6b4e2e, 0x2c3d, 0x4e4f, {0xa0, 0x51, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}};
  VARIANT v;
  ASSERT_EQ(dual->GetFuncCustData(3, func_cust, &v), S_OK);
  EXPECT_EQ(V_VT(&v), VT_I4);
  EXPECT_EQ(V_I4(&v), 99);
  CUSTDATA all{};
  ASSERT_EQ(dual->GetAllParamCustData(3, 0, &all), S_OK);
  ASSERT_EQ(all.cCustData, 1u);
  EXPECT_EQ(V_I4(&all.prgCustData[0].varValue), 5);
  ClearCustData(&all);
  EXPECT_EQ(all.prgCustData, nullptr);

  auto mod = info(lib.get(), 3);
  BSTR dll = nullptr, entry = nullptr;
  WORD ordinal = 0;
  ASSERT_EQ(mod->GetDllEntry(0x60000001, INVOKE_FUNC, &dll, &entry, &ordinal), S_OK);
  EXPECT_EQ(str(dll), u"sample2.dll");
  EXPECT_EQ(entry, nullptr);
  EXPECT_EQ(ordinal, 42);
  EXPECT_EQ(info(lib.get(), 4)->GetDllEntry(0x60010000, INVOKE_FUNC, &dll, &entry, &ordinal), TYPE_E_BADMODULEKIND);

  auto coclass = info(lib.get(), 8);
  INT flags = -1;
  ASSERT_EQ(coclass->GetImplTypeFlags(1, &flags), S_OK);
  EXPECT_EQ(flags, IMPLTYPEFLAG_FDEFAULT);
  EXPECT_EQ(coclass->GetImplTypeFlags(2, &flags), TYPE_E_ELEMENTNOTFOUND);

  auto sample = load("sample64.tlb");
  comkit::com_ptr<ITypeInfo> color;
  const GUID color_guid = {0x8c5a3f11, 0x1b2c, 0x4d3e, {0x9f, 0x40, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab}};
  ASSERT_EQ(sample->GetTypeInfoOfGuid(color_guid, color.put()), S_OK);
  VARDESC* var = nullptr;
  ASSERT_EQ(color->GetVarDesc(2, &var), S_OK);
  EXPECT_EQ(var->varkind, VAR_CONST);
  ASSERT_NE(var->lpvarValue, nullptr);
  EXPECT_EQ(V_VT(var->lpvarValue), VT_I4);
  EXPECT_EQ(V_I4(var->lpvarValue), -5);
  color->ReleaseVarDesc(var);

  BOOL found = FALSE;
  OLECHAR buffer[16];
  std::u16string probe = u"paint";
  std::copy(probe.begin(), probe.end(), buffer);
  buffer[probe.size()] = 0;
  ASSERT_EQ(sample->IsName(buffer, 0, &found), S_OK);
  EXPECT_TRUE(found);
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(buffer)), u"Paint") << "the library's spelling";
}

TEST(TypeLib, Stdole2LoadsByItsBareName) {
  comkit::com_ptr<ITypeLib> lib;
  ASSERT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(u"stdole2.tlb"), lib.put()), S_OK);
  comkit::com_ptr<ITypeInfo> dispatch;
  ASSERT_EQ(lib->GetTypeInfoOfGuid(IID_IDispatch, dispatch.put()), S_OK);
  TYPEATTR* a = nullptr;
  ASSERT_EQ(dispatch->GetTypeAttr(&a), S_OK);
  EXPECT_EQ(a->cFuncs, 4);
  EXPECT_EQ(a->cbSizeVft, 7 * sizeof(void*));
  EXPECT_EQ(a->wTypeFlags, TYPEFLAG_FRESTRICTED);
  dispatch->ReleaseTypeAttr(a);
  TLIBATTR* la = nullptr;
  ASSERT_EQ(lib->GetLibAttr(&la), S_OK);
  EXPECT_EQ(la->wMajorVerNum, 2);
  lib->ReleaseTLibAttr(la);
}

TEST(TypeLib, HashesMatchTheAnsiForm) {
  EXPECT_EQ(LHashValOfNameSys(SYS_WIN32, 0x409, reinterpret_cast<LPCOLESTR>(u"Paint")), LHashValOfNameSysA(SYS_WIN32, 0x409, "paint"));
  EXPECT_EQ(LHashValOfNameSysA(SYS_WIN64, 0x407, "Sample2"), 0x00109737u);
  EXPECT_EQ(LHashValOfNameSys(SYS_WIN32, 0x409, nullptr), 0u);
}

// The cache of loaded libraries under concurrent loads and releases: every
// load succeeds, and two loads that overlap in time get the same object.
TEST(TypeLibThreads, ConcurrentLoadAndRelease) {
  const std::u16string path = path_of("sample32.tlb");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        ITypeLib* a = nullptr;
        ITypeLib* b = nullptr;
        if (LoadTypeLib(reinterpret_cast<LPCOLESTR>(path.c_str()), &a) != S_OK) ++failures;
        if (LoadTypeLib(reinterpret_cast<LPCOLESTR>(path.c_str()), &b) != S_OK) ++failures;
        if (a != b || !a || a->GetTypeInfoCount() == 0) ++failures;
        ITypeInfo* ti = nullptr;
        if (a && a->GetTypeInfo(0, &ti) == S_OK) ti->Release();
        if (a) a->Release();
        if (b) b->Release();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

std::vector<std::uint8_t> file_bytes(const char* name) {
  std::ifstream f(std::string(COMKIT_TYPEINFO_DATA) + "/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

comkit::com_ptr<ITypeLib> from_memory(const std::vector<std::uint8_t>& image) {
  comkit::com_ptr<ITypeLib> lib;
  EXPECT_EQ(ComkitLoadTypeLibFromMemory(image.data(), image.size(), lib.put()), S_OK);
  return lib;
}

WORD function_count(ITypeInfo* ti) {
  TYPEATTR* a = nullptr;
  if (ti->GetTypeAttr(&a) != S_OK) return 0;
  const WORD n = a->cFuncs;
  ti->ReleaseTypeAttr(a);
  return n;
}

TEST(TypeLib, ATypesMembersAreReadWhenItIsFirstAskedFor) {
  // A library's types' functions and variables are read on first use (the
  // load reads the library's index): damage in one function record fails
  // that type when it is asked for, not the load, and not the others.
  auto image = file_bytes("s2_64.tlb");
  auto good = from_memory(image);
  ASSERT_TRUE(good);
  UINT victim = 0;
  while (victim < good->GetTypeInfoCount() && function_count(info(good.get(), victim).get()) == 0) ++victim;
  ASSERT_LT(victim, good->GetTypeInfoCount());
  BSTR name = nullptr;
  ASSERT_EQ(good->GetDocumentation(static_cast<INT>(victim), &name, nullptr, nullptr, nullptr), S_OK);
  const std::u16string victim_name = str(name);

  const std::int32_t far = 0x7FFFFFF0;  // its first function's result type, outside the file
  std::memcpy(image.data() + comkit::test::first_function_at(image, victim) + 4, &far, 4);
  auto lib = from_memory(image);
  ASSERT_TRUE(lib);
  EXPECT_EQ(lib->GetTypeInfoCount(), good->GetTypeInfoCount());
  ASSERT_EQ(lib->GetDocumentation(static_cast<INT>(victim), &name, nullptr, nullptr, nullptr), S_OK);
  EXPECT_EQ(str(name), victim_name);
  TYPEKIND kind;
  EXPECT_EQ(lib->GetTypeInfoType(victim, &kind), S_OK);
  comkit::com_ptr<ITypeInfo> ti;
  EXPECT_EQ(lib->GetTypeInfo(victim, ti.put()), TYPE_E_INVDATAREAD);
  EXPECT_EQ(lib->GetTypeInfo(victim, ti.put()), TYPE_E_INVDATAREAD);  // the same answer again
  EXPECT_FALSE(ti);
  for (UINT i = 0; i < lib->GetTypeInfoCount(); ++i) {
    if (i == victim) continue;
    auto other = info(lib.get(), i);
    ASSERT_TRUE(other) << i;
    EXPECT_EQ(function_count(other.get()), function_count(info(good.get(), i).get())) << i;
  }
  // Searching every type's members meets the damage.
  std::u16string wanted = u"NoSuchName";
  ITypeInfo* found[4] = {};
  MEMBERID ids[4];
  USHORT count = 4;
  EXPECT_EQ(lib->FindName(wanted.data(), 0, found, ids, &count), TYPE_E_INVDATAREAD);
  BOOL is = TRUE;
  EXPECT_EQ(lib->IsName(wanted.data(), 0, &is), TYPE_E_INVDATAREAD);
}

TEST(TypeLibThreads, ManyThreadsAskForTheSameTypesFirst) {
  // The first GetTypeInfo of a type reads its members once, whichever
  // thread gets there first; the others wait for it or see it done.
  const auto image = file_bytes("s2_64.tlb");
  auto reference = from_memory(image);
  ASSERT_TRUE(reference);
  const UINT types = reference->GetTypeInfoCount();
  std::vector<WORD> expected;
  for (UINT i = 0; i < types; ++i) expected.push_back(function_count(info(reference.get(), i).get()));
  std::atomic<int> failures{0};
  for (int round = 0; round < 50; ++round) {
    auto lib = from_memory(image);  // a new object: nothing read yet
    ASSERT_TRUE(lib);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (UINT k = 0; k < types; ++k) {
          const UINT i = (k + static_cast<UINT>(t)) % types;
          ITypeInfo* ti = nullptr;
          if (lib->GetTypeInfo(i, &ti) != S_OK) {
            ++failures;
            continue;
          }
          if (function_count(ti) != expected[i]) ++failures;
          FUNCDESC* f = nullptr;
          if (expected[i] && (ti->GetFuncDesc(0, &f) != S_OK || !f)) ++failures;
          if (f) ti->ReleaseFuncDesc(f);
          ti->Release();
        }
      });
    for (auto& t : threads) t.join();
  }
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace

// ---- registration ------------------------------------------------------------------
#include <cstdlib>
#include <unistd.h>
#include <fstream>
#include <sstream>

#include <comkit/abi/extensions.h>

namespace {

// A private registry for the test's duration.
struct scratch_registry {
  std::string dir;
  scratch_registry() {
    char tmpl[] = "/tmp/comkit-typelib-registry-XXXXXX";
    dir = mkdtemp(tmpl);
    setenv("COMKIT_REGISTRY_PATH", dir.c_str(), 1);
    ComkitRegistryRefresh();
  }
  ~scratch_registry() {
    std::system(("rm -rf '" + dir + "'").c_str());
    unsetenv("COMKIT_REGISTRY_PATH");
    ComkitRegistryRefresh();
  }
  std::string all_manifests() const {
    std::string text;
    std::FILE* ls = popen(("cat '" + dir + "'/*.manifest 2>/dev/null").c_str(), "r");
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, ls)) > 0;) text.append(buffer, n);
    pclose(ls);
    return text;
  }
};

const GUID sample2_libid = {0x9d6b4e20, 0x2c3d, 0x4e4f, {0xa0, 0x51, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}};
const GUID sample_libid = {0x8c5a3f10, 0x1b2c, 0x4d3e, {0x9f, 0x40, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab}};

std::u16string query(const GUID& libid, USHORT major, USHORT minor, LCID lcid, HRESULT expected = S_OK) {
  BSTR path = nullptr;
  EXPECT_EQ(QueryPathOfRegTypeLib(libid, major, minor, lcid, &path), expected) << major << "." << minor << " lcid " << lcid;
  return str(path);
}

TEST(TypeLibRegistry, RegisterQueryLoadAndUnregister) {
  scratch_registry reg;
  auto lib = load("s2_64.tlb");  // Sample2 3.4, lcid 0x407
  const std::u16string path = path_of("s2_64.tlb");
  ASSERT_EQ(RegisterTypeLib(lib.get(), reinterpret_cast<LPCOLESTR>(path.c_str()), nullptr), S_OK);
  EXPECT_EQ(query(sample2_libid, 3, 4, 0x407), path);
  EXPECT_EQ(query(sample2_libid, 3, 1, 0x407), path) << "a lower minor finds the nearest higher";
  query(sample2_libid, 3, 5, 0x407, TYPE_E_LIBNOTREGISTERED);
  query(sample2_libid, 2, 4, 0x407, TYPE_E_LIBNOTREGISTERED);
  query(sample2_libid, 3, 4, 0x409, TYPE_E_LIBNOTREGISTERED);

  comkit::com_ptr<ITypeLib> again;
  ASSERT_EQ(LoadRegTypeLib(sample2_libid, 3, 0, 0x407, again.put()), S_OK);
  EXPECT_EQ(again.get(), lib.get()) << "the same file, the same library";

  // The interfaces automation marshals are registered with it.
  const std::string manifests = reg.all_manifests();
  EXPECT_NE(manifests.find("[interface {9D6B4E24-2C3D-4E4F-A051-123456789ABC}]\nname = IDerived\nproxy-stub = {00020424-0000-0000-C000-000000000046}"),
            std::string::npos) << manifests;
  EXPECT_NE(manifests.find("name = DWrap\nproxy-stub = {00020420-0000-0000-C000-000000000046}"), std::string::npos) << manifests;
  EXPECT_NE(manifests.find("name = IBase\n"), std::string::npos);
  EXPECT_EQ(manifests.find("ILocalChild"), std::string::npos) << "not [oleautomation]";

  ASSERT_EQ(UnRegisterTypeLib(sample2_libid, 3, 4, 0x407, SYS_WIN64), S_OK);
  EXPECT_EQ(UnRegisterTypeLib(sample2_libid, 3, 4, 0x407, SYS_WIN64), TYPE_E_REGISTRYACCESS);
  query(sample2_libid, 3, 4, 0x407, TYPE_E_LIBNOTREGISTERED);
  comkit::com_ptr<ITypeLib> none;
  EXPECT_EQ(LoadRegTypeLib(sample2_libid, 3, 4, 0x407, none.put()), TYPE_E_LIBNOTREGISTERED);
}

TEST(TypeLibRegistry, VersionsLocalesAndRegkind) {
  scratch_registry reg;
  const std::u16string path = path_of("sample64.tlb");  // SampleLib 1.2, lcid 0
  comkit::com_ptr<ITypeLib> lib;
  ASSERT_EQ(LoadTypeLibEx(reinterpret_cast<LPCOLESTR>(path.c_str()), REGKIND_NONE, lib.put()), S_OK);
  query(sample_libid, 1, 2, 0, TYPE_E_LIBNOTREGISTERED);
  lib = nullptr;
  ASSERT_EQ(LoadTypeLibEx(reinterpret_cast<LPCOLESTR>(path.c_str()), REGKIND_REGISTER, lib.put()), S_OK);
  EXPECT_EQ(query(sample_libid, 1, 2, 0), path);
  EXPECT_EQ(query(sample_libid, 1, 0, 0x409), path) << "an lcid falls back to LANG_NEUTRAL";
  ASSERT_EQ(UnRegisterTypeLib(sample_libid, 1, 2, 0, SYS_WIN64), S_OK);

  // A relative path is taken, as on Windows, and kept as the file it names
  // from the current directory.
  ASSERT_EQ(RegisterTypeLib(lib.get(), reinterpret_cast<LPCOLESTR>(u"relative.tlb"), nullptr), S_OK);
  char* cwd = ::getcwd(nullptr, 0);
  ASSERT_NE(cwd, nullptr);
  const std::string absolute = std::string(cwd) + "/relative.tlb";
  std::free(cwd);
  EXPECT_EQ(query(sample_libid, 1, 2, 0), std::u16string(absolute.begin(), absolute.end()));
  ASSERT_EQ(UnRegisterTypeLib(sample_libid, 1, 2, 0, SYS_WIN64), S_OK);
  EXPECT_EQ(RegisterTypeLib(lib.get(), reinterpret_cast<LPCOLESTR>(u""), nullptr), E_INVALIDARG);
  EXPECT_EQ(RegisterTypeLib(nullptr, reinterpret_cast<LPCOLESTR>(path.c_str()), nullptr), E_INVALIDARG);
  BSTR out = nullptr;
  EXPECT_EQ(QueryPathOfRegTypeLib(sample_libid, 1, 2, 0, nullptr), E_INVALIDARG);
  EXPECT_EQ(out, nullptr);
}

}  // namespace

// ---- ITypeComp -----------------------------------------------------------------------
namespace {

LPOLESTR olestr(const char16_t* s) { return const_cast<LPOLESTR>(reinterpret_cast<const OLECHAR*>(s)); }

TEST(TypeComp, BindsMembersOfATypeInfoAndItsBase) {
  auto lib = load("s2_64.tlb");
  auto child = info(lib.get(), 6);  // ILocalChild : IBase : IUnknown
  comkit::com_ptr<ITypeComp> comp;
  ASSERT_EQ(child->GetTypeComp(comp.put()), S_OK);
  ITypeInfo* found = nullptr;
  DESCKIND kind = DESCKIND_MAX;
  BINDPTR bind{};
  ASSERT_EQ(comp->Bind(olestr(u"child"), 0, INVOKE_FUNC, &found, &kind, &bind), S_OK);
  ASSERT_EQ(kind, DESCKIND_FUNCDESC);
  EXPECT_EQ(bind.lpfuncdesc->memid, 0x60020000);
  EXPECT_EQ(name_of(found), u"ILocalChild");
  found->ReleaseFuncDesc(bind.lpfuncdesc);
  found->Release();
  // Found in the base, and described by the base's type info.
  ASSERT_EQ(comp->Bind(olestr(u"BaseMethod"), 0, 0, &found, &kind, &bind), S_OK);
  ASSERT_EQ(kind, DESCKIND_FUNCDESC);
  EXPECT_EQ(name_of(found), u"IBase");
  found->ReleaseFuncDesc(bind.lpfuncdesc);
  found->Release();
  // A name that exists, as another kind of member.
  EXPECT_EQ(comp->Bind(olestr(u"Child"), 0, INVOKE_PROPERTYGET, &found, &kind, &bind), TYPE_E_TYPEMISMATCH);
  ASSERT_EQ(comp->Bind(olestr(u"nothing"), 0, 0, &found, &kind, &bind), S_OK);
  EXPECT_EQ(kind, DESCKIND_NONE);
  EXPECT_EQ(found, nullptr);

  auto u = info(lib.get(), 2);  // union U { long l; double d; char c[3]; }
  comkit::com_ptr<ITypeComp> ucomp;
  ASSERT_EQ(u->GetTypeComp(ucomp.put()), S_OK);
  ASSERT_EQ(ucomp->Bind(olestr(u"D"), 0, 0, &found, &kind, &bind), S_OK);
  ASSERT_EQ(kind, DESCKIND_VARDESC);
  EXPECT_EQ(bind.lpvardesc->memid, 0x40000001);
  found->ReleaseVarDesc(bind.lpvardesc);
  found->Release();
}

TEST(TypeComp, BindsModulesEnumsAndTypeNamesInALibrary) {
  auto lib = load("sample64.tlb");
  comkit::com_ptr<ITypeComp> comp;
  ASSERT_EQ(lib->GetTypeComp(comp.put()), S_OK);
  ITypeInfo* found = nullptr;
  DESCKIND kind = DESCKIND_MAX;
  BINDPTR bind{};
  ASSERT_EQ(comp->Bind(olestr(u"blue"), 0, 0, &found, &kind, &bind), S_OK);  // an enum constant
  ASSERT_EQ(kind, DESCKIND_VARDESC);
  EXPECT_EQ(V_I4(bind.lpvardesc->lpvarValue), -5);
  EXPECT_EQ(name_of(found), u"Color");
  found->ReleaseVarDesc(bind.lpvardesc);
  found->Release();
  ASSERT_EQ(comp->Bind(olestr(u"Color"), 0, 0, &found, &kind, &bind), S_OK);
  ASSERT_EQ(kind, DESCKIND_TYPECOMP);
  ASSERT_NE(bind.lptcomp, nullptr);
  bind.lptcomp->Release();
  ASSERT_EQ(comp->Bind(olestr(u"IPlain"), 0, 0, &found, &kind, &bind), S_OK);
  EXPECT_EQ(kind, DESCKIND_NONE) << "an interface's name binds as a type, not a value";
  ITypeComp* tcomp = nullptr;
  ASSERT_EQ(comp->BindType(olestr(u"iplain"), 0, &found, &tcomp), S_OK);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(name_of(found), u"IPlain");
  EXPECT_EQ(tcomp, nullptr);
  found->Release();
  ASSERT_EQ(comp->BindType(olestr(u"Nope"), 0, &found, &tcomp), S_OK);
  EXPECT_EQ(found, nullptr);
}

}  // namespace
