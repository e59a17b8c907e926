# One image for all three Sinergi services (registry, enrollment, funding),
# their Alembic migrations and the `sinergi` CLI; docker-compose.yml picks the
# process with `command:`. Build: docker build -t sinergi:local .
# PYTHON_IMAGE: any Debian bookworm image with Python 3.11 and venv (deploy/compose-test.sh builds one
# offline from a local Debian base).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------- builder ---
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src

# Every third-party package, transitive ones included, is pinned with its hash in the lock files
# (pip-compile --generate-hashes; see README, "Compose stack"), so two builds install the same thing.
# With a wheelhouse in the build context (WHEELHOUSE, filled by `pip download` on a host that reaches
# PyPI), nothing is fetched: the air-gapped path. With an empty one, pip fetches the same pins from PyPI.
ARG WHEELHOUSE=deploy/compose/wheelhouse
COPY deploy/requirements.lock deploy/requirements-build.lock /src/
COPY ${WHEELHOUSE}/ /wheels/
RUN if ls /wheels/*.whl >/dev/null 2>&1; then export PIP_NO_INDEX=1 PIP_FIND_LINKS=/wheels; fi \
 && pip install --require-hashes -r requirements-build.lock -r requirements.lock

# Then the four first-party packages, against exactly those pins.
COPY shared/ shared/
COPY services/ services/
RUN pip install --no-deps --no-build-isolation ./shared ./services/registry ./services/enrollment ./services/funding \
 && pip check

# ---------------------------------------------------------------- runtime ---
FROM ${PYTHON_IMAGE} AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN groupadd --system --gid 10001 sinergi \
 && useradd --system --uid 10001 --gid sinergi --home-dir /app --no-create-home --shell /usr/sbin/nologin sinergi

COPY --from=builder /opt/venv /opt/venv

# Source tree: the Alembic configs and migration scripts live beside the
# packages (alembic -c services/<name>/alembic.ini upgrade head, run from /app).
WORKDIR /app
COPY --chown=root:root shared/ shared/
COPY --chown=root:root services/ services/

USER sinergi:sinergi

EXPOSE 8001 8002 8003

# Default process; docker-compose.yml overrides it per service.
CMD ["python", "-m", "registry", "--api", "--relay", "--consumers", "--host", "0.0.0.0", "--port", "8001"]
