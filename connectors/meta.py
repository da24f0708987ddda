"""Meta's Graph API (a Facebook Page, an Instagram professional account) through Meta's own `facebook-business` SDK.

Calls are generators of typed pages (connectors/paging.py `Page`), each through the one retry loop; nothing here
knows the warehouse. The SDK is the optional extra `socialaudit[meta]` and is imported only when a school has such an
account. Its crash reporter (which posts uncaught SDK errors to Meta) is switched on only by `FacebookAdsApi.init`;
the client is built from a session instead, and `make_graph_api` turns the reporter off should anything else in the
process have switched it on.

Errors, as Meta documents them (docs/production.md §7 says what the school does about each): 190 the token is no
longer valid (the platform stops, the audit is partial); 4, 17, 32, 341, 613, 80001 and 80002 throttles (wait the
time to regain access the usage headers give, bounded by `[api] max_wait_seconds`); 1 and 2 transient (retried);
100 with subcode 33 the object is gone (or may not be read).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.errors import AuthFailure, ConnectorError, MalformedPage, ScopeMissing
from connectors.paging import (
    Page,
    Retry,
    RetryPolicy,
    call_with_retries,
    dropped_connection,
    report_page,
    utcnow,
)

# The one place the Graph API version is chosen: every call, read or write, sends it.
GRAPH_API_VERSION = "v26.0"
GRAPH_HOST = "https://graph.facebook.com"
PAGE_SIZE = 100
THROTTLE_CODES = frozenset({4, 17, 32, 341, 613, 80001, 80002})
TRANSIENT_CODES = frozenset({1, 2})
TOKEN_INVALID = 190
GONE_SUBCODE = 33
USAGE_HEADERS = ("x-business-use-case-usage", "x-app-usage", "x-page-usage", "x-ad-account-usage")
# Hiding a comment moves neither a post's `updated_time` nor an Instagram media's comment count, so a hide (by the
# school, Meta's filters or a moderator) shows only when the comments are read again: those of every post or media
# published in the last RECENT_COMMENTS_DAYS days are read each week, where nearly all comments and hides happen.
RECENT_COMMENTS_DAYS = 28
INSTALL_HINT = "install the Meta extra: `uv sync --extra meta` (or `pip install 'socialaudit[meta]'`)"


class TokenInvalid(AuthFailure):
    """Graph error 190: the Page token expired or was invalidated (password change, admin removed, app
    de-authorised). No other call of the platform can succeed: the owner makes a new token."""

    stops_platform = True


class ObjectGone(ConnectorError):
    """Graph error 100 subcode 33: the object was deleted (or the token may not load it; Meta says the same)."""


class PermissionMissing(ScopeMissing):
    """Graph error 10 or 200-299: the token lacks the permission this call needs."""


class MetaNotInstalled(ConnectorError):
    """The school names a Facebook or Instagram account but the `meta` extra is not installed."""

    stops_platform = True


def make_graph_api(access_token: str, base_url: str | None = None, timeout: float = 60.0) -> Any:
    """A `FacebookAdsApi` on a session of its own (never the SDK's process-wide default), sending to `base_url`
    (the sandbox) or graph.facebook.com, at `GRAPH_API_VERSION`."""
    try:
        from facebook_business.api import FacebookAdsApi, FacebookSession
        from facebook_business.crashreporter import CrashReporter
    except ImportError as error:
        raise MetaNotInstalled(
            "meta", "client", f"the facebook-business SDK is missing: {INSTALL_HINT}"
        ) from error
    CrashReporter.disable()
    session = FacebookSession(access_token=access_token, timeout=timeout)
    session.GRAPH = (base_url or GRAPH_HOST).rstrip("/")
    return FacebookAdsApi(session, api_version=GRAPH_API_VERSION)


def posted_within(created: object, now: datetime, days: int = RECENT_COMMENTS_DAYS) -> bool:
    """A post or media published in the last `days` days (Graph's `created_time` or `timestamp`); an unreadable
    time counts as recent, so its comments are read rather than carried."""
    try:
        moment = datetime.fromisoformat(str(created).replace("Z", "+00:00").replace("+0000", "+00:00"))
    except ValueError:
        return True
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return now - moment <= timedelta(days=days)


def usage_wait_seconds(headers: Any) -> float | None:
    """The longest `estimated_time_to_regain_access` (minutes) in the usage headers, in seconds; None when no
    header says (the throttle is then backed off exponentially)."""
    minutes: list[float] = []
    for name in USAGE_HEADERS:
        raw = _header(headers, name)
        if not raw:
            continue
        try:
            usage = json.loads(raw)
        except ValueError:
            continue
        minutes += [float(m) for m in _regain_minutes(usage)]
    return max(minutes) * 60.0 if minutes else None


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    try:
        items = headers.items()
    except AttributeError:
        return None
    return next((str(v) for k, v in items if str(k).lower() == name), None)


def _regain_minutes(usage: Any) -> Iterator[float]:
    if isinstance(usage, dict):
        for key, value in usage.items():
            if key == "estimated_time_to_regain_access" and isinstance(value, int | float) and value > 0:
                yield value
            else:
                yield from _regain_minutes(value)
    elif isinstance(usage, list):
        for value in usage:
            yield from _regain_minutes(value)


def classify(platform: str, stream: str) -> Any:
    """How the retry loop treats an SDK or transport error on this stream."""

    def decide(error: Exception) -> Exception:
        from facebook_business.exceptions import FacebookRequestError

        if isinstance(error, FacebookRequestError):
            return graph_error(platform, stream, error)
        if isinstance(error, ValueError):
            return Retry("the response was not valid JSON", kind="malformed")
        if dropped_connection(error):
            return Retry(f"connection failed ({type(error).__name__})")
        return error

    return decide


def graph_error(platform: str, stream: str, error: Any) -> Exception:
    """A Graph error body mapped to a retry or a typed failure (fbtrace_id kept for Meta's support)."""
    code, subcode = error.api_error_code(), error.api_error_subcode()
    body = error.body() if isinstance(error.body(), dict) else {}
    trace = (body.get("error") or {}).get("fbtrace_id")
    said = f"Graph error {code}" + (f"/{subcode}" if subcode else "") + f": {error.api_error_message()}"
    said += f" (fbtrace_id {trace})" if trace else ""
    if code == TOKEN_INVALID:
        return TokenInvalid(
            platform,
            stream,
            f"{said}; the Page token is no longer valid: make a new one (docs/production.md §2) and run "
            "again",
        )
    if code in THROTTLE_CODES:
        return Retry(f"throttled, {said}", wait=usage_wait_seconds(error.http_headers()), kind="rate")
    if code in TRANSIENT_CODES or (error.api_transient_error() and code != 100):
        return Retry(f"transient, {said}")
    if code == 100 and subcode == GONE_SUBCODE:
        return ObjectGone(platform, stream, said)
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        return PermissionMissing(platform, stream, f"{said}; grant the permission and run again")
    if error.http_status() and error.http_status() >= 500:
        return Retry(f"server error {error.http_status()}, {said}")
    return ConnectorError(platform, stream, said)


def read_node(
    api: Any,
    node_class: Any,
    node_id: str,
    fields: list[str],
    policy: RetryPolicy,
    platform: str,
    stream: str,
    account_id: str,
    page_no: int = 0,
) -> Page:
    """One node (`GET /{id}?fields=`), as a page of one item."""
    node = node_class(node_id, api=api)
    fetched = call_with_retries(
        lambda: node.api_get(fields=fields), classify(platform, stream), policy, platform, stream
    )
    item = _plain(fetched.export_all_data())
    request = {"node": node_id, "fields": ",".join(fields)}
    return Page(platform, stream, account_id, page_no, [item], {"data": [item]}, request, utcnow())


def iter_edge(
    api: Any,
    node_class: Any,
    node_id: str,
    target_class: Any,
    edge: str,
    fields: list[str],
    policy: RetryPolicy,
    platform: str,
    stream: str,
    account_id: str,
    params: dict[str, Any] | None = None,
    first_page_no: int = 0,
    noted: dict[str, str] | None = None,
) -> Iterator[Page]:
    """Every page of an edge, until Graph sends no `paging.next` (a short or empty page is not the end). `noted`:
    kept in each page's request record beside what was asked, never sent (the post a photo's comments belong to)."""
    from facebook_business.api import Cursor

    class RecordingCursor(Cursor):  # type: ignore[misc]
        """The SDK's cursor, keeping each response as received (the raw record stores it)."""

        last_response: dict[str, Any] | None = None

        def build_objects_from_response(self, response: Any) -> Any:
            self.last_response = response if isinstance(response, dict) else {}
            return super().build_objects_from_response(response)

    asked = {"limit": PAGE_SIZE, **(params or {})}
    cursor = RecordingCursor(
        source_object=node_class(node_id, api=api),
        target_objects_class=target_class,
        fields=fields,
        params=asked,
        include_summary=False,
        endpoint=edge,
    )
    page_no, read = first_page_no, 0
    while True:
        after = cursor.params.get("after")
        call_with_retries(cursor.load_next_page, classify(platform, stream), policy, platform, stream)
        payload = _plain(cursor.last_response or {})
        if not isinstance(payload.get("data", []), list):
            raise MalformedPage(platform, stream, f"{edge} of {node_id}: `data` is not a list")
        items = list(payload.get("data") or [])
        request = {
            "node": node_id,
            "edge": edge,
            "fields": ",".join(fields),
            **asked,
            "after": after,
            **(noted or {}),
        }
        request.pop("access_token", None)
        page = Page(platform, stream, account_id, page_no, items, payload, request, utcnow())
        read += len(items)
        report_page(page, read)
        yield page
        page_no += 1
        # The SDK's own end: `paging.next` absent (it pages on `cursors.after` only while `next` is there).
        if cursor._finished_iteration:
            return


def _plain(value: Any) -> Any:
    """SDK objects and their nested objects as plain JSON values."""
    if hasattr(value, "export_all_data"):
        return _plain(value.export_all_data())
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
