"""An approval of a checked draft is a second person's: the identity that checked it (the operating-system user on
the command line, the signed-in identity in the review app) never approves it, whatever name is typed with --by,
and a check made on one path is approved on that path (identities of different paths cannot be told apart)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders.warehouse import migrated_warehouse
from warehouse import post_checks
from warehouse.db import connect, transaction
from warehouse.people import Actor

APPROVABLE = [{"rule": "unapproved-media", "severity": "high", "evidence": "not approved", "image": "a.jpg"}]


def checked(  # type: ignore[no-untyped-def]
    con,
    by: str,
    identity: str,
    via: str,
    findings: list[dict[str, str]] = APPROVABLE,
    pupils: list[str] | None = None,
) -> str:
    with transaction(con):
        return post_checks.record_check(
            con,
            checked_by=by,
            checked_identity=identity,
            via=via,
            platform="x",
            text="Sports day",
            pupils_pictured=pupils or [],
            verdict="hold",
            findings=findings,
            images=[],
        )


def approve(con, check_id: str, actor: Actor) -> str:  # type: ignore[no-untyped-def]
    with transaction(con):
        return post_checks.approve(con, check_id, actor)


@pytest.fixture
def con(tmp_path: Path):  # type: ignore[no-untyped-def]
    opened = connect(migrated_warehouse(tmp_path / "w.duckdb"))
    yield opened
    opened.close()


def test_the_same_os_user_cannot_approve_under_another_typed_name(con) -> None:  # type: ignore[no-untyped-def]
    check_id = checked(con, "Ms Poster (alice)", "alice", "cli")
    with pytest.raises(post_checks.NotApprovable, match="the same person cannot confirm it"):
        approve(con, check_id, Actor("alice", "Headteacher", "cli"))
    with pytest.raises(post_checks.NotApprovable, match="cannot be told apart"):
        approve(con, check_id, Actor("head@school.example", "head@school.example", "review-app"))
    approval = approve(con, check_id, Actor("bob", "Headteacher", "cli"))
    assert con.execute(
        "SELECT approved_by FROM audit.post_approvals WHERE approval_id = ?", [approval]
    ).fetchone() == ("Headteacher (bob)",)


def test_a_signed_in_approver_cannot_approve_their_own_check(con) -> None:  # type: ignore[no-untyped-def]
    check_id = checked(con, "local:Head", "local:Head", "app")
    with pytest.raises(post_checks.NotApprovable, match="the same person cannot confirm it"):
        approve(con, check_id, Actor("local:head", "local:head", "review-app"))  # case does not make another
    assert approve(con, check_id, Actor("local:dsl", "local:dsl", "review-app"))


def test_a_check_whose_checker_is_not_recorded_is_checked_again_first(con) -> None:  # type: ignore[no-untyped-def]
    check_id = checked(con, "someone", "someone", "cli")
    con.execute("UPDATE audit.post_checks SET checked_identity = NULL")
    with pytest.raises(post_checks.NotApprovable, match="check the draft again"):
        approve(con, check_id, Actor("bob", "bob", "cli"))


def test_checks_recorded_before_keep_who_checked_them(tmp_path: Path) -> None:
    from warehouse.db import discover_migrations, migrate

    shipped = discover_migrations()
    con = connect(tmp_path / "w.duckdb")
    try:
        migrate(con, [m for m in shipped if m.version < 26])
        rows = [("a", "Ms Poster (alice)", "cli"), ("b", "bob", "cli"), ("c", "local:sam", "app")]
        for check_id, by, via in rows:
            con.execute(
                "INSERT INTO audit.post_checks VALUES (?, now(), ?, ?, 'x', '', [], 'hold', '[]')",
                [check_id, by, via],
            )
        migrate(con, shipped)
        assert con.execute(
            "SELECT check_id, checked_identity FROM audit.post_checks ORDER BY 1"
        ).fetchall() == [
            ("a", "alice"),
            ("b", "bob"),
            ("c", "local:sam"),
        ]
    finally:
        con.close()


def test_a_check_holding_on_more_than_its_images_approval_is_refused_to_a_second_person(con) -> None:  # type: ignore[no-untyped-def]
    """Approval settles only unapproved-media: a draft whose check found a pupil named (a certificate in a photo)
    is changed and checked again, never approved, whoever approves it."""
    named = {"rule": "pupil-named", "severity": "high", "evidence": "names P0001", "image": "certificate.jpg"}
    check_id = checked(
        con, "Ms Poster (alice)", "alice", "cli", findings=[*APPROVABLE, named], pupils=["P0001"]
    )
    with pytest.raises(post_checks.NotApprovable, match="holds on pupil-named: change the draft"):
        approve(con, check_id, Actor("bob", "Headteacher", "cli"))
    assert con.execute("SELECT count(*) FROM audit.post_approvals").fetchone() == (0,)
