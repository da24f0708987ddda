"""`socialaudit doctor` against the sandbox: all good, and a plain instruction for each kind of breakage."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from checks.registers.loading import load_registers
from tests.builders.tiny_dataset import CHANNEL_ID, build_tiny_dataset
from tests.builders.warehouse import lake_in, migrated_warehouse
from warehouse.db import connect, migrate
from warehouse.load import store_registers


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
        (
            "[retention]\nraw_pages_weeks = 0",
            "[retention] raw_pages_weeks must be a whole number of at least 1",
        ),
        ("[retention]\nforever = true", "unknown key forever in [retention]"),
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


def test_registers_the_warehouse_has_held_unchanged_for_stale_after_weeks_are_warned_of(
    dataset, tmp_path, socialaudit_inprocess
):
    """The registers as a run stored them three weeks ago (checks/registers/staleness.py); pupils.csv exported
    again since, one byte longer. A warning, never a fix: only a person knows whether a list should move."""
    _append(dataset, "[registers]\nstale_after_weeks = 3")
    registers = load_registers(dataset / "registers")
    db = migrated_warehouse(tmp_path / "w.duckdb")
    three_weeks_ago = date.today() - timedelta(weeks=3)
    con = connect(db)
    store_registers(con, registers.frames(), registers.files, three_weeks_ago, registers.reading)
    con.close()
    pupils = dataset / "registers" / "pupils.csv"
    pupils.write_bytes(pupils.read_bytes() + b"\n")
    result = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(db))
    assert result.returncode == 0, result.stdout
    stale = [line for line in result.stdout.splitlines() if "has not changed" in line]
    assert stale == [
        f"[warn] register warning: {file}: has not changed since the week of {three_weeks_ago.isoformat()} (3 "
        "weeks): is the export from the MIS still being saved here? New pupils and leavers since then are unknown "
        "to the audit ([registers] stale_after_weeks = 3)"
        for file in ("staff.csv", "parents.csv", "approved_media.csv")
    ], result.stdout


def test_every_config_problem_is_its_own_line(dataset, tmp_path, socialaudit_inprocess):
    _append(dataset, '[retension]\nraw_pages_weeks = 4\n\n[rules]\ndisabled = ["political-contnet"]')
    result = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 1
    fixes = [
        line
        for line in result.stdout.splitlines()
        if line.startswith("[FIX] configuration: school.toml line")
    ]
    assert len(fixes) == 2, result.stdout
    assert "unknown table [retension]; did you mean [retention]?" in fixes[0]
    assert "did you mean political-content?" in fixes[1]


SPORTS_ID = "1580000000000000999"


def _add_sports_account(dataset) -> None:
    """A second official X account with its own credentials (and its own account in the sandbox)."""
    account_dir = dataset / "x" / "TinyLaneSports"
    account_dir.mkdir(parents=True)
    user = {"id": SPORTS_ID, "name": "Tiny Lane Sport", "username": "TinyLaneSports", "protected": False}
    (account_dir / "account.json").write_text(json.dumps(user), encoding="utf-8")
    _append(
        dataset,
        '[[accounts]]\nplatform = "x"\nhandle = "TinyLaneSports"\nid = "'
        + SPORTS_ID
        + '"\napproved_by = "Headteacher"\napproved_on = 2024-09-01\ncredentials = "sports"',
    )


def test_each_x_account_is_checked_with_its_own_credentials(dataset, tmp_path, socialaudit_inprocess):
    _add_sports_account(dataset)
    db = str(tmp_path / "w.duckdb")
    result = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", db)
    assert result.returncode == 0, result.stdout
    assert "[ok] X credentials for @TinyLanePrimary: get_me answered as @TinyLanePrimary" in result.stdout
    assert (
        '[ok] X credentials for @TinyLaneSports (credentials "sports"): get_me answered as @TinyLaneSports'
        in result.stdout
    )
    # Half-configured: the sandbox uses what is set, and the FIX line names the variables for THAT account only.
    half = socialaudit_inprocess(
        "doctor", "--sandbox", str(dataset), "--db", db, env={"SOCIALAUDIT_X_SPORTS_CONSUMER_KEY": "k"}
    )
    assert half.returncode == 1
    (line,) = [line for line in half.stdout.splitlines() if line.startswith("[FIX]")]
    assert line.startswith('[FIX] X credentials for @TinyLaneSports (credentials "sports"): ')
    assert "SOCIALAUDIT_X_SPORTS_CONSUMER_SECRET, SOCIALAUDIT_X_SPORTS_ACCESS_TOKEN," in line
    assert "[credentials.sports] x_secret_block" in line
    assert "SOCIALAUDIT_X_CONSUMER_SECRET" not in line
    assert "[ok] X credentials for @TinyLanePrimary" in half.stdout


def test_doctor_says_the_price_the_quota_and_the_proxy(dataset, tmp_path, socialaudit_inprocess):
    result = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(tmp_path / "w.duckdb"))
    assert "one followers page and one posts page read" in result.stdout
    assert "x_app_owned_by_account = false): priced at $0.010 a follower and $0.005 a post" in result.stdout
    assert "estimated X cost per weekly run about $" in result.stdout
    assert "token refreshed, channels.list (mine) and commentThreads.list answered" in result.stdout
    assert (
        "expected quota per weekly run about 7 units of the Google Cloud project's 10,000 a day"
        in result.stdout
    )
    assert "[ok] proxy: none set" in result.stdout
    _append(dataset, "[api]\nx_app_owned_by_account = true")
    owned = socialaudit_inprocess(
        "doctor",
        "--sandbox",
        str(dataset),
        "--db",
        str(tmp_path / "w.duckdb"),
        env={"HTTPS_PROXY": "http://user:secret@proxy.school.example:3128", "NO_PROXY": "127.0.0.1"},
    )
    assert "says the developer app belongs to @TinyLanePrimary" in owned.stdout
    assert "[ok] proxy: X and YouTube calls go through proxy.school.example:3128" in owned.stdout
    assert "secret" not in owned.stdout


def test_a_read_only_youtube_token_is_refused_with_how_to_fix_it(dataset, tmp_path, socialaudit_inprocess):
    """The sign-in of a school that authorised the old youtube.readonly scope: the channel answers, the
    comments do not, and doctor says which scope is missing and which command fixes it."""
    # The sandbox knows this sign-in, with the one scope it was granted (docs/contracts/dataset.md, sandbox.json).
    sign_in = {"channel_id": CHANNEL_ID, "refresh_token": f"{CHANNEL_ID}-old-sign-in"}
    sign_in["scopes"] = ["https://www.googleapis.com/auth/youtube.readonly"]  # type: ignore[assignment]
    (dataset / "sandbox.json").write_text(json.dumps({"youtube": {"tokens": [sign_in]}}), encoding="utf-8")
    token = tmp_path / "secrets" / "youtube-token.json"
    token.parent.mkdir()
    token.write_text(
        json.dumps(
            {
                "refresh_token": f"{CHANNEL_ID}-old-sign-in",
                "client_id": "school-client.apps.googleusercontent.com",
                "client_secret": "school-secret",
                "token_uri": "https://oauth2.googleapis.com/token",
                "scopes": ["https://www.googleapis.com/auth/youtube.readonly"],
            }
        ),
        encoding="utf-8",
    )
    token.chmod(0o600)
    _append(dataset, f'[credentials]\nyoutube_token_file = "{token}"')
    result = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if line.startswith("[FIX] YouTube credentials"))
    assert "granted youtube.readonly but comments need youtube.force-ssl" in line
    assert "run `socialaudit auth youtube --client-secrets FILE`" in line


def test_every_file_holding_personal_data_is_checked_for_its_mode(dataset, tmp_path, socialaudit_inprocess):
    """Registers, the warehouse's journal, the output folders and run.log the runs recorded, SAR exports, a lake's
    catalog: each group says who else may read it."""
    import os

    db = tmp_path / "w.duckdb"
    out, export = tmp_path / "out", tmp_path / "SAR-7"
    for folder in (out, export):
        folder.mkdir(mode=0o755)
        os.chmod(folder, 0o755)
    (out / "run.log").write_text("x", encoding="utf-8")
    os.chmod(out / "run.log", 0o644)
    os.chmod(dataset / "registers" / "pupils.csv", 0o644)
    (db.with_name(db.name + ".erasures.jsonl")).write_text("{}\n", encoding="utf-8")
    os.chmod(db.with_name(db.name + ".erasures.jsonl"), 0o644)
    con = connect(db)
    migrate(con)
    con.execute(
        "INSERT INTO meta.output_folders (folder, last_as_of, last_stored_at) VALUES (?, DATE '2026-11-16', now())",
        [str(out)],
    )
    con.execute(
        "INSERT INTO audit.subject_access_requests VALUES ('r', now(), 'A', NULL, 'person', 'h', ?, '{}')",
        [str(export)],
    )
    con.close()
    result = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(db))
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert any(line.startswith("[warn] file modes of the registers: others may read") for line in lines), (
        lines
    )
    assert any(
        line.startswith(f"[FIX] file modes of the outputs in {out}: others may read") for line in lines
    )
    assert any(f"{out}/run.log" in line for line in lines)
    assert any(line.startswith(f"[FIX] file modes of the subject access export {export}") for line in lines)
    assert any(
        line.startswith("[FIX] file modes of the warehouse: others may read") and "erasures.jsonl" in line
        for line in lines
    )
    for path in (out, export, out / "run.log", db.with_name(db.name + ".erasures.jsonl")):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    again = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(db)).stdout
    assert f"[ok] file modes of the outputs in {out}: owner only" in again
    assert "[ok] file modes of the warehouse: owner only" in again


@pytest.mark.slow
def test_a_lakes_catalog_is_checked_for_its_mode(dataset, tmp_path, socialaudit_inprocess):
    import os

    from warehouse import lake

    locator = lake_in(tmp_path / "lake", "elm").locator
    con = connect(locator)
    migrate(con)
    con.close()
    lake.release()
    catalog = tmp_path / "lake" / "catalog" / "elm.sqlite"
    os.chmod(catalog, 0o644)
    result = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(locator))
    assert f"[FIX] file modes of the lake (catalog and data): others may read {catalog}" in result.stdout, (
        result.stdout
    )


@pytest.fixture
def meta_school(dataset, tmp_path):
    from tests.sandbox.meta.graph_dataset import add_graph_accounts, build_graph_dataset

    add_graph_accounts(dataset, build_graph_dataset(tmp_path / "graph"))
    return dataset


def _declare_page_token(dataset, **token) -> None:
    from tests.sandbox.meta.graph_client import declare_tokens
    from tests.sandbox.meta.graph_dataset import PAGE_ID

    declare_tokens(dataset, {"tokens": [{"token": "EAAschool", "page_id": PAGE_ID, **token}]})


def test_the_meta_token_is_checked_with_debug_token(meta_school, tmp_path, socialaudit_inprocess):
    result = socialaudit_inprocess(
        "doctor", "--sandbox", str(meta_school), "--db", str(tmp_path / "w.duckdb")
    )
    assert result.returncode == 0, result.stdout
    for platform in ("Facebook", "Instagram"):
        assert (
            f"[ok] {platform} credentials for graphtestschool: debug_token answered: a Page token"
            in result.stdout
        )
    assert "never expires" in result.stdout
    assert (
        "[ok] actions through Facebook graphtestschool: the Meta token of graphtestschool holds"
        in result.stdout
    )


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (
            {"permissions": ["pages_read_engagement", "instagram_basic"]},
            "[FIX] Facebook credentials for graphtestschool: the Page token lacks pages_read_user_content",
        ),
        (
            {"expires_at": "2026-01-01T00:00:00Z"},
            "[FIX] Facebook credentials for graphtestschool: facebook debug_token: Graph error 190/463",
        ),
        (
            {"expires_at": "2099-01-01T00:00:00Z"},
            "[ok] Facebook credentials for graphtestschool: debug_token answered: a Page token of Page "
            "104000000000001 holding what the weekly read needs; it expires 2099-01-01",
        ),
    ],
    ids=["narrow", "expired", "long-lived"],
)
def test_a_meta_token_problem_says_what_to_fix(meta_school, tmp_path, token, expected, socialaudit_inprocess):
    _declare_page_token(meta_school, **token)
    result = socialaudit_inprocess(
        "doctor", "--sandbox", str(meta_school), "--db", str(tmp_path / "w.duckdb")
    )
    assert expected in result.stdout, result.stdout
