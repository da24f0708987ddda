"""A trust's weekly audit as a Prefect flow: each school is its own run of the weekly-audit flow, wiring only.

Every school runs as a child flow run of `trust-audit` (so the UI, retries and logs are per school), inside a
task submitted to the flow's thread pool: that is how Prefect 3 runs subflows concurrently in one process, and
the schools then share one Prefect server, warm imports (great-expectations, the DuckDB extensions) and one
interpreter. A school's failure is caught at its task and becomes that school's status; the others go on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.futures import as_completed
from prefect.states import Completed, State

from dashboards.trust_report import school_counts, trust_level_reason, write_trust_outputs
from flows.config.school import load_config
from flows.config.trust import TrustConfig, TrustSchool, load_trust, school_lake
from flows.live_display import counted, progress
from flows.prefect_artifacts import track_progress
from flows.returned_values import final_state
from flows.school_run_log import DetailsWithheld, kept_in_school
from flows.weekly_audit import PARTIAL_MESSAGE, weekly_audit
from warehouse import lake, side_files, trust_history
from warehouse.db import connect, transaction

TRUST_LAKE = "_trust"  # the trust's own history; a school's slug never starts with "_"


def school_locator(trust: TrustConfig, slug: str) -> Path:
    """The locator file a school's runs pass as their warehouse (written afresh each run: settings may move)."""
    return lake.write_locator(trust.lake_dir / f"{slug}.ducklake", school_lake(trust, slug))


def _blank_outcome(school: TrustSchool) -> dict[str, Any]:
    outcome: dict[str, Any] = {"slug": school.slug, "name": school.slug, "exceptions": None}
    outcome.update(by_severity=None, by_rule=None, report=None, reason=None)
    with contextlib.suppress(Exception):  # a broken school.toml is that school's failure, reported by its run
        outcome["name"] = load_config(school.school_toml).name
    return outcome


def _completed(
    outcome: dict[str, Any], school_out: Path, missing: str | None, controller: str
) -> dict[str, Any]:
    """A school whose week is stored and published; `missing` names the streams a partial audit did not read."""
    outcome.update(school_counts(school_out))
    outcome.update(
        status="partial" if missing else "completed",
        reason=trust_level_reason(f"not read: {missing}", controller) if missing else None,
        report=f"{school_out.name}/report.html",
    )
    return outcome


class OutputsNotPublished(Exception):
    """A school's week is stored but its outputs are not written; the message says which command writes them."""


def _run_school(
    school: TrustSchool, locator: Path, school_out: Path, as_of: str | None, controller: str
) -> State[Any]:
    """The weekly audit of one school in its lake, as a child flow run: its final state once it completed (plain,
    or named Partial); raises as the weekly audit failed. Where each school is its own data controller, the run
    is kept in the school: its log in `<out>/<slug>/run.log`, only the kind of a failure in Prefect's states."""
    kept = (
        kept_in_school(side_files.kept_path("run log", school_out))
        if controller == "schools"
        else contextlib.nullcontext()
    )
    with kept:
        return _audit_in_lake(school, locator, school_out, as_of)


def _audit_in_lake(school: TrustSchool, locator: Path, school_out: Path, as_of: str | None) -> State[Any]:
    try:
        state: State[Any] = weekly_audit.with_options(flow_run_name=f"weekly-audit-{school.slug}")(  # type: ignore[assignment]
            school_toml=str(school.school_toml),
            db_path=str(locator),
            out_dir=str(school_out),
            as_of=as_of,
            sandbox=school.sandbox,
            return_state=True,
        )
    finally:
        lake.release(lake.read_locator(locator))
    state = final_state(state)
    if state.is_completed():
        return state
    # A stored week whose outputs failed ends Failed with the run's dict as its data, not an exception: asked for
    # its result, Prefect would raise a TypeError that hides the reason.
    result = state.result(raise_on_failure=False, _sync=True)  # type: ignore[call-overload]
    if isinstance(result, dict) and result.get("not_published"):
        raise OutputsNotPublished(result["not_published"])
    if isinstance(result, BaseException):
        raise result
    raise RuntimeError(f"{state.name}: {state.message or 'the weekly audit did not complete'}")


def _not_read(state: State[Any]) -> str | None:
    """What a partial audit did not read: the weekly audit ends Completed, named Partial, its message naming the
    streams; the trust-school flow on a worker ends in the same state (so one reading serves both)."""
    if state.name != "Partial":
        return None
    return (state.message or "").removeprefix(PARTIAL_MESSAGE) or "some streams"


@task(name="audit-school", cache_policy=NO_CACHE, task_run_name="audit-{school.slug}")
def audit_school(
    school: TrustSchool,
    trust_toml: Path,
    out_dir: Path,
    as_of: str | None,
    controller: str,
    deployment: str | None = None,
    timeout_seconds: float | None = None,
) -> dict[str, Any]:
    """One school's weekly audit; whatever happens, a status for the trust's summary.

    In this process (a child flow run of the weekly audit), or, with `deployment`, as a run of the
    `trust-school` deployment that any worker of its pool picks up (`run_deployment`, tracked as a subflow)."""
    logger = get_run_logger()
    outcome = _blank_outcome(school)
    school_out = out_dir / school.slug
    if deployment is not None:
        run: FlowRun = run_deployment(  # type: ignore[assignment]  # sync call: a FlowRun, never a coroutine
            name=deployment,
            parameters={
                "trust_toml": str(trust_toml),
                "slug": school.slug,
                "out_dir": str(out_dir),
                "as_of": as_of,
            },
            flow_run_name=f"trust-school-{school.slug}",
            timeout=timeout_seconds,
        )
        state = run.state
        if state is None or not state.is_completed():
            outcome.update(
                status="failed", reason=deployed_school_failure(state, timeout_seconds, controller)
            )
            logger.warning("%s: failed (%s)", school.slug, outcome["reason"])
            return outcome
        return _completed(outcome, school_out, _not_read(state), controller)
    try:
        state = _run_school(
            school, school_locator_for(trust_toml, school.slug), school_out, as_of, controller
        )
    except Exception as error:
        # Prefect kept only the kind of a school's failure. A trust that is the schools' controller reports why
        # (its report is an output an erasure reaches); a school that is its own keeps the why in its run.log.
        if not isinstance(error, DetailsWithheld):
            reason = trust_level_reason(error, controller)
        elif controller == "trust" and error.detail is not None:
            reason = trust_level_reason(error.detail, controller)
        else:
            reason = str(error)
        outcome.update(status="failed", reason=reason)
        logger.warning("%s: failed (%s)", school.slug, outcome["reason"])
        return outcome
    return _completed(outcome, school_out, _not_read(state), controller)


def deployed_school_failure(state: State[Any] | None, timeout_seconds: float | None, controller: str) -> str:
    """Why a school's `trust-school` run did not complete, as the trust may keep it."""
    if state is None:
        return trust_level_reason("no state", controller)
    if not state.is_final():
        why = f"not finished after {timeout_seconds or 0:g} s (still {state.name}): a worker may have stopped"
        return trust_level_reason(why, controller)
    # A school kept in itself failed with only its kind of failure in the message: that is the reason.
    withheld = (state.message or "").partition(f"{DetailsWithheld.__name__}: ")[2]
    return withheld or trust_level_reason(f"{state.name}: {state.message or ''}", controller)


def school_locator_for(trust_toml: Path, slug: str) -> Path:
    return school_locator(load_trust(trust_toml), slug)


@flow(name="trust-school")
def trust_school(trust_toml: str, slug: str, out_dir: str, as_of: str | None = None) -> State[Any]:
    """One school of a trust, as the deployment workers pick up: its weekly audit in its own lake. Fails as
    the weekly audit fails, so Prefect shows, retries and reports it; the trust run reads its final state."""
    trust = load_trust(Path(trust_toml))
    schools = {school.slug: school for school in trust.schools}
    if slug not in schools:
        raise ValueError(f"{trust_toml} has no school {slug!r} (its schools: {', '.join(schools)})")
    school = schools[slug]
    state = _run_school(school, school_locator(trust, slug), Path(out_dir) / slug, as_of, trust.controller)
    # Ends as the school's weekly audit ended (Completed, or Completed named Partial with what was not read), so
    # the trust run reads a partial audit from this run's final state.
    return Completed(name=state.name, message=state.message, data=state.result(_sync=True))  # type: ignore[call-overload]


def _open_history(locator: Path) -> duckdb.DuckDBPyConnection:
    con = connect(locator)
    try:
        with transaction(con):  # on a new lake, its schema and table in one commit
            trust_history.ensure(con)
    except BaseException:
        con.close()
        raise
    return con


@contextlib.contextmanager
def history_lake(trust: TrustConfig) -> Iterator[Future[duckdb.DuckDBPyConnection]]:
    """The trust's own history lake, attached and its table made on a thread of its own while the schools run: on a
    new lake that is the extensions loaded, the catalog made and a commit, which would otherwise follow the last
    school's run. Closed and let go however the block ends; a failure to open it is raised where it is used."""
    locator = school_locator(trust, TRUST_LAKE)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="socialaudit-trust-history") as opener:
        opened = opener.submit(_open_history, locator)
        try:
            yield opened
        finally:
            if opened.exception() is None:
                opened.result().close()
            lake.release(lake.read_locator(locator))


def _as_they_finish(futures: list[Any], trust_name: str) -> list[dict[str, Any]]:
    """Each school's outcome, in trust.toml's order, saying as each finishes how many are done: a log line (a live
    line on a terminal) and the trust run's progress artifact (a number only: no school's data)."""
    total = len(futures)
    tracker = track_progress(f"{trust_name}: schools audited this week ({total})")
    outcomes: dict[int, dict[str, Any]] = {}
    positions = {id(future): n for n, future in enumerate(futures)}
    with counted("schools done", total, "school(s)") as count:
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[positions[id(future)]] = outcome
            progress.info(
                "%d of %d schools done (%s: %s)", len(outcomes), total, outcome["slug"], outcome["status"]
            )
            count.advance()
            tracker(len(outcomes) / total)
    return [outcomes[n] for n in range(total)]


@flow(name="trust-audit")
def trust_audit(
    trust_toml: str,
    out_dir: str,
    as_of: str | None = None,
    deployment: str | None = None,
    school_timeout_seconds: float = 3600.0,
) -> dict[str, Any]:
    """Audit every school of `trust_toml` for the week ending `as_of`; write the trust's summary and report.

    `deployment` (e.g. "trust-school/trust-school"): run each school as a run of that deployment on the work
    pool's workers instead of in this process; a school not finished within `school_timeout_seconds` is failed
    this week (its warehouse is untouched: a week is stored in one transaction) and next week's run audits it."""
    logger = get_run_logger()
    trust = load_trust(Path(trust_toml))
    week = date.fromisoformat(as_of) if as_of else datetime.now(ZoneInfo("Europe/London")).date()
    out = Path(out_dir)
    with history_lake(trust) as history_con:
        futures = [
            audit_school.submit(
                school,
                Path(trust_toml).resolve(),
                out,
                week.isoformat(),
                trust.controller,
                deployment,
                school_timeout_seconds,
            )
            for school in trust.schools
        ]
        schools = [{**outcome, "as_of": week.isoformat()} for outcome in _as_they_finish(futures, trust.name)]
        con = history_con.result()
        trust_history.record(con, week, schools)
        history = trust_history.history(con)
    paths = write_trust_outputs(out, trust.name, trust.controller, week, schools, history)
    not_completed = [s for s in schools if s["status"] != "completed"]
    logger.info(
        "trust %s, week of %s: %d schools, %d did not complete",
        trust.name,
        week,
        len(schools),
        len(not_completed),
    )
    return {
        "as_of": week.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "schools": schools,
        "not_completed": [
            {"slug": s["slug"], "status": s["status"], "reason": s["reason"]} for s in not_completed
        ],
        "summary": str(paths["trust-summary.json"]),
        "report": str(paths["trust-report.html"]),
    }
