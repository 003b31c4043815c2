#!/usr/bin/env bash
# examples/bookshelf/run.sh BUILD_DIR - register the bookshelf server in a
# temporary registry, run the client, unregister.
set -euo pipefail
build=$1
export COMKIT_REGISTRY_PATH=$(mktemp -d)
trap 'rm -rf "$COMKIT_REGISTRY_PATH"' EXIT
comkit=$build/cli/comkit
"$comkit" register "$build/examples/bookshelf/libbookshelf.so"
"$build/examples/bookshelf/bookshelf_client"
"$comkit" unregister Example.Bookshelf
echo "bookshelf: all steps passed"
