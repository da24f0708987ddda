"""The labelled evaluation's scoring: exceptions against labels (the `evaluate` command: tests/e2e)."""

from __future__ import annotations

from typing import Any

from sandbox.school.evaluation import Score, report, score_school


def expected(
    subject_id: str, difficulty: str, rule: str = "pupil-follower", person_id: str = "P1"
) -> dict[str, Any]:
    return {
        "rule": rule,
        "platform": "x",
        "subject_kind": "follower",
        "subject_id": subject_id,
        "person_kind": "pupil",
        "person_id": person_id,
        "difficulty": difficulty,
        "case": f"case_{subject_id}",
    }


def raised(
    subject_id: str, severity: str, rule: str = "pupil-follower", person_id: str = "P1"
) -> dict[str, Any]:
    return {
        "rule": rule,
        "platform": "x",
        "subject_kind": "follower",
        "subject_id": subject_id,
        "severity": severity,
        "person_kind": "pupil",
        "person_id": person_id,
    }


LABELS = {
    "identities": [
        {
            "platform": "x",
            "subject_id": "9",
            "truth_kind": "parent",
            "difficulty": "easy",
            "case": "parent_exact",
        },
        {
            "platform": "x",
            "subject_id": "10",
            "truth_kind": "unknown",
            "difficulty": "hard",
            "case": "adult_namesake",
        },
    ],
    "expected_exceptions": [
        expected("1", "declared"),
        expected("2", "easy"),
        expected("3", "medium"),
        expected("4", "hard"),
        expected("5", "undecidable"),
        expected("6", "easy", rule="staff-personal-follower", person_id="S1"),
        expected("7", "medium"),
    ],
}
EXCEPTIONS = [
    raised("1", "high"),
    raised("2", "high", person_id="P2"),  # right account, wrong register entry
    raised("3", "low"),  # found only as a possible match: a miss for recall, and review load
    raised("5", "high"),  # undecidable but true: counts for precision only
    raised("9", "high"),  # a parent reported as a pupil
    raised("10", "medium"),  # an adult namesake reported as a pupil
    raised("11", "low"),  # a wrong possible match: review load only
    raised("6", "medium", rule="staff-personal-follower", person_id="S1"),
    raised("12", "high", rule="unapproved-media"),  # not an identity rule
]


def test_precision_and_recall_per_rule_and_difficulty() -> None:
    score = score_school(LABELS, EXCEPTIONS)
    pupils = score.rule_total("pupil-follower")
    # tp: 1, 2, 5 (undecidable); fp: 9, 10; fn: 3, 4, 7 (5 is not counted for recall).
    assert (pupils.tp, pupils.fp, pupils.fn) == (3, 2, 3)
    assert pupils.precision == 3 / 5 and pupils.recall == 3 / 6
    assert (
        score.tallies[("pupil-follower", "medium")].fn,
        score.tallies[("pupil-follower", "medium")].missed_as_low,
    ) == (2, 1)
    assert (
        score.tallies[("pupil-follower", "easy")].fp == 1
        and score.tallies[("pupil-follower", "hard")].fp == 1
    )
    assert score.rule_total("staff-personal-follower").precision == 1.0
    assert score.low == {"pupil-follower": 2} and score.low_true == {"pupil-follower": 1}
    assert score.wrong_person == {"pupil-follower": 1}
    assert len(score.adults_as_pupils) == 2
    assert "unapproved-media" not in {rule for rule, _ in score.tallies}


def test_scores_add_up_over_schools_and_print_as_a_table() -> None:
    total = Score()
    total.add(score_school(LABELS, EXCEPTIONS))
    total.add(score_school(LABELS, EXCEPTIONS))
    assert total.schools == 2 and total.rule_total("pupil-follower").tp == 6
    text = report(total)
    assert "pupil-follower             all             6    4    6     0.600   0.500" in text
    assert "low-severity findings (review load) over 2 schools: 4, 2.0 per school (2 of them true)" in text
    assert "parents, staff or adult namesakes flagged as pupils: 4" in text
    # The report lists every rule's low findings to judge: here the two identity ones per school.
    assert total.to_judge == [(2, 2, 2), (2, 2, 2)]
    assert "list (low findings of every rule): 4 listed, about 4 subjects; at most 100.0% (listed)" in text
    assert "missed: " in text and "pupil-follower/case_3 x2" in text
    assert "undecidable     2    0    0     1.000       -" in text  # no recall for undecidable cases


def test_the_reports_list_to_judge_counts_every_rules_low_findings_and_each_subject_once() -> None:
    """The review load as the report shows it: a low finding of a rule other than identity's is listed too, and
    one person with a possible match on two of the school's accounts is listed twice but judged once."""
    twice = [{**raised("11", "low"), "account": "SchoolPE"}, {**raised("11", "low"), "account": "School"}]
    post = {**raised("p1", "low", rule="contact-details"), "subject_kind": "post"}
    score = score_school(LABELS, [*twice, post])
    assert score.to_judge == [(3, 2, 2)]
    # The identity measure keys a finding by the official account the labels know; these labels name none.
    assert score.review == [(1, 2)]


def test_a_perfect_audit_scores_one() -> None:
    perfect = [
        raised(e["subject_id"], "high", e["rule"], e["person_id"]) for e in LABELS["expected_exceptions"]
    ]
    score = score_school(LABELS, perfect)
    for rule in ("pupil-follower", "staff-personal-follower"):
        assert score.rule_total(rule).precision == 1.0 and score.rule_total(rule).recall == 1.0
    assert not score.adults_as_pupils and not score.low


# -- several official accounts ---------------------------------------------------------------------------

MAIN, MAIN_ID, SPORT, SPORT_ID = "TinyLanePri", "1580000000000000001", "TinyLaneSport", "1580000000000000002"


def on(row: dict[str, Any], handle: str, account_id: str) -> dict[str, Any]:
    return {**row, "account": handle, "account_id": account_id}


TWO_ACCOUNTS = {
    "school": {
        "accounts": [
            {"platform": "x", "handle": MAIN, "id": MAIN_ID},
            {"platform": "x", "handle": SPORT, "id": SPORT_ID},
        ]
    },
    "identities": [],
    "expected_exceptions": [
        # One pupil follows both accounts: two expected exceptions; another follows only the main one.
        on(expected("1", "easy"), MAIN, MAIN_ID),
        on(expected("1", "easy"), SPORT, SPORT_ID),
        on(expected("2", "easy"), MAIN, MAIN_ID),
    ],
}


def test_findings_match_labels_per_account_by_handle_or_id() -> None:
    exceptions = [
        {**raised("1", "high"), "account": MAIN},  # the handle as configured
        {**raised("1", "high"), "account": SPORT_ID},  # the platform's id of the account
        {**raised("2", "high"), "account": "@" + SPORT.lower()},  # right person, wrong account
    ]
    score = score_school(TWO_ACCOUNTS, exceptions)
    total = score.rule_total("pupil-follower")
    assert (total.tp, total.fp, total.fn) == (2, 1, 1)
    assert score.misses == {("pupil-follower", "case_2"): 1}


def test_a_finding_on_an_account_the_labels_do_not_know_is_a_false_alarm() -> None:
    exceptions = [
        {**raised("1", "high"), "account": MAIN_ID},
        {**raised("1", "high"), "account": "SomeoneElse"},
        {**raised("2", "high"), "account": MAIN.upper()},
    ]
    total = score_school(TWO_ACCOUNTS, exceptions).rule_total("pupil-follower")
    assert (total.tp, total.fp, total.fn) == (2, 1, 1)


def test_one_account_per_platform_needs_no_account_on_the_exception() -> None:
    labels = {
        "identities": [],
        "expected_exceptions": [
            on(expected("1", "easy"), MAIN, MAIN_ID),
            on(expected("2", "easy"), MAIN, MAIN_ID),
        ],
    }
    total = score_school(labels, [raised("1", "high"), {**raised("2", "high"), "account": MAIN}])
    assert total.rule_total("pupil-follower").recall == 1.0


def test_findings_are_counted_by_confidence_band() -> None:
    from sandbox.school.evaluation import calibration

    rows = [dict(raised("1", "high"), confidence=0.9), dict(raised("8", "low"), confidence=0.65)]
    score = score_school(LABELS, rows)
    text = calibration(score)
    assert "0.90-0.95" in text and "0.60-0.70" in text
    assert score.banded_true[(0.9, 0.95)] == 1 and score.banded_true[(0.6, 0.7)] == 0


def test_a_subset_of_cases_is_scored_apart_against_the_whole_audience() -> None:
    """The compositions held out from tuning: only their labelled accounts count, the review load a share of the
    whole school's audience."""
    labels = {
        "identities": [
            {"platform": "x", "subject_id": str(n), "truth_kind": "unknown", "difficulty": "easy", "case": c}
            for n, c in ((1, "composed held-out: pupil: a"), (2, "composed tuned: pupil: b"), (3, "public"))
        ]
        + [
            {
                "platform": "x",
                "subject_id": "4",
                "truth_kind": "unknown",
                "difficulty": "hard",
                "case": "composed held-out: adult namesake: c",
            }
        ],
        "expected_exceptions": [
            {**expected("1", "medium"), "case": "composed held-out: pupil: a"},
            {**expected("2", "medium"), "case": "composed tuned: pupil: b"},
        ],
    }
    exceptions = [raised("1", "low"), raised("2", "high"), raised("4", "high"), raised("3", "high")]
    held = score_school(labels, exceptions, cases=lambda case: case.startswith("composed held-out"))
    total = held.rule_total("pupil-follower")
    assert (total.tp, total.fp, total.fn) == (0, 1, 1)  # the namesake is its false alarm; "3" is not its own
    assert held.review == [(1, 4)] and held.largest_review_share == 0.25
    assert "at most 25.0% of one school's audience" in report(held)


def test_a_shared_account_is_one_finding_per_person_it_names() -> None:
    from sandbox.school.evaluation import summary

    labels = {
        "identities": [{"platform": "x", "subject_id": "1", "truth_kind": "pupil", "case": "shared"}],
        "expected_exceptions": [
            expected("1", "medium", person_id="P1"),
            expected("1", "medium", person_id="P2"),
        ],
    }
    both = score_school(labels, [raised("1", "high", person_id="P1"), raised("1", "high", person_id="P2")])
    assert (both.rule_total("pupil-follower").tp, both.rule_total("pupil-follower").fn) == (2, 0)
    one = score_school(labels, [raised("1", "high", person_id="P2")])
    assert (one.rule_total("pupil-follower").tp, one.rule_total("pupil-follower").fn) == (1, 1)
    assert summary(one)["rules"]["pupil-follower"]["recall"] == 0.5


def test_what_is_not_the_named_persons_own_is_counted_when_flagged_at_medium_or_above() -> None:
    from sandbox.school.evaluation import family_table, summary

    labels = {
        "identities": [
            {"platform": "x", "subject_id": "20", "truth_kind": "unknown", "case": "blind: business: x"},
            {"platform": "x", "subject_id": "21", "truth_kind": "unknown", "case": "blind: relative: y"},
            {"platform": "x", "subject_id": "22", "truth_kind": "parent", "case": "blind: run by parent: z"},
            {"platform": "x", "subject_id": "23", "truth_kind": "unknown", "case": "child at another school"},
        ],
        "expected_exceptions": [],
    }
    score = score_school(
        labels,
        [
            raised("20", "medium"),
            raised("21", "low"),  # for a person to judge: review load, not a false accusation
            raised("22", "high", rule="former-pupil-follower"),
            raised("23", "high"),  # a false alarm, but a child's account, not an adult's
        ],
    )
    figures = summary(score)
    assert figures["not_theirs_flagged"] == 2 and figures["low_findings"] == 1
    assert figures["rules"]["pupil-follower"]["fp"] == 2
    table = family_table({"a family": figures})
    assert "a family" in table and "0.00/-" in table
