"""Prometheus series shared by all services."""

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("sinergi_http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram(
    "sinergi_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS_PUBLISHED = Counter("sinergi_events_published_total", "Events the outbox relay published", ["service"])
EVENTS_CONSUMED = Counter(
    "sinergi_events_consumed_total", "Events the consumer handled, by outcome", ["service", "type", "outcome"]
)
OUTBOX_PENDING = Gauge("sinergi_outbox_pending", "Events waiting in the outbox", ["service"])
DEAD_LETTERS_WAITING = Gauge("sinergi_dead_letters_waiting", "Dead letters not replayed yet", ["service"])
OUTBOX_OLDEST_AGE = Gauge("sinergi_outbox_oldest_age_seconds", "Age of the oldest pending outbox event", ["service"])
CONSUMER_LAG = Gauge("sinergi_consumer_lag", "Messages behind the partition end", ["service", "topic", "partition"])
