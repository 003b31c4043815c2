// tests/abi/abi_test.cpp - the ABI layer: type sizes and layouts, HRESULT
// macros, IID values, and C/C++ vtable agreement for every interface.
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <cstddef>
#include <string>
#include <vector>

#include <comkit/guid.h>

#include "c_abi.h"

namespace {

TEST(AbiTypes, SizesMatchWindows) {
  EXPECT_EQ(sizeof(GUID), 16u);
  EXPECT_EQ(sizeof(HRESULT), 4u);
  EXPECT_EQ(sizeof(LONG), 4u);
  EXPECT_EQ(sizeof(ULONG), 4u);
  EXPECT_EQ(sizeof(DWORD), 4u);
  EXPECT_EQ(sizeof(BOOL), 4u);
  EXPECT_EQ(sizeof(OLECHAR), 2u);
  EXPECT_EQ(sizeof(WCHAR), 2u);
  EXPECT_EQ(sizeof(VARIANT_BOOL), 2u);
  EXPECT_EQ(sizeof(LONGLONG), 8u);
  EXPECT_EQ(sizeof(ULONG_PTR), sizeof(void*));
  EXPECT_EQ(sizeof(BSTR), sizeof(void*));
  EXPECT_TRUE((std::is_same_v<OLECHAR, char16_t>));
  EXPECT_TRUE((std::is_same_v<REFIID, const IID&>));
  EXPECT_EQ(VARIANT_TRUE, -1);
  EXPECT_EQ(VARIANT_FALSE, 0);
}

TEST(AbiTypes, WtypesLayouts) {
  EXPECT_EQ(sizeof(DECIMAL), 16u);
  EXPECT_EQ(offsetof(DECIMAL, scale), 2u);
  EXPECT_EQ(offsetof(DECIMAL, sign), 3u);
  EXPECT_EQ(offsetof(DECIMAL, Hi32), 4u);
  EXPECT_EQ(offsetof(DECIMAL, Lo32), 8u);
  EXPECT_EQ(offsetof(DECIMAL, Mid32), 12u);
  DECIMAL d;
  d.Lo64 = 0x1122334455667788ull;
  EXPECT_EQ(d.Lo32, 0x55667788u);
  EXPECT_EQ(d.Mid32, 0x11223344u);
  DECIMAL_SETZERO(d);
  EXPECT_EQ(d.Lo64, 0u);
  CY cy;
  cy.int64 = -1;
  EXPECT_EQ(cy.Hi, -1);
  EXPECT_EQ(cy.Lo, 0xFFFFFFFFu);
  LARGE_INTEGER li;
  li.QuadPart = 0x100000002ll;
  EXPECT_EQ(li.LowPart, 2u);
  EXPECT_EQ(li.u.HighPart, 1);
  EXPECT_EQ(sizeof(SYSTEMTIME), 16u);
  EXPECT_EQ(sizeof(FILETIME), 8u);
  EXPECT_EQ(VT_BSTR, 8);
  EXPECT_EQ(VT_DECIMAL, 14);
  EXPECT_EQ(VT_RECORD, 36);
  EXPECT_EQ(VT_ARRAY | VT_BYREF, 0x6000);
}

TEST(AbiTypes, GuidFieldOffsets) {
  EXPECT_EQ(offsetof(GUID, Data1), 0u);
  EXPECT_EQ(offsetof(GUID, Data2), 4u);
  EXPECT_EQ(offsetof(GUID, Data3), 6u);
  EXPECT_EQ(offsetof(GUID, Data4), 8u);
  EXPECT_EQ(alignof(GUID), 4u);
}

TEST(AbiTypes, InterfacesAreOnePointer) {
  // No data members: an interface pointer points at exactly one vtable pointer.
  EXPECT_EQ(sizeof(IUnknown), sizeof(void*));
  EXPECT_EQ(sizeof(IClassFactory), sizeof(void*));
  EXPECT_EQ(sizeof(IMalloc), sizeof(void*));
  EXPECT_EQ(sizeof(IErrorInfo), sizeof(void*));
  EXPECT_TRUE(std::is_abstract_v<IUnknown>);
  EXPECT_FALSE(std::has_virtual_destructor_v<IUnknown>);
}

TEST(HResultMacros, SucceededAndFailed) {
  EXPECT_TRUE(SUCCEEDED(S_OK));
  EXPECT_TRUE(SUCCEEDED(S_FALSE));
  EXPECT_TRUE(SUCCEEDED(CO_S_NOTALLINTERFACES));
  EXPECT_FALSE(SUCCEEDED(E_FAIL));
  EXPECT_TRUE(FAILED(E_NOINTERFACE));
  EXPECT_FALSE(FAILED(S_FALSE));
  EXPECT_TRUE(IS_ERROR(E_UNEXPECTED));
  EXPECT_FALSE(IS_ERROR(S_FALSE));
}

TEST(HResultMacros, FieldsAndConstruction) {
  EXPECT_EQ(HRESULT_FACILITY(E_OUTOFMEMORY), FACILITY_WIN32);
  EXPECT_EQ(HRESULT_CODE(E_OUTOFMEMORY), 0xE);
  EXPECT_EQ(HRESULT_SEVERITY(E_OUTOFMEMORY), 1u);
  EXPECT_EQ(HRESULT_SEVERITY(S_FALSE), 0u);
  EXPECT_EQ(HRESULT_FACILITY(DISP_E_TYPEMISMATCH), FACILITY_DISPATCH);
  EXPECT_EQ(HRESULT_FACILITY(CO_E_NOTINITIALIZED), FACILITY_ITF);
  EXPECT_EQ(HRESULT_FACILITY(RPC_E_CHANGED_MODE), FACILITY_RPC);
  EXPECT_EQ(MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, 0x200), static_cast<HRESULT>(0x80040200));
  EXPECT_EQ(MAKE_HRESULT(SEVERITY_SUCCESS, FACILITY_ITF, 0x12), static_cast<HRESULT>(0x00040012));
  EXPECT_EQ(MAKE_SCODE(1, 2, 3), static_cast<SCODE>(0x80020003));
}

TEST(HResultMacros, FromWin32) {
  EXPECT_EQ(HRESULT_FROM_WIN32(ERROR_SUCCESS), S_OK);
  EXPECT_EQ(HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), E_ACCESSDENIED);
  EXPECT_EQ(HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER), E_INVALIDARG);
  EXPECT_EQ(HRESULT_FROM_WIN32(ERROR_OUTOFMEMORY), E_OUTOFMEMORY);
  EXPECT_EQ(HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE), E_HANDLE);
  EXPECT_EQ(HRESULT_FROM_WIN32(ERROR_NOT_FOUND), E_NOT_SET);
  EXPECT_EQ(HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER), E_NOT_SUFFICIENT_BUFFER);
  EXPECT_EQ(HRESULT_FROM_WIN32(ERROR_INVALID_STATE), E_NOT_VALID_STATE);
  EXPECT_EQ(HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), static_cast<HRESULT>(0x80070002));
  // Values that already look like HRESULTs pass through unchanged.
  EXPECT_EQ(HRESULT_FROM_WIN32(E_FAIL), E_FAIL);
  // Only the low 16 bits of a Win32 code are kept.
  EXPECT_EQ(HRESULT_FROM_WIN32(0x12345), static_cast<HRESULT>(0x80072345));
  // Usable as a constant expression (case labels).
  static_assert(HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED) == E_ACCESSDENIED);
}

TEST(HResultCodes, WindowsValues) {
  EXPECT_EQ(E_UNEXPECTED, static_cast<HRESULT>(0x8000FFFF));
  EXPECT_EQ(E_NOTIMPL, static_cast<HRESULT>(0x80004001));
  EXPECT_EQ(E_NOINTERFACE, static_cast<HRESULT>(0x80004002));
  EXPECT_EQ(E_POINTER, static_cast<HRESULT>(0x80004003));
  EXPECT_EQ(E_ABORT, static_cast<HRESULT>(0x80004004));
  EXPECT_EQ(E_FAIL, static_cast<HRESULT>(0x80004005));
  EXPECT_EQ(E_ACCESSDENIED, static_cast<HRESULT>(0x80070005));
  EXPECT_EQ(E_OUTOFMEMORY, static_cast<HRESULT>(0x8007000E));
  EXPECT_EQ(E_INVALIDARG, static_cast<HRESULT>(0x80070057));
  EXPECT_EQ(E_BOUNDS, static_cast<HRESULT>(0x8000000B));
  EXPECT_EQ(CO_E_NOTINITIALIZED, static_cast<HRESULT>(0x800401F0));
  EXPECT_EQ(CO_E_CLASSSTRING, static_cast<HRESULT>(0x800401F3));
  EXPECT_EQ(CO_E_IIDSTRING, static_cast<HRESULT>(0x800401F4));
  EXPECT_EQ(CLASS_E_NOAGGREGATION, static_cast<HRESULT>(0x80040110));
  EXPECT_EQ(REGDB_E_CLASSNOTREG, static_cast<HRESULT>(0x80040154));
  EXPECT_EQ(RPC_E_CHANGED_MODE, static_cast<HRESULT>(0x80010106));
  EXPECT_EQ(DISP_E_TYPEMISMATCH, static_cast<HRESULT>(0x80020005));
  EXPECT_EQ(DISP_E_OVERFLOW, static_cast<HRESULT>(0x8002000A));
  EXPECT_EQ(DISP_E_ARRAYISLOCKED, static_cast<HRESULT>(0x8002000D));
  EXPECT_EQ(TYPE_E_ELEMENTNOTFOUND, static_cast<HRESULT>(0x8002802B));
  EXPECT_EQ(STG_E_FILENOTFOUND, static_cast<HRESULT>(0x80030002));
  EXPECT_EQ(CO_S_NOTALLINTERFACES, static_cast<HRESULT>(0x00080012));
}

std::string text_of(const GUID& g) { return comkit::to_string(g); }

TEST(Iids, StandardValues) {
  EXPECT_EQ(text_of(IID_IUnknown), "{00000000-0000-0000-C000-000000000046}");
  EXPECT_EQ(text_of(IID_IClassFactory), "{00000001-0000-0000-C000-000000000046}");
  EXPECT_EQ(text_of(IID_IMalloc), "{00000002-0000-0000-C000-000000000046}");
  EXPECT_EQ(text_of(IID_IMallocSpy), "{0000001D-0000-0000-C000-000000000046}");
  EXPECT_EQ(text_of(IID_IErrorInfo), "{1CF2B120-547D-101B-8E65-08002B2BD119}");
  EXPECT_EQ(text_of(IID_ICreateErrorInfo), "{22F03340-547D-101B-8E65-08002B2BD119}");
  EXPECT_EQ(text_of(IID_ISupportErrorInfo), "{DF0B3D60-548F-101B-8E65-08002B2BD119}");
  EXPECT_EQ(text_of(GUID_NULL), "{00000000-0000-0000-0000-000000000000}");
  EXPECT_TRUE(IsEqualIID(IID_NULL, GUID_NULL));
  EXPECT_TRUE(IsEqualCLSID(CLSID_NULL, GUID_NULL));
}

TEST(Iids, ExportedDataMatchesCompileTimeIid) {
  EXPECT_EQ(IID_IUnknown, comkit::guid_of<IUnknown>());
  EXPECT_EQ(IID_IClassFactory, comkit::guid_of<IClassFactory>());
  EXPECT_EQ(IID_IMalloc, comkit::guid_of<IMalloc>());
  EXPECT_EQ(IID_IMallocSpy, comkit::guid_of<IMallocSpy>());
  EXPECT_EQ(IID_IErrorInfo, comkit::guid_of<IErrorInfo>());
  EXPECT_EQ(IID_ICreateErrorInfo, comkit::guid_of<ICreateErrorInfo>());
  EXPECT_EQ(IID_ISupportErrorInfo, comkit::guid_of<ISupportErrorInfo>());
  static_assert(comkit::guid_of<IUnknown>().Data4[7] == 0x46);
  static_assert(comkit::has_iid<IMalloc>);
  static_assert(!comkit::has_iid<int>);
}

TEST(GuidCompare, OperatorsAndIsEqual) {
  GUID a = IID_IUnknown, b = IID_IUnknown;
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a != b);
  EXPECT_TRUE(IsEqualGUID(a, b));
  b.Data4[7] ^= 1;
  EXPECT_FALSE(a == b);
  EXPECT_TRUE(a != b);
  EXPECT_FALSE(InlineIsEqualGUID(a, b));
  EXPECT_FALSE(IsEqualIID(IID_IUnknown, IID_IClassFactory));
}

// ---- C and C++ vtables agree slot for slot ---------------------------------

// Each recording class overrides every method to append its name; c_abi.c
// calls the C macros in declaration order, so the log shows which C++ method
// every C Vtbl slot reached.
using call_log = std::vector<std::string>;

#define COMKIT_TEST_UNKNOWN_RECORDING                                       \
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID, void** ppv) override {  \
    log.push_back("QueryInterface");                                       \
    *ppv = nullptr;                                                        \
    return E_NOINTERFACE;                                                  \
  }                                                                        \
  ULONG STDMETHODCALLTYPE AddRef() override {                              \
    log.push_back("AddRef");                                               \
    return 2;                                                              \
  }                                                                        \
  ULONG STDMETHODCALLTYPE Release() override {                             \
    log.push_back("Release");                                              \
    return 1;                                                              \
  }                                                                        \
  call_log log;

struct rec_unknown : IUnknown {
  COMKIT_TEST_UNKNOWN_RECORDING
};

struct rec_class_factory : IClassFactory {
  COMKIT_TEST_UNKNOWN_RECORDING
  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown*, REFIID, void**) override { return note("CreateInstance"); }
  HRESULT STDMETHODCALLTYPE LockServer(BOOL) override { return note("LockServer"); }
  HRESULT note(const char* n) {
    log.push_back(n);
    return S_OK;
  }
};

struct rec_malloc : IMalloc {
  COMKIT_TEST_UNKNOWN_RECORDING
  void* STDMETHODCALLTYPE Alloc(SIZE_T) override { return note("Alloc"), nullptr; }
  void* STDMETHODCALLTYPE Realloc(void*, SIZE_T) override { return note("Realloc"), nullptr; }
  void STDMETHODCALLTYPE Free(void*) override { note("Free"); }
  SIZE_T STDMETHODCALLTYPE GetSize(void*) override { return note("GetSize"), 0; }
  int STDMETHODCALLTYPE DidAlloc(void*) override { return note("DidAlloc"), 0; }
  void STDMETHODCALLTYPE HeapMinimize() override { note("HeapMinimize"); }
  void note(const char* n) { log.push_back(n); }
};

struct rec_malloc_spy : IMallocSpy {
  COMKIT_TEST_UNKNOWN_RECORDING
  SIZE_T STDMETHODCALLTYPE PreAlloc(SIZE_T) override { return note("PreAlloc"), 0; }
  void* STDMETHODCALLTYPE PostAlloc(void*) override { return note("PostAlloc"), nullptr; }
  void* STDMETHODCALLTYPE PreFree(void*, BOOL) override { return note("PreFree"), nullptr; }
  void STDMETHODCALLTYPE PostFree(BOOL) override { note("PostFree"); }
  SIZE_T STDMETHODCALLTYPE PreRealloc(void*, SIZE_T, void**, BOOL) override { return note("PreRealloc"), 0; }
  void* STDMETHODCALLTYPE PostRealloc(void*, BOOL) override { return note("PostRealloc"), nullptr; }
  void* STDMETHODCALLTYPE PreGetSize(void*, BOOL) override { return note("PreGetSize"), nullptr; }
  SIZE_T STDMETHODCALLTYPE PostGetSize(SIZE_T, BOOL) override { return note("PostGetSize"), 0; }
  void* STDMETHODCALLTYPE PreDidAlloc(void*, BOOL) override { return note("PreDidAlloc"), nullptr; }
  int STDMETHODCALLTYPE PostDidAlloc(void*, BOOL, int) override { return note("PostDidAlloc"), 0; }
  void STDMETHODCALLTYPE PreHeapMinimize() override { note("PreHeapMinimize"); }
  void STDMETHODCALLTYPE PostHeapMinimize() override { note("PostHeapMinimize"); }
  void note(const char* n) { log.push_back(n); }
};

struct rec_error_info : IErrorInfo {
  COMKIT_TEST_UNKNOWN_RECORDING
  HRESULT STDMETHODCALLTYPE GetGUID(GUID*) override { return note("GetGUID"); }
  HRESULT STDMETHODCALLTYPE GetSource(BSTR*) override { return note("GetSource"); }
  HRESULT STDMETHODCALLTYPE GetDescription(BSTR*) override { return note("GetDescription"); }
  HRESULT STDMETHODCALLTYPE GetHelpFile(BSTR*) override { return note("GetHelpFile"); }
  HRESULT STDMETHODCALLTYPE GetHelpContext(DWORD*) override { return note("GetHelpContext"); }
  HRESULT note(const char* n) {
    log.push_back(n);
    return S_OK;
  }
};

struct rec_create_error_info : ICreateErrorInfo {
  COMKIT_TEST_UNKNOWN_RECORDING
  HRESULT STDMETHODCALLTYPE SetGUID(REFGUID) override { return note("SetGUID"); }
  HRESULT STDMETHODCALLTYPE SetSource(LPOLESTR) override { return note("SetSource"); }
  HRESULT STDMETHODCALLTYPE SetDescription(LPOLESTR) override { return note("SetDescription"); }
  HRESULT STDMETHODCALLTYPE SetHelpFile(LPOLESTR) override { return note("SetHelpFile"); }
  HRESULT STDMETHODCALLTYPE SetHelpContext(DWORD) override { return note("SetHelpContext"); }
  HRESULT note(const char* n) {
    log.push_back(n);
    return S_OK;
  }
};

struct rec_support_error_info : ISupportErrorInfo {
  COMKIT_TEST_UNKNOWN_RECORDING
  HRESULT STDMETHODCALLTYPE InterfaceSupportsErrorInfo(REFIID) override {
    log.push_back("InterfaceSupportsErrorInfo");
    return S_OK;
  }
};

const call_log unknown_slots = {"QueryInterface", "AddRef", "Release"};

call_log with_unknown(std::initializer_list<const char*> rest) {
  call_log l = unknown_slots;
  l.insert(l.end(), rest.begin(), rest.end());
  return l;
}

TEST(VtableLayout, IUnknownSlots) {
  rec_unknown r;
  c_call_all_unknown(&r);
  EXPECT_EQ(r.log, unknown_slots);
}

TEST(VtableLayout, IClassFactorySlots) {
  rec_class_factory r;
  c_call_all_class_factory(&r);
  EXPECT_EQ(r.log, with_unknown({"CreateInstance", "LockServer"}));
}

TEST(VtableLayout, IMallocSlots) {
  rec_malloc r;
  c_call_all_malloc(&r);
  EXPECT_EQ(r.log, with_unknown({"Alloc", "Realloc", "Free", "GetSize", "DidAlloc", "HeapMinimize"}));
}

TEST(VtableLayout, IMallocSpySlots) {
  rec_malloc_spy r;
  c_call_all_malloc_spy(&r);
  EXPECT_EQ(r.log, with_unknown({"PreAlloc", "PostAlloc", "PreFree", "PostFree", "PreRealloc", "PostRealloc",
                                 "PreGetSize", "PostGetSize", "PreDidAlloc", "PostDidAlloc", "PreHeapMinimize",
                                 "PostHeapMinimize"}));
}

TEST(VtableLayout, IErrorInfoSlots) {
  rec_error_info r;
  c_call_all_error_info(&r);
  EXPECT_EQ(r.log, with_unknown({"GetGUID", "GetSource", "GetDescription", "GetHelpFile", "GetHelpContext"}));
}

TEST(VtableLayout, ICreateErrorInfoSlots) {
  rec_create_error_info r;
  c_call_all_create_error_info(&r);
  EXPECT_EQ(r.log, with_unknown({"SetGUID", "SetSource", "SetDescription", "SetHelpFile", "SetHelpContext"}));
}

TEST(VtableLayout, ISupportErrorInfoSlots) {
  rec_support_error_info r;
  c_call_all_support_error_info(&r);
  EXPECT_EQ(r.log, with_unknown({"InterfaceSupportsErrorInfo"}));
}

TEST(VtableLayout, ObjectWrittenInCCallableFromCpp) {
  IClassFactory* f = c_new_factory();
  ASSERT_NE(f, nullptr);
  IUnknown* unk = nullptr;
  ASSERT_EQ(f->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(&unk)), S_OK);
  EXPECT_EQ(static_cast<void*>(unk), static_cast<void*>(f));
  EXPECT_EQ(unk->Release(), 1u);
  EXPECT_EQ(f->LockServer(TRUE), S_OK);
  EXPECT_EQ(c_factory_locks(f), 1);
  EXPECT_EQ(f->LockServer(FALSE), S_OK);
  void* inst = reinterpret_cast<void*>(1);
  EXPECT_EQ(f->CreateInstance(f, IID_IUnknown, &inst), CLASS_E_NOAGGREGATION);
  EXPECT_EQ(inst, nullptr);
  IClassFactory* again = nullptr;
  EXPECT_EQ(f->QueryInterface(&again), S_OK);  // the SDK's template overload
  EXPECT_EQ(again, f);
  again->Release();
  EXPECT_EQ(f->Release(), 0u);
}

TEST(VtableLayout, RuntimeUsableFromC) { EXPECT_EQ(c_runtime_roundtrip(), 1); }

TEST(IidPpvArgs, ExpandsToIidAndVoidPointer) {
  IClassFactory* f = c_new_factory();
  IClassFactory* got = nullptr;
  ASSERT_EQ(f->QueryInterface(IID_PPV_ARGS(&got)), S_OK);
  EXPECT_EQ(got, f);
  got->Release();
  f->Release();
}

}  // namespace

// ---- Headers generated from idl/ ------------------------------------------------

#include <ocidl.h>
#include <ole2.h>

#include <cstddef>

namespace {

TEST(GeneratedHeaders, VariantMembersAreAnonymousInCxx) {
  VARIANT v{};
  v.vt = 3;  // VT_I4
  v.lVal = -5;
  EXPECT_EQ(sizeof(VARIANT), 24u);
  EXPECT_EQ(reinterpret_cast<const char*>(&v.lVal) - reinterpret_cast<const char*>(&v), 8);
  EXPECT_EQ(reinterpret_cast<const char*>(&v.decVal) - reinterpret_cast<const char*>(&v), 0);
  EXPECT_EQ(v.vt, 3);
  EXPECT_EQ(v.lVal, -5);
}

TEST(GeneratedHeaders, InterfacesCarryTheirIidsAndBases) {
  EXPECT_EQ(comkit::guid_of<IDispatch>(), IID_IDispatch);
  EXPECT_EQ(comkit::guid_of<IStream>(), IID_IStream);
  EXPECT_EQ(comkit::guid_of<ITypeInfo2>(), IID_ITypeInfo2);
  EXPECT_EQ(comkit::guid_of<IConnectionPointContainer>(), IID_IConnectionPointContainer);
  static_assert(std::is_same_v<comkit::base_interface_t<IStream>, ISequentialStream>);
  static_assert(std::is_same_v<comkit::base_interface_t<ITypeLib2>, ITypeLib>);
  static_assert(std::is_same_v<comkit::base_interface_t<IPersistStream>, IPersist>);
  static_assert(std::is_base_of_v<IUnknown, IProvideClassInfo>);
  // Exported from libcomkit with the documented values.
  EXPECT_EQ(comkit::to_string(IID_IDispatch), "{00020400-0000-0000-C000-000000000046}");
  EXPECT_EQ(comkit::to_string(IID_IAgileObject), "{94EA2B94-E9CC-49E0-C0FF-EE64CA8F5B90}");
  EXPECT_EQ(comkit::to_string(IID_IConnectionPoint), "{B196B286-BAB4-101A-B69C-00AA00341D07}");
}

TEST(GeneratedHeaders, OleidlInterfacesAndTheirStructs) {
  EXPECT_EQ(comkit::to_string(IID_IOleWindow), "{00000114-0000-0000-C000-000000000046}");
  EXPECT_EQ(comkit::to_string(IID_IOleInPlaceObject), "{00000113-0000-0000-C000-000000000046}");
  EXPECT_EQ(comkit::to_string(IID_IEnumOLEVERB), "{00000104-0000-0000-C000-000000000046}");
  EXPECT_EQ(comkit::to_string(IID_IContinue), "{0000012A-0000-0000-C000-000000000046}");
  EXPECT_EQ(comkit::to_string(IID_IDropSource), "{00000121-0000-0000-C000-000000000046}");
  static_assert(std::is_same_v<comkit::base_interface_t<IOleInPlaceObject>, IOleWindow>);
  EXPECT_EQ(comkit::guid_of<IEnumOLEVERB>(), IID_IEnumOLEVERB);
  // Windows' x64 layouts.
  EXPECT_EQ(sizeof(OLEVERB), 24u);
  EXPECT_EQ(offsetof(OLEVERB, lpszVerbName), 8u);
  EXPECT_EQ(offsetof(OLEVERB, grfAttribs), 20u);
  EXPECT_EQ(sizeof(RECT), 16u);
  EXPECT_EQ(OLEVERBATTRIB_ONCONTAINERMENU, 2);
  // Slots: IOleWindow's two after IUnknown's three, then IOleInPlaceObject's.
  struct probe final : IOleInPlaceObject {
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID, void**) override { return E_NOTIMPL; }
    ULONG STDMETHODCALLTYPE AddRef() override { return 1; }
    ULONG STDMETHODCALLTYPE Release() override { return 1; }
    HRESULT STDMETHODCALLTYPE GetWindow(HWND*) override { return 3; }
    HRESULT STDMETHODCALLTYPE ContextSensitiveHelp(BOOL) override { return 4; }
    HRESULT STDMETHODCALLTYPE InPlaceDeactivate() override { return 5; }
    HRESULT STDMETHODCALLTYPE UIDeactivate() override { return 6; }
    HRESULT STDMETHODCALLTYPE SetObjectRects(LPCRECT, LPCRECT) override { return 7; }
    HRESULT STDMETHODCALLTYPE ReactivateAndUndo() override { return 8; }
  } p;
  auto slot = [&](int k) { return reinterpret_cast<HRESULT (*)(void*)>((*reinterpret_cast<void***>(&p))[k])(&p); };
  EXPECT_EQ(slot(5), 5);
  EXPECT_EQ(slot(8), 8);
}

}  // namespace
