#!/usr/bin/env bash
# Benchmarks on Node 12.18.1 (the Botpress v12 runtime) and Node 20. Builds pkg/ first
# if it is missing. Prints figures only.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f pkg/botpress_uipath_bg.wasm ] || bash scripts/build.sh > /dev/null
for v in 12.18.1 20.20.2; do
  "$(bash scripts/node-version.sh "$v")" bench/run.js "${1:-50}"
  echo
done
