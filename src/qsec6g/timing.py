"""Timing helpers (used by the benchmark suites and the twin's latency study): repeated wall-clock measurement with
medians, ours and a peer timed in alternation, and peak traced memory."""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Garbage collection off for the block (a collection inside a timed call would land on one sample)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _seconds(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def time_calls(fn: Callable[[], Any], repeat: int = 30, warmup: int = 3, min_seconds: float = 0.0) -> np.ndarray:
    """Seconds per call of ``fn`` over ``repeat`` timed calls (after ``warmup``), each call timed on its own.

    If ``min_seconds`` > 0, keep timing beyond ``repeat`` until that much time was spent (at most 10x repeat).
    """
    for _ in range(warmup):
        fn()
    samples: list[float] = []
    with _gc_paused():
        start_all = time.perf_counter()
        while len(samples) < repeat or (
            time.perf_counter() - start_all < min_seconds and len(samples) < 10 * repeat
        ):
            samples.append(_seconds(fn))
    return np.asarray(samples)


def time_interleaved(
    ours: Callable[[], Any], peer: Callable[[], Any], rounds: int = 10, ours_per_round: int = 10, warmup: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Seconds per call of ``ours`` and ``peer``, timed in alternation (``ours_per_round`` calls of ours, then one
    of the peer, ``rounds`` times), so that both see the same machine state — drift in clock speed or background
    load on a shared machine then moves both alike and leaves their ratio alone."""
    for _ in range(warmup):
        ours()
        peer()
    a: list[float] = []
    b: list[float] = []
    with _gc_paused():
        for _ in range(rounds):
            a.extend(_seconds(ours) for _ in range(ours_per_round))
            b.append(_seconds(peer))
    return np.asarray(a), np.asarray(b)


def median_seconds(fn: Callable[[], Any], repeat: int = 30, warmup: int = 3, min_seconds: float = 0.0) -> float:
    """Median seconds per call of ``fn``."""
    return float(np.median(time_calls(fn, repeat=repeat, warmup=warmup, min_seconds=min_seconds)))


def peak_memory_bytes(fn: Callable[[], Any]) -> int:
    """Peak Python-traced memory (numpy buffers included) during one call of ``fn``, in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return int(peak)
