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

# Every process the launcher starts carries -Dchat.launched=<name>, and <name>.pid holds its pid.
# A pid is trusted only if the process still carries that mark: after a reboot the pid in a
# stale pid file may belong to something else, which must never be stopped.
launch_mark() { echo "-Dchat.launched=$1"; }

pid_alive() {
  [[ -s "$1" ]] || return 1
  local pid name cmdline; pid="$(cat "$1")"; name="$(basename "$1" .pid)"
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"; else cmdline="$(ps -p "$pid" -o args= 2>/dev/null)"; fi
  [[ "$cmdline" == *"$(launch_mark "$name")"* ]]
}

# GET a local URL with bash alone (no curl needed); prints the response, headers included.
http_get() {
  local port="$1" path="$2"
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
  timeout 5 cat <&3
  exec 3<&-
}

# Waits until a TCP port answers, failing early when the process that should open it died.
wait_for_port() {
  local name="$1" port="$2" pidfile="$3" logfile="$4" outfile="$5" deadline=$((SECONDS + CHAT_START_TIMEOUT))
  until port_open "$port"; do
    pid_alive "$pidfile" || die "$name exited during start-up; last lines of $logfile and $outfile:
$(tail -n 20 "$logfile" 2>/dev/null; tail -n 20 "$outfile" 2>/dev/null)"
    ((SECONDS < deadline)) || die "$name did not open port $port within ${CHAT_START_TIMEOUT}s; see $logfile and $outfile"
    sleep 0.5
  done
}

# Refuses to start when a port is taken by a process we did not start.
require_free_port() {
  local port="$1" variable="$2"
  ! port_open "$port" || die "port $port is taken by another process; set $variable to another port"
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
