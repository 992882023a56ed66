#!/usr/bin/env bash
# Every check and all three test tiers, as CI runs them. On a fresh machine it first
# installs what it needs (scripts/setup.sh).
#   NODE_MATRIX="12.18.1 16.20.2 18.20.8 20.20.2 22.23.3"  Node versions for the node tier
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
NODE_MATRIX="${NODE_MATRIX:-12.18.1 16.20.2 18.20.8 20.20.2 22.23.3}"

bash scripts/setup.sh

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
for v in $NODE_MATRIX; do
  bash scripts/test-node.sh "$(bash scripts/node-version.sh "$v")"
done

echo "== the README's demo"
node tests/demo.js > /dev/null
echo "all checks passed"
