# One image for all three Sinergi services (registry, enrollment, funding),
# their Alembic migrations and the `sinergi` CLI; docker-compose.yml picks the
# process with `command:`. Build: docker build -t sinergi:local .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------- builder ---
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src

# Third-party dependencies first (read from shared/pyproject.toml), so this
# layer is reused as long as the pinned dependency list does not change.
COPY shared/pyproject.toml shared/pyproject.toml
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("shared/pyproject.toml", "rb"))["project"]["dependencies"]))' \
      > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt

# Then the four first-party packages from their pyproject.toml files.
COPY shared/ shared/
COPY services/ services/
RUN pip install ./shared ./services/registry ./services/enrollment ./services/funding \
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
