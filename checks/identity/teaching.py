"""A child described by the people and classes the school knows: "Mrs Ward's class", "in Oak class".

The staff register says who teaches which year groups and classes (`year_groups`, `classes`, and a year group
written in `role`, "Class Teacher, Year 3"). A profile that places its owner in a teacher's or a class's year
group gives a year-group cue, weighed with every other cue by scoring.py: it agrees with a pupil of that year
group, stands against a pupil of another, and lets a forename written alone be read at all. A teacher or class
the school does not know, or one teaching several year groups, says nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from checks.identity.cues import Cue
from checks.identity.text import fold_name, name_key, plain_text
from checks.registers.values import ValueRefused, parse_year_group

# "Mrs Ward's class", "Miss Ward class", "Mr Jones' group", "mrs_ward_class"
_TEACHERS_CLASS = re.compile(
    r"\b(?:mr|mrs|miss|ms|mx|dr)\.?\s+(?P<surname>[a-z][a-z-]+?)(?:['’]s|s?['’])?\s+(?:class|group|form|set)\b",
    re.IGNORECASE,
)
# "Oak class", "class Oak"
_NAMED_CLASS = re.compile(r"\b(?P<a>[a-z0-9]+)\s+class\b|\bclass\s+(?P<b>[a-z0-9]+)\b", re.IGNORECASE)
# "Year 3", "Y5/6", "Years 5 and 6", "Year 4-6", "Reception": every year group a role names.
_YEARS_IN_ROLE = re.compile(
    r"\b(?:years?|yrs?|y)\s*(?P<first>\d{1,2}|r)(?P<more>(?:\s*(?:/|&|and|,|-|to)\s*\d{1,2}\b)*)|\breception\b",
    re.IGNORECASE,
)


def year_groups_taught(row: dict[str, Any]) -> frozenset[str]:
    """The year groups a staff register row says they teach: its `year_groups`, and all a `role` names."""
    groups = set(row.get("year_groups") or ())
    for match in _YEARS_IN_ROLE.finditer(row.get("role") or ""):
        if not match.group("first"):
            groups.add("R")
            continue
        numbers = [match.group("first"), *re.findall(r"\d{1,2}", match.group("more") or "")]
        if "-" in (match.group("more") or "") or " to " in (match.group("more") or ""):
            low, high = int(numbers[0]) if numbers[0].isdigit() else 0, int(numbers[-1])
            numbers = [str(n) for n in range(low, high + 1)]
        for number in numbers:
            try:
                groups.add(parse_year_group(number))
            except ValueRefused:
                continue
    return frozenset(groups)


class Teaching:
    """Who teaches which year groups, by the teacher's surname and by the class's name."""

    def __init__(self) -> None:
        self.by_surname: dict[str, set[str]] = defaultdict(set)
        self.by_class: dict[str, set[str]] = defaultdict(set)

    def learn(self, surname: str, row: dict[str, Any]) -> None:
        groups = year_groups_taught(row)
        if not groups:
            return
        self.by_surname[name_key(surname)] |= groups
        for name in row.get("classes") or ():
            self.by_class[fold_name(name)] |= groups

    def cues(self, fields: Iterable[tuple[str, str]]) -> list[Cue]:
        """Year-group cues from a teacher's class or a class named in the fields, where one year group is taught."""
        if not self.by_surname:
            return []
        cues = []
        for where, raw in fields:
            text = plain_text(raw).replace("_", " ")
            for match in _TEACHERS_CLASS.finditer(text):
                cues += _one_year(self.by_surname.get(name_key(match.group("surname")), set()), match, where)
            for match in _NAMED_CLASS.finditer(text):
                name = fold_name(match.group("a") or match.group("b") or "")
                cues += _one_year(self.by_class.get(name, set()), match, where)
        return cues


def _one_year(groups: set[str], match: re.Match[str], where: str) -> list[Cue]:
    if len(groups) != 1:
        return []
    (group,) = groups
    return [Cue("year_group", group, match.group(0), where)]
