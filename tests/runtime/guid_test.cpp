// tests/runtime/guid_test.cpp - GUID text, random and name-based GUIDs.
// The expected codes and partial-write behaviour are Windows' observed ones.
#include <gtest/gtest.h>

#include <objbase.h>

#include <comkit/abi/extensions.h>
#include <comkit/guid.h>

#include <cstring>
#include <set>
#include <string>

namespace {

using namespace comkit::literals;

std::u16string u16(const char* s) {
  std::u16string r;
  while (*s) r.push_back(static_cast<char16_t>(*s++));
  return r;
}

GUID filled() {
  GUID g;
  std::memset(&g, 0xAB, sizeof g);
  return g;
}

bool is_filled(const void* p, std::size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < n; ++i)
    if (b[i] != 0xAB) return false;
  return true;
}

constexpr GUID sample = "0BE35203-8F91-11CE-9DE3-00AA004BB851"_guid;
const char* const sample_text = "{0BE35203-8F91-11CE-9DE3-00AA004BB851}";

// ---- StringFromGUID2 -------------------------------------------------------

TEST(StringFromGUID2, WritesBracedUpperCaseAndReturns39) {
  OLECHAR buf[39];
  EXPECT_EQ(StringFromGUID2(sample, buf, 39), 39);
  EXPECT_EQ(std::u16string(buf), u16(sample_text));
}

TEST(StringFromGUID2, BufferTooSmallReturnsZero) {
  OLECHAR buf[50];
  EXPECT_EQ(StringFromGUID2(sample, buf, 38), 0);
  EXPECT_EQ(StringFromGUID2(sample, buf, 0), 0);
  EXPECT_EQ(StringFromGUID2(sample, buf, -1), 0);
  EXPECT_EQ(StringFromGUID2(sample, buf, 50), 39);
}

TEST(StringFromGUID2, NullBufferReturnsZero) { EXPECT_EQ(StringFromGUID2(sample, nullptr, 39), 0); }

TEST(StringFromGUID2, AllBitPatterns) {
  OLECHAR buf[39];
  GUID ones;
  std::memset(&ones, 0xFF, sizeof ones);
  ASSERT_EQ(StringFromGUID2(ones, buf, 39), 39);
  EXPECT_EQ(std::u16string(buf), u16("{FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF}"));
  ASSERT_EQ(StringFromGUID2(GUID_NULL, buf, 39), 39);
  EXPECT_EQ(std::u16string(buf), u16("{00000000-0000-0000-0000-000000000000}"));
}

// ---- StringFromCLSID / StringFromIID ---------------------------------------

TEST(StringFromCLSID, ReturnsTaskMemoryString) {
  LPOLESTR s = nullptr;
  ASSERT_EQ(StringFromCLSID(sample, &s), S_OK);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(std::u16string(s), u16(sample_text));
  IMalloc* m = nullptr;
  ASSERT_EQ(CoGetMalloc(MEMCTX_TASK, &m), S_OK);
  EXPECT_EQ(m->DidAlloc(s), 1);
  EXPECT_EQ(m->GetSize(s), 39 * sizeof(OLECHAR));
  CoTaskMemFree(s);
}

TEST(StringFromIID, SameAsStringFromCLSID) {
  LPOLESTR s = nullptr;
  ASSERT_EQ(StringFromIID(IID_IUnknown, &s), S_OK);
  EXPECT_EQ(std::u16string(s), u16("{00000000-0000-0000-C000-000000000046}"));
  CoTaskMemFree(s);
}

TEST(StringFromCLSID, NullOutIsInvalidArg) {
  EXPECT_EQ(StringFromCLSID(sample, nullptr), E_INVALIDARG);
  EXPECT_EQ(StringFromIID(sample, nullptr), E_INVALIDARG);
}

// ---- CLSIDFromString ------------------------------------------------------

TEST(CLSIDFromString, ParsesUpperAndLowerCase) {
  GUID g = filled();
  EXPECT_EQ(CLSIDFromString(u16(sample_text).c_str(), &g), S_OK);
  EXPECT_EQ(g, sample);
  g = filled();
  EXPECT_EQ(CLSIDFromString(u16("{0be35203-8f91-11ce-9de3-00aa004bb851}").c_str(), &g), S_OK);
  EXPECT_EQ(g, sample);
  EXPECT_EQ(CLSIDFromString(u16("{0Be35203-8F91-11cE-9De3-00aA004bB851}").c_str(), &g), S_OK);
  EXPECT_EQ(g, sample);
}

TEST(CLSIDFromString, NullStringGivesClsidNull) {
  GUID g = filled();
  EXPECT_EQ(CLSIDFromString(nullptr, &g), S_OK);
  EXPECT_EQ(g, CLSID_NULL);
}

TEST(CLSIDFromString, NullOutIsInvalidArg) {
  EXPECT_EQ(CLSIDFromString(u16(sample_text).c_str(), nullptr), E_INVALIDARG);
}

TEST(CLSIDFromString, NoBracesIsClassStringWithZeroedClsid) {
  // Windows treats it as a ProgID; an unknown one zeroes the CLSID.
  GUID g = filled();
  EXPECT_EQ(CLSIDFromString(u16("0BE35203-8F91-11CE-9DE3-00AA004BB851").c_str(), &g), CO_E_CLASSSTRING);
  EXPECT_EQ(g, CLSID_NULL);
  g = filled();
  EXPECT_EQ(CLSIDFromString(u16("").c_str(), &g), CO_E_CLASSSTRING);
  EXPECT_EQ(g, CLSID_NULL);
  g = filled();
  EXPECT_EQ(CLSIDFromString(u16("Not.A.ProgID").c_str(), &g), CO_E_CLASSSTRING);
  EXPECT_EQ(g, CLSID_NULL);
}

TEST(CLSIDFromString, TrailingCharactersFailButWriteWholeGuid) {
  GUID g = filled();
  EXPECT_EQ(CLSIDFromString(u16("{0BE35203-8F91-11CE-9DE3-00AA004BB851}a").c_str(), &g), CO_E_CLASSSTRING);
  EXPECT_EQ(g, sample);
}

TEST(CLSIDFromString, MissingClosingBraceFailsButWritesWholeGuid) {
  GUID g = filled();
  EXPECT_EQ(CLSIDFromString(u16("{0BE35203-8F91-11CE-9DE3-00AA004BB851").c_str(), &g), CO_E_CLASSSTRING);
  EXPECT_EQ(g, sample);
  g = filled();
  EXPECT_EQ(CLSIDFromString(u16("{0BE35203-8F91-11CE-9DE3-00AA004BB851A").c_str(), &g), CO_E_CLASSSTRING);
  EXPECT_EQ(g, sample);
}

TEST(CLSIDFromString, BadDashWritesOnlyEarlierFields) {
  GUID g = filled();
  EXPECT_EQ(CLSIDFromString(u16("{0BE35203=8F91-11CE-9DE3-00AA004BB851}").c_str(), &g), CO_E_CLASSSTRING);
  EXPECT_EQ(g.Data1, 0x0BE35203u);
  EXPECT_TRUE(is_filled(&g.Data2, 12));
}

TEST(CLSIDFromString, BadHexDigitLeavesPartialField) {
  GUID g = filled();
  EXPECT_EQ(CLSIDFromString(u16("{0b*35203-8F91-11CE-9DE3-00AA004BB851}").c_str(), &g), CO_E_CLASSSTRING);
  EXPECT_EQ(g.Data1, 0xBu);  // the digits read before the bad one
  EXPECT_TRUE(is_filled(&g.Data2, 12));
  g = filled();
  EXPECT_EQ(CLSIDFromString(u16("{0BE35203-8F91-11CE-9DE3-00AA004BB8g1}").c_str(), &g), CO_E_CLASSSTRING);
  EXPECT_EQ(g.Data1, 0x0BE35203u);
  EXPECT_EQ(g.Data4[6], 0xB8);
  EXPECT_EQ(g.Data4[7], 0x00);  // reset, then no digit accepted
}

TEST(CLSIDFromString, TruncatedStringsNeverReadPastTheEnd) {
  const std::u16string full = u16(sample_text);
  for (std::size_t n = 0; n < full.size(); ++n) {
    // Each prefix lives in its own exact-size heap block, so ASan catches any
    // read past the terminator.
    auto* s = new OLECHAR[n + 1];
    std::memcpy(s, full.data(), n * sizeof(OLECHAR));
    s[n] = 0;
    GUID g = filled();
    EXPECT_NE(CLSIDFromString(s, &g), S_OK) << n;
    delete[] s;
  }
}

// ---- IIDFromString --------------------------------------------------------

TEST(IIDFromString, ParsesBracedGuid) {
  GUID g = filled();
  EXPECT_EQ(IIDFromString(u16(sample_text).c_str(), &g), S_OK);
  EXPECT_EQ(g, sample);
}

TEST(IIDFromString, NullStringGivesIidNull) {
  GUID g = filled();
  EXPECT_EQ(IIDFromString(nullptr, &g), S_OK);
  EXPECT_EQ(g, IID_NULL);
}

TEST(IIDFromString, WrongLengthIsInvalidArgAndUntouched) {
  for (const char* s : {"", "{0BE35203-8F91-11CE-9DE3-00AA004BB851}a", "{0BE35203-8F91-11CE-9DE3-00AA004BB851",
                        "0BE35203-8F91-11CE-9DE3-00AA004BB851", "StdFont"}) {
    GUID g = filled();
    EXPECT_EQ(IIDFromString(u16(s).c_str(), &g), E_INVALIDARG) << s;
    EXPECT_TRUE(is_filled(&g, sizeof g)) << s;
  }
}

TEST(IIDFromString, BadContentIsIidString) {
  GUID g = filled();
  EXPECT_EQ(IIDFromString(u16("{0BE35203-8F91-g1CE-9DE3-00AA004BB851}").c_str(), &g), CO_E_IIDSTRING);
  EXPECT_EQ(g.Data1, 0x0BE35203u);
  EXPECT_EQ(g.Data2, 0x8F91u);
  g = filled();
  EXPECT_EQ(IIDFromString(u16("{0BE35203=8F91-11CE-9DE3-00AA004BB851}").c_str(), &g), CO_E_IIDSTRING);
  EXPECT_EQ(g.Data1, 0x0BE35203u);
  g = filled();
  EXPECT_EQ(IIDFromString(u16("x0BE35203-8F91-11CE-9DE3-00AA004BB851}").c_str(), &g), CO_E_IIDSTRING);
  EXPECT_TRUE(is_filled(&g, sizeof g));
  g = filled();
  EXPECT_EQ(IIDFromString(u16("{0BE35203-8F91-11CE-9DE3-00AA004BB851x").c_str(), &g), CO_E_IIDSTRING);
  EXPECT_EQ(g, sample);
}

TEST(IIDFromString, NullOutIsInvalidArg) { EXPECT_EQ(IIDFromString(u16(sample_text).c_str(), nullptr), E_INVALIDARG); }

TEST(GuidText, RoundTripsThroughStringAndBack) {
  for (int i = 0; i < 200; ++i) {
    GUID g;
    ASSERT_EQ(CoCreateGuid(&g), S_OK);
    OLECHAR buf[39];
    ASSERT_EQ(StringFromGUID2(g, buf, 39), 39);
    GUID back = filled();
    ASSERT_EQ(CLSIDFromString(buf, &back), S_OK);
    EXPECT_EQ(back, g);
  }
}

// ---- CoCreateGuid / UuidCreate ---------------------------------------------

TEST(CoCreateGuid, NullIsInvalidArg) { EXPECT_EQ(CoCreateGuid(nullptr), E_INVALIDARG); }

TEST(CoCreateGuid, Version4AndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    GUID g;
    ASSERT_EQ(CoCreateGuid(&g), S_OK);
    EXPECT_EQ(g.Data3 >> 12, 4);
    EXPECT_EQ(g.Data4[0] & 0xC0, 0x80);
    seen.insert(comkit::to_string(g));
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(UuidCreate, ReturnsRpcOk) {
  UUID u;
  EXPECT_EQ(UuidCreate(&u), RPC_S_OK);
  EXPECT_EQ(u.Data3 >> 12, 4);
  EXPECT_EQ(UuidCreate(nullptr), RPC_S_INVALID_ARG);
  EXPECT_EQ(UuidCreateNil(&u), RPC_S_OK);
  EXPECT_EQ(u, GUID_NULL);
  EXPECT_EQ(UuidCreateNil(nullptr), RPC_S_INVALID_ARG);
}

// ---- ComkitGuidFromName (version 5) -----------------------------------------

constexpr GUID ns_dns = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"_guid;
constexpr GUID ns_url = "6ba7b811-9dad-11d1-80b4-00c04fd430c8"_guid;

TEST(ComkitGuidFromName, MatchesRfc9562Example) {
  // RFC 9562 appendix A.4: v5 of "www.example.com" in the DNS namespace.
  GUID g;
  ASSERT_EQ(ComkitGuidFromName(ns_dns, "www.example.com", 15, &g), S_OK);
  EXPECT_EQ(g, "2ed6657d-e927-568b-95e1-2665a8aea6a2"_guid);
}

TEST(ComkitGuidFromName, MatchesOtherKnownValues) {
  GUID g;
  ASSERT_EQ(ComkitGuidFromName(ns_dns, "python.org", 10, &g), S_OK);
  EXPECT_EQ(g, "886313e1-3b8a-5372-9b90-0c9aee199e5d"_guid);
  const char* url = "http://www.ietf.org/rfc/rfc4122.txt";
  ASSERT_EQ(ComkitGuidFromName(ns_url, url, std::strlen(url), &g), S_OK);
  EXPECT_EQ(g, "d0690b3c-b29d-52e7-81b0-d573b503f2d4"_guid);
  ASSERT_EQ(ComkitGuidFromName(ns_dns, url, std::strlen(url), &g), S_OK);
  EXPECT_NE(g, "d0690b3c-b29d-52e7-81b0-d573b503f2d4"_guid);
}

TEST(ComkitGuidFromName, EmptyNameAndBadPointers) {
  GUID g;
  EXPECT_EQ(ComkitGuidFromName(ns_dns, nullptr, 0, &g), S_OK);
  EXPECT_EQ(g.Data3 >> 12, 5);
  EXPECT_EQ(ComkitGuidFromName(ns_dns, nullptr, 1, &g), E_POINTER);
  EXPECT_EQ(ComkitGuidFromName(ns_dns, "x", 1, nullptr), E_POINTER);
}

TEST(ComkitGuidFromName, LongNamesSpanSeveralShaBlocks) {
  std::string name(1000, 'a');
  GUID a, b;
  ASSERT_EQ(ComkitGuidFromName(ns_dns, name.data(), name.size(), &a), S_OK);
  name.back() = 'b';
  ASSERT_EQ(ComkitGuidFromName(ns_dns, name.data(), name.size(), &b), S_OK);
  EXPECT_NE(a, b);
}

}  // namespace
