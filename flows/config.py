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
    media_hash_max_distance: int = 8  # bits on pHash and on dHash: docs/media-matching.md
    disabled: tuple[str, ...] = ()
    # `[rules.<rule-id>]` sub-tables: settings one rule reads (e.g. extra political terms).
    options: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class CredentialSettings:
    """Where live credentials come from; environment variables (flows/credentials.py) are always a fallback."""

    x_secret_block: str | None = (
        None  # a Prefect Secret holding {consumer_key, consumer_secret, access_token, ...}
    )
    youtube_secret_block: str | None = None  # a Prefect Secret holding the owner's authorised-user JSON
    youtube_token_file: str | None = None  # or that JSON in a 0600 file outside the repository
    youtube_api_key_env: str = "SOCIALAUDIT_YOUTUBE_API_KEY"


@dataclass(frozen=True)
class WarehouseSettings:
    """Encryption at rest: the key comes from an environment variable or a Prefect Secret, never the file."""

    encryption_key_env: str | None = None
    encryption_key_secret: str | None = None


@dataclass(frozen=True)
class RetentionSettings:
    """How long each kind of personal data is kept; enforced by every run (warehouse/retention.py)."""

    raw_pages_weeks: int = 8
    unmatched_profiles_weeks: int = 1
    findings_weeks: int = 52
    resolved_exceptions_months: int = 12
    register_versions_months: int = 12
    validation_results_weeks: int = 52


@dataclass(frozen=True)
class EmailSettings:
    """`[report.email]`: the weekly summary to the ETL by SMTP; safeguarding-critical exceptions also to the DSL.

    The password is never in the file: `password_env` names an environment variable, `password_secret` a
    Prefect Secret block (resolved in flows/publish_email.py)."""

    host: str
    to: tuple[str, ...]
    sender: str
    port: int = 587
    starttls: bool = True
    dsl: str | None = None
    username: str | None = None
    password_env: str | None = None
    password_secret: str | None = None


@dataclass(frozen=True)
class ReportSettings:
    email: EmailSettings | None = None


def _email_settings(table: dict[str, Any]) -> EmailSettings:
    where = "school.toml: [report.email]"
    known = {"host", "port", "starttls", "from", "to", "dsl", "username", "password_env", "password_secret"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{where} unknown key(s): {', '.join(unknown)}")
    for key in ("host", "from", "to"):
        if not table.get(key):
            raise ConfigError(f"{where} {key} is required")
    to = table["to"] if isinstance(table["to"], list) else [table["to"]]
    addresses = [*to, table["from"], *([table["dsl"]] if "dsl" in table else [])]
    if not all(isinstance(a, str) and "@" in a and "\n" not in a and "\r" not in a for a in addresses):
        raise ConfigError(f"{where} from, to and dsl must be e-mail addresses")
    port = table.get("port", 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ConfigError(f"{where} port must be a port number")
    if not isinstance(table.get("starttls", True), bool):
        raise ConfigError(f"{where} starttls must be true or false")
    for key in ("host", "username", "password_env", "password_secret"):
        if key in table and (not isinstance(table[key], str) or not table[key].strip()):
            raise ConfigError(f"{where} {key} must be a non-empty string")
    return EmailSettings(
        host=table["host"],
        to=tuple(to),
        sender=table["from"],
        port=port,
        starttls=table.get("starttls", True),
        dsl=table.get("dsl"),
        username=table.get("username"),
        password_env=table.get("password_env"),
        password_secret=table.get("password_secret"),
    )


def _report_settings(table: dict[str, Any]) -> ReportSettings:
    unknown = sorted(set(table) - {"email"})
    if unknown:
        raise ConfigError(f"school.toml: unknown key(s) in [report]: {', '.join(unknown)}")
    email = table.get("email")
    if email is not None and not isinstance(email, dict):
        raise ConfigError("school.toml: [report.email] must be a table")
    return ReportSettings(email=_email_settings(email) if email is not None else None)


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
    credentials: CredentialSettings = field(default_factory=CredentialSettings)
    warehouse: WarehouseSettings = field(default_factory=WarehouseSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
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


def _named(settings: Any, section: str) -> Any:
    for item in dataclasses.fields(settings):
        value = getattr(settings, item.name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(f"school.toml: [{section}] {item.name} must be a non-empty name")
    return settings


def _retention(settings: RetentionSettings) -> RetentionSettings:
    for item in dataclasses.fields(settings):
        value = getattr(settings, item.name)
        if not isinstance(value, int) or value < 1:
            raise ConfigError(f"school.toml: [retention] {item.name} must be a whole number of at least 1")
    return settings


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
        credentials=_named(
            _typed(_table(data, "credentials"), CredentialSettings, "credentials"), "credentials"
        ),
        warehouse=_named(_typed(_table(data, "warehouse"), WarehouseSettings, "warehouse"), "warehouse"),
        retention=_retention(_typed(_table(data, "retention"), RetentionSettings, "retention")),
        report=_report_settings(_table(data, "report")),
        raw=data,
    )
