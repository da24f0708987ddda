"""`[reviews]` and `[review_app]` of school.toml and trust.toml (docs/contracts/school-toml.md, trust.md): how long an
acceptance may last, and who may sign in to the review app and what each may do."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dashboards.access import EVERY_SCHOOL, ROLES, Grant, OidcSettings, ReviewAppSettings, is_loopback
from flows.config.strict import KeyPath, Problems, checked_settings, is_string_list, sub_table, table_label

MAX_ACCEPT_DAYS_CEILING = 730
GRANT_KEYS = ("role", "who", "schools")


@dataclass(frozen=True)
class ReviewSettings:
    """`[reviews]`: the review policy the weekly run records in the warehouse (meta.review_policy)."""

    max_accept_days: int = 90


def parse_reviews(data: dict[str, Any], problems: Problems) -> ReviewSettings:
    table = sub_table(data, "reviews", (), problems)
    bounds: dict[str, tuple[float | None, float | None]] = {"max_accept_days": (1, MAX_ACCEPT_DAYS_CEILING)}
    return ReviewSettings(**checked_settings(table, ("reviews",), ReviewSettings, problems, bounds))


def _url(value: str | None, path: KeyPath, problems: Problems, what: str) -> None:
    """https, or http only to this machine (a test or a proxy on the same box)."""
    if value is None:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        problems.add(path, f"{table_label(path[:-1])} {path[-1]} must be a URL (https://...), the {what}")
    elif parts.scheme == "http" and not is_loopback(parts.hostname):
        problems.add(
            path, f"{table_label(path[:-1])} {path[-1]} must be https:// (http only to this machine)"
        )


def _file(root: Path, value: str | None) -> str | None:
    return str((root / value).resolve()) if value else None


def _oidc(table: dict[str, Any], problems: Problems, root: Path) -> OidcSettings | None:
    path: KeyPath = ("review_app", "oidc")
    if "oidc" not in table:
        return None
    oidc = sub_table(table, "oidc", ("review_app",), problems)
    values = checked_settings(oidc, path, OidcSettings, problems)
    for required in ("issuer", "client_id"):
        if required not in oidc:
            problems.add(path, f"[review_app.oidc] {required} is required")
    _url(values.get("issuer"), (*path, "issuer"), problems, "identity provider's issuer")
    if not {"issuer", "client_id"} <= set(values):
        return None
    values["ca_file"] = _file(root, values.get("ca_file"))
    return OidcSettings(**values)


def _grants(
    table: dict[str, Any], problems: Problems, schools: tuple[str, ...] | None, controller: str | None
) -> tuple[Grant, ...]:
    entries = table.get("grants", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.add(("review_app", "grants"), "grants must be [[review_app.grants]] tables")
        return ()
    grants = []
    for index, entry in enumerate(entries):
        path: KeyPath = ("review_app", "grants", index)
        where = table_label(path)
        known = GRANT_KEYS if schools is not None else GRANT_KEYS[:2]
        problems.unknown(entry, path, dict.fromkeys(known, "key"))
        role, who = entry.get("role"), entry.get("who")
        if role not in ROLES:
            problems.add((*path, "role"), f"{where} role must be one of {', '.join(ROLES)}, not {role!r}")
        if not is_string_list(who) or not who or not all(w.strip() for w in who):
            problems.add(
                (*path, "who"), f"{where} who must be a list of identities (e-mail addresses, local:NAME)"
            )
            who = []
        granted = _granted_schools(entry, path, problems, schools, controller)
        if role in ROLES and who:
            grants.append(Grant(role=str(role), who=tuple(w.strip() for w in who), schools=granted))
    return tuple(grants)


def _granted_schools(
    entry: dict[str, Any],
    path: KeyPath,
    problems: Problems,
    schools: tuple[str, ...] | None,
    controller: str | None,
) -> tuple[str, ...] | None:
    """A trust's grant names its schools; `["*"]`, every school, only where the trust is the data controller."""
    if schools is None:
        return None
    where = table_label(path)
    named = entry.get("schools")
    if not is_string_list(named) or not named:
        problems.add(
            (*path, "schools") if "schools" in entry else path, f"{where} schools must list school slugs"
        )
        return ()
    if EVERY_SCHOOL in named:
        if controller != "trust":
            problems.add(
                (*path, "schools"),
                f'{where} schools = ["*"] (every school) is allowed only where controller = "trust": '
                "each school is its own controller, so name the schools",
            )
            return ()
        return None
    unknown = [s for s in named if s not in schools]
    if unknown:
        problems.add(
            (*path, "schools"), f"{where} names schools this trust does not have: {', '.join(unknown)}"
        )
    return tuple(s for s in named if s in schools)


def parse_review_app(
    data: dict[str, Any],
    problems: Problems,
    root: Path,
    schools: tuple[str, ...] | None = None,
    controller: str | None = None,
) -> ReviewAppSettings:
    """`[review_app]` of school.toml (`schools` None) or of trust.toml (its slugs and controller)."""
    path: KeyPath = ("review_app",)
    table = sub_table(data, "review_app", (), problems)
    bounds: dict[str, tuple[float | None, float | None]] = {"session_hours": (1, 24)}
    values = checked_settings(
        table,
        path,
        ReviewAppSettings,
        problems,
        bounds,
        not_keys=("oidc", "grants"),
        handled=("oidc", "grants"),
    )
    _url(values.get("public_url"), (*path, "public_url"), problems, "address people use")
    if bool(values.get("tls_cert_file")) != bool(values.get("tls_key_file")):
        problems.add(path, "[review_app] tls_cert_file and tls_key_file go together")
    proxy = values.get("trusted_proxy")
    if proxy is not None:
        try:
            loopback = ipaddress.ip_address(proxy).is_loopback
        except ValueError:
            problems.add(
                (*path, "trusted_proxy"), "[review_app] trusted_proxy must be the proxy's IP address"
            )
        else:
            if loopback and not values.get("trusted_proxy_secret_env"):
                problems.add(
                    (*path, "trusted_proxy_secret_env"),
                    "[review_app] a trusted_proxy on this machine needs trusted_proxy_secret_env: every local "
                    "process connects from that address, so only the secret the proxy sends tells it apart",
                )
    for key in ("accounts_file", "tls_cert_file", "tls_key_file"):
        values[key] = _file(
            root, values.get(key) or (ReviewAppSettings.accounts_file if key == "accounts_file" else None)
        )
    return ReviewAppSettings(
        **values, oidc=_oidc(table, problems, root), grants=_grants(table, problems, schools, controller)
    )
