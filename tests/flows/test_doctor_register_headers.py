"""`doctor` on an MIS export whose headers are not mapped: it lists the headers it found in each register and prints
ONE `[registers.columns.<register>]` block to paste, guessed from the header names, instead of a line per column."""

from __future__ import annotations

import csv
import tomllib

import pytest

from checks.registers.presets import MIS_PRESETS, suggested_mapping
from checks.registers.reading import header_key
from tests.builders.tiny_dataset import build_tiny_dataset

SIMS_HEADERS = ["UPN", "Legal Forename", "Legal Surname", "DOB", "Year", "Enrolment Status", "Photo Consent"]


@pytest.fixture
def dataset(tmp_path):
    return build_tiny_dataset(tmp_path / "school")


def _as_sims(dataset) -> None:
    path = dataset / "registers" / "pupils.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = ["pupil_id", "forename", "surname", "date_of_birth", "year_group", "status", "photo_consent"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SIMS_HEADERS)
        writer.writerows([[row[c] for c in columns] for row in rows])


def _block(stdout: str) -> str:
    start = stdout.index("[registers.columns.pupils]")
    lines = []
    for line in stdout[start:].splitlines():
        if line.startswith("[") and not line.startswith("[registers."):
            break
        lines.append(line)
    return "\n".join(lines)


def test_an_unmapped_sims_export_gets_one_mapping_block_that_loads(dataset, tmp_path, socialaudit_inprocess):
    _as_sims(dataset)
    result = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 1
    assert f"[ok] registers: pupils.csv has the headers: {', '.join(SIMS_HEADERS)}" in result.stdout
    assert result.stdout.count("[FIX] registers") == 1, result.stdout
    assert "is missing from the header" not in result.stdout
    block = _block(result.stdout)
    assert tomllib.loads(block)["registers"]["columns"]["pupils"] == {
        "UPN": "pupil_id",
        "Legal Forename": "forename",
        "Legal Surname": "surname",
        "DOB": "date_of_birth",
        "Year": "year_group",
        "Enrolment Status": "status",
    }  # "Photo Consent" is photo_consent by its own name: it needs no mapping
    # Pasted as it is, the registers load.
    with (dataset / "school.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n" + block + "\n")
    again = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(tmp_path / "w.duckdb"))
    assert "[ok] registers: 2 pupils" in again.stdout, again.stdout


def test_a_required_column_no_header_suggests_is_left_as_a_comment_to_fill_in(
    dataset, tmp_path, socialaudit_inprocess
):
    _as_sims(dataset)
    text = (dataset / "registers" / "pupils.csv").read_text(encoding="utf-8")
    (dataset / "registers" / "pupils.csv").write_text(
        text.replace("Photo Consent", "Consent PH"), encoding="utf-8"
    )
    result = socialaudit_inprocess("doctor", "--sandbox", str(dataset), "--db", str(tmp_path / "w.duckdb"))
    assert '# "<your header for photo_consent>" = "photo_consent"' in result.stdout


@pytest.mark.parametrize("mis", sorted(MIS_PRESETS))
def test_each_mis_presets_headers_are_guessed_back_to_its_own_mapping(mis: str) -> None:
    for register, mapping in MIS_PRESETS[mis].items():
        # A header that is its column's own name (ignoring case and spaces) needs no mapping.
        needed = {
            header: column for header, column in mapping.items() if header_key(header) != header_key(column)
        }
        assert suggested_mapping(register, list(mapping)) == needed, (mis, register)
