// runtime/numeric/numtext.h - numbers to and from text in a locale's
// symbols: the parser behind VarXxxFromStr (NUMPRS_STD syntax) and the
// formatting behind VarBstrFromXxx. Never installed.
#ifndef COMKIT_RUNTIME_NUMTEXT_H
#define COMKIT_RUNTIME_NUMTEXT_H

#include <oleauto.h>

#include <cstdint>
#include <string>

#include "decimal_math.h"
#include "locale.h"

namespace comkit::rt {

/// A number read from text: either decimal (digits x 10^exponent, digits
/// without leading zeros, possibly empty for zero) or a VB hex/octal
/// literal (&H / &O), which fills the target's bits.
struct parsed_number {
  std::string digits;
  long long exponent = 0;
  bool neg = false;
  bool radix = false;  // &H or &O
  std::uint64_t bits = 0;
};

/// The number scanner behind VarParseNumFromStr and every VarXxxFromStr:
/// reads what np.dwInFlags allows into rgbDig (room np.cDig) and fills np
/// as VarParseNumFromStr documents, with the locale's decimal and grouping
/// separators and currency symbol (a space-like separator, as in fr-FR,
/// accepts U+0020, U+00A0 and U+202F, each only between digits).
HRESULT scan_number(const OLECHAR* s, NUMPARSE& np, BYTE* rgbDig, const locale_info& li) noexcept;
/// The scanned digits as a parsed_number (hex/octal as bits; more than 64
/// bits is DISP_E_OVERFLOW); E_INVALIDARG for digits out of range.
HRESULT parsed_from_scan(const NUMPARSE& np, const BYTE* rgbDig, parsed_number& out) noexcept;
/// scan_number with NUMPRS_STD (blanks around, a leading or trailing sign,
/// parentheses, the currency symbol before or after, grouping after the
/// first digit, the decimal separator, an exponent, &H/&O; the whole string
/// used), as a parsed_number. DISP_E_TYPEMISMATCH otherwise (and for NULL).
HRESULT parse_number(const OLECHAR* s, parsed_number& out, const locale_info& li) noexcept;

/// round(value x 10^k), half to even, into `out`; false when it does not
/// fit in 127 bits.
bool parsed_round(const parsed_number& p, int k, i128& out) noexcept;
/// The nearest double (DISP_E_OVERFLOW beyond the range; tiny values are 0).
HRESULT parsed_to_double(const parsed_number& p, double& out) noexcept;
/// An exact DECIMAL when the digits allow, rounded beyond 28 decimals.
HRESULT parsed_to_dec(const parsed_number& p, dec& out) noexcept;

/// `digits` significant digits (15 for R8, 7 for R4), scientific from
/// 10^digits up and for small numbers needing more than `digits`
/// decimals ("1E+15", "5.6789E-12"), no trailing zeros, "0" for -0.
std::string format_real(double x, int digits);


}  // namespace comkit::rt

#endif  // COMKIT_RUNTIME_NUMTEXT_H
