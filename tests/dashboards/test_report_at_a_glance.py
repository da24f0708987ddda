"""The report at a glance: the "do first" list (which findings, in which order, with which next action and link)."""

from __future__ import annotations

from typing import Any

from dashboards.report import DO_FIRST, do_first, next_action


def finding(
    key: str, severity: str, status: str = "open", person_kind: str | None = None, **more: Any
) -> dict[str, Any]:
    return {
        "key": key,
        "severity": severity,
        "status": status,
        "person_kind": person_kind,
        "rule": more.get("rule", "pupil-follower"),
        "platform": more.get("platform", "x"),
        "subject_kind": more.get("subject_kind", "follower"),
    }


def test_safeguarding_critical_first_then_high_news_before_what_was_already_open() -> None:
    rows = [
        finding("high-staff-open", "high", person_kind="staff"),
        finding("medium-new", "medium", "new", person_kind="pupil"),
        finding("high-staff-new", "high", "new", person_kind="staff"),
        finding("high-pupil-open", "high", person_kind="pupil"),
        finding("critical-open", "critical"),
        finding("high-pupil-new", "high", "reopened", person_kind="former_pupil"),
        finding("critical-new", "critical", "new"),
        finding("low-new", "low", "new"),
    ]
    assert [r["key"] for r in do_first(rows)] == [
        "critical-new",
        "critical-open",
        "high-pupil-new",
        "high-pupil-open",
        "high-staff-new",
    ]


def test_at_most_a_few_each_linked_to_its_page_in_the_review_app() -> None:
    rows = [finding(f"x:follower:{n}&more", "critical", "new") for n in range(DO_FIRST + 3)]
    listed = do_first(rows, "https://review.school.example/")
    assert len(listed) == DO_FIRST
    assert listed[0]["review"] == "https://review.school.example/exception?key=x%3Afollower%3A0%26more"
    assert all(r["review"] is None for r in do_first(rows))  # no review app address: none invented


def test_the_next_action_is_the_one_that_ends_the_finding_else_the_step_by_hand() -> None:
    post = finding("p", "critical", rule="consent-breach", subject_kind="post")
    assert next_action(post).startswith("delete-post: ")
    video = finding("v", "high", rule="unapproved-media", platform="youtube", subject_kind="video")
    assert next_action(video).startswith("make-video-private: ")
    # Muting a follower only mitigates: the follower is removed by hand.
    assert "by hand" in next_action(finding("f", "high", person_kind="pupil"))


def test_a_picture_is_embedded_in_the_report_and_left_out_of_the_copy_without_pictures() -> None:
    from dashboards.report import PICTURE_END, PICTURE_START, shown_pictures, without_pictures

    (shown,) = shown_pictures(
        {"k": [{"role": "published", "label": "the published picture", "jpeg": b"\xff\xd8"}]}
    )["k"]
    # Inside the file: opening the report fetches nothing (its Content-Security-Policy allows data: images only).
    assert shown["src"] == "data:image/jpeg;base64,/9g="
    report = f'<td>post{PICTURE_START}<img src="{shown["src"]}">{PICTURE_END}, then{PICTURE_START}x{PICTURE_END}</td>'
    assert without_pictures(report) == "<td>post, then</td>"
