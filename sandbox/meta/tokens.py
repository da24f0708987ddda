"""Who may call the Graph API sandbox: the Page admin's user token and each Page's Page token, with the permissions
they were granted and the Page tasks behind them (reference: meta-apis.md §3).

A dataset may declare them in `sandbox.json` under `meta` (docs/contracts/dataset.md); without that they are derived
from the dataset's Pages and Instagram accounts: one admin who manages every Page, whose user token and Page tokens
hold every permission the product asks for (`OWNER_PERMISSIONS`) and every task. A token may carry an `expires_at`
(ISO time): after it, each call is refused with 190, as Graph refuses an expired session."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SANDBOX_FILE = "sandbox.json"
OWNER_PERMISSIONS = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_engagement",
    "pages_manage_posts",
    "instagram_basic",
    "instagram_manage_comments",
    "instagram_manage_contents",
)
ALL_TASKS = ("ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE")
ADMIN_USER_ID = "10000000000000001"
DEFAULT_BUC_CALLS_PER_DAY = 4800
DEFAULT_APP_CALLS_PER_HOUR = 200


def _derived(kind: str, owner: str, length: int = 40) -> str:
    return hashlib.sha256(f"socialaudit-sandbox:{kind}:{owner}".encode()).hexdigest()[:length]


@dataclass(frozen=True)
class MetaToken:
    """One access token: a user's (kind "user") or a Page's (kind "page", `page_id` set)."""

    token: str
    kind: str
    user_id: str
    permissions: frozenset[str]
    page_id: str = ""
    tasks: tuple[str, ...] = ALL_TASKS
    expires_at: str = ""

    @property
    def is_page(self) -> bool:
        return self.kind == "page"

    def has(self, *permissions: str) -> bool:
        return all(p in self.permissions for p in permissions)

    def expired(self, now: datetime | None = None) -> bool:
        if not self.expires_at:
            return False
        moment = datetime.fromisoformat(self.expires_at.replace("Z", "+00:00"))
        return (now or datetime.now(UTC)) >= moment


@dataclass
class MetaAccess:
    """The tokens a sandbox knows and the call budgets it counts; tokens expired by a fault are remembered."""

    tokens: list[MetaToken] = field(default_factory=list)
    # Pages the admin manages (the user token's /me/accounts), in dataset order.
    page_ids: list[str] = field(default_factory=list)
    buc_calls_per_day: int = DEFAULT_BUC_CALLS_PER_DAY
    app_calls_per_hour: int = DEFAULT_APP_CALLS_PER_HOUR
    _expired: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def find(self, token: str) -> MetaToken | None:
        return next((t for t in self.tokens if t.token == token), None)

    def page_token(self, page_id: str) -> str:
        return next(t.token for t in self.tokens if t.is_page and t.page_id == page_id)

    def user_token(self, user_id: str = "") -> str:
        return next(t.token for t in self.tokens if not t.is_page and (not user_id or t.user_id == user_id))

    def expire(self, token: str) -> None:
        """A session ended (password changed, role lost): every later call with this token gets 190."""
        with self._lock:
            self._expired.add(token)

    def is_expired(self, token: MetaToken) -> bool:
        with self._lock:
            return token.token in self._expired or token.expired()


def derived_page_token(page_id: str) -> str:
    return f"EAAsbxPage{_derived('meta-page', page_id)}"


def derived_user_token(user_id: str = ADMIN_USER_ID) -> str:
    return f"EAAsbxUser{_derived('meta-user', user_id)}"


def load_meta_access(dataset_root: Path, page_ids: list[str] | None = None) -> MetaAccess:
    """The tokens `sandbox.json` declares under `meta`, or derived ones for every Page in the dataset."""
    root = Path(dataset_root)
    if page_ids is None:
        folder = root / "facebook"
        page_ids = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    path = root / SANDBOX_FILE
    data: Any = {}
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValueError(f"sandbox dataset file {path} is not valid JSON: {error}") from error
    meta = (data.get("meta") or {}) if isinstance(data, dict) else {}
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: `meta` must be a JSON object")
    try:
        if "tokens" in meta:
            tokens = [
                MetaToken(
                    token=str(t["token"]),
                    kind=_kind(t.get("kind", "page" if t.get("page_id") else "user"), path),
                    user_id=str(t.get("user_id", ADMIN_USER_ID)),
                    permissions=frozenset(str(p) for p in t.get("permissions", OWNER_PERMISSIONS)),
                    page_id=str(t.get("page_id", "")),
                    tasks=tuple(str(x) for x in t.get("tasks", ALL_TASKS)),
                    expires_at=str(t.get("expires_at", "")),
                )
                for t in meta["tokens"]
            ]
        else:
            everything = frozenset(OWNER_PERMISSIONS)
            tokens = [MetaToken(derived_user_token(), "user", ADMIN_USER_ID, everything)]
            tokens += [
                MetaToken(derived_page_token(p), "page", ADMIN_USER_ID, everything, page_id=p)
                for p in page_ids
            ]
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"{path}: a meta token lacks {error}") from error
    for token in tokens:
        if token.is_page and not token.page_id:
            raise ValueError(f"{path}: a Page token must name its page_id")
        if token.expires_at:
            try:
                token.expired()
            except ValueError as error:
                raise ValueError(f"{path}: expires_at {token.expires_at!r} is not an ISO time") from error
    return MetaAccess(
        tokens=tokens,
        page_ids=list(page_ids),
        buc_calls_per_day=int(meta.get("buc_calls_per_day", DEFAULT_BUC_CALLS_PER_DAY)),
        app_calls_per_hour=int(meta.get("app_calls_per_hour", DEFAULT_APP_CALLS_PER_HOUR)),
    )


def _kind(value: object, path: Path) -> str:
    if value not in ("user", "page"):
        raise ValueError(f"{path}: a meta token's kind is user or page, not {value!r}")
    return str(value)
