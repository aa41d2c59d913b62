#!/usr/bin/env bash
# The benchmark command: builds everything, starts a fresh Kafka broker, Cassandra node and the
# four services on bench ports (beside a running local system or test run, never on them), runs
# the load tool (benchmarks/) and stops everything again, pass or fail.
#
#   deploy/local/bench.sh                       the full run (about 20 minutes here)
#   deploy/local/bench.sh --group-sizes 2,100 --rates 250,1000 --step-seconds 8 --streams 1000
#                                               a quick one; any option of the tool (see Bench.java)
#   deploy/local/bench.sh --phases large-groups
#                                               groups of 1,000 (write fanout), 10,000 and 100,000
#                                               (read fanout) created through the API, 5 % online
#                                               (--large-group-sizes, -online, -sends, -rates)
#   CHAT_BENCH_INSTANCES=2 deploy/local/bench.sh ...
#                                               two instances of message-service and fanout-service,
#                                               sends spread over two gateways, one in front of each;
#                                               the rebalance phase stops the second ones mid-step
#
# Writes benchmarks/results/<time>/ (results.md, PNG charts) and, for a full run, refreshes
# docs/benchmarks.md with its figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

export CHAT_DATA_DIR="${CHAT_BENCH_DATA_DIR:-$PWD/.local-data/bench}"
# The load tool sends as many users at once as it takes to find the limit: the gateway's
# per-user rate limits are off here (CHAT_RATELIMITS_ENABLED=true measures with them).
export CHAT_RATELIMITS_ENABLED="${CHAT_RATELIMITS_ENABLED:-false}"
export CHAT_KAFKA_PORT="${CHAT_BENCH_KAFKA_PORT:-29092}"
export CHAT_KAFKA_CONTROLLER_PORT="${CHAT_BENCH_KAFKA_CONTROLLER_PORT:-29093}"
export CHAT_CASSANDRA_PORT="${CHAT_BENCH_CASSANDRA_PORT:-29042}"
export CHAT_CASSANDRA_STORAGE_PORT="${CHAT_BENCH_CASSANDRA_STORAGE_PORT:-27000}"
export CHAT_CASSANDRA_JMX_PORT="${CHAT_BENCH_CASSANDRA_JMX_PORT:-27199}"
export CHAT_GATEWAY_PORT="${CHAT_BENCH_GATEWAY_PORT:-28080}"
export CHAT_MESSAGE_PORT="${CHAT_BENCH_MESSAGE_PORT:-28081}"
export CHAT_FANOUT_PORT="${CHAT_BENCH_FANOUT_PORT:-28082}"
export CHAT_SYNC_PORT="${CHAT_BENCH_SYNC_PORT:-28083}"
second_gateway_port="${CHAT_BENCH_GATEWAY_2_PORT:-28084}"
instances="${CHAT_BENCH_INSTANCES:-1}"
second_message_port="${CHAT_BENCH_MESSAGE_2_PORT:-28085}"
second_fanout_port="${CHAT_BENCH_FANOUT_2_PORT:-28086}"
third_gateway_port="${CHAT_BENCH_GATEWAY_3_PORT:-28087}"
[[ "$instances" == 1 || "$instances" == 2 ]] || { echo "CHAT_BENCH_INSTANCES must be 1 or 2, not $instances" >&2; exit 2; }

say() { printf '%s [bench] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# 10,000 streams through one gateway are 20,000 sockets in that process alone.
ulimit -n 65536 2>/dev/null || say "could not raise the open file limit ($(ulimit -n)): the stream figure may stop there"

say "building (./mvnw package, tests skipped)"
./mvnw -B -q -DskipTests package

# A fresh cluster every run: figures must not depend on what an earlier run left behind.
deploy/local/services.sh stop >/dev/null 2>&1 || true
deploy/local/infra.sh stop
rm -rf "$CHAT_DATA_DIR"
cleanup() {
  deploy/local/services.sh stop || true
  deploy/local/infra.sh stop
}
trap cleanup EXIT
deploy/local/infra.sh start
deploy/local/services.sh start
# A gateway holds two sockets a stream, and a process may open only `ulimit -n` files (20,000 on
# the machines here): the idle streams are spread over two gateway instances, one sync-service.
deploy/local/services.sh start-instance gateway-service gateway-service-2 "$second_gateway_port"
message_actuators="http://127.0.0.1:$CHAT_MESSAGE_PORT"
more=()
if ((instances == 2)); then
  deploy/local/services.sh start-instance message-service message-service-2 "$second_message_port"
  deploy/local/services.sh start-instance fanout-service fanout-service-2 "$second_fanout_port"
  # A gateway in front of the second message-service: the load tool spreads the groups' sends over
  # both, as a load balancer would spread clients.
  CHAT_MESSAGE_PORT="$second_message_port" \
    deploy/local/services.sh start-instance gateway-service gateway-service-3 "$third_gateway_port"
  message_actuators+=",http://127.0.0.1:$second_message_port"
  more=(--instances 2 --send-gateways "http://127.0.0.1:$third_gateway_port"
    --rebalance-command "deploy/local/services.sh stop message-service-2 fanout-service-2")
fi

out="benchmarks/results/$(date +%Y%m%d-%H%M%S)"
# CHAT_BENCH_DASHBOARD=1: a Prometheus scrapes the services through the run, and the Grafana
# dashboard's panels over the run are drawn into $out/dashboard.png (deploy/monitoring/).
dashboard="${CHAT_BENCH_DASHBOARD:-0}"
prometheus_port="${CHAT_BENCH_PROMETHEUS_PORT:-29090}"
if [[ "$dashboard" == 1 ]]; then
  trap 'deploy/monitoring/prometheus.sh stop "$CHAT_DATA_DIR/prometheus"; cleanup' EXIT
  deploy/monitoring/prometheus.sh start "$CHAT_DATA_DIR/prometheus" "$prometheus_port" \
    "chatsync-gateway=127.0.0.1:$CHAT_GATEWAY_PORT,chatsync-message=127.0.0.1:$CHAT_MESSAGE_PORT,chatsync-fanout=127.0.0.1:$CHAT_FANOUT_PORT,chatsync-sync=127.0.0.1:$CHAT_SYNC_PORT"
  run_began=$(date +%s)
fi
java -Xmx2g -jar benchmarks/target/benchmarks.jar \
  --gateway "http://127.0.0.1:$CHAT_GATEWAY_PORT" \
  --sync-actuator "http://127.0.0.1:$CHAT_SYNC_PORT" \
  --message-actuator "$message_actuators" \
  --cassandra "127.0.0.1:$CHAT_CASSANDRA_PORT" \
  --cassandra-jmx-port "$CHAT_CASSANDRA_JMX_PORT" \
  --kafka-port "$CHAT_KAFKA_PORT" \
  --sync-pid-file "$CHAT_DATA_DIR/run/sync-service.pid" \
  --run-dir "$CHAT_DATA_DIR/run" \
  --stream-gateways "http://127.0.0.1:$second_gateway_port" \
  --out "$out" \
  --command "$( ((instances == 1)) || printf 'CHAT_BENCH_INSTANCES=2 ')deploy/local/bench.sh${*:+ $*}" \
  "${more[@]}" \
  "$@"

if [[ "$dashboard" == 1 ]]; then
  # Two scrapes more, so that the last step's rates are in.
  sleep 5
  java -jar benchmarks/target/benchmarks.jar dashboard --prometheus "http://127.0.0.1:$prometheus_port" \
    --dashboard deploy/monitoring/grafana-dashboard.json --from "$run_began" --to "$(date +%s)" --out "$out/dashboard.png"
fi

if (($# == 0 && instances == 1)); then
  mkdir -p docs/benchmarks
  cp "$out"/*.png docs/benchmarks/
  {
    cat docs/benchmarks.intro.md
    echo
    echo "## The latest full run"
    echo
    cat "$out/results.md"
    echo
    echo '![delivery p99 against offered load](benchmarks/delivery-p99.png)'
    echo
    echo '![CPU per delivered entry against group size](benchmarks/cost-per-delivery.png)'
  } >docs/benchmarks.md
  say "docs/benchmarks.md refreshed from $out"
fi
