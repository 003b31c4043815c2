#!/usr/bin/env bash
# bench/idl_vs_widl.sh [COMKIT]
# Compiles Wine's Windows IDL corpus (Debian's libwine-dev) to C headers with
# comkit's compiler and with widl (Debian's wine64-tools), the same files for
# both: those comkit accepts. Three passes, alternating, REPS times: comkit
# with every file in one invocation (imported files parsed once, as a build
# does with comkit_add_idl's batch), comkit once per file, widl once per file
# (widl takes one file per run). Prints medians and the ratios. COMKIT defaults to build/release/cli/comkit-idlc (the
# build tool; `comkit idl` takes the same options).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
comkit=${1:-$root/build/release/cli/comkit-idlc}
wine=/usr/include/wine/wine/windows
reps=${REPS:-5}
command -v widl >/dev/null || { echo "widl not found: apt-get install wine64-tools" >&2; exit 1; }
[ -f "$wine/unknwn.idl" ] || { echo "Wine IDL not found: apt-get install libwine-dev" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/c" "$work/w"
files=()
for f in "$wine"/*.idl; do
  if "$comkit" "$f" -I "$wine" -D__WIDL__ -o "$work/c" --c-header >/dev/null 2>&1; then files+=("$f"); fi
done
echo "files: ${#files[@]} accepted by comkit (of $(ls "$wine"/*.idl | wc -l))"
pass_batch() { "$comkit" "${files[@]}" -I "$wine" -D__WIDL__ -o "$work/c" --c-header >/dev/null 2>&1 || true; }
pass_comkit() { for f in "${files[@]}"; do "$comkit" "$f" -I "$wine" -D__WIDL__ -o "$work/c" --c-header >/dev/null 2>&1 || true; done; }
# The process-creation floor, measured the same way: on some machines (this
# sandbox) starting any process costs ~10 ms, which would hide the
# compilers' own work; the net figures subtract it.
pass_spawn() { for f in "${files[@]}"; do /bin/true "$f" >/dev/null 2>&1; done; }
pass_widl() { for f in "${files[@]}"; do widl -I "$wine" -h -o "$work/w/$(basename "$f" .idl).h" "$f" >/dev/null 2>&1 || true; done; }
now() { date +%s.%N; }
c_times=() w_times=() s_times=() b_times=()
for ((i = 0; i < reps; i++)); do
  t0=$(now); pass_comkit; t1=$(now); pass_widl; t2=$(now); pass_spawn; t3=$(now); pass_batch; t4=$(now)
  c_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')"); w_times+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN {print b - a}')")
  s_times+=("$(awk -v a="$t2" -v b="$t3" 'BEGIN {print b - a}')"); b_times+=("$(awk -v a="$t3" -v b="$t4" 'BEGIN {print b - a}')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mc=$(median "${c_times[@]}") mw=$(median "${w_times[@]}") ms=$(median "${s_times[@]}") mb=$(median "${b_times[@]}")
echo "comkit, batch:   ${mb} s per pass (median of $reps)"
echo "comkit per file: ${mc} s per pass (median of $reps)"
echo "widl:            ${mw} s per pass (median of $reps)"
echo "process floor:   ${ms} s per pass (/bin/true once per file)"
echo "ratio widl/comkit batch, wall:       $(awk -v w="$mw" -v c="$mb" 'BEGIN {printf "%.2f", w / c}')x"
echo "ratio widl/comkit per file, wall:    $(awk -v w="$mw" -v c="$mc" 'BEGIN {printf "%.2f", w / c}')x"
echo "ratio widl/comkit per file, net of the floor: $(awk -v w="$mw" -v c="$mc" -v s="$ms" 'BEGIN {printf "%.2f", (w - s) / (c - s)}')x"
