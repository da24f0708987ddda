"""A trust of sample schools in one command (docs/contracts/trust.md), with the embedded default lake.

Two sample schools and one whose register is refused: the two complete with outputs that meet the contract, the
first's equal to its own single run, the third fails alone (exit 3, one line naming it), the run says as each school
is done (a log line and a progress artifact), and with `controller = "schools"` no name or handle of any school's
pupils, parents or staff reaches a trust-level output, the trust's own table or what the run sent Prefect (logged at
INFO). Then one review app over the trust's lakes, under each controller setting: each reviewer sees and decides
only at the schools granted to them.

The first school is the session's sample school (tests/e2e/conftest.py `sample_school_week`), whose single run is
that week, so no school is audited alone here (tests/xdist_scheduling.py SHARED_WEEKS keeps this module with that
week's other readers). One school shows that a trust runs each school as its single run would: a single audit of
the second (~14 s) would show it again.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from dashboards.review_app import create_app
from flows.commands.review_app import acting, served
from flows.config.school import ConfigError
from sandbox.school import write_sample
from tests.builders.audits import AS_OF, IMAGES_NOT_READ, Audit, append_toml
from tests.builders.exports import refuse_a_pupil_by_name
from tests.builders.output_contract import (
    assert_outputs_meet_the_contract,
    assert_trust_outputs_meet_the_contract,
)
from tests.builders.prefect_records import records_of_trust_runs
from tests.builders.review_app import csrf_in, local_accounts, sign_in
from warehouse import lake
from warehouse.db import connect

SESSION_SCHOOL = "north-lane"  # a copy of the session's sample school, audited alone as sample_school_week
GOOD = (SESSION_SCHOOL, "st-brides")
BROKEN = "hollybank"
WRITTEN = {"st-brides": 22, BROKEN: 24}  # the seeds of the sample schools written here
OUTPUTS = ("exceptions.json", "resolved.json", "exceptions.csv")


def people(dataset: Path) -> set[str]:
    """Every pupil's, parent's and staff member's full name and declared handle in a school's registers."""
    found: set[str] = set()
    for register in ("pupils", "staff", "parents"):
        for row in csv.DictReader((dataset / "registers" / f"{register}.csv").open(encoding="utf-8")):
            for forename in {row["forename"], row.get("preferred_name") or row["forename"]}:
                found.add(f"{forename} {row['surname']}")
            for column in ("known_handles", "personal_handles", "official_handles"):
                for pair in filter(None, (row.get(column) or "").split(";")):
                    handle = pair.partition(":")[2].lstrip("@")
                    if len(handle) >= 5:
                        found.add(handle)
    return found


@pytest.fixture(scope="module")
def trust(
    tmp_path_factory: pytest.TempPathFactory, socialaudit: Any, sample_school_week: Audit
) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("trust")
    shutil.copytree(sample_school_week.dataset, root / "schools" / SESSION_SCHOOL)
    for slug, seed in WRITTEN.items():
        write_sample(root / "schools" / slug, seed=seed, size="small")
    broken_name = refuse_a_pupil_by_name(root / "schools" / BROKEN / "registers")
    # Its run fails on its registers: what its images hold is never published, so they are not read.
    append_toml(root / "schools" / BROKEN, IMAGES_NOT_READ)
    entries = "".join(f'[[schools]]\nsandbox = "schools/{slug}"\n' for slug in [*GOOD, BROKEN])
    (root / "trust.toml").write_text(
        f'[trust]\nname = "Riverside Learning Trust"\ncontroller = "schools"\nparallel = 2\n\n{entries}',
        encoding="utf-8",
    )
    run = socialaudit(
        "trust",
        "run",
        "--trust",
        str(root / "trust.toml"),
        "--out",
        str(root / "out"),
        "--as-of",
        AS_OF,
        env={"PREFECT_LOGGING_LEVEL": "INFO"},  # the trust's progress lines, and every log it sends Prefect
        timeout=1200,
    )
    return {"root": root, "out": root / "out", "run": run, "broken_name": broken_name}


def test_one_school_failing_never_stops_the_others(trust: dict[str, Any]) -> None:
    run = trust["run"]
    assert run.returncode == 3, run.stderr[-3000:]
    lines = run.stdout.strip().splitlines()
    assert lines[-1].startswith(f"not completed: {BROKEN} (failed: ")
    assert "registers refused" in lines[-1]
    assert_trust_outputs_meet_the_contract(trust["out"])
    summary = json.loads((trust["out"] / "trust-summary.json").read_text(encoding="utf-8"))
    by_slug = {s["slug"]: s for s in summary}
    assert set(by_slug) == {*GOOD, BROKEN}
    assert by_slug[BROKEN]["status"] == "failed" and by_slug[BROKEN]["report"] is None
    for slug in GOOD:
        entry = by_slug[slug]
        assert entry["status"] == "completed"
        assert entry["report"] == f"{slug}/report.html" and (trust["out"] / entry["report"]).exists()
        assert entry["exceptions"] == sum(entry["by_severity"].values()) == sum(entry["by_rule"].values()) > 0
    # Ranked by what needs attention: critical first.
    criticals = [s["by_severity"]["critical"] for s in summary if s["status"] == "completed"]
    assert criticals == sorted(criticals, reverse=True)


def test_the_trust_says_how_many_schools_are_done_and_keeps_a_progress_artifact(
    trust: dict[str, Any],
) -> None:
    """A number only: the trust run's progress artifact holds no school's data."""
    total = len(GOOD) + 1
    for done in range(1, total + 1):
        assert f"{done} of {total} schools done (" in trust["run"].stderr
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["socialaudit-trust-progress"]))
        )
    # The session's Prefect server also holds the progress of trusts other modules ran on this worker.
    ours = [a for a in found if "Riverside Learning Trust" in (a.description or "")]
    assert ours and max(float(a.data) for a in ours if a.data is not None) == 100.0  # type: ignore[arg-type]
    assert all(a.type == "progress" for a in ours)


def test_each_school_has_its_own_lake(trust: dict[str, Any]) -> None:
    catalogs = sorted(p.name for p in (trust["root"] / "lake" / "catalog").glob("*.sqlite"))
    # The broken school's first week failed before anything was stored: no lake was made for it (as no warehouse
    # file is made for a single run that fails before storing).
    assert catalogs == sorted([f"{slug}.sqlite" for slug in GOOD] + ["_trust.sqlite"])
    for slug in GOOD:
        con = connect(trust["root"] / "lake" / f"{slug}.ducklake", read_only=True)
        try:
            assert con.execute("SELECT count(*) FROM audit.runs").fetchone() == (1,)
        finally:
            con.close()


def test_a_schools_outputs_in_the_trust_equal_its_own_single_run(
    trust: dict[str, Any], sample_school_week: Audit
) -> None:
    assert sample_school_week.result.returncode == 0, sample_school_week.result.stderr[-3000:]
    in_trust = trust["out"] / SESSION_SCHOOL
    for name in OUTPUTS:
        assert (in_trust / name).read_bytes() == (sample_school_week.out / name).read_bytes(), name


@pytest.mark.parametrize("slug", GOOD)
def test_each_schools_outputs_in_the_trust_meet_the_contract(trust: dict[str, Any], slug: str) -> None:
    assert_outputs_meet_the_contract(trust["out"] / slug, trust["root"] / "schools" / slug)


def test_nothing_trust_wide_holds_a_person(trust: dict[str, Any]) -> None:
    names: set[str] = {trust["broken_name"]}
    for slug in [*GOOD, BROKEN]:
        names |= people(trust["root"] / "schools" / slug)
    assert len(names) > 500
    texts = {
        name: (trust["out"] / name).read_text(encoding="utf-8")
        for name in ("trust-summary.json", "trust-report.html")
    }
    con = connect(trust["root"] / "lake" / "_trust.ducklake", read_only=True)
    try:
        texts["trust.school_runs"] = json.dumps(
            con.execute("SELECT * FROM trust.school_runs").fetchall(), default=str
        )
        assert con.execute("SELECT count(*) FROM trust.school_runs").fetchone() == (3,)
    finally:
        con.close()
    location = lake.read_locator(trust["root"] / "lake" / "_trust.ducklake")
    assert location is not None
    stored = [Path(location.catalog.partition(":")[2]), *Path(location.data_path).rglob("*")]
    texts["trust lake files"] = "".join(
        p.read_bytes().decode("utf-8", "replace") for p in stored if p.is_file()
    )
    # Prefect's server is trust-wide too: its states, logs and artifacts of the trust's runs.
    prefect_records = records_of_trust_runs(trust["root"] / "trust.toml")
    assert "hollybank" in prefect_records["flow runs"] and "registers refused" in prefect_records["states"]
    texts.update({f"Prefect's {kind}": text for kind, text in prefect_records.items()})
    for where, text in texts.items():
        folded = text.lower()
        leaked = sorted(name for name in names if name.lower() in folded)
        assert not leaked, f"{where} holds {leaked[:5]}"


def test_each_school_keeps_its_whole_run_in_its_own_run_log(trust: dict[str, Any]) -> None:
    """The details the trust does not hold: the refused register's cell, quoted for the school to fix."""
    broken_log = trust["out"] / BROKEN / "run.log"
    assert broken_log.stat().st_mode & 0o777 == 0o600
    text = broken_log.read_text(encoding="utf-8")
    assert "registers refused" in text and trust["broken_name"] in text
    for slug in GOOD:
        assert (trust["out"] / slug / "run.log").is_file()


def test_the_trust_report_links_every_completed_school_and_names_the_failure(trust: dict[str, Any]) -> None:
    html = (trust["out"] / "trust-report.html").read_text(encoding="utf-8")
    for slug in GOOD:
        assert f'href="{slug}/report.html"' in html
    assert 'id="not-completed"' in html and "registers refused" in html


# --- one review app over the trust's schools -------------------------------------------------------------------

BASE = "https://127.0.0.1:8765"


def review_app_of(trust: dict[str, Any], controller: str, grants: str, tmp: Path) -> TestClient:
    """The app `socialaudit review-app --trust` serves over these lakes, the trust under `controller`."""
    root = trust["root"]
    accounts = local_accounts(tmp, tmp.parent / "accounts-template")
    text = (
        (root / "trust.toml")
        .read_text(encoding="utf-8")
        .replace('controller = "schools"', f'controller = "{controller}"')
    )
    path = root / f"trust-{controller}.toml"
    path.write_text(f'{text}\n[review_app]\naccounts_file = "{accounts}"\n\n{grants}', encoding="utf-8")
    where, settings = served(argparse.Namespace(trust=path, config=None, db=None))
    app = create_app(
        where.schools,
        settings,
        names=where.names,
        accounts_file=Path(settings.accounts_file),
        acting=acting(where),
    )
    return TestClient(app, base_url=BASE)


def grant(role: str, who: str, schools: list[str]) -> str:
    return f'[[review_app.grants]]\nrole = "{role}"\nwho = ["{who}"]\nschools = {json.dumps(schools)}\n\n'


def a_key(trust: dict[str, Any], slug: str) -> str:
    rows = json.loads((trust["out"] / slug / "exceptions.json").read_text(encoding="utf-8"))
    return next(r["key"] for r in rows if r["severity"] != "critical")


def reviews_in(trust: dict[str, Any], slug: str) -> list[tuple[str, str]]:
    con = connect(trust["root"] / "lake" / f"{slug}.ducklake", read_only=True)
    try:
        return con.execute("SELECT reviewer, key FROM audit.reviews").fetchall()
    finally:
        con.close()


def test_where_each_school_is_its_controller_a_reviewer_sees_and_decides_only_their_schools(
    trust: dict[str, Any], tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=r'allowed only where controller = "trust"'):
        review_app_of(trust, "schools", grant("dpo", "local:dee", ["*"]), tmp_path)
    client = review_app_of(
        trust,
        "schools",
        grant("reviewer", "local:sam", ["north-lane"]) + grant("viewer", "local:vic", ["st-brides"]),
        tmp_path,
    )
    assert sign_in(client, "sam").status_code == 303
    assert client.get("/", follow_redirects=False).headers["location"] == "/?school=north-lane"
    here, there = a_key(trust, "north-lane"), a_key(trust, "st-brides")
    token = csrf_in(client.get("/", params={"school": "north-lane"}).text)
    assert client.get("/", params={"school": "st-brides"}).status_code == 404
    assert client.get("/exception", params={"school": "st-brides", "key": there}).status_code == 404
    for slug, key, status in (("st-brides", there, 404), ("north-lane", here, 303)):
        answer = client.post(
            "/review",
            data={"school": slug, "key": key, "decision": "acknowledge", "note": "seen", "csrf_token": token},
            headers={"Origin": BASE},
            follow_redirects=False,
        )
        assert answer.status_code == status, slug
    assert reviews_in(trust, "north-lane") == [("local:sam", here)]
    assert reviews_in(trust, "st-brides") == []
    viewer = TestClient(client.app, base_url=BASE)
    assert sign_in(viewer, "vic").status_code == 303
    schools = viewer.get("/").text
    assert "?school=st-brides" in schools and "north-lane" not in schools


def test_where_the_trust_is_the_controller_a_grant_may_cover_every_school(
    trust: dict[str, Any], tmp_path: Path
) -> None:
    client = review_app_of(
        trust,
        "trust",
        grant("dpo", "local:dee", ["*"]) + grant("reviewer", "local:sam", ["st-brides"]),
        tmp_path,
    )
    assert sign_in(client, "dee").status_code == 303
    schools = client.get("/").text
    assert all(f"?school={slug}" in schools for slug in GOOD)
    assert client.get("/access-log", params={"school": "north-lane"}).status_code == 200
    sam = TestClient(client.app, base_url=BASE)
    assert sign_in(sam, "sam").status_code == 303
    assert sam.get("/", params={"school": "north-lane"}).status_code == 404
    assert sam.get("/", params={"school": "st-brides"}).status_code == 200


def test_a_reviewer_acts_on_a_finding_of_their_school_in_its_lake_and_on_no_other(
    trust: dict[str, Any], tmp_path: Path
) -> None:
    """The trust's app acts through each school's own school.toml, into that school's lake, as the signed-in person."""
    client = review_app_of(trust, "schools", grant("reviewer", "local:sam", ["north-lane"]), tmp_path)
    assert sign_in(client, "sam").status_code == 303
    token = csrf_in(client.get("/", params={"school": "north-lane"}).text)
    rows = json.loads((trust["out"] / "north-lane" / "exceptions.json").read_text(encoding="utf-8"))
    here = [r["key"] for r in rows if r["severity"] != "critical"][-1]
    for slug, key, status in (("st-brides", a_key(trust, "st-brides"), 404), ("north-lane", here, 303)):
        answer = client.post(
            "/remediate",
            data={"school": slug, "key": key, "action": "manual", "confirm": "yes", "csrf_token": token},
            headers={"Origin": BASE},
            follow_redirects=False,
        )
        assert answer.status_code == status, (slug, answer.text[-500:])
    for slug, expected in (("north-lane", [("local:sam", here, "done-by-hand")]), ("st-brides", [])):
        con = connect(trust["root"] / "lake" / f"{slug}.ducklake", read_only=True)
        try:
            held = con.execute(
                "SELECT actor_identity, key, outcome FROM audit.remediations WHERE stage = 'settled'"
            ).fetchall()
        finally:
            con.close()
        assert held == expected, slug
