"""The shape every policy rule module fills in: its id, the clause it enforces, its finder, and what it reads
beyond the week's marts: the options it takes from school.toml and the published text it looks at."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checks.findings import Finding, RuleContext


@dataclass(frozen=True)
class Rule:
    """No field has a default: a rule module says what it reads, or it does not import."""

    id: str
    title: str
    policy: str
    what_counts: str
    find: Callable[[RuleContext], list[Finding]]
    # The keys it no longer raises only because the person has turned 18 while still there (their exceptions
    # resolve as `aged-out`, not `gone`); None for a rule that does not depend on age.
    aged_out: Callable[[RuleContext], set[str]] | None
    # The keys of its `[rules.<id>]` table in school.toml, each a list of strings; () when it takes none. school.toml
    # refuses any other key there, so a mistyped option is an error, not silently ignored.
    options: tuple[str, ...]
    # The fields of the school's published text it reads (`PUBLISHED_TEXT_FIELDS`: text, hashtag, alt_text, title,
    # description, tag); empty for a rule that reads none. `published_items` gives it only these, and a post whose
    # images' alt text is unknown (the X archive) says so on the findings of the rules that read `alt_text`.
    reads_text: frozenset[str]
