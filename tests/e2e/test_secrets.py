"""No secret ever leaves its store: canary credentials and a canary warehouse key are searched for in every output."""

from __future__ import annotations

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.builders.audits import Audit
from tests.builders.tiny_dataset import CHANNEL_ID, X_ACCOUNT_ID, build_tiny_dataset
from warehouse.snapshot import snapshot_path

AS_OF = "2026-11-16"
CANARY = f"CANARY{uuid.uuid4().hex}"


def canary(part: str) -> str:
    return f"{CANARY}{part}"


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
    Secret(value=canary("db-key")).save(key_block, _sync=True)  # type: ignore[arg-type, call-arg]
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
