"""The DPO's views across a trust's schools (`controller = "trust"`): every `dpo.*` view with a `school` column.

Each school's lake is attached read-only under its own name, and `dpo.<view>` in a throw-away in-memory
catalog is the union of that view over the schools, by column name (a school a migration behind still answers).
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from warehouse.duckdb_session import open_database
from warehouse.lake import LakeLocation, attach_lake, load_extensions
from warehouse.portable import quoted


def open_trust_views(schools: Mapping[str, LakeLocation]) -> duckdb.DuckDBPyConnection:
    """An in-memory connection whose `dpo.*` views span every school in `schools` (slug -> lake)."""
    con = open_database(
        ":memory:", {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    try:
        kinds = {location.kind for location in schools.values()}
        for kind in kinds:
            load_extensions(con, kind)
        views: dict[str, list[str]] = {}
        for slug, location in sorted(schools.items()):
            alias = "school_" + slug.replace("-", "_")
            attach_lake(con, location, alias, read_only=True)
            for (view,) in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE database_name = ? AND schema_name = 'dpo'",
                [alias],
            ).fetchall():
                views.setdefault(view, []).append(
                    f"SELECT '{slug}' AS school, * FROM {quoted(alias)}.dpo.{quoted(view)}"
                )
        con.execute("CREATE SCHEMA memory.dpo")
        for view, selects in sorted(views.items()):
            con.execute(f"CREATE VIEW memory.dpo.{quoted(view)} AS " + " UNION ALL BY NAME ".join(selects))
        con.execute("USE memory")
    except BaseException:
        con.close()
        raise
    return con
