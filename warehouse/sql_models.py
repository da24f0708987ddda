"""SQL models (staging and marts views), one per .sql file, re-created at every run."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse import portable

MODELS_DIR = Path(__file__).parent / "models"
LAYERS = ("staging", "marts", "dpo")


def model_files() -> list[Path]:
    return [path for layer in LAYERS for path in sorted((MODELS_DIR / layer).glob("*.sql"))]


def apply_models(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create or replace every view; a model whose inputs come later in the order is retried after them."""
    pending = model_files()
    views = portable.view_names(con) if portable.is_lake(con) else None
    created: list[str] = []
    while pending:
        failed: list[tuple[Path, duckdb.Error]] = []
        for path in pending:
            try:
                sql = path.read_text(encoding="utf-8")
                con.execute(portable.for_lake(con, sql, views) if views is not None else sql)
                created.append(path.stem)
            except duckdb.CatalogException as error:
                failed.append((path, error))
        if len(failed) == len(pending):
            names = ", ".join(f"{p.stem} ({e})" for p, e in failed)
            raise RuntimeError(f"SQL models could not be created: {names}")
        pending = [path for path, _ in failed]
    return created
