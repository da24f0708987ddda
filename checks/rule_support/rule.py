"""The shape every policy rule module fills in: its id, the clause it enforces, and its finder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checks.findings import Finding, RuleContext


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    policy: str
    what_counts: str
    find: Callable[[RuleContext], list[Finding]]
