"""political-content over a real warehouse: party-political wording flagged low; civic education is not."""

from __future__ import annotations

import duckdb
import pytest

from checks.rules.political_content import RULE, political_phrases
from tests.builders.published import Published


@pytest.fixture
def school(con: duckdb.DuckDBPyConnection) -> Published:
    published = Published(con)
    published.registers()
    return published


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        (
            "Local elections on Thursday: please vote for Helen Ashby, our Labour candidate for Town Central!",
            ["vote for Helen Ashby", "Labour candidate for Town"],
        ),
        (
            "Proud to support the Reform UK campaign. Vote Reform UK on 7 May!",
            ["Reform UK campaign", "Vote Reform UK"],
        ),
        ("Don't forget to vote Green Party in the council elections", ["vote Green Party"]),
        ("The Conservatives and the Lib Dems visited", ["Conservatives", "Lib Dems"]),
        ("Campaigning for Tom Rudd this weekend", ["Campaigning for Tom Rudd"]),
    ],
)
def test_party_political_wording_is_quoted(text: str, phrases: list[str]) -> None:
    assert political_phrases(text, {}) == phrases


@pytest.mark.parametrize(
    "text",
    [
        "Reminder: school is closed on Thursday as our hall is being used as a polling station.",
        "Year 6 visited the Town Hall to learn how the council works #Democracy",
        "School Council elections today! Vote for Ella Shaw and Tom Price for School Council",
        "Parliament Week: Year 5 learned how laws are made",
        "Vote for your favourite book in the library!",
        "Year 6 learned about Victorian Child Labour in the mills",
        "A conservation area visit for Year 3",
    ],
)
def test_civic_education_and_ordinary_words_are_clear(text: str) -> None:
    assert political_phrases(text, {}) == []


def test_extra_and_ignored_terms_from_school_toml() -> None:
    options = {"extra_terms": ["Save Our Library"], "ignore_terms": ["Green Party"]}
    assert political_phrases("March with us to Save Our Library! The Green Party agrees.", options) == [
        "Save Our Library"
    ]


def test_one_low_finding_per_post_or_video_with_the_phrases(school: Published) -> None:
    school.post("1850000000000000001", "Please vote for Helen Ashby, our Labour candidate for Town Central!")
    school.post("1850000000000000002", "School Council elections: vote for Ella Shaw!")
    school.video("vidDebate001", "Our Year 6 debate", "Don't forget to vote Conservative on Thursday!")
    school.store()
    post, video = school.findings(RULE)
    assert (post.rule, post.severity, post.subject_id, post.person_kind) == (
        "political-content",
        "low",
        "1850000000000000001",
        None,
    )
    assert '"vote for Helen Ashby" in the text' in post.evidence and "s406" in post.evidence
    assert (video.platform, video.subject_kind, video.subject_id) == ("youtube", "video", "vidDebate001")
    assert '"vote Conservative" in the description' in video.evidence


def test_options_reach_the_rule(school: Published) -> None:
    school.post("1850000000000000003", "Join us to Save Our Library on Saturday")
    school.store()
    assert school.findings(RULE) == []
    options = {"political-content": {"extra_terms": ["save our library"]}}
    assert [f.subject_id for f in school.findings(RULE, options=options)] == ["1850000000000000003"]
