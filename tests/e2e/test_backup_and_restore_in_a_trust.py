"""A trust's lakes backed up, a person erased and a school's lake restored, with the catalog in a real PostgreSQL
cluster: after the erasure, no byte of the school's lake (its Parquet files, its catalog's tables), its outputs and
run log, the trust's own outputs or Prefect's database holds the person; nor, after the restore, any byte of the
restored lake; the locator, lost, is found again from trust.toml; the trust's own lake comes back with its history.

Each school here is its own controller (its run log kept in the school). The default SQLite catalog's own part of
an erasure (its statistics and free pages rewritten): tests/flows/test_erasure_in_a_lake.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.builders.person_stores import files_under, hits, name_two_pupils_in_a_post, prefect_database_files
from tests.builders.postgres import relation_files
from tests.builders.tiny_dataset import build_tiny_dataset
from warehouse import lake
from warehouse.backup.archive import SUFFIX
from warehouse.backup.image import ASIDE

AS_OF = "2026-11-16"
PERSON = ("alfie_p_y6", "1600000000000000002", "Alfie Price", "AlfiePrice")
BACKUP_KEY = {"SOCIALAUDIT_BACKUP_KEY": "the trust's backup passphrase, kept apart"}


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory, socialaudit: Any, postgres: str) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("trust-backup")
    name_two_pupils_in_a_post(build_tiny_dataset(root / "schools" / "tiny-lane"))
    (root / "trust.toml").write_text(
        f'[trust]\nname = "Tiny Trust"\ncontroller = "schools"\nparallel = 1\n\n'
        f'[warehouse]\ncatalog = "postgres:{postgres}"\n\n[[schools]]\nsandbox = "schools/tiny-lane"\n',
        encoding="utf-8",
    )
    trust_args = ("--trust", str(root / "trust.toml"))
    run = socialaudit("trust", "run", *trust_args, "--out", str(root / "out"), "--as-of", AS_OF, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    backups = root / "backups"
    backed_up = socialaudit("backup", *trust_args, "--out", str(backups), env=BACKUP_KEY)
    assert backed_up.returncode == 0, backed_up.stderr[-3000:]
    locator = root / "lake" / "tiny-lane.ducklake"
    location = lake.read_locator(locator)
    assert location is not None and location.metadata_schema

    def stores() -> list[Path]:
        return [
            *files_under(root / "lake", root / "out"),
            *relation_files(postgres, str(location.metadata_schema)),
        ]

    before = hits(stores(), PERSON)  # the outputs and the catalog, where the test looks for him
    erased = socialaudit(
        "erase", "--yes", "--handle", "alfie_p_y6", "--db", str(locator), "--by", "A. Dpo", "--reason", "E-9"
    )
    assert erased.returncode == 0, erased.stderr[-3000:]
    after_the_erasure = hits([*stores(), *prefect_database_files()], PERSON)
    locator.unlink()  # lost with the machine: trust.toml says where the school's lake goes
    (school_backup,) = backups.glob(f"tiny-lane-*{SUFFIX}")
    restored = socialaudit(
        "restore",
        "--yes",
        "--from",
        str(school_backup),
        "--db",
        str(locator),
        *trust_args,
        env=BACKUP_KEY,
        timeout=600,
    )
    (trust_backup,) = backups.glob(f"_trust-*{SUFFIX}")
    trust_lake = root / "lake" / "_trust.ducklake"
    history = socialaudit(
        "restore", "--yes", "--from", str(trust_backup), "--db", str(trust_lake), env=BACKUP_KEY
    )

    return {
        "root": root,
        "before": before,
        "erased": erased,
        "after the erasure": after_the_erasure,
        "backups": backups,
        "restored": restored,
        "history": history,
        "stores": stores,
        "locator": locator,
        "schema": location.metadata_schema,
        "postgres": postgres,
    }


def test_the_person_was_in_the_schools_stores_before(trust: dict[str, Any]) -> None:
    assert any("/out/tiny-lane/" in path for path in trust["before"]), trust["before"]
    catalog = [p for p in trust["before"] if "/base/" in p]
    assert catalog, trust["before"]  # the catalog's statistics held him: what the erasure must rewrite


def test_after_the_erasure_no_byte_of_the_lake_outputs_or_prefect_holds_the_person(
    trust: dict[str, Any],
) -> None:
    assert "lake catalog: " in trust["erased"].stdout
    assert trust["after the erasure"] == {}


def test_the_backups_name_nobody(trust: dict[str, Any]) -> None:
    files = sorted(trust["backups"].iterdir())
    assert [p.name.split("-2")[0] for p in files] == ["_trust", "tiny-lane"]
    assert hits(files, [*PERSON, "Ellie Brown"]) == {}


def test_the_restored_lake_holds_no_trace_of_the_erased_person(trust: dict[str, Any]) -> None:
    restored = trust["restored"]
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert "erasures re-applied: 1" in restored.stdout
    stores = trust["stores"]()
    catalog = [p for p in stores if "/base/" in str(p)]
    assert catalog  # the school's schema is in PostgreSQL again, and searched
    assert hits(stores, PERSON) == {}


def test_nothing_of_the_lake_before_the_restore_is_left_aside(trust: dict[str, Any]) -> None:
    assert not [p for p in (trust["root"] / "lake").rglob("*") if ASIDE in p.name]
    assert (
        relation_files(trust["postgres"], trust["schema"] + ASIDE.replace(".", "_").replace("-", "_")) == []
    )


def test_the_restored_school_is_queried_as_before(trust: dict[str, Any], socialaudit_inprocess: Any) -> None:
    assert lake.read_locator(trust["locator"]) is not None
    query = "SELECT count(*) AS pupils FROM ref.pupils"
    result = socialaudit_inprocess("sql", query, "--db", str(trust["locator"]), "--format", "csv")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["pupils", "1"]  # two pupils in the backup, one erased since


def test_the_trusts_own_history_comes_back(trust: dict[str, Any], socialaudit_inprocess: Any) -> None:
    history = trust["history"]
    assert history.returncode == 0, history.stderr[-3000:]
    assert "erasures re-applied: 0" in history.stdout
    query = "SELECT slug, status FROM trust.school_runs"
    rows = socialaudit_inprocess(
        "sql", query, "--db", str(trust["root"] / "lake" / "_trust.ducklake"), "--format", "csv"
    )
    assert rows.returncode == 0, rows.stderr[-2000:]
    assert rows.stdout.split() == ["slug,status", "tiny-lane,completed"]
