"""The evidence text: where a name was read, how its parts agreed, and the sentence a person checks in seconds."""

from __future__ import annotations

from checks.identity.profile import Match, Profile
from checks.identity.register_index import Form, Person

NO_MATCH = "no register entry matched"


def where(profile: Profile, source: str) -> str:
    if source == "username":
        return f"username @{profile.handle.lstrip('@')}"
    return f'display name "{profile.display}"'


def form_note(form: Form, written: str) -> str:
    if form.how == "nickname":
        return f"nickname {written.capitalize()} -> {form.shown} ({form.source})"
    if form.how == "preferred":
        return f"preferred name {form.shown}"
    return "forename exact"


def describe(m: Match) -> str:
    head = f"{m.where} ~ {m.person.full_name} ({m.person.describe}): {m.note}"
    against = [f"but {why}" for why in m.against]
    return "; ".join([head, *m.reasons, *against])


def ruled_out(namesakes: list[Match]) -> str:
    """Why each namesake the name pointed at is not this account: a person checks the reason, not a score."""
    parts = [
        f"ruled out {m.person.full_name} ({m.person.describe}, {m.note}): {'; '.join(m.against)}"
        for m in namesakes
    ]
    return "; ".join(parts)


def declared(platform: str, shown: str, source: str, person: Person) -> str:
    return f"{platform} account {shown} is declared in {source} for {person.describe}"


def declared_parent_is_staff(declared_text: str, parent: Person, staff: Person) -> str:
    return (
        f"{declared_text}; the same name ({parent.full_name}) as {staff.describe}: one person in both "
        "registers, so a staff member's personal account"
    )


def as_likely_same_kind(best: Match, rivals: list[Match]) -> str:
    others = "; ".join(m.person.describe for m in rivals)
    return (
        f"{describe(best)}; as likely {others}: every reading is a {best.resolved_kind.replace('_', ' ')}, "
        "the profile does not say which"
    )


def staff_also_parent(staff_match: Match, also: list[Match]) -> str:
    named = "; ".join(m.person.describe for m in also)
    return (
        f"{describe(staff_match)}; the same name is also {named}: "
        "a staff member who is also a parent is still using a personal account"
    )


def as_likely_mixed(serious: Match, everyone: list[Match]) -> str:
    named = "; ".join(m.person.describe for m in everyone)
    return f"{describe(serious)}; but as likely {named}: the profile cannot tell them apart"


def settle(said: str, doubt: str) -> str:
    """The evidence of a doubtful reading, ending with what a person could check to settle it."""
    return f"{said}; to settle it: {doubt}" if doubt else said
