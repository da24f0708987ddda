"""A view column's source is read from the view's definition: renamed, cast or picked by an aggregate it still names
its stored column; computed, or only sharing a name, it names none."""

from __future__ import annotations

import duckdb

from warehouse.view_lineage import Lineage


def test_each_view_column_names_the_stored_columns_it_shows() -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA s")
    con.execute("CREATE TABLE s.a (id INTEGER, note VARCHAR, seen TIMESTAMP, load_id VARCHAR)")
    con.execute("CREATE TABLE s.b (id INTEGER, note VARCHAR)")
    con.execute("CREATE VIEW s.inner_view AS SELECT x.* EXCLUDE (load_id) FROM s.a AS x")
    con.execute(
        """
        CREATE VIEW s.v AS
        WITH latest AS (SELECT id, max(seen) AS last_at FROM s.inner_view GROUP BY id)
        SELECT i.id AS person_id, CAST(i.note AS VARCHAR) AS why, upper(b.note) AS note, l.last_at
        FROM s.inner_view AS i JOIN latest AS l USING (id) LEFT JOIN s.b AS b ON b.id = i.id
        """
    )
    con.execute("CREATE VIEW s.u AS SELECT id, note FROM s.a UNION ALL SELECT id, 'fixed' FROM s.b")

    lineage = Lineage(con)

    assert lineage.of("s.v") == {
        "person_id": {("s.a", "id")},
        "why": {("s.a", "note")},
        "note": set(),
        "last_at": {("s.a", "seen")},
    }
    assert lineage.of("s.u") == {"id": {("s.a", "id"), ("s.b", "id")}, "note": {("s.a", "note")}}
    assert "load_id" not in lineage.of("s.inner_view")
