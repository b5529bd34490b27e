"""Prometheus metrics of one app instance (its own registry, so several apps can live in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.002,
    0.003,
    0.005,
    0.0075,
    0.01,
    0.015,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
)


class Telemetry:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "qsec6g_http_requests", "HTTP requests", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "qsec6g_http_request_duration_seconds",
            "HTTP request latency (s)",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.decisions = Counter("qsec6g_decisions", "Access decisions by outcome", ["outcome"], registry=r)
        self.threshold = Gauge("qsec6g_threshold", "Thresholds in force", ["name"], registry=r)
        self.model = Gauge("qsec6g_model_info", "Active model version (value 1)", ["version"], registry=r)
        self.audit_seq = Gauge(
            "qsec6g_audit_last_seq", "Sequence number of the newest audit entry", registry=r
        )
        for outcome in ("grant", "restrict", "deny"):
            self.decisions.labels(outcome)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def set_thresholds(self, thresholds: object) -> None:
        for name in ("gamma1", "gamma2", "tau_restrict", "tau_deny"):
            self.threshold.labels(name).set(float(getattr(thresholds, name)))

    def set_model(self, version: str) -> None:
        self.model.clear()
        self.model.labels(version).set(1)

    def render(self) -> bytes:
        return generate_latest(self.registry)
