#!/usr/bin/env bash
# The three-node chaos run: three Kafka brokers (replication 3, min.insync.replicas 2, acks=all)
# and three Cassandra nodes (replication 3, LOCAL_QUORUM) on this machine, two instances of every
# service, and the delivery checker while one thing at a time fails: the leader of a busy Kafka
# partition, a Cassandra node, each service in turn (SIGKILL, started again), and a fanout instance
# stalled past its session timeout. It prints the checker's line for each fault; each must end
# missing=0 duplicated=0 out of order=0. Too heavy for CI on two cores (about 20 minutes here);
# the one-node faults run in the test command.
#
#   deploy/local/chaos.sh                  build, start the cluster on its own ports, run, stop
#
# Settings (environment): CHAT_CHAOS_DATA_DIR (.local-data/chaos); ports CHAT_CHAOS_KAFKA_PORT
# (29092; brokers 100 apart), CHAT_CHAOS_CASSANDRA_PORT (29042, on 127.0.0.1-3) and the others below.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

export CHAT_NODES=3
export CHAT_DATA_DIR="${CHAT_CHAOS_DATA_DIR:-$PWD/.local-data/chaos}"
# The checker sends faster than one person does: the gateway's per-user rate limits are off.
export CHAT_RATELIMITS_ENABLED="${CHAT_RATELIMITS_ENABLED:-false}"
export CHAT_KAFKA_PORT="${CHAT_CHAOS_KAFKA_PORT:-29092}"
export CHAT_KAFKA_CONTROLLER_PORT="${CHAT_CHAOS_KAFKA_CONTROLLER_PORT:-29093}"
export CHAT_CASSANDRA_PORT="${CHAT_CHAOS_CASSANDRA_PORT:-29042}"
export CHAT_CASSANDRA_STORAGE_PORT="${CHAT_CHAOS_CASSANDRA_STORAGE_PORT:-27000}"
export CHAT_CASSANDRA_JMX_PORT="${CHAT_CHAOS_CASSANDRA_JMX_PORT:-27199}"
export SPRING_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$CHAT_KAFKA_PORT"
export SPRING_CASSANDRA_CONTACT_POINTS="127.0.0.1:$CHAT_CASSANDRA_PORT"

# A fresh cluster every run.
deploy/local/infra.sh stop
rm -rf "$CHAT_DATA_DIR"
cleanup() {
  [[ -d system-tests/target/chaos/run ]] && CHAT_DATA_DIR="$PWD/system-tests/target/chaos" deploy/local/services.sh stop || true
  deploy/local/infra.sh stop
}
trap cleanup EXIT
deploy/local/infra.sh start
log="$CHAT_DATA_DIR/chaos.log"
status=0
./mvnw -B verify -pl system-tests -am -Dit.test=ThreeNodeChaosIT -Dchaos=three-nodes \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false | tee "$log" || status=$?
echo
grep -E '^(checker|chaos:|  checker)' "$log" || true
exit "$status"
