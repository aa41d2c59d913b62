#!/usr/bin/env bash
# A Prometheus for a local run, beside it: the binary of Debian's prometheus package, unpacked under
# .local-data/tools (apt-get download and dpkg -x: nothing is installed, no service is set up).
#   deploy/monitoring/prometheus.sh start DIR PORT TARGETS   scrape TARGETS (job=host:port,...) every 5 s
#                                                          into DIR, answer on PORT; returns once ready
#   deploy/monitoring/prometheus.sh stop DIR                 stop it (by its pid) and keep DIR
#   deploy/monitoring/prometheus.sh fetch                    only fetch the binary (test.sh runs this)
#   deploy/monitoring/prometheus.sh promtool ARGS            run the package's promtool
# bench.sh uses it for the dashboard of a load run (CHAT_BENCH_DASHBOARD=1), ObservabilityIT to
# check that a real Prometheus scrapes every service and runs every query of the dashboard.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

TOOLS="$PWD/.local-data/tools/prometheus"
BINARY="$TOOLS/usr/bin/prometheus"
say() { printf '%s [chat] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

fetch() {
  [[ -x "$BINARY" ]] && return
  command -v apt-get >/dev/null || { say "ERROR: no apt-get to fetch Debian's prometheus package; put a prometheus binary at $BINARY"; exit 1; }
  say "fetching Debian's prometheus package into $TOOLS (first run only)"
  local download; download="$(mktemp -d)"
  # apt-get download writes into the current directory, as the _apt user where it can.
  chmod 777 "$download"
  if ! (cd "$download" && apt-get download -q prometheus >/dev/null 2>&1) && ! (cd "$download" && apt-get update -qq && apt-get download -q prometheus >/dev/null); then
    rm -rf "$download"
    say "ERROR: apt-get could not download the prometheus package"
    exit 1
  fi
  mkdir -p "$TOOLS"
  dpkg -x "$download"/prometheus_*.deb "$TOOLS"
  rm -rf "$download"
}

start() {
  local dir="$1" port="$2" targets="$3"
  fetch
  mkdir -p "$dir/data"
  {
    echo "global: {scrape_interval: 5s, scrape_timeout: 5s, evaluation_interval: 5s}"
    echo "scrape_configs:"
    local target
    for target in ${targets//,/ }; do
      echo "  - {job_name: ${target%%=*}, metrics_path: /actuator/prometheus, static_configs: [{targets: [\"${target#*=}\"]}]}"
    done
  } >"$dir/prometheus.yml"
  "$BINARY" --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" >"$dir/prometheus.log" 2>&1 &
  echo $! >"$dir/prometheus.pid"
  local deadline=$((SECONDS + 30))
  until curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null; do
    kill -0 "$(cat "$dir/prometheus.pid")" 2>/dev/null || { tail -n 20 "$dir/prometheus.log" >&2; say "ERROR: prometheus exited"; exit 1; }
    ((SECONDS < deadline)) || { say "ERROR: prometheus not ready within 30 s; see $dir/prometheus.log"; exit 1; }
    sleep 0.5
  done
  say "prometheus on 127.0.0.1:$port scrapes $targets every 5 s"
}

stop() {
  local pidfile="$1/prometheus.pid"
  [[ -f "$pidfile" ]] || return 0
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    local deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  fetch) fetch; say "prometheus: using $BINARY" ;;
  promtool) shift; fetch; exec "$TOOLS/usr/bin/promtool" "$@" ;;
  *) echo "usage: $0 start DIR PORT job=host:port,... | stop DIR | fetch | promtool ARGS" >&2; exit 2 ;;
esac
