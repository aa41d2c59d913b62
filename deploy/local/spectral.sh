#!/usr/bin/env bash
# The OpenAPI linter the tests run on the API description (system-tests ThinSliceIT): Spectral, a
# pinned version from the npm registry, installed under .local-data/tools (once). Node.js and npm
# come from Debian's packages, installed with apt-get only when missing.
#   deploy/local/spectral.sh             install what is missing, nothing else (test.sh runs this)
#   deploy/local/spectral.sh lint ARGS   run Spectral (installing it first if needed)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

VERSION=6.16.3
TOOLS="$PWD/.local-data/tools/spectral-$VERSION"
SPECTRAL="$TOOLS/node_modules/.bin/spectral"
say() { printf '%s [chat] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

install_node() {
  local as_root=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { say "ERROR: npm is missing; install the Debian packages nodejs and npm as root"; exit 1; }
    as_root=sudo
  fi
  command -v apt-get >/dev/null || { say "ERROR: npm is missing and there is no apt-get; install Node.js 18+ and npm"; exit 1; }
  say "OpenAPI lint: installing nodejs and npm with apt-get (first run only)"
  local output; output="$(mktemp)"
  if ! { $as_root apt-get update -qq && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; } >"$output" 2>&1; then
    tail -n 20 "$output" >&2
    rm -f "$output"
    say "ERROR: apt-get could not install nodejs and npm"
    exit 1
  fi
  rm -f "$output"
}

if [[ ! -x "$SPECTRAL" ]]; then
  command -v npm >/dev/null || install_node
  say "OpenAPI lint: installing @stoplight/spectral-cli@$VERSION into $TOOLS (first run only)"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "@stoplight/spectral-cli@$VERSION" >&2
fi
if [[ $# -eq 0 ]]; then
  say "OpenAPI lint: using $SPECTRAL"
  exit 0
fi
exec "$SPECTRAL" "$@"
