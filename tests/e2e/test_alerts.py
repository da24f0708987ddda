"""Alerts: `socialaudit alerts install` against a real `prefect server`, then, for real, a window with no completed
run, a run that fails, a run that ends Partial and a backup that fails; each automation fires into a local webhook,
in its own flow's words."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.builders import prefect_server as server
from tests.builders.tiny_dataset import build_tiny_dataset

AS_OF = "2026-11-16"
WINDOW_SECONDS = 15


class Receiver:
    """A webhook on 127.0.0.1 that keeps every JSON body posted to it."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/alerts"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, subject_part: str, seconds: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for alert in self.received:
                if subject_part in alert["subject"]:
                    return alert
            time.sleep(0.25)
        raise AssertionError(f"no alert {subject_part!r} within {seconds:g} s; received {self.received}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.httpd.shutdown()


def socialaudit(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).parent / "socialaudit"
    return subprocess.run(
        [str(executable), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.timeout(600)
def test_the_automations_fire_on_a_missing_run_a_failed_run_and_a_partial_run(
    tmp_path: Path, receiver: Receiver
) -> None:
    with server.prefect_server(tmp_path / "prefect-home", healthy_within=90) as env:
        env = {**env, "SOCIALAUDIT_ALERT_URL": receiver.url, "SOCIALAUDIT_DB": ""}
        for _ in range(2):  # installing again replaces, never duplicates
            installed = socialaudit(
                env, "alerts", "install", "--webhook", "--no-run-within", f"{WINDOW_SECONDS}s"
            )
            assert installed.returncode == 0, installed.stderr
        status = socialaudit(env, "alerts", "status")
        # The audit: failed, partial, no run; the backup: failed, no run (a backup never ends Partial).
        assert status.returncode == 0 and len(status.stdout.splitlines()) == 5, status.stdout
        assert "warehouse-backup partial" not in status.stdout
        assert receiver.url not in installed.stdout + status.stdout

        # The window for "no completed run" passes while the failed, partial and backup runs below are made, so
        # its alert is looked for last rather than waited for here with nothing running.

        # A run that fails for real: the registers are refused (a pupil's name in the refused cell).
        school = build_tiny_dataset(tmp_path / "school")
        pupils = school / "registers" / "pupils.csv"
        lines = pupils.read_text(encoding="utf-8").splitlines()
        header = lines[0].split(",")
        cells = lines[1].split(",")
        named = cells[header.index("forename")]
        cells[header.index("date_of_birth")] = named  # refused, and quoted in the run's state message
        pupils.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
        failed = socialaudit(
            env,
            "run",
            "--sandbox",
            str(school),
            "--db",
            str(tmp_path / "w.duckdb"),
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            AS_OF,
        )
        assert failed.returncode == 1, failed.stderr[-2000:]
        alert = receiver.wait_for("did not complete")
        assert "ended Failed" in alert["text"] and "/runs/flow-run/" in alert["text"]
        runs = server.api_post(f"{env['PREFECT_API_URL']}/flow_runs/filter", {}, env=env)
        assert isinstance(runs, list)
        (state,) = [r["state"] for r in runs if r["state"]["type"] == "FAILED"]
        assert named in state["message"]  # what the alert must not carry out of the server
        assert named not in json.dumps(alert)

        # A run that ends Partial: X's followers cannot be read.
        fixed = build_tiny_dataset(tmp_path / "school-2")
        with (fixed / "school.toml").open(
            "a", encoding="utf-8"
        ) as toml:  # give up after retries of 50 ms, not 2 s
            toml.write("\n[api]\nbackoff_seconds = 0.05\n")
        faults = json.dumps([{"route": "x.followers", "kind": "429-no-reset", "times": -1}])
        partial = socialaudit(
            {**env, "SOCIALAUDIT_SANDBOX_FAULTS": faults},
            "run",
            "--sandbox",
            str(fixed),
            "--db",
            str(tmp_path / "w2.duckdb"),
            "--out",
            str(tmp_path / "out2"),
            "--as-of",
            AS_OF,
        )
        assert partial.returncode == 3, partial.stderr[-2000:]
        alert = receiver.wait_for("partial audit")
        assert "ended Partial" in alert["text"]

        # A backup that fails (no backup key) alerts in the backup's own words, not the audit's.
        backup = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from flows.backup_flow import warehouse_backup; "
                "warehouse_backup(school_toml=sys.argv[1], out_dir=sys.argv[2], db_path=sys.argv[3])",
                str(fixed / "school.toml"),
                str(tmp_path / "backups"),
                str(tmp_path / "w2.duckdb"),
            ],
            env={**env, "SOCIALAUDIT_BACKUP_KEY": ""},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert backup.returncode != 0, backup.stdout[-2000:]
        alert = receiver.wait_for("backup failed")
        assert "run the week again" not in alert["text"] and "backup" in alert["text"]

        # No completed run within the window (a Partial run starts it again): the proactive automation says so.
        missing = receiver.wait_for("no weekly audit has completed", seconds=WINDOW_SECONDS + 60)
        assert f"{WINDOW_SECONDS} seconds" in missing["text"]
    assert os.environ.get("SOCIALAUDIT_ALERT_URL") is None
