// tests/typeinfo/recordinfo_test.cpp - IRecordInfo over the records of
// tests/typeinfo/idl/dispatch_test.idl, checked against the C layout the
// compiler's header gives the same structs, and VT_RECORD in VARIANTs and
// SAFEARRAYs end to end (ASan/LSan check that every copy is freed).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <string>

#include <comkit/com_ptr.h>
#include <objbase.h>
#include <oleauto.h>

#include "dispatch_test.h"

namespace {

comkit::com_ptr<IRecordInfo> record_info_of(const GUID& guid) {
  const std::string path = COMKIT_DISPATCH_TLB;
  const std::u16string wide(path.begin(), path.end());
  comkit::com_ptr<ITypeLib> lib;
  EXPECT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(wide.c_str()), lib.put()), S_OK);
  comkit::com_ptr<ITypeInfo> ti;
  if (lib) {
    EXPECT_EQ(lib->GetTypeInfoOfGuid(guid, ti.put()), S_OK);
  }
  comkit::com_ptr<IRecordInfo> ri;
  if (ti) {
    EXPECT_EQ(GetRecordInfoFromTypeInfo(ti.get(), ri.put()), S_OK);
  }
  return ri;
}

const GUID rich_guid = {0x5f1c2a33, 0x7d4e, 0x4b1a, {0x9c, 0x2d, 0x3e, 0x4f, 0x5a, 0x6b, 0x7c, 0x80}};
const GUID inner_guid = {0x5f1c2a32, 0x7d4e, 0x4b1a, {0x9c, 0x2d, 0x3e, 0x4f, 0x5a, 0x6b, 0x7c, 0x80}};

LPCOLESTR w(const char16_t* s) { return reinterpret_cast<LPCOLESTR>(s); }
BSTR bstr(const char16_t* s) { return SysAllocString(w(s)); }
std::u16string text(BSTR b) { return b ? std::u16string(reinterpret_cast<const char16_t*>(b), SysStringLen(b)) : u"(null)"; }

// A Rich holding one of everything that owns memory.
void fill(Rich& r) {
  std::memset(&r, 0, sizeof r);
  r.count16 = 7;
  r.name = bstr(u"rich");
  V_VT(&r.value) = VT_BSTR;
  V_BSTR(&r.value) = bstr(u"inside a variant");
  SAFEARRAYBOUND b{3, 0};
  r.list = SafeArrayCreate(VT_I4, 1, &b);
  for (LONG i = 0; i < 3; ++i) {
    LONG v = i * 10;
    SafeArrayPutElement(r.list, &i, &v);
  }
  r.inner.id = 42;
  r.inner.label = bstr(u"inner");
  r.names[0] = bstr(u"first");
  r.names[1] = bstr(u"second");
  r.ratio = 0.5;
}

TEST(RecordInfo, LayoutMatchesTheCompilersHeader) {
  auto ri = record_info_of(rich_guid);
  ASSERT_TRUE(ri);
  ULONG size = 0;
  ASSERT_EQ(ri->GetSize(&size), S_OK);
  EXPECT_EQ(size, sizeof(Rich));
  BSTR name = nullptr;
  ASSERT_EQ(ri->GetName(&name), S_OK);
  EXPECT_EQ(text(name), u"Rich");
  SysFreeString(name);
  GUID g{};
  ASSERT_EQ(ri->GetGuid(&g), S_OK);
  EXPECT_TRUE(IsEqualGUID(g, rich_guid));
  ULONG count = 0;
  ASSERT_EQ(ri->GetFieldNames(&count, nullptr), S_OK);
  EXPECT_EQ(count, 8u);
  BSTR names[8] = {};
  ASSERT_EQ(ri->GetFieldNames(&count, names), S_OK);
  EXPECT_EQ(text(names[0]), u"count16");
  EXPECT_EQ(text(names[7]), u"ratio");
  for (BSTR& n : names) SysFreeString(n);

  // Fields read through the type description sit where C puts them.
  Rich r;
  fill(r);
  VARIANT v;
  VariantInit(&v);
  ASSERT_EQ(ri->GetField(&r, w(u"ratio"), &v), S_OK);
  EXPECT_EQ(V_VT(&v), VT_R8);
  EXPECT_EQ(V_R8(&v), 0.5);
  ASSERT_EQ(ri->GetField(&r, w(u"name"), &v), S_OK);
  EXPECT_EQ(text(V_BSTR(&v)), u"rich");
  EXPECT_NE(V_BSTR(&v), r.name) << "GetField copies";
  VariantClear(&v);
  PVOID where = nullptr;
  ASSERT_EQ(ri->GetFieldNoCopy(&r, w(u"count16"), &v, &where), S_OK);
  EXPECT_EQ(V_VT(&v), VT_I2 | VT_BYREF);
  EXPECT_EQ(where, &r.count16);
  ASSERT_EQ(ri->GetFieldNoCopy(&r, w(u"inner"), &v, &where), S_OK);
  EXPECT_EQ(V_VT(&v), VT_RECORD | VT_BYREF);
  EXPECT_EQ(where, &r.inner);
  EXPECT_EQ(ri->GetField(&r, w(u"nope"), &v), DISP_E_UNKNOWNNAME);
  ri->RecordClear(&r);
  EXPECT_EQ(r.name, nullptr);
  EXPECT_EQ(r.inner.label, nullptr);
}

TEST(RecordInfo, CopyIsDeepAndClearFreesEverything) {
  auto ri = record_info_of(rich_guid);
  ASSERT_TRUE(ri);
  Rich a;
  fill(a);
  Rich* b = static_cast<Rich*>(ri->RecordCreate());
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->name, nullptr) << "RecordCreate initialises";
  ASSERT_EQ(ri->RecordCopy(&a, b), S_OK);
  EXPECT_NE(b->name, a.name);
  EXPECT_EQ(text(b->name), u"rich");
  EXPECT_NE(V_BSTR(&b->value), V_BSTR(&a.value));
  EXPECT_NE(b->list, a.list);
  EXPECT_NE(b->inner.label, a.inner.label);
  EXPECT_EQ(text(b->inner.label), u"inner");
  EXPECT_NE(b->names[1], a.names[1]);
  EXPECT_EQ(text(b->names[1]), u"second");
  EXPECT_EQ(b->ratio, 0.5);
  LONG i = 2, v = 0;
  ASSERT_EQ(SafeArrayGetElement(b->list, &i, &v), S_OK);
  EXPECT_EQ(v, 20);
  ASSERT_EQ(ri->RecordDestroy(b), S_OK);
  ri->RecordClear(&a);

  // PutField converts; the old value is freed.
  Rich c;
  ri->RecordInit(&c);
  VARIANT n;
  VariantInit(&n);
  V_VT(&n) = VT_I4;
  V_I4(&n) = 12;
  ASSERT_EQ(ri->PutField(INVOKE_PROPERTYPUT, &c, w(u"name"), &n), S_OK);
  EXPECT_EQ(text(c.name), u"12");
  ASSERT_EQ(ri->PutField(INVOKE_PROPERTYPUT, &c, w(u"count16"), &n), S_OK);
  EXPECT_EQ(c.count16, 12);
  EXPECT_EQ(ri->PutField(INVOKE_FUNC, &c, w(u"count16"), &n), E_INVALIDARG);
  ri->RecordClear(&c);
}

TEST(RecordInfo, VtRecordInVariantsAndSafeArrays) {
  auto ri = record_info_of(rich_guid);
  ASSERT_TRUE(ri);
  Rich* r = static_cast<Rich*>(ri->RecordCreate());
  fill(*r);
  VARIANT a, b;
  VariantInit(&a);
  VariantInit(&b);
  V_VT(&a) = VT_RECORD;
  a.pvRecord = r;
  a.pRecInfo = ri.get();
  ri->AddRef();
  ASSERT_EQ(VariantCopy(&b, &a), S_OK);
  ASSERT_EQ(V_VT(&b), VT_RECORD);
  auto* copy = static_cast<Rich*>(b.pvRecord);
  EXPECT_NE(copy, r);
  EXPECT_EQ(text(copy->names[0]), u"first");
  EXPECT_NE(copy->names[0], r->names[0]);
  VariantClear(&a);
  VariantClear(&b);

  SAFEARRAYBOUND bound{2, 0};
  SAFEARRAY* sa = SafeArrayCreateEx(VT_RECORD, 1, &bound, ri.get());
  ASSERT_NE(sa, nullptr);
  Rich item;
  fill(item);
  LONG index = 1;
  ASSERT_EQ(SafeArrayPutElement(sa, &index, &item), S_OK);
  ri->RecordClear(&item);
  Rich back;
  ri->RecordInit(&back);
  ASSERT_EQ(SafeArrayGetElement(sa, &index, &back), S_OK);
  EXPECT_EQ(text(back.inner.label), u"inner");
  ri->RecordClear(&back);
  SAFEARRAY* sa2 = nullptr;
  ASSERT_EQ(SafeArrayCopy(sa, &sa2), S_OK);
  SafeArrayDestroy(sa);
  SafeArrayDestroy(sa2);
}

TEST(RecordInfo, OnlyRecordsAndMatchingTypes) {
  auto rich = record_info_of(rich_guid);
  auto inner = record_info_of(inner_guid);
  ASSERT_TRUE(rich && inner);
  EXPECT_TRUE(rich->IsMatchingType(rich.get()));
  EXPECT_FALSE(rich->IsMatchingType(inner.get()));
  comkit::com_ptr<ITypeInfo> ti;
  ASSERT_EQ(rich->GetTypeInfo(ti.put()), S_OK);
  comkit::com_ptr<ITypeLib> lib;
  UINT index = 0;
  ASSERT_EQ(ti->GetContainingTypeLib(lib.put(), &index), S_OK);
  comkit::com_ptr<ITypeInfo> iface;
  ASSERT_EQ(lib->GetTypeInfoOfGuid(IID_ICalcDisp, iface.put()), S_OK);
  comkit::com_ptr<IRecordInfo> bad;
  EXPECT_EQ(GetRecordInfoFromTypeInfo(iface.get(), bad.put()), E_INVALIDARG);
  EXPECT_EQ(GetRecordInfoFromTypeInfo(nullptr, bad.put()), E_INVALIDARG);
}

}  // namespace
