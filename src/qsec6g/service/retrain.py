"""Retraining from analyst feedback, run as a background job whose progress is stored in ``retrain_jobs``.

Labels from verdicts: ``false_positive`` → 0 (the flow was benign), ``false_negative`` → 1 (it was an
attack), ``confirmed`` → 1 if the engine did not grant, else 0. The default trainer refits the contract
engine (``qsec6g.zerotrust.decision.build_engine``) on the built-in synthetic flows plus the feedback rows,
each feedback row repeated ``FEEDBACK_WEIGHT`` times. Metrics: agreement of the old and new engine with the
analyst labels on the feedback rows (a training-set figure, not a held-out one) and the row counts.
"""

from __future__ import annotations

import importlib
import json
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import select, update

from qsec6g.service.db import Database
from qsec6g.service.models import DecisionRow, Feedback, RetrainJob, utc_now
from qsec6g.service.registry import ModelRegistry, data_hash, decision_module

FEEDBACK_WEIGHT = 10
Progress = Callable[[float, str], None]
# trainer(X_feedback, y_feedback, feature_names, seed, progress) -> (engine, X_train, y_train)
Trainer = Callable[[np.ndarray, np.ndarray, Sequence[str], int, Progress], tuple[Any, np.ndarray, np.ndarray]]


def label_of(verdict: str, engine_outcome: str) -> int:
    if verdict == "false_positive":
        return 0
    if verdict == "false_negative":
        return 1
    return int(engine_outcome != "grant")


def default_trainer(
    X_fb: np.ndarray, y_fb: np.ndarray, feature_names: Sequence[str], seed: int, progress: Progress
) -> tuple[Any, np.ndarray, np.ndarray]:
    mod = decision_module()
    synthetic = importlib.import_module("qsec6g.zerotrust.synthetic")
    base_X, base_y = synthetic.synthetic_flows(4000, attack_fraction=0.3, seed=seed)
    X = np.vstack([base_X[list(feature_names)].to_numpy(), np.repeat(X_fb, FEEDBACK_WEIGHT, axis=0)])
    y = np.concatenate([np.asarray(base_y), np.repeat(y_fb, FEEDBACK_WEIGHT)])
    progress(0.4, f"fitting on {len(base_y)} synthetic + {len(y_fb)}x{FEEDBACK_WEIGHT} feedback rows")
    engine = mod.build_engine(
        X, y, list(feature_names), synthetic.LOG_FEATURES, model_version="retrained", seed=seed
    )
    return engine, X, y


def agreement(engine: Any, X: np.ndarray, y: np.ndarray) -> float | None:
    """Fraction of rows where "not granted" matches label 1 (reference context: managed device, role
    service)."""
    if len(y) == 0:
        return None
    mod = decision_module()
    users = [mod.UserContext("feedback", "service")] * len(y)
    devices = [mod.DeviceContext("feedback")] * len(y)
    flagged = np.array([d.outcome != "grant" for d in engine.decide_batch(users, devices, X)])
    return float(np.mean(flagged == (y == 1)))


class Retrainer:
    """Starts retraining jobs in background threads (one at a time)."""

    def __init__(
        self,
        db: Database,
        registry: ModelRegistry,
        current_engine: Callable[[], Any],
        activate: Callable[[str, str], None],
        trainer: Trainer | None = None,
    ) -> None:
        self.db, self.registry = db, registry
        self.current_engine, self.activate = current_engine, activate
        self.trainer = trainer or default_trainer
        self._running = threading.Lock()

    def start(self, actor: str, seed: int, activate: bool) -> str | None:
        """Queue a job and start it; None if one is already running."""
        if not self._running.acquire(blocking=False):
            return None
        job_id = uuid.uuid4().hex
        with self.db.write() as s:
            s.add(
                RetrainJob(
                    id=job_id,
                    status="queued",
                    progress=0.0,
                    message="queued",
                    actor=actor,
                    created_at=utc_now(),
                )
            )
        threading.Thread(
            target=self._run, args=(job_id, actor, seed, activate), daemon=True, name=f"retrain-{job_id[:8]}"
        ).start()
        return job_id

    def _progress(self, job_id: str, fraction: float, message: str, **fields: Any) -> None:
        with self.db.write() as s:
            s.execute(
                update(RetrainJob)
                .where(RetrainJob.id == job_id)
                .values(progress=fraction, message=message, **fields)
            )

    def _run(self, job_id: str, actor: str, seed: int, activate: bool) -> None:
        try:
            self._progress(job_id, 0.05, "reading feedback", status="running")
            engine = self.current_engine()
            names = list(engine.feature_names)
            with self.db.read() as s:
                rows = s.execute(
                    select(Feedback.id, Feedback.verdict, DecisionRow.engine_outcome, DecisionRow.features)
                    .join(DecisionRow, DecisionRow.id == Feedback.decision_id)
                    .where(Feedback.consumed_by.is_(None))
                ).all()
            ids, X_rows, y_rows = [], [], []
            for fid, verdict, outcome, features in rows:
                f = json.loads(features)
                if all(n in f for n in names):
                    ids.append(fid)
                    X_rows.append([f[n] for n in names])
                    y_rows.append(label_of(verdict, outcome))
            X_fb = np.asarray(X_rows, dtype=float).reshape(-1, len(names))
            y_fb = np.asarray(y_rows, dtype=int)
            new, X, y = self.trainer(X_fb, y_fb, names, seed, lambda p, m: self._progress(job_id, p, m))
            self._progress(job_id, 0.8, "evaluating")
            metrics = {
                "feedback_rows": len(y_fb),
                "training_rows": int(len(y)),
                "feedback_agreement_old": agreement(engine, X_fb, y_fb),
                "feedback_agreement_new": agreement(new, X_fb, y_fb),
                "seed": seed,
            }
            version = self.registry.register(new, data_hash(X, y), metrics, actor)
            with self.db.write() as s:
                s.execute(update(Feedback).where(Feedback.id.in_(ids)).values(consumed_by=job_id))
            if activate:
                self._progress(job_id, 0.9, f"activating {version}")
                self.activate(version, actor)
            self._progress(
                job_id,
                1.0,
                f"registered {version}" + (" (active)" if activate else ""),
                status="succeeded",
                model_version=version,
                finished_at=utc_now(),
            )
        except Exception as exc:  # noqa: BLE001 - a failed job is reported through its status, not lost
            self._progress(
                job_id, 1.0, f"{type(exc).__name__}: {exc}", status="failed", finished_at=utc_now()
            )
        finally:
            self._running.release()
