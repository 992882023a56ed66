#!/usr/bin/env bash
# Benchmarks on Node 12.18.1 (the Botpress v12 runtime) and Node 20. Builds pkg/ first
# if it is missing. Prints figures only. The job-end figures need PostgreSQL and the
# sqlite3/pg packages (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f pkg/botpress_uipath_bg.wasm ] || bash scripts/build.sh > /dev/null
for v in 12.18.1 20.20.2; do
  node_bin="$(bash scripts/node-version.sh "$v")"
  "$node_bin" bench/run.js "${1:-50}"
  echo
  # This build beside 0.1 (bench/baseline-0.1/), and why the transport is node:http.
  "$node_bin" bench/compare.js
  "$node_bin" bench/transport.js
  echo
done
# Job ends in a cluster: 2 servers on one throwaway PostgreSQL, on the Botpress runtime.
"$(bash scripts/node-version.sh 12.18.1)" bench/job-ends.js 1000 5s
# The questions' middleware: what it costs every other message, and what an answer costs.
"$(bash scripts/node-version.sh 12.18.1)" bench/tasks.js
# 5,000 queue items in 40 folders polled within pollBudget (about 2 minutes: the budget's pace).
"$(bash scripts/node-version.sh 12.18.1)" bench/queue-items.js 5000 40 5s
