#!/bin/bash
# The official image's script of this name, for deploy/compose/kafka/start.sh (format --add-scram).
# shellcheck disable=SC2086  # the heap options are a word list, as in kafka-run-class.sh
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} -cp "/opt/kafka/libs/*" -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.xml \
  kafka.tools.StorageTool "$@"
