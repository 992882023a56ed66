#!/usr/bin/env bash
# Builds pkg/: the release wasm and its Node glue, loadable from Node 12.18.1 up.
#
# Why each step (see README "Building"):
# - nightly + -Z build-std + target-cpu=mvp: the std that ships for wasm32 is built with
#   reference types / multi-value, which Node 12's V8 (7.8) rejects ("invalid local type").
#   Rebuilding std with the MVP feature set removes them everywhere.
# - wasm-pack with wasm-opt off (Cargo.toml metadata) and wasm-bindgen-cli from PATH:
#   nothing is downloaded at build time.
# - The `web` glue, not `nodejs`: it does not compile the wasm when it is required; the
#   shim compiles it in the background (WebAssembly.compile) and hands it to `initSync`,
#   so `require` does not block on the compile (most of Node 12's require time).
# - esbuild lowers the generated glue (optional chaining, ...) to Node 12 syntax and
#   CommonJS; the footer names the .wasm next to the glue (also inside the module bundle).
set -euo pipefail
cd "$(dirname "$0")/.."

export RUSTUP_TOOLCHAIN="${BUILD_TOOLCHAIN:-nightly}"
# -Zlocation-detail=none, panic=immediate-abort and optimize_for_size: smaller code (no
# panic locations or messages, a std tuned for size); panics abort either way.
export RUSTFLAGS="-C target-cpu=mvp -Zlocation-detail=none -Zunstable-options -Cpanic=immediate-abort"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/wasm-mvp"

wasm-pack build . --release --target web --out-dir pkg --out-name botpress_uipath --no-pack \
  -- -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size

node_modules/.bin/esbuild pkg/botpress_uipath.js --target=node12 --format=cjs --platform=node \
  --outfile=pkg/botpress_uipath.js --allow-overwrite --log-level=warning --log-override:empty-import-meta=silent \
  "--footer:js=module.exports.wasmPath = require('path').join(__dirname, 'botpress_uipath_bg.wasm')"

ls -l pkg/botpress_uipath_bg.wasm
