#!/usr/bin/env bash
# Kafka's own operator tools against the local broker, from the same Maven Central jars:
#
#   deploy/local/kafka-tool.sh consumer-groups --describe --group fanout-expand
#   deploy/local/kafka-tool.sh consumer-groups --group fanout-expand --topic chat.messages \
#       --reset-offsets --to-earliest --execute      (a replay, P8: stop fanout-service first)
#   deploy/local/kafka-tool.sh topics --describe --topic chat.messages
#   deploy/local/kafka-tool.sh console-consumer --topic chat.inbox-notify --from-beginning
#   deploy/local/kafka-tool.sh producer-perf --topic bench.raw --num-records 500000 --record-size 200 \
#       --throughput -1 --producer-props acks=all bootstrap.servers=127.0.0.1:9092   (the broker's limit)
#
# --bootstrap-server is filled in from CHAT_KAFKA_PORT (9092), every broker with CHAT_NODES=3,
# except for producer-perf.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
  consumer-groups) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  producer-perf) main=org.apache.kafka.tools.ProducerPerformance ;;
  *) echo "usage: $0 consumer-groups|topics|console-consumer|producer-perf [tool options]" >&2; exit 2 ;;
esac
tool="$1"
shift
cp="$(classpath_of "$LOCAL_DIR/classpath/kafka/pom.xml" kafka)"
bootstrap=(--bootstrap-server "$(kafka_bootstrap)")
[[ "$tool" == producer-perf ]] && bootstrap=()
exec java -Dlog4j2.configurationFile="$LOCAL_DIR/conf/kafka-tool-log4j2.properties" -cp "$cp" "$main" \
  "${bootstrap[@]}" "$@"
