#!/usr/bin/env bash
# Starts, stops and reports a real single-node Kafka broker (KRaft) and a real Cassandra 5.0 node,
# run as local processes from their Maven Central jars: no Docker needed. The tests and
# deploy/local/run.sh use this same script.
#
#   deploy/local/infra.sh start    start both (reusing the data of a previous start), wait until
#                                  they answer, then create the topics and apply the schema
#   deploy/local/infra.sh stop     stop both cleanly
#   deploy/local/infra.sh status   say what runs
#   deploy/local/infra.sh setup    only create the topics and apply the schema migrations
#
# Settings (environment): CHAT_DATA_DIR (default .local-data), CHAT_KAFKA_PORT (9092),
# CHAT_KAFKA_CONTROLLER_PORT (9093), CHAT_CASSANDRA_PORT (9042), CHAT_CASSANDRA_STORAGE_PORT (7000),
# CHAT_CASSANDRA_JMX_PORT (7199), CHAT_KAFKA_HEAP (512m), CHAT_CASSANDRA_HEAP (1g),
# CHAT_START_TIMEOUT seconds (180).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_DIR="$CHAT_DATA_DIR/kafka"
CASSANDRA_DIR="$CHAT_DATA_DIR/cassandra"
KAFKA_PID="$RUN_DIR/kafka.pid"
CASSANDRA_PID="$RUN_DIR/cassandra.pid"

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
  mkdir -p "$CASSANDRA_DIR"/{data,commitlog,saved_caches,hints,cdc_raw,logs}
  cat >"$CASSANDRA_DIR/cassandra.yaml" <<YAML
# Written by deploy/local/infra.sh on every start; edit the script, not this file.
cluster_name: chat-local
num_tokens: 16
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:$CHAT_CASSANDRA_STORAGE_PORT"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: $CHAT_CASSANDRA_STORAGE_PORT
native_transport_port: $CHAT_CASSANDRA_PORT
start_native_transport: true
data_file_directories: [$CASSANDRA_DIR/data]
commitlog_directory: $CASSANDRA_DIR/commitlog
saved_caches_directory: $CASSANDRA_DIR/saved_caches
hints_directory: $CASSANDRA_DIR/hints
cdc_raw_directory: $CASSANDRA_DIR/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
# Lightweight transactions in two round trips instead of four (DESIGN.md section 5).
paxos_variant: v2
# A laptop node: no snapshot on every DROP/TRUNCATE.
auto_snapshot: false
YAML
}

start_cassandra() {
  if pid_alive "$CASSANDRA_PID"; then log "Cassandra already runs (pid $(cat "$CASSANDRA_PID"))"; return; fi
  require_free_port "$CHAT_CASSANDRA_PORT" CHAT_CASSANDRA_PORT
  require_free_port "$CHAT_CASSANDRA_STORAGE_PORT" CHAT_CASSANDRA_STORAGE_PORT
  require_free_port "$CHAT_CASSANDRA_JMX_PORT" CHAT_CASSANDRA_JMX_PORT
  local cp; cp="$(classpath_of "$LOCAL_DIR/classpath/cassandra/pom.xml" cassandra)"
  write_cassandra_yaml
  log "starting Cassandra on 127.0.0.1:$CHAT_CASSANDRA_PORT (data in $CASSANDRA_DIR)"
  nohup java "$(launch_mark cassandra)" -Xms"$CHAT_CASSANDRA_HEAP" -Xmx"$CHAT_CASSANDRA_HEAP" -XX:+UseG1GC -Xss512k \
    "${CASSANDRA_JDK17_FLAGS[@]}" \
    -Djava.net.preferIPv4Stack=true \
    -Dcassandra.config="file://$CASSANDRA_DIR/cassandra.yaml" \
    -Dcassandra-foreground=yes \
    -Dcassandra.logdir="$CASSANDRA_DIR/logs" \
    -Dlogback.configurationFile="$LOCAL_DIR/conf/cassandra-logback.xml" \
    -Dcassandra.jmx.local.port="$CHAT_CASSANDRA_JMX_PORT" \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 \
    -Dcassandra.initial_token_allocation_wait_ms=0 \
    -cp "$cp" org.apache.cassandra.service.CassandraDaemon \
    >"$LOG_DIR/cassandra.out" 2>&1 &
  echo $! >"$CASSANDRA_PID"
}

write_kafka_properties() {
  mkdir -p "$KAFKA_DIR/data" "$KAFKA_DIR/logs"
  cat >"$KAFKA_DIR/server.properties" <<PROPS
# Written by deploy/local/infra.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CHAT_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$CHAT_KAFKA_PORT,CONTROLLER://127.0.0.1:$CHAT_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$CHAT_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DIR/data
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
# Topics are created by the launcher with explicit partition counts, never by a typo'd consumer.
auto.create.topics.enable=false
PROPS
}

start_kafka() {
  if pid_alive "$KAFKA_PID"; then log "Kafka already runs (pid $(cat "$KAFKA_PID"))"; return; fi
  require_free_port "$CHAT_KAFKA_PORT" CHAT_KAFKA_PORT
  require_free_port "$CHAT_KAFKA_CONTROLLER_PORT" CHAT_KAFKA_CONTROLLER_PORT
  local cp; cp="$(classpath_of "$LOCAL_DIR/classpath/kafka/pom.xml" kafka)"
  write_kafka_properties
  local jvm=(-Xms"$CHAT_KAFKA_HEAP" -Xmx"$CHAT_KAFKA_HEAP" -XX:+UseG1GC -Djava.net.preferIPv4Stack=true
             -Dkafka.logs.dir="$KAFKA_DIR/logs" -Dlog4j2.configurationFile="$LOCAL_DIR/conf/kafka-log4j2.properties")
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(java "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>"$LOG_DIR/kafka-format.log" | tail -n 1)" \
      || die "could not make a Kafka cluster id, see $LOG_DIR/kafka-format.log"
    log "formatting the Kafka log directory (cluster $cluster_id)"
    java "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" \
      >"$LOG_DIR/kafka-format.log" 2>&1 || die "formatting Kafka's log directory failed, see $LOG_DIR/kafka-format.log"
  fi
  log "starting Kafka on 127.0.0.1:$CHAT_KAFKA_PORT (data in $KAFKA_DIR)"
  nohup java "$(launch_mark kafka)" "${jvm[@]}" -cp "$cp" kafka.Kafka "$KAFKA_DIR/server.properties" >"$LOG_DIR/kafka.out" 2>&1 &
  echo $! >"$KAFKA_PID"
}

setup() {
  "$REPO_DIR/deploy/setup/setup.sh" \
    --cassandra "127.0.0.1:$CHAT_CASSANDRA_PORT" \
    --kafka "127.0.0.1:$CHAT_KAFKA_PORT"
}

case "${1:-}" in
  start)
    # A start that fails half-way stops what it started, rather than leave it running.
    trap 'status=$?; if ((status != 0)); then stop_pid Kafka "$KAFKA_PID"; stop_pid Cassandra "$CASSANDRA_PID"; fi' EXIT
    # Both start at once: their start-up times overlap instead of adding up.
    start_cassandra
    start_kafka
    wait_for_port Cassandra "$CHAT_CASSANDRA_PORT" "$CASSANDRA_PID" "$CASSANDRA_DIR/logs/cassandra.log" "$LOG_DIR/cassandra.out"
    log "Cassandra answers on 127.0.0.1:$CHAT_CASSANDRA_PORT"
    wait_for_port Kafka "$CHAT_KAFKA_PORT" "$KAFKA_PID" "$KAFKA_DIR/logs/kafka.log" "$LOG_DIR/kafka.out"
    log "Kafka answers on 127.0.0.1:$CHAT_KAFKA_PORT"
    setup
    ;;
  stop)
    stop_pid Kafka "$KAFKA_PID"
    stop_pid Cassandra "$CASSANDRA_PID"
    ;;
  status)
    for svc in kafka cassandra; do
      if pid_alive "$RUN_DIR/$svc.pid"; then echo "$svc: running (pid $(cat "$RUN_DIR/$svc.pid"))"; else echo "$svc: stopped"; fi
    done
    ;;
  setup) setup ;;
  *) echo "usage: $0 start|stop|status|setup" >&2; exit 2 ;;
esac
