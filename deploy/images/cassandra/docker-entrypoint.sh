#!/bin/bash
# Starts one Cassandra node, its cassandra.yaml written from environment variables (the settings of
# deploy/local/infra.sh), unless /etc/cassandra/cassandra.yaml is given (a mounted config, or
# Testcontainers' withConfigurationOverride): then that file is used as it is.
#
#   CASSANDRA_CLUSTER_NAME (chat-local)   CASSANDRA_NUM_TOKENS (16)
#   CASSANDRA_LISTEN_ADDRESS (the container's address; "auto" too)
#   CASSANDRA_BROADCAST_ADDRESS (listen)  CASSANDRA_RPC_ADDRESS (0.0.0.0)
#   CASSANDRA_BROADCAST_RPC_ADDRESS (broadcast)   CASSANDRA_SEEDS (broadcast: a cluster of its own)
#   CASSANDRA_ENDPOINT_SNITCH or CASSANDRA_SNITCH (SimpleSnitch; GossipingPropertyFileSnitch
#     when CASSANDRA_DC or CASSANDRA_RACK is set)   CASSANDRA_DC (datacenter1)  CASSANDRA_RACK (rack1)
#   MAX_HEAP_SIZE (1G; -Xms and -Xmx)   HEAP_NEWSIZE (accepted, unused: G1 sizes its young generation)
#   JVM_OPTS, JVM_EXTRA_OPTS (more JVM flags, last)
# Data, commit log, hints and caches live under /var/lib/cassandra (the volume).
# Another command than "cassandra" runs instead (docker run IMAGE cqlsh HOST -e "...").
set -euo pipefail

if (($# > 0)) && [[ "$1" != cassandra && "$1" != -* ]]; then exec "$@"; fi

CASSANDRA_HOME="${CASSANDRA_HOME:-/opt/cassandra}"
DATA=/var/lib/cassandra
CONF="$CASSANDRA_HOME/conf"

log() { printf '%s chatsync-cassandra: %s\n' "$(date '+%T.%3N')" "$*"; }

address="$(hostname -i 2>/dev/null | awk '{ print $1 }')"
address="${address:-127.0.0.1}"
listen="${CASSANDRA_LISTEN_ADDRESS:-auto}"
[[ "$listen" == auto ]] && listen="$address"
broadcast="${CASSANDRA_BROADCAST_ADDRESS:-$listen}"
[[ "$broadcast" == auto ]] && broadcast="$address"
rpc="${CASSANDRA_RPC_ADDRESS:-0.0.0.0}"
broadcast_rpc="${CASSANDRA_BROADCAST_RPC_ADDRESS:-$broadcast}"
[[ "$broadcast_rpc" == auto ]] && broadcast_rpc="$address"
seeds="${CASSANDRA_SEEDS:-$broadcast}"
snitch="${CASSANDRA_ENDPOINT_SNITCH:-${CASSANDRA_SNITCH:-}}"
if [[ -z "$snitch" ]]; then
  if [[ -n "${CASSANDRA_DC:-}${CASSANDRA_RACK:-}" ]]; then snitch=GossipingPropertyFileSnitch; else snitch=SimpleSnitch; fi
fi

mkdir -p "$DATA"/{data,commitlog,saved_caches,hints,cdc_raw,logs} "$CONF"

if [[ -f /etc/cassandra/cassandra.yaml ]]; then
  config=/etc/cassandra/cassandra.yaml
  log "using the given $config"
else
  config="$CONF/cassandra.yaml"
  cat >"$config" <<YAML
# Written by the image's docker-entrypoint.sh on every start (the settings of deploy/local/infra.sh).
cluster_name: '${CASSANDRA_CLUSTER_NAME:-chat-local}'
num_tokens: ${CASSANDRA_NUM_TOKENS:-16}
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: $snitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "$seeds"
listen_address: $listen
broadcast_address: $broadcast
rpc_address: $rpc
broadcast_rpc_address: $broadcast_rpc
storage_port: 7000
native_transport_port: 9042
start_native_transport: true
data_file_directories: [$DATA/data]
commitlog_directory: $DATA/commitlog
saved_caches_directory: $DATA/saved_caches
hints_directory: $DATA/hints
cdc_raw_directory: $DATA/cdc_raw
# A write is acknowledged only once the commit log is on disk: with "periodic" a killed node
# replays only up to its last sync, and one node has no replica to fall back on, so acknowledged
# messages would be lost. "batch" syncs as soon as the previous sync ends (the writes that came
# meanwhile share it); each waiting write holds a write thread, hence more than the default 32.
commitlog_sync: batch
concurrent_writes: 256
# Lightweight transactions in two round trips instead of four (Paxos v2).
paxos_variant: v2
auto_snapshot: false
YAML
fi

rackdc=/etc/cassandra/cassandra-rackdc.properties
if [[ ! -f "$rackdc" ]]; then
  rackdc="$CONF/cassandra-rackdc.properties"
  printf 'dc=%s\nrack=%s\n' "${CASSANDRA_DC:-datacenter1}" "${CASSANDRA_RACK:-rack1}" >"$rackdc"
fi
logback="$CASSANDRA_HOME/defaults/logback.xml"
[[ -f /etc/cassandra/logback.xml ]] && logback=/etc/cassandra/logback.xml

heap="${MAX_HEAP_SIZE:-1G}"

log "starting Cassandra (listen $listen, broadcast $broadcast, rpc $rpc, seeds $seeds, $snitch, heap $heap, config $config)"
# shellcheck disable=SC2086
exec java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -Xss512k -XX:+ExitOnOutOfMemoryError @"$CASSANDRA_HOME/defaults/jvm17.options" \
  -Djava.net.preferIPv4Stack=true \
  -Dcassandra.config="file://$config" \
  -Dcassandra-rackdc.properties="file://$rackdc" \
  -Dcassandra.storagedir="$DATA" \
  -Dcassandra.logdir="$DATA/logs" \
  -Dcassandra-foreground=yes \
  -Dlogback.configurationFile="$logback" \
  -Dcassandra.jmx.local.port=7199 \
  -Dcassandra.skip_wait_for_gossip_to_settle=0 \
  -Dcassandra.initial_token_allocation_wait_ms=0 \
  ${JVM_OPTS:-} ${JVM_EXTRA_OPTS:-} \
  -cp "$CASSANDRA_HOME/lib/*" org.apache.cassandra.service.CassandraDaemon
