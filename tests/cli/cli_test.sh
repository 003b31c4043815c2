#!/usr/bin/env bash
# tests/cli/cli_test.sh COMKIT CPP_SERVER C_SERVER NO_EXPORTS - the comkit
# command end to end, in a registry directory of its own. Prints
# "N passed, N failed" and fails when any check does.
set -u
comkit=$1 cpp_server=$2 c_server=$3 no_exports=$4
export COMKIT_REGISTRY_PATH=$(mktemp -d)
trap 'rm -rf "$COMKIT_REGISTRY_PATH"' EXIT
passed=0 failed=0
check() {  # description, expected exit code, command...
  local what=$1 want=$2; shift 2
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq "$want" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $what: exit $rc, wanted $want"; echo "$out" | sed 's/^/    /'; fi
}
contains() {  # description, text
  if grep -q -- "$2" <<<"$out"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $1: output lacks '$2'"; echo "$out" | sed 's/^/    /'; fi
}

check "no arguments is a usage error" 2 "$comkit"
check "help" 0 "$comkit" --help;                          contains "help lists commands" "inspect CLSID|PROGID"
check "help of a command" 0 "$comkit" register --help;    contains "register help" "DllRegisterServer"
check "unknown command" 2 "$comkit" frobnicate
check "empty list" 0 "$comkit" list;                      contains "empty list" "0 classes registered"
check "register a missing file" 1 "$comkit" register /nonexistent/lib.so; contains "missing file" "no such file"
check "register a non-server" 1 "$comkit" register "$no_exports"; contains "non-server" "does not export DllRegisterServer"
check "register with a bad option" 2 "$comkit" register "$cpp_server" --everywhere
check "register the C++ server" 0 "$comkit" register "$cpp_server"; contains "registered count" "2 classes registered"
check "register the C server" 0 "$comkit" register "$c_server"
check "list" 0 "$comkit" list;                            contains "list shows ProgIDs" "ComkitTest.Object.1"
contains "list shows threading" "Free"
contains "list counts" "3 classes registered"
check "inspect by ProgID" 0 "$comkit" inspect ComkitTest.Object; contains "inspect loads" "Loads:            yes"
contains "inspect lists interfaces" "Class object answers: IUnknown IClassFactory"
check "inspect by CLSID" 0 "$comkit" inspect "{5E7C0A14-2B3D-4E5F-8A9B-0C1D2E3F4A5B}"; contains "inspect C" "comkit test object written in C"
check "inspect an unknown ProgID" 1 "$comkit" inspect No.Such.Class
check "inspect a bad CLSID" 1 "$comkit" inspect "{not-a-clsid}"
check "unregister by ProgID" 0 "$comkit" unregister ComkitTest.CObject
check "gone from the list" 0 "$comkit" list;              contains "after unregister" "2 classes registered"
check "unregister by CLSID" 0 "$comkit" unregister "{5E7C0A13-2B3D-4E5F-8A9B-0C1D2E3F4A5B}"
check "unregister the server" 0 "$comkit" unregister "$cpp_server"
check "all gone" 0 "$comkit" list;                        contains "empty again" "0 classes registered"
check "unregister an unknown class" 1 "$comkit" unregister No.Such.Class
check "version" 0 "$comkit" --version

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
