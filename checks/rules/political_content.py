"""political-content: a post or video backs a party or candidate (medium), or mentions party politics (low).

Policy: corbets-tey.txt §6 and §7 (v) (with the Local Government Act 1986).

What counts: **medium, backing** (what s406 and §7.v forbid): a call to vote for a party or a named person outside a
school election ("vote Reform UK", "vote for Helen Ashby"); support declared for a party, its campaign or a named
person ("we fully support the Green Party campaign", "proud to back Tom Rudd", "endorse"); a party's candidate
claimed as the school's ("our Labour candidate"); thanks to a named person with their party's candidacy or seat
("Thank you to Helen Ashby, the Labour candidate for Town Central"); a party's promise repeated as the school's
("Labour will keep our schools funded"); campaigning for a named person or party. **Low, a mention**: a UK party
named (Labour, Conservative/Tory, Liberal Democrat/Lib Dem, Green Party, Reform UK, SNP, Plaid Cymru, ...),
"<party> candidate/MP/councillor", "candidate for <Place>", "election campaign", backing nothing: a visit from the
local Labour MP is civic life, but a person checks its wording. Civic education naming no party (School Council
elections, Parliament Week, a polling station closure, a Town Hall visit) raises nothing; text read in images (a
placard, a poster) counts. `extra_terms` adds phrases (a mention); `ignore_terms` drops matches overlapping its
phrases. One exception per post or video, quoting the phrases and saying which back a party or candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from checks.findings import Finding, RuleContext
from checks.rule_support.posts import post_finding
from checks.rule_support.published_text import ImageText, published_items
from checks.rule_support.rule import Rule

RULE_ID = "political-content"
# Wording, not intent: a mention is for a person to weigh; backing said in words is what the clause forbids.
MENTION_CONFIDENCE = 0.7
BACKING_CONFIDENCE = 0.9
PARTY = (
    r"(?:(?<![Cc]hild )(?<![Ff]orced )(?<![Mm]anual )Labour(?: Party)?|Conservatives?(?: Party)?|Tor(?:y|ies)"
    r"|Liberal Democrats?|Lib ?Dems?|Green Party|the Greens|Reform UK|SNP|Scottish National Party|Plaid Cymru"
    r"|UKIP|Sinn F[eé]in|DUP|Alliance Party|Workers Party|Co-operative Party)"
)
PERSON = r"[A-Z][\w'’-]+ [A-Z][\w'’-]+"
# A word or two between a verb and what it backs: "support the", "back our local".
_FEW_WORDS = r"(?:[\w'’-]+ ){0,4}?"
# Phrases that back a party or a named person: what counts as backing in the catalogue (docs/contracts/rules.md).
BACKING_TERMS = (
    rf"\b[Vv]ot(?:e|ing) (?:for )?(?:the )?{PARTY}",
    rf"\b[Vv]ot(?:e|ing) for {PERSON}",
    rf"\b(?:[Ss]upport(?:s|ing|ed)?|[Bb]ack(?:s|ing|ed)?|[Ee]ndors(?:e|es|ing|ed)|[Cc]hampion(?:s|ing)?"
    rf"|[Ss]tand(?:s|ing)? (?:with|behind)) {_FEW_WORDS}{PARTY}",
    rf"\b[Cc]ampaign(?:s|ing|ed)? (?:for|with) (?:the )?(?:{PARTY}|{PERSON})",
    rf"\b(?:[Oo]ur|[Yy]our) (?:local )?{PARTY} candidate",
    rf"\b[Tt]hank(?:s|ing| you)?(?: to)? {PERSON},? (?:[\w'’-]+ ){{0,4}}?{PARTY} candidate",
    rf"\b{PARTY} (?:will|can|would|must) (?:keep|protect|fund|deliver|fix|save|build|back|support|invest)",
)
MENTION_TERMS = (
    rf"\b{PARTY}\b(?: candidate| campaign| manifesto| councillor| MP)?",
    r"\b[Cc]andidate for [A-Z][\w'’-]+",
    r"\b[Ee]lection campaign\b",
)
# Elections children run in school are civic education, not party politics.
SCHOOL_ELECTIONS = re.compile(
    r"\b(?:school|class|eco|pupil|student|house|sports?|junior|youth) (?:council|parliament|captains?|reps?"
    r"|representatives?|leaders?|prefects?|ambassadors?)\b|\bhead (?:boy|girl)\b|\bmock election\b",
    re.IGNORECASE,
)
READS_TEXT = frozenset({"text", "alt_text", "title", "description", "tag", "image_text"})
_BACKING = [re.compile(p) for p in BACKING_TERMS]
_MENTION = [re.compile(p) for p in MENTION_TERMS]


@dataclass(frozen=True)
class Phrase:
    text: str
    backs: bool  # backs a party or candidate (medium), rather than mentions one (low)


def _spans(
    text: str, patterns: list[re.Pattern[str]], ignored: list[tuple[int, int]], school_election: bool
) -> list[tuple[int, int]]:
    spans = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            if school_election and not re.search(PARTY, match.group()):
                continue  # "vote for Ella Shaw for School Council" is a school election
            if any(a < match.end() and match.start() < b for a, b in ignored):
                continue
            spans.append(match.span())
    return spans


def political_phrases(text: str, options: dict[str, Any]) -> list[Phrase]:
    """The political phrases in `text` in order, overlapping ones joined (a joined phrase backs when any part of
    it does), minus ignored and school-election ones."""
    ignored = [
        m.span()
        for term in options.get("ignore_terms", [])
        for m in re.finditer(rf"\b{re.escape(str(term))}\b", text, re.IGNORECASE)
    ]
    extra = [
        re.compile(rf"\b{re.escape(str(term))}\b", re.IGNORECASE) for term in options.get("extra_terms", [])
    ]
    school_election = bool(SCHOOL_ELECTIONS.search(text))
    tagged = [(span, True) for span in _spans(text, _BACKING, ignored, school_election)]
    tagged += [(span, False) for span in _spans(text, _MENTION + extra, ignored, school_election)]
    kept: list[tuple[int, int, bool]] = []
    for (start, end), backs in sorted(tagged, key=lambda t: (t[0][0], -t[0][1])):
        if kept and start < kept[-1][1]:
            a, b, held = kept[-1]
            kept[-1] = (a, max(end, b), held or backs)
        else:
            kept.append((start, end, backs))
    phrases: dict[str, bool] = {}
    for a, b, backs in kept:
        quote = " ".join(text[a:b].split())
        phrases[quote] = phrases.get(quote, False) or backs
    return [Phrase(quote, backs) for quote, backs in phrases.items()]


def find(ctx: RuleContext) -> list[Finding]:
    options = ctx.options_for(RULE_ID)
    findings = []
    for item in published_items(ctx.con, READS_TEXT, read_once=ctx.read_once):
        found = [
            (phrase, value.where() if isinstance(value, ImageText) else f"in the {field.replace('_', ' ')}")
            for field, value in item.fields
            for phrase in political_phrases(value, options)
        ]
        if not found:
            continue
        backing = [f'"{p.text}" {where}' for p, where in found if p.backs]
        mentions = [f'"{p.text}" {where}' for p, where in found if not p.backs]
        if backing:
            evidence = (
                "backs a party or candidate, which an official account must not (Corbets Tey §6; Education Act "
                "1996 s406/407): " + "; ".join(dict.fromkeys(backing))
            )
            if mentions:
                evidence += "; also mentions " + "; ".join(dict.fromkeys(mentions))
        else:
            evidence = (
                "mentions party politics without backing a party or candidate; a person checks the wording "
                "(Corbets Tey §6; Education Act 1996 s406/407): " + "; ".join(dict.fromkeys(mentions))
            )
        findings.append(
            post_finding(
                ctx,
                item,
                rule=RULE_ID,
                severity="medium" if backing else "low",
                confidence=BACKING_CONFIDENCE if backing else MENTION_CONFIDENCE,
                evidence=evidence,
            )
        )
    return findings


RULE = Rule(
    id=RULE_ID,
    title="Party-political content",
    general_basis="Education Act 1996 s406 (no promotion of partisan political views) and s407 (a balanced "
    "presentation of opposing views); DfE guidance on political impartiality in schools",
    example_clauses=(
        "corbets-tey.txt §6 (must not promote or comment on political matters), §7.v (party political purposes, LGA 1986)",
    ),
    what_counts="medium: a post or video backing a party or candidate (a call to vote for one, support declared, "
    "a party's candidate thanked or claimed as the school's own); low: a party or candidacy mentioned without "
    "backing (school elections and civic education excluded)",
    find=find,
    aged_out=None,
    options=("extra_terms", "ignore_terms"),
    remediations=("make-video-private", "delete-post", "delete-page-post", "delete-ig-media"),
    reads_images="text",
    reads_text=READS_TEXT,
)
