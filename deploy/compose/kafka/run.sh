#!/bin/bash
# Start the broker the way apache/kafka does: every KAFKA_<NAME> variable becomes the property
# <name> (`_` -> `.`, `__` -> `_`, `___` -> `-`), the storage is formatted once with CLUSTER_ID.
set -euo pipefail
conf=/opt/kafka/config/server.properties
: > "$conf"
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_LOG4J_OPTS|KAFKA_GC_LOG_OPTS|KAFKA_JMX_OPTS|KAFKA_VERSION) continue ;;
    KAFKA_*) ;;
    *) continue ;;
  esac
  key="${name#KAFKA_}"; key="${key,,}"; key="${key//___/-}"; key="${key//__/@}"; key="${key//_/.}"; key="${key//@/_}"
  printf '%s=%s\n' "$key" "$value" >> "$conf"
done < <(env)

java=(java -cp "/opt/kafka/libs/*" -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.xml)
"${java[@]}" kafka.tools.StorageTool format -t "${CLUSTER_ID:?CLUSTER_ID must be set}" -c "$conf" --ignore-formatted
# shellcheck disable=SC2086  # the options are word lists, as in kafka-run-class.sh
exec "${java[@]}" ${KAFKA_HEAP_OPTS:--Xmx1g -Xms1g} ${KAFKA_OPTS:-} -Djava.awt.headless=true kafka.Kafka "$conf"
