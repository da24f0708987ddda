"""The call budgets Graph counts (reference: meta-apis.md §5): Page-token calls count against the Page's Business
Use Case quota, Instagram calls against the account's, over a rolling 24 hours; user-token calls on Pages against the
app's Platform limit over a rolling hour. The usage headers appear once a figure reaches 1% (a Page at about 0% gets
none); at 100% the call is refused with 80001 (Pages), 80002 (Instagram) or 4 (the app), with the minutes until
access comes back."""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque

from sandbox.http import ApiError
from sandbox.meta import exceptions as errors
from sandbox.meta.models import MetaData
from sandbox.meta.tokens import MetaAccess, MetaToken

DAY = 24 * 3600.0
HOUR = 3600.0


class MetaUsage:
    def __init__(self, access: MetaAccess) -> None:
        self.access = access
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _bucket(self, token: MetaToken, owner_id: str, meta: MetaData) -> tuple[str, str, int, float]:
        """(counter key, BUC type or "app", quota, window) a call by this token on this owner counts against."""
        if meta.ig_account(owner_id) is not None:
            return f"instagram:{owner_id}", "instagram", self.access.buc_calls_per_day, DAY
        if token.is_page:
            return f"pages:{token.page_id}", "pages", self.access.buc_calls_per_day, DAY
        return f"app:{token.user_id}", "app", self.access.app_calls_per_hour, HOUR

    def count(self, token: MetaToken, owner_id: str, meta: MetaData) -> None:
        """Count one call; refuse it when the budget is spent."""
        key, kind, quota, window = self._bucket(token, owner_id, meta)
        now = time.monotonic()
        with self._lock:
            calls = self._calls.setdefault(key, deque())
            while calls and calls[0] <= now - window:
                calls.popleft()
            if len(calls) >= quota:
                regain = math.ceil((calls[0] + window - now) / 60)
                code = {"instagram": 80002, "pages": 80001}.get(kind, 4)
                raise ApiError(errors.throttled(code, key.split(":", 1)[1], regain))
            calls.append(now)

    def headers(self, token: MetaToken, owner_id: str, meta: MetaData) -> dict[str, str]:
        key, kind, quota, _ = self._bucket(token, owner_id, meta)
        with self._lock:
            used = len(self._calls.get(key, ()))
        percent = min(100, used * 100 // max(1, quota))
        if percent < 1:
            return {}
        if kind == "app":
            return errors.app_usage_header(percent)
        return {
            "X-Business-Use-Case-Usage": json.dumps({key.split(":", 1)[1]: [errors.usage(percent, 0, kind)]})
        }
