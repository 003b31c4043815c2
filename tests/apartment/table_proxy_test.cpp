// tests/apartment/table_proxy_test.cpp - proxies and stubs built from the
// tables `comkit idl` writes (idl/ps_test.idl -> ps_test_p.c), through
// CLSID_PSFactoryBuffer: every kind of value they carry, crossing from the
// test's MTA to an object on an STA thread; interface pointers both ways
// (a callback into the MTA); identity; failures; reference counts; and a
// stub fed malformed requests.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <comkit/abi/proxytable.h>
#include <comkit/com_ptr.h>
#include <comkit/enumerator.h>
#include <ocidl.h>
#include <ole2.h>
#include <windows.h>

#include "ps_test.h"
#include "sta_thread.h"

namespace {

using namespace std::chrono_literals;

std::u16string text(const OLECHAR* s) { return s ? std::u16string(s) : std::u16string(u"<null>"); }

struct callback final : IPsCallback {
  std::atomic<ULONG> refs{1};
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IPsCallback)) {
      *ppv = static_cast<IPsCallback*>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }  // on the test's stack
  HRESULT STDMETHODCALLTYPE Ping(LONG value, LONG* result) override {
    *result = value * 2;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Where(DWORD* tid) override {
    *tid = GetCurrentThreadId();
    return S_OK;
  }
};

struct ps_object final : IPsTest {
  std::atomic<ULONG> refs{1};
  std::atomic<int> calls{0};
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IPsTest) || IsEqualIID(riid, IID_IPsBase)) {
      *ppv = static_cast<IPsTest*>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }

  HRESULT STDMETHODCALLTYPE Thread(DWORD* tid) override {
    ++calls;
    *tid = GetCurrentThreadId();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Scalars(SHORT s, LONG l, LONGLONG ll, BYTE b, USHORT us, ULONG ul, ULONGLONG ull, float f,
                                    double d, PsColor color, LONGLONG* sum, double* fsum, PsColor* same) override {
    ++calls;
    *sum = s + l + ll + b + us + static_cast<LONGLONG>(ul) + static_cast<LONGLONG>(ull % 1000);
    *fsum = f + d;
    *same = color;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Strings(BSTR t, const OLECHAR* wide, const char* narrow, BSTR* joined, LPOLESTR* wide_out,
                                    BSTR* both) override {
    ++calls;
    std::u16string j = t ? std::u16string(t, SysStringLen(t)) : u"<null>";
    j += u"|" + text(wide) + u"|";
    for (const char* c = narrow; c && *c; ++c) j += static_cast<char16_t>(*c);
    *joined = SysAllocStringLen(j.data(), static_cast<UINT>(j.size()));
    const std::u16string w = u"out:" + text(wide);
    *wide_out = static_cast<LPOLESTR>(CoTaskMemAlloc((w.size() + 1) * sizeof(OLECHAR)));
    std::memcpy(*wide_out, w.c_str(), (w.size() + 1) * sizeof(OLECHAR));
    const std::u16string b = u"was " + text(*both);
    SysFreeString(*both);
    *both = SysAllocString(b.c_str());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Points(const PsPoint* in, PsPoint* out, GUID* id) override {
    ++calls;
    *out = *in;
    out->x = in->x + 1;
    out->tag[2] = 'z';
    id->Data1 += 1;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Sum(ULONG count, const LONG* values, LONG* total) override {
    ++calls;
    *total = 0;
    for (ULONG k = 0; k < count; ++k) *total += values[k];
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Fill(ULONG capacity, LONG* values, ULONG* written) override {
    ++calls;
    const ULONG n = capacity < 4 ? capacity : 4;
    for (ULONG k = 0; k < capacity; ++k) values[k] = k < n ? static_cast<LONG>(100 + k) : -7;  // only n are "written"
    *written = n;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE CallBack(IPsCallback* cb, LONG value, LONG* result, DWORD* callback_tid) override {
    ++calls;
    if (!cb) return E_POINTER;
    if (HRESULT hr = cb->Ping(value, result); FAILED(hr)) return hr;
    return cb->Where(callback_tid);
  }
  HRESULT STDMETHODCALLTYPE Self(IPsTest** self) override {
    ++calls;
    *self = this;
    AddRef();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Query(REFIID riid, void** ppv) override {
    ++calls;
    return QueryInterface(riid, ppv);
  }
  HRESULT STDMETHODCALLTYPE Maybe(LONG* value, LONG* seen) override {
    ++calls;
    *seen = value ? *value : -1;
    if (value && *value == 777) WaitForSingleObject(gate, 5000);  // held until the test opens the gate
    return S_OK;
  }
  HANDLE gate = CreateEventW(nullptr, TRUE, TRUE, nullptr);
  ~ps_object() { CloseHandle(gate); }
  HRESULT STDMETHODCALLTYPE Fail(HRESULT code, BSTR* never, IPsTest** none) override {
    ++calls;
    *never = nullptr;
    *none = nullptr;
    return code;
  }
  HRESULT STDMETHODCALLTYPE Big(ULARGE_INTEGER v, ULARGE_INTEGER* twice) override {
    ++calls;
    twice->QuadPart = v.QuadPart * 2;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Opaque(const STATSTG*) override {
    ++calls;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Variants(VARIANT v, VARIANT* copy, VARIANT* both) override {
    ++calls;
    if (HRESULT hr = VariantCopy(copy, &v); FAILED(hr)) return hr;
    return VariantChangeType(both, both, 0, VT_R8);
  }
  HRESULT STDMETHODCALLTYPE Names(ULONG count, BSTR* names, BSTR* joined) override {
    ++calls;
    std::u16string j;
    for (ULONG k = 0; k < count; ++k) j += (k ? u"," : u"") + text(names[k]);
    *joined = SysAllocString(j.c_str());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Make(ULONG count, ULONG* made, LONG** values) override {
    ++calls;
    *values = static_cast<LONG*>(CoTaskMemAlloc(count * sizeof(LONG) + 1));
    for (ULONG k = 0; k < count; ++k) (*values)[k] = static_cast<LONG>(k * k);
    *made = count;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Objects(ULONG count, IPsBase** objects) override {
    ++calls;
    for (ULONG k = 0; k < count; ++k) {
      objects[k] = this;
      AddRef();
    }
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Arrays(SAFEARRAY* names, SAFEARRAY** numbers, SAFEARRAY** made) override {
    ++calls;
    LONG count = 0;
    std::u16string joined;
    if (names) {
      LONG lower = 0, upper = -1;
      SafeArrayGetLBound(names, 1, &lower);
      SafeArrayGetUBound(names, 1, &upper);
      for (LONG i = lower; i <= upper; ++i) {
        BSTR s = nullptr;
        if (SafeArrayGetElement(names, &i, &s) == S_OK) {
          joined += std::u16string(s ? s : u"") + u";";
          SysFreeString(s);
        }
      }
    }
    if (numbers && *numbers) {
      LONG* data = nullptr;
      if (SafeArrayAccessData(*numbers, reinterpret_cast<void**>(&data)) != S_OK) return E_UNEXPECTED;
      count = static_cast<LONG>((*numbers)->rgsabound[0].cElements);
      for (LONG i = 0; i < count; ++i) data[i] *= 2;
      SafeArrayUnaccessData(*numbers);
    }
    *made = SafeArrayCreateVector(VT_VARIANT, 0, 2);
    VARIANT v;
    v.vt = VT_BSTR;
    v.bstrVal = SysAllocString(joined.c_str());
    LONG at = 0;
    SafeArrayPutElement(*made, &at, &v);
    VariantClear(&v);
    v.vt = VT_I4;
    v.lVal = count;
    at = 1;
    SafeArrayPutElement(*made, &at, &v);
    return S_OK;
  }
};

// An STA thread that hosts an object and serves calls until destroyed.
class sta_server {
 public:
  explicit sta_server(IPsTest* object) {
    sta_.run_on([&] { EXPECT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IPsTest, object, &stream_), S_OK); });
  }
  // The object as a proxy in the calling apartment (once).
  comkit::com_ptr<IPsTest> proxy() {
    comkit::com_ptr<IPsTest> p;
    EXPECT_EQ(CoGetInterfaceAndReleaseStream(stream_, IID_IPsTest, p.put_void()), S_OK);
    stream_ = nullptr;
    return p;
  }
  DWORD tid() const { return sta_.tid(); }
  // Runs f on the server's thread, in its apartment, and waits for it.
  void run_on(std::function<void()> f) { sta_.run_on(std::move(f)); }

 private:
  comkit_test::sta_thread sta_;
  IStream* stream_ = nullptr;
};

// The test thread is in the MTA for each test.
class TableProxy : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK); }
  void TearDown() override { CoUninitialize(); }
};

bool eventually(const std::function<bool()>& f) {
  for (int k = 0; k < 2000; ++k) {
    if (f()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return f();
}

TEST_F(TableProxy, EveryDescribedInterfaceNamesThePSFactoryBuffer) {
  const IID* described[] = {&IID_IPsTest,  &IID_IPsBase,   &IID_IPsCallback,  &IID_IUnknown,      &IID_IClassFactory,
                            &IID_IStream,  &IID_IPersist,  &IID_IMarshal,     &IID_IDispatch,     &IID_ITypeInfo,
                            &IID_IEnumVARIANT, &IID_IErrorInfo, &IID_IConnectionPoint, &IID_IMalloc, &IID_IEnumString,
                            &IID_IOleWindow, &IID_IEnumOLEVERB, &IID_IOleInPlaceObject, &IID_IContinue};
  for (const IID* iid : described) {
    CLSID clsid{};
    EXPECT_EQ(CoGetPSClsid(*iid, &clsid), S_OK);
    EXPECT_TRUE(IsEqualCLSID(clsid, CLSID_PSFactoryBuffer));
  }
  const IID nobody = {0x0badf00d, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
  CLSID clsid;
  EXPECT_EQ(CoGetPSClsid(nobody, &clsid), REGDB_E_IIDNOTREG);
  // The factory is a class object like any other, with no registration.
  comkit::com_ptr<IPSFactoryBuffer> factory;
  EXPECT_EQ(CoGetClassObject(CLSID_PSFactoryBuffer, CLSCTX_INPROC_SERVER, nullptr, IID_IPSFactoryBuffer,
                             factory.put_void()),
            S_OK);
  ASSERT_TRUE(factory);
  // A [local] interface has a table but no proxy.
  comkit::com_ptr<IRpcStubBuffer> stub;
  EXPECT_EQ(factory->CreateStub(IID_IMalloc, nullptr, stub.put()), E_NOINTERFACE);
  EXPECT_EQ(factory->CreateStub(nobody, nullptr, stub.put()), E_NOINTERFACE);
}

TEST(TableProxyFile, RegisteringRejectsBadFiles) {
  EXPECT_EQ(ComkitRegisterProxyFile(nullptr), E_INVALIDARG);
  const COMKIT_PS_FILE future = {COMKIT_PS_VERSION + 1, 0, nullptr};
  EXPECT_EQ(ComkitRegisterProxyFile(&future), E_INVALIDARG);
}

TEST_F(TableProxy, ScalarsCrossAndTheCallRunsOnTheSTA) {
  ps_object o;
  {
    sta_server server(&o);
    auto p = server.proxy();
    ASSERT_TRUE(p);
    EXPECT_NE(static_cast<void*>(p.get()), static_cast<void*>(static_cast<IPsTest*>(&o)));  // a proxy
    DWORD tid = 0;
    ASSERT_EQ(p->Thread(&tid), S_OK);  // a slot inherited from IPsBase
    EXPECT_EQ(tid, server.tid());
    LONGLONG sum = 0;
    double fsum = 0;
    PsColor same = PsRed;
    ASSERT_EQ(p->Scalars(-3, -70000, 5000000000LL, 250, 65000, 4000000000u, 18446744073709551615ull, 1.5f, -0.25,
                         PsBlue, &sum, &fsum, &same),
              S_OK);
    EXPECT_EQ(sum, -3 - 70000 + 5000000000LL + 250 + 65000 + 4000000000LL + 615);
    EXPECT_DOUBLE_EQ(fsum, 1.25);
    EXPECT_EQ(same, PsBlue);
    ULARGE_INTEGER v, twice{};
    v.QuadPart = 0x123456789ull;
    ASSERT_EQ(p->Big(v, &twice), S_OK);
    EXPECT_EQ(twice.QuadPart, 0x123456789ull * 2);
  }
  EXPECT_EQ(o.refs.load(), 1u);
}

TEST_F(TableProxy, StringsAndBstrsKeepTheirBytesAndOwners) {
  ps_object o;
  sta_server server(&o);
  auto p = server.proxy();
  ASSERT_TRUE(p);
  const OLECHAR with_nul[] = {u'a', 0, u'b'};
  BSTR t = SysAllocStringLen(with_nul, 3);
  BSTR joined = nullptr, both = SysAllocString(u"before");
  LPOLESTR wide_out = nullptr;
  ASSERT_EQ(p->Strings(t, u"wide", "narrow", &joined, &wide_out, &both), S_OK);
  ASSERT_NE(joined, nullptr);
  EXPECT_EQ(std::u16string(joined, SysStringLen(joined)), std::u16string(u"a\0b|wide|narrow", 15));
  EXPECT_EQ(text(wide_out), u"out:wide");
  EXPECT_EQ(text(both), u"was before");
  SysFreeString(joined);
  SysFreeString(both);
  CoTaskMemFree(wide_out);
  // Null strings travel as null.
  both = nullptr;
  ASSERT_EQ(p->Strings(nullptr, nullptr, nullptr, &joined, &wide_out, &both), S_OK);
  EXPECT_EQ(text(joined), u"<null>|<null>|");
  EXPECT_EQ(text(both), u"was <null>");
  SysFreeString(joined);
  SysFreeString(both);
  CoTaskMemFree(wide_out);
  SysFreeString(t);
}

TEST_F(TableProxy, FlatStructsAndArrays) {
  ps_object o;
  sta_server server(&o);
  auto p = server.proxy();
  ASSERT_TRUE(p);
  PsPoint in{10, 20, 0.5, {'a', 'b', 'c'}}, out{};
  GUID id = IID_IPsTest;
  ASSERT_EQ(p->Points(&in, &out, &id), S_OK);
  EXPECT_EQ(out.x, 11);
  EXPECT_EQ(out.y, 20);
  EXPECT_EQ(out.weight, 0.5);
  EXPECT_EQ(out.tag[0], 'a');
  EXPECT_EQ(out.tag[2], 'z');
  EXPECT_EQ(id.Data1, IID_IPsTest.Data1 + 1);

  std::vector<LONG> values(1000);
  for (LONG k = 0; k < 1000; ++k) values[k] = k - 300;
  LONG total = 0;
  ASSERT_EQ(p->Sum(1000, values.data(), &total), S_OK);
  EXPECT_EQ(total, 999 * 1000 / 2 - 300 * 1000);
  ASSERT_EQ(p->Sum(0, nullptr, &total), HRESULT_FROM_WIN32(RPC_X_NULL_REF_POINTER));  // [ref] array

  // length_is: only what the callee says it wrote comes back.
  LONG buffer[10];
  for (LONG& b : buffer) b = 55;
  ULONG written = 0;
  ASSERT_EQ(p->Fill(10, buffer, &written), S_OK);
  EXPECT_EQ(written, 4u);
  EXPECT_EQ(buffer[0], 100);
  EXPECT_EQ(buffer[3], 103);
  EXPECT_EQ(buffer[4], 55);
  EXPECT_EQ(buffer[9], 55);
}

TEST_F(TableProxy, InterfacePointersBothWays) {
  ps_object o;
  callback cb;
  {
    sta_server server(&o);
    auto p = server.proxy();
    ASSERT_TRUE(p);
    // A callback passed in: the STA calls back into this MTA.
    LONG result = 0;
    DWORD where = 0;
    ASSERT_EQ(p->CallBack(&cb, 21, &result, &where), S_OK);
    EXPECT_EQ(result, 42);
    EXPECT_NE(where, server.tid());
    EXPECT_NE(where, 0u);
    // An interface coming back: the same proxy (COM identity).
    comkit::com_ptr<IPsTest> self;
    ASSERT_EQ(p->Self(self.put()), S_OK);
    ASSERT_TRUE(self);
    comkit::com_ptr<IUnknown> a, b;
    ASSERT_EQ(p->QueryInterface(IID_IUnknown, a.put_void()), S_OK);
    ASSERT_EQ(self->QueryInterface(IID_IUnknown, b.put_void()), S_OK);
    EXPECT_EQ(a.get(), b.get());
    // iid_is
    comkit::com_ptr<IPsBase> base;
    ASSERT_EQ(p->Query(IID_IPsBase, base.put_void()), S_OK);
    ASSERT_TRUE(base);
    DWORD tid = 0;
    EXPECT_EQ(base->Thread(&tid), S_OK);
    EXPECT_EQ(tid, server.tid());
    void* none = &o;
    EXPECT_EQ(p->Query(IID_IPersist, &none), E_NOINTERFACE);
    EXPECT_EQ(none, nullptr);
  }
  // Every reference the calls took is given back.
  EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
  EXPECT_TRUE(eventually([&] { return cb.refs.load() == 1; })) << cb.refs.load();
}

TEST_F(TableProxy, PointersFailuresAndWhatTheTablesCannotCarry) {
  ps_object o;
  sta_server server(&o);
  auto p = server.proxy();
  ASSERT_TRUE(p);
  LONG seen = 0, value = 9;
  ASSERT_EQ(p->Maybe(nullptr, &seen), S_OK);  // [unique]: null is a value
  EXPECT_EQ(seen, -1);
  ASSERT_EQ(p->Maybe(&value, &seen), S_OK);
  EXPECT_EQ(seen, 9);
  const int before = o.calls;
  EXPECT_EQ(p->Maybe(&value, nullptr), HRESULT_FROM_WIN32(RPC_X_NULL_REF_POINTER));  // [ref] out
  EXPECT_EQ(o.calls, before);  // refused before sending

  BSTR never = SysAllocString(u"stale");  // an [out]: overwritten, not freed (the caller's to free)
  BSTR keep = never;
  IPsTest* none = reinterpret_cast<IPsTest*>(&o);
  EXPECT_EQ(p->Fail(E_ACCESSDENIED, &never, &none), E_ACCESSDENIED);
  EXPECT_EQ(never, nullptr);
  EXPECT_EQ(none, nullptr);
  SysFreeString(keep);

  STATSTG st{};
  const int calls = o.calls;
  EXPECT_EQ(p->Opaque(&st), E_NOTIMPL);
  EXPECT_EQ(o.calls, calls);

  // A VARIANT the tables do not carry is refused before anything is sent.
  LONG l = 1;
  VARIANT byref, copy, both;
  VariantInit(&byref);
  VariantInit(&copy);
  VariantInit(&both);
  byref.vt = VT_BYREF | VT_I4;
  byref.plVal = &l;
  EXPECT_EQ(p->Variants(byref, &copy, &both), DISP_E_BADVARTYPE);
  EXPECT_EQ(o.calls, calls);
}

TEST_F(TableProxy, VariantsArraysOfBstrsAndInterfacesAndCalleeAllocatedArrays) {
  ps_object o;
  callback cb;
  {
    sta_server server(&o);
    auto p = server.proxy();
    ASSERT_TRUE(p);
    VARIANT v, copy, both;
    VariantInit(&copy);
    v.vt = VT_BSTR;
    v.bstrVal = SysAllocString(u"hello");
    both.vt = VT_I4;
    both.lVal = 5;
    ASSERT_EQ(p->Variants(v, &copy, &both), S_OK);
    EXPECT_EQ(copy.vt, VT_BSTR);
    EXPECT_EQ(text(copy.bstrVal), u"hello");
    EXPECT_EQ(both.vt, VT_R8);
    EXPECT_EQ(both.dblVal, 5.0);
    VariantClear(&v);
    VariantClear(&copy);
    // DECIMAL (the whole 16 bytes) and an interface that comes home.
    VarDecFromI4(-12345, &v.decVal);
    v.vt = VT_DECIMAL;
    ASSERT_EQ(p->Variants(v, &copy, &both), S_OK);
    EXPECT_EQ(copy.vt, VT_DECIMAL);
    EXPECT_EQ(VarDecCmp(&copy.decVal, &v.decVal), VARCMP_EQ);
    v.vt = VT_UNKNOWN;
    v.punkVal = static_cast<IPsCallback*>(&cb);
    ASSERT_EQ(p->Variants(v, &copy, &both), S_OK);
    EXPECT_EQ(copy.vt, VT_UNKNOWN);
    EXPECT_EQ(copy.punkVal, static_cast<IUnknown*>(static_cast<IPsCallback*>(&cb)));  // home again: the object itself
    VariantClear(&copy);

    BSTR names[3] = {SysAllocString(u"a"), nullptr, SysAllocString(u"ccc")};
    BSTR joined = nullptr;
    ASSERT_EQ(p->Names(3, names, &joined), S_OK);
    EXPECT_EQ(text(joined), u"a,<null>,ccc");
    SysFreeString(joined);
    for (BSTR n : names) SysFreeString(n);

    ULONG made = 0;
    LONG* values = nullptr;
    ASSERT_EQ(p->Make(5, &made, &values), S_OK);
    ASSERT_EQ(made, 5u);
    ASSERT_NE(values, nullptr);
    EXPECT_EQ(values[4], 16);
    CoTaskMemFree(values);
    ASSERT_EQ(p->Make(0, &made, &values), S_OK);
    EXPECT_EQ(made, 0u);
    CoTaskMemFree(values);

    IPsBase* objects[2] = {};
    ASSERT_EQ(p->Objects(2, objects), S_OK);
    for (IPsBase* b : objects) {
      ASSERT_NE(b, nullptr);
      DWORD tid = 0;
      EXPECT_EQ(b->Thread(&tid), S_OK);
      EXPECT_EQ(tid, server.tid());
      b->Release();
    }
  }
  EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
  EXPECT_TRUE(eventually([&] { return cb.refs.load() == 1; })) << cb.refs.load();
}

// comkit's own interfaces have tables too: a stream and an enumerator made
// in an STA, used from the MTA (ISequentialStream's [local] Read/Write go
// through their [call_as] forms, IEnumString's Next through RemoteNext).
TEST_F(TableProxy, SafeArrayParametersCrossBothWays) {
  ps_object o;
  sta_server server(&o);
  auto p = server.proxy();
  ASSERT_TRUE(p);
  SAFEARRAY* names = SafeArrayCreateVector(VT_BSTR, 1, 2);  // bounds travel too
  for (LONG i = 1; i <= 2; ++i) {
    BSTR s = SysAllocString(i == 1 ? u"ab" : u"cd");
    ASSERT_EQ(SafeArrayPutElement(names, &i, s), S_OK);
    SysFreeString(s);
  }
  SAFEARRAY* numbers = SafeArrayCreateVector(VT_I4, 0, 3);
  LONG* data = nullptr;
  ASSERT_EQ(SafeArrayAccessData(numbers, reinterpret_cast<void**>(&data)), S_OK);
  data[0] = 1, data[1] = 20, data[2] = -7;
  SafeArrayUnaccessData(numbers);
  SAFEARRAY* const sent = numbers;
  SAFEARRAY* made = nullptr;
  ASSERT_EQ(p->Arrays(names, &numbers, &made), S_OK);
  // [in, out]: the caller's array is replaced by the callee's.
  ASSERT_NE(numbers, nullptr);
  (void)sent;
  ASSERT_EQ(SafeArrayAccessData(numbers, reinterpret_cast<void**>(&data)), S_OK);
  EXPECT_EQ(data[0], 2);
  EXPECT_EQ(data[1], 40);
  EXPECT_EQ(data[2], -14);
  SafeArrayUnaccessData(numbers);
  ASSERT_NE(made, nullptr);
  VARTYPE vt = VT_EMPTY;
  ASSERT_EQ(SafeArrayGetVartype(made, &vt), S_OK);
  EXPECT_EQ(vt, VT_VARIANT);
  VARIANT v;
  VariantInit(&v);
  LONG at = 0;
  ASSERT_EQ(SafeArrayGetElement(made, &at, &v), S_OK);
  ASSERT_EQ(v.vt, VT_BSTR);
  EXPECT_EQ(text(v.bstrVal), u"ab;cd;");
  VariantClear(&v);
  at = 1;
  ASSERT_EQ(SafeArrayGetElement(made, &at, &v), S_OK);
  EXPECT_EQ(v.lVal, 3);
  SafeArrayDestroy(made);
  SafeArrayDestroy(numbers);
  // NULL arrays travel as NULL.
  SAFEARRAY* none = nullptr;
  made = nullptr;
  ASSERT_EQ(p->Arrays(nullptr, &none, &made), S_OK);
  EXPECT_EQ(none, nullptr);
  ASSERT_NE(made, nullptr);
  SafeArrayDestroy(made);
  // An array of a type no VARIANT holds is refused before anything is sent.
  SAFEARRAY* records = SafeArrayCreateVector(VT_RECORD, 0, 1);
  if (records) {
    const int calls = o.calls;
    made = nullptr;
    EXPECT_EQ(p->Arrays(records, &none, &made), DISP_E_BADVARTYPE);
    EXPECT_EQ(o.calls, calls);
    SafeArrayDestroy(records);
  }
  SafeArrayDestroy(names);
}

TEST_F(TableProxy, StandardInterfacesCrossApartments) {
  comkit::com_ptr<IStream> stream;
  comkit::com_ptr<IEnumString> names;
  IStream* marshalled_stream = nullptr;
  IStream* marshalled_names = nullptr;
  std::atomic<bool> ready{false}, quit{false};
  DWORD sta_tid = 0;
  std::thread sta([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    sta_tid = GetCurrentThreadId();
    {
      comkit::com_ptr<IStream> s;
      EXPECT_EQ(CreateStreamOnHGlobal(nullptr, TRUE, s.put()), S_OK);
      EXPECT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IStream, s.get(), &marshalled_stream), S_OK);
      std::vector<std::u16string> list = {u"one", u"two", u"three"};
      auto e = comkit::make_enumerator<IEnumString>(list);
      EXPECT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IEnumString, e.get(), &marshalled_names), S_OK);
    }
    ready = true;
    MSG m;
    while (!quit) {
      MsgWaitForMultipleObjectsEx(0, nullptr, 10, QS_ALLINPUT, MWMO_INPUTAVAILABLE);
      while (PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE)) DispatchMessageW(&m);
    }
    CoUninitialize();
  });
  while (!ready) std::this_thread::yield();
  ASSERT_EQ(CoGetInterfaceAndReleaseStream(marshalled_stream, IID_IStream, stream.put_void()), S_OK);
  ASSERT_EQ(CoGetInterfaceAndReleaseStream(marshalled_names, IID_IEnumString, names.put_void()), S_OK);

  ULONG done = 0;
  EXPECT_EQ(stream->Write("abcdef", 6, &done), S_OK);
  EXPECT_EQ(done, 6u);
  LARGE_INTEGER zero{};
  ULARGE_INTEGER at{};
  EXPECT_EQ(stream->Seek(zero, STREAM_SEEK_SET, &at), S_OK);
  char buffer[16] = {};
  EXPECT_EQ(stream->Read(buffer, sizeof buffer, &done), S_OK);
  EXPECT_EQ(done, 6u);
  EXPECT_EQ(std::string(buffer, done), "abcdef");
  STATSTG st{};
  EXPECT_EQ(stream->Stat(&st, STATFLAG_NONAME), E_NOTIMPL);  // STATSTG carries a pointer: not remoted yet

  LPOLESTR got[4] = {};
  ULONG fetched = 0;
  EXPECT_EQ(names->Next(4, got, &fetched), S_FALSE);
  ASSERT_EQ(fetched, 3u);
  EXPECT_EQ(text(got[0]), u"one");
  EXPECT_EQ(text(got[2]), u"three");
  EXPECT_EQ(got[3], nullptr);
  for (ULONG k = 0; k < fetched; ++k) CoTaskMemFree(got[k]);
  EXPECT_EQ(names->Reset(), S_OK);
  LPOLESTR one = nullptr;
  EXPECT_EQ(names->Next(1, &one, nullptr), S_OK);  // a null pceltFetched, as IEnumXxx allows for one
  EXPECT_EQ(text(one), u"one");
  CoTaskMemFree(one);

  stream = nullptr;
  names = nullptr;
  quit = true;
  sta.join();
}

TEST_F(TableProxy, AProxyUsedFromAnotherApartmentIsRefused) {
  ps_object o;
  sta_server server(&o);
  auto p = server.proxy();
  ASSERT_TRUE(p);
  std::thread([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    DWORD tid;
    EXPECT_EQ(p->Thread(&tid), RPC_E_WRONG_THREAD);
    CoUninitialize();
  }).join();
}

// ---- Proxies marshalled again -----------------------------------------------------------------

TEST_F(TableProxy, AMarshalledProxyNamesTheObjectItself) {
  ps_object o;
  {
    sta_server server(&o);
    auto p = server.proxy();
    ASSERT_TRUE(p);
    // The proxy answers IMarshal and IMultiQI itself.
    comkit::com_ptr<IMarshal> marshal;
    ASSERT_EQ(p->QueryInterface(IID_IMarshal, marshal.put_void()), S_OK);
    CLSID clsid{};
    EXPECT_EQ(marshal->GetUnmarshalClass(IID_IPsTest, p.get(), MSHCTX_INPROC, nullptr, MSHLFLAGS_NORMAL, &clsid), S_OK);
    EXPECT_TRUE(IsEqualCLSID(clsid, CLSID_StdMarshal));
    DWORD size = 0;
    EXPECT_EQ(marshal->GetMarshalSizeMax(IID_IPsTest, p.get(), MSHCTX_INPROC, nullptr, MSHLFLAGS_NORMAL, &size), S_OK);
    EXPECT_GE(size, 68u);
    {
      // Its IMarshal used directly writes the object's OBJREF, which can be given back.
      comkit::com_ptr<IStream> s;
      ASSERT_EQ(CreateStreamOnHGlobal(nullptr, TRUE, s.put()), S_OK);
      EXPECT_EQ(marshal->MarshalInterface(s.get(), IID_IPsTest, p.get(), MSHCTX_INPROC, nullptr, MSHLFLAGS_NORMAL), S_OK);
      const LARGE_INTEGER zero{};
      s->Seek(zero, STREAM_SEEK_SET, nullptr);
      EXPECT_EQ(marshal->ReleaseMarshalData(s.get()), S_OK);
    }
    comkit::com_ptr<IUnknown> a, b;
    ASSERT_EQ(marshal->QueryInterface(IID_IUnknown, a.put_void()), S_OK);
    ASSERT_EQ(p->QueryInterface(IID_IUnknown, b.put_void()), S_OK);
    EXPECT_EQ(a.get(), b.get());  // one identity
    comkit::com_ptr<IMultiQI> multi;
    ASSERT_EQ(p->QueryInterface(IID_IMultiQI, multi.put_void()), S_OK);
    MULTI_QI q[2] = {{&IID_IPsBase, nullptr, 0}, {&IID_IPersist, nullptr, 0}};
    EXPECT_EQ(multi->QueryMultipleInterfaces(2, q), CO_S_NOTALLINTERFACES);
    EXPECT_EQ(q[0].hr, S_OK);
    ASSERT_NE(q[0].pItf, nullptr);
    q[0].pItf->Release();
    EXPECT_EQ(q[1].hr, E_NOINTERFACE);
    EXPECT_EQ(q[1].pItf, nullptr);

    // Marshalled from this MTA to a third apartment: calls there reach the
    // object on its own thread.
    IStream* third = nullptr;
    ASSERT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IPsTest, p.get(), &third), S_OK);
    std::thread([&] {
      ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
      IPsTest* q3 = nullptr;
      EXPECT_EQ(CoGetInterfaceAndReleaseStream(third, IID_IPsTest, reinterpret_cast<void**>(&q3)), S_OK);
      if (q3) {
        DWORD tid = 0;
        EXPECT_EQ(q3->Thread(&tid), S_OK);
        EXPECT_EQ(tid, server.tid());
        q3->Release();
      }
      // The proxy itself belongs to the MTA: marshalling it here is refused.
      IStream* s = nullptr;
      EXPECT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IPsTest, p.get(), &s), RPC_E_WRONG_THREAD);
      CoUninitialize();
    }).join();

    // Through the global interface table, into another STA.
    comkit::com_ptr<IGlobalInterfaceTable> git;
    ASSERT_EQ(CoCreateInstance(CLSID_StdGlobalInterfaceTable, nullptr, CLSCTX_INPROC_SERVER, IID_IGlobalInterfaceTable,
                               git.put_void()),
              S_OK);
    DWORD cookie = 0;
    ASSERT_EQ(git->RegisterInterfaceInGlobal(p.get(), IID_IPsTest, &cookie), S_OK);
    std::thread([&] {
      ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
      IPsBase* q4 = nullptr;
      EXPECT_EQ(git->GetInterfaceFromGlobal(cookie, IID_IPsBase, reinterpret_cast<void**>(&q4)), S_OK);
      if (q4) {
        DWORD tid = 0;
        EXPECT_EQ(q4->Thread(&tid), S_OK);
        EXPECT_EQ(tid, server.tid());
        q4->Release();
      }
      CoUninitialize();
    }).join();
    EXPECT_EQ(git->RevokeInterfaceFromGlobal(cookie), S_OK);
  }
  EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
}

TEST_F(TableProxy, AProxyMarshalledHomeUnmarshalsToTheObject) {
  ps_object o;
  sta_server server(&o);
  auto p = server.proxy();
  ASSERT_TRUE(p);
  IStream* home = nullptr;
  ASSERT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IPsTest, p.get(), &home), S_OK);
  server.run_on([&] {
    void* back = nullptr;
    EXPECT_EQ(CoGetInterfaceAndReleaseStream(home, IID_IPsBase, &back), S_OK);
    EXPECT_EQ(back, static_cast<void*>(static_cast<IPsTest*>(&o)));  // the object, not a proxy
    if (back) static_cast<IUnknown*>(back)->Release();
  });
  p.reset();
  EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
}

TEST_F(TableProxy, TheClientApartmentsEndLetsItsObjectsGo) {
  ps_object o;
  sta_server server(&o);
  IStream* to_client = nullptr;
  ASSERT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IPsTest, server.proxy().get(), &to_client), S_OK);
  std::thread([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    IPsTest* p = nullptr;
    ASSERT_EQ(CoGetInterfaceAndReleaseStream(to_client, IID_IPsTest, reinterpret_cast<void**>(&p)), S_OK);
    DWORD tid = 0;
    EXPECT_EQ(p->Thread(&tid), S_OK);
    IPsBase* base = nullptr;
    EXPECT_EQ(p->QueryInterface(IID_IPsBase, reinterpret_cast<void**>(&base)), S_OK);
    CoUninitialize();  // with both proxies still held
    EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
    EXPECT_NE(p->Thread(&tid), S_OK);  // no apartment here any more
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    EXPECT_NE(base->Thread(&tid), S_OK);  // another apartment now
    CoUninitialize();
    base->Release();  // Release works anywhere, and gives back nothing twice
    p->Release();
  }).join();
  EXPECT_EQ(o.refs.load(), 1u);
}

// ---- Security -----------------------------------------------------------------------------------

TEST_F(TableProxy, CoInitializeSecurityIsOncePerProcess) {
  EXPECT_EQ(CoInitializeSecurity(nullptr, -2, nullptr, nullptr, RPC_C_AUTHN_LEVEL_DEFAULT, RPC_C_IMP_LEVEL_IDENTIFY,
                                 nullptr, EOAC_NONE, nullptr),
            E_INVALIDARG);
  EXPECT_EQ(CoInitializeSecurity(nullptr, -1, nullptr, nullptr, 9, RPC_C_IMP_LEVEL_IDENTIFY, nullptr, EOAC_NONE, nullptr),
            E_INVALIDARG);
  // In a fresh process (each CTest case is one) the first call is taken;
  // after a marshal in this process it is already too late.
  const HRESULT first = CoInitializeSecurity(nullptr, -1, nullptr, nullptr, RPC_C_AUTHN_LEVEL_DEFAULT,
                                             RPC_C_IMP_LEVEL_IDENTIFY, nullptr, EOAC_NONE, nullptr);
  EXPECT_TRUE(first == S_OK || first == RPC_E_TOO_LATE) << std::hex << first;
  EXPECT_EQ(CoInitializeSecurity(nullptr, -1, nullptr, nullptr, RPC_C_AUTHN_LEVEL_DEFAULT, RPC_C_IMP_LEVEL_IDENTIFY,
                                 nullptr, EOAC_NONE, nullptr),
            RPC_E_TOO_LATE);
}

TEST_F(TableProxy, AProxyKeepsItsBlanket) {
  ps_object o;
  sta_server server(&o);
  auto p = server.proxy();
  ASSERT_TRUE(p);
  DWORD authn = 0, authz = 7, level = 0, imp = 0, caps = 9;
  OLECHAR* principal = reinterpret_cast<OLECHAR*>(1);
  RPC_AUTH_IDENTITY_HANDLE info = reinterpret_cast<RPC_AUTH_IDENTITY_HANDLE>(1);
  ASSERT_EQ(CoQueryProxyBlanket(p.get(), &authn, &authz, &principal, &level, &imp, &info, &caps), S_OK);
  EXPECT_EQ(authn, static_cast<DWORD>(RPC_C_AUTHN_WINNT));
  EXPECT_EQ(authz, static_cast<DWORD>(RPC_C_AUTHZ_NONE));
  EXPECT_EQ(principal, nullptr);
  EXPECT_EQ(info, nullptr);
  EXPECT_NE(level, static_cast<DWORD>(RPC_C_AUTHN_LEVEL_DEFAULT));  // a real level, never "default"
  ASSERT_EQ(CoSetProxyBlanket(p.get(), RPC_C_AUTHN_DEFAULT, RPC_C_AUTHZ_DEFAULT, const_cast<OLECHAR*>(u"server"),
                              RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_NONE),
            S_OK);
  ASSERT_EQ(CoQueryProxyBlanket(p.get(), &authn, &authz, &principal, &level, &imp, nullptr, &caps), S_OK);
  EXPECT_EQ(level, static_cast<DWORD>(RPC_C_AUTHN_LEVEL_PKT_PRIVACY));
  EXPECT_EQ(imp, static_cast<DWORD>(RPC_C_IMP_LEVEL_IMPERSONATE));
  EXPECT_EQ(authn, static_cast<DWORD>(RPC_C_AUTHN_WINNT));
  EXPECT_EQ(text(principal), u"server");
  CoTaskMemFree(principal);
  // The blanket belongs to the proxy manager: every interface of it shares it.
  comkit::com_ptr<IPsBase> base;
  ASSERT_EQ(p->QueryInterface(IID_IPsBase, base.put_void()), S_OK);
  ASSERT_EQ(CoQueryProxyBlanket(base.get(), nullptr, nullptr, nullptr, &level, nullptr, nullptr, nullptr), S_OK);
  EXPECT_EQ(level, static_cast<DWORD>(RPC_C_AUTHN_LEVEL_PKT_PRIVACY));
  EXPECT_EQ(CoSetProxyBlanket(p.get(), RPC_C_AUTHN_DEFAULT, RPC_C_AUTHZ_DEFAULT, COLE_DEFAULT_PRINCIPAL, 7,
                              RPC_C_IMP_LEVEL_DEFAULT, nullptr, EOAC_NONE),
            E_INVALIDARG);
  comkit::com_ptr<IUnknown> copy;
  EXPECT_EQ(CoCopyProxy(p.get(), copy.put()), S_OK);
  EXPECT_TRUE(copy);
  DWORD tid = 0;
  EXPECT_EQ(p->Thread(&tid), S_OK);  // calls go on as before
  // An object in this apartment is no proxy.
  callback local;
  EXPECT_EQ(CoQueryProxyBlanket(static_cast<IPsCallback*>(&local), &authn, nullptr, nullptr, nullptr, nullptr, nullptr,
                                nullptr),
            E_NOINTERFACE);
  EXPECT_EQ(CoSetProxyBlanket(nullptr, 0, 0, nullptr, 0, 0, nullptr, 0), E_INVALIDARG);
}

// ---- Message filters ---------------------------------------------------------------------------

struct test_filter final : IMessageFilter {
  std::atomic<int> incoming{0}, retries{0}, reject_first{0};
  DWORD reject_with = SERVERCALL_RETRYLATER, retry_answer = 0;
  std::atomic<DWORD> last_type{0}, last_reject{0};
  std::atomic<std::uintptr_t> last_caller{0}, last_callee{0};
  IID last_iid{};
  WORD last_method = 0;
  bool had_object = false;
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IMessageFilter)) {
      *ppv = this;
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  DWORD STDMETHODCALLTYPE HandleInComingCall(DWORD type, HTASK caller, DWORD, LPINTERFACEINFO info) override {
    ++incoming;
    last_type = type;
    last_caller = reinterpret_cast<std::uintptr_t>(caller);
    if (info) {
      last_iid = info->iid;
      last_method = info->wMethod;
      had_object = info->pUnk != nullptr;
    }
    if (reject_first > 0) {
      --reject_first;
      return reject_with;
    }
    return SERVERCALL_ISHANDLED;
  }
  DWORD STDMETHODCALLTYPE RetryRejectedCall(HTASK callee, DWORD, DWORD type) override {
    ++retries;
    last_callee = reinterpret_cast<std::uintptr_t>(callee);
    last_reject = type;
    return retry_answer;
  }
  std::atomic<int> pending{0};
  std::atomic<DWORD> pending_type{0}, pending_answer{PENDINGMSG_WAITDEFPROCESS};
  std::atomic<std::uintptr_t> pending_callee{0};
  DWORD STDMETHODCALLTYPE MessagePending(HTASK callee, DWORD, DWORD type) override {
    ++pending;
    pending_type = type;
    pending_callee = reinterpret_cast<std::uintptr_t>(callee);
    return pending_answer;
  }
};

TEST_F(TableProxy, AServerFilterTurnsCallsAwayAndACallerWithoutOneHearsIt) {
  ps_object o;
  test_filter server_filter;
  sta_server server(&o);
  server.run_on([&] { EXPECT_EQ(CoRegisterMessageFilter(&server_filter, nullptr), S_OK); });
  auto p = server.proxy();
  ASSERT_TRUE(p);
  DWORD tid = 0;
  EXPECT_EQ(p->Thread(&tid), S_OK);
  EXPECT_EQ(server_filter.incoming.load(), 1);
  EXPECT_EQ(server_filter.last_type.load(), static_cast<DWORD>(CALLTYPE_TOPLEVEL));
  EXPECT_EQ(server_filter.last_caller.load(), GetCurrentThreadId());
  EXPECT_TRUE(IsEqualIID(server_filter.last_iid, IID_IPsTest));
  EXPECT_EQ(server_filter.last_method, 3);
  EXPECT_TRUE(server_filter.had_object);
  const int calls = o.calls;
  server_filter.reject_first = 1;
  server_filter.reject_with = SERVERCALL_RETRYLATER;
  EXPECT_EQ(p->Thread(&tid), RPC_E_SERVERCALL_RETRYLATER);  // the MTA has no filter to retry
  server_filter.reject_first = 1;
  server_filter.reject_with = SERVERCALL_REJECTED;
  EXPECT_EQ(p->Thread(&tid), RPC_E_CALL_REJECTED);
  EXPECT_EQ(o.calls, calls);  // turned away before the object
  server.run_on([&] { EXPECT_EQ(CoRegisterMessageFilter(nullptr, nullptr), S_OK); });
}

TEST_F(TableProxy, ACallersFilterRetriesOrCancels) {
  ps_object o;
  test_filter server_filter, client_filter;
  sta_server server(&o);
  server.run_on([&] { EXPECT_EQ(CoRegisterMessageFilter(&server_filter, nullptr), S_OK); });
  IStream* to_client = nullptr;
  ASSERT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IPsTest, server.proxy().get(), &to_client), S_OK);
  std::thread([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    ASSERT_EQ(CoRegisterMessageFilter(&client_filter, nullptr), S_OK);
    IPsTest* p = nullptr;
    ASSERT_EQ(CoGetInterfaceAndReleaseStream(to_client, IID_IPsTest, reinterpret_cast<void**>(&p)), S_OK);
    DWORD tid = 0;
    // Retried at once, three times, then taken.
    server_filter.reject_first = 3;
    server_filter.reject_with = SERVERCALL_RETRYLATER;
    client_filter.retry_answer = 0;
    EXPECT_EQ(p->Thread(&tid), S_OK);
    EXPECT_EQ(tid, server.tid());
    EXPECT_EQ(client_filter.retries.load(), 3);
    EXPECT_EQ(client_filter.last_reject.load(), static_cast<DWORD>(SERVERCALL_RETRYLATER));
    EXPECT_EQ(client_filter.last_callee.load(), server.tid());
    // Retried after a wait.
    server_filter.reject_first = 1;
    client_filter.retry_answer = 100;
    EXPECT_EQ(p->Thread(&tid), S_OK);
    EXPECT_EQ(client_filter.retries.load(), 4);
    // Cancelled: RPC_E_CALL_REJECTED, whatever the refusal.
    server_filter.reject_first = 1;
    client_filter.retry_answer = static_cast<DWORD>(-1);
    EXPECT_EQ(p->Thread(&tid), RPC_E_CALL_REJECTED);
    EXPECT_EQ(client_filter.last_reject.load(), static_cast<DWORD>(SERVERCALL_RETRYLATER));
    // A callback into this STA while it waits: CALLTYPE_NESTED here.
    callback cb;
    LONG result = 0;
    DWORD where = 0;
    EXPECT_EQ(p->CallBack(&cb, 4, &result, &where), S_OK);
    EXPECT_EQ(result, 8);
    EXPECT_EQ(where, GetCurrentThreadId());
    EXPECT_EQ(client_filter.last_type.load(), static_cast<DWORD>(CALLTYPE_NESTED));
    p->Release();
    CoRegisterMessageFilter(nullptr, nullptr);
    CoUninitialize();
  }).join();
  server.run_on([&] { EXPECT_EQ(CoRegisterMessageFilter(nullptr, nullptr), S_OK); });
}

TEST_F(TableProxy, MessagePendingMayCancelAWaitingCall) {
  ps_object o;
  test_filter client_filter;
  sta_server server(&o);
  IStream* to_client = nullptr;
  ASSERT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IPsTest, server.proxy().get(), &to_client), S_OK);
  std::atomic<DWORD> client_tid{0};
  std::atomic<int> step{0};
  std::thread client([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    ASSERT_EQ(CoRegisterMessageFilter(&client_filter, nullptr), S_OK);
    IPsTest* p = nullptr;
    ASSERT_EQ(CoGetInterfaceAndReleaseStream(to_client, IID_IPsTest, reinterpret_cast<void**>(&p)), S_OK);
    MSG m;
    PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE);
    client_tid = GetCurrentThreadId();
    LONG held = 777, seen = 0;
    // A message arrives while the call waits; the filter lets it wait on.
    ResetEvent(o.gate);
    step = 1;
    EXPECT_EQ(p->Maybe(&held, &seen), S_OK);
    EXPECT_EQ(seen, 777);
    // The filter cancels: the call returns at once, its reply is dropped.
    client_filter.pending_answer = PENDINGMSG_CANCELCALL;
    ResetEvent(o.gate);
    step = 2;
    EXPECT_EQ(p->Maybe(&held, &seen), RPC_E_CALL_CANCELED);
    SetEvent(o.gate);
    while (PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE)) {
    }
    p->Release();
    CoRegisterMessageFilter(nullptr, nullptr);
    CoUninitialize();
  });
  for (int want : {1, 2}) {
    while (step < want) std::this_thread::yield();
    const int before = client_filter.pending;
    PostThreadMessageW(client_tid, WM_USER, 0, 0);
    EXPECT_TRUE(eventually([&] { return client_filter.pending > before; }));
    if (want == 1) {
      EXPECT_EQ(client_filter.pending_type.load(), static_cast<DWORD>(PENDINGTYPE_TOPLEVEL));
      EXPECT_EQ(client_filter.pending_callee.load(), server.tid());
      SetEvent(o.gate);
    }
  }
  client.join();
  EXPECT_TRUE(eventually([&] { return o.refs.load() == 1; })) << o.refs.load();
}

// ---- The stub, fed requests directly --------------------------------------------------------

struct test_channel final : IRpcChannelBuffer {
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID, void** ppv) override {
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  HRESULT STDMETHODCALLTYPE GetBuffer(RPCOLEMESSAGE* m, REFIID) override {
    reply.assign(m->cbBuffer, 0);
    m->Buffer = reply.data();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE SendReceive(RPCOLEMESSAGE*, ULONG*) override { return E_UNEXPECTED; }
  HRESULT STDMETHODCALLTYPE FreeBuffer(RPCOLEMESSAGE*) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE GetDestCtx(DWORD* ctx, void** pv) override {
    *ctx = MSHCTX_INPROC;
    if (pv) *pv = nullptr;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE IsConnected() override { return S_OK; }
  std::vector<unsigned char> reply;
};

HRESULT invoke(IRpcStubBuffer* stub, ULONG slot, std::vector<unsigned char> request, test_channel& ch) {
  RPCOLEMESSAGE m{};
  m.Buffer = request.data();
  m.cbBuffer = static_cast<ULONG>(request.size());
  m.iMethod = slot;
  return stub->Invoke(&m, &ch);
}

std::vector<unsigned char> u32s(std::initializer_list<std::uint32_t> v) {
  std::vector<unsigned char> b;
  for (std::uint32_t x : v) {
    const auto* c = reinterpret_cast<const unsigned char*>(&x);
    b.insert(b.end(), c, c + 4);
  }
  return b;
}

TEST_F(TableProxy, TheStubRefusesMalformedRequests) {
  ps_object o;
  comkit::com_ptr<IPSFactoryBuffer> factory;
  ASSERT_EQ(CoGetClassObject(CLSID_PSFactoryBuffer, CLSCTX_INPROC_SERVER, nullptr, IID_IPSFactoryBuffer,
                             factory.put_void()),
            S_OK);
  comkit::com_ptr<IRpcStubBuffer> stub;
  ASSERT_EQ(factory->CreateStub(IID_IPsTest, static_cast<IPsTest*>(&o), stub.put()), S_OK);
  EXPECT_EQ(stub->IsIIDSupported(IID_IPsTest), stub.get());
  EXPECT_EQ(stub->CountRefs(), 1u);
  test_channel ch;
  const HRESULT bad = HRESULT_FROM_WIN32(RPC_X_BAD_STUB_DATA);
  // Slots: 3 Thread, 4 Scalars, 5 Strings, 6 Points, 7 Sum, 8 Fill ...
  EXPECT_EQ(invoke(stub.get(), 3, {1}, ch), S_OK);                   // Thread: [out] present
  EXPECT_EQ(invoke(stub.get(), 3, {1, 0}, ch), bad);                 // trailing bytes
  EXPECT_EQ(invoke(stub.get(), 3, {}, ch), bad);                     // short
  EXPECT_EQ(invoke(stub.get(), 3, {0}, ch), bad);                    // a [ref] pointer absent
  EXPECT_EQ(invoke(stub.get(), 3, {7}, ch), bad);                    // not a presence byte
  EXPECT_EQ(invoke(stub.get(), 99, {}, ch), RPC_E_INVALIDMETHOD);
  EXPECT_EQ(invoke(stub.get(), 1, {}, ch), RPC_E_INVALIDMETHOD);
  // Sum: ULONG count, then the array: u8 present, u32 count, u32 length, values, then the [out] present.
  auto sum = [](std::uint32_t count, std::uint32_t array_count, std::uint32_t length, std::size_t values) {
    std::vector<unsigned char> r = u32s({count});
    r.push_back(1);
    auto head = u32s({array_count, length});
    r.insert(r.end(), head.begin(), head.end());
    r.insert(r.end(), values * 4, 1);
    r.push_back(1);
    return r;
  };
  // Out of order on the wire: the array pass comes after the plain values.
  auto reorder = [](std::vector<unsigned char> r) {
    // move the trailing [out] presence byte (plain pass) before the array
    const unsigned char last = r.back();
    r.pop_back();
    r.insert(r.begin() + 4, last);
    return r;
  };
  EXPECT_EQ(invoke(stub.get(), 7, reorder(sum(2, 2, 2, 2)), ch), S_OK);
  EXPECT_EQ(invoke(stub.get(), 7, reorder(sum(2, 100, 2, 2)), ch), bad);         // count differs from the callee's
  EXPECT_EQ(invoke(stub.get(), 7, reorder(sum(2, 2, 3, 3)), ch), bad);           // length > count
  EXPECT_EQ(invoke(stub.get(), 7, reorder(sum(2, 2, 2, 1)), ch), bad);           // short values
  EXPECT_EQ(invoke(stub.get(), 7, reorder(sum(0xFFFFFFFF, 0xFFFFFFFF, 0, 0)), ch), bad);  // huge
  // Strings: a BSTR whose length runs past the end.
  {
    std::vector<unsigned char> r = u32s({1000});
    r.insert(r.end(), 8, 'x');
    EXPECT_EQ(invoke(stub.get(), 5, r, ch), bad);
  }
  // CallBack: an interface whose OBJREF is junk.
  {
    std::vector<unsigned char> r = u32s({3});  // LONG value
    r.push_back(1);
    r.push_back(1);
    auto junk = u32s({8, 0x12345678, 0x9abcdef0});
    r.insert(r.end(), junk.begin(), junk.end());
    EXPECT_TRUE(FAILED(invoke(stub.get(), 9, r, ch)));
  }
  // Random bytes to every method that returns no interface (an [out]
  // interface would stay marshalled, holding o): an error or a result,
  // never a crash.
  std::uint32_t seed = 12345;
  for (ULONG slot : {3u, 4u, 5u, 6u, 7u, 8u, 9u, 12u, 14u, 15u, 16u}) {
    for (int round = 0; round < 200; ++round) {
      std::vector<unsigned char> r(seed % 64);
      for (auto& c : r) {
        seed = seed * 1103515245u + 12345u;
        c = static_cast<unsigned char>(seed >> 16);
        if (c > 0xF0) c = 0;  // small lengths now and then
      }
      invoke(stub.get(), slot, r, ch);
    }
  }
  stub->Disconnect();
  EXPECT_EQ(stub->CountRefs(), 0u);
  EXPECT_EQ(invoke(stub.get(), 3, {1}, ch), CO_E_OBJNOTCONNECTED);
  stub.reset();
  EXPECT_EQ(o.refs.load(), 1u);
}

}  // namespace
