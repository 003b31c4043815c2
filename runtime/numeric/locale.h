// runtime/numeric/locale.h - what the automation text functions need to
// know about an LCID: number symbols, date and time pictures, month and day
// names and the Boolean names. The data is ICU's (CLDR), read once per
// locale; the few places where Windows' NLS differs from CLDR, and the
// Boolean names (oleaut32's own strings, in no locale database), are
// documented overrides in locale.cpp. Never installed.
#ifndef COMKIT_RUNTIME_NUMERIC_LOCALE_H
#define COMKIT_RUNTIME_NUMERIC_LOCALE_H

#include <oleauto.h>

#include <string>
#include <string_view>

namespace comkit::rt {

/// How the parts of a numeric date are ordered in a locale's short date.
enum class date_order { mdy, dmy, ymd };

struct locale_info {
  std::string name;       // ICU's name, e.g. "de_DE"
  char16_t decimal = u'.';  // LOCALE_SDECIMAL
  char16_t thousands = u',';  // LOCALE_STHOUSAND
  bool space_grouping = false;  // thousands is a (no-break) space: U+0020, U+00A0 and U+202F all read as it
  std::u16string currency = u"$";  // LOCALE_SCURRENCY
  date_order order = date_order::mdy;
  std::u16string short_date = u"M/d/yyyy";  // LOCALE_SSHORTDATE picture (Windows letters)
  std::u16string long_date = u"dddd, MMMM d, yyyy";  // LOCALE_SLONGDATE picture
  std::u16string long_time = u"h:mm:ss tt";  // LOCALE_STIMEFORMAT picture
  int first_day = 1;  // 1 Sunday .. 7 Saturday (VB's numbering)
  int currency_digits = 2;  // LOCALE_ICURRDIGITS
  bool currency_first = true;  // the symbol before the number
  bool currency_space = false;  // a no-break space between symbol and number
  std::u16string am = u"AM", pm = u"PM";
  std::u16string months[12], months_abbrev[12];  // format forms
  std::u16string months_standalone[12];          // as written alone (Russian "Январь")
  std::u16string days[7], days_abbrev[7];        // Sunday first
  std::u16string true_name = u"True", false_name = u"False";
  bool english = true;  // LANG_ENGLISH: the Boolean names are the English ones
};

/// The locale behind an LCID. LOCALE_USER_DEFAULT, LOCALE_SYSTEM_DEFAULT,
/// 0 and the neutral LCIDs are the process locale (LC_NUMERIC as set with
/// setlocale; "C" and "POSIX" read as en-US). An LCID ICU does not know is
/// en-US. LOCALE_NOUSEROVERRIDE needs nothing: there are no user overrides
/// on this platform. The reference stays valid for the life of the process.
/// Never fails (en-US when ICU has no data or memory runs out).
const locale_info& locale_of(LCID lcid) noexcept;

/// en-US, as built in (no ICU call).
const locale_info& locale_en_us() noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_NUMERIC_LOCALE_H
