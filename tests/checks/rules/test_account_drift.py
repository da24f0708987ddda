"""account-drift over a real warehouse: week-on-week changes of the official accounts, handles and approvals."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from checks.findings import ConfiguredAccount
from checks.rules.account_drift import RULE
from tests.builders.published import Published
from tests.builders.raw_pages import x_user, yt_channel
from tests.builders.registers import AS_OF, CHANNEL, CHANNEL_LABEL, X_ACCOUNT, X_LABEL

LAST_WEEK = AS_OF - timedelta(days=7)
APPROVED = (
    ConfiguredAccount("x", X_ACCOUNT, X_LABEL, "Headteacher", date(2024, 9, 1)),
    ConfiguredAccount("youtube", CHANNEL, CHANNEL_LABEL, "Headteacher", date(2024, 9, 1)),
)


def account(**changes: object) -> dict:
    return x_user(X_ACCOUNT, X_LABEL, "Tiny Lane Primary", description="Official account.") | changes


def channel(**snippet: object) -> dict:
    resource = yt_channel()
    resource["snippet"] = {**resource["snippet"], "description": "Our channel.", **snippet}
    return resource


@pytest.fixture
def school(con: duckdb.DuckDBPyConnection) -> Published:
    published = Published(con)
    published.registers()
    published.store_account(LAST_WEEK, account(), channel())
    return published


def test_an_unchanged_approved_account_is_clear(school: Published) -> None:
    school.store_account(AS_OF, account(), channel())
    assert school.findings(RULE, accounts=APPROVED) == []


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        (
            {"name": "Tiny Lane Fan Page"},
            'its display name changed from "Tiny Lane Primary" to "Tiny Lane Fan Page"',
        ),
        (
            {"description": "Follow for deals"},
            'its description changed from "Official account." to "Follow for deals"',
        ),
        ({"protected": True}, "it became protected since 2026-11-06"),
        ({"username": "TinyLanePTA"}, 'its handle is now "TinyLanePTA", not "TinyLanePrimary" as approved'),
    ],
)
def test_an_x_account_that_changed_since_last_week(school: Published, changes: dict, said: str) -> None:
    school.store_account(AS_OF, account(**changes), channel())
    (finding,) = school.findings(RULE, accounts=APPROVED)
    assert (finding.rule, finding.severity, finding.platform, finding.account) == (
        "account-drift",
        "medium",
        "x",
        X_LABEL,
    )
    assert (finding.subject_kind, finding.subject_id, finding.person_kind) == ("account", X_ACCOUNT, None)
    assert finding.key == f"account-drift:x:{X_ACCOUNT}:account:{X_ACCOUNT}"
    assert said in finding.evidence


def test_a_handle_change_is_reported_both_ways_in_one_finding(school: Published) -> None:
    school.store_account(AS_OF, account(username="TinyLanePTA"), channel())
    (finding,) = school.findings(RULE, accounts=APPROVED)
    assert 'its handle changed from "TinyLanePrimary" to "TinyLanePTA"' in finding.evidence
    assert finding.subject_label == "@TinyLanePTA"


def test_a_youtube_handle_that_differs_from_school_toml(school: Published) -> None:
    school.store_account(AS_OF, account(), channel())
    renamed = (
        APPROVED[0],
        ConfiguredAccount("youtube", CHANNEL, "@TinyLaneCPS", "Headteacher", date(2024, 9, 1)),
    )
    (finding,) = school.findings(RULE, accounts=renamed)
    assert (finding.platform, finding.subject_id) == ("youtube", CHANNEL)
    assert 'its handle is now "@tinylaneprimary", not "@TinyLaneCPS"' in finding.evidence


def test_a_youtube_channel_configured_by_id_is_not_compared_by_handle(school: Published) -> None:
    school.store_account(AS_OF, account(), channel())
    by_id = (APPROVED[0], ConfiguredAccount("youtube", CHANNEL, CHANNEL, "Headteacher", date(2024, 9, 1)))
    assert school.findings(RULE, accounts=by_id) == []


def test_a_youtube_title_or_description_change(school: Published) -> None:
    school.store_account(AS_OF, account(), channel(title="Tiny Lane Memes"))
    (finding,) = school.findings(RULE, accounts=APPROVED)
    assert (finding.platform, finding.subject_kind) == ("youtube", "account")
    assert 'its display name changed from "Tiny Lane Primary School" to "Tiny Lane Memes"' in finding.evidence


def test_an_account_with_no_approval_in_school_toml(school: Published) -> None:
    school.store_account(AS_OF, account(), channel())
    unapproved = (ConfiguredAccount("x", X_ACCOUNT, X_LABEL, None, None), APPROVED[1])
    (finding,) = school.findings(RULE, accounts=unapproved)
    assert finding.subject_id == X_ACCOUNT
    assert "no Headteacher approval" in finding.evidence and "approved_by, approved_on" in finding.evidence


def test_the_first_audited_week_compares_only_with_school_toml(con: duckdb.DuckDBPyConnection) -> None:
    school = Published(con)
    school.registers()
    school.store_account(AS_OF, account(name="Anything"), channel())
    assert school.findings(RULE, accounts=APPROVED) == []


def test_a_later_week_does_not_leak_into_an_earlier_audit(school: Published) -> None:
    school.store_account(AS_OF, account(name="Renamed"), channel())
    assert school.findings(RULE, LAST_WEEK, accounts=APPROVED) == []
