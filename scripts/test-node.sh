#!/usr/bin/env bash
# The node tier on one Node binary: `node --test` where it exists (18+), the harness's
# runner elsewhere (12, 16). Usage: scripts/test-node.sh [path-to-node]
set -euo pipefail
cd "$(dirname "$0")/.."
node_bin="${1:-node}"
major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
echo "== node tier on Node $("$node_bin" --version)"
if [ "$major" -ge 18 ]; then
  "$node_bin" --test tests/node/*.test.js
else
  "$node_bin" tests/node/run.js
fi
