// tests/runtime/variant_test.cpp - VariantInit, VariantClear, VariantCopy
// and VariantCopyInd: the valid-type table, ownership, and Windows' quirks
// (only vt written by Clear, NULL BSTR copies to empty, VT_CLSID not a copy
// source, CopyInd's E_INVALIDARG and in-place copies).
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <initializer_list>

#include <cstring>

#include "automation_fakes.h"

namespace {

using comkit_test::counted_record_info;
using comkit_test::counted_unknown;

bool valid_in_windows_table(VARTYPE vt) {
  const VARTYPE base = vt & VT_TYPEMASK, flags = vt & ~VT_TYPEMASK;
  if (flags & (VT_VECTOR | VT_RESERVED)) return false;
  if (base <= VT_NULL) return flags == 0;
  return (base >= 2 && base <= 14) || (base >= 16 && base <= 23) || base == 36 || base == 72;
}

TEST(VariantInit, ZeroesTheWholeVariant) {
  VARIANT v;
  std::memset(&v, 0xff, sizeof v);
  VariantInit(&v);
  EXPECT_EQ(v.vt, VT_EMPTY);
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(&v);
  for (std::size_t i = 0; i < sizeof v; ++i) EXPECT_EQ(bytes[i], 0) << "byte " << i;  // Windows 8 and later
}

TEST(VariantChangeType, ByteVectorsAndBstrs) {
  SAFEARRAY* bytes = SafeArrayCreateVector(VT_UI1, 0, 3);
  ASSERT_NE(bytes, nullptr);
  std::memcpy(bytes->pvData, "a\0b", 3);
  VARIANT src;
  VariantInit(&src);
  src.vt = VT_ARRAY | VT_UI1;
  src.parray = bytes;
  VARIANT dst;
  VariantInit(&dst);
  ASSERT_EQ(VariantChangeTypeEx(&dst, &src, 0x409, 0, VT_BSTR), S_OK);
  ASSERT_EQ(dst.vt, VT_BSTR);
  EXPECT_EQ(SysStringByteLen(dst.bstrVal), 3u);  // the bytes as they are, not widened
  EXPECT_EQ(std::memcmp(dst.bstrVal, "a\0b", 3), 0);
  VARIANT back;
  VariantInit(&back);
  ASSERT_EQ(VariantChangeTypeEx(&back, &dst, 0x409, 0, VT_ARRAY | VT_UI1), S_OK);
  ASSERT_EQ(back.vt, VT_ARRAY | VT_UI1);
  EXPECT_EQ(back.parray->rgsabound[0].cElements, 3u);
  EXPECT_EQ(std::memcmp(back.parray->pvData, "a\0b", 3), 0);
  VariantClear(&back);
  VariantClear(&dst);
  // In place, too.
  ASSERT_EQ(VariantChangeTypeEx(&src, &src, 0x409, 0, VT_BSTR), S_OK);
  EXPECT_EQ(src.vt, VT_BSTR);
  VariantClear(&src);

  SAFEARRAY* longs = SafeArrayCreateVector(VT_I4, 0, 2);
  VARIANT l;
  VariantInit(&l);
  l.vt = VT_ARRAY | VT_I4;
  l.parray = longs;
  EXPECT_EQ(VariantChangeTypeEx(&dst, &l, 0x409, 0, VT_BSTR), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VariantChangeTypeEx(&dst, &l, 0x409, 0, VT_ARRAY | VT_R8), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(VariantChangeTypeEx(&dst, &l, 0x409, 0, VT_EMPTY), DISP_E_TYPEMISMATCH);
  VariantClear(&l);
  VARIANT vec;
  VariantInit(&vec);
  vec.vt = VT_VECTOR | VT_UI1;
  EXPECT_EQ(VariantChangeTypeEx(&dst, &vec, 0x409, 0, VT_BSTR), DISP_E_BADVARTYPE);
  BSTR b = nullptr;
  EXPECT_EQ(BstrFromVector(nullptr, &b), E_INVALIDARG);
  SAFEARRAYBOUND two[2] = {{2, 0}, {2, 0}};
  SAFEARRAY* square = SafeArrayCreate(VT_UI1, 2, two);
  EXPECT_EQ(BstrFromVector(square, &b), DISP_E_TYPEMISMATCH);
  SafeArrayDestroy(square);
  SAFEARRAY* out = nullptr;
  EXPECT_EQ(VectorFromBstr(nullptr, &out), E_INVALIDARG);  // as documented
  BSTR none = SysAllocString(u"");
  ASSERT_EQ(VectorFromBstr(none, &out), S_OK);
  EXPECT_EQ(out->rgsabound[0].cElements, 0u);
  SafeArrayDestroy(out);
  SysFreeString(none);
}

TEST(VariantClear, ValidTypesFollowWindowsTable) {
  const VARTYPE flag_sets[] = {0, VT_BYREF, VT_ARRAY, VT_ARRAY | VT_BYREF, VT_VECTOR, VT_RESERVED, VT_VECTOR | VT_BYREF};
  for (VARTYPE base = 0; base < 90; ++base) {
    for (VARTYPE flags : flag_sets) {
      const VARTYPE vt = base | flags;
      VARIANT v;
      std::memset(&v, 0, sizeof v);
      v.vt = vt;
      HRESULT hr = VariantClear(&v);
      if (valid_in_windows_table(vt)) {
        EXPECT_EQ(hr, S_OK) << "vt 0x" << std::hex << vt;
        EXPECT_EQ(v.vt, VT_EMPTY);
      } else {
        EXPECT_EQ(hr, DISP_E_BADVARTYPE) << "vt 0x" << std::hex << vt;
        EXPECT_EQ(v.vt, vt);
      }
    }
  }
  for (VARTYPE vt : std::initializer_list<VARTYPE>{VARTYPE(0xfff), VARTYPE(0xff5), VARTYPE(VT_SAFEARRAY), VARTYPE(VT_SAFEARRAY | VT_BYREF), VARTYPE(VT_INT_PTR)}) {
    VARIANT v;
    std::memset(&v, 0, sizeof v);
    v.vt = vt;
    EXPECT_EQ(VariantClear(&v), DISP_E_BADVARTYPE) << vt;
  }
  EXPECT_EQ(VariantClear(nullptr), E_INVALIDARG);
}

TEST(VariantClear, ReleasesWhatItOwnsAndWritesOnlyVt) {
  counted_unknown obj;
  obj.refs = 2;
  VARIANT v;
  VariantInit(&v);
  v.vt = VT_UNKNOWN;
  v.punkVal = &obj;
  EXPECT_EQ(VariantClear(&v), S_OK);
  EXPECT_EQ(obj.refs, 1u);
  EXPECT_EQ(v.punkVal, &obj);  // the pointer bits stay
  IUnknown* p = &obj;
  v.vt = VT_UNKNOWN | VT_BYREF;
  v.ppunkVal = &p;
  EXPECT_EQ(VariantClear(&v), S_OK);
  EXPECT_EQ(obj.refs, 1u);  // by-reference: not released
  v.vt = VT_UI4;
  v.ulVal = 0xffffffff;
  EXPECT_EQ(VariantClear(&v), S_OK);
  EXPECT_EQ(v.ulVal, 0xffffffffu);
  v.vt = VT_BSTR;
  v.bstrVal = SysAllocString(u"freed");
  EXPECT_EQ(VariantClear(&v), S_OK);  // ASan: no leak
}

TEST(VariantClear, RecordIsClearedAndItsInfoReleased) {
  counted_record_info ri;
  VARIANT v;
  VariantInit(&v);
  v.vt = VT_RECORD;
  v.pRecInfo = &ri;
  ri.AddRef();
  v.pvRecord = CoTaskMemAlloc(8);
  std::memset(v.pvRecord, 1, 8);
  EXPECT_EQ(VariantClear(&v), S_OK);
  EXPECT_EQ(ri.record_clear, 1);
  EXPECT_EQ(ri.refs, 1u);
}

TEST(VariantCopy, CopiesDeeplyAndClearsTheDestinationFirst) {
  VARIANT src, dst;
  VariantInit(&src);
  VariantInit(&dst);
  src.vt = VT_BSTR;
  src.bstrVal = SysAllocStringByteLen("abc", 3);
  dst.vt = VT_BSTR;
  dst.bstrVal = SysAllocString(u"old");  // freed by the copy (ASan)
  ASSERT_EQ(VariantCopy(&dst, &src), S_OK);
  EXPECT_EQ(dst.vt, VT_BSTR);
  EXPECT_NE(dst.bstrVal, src.bstrVal);
  EXPECT_EQ(SysStringByteLen(dst.bstrVal), 3u);
  VariantClear(&dst);
  SysFreeString(src.bstrVal);
  src.bstrVal = nullptr;  // a NULL BSTR copies to an empty, non-NULL one
  ASSERT_EQ(VariantCopy(&dst, &src), S_OK);
  ASSERT_NE(dst.bstrVal, nullptr);
  EXPECT_EQ(SysStringLen(dst.bstrVal), 0u);
  VariantClear(&dst);

  counted_unknown obj;
  src.vt = VT_DISPATCH;
  src.punkVal = &obj;
  ASSERT_EQ(VariantCopy(&dst, &src), S_OK);
  EXPECT_EQ(obj.refs, 2u);
  VariantClear(&dst);
  EXPECT_EQ(obj.refs, 1u);

  IUnknown* p = &obj;
  src.vt = VT_UNKNOWN | VT_BYREF;
  src.ppunkVal = &p;
  ASSERT_EQ(VariantCopy(&dst, &src), S_OK);
  EXPECT_EQ(dst.vt, VT_UNKNOWN | VT_BYREF);
  EXPECT_EQ(dst.ppunkVal, &p);
  EXPECT_EQ(obj.refs, 1u);  // shallow

  src.vt = VT_ARRAY | VT_UI1;
  src.parray = SafeArrayCreateVector(VT_UI1, 0, 4);
  ASSERT_EQ(VariantCopy(&dst, &src), S_OK);
  EXPECT_NE(dst.parray, src.parray);
  VariantClear(&dst);
  VariantClear(&src);

  src.vt = VT_DECIMAL;
  src.decVal.Lo64 = 12345;
  src.decVal.scale = 2;
  src.vt = VT_DECIMAL;
  ASSERT_EQ(VariantCopy(&dst, &src), S_OK);
  EXPECT_EQ(dst.decVal.Lo64, 12345u);
  EXPECT_EQ(dst.decVal.scale, 2);
}

TEST(VariantCopy, BadTypesAndVtClsid) {
  VARIANT src, dst;
  VariantInit(&src);
  VariantInit(&dst);
  src.vt = VT_CLSID;
  EXPECT_EQ(VariantCopy(&dst, &src), DISP_E_BADVARTYPE);  // Windows rejects a CLSID source
  src.vt = 15;
  EXPECT_EQ(VariantCopy(&dst, &src), DISP_E_BADVARTYPE);
  src.vt = VT_I4;
  src.lVal = 3;
  dst.vt = 15;  // a bad destination cannot be cleared
  EXPECT_EQ(VariantCopy(&dst, &src), DISP_E_BADVARTYPE);
  dst.vt = VT_CLSID;  // but a CLSID destination can
  EXPECT_EQ(VariantCopy(&dst, &src), S_OK);
  EXPECT_EQ(dst.lVal, 3);
  EXPECT_EQ(VariantCopy(&src, &src), S_OK);
  EXPECT_EQ(VariantCopy(nullptr, &src), E_INVALIDARG);
  EXPECT_EQ(VariantCopy(&dst, nullptr), E_INVALIDARG);
  // Empty payloads copy as they are: a NULL array, an empty record.
  for (VARTYPE vt : {VARTYPE(VT_ARRAY | VT_I4), VARTYPE(VT_ARRAY | VT_BYREF | VT_I4), VARTYPE(VT_RECORD)}) {
    VARIANT zero, out;
    std::memset(&zero, 0, sizeof zero);
    zero.vt = vt;
    VariantInit(&out);
    EXPECT_EQ(VariantCopy(&out, &zero), S_OK) << vt;
    EXPECT_EQ(out.vt, vt);
    EXPECT_EQ(out.parray, nullptr);
    EXPECT_EQ(VariantClear(&out), S_OK);
  }
  VARIANT clsid;
  std::memset(&clsid, 0, sizeof clsid);
  clsid.vt = VT_CLSID;
  EXPECT_EQ(VariantCopy(&clsid, &clsid), DISP_E_BADVARTYPE);
}

TEST(VariantCopy, RecordGetsItsOwnBuffer) {
  counted_record_info ri;
  LONG data[2] = {7, 8};
  VARIANT src, dst;
  VariantInit(&src);
  VariantInit(&dst);
  src.vt = VT_RECORD;
  src.pvRecord = data;
  src.pRecInfo = &ri;
  ASSERT_EQ(VariantCopy(&dst, &src), S_OK);
  EXPECT_EQ(ri.get_size, 1);
  EXPECT_EQ(ri.record_copy, 1);
  EXPECT_NE(dst.pvRecord, static_cast<void*>(data));
  EXPECT_EQ(dst.pRecInfo, &ri);
  EXPECT_EQ(static_cast<LONG*>(dst.pvRecord)[1], 8);
  EXPECT_EQ(ri.refs, 2u);
  EXPECT_EQ(VariantClear(&dst), S_OK);
  EXPECT_EQ(ri.refs, 1u);
}

TEST(VariantCopyInd, DereferencesByrefValues) {
  VARIANT src, dst;
  VariantInit(&dst);
  LONG l = -7;
  src.vt = VT_I4 | VT_BYREF;
  src.plVal = &l;
  ASSERT_EQ(VariantCopyInd(&dst, &src), S_OK);
  EXPECT_EQ(dst.vt, VT_I4);
  EXPECT_EQ(dst.lVal, -7);
  VARIANT_BOOL b = VARIANT_TRUE;
  src.vt = VT_BOOL | VT_BYREF;
  src.pboolVal = &b;
  ASSERT_EQ(VariantCopyInd(&dst, &src), S_OK);
  EXPECT_EQ(dst.vt, VT_BOOL);
  EXPECT_EQ(dst.boolVal, VARIANT_TRUE);
  BSTR s = SysAllocString(u"deref");
  src.vt = VT_BSTR | VT_BYREF;
  src.pbstrVal = &s;
  ASSERT_EQ(VariantCopyInd(&dst, &src), S_OK);
  EXPECT_EQ(dst.vt, VT_BSTR);
  EXPECT_NE(dst.bstrVal, s);
  VariantClear(&dst);
  SysFreeString(s);
  DECIMAL d{};
  d.Lo64 = 99;
  d.sign = 0x80;
  src.vt = VT_DECIMAL | VT_BYREF;
  src.pdecVal = &d;
  ASSERT_EQ(VariantCopyInd(&dst, &src), S_OK);
  EXPECT_EQ(dst.vt, VT_DECIMAL);
  EXPECT_EQ(dst.decVal.Lo64, 99u);
  EXPECT_EQ(dst.decVal.sign, 0x80);
}

TEST(VariantCopyInd, VariantReferencesAndInPlaceCopies) {
  VARIANT inner, src, dst;
  VariantInit(&dst);
  inner.vt = VT_UI1;
  inner.bVal = 200;
  src.vt = VT_VARIANT | VT_BYREF;
  src.pvarVal = &inner;
  ASSERT_EQ(VariantCopyInd(&dst, &src), S_OK);
  EXPECT_EQ(dst.vt, VT_UI1);
  EXPECT_EQ(dst.bVal, 200);
  BYTE byte = 17;
  inner.vt = VT_UI1 | VT_BYREF;  // dereferenced twice
  inner.pbVal = &byte;
  ASSERT_EQ(VariantCopyInd(&dst, &src), S_OK);
  EXPECT_EQ(dst.vt, VT_UI1);
  EXPECT_EQ(dst.bVal, 17);
  VARIANT deeper;
  deeper.vt = VT_I4;
  inner.vt = VT_VARIANT | VT_BYREF;  // but not through a second VARIANT reference
  inner.pvarVal = &deeper;
  EXPECT_EQ(VariantCopyInd(&dst, &src), E_INVALIDARG);

  counted_unknown obj;
  IUnknown* p = &obj;
  VARIANT self;
  self.vt = VT_UNKNOWN | VT_BYREF;
  self.ppunkVal = &p;
  ASSERT_EQ(VariantCopyInd(&self, &self), S_OK);  // in place
  EXPECT_EQ(self.vt, VT_UNKNOWN);
  EXPECT_EQ(self.punkVal, &obj);
  EXPECT_EQ(obj.refs, 2u);
  VariantClear(&self);
}

TEST(VariantCopyInd, BadByrefTypesAreInvalidArg) {
  VARIANT src, dst;
  VariantInit(&dst);
  LONG l = 0;
  for (VARTYPE base : std::initializer_list<VARTYPE>{VT_EMPTY, VT_NULL, VARTYPE(15), VT_VOID, VT_CLSID, VT_INT_PTR}) {
    src.vt = base | VT_BYREF;
    src.plVal = &l;
    EXPECT_EQ(VariantCopyInd(&dst, &src), E_INVALIDARG) << base;
  }
  src.vt = VT_I4 | VT_BYREF | VT_VECTOR;
  EXPECT_EQ(VariantCopyInd(&dst, &src), E_INVALIDARG);
  src.vt = VT_I4;
  src.lVal = 5;
  dst.vt = 15;
  EXPECT_EQ(VariantCopyInd(&dst, &src), DISP_E_BADVARTYPE);  // a bad destination
  SAFEARRAY* none = nullptr;
  VariantInit(&dst);
  src.vt = VT_ARRAY | VT_I4 | VT_BYREF;  // a reference to a NULL array
  src.pparray = &none;
  EXPECT_EQ(VariantCopyInd(&dst, &src), S_OK);
  EXPECT_EQ(dst.vt, VT_ARRAY | VT_I4);
  EXPECT_EQ(dst.parray, nullptr);
}

}  // namespace
