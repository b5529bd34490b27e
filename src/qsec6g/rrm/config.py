"""Validated configurations of the three ``qsec6g rrm`` studies (YAML → pydantic, unknown keys rejected)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from qsec6g.config import StrictModel

_DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "colosseum-oran"


def _non_empty_grid(v: list[float]) -> list[float]:
    if not v:
        raise ValueError("SNR grid is empty; give at least one SNR in dB")
    return sorted(v)


class LinkConfig(StrictModel):
    """BER and spectral efficiency vs SNR of the multi-user MISO downlink (``qsec6g rrm link``)."""

    n_antennas: int = Field(64, ge=1, le=1024)
    n_users: int = Field(8, ge=1, le=256)
    carrier_hz: float = Field(28e9, gt=0)
    bandwidth_hz: float = Field(1e9, gt=0)
    channel: Literal["rayleigh", "rician"] = "rayleigh"
    k_factor_db: float = 6.0
    speeds_kmh: list[float] = Field(default_factory=lambda: [0.0, 30.0, 120.0])
    csi_delay_s: float = Field(1e-4, ge=0)
    snr_db: list[float] = Field(default_factory=lambda: [0.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0])
    precoders: list[Literal["MRT", "ZF", "MMSE"]] = Field(default_factory=lambda: ["MRT", "ZF", "MMSE"])
    modulations: list[Literal["BPSK", "QPSK", "16QAM"]] = Field(default_factory=lambda: ["BPSK", "QPSK", "16QAM"])
    draws: int = Field(400, ge=1)
    symbols: int = Field(64, ge=1)

    _grid = field_validator("snr_db")(_non_empty_grid)

    @model_validator(mode="after")
    def _zf_needs_antennas(self) -> "LinkConfig":
        if any(p in ("ZF", "MMSE") for p in self.precoders) and self.n_users > self.n_antennas:
            raise ValueError(f"ZF/MMSE need n_users <= n_antennas (got {self.n_users} > {self.n_antennas})")
        return self


class ScheduleConfig(StrictModel):
    """Solver comparison on scheduling QUBOs of growing size (``qsec6g rrm schedule``)."""

    sizes: list[int] = Field(default_factory=lambda: [8, 12, 16, 20, 24])
    instances: int = Field(4, ge=1)
    limit: int = Field(4, ge=1, description="streams per slot K")
    beams: int | None = Field(None, ge=1, description="None: user selection; B: (user, DFT beam) pairs, size = U*B")
    n_antennas: int = Field(64, ge=1)
    snr_db: float = 10.0
    bandwidth_hz: float = Field(1e9, gt=0)
    modulation: Literal["BPSK", "QPSK", "16QAM"] = "QPSK"
    symbols: int = Field(4000, ge=1)
    qaoa_depths: list[int] = Field(default_factory=lambda: [1, 2, 4])
    qaoa_max_qubits: int = Field(16, ge=1, le=24)
    qaoa_maxiter: int = Field(100, ge=1)
    shots: int = Field(1024, ge=1)
    sa_reads: int = Field(100, ge=1)
    sa_sweeps: int = Field(1000, ge=1)
    ga_population: int = Field(50, ge=4)
    ga_generations: int = Field(200, ge=1)
    max_brute_force: int = Field(24, ge=1, le=26)
    penalty_margin: float = Field(0.1, gt=0)

    @field_validator("sizes")
    @classmethod
    def _sizes(cls, v: list[int]) -> list[int]:
        if not v or min(v) < 2 or max(v) > 40:
            raise ValueError("sizes must be a non-empty list of variable counts between 2 and 40")
        return sorted(v)

    @field_validator("qaoa_depths")
    @classmethod
    def _depths(cls, v: list[int]) -> list[int]:
        if not v or min(v) < 1 or max(v) > 6:
            raise ValueError("qaoa_depths must be a non-empty list of depths between 1 and 6")
        return sorted(set(v))

    @model_validator(mode="after")
    def _feasible(self) -> "ScheduleConfig":
        for n in self.sizes:
            users = n if self.beams is None else n // self.beams
            if self.beams is not None and n % self.beams:
                raise ValueError(f"size {n} is not a multiple of beams={self.beams}")
            if self.limit > min(users, self.beams or users):
                raise ValueError(f"per-slot limit K={self.limit} is infeasible for size {n} "
                                 f"({users} users, {self.beams or users} beams)")
        return self


class SpectrumConfig(StrictModel):
    """Classical DNN vs hybrid quantum–classical model for spectrum access (``qsec6g rrm spectrum``)."""

    dataset: Literal["synthetic", "colosseum"] = "synthetic"
    data_dir: Path = _DEFAULT_DATA
    channels: int = Field(4, ge=1, le=64, description="synthetic: primary-user channels")
    samples: int = Field(4000, ge=50, description="synthetic: sensing slots")
    window: int = Field(4, ge=1, le=16, description="past sensing samples per feature vector")
    n_qubits: int = Field(4, ge=1, le=10)
    layers: int = Field(2, ge=1, le=8)
    hidden: int = Field(16, ge=1)
    epochs: int = Field(30, ge=1)
    batch_size: int = Field(128, ge=1)
    lr: float = Field(0.01, gt=0)
    test_fraction: float = Field(0.3, gt=0, lt=1)
    diff_method: Literal["backprop", "parameter-shift"] = "backprop"
    bootstrap: int = Field(1000, ge=10)
