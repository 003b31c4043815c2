#!/usr/bin/env bash
# examples/calculator/run.sh BUILD_DIR - the calculator scenario end to end:
# register the server in a temporary registry, list it, run the C++ and C
# clients (which find it by ProgID), unregister it.
set -euo pipefail
build=$1
export COMKIT_REGISTRY_PATH=$(mktemp -d)
trap 'rm -rf "$COMKIT_REGISTRY_PATH"' EXIT
comkit=$build/cli/comkit
echo "\$ comkit register libcalculator.so   (registry: $COMKIT_REGISTRY_PATH)"
"$comkit" register "$build/examples/calculator/libcalculator.so"
echo "\$ comkit list"
"$comkit" list
echo "\$ calculator_client"
"$build/examples/calculator/calculator_client"
echo "\$ calculator_client_c"
"$build/examples/calculator/calculator_client_c"
echo "\$ comkit unregister Example.Calculator"
"$comkit" unregister Example.Calculator
echo "calculator: all steps passed"
