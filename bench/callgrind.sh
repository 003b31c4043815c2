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
