"""`socialaudit evaluate` end to end: a fresh seed generated, audited and scored against its labels."""

from __future__ import annotations

import json


def test_the_evaluate_command_audits_a_fresh_seed(socialaudit, tmp_path) -> None:
    # In a subprocess, like `make eval`: the audits it runs leave nothing behind in the test process. One form,
    # one audit: the blind forms are the default school and a family of their own, scored apart as a part. That
    # each form asked for is a set of its own (the default forms' among them) is
    # tests/flows/test_evaluate_sets.py's; scoring the extended forms' subsets apart is
    # tests/sandbox/school/test_evaluation.py's.
    results = tmp_path / "results" / "eval.json"
    result = socialaudit(
        *("evaluate", "--seeds", "106", "--sizes", "small", "--forms", "blind"),
        *("--keep", str(tmp_path), "--results", str(results)),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "pupil-follower" in result.stdout and "precision" in result.stdout
    assert "low-severity findings (review load) over 1 schools" in result.stdout
    assert (tmp_path / "small-106-blind" / "out" / "exceptions.json").is_file()
    # One line per set, the blind family's own accounts apart, and the same figures as JSON.
    table = result.stdout.split("== per set:")[1]
    for family in ("blind forms", "the blind family's own accounts"):
        assert family in table, family
    assert "extended forms" not in table and "default forms" not in table
    figures = json.loads(results.read_text(encoding="utf-8"))["families"]
    blind = figures["project generator, blind forms: the blind family's own accounts"]
    assert set(blind["rules"]) == {"pupil-follower", "staff-personal-follower", "former-pupil-follower"}
    assert {"not_theirs_flagged", "low_findings", "low_share"} <= set(blind)
