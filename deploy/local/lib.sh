# Shared pieces of the local launcher. Sourced, never run.
# Every setting has a default that runs on one laptop and an environment override.

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="$REPO_DIR/deploy/local"

CHAT_DATA_DIR="${CHAT_DATA_DIR:-$REPO_DIR/.local-data}"
CHAT_KAFKA_PORT="${CHAT_KAFKA_PORT:-9092}"
CHAT_KAFKA_CONTROLLER_PORT="${CHAT_KAFKA_CONTROLLER_PORT:-9093}"
CHAT_CASSANDRA_PORT="${CHAT_CASSANDRA_PORT:-9042}"
CHAT_CASSANDRA_STORAGE_PORT="${CHAT_CASSANDRA_STORAGE_PORT:-7000}"
CHAT_CASSANDRA_JMX_PORT="${CHAT_CASSANDRA_JMX_PORT:-7199}"
CHAT_KAFKA_HEAP="${CHAT_KAFKA_HEAP:-512m}"
CHAT_CASSANDRA_HEAP="${CHAT_CASSANDRA_HEAP:-1g}"
CHAT_START_TIMEOUT="${CHAT_START_TIMEOUT:-180}"

mkdir -p "$CHAT_DATA_DIR"
CHAT_DATA_DIR="$(cd "$CHAT_DATA_DIR" && pwd)"
LOG_DIR="$CHAT_DATA_DIR/logs"
RUN_DIR="$CHAT_DATA_DIR/run"
mkdir -p "$LOG_DIR" "$RUN_DIR"

# Never fails: when run.sh's terminal or pipe is gone (Ctrl-C on "run.sh | tee"), stopping must
# still go on, so a lost log line is not an error.
log() { printf '%s [chat] %s\n' "$(date +%H:%M:%S)" "$*" >&2 2>/dev/null || true; }
die() { log "ERROR: $*"; exit 1; }

mvnw() { "$REPO_DIR/mvnw" -B -q "$@"; }

# The resolved runtime classpath of a pom, cached until the pom changes.
classpath_of() {
  local pom="$1" cache="$RUN_DIR/$2.classpath"
  if [[ ! -s "$cache" || "$pom" -nt "$cache" ]]; then
    log "resolving the $2 classpath from Maven Central (first run only)"
    mvnw -f "$pom" dependency:build-classpath -Dmdep.outputFile="$cache" -Dmdep.includeScope=runtime >"$LOG_DIR/$2-classpath.log" 2>&1 \
      || die "could not resolve the $2 classpath, see $LOG_DIR/$2-classpath.log"
  fi
  cat "$cache"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [[ -s "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits until a TCP port answers, failing early when the process that should open it died.
wait_for_port() {
  local name="$1" port="$2" pidfile="$3" logfile="$4" deadline=$((SECONDS + CHAT_START_TIMEOUT))
  until port_open "$port"; do
    pid_alive "$pidfile" || die "$name exited during start-up; last lines of $logfile:
$(tail -n 30 "$logfile")"
    ((SECONDS < deadline)) || die "$name did not open port $port within ${CHAT_START_TIMEOUT}s; see $logfile"
    sleep 0.5
  done
}

# TERM, then KILL after a grace period: Cassandra and Kafka flush and close their logs on TERM.
stop_pid() {
  local name="$1" pidfile="$2" grace="${3:-60}"
  if ! pid_alive "$pidfile"; then rm -f "$pidfile"; return 0; fi
  local pid; pid="$(cat "$pidfile")"
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then log "$name did not stop in ${grace}s, killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.3
  done
  rm -f "$pidfile"
}

CHAT_GATEWAY_PORT="${CHAT_GATEWAY_PORT:-8080}"
CHAT_MESSAGE_PORT="${CHAT_MESSAGE_PORT:-8081}"
CHAT_FANOUT_PORT="${CHAT_FANOUT_PORT:-8082}"
CHAT_SYNC_PORT="${CHAT_SYNC_PORT:-8083}"
CHAT_SERVICE_HEAP="${CHAT_SERVICE_HEAP:-512m}"
SERVICES=(message-service fanout-service sync-service gateway-service)

service_port() {
  case "$1" in
    gateway-service) echo "$CHAT_GATEWAY_PORT" ;;
    message-service) echo "$CHAT_MESSAGE_PORT" ;;
    fanout-service) echo "$CHAT_FANOUT_PORT" ;;
    sync-service) echo "$CHAT_SYNC_PORT" ;;
  esac
}
