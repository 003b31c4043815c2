// tests/activation/activation_test.cpp - CoInitializeEx, class objects,
// CoCreateInstance(Ex), ProgIDs, the file registry and in-process servers.
#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <shared_mutex>
#include <fstream>
#include <string>
#include <chrono>
#include <thread>
#include <vector>

#include <comkit/comkit.h>

#include "test_server_interfaces.h"

namespace {

namespace fs = std::filesystem;
using comkit::com_ptr;

const CLSID cpp_object = comkit::make_guid(TEST_CLSID_CPP_OBJECT);
const CLSID cpp_plain = comkit::make_guid(TEST_CLSID_CPP_PLAIN);
const CLSID c_object = comkit::make_guid(TEST_CLSID_C_OBJECT);
const CLSID unknown_clsid = comkit::make_guid("5E7C0AFF-2B3D-4E5F-8A9B-0C1D2E3F4A5B");

int value_of(IUnknown* p) {
  com_ptr<ITestValue> v;
  if (p->QueryInterface(comkit::guid_of<ITestValue>(), v.put_void()) != S_OK) return -1;
  int out = -1;
  v->Value(&out);
  return out;
}

bool is_loaded(const char* path) {
  void* h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (h) dlclose(h);
  return h != nullptr;
}

/// Calls a server's own DllRegisterServer / DllUnregisterServer.
HRESULT call_export(const char* path, const char* name) {
  void* h = dlopen(path, RTLD_NOW);
  if (!h) return E_FAIL;
  auto fn = reinterpret_cast<HRESULT (*)()>(dlsym(h, name));
  const HRESULT hr = fn ? fn() : E_FAIL;
  dlclose(h);
  return hr;
}

/// A fresh registry directory, COM initialised in the MTA.
class Activation : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/comkit-registry-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    m_dir = tmpl;
    setenv("COMKIT_REGISTRY_PATH", m_dir.c_str(), 1);
    ComkitRegistryRefresh();
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
  }
  void TearDown() override {
    CoFreeUnusedLibrariesEx(0, 0);
    CoUninitialize();
    unsetenv("COMKIT_REGISTRY_PATH");
    ComkitRegistryRefresh();
    fs::remove_all(m_dir);
  }
  void write_file(const std::string& name, const std::string& text) {
    std::ofstream(m_dir + "/" + name) << text;
    ComkitRegistryRefresh();
  }
  void register_cpp_server() { ASSERT_EQ(call_export(COMKIT_TEST_CPP_SERVER, "DllRegisterServer"), S_OK); }

  std::string m_dir;
};

// A class object implemented in the test program itself.
struct local_object : comkit::implements<local_object, ITestValue> {
  int value;
  explicit local_object(int v = 1) : value(v) {}
  HRESULT STDMETHODCALLTYPE Value(int* out) noexcept override { return *out = value, S_OK; }
};

struct local_factory : comkit::implements<local_factory, IClassFactory> {
  int value = 1;
  std::atomic<int> created{0};
  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown* outer, REFIID riid, void** ppv) noexcept override {
    ++created;
    if (outer) return *ppv = nullptr, CLASS_E_NOAGGREGATION;
    return comkit::make<local_object>(value)->QueryInterface(riid, ppv);
  }
  HRESULT STDMETHODCALLTYPE LockServer(BOOL) noexcept override { return S_OK; }
};

// ---- Initialisation ----------------------------------------------------------------

TEST(CoInitialize, CountsAndModels) {
  std::thread([] {
    EXPECT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    EXPECT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE), S_FALSE);
    EXPECT_EQ(CoInitialize(nullptr), S_FALSE);
    EXPECT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), RPC_E_CHANGED_MODE);  // not counted
    CoUninitialize();
    CoUninitialize();
    CoUninitialize();  // balanced now
    EXPECT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);  // a fresh start, other model
    CoUninitialize();
    CoUninitialize();  // unbalanced: ignored
  }).join();
}

TEST(CoInitialize, BadArguments) {
  std::thread([] {
    int reserved = 0;
    EXPECT_EQ(CoInitializeEx(&reserved, COINIT_MULTITHREADED), E_INVALIDARG);
    EXPECT_EQ(CoInitializeEx(nullptr, 0x100), E_INVALIDARG);
    EXPECT_EQ(CoInitialize(&reserved), E_INVALIDARG);
  }).join();
}

TEST(CoInitialize, ActivationNeedsAnApartment) {
  std::thread([] {
    void* out = reinterpret_cast<void*>(1);
    EXPECT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_ALL, IID_IUnknown, &out), CO_E_NOTINITIALIZED);
    EXPECT_EQ(out, nullptr);
    out = reinterpret_cast<void*>(1);
    EXPECT_EQ(CoGetClassObject(unknown_clsid, CLSCTX_ALL, nullptr, IID_IUnknown, &out), CO_E_NOTINITIALIZED);
    EXPECT_EQ(out, nullptr);
    DWORD cookie = 5;
    com_ptr<local_factory> f = comkit::make_self<local_factory>();
    EXPECT_EQ(CoRegisterClassObject(unknown_clsid, static_cast<IClassFactory*>(f.get()), CLSCTX_INPROC_SERVER,
                                    REGCLS_MULTIPLEUSE, &cookie),
              CO_E_NOTINITIALIZED);
    EXPECT_EQ(cookie, 0u);
    // These need no apartment.
    CLSID clsid;
    EXPECT_EQ(CLSIDFromProgID(u"No.Such.ProgID", &clsid), CO_E_CLASSSTRING);
    EXPECT_NE(CoGetCurrentProcess(), 0u);
  }).join();
}

TEST(CoInitialize, ImplicitMultithreadedApartment) {
  ASSERT_EQ(CoInitializeEx(nullptr, COINIT_MULTITHREADED), S_OK);
  std::thread([] {
    void* out = nullptr;
    EXPECT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_ALL, IID_IUnknown, &out), REGDB_E_CLASSNOTREG);
  }).join();
  CoUninitialize();
}

TEST(CoGetCurrentProcess, UniquePerThread) {
  const DWORD mine = CoGetCurrentProcess();
  EXPECT_EQ(CoGetCurrentProcess(), mine);
  DWORD other = 0;
  std::thread([&] { other = CoGetCurrentProcess(); }).join();
  EXPECT_NE(other, 0u);
  EXPECT_NE(other, mine);
}

// ---- Class objects registered by the program ------------------------------------

TEST_F(Activation, RegisteredClassObjectIsUsedAndRevoked) {
  com_ptr<local_factory> f = comkit::make_self<local_factory>();
  DWORD cookie = 0;
  ASSERT_EQ(CoRegisterClassObject(unknown_clsid, static_cast<IClassFactory*>(f.get()), CLSCTX_INPROC_SERVER,
                                  REGCLS_MULTIPLEUSE, &cookie),
            S_OK);
  EXPECT_NE(cookie, 0u);
  com_ptr<ITestValue> v = comkit::create_instance<ITestValue>(unknown_clsid);
  int out = 0;
  v->Value(&out);
  EXPECT_EQ(out, 1);
  EXPECT_EQ(f->created, 1);
  com_ptr<IClassFactory> got;
  ASSERT_EQ(CoGetClassObject(unknown_clsid, CLSCTX_INPROC_SERVER, nullptr, IID_IClassFactory, got.put_void()), S_OK);
  EXPECT_EQ(static_cast<void*>(got.get()), static_cast<void*>(static_cast<IClassFactory*>(f.get())));
  got = nullptr;
  EXPECT_EQ(CoRevokeClassObject(cookie), S_OK);
  EXPECT_EQ(CoRevokeClassObject(cookie), E_INVALIDARG);
  void* none = nullptr;
  EXPECT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_ALL, IID_IUnknown, &none), REGDB_E_CLASSNOTREG);
}

TEST_F(Activation, RegistrationHoldsAReference) {
  com_ptr<local_factory> f = comkit::make_self<local_factory>();
  IClassFactory* raw = f.get();
  auto count = [&] {
    raw->AddRef();
    return raw->Release();
  };
  DWORD cookie = 0;
  ASSERT_EQ(CoRegisterClassObject(unknown_clsid, raw, CLSCTX_INPROC_SERVER, REGCLS_MULTIPLEUSE, &cookie), S_OK);
  EXPECT_EQ(count(), 2u);
  EXPECT_EQ(CoRevokeClassObject(cookie), S_OK);
  EXPECT_EQ(count(), 1u);
  // CoUninitialize of the apartment revokes what it registered.
  std::thread([&] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    DWORD c = 0;
    ASSERT_EQ(CoRegisterClassObject(unknown_clsid, raw, CLSCTX_INPROC_SERVER, REGCLS_MULTIPLEUSE, &c), S_OK);
    EXPECT_EQ(count(), 2u);
    CoUninitialize();
    EXPECT_EQ(count(), 1u);
  }).join();
}

TEST_F(Activation, RegistrationArguments) {
  com_ptr<local_factory> f = comkit::make_self<local_factory>();
  IUnknown* unk = static_cast<IClassFactory*>(f.get());
  DWORD cookie = 0;
  EXPECT_EQ(CoRegisterClassObject(unknown_clsid, nullptr, CLSCTX_INPROC_SERVER, 1, &cookie), E_INVALIDARG);
  EXPECT_EQ(CoRegisterClassObject(unknown_clsid, unk, CLSCTX_INPROC_SERVER, 1, nullptr), E_INVALIDARG);
  EXPECT_EQ(CoRegisterClassObject(unknown_clsid, unk, 0, 1, &cookie), E_INVALIDARG);
  EXPECT_EQ(CoRegisterClassObject(unknown_clsid, unk, CLSCTX_INPROC_SERVER, 0x400, &cookie), E_INVALIDARG);
  DWORD first = 0, second = 0;
  ASSERT_EQ(CoRegisterClassObject(unknown_clsid, unk, CLSCTX_INPROC_SERVER, 1, &first), S_OK);
  EXPECT_EQ(CoRegisterClassObject(unknown_clsid, unk, CLSCTX_INPROC_SERVER, 1, &second), CO_E_OBJISREG);
  ASSERT_EQ(CoRegisterClassObject(cpp_plain, unk, CLSCTX_INPROC_SERVER, 1, &second), S_OK);
  EXPECT_NE(first, second);
  EXPECT_EQ(CoRevokeClassObject(first), S_OK);
  EXPECT_EQ(CoRevokeClassObject(second), S_OK);
  EXPECT_EQ(CoRevokeClassObject(0), E_INVALIDARG);
}

TEST_F(Activation, SingleUseSuspendedAndContexts) {
  com_ptr<local_factory> f = comkit::make_self<local_factory>();
  IUnknown* unk = static_cast<IClassFactory*>(f.get());
  void* out = nullptr;
  {
    comkit::class_object_registration once(unknown_clsid, unk, CLSCTX_INPROC_SERVER, REGCLS_SINGLEUSE);
    ASSERT_EQ(once.code(), S_OK);
    ASSERT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_ALL, IID_IUnknown, &out), S_OK);
    static_cast<IUnknown*>(out)->Release();
    EXPECT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_ALL, IID_IUnknown, &out), REGDB_E_CLASSNOTREG);
  }
  {
    comkit::class_object_registration later(unknown_clsid, unk, CLSCTX_INPROC_SERVER,
                                            REGCLS_MULTIPLEUSE | REGCLS_SUSPENDED);
    ASSERT_EQ(later.code(), S_OK);
    EXPECT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_ALL, IID_IUnknown, &out), REGDB_E_CLASSNOTREG);
    EXPECT_EQ(CoResumeClassObjects(), S_OK);
    ASSERT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_ALL, IID_IUnknown, &out), S_OK);
    static_cast<IUnknown*>(out)->Release();
  }
  {
    // MULTIPLEUSE for a local server also serves in-process requests...
    comkit::class_object_registration local(unknown_clsid, unk, CLSCTX_LOCAL_SERVER, REGCLS_MULTIPLEUSE);
    ASSERT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_INPROC_SERVER, IID_IUnknown, &out), S_OK);
    static_cast<IUnknown*>(out)->Release();
  }
  {
    // ... MULTI_SEPARATE keeps the contexts apart.
    comkit::class_object_registration separate(unknown_clsid, unk, CLSCTX_LOCAL_SERVER, REGCLS_MULTI_SEPARATE);
    EXPECT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_INPROC_SERVER, IID_IUnknown, &out), REGDB_E_CLASSNOTREG);
    ASSERT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_LOCAL_SERVER, IID_IUnknown, &out), S_OK);
    static_cast<IUnknown*>(out)->Release();
  }
}

TEST_F(Activation, InProcessRegistrationsBelongToTheirApartment) {
  com_ptr<local_factory> f = comkit::make_self<local_factory>();
  comkit::class_object_registration mta(unknown_clsid, static_cast<IClassFactory*>(f.get()));
  ASSERT_EQ(mta.code(), S_OK);
  std::thread([] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    void* out = nullptr;
    EXPECT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_INPROC_SERVER, IID_IUnknown, &out), REGDB_E_CLASSNOTREG);
    CoUninitialize();
  }).join();
}

// ---- The registry and in-process servers ------------------------------------------

TEST_F(Activation, ServerRegistersItselfAndIsActivatedByClsidAndProgId) {
  register_cpp_server();
  com_ptr<ITestValue> v = comkit::create_instance<ITestValue>(cpp_object);
  int out = 0;
  ASSERT_EQ(v->Value(&out), S_OK);
  EXPECT_EQ(out, 42);
  CLSID clsid;
  ASSERT_EQ(CLSIDFromProgID(u"ComkitTest.Object.1", &clsid), S_OK);
  EXPECT_EQ(clsid, cpp_object);
  ASSERT_EQ(CLSIDFromProgID(u"comkittest.object", &clsid), S_OK);  // version-independent, any case
  EXPECT_EQ(clsid, cpp_object);
  ASSERT_EQ(CLSIDFromString(u"ComkitTest.Object", &clsid), S_OK);  // CLSIDFromString takes ProgIDs too
  EXPECT_EQ(clsid, cpp_object);
  ASSERT_EQ(CLSIDFromProgIDEx(u"ComkitTest.Object.1", &clsid), S_OK);
  LPOLESTR progid = nullptr;
  ASSERT_EQ(ProgIDFromCLSID(cpp_object, &progid), S_OK);
  EXPECT_EQ(std::u16string(progid), u"ComkitTest.Object.1");
  CoTaskMemFree(progid);
  EXPECT_EQ(ProgIDFromCLSID(cpp_plain, &progid), REGDB_E_CLASSNOTREG);  // registered, but without a ProgID
  EXPECT_EQ(progid, nullptr);
  com_ptr<ITestValue> by_name = comkit::create_instance<ITestValue>(u"ComkitTest.Object");
  EXPECT_EQ(value_of(by_name.get()), 42);
}

TEST_F(Activation, ProgIdErrors) {
  CLSID clsid = cpp_object;
  EXPECT_EQ(CLSIDFromProgID(u"No.Such.Thing", &clsid), CO_E_CLASSSTRING);
  EXPECT_EQ(clsid, CLSID_NULL);
  EXPECT_EQ(CLSIDFromProgID(nullptr, &clsid), E_INVALIDARG);
  EXPECT_EQ(CLSIDFromProgID(u"x", nullptr), E_INVALIDARG);
  EXPECT_EQ(ProgIDFromCLSID(unknown_clsid, nullptr), E_INVALIDARG);
  LPOLESTR progid = reinterpret_cast<LPOLESTR>(1);
  EXPECT_EQ(ProgIDFromCLSID(unknown_clsid, &progid), REGDB_E_CLASSNOTREG);
  EXPECT_EQ(progid, nullptr);
}

TEST_F(Activation, ProgramClassObjectsTakePrecedence) {
  register_cpp_server();
  com_ptr<local_factory> f = comkit::make_self<local_factory>();
  f->value = 5;
  {
    comkit::class_object_registration reg(cpp_object, static_cast<IClassFactory*>(f.get()));
    EXPECT_EQ(value_of(comkit::create_instance<IUnknown>(cpp_object).get()), 5);
  }
  EXPECT_EQ(value_of(comkit::create_instance<IUnknown>(cpp_object).get()), 42);
}

TEST_F(Activation, CreateInstanceErrors) {
  register_cpp_server();
  void* out = reinterpret_cast<void*>(1);
  EXPECT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_ALL, IID_IUnknown, &out), REGDB_E_CLASSNOTREG);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(CoCreateInstance(cpp_object, nullptr, CLSCTX_ALL, IID_IClassFactory, &out), E_NOINTERFACE);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(CoCreateInstance(cpp_object, nullptr, CLSCTX_ALL, IID_IUnknown, nullptr), E_POINTER);
  EXPECT_EQ(CoCreateInstance(cpp_object, nullptr, 0, IID_IUnknown, &out), E_INVALIDARG);
  EXPECT_EQ(CoCreateInstance(cpp_object, nullptr, CLSCTX_LOCAL_SERVER, IID_IUnknown, &out), REGDB_E_CLASSNOTREG);
  EXPECT_EQ(CoGetClassObject(cpp_object, CLSCTX_ALL, nullptr, IID_IUnknown, nullptr), E_INVALIDARG);
  ASSERT_EQ(CoGetClassObject(cpp_object, CLSCTX_ALL, nullptr, IID_IClassFactory, &out), S_OK);
  static_cast<IUnknown*>(out)->Release();
  EXPECT_EQ(CoGetClassObject(cpp_object, CLSCTX_ALL, nullptr, comkit::guid_of<ITestValue>(), &out), E_NOINTERFACE);
}

TEST_F(Activation, AggregationThroughTheRegistry) {
  register_cpp_server();
  com_ptr<local_object> outer = comkit::make_self<local_object>();
  IUnknown* outer_unknown = static_cast<ITestValue*>(outer.get());
  void* out = reinterpret_cast<void*>(1);
  EXPECT_EQ(CoCreateInstance(cpp_plain, outer_unknown, CLSCTX_ALL, IID_IUnknown, &out), CLASS_E_NOAGGREGATION);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(CoCreateInstance(cpp_object, outer_unknown, CLSCTX_ALL, comkit::guid_of<ITestValue>(), &out),
            CLASS_E_NOAGGREGATION);
  ASSERT_EQ(CoCreateInstance(cpp_object, outer_unknown, CLSCTX_ALL, IID_IUnknown, &out), S_OK);
  static_cast<IUnknown*>(out)->Release();
}

TEST_F(Activation, ErrorInfoCrossesTheServerBoundary) {
  register_cpp_server();
  com_ptr<ITestValue> v = comkit::create_instance<ITestValue>(cpp_plain);
  try {
    comkit::check_hresult(v->Value(nullptr));
    ADD_FAILURE();
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), E_POINTER);
    EXPECT_EQ(e.message(), "Value needs somewhere to write");
  }
}

TEST_F(Activation, CreateInstanceEx) {
  register_cpp_server();
  MULTI_QI qi[3] = {{&comkit::guid_of<ITestValue>(), nullptr, 0},
                    {&IID_IUnknown, nullptr, 0},
                    {&IID_IClassFactory, nullptr, 0}};
  EXPECT_EQ(CoCreateInstanceEx(cpp_object, nullptr, CLSCTX_ALL, nullptr, 3, qi), CO_S_NOTALLINTERFACES);
  EXPECT_EQ(qi[0].hr, S_OK);
  EXPECT_EQ(qi[1].hr, S_OK);
  EXPECT_EQ(qi[2].hr, E_NOINTERFACE);
  EXPECT_EQ(qi[2].pItf, nullptr);
  EXPECT_EQ(value_of(qi[1].pItf), 42);
  qi[0].pItf->Release();
  qi[1].pItf->Release();
  MULTI_QI all[1] = {{&IID_IUnknown, nullptr, 0}};
  EXPECT_EQ(CoCreateInstanceEx(cpp_object, nullptr, CLSCTX_ALL, nullptr, 1, all), S_OK);
  all[0].pItf->Release();
  MULTI_QI none[1] = {{&IID_IClassFactory, nullptr, 0}};
  EXPECT_EQ(CoCreateInstanceEx(cpp_object, nullptr, CLSCTX_ALL, nullptr, 1, none), E_NOINTERFACE);
  EXPECT_EQ(none[0].hr, E_NOINTERFACE);
  MULTI_QI missing[1] = {{&IID_IUnknown, nullptr, 0}};
  EXPECT_EQ(CoCreateInstanceEx(unknown_clsid, nullptr, CLSCTX_ALL, nullptr, 1, missing), REGDB_E_CLASSNOTREG);
  EXPECT_EQ(missing[0].hr, REGDB_E_CLASSNOTREG);
  EXPECT_EQ(CoCreateInstanceEx(cpp_object, nullptr, CLSCTX_ALL, nullptr, 0, all), E_INVALIDARG);
  EXPECT_EQ(CoCreateInstanceEx(cpp_object, nullptr, CLSCTX_ALL, nullptr, 1, nullptr), E_INVALIDARG);
  MULTI_QI no_iid[1] = {{nullptr, nullptr, 0}};
  EXPECT_EQ(CoCreateInstanceEx(cpp_object, nullptr, CLSCTX_ALL, nullptr, 1, no_iid), E_INVALIDARG);
}

TEST_F(Activation, PlainCServer) {
  ASSERT_EQ(call_export(COMKIT_TEST_C_SERVER, "DllRegisterServer"), S_OK);
  com_ptr<ITestValue> v = comkit::create_instance<ITestValue>(u"ComkitTest.CObject");
  EXPECT_EQ(value_of(v.get()), 99);
  v = nullptr;
  CoFreeUnusedLibraries();  // a free-threaded server, called from the MTA: only after ten minutes
  EXPECT_TRUE(is_loaded(COMKIT_TEST_C_SERVER));
  CoFreeUnusedLibrariesEx(0, 0);
  EXPECT_FALSE(is_loaded(COMKIT_TEST_C_SERVER));
  ASSERT_EQ(call_export(COMKIT_TEST_C_SERVER, "DllUnregisterServer"), S_OK);
  ComkitRegistryRefresh();
  void* out = nullptr;
  EXPECT_EQ(CoCreateInstance(c_object, nullptr, CLSCTX_ALL, IID_IUnknown, &out), REGDB_E_CLASSNOTREG);
}

TEST_F(Activation, ServerStaysLoadedWhileObjectsOrLocksLive) {
  register_cpp_server();
  com_ptr<ITestValue> v = comkit::create_instance<ITestValue>(cpp_object);
  CoFreeUnusedLibrariesEx(0, 0);
  EXPECT_TRUE(is_loaded(COMKIT_TEST_CPP_SERVER));
  EXPECT_EQ(value_of(v.get()), 42);  // still callable
  com_ptr<IClassFactory> factory;
  ASSERT_EQ(CoGetClassObject(cpp_object, CLSCTX_INPROC_SERVER, nullptr, IID_IClassFactory, factory.put_void()), S_OK);
  ASSERT_EQ(factory->LockServer(TRUE), S_OK);
  v = nullptr;
  CoFreeUnusedLibrariesEx(0, 0);
  EXPECT_TRUE(is_loaded(COMKIT_TEST_CPP_SERVER));  // locked
  ASSERT_EQ(factory->LockServer(FALSE), S_OK);
  factory = nullptr;
  CoFreeUnusedLibrariesEx(60000, 0);  // with a delay it only becomes a candidate
  EXPECT_TRUE(is_loaded(COMKIT_TEST_CPP_SERVER));
  CoFreeUnusedLibrariesEx(0, 0);
  EXPECT_FALSE(is_loaded(COMKIT_TEST_CPP_SERVER));
  EXPECT_EQ(value_of(comkit::create_instance<IUnknown>(cpp_object).get()), 42);  // loads again
}

TEST_F(Activation, BrokenServersGiveClearErrors) {
  const std::string missing = m_dir + "/missing.so";
  COMKIT_CLASS_REGISTRATION cls{unknown_clsid, nullptr, nullptr, nullptr, nullptr};
  // A manifest whose server file is gone.
  write_file("gone.manifest", "[server]\npath = " + missing + "\n[class " + comkit::to_string(unknown_clsid) + "]\n");
  void* out = nullptr;
  testing::internal::CaptureStderr();
  EXPECT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_ALL, IID_IUnknown, &out),
            HRESULT_FROM_WIN32(ERROR_MOD_NOT_FOUND));
  EXPECT_NE(testing::internal::GetCapturedStderr().find(missing), std::string::npos);  // the trace names the file
  // A library that is not a COM server.
  ASSERT_EQ(ComkitRegisterServer(COMKIT_TEST_NO_EXPORTS, &cls, 1, COMKIT_REGISTER_USER), S_OK);
  fs::remove(m_dir + "/gone.manifest");
  ComkitRegistryRefresh();
  testing::internal::CaptureStderr();
  EXPECT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_ALL, IID_IUnknown, &out), CO_E_ERRORINDLL);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("DllGetClassObject"), std::string::npos);
  // A server that does not have the class: DllGetClassObject's own HRESULT.
  ASSERT_EQ(ComkitRegisterServer(COMKIT_TEST_CPP_SERVER, &cls, 1, COMKIT_REGISTER_USER), S_OK);
  testing::internal::CaptureStderr();
  EXPECT_EQ(CoCreateInstance(unknown_clsid, nullptr, CLSCTX_ALL, IID_IUnknown, &out), CLASS_E_CLASSNOTAVAILABLE);
  testing::internal::GetCapturedStderr();
}

// ---- Manifests ------------------------------------------------------------------------

TEST_F(Activation, MalformedManifestsAreReportedOnceAndSkipped) {
  register_cpp_server();
  const std::string good = "[server]\npath = " + std::string(COMKIT_TEST_C_SERVER) + "\n[class " TEST_CLSID_C_OBJECT "]\n";
  write_file("a-good.manifest", good);
  write_file("b-garbage.manifest", "this is not a manifest\n");
  write_file("c-badclsid.manifest", "[server]\npath = /x.so\n[class {not-a-guid}]\n");
  write_file("d-nopath.manifest", "[class " TEST_CLSID_CPP_PLAIN "]\n");
  write_file("e-relative.manifest", "[server]\npath = relative.so\n");
  write_file("f-twice.manifest", "[server]\npath = /x.so\n[class " TEST_CLSID_C_OBJECT "]\n[class " TEST_CLSID_C_OBJECT "]\n");
  write_file("g-progid.manifest", "[server]\npath = /x.so\n[class {5E7C0A15-2B3D-4E5F-8A9B-0C1D2E3F4A5B}]\nprogid = bad progid\n");
  write_file("h-binary.manifest", std::string("\0\1\2[\xff", 5));
  testing::internal::CaptureStderr();
  EXPECT_EQ(value_of(comkit::create_instance<IUnknown>(c_object).get()), 99);  // the good ones still work
  EXPECT_EQ(value_of(comkit::create_instance<IUnknown>(cpp_object).get()), 42);
  const std::string err = testing::internal::GetCapturedStderr();
  for (const char* f : {"b-garbage.manifest: line 1", "c-badclsid.manifest: line 3", "d-nopath.manifest: line 1",
                        "e-relative.manifest: line 2", "f-twice.manifest: line 4", "g-progid.manifest: line 4",
                        "h-binary.manifest: line 1"})
    EXPECT_NE(err.find(f), std::string::npos) << f << "\n" << err;
  // Reported once: reading the registry again says nothing new.
  ComkitRegistryRefresh();
  testing::internal::CaptureStderr();
  EXPECT_EQ(value_of(comkit::create_instance<IUnknown>(c_object).get()), 99);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST_F(Activation, ManifestsAreCommentsSectionsAndKeys) {
  write_file("styled.manifest",
             "# comment\n; also a comment\n\n  [server]  \n  path=" + std::string(COMKIT_TEST_CPP_SERVER) +
                 "   \n[future-section]\nanything = goes\n[class " TEST_CLSID_CPP_OBJECT
                 "]\r\nprogid=Styled.One.1\r\nfuture-key = ignored\n");
  CLSID clsid;
  ASSERT_EQ(CLSIDFromProgID(u"Styled.One.1", &clsid), S_OK);
  EXPECT_EQ(value_of(comkit::create_instance<IUnknown>(clsid).get()), 42);
}

TEST_F(Activation, CacheNoticesChangesWithoutRefresh) {
  void* out = nullptr;
  EXPECT_EQ(CoCreateInstance(cpp_object, nullptr, CLSCTX_ALL, IID_IUnknown, &out), REGDB_E_CLASSNOTREG);
  // Written behind the cache's back, as another process would.
  std::ofstream(m_dir + "/later.manifest") << "[server]\npath = " << COMKIT_TEST_CPP_SERVER << "\n[class "
                                           << comkit::to_string(cpp_object) << "]\n";
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  ASSERT_EQ(CoCreateInstance(cpp_object, nullptr, CLSCTX_ALL, IID_IUnknown, &out), S_OK);
  static_cast<IUnknown*>(out)->Release();
}

TEST_F(Activation, RegisterServerArguments) {
  COMKIT_CLASS_REGISTRATION cls{cpp_object, "Ok.Name", nullptr, "Both", "fine"};
  EXPECT_EQ(ComkitRegisterServer("relative.so", &cls, 1, COMKIT_REGISTER_USER), HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND));
  EXPECT_EQ(ComkitRegisterServer(COMKIT_TEST_CPP_SERVER, nullptr, 1, COMKIT_REGISTER_USER), E_INVALIDARG);
  EXPECT_EQ(ComkitRegisterServer(COMKIT_TEST_CPP_SERVER, &cls, 1, 7), E_INVALIDARG);
  COMKIT_CLASS_REGISTRATION bad_progid{cpp_object, "has space", nullptr, nullptr, nullptr};
  EXPECT_EQ(ComkitRegisterServer(COMKIT_TEST_CPP_SERVER, &bad_progid, 1, COMKIT_REGISTER_USER), E_INVALIDARG);
  COMKIT_CLASS_REGISTRATION bad_model{cpp_object, nullptr, nullptr, "Sometimes", nullptr};
  EXPECT_EQ(ComkitRegisterServer(COMKIT_TEST_CPP_SERVER, &bad_model, 1, COMKIT_REGISTER_USER), E_INVALIDARG);
  COMKIT_CLASS_REGISTRATION twice[2] = {cls, cls};
  EXPECT_EQ(ComkitRegisterServer(COMKIT_TEST_CPP_SERVER, twice, 2, COMKIT_REGISTER_USER), E_INVALIDARG);
  COMKIT_CLASS_REGISTRATION newline{cpp_object, nullptr, nullptr, nullptr, "two\nlines"};
  EXPECT_EQ(ComkitRegisterServer(COMKIT_TEST_CPP_SERVER, &newline, 1, COMKIT_REGISTER_USER), E_INVALIDARG);
  EXPECT_EQ(ComkitSetDefaultRegistrationScope(9), E_INVALIDARG);
  EXPECT_EQ(ComkitEnumRegisteredClasses(nullptr, nullptr), E_INVALIDARG);
  EXPECT_EQ(ComkitUnregisterClass(unknown_clsid), REGDB_E_CLASSNOTREG);
  EXPECT_EQ(ComkitUnregisterServer(COMKIT_TEST_CPP_SERVER, COMKIT_REGISTER_USER), S_FALSE);  // nothing to remove
}

TEST_F(Activation, EnumerateAndUnregisterClasses) {
  register_cpp_server();
  std::vector<std::string> seen;
  ASSERT_EQ(ComkitEnumRegisteredClasses(
                [](const COMKIT_REGISTERED_CLASS* c, void* ctx) -> BOOL {
                  static_cast<std::vector<std::string>*>(ctx)->push_back(comkit::to_string(c->clsid) + " " +
                                                                         c->progid + " " + c->threading_model);
                  EXPECT_NE(std::string(c->server_path).find("cpp_server"), std::string::npos);
                  return TRUE;
                },
                &seen),
            S_OK);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::string(TEST_CLSID_CPP_OBJECT) + " ComkitTest.Object.1 Both");
  EXPECT_EQ(ComkitUnregisterClass(cpp_object), S_OK);
  ComkitRegistryRefresh();
  void* out = nullptr;
  EXPECT_EQ(CoCreateInstance(cpp_object, nullptr, CLSCTX_ALL, IID_IUnknown, &out), REGDB_E_CLASSNOTREG);
  ASSERT_EQ(CoCreateInstance(cpp_plain, nullptr, CLSCTX_ALL, IID_IUnknown, &out), S_OK);  // the other stays
  static_cast<IUnknown*>(out)->Release();
  EXPECT_EQ(ComkitUnregisterClass(cpp_plain), S_OK);
  EXPECT_TRUE(fs::is_empty(m_dir));  // the manifest went with its last class
}

// Concurrent registrations of different servers all survive: each writes
// its own manifest, atomically, and none is lost to another's write.
// Registrations of one server replace each other whole: exactly one
// complete registration remains, one of those that were made.
TEST_F(Activation, ConcurrentRegistrationsLoseNothing) {
  constexpr int threads_n = 4, per_thread = 20;
  // Distinct server paths: copies of one real server.
  const std::string links = m_dir + "-servers";
  fs::create_directories(links);
  std::vector<std::vector<GUID>> made(threads_n);
  std::vector<GUID> shared_made(threads_n * per_thread);
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_n; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const std::string server = links + "/server-" + std::to_string(t) + "-" + std::to_string(i) + ".so";
        fs::copy_file(COMKIT_TEST_C_SERVER, server);
        GUID g;
        CoCreateGuid(&g);
        made[t].push_back(g);
        COMKIT_CLASS_REGISTRATION cls{g, nullptr, nullptr, "Free", nullptr};
        ASSERT_EQ(ComkitRegisterServer(server.c_str(), &cls, 1, COMKIT_REGISTER_USER), S_OK);
        // And a contended one: every thread re-registers the same server.
        GUID s;
        CoCreateGuid(&s);
        shared_made[t * per_thread + i] = s;
        COMKIT_CLASS_REGISTRATION shared{s, nullptr, nullptr, "Free", nullptr};
        ASSERT_EQ(ComkitRegisterServer(COMKIT_TEST_CPP_SERVER, &shared, 1, COMKIT_REGISTER_USER), S_OK);
      }
    });
  for (auto& t : threads) t.join();
  ComkitRegistryRefresh();
  std::vector<GUID> listed;
  ComkitEnumRegisteredClasses(
      [](const COMKIT_REGISTERED_CLASS* c, void* v) -> BOOL {
        static_cast<std::vector<GUID>*>(v)->push_back(c->clsid);
        return TRUE;
      },
      &listed);
  int files = 0, others = 0;
  for (const auto& e : fs::directory_iterator(m_dir)) (e.path().extension() == ".manifest" ? files : others) += 1;
  EXPECT_EQ(files, threads_n * per_thread + 1);  // one manifest per server
  EXPECT_EQ(others, 0);                          // no temporary files left
  ASSERT_EQ(listed.size(), static_cast<std::size_t>(threads_n * per_thread + 1));
  auto has = [&](const GUID& g) { return std::find(listed.begin(), listed.end(), g) != listed.end(); };
  for (const auto& per : made)
    for (const GUID& g : per) EXPECT_TRUE(has(g)) << comkit::to_string(g);
  EXPECT_EQ(std::count_if(shared_made.begin(), shared_made.end(), has), 1);
  fs::remove_all(links);
}

// Activation while servers are really being unloaded: zero-delay unloads
// race with activations of both servers. An activation must never call into
// an unloaded server (it would crash), and unloads must really happen while
// the activations run (counted; the test goes on until it has seen some).
//
// An unload with no delay may also take the server away while a thread is
// still returning from its last object's Release (after the object counted
// itself out of DllCanUnloadNow, before the thread left the library's
// code): that is what the delay of CoFreeUnusedLibraries is for, on Windows
// too, and no runtime can close that window. So a Release and an unload do
// not overlap here (release_guard); activations and unloads race freely.
TEST_F(Activation, ConcurrentActivationAndUnloading) {
  register_cpp_server();
  ASSERT_EQ(call_export(COMKIT_TEST_C_SERVER, "DllRegisterServer"), S_OK);
  std::atomic<bool> stop{false};
  std::atomic<int> unloads{0};
  // Every 1000 activations thread 0 pauses both threads for 2 ms, so that
  // idle moments (no live object, no activation in flight) really occur
  // even when everything runs slowly (TSan); between the pauses the two
  // threads race the unloader freely.
  std::atomic<bool> quiet{false};
  std::shared_mutex release_guard;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200000 && (i < 2000 || unloads.load() < 5); ++i) {
        if (t == 0 && i % 1000 == 999) {
          quiet = true;
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          quiet = false;
        }
        while (t == 1 && quiet.load()) std::this_thread::yield();
        void* out = nullptr;
        const CLSID& which = (i + t) % 2 ? cpp_object : c_object;
        ASSERT_EQ(CoCreateInstance(which, nullptr, CLSCTX_INPROC_SERVER, comkit::guid_of<ITestValue>(), &out), S_OK);
        int v = 0;
        static_cast<ITestValue*>(out)->Value(&v);
        ASSERT_EQ(v, &which == &cpp_object ? 42 : 99);
        {
          std::shared_lock<std::shared_mutex> releasing(release_guard);
          static_cast<ITestValue*>(out)->Release();
        }
        if (i % 8 == 0) std::this_thread::yield();  // leaves moments with no live object
      }
    });
  // Each server is watched on its own: an unload of either one counts. (Both
  // unloaded at the same instant is rare when every activation reloads one,
  // and under TSan's slowdown it may never be seen.)
  std::thread unloader([&] {
    bool was_loaded[2] = {false, false};
    const char* servers[2] = {COMKIT_TEST_CPP_SERVER, COMKIT_TEST_C_SERVER};
    while (!stop) {
      {
        std::unique_lock<std::shared_mutex> no_release_running(release_guard);
        CoFreeUnusedLibrariesEx(0, 0);  // no delay: unload whatever is idle now
      }
      for (int s = 0; s < 2; ++s) {
        const bool loaded = is_loaded(servers[s]);
        if (was_loaded[s] && !loaded) ++unloads;
        was_loaded[s] = loaded;
      }
      std::this_thread::yield();
    }
  });
  for (auto& t : threads) t.join();
  stop = true;
  unloader.join();
  EXPECT_GT(unloads.load(), 0);
  RecordProperty("unloads", unloads.load());
}

// Every reload replaces the registry's snapshot; the replaced ones must be
// freed (they were once kept for the life of the process). 1000 reloads of a
// 200-class registry kept about 140 MB that way.
extern "C" std::size_t __sanitizer_get_current_allocated_bytes() __attribute__((weak));
std::size_t allocated_bytes() {
  if (__sanitizer_get_current_allocated_bytes) return __sanitizer_get_current_allocated_bytes();
  return mallinfo2().uordblks;
}

TEST_F(Activation, RegistryReloadsFreeReplacedSnapshots) {
  std::string text = "[server]\npath = " + std::string(COMKIT_TEST_C_SERVER) + "\n";
  for (int i = 0; i < 200; ++i) {
    char clsid[64];
    std::snprintf(clsid, sizeof clsid, "{5E7C%04X-2B3D-4E5F-8A9B-0C1D2E3F4A5B}", 0x1000 + i);
    text += std::string("[class ") + clsid + "]\nprogid = Registry.Size.Test" + std::to_string(i) +
            "\ndescription = a class with a description long enough to weigh something\n";
  }
  write_file("big.manifest", text);
  CLSID c;
  auto reload = [&] {
    ComkitRegistryRefresh();
    ASSERT_EQ(CLSIDFromProgID(u"Registry.Size.Test7", &c), S_OK);
  };
  for (int i = 0; i < 20; ++i) reload();
  const std::size_t before = allocated_bytes();
  for (int i = 0; i < 1000; ++i) reload();
  const std::size_t after = allocated_bytes();
  EXPECT_LT(after, before + 8 * 1024 * 1024) << "grew by " << (after - before) << " bytes";
}

// Readers in several threads look classes up (inside their read sections)
// while another thread reloads the registry over and over: a snapshot freed
// while a reader still uses it shows as a use-after-free under ASan and TSan,
// or as a wrong answer here.
TEST_F(Activation, RegistryReadersRaceWithReloads) {
  register_cpp_server();
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t)
    readers.emplace_back([&] {
      while (!stop) {
        CLSID c{};
        ASSERT_EQ(CLSIDFromProgID(u"ComkitTest.Object.1", &c), S_OK);
        ASSERT_EQ(c, cpp_object);
        LPOLESTR progid = nullptr;
        ASSERT_EQ(ProgIDFromCLSID(cpp_object, &progid), S_OK);
        EXPECT_EQ(std::u16string_view(progid), u"ComkitTest.Object.1");
        CoTaskMemFree(progid);
      }
    });
  for (int i = 0; i < 2000; ++i) {
    ComkitRegistryRefresh();
    CLSID c{};
    ASSERT_EQ(CLSIDFromProgID(u"ComkitTest.Object", &c), S_OK);  // reloads, then frees what no reader sees
  }
  stop = true;
  for (auto& t : readers) t.join();
}

}  // namespace
