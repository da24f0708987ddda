"""school.toml: the school, its approved official accounts, and the optional tuning tables."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """school.toml is missing, unreadable or inconsistent; the message says which key."""


@dataclass(frozen=True)
class Account:
    platform: str
    handle: str
    id: str
    approved_by: str | None
    approved_on: date | None


@dataclass(frozen=True)
class ApiSettings:
    max_retries: int = 5
    backoff_seconds: float = 2.0
    max_wait_seconds: float = 900.0
    max_follow_pages: int = 500
    max_post_pages: int = 40
    media_max_bytes: int = 20 * 1024 * 1024


@dataclass(frozen=True)
class RuleSettings:
    exception_threshold: float = 0.85
    review_floor: float = 0.6
    media_hash_max_distance: int = 6
    disabled: tuple[str, ...] = ()
    # `[rules.<rule-id>]` sub-tables: settings one rule reads (e.g. extra political terms).
    options: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class SchoolConfig:
    root: Path
    name: str
    urn: str | None
    phase: str
    timezone: str
    email_domains: tuple[str, ...]
    phones: tuple[str, ...]
    accounts: tuple[Account, ...]
    api: ApiSettings = field(default_factory=ApiSettings)
    rules: RuleSettings = field(default_factory=RuleSettings)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def registers_dir(self) -> Path:
        return self.root / "registers"

    def accounts_on(self, platform: str) -> list[Account]:
        return [a for a in self.accounts if a.platform == platform]


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"school.toml: [{name}] must be a table")
    return value


def _typed(table: dict[str, Any], cls: type, section: str) -> Any:
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(
        k for k in set(table) - set(known) if not isinstance(table[k], dict) or "options" not in known
    )
    if unknown:
        raise ConfigError(f"school.toml: unknown key(s) in [{section}]: {', '.join(unknown)}")
    values: dict[str, Any] = {}
    if "options" in known:
        values["options"] = {k: v for k, v in table.items() if isinstance(v, dict)}
        table = {k: v for k, v in table.items() if not isinstance(v, dict)}
        unknown = sorted(set(table) - set(known))
        if unknown:
            raise ConfigError(f"school.toml: unknown key(s) in [{section}]: {', '.join(unknown)}")
    for key, value in table.items():
        default = known[key].default
        if isinstance(default, bool) or (isinstance(default, tuple) and not isinstance(value, list)):
            raise ConfigError(f"school.toml: [{section}] {key} has the wrong type")
        if isinstance(default, int | float) and not isinstance(value, int | float):
            raise ConfigError(f"school.toml: [{section}] {key} must be a number, not {value!r}")
        values[key] = tuple(value) if isinstance(default, tuple) else value
    return cls(**values)


def load_config(path: Path) -> SchoolConfig:
    """Parse and check school.toml; every problem names the key it is about."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: no such file") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from error
    school = _table(data, "school")
    if not school.get("name"):
        raise ConfigError("school.toml: [school] name is required")
    phase = school.get("phase", "primary")
    if phase not in ("primary", "secondary", "all-through"):
        raise ConfigError(f"school.toml: [school] phase {phase!r} is not primary, secondary or all-through")
    accounts = []
    for i, entry in enumerate(data.get("accounts", []), start=1):
        platform = entry.get("platform")
        if platform not in ("x", "youtube"):
            raise ConfigError(f"school.toml: [[accounts]] #{i} platform {platform!r} is not x or youtube")
        if not entry.get("id") or not entry.get("handle"):
            raise ConfigError(f"school.toml: [[accounts]] #{i} needs both handle and id")
        approved_on = entry.get("approved_on")
        if approved_on is not None and not isinstance(approved_on, date):
            raise ConfigError(f"school.toml: [[accounts]] #{i} approved_on must be a date (YYYY-MM-DD)")
        handle = str(entry["handle"])
        accounts.append(
            Account(
                platform=platform,
                handle=handle.lstrip("@") if platform == "x" else handle,
                id=str(entry["id"]),
                approved_by=entry.get("approved_by"),
                approved_on=approved_on,
            )
        )
    if not accounts:
        raise ConfigError("school.toml: at least one [[accounts]] entry is required")
    return SchoolConfig(
        root=path.parent,
        name=str(school["name"]),
        urn=str(school["urn"]) if school.get("urn") else None,
        phase=phase,
        timezone=str(school.get("timezone", "Europe/London")),
        email_domains=tuple(d.lower() for d in school.get("email_domains", [])),
        phones=tuple(school.get("phones", [])),
        accounts=tuple(accounts),
        api=_typed(_table(data, "api"), ApiSettings, "api"),
        rules=_typed(_table(data, "rules"), RuleSettings, "rules"),
        raw=data,
    )
