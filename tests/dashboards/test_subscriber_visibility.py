"""The report says how many subscribers YouTube did not list, so nobody reads the subscriber rules as covering
everyone (subscriptions.list shows only public subscriptions)."""

from __future__ import annotations

from typing import Any

import duckdb

from dashboards.report import render_report
from tests.builders.raw_pages import CHANNEL, WEEK, items_page, snapshot, yt_channel, yt_subscription
from warehouse.load import store_snapshot
from warehouse.stream_status import unseen_subscribers_for


def store(con: duckdb.DuckDBPyConnection, channel: dict[str, Any], visible: int) -> None:
    subscribers = [yt_subscription(f"UCsubscriber{n:012d}", f"Subscriber {n}") for n in range(visible)]
    for snap in (
        snapshot("youtube", CHANNEL, "channel", [items_page([channel])]),
        snapshot("youtube", CHANNEL, "subscribers", [items_page(subscribers)]),
    ):
        store_snapshot(con, snap, WEEK[1], "run-1")


def test_the_report_says_how_many_subscribers_could_not_be_seen(con: duckdb.DuckDBPyConnection) -> None:
    store(con, yt_channel(), visible=2)  # YouTube counts 42

    (row,) = unseen_subscribers_for(con, WEEK[1])
    assert (row["subscriber_count"], row["visible_subscribers"], row["unseen_subscribers"]) == (42, 2, 40)
    html = render_report(con, WEEK[1], "Tiny Lane", [], [])
    assert "of whom YouTube listed 2, so about 40 could not be checked" in html
    assert "@tinylaneprimary has about 42 subscribers" in html


def test_nothing_is_said_when_every_subscriber_was_listed_or_the_count_is_hidden(
    con: duckdb.DuckDBPyConnection,
) -> None:
    hidden = yt_channel()
    hidden["statistics"] = {"hiddenSubscriberCount": True, "videoCount": "2"}
    store(con, hidden, visible=2)
    assert unseen_subscribers_for(con, WEEK[1]) == []
    assert 'id="unseen-subscribers"' not in render_report(con, WEEK[1], "Tiny Lane", [], [])
