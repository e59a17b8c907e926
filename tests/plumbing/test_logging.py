"""The JSON log lines: one object per record, with the trace and the caller's extras."""

from __future__ import annotations

import json
import logging
import uuid

from sinergi_shared.logging import JsonFormatter, current_traceparent


def test_a_record_becomes_one_json_object_with_its_trace_and_extras() -> None:
    enrollment = uuid.uuid4()
    record = logging.getLogger("sinergi.access").makeRecord(
        "sinergi.access", logging.INFO, __file__, 1, "nominated %s", ("once",), None,
        extra={"route": "/cohorts/{cohort_id}/enrollments", "status": 201, "enrollment_id": enrollment},
    )  # fmt: skip
    token = current_traceparent.set(f"00-{'a' * 32}-{'b' * 16}-01")
    try:
        line = JsonFormatter().format(record)
    finally:
        current_traceparent.reset(token)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "INFO" and entry["logger"] == "sinergi.access"
    assert entry["message"] == "nominated once"
    assert entry["trace_id"] == "a" * 32
    assert entry["route"] == "/cohorts/{cohort_id}/enrollments" and entry["status"] == 201
    assert entry["enrollment_id"] == str(enrollment)  # what JSON cannot hold is written as text
    assert entry["time"].endswith("+00:00")


def test_a_record_outside_a_request_has_no_trace_id() -> None:
    record = logging.makeLogRecord({"name": "sinergi", "levelno": logging.WARNING, "levelname": "WARNING", "msg": "x"})
    assert "trace_id" not in json.loads(JsonFormatter().format(record))
