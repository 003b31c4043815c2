// runtime/numeric/date.h - the DATE calendar (days since 1899-12-30,
// proleptic Gregorian, years 100..9999) shared by the date functions,
// conversions and formatting. Never installed.
#ifndef COMKIT_RUNTIME_DATE_H
#define COMKIT_RUNTIME_DATE_H

#include <oleauto.h>

#include <string>

#include "locale.h"

namespace comkit::rt {

inline constexpr double date_min = -657434.0;  // 1 Jan 100
inline constexpr double date_max = 2958465.0;  // 31 Dec 9999

/// A DATE broken down, the time rounded to the whole second (E_INVALIDARG
/// outside the range).
HRESULT date_to_udate(double d, UDATE& out) noexcept;
/// A UDATE (fields normalised as Windows does) to a DATE.
HRESULT udate_to_date(const UDATE& u, ULONG flags, double& out) noexcept;
/// Appends `u` written by a Windows date/time picture (d dd ddd dddd M MM
/// MMM MMMM y yy yyyy h hh H HH m mm s ss t tt, 'quoted' text) in the
/// locale's names. May throw bad_alloc.
void format_picture(std::u16string_view pic, const UDATE& u, const locale_info& li, std::u16string& out);
/// The locale's short date, long time, or both, as VarBstrFromDate writes
/// them (en-US: "M/d/yyyy h:mm:ss AM").
HRESULT date_to_text(double d, ULONG flags, const locale_info& li, std::u16string& out) noexcept;
/// Date/time text to a DATE (VarDateFromStr): the locale's date order and
/// names first, English names everywhere.
HRESULT date_from_text(const OLECHAR* s, ULONG flags, const locale_info& li, double& out) noexcept;

}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_DATE_H
