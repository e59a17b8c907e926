#!/bin/bash
# The official image's script of this name, for the compose healthcheck.
exec java -Xmx64m -cp "/opt/kafka/libs/*" -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.xml \
  org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
