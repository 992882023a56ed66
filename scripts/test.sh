#!/usr/bin/env bash
# Every check and all three test tiers, as CI runs them. On a fresh machine it first
# installs what it needs (scripts/setup.sh).
#   NODE_MATRIX="12.18.1 16.20.2 18.20.8 20.20.2 22.23.3"  Node versions for the node tier
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
NODE_MATRIX="${NODE_MATRIX:-12.18.1 16.20.2 18.20.8 20.20.2 22.23.3}"

bash scripts/setup.sh

# The real Botpress server (tier 4) takes minutes to build the first time, mostly waiting
# on the registry: build it in the background while the other tiers run.
export BOTPRESS_HOME="${BOTPRESS_HOME:-$PWD/.tools/botpress}"
bp_build_log="$BOTPRESS_HOME.build.log"
bp_build=""
if [ ! -f "$BOTPRESS_HOME/.built" ] && [ -f ../shared/botpress-server/build.sh ]; then
  mkdir -p "$(dirname "$BOTPRESS_HOME")"
  echo "== building Botpress 12.31.10 from source in the background (log: $bp_build_log)"
  # CI=true makes yarn 3 refuse to touch the lock file the build adjusts: allow it.
  YARN_ENABLE_IMMUTABLE_INSTALLS=false bash ../shared/botpress-server/build.sh "$BOTPRESS_HOME" > "$bp_build_log" 2>&1 &
  bp_build=$!
fi

# The SQLite driver Botpress v12 uses is a native addon built from source for each Node
# of the matrix (about a minute each, cached in .tools/sqlite3): in the background too.
sqlite_log=.tools/sqlite3-build.log
mkdir -p .tools
( for v in $NODE_MATRIX; do bash scripts/build-sqlite.sh "$(bash scripts/node-version.sh "$v")" || exit 1; done
  bash scripts/build-sqlite.sh node ) > "$sqlite_log" 2>&1 &
sqlite_build=$!

echo "== format and lints (native and wasm32)"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --all-targets --quiet --target wasm32-unknown-unknown -- -D warnings

echo "== tier 1: cargo test"
cargo test --quiet

echo "== tier 2: wasm-pack test --node"
wasm-pack test --node

echo "== build pkg/ (release, Node 12 compatible) and the Botpress module"
bash scripts/build.sh
bash scripts/package-module.sh

echo "== tier 3: node tests against the built package"
if ! wait "$sqlite_build"; then
  echo "building the sqlite3 driver failed; last lines of $sqlite_log:" >&2
  tail -30 "$sqlite_log" >&2
  exit 1
fi
for v in $NODE_MATRIX; do
  bash scripts/test-node.sh "$(bash scripts/node-version.sh "$v")"
done

echo "== UiPath's own clients against the Orchestrator emulator"
node --test tests/clients/*.test.js

echo "== tier 4: the packaged module in a real Botpress server"
if [ -n "$bp_build" ] && ! wait "$bp_build"; then
  echo "the Botpress build failed; last lines of $bp_build_log:" >&2
  tail -30 "$bp_build_log" >&2
  exit 1
fi
bash scripts/test-botpress.sh

echo "== the README's demo"
node tests/demo.js > /dev/null
echo "all checks passed"
