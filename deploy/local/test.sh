#!/usr/bin/env bash
# The test command: starts a fresh real Kafka broker and a real Cassandra node on test ports (so
# it never touches a running local system), runs every test with ./mvnw verify (unit, slice,
# integration and end-to-end tests), and stops the infrastructure again, pass or fail.
# Extra arguments go to Maven, e.g. deploy/local/test.sh -pl message-service -am
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

export CHAT_DATA_DIR="${CHAT_TEST_DATA_DIR:-$PWD/.local-data/test}"
export CHAT_KAFKA_PORT="${CHAT_TEST_KAFKA_PORT:-19092}"
export CHAT_KAFKA_CONTROLLER_PORT="${CHAT_TEST_KAFKA_CONTROLLER_PORT:-19093}"
export CHAT_CASSANDRA_PORT="${CHAT_TEST_CASSANDRA_PORT:-19042}"
export CHAT_CASSANDRA_STORAGE_PORT="${CHAT_TEST_CASSANDRA_STORAGE_PORT:-17000}"
export CHAT_CASSANDRA_JMX_PORT="${CHAT_TEST_CASSANDRA_JMX_PORT:-17199}"
# What the services' tests connect to (Spring reads these environment variables).
export SPRING_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$CHAT_KAFKA_PORT"
export SPRING_CASSANDRA_CONTACT_POINTS="127.0.0.1:$CHAT_CASSANDRA_PORT"

# The demo client's browser test needs Chromium and chromedriver (installed once, if missing).
deploy/local/browser.sh
# The API description's linter (Spectral, from npm; installed once, if missing).
deploy/local/spectral.sh
# A Prometheus for the monitoring test (Debian's binary, unpacked once under .local-data/tools).
deploy/monitoring/prometheus.sh fetch

# A fresh cluster every run: tests must not depend on what an earlier run left behind.
deploy/local/infra.sh stop
rm -rf "$CHAT_DATA_DIR"
# Whatever happens, leave nothing running: the end-to-end tests' services (normally stopped by
# the tests themselves) and the infrastructure.
cleanup() {
  for dir in system-tests/target/*/run; do [[ -d "$dir" ]] && CHAT_DATA_DIR="${dir%/run}" deploy/local/services.sh stop || true; done
  deploy/local/infra.sh stop
}
trap cleanup EXIT
deploy/local/infra.sh start
# On a failure the last lines of the output are often all a reader gets (a CI summary): they
# end with the last warnings of each service the system tests ran.
service_warnings() {
  local log
  for log in system-tests/target/*/logs/*.log; do
    [[ -f "$log" ]] || continue
    local count; count="$(grep -cE ' (WARN|ERROR) ' "$log" || true)"
    [[ "$count" -gt 0 ]] || continue
    echo "== $log: $count warnings or errors, the last 2:"
    grep -E ' (WARN|ERROR) ' "$log" | tail -n 2 | cut -c1-300
  done
}
status=0
./mvnw -B verify "$@" || status=$?
if [[ $status -ne 0 ]]; then
  service_warnings
fi
exit $status
