"""HTTP request and response models. Requests are strict: unknown fields are rejected, numbers must be finite
(NaN / ±inf answer 422), strings and arrays are bounded."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=True)]
Reason = Annotated[str, StringConstraints(min_length=3, max_length=1000, strip_whitespace=True)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]

MAX_FEATURES = 256
MAX_BATCH_SCHEMA = 10_000  # hard cap in the schema; the configured ServiceSettings.max_batch is usually lower


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class UserIn(Strict):
    user_id: Name
    role: Name
    permissions: list[Name] = Field(default_factory=list, max_length=64)


class DeviceIn(Strict):
    device_id: Name
    managed: bool = True
    patch_age_days: float = Field(0.0, ge=0.0, le=36_500.0, description="days since the last patch")
    known_location: bool = True


class DecideRequest(Strict):
    """One access request: who, from which device, in which segment, with which flow features."""

    user: UserIn
    device: DeviceIn
    features: dict[Name, float] = Field(
        max_length=MAX_FEATURES, description="flow features by name (see GET /v1/model for the names)"
    )
    segment_id: Name | None = Field(
        None, description="micro-segment the request targets (its policy applies)"
    )


class FlowsRequest(Strict):
    flows: list[DecideRequest] = Field(min_length=1, max_length=MAX_BATCH_SCHEMA)


class ThresholdsOut(BaseModel):
    gamma1: float
    gamma2: float
    tau_restrict: float
    tau_deny: float


class ContributionOut(BaseModel):
    name: str
    value: float


Outcome = Literal["grant", "restrict", "deny"]


class DecisionOut(BaseModel):
    decision_id: str
    ts: str
    outcome: Outcome
    engine_outcome: Outcome = Field(description="the engine's outcome before the segment policy was applied")
    segment_id: str | None
    segment_policy: str | None
    risk: float
    anomaly_score: float
    risk_class: Literal["normal", "suspicious", "malicious"]
    thresholds: ThresholdsOut
    explanation: list[ContributionOut]
    model_version: str


class DecisionRecord(DecisionOut):
    user_id: str
    device_id: str


class FlowsOut(BaseModel):
    decisions: list[DecisionOut]


class SegmentOut(BaseModel):
    id: str
    policy: Literal["allow", "restrict", "isolate"]
    reason: str | None
    updated_by: str | None
    updated_at: str


class SegmentChange(Strict):
    """A human override of a segment's policy; the reason is required and goes into the audit trail."""

    action: Literal["isolate", "restrict", "restore"]
    reason: Reason


class ThresholdsIn(Strict):
    gamma1: Unit
    gamma2: Unit
    tau_restrict: Unit
    tau_deny: Unit
    reason: Reason


class ThresholdChangeOut(ThresholdsOut):
    ts: str
    actor: str
    reason: str


class ThresholdState(BaseModel):
    current: ThresholdsOut
    model_version: str
    controller: dict[str, str | int | None]
    history: list[ThresholdChangeOut]


class FeedbackIn(Strict):
    decision_id: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    verdict: Literal["false_positive", "false_negative", "confirmed"]
    note: Annotated[str, StringConstraints(max_length=2000)] = ""


class FeedbackOut(BaseModel):
    id: int
    decision_id: str
    verdict: str
    queued_for_retraining: int


class RetrainIn(Strict):
    seed: int = Field(0, ge=0, le=2**31 - 1)
    activate: bool = True


class RetrainJobOut(BaseModel):
    id: str
    status: Literal["queued", "running", "succeeded", "failed"]
    progress: float
    message: str
    created_at: str
    finished_at: str | None
    model_version: str | None


class ModelOut(BaseModel):
    version: str
    created_at: str
    data_hash: str
    metrics: dict[str, float | int | str | None]
    active: bool


class ModelsOut(BaseModel):
    active_version: str
    feature_names: list[str]
    versions: list[ModelOut]


class AuditEntryOut(BaseModel):
    seq: int
    ts: str
    actor: str
    action: str
    subject: str
    payload: dict
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]
    next_cursor: int | None = Field(
        description="pass as after_seq (asc) or before_seq (desc) for the next page"
    )


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    problem: str | None
    seq: int | None
    message: str


class KeyCreate(Strict):
    name: Name
    role: Literal["reader", "operator", "admin"]
    rate_per_second: Annotated[float, Field(gt=0, le=1e6)] | None = None
    burst: Annotated[int, Field(gt=0, le=10_000_000)] | None = None


class KeyOut(BaseModel):
    key_id: str
    name: str
    role: str
    created_at: str
    revoked_at: str | None


class KeyCreated(KeyOut):
    token: str = Field(description="shown once; only a salted hash is stored")


class WhoAmI(BaseModel):
    key_id: str
    name: str
    role: str
