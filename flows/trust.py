"""A trust's weekly audit as a Prefect flow: each school is its own run of the weekly-audit flow, wiring only.

Every school runs as a child flow run of `trust-audit` (so the UI, retries and logs are per school), inside a
task submitted to the flow's thread pool: that is how Prefect 3 runs subflows concurrently in one process, and
the schools then share one Prefect server, warm imports (great-expectations, the DuckDB extensions) and one
interpreter. A school's failure is caught at its task and becomes that school's status; the others go on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from dashboards.trust_report import school_counts, trust_level_reason, write_trust_outputs
from flows.config import load_config
from flows.trust_config import TrustConfig, TrustSchool, load_trust, school_lake
from flows.weekly_audit import weekly_audit
from warehouse import lake, trust_history
from warehouse.db import connect

TRUST_LAKE = "_trust"  # the trust's own history; a school's slug never starts with "_"


def school_locator(trust: TrustConfig, slug: str) -> Path:
    """The locator file a school's runs pass as their warehouse (written afresh each run: settings may move)."""
    return lake.write_locator(trust.lake_dir / f"{slug}.ducklake", school_lake(trust, slug))


@task(name="audit-school", cache_policy=NO_CACHE, task_run_name="audit-{school.slug}")
def audit_school(
    school: TrustSchool, locator: Path, out_dir: Path, as_of: str | None, controller: str
) -> dict[str, Any]:
    """One school's weekly audit as a child flow run; whatever happens, a status for the trust's summary."""
    logger = get_run_logger()
    outcome: dict[str, Any] = {"slug": school.slug, "name": school.slug, "exceptions": None}
    outcome.update(by_severity=None, by_rule=None, report=None, reason=None)
    school_out = out_dir / school.slug
    try:
        outcome["name"] = load_config(school.school_toml).name
        result = weekly_audit.with_options(flow_run_name=f"weekly-audit-{school.slug}")(
            school_toml=str(school.school_toml),
            db_path=str(locator),
            out_dir=str(school_out),
            as_of=as_of,
            sandbox=school.sandbox,
        )
    except Exception as error:
        outcome.update(status="failed", reason=trust_level_reason(error, controller))
        logger.warning("%s: failed (%s)", school.slug, outcome["reason"])
        return outcome
    finally:
        location = lake.read_locator(locator)
        lake.release(location)
    missing = result.get("missing")
    outcome.update(school_counts(school_out))
    outcome.update(
        status="partial" if missing else "completed",
        reason=trust_level_reason(f"not read: {missing}", controller) if missing else None,
        report=f"{school.slug}/report.html",
    )
    return outcome


@flow(name="trust-audit")
def trust_audit(trust_toml: str, out_dir: str, as_of: str | None = None) -> dict[str, Any]:
    """Audit every school of `trust_toml` for the week ending `as_of`; write the trust's summary and report."""
    logger = get_run_logger()
    trust = load_trust(Path(trust_toml))
    week = date.fromisoformat(as_of) if as_of else datetime.now(ZoneInfo("Europe/London")).date()
    out = Path(out_dir)
    futures = [
        audit_school.submit(
            school, school_locator(trust, school.slug), out, week.isoformat(), trust.controller
        )
        for school in trust.schools
    ]
    schools = [{**future.result(), "as_of": week.isoformat()} for future in futures]
    history_locator = school_locator(trust, TRUST_LAKE)
    con = connect(history_locator)
    try:
        trust_history.record(con, week, schools)
        history = trust_history.history(con)
    finally:
        con.close()
        lake.release(lake.read_locator(history_locator))
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
