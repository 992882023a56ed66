#!/usr/bin/env bash
# The real-Botpress tier: Botpress 12.31.10 built from source (../shared/botpress-server)
# into .tools/botpress (cached; several minutes the first time), a throwaway PostgreSQL,
# the packaged module (dist/, from scripts/package-module.sh) installed both ways the
# README tells a user, driven over HTTP by tests/botpress/*.test.js. Everything the tests
# start is stopped when they end, pass or fail.
#   BOTPRESS_HOME   where the server is built (default .tools/botpress)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/botpress-server
export BOTPRESS_HOME="${BOTPRESS_HOME:-$PWD/.tools/botpress}"

[ -f "$shared/build.sh" ] || { echo "test-botpress: $shared is missing (the shared folder beside this repository)" >&2; exit 1; }
if ! ls -d /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "test-botpress: installing PostgreSQL from Debian's packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql > /dev/null) \
      || { echo "test-botpress: PostgreSQL could not be installed; the real-Botpress tier needs it" >&2; exit 1; }
  else
    echo "test-botpress: PostgreSQL is not installed (apt-get install postgresql); the real-Botpress tier needs it" >&2
    exit 1
  fi
fi
[ -f dist/uipath.tgz ] || bash scripts/package-module.sh > /dev/null

if [ ! -f "$BOTPRESS_HOME/.built" ]; then
  mkdir -p "$(dirname "$BOTPRESS_HOME")"
  echo "test-botpress: building Botpress 12.31.10 from source into $BOTPRESS_HOME (once)"
  # CI=true makes yarn 3 refuse to touch the lock file the build adjusts: allow it.
  YARN_ENABLE_IMMUTABLE_INSTALLS=false bash "$shared/build.sh" "$BOTPRESS_HOME" > "$BOTPRESS_HOME.build.log" 2>&1 \
    || { tail -30 "$BOTPRESS_HOME.build.log" >&2; exit 1; }
fi

echo "== real Botpress tier: Botpress 12.31.10 on Node 12.18.1 and PostgreSQL"
node --test tests/botpress/*.test.js
