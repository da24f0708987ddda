"""political-content: a post or video promotes or comments on party politics (low severity: a person reviews it).

Policy: corbets-tey.txt §6 ("Employees must not promote or comment on personal, political, religious or other
matters"), §7.v (no party political or campaigning use: "the School is not permitted to publish any material which
'in whole or part appears to affect public support for a political party'", Local Government Act 1986), and the
Education Act 1996 s406 (no promotion of partisan political views) and s407 (balanced presentation). What counts:
a UK party named (Labour, Conservative/Tory, Liberal Democrat/Lib Dem, Green Party, Reform UK, SNP, Plaid Cymru,
...), "vote (for) <party>", "vote for <Forename Surname>" outside a school election, "<party> candidate",
"candidate for <Place>", "<party> campaign", "election campaign", "campaigning for <Name>", in post text, alt text,
video titles, descriptions and tags, and in the text read in their images (a placard, a poster; checks/images/).
Civic education (School Council elections, Parliament Week, a polling station closure, a visit to the Town Hall) is
not. `[rules.political-content] extra_terms = [...]` adds phrases,
`ignore_terms = [...]` drops matches that overlap those phrases. One exception per post or video quoting the phrases.
"""

from __future__ import annotations

import re
from typing import Any

from checks.findings import Finding, RuleContext
from checks.rule_support.posts import post_finding
from checks.rule_support.published_text import ImageText, published_items
from checks.rule_support.rule import Rule

RULE_ID = "political-content"
CONFIDENCE = 0.7  # wording, not intent: a person decides whether it is partisan
PARTY = (
    r"(?:(?<![Cc]hild )(?<![Ff]orced )(?<![Mm]anual )Labour(?: Party)?|Conservatives?(?: Party)?|Tor(?:y|ies)"
    r"|Liberal Democrats?|Lib ?Dems?|Green Party|the Greens|Reform UK|SNP|Scottish National Party|Plaid Cymru"
    r"|UKIP|Sinn F[eé]in|DUP|Alliance Party|Workers Party|Co-operative Party)"
)
PERSON = r"[A-Z][\w'’-]+ [A-Z][\w'’-]+"
DEFAULT_TERMS = (
    rf"\b{PARTY}\b(?: candidate| campaign| manifesto| councillor| MP)?",
    rf"\b[Vv]ot(?:e|ing) (?:for )?(?:the )?{PARTY}",
    rf"\b[Vv]ot(?:e|ing) for {PERSON}",
    r"\b[Cc]andidate for [A-Z][\w'’-]+",
    r"\b[Ee]lection campaign\b",
    rf"\b[Cc]ampaign(?:ing)? for {PERSON}",
)
# Elections children run in school are civic education, not party politics.
SCHOOL_ELECTIONS = re.compile(
    r"\b(?:school|class|eco|pupil|student|house|sports?|junior|youth) (?:council|parliament|captains?|reps?"
    r"|representatives?|leaders?|prefects?|ambassadors?)\b|\bhead (?:boy|girl)\b|\bmock election\b",
    re.IGNORECASE,
)
READS_TEXT = frozenset({"text", "alt_text", "title", "description", "tag", "image_text"})


def _patterns(options: dict[str, Any]) -> list[re.Pattern[str]]:
    extra = [rf"\b{re.escape(str(term))}\b" for term in options.get("extra_terms", [])]
    return [re.compile(p) for p in DEFAULT_TERMS] + [re.compile(p, re.IGNORECASE) for p in extra]


def political_phrases(text: str, options: dict[str, Any]) -> list[str]:
    """The political phrases in `text`, longest first where they overlap, minus ignored and school-election ones."""
    ignored = [
        m.span()
        for term in options.get("ignore_terms", [])
        for m in re.finditer(rf"\b{re.escape(str(term))}\b", text, re.IGNORECASE)
    ]
    school_election = bool(SCHOOL_ELECTIONS.search(text))
    spans: list[tuple[int, int]] = []
    for pattern in _patterns(options):
        for match in pattern.finditer(text):
            if school_election and not re.search(PARTY, match.group()):
                continue  # "vote for Ella Shaw for School Council" is a school election
            if any(a < match.end() and match.start() < b for a, b in ignored):
                continue
            spans.append(match.span())
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if kept and start < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
        else:
            kept.append((start, end))
    return list(dict.fromkeys(" ".join(text[a:b].split()) for a, b in kept))


def find(ctx: RuleContext) -> list[Finding]:
    options = ctx.options_for(RULE_ID)
    findings = []
    for item in published_items(ctx.con, READS_TEXT, read_once=ctx.read_once):
        quoted = [
            f'"{phrase}" '
            + (value.where() if isinstance(value, ImageText) else f"in the {field.replace('_', ' ')}")
            for field, value in item.fields
            for phrase in political_phrases(value, options)
        ]
        if not quoted:
            continue
        findings.append(
            post_finding(
                ctx,
                item,
                rule=RULE_ID,
                severity="low",
                confidence=CONFIDENCE,
                evidence="possible party-political content (Education Act 1996 s406/407): "
                + "; ".join(dict.fromkeys(quoted)),
            )
        )
    return findings


RULE = Rule(
    id=RULE_ID,
    title="Party-political content",
    policy="corbets-tey.txt §6 (must not promote or comment on political matters), §7.v (party political "
    "purposes, LGA 1986); Education Act 1996 s406/407",
    what_counts="a party named, a call to vote for a party or candidate, a candidate or party campaign, in a "
    "post or video (school elections and civic education excluded); for a person to review",
    find=find,
    options=("extra_terms", "ignore_terms"),
    reads_text=READS_TEXT,
)
