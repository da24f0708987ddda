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
    """One section per table or view: its comment, then one line per column (`name` TYPE: comment). A text column's
    type (VARCHAR) is left out; the columns described word for word as in an earlier relation are named together on
    one line that points there; whether a relation is a view or a table is said once per schema when all of the
    schema's are the same kind."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from the warehouse's `COMMENT ON` text by `python -m warehouse.dpo_dictionary` (a test fails when it",
        'is stale). Query with `socialaudit sql "SELECT ..."`; start with the `dpo` views ([dpo.md](dpo.md)). A column',
        'with no type shown is text (VARCHAR); "as in" names the relation where columns were described first.',
        "",
    ]
    said: dict[tuple[str, str, str], str] = {}
    kinds: dict[str, set[str]] = {}
    for relation in relations:
        kinds.setdefault(str(relation["name"]).split(".")[0], set()).add(str(relation["kind"]))
    current_schema = None
    for relation in relations:
        name = str(relation["name"])
        schema = name.split(".")[0]
        one_kind = len(kinds[schema]) == 1
        if schema != current_schema:
            heading = f"## Schema `{schema}`" + (f" ({relation['kind']}s)" if one_kind else "")
            lines += [heading, ""]
            current_schema = schema
        lines += [
            f"### `{name}`" + ("" if one_kind else f" ({relation['kind']})"),
            "",
            _one_line(str(relation["comment"] or "(no description)")),
            "",
        ]
        column_lines: list[str] = []
        described_before: dict[str, list[tuple[int, str, str]]] = {}
        for column, data_type, comment in relation["columns"]:  # type: ignore[attr-defined]
            text = _one_line(comment)
            kind = "" if data_type == "VARCHAR" else f" {_one_line(data_type)}"
            line = f"- `{column}`{kind}: {text}" if text else f"- `{column}`{kind}"
            first = said.setdefault((column, data_type, text), name)
            if first != name and text:
                described_before.setdefault(first, []).append((len(column_lines), column, line))
            column_lines.append(line)
        pointers = []
        for first, columns in described_before.items():
            pointer = f"- as in `{first}`: " + ", ".join(f"`{column}`" for _, column, _ in columns) + "."
            if len(pointer) < sum(len(line) for _, _, line in columns):
                pointers.append(pointer)
                for index, _, _ in columns:
                    column_lines[index] = ""
        lines += [line for line in column_lines if line] + pointers
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
