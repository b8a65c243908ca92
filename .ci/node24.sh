#!/usr/bin/env bash
# Node 24 (the runtime) from the npm registry, cached: prints the directory of its `node` binary.
# The machine's Node may be older; CI runs the unit and e2e suites again on this one.
set -euo pipefail
version=24.22.3
arch=$(node -p process.arch)
dir=${XDG_CACHE_HOME:-$HOME/.cache}/csp-orders/node24
bin=$dir/node_modules/node-linux-$arch/bin
if [ "$("$bin/node" --version 2>/dev/null || true)" != "v$version" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "node-linux-$arch@$version" >&2
fi
"$bin/node" --version >/dev/null
echo "$bin"
