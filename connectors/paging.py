"""Pages of raw API objects and the one retry loop every connector call goes through."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from connectors.errors import ConnectorError, MalformedPage, RateLimited, ServerFailure

log = logging.getLogger("connectors")

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """One API response as received, with what was asked and when."""

    platform: str
    stream: str
    account_id: str
    page_no: int
    items: list[dict[str, Any]]
    payload: dict[str, Any]
    request: dict[str, Any]
    fetched_at: datetime


@dataclass(frozen=True)
class Snapshot:
    """Every page of one stream fetched in one run; `complete` is False only if paging was capped."""

    platform: str
    stream: str
    account_id: str
    pages: list[Page]
    complete: bool = True
    cursor: str | None = None
    source: str = "api"  # or "archive": posts read from the X account archive a school downloaded

    @property
    def items(self) -> list[dict[str, Any]]:
        return [item for page in self.pages for item in page.items]

    def content_sha256(self) -> str:
        # Tokens and etags change between identical fetches; only the objects decide "same data".
        digest = hashlib.sha256()
        for item in self.items:
            digest.update(json.dumps(item, sort_keys=True, ensure_ascii=False).encode())
            digest.update(b"\n")
        return digest.hexdigest()


class Retry(Exception):
    """Raised by a classifier to ask for another attempt after `wait` seconds (None: use backoff)."""

    def __init__(self, reason: str, wait: float | None = None, kind: str = "server") -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait
        self.kind = kind


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying: 429s wait for the reset, 5xx and bad bodies back off, all bounded."""

    max_retries: int = 5
    backoff_seconds: float = 2.0
    max_wait_seconds: float = 900.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.time, repr=False)

    def backoff(self, attempt: int) -> float:
        return float(min(self.backoff_seconds * (2**attempt), self.max_wait_seconds))

    def wait_until(self, reset_epoch: float | None, attempt: int) -> float:
        if reset_epoch is None:
            return self.backoff(attempt)
        return max(0.0, min(reset_epoch - self.clock() + 1.0, self.max_wait_seconds))


def call_with_retries(
    attempt_call: Callable[[], T],
    classify: Callable[[Exception], Exception],
    policy: RetryPolicy,
    platform: str,
    stream: str,
) -> T:
    """Run `attempt_call`; `classify` turns a library error into `Retry` or a final `ConnectorError`."""
    attempt = 0
    while True:
        try:
            return attempt_call()
        except Exception as raw_error:
            decision = classify(raw_error)
            if decision is raw_error:
                raise  # passed through unchanged: keep its own cause rather than making it its own cause
            if not isinstance(decision, Retry):
                raise decision from raw_error
            if attempt >= policy.max_retries:
                final: ConnectorError
                if decision.kind == "rate":
                    final = RateLimited(platform, stream, f"still rate limited after {attempt + 1} attempts")
                elif decision.kind == "malformed":
                    final = MalformedPage(
                        platform, stream, f"response was not valid JSON after {attempt + 1} attempts"
                    )
                else:
                    final = ServerFailure(
                        platform, stream, f"{decision.reason} (gave up after {attempt + 1} attempts)"
                    )
                raise final from raw_error
            delay = decision.wait if decision.wait is not None else policy.backoff(attempt)
            log.warning("%s %s: %s; retrying in %.1f s", platform, stream, decision.reason, delay)
            policy.sleep(delay)
            attempt += 1


def utcnow() -> datetime:
    return datetime.now(UTC)
