"""The session's sample school audited again the week after (tests/e2e/conftest.py `sample_school_next_week`): what
that run left and what it did."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.builders.audits import Audit

SAMPLE_SCHOOL_NEXT_WEEK = "2026-11-23"


@dataclass(frozen=True)
class NextWeek:
    """The next week's run: what it left (an Audit of its own copy of the school and warehouse), the summary it
    returned, and the size of every image it decoded (published or in the approved library: none is expected)."""

    audit: Audit
    summary: dict[str, Any]
    decoded: list[int]
