"""pupil-named over a real warehouse: full names in text, alt text, hashtags and video fields; not forenames or staff."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from checks.rules.pupil_named import RULE, diminutives
from tests.builders.images import original, textured_image
from tests.builders.published import Published
from tests.builders.registers import X_ACCOUNT, X_LABEL, parent, pupil, staff

PUPILS = [
    pupil("P0001", "William", "Price"),
    pupil("P0002", "Amelia", "Khan", preferred="Millie"),
    pupil("P0003", "Zoë", "O'Brien-Hughes"),
    pupil("P0004", "Jacob", "Shaw", status="left", born=date(2013, 5, 1), left=date(2024, 7, 19)),
    pupil("P0005", "Grace", "Adams", status="left", born=date(2004, 5, 1), left=date(2015, 7, 19)),
]
STAFF = [staff("S001", "Helen", "Moreton"), staff("S002", "Grace", "Holt")]
PARENTS = [parent("PA0001", "Sarah", "Price", of=("P0001",))]


@pytest.fixture
def school(con: duckdb.DuckDBPyConnection) -> Published:
    published = Published(con)
    published.registers(PUPILS, STAFF, PARENTS)
    return published


def named(school: Published, text: str, **post: object) -> list[tuple[str, str | None, str]]:
    school.post("1850000000000000001", text, **post)  # type: ignore[arg-type]
    school.store()
    return [(f.severity, f.person_id, f.evidence) for f in school.findings(RULE)]


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("Huge congratulations to William Price who won the chess tournament!", "William Price"),
        ("Star of the week: Price, William! Brilliant effort.", "Price, William"),
        ("What a match! Billy Price scored the winning goal", "Billy Price"),
        ("Well done Will Price's team", "Will Price"),
        ("WELL DONE WILLIAM PRICE", "WILLIAM PRICE"),
        ("well done william price for trying so hard", "william price"),
    ],
)
def test_a_forename_or_diminutive_with_the_surname_names_the_pupil(
    school: Published, text: str, quote: str
) -> None:
    ((severity, person, evidence),) = named(school, text)
    assert (severity, person) == ("medium", "P0001")
    assert f'"{quote}"' in evidence and "P0001" in evidence


def test_the_evidence_quotes_the_name_and_not_the_rest_of_the_post(school: Published) -> None:
    ((_, _, evidence),) = named(school, "A secret we must keep: William Price moved house to 4 Elm Road")
    assert '"William Price"' in evidence
    assert "Elm Road" not in evidence and "secret" not in evidence


def test_preferred_names_accents_apostrophes_and_hyphens_fold(school: Published) -> None:
    school.post("1850000000000000002", "Millie Khan read 100 books!")
    school.post("1850000000000000003", "Well done Zoe O'Brien-Hughes")
    school.post("1850000000000000004", "Well done ZOË O’BRIEN HUGHES")
    school.store()
    assert [(f.subject_id, f.person_id) for f in school.findings(RULE)] == [
        ("1850000000000000002", "P0002"),
        ("1850000000000000003", "P0003"),
        ("1850000000000000004", "P0003"),
    ]


@pytest.mark.parametrize("tag", ["WellDoneAmeliaKhan", "MillieKhan", "welldoneameliakhan", "KhanAmelia"])
def test_a_hashtag_names_the_pupil_when_its_words_are_the_name(school: Published, tag: str) -> None:
    ((_, person, evidence),) = named(school, f"So proud of our spelling bee champion! #{tag} #TeamTiny")
    assert person == "P0002"
    assert f'hashtag "#{tag}"' in evidence


def test_the_entities_hashtags_are_read_too(school: Published) -> None:
    ((_, person, _),) = named(school, "Champion!", hashtags=("WellDoneAmeliaKhan",))
    assert person == "P0002"


def test_a_hashtag_that_only_contains_the_letters_is_not_a_name(school: Published) -> None:
    assert named(school, "#SwilliamPricey #AmeliaKhans #TeamAmelia") == []


@pytest.mark.parametrize(
    "text",
    [
        "Well done William for reading 100 books this term!",  # forename alone
        "Thank you to Helen Moreton for organising the fair",  # staff
        "A huge thank you to Mrs Price and to Mr William Price, our governor",  # titled adult
        "Our PTA chair Sarah Price thanks everyone",  # a parent
        "The price William paid",  # not capitalised as a name
        "Grace Adams, a former pupil, visited today",  # a former pupil who is now an adult
        "Grace Holt led the assembly",  # staff; Grace Adams the pupil is not named
    ],
)
def test_forenames_staff_parents_and_titled_adults_are_not_pupils_named(school: Published, text: str) -> None:
    assert named(school, text) == []


def test_a_former_pupil_under_18_is_named_as_a_former_pupil(school: Published) -> None:
    school.post("1850000000000000005", "Jacob Shaw came back to visit!")
    school.store()
    (finding,) = school.findings(RULE)
    assert (finding.person_kind, finding.person_id) == ("former_pupil", "P0004")


def test_with_media_the_finding_is_high_and_alt_text_counts(school: Published) -> None:
    photo = original(textured_image(3))
    school.post(
        "1850000000000000006",
        "Swimming certificates this week!",
        images={"3_1": photo},
        alt_text={"3_1": "Millie Khan holding a swimming certificate"},
    )
    school.store()
    (finding,) = school.findings(RULE)
    assert (finding.severity, finding.person_kind, finding.person_id) == ("high", "pupil", "P0002")
    assert (finding.subject_kind, finding.subject_id, finding.account) == (
        "post",
        "1850000000000000006",
        X_LABEL,
    )
    assert finding.key == f"pupil-named:x:{X_ACCOUNT}:post:1850000000000000006"
    assert 'alt_text "Millie Khan"' in finding.evidence


def test_one_finding_per_post_naming_every_pupil(school: Published) -> None:
    ((_, person, evidence),) = named(school, "Well done William Price and Amelia Khan! #WilliamPrice")
    assert person == "P0001"
    assert "P0001" in evidence and "P0002" in evidence and "#WilliamPrice" in evidence


def test_video_titles_descriptions_and_tags_are_read(school: Published) -> None:
    school.video("vidConcert01", "Summer Concert 2026: solo by Billy Price")
    school.video("vidAssembly1", "Class assembly", "With a reading by Amelia Khan")
    school.video("vidPlain0001", "Sports day", "Well done William!")
    school.store()
    findings = school.findings(RULE)
    assert [(f.subject_kind, f.subject_id, f.person_id, f.severity) for f in findings] == [
        ("video", "vidAssembly1", "P0002", "high"),
        ("video", "vidConcert01", "P0001", "high"),
    ]
    assert findings[1].subject_label == "Summer Concert 2026: solo by Billy Price"


def test_a_name_two_people_share_is_a_low_severity_possible_finding(con: duckdb.DuckDBPyConnection) -> None:
    school = Published(con)
    school.registers(
        [pupil("P0001", "Sam", "Lee"), pupil("P0002", "Samuel", "Lee", year="3")],
        [staff("S001", "Sam", "Lee")],
    )
    ((severity, person, evidence),) = named(school, "Sam Lee won the art prize")
    assert severity == "low"
    assert person == "P0001" and "shared" in evidence


def test_uk_diminutives_beyond_the_nicknames_package() -> None:
    assert {"alfie", "liam", "mia", "millie"} <= diminutives("alfred") | diminutives("william") | diminutives(
        "amelia"
    )
    assert "william" not in diminutives("william")


def test_a_diminutive_the_lists_lack_is_read_as_the_english_make_it() -> None:
    # "Olly" is Oliver made smaller; the same reading as identity resolution (checks/identity/nicknames.py).
    assert {"olly", "ollie"} <= diminutives("oliver")
    assert {"beattie", "evie"} <= diminutives("beatrice") | diminutives("evelyn")
    assert "olive" not in diminutives("oliver")  # a name of its own


def test_a_post_naming_a_pupil_by_a_made_diminutive(con: duckdb.DuckDBPyConnection) -> None:
    published = Published(con)
    published.registers([pupil("P0010", "Oliver", "Bennett")], STAFF, PARENTS)
    ((severity, person, evidence),) = named(published, "Well done Olly Bennett for a brilliant race!")
    assert (severity, person) == ("medium", "P0010")
    assert "diminutive of Oliver" in evidence


# --- names read in images (checks/images/) -------------------------------------------------------------------


def read_in_image(
    school: Published, lines: list[tuple[str, float]], seed: int = 41
) -> list[tuple[str, str | None, str]]:
    photo = original(textured_image(seed))
    school.read(photo, lines)
    return named(school, "Certificates this week! ⭐", images={"3_901": photo})


def test_a_name_read_in_an_image_is_high_and_quotes_the_image_and_the_engine(school: Published) -> None:
    ((severity, person, evidence),) = read_in_image(
        school, [("Star of the Week", 0.95), ("awarded to", 0.96), ("William Price", 0.93)]
    )
    assert (severity, person) == ("high", "P0001")
    assert 'text read in image 3_901 (confidence 0.93) "William Price" names pupil P0001' in evidence


def test_a_name_the_engine_split_is_still_found(school: Published) -> None:
    ((severity, person, evidence),) = read_in_image(school, [("Amelia K han", 0.91)])
    assert (severity, person) == ("high", "P0002")
    assert '"Amelia K han"' in evidence


def test_a_low_confidence_reading_is_a_low_finding_never_silent(school: Published) -> None:
    ((severity, person, evidence),) = read_in_image(school, [("William Price", 0.41)])
    assert (severity, person) == ("low", "P0001")
    assert "may have misread it: look at the image" in evidence


@pytest.mark.parametrize(
    "lines",
    [
        [("Sports Day 2026", 0.95), ("Welcome to Oak Class", 0.9)],  # lettering that names no one
        [("Star of the Week", 0.95), ("William", 0.95)],  # a forename alone
        [("Thank you Mrs Helen Moreton", 0.95)],  # a member of staff, by title
    ],
)
def test_lettering_that_names_no_pupil_raises_nothing(
    school: Published, lines: list[tuple[str, float]]
) -> None:
    assert read_in_image(school, lines) == []


@pytest.mark.parametrize(
    ("line", "person", "quote"),
    [
        ("lsla Merrow", "P0006", "lsla Merrow"),  # the capital I read as a lower-case l
        ("1sla Merrow", "P0006", "1sla Merrow"),  # ... or as a 1
        ("Bryn WiIlets", "P0007", "Bryn WiIlets"),  # a lower-case l read as a capital I
        ("lSLA MERROW", "P0006", "lSLA MERROW"),  # in capitals, the first I read as an l
        ("lzzy Merrow", "P0006", "lzzy Merrow"),  # a diminutive ("Izzy" of Isabel) read so too
    ],
)
def test_a_name_read_with_the_letters_print_cannot_tell_apart_is_found(
    con: duckdb.DuckDBPyConnection, line: str, person: str, quote: str
) -> None:
    school = Published(con)
    school.registers(
        [pupil("P0006", "Isabel", "Merrow", preferred="Isla"), pupil("P0007", "Bryn", "Willets")], [], []
    )
    ((severity, found, evidence),) = read_in_image(school, [("Star of the Week", 0.95), (line, 0.92)])
    assert (severity, found) == ("high", person)
    assert f'"{quote}"' in evidence and "a capital I, a lower-case l and a 1 alike" in evidence


@pytest.mark.parametrize(
    "lines",
    [
        [("Bryn Wiliets", 0.95)],  # a lower-case i is not the upright stroke: another name
        [("Thank you MlSS lSLA MERROW", 0.95)],  # after a title, as printed
    ],
)
def test_only_the_upright_strokes_are_read_alike(
    con: duckdb.DuckDBPyConnection, lines: list[tuple[str, float]]
) -> None:
    school = Published(con)
    school.registers(
        [pupil("P0006", "Isabel", "Merrow", preferred="Isla"), pupil("P0007", "Bryn", "Willets")], [], []
    )
    assert read_in_image(school, lines) == []


def test_typed_text_is_not_read_as_print(con: duckdb.DuckDBPyConnection) -> None:
    school = Published(con)
    school.registers([pupil("P0006", "Isabel", "Merrow", preferred="Isla")], [], [])
    assert named(school, "Well done lsla Merrow!") == []
