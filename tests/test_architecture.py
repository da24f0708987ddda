"""Dependencies point one way (README "How it is built"): flows -> checks, warehouse, connectors, dashboards.

Read from the source with `ast`, so a forbidden import fails here even when nothing executes it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PIPELINE = ("connectors", "warehouse", "checks", "dashboards", "flows")
# The offline world is for the commands that need it, tests and benchmarks; never for the pipeline.
OFFLINE_ENTRY_POINTS = {
    "flows/commands/demo.py",
    "flows/commands/sample.py",
    "flows/commands/sandbox.py",
    "flows/commands/evaluate.py",
    "flows/commands/run.py",
    "flows/commands/doctor.py",
    "flows/commands/import_x_archive.py",
    "flows/offline.py",
}
MAX_LINES = 500


def modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py")) if (REPO / package).is_dir() else []


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def top(name: str) -> str:
    return name.split(".")[0]


def offenders(packages: tuple[str, ...], forbidden: set[str], allow: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    found = []
    for package in packages:
        for path in modules(package):
            relative = path.relative_to(REPO).as_posix()
            if relative in allow:
                continue
            bad = sorted(n for n in imported(path) if top(n) in forbidden)
            if bad:
                found.append(f"{relative}: {', '.join(bad)}")
    return found


def test_only_flows_imports_prefect() -> None:
    assert offenders(("connectors", "warehouse", "checks", "dashboards", "sandbox"), {"prefect"}) == []


def test_the_warehouse_imports_nothing_above_it() -> None:
    assert offenders(("warehouse",), {"checks", "dashboards", "flows", "connectors", "sandbox"}) == []


def test_connectors_know_nothing_of_duckdb_or_the_pipeline() -> None:
    assert (
        offenders(("connectors",), {"duckdb", "warehouse", "checks", "dashboards", "flows", "sandbox"}) == []
    )


def test_checks_and_dashboards_never_import_flows() -> None:
    assert offenders(("checks", "dashboards"), {"flows", "sandbox"}) == []


def test_the_pipeline_never_imports_the_offline_world() -> None:
    assert offenders(PIPELINE, {"sandbox"}, allow=OFFLINE_ENTRY_POINTS) == []


@pytest.mark.parametrize("package", [*PIPELINE, "sandbox"])
def test_no_source_file_is_over_500_lines(package: str) -> None:
    long = [
        f"{path.relative_to(REPO)} ({n} lines)"
        for path in modules(package)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert long == []


# --- the tests mirror the house (issue 10) ---------------------------------------------------------------
# Whole audits of a school live in tests/e2e (and the browser tests); builders live in tests/builders and are
# imported from there, never from a conftest.py, which holds fixtures only.

WHOLE_AUDIT_HOMES = ("tests/e2e/", "tests/browser/")
# The builder is the one place outside them that spells the command (only tests/e2e calls it); this file
# names the patterns it looks for.
NOT_SCANNED = ("tests/builders/audits.py", "tests/test_architecture.py")
AUDIT_COMMANDS = {"run", "demo", "evaluate"}
AUDIT_CALLS = {"weekly_audit", "run_audit"}
AUDIT_FIXTURES = {
    "audit",
    "audit_inprocess",
    "tiny_school_week",
    "sample_school_week",
}  # the last two: e2e conftest
# `prefect deployment run weekly-audit/weekly`, a trust's schools as trust-school runs: the flow through a worker
AUDIT_DEPLOYMENT = ("weekly-audit/", "trust-school/")


def conftest_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names = [node.module or "", *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        if any(name.split(".")[-1] == "conftest" for name in names):
            found.append(f"line {node.lineno}")
    return found


def first_word(values: list[ast.expr]) -> str | None:
    """The first string literal among a call's positional arguments (or in the list or tuple it is given)."""
    if len(values) == 1 and isinstance(values[0], ast.List | ast.Tuple):
        values = values[0].elts
    return next((v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)), None)


def called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def whole_audits(path: Path) -> list[str]:
    """Where a module runs a whole audit: the CLI's run/demo/evaluate, the flow or its deployment, the e2e fixtures."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            if (name := called(node)) in AUDIT_CALLS:
                found.append(f"line {node.lineno}: {name}(...)")
            elif (word := first_word(node.args)) in AUDIT_COMMANDS:
                found.append(f"line {node.lineno}: {word!r} command")
        elif isinstance(node, ast.List | ast.Tuple) and first_word(node.elts) in AUDIT_COMMANDS:
            found.append(f"line {node.lineno}: {first_word(node.elts)!r} command")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith(AUDIT_DEPLOYMENT)
        ):
            found.append(f"line {node.lineno}: deployment {node.value}")
        elif isinstance(node, ast.FunctionDef):
            requested = {a.arg for a in node.args.args + node.args.kwonlyargs} & AUDIT_FIXTURES
            found += [f"line {node.lineno}: fixture {fixture}" for fixture in sorted(requested)]
    return found


def test_no_test_module_imports_from_a_conftest() -> None:
    found = [
        f"{path.relative_to(REPO)} {where}" for path in modules("tests") for where in conftest_imports(path)
    ]
    assert found == [], "move builders to tests/builders/ and import them from there"


def test_only_tests_e2e_and_browser_run_whole_audits() -> None:
    found = []
    for path in modules("tests"):
        relative = path.relative_to(REPO).as_posix()
        if relative.startswith(WHOLE_AUDIT_HOMES) or relative in NOT_SCANNED:
            continue
        found += [f"{relative} {where}" for where in whole_audits(path)]
    assert found == [], "a test that audits a whole school belongs in tests/e2e/"
    # The check can see an audit: every module of tests/e2e but its conftest runs one.
    e2e = [p for p in modules("tests/e2e") if p.name.startswith("test_")]
    assert e2e and [p.name for p in e2e if not whole_audits(p)] == []
