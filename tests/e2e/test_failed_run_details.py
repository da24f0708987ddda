"""Prefect's database never holds a failed run's details (flows/school_run_log.py): they are on the terminal of the
person who started the run, and nowhere the run writes. A school's own run is checked here; a trust's schools in
tests/e2e/test_trust_school_outcomes.py."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from flows.school_run_log import DETAILS_WHERE_STARTED, DetailsWithheld, failure_shown_by_caller
from tests.builders.audits import run_audit
from tests.builders.cli import CliResult
from tests.builders.exports import refuse_a_pupil_by_name
from tests.builders.prefect_records import records_of_runs
from tests.builders.tiny_dataset import build_tiny_dataset


def stored_results_since(started: float) -> list[Path]:
    """The results Prefect persisted (a failed run's exception among them) since `started`."""
    storage = Path(os.environ["PREFECT_LOCAL_STORAGE_PATH"])
    return [p for p in storage.rglob("*") if p.is_file() and p.stat().st_mtime >= started]


def test_a_refused_register_naming_a_pupil_is_named_on_the_terminal_never_in_prefect(
    tmp_path: Path, socialaudit_inprocess: Callable[..., CliResult]
) -> None:
    dataset = build_tiny_dataset(tmp_path / "school")
    name = refuse_a_pupil_by_name(dataset / "registers")
    # The clock, not the storage folder's time: the folder is made by the first result Prefect persists, and in a
    # worker that runs this test first there is none yet.
    started = time.time() - 1

    refused = run_audit(socialaudit_inprocess, tmp_path, dataset)

    assert refused.result.returncode == 1
    # The command's own last line (tests/flows/test_refused_run_output.py: on its terminal, the only one).
    assert name in refused.result.stderr.strip().splitlines()[-1]
    assert not refused.out.exists()  # refused before anything was written
    records = records_of_runs("school_toml", str((dataset / "school.toml").resolve()))
    assert records, "the run left no flow run on the server"
    assert "registers refused, nothing was stored" + DETAILS_WHERE_STARTED in records["states"]
    for kind, text in records.items():
        assert name not in text, kind
    for stored in stored_results_since(started):
        assert name.encode() not in stored.read_bytes(), stored


def test_a_flow_run_failing_keeps_its_details_in_this_process_only(tmp_path: Path) -> None:
    """The flow as a worker runs it: Prefect's state has the kind, saying where to look; the caller, the whole."""
    from flows.weekly_audit import weekly_audit

    dataset = build_tiny_dataset(tmp_path / "school")
    out = tmp_path / "out"
    out.write_text("a file where the output folder should be", encoding="utf-8")

    with failure_shown_by_caller():
        state = weekly_audit(
            school_toml=str(dataset / "school.toml"),
            db_path=str(tmp_path / "w.duckdb"),
            out_dir=str(out),
            sandbox=True,
            return_state=True,
        )

    failure = state.result(raise_on_failure=False)
    assert isinstance(failure, DetailsWithheld) and str(failure).endswith(DETAILS_WHERE_STARTED)
    assert failure.detail is not None and "is not a folder" in str(failure.detail)
    assert state.message is not None and str(out) not in state.message
