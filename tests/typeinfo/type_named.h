// tests/typeinfo/type_named.h - a type of a library found by its name
// (ITypeLib::FindName), for types without a GUID to find them by: records
// declared without a uuid, stdole2's GUID. Null (and a test failure) when
// the library has not exactly one such type. And a type info's name.
#ifndef COMKIT_TESTS_TYPEINFO_TYPE_NAMED_H
#define COMKIT_TESTS_TYPEINFO_TYPE_NAMED_H

#include <gtest/gtest.h>

#include <string>

#include <comkit/com_ptr.h>
#include <oleauto.h>

namespace comkit_test {

inline comkit::com_ptr<ITypeInfo> type_named(ITypeLib* lib, const char16_t* name) {
  std::u16string buffer(name);  // FindName writes the library's spelling back
  ITypeInfo* found[1] = {};
  MEMBERID ids[1] = {};
  USHORT n = 1;
  comkit::com_ptr<ITypeInfo> out;
  EXPECT_EQ(lib->FindName(reinterpret_cast<LPOLESTR>(buffer.data()), 0, found, ids, &n), S_OK);
  EXPECT_EQ(n, 1) << "types named so";
  if (n == 1) out.attach(found[0]);
  return out;
}

/// A type info's name (GetDocumentation of MEMBERID_NIL); "" for none.
inline std::u16string name_of(ITypeInfo* ti) {
  BSTR n = nullptr;
  EXPECT_EQ(ti->GetDocumentation(MEMBERID_NIL, &n, nullptr, nullptr, nullptr), S_OK);
  std::u16string s = n ? std::u16string(reinterpret_cast<const char16_t*>(n), SysStringLen(n)) : std::u16string();
  SysFreeString(n);
  return s;
}

}  // namespace comkit_test

#endif  // COMKIT_TESTS_TYPEINFO_TYPE_NAMED_H
