// tests/runtime/safearray_test.cpp - SAFEARRAY against Windows' documented
// and observed behaviour: layout (reversed bounds, hidden fields), the
// feature flags each creator sets, locking limits, element copy semantics,
// Redim, Copy and every error path.
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <initializer_list>

#include <cstring>
#include <vector>

#include "automation_fakes.h"

namespace {

using comkit_test::counted_record_info;
using comkit_test::counted_unknown;

constexpr USHORT FADF_CREATEVECTOR = 0x2000;

struct vt_case {
  VARTYPE vt;
  ULONG size;
  USHORT features;  // what SafeArrayCreate sets
};

const vt_case creatable[] = {
    {VT_I1, 1, FADF_HAVEVARTYPE},        {VT_UI1, 1, FADF_HAVEVARTYPE},
    {VT_I2, 2, FADF_HAVEVARTYPE},        {VT_UI2, 2, FADF_HAVEVARTYPE},
    {VT_BOOL, 2, FADF_HAVEVARTYPE},      {VT_I4, 4, FADF_HAVEVARTYPE},
    {VT_UI4, 4, FADF_HAVEVARTYPE},       {VT_R4, 4, FADF_HAVEVARTYPE},
    {VT_ERROR, 4, FADF_HAVEVARTYPE},     {VT_INT, 4, FADF_HAVEVARTYPE},
    {VT_UINT, 4, FADF_HAVEVARTYPE},      {VT_I8, 8, FADF_HAVEVARTYPE},
    {VT_UI8, 8, FADF_HAVEVARTYPE},       {VT_R8, 8, FADF_HAVEVARTYPE},
    {VT_CY, 8, FADF_HAVEVARTYPE},        {VT_DATE, 8, FADF_HAVEVARTYPE},
    {VT_DECIMAL, 16, FADF_HAVEVARTYPE},  {VT_BSTR, 8, FADF_HAVEVARTYPE | FADF_BSTR},
    {VT_VARIANT, 24, FADF_HAVEVARTYPE | FADF_VARIANT}, {VT_UNKNOWN, 8, FADF_HAVEIID | FADF_UNKNOWN},
    {VT_DISPATCH, 8, FADF_HAVEIID | FADF_DISPATCH},
};

TEST(SafeArrayCreate, EveryCreatableTypeHasWindowsSizeFlagsAndVartype) {
  for (const vt_case& c : creatable) {
    SAFEARRAYBOUND b[2] = {{3, 1}, {2, -1}};
    SAFEARRAY* psa = SafeArrayCreate(c.vt, 2, b);
    ASSERT_NE(psa, nullptr) << "vt " << c.vt;
    EXPECT_EQ(psa->cbElements, c.size) << "vt " << c.vt;
    EXPECT_EQ(SafeArrayGetElemsize(psa), c.size);
    EXPECT_EQ(psa->fFeatures, c.features) << "vt " << c.vt;
    EXPECT_EQ(SafeArrayGetDim(psa), 2u);
    VARTYPE vt = 0;
    EXPECT_EQ(SafeArrayGetVartype(psa, &vt), S_OK);
    EXPECT_EQ(vt, c.vt);
    // Zeroed elements.
    void* data = nullptr;
    ASSERT_EQ(SafeArrayAccessData(psa, &data), S_OK);
    std::vector<unsigned char> zero(6 * c.size);
    EXPECT_EQ(std::memcmp(data, zero.data(), zero.size()), 0);
    EXPECT_EQ(SafeArrayUnaccessData(psa), S_OK);
    EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
  }
}

TEST(SafeArrayCreate, RejectsTypesArraysCannotHold) {
  SAFEARRAYBOUND b = {4, 0};
  for (VARTYPE vt : std::initializer_list<VARTYPE>{VT_EMPTY, VT_NULL, VARTYPE(15), VT_VOID, VT_HRESULT, VT_PTR, VT_SAFEARRAY, VT_CARRAY, VT_USERDEFINED,
                     VT_LPSTR, VT_LPWSTR, VT_RECORD, VT_FILETIME, VT_BLOB, VT_CLSID, VARTYPE(0xffff), VARTYPE(VT_I4 | VT_ARRAY)}) {
    EXPECT_EQ(SafeArrayCreate(vt, 1, &b), nullptr) << "vt " << vt;
    EXPECT_EQ(SafeArrayCreateVector(vt, 0, 4), nullptr) << "vt " << vt;
  }
  EXPECT_EQ(SafeArrayCreate(VT_I4, 1, nullptr), nullptr);
  EXPECT_EQ(SafeArrayCreate(VT_I4, 0, &b), nullptr);
  std::vector<SAFEARRAYBOUND> many(65536, SAFEARRAYBOUND{1, 0});
  EXPECT_EQ(SafeArrayCreate(VT_I4, 65536, many.data()), nullptr);
}

TEST(SafeArrayCreate, BoundsAreStoredInReverseAndIndicesVaryFastestFirst) {
  // Windows: Create({42, 1}, {2, 23}) reads back as LBound(1)=1,
  // UBound(1)=42, LBound(2)=23, UBound(2)=24.
  SAFEARRAYBOUND b[2] = {{42, 1}, {2, 23}};
  SAFEARRAY* psa = SafeArrayCreate(VT_I4, 2, b);
  ASSERT_NE(psa, nullptr);
  EXPECT_EQ(psa->rgsabound[1].cElements, 42u);
  EXPECT_EQ(psa->rgsabound[0].lLbound, 23);
  LONG l = 0;
  EXPECT_EQ(SafeArrayGetLBound(psa, 1, &l), S_OK);
  EXPECT_EQ(l, 1);
  EXPECT_EQ(SafeArrayGetUBound(psa, 1, &l), S_OK);
  EXPECT_EQ(l, 42);
  EXPECT_EQ(SafeArrayGetLBound(psa, 2, &l), S_OK);
  EXPECT_EQ(l, 23);
  EXPECT_EQ(SafeArrayGetUBound(psa, 2, &l), S_OK);
  EXPECT_EQ(l, 24);
  EXPECT_EQ(SafeArrayGetLBound(psa, 0, &l), DISP_E_BADINDEX);
  EXPECT_EQ(SafeArrayGetUBound(psa, 3, &l), DISP_E_BADINDEX);
  EXPECT_EQ(SafeArrayGetLBound(nullptr, 1, &l), E_INVALIDARG);
  EXPECT_EQ(SafeArrayGetUBound(psa, 1, nullptr), E_INVALIDARG);
  // Column-major: (3,23) is +8 bytes from (1,23), (3,24) +176, (20,23) +76.
  void *base = nullptr, *p = nullptr;
  LONG i0[2] = {1, 23}, i1[2] = {3, 23}, i2[2] = {3, 24}, i3[2] = {20, 23};
  ASSERT_EQ(SafeArrayPtrOfIndex(psa, i0, &base), S_OK);
  EXPECT_EQ(base, psa->pvData);
  ASSERT_EQ(SafeArrayPtrOfIndex(psa, i1, &p), S_OK);
  EXPECT_EQ(static_cast<char*>(p) - static_cast<char*>(base), 8);
  ASSERT_EQ(SafeArrayPtrOfIndex(psa, i2, &p), S_OK);
  EXPECT_EQ(static_cast<char*>(p) - static_cast<char*>(base), 176);
  ASSERT_EQ(SafeArrayPtrOfIndex(psa, i3, &p), S_OK);
  EXPECT_EQ(static_cast<char*>(p) - static_cast<char*>(base), 76);
  LONG bad[2] = {43, 23}, bad2[2] = {1, 25}, bad3[2] = {0, 23};
  EXPECT_EQ(SafeArrayPtrOfIndex(psa, bad, &p), DISP_E_BADINDEX);
  EXPECT_EQ(SafeArrayPtrOfIndex(psa, bad2, &p), DISP_E_BADINDEX);
  EXPECT_EQ(SafeArrayPtrOfIndex(psa, bad3, &p), DISP_E_BADINDEX);
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
}

TEST(SafeArrayCreate, EmptyDimensionsAreAllowed) {
  SAFEARRAYBOUND b = {0, 42};
  SAFEARRAY* psa = SafeArrayCreate(VT_I4, 1, &b);
  ASSERT_NE(psa, nullptr);
  LONG u = 0;
  EXPECT_EQ(SafeArrayGetUBound(psa, 1, &u), S_OK);
  EXPECT_EQ(u, 41);  // lower bound - 1
  void* data = nullptr;
  EXPECT_EQ(SafeArrayAccessData(psa, &data), S_OK);
  EXPECT_EQ(SafeArrayUnaccessData(psa), S_OK);
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
}

TEST(SafeArrayHidden, FieldsSitInFrontOfTheDescriptor) {
  SAFEARRAYBOUND b = {1, 0};
  SAFEARRAY* psa = SafeArrayCreate(VT_UI2, 1, &b);
  ASSERT_NE(psa, nullptr);
  EXPECT_EQ(reinterpret_cast<DWORD*>(psa)[-1], DWORD{VT_UI2});
  GUID g{};
  EXPECT_EQ(SafeArrayGetIID(psa, &g), E_INVALIDARG);
  EXPECT_EQ(SafeArraySetIID(psa, IID_IStream), E_INVALIDARG);
  SafeArrayDestroy(psa);

  psa = SafeArrayCreate(VT_UNKNOWN, 1, &b);
  ASSERT_NE(psa, nullptr);
  EXPECT_EQ(reinterpret_cast<GUID*>(psa)[-1], IID_IUnknown);
  EXPECT_EQ(SafeArraySetIID(psa, IID_IStream), S_OK);
  EXPECT_EQ(SafeArrayGetIID(psa, &g), S_OK);
  EXPECT_EQ(g, IID_IStream);
  reinterpret_cast<GUID*>(psa)[-1] = IID_IDispatch;  // the getter reads the same bytes
  EXPECT_EQ(SafeArrayGetIID(psa, &g), S_OK);
  EXPECT_EQ(g, IID_IDispatch);
  EXPECT_EQ(SafeArrayGetIID(psa, nullptr), E_INVALIDARG);
  SafeArrayDestroy(psa);

  SAFEARRAY* ex = SafeArrayCreateEx(VT_DISPATCH, 1, &b, const_cast<GUID*>(&IID_ITypeInfo));
  ASSERT_NE(ex, nullptr);
  EXPECT_EQ(SafeArrayGetIID(ex, &g), S_OK);
  EXPECT_EQ(g, IID_ITypeInfo);
  SafeArrayDestroy(ex);
  ex = SafeArrayCreateEx(VT_DISPATCH, 1, &b, nullptr);
  ASSERT_NE(ex, nullptr);
  EXPECT_EQ(SafeArrayGetIID(ex, &g), S_OK);
  EXPECT_EQ(g, IID_IDispatch);
  SafeArrayDestroy(ex);
}

TEST(SafeArrayAllocDescriptor, LimitsAndZeroedDescriptor) {
  SAFEARRAY* psa = nullptr;
  EXPECT_EQ(SafeArrayAllocDescriptor(0, &psa), E_INVALIDARG);
  EXPECT_EQ(SafeArrayAllocDescriptor(65536, &psa), E_INVALIDARG);
  EXPECT_EQ(SafeArrayAllocDescriptor(1, nullptr), E_POINTER);
  ASSERT_EQ(SafeArrayAllocDescriptor(65535, &psa), S_OK);
  EXPECT_EQ(SafeArrayGetDim(psa), 65535u);
  EXPECT_EQ(psa->fFeatures, 0);
  EXPECT_EQ(psa->cbElements, 0u);
  EXPECT_EQ(psa->pvData, nullptr);
  VARTYPE vt;
  EXPECT_EQ(SafeArrayGetVartype(psa, &vt), E_INVALIDARG);
  EXPECT_EQ(SafeArrayDestroyDescriptor(psa), S_OK);

  // Build an array by hand: bounds, element size, then data.
  ASSERT_EQ(SafeArrayAllocDescriptor(2, &psa), S_OK);
  psa->rgsabound[0] = {2, 1};
  psa->rgsabound[1] = {4, 1};
  psa->cbElements = 2;
  ASSERT_EQ(SafeArrayAllocData(psa), S_OK);
  void* p = nullptr;
  LONG idx[2] = {4, 2};
  ASSERT_EQ(SafeArrayPtrOfIndex(psa, idx, &p), S_OK);
  EXPECT_EQ(static_cast<char*>(p) - static_cast<char*>(psa->pvData), 14);
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
  EXPECT_EQ(SafeArrayAllocData(nullptr), E_INVALIDARG);
}

TEST(SafeArrayAllocDescriptorEx, SetsOnlyTheHiddenFieldAndDoesNotValidateVt) {
  SAFEARRAY* psa = nullptr;
  EXPECT_EQ(SafeArrayAllocDescriptorEx(VT_I4, 0, &psa), E_INVALIDARG);
  EXPECT_EQ(SafeArrayAllocDescriptorEx(VT_I4, 1, nullptr), E_POINTER);
  ASSERT_EQ(SafeArrayAllocDescriptorEx(0xffff, 1, &psa), S_OK);
  EXPECT_EQ(psa->fFeatures, FADF_HAVEVARTYPE);
  SafeArrayDestroyDescriptor(psa);
  ASSERT_EQ(SafeArrayAllocDescriptorEx(VT_BSTR, 1, &psa), S_OK);
  EXPECT_EQ(psa->fFeatures, FADF_HAVEVARTYPE);  // no FADF_BSTR from here
  EXPECT_EQ(reinterpret_cast<DWORD*>(psa)[-1], DWORD{VT_BSTR});
  SafeArrayDestroyDescriptor(psa);
  ASSERT_EQ(SafeArrayAllocDescriptorEx(VT_DISPATCH, 1, &psa), S_OK);
  EXPECT_EQ(psa->fFeatures, FADF_HAVEIID);
  VARTYPE vt = 0;
  EXPECT_EQ(SafeArrayGetVartype(psa, &vt), S_OK);
  EXPECT_EQ(vt, VT_UNKNOWN);  // Windows: no FADF_DISPATCH, so VT_UNKNOWN
  GUID g{};
  EXPECT_EQ(SafeArrayGetIID(psa, &g), S_OK);
  EXPECT_EQ(g, IID_IDispatch);
  SafeArrayDestroyDescriptor(psa);
  ASSERT_EQ(SafeArrayAllocDescriptorEx(VT_RECORD, 1, &psa), S_OK);
  EXPECT_EQ(psa->fFeatures, FADF_RECORD);
  SafeArrayDestroyDescriptor(psa);
}

TEST(SafeArrayLock, CountsTo65535AndErrsBeyond) {
  SAFEARRAY* psa = SafeArrayCreateVector(VT_I4, 0, 2);
  ASSERT_NE(psa, nullptr);
  EXPECT_EQ(SafeArrayLock(nullptr), E_INVALIDARG);
  EXPECT_EQ(SafeArrayUnlock(nullptr), E_INVALIDARG);
  EXPECT_EQ(SafeArrayUnlock(psa), E_UNEXPECTED);
  for (int i = 0; i < 65535; ++i) ASSERT_EQ(SafeArrayLock(psa), S_OK);
  EXPECT_EQ(SafeArrayLock(psa), E_UNEXPECTED);
  EXPECT_EQ(SafeArrayDestroy(psa), DISP_E_ARRAYISLOCKED);
  EXPECT_EQ(SafeArrayDestroyData(psa), DISP_E_ARRAYISLOCKED);
  EXPECT_EQ(SafeArrayDestroyDescriptor(psa), DISP_E_ARRAYISLOCKED);
  SAFEARRAYBOUND nb = {3, 0};
  EXPECT_EQ(SafeArrayRedim(psa, &nb), DISP_E_ARRAYISLOCKED);
  for (int i = 0; i < 65535; ++i) ASSERT_EQ(SafeArrayUnlock(psa), S_OK);
  EXPECT_EQ(SafeArrayUnlock(psa), E_UNEXPECTED);
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
  void* data = nullptr;
  EXPECT_EQ(SafeArrayAccessData(nullptr, &data), E_INVALIDARG);
}

TEST(SafeArrayDestroy, NullIsFineAndLockedIsRefused) {
  EXPECT_EQ(SafeArrayDestroy(nullptr), S_OK);
  EXPECT_EQ(SafeArrayDestroyData(nullptr), E_INVALIDARG);
  EXPECT_EQ(SafeArrayDestroyDescriptor(nullptr), E_INVALIDARG);
  SAFEARRAYBOUND b = {2, 0};
  SAFEARRAY* psa = SafeArrayCreate(VT_I4, 1, &b);
  void* data = nullptr;
  ASSERT_EQ(SafeArrayAccessData(psa, &data), S_OK);
  EXPECT_EQ(SafeArrayDestroy(psa), DISP_E_ARRAYISLOCKED);
  EXPECT_EQ(SafeArrayUnaccessData(psa), S_OK);
  EXPECT_EQ(SafeArrayDestroyData(psa), S_OK);
  EXPECT_EQ(psa->pvData, nullptr);
  EXPECT_EQ(psa->fFeatures, FADF_HAVEVARTYPE);
  EXPECT_EQ(SafeArrayDestroyData(psa), S_OK);  // no data: nothing to do
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
}

TEST(SafeArrayDestroyData, StaticDataIsClearedAndKept) {
  SAFEARRAYBOUND b = {2, 0};
  SAFEARRAY* psa = SafeArrayCreate(VT_INT, 1, &b);
  ASSERT_NE(psa, nullptr);
  LONG i = 1;
  INT v = 77;
  ASSERT_EQ(SafeArrayPutElement(psa, &i, &v), S_OK);
  void* data = psa->pvData;
  psa->fFeatures |= FADF_STATIC;
  EXPECT_EQ(SafeArrayDestroyData(psa), S_OK);
  EXPECT_EQ(psa->pvData, data);
  EXPECT_EQ(SafeArrayGetElement(psa, &i, &v), S_OK);
  EXPECT_EQ(v, 0);
  psa->fFeatures &= static_cast<USHORT>(~FADF_STATIC);
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
}

TEST(SafeArrayCreateVector, OneBlockWithCreateVectorFlag) {
  SAFEARRAY* psa = SafeArrayCreateVector(VT_I4, -5, 10);
  ASSERT_NE(psa, nullptr);
  EXPECT_EQ(psa->fFeatures, FADF_HAVEVARTYPE | FADF_CREATEVECTOR);  // not FADF_FIXEDSIZE, whatever the docs say
  EXPECT_EQ(SafeArrayGetDim(psa), 1u);
  EXPECT_EQ(psa->pvData, reinterpret_cast<char*>(psa) + sizeof(SAFEARRAY));
  LONG l = 0, u = 0;
  SafeArrayGetLBound(psa, 1, &l);
  SafeArrayGetUBound(psa, 1, &u);
  EXPECT_EQ(l, -5);
  EXPECT_EQ(u, 4);
  LONG i = 4;
  LONG v = 9;
  EXPECT_EQ(SafeArrayPutElement(psa, &i, &v), S_OK);
  EXPECT_EQ(SafeArrayDestroyData(psa), S_OK);
  EXPECT_EQ(psa->fFeatures, FADF_HAVEVARTYPE);  // Windows clears FADF_CREATEVECTOR
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
  SAFEARRAY* empty = SafeArrayCreateVector(VT_UI1, 0, 0);
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(SafeArrayDestroy(empty), S_OK);
  SAFEARRAY* bstrs = SafeArrayCreateVector(VT_BSTR, 0, 3);
  ASSERT_NE(bstrs, nullptr);
  EXPECT_EQ(bstrs->fFeatures, FADF_HAVEVARTYPE | FADF_BSTR | FADF_CREATEVECTOR);
  BSTR s = SysAllocString(u"vector");
  LONG at = 2;
  EXPECT_EQ(SafeArrayPutElement(bstrs, &at, s), S_OK);
  SysFreeString(s);
  EXPECT_EQ(SafeArrayDestroy(bstrs), S_OK);  // frees the element (ASan checks)
}

TEST(SafeArrayElements, BstrElementsAreCopiesBothWays) {
  SAFEARRAYBOUND b = {3, 0};
  SAFEARRAY* psa = SafeArrayCreate(VT_BSTR, 1, &b);
  ASSERT_NE(psa, nullptr);
  BSTR in = SysAllocStringByteLen("odd", 3);  // an odd byte length survives
  LONG i = 1;
  ASSERT_EQ(SafeArrayPutElement(psa, &i, in), S_OK);
  EXPECT_NE(static_cast<BSTR*>(psa->pvData)[1], in);
  BSTR out = nullptr;
  ASSERT_EQ(SafeArrayGetElement(psa, &i, &out), S_OK);
  EXPECT_NE(out, in);
  EXPECT_EQ(SysStringByteLen(out), 3u);
  EXPECT_EQ(std::memcmp(out, "odd", 3), 0);
  SysFreeString(out);
  // Replacing frees the old element; NULL is a valid (empty) BSTR.
  ASSERT_EQ(SafeArrayPutElement(psa, &i, nullptr), S_OK);
  out = reinterpret_cast<BSTR>(1);
  ASSERT_EQ(SafeArrayGetElement(psa, &i, &out), S_OK);
  EXPECT_EQ(out, nullptr);
  SysFreeString(in);
  LONG bad = 3;
  EXPECT_EQ(SafeArrayGetElement(psa, &bad, &out), DISP_E_BADINDEX);
  EXPECT_EQ(SafeArrayPutElement(psa, &bad, in), DISP_E_BADINDEX);
  EXPECT_EQ(SafeArrayGetElement(nullptr, &i, &out), E_INVALIDARG);
  EXPECT_EQ(SafeArrayGetElement(psa, nullptr, &out), E_INVALIDARG);
  EXPECT_EQ(SafeArrayGetElement(psa, &i, nullptr), E_INVALIDARG);
  EXPECT_EQ(SafeArrayPutElement(nullptr, &i, in), E_INVALIDARG);
  EXPECT_EQ(SafeArrayPutElement(psa, nullptr, in), E_INVALIDARG);
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
}

TEST(SafeArrayElements, InterfaceElementsAreAddRefedAndReleased) {
  counted_unknown obj;
  SAFEARRAY* psa = SafeArrayCreateVector(VT_UNKNOWN, 0, 2);
  ASSERT_NE(psa, nullptr);
  LONG i = 0;
  ASSERT_EQ(SafeArrayPutElement(psa, &i, static_cast<IUnknown*>(&obj)), S_OK);
  EXPECT_EQ(obj.refs, 2u);
  IUnknown* out = nullptr;
  ASSERT_EQ(SafeArrayGetElement(psa, &i, &out), S_OK);
  EXPECT_EQ(out, &obj);
  EXPECT_EQ(obj.refs, 3u);
  out->Release();
  // Replacing releases the old reference.
  ASSERT_EQ(SafeArrayPutElement(psa, &i, static_cast<IUnknown*>(nullptr)), S_OK);
  EXPECT_EQ(obj.refs, 1u);
  ASSERT_EQ(SafeArrayPutElement(psa, &i, static_cast<IUnknown*>(&obj)), S_OK);
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
  EXPECT_EQ(obj.refs, 1u);
}

TEST(SafeArrayElements, VariantElementsAreCopiedAndGetDoesNotClearTheTarget) {
  SAFEARRAY* psa = SafeArrayCreateVector(VT_VARIANT, 0, 2);
  ASSERT_NE(psa, nullptr);
  VARIANT v;
  VariantInit(&v);
  v.vt = VT_BSTR;
  v.bstrVal = SysAllocString(u"element");
  LONG i = 1;
  ASSERT_EQ(SafeArrayPutElement(psa, &i, &v), S_OK);
  VariantClear(&v);
  VARIANT out;
  out.vt = 0xdead;  // garbage: Windows writes over it without clearing
  ASSERT_EQ(SafeArrayGetElement(psa, &i, &out), S_OK);
  EXPECT_EQ(out.vt, VT_BSTR);
  EXPECT_EQ(SysStringLen(out.bstrVal), 7u);
  EXPECT_NE(out.bstrVal, static_cast<VARIANT*>(psa->pvData)[1].bstrVal);
  VariantClear(&out);
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
}

TEST(SafeArrayRecords, CreateExCopiesAndClearsThroughIRecordInfo) {
  counted_record_info ri;
  SAFEARRAYBOUND b = {4, 0};
  EXPECT_EQ(SafeArrayCreateEx(VT_RECORD, 1, &b, nullptr), nullptr);
  SAFEARRAY* psa = SafeArrayCreateEx(VT_RECORD, 1, &b, &ri);
  ASSERT_NE(psa, nullptr);
  EXPECT_EQ(ri.refs, 2u);
  EXPECT_EQ(ri.get_size, 1);
  EXPECT_EQ(ri.record_clear, 0);
  EXPECT_EQ(psa->cbElements, 8u);
  EXPECT_EQ(psa->fFeatures & FADF_RECORD, FADF_RECORD);
  VARTYPE vt = 0;
  EXPECT_EQ(SafeArrayGetVartype(psa, &vt), S_OK);
  EXPECT_EQ(vt, VT_RECORD);
  IRecordInfo* got = nullptr;
  EXPECT_EQ(SafeArrayGetRecordInfo(psa, &got), S_OK);
  EXPECT_EQ(got, &ri);
  EXPECT_EQ(ri.refs, 3u);
  got->Release();
  LONG rec[2] = {5, 6};
  LONG i = 2;
  ASSERT_EQ(SafeArrayPutElement(psa, &i, rec), S_OK);
  EXPECT_EQ(ri.record_copy, 1);
  LONG back[2] = {0, 0};
  ASSERT_EQ(SafeArrayGetElement(psa, &i, back), S_OK);
  EXPECT_EQ(ri.record_copy, 2);
  EXPECT_EQ(back[1], 6);
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
  EXPECT_EQ(ri.record_clear, 4);  // once per element
  EXPECT_EQ(ri.refs, 1u);
  // GetSize failing does not stop Windows: the size it wrote is used.
  ri.size = 17;
  ri.size_result = E_FAIL;
  psa = SafeArrayCreateEx(VT_RECORD, 1, &b, &ri);
  ASSERT_NE(psa, nullptr);
  EXPECT_EQ(psa->cbElements, 17u);
  ri.size = 8;
  SafeArrayDestroy(psa);
  EXPECT_EQ(SafeArrayGetRecordInfo(nullptr, &got), E_INVALIDARG);
  SAFEARRAY* plain = SafeArrayCreateVector(VT_I4, 0, 1);
  EXPECT_EQ(SafeArrayGetRecordInfo(plain, &got), E_INVALIDARG);
  EXPECT_EQ(SafeArraySetRecordInfo(plain, &ri), E_INVALIDARG);
  SafeArrayDestroy(plain);
}

TEST(SafeArrayRedim, ChangesTheLastDimensionKeepingMemoryOrder) {
  SAFEARRAYBOUND b[2] = {{2, 0}, {3, 0}};  // 2 x 3; the 3 is rgsabound[0]
  SAFEARRAY* psa = SafeArrayCreate(VT_I4, 2, b);
  ASSERT_NE(psa, nullptr);
  for (LONG c = 0; c < 3; ++c)
    for (LONG r = 0; r < 2; ++r) {
      LONG idx[2] = {r, c};
      LONG v = 10 * c + r;
      ASSERT_EQ(SafeArrayPutElement(psa, idx, &v), S_OK);
    }
  SAFEARRAYBOUND grow = {5, 0};
  ASSERT_EQ(SafeArrayRedim(psa, &grow), S_OK);
  LONG u = 0;
  SafeArrayGetUBound(psa, 2, &u);
  EXPECT_EQ(u, 4);
  LONG idx[2] = {1, 2}, v = 0;
  ASSERT_EQ(SafeArrayGetElement(psa, idx, &v), S_OK);
  EXPECT_EQ(v, 21);
  LONG fresh[2] = {1, 4};
  ASSERT_EQ(SafeArrayGetElement(psa, fresh, &v), S_OK);
  EXPECT_EQ(v, 0);  // growth is zeroed
  SAFEARRAYBOUND shift = {1, 1};  // new lower bound: memory order is kept
  ASSERT_EQ(SafeArrayRedim(psa, &shift), S_OK);
  LONG first[2] = {1, 1};
  ASSERT_EQ(SafeArrayGetElement(psa, first, &v), S_OK);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(SafeArrayRedim(nullptr, &grow), E_INVALIDARG);
  EXPECT_EQ(SafeArrayRedim(psa, nullptr), E_INVALIDARG);
  psa->fFeatures |= FADF_FIXEDSIZE;
  EXPECT_EQ(SafeArrayRedim(psa, &grow), DISP_E_ARRAYISLOCKED);
  psa->fFeatures &= static_cast<USHORT>(~FADF_FIXEDSIZE);
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
}

TEST(SafeArrayRedim, ShrinkingReleasesDroppedElements) {
  counted_unknown a, b2;
  SAFEARRAY* psa = SafeArrayCreateVector(VT_UNKNOWN, 0, 2);
  LONG i0 = 0, i1 = 1;
  SafeArrayPutElement(psa, &i0, static_cast<IUnknown*>(&a));
  SafeArrayPutElement(psa, &i1, static_cast<IUnknown*>(&b2));
  SAFEARRAYBOUND one = {1, 0};
  ASSERT_EQ(SafeArrayRedim(psa, &one), S_OK);  // a vector's data moves out of its block
  EXPECT_EQ(a.refs, 2u);
  EXPECT_EQ(b2.refs, 1u);
  EXPECT_EQ(SafeArrayDestroy(psa), S_OK);
  EXPECT_EQ(a.refs, 1u);
}

TEST(SafeArrayCopy, DeepCopyAndWindowsEdgeCases) {
  SAFEARRAY* out = reinterpret_cast<SAFEARRAY*>(0xdeadbeef);
  EXPECT_EQ(SafeArrayCopy(nullptr, &out), S_OK);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(SafeArrayCopy(nullptr, nullptr), E_INVALIDARG);
  SAFEARRAY* desc = nullptr;
  ASSERT_EQ(SafeArrayAllocDescriptor(1, &desc), S_OK);
  out = reinterpret_cast<SAFEARRAY*>(0xdeadbeef);
  EXPECT_EQ(SafeArrayCopy(desc, &out), E_INVALIDARG);  // no element size
  EXPECT_EQ(out, nullptr);
  desc->cbElements = 4;
  desc->fFeatures = FADF_AUTO | FADF_FIXEDSIZE;
  ASSERT_EQ(SafeArrayCopy(desc, &out), S_OK);
  EXPECT_NE(out, desc);
  EXPECT_EQ(out->fFeatures, 0);  // lifetime and fixed-size flags are not copied
  SafeArrayDestroy(out);
  SafeArrayDestroyDescriptor(desc);

  SAFEARRAY* vec = SafeArrayCreateVector(VT_BSTR, 1, 2);
  BSTR s = SysAllocString(u"copied");
  LONG i = 2;
  SafeArrayPutElement(vec, &i, s);
  SysFreeString(s);
  ASSERT_EQ(SafeArrayCopy(vec, &out), S_OK);
  EXPECT_EQ(out->fFeatures, FADF_HAVEVARTYPE | FADF_BSTR);  // an ordinary array now
  BSTR a = static_cast<BSTR*>(vec->pvData)[1], c = static_cast<BSTR*>(out->pvData)[1];
  EXPECT_NE(a, c);
  EXPECT_EQ(std::memcmp(a, c, 14), 0);
  VARTYPE vt = 0;
  SafeArrayGetVartype(out, &vt);
  EXPECT_EQ(vt, VT_BSTR);
  SafeArrayDestroy(out);
  SafeArrayDestroy(vec);
}

TEST(SafeArrayCopyData, ShapesMustMatch) {
  SAFEARRAYBOUND b[2] = {{2, 0}, {3, 0}};
  SAFEARRAY* src = SafeArrayCreate(VT_I4, 2, b);
  SAFEARRAY* dst = SafeArrayCreate(VT_I4, 2, b);
  LONG idx[2] = {1, 2}, v = 42;
  SafeArrayPutElement(src, idx, &v);
  EXPECT_EQ(SafeArrayCopyData(src, dst), S_OK);
  v = 0;
  SafeArrayGetElement(dst, idx, &v);
  EXPECT_EQ(v, 42);
  EXPECT_EQ(SafeArrayCopyData(nullptr, dst), E_INVALIDARG);
  EXPECT_EQ(SafeArrayCopyData(src, nullptr), E_INVALIDARG);
  SAFEARRAYBOUND other[2] = {{2, 0}, {4, 0}};
  SAFEARRAY* bigger = SafeArrayCreate(VT_I4, 2, other);
  EXPECT_EQ(SafeArrayCopyData(src, bigger), E_INVALIDARG);
  SAFEARRAY* vec = SafeArrayCreateVector(VT_I4, 0, 6);
  EXPECT_EQ(SafeArrayCopyData(vec, src), E_INVALIDARG);
  SafeArrayDestroy(src);
  SafeArrayDestroy(dst);
  SafeArrayDestroy(bigger);
  SafeArrayDestroy(vec);
}

TEST(SafeArrayVariant, VariantClearDestroysAnOwnedArrayOnly) {
  VARIANT v;
  VariantInit(&v);
  v.vt = VT_ARRAY | VT_I4;
  v.parray = SafeArrayCreateVector(VT_I4, 0, 3);
  EXPECT_EQ(VariantClear(&v), S_OK);  // ASan reports a leak if it did not
  EXPECT_EQ(v.vt, VT_EMPTY);
  SAFEARRAY* kept = SafeArrayCreateVector(VT_I4, 0, 3);
  v.vt = VT_ARRAY | VT_I4 | VT_BYREF;
  v.pparray = &kept;
  EXPECT_EQ(VariantClear(&v), S_OK);
  EXPECT_EQ(SafeArrayDestroy(kept), S_OK);  // still alive: by-reference is not owned
  SAFEARRAY* locked = SafeArrayCreateVector(VT_I4, 0, 1);
  SafeArrayLock(locked);
  v.vt = VT_ARRAY | VT_I4;
  v.parray = locked;
  EXPECT_EQ(VariantClear(&v), DISP_E_ARRAYISLOCKED);
  EXPECT_EQ(v.vt, VT_ARRAY | VT_I4);
  SafeArrayUnlock(locked);
  EXPECT_EQ(VariantClear(&v), S_OK);
}

}  // namespace
