#!/usr/bin/env bash
# Starts, stops and reports a real Kafka cluster (KRaft) and a real Cassandra 5.0 cluster, of one
# node each or of three nodes each, run as local processes from their Maven Central jars: no Docker
# needed. The tests and deploy/local/run.sh use this same script.
#
#   deploy/local/infra.sh start    start both (reusing the data of a previous start), wait until
#                                  they answer, then create the topics and apply the schema
#   deploy/local/infra.sh stop     stop both cleanly (every node)
#   deploy/local/infra.sh status   say what runs (every node)
#   deploy/local/infra.sh setup    only create the topics and apply the schema migrations
#   deploy/local/infra.sh start-node kafka|cassandra N
#                                  start node N (1 in one-node mode) again, reusing its data, and
#                                  wait until its port answers: fault-injection tests restart a
#                                  node with it after killing it. A broker's port answers once the
#                                  controllers let it serve; its replicas rejoin the ISR seconds later
#   deploy/local/infra.sh pid kafka|cassandra N
#                                  print the pid of node N, for a test that sends it SIGKILL/SIGSTOP
#
# CHAT_NODES=3 runs three Kafka brokers (each also a controller, node.id 1..3) and three Cassandra
# nodes, everything replicated three times: Kafka node i on 127.0.0.1 at CHAT_KAFKA_PORT + 100*(i-1)
# (controller CHAT_KAFKA_CONTROLLER_PORT + 100*(i-1)), Cassandra node i on 127.0.0.i with the same
# native and storage ports and JMX at CHAT_CASSANDRA_JMX_PORT + 100*(i-1); pid files kafka-i.pid and
# cassandra-i.pid, data under kafka/node-i and cassandra/node-i. Topics get replication 3 and
# min.insync.replicas 2, the keyspace NetworkTopologyStrategy {datacenter1: 3}: one node of each
# can die without losing an acknowledged write. The default, CHAT_NODES=1, is one node of each.
#
# Settings (environment): CHAT_NODES (1), CHAT_DATA_DIR (default .local-data), CHAT_KAFKA_PORT (9092),
# CHAT_KAFKA_CONTROLLER_PORT (9093), CHAT_CASSANDRA_PORT (9042), CHAT_CASSANDRA_STORAGE_PORT (7000),
# CHAT_CASSANDRA_JMX_PORT (7199), CHAT_KAFKA_HEAP (512m; 384m a broker with three),
# CHAT_CASSANDRA_HEAP (1g; 768m a node with three), CHAT_START_TIMEOUT seconds (180).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_DIR="$CHAT_DATA_DIR/kafka"
CASSANDRA_DIR="$CHAT_DATA_DIR/cassandra"
mapfile -t NODES < <(seq 1 "$CHAT_NODES")

# One-node mode keeps the names it always had (kafka.pid, kafka/ ...); node i of three is
# kafka-i (pid file, mark, .out log) with its data under kafka/node-i.
node_name() { if ((CHAT_NODES == 1)); then echo "$1"; else echo "$1-$2"; fi; }
node_dir() { if ((CHAT_NODES == 1)); then echo "$CHAT_DATA_DIR/$1"; else echo "$CHAT_DATA_DIR/$1/node-$2"; fi; }
pid_file() { echo "$RUN_DIR/$(node_name "$1" "$2").pid"; }
# For messages: "Kafka" with one node, "Kafka node 2" with three; from a pid file's name too.
title() {
  local kind="${1%%-*}" number="${1#*-}"
  kind="${kind^}"
  if [[ "$1" == *-* ]]; then echo "$kind node $number"; else echo "$kind"; fi
}

# Cassandra's own jvm17-server.options: the JDK internals it needs opened on Java 17.
CASSANDRA_JDK17_FLAGS=(
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED
  --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED
  --add-opens java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED
  --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.math=ALL-UNNAMED
  --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens java.base/java.net=ALL-UNNAMED
)

write_cassandra_yaml() {
  local node="$1" auto_bootstrap="$2" dir host
  dir="$(node_dir cassandra "$node")"; host="$(cassandra_host "$node")"
  mkdir -p "$dir"/{data,commitlog,saved_caches,hints,cdc_raw,logs}
  cat >"$dir/cassandra.yaml" <<YAML
# Written by deploy/local/infra.sh on every start; edit the script, not this file.
cluster_name: chat-local
num_tokens: 16
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:$CHAT_CASSANDRA_STORAGE_PORT"
listen_address: $host
rpc_address: $host
storage_port: $CHAT_CASSANDRA_STORAGE_PORT
native_transport_port: $CHAT_CASSANDRA_PORT
start_native_transport: true
data_file_directories: [$dir/data]
commitlog_directory: $dir/commitlog
saved_caches_directory: $dir/saved_caches
hints_directory: $dir/hints
cdc_raw_directory: $dir/cdc_raw
# A write is acknowledged only once the commit log is on disk: with "periodic" a killed node
# replays only up to its last sync, and one node has no replica to fall back on, so acknowledged
# messages would be lost. "batch" syncs as soon as the previous sync ends, so the writes that came
# meanwhile share one sync (about 0.5 ms here). Each waiting write holds a write thread: with the
# default 32 threads and "group" (a sync every 10 ms) the node took 3,125 inserts/s whatever the
# load; with these, 17,000 (periodic: 17,000-36,000).
commitlog_sync: batch
concurrent_writes: 256
# Lightweight transactions in two round trips instead of four (Paxos v2).
paxos_variant: v2
# A laptop node: no snapshot on every DROP/TRUNCATE.
auto_snapshot: false
YAML
  # (One node is its own seed, and a seed never bootstraps: its file stays as it always was.)
  if ((CHAT_NODES > 1)) && [[ "$auto_bootstrap" == false ]]; then
    cat >>"$dir/cassandra.yaml" <<YAML
# A brand-new cluster holds no data: a node joins the ring at once instead of bootstrapping, which
# would wait ring_delay (30 s) a node only to stream nothing. Written only while every node is new:
# a node that lost its data later must bootstrap (or be refused), never rejoin empty.
auto_bootstrap: false
YAML
  fi
}

# No Cassandra node has data yet: the cluster is new (see auto_bootstrap above).
cassandra_is_new() {
  local node
  for node in "${NODES[@]}"; do [[ -d "$(node_dir cassandra "$node")/data/system" ]] && return 1; done
  return 0
}

require_cassandra_ports() {
  local host; host="$(cassandra_host "$1")"
  require_free_port "$CHAT_CASSANDRA_PORT" CHAT_CASSANDRA_PORT "$host"
  require_free_port "$CHAT_CASSANDRA_STORAGE_PORT" CHAT_CASSANDRA_STORAGE_PORT "$host"
  require_free_port "$(cassandra_jmx_port "$1")" CHAT_CASSANDRA_JMX_PORT
}

start_cassandra() {
  local node="$1" auto_bootstrap="$2" name pidfile dir host
  name="$(node_name cassandra "$node")"; pidfile="$(pid_file cassandra "$node")"
  dir="$(node_dir cassandra "$node")"; host="$(cassandra_host "$node")"
  if pid_alive "$pidfile"; then log "$(title "$name") already runs (pid $(cat "$pidfile"))"; return; fi
  require_cassandra_ports "$node"
  local cp; cp="$(classpath_of "$LOCAL_DIR/classpath/cassandra/pom.xml" cassandra)"
  write_cassandra_yaml "$node" "$auto_bootstrap"
  log "starting $(title "$name") on $host:$CHAT_CASSANDRA_PORT (data in $dir)"
  nohup java "$(launch_mark "$name")" -Xms"$CHAT_CASSANDRA_HEAP" -Xmx"$CHAT_CASSANDRA_HEAP" -XX:+UseG1GC -Xss512k \
    "${CASSANDRA_JDK17_FLAGS[@]}" \
    -Djava.net.preferIPv4Stack=true \
    -Dcassandra.config="file://$dir/cassandra.yaml" \
    -Dcassandra-foreground=yes \
    -Dcassandra.logdir="$dir/logs" \
    -Dlogback.configurationFile="$LOCAL_DIR/conf/cassandra-logback.xml" \
    -Dcassandra.jmx.local.port="$(cassandra_jmx_port "$node")" \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 \
    -Dcassandra.initial_token_allocation_wait_ms=0 \
    -cp "$cp" org.apache.cassandra.service.CassandraDaemon \
    >"$LOG_DIR/$name.out" 2>&1 &
  record_launch "$pidfile" $!
}

wait_for_cassandra() {
  local node="$1" name host
  name="$(node_name cassandra "$node")"; host="$(cassandra_host "$node")"
  wait_for_port "$(title "$name")" "$CHAT_CASSANDRA_PORT" "$(pid_file cassandra "$node")" \
    "$(node_dir cassandra "$node")/logs/cassandra.log" "$LOG_DIR/$name.out" "$host"
  log "$(title "$name") answers on $host:$CHAT_CASSANDRA_PORT"
}

# Nodes 2 and 3 once the seed (node 1) answers: a node that starts before its seed spends its
# start-up retrying the seed (and gives up after 2 x ring_delay, 60 s, which a loaded two-core
# machine can reach). They join together, as neither streams: on a new cluster they do not
# bootstrap, and a restarted node keeps its data and tokens. Only a node that lost its data in an
# existing cluster bootstraps, and Cassandra lets one node at a time do that: it starts last, alone.
start_other_cassandra_nodes() {
  local auto_bootstrap="$1" node together=() alone=()
  for node in "${NODES[@]:1}"; do
    if [[ "$auto_bootstrap" == true && ! -d "$(node_dir cassandra "$node")/data/system" ]]; then alone+=("$node"); else together+=("$node"); fi
  done
  for node in "${together[@]}"; do start_cassandra "$node" "$auto_bootstrap"; done
  for node in "${together[@]}"; do wait_for_cassandra "$node"; done
  for node in "${alone[@]}"; do start_cassandra "$node" "$auto_bootstrap"; wait_for_cassandra "$node"; done
}

write_kafka_properties() {
  local node="$1" dir port controller_port voters="" replication=1 min_isr=1 other
  dir="$(node_dir kafka "$node")"; port="$(kafka_port "$node")"; controller_port="$(kafka_controller_port "$node")"
  for other in "${NODES[@]}"; do voters+="${voters:+,}$other@127.0.0.1:$(kafka_controller_port "$other")"; done
  ((CHAT_NODES == 1)) || { replication=3; min_isr=2; }
  mkdir -p "$dir/data" "$dir/logs"
  cat >"$dir/server.properties" <<PROPS
# Written by deploy/local/infra.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=$node
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
offsets.topic.replication.factor=$replication
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=$replication
transaction.state.log.min.isr=$min_isr
group.initial.rebalance.delay.ms=0
# Topics are created by the launcher with explicit partition counts, never by a typo'd consumer.
auto.create.topics.enable=false
PROPS
  if ((CHAT_NODES > 1)); then
    cat >>"$dir/server.properties" <<PROPS
# Every partition on all three brokers; a write acknowledged to acks=all is on two of them at least,
# and a replica that fell behind never becomes leader: one broker can die without losing a record.
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
PROPS
  fi
}

kafka_jvm() {
  local dir; dir="$(node_dir kafka "$1")"
  KAFKA_JVM=(-Xms"$CHAT_KAFKA_HEAP" -Xmx"$CHAT_KAFKA_HEAP" -XX:+UseG1GC -Djava.net.preferIPv4Stack=true
             -Dkafka.logs.dir="$dir/logs" -Dlog4j2.configurationFile="$LOCAL_DIR/conf/kafka-log4j2.properties")
}

# Formats the log directories that have none, all with one cluster id. A node whose directory is
# gone while the others keep theirs is refused: a KRaft controller that forgot what it voted for
# can help elect a leader that misses committed metadata (static quorum, KIP-853).
format_kafka() {
  local cp="$1" node formatted=() missing=()
  for node in "${NODES[@]}"; do
    if [[ -f "$(node_dir kafka "$node")/data/meta.properties" ]]; then formatted+=("$node"); else missing+=("$node"); fi
  done
  ((${#missing[@]})) || return 0
  ((${#formatted[@]} == 0)) || die "Kafka node(s) ${missing[*]} have no log directory while node(s) ${formatted[*]} have theirs; remove $KAFKA_DIR to start a new Kafka cluster"
  local cluster_id
  kafka_jvm 1
  cluster_id="$(java "${KAFKA_JVM[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>"$LOG_DIR/kafka-format.log" | tail -n 1)" \
    || die "could not make a Kafka cluster id, see $LOG_DIR/kafka-format.log"
  if ((CHAT_NODES == 1)); then
    log "formatting the Kafka log directory (cluster $cluster_id)"
    java "${KAFKA_JVM[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" \
      >"$LOG_DIR/kafka-format.log" 2>&1 || die "formatting Kafka's log directory failed, see $LOG_DIR/kafka-format.log"
    return
  fi
  log "formatting the log directories of Kafka nodes ${missing[*]} (cluster $cluster_id)"
  local pids=() failed=() i
  for node in "${missing[@]}"; do
    kafka_jvm "$node"
    java "${KAFKA_JVM[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$(node_dir kafka "$node")/server.properties" \
      >"$LOG_DIR/kafka-$node-format.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!missing[@]}"; do wait "${pids[$i]}" || failed+=("$LOG_DIR/kafka-${missing[$i]}-format.log"); done
  ((${#failed[@]} == 0)) || die "formatting Kafka's log directories failed, see ${failed[*]}"
}

# start_kafka NODE...: all the named nodes at once; a KRaft quorum of three elects a leader only
# once two controllers run.
start_kafka() {
  local node name pidfile cp starting=()
  for node in "$@"; do
    name="$(node_name kafka "$node")"; pidfile="$(pid_file kafka "$node")"
    if pid_alive "$pidfile"; then log "$(title "$name") already runs (pid $(cat "$pidfile"))"; continue; fi
    require_free_port "$(kafka_port "$node")" CHAT_KAFKA_PORT
    require_free_port "$(kafka_controller_port "$node")" CHAT_KAFKA_CONTROLLER_PORT
    starting+=("$node")
  done
  ((${#starting[@]})) || return 0
  cp="$(classpath_of "$LOCAL_DIR/classpath/kafka/pom.xml" kafka)"
  for node in "${NODES[@]}"; do write_kafka_properties "$node"; done
  format_kafka "$cp"
  for node in "${starting[@]}"; do
    name="$(node_name kafka "$node")"
    kafka_jvm "$node"
    log "starting $(title "$name") on 127.0.0.1:$(kafka_port "$node") (data in $(node_dir kafka "$node"))"
    nohup java "$(launch_mark "$name")" "${KAFKA_JVM[@]}" -cp "$cp" kafka.Kafka "$(node_dir kafka "$node")/server.properties" \
      >"$LOG_DIR/$name.out" 2>&1 &
    record_launch "$(pid_file kafka "$node")" $!
  done
}

wait_for_kafka() {
  local node="$1" name port
  name="$(node_name kafka "$node")"; port="$(kafka_port "$node")"
  wait_for_port "$(title "$name")" "$port" "$(pid_file kafka "$node")" "$(node_dir kafka "$node")/logs/kafka.log" "$LOG_DIR/$name.out"
  log "$(title "$name") answers on 127.0.0.1:$port"
}

setup() {
  local cassandra node
  cassandra="$(cassandra_host 1):$CHAT_CASSANDRA_PORT"
  if ((CHAT_NODES == 1)); then
    "$REPO_DIR/deploy/setup/setup.sh" --cassandra "$cassandra" --kafka "$(kafka_bootstrap)"
    return
  fi
  # The setup tool takes one contact point: the first node that answers.
  for node in "${NODES[@]}"; do
    if port_open "$CHAT_CASSANDRA_PORT" "$(cassandra_host "$node")"; then cassandra="$(cassandra_host "$node"):$CHAT_CASSANDRA_PORT"; break; fi
  done
  "$REPO_DIR/deploy/setup/setup.sh" --cassandra "$cassandra" --kafka "$(kafka_bootstrap)" \
    --topic-replication 3 --replication "{'class':'NetworkTopologyStrategy','datacenter1':3}"
}

# Every node whose pid file is there, whatever CHAT_NODES says: a forgotten CHAT_NODES=3 must not
# leave two nodes running. The nodes of each kind stop at once (the brokers' controlled shutdown
# needs their quorum), Kafka first as always.
stop_all() {
  local kind pidfile stopping
  for kind in kafka cassandra; do
    stopping=()
    for pidfile in "$RUN_DIR/$kind.pid" "$RUN_DIR/$kind"-[0-9].pid; do
      [[ -e "$pidfile" ]] || continue
      stop_pid "$(title "$(basename "$pidfile" .pid)")" "$pidfile" &
      stopping+=($!)
    done
    # Only these: a plain wait would also wait for the nodes a failed start launched.
    for pid in "${stopping[@]}"; do wait "$pid" || true; done
  done
}

# A data directory holds one cluster shape: three nodes would not find one node's data, and the
# other way round.
refuse_other_shape() {
  if ((CHAT_NODES == 1)); then
    [[ ! -d "$CASSANDRA_DIR/node-1" && ! -d "$KAFKA_DIR/node-1" ]] \
      || die "$CHAT_DATA_DIR holds a three-node cluster; set CHAT_NODES=3 or use another CHAT_DATA_DIR"
  else
    [[ ! -d "$CASSANDRA_DIR/data" && ! -d "$KAFKA_DIR/data" ]] \
      || die "$CHAT_DATA_DIR holds a one-node cluster; unset CHAT_NODES or use another CHAT_DATA_DIR"
  fi
}

# kind and node number of the start-node and pid commands.
node_argument() {
  [[ "${1:-}" == kafka || "${1:-}" == cassandra ]] && [[ "${2:-}" =~ ^[0-9]+$ ]] && ((${2:-0} >= 1 && ${2:-0} <= CHAT_NODES)) \
    || die "usage: $0 ${COMMAND} kafka|cassandra N, N from 1 to $CHAT_NODES (CHAT_NODES)"
}

COMMAND="${1:-}"
case "$COMMAND" in
  start)
    refuse_other_shape
    # A start that fails half-way stops what it started, rather than leave it running.
    trap 'status=$?; if ((status != 0)); then stop_all; fi' EXIT
    # Nodes 2 and 3 start only after node 1 answers: a port of theirs that is taken fails now, not then.
    for node in "${NODES[@]:1}"; do pid_alive "$(pid_file cassandra "$node")" || require_cassandra_ports "$node"; done
    if cassandra_is_new; then auto_bootstrap=false; else auto_bootstrap=true; fi
    # Cassandra and Kafka start at once: their start-up times overlap instead of adding up.
    start_cassandra 1 "$auto_bootstrap"
    start_kafka "${NODES[@]}"
    wait_for_cassandra 1
    start_other_cassandra_nodes "$auto_bootstrap"
    for node in "${NODES[@]}"; do wait_for_kafka "$node"; done
    setup
    ;;
  start-node)
    node_argument "${2:-}" "${3:-}"
    refuse_other_shape
    kind="$2" node="$3"
    trap 'status=$?; if ((status != 0)); then stop_pid "$(title "$(node_name "$kind" "$node")")" "$(pid_file "$kind" "$node")"; fi' EXIT
    if [[ "$kind" == kafka ]]; then
      start_kafka "$node"
      wait_for_kafka "$node"
    else
      if cassandra_is_new; then auto_bootstrap=false; else auto_bootstrap=true; fi
      start_cassandra "$node" "$auto_bootstrap"
      wait_for_cassandra "$node"
    fi
    ;;
  pid)
    node_argument "${2:-}" "${3:-}"
    pidfile="$(pid_file "$2" "$3")"
    pid_alive "$pidfile" || die "$(title "$(node_name "$2" "$3")") does not run"
    cat "$pidfile"
    ;;
  stop) stop_all ;;
  status)
    for kind in kafka cassandra; do
      for node in "${NODES[@]}"; do
        name="$(node_name "$kind" "$node")"
        if pid_alive "$RUN_DIR/$name.pid"; then echo "$name: running (pid $(cat "$RUN_DIR/$name.pid"))"; else echo "$name: stopped"; fi
      done
    done
    ;;
  setup) setup ;;
  *) echo "usage: $0 start|stop|status|setup | start-node kafka|cassandra N | pid kafka|cassandra N" >&2; exit 2 ;;
esac
