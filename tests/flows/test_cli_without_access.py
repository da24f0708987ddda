"""The newer commands run by a second operating-system user who can read the school's set-up but not the
warehouse (its folder is its owner's only, as `socialaudit` leaves it): each is refused with one line naming what it
could not open, never a traceback, and the warehouse is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders.findings import PUPIL_FOLLOWER, one_run
from tests.builders.tiny_dataset import build_tiny_dataset
from tests.builders.warehouse import migrated_warehouse
from tests.flows.test_access_cli import as_os_user, second_os_user, shared
from warehouse.db import connect

__all__ = ["second_os_user", "shared"]  # the fixtures, used by name below


@pytest.mark.slow
def test_each_newer_command_refuses_a_user_without_the_warehouse_in_one_line(
    shared: Path, second_os_user: str
) -> None:
    dataset = build_tiny_dataset(shared / "school")
    for path in [dataset, *dataset.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    private = shared / "warehouse"
    private.mkdir(mode=0o700)
    db = migrated_warehouse(private / "w.duckdb")
    db = one_run(connect(db), db, (PUPIL_FOLLOWER,))
    before = db.stat().st_mtime_ns
    home = shared / "home"
    home.mkdir(mode=0o777)
    home.chmod(0o777)
    toml = str(dataset / "school.toml")
    commands = {
        "check-post": ("check-post", "--sandbox", str(dataset), "--db", str(db), "--text", "Well done all"),
        "approve-post": ("approve-post", "0123456789abcdef", "--db", str(db)),
        "approve-post --export": ("approve-post", "--export", str(home / "a.csv"), "--db", str(db)),
        "remediate": (
            "remediate",
            PUPIL_FOLLOWER.key,
            "--action",
            "manual",
            "--sandbox",
            str(dataset),
            "--db",
            str(db),
            "--yes",
        ),
        "registers accept": ("registers", "accept", "--db", str(db)),
        "reviewers add": ("reviewers", "add", "bob", "--config", toml, "--password-stdin"),
        "init": ("init", str(private / "new-school")),
    }
    for name, args in commands.items():
        ran = as_os_user(second_os_user, home, *args, stdin="a long enough passphrase here\n")
        lines = ran.stderr.strip().splitlines()
        assert ran.returncode == 1, (name, ran.stdout, ran.stderr)
        assert len(lines) == 1 and lines[0].startswith("socialaudit: "), (name, ran.stderr)
        assert "Traceback" not in ran.stderr + ran.stdout, name
        assert "Permission denied" in lines[0], (name, lines[0])
    assert db.stat().st_mtime_ns == before
    assert not (private / "new-school").exists()
