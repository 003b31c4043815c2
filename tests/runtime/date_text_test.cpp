// tests/runtime/date_text_test.cpp - VarDateFromStr against the en-US
// cases Windows' behaviour is recorded for: times with '.' or ':', AM/PM,
// two- and three-number dates and the order Windows tries (M D Y, then
// Y M D, then D M Y), month names, the two-digit-year window of Windows 10
// 1903 and later (00-49 are 2000-2049), dates with times in either order,
// and the strings Windows rejects. A date without a year is in the current
// year.
#include <gtest/gtest.h>

#include <objbase.h>
#include <oleauto.h>

#include <cmath>
#include <ctime>

namespace {

struct date_case {
  const char16_t* text;
  bool ok;
  int year, month, day, hour, minute, second;
  bool this_year;
};

const date_case cases[] = {
    {u"0.0", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 am", true, 1899, 12, 30, 1, 0, 0, false},
    {u"0.1", true, 1899, 12, 30, 0, 1, 0, false},
    {u"0.40", true, 1899, 12, 30, 0, 40, 0, false},
    {u"2.5", true, 1899, 12, 30, 2, 5, 0, false},
    {u"0:1", true, 1899, 12, 30, 0, 1, 0, false},
    {u"0:20", true, 1899, 12, 30, 0, 20, 0, false},
    {u"0:40", true, 1899, 12, 30, 0, 40, 0, false},
    {u"3:5", true, 1899, 12, 30, 3, 5, 0, false},
    {u"00:00 AM", true, 1899, 12, 30, 0, 0, 0, false},
    {u"00:00 a", true, 1899, 12, 30, 0, 0, 0, false},
    {u"12:59 AM", true, 1899, 12, 30, 0, 59, 0, false},
    {u"12:59 A", true, 1899, 12, 30, 0, 59, 0, false},
    {u"00:00 pm", true, 1899, 12, 30, 12, 0, 0, false},
    {u"00:00 p", true, 1899, 12, 30, 12, 0, 0, false},
    {u"12:59 pm", true, 1899, 12, 30, 12, 59, 0, false},
    {u"12:59 p", true, 1899, 12, 30, 12, 59, 0, false},
    {u"13:00 AM", true, 1899, 12, 30, 13, 0, 0, false},
    {u"13:00 PM", true, 1899, 12, 30, 13, 0, 0, false},
    {u"1 2", true, 0, 1, 2, 0, 0, 0, true},
    {u"2 1", true, 0, 2, 1, 0, 0, 0, true},
    {u"14 1", true, 0, 1, 14, 0, 0, 0, true},
    {u"1 14", true, 0, 1, 14, 0, 0, 0, true},
    {u"30 2", true, 2030, 2, 1, 0, 0, 0, false},
    {u"2 30", true, 2030, 2, 1, 0, 0, 0, false},
    {u"32 49", false, 0, 0, 0, 0, 0, 0, false},
    {u"0 49", false, 0, 0, 0, 0, 0, 0, false},
    {u"Jan 2", true, 0, 1, 2, 0, 0, 0, true},
    {u"2 Jan", true, 0, 1, 2, 0, 0, 0, true},
    {u"Jan 35", true, 2035, 1, 1, 0, 0, 0, false},
    {u"35 Jan", true, 2035, 1, 1, 0, 0, 0, false},
    {u"Jan-35", true, 2035, 1, 1, 0, 0, 0, false},
    {u"35-Jan", true, 2035, 1, 1, 0, 0, 0, false},
    {u"Jan/35", true, 2035, 1, 1, 0, 0, 0, false},
    {u"35/Jan", true, 2035, 1, 1, 0, 0, 0, false},
    {u"0.1.0", true, 1899, 12, 30, 0, 1, 0, false},
    {u"1.5.2", true, 1899, 12, 30, 1, 5, 2, false},
    {u"1 2 3", true, 2003, 1, 2, 0, 0, 0, false},
    {u"14 2 3", true, 2014, 2, 3, 0, 0, 0, false},
    {u"2 14 3", true, 2003, 2, 14, 0, 0, 0, false},
    {u"2 3 14", true, 2014, 2, 3, 0, 0, 0, false},
    {u"32 2 3", true, 2032, 2, 3, 0, 0, 0, false},
    {u"2 3 32", true, 2032, 2, 3, 0, 0, 0, false},
    {u"1 1 0", true, 2000, 1, 1, 0, 0, 0, false},
    {u"12 31 29", true, 2029, 12, 31, 0, 0, 0, false},
    {u"1 1 30", true, 2030, 1, 1, 0, 0, 0, false},
    {u"31 12 49", true, 2049, 12, 31, 0, 0, 0, false},
    {u"1 1 50", true, 1950, 1, 1, 0, 0, 0, false},
    {u"12 31 99", true, 1999, 12, 31, 0, 0, 0, false},
    {u"1 1 100", true, 100, 1, 1, 0, 0, 0, false},
    {u"3 am 1 2", true, 0, 1, 2, 3, 0, 0, true},
    {u"1 2 3 am", true, 0, 1, 2, 3, 0, 0, true},
    {u"1.2 3 4", true, 0, 3, 4, 1, 2, 0, true},
    {u"3 4 1.2", true, 0, 3, 4, 1, 2, 0, true},
    {u"1.2.3 4 5", true, 0, 4, 5, 1, 2, 3, true},
    {u"1.2 3 4 5", true, 2005, 3, 4, 1, 2, 0, false},
    {u"1 2 3 4.5", true, 2003, 1, 2, 4, 5, 0, false},
    {u"1.2.3 4 5 6", true, 2006, 4, 5, 1, 2, 3, false},
    {u"1 2 3 4.5.6", true, 2003, 1, 2, 4, 5, 6, false},
    {u"True", false, 0, 0, 0, 0, 0, 0, false},
    {u"False", false, 0, 0, 0, 0, 0, 0, false},
    {u"0.", false, 0, 0, 0, 0, 0, 0, false},
    {u".0", false, 0, 0, 0, 0, 0, 0, false},
    {u"-1.1", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.1-", false, 0, 0, 0, 0, 0, 0, false},
    {u"1;2;3", false, 0, 0, 0, 0, 0, 0, false},
    {u"1*2*3", false, 0, 0, 0, 0, 0, 0, false},
    {u"1@2@3", false, 0, 0, 0, 0, 0, 0, false},
    {u"1#2#3", false, 0, 0, 0, 0, 0, 0, false},
    {u"(1:2)", false, 0, 0, 0, 0, 0, 0, false},
    {u"<1:2>", false, 0, 0, 0, 0, 0, 0, false},
    {u"1|2|3", false, 0, 0, 0, 0, 0, 0, false},
    {u"0", false, 0, 0, 0, 0, 0, 0, false},
    {u"1", false, 0, 0, 0, 0, 0, 0, false},
    {u"0.60", false, 0, 0, 0, 0, 0, 0, false},
    {u"24.00", false, 0, 0, 0, 0, 0, 0, false},
    {u"0:60", false, 0, 0, 0, 0, 0, 0, false},
    {u"24:00", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 am", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 am 2", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.5 2", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 5.2", false, 0, 0, 0, 0, 0, 0, false},
    {u"2 32 3", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 am 3", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2.3 4", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3 4", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2.3.4", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3.4", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3.4", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 3 4", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 am 2 3.4", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 am 3.4", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3 am 4", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3 4 am", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3.4.5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3.4 5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3 4.5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3.4.5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3.4 5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3 4.5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2.3.4.5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2.3.4 5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2.3 4.5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2.3 4 5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 3.4 5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 3 4 5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3 4 am 5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3 4 5 am", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3 am 4 5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3 4 am 5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3 4 5 am", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 am 2 3.4.5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 am 3.4.5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 am 2 3 4.5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 am 3 4.5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 3 am 4.5", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3.4.5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3.4.5 6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3.4 5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3.4 5 6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3 4.5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3 4.5 6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2.3 4 5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3.4.5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3.4.5 6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3.4 5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3.4 5 6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3 4.5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3 4.5 6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3 4 5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1.2 3 4 5 6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2.3.4.5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2.3.4.5 6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2.3.4 5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2.3.4 5 6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2.3 4.5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 3.4 5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 3.4 5 6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 3 4.5 6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 3 4 5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 3 4 5 6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 am 3 4.5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"1 2 3 am 4.5.6", false, 0, 0, 0, 0, 0, 0, false},
    {u"2 January, 1970", true, 1970, 1, 2, 0, 0, 0, false},
    {u"2 January 1970", true, 1970, 1, 2, 0, 0, 0, false},
    {u"2 Jan 1970", true, 1970, 1, 2, 0, 0, 0, false},
    {u"2/Jan/1970", true, 1970, 1, 2, 0, 0, 0, false},
    {u"2-Jan-1970", true, 1970, 1, 2, 0, 0, 0, false},
    {u"1 2 1970", true, 1970, 1, 2, 0, 0, 0, false},
    {u"1/2/1970", true, 1970, 1, 2, 0, 0, 0, false},
    {u"1-2-1970", true, 1970, 1, 2, 0, 0, 0, false},
    {u"13-1-1970", true, 1970, 1, 13, 0, 0, 0, false},
    {u"1970-1-13", true, 1970, 1, 13, 0, 0, 0, false},
    {u"6/30/2011 01:20:34", true, 2011, 6, 30, 1, 20, 34, false},
    {u"6/30/2011 01:20:34 AM", true, 2011, 6, 30, 1, 20, 34, false},
    {u"6/30/2011 01:20:34 PM", true, 2011, 6, 30, 13, 20, 34, false},
    {u"2013-05-14 02:04:12", true, 2013, 5, 14, 2, 4, 12, false},
    {u"2013-05-14 02:04:12.017000000", false, 0, 0, 0, 0, 0, 0, false},
    {u"6/30/2011\u30001:20:34", true, 2011, 6, 30, 1, 20, 34, false},
    {u"02.01.1970", false, 0, 0, 0, 0, 0, 0, false},
    {u"02.01.1970 00:00:00", false, 0, 0, 0, 0, 0, 0, false},
};

// Days from 1899-12-30 of a proleptic Gregorian date.
long days_from_epoch(long y, int m, int d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 + 25569;  // 1970-01-01 is day 25569
}

TEST(VarDateFromStr, WindowsRecordedCases) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  const int this_year = utc.tm_year + 1900;
  int index = 0;
  for (const date_case& c : cases) {
    DATE d = -12345;
    const HRESULT hr = VarDateFromStr(reinterpret_cast<const OLECHAR*>(c.text), 0x409, LOCALE_NOUSEROVERRIDE, &d);
    if (!c.ok) {
      EXPECT_EQ(hr, DISP_E_TYPEMISMATCH) << "case " << index << " should be rejected";
    } else {
      EXPECT_EQ(hr, S_OK) << "case " << index;
      const long days = days_from_epoch(c.this_year ? this_year : c.year, c.month, c.day);
      const double time = (c.hour * 3600 + c.minute * 60 + c.second) / 86400.0;
      const double want = days >= 0 ? days + time : days - time;
      if (SUCCEEDED(hr)) {
        EXPECT_NEAR(d, want, 1e-9) << "case " << index;
      }
    }
    ++index;
  }
}

TEST(VarDateFromStr, NullIsTypeMismatch) {
  DATE d;
  EXPECT_EQ(VarDateFromStr(nullptr, 0x409, 0, &d), DISP_E_TYPEMISMATCH);
}

}  // namespace
