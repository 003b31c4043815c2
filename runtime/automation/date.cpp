// runtime/automation/date.cpp - the DATE calendar and the date functions:
// VariantTimeToSystemTime, SystemTimeToVariantTime, VarDateFromUdate(Ex),
// VarUdateFromDate, DosDateTimeToVariantTime, VariantTimeToDosDateTime.
//
// A DATE counts days from 30 Dec 1899 (proleptic Gregorian, no Julian
// switch) in its integer part and the time of day in its fraction. Below
// zero the integer part (truncated toward zero) is still the day and the
// fraction's magnitude the time, so -5.25 is 25 Dec 1899 06:00: DATE is
// not linear there, and converting back produces that form (the time is
// subtracted from a negative day).
#include "date.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

namespace comkit::rt {
namespace {

constexpr long long serial_epoch_offset = 25569;  // DATE serial of 1970-01-01

long long floor_div(long long a, long long b) noexcept { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Days from 1970-01-01 of a Gregorian date (any year, month 1..12).
long long days_from_civil(long long y, int m, int d) noexcept {
  y -= m <= 2;
  const long long era = floor_div(y, 400);
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(long long z, long long& y, int& m, int& d) noexcept {
  z += 719468;
  const long long era = floor_div(z, 146097);
  const long long doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y += m <= 2;
}

long long serial_of(long long y, int m, int d) noexcept { return days_from_civil(y, m, d) + serial_epoch_offset; }

bool leap(long long y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int month_days(long long y, int m) noexcept {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

// Two-digit years as Windows 10 (1903 and later) reads them: 0..49 are
// 2000..2049, 50..99 are 1950..1999; a negative year y means 2000 + y.
long long full_year(long long y) noexcept {
  if (y < 0) return 2000 + y;
  if (y < 50) return 2000 + y;
  if (y < 100) return 1900 + y;
  return y;
}

}  // namespace

HRESULT date_to_udate(double d, UDATE& out) noexcept {
  if (std::isnan(d) || d <= date_min - 1 || d >= date_max + 1) return E_INVALIDARG;
  double whole = std::trunc(d);
  long long day = static_cast<long long>(whole);
  long long secs = static_cast<long long>(std::floor(std::fabs(d - whole) * 86400.0 + 0.5));
  if (secs >= 86400) {
    secs -= 86400;
    ++day;
  }
  long long y;
  int m, dd;
  civil_from_days(day - serial_epoch_offset, y, m, dd);
  std::memset(&out, 0, sizeof out);
  out.st.wYear = static_cast<WORD>(y);
  out.st.wMonth = static_cast<WORD>(m);
  out.st.wDay = static_cast<WORD>(dd);
  out.st.wHour = static_cast<WORD>(secs / 3600);
  out.st.wMinute = static_cast<WORD>(secs / 60 % 60);
  out.st.wSecond = static_cast<WORD>(secs % 60);
  out.st.wMilliseconds = 0;
  out.st.wDayOfWeek = static_cast<WORD>(((day % 7) + 7 + 6) % 7);  // day 0 was a Saturday
  out.wDayOfYear = static_cast<USHORT>(day - serial_of(y, 1, 1) + 1);
  return S_OK;
}

HRESULT udate_to_date(const UDATE& u, ULONG flags, double& out) noexcept {
  // Every field is read as signed 16-bit and normalised, not rejected.
  long long year = static_cast<short>(u.st.wYear);
  if (year > 9999 || year < -9999) return E_INVALIDARG;
  year = full_year(year);
  const long long month0 = static_cast<long long>(static_cast<short>(u.st.wMonth)) - 1;
  year += floor_div(month0, 12);
  const int month = static_cast<int>(month0 - floor_div(month0, 12) * 12) + 1;
  const long long serial = serial_of(year, month, 1) + static_cast<short>(u.st.wDay) - 1;
  const long long secs = static_cast<long long>(static_cast<short>(u.st.wHour)) * 3600 +
                         static_cast<long long>(static_cast<short>(u.st.wMinute)) * 60 + static_cast<short>(u.st.wSecond);
  const long long total = serial * 86400 + secs;  // milliseconds are ignored
  const long long day = floor_div(total, 86400);
  const long long t = total - day * 86400;
  if (day < static_cast<long long>(date_min) || day > static_cast<long long>(date_max)) return E_INVALIDARG;
  const double time = static_cast<double>(t) / 86400.0;
  if (flags & VAR_TIMEVALUEONLY) out = time;
  else if (flags & VAR_DATEVALUEONLY) out = static_cast<double>(day);
  else out = day >= 0 ? static_cast<double>(day) + time : static_cast<double>(day) - time;
  return S_OK;
}

HRESULT date_to_text(double d, ULONG flags, std::string& out) noexcept {
  UDATE u;
  HRESULT hr = date_to_udate(d, u);
  if (FAILED(hr)) return hr;
  const bool day_zero = u.st.wYear == 1899 && u.st.wMonth == 12 && u.st.wDay == 30;  // time only
  const bool has_time = u.st.wHour || u.st.wMinute || u.st.wSecond;
  bool show_date = !(flags & VAR_TIMEVALUEONLY) && (!day_zero || (flags & VAR_DATEVALUEONLY));
  bool show_time = !(flags & VAR_DATEVALUEONLY) && (has_time || (flags & LOCALE_USE_NLS) || !show_date);
  char buf[64];
  out.clear();
  if (show_date) {
    std::snprintf(buf, sizeof buf, "%u/%u/%u", u.st.wMonth, u.st.wDay, u.st.wYear);
    out += buf;
  }
  if (show_time) {
    unsigned h = u.st.wHour % 12;
    if (h == 0) h = 12;
    std::snprintf(buf, sizeof buf, "%s%u:%02u:%02u %s", show_date ? " " : "", h, u.st.wMinute, u.st.wSecond, u.st.wHour < 12 ? "AM" : "PM");
    out += buf;
  }
  return S_OK;
}

// ---- Parsing ----------------------------------------------------------------

namespace {

struct date_token {
  enum kind { number, word, sep } k;
  long long value = 0;
  int ndigits = 0;
  std::string text;  // lower-case word or the separator
};

int month_from_word(const std::string& w) noexcept {
  static const char* const names[] = {"january", "february", "march", "april", "may", "june",
                                      "july", "august", "september", "october", "november", "december"};
  for (int i = 0; i < 12; ++i) {
    const std::string n = names[i];
    if (w == n || (w.size() >= 3 && n.compare(0, w.size(), w) == 0)) return i + 1;
  }
  if (w == "sept") return 9;
  return 0;
}

bool weekday_word(const std::string& w) noexcept {
  static const char* const names[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  for (const char* n : names) {
    const std::string s = n;
    if (w == s || (w.size() >= 3 && s.compare(0, w.size(), w) == 0)) return true;
  }
  return false;
}

}  // namespace

HRESULT date_from_text(const OLECHAR* s, ULONG flags, double& out) noexcept {
  if (!s) return DISP_E_TYPEMISMATCH;
  std::vector<date_token> toks;
  for (std::size_t i = 0; s[i];) {
    char16_t c = s[i];
    if (c >= u'0' && c <= u'9') {
      date_token t{date_token::number, 0, 0, {}};
      while (s[i] >= u'0' && s[i] <= u'9') {
        if (t.value < 100000000) t.value = t.value * 10 + (s[i] - u'0');
        ++t.ndigits;
        ++i;
      }
      toks.push_back(t);
    } else if ((c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z')) {
      date_token t{date_token::word, 0, 0, {}};
      while ((s[i] >= u'a' && s[i] <= u'z') || (s[i] >= u'A' && s[i] <= u'Z')) {
        t.text.push_back(static_cast<char>(std::tolower(static_cast<int>(s[i]))));
        ++i;
      }
      toks.push_back(t);
    } else if (c == u' ' || c == u'\t' || c == 0xa0) {
      ++i;
    } else if (c == u'/' || c == u'-' || c == u',' || c == u'.' || c == u':') {
      date_token t{date_token::sep, 0, 0, {}};
      t.text.push_back(static_cast<char>(c));
      toks.push_back(t);
      ++i;
    } else {
      return DISP_E_TYPEMISMATCH;
    }
  }
  if (toks.empty()) return DISP_E_TYPEMISMATCH;

  // Time: NUMBER ':' NUMBER [':' NUMBER] [am|pm], or NUMBER am|pm.
  long long hour = -1, minute = 0, second = 0;
  std::vector<date_token> rest;
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const date_token& t = toks[i];
    auto is_ampm = [&](std::size_t k) {
      return k < toks.size() && toks[k].k == date_token::word && (toks[k].text == "am" || toks[k].text == "pm" || toks[k].text == "a" || toks[k].text == "p");
    };
    if (t.k == date_token::number && hour < 0 && i + 2 < toks.size() && toks[i + 1].k == date_token::sep && toks[i + 1].text == ":" &&
        toks[i + 2].k == date_token::number) {
      hour = t.value;
      minute = toks[i + 2].value;
      i += 2;
      if (i + 2 < toks.size() && toks[i + 1].k == date_token::sep && toks[i + 1].text == ":" && toks[i + 2].k == date_token::number) {
        second = toks[i + 2].value;
        i += 2;
      }
      if (is_ampm(i + 1)) {
        const bool pm = toks[i + 1].text[0] == 'p';
        if (hour < 1 || hour > 12) return DISP_E_TYPEMISMATCH;
        hour = hour % 12 + (pm ? 12 : 0);
        ++i;
      }
      continue;
    }
    if (t.k == date_token::number && hour < 0 && is_ampm(i + 1)) {
      hour = t.value;
      if (hour < 1 || hour > 12) return DISP_E_TYPEMISMATCH;
      hour = hour % 12 + (toks[i + 1].text[0] == 'p' ? 12 : 0);
      ++i;
      continue;
    }
    rest.push_back(t);
  }
  if (hour > 23 || minute > 59 || second > 59) return DISP_E_TYPEMISMATCH;

  // Date: numbers and at most one month name, separated by / - , . or
  // blanks; weekday names are ignored.
  std::vector<long long> nums;
  std::vector<int> ndigits;
  int month_word = 0;
  std::size_t month_pos = 0;
  for (const date_token& t : rest) {
    if (t.k == date_token::number) {
      nums.push_back(t.value);
      ndigits.push_back(t.ndigits);
    } else if (t.k == date_token::word) {
      if (int m = month_from_word(t.text); m && !month_word) {
        month_word = m;
        month_pos = nums.size();
      } else if (!weekday_word(t.text)) {
        return DISP_E_TYPEMISMATCH;
      }
    }
  }
  const bool has_date = !nums.empty() || month_word;
  if (!has_date && hour < 0) return DISP_E_TYPEMISMATCH;
  long long year = 1899;
  int month = 12, day = 30;
  if (has_date) {
    std::time_t now = std::time(nullptr);
    std::tm tmv{};
    localtime_r(&now, &tmv);
    const long long this_year = tmv.tm_year + 1900;
    if (month_word) {
      // "January 2, 1970", "2 January 1970", "Jan 2", "2-Jan-1970".
      if (nums.empty() || nums.size() > 2) return DISP_E_TYPEMISMATCH;
      month = month_word;
      if (nums.size() == 1) {
        day = static_cast<int>(nums[0]);
        year = this_year;
        if (ndigits[0] > 2) {  // "January 1970"
          year = nums[0];
          day = 1;
        }
      } else {
        const bool day_first = month_pos == 1;
        if (ndigits[0] > 2) {  // "1970 January 2"
          year = nums[0];
          day = static_cast<int>(nums[1]);
        } else {
          day = static_cast<int>(day_first ? nums[0] : nums[0]);
          year = nums[1];
          if (!day_first && month_pos == 0) day = static_cast<int>(nums[0]);
        }
      }
    } else if (nums.size() == 3) {
      if (ndigits[0] > 2) {  // yyyy-M-d
        year = nums[0];
        month = static_cast<int>(nums[1]);
        day = static_cast<int>(nums[2]);
      } else {  // M/d/y (en-US)
        month = static_cast<int>(nums[0]);
        day = static_cast<int>(nums[1]);
        year = nums[2];
      }
    } else if (nums.size() == 2) {  // M/d in the current year
      month = static_cast<int>(nums[0]);
      day = static_cast<int>(nums[1]);
      year = this_year;
    } else {
      return DISP_E_TYPEMISMATCH;
    }
    if (year < 100 && (ndigits.empty() || ndigits.back() <= 2)) year = full_year(year);
    if (month < 1 || month > 12 || day < 1 || year < 100 || year > 9999 || day > month_days(year, month)) return DISP_E_TYPEMISMATCH;
  }
  if (hour < 0) hour = 0;
  const long long serial = has_date ? serial_of(year, month, day) : 0;
  const double time = static_cast<double>(hour * 3600 + minute * 60 + second) / 86400.0;
  if (flags & VAR_TIMEVALUEONLY) out = time;
  else if (flags & VAR_DATEVALUEONLY) out = static_cast<double>(serial);
  else out = serial >= 0 ? static_cast<double>(serial) + time : static_cast<double>(serial) - time;
  return S_OK;
}

}  // namespace comkit::rt

using namespace comkit::rt;

COMKIT_STDAPI VarUdateFromDate(DATE dateIn, ULONG dwFlags, UDATE* pudateOut) {
  (void)dwFlags;  // Windows documents it for alternative calendars only
  if (!pudateOut) return E_INVALIDARG;
  return date_to_udate(dateIn, *pudateOut);
}

COMKIT_STDAPI VarDateFromUdateEx(UDATE* pudateIn, LCID lcid, ULONG dwFlags, DATE* pdateOut) {
  (void)lcid;  // no observed effect on Windows
  if (!pudateIn || !pdateOut) return E_INVALIDARG;
  return udate_to_date(*pudateIn, dwFlags, *pdateOut);
}

COMKIT_STDAPI VarDateFromUdate(UDATE* pudateIn, ULONG dwFlags, DATE* pdateOut) {
  return VarDateFromUdateEx(pudateIn, LOCALE_USER_DEFAULT, dwFlags, pdateOut);
}

// Stricter than VarDateFromUdate: a month above 12, a day above 31 or a year
// above 9999 (a negative year reads as one) is FALSE; day 0 still rolls back.
COMKIT_STDAPI_(INT) SystemTimeToVariantTime(LPSYSTEMTIME lpSystemTime, DOUBLE* pvtime) {
  if (!lpSystemTime || !pvtime) return FALSE;
  if (lpSystemTime->wMonth > 12 || lpSystemTime->wDay > 31 || lpSystemTime->wYear > 9999) return FALSE;
  UDATE u{};
  u.st = *lpSystemTime;
  double d = 0;
  if (FAILED(udate_to_date(u, 0, d))) return FALSE;
  *pvtime = d;
  return TRUE;
}

COMKIT_STDAPI_(INT) VariantTimeToSystemTime(DOUBLE vtime, LPSYSTEMTIME lpSystemTime) {
  if (!lpSystemTime) return FALSE;
  UDATE u;
  if (FAILED(date_to_udate(vtime, u))) return FALSE;
  *lpSystemTime = u.st;
  return TRUE;
}

// FAT packing: date = (year-1980)<<9 | month<<5 | day, time = hour<<11 |
// minute<<5 | seconds/2. Years 1980..2099; month 0 and day 0 roll back.
COMKIT_STDAPI_(INT) DosDateTimeToVariantTime(USHORT wDosDate, USHORT wDosTime, DOUBLE* pvtime) {
  if (!pvtime) return FALSE;
  const unsigned year = wDosDate >> 9, month = (wDosDate >> 5) & 0xf, day = wDosDate & 0x1f;
  const unsigned hour = wDosTime >> 11, minute = (wDosTime >> 5) & 0x3f, sec2 = wDosTime & 0x1f;
  if (year > 119 || month > 12 || hour > 23 || minute > 59 || sec2 > 29) return FALSE;
  UDATE u{};
  u.st.wYear = static_cast<WORD>(1980 + year);
  u.st.wMonth = static_cast<WORD>(month);
  u.st.wDay = static_cast<WORD>(day);
  u.st.wHour = static_cast<WORD>(hour);
  u.st.wMinute = static_cast<WORD>(minute);
  u.st.wSecond = static_cast<WORD>(sec2 * 2);
  double d = 0;
  if (FAILED(udate_to_date(u, 0, d))) return FALSE;
  *pvtime = d;
  return TRUE;
}

// Rounded to the nearest second first, then halved (odd seconds truncate).
COMKIT_STDAPI_(INT) VariantTimeToDosDateTime(DOUBLE vtime, USHORT* pwDosDate, USHORT* pwDosTime) {
  if (!pwDosDate || !pwDosTime) return FALSE;
  UDATE u;
  if (FAILED(date_to_udate(vtime, u))) return FALSE;
  if (u.st.wYear < 1980 || u.st.wYear > 2099) return FALSE;
  *pwDosDate = static_cast<USHORT>(((u.st.wYear - 1980) << 9) | (u.st.wMonth << 5) | u.st.wDay);
  *pwDosTime = static_cast<USHORT>((u.st.wHour << 11) | (u.st.wMinute << 5) | (u.st.wSecond >> 1));
  return TRUE;
}
