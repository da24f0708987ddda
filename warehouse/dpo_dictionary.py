"""The data dictionary (docs/data-dictionary.md), generated from the COMMENT ON text of a freshly built warehouse."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from warehouse.db import connect, migrate
from warehouse.markdown_text import markdown_text
from warehouse.sql_models import apply_models
from warehouse.view_lineage import Lineage

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"
# The DPO's views first, then the stored tables they read; staging/marts are intermediate and documented in SQL.
SCHEMAS = ("dpo", "ref", "raw", "audit", "meta")


def _one_line(text: str | None) -> str:
    return markdown_text(text or "")


def describe(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Every table and view in SCHEMAS with its comment and its columns' types and comments; a dpo view says which
    stored column each of its columns shows."""
    relations = con.execute(
        """
        SELECT schema_name, table_name, 'table' AS kind, comment FROM duckdb_tables()
        WHERE database_name = current_database()
        UNION ALL
        SELECT schema_name, view_name, 'view', comment FROM duckdb_views()
        WHERE database_name = current_database() AND NOT internal
        """
    ).fetchall()
    lineage = Lineage(con)
    wanted = sorted((r for r in relations if r[0] in SCHEMAS), key=lambda r: (SCHEMAS.index(r[0]), r[1]))
    described = []
    for schema, name, kind, comment in wanted:
        columns = con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index",
            [schema, name],
        ).fetchall()
        described.append(
            {
                "name": f"{schema}.{name}",
                "kind": kind,
                "comment": comment,
                "columns": columns,
                # A dpo view's column -> the stored columns it shows, read from the view's definition.
                "shows": lineage.of(f"{schema}.{name}") if schema == "dpo" and kind == "view" else {},
            }
        )
    return described


# A column named in at least this many relations with the same type and the same description is described once, in
# the table of common columns (they mean the same everywhere), and each relation names it on one line.
SHARED_AT = 3
SHARED_HEADING = "Common columns"


def _type(data_type: str) -> str:
    return "" if data_type == "VARCHAR" else f" {_one_line(data_type)}"


def shared_meanings(relations: list[dict[str, object]]) -> dict[tuple[str, str], str]:
    """(column, type) -> its description, for the columns described word for word alike in SHARED_AT relations."""
    counts: dict[tuple[str, str, str], int] = {}
    for relation in relations:
        for column, data_type, comment in relation["columns"]:  # type: ignore[attr-defined]
            if text := _one_line(comment):
                counts[(column, data_type, text)] = counts.get((column, data_type, text), 0) + 1
    shared: dict[tuple[str, str], str] = {}
    for (column, data_type, text), count in sorted(counts.items(), key=lambda item: -item[1]):
        if count >= SHARED_AT:
            shared.setdefault((column, data_type), text)
    return shared


def _shown_as(relations: list[dict[str, object]]) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """(stored table, column) -> (dpo view, its column, the view column's description) for each view column that
    shows it."""
    shown: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for relation in relations:
        described = {column: _one_line(comment) for column, _, comment in relation["columns"]}  # type: ignore[attr-defined]
        for column, origins in dict(relation.get("shows") or {}).items():  # type: ignore[call-overload]
            for origin in sorted(origins):
                shown.setdefault(origin, []).append(
                    (str(relation["name"]), column, described.get(column, ""))
                )
    return shown


def render(relations: list[dict[str, object]]) -> str:
    """A list of the columns that mean the same everywhere, then one section per table or view: its comment, then
    one line per column (`name` TYPE: comment). A text column's type (VARCHAR) is left out; the shared columns, the
    undescribed ones and those described word for word as in an earlier relation are each named together on one
    line; whether a relation is a view or a table is said once per schema when all of the schema's are the same kind.
    A stored table names the dpo views that show its columns (found from the views' definitions, so a renamed column is
    named with its new name and a column that only shares a name is not taken for it) and lists only the columns they
    do not show, or describe less; one they show whole is named beside them under its schema's heading, not described
    again. A view is named, not linked: its heading is in the page's table of contents."""
    shared = shared_meanings(relations)
    lines = [
        "# Data dictionary",
        "",
        "Generated from the warehouse's `COMMENT ON` text by `python -m warehouse.dpo_dictionary`. Query with",
        "`socialaudit sql`, starting with the `dpo` views ([dpo.md](dpo.md)). Times are UTC; a column with no type shown",
        'is text (VARCHAR); "common": described under Common columns; "as in": described first there; "Also in": the dpo',
        "views that show, and describe, a stored table's columns not listed under it.",
        "",
        f"## {SHARED_HEADING}",
        "",
        *(f"- `{column}`{_type(data_type)}: {text}" for (column, data_type), text in sorted(shared.items())),
        "",
    ]
    said: dict[tuple[str, str, str], str] = {}
    shown_as = _shown_as(relations)
    kinds: dict[str, set[str]] = {}
    for relation in relations:
        kinds.setdefault(str(relation["name"]).split(".")[0], set()).add(str(relation["kind"]))
    bodies: dict[str, list[str]] = {}
    whole: dict[str, list[str]] = {}
    for relation in relations:
        name = str(relation["name"])
        schema = name.split(".")[0]
        body = bodies.setdefault(schema, [])
        column_lines: list[str] = []
        # dpo view -> this table's columns it shows under another name
        left_to_views: dict[str, list[str]] = {}
        everywhere: list[str] = []
        undescribed: list[str] = []
        described_before: dict[str, list[tuple[int, str, str]]] = {}
        for column, data_type, comment in relation["columns"]:  # type: ignore[attr-defined]
            text = _one_line(comment)
            shown = shown_as.get((name, column), [])
            if shown and len(text) <= max(len(meaning) for _, _, meaning in shown):
                # The view that says most of it is named, once: a reader finds the column there by its name, or by
                # the names it goes by there.
                view = max(shown, key=lambda shows: len(shows[2]))[0]
                renamed = left_to_views.setdefault(view, [])
                names = [
                    f"`{as_named}`" for seen, as_named, _ in shown if seen == view and as_named != column
                ]
                if names:
                    renamed.append(f"`{column}` as {', '.join(names)}")
                continue
            if not text:
                undescribed.append(f"`{column}`{_type(data_type)}")
                continue
            if shared.get((column, data_type)) == text:
                everywhere.append(f"`{column}`")
                continue
            line = f"- `{column}`{_type(data_type)}: {text}"
            first = said.setdefault((column, data_type, text), name)
            if first != name:
                described_before.setdefault(first, []).append((len(column_lines), column, line))
            column_lines.append(line)
        pointers = []
        if everywhere:
            pointers.append(f"- common: {', '.join(everywhere)}.")
        for first, columns in described_before.items():
            pointer = f"- as in `{first}`: " + ", ".join(f"`{column}`" for _, column, _ in columns) + "."
            if len(pointer) < sum(len(line) for _, _, line in columns):
                pointers.append(pointer)
                for index, _, _ in columns:
                    column_lines[index] = ""
        if undescribed:
            pointers.append(f"- undescribed: {', '.join(undescribed)}.")
        listed = [line for line in column_lines if line] + pointers
        shown_in = ", ".join(
            f"`{view}`" + (f" ({', '.join(renamed)})" if renamed else "")
            for view, renamed in sorted(left_to_views.items())
        )
        if left_to_views and not listed:
            # Every column is shown, and described, by the views: the table is named beside them, not described again.
            whole.setdefault(schema, []).append(f"`{name}` ({shown_in})")
            continue
        body += [
            f"### `{name}`" + ("" if len(kinds[schema]) == 1 else f" ({relation['kind']})"),
            "",
            _one_line(str(relation["comment"] or "(no description)")),
            "",
        ]
        if left_to_views:
            body += [f"Also in {shown_in}.", ""]
        body += listed
        body.append("")
    for schema, body in bodies.items():
        kind = next(iter(kinds[schema]))
        lines += [f"## Schema `{schema}`" + (f" ({kind}s)" if len(kinds[schema]) == 1 else ""), ""]
        if schema in whole:
            lines += ["Shown whole by the dpo views: " + ", ".join(whole[schema]) + ".", ""]
        lines += body
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
