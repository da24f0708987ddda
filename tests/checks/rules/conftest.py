"""Rule fixtures: an in-memory DuckDB (the migrated warehouse `con` comes from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest


@pytest.fixture
def memory_con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()
