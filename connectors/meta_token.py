"""What Meta says of the school's token, in one call: `GET /debug_token?input_token=TOKEN` (the call Meta documents
for a token's type, expiry, permissions and the Pages and accounts they apply to). `/me/permissions` is a user's
edge: a Page token has no such edge and cannot answer it.

The token inspects itself (a Page token is what the school keeps; Meta's debugger shows a token's own details to it).
Graph answers an expired or unreadable inspected token with HTTP 200, `is_valid: false` and the 190 inside `data`;
an expired calling token (here the same one) is refused with 190 outright: both are `TokenInvalid`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectors.meta import TOKEN_INVALID, TokenInvalid, classify
from connectors.paging import RetryPolicy, call_with_retries

# What the weekly read needs of the token, per platform (the Graph edges connectors/*_reading.py call): without
# pages_read_user_content a Page's visitor posts are refused and no commenter is shown.
READ_PERMISSIONS = {
    "facebook": ("pages_read_engagement", "pages_read_user_content"),
    "instagram": ("instagram_basic", "instagram_manage_comments", "pages_read_engagement"),
}


@dataclass(frozen=True)
class TokenInspection:
    kind: str  # PAGE, USER, APP (as Meta names it)
    profile_id: str  # a Page token's Page ("" for other kinds)
    user_id: str
    scopes: frozenset[str]
    # permission -> the ids (Pages, Instagram accounts) it is granted on; absent: not restricted to any
    targets: dict[str, frozenset[str]]
    expires_at: datetime | None  # None: never
    data_access_expires_at: datetime | None

    def scopes_on(self, platform: str, object_id: str) -> frozenset[str]:
        """The permissions that apply to this Page, or to this Instagram account (its `pages_*` ones on the Page the
        token is for, the Page it is linked to)."""
        ids = {object_id, self.profile_id} if platform == "instagram" else {object_id}
        return frozenset(s for s in self.scopes if s not in self.targets or ids & self.targets[s])

    def not_for(self, platform: str, object_id: str) -> str | None:
        """Why this token cannot read the account (another kind of token, another Page, an account its Page is not
        linked to); None when it is the account's."""
        if self.kind != "PAGE":
            return f"it is a {self.kind or 'non-Page'} token, not a Page token"
        if platform == "facebook" and self.profile_id != object_id:
            return f"it is the Page token of Page {self.profile_id}, not of this Page ({object_id})"
        if platform == "instagram" and object_id not in self.targets.get("instagram_basic", {object_id}):
            return (
                f"its Page ({self.profile_id}) is not linked to this Instagram account ({object_id}), or "
                "instagram_basic was not granted on it"
            )
        return None

    def missing_for_reading(self, platform: str, object_id: str) -> list[str]:
        held = self.scopes_on(platform, object_id)
        return [p for p in READ_PERMISSIONS[platform] if p not in held]

    def expiry_line(self, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        parts = [
            "never expires"
            if self.expires_at is None
            else f"expires {self.expires_at:%Y-%m-%d} (in {(self.expires_at - now).days} days)"
        ]
        if self.data_access_expires_at is not None:
            parts.append(
                f"its data access ends {self.data_access_expires_at:%Y-%m-%d} unless an admin uses the app"
            )
        return "; ".join(parts)


def inspect_token(api: Any, token: str, policy: RetryPolicy, platform: str) -> TokenInspection:
    """The token as Meta describes it; `TokenInvalid` when Meta says it is not (expired, revoked, unreadable)."""

    def ask() -> Any:
        return api.call("GET", ("debug_token",), params={"input_token": token}).json()

    answer = call_with_retries(ask, classify(platform, "debug_token"), policy, platform, "debug_token")
    data = (answer or {}).get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict):
        raise TokenInvalid(platform, "debug_token", f"Meta's answer had no token data: {str(answer)[:200]}")
    if data.get("is_valid") is not True:
        given = data.get("error")
        error: dict[str, Any] = given if isinstance(given, dict) else {}
        code = error.get("code", TOKEN_INVALID)
        subcode = error.get("subcode")
        said = (
            f"Graph error {code}"
            + (f"/{subcode}" if subcode else "")
            + f": {error.get('message', 'not valid')}"
        )
        raise TokenInvalid(
            platform,
            "debug_token",
            f"{said}; Meta says the token is not valid: make a new Page token (docs/production.md §2)",
        )
    targets = {
        str(g.get("scope")): frozenset(str(t) for t in g.get("target_ids") or [])
        for g in data.get("granular_scopes") or []
        if isinstance(g, dict) and g.get("target_ids")
    }
    return TokenInspection(
        kind=str(data.get("type", "")),
        profile_id=str(data.get("profile_id", "")),
        user_id=str(data.get("user_id", "")),
        scopes=frozenset(str(s) for s in data.get("scopes") or []),
        targets=targets,
        expires_at=_moment(data.get("expires_at")),
        data_access_expires_at=_moment(data.get("data_access_expires_at")),
    )


def _moment(value: Any) -> datetime | None:
    """A Unix time Meta sends; 0 or none means never."""
    if not isinstance(value, int | float) or value <= 0:
        return None
    return datetime.fromtimestamp(value, UTC)
