#!/usr/bin/env bash
# tests/compiler/golden.sh COMKIT CASE_DIR SOURCE_ROOT [--update]
# One golden case of the IDL compiler: runs `comkit idl` on CASE_DIR/input.idl
# (with the arguments in CASE_DIR/args, if any, and comkit's idl/ on the
# import path) and compares every output file with CASE_DIR/expected/ and
# the diagnostics with CASE_DIR/expected.err. With --update it rewrites the
# expected files instead. Then each generated header must compile as C99 and
# as C++20 against comkit's headers, and the _i.c and _p.c as C.
set -euo pipefail
comkit=$1 case_dir=$2 root=$3 mode=${4:-check}
name=$(basename "$case_dir")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out"
args=()
[ -f "$case_dir/args" ] && read -r -a args < "$case_dir/args"
status=0
(cd "$case_dir" && "$comkit" idl input.idl -I "$root/idl" -o "$work/out" "${args[@]}") 2> "$work/err" || status=$?
echo "exit $status" >> "$work/err"

if [ "$mode" = "--update" ]; then
  rm -rf "$case_dir/expected"
  mkdir -p "$case_dir/expected"
  cp "$work/out/"* "$case_dir/expected/" 2>/dev/null || true
  cp "$work/err" "$case_dir/expected.err"
  echo "updated $name"
  exit 0
fi

fail=0
if ! diff -u "$case_dir/expected.err" "$work/err"; then
  echo "golden $name: diagnostics differ (run tests/compiler/update_goldens.sh to accept)" >&2
  fail=1
fi
expected_files=$(cd "$case_dir/expected" 2>/dev/null && ls || true)
actual_files=$(cd "$work/out" && ls)
if [ "$expected_files" != "$actual_files" ]; then
  echo "golden $name: output files differ: expected [$expected_files], got [$actual_files]" >&2
  fail=1
fi
for f in $actual_files; do
  if [ -f "$case_dir/expected/$f" ] && ! diff -u "$case_dir/expected/$f" "$work/out/$f"; then
    echo "golden $name: $f differs (run tests/compiler/update_goldens.sh to accept)" >&2
    fail=1
  fi
done

# The generated code must compile.
inc=(-I "$work/out" -I "$case_dir" -I "$root/projection/include" -I "$root/include" -I "$root/include/comkit/win")
for h in "$work/out/"*.h; do
  [ -e "$h" ] || continue
  base=$(basename "$h")
  case "$base" in
    *_projection.h)
      printf '#include "%s"\n' "$base" > "$work/tu.cpp"
      c++ -std=c++20 -fsyntax-only -Wall -Wextra -Werror "${inc[@]}" "$work/tu.cpp" || { echo "golden $name: $base does not compile as C++" >&2; fail=1; }
      ;;
    *)
      printf '#define COBJMACROS\n#include "%s"\n' "$base" > "$work/tu.c"
      cc -std=c99 -fsyntax-only -Wall -Wextra -Werror "${inc[@]}" "$work/tu.c" || { echo "golden $name: $base does not compile as C" >&2; fail=1; }
      cp "$work/tu.c" "$work/tu.cpp"
      c++ -std=c++20 -fsyntax-only -Wall -Wextra -Werror "${inc[@]}" "$work/tu.cpp" || { echo "golden $name: $base does not compile as C++" >&2; fail=1; }
      ;;
  esac
done
for c in "$work/out/"*_i.c "$work/out/"*_p.c; do
  [ -e "$c" ] || continue
  cc -std=c99 -c -Wall -Wextra -Werror "${inc[@]}" "$c" -o "$work/iid.o" || { echo "golden $name: $(basename "$c") does not compile" >&2; fail=1; }
done
[ $fail -eq 0 ] && echo "golden $name: ok"
exit $fail
