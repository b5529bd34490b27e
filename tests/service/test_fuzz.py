"""Schemathesis against the OpenAPI schema: valid and invalid (negative) inputs on every operation, with admin
credentials so that the handlers run, never answer 5xx. A bounded number of examples keeps it fast."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis not installed (pip install schemathesis)"
)
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

from qsec6g.service.settings import ServiceSettings  # noqa: E402
from tests.service.conftest import make_client  # noqa: E402

MAX_EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    home: Path = tmp_path_factory.mktemp("fuzz")
    c = make_client(ServiceSettings(home=home, max_body_bytes=100_000, max_batch=20))
    yield c
    c.app.state.service.db.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzz_client):  # noqa: ANN001, ANN201
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_client.app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_server_errors(api_schema, fuzz_client, mode: GenerationMode) -> None:  # noqa: ANN001
    operations = [r.ok() for r in api_schema.get_all_operations()]
    assert len(operations) >= 20
    unsatisfiable: list[str] = []
    statuses: Counter[int] = Counter()
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:  # noqa: ANN001
            response = case.call(headers=fuzz_client.h("admin"))
            statuses[response.status_code] += 1
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
            if response.status_code in (400, 413, 422):
                detail = response.json().get("detail")
                assert isinstance(detail, str) and detail, f"{where}: 4xx without a one-line message"

        try:
            check()
        except Unsatisfiable:
            unsatisfiable.append(f"{operation.method.upper()} {operation.path}")  # nothing to make invalid
    assert statuses[200] > 0
    if mode == GenerationMode.NEGATIVE:
        assert statuses[422] >= 50  # only operations without any parameter or body have no invalid input
        assert all(
            op.split()[1]
            in (
                "/healthz",
                "/readyz",
                "/metrics",
                "/v1/models",
                "/v1/whoami",
                "/v1/segments",
                "/v1/keys",
                "/v1/models/retrain",
                "/v1/audit/verify",
            )
            for op in unsatisfiable
        ), unsatisfiable
