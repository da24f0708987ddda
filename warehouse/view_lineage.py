"""Which stored column each view column shows, from DuckDB's own parse of the view (json_serialize_sql): followed
through staging and marts views, CTEs, subqueries and joins, so that a renamed column still names its source and a
column that only shares a name with a table's (computed, or from another table) names none.

A column is shown when the view selects it as it is stored, under its name or another, cast, or picked by an aggregate
that returns one of its values (min, max, arg_max, ...); anything computed from it (a function, a CASE, a count)
shows no column. A union's column shows what each branch's shows."""

from __future__ import annotations

import json
import re
from typing import Any

import duckdb

Origin = tuple[str, str]  # (schema.table, column) of a stored table
Shows = frozenset[Origin]
Columns = list[tuple[str, Shows]]  # a relation's columns in order, each with the stored columns it shows
NOTHING: Shows = frozenset()
# Aggregates whose value is one of their first argument's values.
PICKING = {"min", "max", "arg_max", "arg_min", "max_by", "min_by", "first", "last", "any_value", "arbitrary"}
_HEAD = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+.+?\s+AS\s+", re.IGNORECASE | re.DOTALL)


class Lineage:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._views = {
            f"{schema}.{name}": sql
            for schema, name, sql in con.execute(
                "SELECT schema_name, view_name, sql FROM duckdb_views() "
                "WHERE database_name = current_database() AND NOT internal"
            ).fetchall()
        }
        self._columns: dict[str, list[str]] = {}
        for schema, name, column in con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index"
        ).fetchall():
            self._columns.setdefault(f"{schema}.{name}", []).append(column)
        self._done: dict[str, dict[str, Shows]] = {}

    def of(self, view: str) -> dict[str, Shows]:
        """The view's columns, each with the stored columns it shows (none: computed)."""
        if view in self._done:
            return self._done[view]
        self._done[view] = {}  # a view that (through others) reads itself shows nothing of itself
        names = self._columns.get(view, [])
        select = _HEAD.sub("", self._views[view], count=1).strip().rstrip(";")
        row = self._con.execute("SELECT json_serialize_sql(?)", [select]).fetchone()
        parsed: dict[str, Any] = json.loads(row[0]) if row else {"error": True}
        found: Columns = [] if parsed.get("error") else self._node(parsed["statements"][0]["node"], {})
        # By position: the view's own column list, if it has one, renames what the query selects.
        self._done[view] = {
            name: (found[index][1] if index < len(found) else NOTHING) for index, name in enumerate(names)
        }
        return self._done[view]

    def _node(self, node: dict[str, Any], ctes: dict[str, dict[str, Any]]) -> Columns:
        ctes = {**ctes, **{entry["key"]: entry["value"]["query"]["node"] for entry in _cte_entries(node)}}
        if node.get("type") == "SELECT_NODE":
            scope = self._from(node.get("from_table"), ctes)
            columns: Columns = []
            for expression in node.get("select_list", []):
                if expression.get("class") == "STAR":
                    columns += _star(expression, scope)
                else:
                    columns.append((_name(expression), _origin(expression, scope)))
            return columns
        if node.get("type") == "SET_OPERATION_NODE":
            branches = [self._node(child, ctes) for child in _children(node)]
            if not branches:
                return []
            return [
                (name, frozenset().union(*(b[i][1] for b in branches if len(b) > i)))
                for i, (name, _) in enumerate(branches[0])
            ]
        return []

    def _from(self, ref: dict[str, Any] | None, ctes: dict[str, dict[str, Any]]) -> list[tuple[str, Columns]]:
        """The relations a FROM clause brings in: (the name they go by, their columns)."""
        if not ref:
            return []
        kind = ref.get("type")
        if kind == "JOIN":
            return self._from(ref.get("left"), ctes) + self._from(ref.get("right"), ctes)
        alias = ref.get("alias") or ""
        if kind == "BASE_TABLE":
            schema, name = ref.get("schema_name") or "", ref["table_name"]
            if not schema and name in ctes:
                others = {key: value for key, value in ctes.items() if key != name}
                columns = self._node(ctes[name], others)
            else:
                columns = self._stored_or_view(schema, name)
            return [(alias or name, _renamed(columns, ref.get("column_name_alias") or []))]
        if kind == "SUBQUERY":
            columns = self._node(ref["subquery"]["node"], ctes)
            return [(alias, _renamed(columns, ref.get("column_name_alias") or []))]
        return [(alias, [])]

    def _stored_or_view(self, schema: str, name: str) -> Columns:
        candidates = (
            [f"{schema}.{name}"] if schema else [r for r in self._columns if r.split(".", 1)[1] == name]
        )
        if len(candidates) != 1 or candidates[0] not in self._columns:
            return []
        relation = candidates[0]
        if relation in self._views:
            return list(self.of(relation).items())
        return [(column, frozenset({(relation, column)})) for column in self._columns[relation]]


def _cte_entries(node: dict[str, Any]) -> list[dict[str, Any]]:
    return list((node.get("cte_map") or {}).get("map") or [])


def _children(node: dict[str, Any]) -> list[dict[str, Any]]:
    if node.get("children"):
        return list(node["children"])
    return [node[side] for side in ("left", "right") if node.get(side)]


def _renamed(columns: Columns, aliases: list[str]) -> Columns:
    return [(aliases[i] if i < len(aliases) else name, origin) for i, (name, origin) in enumerate(columns)]


def _name(expression: dict[str, Any]) -> str:
    if expression.get("alias"):
        return str(expression["alias"])
    if expression.get("class") == "COLUMN_REF":
        return str(expression["column_names"][-1])
    return ""


def _origin(expression: dict[str, Any], scope: list[tuple[str, Columns]]) -> Shows:
    if expression.get("class") == "CAST":
        return _origin(expression["child"], scope)
    if expression.get("class") == "FUNCTION" and expression.get("function_name") in PICKING:
        arguments = expression.get("children") or []
        return _origin(arguments[0], scope) if arguments else NOTHING
    if expression.get("class") != "COLUMN_REF":
        return NOTHING
    *qualifier, column = expression["column_names"]
    relations = [columns for alias, columns in scope if not qualifier or alias == qualifier[-1]]
    # Unqualified and in two relations of a join, it is a USING column: the left one's, as DuckDB reads it.
    found = [origin for columns in relations for name, origin in columns if name == column]
    return found[0] if found else NOTHING


def _star(expression: dict[str, Any], scope: list[tuple[str, Columns]]) -> Columns:
    relation = expression.get("relation_name") or ""
    excluded = {
        str(e if isinstance(e, str) else e.get("column_names", [""])[-1]) for e in _excluded(expression)
    }
    replaced = {
        str(entry.get("key")) for entry in expression.get("replace_list") or [] if isinstance(entry, dict)
    }
    columns: Columns = []
    for alias, shown in scope:
        if relation and alias != relation:
            continue
        for name, origin in shown:
            if name not in excluded and not any(name == seen for seen, _ in columns):
                columns.append((name, NOTHING if name in replaced else origin))
    return columns


def _excluded(expression: dict[str, Any]) -> list[Any]:
    return [*(expression.get("exclude_list") or []), *(expression.get("qualified_exclude_list") or [])]
