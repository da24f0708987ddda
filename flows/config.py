"""school.toml: the school, its approved official accounts, and the optional tuning tables.

Loading is strict: every unknown table or key, anywhere in the file, is refused with its line and the nearest
known name, and every problem in the file is reported at once (ConfigError.problems, one per line)."""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """school.toml is missing, unreadable or inconsistent; the message says which key (and line), never a secret.

    `problems` holds each problem on its own; the message is all of them, one per line."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems: tuple[str, ...] = problems


# `credentials = "NAME"` in an [[accounts]] entry, and the NAME of a `[credentials.NAME]` table.
CREDENTIALS_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


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
        return f"X @{self.handle}" if self.platform == "x" else f"YouTube {self.handle}"


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


# The option keys each rule reads from its `[rules.<rule-id>]` table, every one a list of strings. A rule that
# gains an option adds it here; a rule not listed takes none, so a mistyped option is refused, not ignored.
RULE_OPTIONS: dict[str, tuple[str, ...]] = {
    "contact-details": ("allowed",),
    "political-content": ("extra_terms", "ignore_terms"),
}


@dataclass(frozen=True)
class CredentialSettings:
    """Where live credentials come from; environment variables (flows/credentials.py) are always a fallback."""

    x_secret_block: str | None = (
        None  # a Prefect Secret holding {consumer_key, consumer_secret, access_token, ...}
    )
    youtube_secret_block: str | None = None  # a Prefect Secret holding the owner's authorised-user JSON
    youtube_token_file: str | None = None  # or that JSON in a 0600 file outside the repository
    youtube_api_key_env: str = "SOCIALAUDIT_YOUTUBE_API_KEY"
    # `[credentials.NAME]` tables: the same keys, for the accounts with `credentials = "NAME"`. A named set's
    # youtube_api_key_env defaults to the one above (the API key is the Google Cloud project's, not a channel's).
    named: dict[str, CredentialSettings] = field(default_factory=dict)


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


REGISTER_NAMES = ("pupils", "staff", "parents", "approved_media")


def _no_column_maps() -> dict[str, dict[str, str]]:
    return {name: {} for name in REGISTER_NAMES}


@dataclass(frozen=True)
class RegisterSettings:
    """`[registers]`: how new register versions are accepted.

    hold_share: a new version that loses more than this share of the current pupils, staff or parents without
    marking them as leavers is held. columns: per register (pupils, staff, parents, approved_media; always all
    four keys), the export's own header name -> the contract column name (checks/registers.py)."""

    hold_share: float = 0.2
    columns: dict[str, dict[str, str]] = field(default_factory=_no_column_maps)


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
    registers: RegisterSettings = field(default_factory=RegisterSettings)

    @property
    def registers_dir(self) -> Path:
        return self.root / "registers"

    def accounts_on(self, platform: str) -> list[Account]:
        return [a for a in self.accounts if a.platform == platform]


# --- where things are in the file ------------------------------------------------------------------------------

_Path = tuple[str | int, ...]  # keys, with the 0-based index of an [[array]] entry after its name

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_DOTTED_KEY = rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*"
_HEADER_LINE = re.compile(rf"[ \t]*(\[\[?)[ \t]*({_DOTTED_KEY})[ \t]*\]\]?[ \t]*(?:#.*)?$")
_KEY_LINE = re.compile(rf"[ \t]*({_DOTTED_KEY})[ \t]*=")


def _key_parts(dotted: str) -> list[str]:
    parts = []
    for match in re.finditer(_KEY_PART, dotted):
        text = match.group()
        if text.startswith('"'):
            try:
                parts.append(str(tomllib.loads(f"k = {text}")["k"]))
            except tomllib.TOMLDecodeError:
                parts.append(text[1:-1])
        elif text.startswith("'"):
            parts.append(text[1:-1])
        else:
            parts.append(text)
    return parts


def _header_path(parts: list[str], arrays: dict[_Path, int], is_array: bool) -> _Path:
    path: _Path = ()
    for position, part in enumerate(parts):
        path += (part,)
        if is_array and position == len(parts) - 1:
            index = arrays.get(path, 0)
            arrays[path] = index + 1
            path += (index,)
        elif path in arrays:
            path += (arrays[path] - 1,)  # [accounts.x] after [[accounts]]: a table in its latest entry
    return path


def locate_keys(text: str) -> dict[_Path, int]:
    """The line (1-based) of every table header and `key =` in a TOML text, by path: tomllib gives no positions.

    Handles quoted and dotted keys, dotted tables, arrays of tables and multi-line strings; a key inside an
    inline table is not listed (it is found at the line of the key that holds the inline table)."""
    lines: dict[_Path, int] = {}
    arrays: dict[_Path, int] = {}
    table: _Path = ()
    closing: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if closing:
            if line.count(closing) % 2:
                closing = None
            continue
        header = _HEADER_LINE.match(line)
        if header:
            table = _header_path(_key_parts(header.group(2)), arrays, header.group(1) == "[[")
            for end in range(1, len(table) + 1):
                # [a.b.c] also places a and a.b (if not seen before); [[arr]] places arr itself too.
                lines.setdefault(table[:end], number)
            continue
        key = _KEY_LINE.match(line)
        if key:
            parts = _key_parts(key.group(1))
            for end in range(1, len(parts) + 1):
                lines.setdefault(table + tuple(parts[:end]), number)
            rest = line[key.end() :]
            for delimiter in ('"""', "'''"):
                if rest.count(delimiter) % 2:
                    closing = delimiter
                    break
    return lines


def _dotted(path: _Path) -> str:
    return ".".join(
        part if _BARE_KEY.fullmatch(part) else json.dumps(part) for part in path if isinstance(part, str)
    )


def _where(path: _Path) -> str:
    if not path:
        return "the file (outside any table)"
    if isinstance(path[-1], int):
        return f"[[{_dotted(path)}]] #{path[-1] + 1}"
    return f"[{_dotted(path)}]"


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, date):
        return "a date"
    return type(value).__name__


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "table"
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return "array"
    return "key"


class _Problems:
    """Every problem found in the file, each with the line it is about."""

    def __init__(self, filename: str, text: str) -> None:
        self.filename = filename
        self.lines = locate_keys(text)
        self.found: list[tuple[int, int, str]] = []

    def line_of(self, path: _Path) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def add(self, path: _Path, message: str) -> None:
        line = self.line_of(path)
        where = f"{self.filename} line {line}" if line else self.filename
        self.found.append((line or 1 << 30, len(self.found), f"{where}: {message}"))

    def count(self) -> int:
        return len(self.found)

    def raise_if_any(self) -> None:
        if self.found:
            raise ConfigError(*(message for _, _, message in sorted(self.found)))

    def name(self, path: _Path, key: str, kind: str) -> str:
        if kind == "table":
            return f"[{_dotted((*path, key))}]"
        if kind == "array":
            return f"[[{_dotted((*path, key))}]]"
        return key if _BARE_KEY.fullmatch(key) else json.dumps(key)

    def unknown(self, table: dict[str, Any], path: _Path, known: dict[str, str]) -> None:
        """Refuse each key of `table` not in `known` (name -> "key" | "table" | "array"), naming the nearest."""
        for key, value in table.items():
            if key in known:
                continue
            kind = _kind(value)
            if kind == "key":
                message = f"unknown key {self.name(path, key, kind)} in {_where(path)}"
            else:
                message = f"unknown table {self.name(path, key, kind)}"
            message += self.suggestion(key, known, path)
            self.add((*path, key), message)

    def suggestion(self, word: str, known: dict[str, str], path: _Path = ()) -> str:
        close = difflib.get_close_matches(word, list(known), n=1)
        if not close:
            return ""
        return f"; did you mean {self.name(path, close[0], known[close[0]])}?"


def _table(parent: dict[str, Any], key: str, path: _Path, problems: _Problems) -> dict[str, Any]:
    value = parent.get(key, {})
    if not isinstance(value, dict):
        problems.add((*path, key), f"[{_dotted((*path, key))}] must be a table, not {_describe(value)}")
        return {}
    return value


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _settings(
    table: dict[str, Any],
    path: _Path,
    cls: type,
    problems: _Problems,
    bounds: dict[str, tuple[float | None, float | None]] | None = None,
    not_keys: Iterable[str] = (),
    handled: Iterable[str] = (),
) -> dict[str, Any]:
    """The valid values of `table` for the plain fields of dataclass `cls`, checked by their annotated type.

    `not_keys`: fields of `cls` the file cannot set as keys; `handled`: keys of `table` the caller checks itself.
    Every other unknown key or sub-table is refused; each bad value is reported and left out, so the caller can
    still build `cls` with its defaults while the problems are collected."""
    excluded = set(not_keys)
    fields = {item.name: item for item in dataclasses.fields(cls) if item.name not in excluded}
    known = {name: "key" for name in fields}
    skipped = set(handled)
    problems.unknown({k: v for k, v in table.items() if k not in skipped}, path, known)
    where = _where(path)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in fields:
            continue
        annotation = str(fields[key].type)
        low, high = (bounds or {}).get(key, (None, None))
        if annotation in ("int", "float"):
            whole = annotation == "int"
            number_ok = not isinstance(value, bool) and isinstance(value, int if whole else int | float)
            in_range = number_ok and (low is None or value >= low) and (high is None or value <= high)
            if not in_range:
                kind = "a whole number" if whole else "a number"
                if low is not None and high is not None:
                    wanted = f"{kind} from {low:g} to {high:g}"
                elif low is not None:
                    wanted = f"{kind} of at least {low:g}"
                else:
                    wanted = kind
                found = "" if number_ok else f", not {_describe(value)}"
                problems.add((*path, key), f"{where} {key} must be {wanted}{found}")
                continue
            values[key] = float(value) if not whole else value
        elif annotation in ("str", "str | None"):
            if not isinstance(value, str) or not value.strip():
                problems.add((*path, key), f"{where} {key} must be a non-empty name")
                continue
            values[key] = value
        elif annotation == "tuple[str, ...]":
            if not _string_list(value):
                problems.add((*path, key), f"{where} {key} must be a list of strings")
                continue
            values[key] = tuple(value)
        elif annotation == "bool":
            if not isinstance(value, bool):
                problems.add((*path, key), f"{where} {key} must be true or false")
                continue
            values[key] = value
    return values


# --- each table --------------------------------------------------------------------------------------------------

_TOP_LEVEL = {
    "school": "table",
    "accounts": "array",
    "api": "table",
    "rules": "table",
    "credentials": "table",
    "warehouse": "table",
    "retention": "table",
    "report": "table",
    "registers": "table",
}
_SCHOOL_KEYS = ("name", "urn", "phase", "timezone", "email_domains", "phones")
_ACCOUNT_KEYS = ("platform", "handle", "id", "approved_by", "approved_on", "credentials")
_PHASES = ("primary", "secondary", "all-through")


def _school(data: dict[str, Any], problems: _Problems) -> dict[str, Any]:
    path: _Path = ("school",)
    if "school" not in data:
        problems.add((), "a [school] table with its name is required")
    school = _table(data, "school", (), problems)
    problems.unknown(school, path, dict.fromkeys(_SCHOOL_KEYS, "key"))
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
        if not _string_list(value):
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


def _accounts(data: dict[str, Any], problems: _Problems) -> list[Account]:
    entries = data.get("accounts", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        problems.add(("accounts",), "accounts must be [[accounts]] tables")
        return []
    if not entries:
        problems.add((), "at least one [[accounts]] entry is required")
    accounts = []
    for index, entry in enumerate(entries):
        path: _Path = ("accounts", index)
        where = _where(path)
        before = problems.count()
        problems.unknown(entry, path, dict.fromkeys(_ACCOUNT_KEYS, "key"))
        platform = entry.get("platform")
        if platform not in ("x", "youtube"):
            problems.add((*path, "platform"), f"{where} platform {platform!r} is not x or youtube")
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
                handle=handle.lstrip("@") if platform == "x" else handle,
                id=str(entry["id"]),
                approved_by=approved_by,
                approved_on=approved_on,
                credentials=credentials,
            )
        )
    return accounts


def _rule_ids() -> dict[str, str]:
    from checks.rules import RULES  # only when school.toml names rules: loading config stays light

    return {rule.id: "table" for rule in RULES}


def _rules(data: dict[str, Any], problems: _Problems) -> RuleSettings:
    path: _Path = ("rules",)
    table = _table(data, "rules", (), problems)
    sub_tables = [key for key, value in table.items() if isinstance(value, dict)]
    rule_ids = _rule_ids() if sub_tables or table.get("disabled") else {}
    values = _settings(
        table,
        path,
        RuleSettings,
        problems,
        bounds={
            "exception_threshold": (0, 1),
            "review_floor": (0, 1),
            "media_hash_max_distance": (0, 64),
        },
        not_keys=("options",),
        handled=sub_tables,
    )
    for rule_id in values.get("disabled", ()):
        if rule_id not in rule_ids:
            problems.add(
                (*path, "disabled"),
                f"[rules] disabled names unknown rule {rule_id}{_nearest(rule_id, rule_ids)}",
            )
    options: dict[str, dict[str, Any]] = {}
    for rule_id in sub_tables:
        option_path: _Path = (*path, rule_id)
        if rule_id not in rule_ids:
            close = difflib.get_close_matches(rule_id, list(rule_ids), n=1)
            hint = f"; did you mean [rules.{close[0]}]?" if close else f" (rules: {', '.join(rule_ids)})"
            problems.add(option_path, f"[{_dotted(option_path)}] names no rule{hint}")
            continue
        settings = table[rule_id]
        allowed = RULE_OPTIONS.get(rule_id, ())
        for key, value in settings.items():
            if key not in allowed:
                message = f"unknown key {problems.name(option_path, key, 'key')} in [{_dotted(option_path)}]"
                message += problems.suggestion(key, dict.fromkeys(allowed, "key"))
                problems.add(
                    (*option_path, key),
                    message if allowed else f"{message} (rule {rule_id} takes no options)",
                )
            elif not _string_list(value):
                problems.add((*option_path, key), f"[{_dotted(option_path)}] {key} must be a list of strings")
        options[rule_id] = settings
    return RuleSettings(**values, options=options)


def _nearest(word: str, known: Iterable[str]) -> str:
    names = list(known)
    close = difflib.get_close_matches(word, names, n=1)
    return f"; did you mean {close[0]}?" if close else f" (known: {', '.join(names)})"


def _credentials(data: dict[str, Any], accounts: list[Account], problems: _Problems) -> CredentialSettings:
    path: _Path = ("credentials",)
    table = _table(data, "credentials", (), problems)
    sub_tables = [key for key, value in table.items() if isinstance(value, dict)]
    default = CredentialSettings(
        **_settings(table, path, CredentialSettings, problems, not_keys=("named",), handled=sub_tables)
    )
    entries = data.get("accounts")
    used = {
        entry["credentials"]
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and isinstance(entry.get("credentials"), str)
    }
    named = {}
    for name in sub_tables:
        set_path: _Path = (*path, name)
        if not CREDENTIALS_NAME.fullmatch(name):
            problems.add(
                set_path,
                f"[{_dotted(set_path)}] is not a credential set name: lowercase letters, digits, - and _",
            )
            continue
        if name not in used:
            close = difflib.get_close_matches(name, sorted(used), n=1)
            hint = f"; did you mean [credentials.{close[0]}]?" if close else ""
            problems.add(
                set_path,
                f'[{_dotted(set_path)}] is unused: no [[accounts]] entry has credentials = "{name}"{hint}',
            )
        values = _settings(table[name], set_path, CredentialSettings, problems, not_keys=("named",))
        values.setdefault("youtube_api_key_env", default.youtube_api_key_env)
        named[name] = CredentialSettings(**values)
    spellings: dict[str, str] = {}
    for index, account in enumerate(accounts):
        if not account.credentials:
            continue
        same = account.credentials.upper().replace("-", "_")
        other = spellings.setdefault(same, account.credentials)
        if other != account.credentials:
            problems.add(
                ("accounts", index, "credentials"),
                f"credentials {account.credentials!r} and {other!r} would share the environment variables "
                f"SOCIALAUDIT_..._{same}_...: spell them the same or choose different names",
            )
    return dataclasses.replace(default, named=named)


def _retention(data: dict[str, Any], problems: _Problems) -> RetentionSettings:
    table = _table(data, "retention", (), problems)
    bounds: dict[str, tuple[float | None, float | None]] = {
        item.name: (1, None) for item in dataclasses.fields(RetentionSettings)
    }
    return RetentionSettings(**_settings(table, ("retention",), RetentionSettings, problems, bounds))


def _contract_columns() -> dict[str, tuple[str, ...]]:
    # Only when school.toml maps columns: the register loader (and polars) is not needed to read the config.
    from checks.registers import APPROVED_MEDIA_COLUMNS, PARENT_COLUMNS, PUPIL_COLUMNS, STAFF_COLUMNS

    columns = (PUPIL_COLUMNS, STAFF_COLUMNS, PARENT_COLUMNS, APPROVED_MEDIA_COLUMNS)
    return dict(zip(REGISTER_NAMES, columns, strict=True))


def _registers(data: dict[str, Any], problems: _Problems) -> RegisterSettings:
    path: _Path = ("registers",)
    table = _table(data, "registers", (), problems)
    problems.unknown(table, path, {"hold_share": "key", "columns": "table"})
    values = _settings(
        {k: v for k, v in table.items() if k == "hold_share"},
        path,
        RegisterSettings,
        problems,
        bounds={"hold_share": (0, 1)},
        not_keys=("columns",),
    )
    columns = _no_column_maps()
    columns_path: _Path = (*path, "columns")
    column_tables = _table(table, "columns", path, problems)
    problems.unknown(column_tables, columns_path, dict.fromkeys(REGISTER_NAMES, "table"))
    mapped = any(isinstance(column_tables.get(name), dict) and column_tables[name] for name in REGISTER_NAMES)
    contract = _contract_columns() if mapped else dict.fromkeys(REGISTER_NAMES, ())
    for register in REGISTER_NAMES:
        mapping = _table(column_tables, register, columns_path, problems)
        register_path: _Path = (*columns_path, register)
        mapped_to: dict[str, str] = {}
        for header, column in mapping.items():
            if not isinstance(column, str):
                problems.add(
                    (*register_path, header),
                    f"[{_dotted(register_path)}] {problems.name(register_path, header, 'key')} must name a "
                    f"{register} column (a string), not {_describe(column)}",
                )
                continue
            if column not in contract[register]:
                problems.add(
                    (*register_path, header),
                    f"[{_dotted(register_path)}] maps {problems.name(register_path, header, 'key')} to "
                    f"{column!r}, which is no {register} column{_nearest(column, contract[register])}",
                )
                continue
            if column in mapped_to:
                problems.add(
                    (*register_path, header),
                    f"[{_dotted(register_path)}] maps both {mapped_to[column]!r} and {header!r} to {column}",
                )
                continue
            mapped_to[column] = header
            columns[register][header] = column
    return RegisterSettings(**values, columns=columns)


def _report(data: dict[str, Any], problems: _Problems) -> ReportSettings:
    path: _Path = ("report",)
    table = _table(data, "report", (), problems)
    problems.unknown(table, path, {"email": "table"})
    if "email" not in table:
        return ReportSettings()
    if not isinstance(table["email"], dict):
        _table(table, "email", path, problems)  # says it must be a table
        return ReportSettings()
    return ReportSettings(email=_email(table["email"], (*path, "email"), problems))


_EMAIL_KEYS = ("host", "port", "starttls", "from", "to", "dsl", "username", "password_env", "password_secret")


def _email(table: dict[str, Any], path: _Path, problems: _Problems) -> EmailSettings | None:
    where = "[report.email]"
    before = problems.count()
    problems.unknown(table, path, dict.fromkeys(_EMAIL_KEYS, "key"))
    for key in ("host", "from", "to"):
        if not table.get(key):
            problems.add(path, f"{where} {key} is required")
    to = table.get("to", [])
    to = to if isinstance(to, list) else [to]
    addresses = [*to, *(table[key] for key in ("from", "dsl") if key in table)]
    if not all(isinstance(a, str) and "@" in a and "\n" not in a and "\r" not in a for a in addresses):
        problems.add(path, f"{where} from, to and dsl must be e-mail addresses")
    port = table.get("port", 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        problems.add((*path, "port"), f"{where} port must be a port number")
    if not isinstance(table.get("starttls", True), bool):
        problems.add((*path, "starttls"), f"{where} starttls must be true or false")
    for key in ("host", "username", "password_env", "password_secret"):
        if key in table and (not isinstance(table[key], str) or not table[key].strip()):
            problems.add((*path, key), f"{where} {key} must be a non-empty string")
    if problems.count() > before:
        return None
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


def load_config(path: Path) -> SchoolConfig:
    """Parse and check school.toml; every problem names its line and key, and all are reported together."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: no such file") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from error
    problems = _Problems(path.name, text)
    problems.unknown(data, (), _TOP_LEVEL)
    school = _school(data, problems)
    accounts = _accounts(data, problems)
    api = ApiSettings(
        **_settings(
            _table(data, "api", (), problems),
            ("api",),
            ApiSettings,
            problems,
            bounds={
                "max_retries": (0, None),
                "backoff_seconds": (0, None),
                "max_wait_seconds": (0, None),
                "max_follow_pages": (1, None),
                "max_post_pages": (1, None),
                "media_max_bytes": (1, None),
            },
        )
    )
    rules = _rules(data, problems)
    credentials = _credentials(data, accounts, problems)
    warehouse = WarehouseSettings(
        **_settings(_table(data, "warehouse", (), problems), ("warehouse",), WarehouseSettings, problems)
    )
    retention = _retention(data, problems)
    report = _report(data, problems)
    registers = _registers(data, problems)
    problems.raise_if_any()
    return SchoolConfig(
        root=path.parent,
        accounts=tuple(accounts),
        api=api,
        rules=rules,
        credentials=credentials,
        warehouse=warehouse,
        retention=retention,
        report=report,
        registers=registers,
        raw=data,
        **school,
    )
