// runtime/variant/format.cpp - VarFormat and its family: VB's format
// strings, and the locale's number, currency, percent and date forms.
//
// A format string is up to four sections separated by ';' (quotes and
// backslash escapes protect every character). What the sections mean
// depends on the format's kind, decided once from its characters outside
// quotes and escapes:
//   - number: a digit placeholder 0 or # anywhere, or nothing but literals
//     (positive; negative; zero; null - a negative value in the first
//     section gets a '-', in a section of its own none);
//   - string: @ & < > (non-empty; empty or null);
//   - date: anything else (d m y h n s w q c t / : and AM/PM forms).
// Named formats ("Standard", "Short Date" ...) are matched whole, in any
// case. Values are coerced to what the kind needs in the LCID; a value that
// does not coerce is written as its text unless VAR_FORMAT_NOSUBSTITUTE.
//
// Numbers are rounded half away from zero on their 15-digit decimal form,
// as Windows does (8.0995 with "#.##" is "8.1"). Behaviour confirmed only by
// Windows' conformance record is in tests/runtime/format_test.cpp.
//
// VarTokenizeFormatString checks a format and records what VarFormat needs
// besides it (first day and week, the LCID, the format's length and a
// checksum); VarFormatFromTokens re-reads the format, which the caller must
// pass again (as on Windows). The token layout is comkit's own.
#include <unicode/uchar.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "variant/variant_internal.h"
#include "numeric/date.h"
#include "numeric/locale.h"

namespace comkit::rt {
namespace {

using u16 = std::u16string;
using u16v = std::u16string_view;

// ---- decimal digits ---------------------------------------------------------------

/// |x| as decimal digits: value = 0.digits x 10^point (digits without
/// leading or trailing zeros; empty for zero), from its 15 significant
/// digits.
struct decimal_digits {
  std::string digits;
  int point = 0;

  static decimal_digits of(double x) {
    decimal_digits d;
    if (x == 0 || !std::isfinite(x)) return d;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.14e", std::fabs(x));
    const char* e = std::strchr(buf, 'e');
    for (const char* p = buf; p < e; ++p)
      if (*p >= '0' && *p <= '9') d.digits.push_back(*p);
    d.point = std::atoi(e + 1) + 1;
    d.trim();
    return d;
  }
  void trim() {
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    std::size_t lead = 0;
    while (lead < digits.size() && digits[lead] == '0') ++lead;
    digits.erase(0, lead);
    point -= static_cast<int>(lead);
    if (digits.empty()) point = 0;
  }
  bool zero() const { return digits.empty(); }
  /// Rounds half away from zero to `decimals` places after the point.
  void round(int decimals) {
    const long keep = static_cast<long>(point) + decimals;
    if (keep >= static_cast<long>(digits.size())) return;
    if (keep < 0) {
      digits.clear();
      point = 0;
      return;
    }
    const bool up = digits[static_cast<std::size_t>(keep)] >= '5';
    digits.resize(static_cast<std::size_t>(keep));
    if (up) {
      std::size_t i = digits.size();
      while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
      if (i == 0) {
        digits.insert(digits.begin(), '1');
        ++point;
      } else {
        ++digits[i - 1];
      }
    }
    trim();
  }
  /// The digits before the point (none for less than one).
  std::string integer() const {
    if (point <= 0) return {};
    std::string s = digits.substr(0, static_cast<std::size_t>(point));
    s.append(static_cast<std::size_t>(point) - s.size(), '0');
    return s;
  }
  /// The digit at place k after the point (k = 0 is the first).
  char fraction(int k) const {
    const long i = static_cast<long>(point) + k;
    return i >= 0 && i < static_cast<long>(digits.size()) ? digits[static_cast<std::size_t>(i)] : '0';
  }
};

void append_ascii(u16& out, std::string_view s) {
  for (char c : s) out.push_back(static_cast<char16_t>(c));
}

/// Integer digits with the locale's grouping separator every three.
void append_grouped(u16& out, const std::string& digits, bool group, const locale_info& li) {
  for (std::size_t i = 0; i < digits.size(); ++i) {
    out.push_back(static_cast<char16_t>(digits[i]));
    const std::size_t left = digits.size() - 1 - i;
    if (group && left && left % 3 == 0) out.push_back(li.thousands);
  }
}

// ---- sections -----------------------------------------------------------------------

/// Calls f(i) for each position of s that is neither inside quotes nor a
/// backslash escape (nor the quotes and backslashes themselves); f returns
/// how many characters after s[i] it used as well.
template <typename F>
void scan_unquoted(u16v s, F&& f) {
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == u'"') quoted = !quoted;
    else if (quoted) continue;
    else if (s[i] == u'\\') ++i;
    else i += f(i);
  }
}

/// Splits on ';' outside quotes and escapes.
std::vector<u16v> split_sections(u16v f) {
  std::vector<u16v> out;
  std::size_t start = 0;
  scan_unquoted(f, [&](std::size_t i) {
    if (f[i] == u';') out.push_back(f.substr(start, i - start)), start = i + 1;
    return std::size_t{0};
  });
  out.push_back(f.substr(start));
  return out;
}

enum class format_kind { number, date, string };

format_kind kind_of(u16v f) {
  bool number = false, string = false, date = false;
  scan_unquoted(f, [&](std::size_t i) {
    const char16_t c = f[i];
    if (c == u'0' || c == u'#') number = true;
    else if (c == u'@' || c == u'&' || c == u'<' || c == u'>') string = true;
    else if (std::u16string_view(u"dDmMyYhHnNsSwWqQcCtT/:aA").find(c) != u16v::npos) date = true;
    return std::size_t{0};
  });
  if (number) return format_kind::number;
  if (string) return format_kind::string;
  return date ? format_kind::date : format_kind::number;
}

// ---- numbers ------------------------------------------------------------------------

struct number_layout {
  int int_places = 0, int_min = 0;  // placeholders before the point; digits always shown
  int frac_places = 0, frac_min = 0;
  bool point = false, group = false;
  int scale_thousands = 0, percent = 0;
  bool exponent = false;
  int exp_min = 0;
};

/// Reads a section's placeholders (everything else is literal text).
number_layout layout_of(u16v s) {
  number_layout l;
  bool in_exp = false, after_point = false;
  int first_zero = -1, last_zero_frac = -1;
  int pending_commas = 0;  // ',' after an integer placeholder, not yet followed by one
  scan_unquoted(s, [&](std::size_t i) -> std::size_t {
    const char16_t c = s[i];
    if (in_exp) {
      if (c == u'0') ++l.exp_min;
      if (c != u'0' && c != u'#') in_exp = false;
      if (c == u'%') ++l.percent;
      return 0;
    }
    if (c == u'0' || c == u'#') {
      if (after_point) {
        if (c == u'0') last_zero_frac = l.frac_places;
        ++l.frac_places;
      } else {
        if (c == u'0' && first_zero < 0) first_zero = l.int_places;
        ++l.int_places;
        if (pending_commas) l.group = true, pending_commas = 0;
      }
    } else if (c == u'.' && !l.point) {
      l.point = after_point = true;
      l.scale_thousands += pending_commas;
      pending_commas = 0;
    } else if (c == u',' && !after_point && l.int_places > 0) {
      ++pending_commas;
    } else if (c == u'%') {
      ++l.percent;
    } else if ((c == u'E' || c == u'e') && i + 1 < s.size() && (s[i + 1] == u'+' || s[i + 1] == u'-') &&
               (l.int_places || l.frac_places)) {
      l.exponent = in_exp = true;
      l.scale_thousands += pending_commas;
      pending_commas = 0;
      return 1;  // the exponent's sign
    }
    return 0;
  });
  l.scale_thousands += pending_commas;
  l.int_min = first_zero < 0 ? 0 : l.int_places - first_zero;
  l.frac_min = last_zero_frac + 1;
  return l;
}

/// Writes |x| by one number section; `minus` puts a '-' first.
void format_number_section(u16v s, double x, bool minus, const locale_info& li, u16& out) {
  const number_layout l = layout_of(s);
  for (int k = 0; k < l.percent; ++k) x *= 100;
  for (int k = 0; k < l.scale_thousands; ++k) x /= 1000;
  decimal_digits d = decimal_digits::of(x);
  int exp = 0;
  if (l.exponent && !d.zero()) {
    exp = d.point - l.int_places;
    d.point = l.int_places;
    d.round(l.frac_places);
    if (d.point > l.int_places) ++exp, d.point = l.int_places;
  } else {
    d.round(l.frac_places);
  }
  std::string digits = d.integer();
  if (static_cast<int>(digits.size()) < l.int_min) digits.insert(0, static_cast<std::size_t>(l.int_min) - digits.size(), '0');
  std::string frac;
  for (int k = 0; k < l.frac_places; ++k) frac.push_back(d.fraction(k));
  while (static_cast<int>(frac.size()) > l.frac_min && frac.back() == '0') frac.pop_back();
  if (minus && !(d.zero())) out.push_back(u'-');

  // Integer placeholders take the digits right-aligned; the first takes
  // every digit that has no placeholder of its own.
  const int extra = static_cast<int>(digits.size()) - l.int_places;
  int int_seen = 0, frac_seen = 0;
  bool quoted = false, after_point = false, in_exp = false, exp_written = false;
  std::size_t digit_index = 0;
  // A format can hold more integer placeholders than layout_of counted
  // (placeholders after an exponent's digits, in a later part of the
  // section): those have no digit left to write.
  auto emit_digit = [&](std::size_t upto) {
    while (digit_index < upto && digit_index < digits.size()) {
      out.push_back(static_cast<char16_t>(digits[digit_index]));
      const std::size_t left = digits.size() - 1 - digit_index;
      if (l.group && left && left % 3 == 0) out.push_back(li.thousands);
      ++digit_index;
    }
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char16_t c = s[i];
    if (c == u'"') {
      quoted = !quoted;
      continue;
    }
    if (quoted) {
      out.push_back(c);
      continue;
    }
    if (c == u'\\') {
      if (i + 1 < s.size()) out.push_back(s[++i]);
      continue;
    }
    if (in_exp) {
      if (c == u'0' || c == u'#') {
        if (!exp_written) {
          const std::string e = std::to_string(exp < 0 ? -exp : exp);
          for (int k = static_cast<int>(e.size()); k < l.exp_min; ++k) out.push_back(u'0');
          append_ascii(out, e);
          exp_written = true;
        }
        continue;
      }
      in_exp = false;
    }
    if (c == u'0' || c == u'#') {
      if (after_point) {
        if (frac_seen < static_cast<int>(frac.size())) out.push_back(static_cast<char16_t>(frac[static_cast<std::size_t>(frac_seen)]));
        ++frac_seen;
      } else {
        ++int_seen;
        const int upto = int_seen + extra;  // digits written once this placeholder is done
        if (upto > 0) emit_digit(static_cast<std::size_t>(upto));
      }
    } else if (c == u'.' && !after_point && l.point) {
      after_point = true;
      out.push_back(li.decimal);
    } else if (c == u',' && !after_point) {
      // grouping or scaling: written by the digits
    } else if ((c == u'E' || c == u'e') && l.exponent && !exp_written && i + 1 < s.size() && (s[i + 1] == u'+' || s[i + 1] == u'-')) {
      out.push_back(c);
      if (exp < 0) out.push_back(u'-');
      else if (s[i + 1] == u'+') out.push_back(u'+');
      ++i;
      in_exp = true;
      // An exponent with no digit placeholders still writes its digits.
      if (i + 1 >= s.size() || (s[i + 1] != u'0' && s[i + 1] != u'#')) {
        append_ascii(out, std::to_string(exp < 0 ? -exp : exp));
        exp_written = true;
      }
    } else {
      out.push_back(c);
    }
  }
}

void format_number(const std::vector<u16v>& sections, double x, bool is_null, const locale_info& li, u16& out) {
  auto usable = [&](std::size_t k) { return sections.size() > k && !sections[k].empty(); };
  if (is_null) {
    if (sections.size() > 3) format_number_section(sections[3], 0, false, li, out);
    return;
  }
  if (x < 0 && usable(1)) return format_number_section(sections[1], -x, false, li, out);
  if (x == 0 && usable(2)) return format_number_section(sections[2], 0, false, li, out);
  format_number_section(sections[0], std::fabs(x), x < 0, li, out);
}

// ---- dates --------------------------------------------------------------------------

/// The locale's date separator: the first character of its short date that
/// is not a picture letter.
char16_t date_separator(const locale_info& li) {
  for (char16_t c : li.short_date)
    if (!u_isalpha(c) && c != u'\'') return c;
  return u'/';
}

/// Day of the week, 1 .. 7 counted from first_day (1 Sunday).
int weekday_from(int dow0, int first_day) { return (dow0 - (first_day - 1) + 14) % 7 + 1; }

/// Week of the year, 1 .. 54 (iFirstWeek 1, 2 or 3).
int week_of_year(int year, int doy, int dow0, int first_day, int first_week) {
  // Days of the week that holds 1 January before that day.
  const int jan1_dow0 = ((dow0 - (doy - 1)) % 7 + 7) % 7;
  const int before = (jan1_dow0 - (first_day - 1) + 7) % 7;
  int week = (doy - 1 + before) / 7 + 1;
  const bool first_counts = first_week == 1 || (first_week == 2 && 7 - before >= 4) || (first_week == 3 && before == 0);
  if (!first_counts) --week;
  if (week == 0) {
    // The last week of the year before.
    const bool leap = (year - 1) % 4 == 0 && ((year - 1) % 100 != 0 || (year - 1) % 400 == 0);
    const int prev_days = leap ? 366 : 365;
    return week_of_year(year - 1, prev_days, (jan1_dow0 + 6) % 7, first_day, first_week);
  }
  return week;
}

struct date_context {
  const locale_info& li;
  int first_day, first_week;
};

void num(u16& out, unsigned v, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*u", width, v);
  append_ascii(out, buf);
}

bool starts_with_nocase(u16v s, std::size_t i, u16v word) {
  if (i + word.size() > s.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k)
    if (u_tolower(s[i + k]) != word[k]) return false;
  return true;
}

void format_general_date(double d, const UDATE& u, const locale_info& li, u16& out) {
  const bool has_date = std::trunc(d) != 0, has_time = u.st.wHour || u.st.wMinute || u.st.wSecond;
  if (has_date || !has_time) format_picture(li.short_date, u, li, out);
  if (has_time) {
    if (has_date) out.push_back(u' ');
    format_picture(li.long_time, u, li, out);
  }
}

void format_date_section(u16v s, double d, const date_context& cx, u16& out) {
  UDATE u;
  if (FAILED(date_to_udate(d, u))) return;
  const SYSTEMTIME& st = u.st;
  const locale_info& li = cx.li;
  // A 12-hour clock when the section has an AM/PM form.
  bool twelve = false;
  scan_unquoted(s, [&](std::size_t i) {
    twelve |= starts_with_nocase(s, i, u"am/pm") || starts_with_nocase(s, i, u"a/p") || starts_with_nocase(s, i, u"ampm");
    return std::size_t{0};
  });
  const unsigned hour12 = st.wHour % 12 == 0 ? 12 : st.wHour % 12;
  bool after_hour = false;  // the next m or mm is minutes
  bool quoted = false;
  for (std::size_t i = 0; i < s.size();) {
    const char16_t c = s[i];
    if (c == u'"') {
      quoted = !quoted;
      ++i;
      continue;
    }
    if (quoted) {
      out.push_back(c);
      ++i;
      continue;
    }
    if (c == u'\\') {
      if (i + 1 < s.size()) out.push_back(s[i + 1]);
      i += 2;
      continue;
    }
    if (starts_with_nocase(s, i, u"am/pm")) {
      const bool pm = st.wHour >= 12;
      const u16v part = s.substr(pm ? i + 3 : i, 2);
      out.append(part);
      i += 5;
      continue;
    }
    if (starts_with_nocase(s, i, u"a/p")) {
      out.push_back(st.wHour >= 12 ? s[i + 2] : s[i]);
      i += 3;
      continue;
    }
    if (starts_with_nocase(s, i, u"ampm")) {
      const u16& ap = st.wHour >= 12 ? li.pm : li.am;
      out += ap.empty() ? (st.wHour >= 12 ? u16(u"PM") : u16(u"AM")) : ap;
      i += 4;
      continue;
    }
    const char16_t lc = static_cast<char16_t>(u_tolower(c));
    std::size_t n = 1;
    while (i + n < s.size() && u_tolower(s[i + n]) == lc) ++n;
    std::size_t used = n;
    switch (lc) {
      case u'd':
        after_hour = false;
        if (n >= 6) used = 6, format_picture(li.long_date, u, li, out);
        else if (n == 5) format_picture(li.short_date, u, li, out);
        else if (n == 4) out += li.days[st.wDayOfWeek % 7];
        else if (n == 3) out += li.days_abbrev[st.wDayOfWeek % 7];
        else num(out, st.wDay, static_cast<int>(n));
        break;
      case u'm':
        used = n > 4 ? 4 : n;
        if (used <= 2 && after_hour) {
          num(out, st.wMinute, static_cast<int>(used));
          after_hour = false;
        } else if (used <= 2) {
          num(out, st.wMonth, static_cast<int>(used));
        } else {
          out += used == 4 ? li.months[(st.wMonth + 11) % 12] : li.months_abbrev[(st.wMonth + 11) % 12];
        }
        break;
      case u'y':
        if (n >= 4) used = 4, num(out, st.wYear, 4);
        else if (n >= 2) used = 2, num(out, st.wYear % 100, 2);  // "yyy" is "yy" then "y"
        else num(out, static_cast<unsigned>(u.wDayOfYear), 1);
        break;
      case u'h':
        used = n > 2 ? 2 : n;
        num(out, twelve ? hour12 : st.wHour, static_cast<int>(used));
        after_hour = true;
        break;
      case u'n':
        used = n > 2 ? 2 : n;
        num(out, st.wMinute, static_cast<int>(used));
        after_hour = false;
        break;
      case u's':
        used = n > 2 ? 2 : n;
        num(out, st.wSecond, static_cast<int>(used));
        break;
      case u'w':
        used = n > 2 ? 2 : n;
        if (used == 1) num(out, static_cast<unsigned>(weekday_from(st.wDayOfWeek, cx.first_day)), 1);
        else num(out, static_cast<unsigned>(week_of_year(st.wYear, u.wDayOfYear, st.wDayOfWeek, cx.first_day, cx.first_week)), 1);
        break;
      case u'q':
        used = 1;
        num(out, (st.wMonth - 1u) / 3u + 1u, 1);
        break;
      case u'c':
        used = 1;
        format_general_date(d, u, li, out);
        break;
      case u't':
        if (n >= 5) used = 5, format_picture(li.long_time, u, li, out);
        else out.append(n, c);
        break;
      case u'/':
        used = 1;
        out.push_back(date_separator(li));
        break;
      default:
        used = 1;
        out.push_back(c);
    }
    i += used;
  }
}

// ---- strings ------------------------------------------------------------------------

void format_string_section(u16v s, u16v text, u16& out) {
  int places = 0;
  bool upper = false, lower = false;
  scan_unquoted(s, [&](std::size_t i) {
    places += s[i] == u'@' || s[i] == u'&';
    upper |= s[i] == u'>';
    lower |= s[i] == u'<';
    return std::size_t{0};
  });
  auto put = [&](char16_t c) {
    if (upper && !lower) c = static_cast<char16_t>(u_toupper(c));
    else if (lower && !upper) c = static_cast<char16_t>(u_tolower(c));
    out.push_back(c);
  };
  // Placeholders fill left to right; when the text is short, the first ones
  // are the padding (a blank for @); text beyond them comes last.
  const int n = static_cast<int>(text.size());
  const int pad = places > n ? places - n : 0;
  int place = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char16_t c = s[i];
    if (c == u'"') {
      quoted = !quoted;
    } else if (quoted) {
      out.push_back(c);
    } else if (c == u'\\') {
      if (i + 1 < s.size()) out.push_back(s[++i]);
    } else if (c == u'@' || c == u'&') {
      if (place < pad) {
        if (c == u'@') out.push_back(u' ');
      } else {
        put(text[static_cast<std::size_t>(place - pad)]);
      }
      ++place;
    } else if (c != u'<' && c != u'>' && c != u'!') {
      out.push_back(c);
    }
  }
  for (int k = places - pad; k < n; ++k) put(text[static_cast<std::size_t>(k)]);
}

// ---- values -------------------------------------------------------------------------

HRESULT bstr_of(const u16& s, BSTR* out) {
  *out = SysAllocStringLen(reinterpret_cast<const OLECHAR*>(s.data()), static_cast<UINT>(s.size()));
  return *out ? S_OK : E_OUTOFMEMORY;
}

/// The value's own text (VariantChangeType to BSTR, Booleans as words).
HRESULT text_of(const VARIANT& v, LCID lcid, u16& out) {
  VARIANT t;
  VariantInit(&t);
  const HRESULT hr = VariantChangeTypeEx(&t, const_cast<VARIANT*>(&v), lcid, VARIANT_LOCALBOOL, VT_BSTR);
  if (FAILED(hr)) return hr;
  if (t.bstrVal) out.assign(reinterpret_cast<const char16_t*>(t.bstrVal), SysStringLen(t.bstrVal));
  VariantClear(&t);
  return S_OK;
}

HRESULT number_of(const VARIANT& v, LCID lcid, double& out) {
  if (v.vt == VT_EMPTY) return out = 0, S_OK;
  VARIANT t;
  VariantInit(&t);
  const HRESULT hr = VariantChangeTypeEx(&t, const_cast<VARIANT*>(&v), lcid, 0, VT_R8);
  if (SUCCEEDED(hr)) out = t.dblVal;
  return hr;
}

HRESULT date_of(const VARIANT& v, LCID lcid, double& out) {
  // A string holding a number is a date's serial number.
  if (v.vt == VT_BSTR && SUCCEEDED(VarR8FromStr(v.bstrVal, lcid, 0, &out))) return S_OK;
  VARIANT t;
  VariantInit(&t);
  const HRESULT hr = VariantChangeTypeEx(&t, const_cast<VARIANT*>(&v), lcid, 0, VT_DATE);
  if (SUCCEEDED(hr)) out = t.date;
  return hr;
}

bool iequals(u16v a, u16v b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (u_tolower(a[i]) != u_tolower(b[i])) return false;
  return true;
}

struct format_request {
  const VARIANT* value;
  u16v format;
  int first_day, first_week;  // already resolved: 1 .. 7, 1 .. 3
  ULONG flags;
  LCID lcid;
};

void format_currency_value(double x, int digits, int lead, int parens, int group, const locale_info& li, u16& out);

/// Formats by a named format; false when `f` names none.
bool named_format(const format_request& r, const locale_info& li, u16& out, HRESULT& hr) {
  static const char16_t* const number_formats[][2] = {{u"fixed", u"0.00"},
                                                       {u"standard", u"#,##0.00"},
                                                       {u"percent", u"0.00%"},
                                                       {u"scientific", u"0.00E+00"}};
  static const char16_t* const date_formats[][2] = {{u"medium date", u"dd-mmm-yy"},
                                                     {u"medium time", u"hh:nn AMPM"},
                                                     {u"short time", u"hh:nn"}};
  static const char16_t* const words[][3] = {{u"yes/no", u"Yes", u"No"}, {u"on/off", u"On", u"Off"}, {u"true/false", nullptr, nullptr}};
  const VARIANT& v = *r.value;
  for (const auto& nf : number_formats)
    if (iequals(r.format, nf[0])) {
      double x = 0;
      hr = number_of(v, r.lcid, x);
      if (SUCCEEDED(hr)) format_number({std::u16string_view(nf[1])}, x, false, li, out);
      return true;
    }
  if (iequals(r.format, u"general number")) {
    double x = 0;
    hr = number_of(v, r.lcid, x);
    if (SUCCEEDED(hr)) {
      VARIANT t;
      VariantInit(&t);
      t.vt = VT_R8;
      t.dblVal = x;
      hr = text_of(t, r.lcid, out);
    }
    return true;
  }
  if (iequals(r.format, u"currency")) {
    double x = 0;
    hr = number_of(v, r.lcid, x);
    if (SUCCEEDED(hr)) format_currency_value(x, -1, -2, -2, -2, li, out);
    return true;
  }
  for (const auto& w : words)
    if (iequals(r.format, w[0])) {
      double x = 0;
      hr = number_of(v, r.lcid, x);
      if (SUCCEEDED(hr)) out += x != 0 ? (w[1] ? u16(w[1]) : li.true_name) : (w[2] ? u16(w[2]) : li.false_name);
      return true;
    }
  const std::pair<const char16_t*, const u16*> pictures[] = {
      {u"long date", &li.long_date}, {u"short date", &li.short_date}, {u"long time", &li.long_time}};
  for (const auto& [name, picture] : pictures)
    if (iequals(r.format, name)) {
      double d = 0;
      hr = date_of(v, r.lcid, d);
      UDATE u;
      if (SUCCEEDED(hr)) hr = date_to_udate(d, u);
      if (SUCCEEDED(hr)) format_picture(*picture, u, li, out);
      return true;
    }
  if (iequals(r.format, u"general date")) {
    double d = 0;
    hr = date_of(v, r.lcid, d);
    UDATE u;
    if (SUCCEEDED(hr)) hr = date_to_udate(d, u);
    if (SUCCEEDED(hr)) format_general_date(d, u, li, out);
    return true;
  }
  for (const auto& df : date_formats)
    if (iequals(r.format, df[0])) {
      double d = 0;
      hr = date_of(v, r.lcid, d);
      if (SUCCEEDED(hr)) format_date_section(df[1], d, date_context{li, r.first_day, r.first_week}, out);
      return true;
    }
  return false;
}

HRESULT format_value(const format_request& r, BSTR* out) {
  *out = nullptr;
  VARIANT v;
  VariantInit(&v);
  HRESULT hr = VariantCopyInd(&v, const_cast<VARIANT*>(r.value));
  if (FAILED(hr)) return hr;
  format_request req = r;
  req.value = &v;
  const locale_info& li = locale_of(r.lcid);
  const bool is_null = v.vt == VT_NULL;
  u16 text;
  try {
    if (r.format.empty()) {
      if (!is_null) hr = v.vt == VT_EMPTY ? S_OK : text_of(v, r.lcid, text);
    } else if (!named_format(req, li, text, hr)) {
      const std::vector<u16v> sections = split_sections(r.format);
      if (sections.size() > 4) {
        hr = E_INVALIDARG;
      } else {
        switch (kind_of(r.format)) {
          case format_kind::number: {
            double x = 0;
            if (!is_null) hr = number_of(v, r.lcid, x);
            if (SUCCEEDED(hr)) format_number(sections, x, is_null, li, text);
            break;
          }
          case format_kind::date: {
            double d = 0;
            if (!is_null) hr = date_of(v, r.lcid, d);
            if (SUCCEEDED(hr) && !is_null) format_date_section(sections[0], d, date_context{li, r.first_day, r.first_week}, text);
            break;
          }
          case format_kind::string: {
            u16 source;
            if (!is_null && v.vt != VT_EMPTY) hr = text_of(v, r.lcid, source);
            if (SUCCEEDED(hr)) {
              const bool empty = source.empty();
              format_string_section(empty && sections.size() > 1 ? sections[1] : sections[0], source, text);
            }
            break;
          }
        }
      }
    }
    if (FAILED(hr) && hr != E_OUTOFMEMORY && hr != E_INVALIDARG && !(r.flags & VAR_FORMAT_NOSUBSTITUTE)) {
      // A value the format cannot take is written as its own text.
      text.clear();
      hr = text_of(v, r.lcid, text);
    }
    if (SUCCEEDED(hr) && !(is_null && text.empty())) hr = bstr_of(text, out);
  } catch (...) {
    hr = E_OUTOFMEMORY;
  }
  VariantClear(&v);
  return hr;
}

/// iFirstDay 0 .. 7 and iFirstWeek 0 .. 3, the zeros resolved.
bool resolve_week(int& first_day, int& first_week, const locale_info& li) {
  if (first_day < 0 || first_day > 7 || first_week < 0 || first_week > 3) return false;
  if (first_day == 0) first_day = li.first_day;
  if (first_week == 0) first_week = 1;
  return true;
}

u16v view(const OLECHAR* s) { return s ? u16v(reinterpret_cast<const char16_t*>(s)) : u16v(); }

// ---- the locale's number forms --------------------------------------------------------

/// |x| with `digits` decimals, optional leading zero and grouping.
void plain_number(double x, int digits, bool lead, bool group, const locale_info& li, u16& out) {
  decimal_digits d = decimal_digits::of(x);
  d.round(digits);
  std::string integer = d.integer();
  if (integer.empty() && lead) integer.push_back('0');
  append_grouped(out, integer, group, li);
  if (digits > 0) {
    out.push_back(li.decimal);
    for (int k = 0; k < digits; ++k) out.push_back(static_cast<char16_t>(d.fraction(k)));
  }
}

bool tri_state(int v, bool locale_default) { return v == -2 ? locale_default : v == -1; }

bool valid_number_args(int digits, int lead, int parens, int group) {
  auto tri = [](int v) { return v >= -2 && v <= 0; };
  return digits >= -1 && digits <= 9 && tri(lead) && tri(parens) && tri(group);
}

void format_currency_value(double x, int digits, int lead, int parens, int group, const locale_info& li, u16& out) {
  const bool neg = x < 0, use_parens = neg && tri_state(parens, false);
  u16 number;
  plain_number(std::fabs(x), digits < 0 ? li.currency_digits : digits, tri_state(lead, true), tri_state(group, true), li, number);
  if (use_parens) out.push_back(u'(');
  else if (neg) out.push_back(u'-');
  if (li.currency_first) {
    out += li.currency;
    if (li.currency_space) out.push_back(u'\u00A0');
    out += number;
  } else {
    out += number;
    if (li.currency_space) out.push_back(u'\u00A0');
    out += li.currency;
  }
  if (use_parens) out.push_back(u')');
}

enum class number_style { number, percent, currency };

HRESULT format_number_style(LPVARIANT in, int digits, int lead, int parens, int group, BSTR* out, number_style style) {
  if (!in || !out) return E_INVALIDARG;
  *out = nullptr;
  if (!valid_number_args(digits, lead, parens, group)) return E_INVALIDARG;
  VARIANT v;
  VariantInit(&v);
  HRESULT hr = VariantCopyInd(&v, in);
  if (FAILED(hr)) return hr;
  const locale_info& li = locale_of(LOCALE_USER_DEFAULT);
  double x = 0;
  hr = number_of(v, LOCALE_USER_DEFAULT, x);
  VariantClear(&v);
  if (FAILED(hr)) return hr;
  try {
    u16 text;
    if (style == number_style::currency) {
      format_currency_value(x, digits, lead, parens, group, li, text);
    } else {
      if (style == number_style::percent) x *= 100;
      const bool neg = x < 0 && !decimal_digits::of(x).zero(), use_parens = neg && tri_state(parens, false);
      text += use_parens ? u"(" : neg ? u"-" : u"";
      plain_number(std::fabs(x), digits < 0 ? 2 : digits, tri_state(lead, true), tri_state(group, true), li, text);
      if (style == number_style::percent) text.push_back(u'%');
      if (use_parens) text.push_back(u')');
    }
    return bstr_of(text, out);
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

// The token buffer: a header VarFormatFromTokens checks against the format.
struct format_tokens {
  char magic[4];  // "ckF1"
  std::uint8_t first_day, first_week;
  std::uint16_t reserved;
  std::uint32_t lcid;
  std::uint32_t length;  // of the format, in characters
  std::uint32_t checksum;  // FNV-1a of the format's characters
};

std::uint32_t checksum_of(u16v f) {
  std::uint32_t h = 2166136261u;
  for (char16_t c : f) {
    h = (h ^ (c & 0xff)) * 16777619u;
    h = (h ^ (c >> 8)) * 16777619u;
  }
  return h;
}

}  // namespace
}  // namespace comkit::rt

using namespace comkit::rt;

COMKIT_STDAPI VarFormat(LPVARIANT pvarIn, LPOLESTR pstrFormat, int iFirstDay, int iFirstWeek, ULONG dwFlags, BSTR* pbstrOut) {
  if (!pvarIn || !pbstrOut) return E_INVALIDARG;
  *pbstrOut = nullptr;
  const LCID lcid = LOCALE_USER_DEFAULT;
  if (!resolve_week(iFirstDay, iFirstWeek, locale_of(lcid))) return E_INVALIDARG;
  return format_value(format_request{pvarIn, view(pstrFormat), iFirstDay, iFirstWeek, dwFlags, lcid}, pbstrOut);
}

COMKIT_STDAPI VarTokenizeFormatString(LPOLESTR pstrFormat, LPBYTE rgbTok, int cbTok, int iFirstDay, int iFirstWeek, LCID lcid,
                                      int* pcbActual) {
  if (!rgbTok || cbTok < 0) return E_INVALIDARG;
  const locale_info& li = locale_of(lcid);
  if (!resolve_week(iFirstDay, iFirstWeek, li)) return E_INVALIDARG;
  const u16v f = view(pstrFormat);
  if (split_sections(f).size() > 4) return E_INVALIDARG;
  if (cbTok < static_cast<int>(sizeof(format_tokens))) return DISP_E_BUFFERTOOSMALL;
  format_tokens t{};
  std::memcpy(t.magic, "ckF1", 4);
  t.first_day = static_cast<std::uint8_t>(iFirstDay);
  t.first_week = static_cast<std::uint8_t>(iFirstWeek);
  t.lcid = lcid;
  t.length = static_cast<std::uint32_t>(f.size());
  t.checksum = checksum_of(f);
  std::memcpy(rgbTok, &t, sizeof t);
  if (pcbActual) *pcbActual = static_cast<int>(sizeof t);
  return S_OK;
}

COMKIT_STDAPI VarFormatFromTokens(LPVARIANT pvarIn, LPOLESTR pstrFormat, LPBYTE pbTokCur, ULONG dwFlags, BSTR* pbstrOut, LCID lcid) {
  if (!pvarIn || !pbstrOut || !pbTokCur) return E_INVALIDARG;
  *pbstrOut = nullptr;
  format_tokens t;
  std::memcpy(&t, pbTokCur, sizeof t);
  const u16v f = view(pstrFormat);
  // Tokens of another format (or not tokens at all) are refused.
  if (std::memcmp(t.magic, "ckF1", 4) != 0 || t.length != f.size() || t.checksum != checksum_of(f)) return E_INVALIDARG;
  return format_value(format_request{pvarIn, f, t.first_day, t.first_week, dwFlags, lcid}, pbstrOut);
}

COMKIT_STDAPI VarFormatDateTime(LPVARIANT pvarIn, int iNamedFormat, ULONG, BSTR* pbstrOut) {
  if (!pvarIn || !pbstrOut || iNamedFormat < 0 || iNamedFormat > 4) return E_INVALIDARG;
  *pbstrOut = nullptr;
  static const char16_t* const names[] = {u"General Date", u"Long Date", u"Short Date", u"Long Time", u"Short Time"};
  if ((pvarIn->vt & ~VT_BYREF) == VT_NULL) return S_OK;
  // The named date formats coerce the value once; with NOSUBSTITUTE a value
  // that is no date fails instead of being written as its text.
  const HRESULT hr =
      format_value(format_request{pvarIn, names[iNamedFormat], 1, 1, VAR_FORMAT_NOSUBSTITUTE, LOCALE_USER_DEFAULT}, pbstrOut);
  return FAILED(hr) && hr != E_OUTOFMEMORY && hr != E_INVALIDARG ? DISP_E_TYPEMISMATCH : hr;
}

COMKIT_STDAPI VarFormatNumber(LPVARIANT pvarIn, int iNumDig, int iIncLead, int iUseParens, int iGroup, ULONG, BSTR* pbstrOut) {
  return format_number_style(pvarIn, iNumDig, iIncLead, iUseParens, iGroup, pbstrOut, number_style::number);
}

COMKIT_STDAPI VarFormatPercent(LPVARIANT pvarIn, int iNumDig, int iIncLead, int iUseParens, int iGroup, ULONG, BSTR* pbstrOut) {
  return format_number_style(pvarIn, iNumDig, iIncLead, iUseParens, iGroup, pbstrOut, number_style::percent);
}

COMKIT_STDAPI VarFormatCurrency(LPVARIANT pvarIn, int iNumDig, int iIncLead, int iUseParens, int iGroup, ULONG, BSTR* pbstrOut) {
  return format_number_style(pvarIn, iNumDig, iIncLead, iUseParens, iGroup, pbstrOut, number_style::currency);
}

COMKIT_STDAPI VarWeekdayName(int iWeekday, int fAbbrev, int iFirstDay, ULONG, BSTR* pbstrOut) {
  if (!pbstrOut || iWeekday < 1 || iWeekday > 7 || iFirstDay < 0 || iFirstDay > 7) return E_INVALIDARG;
  const locale_info& li = locale_of(LOCALE_USER_DEFAULT);
  const int first = iFirstDay ? iFirstDay : li.first_day;
  const int dow0 = (iWeekday - 1 + first - 1) % 7;  // 0 Sunday
  try {
    return bstr_of(fAbbrev ? li.days_abbrev[dow0] : li.days[dow0], pbstrOut);
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}

COMKIT_STDAPI VarMonthName(int iMonth, int fAbbrev, ULONG, BSTR* pbstrOut) {
  if (!pbstrOut || iMonth < 1 || iMonth > 12) return E_INVALIDARG;
  const locale_info& li = locale_of(LOCALE_USER_DEFAULT);
  // The name on its own: the stand-alone form where the language has one.
  const u16& full = li.months_standalone[iMonth - 1].empty() ? li.months[iMonth - 1] : li.months_standalone[iMonth - 1];
  try {
    return bstr_of(fAbbrev ? li.months_abbrev[iMonth - 1] : full, pbstrOut);
  } catch (...) {
    return E_OUTOFMEMORY;
  }
}
