"""The safeguarding terms, defined once: everything that sorts exceptions by them (the DSL's e-mail, who may read,
act on and close what in the review app, the report, a second person for closing one) asks here.

- A *child* is a pupil or a former pupil: the register's kinds `pupil` and `former_pupil`.
- A *safeguarding-critical* exception is one of severity `critical`, or `high` about a child. The Designated
  Safeguarding Lead hears about each one, and a viewer never reads one.
- A *critical* exception (severity `critical`) is closed (accepted, marked a false positive) only by the
  safeguarding lead, and only when a second person confirms it.
- The school's *own publication* is a post or video its official account published (`subject_kind` post or
  video); comments, followers, subscribers and accounts are other people's doing.

Who must act on a critical exception decides who reads it. A critical exception in the school's own publication
(today: a photo of a pupil without photo consent, or who has left, in a post the school made) is put right by
whoever runs the account, the ETL: they delete the post or make the video private. They need to see it to do that,
and what it tells them (which pupil the picture shows, that their consent is refused or withdrawn, that they left)
is what a member of staff who posts for the school is told anyway, before posting, when they check a draft. So
the ETL reads it, acts on it and acknowledges it; what stays with the safeguarding lead is the judgement that it
may stay up or is not a breach (accept, false positive), which needs two people, and never the person who posted
it alone. A critical exception about a person and what they did (no rule raises one today) is the safeguarding
lead's and the DPO's only: nobody else has to act on it, so nobody else learns it.

`sensitivity` places an exception on that scale; dashboards/access.py says which roles reach how far.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any

CHILD_KINDS = ("pupil", "former_pupil")
OWN_PUBLICATION_KINDS = ("post", "video")
CRITICAL = "critical"
HIGH = "high"
# The same test in SQL over a table with `severity` and `person_kind` columns (audit.exceptions and its views).
SAFEGUARDING_CRITICAL_SQL = (
    f"(severity = '{CRITICAL}' OR (severity = '{HIGH}' AND person_kind IN "
    f"({', '.join(repr(kind) for kind in CHILD_KINDS)})))"
)
DEFINITION = "severity critical, or high about a pupil or former pupil"


def is_child(person_kind: str | None) -> bool:
    return person_kind in CHILD_KINDS


def is_safeguarding_critical(severity: str, person_kind: str | None) -> bool:
    return severity == CRITICAL or (severity == HIGH and is_child(person_kind))


def row_is_safeguarding_critical(row: Mapping[str, Any]) -> bool:
    """For an exception as a dict (a report row, a listing row): its `severity` and `person_kind`."""
    return is_safeguarding_critical(str(row["severity"]), row.get("person_kind"))


def closing_needs_second_person(severity: str) -> bool:
    """Accepting a critical exception, or marking it a false positive, waits for a second person."""
    return severity == CRITICAL


class Sensitivity(IntEnum):
    """How far an exception is from what anyone granted may read: each level includes those below it."""

    ORDINARY = 0
    SAFEGUARDING_CRITICAL = 1  # high about a child
    CRITICAL_OWN_PUBLICATION = (
        2  # critical, in a post or video the school published: whoever runs the account acts
    )
    CRITICAL = 3  # critical about a person and what they did


def sensitivity(severity: str, person_kind: str | None, subject_kind: str | None) -> Sensitivity:
    if severity == CRITICAL:
        if subject_kind in OWN_PUBLICATION_KINDS:
            return Sensitivity.CRITICAL_OWN_PUBLICATION
        return Sensitivity.CRITICAL
    if is_safeguarding_critical(severity, person_kind):
        return Sensitivity.SAFEGUARDING_CRITICAL
    return Sensitivity.ORDINARY


def row_sensitivity(row: Mapping[str, Any]) -> Sensitivity:
    return sensitivity(str(row["severity"]), row.get("person_kind"), row.get("subject_kind"))


def urgency(row: Mapping[str, Any]) -> tuple[bool, int, Any, str]:
    """Most urgent first: safeguarding-critical, then by severity, then the longest waiting (first seen earliest);
    the key keeps the order stable from page to page."""
    return (
        not row_is_safeguarding_critical(row),
        SEVERITY_RANK.get(str(row["severity"]), len(SEVERITY_RANK)),
        row["first_seen"],
        str(row["key"]),
    )


SEVERITY_RANK = {CRITICAL: 0, HIGH: 1, "medium": 2, "low": 3}
