"""trust.toml (docs/contracts/trust.md), read as strictly as school.toml: every problem with its line, all at once.

```toml
[trust]
name = "Riverside Learning Trust"
controller = "schools"     # trust | schools
parallel = 2               # optional: schools audited at once in one process (default: usable cores + 1)

[warehouse]                # optional; default: a SQLite catalog per school + data files in lake/ beside trust.toml
catalog = "sqlite:lake/catalog"   # sqlite:DIR (one catalog file per school) | postgres:CONNINFO
data_path = "lake/data"

[[schools]]
config = "carleton-green/school.toml"   # live APIs; or
sandbox = "datasets/willow-tree"        # a sandbox dataset directory (school.toml inside)
slug = "willow-tree"                    # optional: the folder name of its outputs (default: from the path)
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks.cores import usable_cores
from dashboards.access import ReviewAppSettings
from flows.config.review import parse_review_app
from flows.config.school import ConfigError, read_toml
from flows.config.strict import Problems, describe_value, sub_table, table_label
from warehouse.lake import LakeLocation, location_in

CONTROLLERS = ("trust", "schools")
# The tables and keys trust.toml may hold (docs/contracts/trust.md, which a test holds to these).
TOP_LEVEL_TABLES = {"trust": "table", "warehouse": "table", "schools": "array", "review_app": "table"}
TRUST_KEYS = ("name", "controller", "parallel")
WAREHOUSE_KEYS = ("catalog", "data_path")
SCHOOL_ENTRY_KEYS = ("config", "sandbox", "slug")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
DEFAULT_CATALOG_DIR = "lake/catalog"
DEFAULT_DATA_DIR = "lake/data"


@dataclass(frozen=True)
class TrustSchool:
    slug: str
    school_toml: Path
    sandbox: bool


@dataclass(frozen=True)
class TrustConfig:
    name: str
    controller: str
    root: Path
    catalog: str
    data_path: str
    parallel: int
    schools: tuple[TrustSchool, ...]
    # The trust's review app over its schools (docs/contracts/trust.md, [review_app]).
    review_app: ReviewAppSettings = field(default_factory=ReviewAppSettings)

    @property
    def lake_dir(self) -> Path:
        """Where the locator files and the trust's own history live (beside trust.toml)."""
        return self.root / "lake"


def slug_of(path: str) -> str:
    """`carleton-green/school.toml` -> `carleton-green`; `datasets/Willow Tree` -> `willow-tree`."""
    parts = [p for p in Path(path).parts if p not in (".", "..")]
    if parts and parts[-1].endswith(".toml"):
        parts = parts[:-1]
    stem = parts[-1] if parts else "school"
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:63] or "school"


def _resolve(root: Path, value: str) -> str:
    """A sqlite/postgres catalog or a data path, with relative file paths taken beside trust.toml."""
    kind, colon, rest = value.partition(":")
    if colon and kind == "postgres":
        return value
    if colon and kind == "sqlite":
        return "sqlite:" + str((root / rest).resolve())
    if "://" in value:
        return value
    return str((root / value).resolve())


def default_parallel() -> int:
    """One school more than the process may use cores: a school's run also waits (on the platforms' pages and
    rate limits, on downloads, on Prefect's API), and the cores that wait leaves idle go to the school beside it;
    nor is the last school of a trust left to run alone on one core while the others sit idle. Image reading
    holds at most one engine per core whatever this is (checks/images/lending.py)."""
    return usable_cores() + 1


def _trust_table(data: dict[str, Any], problems: Problems) -> tuple[str, str, int]:
    table = sub_table(data, "trust", (), problems)
    problems.unknown(table, ("trust",), dict.fromkeys(TRUST_KEYS, "key"))
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.add(
            ("trust", "name") if "name" in table else ("trust",), "[trust] name must be a non-empty name"
        )
        name = ""
    controller = table.get("controller", "")
    if controller not in CONTROLLERS:
        problems.add(
            ("trust", "controller") if "controller" in table else ("trust",),
            f"[trust] controller must be one of {', '.join(CONTROLLERS)}, not {controller!r}"
            + ("" if "controller" in table else " (missing: who is the data controller?)"),
        )
    parallel = table.get("parallel", default_parallel())
    if isinstance(parallel, bool) or not isinstance(parallel, int) or not 1 <= parallel <= 64:
        problems.add(("trust", "parallel"), "[trust] parallel must be a whole number from 1 to 64")
        parallel = 1
    return name, str(controller), parallel


def _warehouse_table(data: dict[str, Any], problems: Problems, root: Path) -> tuple[str, str]:
    table = sub_table(data, "warehouse", (), problems)
    problems.unknown(table, ("warehouse",), dict.fromkeys(WAREHOUSE_KEYS, "key"))
    catalog = table.get("catalog", "sqlite:" + DEFAULT_CATALOG_DIR)
    data_path = table.get("data_path", DEFAULT_DATA_DIR)
    if not isinstance(catalog, str) or catalog.partition(":")[0] not in ("sqlite", "postgres"):
        problems.add(("warehouse", "catalog"), "[warehouse] catalog must be sqlite:DIR or postgres:CONNINFO")
        catalog = "sqlite:" + DEFAULT_CATALOG_DIR
    if not isinstance(data_path, str) or not data_path.strip():
        problems.add(("warehouse", "data_path"), "[warehouse] data_path must be a non-empty path")
        data_path = DEFAULT_DATA_DIR
    return _resolve(root, catalog), _resolve(root, data_path)


def _school_entry(entry: Any, index: int, problems: Problems, root: Path) -> TrustSchool | None:
    path = ("schools", index)
    if not isinstance(entry, dict):
        problems.add(path, f"each [[schools]] entry must be a table, not {describe_value(entry)}")
        return None
    problems.unknown(entry, path, dict.fromkeys(SCHOOL_ENTRY_KEYS, "key"))
    given = [key for key in ("config", "sandbox") if key in entry]
    if len(given) != 1:
        problems.add(path, f"{table_label(path)} needs exactly one of config = SCHOOL_TOML or sandbox = DIR")
        return None
    value = entry[given[0]]
    if not isinstance(value, str) or not value.strip():
        problems.add((*path, given[0]), f"{table_label(path)} {given[0]} must be a non-empty path")
        return None
    sandbox = given[0] == "sandbox"
    school_toml = (root / value / "school.toml") if sandbox else (root / value)
    slug = entry.get("slug", slug_of(value))
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        problems.add(
            (*path, "slug"),
            f"{table_label(path)} slug must be lower-case letters, digits and hyphens (found {slug!r})",
        )
        return None
    return TrustSchool(slug=slug, school_toml=school_toml.resolve(), sandbox=sandbox)


def load_trust(path: Path) -> TrustConfig:
    """Parse and check trust.toml; the schools' own school.toml files are read by their runs, not here, so one
    school's broken file fails that school alone."""
    text, data = read_toml(path)
    root = path.resolve().parent
    problems = Problems(path.name, text)
    problems.unknown(data, (), TOP_LEVEL_TABLES)
    name, controller, parallel = _trust_table(data, problems)
    catalog, data_path = _warehouse_table(data, problems, root)
    entries = data.get("schools", [])
    if not isinstance(entries, list) or not entries:
        problems.add(("schools",), "trust.toml needs at least one [[schools]] entry")
        entries = []
    schools: list[TrustSchool] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        school = _school_entry(entry, index, problems, root)
        if school is None:
            continue
        if school.slug in seen:
            problems.add(
                ("schools", index),
                f"[[schools]] #{index + 1} has the same slug {school.slug!r} as #{seen[school.slug] + 1}: "
                "give one of them slug = ...",
            )
            continue
        seen[school.slug] = index
        schools.append(school)
    review_app = parse_review_app(data, problems, root, tuple(s.slug for s in schools), controller)
    found = problems.messages()
    if found:
        raise ConfigError(*found)
    return TrustConfig(name, controller, root, catalog, data_path, parallel, tuple(schools), review_app)


def school_lake(trust: TrustConfig, slug: str) -> LakeLocation:
    """Where a school's (or, for "_trust", the trust's own) DuckLake is."""
    return location_in(trust.catalog, trust.data_path, slug)


def audited_lakes(trust: TrustConfig) -> dict[str, LakeLocation]:
    """Each school's lake (slug -> location) once a trust run has written its locator; others are left out."""
    return {
        school.slug: school_lake(trust, school.slug)
        for school in trust.schools
        if (trust.lake_dir / f"{school.slug}.ducklake").exists()
    }
