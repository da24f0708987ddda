"""The decision: a declared handle is certain; otherwise the best kept reading, its rivals and the confidence.

Readings within TIE of the best are as likely, unless one explains clearly more of the name (EXPLAINS_MORE
letters): all of one kind, the best stands and the evidence names them all;
a member of staff and a parent of the same name are one person (staff_personal); a pupil and an adult give the
most serious reading, capped at MIXED_AMBIGUITY_CAP for a person to judge.
"""

from __future__ import annotations

from typing import Any

from checks.identity import evidence
from checks.identity.profile import Match
from checks.identity.register_index import KIND_PRECEDENCE, Person, RegisterIndex, declared_key, shown_account
from checks.identity.weights import (
    CEILING,
    DECLARED,
    DECLARED_PARENT_IS_STAFF,
    EXPLAINS_MORE,
    MIXED_AMBIGUITY_CAP,
    ONLY_ONE,
    PARTIAL,
    SETTLE_BELOW,
    TIE,
)

# (resolved kind, register person or None, confidence, evidence)
Resolution = tuple[str, Person | None, float, str]


def declared_reading(index: RegisterIndex, member: dict[str, Any]) -> Resolution | None:
    """The reading of a handle (X) or channel id (YouTube) declared in a register, or None when none is."""
    platform = member["platform"]
    key = declared_key(platform, member["handle"], member["subject_id"])
    index.stats.lookups += 1
    if key not in index.by_handle:
        return None
    person, kind, source = index.by_handle[key]
    shown = shown_account(platform, member["handle"], member["subject_id"])
    said = evidence.declared(platform, shown, source, person)
    if kind == "parent":
        staff = index.staff_of_the_same_name(person)
        if staff is not None:
            # One person in both registers: a personal account is still a staff account (docs/identity.md).
            return (
                "staff_personal",
                staff,
                DECLARED_PARENT_IS_STAFF,
                evidence.declared_parent_is_staff(said, person, staff),
            )
    return kind, person, DECLARED, said


def decide(kept: list[Match], ruled_out: list[Match] | None = None) -> Resolution:
    """The best of the scored readings (in candidate order), with ambiguity settled as the module says; the
    namesakes the profile ruled out are named in the evidence with the reason."""
    kind, person, confidence, said = _decide(kept)
    if ruled_out:
        said = f"{said}; {evidence.ruled_out(ruled_out)}"
    return kind, person, confidence, said


def _decide(kept: list[Match]) -> Resolution:
    strongest = max(kept, key=lambda m: m.score, default=None)
    if (
        strongest is not None
        and strongest.method in PARTIAL
        and all(m.score < strongest.score - TIE for m in kept if m is not strongest)
    ):
        # Other readings (a forename alone, a namesake without the role) fit less well: these details together,
        # cues included, fit one register entry clearly better than any other.
        strongest.score = min(CEILING, strongest.at_most, strongest.score + ONLY_ONE)
        strongest.reasons.append("the only register entry these details fit")
    if not kept:
        return "unknown", None, 0.0, evidence.NO_MATCH
    kept.sort(key=lambda m: (-m.score, KIND_PRECEDENCE[m.resolved_kind], m.person.person_id))
    close = [m for m in kept if m.score >= kept[0].score - TIE]
    # Of readings as likely by their scores, one that explains clearly more of the name (a longer surname
    # "Olawale-Obi" over a parent "Obi") is the one the profile names.
    most = max(m.explained for m in close)
    close = [m for m in close if m.explained > most - EXPLAINS_MORE]
    best = close[0]
    rivals = close[1:]
    if not rivals:
        doubt = best.settle if best.score < SETTLE_BELOW else ""
        return best.resolved_kind, best.person, best.score, evidence.settle(evidence.describe(best), doubt)
    kinds = {best.resolved_kind, *(m.resolved_kind for m in rivals)}
    if len(kinds) == 1:
        said = evidence.as_likely_same_kind(best, rivals)
        doubt = "which of them it is (a year group, the school or a sibling in the profile would say)"
        return best.resolved_kind, best.person, best.score, evidence.settle(said, doubt)
    if kinds == {"staff_personal", "parent"}:
        staff_match = next(m for m in [best, *rivals] if m.resolved_kind == "staff_personal")
        also = [m for m in [best, *rivals] if m is not staff_match]
        if staff_match.other_job:
            # One name in both registers is taken for one person, unless the bio gives a job that is not the
            # staff member's ("Dad of 2 | Bookkeeper" for a teaching assistant): then it is the parent's life.
            parent = also[0]
            parent.against.append(
                f'the member of staff of that name is {staff_match.person.describe}, not a "{staff_match.other_job}"'
            )
            return parent.resolved_kind, parent.person, parent.score, evidence.describe(parent)
        return (
            "staff_personal",
            staff_match.person,
            max(staff_match.score, best.score),
            evidence.staff_also_parent(staff_match, also),
        )
    serious = min([best, *rivals], key=lambda m: KIND_PRECEDENCE[m.resolved_kind])
    everyone = [m for m in [best, *rivals] if m is not serious]
    adults = " or ".join(f"{m.person.full_name}'s ({m.resolved_kind.replace('_', ' ')})" for m in everyone)
    doubt = f"whether the account is {serious.person.full_name}'s own or {adults}: its posts or a parent would say"
    return (
        serious.resolved_kind,
        serious.person,
        min(serious.score, MIXED_AMBIGUITY_CAP),
        evidence.settle(evidence.as_likely_mixed(serious, everyone), doubt),
    )
