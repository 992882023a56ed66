#!/usr/bin/env bash
# The demo: installs what is missing, builds pkg/ if needed, and runs a Botpress
# conversation that starts a job on the local Orchestrator emulator, through the
# packaged uipath module (dist/uipath) and its Studio action.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
if [ ! -f pkg/botpress_uipath_bg.wasm ] || [ -n "$(find src Cargo.toml Cargo.lock -newer pkg/botpress_uipath_bg.wasm 2>/dev/null | head -1)" ]; then
  bash scripts/build.sh > /dev/null
fi
bash scripts/package-module.sh > /dev/null
# Botpress's default database: SQLite, through the driver Botpress v12 ships (built once).
bash scripts/build-sqlite.sh node
exec node tests/demo.js
