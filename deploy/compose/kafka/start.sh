#!/bin/bash
# The compose stack's broker start (docker-compose.yml mounts this file read-only and makes it the kafka
# container's entry point): adds SASL to whatever image runs the broker, the official `apache/kafka` or
# the offline one (deploy/compose/kafka/Dockerfile), then hands over to the image's own start script.
#
# From the admin's password file (Docker secret, SINERGI_KAFKA_ADMIN_PASSWORD_FILE) it
#  - writes the listeners' JAAS settings (SCRAM-SHA-512 on INTERNAL and EXTERNAL, the broker itself
#    logging in as the admin on INTERNAL; PLAIN on CONTROLLER, where the admin is the only user),
#  - formats the storage once with the admin as a SCRAM user (`kafka-storage.sh format --add-scram`:
#    SCRAM users live in the cluster metadata, so the first one must be there before the broker starts),
#  - writes the admin's client properties for the healthcheck ($SINERGI_KAFKA_CLIENT_CONFIG).
# The password stays inside this container (its process and its config files), never in compose's
# environment. It may hold letters, digits and . _ ~ - (it is quoted into JAAS and --add-scram).
set -euo pipefail

admin="${SINERGI_KAFKA_ADMIN_USERNAME:-admin}"
password_file="${SINERGI_KAFKA_ADMIN_PASSWORD_FILE:?SINERGI_KAFKA_ADMIN_PASSWORD_FILE must name the admin password file}"
[[ -r "$password_file" ]] || { echo "kafka start: cannot read $password_file" >&2; exit 1; }
password="$(cat "$password_file")"
if [[ ! "$password" =~ ^[A-Za-z0-9._~-]{16,}$ || ! "$admin" =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "kafka start: the admin password must have at least 16 characters among A-Z a-z 0-9 . _ ~ -" >&2
  exit 1
fi

scram="org.apache.kafka.common.security.scram.ScramLoginModule required"
export KAFKA_LISTENER_NAME_INTERNAL_SCRAM___SHA___512_SASL_JAAS_CONFIG="$scram username=\"$admin\" password=\"$password\";"
export KAFKA_LISTENER_NAME_EXTERNAL_SCRAM___SHA___512_SASL_JAAS_CONFIG="$scram;"
export KAFKA_LISTENER_NAME_CONTROLLER_PLAIN_SASL_JAAS_CONFIG="org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$admin\" password=\"$password\" user_$admin=\"$password\";"

# The admin's client settings, for the healthcheck (kafka-broker-api-versions.sh --command-config).
client="${SINERGI_KAFKA_CLIENT_CONFIG:-/tmp/sinergi-kafka/admin.properties}"
mkdir -p "$(dirname "$client")"
(
  umask 077
  cat >"$client" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$scram username="$admin" password="$password";
ssl.truststore.type=PEM
ssl.truststore.location=${KAFKA_SSL_TRUSTSTORE_LOCATION:?KAFKA_SSL_TRUSTSTORE_LOCATION must name the CA file}
EOF
)

# The broker's properties as both images derive them from KAFKA_* (`_` -> `.`, `__` -> `_`, `___` -> `-`),
# only to format the storage; the image's start script writes its own from the same variables.
conf="$(dirname "$client")/format.properties"
(
  umask 077
  : >"$conf"
  while IFS='=' read -r name value; do
    case "$name" in
      KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_LOG4J_OPTS|KAFKA_GC_LOG_OPTS|KAFKA_JMX_OPTS|KAFKA_VERSION|KAFKA_HOME) continue ;;
      KAFKA_*) ;;
      *) continue ;;
    esac
    key="${name#KAFKA_}"; key="${key,,}"; key="${key//___/-}"; key="${key//__/@}"; key="${key//_/.}"; key="${key//@/_}"
    printf '%s=%s\n' "$key" "$value" >>"$conf"
  done < <(env)
)
KAFKA_HEAP_OPTS="-Xmx256m" /opt/kafka/bin/kafka-storage.sh format -t "${CLUSTER_ID:?CLUSTER_ID must be set}" -c "$conf" \
  --ignore-formatted --add-scram "SCRAM-SHA-512=[name=$admin,password=$password]"
rm -f "$conf"

exec /etc/kafka/docker/run "$@"
