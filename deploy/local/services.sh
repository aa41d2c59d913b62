#!/usr/bin/env bash
# Starts and stops the four services from their built jars (./mvnw package), on the
# infrastructure deploy/local/infra.sh runs, with the local profile (dev secrets, dev tokens).
#
#   deploy/local/services.sh start [SERVICE...]   start the four (or those named), wait until healthy
#   deploy/local/services.sh stop [SERVICE...]    stop them (all, extra instances included)
#   deploy/local/services.sh status
#   deploy/local/services.sh start-instance SERVICE INSTANCE PORT   one more instance of a service
#
# Settings (environment), besides those of infra.sh (CHAT_NODES=3: the services are given all three
# brokers and all three Cassandra nodes): CHAT_GATEWAY_PORT (8080),
# CHAT_MESSAGE_PORT (8081), CHAT_FANOUT_PORT (8082), CHAT_SYNC_PORT (8083), CHAT_SERVICE_HEAP (512m),
# CHAT_PROFILES (local), CHAT_SERVICE_JAVA_OPTS (more JVM options for every service, e.g. to compare
# JIT settings with the load tool), CHAT_STREAM_ROUTING_PORTS (the ports of every sync-service
# instance, e.g. "8083,18083": the gateways route each user's stream to one of them by the user's
# notification partition; unset, streams go to CHAT_SYNC_PORT).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHAT_PROFILES="${CHAT_PROFILES:-local}"

# start_service SERVICE [INSTANCE PORT]: INSTANCE names a further instance of SERVICE (its pid
# file, log and mark), on its own PORT.
start_service() {
  local service="$1" instance="${2:-$1}" port="${3:-$(service_port "$1")}"
  local jar="$REPO_DIR/$service/target/$service.jar" pidfile="$RUN_DIR/$instance.pid"
  if pid_alive "$pidfile"; then log "$instance already runs (pid $(cat "$pidfile"))"; return; fi
  [[ -f "$jar" ]] || die "$jar is missing: build with ./mvnw -DskipTests package"
  local variable="CHAT_${service%%-*}_PORT"
  require_free_port "$port" "${variable^^}"
  local routing=()
  if [[ "$service" == gateway-service && -n "${CHAT_STREAM_ROUTING_PORTS:-}" ]]; then
    local ports=(${CHAT_STREAM_ROUTING_PORTS//,/ }) instances=()
    for instance_port in "${ports[@]}"; do instances+=("http://127.0.0.1:$instance_port"); done
    routing=(--chat.stream-routing.instances="$(IFS=,; echo "${instances[*]}")")
  fi
  # shellcheck disable=SC2086 # CHAT_SERVICE_JAVA_OPTS is a list of JVM options
  nohup java "$(launch_mark "$instance")" -Xms128m -Xmx"$CHAT_SERVICE_HEAP" ${CHAT_SERVICE_JAVA_OPTS:-} -jar "$jar" \
    --spring.profiles.active="$CHAT_PROFILES" \
    --server.port="$port" \
    --spring.kafka.bootstrap-servers="$(kafka_bootstrap)" \
    --spring.cassandra.contact-points="$(cassandra_contact_points)" \
    --chat.routes.message-service="http://127.0.0.1:$CHAT_MESSAGE_PORT" \
    --chat.routes.sync-service="http://127.0.0.1:$CHAT_SYNC_PORT" \
    "${routing[@]}" \
    >>"$LOG_DIR/$instance.log" 2>&1 &
  record_launch "$pidfile" $!
}

wait_healthy() {
  local instance="$1" port="$2" deadline=$((SECONDS + CHAT_START_TIMEOUT))
  until http_get "$port" /actuator/health 2>/dev/null | grep -q '"status":"UP"'; do
    pid_alive "$RUN_DIR/$instance.pid" || die "$instance exited during start-up; last lines of $LOG_DIR/$instance.log:
$(tail -n 40 "$LOG_DIR/$instance.log")"
    ((SECONDS < deadline)) || die "$instance was not healthy within ${CHAT_START_TIMEOUT}s; see $LOG_DIR/$instance.log"
    sleep 0.5
  done
  log "$instance is up on 127.0.0.1:$port"
}

command="${1:-}"
shift || true
names=("$@")
((${#names[@]})) || names=("${SERVICES[@]}")

case "$command" in
  start)
    # A start that fails half-way stops what it started, rather than leave some running.
    trap 'status=$?; if ((status != 0)); then for name in "${names[@]}"; do stop_pid "$name" "$RUN_DIR/$name.pid" 30; done; fi' EXIT
    for name in "${names[@]}"; do start_service "$name"; done
    for name in "${names[@]}"; do wait_healthy "$name" "$(service_port "$name")"; done
    ;;
  start-instance)
    # services.sh start-instance message-service message-service-2 18091
    ((${#names[@]} == 3)) || die "usage: $0 start-instance SERVICE INSTANCE PORT"
    trap 'status=$?; if ((status != 0)); then stop_pid "${names[1]}" "$RUN_DIR/${names[1]}.pid" 30; fi' EXIT
    start_service "${names[@]}"
    wait_healthy "${names[1]}" "${names[2]}"
    ;;
  stop)
    # Extra instances too; the gateway first, so no new request reaches a stopping service.
    if (($# == 0)); then
      names=(gateway-service)
      for pidfile in "$RUN_DIR"/*-service*.pid; do
        [[ -e "$pidfile" && "$(basename "$pidfile" .pid)" != gateway-service ]] && names+=("$(basename "$pidfile" .pid)")
      done
    fi
    stop_pid "${names[0]}" "$RUN_DIR/${names[0]}.pid" 30
    for name in "${names[@]:1}"; do stop_pid "$name" "$RUN_DIR/$name.pid" 30 & done
    wait
    ;;
  status)
    for name in "${names[@]}"; do
      if pid_alive "$RUN_DIR/$name.pid"; then echo "$name: running (pid $(cat "$RUN_DIR/$name.pid"))"; else echo "$name: stopped"; fi
    done
    ;;
  *) echo "usage: $0 start|stop|status [SERVICE...] | start-instance SERVICE INSTANCE PORT" >&2; exit 2 ;;
esac
