// tests/runtime/alloc_failure_test.cpp - every allocating function, made to
// fail at each of its allocations in turn through a malloc spy: each failure
// must give the documented result, leave its arguments usable, and leak
// nothing (the ASan+UBSan run checks the leaks).
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <comkit/abi/extensions.h>

#include <functional>

#include "spy_helpers.h"
#include <string>

namespace {

// Lets `allow` allocations through, then fails every later one.
class failing_spy final : public test::passthrough_spy {
 public:
  int allow = 0;
  int seen = 0;

  SIZE_T STDMETHODCALLTYPE PreAlloc(SIZE_T cb) override { return ++seen > allow ? 0 : cb; }
  SIZE_T STDMETHODCALLTYPE PreRealloc(void* p, SIZE_T cb, void** out, BOOL) override {
    *out = p;
    return ++seen > allow ? 0 : cb;
  }
};

// Runs `attempt` with 0, 1, 2 ... allocations allowed until it succeeds;
// `attempt` returns true on success and checks the failure result itself.
// Returns how many allocations the successful run needed.
int fail_each_allocation(const std::function<bool()>& attempt) {
  // Static: if an attempt leaves a spied block alive, the spy stays
  // registered until that block is freed, and must outlive the test.
  static failing_spy spy;
  for (int allow = 0; allow < 16; ++allow) {
    spy.allow = allow;
    spy.seen = 0;
    EXPECT_EQ(CoRegisterMallocSpy(&spy), S_OK);
    const bool ok = attempt();
    const HRESULT revoked = CoRevokeMallocSpy();
    if (revoked == E_ACCESSDENIED) {
      ADD_FAILURE() << "blocks allocated under the spy are still alive after the attempt";
      return -1;
    }
    if (ok) return allow;
  }
  ADD_FAILURE() << "never succeeded";
  return -1;
}

TEST(AllocationFailure, CoTaskMemAlloc) {
  EXPECT_EQ(fail_each_allocation([] {
              void* p = CoTaskMemAlloc(10);
              CoTaskMemFree(p);
              return p != nullptr;
            }),
            1);
}

TEST(AllocationFailure, SysAllocStringFamily) {
  EXPECT_EQ(fail_each_allocation([] {
              BSTR b = SysAllocString(u"text");
              SysFreeString(b);
              return b != nullptr;
            }),
            1);
  EXPECT_EQ(fail_each_allocation([] {
              BSTR b = SysAllocStringByteLen("abc", 3);
              SysFreeString(b);
              return b != nullptr;
            }),
            1);
}

TEST(AllocationFailure, SysReAllocStringKeepsTheOldString) {
  BSTR b = SysAllocString(u"old");
  fail_each_allocation([&] {
    const INT ok = SysReAllocString(&b, u"a longer replacement string");
    if (!ok) {
      EXPECT_EQ(std::u16string(b), u"old");
    }
    return ok == TRUE;
  });
  EXPECT_EQ(std::u16string(b), u"a longer replacement string");
  SysFreeString(b);
}

TEST(AllocationFailure, StringFromCLSID) {
  fail_each_allocation([] {
    LPOLESTR s = reinterpret_cast<LPOLESTR>(1);
    const HRESULT hr = StringFromCLSID(IID_IUnknown, &s);
    if (FAILED(hr)) {
      EXPECT_EQ(hr, E_OUTOFMEMORY);
      EXPECT_EQ(s, nullptr);
    }
    CoTaskMemFree(SUCCEEDED(hr) ? s : nullptr);
    return SUCCEEDED(hr);
  });
}

TEST(AllocationFailure, CreateErrorInfoAndItsStrings) {
  EXPECT_EQ(fail_each_allocation([] {
              ICreateErrorInfo* c = reinterpret_cast<ICreateErrorInfo*>(1);
              const HRESULT hr = CreateErrorInfo(&c);
              if (FAILED(hr)) {
                EXPECT_EQ(hr, E_OUTOFMEMORY);
                EXPECT_EQ(c, nullptr);
                return false;
              }
              c->Release();
              return true;
            }),
            1);
  ICreateErrorInfo* c = nullptr;
  ASSERT_EQ(CreateErrorInfo(&c), S_OK);
  IErrorInfo* e = nullptr;
  ASSERT_EQ(c->QueryInterface(IID_IErrorInfo, reinterpret_cast<void**>(&e)), S_OK);
  fail_each_allocation([&] {
    const HRESULT hr = c->SetSource(const_cast<LPOLESTR>(u"source"));
    if (FAILED(hr)) {
      EXPECT_EQ(hr, E_OUTOFMEMORY);
      BSTR s = reinterpret_cast<BSTR>(1);
      EXPECT_EQ(e->GetSource(&s), S_OK);
      EXPECT_EQ(s, nullptr);  // a failed Set leaves the field as it was
    }
    c->SetSource(nullptr);  // frees what the spy saw allocated
    return SUCCEEDED(hr);
  });
  ASSERT_EQ(c->SetDescription(const_cast<LPOLESTR>(u"described")), S_OK);
  fail_each_allocation([&] {
    BSTR d = reinterpret_cast<BSTR>(1);
    const HRESULT hr = e->GetDescription(&d);
    if (FAILED(hr)) {
      EXPECT_EQ(hr, E_OUTOFMEMORY);
    } else {
      EXPECT_EQ(std::u16string(d), u"described");
      SysFreeString(d);
    }
    return SUCCEEDED(hr);
  });
  e->Release();
  c->Release();
}

TEST(AllocationFailure, SafeArrayCreateAndCopy) {
  // Descriptor, then data: two allocations; a failure leaves nothing behind.
  EXPECT_EQ(fail_each_allocation([] {
              SAFEARRAYBOUND b = {4, 0};
              SAFEARRAY* psa = SafeArrayCreate(VT_I4, 1, &b);
              SafeArrayDestroy(psa);
              return psa != nullptr;
            }),
            2);
  EXPECT_EQ(fail_each_allocation([] {
              SAFEARRAY* v = SafeArrayCreateVector(VT_R8, 0, 4);
              SafeArrayDestroy(v);
              return v != nullptr;
            }),
            1);
  // Copying an array of two BSTRs: descriptor, data, two strings.
  SAFEARRAY* src = SafeArrayCreateVector(VT_BSTR, 0, 2);
  ASSERT_NE(src, nullptr);
  BSTR s = SysAllocString(u"element");
  for (LONG i = 0; i < 2; ++i) SafeArrayPutElement(src, &i, s);
  SysFreeString(s);
  EXPECT_EQ(fail_each_allocation([src] {
              SAFEARRAY* copy = reinterpret_cast<SAFEARRAY*>(1);
              HRESULT hr = SafeArrayCopy(src, &copy);
              if (FAILED(hr)) {
                EXPECT_EQ(hr, E_OUTOFMEMORY);
                EXPECT_EQ(copy, nullptr);
                return false;
              }
              SafeArrayDestroy(copy);
              return true;
            }),
            4);
  SafeArrayDestroy(src);
}

TEST(AllocationFailure, VariantCopyLeavesTheDestinationEmpty) {
  VARIANT src;
  VariantInit(&src);
  src.vt = VT_BSTR;
  src.bstrVal = SysAllocString(u"copy me");
  EXPECT_EQ(fail_each_allocation([&src] {
              VARIANT dst;
              VariantInit(&dst);
              HRESULT hr = VariantCopy(&dst, &src);
              if (FAILED(hr)) {
                EXPECT_EQ(hr, E_OUTOFMEMORY);
                EXPECT_EQ(dst.vt, VT_EMPTY);
                return false;
              }
              VariantClear(&dst);
              return true;
            }),
            1);
  VariantClear(&src);
}

TEST(AllocationFailure, ComkitBstrFromUtf8) {
  fail_each_allocation([] {
    BSTR b = reinterpret_cast<BSTR>(1);
    const HRESULT hr = ComkitBstrFromUtf8("utf-8", 5, &b);
    if (FAILED(hr)) {
      EXPECT_EQ(hr, E_OUTOFMEMORY);
      EXPECT_EQ(b, nullptr);
    }
    SysFreeString(SUCCEEDED(hr) ? b : nullptr);
    return SUCCEEDED(hr);
  });
}

}  // namespace
