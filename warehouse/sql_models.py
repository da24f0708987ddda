"""SQL models (staging, marts and dpo views), one per .sql file, made again by a run whenever they changed.

A mart every platform feeds marks where their rows go: `{{ platform_rows: column, ... }}` becomes the union of
those columns read from each declared platform's staging model for that mart (platforms/ `Platform.marts`), so a
platform reaches the marts through its declaration and its own staging models, with no mart file edited.
In a comment, `{{ platform_names }}` becomes the declared platforms' names ("x, youtube, facebook or instagram")
and `{{ platform_streams }}` each one's streams ("x: account, followers, ...; youtube: channel, ...");
`{{ remediation_actions }}` the actions the product can take (warehouse/remediation/actions.py), "manual" among them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import duckdb

from platforms import PLATFORMS, Platform
from warehouse import portable
from warehouse.db import joining_or_own_transaction
from warehouse.remediation.actions import ACTION_NAMES

MODELS_DIR = Path(__file__).parent / "models"
LAYERS = ("staging", "marts", "dpo")

PLATFORM_ROWS = re.compile(r"\{\{\s*platform_rows:([^}]*)\}\}")
PLATFORM_NAMES = re.compile(r"\{\{\s*platform_names\s*\}\}")
PLATFORM_STREAMS = re.compile(r"\{\{\s*platform_streams\s*\}\}")
REMEDIATION_ACTIONS = re.compile(r"\{\{\s*remediation_actions\s*\}\}")

# What a platform's accounts publish (its `item`), whatever the platform calls it.
ITEM = "item"
# The marts every platform feeds, each with the subjects that oblige a platform to: one whose streams show any of
# them names a staging model for the mart (tests/warehouse/test_platform_marts.py fails a platform that does not).
PLATFORM_MARTS: dict[str, frozenset[str]] = {
    "fct_audience": frozenset({"follower", "following", "subscriber", "comment"}),
    "fct_official_account_settings": frozenset({"account"}),
    "fct_published_media": frozenset({ITEM}),
    "fct_published_text": frozenset({ITEM}),
    "fct_subjects_present": frozenset({ITEM, "follower", "following", "subscriber", "comment"}),
}


def marts_to_feed(platform: Platform) -> list[str]:
    """The marts `platform` must name a staging model for, by the subjects its streams show."""
    shown = {kind for stream in platform.streams for kind in stream.subjects} | {ITEM}
    return [mart for mart, subjects in PLATFORM_MARTS.items() if shown & subjects]


def model_files() -> list[Path]:
    return [path for layer in LAYERS for path in sorted((MODELS_DIR / layer).glob("*.sql"))]


def render(path: Path, platforms: Sequence[Platform] = PLATFORMS) -> str:
    """The model's SQL with its platform placeholders filled from `platforms`."""
    sql = path.read_text(encoding="utf-8")

    def union(match: re.Match[str]) -> str:
        columns = ", ".join(column.strip() for column in match.group(1).split(","))
        models = [p.marts[path.stem] for p in platforms if path.stem in p.marts]
        if not models:
            raise RuntimeError(
                f"{path.stem}: no platform names a staging model for it (platforms/ Platform.marts)"
            )
        return "\nUNION ALL\n".join(f"SELECT {columns} FROM staging.{model}" for model in models)

    names = [p.name for p in platforms]
    spelled = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    streams = "; ".join(f"{p.name}: {', '.join(s.name for s in p.streams)}" for p in platforms)
    sql = PLATFORM_ROWS.sub(union, sql)
    sql = REMEDIATION_ACTIONS.sub(" | ".join(ACTION_NAMES), sql)
    return PLATFORM_STREAMS.sub(streams, PLATFORM_NAMES.sub(spelled, sql))


# What the models last created in this database were, kept beside them in the layer they build on (a view: no
# migration, and it is made, or not, in the same transaction as they are).
APPLIED_VIEW = "staging.sql_models_applied"
APPLIED_COMMENT = (
    "The sha256 of the SQL models (staging, marts and dpo views) last created here: a run makes them again only when"
    " they changed or one of their views is missing."
)
MODEL_REFERENCE = re.compile(r"\b(?:" + "|".join(LAYERS) + r")\.\w+\b", re.IGNORECASE)
CATALOG_VIEWS = "SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = current_database()"


def models_fingerprint(rendered: Sequence[tuple[Path, str]]) -> str:
    """sha256 of every model's SQL as rendered, in order (a lake's stage and the lake itself hold the same)."""
    digest = hashlib.sha256()
    for path, sql in rendered:
        digest.update(f"\0{path.parent.name}/{path.name}\0".encode())
        digest.update(sql.encode())
    return digest.hexdigest()


def apply_models(
    con: duckdb.DuckDBPyConnection, platforms: Sequence[Platform] = PLATFORMS, *, again: bool = False
) -> list[str]:
    """Create or replace every view; a model whose inputs come later in the order is retried after them. Returns
    the models in the order they were created.

    Nothing is made again where these very models were the last made and each of their views is there (binding
    ~70 views costs ~0.2 s each time; a view reads the tables as they are whenever it is queried, so a migration
    needs none made again), unless `again`: a caller that found a view differing from its model.

    The views are made in one transaction, the caller's if it has one open: on a lake every statement committed
    alone is a catalog commit of its own (~70 of them took ~3 s on a SQLite catalog, against ~0.25 s in one), and
    a failure part-way leaves the views as they were."""
    rendered = [(path, render(path, platforms)) for path in model_files()]
    paths = [path for path, _ in rendered]
    fingerprint = models_fingerprint(rendered)
    if not again and _in_place(con, fingerprint, paths):
        return [path.stem for path in paths]
    with joining_or_own_transaction(con):
        return _create_views(con, rendered, fingerprint)


def _create_views(
    con: duckdb.DuckDBPyConnection, rendered: Sequence[tuple[Path, str]], fingerprint: str
) -> list[str]:
    views = portable.view_names(con) if portable.is_lake(con) else None
    pending = in_dependency_order(rendered)
    created: list[str] = []
    while pending:
        failed: list[tuple[Path, str, duckdb.Error]] = []
        for path, sql in pending:
            try:
                con.execute(portable.for_lake(con, sql, views) if views is not None else sql)
                created.append(path.stem)
            except duckdb.CatalogException as error:
                failed.append((path, sql, error))
        if len(failed) == len(pending):
            names = ", ".join(f"{p.stem} ({e})" for p, _, e in failed)
            raise RuntimeError(f"SQL models could not be created: {names}")
        pending = [(path, sql) for path, sql, _ in failed]
    con.execute(f"CREATE OR REPLACE VIEW {APPLIED_VIEW} AS SELECT '{fingerprint}' AS models")
    con.execute(f"COMMENT ON VIEW {APPLIED_VIEW} IS '{APPLIED_COMMENT}'")
    return created


def in_dependency_order(rendered: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """The models, each after every other model its SQL names (`layer.model`), otherwise in file order: a model made
    before one of its inputs fails to bind and is tried again, and in file order most of them were. A model naming
    another only in a way not seen here is still retried after it (`apply_models`)."""
    index = {f"{path.parent.name}.{path.stem}": position for position, (path, _) in enumerate(rendered)}
    needs = [
        {index[name.lower()] for name in MODEL_REFERENCE.findall(sql) if name.lower() in index} - {position}
        for position, (_, sql) in enumerate(rendered)
    ]
    ordered: list[int] = []
    placed: set[int] = set()
    unplaced = list(range(len(rendered)))
    while unplaced:
        # Without one whose inputs are all placed (a cycle, which DuckDB refuses anyway): the rest in file order.
        ready = next((i for i in unplaced if needs[i] <= placed), unplaced[0])
        ordered.append(ready)
        placed.add(ready)
        unplaced.remove(ready)
    return [rendered[i] for i in ordered]


def _in_place(con: duckdb.DuckDBPyConnection, fingerprint: str, paths: Sequence[Path]) -> bool:
    """Whether these very models were the last made here, and each one's view is there."""
    try:
        row = con.execute(f"SELECT models FROM {APPLIED_VIEW}").fetchone()
    except duckdb.Error:
        return False
    if row is None or row[0] != fingerprint:
        return False
    found = {(str(schema), str(view)) for schema, view in con.execute(CATALOG_VIEWS).fetchall()}
    return {(path.parent.name, path.stem) for path in paths} <= found
