"""API keys, roles and per-key rate limits.

A key looks like ``qs6_<key_id>_<secret>``: ``key_id`` (12 hex characters) is public and used for lookup;
the secret has 256 bits of entropy. Only ``HMAC-SHA256(salt, secret)`` with a random per-key 128-bit salt
is stored — a slow KDF adds nothing for random 256-bit secrets and would cost milliseconds per request.
Digests are compared with :func:`hmac.compare_digest` (constant time).

Roles are ordered: ``reader`` (GET) < ``operator`` (decide, flows, feedback) < ``admin`` (thresholds,
segments, overrides, models, keys). A key may do what its role and every lower role may do.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from qsec6g.errors import UserInputError
from qsec6g.service import audit
from qsec6g.service.models import ApiKey, utc_now

Role = Literal["reader", "operator", "admin"]
ROLES: tuple[Role, ...] = ("reader", "operator", "admin")
PREFIX = "qs6"


def role_allows(have: str, need: Role) -> bool:
    """Whether a key with role ``have`` may call an endpoint that needs ``need``."""
    return have in ROLES and ROLES.index(have) >= ROLES.index(need)  # type: ignore[arg-type]


def _digest(salt_hex: str, secret: str) -> str:
    return hmac.new(bytes.fromhex(salt_hex), secret.encode("utf-8"), hashlib.sha256).hexdigest()


def parse_key(token: str) -> tuple[str, str] | None:
    """Split ``qs6_<key_id>_<secret>`` into (key_id, secret); None when the shape is wrong."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    key_id: str
    name: str
    role: str
    rate_per_second: float | None
    burst: int | None

    @property
    def actor(self) -> str:
        return f"key:{self.key_id}"


@dataclass(frozen=True)
class CreatedKey:
    key_id: str
    token: str  # shown once, never stored
    role: Role
    name: str


def create_key(
    session: Session,
    name: str,
    role: str,
    actor: str,
    rate_per_second: float | None = None,
    burst: int | None = None,
) -> CreatedKey:
    """Create a key (stored as salted hash) and audit it in the same transaction; the token is returned
    once."""
    if role not in ROLES:
        raise UserInputError(f"unknown role '{role}'; use one of {', '.join(ROLES)}")
    if not name or len(name) > 128:
        raise UserInputError("key name must be 1..128 characters")
    if rate_per_second is not None and not (0 < rate_per_second < 1e9):
        raise UserInputError("rate must be a positive number of requests per second")
    if burst is not None and burst <= 0:
        raise UserInputError("burst must be a positive integer")
    key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_hex(16)
    session.add(
        ApiKey(
            key_id=key_id,
            name=name,
            role=role,
            salt=salt,
            digest=_digest(salt, secret),
            rate_per_second=rate_per_second,
            burst=burst,
            created_at=utc_now(),
        )
    )
    audit.append(
        session,
        actor,
        "key.create",
        f"key:{key_id}",
        {"key_id": key_id, "name": name, "role": role, "rate_per_second": rate_per_second, "burst": burst},
    )
    return CreatedKey(key_id, f"{PREFIX}_{key_id}_{secret}", role, name)  # type: ignore[arg-type]


def revoke_key(session: Session, key_id: str, actor: str) -> None:
    """Revoke a key (kept for the record) and audit it; unknown or already revoked keys are user errors."""
    row = session.get(ApiKey, key_id)
    if row is None:
        raise UserInputError(f"no API key with id '{key_id}'")
    if row.revoked_at is not None:
        raise UserInputError(f"API key '{key_id}' was already revoked at {row.revoked_at}")
    row.revoked_at = utc_now()
    audit.append(session, actor, "key.revoke", f"key:{key_id}", {"key_id": key_id, "name": row.name})


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at)))


class KeyStore:
    """Authenticates tokens against the database, caching key rows for ``ttl`` seconds (so a revocation
    made by another process, e.g. ``qsec6g keys revoke``, takes effect within ``ttl``)."""

    def __init__(self, ttl: float = 2.0) -> None:
        self.ttl = ttl
        self._cache: dict[str, tuple[float, ApiKey | None]] = {}
        self._lock = threading.Lock()

    def invalidate(self, key_id: str | None = None) -> None:
        with self._lock:
            if key_id is None:
                self._cache.clear()
            else:
                self._cache.pop(key_id, None)

    def authenticate(self, session_factory, token: str) -> Principal | None:  # noqa: ANN001 - Database.read
        """The principal for a valid, unrevoked token; None otherwise."""
        parsed = parse_key(token)
        if parsed is None:
            return None
        key_id, secret = parsed
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(key_id)
        if cached is None or now - cached[0] > self.ttl:
            with session_factory() as session:
                row = session.get(ApiKey, key_id)
                if row is not None:
                    session.expunge(row)
            with self._lock:
                if len(self._cache) > 10_000:
                    self._cache.clear()
                self._cache[key_id] = (now, row)
        else:
            row = cached[1]
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(_digest(row.salt, secret), row.digest):
            return None
        return Principal(row.key_id, row.name, row.role, row.rate_per_second, row.burst)


class RateLimiter:
    """Per-key token buckets: ``rate`` tokens per second refill up to ``burst``; one request takes one
    token."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill time)
        self._lock = threading.Lock()

    def take(self, key: str, rate: float | None = None, burst: int | None = None, n: int = 1) -> float:
        """Take ``n`` tokens; return 0 if allowed, else the seconds to wait before retrying."""
        rate = rate or self.rate
        cap = float(burst or self.burst)
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (cap, now))
            tokens = min(cap, tokens + (now - last) * rate)
            if tokens >= n:
                self._buckets[key] = (tokens - n, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (n - tokens) / rate
