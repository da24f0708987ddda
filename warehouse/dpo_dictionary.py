"""The data dictionary (docs/data-dictionary.md), generated from the COMMENT ON text of a freshly built warehouse."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from warehouse.db import connect, migrate
from warehouse.sql_models import apply_models

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"
# The DPO's views first, then the stored tables they read; staging/marts are intermediate and documented in SQL.
SCHEMAS = ("dpo", "ref", "raw", "audit", "meta")


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def describe(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Every table and view in SCHEMAS with its comment and its columns' types and comments."""
    relations = con.execute(
        """
        SELECT schema_name, table_name, 'table' AS kind, comment FROM duckdb_tables()
        WHERE database_name = current_database()
        UNION ALL
        SELECT schema_name, view_name, 'view', comment FROM duckdb_views()
        WHERE database_name = current_database() AND NOT internal
        """
    ).fetchall()
    wanted = sorted((r for r in relations if r[0] in SCHEMAS), key=lambda r: (SCHEMAS.index(r[0]), r[1]))
    described = []
    for schema, name, kind, comment in wanted:
        columns = con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index",
            [schema, name],
        ).fetchall()
        described.append({"name": f"{schema}.{name}", "kind": kind, "comment": comment, "columns": columns})
    return described


def render(relations: list[dict[str, object]]) -> str:
    lines = [
        "# Data dictionary",
        "",
        "Generated from the `COMMENT ON` text in the warehouse by `python -m warehouse.dpo_dictionary`;",
        "do not edit by hand (a test fails when this file is stale). Query any of these with",
        '`socialaudit sql "SELECT ..."`; the `dpo` views are the place to start (see docs/dpo.md).',
        "",
    ]
    current_schema = None
    for relation in relations:
        schema = str(relation["name"]).split(".")[0]
        if schema != current_schema:
            lines += [f"## Schema `{schema}`", ""]
            current_schema = schema
        lines += [
            f"### `{relation['name']}` ({relation['kind']})",
            "",
            _one_line(str(relation["comment"] or "(no description)")),
            "",
            "| column | type | description |",
            "| --- | --- | --- |",
        ]
        for column, data_type, comment in relation["columns"]:  # type: ignore[attr-defined]
            lines.append(f"| `{column}` | {_one_line(data_type)} | {_one_line(comment)} |")
        lines.append("")
    return "\n".join(lines)


def generate() -> str:
    con = connect(":memory:")
    try:
        migrate(con)
        apply_models(con)
        return render(describe(con))
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file is stale instead of writing it"
    )
    args = parser.parse_args(argv)
    text = generate()
    if args.check:
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        if current != text:
            print(f"{DOC_PATH} is stale: run python -m warehouse.dpo_dictionary", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.write_text(text, encoding="utf-8")
    print(DOC_PATH)
    return 0


if __name__ == "__main__":
    sys.exit(main())
