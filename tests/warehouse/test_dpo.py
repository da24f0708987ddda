"""The DPO's views: every view and column is described, and docs/data-dictionary.md matches the code."""

from __future__ import annotations

from warehouse import dpo_dictionary
from warehouse.sql_models import MODELS_DIR


def test_every_dpo_view_and_column_has_a_comment(con):
    ours = sorted(path.stem for path in (MODELS_DIR / "dpo").glob("*.sql"))
    assert len(ours) >= 8
    views = dict(
        con.execute("SELECT view_name, comment FROM duckdb_views() WHERE schema_name = 'dpo'").fetchall()
    )
    assert set(ours) <= set(views)
    # Every view in the schema, wherever it is defined: the DPO reads them all.
    assert [name for name, comment in views.items() if not comment] == []
    missing = con.execute(
        "SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE schema_name = 'dpo' AND comment IS NULL"
    ).fetchall()
    assert missing == []


def test_every_dpo_view_answers_on_an_empty_warehouse(con):
    for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'dpo'").fetchall():
        con.execute(f"SELECT * FROM dpo.{name} LIMIT 1").fetchall()


def test_the_data_dictionary_is_up_to_date():
    # Stale? Regenerate with: python -m warehouse.dpo_dictionary
    assert dpo_dictionary.DOC_PATH.read_text(encoding="utf-8") == dpo_dictionary.generate()


# A draft is checked before posting on X or YouTube only (check-post's --platform).
DRAFT_COLUMNS = {"audit.post_checks.platform", "audit.post_approvals.platform", "dpo.post_checks.platform"}


def test_a_platform_column_names_every_platform_the_product_reads(con):
    """A platform added through the plug-in list is named wherever a comment lists the platforms."""
    from platforms import PLATFORMS

    names = {p.name for p in PLATFORMS}
    listing = con.execute(
        "SELECT schema_name || '.' || table_name || '.' || column_name, comment FROM duckdb_columns()"
        " WHERE column_name = 'platform' AND comment IS NOT NULL"
    ).fetchall()
    stale = [
        f"{column}: {comment}"
        for column, comment in listing
        if column not in DRAFT_COLUMNS
        and "youtube" in comment
        and not names <= set(comment.replace(",", " ").replace(":", " ").replace(".", " ").split())
    ]
    assert listing and stale == []
