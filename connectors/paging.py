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

from connectors.errors import ConnectorError, MalformedPage, RateLimited, RateLimitTooLong, ServerFailure
from platforms import unordered_streams

log = logging.getLogger("connectors")
# What a run is doing, page by page and wait by wait (flows/live_display.py shows it on a terminal; otherwise these
# are log lines, in Prefect too). Counts and the official account's id only: never a follower.
progress = logging.getLogger("connectors.progress")
PAGES_BETWEEN_REPORTS = 5
# A wait this long is said as it starts (and until when), so a run that seems stuck is seen to be waiting.
LONG_WAIT_SECONDS = 30.0

T = TypeVar("T")
# Streams whose order means nothing: "in no particular order" (subscriptions.list, mySubscribers).
UNORDERED_STREAMS = unordered_streams()
# Waits for a rate-limit reset end this long after it, so the retry never lands a moment early.
RESET_MARGIN_SECONDS = 1.0


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

    @property
    def partial_errors(self) -> list[dict[str, Any]]:
        """The `errors` X sent beside data in a 200 (objects it could not return); [] for a clean page."""
        errors = self.payload.get("errors") if isinstance(self.payload, dict) else None
        return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


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

    @property
    def partial_errors(self) -> int:
        """How many objects the platform said it could not return while answering this stream (X `errors`
        beside `data`): the stream was read, but not every object in it."""
        return sum(len(page.partial_errors) for page in self.pages)

    def content_sha256(self) -> str:
        # Tokens and etags change between identical fetches; only the objects decide "same data". A stream the
        # platform serves in no particular order (YouTube's subscribers) is the same data in any order.
        digest = hashlib.sha256()
        lines = [json.dumps(item, sort_keys=True, ensure_ascii=False) for item in self.items]
        for line in sorted(lines) if (self.platform, self.stream) in UNORDERED_STREAMS else lines:
            digest.update(line.encode())
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
        """Seconds until a rate-limit window resets (not capped: `call_with_retries` refuses a wait longer
        than `max_wait_seconds` rather than retrying too early and spending another refusal)."""
        if reset_epoch is None:
            return self.backoff(attempt)
        return max(0.0, reset_epoch - self.clock() + RESET_MARGIN_SECONDS)


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
            # The reset itself is compared (waits carry a 1 s margin): a full 15-minute X window is 900 s.
            if delay - RESET_MARGIN_SECONDS > policy.max_wait_seconds:
                raise RateLimitTooLong(
                    platform,
                    stream,
                    f"{decision.reason}; the limit resets in {delay:.0f} s, longer than [api] max_wait_seconds "
                    f"({policy.max_wait_seconds:.0f} s): run again after the reset",
                ) from raw_error
            log.warning("%s %s: %s; retrying in %.1f s", platform, stream, decision.reason, delay)
            if delay >= LONG_WAIT_SECONDS:
                until = datetime.fromtimestamp(policy.clock() + delay, UTC).strftime("%H:%M:%S UTC")
                progress.info(
                    "%s %s: waiting %.0f s, until %s (%s)", platform, stream, delay, until, decision.reason
                )
            policy.sleep(delay)
            attempt += 1


def report_page(page: Page, read_so_far: int) -> None:
    """Say how far a long stream has got: from its second page (most streams need one), then every few pages."""
    if page.page_no == 1 or (page.page_no > 1 and (page.page_no + 1) % PAGES_BETWEEN_REPORTS == 0):
        progress.info(
            "%s %s of %s: page %d read, %s so far",
            page.platform,
            page.stream,
            page.account_id,
            page.page_no + 1,
            f"{read_so_far:,}",
        )


def dropped_connection(error: BaseException) -> bool:
    """A connection that failed or closed before the whole body arrived, from any of the HTTP stacks the
    clients use: requests (tweepy, media), httplib2 and http.client (googleapiclient), google-auth's transport.
    A short but complete body is a different failure (malformed JSON) and is not matched here."""
    import http.client

    import httplib2
    import requests
    from google.auth.exceptions import TransportError

    if isinstance(error, requests.exceptions.InvalidJSONError):
        return False  # a complete body that is not JSON: requests files it under IOError too
    return isinstance(
        error,
        requests.ConnectionError
        | requests.Timeout
        | requests.exceptions.ChunkedEncodingError
        | http.client.HTTPException
        | httplib2.HttpLib2Error
        | TransportError
        | OSError,
    )


def utcnow() -> datetime:
    return datetime.now(UTC)
