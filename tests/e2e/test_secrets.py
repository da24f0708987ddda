"""No secret ever leaves its store: canary credentials and a canary warehouse key are searched for in every output.

The same run's warehouse is encrypted with that key (from a Prefect Secret block): no key, no entry; no pupil name in
the bytes; owner-only files. The key from a variable (`encryption_key_env`) is the same warehouse_key() call with
the other source: tests/flows/test_warehouse_key.py."""

from __future__ import annotations

import asyncio
import csv
import json
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.builders.audits import Audit
from tests.builders.tiny_dataset import CHANNEL_ID, X_ACCOUNT_ID, build_tiny_dataset
from warehouse.db import KEY_ENV, WarehouseKeyError, connect
from warehouse.snapshot import snapshot_path

AS_OF = "2026-11-16"
CANARY = f"CANARY{uuid.uuid4().hex}"


def canary(part: str) -> str:
    return f"{CANARY}{part}"


DB_KEY = canary("db-key")
X_ENV = {
    "SOCIALAUDIT_X_CONSUMER_KEY": canary("ck"),
    "SOCIALAUDIT_X_CONSUMER_SECRET": canary("cs"),
    "SOCIALAUDIT_X_ACCESS_TOKEN": canary("at"),
    "SOCIALAUDIT_X_ACCESS_TOKEN_SECRET": canary("ats"),
    "SOCIALAUDIT_YOUTUBE_API_KEY": canary("yk"),
    "PREFECT_LOGGING_LEVEL": "DEBUG",  # the loudest setting an operator could choose
}


async def _everything_prefect_holds() -> str:
    from prefect.client.orchestration import get_client

    chunks = []
    async with get_client() as client:
        offset = 0
        while True:
            logs = await client.read_logs(limit=200, offset=offset)
            chunks += [log.message for log in logs]
            if len(logs) < 200:
                break
            offset += 200
        chunks += [json.dumps(a.model_dump(mode="json")) for a in await client.read_artifacts()]
        chunks += [json.dumps(r.model_dump(mode="json")) for r in await client.read_flow_runs()]
    return "\n".join(chunks)


@pytest.fixture(scope="module")
def canary_run(tmp_path_factory: pytest.TempPathFactory, audit, prefect_api_url) -> Audit:
    from prefect.blocks.system import Secret

    youtube_block, key_block = f"yt-{uuid.uuid4().hex[:8]}", f"key-{uuid.uuid4().hex[:8]}"
    youtube_token = {
        "token": canary("yt-access"),
        "refresh_token": canary("yt-refresh"),
        "client_id": canary("yt-client"),
        "client_secret": canary("yt-client-secret"),
        "expiry": "2099-01-01T00:00:00Z",  # a still-valid access token: the sandbox, not Google, checks it
    }
    # _sync: an earlier test may leave an event loop running in this thread, which makes save() return a coroutine.
    Secret(value=youtube_token).save(youtube_block, _sync=True)  # type: ignore[arg-type, call-arg]
    Secret(value=DB_KEY).save(key_block, _sync=True)  # type: ignore[arg-type, call-arg]
    toml = (
        f'[credentials]\nyoutube_secret_block = "{youtube_block}"\n'
        f'\n[warehouse]\nencryption_key_secret = "{key_block}"\n'
    )
    root = tmp_path_factory.mktemp("canary")
    # The sandbox checks every signature and token: it must know the planted ones (sandbox.json), as X and Google
    # know the school's real ones.
    dataset = build_tiny_dataset(root / "school")
    app = {"consumer_key": canary("ck"), "consumer_secret": canary("cs"), "owner_id": X_ACCOUNT_ID}
    x_token = {"user_id": X_ACCOUNT_ID, "access_token": canary("at"), "access_token_secret": canary("ats")}
    sign_in = {
        "channel_id": CHANNEL_ID,
        "refresh_token": canary("yt-refresh"),
        "access_token": canary("yt-access"),
    }
    declared = {
        "x": {"apps": [app], "tokens": [{**x_token, "consumer_key": canary("ck")}]},
        "youtube": {"tokens": [sign_in], "api_keys": [canary("yk")]},
    }
    (dataset / "sandbox.json").write_text(json.dumps(declared), encoding="utf-8")
    return audit(dataset, toml=toml, env=X_ENV, as_of=AS_OF, root=root)


@pytest.fixture
def encrypted_run(canary_run: Audit) -> Audit:
    """The canary run, checked to have finished: its warehouse is the one the encryption tests read."""
    assert canary_run.result.returncode == 0, canary_run.result.stderr[-2000:]
    return canary_run


def _pupil_names(dataset) -> set[str]:
    with (dataset / "registers" / "pupils.csv").open(encoding="utf-8") as handle:
        return {
            value
            for row in csv.DictReader(handle)
            for value in (row["forename"], row["surname"], row["preferred_name"])
            if value
        }


# The canary searches come first: they look for what the run alone left, before the commands below (the DPO's
# query, the erasure) leave files and Prefect records of their own.


def test_the_run_used_the_planted_credentials(canary_run):
    assert canary_run.result.returncode == 0, canary_run.result.stderr[-2000:]


def test_doctor_checks_the_planted_credentials_without_echoing_them(canary_run, socialaudit_inprocess):
    args = ("doctor", "--sandbox", str(canary_run.dataset), "--db", str(canary_run.db))
    doctor = socialaudit_inprocess(*args, env=X_ENV)
    assert doctor.returncode == 0, doctor.stdout
    assert "[ok] X credentials" in doctor.stdout
    assert "[ok] encryption at rest: a key is configured" in doctor.stdout
    assert "[ok] warehouse migrations: up to date" in doctor.stdout
    broken = socialaudit_inprocess(*args, env={**X_ENV, "SOCIALAUDIT_X_ACCESS_TOKEN": ""})
    assert broken.returncode == 1
    assert "SOCIALAUDIT_X_ACCESS_TOKEN" in broken.stdout  # names the variable, not the value
    for result in (doctor, broken):
        assert CANARY not in result.stdout + result.stderr


def test_no_canary_in_any_file_output_or_the_warehouse(canary_run):
    files = [p for p in Path(canary_run.root).rglob("*") if p.is_file() and "school" not in p.parts]
    assert canary_run.db in files and snapshot_path(canary_run.db) in files
    for path in files:
        assert CANARY.encode() not in path.read_bytes(), path


def test_no_canary_on_the_runs_stdout_or_stderr(canary_run):
    assert CANARY not in canary_run.result.stdout + canary_run.result.stderr


def test_no_canary_in_prefect_logs_artifacts_or_run_records(canary_run):
    # In a thread of its own: an earlier test may leave an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(asyncio.run, _everything_prefect_holds()).result()
    assert "socialaudit-weekly-summary" in held
    assert CANARY not in held


def test_the_warehouse_and_its_copy_do_not_open_without_the_key(encrypted_run):
    for path in (encrypted_run.db, snapshot_path(encrypted_run.db)):
        with pytest.raises(WarehouseKeyError, match="is encrypted"):
            connect(path, read_only=True)
        con = connect(path, read_only=True, encryption_key=DB_KEY)
        assert con.execute("SELECT count(*) FROM ref.pupils").fetchone() == (2,)
        con.close()


def test_no_pupil_name_is_in_the_file_bytes(encrypted_run):
    names = _pupil_names(encrypted_run.dataset)
    assert {"Alfie", "Price", "Eleanor", "Ellie"} <= names
    for path in (encrypted_run.db, snapshot_path(encrypted_run.db)):
        data = path.read_bytes()
        for name in names:
            assert name.encode() not in data, f"{name} in {path.name}"
            assert name.encode("utf-16-le") not in data


def test_the_warehouse_its_copy_and_the_reports_are_owner_only(encrypted_run):
    paths = [encrypted_run.db, snapshot_path(encrypted_run.db), *encrypted_run.out.iterdir()]
    for path in paths:
        assert path.stat().st_mode & 0o077 == 0, path


def test_the_dpo_reads_it_with_the_key_from_school_toml(encrypted_run, socialaudit_inprocess):
    """school.toml names the Secret block holding the key; `sql` has no key without it."""
    query = "SELECT count(*) AS pupils FROM dpo.register_people WHERE person_kind = 'pupil'"
    args = ("sql", query, "--db", str(encrypted_run.db), "--format", "csv")
    without = socialaudit_inprocess(*args, env={KEY_ENV: ""})
    assert without.returncode == 1 and "is encrypted" in without.stderr
    config = str(encrypted_run.dataset / "school.toml")
    result = socialaudit_inprocess(*args, "--config", config, env={KEY_ENV: ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["pupils", "2"]


def test_an_erasure_rewrites_it_encrypted_and_spills_nothing_plain(
    encrypted_run, socialaudit_inprocess, tmp_path
):
    # On a copy: the erasure journal and the spill folder go beside it, in this test's own folder, and the run's
    # warehouse stays as it was written.
    db = tmp_path / "w.duckdb"
    shutil.copy(encrypted_run.db, db)
    config = str(encrypted_run.dataset / "school.toml")
    erased = socialaudit_inprocess(
        "erase",
        "--yes",
        "--person",
        "P0001",
        "--db",
        str(db),
        "--config",
        config,
        "--by",
        "A. Dpo",
        "--reason",
        "E-9",
        env={KEY_ENV: ""},
    )
    assert erased.returncode == 0, erased.stderr
    for path in (db, snapshot_path(db)):
        with pytest.raises(WarehouseKeyError, match="is encrypted"):
            connect(path, read_only=True)
        con = connect(path, read_only=True, encryption_key=DB_KEY)
        assert con.execute("SELECT count(*) FROM ref.pupils").fetchone() == (1,)
        con.close()
    spill = tmp_path / ".socialaudit-spill"
    assert spill.stat().st_mode & 0o777 == 0o700
    assert not [p for p in spill.rglob("*") if p.is_file() and b"Eleanor" in p.read_bytes()]
