"""`socialaudit evaluate`'s sets (flows/commands/evaluate.py): each form asked for is a set of its own, a family's
parts are scored apart, and the screen's last table and the results file say the same. The audit each school
gets is replaced here by one that raises exactly what the school's labels expect; the command with its real
audits is tests/e2e/test_evaluate.py's."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from flows.commands import evaluate
from sandbox.school.evaluation import FOLLOWER_RULES

SEED = 106


def _audit_raising_what_the_labels_expect(school_toml: Path, work: Path, as_of: Any) -> list[dict[str, Any]]:
    labels = json.loads((work / "school.labels.json").read_text(encoding="utf-8"))
    return [{**expected, "severity": "high", "evidence": ""} for expected in labels["expected_exceptions"]]


def _arguments(results: Path, *forms: str) -> argparse.Namespace:
    return argparse.Namespace(
        seeds=(SEED,),
        sizes=("small",),
        forms=forms,
        independent=(),
        no_baseline=True,
        as_of=date(2026, 11, 16),
        keep=results.parent / "schools",
        results=results,
    )


def test_each_form_asked_for_is_a_set_and_the_blind_familys_accounts_are_scored_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(evaluate, "_audit", _audit_raising_what_the_labels_expect)
    results = tmp_path / "eval.json"
    assert evaluate.run(_arguments(results, "default", "blind")) == 0
    shown = capsys.readouterr().out
    sets = (
        "project generator, default forms",
        "project generator, blind forms",
        "project generator, blind forms: the blind family's own accounts",
    )
    table, written = shown.split("== per set:")[1].splitlines()[2:-1], shown.splitlines()[-1]
    assert [line.split("  ")[0] for line in table] == list(sets)
    assert "extended forms" not in shown and written == f"results written to {results}"
    assert shown.count("low-severity findings (review load) over 1 schools") == len(sets)
    figures = json.loads(results.read_text(encoding="utf-8"))
    assert figures["seeds"] == [SEED] and figures["forms"] == ["default", "blind"]
    assert list(figures["families"]) == list(sets)
    for title, family in figures["families"].items():
        # What the labels expect, raised: every follower rule the school has a case of is found, and only those.
        assert set(family["rules"]) == set(FOLLOWER_RULES), title
        found = {rule: (r["precision"], r["recall"]) for rule, r in family["rules"].items() if r["tp"]}
        assert found and set(found.values()) == {(1.0, 1.0)}, (title, family["rules"])
        assert family["not_theirs_flagged"] == 0 and family["low_findings"] == 0, title
