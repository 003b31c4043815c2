// tests/projection/guid_test.cpp - GUIDs in the C++ projection.
#include <gtest/gtest.h>

#include <comkit/comkit.h>

#include <unordered_set>

namespace {

using namespace comkit::literals;

namespace app {
struct IWidget : IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Spin() = 0;
};
COMKIT_DECLARE_IID(IWidget, "{8A2F1C3E-0B5D-4E6F-9A1B-2C3D4E5F6071}")
struct IWidget2 : IWidget {};  // no IID of its own
}  // namespace app

TEST(GuidLiteral, ParsedAtCompileTime) {
  constexpr GUID g = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"_guid;
  static_assert(g.Data1 == 0x6ba7b810 && g.Data2 == 0x9dad && g.Data3 == 0x11d1);
  static_assert(g.Data4[0] == 0x80 && g.Data4[1] == 0xb4 && g.Data4[7] == 0xc8);
  constexpr GUID braced = comkit::make_guid("{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}");
  static_assert(braced == g);
  EXPECT_EQ(g, braced);
}

TEST(GuidOf, DeclaredInAnyNamespace) {
  static_assert(comkit::guid_of<app::IWidget>() == "8A2F1C3E-0B5D-4E6F-9A1B-2C3D4E5F6071"_guid);
  static_assert(comkit::has_iid<app::IWidget>);
  static_assert(!comkit::has_iid<app::IWidget2>, "a derived interface must not inherit its base's IID");
  EXPECT_EQ(&comkit::guid_of<app::IWidget>(), &comkit::guid_of<app::IWidget>());  // one object: usable as REFIID
}

TEST(GuidText, ToStringAndParse) {
  const GUID g = "0be35203-8f91-11ce-9de3-00aa004bb851"_guid;
  EXPECT_EQ(comkit::to_string(g), "{0BE35203-8F91-11CE-9DE3-00AA004BB851}");
  EXPECT_EQ(comkit::parse_guid("{0BE35203-8F91-11CE-9DE3-00AA004BB851}"), g);
  EXPECT_EQ(comkit::parse_guid("0be35203-8f91-11ce-9de3-00aa004bb851"), g);
  EXPECT_FALSE(comkit::parse_guid(""));
  EXPECT_FALSE(comkit::parse_guid("{0BE35203-8F91-11CE-9DE3-00AA004BB851"));
  EXPECT_FALSE(comkit::parse_guid("(0BE35203-8F91-11CE-9DE3-00AA004BB851)"));
  EXPECT_FALSE(comkit::parse_guid("0BE35203-8F91-11CE-9DE3-00AA004BB85G"));
  EXPECT_FALSE(comkit::parse_guid("0BE35203+8F91-11CE-9DE3-00AA004BB851"));
}

TEST(GuidHash, UsableInUnorderedContainers) {
  std::unordered_set<GUID> set{IID_IUnknown, IID_IMalloc, IID_IUnknown};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.count(IID_IMalloc), 1u);
  EXPECT_NE(std::hash<GUID>{}(IID_IUnknown), std::hash<GUID>{}(IID_IClassFactory));
}

}  // namespace
