#!/usr/bin/env bash
# The tests with Testcontainers as their infrastructure instead of the launcher's local processes:
# each test JVM starts a Kafka broker and a Cassandra node in containers (-Dchat.infra=testcontainers,
# see test-infrastructure/), applies deploy/setup to them and removes them at its end.
#
#   deploy/docker/test-with-containers.sh                 the classes CI runs this way: an integration
#                                                         test class or two per service that uses Kafka and
#                                                         Cassandra, and the end-to-end thin slice through
#                                                         the gateway (the gateway uses neither itself)
#   deploy/docker/test-with-containers.sh MAVEN_ARGS...   anything else, e.g. -pl message-service -am
#
# When no Docker daemon answers it starts one with deploy/docker/dockerd.sh (installing docker.io
# with apt-get) and stops it at the end, undoing its changes to the machine; a running daemon is
# left alone. The Kafka and Cassandra images are built locally (deploy/images/build.sh) when missing.
# Where Docker Hub is reachable, -Dchat.infra.kafka-image=apache/kafka:4.1.1 and
# -Dchat.infra.cassandra-image=cassandra:5.0.6 use the public images instead.
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_DIR"

log() { printf '%s [containers] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
as_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }

started_dockerd=false
cleanup() {
  # What a test JVM could not remove itself (killed with SIGKILL): the end-to-end tests' services
  # and the containers, found by the label test-infrastructure puts on them.
  for dir in system-tests/target/*/run; do [[ -d "$dir" ]] && CHAT_DATA_DIR="${dir%/run}" deploy/local/services.sh stop || true; done
  if docker info >/dev/null 2>&1; then
    local left=()
    mapfile -t left < <(docker ps -aq --filter label=dev.chatsync.test-infrastructure)
    if ((${#left[@]})); then
      log "removing containers a test JVM left behind: ${left[*]}"
      docker rm -f "${left[@]}" >/dev/null || true
    fi
  fi
  if $started_dockerd; then
    log "stopping the Docker daemon this run started"
    as_root deploy/docker/dockerd.sh stop
  fi
}
trap cleanup EXIT

if ! docker info >/dev/null 2>&1; then
  as_root deploy/docker/dockerd.sh start
  started_dockerd=true
fi

missing=()
for image in chatsync/kafka:4.1.1 chatsync/cassandra:5.0.6; do
  docker image inspect "$image" >/dev/null 2>&1 || missing+=("$(basename "${image%%:*}")")
done
if ((${#missing[@]})); then
  log "building ${missing[*]}"
  deploy/images/build.sh --no-package "${missing[@]}"
fi

args=("$@")
if ((${#args[@]} == 0)); then
  # shellcheck disable=SC2054 # the commas belong to -pl and -Dit.test
  args=(-pl message-service,fanout-service,sync-service,system-tests -am
    -Dit.test=SendPathIT,FanoutIT,SyncIT,StreamIT,ThinSliceIT
    -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false)
fi
# The local launcher's addresses must not leak in: the containers' are the only ones.
env -u SPRING_KAFKA_BOOTSTRAP_SERVERS -u SPRING_CASSANDRA_CONTACT_POINTS \
  ./mvnw -B verify -Dchat.infra=testcontainers "${args[@]}"
