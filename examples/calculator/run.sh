#!/usr/bin/env bash
# examples/calculator/run.sh BUILD_DIR - the calculator scenario end to end:
# register the server (its classes and its embedded type library) in a
# temporary registry, list it, run the C++ and C clients (which find it by
# ProgID), call it late bound from the shell, unregister it; then the same
# component as a local server: registered, started by COM for the C++ client
# (which asks for CLSCTX_LOCAL_SERVER), exiting with its last object.
set -euo pipefail
build=$1
export COMKIT_REGISTRY_PATH=$(mktemp -d)
export XDG_RUNTIME_DIR=$(mktemp -d)   # where processes meet (a private one for the example)
trap 'rm -rf "$COMKIT_REGISTRY_PATH" "$XDG_RUNTIME_DIR"' EXIT
comkit=$build/cli/comkit
echo "\$ comkit register libcalculator.so   (registry: $COMKIT_REGISTRY_PATH)"
"$comkit" register "$build/examples/calculator/libcalculator.so"
echo "\$ comkit list"
"$comkit" list
echo "\$ calculator_client"
"$build/examples/calculator/calculator_client"
echo "\$ calculator_client_c"
"$build/examples/calculator/calculator_client_c"
echo "\$ comkit call Example.Calculator Add 19 23   (late bound, through IDispatch and the embedded type library)"
sum=$("$comkit" call Example.Calculator Add 19 23)
echo "$sum"
[ "$sum" = 42 ] || { echo "calculator: comkit call gave '$sum'"; exit 1; }
echo "\$ comkit call Example.Calculator Divide 7 0   (fails: the server's description, exit code 1)"
if "$comkit" call Example.Calculator Divide 7 0; then echo "calculator: dividing by zero did not fail"; exit 1; fi
echo "\$ comkit unregister libcalculator.so"
"$comkit" unregister "$build/examples/calculator/libcalculator.so"
left=$(ls "$COMKIT_REGISTRY_PATH")
[ -z "$left" ] || { echo "calculator: unregister left $left"; exit 1; }

echo "\$ comkit register calculator_server   (the same component as a local server)"
"$comkit" register "$build/examples/calculator/calculator_server"
echo "\$ comkit list"
"$comkit" list
echo "\$ calculator_client --local   (CLSCTX_LOCAL_SERVER: COM starts calculator_server -Embedding)"
"$build/examples/calculator/calculator_client" --local
# The server exits by itself once the client released its last object.
for _ in $(seq 100); do pgrep -f "$build/examples/calculator/calculator_server" >/dev/null || break; sleep 0.05; done
if pgrep -f "$build/examples/calculator/calculator_server" >/dev/null; then echo "calculator: the local server did not exit"; exit 1; fi
echo "\$ comkit unregister calculator_server"
"$comkit" unregister "$build/examples/calculator/calculator_server"
left=$(ls "$COMKIT_REGISTRY_PATH")
[ -z "$left" ] || { echo "calculator: unregister left $left"; exit 1; }
echo "calculator: all steps passed"
