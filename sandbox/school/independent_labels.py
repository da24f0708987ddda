"""Scoring a school labelled by another generator (its labels say `"kit": "socialaudit-heldout"`) with the
same tallies as the project's own schools, so `socialaudit evaluate` prints both side by side.

Their labels say what is expected per (rule, platform, subject id), name hard negatives by category and list
undecidable cases; that generator's own scorer (score_exceptions.py) matches on rule, platform and subject
id only, so this adapter does the same (the subject kind and account are left out of the key on both sides).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.school.evaluation import IDENTITY_RULES, Score, score_school

_SUBJECT_KIND = {"official-follows-person": "following", "pupil-comment": "comment"}
# Hard-negative categories that are an adult: flagging them as a pupil is the false accusation counted apart.
_ADULT_CATEGORIES = ("namesake", "parent", "staff", "former-pupil-adult", "former-pupil-turned-18")
_ADULT_KINDS = ("parent", "staff_personal", "staff_official")


def is_independent(labels: dict[str, Any]) -> bool:
    return "expected" in labels and "expected_exceptions" not in labels


def _as_own_labels(labels: dict[str, Any]) -> dict[str, Any]:
    expected = [
        {
            "rule": e["rule"],
            "platform": e["platform"],
            "subject_kind": "-",
            "subject_id": str(e["subject_id"]),
            "person_id": e.get("person_id"),
            "difficulty": e.get("difficulty", "easy"),
            "case": e.get("note", ""),
        }
        for e in labels.get("expected", [])
        if e["rule"] in IDENTITY_RULES
    ]
    known = {(e["rule"], e["platform"], e["subject_id"]) for e in expected}
    for u in labels.get("undecidable", []):
        if (u["rule"], u["platform"], str(u["subject_id"])) not in known and u["rule"] in IDENTITY_RULES:
            expected.append(
                {
                    "rule": u["rule"],
                    "platform": u["platform"],
                    "subject_kind": "-",
                    "subject_id": str(u["subject_id"]),
                    "person_id": None,
                    "difficulty": "undecidable",
                    "case": "undecidable",
                }
            )
    # Every account of the audience (the review load is a share of it); hard negatives below say more.
    audience_kinds = {"follower", "following", "subscriber", "comment"}
    identities = [
        {
            "platform": sub["platform"],
            "subject_id": str(sub["subject_id"]),
            "truth_kind": "unknown",
            "difficulty": "unlabelled",
            "case": str(sub.get("category", "")),
        }
        for sub in labels.get("subjects", [])
        if audience_kinds & set(sub.get("kinds", []))
    ]
    for h in labels.get("hard_negatives", []):
        category = str(h.get("category", ""))
        adult = any(word in category for word in _ADULT_CATEGORIES) and "child" not in category
        identities.append(
            {
                "platform": h["platform"],
                "subject_id": str(h["subject_id"]),
                "truth_kind": h.get("person_kind") if h.get("person_kind") in _ADULT_KINDS else "unknown",
                "difficulty": "hard",
                # "namesake" in the case is how evaluation.py recognises an adult flagged as a pupil.
                "case": category + (" (adult namesake)" if adult and "namesake" not in category else ""),
            }
        )
    # A hard negative's entry, added last, is the one read (the dictionary keeps the last per subject).
    return {"expected_exceptions": expected, "identities": identities}


def score_independent(
    labels: dict[str, Any], exceptions: Iterable[dict[str, Any]], rules: Iterable[str] = IDENTITY_RULES
) -> Score:
    """The identity rules' tallies on an independently labelled school (see the module docstring)."""
    own = _as_own_labels(labels)
    keyed = [{**row, "subject_kind": "-", "account": None} for row in exceptions]
    return score_school(own, keyed, rules)
