"""SQL models (staging, marts and dpo views), one per .sql file, re-created at every run.

A mart every platform feeds marks where their rows go: `{{ platform_rows: column, ... }}` becomes the union of
those columns read from each declared platform's staging model for that mart (platforms/ `Platform.marts`), so a
platform reaches the marts through its declaration and its own staging models, with no mart file edited.
In a comment, `{{ platform_names }}` becomes the declared platforms' names ("x, youtube, facebook or instagram")
and `{{ platform_streams }}` each one's streams ("x: account, followers, ...; youtube: channel, ...");
`{{ remediation_actions }}` the actions the product can take (warehouse/remediation/actions.py), "manual" among them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import duckdb

from platforms import PLATFORMS, Platform
from warehouse import portable
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


def apply_models(con: duckdb.DuckDBPyConnection, platforms: Sequence[Platform] = PLATFORMS) -> list[str]:
    """Create or replace every view; a model whose inputs come later in the order is retried after them."""
    pending = model_files()
    views = portable.view_names(con) if portable.is_lake(con) else None
    created: list[str] = []
    while pending:
        failed: list[tuple[Path, duckdb.Error]] = []
        for path in pending:
            try:
                sql = render(path, platforms)
                con.execute(portable.for_lake(con, sql, views) if views is not None else sql)
                created.append(path.stem)
            except duckdb.CatalogException as error:
                failed.append((path, error))
        if len(failed) == len(pending):
            names = ", ".join(f"{p.stem} ({e})" for p, e in failed)
            raise RuntimeError(f"SQL models could not be created: {names}")
        pending = [path for path, _ in failed]
    return created
