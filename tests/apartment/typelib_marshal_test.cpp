// tests/apartment/typelib_marshal_test.cpp - the universal marshaler:
// interfaces described only by a registered type library (idl/oa_test.idl,
// built with NO_PROXY: no tables) cross from the test's MTA to an object on
// an STA thread. Registering the library (RegisterTypeLib into a private
// COMKIT_REGISTRY_PATH) is what makes them marshallable: before it,
// CoGetPSClsid knows nothing of them.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <comkit/com_ptr.h>
#include <ole2.h>
#include <windows.h>

#include "oa_test.h"
#include "sta_thread.h"
#include "../typeinfo/type_named.h"

namespace {

using namespace std::chrono_literals;

constexpr CLSID clsid_ps_oa_interface = {0x00020424, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
constexpr CLSID clsid_ps_dispatch = {0x00020420, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};

// A test object implementing I alone (QueryInterface answers Iid and
// IUnknown), on the test's stack: counted, never deleted.
template <typename I, const IID& Iid>
struct stack_object : I {
  std::atomic<ULONG> refs{1};
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, Iid)) {
      *ppv = static_cast<I*>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
};

struct base_object final : stack_object<IOaBase, IID_IOaBase> {
  HRESULT STDMETHODCALLTYPE Where(ULONG* tid) override {
    *tid = GetCurrentThreadId();
    return S_OK;
  }
};

struct thing final : IOaThing, IOaDual {
  std::atomic<ULONG> refs{1};
  std::atomic<int> calls{0};
  std::u16string name = u"first";

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IOaThing) || IsEqualIID(riid, IID_IOaBase)) {
      *ppv = static_cast<IOaThing*>(this);
    } else if (IsEqualIID(riid, IID_IOaDual) || IsEqualIID(riid, IID_IDispatch) || IsEqualIID(riid, DIID_DOaEvents)) {
      *ppv = static_cast<IOaDual*>(this);
    } else {
      *ppv = nullptr;
      return E_NOINTERFACE;
    }
    AddRef();
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }

  HRESULT STDMETHODCALLTYPE Where(ULONG* tid) override {
    ++calls;
    *tid = GetCurrentThreadId();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Add(LONG a, LONG b, LONG* sum) override {
    ++calls;
    *sum = a + b;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Scalars(signed char c, short s, hyper h, unsigned char b, float f, double d,
                                    VARIANT_BOOL flag, CY cy, DATE date, OaShade shade, double* sum,
                                    OaShade* same) override {
    ++calls;
    *sum = c + s + static_cast<double>(h) + b + f + d + (flag == VARIANT_TRUE ? 1000 : 0) +
           static_cast<double>(cy.int64) / 10000 + date;
    *same = shade;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Echo(BSTR text, BSTR* both, BSTR* copy) override {
    ++calls;
    *copy = SysAllocString(text);
    std::u16string joined = std::u16string(*both ? *both : u"") + u"+" + (text ? text : u"");
    SysFreeString(*both);
    *both = SysAllocString(joined.c_str());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Variants(VARIANT v, VARIANT* both, VARIANT* copy) override {
    ++calls;
    VariantInit(copy);
    if (const HRESULT hr = VariantCopy(copy, &v); FAILED(hr)) return hr;
    return VariantChangeType(both, both, 0, VT_BSTR);
  }
  HRESULT STDMETHODCALLTYPE Spot(OaSpot* in, OaSpot* out) override {
    ++calls;
    if (!in) return E_POINTER;
    *out = OaSpot{in->y, in->x, in->z * 2};
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_Name(BSTR* out) override {
    ++calls;
    *out = SysAllocString(name.c_str());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_Name(BSTR value) override {
    ++calls;
    name = value ? value : u"";
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Self(IOaThing** self) override {
    ++calls;
    *self = this;
    AddRef();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE CallBack(IOaBase* other, ULONG* tid) override {
    ++calls;
    return other ? other->Where(tid) : E_POINTER;
  }
  HRESULT STDMETHODCALLTYPE Fail(LONG code) override {
    ++calls;
    return static_cast<HRESULT>(code);
  }
  std::u16string seen_label;
  HRESULT STDMETHODCALLTYPE Label(OaLabel* label) override {
    ++calls;
    seen_label = std::u16string(label->text ? label->text : u"") + u"/" + std::u16string(1, static_cast<char16_t>(u'0' + label->id));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Relabel(OaLabel* label, OaLabel* copy) override {
    ++calls;
    const std::u16string text = std::u16string(label->text ? label->text : u"") + u"!";
    SysFreeString(label->text);
    label->text = SysAllocString(text.c_str());
    label->id += 1;
    copy->id = label->id * 10;
    copy->text = SysAllocString(u"copy");
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Pass(OaLabel) override {
    ++calls;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Nest(OaNested*) override {
    ++calls;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Count(SAFEARRAY* items, LONG* n) override {
    ++calls;
    *n = items ? static_cast<LONG>(items->rgsabound[0].cElements) : -1;
    return S_OK;
  }

  // IOaDual: Twice, late-bound or through the vtable.
  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* n) override {
    *n = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR* names, UINT count, LCID, DISPID* ids) override {
    for (UINT i = 0; i < count; ++i) ids[i] = std::u16string(names[i]) == u"Twice" && i == 0 ? 1 : DISPID_UNKNOWN;
    return count == 1 && ids[0] == 1 ? S_OK : DISP_E_UNKNOWNNAME;
  }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID id, REFIID, LCID, WORD, DISPPARAMS* params, VARIANT* result, EXCEPINFO*,
                                   UINT*) override {
    if (id != 1) return DISP_E_MEMBERNOTFOUND;
    if (params->cArgs != 1 || params->rgvarg[0].vt != VT_I4) return DISP_E_BADPARAMCOUNT;
    LONG y = 0;
    Twice(params->rgvarg[0].lVal, &y);
    if (result) {
      result->vt = VT_I4;
      result->lVal = y;
    }
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Twice(LONG x, LONG* y) override {
    ++calls;
    *y = 2 * x;
    return S_OK;
  }
};

bool eventually(const std::function<bool()>& f) {
  for (int k = 0; k < 2000; ++k) {
    if (f()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return f();
}

// The test thread is in the MTA; the library is registered in a private
// registry for the test (and unregistered after it).
class TypelibMarshal : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
    ASSERT_NE(mkdtemp(dir_), nullptr);
    ::setenv("COMKIT_REGISTRY_PATH", dir_, 1);
    ComkitRegistryRefresh();
  }
  void TearDown() override {
    ::unsetenv("COMKIT_REGISTRY_PATH");
    ComkitRegistryRefresh();
    EXPECT_EQ(std::system((std::string("rm -rf ") + dir_).c_str()), 0);
    CoUninitialize();
  }
  // OaNamed's GUID, and its record info (the library registered).
  static constexpr GUID named_guid = {0x6c1d2b46, 0x8e3f, 0x4a2b, {0x9d, 0x3e, 0x4f, 0x5a, 0x6b, 0x7c, 0x8d, 0x90}};
  static comkit::com_ptr<IRecordInfo> named_record() {
    comkit::com_ptr<IRecordInfo> ri;
    EXPECT_EQ(GetRecordInfoFromGuids(LIBID_OaTest, 1, 2, 0, named_guid, ri.put()), S_OK);
    return ri;
  }
  // OaSpot's record info: a record without a GUID, which cannot be found
  // again on the other side.
  static comkit::com_ptr<IRecordInfo> anonymous_record() {
    const std::string path = COMKIT_OA_TLB;
    const std::u16string wide(path.begin(), path.end());
    comkit::com_ptr<ITypeLib> lib;
    EXPECT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(wide.c_str()), lib.put()), S_OK);
    comkit::com_ptr<IRecordInfo> ri;
    if (!lib) return ri;
    comkit::com_ptr<ITypeInfo> spot = comkit_test::type_named(lib.get(), u"OaSpot");
    if (spot) {
      EXPECT_EQ(GetRecordInfoFromTypeInfo(spot.get(), ri.put()), S_OK);
    }
    return ri;
  }
  void register_library() {
    const std::string path = COMKIT_OA_TLB;
    const std::u16string wide(path.begin(), path.end());
    comkit::com_ptr<ITypeLib> lib;
    ASSERT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(wide.c_str()), lib.put()), S_OK);
    ASSERT_EQ(RegisterTypeLib(lib.get(), reinterpret_cast<LPCOLESTR>(wide.c_str()), nullptr), S_OK);
    ComkitRegistryRefresh();
  }

 private:
  char dir_[32] = "/tmp/comkit-oamarshal-XXXXXX";
};

TEST_F(TypelibMarshal, RegisteringTheLibraryNamesTheAutomationProxies) {
  CLSID clsid{};
  EXPECT_EQ(CoGetPSClsid(IID_IOaThing, &clsid), REGDB_E_IIDNOTREG) << "no tables, nothing registered";
  thing o;
  {
    comkit_test::sta_thread sta;
    comkit::com_ptr<IOaThing> p;
    EXPECT_EQ(sta.proxy(static_cast<IOaThing*>(&o), IID_IOaThing, p.put_void()), REGDB_E_IIDNOTREG);
  }
  EXPECT_EQ(o.refs.load(), 1u);
  register_library();
  ASSERT_EQ(CoGetPSClsid(IID_IOaThing, &clsid), S_OK);
  EXPECT_TRUE(IsEqualCLSID(clsid, clsid_ps_oa_interface));
  ASSERT_EQ(CoGetPSClsid(IID_IOaDual, &clsid), S_OK);
  EXPECT_TRUE(IsEqualCLSID(clsid, clsid_ps_oa_interface));
  ASSERT_EQ(CoGetPSClsid(DIID_DOaEvents, &clsid), S_OK);
  EXPECT_TRUE(IsEqualCLSID(clsid, clsid_ps_dispatch));
  // Compiled tables still win for the interfaces that have them.
  ASSERT_EQ(CoGetPSClsid(IID_IDispatch, &clsid), S_OK);
  EXPECT_TRUE(IsEqualCLSID(clsid, CLSID_PSFactoryBuffer));
  // Both are class objects like any other.
  comkit::com_ptr<IPSFactoryBuffer> factory;
  ASSERT_EQ(CoGetClassObject(clsid_ps_oa_interface, CLSCTX_INPROC_SERVER, nullptr, IID_IPSFactoryBuffer,
                             factory.put_void()),
            S_OK);
  comkit::com_ptr<IRpcStubBuffer> stub;
  const IID nobody = {0x0badf00d, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
  EXPECT_EQ(factory->CreateStub(nobody, nullptr, stub.put()), E_NOINTERFACE);
  EXPECT_EQ(factory->CreateStub(IID_IOaThing, nullptr, stub.put()), S_OK);
}

TEST_F(TypelibMarshal, EveryKindOfValueCrossesAndTheCallRunsOnTheSTA) {
  register_library();
  thing o;
  {
    comkit_test::sta_thread sta;
    comkit::com_ptr<IOaThing> p;
    ASSERT_EQ(sta.proxy(static_cast<IOaThing*>(&o), IID_IOaThing, p.put_void()), S_OK);
    ASSERT_TRUE(p);
    EXPECT_NE(static_cast<void*>(p.get()), static_cast<void*>(static_cast<IOaThing*>(&o)));
    ULONG tid = 0;
    ASSERT_EQ(p->Where(&tid), S_OK);  // the base interface's slot
    EXPECT_EQ(tid, sta.tid());
    LONG sum = 0;
    ASSERT_EQ(p->Add(19, 23, &sum), S_OK);
    EXPECT_EQ(sum, 42);

    double total = 0;
    OaShade same = OaLight;
    CY cy;
    cy.int64 = 25000;  // 2.5
    ASSERT_EQ(p->Scalars(-3, -300, 5000000000LL, 200, 0.5f, 0.25, VARIANT_TRUE, cy, 10.0, OaDark, &total, &same), S_OK);
    EXPECT_DOUBLE_EQ(total, -3 - 300 + 5000000000.0 + 200 + 0.5 + 0.25 + 1000 + 2.5 + 10.0);
    EXPECT_EQ(same, OaDark);

    BSTR both = SysAllocString(u"left");
    BSTR copy = nullptr;
    BSTR text = SysAllocString(u"right");
    ASSERT_EQ(p->Echo(text, &both, &copy), S_OK);
    EXPECT_EQ(std::u16string(copy), u"right");
    EXPECT_EQ(std::u16string(both), u"left+right");
    SysFreeString(text);
    SysFreeString(both);
    SysFreeString(copy);

    VARIANT v, vboth, vcopy;
    VariantInit(&vcopy);
    v.vt = VT_R8;
    v.dblVal = 1.5;
    vboth.vt = VT_I4;
    vboth.lVal = 77;
    ASSERT_EQ(p->Variants(v, &vboth, &vcopy), S_OK);
    EXPECT_EQ(vcopy.vt, VT_R8);
    EXPECT_EQ(vcopy.dblVal, 1.5);
    ASSERT_EQ(vboth.vt, VT_BSTR);
    EXPECT_EQ(std::u16string(vboth.bstrVal), u"77");
    VariantClear(&vboth);

    OaSpot in{1, 2, 0.75}, out{};
    ASSERT_EQ(p->Spot(&in, &out), S_OK);
    EXPECT_EQ(out.x, 2);
    EXPECT_EQ(out.y, 1);
    EXPECT_EQ(out.z, 1.5);
    EXPECT_EQ(p->Spot(nullptr, &out), E_POINTER) << "an [in] pointer may be null";

    BSTR name = nullptr;
    ASSERT_EQ(p->get_Name(&name), S_OK);
    EXPECT_EQ(std::u16string(name), u"first");
    SysFreeString(name);
    BSTR second = SysAllocString(u"second");
    ASSERT_EQ(p->put_Name(second), S_OK);
    SysFreeString(second);
    EXPECT_EQ(o.name, u"second");

    EXPECT_EQ(p->Fail(static_cast<LONG>(E_ACCESSDENIED)), E_ACCESSDENIED);
  }
  EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
}

TEST_F(TypelibMarshal, InterfacePointersBothWaysAndWhatATypeLibraryCannotDescribe) {
  register_library();
  thing o;
  base_object mine;
  {
    comkit_test::sta_thread sta;
    comkit::com_ptr<IOaThing> p;
    ASSERT_EQ(sta.proxy(static_cast<IOaThing*>(&o), IID_IOaThing, p.put_void()), S_OK);
    comkit::com_ptr<IOaThing> self;
    ASSERT_EQ(p->Self(self.put()), S_OK);
    EXPECT_EQ(self.get(), p.get()) << "the same object comes back as the same proxy";
    // The callee calls back into this MTA through a proxy of IOaBase.
    ULONG tid = 0;
    ASSERT_EQ(p->CallBack(&mine, &tid), S_OK);
    EXPECT_NE(tid, sta.tid());
    EXPECT_NE(tid, 0u);

    // A SAFEARRAY(LONG) parameter crosses.
    LONG n = 0;
    SAFEARRAY* items = SafeArrayCreateVector(VT_I4, 0, 5);
    ASSERT_EQ(p->Count(items, &n), S_OK);
    EXPECT_EQ(n, 5);
    SafeArrayDestroy(items);
    ASSERT_EQ(p->Count(nullptr, &n), S_OK);
    EXPECT_EQ(n, -1);
    // Records holding a BSTR, behind a pointer: field by field.
    OaLabel label{3, SysAllocString(u"tag")};
    ASSERT_EQ(p->Label(&label), S_OK);
    EXPECT_EQ(o.seen_label, u"tag/3");
    OaLabel copy;
    std::memset(&copy, 0xAB, sizeof copy);  // an [out] record's old content is not looked at
    ASSERT_EQ(p->Relabel(&label, &copy), S_OK);
    EXPECT_EQ(label.id, 4);
    EXPECT_EQ(std::u16string(label.text), u"tag!");
    EXPECT_EQ(copy.id, 40);
    EXPECT_EQ(std::u16string(copy.text), u"copy");
    SysFreeString(label.text);
    SysFreeString(copy.text);
    // A record by value, and one holding a record (its record info cannot
    // get or put that field): not carried.
    const int calls = o.calls;
    EXPECT_EQ(p->Pass(OaLabel{1, nullptr}), E_NOTIMPL);
    OaNested nested{};
    EXPECT_EQ(p->Nest(&nested), E_NOTIMPL);
    EXPECT_EQ(o.calls, calls) << "refused before anything was sent";
  }
  EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
  EXPECT_TRUE(eventually([&] { return mine.refs.load() == 1; })) << mine.refs.load();
}

TEST_F(TypelibMarshal, ADualInterfaceCrossesByItsVtableAndItsInvoke) {
  register_library();
  thing o;
  {
    comkit_test::sta_thread sta;
    comkit::com_ptr<IOaDual> d;
    ASSERT_EQ(sta.proxy(static_cast<IOaDual*>(&o), IID_IOaDual, d.put_void()), S_OK);
    LONG y = 0;
    ASSERT_EQ(d->Twice(21, &y), S_OK);
    EXPECT_EQ(y, 42);
    // IDispatch's own slots, Invoke included, come from IDispatch's table.
    OLECHAR twice[] = u"Twice";
    LPOLESTR names[] = {twice};
    DISPID id = 0;
    ASSERT_EQ(d->GetIDsOfNames(IID_NULL, names, 1, 0, &id), S_OK);
    EXPECT_EQ(id, 1);
    VARIANT arg, result;
    arg.vt = VT_I4;
    arg.lVal = 5;
    VariantInit(&result);
    DISPPARAMS params = {&arg, nullptr, 1, 0};
    ASSERT_EQ(d->Invoke(1, IID_NULL, 0, DISPATCH_METHOD, &params, &result, nullptr, nullptr), S_OK);
    EXPECT_EQ(result.vt, VT_I4);
    EXPECT_EQ(result.lVal, 10);

    // A dispinterface crosses as IDispatch under its own IID (PSDispatch).
    comkit::com_ptr<IDispatch> events;
    ASSERT_EQ(sta.proxy(static_cast<IOaDual*>(&o), DIID_DOaEvents, events.put_void()), S_OK);
    VariantInit(&result);
    ASSERT_EQ(events->Invoke(1, IID_NULL, 0, DISPATCH_METHOD, &params, &result, nullptr, nullptr), S_OK);
    EXPECT_EQ(result.lVal, 10);
  }
  EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
}

struct racer final : stack_object<IOaRace, IID_IOaRace> {
  HRESULT STDMETHODCALLTYPE Touch(LONG n, LONG* same) override {
    *same = n;
    return S_OK;
  }
};

// Eight threads make IOaRace's stub (so its table) at the same moment, each
// for its own object, then call through the proxies from an STA: every
// thread gets a working stub from the one table kept (TSan checks the map).
TEST_F(TypelibMarshal, ThreadsMakeOneTableAtOnce) {
  register_library();
  constexpr int n = 8;
  racer objects[n];
  IStream* streams[n] = {};
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
      ++ready;
      while (ready.load() < n) std::this_thread::yield();
      EXPECT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IOaRace, &objects[i], &streams[i]), S_OK);
      CoUninitialize();  // the MTA lives on in the test's thread
    });
  for (auto& t : threads) t.join();
  comkit_test::sta_thread sta;
  sta.run_on([&] {
    for (int i = 0; i < n; ++i) {
      comkit::com_ptr<IOaRace> p;
      ASSERT_EQ(CoGetInterfaceAndReleaseStream(streams[i], IID_IOaRace, p.put_void()), S_OK);
      LONG same = 0;
      EXPECT_EQ(p->Touch(i + 100, &same), S_OK);
      EXPECT_EQ(same, i + 100);
    }
  });
  for (auto& o : objects) EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
}

// A VT_RECORD VARIANT crosses: its record info is found again by its
// library's and its type's GUIDs, and every field travels.
TEST_F(TypelibMarshal, RecordsInVariantsCross) {
  register_library();
  comkit::com_ptr<IRecordInfo> ri = named_record();
  ASSERT_TRUE(ri);
  thing o;
  {
    comkit_test::sta_thread sta;
    comkit::com_ptr<IOaThing> p;
    ASSERT_EQ(sta.proxy(static_cast<IOaThing*>(&o), IID_IOaThing, p.put_void()), S_OK);
    auto* rec = static_cast<OaNamed*>(ri->RecordCreate());
    ASSERT_NE(rec, nullptr);
    rec->id = 42;
    rec->name = SysAllocString(u"answer");
    rec->extra.vt = VT_R8;
    rec->extra.dblVal = 2.5;
    VARIANT v, both, copy;
    v.vt = VT_RECORD;
    v.pvRecord = rec;
    v.pRecInfo = ri.get();
    VariantInit(&both);
    VariantInit(&copy);
    ASSERT_EQ(p->Variants(v, &both, &copy), S_OK);
    ASSERT_EQ(copy.vt, VT_RECORD);
    ASSERT_NE(copy.pvRecord, nullptr);
    EXPECT_NE(copy.pvRecord, rec) << "a copy made on this side";
    const auto* back = static_cast<const OaNamed*>(copy.pvRecord);
    EXPECT_EQ(back->id, 42);
    EXPECT_EQ(std::u16string(back->name), u"answer");
    EXPECT_EQ(back->extra.vt, VT_R8);
    EXPECT_EQ(back->extra.dblVal, 2.5);
    GUID got{};
    ASSERT_EQ(copy.pRecInfo->GetGuid(&got), S_OK);
    EXPECT_EQ(got, named_guid);
    VariantClear(&copy);
    VariantClear(&both);
    ri->RecordDestroy(rec);
    // A record info whose type has no GUID cannot be found again: refused
    // before anything is sent.
    comkit::com_ptr<IRecordInfo> anonymous = anonymous_record();
    ASSERT_TRUE(anonymous);
    OaSpot plain{1, 2, 3.0};
    v.pvRecord = &plain;
    v.pRecInfo = anonymous.get();
    const int calls = o.calls;
    EXPECT_EQ(p->Variants(v, &both, &copy), DISP_E_BADVARTYPE);
    EXPECT_EQ(o.calls, calls);
  }
  EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
}

// A SAFEARRAY of records (FADF_RECORD) crosses, in a VARIANT and as a
// SAFEARRAY parameter: its record info found again by GUIDs, each record's
// fields carried, its bounds kept.
TEST_F(TypelibMarshal, SafeArraysOfRecordsCross) {
  register_library();
  comkit::com_ptr<IRecordInfo> ri = named_record();
  ASSERT_TRUE(ri);
  thing o;
  {
    comkit_test::sta_thread sta;
    comkit::com_ptr<IOaThing> p;
    ASSERT_EQ(sta.proxy(static_cast<IOaThing*>(&o), IID_IOaThing, p.put_void()), S_OK);
    SAFEARRAYBOUND bound{3, 1};
    SAFEARRAY* items = SafeArrayCreateEx(VT_RECORD, 1, &bound, ri.get());
    ASSERT_NE(items, nullptr);
    OaNamed* data = nullptr;
    ASSERT_EQ(SafeArrayAccessData(items, reinterpret_cast<void**>(&data)), S_OK);
    const char16_t* names[] = {u"one", u"two", u"three"};
    for (LONG k = 0; k < 3; ++k) {
      data[k].id = 10 + k;
      data[k].name = SysAllocString(names[k]);
      data[k].extra.vt = VT_I4;
      data[k].extra.lVal = k * k;
    }
    SafeArrayUnaccessData(items);

    LONG n = 0;
    ASSERT_EQ(p->Count(items, &n), S_OK);
    EXPECT_EQ(n, 3);

    VARIANT v, both, copy;
    v.vt = VT_ARRAY | VT_RECORD;
    v.parray = items;
    VariantInit(&both);
    VariantInit(&copy);
    ASSERT_EQ(p->Variants(v, &both, &copy), S_OK);
    ASSERT_EQ(copy.vt, VT_ARRAY | VT_RECORD);
    ASSERT_NE(copy.parray, nullptr);
    EXPECT_NE(copy.parray, items) << "a copy made on this side";
    LONG lower = 0, upper = 0;
    EXPECT_EQ(SafeArrayGetLBound(copy.parray, 1, &lower), S_OK);
    EXPECT_EQ(SafeArrayGetUBound(copy.parray, 1, &upper), S_OK);
    EXPECT_EQ(lower, 1);
    EXPECT_EQ(upper, 3);
    comkit::com_ptr<IRecordInfo> back_info;
    ASSERT_EQ(SafeArrayGetRecordInfo(copy.parray, back_info.put()), S_OK);
    GUID got{};
    ASSERT_EQ(back_info->GetGuid(&got), S_OK);
    EXPECT_EQ(got, named_guid);
    OaNamed* back = nullptr;
    ASSERT_EQ(SafeArrayAccessData(copy.parray, reinterpret_cast<void**>(&back)), S_OK);
    for (LONG k = 0; k < 3; ++k) {
      EXPECT_EQ(back[k].id, 10 + k);
      EXPECT_EQ(std::u16string(back[k].name), names[k]);
      EXPECT_EQ(back[k].extra.vt, VT_I4);
      EXPECT_EQ(back[k].extra.lVal, k * k);
    }
    SafeArrayUnaccessData(copy.parray);
    VariantClear(&copy);
    VariantClear(&both);
    SafeArrayDestroy(items);

    // Records whose type has no GUID cannot be found again: refused before
    // anything is sent.
    comkit::com_ptr<IRecordInfo> anonymous = anonymous_record();
    ASSERT_TRUE(anonymous);
    SAFEARRAY* spots = SafeArrayCreateEx(VT_RECORD, 1, &bound, anonymous.get());
    ASSERT_NE(spots, nullptr);
    const int calls = o.calls;
    EXPECT_EQ(p->Count(spots, &n), DISP_E_BADVARTYPE);
    EXPECT_EQ(o.calls, calls);
    SafeArrayDestroy(spots);
  }
  EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
}

// Type infos are data: within the process the same object everywhere, to
// another process a copy of the library (marshalled here for MSHCTX_LOCAL
// and read back in this process, as the other process would).
TEST_F(TypelibMarshal, TypeInfosTravelByValue) {
  const std::string path = COMKIT_OA_TLB;
  const std::u16string wide(path.begin(), path.end());
  comkit::com_ptr<ITypeLib> lib;
  ASSERT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(wide.c_str()), lib.put()), S_OK);
  comkit::com_ptr<ITypeInfo> dual, view;
  ASSERT_EQ(lib->GetTypeInfoOfGuid(IID_IOaDual, dual.put()), S_OK);
  HREFTYPE twin = 0;
  ASSERT_EQ(dual->GetRefTypeOfImplType(static_cast<UINT>(-1), &twin), S_OK);
  ASSERT_EQ(dual->GetRefTypeInfo(twin, view.put()), S_OK);

  {  // another apartment of this process: the object itself
    comkit_test::sta_thread sta;
    comkit::com_ptr<ITypeInfo> there;
    ASSERT_EQ(sta.proxy(view.get(), IID_ITypeInfo, there.put_void()), S_OK);
    EXPECT_EQ(there.get(), view.get());
  }

  // Another process: a copy, the same view of the same type.
  comkit::com_ptr<IStream> stream;
  ASSERT_EQ(CreateStreamOnHGlobal(nullptr, TRUE, stream.put()), S_OK);
  ASSERT_EQ(CoMarshalInterface(stream.get(), IID_ITypeInfo, view.get(), MSHCTX_LOCAL, nullptr, MSHLFLAGS_NORMAL), S_OK);
  LARGE_INTEGER zero{};
  ASSERT_EQ(stream->Seek(zero, STREAM_SEEK_SET, nullptr), S_OK);
  comkit::com_ptr<ITypeInfo> copy;
  ASSERT_EQ(CoUnmarshalInterface(stream.get(), IID_ITypeInfo, copy.put_void()), S_OK);
  ASSERT_TRUE(copy);
  EXPECT_NE(copy.get(), view.get());
  TYPEATTR* a = nullptr;
  ASSERT_EQ(copy->GetTypeAttr(&a), S_OK);
  EXPECT_EQ(a->guid, IID_IOaDual);
  EXPECT_EQ(a->typekind, TKIND_INTERFACE) << "the interface view, as marshalled";
  copy->ReleaseTypeAttr(a);
  BSTR name = nullptr;
  ASSERT_EQ(copy->GetDocumentation(MEMBERID_NIL, &name, nullptr, nullptr, nullptr), S_OK);
  EXPECT_EQ(std::u16string(name), u"IOaDual");
  SysFreeString(name);
  // Its base (stdole2's IDispatch) resolves through the copy's imports.
  HREFTYPE base = 0;
  comkit::com_ptr<ITypeInfo> dispatch;
  ASSERT_EQ(copy->GetRefTypeOfImplType(0, &base), S_OK);
  ASSERT_EQ(copy->GetRefTypeInfo(base, dispatch.put()), S_OK);
  ASSERT_EQ(dispatch->GetTypeAttr(&a), S_OK);
  EXPECT_EQ(a->guid, IID_IDispatch);
  dispatch->ReleaseTypeAttr(a);

  // The library itself, and marshal data given back unread.
  ASSERT_EQ(stream->Seek(zero, STREAM_SEEK_SET, nullptr), S_OK);
  ASSERT_EQ(CoMarshalInterface(stream.get(), IID_ITypeLib, lib.get(), MSHCTX_LOCAL, nullptr, MSHLFLAGS_NORMAL), S_OK);
  ASSERT_EQ(stream->Seek(zero, STREAM_SEEK_SET, nullptr), S_OK);
  comkit::com_ptr<ITypeLib> lib_copy;
  ASSERT_EQ(CoUnmarshalInterface(stream.get(), IID_ITypeLib, lib_copy.put_void()), S_OK);
  EXPECT_EQ(lib_copy->GetTypeInfoCount(), lib->GetTypeInfoCount());
  ASSERT_EQ(stream->Seek(zero, STREAM_SEEK_SET, nullptr), S_OK);
  ASSERT_EQ(CoMarshalInterface(stream.get(), IID_ITypeInfo, view.get(), MSHCTX_LOCAL, nullptr, MSHLFLAGS_NORMAL), S_OK);
  ASSERT_EQ(stream->Seek(zero, STREAM_SEEK_SET, nullptr), S_OK);
  EXPECT_EQ(CoReleaseMarshalData(stream.get()), S_OK);
}

// A SYS_WIN32 library describes the interface (built here with
// CreateTypeLib2): its type infos report offsets for this platform's
// pointers, so its table has the same slots as a win64 one's.
const IID IID_IWin32Where = {0x6c1d2b47, 0x8e3f, 0x4a2b, {0x9d, 0x3e, 0x4f, 0x5a, 0x6b, 0x7c, 0x8d, 0x90}};

struct win32_where final : stack_object<IUnknown, IID_IWin32Where> {
  virtual HRESULT STDMETHODCALLTYPE Twice(LONG x, LONG* y) {
    *y = 2 * x;
    return S_OK;
  }
};

TEST_F(TypelibMarshal, AWin32LibraryDescribesTheSameSlots) {
  char path[] = "/tmp/comkit-win32-XXXXXX.tlb";
  const int fd = mkstemps(path, 4);
  ASSERT_GE(fd, 0);
  ::close(fd);
  const std::string file = path;
  const std::u16string wide(file.begin(), file.end());
  {
    comkit::com_ptr<ICreateTypeLib2> lib;
    ASSERT_EQ(CreateTypeLib2(SYS_WIN32, reinterpret_cast<LPCOLESTR>(wide.c_str()), lib.put()), S_OK);
    const GUID libid = {0x6c1d2b48, 0x8e3f, 0x4a2b, {0x9d, 0x3e, 0x4f, 0x5a, 0x6b, 0x7c, 0x8d, 0x90}};
    ASSERT_EQ(lib->SetGuid(libid), S_OK);
    ASSERT_EQ(lib->SetName(const_cast<LPOLESTR>(u"Win32Lib")), S_OK);
    ASSERT_EQ(lib->SetVersion(1, 0), S_OK);
    comkit::com_ptr<ICreateTypeInfo> t;
    ASSERT_EQ(lib->CreateTypeInfo(const_cast<LPOLESTR>(u"IWin32Where"), TKIND_INTERFACE, t.put()), S_OK);
    ASSERT_EQ(t->SetGuid(IID_IWin32Where), S_OK);
    ASSERT_EQ(t->SetTypeFlags(TYPEFLAG_FOLEAUTOMATION), S_OK);
    comkit::com_ptr<ITypeLib> stdole;
    ASSERT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(u"stdole2.tlb"), stdole.put()), S_OK);
    comkit::com_ptr<ITypeInfo> unknown;
    ASSERT_EQ(stdole->GetTypeInfoOfGuid(IID_IUnknown, unknown.put()), S_OK);
    HREFTYPE base = 0;
    ASSERT_EQ(t->AddRefTypeInfo(unknown.get(), &base), S_OK);
    ASSERT_EQ(t->AddImplType(0, base), S_OK);
    TYPEDESC i4{};
    i4.vt = VT_I4;
    ELEMDESC params[2] = {};
    params[0].tdesc.vt = VT_I4;
    params[0].paramdesc.wParamFlags = PARAMFLAG_FIN;
    params[1].tdesc.vt = VT_PTR;
    params[1].tdesc.lptdesc = &i4;
    params[1].paramdesc.wParamFlags = PARAMFLAG_FOUT | PARAMFLAG_FRETVAL;
    FUNCDESC f{};
    f.memid = MEMBERID_NIL;
    f.funckind = FUNC_PUREVIRTUAL;
    f.invkind = INVOKE_FUNC;
    f.callconv = CC_STDCALL;
    f.cParams = 2;
    f.lprgelemdescParam = params;
    f.elemdescFunc.tdesc.vt = VT_HRESULT;
    ASSERT_EQ(t->AddFuncDesc(0, &f), S_OK);
    LPOLESTR names[] = {const_cast<LPOLESTR>(u"Twice"), const_cast<LPOLESTR>(u"x"), const_cast<LPOLESTR>(u"y")};
    ASSERT_EQ(t->SetFuncAndParamNames(0, names, 3), S_OK);
    ASSERT_EQ(lib->SaveAllChanges(), S_OK);
  }
  comkit::com_ptr<ITypeLib> saved;
  ASSERT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(wide.c_str()), saved.put()), S_OK);
  ASSERT_EQ(RegisterTypeLib(saved.get(), reinterpret_cast<LPCOLESTR>(wide.c_str()), nullptr), S_OK);
  ComkitRegistryRefresh();
  win32_where o;
  {
    comkit_test::sta_thread sta;
    comkit::com_ptr<IUnknown> p;
    ASSERT_EQ(sta.proxy(&o, IID_IWin32Where, p.put_void()), S_OK);
    using twice_fn = HRESULT(STDMETHODCALLTYPE*)(void*, LONG, LONG*);
    auto fn = reinterpret_cast<twice_fn>((*reinterpret_cast<void***>(p.get()))[3]);
    LONG y = 0;
    ASSERT_EQ(fn(p.get(), 21, &y), S_OK);
    EXPECT_EQ(y, 42);
  }
  EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
  ::unlink(path);
}

}  // namespace
