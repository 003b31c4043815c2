// tests/runtime/errorinfo_test.cpp - CreateErrorInfo and the per-thread slot.
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

IErrorInfo* make_error(const char16_t* description) {
  ICreateErrorInfo* create = nullptr;
  EXPECT_EQ(CreateErrorInfo(&create), S_OK);
  EXPECT_EQ(create->SetDescription(const_cast<LPOLESTR>(description)), S_OK);
  IErrorInfo* info = nullptr;
  EXPECT_EQ(create->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&info)), S_OK);
  create->Release();
  return info;
}

std::u16string description_of(IErrorInfo* info) {
  BSTR b = nullptr;
  EXPECT_EQ(info->GetDescription(&b), S_OK);
  std::u16string s = b ? std::u16string(b, SysStringLen(b)) : u"<null>";
  SysFreeString(b);
  return s;
}

// An IErrorInfo that counts its references, to check the slot's ownership.
struct counted_error final : IErrorInfo {
  std::atomic<ULONG> refs{1};
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID, void** ppv) override {
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
  HRESULT STDMETHODCALLTYPE GetGUID(GUID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetSource(BSTR*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetDescription(BSTR*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetHelpFile(BSTR*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetHelpContext(DWORD*) override { return E_NOTIMPL; }
};

TEST(CreateErrorInfo, NullIsInvalidArg) { EXPECT_EQ(CreateErrorInfo(nullptr), E_INVALIDARG); }

TEST(CreateErrorInfo, FreshObjectReadsEmpty) {
  ICreateErrorInfo* create = nullptr;
  ASSERT_EQ(CreateErrorInfo(&create), S_OK);
  IErrorInfo* info = nullptr;
  ASSERT_EQ(create->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&info)), S_OK);
  GUID g;
  std::memset(&g, 0xAB, sizeof g);
  EXPECT_EQ(info->GetGUID(&g), S_OK);
  EXPECT_EQ(g, GUID_NULL);
  BSTR b = reinterpret_cast<BSTR>(1);
  EXPECT_EQ(info->GetSource(&b), S_OK);
  EXPECT_EQ(b, nullptr);
  b = reinterpret_cast<BSTR>(1);
  EXPECT_EQ(info->GetDescription(&b), S_OK);
  EXPECT_EQ(b, nullptr);
  b = reinterpret_cast<BSTR>(1);
  EXPECT_EQ(info->GetHelpFile(&b), S_OK);
  EXPECT_EQ(b, nullptr);
  DWORD ctx = 7;
  EXPECT_EQ(info->GetHelpContext(&ctx), S_OK);
  EXPECT_EQ(ctx, 0u);
  info->Release();
  create->Release();
}

TEST(CreateErrorInfo, FieldsRoundTrip) {
  ICreateErrorInfo* create = nullptr;
  ASSERT_EQ(CreateErrorInfo(&create), S_OK);
  EXPECT_EQ(create->SetGUID(IID_IMalloc), S_OK);
  EXPECT_EQ(create->SetSource(const_cast<LPOLESTR>(u"Source.Prog")), S_OK);
  EXPECT_EQ(create->SetDescription(const_cast<LPOLESTR>(u"It broke")), S_OK);
  EXPECT_EQ(create->SetHelpFile(const_cast<LPOLESTR>(u"help.chm")), S_OK);
  EXPECT_EQ(create->SetHelpContext(42), S_OK);
  IErrorInfo* info = nullptr;
  ASSERT_EQ(create->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&info)), S_OK);
  GUID g;
  EXPECT_EQ(info->GetGUID(&g), S_OK);
  EXPECT_EQ(g, IID_IMalloc);
  BSTR b = nullptr;
  EXPECT_EQ(info->GetSource(&b), S_OK);
  EXPECT_EQ(std::u16string(b), u"Source.Prog");
  SysFreeString(b);
  EXPECT_EQ(description_of(info), u"It broke");
  EXPECT_EQ(info->GetHelpFile(&b), S_OK);
  EXPECT_EQ(std::u16string(b), u"help.chm");
  SysFreeString(b);
  DWORD ctx = 0;
  EXPECT_EQ(info->GetHelpContext(&ctx), S_OK);
  EXPECT_EQ(ctx, 42u);
  // Setting NULL clears a field.
  EXPECT_EQ(create->SetDescription(nullptr), S_OK);
  EXPECT_EQ(description_of(info), u"<null>");
  info->Release();
  create->Release();
}

TEST(CreateErrorInfo, NullOutParametersAreInvalidArg) {
  IErrorInfo* info = make_error(u"x");
  EXPECT_EQ(info->GetGUID(nullptr), E_INVALIDARG);
  EXPECT_EQ(info->GetSource(nullptr), E_INVALIDARG);
  EXPECT_EQ(info->GetDescription(nullptr), E_INVALIDARG);
  EXPECT_EQ(info->GetHelpFile(nullptr), E_INVALIDARG);
  EXPECT_EQ(info->GetHelpContext(nullptr), E_INVALIDARG);
  EXPECT_EQ(info->QueryInterface(IID_IErrorInfo, nullptr), E_POINTER);
  info->Release();
}

TEST(CreateErrorInfo, QueryInterfaceFollowsComRules) {
  IErrorInfo* info = make_error(u"x");
  IUnknown* unk1 = nullptr;
  IUnknown* unk2 = nullptr;
  ICreateErrorInfo* create = nullptr;
  ASSERT_EQ(info->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(&unk1)), S_OK);
  ASSERT_EQ(info->QueryInterface(IID_ICreateErrorInfo, reinterpret_cast<void**>(&create)), S_OK);
  ASSERT_EQ(create->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(&unk2)), S_OK);
  EXPECT_EQ(unk1, unk2);  // identity
  IErrorInfo* back = nullptr;
  ASSERT_EQ(create->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&back)), S_OK);
  EXPECT_EQ(back, info);  // symmetric
  void* none = reinterpret_cast<void*>(1);
  EXPECT_EQ(info->QueryInterface(IID_IClassFactory, &none), E_NOINTERFACE);
  EXPECT_EQ(none, nullptr);
  back->Release();
  unk2->Release();
  create->Release();
  unk1->Release();
  EXPECT_EQ(info->Release(), 0u);
}

TEST(ErrorInfoSlot, EmptySlotIsSFalse) {
  IErrorInfo* got = reinterpret_cast<IErrorInfo*>(1);
  EXPECT_EQ(GetErrorInfo(0, &got), S_FALSE);
  EXPECT_EQ(got, nullptr);
}

TEST(ErrorInfoSlot, ReservedAndNullArguments) {
  IErrorInfo* info = make_error(u"x");
  EXPECT_EQ(SetErrorInfo(1, info), E_INVALIDARG);
  IErrorInfo* got = nullptr;
  EXPECT_EQ(GetErrorInfo(0, &got), S_FALSE);  // the failed Set stored nothing
  EXPECT_EQ(SetErrorInfo(0, info), S_OK);
  EXPECT_EQ(GetErrorInfo(1, &got), E_INVALIDARG);
  EXPECT_EQ(GetErrorInfo(0, nullptr), E_INVALIDARG);
  EXPECT_EQ(GetErrorInfo(0, &got), S_OK);  // still there after the rejected calls
  EXPECT_EQ(got, info);
  got->Release();
  info->Release();
}

TEST(ErrorInfoSlot, GetHandsOverAndClears) {
  counted_error e;
  EXPECT_EQ(SetErrorInfo(0, &e), S_OK);
  EXPECT_EQ(e.refs, 2u);
  IErrorInfo* got = nullptr;
  EXPECT_EQ(GetErrorInfo(0, &got), S_OK);
  EXPECT_EQ(got, &e);
  EXPECT_EQ(e.refs, 2u);  // no extra AddRef: the slot's reference moved to us
  EXPECT_EQ(GetErrorInfo(0, &got), S_FALSE);
  EXPECT_EQ(got, nullptr);
  e.Release();
  EXPECT_EQ(e.refs, 1u);
}

TEST(ErrorInfoSlot, SetReplacesAndNullClears) {
  counted_error a, b;
  EXPECT_EQ(SetErrorInfo(0, &a), S_OK);
  EXPECT_EQ(SetErrorInfo(0, &b), S_OK);
  EXPECT_EQ(a.refs, 1u);
  EXPECT_EQ(b.refs, 2u);
  EXPECT_EQ(SetErrorInfo(0, nullptr), S_OK);
  EXPECT_EQ(b.refs, 1u);
  IErrorInfo* got = nullptr;
  EXPECT_EQ(GetErrorInfo(0, &got), S_FALSE);
}

TEST(ErrorInfoSlot, SettingTheSameObjectTwiceKeepsOneReference) {
  counted_error a;
  EXPECT_EQ(SetErrorInfo(0, &a), S_OK);
  EXPECT_EQ(SetErrorInfo(0, &a), S_OK);
  EXPECT_EQ(a.refs, 2u);
  EXPECT_EQ(SetErrorInfo(0, nullptr), S_OK);
  EXPECT_EQ(a.refs, 1u);
}

TEST(ErrorInfoSlot, EachThreadHasItsOwn) {
  IErrorInfo* mine = make_error(u"main");
  ASSERT_EQ(SetErrorInfo(0, mine), S_OK);
  std::thread t([] {
    IErrorInfo* got = nullptr;
    EXPECT_EQ(GetErrorInfo(0, &got), S_FALSE);
    IErrorInfo* theirs = make_error(u"worker");
    EXPECT_EQ(SetErrorInfo(0, theirs), S_OK);
    theirs->Release();
  });
  t.join();
  IErrorInfo* got = nullptr;
  ASSERT_EQ(GetErrorInfo(0, &got), S_OK);
  EXPECT_EQ(description_of(got), u"main");
  got->Release();
  mine->Release();
}

TEST(ErrorInfoSlot, ThreadExitReleasesWhatIsLeft) {
  counted_error e;
  std::thread t([&] { EXPECT_EQ(SetErrorInfo(0, &e), S_OK); });
  t.join();
  EXPECT_EQ(e.refs, 1u);
}

TEST(ErrorInfoSlot, ManyThreadsRoundTrip) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([] {
      for (int i = 0; i < 2000; ++i) {
        IErrorInfo* e = make_error(u"loop");
        EXPECT_EQ(SetErrorInfo(0, e), S_OK);
        e->Release();
        IErrorInfo* got = nullptr;
        EXPECT_EQ(GetErrorInfo(0, &got), S_OK);
        EXPECT_EQ(got, e);
        got->Release();
      }
    });
  for (auto& t : threads) t.join();
}

TEST(ErrorInfoObject, SharedAcrossThreadsIsSafe) {
  ICreateErrorInfo* create = nullptr;
  ASSERT_EQ(CreateErrorInfo(&create), S_OK);
  IErrorInfo* info = nullptr;
  ASSERT_EQ(create->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&info)), S_OK);
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i)
      create->SetDescription(const_cast<LPOLESTR>(i % 2 ? u"odd" : u"even"));
  });
  for (int i = 0; i < 2000; ++i) {
    const std::u16string d = description_of(info);
    EXPECT_TRUE(d == u"odd" || d == u"even" || d == u"<null>");
  }
  writer.join();
  info->Release();
  create->Release();
}

}  // namespace
