// runtime/numeric/date.cpp - the DATE calendar and the date functions:
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
#include <string>
#include <vector>

#include <unicode/uchar.h>

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

void format_picture(std::u16string_view pic, const UDATE& u, const locale_info& li, std::u16string& out) {
  auto num = [&](unsigned v, std::size_t width) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%0*u", static_cast<int>(width), v);
    for (const char* p = buf; *p; ++p) out.push_back(static_cast<char16_t>(*p));
  };
  const SYSTEMTIME& st = u.st;
  for (std::size_t i = 0; i < pic.size();) {
    const char16_t c = pic[i];
    if (c == u'\'') {
      std::size_t j = i + 1;
      if (j < pic.size() && pic[j] == u'\'') {  // '' is a quote
        out.push_back(u'\'');
        i += 2;
        continue;
      }
      while (j < pic.size() && pic[j] != u'\'') out.push_back(pic[j++]);
      i = j + 1;
      continue;
    }
    std::size_t n = 1;
    while (i + n < pic.size() && pic[i + n] == c) ++n;
    switch (c) {
      case u'd':
        if (n >= 4) out += li.days[st.wDayOfWeek % 7];
        else if (n == 3) out += li.days_abbrev[st.wDayOfWeek % 7];
        else num(st.wDay, n);
        break;
      case u'M':
        if (n >= 4) out += li.months[(st.wMonth + 11) % 12];
        else if (n == 3) out += li.months_abbrev[(st.wMonth + 11) % 12];
        else num(st.wMonth, n);
        break;
      case u'y':
        if (n <= 2) num(st.wYear % 100, n == 1 ? 1 : 2);
        else num(st.wYear, 1);  // VarBstrFromDate writes 1 Jan 100 as "1/1/100"
        break;
      case u'h': num(st.wHour % 12 == 0 ? 12 : st.wHour % 12, n > 2 ? 2 : n); break;
      case u'H': num(st.wHour, n > 2 ? 2 : n); break;
      case u'm': num(st.wMinute, n > 2 ? 2 : n); break;
      case u's': num(st.wSecond, n > 2 ? 2 : n); break;
      case u't': {
        const std::u16string& ap = st.wHour < 12 ? li.am : li.pm;
        out += n == 1 ? ap.substr(0, 1) : ap;
        break;
      }
      default: out.append(n, c);
    }
    i += n;
  }
}

// The short date and the long time of the locale (LOCALE_SSHORTDATE,
// LOCALE_STIMEFORMAT), as VarBstrFromDate writes them: the date alone at
// midnight, the time alone on day 0 (30 Dec 1899).
HRESULT date_to_text(double d, ULONG flags, const locale_info& li, std::u16string& out) noexcept {
  UDATE u;
  HRESULT hr = date_to_udate(d, u);
  if (FAILED(hr)) return hr;
  const bool day_zero = u.st.wYear == 1899 && u.st.wMonth == 12 && u.st.wDay == 30;  // time only
  const bool has_time = u.st.wHour || u.st.wMinute || u.st.wSecond;
  bool show_date = !(flags & VAR_TIMEVALUEONLY) && (!day_zero || (flags & VAR_DATEVALUEONLY));
  bool show_time = !(flags & VAR_DATEVALUEONLY) && (has_time || (flags & LOCALE_USE_NLS) || !show_date);
  try {
    out.clear();
    if (show_date) format_picture(li.short_date, u, li, out);
    if (show_time) {
      if (show_date) out.push_back(u' ');
      const std::size_t at = out.size();
      format_picture(li.long_time, u, li, out);
      while (out.size() > at && out.back() == u' ') out.pop_back();  // an empty AM/PM designator
    }
  } catch (...) {
    return E_OUTOFMEMORY;
  }
  return S_OK;
}

// ---- Parsing ----------------------------------------------------------------
//
// en-US, as Windows reads it. The text splits into elements: date numbers,
// at most one month name, and at most one time - a group "h.m" or "h.m.s"
// ('.' and ':' alike), optionally followed by AM/PM, or a bare hour with
// AM/PM - which must come first or last. Blanks, ',' and the date
// separators '-' and '/' sit between elements; weekday names are skipped.
// Two date numbers are month and day in the current year (or day and
// month when the first cannot be a month, or month and year, day 1, when
// neither reading is a date); three are tried as M D Y, then Y M D, then
// D M Y. A two-digit year is 1950..2049.

namespace {

struct date_element {
  enum kind { number, month, time, ampm } k;
  long long value = 0;  // number, month (1..12), or for time the hour
  int ndigits = 0;
  long long minute = 0, second = 0;
  bool pm = false;
};

std::u16string folded(std::u16string_view w) {
  std::u16string out;
  for (char16_t c : w) out.push_back(static_cast<char16_t>(u_tolower(c)));
  while (!out.empty() && out.back() == u'.') out.pop_back();  // "janv." as "janv"
  return out;
}

// English names are read in every locale (as en-US text is everywhere on
// Windows); the locale's full, abbreviated and stand-alone names too.
int month_from_word(std::u16string_view w, const locale_info& li) {
  static const char16_t* const names[] = {u"january", u"february", u"march", u"april", u"may", u"june",
                                          u"july", u"august", u"september", u"october", u"november", u"december"};
  for (int i = 0; i < 12; ++i) {
    const std::u16string_view n = names[i];
    if (w == n || (w.size() == 3 && n.substr(0, 3) == w)) return i + 1;
  }
  if (w == u"sept") return 9;
  for (int i = 0; i < 12; ++i)
    if ((!li.months[i].empty() && w == folded(li.months[i])) || (!li.months_abbrev[i].empty() && w == folded(li.months_abbrev[i])) ||
        (!li.months_standalone[i].empty() && w == folded(li.months_standalone[i])))
      return i + 1;
  return 0;
}

bool weekday_word(std::u16string_view w, const locale_info& li) {
  static const char16_t* const names[] = {u"sunday", u"monday", u"tuesday", u"wednesday", u"thursday", u"friday", u"saturday"};
  for (const char16_t* n : names) {
    const std::u16string_view s = n;
    if (w == s || (w.size() == 3 && s.substr(0, 3) == w)) return true;
  }
  for (int i = 0; i < 7; ++i)
    if ((!li.days[i].empty() && w == folded(li.days[i])) || (!li.days_abbrev[i].empty() && w == folded(li.days_abbrev[i])))
      return true;
  return false;
}

bool blank(char16_t c) noexcept { return c == u' ' || c == u'\t' || c == 0xA0 || c == 0x3000 || c == u','; }
bool digit(char16_t c) noexcept { return c >= u'0' && c <= u'9'; }
bool letter(char16_t c) noexcept { return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= 0x80 && u_isalpha(c)); }

// Splits the text into elements; false for anything Windows rejects at
// this level (stray characters, a separator with nothing on one side, a
// malformed time group).
bool date_elements(const OLECHAR* s, const locale_info& li, std::vector<date_element>& out) {
  // In locales whose short date is written with dots (de-DE "dd.MM.yyyy"),
  // a group joined only by dots is date numbers, not a time.
  const bool dotted_dates = li.short_date.find(u'.') != std::u16string::npos;
  std::size_t i = 0;
  bool need_element = false;  // after '-' or '/'
  while (s[i]) {
    const char16_t c = s[i];
    if (blank(c)) {
      ++i;
      continue;
    }
    if (c == u'-' || c == u'/') {
      if (out.empty() || need_element) return false;
      need_element = true;
      ++i;
      continue;
    }
    if (digit(c)) {
      long long parts[4] = {0, 0, 0, 0};
      int nparts = 0, ndigits = 0, digits_of[4] = {0, 0, 0, 0};
      bool colon = false;
      for (;;) {
        long long v = 0;
        int n = 0;
        while (digit(s[i])) {
          if (v < 100000000) v = v * 10 + (s[i] - u'0');
          ++n;
          ++i;
        }
        if (n == 0) {
          // "1.2.1970.", "2.1. 1970", or a German ordinal day "5. März 2021"
          if (dotted_dates && !colon && nparts >= 1 && s[i - 1] == u'.') break;
          return false;  // "1." or "1.:"
        }
        if (nparts == 4) return false;
        if (nparts == 0) ndigits = n;
        digits_of[nparts] = n;
        parts[nparts++] = v;
        if ((s[i] == u'.' || s[i] == u':')) {
          colon |= s[i] == u':';
          ++i;
          continue;
        }
        break;
      }
      if (dotted_dates && !colon && nparts >= 2) {
        if (nparts > 3) return false;
        for (int k = 0; k < nparts; ++k) {
          date_element e{};
          e.k = date_element::number;
          e.value = parts[k];
          e.ndigits = digits_of[k];
          out.push_back(e);
        }
        need_element = false;
        continue;
      }
      date_element e{};
      if (nparts == 1) {
        e.k = date_element::number;
        e.value = parts[0];
        e.ndigits = ndigits;
      } else {
        if (nparts > 3) return false;  // "1.2.3.4", fractional seconds
        e.k = date_element::time;
        e.value = parts[0];
        e.minute = parts[1];
        e.second = nparts == 3 ? parts[2] : 0;
        if (e.value > 23 || e.minute > 59 || e.second > 59) return false;
      }
      out.push_back(e);
      need_element = false;
      continue;
    }
    if (letter(c)) {
      std::u16string w;
      while (letter(s[i])) w.push_back(static_cast<char16_t>(u_tolower(s[i++])));
      if (s[i] == u'.' && !w.empty() && !(w == u"a" || w == u"p")) ++i;  // an abbreviation's dot: "janv."
      const bool local_ampm = (!li.am.empty() && w == folded(li.am)) || (!li.pm.empty() && w == folded(li.pm));
      if (w == u"a" || w == u"am" || w == u"p" || w == u"pm" || local_ampm) {
        if (need_element) return false;
        date_element e{};
        e.k = date_element::ampm;
        e.pm = local_ampm ? w == folded(li.pm) : w[0] == u'p';
        out.push_back(e);
        continue;
      }
      if (const int m = month_from_word(w, li)) {
        date_element e{};
        e.k = date_element::month;
        e.value = m;
        out.push_back(e);
        need_element = false;
        continue;
      }
      if (weekday_word(w, li) && !need_element) continue;
      return false;
    }
    if (c == u'.' || c == u':') return false;  // ".0"
    return false;
  }
  return !need_element;
}

long long year_of(long long v, int ndigits) noexcept { return ndigits <= 2 ? full_year(v) : v; }

bool valid_date(long long y, long long m, long long d) noexcept {
  return y >= 100 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, static_cast<int>(m));
}

}  // namespace

HRESULT date_from_text(const OLECHAR* s, ULONG flags, const locale_info& li, double& out) noexcept {
  if (!s) return DISP_E_TYPEMISMATCH;
  std::vector<date_element> el;
  try {
    if (!date_elements(s, li, el)) return DISP_E_TYPEMISMATCH;
  } catch (...) {
    return E_OUTOFMEMORY;
  }
  if (el.empty()) return DISP_E_TYPEMISMATCH;

  // The time: a group with an optional AM/PM after it, or a number with an
  // AM/PM after it; one at most, first or last.
  long long hour = -1, minute = 0, second = 0;
  std::size_t time_first = el.size(), time_last = 0;
  for (std::size_t i = 0; i < el.size(); ++i) {
    const bool group = el[i].k == date_element::time;
    const bool hour_ampm = el[i].k == date_element::number && i + 1 < el.size() && el[i + 1].k == date_element::ampm;
    if (!group && !hour_ampm) {
      if (el[i].k == date_element::ampm) return DISP_E_TYPEMISMATCH;  // AM/PM without a time before it
      continue;
    }
    if (hour >= 0) return DISP_E_TYPEMISMATCH;  // a second time
    hour = el[i].value;
    minute = group ? el[i].minute : 0;
    second = group ? el[i].second : 0;
    time_first = i;
    time_last = i;
    if (i + 1 < el.size() && el[i + 1].k == date_element::ampm) {
      if (hour > 23) return DISP_E_TYPEMISMATCH;
      if (hour <= 12) hour = hour % 12 + (el[i + 1].pm ? 12 : 0);  // 12 AM is 0; AM/PM means nothing after 12
      time_last = ++i;
    } else if (hour > 23) {
      return DISP_E_TYPEMISMATCH;
    }
  }
  if (hour >= 0 && time_first != 0 && time_last != el.size() - 1) return DISP_E_TYPEMISMATCH;

  // The date: what is left.
  long long nums[3];
  int digits[3];
  int count = 0, month_word = 0;
  for (std::size_t i = 0; i < el.size(); ++i) {
    if (hour >= 0 && i >= time_first && i <= time_last) continue;
    if (el[i].k == date_element::month) {
      if (month_word) return DISP_E_TYPEMISMATCH;
      month_word = static_cast<int>(el[i].value);
    } else {
      if (count == 3) return DISP_E_TYPEMISMATCH;
      nums[count] = el[i].value;
      digits[count] = el[i].ndigits;
      ++count;
    }
  }
  if (hour < 0 && count + (month_word ? 1 : 0) == 0) return DISP_E_TYPEMISMATCH;
  // A lone time "0.0" reads as a number, not a time, and Windows refuses it.
  if (hour == 0 && minute == 0 && second == 0 && el.size() == 1 && s[0] == u'0' && s[1] == u'.') return DISP_E_TYPEMISMATCH;

  const bool has_date = count || month_word;
  long long year = 1899, month = 12, day = 30;
  if (has_date) {
    std::time_t now = std::time(nullptr);
    std::tm tmv{};
    gmtime_r(&now, &tmv);
    const long long this_year = tmv.tm_year + 1900;
    bool found = false;
    if (month_word) {
      month = month_word;
      if (count == 1) {
        if (valid_date(this_year, month, nums[0]) && digits[0] <= 2) {  // "Jan 2"
          year = this_year;
          day = nums[0];
        } else {  // "Jan 35", "September 1980": a year, day 1
          year = year_of(nums[0], digits[0]);
          day = 1;
        }
        found = valid_date(year, month, day);
      } else if (count == 2) {  // "2 Jan 1970", "January 2, 1970", "1970 Jan 2"
        if (digits[0] <= 2 && valid_date(year_of(nums[1], digits[1]), month, nums[0])) {
          year = year_of(nums[1], digits[1]);
          day = nums[0];
          found = true;
        } else if (valid_date(year_of(nums[0], digits[0]), month, nums[1])) {
          year = year_of(nums[0], digits[0]);
          day = nums[1];
          found = true;
        }
      }
    } else if (count == 2) {
      const long long a = nums[0], b = nums[1];
      const bool day_first = li.order == date_order::dmy;  // the locale's reading first
      if (valid_date(this_year, day_first ? b : a, day_first ? a : b)) {
        year = this_year, month = day_first ? b : a, day = day_first ? a : b;
        found = true;
      } else if (valid_date(this_year, day_first ? a : b, day_first ? b : a)) {
        year = this_year, month = day_first ? a : b, day = day_first ? b : a;
        found = true;
      } else if (a >= 1 && a <= 12 && valid_date(year_of(b, digits[1]), a, 1)) {  // M Y
        year = year_of(b, digits[1]), month = a, day = 1;
        found = true;
      } else if (b >= 1 && b <= 12 && valid_date(year_of(a, digits[0]), b, 1)) {  // Y M
        year = year_of(a, digits[0]), month = b, day = 1;
        found = true;
      }
    } else if (count == 3) {
      // Year, month and day positions, the locale's order first: en-US
      // tries M D Y, Y M D, D M Y; de-DE D M Y, M D Y, Y M D ("02.13.1970"
      // is 13 Feb); ja-JP Y M D, M D Y, D M Y.
      static const int mdy[3][3] = {{2, 0, 1}, {0, 1, 2}, {2, 1, 0}};
      static const int dmy[3][3] = {{2, 1, 0}, {2, 0, 1}, {0, 1, 2}};
      static const int ymd[3][3] = {{0, 1, 2}, {2, 0, 1}, {2, 1, 0}};
      const int (*orders)[3] = li.order == date_order::dmy ? dmy : li.order == date_order::ymd ? ymd : mdy;
      for (int k = 0; k < 3; ++k) {
        const int* o = orders[k];
        const long long y = year_of(nums[o[0]], digits[o[0]]);
        if (valid_date(y, nums[o[1]], nums[o[2]])) {
          year = y, month = nums[o[1]], day = nums[o[2]];
          found = true;
          break;
        }
      }
    }
    if (!found) return DISP_E_TYPEMISMATCH;
  }
  if (hour < 0) hour = 0;
  const long long serial = has_date ? serial_of(year, static_cast<int>(month), static_cast<int>(day)) : 0;
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
