"""The shape every policy rule module fills in: its id, the basis it enforces (in law and national guidance, and as
example schools' policies word it), its finder, and what it reads beyond the week's marts: the options it takes from
school.toml and the published text it looks at."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checks.findings import Finding, RuleContext


@dataclass(frozen=True)
class Rule:
    """No field has a default: a rule module says what it reads, or it does not import."""

    id: str
    title: str
    # What any school's rule rests on (statute, KCSIE, ICO and NSPCC guidance): cited when the school names no clause
    # of its own for the rule (`[policy.clauses]` in school.toml), never another school's file.
    general_basis: str
    # Where the example policies the rules were drawn from say it (docs/contracts/rules.md quotes each clause): shown
    # in the docs and `socialaudit init` as what a school's own clause may look like, never cited in a report.
    example_clauses: tuple[str, ...]
    what_counts: str
    find: Callable[[RuleContext], list[Finding]]
    # The keys it no longer raises only because the person has turned 18 while still there (their exceptions
    # resolve as `aged-out`, not `gone`); None for a rule that does not depend on age.
    aged_out: Callable[[RuleContext], set[str]] | None
    # The keys of its `[rules.<id>]` table in school.toml, each a list of strings; () when it takes none. school.toml
    # refuses any other key there, so a mistyped option is an error, not silently ignored.
    options: tuple[str, ...]
    # The actions that can act on its findings through a platform (warehouse/remediation/actions.py ACTIONS; the
    # manual step is every rule's), () when none can; tests/checks/rules/test_rule_declarations.py holds the catalogue to it.
    remediations: tuple[str, ...]
    # What of a published image it looks at: "pixels" (the picture itself), "text" (what is written in it) or "":
    # an image that could not be downloaded blinds it for that post only (warehouse/stream_status.py).
    reads_images: str
    # The fields of the school's published text it reads (`PUBLISHED_TEXT_FIELDS`: text, hashtag, alt_text, title,
    # description, tag); empty for a rule that reads none. `published_items` gives it only these, and a post whose
    # images' alt text is unknown (the X archive) says so on the findings of the rules that read `alt_text`.
    reads_text: frozenset[str]

    @property
    def policy(self) -> str:
        """What the rule cites for a school that names no policy of its own."""
        return self.general_basis
