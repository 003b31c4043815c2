// cli/idlc_main.cpp - `comkit-idlc`: the IDL compiler alone, for building
// comkit itself. It links only the compiler library, not libcomkit or the
// headers generated from idl/, so a broken generated header can always be
// regenerated. Same options as `comkit idl`.
#include <string_view>
#include <vector>

int cmd_idl(const std::vector<std::string_view>& args);

int main(int argc, char** argv) {
  std::vector<std::string_view> args{"idl"};
  args.insert(args.end(), argv + 1, argv + argc);
  return cmd_idl(args);
}
