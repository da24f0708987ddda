"""school.toml: the school, its approved official accounts, and the optional tuning tables.

Loading is strict: every unknown table or key, anywhere in the file, is refused with its line and the nearest
known name, and every problem in the file is reported at once (ConfigError.problems, one per line)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from checks.rule_support.citation import SchoolPolicy
from dashboards.access import ReviewAppSettings
from flows.config.accounts import Account
from flows.config.policy import parse_policy
from flows.config.remediation import RemediationSettings, parse_remediation
from flows.config.review import ReviewSettings, parse_review_app, parse_reviews
from flows.config.strict import KeyPath, Problems, is_string_list, locate_keys, sub_table, table_label
from flows.config.tables import (
    CREDENTIALS_NAME,
    REGISTER_NAMES,
    ApiSettings,
    CredentialSettings,
    EmailSettings,
    ImageSettings,
    RegisterSettings,
    ReportSettings,
    RetentionSettings,
    RuleSettings,
    WarehouseSettings,
    parse_api,
    parse_credentials,
    parse_images,
    parse_registers,
    parse_report,
    parse_retention,
    parse_rules,
    parse_warehouse,
)
from platforms import NAMES, spelled_out

# The settings tables live in flows/config/tables.py and the strict key checks in flows/config/strict.py; every
# name other modules use is importable from here.
__all__ = [
    "ACCOUNT_KEYS",
    "CREDENTIALS_NAME",
    "REGISTER_NAMES",
    "SCHOOL_KEYS",
    "TOP_LEVEL_TABLES",
    "Account",
    "ApiSettings",
    "ConfigError",
    "CredentialSettings",
    "EmailSettings",
    "ImageSettings",
    "RegisterSettings",
    "RemediationSettings",
    "ReportSettings",
    "RetentionSettings",
    "ReviewAppSettings",
    "ReviewSettings",
    "RuleSettings",
    "SchoolConfig",
    "WarehouseSettings",
    "load_config",
    "locate_keys",
]


class ConfigError(Exception):
    """school.toml is missing, unreadable or inconsistent; the message says which key (and line), never a secret.

    `problems` holds each problem on its own; the message is all of them, one per line."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems: tuple[str, ...] = problems


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
    images: ImageSettings = field(default_factory=ImageSettings)
    rules: RuleSettings = field(default_factory=RuleSettings)
    credentials: CredentialSettings = field(default_factory=CredentialSettings)
    warehouse: WarehouseSettings = field(default_factory=WarehouseSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    registers: RegisterSettings = field(default_factory=RegisterSettings)
    remediation: RemediationSettings = field(default_factory=RemediationSettings)
    reviews: ReviewSettings = field(default_factory=ReviewSettings)
    review_app: ReviewAppSettings = field(default_factory=ReviewAppSettings)
    policy: SchoolPolicy = field(default_factory=SchoolPolicy)

    @property
    def registers_dir(self) -> Path:
        return self.root / "registers"

    def accounts_on(self, platform: str) -> list[Account]:
        return [a for a in self.accounts if a.platform == platform]


# --- [school] and [[accounts]] ---------------------------------------------------------------------------------

# The tables and keys school.toml may hold (docs/contracts/school-toml.md, which a test holds to these).
TOP_LEVEL_TABLES = {
    "school": "table",
    "accounts": "array",
    "api": "table",
    "images": "table",
    "rules": "table",
    "credentials": "table",
    "warehouse": "table",
    "retention": "table",
    "report": "table",
    "registers": "table",
    "remediation": "table",
    "reviews": "table",
    "review_app": "table",
    "policy": "table",
}
SCHOOL_KEYS = ("name", "urn", "phase", "timezone", "email_domains", "phones")
ACCOUNT_KEYS = ("platform", "handle", "id", "approved_by", "approved_on", "credentials")
_PHASES = ("primary", "secondary", "all-through")


def _school(data: dict[str, Any], problems: Problems) -> dict[str, Any]:
    path: KeyPath = ("school",)
    if "school" not in data:
        problems.add((), "a [school] table with its name is required")
    school = sub_table(data, "school", (), problems)
    problems.unknown(school, path, dict.fromkeys(SCHOOL_KEYS, "key"))
    name = school.get("name")
    if not isinstance(name, str) or not name.strip():
        if "school" in data:
            problems.add(path if name is None else (*path, "name"), "[school] name is required (a string)")
        name = ""
    phase = school.get("phase", "primary")
    if phase not in _PHASES:
        problems.add((*path, "phase"), f"[school] phase {phase!r} is not primary, secondary or all-through")
    urn = school.get("urn")
    if urn is not None and (isinstance(urn, bool) or not isinstance(urn, str | int)):
        problems.add((*path, "urn"), "[school] urn must be a string of digits")
        urn = None
    timezone = school.get("timezone", "Europe/London")
    if not isinstance(timezone, str) or not timezone.strip():
        problems.add((*path, "timezone"), "[school] timezone must be a name such as Europe/London")
        timezone = "Europe/London"
    lists = {}
    for key in ("email_domains", "phones"):
        value = school.get(key, [])
        if not is_string_list(value):
            problems.add((*path, key), f"[school] {key} must be a list of strings")
            value = []
        lists[key] = value
    return {
        "name": name,
        "urn": str(urn) if urn else None,
        "phase": phase,
        "timezone": timezone,
        "email_domains": tuple(d.lower() for d in lists["email_domains"]),
        "phones": tuple(lists["phones"]),
    }


def _accounts(data: dict[str, Any], problems: Problems) -> list[Account]:
    entries = data.get("accounts", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        problems.add(("accounts",), "accounts must be [[accounts]] tables")
        return []
    if not entries:
        problems.add((), "at least one [[accounts]] entry is required")
    accounts = []
    for index, entry in enumerate(entries):
        path: KeyPath = ("accounts", index)
        where = table_label(path)
        before = problems.count()
        problems.unknown(entry, path, dict.fromkeys(ACCOUNT_KEYS, "key"))
        platform = entry.get("platform")
        if platform not in NAMES:
            problems.add((*path, "platform"), f"{where} platform {platform!r} is not {spelled_out()}")
        for key in ("handle", "id"):
            value = entry.get(key)
            if value is None or value == "":
                problems.add(path, f"{where} needs both handle and id ({key} is missing)")
            elif isinstance(value, bool) or not isinstance(value, str | int):
                problems.add((*path, key), f"{where} {key} must be a string")
        approved_by = entry.get("approved_by")
        if approved_by is not None and not isinstance(approved_by, str):
            problems.add((*path, "approved_by"), f"{where} approved_by must be a string")
        approved_on = entry.get("approved_on")
        if approved_on is not None and not isinstance(approved_on, date):
            problems.add((*path, "approved_on"), f"{where} approved_on must be a date (YYYY-MM-DD)")
        credentials = entry.get("credentials")
        if credentials is not None and (
            not isinstance(credentials, str) or not CREDENTIALS_NAME.fullmatch(credentials)
        ):
            problems.add(
                (*path, "credentials"),
                f"{where} credentials must name a credential set: lowercase letters, digits, - and _ "
                "(at most 40), starting with a letter or digit",
            )
        if problems.count() > before:
            continue
        handle = str(entry["handle"])
        accounts.append(
            Account(
                platform=platform,
                handle=handle.lstrip("@") if platform in ("x", "instagram") else handle,
                id=str(entry["id"]),
                approved_by=approved_by,
                approved_on=approved_on,
                credentials=credentials,
            )
        )
    return accounts


def read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """A TOML file's text (for line numbers) and its parsed data; a missing or unreadable file is a ConfigError."""
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: no such file") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from error


def load_config(path: Path) -> SchoolConfig:
    """Parse and check school.toml; every problem names its line and key, and all are reported together."""
    text, data = read_toml(path)
    problems = Problems(path.name, text)
    problems.unknown(data, (), TOP_LEVEL_TABLES)
    school = _school(data, problems)
    accounts = _accounts(data, problems)
    api = parse_api(data, problems)
    images = parse_images(data, problems)
    rules = parse_rules(data, problems)
    credentials = parse_credentials(data, accounts, problems)
    warehouse = parse_warehouse(data, problems)
    retention = parse_retention(data, problems)
    report = parse_report(data, problems)
    registers = parse_registers(data, problems)
    remediation = parse_remediation(data, problems)
    reviews = parse_reviews(data, problems)
    review_app = parse_review_app(data, problems, path.resolve().parent)
    policy = parse_policy(data, problems)
    found = problems.messages()
    if found:
        raise ConfigError(*found)
    return SchoolConfig(
        root=path.parent,
        accounts=tuple(accounts),
        api=api,
        images=images,
        rules=rules,
        credentials=credentials,
        warehouse=warehouse,
        retention=retention,
        report=report,
        registers=registers,
        remediation=remediation,
        reviews=reviews,
        review_app=review_app,
        policy=policy,
        raw=data,
        **school,
    )
