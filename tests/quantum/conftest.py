"""Kernel tests run BLAS/LAPACK single-threaded: the matrices are small, and multi-threaded OpenBLAS on a busy
2-core machine makes small eigenvalue problems orders of magnitude slower (results are the same)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def _single_threaded_blas() -> Iterator[None]:
    with threadpool_limits(1):
        yield
