"""`check-post --trust trust.toml --school SLUG`: a draft of one school of a trust is checked against that school's
own registers and recorded in that school's lake, and nowhere else; a wrong command line is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flows.cli import main
from flows.config.trust import load_trust, school_lake
from tests.builders.tiny_dataset import SCHOOL_NAME, build_tiny_dataset
from warehouse import lake
from warehouse.db import connect


@pytest.fixture
def trust_toml(tmp_path: Path) -> Path:
    """Two sandbox schools: Tiny Lane, and Oak Hill whose only pupil called Price is Amber."""
    build_tiny_dataset(tmp_path / "tiny-lane")
    shutil.copytree(tmp_path / "tiny-lane", tmp_path / "oak-hill")
    pupils = tmp_path / "oak-hill" / "registers" / "pupils.csv"
    pupils.write_text(pupils.read_text(encoding="utf-8").replace("Alfie", "Amber"), encoding="utf-8")
    school = tmp_path / "oak-hill" / "school.toml"
    school.write_text(
        school.read_text(encoding="utf-8").replace(SCHOOL_NAME, "Oak Hill Primary"), encoding="utf-8"
    )
    path = tmp_path / "trust.toml"
    path.write_text(
        '[trust]\nname = "Two Schools Trust"\ncontroller = "schools"\n\n'
        '[[schools]]\nsandbox = "tiny-lane"\n\n[[schools]]\nsandbox = "oak-hill"\n',
        encoding="utf-8",
    )
    return path


def audited(trust_toml: Path) -> None:
    """Each school's lake as a trust run leaves its locator (the check migrates it)."""
    trust = load_trust(trust_toml)
    trust.lake_dir.mkdir(exist_ok=True)
    for school in trust.schools:
        lake.write_locator(trust.lake_dir / f"{school.slug}.ducklake", school_lake(trust, school.slug))


def check_post(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["check-post", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def checks_kept(trust_toml: Path, slug: str) -> list[str]:
    con = connect(load_trust(trust_toml).lake_dir / f"{slug}.ducklake")
    try:
        return [row[0] for row in con.execute("SELECT verdict FROM audit.post_checks").fetchall()]
    finally:
        con.close()
        lake.release()


@pytest.mark.slow
def test_a_school_of_a_trust_checks_against_its_own_registers_and_keeps_the_check_in_its_lake(
    trust_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = ("--text", "Well done Alfie Price, star reader!", "--format", "json", "--by", "Ms Poster")
    code, _, err = check_post(capsys, "--trust", str(trust_toml), "--school", "tiny-lane", *draft)
    assert code == 1 and "no lake yet" in err and "trust run" in err
    audited(trust_toml)
    code, out, err = check_post(capsys, "--trust", str(trust_toml), "--school", "tiny-lane", *draft)
    assert code == 5, err
    (named,) = json.loads(out)["findings"]
    assert named["rule"] == "pupil-named" and "P0001" in named["evidence"]
    # Oak Hill has no Alfie Price: its own registers say so. Named by the school's name this time.
    code, out, err = check_post(capsys, "--trust", str(trust_toml), "--school", "Oak Hill Primary", *draft)
    assert code == 0, err
    assert json.loads(out) == {"verdict": "ok", "findings": []}
    assert checks_kept(trust_toml, "tiny-lane") == ["hold"]
    assert checks_kept(trust_toml, "oak-hill") == ["ok"]


def test_a_wrong_command_line_is_refused(trust_toml: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = ("--text", "Hello")
    code, _, err = check_post(capsys, "--trust", str(trust_toml), "--school", "elm-park", *text)
    assert code == 2 and "tiny-lane, oak-hill" in err
    code, _, err = check_post(capsys, "--trust", str(trust_toml), *text)
    assert code == 2 and "--school" in err
    code, _, err = check_post(
        capsys, "--trust", str(trust_toml), "--school", "tiny-lane", "--db", "w.duckdb", *text
    )
    assert code == 2 and "--db" in err
    code, _, err = check_post(
        capsys, "--sandbox", str(trust_toml.parent / "tiny-lane"), "--school", "x", *text
    )
    assert code == 2 and "--trust" in err
