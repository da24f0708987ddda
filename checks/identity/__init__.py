"""Who each follower, following, subscriber or commenter is: a register person with confidence and evidence."""

from checks.identity.register_index import KIND_PRECEDENCE, Person, RegisterIndex, normalise_handle
from checks.identity.resolve import (
    AUDIENCE_COLUMNS,
    IDENTITY_COLUMNS,
    RESOLVED_KINDS,
    resolve_identities,
    resolve_member,
)
from checks.identity.text import fold_name

__all__ = [
    "AUDIENCE_COLUMNS",
    "IDENTITY_COLUMNS",
    "KIND_PRECEDENCE",
    "RESOLVED_KINDS",
    "Person",
    "RegisterIndex",
    "fold_name",
    "normalise_handle",
    "resolve_identities",
    "resolve_member",
]
