"""Where the warehouse is (flows/warehouse_location.py): `--db`, else `$SOCIALAUDIT_DB`, else school.toml's
[warehouse] path, else the production default, which a sandbox run refuses. A run and the commands after it
finding the same file end to end is tests/e2e/test_one_warehouse.py's."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from flows.config.school import SchoolConfig, load_config
from flows.warehouse_location import DB_ENV, DEFAULT_DB, WarehouseNotNamed, warehouse_location
from tests.builders.tiny_dataset import build_tiny_dataset


@pytest.fixture
def named_in_school_toml(tmp_path: Path) -> SchoolConfig:
    config = load_config(build_tiny_dataset(tmp_path / "school") / "school.toml")
    return replace(config, warehouse=replace(config.warehouse, path=str(tmp_path / "from-toml.duckdb")))


@pytest.mark.parametrize("sandbox", [True, False])
def test_school_toml_names_the_warehouse_when_neither_db_nor_the_environment_does(
    named_in_school_toml: SchoolConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox: bool
) -> None:
    monkeypatch.setenv(DB_ENV, " ")
    assert warehouse_location(None, named_in_school_toml, sandbox=sandbox) == tmp_path / "from-toml.duckdb"
    assert warehouse_location("given.duckdb", named_in_school_toml, sandbox=sandbox) == Path("given.duckdb")


def test_the_environment_names_it_before_school_toml(
    named_in_school_toml: SchoolConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DB_ENV, str(tmp_path / "from-env.duckdb"))
    assert warehouse_location(None, named_in_school_toml, sandbox=True) == tmp_path / "from-env.duckdb"


def test_a_sandbox_run_naming_none_is_refused_and_a_live_one_takes_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(DB_ENV, raising=False)
    with pytest.raises(WarehouseNotNamed):
        warehouse_location(None, None, sandbox=True)
    assert warehouse_location(None, None) == DEFAULT_DB
