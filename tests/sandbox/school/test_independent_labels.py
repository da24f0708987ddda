"""Scoring a school labelled by the independent generator with the project's tallies."""

from __future__ import annotations

from sandbox.school.independent_labels import is_independent, score_independent

LABELS = {
    "expected": [
        {
            "rule": "pupil-follower",
            "platform": "x",
            "subject_kind": "follower",
            "subject_id": "1",
            "person_kind": "pupil",
            "person_id": "P1",
            "difficulty": "easy",
            "note": "full-name",
        },
        {
            "rule": "pupil-follower",
            "platform": "x",
            "subject_kind": "follower",
            "subject_id": "2",
            "person_kind": "pupil",
            "person_id": "P2",
            "difficulty": "hard",
            "note": "forename+year",
        },
        {
            "rule": "unapproved-media",
            "platform": "x",
            "subject_kind": "post",
            "subject_id": "9",
            "person_kind": None,
            "person_id": None,
            "difficulty": "new",
            "note": "",
        },
    ],
    "hard_negatives": [
        {
            "rule_family": "follower",
            "category": "pupil-namesake-adult",
            "platform": "x",
            "subject_kind": "follower",
            "subject_id": "3",
            "person_kind": None,
            "person_id": None,
            "note": "",
        },
    ],
    "undecidable": [{"rule": "pupil-follower", "platform": "x", "subject_id": "4"}],
}


def finding(subject_id: str, severity: str = "high") -> dict[str, object]:
    return {
        "rule": "pupil-follower",
        "platform": "x",
        "account": "Anything",
        "subject_kind": "follower",
        "subject_id": subject_id,
        "severity": severity,
        "person_kind": "pupil",
        "person_id": "P1",
        "confidence": 0.9,
    }


def test_scored_like_the_shared_scorer() -> None:
    assert is_independent(LABELS) and not is_independent({"expected_exceptions": []})
    score = score_independent(LABELS, [finding("1"), finding("3"), finding("4"), finding("2", "low")])
    total = score.rule_total("pupil-follower")
    assert (total.tp, total.fp, total.fn) == (2, 1, 1)  # 1 and undecidable 4 true; adult 3 false; 2 missed
    assert len(score.adults_as_pupils) == 1
    assert score.low["pupil-follower"] == 1 and score.low_true["pupil-follower"] == 1
