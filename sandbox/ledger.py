"""What a run costs as the platforms count it: X bills per resource returned, at the owned-read price only when the
path's user is the authenticated user and owns the developer app, each resource once per UTC day; YouTube spends
quota units from the Cloud project's daily allowance (reset at midnight Pacific time), every call counting, a
refused one included.

Tests read `SandboxServer.ledger`; a run in another process leaves it in the JSON-lines file named by
$SOCIALAUDIT_SANDBOX_LEDGER (one line per billed call)."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

LEDGER_ENV = "SOCIALAUDIT_SANDBOX_LEDGER"
# docs.x.com pricing (pay-per-use, in force since 2026-04-20), US dollars per resource.
POST_READ_USD = 0.005
USER_READ_USD = 0.010
FOLLOWS_READ_USD = 0.010
OWNED_READ_USD = 0.001
# Routes whose reads are owned reads when `:id` is the authenticated user who owns the app.
OWNED_ROUTES = ("x.tweets", "x.followers", "x.following")
UNIT_PRICES = {
    "x.tweets": POST_READ_USD,
    "x.tweets_lookup": POST_READ_USD,
    "x.followers": FOLLOWS_READ_USD,
    "x.following": FOLLOWS_READ_USD,
    "x.me": USER_READ_USD,
    "x.user": USER_READ_USD,
}
# Writes are billed per request (docs.x.com pricing; docs/remediation.md says which category each falls in).
# A post ("Content: Create") costs more when its text holds a URL.
WRITE_PRICES = {
    "x.delete_post": 0.005,
    "x.hide_reply": 0.005,
    "x.mute": 0.010,
    "x.create_post": 0.015,
    "x.create_post_with_url": 0.200,
}
PACIFIC = ZoneInfo("America/Los_Angeles")
# Every YouTube list call the pipeline makes costs one unit (developers.google.com/youtube/v3/determine_quota_cost).
YOUTUBE_UNITS = 1


@dataclass(frozen=True)
class XCharge:
    route: str
    user_id: str
    path_id: str | None
    owned: bool
    resources: int
    billed: int  # resources not already billed today
    usd: float
    platform: str = "x"


@dataclass(frozen=True)
class QuotaCharge:
    route: str
    project: str
    units: int
    refused: bool
    platform: str = "youtube"


class Ledger:
    """Every billed X read and every YouTube quota unit one server has counted."""

    def __init__(self, daily_quota: int, project: str) -> None:
        self.daily_quota = daily_quota
        self.project = project
        self.x: list[XCharge] = []
        self.youtube: list[QuotaCharge] = []
        self._lock = threading.Lock()
        self._billed_today: set[tuple[str, str, str, str]] = set()
        self._units: dict[str, int] = {}
        target = os.environ.get(LEDGER_ENV, "").strip()
        self._file = Path(target) if target else None

    # -- X

    def bill_x(
        self, route: str, user_id: str, owner_id: str, path_id: str | None, resource_ids: list[str]
    ) -> XCharge:
        owned = route in OWNED_ROUTES and path_id == user_id == owner_id
        unit = OWNED_READ_USD if owned else UNIT_PRICES[route]
        kind = "post" if route in ("x.tweets", "x.tweets_lookup") else "user"
        day = datetime.now(UTC).date().isoformat()
        with self._lock:
            fresh = [r for r in resource_ids if (owner_id, day, kind, r) not in self._billed_today]
            self._billed_today.update((owner_id, day, kind, r) for r in fresh)
            charge = XCharge(route, user_id, path_id, owned, len(resource_ids), len(fresh), len(fresh) * unit)
            self.x.append(charge)
        self._write(charge)
        return charge

    def bill_x_request(self, route: str, user_id: str) -> XCharge:
        """A write, billed per request whatever it touched."""
        charge = XCharge(route, user_id, None, False, 1, 1, WRITE_PRICES[route])
        with self._lock:
            self.x.append(charge)
        self._write(charge)
        return charge

    @property
    def x_usd(self) -> float:
        return sum(c.usd for c in self.x)

    # -- YouTube

    def spend_quota(self, route: str, units: int = YOUTUBE_UNITS) -> bool:
        """Count one call of `units` (a list call 1, a write 50) against the project's allowance for today
        (Pacific); False: the day's quota cannot pay for it and the call is refused (it is still recorded)."""
        day = datetime.now(PACIFIC).date().isoformat()
        with self._lock:
            used = self._units.get(day, 0)
            refused = used + units > self.daily_quota
            if not refused:
                self._units[day] = used + units
            charge = QuotaCharge(route, self.project, 0 if refused else units, refused)
            self.youtube.append(charge)
        self._write(charge)
        return not refused

    @property
    def youtube_units(self) -> int:
        return sum(c.units for c in self.youtube)

    def _write(self, charge: XCharge | QuotaCharge) -> None:
        if self._file is None:
            return
        line = json.dumps(asdict(charge)) + "\n"
        with self._lock, self._file.open("a", encoding="utf-8") as out:
            out.write(line)


def read_ledger_file(path: Path) -> list[dict[str, object]]:
    """The charges a sandbox wrote to $SOCIALAUDIT_SANDBOX_LEDGER, in order."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
