#!/usr/bin/env bash
# tests/cli/cli_test.sh COMKIT CPP_SERVER C_SERVER NO_EXPORTS CALL_SERVER - the comkit
# command end to end, in a registry directory of its own. Prints
# "N passed, N failed" and fails when any check does.
set -u
comkit=$1 cpp_server=$2 c_server=$3 no_exports=$4 call_server=$5
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

# comkit call: late bound through the call server's embedded type library.
is() {  # description, exact expected output
  if [ "$out" = "$2" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $1: output is '$out', wanted '$2'"; fi
}
check "register the call server" 0 "$comkit" register "$call_server"; contains "its type library" "type library {9B3E6A42"
check "call: integers" 0 "$comkit" call ComkitTest.Call Sum 19 23;     is "Sum" "42"
check "call: coerced strings" 0 "$comkit" call ComkitTest.Call Sum 1 "41"; is "Sum coerced" "42"
check "call: strings" 0 "$comkit" call ComkitTest.Call Echo "two words"; is "Echo" "two words"
check "call: booleans" 0 "$comkit" call ComkitTest.Call Negate false; is "Negate" "true"
check "call: dates" 0 "$comkit" call ComkitTest.Call Moment 0;       is "a date" "2026-01-02"
check "call: date and time" 0 "$comkit" call ComkitTest.Call Moment 1; is "a time" "2026-01-02 12:00:00"
check "call: arrays" 0 "$comkit" call ComkitTest.Call Squares 3;     is "Squares" "$(printf '1\n4\n9')"
check "call: a property" 0 "$comkit" call ComkitTest.Call Label;     is "Label" "label"
check "call: a property put" 0 "$comkit" call ComkitTest.Call Label --put x; is "put prints nothing" ""
check "call: the put value arrives" 1 "$comkit" call ComkitTest.Call Label --put refused; contains "put value" "this label is refused"
check "call: no result" 0 "$comkit" call ComkitTest.Call Nothing;    is "Nothing" ""
check "call: a default" 0 "$comkit" call ComkitTest.Call Scaled 1.5; is "defaultvalue" "15"
check "call: a named argument" 0 "$comkit" call ComkitTest.Call Scaled 1.5 by=2; is "named" "3"
check "call: by CLSID" 0 "$comkit" call "{9B3E6A43-52C7-4D0E-8F13-2A6C7E9D0B51}" Sum 1 2; is "by CLSID" "3"
check "call: a failure" 1 "$comkit" call ComkitTest.Call Fail "not today"; contains "failure description" "not today"
contains "failure code" "E_ACCESSDENIED"
check "call: an unknown member" 1 "$comkit" call ComkitTest.Call Frobnicate; contains "unknown member" "DISP_E_UNKNOWNNAME"
check "call: a bad argument" 1 "$comkit" call ComkitTest.Call Sum 1 x; contains "bad argument" "argument 2"
check "call: too few arguments" 1 "$comkit" call ComkitTest.Call Sum 1; contains "missing argument" "DISP_E_PARAMNOTOPTIONAL"
check "call: an unknown class" 1 "$comkit" call No.Such.Class Sum 1 2; contains "unknown class" "CO_E_CLASSSTRING"
check "call: usage" 2 "$comkit" call ComkitTest.Call
check "unregister the call server" 0 "$comkit" unregister "$call_server"
check "unregistered: the class is gone" 1 "$comkit" call ComkitTest.Call Sum 1 2
leftover=$(ls "$COMKIT_REGISTRY_PATH")
if [ -z "$leftover" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: left in the registry (the type library?): $leftover"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
