#!/usr/bin/env bash
# Builds the SQLite driver Botpress v12 uses (npm sqlite3 4.2.0, a native addon) for one
# Node binary, from source: its prebuilt binaries come from a host outside the package
# registries. Cached per Node ABI in .tools/sqlite3/; about a minute per ABI on two cores.
# Needs python3, make and a C++ compiler.   Usage: scripts/build-sqlite.sh [path-to-node]
set -euo pipefail
cd "$(dirname "$0")/.."
node_bin="${1:-node}"
abi=$("$node_bin" -p 'process.versions.modules')
version=$(node -p 'require("./node_modules/sqlite3/package.json").version')
binding="node_modules/sqlite3/lib/binding/node-v$abi-linux-x64"
cache=".tools/sqlite3/$version/node-v$abi-linux-x64"
[ -f "$binding/node_sqlite3.node" ] && exit 0
if [ ! -f "$cache/node_sqlite3.node" ]; then
  nodedir=$(cd "$(dirname "$("$node_bin" -p process.execPath)")/.." && pwd)
  if [ ! -f "$nodedir/include/node/node.h" ]; then
    # A Node without headers (a distribution's): the registry's build of that version has them.
    nodedir=$(cd "$(dirname "$(bash scripts/node-version.sh "$("$node_bin" -p 'process.versions.node')")")/.." && pwd)
  fi
  gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$gyp" ] || { echo "build-sqlite: npm's node-gyp is missing ($gyp)" >&2; exit 1; }
  echo "build-sqlite: building sqlite3 $version for Node ABI $abi"
  mkdir -p "$cache"
  out="$PWD/$cache"
  work=$(mktemp -d)
  cp -r node_modules/sqlite3 "$work/"
  # nan (the addon's headers) is resolved from the copy's folder by `node -e require('nan')`.
  mkdir -p "$work/node_modules" && cp -r node_modules/nan "$work/node_modules/"
  (cd "$work/sqlite3" && node "$gyp" rebuild -j 2 --nodedir="$nodedir" --module_name=node_sqlite3 \
      --module_path="$out" > "$work/build.log" 2>&1) \
    || { tail -30 "$work/build.log" >&2; rm -rf "$work" "$cache"; exit 1; }
  rm -rf "$work"
fi
mkdir -p "$binding"
cp "$cache/node_sqlite3.node" "$binding/"
