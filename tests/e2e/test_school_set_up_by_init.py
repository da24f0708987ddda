"""A school set up from `socialaudit init --mis sims` and a SIMS-shaped export alone (docs/contracts/cli.md, init;
school-toml.md, [policy]): its report cites the school's own policy clauses, each other rule's general basis, and
no other school's policy file. That a school naming no policy is cited every rule's general basis is
tests/flows/config/test_policy.py::test_the_school_toml_init_writes_names_no_policy_so_each_rule_is_cited_its_general_basis."""

from __future__ import annotations

import csv
import html
import re
import shutil
from pathlib import Path

import pytest

from checks.rules import RULES
from tests.builders.tiny_dataset import (
    CHANNEL_HANDLE,
    CHANNEL_ID,
    SCHOOL_NAME,
    X_ACCOUNT_ID,
    X_HANDLE,
    build_tiny_dataset,
)

EXAMPLE_POLICY_FILE = re.compile(r"\b(bledington|carleton-green|corbets-tey|cornist-park|willow-tree)\.txt\b")
DOCUMENT = "Oakfield Primary Social Media Policy"
CLAUSES = {
    "pupil-follower": "§6.2 (pupils do not follow the school's accounts)",
    "consent-breach": "§4.1 (no pupil pictured without current consent)",
    "staff-personal-follower": "§7.3 (staff follow only from official accounts)",
}
# What SIMS writes: its own header names and order, dates as DD/MM/YYYY, and columns the audit does not use.
SIMS_PUPIL_HEADERS = (
    "UPN",
    "Legal Surname",
    "Legal Forename",
    "Reg Group",
    "DOB",
    "Year",
    "Enrolment Status",
)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sims_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _export_as_sims(contract_registers: Path, registers: Path) -> None:
    """The tiny school's registers re-written as the templates `init --mis sims` wrote them: the template's header
    row (the preset's names), each contract column's value under its SIMS header."""
    pupils = _rows(contract_registers / "pupils.csv")
    with (registers / "pupils.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*SIMS_PUPIL_HEADERS, "Photo Consent"])
        for n, p in enumerate(pupils):
            writer.writerow(
                [
                    p["pupil_id"],
                    p["surname"],
                    p["forename"],
                    f"{p['year_group']}K{n}",
                    _sims_date(p["date_of_birth"]),
                    p["year_group"],
                    p["status"].capitalize(),
                    p["photo_consent"].capitalize(),
                ]
            )
    for name in ("staff.csv", "parents.csv", "approved_media.csv"):
        template = (registers / name).read_text(encoding="utf-8").splitlines()[0]
        headers = next(csv.reader([template]))
        rows = _rows(contract_registers / name)
        columns = list(rows[0])
        # The template also names the optional columns (a staff member's year groups and classes) the tiny
        # school leaves empty; they follow the contract's columns, in the contract's order.
        assert len(headers) >= len(columns), name
        empty = [""] * (len(headers) - len(columns))
        with (registers / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows([[row[column] for column in columns] + empty for row in rows])


def _school_from_init(socialaudit, root: Path, policy: str) -> Path:
    """A sandbox dataset whose school.toml and registers come from `init --mis sims` and a SIMS export."""
    tiny = build_tiny_dataset(root / "tiny")
    school = root / "school"
    shutil.copytree(tiny, school, ignore=shutil.ignore_patterns("school.toml", "*.csv"))
    made = socialaudit("init", str(school), "--mis", "sims")
    assert made.returncode == 0, made.stderr
    _export_as_sims(tiny / "registers", school / "registers")
    toml = (school / "school.toml").read_text(encoding="utf-8")
    toml = toml.replace('name = "Your School"', f'name = "{SCHOOL_NAME}"')
    toml = toml.replace('handle = "YourSchoolX"', f'handle = "{X_HANDLE}"')
    toml = toml.replace('"REPLACE-with-the-numeric-user-id"', f'"{X_ACCOUNT_ID}"')
    toml = toml.replace('handle = "@YourSchool"', f'handle = "{CHANNEL_HANDLE}"')
    toml = toml.replace('"REPLACE-with-the-UC-channel-id"', f'"{CHANNEL_ID}"')
    assert "REPLACE-" not in toml
    (school / "school.toml").write_text(toml + policy, encoding="utf-8")
    return school


def _report_text(out: Path) -> str:
    return " ".join(html.unescape((out / "report.html").read_text(encoding="utf-8")).split())


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, socialaudit, audit) -> str:
    policy = f'\n[policy]\ndocument = "{DOCUMENT}"\n\n[policy.clauses]\n' + "".join(
        f'{rule} = "{clause}"\n' for rule, clause in CLAUSES.items()
    )
    root = tmp_path_factory.mktemp("own-policy")
    school = _school_from_init(socialaudit, root, policy)
    result = audit(school, root=root).result
    assert result.returncode == 0, result.stderr[-3000:]
    return _report_text(root / "out")


def test_init_refuses_to_overwrite_a_schools_files(socialaudit, tmp_path: Path) -> None:
    assert socialaudit("init", str(tmp_path), "--mis", "sims").returncode == 0
    before = (tmp_path / "registers" / "pupils.csv").read_bytes()
    (tmp_path / "registers" / "pupils.csv").write_text("UPN\nP1\n", encoding="utf-8")
    again = socialaudit("init", str(tmp_path))
    assert again.returncode == 1
    assert "not overwritten" in again.stderr and "pupils.csv" in again.stderr
    assert (
        (tmp_path / "registers" / "pupils.csv").read_text(encoding="utf-8") == "UPN\nP1\n" != before.decode()
    )


def test_the_report_of_a_school_set_up_by_init_cites_its_own_clauses(report: str) -> None:
    for clause in CLAUSES.values():
        assert f"{DOCUMENT} {clause}" in report
    assert not EXAMPLE_POLICY_FILE.search(report)


def test_the_rules_the_school_gave_no_clause_are_cited_their_general_basis(report: str) -> None:
    unclaused = [rule for rule in RULES if rule.id not in CLAUSES]
    assert unclaused
    for rule in unclaused:
        assert " ".join(rule.general_basis.split()) in report, rule.id


def test_doctor_says_while_an_account_id_is_still_inits_placeholder(socialaudit, tmp_path: Path) -> None:
    assert socialaudit("init", str(tmp_path), "--platforms", "x").returncode == 0
    result = socialaudit(
        "doctor", "--config", str(tmp_path / "school.toml"), "--db", str(tmp_path / "w.duckdb")
    )
    assert result.returncode == 1
    assert "[FIX] configuration: X @YourSchoolX: its id is still the placeholder init wrote" in result.stdout
