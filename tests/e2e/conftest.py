"""Whole audits of a school: `audit(...)` runs `socialaudit run --sandbox` and returns what it left (an Audit).

`audit` runs the command in a subprocess and is session-scoped, so module fixtures may use it; `audit_inprocess`
runs it in this process. Both take tests.builders.audits.run_audit's arguments, and `root`: the directory the
school, the warehouse and the reports go in (relative `db` and `out` are taken inside it).

`tiny_school_week` and `sample_school_week` are weeks audited once per session for the tests that only read
them (a test that changes one works on a copy of its warehouse). tests/xdist_scheduling.py (SHARED_WEEKS) keeps
the modules that use one on the same worker under `make test`, so the week is audited once, not once per worker.
`sample_school_next_week` is the sample school's next week, unchanged, audited once on a copy of that week for its
readers (which read `sample_school_week` too: tests/xdist_scheduling.py DERIVED_WEEKS).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import pytest

from tests.builders.audits import AS_OF, Audit, copy_of_week, run_audit
from tests.builders.cli import CliResult
from tests.builders.next_week import SAMPLE_SCHOOL_NEXT_WEEK, NextWeek


class AuditFactory(Protocol):
    def __call__(
        self,
        dataset: Path | None = None,
        *,
        toml: str = "",
        env: Mapping[str, str] | None = None,
        as_of: str = AS_OF,
        db: str | Path = "w.duckdb",
        out: str | Path = "out",
        root: Path | None = None,
    ) -> Audit: ...


@pytest.fixture(scope="session")
def audit(tmp_path_factory: pytest.TempPathFactory, socialaudit: Callable[..., CliResult]) -> AuditFactory:
    """In a subprocess; `root` defaults to a fresh temporary directory per call."""

    def run(
        dataset: Path | None = None,
        *,
        toml: str = "",
        env: Mapping[str, str] | None = None,
        as_of: str = AS_OF,
        db: str | Path = "w.duckdb",
        out: str | Path = "out",
        root: Path | None = None,
    ) -> Audit:
        root = root or tmp_path_factory.mktemp("audit")
        return run_audit(socialaudit, root, dataset, toml=toml, env=env, as_of=as_of, db=db, out=out)

    return run


@pytest.fixture(scope="session")
def tiny_school_week(audit: AuditFactory) -> Audit:
    """The tiny school (tests/builders/tiny_dataset.py) audited for the week of AS_OF."""
    audited = audit()
    assert audited.result.returncode == 0, audited.result.stderr[-2000:]
    return audited


SAMPLE_SCHOOL_SEED = 11  # the evaluation uses other seeds


@pytest.fixture(scope="session")
def sample_school_week(
    tmp_path_factory: pytest.TempPathFactory, socialaudit: Callable[..., CliResult], audit: AuditFactory
) -> Audit:
    """A small sample school written by `socialaudit sample` (labels beside it, school.labels.json) and audited
    for the week of AS_OF."""
    root = tmp_path_factory.mktemp("sample-school-week")
    dataset = root / "school"
    made = socialaudit("sample", "--out", str(dataset), "--seed", str(SAMPLE_SCHOOL_SEED), "--size", "small")
    assert made.returncode == 0, made.stderr
    audited = audit(dataset, root=root)
    assert audited.result.returncode == 0, audited.result.stderr[-3000:]
    return audited


@pytest.fixture(scope="session")
def sample_school_next_week(
    sample_school_week: Audit, tmp_path_factory: pytest.TempPathFactory, prefect_api_url: str
) -> NextWeek:
    """`sample_school_week`'s school audited again for the week after, nothing changed on the platforms, in this
    process on copies of its school and warehouse: a clean next week (tests/e2e/test_partial_audits.py compares
    partial weeks with it). Every image route of the sandbox fails for good and every decode of an image is counted
    (tests/e2e/test_media_refetch.py): were an image fetched or decoded again, the week would say so."""
    import json

    import checks.images.reading
    import checks.media_hash
    from flows import stream_reading
    from flows import weekly_audit as flow_module

    week = copy_of_week(sample_school_week, tmp_path_factory.mktemp("sample-school-next-week"))
    decoded: list[int] = []

    def counted(real: Callable[..., Any]) -> Callable[..., Any]:
        def counting(data: bytes, *args: Any, **kwargs: Any) -> Any:
            decoded.append(len(data))
            return real(data, *args, **kwargs)

        return counting

    out = week.root / "out2"
    with pytest.MonkeyPatch.context() as patch:
        # Published images are hashed and read by the flow's task; the approved library is hashed by
        # checks.media_hash and read by checks.images.reading.
        patch.setattr(stream_reading, "examine", counted(stream_reading.examine))
        patch.setattr(checks.media_hash, "fingerprint_image", counted(checks.media_hash.fingerprint_image))
        patch.setattr(checks.images.reading, "decode_upright", counted(checks.images.reading.decode_upright))
        # Were anything fetched again, the media routes would now fail and the report would say so.
        dead_media = [{"route": route, "kind": "500", "times": -1} for route in ("x.media", "yt.thumbnails")]
        patch.setenv("SOCIALAUDIT_SANDBOX_FAULTS", json.dumps(dead_media))
        summary = flow_module.weekly_audit(
            str(week.dataset / "school.toml"), str(week.db), str(out), SAMPLE_SCHOOL_NEXT_WEEK, True
        )
    audited = Audit(CliResult(0, "", ""), week.root, week.dataset, week.db, out)
    return NextWeek(audited, dict(summary), decoded)


@pytest.fixture
def audit_inprocess(tmp_path: Path, socialaudit_inprocess: Callable[..., CliResult]) -> AuditFactory:
    """In this process; `root` defaults to the test's tmp_path."""

    def run(
        dataset: Path | None = None,
        *,
        toml: str = "",
        env: Mapping[str, str] | None = None,
        as_of: str = AS_OF,
        db: str | Path = "w.duckdb",
        out: str | Path = "out",
        root: Path | None = None,
    ) -> Audit:
        root = root or tmp_path
        return run_audit(
            socialaudit_inprocess, root, dataset, toml=toml, env=env, as_of=as_of, db=db, out=out
        )

    return run
