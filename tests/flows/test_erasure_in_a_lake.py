"""An erasure in a school's lake with the default SQLite catalog (a trust's warehouse): after `erase_person` on the
lake's locator, no byte of its Parquet files or of its catalog holds the person. The catalog is the part a DuckDB
file does not have: its column statistics (each data file's least and greatest value) held the pupil's surname,
and a deleted catalog row stays in the file's free pages until SQLite's VACUUM rebuilds it.

The same in a PostgreSQL catalog, through `socialaudit erase` on a trust's run with its outputs and Prefect's
records: tests/e2e/test_backup_and_restore_in_a_trust.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.erasure import erase_person
from tests.builders.person_stores import files_under, hits
from tests.builders.published import Published
from tests.builders.registers import pupil
from tests.builders.warehouse import lake_in
from warehouse.db import connect, migrate
from warehouse.privacy.keyed import ensure_secret
from warehouse.snapshot import publish_snapshot
from warehouse.sql_models import apply_models

ERASED = ("Zofia Nowak", "Nowak")


@pytest.fixture
def stored_lake(tmp_path: Path) -> Path:
    """A school's lake holding one week: two pupils on the register, a post naming both, published as the weekly
    run publishes it."""
    locator = lake_in(tmp_path).locator
    con = connect(locator)
    try:
        migrate(con)
        apply_models(con)
        published = Published(con)
        published.registers([pupil("P0001", "Zofia", "Nowak"), pupil("P0002", "Oliver", "Price")])
        published.post("1850000000000000001", "Well done Zofia Nowak and Oliver Price!")
        published.store()
        ensure_secret(con)
    finally:
        con.close()
    assert publish_snapshot(locator) == locator
    return locator


@pytest.mark.slow  # a lake migrated, its storage rewritten in a maintenance process
def test_no_byte_of_a_sqlite_catalogued_lake_holds_the_erased_pupil(
    stored_lake: Path, tmp_path: Path
) -> None:
    catalog = tmp_path / "catalog" / "school-a.sqlite"
    before = hits(files_under(tmp_path), ERASED)
    assert str(catalog) in before, before  # the catalog held her: what the erasure must rewrite

    places = erase_person(stored_lake, "person", "P0001", "A. Dpo", "ER-1")

    assert places["lake catalog"] == "SQLite catalog vacuumed (school-a.sqlite)"
    assert hits(files_under(tmp_path), ERASED) == {}
    assert hits(files_under(tmp_path), ("Oliver Price",)), "the other pupil was erased too"
