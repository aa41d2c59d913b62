#!/usr/bin/env bash
# The fanout's recovery commands (fanout-service with the profile "recovery"), against the local
# system or any cluster:
#
#   deploy/local/replay.sh rebuild --since 2026-12-01T10:00:00Z [--user alice]
#       inboxes lost or damaged: every message sent since then reaches every member again, once and
#       in order; devices with older cursors get 410 and rebuild from history
#   deploy/local/replay.sh refan --conversation CONVERSATION_ID --from-seq 120
#       hand one conversation's messages from a seq to every member again (members skip what they have)
#   deploy/local/replay.sh reset-groups --to-datetime 2026-12-01T10:00:00Z [--group fanout-inbox]
#       the fanout's consumer groups read their topics again from then (what was applied is skipped)
#
# Each refuses to run while a fanout instance is up: stop the fanout first
# (deploy/local/services.sh stop fanout-service; on Kubernetes scale it to 0) and start it again
# afterwards; it does the work when it starts. Another cluster: set SPRING_KAFKA_BOOTSTRAP_SERVERS
# and SPRING_CASSANDRA_CONTACT_POINTS (and any other setting of fanout-service, e.g.
# SPRING_CASSANDRA_LOCAL_DATACENTER); by default it uses the launcher's (lib.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

jar="$REPO_DIR/fanout-service/target/fanout-service.jar"
[[ -f "$jar" ]] || die "$jar is missing: build with ./mvnw -DskipTests package"
exec java -jar "$jar" --spring.profiles.active=recovery \
  --spring.kafka.bootstrap-servers="${SPRING_KAFKA_BOOTSTRAP_SERVERS:-$(kafka_bootstrap)}" \
  --spring.cassandra.contact-points="${SPRING_CASSANDRA_CONTACT_POINTS:-$(cassandra_contact_points)}" \
  "$@"
