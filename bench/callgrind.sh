#!/usr/bin/env bash
# bench/callgrind.sh BUILD_DIR - exact instructions per operation, from the
# difference between callgrind runs of 20000 and 10000 iterations (so start-up
# and symbol binding cancel out). Machine noise does not affect it.
set -euo pipefail
probe=${1:-build/bench}/bench/callgrind_probe
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$probe" "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf "%-18s %s\n" operation instructions/op
for op in nothing bstr bstr-baseline taskmem taskmem-baseline guid2 clsid errorinfo; do
  a=$(count $op 10000); b=$(count $op 20000)
  printf "%-18s %s\n" "$op" "$(( (b - a) / 10000 ))"
done

# QueryInterface alone (callgrind counts only inside the QueryInterface
# function): comkit's table against the if-chain baseline.
qi_probe=${1:-build/bench}/bench/projection_probe
qi_count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*QueryInterface*' \
    "$qi_probe" "$1" "$2" 10000 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf "\n%-10s %-12s %s\n" QI target "instructions/call (comkit, if-chain)"
for i in 0 1 2 3 4 5 6 7 8 9; do
  case $i in 0) name=IUnknown ;; 9) name=miss ;; *) name=I$i ;; esac
  printf "%-10s %-12s %s %s\n" QI "$name" "$(( $(qi_count comkit $i) / 10000 ))" "$(( $(qi_count ifchain $i) / 10000 ))"
done

# The generated projection's calls (generated_probe): the projected call
# against the hand-written ABI call with its HRESULT check, and the produce
# shim against an implementation written against the ABI.
gen_probe=${1:-build/bench}/bench/generated_probe
gen_count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$gen_probe" "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf "\n%-20s %s\n" "generated call" instructions/call
for mode in consume-raw consume-projected touch-raw touch-projected produce-raw produce-idiomatic; do
  a=$(gen_count $mode 10000); b=$(gen_count $mode 20000)
  printf "%-20s %s\n" "$mode" "$(( (b - a) / 10000 ))"
done
