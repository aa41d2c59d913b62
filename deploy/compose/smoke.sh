#!/usr/bin/env bash
# The containers' smoke test: builds the images, runs deploy/compose/compose.yaml under a project
# name of its own, drives the thin slice and the SSE push through the gateway with curl, and
# removes the project's containers, network and volumes again, pass or fail.
#
#   deploy/compose/smoke.sh [--no-build] [build.sh options, e.g. --no-package --base local]
#
# Runs on a fresh machine too (as root, or with sudo): when no Docker daemon answers it starts one
# with deploy/docker/dockerd.sh (installing docker.io, docker-compose... with apt-get) and stops it
# at the end, undoing its changes to the machine. A daemon that was already running is left alone.
# Needs Java 17 and Maven Central for the build (./mvnw).
#
# Settings (environment): CHAT_GATEWAY_PORT (8080, on 127.0.0.1), CHAT_SMOKE_TIMEOUT seconds for the
# stack to become healthy (600), CHAT_SMOKE_PROJECT (chatsync-smoke-<time>-<pid>).
# Exit code 0 only if every step passed and nothing of the project is left behind.
set -euo pipefail
export LC_ALL=C

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
COMPOSE_FILE="$REPO_DIR/deploy/compose/compose.yaml"
PORT="${CHAT_GATEWAY_PORT:-8080}"
export CHAT_GATEWAY_PORT="$PORT"
BASE="http://127.0.0.1:$PORT"
TIMEOUT="${CHAT_SMOKE_TIMEOUT:-600}"
PROJECT="${CHAT_SMOKE_PROJECT:-chatsync-smoke-$(date +%s)-$$}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatsync-smoke.XXXXXX")"
SERVICES=(kafka cassandra setup message-service fanout-service sync-service gateway-service)

build=true build_args=()
for arg in "$@"; do
  if [[ "$arg" == --no-build ]]; then build=false; else build_args+=("$arg"); fi
done

START=$SECONDS
say() { printf '%s +%4ss  %s\n' "$(date +%H:%M:%S)" "$((SECONDS - START))" "$*"; }
fail() { say "FAIL: $*"; exit 1; }

as_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }

STARTED_DOCKERD=false
STREAM_PID=""
STACK_UP=false

# Debian's docker-compose 1.29, or else the docker compose v2 plugin where a machine has that instead.
COMPOSE=(docker-compose)
compose() { "${COMPOSE[@]}" -p "$PROJECT" -f "$COMPOSE_FILE" "$@"; }

leftovers() {
  local label="label=com.docker.compose.project=$PROJECT"
  echo "containers: $(docker ps -a -q --filter "$label" | wc -l), networks: $(docker network ls -q --filter "$label" | wc -l), volumes: $(docker volume ls -q --filter "$label" | wc -l)"
}

cleanup() {
  local status=$? left
  set +e
  if [[ -n "$STREAM_PID" ]]; then kill "$STREAM_PID" 2>/dev/null; wait "$STREAM_PID" 2>/dev/null; fi
  if [[ "$STACK_UP" == true ]]; then
    if ((status != 0)); then
      say "last log lines of every container:"
      local service
      for service in "${SERVICES[@]}"; do
        echo "----- $service"
        compose logs --no-color --tail=40 "$service" 2>&1 | grep -v "^Attaching to" | tail -n 40
      done
    fi
    say "removing project $PROJECT (containers, network, volumes)"
    compose down --volumes --remove-orphans --timeout 30 >"$WORK/down.log" 2>&1 || { cat "$WORK/down.log"; status=1; }
    left="$(leftovers)"
    say "left behind by $PROJECT: $left"
    [[ "$left" == "containers: 0, networks: 0, volumes: 0" ]] || { say "FAIL: the project left things behind"; status=1; }
  fi
  if [[ "$STARTED_DOCKERD" == true ]]; then
    say "stopping the Docker daemon this test started"
    as_root "$REPO_DIR/deploy/docker/dockerd.sh" stop || status=1
  fi
  rm -rf "$WORK"
  if ((status == 0)); then say "SMOKE TEST PASSED"; else say "SMOKE TEST FAILED (exit $status)"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- a Docker daemon, docker-compose and curl ---------------------------------------------------

if command -v docker >/dev/null && docker info >/dev/null 2>&1 && ! command -v docker-compose >/dev/null \
   && docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
fi
if command -v docker >/dev/null && docker info >/dev/null 2>&1 && "${COMPOSE[@]}" version >/dev/null 2>&1; then
  say "Docker daemon $(docker version --format '{{.Server.Version}}') answers; $("${COMPOSE[@]}" version 2>/dev/null | head -n 1)"
else
  daemon_was_up=false
  command -v docker >/dev/null && docker info >/dev/null 2>&1 && daemon_was_up=true
  say "preparing Docker with deploy/docker/dockerd.sh start"
  as_root "$REPO_DIR/deploy/docker/dockerd.sh" start
  [[ "$daemon_was_up" == true ]] || STARTED_DOCKERD=true
  docker info >/dev/null 2>&1 || fail "no Docker daemon answers"
fi
if ! command -v curl >/dev/null; then
  say "installing curl"
  as_root apt-get install -y -qq --no-install-recommends curl >/dev/null 2>&1 \
    || { as_root apt-get update -qq && as_root apt-get install -y -qq --no-install-recommends curl >/dev/null; } || fail "could not install curl"
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  fail "127.0.0.1:$PORT is taken (a local deploy/local/run.sh?); set CHAT_GATEWAY_PORT to a free port"
fi

# ---- images ---------------------------------------------------------------------------------------

if [[ "$build" == true ]]; then
  say "building the images: deploy/images/build.sh ${build_args[*]}"
  "$REPO_DIR/deploy/images/build.sh" "${build_args[@]}"
  say "images built"
fi

# ---- the stack ----------------------------------------------------------------------------------------

say "starting project $PROJECT (compose up; waits for Kafka and Cassandra, setup, then the services)"
STACK_UP=true
up_started=$SECONDS
timeout "$TIMEOUT" "${COMPOSE[@]}" -p "$PROJECT" -f "$COMPOSE_FILE" up -d >"$WORK/up.log" 2>&1 \
  || { cat "$WORK/up.log"; fail "compose up failed or took more than ${TIMEOUT}s"; }
say "compose up done in $((SECONDS - up_started))s"
compose ps

deadline=$((SECONDS + 180))
until curl -fsS "$BASE/actuator/health/readiness" 2>/dev/null | grep -q '"status":"UP"'; do
  ((SECONDS < deadline)) || fail "the gateway at $BASE was not ready within 180s"
  sleep 1
done
say "gateway ready: GET $BASE/actuator/health/readiness -> $(curl -fsS "$BASE/actuator/health/readiness")"
say "setup's output: $(compose logs --no-color setup 2>&1 | grep -E '\[chat\]' | sed 's/^.*| //' | tr '\n' ';')"

# ---- the thin slice -----------------------------------------------------------------------------------

# request METHOD PATH TOKEN [BODY]: sets STATUS and RESPONSE, prints a transcript line with the time.
request() {
  local method="$1" path="$2" token="$3" body="${4:-}" args=() out
  args=(-sS -X "$method" -o "$WORK/body" -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' -H 'X-Device-Id: smoke')
  [[ -n "$token" ]] && args+=(-H "Authorization: Bearer $token")
  [[ -n "$body" ]] && args+=(--data "$body")
  out="$(curl "${args[@]}" "$BASE$path")" || fail "$method $path: curl failed"
  STATUS="${out%% *}"
  RESPONSE="$(cat "$WORK/body")"
  printf '    %-6s %-58s -> %s in %4.0f ms  %s\n' "$method" "$path" "$STATUS" "$(awk -v t="${out#* }" 'BEGIN { print t * 1000 }')" \
    "$(head -c 150 <<<"$RESPONSE" | tr '\n' ' ')"
}
json_field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" | head -n 1; }

say "thin slice through $BASE:"
request POST /api/v1/dev/tokens "" '{"userId":"alice"}'
alice="$(json_field token <<<"$RESPONSE")"
[[ "$STATUS" == 200 && -n "$alice" ]] || fail "no dev token for alice (status $STATUS)"
request POST /api/v1/dev/tokens "" '{"userId":"bob"}'
bob="$(json_field token <<<"$RESPONSE")"
[[ "$STATUS" == 200 && -n "$bob" ]] || fail "no dev token for bob (status $STATUS)"

request POST /api/v1/conversations "$alice" '{"type":"direct","members":["bob"]}'
conversation="$(json_field conversationId <<<"$RESPONSE")"
[[ ("$STATUS" == 201 || "$STATUS" == 200) && -n "$conversation" ]] || fail "could not create the conversation (status $STATUS)"

# Bob's live stream, from the start of his inbox.
curl -sS -N -D "$WORK/stream.headers" -H "Authorization: Bearer $bob" -H 'X-Device-Id: bob-phone' \
  -H 'Accept: text/event-stream' "$BASE/api/v1/stream?after=0" >"$WORK/stream" 2>"$WORK/stream.err" &
STREAM_PID=$!
deadline=$((SECONDS + 20))
until grep -q '^HTTP/[0-9.]* 200' "$WORK/stream.headers" 2>/dev/null; do
  kill -0 "$STREAM_PID" 2>/dev/null || fail "bob's stream ended: $(cat "$WORK/stream.headers" "$WORK/stream.err" 2>/dev/null)"
  ((SECONDS < deadline)) || fail "bob's stream did not open within 20s"
  sleep 0.2
done
say "bob's stream is open: GET /api/v1/stream?after=0 -> 200 ($(grep -i '^content-type' "$WORK/stream.headers" | tr -d '\r'))"

body="smoke test $(date +%s%N)"
sent_at=$(date +%s%N)
request POST "/api/v1/conversations/$conversation/messages" "$alice" "{\"clientMsgId\":\"smoke-1\",\"type\":\"text\",\"body\":\"$body\"}"
sent="$RESPONSE"
[[ "$STATUS" == 201 ]] || fail "alice's send answered $STATUS"
message_id="$(json_field messageId <<<"$sent")"
[[ -n "$message_id" ]] || fail "no messageId in the send's answer: $sent"

deadline=$((SECONDS + 30))
until grep -q "$message_id" "$WORK/stream"; do
  kill -0 "$STREAM_PID" 2>/dev/null || fail "bob's stream ended before the message came: $(cat "$WORK/stream")"
  ((SECONDS < deadline)) || fail "bob's stream got no event with message $message_id within 30s; it got: $(cat "$WORK/stream")"
  sleep 0.05
done
pushed_ms=$((($(date +%s%N) - sent_at) / 1000000))
event="$(grep -B 3 "$message_id" "$WORK/stream" | grep -E '^event: ?' | tail -n 1 | sed -E 's/^event: ?//' | tr -d '\r')"
[[ "$event" == message ]] || fail "the stream carried message $message_id as event '$event', not 'message': $(cat "$WORK/stream")"
say "bob's stream pushed the message about ${pushed_ms} ms after alice's send started:"
grep -B 3 "$message_id" "$WORK/stream" | grep -E '^(id|event|data):' | cut -c1-200 | sed 's/^/    /'

request GET "/api/v1/sync?after=0" "$bob"
synced="$RESPONSE"
[[ "$STATUS" == 200 ]] || fail "bob's sync answered $STATUS"
grep -q "\"messageId\":\"$message_id\"" <<<"$synced" || fail "bob's sync does not list message $message_id: $synced"
grep -q "$body" <<<"$synced" || fail "bob's sync lists the message without its body: $synced"
say "bob's GET /api/v1/sync?after=0 lists message $message_id (\"$body\")"
say "thin slice and push passed in $((SECONDS - START))s in all"
