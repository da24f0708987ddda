"""`init` over what a careless or hostile hand left in the folder: a link to nowhere (a file `init` would create
through it, somewhere else) counts as a file already there, so nothing is written, not even part of the set."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.cli import main


def test_a_dangling_link_among_the_files_refuses_init_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    school = tmp_path / "school"
    (school / "registers").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere" / "staff.csv"
    (school / "registers" / "staff.csv").symlink_to(elsewhere)
    capsys.readouterr()
    assert main(["init", str(school)]) == 1
    _, err = capsys.readouterr()
    assert "init refused: already there" in err and "staff.csv" in err
    assert sorted(p.name for p in school.rglob("*")) == ["registers", "staff.csv"]
    assert not elsewhere.exists()
