#!/usr/bin/env bash
# Starts and stops the four services from their built jars (./mvnw package), on the
# infrastructure deploy/local/infra.sh runs, with the local profile (dev secrets, dev tokens).
#
#   deploy/local/services.sh start   start the four and wait until each reports healthy
#   deploy/local/services.sh stop    stop them
#   deploy/local/services.sh status
#
# Settings (environment), besides those of infra.sh: CHAT_GATEWAY_PORT (8080),
# CHAT_MESSAGE_PORT (8081), CHAT_FANOUT_PORT (8082), CHAT_SYNC_PORT (8083), CHAT_SERVICE_HEAP (512m),
# CHAT_PROFILES (local).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHAT_PROFILES="${CHAT_PROFILES:-local}"

start_service() {
  local name="$1" port; port="$(service_port "$1")"
  local jar="$REPO_DIR/$name/target/$name.jar" pidfile="$RUN_DIR/$name.pid"
  if pid_alive "$pidfile"; then log "$name already runs (pid $(cat "$pidfile"))"; return; fi
  [[ -f "$jar" ]] || die "$jar is missing: build with ./mvnw -DskipTests package"
  local variable="CHAT_${name%%-*}_PORT"
  require_free_port "$port" "${variable^^}"
  nohup java "$(launch_mark "$name")" -Xms128m -Xmx"$CHAT_SERVICE_HEAP" -jar "$jar" \
    --spring.profiles.active="$CHAT_PROFILES" \
    --server.port="$port" \
    --spring.kafka.bootstrap-servers="127.0.0.1:$CHAT_KAFKA_PORT" \
    --spring.cassandra.contact-points="127.0.0.1:$CHAT_CASSANDRA_PORT" \
    --chat.routes.message-service="http://127.0.0.1:$CHAT_MESSAGE_PORT" \
    --chat.routes.sync-service="http://127.0.0.1:$CHAT_SYNC_PORT" \
    >"$LOG_DIR/$name.log" 2>&1 &
  echo $! >"$pidfile"
}

wait_healthy() {
  local name="$1" port; port="$(service_port "$1")"
  local deadline=$((SECONDS + CHAT_START_TIMEOUT))
  until http_get "$port" /actuator/health 2>/dev/null | grep -q '"status":"UP"'; do
    pid_alive "$RUN_DIR/$name.pid" || die "$name exited during start-up; last lines of $LOG_DIR/$name.log:
$(tail -n 40 "$LOG_DIR/$name.log")"
    ((SECONDS < deadline)) || die "$name was not healthy within ${CHAT_START_TIMEOUT}s; see $LOG_DIR/$name.log"
    sleep 0.5
  done
  log "$name is up on 127.0.0.1:$port"
}

case "${1:-}" in
  start)
    # A start that fails half-way stops the services, rather than leave some running.
    trap 'status=$?; if ((status != 0)); then for name in "${SERVICES[@]}"; do stop_pid "$name" "$RUN_DIR/$name.pid" 30; done; fi' EXIT
    for name in "${SERVICES[@]}"; do start_service "$name"; done
    for name in "${SERVICES[@]}"; do wait_healthy "$name"; done
    ;;
  stop)
    # The gateway first, so no new request reaches a stopping service; the rest together.
    stop_pid gateway-service "$RUN_DIR/gateway-service.pid" 30
    for name in message-service fanout-service sync-service; do stop_pid "$name" "$RUN_DIR/$name.pid" 30 & done
    wait
    ;;
  status)
    for name in "${SERVICES[@]}"; do
      if pid_alive "$RUN_DIR/$name.pid"; then echo "$name: running (pid $(cat "$RUN_DIR/$name.pid"))"; else echo "$name: stopped"; fi
    done
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
