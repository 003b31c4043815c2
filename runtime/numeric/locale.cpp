// runtime/numeric/locale.cpp - locale data for the automation text
// functions, from ICU (CLDR): Debian's libicu, the maintained source of
// the locale data Windows' own NLS has converged on since Windows 10.
// glibc's locales were the other candidate; they need locale-gen on every
// machine and have no long-date or stand-alone month names.
//
// Where Windows' NLS differs from CLDR, Windows wins; each difference is an
// override below, named as one:
//   - short dates always show four-digit years (LOCALE_SSHORTDATE);
//   - the grouping separator U+202F of newer CLDR is U+00A0 in Windows;
//   - the yen/yuan sign is U+00A5, not the full-width U+FFE5;
//   - locales whose time has no AM/PM field have empty designators;
//   - a few short dates and times are written otherwise by Windows
//     (picture_overrides: es-ES and nl-NL dates, zh-CN and ru-RU hours).
// The localized Boolean names are oleaut32's own strings, in no locale
// database; they are a table of their own (bool_names).
//
// Locales are built once and kept for the life of the process (a bounded
// set: one per locale name ICU knows). Lookups go through a one-entry
// per-thread cache, then a mutex-guarded table.
#include <clocale>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/uloc.h>
#include <unicode/unum.h>

#include "locale.h"

namespace comkit::rt {
namespace {

// oleaut32's localized names for True and False (VAR_LOCALBOOL), by primary
// language. Windows keeps them in oleaut32's resources, not in NLS, so no
// locale database has them. Japanese keeps the English words.
struct bool_name_entry {
  unsigned primary_language;
  const char16_t* true_name;
  const char16_t* false_name;
};
constexpr bool_name_entry bool_names[] = {
    {0x07, u"Wahr", u"Falsch"},          {0x0c, u"Vrai", u"Faux"},
    {0x0a, u"Verdadero", u"Falso"},      {0x10, u"Vero", u"Falso"},
    {0x13, u"Waar", u"Onwaar"},          {0x16, u"Verdadeiro", u"Falso"},
    {0x04, u"\u771F", u"\u5047"},        {0x19, u"\u0418\u0441\u0442\u0438\u043D\u0430", u"\u041B\u043E\u0436\u044C"},
};

// Where LOCALE_SSHORTDATE or LOCALE_STIMEFORMAT of Windows 10/11 differs
// from CLDR's short date or medium time (after the four-digit year
// override): Windows' pictures. Null keeps ICU's.
struct picture_override {
  const char* locale;
  const char16_t* short_date;
  const char16_t* long_time;
};
constexpr picture_override picture_overrides[] = {
    {"es_ES", u"dd/MM/yyyy", nullptr},  // CLDR d/M/yy
    {"nl_NL", u"d-M-yyyy", nullptr},    // CLDR dd-MM-y
    {"zh_CN", nullptr, u"H:mm:ss"},     // CLDR HH:mm:ss
    {"ru_RU", nullptr, u"H:mm:ss"},     // CLDR HH:mm:ss
};

/// An ICU string getter into a std::u16string.
template <typename F>
std::u16string icu_string(F&& get) {
  UChar buf[128];
  UErrorCode err = U_ZERO_ERROR;
  const int32_t n = get(buf, static_cast<int32_t>(std::size(buf)), &err);
  if (U_FAILURE(err) || n <= 0) return {};
  return std::u16string(reinterpret_cast<const char16_t*>(buf), static_cast<std::size_t>(n < 128 ? n : 127));
}

/// An ICU date pattern as a Windows picture: quoted text kept, y.. -> yyyy
/// (override: four-digit years), a -> tt, E -> ddd / dddd; letters Windows
/// has no use for (era, zone ...) dropped with the blank before them.
std::u16string windows_picture(std::u16string_view icu, bool four_digit_years) {
  std::u16string out;
  for (std::size_t i = 0; i < icu.size();) {
    const char16_t c = icu[i];
    if (c == u'\'') {  // quoted literal, '' is a quote
      std::size_t j = i + 1;
      while (j < icu.size() && icu[j] != u'\'') ++j;
      out.append(icu.substr(i, j + 1 - i));
      i = j + 1;
      continue;
    }
    std::size_t run = 1;
    while (i + run < icu.size() && icu[i + run] == c) ++run;
    const bool letter = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
    if (!letter) {
      // Override: CLDR 42 puts U+202F before en-US's AM/PM; Windows a space.
      out.append(run, c == u'\u202F' ? u' ' : c);
    } else if (c == u'y') {
      out.append(four_digit_years ? 4 : run, u'y');
    } else if (c == u'a') {
      out += u"tt";
    } else if (c == u'E' || c == u'c') {
      out += run >= 4 ? u"dddd" : u"ddd";
    } else if (c == u'L') {
      out.append(run, u'M');
    } else if (c == u'd' || c == u'M' || c == u'H' || c == u'h' || c == u'm' || c == u's') {
      out.append(run, c);
    } else {
      while (!out.empty() && (out.back() == u' ' || out.back() == u'\u00A0' || out.back() == u'\u202F')) out.pop_back();
    }
    i += run;
  }
  return out;
}

date_order order_of(std::u16string_view picture) {
  const std::size_t y = picture.find(u'y'), m = picture.find(u'M'), d = picture.find(u'd');
  if (y != std::u16string_view::npos && (m == std::u16string_view::npos || y < m)) return date_order::ymd;
  if (d != std::u16string_view::npos && m != std::u16string_view::npos && d < m) return date_order::dmy;
  return date_order::mdy;
}

void fill_from_icu(locale_info& li, const char* name) {
  UErrorCode err = U_ZERO_ERROR;
  if (UNumberFormat* nf = unum_open(UNUM_DECIMAL, nullptr, 0, name, nullptr, &err); U_SUCCESS(err)) {
    const std::u16string dec = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return unum_getSymbol(nf, UNUM_DECIMAL_SEPARATOR_SYMBOL, b, n, e); });
    const std::u16string grp = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return unum_getSymbol(nf, UNUM_GROUPING_SEPARATOR_SYMBOL, b, n, e); });
    if (dec.size() == 1) li.decimal = dec[0];
    if (grp.size() == 1) li.thousands = grp[0] == u'\u202F' ? u'\u00A0' : grp[0];  // override: Windows' no-break space
    unum_close(nf);
  }
  li.space_grouping = li.thousands == u' ' || li.thousands == u'\u00A0';
  err = U_ZERO_ERROR;
  if (UNumberFormat* cf = unum_open(UNUM_CURRENCY, nullptr, 0, name, nullptr, &err); U_SUCCESS(err)) {
    std::u16string cur = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return unum_getSymbol(cf, UNUM_CURRENCY_SYMBOL, b, n, e); });
    for (char16_t& c : cur)
      if (c == u'\uFFE5') c = u'\u00A5';  // override: Windows' yen/yuan sign
    if (!cur.empty()) li.currency = cur;
    li.currency_digits = unum_getAttribute(cf, UNUM_MAX_FRACTION_DIGITS);
    const std::u16string pattern = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return unum_toPattern(cf, false, b, n, e); });
    const std::size_t sym = pattern.find(u'\u00A4'), num = pattern.find_first_of(u"#0");
    if (sym != std::u16string::npos && num != std::u16string::npos) {
      li.currency_first = sym < num;
      const char16_t next = li.currency_first ? pattern[sym + 1] : pattern[sym - 1];
      li.currency_space = next == u' ' || next == u'\u00A0' || next == u'\u202F';
    }
    unum_close(cf);
  }
  err = U_ZERO_ERROR;
  if (UDateFormat* df = udat_open(UDAT_NONE, UDAT_SHORT, name, nullptr, 0, nullptr, 0, &err); U_SUCCESS(err)) {
    const std::u16string pattern = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return udat_toPattern(df, false, b, n, e); });
    if (!pattern.empty()) {
      li.short_date = windows_picture(pattern, true);
      li.order = order_of(li.short_date);
    }
    for (int i = 0; i < 12; ++i) {
      li.months[i] = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return udat_getSymbols(df, UDAT_MONTHS, i, b, n, e); });
      li.months_abbrev[i] = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return udat_getSymbols(df, UDAT_SHORT_MONTHS, i, b, n, e); });
      li.months_standalone[i] = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return udat_getSymbols(df, UDAT_STANDALONE_MONTHS, i, b, n, e); });
    }
    for (int i = 0; i < 7; ++i) {  // ICU's weekdays are 1 (Sunday) .. 7
      li.days[i] = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return udat_getSymbols(df, UDAT_WEEKDAYS, i + 1, b, n, e); });
      li.days_abbrev[i] = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return udat_getSymbols(df, UDAT_SHORT_WEEKDAYS, i + 1, b, n, e); });
    }
    li.am = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return udat_getSymbols(df, UDAT_AM_PMS, 0, b, n, e); });
    li.pm = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return udat_getSymbols(df, UDAT_AM_PMS, 1, b, n, e); });
    udat_close(df);
  }
  err = U_ZERO_ERROR;
  if (UDateFormat* lf = udat_open(UDAT_NONE, UDAT_FULL, name, nullptr, 0, nullptr, 0, &err); U_SUCCESS(err)) {
    const std::u16string pattern = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return udat_toPattern(lf, false, b, n, e); });
    if (!pattern.empty()) li.long_date = windows_picture(pattern, true);
    udat_close(lf);
  }
  err = U_ZERO_ERROR;
  if (UCalendar* cal = ucal_open(nullptr, 0, name, UCAL_GREGORIAN, &err); U_SUCCESS(err)) {
    li.first_day = ucal_getAttribute(cal, UCAL_FIRST_DAY_OF_WEEK);  // 1 Sunday, as VB counts
    ucal_close(cal);
  }
  err = U_ZERO_ERROR;
  if (UDateFormat* tf = udat_open(UDAT_MEDIUM, UDAT_NONE, name, nullptr, 0, nullptr, 0, &err); U_SUCCESS(err)) {
    const std::u16string pattern = icu_string([&](UChar* b, int32_t n, UErrorCode* e) { return udat_toPattern(tf, false, b, n, e); });
    if (!pattern.empty()) li.long_time = windows_picture(pattern, false);
    udat_close(tf);
  }
  for (const picture_override& o : picture_overrides)
    if (std::strcmp(o.locale, name) == 0) {
      if (o.short_date) li.short_date = o.short_date, li.order = order_of(li.short_date);
      if (o.long_time) li.long_time = o.long_time;
    }
  if (li.long_time.find(u"tt") == std::u16string::npos) li.am.clear(), li.pm.clear();  // override: 24-hour locales
  char lang[16] = {};
  err = U_ZERO_ERROR;
  uloc_getLanguage(name, lang, sizeof lang - 1, &err);
  li.english = std::strcmp(lang, "en") == 0;
  const LCID lcid = uloc_getLCID(name);
  for (const bool_name_entry& b : bool_names)
    if ((lcid & 0x3ff) == b.primary_language) {
      li.true_name = b.true_name;
      li.false_name = b.false_name;
    }
}

struct locale_table {
  std::mutex lock;
  std::vector<std::unique_ptr<locale_info>> built;  // guarded by lock; never shrinks, entries immutable
};

locale_table& table() noexcept {
  static locale_table* t = new locale_table;  // never destroyed: references are handed out for good
  return *t;
}

const locale_info& by_name(const char* name) noexcept {
  locale_table& t = table();
  try {
    std::lock_guard<std::mutex> guard(t.lock);
    for (const auto& li : t.built)
      if (li->name == name) return *li;
    auto li = std::make_unique<locale_info>();
    li->name = name;
    fill_from_icu(*li, name);
    t.built.push_back(std::move(li));
    return *t.built.back();
  } catch (...) {
    static const locale_info fallback;  // en-US numbers, no names
    return fallback;
  }
}

/// ICU's name for the process locale (LC_NUMERIC), "en_US" for C/POSIX.
void process_locale_name(char* out, std::size_t cap) noexcept {
  const char* cur = std::setlocale(LC_NUMERIC, nullptr);
  std::size_t n = 0;
  if (cur && std::strcmp(cur, "C") != 0 && std::strcmp(cur, "POSIX") != 0 && std::strncmp(cur, "C.", 2) != 0)
    while (cur[n] && cur[n] != '.' && cur[n] != '@' && n + 1 < cap) out[n] = cur[n], ++n;
  if (n == 0) std::strncpy(out, "en_US", cap - 1), n = 5;
  out[n] = 0;
}

/// LOCALE_USER_DEFAULT, LOCALE_SYSTEM_DEFAULT, LOCALE_CUSTOM_DEFAULT, 0 and
/// every LANG_NEUTRAL LCID: the process locale.
bool is_default(LCID lcid) noexcept { return (lcid & 0x3ff) == 0; }

}  // namespace

const locale_info& locale_of(LCID lcid) noexcept {
  lcid &= 0xfffff;  // language and sort ID; the rest is flags
  // One entry per thread for each kind of request, so the hot path takes no
  // lock: the last explicit LCID, and the last process-locale name.
  thread_local LCID last_lcid = 0xffffffff;
  thread_local const locale_info* last = nullptr;
  thread_local char last_default_name[ULOC_FULLNAME_CAPACITY] = {};
  thread_local const locale_info* last_default = nullptr;
  char name[ULOC_FULLNAME_CAPACITY];
  if (is_default(lcid)) {
    process_locale_name(name, sizeof name);
    if (last_default && std::strcmp(name, last_default_name) == 0) return *last_default;
    last_default = &by_name(name);
    std::strcpy(last_default_name, name);
    return *last_default;
  }
  if (lcid == last_lcid) return *last;
  UErrorCode err = U_ZERO_ERROR;
  const int32_t n = uloc_getLocaleForLCID(lcid, name, sizeof name, &err);
  if (U_FAILURE(err) || n <= 0 || err == U_STRING_NOT_TERMINATED_WARNING) std::strcpy(name, "en_US");
  last = &by_name(name);
  last_lcid = lcid;
  return *last;
}

const locale_info& locale_en_us() noexcept {
  static const locale_info& en = by_name("en_US");
  return en;
}

}  // namespace comkit::rt
