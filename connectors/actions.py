"""What a platform answered to an action: the one shape X's and YouTube's writes are reported in.

A write is never retried here: a request that got no answer (a dropped connection, a 5xx) may have been carried out,
so it is reported `failed` with what is known, and the caller decides (warehouse/remediation/ledger.py records it first
and settles it after)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ACCEPTED = "accepted"  # the platform did it
ALREADY_DONE = "already-done"  # nothing to do: the object is already gone or in that state
REFUSED = "refused"  # the platform said no: nothing changed
FAILED = "failed"  # no usable answer: nothing is known to have changed
OUTCOMES = (ACCEPTED, ALREADY_DONE, REFUSED, FAILED)
# Why credentials fell short, when a refusal says so: the caller records what they allow.
READ_ONLY_APP = "x-read-only"
SCOPE_MISSING = "youtube-scope"


@dataclass(frozen=True)
class WriteAnswer:
    outcome: str
    reason: str  # one line a person acts on
    status: int | None = None  # the HTTP status, when there was one
    body: Any = None  # the platform's answer as received (parsed JSON, or text)
    lacking: str | None = None  # READ_ONLY_APP or SCOPE_MISSING when the credentials are the cause
    calls: int = 1  # requests sent (a YouTube status update reads the video first)

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")

    @property
    def done(self) -> bool:
        return self.outcome in (ACCEPTED, ALREADY_DONE)

    def response(self) -> dict[str, Any]:
        """What is recorded as the platform's response."""
        return {"status": self.status, "body": self.body, "reason": self.reason}
