"""`[policy]` in school.toml: the school's own social networking policy and, per rule, the clause it enforces
(docs/contracts/school-toml.md). The outputs cite these instead of a rule's general basis."""

from __future__ import annotations

from typing import Any

from checks.rule_support.citation import SchoolPolicy
from flows.config.strict import KeyPath, Problems, describe_value, nearest_name, sub_table

POLICY_KEYS = ("document", "url")


def _text(table: dict[str, Any], key: str, path: KeyPath, problems: Problems) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.add((*path, key), f"[policy] {key} must be a non-empty string, not {describe_value(value)}")
        return None
    return value.strip()


def parse_policy(data: dict[str, Any], problems: Problems) -> SchoolPolicy:
    path: KeyPath = ("policy",)
    table = sub_table(data, "policy", (), problems)
    problems.unknown(table, path, {**dict.fromkeys(POLICY_KEYS, "key"), "clauses": "table"})
    document = _text(table, "document", path, problems)
    url = _text(table, "url", path, problems)
    if url is not None and not url.startswith(("https://", "http://")):
        problems.add((*path, "url"), f"[policy] url must be a web address (https://...), not {url!r}")
        url = None
    clauses_path: KeyPath = (*path, "clauses")
    clause_table = sub_table(table, "clauses", path, problems)
    clauses: dict[str, str] = {}
    if clause_table:
        # Only when the school names clauses: reading school.toml does not load the rules otherwise.
        from checks.rules import RULE_OPTIONS

        for rule_id, clause in clause_table.items():
            if rule_id not in RULE_OPTIONS:
                problems.add(
                    (*clauses_path, rule_id),
                    f"[policy.clauses] {rule_id!r} is no rule{nearest_name(rule_id, RULE_OPTIONS)}",
                )
            elif not isinstance(clause, str) or not clause.strip():
                problems.add(
                    (*clauses_path, rule_id),
                    f"[policy.clauses] {rule_id} must be the clause as a non-empty string, not "
                    f"{describe_value(clause)}",
                )
            else:
                clauses[rule_id] = clause.strip()
        if document is None:
            problems.add(path, "[policy] document is required when [policy.clauses] names a clause")
    return SchoolPolicy(document=document, url=url, clauses=clauses)
