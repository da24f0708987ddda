"""One way to name the warehouse for every command (issue 25, item 7): a run that names it through
$SOCIALAUDIT_DB, then the review, DPO and set-up commands that find the same file without --db or through
school.toml's [warehouse] path (which a run reads by the same lookup: tests/flows/test_warehouse_location.py); the
deployments agree with the command line; --version and the run's exit statuses."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
import yaml

import flows.commands.common as common
from tests.builders.audits import AS_OF, append_toml
from tests.builders.paths import REPO
from tests.builders.tiny_dataset import build_tiny_dataset


@pytest.fixture(scope="module")
def named_by_env(tmp_path_factory: pytest.TempPathFactory, socialaudit) -> dict:
    """The tiny school audited by a run that names its warehouse through $SOCIALAUDIT_DB alone.

    Its own run, not a copy of the session's tiny school week: the commands below would find a copy as well, but
    a run finding the warehouse so is what this module checks first, and no cheaper run shows it (one refused
    before it stores anything took as long as this audit, measured: ~5 s each)."""
    root = tmp_path_factory.mktemp("one-warehouse")
    school = build_tiny_dataset(root / "school")
    warehouse = root / "named by env" / "school.duckdb"
    env = {"SOCIALAUDIT_DB": str(warehouse)}
    ran = socialaudit("run", "--sandbox", str(school), "--out", str(root / "out"), "--as-of", AS_OF, env=env)
    assert ran.returncode == 0, ran.stderr[-2000:]
    return {"school": school, "warehouse": warehouse, "env": env}


def test_every_command_finds_the_warehouse_socialaudit_db_names(named_by_env: dict, socialaudit) -> None:
    school, env = named_by_env["school"], named_by_env["env"]
    assert named_by_env["warehouse"].exists()
    listed = socialaudit("exceptions", "list", "--format", "json", env=env)
    assert listed.returncode == 0 and '"key"' in listed.stdout, listed.stderr
    counted = socialaudit("sql", "SELECT count(*) AS runs FROM audit.runs", "--format", "csv", env=env)
    assert counted.returncode == 0 and counted.stdout.splitlines()[-1] == "1", counted.stderr
    held = socialaudit("registers", "status", env=env)
    assert held.returncode == 0 and "no register version is held" in held.stdout, held.stderr
    doctor = socialaudit("doctor", "--sandbox", str(school), env=env)
    assert "warehouse migrations: up to date" in doctor.stdout, doctor.stdout


def test_school_toml_names_the_warehouse_and_a_sandbox_run_never_falls_back_to_production(
    named_by_env: dict, tmp_path: Path, socialaudit
) -> None:
    # A run finds the warehouse [warehouse] path names as every command does (flows/warehouse_location.py:
    # tests/flows/test_warehouse_location.py); here, a command finds the one the run above wrote.
    school = tmp_path / "school"
    shutil.copytree(named_by_env["school"], school)
    out = str(tmp_path / "out")
    refused = socialaudit(
        "run", "--sandbox", str(school), "--out", out, "--as-of", AS_OF, env={"SOCIALAUDIT_DB": ""}
    )
    assert refused.returncode == common.EXIT_FAILED
    assert "name the warehouse with --db, $SOCIALAUDIT_DB or [warehouse] path" in refused.stderr
    assert not (REPO / "data" / "socialaudit.duckdb").exists()
    append_toml(school, f'[warehouse]\npath = "{named_by_env["warehouse"]}"\n')
    counted = socialaudit(
        "sql",
        "SELECT count(*) FROM audit.runs",
        "--config",
        str(school / "school.toml"),
        "--format",
        "csv",
        env={"SOCIALAUDIT_DB": ""},
    )
    assert counted.returncode == 0 and counted.stdout.splitlines()[-1] == "1", counted.stderr


def test_the_deployments_name_the_warehouse_as_the_command_line_does() -> None:
    # Each deployment in prefect.yaml (the weekly audit, the weekly backup) is served with the same parameters by
    # deploy/socialaudit-serve.service, in the same order, and none names the warehouse apart from school.toml.
    deployments = yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    serve = (REPO / "deploy" / "socialaudit-serve.service").read_text(encoding="utf-8")
    served = re.findall(r"parameters=(\{[^}]*\})", serve)
    assert len(served) == len(deployments) >= 1
    for deployment, parameters in zip(deployments, served, strict=True):
        assert "db_path" not in deployment["parameters"]
        assert "db_path" not in parameters and "warehouse/" not in parameters
        for key, value in deployment["parameters"].items():
            assert f"'{key}': '{value}'" in parameters or value is False, (deployment["name"], key)
    for unit in (REPO / "deploy").glob("*.service"):
        assert "WorkingDirectory=/opt/socialaudit" in unit.read_text(encoding="utf-8"), unit.name


def test_version_and_the_exit_statuses_in_run_help(socialaudit) -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    version = socialaudit("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"socialaudit {project['version']}"
    helped = socialaudit("run", "--help").stdout
    # EXIT_HOLD is check-post's own (a draft with findings to settle), never a run's.
    statuses = {
        name: value
        for name, value in vars(common).items()
        if name.startswith("EXIT_") and name != "EXIT_HOLD"
    }
    listed = dict(re.findall(r"^  (\d+)  (.+)$", helped.split("exit statuses:")[1], flags=re.MULTILINE))
    assert set(listed) == {str(value) for value in statuses.values()}


def test_playwright_is_for_the_tests_and_the_trust_and_review_app_are_extras() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))

    def names(requirements: list[str]) -> set[str]:
        return {re.split(r"[<>=\[ ;]", requirement, maxsplit=1)[0] for requirement in requirements}

    runtime = names(pyproject["project"]["dependencies"])
    extras = pyproject["project"]["optional-dependencies"]
    assert "playwright" not in runtime and "playwright" in names(pyproject["dependency-groups"]["dev"])
    trust = {
        "duckdb-extension-ducklake",
        "duckdb-extension-sqlite-scanner",
        "duckdb-extension-postgres-scanner",
    }
    assert names(extras["trust"]) == trust and not trust & runtime
    assert names(extras["review"]) == {
        "uvicorn",
        "python-multipart",
        "authlib",
        "argon2-cffi",
        "itsdangerous",
    }
    assert "python-multipart" not in runtime
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"\$\(UV\) sync --frozen .*--all-extras", makefile), "make setup must install the extras"
