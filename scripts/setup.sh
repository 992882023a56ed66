#!/usr/bin/env bash
# Installs what building and testing need, from the package registries only, and only
# what is missing: wasm32 targets, nightly rust-src (for -Z build-std), wasm-pack and
# wasm-bindgen-cli pinned to the wasm-bindgen version in Cargo.lock, the npm packages,
# UiPath's Python SDK for the clients tier.
# Idempotent: a second run takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_PACK_VERSION=0.15.1
# UiPath's official Python SDK, run against the Orchestrator emulator (tests/clients).
UIPATH_SDK_VERSION=2.14.44
WB_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
export PATH="$HOME/.cargo/bin:$PATH"

say() { echo "setup: $*"; }

installed_targets=$(rustup target list --installed)
echo "$installed_targets" | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
rustup component list --installed --toolchain nightly | grep -q '^rust-src' || rustup component add rust-src --toolchain nightly
rustup target list --installed --toolchain nightly | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown --toolchain nightly

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WB_VERSION\$"; then
  say "installing wasm-bindgen-cli $WB_VERSION (a few minutes)"
  # Not --locked: its lock file wants a webpki-roots release the registry here lacks.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force --quiet
fi
if ! wasm-pack --version 2>/dev/null | grep -q " $WASM_PACK_VERSION\$"; then
  say "installing wasm-pack $WASM_PACK_VERSION (a few minutes)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force --quiet
fi

sdk=.tools/uipath-sdk
if ! "$sdk/bin/python" -c "import importlib.metadata as m; assert m.version('uipath') == '$UIPATH_SDK_VERSION'" 2> /dev/null; then
  say "installing UiPath's Python SDK (uipath $UIPATH_SDK_VERSION) into $sdk"
  rm -rf "$sdk"
  mkdir -p .tools
  python3 -m venv "$sdk"
  "$sdk/bin/pip" install --quiet --disable-pip-version-check "uipath==$UIPATH_SDK_VERSION"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
