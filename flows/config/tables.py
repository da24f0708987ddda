"""The optional school.toml tables: [api], [images], [rules], [credentials], [warehouse], [retention], [registers]
and [report.email]. Each has a frozen dataclass of its settings, with their defaults, and a `parse_*` function that reads
and checks it, reporting every problem (with its line) to `Problems`."""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from checks.findings import Thresholds
from flows.config.accounts import Account
from flows.config.strict import (
    KeyPath,
    Problems,
    checked_settings,
    describe_value,
    dotted_key,
    is_string_list,
    nearest_name,
    sub_table,
)

# `credentials = "NAME"` in an [[accounts]] entry, and the NAME of a `[credentials.NAME]` table.
CREDENTIALS_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


@dataclass(frozen=True)
class ApiSettings:
    max_retries: int = 5
    backoff_seconds: float = 2.0
    max_wait_seconds: float = 900.0
    max_follow_pages: int = 500
    max_post_pages: int = 40
    media_max_bytes: int = 20 * 1024 * 1024
    # US dollars: a run whose estimated X bill (from the account's public_metrics) is higher stops before
    # paging followers. $10 covers ~10,000 owned reads: a large school's followers, following and new posts.
    max_x_cost_per_run: float = 10.0
    # Whether the X developer app belongs to the audited account itself: only then does X bill owned reads
    # ($0.001); otherwise a follower costs $0.010 and a post $0.005. Unsaid, the dearer price is assumed.
    x_app_owned_by_account: bool = False


@dataclass(frozen=True)
class ImageSettings:
    """`[images]`: whether published images are read (text by OCR, faces counted; checks/images/). Off, the media
    rules still match every image by its hashes, and the text rules read only the posts' own text."""

    read: bool = True


@dataclass(frozen=True)
class RuleSettings:
    # The defaults are the checks' own (checks/findings.py, Thresholds), where they are explained.
    exception_threshold: float = Thresholds.exception
    review_floor: float = Thresholds.review_floor
    media_hash_max_distance: int = Thresholds.media_hash_max_distance
    # Weeks an exception's subscriber may be missing from YouTube's visible sample before a person is asked to
    # look (the sample is capped and public-only, so absence resolves nothing); 0: never ask.
    subscriber_unseen_weeks: int = 4
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
    meta_secret_block: str | None = (
        None  # a Prefect Secret holding the long-lived Page token (Facebook, Instagram)
    )
    meta_token_file: str | None = None  # or that token alone in a 0600 file outside the repository
    # `[credentials.NAME]` tables: the same keys, for the accounts with `credentials = "NAME"`. A named set's
    # youtube_api_key_env defaults to the one above (the API key is the Google Cloud project's, not a channel's).
    named: dict[str, CredentialSettings] = field(default_factory=dict)


@dataclass(frozen=True)
class WarehouseSettings:
    """Encryption at rest: the key comes from an environment variable or a Prefect Secret, never the file."""

    encryption_key_env: str | None = None
    encryption_key_secret: str | None = None
    # The warehouse file when no --db and no $SOCIALAUDIT_DB name it (flows/warehouse_location.py).
    path: str | None = None
    # The key of `socialaudit backup` files (flows/backup.py): never the file itself, as for the warehouse key.
    backup_key_env: str | None = None
    backup_key_secret: str | None = None


@dataclass(frozen=True)
class RetentionSettings:
    """How long each kind of personal data is kept; enforced by every run (warehouse/privacy/retention.py)."""

    raw_pages_weeks: int = 8
    unmatched_profiles_weeks: int = 1
    findings_weeks: int = 52
    resolved_exceptions_months: int = 12
    register_versions_months: int = 12
    validation_results_weeks: int = 52
    matched_identities_weeks: int = 13
    decided_exceptions_months: int = 12
    posts_naming_pupils_weeks: int = 52
    # Weeks of outputs kept in --out/weeks/<as_of>/ (dashboards/kept_weeks.py), as long as the findings they show.
    output_weeks: int = 52
    # Backups `socialaudit backup` keeps in a folder (flows/backup.py): the longest school holiday and a fortnight.
    backup_weeks: int = 8
    # Who viewed, decided, exported or queried what (audit.access_log): long enough to look into a complaint.
    access_log_months: int = 24


REGISTER_NAMES = ("pupils", "staff", "parents", "approved_media")


def _no_column_maps() -> dict[str, dict[str, str]]:
    return {name: {} for name in REGISTER_NAMES}


@dataclass(frozen=True)
class RegisterSettings:
    """`[registers]`: how new register versions are accepted.

    hold_share: a new version that loses more than this share of the current pupils, staff or parents without
    marking them as leavers is held. columns: per register (pupils, staff, parents, approved_media; always all
    four keys), the export's own header name -> the contract column name (checks/registers/contract.py)."""

    hold_share: float = 0.2
    columns: dict[str, dict[str, str]] = field(default_factory=_no_column_maps)
    # A register file unchanged this many weeks is a warning (checks/registers/staleness.py): a half term.
    stale_after_weeks: int = 6


MAIL_TRANSPORTS = ("smtp", "graph")
MAIL_AUTHS = ("password", "oauth2")


@dataclass(frozen=True)
class EmailSettings:
    """`[report.email]`: the weekly summary to the ETL; safeguarding-critical exceptions also to the DSL.

    By SMTP (a password, or an OAuth 2.0 token as XOAUTH2) or by Microsoft Graph `sendMail`; tokens are app-only,
    from Microsoft's identity platform through msal (flows/mail_tokens.py). No secret is in the file:
    `password_env`/`password_secret` and `client_secret_env`/`client_secret_block` name where they are. The
    message carries the summary and where the report is, never the report itself unless `attach_report`."""

    to: tuple[str, ...]
    sender: str
    host: str | None = None
    port: int = 587
    starttls: bool = True
    dsl: str | None = None
    username: str | None = None
    password_env: str | None = None
    password_secret: str | None = None
    # How the message leaves: "smtp" (host, port) or "graph" (Microsoft Graph sendMail as `from`).
    transport: str = "smtp"
    # TLS from the first byte (SMTPS, port 465) instead of STARTTLS; port 465 always means it.
    implicit_tls: bool = False
    # SMTP login: "password", or "oauth2" (XOAUTH2 with an app-only token for `username`'s mailbox).
    auth: str = "password"
    tenant_id: str | None = None
    client_id: str | None = None
    client_secret_env: str | None = None
    client_secret_block: str | None = None
    authority: str = "https://login.microsoftonline.com"
    graph_url: str = "https://graph.microsoft.com"
    # A PEM file of the certificate authorities to trust instead of the system's (a relay or proxy of its own).
    ca_file: str | None = None
    # The report.html attached (it names children; its photo findings' pictures left out): an explicit choice;
    # otherwise the message says where it is.
    attach_report: bool = False
    # Where readers open the report (a share path or intranet URL); default: its path on this machine.
    report_link: str | None = None

    @property
    def uses_tls(self) -> bool:
        return self.implicit_tls or self.port == 465 or self.starttls

    @property
    def logs_in(self) -> bool:
        return self.transport == "smtp" and (self.auth == "oauth2" or self.username is not None)


@dataclass(frozen=True)
class ReportSettings:
    email: EmailSettings | None = None


# --- reading each optional table -------------------------------------------------------------------------------


def parse_api(data: dict[str, Any], problems: Problems) -> ApiSettings:
    return ApiSettings(
        **checked_settings(
            sub_table(data, "api", (), problems),
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
                "max_x_cost_per_run": (0, None),
            },
        )
    )


def parse_images(data: dict[str, Any], problems: Problems) -> ImageSettings:
    return ImageSettings(
        **checked_settings(sub_table(data, "images", (), problems), ("images",), ImageSettings, problems)
    )


def parse_warehouse(data: dict[str, Any], problems: Problems) -> WarehouseSettings:
    return WarehouseSettings(
        **checked_settings(
            sub_table(data, "warehouse", (), problems), ("warehouse",), WarehouseSettings, problems
        )
    )


def _rule_options() -> dict[str, tuple[str, ...]]:
    """Each rule's option keys, as the rule module declares them (checks/rules)."""
    from checks.rules import RULE_OPTIONS  # only when school.toml names rules: loading config stays light

    return RULE_OPTIONS


def parse_rules(data: dict[str, Any], problems: Problems) -> RuleSettings:
    path: KeyPath = ("rules",)
    table = sub_table(data, "rules", (), problems)
    sub_tables = [key for key, value in table.items() if isinstance(value, dict)]
    rule_options = _rule_options() if sub_tables or table.get("disabled") else {}
    rule_ids = dict.fromkeys(rule_options, "table")
    values = checked_settings(
        table,
        path,
        RuleSettings,
        problems,
        bounds={
            "exception_threshold": (0, 1),
            "review_floor": (0, 1),
            "media_hash_max_distance": (0, 64),
            "subscriber_unseen_weeks": (0, None),
        },
        not_keys=("options",),
        handled=sub_tables,
    )
    for rule_id in values.get("disabled", ()):
        if rule_id not in rule_ids:
            problems.add(
                (*path, "disabled"),
                f"[rules] disabled names unknown rule {rule_id}{nearest_name(rule_id, rule_ids)}",
            )
    options: dict[str, dict[str, Any]] = {}
    for rule_id in sub_tables:
        option_path: KeyPath = (*path, rule_id)
        if rule_id not in rule_ids:
            close = difflib.get_close_matches(rule_id, list(rule_ids), n=1)
            hint = f"; did you mean [rules.{close[0]}]?" if close else f" (rules: {', '.join(rule_ids)})"
            problems.add(option_path, f"[{dotted_key(option_path)}] names no rule{hint}")
            continue
        settings = table[rule_id]
        allowed = rule_options[rule_id]
        for key, value in settings.items():
            if key not in allowed:
                message = (
                    f"unknown key {problems.name(option_path, key, 'key')} in [{dotted_key(option_path)}]"
                )
                message += problems.suggestion(key, dict.fromkeys(allowed, "key"))
                problems.add(
                    (*option_path, key),
                    message if allowed else f"{message} (rule {rule_id} takes no options)",
                )
            elif not is_string_list(value):
                problems.add(
                    (*option_path, key), f"[{dotted_key(option_path)}] {key} must be a list of strings"
                )
        options[rule_id] = settings
    return RuleSettings(**values, options=options)


def parse_credentials(
    data: dict[str, Any], accounts: list[Account], problems: Problems
) -> CredentialSettings:
    path: KeyPath = ("credentials",)
    table = sub_table(data, "credentials", (), problems)
    sub_tables = [key for key, value in table.items() if isinstance(value, dict)]
    default = CredentialSettings(
        **checked_settings(table, path, CredentialSettings, problems, not_keys=("named",), handled=sub_tables)
    )
    entries = data.get("accounts")
    used = {
        entry["credentials"]
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and isinstance(entry.get("credentials"), str)
    }
    named = {}
    for name in sub_tables:
        set_path: KeyPath = (*path, name)
        if not CREDENTIALS_NAME.fullmatch(name):
            problems.add(
                set_path,
                f"[{dotted_key(set_path)}] is not a credential set name: lowercase letters, digits, - and _",
            )
            continue
        if name not in used:
            close = difflib.get_close_matches(name, sorted(used), n=1)
            hint = f"; did you mean [credentials.{close[0]}]?" if close else ""
            problems.add(
                set_path,
                f'[{dotted_key(set_path)}] is unused: no [[accounts]] entry has credentials = "{name}"{hint}',
            )
        values = checked_settings(table[name], set_path, CredentialSettings, problems, not_keys=("named",))
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


def parse_retention(data: dict[str, Any], problems: Problems) -> RetentionSettings:
    table = sub_table(data, "retention", (), problems)
    bounds: dict[str, tuple[float | None, float | None]] = {
        item.name: (1, None) for item in dataclasses.fields(RetentionSettings)
    }
    return RetentionSettings(**checked_settings(table, ("retention",), RetentionSettings, problems, bounds))


def _contract_columns() -> dict[str, tuple[str, ...]]:
    # Only when school.toml maps columns: the register loader (and polars) is not needed to read the config.
    from checks.registers.contract import APPROVED_MEDIA_COLUMNS, PARENT_COLUMNS, PUPIL_COLUMNS, STAFF_COLUMNS

    columns = (PUPIL_COLUMNS, STAFF_COLUMNS, PARENT_COLUMNS, APPROVED_MEDIA_COLUMNS)
    return dict(zip(REGISTER_NAMES, columns, strict=True))


def parse_registers(data: dict[str, Any], problems: Problems) -> RegisterSettings:
    path: KeyPath = ("registers",)
    table = sub_table(data, "registers", (), problems)
    problems.unknown(table, path, {"hold_share": "key", "stale_after_weeks": "key", "columns": "table"})
    values = checked_settings(
        {k: v for k, v in table.items() if k in ("hold_share", "stale_after_weeks")},
        path,
        RegisterSettings,
        problems,
        bounds={"hold_share": (0, 1), "stale_after_weeks": (1, None)},
        not_keys=("columns",),
    )
    columns = _no_column_maps()
    columns_path: KeyPath = (*path, "columns")
    column_tables = sub_table(table, "columns", path, problems)
    problems.unknown(column_tables, columns_path, dict.fromkeys(REGISTER_NAMES, "table"))
    mapped = any(isinstance(column_tables.get(name), dict) and column_tables[name] for name in REGISTER_NAMES)
    contract = _contract_columns() if mapped else dict.fromkeys(REGISTER_NAMES, ())
    for register in REGISTER_NAMES:
        mapping = sub_table(column_tables, register, columns_path, problems)
        register_path: KeyPath = (*columns_path, register)
        mapped_to: dict[str, str] = {}
        for header, column in mapping.items():
            if not isinstance(column, str):
                problems.add(
                    (*register_path, header),
                    f"[{dotted_key(register_path)}] {problems.name(register_path, header, 'key')} must name a "
                    f"{register} column (a string), not {describe_value(column)}",
                )
                continue
            if column not in contract[register]:
                problems.add(
                    (*register_path, header),
                    f"[{dotted_key(register_path)}] maps {problems.name(register_path, header, 'key')} to "
                    f"{column!r}, which is no {register} column{nearest_name(column, contract[register])}",
                )
                continue
            if column in mapped_to:
                problems.add(
                    (*register_path, header),
                    f"[{dotted_key(register_path)}] maps both {mapped_to[column]!r} and {header!r} to {column}",
                )
                continue
            mapped_to[column] = header
            columns[register][header] = column
    return RegisterSettings(**values, columns=columns)


def parse_report(data: dict[str, Any], problems: Problems) -> ReportSettings:
    path: KeyPath = ("report",)
    table = sub_table(data, "report", (), problems)
    problems.unknown(table, path, {"email": "table"})
    if "email" not in table:
        return ReportSettings()
    if not isinstance(table["email"], dict):
        sub_table(table, "email", path, problems)  # says it must be a table
        return ReportSettings()
    return ReportSettings(email=_email(table["email"], (*path, "email"), problems))


# school.toml's keys: the settings' own names, `from` for the sender.
_EMAIL_KEYS = ("from", *(f.name for f in dataclasses.fields(EmailSettings) if f.name != "sender"))
_EMAIL_STRINGS = (
    "host",
    "username",
    "password_env",
    "password_secret",
    "tenant_id",
    "client_id",
    "client_secret_env",
    "client_secret_block",
    "authority",
    "graph_url",
    "ca_file",
    "report_link",
)


def _email(table: dict[str, Any], path: KeyPath, problems: Problems) -> EmailSettings | None:
    where = "[report.email]"
    before = problems.count()
    problems.unknown(table, path, dict.fromkeys(_EMAIL_KEYS, "key"))
    transport, auth = table.get("transport", "smtp"), table.get("auth", "password")
    if transport not in MAIL_TRANSPORTS:
        problems.add((*path, "transport"), f"{where} transport must be smtp or graph")
    if auth not in MAIL_AUTHS:
        problems.add((*path, "auth"), f"{where} auth must be password or oauth2")
    for key in ("from", "to", *(("host",) if transport != "graph" else ())):
        if not table.get(key):
            problems.add(path, f"{where} {key} is required")
    if transport == "graph" or auth == "oauth2":
        for key in ("tenant_id", "client_id"):
            if not table.get(key):
                problems.add(
                    path,
                    f"{where} {key} is required for Microsoft's OAuth 2.0 (auth = oauth2, transport = graph)",
                )
        if not (table.get("client_secret_env") or table.get("client_secret_block")):
            problems.add(
                path, f"{where} client_secret_env or client_secret_block must say where the app's secret is"
            )
    if transport == "smtp" and auth == "oauth2" and not table.get("username"):
        problems.add(path, f"{where} username (the mailbox that sends) is required with auth = oauth2")
    for key in ("implicit_tls", "attach_report"):
        if not isinstance(table.get(key, False), bool):
            problems.add((*path, key), f"{where} {key} must be true or false")
    for key in ("authority", "graph_url"):
        if isinstance(table.get(key), str) and not table[key].startswith("https://"):
            problems.add((*path, key), f"{where} {key} must be an https:// address")
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
    for key in _EMAIL_STRINGS:
        if key in table and (not isinstance(table[key], str) or not table[key].strip()):
            problems.add((*path, key), f"{where} {key} must be a non-empty string")
    if problems.count() > before:
        return None
    given = {k: v for k, v in table.items() if k not in ("from", "to", "host")}
    settings = EmailSettings(host=table.get("host"), to=tuple(to), sender=table["from"], **given)
    if settings.logs_in and not settings.uses_tls:
        # No login without TLS: a password or a token sent in clear is anyone's on the network.
        problems.add(
            (*path, "starttls"),
            f"{where} logs in, so it needs TLS: keep starttls = true, or implicit_tls = true (port 465)",
        )
        return None
    return settings
