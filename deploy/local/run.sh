#!/usr/bin/env bash
# Runs the whole system on this machine: a real Kafka broker and a real Cassandra node (from
# Maven Central, no Docker), then the four services. Ctrl-C stops everything it started.
#
#   deploy/local/run.sh            build, start everything, wait for Ctrl-C
#   deploy/local/run.sh --detach   build, start everything, return (stop with: run.sh stop)
#   deploy/local/run.sh stop       stop everything a detached run started
#
# Needs only Java 17 and access to Maven Central. Settings: see infra.sh and services.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stop_all() {
  "$LOCAL_DIR/services.sh" stop || true
  "$LOCAL_DIR/infra.sh" stop || true
}

case "${1:-}" in
  stop) stop_all; exit 0 ;;
  ""|--detach) ;;
  *) echo "usage: $0 [--detach|stop]" >&2; exit 2 ;;
esac

# Refuse to start over a system that runs already (a detached run): Ctrl-C here would stop it.
for name in kafka cassandra "${SERVICES[@]}"; do
  pid_alive "$RUN_DIR/$name.pid" && die "$name runs already (pid $(cat "$RUN_DIR/$name.pid")): chatsync is running; stop it with $LOCAL_DIR/run.sh stop"
done

started=no
on_exit() {
  local status=$?
  # Ctrl-C may have closed the reader of our output (a pipe to tee): stop everything anyway.
  trap '' PIPE
  if [[ "$started" != detached ]]; then
    log "stopping everything"
    stop_all
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 0' INT TERM

log "building the services (./mvnw package, tests skipped; the first build downloads dependencies for a few minutes)"
"$REPO_DIR/mvnw" -B -q -DskipTests package >"$LOG_DIR/build.log" 2>&1 || die "the build failed, see $LOG_DIR/build.log"
"$LOCAL_DIR/infra.sh" start
"$LOCAL_DIR/services.sh" start

gateway="http://127.0.0.1:$CHAT_GATEWAY_PORT"
cat <<BANNER

  chatsync is running.

  Gateway:    $gateway   (API under $gateway/api/v1, see docs/api.md)
  Demo:       $gateway/   (a chat client; each browser tab is a device of its own)
  API docs:   $gateway/api/v1/docs   (the OpenAPI description: $gateway/api/v1/openapi.json)
  Dev token:  curl -s -X POST $gateway/api/v1/dev/tokens -H 'Content-Type: application/json' -d '{"userId":"alice"}'
  Logs:       $LOG_DIR
  Stop:       Ctrl-C$([[ "${1:-}" == --detach ]] && echo " is not available (detached): $LOCAL_DIR/run.sh stop")

BANNER

if [[ "${1:-}" == --detach ]]; then
  started=detached
  exit 0
fi

# Watch the processes: if one dies, say so and stop the rest rather than run half a system.
while sleep 2; do
  for name in kafka cassandra "${SERVICES[@]}"; do
    pid_alive "$RUN_DIR/$name.pid" || die "$name stopped unexpectedly; see $LOG_DIR"
  done
done
