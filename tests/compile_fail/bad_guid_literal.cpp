// Must not compile: a malformed GUID literal (COMKIT_FAIL selects which).
#include <comkit/guid.h>
using namespace comkit::literals;
#if COMKIT_FAIL == 0
constexpr GUID g = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"_guid;  // control: well-formed
#elif COMKIT_FAIL == 1  // expect: guid_literal_has_a_character_that_is_not_a_hex_digit_or_dash
constexpr GUID g = "6ba7b810-9dad-11d1-80b4-00c04fd430cX"_guid;  // not hex
#elif COMKIT_FAIL == 2  // expect: guid_literal_must_look_like_xxxxxxxx_xxxx_xxxx_xxxx_xxxxxxxxxxxx
constexpr GUID g = "6ba7b810-9dad-11d1-80b4-00c04fd430c"_guid;  // too short
#elif COMKIT_FAIL == 3  // expect: guid_literal_must_look_like_xxxxxxxx_xxxx_xxxx_xxxx_xxxxxxxxxxxx
constexpr GUID g = "{6ba7b810-9dad-11d1-80b4-00c04fd430c8"_guid;  // unbalanced brace
#elif COMKIT_FAIL == 4  // expect: guid_literal_has_a_character_that_is_not_a_hex_digit_or_dash
constexpr GUID g = comkit::make_guid("6ba7b810_9dad-11d1-80b4-00c04fd430c8");  // bad separator
#endif
int main() { return static_cast<int>(g.Data1 & 1); }
