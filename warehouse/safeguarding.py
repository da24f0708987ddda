"""The safeguarding terms, defined once: everything that sorts exceptions by them (the DSL's e-mail, who may read
and decide what in the review app, the report, a second person for closing one) asks here.

- A *child* is a pupil or a former pupil: the register's kinds `pupil` and `former_pupil`.
- A *safeguarding-critical* exception is one of severity `critical`, or `high` about a child. The Designated
  Safeguarding Lead hears about each one, and a viewer never reads one.
- A *critical* exception (severity `critical`, the most sensitive of them) is read and decided only by the
  safeguarding lead (and read by the DPO), and closing one (accept, false positive) needs a second person.

`sensitivity` places an exception on that scale; dashboards/access.py says which roles reach how far.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any

CHILD_KINDS = ("pupil", "former_pupil")
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


class Sensitivity(IntEnum):
    """How far an exception is from what anyone granted may read: each level includes those below it."""

    ORDINARY = 0
    SAFEGUARDING_CRITICAL = 1  # high about a child
    CRITICAL = 2  # severity critical (safeguarding-critical too)


def sensitivity(severity: str, person_kind: str | None) -> Sensitivity:
    if severity == CRITICAL:
        return Sensitivity.CRITICAL
    if is_safeguarding_critical(severity, person_kind):
        return Sensitivity.SAFEGUARDING_CRITICAL
    return Sensitivity.ORDINARY


def row_sensitivity(row: Mapping[str, Any]) -> Sensitivity:
    return sensitivity(str(row["severity"]), row.get("person_kind"))
