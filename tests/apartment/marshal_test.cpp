// tests/apartment/marshal_test.cpp - CoMarshalInterface and its family: the
// OBJREF bytes, table and normal marshals and their reference counts,
// disconnection, IExternalConnection, the free-threaded marshaler and the
// global interface table.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include <comkit/com_ptr.h>
#include <windows.h>

namespace {

template <typename F>
void on_thread(F body) {
  std::thread(body).join();
}

// An object with IPersist, counting its references and its external
// connections; optionally aggregating the free-threaded marshaler.
// An interface no table or factory describes.
const IID IID_INoProxyTest = {0x1c0ffee0, 0x6a7b, 0x4c8d, {0x9e, 0xaf, 0xb0, 0xc1, 0xd2, 0xe3, 0xf4, 0x05}};

struct test_object final : IPersist, IExternalConnection {
  std::atomic<ULONG> refs{1};
  std::atomic<long> connections{0};
  std::atomic<int> add_calls{0}, release_calls{0};
  bool external = false;
  IUnknown* ftm = nullptr;
  bool agile = false;

  explicit test_object(bool with_external = false, bool with_ftm = false, bool is_agile = false)
      : external(with_external), agile(is_agile) {
    if (with_ftm) {
      EXPECT_EQ(CoCreateFreeThreadedMarshaler(static_cast<IPersist*>(this), &ftm), S_OK);
    }
    refs = 1;
  }
  ~test_object() {
    if (ftm) ftm->Release();
  }
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IPersist)) {
      *ppv = static_cast<IPersist*>(this);
    } else if (external && IsEqualIID(riid, IID_IExternalConnection)) {
      *ppv = static_cast<IExternalConnection*>(this);
    } else if (IsEqualIID(riid, IID_INoProxyTest)) {
      *ppv = static_cast<IPersist*>(this);  // never called: only marshalled
    } else if (agile && IsEqualIID(riid, IID_IAgileObject)) {
      *ppv = static_cast<IPersist*>(this);
    } else if (ftm && IsEqualIID(riid, IID_IMarshal)) {
      return ftm->QueryInterface(riid, ppv);
    } else {
      *ppv = nullptr;
      return E_NOINTERFACE;
    }
    AddRef();
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }  // lives on the test's stack
  HRESULT STDMETHODCALLTYPE GetClassID(CLSID* id) override {
    *id = CLSID_StdMarshal;
    return S_OK;
  }
  DWORD STDMETHODCALLTYPE AddConnection(DWORD extconn, DWORD) override {
    EXPECT_EQ(extconn, static_cast<DWORD>(EXTCONN_STRONG));
    ++add_calls;
    return static_cast<DWORD>(++connections);
  }
  DWORD STDMETHODCALLTYPE ReleaseConnection(DWORD extconn, DWORD, BOOL) override {
    EXPECT_EQ(extconn, static_cast<DWORD>(EXTCONN_STRONG));
    ++release_calls;
    return static_cast<DWORD>(--connections);
  }
};

comkit::com_ptr<IStream> new_stream() {
  comkit::com_ptr<IStream> s;
  EXPECT_EQ(CreateStreamOnHGlobal(nullptr, TRUE, s.put()), S_OK);
  return s;
}

void rewind(IStream* s) {
  LARGE_INTEGER zero{};
  ASSERT_EQ(s->Seek(zero, STREAM_SEEK_SET, nullptr), S_OK);
}

std::vector<unsigned char> bytes_of(IStream* s) {
  HGLOBAL h = nullptr;
  EXPECT_EQ(GetHGlobalFromStream(s, &h), S_OK);
  const auto* p = static_cast<const unsigned char*>(GlobalLock(h));
  std::vector<unsigned char> out(p, p + GlobalSize(h));
  GlobalUnlock(h);
  return out;
}

DWORD dword_at(const std::vector<unsigned char>& b, std::size_t at) {
  DWORD v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}

struct mta_scope {
  mta_scope() { EXPECT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK); }
  ~mta_scope() { CoUninitialize(); }
};

TEST(Marshal, StandardObjrefLayout) {
  mta_scope mta;
  test_object o;
  auto s = new_stream();
  ASSERT_EQ(CoMarshalInterface(s.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr,
                               MSHLFLAGS_NORMAL),
            S_OK);
  const auto b = bytes_of(s.get());
  ULONG size_max = 0;
  ASSERT_EQ(CoGetMarshalSizeMax(&size_max, IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr,
                                MSHLFLAGS_NORMAL),
            S_OK);
  EXPECT_LE(b.size(), size_max);
  ASSERT_GE(b.size(), 68u);
  EXPECT_EQ(dword_at(b, 0), 0x574F454Du);  // MEOW
  EXPECT_EQ(dword_at(b, 4), 1u);           // OBJREF_STANDARD
  EXPECT_EQ(std::memcmp(b.data() + 8, &IID_IPersist, 16), 0);
  EXPECT_EQ(dword_at(b, 24), 0u);  // STDOBJREF flags
  EXPECT_EQ(dword_at(b, 28), 5u);  // public references of a normal marshal
  rewind(s.get());
  EXPECT_EQ(CoReleaseMarshalData(s.get()), S_OK);
  EXPECT_EQ(o.refs.load(), 1u);
  // A table marshal hands out no public references.
  auto t = new_stream();
  ASSERT_EQ(CoMarshalInterface(t.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr,
                               MSHLFLAGS_TABLESTRONG),
            S_OK);
  EXPECT_EQ(dword_at(bytes_of(t.get()), 28), 0u);
  rewind(t.get());
  EXPECT_EQ(CoReleaseMarshalData(t.get()), S_OK);
  EXPECT_EQ(o.refs.load(), 1u);
}

TEST(Marshal, NormalMarshalIsUsedOnceAndGivesTheOriginalPointer) {
  mta_scope mta;
  test_object o;
  IStream* s = nullptr;
  ASSERT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IPersist, static_cast<IPersist*>(&o), &s), S_OK);
  EXPECT_GT(o.refs.load(), 1u);  // the exporter holds the object
  auto copy = new_stream();
  {
    const auto b = bytes_of(s);
    ASSERT_EQ(copy->Write(b.data(), static_cast<ULONG>(b.size()), nullptr), S_OK);
    rewind(copy.get());
  }
  IPersist* p = nullptr;
  ASSERT_EQ(CoGetInterfaceAndReleaseStream(s, IID_IPersist, reinterpret_cast<void**>(&p)), S_OK);
  EXPECT_EQ(p, static_cast<IPersist*>(&o));  // same apartment: no proxy
  p->Release();
  EXPECT_EQ(o.refs.load(), 1u);
  // The marshal was used up: its copy names an object no longer exported.
  void* again = &o;
  EXPECT_EQ(CoUnmarshalInterface(copy.get(), IID_IPersist, &again), CO_E_OBJNOTCONNECTED);
  EXPECT_EQ(again, nullptr);
}

TEST(Marshal, TableMarshalsUnmarshalManyTimesUntilReleased) {
  for (DWORD flags : {DWORD{MSHLFLAGS_TABLESTRONG}, DWORD{MSHLFLAGS_TABLEWEAK}}) {
    mta_scope mta;
    test_object o;
    auto s = new_stream();
    ASSERT_EQ(CoMarshalInterface(s.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr, flags),
              S_OK);
    for (int i = 0; i < 3; ++i) {
      rewind(s.get());
      comkit::com_ptr<IUnknown> u;
      ASSERT_EQ(CoUnmarshalInterface(s.get(), IID_IUnknown, u.put_void()), S_OK) << flags;
      EXPECT_EQ(u.get(), static_cast<IUnknown*>(static_cast<IPersist*>(&o)));
    }
    rewind(s.get());
    ASSERT_EQ(CoReleaseMarshalData(s.get()), S_OK);
    EXPECT_EQ(o.refs.load(), 1u);
    rewind(s.get());
    void* p = nullptr;
    EXPECT_EQ(CoUnmarshalInterface(s.get(), IID_IPersist, &p), CO_E_OBJNOTCONNECTED);
    rewind(s.get());
    EXPECT_EQ(CoReleaseMarshalData(s.get()), CO_E_OBJNOTCONNECTED);
  }
}

TEST(Marshal, GuidNullUnmarshalsTheMarshalledInterface) {
  mta_scope mta;
  test_object o;
  auto s = new_stream();
  ASSERT_EQ(CoMarshalInterface(s.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr, 0), S_OK);
  rewind(s.get());
  IPersist* p = nullptr;
  ASSERT_EQ(CoUnmarshalInterface(s.get(), GUID_NULL, reinterpret_cast<void**>(&p)), S_OK);
  CLSID id;
  EXPECT_EQ(p->GetClassID(&id), S_OK);
  p->Release();
  EXPECT_EQ(o.refs.load(), 1u);
}

TEST(Marshal, DisconnectReleasesEverything) {
  mta_scope mta;
  test_object o;
  auto a = new_stream();
  auto b = new_stream();
  ASSERT_EQ(CoMarshalInterface(a.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr, 0), S_OK);
  ASSERT_EQ(CoMarshalInterface(b.get(), IID_IUnknown, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr,
                               MSHLFLAGS_TABLESTRONG),
            S_OK);
  EXPECT_GT(o.refs.load(), 1u);
  ASSERT_EQ(CoDisconnectObject(static_cast<IPersist*>(&o), 0), S_OK);
  EXPECT_EQ(o.refs.load(), 1u);
  rewind(a.get());
  void* p = nullptr;
  EXPECT_EQ(CoUnmarshalInterface(a.get(), IID_IPersist, &p), CO_E_OBJNOTCONNECTED);
  EXPECT_EQ(CoDisconnectObject(static_cast<IPersist*>(&o), 0), S_OK);  // again: nothing to do
  EXPECT_EQ(CoDisconnectObject(nullptr, 0), E_INVALIDARG);
}

TEST(Marshal, ExternalConnectionCountsStrongMarshals) {
  mta_scope mta;
  test_object o(true);
  auto normal = new_stream();
  auto strong = new_stream();
  auto weak = new_stream();
  ASSERT_EQ(CoMarshalInterface(normal.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr, 0),
            S_OK);
  EXPECT_EQ(o.connections.load(), 1);
  ASSERT_EQ(CoMarshalInterface(strong.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr,
                               MSHLFLAGS_TABLESTRONG),
            S_OK);
  ASSERT_EQ(CoMarshalInterface(weak.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr,
                               MSHLFLAGS_TABLEWEAK),
            S_OK);
  EXPECT_EQ(o.connections.load(), 2);  // a weak marshal is no connection
  rewind(normal.get());
  comkit::com_ptr<IPersist> p;
  ASSERT_EQ(CoUnmarshalInterface(normal.get(), IID_IPersist, p.put_void()), S_OK);
  EXPECT_EQ(o.connections.load(), 1);
  for (auto* s : {strong.get(), weak.get()}) {
    rewind(s);
    ASSERT_EQ(CoReleaseMarshalData(s), S_OK);
  }
  EXPECT_EQ(o.connections.load(), 0);
  // CoLockObjectExternal is a strong connection too.
  ASSERT_EQ(CoLockObjectExternal(static_cast<IPersist*>(&o), TRUE, TRUE), S_OK);
  EXPECT_EQ(o.connections.load(), 1);
  ASSERT_EQ(CoLockObjectExternal(static_cast<IPersist*>(&o), FALSE, TRUE), S_OK);
  EXPECT_EQ(o.connections.load(), 0);
  EXPECT_EQ(CoLockObjectExternal(static_cast<IPersist*>(&o), FALSE, TRUE), S_OK);  // not locked: nothing
  EXPECT_EQ(o.connections.load(), 0);
  EXPECT_EQ(CoLockObjectExternal(nullptr, TRUE, TRUE), E_INVALIDARG);
  p = nullptr;
  EXPECT_EQ(o.refs.load(), 1u);
  EXPECT_EQ(o.add_calls.load(), o.release_calls.load());
}

TEST(Marshal, ALockDoesNotUseUpAStrongTableMarshal) {
  mta_scope mta;
  test_object o(true);
  auto s = new_stream();
  ASSERT_EQ(CoMarshalInterface(s.get(), IID_IUnknown, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr,
                               MSHLFLAGS_TABLESTRONG),
            S_OK);
  auto weak = new_stream();
  ASSERT_EQ(CoMarshalInterface(weak.get(), IID_IUnknown, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr,
                               MSHLFLAGS_TABLEWEAK),
            S_OK);
  EXPECT_EQ(o.connections.load(), 1);
  ASSERT_EQ(CoLockObjectExternal(static_cast<IPersist*>(&o), TRUE, TRUE), S_OK);
  EXPECT_EQ(o.connections.load(), 2);
  ASSERT_EQ(CoLockObjectExternal(static_cast<IPersist*>(&o), FALSE, TRUE), S_OK);
  EXPECT_EQ(o.connections.load(), 1);  // the table-strong marshal still holds it
  rewind(weak.get());
  ASSERT_EQ(CoReleaseMarshalData(weak.get()), S_OK);  // gives back the weak one, not the strong
  EXPECT_EQ(o.connections.load(), 1);
  rewind(s.get());
  comkit::com_ptr<IUnknown> u;
  EXPECT_EQ(CoUnmarshalInterface(s.get(), IID_IUnknown, u.put_void()), S_OK);
  u = nullptr;
  rewind(s.get());
  ASSERT_EQ(CoReleaseMarshalData(s.get()), S_OK);
  EXPECT_EQ(o.connections.load(), 0);
  EXPECT_EQ(o.refs.load(), 1u);
}

TEST(Marshal, BadInput) {
  mta_scope mta;
  test_object o;
  IUnknown* unk = static_cast<IPersist*>(&o);
  auto s = new_stream();
  EXPECT_EQ(CoMarshalInterface(nullptr, IID_IPersist, unk, MSHCTX_INPROC, nullptr, 0), E_INVALIDARG);
  EXPECT_EQ(CoMarshalInterface(s.get(), IID_IPersist, nullptr, MSHCTX_INPROC, nullptr, 0), E_INVALIDARG);
  EXPECT_EQ(CoMarshalInterface(s.get(), IID_IPersist, unk, MSHCTX_INPROC, nullptr, 0x40), E_INVALIDARG);
  EXPECT_EQ(CoMarshalInterface(s.get(), IID_IPersist, unk, 99, nullptr, 0), E_INVALIDARG);
  EXPECT_EQ(CoMarshalInterface(s.get(), IID_IDispatch, unk, MSHCTX_INPROC, nullptr, 0), E_NOINTERFACE);
  EXPECT_EQ(o.refs.load(), 1u);
  ULONG size = 1;
  EXPECT_EQ(CoGetMarshalSizeMax(nullptr, IID_IPersist, unk, MSHCTX_INPROC, nullptr, 0), E_INVALIDARG);
  EXPECT_EQ(CoGetMarshalSizeMax(&size, IID_IPersist, nullptr, MSHCTX_INPROC, nullptr, 0), E_INVALIDARG);
  EXPECT_EQ(size, 0u);
  void* p = unk;
  EXPECT_EQ(CoUnmarshalInterface(s.get(), IID_IPersist, nullptr), E_INVALIDARG);
  EXPECT_EQ(CoUnmarshalInterface(nullptr, IID_IPersist, &p), E_INVALIDARG);
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(CoReleaseMarshalData(nullptr), E_INVALIDARG);
  // An empty stream, a short one, and bytes that are not an OBJREF.
  EXPECT_EQ(CoUnmarshalInterface(s.get(), IID_IPersist, &p), STG_E_READFAULT);
  ASSERT_EQ(s->Write("MEOW", 4, nullptr), S_OK);
  rewind(s.get());
  EXPECT_EQ(CoUnmarshalInterface(s.get(), IID_IPersist, &p), STG_E_READFAULT);
  auto junk = new_stream();
  const unsigned char bytes[64] = {'W', 'O', 'O', 'F'};
  ASSERT_EQ(junk->Write(bytes, sizeof bytes, nullptr), S_OK);
  rewind(junk.get());
  EXPECT_EQ(CoUnmarshalInterface(junk.get(), IID_IPersist, &p), RPC_E_INVALID_OBJREF);
  rewind(junk.get());
  EXPECT_EQ(CoReleaseMarshalData(junk.get()), RPC_E_INVALID_OBJREF);
  // Valid header, unknown form.
  auto odd = new_stream();
  unsigned char header[64] = {0x4D, 0x45, 0x4F, 0x57, 0x10};
  ASSERT_EQ(odd->Write(header, sizeof header, nullptr), S_OK);
  rewind(odd.get());
  EXPECT_EQ(CoUnmarshalInterface(odd.get(), IID_IPersist, &p), RPC_E_INVALID_OBJREF);
  // A string array claiming more entries than the limit.
  auto big = new_stream();
  ASSERT_EQ(CoMarshalInterface(big.get(), IID_IPersist, unk, MSHCTX_INPROC, nullptr, MSHLFLAGS_TABLEWEAK), S_OK);
  auto b = bytes_of(big.get());
  auto forged = new_stream();
  b[64] = 0xFF;
  b[65] = 0xFF;
  ASSERT_EQ(forged->Write(b.data(), static_cast<ULONG>(b.size()), nullptr), S_OK);
  rewind(forged.get());
  EXPECT_EQ(CoUnmarshalInterface(forged.get(), IID_IPersist, &p), RPC_E_INVALID_OBJREF);
  rewind(big.get());
  EXPECT_EQ(CoReleaseMarshalData(big.get()), S_OK);
  EXPECT_EQ(o.refs.load(), 1u);
}

TEST(Marshal, NeedsAnApartment) {
  on_thread([] {
    test_object o;
    auto s = new_stream();
    EXPECT_EQ(CoMarshalInterface(s.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr, 0),
              CO_E_NOTINITIALIZED);
    void* p = nullptr;
    EXPECT_EQ(CoUnmarshalInterface(s.get(), IID_IPersist, &p), CO_E_NOTINITIALIZED);
  });
}

TEST(Marshal, AnInterfaceWithoutAProxyIsNotAvailableInAnotherApartment) {
  test_object o;
  comkit::com_ptr<IStream> s;
  on_thread([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    // As on Windows, the stub is made when the interface is marshalled:
    // with no proxy/stub class for it, the marshal fails and keeps nothing.
    EXPECT_EQ(CoMarshalInterThreadInterfaceInStream(IID_INoProxyTest, static_cast<IPersist*>(&o), s.put()),
              REGDB_E_IIDNOTREG);
    EXPECT_EQ(o.refs.load(), 1u);
    // Marshalled as IUnknown, it cannot be asked for that interface elsewhere.
    ASSERT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IUnknown, static_cast<IPersist*>(&o), s.put()), S_OK);
    on_thread([&] {
      ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
      void* p = &o;
      EXPECT_EQ(CoGetInterfaceAndReleaseStream(s.detach(), IID_INoProxyTest, &p), E_NOINTERFACE);
      EXPECT_EQ(p, nullptr);
      CoUninitialize();
    });
    // The failed proxy's hold is given back in the object's own apartment:
    // once it serves its queue.
    MSG m;
    PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE);
    EXPECT_EQ(o.refs.load(), 1u);
    CoUninitialize();
  });
}

TEST(Marshal, TheApartmentsEndReleasesItsExports) {
  test_object o;
  on_thread([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    auto s = new_stream();
    ASSERT_EQ(CoMarshalInterface(s.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr,
                                 MSHLFLAGS_TABLESTRONG),
              S_OK);
    EXPECT_GT(o.refs.load(), 1u);
    CoUninitialize();
    EXPECT_EQ(o.refs.load(), 1u);
  });
}

TEST(FreeThreadedMarshaler, CustomObjrefAndAgility) {
  test_object o(false, true);
  comkit::com_ptr<IStream> s;
  on_thread([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    ASSERT_EQ(CoMarshalInterThreadInterfaceInStream(IID_IPersist, static_cast<IPersist*>(&o), s.put()), S_OK);
    const auto b = bytes_of(s.get());
    EXPECT_EQ(dword_at(b, 0), 0x574F454Du);
    EXPECT_EQ(dword_at(b, 4), 4u);  // OBJREF_CUSTOM
    EXPECT_EQ(std::memcmp(b.data() + 24, &CLSID_InProcFreeMarshaler, 16), 0);
    EXPECT_EQ(dword_at(b, 40), 0u);  // no extension
    ULONG size = 0;
    ASSERT_EQ(CoGetMarshalSizeMax(&size, IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr, 0), S_OK);
    EXPECT_EQ(size, b.size());
    CoUninitialize();
  });
  on_thread([&] {  // another apartment gets the object itself
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
    IPersist* p = nullptr;
    ASSERT_EQ(CoGetInterfaceAndReleaseStream(s.detach(), IID_IPersist, reinterpret_cast<void**>(&p)), S_OK);
    EXPECT_EQ(p, static_cast<IPersist*>(&o));
    p->Release();
    CoUninitialize();
  });
  EXPECT_EQ(o.refs.load(), 1u);
  // Another machine gets the standard form.
  mta_scope mta;
  auto far = new_stream();
  ASSERT_EQ(CoMarshalInterface(far.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_DIFFERENTMACHINE, nullptr,
                               MSHLFLAGS_TABLEWEAK),
            S_OK);
  EXPECT_EQ(dword_at(bytes_of(far.get()), 4), 1u);
  rewind(far.get());
  EXPECT_EQ(CoReleaseMarshalData(far.get()), S_OK);
  EXPECT_EQ(o.refs.load(), 1u);
  // Its IUnknown is the outer object's.
  comkit::com_ptr<IMarshal> m;
  ASSERT_EQ(o.QueryInterface(IID_IMarshal, m.put_void()), S_OK);
  comkit::com_ptr<IUnknown> outer;
  ASSERT_EQ(m->QueryInterface(IID_IUnknown, outer.put_void()), S_OK);
  EXPECT_EQ(outer.get(), static_cast<IUnknown*>(static_cast<IPersist*>(&o)));
  CLSID cls;
  EXPECT_EQ(m->GetUnmarshalClass(IID_IPersist, &o, MSHCTX_INPROC, nullptr, 0, &cls), S_OK);
  EXPECT_TRUE(IsEqualGUID(cls, CLSID_InProcFreeMarshaler));
  EXPECT_EQ(m->GetUnmarshalClass(IID_IPersist, &o, MSHCTX_LOCAL, nullptr, 0, &cls), S_OK);
  EXPECT_TRUE(IsEqualGUID(cls, CLSID_StdMarshal));
  EXPECT_EQ(CoCreateFreeThreadedMarshaler(nullptr, nullptr), E_INVALIDARG);
}

TEST(FreeThreadedMarshaler, TableStrongHoldsAReference) {
  mta_scope mta;
  test_object o(false, true);
  auto s = new_stream();
  ASSERT_EQ(CoMarshalInterface(s.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr,
                               MSHLFLAGS_TABLESTRONG),
            S_OK);
  EXPECT_EQ(o.refs.load(), 2u);
  for (int i = 0; i < 2; ++i) {
    rewind(s.get());
    comkit::com_ptr<IPersist> p;
    ASSERT_EQ(CoUnmarshalInterface(s.get(), IID_IPersist, p.put_void()), S_OK);
  }
  rewind(s.get());
  ASSERT_EQ(CoReleaseMarshalData(s.get()), S_OK);
  EXPECT_EQ(o.refs.load(), 1u);
}

TEST(StandardMarshal, AvailableWithoutRegistration) {
  mta_scope mta;
  comkit::com_ptr<IMarshal> m;
  test_object o;
  ASSERT_EQ(CoGetStandardMarshal(IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr, 0, m.put()), S_OK);
  CLSID cls;
  ASSERT_EQ(m->GetUnmarshalClass(IID_IPersist, &o, MSHCTX_INPROC, nullptr, 0, &cls), S_OK);
  EXPECT_TRUE(IsEqualGUID(cls, CLSID_StdMarshal));
  auto s = new_stream();
  ASSERT_EQ(m->MarshalInterface(s.get(), IID_IPersist, static_cast<IPersist*>(&o), MSHCTX_INPROC, nullptr, 0), S_OK);
  rewind(s.get());
  comkit::com_ptr<IMarshal> m2;
  ASSERT_EQ(CoCreateInstance(CLSID_StdMarshal, nullptr, CLSCTX_INPROC_SERVER, IID_IMarshal, m2.put_void()), S_OK);
  comkit::com_ptr<IPersist> p;
  ASSERT_EQ(m2->UnmarshalInterface(s.get(), IID_IPersist, p.put_void()), S_OK);
  EXPECT_EQ(p.get(), static_cast<IPersist*>(&o));
  p = nullptr;
  EXPECT_EQ(o.refs.load(), 1u);
  comkit::com_ptr<IUnknown> ftm;
  EXPECT_EQ(CoCreateInstance(CLSID_InProcFreeMarshaler, nullptr, CLSCTX_INPROC_SERVER, IID_IMarshal, ftm.put_void()),
            S_OK);
}

comkit::com_ptr<IGlobalInterfaceTable> git() {
  comkit::com_ptr<IGlobalInterfaceTable> g;
  EXPECT_EQ(CoCreateInstance(CLSID_StdGlobalInterfaceTable, nullptr, CLSCTX_INPROC_SERVER, IID_IGlobalInterfaceTable,
                             g.put_void()),
            S_OK);
  return g;
}

TEST(GlobalInterfaceTable, RegisterGetRevoke) {
  mta_scope mta;
  auto g = git();
  ASSERT_TRUE(g);
  test_object o;
  DWORD cookie = 0;
  ASSERT_EQ(g->RegisterInterfaceInGlobal(static_cast<IPersist*>(&o), IID_IPersist, &cookie), S_OK);
  EXPECT_NE(cookie, 0u);
  for (int i = 0; i < 3; ++i) {
    comkit::com_ptr<IPersist> p;
    ASSERT_EQ(g->GetInterfaceFromGlobal(cookie, IID_IPersist, p.put_void()), S_OK);
    EXPECT_EQ(p.get(), static_cast<IPersist*>(&o));
  }
  ASSERT_EQ(g->RevokeInterfaceFromGlobal(cookie), S_OK);
  EXPECT_EQ(o.refs.load(), 1u);
  void* p = &o;
  EXPECT_EQ(g->GetInterfaceFromGlobal(cookie, IID_IPersist, &p), E_INVALIDARG);
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(g->RevokeInterfaceFromGlobal(cookie), E_INVALIDARG);
  EXPECT_EQ(g->RevokeInterfaceFromGlobal(0), E_INVALIDARG);
  EXPECT_EQ(g->GetInterfaceFromGlobal(0x7FFFFF, IID_IPersist, &p), E_INVALIDARG);
  EXPECT_EQ(g->RegisterInterfaceInGlobal(nullptr, IID_IPersist, &cookie), E_INVALIDARG);
  EXPECT_EQ(g->RegisterInterfaceInGlobal(static_cast<IPersist*>(&o), IID_IPersist, nullptr), E_INVALIDARG);
  EXPECT_EQ(g->RegisterInterfaceInGlobal(static_cast<IPersist*>(&o), IID_IDispatch, &cookie), E_NOINTERFACE);
  EXPECT_EQ(o.refs.load(), 1u);
  // A new registration never reuses the revoked cookie.
  DWORD next = 0;
  ASSERT_EQ(g->RegisterInterfaceInGlobal(static_cast<IPersist*>(&o), IID_IPersist, &next), S_OK);
  EXPECT_NE(next, cookie);
  ASSERT_EQ(g->RevokeInterfaceFromGlobal(next), S_OK);
  EXPECT_EQ(o.refs.load(), 1u);
}

TEST(GlobalInterfaceTable, AgileObjectsCrossApartmentsAndAnyApartmentRevokes) {
  test_object agile(false, false, true);
  test_object ftm(false, true);
  DWORD c1 = 0, c2 = 0;
  on_thread([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    ASSERT_EQ(git()->RegisterInterfaceInGlobal(static_cast<IPersist*>(&agile), IID_IPersist, &c1), S_OK);
    ASSERT_EQ(git()->RegisterInterfaceInGlobal(static_cast<IPersist*>(&ftm), IID_IPersist, &c2), S_OK);
    CoUninitialize();
  });
  on_thread([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    for (DWORD c : {c1, c2}) {
      comkit::com_ptr<IPersist> p;
      ASSERT_EQ(git()->GetInterfaceFromGlobal(c, IID_IPersist, p.put_void()), S_OK);
      EXPECT_TRUE(p.get() == static_cast<IPersist*>(&agile) || p.get() == static_cast<IPersist*>(&ftm));
    }
    EXPECT_EQ(git()->RevokeInterfaceFromGlobal(c1), S_OK);
    EXPECT_EQ(git()->RevokeInterfaceFromGlobal(c2), S_OK);
    CoUninitialize();
  });
  EXPECT_EQ(agile.refs.load(), 1u);
  EXPECT_EQ(ftm.refs.load(), 1u);
}

// Many MTA threads marshalling, unmarshalling, releasing and using the GIT
// on shared objects at once; every count must come back exactly.
TEST(MarshalThreads, ConcurrentMarshalUnmarshalAndGit) {
  test_object shared[4];
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      CoInitializeEx(nullptr, COINIT_MULTITHREADED);
      auto g = git();
      for (int i = 0; i < 300; ++i) {
        test_object& o = shared[(t + i) % 4];
        IStream* s = nullptr;
        if (FAILED(CoMarshalInterThreadInterfaceInStream(IID_IPersist, static_cast<IPersist*>(&o), &s))) ++failures;
        // Another thread's CoDisconnectObject may come first: then (and
        // only then) the marshal names an object no longer connected.
        IPersist* p = nullptr;
        HRESULT hr = CoGetInterfaceAndReleaseStream(s, IID_IPersist, reinterpret_cast<void**>(&p));
        if (hr != CO_E_OBJNOTCONNECTED && (FAILED(hr) || p != static_cast<IPersist*>(&o))) ++failures;
        if (p) p->Release();
        DWORD cookie = 0;
        if (FAILED(g->RegisterInterfaceInGlobal(static_cast<IPersist*>(&o), IID_IPersist, &cookie))) ++failures;
        comkit::com_ptr<IPersist> q;
        hr = g->GetInterfaceFromGlobal(cookie, IID_IPersist, q.put_void());
        if (hr != CO_E_OBJNOTCONNECTED && FAILED(hr)) ++failures;
        q = nullptr;
        if (FAILED(g->RevokeInterfaceFromGlobal(cookie))) ++failures;
        if (i % 50 == 0) CoDisconnectObject(static_cast<IPersist*>(&o), 0);
      }
      CoUninitialize();
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (auto& o : shared) EXPECT_EQ(o.refs.load(), 1u);
}

}  // namespace
