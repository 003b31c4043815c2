// tests/runtime/convert_matrix_test.cpp - every conversion pair into the
// integer types and CY, with each target's edge values (min, max, min-1,
// max+1, the halves around them, +-0.5, +-1.5, +-2.5) from every source
// that can hold them: through the VarXxxFromYyy function and through
// VariantChangeType. The expected result comes from an exact model -
// round half to even, then check the range - plus the quirks Windows has
// (VariantChangeType keeps the bits between same-size signed and unsigned
// integers, VarI8FromCy's negative values, VarCyFromI8's narrower range,
// VarUI8FromDec's sign). Then NaN and infinities, and text with blanks.
// The functions come from the runtime's VARTYPE table (vartype_table.h),
// and every one of them is checked against VariantChangeType.
#include <gtest/gtest.h>

#include "../../runtime/variant/vartype_table.h"

#include <objbase.h>
#include <oleauto.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace {

__extension__ typedef __int128 i128;

enum source { sI1, sUI1, sI2, sUI2, sI4, sUI4, sI8, sUI8, sR4, sR8, sDATE, sCY, sDEC, sSTR, source_count };
const VARTYPE source_vt[] = {VT_I1, VT_UI1, VT_I2, VT_UI2, VT_I4, VT_UI4, VT_I8, VT_UI8, VT_R4, VT_R8, VT_DATE, VT_CY, VT_DECIMAL, VT_BSTR};
const char* const source_name[] = {"I1", "UI1", "I2", "UI2", "I4", "UI4", "I8", "UI8", "R4", "R8", "Date", "Cy", "Dec", "Str"};

enum target { tI1, tUI1, tI2, tUI2, tI4, tUI4, tI8, tUI8, tCY, target_count };
const VARTYPE target_vt[] = {VT_I1, VT_UI1, VT_I2, VT_UI2, VT_I4, VT_UI4, VT_I8, VT_UI8, VT_CY};
const char* const target_name[] = {"I1", "UI1", "I2", "UI2", "I4", "UI4", "I8", "UI8", "Cy"};
const int target_bits[] = {8, 8, 16, 16, 32, 32, 64, 64, 64};
const bool target_signed[] = {true, false, true, false, true, false, true, false, true};

constexpr i128 one = 1;
i128 type_min(int bits, bool is_signed) { return is_signed ? -(one << (bits - 1)) : 0; }
i128 type_max(int bits, bool is_signed) { return is_signed ? (one << (bits - 1)) - 1 : (one << bits) - 1; }

// CY's range in whole units: +-922337203685477.5807.
constexpr i128 cy_limit = 922337203685477;

using direct_fn = HRESULT (*)(const VARIANT&, void*);
using comkit::rt::scalar;
namespace vt_name = comkit::rt::vt_name;

struct exported_fn {
  VARTYPE target, source;
  const char* name;
  direct_fn fn;
};

// Every VarTFromS Windows exports, expanded from the runtime's own table
// (vartype_table.h) with the same member and parameter of each type, and
// each scalar's VarTFromStr (read in en-US).
const std::vector<exported_fn>& exported() {
  static const std::vector<exported_fn> all = {
#define COMKIT_IMPL_PAIR(T, S)                                                                                       \
  {vt_name::T, vt_name::S, "Var" #T "From" #S, [](const VARIANT& v, void* out) -> HRESULT {                          \
     return Var##T##From##S(scalar<vt_name::S>::arg_of(v), static_cast<scalar<vt_name::T>::type*>(out));            \
   }},
      COMKIT_IMPL_VAR_FROM_PAIRS(COMKIT_IMPL_PAIR)
#undef COMKIT_IMPL_PAIR
#define COMKIT_IMPL_STR(Name, VT_, CType, member)                                                                    \
  {VT_, VT_BSTR, "Var" #Name "FromStr", [](const VARIANT& v, void* out) -> HRESULT {                                 \
     return Var##Name##FromStr(v.bstrVal, 0x409, 0, static_cast<CType*>(out));                                       \
   }},
      COMKIT_IMPL_SCALAR_VARTYPES(COMKIT_IMPL_STR)
#undef COMKIT_IMPL_STR
  };
  return all;
}

// The VarXxxFromYyy function for target t and source s; nullptr where
// Windows has none (same type, VarI8FromI4).
direct_fn direct(int t, int s) {
  for (const exported_fn& e : exported()) {
    if (e.target == target_vt[t] && e.source == source_vt[s]) return e.fn;
  }
  return nullptr;
}

std::string text(i128 x) {
  if (x == 0) return "0";
  const bool neg = x < 0;
  std::string s;
  for (i128 m = neg ? -x : x; m; m /= 10) s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
  return neg ? "-" + s : s;
}

// The value h/2 as text: "-12" or "-12.5".
std::string half_text(i128 h) {
  const bool neg = h < 0;
  const i128 m = neg ? -h : h;
  std::string s = text(m / 2) + (m % 2 ? ".5" : "");
  return neg ? "-" + s : s;
}

// The source holding h/2, or false when it cannot hold it exactly.
bool make_source(int s, i128 h, VARIANT& v) {
  VariantInit(&v);
  const bool whole = h % 2 == 0;
  const i128 x = h / 2;
  auto fits = [&](int bits, bool sgn) { return whole && x >= type_min(bits, sgn) && x <= type_max(bits, sgn); };
  v.vt = source_vt[s];
  switch (s) {
    case sI1: if (!fits(8, true)) return false; v.cVal = static_cast<CHAR>(x); return true;
    case sUI1: if (!fits(8, false)) return false; v.bVal = static_cast<BYTE>(x); return true;
    case sI2: if (!fits(16, true)) return false; v.iVal = static_cast<SHORT>(x); return true;
    case sUI2: if (!fits(16, false)) return false; v.uiVal = static_cast<USHORT>(x); return true;
    case sI4: if (!fits(32, true)) return false; v.lVal = static_cast<LONG>(x); return true;
    case sUI4: if (!fits(32, false)) return false; v.ulVal = static_cast<ULONG>(x); return true;
    case sI8: if (!fits(64, true)) return false; v.llVal = static_cast<LONG64>(x); return true;
    case sUI8: if (!fits(64, false)) return false; v.ullVal = static_cast<ULONG64>(x); return true;
    case sR4: {
      const float f = static_cast<float>(static_cast<long double>(h) / 2);
      if (static_cast<i128>(static_cast<long double>(f) * 2) != h) return false;
      v.fltVal = f;
      return true;
    }
    case sR8: case sDATE: {
      const double d = static_cast<double>(static_cast<long double>(h) / 2);
      if (static_cast<i128>(static_cast<long double>(d) * 2) != h) return false;
      v.dblVal = d;
      return true;
    }
    case sCY: {
      const i128 scaled = h * 5000;
      if (scaled < INT64_MIN || scaled > INT64_MAX) return false;
      v.cyVal.int64 = static_cast<LONG64>(scaled);
      return true;
    }
    case sDEC: {
      const i128 m = (h < 0 ? -h : h) * (whole ? 1 : 5) / (whole ? 2 : 1);
      v.decVal.Lo64 = static_cast<ULONG64>(m);
      v.decVal.Hi32 = static_cast<ULONG>(m >> 64);
      v.decVal.scale = whole ? 0 : 1;
      v.decVal.sign = h < 0 ? DECIMAL_NEG : 0;
      v.vt = VT_DECIMAL;
      return true;
    }
    case sSTR: {
      const std::string t = half_text(h);
      v.bstrVal = SysAllocStringLen(nullptr, static_cast<UINT>(t.size()));
      for (std::size_t i = 0; i < t.size(); ++i) v.bstrVal[i] = static_cast<OLECHAR>(t[i]);
      return true;
    }
  }
  return false;
}

i128 round_half_even(i128 h) {
  if (h % 2 == 0) return h / 2;
  const i128 down = (h - 1) / 2 - (h < 0 && (h - 1) % 2 ? 1 : 0);  // floor(h/2)
  return down % 2 == 0 ? down : down + 1;
}

struct expectation {
  bool skip = false;
  HRESULT hr = S_OK;
  i128 value = 0;  // the integer, or CY's int64
};

bool integer_source(int s) { return s <= sUI8; }

expectation expect(int s, int t, i128 h, bool change_type) {
  expectation e;
  if (t == tCY) {
    i128 limit = cy_limit;
    if (s == sI8 && !change_type) limit = cy_limit - 1;  // VarCyFromI8 stops one short
    const i128 scaled = h * 5000;
    if (s == sI8 && change_type && (h / 2 > cy_limit - 1 || h / 2 < -(cy_limit - 1))) e.skip = true;  // unpinned
    if (h > limit * 2 + 1 || h < -(limit * 2 + 1) || scaled > INT64_MAX || scaled < INT64_MIN) e.hr = DISP_E_OVERFLOW;
    else e.value = scaled;
    return e;
  }
  const int bits = target_bits[t];
  const bool sgn = target_signed[t];
  if (change_type && integer_source(s) && target_bits[t] == 8 << (s / 2)) {
    // Same size: the bits are kept.
    const i128 x = h / 2;
    const i128 mod = one << bits;
    i128 r = ((x % mod) + mod) % mod;
    if (sgn && r > type_max(bits, true)) r -= mod;
    e.value = r;
    return e;
  }
  i128 r = round_half_even(h);
  if (s == sCY && t == tI8) {
    if (h < 0) {
      // Windows truncates a negative CY and subtracts one (KB 2282810).
      r = -((-h) / 2) - 1;
    } else if (h >= 2 * 429496) {
      e.skip = true;  // the large positive half of the same bug is unpinned
      return e;
    }
  }
  if (s == sDEC && t == tUI8 && h < 0) {
    if (h % 2 == 0) {
      e.value = -h / 2;  // Windows drops the sign of a whole negative DECIMAL
      return e;
    }
    e.skip = true;
    return e;
  }
  if (r < type_min(bits, sgn) || r > type_max(bits, sgn)) e.hr = DISP_E_OVERFLOW;
  else e.value = r;
  return e;
}

i128 read_target(int t, const void* p) {
  switch (t) {
    case tI1: return *static_cast<const CHAR*>(p);
    case tUI1: return *static_cast<const BYTE*>(p);
    case tI2: return *static_cast<const SHORT*>(p);
    case tUI2: return *static_cast<const USHORT*>(p);
    case tI4: return *static_cast<const LONG*>(p);
    case tUI4: return *static_cast<const ULONG*>(p);
    case tI8: case tCY: return *static_cast<const LONG64*>(p);
    case tUI8: return *static_cast<const ULONG64*>(p);
  }
  return 0;
}

// Twice the values to try: every target's edges and the halves around them.
std::vector<i128> test_values() {
  std::vector<i128> h = {0, 1, -1, 3, -3, 5, -5, 2, -2, 4, -4};
  for (int t = 0; t < target_count; ++t) {
    const i128 lo = t == tCY ? -cy_limit : type_min(target_bits[t], target_signed[t]);
    const i128 hi = t == tCY ? cy_limit : type_max(target_bits[t], target_signed[t]);
    for (i128 edge : {lo, hi}) {
      for (int d = -3; d <= 3; ++d) h.push_back(edge * 2 + d);  // edge-1.5 ... edge+1.5
    }
  }
  return h;
}

TEST(ConversionMatrix, EveryPairAtEveryEdge) {
  int checked = 0;
  for (i128 h : test_values()) {
    for (int s = 0; s < source_count; ++s) {
      VARIANT src;
      if (!make_source(s, h, src)) continue;
      for (int t = 0; t < target_count; ++t) {
        for (int change_type = 0; change_type < 2; ++change_type) {
          if (!change_type && !direct(t, s)) continue;
          if (change_type && source_vt[s] == target_vt[t]) continue;
          const expectation e = expect(s, t, h, change_type);
          if (e.skip) continue;
          HRESULT hr;
          i128 got = 0;
          bool untouched = true;
          if (change_type) {
            VARIANT dst;
            VariantInit(&dst);
            dst.vt = VT_I2;
            dst.iVal = 0x1234;
            hr = VariantChangeTypeEx(&dst, &src, 0x409, 0, target_vt[t]);
            if (SUCCEEDED(hr)) {
              EXPECT_EQ(dst.vt, target_vt[t]);
              got = read_target(t, &dst.llVal);
            } else {
              untouched = dst.vt == VT_I2 && dst.iVal == 0x1234;
            }
          } else {
            unsigned char out[8];
            std::memset(out, 0x5A, sizeof out);
            hr = direct(t, s)(src, out);
            if (SUCCEEDED(hr)) got = read_target(t, out);
            else untouched = out[0] == 0x5A && out[7] == 0x5A;
          }
          const std::string what = std::string(change_type ? "VariantChangeType " : "Var") + target_name[t] + "From" +
                                   source_name[s] + "(" + half_text(h) + ")";
          EXPECT_EQ(hr, e.hr) << what;
          if (SUCCEEDED(hr) && hr == e.hr) {
            EXPECT_TRUE(got == e.value) << what << " gave " << text(got) << ", expected " << text(e.value);
          }
          EXPECT_TRUE(untouched) << what << " wrote its output on failure";
          ++checked;
        }
      }
      VariantClear(&src);
    }
  }
  EXPECT_GT(checked, 5000);
}

TEST(ConversionMatrix, NanAndInfinityOverflowEveryIntegerTarget) {
  const double specials[] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity()};
  for (double x : specials) {
    for (int s : {sR4, sR8, sDATE}) {
      VARIANT src;
      VariantInit(&src);
      src.vt = source_vt[s];
      if (s == sR4) src.fltVal = static_cast<float>(x);
      else src.dblVal = x;
      for (int t = 0; t < target_count; ++t) {
        unsigned char out[8];
        EXPECT_EQ(direct(t, s)(src, out), DISP_E_OVERFLOW) << source_name[s] << " " << x << " to " << target_name[t];
        VARIANT dst;
        VariantInit(&dst);
        EXPECT_EQ(VariantChangeTypeEx(&dst, &src, 0x409, 0, target_vt[t]), DISP_E_OVERFLOW);
      }
      DECIMAL d;
      EXPECT_EQ(s == sR4 ? VarDecFromR4(static_cast<float>(x), &d) : VarDecFromR8(x, &d), DISP_E_OVERFLOW);
      if (s != sDATE) {
        DATE date;
        EXPECT_EQ(s == sR4 ? VarDateFromR4(static_cast<float>(x), &date) : VarDateFromR8(x, &date), DISP_E_OVERFLOW);
      }
    }
  }
}

TEST(ConversionMatrix, TextWithBlanksEmptyAndNull) {
  for (int t = 0; t < target_count; ++t) {
    struct row {
      const char16_t* s;
      HRESULT hr;
      i128 value, cy;  // the integer, and CY's ten-thousandths
    };
    const row rows[] = {{u"  12  ", S_OK, 12, 120000},     {u"\t12", S_OK, 12, 120000},      {u"12 ", S_OK, 12, 120000},
                        {u"", DISP_E_TYPEMISMATCH, 0, 0},  {u"   ", DISP_E_TYPEMISMATCH, 0, 0}, {u"1 2", DISP_E_TYPEMISMATCH, 0, 0},
                        {u"12abc", DISP_E_TYPEMISMATCH, 0, 0}, {u"+12", S_OK, 12, 120000},   {u"12.5", S_OK, 12, 125000},
                        {u"13.5", S_OK, 14, 135000}};
    for (const row& w : rows) {
      VARIANT src;
      VariantInit(&src);
      src.vt = VT_BSTR;
      src.bstrVal = SysAllocString(reinterpret_cast<const OLECHAR*>(w.s));
      unsigned char out[8] = {};
      const HRESULT hr = direct(t, sSTR)(src, out);
      EXPECT_EQ(hr, w.hr) << target_name[t];
      if (SUCCEEDED(hr)) {
        EXPECT_TRUE(read_target(t, out) == (t == tCY ? w.cy : w.value)) << target_name[t] << " from " << (&w - rows);
      }
      VariantClear(&src);
    }
    VARIANT null_text;
    VariantInit(&null_text);
    null_text.vt = VT_BSTR;
    null_text.bstrVal = nullptr;
    unsigned char out[8];
    EXPECT_EQ(direct(t, sSTR)(null_text, out), DISP_E_TYPEMISMATCH) << target_name[t];
  }
}

}  // namespace

namespace {

bool same_size_integers(VARTYPE a, VARTYPE b) {
  auto size = [](VARTYPE vt) {
    switch (vt) {
      case VT_I1: case VT_UI1: return 1;
      case VT_I2: case VT_UI2: return 2;
      case VT_I4: case VT_UI4: return 4;
      case VT_I8: case VT_UI8: return 8;
      default: return 0;
    }
  };
  return size(a) && size(a) == size(b);
}

// Every exported pair, all fourteen targets (not only the integers above):
// the function and VariantChangeType give the same HRESULT and the same
// bytes for each sample, except where Windows' ChangeType keeps the bits
// between same-size integers. Catches a ChangeType dispatch that calls the
// wrong conversion or reads the wrong VARIANT member.
TEST(ConversionMatrix, EveryExportedFunctionAgreesWithChangeType) {
  int pairs = 0;
  for (const exported_fn& e : exported()) pairs += e.source != VT_BSTR;
  EXPECT_EQ(pairs, 14 * 13 - 1);  // every ordered pair of distinct scalars but VarI8FromI4

  const double samples[] = {0, 1, -1, 2.5, -3.5, 127, 128, 255, 256, -129, 32768, -40000, 65536, 2147483648.0,
                            -2147483649.0, 4294967296.0, 1e15, -1e15, 1e19, 0.00005, 3e38, 1e300};
  int checked = 0;
  for (double x : samples) {
    for (const exported_fn& e : exported()) {
      VARIANT r8, src;
      VariantInit(&r8);
      VariantInit(&src);
      r8.vt = VT_R8;
      r8.dblVal = x;
      if (e.source == VT_BSTR) {
        if (FAILED(VariantChangeTypeEx(&src, &r8, 0x409, 0, VT_BSTR))) continue;
      } else if (FAILED(VariantChangeTypeEx(&src, &r8, 0x409, 0, e.source))) {
        continue;  // the sample does not fit this source
      }
      if (same_size_integers(e.target, e.source)) {
        VariantClear(&src);
        continue;
      }
      VARIANT direct_out, changed;
      std::memset(&direct_out, 0, sizeof direct_out);
      VariantInit(&changed);
      void* slot = e.target == VT_DECIMAL ? static_cast<void*>(&direct_out.decVal) : static_cast<void*>(&direct_out.llVal);
      const HRESULT hr_direct = e.fn(src, slot);
      const HRESULT hr_change = VariantChangeTypeEx(&changed, &src, 0x409, 0, e.target);
      EXPECT_EQ(hr_direct, hr_change) << e.name << "(" << x << ")";
      if (SUCCEEDED(hr_direct) && SUCCEEDED(hr_change)) {
        EXPECT_EQ(changed.vt, e.target) << e.name;
        if (e.target == VT_DECIMAL) {
          EXPECT_EQ(std::memcmp(&direct_out.decVal.scale, &changed.decVal.scale, sizeof(DECIMAL) - 2), 0)
              << e.name << "(" << x << ")";
        } else {
          EXPECT_EQ(std::memcmp(&direct_out.llVal, &changed.llVal, 8), 0) << e.name << "(" << x << ")";
        }
        ++checked;
      }
      VariantClear(&changed);
      VariantClear(&src);
    }
  }
  EXPECT_GT(checked, 1500);
}

}  // namespace
