"""A tiny publish / subscribe hook so that QKD alarms reach whoever cares (e.g. the zero-trust engine).

Nothing here imports another domain part: a subscriber is any callable taking the event. Example::

    bus = EventBus()
    bus.subscribe(QkdAlarm, lambda alarm: risk_engine.raise_risk(alarm.link_id, alarm.severity))
    run_link(config, seed, bus=bus, link_id="du1-cu1")   # publishes QkdAlarm on an eavesdropping abort
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class QkdAlarm:
    """A QKD link saw eavesdropping evidence. ``reason``: 'qber' or 'pns'; ``severity`` in [0, 1]."""

    link_id: str
    reason: str
    qber: float
    threshold: float
    detail: str

    @property
    def severity(self) -> float:
        """QBER relative to the 25 % of a full intercept-resend attack, capped at 1 (PNS alarms: 1)."""
        return 1.0 if self.reason == "pns" else min(1.0, self.qber / 0.25)


Handler = Callable[[Any], None]


class EventBus:
    """Synchronous in-process event bus keyed by event type. Handlers run in subscription order."""

    def __init__(self) -> None:
        self._handlers: dict[type, list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type, handler: Handler) -> Callable[[], None]:
        """Register ``handler`` for events of ``event_type``; returns a function that unsubscribes it."""
        self._handlers[event_type].append(handler)
        return lambda: self._handlers[event_type].remove(handler)

    def publish(self, event: object) -> int:
        """Deliver ``event`` to every handler of its type; returns how many handlers ran."""
        handlers = list(self._handlers.get(type(event), ()))
        for handler in handlers:
            handler(event)
        return len(handlers)
