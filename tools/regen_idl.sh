#!/usr/bin/env bash
# tools/regen_idl.sh [COMKIT] [--check]
# comkit's standard interfaces are written in IDL (idl/) and compiled by
# comkit's own IDL compiler. The output is checked in, as the Windows SDK
# ships its generated headers: include/comkit/abi/idl/<name>.h (the
# declarations behind <unknwn.h>, <objidl.h>, <oaidl.h>, <ocidl.h>, <oleidl.h>) and
# runtime/idl/<name>_i.c (the IID constants libcomkit exports) and
# runtime/idl/<name>_p.c (their proxy/stub tables). This script
# regenerates them with COMKIT (default build/dev/cli/comkit-idlc; `comkit idl` takes the same options after "idl"); with --check
# it only compares, and fails if the checked-in files are stale (the test
# abi.generated_headers runs that).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
comkit=${1:-$root/build/dev/cli/comkit-idlc}
mode=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
for name in unknwn objidl oaidl ocidl oleidl; do
  "$comkit" "idl/$name.idl" -I idl --iid-api COMKIT_API --c-header --iid-source --proxy -o "$work" -Werror
done
status=0
for name in unknwn objidl oaidl ocidl oleidl; do
  for pair in "$name.h:include/comkit/abi/idl/$name.h" "${name}_i.c:runtime/idl/${name}_i.c" "${name}_p.c:runtime/idl/${name}_p.c"; do
    src=$work/${pair%%:*} dst=${pair#*:}
    if [ "$mode" = "--check" ]; then
      if ! diff -u "$dst" "$src"; then
        echo "$dst is stale: run tools/regen_idl.sh" >&2
        status=1
      fi
    else
      mkdir -p "$(dirname "$dst")"
      cp "$src" "$dst"
    fi
  done
done
exit $status
