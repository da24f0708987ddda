"""Every place in the product that creates a file either takes its name from the side-file registry
(warehouse/side_files.py: `transient_path`, `transient_folder`, `kept_path`), which cleaning, erasure, backup and
retention read, or is listed here with why its file is not one of the registry's. A new writer that is neither fails
this test: a new kind of file cannot escape the sweeps by being forgotten.

Found by reading the code (every call that creates a file: `open` for writing, `os.open` with O_CREAT,
`write_text`/`write_bytes`, `tempfile`'s makers, `shutil.copy*`, `sqlite3.connect`), function by function."""

from __future__ import annotations

import ast

from tests.builders.paths import REPO, product_sources

FROM_THE_REGISTRY = ("transient_path", "transient_folder", "kept_path")
TEMPFILE_MAKERS = {"mkdtemp", "mkstemp", "NamedTemporaryFile", "TemporaryDirectory", "SpooledTemporaryFile"}

NOT_THE_REGISTRYS = {
    # Paths the registry gives, handed in by the caller.
    "dashboards.kept_weeks:write_all": "into a folder its callers took from the registry (a kept week, a set)",
    "dashboards.sign_in_state:__init__": "the path state_path takes from the registry (review app sign-in state)",
    "dashboards.sign_in_state:_connection": "the same file, opened by SQLite",
    "flows.school_run_log:__init__": "the path kept_path gives (run log), handed in by flows/trust.py",
    "warehouse.privacy.access_log:_locked_spool": "the path spool_path takes from the registry (access-log spool)",
    "warehouse.privacy.erasure_journal:append": "the path journal_path takes from the registry (erasure journal)",
    "warehouse.privacy.erasure_journal:start": "the same journal, made empty",
    # Files a person asked for, where they said: handed over, outside what the product keeps.
    "dashboards.sar_export:owner_only": "a subject access export, in the folder the DPO names (sar --out)",
    "dashboards.sar_export:write_export": "the same export's folder",
    "flows.commands.dpia:run": "the DPIA summary, where dpia --out says",
    "flows.commands.init:run": "a school's new school.toml and register templates, where init is told",
    "flows.commands.approve_post:run": "the approvals CSV, where approve-post --export says",
    "warehouse.backup.archive:write_sealed": "a backup, in the folder backup --out names (kept [retention] "
    "backup_weeks; a restore erases again from the journal)",
    "warehouse.backup.archive:_write_image": "a restore's image, inside the restore image folder the registry "
    "names (flows/backup.py)",
    "flows.commands.auth:write_owner_only": "a platform credential, where school.toml's [credentials] names it: "
    "the school's own token, nobody's personal data",
    "warehouse.privacy.storage_rewrite:vacuum_catalog": "a lake's own SQLite catalog, vacuumed in place",
    "warehouse.draft_stage:_shaped_template": "an empty warehouse shape (no row) in the system's temporary "
    "folder, removed at exit",
    # A maintainer's commands.
    "checks.rule_catalogue:main": "the repository's docs page, regenerated",
    "flows.cli_reference:main": "the repository's docs page, regenerated",
    "warehouse.dpo_dictionary:main": "the repository's docs page, regenerated",
    "flows.commands.evaluate:run": "the evaluation's scratch schools, in a temporary folder removed after",
    "flows.commands.evaluate:_write_results": "the evaluation's results file, where evaluate --results says",
}


def _creates_a_file(call: ast.Call) -> bool:
    function = call.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    owner = getattr(function.value, "id", "") if isinstance(function, ast.Attribute) else ""
    if name in ("write_text", "write_bytes") or name in TEMPFILE_MAKERS:
        return True
    if (owner, name) in {("sqlite3", "connect"), ("shutil", "copy"), ("shutil", "copy2")}:
        return True
    if owner == "shutil" and name in ("copyfile", "copytree"):
        return True
    if owner == "os" and name == "open":
        return "O_CREAT" in ast.unparse(call)
    if name == "open" and owner != "os":
        modes = [kw.value for kw in call.keywords if kw.arg == "mode"]
        positional = 1 if isinstance(function, ast.Name) else 0
        modes += call.args[positional : positional + 1]
        return any(isinstance(m, ast.Constant) and set(str(m.value)) & set("wax+") for m in modes)
    return False


def writers() -> dict[str, bool]:
    """Each function that creates a file, and whether it names the file through the registry."""
    found: dict[str, bool] = {}
    for path in product_sources():
        module = ".".join(path.relative_to(REPO).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            calls = [c for c in ast.walk(node) if isinstance(c, ast.Call)]
            if any(_creates_a_file(call) for call in calls):
                source = ast.unparse(node)
                found[f"{module}:{node.name}"] = any(name in source for name in FROM_THE_REGISTRY)
    return found


def test_every_writer_names_its_file_through_the_registry_or_says_why_not() -> None:
    found = writers()
    unnamed = sorted(w for w, named in found.items() if not named and w not in NOT_THE_REGISTRYS)
    assert unnamed == [], (
        "these create files the side-file registry does not name: name the kind in warehouse/side_files.py and "
        "take the path from it, or say here why the file is not one of the product's own: "
        + ", ".join(unnamed)
    )
    stale = sorted(w for w in NOT_THE_REGISTRYS if w not in found or found[w])
    assert stale == [], f"listed here but no longer an unnamed writer: {', '.join(stale)}"


def test_the_scan_sees_each_way_of_creating_a_file() -> None:
    samples = {
        "open(p, 'w')": True,
        "p.open(mode='a')": True,
        "open(p)": False,
        "os.open(p, os.O_WRONLY | os.O_CREAT, 0o600)": True,
        "os.open(p, os.O_RDONLY)": False,
        "p.write_text('x')": True,
        "tempfile.mkdtemp()": True,
        "shutil.copy2(a, b)": True,
        "sqlite3.connect(p)": True,
    }
    for source, creates in samples.items():
        call = ast.parse(source, mode="eval").body
        assert isinstance(call, ast.Call)
        assert _creates_a_file(call) is creates, source
