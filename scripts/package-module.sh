#!/usr/bin/env bash
# Builds the installable Botpress v12 module `uipath` from pkg/ and js-shim/module/:
#   dist/uipath/      the module folder (what Botpress unpacks)
#   dist/uipath.tgz   the archive for the admin upload or the modules/ folder
# Layout: package.json (main: dist/backend/index.js), dist/backend/index.js,
# dist/backend/core.js (the shim, its npm dependencies and the wasm glue, bundled for
# Node 12 by esbuild), dist/backend/botpress_uipath_bg.wasm (binary, loaded through
# __dirname), dist/actions/startJob.js, assets/config.schema.json. The bundle has no
# runtime dependencies, so node_production_modules/ stays empty.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f pkg/botpress_uipath_bg.wasm ] || bash scripts/build.sh > /dev/null

out=dist/uipath
rm -rf "$out" dist/uipath.tgz
mkdir -p "$out/dist/backend" "$out/dist/actions" "$out/assets" "$out/node_production_modules"
cp js-shim/module/package.json "$out/"
cp js-shim/module/src/backend/*.js "$out/dist/backend/"
cp js-shim/module/src/actions/*.js "$out/dist/actions/"
cp js-shim/module/assets/* "$out/assets/"
cp pkg/botpress_uipath_bg.wasm "$out/dist/backend/"
node_modules/.bin/esbuild js-shim/index.js --bundle --platform=node --target=node12 --format=cjs \
  --outfile="$out/dist/backend/core.js" --log-level=warning
# The glue reads the wasm next to itself; make sure the bundle still does.
grep -q "botpress_uipath_bg.wasm" "$out/dist/backend/core.js"
tar -czf dist/uipath.tgz -C "$out" .
echo "module: $out ($(du -sh "$out" | cut -f1)), archive: dist/uipath.tgz ($(du -h dist/uipath.tgz | cut -f1))"
