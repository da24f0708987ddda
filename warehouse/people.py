"""Who a person is, on every path: the one accountable identity behind a decision or an action, and the one rule
for a second person.

On the command line a person is the operating-system user running the command, read from the real uid (never
typed: `--by` only names them); in the review app the signed-in identity (never a name typed in a form). Two
identities from different paths cannot be compared (the OS user `alice` and the signed-in `alice@school.org` may
be one person), so what needs a second person is confirmed on the path where it was asked for, by a different
identity there. Decisions on exceptions (warehouse/reviews.py) and actions on them (warehouse/remediation/ledger.py) both
ask `second_person_refusal`.
"""

from __future__ import annotations

from dataclasses import dataclass

from warehouse.privacy.access_log import AccessEntry, os_user

# Where a step comes from, and how a sentence names it.
VIAS = {"cli": "command line", "review-app": "review app", "weekly-run": "weekly run"}


class NoOne(ValueError):
    """A step with nobody accountable for it."""


@dataclass(frozen=True)
class Actor:
    """Who takes a step. `identity` is the accountable one: the operating-system user for the CLI, the signed-in
    identity in the review app; `name` is how they are named (--by, or the name the identity provider or local
    account gives)."""

    identity: str
    name: str
    via: str

    def __post_init__(self) -> None:
        if self.via not in VIAS:
            raise ValueError(f"unknown via {self.via!r}")
        if not self.identity.strip() or not self.name.strip():
            raise NoOne("an action needs someone to take it")

    @property
    def label(self) -> str:
        return self.name if self.name == self.identity else f"{self.name} ({self.identity})"

    def is_identity(self, other: str) -> bool:
        return same_identity(self.identity, other)


WEEKLY_RUN = Actor("weekly-run", "weekly-run", "weekly-run")


def same_identity(one: str, other: str) -> bool:
    """E-mail addresses, local account names and OS user names compare without regard to case."""
    return one.strip().casefold() == other.strip().casefold()


def cli_actor(by: str | None = None) -> Actor:
    """The CLI's actor: the operating-system user, with the name given by --by beside it."""
    user = os_user()
    return Actor(user, (by or "").strip() or user, "cli")


def entry_actor(entry: AccessEntry) -> Actor:
    """Who takes the step an access-log entry records: on the command line its operating-system user (the --by name
    only names them), in the review app its signed-in identity."""
    if entry.via == "cli":
        return Actor(entry.os_user or os_user(), entry.identity, "cli")
    return Actor(entry.identity, entry.identity, entry.via)


def second_person_refusal(second: Actor, first_identity: str, first_via: str, first_name: str) -> str | None:
    """Why `second` may not confirm what the first person (identity, path, name) asked for, or None when they may:
    the same identity is one person whatever names are typed beside it, and identities from different paths
    cannot be told apart."""
    if same_identity(second.identity, first_identity):
        who = first_name if same_identity(first_name, first_identity) else f"{first_name} ({first_identity})"
        return f"{who} requested it, and the same person cannot confirm it"
    if second.via != first_via:
        return (
            f"it is confirmed through the {VIAS.get(first_via, first_via)}, where {first_name} requested it: "
            "people of the command line (operating-system users) and of the review app (signed-in identities) "
            "cannot be told apart"
        )
    return None
