#!/usr/bin/env bash
# Creates the Kafka topics and applies the Cassandra schema migrations; safe to run any number of
# times. The local launcher calls it after every start; on Kubernetes it is the migration job.
#   deploy/setup/setup.sh --cassandra 127.0.0.1:9042 --kafka 127.0.0.1:9092 [options]
# Options of ChatSetup.java: --keyspace chat, --datacenter datacenter1,
#   --replication "{'class':'SimpleStrategy','replication_factor':1}", --topic-replication 1,
#   --wait-seconds 90 (how long to wait for Cassandra to answer), --kafka none (leave the topics to
#   the platform, e.g. Strimzi's KafkaTopic resources). Cassandra credentials, when the cluster wants
#   them: SPRING_CASSANDRA_USERNAME and SPRING_CASSANDRA_PASSWORD in the environment.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"
cp="$(classpath_of "$REPO_DIR/deploy/setup/pom.xml" setup)"
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" "$REPO_DIR/deploy/setup/ChatSetup.java" \
  --migrations "$REPO_DIR/deploy/cassandra/migrations" \
  --topics "$REPO_DIR/deploy/kafka/topics.conf" \
  "$@"
