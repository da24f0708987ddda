"""What a rule cites: the school's own policy clause when school.toml names one (`[policy]`), otherwise the rule's
general basis in law and national guidance. Never another school's policy: the example clauses a rule declares are
for the docs and `socialaudit init`, not for a school's report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from checks.rule_support.rule import Rule


@dataclass(frozen=True)
class SchoolPolicy:
    """school.toml `[policy]`: the school's own social networking policy and, per rule id, the clause it enforces."""

    document: str | None = None
    url: str | None = None
    clauses: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CitedRule:
    """A rule as one school's outputs describe it (the warehouse's meta.rules, the report, the app, the DPIA)."""

    id: str
    title: str
    policy: str
    what_counts: str


def citation(rule: Rule, school_policy: SchoolPolicy) -> str:
    clause = school_policy.clauses.get(rule.id)
    if clause is None or school_policy.document is None:
        return rule.general_basis
    where = f" ({school_policy.url})" if school_policy.url else ""
    return f"{school_policy.document}{where} {clause}"


def cited_rules(rules: Iterable[Rule], school_policy: SchoolPolicy) -> tuple[CitedRule, ...]:
    return tuple(CitedRule(r.id, r.title, citation(r, school_policy), r.what_counts) for r in rules)
