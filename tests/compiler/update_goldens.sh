#!/usr/bin/env bash
# tests/compiler/update_goldens.sh [BUILD_DIR] - regenerates every golden
# case's expected output with the `comkit` built in BUILD_DIR (default
# build/dev). Review the result with `git diff tests/compiler/cases`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/dev}
for case_dir in "$root"/tests/compiler/cases/*/; do
  bash "$root/tests/compiler/golden.sh" "$build/cli/comkit" "${case_dir%/}" "$root" --update
done
