#!/usr/bin/env bash
# The browser of the demo client's end-to-end test (system-tests DemoClientIT): Debian's Chromium
# and its chromedriver in /usr/bin. Installs them with apt-get only when one is missing, so
# test.sh runs it every time; the test never downloads a browser or a driver itself.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver
say() { printf '%s [chat] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ -x "$CHROMIUM" && -x "$CHROMEDRIVER" ]]; then
  say "browser test: using $CHROMIUM and $CHROMEDRIVER"
  exit 0
fi

as_root=""
if ((EUID != 0)); then
  command -v sudo >/dev/null || { say "ERROR: $CHROMIUM or $CHROMEDRIVER is missing; install the Debian packages chromium and chromium-driver as root"; exit 1; }
  as_root=sudo
fi
command -v apt-get >/dev/null || { say "ERROR: $CHROMIUM or $CHROMEDRIVER is missing and there is no apt-get; install Chromium and its chromedriver there"; exit 1; }

say "browser test: installing chromium and chromium-driver with apt-get (first run only)"
output="$(mktemp)"
trap 'rm -f "$output"' EXIT
if ! { $as_root apt-get update -qq && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } >"$output" 2>&1; then
  tail -n 20 "$output" >&2
  say "ERROR: apt-get could not install chromium and chromium-driver"
  exit 1
fi
