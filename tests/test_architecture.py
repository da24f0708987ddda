"""Dependencies point one way (docs/architecture.md): flows -> checks, warehouse, connectors, dashboards;
checks and dashboards read the warehouse and never each other; the platforms' declarations import nothing of the
project (every layer reads them); no module imports another in a circle.

Read from the source with `ast`, so a forbidden import fails here even when nothing executes it: an import inside a
function counts as much as one at the top, and a relative import as much as an absolute one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders.python_source import called

REPO = Path(__file__).resolve().parents[1]
PIPELINE = ("platforms", "connectors", "warehouse", "checks", "dashboards", "flows")
# Every package of the product: the import graph is drawn over all of them.
TREE = (*PIPELINE, "sandbox", "benchmarks")
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


def test_the_platform_declarations_import_nothing_of_the_project() -> None:
    assert offenders(("platforms",), {*PIPELINE, "sandbox"} - {"platforms"}) == []


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


def test_checks_and_dashboards_never_import_each_other() -> None:
    """Both read the warehouse: the report shows what the checks stored, never what checks' code says."""
    assert offenders(("dashboards",), {"checks"}) == []
    assert offenders(("checks",), {"dashboards"}) == []


def test_make_setup_compiles_every_package_of_the_product() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    line = next(line for line in makefile.splitlines() if line.startswith("PACKAGES :="))
    assert sorted(line.partition(":=")[2].split()) == sorted(TREE)


@pytest.mark.parametrize("package", TREE)
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
TRUST_RUN = ["trust", "run"]  # every school of a trust audited
# guide_commands, trial_commands: a guide's marked block of commands, which audits a sample school
# (tests/e2e/test_setup_guide.py, tests/e2e/test_production_trial.py); trust_audit, trust_school: a trust's flows
AUDIT_CALLS = {"weekly_audit", "trust_audit", "trust_school", "run_audit", "guide_commands", "trial_commands"}
AUDIT_FIXTURES = {
    "audit",
    "audit_inprocess",
    "tiny_school_week",
    "sample_school_week",
    "sample_school_two_weeks",
    "sample_school_next_week",
}  # the last four: the e2e conftest's and tests/e2e/shared_two_weeks.py
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


def whole_audits(path: Path) -> list[str]:
    """Where a module runs a whole audit: the CLI's run/demo/evaluate, the flow or its deployment, the e2e fixtures."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            if (name := called(node)) in AUDIT_CALLS:
                found.append(f"line {node.lineno}: {name}(...)")
            elif name != "setattr" and (word := first_word(node.args)) in AUDIT_COMMANDS:
                # (setattr's string is an attribute's name, e.g. a monkeypatched function, not a command)
                found.append(f"line {node.lineno}: {word!r} command")
            elif [a.value for a in node.args[:2] if isinstance(a, ast.Constant)] == TRUST_RUN:
                found.append(f"line {node.lineno}: 'trust run' command")
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


# --- no import circles ----------------------------------------------------------------------------------------


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, at any depth (inside functions and methods too), but not those under
    `if TYPE_CHECKING:`: the type checker reads them, the interpreter never does, so they cannot leave a module
    half-initialised (and an annotation naming a type needs no dependency at run time)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and is_type_checking(node):
            for child in node.orelse:
                yield from runtime_imports(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from runtime_imports(node)


def import_graph(root: Path = REPO, packages: tuple[str, ...] = TREE) -> dict[str, set[str]]:
    """Module -> the modules of the tree it imports. `from package import name` is the submodule `name` when there
    is one, else the package; `import a.b.c` is the deepest module of the tree it names. The packages Python runs on
    the way (`a/__init__.py`, `a/b/__init__.py`) are not edges: a package that re-exports its modules would otherwise
    be in a circle with each of them, though importing one finishes the package first."""
    paths = {
        module_name(path, root): path
        for package in packages
        if (root / package).is_dir()
        for path in sorted((root / package).rglob("*.py"))
    }

    def known(name: str) -> str | None:
        while name and name not in paths:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str | None] = set()
        for node in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(known(alias.name) for alias in node.names)
                continue
            base = node.module or ""
            if node.level:  # `from . import x`, `from ..y import z`: relative to this module's package
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - (node.level - 1)], *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in paths else known(base))
        graph[name] = {target for target in targets if target and target != name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle (a path back to its start) in each strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [circle_within(graph, group) for group in groups]


def circle_within(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """The shortest way from the group's first module back to itself, through the group only."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for module in frontier:
            for target in sorted(graph[module] & group):
                if target == start:
                    return [*paths[module], start]
                if target not in paths:
                    paths[target] = [*paths[module], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"{sorted(group)} is not a circle")


def test_no_module_imports_another_in_a_circle() -> None:
    found = [" -> ".join(circle) for circle in circles(import_graph())]
    assert found == [], "import circles (deferred and relative imports included):\n" + "\n".join(found)


def test_the_circle_finder_sees_deferred_and_relative_imports_not_type_checking(tmp_path: Path) -> None:
    """The finder itself, on a package written here: the deferred import inside a function and the relative import
    close a circle; an import under `if TYPE_CHECKING:` draws no edge."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "engine.py": "def run():\n    from pkg.sub.suites import SUITES\n    return SUITES\n",
        "sub/__init__.py": "",
        "sub/suites.py": "from ..engine import run\nSUITES = {}\n",
        "typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import engine\n",
        "user.py": "import pkg.typed\nfrom pkg import engine\n",
    }
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")

    graph = import_graph(tmp_path, ("pkg",))

    assert graph["pkg.typed"] == set()
    assert graph["pkg.user"] == {"pkg.typed", "pkg.engine"}
    assert circles(graph) == [["pkg.engine", "pkg.sub.suites", "pkg.engine"]]
