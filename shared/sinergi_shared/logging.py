"""Structured JSON logs carrying the current trace id."""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The lines carry no caller, thread or process: not gathering them is the logging HOWTO's "optimization".
logging._srcfile = None
logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False

current_traceparent: ContextVar[str | None] = ContextVar("current_traceparent", default=None)


def trace_id() -> str | None:
    """The trace id of the current request or message, if any."""
    tp = current_traceparent.get()
    if tp is None:
        return None
    parts = tp.split("-")
    return parts[1] if len(parts) == 4 else None


# One encoder for every line: json.dumps(..., default=str) makes a new one per call, half of its cost.
_ENCODER = json.JSONEncoder(default=str)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, trace id, extras."""

    _skip = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        tid = trace_id()
        if tid:
            entry["trace_id"] = tid
        for key, value in vars(record).items():
            if key not in self._skip and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _ENCODER.encode(entry)


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """All logging to stdout as JSON lines, as a dictConfig (uvicorn applies it again in each API worker)."""
    quiet = max(logging.WARNING, logging.getLevelNamesMapping()[level.upper()])
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "root": {"level": level.upper(), "handlers": ["stdout"]},
        "loggers": {name: {"level": quiet} for name in ("aiokafka", "kafka", "uvicorn.access")},
    }
