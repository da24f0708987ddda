"""What the trust keeps of a school audited in the trust's own process (flows/trust.py `audit_school`): the
school's run is replaced by the state it ends in or the error it raises (or its weekly audit by a flow that ends as
it ends), so no audit runs here. That real runs end so, and that a school's run on a worker is read the same way, is
tests/e2e/test_trust_school_outcomes.py's (and, for a week stored but not published, tests/e2e/test_after_the_store.py's)."""

from __future__ import annotations

import errno
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from prefect.states import Completed, State

import flows.trust
from dashboards.run_summary import not_published_message
from flows.config.trust import TrustSchool
from warehouse.week import io_cause

AS_OF = "2026-11-16"
SLUG = "elm-road"


def outcome_in_process(
    ending: State[Any] | BaseException, controller: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The trust's outcome for a school whose weekly audit ended in `ending` (a state, or an error raised)."""

    def run_school(*args: Any) -> State[Any]:
        if isinstance(ending, BaseException):
            raise ending
        return ending

    monkeypatch.setattr(flows.trust, "_run_school", run_school)
    monkeypatch.setattr(
        flows.trust, "school_locator_for", lambda trust_toml, slug: tmp_path / f"{slug}.ducklake"
    )
    monkeypatch.setattr(flows.trust, "get_run_logger", lambda: logging.getLogger("a-trust-run"))
    school = TrustSchool(slug=SLUG, school_toml=tmp_path / "schools" / SLUG / "school.toml", sandbox=True)
    outcome: dict[str, Any] = flows.trust.audit_school.fn(
        school, tmp_path / "trust.toml", tmp_path / "out", AS_OF, controller
    )
    return outcome


def test_where_the_trust_is_the_controller_a_week_stored_but_not_published_keeps_the_command_that_finishes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As flows/trust.py `_audit_in_lake` raises it from the NotPublished state of a week whose outputs hit a
    # read-only file system.
    sentence = not_published_message(
        Path("/srv/lake/elm-road.ducklake"),
        Path("/srv/out/elm-road"),
        AS_OF,
        io_cause(OSError(errno.EROFS, "Read-only file system")),
    )
    ending = flows.trust.OutputsNotPublished(sentence)

    outcome = outcome_in_process(ending, "trust", tmp_path, monkeypatch)

    assert outcome["status"] == "failed"
    assert outcome["reason"] == (
        "stored; outputs not published (the file system is read-only): run "
        "`socialaudit publish --db /srv/lake/elm-road.ducklake --out /srv/out/elm-road --as-of 2026-11-16`"
    )


def test_a_partial_school_in_the_trusts_process_is_partial_with_what_was_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school_out = tmp_path / "out" / SLUG
    school_out.mkdir(parents=True)
    rows = [{"rule": "pupil-follower", "severity": "high"}, {"rule": "pupil-follower", "severity": "low"}]
    (school_out / "exceptions.json").write_text(json.dumps(rows), encoding="utf-8")
    # The state a partial weekly audit kept in its school ends in (the e2e test's trust-school run ends so too).
    partial: State[None] = Completed(
        name="Partial", message="partial audit: not read: some streams (details in the school's run.log)"
    )

    outcome = outcome_in_process(partial, "schools", tmp_path, monkeypatch)

    assert outcome["status"] == "partial"
    assert outcome["reason"] == "not read (details in the school's run.log)"
    assert outcome["exceptions"] == 2 and outcome["report"] == f"{SLUG}/report.html"


def test_a_school_kept_in_itself_whose_week_was_stored_but_not_published_is_named_so(
    tmp_path: Path, prefect_api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each school its own controller: the school's weekly audit, a real flow run kept in the school, ends in the
    NotPublished state a week whose outputs hit a read-only file system ends in (as
    tests/e2e/test_after_the_store.py's runs end); the trust names that, never the TypeError Prefect raises when a
    Failed state carrying the run's dict is asked for its result, and keeps only the kind."""
    from prefect import flow
    from prefect.states import Failed

    from flows.returned_values import keeps_returned

    school_out = tmp_path / "out" / SLUG
    locator = tmp_path / f"{SLUG}.ducklake"
    sentence = not_published_message(
        locator, school_out, AS_OF, io_cause(OSError(errno.EROFS, "Read-only file system"))
    )

    @flow(name="weekly-audit")
    @keeps_returned
    def weekly_audit(**parameters: Any) -> State[Any]:
        week = {"exceptions": 3, "raised": 1, "resolved": 0, "not_published": sentence}
        return Failed(name="NotPublished", message="stored; outputs not published", data=week)

    monkeypatch.setattr(flows.trust, "weekly_audit", weekly_audit)
    monkeypatch.setattr(flows.trust.lake, "release", lambda *args: None)
    monkeypatch.setattr(flows.trust.lake, "read_locator", lambda locator: locator)
    monkeypatch.setattr(flows.trust, "school_locator_for", lambda trust_toml, slug: locator)
    monkeypatch.setattr(flows.trust, "get_run_logger", lambda: logging.getLogger("a-trust-run"))
    school = TrustSchool(slug=SLUG, school_toml=tmp_path / "schools" / SLUG / "school.toml", sandbox=True)

    outcome = flows.trust.audit_school.fn(school, tmp_path / "trust.toml", tmp_path / "out", AS_OF, "schools")

    assert outcome["status"] == "failed"
    assert "Unexpected result" not in outcome["reason"]
    # Only the kind of failure leaves the school.
    assert outcome["reason"] == (
        "OutputsNotPublished: stored; outputs not published (the file system is read-only) "
        "(details in the school's run.log)"
    )
