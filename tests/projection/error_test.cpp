// tests/projection/error_test.cpp - hresult_error, check_hresult and the
// exception-to-HRESULT shim at the ABI boundary.
#include <gtest/gtest.h>

#include <stdexcept>

#include "test_interfaces.h"

namespace {

using comkit::com_ptr;
using namespace test;

// Each method throws something different, behind the standard shim.
struct thrower : comkit::implements<thrower, IAlpha, IDelta, IEpsilon, comkit::support_error_info> {
  int which = 0;
  HRESULT STDMETHODCALLTYPE Alpha(int*) noexcept override try {
    switch (which) {
      case 0: throw comkit::hresult_error(DISP_E_OVERFLOW, "the value does not fit");
      case 1: throw std::bad_alloc();
      case 2: throw std::invalid_argument("bad argument text");
      case 3: throw std::out_of_range("index 7 out of range");
      case 4: throw std::runtime_error("runtime trouble");
      default: throw 42;
    }
  } catch (...) {
    return comkit::detail::to_hresult();
  }
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override try {
    // Calls something that fails and lets check_hresult carry its error info.
    CLSID clsid;
    comkit::check_hresult(CLSIDFromString(u"{not-a-guid}", &clsid));
    *out = static_cast<int>(clsid.Data1);
    return S_OK;
  } catch (...) {
    return comkit::detail::to_hresult();
  }
  HRESULT STDMETHODCALLTYPE Epsilon(int* out) noexcept override try {
    *out = 5;
    return S_OK;
  } catch (...) {
    return comkit::detail::to_hresult();
  }
};

std::string error_description() {
  IErrorInfo* info = nullptr;
  if (GetErrorInfo(0, &info) != S_OK) return "<none>";
  BSTR d = nullptr;
  info->GetDescription(&d);
  std::string s = comkit::detail::utf8_of(d);
  SysFreeString(d);
  info->Release();
  return s;
}

TEST(Shim, MapsExceptionsToHResultsAndErrorInfo) {
  com_ptr<thrower> t = comkit::make_self<thrower>();
  int v = 0;
  const struct {
    HRESULT code;
    const char* text;
  } expected[] = {{DISP_E_OVERFLOW, "the value does not fit"},
                  {E_OUTOFMEMORY, "<none>"},
                  {E_INVALIDARG, "bad argument text"},
                  {E_BOUNDS, "index 7 out of range"},
                  {E_FAIL, "runtime trouble"},
                  {E_FAIL, "unknown exception"}};
  for (int i = 0; i < 6; ++i) {
    t->which = i;
    EXPECT_EQ(t->Alpha(&v), expected[i].code) << i;
    EXPECT_EQ(error_description(), expected[i].text) << i;
  }
  EXPECT_EQ(t->Epsilon(&v), S_OK);
}

TEST(CheckHResult, ThrowsOnFailureOnly) {
  EXPECT_EQ(comkit::check_hresult(S_OK), S_OK);
  EXPECT_EQ(comkit::check_hresult(S_FALSE), S_FALSE);
  try {
    comkit::check_hresult(E_NOINTERFACE);
    ADD_FAILURE();
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), E_NOINTERFACE);
    EXPECT_EQ(e.message(), "No such interface supported");  // no IErrorInfo: the standard text
    EXPECT_STREQ(e.what(), "No such interface supported");
    EXPECT_EQ(e.error_info(), nullptr);
    EXPECT_NE(e.location().line(), 0u);
  }
}

TEST(CheckHResult, CapturesTheThreadErrorInfo) {
  ICreateErrorInfo* create = nullptr;
  ASSERT_EQ(CreateErrorInfo(&create), S_OK);
  create->SetDescription(const_cast<LPOLESTR>(u"Disk \u00e9t\u00e9 full"));
  create->SetSource(const_cast<LPOLESTR>(u"Storage.Service"));
  create->SetHelpFile(const_cast<LPOLESTR>(u"storage.chm"));
  create->SetHelpContext(77);
  com_ptr<IErrorInfo> info = com_ptr<ICreateErrorInfo>(create, comkit::take_ownership).as<IErrorInfo>();
  SetErrorInfo(0, info.get());
  info = nullptr;
  try {
    comkit::check_hresult(STG_E_MEDIUMFULL);
    ADD_FAILURE();
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), STG_E_MEDIUMFULL);
    EXPECT_EQ(e.message(), "Disk \xC3\xA9t\xC3\xA9 full");
    EXPECT_EQ(e.source(), "Storage.Service");
    EXPECT_EQ(e.help_file(), "storage.chm");
    EXPECT_EQ(e.help_context(), 77u);
    EXPECT_NE(e.error_info(), nullptr);
    comkit::hresult_error copy = e;  // copies share the IErrorInfo
    EXPECT_EQ(copy.error_info(), e.error_info());
  }
  IErrorInfo* left = nullptr;
  EXPECT_EQ(GetErrorInfo(0, &left), S_FALSE);  // check_hresult took it
}

TEST(Shim, ErrorInfoTravelsFromCalleeToCaller) {
  com_ptr<IAlpha> a = comkit::make<thrower>();
  int v = 0;
  try {
    comkit::check_hresult(a->Alpha(&v));
    ADD_FAILURE();
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), DISP_E_OVERFLOW);
    EXPECT_EQ(e.message(), "the value does not fit");
  }
  // A nested failure keeps its own code through two boundaries.
  com_ptr<IDelta> d = a.as<IDelta>();
  EXPECT_EQ(d->Delta(&v), CO_E_CLASSSTRING);
  EXPECT_EQ(error_description(), "Invalid class string");
}

void leave_stale_error(const char16_t* text) {
  ICreateErrorInfo* create = nullptr;
  ASSERT_EQ(CreateErrorInfo(&create), S_OK);
  create->SetDescription(const_cast<LPOLESTR>(text));
  IErrorInfo* info = nullptr;
  ASSERT_EQ(create->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&info)), S_OK);
  SetErrorInfo(0, info);
  info->Release();
  create->Release();
}

// Fails without touching the error slot, and has no ISupportErrorInfo.
struct silent_failure : comkit::implements<silent_failure, IDelta> {
  HRESULT STDMETHODCALLTYPE Delta(int*) noexcept override { return E_ACCESSDENIED; }
};

TEST(CheckHResult, StaleErrorInfoIsNotReportedForAnObjectThatDoesNotVouchForIt) {
  com_ptr<IDelta> d = comkit::make<silent_failure>();
  leave_stale_error(u"left by an earlier call");
  int v = 0;
  try {
    comkit::check_hresult(d->Delta(&v), d.get());
    ADD_FAILURE();
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), E_ACCESSDENIED);
    EXPECT_EQ(e.message(), comkit::hresult_message(E_ACCESSDENIED));
    EXPECT_EQ(e.error_info(), nullptr);
  }
  IErrorInfo* left = nullptr;
  EXPECT_EQ(GetErrorInfo(0, &left), S_FALSE);  // the stale object is gone too
}

TEST(CheckHResult, ErrorInfoIsTakenOnlyForTheInterfacesTheObjectNames) {
  // thrower supports error info for IAlpha, IDelta and IEpsilon, not for INever.
  com_ptr<IAlpha> a = comkit::make<thrower>();
  int v = 0;
  try {
    comkit::check_hresult(a->Alpha(&v), a.get());
    ADD_FAILURE();
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.message(), "the value does not fit");
    EXPECT_NE(e.error_info(), nullptr);
  }
  EXPECT_EQ(a->Alpha(&v), DISP_E_OVERFLOW);
  try {
    comkit::check_hresult(DISP_E_OVERFLOW, a.get(), comkit::guid_of<INever>());
    ADD_FAILURE();
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.message(), comkit::hresult_message(DISP_E_OVERFLOW));
    EXPECT_EQ(e.error_info(), nullptr);
  }
  // With no object to ask, nothing is trusted and the slot is emptied.
  leave_stale_error(u"anything");
  EXPECT_EQ(comkit::take_error_info(nullptr, IID_IUnknown), nullptr);
  IErrorInfo* left = nullptr;
  EXPECT_EQ(GetErrorInfo(0, &left), S_FALSE);
  EXPECT_EQ(comkit::check_hresult(S_FALSE, a.get()), S_FALSE);
}

TEST(HResultError, ConstructionForms) {
  comkit::hresult_error plain(E_ABORT);
  EXPECT_EQ(plain.message(), "Operation aborted");
  comkit::hresult_error custom(E_FAIL, "custom text");
  EXPECT_EQ(custom.message(), "custom text");
  comkit::hresult_error unknown(static_cast<HRESULT>(0x80041234));
  EXPECT_EQ(unknown.message(), "Unknown error 0x80041234");
  auto from_null = comkit::hresult_error::from_error_info(E_FAIL, nullptr);
  EXPECT_EQ(from_null.message(), "Unspecified error");
  comkit::hresult_error assigned(S_OK);
  assigned = custom;
  EXPECT_EQ(assigned.code(), E_FAIL);
  EXPECT_EQ(assigned.message(), "custom text");
}

}  // namespace
