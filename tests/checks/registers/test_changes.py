"""A new register version is held when it loses many people unmarked, whole year groups, or mangled names."""

from __future__ import annotations

import polars as pl

from checks.registers.changes import assess_changes


def pupils(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"pupil_id": pl.String, "forename": pl.String, "year_group": pl.String, "status": pl.String},
        orient="row",
    ).with_columns(pl.lit("Smith").alias("surname"), pl.lit(None, dtype=pl.String).alias("preferred_name"))


SCHOOL = pupils([(f"P{n:03d}", f"Name{n}", str(1 + n % 6), "current") for n in range(60)])
EMPTY = pl.DataFrame(
    {"staff_id": [], "forename": [], "surname": []},
    schema={c: pl.String for c in ("staff_id", "forename", "surname")},
)


def assess(new: pl.DataFrame, accepted: set[tuple[str, str]] | None = None):
    return assess_changes(
        {"pupils": SCHOOL, "staff": EMPTY, "parents": EMPTY},
        {"pupils": new, "staff": EMPTY, "parents": EMPTY},
        {"pupils.csv": "new", "staff.csv": "s", "parents.csv": "p"},
        {"pupils.csv": "old", "staff.csv": "s", "parents.csv": "p"},
        0.2,
        accepted or set(),
    )


def test_an_export_cut_to_four_year_groups_is_held_naming_the_groups_not_the_children() -> None:
    cut = SCHOOL.filter(pl.col("year_group").is_in(["1", "2", "3", "4"]))
    (hold,) = assess(cut)
    assert hold.register == "pupils" and hold.file_sha256 == "new"
    assert "20 of 60 current pupils" in hold.reasons[0]
    assert "Whole year groups are missing: 5 (10), 6 (10)." in hold.reasons[1]
    assert "Name" not in hold.message()


def test_leavers_marked_left_and_ordinary_churn_are_not_held() -> None:
    marked = SCHOOL.with_columns(
        pl.when(pl.col("year_group") == "6").then(pl.lit("left")).otherwise(pl.col("status")).alias("status")
    )
    assert assess(marked) == []
    assert assess(SCHOOL.head(58)) == []  # two pupils gone: below the minimum


def test_replacement_characters_in_names_hold_the_version() -> None:
    mangled = SCHOOL.with_columns(
        pl.when(pl.col("pupil_id") == "P007")
        .then(pl.lit("?ukasz"))
        .otherwise(pl.col("forename"))
        .alias("forename")
    )
    (hold,) = assess(mangled)
    assert "replacement characters" in hold.reasons[0] and "P007" in hold.reasons[0]


def test_an_accepted_version_and_a_first_version_are_used() -> None:
    cut = SCHOOL.filter(pl.col("year_group") == "1")
    assert assess(cut, accepted={("pupils", "new")}) == []
    first = assess_changes(
        {}, {"pupils": cut, "staff": EMPTY, "parents": EMPTY}, {"pupils.csv": "new"}, {}, 0.2, set()
    )
    assert first == []
