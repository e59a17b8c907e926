# Sinergi: `make up` starts everything locally, `make test` runs the tests. See README.md.
SHELL := /bin/bash
PY := .venv/bin/python
SERVICES := registry enrollment funding

.PHONY: up down install stack-up stack-down stack-status migrate kafka-setup seed services-start services-stop test lint format check-compose compose-test bench cluster-up cluster-down cluster-test

up: install stack-up migrate kafka-setup seed services-start  ## start the whole system: stack, migrations, Kafka principals, seed data, three services

down: services-stop stack-down

install:
	@bash deploy/install.sh

stack-up:
	@bash deploy/stack.sh up

stack-down:
	@bash deploy/stack.sh down

stack-status:
	@bash deploy/stack.sh status

migrate: install
	@for s in $(SERVICES); do echo "migrating $$s"; .venv/bin/alembic -c services/$$s/alembic.ini upgrade head || exit 1; done

kafka-setup: install  ## topics, each service's Kafka principal and its ACLs (idempotent)
	@.venv/bin/sinergi kafka setup

seed: install
	@$(PY) -m registry.seed

services-start:
	@bash deploy/services.sh start

services-stop:
	@bash deploy/services.sh stop

test: install stack-up lint  ## the whole suite against the real Postgres and Kafka
	@.venv/bin/pytest

lint: install
	@.venv/bin/ruff check shared services tests bench
	@.venv/bin/ruff format --check shared services tests bench
	@.venv/bin/mypy shared/sinergi_shared services/registry/registry services/enrollment/enrollment services/funding/funding

format: install
	@.venv/bin/ruff format shared services tests bench
	@.venv/bin/ruff check --fix shared services tests bench

check-compose:
	@bash deploy/check-compose.sh

compose-test: install  ## docker-compose.yml built offline and run end to end (dockerd started by hand; root; a few minutes)
	@bash deploy/compose-test.sh

bench: install stack-up  ## the benchmarks of bench/ (by hand, ~20 minutes; figures in bench/results, summary in BENCHMARKS.md)
	@command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk  # the second load client of bench.enrollment
	@$(PY) -m bench.enrollment
	@$(PY) -m bench.saga
	@$(PY) -m bench.relay
	@$(PY) -m bench.bulk_import

cluster-up:  ## a three-broker Kafka cluster on 127.0.0.1:19092/19192/19292 beside the single broker (deploy/stack.sh)
	@bash deploy/stack.sh cluster-up

cluster-down:
	@bash deploy/stack.sh cluster-down

cluster-test: install  ## tests/cluster: faults on the three-broker cluster with two instances of every service (~10 min)
	@bash deploy/stack.sh pg-start
	@bash deploy/stack.sh cluster-up
	@brokers=127.0.0.1:19092,127.0.0.1:19192,127.0.0.1:19292; status=0; \
	  SINERGI_CLUSTER_BOOTSTRAP=$$brokers SINERGI_KAFKA_BOOTSTRAP=$$brokers SINERGI_KAFKA_REPLICATION_FACTOR=3 \
	  SINERGI_TEST_INSTANCES=2 .venv/bin/pytest -s tests/cluster || status=$$?; \
	  bash deploy/stack.sh cluster-down; exit $$status
