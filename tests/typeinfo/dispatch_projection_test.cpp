// tests/typeinfo/dispatch_projection_test.cpp - late binding in the C++
// projection: implements<..., dispatch_from_typelib> answering IDispatch
// from the type library embedded in this executable (comkit_add_idl's
// EMBED_TYPELIB), for produced and raw dual interfaces; the late-bound
// client comkit::dispatch; `for` over collections; the embedded section as
// LoadTypeLib finds it in the file.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <comkit/comkit.h>
#include <comkit/dispatch.h>

#include "dispatch_test_projection.h"
#include "embedded.h"

namespace {

std::u16string u16(const char* s) { return comkit::detail::utf16_of(s); }

// The bytes of the test's type library file (empty when it cannot be read).
std::vector<unsigned char> tlb_bytes() {
  std::vector<unsigned char> image(1 << 16);
  std::FILE* f = std::fopen(COMKIT_DISPATCH_TLB, "rb");
  image.resize(f ? std::fread(image.data(), 1, image.size(), f) : 0);
  if (f) std::fclose(f);
  return image;
}

// A produced dual interface: idiomatic members only; IDispatch comes from the
// embedded type library.
struct produced_calc : comkit::implements<produced_calc, ICalcDisp, comkit::dispatch_from_typelib> {
  std::u16string name = u"calc";
  std::atomic<std::int32_t> last_factor{0};  // the stress test calls Scale from several threads
  LONG Add(LONG a, LONG b) { return a + b; }
  comkit::bstr Name() { return comkit::bstr(name); }
  void Name(std::u16string_view n) { name = n; }
  double Scale(double x, LONG factor) {
    last_factor = factor;
    return x * factor;
  }
  void Fail() { throw comkit::hresult_error(E_ACCESSDENIED, "the calculator refuses"); }
  void Swap(LONG& a, LONG& b) { std::swap(a, b); }
  comkit::bstr Describe(const comkit::variant& v) {
    if (v.is_missing()) return comkit::bstr(u"missing");
    return comkit::bstr::from_utf8(v.get<std::string>());
  }
  double Mix(signed char c, short s, float f, LONGLONG h, bool flag) { return c + s + f + static_cast<double>(h) + (flag ? 1000 : 0); }
};

// The same interface written against the raw ABI, but with IDispatch from
// the marker.
struct raw_calc : comkit::implements<raw_calc, comkit::raw<ICalcDisp>, comkit::dispatch_from_typelib> {
  HRESULT STDMETHODCALLTYPE Add(LONG a, LONG b, LONG* sum) noexcept override {
    *sum = a * 100 + b;  // distinguishable from produced_calc
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_Name(BSTR* out) noexcept override {
    *out = SysAllocString(reinterpret_cast<const OLECHAR*>(u"raw"));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_Name(BSTR) noexcept override { return S_OK; }
  HRESULT STDMETHODCALLTYPE Scale(double x, LONG factor, double* r) noexcept override {
    *r = x / factor;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Fail() noexcept override { return E_FAIL; }
  HRESULT STDMETHODCALLTYPE Swap(LONG*, LONG*) noexcept override { return S_OK; }
  HRESULT STDMETHODCALLTYPE Describe(VARIANT, BSTR* text) noexcept override {
    *text = nullptr;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Mix(signed char, short, float, LONGLONG, VARIANT_BOOL, double* r) noexcept override {
    *r = 0;
    return S_OK;
  }
};

// A collection: _NewEnum (DISPID_NEWENUM) through a hand-written IDispatch,
// to test `for` over an object that is not typelib-described.
struct collection : comkit::implements<collection, comkit::raw<IDispatch>> {
  std::vector<comkit::variant> items{comkit::variant(1), comkit::variant("two"), comkit::variant(3.5)};
  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* n) noexcept override {
    *n = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo**) noexcept override { return DISP_E_BADINDEX; }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR*, UINT, LCID, DISPID*) noexcept override { return DISP_E_UNKNOWNNAME; }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID id, REFIID, LCID, WORD flags, DISPPARAMS*, VARIANT* result, EXCEPINFO*, UINT*) noexcept override {
    if (id != DISPID_NEWENUM || !(flags & (DISPATCH_METHOD | DISPATCH_PROPERTYGET)) || !result) return DISP_E_MEMBERNOTFOUND;
    auto e = comkit::make_enumerator<IEnumVARIANT>(items);
    result->vt = VT_UNKNOWN;
    result->punkVal = e.detach();
    return S_OK;
  }
};

comkit::dispatch dispatch_of(comkit::com_ptr<ICalcDisp> p) { return comkit::dispatch::from(p); }

TEST(DispatchFromTypelib, ProducedDualInterfaceAnswersIDispatch) {
  auto object = comkit::make<produced_calc>();
  comkit::com_ptr<IDispatch> d = object.as<IDispatch>();
  UINT count = 0;
  ASSERT_EQ(d->GetTypeInfoCount(&count), S_OK);
  EXPECT_EQ(count, 1u);
  comkit::com_ptr<ITypeInfo> info;
  ASSERT_EQ(d->GetTypeInfo(0, 0, info.put()), S_OK);
  TYPEATTR* attr = nullptr;
  ASSERT_EQ(info->GetTypeAttr(&attr), S_OK);
  EXPECT_EQ(attr->guid, IID_ICalcDisp);
  EXPECT_EQ(attr->typekind, TKIND_DISPATCH) << "a dual interface's IDispatch describes its dispatch view";
  info->ReleaseTypeAttr(attr);
  EXPECT_EQ(d->GetTypeInfo(1, 0, info.put()), DISP_E_BADINDEX);
  EXPECT_EQ(d->GetTypeInfoCount(nullptr), E_INVALIDARG);

  std::u16string add = u"ADD";  // names are case-insensitive
  LPOLESTR names[] = {reinterpret_cast<LPOLESTR>(add.data())};
  DISPID id = 0;
  ASSERT_EQ(d->GetIDsOfNames(IID_NULL, names, 1, 0, &id), S_OK);
  EXPECT_EQ(id, 1);
  EXPECT_EQ(d->GetIDsOfNames(IID_IUnknown, names, 1, 0, &id), DISP_E_UNKNOWNINTERFACE);

  VARIANT args[2];
  VariantInit(&args[0]);
  VariantInit(&args[1]);
  args[0].vt = args[1].vt = VT_I4;
  args[0].lVal = 4;   // b (arguments go last first)
  args[1].lVal = 38;  // a
  DISPPARAMS p{args, nullptr, 2, 0};
  VARIANT result;
  VariantInit(&result);
  ASSERT_EQ(d->Invoke(1, IID_NULL, 0, DISPATCH_METHOD, &p, &result, nullptr, nullptr), S_OK);
  EXPECT_EQ(result.vt, VT_I4);
  EXPECT_EQ(result.lVal, 42);
  EXPECT_EQ(d->Invoke(1, IID_IUnknown, 0, DISPATCH_METHOD, &p, &result, nullptr, nullptr), DISP_E_UNKNOWNINTERFACE);
  EXPECT_EQ(d->Invoke(77, IID_NULL, 0, DISPATCH_METHOD, &p, &result, nullptr, nullptr), DISP_E_MEMBERNOTFOUND);
}

TEST(DispatchFromTypelib, ExceptionsBecomeExcepinfo) {
  auto object = comkit::make<produced_calc>();
  comkit::com_ptr<IDispatch> d = object.as<IDispatch>();
  DISPPARAMS none{};
  EXCEPINFO e{};
  VARIANT result;
  VariantInit(&result);
  ASSERT_EQ(d->Invoke(4, IID_NULL, 0, DISPATCH_METHOD, &none, &result, &e, nullptr), DISP_E_EXCEPTION);
  if (e.pfnDeferredFillIn) e.pfnDeferredFillIn(&e);
  EXPECT_EQ(e.scode, E_ACCESSDENIED);
  ASSERT_NE(e.bstrDescription, nullptr);
  EXPECT_EQ(comkit::detail::utf8_of(e.bstrDescription), "the calculator refuses");
  SysFreeString(e.bstrDescription);
  SysFreeString(e.bstrSource);
  SysFreeString(e.bstrHelpFile);
}

TEST(DispatchFromTypelib, RawDualInterfaceAnswersIDispatch) {
  auto object = comkit::make<raw_calc>();
  comkit::dispatch d = comkit::dispatch::from(object.as<ICalcDisp>());
  EXPECT_EQ(static_cast<LONG>(d.call("Add", 3, 4)), 304) << "the raw method is what Invoke calls";
  EXPECT_EQ(static_cast<std::string>(d.get("Name")), "raw");
}

TEST(DispatchFromTypelib, UserOverrideWins) {
  struct own : comkit::implements<own, ICalcDisp, comkit::dispatch_from_typelib> {
    LONG Add(LONG a, LONG b) { return a + b; }
    comkit::bstr Name() { return {}; }
    void Name(std::u16string_view) {}
    double Scale(double x, LONG) { return x; }
    void Fail() {}
    void Swap(LONG&, LONG&) {}
    comkit::bstr Describe(const comkit::variant&) { return {}; }
    double Mix(signed char, short, float, LONGLONG, bool) { return 0; }
    HRESULT GetTypeInfoCount(UINT* n) {
      *n = 7;
      return S_OK;
    }
  };
  auto object = comkit::make<own>();
  UINT n = 0;
  ASSERT_EQ(object.as<IDispatch>()->GetTypeInfoCount(&n), S_OK);
  EXPECT_EQ(n, 7u);
}

TEST(LateBound, CallGetPutAndNamedArguments) {
  comkit::com_ptr<produced_calc> object = comkit::make_self<produced_calc>();
  comkit::dispatch calc = comkit::dispatch::from(object.as<IUnknown>());
  double sum = calc.call("Add", 19, 23);
  EXPECT_EQ(sum, 42.0);
  std::string text = calc.call("Add", "19", 23.0);  // coerced to LONG by Invoke, back to text here
  EXPECT_EQ(text, "42");

  calc.put("Name", "late bound");
  EXPECT_EQ(object->name, u"late bound");
  std::string name = calc.get("Name");
  EXPECT_EQ(name, "late bound");
  comkit::bstr name_bstr = calc.get("name");
  EXPECT_EQ(name_bstr, u"late bound");

  double scaled = calc.call("Scale", 1.5);
  EXPECT_EQ(scaled, 3.0) << "the [defaultvalue(2)] factor";
  scaled = calc.call("Scale", 1.5, comkit::named("factor", 4));
  EXPECT_EQ(scaled, 6.0);
  EXPECT_EQ(object->last_factor.load(), 4);
  scaled = calc.call("Scale", comkit::named("factor", 3), comkit::named("x", 2.0));
  EXPECT_EQ(scaled, 6.0);

  std::string missing = calc.call("Describe");
  EXPECT_EQ(missing, "missing") << "an omitted [optional] VARIANT arrives as missing";
  std::string described = calc.call("Describe", 12.5);
  EXPECT_EQ(described, "12.5");

  double mixed = calc.call("Mix", 1, 2, 3.5f, 4, true);
  EXPECT_EQ(mixed, 1010.5);

  DISPID add = calc.id_of("Add");
  EXPECT_EQ(add, 1);
  LONG by_id = calc.invoke(add, DISPATCH_METHOD, 2, 3);
  EXPECT_EQ(by_id, 5);
}

TEST(LateBound, FailuresThrowWithTheirDescriptions) {
  auto object = comkit::make<produced_calc>();
  comkit::dispatch calc = dispatch_of(object.as<ICalcDisp>());
  try {
    calc.call("Fail");
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), E_ACCESSDENIED) << "the EXCEPINFO's scode, not DISP_E_EXCEPTION";
    EXPECT_EQ(e.message(), "the calculator refuses");
  }
  try {
    calc.call("Subtract", 1, 2);
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), DISP_E_UNKNOWNNAME);
    EXPECT_NE(e.message().find("Subtract"), std::string::npos) << e.message();
  }
  try {
    calc.call("Add", 1);
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), DISP_E_PARAMNOTOPTIONAL);
  }
  try {
    calc.call("Add", 1, "not a number");
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), DISP_E_TYPEMISMATCH);
    EXPECT_NE(e.message().find("argument 2"), std::string::npos) << e.message();
  }
  try {
    calc.call("Scale", 1.0, comkit::named("nope", 1));
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), DISP_E_UNKNOWNNAME) << "an unknown argument name fails GetIDsOfNames";
  }
  try {
    const double bad = calc.get("Name");  // "calc" is no number
    (void)bad;
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), DISP_E_TYPEMISMATCH);
  }
  comkit::dispatch empty;
  EXPECT_THROW(empty.call("Add", 1, 2), comkit::hresult_error);
}

TEST(LateBound, ForOverCollectionsAndArrays) {
  comkit::dispatch items = comkit::dispatch(comkit::make<collection>().as<IDispatch>());
  std::vector<std::string> seen;
  for (comkit::variant v : items) seen.push_back(v.get<std::string>());
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "two", "3.5"}));

  // A value holding the collection, as a property read returns it.
  comkit::variant held(items.ptr());
  seen.clear();
  for (comkit::variant v : held) seen.push_back(v.get<std::string>());
  EXPECT_EQ(seen.size(), 3u);

  comkit::safe_array<LONG> numbers(3);
  numbers[0] = 10;
  numbers[1] = 20;
  numbers[2] = 30;
  comkit::variant array(std::move(numbers));
  LONG total = 0;
  for (comkit::variant v : array) {
    EXPECT_EQ(v.vt(), VT_I4);
    total += v.get<LONG>();
  }
  EXPECT_EQ(total, 60);

  comkit::variant number(5);
  EXPECT_THROW(for (comkit::variant v : number) (void)v, comkit::hresult_error) << "a number is no collection";
}

TEST(LateBound, FromVariantAndCreate) {
  auto object = comkit::make<produced_calc>();
  comkit::variant v(object.as<IDispatch>());
  comkit::dispatch d = v;  // implicit: a property that returns an object
  EXPECT_EQ(static_cast<LONG>(d.call("Add", 1, 1)), 2);
  EXPECT_THROW(comkit::dispatch(comkit::variant(3)), comkit::hresult_error);
  try {
    comkit::dispatch::create("Comkit.NoSuchClass.Anywhere");
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), CO_E_CLASSSTRING);
  }
  ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
  try {
    comkit::dispatch::create("{5f1c2a3f-7d4e-4b1a-9c2d-3e4f5a6b7c80}");
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), REGDB_E_CLASSNOTREG);
  }
  CoUninitialize();
}

// ---- the embedded section, as files and as memory --------------------------

TEST(EmbeddedTypelib, LoadTypeLibFindsTheExecutablesLibrary) {
  comkit::com_ptr<ITypeLib> lib;
  const std::u16string self = u16("/proc/self/exe");
  ASSERT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(self.c_str()), lib.put()), S_OK);
  TLIBATTR* attr = nullptr;
  ASSERT_EQ(lib->GetLibAttr(&attr), S_OK);
  EXPECT_EQ(attr->guid, LIBID_DispatchTest);
  lib->ReleaseTLibAttr(attr);
  comkit::com_ptr<ITypeLib> again;
  const std::u16string one = u16("/proc/self/exe\\1");
  ASSERT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(one.c_str()), again.put()), S_OK) << "\\1 names the same library";
  const std::u16string two = u16("/proc/self/exe\\2");
  EXPECT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(two.c_str()), again.put()), TYPE_E_CANTLOADLIBRARY) << "there is no library 2";
}

TEST(EmbeddedTypelib, GetTypeInfoOfGuidLooksInTheSectionThenTheRegistry) {
  comkit::com_ptr<ITypeInfo> info;
  EXPECT_EQ(ComkitGetTypeInfoOfGuid(IID_ICalcDisp, nullptr, 0, nullptr), E_POINTER);
  EXPECT_EQ(ComkitGetTypeInfoOfGuid(IID_ICalcDisp, nullptr, 4, info.put()), E_INVALIDARG);
  const unsigned char garbage[16] = {1, 2, 3};
  EXPECT_EQ(ComkitGetTypeInfoOfGuid(IID_ICalcDisp, garbage, sizeof garbage, info.put()), TYPE_E_CANTLOADLIBRARY);
  const unsigned char padding[32] = {};
  EXPECT_EQ(ComkitGetTypeInfoOfGuid(IID_ICalcDisp, padding, sizeof padding, info.put()), TYPE_E_ELEMENTNOTFOUND)
      << "only padding, and nothing registered";

  // Registered: found through the [interface] entry.
  char dir[] = "/tmp/comkit-tlbreg-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  ::setenv("COMKIT_REGISTRY_PATH", dir, 1);
  ComkitRegistryRefresh();
  const std::u16string path = u16(COMKIT_DISPATCH_TLB);
  comkit::com_ptr<ITypeLib> lib;
  ASSERT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(path.c_str()), lib.put()), S_OK);
  ASSERT_EQ(RegisterTypeLib(lib.get(), reinterpret_cast<LPCOLESTR>(path.c_str()), nullptr), S_OK);
  ComkitRegistryRefresh();
  ASSERT_EQ(ComkitGetTypeInfoOfGuid(IID_ICalcDisp, nullptr, 0, info.put()), S_OK);
  TYPEATTR* attr = nullptr;
  ASSERT_EQ(info->GetTypeAttr(&attr), S_OK);
  EXPECT_EQ(attr->guid, IID_ICalcDisp);
  info->ReleaseTypeAttr(attr);
  EXPECT_EQ(UnRegisterTypeLib(LIBID_DispatchTest, 1, 0, 0, SYS_WIN64), S_OK);
  ::unsetenv("COMKIT_REGISTRY_PATH");
  ComkitRegistryRefresh();
  std::string cleanup = std::string("rm -rf ") + dir;
  EXPECT_EQ(std::system(cleanup.c_str()), 0);
}

TEST(EmbeddedTypelib, LoadTypeLibFromMemory) {
  comkit::com_ptr<ITypeLib> lib;
  EXPECT_EQ(ComkitLoadTypeLibFromMemory(nullptr, 0, nullptr), E_POINTER);
  EXPECT_EQ(ComkitLoadTypeLibFromMemory(nullptr, 3, lib.put()), E_INVALIDARG);
  const unsigned char junk[] = "not a type library";
  EXPECT_EQ(ComkitLoadTypeLibFromMemory(junk, sizeof junk, lib.put()), TYPE_E_CANTLOADLIBRARY);
  EXPECT_FALSE(lib);

  const std::vector<unsigned char> image = tlb_bytes();
  ASSERT_FALSE(image.empty());
  ASSERT_EQ(ComkitLoadTypeLibFromMemory(image.data(), image.size(), lib.put()), S_OK);
  comkit::com_ptr<ITypeInfo> info;
  EXPECT_EQ(lib->GetTypeInfoOfGuid(IID_ICalcDisp, info.put()), S_OK);
  EXPECT_EQ(ComkitLoadTypeLibFromMemory(image.data(), image.size() / 2, lib.put()), TYPE_E_INVDATAREAD) << "truncated";
  EXPECT_FALSE(lib);
}

}  // namespace

namespace {

// The first calls on a fresh type library race: every thread looks up names
// (GetIDsOfNames' index is built on first use) and invokes (each member's
// plan is resolved on first use and published by CAS) at the same moment.
// Each round loads a new copy of the library from memory, so the caches
// start empty every time; TSan checks the publication, the results the
// answers. It would also catch a plan freed while another thread uses it.
TEST(DispatchThreads, FirstCallsRaceOnAFreshLibrary) {
  const std::vector<unsigned char> image = tlb_bytes();
  ASSERT_FALSE(image.empty());
  comkit::com_ptr<produced_calc> object = comkit::make_self<produced_calc>();
  constexpr int rounds = 20, threads = 4;
  for (int round = 0; round < rounds; ++round) {
    comkit::com_ptr<ITypeLib> lib;
    ASSERT_EQ(ComkitLoadTypeLibFromMemory(image.data(), image.size(), lib.put()), S_OK);
    comkit::com_ptr<ITypeInfo> info;
    ASSERT_EQ(lib->GetTypeInfoOfGuid(IID_ICalcDisp, info.put()), S_OK);
    comkit::com_ptr<IUnknown> unknown;
    ASSERT_EQ(CreateStdDispatch(nullptr, object.as<ICalcDisp>().get(), info.get(), unknown.put()), S_OK);
    comkit::com_ptr<IDispatch> d = unknown.as<IDispatch>();
    std::atomic<int> ready{0}, wrong{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        ready.fetch_add(1);
        while (ready.load() < threads) {
        }
        for (int k = 0; k < 50; ++k) {
          std::u16string name = (k + t) % 2 ? u"Add" : u"scale";
          LPOLESTR names[] = {reinterpret_cast<LPOLESTR>(name.data())};
          DISPID id = 0;
          if (d->GetIDsOfNames(IID_NULL, names, 1, 0, &id) != S_OK || id != ((k + t) % 2 ? 1 : 3)) wrong.fetch_add(1);
          VARIANT args[2];
          args[0].vt = args[1].vt = VT_I4;
          args[0].lVal = k;
          args[1].lVal = t;
          DISPPARAMS p{args, nullptr, 2, 0};
          VARIANT r;
          VariantInit(&r);
          if (d->Invoke(1, IID_NULL, 0, DISPATCH_METHOD, &p, &r, nullptr, nullptr) != S_OK || r.vt != VT_I4 || r.lVal != t + k)
            wrong.fetch_add(1);
          // Scale with its default factor of 2: a second plan, and a default value.
          DISPPARAMS one{&args[1], nullptr, 1, 0};
          if (d->Invoke(3, IID_NULL, 0, DISPATCH_METHOD, &one, &r, nullptr, nullptr) != S_OK || r.vt != VT_R8 || r.dblVal != 2.0 * t)
            wrong.fetch_add(1);
          VariantClear(&r);
        }
      });
    for (std::thread& th : pool) th.join();
    EXPECT_EQ(wrong.load(), 0) << "round " << round;
  }
}

}  // namespace

// ---- the ELF reader on hand-made files ------------------------------------------


namespace {

namespace tl = comkit::typelib;

// A minimal little-endian ELF file: header, the section contents, a string
// table, then the section headers [null, comkit_typelib, .shstrtab].
struct elf_builder {
  bool wide = true;
  std::vector<std::uint8_t> bytes;
  void put(std::size_t at, std::uint64_t v, std::size_t n) {
    if (bytes.size() < at + n) bytes.resize(at + n);
    for (std::size_t i = 0; i < n; ++i) bytes[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  std::vector<std::uint8_t> make(const std::string& contents) {
    const std::size_t header = wide ? 64 : 52, entry = wide ? 64 : 40, word = wide ? 8 : 4;
    bytes.assign(header, 0);
    bytes[0] = 0x7F, bytes[1] = 'E', bytes[2] = 'L', bytes[3] = 'F', bytes[4] = wide ? 2 : 1, bytes[5] = 1, bytes[6] = 1;
    const std::size_t data_at = bytes.size();
    bytes.insert(bytes.end(), contents.begin(), contents.end());
    const std::string names = std::string("\0comkit_typelib\0.shstrtab\0", 26);
    const std::size_t names_at = bytes.size();
    bytes.insert(bytes.end(), names.begin(), names.end());
    const std::size_t sh_at = (bytes.size() + 7) / 8 * 8;
    bytes.resize(sh_at + 3 * entry, 0);
    put(wide ? 40 : 32, sh_at, word);  // e_shoff
    put(wide ? 58 : 46, entry, 2);     // e_shentsize
    put(wide ? 60 : 48, 3, 2);         // e_shnum
    put(wide ? 62 : 50, 2, 2);         // e_shstrndx
    auto section = [&](std::size_t i, std::uint32_t name, std::uint32_t type, std::size_t at, std::size_t size) {
      const std::size_t h = sh_at + i * entry;
      put(h, name, 4);
      put(h + 4, type, 4);
      put(h + (wide ? 24 : 16), at, word);
      put(h + (wide ? 32 : 20), size, word);
    };
    section(1, 1, 1, data_at, contents.size());     // SHT_PROGBITS
    section(2, 16, 3, names_at, names.size());      // SHT_STRTAB
    return bytes;
  }
  std::size_t section_header(std::size_t i) const {
    const std::size_t entry = wide ? 64 : 40;
    std::uint64_t shoff = 0;
    for (std::size_t k = 0; k < (wide ? 8u : 4u); ++k) shoff |= std::uint64_t{bytes[(wide ? 40 : 32) + k]} << (8 * k);
    return static_cast<std::size_t>(shoff) + i * entry;
  }
};

TEST(EmbeddedTypelib, ElfSectionsAreFoundAndBadHeadersRefused) {
  const std::string entry = tl::embedded_entry_bytes("MSFT-ish payload", 7);
  for (bool wide : {true, false}) {
    elf_builder b;
    b.wide = wide;
    auto file = b.make(entry);
    auto found = tl::elf_section(file, tl::embedded_section);
    ASSERT_TRUE(found) << (wide ? "ELF64" : "ELF32");
    EXPECT_EQ(std::string(found->begin(), found->end()), entry);
    auto entries = tl::embedded_entries(*found);
    ASSERT_TRUE(entries);
    ASSERT_EQ(entries->size(), 1u);
    EXPECT_EQ((*entries)[0].id, 7u);
    EXPECT_EQ(std::string((*entries)[0].image.begin(), (*entries)[0].image.end()), "MSFT-ish payload");
    EXPECT_FALSE(tl::elf_section(file, "comkit_typelibX")) << "names match exactly";

    // The section's offset past the end of the file.
    auto bad = file;
    b.bytes = bad;
    b.put(b.section_header(1) + (wide ? 24 : 16), bad.size() + 1, wide ? 8 : 4);
    EXPECT_FALSE(tl::elf_section(b.bytes, tl::embedded_section));
    // Its size running past the end.
    b.bytes = file;
    b.put(b.section_header(1) + (wide ? 32 : 20), file.size(), wide ? 8 : 4);
    EXPECT_FALSE(tl::elf_section(b.bytes, tl::embedded_section));
    // More sections claimed than the file holds, directly and through
    // section 0's sh_size (e_shnum == 0).
    b.bytes = file;
    b.put(wide ? 60 : 48, 0xFF00, 2);
    EXPECT_FALSE(tl::elf_section(b.bytes, tl::embedded_section));
    b.bytes = file;
    b.put(wide ? 60 : 48, 0, 2);
    b.put(b.section_header(0) + (wide ? 32 : 20), wide ? ~std::uint64_t{0} : 0xFFFFFFFFu, wide ? 8 : 4);
    EXPECT_FALSE(tl::elf_section(b.bytes, tl::embedded_section));
    // A string table index past the sections.
    b.bytes = file;
    b.put(wide ? 62 : 50, 9, 2);
    EXPECT_FALSE(tl::elf_section(b.bytes, tl::embedded_section));
    // Every truncation of the file is refused or still finds a whole section.
    for (std::size_t n = 0; n < file.size(); ++n) {
      auto cut = tl::elf_section(std::span(file).first(n), tl::embedded_section);
      if (cut) {
        EXPECT_LE(cut->data() + cut->size(), file.data() + n);
      }
    }
  }
  // Big-endian files are not read.
  elf_builder b;
  auto file = b.make(entry);
  file[5] = 2;
  EXPECT_FALSE(tl::elf_section(file, tl::embedded_section));
}

TEST(EmbeddedTypelib, EntriesSkipPaddingAndRefuseGarbage) {
  std::string section = tl::embedded_entry_bytes("abc", 1) + std::string(32, '\0') + tl::embedded_entry_bytes("defgh", 2);
  auto entries = tl::embedded_entries(std::span(reinterpret_cast<const std::uint8_t*>(section.data()), section.size()));
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[1].id, 2u);
  EXPECT_EQ((*entries)[1].image.size(), 5u);
  std::string garbage = section + "x";
  EXPECT_FALSE(tl::embedded_entries(std::span(reinterpret_cast<const std::uint8_t*>(garbage.data()), garbage.size())));
  std::string truncated = tl::embedded_entry_bytes("abcdefgh", 1).substr(0, 20);
  EXPECT_FALSE(tl::embedded_entries(std::span(reinterpret_cast<const std::uint8_t*>(truncated.data()), truncated.size())))
      << "an entry claiming more bytes than the section has";
}

TEST(EmbeddedTypelib, GetTypeInfoOfGuidReadsARealSection) {
  const std::vector<unsigned char> bytes = tlb_bytes();
  ASSERT_FALSE(bytes.empty());
  const std::string image(bytes.begin(), bytes.end());
  // Padding, an unrelated (bad) entry's neighbour, then the library.
  const std::string section = std::string(16, '\0') + tl::embedded_entry_bytes(image, 1);
  comkit::com_ptr<ITypeInfo> info;
  ASSERT_EQ(ComkitGetTypeInfoOfGuid(IID_ICalcDisp, section.data(), section.size(), info.put()), S_OK)
      << "found in the section, with nothing registered";
  TYPEATTR* attr = nullptr;
  ASSERT_EQ(info->GetTypeAttr(&attr), S_OK);
  EXPECT_EQ(attr->typekind, TKIND_DISPATCH);
  info->ReleaseTypeAttr(attr);
  const GUID unknown = {0x12345678, 0x1234, 0x1234, {1, 2, 3, 4, 5, 6, 7, 8}};
  EXPECT_EQ(ComkitGetTypeInfoOfGuid(unknown, section.data(), section.size(), info.put()), TYPE_E_ELEMENTNOTFOUND);
}

}  // namespace
