#!/usr/bin/env bash
# bench/compile_cost.sh BUILD_DIR - what including a generated projection
# costs the compiler: a translation unit that includes the projection of 20
# interfaces (7 methods each, every mapping shape), compiled at -O0, against
# baselines compiled in the same run: the standard headers the projection
# itself includes, and <comkit/comkit.h>. Medians of 5 runs of
# `c++ -std=c++20 -O0 -c`, in CPU seconds (user + system: less noisy than
# wall-clock time on a shared machine). KEEP=DIR keeps the generated IDL,
# headers and translation units in DIR, to look at or compile by hand.
set -euo pipefail
build=${1:-build/ci}
root=$(cd "$(dirname "$0")/.." && pwd)
comkit=$build/cli/comkit
cxx=${CXX:-c++}
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

{
  echo 'import "oaidl.idl";'
  for i in $(seq 1 20); do
    printf '[object, uuid(6c1d2e30-0000-4000-8000-%012d), pointer_default(unique)]\n' "$i"
    echo "interface IWidget$i : IUnknown {"
    echo "  HRESULT Add([in] LONG a, [in] LONG b, [out, retval] LONG *sum);"
    echo "  [propget] HRESULT Name([out, retval] BSTR *name);"
    echo "  [propput] HRESULT Name([in] BSTR name);"
    echo "  HRESULT Sum([in] ULONG n, [in, size_is(n)] const LONG *values, [out, retval] LONGLONG *total);"
    echo "  HRESULT Range([in] LONG first, [out] ULONG *n, [out, size_is(, *n)] LONG **values);"
    echo "  HRESULT IsReady([out, retval] VARIANT_BOOL *ready);"
    echo "  HRESULT Echo([in] VARIANT v, [out] VARIANT *r, [out] IUnknown **self);"
    echo "}"
  done
} > "$work/widgets.idl"
"$comkit" idl -I "$root/idl" -o "$work" "$work/widgets.idl" >/dev/null

flags=(-std=c++20 -O0 -I"$root/projection/include" -I"$root/include" -I"$root/include/comkit/win" -I"$work")
printf '#include <atomic>\n#include <concepts>\n#include <optional>\n#include <span>\n#include <string>\n#include <tuple>\n#include <vector>\n#include <stdexcept>\n#include <source_location>\nint main() { return 0; }\n' > "$work/std.cpp"
printf '#include <comkit/comkit.h>\nint main() { return 0; }\n' > "$work/comkit.cpp"
printf '#include "widgets_projection.h"\nint main() { return 0; }\n' > "$work/include.cpp"
{
  echo '#include "widgets_projection.h"'
  echo 'long use(IUnknown* u) {'
  echo '  long t = 0;'
  for i in $(seq 1 20); do
    echo "  { comkit::com_ptr<IWidget$i> w(reinterpret_cast<IWidget$i*>(u)); t += w.Add(1, 2); w.Name(\"x\"); t += static_cast<long>(w.Name().size());"
    echo "    const LONG v[2] = {1, 2}; t += static_cast<long>(w.Sum(v)); t += static_cast<long>(w.Range(3).size()); t += w.IsReady();"
    echo "    auto [r, s] = w.Echo(comkit::variant(1)); t += r.vt() + (s ? 1 : 0); }"
  done
  echo '  return t;'
  echo '}'
  echo 'int main() { return 0; }'
} > "$work/use.cpp"

median() { sort -n | sed -n 3p; }
measure() {
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%U %S" "$cxx" "${flags[@]}" -c "$work/$1.cpp" -o "$work/$1.o" 2>&1 >/dev/null | tail -1 |
      awk '{ printf "%.2f\n", $1 + $2 }'
  done | median
}
std=$(measure std)
base=$(measure comkit)
inc=$(measure include)
use=$(measure use)
printf "%-48s %s s\n" "standard headers the projection includes" "$std"
printf "%-48s %s s\n" "<comkit/comkit.h>" "$base"
printf "%-48s %s s\n" "projection of 20 interfaces, included" "$inc"
printf "%-48s %s s\n" "... and every method called once" "$use"
awk -v s="$std" -v b="$base" -v i="$inc" -v u="$use" 'BEGIN {
  printf "projection over the standard headers: +%.2f s (x%.2f); over comkit.h: +%.2f s; per interface used: %.1f ms\n",
         i - s, i / s, i - b, (u - i) * 1000 / 20 }'
