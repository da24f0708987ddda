"""Injected faults: the failures a server answers with instead of (or on top of) the dataset, per route,
counted across request threads. A plan comes from tests, or as JSON from $SOCIALAUDIT_SANDBOX_FAULTS."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field

from sandbox.http import Reply, cut_json
from sandbox.meta import exceptions as meta_errors
from sandbox.meta.urls import META_ROUTES, META_WRITE_ROUTES
from sandbox.x import exceptions as x_errors
from sandbox.x.models import XRateLimits
from sandbox.x.urls import X_ROUTES
from sandbox.x.writes import X_WRITE_ROUTES
from sandbox.youtube import exceptions as yt_errors
from sandbox.youtube import oauth as yt_oauth
from sandbox.youtube.responses import YT_SERVICE_METHODS
from sandbox.youtube.urls import YT_ROUTES
from sandbox.youtube.writes import YT_WRITE_ROUTES

FAULTS_ENV = "SOCIALAUDIT_SANDBOX_FAULTS"
GRAPH_KINDS = ("graph-2", "graph-4", "graph-17", "graph-32", "graph-613", "graph-80001", "graph-80002")
# What the Graph API can answer; other platforms' kinds are refused on fb.*/ig.* routes.
GRAPH_ROUTE_KINDS = (*GRAPH_KINDS, "token-expired", "404-gone", "500", "503", "truncate", "drop-mid-body")
ROUTES = X_ROUTES + YT_ROUTES + X_WRITE_ROUTES + YT_WRITE_ROUTES + META_ROUTES + META_WRITE_ROUTES
FILE_ROUTES = ("x.media", "yt.thumbnails", "fb.files")
FAULT_KINDS = (
    "429",
    "429-no-reset",
    "500",
    "503",
    "truncate",
    "403-quota",
    # The failures the live platforms produce (docs/production.md §7, docs/contracts/dataset.md):
    "partial-errors",
    "drop-mid-body",
    "429-usage-cap",
    "402-credits",
    "403-scope",
    "token-expired",
    "404-gone",
    # What a first live run meets (docs/production.md §7): a suspended or locked school account; Google's 403
    # `rateLimitExceeded` (retried) and 400 `invalidPageToken`; a 503 whose body is cut short.
    "403-suspended",
    "403-rate-limit",
    "400-page-token",
    "503-cut",
    # The Graph API's own (reference meta-apis.md §5-§6): 2 transient; the throttles 4 (app), 17 (user),
    # 32 (Page), 613 (custom), 80001 (Pages BUC), 80002 (Instagram BUC) with their usage headers. On fb.*/ig.*
    # routes `token-expired` is 190/463 (the token stays expired), `404-gone` 100/33, `500`/`503` code 1/2.
    *GRAPH_KINDS,
)
# Faults that cut the dataset's own reply short instead of answering in its place.
CUTTING_FAULTS = ("truncate", "drop-mid-body")
# Kinds one platform has and the other has not: refused on the other's routes rather than invented.
X_ONLY_KINDS = ("partial-errors", "429-usage-cap", "402-credits", "403-suspended")
YOUTUBE_ONLY_KINDS = ("403-rate-limit", "400-page-token")


@dataclass
class Fault:
    """One injected failure: fires on `route` after `after` matching requests, `times` times (-1: forever)."""

    route: str
    kind: str
    times: int = 1
    after: int = 0
    reset_in: float = 1.0

    def __post_init__(self) -> None:
        if self.route != "*" and self.route not in ROUTES:
            raise ValueError(f"unknown fault route {self.route!r}; expected one of {', '.join(ROUTES)} or *")
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {', '.join(FAULT_KINDS)}")
        platform_routes = [self.route] if self.route != "*" else []
        on_graph = [r for r in platform_routes if r.startswith(("fb.", "ig."))]
        if on_graph and self.kind not in GRAPH_ROUTE_KINDS:
            raise ValueError(
                f"fault kind {self.kind!r} is not one the Graph API answers with: use one of "
                f"{', '.join(GRAPH_ROUTE_KINDS)} on {self.route}"
            )
        if self.kind in GRAPH_KINDS and len(on_graph) != len(platform_routes):
            raise ValueError(f"fault kind {self.kind!r} is the Graph API's: use it on an fb.* or ig.* route")
        if self.kind in X_ONLY_KINDS and any(not r.startswith("x.") for r in platform_routes):
            raise ValueError(f"fault kind {self.kind!r} is X's: use it on an x.* route")
        if self.kind in YOUTUBE_ONLY_KINDS and any(r.startswith("x.") for r in platform_routes):
            raise ValueError(f"fault kind {self.kind!r} is Google's: use it on a yt.* route")
        if self.kind == "token-expired" and any(r.startswith("x.") for r in platform_routes):
            raise ValueError("fault kind 'token-expired' is Google's OAuth refresh: use it on a yt.* route")
        if self.times < -1 or self.after < 0:
            raise ValueError(f"fault {self.route}/{self.kind}: times must be >= -1 and after >= 0")

    def matches(self, route: str) -> bool:
        return self.route in ("*", route)


@dataclass
class FaultPlan:
    """The faults a server injects; counters are shared by every request thread."""

    faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)
    _seen: list[int] = field(default_factory=list, init=False, repr=False, compare=False)
    _fired: list[int] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.faults = list(self.faults)
        self.reset()

    @classmethod
    def from_json(cls, text: str) -> FaultPlan:
        raw = json.loads(text)
        if isinstance(raw, dict) and "faults" in raw:
            raw = raw["faults"]
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            raise ValueError(
                "a fault plan is a JSON list of objects with route, kind, times, after, reset_in"
            )
        return cls([Fault(**item) for item in raw])

    def to_json(self) -> str:
        return json.dumps([asdict(fault) for fault in self.faults])

    def reset(self) -> None:
        with self._lock:
            self._seen = [0] * len(self.faults)
            self._fired = [0] * len(self.faults)

    def draw(self, route: str) -> Fault | None:
        """The fault this request suffers, if any; every matching fault counts the request towards `after`."""
        chosen: Fault | None = None
        with self._lock:
            for index, fault in enumerate(self.faults):
                if not fault.matches(route):
                    continue
                self._seen[index] += 1
                armed = self._seen[index] > fault.after
                remaining = fault.times < 0 or self._fired[index] < fault.times
                if chosen is None and armed and remaining:
                    self._fired[index] += 1
                    chosen = fault
        return chosen


def fault_reply(route: str, fault: Fault, rate_limits: XRateLimits, graph_owner: str = "") -> Reply:
    """The failure a platform would give on this route; X routes speak X's error shape, YouTube's Google's.
    (`truncate` and `drop-mid-body` are not answered here: they cut the dataset's own reply, see `cut_reply`.)"""
    on_x = route.startswith("x.")
    if route.startswith(("fb.", "ig.")):
        return graph_fault_reply(route, fault, graph_owner)
    if route == "yt.token":
        return yt_oauth.invalid_grant() if fault.kind == "token-expired" else yt_errors.server_error(500)
    if fault.kind in ("429", "429-no-reset"):
        if on_x:
            reply = x_errors.too_many_requests()
            headers = rate_limits.headers(route, exhausted=True, reset_in=fault.reset_in)
            if fault.kind == "429-no-reset":
                headers.pop("x-rate-limit-reset")
            reply.headers.update(headers)
            return reply
        reply = yt_errors.rate_limit_exceeded()
        if fault.kind == "429":
            reply.headers["Retry-After"] = str(max(1, round(fault.reset_in)))
        return reply
    if fault.kind == "403-quota":
        return x_errors.usage_capped() if on_x else yt_errors.quota_exceeded()
    if fault.kind == "429-usage-cap" or fault.kind == "402-credits" or fault.kind == "partial-errors":
        reply = {
            "429-usage-cap": x_errors.usage_cap_exceeded,
            "402-credits": x_errors.credits_depleted,
            "partial-errors": x_errors.partial_errors,
        }[fault.kind]()
        # The usage cap is not the 15-minute window: that still has requests left.
        reply.headers.update(rate_limits.headers(route))
        return reply
    if fault.kind == "403-scope":
        if on_x:
            return x_errors.client_not_enrolled()
        return yt_errors.insufficient_permissions(YT_SERVICE_METHODS.get(route[3:], route))
    if fault.kind == "token-expired":
        return yt_errors.invalid_credentials()
    if fault.kind == "404-gone":
        return x_errors.x_user_not_found("0") if on_x else yt_errors.gone(route)
    if fault.kind == "403-suspended":
        return x_errors.user_suspended()
    if fault.kind == "403-rate-limit":
        return yt_errors.rate_limit_exceeded_403()
    if fault.kind == "400-page-token":
        return yt_errors.invalid_page_token()
    if fault.kind == "503-cut":
        reply = x_errors.server_error(503) if on_x else yt_errors.server_error(503)
        reply.body = cut_json(reply.body)
        return reply
    status = int(fault.kind)
    return x_errors.server_error(status) if on_x else yt_errors.server_error(status)


def graph_fault_reply(route: str, fault: Fault, owner: str) -> Reply:
    """A Graph failure: each throttle with the usage header it carries (BUC keyed by the Page or Instagram account
    the call was about); `reset_in` is the minutes until access comes back."""
    if fault.kind == "token-expired":
        return meta_errors.session_expired()
    if fault.kind == "404-gone":
        return meta_errors.gone("0")
    if fault.kind in ("500", "graph-2"):
        return meta_errors.transient() if fault.kind == "graph-2" else meta_errors.unknown_error()
    if fault.kind == "503":
        reply = meta_errors.transient()
        reply.status = 503
        return reply
    code = int(fault.kind.split("-", 1)[1])
    if code == 80001 or code == 80002 or code in (32, 613):
        return meta_errors.throttled(code, owner, max(1, round(fault.reset_in)))
    return meta_errors.throttled(code, "")


def cut_reply(route: str, reply: Reply, kind: str) -> None:
    """Cut a successful reply short. `drop-mid-body`: headers and part of the body go out, then the socket
    closes. `truncate`: a file is sent half and the connection dropped; JSON loses its end (a complete but
    short body, a different failure from a dropped connection)."""
    if reply.status != 200:
        return
    if kind == "drop-mid-body" or route in FILE_ROUTES:
        reply.drop_after = len(reply.body) // 2
    else:
        reply.body = cut_json(reply.body)
