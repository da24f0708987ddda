"""contact-details over a real warehouse: personal numbers and addresses found and masked; the school's are not."""

from __future__ import annotations

import duckdb
import pytest

from checks.rules.contact_details import RULE, masked, national_digits
from tests.builders.published import Published
from tests.builders.registers import CHANNEL_LABEL, X_LABEL

SCHOOL = {"email_domains": ("tinylane.example.org.uk",), "phones": ("01632 960263",)}


@pytest.fixture
def school(con: duckdb.DuckDBPyConnection) -> Published:
    published = Published(con)
    published.registers()
    return published


def evidence_of(school: Published, text: str, **context: object) -> list[str]:
    school.post("1850000000000000001", text)
    school.store()
    return [f.evidence for f in school.findings(RULE, **{**SCHOOL, **context})]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Lost a lunchbox? Text Mr Shaw on 07700 900123 to collect it.", "mobile number 07700 9***23"),
        ("Call me on +44 7700 900456", "mobile number 07700 9***56"),
        ("Call me on +44 (0)7700-900-789", "mobile number 07700 9***89"),
        ("Ring 0161 496 0123 after six", "landline number 01614 9***23"),
        ("Please email our PTA chair at jane.price85@gmail.com", "e-mail address j***@gmail.com"),
        ("Write to j.shaw@tinylane.example.com", "e-mail address j***@tinylane.example.com"),
    ],
)
def test_personal_numbers_and_addresses_are_found_and_masked(
    school: Published, text: str, shown: str
) -> None:
    (evidence,) = evidence_of(school, text)
    assert shown in evidence
    digits = national_digits(text.split("on ")[-1]) if "@" not in text else ""
    assert digits == "" or digits not in evidence.replace(" ", "")
    assert "jane.price85" not in evidence


@pytest.mark.parametrize(
    "text",
    [
        "Any questions, call the office on 01632 960263 or email office@tinylane.example.org.uk",
        "Call the office on +44 1632 960263",
        "Email head@another.lancs.sch.uk or admin@tinylane.sch.uk",
        "Childline 0800 1111 is free, any time",
        "Term dates 2026 11 16 to 2026 12 18; year 2025-2026",
        "Parents' evening 07:30-09:00",
    ],
)
def test_the_schools_own_and_things_that_are_not_numbers_are_clear(school: Published, text: str) -> None:
    assert evidence_of(school, text) == []


def test_without_configured_domains_any_sch_uk_address_is_the_schools(school: Published) -> None:
    assert evidence_of(school, "Email office@tinylane.lancs.sch.uk", email_domains=()) == []


def test_numbers_and_addresses_the_school_allows(school: Published) -> None:
    text = (
        "Leisure centre 0161 496 0999; PTA pta@friendsoftinylane.org.uk; coach bookings@coaches.example.com"
    )
    options = {
        "contact-details": {
            "allowed": ["0161 496 0999", "friendsoftinylane.org.uk", "bookings@coaches.example.com"]
        }
    }
    assert evidence_of(school, text, options=options) == []


def test_one_finding_per_post_listing_each_and_the_label_is_masked(school: Published) -> None:
    school.post("1850000000000000002", "Text 07700 900123 or 07700 900124, or email a.b@hotmail.co.uk")
    school.store()
    (finding,) = school.findings(RULE, **SCHOOL)  # type: ignore[arg-type]
    assert (finding.rule, finding.severity, finding.subject_kind, finding.account) == (
        "contact-details",
        "medium",
        "post",
        X_LABEL,
    )
    assert finding.evidence.count("mobile number") == 2 and "a***@hotmail.co.uk" in finding.evidence
    assert finding.subject_label is not None
    assert "900123" not in finding.subject_label and "a.b@" not in finding.subject_label


def test_video_descriptions_are_read(school: Published) -> None:
    school.video("vidShow00001", "Summer show", "Tickets from Miss Bains: text 07700 900210.")
    school.video("vidOffice001", "School tour", "Questions? Call the school office on 01632 960263.")
    school.store()
    (finding,) = school.findings(RULE, **SCHOOL)  # type: ignore[arg-type]
    assert (finding.platform, finding.subject_kind, finding.subject_id, finding.account) == (
        "youtube",
        "video",
        "vidShow00001",
        CHANNEL_LABEL,
    )
    assert "in the description" in finding.evidence


def test_masking_keeps_text_readable() -> None:
    assert masked("call 07700 900123 or mail jo@x.com") == "call 07700 9***23 or mail j***@x.com"


def test_a_mobile_number_on_a_poster_is_found_in_the_image_and_masked(con: duckdb.DuckDBPyConnection) -> None:
    from tests.builders.images import original, textured_image

    school = Published(con)
    school.registers()
    photo = original(textured_image(77))
    school.read(photo, [("Summer Fair", 0.95), ("Call Sam on 07700 900123", 0.94)])
    school.post("1850000000000000009", "Don't miss our fair!", images={"3_77": photo})
    school.store()
    (finding,) = school.findings(RULE)
    assert finding.severity == "medium"
    assert "mobile number 07700 9***23 read in image 3_77 (confidence 0.94)" in finding.evidence
    assert "900123" not in finding.evidence
