"""How a trust reports a school whose run ended other than completed: partial, or stored but not published.

A partial audit (a stream not read) is `partial` in the trust, with what was not read: shown on the final state of
the school's `trust-school` run, read as the trust reads it. A school audited in the trust's own process ends in
the same state and is read the same way, which tests/flows/test_trust_school_outcome.py shows without an audit.
A school whose week is stored but whose outputs are not: the trust names that, not a Prefect error, shown without
an audit by tests/flows/test_trust_school_outcome.py on a real flow run ending as such a week ends (kept in the
school: only the kind; where the trust is the controller, the whole sentence with the command that finishes the
week). That a real run whose outputs hit a read-only file system ends so is tests/e2e/test_after_the_store.py's.
A school that fails on a worker, kept in itself (`controller = "schools"`): the trust reads the kind of failure
from the run's state, which holds nothing more; the school's run.log holds the rest.

A run that ends `NotPublished` is a Failed state carrying the run's dict; asked for its result, Prefect raises a
TypeError ("Unexpected result for failed state") that hid the real reason in a CI run. (The Prefect artifacts, the
UI's copy of the outputs, failing must not turn a published week into an unpublished one either: shown on the
function that makes them, tests/flows/test_prefect_artifacts.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders.audits import set_toml
from tests.builders.exports import refuse_a_pupil_by_name
from tests.builders.tiny_dataset import build_tiny_dataset

AS_OF = "2026-11-16"


def one_school_trust(root: Path, controller: str) -> Path:
    """A trust of one school: the tiny school, as these tests are about how the trust reports a run's end."""
    build_tiny_dataset(root / "schools" / "elm-road")
    toml = root / "trust.toml"
    toml.write_text(
        f'[trust]\nname = "Elm Trust"\ncontroller = "{controller}"\n\n[[schools]]\nsandbox = "schools/elm-road"\n',
        encoding="utf-8",
    )
    return toml


@pytest.fixture
def partial_school_trust(tmp_path: Path, prefect_api_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-school trust whose X media never download: the school's audit is partial."""
    plan = [{"route": "x.media", "kind": "500", "times": -1}]
    monkeypatch.setenv("SOCIALAUDIT_SANDBOX_FAULTS", json.dumps(plan))
    toml = one_school_trust(tmp_path, "schools")
    # Each download is given up at once: retried five times, its backoffs were 1.55 s of the run (0.05 s, doubling).
    set_toml(tmp_path / "schools" / "elm-road", "[api]\nmax_retries = 0")
    return toml


def test_a_partial_school_is_partial_in_the_trust_with_what_was_not_read(
    tmp_path: Path, partial_school_trust: Path
) -> None:
    """On workers the trust reads each school's `trust-school` run's final state: it must say partial too."""
    from flows.config.trust import load_trust
    from flows.trust import _blank_outcome, _completed, _not_read, trust_school

    state = trust_school(
        trust_toml=str(partial_school_trust),
        slug="elm-road",
        out_dir=str(tmp_path / "out"),
        as_of=AS_OF,
        return_state=True,
    )

    assert state.is_completed() and state.name == "Partial"
    # Each school its own controller: the trust-wide server hears that streams were not read, not which or why.
    kind_only = "partial audit: not read: some streams (details in the school's run.log)"
    assert state.message == kind_only
    from tests.builders.prefect_records import records_of_trust_runs

    states = json.loads(records_of_trust_runs(partial_school_trust)["states"])
    partial = [message for name, message in states if name == "Partial"]
    assert len(partial) >= 2 and set(partial) == {kind_only}
    # As the trust's task for the school reads that state (on a worker, and in its own process where the school's
    # weekly audit ends in the same state): one audit shows both.
    [school] = load_trust(partial_school_trust).schools
    outcome = _completed(_blank_outcome(school), tmp_path / "out" / "elm-road", _not_read(state), "schools")
    assert outcome["status"] == "partial"
    assert outcome["reason"] == "not read (details in the school's run.log)"
    assert outcome["exceptions"] is not None and (tmp_path / "out" / "elm-road" / "report.html").exists()


def test_a_school_failing_on_a_worker_leaves_only_its_kind_in_prefect(
    tmp_path: Path, prefect_api_url: str
) -> None:
    from flows.trust import deployed_school_failure, trust_school

    toml = one_school_trust(tmp_path, "schools")
    name = refuse_a_pupil_by_name(tmp_path / "schools" / "elm-road" / "registers")

    state = trust_school(
        trust_toml=str(toml), slug="elm-road", out_dir=str(tmp_path / "out"), as_of=AS_OF, return_state=True
    )

    assert state.is_failed() and name not in (state.message or "")
    assert deployed_school_failure(state, 60, "schools") == (
        "AuditFailed: registers refused, nothing was stored (details in the school's run.log)"
    )
    assert name in (tmp_path / "out" / "elm-road" / "run.log").read_text(encoding="utf-8")
