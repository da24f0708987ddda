"""Whole audits of a school: `audit(...)` runs `socialaudit run --sandbox` and returns what it left (an Audit).

`audit` runs the command in a subprocess and is session-scoped, so module fixtures may use it; `audit_inprocess`
runs it in this process. Both take tests.builders.audits.run_audit's arguments, and `root`: the directory the
school, the warehouse and the reports go in (relative `db` and `out` are taken inside it).

`tiny_school_week` and `sample_school_week` are weeks audited once per session for the tests that only read
them (a test that changes one works on a copy of its warehouse). tests/xdist_scheduling.py (SHARED_WEEKS) keeps
the modules that use one on the same worker under `make test`, so the week is audited once, not once per worker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

import pytest

from tests.builders.audits import AS_OF, Audit, run_audit
from tests.builders.cli import CliResult


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
