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
    ("text", "backing", "mentions"),
    [
        (
            "Local elections on Thursday: please vote for Helen Ashby, our Labour candidate for Town Central!",
            ["vote for Helen Ashby", "our Labour candidate for Town"],
            [],
        ),
        (
            "Proud to support the Reform UK campaign. Vote Reform UK on 7 May!",
            ["support the Reform UK campaign", "Vote Reform UK"],
            [],
        ),
        ("Don't forget to vote Green Party in the council elections", ["vote Green Party"], []),
        (
            "We fully support the Green Party campaign for a safer High Street",
            ["support the Green Party campaign"],
            [],
        ),
        (
            "Thank you to Helen Ashby, the Labour candidate for Town Central, for visiting before polling day",
            ["Thank you to Helen Ashby, the Labour candidate for Town"],
            [],
        ),
        (
            "Proud to support Tom Rudd and the Labour campaign",
            ["support Tom Rudd and the Labour campaign"],
            [],
        ),
        ("Labour will keep our schools funded", ["Labour will keep"], []),
        ("Campaigning for Tom Rudd this weekend", ["Campaigning for Tom Rudd"], []),
        ("The Conservatives and the Lib Dems visited", [], ["Conservatives", "Lib Dems"]),
        ("Our local Labour MP visited Year 6 to talk about Parliament", [], ["Labour MP"]),
        ("Hustings tonight with every candidate for Town Central", [], ["candidate for Town"]),
    ],
)
def test_backing_a_party_or_candidate_is_told_from_a_mention(
    text: str, backing: list[str], mentions: list[str]
) -> None:
    phrases = political_phrases(text, {})
    assert [p.text for p in phrases if p.backs] == backing
    assert [p.text for p in phrases if not p.backs] == mentions


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
        "Thank you for supporting the Summer Fair, Mrs Green and the PTA!",
        "A visit from our local MP, Jane Doe, who answered Year 6's questions about Parliament",
    ],
)
def test_civic_education_and_ordinary_words_are_clear(text: str) -> None:
    assert political_phrases(text, {}) == []


def test_extra_and_ignored_terms_from_school_toml() -> None:
    options = {"extra_terms": ["Save Our Library"], "ignore_terms": ["Green Party"]}
    phrases = political_phrases("March with us to Save Our Library! The Green Party agrees.", options)
    assert [(p.text, p.backs) for p in phrases] == [("Save Our Library", False)]


def test_one_finding_per_post_or_video_medium_when_it_backs(school: Published) -> None:
    school.post("1850000000000000001", "Please vote for Helen Ashby, our Labour candidate for Town Central!")
    school.post("1850000000000000002", "School Council elections: vote for Ella Shaw!")
    school.post("1850000000000000004", "Our local Labour MP visited Year 6 to talk about Parliament")
    school.video("vidDebate001", "Our Year 6 debate", "Don't forget to vote Conservative on Thursday!")
    school.store()
    post, mention, video = school.findings(RULE)
    assert (post.rule, post.severity, post.subject_id, post.person_kind) == (
        "political-content",
        "medium",
        "1850000000000000001",
        None,
    )
    assert post.evidence.startswith("backs a party or candidate")
    assert '"vote for Helen Ashby" in the text' in post.evidence and "s406" in post.evidence
    assert "§6" in post.evidence
    assert (mention.severity, mention.subject_id) == ("low", "1850000000000000004")
    assert '"Labour MP" in the text' in mention.evidence and "without backing" in mention.evidence
    assert (video.platform, video.subject_kind, video.subject_id, video.severity) == (
        "youtube",
        "video",
        "vidDebate001",
        "medium",
    )
    assert '"vote Conservative" in the description' in video.evidence


def test_options_reach_the_rule(school: Published) -> None:
    school.post("1850000000000000003", "Join us to Save Our Library on Saturday")
    school.store()
    assert school.findings(RULE) == []
    options = {"political-content": {"extra_terms": ["save our library"]}}
    assert [f.subject_id for f in school.findings(RULE, options=options)] == ["1850000000000000003"]
