"""The plans of the Facebook and Instagram actions, read from a warehouse holding a Page's own post, a visitor's post on
the Page, an Instagram post and a comment under it: a visitor's post is refused every Graph action (hiding or
deleting it as a comment, deleting it as the Page's post) and offered the manual step; the Page's post is deleted,
the Instagram post deleted whole; commenting is turned off on the media the comment is under, and the next week's
read of the media (commenting off) takes its comments out of public view, which is what proves the action. A refusal
for want of one Meta permission withdraws only the actions resting on it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import duckdb
import pytest

from checks.findings import Finding
from connectors.paging import Page, Snapshot
from tests.builders.raw_pages import T0, WEEK
from tests.warehouse.test_lifecycle_reviews import run_week
from warehouse.load import store_snapshot
from warehouse.remediation.actions import ACTIONS, withdrawn_with
from warehouse.remediation.plans import Plan, make_plan, offered_plans
from warehouse.remediation.records import RemediationError

PAGE, IG = "104000000000001", "17841400000000001"
OWN_POST, VISITOR_POST = f"{PAGE}_9001", f"{PAGE}_9100"
MEDIA, IG_COMMENT = "18000000000000010", "18100000000000001"


def finding(rule: str, platform: str, kind: str, subject: str) -> Finding:
    return Finding(
        rule=rule,
        severity="high",
        platform=platform,
        account="graphtestschool",
        subject_kind=kind,
        subject_id=subject,
        subject_label="So proud of Alfie Price",
        subject_url=None,
        person_kind="pupil",
        person_id="P0001",
        confidence=0.95,
        evidence="names P0001",
        account_id=PAGE if platform == "facebook" else IG,
    )


NAMED_ON_VISITOR_POST = finding("pupil-named-in-comment", "facebook", "comment", VISITOR_POST)
NAMED_IN_OWN_POST = finding("pupil-named", "facebook", "post", OWN_POST)
NAMED_IN_IG_COMMENT = finding("pupil-named-in-comment", "instagram", "comment", IG_COMMENT)
UNAPPROVED_IG_POST = finding("unapproved-media", "instagram", "post", MEDIA)


def store(
    con: duckdb.DuckDBPyConnection,
    platform: str,
    account: str,
    stream: str,
    payload: Any,
    week: int,
    request: dict[str, str] | None = None,
) -> None:
    fetched = T0 + timedelta(weeks=week)
    page = Page(
        platform, stream, account, 0, list(payload["data"]), payload, request or {"route": stream}, fetched
    )
    store_snapshot(con, Snapshot(platform, stream, account, [page], complete=True), WEEK[week], f"r{week}")


def read_week(con: duckdb.DuckDBPyConnection, week: int, comments_enabled: bool = True) -> None:
    """What the connectors store of one week: the Page's own and visitors' posts, the media and its comment."""
    post = {"id": OWN_POST, "message": "Sports day", "created_time": "2026-11-02T10:00:00+0000"}
    visitor = {
        "id": VISITOR_POST,
        "message": "So proud of Alfie Price!",
        "created_time": "2026-11-03T10:00:00+0000",
        "from": {"id": "3100000000000009", "name": "A Parent"},
    }
    store(con, "facebook", PAGE, "posts", {"data": [post]}, week)
    store(con, "facebook", PAGE, "visitor_posts", {"data": [visitor]}, week)
    media = {
        "id": MEDIA,
        "caption": "Harvest festival",
        "media_type": "IMAGE",
        "permalink": f"https://www.instagram.com/p/{MEDIA}/",
        "timestamp": "2026-11-02T10:00:00+0000",
        "is_comment_enabled": comments_enabled,
    }
    store(con, "instagram", IG, "media", {"data": [media]}, week)
    comment = {"id": IG_COMMENT, "text": "So proud of Alfie Price", "username": "a_parent", "hidden": False}
    store(con, "instagram", IG, "comments", {"data": [comment]}, week, {"route": "comments", "post": MEDIA})


@pytest.fixture
def audited(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    read_week(con, 1)
    run_week(con, 1, NAMED_ON_VISITOR_POST, NAMED_IN_OWN_POST, NAMED_IN_IG_COMMENT, UNAPPROVED_IG_POST)
    return con


@pytest.mark.parametrize("action", ["hide-comment", "delete-comment", "delete-page-post"])
def test_a_visitor_s_post_on_the_page_is_refused_every_graph_action_and_offered_the_manual_step(
    audited: duckdb.DuckDBPyConnection, action: str
) -> None:
    finding = NAMED_ON_VISITOR_POST
    if (
        action == "delete-page-post"
    ):  # no rule about published content reads a visitor's post; planned regardless
        finding = replace(NAMED_IN_OWN_POST, subject_id=VISITOR_POST)
        run_week(audited, 1, NAMED_ON_VISITOR_POST, finding)
    with pytest.raises(RemediationError, match=r"a visitor published on the Page.*the manual step"):
        make_plan(audited, finding.key, action)
    if action != "delete-page-post":
        offered = offered_plans(audited, finding.key)
        plans = [p for p in offered if isinstance(p, Plan)]
        assert [p.action.name for p in plans] == ["manual"]
        assert "signed in as an admin of the Page" in (plans[0].instructions or "")
        refused = sorted(str(p).split(":")[0] for p in offered if isinstance(p, str))
        assert refused == ["delete-comment", "hide-comment"]


def test_the_page_s_own_post_is_deleted_by_its_id(audited: duckdb.DuckDBPyConnection) -> None:
    plan = make_plan(audited, NAMED_IN_OWN_POST.key, "delete-page-post")
    assert plan.targets == (OWN_POST,) and plan.call == f"DELETE https://graph.facebook.com/v26.0/{OWN_POST}"
    shown = "\n".join(plan.lines())
    assert "Can it be undone: NO" in shown and "Page's Business Use Case limit" in shown
    assert plan.cost_usd is None and plan.quota_units is None


def test_an_instagram_post_is_deleted_whole(audited: duckdb.DuckDBPyConnection) -> None:
    plan = make_plan(audited, UNAPPROVED_IG_POST.key, "delete-ig-media")
    assert plan.call == f"DELETE https://graph.facebook.com/v26.0/{MEDIA}"
    assert "every slide" in "\n".join(plan.lines())


def comments_shown(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT comment_id FROM marts.fct_meta_comments").fetchall()]


def test_commenting_is_turned_off_on_the_comment_s_media_and_its_comments_leave_public_view(
    audited: duckdb.DuckDBPyConnection,
) -> None:
    plan = make_plan(audited, NAMED_IN_IG_COMMENT.key, "turn-off-ig-comments")
    assert plan.targets == (MEDIA,)
    assert plan.call == f"POST https://graph.facebook.com/v26.0/{MEDIA} comment_enabled=false"
    assert any("every comment on media" in note for note in plan.notes)
    assert comments_shown(audited) == [IG_COMMENT]
    read_week(audited, 2, comments_enabled=False)
    assert comments_shown(audited) == []
    with pytest.raises(RemediationError, match="cannot tell which media"):
        make_plan(audited, NAMED_IN_IG_COMMENT.key, "turn-off-ig-comments")


def test_turning_commenting_off_is_not_offered_for_a_facebook_comment(
    audited: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(RemediationError, match="instagram action; this exception is on facebook"):
        make_plan(audited, NAMED_ON_VISITOR_POST.key, "turn-off-ig-comments")


def test_a_meta_refusal_for_want_of_one_permission_withdraws_only_the_actions_resting_on_it() -> None:
    withdrawn = {name: set(withdrawn_with(ACTIONS[name])) for name in ACTIONS}
    assert withdrawn["delete-page-post"] == {"delete-page-post"}
    assert withdrawn["hide-comment"] == {"hide-comment", "delete-comment"}
    assert withdrawn["delete-ig-media"] == {"delete-ig-media"}
    assert withdrawn["hide-ig-comment"] == {"hide-ig-comment", "delete-ig-comment", "turn-off-ig-comments"}
    # X and YouTube: one credential each, so a refusal withdraws every action resting on it, as before.
    assert withdrawn["delete-post"] == {"delete-post", "hide-reply", "mute-account"}
