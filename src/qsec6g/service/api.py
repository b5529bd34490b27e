"""The FastAPI application: the zero-trust Policy Decision Point (NIST SP 800-207).

``create_app(settings, engine=None)`` migrates the database, seeds the segments, loads the engine (the one
given, else the active registered model, else ``qsec6g.zerotrust.decision.default_engine()``) and returns the
app. Every state change and its audit entry are written in one transaction that commits before the response is
sent.
"""

# no "from __future__ import annotations": FastAPI resolves the route annotations (local aliases) at runtime

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import StringConstraints
from sqlalchemy import func, select, update

from qsec6g import __version__
from qsec6g.errors import UserInputError
from qsec6g.service import audit, auth
from qsec6g.service import schemas as S
from qsec6g.service.db import Database
from qsec6g.service.decision_log import DecisionLog, prepare, thresholds_dict
from qsec6g.service.decision_log import Request as DecisionRequest
from qsec6g.service.middleware import BodySizeLimit, RequestMetrics, SecurityHeaders
from qsec6g.service.models import (
    ApiKey,
    AuditEntry,
    DecisionRow,
    Feedback,
    RetrainJob,
    Segment,
    ThresholdChange,
    utc_now,
)
from qsec6g.service.registry import Codec, EngineHolder, ModelRegistry, decision_module
from qsec6g.service.retrain import Retrainer, Trainer
from qsec6g.service.settings import ServiceSettings
from qsec6g.service.telemetry import Telemetry

DASHBOARD = Path(__file__).resolve().parent / "dashboard"
ACTION_POLICY = {"isolate": "isolate", "restrict": "restrict", "restore": "allow"}
_bearer = HTTPBearer(auto_error=False, description="API key: `Authorization: Bearer qs6_<id>_<secret>`")


def _one_line(err: RequestValidationError) -> str:
    parts = []
    for e in err.errors()[:5]:
        loc = ".".join(str(p) for p in e.get("loc", ()))
        msg = e.get("msg", "invalid")
        if e.get("type") == "json_invalid":
            loc = "body"
            reason = (e.get("ctx") or {}).get("error", "cannot parse")
            msg = f"malformed JSON ({reason} at character {e['loc'][-1]})"
        elif e.get("type") == "extra_forbidden":
            msg = "unknown field"
        parts.append(f"{loc}: {msg}")
    more = len(err.errors()) - 5
    return "; ".join(parts) + (f" [+{more} more]" if more > 0 else "")


def _validate_thresholds(t: dict[str, float]) -> None:
    if not (0.0 <= t["gamma1"] < t["gamma2"] <= 1.0):
        raise HTTPException(
            422, f"thresholds need 0 <= gamma1 < gamma2 <= 1, got {t['gamma1']}, {t['gamma2']}"
        )
    if not (0.0 < t["tau_restrict"] < t["tau_deny"] <= 1.0):
        raise HTTPException(
            422, f"thresholds need 0 < tau_restrict < tau_deny <= 1, got {t['tau_restrict']}, {t['tau_deny']}"
        )


DECISION_OUT_FIELDS = (
    "ts",
    "outcome",
    "engine_outcome",
    "segment_id",
    "segment_policy",
    "risk",
    "anomaly_score",
    "risk_class",
    "thresholds",
    "explanation",
    "model_version",
)


def _decision_out(row: DecisionRow) -> dict[str, Any]:
    return {
        "decision_id": row.id,
        "ts": row.ts,
        "outcome": row.outcome,
        "engine_outcome": row.engine_outcome,
        "segment_id": row.segment_id,
        "segment_policy": row.segment_policy,
        "risk": row.risk,
        "anomaly_score": row.anomaly_score,
        "risk_class": row.risk_class,
        "thresholds": json.loads(row.thresholds),
        "explanation": json.loads(row.explanation),
        "model_version": row.model_version,
    }


class Service:
    """State shared by the routes: settings, database, engine holder, registry, key store, limits, metrics."""

    def __init__(
        self, settings: ServiceSettings, engine: Any | None, codec: Codec | None, trainer: Trainer | None
    ) -> None:
        self.settings = settings
        self.db = Database(settings.url, settings.sqlite_synchronous, background_checkpoints=True)
        self.db.upgrade()
        self.registry = ModelRegistry(self.db, settings.models_dir, codec)
        self.keys = auth.KeyStore()
        self.limiter = auth.RateLimiter(settings.rate_per_second, settings.rate_burst)
        self.telemetry = Telemetry()
        if engine is None:
            active = self.registry.active_version()
            engine = self.registry.load(active) if active else decision_module().default_engine()
        self.holder = EngineHolder(engine)
        self.decision_log = DecisionLog(self.db)
        self.retrainer = Retrainer(self.db, self.registry, lambda: self.holder.engine, self.activate, trainer)
        self._seed_state()

    def _seed_state(self) -> None:
        with self.db.write() as s:
            known = set(s.scalars(select(Segment.id)))
            for seg in self.settings.segments:
                if seg not in known:
                    s.add(Segment(id=seg, policy="allow", updated_at=utc_now()))
            last = s.scalars(select(ThresholdChange).order_by(ThresholdChange.id.desc()).limit(1)).first()
            s.execute(  # a job cannot survive a restart: say so instead of showing it running forever
                update(RetrainJob)
                .where(RetrainJob.status.in_(("queued", "running")))
                .values(status="failed", message="interrupted by a restart", finished_at=utc_now())
            )
            if last is None:
                self._record_thresholds(
                    s,
                    thresholds_dict(self.holder.engine.thresholds),
                    "system",
                    f"initial thresholds of model {self.holder.engine.model_version}",
                )
        if last is not None:
            self.holder.engine.set_thresholds(self._thresholds_obj(thresholds_dict(last)))
        self.telemetry.set_thresholds(self.holder.engine.thresholds)
        self.telemetry.set_model(self.holder.engine.model_version)

    @staticmethod
    def _thresholds_obj(t: dict[str, float]) -> Any:
        return decision_module().Thresholds(**t)

    @staticmethod
    def _record_thresholds(s: Any, t: dict[str, float], actor: str, reason: str) -> None:
        s.add(ThresholdChange(ts=utc_now(), actor=actor, reason=reason, **t))
        audit.append(s, actor, "thresholds.set", "thresholds", {**t, "reason": reason})

    def activate(self, version: str, actor: str) -> None:
        """Load ``version`` from the registry, record it and its thresholds, then swap it in (hot reload)."""
        engine = self.registry.load(version)
        t = thresholds_dict(engine.thresholds)
        self.registry.activate(version, actor, t)
        with self.db.write() as s:
            self._record_thresholds(s, t, actor, f"model {version} activated")
        self.holder.swap(engine)
        self.telemetry.set_thresholds(engine.thresholds)
        self.telemetry.set_model(version)


def create_app(
    settings: ServiceSettings | None = None,
    engine: Any | None = None,
    codec: Codec | None = None,
    trainer: Trainer | None = None,
) -> FastAPI:
    """Build the app. ``engine`` (a ``PolicyDecisionEngine``), ``codec`` and ``trainer`` are injectable."""
    settings = settings or ServiceSettings.from_env()
    svc = Service(settings, engine, codec, trainer)
    app = FastAPI(
        title="qsec6g zero-trust policy decision point",
        version=__version__,
        description="Grant / restrict / deny decisions with explanations, segment policies, "
        "thresholds, feedback, model registry and a hash-chained audit trail.",
    )
    app.state.service = svc

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()
        ]
        return JSONResponse({"detail": _one_line(exc), "errors": errors}, status_code=422)

    @app.exception_handler(UserInputError)
    async def _user_error(_: Request, exc: UserInputError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    def require(role: auth.Role):
        async def dependency(
            creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        ) -> auth.Principal:  # async: no thread hop (a cache miss reads one row)
            if creds is None:
                raise HTTPException(
                    401, "missing API key (Authorization: Bearer ...)", headers={"WWW-Authenticate": "Bearer"}
                )
            principal = svc.keys.authenticate(svc.db.read, creds.credentials)
            if principal is None:
                raise HTTPException(401, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"})
            if not auth.role_allows(principal.role, role):
                raise HTTPException(
                    403, f"this endpoint needs role '{role}'; the key has role '{principal.role}'"
                )
            wait = svc.limiter.take(principal.key_id, principal.rate_per_second, principal.burst)
            if wait > 0:
                raise HTTPException(
                    429, "rate limit exceeded", headers={"Retry-After": f"{max(1, round(wait))}"}
                )
            return principal

        return dependency

    Reader = Annotated[auth.Principal, Depends(require("reader"))]
    Operator = Annotated[auth.Principal, Depends(require("operator"))]
    Admin = Annotated[auth.Principal, Depends(require("admin"))]

    # ---- decisions -----------------------------------------------------------------------------------------
    def check_features(features: dict[str, float], names: tuple[str, ...], where: str) -> None:
        unknown = sorted(set(features) - set(names))
        if unknown:
            raise HTTPException(
                422, f"{where}features: unknown feature '{unknown[0]}' (expected {', '.join(names)})"
            )
        missing = [n for n in names if n not in features]
        if missing:
            raise HTTPException(422, f"{where}features: missing feature '{missing[0]}'")

    def contexts(req: S.DecideRequest) -> tuple[Any, Any]:
        mod = decision_module()
        u, d = req.user, req.device
        return (
            mod.UserContext(u.user_id, u.role, tuple(u.permissions)),
            mod.DeviceContext(d.device_id, d.managed, d.patch_age_days, d.known_location),
        )

    async def record(
        principal: auth.Principal, requests: list[S.DecideRequest], decisions: list[Any]
    ) -> list[dict]:
        """Store decisions + audit entries (group commit), apply segment policies, return the responses."""
        rows = [
            prepare(
                principal.actor,
                DecisionRequest(r.user.user_id, r.user.role, r.device.device_id, r.segment_id, r.features),
                d,
            )
            for r, d in zip(requests, decisions)
        ]
        stored = await svc.decision_log.record(rows)
        for r in stored:
            svc.telemetry.decisions.labels(r["outcome"]).inc()
        return [{"decision_id": r["id"], **{k: r[k] for k in DECISION_OUT_FIELDS}} for r in stored]

    # The two decision endpoints are async: validation and scoring run on the event loop (no thread hop per
    # request) and the database work goes to the decision log's single writer thread.
    @app.post(
        "/v1/decide",
        response_model=S.DecisionOut,
        tags=["decisions"],
        responses={401: {}, 403: {}, 413: {}, 422: {}, 429: {}},
    )
    async def decide(body: S.DecideRequest, principal: Operator) -> dict:
        """Decide one access request: grant / restrict / deny with risk, class, thresholds and explanation."""
        engine = svc.holder.engine
        check_features(body.features, tuple(engine.feature_names), "")
        user, device = contexts(body)
        return (await record(principal, [body], [engine.decide(user, device, body.features)]))[0]

    @app.post(
        "/v1/flows",
        response_model=S.FlowsOut,
        tags=["decisions"],
        responses={401: {}, 403: {}, 413: {}, 422: {}, 429: {}},
    )
    async def flows(body: S.FlowsRequest, principal: Operator) -> dict:
        """Decide a batch of requests (at most the configured batch size), stored in one transaction."""
        if len(body.flows) > settings.max_batch:
            raise HTTPException(
                413, f"batch of {len(body.flows)} flows exceeds the limit of {settings.max_batch}"
            )
        engine = svc.holder.engine
        names = tuple(engine.feature_names)
        for i, f in enumerate(body.flows):
            check_features(f.features, names, f"flows[{i}].")
        users, devices = zip(*(contexts(f) for f in body.flows))
        X = np.array([[f.features[n] for n in names] for f in body.flows], dtype=float)
        decisions = engine.decide_batch(list(users), list(devices), X)
        return {"decisions": await record(principal, body.flows, decisions)}

    @app.get("/v1/decisions", response_model=list[S.DecisionRecord], tags=["decisions"])
    def decisions(
        _: Reader,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        outcome: Annotated[list[Literal["grant", "restrict", "deny"]] | None, Query()] = None,
    ) -> list:
        """The newest decisions (newest first), optionally only some outcomes."""
        with svc.db.read() as s:
            q = select(DecisionRow).order_by(DecisionRow.ts.desc()).limit(limit)
            if outcome:
                q = q.where(DecisionRow.outcome.in_(outcome))
            rows = s.scalars(q).all()
        return [{**_decision_out(r), "user_id": r.user_id, "device_id": r.device_id} for r in rows]

    # ---- segments ------------------------------------------------------------------------------------------
    def segment_out(seg: Segment) -> dict:
        return {
            "id": seg.id,
            "policy": seg.policy,
            "reason": seg.reason,
            "updated_by": seg.updated_by,
            "updated_at": seg.updated_at,
        }

    @app.get("/v1/segments", response_model=list[S.SegmentOut], tags=["segments"])
    def segments(_: Reader) -> list:
        """Every micro-segment and its policy (allow / restrict / isolate)."""
        with svc.db.read() as s:
            return [segment_out(x) for x in s.scalars(select(Segment).order_by(Segment.id))]

    @app.put(
        "/v1/segments/{segment_id}",
        response_model=S.SegmentOut,
        tags=["segments"],
        responses={404: {}, 422: {}},
    )
    def set_segment(
        segment_id: Annotated[str, StringConstraints(min_length=1, max_length=64)],
        body: S.SegmentChange,
        principal: Admin,
    ) -> dict:
        """Human override: isolate, restrict or restore (allow) a segment. The reason is audited."""
        with svc.db.write() as s:
            seg = s.get(Segment, segment_id)
            if seg is None:
                raise HTTPException(404, f"unknown segment '{segment_id}'")
            before = seg.policy
            seg.policy, seg.reason = ACTION_POLICY[body.action], body.reason
            seg.updated_by, seg.updated_at = principal.actor, utc_now()
            audit.append(
                s,
                principal.actor,
                "segment.override",
                f"segment:{segment_id}",
                {
                    "segment_id": segment_id,
                    "action": body.action,
                    "from": before,
                    "to": seg.policy,
                    "reason": body.reason,
                },
            )
            return segment_out(seg)

    # ---- thresholds ----------------------------------------------------------------------------------------
    @app.get("/v1/thresholds", response_model=S.ThresholdState, tags=["thresholds"])
    def thresholds(_: Reader, history: Annotated[int, Query(ge=0, le=1000)] = 50) -> dict:
        """Thresholds in force (γ1, γ2, τ_restrict, τ_deny), the controller state and the change history."""
        engine = svc.holder.engine
        with svc.db.read() as s:
            rows = s.scalars(select(ThresholdChange).order_by(ThresholdChange.id.desc()).limit(history)).all()
            n = s.scalar(select(func.count()).select_from(ThresholdChange))
        last = rows[0] if rows else None
        return {
            "current": thresholds_dict(engine.thresholds),
            "model_version": engine.model_version,
            "controller": {
                "mode": "manual",
                "changes": n,
                "last_change_ts": last.ts if last else None,
                "last_change_by": last.actor if last else None,
            },
            "history": [
                {**thresholds_dict(r), "ts": r.ts, "actor": r.actor, "reason": r.reason} for r in rows
            ],
        }

    @app.put("/v1/thresholds", response_model=S.ThresholdsOut, tags=["thresholds"], responses={422: {}})
    def set_thresholds(body: S.ThresholdsIn, principal: Admin) -> dict:
        """Set γ1 < γ2 (anomaly score) and τ_restrict < τ_deny (risk); recorded with its reason."""
        t = body.model_dump(exclude={"reason"})
        _validate_thresholds(t)
        with svc.db.write() as s:
            svc._record_thresholds(s, t, principal.actor, body.reason)
            svc.holder.engine.set_thresholds(svc._thresholds_obj(t))
        svc.telemetry.set_thresholds(svc.holder.engine.thresholds)
        return t

    # ---- feedback and models -------------------------------------------------------------------------------
    @app.post(
        "/v1/feedback",
        response_model=S.FeedbackOut,
        status_code=201,
        tags=["models"],
        responses={404: {}, 422: {}},
    )
    def feedback(body: S.FeedbackIn, principal: Operator) -> dict:
        """An analyst verdict on a decision; it joins the retraining queue."""
        with svc.db.write() as s:
            if s.get(DecisionRow, body.decision_id) is None:
                raise HTTPException(404, f"unknown decision '{body.decision_id}'")
            fb = Feedback(
                decision_id=body.decision_id,
                verdict=body.verdict,
                note=body.note,
                actor=principal.actor,
                ts=utc_now(),
            )
            s.add(fb)
            s.flush()
            audit.append(
                s,
                principal.actor,
                "feedback",
                f"decision:{body.decision_id}",
                {"feedback_id": fb.id, "verdict": body.verdict, "note": body.note},
            )
            queued = s.scalar(
                select(func.count()).select_from(Feedback).where(Feedback.consumed_by.is_(None))
            )
            return {
                "id": fb.id,
                "decision_id": fb.decision_id,
                "verdict": fb.verdict,
                "queued_for_retraining": queued,
            }

    def model_out(m: Any, active: str) -> dict:
        return {
            "version": m.version,
            "created_at": m.created_at,
            "data_hash": m.data_hash,
            "metrics": json.loads(m.metrics),
            "active": m.version == active,
        }

    @app.get("/v1/models", response_model=S.ModelsOut, tags=["models"])
    def models(_: Reader) -> dict:
        """The model in force, its feature names, and every registered version with its metrics."""
        engine = svc.holder.engine
        return {
            "active_version": engine.model_version,
            "feature_names": list(engine.feature_names),
            "versions": [model_out(m, engine.model_version) for m in svc.registry.versions()],
        }

    @app.post(
        "/v1/models/retrain",
        response_model=S.RetrainJobOut,
        status_code=202,
        tags=["models"],
        responses={409: {}},
    )
    def retrain(body: S.RetrainIn, principal: Admin) -> dict:
        """Start retraining on the feedback queue in the background; poll GET /v1/models/retrain/{job_id}."""
        job_id = svc.retrainer.start(principal.actor, body.seed, body.activate)
        if job_id is None:
            raise HTTPException(409, "a retraining job is already running")
        return job(job_id, principal)

    def job_out(j: RetrainJob) -> dict:
        return {
            "id": j.id,
            "status": j.status,
            "progress": j.progress,
            "message": j.message,
            "created_at": j.created_at,
            "finished_at": j.finished_at,
            "model_version": j.model_version,
        }

    @app.get("/v1/models/retrain", response_model=list[S.RetrainJobOut], tags=["models"])
    def jobs(_: Reader) -> list:
        """Recent retraining jobs, newest first."""
        with svc.db.read() as s:
            return [
                job_out(j)
                for j in s.scalars(select(RetrainJob).order_by(RetrainJob.created_at.desc()).limit(20))
            ]

    @app.get(
        "/v1/models/retrain/{job_id}", response_model=S.RetrainJobOut, tags=["models"], responses={404: {}}
    )
    def job(job_id: Annotated[str, StringConstraints(max_length=32)], _: Reader) -> dict:
        """Progress of one retraining job."""
        with svc.db.read() as s:
            j = s.get(RetrainJob, job_id)
            if j is None:
                raise HTTPException(404, f"unknown retraining job '{job_id}'")
            return job_out(j)

    @app.post(
        "/v1/models/{version}/activate", response_model=S.ModelsOut, tags=["models"], responses={404: {}}
    )
    def activate(version: Annotated[str, StringConstraints(max_length=64)], principal: Admin) -> dict:
        """Hot-swap the engine to a registered version (requests in flight finish on the old one)."""
        if version not in {m.version for m in svc.registry.versions()}:
            raise HTTPException(404, f"no registered model '{version}'")
        svc.activate(version, principal.actor)
        return models(principal)

    # ---- audit ---------------------------------------------------------------------------------------------
    @app.get("/v1/audit", response_model=S.AuditPage, tags=["audit"])
    def audit_page(
        _: Reader,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        order: Literal["asc", "desc"] = "asc",
        after_seq: Annotated[int | None, Query(ge=0)] = None,
        before_seq: Annotated[int | None, Query(ge=1)] = None,
        action: Annotated[str | None, Query(max_length=64)] = None,
        actor: Annotated[str | None, Query(max_length=64)] = None,
        subject: Annotated[str | None, Query(max_length=128)] = None,
    ) -> dict:
        """Audit entries, filtered by action / actor / subject, paginated by sequence number."""
        q = select(AuditEntry)
        for col, val in (
            (AuditEntry.action, action),
            (AuditEntry.actor, actor),
            (AuditEntry.subject, subject),
        ):
            if val is not None:
                q = q.where(col == val)
        if after_seq is not None:
            q = q.where(AuditEntry.seq > after_seq)
        if before_seq is not None:
            q = q.where(AuditEntry.seq < before_seq)
        q = q.order_by(AuditEntry.seq.asc() if order == "asc" else AuditEntry.seq.desc()).limit(limit + 1)
        with svc.db.read() as s:
            rows = s.scalars(q).all()
        page = rows[:limit]
        entries = [
            {
                "seq": e.seq,
                "ts": e.ts,
                "actor": e.actor,
                "action": e.action,
                "subject": e.subject,
                "payload": json.loads(e.payload),
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
            for e in page
        ]
        return {"entries": entries, "next_cursor": page[-1].seq if len(rows) > limit else None}

    @app.get("/v1/audit/verify", response_model=S.VerifyOut, tags=["audit"])
    def audit_verify(_: Reader) -> dict:
        """Walk the hash chain; report the first edited, deleted or reordered entry."""
        with svc.db.read() as s:
            r = audit.verify(s)
        return {"ok": r.ok, "entries": r.entries, "problem": r.problem, "seq": r.seq, "message": r.message}

    # ---- keys ----------------------------------------------------------------------------------------------
    def key_out(k: ApiKey) -> dict:
        return {
            "key_id": k.key_id,
            "name": k.name,
            "role": k.role,
            "created_at": k.created_at,
            "revoked_at": k.revoked_at,
        }

    @app.get("/v1/whoami", response_model=S.WhoAmI, tags=["keys"])
    def whoami(principal: Reader) -> dict:
        """The calling key's id, name and role (used by the dashboard to show or hide admin controls)."""
        return {"key_id": principal.key_id, "name": principal.name, "role": principal.role}

    @app.get("/v1/keys", response_model=list[S.KeyOut], tags=["keys"])
    def keys(_: Admin) -> list:
        with svc.db.read() as s:
            return [key_out(k) for k in auth.list_keys(s)]

    @app.post("/v1/keys", response_model=S.KeyCreated, status_code=201, tags=["keys"])
    def create_key(body: S.KeyCreate, principal: Admin) -> dict:
        """Create a key; the token is in this response only."""
        with svc.db.write() as s:
            created = auth.create_key(
                s, body.name, body.role, principal.actor, body.rate_per_second, body.burst
            )
            row = s.get(ApiKey, created.key_id)
            return {**key_out(row), "token": created.token}

    @app.delete("/v1/keys/{key_id}", response_model=S.KeyOut, tags=["keys"], responses={404: {}})
    def revoke_key(key_id: Annotated[str, StringConstraints(max_length=32)], principal: Admin) -> dict:
        with svc.db.write() as s:
            if s.get(ApiKey, key_id) is None:
                raise HTTPException(404, f"no API key with id '{key_id}'")
            auth.revoke_key(s, key_id, principal.actor)
            out = key_out(s.get(ApiKey, key_id))
        svc.keys.invalidate(key_id)
        return out

    # ---- operations ----------------------------------------------------------------------------------------
    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], responses={503: {}})
    def readyz() -> JSONResponse:
        """Readiness: the database answers and an engine is loaded."""
        try:
            svc.db.ping()
        except Exception as exc:  # noqa: BLE001 - reported as not ready
            return JSONResponse({"status": "not ready", "detail": f"database: {type(exc).__name__}"}, 503)
        return JSONResponse({"status": "ready", "model_version": svc.holder.engine.model_version})

    @app.get("/metrics", tags=["operations"], response_class=Response)
    def metrics() -> Response:
        """Prometheus metrics: requests, latency, decisions by outcome, thresholds, model version."""
        with svc.db.read() as s:
            svc.telemetry.audit_seq.set(s.scalar(select(func.max(AuditEntry.seq))) or 0)
        return Response(svc.telemetry.render(), media_type="text/plain; version=0.0.4")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/")

    app.mount("/ui", StaticFiles(directory=DASHBOARD, html=True), name="ui")

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestMetrics, telemetry=svc.telemetry)
    return app
