// cli/call_command.cpp - `comkit call CLASS MEMBER [ARGS...]`: creates the
// class (by ProgID or {CLSID}) and calls a member of its IDispatch by name,
// as a script would, then prints the result. docs/dispatch.md.
#include <comkit/comkit.h>
#include <comkit/dispatch.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern const char* const call_help_text;
const char* const call_help_text =
    "usage: comkit call CLASS MEMBER [ARG...] [--put VALUE] [--context inproc|local|all]\n"
    "Creates CLASS (a ProgID or a {CLSID}) for IDispatch and calls MEMBER by name, late\n"
    "bound (a method, or a property read: DISPATCH_METHOD | DISPATCH_PROPERTYGET), then\n"
    "prints the result: numbers as numbers, strings as they are, booleans as true/false,\n"
    "dates as YYYY-MM-DD[ HH:MM:SS], arrays and collections one item per line. With\n"
    "--put, writes VALUE to property MEMBER (ARGs are its index) and prints nothing.\n"
    "Each ARG is an integer (VT_I4, or VT_I8 when larger), a number (VT_R8), true or\n"
    "false (VT_BOOL), or else a string (VT_BSTR); name=VALUE passes a named argument.\n"
    "On failure prints the error's description and code, and exits with 1.\n";

namespace {

constexpr int exit_ok = 0, exit_failed = 1, exit_usage = 2;

// An argument as typed: the narrowest VARIANT that holds it.
comkit::variant argument_of(std::string_view text) {
  if (text == "true") return comkit::variant(true);
  if (text == "false") return comkit::variant(false);
  const std::string s(text);
  if (!s.empty()) {
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(s.c_str(), &end, 10);
    if (*end == '\0' && errno == 0) {
      if (n >= INT32_MIN && n <= INT32_MAX) return comkit::variant(static_cast<std::int32_t>(n));
      return comkit::variant(static_cast<std::int64_t>(n));
    }
    errno = 0;
    const double d = std::strtod(s.c_str(), &end);
    if (*end == '\0' && errno == 0 && std::isfinite(d)) return comkit::variant(d);
  }
  return comkit::variant(text);
}

std::string text_of(const comkit::variant& v);

std::string date_text(DATE d) {
  SYSTEMTIME t{};
  if (!VariantTimeToSystemTime(d, &t)) return "(invalid date)";
  char out[40];
  if (t.wHour == 0 && t.wMinute == 0 && t.wSecond == 0)
    std::snprintf(out, sizeof out, "%04u-%02u-%02u", t.wYear, t.wMonth, t.wDay);
  else
    std::snprintf(out, sizeof out, "%04u-%02u-%02u %02u:%02u:%02u", t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond);
  return out;
}

std::string text_of(const comkit::variant& v) {
  VARIANT plain;
  VariantInit(&plain);
  if (FAILED(VariantCopyInd(&plain, v.get()))) return "(unreadable)";
  const comkit::variant value(plain);
  VariantClear(&plain);
  switch (value.vt()) {
    case VT_EMPTY: return "";
    case VT_NULL: return "null";
    case VT_BOOL: return value.get<bool>() ? "true" : "false";
    case VT_DATE: return date_text(value.get()->date);
    case VT_ERROR: return "error " + comkit::hresult{value.get()->scode}.name();
    case VT_UNKNOWN:
    case VT_DISPATCH: return value.get()->punkVal ? "(object)" : "(nothing)";
    default: break;
  }
  auto s = value.try_get<std::string>();
  return s ? *s : "(a value of type " + std::to_string(value.vt()) + ")";
}

void print(const comkit::variant& result) {
  const VARTYPE vt = static_cast<VARTYPE>(result.vt() & ~VT_BYREF);
  // Arrays and collections: one item per line.
  if ((vt & VT_ARRAY) || ((vt == VT_DISPATCH || vt == VT_UNKNOWN) && result.get()->punkVal)) {
    comkit::com_ptr<IEnumVARIANT> items;
    if (SUCCEEDED(comkit::detail::enumerator_of(*result.get(), items))) {
      for (comkit::variant item : items) std::printf("%s\n", text_of(item).c_str());
      return;
    }
  }
  const std::string text = text_of(result);
  if (!text.empty() || result.vt() != VT_EMPTY) std::printf("%s\n", text.c_str());
}

DWORD context_of(std::string_view s) {
  if (s == "inproc") return CLSCTX_INPROC_SERVER;
  if (s == "local") return CLSCTX_LOCAL_SERVER;
  if (s == "all") return CLSCTX_ALL;
  return 0;
}

}  // namespace

int cmd_call(const std::vector<std::string_view>& args) {
  if (args.size() < 3) {
    std::fputs(call_help_text, stderr);
    return exit_usage;
  }
  const std::string_view cls = args[1], member = args[2];
  std::vector<std::string_view> values;
  std::string_view put_value;
  bool put = false;
  DWORD context = CLSCTX_ALL;
  for (std::size_t i = 3; i < args.size(); ++i) {
    if (args[i] == "--put" || args[i] == "--context") {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "comkit call: %.*s needs a value\n", static_cast<int>(args[i].size()), args[i].data());
        return exit_usage;
      }
      if (args[i] == "--put") {
        put = true;
        put_value = args[++i];
      } else if (!(context = context_of(args[++i]))) {
        std::fprintf(stderr, "comkit call: --context is inproc, local or all\n");
        return exit_usage;
      }
      continue;
    }
    values.push_back(args[i]);
  }
  if (FAILED(CoInitializeEx(nullptr, COINIT_MULTITHREADED))) return exit_failed;
  int rc = exit_ok;
  try {
    comkit::dispatch object = comkit::dispatch::create(cls, context);
    // Build the argument list: positional first, then name=value ones.
    std::vector<comkit::variant> positional;
    std::vector<comkit::named_arg> named;
    for (std::string_view v : values) {
      const std::size_t eq = v.find('=');
      const bool is_name = eq != std::string_view::npos && eq > 0 &&
                           v.substr(0, eq).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
                               std::string_view::npos;
      if (is_name)
        named.push_back(comkit::named(v.substr(0, eq), argument_of(v.substr(eq + 1))));
      else if (!named.empty())
        throw comkit::hresult_error(E_INVALIDARG, "positional arguments go before named ones");
      else
        positional.push_back(argument_of(v));
    }
    if (put) {
      if (!named.empty()) throw comkit::hresult_error(E_INVALIDARG, "--put takes no named arguments");
      positional.push_back(argument_of(put_value));
      object.put_list(member, positional);
    } else {
      print(object.call_list(member, DISPATCH_METHOD | DISPATCH_PROPERTYGET, positional, named));
    }
  } catch (const comkit::hresult_error& e) {
    std::fprintf(stderr, "comkit call: %s (0x%08X %s)\n", e.message().c_str(), static_cast<unsigned>(e.code()),
                 comkit::hresult{e.code()}.name().c_str());
    rc = exit_failed;
  }
  CoUninitialize();
  return rc;
}
