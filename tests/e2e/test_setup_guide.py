"""The ETL's set-up guide, as written: the commands of its marked block (docs/etl-setup.md, between the
`setup-guide:begin` and `setup-guide:end` comments) run in order in an empty folder, on a sample school against the
sandbox, and leave what the guide says they leave. Its `socialaudit` is the session's forked command
(tests/builders/forked_cli_on_path.py), as in every other test; the console script on PATH runs
tests/e2e/test_production_trial.py's block."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders.forked_cli import ForkedCli
from tests.builders.forked_cli_on_path import socialaudit_on_path
from tests.builders.paths import REPO

GUIDE = REPO / "docs" / "etl-setup.md"


def guide_commands() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- setup-guide:begin -->\n```sh\n(.*?)```\n<!-- setup-guide:end -->", text, flags=re.S
    )
    assert block, "docs/etl-setup.md has no marked ```sh block"
    return block.group(1)


def test_the_guide_block_is_commands_of_this_product() -> None:
    commands = [line for line in guide_commands().splitlines() if line.strip()]
    assert len(commands) >= 8
    assert all("socialaudit " in line for line in commands)
    assert not re.search(r"--config\b", guide_commands()), (
        "the sample-school block must stay offline (--sandbox)"
    )


@pytest.mark.timeout(600)
def test_the_set_up_guide_runs_in_order_on_a_sample_school(
    tmp_path: Path, prefect_api_url: str, forked_cli: ForkedCli | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PREFECT_API_URL": prefect_api_url,
    }
    environment.pop("SOCIALAUDIT_DB", None)
    guide = tmp_path / "guide"
    guide.mkdir()
    monkeypatch.chdir(guide)  # where the forked commands start, as the block's shell does
    # Each `socialaudit` of the block is forked from the session's starter, not started (and its libraries
    # imported) again; without the starter, the console script runs them.
    on_path: contextlib.AbstractContextManager[dict[str, str]] = (
        socialaudit_on_path(forked_cli, tmp_path / "cli", environment["PATH"])
        if forked_cli is not None
        else contextlib.nullcontext({})
    )
    with on_path as forked:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", guide_commands()],
            cwd=guide,
            env={**environment, **forked},
            capture_output=True,
            text=True,
            timeout=580,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-4000:]

    out = guide / "data" / "reports" / "latest"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2026-11-23"
    exceptions = json.loads((out / "exceptions.json").read_text(encoding="utf-8"))
    assert any(row["status"] == "acknowledged" for row in exceptions), (
        "the guide's review decision was not kept"
    )
    resolved = json.loads((out / "resolved.json").read_text(encoding="utf-8"))
    assert resolved, "the second week resolves what the sample school changed"
    assert "pupil" in done.stdout  # the DPO's question answered with the kinds of people held
