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
# 1: one Kafka broker and one Cassandra node. 3: three of each, replication 3 (a failure drill on
# one machine); their heaps are smaller so that six JVMs fit beside the services.
CHAT_NODES="${CHAT_NODES:-1}"
if [[ "$CHAT_NODES" == 3 ]]; then
  CHAT_KAFKA_HEAP="${CHAT_KAFKA_HEAP:-384m}"
  CHAT_CASSANDRA_HEAP="${CHAT_CASSANDRA_HEAP:-768m}"
else
  CHAT_KAFKA_HEAP="${CHAT_KAFKA_HEAP:-512m}"
  CHAT_CASSANDRA_HEAP="${CHAT_CASSANDRA_HEAP:-1g}"
fi
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

[[ "$CHAT_NODES" == 1 || "$CHAT_NODES" == 3 ]] || die "CHAT_NODES is $CHAT_NODES; it is 1 (the default) or 3"

# Node i (1..CHAT_NODES) of the cluster. Kafka brokers share 127.0.0.1, their ports 100 apart;
# Cassandra nodes each have an address of their own (127.0.0.i), because a Cassandra cluster has
# one storage port and one native port for all its nodes. Node 1 of either is today's one node.
kafka_port() { echo $((CHAT_KAFKA_PORT + 100 * ($1 - 1))); }
kafka_controller_port() { echo $((CHAT_KAFKA_CONTROLLER_PORT + 100 * ($1 - 1))); }
cassandra_host() { echo "127.0.0.$1"; }
cassandra_jmx_port() { echo $((CHAT_CASSANDRA_JMX_PORT + 100 * ($1 - 1))); }

# What clients are given: every node, so that a client starting while one node is down still
# finds the cluster. In one-node mode exactly the one address.
# CHAT_KAFKA_BOOTSTRAP / CHAT_CASSANDRA_CONTACT_POINTS point the services at infrastructure this
# launcher did not start (the tests' containers under -Dchat.infra=testcontainers).
kafka_bootstrap() {
  [[ -n "${CHAT_KAFKA_BOOTSTRAP:-}" ]] && { echo "$CHAT_KAFKA_BOOTSTRAP"; return; }
  local i addresses=()
  for ((i = 1; i <= CHAT_NODES; i++)); do addresses+=("127.0.0.1:$(kafka_port "$i")"); done
  (IFS=,; echo "${addresses[*]}")
}
cassandra_contact_points() {
  [[ -n "${CHAT_CASSANDRA_CONTACT_POINTS:-}" ]] && { echo "$CHAT_CASSANDRA_CONTACT_POINTS"; return; }
  local i addresses=()
  for ((i = 1; i <= CHAT_NODES; i++)); do addresses+=("$(cassandra_host "$i"):$CHAT_CASSANDRA_PORT"); done
  (IFS=,; echo "${addresses[*]}")
}

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

# port_open PORT [HOST]: HOST defaults to 127.0.0.1.
port_open() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }

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

# record_launch PIDFILE PID: writes the pid of a process just started in the background and
# returns once it carries its launch mark (or has died). Until java replaces the forked shell the
# pid lacks the mark, and a start-up wait (or a stop) that looked then would take a starting process
# for a dead one: a loaded machine made a restarted Cassandra node look "exited during start-up".
record_launch() {
  local pidfile="$1" pid="$2"
  echo "$pid" >"$pidfile"
  for _ in {1..100}; do
    pid_alive "$pidfile" && return 0
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
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
# wait_for_port NAME PORT PIDFILE LOGFILE OUTFILE [HOST]
wait_for_port() {
  local name="$1" port="$2" pidfile="$3" logfile="$4" outfile="$5" host="${6:-127.0.0.1}" deadline=$((SECONDS + CHAT_START_TIMEOUT))
  until port_open "$port" "$host"; do
    pid_alive "$pidfile" || die "$name exited during start-up; last lines of $logfile and $outfile:
$(tail -n 20 "$logfile" 2>/dev/null; tail -n 20 "$outfile" 2>/dev/null)"
    ((SECONDS < deadline)) || die "$name did not open port $port within ${CHAT_START_TIMEOUT}s; see $logfile and $outfile"
    sleep 0.5
  done
}

# Refuses to start when a port is taken by a process we did not start.
# require_free_port PORT VARIABLE [HOST]
require_free_port() {
  local port="$1" variable="$2" host="${3:-127.0.0.1}" where="port $1"
  [[ "$host" == 127.0.0.1 ]] || where="port $port of $host"
  ! port_open "$port" "$host" || die "$where is taken by another process; set $variable to another port"
}

# TERM, then KILL after a grace period: Cassandra and Kafka flush and close their logs on TERM.
stop_pid() {
  local name="$1" pidfile="$2" grace="${3:-60}"
  if ! pid_alive "$pidfile"; then rm -f "$pidfile"; return 0; fi
  local pid; pid="$(cat "$pidfile")"
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  # A test may have frozen it (SIGSTOP): it acts on TERM only once it runs again.
  kill -CONT "$pid" 2>/dev/null || true
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
