"""`socialaudit doctor` against the sandbox: all good, and a plain instruction for each kind of breakage."""

from __future__ import annotations

import pytest

from tests.connectors.tiny_dataset import build_tiny_dataset
from warehouse.db import connect, migrate


@pytest.fixture
def dataset(tmp_path):
    return build_tiny_dataset(tmp_path / "school")


def _append(dataset, text: str) -> None:
    with (dataset / "school.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n" + text + "\n")


def test_a_healthy_sandbox_is_all_good(dataset, tmp_path, socialaudit_inprocess):
    result = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 0, result.stdout
    assert "[ok] X credentials for @TinyLanePrimary: get_me answered" in result.stdout
    assert "[ok] YouTube credentials" in result.stdout
    assert "[ok] registers: 2 pupils, 1 staff, 1 parents, 2 approved media" in result.stdout
    assert "[warn] encryption at rest: off" in result.stdout
    assert result.stdout.strip().endswith("all good")


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        ("[retention]\nraw_pages_weeks = 0", "[FIX] configuration: school.toml: [retention] raw_pages_weeks"),
        (
            "[retention]\nforever = true",
            "[FIX] configuration: school.toml: unknown key(s) in [retention]: forever",
        ),
        (
            '[credentials]\nx_secret_block = "no-such-block"',
            "Prefect Secret block 'no-such-block' could not be loaded",
        ),
        (
            '[warehouse]\nencryption_key_env = "UNSET_KEY_VARIABLE"',
            "names UNSET_KEY_VARIABLE, which is not set",
        ),
    ],
    ids=["bad-retention", "unknown-key", "missing-secret-block", "missing-key-variable"],
)
def test_each_breakage_says_what_to_fix(dataset, tmp_path, breakage, expected, socialaudit_inprocess):
    _append(dataset, breakage)
    result = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 1
    assert expected in result.stdout, result.stdout


def test_a_missing_register_and_an_encrypted_warehouse_without_its_key(
    dataset, tmp_path, socialaudit_inprocess
):
    (dataset / "registers" / "staff.csv").unlink()
    db = tmp_path / "w.duckdb"
    con = connect(db, encryption_key="the real key")
    migrate(con)
    con.close()
    result = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(db))
    assert result.returncode == 1
    assert "[FIX] registers:" in result.stdout and "staff.csv" in result.stdout
    assert "[FIX] warehouse:" in result.stdout and "is encrypted: set SOCIALAUDIT_DB_KEY" in result.stdout
    good = socialaudit_inprocess(
        "doctor", "--sandbox", str(dataset), "--db", str(db), env={"SOCIALAUDIT_DB_KEY": "the real key"}
    )
    assert "[ok] warehouse migrations: up to date" in good.stdout
