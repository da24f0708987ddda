"""Erasure in a trust that is the data controller, with the default SQLite catalog: after `socialaudit erase --db
lake/<school>.ducklake`, no byte of the school's lake (Parquet files and catalog), its outputs, the trust's own
outputs or Prefect's database (which holds the school's run) holds the person.

Where each school is its own controller (its run log kept in the school) and the catalog is in PostgreSQL, the same
is shown by tests/e2e/test_backup_and_restore_in_a_trust.py, on the trust run it backs up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.builders.person_stores import files_under, hits, name_two_pupils_in_a_post, prefect_database_files
from tests.builders.tiny_dataset import build_tiny_dataset
from warehouse import lake

AS_OF = "2026-11-16"
PERSON = ("alfie_p_y6", "1600000000000000002", "Alfie Price", "AlfiePrice")


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory, socialaudit: Any) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("trust")
    dataset = build_tiny_dataset(root / "schools" / "tiny-lane")
    name_two_pupils_in_a_post(dataset)
    (root / "trust.toml").write_text(
        '[trust]\nname = "Tiny Trust"\ncontroller = "trust"\nparallel = 1\n\n[[schools]]\nsandbox = "schools/tiny-lane"\n',
        encoding="utf-8",
    )
    run = socialaudit(
        "trust",
        "run",
        "--trust",
        str(root / "trust.toml"),
        "--out",
        str(root / "out"),
        "--as-of",
        AS_OF,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    locator = root / "lake" / "tiny-lane.ducklake"
    location = lake.read_locator(locator)
    assert location is not None

    def schools_stores() -> list[Path]:
        """The school's outputs and its lake (data and catalog)."""
        return list(files_under(root / "lake", root / "out"))

    def stores() -> list[Path]:
        return [*schools_stores(), *prefect_database_files()]

    # Before, where the test looks for the person: the school's own stores; after, Prefect's database too.
    before = hits(schools_stores(), PERSON)
    erased = socialaudit(
        "erase", "--yes", "--handle", "alfie_p_y6", "--db", str(locator), "--by", "A. Dpo", "--reason", "E-1"
    )
    return {"root": root, "before": before, "erased": erased, "stores": stores}


def test_the_person_was_in_the_schools_stores_before(trust: dict[str, Any]) -> None:
    assert any("/out/tiny-lane/" in path for path in trust["before"]), trust["before"]
    catalogs = [p for p in trust["before"] if p.endswith(".sqlite")]
    assert catalogs, trust["before"]  # the catalog's statistics held him: what the erasure must rewrite


def test_no_byte_of_the_lake_outputs_or_prefect_holds_the_erased_person(trust: dict[str, Any]) -> None:
    erased = trust["erased"]
    assert erased.returncode == 0, erased.stderr[-3000:]
    assert "lake catalog: " in erased.stdout
    assert hits(trust["stores"](), PERSON) == {}
