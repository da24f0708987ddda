"""What the trust keeps of a school audited in the trust's own process (flows/trust.py `audit_school`): the
school's run is replaced by the state it ends in or the error it raises, so no audit runs here. That real runs end
so, and that a school's run on a worker is read the same way, is tests/e2e/test_trust_school_outcomes.py's."""

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
