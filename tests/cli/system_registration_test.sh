#!/usr/bin/env bash
# tests/cli/system_registration_test.sh COMKIT SERVER CLIENT - a local server
# registered for the system (`comkit register PROGRAM --system`, which runs
# it with -RegServer and COMKIT_REGISTRATION_SCOPE=system) is activated by
# another user, whose activation starts that user's own server from the
# system's manifest. Needs root (it writes /etc/comkit/registry and runs the
# client as nobody); exits 77 (skipped) otherwise.
set -u
comkit=$1 server=$2 client=$3
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
command -v setpriv >/dev/null || { echo "skipped: no setpriv"; exit 77; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups env -u XDG_RUNTIME_DIR -u COMKIT_REGISTRY_PATH HOME=/nonexistent "$@"; }
as_nobody test -x "$client" -a -x "$server" || { echo "skipped: nobody cannot reach the build tree"; exit 77; }
unset COMKIT_REGISTRY_PATH
export HOME=$(mktemp -d)  # root's user registry: kept empty, and thrown away
manifest=/etc/comkit/registry/$(basename "$server")-
cleanup() { "$comkit" unregister "$server" --system >/dev/null 2>&1; rm -rf "$HOME"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

out=$("$comkit" register "$server" --system 2>&1) || fail "register --system: $out"
ls "$manifest"*.manifest >/dev/null 2>&1 || fail "no manifest in /etc/comkit/registry: $out"
[ -z "$(ls -A "$HOME" 2>/dev/null)" ] || fail "something was registered for root's user: $(find "$HOME")"
out=$(as_nobody timeout 30 "$client" --local 2>&1) || fail "the client as nobody: $out"
grep -q "19 + 23 = 42" <<<"$out" || fail "the client's output: $out"
pgrep -u 0 -f "$(basename "$server") -Embedding" >/dev/null && fail "a server runs as root"
out=$("$comkit" unregister "$server" --system 2>&1) || fail "unregister --system: $out"
ls "$manifest"*.manifest >/dev/null 2>&1 && fail "the manifest is still there"
echo "passed"
