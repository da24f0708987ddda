"""An official account as school.toml names it ([[accounts]]): read by every settings table that refers to one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Account:
    platform: str
    handle: str
    id: str
    approved_by: str | None
    approved_on: date | None
    # The named credential set this account uses (flows/credentials.py); None: the platform's default set.
    credentials: str | None = None

    @property
    def label(self) -> str:
        """How people name the account: `X @handle` or `YouTube @handle`."""
        labels = {
            "x": f"X @{self.handle}",
            "instagram": f"Instagram @{self.handle}",
            "facebook": f"Facebook Page {self.handle}",
        }
        return labels.get(self.platform, f"YouTube {self.handle}")
