"""A child's name read in an image is personal data like a post's text: subject access lists it, erasure removes it
(also where the engine split it: "Zofia N owak"), and retention removes pupils' names from old images' text unless
their post's pupil-named exception is open."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from checks.rules.pupil_named import RULE
from tests.builders.findings import insert_exception
from tests.builders.images import original, textured_image
from tests.builders.published import Published
from tests.builders.registers import pupil
from warehouse.privacy.erasure import erase
from warehouse.privacy.retention_text import REMOVED, redact_pupils_in_old_posts
from warehouse.privacy.subject_access import subject_access
from warehouse.privacy.subjects import find_subject
from warehouse.sql_models import apply_models

CERTIFICATE, CARD = original(textured_image(101)), original(textured_image(102))


def day_after_the_last_reading(con: duckdb.DuckDBPyConnection) -> date:
    """Read from the warehouse, not the test's clock: readings are stamped in UTC, and a module imported before
    midnight (or on a machine whose local day is not UTC's) would otherwise cut before its own readings."""
    row = con.execute("SELECT max(read_at)::DATE FROM raw.image_readings").fetchone()
    assert row and row[0]
    return row[0] + timedelta(days=1)


def lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT text FROM raw.image_text ORDER BY sha256, line_no").fetchall()]


@pytest.fixture
def school(con: duckdb.DuckDBPyConnection) -> Published:
    published = Published(con)
    published.registers([pupil("P0001", "Zofia", "Nowak"), pupil("P0002", "Oliver", "Price")])
    published.read(CERTIFICATE, [("Star of the Week", 0.95), ("Zofia N owak", 0.93)])
    published.read(CARD, [("Oak Class", 0.95), ("Oliver Price", 0.96)])
    published.post("1850000000000000001", "Certificates! ⭐", images={"3_1": CERTIFICATE})
    published.post("1850000000000000002", "First day! 📚", images={"3_2": CARD})
    published.store()
    apply_models(con)
    return published


def test_subject_access_lists_the_lines_read_in_images_that_name_the_person(
    con: duckdb.DuckDBPyConnection, school: Published
) -> None:
    export = subject_access(con, find_subject(con, "person", "P0001"))
    (line,) = export["sections"]["image_text_naming_them"]
    assert (line["media_ref"], line["text"]) == ("x:3_1", "Zofia N owak")
    assert "Oliver" not in str(export["sections"]["image_text_naming_them"])


def test_erasure_removes_a_name_read_in_an_image_even_split_by_the_engine(
    con: duckdb.DuckDBPyConnection, school: Published
) -> None:
    erased = erase(con, find_subject(con, "person", "P0001"), "A. Dpo", "ER-1")
    assert lines(con).count("[erased]") == 1
    assert not [text for text in lines(con) if "owak" in text or "Zofia" in text]
    assert "Oliver Price" in lines(con)
    assert any("image_text" in place for place in erased.counts)


def test_retention_removes_pupils_names_from_old_images_but_not_while_their_exception_is_open(
    con: duckdb.DuckDBPyConnection, school: Published
) -> None:
    open_card = [f for f in school.findings(RULE) if f.subject_id == "1850000000000000002"]
    assert open_card
    insert_exception(con, open_card[0])
    assert redact_pupils_in_old_posts(con, day_after_the_last_reading(con)) >= 1
    assert REMOVED in lines(con) and "Zofia N owak" not in lines(con)
    assert "Oliver Price" in lines(con)  # its pupil-named exception is still open
    assert "Star of the Week" in lines(con)
