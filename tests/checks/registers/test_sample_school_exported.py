"""A sample school's registers as MIS exports write them (tests/builders/exports.py: Excel's UTF-8 and
Windows-1252 CSVs, spoken headers, DD/MM/YYYY dates, year groups in words, a `;`-delimited staff file with padded
cells and an extra column) are read to exactly the frames its clean contract files are: every rule sees the same
people, so an audit of the exported school raises what an audit of the clean one would. The exported school's
whole audit is tests/e2e/test_school_as_exported.py's."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from checks.registers.loading import load_and_validate_registers
from sandbox.school import write_sample
from tests.builders.exports import (
    add_leavers,
    export_parents_as_excel_cp1252,
    export_pupils_as_excel_utf8,
    export_staff_with_extra_column,
)

AS_OF = date(2026, 11, 16)
SEED = 23  # another school than the one tests/e2e/test_school_as_exported.py exports (the session's sample school)


@pytest.mark.slow
def test_a_sample_schools_exported_registers_read_as_its_clean_ones(tmp_path: Path) -> None:
    write_sample(tmp_path / "school", seed=SEED, size="small")
    clean = tmp_path / "school" / "registers"
    add_leavers(clean)
    exported = tmp_path / "exported"
    shutil.copytree(clean, exported)
    export_pupils_as_excel_utf8(exported)
    export_parents_as_excel_cp1252(exported)
    export_staff_with_extra_column(exported)

    (from_clean, clean_results), (from_export, export_results) = (
        load_and_validate_registers(registers, AS_OF) for registers in (clean, exported)
    )
    for name, frame in from_clean.frames().items():
        assert frame.height, name
        assert_frame_equal(from_export.frames()[name], frame)
    assert not any(result.stops_run for result in [*clean_results, *export_results])
    # Only how the files were written differs: the record of each reading, and the unused column's warning.
    assert from_export.reading != from_clean.reading
    unused = [(w.file, w.message) for w in from_export.warnings if w not in from_clean.warnings]
    assert unused == [("staff.csv", "columns ignored (not in the register contract): Work Email")]
    assert len(from_export.warnings) == len(from_clean.warnings) + 1
