"""account-drift: an official account's settings changed since last week, or differ from what was approved.

Policy: corbets-tey.txt §6, bledington.txt D. What counts, per account in school.toml: its handle, display name,
description or protected flag differs from the previous audited week's; its handle on the platform differs from the
approved one (X username; YouTube @handle, when school.toml gives one rather than a channel id); or it has no
`approved_by` / `approved_on`. One exception per account (subject_id its id), medium, listing every difference.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from checks.findings import ConfiguredAccount, Finding, RuleContext
from checks.rule_support.rule import Rule

SETTINGS_SQL = """
SELECT platform, account_id, as_of, platform_id, handle, display_name, description, protected
FROM marts.fct_official_account_settings ORDER BY platform, account_id, as_of
"""
COMPARED = (("handle", "handle"), ("display_name", "display name"), ("description", "description"))


def _handle(value: str | None) -> str:
    return (value or "").strip().lstrip("@").casefold()


def _short(value: Any) -> str:
    text = " ".join(str(value).split()) if value is not None else "(none)"
    return f'"{text[:80]}{"…" if len(text) > 80 else ""}"'


def _differences(account: ConfiguredAccount, weeks: list[dict[str, Any]], ctx: RuleContext) -> list[str]:
    found = []
    if not account.approved_by or not account.approved_on:
        missing = [k for k in ("approved_by", "approved_on") if not getattr(account, k)]
        found.append(f"school.toml records no Headteacher approval for it ({', '.join(missing)} missing)")
    current = [w for w in weeks if w["as_of"] <= ctx.as_of]
    if not current:
        return found
    now = current[-1]
    approved_handle = account.handle
    is_channel_id = account.platform == "youtube" and approved_handle.startswith("UC")
    if now["handle"] and not is_channel_id and _handle(now["handle"]) != _handle(approved_handle):
        found.append(
            f"its handle is now {_short(now['handle'])}, not {_short(approved_handle)} as approved in school.toml"
        )
    before = [w for w in current if w["as_of"] < now["as_of"]]
    if before:
        last = before[-1]
        for column, what in COMPARED:
            old, new = last[column], now[column]
            if column == "handle" and _handle(old) == _handle(new):
                continue
            if (old or "") != (new or ""):
                found.append(
                    f"its {what} changed from {_short(old)} to {_short(new)} since {last['as_of'].isoformat()}"
                )
        if account.platform == "x" and last["protected"] != now["protected"]:
            state = "protected" if now["protected"] else "public"
            found.append(f"it became {state} since {last['as_of'].isoformat()}")
    return found


def find(ctx: RuleContext) -> list[Finding]:
    columns = (
        "platform",
        "account_id",
        "as_of",
        "platform_id",
        "handle",
        "display_name",
        "description",
        "protected",
    )
    weeks: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in ctx.con.execute(SETTINGS_SQL).fetchall():
        week = dict(zip(columns, row, strict=True))
        weeks[(week["platform"], week["account_id"])].append(week)
    findings = []
    for account in ctx.accounts:
        history = weeks.get((account.platform, account.id), [])
        differences = _differences(account, history, ctx)
        if not differences:
            continue
        handle = history[-1]["handle"] if history else None
        if account.platform == "x":
            url = f"https://x.com/i/user/{account.id}"
        else:
            url = f"https://www.youtube.com/channel/{account.id}"
        findings.append(
            Finding(
                rule="account-drift",
                severity="medium",
                platform=account.platform,
                account=ctx.account_label(account.platform, account.id),
                account_id=account.id,
                subject_kind="account",
                subject_id=account.id,
                subject_label=(("@" + handle.lstrip("@")) if handle else account.handle),
                subject_url=url,
                person_kind=None,
                person_id=None,
                confidence=1.0,
                evidence=f"official {account.platform} account {account.id}: " + "; ".join(differences),
            )
        )
    return findings


RULE = Rule(
    id="account-drift",
    title="Official account settings changed or not approved",
    general_basis="UK GDPR Art. 5(1)(f) and Art. 32 (the accounts that publish pupils' data are kept secure and "
    "under the school's control); KCSIE (online safety: the school manages its own online presence)",
    example_clauses=(
        "corbets-tey.txt §6 (all official use approved by the Headteacher)",
        "bledington.txt D (services approved in advance, changes reported to the Headteacher)",
    ),
    what_counts="an official account's handle, display name, description or protected flag changed since the "
    "previous audited week, its handle differs from school.toml, or school.toml records no approval for it",
    find=find,
    aged_out=None,
    options=(),
    remediations=(),
    reads_images="",
    reads_text=frozenset(),
)
